/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lib_layout_test: nms_layout_json() gives the sizes, offsets, constants
 * and ioctl numbers of netmap's ABI (API 14, Linux x86-64/LP64), checked
 * against the reference facts, and is well-formed and stable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nmscript.h"


/* The text of struct `name` ("\n"name":{"size":...}}"), or NULL. */
static const char *struct_at(const char *doc, const char *name, size_t *len)
{
	char key[96];
	const char *p, *end;

	snprintf(key, sizeof(key), "\n\"%s\":{\"size\":", name);
	p = strstr(doc, key);
	if (!p)
		return NULL;
	end = strstr(p, "}}}");
	if (!end)
		return NULL;
	*len = (size_t)(end - p) + 3;
	return p;
}

static long long struct_size(const char *doc, const char *name)
{
	size_t len;
	const char *p = struct_at(doc, name, &len);

	return p ? strtoll(strstr(p, "\"size\":") + 7, NULL, 10) : -1;
}

/* 1 when struct `name` has field `field` at offset `off` with size `size` */
static int field_is(const char *doc, const char *name, const char *field, int off, int size)
{
	char want[128], *copy;
	size_t len;
	const char *p = struct_at(doc, name, &len);
	int ok;

	if (!p)
		return 0;
	snprintf(want, sizeof(want), "\"%s\":{\"offset\":%d,\"size\":%d}", field, off, size);
	copy = strndup(p, len);
	ok = copy && strstr(copy, want) != NULL;
	free(copy);
	return ok;
}

