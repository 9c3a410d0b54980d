// SPDX-License-Identifier: MIT
/*
 * The usermode port's network devices, one per --net= option (net0, net1...
 * in command-line order):
 *
 *   --net=passt:PATH[,OPTS]   (or --net=PATH) passt's UNIX socket: frames
 *                             with a 4-byte big-endian length in front
 *                             (stream.h), no privileges needed; passt gives
 *                             DHCP, NAT and port forwarding
 *   --net=tap:NAME[,OPTS]     a Linux TAP device (IFF_TAP | IFF_NO_PI):
 *                             root, or a persistent TAP the user owns
 *   OPTS: mac=02:11:22:33:44:55 (default: random, locally administered),
 *         mtu=N (576-65521, default 1500)
 *
 * A back end is opened when the kernel acquires the device; one that cannot
 * be (no passt there, no permission for the TAP) says why on the console
 * and the acquire fails with HAL_EIO.
 *
 * passt: writes are gathered in a buffer and sent with one system call at
 * hal_net_flush() or hal_wait(); reads fetch as much as is there and hand
 * out frame by frame.  TAP: one frame per read or write (the device's own
 * rule).  Readiness is edge-triggered as hal.h says: the fd is polled for
 * input only after a read returned HAL_AGAIN, for output only while bytes
 * wait or after a write returned HAL_AGAIN.
 */
#include <string.h>

#include <hako/printk.h>

#include "stream.h"
#include "syscall.h"
#include "usermode.h"

#define MAX_NICS 4
#define RX_BUF (256 * 1024)
#define TX_BUF (256 * 1024)
#define DEFAULT_MTU 1500

enum kind { PASST, TAP };

struct nic {
	struct um_dev dev;
	enum kind kind;
	char where[108]; /* socket path or interface name */
	uint8_t mac[6];
	bool mac_given;
	size_t mtu;
	bool acquired, dead;
	bool rx_armed, tx_armed;
	struct stream_rx rx;	 /* passt */
	size_t tx_off, tx_len;	 /* passt: txbuf[tx_off, tx_len) not yet sent */
	uint64_t rx_frames, tx_frames, runts, oversized, tx_errors;
};

static struct nic nics[MAX_NICS];
static unsigned nr_nics;
static uint8_t rx_bufs[MAX_NICS][RX_BUF];
static uint8_t tx_bufs[MAX_NICS][TX_BUF];
static uint8_t tap_scratch[65536]; /* the tail of an oversized TAP frame */

/* ----------------------------------------------------- command line --- */

static bool starts(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	     : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* "02:11:22:33:44:55" up to end; false when malformed. */
static bool parse_mac(const char *s, const char *end, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi, lo;

		if (end - s < 2 || (hi = hexval(s[0])) < 0 || (lo = hexval(s[1])) < 0)
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && (s == end || *s++ != ':'))
			return false;
	}
	return s == end && !(mac[0] & 1); /* a multicast MAC is no address */
}

static bool parse_num(const char *s, const char *end, size_t *out)
{
	size_t v = 0;

	if (s == end)
		return false;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9' || v > 1000000)
			return false;
		v = v * 10 + (size_t)(*s - '0');
	}
	*out = v;
	return true;
}

bool um_net_option(const char *spec, const char **why)
{
	struct nic *n;
	const char *p, *comma;
	size_t len;

	if (nr_nics == MAX_NICS) {
		*why = "too many --net options (at most 4)";
		return false;
	}
	n = &nics[nr_nics];
	memset(n, 0, sizeof(*n));
	n->dev.fd = -1;
	n->mtu = DEFAULT_MTU;
	n->kind = PASST;
	if (starts(spec, "tap:")) {
		n->kind = TAP;
		spec += 4;
	} else if (starts(spec, "passt:")) {
		spec += 6;
	}
	for (comma = spec; *comma && *comma != ','; comma++)
		;
	len = (size_t)(comma - spec);
	if (len == 0) {
		*why = n->kind == TAP ? "tap: needs an interface name" : "needs passt's socket path";
		return false;
	}
	if (len >= (n->kind == TAP ? 16u : sizeof(n->where))) {
		*why = n->kind == TAP ? "interface name longer than 15 characters"
				      : "socket path longer than 107 characters";
		return false;
	}
	memcpy(n->where, spec, len);
	n->where[len] = '\0';
	for (p = comma; *p == ',';) {
		const char *opt = p + 1, *end = opt;

		while (*end && *end != ',')
			end++;
		if (starts(opt, "mac=") && end - opt > 4) {
			if (!parse_mac(opt + 4, end, n->mac)) {
				*why = "bad mac= (expected six hex pairs such as 02:11:22:33:44:55)";
				return false;
			}
			n->mac_given = true;
		} else if (starts(opt, "mtu=")) {
			if (!parse_num(opt + 4, end, &n->mtu) || n->mtu < 576 || n->mtu > 65521) {
				*why = "bad mtu= (expected 576 to 65521)";
				return false;
			}
		} else {
			*why = "unknown option (expected mac= or mtu=)";
			return false;
		}
		p = end;
	}
	nr_nics++;
	return true;
}

