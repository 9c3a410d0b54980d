// SPDX-License-Identifier: MIT
/*
 * The usermode port: the image is an ordinary static Linux process that
 * talks to the host through raw system calls only.
 *
 *   IMAGE [--mem=SIZE] [--disk=PATH[:ro]]... [--initrd=PATH] [--net=BACKEND]...
 *         [--] [ARGS...]
 *
 * --mem sets the guest memory (suffix K, M or G; default from Kconfig);
 * --disk adds a block device (disk0, disk1... in order; block.c), :ro makes
 * it read-only; --initrd maps a cpio archive as the initial ramdisk; each
 * --net adds a network device (net.c: passt's socket or a TAP).  An option
 * is accepted only by an image with that kind of device.  The
 * remaining arguments become the kernel command line, each one quoted so
 * that spaces and quotes survive.  The console is standard output.
 * Asynchronous events are signals: SIGTERM asks for a shutdown; SIGSEGV and
 * friends go to kern_fault() on the signal stack (a thread's stack may be
 * the thing that overflowed).  Guard pages are mprotect()ed.  Signals are blocked except inside
 * hal_wait()'s ppoll, so no event is lost between a check and the wait.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hal.h>
#include <hako/printk.h>

#include "syscall.h"
#include "usermode.h"

#define CMDLINE_MAX 4096
#define SIGBIT(s) (1ULL << ((s)-1))

extern char __image_start[], __image_end[];
void usermode_sigreturn(void);

static char cmdline[CMDLINE_MAX];
static struct hal_mem_region regions[3];
static struct hal_boot_info boot = { .platform = "usermode", .cmdline = cmdline, .regions = regions, .flags = HAL_BOOT_SHUTDOWN_SOURCE };
static volatile int shutdown_requested;
static uintptr_t guest_base, guest_size; /* the HAL_MEM_FREE region */
static char altstack[16384] __attribute__((aligned(16)));

void um_raw_write(int fd, const char *s, size_t n)
{
	while (n) {
		long r = sys3(SYS_write, fd, s, n);

		if (r == -EINTR)
			continue;
		if (r <= 0)
			return; /* stdout closed: nothing more can be said */
		s += r;
		n -= (size_t)r;
	}
}

static size_t cstrlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static _Noreturn void usage_error(const char *what, const char *arg)
{
	um_raw_write(2, "hako: ", 6);
	um_raw_write(2, what, cstrlen(what));
	um_raw_write(2, " '", 2);
	um_raw_write(2, arg, cstrlen(arg));
	um_raw_write(2, "': expected a size such as 512K, 64M or 1G\n", 43);
	sys1(SYS_exit_group, 2);
	__builtin_unreachable();
}

_Noreturn void um_usage_error(const char *what, const char *arg, const char *tail)
{
	um_raw_write(2, "hako: ", 6);
	um_raw_write(2, what, cstrlen(what));
	um_raw_write(2, " '", 2);
	um_raw_write(2, arg, cstrlen(arg));
	um_raw_write(2, tail, cstrlen(tail));
	sys1(SYS_exit_group, 2);
	__builtin_unreachable();
}

/* The device options (an image without devices takes none). */
#if defined(CONFIG_HAL_BLOCK) || defined(CONFIG_INITRD) || defined(CONFIG_HAL_NET)
#define DEVICE_OPTIONS 1

/* Does a start with the option name opt ("--disk=")?  Returns its value. */
static const char *option(const char *a, const char *opt)
{
	while (*opt)
		if (*a++ != *opt++)
			return NULL;
	return a;
}
#endif

#ifdef CONFIG_HAL_NET
static _Noreturn void net_usage_error(const char *arg, const char *why)
{
	static const char usage[] = "\n  expected --net=passt:SOCKET or --net=tap:IFNAME, "
				    "optionally ,mac=XX:XX:XX:XX:XX:XX ,mtu=N\n";

	um_raw_write(2, "hako: invalid --net value '", 27);
	um_raw_write(2, arg, cstrlen(arg));
	um_raw_write(2, "': ", 3);
	um_raw_write(2, why, cstrlen(why));
	um_raw_write(2, usage, sizeof(usage) - 1);
	sys1(SYS_exit_group, 2);
	__builtin_unreachable();
}
#endif

#ifdef CONFIG_INITRD
/* Map the initial ramdisk; its exact length goes into the region. */
static struct hal_mem_region map_initrd(const char *path)
{
	long fd = sys4(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0), size, base;

