/* SPDX-License-Identifier: MIT */
/*
 * The part of com_err (e2fsprogs' lib/et) that libext2fs's headers and
 * sources use, for services/ext2: error codes are longs, tables of
 * messages, and com_err() to print one (services/ext2/compat.c).
 */
#ifndef HAKO_ET_COM_ERR_H
#define HAKO_ET_COM_ERR_H

typedef long errcode_t;

struct error_table {
	char const *const *msgs;
	long base;
	int n_msgs;
};
struct et_list {
	struct et_list *next;
	const struct error_table *table;
};

const char *error_message(errcode_t code);
void com_err(const char *whoami, errcode_t code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
