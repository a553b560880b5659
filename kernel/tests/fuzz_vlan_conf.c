// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_vlan_conf - random, mutated and plausible record batches against
 * vlan_conf.c over the in-memory switch, with random one-shot OS faults.
 * A fixed number of batches from a fixed seed (VV_FUZZ_SEED and
 * VV_FUZZ_BATCHES override them). After every batch:
 *   - a failed write left the switch and the lists exactly as they were,
 *     and the status names the errno the write returned (not checked
 *     after a fault hit a rollback, until the next teardown);
 *   - vv_validate() and vv_write() agree on what is malformed;
 *   - every tagging bridge's table matches its ports;
 *   - reads of any length stay in bounds.
 * Every 300 batches the state is torn down and must leave nothing behind.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vv_check.h"
#include "vv_sim.h"

static const char *const nics[] = {
	"eth0", "eth1", "eth2", "eth3", "eth4", "eth5", NULL,
};
static const char *const confs[] = { "foo", "bar", "a", "abcdef" };
static const char *const bad_confs[] = { "abcdefg", "", "Foo", "9x", "b-1" };
static const char *const ports[] = {
	"eth0", "eth1", "eth2", "eth3", "eth4", "eth5", "p1", "p2", "p3",
	"p23456789012345",
};
static const char *const bad_ports[] = {
	"fooAP10", "", "a:b", "p234567890123456", "eth9",
};
static const uint16_t vids[] = { 0, 1, 10, 20, 4094, 7 };
static const uint16_t bad_vids[] = { 4095, 65535, 4096 };

static uint64_t seed;
static uint32_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (uint32_t)(seed >> 16);
}

#define PICK(a) (a[rnd() % (sizeof(a) / sizeof(a[0]))])

static struct sim sim;
static struct vv_state st;
static struct vv_session fd;

static void plausible(struct vv_req *r)
{
	const char *c = rnd() % 10 ? PICK(confs) : PICK(bad_confs);
	const char *p = rnd() % 10 ? PICK(ports) : PICK(bad_ports);

	memset(r, 0, sizeof(*r));
	r->vr_version = VV_ABI_VERSION;
	if (rnd() % 4 == 0)
		r->vr_action = VV_CREATE_CONF;
	else if (rnd() % 20 == 0)
		r->vr_action = (uint16_t)rnd();
	else
		r->vr_action = (uint16_t)(1 + rnd() % VV_ACTION_LAST);
	memcpy(r->vr_conf, c, strlen(c));
	switch (r->vr_action) {
	case VV_ATTACH_ACCESS:
	case VV_CREATE_ACCESS:
		r->vr_vid = rnd() % 10 ? PICK(vids) : PICK(bad_vids);
		/* fall through */
	case VV_ATTACH_TRUNK:
	case VV_CREATE_TRUNK:
	case VV_DETACH_TRUNK:
	case VV_DESTROY_TRUNK:
	case VV_DETACH_ACCESS:
	case VV_DESTROY_ACCESS:
		memcpy(r->vr_port, p, strlen(p));
		break;
	case VV_CREATE_CONF:
		if (rnd() % 3 == 0) {
			r->vr_flags = (uint16_t)(rnd() % 8);
			if (r->vr_flags & VV_OPT_NATIVE)
				r->vr_native_vid = rnd() % 10 ? PICK(vids) :
							      PICK(bad_vids);
		}
		break;
	}
}

static void mutate(unsigned char *buf, size_t len)
{
	unsigned int i, n = 1 + rnd() % 4;

	for (i = 0; i < n && len; i++) {
		size_t at = rnd() % len;

		switch (rnd() % 3) {
		case 0:
			buf[at] ^= (unsigned char)(1u << (rnd() % 8));
			break;
		case 1:
			buf[at] = (unsigned char)rnd();
			break;
		default:
			buf[at] = 0;
			break;
		}
	}
}

