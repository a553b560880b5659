/* SPDX-License-Identifier: BSD-2-Clause */
/* Prints the layout table of libnmscript (nms_layout_json()) on stdout. */
#include <stdio.h>

#include "nmscript.h"

int main(void)
{
	if (fputs(nms_layout_json(), stdout) == EOF || fflush(stdout) != 0) {
		perror("layout: write");
		return 1;
	}
	return 0;
}
