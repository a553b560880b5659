/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvale monitors (uvale_monitor.c): NAME/r, NAME/t, NAME/z.
 *
 * Links, all kring references (uv_kref), UV_NOKREF when empty:
 *  - a monitored kring heads a list of copy monitors (mon_copy, then the
 *    monitor krings' mon_next[dir]) and a chain of zero-copy monitors
 *    (mon_zcopy, then each zero-copy monitor kring's own mon_zcopy);
 *  - a monitor kring's mon_parent[dir] is what feeds it: the monitored kring,
 *    or for a zero-copy monitor further down a chain the previous monitor;
 *  - a monitor port's parent/parent_gen name the monitored port while it is
 *    in netmap mode; parent is UV_NOPORT once it left (the monitor is dead).
 * Lists change only in uvaled, with the krings they hang from stopped (their
 * busy mark held); the data path reads them holding the same busy mark.
 */
#ifndef NMSCRIPT_UVALE_MONITOR_H
#define NMSCRIPT_UVALE_MONITOR_H

#include "uvale.h"

/* ---- data path, run by clients with kr->busy held ------------------------------- */

/* copy monitors: copy the n slots from first of kr to every copy monitor */
void uv_mon_copy(void *region, struct uv_port *p, struct uv_kring *kr, uint32_t first,
		 uint32_t n, int txmon);
/* zero-copy monitor: swap the slots [beg, end) of kr with the next zero-copy monitor's */
void uv_mon_zcopy(void *region, struct uv_port *p, struct uv_kring *kr, uint32_t beg,
		  uint32_t end, int txmon);
/* copy monitors of an rx kring: copy what arrived since the last call */
void uv_mon_rx_catchup(void *region, struct uv_port *p, struct uv_kring *kr);
/* POLLERR bits a poll on monitor m adds (netmap: its txsync, and its rxsync once
 * the monitored port left netmap mode, fail with EIO) */
int uv_mon_poll_err(const struct uv_port *m, const struct uv_binding *b, int events);

/* ---- control, run by uvaled ---------------------------------------------------- */
struct uv_req;
struct uv_conn;
struct uv_alloc;
struct nma_req_register;

typedef int (*uv_get_na_fn)(struct uv_req *, struct nma_req_register *, struct uv_alloc *,
			    const char *, int, struct uv_port **);

/* netmap_get_monitor_na: a new monitor port of the port get_parent finds */
int uv_mon_get_na(struct uv_req *r, struct nma_req_register *reg, struct uv_alloc *nmd,
		  const char *name, int create, struct uv_port **out, uv_get_na_fn get_parent);
/* link the monitor rings connection c just got (their users went to 1); errno */
int uv_mon_reg(struct uv_req *r, struct uv_conn *c, struct uv_port *m);
/* unlink the monitor rings connection c released (their users went to 0) */
void uv_mon_unreg(struct uv_conn *c, struct uv_port *m);
/* netmap_monitor_stop: port p left netmap mode (its last registration went away):
 * unlink every monitor of p, mark them dead and drop their references to p */
void uv_mon_port_stop(struct uv_port *p);
/* unlink the monitors of one kring of a port (no reference is dropped) */
void uv_mon_parent_gone(struct uv_kring *pk, int t);

#endif /* NMSCRIPT_UVALE_MONITOR_H */
