/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TAP devices for pkt-gen's tap:NAME: attach to (or create) a Linux TAP
 * interface through /dev/net/tun with TUNSETIFF, raw Ethernet frames without
 * the packet-information prefix, and write/read whole frames. Reads wait at
 * most timeout_ms. Deno cannot issue the ioctl itself, hence this file.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "internal.h"
#include "nmscript.h"

#define TUN_CLONE_DEV "/dev/net/tun"

int nms_tap_open(const char *name, char *name_out, size_t name_len)
{
	struct ifreq ifr;
	size_t n = name ? strlen(name) : 0;
	int fd;

	if (n >= IFNAMSIZ)
		return nms_fail(EINVAL, "tap: interface name '%s' is %zu bytes; the limit is %d",
				name, n, IFNAMSIZ - 1);
	fd = open(TUN_CLONE_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return nms_fail(errno, "tap: cannot open %s", TUN_CLONE_DEV);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (n > 0)
		memcpy(ifr.ifr_name, name, n);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;

		close(fd);
		return nms_fail(e, "tap: TUNSETIFF on '%s' failed", n ? name : "(any)");
	}
	if (name_out && name_len > 0) {
		size_t m = strnlen(ifr.ifr_name, IFNAMSIZ);

		if (m >= name_len)
			m = name_len - 1;
		memcpy(name_out, ifr.ifr_name, m);
		name_out[m] = '\0';
	}
	return fd;
}

int nms_tap_write(int fd, const void *frame, size_t len)
{
	ssize_t r = write(fd, frame, len);

	if (r < 0 && errno == EAGAIN)
		return 0;
	if (r < 0)
		return nms_fail(errno, "tap: write of %zu bytes failed", len);
	return (int)r;
}

int nms_tap_read(int fd, void *buf, size_t len, int timeout_ms)
{
	ssize_t r;
	int w;

	for (;;) {
		r = read(fd, buf, len);
		if (r >= 0)
			return (int)r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return nms_fail(errno, "tap: read failed");
		w = nms_wait_fd(fd, POLLIN, timeout_ms < 0 ? 0 : timeout_ms);
		if (w == -ETIMEDOUT)
			return 0;
		if (w < 0)
			return nms_fail(w, "tap: poll failed");
		timeout_ms = 0; /* one wait only: a frame is there now, or nothing */
	}
}
