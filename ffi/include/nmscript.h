/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libnmscript: the C entry points that nmscript's TypeScript calls through
 * Deno.dlopen, and that the C tools (pkt-gen twin, layout) link against.
 *
 * Conventions
 *  - Functions returning int give >= 0 on success and -errno on failure.
 *  - Functions returning a pointer give NULL on failure and store the errno
 *    in *err when err is not NULL.
 *  - nms_last_error() gives a human sentence about the last failure of the
 *    calling thread (may be empty); TypeScript adds it to NetmapError.
 *  - Every call works unchanged on both backends:
 *      kernel: /dev/netmap and real ioctls;
 *      uvale:  the userspace netmap of ffi/uvale (daemon `uvaled` started on
 *              demand, shared memory, data moved in the caller's sync).
 *    The backend is chosen once per process (see nms_backend()).
 */
#ifndef NMSCRIPT_H
#define NMSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "netmap_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NMS_VERSION "0.1.0"

/* ---- backend -------------------------------------------------------------- */
#define NMS_BACKEND_KERNEL 1
#define NMS_BACKEND_UVALE  2

/*
 * The backend of this process: NMSCRIPT_BACKEND=kernel|uvale forces one;
 * otherwise kernel when /dev/netmap exists, else uvale. Returns
 * NMS_BACKEND_* or -errno (-ENODEV when "kernel" is forced and
 * /dev/netmap is missing, -EINVAL for an unknown NMSCRIPT_BACKEND value).
 */
int nms_backend(void);
/* "kernel", "uvale", or "invalid". */
const char *nms_backend_name(void);
const char *nms_version(void);

/*
 * The layout table: a static JSON document with every struct size, field
 * offset/size, constant and ioctl number nmscript uses, named as netmap names
 * them: {"abi":14,"structs":{"nmreq_header":{"size":88,"fields":
 * {"nr_version":{"offset":0,"size":2},...}},...},"constants":{...},
 * "ioctls":{...}}. TypeScript reads offsets only from here.
 */
const char *nms_layout_json(void);

/* ---- errors -------------------------------------------------------------- */
/* "EINVAL" etc.; "E<number>" for unknown values. Never NULL. */
const char *nms_errno_name(int err);
/* The last failure message of the calling thread ("" if none). */
const char *nms_last_error(void);

/* ---- port handles (a /dev/netmap fd or its uvale equivalent) ------------- */
/* A new handle: fd >= 0 or -errno (-ENOENT: no device and no daemon could
 * be started; the message says which). */
int nms_open(void);
int nms_close(int fd);
/*
 * NIOCCTRL. hdr->nr_body and hdr->nr_options are pointers in the caller's
 * memory, exactly as for the kernel. Body and options are written back as the
 * kernel does (option headers always, option bodies only on success).
 */
int nms_ctrl(int fd, struct nma_req_header *hdr);
/* Map the memory of the port registered on fd (size = nr_memsize). */
void *nms_mmap(int fd, uint64_t size, int *err);
int nms_munmap(void *addr, uint64_t size);
int nms_txsync(int fd);
int nms_rxsync(int fd);
/*
 * poll(2) on one port with a finite timeout (ms, >= 0; -1 is refused with
 * -EINVAL so that nothing can hang). events: POLLIN/POLLOUT. Like netmap,
 * the poll syncs the rings it waits for. Returns revents (0 on timeout).
 * Safe to call as a Deno `nonblocking` symbol.
 */
int nms_poll(int fd, int events, int timeout_ms);
/* Duplicate a handle (dup(2) semantics: same binding). */
int nms_dup(int fd);

/* ---- AF_UNIX SOCK_SEQPACKET and SCM_RIGHTS (fd server, fd passing) ------- */
int nms_seqpacket_listen(const char *path, int backlog);
int nms_seqpacket_accept(int lfd, int timeout_ms);
int nms_seqpacket_connect(const char *path, int timeout_ms);
/* Send len bytes with fd attached (fd < 0: no fd). Returns bytes or -errno. */
int nms_send_fd(int sock, const void *buf, size_t len, int fd);
/* Receive up to len bytes; *fd_out gets a passed fd or -1. Bytes or -errno;
 * 0 means the peer closed. timeout_ms >= 0. */
int nms_recv_fd(int sock, void *buf, size_t len, int *fd_out, int timeout_ms);
int nms_fd_close(int fd);

/* ---- timers (src/timer.ts: no JavaScript timer on nmscript's paths) ------- */
/* Sleeps ms (>= 0) milliseconds; 0 or -errno. A Deno `nonblocking` symbol. */
int nms_sleep(int ms);
/* A cancellable alarm (an eventfd): the fd, closed with nms_fd_close, or -errno. */
int nms_alarm_open(void);
/* Waits up to ms (>= 0): 0 when the time ran out, 1 when nms_alarm_cancel()
 * was called (before or during the wait), or -errno. A `nonblocking` symbol. */
int nms_alarm_wait(int fd, int ms);
/* Ends the pending (or the next) nms_alarm_wait() on fd at once. 0 or -errno. */
int nms_alarm_cancel(int fd);
/* Gives the CPU to another runnable thread, if any (sched_yield): a loop that
 * re-syncs a ring while it waits calls it between syncs. 1 when another thread
 * ran meanwhile (the CPU is contended: better sleep than spin), 0 when none
 * wanted the CPU, or -errno. */
int nms_yield(void);

/* ---- VLAN module control (kernel: /dev/vale_vlan; uvale: the daemon) ----- */
/* See kernel/vale_vlan_abi.h for the records. */
int nms_vlan_open(void);
int nms_vlan_ioctl(int vfd, void *vlanreq_header);
int nms_vlan_write(int vfd, const void *records, size_t len);
int nms_vlan_read(int vfd, void *buf, size_t len);
int nms_vlan_close(int vfd);
/* The VLAN switch's sentence for a VV_R_* reason code (never NULL). */
const char *nms_vlan_reason_text(uint32_t reason);

/* ---- TAP devices (pkt-gen's tap:NAME; /dev/net/tun, Linux) --------------- */
/* Attach to or create TAP interface name ("" or NULL: the kernel picks one),
 * raw frames (IFF_TAP | IFF_NO_PI), non-blocking; its name into name_out.
 * Returns the fd (close it with nms_fd_close) or -errno. */
int nms_tap_open(const char *name, char *name_out, size_t name_len);
/* Writes one frame; bytes written, 0 when the queue is full, or -errno
 * (EIO: the interface is down). */
int nms_tap_write(int fd, const void *frame, size_t len);
/* Reads one frame, waiting at most timeout_ms (>= 0); bytes, 0 on timeout,
 * or -errno. */
int nms_tap_read(int fd, void *buf, size_t len, int timeout_ms);

/* ---- uvale daemon -------------------------------------------------------- */
/* Start uvaled if it is not running (no-op on the kernel backend). */
int nms_uvale_start(void);
/* Ask a running uvaled to exit; persistent state is saved first. */
int nms_uvale_stop(void);
/* A JSON status line of the running daemon into buf; bytes or -errno. */
int nms_uvale_status(char *buf, size_t len);
/* The socket path of this user's daemon (for messages and tests). */
const char *nms_uvale_socket_path(void);

#ifdef __cplusplus
}
#endif

#endif /* NMSCRIPT_H */
