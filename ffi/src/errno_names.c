/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nms_errno_name(): the symbolic name of every Linux errno value, so that
 * messages and NetmapError say "EBUSY" rather than 16.
 */
#include <errno.h>
#include <stdio.h>

#include "nmscript.h"

/* One entry per distinct Linux value; aliases (EWOULDBLOCK, EDEADLOCK,
 * ENOTSUP) share a value with the name listed here. */
#define NMS_ERRNO_LIST(N) \
	N(EPERM) N(ENOENT) N(ESRCH) N(EINTR) N(EIO) N(ENXIO) N(E2BIG) \
	N(ENOEXEC) N(EBADF) N(ECHILD) N(EAGAIN) N(ENOMEM) N(EACCES) N(EFAULT) \
	N(ENOTBLK) N(EBUSY) N(EEXIST) N(EXDEV) N(ENODEV) N(ENOTDIR) N(EISDIR) \
	N(EINVAL) N(ENFILE) N(EMFILE) N(ENOTTY) N(ETXTBSY) N(EFBIG) N(ENOSPC) \
	N(ESPIPE) N(EROFS) N(EMLINK) N(EPIPE) N(EDOM) N(ERANGE) N(EDEADLK) \
	N(ENAMETOOLONG) N(ENOLCK) N(ENOSYS) N(ENOTEMPTY) N(ELOOP) N(ENOMSG) \
	N(EIDRM) N(ECHRNG) N(EL2NSYNC) N(EL3HLT) N(EL3RST) N(ELNRNG) \
	N(EUNATCH) N(ENOCSI) N(EL2HLT) N(EBADE) N(EBADR) N(EXFULL) N(ENOANO) \
	N(EBADRQC) N(EBADSLT) N(EBFONT) N(ENOSTR) N(ENODATA) N(ETIME) \
	N(ENOSR) N(ENONET) N(ENOPKG) N(EREMOTE) N(ENOLINK) N(EADV) N(ESRMNT) \
	N(ECOMM) N(EPROTO) N(EMULTIHOP) N(EDOTDOT) N(EBADMSG) N(EOVERFLOW) \
	N(ENOTUNIQ) N(EBADFD) N(EREMCHG) N(ELIBACC) N(ELIBBAD) N(ELIBSCN) \
	N(ELIBMAX) N(ELIBEXEC) N(EILSEQ) N(ERESTART) N(ESTRPIPE) N(EUSERS) \
	N(ENOTSOCK) N(EDESTADDRREQ) N(EMSGSIZE) N(EPROTOTYPE) N(ENOPROTOOPT) \
	N(EPROTONOSUPPORT) N(ESOCKTNOSUPPORT) N(EOPNOTSUPP) N(EPFNOSUPPORT) \
	N(EAFNOSUPPORT) N(EADDRINUSE) N(EADDRNOTAVAIL) N(ENETDOWN) \
	N(ENETUNREACH) N(ENETRESET) N(ECONNABORTED) N(ECONNRESET) N(ENOBUFS) \
	N(EISCONN) N(ENOTCONN) N(ESHUTDOWN) N(ETOOMANYREFS) N(ETIMEDOUT) \
	N(ECONNREFUSED) N(EHOSTDOWN) N(EHOSTUNREACH) N(EALREADY) \
	N(EINPROGRESS) N(ESTALE) N(EUCLEAN) N(ENOTNAM) N(ENAVAIL) N(EISNAM) \
	N(EREMOTEIO) N(EDQUOT) N(ENOMEDIUM) N(EMEDIUMTYPE) N(ECANCELED) \
	N(ENOKEY) N(EKEYEXPIRED) N(EKEYREVOKED) N(EKEYREJECTED) N(EOWNERDEAD) \
	N(ENOTRECOVERABLE) N(ERFKILL) N(EHWPOISON)

#define NMS_ERRNO_ENTRY(e) [e] = #e,
static const char *const errno_names[] = { NMS_ERRNO_LIST(NMS_ERRNO_ENTRY) };

const char *nms_errno_name(int err)
{
	static _Thread_local char unknown[24];
	/* accept both 22 and the -22 that every nms_* call returns */
	long long v = err < 0 ? -(long long)err : err;

	if (v < (long long)(sizeof(errno_names) / sizeof(errno_names[0])) && errno_names[v])
		return errno_names[v];
	snprintf(unknown, sizeof(unknown), "E%lld", v);
	return unknown;
}
