/* SPDX-License-Identifier: BSD-2-Clause */
/* Placeholder until uvale lands: every call fails with ENOSYS. */
#include <errno.h>
#include <stddef.h>

#include "../src/backend.h"
#include "nmscript.h"

static int nosys(void) { nms_set_error("uvale backend not built yet"); return -ENOSYS; }
static int u_open(void) { return nosys(); }
static int u_fd(int fd) { (void)fd; return nosys(); }
static int u_ctrl(int fd, struct nma_req_header *h) { (void)fd; (void)h; return nosys(); }
static void *u_mmap(int fd, uint64_t s, int *err) { (void)fd; (void)s; if (err) *err = ENOSYS; return NULL; }
static int u_munmap(void *a, uint64_t s) { (void)a; (void)s; return nosys(); }
static int u_poll(int fd, int e, int t) { (void)fd; (void)e; (void)t; return nosys(); }
static int u_vioctl(int fd, void *h) { (void)fd; (void)h; return nosys(); }
static int u_vwrite(int fd, const void *b, size_t l) { (void)fd; (void)b; (void)l; return nosys(); }
static int u_vread(int fd, void *b, size_t l) { (void)fd; (void)b; (void)l; return nosys(); }

const struct nms_backend_ops nms_uvale_ops = {
	.name = "uvale", .open = u_open, .close = u_fd, .ctrl = u_ctrl, .mmap = u_mmap,
	.munmap = u_munmap, .txsync = u_fd, .rxsync = u_fd, .poll = u_poll, .dup = u_fd,
	.vlan_open = u_open, .vlan_ioctl = u_vioctl, .vlan_write = u_vwrite,
	.vlan_read = u_vread, .vlan_close = u_fd,
};

int nms_uvale_start(void) { return nosys(); }
int nms_uvale_stop(void) { return nosys(); }
int nms_uvale_status(char *buf, size_t len) { (void)buf; (void)len; return nosys(); }
const char *nms_uvale_socket_path(void) { return ""; }
