/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AF_UNIX SOCK_SEQPACKET sockets and SCM_RIGHTS: what the fd server and its
 * clients need. Every wait is bounded (poll with a timeout), every received
 * descriptor is close-on-exec, and descriptors nobody asked for are closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "internal.h"
#include "nmscript.h"

/* how long nms_send_fd waits for room in the peer's queue */
#define SEND_TIMEOUT_MS 5000
/* room for this many descriptors in one message; more are refused */
#define MAX_RX_FDS 8

static int make_addr(const char *path, struct sockaddr_un *sa, const char *op)
{
	size_t n;

	if (!path || !*path)
		return nms_fail(EINVAL, "%s: the socket path is empty", op);
	n = strlen(path);
	memset(sa, 0, sizeof(*sa));
	if (n >= sizeof(sa->sun_path))
		return nms_fail(ENAMETOOLONG, "%s: socket path '%s' is %zu bytes; the limit "
				"is %zu", op, path, n, sizeof(sa->sun_path) - 1);
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, n + 1);
	return 0;
}

/* 1: a server accepts connections on path; 0: nobody does. */
static int path_is_live(const struct sockaddr_un *sa)
{
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int live;

	if (s < 0)
		return 0;
	/* a full backlog (EAGAIN) still means somebody is listening */
	live = connect(s, (const struct sockaddr *)sa, sizeof(*sa)) == 0 || errno == EAGAIN;
	close(s);
	return live;
}

int nms_seqpacket_listen(const char *path, int backlog)
{
	struct sockaddr_un sa;
	struct stat st;
	int r = make_addr(path, &sa, "listen");
	int s, e;

	if (r < 0)
		return r;
	if (backlog < 0)
		return nms_fail(EINVAL, "listen on %s: backlog %d is negative", path, backlog);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return nms_fail(EEXIST, "listen on %s: the path exists and is not a "
					"socket; remove it or choose another path", path);
		if (path_is_live(&sa))
			return nms_fail(EADDRINUSE, "listen on %s: a server is already "
					"listening there; stop it first", path);
		if (unlink(path) < 0 && errno != ENOENT)
			return nms_fail(errno, "listen on %s: cannot remove the stale socket",
					path);
	}
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return nms_fail(errno, "listen on %s: socket()", path);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno;
		close(s);
		return nms_fail(e, "listen on %s: bind()", path);
	}
	if (listen(s, backlog) < 0) {
		e = errno;
		close(s);
		unlink(path);
		return nms_fail(e, "listen on %s: listen()", path);
	}
	return s;
}

