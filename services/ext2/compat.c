// SPDX-License-Identifier: MIT
/*
 * What libext2fs needs beyond Hako's libc: com_err's message lookup and
 * printing, and ext2fs_zero_blocks2 (e2fsprogs has it in mkjournal.c, which is not
 * built here); and the error code -> errno mapping of the driver.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ext2fs/ext2fs.h>

#include <hako/printk.h>

#include "e2.h"

extern const struct error_table et_ext2_error_table; /* generated ext2_err.c */
struct et_list *_et_list;

const char *error_message(errcode_t code)
{
	static char buf[40];
	const struct error_table *t = &et_ext2_error_table;

	if (code >= t->base && code < t->base + t->n_msgs)
		return t->msgs[code - t->base];
	if (code > 0 && code < 256)
		return strerror((int)code);
	snprintf(buf, sizeof(buf), "unknown error %ld", code);
	return buf;
}

void com_err(const char *whoami, errcode_t code, const char *fmt, ...)
{
	char msg[160] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	pr_err("%s: %s %s\n", whoami ? whoami : "ext2", code ? error_message(code) : "", msg);
}

errcode_t ext2fs_zero_blocks2(ext2_filsys fs, blk64_t blk, int num, blk64_t *ret_blk,
			      int *ret_count)
{
	errcode_t err;

	if (!fs || num <= 0)
		return 0;
	err = io_channel_zeroout(fs->io, blk, num);
	if (err) {
		if (ret_blk)
			*ret_blk = blk;
		if (ret_count)
			*ret_count = num;
	}
	return err;
}

/*
 * Case-insensitive names (the casefold feature) need nls_utf8.c's 64 KiB
 * of Unicode tables: not built; such file systems are refused at mount, so
 * these are never reached with a table.
 */
const struct ext2fs_nls_table *ext2fs_load_nls_table(int encoding)
{
	return NULL;
}

int ext2fs_check_encoded_name(const struct ext2fs_nls_table *table, char *name, size_t len,
			      char **pos)
{
	return -1;
}

int ext2fs_casefold_cmp(const struct ext2fs_nls_table *table, const unsigned char *str1,
			size_t len1, const unsigned char *str2, size_t len2)
{
	return -1;
}

int e2_errno(errcode_t err, const char *what)
{
	switch (err) {
	case 0:
		return 0;
	case EXT2_ET_NO_MEMORY:
		return -ENOMEM;
	case EXT2_ET_BLOCK_ALLOC_FAIL:
	case EXT2_ET_INODE_ALLOC_FAIL:
	case EXT2_ET_DIR_NO_SPACE:
	case EXT2_ET_EA_NO_SPACE:
	case EXT2_ET_TOOSMALL:
		return -ENOSPC;
	case EXT2_ET_RO_FILSYS:
		return -EROFS;
	case EXT2_ET_FILE_NOT_FOUND:
		return -ENOENT;
	case EXT2_ET_NO_DIRECTORY:
		return -ENOTDIR;
	case EXT2_ET_DIR_EXISTS:
		return -EEXIST;
	case EXT2_ET_FILE_TOO_BIG:
		return -EFBIG;
	}
	if (err > 0 && err < 256)
		return (int)-err; /* an errno from the I/O manager */
	pr_err("ext2: %s: %s\n", what, error_message(err));
	switch (err) {
	case EXT2_ET_UNSUPP_FEATURE:
	case EXT2_ET_RO_UNSUPP_FEATURE:
	case EXT2_ET_UNIMPLEMENTED:
	case EXT2_ET_OP_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	case EXT2_ET_SHORT_READ:
	case EXT2_ET_SHORT_WRITE:
		return -EIO;
	}
	/* The library's other codes mean a damaged or inconsistent file
	 * system (bad magic, checksums, extent headers, directory entries). */
	return err >= et_ext2_error_table.base &&
			       err < et_ext2_error_table.base + et_ext2_error_table.n_msgs
		       ? -EUCLEAN
		       : -EIO;
}
