/* SPDX-License-Identifier: MIT */
/*
 * arch/sys_arch.h - lwIP's operating-system types on Hako's threads:
 * semaphores and mutexes are the kernel's (hako/sync.h), a mailbox is a
 * ring of pointers with two wait queues.  services/net/sys_arch.c has the
 * functions.
 */
#ifndef HAKO_LWIP_ARCH_SYS_ARCH_H
#define HAKO_LWIP_ARCH_SYS_ARCH_H

#include <stdbool.h>

#include <hako/sync.h>
#include <hako/thread.h>
#include <hako/waitq.h>

typedef struct {
	struct semaphore sem;
	bool valid;
} sys_sem_t;

typedef struct {
	struct mutex mutex;
	bool valid;
} sys_mutex_t;

typedef struct {
	void **slots;	 /* NULL: not valid */
	unsigned size;	 /* number of slots */
	unsigned head;	 /* next to fetch */
	unsigned count;	 /* messages queued */
	struct waitq readers;
	struct waitq writers;
} sys_mbox_t;

typedef struct thread *sys_thread_t;

#define sys_mbox_valid(m) ((m)->slots != NULL)
#define sys_mbox_set_invalid(m) ((m)->slots = NULL)
#define sys_sem_valid(s) ((s)->valid)
#define sys_sem_set_invalid(s) ((s)->valid = false)
#define sys_mutex_valid(m) ((m)->valid)
#define sys_mutex_set_invalid(m) ((m)->valid = false)

#endif
