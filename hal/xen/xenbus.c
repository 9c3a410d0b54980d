// SPDX-License-Identifier: MIT
/*
 * The frontend side of the xenbus handshake (see xenbus.h), over the
 * xenstore client.  Keys under our node ("device/vif/0/...") are relative
 * paths: xenstored resolves them under /local/domain/<our id>/.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <hal.h>
#include <hako/printk.h>

#include <xen/errno.h>

#include "port.h"
#include "xenbus.h"
#include "xs_wire.h"

#define MAX_RETRIES 8 /* transactions that keep racing */

/* One xenstore path or directory at a time: the kernel is cooperative and
 * these calls never yield, so static buffers are not shared by surprise. */
static char dirbuf[XENSTORE_PAYLOAD_MAX + 1];
static char pathbuf[XENBUS_PATH_MAX + 32];

static const char *const state_names[] = {
	"Unknown", "Initialising", "InitWait", "Initialised", "Connected",
	"Closing", "Closed", "Reconfiguring", "Reconfigured",
};

static const char *state_name(int s)
{
	return s >= 0 && s <= XenbusStateReconfigured ? state_names[s] : "invalid";
}

static const char *key_path(const struct xenbus_dev *dev, bool backend, const char *key)
{
	int n = snprintf(pathbuf, sizeof(pathbuf), "%s/%s", backend ? dev->backend : dev->node,
			 key);

	return n < 0 || (size_t)n >= sizeof(pathbuf) ? NULL : pathbuf;
}

int xenbus_read(const struct xenbus_dev *dev, bool backend, const char *key, char *buf,
		size_t size)
{
	const char *p = key_path(dev, backend, key);

	return p ? xen_xs_read(p, buf, size) : XS_ERR_TOOBIG;
}

int xenbus_read_uint(const struct xenbus_dev *dev, bool backend, const char *key,
		     uint64_t max, uint64_t dflt, uint64_t *val)
{
	char v[24];
	int n = xenbus_read(dev, backend, key, v, sizeof(v));

	if (n == -XEN_ENOENT) {
		*val = dflt;
		return 0;
	}
	if (n < 0 || xs_parse_uint(v, (uint32_t)n, max, val) < 0) {
		pr_err("xen: %s: %s key %s is %s\n", dev->name, backend ? "backend" : "frontend",
		       key, n < 0 ? "unreadable" : "not a number in range");
		return HAL_EIO;
	}
	return 0;
}

int xenbus_find(const char *type, unsigned int index, struct xenbus_dev *dev)
{
	char dir[24], v[16];
	uint32_t ids[64];
	unsigned int nr = 0;
	uint64_t id, be;
	int n;
	const char *name;

	if (!xen_xs_available())
		return HAL_ENODEV;
	snprintf(dir, sizeof(dir), "device/%s", type);
	n = xen_xs_directory(dir, dirbuf, sizeof(dirbuf));
	if (n == -XEN_ENOENT)
		return HAL_ENODEV;
	if (n < 0) {
		pr_err("xen: cannot list %s in xenstore (%d)\n", dir, n);
		return HAL_EIO;
	}
	name = dirbuf;
	for (int i = 0; i < n; i++, name += strlen(name) + 1) {
		if (xs_parse_uint(name, (uint32_t)strlen(name), UINT32_MAX, &id) < 0) {
			pr_warn("xen: ignoring a malformed entry in %s\n", dir);
			continue;
		}
		if (nr < sizeof(ids) / sizeof(ids[0]))
			ids[nr++] = (uint32_t)id;
	}
	if (index >= nr)
		return HAL_ENODEV;
	/* The index-th smallest: sort the few ids (insertion). */
	for (unsigned int i = 1; i < nr; i++)
		for (unsigned int j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
			uint32_t t = ids[j];

			ids[j] = ids[j - 1];
			ids[j - 1] = t;
		}

	memset(dev, 0, sizeof(*dev));
	dev->devid = ids[index];
	snprintf(dev->name, sizeof(dev->name), "%s/%u", type, (unsigned int)dev->devid);
	snprintf(dev->node, sizeof(dev->node), "device/%s", dev->name);
	snprintf(dev->token, sizeof(dev->token), "be-%.3s%u", type, (unsigned int)dev->devid);
	dev->state = XenbusStateInitialising;

	n = xenbus_read(dev, false, "backend-id", v, sizeof(v));
	if (n < 0 || xs_parse_uint(v, (uint32_t)n, DOMID_FIRST_RESERVED - 1, &be) < 0) {
		pr_err("xen: %s: backend-id is %s\n", dev->name,
		       n < 0 ? "unreadable" : "not a domain id");
		return HAL_EIO;
	}
	dev->backend_id = (domid_t)be;
	n = xenbus_read(dev, false, "backend", dev->backend, sizeof(dev->backend));
	if (n < 0 || !xs_backend_path_ok(dev->backend, sizeof(dev->backend), dev->backend_id,
					 type, dev->devid)) {
		pr_err("xen: %s: the backend path is %s\n", dev->name,
		       n < 0 ? "unreadable" : "not the one expected for this device");
		return HAL_EIO;
	}
	return 0;
}

