/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lib_backend_test: errno names, the per-thread error message, the choice
 * of backend from NMSCRIPT_BACKEND (each case in a fresh child process,
 * since the choice is made once per process) and the argument checks that
 * every public entry point makes before reaching a backend.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "check.h"
#include "nmscript.h"


static void test_errno_names(void)
{
	static const struct {
		int e;
		const char *name;
	} known[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINVAL, "EINVAL" },
		{ EBUSY, "EBUSY" }, { ENXIO, "ENXIO" }, { EAGAIN, "EAGAIN" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EMSGSIZE, "EMSGSIZE" }, { ENOTTY, "ENOTTY" },
		{ ETIMEDOUT, "ETIMEDOUT" }, { EADDRINUSE, "EADDRINUSE" }, { EDEADLK, "EDEADLK" },
		{ ENOMEM, "ENOMEM" }, { EEXIST, "EEXIST" }, { EACCES, "EACCES" },
		{ EHWPOISON, "EHWPOISON" }, { ERFKILL, "ERFKILL" }, { EPROTO, "EPROTO" },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		CHECK(strcmp(nms_errno_name(known[i].e), known[i].name) == 0, "%d -> %s",
		      known[i].e, nms_errno_name(known[i].e));
		CHECK(strcmp(nms_errno_name(-known[i].e), known[i].name) == 0, "-%d -> %s",
		      known[i].e, nms_errno_name(-known[i].e));
	}
	/* every Linux value 1..133 has a symbolic name except the two holes */
	for (int e = 1; e <= 133; e++) {
		const char *n = nms_errno_name(e);
		char num[16];
		int unnamed;

		snprintf(num, sizeof(num), "E%d", e);
		unnamed = strcmp(n, num) == 0;

		CHECK(unnamed == (e == 41 || e == 58), "errno %d is named %s", e, n);
	}
	CHECK(strcmp(nms_errno_name(999), "E999") == 0, "unknown -> %s", nms_errno_name(999));
	CHECK(strcmp(nms_errno_name(0), "E0") == 0, "0 -> %s", nms_errno_name(0));
	CHECK(nms_errno_name(-2147483647 - 1) != NULL, "INT_MIN does not crash");
}

static void *other_thread(void *arg)
{
	char *out = arg;

	snprintf(out, 64, "%s", nms_last_error());
	nms_set_error("from the other thread");
	return NULL;
}

static void test_thread_local_error(void)
{
	char seen[64] = "unset";
	pthread_t t;

	nms_set_error("main says %d", 42);
	CHECK(pthread_create(&t, NULL, other_thread, seen) == 0, "pthread_create");
	pthread_join(t, NULL);
	CHECK(strcmp(seen, "") == 0, "a new thread starts with no message, saw '%s'", seen);
	CHECK(strcmp(nms_last_error(), "main says 42") == 0, "main kept '%s'", nms_last_error());
	nms_clear_error();
	CHECK(strcmp(nms_last_error(), "") == 0, "cleared");
}

struct choice {
	int backend, open_ret;
	char name[16], msg[256];
};

