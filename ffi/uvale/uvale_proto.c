/* SPDX-License-Identifier: BSD-2-Clause */
/* uvale: request and option body sizes, as netmap's nmreq_size_by_type and
 * nmreq_opt_size_by_type (shared by the library and the daemon). */
#include "uvale.h"

#include <stdarg.h>
#include <stdio.h>

size_t uv_req_body_size(uint16_t reqtype)
{
	switch (reqtype) {
	case NMA_REQ_REGISTER:
		return sizeof(struct nma_req_register);
	case NMA_REQ_PORT_INFO_GET:
		return sizeof(struct nma_req_port_info_get);
	case NMA_REQ_VALE_ATTACH:
		return sizeof(struct nma_req_vale_attach);
	case NMA_REQ_VALE_DETACH:
		return sizeof(struct nma_req_vale_detach);
	case NMA_REQ_VALE_LIST:
		return sizeof(struct nma_req_vale_list);
	case NMA_REQ_PORT_HDR_SET:
	case NMA_REQ_PORT_HDR_GET:
		return sizeof(struct nma_req_port_hdr);
	case NMA_REQ_VALE_NEWIF:
		return sizeof(struct nma_req_vale_newif);
	case NMA_REQ_VALE_POLLING_ENABLE:
	case NMA_REQ_VALE_POLLING_DISABLE:
		return sizeof(struct nma_req_vale_polling);
	case NMA_REQ_POOLS_INFO_GET:
		return sizeof(struct nma_req_pools_info);
	case NMA_REQ_SYNC_KLOOP_START:
		return sizeof(struct nma_req_sync_kloop_start);
	default: /* DELIF, KLOOP_STOP, CSB_ENABLE and unknown types */
		return 0;
	}
}

/* bytes after the 24-byte option header */
size_t uv_opt_body_size(uint32_t type, uint64_t nro_size)
{
	size_t rv = sizeof(struct nma_req_option);

	switch (type) {
	case NMA_REQ_OPT_EXTMEM:
		rv = sizeof(struct nma_req_opt_extmem);
		break;
	case NMA_REQ_OPT_SYNC_KLOOP_EVENTFDS:
		if (nro_size >= rv)
			rv = (size_t)nro_size;
		break;
	case NMA_REQ_OPT_CSB:
		rv = sizeof(struct nma_req_opt_csb);
		break;
	case NMA_REQ_OPT_SYNC_KLOOP_MODE:
		rv = sizeof(struct nma_req_opt_sync_kloop_mode);
		break;
	case NMA_REQ_OPT_OFFSETS:
		rv = sizeof(struct nma_req_opt_offsets);
		break;
	default:
		break;
	}
	return rv - sizeof(struct nma_req_option);
}

/* snprintf that truncates silently (names are cut as the kernel cuts them) */
void uv_strf(char *dst, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, len, fmt, ap);
	va_end(ap);
}
