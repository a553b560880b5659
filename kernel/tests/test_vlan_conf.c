// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_vlan_conf - the configuration state machine of kernel/vlan_conf.c
 * over the in-memory switch of vv_sim.c: the bridges and ports it builds,
 * every bad input with its errno and reason, all-or-nothing batches (a fault
 * injected at every OS call of a batch leaves no trace), list reads, limits.
 */
#include <stdlib.h>
#include <string.h>

#include "vv_check.h"
#include "vv_sim.h"

static const char *const nics[] = {
	"eth0", "eth1", "eth2", "eth3", "eth4", "eth5", "eth6", "eth7",
	"veth-a.1", NULL,
};

static struct sim sim;
static struct vv_state st;
static struct vv_session fd;

static struct vv_req rec(uint16_t action, const char *conf, const char *port,
			 uint16_t vid)
{
	struct vv_req r;

	memset(&r, 0, sizeof(r));
	r.vr_version = VV_ABI_VERSION;
	r.vr_action = action;
	r.vr_vid = vid;
	/* Test names are short: they always fit with their NUL. */
	memcpy(r.vr_conf, conf, strnlen(conf, sizeof(r.vr_conf)));
	memcpy(r.vr_port, port, strnlen(port, sizeof(r.vr_port)));
	return r;
}

static void reset(void)
{
	sim_init(&sim, nics);
	vv_state_init(&st, &sim_ops, &sim);
	vv_session_init(&fd);
}

static int wr(const struct vv_req *r, size_t n)
{
	return vv_write(&st, &fd, r, n * sizeof(*r));
}

static int wr1(struct vv_req r)
{
	return wr(&r, 1);
}

/* Everything observable: the switch and the full list. */
static void snapshot(char *out, size_t size)
{
	unsigned char buf[16 + 96 * 600];
	struct vv_session all;
	long n, i;
	size_t len;

	vv_session_init(&all);
	sim_dump(&sim, out, size);
	n = vv_read(&st, &all, buf, sizeof(buf));
	len = strlen(out);
	for (i = 16; i < n && len + 3 < size; i++) {
		out[len++] = "0123456789abcdef"[buf[i] >> 4];
		out[len++] = "0123456789abcdef"[buf[i] & 15];
	}
	out[len] = '\0';
}

static struct vv_status status(void)
{
	struct vv_status s;
	unsigned char buf[16];

	vv_read(&st, &fd, buf, sizeof(buf));
	memcpy(&s, buf, sizeof(s));
	return s;
}

/* The standard configuration: foo with trunk eth0, eth1+eth2 on 10, eth3
 * on 20. */
static void setup_foo(void)
{
	struct vv_req r[] = {
		rec(VV_CREATE_CONF, "foo", "", 0),
		rec(VV_ATTACH_TRUNK, "foo", "eth0", 0),
		rec(VV_ATTACH_ACCESS, "foo", "eth1", 10),
		rec(VV_ATTACH_ACCESS, "foo", "eth2", 10),
		rec(VV_ATTACH_ACCESS, "foo", "eth3", 20),
	};

	CHECK(wr(r, 5) == 0, "setup");
}

