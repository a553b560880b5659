// SPDX-License-Identifier: BSD-2-Clause
/*
 * vlan_conf.c - configurations, their ports, and the all-or-nothing
 * application of write() batches (see vlan_conf.h, kernel/README.md).
 */
#include "vlan_conf.h"

struct vv_port {
	char name[VV_PORT_NAME_MAX + 1];
	uint8_t role;			/* VV_ROLE_TRUNK / VV_ROLE_ACCESS */
	uint8_t created;		/* persistent port made by us */
	uint16_t vid;			/* access ports */
	uint32_t index;			/* trunk: index in the tagging bridge */
};

struct vv_vid {
	uint16_t vid;
	uint16_t nports;		/* access ports on this VID */
	uint32_t ap_index;		/* AP port in the tagging bridge */
	void *token;			/* the per-VID bridge */
};

struct vv_conf {
	char name[VV_CONF_NAME_MAX + 1];
	uint16_t flags;
	uint16_t native_vid;
	void *token;			/* the tagging bridge */
	struct vv_table *table;
	unsigned int nports;
	struct vv_port ports[VV_MAX_PORTS];	/* attach order */
	unsigned int nvids;
	struct vv_vid vids[VV_MAX_PORTS];
};

/* What undoing one applied record needs. */
struct vv_undo {
	uint16_t action;		/* as applied (names resolved) */
	uint16_t vid;
	uint16_t flags;
	uint16_t native_vid;
	uint8_t created;
	unsigned int pos;		/* former position in its list */
	char conf[VV_CONF_NAME_SIZE];
	char port[VV_PORT_NAME_SIZE];
};

/* ---- small string helpers (no libc) -------------------------------- */

static size_t vv_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

static int vv_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static void vv_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = vv_strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

struct vv_buf {
	char *p;
	size_t size;
	size_t len;
};

static void put_str(struct vv_buf *b, const char *s)
{
	while (*s && b->len + 1 < b->size)
		b->p[b->len++] = *s++;
	b->p[b->len] = '\0';
}

static void put_uint(struct vv_buf *b, unsigned int v)
{
	char digits[12];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n-- > 0 && b->len + 1 < b->size)
		b->p[b->len++] = digits[n];
	b->p[b->len] = '\0';
}

void vv_name_tagging_bdg(char *out, size_t size, const char *conf)
{
	struct vv_buf b = { out, size, 0 };

	put_str(&b, "valeV");
	put_str(&b, conf);
	put_str(&b, "TP:");
}

void vv_name_vid_bdg(char *out, size_t size, const char *conf, uint16_t vid)
{
	struct vv_buf b = { out, size, 0 };

	put_str(&b, "valeV");
	put_uint(&b, vid);
	put_str(&b, conf);
	put_str(&b, ":");
}

void vv_name_ap(char *out, size_t size, const char *conf, uint16_t vid)
{
	struct vv_buf b = { out, size, 0 };

	put_str(&b, conf);
	put_str(&b, "AP");
	put_uint(&b, vid);
}

/* ---- validation ----------------------------------------------------- */

static int conf_char_ok(char c, int first)
{
	if (c >= 'a' && c <= 'z')
		return 1;
	return !first && c >= '0' && c <= '9';
}

static int port_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/*
 * Check a NUL-padded name field. Returns 0 or -errno with *reason set;
 * *len gets the name length. kind_conf selects the conf-name rules.
 */
static int check_name(const char *field, size_t size, size_t max, int kind_conf,
		      int may_be_empty, size_t *len, uint16_t *reason)
{
	uint16_t r_bad = kind_conf ? VV_R_CONF_NAME : VV_R_PORT_NAME;
	uint16_t r_long = kind_conf ? VV_R_CONF_NAME_LONG : VV_R_PORT_NAME_LONG;
	size_t n = vv_strnlen(field, size), i;

	*len = n;
	if (n == size || n > max) {
		*reason = r_long;
		return -ENAMETOOLONG;
	}
	for (i = n; i < size; i++) {
		if (field[i]) {
			*reason = r_bad;
			return -EINVAL;
		}
	}
	if (n == 0) {
		if (may_be_empty)
			return 0;
		*reason = r_bad;
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (kind_conf ? !conf_char_ok(field[i], i == 0) :
				!port_char_ok(field[i])) {
			*reason = r_bad;
			return -EINVAL;
		}
	}
	return 0;
}