int xenbus_backend_state(const struct xenbus_dev *dev)
{
	char v[8];
	uint64_t s;
	int n = xenbus_read(dev, true, "state", v, sizeof(v));

	if (n == -XEN_ENOENT)
		return XenbusStateUnknown;
	if (n < 0 || xs_parse_uint(v, (uint32_t)n, XenbusStateReconfigured, &s) < 0 || s == 0)
		return HAL_EIO;
	return (int)s;
}

static int watch(struct xenbus_dev *dev)
{
	int rc;

	if (dev->watching)
		return 0;
	if (!key_path(dev, true, "state"))
		return HAL_EIO;
	rc = xen_xs_watch(pathbuf, dev->token);
	if (rc < 0) {
		pr_err("xen: %s: cannot watch the backend's state (%d)\n", dev->name, rc);
		return HAL_EIO;
	}
	dev->watching = true;
	return 0;
}

int xenbus_wait(struct xenbus_dev *dev, unsigned int mask, uint64_t timeout_ns)
{
	uint64_t deadline = xen_time_now() + timeout_ns;
	int s;

	if (watch(dev) < 0)
		return HAL_EIO;
	for (;;) {
		s = xenbus_backend_state(dev);
		if (s >= 0 && (mask & XENBUS_MASK(s)))
			return s;
		if (s < 0 || xen_time_now() >= deadline)
			break;
		/* Woken by the watch (or the deadline): read the state again. */
		xen_xs_wait_watch(dev->token, deadline);
	}
	if (s < 0)
		pr_err("xen: %s: the backend's state is unreadable or invalid\n", dev->name);
	else
		pr_err("xen: %s: the backend stayed %s for %llu ms (waiting for it to change "
		       "from our %s)\n",
		       dev->name, state_name(s), (unsigned long long)(timeout_ns / 1000000),
		       state_name(dev->state));
	return HAL_EIO;
}

static int put_state(struct xenbus_dev *dev, uint32_t tx, enum xenbus_state state)
{
	char v[4];

	snprintf(v, sizeof(v), "%d", (int)state);
	if (!key_path(dev, false, "state"))
		return XS_ERR_TOOBIG;
	return xen_xs_write_tx(tx, pathbuf, v);
}

int xenbus_publish(struct xenbus_dev *dev, const struct xenbus_kv *kv, size_t n,
		   enum xenbus_state state)
{
	int rc = 0;

	for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
		uint32_t tx;

		rc = xen_xs_transaction_start(&tx);
		if (rc < 0)
			break;
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = key_path(dev, false, kv[i].key) ? xen_xs_write_tx(tx, pathbuf, kv[i].value)
							     : XS_ERR_TOOBIG;
		if (rc == 0)
			rc = put_state(dev, tx, state);
		if (rc < 0) {
			xen_xs_transaction_end(tx, false);
			break;
		}
		rc = xen_xs_transaction_end(tx, true);
		if (rc != XS_ERR_AGAIN)
			break;
	}
	if (rc < 0) {
		pr_err("xen: %s: cannot publish the frontend's keys (%d)\n", dev->name, rc);
		return HAL_EIO;
	}
	dev->state = state;
	return 0;
}

int xenbus_switch(struct xenbus_dev *dev, enum xenbus_state state)
{
	int rc = put_state(dev, 0, state);

	if (rc < 0) {
		pr_err("xen: %s: cannot switch to %s (%d)\n", dev->name, state_name(state), rc);
		return HAL_EIO;
	}
	dev->state = state;
	return 0;
}

bool xenbus_backend_gone(struct xenbus_dev *dev)
{
	int s;

	if (!dev->watching || !xen_xs_watch_take(dev->token))
		return false;
	s = xenbus_backend_state(dev);
	return s < 0 || s == XenbusStateUnknown || s == XenbusStateClosing ||
	       s == XenbusStateClosed;
}

bool xenbus_close(struct xenbus_dev *dev, uint64_t timeout_ns)
{
	uint64_t deadline = xen_time_now() + timeout_ns;
	const unsigned int closing = XENBUS_MASK(XenbusStateUnknown) |
				     XENBUS_MASK(XenbusStateClosing) |
				     XENBUS_MASK(XenbusStateClosed);
	bool followed = false;
	int s = HAL_EIO;

	if (xenbus_switch(dev, XenbusStateClosing) == 0 && watch(dev) == 0) {
		for (;;) {
			s = xenbus_backend_state(dev);
			if (s < 0 || (closing & XENBUS_MASK(s)))
				break;
			if (xen_time_now() >= deadline)
				break;
			xen_xs_wait_watch(dev->token, deadline);
		}
		followed = s >= 0 && (closing & XENBUS_MASK(s));
	}
	xenbus_switch(dev, XenbusStateClosed);
	/* The backend answers our Closed with its own Closed (or removes its
	 * node); it has unmapped our pages by its Closing already. */
	if (followed && s == XenbusStateClosing) {
		while (xen_time_now() < deadline) {
			s = xenbus_backend_state(dev);
			if (s < 0 || s == XenbusStateUnknown || s == XenbusStateClosed)
				break;
			xen_xs_wait_watch(dev->token, deadline);
		}
	}
	if (dev->watching && key_path(dev, true, "state"))
		xen_xs_unwatch(pathbuf, dev->token);
	dev->watching = false;
	if (!followed)
		pr_warn("xen: %s: the backend did not close within %llu ms\n", dev->name,
			(unsigned long long)(timeout_ns / 1000000));
	return followed;
}