static void snapshot(char *out, size_t size)
{
	static unsigned char buf[16 + 96 * 600];
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

static void dump_batch(const unsigned char *buf, size_t len,
		       const char *before, const char *after)
{
	size_t i;

	if (!getenv("VV_FUZZ_VERBOSE"))
		return;
	for (i = 0; i + 64 <= len; i += 64) {
		const struct vv_req *r = (const void *)(buf + i);

		fprintf(stderr, "  rec %zu: action %u conf '%.16s' port '%.32s' vid %u flags %x native %u\n",
			i / 64, r->vr_action, r->vr_conf, r->vr_port,
			r->vr_vid, r->vr_flags, r->vr_native_vid);
	}
	fprintf(stderr, "before:\n%s\nafter:\n%s\n", before, after);
}

/* A name the generator gives to ports (users may keep those). */
static int user_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (!strcmp(ports[i], name))
			return 1;
	for (i = 0; i < sizeof(bad_ports) / sizeof(bad_ports[0]); i++)
		if (!strcmp(bad_ports[i], name))
			return 1;
	return 0;
}

static int attached(const char *name)
{
	int i;

	for (i = 0; i < SIM_BRIDGES; i++)
		if (sim.bdg[i].name[0] && sim_port_index(&sim.bdg[i], name) >= 0)
			return 1;
	return 0;
}

/*
 * Every persistent port of the switch is one the state knows about (an AP
 * port or a port it created and still holds), or a user's port that is
 * attached nowhere (created by us, then only detached: it stays, as on
 * netmap). Returns the first other one.
 */
static const char *stray_port(void)
{
	static unsigned char lb[16 + 96 * 600];
	struct vv_session all;
	struct vv_status s;
	long n;
	int i, j;

	vv_session_init(&all);
	n = vv_read(&st, &all, lb, sizeof(lb));
	memcpy(&s, lb, sizeof(s));
	for (i = 0; i < sim.nifs; i++) {
		int known = 0;

		if (!sim.persistent[i])
			continue;
		if (user_name(sim.ifs[i]) && !attached(sim.ifs[i]))
			continue;
		for (j = 0; j < s.vs_count && !known && n > 0; j++) {
			struct vv_list_rec l;
			char ap[VV_BDG_NAME_SIZE];

			memcpy(&l, lb + 16 + 96 * j, sizeof(l));
			if (l.vl_role == VV_ROLE_ACCESS) {
				vv_name_ap(ap, sizeof(ap), l.vl_conf, l.vl_vid);
				known |= !strcmp(ap, sim.ifs[i]);
			}
			known |= l.vl_role != VV_ROLE_CONF &&
				 !strcmp(l.vl_port, sim.ifs[i]);
		}
		if (!known)
			return sim.ifs[i];
	}
	return NULL;
}

static void reset(void)
{
	sim_init(&sim, nics);
	vv_state_init(&st, &sim_ops, &sim);
	vv_session_init(&fd);
}

static int clean_after_teardown(void)
{
	vv_state_teardown(&st);
	return !sim.nbdg && !stray_port() && vv_conf_count(&st) == 0;
}

