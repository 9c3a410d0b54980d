// SPDX-License-Identifier: MIT
/*
 * FILE streams over descriptors (CONFIG_FILES).  One buffer per stream,
 * used either for reading (bytes [rpos, rend) not yet handed out) or for
 * writing (wlen bytes not yet written), never both: switching direction
 * flushes the writes, or seeks back over the unread bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"

#define F_READ 0x1
#define F_WRITE 0x2
#define F_EOF 0x4
#define F_ERR 0x8
#define F_OWNBUF 0x10
#define F_STATIC 0x20 /* stdin/stdout/stderr: never freed */

struct __FILE {
	int fd;
	int flags;
	int mode; /* _IOFBF, _IOLBF, _IONBF */
	char *buf;
	size_t cap;
	size_t rpos, rend; /* read buffer */
	size_t wlen;	   /* write buffer */
	int unget;	   /* a pushed-back byte, or EOF */
	struct __FILE *next;
};

static struct __FILE std_files[3] = {
	{ 0, F_READ | F_STATIC, _IOFBF, NULL, 0, 0, 0, 0, EOF, NULL },
	{ 1, F_WRITE | F_STATIC, _IONBF, NULL, 0, 0, 0, 0, EOF, NULL },
	{ 2, F_WRITE | F_STATIC, _IONBF, NULL, 0, 0, 0, 0, EOF, NULL },
};
FILE *const stdin = &std_files[0];
FILE *const stdout = &std_files[1];
FILE *const stderr = &std_files[2];
static FILE *open_files; /* fopen/fdopen streams, for fflush(NULL) */

/* --------------------------------------------------------- open/close --- */

static int parse_mode(const char *mode, int *flags)
{
	int o;

	switch (*mode++) {
	case 'r': o = O_RDONLY; *flags = F_READ; break;
	case 'w': o = O_WRONLY | O_CREAT | O_TRUNC; *flags = F_WRITE; break;
	case 'a': o = O_WRONLY | O_CREAT | O_APPEND; *flags = F_WRITE; break;
	default: return -1;
	}
	for (; *mode; mode++) {
		if (*mode == '+') {
			o = (o & ~O_ACCMODE) | O_RDWR;
			*flags = F_READ | F_WRITE;
		} else if (*mode == 'x') {
			o |= O_EXCL;
		} else if (*mode == 'e') {
			o |= O_CLOEXEC;
		} else if (*mode != 'b') {
			return -1;
		}
	}
	return o;
}

static FILE *new_stream(int fd, int flags)
{
	FILE *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->fd = fd;
	f->flags = flags;
	f->mode = _IOFBF;
	f->unget = EOF;
	f->next = open_files;
	open_files = f;
	return f;
}

FILE *fopen(const char *restrict path, const char *restrict mode)
{
	int flags, o = parse_mode(mode, &flags), fd;
	FILE *f;

	if (o < 0) {
		errno = EINVAL;
		return NULL;
	}
	fd = open(path, o, 0666);
	if (fd < 0)
		return NULL;
	f = new_stream(fd, flags);
	if (!f) {
		close(fd);
		errno = ENOMEM;
	}
	return f;
}

FILE *fdopen(int fd, const char *mode)
{
	int flags;
	FILE *f;

	if (parse_mode(mode, &flags) < 0) {
		errno = EINVAL;
		return NULL;
	}
	if (fcntl(fd, F_GETFL) < 0)
		return NULL;
	f = new_stream(fd, flags);
	if (!f)
		errno = ENOMEM;
	return f;
}

static int flush_writes(FILE *f)
{
	size_t done = 0;

	while (done < f->wlen) {
		ssize_t n = write(f->fd, f->buf + done, f->wlen - done);

		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			/* Keep what was not written, for a retry. */
			memmove(f->buf, f->buf + done, f->wlen - done);
			f->wlen -= done;
			f->flags |= F_ERR;
			return EOF;
		}
		done += (size_t)n;
	}
	f->wlen = 0;
	return 0;
}

/* Give unread bytes back to the descriptor (seek back over them). */
static int drop_reads(FILE *f)
{
	off_t unread = (off_t)(f->rend - f->rpos) + (f->unget != EOF);

	f->rpos = f->rend = 0;
	f->unget = EOF;
	if (unread && lseek(f->fd, -unread, SEEK_CUR) < 0)
		return errno == ESPIPE ? 0 : EOF; /* a stream: they are lost */
	return 0;
}

int fflush(FILE *f)
{
	int rc = 0;

	if (!f) {
		for (FILE *g = open_files; g; g = g->next)
			if (fflush(g))
				rc = EOF;
		return rc;
	}
	if (f->wlen)
		return flush_writes(f);
	if (f->rend > f->rpos || f->unget != EOF)
		return drop_reads(f);
	return 0;
}

