// SPDX-License-Identifier: MIT
/* The printf family over the format engine; fds 1 and 2 are the console. */
#include <stdio.h>
#include <string.h>

#include <hako/printk.h>

#include "format.h"

static void console_flush(struct fmt_sink *o)
{
	console_write(o->buf, o->pos);
	o->pos = 0;
}

#ifdef CONFIG_FILES
#include <unistd.h>

struct fd_sink {
	struct fmt_sink o;
	int fd;
};

/* Another descriptor: write() it all (errors are not reported: dprintf
 * has no stream to flag them on). */
static void fd_flush(struct fmt_sink *o)
{
	size_t done = 0;

	while (done < o->pos) {
		ssize_t n = write(((struct fd_sink *)o)->fd, o->buf + done, o->pos - done);

		if (n <= 0)
			break;
		done += (size_t)n;
	}
	o->pos = 0;
}
#endif

/* fd 1 and 2 are the console; without CONFIG_FILES any other fd too. */
int vdprintf(int fd, const char *restrict fmt, va_list ap)
{
	char buf[160];
	struct fmt_sink o = { buf, sizeof(buf), 0, 0, console_flush };

#ifdef CONFIG_FILES
	if (fd != 1 && fd != 2) {
		struct fd_sink s = { { buf, sizeof(buf), 0, 0, fd_flush }, fd };

		fmt_vformat(&s.o, fmt, ap);
		if (s.o.pos)
			fd_flush(&s.o);
		return (int)s.o.total;
	}
#endif
	fmt_vformat(&o, fmt, ap);
	if (o.pos)
		console_flush(&o);
	return (int)o.total;
}

int dprintf(int fd, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *restrict fmt, va_list ap)
{
	return vdprintf(1, fmt, ap);
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(1, fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	size_t n = strlen(s);

	console_write(s, n);
	console_write("\n", 1);
	return (int)n + 1;
}

int putchar(int c)
{
	char ch = (char)c;

	console_write(&ch, 1);
	return (unsigned char)c;
}
