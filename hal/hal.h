/* SPDX-License-Identifier: MIT */
/*
 * hal.h - the contract between Hako's hardware-neutral kernel and a port.
 *
 * Everything above this line (kernel/, services/, libc/, apps/) is portable C
 * and sees no port type or header.  Everything below it (hal/<port>/) makes
 * one machine look like this header.  A port implements every call; a call a
 * machine cannot support returns HAL_ENODEV rather than being left out.
 *
 * Execution model.  One CPU.  The kernel runs with events "enabled" except
 * inside hal_irq_save()/hal_irq_restore() sections.  A port never calls back
 * into the kernel asynchronously: interrupts and event-channel upcalls only
 * record that something happened, and the kernel learns of it when
 * hal_wait() returns.  The kernel is therefore cooperative: a thread runs
 * until it blocks or yields.
 *
 * What preemption would need: a port-to-kernel tick callback run on the
 * interrupt stack with events masked (kern_tick()), the callback deciding to
 * switch and returning a context to resume, and every kernel data structure
 * shared with that callback guarded by hal_irq_save().  The run queue and
 * timer list already are; the allocator would need to be.
 *
 * Blocking.  hal_wait() is the only call that may block the CPU.  Every other
 * call returns promptly, except hal_console_write(), which may wait for a
 * console backend to drain so that no output is ever lost.
 *
 * Boot.  The port sets up a stack, a console and the clocks, then calls
 * kern_main() exactly once with a hal_boot_info.  kern_main() never returns.
 */
#ifndef HAL_HAL_H
#define HAL_HAL_H

#include <stddef.h>
#include <stdint.h>

/* Results of calls that can fail.  Negative, so that >= 0 means success. */
#define HAL_OK 0
#define HAL_AGAIN (-1)	/* nothing to do now: no packet queued, ring full */
#define HAL_EINVAL (-2) /* bad argument: unknown handle, misaligned offset */
#define HAL_ENODEV (-3) /* no such device, or the port has none of that kind */
#define HAL_EIO (-4)	/* the device or backend failed */

/* ---------------------------------------------------------------- boot --- */

enum hal_mem_type {
	HAL_MEM_FREE,	  /* usable RAM, not yet touched, for the page allocator */
	HAL_MEM_IMAGE,	  /* the loaded image: text, data, bss */
	HAL_MEM_RESERVED, /* in use by the port or the machine: do not touch */
};

/*
 * A memory region.  base and size are page aligned (4 KiB).  Addresses are
 * the kernel's virtual addresses, directly usable as pointers.  FREE regions
 * are mapped read-write; the port promises the kernel may use them from boot
 * on, and that a page is backed only once it is first touched where the
 * machine allows it (so a large region costs nothing until used).
 */
struct hal_mem_region {
	uintptr_t base;
	size_t size;
	enum hal_mem_type type;
};

struct hal_boot_info {
	const char *platform; /* "usermode", "qemu-x86", "xen" */
	const char *cmdline;  /* NUL-terminated, never NULL; may be "" */
	const struct hal_mem_region *regions;
	size_t nr_regions;
};

/*
 * kern_main - provided by the kernel, called once by the port.
 * The boot info and what it points to must stay valid for ever.
 */
_Noreturn void kern_main(const struct hal_boot_info *info);

/* ------------------------------------------------------------- console --- */

/*
 * hal_console_write - write len bytes to the console.
 * Never loses bytes: when the backend is full the call waits for it to drain
 * (with events masked where needed).  Bytes may be buffered by the port; they
 * are guaranteed out by hal_console_flush(), hal_wait(), hal_exit() and
 * hal_abort().  Callable with events masked and from a panic.
 */
void hal_console_write(const char *buf, size_t len);

/* hal_console_flush - push buffered console bytes to the backend now. */
void hal_console_flush(void);

/* --------------------------------------------------------------- clocks --- */

/*
 * hal_clock_monotonic - nanoseconds since an arbitrary point before boot.
 * Never goes backwards.  Resolution is at least 1 us.
 */
uint64_t hal_clock_monotonic(void);

/*
 * hal_clock_wall - nanoseconds since 1970-01-01 00:00:00 UTC, as well as the
 * machine knows it (may be 0 on a machine with no wall clock).
 */
uint64_t hal_clock_wall(void);

/* -------------------------------------------------------------- waiting --- */

/* A handle names an acquired device; its bit in a hal_ready_set is 1 << h. */
typedef unsigned int hal_handle_t;
#define HAL_MAX_HANDLES 63

typedef uint64_t hal_ready_set;

/* Bit 63 of a ready set: the platform asks the image to shut down
 * (Xen "xl shutdown", SIGTERM on usermode, ACPI power button).  Reported by
 * every hal_wait() from the first request on, until the image exits. */
#define HAL_READY_SHUTDOWN ((hal_ready_set)1 << 63)

