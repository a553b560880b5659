/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one list behind the layout table. Two programs expand it:
 *   ffi/src/layout.c          over nmscript's declarations (netmap_abi.h),
 *   ffi/tools/layout_check.c  over netmap's own headers (net/netmap.h),
 * and both print it with ffi/src/layout_json.h, so that `make layout-check`
 * can compare the two outputs byte for byte.
 *
 * NMS_LAYOUT_STRUCTS(S, F, A, E) lists every struct, named as netmap names it:
 *   S(name, ours, theirs)  opens struct `name`; `ours` is our type for it,
 *                          `theirs` netmap's (each includer uses one of them)
 *   F(name, field)         an ordinary field (offset and sizeof)
 *   A(name, field)         a flexible array member (offset, size 0)
 *   E(name)                closes the struct
 * The includer typedefs nms_lt_<name> from S and then uses it in F and A.
 *
 * NMS_LAYOUT_CONSTANTS(K) lists K(netmap_name, our_expression).
 * NMS_LAYOUT_IOCTLS(I) lists I(netmap_name, our_expression).
 *
 * Keep the order stable: it is the key order of the JSON document.
 */
#ifndef NMSCRIPT_LAYOUT_TABLE_H
#define NMSCRIPT_LAYOUT_TABLE_H

#define NMS_REGISTER_FIELDS(F, n)                                              \
	F(n, nr_offset) F(n, nr_memsize) F(n, nr_tx_slots) F(n, nr_rx_slots)   \
	F(n, nr_tx_rings) F(n, nr_rx_rings) F(n, nr_host_tx_rings)             \
	F(n, nr_host_rx_rings) F(n, nr_mem_id) F(n, nr_ringid) F(n, nr_mode)   \
	F(n, nr_extra_bufs) F(n, nr_flags)

#define NMS_POOLS_FIELDS(F, n)                                                 \
	F(n, nr_memsize) F(n, nr_mem_id) F(n, pad1) F(n, nr_if_pool_offset)    \
	F(n, nr_if_pool_objtotal) F(n, nr_if_pool_objsize)                     \
	F(n, nr_ring_pool_offset) F(n, nr_ring_pool_objtotal)                  \
	F(n, nr_ring_pool_objsize) F(n, nr_buf_pool_offset)                    \
	F(n, nr_buf_pool_objtotal) F(n, nr_buf_pool_objsize)

/* netmap declares the eventfd pair as an anonymous struct inside the option */
#define NMS_EVENTFD_PAIR_THEIRS                                                \
	__typeof__(((struct nmreq_opt_sync_kloop_eventfds *)0)->eventfds[0])

