// SPDX-License-Identifier: MIT
/* hello: the smallest useful app.  Greets, prints its arguments, exits 0. */
#include <stdio.h>

#include <hako/kernel.h>

int main(int argc, char **argv)
{
	printf("Hello from Hako on %s!\n", kern_platform());
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
	return 0;
}
