/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The per-thread failure sentence behind nms_last_error(). Each thread has
 * its own, so concurrent callers never read each other's messages.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "backend.h"
#include "internal.h"
#include "nmscript.h"

static _Thread_local char last_error[512];

void nms_set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
}

void nms_clear_error(void)
{
	last_error[0] = '\0';
}

const char *nms_last_error(void)
{
	return last_error;
}

int nms_fail(int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(last_error))
		snprintf(last_error + n, sizeof(last_error) - (size_t)n, " (%s)",
			 nms_errno_name(err));
	return err > 0 ? -err : err;
}