static void test_build(void)
{
	char dump[8192];
	struct sim_bridge *tb, *b10;
	unsigned char buf[16 + 96 * 8];
	struct vv_list_rec l[8];
	struct vv_status s;
	uint8_t frame[64] = { 0 };
	struct vv_frag f = { frame, 64, 64 };
	uint32_t dst;
	long n;

	reset();
	setup_foo();
	sim_dump(&sim, dump, sizeof(dump));
	CHECK(strstr(dump, "bdg valeVfooTP: table=1: eth0 fooAP10 fooAP20\n") &&
	      strstr(dump, "bdg valeV10foo: table=0: eth1 eth2 fooAP10\n") &&
	      strstr(dump, "bdg valeV20foo: table=0: eth3 fooAP20\n") &&
	      strstr(dump, "if fooAP10 persistent\n"), "switch:\n%s", dump);
	CHECK(sim_check_tables(&sim) == NULL, "%s", sim_check_tables(&sim));

	/* The installed table forwards trunk VID 20 to fooAP20. */
	tb = sim_bridge(&sim, "valeVfooTP:");
	b10 = sim_bridge(&sim, "valeV10foo:");
	CHECK(tb && b10, "bridges");
	if (!tb)
		return;
	frame[12] = 0x81;
	frame[15] = 20;
	CHECK(vv_forward(tb->table, (uint32_t)sim_port_index(tb, "eth0"), &f,
			 1, 0, &dst) == VV_FWD &&
	      dst == (uint32_t)sim_port_index(tb, "fooAP20"), "forward");

	n = vv_read(&st, &fd, buf, sizeof(buf));
	memcpy(&s, buf, sizeof(s));
	memcpy(l, buf + 16, sizeof(l));
	CHECK(n == 16 + 5 * 96 && s.vs_count == 5 && s.vs_total == 5 &&
	      s.vs_err_index == -1 && s.vs_err_errno == 0 &&
	      s.vs_version == VV_ABI_VERSION, "status %ld", n);
	CHECK(l[0].vl_role == VV_ROLE_CONF && !strcmp(l[0].vl_conf, "foo") &&
	      !strcmp(l[0].vl_bridge, "valeVfooTP:"), "conf record");
	CHECK(l[1].vl_role == VV_ROLE_TRUNK && l[1].vl_vid == 4095 &&
	      !strcmp(l[1].vl_port, "eth0"), "trunk record");
	CHECK(l[2].vl_role == VV_ROLE_ACCESS && l[2].vl_vid == 10 &&
	      !strcmp(l[2].vl_port, "eth1") &&
	      !strcmp(l[2].vl_bridge, "valeV10foo:") && l[2].vl_flags == 0,
	      "access record");
	CHECK(l[4].vl_vid == 20 && !strcmp(l[4].vl_port, "eth3"), "order");

	/* Truncated read: the header says how many exist. */
	n = vv_read(&st, &fd, buf, 16 + 96 * 2 + 95);
	memcpy(&s, buf, sizeof(s));
	CHECK(n == 16 + 96 * 2 && s.vs_count == 2 && s.vs_total == 5,
	      "truncated");
	CHECK(vv_read(&st, &fd, buf, 15) == -EINVAL, "read < 16");

	/* Detach: the VID's bridge and AP port go with its last port. */
	CHECK(wr1(rec(VV_DETACH_ACCESS, "foo", "eth1", 0)) == 0, "detach");
	CHECK(sim_bridge(&sim, "valeV10foo:") != NULL, "VID 10 still used");
	CHECK(wr1(rec(VV_DETACH_ACCESS, "foo", "eth2", 0)) == 0, "detach");
	CHECK(sim_bridge(&sim, "valeV10foo:") == NULL &&
	      !sim_if_exists(&sim, "fooAP10"), "VID 10 gone");
	CHECK(sim_check_tables(&sim) == NULL, "%s", sim_check_tables(&sim));
	/* Trunk detach by empty name. */
	CHECK(wr1(rec(VV_DETACH_TRUNK, "foo", "", 0)) == 0, "trunk detach");
	CHECK(wr1(rec(VV_DETACH_ACCESS, "foo", "eth3", 0)) == 0, "detach");
	CHECK(wr1(rec(VV_DELETE_CONF, "foo", "", 0)) == 0, "delete");
	sim_dump(&sim, dump, sizeof(dump));
	CHECK(!strstr(dump, "bdg") && !strstr(dump, "persistent"),
	      "clean:\n%s", dump);
}

static void test_create_destroy(void)
{
	struct vv_req r[] = {
		rec(VV_CREATE_CONF, "bar1", "", 0),
		rec(VV_CREATE_TRUNK, "bar1", "vt0", 0),
		rec(VV_CREATE_ACCESS, "bar1", "va_1", 7),
		rec(VV_ATTACH_ACCESS, "bar1", "veth-a.1", 0),
	};
	unsigned char buf[16 + 96 * 8];
	struct vv_list_rec l;

	reset();
	CHECK(wr(r, 4) == 0, "create %d", fd.reason);
	CHECK(sim_if_exists(&sim, "vt0") && sim_if_exists(&sim, "va_1"),
	      "persistent ports made");
	vv_read(&st, &fd, buf, sizeof(buf));
	memcpy(&l, buf + 16 + 96 * 2, sizeof(l));
	CHECK(l.vl_flags == VV_LIST_CREATED && !strcmp(l.vl_port, "va_1"),
	      "created flag");
	CHECK(wr1(rec(VV_DESTROY_ACCESS, "bar1", "va_1", 0)) == 0 &&
	      wr1(rec(VV_DESTROY_TRUNK, "bar1", "", 0)) == 0, "destroy");
	CHECK(!sim_if_exists(&sim, "vt0") && !sim_if_exists(&sim, "va_1"),
	      "persistent ports gone");
	vv_state_teardown(&st);
	CHECK(sim.nbdg == 0 && sim.nifs == 9, "teardown: %d bridges, %d ifs",
	      sim.nbdg, sim.nifs);
}

