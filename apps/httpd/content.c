// SPDX-License-Identifier: MIT
/* Lookups in the built-in file table (sorted by path: a binary search). */
#include <string.h>

#include "content.h"
#include "http.h"

const struct httpd_file *content_find(const char *path)
{
	char index[HTTP_MAX_PATH + sizeof("index.html")];
	size_t n = strlen(path);
	unsigned int lo = 0, hi = httpd_nfiles;

	if (n && path[n - 1] == '/' && n < HTTP_MAX_PATH) {
		memcpy(index, path, n);
		strcpy(index + n, "index.html");
		path = index;
	}
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		int c = strcmp(path, httpd_files[mid].path);

		if (!c)
			return &httpd_files[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
