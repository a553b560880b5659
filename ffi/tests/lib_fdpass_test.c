/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lib_fdpass_test: SOCK_SEQPACKET listen/accept/connect and SCM_RIGHTS fd
 * passing. A descriptor sent by one process is used by another (fork);
 * live paths are refused, stale ones reused; every wait ends with
 * ETIMEDOUT; surplus or truncated descriptors are closed, never leaked.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "nmscript.h"


static char sock_path[108];

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The child connects, receives a pipe's write end and writes through it. */
static void child_uses_fd(void)
{
	char msg[16] = { 0 };
	int fd = -1, s, n;

	s = nms_seqpacket_connect(sock_path, 2000);
	if (s < 0)
		_exit(10);
	n = nms_recv_fd(s, msg, sizeof(msg), &fd, 2000);
	if (n != 5 || strcmp(msg, "pipe") != 0 || fd < 0)
		_exit(11);
	if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC))
		_exit(12);
	if (write(fd, "hello from child", 16) != 16)
		_exit(13);
	nms_fd_close(fd);
	nms_send_fd(s, "done", 5, -1);
	nms_fd_close(s);
	_exit(0);
}

static void test_round_trip_across_fork(void)
{
	int p[2], lfd, c, status = 0, fd = -7;
	char buf[32] = { 0 };
	pid_t pid;

	CHECK(pipe(p) == 0, "pipe");
	lfd = nms_seqpacket_listen(sock_path, 4);
	CHECK(lfd >= 0, "listen: %d %s", lfd, nms_last_error());
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		close(p[1]);
		close(lfd);
		child_uses_fd();
	}
	c = nms_seqpacket_accept(lfd, 2000);
	CHECK(c >= 0, "accept: %d %s", c, nms_last_error());
	CHECK(fcntl(c, F_GETFD) & FD_CLOEXEC, "accepted socket is close-on-exec");
	CHECK(nms_send_fd(c, "pipe", 5, p[1]) == 5, "send with fd: %s", nms_last_error());
	close(p[1]);
	CHECK(read(p[0], buf, sizeof(buf) - 1) == 16 && strcmp(buf, "hello from child") == 0,
	      "the child wrote through the passed fd: '%s'", buf);
	memset(buf, 0, sizeof(buf));
	CHECK(nms_recv_fd(c, buf, sizeof(buf), &fd, 2000) == 5 && fd == -1 &&
	      strcmp(buf, "done") == 0, "plain message, no fd: fd %d '%s'", fd, buf);
	CHECK(nms_recv_fd(c, buf, sizeof(buf), &fd, 2000) == 0, "0 once the peer closed");
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child exit %d",
	      WEXITSTATUS(status));
	close(p[0]);
	nms_fd_close(c);
	nms_fd_close(lfd);
}

