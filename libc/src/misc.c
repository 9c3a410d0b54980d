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
	case ERANGE: return "Result out of range";
	case ENOSYS: return "Function not implemented";
	case ETIMEDOUT: return "Timed out";
	default: return "Unknown error";
	}
}
