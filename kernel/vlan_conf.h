/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vlan_conf.h - the VLAN configuration state machine, OS-independent.
 *
 * It parses and validates a write() buffer of struct vv_req records and
 * applies it all-or-nothing, driving the OS side (netmap in the Linux
 * module, uvale in libnmscript) through struct vv_os_ops. It also builds the
 * read() answer. The caller serialises every call on one state (a mutex).
 *
 * Per configuration C the OS side is asked for (names as netmap's VLAN
 * prototype, so tools and tests see the same bridges):
 *   tagging bridge  valeV<C>TP:   the trunk and one AP port per VID, with
 *                                 the VLAN lookup (vv_forward) installed
 *   per-VID bridge  valeV<vid><C>: the access ports of one VID, learning
 *   AP port         <C>AP<vid>    persistent port joining the two
 */
#ifndef VLAN_CONF_H
#define VLAN_CONF_H

#include "vlan_core.h"

/*
 * The OS side. Every function returns 0 or -errno. token is the bridge's
 * auth token (opaque here); index is the port's index in that bridge.
 */
struct vv_os_ops {
	/* Create an exclusive bridge; with table != NULL install the VLAN
	 * lookup that calls vv_forward(table, ...). */
	int (*bridge_create)(void *os, const char *bdg, struct vv_table *table,
			     void **token);
	int (*bridge_destroy)(void *os, const char *bdg, void *token);
	/* Create / destroy a persistent VALE port (an OS interface). */
	int (*port_create)(void *os, const char *port);
	int (*port_destroy)(void *os, const char *port);
	int (*attach)(void *os, const char *bdg, void *token, const char *port,
		      uint32_t *index);
	int (*detach)(void *os, const char *bdg, void *token, const char *port);
	/* Apply e to table atomically w.r.t. the data path (for example with
	 * vv_table_apply() under the bridge's write lock). NULL: applied
	 * directly. */
	int (*table_edit)(void *os, const char *bdg, void *token,
			  struct vv_table *table, const struct vv_table_edit *e);
};

struct vv_conf;

/* All configurations of one system (the module, or one uvale daemon). */
struct vv_state {
	const struct vv_os_ops *ops;
	void *os;
	struct vv_conf *confs[VV_MAX_CONFS];
};

/* What one open fd remembers: its last failure and its list selection. */
struct vv_session {
	int32_t err_index;		/* -1: the last write succeeded */
	int32_t err_errno;		/* positive */
	uint16_t reason;		/* VV_R_* */
	char list_conf[VV_CONF_NAME_SIZE];	/* "" = all confs */
};

void vv_state_init(struct vv_state *s, const struct vv_os_ops *ops, void *os);
/* Undo every configuration (module unload, daemon exit). */
void vv_state_teardown(struct vv_state *s);
/* Configurations in use (the Linux module holds one module ref each). */
unsigned int vv_conf_count(const struct vv_state *s);

void vv_session_init(struct vv_session *fd);

/*
 * Validate every record of buf without touching any state. Returns 0 or
 * -errno; on failure *index is the failing record (-1: the length itself)
 * and *reason a VV_R_* code.
 */
int vv_validate(const void *buf, size_t len, int32_t *index, uint16_t *reason);

/*
 * Validate, then apply the records in order. All-or-nothing: on failure
 * every record already applied is undone (newest first) and fd's status
 * names the failing record. Returns 0 or -errno.
 */
int vv_write(struct vv_state *s, struct vv_session *fd, const void *buf,
	     size_t len);

/*
 * Fill buf with a struct vv_status and as many struct vv_list_rec as fit.
 * Returns the bytes written or -EINVAL when len < sizeof(struct vv_status).
 */
long vv_read(const struct vv_state *s, const struct vv_session *fd, void *buf,
	     size_t len);

/* A sentence for a VV_R_* reason ("" for VV_R_NONE), for error messages. */
const char *vv_reason_text(unsigned int reason);

/* The names vlan_conf uses; size is at least VV_BDG_NAME_SIZE. */
void vv_name_tagging_bdg(char *out, size_t size, const char *conf);
void vv_name_vid_bdg(char *out, size_t size, const char *conf, uint16_t vid);
void vv_name_ap(char *out, size_t size, const char *conf, uint16_t vid);

#endif /* VLAN_CONF_H */
