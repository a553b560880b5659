/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nms_tap_open/write/read (ffi/src/tap.c, pkt-gen's tap:NAME) against Linux's
 * own TAP driver, in a private network namespace made with unshare(): the
 * name limit, a frame written while the link is down (EIO), a frame written
 * when up (the interface's RX counter moves), a read that times out, and a
 * read of what the stack transmits (its ARP request for a neighbour).
 * Run as root; otherwise prints "SKIP: ..." and exits 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "nmscript.h"

#define TAP "nmstap0"

/* the interface's received-packets counter from /proc/net/dev (this namespace) */
static long rx_packets(const char *ifname)
{
	char line[512];
	FILE *f = fopen("/proc/net/dev", "r");
	long rx = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *name = line;
		long bytes, pkts;

		if (colon == NULL)
			continue;
		*colon = '\0';
		while (*name == ' ')
			name++;
		if (strcmp(name, ifname) == 0 && sscanf(colon + 1, "%ld %ld", &bytes, &pkts) == 2)
			rx = pkts;
	}
	fclose(f);
	return rx;
}

static int sh(const char *cmd)
{
	int rc = system(cmd);

	return rc == 0 ? 0 : -1;
}

/* a broadcast ARP request from 10.77.0.2 for 10.77.0.1, padded to 60 bytes */
static size_t arp_request(uint8_t *f)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x77, 0x02 };
	size_t n = 0;

	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08, f[13] = 0x06;                       /* ARP */
	n = 14;
	f[n + 1] = 1, f[n + 2] = 0x08, f[n + 4] = 6, f[n + 5] = 4, f[n + 7] = 1;
	memcpy(f + n + 8, mac, 6);
	f[n + 14] = 10, f[n + 15] = 77, f[n + 16] = 0, f[n + 17] = 2;
	f[n + 24] = 10, f[n + 25] = 77, f[n + 26] = 0, f[n + 27] = 1;
	return 60;
}

int main(void)
{
	char name[32] = "";
	uint8_t frame[2048];
	long before;
	int fd, r, got_arp = 0;

	if (geteuid() != 0) {
		printf("SKIP: lib_tap_test needs root (TAP devices, network namespaces)\n");
		return 0;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIP: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 0;
	}
	if (access("/dev/net/tun", R_OK | W_OK) != 0) {
		printf("SKIP: no /dev/net/tun\n");
		return 0;
	}

	/* names: too long is EINVAL before any syscall */
	r = nms_tap_open("a-name-longer-than-ifnamsiz", name, sizeof(name));
	CHECK_EQ(r, -EINVAL);
	CHECK(strstr(nms_last_error(), "limit") != NULL, "message names the limit");

	fd = nms_tap_open(TAP, name, sizeof(name));
	CHECK(fd >= 0, "open " TAP ": %d", fd);
	if (fd < 0)
		return check_summary("lib_tap_test");
	CHECK(strcmp(name, TAP) == 0, "name '%s'", name);

	/* down: the driver refuses the frame */
	r = nms_tap_write(fd, frame, arp_request(frame));
	CHECK_EQ(r, -EIO);

	/* nothing to read yet: a bounded wait, then 0 */
	{
		struct timespec t0, t1;
		long ms;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		r = nms_tap_read(fd, frame, sizeof(frame), 50);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		CHECK(r == 0 || r == -EIO, "read on a down tap: %d", r);
		CHECK(ms < 2000, "read waited %ld ms", ms);
	}

	CHECK(sh("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null 2>&1; "
		 "ip link set " TAP " up && ip addr add 10.77.0.1/24 dev " TAP) == 0,
	      "bring " TAP " up");

	/* up: the frame is received by the interface */
	before = rx_packets(TAP);
	r = nms_tap_write(fd, frame, arp_request(frame));
	CHECK_EQ(r, 60);
	CHECK(rx_packets(TAP) == before + 1, "rx_packets %ld -> %ld", before, rx_packets(TAP));

	/* the stack answers that ARP request (and may send other frames): read until
	 * an ARP reply to our MAC comes, for at most ~2 s */
	for (int i = 0; i < 40 && !got_arp; i++) {
		r = nms_tap_read(fd, frame, sizeof(frame), 50);
		CHECK(r >= 0, "read: %d", r);
		if (r >= 42 && frame[12] == 0x08 && frame[13] == 0x06 && frame[21] == 2 &&
		    frame[5] == 0x02 && frame[4] == 0x77)
			got_arp = 1;
	}
	CHECK(got_arp, "Linux's ARP reply read from the tap");

	/* a closed fd is EBADF, with a sentence */
	CHECK_EQ(nms_fd_close(fd), 0);
	r = nms_tap_write(fd, frame, 60);
	CHECK_EQ(r, -EBADF);
	return check_summary("lib_tap_test");
}