	if (fd < 0)
		um_usage_error("cannot open initrd", path, "': no such file or no permission\n");
	size = sys3(SYS_lseek, fd, 0, SEEK_END);
	if (size <= 0) {
		sys1(SYS_close, fd);
		um_usage_error("initrd", path, "': empty or not a regular file\n");
	}
	/* Private: the kernel may write it, and reuse its pages once done. */
	base = sys6(SYS_mmap, 0, (size + 4095) & ~4095L, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		    fd, 0);
	sys1(SYS_close, fd);
	if (base < 0 && base > -4096)
		um_usage_error("cannot map initrd", path, "'\n");
	return (struct hal_mem_region){ (uintptr_t)base, (size_t)size, HAL_MEM_INITRD };
}
#endif

/* "64M" -> bytes; 0 when malformed or out of range. */
static uint64_t parse_size(const char *s)
{
	uint64_t v = 0, mult = 1;

	if (*s < '0' || *s > '9')
		return 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (1ULL << 40))
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	switch (*s) {
	case 'k': case 'K': mult = 1ULL << 10, s++; break;
	case 'm': case 'M': mult = 1ULL << 20, s++; break;
	case 'g': case 'G': mult = 1ULL << 30, s++; break;
	case '\0': break;
	default: return 0;
	}
	if (*s || v == 0 || v > (1ULL << 46) / mult)
		return 0;
	return v * mult;
}

/* Append one argument to the command line as a double-quoted word. */
static void append_arg(size_t *len, const char *arg)
{
	size_t n = *len;

	if (n && n < CMDLINE_MAX - 1)
		cmdline[n++] = ' ';
	if (n < CMDLINE_MAX - 1)
		cmdline[n++] = '"';
	for (; *arg && n < CMDLINE_MAX - 3; arg++) {
		if (*arg == '"' || *arg == '\\')
			cmdline[n++] = '\\';
		cmdline[n++] = *arg;
	}
	if (n < CMDLINE_MAX - 1)
		cmdline[n++] = '"';
	cmdline[n] = '\0';
	*len = n;
}

static void term_signal(int sig, void *info, void *uctx)
{
	shutdown_requested = 1;
}

static void install(int sig, void (*fn)(int, void *, void *))
{
	struct linux_sigaction sa = { fn, SA_SIGINFO | SA_ONSTACK | SA_RESTORER,
				      usermode_sigreturn, 0 };

	sys4(SYS_rt_sigaction, sig, &sa, NULL, 8);
}

_Noreturn void usermode_start(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	uint64_t mem = (uint64_t)CONFIG_USERMODE_MEM_MIB << 20;
	uint64_t blocked = SIGBIT(SIGTERM);
	struct linux_stack ss = { altstack, 0, sizeof(altstack) };
#ifdef CONFIG_INITRD
	struct hal_mem_region initrd = { 0, 0, HAL_MEM_RESERVED };
#endif

	uint64_t t0 = hal_clock_monotonic();
	size_t len = 0;
	long base;
	int i = 1;

	for (; i < argc; i++) {
		const char *a = argv[i];
#ifdef DEVICE_OPTIONS
		const char *v;
#endif

		if (a[0] == '-' && a[1] == '-' && a[2] == 'm' && a[3] == 'e' && a[4] == 'm' &&
		    a[5] == '=') {
			mem = parse_size(a + 6);
			if (!mem)
				usage_error("invalid --mem value", a + 6);
#ifdef CONFIG_HAL_BLOCK
		} else if ((v = option(a, "--disk="))) {
			um_disk_add(v);
#endif
#ifdef CONFIG_INITRD
		} else if ((v = option(a, "--initrd="))) {
			if (initrd.type == HAL_MEM_INITRD)
				um_usage_error("second --initrd", v, "': only one is allowed\n");
			initrd = map_initrd(v);
#endif
#ifdef CONFIG_HAL_NET
		} else if ((v = option(a, "--net="))) {
			const char *why;

			if (!um_net_option(v, &why))
				net_usage_error(v, why);
#endif
		} else if (a[0] == '-' && a[1] == '-' && a[2] == '\0') {
			i++;
			break;
		} else {
			break;
		}
	}
	for (; i < argc; i++)
		append_arg(&len, argv[i]);

	mem = (mem + 4095) & ~4095ULL;
	base = sys6(SYS_mmap, 0, (long)mem, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base < 0 && base > -4096) {
		um_raw_write(2, "hako: cannot reserve guest memory (mmap failed)\n", 48);
		sys1(SYS_exit_group, 2);
	}

	sys2(SYS_sigaltstack, &ss, NULL);
	sys4(SYS_rt_sigprocmask, SIG_BLOCK, &blocked, NULL, 8);
	install(SIGSEGV, usermode_fatal_signal);
	install(SIGBUS, usermode_fatal_signal);
	install(SIGFPE, usermode_fatal_signal);
	install(SIGILL, usermode_fatal_signal);
	install(SIGTRAP, usermode_fatal_signal);
	install(SIGTERM, term_signal);

	regions[0] = (struct hal_mem_region){ (uintptr_t)__image_start,
					      (size_t)(__image_end - __image_start), HAL_MEM_IMAGE };
	regions[1] = (struct hal_mem_region){ (uintptr_t)base, (size_t)mem, HAL_MEM_FREE };
	guest_base = (uintptr_t)base;
	guest_size = (uintptr_t)mem;
	boot.nr_regions = 2;
#ifdef CONFIG_INITRD
	if (initrd.type == HAL_MEM_INITRD)
		regions[boot.nr_regions++] = initrd;
#endif

	boot.since_entry_ns = hal_clock_monotonic() - t0;
	kern_main(&boot);
}