struct bad_case {
	const char *what;
	struct vv_req r;
	int err;
	uint16_t reason;
};

static void expect_bad(const char *what, const void *buf, size_t len,
		       int err, int32_t index, uint16_t reason)
{
	char before[16384], after[16384];
	struct vv_status s;
	int rc;

	snapshot(before, sizeof(before));
	rc = vv_write(&st, &fd, buf, len);
	snapshot(after, sizeof(after));
	s = status();
	CHECK(rc == -err, "%s: rc %d, want %d", what, rc, -err);
	CHECK(s.vs_err_errno == err && s.vs_err_index == index &&
	      s.vs_reason == reason, "%s: status errno %d index %d reason %u",
	      what, s.vs_err_errno, s.vs_err_index, s.vs_reason);
	CHECK(!strcmp(before, after), "%s: state changed", what);
	CHECK(sim_check_tables(&sim) == NULL, "%s: %s", what,
	      sim_check_tables(&sim));
}

static void test_bad_input(void)
{
	struct vv_req r[VV_MAX_RECORDS + 1], one;
	unsigned char junk[64 * 8];
	unsigned int i;
	struct bad_case cases[] = {
		{ "VID 4095", rec(VV_ATTACH_ACCESS, "foo", "eth4", 4095),
		  EINVAL, VV_R_VID },
		{ "VID 65535", rec(VV_CREATE_ACCESS, "foo", "x", 65535),
		  EINVAL, VV_R_VID },
		{ "conf name 7 chars", rec(VV_CREATE_CONF, "abcdefg", "", 0),
		  ENAMETOOLONG, VV_R_CONF_NAME_LONG },
		{ "conf name upper case", rec(VV_CREATE_CONF, "Foo", "", 0),
		  EINVAL, VV_R_CONF_NAME },
		{ "conf name digit first", rec(VV_CREATE_CONF, "1ab", "", 0),
		  EINVAL, VV_R_CONF_NAME },
		{ "conf name empty", rec(VV_DELETE_CONF, "", "", 0), EINVAL,
		  VV_R_CONF_NAME },
		{ "port name 16 chars",
		  rec(VV_ATTACH_TRUNK, "foo", "abcdefghijklmnop", 0),
		  ENAMETOOLONG, VV_R_PORT_NAME_LONG },
		{ "port name with colon", rec(VV_ATTACH_TRUNK, "foo", "a:b", 0),
		  EINVAL, VV_R_PORT_NAME },
		{ "port name missing", rec(VV_ATTACH_ACCESS, "foo", "", 3),
		  EINVAL, VV_R_PORT_NAME },
		{ "port on delete", rec(VV_DELETE_CONF, "foo", "eth1", 0),
		  EINVAL, VV_R_RESERVED },
		{ "vid on detach", rec(VV_DETACH_ACCESS, "foo", "eth1", 10),
		  EINVAL, VV_R_RESERVED },
		{ "unknown action", rec(99, "foo", "", 0), EOPNOTSUPP,
		  VV_R_ACTION },
		{ "action 0", rec(0, "foo", "", 0), EOPNOTSUPP, VV_R_ACTION },
		{ "attach twice", rec(VV_ATTACH_ACCESS, "foo", "eth1", 30),
		  EBUSY, VV_R_PORT_BUSY },
		{ "trunk also access", rec(VV_ATTACH_ACCESS, "foo", "eth0", 3),
		  EBUSY, VV_R_PORT_BUSY },
		{ "AP port as access", rec(VV_ATTACH_ACCESS, "foo", "fooAP10", 3),
		  EBUSY, VV_R_PORT_BUSY },
		{ "second trunk", rec(VV_ATTACH_TRUNK, "foo", "eth4", 0), EBUSY,
		  VV_R_TRUNK_BUSY },
		{ "detach missing", rec(VV_DETACH_ACCESS, "foo", "eth4", 0),
		  ENXIO, VV_R_NO_PORT },
		{ "detach trunk as access",
		  rec(VV_DETACH_ACCESS, "foo", "eth0", 0), ENXIO,
		  VV_R_NO_PORT },
		{ "no such conf", rec(VV_ATTACH_ACCESS, "nope", "eth4", 1),
		  ENXIO, VV_R_NO_CONF },
		{ "delete conf in use", rec(VV_DELETE_CONF, "foo", "", 0),
		  EBUSY, VV_R_CONF_BUSY },
		{ "conf exists", rec(VV_CREATE_CONF, "foo", "", 0), EEXIST,
		  VV_R_CONF_EXISTS },
		{ "list missing conf", rec(VV_LIST, "nope", "", 0), ENXIO,
		  VV_R_NO_CONF },
		{ "not an interface", rec(VV_ATTACH_ACCESS, "foo", "eth9", 1),
		  ENXIO, VV_R_OS },
		{ "create existing if", rec(VV_CREATE_ACCESS, "foo", "eth4", 1),
		  EEXIST, VV_R_OS },
	};

	reset();
	setup_foo();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_bad(cases[i].what, &cases[i].r, sizeof(cases[i].r),
			   cases[i].err, 0, cases[i].reason);

	one = rec(VV_CREATE_CONF, "x", "", 0);
	one.vr_version = 2;
	expect_bad("version", &one, sizeof(one), EPROTO, 0, VV_R_VERSION);
	one = rec(VV_CREATE_CONF, "x", "", 0);
	one.vr_reserved1 = 1;
	expect_bad("reserved", &one, sizeof(one), EINVAL, 0, VV_R_RESERVED);
	one = rec(VV_CREATE_CONF, "x", "", 0);
	one.vr_conf[3] = 'z';	/* junk after the NUL */
	expect_bad("junk after NUL", &one, sizeof(one), EINVAL, 0,
		   VV_R_CONF_NAME);
	one = rec(VV_CREATE_CONF, "x", "", 0);
	memset(one.vr_conf, 'a', sizeof(one.vr_conf));
	expect_bad("unterminated conf", &one, sizeof(one), ENAMETOOLONG, 0,
		   VV_R_CONF_NAME_LONG);
	one = rec(VV_CREATE_CONF, "x", "", 0);
	one.vr_flags = 0x8;
	expect_bad("unknown option", &one, sizeof(one), EINVAL, 0,
		   VV_R_OPTIONS);
	one.vr_flags = VV_OPT_KEEP_PCP | VV_OPT_DOT1AD;
	expect_bad("keep pcp + 802.1ad", &one, sizeof(one), EINVAL, 0,
		   VV_R_OPTIONS);
	one.vr_flags = 0;
	one.vr_native_vid = 5;
	expect_bad("native vid without option", &one, sizeof(one), EINVAL, 0,
		   VV_R_OPTIONS);
	one.vr_flags = VV_OPT_NATIVE;
	one.vr_native_vid = 4095;
	expect_bad("native vid 4095", &one, sizeof(one), EINVAL, 0,
		   VV_R_OPTIONS);

	/* Lengths. */
	one = rec(VV_CREATE_CONF, "x", "", 0);
	expect_bad("short write", &one, 63, EINVAL, 0, VV_R_LENGTH);
	r[0] = one;
	r[1] = one;
	expect_bad("one and a half", r, 96, EINVAL, 1, VV_R_LENGTH);
	expect_bad("empty write", r, 0, EINVAL, -1, VV_R_LENGTH);
	for (i = 0; i <= VV_MAX_RECORDS; i++)
		r[i] = rec(VV_LIST, "", "", 0);
	expect_bad("too many", r, sizeof(r), E2BIG, -1, VV_R_TOO_MANY);
	CHECK(wr(r, VV_MAX_RECORDS) == 0, "exactly the maximum");

	/* Random bytes: some error, nothing changes. */
	srand(7);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)rand();
	{
		char before[16384], after[16384];

		snapshot(before, sizeof(before));
		CHECK(vv_write(&st, &fd, junk, sizeof(junk)) < 0, "junk");
		snapshot(after, sizeof(after));
		CHECK(!strcmp(before, after), "junk changed state");
	}
	vv_state_teardown(&st);
	CHECK(sim.nbdg == 0, "teardown");
}

