/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nmscript's own declarations of the netmap user/kernel ABI, API version 14.
 *
 * Written for nmscript from the published ABI facts (field order, types,
 * constants, ioctl numbers). It is checked against netmap's real headers by
 * `make layout-check NETMAP_SRC=...` (ffi/tools/layout_check.c) and by the
 * struct-size asserts at the bottom of this file.
 *
 * Every name carries an `nm_abi_` / `NMA_` prefix so that this header can be
 * included next to netmap's own headers without clashes.
 */
#ifndef NMSCRIPT_NETMAP_ABI_H
#define NMSCRIPT_NETMAP_ABI_H

#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/types.h>

/* ---- versions and sizes ------------------------------------------------ */
#define NMA_API              14
#define NMA_MIN_API          14
#define NMA_MAX_API          15
#define NMA_REQ_IFNAMSIZ     64
#define NMA_IFNAMSIZ         16 /* ni_name and the legacy nr_name */
#define NMA_CACHE_ALIGN      128
#define NMA_REQ_MAXSIZE      4096
#define NMA_BDG_NAME         "vale"
#define NMA_DEVICE_NAME      "/dev/netmap"

/* ---- request types (nmreq_header.nr_reqtype) ----------------------------- */
enum nma_reqtype {
	NMA_REQ_REGISTER = 1,
	NMA_REQ_PORT_INFO_GET = 2,
	NMA_REQ_VALE_ATTACH = 3,
	NMA_REQ_VALE_DETACH = 4,
	NMA_REQ_VALE_LIST = 5,
	NMA_REQ_PORT_HDR_SET = 6,
	NMA_REQ_PORT_HDR_GET = 7,
	NMA_REQ_VALE_NEWIF = 8,
	NMA_REQ_VALE_DELIF = 9,
	NMA_REQ_VALE_POLLING_ENABLE = 10,
	NMA_REQ_VALE_POLLING_DISABLE = 11,
	NMA_REQ_POOLS_INFO_GET = 12,
	NMA_REQ_SYNC_KLOOP_START = 13,
	NMA_REQ_SYNC_KLOOP_STOP = 14,
	NMA_REQ_CSB_ENABLE = 15,
};

/* ---- option types (nmreq_option.nro_reqtype) ----------------------------- */
enum nma_opttype {
	NMA_REQ_OPT_EXTMEM = 1,
	NMA_REQ_OPT_SYNC_KLOOP_EVENTFDS = 2,
	NMA_REQ_OPT_CSB = 3,
	NMA_REQ_OPT_SYNC_KLOOP_MODE = 4,
	NMA_REQ_OPT_OFFSETS = 5,
	NMA_REQ_OPT_MAX = 6,
};

/* ---- registration modes (nmreq_register.nr_mode) ------------------------- */
enum nma_reg_mode {
	NMA_REG_DEFAULT = 0,
	NMA_REG_ALL_NIC = 1,
	NMA_REG_SW = 2,
	NMA_REG_NIC_SW = 3,
	NMA_REG_ONE_NIC = 4,
	NMA_REG_PIPE_MASTER = 5,
	NMA_REG_PIPE_SLAVE = 6,
	NMA_REG_NULL = 7,
	NMA_REG_ONE_SW = 8,
};

/* ---- registration flags (nmreq_register.nr_flags) ------------------------ */
#define NMA_MONITOR_TX       0x100ULL
#define NMA_MONITOR_RX       0x200ULL
#define NMA_ZCOPY_MON        0x400ULL
#define NMA_EXCLUSIVE        0x800ULL
#define NMA_RX_RINGS_ONLY    0x2000ULL
#define NMA_TX_RINGS_ONLY    0x4000ULL
#define NMA_ACCEPT_VNET_HDR  0x8000ULL
#define NMA_DO_RX_POLL       0x10000ULL
#define NMA_NO_TX_POLL       0x20000ULL

/* legacy nr_ringid bits, still used by the ring-id limit */
#define NMA_RING_MASK        0x0fff
#define NMA_HW_RING          0x4000
#define NMA_SW_RING          0x2000
#define NMA_NO_TX_POLL_RID   0x1000
#define NMA_DO_RX_POLL_RID   0x8000
#define NMA_REG_MASK         0xf

/* ---- slot and ring flags ------------------------------------------------- */
#define NMA_NS_BUF_CHANGED   0x0001
#define NMA_NS_REPORT        0x0002
#define NMA_NS_FORWARD       0x0004
#define NMA_NS_NO_LEARN      0x0008
#define NMA_NS_INDIRECT      0x0010
#define NMA_NS_MOREFRAG      0x0020
#define NMA_NS_TXMON         0x0040
#define NMA_NS_PORT_SHIFT    8
#define NMA_NS_PORT_MASK     (0xff << NMA_NS_PORT_SHIFT)
#define NMA_MAX_FRAGS        64