/* ------------------------------------------------------------ helpers --- */

static const char *kind_name(const struct nic *n)
{
	return n->kind == TAP ? "tap" : "passt";
}

static unsigned nic_index(const struct nic *n)
{
	return (unsigned)(n - nics);
}

static void gone(struct nic *n, const char *why)
{
	if (n->dead)
		return;
	n->dead = true;
	printk(LOG_ERR, "hako: net%u (%s %s): %s; the device is gone\n", nic_index(n),
	       kind_name(n), n->where, why);
	sys1(SYS_close, n->dev.fd);
	n->dev.fd = -1;
}

static struct nic *nic_of(hal_handle_t h)
{
	for (unsigned i = 0; i < nr_nics; i++)
		if (nics[i].acquired && nics[i].dev.h == h)
			return &nics[i];
	return NULL;
}

/*
 * passt: send what waits, as much as the socket takes now, whole frames
 * only.  passt's reader (2023-03) loses step when a read of its ends inside
 * a record's length or a frame it cannot complete at once, so each frame
 * goes out as its own message of sendmmsg(): a UNIX stream socket queues
 * each whole or not at all, and passt's reads then end between frames.
 * Still one system call per batch.
 */
#define FLUSH_BATCH 256

static void passt_flush(struct nic *n)
{
	static struct linux_mmsghdr msgs[FLUSH_BATCH];
	static struct linux_iovec iovs[FLUSH_BATCH];
	uint8_t *tx = tx_bufs[nic_index(n)];

	while (!n->dead && n->tx_off < n->tx_len) {
		size_t off = n->tx_off, sizes[FLUSH_BATCH];
		unsigned count = 0;
		long k;

		while (count < FLUSH_BATCH && off < n->tx_len) {
			const uint8_t *h = tx + off;
			size_t rec = STREAM_HEADER + ((size_t)h[0] << 24 | (size_t)h[1] << 16 |
						      (size_t)h[2] << 8 | h[3]);

			iovs[count] = (struct linux_iovec){ (void *)h, rec };
			msgs[count] = (struct linux_mmsghdr){ { NULL, 0, &iovs[count], 1, NULL, 0, 0 }, 0 };
			sizes[count++] = rec;
			off += rec;
		}
		k = sys6(SYS_sendmmsg, n->dev.fd, (long)msgs, count, MSG_DONTWAIT | MSG_NOSIGNAL, 0,
			 0);
		if (k == -EINTR)
			continue;
		if (k == -EAGAIN)
			break;
		if (k <= 0) {
			gone(n, k == -EPIPE || k == -ECONNRESET ? "passt closed the connection"
								 : "sending to passt failed");
			break;
		}
		for (long i = 0; i < k; i++)
			n->tx_off += sizes[i];
		if ((unsigned long)k < count)
			break; /* the socket is full */
	}
	if (n->tx_off == n->tx_len)
		n->tx_off = n->tx_len = 0;
}

static bool passt_room(const struct nic *n, size_t len)
{
	return TX_BUF - (n->tx_len - n->tx_off) >= STREAM_HEADER + len;
}

static short nic_prepare(struct um_dev *d, bool *tell)
{
	struct nic *n = (struct nic *)d;
	short ev = 0;

	if (n->kind == PASST)
		passt_flush(n);
	if (n->dead)
		return 0;
	if (n->rx_armed)
		ev |= POLLIN;
	if (n->tx_armed || n->tx_off < n->tx_len)
		ev |= POLLOUT;
	return ev;
}

static bool nic_ready(struct um_dev *d, short revents)
{
	struct nic *n = (struct nic *)d;
	bool tell = false;

	if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
		/* The kernel's next read meets the end or the error. */
		n->rx_armed = n->tx_armed = false;
		return true;
	}
	if ((revents & POLLIN) && n->rx_armed) {
		n->rx_armed = false;
		tell = true;
	}
	if (revents & POLLOUT) {
		if (n->kind == PASST)
			passt_flush(n);
		if (n->tx_armed && (n->kind == TAP || passt_room(n, n->mtu + 14))) {
			n->tx_armed = false;
			tell = true;
		}
	}
	return tell;
}

