/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public entry points of nmscript.h. The backend is chosen once per
 * process (nms_backend()); every call checks what C can check (NULL
 * pointers, negative fds, negative timeouts) and then forwards to it.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "internal.h"
#include "nmscript.h"
#include "vlan_conf.h"

static pthread_once_t backend_once = PTHREAD_ONCE_INIT;
static int backend_id;            /* NMS_BACKEND_* or -errno */
static char backend_why[256];     /* the sentence for a failed choice */

static void backend_choose(void)
{
	const char *want = getenv("NMSCRIPT_BACKEND");
	int have_dev = access(NMA_DEVICE_NAME, F_OK) == 0;

	if (!want || !*want) {
		backend_id = have_dev ? NMS_BACKEND_KERNEL : NMS_BACKEND_UVALE;
	} else if (strcmp(want, "kernel") == 0) {
		backend_id = have_dev ? NMS_BACKEND_KERNEL : -ENODEV;
		if (!have_dev)
			snprintf(backend_why, sizeof(backend_why),
				 "NMSCRIPT_BACKEND=kernel but %s does not exist: load netmap "
				 "(modprobe netmap) or use NMSCRIPT_BACKEND=uvale (ENODEV)",
				 NMA_DEVICE_NAME);
	} else if (strcmp(want, "uvale") == 0) {
		backend_id = NMS_BACKEND_UVALE;
	} else {
		backend_id = -EINVAL;
		snprintf(backend_why, sizeof(backend_why),
			 "NMSCRIPT_BACKEND=\"%.64s\" is not a backend: use \"kernel\" or "
			 "\"uvale\", or unset it to choose automatically (EINVAL)", want);
	}
}

int nms_backend(void)
{
	pthread_once(&backend_once, backend_choose);
	if (backend_id < 0)
		nms_set_error("%s", backend_why);
	return backend_id;
}

const char *nms_backend_name(void)
{
	switch (nms_backend()) {
	case NMS_BACKEND_KERNEL:
		return "kernel";
	case NMS_BACKEND_UVALE:
		return "uvale";
	default:
		return "invalid";
	}
}

const char *nms_version(void)
{
	return NMS_VERSION;
}

/* The ops of this process, or NULL with the message set (*err = -errno). */
static const struct nms_backend_ops *ops(int *err)
{
	int b = nms_backend();

	if (b == NMS_BACKEND_KERNEL)
		return &nms_kernel_ops;
	if (b == NMS_BACKEND_UVALE)
		return &nms_uvale_ops;
	*err = b;
	return NULL;
}

#define BAD_FD(what, fd) \
	nms_fail(EINVAL, "%s: fd %d is not a valid descriptor (expected >= 0)", what, fd)

/* Forward with an int result; fails early with the backend-choice error. */
#define FORWARD(call)                                       \
	do {                                                \
		int e_ = 0;                                 \
		const struct nms_backend_ops *o_ = ops(&e_); \
		if (!o_)                                    \
			return e_;                          \
		nms_clear_error();                          \
		return o_->call;                            \
	} while (0)

int nms_open(void)
{
	FORWARD(open());
}

int nms_close(int fd)
{
	if (fd < 0)
		return BAD_FD("close", fd);
	FORWARD(close(fd));
}

int nms_ctrl(int fd, struct nma_req_header *hdr)
{
	if (fd < 0)
		return BAD_FD("NIOCCTRL", fd);
	if (!hdr)
		return nms_fail(EINVAL, "NIOCCTRL: the request header pointer is NULL");
	FORWARD(ctrl(fd, hdr));
}

void *nms_mmap(int fd, uint64_t size, int *err)
{
	int e = 0;
	const struct nms_backend_ops *o;

	if (fd < 0)
		e = BAD_FD("mmap", fd);
	else if (size == 0 || size > (uint64_t)SIZE_MAX)
		e = nms_fail(EINVAL, "mmap: size %llu is not a mappable size "
			     "(use nr_memsize of the registered port)",
			     (unsigned long long)size);
	else if ((o = ops(&e)) != NULL) {
		nms_clear_error();
		return o->mmap(fd, size, err);
	}
	if (err)
		*err = -e;
	return NULL;
}

int nms_munmap(void *addr, uint64_t size)
{
	if (!addr || size == 0)
		return nms_fail(EINVAL, "munmap: %s",
				addr ? "size is 0" : "the address is NULL");
	FORWARD(munmap(addr, size));
}

int nms_txsync(int fd)
{
	if (fd < 0)
		return BAD_FD("NIOCTXSYNC", fd);
	FORWARD(txsync(fd));
}

int nms_rxsync(int fd)
{
	if (fd < 0)
		return BAD_FD("NIOCRXSYNC", fd);
	FORWARD(rxsync(fd));
}

int nms_poll(int fd, int events, int timeout_ms)
{
	if (fd < 0)
		return BAD_FD("poll", fd);
	if (timeout_ms < 0)
		return nms_fail(EINVAL, "poll: timeout %d ms is negative; give a finite "
				"timeout >= 0 so that nothing can hang", timeout_ms);
	FORWARD(poll(fd, events, timeout_ms));
}

int nms_dup(int fd)
{
	if (fd < 0)
		return BAD_FD("dup", fd);
	FORWARD(dup(fd));
}

int nms_vlan_open(void)
{
	FORWARD(vlan_open());
}

int nms_vlan_ioctl(int vfd, void *vlanreq_header)
{
	if (vfd < 0)
		return BAD_FD("vlan ioctl", vfd);
	if (!vlanreq_header)
		return nms_fail(EINVAL, "vlan ioctl: the request header pointer is NULL");
	FORWARD(vlan_ioctl(vfd, vlanreq_header));
}

int nms_vlan_write(int vfd, const void *records, size_t len)
{
	if (vfd < 0)
		return BAD_FD("vlan write", vfd);
	if (!records && len)
		return nms_fail(EINVAL, "vlan write: %zu bytes from a NULL pointer", len);
	if (len > INT_MAX)
		return nms_fail(EINVAL, "vlan write: %zu bytes is too long", len);
	FORWARD(vlan_write(vfd, records, len));
}

int nms_vlan_read(int vfd, void *buf, size_t len)
{
	if (vfd < 0)
		return BAD_FD("vlan read", vfd);
	if (!buf && len)
		return nms_fail(EINVAL, "vlan read: %zu bytes into a NULL pointer", len);
	if (len > INT_MAX)
		len = INT_MAX;
	FORWARD(vlan_read(vfd, buf, len));
}

int nms_vlan_close(int vfd)
{
	if (vfd < 0)
		return BAD_FD("vlan close", vfd);
	FORWARD(vlan_close(vfd));
}

const char *nms_vlan_reason_text(uint32_t reason)
{
	return vv_reason_text(reason);
}
