// SPDX-License-Identifier: MIT
/*
 * objcache: compile one C file, or take the object from an earlier compile
 * of the same preprocessed source with the same flags.
 *
 *   objcache CACHE OUT CC_ID CC ARG... -c SRC -o OBJ
 *
 * Every app's build compiles the kernel, libc and HAL again under its own
 * configuration (OUT/include/generated/autoconf.h), yet most files use none
 * of the options that differ between two apps: their preprocessed text is
 * the same.  So the key of an object is the SHA-256 of the compiler's
 * identity (CC_ID), the folder it runs in (the debug information's), the
 * command and the preprocessed text, with OUT (the build's folder, which
 * names the configuration header in both) written as one placeholder.
 * ccache cannot do this: it hashes the header's path.
 *
 * Preprocessing costs a compiler driver and cc1, most of a hit's time, so
 * a hit is first looked up without it (as ccache's direct mode): the
 * command's manifest lists the files an earlier preprocessing read (its
 * dependency file), and the second key hashes their contents, except the
 * configuration header's: of that, only the options those files name (a
 * CONFIG_ word, or a CONFIG_..._ prefix pasted with ##).  The options a
 * file's preprocessed text can depend on are the ones its text names, so
 * equal keys mean equal preprocessed texts.  (As in ccache, a header
 * added where the search would now find it first goes unnoticed: a
 * header that shadows another's name is not a thing this tree does.)
 *
 * It does in itself what a script would start a process for (hashing, the
 * placeholder, the copy, the object's folder): a build runs it for every
 * object of every app.  Empty CACHE: no cache, the folder made and the
 * compiler run.
 *
 * The object's debug information may then name the configuration header of
 * the build that compiled it first: the code and the source lines it maps
 * to are the same.  A file that fails to preprocess is compiled as it is,
 * for the compiler's own message.  CACHE grows until `make distclean`.
 * Exit status: the compiler's; 2 for a malformed command line or an
 * object folder that cannot be made.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "objcache.h"
#include "sha256.h"

void die(const char *what)
{
	fprintf(stderr, "objcache: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* mkdir -p of the folder holding path (path itself is a file's). */
int make_parents(const char *path)
{
	char *p = strdup(path), *s;

	if (!p)
		return -1;
	for (s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0777) && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	return 0;
}

/* Wait for pid: its exit status, 128 + signal when it was killed. */
static int reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Run argv: its exit status (reap's). */
static int run(char **argv)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "objcache: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return reap(pid);
}

/* Copy from to to (created or truncated); 0 or -1. */
int copy_file(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n = 0;
	int in = open(from, O_RDONLY), out;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (close(out) || n < 0) {
		unlink(to);
		return -1;
	}
	return 0;
}

/* Hash len bytes of s with every OUT in it as "@OUT@". */
static void hash_placeholder(struct sha256 *h, const char *s, size_t len, const char *out)
{
	size_t olen = strlen(out);
	const char *end = s + len, *m;

	while (olen && (m = memmem(s, end - s, out, olen))) {
		sha256_update(h, s, m - s);
		sha256_update(h, "@OUT@", 5);
		s = m + olen;
	}
	sha256_update(h, s, end - s);
}

/*
 * The preprocessed text of the compile (argv with -E and the dependency
 * file), hashed as it arrives; 0, or -1 when it failed.
 */
static int hash_preprocessed(struct sha256 *h, char **argv, const char *out)
{
	/* (the text is read whole: OUT may straddle two reads) */
	size_t len = 0, cap = 1 << 18;
	char *text = malloc(cap);
	int fd[2];
	ssize_t n;
	pid_t pid;

	if (!text || pipe(fd))
		die("preprocessing");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		close(fd[0]);
		if (dup2(fd[1], 1) < 0 || null < 0 || dup2(null, 2) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	for (;;) {
		if (len == cap) {
			cap *= 2;
			text = realloc(text, cap);
			if (!text)
				die("preprocessed text");
		}
		n = read(fd[0], text + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd[0]);
	if (reap(pid) || n < 0) {
		free(text);
		return -1;
	}
	hash_placeholder(h, text, len, out);
	free(text);
	return 0;
}

/* The whole of path, NUL-terminated, in *text (caller frees); -1 if unreadable. */
ssize_t read_whole(const char *path, char **text)
{
	size_t len = 0, cap = 1 << 14;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	*text = malloc(cap);
	while (*text) {
		n = read(fd, *text + len, cap - len - 1);
		if (n <= 0) {
			close(fd);
			if (n < 0) {
				free(*text);
				return -1;
			}
			(*text)[len] = '\0';
			return len;
		}
		len += n;
		if (len + 1 == cap)
			*text = realloc(*text, cap *= 2);
	}
	die("reading a dependency");
	return -1;
}

/* Write text to path through a file of its own and a rename; best effort. */
void write_entry(const char *path, const char *text)
{
	char *part = malloc(strlen(path) + 24);
	int fd;

	if (!part || make_parents(path))
		goto out;
	sprintf(part, "%s.%ld", path, (long)getpid());
	fd = open(part, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0)
		goto out;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) ||
	    rename(part, path))
		unlink(part);
out:
	free(part);
}