int fclose(FILE *f)
{
	int rc = fflush(f);

	if (close(f->fd))
		rc = EOF;
	if (f->flags & F_STATIC) {
		f->fd = -1;
		return rc;
	}
	for (FILE **p = &open_files; *p; p = &(*p)->next) {
		if (*p == f) {
			*p = f->next;
			break;
		}
	}
	if (f->flags & F_OWNBUF)
		free(f->buf);
	free(f);
	return rc;
}

int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size)
{
	if ((mode != _IOFBF && mode != _IOLBF && mode != _IONBF) || f->wlen || f->rend)
		return -1;
	if (f->flags & F_OWNBUF)
		free(f->buf);
	f->flags &= ~F_OWNBUF;
	f->mode = mode;
	f->buf = mode == _IONBF ? NULL : buf;
	f->cap = buf && mode != _IONBF ? size : 0;
	return 0;
}

void setbuf(FILE *restrict f, char *restrict buf)
{
	setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ);
}

static bool get_buffer(FILE *f)
{
	if (f->buf)
		return true;
	f->buf = malloc(BUFSIZ);
	if (!f->buf) {
		f->flags |= F_ERR;
		errno = ENOMEM;
		return false;
	}
	f->cap = BUFSIZ;
	f->flags |= F_OWNBUF;
	return true;
}

/* -------------------------------------------------------------- reads --- */

static bool can_read(FILE *f)
{
	if (!(f->flags & F_READ)) {
		f->flags |= F_ERR;
		errno = EBADF;
		return false;
	}
	if (f->wlen && flush_writes(f))
		return false;
	return true;
}

/* Refill the read buffer; false at end of file or error. */
static bool refill(FILE *f)
{
	ssize_t n;

	if (f->mode == _IONBF || !get_buffer(f))
		return false;
	n = read(f->fd, f->buf, f->cap);
	if (n <= 0) {
		f->flags |= n ? F_ERR : F_EOF;
		return false;
	}
	f->rpos = 0;
	f->rend = (size_t)n;
	return true;
}

int fgetc(FILE *f)
{
	unsigned char c;

	if (f->unget != EOF) {
		c = (unsigned char)f->unget;
		f->unget = EOF;
		return c;
	}
	if (!can_read(f))
		return EOF;
	if (f->rpos == f->rend) {
		if (f->mode == _IONBF) {
			ssize_t n = read(f->fd, &c, 1);

			if (n <= 0) {
				f->flags |= n ? F_ERR : F_EOF;
				return EOF;
			}
			return c;
		}
		if (!refill(f))
			return EOF;
	}
	return (unsigned char)f->buf[f->rpos++];
}

int getc(FILE *f)
{
	return fgetc(f);
}

int getchar(void)
{
	return fgetc(stdin);
}

int ungetc(int c, FILE *f)
{
	if (c == EOF || f->unget != EOF)
		return EOF;
	f->unget = (unsigned char)c;
	f->flags &= ~F_EOF;
	return (unsigned char)c;
}

size_t fread(void *restrict buf, size_t size, size_t n, FILE *restrict f)
{
	size_t want, got = 0;
	char *p = buf;

	if (!size || !n)
		return 0;
	if (n > SIZE_MAX / size) {
		f->flags |= F_ERR;
		errno = EOVERFLOW;
		return 0;
	}
	want = size * n;
	if (f->unget != EOF && want) {
		*p = (char)f->unget;
		f->unget = EOF;
		got = 1;
	}
	if (!can_read(f))
		return got / size;
	while (got < want) {
		size_t avail = f->rend - f->rpos;
		ssize_t r;

		if (avail) {
			size_t l = avail < want - got ? avail : want - got;

			memcpy(p + got, f->buf + f->rpos, l);
			f->rpos += l;
			got += l;
			continue;
		}
		/* Large reads bypass the buffer. */
		if (want - got >= BUFSIZ || f->mode == _IONBF) {
			r = read(f->fd, p + got, want - got);
			if (r <= 0) {
				f->flags |= r ? F_ERR : F_EOF;
				break;
			}
			got += (size_t)r;
			continue;
		}
		if (!refill(f))
			break;
	}
	return got / size;
}

char *fgets(char *restrict s, int size, FILE *restrict f)
{
	int i = 0;

	if (size <= 0) {
		errno = EINVAL;
		return NULL;
	}
	while (i < size - 1) {
		int c = fgetc(f);

		if (c == EOF)
			break;
		s[i++] = (char)c;
		if (c == '\n')
			break;
	}
	if (i == 0 && size > 1)
		return NULL;
	s[i] = '\0';
	return s;
}

ssize_t getdelim(char **restrict line, size_t *restrict cap, int delim, FILE *restrict f)
{
	size_t n = 0;
	int c;

	if (!line || !cap) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		if (n + 2 > *cap) {
			size_t nc = *cap < 64 ? 128 : *cap * 2;
			char *nl = realloc(*line, nc);

			if (!nl) {
				f->flags |= F_ERR;
				errno = ENOMEM;
				return -1;
			}
			*line = nl;
			*cap = nc;
		}
		c = fgetc(f);
		if (c == EOF)
			break;
		(*line)[n++] = (char)c;
		if (c == delim)
			break;
	}
	(*line)[n] = '\0';
	if (n == 0)
		return -1;
	return n > SSIZE_MAX ? -1 : (ssize_t)n;
}