/* ------------------------------------------------------------ opening --- */

static int open_passt(struct nic *n)
{
	struct {
		unsigned short family;
		char path[108];
	} sun = { 1 /* AF_UNIX */, { 0 } };
	size_t len = strlen(n->where);
	long fd, rc;

	memcpy(sun.path, n->where, len + 1);
	fd = sys3(SYS_socket, 1, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		printk(LOG_ERR, "hako: net%u: cannot make a UNIX socket (errno %ld)\n",
		       nic_index(n), -fd);
		return HAL_EIO;
	}
	rc = sys3(SYS_connect, fd, &sun, 2 + len + 1);
	if (rc < 0) {
		printk(LOG_ERR, "hako: net%u: cannot connect to passt at %s: %s\n", nic_index(n),
		       n->where,
		       rc == -ENOENT ? "no such socket (is passt running? hal/usermode/run.sh "
				       "starts one with HAKO_NET=passt)"
		       : rc == -ECONNREFUSED ? "connection refused (passt gone, or serving "
					       "another guest)"
		       : rc == -EACCES ? "permission denied" : "connect failed");
		sys1(SYS_close, fd);
		return HAL_EIO;
	}
	n->dev.fd = (int)fd;
	stream_rx_init(&n->rx, rx_bufs[nic_index(n)], RX_BUF, n->mtu + 14);
	return HAL_OK;
}

