/* SPDX-License-Identifier: BSD-2-Clause */
/* nms_wait_fd(): poll(2) on one fd with a finite timeout, EINTR-proof. */
#include <errno.h>
#include <poll.h>
#include <time.h>

#include "internal.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int nms_wait_fd(int fd, short events, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	struct pollfd p = { .fd = fd, .events = events };

	if (fd < 0 || timeout_ms < 0)
		return -EINVAL;
	for (;;) {
		long long left = deadline - now_ms();
		int r;

		if (left < 0)
			left = 0;
		p.revents = 0;
		r = poll(&p, 1, (int)left);
		if (r > 0)
			return p.revents;
		if (r == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}
