/* SPDX-License-Identifier: MIT */
/*
 * xenbus.h - the frontend half of a split driver's handshake with its
 * backend, through xenstore: finding devices, reading the backend's keys,
 * publishing ours with our state in one transaction, waiting for the
 * backend's state through a watch, and closing.  Shared by netfront and
 * blkfront; nothing here knows the CPU.
 *
 * The usual life of a device (Xen's xen/io/xenbus.h has the states):
 *   xenbus_find()                          device/vif/0 -> its backend
 *   xenbus_wait(InitWait | Connected)      the backend has written features
 *   ... set up rings, grants, event channel ...
 *   xenbus_publish(keys, Connected)        (blkfront: Initialised, then
 *   xenbus_wait(Connected)                  Connected once the backend is)
 *   ... xenbus_backend_gone() from hal_wait ...
 *   xenbus_close()                         Closing -> Closed, at exit
 *
 * Everything read from xenstore is untrusted: paths are checked for form
 * (and the backend's against the expected /local/domain/<id>/backend/<type>/
 * ... /<devid>), numbers parsed strictly, states outside 1-8 refused.  Calls
 * block the CPU (events masked) for xenstore round trips, each bounded; the
 * waits are bounded by their timeout and print what they waited for.
 */
#ifndef HAL_XEN_XENBUS_H
#define HAL_XEN_XENBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/io/xenbus.h>

#define XENBUS_PATH_MAX 96
#define XENBUS_TIMEOUT_NS 10000000000ULL /* a backend that does not move */

#define XENBUS_MASK(state) (1u << (state))

struct xenbus_dev {
	char name[16];			/* "vif/0", for messages */
	char node[32];			/* ours, relative: "device/vif/0" */
	char backend[XENBUS_PATH_MAX];	/* absolute */
	domid_t backend_id;
	uint32_t devid;
	char token[16];			/* of the watch on the backend's state */
	bool watching;
	int state;			/* ours, as last written */
};

/*
 * xenbus_find - the index-th device of type ("vif", "vbd") in increasing
 * device id order.  Fills *dev.  Returns 0, HAL_ENODEV (no such device), or
 * HAL_EIO (xenstore failed or its entries are malformed; said why).
 */
int xenbus_find(const char *type, unsigned int index, struct xenbus_dev *dev);

/* Read key of our node (backend false) or the backend's, NUL-terminated in
 * buf.  Returns the length or a negative XS_ERR_* / -ENOENT. */
int xenbus_read(const struct xenbus_dev *dev, bool backend, const char *key, char *buf,
		size_t size);

/* Read a decimal key <= max; a missing key gives dflt (return 0), a
 * malformed one HAL_EIO (said why). */
int xenbus_read_uint(const struct xenbus_dev *dev, bool backend, const char *key,
		     uint64_t max, uint64_t dflt, uint64_t *val);

/* The backend's state now: 1-8, XenbusStateUnknown (0) when its node is
 * gone, or HAL_EIO (xenstore failed, or not a state). */
int xenbus_backend_state(const struct xenbus_dev *dev);

/*
 * xenbus_wait - wait until the backend's state is one of mask (a set of
 * XENBUS_MASK(state)) or timeout_ns passed.  Registers the watch on the
 * backend's state on first use (it stays until xenbus_close()).  Returns
 * the state, or HAL_EIO after saying what it waited for and what it got.
 */
int xenbus_wait(struct xenbus_dev *dev, unsigned int mask, uint64_t timeout_ns);

/* A key our node publishes. */
struct xenbus_kv {
	const char *key;
	char value[24];
};

/*
 * xenbus_publish - write the n keys under our node and then our state, in
 * one transaction (retried a few times when it races).  Returns 0 or HAL_EIO
 * (said why).
 */
int xenbus_publish(struct xenbus_dev *dev, const struct xenbus_kv *kv, size_t n,
		   enum xenbus_state state);

/* Write our state alone.  0 or HAL_EIO. */
int xenbus_switch(struct xenbus_dev *dev, enum xenbus_state state);

/*
 * xenbus_backend_gone - for hal_wait: whether the backend's state watch
 * fired and the backend is now closing, closed or gone.  Cheap when the
 * watch did not fire.
 */
bool xenbus_backend_gone(struct xenbus_dev *dev);

/*
 * xenbus_close - Closing, wait (bounded by timeout_ns in all) for the
 * backend to close, Closed, and drop the watch.  Returns true if the
 * backend followed (its mappings of our grants are then gone).
 */
bool xenbus_close(struct xenbus_dev *dev, uint64_t timeout_ns);

#endif /* HAL_XEN_XENBUS_H */
