// SPDX-License-Identifier: MIT
/*
 * lwIP's operating-system layer (lwip/sys.h) on Hako's kernel: threads,
 * semaphores and mutexes from hako/thread.h and hako/sync.h, mailboxes as
 * rings on wait queues, sys_now() from the monotonic clock.
 *
 * The scheduler is cooperative, so a check followed by a wait is atomic:
 * nothing runs between them.  SYS_ARCH_PROTECT masks events all the same,
 * so that lwIP's pools stay safe should a port ever preempt.
 */
#include <stdlib.h>

#include <hal.h>
#include <hako/printk.h>
#include <hako/sync.h>
#include <hako/thread.h>
#include <hako/waitq.h>

#include "lwip/sys.h"
#include "lwip/tcpip.h"

#define MS 1000000ULL

static uint64_t deadline_after_ms(u32_t timeout)
{
	return timeout ? hal_clock_monotonic() + (uint64_t)timeout * MS : WAITQ_FOREVER;
}

static u32_t elapsed_ms(uint64_t start)
{
	uint64_t ms = (hal_clock_monotonic() - start) / MS;

	/* SYS_ARCH_TIMEOUT (0xffffffff) is reserved for "timed out". */
	return ms >= SYS_ARCH_TIMEOUT ? SYS_ARCH_TIMEOUT - 1 : (u32_t)ms;
}

void sys_init(void)
{
}

u32_t sys_now(void)
{
	return (u32_t)(hal_clock_monotonic() / MS);
}

sys_prot_t sys_arch_protect(void)
{
	return hal_irq_save();
}

void sys_arch_unprotect(sys_prot_t pval)
{
	hal_irq_restore(pval);
}

/* ---------------------------------------------------------- semaphores --- */

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
	sem_init(&sem->sem, count);
	sem->valid = true;
	return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
	sem->valid = false;
}

void sys_sem_signal(sys_sem_t *sem)
{
	sem_up(&sem->sem);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
	uint64_t start = hal_clock_monotonic();

	if (!sem_down_until(&sem->sem, deadline_after_ms(timeout)))
		return SYS_ARCH_TIMEOUT;
	return elapsed_ms(start);
}

/* ------------------------------------------------------------- mutexes --- */

err_t sys_mutex_new(sys_mutex_t *m)
{
	mutex_init(&m->mutex);
	m->valid = true;
	return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *m)
{
	m->valid = false;
}

void sys_mutex_lock(sys_mutex_t *m)
{
	mutex_lock(&m->mutex);
}

void sys_mutex_unlock(sys_mutex_t *m)
{
	mutex_unlock(&m->mutex);
}

#if LWIP_TCPIP_CORE_LOCKING
void sys_check_core_locking(void)
{
	/* Before tcpip_init() made the lock, lwIP runs alone (init). */
	if (lock_tcpip_core.valid && lock_tcpip_core.mutex.owner != thread_self())
		panic("lwIP entered by thread '%s' without the core lock",
		      thread_name(thread_self()));
}
#endif

/* ----------------------------------------------------------- mailboxes --- */

err_t sys_mbox_new(sys_mbox_t *mb, int size)
{
	if (size <= 0)
		size = 64;
	mb->slots = calloc((size_t)size, sizeof(void *));
	if (!mb->slots)
		return ERR_MEM;
	mb->size = (unsigned)size;
	mb->head = 0;
	mb->count = 0;
	waitq_init(&mb->readers);
	waitq_init(&mb->writers);
	return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mb)
{
	if (mb->count)
		pr_warn("net: mailbox freed with %u messages in it\n", mb->count);
	free(mb->slots);
	mb->slots = NULL;
}

static void mbox_put(sys_mbox_t *mb, void *msg)
{
	mb->slots[(mb->head + mb->count) % mb->size] = msg;
	mb->count++;
	waitq_wake_one(&mb->readers);
}

void sys_mbox_post(sys_mbox_t *mb, void *msg)
{
	while (mb->count == mb->size)
		waitq_wait(&mb->writers, WAITQ_FOREVER);
	mbox_put(mb, msg);
}

err_t sys_mbox_trypost(sys_mbox_t *mb, void *msg)
{
	if (mb->count == mb->size)
		return ERR_MEM;
	mbox_put(mb, msg);
	return ERR_OK;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mb, void *msg)
{
	return sys_mbox_trypost(mb, msg);
}

static void *mbox_take(sys_mbox_t *mb)
{
	void *msg = mb->slots[mb->head];

	mb->head = (mb->head + 1) % mb->size;
	mb->count--;
	waitq_wake_one(&mb->writers);
	return msg;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mb, void **msg, u32_t timeout)
{
	uint64_t start = hal_clock_monotonic(), deadline = deadline_after_ms(timeout);
	void *m;

	while (mb->count == 0)
		if (!waitq_wait(&mb->readers, deadline) && mb->count == 0)
			return SYS_ARCH_TIMEOUT;
	m = mbox_take(mb);
	if (msg)
		*msg = m;
	return elapsed_ms(start);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mb, void **msg)
{
	void *m;

	if (mb->count == 0)
		return SYS_MBOX_EMPTY;
	m = mbox_take(mb);
	if (msg)
		*msg = m;
	return 0;
}

/* ------------------------------------------------------------- threads --- */

struct start {
	lwip_thread_fn fn;
	void *arg;
};

static void *thread_entry(void *p)
{
	struct start s = *(struct start *)p;

	free(p);
	s.fn(s.arg);
	return NULL;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg, int stacksize,
			    int prio)
{
	struct start *s = malloc(sizeof(*s));
	struct thread *t;

	if (!s)
		panic("net: no memory to start lwIP's thread '%s'", name);
	s->fn = fn;
	s->arg = arg;
	t = thread_create(name, thread_entry, s, stacksize > 0 ? (size_t)stacksize : 0);
	if (!t)
		panic("net: no memory for the stack of lwIP's thread '%s'", name);
	return t;
}