/*
 * hal_wait - the one blocking primitive.
 * Halts the CPU until hal_clock_monotonic() >= deadline, or until an acquired
 * device has input ready or output room, or until a shutdown request; then
 * returns the set of handles that are ready (0 when only the deadline passed).
 * A deadline in the past polls and returns at once.  May return early with an
 * empty set (a spurious wake-up); the caller just checks the clock again.
 * An event that arrives while the kernel is running, before hal_wait() is
 * called, is never lost: hal_wait() then returns at once.  Must be called with
 * events enabled (outside hal_irq_save()).
 */
hal_ready_set hal_wait(uint64_t deadline);

/* ------------------------------------------------------- exit and abort --- */

/*
 * hal_exit - end the image with an exit status (0 success, 1-255 failure).
 * Flushes the console, then stops the machine so that whoever started the
 * image sees the status: the process exit code (usermode), QEMU's exit code
 * through isa-debug-exit (qemu-x86), a poweroff or crash shutdown and one
 * documented console line "hako: exit status N" (xen).
 */
_Noreturn void hal_exit(int status);

/*
 * hal_abort - end the image abnormally after a panic has been printed.
 * reason is a short string for ports that can record one (may be NULL).
 * The status seen outside is nonzero: 255 on usermode and qemu-x86, a crash
 * shutdown on xen.
 */
_Noreturn void hal_abort(const char *reason);

/* ---------------------------------------------------- critical sections --- */

/*
 * hal_irq_save - mask interrupts/events and return the previous state.
 * hal_irq_restore - go back to a state returned by hal_irq_save().
 * Sections nest.  Nothing in a section may call hal_wait().
 */
unsigned long hal_irq_save(void);
void hal_irq_restore(unsigned long flags);

/* ------------------------------------------------------ threads and TLS --- */

/*
 * A saved execution context.  The kernel provides the storage and the stack;
 * the port owns the layout of what it pushes on that stack.
 */
struct hal_context {
	void *sp;
};

/*
 * hal_context_init - prepare ctx so that switching to it calls entry(arg) on
 * the stack whose highest address is stack_top (16-byte aligned).  entry must
 * never return.
 */
void hal_context_init(struct hal_context *ctx, void *stack_top, void (*entry)(void *),
		      void *arg);

/*
 * hal_context_switch - save the current context in from and resume to.
 * Returns when something switches back to from.  Callee-saved registers and
 * the floating-point control state are preserved.
 */
void hal_context_switch(struct hal_context *from, struct hal_context *to);

/*
 * hal_tls_set_base - make base the current thread pointer (%fs on x86_64):
 * the address that compiler-generated thread-local accesses are relative to.
 * Returns HAL_OK, or HAL_EIO when the platform refused.
 */
int hal_tls_set_base(uintptr_t base);

/* ------------------------------------------------------------- network --- */

struct hal_net_info {
	uint8_t mac[6];
	size_t mtu; /* largest payload, without the 14-byte Ethernet header */
};

/*
 * hal_net_acquire - open the network device called name ("net0", or the
 * name the platform's configuration gave it).  Fills *h and *info.
 * Errors: HAL_ENODEV (no such device), HAL_EIO (backend failed to connect).
 */
int hal_net_acquire(const char *name, hal_handle_t *h, struct hal_net_info *info);

/*
 * hal_net_write - queue one Ethernet frame (header included) for sending.
 * Never blocks.  Errors: HAL_AGAIN (no room; hal_wait() reports the handle
 * when there is), HAL_EINVAL (len > mtu + 14 or bad handle).
 */
int hal_net_write(hal_handle_t h, const void *frame, size_t len);

/*
 * hal_net_read - take one received frame into buf.  Never blocks.  On
 * success *len is the frame's length.  Errors: HAL_AGAIN (nothing received),
 * HAL_EINVAL (bad handle, or size too small: the frame is dropped).
 */
int hal_net_read(hal_handle_t h, void *buf, size_t size, size_t *len);

/* --------------------------------------------------------------- block --- */

struct hal_block_info {
	uint64_t capacity;  /* bytes */
	size_t block_size;  /* bytes, a power of two, usually 512 */
};

/*
 * hal_block_acquire - open the block device called name.
 * Errors: HAL_ENODEV, HAL_EIO.
 */
int hal_block_acquire(const char *name, hal_handle_t *h, struct hal_block_info *info);

/*
 * hal_block_write / hal_block_read - transfer len bytes at byte offset.
 * offset and len are multiples of block_size and within capacity.  All or
 * nothing.  May wait for the device (the only calls besides hal_wait() and
 * hal_console_write() that may).  Errors: HAL_EINVAL, HAL_EIO.
 */
int hal_block_write(hal_handle_t h, uint64_t offset, const void *buf, size_t len);
int hal_block_read(hal_handle_t h, uint64_t offset, void *buf, size_t len);

#endif /* HAL_HAL_H */