/*
 * With HAKO_OBJCACHE_LOG=FILE, a line "HOW OBJ" per object: direct (a hit
 * without preprocessing), preprocessed (a hit after it), compiled.  For
 * tests, and for a reader wondering what the cache did.
 */
static void note(const char *how, const char *obj)
{
	const char *log = getenv("HAKO_OBJCACHE_LOG");
	char line[4200];
	int fd, n;

	if (!log || !*log)
		return;
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0666);
	n = snprintf(line, sizeof(line), "%s %s\n", how, obj);
	if (fd >= 0 && n > 0 && n < (int)sizeof(line) && write(fd, line, n) != n)
		fprintf(stderr, "objcache: %s: %s\n", log, strerror(errno));
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	const char *cache, *out, *cc_id, *obj = NULL;
	char **cc, **pp, *dep, *path, *part, key1[65], objkey[65];
	int i, n = 0, status;
	struct sha256 h, k;
	size_t len;

	if (argc < 5) {
		fprintf(stderr, "usage: objcache CACHE OUT CC_ID CC ARG... -c SRC -o OBJ\n");
		return 2;
	}
	cache = argv[1];
	out = argv[2];
	cc_id = argv[3];
	/* cc: the command without -c and -o OBJ, room for 8 more */
	cc = calloc(argc + 8, sizeof(*cc));
	pp = calloc(argc + 8, sizeof(*pp));
	if (!cc || !pp)
		die("command");
	for (i = 4; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			obj = argv[++i];
		else if (strcmp(argv[i], "-c"))
			cc[n++] = argv[i];
	}
	if (!obj) {
		fprintf(stderr, "objcache: no -o in the command\n");
		return 2;
	}
	if (make_parents(obj))
		die(obj);
	memcpy(pp, cc, n * sizeof(*cc));
	cc[n] = "-c";
	cc[n + 1] = "-o";
	cc[n + 2] = (char *)obj;
	if (!*cache) {
		execvp(cc[0], cc);
		die(cc[0]);
	}

	/* (-MT/-MF: the dependency file as the compile itself writes it) */
	len = strlen(obj);
	dep = malloc(len + 3);
	if (!dep)
		die("command");
	memcpy(dep, obj, len + 1);
	if (len > 2 && !strcmp(dep + len - 2, ".o"))
		dep[len - 2] = '\0';
	strcat(dep, ".d");
	pp[n] = "-E";
	pp[n + 1] = "-MT";
	pp[n + 2] = (char *)obj;
	pp[n + 3] = "-MF";
	pp[n + 4] = dep;
	pp[n + 5] = "-o";
	pp[n + 6] = "-";

	/* the command: key1, and the start of the object's key */
	{
		char cwd[4096];

		if (!getcwd(cwd, sizeof(cwd)))
			die("getcwd");
		sha256_init(&h);
		hash_placeholder(&h, cc_id, strlen(cc_id), out);
		sha256_update(&h, "\n", 1);
		hash_placeholder(&h, cwd, strlen(cwd), out);
		sha256_update(&h, "\n", 1);
		for (i = 0; i < n; i++) {
			hash_placeholder(&h, cc[i], strlen(cc[i]), out);
			sha256_update(&h, "\n", 1);
		}
		sha256_update(&h, "-o ", 3);
		hash_placeholder(&h, obj, strlen(obj), out);
		sha256_update(&h, "\n", 1);
	}
	k = h;
	sha256_hex(&k, key1);
	if (!direct_lookup(cache, key1, out, obj, dep)) {
		note("direct", obj);
		return 0;
	}

	if (hash_preprocessed(&h, pp, out)) {
		execvp(cc[0], cc); /* (for the compiler's own message) */
		die(cc[0]);
	}
	sha256_hex(&h, objkey);
	path = malloc(strlen(cache) + 100);
	part = malloc(strlen(cache) + 100);
	if (!path || !part)
		die("cache path");
	sprintf(path, "%s/%.2s/%s.o", cache, objkey, objkey);
	if (copy_file(path, obj)) {
		status = run(cc);
		if (status)
			return status;
		/*
		 * A copy under a name of its own, then a rename: another build
		 * may be reading or writing the same entry.  A cache that
		 * cannot be written costs the next build a compile, not this
		 * one its object.
		 */
		sprintf(part, "%s.%ld", path, (long)getpid());
		if (!make_parents(path) && !copy_file(obj, part) && rename(part, path))
			unlink(part);
		note("compiled", obj);
	} else {
		note("preprocessed", obj);
	}
	direct_record(cache, key1, out, dep, objkey);
	return 0;
}
