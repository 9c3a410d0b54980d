/* SPDX-License-Identifier: MIT */
/*
 * port.h - what the files of the Xen PV port share (never seen outside
 * hal/xen/).  Each section names the file that implements it.
 */
#ifndef HAL_XEN_PORT_H
#define HAL_XEN_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>

#define XEN_PAGE_SIZE 4096UL
#define XEN_PAGE_SHIFT 12

/* The virtual address of pseudo-physical frame 0: the link address of the
 * image (image.ld, boot.S's VIRT_BASE note).  Every frame the domain owns is
 * mapped at XEN_VIRT_BASE + pfn * 4096 (the "physmap"). */
#define XEN_VIRT_BASE 0x400000UL

#define barrier() asm volatile("" ::: "memory")

static inline uint64_t xen_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* ------------------------------------------------------------- hal.c --- */

extern struct start_info *xen_start_info;	/* valid during boot only */
extern struct shared_info *xen_shared;		/* mapped by mm.c */
extern bool xen_is_dom0;

/* Panic unless rc is 0: "xen: <what> failed: <errno name> (<rc>)". */
void xen_check(const char *what, long rc);
const char *xen_strerror(long rc);

/* ----------------------------------------------------------- mm.c --- */

/*
 * xen_mm_init - take over from the page tables Xen built: W^X permissions
 * on the bootstrap mapping, shared_info mapped (xen_shared), page tables
 * for the rest of the physmap reserved (it is mapped on first touch, see
 * xen_mm_fault).  Fills regions[] (at most XEN_MAX_REGIONS) and returns
 * how many.  Panics, naming the hypercall and error, on failure.
 */
#define XEN_MAX_REGIONS 6
struct hal_mem_region;
void xen_mm_early(void); /* p2m and nr_pages, for the helpers below */
size_t xen_mm_init(uintptr_t boot_stack_top, struct hal_mem_region *regions);
/* xen_mm_publish_p2m - tell the toolstack where the P2M is (xl dump-core);
 * after xen_traps_init. */
void xen_mm_publish_p2m(void);
/* xen_mm_report - at log level 7: what boot and the fault path mapped. */
void xen_mm_report(void);

/* Suspend (suspend.c): drop the mappings of frames that are not ours
 * (shared_info, the I/O window), for the toolstack's copy, and give Xen
 * back the frames never touched (so they are not saved); resume: take
 * frames for those again, map the shared_info start_info names (a new
 * one after a restore) and publish the P2M again. */
void xen_mm_suspend(void);
void xen_mm_resume(const struct start_info *si);
/* gnttab.c: frame mfn is granted (a backend may write it unseen). */
void xen_mm_granted(unsigned long mfn);

/* Pseudo-physical <-> machine frames and virtual addresses. */
unsigned long xen_pfn_to_mfn(unsigned long pfn);
unsigned long xen_mfn_to_pfn(unsigned long mfn); /* ~0UL when not ours */
void *xen_pfn_to_virt(unsigned long pfn);
unsigned long xen_virt_to_mfn(const void *va);
unsigned long xen_nr_pages(void);
/* [va, va + len) lies in the physmap: frames of ours that can be granted. */
bool xen_virt_is_ram(const void *va, size_t len);

/*
 * xen_iomap - map machine frame mfn (not one of the domain's own frames:
 * grant table frames, a foreign grant) read-write in the I/O window, a
 * 2 MiB area below the physmap made on first use.  Returns the address, or
 * NULL when the window is full or Xen refused (the error is returned in
 * *rc when rc is not NULL).
 */
void *xen_iomap(unsigned long mfn, long *rc);

/*
 * Ballooning (balloon.c), for free frames of the free region only:
 * xen_mm_drop - unmap pfn's page where the physmap maps it and forget its
 * frame (the P2M says none); returns the machine frame it had.
 * xen_mm_fill - pfn has machine frame mfn again: M2P, P2M and mapping.
 * Both batch the table updates: xen_mm_commit() sends them and flushes
 * the TLB, before the frames go to Xen or the pages to the kernel.
 */
unsigned long xen_mm_drop(unsigned long pfn);
void xen_mm_fill(unsigned long pfn, unsigned long mfn);
void xen_mm_commit(void);
bool xen_mm_dropped(unsigned long pfn);
unsigned long xen_mm_first_free_pfn(void); /* the free region's first frame */

/* Page fault at addr with no entry present: map the physmap up to it if it
 * is a part not mapped yet.  False if addr is not ours to map. */
bool xen_mm_fault(uintptr_t addr);

/* -------------------------------------------------------- balloon.c --- */

