/* SPDX-License-Identifier: MIT */
/*
 * lwipopts.h - how Hako builds lwIP (every option not set here keeps
 * lwIP's default from lwip/opt.h).  Values come from Kconfig (CONFIG_NET_*)
 * where a user may want another one.
 *
 * The shape: NO_SYS=0 with core locking.  lwIP's tcpip thread runs the
 * timers and callbacks; everything else (the receive loop of each
 * interface, the socket calls) takes the core lock and calls lwIP's raw API
 * directly: no message passing on the data path.  In Hako's cooperative
 * scheduler the lock is a test and a store unless its holder blocks, which
 * nothing inside lwIP does.
 *
 * Memory comes from the kernel's malloc (MEM_LIBC_MALLOC, MEMP_MEM_MALLOC):
 * no fixed pools to size, and the heap statistics count the stack's use.
 * Limits that keep a peer from exhausting it are explicit below (out-of-
 * order queue, reassembly, ARP queue) and in the socket layer (sockets,
 * queued datagrams, the TCP window).
 */
#ifndef HAKO_LWIPOPTS_H
#define HAKO_LWIPOPTS_H

/* ------------------------------------------------------ OS integration --- */
#define NO_SYS 0
#define LWIP_TCPIP_CORE_LOCKING 1
#define LWIP_TCPIP_CORE_LOCKING_INPUT 1
#define SYS_LIGHTWEIGHT_PROT 1
#ifdef CONFIG_NET_DEBUG_LOCKS
void sys_check_core_locking(void);
#define LWIP_ASSERT_CORE_LOCKED() sys_check_core_locking()
#endif
#define TCPIP_THREAD_NAME "tcpip"
#define TCPIP_THREAD_STACKSIZE (16 * 1024)
#define TCPIP_MBOX_SIZE 128
#define DEFAULT_THREAD_STACKSIZE (16 * 1024)
#define LWIP_TIMERS 1
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0 /* services/net/socket.c is the socket layer */
#define LWIP_NETIF_API 0
#define LWIP_HOOK_FILENAME "net_hooks.h"

/* --------------------------------------------------------------- memory --- */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 16 /* what malloc gives */
#define LWIP_PBUF_REF_T u16_t

/* ------------------------------------------------------------ interfaces --- */
#define LWIP_ARP 1
#define ARP_TABLE_SIZE 32
#define ARP_QUEUEING 1
#define ARP_QUEUE_LEN 16
#define ETH_PAD_SIZE 0
#define LWIP_ETHERNET 1
#define LWIP_SINGLE_NETIF 0
#define LWIP_HAVE_LOOPIF 1
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_LOOPBACK_MAX_PBUFS 512
#define LWIP_NETIF_EXT_STATUS_CALLBACK 1
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
/* TCP builds each segment in one buffer: the HAL takes one contiguous frame */
#define LWIP_NETIF_TX_SINGLE_PBUF 1
#define LWIP_NUM_NETIF_CLIENT_DATA 0

/* ------------------------------------------------------------------ IPv4 --- */
#define LWIP_IPV4 1
#define IP_FORWARD 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define IP_REASS_MAX_PBUFS 64
#define IP_REASS_MAXAGE 3
#define IP_OPTIONS_ALLOWED 1
#define LWIP_ICMP 1
#define LWIP_BROADCAST_PING 0
#define LWIP_RAW 0
#define LWIP_IGMP 0
#define LWIP_AUTOIP 0
#ifdef CONFIG_NET_DHCP
#define LWIP_DHCP 1
#else
#define LWIP_DHCP 0
#endif
#define DHCP_DOES_ARP_CHECK 0 /* no 1-2 s wait before using the lease */
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define LWIP_DNS 0

/* ------------------------------------------------------------------ IPv6 --- */
#ifdef CONFIG_NET_IPV6
#define LWIP_IPV6 1
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 1
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS 1
#define LWIP_IPV6_MLD 1
#define LWIP_IPV6_FRAG 1
#define LWIP_IPV6_REASS 1
#define IPV6_FRAG_COPYHEADER 1 /* 64-bit pointers do not fit the header */
#define LWIP_IPV6_DHCP6 0
#define LWIP_ND6_NUM_NEIGHBORS 16
#define LWIP_ND6_QUEUEING 1
#define MEMP_NUM_ND6_QUEUE 32
#else
#define LWIP_IPV6 0
#endif

/* ------------------------------------------------------------------- UDP --- */
#define LWIP_UDP 1
#define LWIP_UDPLITE 0

/* ------------------------------------------------------------------- TCP --- */
#define LWIP_TCP 1
#define TCP_MSS 1460
/* Window scaling: windows past 64 KiB, and peers (passt among them) that
 * count their own window in scaled units work as they expect. */
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 3
#define TCP_WND (CONFIG_NET_TCP_WND_KIB * 1024)
#define TCP_SND_BUF (CONFIG_NET_TCP_SNDBUF_KIB * 1024)
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS + 8)
#define TCP_SNDLOWAT                                                           \
	LWIP_MIN(LWIP_MIN(LWIP_MAX(((TCP_SND_BUF) / 4), (2 * TCP_MSS) + 1), (TCP_SND_BUF)-1), \
		 0xffff - 4 * TCP_MSS - 1)
#define TCP_QUEUE_OOSEQ 1
#define TCP_OOSEQ_MAX_BYTES TCP_WND
#define TCP_OOSEQ_MAX_PBUFS 64
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 255
#define TCP_OVERSIZE TCP_MSS
#define LWIP_TCP_TIMESTAMPS 0
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_TCP_SACK_OUT 0
/* The TCP timer every 50 ms (lwIP's default: 250).  lwIP counts the
 * retransmission time-out in slow ticks (two timer periods) and, when round
 * trips are shorter than a tick, settles it at three of them: 1.5 s at the
 * default, 300 ms here (Linux's floor is 200 ms).  A response's lost last
 * segment has nothing after it to set off a fast retransmit, and its client
 * waited the whole time-out.  Delayed ACKs also go out within 50 ms
 * (Linux: 40). */
#define TCP_TMR_INTERVAL 50
#define TCP_MAXRTX 12
#define TCP_SYNMAXRTX 6
#define LWIP_CALLBACK_API 1
#define SO_REUSE 1
#define LWIP_SO_RCVBUF 0

/* ------------------------------------------------------------- checksums --- */
#define LWIP_CHECKSUM_ON_COPY 1 /* sum TCP data while tcp_write copies it */
#define LWIP_CHKSUM_ALGORITHM 3

/* ----------------------------------------------------------- statistics --- */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define LWIP_STATS_LARGE 1 /* 32-bit counters: 16-bit ones wrap in seconds */
#define LINK_STATS 1
#define ETHARP_STATS 1
#define IP_STATS 1
#define IPFRAG_STATS 1
#define ICMP_STATS 1
#define UDP_STATS 1
#define TCP_STATS 1
#define MEM_STATS 0
#define MEMP_STATS 0
#define SYS_STATS 0
#define IGMP_STATS 0
#define IP6_STATS 1
#define ICMP6_STATS 1
#define IP6_FRAG_STATS 1
#define MLD6_STATS 0
#define ND6_STATS 1

#endif /* HAKO_LWIPOPTS_H */