int main(void)
{
	static unsigned char buf[64 * 16];
	static char before[65536], after[65536];
	static unsigned char rbuf[16 + 96 * 300];
	const char *env = getenv("VV_FUZZ_SEED");
	long batches = 30000, b, ok = 0, failed = 0, faults = 0, bad = 0;
	long undo_faults = 0, reasons[VV_R_LAST + 1] = { 0 };
	long window_undo = 0;
	clock_t t0 = clock();

	seed = env ? strtoull(env, NULL, 0) : 0x5eed1234abcdULL;
	if (!seed)
		seed = 1;
	env = getenv("VV_FUZZ_BATCHES");
	if (env)
		batches = strtol(env, NULL, 0);
	reset();
	for (b = 0; b < batches; b++) {
		size_t n = 1 + (rnd() % 4 ? rnd() % 3 : rnd() % 12), len = n * sizeof(struct vv_req), i;
		uint32_t kind = rnd() % 10;
		int32_t vindex;
		uint16_t vreason;
		struct vv_status s;
		int rc, vrc;
		long rn;

		for (i = 0; i < n; i++)
			plausible((struct vv_req *)(void *)(buf + i * 64));
		if (kind < 3)
			mutate(buf, len);
		else if (kind == 3)
			for (i = 0; i < len; i++)
				buf[i] = (unsigned char)rnd();
		else if (kind == 4)
			len = rnd() % sizeof(buf);
		sim.fired = 0;
		if (rnd() % 6 == 0) {
			sim.fail_at = 1 + rnd() % 24;
			/* errnos the switch never gives by itself */
			sim.fail_errno = rnd() % 2 ? EIO : ETIMEDOUT;
			faults++;
		}
		snapshot(before, sizeof(before));
		vrc = vv_validate(buf, len, &vindex, &vreason);
		rc = vv_write(&st, &fd, buf, len);
		sim.fail_at = 0;
		snapshot(after, sizeof(after));
		rn = vv_read(&st, &fd, rbuf, sizeof(rbuf));
		memcpy(&s, rbuf, sizeof(s));
		if (rc) {
			failed++;
			if (s.vs_reason <= VV_R_LAST)
				reasons[s.vs_reason]++;
			/* A fault inside the rollback of a natural failure
			 * may leave the batch half undone (reported, not
			 * checked); anything else must leave no trace. */
			if (sim.fired && rc != -sim.fail_errno) {
				undo_faults++;
				window_undo++;
			} else if (!window_undo && strcmp(before, after)) {
				bad++;
				fprintf(stderr, "batch %ld: rc %d changed state\n",
					b, rc);
				dump_batch(buf, len, before, after);
			}
			if (s.vs_err_errno != -rc) {
				bad++;
				fprintf(stderr, "batch %ld: status errno %d, rc %d\n",
					b, s.vs_err_errno, rc);
			}
		} else {
			ok++;
			if (s.vs_err_index != -1 || s.vs_err_errno)
				bad++;
		}
		if (vrc && (rc != vrc || s.vs_err_index != vindex ||
			    s.vs_reason != vreason)) {
			bad++;
			fprintf(stderr, "batch %ld: validate %d/%d, write %d/%d\n",
				b, vrc, vindex, rc, s.vs_err_index);
		}
		if (!window_undo && stray_port()) {
			bad++;
			fprintf(stderr, "batch %ld: rc %d, stray port %s\n", b,
				rc, stray_port());
			dump_batch(buf, len, before, after);
		}
		if (sim_check_tables(&sim)) {
			bad++;
			fprintf(stderr, "batch %ld: %s\n", b,
				sim_check_tables(&sim));
		}
		if (rn < 16 || (size_t)rn != 16 + s.vs_count * 96u ||
		    s.vs_count > s.vs_total)
			bad++;
		rn = vv_read(&st, &fd, rbuf, rnd() % 400);
		if (rn != -EINVAL && (rn < 16 || rn > 400))
			bad++;
		if (b % 300 == 299) {
			/* After a fault in a rollback the switch may hold
			 * what the state machine no longer knows. */
			if (!clean_after_teardown() && !window_undo) {
				bad++;
				fprintf(stderr, "batch %ld: teardown left state\n",
					b);
				sim_dump(&sim, after, sizeof(after));
				fprintf(stderr, "%s\n", after);
			}
			window_undo = 0;
			reset();
		}
		if (bad > 20)
			break;
	}
	CHECK(bad == 0, "%ld invariant violations", bad);
	CHECK(clean_after_teardown(), "final teardown");
	CHECK(ok > batches / 50, "only %ld of %ld batches applied", ok,
	      batches);
	printf("# fuzz_vlan_conf: %ld batches (%ld applied, %ld refused, %ld faults, %ld in a rollback) in %.2f s\n",
	       b, ok, failed, faults, undo_faults,
	       (double)(clock() - t0) / CLOCKS_PER_SEC);
	if (getenv("VV_FUZZ_VERBOSE"))
		for (b = 0; b <= VV_R_LAST; b++)
			printf("#   reason %2ld: %ld\n", b, reasons[b]);
	return vv_summary("fuzz_vlan_conf");
}
