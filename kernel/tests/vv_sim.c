// SPDX-License-Identifier: BSD-2-Clause
/* vv_sim.c - the in-memory switch of vv_sim.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vv_sim.h"

static int fault(struct sim *s)
{
	s->calls++;
	if (s->fail_at > 0 && --s->fail_at == 0) {
		s->fired = 1;
		return -(s->fail_errno ? s->fail_errno : EIO);
	}
	return 0;
}

struct sim_bridge *sim_bridge(struct sim *s, const char *name)
{
	int i;

	for (i = 0; i < SIM_BRIDGES; i++)
		if (s->bdg[i].name[0] && !strcmp(s->bdg[i].name, name))
			return &s->bdg[i];
	return NULL;
}

int sim_port_index(const struct sim_bridge *b, const char *port)
{
	int i;

	for (i = 0; i < SIM_PORTS; i++)
		if (b->ports[i][0] && !strcmp(b->ports[i], port))
			return i;
	return -1;
}

static int if_index(const struct sim *s, const char *name)
{
	int i;

	for (i = 0; i < s->nifs; i++)
		if (!strcmp(s->ifs[i], name))
			return i;
	return -1;
}

int sim_if_exists(const struct sim *s, const char *name)
{
	return if_index(s, name) >= 0;
}

/* How many bridges hold port name. */
static int attachments(const struct sim *s, const char *name)
{
	int i, n = 0;

	for (i = 0; i < SIM_BRIDGES; i++)
		if (s->bdg[i].name[0] && sim_port_index(&s->bdg[i], name) >= 0)
			n++;
	return n;
}

static int sim_bridge_create(void *os, const char *bdg, struct vv_table *table,
			     void **token)
{
	struct sim *s = os;
	int i, rc = fault(s);

	if (rc)
		return rc;
	if (strncmp(bdg, "vale", 4) || strlen(bdg) >= VV_BDG_NAME_SIZE ||
	    bdg[strlen(bdg) - 1] != ':' || strlen(bdg) > 16)
		return -EINVAL;
	if (sim_bridge(s, bdg))
		return -EEXIST;
	for (i = 0; i < SIM_BRIDGES; i++) {
		if (!s->bdg[i].name[0]) {
			memset(&s->bdg[i], 0, sizeof(s->bdg[i]));
			snprintf(s->bdg[i].name, sizeof(s->bdg[i].name), "%s",
				 bdg);
			s->bdg[i].token = (void *)(++s->next_token);
			s->bdg[i].table = table;
			*token = s->bdg[i].token;
			s->nbdg++;
			return 0;
		}
	}
	return -ENOMEM;
}

static int sim_bridge_destroy(void *os, const char *bdg, void *token)
{
	struct sim *s = os;
	struct sim_bridge *b;
	int rc = fault(s);

	if (rc)
		return rc;
	b = sim_bridge(s, bdg);
	if (!b)
		return -ENXIO;
	if (b->token != token)
		return -EACCES;
	if (b->nports)
		return -EBUSY;
	memset(b, 0, sizeof(*b));
	s->nbdg--;
	return 0;
}

static int sim_port_create(void *os, const char *port)
{
	struct sim *s = os;
	int rc = fault(s);

	if (rc)
		return rc;
	if (sim_if_exists(s, port))
		return -EEXIST;
	if (s->nifs == SIM_IFS)
		return -ENOMEM;
	snprintf(s->ifs[s->nifs], sizeof(s->ifs[0]), "%s", port);
	s->persistent[s->nifs++] = 1;
	return 0;
}

static int sim_port_destroy(void *os, const char *port)
{
	struct sim *s = os;
	int i, rc = fault(s);

	if (rc)
		return rc;
	i = if_index(s, port);
	if (i < 0 || !s->persistent[i])
		return -ENXIO;
	if (attachments(s, port))
		return -EBUSY;
	s->nifs--;
	memmove(s->ifs[i], s->ifs[s->nifs], sizeof(s->ifs[0]));
	s->persistent[i] = s->persistent[s->nifs];
	return 0;
}

static int sim_attach(void *os, const char *bdg, void *token, const char *port,
		      uint32_t *index)
{
	struct sim *s = os;
	struct sim_bridge *b;
	int i, rc = fault(s);

	if (rc)
		return rc;
	b = sim_bridge(s, bdg);
	if (!b)
		return -ENXIO;
	if (b->token != token)
		return -EACCES;
	i = if_index(s, port);
	if (i < 0)
		return -ENXIO;
	/* A NIC joins one bridge; a VALE port a second one through a bwrap. */
	if (sim_port_index(b, port) >= 0 ||
	    attachments(s, port) >= (s->persistent[i] ? 2 : 1))
		return -EBUSY;
	for (i = 0; i < SIM_PORTS; i++) {
		if (!b->ports[i][0]) {
			snprintf(b->ports[i], sizeof(b->ports[i]), "%s", port);
			b->nports++;
			*index = (uint32_t)i;
			return 0;
		}
	}
	return -ENOMEM;
}