static void test_listen_paths(void)
{
	char longpath[200];
	int l1, l2, fd;

	l1 = nms_seqpacket_listen(sock_path, 2);
	CHECK(l1 >= 0, "listen (stale socket file from the previous test): %s",
	      nms_last_error());
	l2 = nms_seqpacket_listen(sock_path, 2);
	CHECK(l2 == -EADDRINUSE, "second listen on a live path -> %d", l2);
	CHECK(strstr(nms_last_error(), "already") && strstr(nms_last_error(), "EADDRINUSE"),
	      "message: %s", nms_last_error());
	nms_fd_close(l1);
	l2 = nms_seqpacket_listen(sock_path, 2);
	CHECK(l2 >= 0, "a stale path (server gone) is taken over: %s", nms_last_error());
	nms_fd_close(l2);
	unlink(sock_path);

	fd = open(sock_path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	close(fd);
	CHECK(nms_seqpacket_listen(sock_path, 2) == -EEXIST, "a regular file is not replaced");
	unlink(sock_path);

	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	CHECK(nms_seqpacket_listen(longpath, 2) == -ENAMETOOLONG, "path too long");
	CHECK(nms_seqpacket_listen("", 2) == -EINVAL && nms_seqpacket_listen(NULL, 2) == -EINVAL,
	      "empty and NULL paths");
	CHECK(nms_seqpacket_listen(sock_path, -1) == -EINVAL, "negative backlog");
}

static void test_timeouts(void)
{
	long long t0;
	int l, c, s, fd, r;
	char b[8];

	CHECK(nms_seqpacket_connect(sock_path, 100) == -ENOENT, "connect to nothing -> %s",
	      nms_last_error());
	l = nms_seqpacket_listen(sock_path, 2);
	t0 = now_ms();
	r = nms_seqpacket_accept(l, 50);
	CHECK(r == -ETIMEDOUT, "accept with nobody -> %d", r);
	CHECK(now_ms() - t0 >= 45 && now_ms() - t0 < 1000, "waited %lld ms", now_ms() - t0);
	CHECK(strstr(nms_last_error(), "ETIMEDOUT"), "message: %s", nms_last_error());

	c = nms_seqpacket_connect(sock_path, 1000);
	s = nms_seqpacket_accept(l, 1000);
	CHECK(c >= 0 && s >= 0, "connected: %d %d", c, s);
	t0 = now_ms();
	r = nms_recv_fd(s, b, sizeof(b), &fd, 50);
	CHECK(r == -ETIMEDOUT && fd == -1, "receive with nothing sent -> %d", r);
	CHECK(now_ms() - t0 >= 45 && now_ms() - t0 < 1000, "waited %lld ms", now_ms() - t0);
	CHECK(nms_recv_fd(s, b, sizeof(b), &fd, -1) == -EINVAL, "negative timeout refused");
	CHECK(nms_seqpacket_accept(l, -5) == -EINVAL, "negative accept timeout refused");
	CHECK(nms_seqpacket_connect(sock_path, -1) == -EINVAL, "negative connect timeout");
	CHECK(nms_send_fd(c, NULL, 3, -1) == -EINVAL, "NULL buffer");
	CHECK(nms_send_fd(c, "x", 1, 9999) == -EBADF, "sending a closed fd -> EBADF");
	nms_fd_close(c);
	nms_fd_close(s);
	nms_fd_close(l);
	CHECK(nms_seqpacket_connect(sock_path, 100) == -ECONNREFUSED, "stale path -> %s",
	      nms_last_error());
	unlink(sock_path);
	CHECK(nms_fd_close(-1) == -EINVAL, "close -1");
}

/* Sends `n` copies of /dev/null in one message, bypassing nms_send_fd. */
static int send_many(int s, int n, const char *data, size_t len)
{
	int fds[16];
	char space[CMSG_SPACE(sizeof(fds))];
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = space,
			    .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n) };
	struct cmsghdr *c;
	int r;

	memset(space, 0, sizeof(space));
	for (int i = 0; i < n; i++)
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
	r = (int)sendmsg(s, &m, 0);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	return r;
}

static void test_surplus_fds(void)
{
	int l = nms_seqpacket_listen(sock_path, 2);
	int c = nms_seqpacket_connect(sock_path, 1000);
	int s = nms_seqpacket_accept(l, 1000);
	int base, fd, r;
	char b[16];

	base = open_fds();
	CHECK(send_many(c, 3, "abc", 3) == 3, "sent 3 fds");
	r = nms_recv_fd(s, b, sizeof(b), &fd, 1000);
	CHECK(r == 3 && fd >= 0, "got the message and one fd: %d %d", r, fd);
	CHECK(open_fds() == base + 1, "the 2 surplus fds were closed (%d open, %d before)",
	      open_fds(), base);
	close(fd);

	CHECK(send_many(c, 12, "abc", 3) == 3, "sent 12 fds");
	r = nms_recv_fd(s, b, sizeof(b), &fd, 1000);
	CHECK(r == -EMSGSIZE && fd == -1, "more fds than room -> %d (%s)", r, nms_last_error());
	CHECK(open_fds() == base, "nothing leaked after MSG_CTRUNC (%d, %d)", open_fds(), base);

	CHECK(send_many(c, 1, "0123456789abcdef0123", 20) == 20, "sent 20 bytes + fd");
	r = nms_recv_fd(s, b, 4, &fd, 1000);
	CHECK(r == -EMSGSIZE && fd == -1, "message longer than buffer -> %d", r);
	CHECK(open_fds() == base, "nothing leaked after MSG_TRUNC");

	CHECK(send_many(c, 1, "x", 1) == 1, "sent 1 fd");
	r = nms_recv_fd(s, b, sizeof(b), NULL, 1000);
	CHECK(r == 1 && open_fds() == base, "an fd nobody asked for is closed");
	nms_fd_close(c);
	nms_fd_close(s);
	nms_fd_close(l);
	unlink(sock_path);
}

int main(void)
{
	int before;

	alarm(60); /* a hang is a failure, not a stuck CI job */
	signal(SIGPIPE, SIG_IGN);
	snprintf(sock_path, sizeof(sock_path), "/tmp/nms-fdpass-test-%d.sock", (int)getpid());
	before = open_fds();
	test_round_trip_across_fork();
	test_listen_paths();
	test_timeouts();
	test_surplus_fds();
	CHECK(open_fds() == before, "no descriptor leaked overall (%d, %d)", open_fds(), before);
	CHECK(access(sock_path, F_OK) != 0, "socket file removed");
	unlink(sock_path);
	return check_summary("lib_fdpass_test");
}
