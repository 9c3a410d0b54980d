/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the usermode port's files. */
#ifndef USERMODE_PORT_H
#define USERMODE_PORT_H

#include <hal.h>

/* Print "hako: WHAT 'ARGTAIL" (TAIL starts with the closing quote) on stderr and exit with status 2 (a bad
 * command-line option: nothing has started yet). */
_Noreturn void um_usage_error(const char *what, const char *arg, const char *tail);

/* A free device handle for hal_*_acquire; HAL_ENODEV when all are taken. */
int um_handle_alloc(hal_handle_t *h);

/* block.c: open the disk of one --disk=PATH[:ro] option (exits 2 when it
 * cannot); the ready bits of the disks with a completion to report. */
void um_disk_add(const char *spec);
hal_ready_set um_block_ready(void);

#endif