static int open_tap(struct nic *n)
{
	struct {
		char name[16];
		short flags;
		char pad[22];
	} ifr;
	long fd, rc;

	fd = sys4(SYS_openat, AT_FDCWD, "/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC, 0);
	if (fd < 0) {
		printk(LOG_ERR, "hako: net%u: cannot open /dev/net/tun: %s\n", nic_index(n),
		       fd == -ENOENT ? "no such file (no TUN/TAP support on this host)"
		       : fd == -EACCES || fd == -EPERM ? "permission denied (TAP needs root)"
						       : "open failed");
		return HAL_EIO;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.name, n->where, strlen(n->where));
	ifr.flags = IFF_TAP | IFF_NO_PI;
	rc = sys3(SYS_ioctl, fd, TUNSETIFF, &ifr);
	if (rc < 0) {
		printk(LOG_ERR, "hako: net%u: cannot attach TAP device %s: %s\n", nic_index(n),
		       n->where,
		       rc == -EPERM ? "operation not permitted (TAP needs root, or a persistent "
				      "TAP owned by this user)"
		       : rc == -EBUSY ? "device busy (another process has it)"
		       : rc == -EINVAL ? "invalid (a TUN device of that name exists?)"
				       : "TUNSETIFF failed");
		sys1(SYS_close, fd);
		return HAL_EIO;
	}
	n->dev.fd = (int)fd;
	return HAL_OK;
}

/* -------------------------------------------------------------- HAL --- */

int hal_net_acquire(const char *name, hal_handle_t *h, struct hal_net_info *info)
{
	struct nic *n;
	unsigned idx = 0;
	const char *p;
	int rc;

	if (!name || !starts(name, "net") || !name[3])
		return HAL_ENODEV;
	for (p = name + 3; *p; p++) {
		if (*p < '0' || *p > '9' || idx > 100)
			return HAL_ENODEV;
		idx = idx * 10 + (unsigned)(*p - '0');
	}
	if (idx >= nr_nics || nics[idx].acquired)
		return HAL_ENODEV;
	n = &nics[idx];
	rc = n->kind == TAP ? open_tap(n) : open_passt(n);
	if (rc != HAL_OK)
		return rc;
	n->dev.prepare = nic_prepare;
	n->dev.ready = nic_ready;
	if (!um_dev_register(&n->dev)) {
		sys1(SYS_close, n->dev.fd);
		n->dev.fd = -1;
		return HAL_EIO;
	}
	if (!n->mac_given) {
		if (sys3(SYS_getrandom, n->mac, 6, 0) != 6)
			n->mac[5] = (uint8_t)(idx + 1);
		n->mac[0] = (uint8_t)((n->mac[0] & 0xfe) | 0x02); /* unicast, local */
	}
	n->acquired = true;
	n->rx_armed = true; /* nothing read yet: the first frame is an edge */
	*h = n->dev.h;
	memcpy(info->mac, n->mac, 6);
	info->mtu = n->mtu;
	info->link_up = true;
	return HAL_OK;
}

int hal_net_write(hal_handle_t h, const void *frame, size_t len)
{
	struct nic *n = nic_of(h);

	if (!n || len < 14 || len > n->mtu + 14)
		return HAL_EINVAL;
	if (n->dead)
		return HAL_EIO;
	if (n->kind == TAP) {
		long k;

		do
			k = sys3(SYS_write, n->dev.fd, frame, len);
		while (k == -EINTR);
		if (k == -EAGAIN) {
			n->tx_armed = true;
			return HAL_AGAIN;
		}
		if (k == -EIO || k == -ENOBUFS) { /* host side down: the frame is lost */
			n->tx_errors++;
			return HAL_OK;
		}
		if (k != (long)len) {
			gone(n, "writing to the TAP device failed");
			return HAL_EIO;
		}
	} else {
		uint8_t *tx = tx_bufs[nic_index(n)];

		if (!passt_room(n, len))
			passt_flush(n);
		if (n->dead)
			return HAL_EIO;
		if (!passt_room(n, len)) {
			n->tx_armed = true;
			return HAL_AGAIN;
		}
		if (TX_BUF - n->tx_len < STREAM_HEADER + len) {
			memmove(tx, tx + n->tx_off, n->tx_len - n->tx_off);
			n->tx_len -= n->tx_off;
			n->tx_off = 0;
		}
		stream_put_header(tx + n->tx_len, len);
		memcpy(tx + n->tx_len + STREAM_HEADER, frame, len);
		n->tx_len += STREAM_HEADER + len;
	}
	n->tx_frames++;
	return HAL_OK;
}

void hal_net_flush(hal_handle_t h)
{
	struct nic *n = nic_of(h);

	if (n && n->kind == PASST)
		passt_flush(n);
}

static int tap_read(struct nic *n, void *buf, size_t *len)
{
	for (;;) {
		struct linux_iovec iov[2] = { { buf, n->mtu + 14 },
					      { tap_scratch, sizeof(tap_scratch) } };
		long k = sys3(SYS_readv, n->dev.fd, iov, 2);

		if (k == -EINTR)
			continue;
		if (k == -EAGAIN) {
			n->rx_armed = true;
			return HAL_AGAIN;
		}
		if (k < 0) {
			gone(n, "reading from the TAP device failed");
			return HAL_EIO;
		}
		if (k < 14) {
			n->runts++;
			continue;
		}
		if ((size_t)k > n->mtu + 14) {
			n->oversized++;
			continue;
		}
		*len = (size_t)k;
		return HAL_OK;
	}
}

static int passt_read(struct nic *n, void *buf, size_t *len)
{
	for (;;) {
		const uint8_t *frame;
		size_t flen, room;
		uint8_t *space;
		long k;
		int r = stream_rx_next(&n->rx, &frame, &flen);

		if (r > 0) {
			memcpy(buf, frame, flen);
			*len = flen;
			return HAL_OK;
		}
		if (r < 0) {
			gone(n, "the stream from passt is desynchronised (a record length no "
				"frame can have)");
			return HAL_EIO;
		}
		space = stream_rx_space(&n->rx, &room);
		k = sys6(SYS_recvfrom, n->dev.fd, (long)space, (long)room, MSG_DONTWAIT, 0, 0);
		if (k == -EINTR)
			continue;
		if (k == -EAGAIN) {
			n->rx_armed = true;
			return HAL_AGAIN;
		}
		if (k <= 0) {
			gone(n, k == 0 ? "passt closed the connection" : "reading from passt failed");
			return HAL_EIO;
		}
		stream_rx_fill(&n->rx, (size_t)k);
	}
}

int hal_net_read(hal_handle_t h, void *buf, size_t size, size_t *len)
{
	struct nic *n = nic_of(h);
	int rc;

	if (!n || !buf || !len || size < n->mtu + 14)
		return HAL_EINVAL;
	if (n->dead)
		return HAL_EIO;
	rc = n->kind == TAP ? tap_read(n, buf, len) : passt_read(n, buf, len);
	if (rc == HAL_OK)
		n->rx_frames++;
	return rc;
}

void um_net_report(void)
{
	for (unsigned i = 0; i < nr_nics; i++) {
		struct nic *n = &nics[i];

		if (!n->acquired)
			continue;
		if (n->kind == PASST) {
			n->runts = n->rx.c.runts;
			n->oversized = n->rx.c.oversized;
		}
		printk(LOG_INFO,
		       "hako: net%u (%s %s): frames in %llu out %llu; dropped: runts %llu, "
		       "oversized %llu, desynchronised %llu, send errors %llu\n",
		       i, kind_name(n), n->where, (unsigned long long)n->rx_frames,
		       (unsigned long long)n->tx_frames, (unsigned long long)n->runts,
		       (unsigned long long)n->oversized, (unsigned long long)n->rx.c.desyncs,
		       (unsigned long long)n->tx_errors);
	}
}