static int validate_rec(const struct vv_req *r, uint16_t *reason)
{
	int need_vid = 0, opts = 0, port = 0;	/* port: 0 none, 1 req, 2 opt */
	int conf_optional = 0;
	size_t n;
	int rc;

	if (r->vr_version != VV_ABI_VERSION) {
		*reason = VV_R_VERSION;
		return -EPROTO;
	}
	switch (r->vr_action) {
	case VV_CREATE_CONF:
		opts = 1;
		break;
	case VV_DELETE_CONF:
		break;
	case VV_ATTACH_TRUNK:
	case VV_CREATE_TRUNK:
	case VV_DETACH_ACCESS:
	case VV_DESTROY_ACCESS:
		port = 1;
		break;
	case VV_DETACH_TRUNK:
	case VV_DESTROY_TRUNK:
		port = 2;
		break;
	case VV_ATTACH_ACCESS:
	case VV_CREATE_ACCESS:
		port = 1;
		need_vid = 1;
		break;
	case VV_LIST:
		conf_optional = 1;
		break;
	default:
		*reason = VV_R_ACTION;
		return -EOPNOTSUPP;
	}
	rc = check_name(r->vr_conf, sizeof(r->vr_conf), VV_CONF_NAME_MAX, 1,
			conf_optional, &n, reason);
	if (rc)
		return rc;
	if (port) {
		rc = check_name(r->vr_port, sizeof(r->vr_port),
				VV_PORT_NAME_MAX, 0, port == 2, &n, reason);
		if (rc)
			return rc;
	} else {
		rc = check_name(r->vr_port, sizeof(r->vr_port),
				VV_PORT_NAME_MAX, 0, 1, &n, reason);
		if (rc || n) {
			*reason = VV_R_RESERVED;
			return -EINVAL;
		}
	}
	if (need_vid && r->vr_vid > VV_VID_MAX) {
		*reason = VV_R_VID;
		return -EINVAL;
	}
	if (!need_vid && r->vr_vid) {
		*reason = VV_R_RESERVED;
		return -EINVAL;
	}
	if (opts) {
		if ((r->vr_flags & ~VV_OPT_ALL) ||
		    ((r->vr_flags & VV_OPT_KEEP_PCP) &&
		     (r->vr_flags & VV_OPT_DOT1AD)) ||
		    (!(r->vr_flags & VV_OPT_NATIVE) && r->vr_native_vid) ||
		    r->vr_native_vid > VV_VID_MAX) {
			*reason = VV_R_OPTIONS;
			return -EINVAL;
		}
	} else if (r->vr_flags || r->vr_native_vid) {
		*reason = VV_R_RESERVED;
		return -EINVAL;
	}
	if (r->vr_reserved0 || r->vr_reserved1) {
		*reason = VV_R_RESERVED;
		return -EINVAL;
	}
	return 0;
}

int vv_validate(const void *buf, size_t len, int32_t *index, uint16_t *reason)
{
	const unsigned char *p = buf;
	size_t i, n = len / sizeof(struct vv_req);
	struct vv_req r;
	int rc;

	*index = -1;
	*reason = VV_R_NONE;
	if (len == 0 || len % sizeof(struct vv_req)) {
		*index = len ? (int32_t)n : -1;
		*reason = VV_R_LENGTH;
		return -EINVAL;
	}
	if (n > VV_MAX_RECORDS) {
		*reason = VV_R_TOO_MANY;
		return -E2BIG;
	}
	for (i = 0; i < n; i++) {
		memcpy(&r, p + i * sizeof(r), sizeof(r));
		rc = validate_rec(&r, reason);
		if (rc) {
			*index = (int32_t)i;
			return rc;
		}
	}
	return 0;
}

/* ---- state lookups -------------------------------------------------- */

void vv_state_init(struct vv_state *s, const struct vv_os_ops *ops, void *os)
{
	unsigned int i;

	s->ops = ops;
	s->os = os;
	for (i = 0; i < VV_MAX_CONFS; i++)
		s->confs[i] = NULL;
}

unsigned int vv_conf_count(const struct vv_state *s)
{
	unsigned int n = 0;

	while (n < VV_MAX_CONFS && s->confs[n])
		n++;
	return n;
}

void vv_session_init(struct vv_session *fd)
{
	memset(fd, 0, sizeof(*fd));
	fd->err_index = -1;
}

static int find_conf(const struct vv_state *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < VV_MAX_CONFS && s->confs[i]; i++)
		if (vv_streq(s->confs[i]->name, name))
			return (int)i;
	return -1;
}

static int find_port(const struct vv_conf *c, const char *name, uint8_t role)
{
	unsigned int i;

	for (i = 0; i < c->nports; i++)
		if ((!role || c->ports[i].role == role) &&
		    (vv_streq(c->ports[i].name, name) ||
		     (!name[0] && c->ports[i].role == VV_ROLE_TRUNK)))
			return (int)i;
	return -1;
}

