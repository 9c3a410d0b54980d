// SPDX-License-Identifier: MIT
/*
 * getaddrinfo and getnameinfo without name resolution (netdb.h): numeric
 * hosts, "localhost", the wildcard, and port numbers or a few well-known
 * service names.  Each result is one allocation: the addrinfo, its address
 * and its canonical name.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netdb.h>

static const struct {
	const char *name;
	unsigned short port;
} services[] = {
	{ "echo", 7 },	   { "discard", 9 }, { "daytime", 13 }, { "ftp", 21 },
	{ "ssh", 22 },	   { "telnet", 23 }, { "smtp", 25 },	{ "domain", 53 },
	{ "http", 80 },	   { "ntp", 123 },   { "https", 443 },	{ "http-alt", 8080 },
};

struct result {
	struct addrinfo ai;
	union {
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} sa;
	char canon[];
};

/* -1 when s is not a port number 0-65535. */
static int parse_port(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > 65535)
			return -1;
	}
	return (int)v;
}

static int service_port(const char *service, int flags)
{
	int port;

	if (!service)
		return 0;
	port = parse_port(service);
	if (port >= 0)
		return port;
	if (flags & AI_NUMERICSERV)
		return EAI_NONAME;
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (!strcmp(services[i].name, service))
			return services[i].port;
	return EAI_SERVICE;
}

/* Append one result per socket type wanted for this address. */
static int add(struct addrinfo ***tail, int family, const void *addr, uint32_t scope,
	       int port, const struct addrinfo *hints, const char *canon)
{
	static const int types[2][2] = { { SOCK_STREAM, IPPROTO_TCP },
					 { SOCK_DGRAM, IPPROTO_UDP } };

	for (int t = 0; t < 2; t++) {
		size_t clen = canon ? strlen(canon) + 1 : 0;
		struct result *r;

		if (hints->ai_socktype && hints->ai_socktype != types[t][0])
			continue;
		if (hints->ai_protocol && hints->ai_protocol != types[t][1])
			continue;
		r = calloc(1, sizeof(*r) + clen);
		if (!r)
			return EAI_MEMORY;
		r->ai.ai_family = family;
		r->ai.ai_socktype = types[t][0];
		r->ai.ai_protocol = types[t][1];
		r->ai.ai_addr = (struct sockaddr *)&r->sa;
		if (family == AF_INET) {
			r->sa.in.sin_family = AF_INET;
			r->sa.in.sin_port = htons((uint16_t)port);
			memcpy(&r->sa.in.sin_addr, addr, 4);
			r->ai.ai_addrlen = sizeof(r->sa.in);
		} else {
			r->sa.in6.sin6_family = AF_INET6;
			r->sa.in6.sin6_port = htons((uint16_t)port);
			memcpy(&r->sa.in6.sin6_addr, addr, 16);
			r->sa.in6.sin6_scope_id = scope;
			r->ai.ai_addrlen = sizeof(r->sa.in6);
		}
		if (canon) {
			memcpy(r->canon, canon, clen);
			r->ai.ai_canonname = r->canon;
			canon = NULL; /* only the first result carries it */
		}
		**tail = &r->ai;
		*tail = &r->ai.ai_next;
	}
	return 0;
}

/* "fe80::1%3": the scope as a number; the rest must be an address. */
static int split_scope(const char *host, char *buf, size_t size, uint32_t *scope)
{
	const char *pct = strchr(host, '%');
	long v = 0;

	*scope = 0;
	if (!pct)
		return strlen(host) < size ? (strcpy(buf, host), 0) : -1;
	if ((size_t)(pct - host) >= size || !pct[1])
		return -1;
	for (const char *p = pct + 1; *p; p++) {
		if (*p < '0' || *p > '9' || (v = v * 10 + (*p - '0')) > 0xffffffffL)
			return -1;
	}
	memcpy(buf, host, (size_t)(pct - host));
	buf[pct - host] = '\0';
	*scope = (uint32_t)v;
	return 0;
}

