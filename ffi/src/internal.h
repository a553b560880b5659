/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal helpers shared by the files of ffi/src (not part of the ABI that
 * TypeScript sees, and not needed by backends).
 */
#ifndef NMSCRIPT_INTERNAL_H
#define NMSCRIPT_INTERNAL_H

/*
 * Records "<sentence> (ENAME)" for nms_last_error() and returns -err
 * (err may be given as errno or -errno).
 */
int nms_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Waits until fd reports one of events (POLLIN/POLLOUT...) or timeout_ms
 * (>= 0) passes; EINTR restarts the wait with the time left. Returns the
 * revents (> 0), -ETIMEDOUT, or -errno. Sets no message.
 */
int nms_wait_fd(int fd, short events, int timeout_ms);

#endif /* NMSCRIPT_INTERNAL_H */