#define NMS_LAYOUT_STRUCTS(S, F, A, E)                                         \
	S(nmreq_header, struct nma_req_header, struct nmreq_header)            \
	F(nmreq_header, nr_version) F(nmreq_header, nr_reqtype)                \
	F(nmreq_header, nr_reserved) F(nmreq_header, nr_name)                  \
	F(nmreq_header, nr_options) F(nmreq_header, nr_body)                   \
	E(nmreq_header)                                                        \
	S(nmreq_option, struct nma_req_option, struct nmreq_option)            \
	F(nmreq_option, nro_next) F(nmreq_option, nro_reqtype)                 \
	F(nmreq_option, nro_status) F(nmreq_option, nro_size)                  \
	E(nmreq_option)                                                        \
	S(nmreq_register, struct nma_req_register, struct nmreq_register)      \
	NMS_REGISTER_FIELDS(F, nmreq_register)                                 \
	E(nmreq_register)                                                      \
	S(nmreq_port_info_get, struct nma_req_port_info_get,                   \
	  struct nmreq_port_info_get)                                          \
	F(nmreq_port_info_get, nr_memsize) F(nmreq_port_info_get, nr_tx_slots) \
	F(nmreq_port_info_get, nr_rx_slots) F(nmreq_port_info_get, nr_tx_rings) \
	F(nmreq_port_info_get, nr_rx_rings)                                    \
	F(nmreq_port_info_get, nr_host_tx_rings)                               \
	F(nmreq_port_info_get, nr_host_rx_rings)                               \
	F(nmreq_port_info_get, nr_mem_id) F(nmreq_port_info_get, pad)          \
	E(nmreq_port_info_get)                                                 \
	S(nmreq_vale_attach, struct nma_req_vale_attach,                       \
	  struct nmreq_vale_attach)                                            \
	F(nmreq_vale_attach, reg) F(nmreq_vale_attach, port_index)             \
	F(nmreq_vale_attach, pad1)                                             \
	E(nmreq_vale_attach)                                                   \
	S(nmreq_vale_detach, struct nma_req_vale_detach,                       \
	  struct nmreq_vale_detach)                                            \
	F(nmreq_vale_detach, port_index) F(nmreq_vale_detach, pad1)            \
	E(nmreq_vale_detach)                                                   \
	S(nmreq_vale_list, struct nma_req_vale_list, struct nmreq_vale_list)   \
	F(nmreq_vale_list, nr_bridge_idx) F(nmreq_vale_list, pad1)             \
	F(nmreq_vale_list, nr_port_idx)                                        \
	E(nmreq_vale_list)                                                     \
	S(nmreq_port_hdr, struct nma_req_port_hdr, struct nmreq_port_hdr)      \
	F(nmreq_port_hdr, nr_hdr_len) F(nmreq_port_hdr, pad1)                  \
	E(nmreq_port_hdr)                                                      \
	S(nmreq_vale_newif, struct nma_req_vale_newif, struct nmreq_vale_newif) \
	F(nmreq_vale_newif, nr_tx_slots) F(nmreq_vale_newif, nr_rx_slots)      \
	F(nmreq_vale_newif, nr_tx_rings) F(nmreq_vale_newif, nr_rx_rings)      \
	F(nmreq_vale_newif, nr_mem_id) F(nmreq_vale_newif, pad1)               \
	E(nmreq_vale_newif)                                                    \
	S(nmreq_vale_polling, struct nma_req_vale_polling,                     \
	  struct nmreq_vale_polling)                                           \
	F(nmreq_vale_polling, nr_mode) F(nmreq_vale_polling, nr_first_cpu_id)  \
	F(nmreq_vale_polling, nr_num_polling_cpus) F(nmreq_vale_polling, pad1) \
	E(nmreq_vale_polling)                                                  \
	S(nmreq_pools_info, struct nma_req_pools_info, struct nmreq_pools_info) \
	NMS_POOLS_FIELDS(F, nmreq_pools_info)                                  \
	E(nmreq_pools_info)                                                    \
	S(nmreq_sync_kloop_start, struct nma_req_sync_kloop_start,             \
	  struct nmreq_sync_kloop_start)                                       \
	F(nmreq_sync_kloop_start, sleep_us) F(nmreq_sync_kloop_start, pad1)    \
	E(nmreq_sync_kloop_start)                                              \
	S(nm_csb_atok, struct nma_csb_atok, struct nm_csb_atok)                \
	F(nm_csb_atok, head) F(nm_csb_atok, cur) F(nm_csb_atok, appl_need_kick) \
	F(nm_csb_atok, sync_flags) F(nm_csb_atok, pad)                         \
	E(nm_csb_atok)                                                         \
	S(nm_csb_ktoa, struct nma_csb_ktoa, struct nm_csb_ktoa)                \
	F(nm_csb_ktoa, hwcur) F(nm_csb_ktoa, hwtail)                           \
	F(nm_csb_ktoa, kern_need_kick) F(nm_csb_ktoa, pad)                     \
	E(nm_csb_ktoa)                                                         \
	S(nmreq_opt_extmem, struct nma_req_opt_extmem, struct nmreq_opt_extmem) \
	F(nmreq_opt_extmem, nro_opt) F(nmreq_opt_extmem, nro_usrptr)           \
	F(nmreq_opt_extmem, nro_info)                                          \
	E(nmreq_opt_extmem)                                                    \
	S(nmreq_opt_csb, struct nma_req_opt_csb, struct nmreq_opt_csb)         \
	F(nmreq_opt_csb, nro_opt) F(nmreq_opt_csb, csb_atok)                   \
	F(nmreq_opt_csb, csb_ktoa)                                             \
	E(nmreq_opt_csb)                                                       \
	S(nmreq_opt_sync_kloop_mode, struct nma_req_opt_sync_kloop_mode,       \
	  struct nmreq_opt_sync_kloop_mode)                                    \
	F(nmreq_opt_sync_kloop_mode, nro_opt) F(nmreq_opt_sync_kloop_mode, mode) \
	E(nmreq_opt_sync_kloop_mode)                                           \
	S(nmreq_opt_sync_kloop_eventfds, struct nma_req_opt_sync_kloop_eventfds, \
	  struct nmreq_opt_sync_kloop_eventfds)                                \
	F(nmreq_opt_sync_kloop_eventfds, nro_opt)                              \
	A(nmreq_opt_sync_kloop_eventfds, eventfds)                             \
	E(nmreq_opt_sync_kloop_eventfds)                                       \
	S(nmreq_opt_sync_kloop_eventfds_entry, struct nma_eventfd_pair,        \
	  NMS_EVENTFD_PAIR_THEIRS)                                             \
	F(nmreq_opt_sync_kloop_eventfds_entry, ioeventfd)                      \
	F(nmreq_opt_sync_kloop_eventfds_entry, irqfd)                          \
	E(nmreq_opt_sync_kloop_eventfds_entry)                                 \
	S(nmreq_opt_offsets, struct nma_req_opt_offsets, struct nmreq_opt_offsets) \
	F(nmreq_opt_offsets, nro_opt) F(nmreq_opt_offsets, nro_max_offset)     \
	F(nmreq_opt_offsets, nro_initial_offset)                               \
	F(nmreq_opt_offsets, nro_offset_bits) F(nmreq_opt_offsets, nro_tx_align) \
	F(nmreq_opt_offsets, nro_min_gap)                                      \
	E(nmreq_opt_offsets)                                                   \
	S(netmap_slot, struct nma_slot, struct netmap_slot)                    \
	F(netmap_slot, buf_idx) F(netmap_slot, len) F(netmap_slot, flags)      \
	F(netmap_slot, ptr)                                                    \
	E(netmap_slot)                                                         \
	S(netmap_ring, struct nma_ring, struct netmap_ring)                    \
	F(netmap_ring, buf_ofs) F(netmap_ring, num_slots)                      \
	F(netmap_ring, nr_buf_size) F(netmap_ring, ringid) F(netmap_ring, dir) \
	F(netmap_ring, head) F(netmap_ring, cur) F(netmap_ring, tail)          \
	F(netmap_ring, flags) F(netmap_ring, ts) F(netmap_ring, offset_mask)   \
	F(netmap_ring, buf_align) F(netmap_ring, sem) A(netmap_ring, slot)     \
	E(netmap_ring)                                                         \
	S(netmap_if, struct nma_if, struct netmap_if)                          \
	F(netmap_if, ni_name) F(netmap_if, ni_version) F(netmap_if, ni_flags)  \
	F(netmap_if, ni_tx_rings) F(netmap_if, ni_rx_rings)                    \
	F(netmap_if, ni_bufs_head) F(netmap_if, ni_host_tx_rings)              \
	F(netmap_if, ni_host_rx_rings) F(netmap_if, ni_spare1)                 \
	A(netmap_if, ring_ofs)                                                 \
	E(netmap_if)                                                           \
	S(nmreq, struct nma_legacy_req, struct nmreq)                          \
	F(nmreq, nr_name) F(nmreq, nr_version) F(nmreq, nr_offset)             \
	F(nmreq, nr_memsize) F(nmreq, nr_tx_slots) F(nmreq, nr_rx_slots)       \
	F(nmreq, nr_tx_rings) F(nmreq, nr_rx_rings) F(nmreq, nr_ringid)        \
	F(nmreq, nr_cmd) F(nmreq, nr_arg1) F(nmreq, nr_arg2) F(nmreq, nr_arg3) \
	F(nmreq, nr_flags) F(nmreq, spare2)                                    \
	E(nmreq)                                                               \
	S(nm_ifreq, struct nma_ifreq, struct nm_ifreq)                         \
	F(nm_ifreq, nifr_name) F(nm_ifreq, data)                               \
	E(nm_ifreq)

