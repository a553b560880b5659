/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal: the operations table behind nmscript.h. nms_kernel_ops lives in
 * ffi/src/kernel_backend.c, nms_uvale_ops in ffi/uvale/. lib.c picks one per
 * process (nms_backend()) and forwards every public call to it.
 * All functions return -errno on failure, like the public API.
 */
#ifndef NMSCRIPT_BACKEND_H
#define NMSCRIPT_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "netmap_abi.h"

struct nms_backend_ops {
	const char *name;
	int (*open)(void);
	int (*close)(int fd);
	int (*ctrl)(int fd, struct nma_req_header *hdr);
	void *(*mmap)(int fd, uint64_t size, int *err);
	int (*munmap)(void *addr, uint64_t size);
	int (*txsync)(int fd);
	int (*rxsync)(int fd);
	int (*poll)(int fd, int events, int timeout_ms);
	int (*dup)(int fd);
	int (*vlan_open)(void);
	int (*vlan_ioctl)(int vfd, void *vlanreq_header);
	int (*vlan_write)(int vfd, const void *records, size_t len);
	int (*vlan_read)(int vfd, void *buf, size_t len);
	int (*vlan_close)(int vfd);
};

extern const struct nms_backend_ops nms_kernel_ops;
extern const struct nms_backend_ops nms_uvale_ops;

/* Record a sentence for nms_last_error() (thread-local); printf format. */
void nms_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nms_clear_error(void);

#endif /* NMSCRIPT_BACKEND_H */
