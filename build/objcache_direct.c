// SPDX-License-Identifier: MIT
/*
 * The object cache's direct lookup (objcache.h): a command's manifest
 * (CACHE/m/) lists, one line per configuration seen, the files an earlier
 * preprocessing read; their contents and the options they name give the
 * direct key, under which CACHE/d/ keeps the object's key.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "objcache.h"
#include "sha256.h"

/* (older configurations' lines are dropped past this many) */
#define MANIFEST_LINES 8

static int is_ident(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* The CONFIG_ words a text names: "NAME\n" each, "NAME*\n" for a ## prefix. */
struct words {
	char *list;
	size_t len, cap;
};

static void words_scan(struct words *w, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *q, *r;
	size_t n;

	while ((p = memmem(p, end - p, "CONFIG_", 7))) {
		if (p > text && is_ident(p[-1])) {
			p += 7;
			continue;
		}
		for (q = p; q < end && is_ident(*q); q++)
			;
		for (r = q; r < end && (*r == ' ' || *r == '\t'); r++)
			;
		n = q - p;
		if (w->len + n + 3 > w->cap) {
			w->cap = 2 * (w->len + n + 3) + 256;
			w->list = realloc(w->list, w->cap);
			if (!w->list)
				die("config words");
		}
		memcpy(w->list + w->len, p, n);
		w->len += n;
		if (end - r >= 2 && r[0] == '#' && r[1] == '#')
			w->list[w->len++] = '*';
		w->list[w->len++] = '\n';
		w->list[w->len] = '\0';
		p = q;
	}
}

/* Whether a text's words name the option name[0..n). */
static int words_name(const struct words *w, const char *name, size_t n)
{
	const char *p = w->list, *nl;

	for (; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if ((size_t)(nl - p) == n && !memcmp(p, name, n))
			return 1;
		if (nl[-1] == '*' && (size_t)(nl - 1 - p) <= n && !memcmp(p, name, nl - 1 - p))
			return 1;
	}
	return 0;
}

/*
 * The direct key (64 hex digits into key2) of the command key1 with the
 * dependencies deps ("PATH PATH...", OUT as @OUT@): 0, or -1 when one of
 * them cannot be read (then only preprocessing can tell).
 */
static int direct_key(const char *key1, const char *deps, const char *out, char *key2)
{
	char *list = strdup(deps), *path, *save, *text, real[4096], *conf = NULL, hex[65];
	struct words w = {0};
	struct sha256 h, f;
	ssize_t len;

	if (!list)
		die("dependencies");
	sha256_init(&h);
	sha256_update(&h, key1, 64);
	for (path = strtok_r(list, " ", &save); path; path = strtok_r(NULL, " ", &save)) {
		if (!strncmp(path, "@OUT@", 5))
			snprintf(real, sizeof(real), "%s%s", out, path + 5);
		else
			snprintf(real, sizeof(real), "%s", path);
		sha256_update(&h, path, strlen(path) + 1);
		len = read_whole(real, &text);
		if (len < 0)
			goto fail;
		if (!strcmp(path, "@OUT@/include/generated/autoconf.h")) {
			free(conf);
			conf = text;
			continue;
		}
		sha256_init(&f);
		sha256_update(&f, text, len);
		sha256_hex(&f, hex);
		sha256_update(&h, hex, 64);
		words_scan(&w, text, len);
		free(text);
	}
	/* the configuration: the lines defining the options named */
	for (path = conf ? strtok_r(conf, "\n", &save) : NULL; path;
	     path = strtok_r(NULL, "\n", &save)) {
		const char *name = path + 8, *e;

		if (strncmp(path, "#define ", 8))
			continue;
		for (e = name; is_ident(*e); e++)
			;
		if (words_name(&w, name, e - name))
			sha256_update(&h, path, strlen(path) + 1);
	}
	sha256_hex(&h, key2);
	free(conf);
	free(w.list);
	free(list);
	return 0;
fail:
	free(conf);
	free(w.list);
	free(list);
	return -1;
}

/*
 * The dependency list of the file gcc wrote ("OBJ: SRC HDR... \" lines),
 * OUT as @OUT@, into a new string; NULL when it cannot be used.
 */
static char *read_deps(const char *dep, const char *out)
{
	char *text, *p, *colon, *list;
	size_t olen = strlen(out), n = 0;

	if (read_whole(dep, &text) < 0)
		return NULL;
	colon = strstr(text, ": ");
	list = colon ? malloc(2 * strlen(colon) + 1) : NULL;
	if (!list || strstr(text, "\\ ")) {
		free(text);
		free(list);
		return NULL;
	}
	for (p = colon + 2; *p && !(*p == '\n' && p[-1] != '\\'); p++) {
		if (*p == '\\' && p[1] == '\n') {
			p++;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\n') {
			if (n && list[n - 1] != ' ')
				list[n++] = ' ';
			continue;
		}
		if ((n == 0 || list[n - 1] == ' ') && olen && !strncmp(p, out, olen) &&
		    p[olen] == '/') {
			memcpy(list + n, "@OUT@", 5);
			n += 5;
			p += olen - 1;
			continue;
		}
		list[n++] = *p;
	}
	while (n && list[n - 1] == ' ')
		n--;
	list[n] = '\0';
	free(text);
	return n ? list : (free(list), NULL);
}

/* The dependency file gcc -MP would write for obj from a manifest line. */
static void write_deps(const char *dep, const char *obj, const char *deps, const char *out)
{
	size_t olen = strlen(out), cap = 2 * strlen(deps) + 16 * olen + strlen(obj) + 64;
	char *text = malloc(cap), *list = strdup(deps), *path, *save, *t;
	int first = 1;

	if (!text || !list)
		die("dependency file");
	t = text + sprintf(text, "%s:", obj);
	for (path = strtok_r(list, " ", &save); path; path = strtok_r(NULL, " ", &save)) {
		int o = !strncmp(path, "@OUT@", 5);

		t += sprintf(t, " %s%s", o ? out : "", o ? path + 5 : path);
	}
	*t++ = '\n';
	free(list);
	list = strdup(deps);
	for (path = strtok_r(list, " ", &save); path; path = strtok_r(NULL, " ", &save)) {
		int o = !strncmp(path, "@OUT@", 5);

		if (first) { /* (the source itself gets no phony rule) */
			first = 0;
			continue;
		}
		t += sprintf(t, "%s%s:\n", o ? out : "", o ? path + 5 : path);
	}
	*t = '\0';
	write_entry(dep, text);
	free(list);
	free(text);
}

int direct_lookup(const char *cache, const char *key1, const char *out, const char *obj,
		  const char *dep)
{
	char *text, *line, *nl, *entry, key2[65];
	char *path = malloc(strlen(cache) + 200);
	int hit = 0;

	if (!path)
		die("cache path");
	sprintf(path, "%s/m/%.2s/%s", cache, key1, key1);
	if (read_whole(path, &text) < 0) {
		free(path);
		return -1;
	}
	for (line = text; !hit && (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		if (direct_key(key1, line, out, key2))
			continue;
		sprintf(path, "%s/d/%.2s/%s", cache, key2, key2);
		if (read_whole(path, &entry) != 64)
			continue;
		sprintf(path, "%s/%.2s/%s.o", cache, entry, entry);
		free(entry);
		if (!copy_file(path, obj)) {
			write_deps(dep, obj, line, out);
			hit = 1;
		}
	}
	free(text);
	free(path);
	return hit ? 0 : -1;
}

void direct_record(const char *cache, const char *key1, const char *out, const char *dep,
		   const char *objkey)
{
	char *deps = read_deps(dep, out), *text = NULL, *lines, *p, *e, key2[65];
	char *path = malloc(strlen(cache) + 200);
	size_t len;
	int kept;

	if (!path)
		die("cache path");
	if (!deps || direct_key(key1, deps, out, key2))
		goto out;
	sprintf(path, "%s/d/%.2s/%s", cache, key2, key2);
	write_entry(path, objkey);
	/* this line first, then earlier ones (other configurations) */
	sprintf(path, "%s/m/%.2s/%s", cache, key1, key1);
	len = strlen(deps);
	lines = malloc(len + 2 + (read_whole(path, &text) < 0 ? 0 : strlen(text)));
	if (!lines)
		goto out;
	p = lines + sprintf(lines, "%s\n", deps);
	for (kept = 1, e = text; e && kept < MANIFEST_LINES; kept++) {
		char *line = e;

		e = strchr(line, '\n');
		if (!e)
			break;
		e++;
		if ((size_t)(e - line - 1) == len && !memcmp(line, deps, len)) {
			kept--;
			continue;
		}
		memcpy(p, line, e - line);
		p += e - line;
	}
	*p = '\0';
	write_entry(path, lines);
	free(lines);
out:
	free(text);
	free(deps);
	free(path);
}