#define NMA_NR_TIMESTAMP     0x0002
#define NMA_NR_FORWARD       0x0004

#define NMA_NI_PRIV_MEM      0x1

/* ---- polling modes ------------------------------------------------------- */
#define NMA_POLLING_MODE_SINGLE_CPU 1
#define NMA_POLLING_MODE_MULTI_CPU  2

#define NMA_OPT_SYNC_KLOOP_DIRECT_TX 1
#define NMA_OPT_SYNC_KLOOP_DIRECT_RX 2

/* ---- VALE limits visible through the ABI --------------------------------- */
#define NMA_BRIDGES          8
#define NMA_BDG_MAXPORTS     254
#define NMA_BDG_MAXRINGS     16
#define NMA_BDG_MAXSLOTS     4096
#define NMA_BRIDGE_RINGSIZE  1024
#define NMA_BDG_BROADCAST    254
#define NMA_BDG_NOPORT       255
#define NMA_BDG_MFS_DEFAULT  1514
#define NMA_BDG_BATCH        1024

/* ---- control requests ---------------------------------------------------- */
struct nma_req_header {
	uint16_t nr_version;
	uint16_t nr_reqtype;
	uint32_t nr_reserved;
	char     nr_name[NMA_REQ_IFNAMSIZ];
	uint64_t nr_options; /* user pointer to the first nma_req_option */
	uint64_t nr_body;    /* user pointer to the request body */
};

struct nma_req_option {
	uint64_t nro_next;
	uint32_t nro_reqtype;
	uint32_t nro_status;
	uint64_t nro_size;
};

struct nma_req_register {
	uint64_t nr_offset;
	uint64_t nr_memsize;
	uint32_t nr_tx_slots;
	uint32_t nr_rx_slots;
	uint16_t nr_tx_rings;
	uint16_t nr_rx_rings;
	uint16_t nr_host_tx_rings;
	uint16_t nr_host_rx_rings;
	uint16_t nr_mem_id;
	uint16_t nr_ringid;
	uint32_t nr_mode;
	uint32_t nr_extra_bufs;
	uint64_t nr_flags;
};

struct nma_req_port_info_get {
	uint64_t nr_memsize;
	uint32_t nr_tx_slots;
	uint32_t nr_rx_slots;
	uint16_t nr_tx_rings;
	uint16_t nr_rx_rings;
	uint16_t nr_host_tx_rings;
	uint16_t nr_host_rx_rings;
	uint16_t nr_mem_id;
	uint16_t pad[3];
};

struct nma_req_vale_attach {
	struct nma_req_register reg;
	uint32_t port_index;
	uint32_t pad1;
};

struct nma_req_vale_detach {
	uint32_t port_index;
	uint32_t pad1;
};

struct nma_req_vale_list {
	uint16_t nr_bridge_idx;
	uint16_t pad1;
	uint32_t nr_port_idx;
};

struct nma_req_port_hdr {
	uint32_t nr_hdr_len;
	uint32_t pad1;
};

struct nma_req_vale_newif {
	uint32_t nr_tx_slots;
	uint32_t nr_rx_slots;
	uint16_t nr_tx_rings;
	uint16_t nr_rx_rings;
	uint16_t nr_mem_id;
	uint16_t pad1;
};

struct nma_req_vale_polling {
	uint32_t nr_mode;
	uint32_t nr_first_cpu_id;
	uint32_t nr_num_polling_cpus;
	uint32_t pad1;
};

struct nma_req_pools_info {
	uint64_t nr_memsize;
	uint16_t nr_mem_id;
	uint16_t pad1[3];
	uint64_t nr_if_pool_offset;
	uint32_t nr_if_pool_objtotal;
	uint32_t nr_if_pool_objsize;
	uint64_t nr_ring_pool_offset;
	uint32_t nr_ring_pool_objtotal;
	uint32_t nr_ring_pool_objsize;
	uint64_t nr_buf_pool_offset;
	uint32_t nr_buf_pool_objtotal;
	uint32_t nr_buf_pool_objsize;
};

struct nma_req_sync_kloop_start {
	uint32_t sleep_us;
	uint32_t pad1;
};

struct nma_csb_atok {
	uint32_t head;
	uint32_t cur;
	uint32_t appl_need_kick;
	uint32_t sync_flags;
	uint32_t pad[12];
};

struct nma_csb_ktoa {
	uint32_t hwcur;
	uint32_t hwtail;
	uint32_t kern_need_kick;
	uint32_t pad[13];
};

struct nma_req_opt_extmem {
	struct nma_req_option nro_opt;
	uint64_t nro_usrptr;
	struct nma_req_pools_info nro_info;
};