static struct vv_vid *find_vid(struct vv_conf *c, uint16_t vid)
{
	unsigned int i;

	for (i = 0; i < c->nvids; i++)
		if (c->vids[i].vid == vid)
			return &c->vids[i];
	return NULL;
}

/* Is name in use anywhere: a port of any conf, or one of our AP ports? */
static int port_in_use(const struct vv_state *s, const char *name)
{
	char ap[VV_BDG_NAME_SIZE];
	unsigned int i, j;

	for (i = 0; i < VV_MAX_CONFS && s->confs[i]; i++) {
		const struct vv_conf *c = s->confs[i];

		if (find_port(c, name, 0) >= 0)
			return 1;
		for (j = 0; j < c->nvids; j++) {
			vv_name_ap(ap, sizeof(ap), c->name, c->vids[j].vid);
			if (vv_streq(ap, name))
				return 1;
		}
	}
	return 0;
}

static void port_insert(struct vv_conf *c, unsigned int pos,
			const struct vv_port *p)
{
	unsigned int i;

	if (pos > c->nports)
		pos = c->nports;
	for (i = c->nports; i > pos; i--)
		c->ports[i] = c->ports[i - 1];
	c->ports[pos] = *p;
	c->nports++;
}

static void port_remove(struct vv_conf *c, unsigned int pos)
{
	unsigned int i;

	for (i = pos; i + 1 < c->nports; i++)
		c->ports[i] = c->ports[i + 1];
	c->nports--;
}

static int table_edit(struct vv_state *s, struct vv_conf *c, uint32_t kind,
		      uint32_t port, uint16_t vid)
{
	struct vv_table_edit e = { kind, port, vid };
	char bdg[VV_BDG_NAME_SIZE];

	if (!s->ops->table_edit)
		return vv_table_apply(c->table, &e);
	vv_name_tagging_bdg(bdg, sizeof(bdg), c->name);
	return s->ops->table_edit(s->os, bdg, c->token, c->table, &e);
}

/* ---- configurations ------------------------------------------------- */

static int vid_teardown(struct vv_state *s, struct vv_conf *c,
			struct vv_vid *v);
static void vid_forget(struct vv_conf *c, struct vv_vid *v);

/*
 * Remove VIDs left without access ports (only after a failed rollback);
 * returns 0 when none is left.
 */
static int drop_idle_vids(struct vv_state *s, struct vv_conf *c)
{
	unsigned int i = 0;
	int rc = 0;

	while (i < c->nvids) {
		if (c->vids[i].nports == 0 && !vid_teardown(s, c, &c->vids[i])) {
			vid_forget(c, &c->vids[i]);
			continue;
		}
		if (c->vids[i].nports == 0)
			rc = -EBUSY;
		i++;
	}
	return rc;
}

static int conf_create(struct vv_state *s, const char *name, uint16_t flags,
		       uint16_t native_vid, unsigned int pos, uint16_t *reason)
{
	unsigned int n = vv_conf_count(s), i;
	char bdg[VV_BDG_NAME_SIZE];
	struct vv_conf *c;
	int rc;

	if (find_conf(s, name) >= 0) {
		*reason = VV_R_CONF_EXISTS;
		return -EEXIST;
	}
	if (n == VV_MAX_CONFS) {
		*reason = VV_R_CONF_LIMIT;
		return -ENOSPC;
	}
	c = vv_zalloc(sizeof(*c));
	if (!c) {
		*reason = VV_R_NOMEM;
		return -ENOMEM;
	}
	c->table = vv_zalloc(sizeof(*c->table));
	if (!c->table) {
		vv_free(c);
		*reason = VV_R_NOMEM;
		return -ENOMEM;
	}
	vv_strlcpy(c->name, name, sizeof(c->name));
	c->flags = flags;
	c->native_vid = native_vid;
	vv_table_init(c->table, flags, native_vid);
	vv_name_tagging_bdg(bdg, sizeof(bdg), name);
	rc = s->ops->bridge_create(s->os, bdg, c->table, &c->token);
	if (rc) {
		vv_free(c->table);
		vv_free(c);
		*reason = VV_R_OS;
		return rc;
	}
	if (pos > n)
		pos = n;
	for (i = n; i > pos; i--)
		s->confs[i] = s->confs[i - 1];
	s->confs[pos] = c;
	return 0;
}

static int conf_delete(struct vv_state *s, const char *name,
		       struct vv_undo *u, uint16_t *reason)
{
	int idx = find_conf(s, name);
	char bdg[VV_BDG_NAME_SIZE];
	struct vv_conf *c;
	unsigned int i;
	int rc;