static long long value_of(const char *doc, const char *name)
{
	char key[96];
	const char *p;

	snprintf(key, sizeof(key), "\n\"%s\":", name);
	p = strstr(doc, key);
	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

struct size_fact {
	const char *name;
	long long size;
};

struct field_fact {
	const char *st, *field;
	int off, size;
};

int main(void)
{
	const char *doc = nms_layout_json();
	static const struct size_fact sizes[] = {
		{ "nmreq_header", 88 }, { "nmreq_option", 24 }, { "nmreq_register", 56 },
		{ "nmreq_port_info_get", 32 }, { "nmreq_vale_attach", 64 },
		{ "nmreq_vale_detach", 8 }, { "nmreq_vale_list", 8 }, { "nmreq_port_hdr", 8 },
		{ "nmreq_vale_newif", 16 }, { "nmreq_vale_polling", 16 },
		{ "nmreq_pools_info", 64 }, { "nmreq_sync_kloop_start", 8 },
		{ "nm_csb_atok", 64 }, { "nm_csb_ktoa", 64 }, { "nmreq_opt_extmem", 96 },
		{ "nmreq_opt_csb", 40 }, { "nmreq_opt_sync_kloop_mode", 32 },
		{ "nmreq_opt_sync_kloop_eventfds", 24 },
		{ "nmreq_opt_sync_kloop_eventfds_entry", 8 }, { "nmreq_opt_offsets", 56 },
		{ "netmap_slot", 16 }, { "netmap_ring", 256 }, { "netmap_if", 56 },
		{ "nmreq", 60 }, { "nm_ifreq", 272 },
	};
	static const struct field_fact fields[] = {
		{ "nmreq_header", "nr_version", 0, 2 }, { "nmreq_header", "nr_reqtype", 2, 2 },
		{ "nmreq_header", "nr_reserved", 4, 4 }, { "nmreq_header", "nr_name", 8, 64 },
		{ "nmreq_header", "nr_options", 72, 8 }, { "nmreq_header", "nr_body", 80, 8 },
		{ "nmreq_option", "nro_next", 0, 8 }, { "nmreq_option", "nro_reqtype", 8, 4 },
		{ "nmreq_option", "nro_status", 12, 4 }, { "nmreq_option", "nro_size", 16, 8 },
		{ "nmreq_register", "nr_offset", 0, 8 }, { "nmreq_register", "nr_memsize", 8, 8 },
		{ "nmreq_register", "nr_tx_slots", 16, 4 }, { "nmreq_register", "nr_rx_slots", 20, 4 },
		{ "nmreq_register", "nr_tx_rings", 24, 2 }, { "nmreq_register", "nr_rx_rings", 26, 2 },
		{ "nmreq_register", "nr_host_tx_rings", 28, 2 },
		{ "nmreq_register", "nr_host_rx_rings", 30, 2 },
		{ "nmreq_register", "nr_mem_id", 32, 2 }, { "nmreq_register", "nr_ringid", 34, 2 },
		{ "nmreq_register", "nr_mode", 36, 4 }, { "nmreq_register", "nr_extra_bufs", 40, 4 },
		{ "nmreq_register", "nr_flags", 48, 8 },
		{ "nmreq_port_info_get", "nr_mem_id", 24, 2 }, { "nmreq_port_info_get", "pad", 26, 6 },
		{ "nmreq_vale_attach", "reg", 0, 56 }, { "nmreq_vale_attach", "port_index", 56, 4 },
		{ "nmreq_vale_detach", "port_index", 0, 4 },
		{ "nmreq_vale_list", "nr_bridge_idx", 0, 2 }, { "nmreq_vale_list", "nr_port_idx", 4, 4 },
		{ "nmreq_port_hdr", "nr_hdr_len", 0, 4 },
		{ "nmreq_vale_newif", "nr_tx_rings", 8, 2 }, { "nmreq_vale_newif", "nr_mem_id", 12, 2 },
		{ "nmreq_vale_polling", "nr_num_polling_cpus", 8, 4 },
		{ "nmreq_pools_info", "nr_mem_id", 8, 2 },
		{ "nmreq_pools_info", "nr_if_pool_offset", 16, 8 },
		{ "nmreq_pools_info", "nr_ring_pool_offset", 32, 8 },
		{ "nmreq_pools_info", "nr_buf_pool_offset", 48, 8 },
		{ "nmreq_pools_info", "nr_buf_pool_objsize", 60, 4 },
		{ "nmreq_sync_kloop_start", "sleep_us", 0, 4 },
		{ "nm_csb_atok", "sync_flags", 12, 4 }, { "nm_csb_atok", "pad", 16, 48 },
		{ "nm_csb_ktoa", "kern_need_kick", 8, 4 }, { "nm_csb_ktoa", "pad", 12, 52 },
		{ "nmreq_opt_extmem", "nro_usrptr", 24, 8 }, { "nmreq_opt_extmem", "nro_info", 32, 64 },
		{ "nmreq_opt_csb", "csb_atok", 24, 8 }, { "nmreq_opt_csb", "csb_ktoa", 32, 8 },
		{ "nmreq_opt_sync_kloop_mode", "mode", 24, 4 },
		{ "nmreq_opt_sync_kloop_eventfds", "eventfds", 24, 0 },
		{ "nmreq_opt_sync_kloop_eventfds_entry", "irqfd", 4, 4 },
		{ "nmreq_opt_offsets", "nro_max_offset", 24, 8 },
		{ "nmreq_opt_offsets", "nro_initial_offset", 32, 8 },
		{ "nmreq_opt_offsets", "nro_offset_bits", 40, 4 },
		{ "nmreq_opt_offsets", "nro_tx_align", 44, 4 },
		{ "nmreq_opt_offsets", "nro_min_gap", 48, 8 },
		{ "netmap_slot", "buf_idx", 0, 4 }, { "netmap_slot", "len", 4, 2 },
		{ "netmap_slot", "flags", 6, 2 }, { "netmap_slot", "ptr", 8, 8 },
		{ "netmap_ring", "buf_ofs", 0, 8 }, { "netmap_ring", "num_slots", 8, 4 },
		{ "netmap_ring", "nr_buf_size", 12, 4 }, { "netmap_ring", "ringid", 16, 2 },
		{ "netmap_ring", "dir", 18, 2 }, { "netmap_ring", "head", 20, 4 },
		{ "netmap_ring", "cur", 24, 4 }, { "netmap_ring", "tail", 28, 4 },
		{ "netmap_ring", "flags", 32, 4 }, { "netmap_ring", "ts", 40, 16 },
		{ "netmap_ring", "offset_mask", 56, 8 }, { "netmap_ring", "buf_align", 64, 8 },
		{ "netmap_ring", "sem", 128, 128 }, { "netmap_ring", "slot", 256, 0 },
		{ "netmap_if", "ni_name", 0, 16 }, { "netmap_if", "ni_version", 16, 4 },
		{ "netmap_if", "ni_flags", 20, 4 }, { "netmap_if", "ni_tx_rings", 24, 4 },
		{ "netmap_if", "ni_rx_rings", 28, 4 }, { "netmap_if", "ni_bufs_head", 32, 4 },
		{ "netmap_if", "ni_host_tx_rings", 36, 4 }, { "netmap_if", "ni_host_rx_rings", 40, 4 },
		{ "netmap_if", "ni_spare1", 44, 12 }, { "netmap_if", "ring_ofs", 56, 0 },
		{ "nmreq", "nr_name", 0, 16 }, { "nmreq", "nr_version", 16, 4 },
		{ "nmreq", "nr_ringid", 40, 2 }, { "nmreq", "nr_cmd", 42, 2 },
		{ "nmreq", "nr_arg3", 48, 4 }, { "nmreq", "spare2", 56, 4 },
		{ "nm_ifreq", "nifr_name", 0, 16 }, { "nm_ifreq", "data", 16, 256 },
	};
	static const struct size_fact values[] = {
		{ "NETMAP_API", 14 }, { "NETMAP_MIN_API", 14 }, { "NETMAP_MAX_API", 15 },
		{ "NETMAP_REQ_IFNAMSIZ", 64 }, { "NETMAP_REQ_MAXSIZE", 4096 },
		{ "NM_CACHE_ALIGN", 128 }, { "NETMAP_REQ_REGISTER", 1 },
		{ "NETMAP_REQ_POOLS_INFO_GET", 12 }, { "NETMAP_REQ_CSB_ENABLE", 15 },
		{ "NETMAP_REQ_OPT_EXTMEM", 1 }, { "NETMAP_REQ_OPT_OFFSETS", 5 },
		{ "NETMAP_REQ_OPT_MAX", 6 }, { "NR_REG_ALL_NIC", 1 }, { "NR_REG_NULL", 7 },
		{ "NR_REG_ONE_SW", 8 }, { "NR_MONITOR_TX", 0x100 }, { "NR_EXCLUSIVE", 0x800 },
		{ "NR_NO_TX_POLL", 0x20000 }, { "NETMAP_HW_RING", 0x4000 },
		{ "NETMAP_RING_MASK", 0xfff }, { "NR_REG_MASK", 0xf }, { "NS_BUF_CHANGED", 1 },
		{ "NS_MOREFRAG", 0x20 }, { "NS_TXMON", 0x40 }, { "NS_PORT_MASK", 0xff00 },
		{ "NETMAP_MAX_FRAGS", 64 }, { "NR_TIMESTAMP", 2 }, { "NR_FORWARD", 4 },
		{ "NETMAP_POLLING_MODE_MULTI_CPU", 2 }, { "NM_BDG_MAXPORTS", 254 },
		{ "NM_BDG_NOPORT", 255 }, { "NM_BRIDGE_RINGSIZE", 1024 },
		{ "NM_BDG_MFS_DEFAULT", 1514 },
		{ "NIOCCTRL", 0xc0586997LL }, { "NIOCTXSYNC", 0x6994 }, { "NIOCRXSYNC", 0x6995 },
		{ "NIOCGINFO", 0xc03c6991LL }, { "NIOCREGIF", 0xc03c6992LL },
		{ "NIOCCONFIG", 0xc1106996LL },
	};
	int depth = 0, min_depth = 0;

	CHECK(doc && strncmp(doc, "{\"abi\":14,", 10) == 0, "document starts %.20s", doc);
	CHECK(doc == nms_layout_json(), "built once, the same pointer every call");
	for (const char *p = doc; *p; p++) {
		depth += *p == '{';
		depth -= *p == '}';
		if (depth < min_depth)
			min_depth = depth;
	}
	CHECK(depth == 0 && min_depth == 0, "braces balance (depth %d)", depth);
	CHECK(strstr(doc, "\"structs\":{") && strstr(doc, "\"constants\":{") &&
	      strstr(doc, "\"ioctls\":{"), "has the three sections");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		CHECK(struct_size(doc, sizes[i].name) == sizes[i].size, "sizeof %s = %lld, want %lld",
		      sizes[i].name, struct_size(doc, sizes[i].name), sizes[i].size);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		CHECK(field_is(doc, fields[i].st, fields[i].field, fields[i].off, fields[i].size),
		      "%s.%s is not at offset %d size %d", fields[i].st, fields[i].field,
		      fields[i].off, fields[i].size);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		CHECK(value_of(doc, values[i].name) == values[i].size, "%s = %lld, want %lld",
		      values[i].name, value_of(doc, values[i].name), values[i].size);
	CHECK(struct_size(doc, "no_such_struct") == -1, "absent structs are absent");

	return check_summary("lib_layout_test");
}
