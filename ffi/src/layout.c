/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nms_layout_json(): the layout table over nmscript's own ABI declarations
 * (netmap_abi.h), built once on first use. The list is layout_table.h; the
 * printer is layout_json.h (both shared with ffi/tools/layout_check.c).
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "layout_json.h"
#include "layout_table.h"
#include "nmscript.h"

#define NMS_LT_PICK(ours, theirs) ours
NMS_LAYOUT_STRUCTS(NMS_LT_TYPEDEF, NMS_LT_NONE2, NMS_LT_NONE2, NMS_LT_NONE1)
NMS_LAYOUT_VLAN_STRUCTS(NMS_LT_TYPEDEF, NMS_LT_NONE2, NMS_LT_NONE2, NMS_LT_NONE1)

#define NMS_LT_K(name, ours) { NMS_LT_CONSTANT, #name, (long long)(ours), 0 },
#define NMS_LT_I(name, ours) { NMS_LT_IOCTL, #name, (long long)(ours), 0 },

static const struct nms_lt_entry nms_layout_entries[] = {
	NMS_LAYOUT_STRUCTS(NMS_LT_S, NMS_LT_F, NMS_LT_A, NMS_LT_E)
	NMS_LAYOUT_VLAN_STRUCTS(NMS_LT_S, NMS_LT_F, NMS_LT_A, NMS_LT_E)
	NMS_LAYOUT_CONSTANTS(NMS_LT_K)
	NMS_LAYOUT_VLAN_CONSTANTS(NMS_LT_K)
	NMS_LAYOUT_IOCTLS(NMS_LT_I)
};

static pthread_once_t layout_once = PTHREAD_ONCE_INIT;
static char *layout_doc;
/* Used only if malloc fails: still valid JSON, and TypeScript then names
 * the missing struct instead of crashing. */
static const char layout_fallback[] = "{\"abi\":14,\"structs\":{},\"constants\":{},\"ioctls\":{}}";

static void layout_build(void)
{
	size_t n = sizeof(nms_layout_entries) / sizeof(nms_layout_entries[0]);
	size_t need = nms_lt_emit(nms_layout_entries, n, NMA_API, NULL, 0);
	char *doc = malloc(need + 1);

	if (!doc)
		return;
	nms_lt_emit(nms_layout_entries, n, NMA_API, doc, need + 1);
	layout_doc = doc;
}

const char *nms_layout_json(void)
{
	pthread_once(&layout_once, layout_build);
	return layout_doc ? layout_doc : layout_fallback;
}