	if (idx < 0) {
		*reason = VV_R_NO_CONF;
		return -ENXIO;
	}
	c = s->confs[idx];
	if (c->nports) {
		*reason = VV_R_CONF_BUSY;
		return -EBUSY;
	}
	rc = drop_idle_vids(s, c);
	if (rc) {
		*reason = VV_R_OS;
		return rc;
	}
	vv_name_tagging_bdg(bdg, sizeof(bdg), c->name);
	rc = s->ops->bridge_destroy(s->os, bdg, c->token);
	if (rc) {
		*reason = VV_R_OS;
		return rc;
	}
	if (u) {
		u->flags = c->flags;
		u->native_vid = c->native_vid;
		u->pos = (unsigned int)idx;
	}
	for (i = (unsigned int)idx; i + 1 < VV_MAX_CONFS; i++)
		s->confs[i] = s->confs[i + 1];
	s->confs[VV_MAX_CONFS - 1] = NULL;
	vv_free(c->table);
	vv_free(c);
	return 0;
}

/* ---- trunk ---------------------------------------------------------- */

static int trunk_attach(struct vv_state *s, struct vv_conf *c, const char *port,
			int create, unsigned int pos, uint16_t *reason)
{
	const struct vv_os_ops *ops = s->ops;
	struct vv_port p = { .role = VV_ROLE_TRUNK, .created = !!create };
	char bdg[VV_BDG_NAME_SIZE];
	int rc;

	if (port_in_use(s, port)) {
		*reason = VV_R_PORT_BUSY;
		return -EBUSY;
	}
	if (find_port(c, "", VV_ROLE_TRUNK) >= 0) {
		*reason = VV_R_TRUNK_BUSY;
		return -EBUSY;
	}
	if (c->nports == VV_MAX_PORTS) {
		*reason = VV_R_PORT_LIMIT;
		return -ENOSPC;
	}
	*reason = VV_R_OS;
	vv_strlcpy(p.name, port, sizeof(p.name));
	vv_name_tagging_bdg(bdg, sizeof(bdg), c->name);
	if (create) {
		rc = ops->port_create(s->os, port);
		if (rc)
			return rc;
	}
	rc = ops->attach(s->os, bdg, c->token, port, &p.index);
	if (rc)
		goto destroy;
	rc = table_edit(s, c, VV_EDIT_TRUNK_SET, p.index, 0);
	if (rc)
		goto detach;
	port_insert(c, pos, &p);
	*reason = VV_R_NONE;
	return 0;
detach:
	ops->detach(s->os, bdg, c->token, port);
destroy:
	if (create)
		ops->port_destroy(s->os, port);
	return rc;
}

static int trunk_detach(struct vv_state *s, struct vv_conf *c, const char *port,
			int destroy, struct vv_undo *u, uint16_t *reason)
{
	const struct vv_os_ops *ops = s->ops;
	int idx = find_port(c, port, VV_ROLE_TRUNK);
	char bdg[VV_BDG_NAME_SIZE];
	struct vv_port p;
	int rc;

	if (idx < 0) {
		*reason = VV_R_NO_PORT;
		return -ENXIO;
	}
	p = c->ports[idx];
	*reason = VV_R_OS;
	vv_name_tagging_bdg(bdg, sizeof(bdg), c->name);
	rc = table_edit(s, c, VV_EDIT_TRUNK_CLEAR, p.index, 0);
	if (rc)
		return rc;
	rc = ops->detach(s->os, bdg, c->token, p.name);
	if (rc)
		goto reset;
	if (destroy) {
		rc = ops->port_destroy(s->os, p.name);
		if (rc)
			goto reattach;
	}
	if (u) {
		vv_strlcpy(u->port, p.name, sizeof(u->port));
		u->created = p.created;
		u->pos = (unsigned int)idx;
	}
	port_remove(c, (unsigned int)idx);
	*reason = VV_R_NONE;
	return 0;
reattach:
	ops->attach(s->os, bdg, c->token, p.name, &c->ports[idx].index);
	p.index = c->ports[idx].index;
reset:
	table_edit(s, c, VV_EDIT_TRUNK_SET, p.index, 0);
	return rc;
}

/* ---- access ports ---------------------------------------------------- */

/*
 * The per-VID bridge and its AP port are built in five steps and torn down
 * in the reverse order, so that a failure at any step can be undone by
 * running the other direction from that point:
 *   1 create valeV<vid><C>:       2 create <C>AP<vid>
 *   3 attach AP to valeV<vid><C>: 4 attach AP to valeV<C>TP:
 *   5 map VID <-> AP in the table
 */
#define VID_STEPS 5