struct nma_req_opt_csb {
	struct nma_req_option nro_opt;
	uint64_t csb_atok;
	uint64_t csb_ktoa;
};

struct nma_req_opt_sync_kloop_mode {
	struct nma_req_option nro_opt;
	uint32_t mode;
};

struct nma_eventfd_pair {
	int32_t ioeventfd;
	int32_t irqfd;
};

struct nma_req_opt_sync_kloop_eventfds {
	struct nma_req_option nro_opt;
	struct nma_eventfd_pair eventfds[];
};

struct nma_req_opt_offsets {
	struct nma_req_option nro_opt;
	uint64_t nro_max_offset;
	uint64_t nro_initial_offset;
	uint32_t nro_offset_bits;
	uint32_t nro_tx_align;
	uint64_t nro_min_gap;
};

/* ---- shared memory --------------------------------------------------------- */
struct nma_slot {
	uint32_t buf_idx;
	uint16_t len;
	uint16_t flags;
	uint64_t ptr;
};

struct nma_ring {
	int64_t  buf_ofs;
	uint32_t num_slots;
	uint32_t nr_buf_size;
	uint16_t ringid;
	uint16_t dir; /* 0 tx, 1 rx */
	uint32_t head;
	uint32_t cur;
	uint32_t tail;
	uint32_t flags;
	struct timeval ts;
	uint64_t offset_mask;
	uint64_t buf_align;
	uint8_t  sem[128] __attribute__((__aligned__(NMA_CACHE_ALIGN)));
	struct nma_slot slot[];
};

struct nma_if {
	char     ni_name[NMA_IFNAMSIZ];
	uint32_t ni_version;
	uint32_t ni_flags;
	uint32_t ni_tx_rings;
	uint32_t ni_rx_rings;
	uint32_t ni_bufs_head;
	uint32_t ni_host_tx_rings;
	uint32_t ni_host_rx_rings;
	uint32_t ni_spare1[3];
	int64_t  ring_ofs[]; /* ssize_t in netmap */
};

/* legacy request (NIOCREGIF, NIOCGINFO): declared for the layout table only */
struct nma_legacy_req {
	char     nr_name[NMA_IFNAMSIZ];
	uint32_t nr_version;
	uint32_t nr_offset;
	uint32_t nr_memsize;
	uint32_t nr_tx_slots;
	uint32_t nr_rx_slots;
	uint16_t nr_tx_rings;
	uint16_t nr_rx_rings;
	uint16_t nr_ringid;
	uint16_t nr_cmd;
	uint16_t nr_arg1;
	uint16_t nr_arg2;
	uint32_t nr_arg3;
	uint32_t nr_flags;
	uint32_t spare2[1];
};

struct nma_ifreq {
	char nifr_name[NMA_IFNAMSIZ];
	char data[256];
};

/* ---- ioctls ---------------------------------------------------------------- */
#define NMA_NIOCGINFO   _IOWR('i', 145, struct nma_legacy_req)
#define NMA_NIOCREGIF   _IOWR('i', 146, struct nma_legacy_req)
#define NMA_NIOCTXSYNC  _IO('i', 148)
#define NMA_NIOCRXSYNC  _IO('i', 149)
#define NMA_NIOCCONFIG  _IOWR('i', 150, struct nma_ifreq)
#define NMA_NIOCCTRL    _IOWR('i', 151, struct nma_req_header)

/* ---- compile-time checks of the facts we rely on --------------------------- */
_Static_assert(sizeof(struct nma_req_header) == 88, "nmreq_header");
_Static_assert(sizeof(struct nma_req_option) == 24, "nmreq_option");
_Static_assert(sizeof(struct nma_req_register) == 56, "nmreq_register");
_Static_assert(sizeof(struct nma_req_port_info_get) == 32, "port_info_get");
_Static_assert(sizeof(struct nma_req_vale_attach) == 64, "vale_attach");
_Static_assert(sizeof(struct nma_req_pools_info) == 64, "pools_info");
_Static_assert(sizeof(struct nma_req_opt_extmem) == 96, "opt_extmem");
_Static_assert(sizeof(struct nma_req_opt_offsets) == 56, "opt_offsets");
_Static_assert(sizeof(struct nma_req_opt_csb) == 40, "opt_csb");
_Static_assert(sizeof(struct nma_slot) == 16, "netmap_slot");
_Static_assert(sizeof(struct nma_ring) == 256, "netmap_ring header");
_Static_assert(sizeof(struct nma_if) == 56, "netmap_if header");
_Static_assert(sizeof(struct nma_legacy_req) == 60, "legacy nmreq");
_Static_assert(sizeof(struct nma_ifreq) == 272, "nm_ifreq");

#endif /* NMSCRIPT_NETMAP_ABI_H */