static int sim_detach(void *os, const char *bdg, void *token, const char *port)
{
	struct sim *s = os;
	struct sim_bridge *b;
	int i, rc = fault(s);

	if (rc)
		return rc;
	b = sim_bridge(s, bdg);
	if (!b)
		return -ENXIO;
	if (b->token != token)
		return -EACCES;
	i = sim_port_index(b, port);
	if (i < 0)
		return -ENXIO;
	b->ports[i][0] = '\0';
	b->nports--;
	return 0;
}

static int sim_table_edit(void *os, const char *bdg, void *token,
			  struct vv_table *table, const struct vv_table_edit *e)
{
	struct sim *s = os;
	struct sim_bridge *b;
	int rc = fault(s);

	if (rc)
		return rc;
	b = sim_bridge(s, bdg);
	if (!b)
		return -EINVAL;
	if (b->token != token || b->table != table)
		return -EACCES;
	return vv_table_apply(table, e);
}

const struct vv_os_ops sim_ops = {
	.bridge_create = sim_bridge_create,
	.bridge_destroy = sim_bridge_destroy,
	.port_create = sim_port_create,
	.port_destroy = sim_port_destroy,
	.attach = sim_attach,
	.detach = sim_detach,
	.table_edit = sim_table_edit,
};

void sim_init(struct sim *s, const char *const *nics)
{
	memset(s, 0, sizeof(*s));
	for (; nics && *nics; nics++)
		snprintf(s->ifs[s->nifs++], sizeof(s->ifs[0]), "%s", *nics);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void sim_dump(const struct sim *s, char *out, size_t size)
{
	char *lines[SIM_BRIDGES + SIM_IFS];
	size_t len = 0;
	int i, j, n = 0;

	out[0] = '\0';
	for (i = 0; i < SIM_BRIDGES; i++) {
		const struct sim_bridge *b = &s->bdg[i];
		char line[4096];
		size_t l;

		if (!b->name[0])
			continue;
		const char *names[SIM_PORTS];
		int k = 0;

		l = (size_t)snprintf(line, sizeof(line), "bdg %s table=%d:",
				     b->name, b->table != NULL);
		for (j = 0; j < SIM_PORTS; j++)
			if (b->ports[j][0])
				names[k++] = b->ports[j];
		/* Indices may change across a rollback: compare names. */
		qsort(names, (size_t)k, sizeof(names[0]), cmp_str);
		for (j = 0; j < k && l < sizeof(line); j++)
			l += (size_t)snprintf(line + l, sizeof(line) - l,
					      " %s", names[j]);
		lines[n++] = strdup(line);
	}
	for (i = 0; i < s->nifs; i++) {
		char line[64];

		snprintf(line, sizeof(line), "if %s%s", s->ifs[i],
			 s->persistent[i] ? " persistent" : "");
		lines[n++] = strdup(line);
	}
	qsort(lines, (size_t)n, sizeof(lines[0]), cmp_str);
	for (i = 0; i < n; i++) {
		if (len < size)
			len += (size_t)snprintf(out + len, size - len, "%s\n",
						lines[i]);
		free(lines[i]);
	}
}

const char *sim_check_tables(const struct sim *s)
{
	static char msg[160];
	int i, v;

	for (i = 0; i < SIM_BRIDGES; i++) {
		const struct sim_bridge *b = &s->bdg[i];
		const struct vv_table *t = b->table;
		char conf[VV_BDG_NAME_SIZE], ap[VV_BDG_NAME_SIZE];
		int mapped = 0;
		size_t cl;

		if (!b->name[0] || !t)
			continue;
		/* "valeV<C>TP:" */
		cl = strlen(b->name) - strlen("valeV") - strlen("TP:");
		memcpy(conf, b->name + 5, cl);
		conf[cl] = '\0';
		if (t->trunk_port != VV_NOPORT) {
			if (t->trunk_port >= SIM_PORTS ||
			    !b->ports[t->trunk_port][0]) {
				snprintf(msg, sizeof(msg), "%s: trunk %u absent",
					 b->name, t->trunk_port);
				return msg;
			}
			mapped++;
		}
		for (v = 0; v < VV_VID_COUNT; v++) {
			uint32_t p = t->vid_port[v];

			if (p == VV_NOPORT)
				continue;
			vv_name_ap(ap, sizeof(ap), conf, (uint16_t)v);
			if (p >= SIM_PORTS || strcmp(b->ports[p], ap) ||
			    t->port_vid[p] != v) {
				snprintf(msg, sizeof(msg),
					 "%s: vid %d -> port %u is not %s",
					 b->name, v, p, ap);
				return msg;
			}
			mapped++;
		}
		if (mapped != b->nports) {
			snprintf(msg, sizeof(msg), "%s: %d ports, %d in table",
				 b->name, b->nports, mapped);
			return msg;
		}
	}
	return NULL;
}
