/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvale_restart_test: Linux interfaces attached to a switch (vale-ctl -a
 * valeX:IFNAME) survive a restart of uvaled, in the namespace they were
 * attached from; one whose interface or namespace is gone is skipped and
 * the daemon starts anyway. Anonymous namespaces held only by this process:
 *
 *   ns H: the daemon        ns X: vA (peer vB), gA (peer gB); a helper lives here
 *   ns Y: yA (peer yB); nobody lives here at the restart
 *
 * Run as root; otherwise prints "SKIP: ..." and exits 0.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>

#include "../uvale/uvale_testlib.h"
#include "netns_util.h"

static int ns_h = -1, ns_x = -1, ns_y = -1;

static bool make_namespaces(char *why, size_t n)
{
	int *const nss[3] = { &ns_y, &ns_x, &ns_h };

	if (!ns_make(nss, 3, why, n))
		return false;
	if (ns_sh(ns_x, ns_h, "ip link add vA type veth peer name vB && "
		  "ip link add gA type veth peer name gB && "
		  "for i in vA vB gA gB; do ip link set $i up || exit 1; done") ||
	    ns_sh(ns_y, ns_h, "ip link add yA type veth peer name yB && ip link set yA up && "
		  "ip link set yB up")) {
		snprintf(why, n, "cannot create the veth pairs (veth module missing?)");
		return false;
	}
	return true;
}

static int attach_in(int ns, const char *name)
{
	struct nma_req_vale_attach a = { .reg.nr_mode = NMA_REG_ALL_NIC };
	int err;

	ns_enter(ns);
	err = t_ctl(name, NMA_REQ_VALE_ATTACH, &a);
	ns_enter(ns_h);
	return err;
}

static int listed(const char *name)
{
	struct nma_req_vale_list l = { 0 };

	return t_ctl(name, NMA_REQ_VALE_LIST, &l) == 0;
}

static int log_has(const char *what)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "grep -q '%s' '%s/uvaled.log'", what, t_dir);
	return system(cmd) == 0;
}

/* a process that lives in ns until killed (a script running there) */
static pid_t dweller(int ns)
{
	pid_t pid = fork();

	if (pid == 0) {
		ns_enter(ns);
		for (int i = 0; i < 300; i++) /* at most 30 s, even if forgotten */
			usleep(100000);
		_exit(0);
	}
	return pid;
}

static void test_restart(void)
{
	struct nma_req_vale_newif nif = { 0 };
	struct t_port v1, wire;
	pid_t helper;
	char st[256];

	CHECK_EQ(nms_uvale_start(), 0); /* in ns H */
	CHECK_EQ(attach_in(ns_x, "vale0:vA"), 0);
	CHECK_EQ(attach_in(ns_x, "vale1:gA"), 0);
	CHECK_EQ(attach_in(ns_y, "vale2:yA"), 0);
	CHECK_EQ(t_ctl("keep0", NMA_REQ_VALE_NEWIF, &nif), 0);
	CHECK_EQ(attach_in(ns_h, "vale0:keep0"), 0);

	helper = dweller(ns_x);
	CHECK_EQ(nms_uvale_stop(), 0);
	CHECK_EQ(ns_sh(ns_x, ns_h, "ip link del gA"), 0); /* gone while the daemon is down */
	CHECK_EQ(nms_uvale_start(), 0); /* restarts in ns H; nobody lives in ns Y */
	CHECK(nms_uvale_status(st, sizeof(st)) > 0, "the daemon started");

	CHECK(listed("vale0:vA"), "vale0:vA restored");
	CHECK(listed("vale0:keep0"), "vale0:keep0 restored");
	CHECK(!listed("vale1:gA"), "vale1:gA (interface gone) skipped");
	CHECK(!listed("vale2:yA"), "vale2:yA (namespace empty) skipped");
	CHECK(log_has("not restoring vale1:gA"), "the log names gA");
	CHECK(log_has("not restoring vale2:yA"), "the log names yA");
	/* restored means working: a frame from the wire (vB in ns X) reaches vale0 */
	CHECK_EQ(t_open(&v1, "vale0:v1"), 0);
	ns_enter(ns_x);
	CHECK_EQ(t_open(&wire, "vB"), 0);
	ns_enter(ns_h);
	if (v1.fd >= 0 && wire.fd >= 0) {
		int got = 0;

		for (int i = 0; i < 20 && got == 0; i++) {
			t_send(&wire, 1, 60, 0xff, 0x0b, 'r');
			got = t_recv(&v1, 1, 60, 'r', 100);
		}
		CHECK_EQ(got, 1);
	}
	t_close(&wire);
	t_close(&v1);
	/* the state file still has vA after a second restart, and no longer gA */
	CHECK_EQ(nms_uvale_stop(), 0);
	CHECK_EQ(nms_uvale_start(), 0);
	CHECK(listed("vale0:vA"), "vale0:vA restored twice");
	kill(helper, SIGKILL);
	CHECK_EQ(t_wait(helper), 99);
	{
		struct nma_req_vale_detach d = { 0 };

		CHECK_EQ(t_ctl("vale0:vA", NMA_REQ_VALE_DETACH, &d), 0);
		CHECK_EQ(t_ctl("vale0:keep0", NMA_REQ_VALE_DETACH, &d), 0);
		CHECK_EQ(t_ctl("keep0", NMA_REQ_VALE_DELIF, NULL), 0);
	}
}

int main(void)
{
	char why[160];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("SKIP: uvale_restart_test needs root (network namespaces, veth, AF_PACKET)\n");
		return 0;
	}
	if (!make_namespaces(why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		return 0;
	}
	ns_enter(ns_h);
	t_setup("restart");
	test_restart();
	return t_finish("uvale_restart_test");
}
