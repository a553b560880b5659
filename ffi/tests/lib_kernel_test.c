/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lib_kernel_test: the kernel backend's error paths, run where no netmap
 * device exists (its success paths run in the QEMU guest). Every failure
 * must come back as -errno with a sentence, never as a crash or a hang.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "check.h"
#include "nmscript.h"


static const struct nms_backend_ops *k = &nms_kernel_ops;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_no_device(void)
{
	int r;

	if (access("/dev/netmap", F_OK) == 0) {
		printf("# SKIP no-device checks: /dev/netmap exists here\n");
		return;
	}
	r = k->open();
	CHECK(r == -ENOENT, "open without /dev/netmap -> %d", r);
	CHECK(strstr(nms_last_error(), "/dev/netmap") && strstr(nms_last_error(), "modprobe") &&
	      strstr(nms_last_error(), "NMSCRIPT_BACKEND=uvale") &&
	      strstr(nms_last_error(), "ENOENT"), "message: %s", nms_last_error());
	if (access("/dev/vale_vlan", F_OK) != 0) {
		r = k->vlan_open();
		CHECK(r == -ENOENT || r == -ENOSYS, "vlan open without the module -> %d", r);
		CHECK(strlen(nms_last_error()) > 20, "message: %s", nms_last_error());
	}
}

/* A descriptor that is not netmap's: every netmap operation must say so. */
static void test_wrong_descriptor(void)
{
	struct nma_req_header h;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	int p[2], err = 0, d, r;
	long long t0;

	memset(&h, 0, sizeof(h));
	h.nr_version = NMA_API;
	h.nr_reqtype = NMA_REQ_REGISTER;
	snprintf(h.nr_name, sizeof(h.nr_name), "vale0:x");
	r = k->ctrl(fd, &h);
	CHECK(r == -ENOTTY, "NIOCCTRL on /dev/null -> %d", r);
	CHECK(strstr(nms_last_error(), "vale0:x") && strstr(nms_last_error(), "ENOTTY"),
	      "message names the port and errno: %s", nms_last_error());
	memset(h.nr_name, 'a', sizeof(h.nr_name)); /* not NUL-terminated */
	r = k->ctrl(fd, &h);
	CHECK(r == -ENOTTY && strlen(nms_last_error()) < 200, "unterminated name is bounded");
	CHECK(k->txsync(fd) == -ENOTTY && k->rxsync(fd) == -ENOTTY, "sync on /dev/null");
	CHECK(strstr(nms_last_error(), "NIOCRXSYNC"), "message: %s", nms_last_error());
	CHECK(k->ctrl(9999, &h) == -EBADF, "NIOCCTRL on a closed fd");

	CHECK(pipe(p) == 0, "pipe");
	CHECK(k->mmap(fd, 4096, &err) == NULL && err == ENODEV, "mmap of /dev/null: err %d", err);
	CHECK(strstr(nms_last_error(), "mmap"), "message: %s", nms_last_error());
	t0 = now_ms();
	r = k->poll(p[0], POLLIN, 60);
	CHECK(r == 0, "poll timeout -> 0, got %d", r);
	CHECK(now_ms() - t0 >= 55 && now_ms() - t0 < 1000, "waited %lld ms", now_ms() - t0);
	CHECK(write(p[1], "x", 1) == 1, "write");
	r = k->poll(p[0], POLLIN, 1000);
	CHECK(r & POLLIN, "poll readable -> %d", r);
	r = k->poll(9999, POLLIN, 10);
	CHECK(r == -EBADF, "poll on a closed fd -> %d", r);

	d = k->dup(p[0]);
	CHECK(d >= 0 && (fcntl(d, F_GETFD) & FD_CLOEXEC), "dup is close-on-exec");
	CHECK(k->close(d) == 0, "close the dup");
	CHECK(k->close(d) == -EBADF, "second close -> EBADF");
	CHECK(k->dup(9999) == -EBADF, "dup of a closed fd");
	CHECK(k->munmap((void *)4096, 0) == -EINVAL, "munmap of 0 bytes");
	close(p[0]);
	close(p[1]);
	close(fd);
}

int main(void)
{
	alarm(30); /* a hang is a failure, not a stuck CI job */
	test_no_device();
	test_wrong_descriptor();
	return check_summary("lib_kernel_test");
}
