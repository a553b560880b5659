/* SPDX-License-Identifier: BSD-2-Clause */
/* vv_check.h - the assertion macro and summary line of kernel/tests. */
#ifndef VV_CHECK_H
#define VV_CHECK_H

#include <stdio.h>

static int vv_passed, vv_failed;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (cond) {                                               \
			vv_passed++;                                      \
		} else {                                                  \
			vv_failed++;                                      \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__,     \
				__LINE__, #cond);                         \
			fprintf(stderr, __VA_ARGS__);                     \
			fputc('\n', stderr);                              \
		}                                                         \
	} while (0)

/* Print the machine-readable summary; the exit status of main(). */
static inline int vv_summary(const char *name)
{
	printf("# %s: %d passed, %d failed\n", name, vv_passed, vv_failed);
	return vv_failed ? 1 : 0;
}

#endif /* VV_CHECK_H */