/* A later record fails: everything before it in the batch is undone. */
static void test_batch_rollback(void)
{
	struct vv_req r[] = {
		rec(VV_DETACH_ACCESS, "foo", "eth1", 0),
		rec(VV_DESTROY_TRUNK, "foo", "", 0),	/* eth0 is a NIC */
	};
	struct vv_req r2[] = {
		rec(VV_CREATE_CONF, "bar", "", 0),
		rec(VV_CREATE_TRUNK, "bar", "bt", 0),
		rec(VV_ATTACH_ACCESS, "bar", "eth5", 5),
		rec(VV_DETACH_ACCESS, "foo", "eth3", 0),
		rec(VV_DETACH_ACCESS, "foo", "eth2", 0),
		rec(VV_DETACH_ACCESS, "foo", "eth1", 0),
		rec(VV_DETACH_TRUNK, "foo", "", 0),
		rec(VV_DELETE_CONF, "foo", "", 0),
		rec(VV_LIST, "bar", "", 0),
		rec(VV_ATTACH_ACCESS, "bar", "eth9", 6),	/* no eth9 */
	};

	reset();
	setup_foo();
	expect_bad("destroy a NIC trunk", r, sizeof(r), ENXIO, 1, VV_R_OS);
	expect_bad("long batch", r2, sizeof(r2), ENXIO, 9, VV_R_OS);
	CHECK(fd.list_conf[0] == '\0', "list selection restored");
	vv_state_teardown(&st);
}