int nms_seqpacket_accept(int lfd, int timeout_ms)
{
	int r, c;

	if (lfd < 0 || timeout_ms < 0)
		return nms_fail(EINVAL, "accept: %s", lfd < 0 ? "negative listening fd" :
				"negative timeout (give a finite timeout >= 0)");
	r = nms_wait_fd(lfd, POLLIN, timeout_ms);
	if (r == -ETIMEDOUT)
		return nms_fail(ETIMEDOUT, "accept on fd %d: no connection within %d ms",
				lfd, timeout_ms);
	if (r < 0)
		return nms_fail(r, "accept on fd %d: poll()", lfd);
	if (r & POLLNVAL)
		return nms_fail(EBADF, "accept: fd %d is not open", lfd);
	c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return nms_fail(errno, "accept on fd %d", lfd);
	return c;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int nms_seqpacket_connect(const char *path, int timeout_ms)
{
	struct sockaddr_un sa;
	long long deadline = now_ms() + timeout_ms;
	int r = make_addr(path, &sa, "connect");
	int s, e;

	if (r < 0)
		return r;
	if (timeout_ms < 0)
		return nms_fail(EINVAL, "connect to %s: negative timeout (give a finite "
				"timeout >= 0)", path);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return nms_fail(errno, "connect to %s: socket()", path);
	/* AF_UNIX connects at once or, with a full backlog, says EAGAIN: retry */
	while (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno;
		if (e == EINTR)
			continue;
		if (e == EAGAIN && now_ms() < deadline) {
			poll(NULL, 0, 5);
			continue;
		}
		close(s);
		if (e == EAGAIN)
			return nms_fail(ETIMEDOUT, "connect to %s: the server did not accept "
					"within %d ms", path, timeout_ms);
		if (e == ENOENT || e == ECONNREFUSED)
			return nms_fail(e, "connect to %s: no server is listening there "
					"(start it first)", path);
		return nms_fail(e, "connect to %s", path);
	}
	/* back to blocking; every later wait goes through poll with a timeout */
	if (fcntl(s, F_SETFL, 0) < 0) {
		e = errno;
		close(s);
		return nms_fail(e, "connect to %s: fcntl()", path);
	}
	return s;
}

int nms_send_fd(int sock, const void *buf, size_t len, int fd)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;
	int r;

	if (sock < 0)
		return nms_fail(EINVAL, "send: negative socket fd %d", sock);
	if (!buf && len)
		return nms_fail(EINVAL, "send: %zu bytes from a NULL pointer", len);
	if (len > INT_MAX)
		return nms_fail(EMSGSIZE, "send: %zu bytes is too long", len);
	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.space;
		m.msg_controllen = sizeof(ctl.space);
		ctl.h.cmsg_level = SOL_SOCKET;
		ctl.h.cmsg_type = SCM_RIGHTS;
		ctl.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&ctl.h), &fd, sizeof(int));
	}
	r = nms_wait_fd(sock, POLLOUT, SEND_TIMEOUT_MS);
	if (r == -ETIMEDOUT)
		return nms_fail(ETIMEDOUT, "send on fd %d: the peer has not read for %d ms",
				sock, SEND_TIMEOUT_MS);
	if (r < 0)
		return nms_fail(r, "send on fd %d: poll()", sock);
	if (r & POLLNVAL)
		return nms_fail(EBADF, "send: fd %d is not open", sock);
	do
		n = sendmsg(sock, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EBADF && fd >= 0)
			return nms_fail(EBADF, "send on fd %d: socket or passed fd %d is not "
					"open", sock, fd);
		return nms_fail(errno, "send on fd %d", sock);
	}
	return (int)n;
}

/* Keeps the first SCM_RIGHTS descriptor in *keep, closes every other one. */
static void take_fds(struct msghdr *m, int *keep)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		size_t nfd;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < nfd; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*keep < 0)
				*keep = fd;
			else
				close(fd);
		}
	}
}

int nms_recv_fd(int sock, void *buf, size_t len, int *fd_out, int timeout_ms)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int) * MAX_RX_FDS)];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;
	int r, got = -1;

	if (fd_out)
		*fd_out = -1;
	if (sock < 0)
		return nms_fail(EINVAL, "receive: negative socket fd %d", sock);
	if (!buf && len)
		return nms_fail(EINVAL, "receive: %zu bytes into a NULL pointer", len);
	if (timeout_ms < 0)
		return nms_fail(EINVAL, "receive on fd %d: negative timeout (give a finite "
				"timeout >= 0)", sock);
	if (len > INT_MAX)
		len = INT_MAX;
	iov.iov_len = len;
	r = nms_wait_fd(sock, POLLIN, timeout_ms);
	if (r == -ETIMEDOUT)
		return nms_fail(ETIMEDOUT, "receive on fd %d: nothing arrived within %d ms",
				sock, timeout_ms);
	if (r < 0)
		return nms_fail(r, "receive on fd %d: poll()", sock);
	if (r & POLLNVAL)
		return nms_fail(EBADF, "receive: fd %d is not open", sock);
	memset(&ctl, 0, sizeof(ctl));
	m.msg_control = ctl.space;
	m.msg_controllen = sizeof(ctl.space);
	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return nms_fail(errno, "receive on fd %d", sock);
	take_fds(&m, &got);
	if (m.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) {
		if (got >= 0)
			close(got);
		if (m.msg_flags & MSG_CTRUNC)
			return nms_fail(EMSGSIZE, "receive on fd %d: the peer passed more than "
					"%d descriptors; all were closed", sock, MAX_RX_FDS);
		return nms_fail(EMSGSIZE, "receive on fd %d: the message is longer than the "
				"%zu-byte buffer", sock, len);
	}
	if (fd_out)
		*fd_out = got;
	else if (got >= 0)
		close(got);
	return (int)n;
}

int nms_fd_close(int fd)
{
	if (fd < 0)
		return nms_fail(EINVAL, "close: negative fd %d", fd);
	if (close(fd) < 0 && errno != EINTR)
		return nms_fail(errno, "close(%d)", fd);
	return 0;
}
