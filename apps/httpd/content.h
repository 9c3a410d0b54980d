/* SPDX-License-Identifier: MIT */
/*
 * content.h - the files httpd serves: a table built into the image from a
 * folder at build time (apps/httpd/mkwww.py; the folder is HTTPD_WWW,
 * apps/httpd/www by default).  Read-only; lookups never block.
 */
#ifndef HTTPD_CONTENT_H
#define HTTPD_CONTENT_H

#include <stddef.h>
#include <stdint.h>

struct httpd_file {
	const char *path;	   /* "/index.html" */
	const unsigned char *data;
	size_t len;
	int64_t mtime;		   /* seconds since 1970: Last-Modified */
};

extern const struct httpd_file httpd_files[];
extern const unsigned int httpd_nfiles;

/*
 * content_find - the file for a decoded URL path, or NULL.  A path ending
 * in '/' names that folder's index.html.
 */
const struct httpd_file *content_find(const char *path);

#endif /* HTTPD_CONTENT_H */