struct vid_names {
	char tbdg[VV_BDG_NAME_SIZE];
	char vbdg[VV_BDG_NAME_SIZE];
	char ap[VV_BDG_NAME_SIZE];
};

static void vid_names(struct vid_names *n, const struct vv_conf *c,
		      uint16_t vid)
{
	vv_name_tagging_bdg(n->tbdg, sizeof(n->tbdg), c->name);
	vv_name_vid_bdg(n->vbdg, sizeof(n->vbdg), c->name, vid);
	vv_name_ap(n->ap, sizeof(n->ap), c->name, vid);
}

/* Do step k (1..5) of building v. */
static int vid_step_up(struct vv_state *s, struct vv_conf *c, struct vv_vid *v,
		       const struct vid_names *n, int k)
{
	const struct vv_os_ops *ops = s->ops;
	uint32_t unused;

	switch (k) {
	case 1:
		return ops->bridge_create(s->os, n->vbdg, NULL, &v->token);
	case 2:
		return ops->port_create(s->os, n->ap);
	case 3:
		return ops->attach(s->os, n->vbdg, v->token, n->ap, &unused);
	case 4:
		return ops->attach(s->os, n->tbdg, c->token, n->ap,
				   &v->ap_index);
	default:
		return table_edit(s, c, VV_EDIT_ACCESS_SET, v->ap_index,
				  v->vid);
	}
}

/* Undo step k (1..5) of building v. */
static int vid_step_down(struct vv_state *s, struct vv_conf *c,
			 struct vv_vid *v, const struct vid_names *n, int k)
{
	const struct vv_os_ops *ops = s->ops;

	switch (k) {
	case 1:
		return ops->bridge_destroy(s->os, n->vbdg, v->token);
	case 2:
		return ops->port_destroy(s->os, n->ap);
	case 3:
		return ops->detach(s->os, n->vbdg, v->token, n->ap);
	case 4:
		return ops->detach(s->os, n->tbdg, c->token, n->ap);
	default:
		return table_edit(s, c, VV_EDIT_ACCESS_CLEAR, v->ap_index,
				  v->vid);
	}
}

/* Build v (the first access port of a VID); nothing is left on failure. */
static int vid_setup(struct vv_state *s, struct vv_conf *c, uint16_t vid,
		     struct vv_vid *v)
{
	struct vid_names n;
	int k, rc;

	vid_names(&n, c, vid);
	v->vid = vid;
	v->nports = 0;
	for (k = 1; k <= VID_STEPS; k++) {
		rc = vid_step_up(s, c, v, &n, k);
		if (rc) {
			while (--k >= 1)
				vid_step_down(s, c, v, &n, k);
			return rc;
		}
	}
	return 0;
}

/* Tear v down (its last access port has gone); all is kept on failure. */
static int vid_teardown(struct vv_state *s, struct vv_conf *c,
			struct vv_vid *v)
{
	struct vid_names n;
	int k, rc;

	vid_names(&n, c, v->vid);
	for (k = VID_STEPS; k >= 1; k--) {
		rc = vid_step_down(s, c, v, &n, k);
		if (rc) {
			while (++k <= VID_STEPS)
				vid_step_up(s, c, v, &n, k);
			return rc;
		}
	}
	return 0;
}

/* Forget v (after vid_teardown succeeded). */
static void vid_forget(struct vv_conf *c, struct vv_vid *v)
{
	*v = c->vids[--c->nvids];
}

static int access_attach(struct vv_state *s, struct vv_conf *c,
			 const char *port, uint16_t vid, int create,
			 unsigned int pos, uint16_t *reason)
{
	const struct vv_os_ops *ops = s->ops;
	struct vv_port p = { .role = VV_ROLE_ACCESS, .created = !!create,
			     .vid = vid };
	char vbdg[VV_BDG_NAME_SIZE];
	struct vv_vid *v = find_vid(c, vid);
	int rc, fresh = !v;

	if (port_in_use(s, port)) {
		*reason = VV_R_PORT_BUSY;
		return -EBUSY;
	}
	if (c->nports == VV_MAX_PORTS) {
		*reason = VV_R_PORT_LIMIT;
		return -ENOSPC;
	}
	*reason = VV_R_OS;
	vv_strlcpy(p.name, port, sizeof(p.name));
	if (create) {
		rc = ops->port_create(s->os, port);
		if (rc)
			return rc;
	}
	if (fresh) {
		v = &c->vids[c->nvids];
		rc = vid_setup(s, c, vid, v);
		if (rc)
			goto destroy;
		c->nvids++;
	}
	vv_name_vid_bdg(vbdg, sizeof(vbdg), c->name, vid);
	rc = ops->attach(s->os, vbdg, v->token, port, &p.index);
	if (rc)
		goto teardown;
	v->nports++;
	port_insert(c, pos, &p);
	*reason = VV_R_NONE;
	return 0;
teardown:
	if (fresh && !vid_teardown(s, c, v))
		vid_forget(c, v);
destroy:
	if (create)
		ops->port_destroy(s->os, port);
	return rc;
}