/* Every OS call of a batch, in turn, fails once: no trace is left. */
static void fault_sweep(const char *what, const struct vv_req *r, size_t n)
{
	char before[16384], after[16384];
	long k, calls;
	int bad = 0;

	reset();
	setup_foo();
	snapshot(before, sizeof(before));
	sim.calls = 0;
	CHECK(wr(r, n) == 0, "%s: clean run (reason %u)", what, fd.reason);
	calls = sim.calls;
	vv_state_teardown(&st);
	for (k = 1; k <= calls; k++) {
		int rc;

		reset();
		setup_foo();
		sim.fail_at = k;
		sim.fail_errno = EIO;
		rc = wr(r, n);
		snapshot(after, sizeof(after));
		if (rc != -EIO || strcmp(before, after) ||
		    sim_check_tables(&sim)) {
			bad++;
			fprintf(stderr, "%s: fault at call %ld: rc %d\n%s\n--\n%s\n",
				what, k, rc, before, after);
		}
		vv_state_teardown(&st);
		if (sim.nbdg || sim.nifs != 9)
			bad++;
	}
	CHECK(bad == 0 && calls > 5, "%s: %d of %ld fault points leave a trace",
	      what, bad, calls);
}

static void test_fault_sweeps(void)
{
	struct vv_req build[] = {
		rec(VV_CREATE_CONF, "bar", "", 0),
		rec(VV_CREATE_TRUNK, "bar", "bt", 0),
		rec(VV_CREATE_ACCESS, "bar", "b1", 5),
		rec(VV_ATTACH_ACCESS, "bar", "eth5", 5),
		rec(VV_ATTACH_ACCESS, "bar", "eth6", 6),
		rec(VV_ATTACH_ACCESS, "foo", "eth7", 10),
	};
	struct vv_req undo[] = {
		rec(VV_DETACH_ACCESS, "foo", "eth3", 0),
		rec(VV_DETACH_ACCESS, "foo", "eth1", 0),
		rec(VV_DETACH_ACCESS, "foo", "eth2", 0),
		rec(VV_DETACH_TRUNK, "foo", "eth0", 0),
		rec(VV_DELETE_CONF, "foo", "", 0),
		rec(VV_CREATE_CONF, "foo", "", 0),
		rec(VV_CREATE_ACCESS, "foo", "p1", 4094),
		rec(VV_DESTROY_ACCESS, "foo", "p1", 0),
	};

	fault_sweep("build", build, 6);
	fault_sweep("tear down and rebuild", undo, 8);
}

