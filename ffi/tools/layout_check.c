/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * layout_check: prints the layout table from netmap's own headers (struct
 * names, fields and macros of net/netmap.h and net/netmap_legacy.h), using
 * the same list (layout_table.h) and printer (layout_json.h) as
 * libnmscript. `make layout-check NETMAP_SRC=...` diffs the two outputs.
 *
 * netmap_kpriv.h holds the few limits that netmap keeps in its kernel
 * sources; the layout-check rule extracts it from sys/dev/netmap.
 */
#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/types.h>

#include <net/netmap.h>

#include "layout_json.h"
#include "layout_table.h"
#include "netmap_kpriv.h"

#define NMS_LT_PICK(ours, theirs) theirs
NMS_LAYOUT_STRUCTS(NMS_LT_TYPEDEF, NMS_LT_NONE2, NMS_LT_NONE2, NMS_LT_NONE1)
NMS_LAYOUT_VLAN_STRUCTS(NMS_LT_TYPEDEF, NMS_LT_NONE2, NMS_LT_NONE2, NMS_LT_NONE1)

#define NMS_LT_K(name, ours) { NMS_LT_CONSTANT, #name, (long long)(name), 0 },
#define NMS_LT_I(name, ours) { NMS_LT_IOCTL, #name, (long long)(name), 0 },

static const struct nms_lt_entry entries[] = {
	NMS_LAYOUT_STRUCTS(NMS_LT_S, NMS_LT_F, NMS_LT_A, NMS_LT_E)
	NMS_LAYOUT_VLAN_STRUCTS(NMS_LT_S, NMS_LT_F, NMS_LT_A, NMS_LT_E)
	NMS_LAYOUT_CONSTANTS(NMS_LT_K)
	NMS_LAYOUT_VLAN_CONSTANTS(NMS_LT_K)
	NMS_LAYOUT_IOCTLS(NMS_LT_I)
};

int main(void)
{
	static char doc[1 << 17];
	size_t n = sizeof(entries) / sizeof(entries[0]);
	size_t need = nms_lt_emit(entries, n, NETMAP_API, doc, sizeof(doc));

	if (need >= sizeof(doc)) {
		fprintf(stderr, "layout_check: the table needs %zu bytes; raise doc[]\n", need);
		return 1;
	}
	if (fputs(doc, stdout) == EOF || fflush(stdout) != 0) {
		perror("layout_check: write");
		return 1;
	}
	return 0;
}