void hal_console_write(const char *buf, size_t len)
{
	um_raw_write(1, buf, len);
}

void hal_console_flush(void)
{
}

static uint64_t clock_ns(int clk)
{
	struct linux_timespec ts;

	sys2(SYS_clock_gettime, clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t hal_clock_monotonic(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t hal_clock_wall(void)
{
	return clock_ns(CLOCK_REALTIME);
}

static struct um_dev *devs[HAL_MAX_HANDLES];
static unsigned nr_devs;

/* Handles for every kind of device, in acquire order. */
bool um_dev_register(struct um_dev *d)
{
	if (nr_devs == HAL_MAX_HANDLES)
		return false;
	d->h = nr_devs;
	devs[nr_devs++] = d;
	return true;
}

hal_ready_set hal_wait(uint64_t deadline)
{
	uint64_t now, unblocked = 0;
	struct linux_timespec ts = { 0, 0 };
	struct linux_pollfd fds[HAL_MAX_HANDLES];
	struct um_dev *who[HAL_MAX_HANDLES];
	hal_ready_set ready = 0;
	unsigned n = 0;
	long rc = 0;

	/* Devices flush what they buffered and say what to wait for. */
	for (unsigned i = 0; i < nr_devs; i++) {
		bool tell = false;
		short ev = devs[i]->prepare(devs[i], &tell);

		if (tell)
			ready |= (hal_ready_set)1 << devs[i]->h;
		if (ev && devs[i]->fd >= 0) {
			fds[n] = (struct linux_pollfd){ devs[i]->fd, ev, 0 };
			who[n++] = devs[i];
		}
	}
	now = hal_clock_monotonic();
	if (!shutdown_requested) {
		uint64_t d = deadline > now && !ready ? deadline - now : 0;

		if (d > 1000000000ULL * 3600 * 24 * 365)
			d = 1000000000ULL * 3600 * 24 * 365;
		ts.tv_sec = (long)(d / 1000000000ULL);
		ts.tv_nsec = (long)(d % 1000000000ULL);
		/* SIGTERM is deliverable only in here, even when polling. */
		rc = sys6(SYS_ppoll, (long)fds, n, (long)&ts, (long)&unblocked, 8, 0);
	}
	for (unsigned i = 0; rc > 0 && i < n; i++)
		if (fds[i].revents && who[i]->ready(who[i], fds[i].revents))
			ready |= (hal_ready_set)1 << who[i]->h;
	/* Signals are blocked outside ppoll: nothing races this take. */
	if (shutdown_requested) {
		shutdown_requested = 0;
		ready |= HAL_READY_SHUTDOWN;
	}
	return ready;
}

_Noreturn void hal_exit(int status)
{
#ifdef CONFIG_HAL_NET
	um_net_report();
#endif
	sys1(SYS_exit_group, status);
	__builtin_unreachable();
}

_Noreturn void hal_abort(const char *reason)
{
	sys1(SYS_exit_group, 255);
	__builtin_unreachable();
}

unsigned long hal_irq_save(void)
{
	return 0; /* nothing interrupts the kernel: signals wait for hal_wait */
}

void hal_irq_restore(unsigned long flags)
{
}

int hal_mem_guard(uintptr_t base, size_t len, bool guard)
{
	if (base % 4096 || len % 4096 || base < guest_base || base - guest_base >= guest_size ||
	    len > guest_size - (base - guest_base))
		return HAL_EINVAL;
	/* Fails only when the host is out of memory maps (vm.max_map_count). */
	return sys3(SYS_mprotect, base, len, guard ? PROT_NONE : PROT_READ | PROT_WRITE) ? HAL_ENODEV
											  : HAL_OK;
}

int hal_entropy(void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		long r = sys3(SYS_getrandom, p, len, 0);

		if (r == -EINTR)
			continue;
		if (r <= 0)
			return HAL_ENODEV;
		p += r;
		len -= (size_t)r;
	}
	return HAL_OK;
}