static int access_detach(struct vv_state *s, struct vv_conf *c,
			 const char *port, int destroy, struct vv_undo *u,
			 uint16_t *reason)
{
	const struct vv_os_ops *ops = s->ops;
	int idx = find_port(c, port, VV_ROLE_ACCESS);
	char vbdg[VV_BDG_NAME_SIZE];
	struct vv_port p;
	struct vv_vid *v;
	uint32_t unused;
	int rc;

	if (idx < 0) {
		*reason = VV_R_NO_PORT;
		return -ENXIO;
	}
	p = c->ports[idx];
	v = find_vid(c, p.vid);
	if (!v) {
		*reason = VV_R_NO_PORT;	/* not reached: every VID is known */
		return -ENXIO;
	}
	*reason = VV_R_OS;
	vv_name_vid_bdg(vbdg, sizeof(vbdg), c->name, p.vid);
	rc = ops->detach(s->os, vbdg, v->token, p.name);
	if (rc)
		return rc;
	if (destroy) {
		rc = ops->port_destroy(s->os, p.name);
		if (rc)
			goto reattach;
	}
	if (v->nports == 1) {
		rc = vid_teardown(s, c, v);
		if (rc)
			goto recreate;
		vid_forget(c, v);
	} else {
		v->nports--;
	}
	if (u) {
		u->vid = p.vid;
		u->created = p.created;
		u->pos = (unsigned int)idx;
	}
	port_remove(c, (unsigned int)idx);
	*reason = VV_R_NONE;
	return 0;
recreate:
	if (destroy)
		ops->port_create(s->os, p.name);
reattach:
	ops->attach(s->os, vbdg, v->token, p.name, &unused);
	return rc;
}

/* ---- records -------------------------------------------------------- */

static int apply(struct vv_state *s, struct vv_session *fd,
		 const struct vv_req *r, struct vv_undo *u, uint16_t *reason)
{
	int idx, destroy, create;
	struct vv_conf *c;

	u->action = r->vr_action;
	vv_strlcpy(u->conf, r->vr_conf, sizeof(u->conf));
	vv_strlcpy(u->port, r->vr_port, sizeof(u->port));
	switch (r->vr_action) {
	case VV_CREATE_CONF:
		return conf_create(s, r->vr_conf, r->vr_flags,
				   r->vr_native_vid, VV_MAX_CONFS, reason);
	case VV_DELETE_CONF:
		return conf_delete(s, r->vr_conf, u, reason);
	case VV_LIST:
		if (r->vr_conf[0] && find_conf(s, r->vr_conf) < 0) {
			*reason = VV_R_NO_CONF;
			return -ENXIO;
		}
		/* u->conf keeps the previous selection for the undo. */
		vv_strlcpy(u->conf, fd->list_conf, sizeof(u->conf));
		vv_strlcpy(fd->list_conf, r->vr_conf, sizeof(fd->list_conf));
		return 0;
	}
	idx = find_conf(s, r->vr_conf);
	if (idx < 0) {
		*reason = VV_R_NO_CONF;
		return -ENXIO;
	}
	c = s->confs[idx];
	create = r->vr_action == VV_CREATE_TRUNK ||
		 r->vr_action == VV_CREATE_ACCESS;
	destroy = r->vr_action == VV_DESTROY_TRUNK ||
		  r->vr_action == VV_DESTROY_ACCESS;
	switch (r->vr_action) {
	case VV_CREATE_TRUNK:
	case VV_ATTACH_TRUNK:
		return trunk_attach(s, c, r->vr_port, create, c->nports,
				    reason);
	case VV_DESTROY_TRUNK:
	case VV_DETACH_TRUNK:
		return trunk_detach(s, c, r->vr_port, destroy, u, reason);
	case VV_CREATE_ACCESS:
	case VV_ATTACH_ACCESS:
		return access_attach(s, c, r->vr_port, r->vr_vid, create,
				     c->nports, reason);
	case VV_DESTROY_ACCESS:
	case VV_DETACH_ACCESS:
		return access_detach(s, c, r->vr_port, destroy, u, reason);
	}
	*reason = VV_R_ACTION;
	return -EOPNOTSUPP;	/* not reached: validated */
}

