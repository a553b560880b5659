/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vv_sim.h - a small in-memory switch that implements struct vv_os_ops with
 * netmap's rules (bridge budget, exclusive bridges with tokens, persistent
 * ports, attach/detach errors), so the configuration state machine can be
 * tested and fuzzed in user space. One-shot fault injection makes any
 * single OS call fail to exercise every rollback path.
 */
#ifndef VV_SIM_H
#define VV_SIM_H

#include "../vlan_conf.h"

#define SIM_BRIDGES	8	/* netmap's default max_bridges */
#define SIM_PORTS	254
#define SIM_IFS		64

struct sim_bridge {
	char name[VV_BDG_NAME_SIZE];
	void *token;
	struct vv_table *table;		/* tagging bridges */
	int nports;
	char ports[SIM_PORTS][VV_PORT_NAME_SIZE];	/* "" = free index */
};

struct sim {
	struct sim_bridge bdg[SIM_BRIDGES];
	int nbdg;
	char ifs[SIM_IFS][VV_PORT_NAME_SIZE];	/* existing interfaces */
	int persistent[SIM_IFS];		/* made by port_create */
	int nifs;
	long fail_at;		/* fail the n-th OS call from now (0: off) */
	int fail_errno;
	int fired;		/* set when the fault was delivered */
	long calls;
	unsigned long next_token;
};

extern const struct vv_os_ops sim_ops;

/* Empty switch with the given NICs (NULL-terminated list). */
void sim_init(struct sim *s, const char *const *nics);
/* A canonical text of the switch state (for before/after comparisons). */
void sim_dump(const struct sim *s, char *out, size_t size);
/* The bridge of that name or NULL. */
struct sim_bridge *sim_bridge(struct sim *s, const char *name);
/* Index of port in bridge b, -1 if absent. */
int sim_port_index(const struct sim_bridge *b, const char *port);
/* Is an interface of that name present (NIC or persistent port)? */
int sim_if_exists(const struct sim *s, const char *name);

/* NULL when every tagging bridge's table matches its ports, else why. */
const char *sim_check_tables(const struct sim *s);

#endif /* VV_SIM_H */
