// SPDX-License-Identifier: MIT
/* time.h, sys/time.h and the sleeping calls of unistd.h over the HAL's
 * clocks and the kernel's sleep. */
#include <errno.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <hal.h>
#include <hako/thread.h>

#define NS 1000000000ULL

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	uint64_t ns;

	if (clk == CLOCK_MONOTONIC)
		ns = hal_clock_monotonic();
	else if (clk == CLOCK_REALTIME)
		ns = hal_clock_wall();
	else {
		errno = EINVAL;
		return -1;
	}
	if (!ts) {
		errno = EFAULT;
		return -1;
	}
	ts->tv_sec = (time_t)(ns / NS);
	ts->tv_nsec = (long)(ns % NS);
	return 0;
}

int gettimeofday(struct timeval *tv, void *tz)
{
	uint64_t ns = hal_clock_wall();

	tv->tv_sec = (time_t)(ns / NS);
	tv->tv_usec = (suseconds_t)(ns % NS / 1000);
	return 0;
}

time_t time(time_t *t)
{
	time_t now = (time_t)(hal_clock_wall() / NS);

	if (t)
		*t = now;
	return now;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (!req || req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)NS) {
		errno = EINVAL;
		return -1;
	}
	/* Saturate rather than wrap: a sleep of centuries is "for ever". */
	if ((uint64_t)req->tv_sec > (UINT64_MAX - NS) / NS / 2)
		thread_sleep(UINT64_MAX / 2);
	else
		thread_sleep((uint64_t)req->tv_sec * NS + (uint64_t)req->tv_nsec);
	if (rem)
		rem->tv_sec = rem->tv_nsec = 0;
	return 0;
}

unsigned int sleep(unsigned int seconds)
{
	thread_sleep((uint64_t)seconds * NS);
	return 0;
}

int usleep(unsigned long usec)
{
	thread_sleep((uint64_t)usec * 1000);
	return 0;
}

pid_t getpid(void)
{
	return 1;
}