/* Undo one applied record; best effort (the OS side should not fail). */
static void undo(struct vv_state *s, struct vv_session *fd,
		 const struct vv_undo *u)
{
	int idx = find_conf(s, u->conf);
	struct vv_conf *c = idx >= 0 ? s->confs[idx] : NULL;
	uint16_t reason;

	switch (u->action) {
	case VV_CREATE_CONF:
		conf_delete(s, u->conf, NULL, &reason);
		return;
	case VV_DELETE_CONF:
		conf_create(s, u->conf, u->flags, u->native_vid, u->pos,
			    &reason);
		return;
	case VV_LIST:
		vv_strlcpy(fd->list_conf, u->conf, sizeof(fd->list_conf));
		return;
	}
	if (!c)
		return;
	switch (u->action) {
	case VV_CREATE_TRUNK:
	case VV_ATTACH_TRUNK:
		trunk_detach(s, c, u->port, u->action == VV_CREATE_TRUNK, NULL,
			     &reason);
		break;
	case VV_DESTROY_TRUNK:
	case VV_DETACH_TRUNK:
		trunk_attach(s, c, u->port, u->action == VV_DESTROY_TRUNK,
			     u->pos, &reason);
		idx = find_port(c, u->port, VV_ROLE_TRUNK);
		if (idx >= 0)
			c->ports[idx].created = u->created;
		break;
	case VV_CREATE_ACCESS:
	case VV_ATTACH_ACCESS:
		access_detach(s, c, u->port, u->action == VV_CREATE_ACCESS,
			      NULL, &reason);
		break;
	case VV_DESTROY_ACCESS:
	case VV_DETACH_ACCESS:
		access_attach(s, c, u->port, u->vid,
			      u->action == VV_DESTROY_ACCESS, u->pos, &reason);
		idx = find_port(c, u->port, VV_ROLE_ACCESS);
		if (idx >= 0)
			c->ports[idx].created = u->created;
		break;
	}
}

static void set_status(struct vv_session *fd, int32_t index, int err,
		       uint16_t reason)
{
	fd->err_index = index;
	fd->err_errno = -err;
	fd->reason = reason;
}

int vv_write(struct vv_state *s, struct vv_session *fd, const void *buf,
	     size_t len)
{
	const unsigned char *p = buf;
	size_t i, n = len / sizeof(struct vv_req);
	struct vv_undo *log;
	uint16_t reason;
	struct vv_req r;
	int32_t index;
	int rc;

	rc = vv_validate(buf, len, &index, &reason);
	if (rc) {
		set_status(fd, index, rc, reason);
		return rc;
	}
	log = vv_zalloc(n * sizeof(*log));
	if (!log) {
		set_status(fd, -1, -ENOMEM, VV_R_NOMEM);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		memcpy(&r, p + i * sizeof(r), sizeof(r));
		reason = VV_R_NONE;
		rc = apply(s, fd, &r, &log[i], &reason);
		if (rc)
			break;
	}
	if (rc) {
		size_t failed = i;

		while (i-- > 0)
			undo(s, fd, &log[i]);
		set_status(fd, (int32_t)failed, rc, reason);
	} else {
		set_status(fd, -1, 0, VV_R_NONE);
	}
	vv_free(log);
	return rc;
}

/* ---- read ----------------------------------------------------------- */

static void list_rec(struct vv_list_rec *out, const struct vv_conf *c,
		     const struct vv_port *p)
{
	memset(out, 0, sizeof(*out));
	vv_strlcpy(out->vl_conf, c->name, sizeof(out->vl_conf));
	if (!p) {
		out->vl_role = VV_ROLE_CONF;
		out->vl_flags = c->flags;
		out->vl_native_vid = c->native_vid;
		vv_name_tagging_bdg(out->vl_bridge, sizeof(out->vl_bridge),
				    c->name);
		return;
	}
	vv_strlcpy(out->vl_port, p->name, sizeof(out->vl_port));
	out->vl_role = p->role;
	out->vl_flags = p->created ? VV_LIST_CREATED : 0;
	if (p->role == VV_ROLE_TRUNK) {
		out->vl_vid = VV_VID_RESERVED;
		vv_name_tagging_bdg(out->vl_bridge, sizeof(out->vl_bridge),
				    c->name);
	} else {
		out->vl_vid = p->vid;
		vv_name_vid_bdg(out->vl_bridge, sizeof(out->vl_bridge),
				c->name, p->vid);
	}
}

