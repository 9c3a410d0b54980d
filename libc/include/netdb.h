/* SPDX-License-Identifier: MIT */
/*
 * netdb.h - getaddrinfo and getnameinfo for numeric hosts and services.
 *
 * There is no name resolution: a host is an IPv4 or IPv6 address in text,
 * NULL (the wildcard with AI_PASSIVE, else loopback) or "localhost"; any
 * other name fails with EAI_NONAME.  A service is a port number or one of
 * the few names in the table (echo, http, https...).  Results for
 * AF_UNSPEC list IPv4 first when the host allows both (NULL, "localhost"),
 * so that an app that takes the first one works without IPv6.
 * Pure functions: no network service needed.
 */
#ifndef _NETDB_H
#define _NETDB_H

#include <netinet/in.h>
#include <sys/socket.h>

struct addrinfo {
	int ai_flags;
	int ai_family;
	int ai_socktype;
	int ai_protocol;
	socklen_t ai_addrlen;
	struct sockaddr *ai_addr;
	char *ai_canonname;
	struct addrinfo *ai_next;
};

#define AI_PASSIVE 0x0001
#define AI_CANONNAME 0x0002
#define AI_NUMERICHOST 0x0004
#define AI_V4MAPPED 0x0008
#define AI_ALL 0x0010
#define AI_ADDRCONFIG 0x0020
#define AI_NUMERICSERV 0x0400

#define NI_NUMERICHOST 1
#define NI_NUMERICSERV 2
#define NI_NOFQDN 4
#define NI_NAMEREQD 8
#define NI_DGRAM 16
#define NI_MAXHOST 1025
#define NI_MAXSERV 32

#define EAI_BADFLAGS (-1)
#define EAI_NONAME (-2)
#define EAI_AGAIN (-3)
#define EAI_FAIL (-4)
#define EAI_FAMILY (-6)
#define EAI_SOCKTYPE (-7)
#define EAI_SERVICE (-8)
#define EAI_MEMORY (-10)
#define EAI_SYSTEM (-11)
#define EAI_OVERFLOW (-12)

int getaddrinfo(const char *restrict host, const char *restrict service,
		const struct addrinfo *restrict hints, struct addrinfo **restrict res);
void freeaddrinfo(struct addrinfo *res);
const char *gai_strerror(int err);
/* Numeric only: NI_NAMEREQD fails with EAI_NONAME. */
int getnameinfo(const struct sockaddr *restrict sa, socklen_t salen, char *restrict host,
		socklen_t hostlen, char *restrict serv, socklen_t servlen, int flags);

#endif