/*
 * Constants. The last group (NM_BRIDGES ... NM_BDG_BATCH) is private to
 * netmap's kernel sources; layout_check gets it from a header that the
 * layout-check rule extracts from sys/dev/netmap.
 */
#define NMS_LAYOUT_CONSTANTS(K)                                                \
	K(NETMAP_API, NMA_API)                                                 \
	K(NETMAP_MIN_API, NMA_MIN_API)                                         \
	K(NETMAP_MAX_API, NMA_MAX_API)                                         \
	K(NETMAP_REQ_IFNAMSIZ, NMA_REQ_IFNAMSIZ)                               \
	K(IFNAMSIZ, NMA_IFNAMSIZ)                                              \
	K(NM_CACHE_ALIGN, NMA_CACHE_ALIGN)                                     \
	K(NETMAP_REQ_MAXSIZE, NMA_REQ_MAXSIZE)                                 \
	K(NETMAP_REQ_REGISTER, NMA_REQ_REGISTER)                               \
	K(NETMAP_REQ_PORT_INFO_GET, NMA_REQ_PORT_INFO_GET)                     \
	K(NETMAP_REQ_VALE_ATTACH, NMA_REQ_VALE_ATTACH)                         \
	K(NETMAP_REQ_VALE_DETACH, NMA_REQ_VALE_DETACH)                         \
	K(NETMAP_REQ_VALE_LIST, NMA_REQ_VALE_LIST)                             \
	K(NETMAP_REQ_PORT_HDR_SET, NMA_REQ_PORT_HDR_SET)                       \
	K(NETMAP_REQ_PORT_HDR_GET, NMA_REQ_PORT_HDR_GET)                       \
	K(NETMAP_REQ_VALE_NEWIF, NMA_REQ_VALE_NEWIF)                           \
	K(NETMAP_REQ_VALE_DELIF, NMA_REQ_VALE_DELIF)                           \
	K(NETMAP_REQ_VALE_POLLING_ENABLE, NMA_REQ_VALE_POLLING_ENABLE)         \
	K(NETMAP_REQ_VALE_POLLING_DISABLE, NMA_REQ_VALE_POLLING_DISABLE)       \
	K(NETMAP_REQ_POOLS_INFO_GET, NMA_REQ_POOLS_INFO_GET)                   \
	K(NETMAP_REQ_SYNC_KLOOP_START, NMA_REQ_SYNC_KLOOP_START)               \
	K(NETMAP_REQ_SYNC_KLOOP_STOP, NMA_REQ_SYNC_KLOOP_STOP)                 \
	K(NETMAP_REQ_CSB_ENABLE, NMA_REQ_CSB_ENABLE)                           \
	K(NETMAP_REQ_OPT_EXTMEM, NMA_REQ_OPT_EXTMEM)                           \
	K(NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS, NMA_REQ_OPT_SYNC_KLOOP_EVENTFDS) \
	K(NETMAP_REQ_OPT_CSB, NMA_REQ_OPT_CSB)                                 \
	K(NETMAP_REQ_OPT_SYNC_KLOOP_MODE, NMA_REQ_OPT_SYNC_KLOOP_MODE)         \
	K(NETMAP_REQ_OPT_OFFSETS, NMA_REQ_OPT_OFFSETS)                         \
	K(NETMAP_REQ_OPT_MAX, NMA_REQ_OPT_MAX)                                 \
	K(NR_REG_DEFAULT, NMA_REG_DEFAULT)                                     \
	K(NR_REG_ALL_NIC, NMA_REG_ALL_NIC)                                     \
	K(NR_REG_SW, NMA_REG_SW)                                               \
	K(NR_REG_NIC_SW, NMA_REG_NIC_SW)                                       \
	K(NR_REG_ONE_NIC, NMA_REG_ONE_NIC)                                     \
	K(NR_REG_PIPE_MASTER, NMA_REG_PIPE_MASTER)                             \
	K(NR_REG_PIPE_SLAVE, NMA_REG_PIPE_SLAVE)                               \
	K(NR_REG_NULL, NMA_REG_NULL)                                           \
	K(NR_REG_ONE_SW, NMA_REG_ONE_SW)                                       \
	K(NR_MONITOR_TX, NMA_MONITOR_TX)                                       \
	K(NR_MONITOR_RX, NMA_MONITOR_RX)                                       \
	K(NR_ZCOPY_MON, NMA_ZCOPY_MON)                                         \
	K(NR_EXCLUSIVE, NMA_EXCLUSIVE)                                         \
	K(NR_RX_RINGS_ONLY, NMA_RX_RINGS_ONLY)                                 \
	K(NR_TX_RINGS_ONLY, NMA_TX_RINGS_ONLY)                                 \
	K(NR_ACCEPT_VNET_HDR, NMA_ACCEPT_VNET_HDR)                             \
	K(NR_DO_RX_POLL, NMA_DO_RX_POLL)                                       \
	K(NR_NO_TX_POLL, NMA_NO_TX_POLL)                                       \
	K(NETMAP_RING_MASK, NMA_RING_MASK)                                     \
	K(NETMAP_HW_RING, NMA_HW_RING)                                         \
	K(NETMAP_SW_RING, NMA_SW_RING)                                         \
	K(NETMAP_NO_TX_POLL, NMA_NO_TX_POLL_RID)                               \
	K(NETMAP_DO_RX_POLL, NMA_DO_RX_POLL_RID)                               \
	K(NR_REG_MASK, NMA_REG_MASK)                                           \
	K(NS_BUF_CHANGED, NMA_NS_BUF_CHANGED)                                  \
	K(NS_REPORT, NMA_NS_REPORT)                                            \
	K(NS_FORWARD, NMA_NS_FORWARD)                                          \
	K(NS_NO_LEARN, NMA_NS_NO_LEARN)                                        \
	K(NS_INDIRECT, NMA_NS_INDIRECT)                                        \
	K(NS_MOREFRAG, NMA_NS_MOREFRAG)                                        \
	K(NS_TXMON, NMA_NS_TXMON)                                              \
	K(NS_PORT_SHIFT, NMA_NS_PORT_SHIFT)                                    \
	K(NS_PORT_MASK, NMA_NS_PORT_MASK)                                      \
	K(NETMAP_MAX_FRAGS, NMA_MAX_FRAGS)                                     \
	K(NR_TIMESTAMP, NMA_NR_TIMESTAMP)                                      \
	K(NR_FORWARD, NMA_NR_FORWARD)                                          \
	K(NI_PRIV_MEM, NMA_NI_PRIV_MEM)                                        \
	K(NETMAP_POLLING_MODE_SINGLE_CPU, NMA_POLLING_MODE_SINGLE_CPU)         \
	K(NETMAP_POLLING_MODE_MULTI_CPU, NMA_POLLING_MODE_MULTI_CPU)           \
	K(NM_OPT_SYNC_KLOOP_DIRECT_TX, NMA_OPT_SYNC_KLOOP_DIRECT_TX)           \
	K(NM_OPT_SYNC_KLOOP_DIRECT_RX, NMA_OPT_SYNC_KLOOP_DIRECT_RX)           \
	K(NM_BRIDGES, NMA_BRIDGES)                                             \
	K(NM_BDG_MAXPORTS, NMA_BDG_MAXPORTS)                                   \
	K(NM_BDG_MAXRINGS, NMA_BDG_MAXRINGS)                                   \
	K(NM_BDG_MAXSLOTS, NMA_BDG_MAXSLOTS)                                   \
	K(NM_BRIDGE_RINGSIZE, NMA_BRIDGE_RINGSIZE)                             \
	K(NM_BDG_BROADCAST, NMA_BDG_BROADCAST)                                 \
	K(NM_BDG_NOPORT, NMA_BDG_NOPORT)                                       \
	K(NM_BDG_MFS_DEFAULT, NMA_BDG_MFS_DEFAULT)                             \
	K(NM_BDG_BATCH, NMA_BDG_BATCH)