long vv_read(const struct vv_state *s, const struct vv_session *fd, void *buf,
	     size_t len)
{
	unsigned char *out = buf;
	struct vv_status st = { .vs_version = VV_ABI_VERSION };
	size_t room, used = sizeof(st);
	struct vv_list_rec rec;
	unsigned int i, j;

	if (len < sizeof(st))
		return -EINVAL;
	room = (len - sizeof(st)) / sizeof(rec);
	for (i = 0; i < VV_MAX_CONFS && s->confs[i]; i++) {
		const struct vv_conf *c = s->confs[i];

		if (fd->list_conf[0] && !vv_streq(fd->list_conf, c->name))
			continue;
		for (j = 0; j <= c->nports; j++) {
			st.vs_total++;
			if (st.vs_count == room)
				continue;
			list_rec(&rec, c, j ? &c->ports[j - 1] : NULL);
			memcpy(out + used, &rec, sizeof(rec));
			used += sizeof(rec);
			st.vs_count++;
		}
	}
	st.vs_reason = fd->reason;
	st.vs_err_index = fd->err_index;
	st.vs_err_errno = fd->err_errno;
	memcpy(out, &st, sizeof(st));
	return (long)used;
}

/* ---- teardown and messages ------------------------------------------ */

void vv_state_teardown(struct vv_state *s)
{
	uint16_t reason;

	while (s->confs[0]) {
		struct vv_conf *c = s->confs[0];
		char name[VV_CONF_NAME_SIZE];

		while (c->nports) {
			unsigned int before = c->nports;
			struct vv_port *p = &c->ports[before - 1];
			struct vv_vid *v;

			if (p->role == VV_ROLE_TRUNK)
				trunk_detach(s, c, p->name, p->created, NULL,
					     &reason);
			else
				access_detach(s, c, p->name, p->created, NULL,
					      &reason);
			if (c->nports < before)
				continue;
			/* The OS refused: forget the port anyway. */
			v = p->role == VV_ROLE_ACCESS ? find_vid(c, p->vid) :
							NULL;
			port_remove(c, before - 1);
			if (v && --v->nports == 0) {
				vid_teardown(s, c, v);
				vid_forget(c, v);
			}
		}
		while (c->nvids) {	/* idle VIDs the OS refused to drop */
			vid_teardown(s, c, &c->vids[0]);
			vid_forget(c, &c->vids[0]);
		}
		vv_strlcpy(name, c->name, sizeof(name));
		if (conf_delete(s, name, NULL, &reason)) {
			/* The OS refused: forget the conf anyway. */
			unsigned int i;

			for (i = 0; i + 1 < VV_MAX_CONFS; i++)
				s->confs[i] = s->confs[i + 1];
			s->confs[VV_MAX_CONFS - 1] = NULL;
			vv_free(c->table);
			vv_free(c);
		}
	}
}

const char *vv_reason_text(unsigned int reason)
{
	static const char *const text[] = {
		[VV_R_NONE] = "",
		[VV_R_LENGTH] = "write length must be a non-zero multiple of 64 bytes (struct vv_req)",
		[VV_R_TOO_MANY] = "too many records in one write (at most 256)",
		[VV_R_VERSION] = "vr_version is not the ABI version this module speaks (1)",
		[VV_R_ACTION] = "unknown vr_action",
		[VV_R_RESERVED] = "a field this action does not use is not zero",
		[VV_R_CONF_NAME] = "conf name must be 1-6 characters: a lowercase letter, then lowercase letters or digits",
		[VV_R_CONF_NAME_LONG] = "conf name is longer than 6 characters",
		[VV_R_PORT_NAME] = "port name missing or not made of letters, digits, '_', '.', '-'",
		[VV_R_PORT_NAME_LONG] = "port name is longer than 15 characters",
		[VV_R_VID] = "VLAN ID must be 0..4094",
		[VV_R_OPTIONS] = "bad conf options: unknown flag, native VID without VV_OPT_NATIVE or above 4094, or KEEP_PCP with DOT1AD",
		[VV_R_CONF_EXISTS] = "a conf with this name exists already",
		[VV_R_CONF_LIMIT] = "all 4 confs are in use; delete one first",
		[VV_R_NO_CONF] = "no such conf",
		[VV_R_CONF_BUSY] = "the conf still has ports; detach them first",
		[VV_R_PORT_BUSY] = "the port is attached already (to this or another conf)",
		[VV_R_TRUNK_BUSY] = "the conf has a trunk already; detach it first",
		[VV_R_NO_PORT] = "no such port in this conf (with this role)",
		[VV_R_PORT_LIMIT] = "the conf has 128 ports already",
		[VV_R_OS] = "the switch (netmap or uvale) refused the operation",
		[VV_R_NOMEM] = "out of memory",
	};

	if (reason > VV_R_LAST)
		return "unknown reason";
	return text[reason];
}
