/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Timers that need no JavaScript timer: nms_sleep() and a cancellable alarm
 * (an eventfd). Deno runs them as `nonblocking` symbols on its worker threads;
 * src/timer.ts says why nmscript does not use setTimeout. And nms_yield(), for
 * loops that spin on a ring for a moment before they sleep.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <sys/resource.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "nmscript.h"

int nms_sleep(int ms)
{
	struct timespec left;

	if (ms < 0)
		return nms_fail(EINVAL, "sleep: negative time %d ms", ms);
	left.tv_sec = ms / 1000;
	left.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&left, &left) < 0) {
		if (errno != EINTR)
			return nms_fail(errno, "sleep %d ms", ms);
	}
	return 0;
}

int nms_alarm_open(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	if (fd < 0)
		return nms_fail(errno, "alarm: eventfd");
	return fd;
}

int nms_alarm_wait(int fd, int ms)
{
	int r;

	if (fd < 0 || ms < 0)
		return nms_fail(EINVAL, "alarm wait: fd %d, %d ms", fd, ms);
	r = nms_wait_fd(fd, POLLIN, ms);
	if (r == -ETIMEDOUT)
		return 0;
	if (r < 0)
		return nms_fail(-r, "alarm wait (fd %d)", fd);
	return 1;
}

int nms_alarm_cancel(int fd)
{
	uint64_t one = 1;

	if (fd < 0)
		return nms_fail(EINVAL, "alarm cancel: negative fd %d", fd);
	if (write(fd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		return nms_fail(errno, "alarm cancel (fd %d)", fd);
	return 0;
}

/* The calling thread's involuntary context switches (a yield that let another
 * thread run counts as one), or -errno. */
static long switches(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru) < 0)
		return -errno;
	return ru.ru_nivcsw;
}

int nms_yield(void)
{
	long before = switches(), after;

	if (before < 0)
		return nms_fail((int)-before, "getrusage(RUSAGE_THREAD)");
	if (sched_yield() < 0)
		return nms_fail(errno, "sched_yield");
	after = switches();
	if (after < 0)
		return nms_fail((int)-after, "getrusage(RUSAGE_THREAD)");
	return after != before;
}
