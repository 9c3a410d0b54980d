// SPDX-License-Identifier: MIT
/*
 * xlparse CONFIG KEY: print the string value of KEY in an xl config file as
 * xl itself reads it (libxlutil, the parser behind `xl create`), so that
 * the tests can check hal/xen/mkxl.sh's quoting without a running Xen.  A
 * list (vif = [ ... ]) prints one item a line.
 */
#include <stdio.h>

#include <libxlutil.h>

int main(int argc, char **argv)
{
	XLU_Config *cfg;
	XLU_ConfigList *list;
	const char *value;
	int n;

	if (argc != 3) {
		fprintf(stderr, "usage: xlparse CONFIG KEY\n");
		return 2;
	}
	cfg = xlu_cfg_init(stderr, argv[1]);
	if (!cfg || xlu_cfg_readfile(cfg, argv[1]))
		return 1;
	if (xlu_cfg_get_string(cfg, argv[2], &value, 1) == 0) {
		printf("%s\n", value);
	} else if (xlu_cfg_get_list(cfg, argv[2], &list, &n, 0) == 0) {
		for (int i = 0; i < n; i++)
			printf("%s\n", xlu_cfg_get_listitem(list, i));
	} else {
		return 1;
	}
	xlu_cfg_destroy(cfg);
	return 0;
}