ssize_t getline(char **restrict line, size_t *restrict cap, FILE *restrict f)
{
	return getdelim(line, cap, '\n', f);
}

/* ------------------------------------------------------------- writes --- */

static bool can_write(FILE *f)
{
	if (!(f->flags & F_WRITE)) {
		f->flags |= F_ERR;
		errno = EBADF;
		return false;
	}
	if ((f->rend > f->rpos || f->unget != EOF) && drop_reads(f))
		return false;
	f->rpos = f->rend = 0;
	return true;
}

static size_t put(FILE *f, const char *p, size_t len)
{
	size_t done = 0;

	if (!can_write(f))
		return 0;
	if (f->mode == _IONBF || (!f->buf && !get_buffer(f))) {
		while (done < len) {
			ssize_t n = write(f->fd, p + done, len - done);

			if (n <= 0) {
				if (n == 0)
					errno = EIO;
				f->flags |= F_ERR;
				break;
			}
			done += (size_t)n;
		}
		return done;
	}
	while (done < len) {
		size_t room = f->cap - f->wlen, l = room < len - done ? room : len - done;

		/* A large write with nothing buffered goes straight through. */
		if (!f->wlen && len - done >= f->cap) {
			ssize_t n = write(f->fd, p + done, len - done);

			if (n <= 0) {
				if (n == 0)
					errno = EIO;
				f->flags |= F_ERR;
				break;
			}
			done += (size_t)n;
			continue;
		}
		memcpy(f->buf + f->wlen, p + done, l);
		f->wlen += l;
		done += l;
		if (f->wlen == f->cap && flush_writes(f))
			return done > f->wlen ? done - f->wlen : 0;
	}
	if (f->mode == _IOLBF && memchr(p, '\n', len) && flush_writes(f))
		return 0;
	return done;
}

size_t fwrite(const void *restrict buf, size_t size, size_t n, FILE *restrict f)
{
	if (!size || !n)
		return 0;
	if (n > SIZE_MAX / size) {
		f->flags |= F_ERR;
		errno = EOVERFLOW;
		return 0;
	}
	return put(f, buf, size * n) / size;
}

int fputc(int c, FILE *f)
{
	char ch = (char)c;

	return put(f, &ch, 1) == 1 ? (unsigned char)c : EOF;
}

int putc(int c, FILE *f)
{
	return fputc(c, f);
}

int fputs(const char *restrict s, FILE *restrict f)
{
	size_t n = strlen(s);

	return put(f, s, n) == n ? 0 : EOF;
}

struct file_sink {
	struct fmt_sink o;
	FILE *f;
	bool failed;
};

static void sink_flush(struct fmt_sink *o)
{
	struct file_sink *s = (struct file_sink *)o;

	if (!s->failed && put(s->f, o->buf, o->pos) != o->pos)
		s->failed = true;
	o->pos = 0;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	char buf[256];
	struct file_sink s = { { buf, sizeof(buf), 0, 0, sink_flush }, f, false };

	fmt_vformat(&s.o, fmt, ap);
	if (s.o.pos)
		sink_flush(&s.o);
	if (s.failed)
		return -1;
	if (s.o.total > INT_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	return (int)s.o.total;
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

/* ------------------------------------------------------- positioning --- */

int fseeko(FILE *f, off_t off, int whence)
{
	if (f->wlen && flush_writes(f))
		return -1;
	if (whence == SEEK_CUR)
		off -= (off_t)(f->rend - f->rpos) + (f->unget != EOF);
	f->rpos = f->rend = 0;
	f->unget = EOF;
	if (lseek(f->fd, off, whence) < 0)
		return -1;
	f->flags &= ~F_EOF;
	return 0;
}

int fseek(FILE *f, long off, int whence)
{
	return fseeko(f, off, whence);
}

off_t ftello(FILE *f)
{
	off_t pos = lseek(f->fd, 0, SEEK_CUR);

	if (pos < 0)
		return -1;
	return pos - (off_t)(f->rend - f->rpos) - (f->unget != EOF) + (off_t)f->wlen;
}

long ftell(FILE *f)
{
	return ftello(f);
}

void rewind(FILE *f)
{
	fseeko(f, 0, SEEK_SET);
	f->flags &= ~F_ERR;
}

int feof(FILE *f)
{
	return !!(f->flags & F_EOF);
}

int ferror(FILE *f)
{
	return !!(f->flags & F_ERR);
}

void clearerr(FILE *f)
{
	f->flags &= ~(F_EOF | F_ERR);
}

int fileno(FILE *f)
{
	if (f->fd < 0) {
		errno = EBADF;
		return -1;
	}
	return f->fd;
}

void perror(const char *s)
{
	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, strerror(errno));
	else
		fprintf(stderr, "%s\n", strerror(errno));
}