int getaddrinfo(const char *restrict host, const char *restrict service,
		const struct addrinfo *restrict hints, struct addrinfo **restrict res)
{
	static const struct addrinfo none;
	const int known = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL |
			  AI_ADDRCONFIG | AI_NUMERICSERV;
	struct addrinfo *head = NULL, **tail = &head;
	uint8_t a4[4], a6[16];
	int family, port, rc = 0;

	if (!hints)
		hints = &none;
	family = hints->ai_family;
	*res = NULL;
	if (hints->ai_flags & ~known)
		return EAI_BADFLAGS;
	if ((hints->ai_flags & AI_CANONNAME) && !host)
		return EAI_BADFLAGS;
	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
		return EAI_FAMILY;
	if (hints->ai_socktype != 0 && hints->ai_socktype != SOCK_STREAM &&
	    hints->ai_socktype != SOCK_DGRAM)
		return EAI_SOCKTYPE;
	if ((hints->ai_protocol && hints->ai_protocol != IPPROTO_TCP &&
	     hints->ai_protocol != IPPROTO_UDP) ||
	    (hints->ai_socktype == SOCK_STREAM && hints->ai_protocol == IPPROTO_UDP) ||
	    (hints->ai_socktype == SOCK_DGRAM && hints->ai_protocol == IPPROTO_TCP))
		return EAI_SOCKTYPE;
	if (!host && !service)
		return EAI_NONAME;
	port = service_port(service, hints->ai_flags);
	if (port < 0)
		return port;

	if (!host || !strcmp(host, "localhost")) {
		/* The wildcard (AI_PASSIVE with no host) or loopback. */
		bool any = !host && (hints->ai_flags & AI_PASSIVE);
		uint32_t v4 = htonl(any ? INADDR_ANY : INADDR_LOOPBACK);
		const struct in6_addr *v6 = any ? &in6addr_any : &in6addr_loopback;

		if (family != AF_INET6)
			rc = add(&tail, AF_INET, &v4, 0, port, hints, host);
		if (!rc && family != AF_INET)
			rc = add(&tail, AF_INET6, v6, 0, port, hints, head ? NULL : host);
	} else if (inet_pton(AF_INET, host, a4) == 1) {
		if (family == AF_INET6) {
			if (!(hints->ai_flags & AI_V4MAPPED))
				return EAI_NONAME;
			memset(a6, 0, 10);
			a6[10] = a6[11] = 0xff;
			memcpy(a6 + 12, a4, 4);
			rc = add(&tail, AF_INET6, a6, 0, port, hints, host);
		} else {
			rc = add(&tail, AF_INET, a4, 0, port, hints, host);
		}
	} else {
		char buf[INET6_ADDRSTRLEN];
		uint32_t scope;

		if (split_scope(host, buf, sizeof(buf), &scope) ||
		    inet_pton(AF_INET6, buf, a6) != 1)
			return EAI_NONAME; /* a name: there is no resolver */
		if (family == AF_INET)
			return EAI_NONAME;
		rc = add(&tail, AF_INET6, a6, scope, port, hints, host);
	}
	if (rc) {
		freeaddrinfo(head);
		return rc;
	}
	*res = head;
	return 0;
}

void freeaddrinfo(struct addrinfo *res)
{
	while (res) {
		struct addrinfo *next = res->ai_next;

		free(res); /* the result's one allocation starts with it */
		res = next;
	}
}

const char *gai_strerror(int err)
{
	switch (err) {
	case 0: return "Success";
	case EAI_BADFLAGS: return "Bad value for ai_flags";
	case EAI_NONAME: return "Name or service not known";
	case EAI_AGAIN: return "Temporary failure in name resolution";
	case EAI_FAIL: return "Non-recoverable failure in name resolution";
	case EAI_FAMILY: return "ai_family not supported";
	case EAI_SOCKTYPE: return "ai_socktype not supported";
	case EAI_SERVICE: return "Servname not supported for ai_socktype";
	case EAI_MEMORY: return "Memory allocation failure";
	case EAI_SYSTEM: return "System error";
	case EAI_OVERFLOW: return "Argument buffer overflow";
	default: return "Unknown error";
	}
}

static int put(char *dst, socklen_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		return EAI_OVERFLOW;
	memcpy(dst, s, n + 1);
	return 0;
}

int getnameinfo(const struct sockaddr *restrict sa, socklen_t salen, char *restrict host,
		socklen_t hostlen, char *restrict serv, socklen_t servlen, int flags)
{
	char text[INET6_ADDRSTRLEN + 12];
	unsigned port;

	if (!sa)
		return EAI_FAMILY;
	if (sa->sa_family == AF_INET && salen >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
		port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6 && salen >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		size_t n;

		inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
		n = strlen(text);
		if (in6->sin6_scope_id) {
			char num[12];
			size_t k = 0;
			uint32_t v = in6->sin6_scope_id;

			do
				num[k++] = (char)('0' + v % 10);
			while (v /= 10);
			text[n++] = '%';
			while (k)
				text[n++] = num[--k];
			text[n] = '\0';
		}
		port = ntohs(in6->sin6_port);
	} else {
		return EAI_FAMILY;
	}
	if (host && hostlen) {
		int rc;

		if (flags & NI_NAMEREQD)
			return EAI_NONAME;
		rc = put(host, hostlen, text);
		if (rc)
			return rc;
	}
	if (serv && servlen) {
		char num[6];
		size_t k = 0, i;
		unsigned v = port;

		do
			text[k++] = (char)('0' + v % 10);
		while (v /= 10);
		for (i = 0; i < k; i++)
			num[i] = text[k - 1 - i];
		num[k] = '\0';
		return put(serv, servlen, num);
	}
	return 0;
}