/* Called by hal_wait: start the memory/target watch on first use, and
 * follow the target when it changed (gives frames back or takes them). */
#ifdef CONFIG_XEN_BALLOON
void xen_balloon_poll(void);
/* After a resume in a new domain: its xenstore connection has no watch;
 * watch memory/target again on the next poll (and follow it). */
void xen_balloon_resume(void);
#else
static inline void xen_balloon_poll(void)
{
}
static inline void xen_balloon_resume(void)
{
}
#endif

/* --------------------------------------------------------- evtchn.c --- */

/* Ports that fired are moved from shared_info's pending bits into a bitmap
 * of the port's own by the upcall or by xen_evtchn_scan() (events masked);
 * a consumer takes its port's bit with xen_evtchn_take(). */
void xen_evtchn_scan(void);
bool xen_evtchn_take(evtchn_port_t port);
void xen_evtchn_clear(evtchn_port_t port);
void xen_evtchn_notify(evtchn_port_t port);
evtchn_port_t xen_evtchn_bind_virq(uint32_t virq);
/* For split drivers: a port for remote to bind, or bind to remote's port.
 * Return 0 or a negative Xen errno. */
int xen_evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);
int xen_evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *port);
/* Close a port of ours (a split driver's, on disconnect). */
void xen_evtchn_close(evtchn_port_t port);
/* Make hal_wait() report handle when port fires (unroute: no longer);
 * and take those reports. */
void xen_evtchn_route(evtchn_port_t port, unsigned int handle);
void xen_evtchn_unroute(unsigned int handle);
uint64_t xen_evtchn_take_ready(void);
/* After a resume in a new domain: no port of the old one exists; forget
 * what fired and every route, and register the callbacks again. */
void xen_evtchn_resume(void);
void xen_evtchn_unmask(evtchn_port_t port);
void xen_evtchn_mask(evtchn_port_t port);
/* Block until port is pending or Xen system time reaches timeout (0: none);
 * events stay masked.  Returns false on timeout. */
bool xen_evtchn_poll(evtchn_port_t port, uint64_t timeout);

/*
 * Events on/off for this vCPU (the upcall mask).  Until the callbacks are
 * registered (xen_events_go_live(), on the first hal_wait), the state is
 * only remembered and the vCPU stays masked: nothing is lost, pending bits
 * wait, and a boot that never sleeps saves the registration.
 */
unsigned long xen_events_mask(void);
void xen_events_restore(unsigned long was_masked);
void xen_events_go_live(void);

/* ----------------------------------------------------------- time.c --- */

uint64_t xen_time_now(void); /* Xen system time, ns since Xen booted */
/* Arm the one-shot timer for deadline (UINT64_MAX: none). */
void xen_timer_arm(uint64_t deadline);
bool xen_timer_port_fired(void);
/* hal_clock_monotonic() is Xen system time plus an offset that only a
 * resume on a host whose system time is behind makes nonzero.  suspend:
 * the monotonic time now; resume: keep the clock from going back behind
 * it, and (fresh: a new domain) forget the timer's binding. */
uint64_t xen_time_suspend(void);
void xen_time_resume(uint64_t mono, bool fresh);
uint64_t xen_time_from_mono(uint64_t mono); /* a kernel deadline as Xen time */

/* Boot milestones (only the first call per milestone counts), printed at
 * log level 7 by xen_time_report(). */
#define XEN_MARK_ENTRY 0
#define XEN_MARK_MAIN 1
#define XEN_MARK_FIRST_WRITE 2
#define XEN_MARK_MM 3	 /* xen_mm_init done */
#define XEN_MARK_TRAPS 4 /* xen_traps_init done */
#define XEN_MARK_P2M 5	 /* xen_mm_publish_p2m done */
#define XEN_MARKS 6
void xen_time_mark(unsigned int which);
void xen_time_report(void);
/* xen_time_since_entry - ns since XEN_MARK_ENTRY (0 without that mark). */
uint64_t xen_time_since_entry(void);

/* -------------------------------------------------------- console.c --- */

void xen_console_init(void);	  /* early: works before mm is set up */
void xen_console_mask_port(void); /* once shared_info is mapped */
/* After a resume in a new domain: the ring and port start_info names. */
void xen_console_resume(const struct start_info *si);
/* Notify the backend of buffered output; with drain, also wait (at most
 * until timeout, Xen system time) until the backend took everything. */
void xen_console_push(bool drain, uint64_t timeout);

/* ------------------------------------------------------- xenstore.c --- */