/* nms_backend() & co. in a child with NMSCRIPT_BACKEND=value (NULL: unset) */
static int run_choice(const char *value, struct choice *c)
{
	int p[2], status = 0;
	pid_t pid;
	ssize_t n;

	memset(c, 0, sizeof(*c));
	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct choice r = { 0 };

		close(p[0]);
		if (value)
			setenv("NMSCRIPT_BACKEND", value, 1);
		else
			unsetenv("NMSCRIPT_BACKEND");
		r.backend = nms_backend();
		snprintf(r.msg, sizeof(r.msg), "%s", nms_last_error());
		snprintf(r.name, sizeof(r.name), "%s", nms_backend_name());
		r.open_ret = r.backend < 0 ? nms_open() : 0;
		_exit(write(p[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(p[1]);
	n = read(p[0], c, sizeof(*c));
	close(p[0]);
	waitpid(pid, &status, 0);
	return n == sizeof(*c) && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void test_backend_choice(void)
{
	int have_dev = access("/dev/netmap", F_OK) == 0;
	struct choice c;

	CHECK(run_choice("bogus", &c) == 0, "child ran");
	CHECK(c.backend == -EINVAL, "bogus -> %d", c.backend);
	CHECK(strcmp(c.name, "invalid") == 0, "name %s", c.name);
	CHECK(strstr(c.msg, "bogus") && strstr(c.msg, "uvale") && strstr(c.msg, "EINVAL"),
	      "message: %s", c.msg);
	CHECK(c.open_ret == -EINVAL, "nms_open with a bad backend -> %d", c.open_ret);

	CHECK(run_choice("uvale", &c) == 0, "child ran");
	CHECK(c.backend == NMS_BACKEND_UVALE && strcmp(c.name, "uvale") == 0, "uvale -> %d %s",
	      c.backend, c.name);

	CHECK(run_choice("kernel", &c) == 0, "child ran");
	if (have_dev) {
		CHECK(c.backend == NMS_BACKEND_KERNEL, "kernel -> %d", c.backend);
	} else {
		CHECK(c.backend == -ENODEV, "kernel without /dev/netmap -> %d", c.backend);
		CHECK(strstr(c.msg, "/dev/netmap") && strstr(c.msg, "NMSCRIPT_BACKEND=uvale") &&
		      strstr(c.msg, "ENODEV"), "message: %s", c.msg);
		CHECK(c.open_ret == -ENODEV, "nms_open -> %d", c.open_ret);
	}

	CHECK(run_choice(NULL, &c) == 0, "child ran");
	CHECK(c.backend == (have_dev ? NMS_BACKEND_KERNEL : NMS_BACKEND_UVALE),
	      "automatic -> %d", c.backend);
	CHECK(run_choice("", &c) == 0, "child ran");
	CHECK(c.backend == (have_dev ? NMS_BACKEND_KERNEL : NMS_BACKEND_UVALE),
	      "empty value is automatic -> %d", c.backend);
}

/* Checks made before any backend is reached: same on every backend. */
static void test_argument_checks(void)
{
	struct nma_req_header h;
	int err = 0;
	char b[4];

	memset(&h, 0, sizeof(h));
	CHECK(nms_ctrl(-1, &h) == -EINVAL, "ctrl on fd -1");
	CHECK(strstr(nms_last_error(), "-1") && strstr(nms_last_error(), "EINVAL"),
	      "message: %s", nms_last_error());
	CHECK(nms_ctrl(0, NULL) == -EINVAL, "ctrl with NULL header");
	CHECK(strstr(nms_last_error(), "NULL"), "message: %s", nms_last_error());
	CHECK(nms_close(-3) == -EINVAL, "close -3");
	CHECK(nms_txsync(-1) == -EINVAL && nms_rxsync(-1) == -EINVAL, "sync on -1");
	CHECK(nms_dup(-1) == -EINVAL, "dup -1");
	CHECK(nms_poll(0, POLLIN, -1) == -EINVAL, "poll with timeout -1");
	CHECK(strstr(nms_last_error(), "timeout"), "message: %s", nms_last_error());
	CHECK(nms_poll(-1, POLLIN, 0) == -EINVAL, "poll on -1");
	CHECK(nms_mmap(-1, 4096, &err) == NULL && err == EINVAL, "mmap on -1: err %d", err);
	err = 0;
	CHECK(nms_mmap(0, 0, &err) == NULL && err == EINVAL, "mmap of 0 bytes: err %d", err);
	CHECK(nms_mmap(0, 0, NULL) == NULL, "mmap with NULL err pointer");
	CHECK(nms_munmap(NULL, 4096) == -EINVAL, "munmap NULL");
	CHECK(nms_munmap(b, 0) == -EINVAL, "munmap 0 bytes");
	CHECK(nms_vlan_ioctl(-1, b) == -EINVAL && nms_vlan_ioctl(0, NULL) == -EINVAL, "vlan ioctl");
	CHECK(nms_vlan_write(0, NULL, 4) == -EINVAL && nms_vlan_read(0, NULL, 4) == -EINVAL,
	      "vlan NULL buffers");
	CHECK(nms_vlan_write(-1, b, 4) == -EINVAL && nms_vlan_close(-1) == -EINVAL, "vlan fd -1");
	CHECK(strcmp(nms_version(), NMS_VERSION) == 0, "version %s", nms_version());
}

int main(void)
{
	alarm(60); /* a hang is a failure, not a stuck CI job */
	test_errno_names();
	test_thread_local_error();
	test_backend_choice();
	test_argument_checks();
	return check_summary("lib_backend_test");
}