static void test_limits(void)
{
	struct vv_req confs[VV_MAX_CONFS + 1];
	char name[8];
	unsigned int i;
	struct vv_req vids[8];

	reset();
	for (i = 0; i <= VV_MAX_CONFS; i++) {
		snprintf(name, sizeof(name), "c%u", i);
		confs[i] = rec(VV_CREATE_CONF, name, "", 0);
	}
	expect_bad("one conf too many", confs, sizeof(confs), ENOSPC,
		   VV_MAX_CONFS, VV_R_CONF_LIMIT);
	CHECK(wr(confs, VV_MAX_CONFS) == 0 && vv_conf_count(&st) == 4,
	      "four confs");
	vv_state_teardown(&st);

	/* netmap's 8 bridges: the tagging bridge + 7 VIDs. */
	reset();
	CHECK(wr1(rec(VV_CREATE_CONF, "b", "", 0)) == 0, "conf");
	for (i = 0; i < 8; i++)
		vids[i] = rec(VV_ATTACH_ACCESS, "b", nics[i], (uint16_t)(i + 1));
	expect_bad("bridge budget", vids, sizeof(vids), ENOMEM, 7, VV_R_OS);
	CHECK(wr(vids, 7) == 0, "seven VIDs");
	vv_state_teardown(&st);
	CHECK(sim.nbdg == 0 && sim.nifs == 9, "teardown");

	/* The longest names fit netmap's limits. */
	reset();
	{
		struct vv_req r[] = {
			rec(VV_CREATE_CONF, "abcdef", "", 0),
			rec(VV_CREATE_ACCESS, "abcdef", "p23456789012345",
			    4094),
		};

		CHECK(wr(r, 2) == 0, "longest names (reason %u)", fd.reason);
		CHECK(sim_bridge(&sim, "valeV4094abcdef:") &&
		      sim_if_exists(&sim, "abcdefAP4094"), "names");
	}
	vv_state_teardown(&st);
	for (i = 1; i <= VV_R_LAST; i++)
		CHECK(vv_reason_text(i)[0] != '\0', "reason %u", i);
	CHECK(!strcmp(vv_reason_text(999), "unknown reason"), "unknown");
}

static void test_list_select(void)
{
	unsigned char buf[16 + 96 * 16];
	struct vv_status s;

	reset();
	setup_foo();
	CHECK(wr1(rec(VV_CREATE_CONF, "bar", "", 0)) == 0, "bar");
	vv_read(&st, &fd, buf, sizeof(buf));
	memcpy(&s, buf, sizeof(s));
	CHECK(s.vs_total == 6, "all: %u", s.vs_total);
	CHECK(wr1(rec(VV_LIST, "bar", "", 0)) == 0, "select");
	vv_read(&st, &fd, buf, sizeof(buf));
	memcpy(&s, buf, sizeof(s));
	CHECK(s.vs_total == 1 && !strcmp((char *)buf + 16, "bar"), "bar only");
	CHECK(wr1(rec(VV_LIST, "", "", 0)) == 0, "all again");
	vv_read(&st, &fd, buf, sizeof(buf));
	memcpy(&s, buf, sizeof(s));
	CHECK(s.vs_total == 6, "all again: %u", s.vs_total);
	{
		struct vv_req o = rec(VV_CREATE_CONF, "nat", "", 0);

		o.vr_flags = VV_OPT_NATIVE | VV_OPT_KEEP_PCP;
		o.vr_native_vid = 42;
		CHECK(wr1(o) == 0, "options");
		CHECK(wr1(rec(VV_LIST, "nat", "", 0)) == 0, "select");
		vv_read(&st, &fd, buf, sizeof(buf));
		{
			struct vv_list_rec l;

			memcpy(&l, buf + 16, sizeof(l));
			CHECK(l.vl_flags == (VV_OPT_NATIVE | VV_OPT_KEEP_PCP) &&
			      l.vl_native_vid == 42, "options listed");
		}
		CHECK(sim_bridge(&sim, "valeVnatTP:")->table->native_vid == 42,
		      "table options");
	}
	vv_state_teardown(&st);
}

int main(void)
{
	test_build();
	test_create_destroy();
	test_bad_input();
	test_batch_rollback();
	test_fault_sweeps();
	test_limits();
	test_list_select();
	return vv_summary("test_vlan_conf");
}