/* Errors are negated Linux/Xen errno values. */
#define XS_ERR_IO (-5)	     /* ring broken, backend gone or timed out */
#define XS_ERR_PROTO (-71)   /* malformed or oversized reply */
#define XS_ERR_TOOBIG (-7)   /* the reply does not fit the caller's buffer */
#define XS_ERR_NODEV (-19)   /* no xenstore (dom0) */
#define XS_ERR_NOSPC (-28)   /* no free watch slot */
#define XS_ERR_AGAIN (-11)   /* a transaction lost a race: start it again */
#define XS_TOKEN_MAX 15	     /* longest watch token */

#ifdef CONFIG_XEN_XENSTORE
void xen_xs_init(void);
bool xen_xs_available(void);
/* Values are NUL-terminated in buf; return the length, or a negative error
 * (XS_ERR_* or a negated errno from an XS_ERROR reply such as -ENOENT).
 * Each call is one synchronous round trip (events masked, at most 10 s). */
int xen_xs_read(const char *path, char *buf, size_t size);
int xen_xs_write(const char *path, const char *value);
/* buf receives the entries as consecutive NUL-terminated names; returns
 * how many, or a negative error. */
int xen_xs_directory(const char *path, char *buf, size_t size);

/* Transactions: writes with tx take effect together at a committing end,
 * which fails with XS_ERR_AGAIN when another writer came between (start
 * over).  An end without commit drops them. */
int xen_xs_transaction_start(uint32_t *tx);
int xen_xs_write_tx(uint32_t tx, const char *path, const char *value);
int xen_xs_transaction_end(uint32_t tx, bool commit);

/* Watches other than control/shutdown (at most 8, tokens unique, at most
 * XS_TOKEN_MAX characters): xenstored fires each once at registration and
 * then whenever path or a node below it changes.  take: whether the token
 * fired since the last take (handled by xen_xs_poll_shutdown(), which
 * hal_wait runs, or by xen_xs_wait_watch()).  wait: block with events
 * masked until it fires or Xen system time reaches deadline; true if it
 * fired. */
int xen_xs_watch(const char *path, const char *token);
/* The same without waiting for xenstored's reply (hal_wait's own watches:
 * no round trip); an error reply is dropped, the watch then never fires. */
int xen_xs_watch_nowait(const char *path, const char *token);
int xen_xs_unwatch(const char *path, const char *token);
bool xen_xs_watch_take(const char *token);
bool xen_xs_wait_watch(const char *token, uint64_t deadline);

/* Called by hal_wait: start the control/shutdown watch on first use, handle
 * store events.  Returns SHUTDOWN_poweroff, SHUTDOWN_reboot or SHUTDOWN_suspend (+1, so that 0
 * means "nothing new") once per request the toolstack wrote, else 0. */
int xen_xs_poll_shutdown(void);
/* After a resume in a new domain: the store ring and port start_info
 * names, a new connection (no watch: the shutdown watch starts again on
 * the next hal_wait, the drivers watch again as they reconnect). */
void xen_xs_resume(const struct start_info *si);

/* suspend.c: remember start_info (boot); answer control/shutdown =
 * "suspend" (from hal_wait, events masked): 0 after a resume in a new
 * domain, 1 when the suspend was cancelled and we run on in place. */
void xen_suspend_init(struct start_info *si);
int xen_suspend(void);
#else
static inline void xen_xs_init(void)
{
}
static inline bool xen_xs_available(void)
{
	return false;
}
static inline int xen_xs_poll_shutdown(void)
{
	return 0;
}
#endif

/* -------------------------------------------------------- gnttab.c --- */

/* Grant domid access to machine frame mfn; returns a ref, or -1 when the
 * table is full and cannot grow (said on the console). */
int xen_gnttab_grant(domid_t domid, unsigned long mfn, bool readonly);
/* End a grant; false while the other side still has it mapped (the entry
 * then stays taken), or for a ref that is not granted. */
bool xen_gnttab_end(int ref);
unsigned int xen_gnttab_frames(void); /* the table's size now, in frames */
/* After a suspend: cancelled, map the same frames again; else forget
 * every grant (the new domain's table is empty; drivers grant again). */
#ifdef CONFIG_XEN_GNTTAB
void xen_gnttab_resume(bool cancelled);
#else
static inline void xen_gnttab_resume(bool cancelled)
{
	(void)cancelled;
}
#endif

/* --------------------------------------------------------- traps.c --- */

void xen_traps_init(void);	/* the trap table, at boot */
void xen_callbacks_init(void);	/* event and failsafe callbacks */

#endif /* HAL_XEN_PORT_H */
