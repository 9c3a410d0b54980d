// SPDX-License-Identifier: MIT
/* Host-testable stdlib.h helpers: abs, rand, strerror. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int abs(int x)
{
	return x < 0 ? -x : x;
}

long labs(long x)
{
	return x < 0 ? -x : x;
}

static unsigned long long rand_state = 0x2545f4914f6cdd1dULL;

void srand(unsigned seed)
{
	rand_state = seed ? seed : 0x2545f4914f6cdd1dULL;
}

int rand(void)
{
	rand_state ^= rand_state << 13;
	rand_state ^= rand_state >> 7;
	rand_state ^= rand_state << 17;
	return (int)(rand_state >> 33);
}

const char *strerror(int err)
{
	switch (err) {
	case 0: return "Success";
	case EPERM: return "Operation not permitted";
	case ENOENT: return "No such file or directory";
	case EINTR: return "Interrupted";
	case EIO: return "I/O error";
	case EAGAIN: return "Try again";
	case ENOMEM: return "Out of memory";
	case EINVAL: return "Invalid argument";
	case ENODEV: return "No such device";
	case ENOSPC: return "No space left on device";
	case ENXIO: return "No such device or address";
	case EBADF: return "Bad file descriptor";
	case EACCES: return "Permission denied";
	case EFAULT: return "Bad address";
	case EBUSY: return "Device or resource busy";
	case EEXIST: return "File exists";
	case EXDEV: return "Invalid cross-device link";
	case ENOTDIR: return "Not a directory";
	case EISDIR: return "Is a directory";
	case EMFILE: return "Too many open files";
	case EFBIG: return "File too large";
	case ESPIPE: return "Illegal seek";
	case EROFS: return "Read-only file system";
	case ENAMETOOLONG: return "File name too long";
	case ENOTEMPTY: return "Directory not empty";
	case ELOOP: return "Too many levels of symbolic links";
	case EOVERFLOW: return "Value too large for defined data type";
	case EBADMSG: return "Bad message";
	case EOPNOTSUPP: return "Operation not supported";
	case EUCLEAN: return "Structure needs cleaning";
	case ERANGE: return "Result out of range";
	case ENOSYS: return "Function not implemented";
	case ETIMEDOUT: return "Timed out";
	case ENFILE: return "Too many open files in system";
	case EPIPE: return "Broken pipe";
	case ENOTSOCK: return "Socket operation on non-socket";
	case EDESTADDRREQ: return "Destination address required";
	case EMSGSIZE: return "Message too long";
	case EPROTONOSUPPORT: return "Protocol not supported";
	case EAFNOSUPPORT: return "Address family not supported by protocol";
	case EADDRINUSE: return "Address already in use";
	case EADDRNOTAVAIL: return "Cannot assign requested address";
	case ENETDOWN: return "Network is down";
	case ENETUNREACH: return "Network is unreachable";
	case ECONNABORTED: return "Software caused connection abort";
	case ECONNRESET: return "Connection reset by peer";
	case ENOBUFS: return "No buffer space available";
	case EISCONN: return "Transport endpoint is already connected";
	case ENOTCONN: return "Transport endpoint is not connected";
	case ECONNREFUSED: return "Connection refused";
	case EHOSTUNREACH: return "No route to host";
	case EALREADY: return "Operation already in progress";
	case EINPROGRESS: return "Operation now in progress";
	case ENOPROTOOPT: return "Protocol not available";
	default: return "Unknown error";
	}
}