#define NMS_LAYOUT_IOCTLS(I)                                                   \
	I(NIOCCTRL, NMA_NIOCCTRL)                                              \
	I(NIOCTXSYNC, NMA_NIOCTXSYNC)                                          \
	I(NIOCRXSYNC, NMA_NIOCRXSYNC)                                          \
	I(NIOCREGIF, NMA_NIOCREGIF)                                            \
	I(NIOCGINFO, NMA_NIOCGINFO)                                            \
	I(NIOCCONFIG, NMA_NIOCCONFIG)

/*
 * nmscript's VLAN module ABI (kernel/vale_vlan_abi.h). It is our own ABI,
 * not netmap's, so both sides read it from that header; the section is empty
 * while the header does not exist.
 */
#if __has_include("vale_vlan_abi.h")
#include "vale_vlan_abi.h"
#endif

#if defined(VV_ABI_VERSION)
#define NMS_LAYOUT_VLAN_STRUCTS(S, F, A, E)                                    \
	S(vv_req, struct vv_req, struct vv_req)                                \
	F(vv_req, vr_version) F(vv_req, vr_action) F(vv_req, vr_vid)           \
	F(vv_req, vr_flags) F(vv_req, vr_native_vid) F(vv_req, vr_reserved0)   \
	F(vv_req, vr_reserved1) F(vv_req, vr_conf) F(vv_req, vr_port)          \
	E(vv_req)                                                              \
	S(vv_status, struct vv_status, struct vv_status)                       \
	F(vv_status, vs_version) F(vv_status, vs_count) F(vv_status, vs_total) \
	F(vv_status, vs_reason) F(vv_status, vs_err_index)                     \
	F(vv_status, vs_err_errno)                                             \
	E(vv_status)                                                           \
	S(vv_list_rec, struct vv_list_rec, struct vv_list_rec)                 \
	F(vv_list_rec, vl_conf) F(vv_list_rec, vl_port) F(vv_list_rec, vl_bridge) \
	F(vv_list_rec, vl_role) F(vv_list_rec, vl_vid) F(vv_list_rec, vl_flags) \
	F(vv_list_rec, vl_native_vid) F(vv_list_rec, vl_reserved)              \
	E(vv_list_rec)

