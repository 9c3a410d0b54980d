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

#include <stdbool.h>
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
	HAL_MEM_INITRD,	  /* the initial ramdisk the loader gave (a cpio archive):
			   * mapped read-write; the kernel may hand it to the
			   * page allocator once it has unpacked it (where
			   * hal_mem_guard() may refuse its pages: HAL_EINVAL) */
};

/*
 * A memory region.  base and size are page aligned (4 KiB), except the size
 * of the HAL_MEM_INITRD region (at most one): it is the archive's exact
 * length in bytes, and the rest of its last page belongs to the region
 * too (so the kernel can tell a truncated archive).  Addresses are
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

/* hal_boot_info.flags */
#define HAL_BOOT_SHUTDOWN_SOURCE 0x1 /* the platform can ask for a shutdown
				      * (hal_wait's HAL_READY_SHUTDOWN) */

struct hal_boot_info {
	const char *platform; /* "usermode", "qemu-x86", "qemu-arm64", "xen" */
	const char *cmdline;  /* NUL-terminated, never NULL; may be "" */
	const struct hal_mem_region *regions;
	size_t nr_regions;
	unsigned int flags; /* HAL_BOOT_* */
	uint64_t since_entry_ns; /* how long before kern_main() the port's
				  * entry point ran (its boot time: the
				  * boot line says it); 0 if unknown */
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

/*
 * Bit 63 of a ready set: the platform asks the image to shut down (Xen
 * "xl shutdown", SIGTERM on usermode, the ACPI power button).  Edge-
 * triggered: reported by one hal_wait() per request, then not again until
 * the platform asks once more, so an image that goes on running to drain
 * its work after a request waits (and halts) normally.  Only a platform
 * whose boot info has HAL_BOOT_SHUTDOWN_SOURCE ever reports it.
 */
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
 * hal_tls_set_base - make base the current thread pointer (%fs on x86_64,
 * TPIDR_EL0 on arm64):
 * the address that compiler-generated thread-local accesses are relative to.
 * Returns HAL_OK, or HAL_EIO when the platform refused.
 */
int hal_tls_set_base(uintptr_t base);

/* -------------------------------------------------------------- memory --- */

/*
 * hal_mem_guard - make the pages [base, base + len) inaccessible (guard
 * true), or readable and writable again (guard false).  base and len are
 * page aligned and lie in a HAL_MEM_FREE region.  An access to a guarded
 * page faults and ends in kern_fault() (never silently maps the page).  The
 * kernel puts one below every thread stack.  Returns HAL_OK, HAL_EINVAL
 * when base or len breaks the rules above (nothing changes), or HAL_ENODEV
 * on a platform that cannot protect memory (the kernel then relies on its
 * stack canary alone).  Unguarding what was guarded does not fail.  Never
 * blocks; not callable from exception context.
 *
 * Xen PV caveat: a fault whose stack pointer is itself in a guarded page
 * cannot be delivered to a 64-bit PV guest kernel (Xen writes the exception
 * frame below %rsp and has no alternate stack for kernel mode), so Xen
 * crashes the domain instead of calling kern_fault(): memory below the
 * guard is still never written.
 */
int hal_mem_guard(uintptr_t base, size_t len, bool guard);

/* ------------------------------------------------------------- entropy --- */

/*
 * hal_entropy - fill buf with len bytes from the platform's entropy source
 * (RDRAND, the host's getrandom(), ...), to seed the kernel's random number
 * generator.  Returns HAL_OK, or HAL_ENODEV when the platform has no source
 * worth the name (the kernel then seeds from clock jitter and says so).
 * Never blocks for long.
 */
int hal_entropy(void *buf, size_t len);

/* ------------------------------------------------------------- network --- */

/*
 * Network devices: Ethernet frames, one device per handle.  Readiness is
 * edge-triggered and covers both directions:
 *  - receive: after hal_net_read() has returned HAL_AGAIN, hal_wait()
 *    reports the handle once a frame has arrived since; the kernel then reads
 *    until HAL_AGAIN again.  (A frame already queued when the kernel stops
 *    reading early is not reported again: read to HAL_AGAIN.)
 *  - transmit: after hal_net_write() has returned HAL_AGAIN, hal_wait()
 *    reports the handle once there is room again.
 * Reports may be spurious (the handle is ready for neither); the kernel just
 * tries.  Writes are batched: hal_net_write() queues a frame and may delay
 * telling the backend until hal_net_flush() (or hal_wait()), so a burst of
 * frames costs one notification.  No call blocks, except acquire, which may
 * wait a bounded time for a backend to connect (Xen: the xenbus handshake,
 * at most 10 s per step, saying on the console what it waited for).
 */
struct hal_net_info {
	uint8_t mac[6];
	size_t mtu; /* largest payload, without the 14-byte Ethernet header */
	bool link_up; /* at acquire time; a later loss of the backend shows as
		       * HAL_EIO from read and write */
};

/*
 * hal_net_acquire - open the network device called name ("net0", "net1"...
 * in the order the platform found them).  Fills *h and *info.  A device is
 * acquired at most once.  Errors: HAL_ENODEV (no such device, or already
 * acquired), HAL_EIO (the backend failed to connect; the port has said why
 * on the console).
 */
int hal_net_acquire(const char *name, hal_handle_t *h, struct hal_net_info *info);

/*
 * hal_net_write - queue one Ethernet frame (header included) for sending.
 * The frame is copied or sent before the call returns: buf is the caller's
 * again at once.  Errors: HAL_AGAIN (no room: see readiness above),
 * HAL_EINVAL (bad handle, len < 14 or len > mtu + 14), HAL_EIO (backend gone).
 */
int hal_net_write(hal_handle_t h, const void *frame, size_t len);

/* hal_net_flush - tell the backend about every frame queued so far. */
void hal_net_flush(hal_handle_t h);

/*
 * hal_net_read - take one received frame into buf.  On success *len is the
 * frame's length (header included).  A frame the device delivered malformed
 * (shorter than a header, longer than mtu + 14, bad descriptor) is dropped
 * and counted by the port, never returned.  Errors: HAL_AGAIN (nothing
 * received), HAL_EINVAL (bad handle, or size < mtu + 14), HAL_EIO (backend
 * gone).
 */
int hal_net_read(hal_handle_t h, void *buf, size_t size, size_t *len);

/* --------------------------------------------------------------- block --- */

/*
 * Block devices: asynchronous requests, several in flight.  The kernel owns
 * a struct hal_block_req and its buffer; between hal_block_submit() and the
 * moment hal_block_complete() returns it, the port does, and the kernel
 * touches neither.  Completions are edge-triggered like network receive:
 * after hal_block_complete() has returned NULL, hal_wait() reports the
 * handle once a request has completed since (and after a submit returned
 * HAL_AGAIN, once there is room again).  Requests are batched: a submit may
 * be told to the device only when hal_block_complete() next finds nothing
 * or hal_wait() runs (the kernel reaches one of them before it can wait for
 * a completion), so a burst of requests costs one notification.  No call
 * blocks, except acquire, which may wait a bounded time for a backend to
 * connect (as hal_net_acquire).
 *
 * Durability: a completed write is in the device (possibly in a volatile
 * cache of the host's).  When a HAL_BLOCK_FLUSH request completes with
 * HAL_OK, every write that had completed before the flush was submitted is
 * on stable storage (usermode: fdatasync() of the file; virtio-blk:
 * VIRTIO_BLK_T_FLUSH; Xen: BLKIF_OP_FLUSH_DISKCACHE).  Writes still in
 * flight when a flush is submitted are not covered by it.
 */
struct hal_block_info {
	uint64_t capacity;   /* bytes */
	size_t block_size;   /* bytes, a power of two, usually 512 */
	size_t max_transfer; /* the largest len of one request, >= 4096 */
	bool read_only;
	bool can_flush;	     /* false: writes are durable once completed */
};

enum hal_block_op { HAL_BLOCK_READ, HAL_BLOCK_WRITE, HAL_BLOCK_FLUSH };

struct hal_block_req {
	enum hal_block_op op;
	uint64_t offset; /* bytes: a multiple of block_size, within capacity */
	void *buf;	 /* aligned to block_size (a page never hurts) */
	size_t len;	 /* a multiple of block_size, <= max_transfer; 0 for a flush */
	int status;	 /* set by the port at completion: HAL_OK or HAL_EIO */
	void *priv;	 /* the kernel's; the port never touches it */
};

/*
 * hal_block_acquire - open the block device called name ("disk0", "disk1"...).
 * Errors: HAL_ENODEV (no such device, or already acquired), HAL_EIO.
 */
int hal_block_acquire(const char *name, hal_handle_t *h, struct hal_block_info *info);

/*
 * hal_block_submit - start req.  Errors (req not started, still the
 * kernel's): HAL_AGAIN (the queue is full), HAL_EINVAL (bad handle, offset,
 * length or alignment, or a write to a read-only device), HAL_EIO (backend
 * gone).  A device error shows later as req->status == HAL_EIO.
 */
int hal_block_submit(hal_handle_t h, struct hal_block_req *req);

/* hal_block_complete - take one completed request, or NULL when none. */
struct hal_block_req *hal_block_complete(hal_handle_t h);

/* ------------------------------------------- what a port may call back --- */

/*
 * A port calls into the kernel only through these, and only from the
 * contexts given:
 *  - kern_main() (above): once, from boot, on the boot stack.
 *  - kern_fault() (below): from an exception handler or fatal signal
 *    handler, on whatever stack the port runs it on.
 *  - panic(), printk() and the pr_*() macros of <hako/printk.h>: from any
 *    context (boot, thread, exception, upcall, signal); they only format
 *    and call hal_console_write().  panic() never returns.
 *  - page_surrender() and page_restore() of <hako/page.h>: only from
 *    hal_wait(), for a platform that lends memory back to its host
 *    (Xen's balloon: memory/target).
 *  - the pure libc routines (string.h, snprintf): from any context.
 * Nothing else of the kernel is called from a port; in particular nothing
 * asynchronous: interrupts, upcalls and signals only record events that the
 * next hal_wait() reports.
 */

/* hal_fault.flags */
#define HAL_FAULT_ADDR 0x1	  /* addr is the faulting data address */
#define HAL_FAULT_WRITE 0x2	  /* the access was a write */
#define HAL_FAULT_EXEC 0x4	  /* the access was an instruction fetch */
#define HAL_FAULT_NOT_MAPPED 0x8 /* no page at addr (else: a permission fault) */

/* A CPU exception or fatal signal, as the port saw it. */
struct hal_fault {
	const char *what; /* "page fault", "general protection fault", "SIGBUS"... */
	uintptr_t ip;	  /* instruction pointer of the faulting instruction */
	uintptr_t sp;	  /* stack pointer at the fault */
	uintptr_t fp;	  /* frame pointer at the fault (x86_64 rbp, arm64 x29),
			   * where the backtrace starts; 0 if unknown */
	uintptr_t lr;	  /* link register at the fault (arm64 x30): the caller
			   * of a function faulting in its prologue; 0 where
			   * return addresses live on the stack (x86_64) */
	uintptr_t addr;	  /* see HAL_FAULT_ADDR */
	unsigned int flags;
	/* Print the machine's registers (may be NULL); called once, by
	 * kern_fault(), after its own line. */
	void (*dump)(const struct hal_fault *f);
	const void *regs; /* the port's saved registers, for dump */
};

/*
 * kern_fault - provided by the kernel: report a fault and end the image.
 * Says what happened in one format on every port ("NULL pointer
 * dereference", "stack overflow" naming the thread whose guard page or
 * stack bottom was hit, or what->what with the address), then the port's
 * register dump, then the backtrace from ip and fp (CONFIG_BACKTRACE; the
 * frame pointers are checked against the faulting thread's stack, so a
 * corrupt chain cannot fault again), then ends through hal_abort().  Never
 * returns.
 */
_Noreturn void kern_fault(const struct hal_fault *f);

#endif /* HAL_HAL_H */
