/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The check macros shared by the C unit tests: CHECK counts a check and, when
 * it fails, prints the condition, a printf-style explanation and the
 * library's last error; CHECK_EQ compares two integers. A test's main ends
 * with `return check_summary("name_test");`.
 */
#ifndef NMSCRIPT_TEST_CHECK_H
#define NMSCRIPT_TEST_CHECK_H

#include <stdio.h>

#include "nmscript.h"

static int checks, failures;

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		checks++;                                                    \
		if (!(cond)) {                                               \
			failures++;                                          \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                        \
			fprintf(stderr, " [%s]\n", nms_last_error());        \
		}                                                            \
	} while (0)

#define CHECK_EQ(a, b) CHECK((long long)(a) == (long long)(b), "%lld != %lld", \
			     (long long)(a), (long long)(b))

/* Prints "NAME: N checks, N failed" and gives the exit status. */
static inline int check_summary(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, checks, failures);
	return failures ? 1 : 0;
}

#endif /* NMSCRIPT_TEST_CHECK_H */