#define NMS_LAYOUT_VLAN_CONSTANTS(K)                                           \
	K(VV_ABI_VERSION, VV_ABI_VERSION)                                      \
	K(VV_MAX_CONFS, VV_MAX_CONFS)                                          \
	K(VV_MAX_PORTS, VV_MAX_PORTS)                                          \
	K(VV_MAX_RECORDS, VV_MAX_RECORDS)                                      \
	K(VV_CONF_NAME_MAX, VV_CONF_NAME_MAX)                                  \
	K(VV_PORT_NAME_MAX, VV_PORT_NAME_MAX)                                  \
	K(VV_CONF_NAME_SIZE, VV_CONF_NAME_SIZE)                                \
	K(VV_PORT_NAME_SIZE, VV_PORT_NAME_SIZE)                                \
	K(VV_BDG_NAME_SIZE, VV_BDG_NAME_SIZE)                                  \
	K(VV_VID_MAX, VV_VID_MAX)                                              \
	K(VV_VID_RESERVED, VV_VID_RESERVED)                                    \
	K(VV_CREATE_CONF, VV_CREATE_CONF)                                      \
	K(VV_DELETE_CONF, VV_DELETE_CONF)                                      \
	K(VV_ATTACH_TRUNK, VV_ATTACH_TRUNK)                                    \
	K(VV_DETACH_TRUNK, VV_DETACH_TRUNK)                                    \
	K(VV_CREATE_TRUNK, VV_CREATE_TRUNK)                                    \
	K(VV_DESTROY_TRUNK, VV_DESTROY_TRUNK)                                  \
	K(VV_ATTACH_ACCESS, VV_ATTACH_ACCESS)                                  \
	K(VV_DETACH_ACCESS, VV_DETACH_ACCESS)                                  \
	K(VV_CREATE_ACCESS, VV_CREATE_ACCESS)                                  \
	K(VV_DESTROY_ACCESS, VV_DESTROY_ACCESS)                                \
	K(VV_LIST, VV_LIST)                                                    \
	K(VV_ACTION_LAST, VV_ACTION_LAST)                                      \
	K(VV_OPT_NATIVE, VV_OPT_NATIVE)                                        \
	K(VV_OPT_KEEP_PCP, VV_OPT_KEEP_PCP)                                    \
	K(VV_OPT_DOT1AD, VV_OPT_DOT1AD)                                        \
	K(VV_OPT_ALL, VV_OPT_ALL)                                              \
	K(VV_ROLE_CONF, VV_ROLE_CONF)                                          \
	K(VV_ROLE_TRUNK, VV_ROLE_TRUNK)                                        \
	K(VV_ROLE_ACCESS, VV_ROLE_ACCESS)                                      \
	K(VV_LIST_CREATED, VV_LIST_CREATED)                                    \
	K(VV_R_NONE, VV_R_NONE)                                                \
	K(VV_R_LENGTH, VV_R_LENGTH)                                            \
	K(VV_R_TOO_MANY, VV_R_TOO_MANY)                                        \
	K(VV_R_VERSION, VV_R_VERSION)                                          \
	K(VV_R_ACTION, VV_R_ACTION)                                            \
	K(VV_R_RESERVED, VV_R_RESERVED)                                        \
	K(VV_R_CONF_NAME, VV_R_CONF_NAME)                                      \
	K(VV_R_CONF_NAME_LONG, VV_R_CONF_NAME_LONG)                            \
	K(VV_R_PORT_NAME, VV_R_PORT_NAME)                                      \
	K(VV_R_PORT_NAME_LONG, VV_R_PORT_NAME_LONG)                            \
	K(VV_R_VID, VV_R_VID)                                                  \
	K(VV_R_OPTIONS, VV_R_OPTIONS)                                          \
	K(VV_R_CONF_EXISTS, VV_R_CONF_EXISTS)                                  \
	K(VV_R_CONF_LIMIT, VV_R_CONF_LIMIT)                                    \
	K(VV_R_NO_CONF, VV_R_NO_CONF)                                          \
	K(VV_R_CONF_BUSY, VV_R_CONF_BUSY)                                      \
	K(VV_R_PORT_BUSY, VV_R_PORT_BUSY)                                      \
	K(VV_R_TRUNK_BUSY, VV_R_TRUNK_BUSY)                                    \
	K(VV_R_NO_PORT, VV_R_NO_PORT)                                          \
	K(VV_R_PORT_LIMIT, VV_R_PORT_LIMIT)                                    \
	K(VV_R_OS, VV_R_OS)                                                    \
	K(VV_R_NOMEM, VV_R_NOMEM)                                              \
	K(VV_R_LAST, VV_R_LAST)
#else
#define NMS_LAYOUT_VLAN_STRUCTS(S, F, A, E)
#define NMS_LAYOUT_VLAN_CONSTANTS(K)
#endif

#endif /* NMSCRIPT_LAYOUT_TABLE_H */
