/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nms_kernel_ops: the real netmap. Ports are /dev/netmap descriptors driven
 * with NIOCCTRL / NIOCTXSYNC / NIOCRXSYNC and mapped with mmap(2); the VLAN
 * module is /dev/vale_vlan. Every failure leaves a sentence for
 * nms_last_error() and returns -errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend.h"
#include "internal.h"
#include "nmscript.h"

#if __has_include("vale_vlan_abi.h")
#include "vale_vlan_abi.h"
#endif

static int open_device(const char *path, const char *module)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int e = errno;

	if (fd >= 0)
		return fd;
	if (e == ENOENT || e == ENODEV || e == ENXIO)
		return nms_fail(e, "cannot open %s: the %s module is not loaded; load it "
				"(modprobe %s) or use NMSCRIPT_BACKEND=uvale", path, module, module);
	if (e == EACCES || e == EPERM)
		return nms_fail(e, "cannot open %s: permission denied; run as root or give "
				"this user read/write access to %s", path, path);
	return nms_fail(e, "cannot open %s", path);
}

static int k_open(void)
{
	return open_device(NMA_DEVICE_NAME, "netmap");
}

static int k_close(int fd)
{
	/* a close interrupted by a signal has still released fd on Linux */
	if (close(fd) < 0 && errno != EINTR)
		return nms_fail(errno, "close(%d)", fd);
	return 0;
}

static int k_ctrl(int fd, struct nma_req_header *hdr)
{
	int e;

	if (ioctl(fd, NMA_NIOCCTRL, hdr) == 0)
		return 0;
	e = errno;
	return nms_fail(e, "NIOCCTRL request %u on port '%.*s' failed",
			(unsigned)hdr->nr_reqtype,
			(int)strnlen(hdr->nr_name, sizeof(hdr->nr_name)), hdr->nr_name);
}

static void *k_mmap(int fd, uint64_t size, int *err)
{
	void *p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int e = errno;

	if (p != MAP_FAILED)
		return p;
	nms_fail(e, "mmap of %llu bytes on fd %d failed (is a port registered on it?)",
		 (unsigned long long)size, fd);
	if (err)
		*err = e;
	return NULL;
}

static int k_munmap(void *addr, uint64_t size)
{
	if (munmap(addr, (size_t)size) == 0)
		return 0;
	return nms_fail(errno, "munmap(%p, %llu)", addr, (unsigned long long)size);
}

static int sync_ioctl(int fd, unsigned long req, const char *name)
{
	int e;

	if (ioctl(fd, req) == 0)
		return 0;
	e = errno;
	if (e == ENXIO)
		return nms_fail(e, "%s on fd %d: no port is registered on this descriptor",
				name, fd);
	return nms_fail(e, "%s on fd %d failed", name, fd);
}

static int k_txsync(int fd)
{
	return sync_ioctl(fd, NMA_NIOCTXSYNC, "NIOCTXSYNC");
}

static int k_rxsync(int fd)
{
	return sync_ioctl(fd, NMA_NIOCRXSYNC, "NIOCRXSYNC");
}

static int k_poll(int fd, int events, int timeout_ms)
{
	int r = nms_wait_fd(fd, (short)events, timeout_ms);

	if (r == -ETIMEDOUT)
		return 0;
	if (r < 0)
		return nms_fail(r, "poll on fd %d failed", fd);
	if (r & POLLNVAL)
		return nms_fail(EBADF, "poll: fd %d is not an open descriptor", fd);
	return r;
}

static int k_dup(int fd)
{
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	if (nfd < 0)
		return nms_fail(errno, "dup of fd %d failed", fd);
	return nfd;
}

#if defined(VV_DEVICE_PATH)
/* the VLAN module: records go in with write(), status and lists come out
 * with read() (kernel/vale_vlan_abi.h) */
static int k_vlan_open(void)
{
	return open_device(VV_DEVICE_PATH, "vale_vlan");
}

static int k_vlan_ioctl(int vfd, void *hdr)
{
#if defined(VV_IOCCTRL)
	if (ioctl(vfd, VV_IOCCTRL, hdr) == 0)
		return 0;
	return nms_fail(errno, "VV_IOCCTRL on %s (fd %d) failed", VV_DEVICE_PATH, vfd);
#else
	(void)vfd;
	(void)hdr;
	return nms_fail(ENOTTY, "the VLAN module has no ioctl: write struct vv_req "
			"records and read struct vv_status instead");
#endif
}

static int k_vlan_write(int vfd, const void *records, size_t len)
{
	ssize_t n = write(vfd, records, len);

	if (n >= 0)
		return (int)n;
	return nms_fail(errno, "write of %zu bytes of VLAN records to %s failed (read "
			"a struct vv_status for the failing record)", len, VV_DEVICE_PATH);
}

static int k_vlan_read(int vfd, void *buf, size_t len)
{
	ssize_t n = read(vfd, buf, len);

	if (n >= 0)
		return (int)n;
	return nms_fail(errno, "read of %zu bytes from %s failed", len, VV_DEVICE_PATH);
}
#else
static int vlan_missing(void)
{
	return nms_fail(ENOSYS, "VLAN control is not built in: kernel/vale_vlan_abi.h "
			"was missing when libnmscript was compiled");
}

static int k_vlan_open(void)
{
	return vlan_missing();
}

static int k_vlan_ioctl(int vfd, void *hdr)
{
	(void)vfd;
	(void)hdr;
	return vlan_missing();
}

static int k_vlan_write(int vfd, const void *records, size_t len)
{
	(void)vfd;
	(void)records;
	(void)len;
	return vlan_missing();
}

static int k_vlan_read(int vfd, void *buf, size_t len)
{
	(void)vfd;
	(void)buf;
	(void)len;
	return vlan_missing();
}
#endif

const struct nms_backend_ops nms_kernel_ops = {
	.name = "kernel",
	.open = k_open,
	.close = k_close,
	.ctrl = k_ctrl,
	.mmap = k_mmap,
	.munmap = k_munmap,
	.txsync = k_txsync,
	.rxsync = k_rxsync,
	.poll = k_poll,
	.dup = k_dup,
	.vlan_open = k_vlan_open,
	.vlan_ioctl = k_vlan_ioctl,
	.vlan_write = k_vlan_write,
	.vlan_read = k_vlan_read,
	.vlan_close = k_close,
};
