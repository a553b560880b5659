/* SPDX-License-Identifier: BSD-2-Clause */
/* uvale: the VLAN switch through nms_vlan_* (records, status, list), real
 * frames through trunk and access ports (tags byte for byte), exclusive
 * bridges, and a clean teardown. Skips while the uvale hooks are missing. */
#include "../uvale/uvale_testlib.h"
#include "vale_vlan_abi.h"

#include <time.h>

static struct vv_req rec(uint16_t action, const char *conf, const char *port, uint16_t vid)
{
	struct vv_req r;

	memset(&r, 0, sizeof(r));
	r.vr_version = VV_ABI_VERSION;
	r.vr_action = action;
	r.vr_vid = vid;
	snprintf(r.vr_conf, sizeof(r.vr_conf), "%s", conf);
	if (port)
		snprintf(r.vr_port, sizeof(r.vr_port), "%s", port);
	return r;
}

static struct vv_status status(int vfd, struct vv_list_rec *list, int max)
{
	uint8_t buf[sizeof(struct vv_status) + 16 * sizeof(struct vv_list_rec)];
	struct vv_status st;
	int n = nms_vlan_read(vfd, buf, sizeof(struct vv_status) +
				   (size_t)max * sizeof(struct vv_list_rec));

	memset(&st, 0, sizeof(st));
	CHECK(n >= (int)sizeof(st), "read %d", n);
	if (n >= (int)sizeof(st)) {
		memcpy(&st, buf, sizeof(st));
		if (list)
			memcpy(list, buf + sizeof(st), (size_t)n - sizeof(st));
	}
	return st;
}

/* queue one frame of len bytes (tagged with tci when tpid != 0) and txsync */
static void send_frame(struct t_port *p, uint8_t dst, uint8_t src, uint16_t tpid, uint16_t tci,
		       uint16_t len)
{
	struct nma_ring *r = t_txring(p, 0);
	struct nma_slot *s = &r->slot[r->head];
	char *b = t_buf(r, s->buf_idx);

	t_frame(b, len, dst, src, 'v');
	if (tpid) {
		memmove(b + 16, b + 12, (size_t)len - 12);
		b[12] = (char)(tpid >> 8);
		b[13] = (char)tpid;
		b[14] = (char)(tci >> 8);
		b[15] = (char)tci;
		len = (uint16_t)(len + 4);
	}
	s->len = len;
	s->flags = 0;
	r->head = r->cur = t_next(r, r->head);
	nms_txsync(p->fd);
}

/* take one frame (waiting up to ms) into out; its length, or 0 */
static int take(struct t_port *p, uint8_t *out, int ms)
{
	struct nma_ring *r = t_rxring(p, 0);
	int len = 0;

	if (r->head == r->tail)
		nms_poll(p->fd, POLLIN, ms);
	if (r->head != r->tail) {
		struct nma_slot *s = &r->slot[r->head];

		len = s->len;
		memcpy(out, t_buf(r, s->buf_idx), len);
		r->head = r->cur = t_next(r, r->head);
		nms_rxsync(p->fd);
	}
	return len;
}

static void test_switch(int vfd)
{
	struct vv_req b[5] = {
		rec(VV_CREATE_CONF, "c1", NULL, 0),
		rec(VV_CREATE_TRUNK, "c1", "tr0", 0),
		rec(VV_CREATE_ACCESS, "c1", "a10", 10),
		rec(VV_CREATE_ACCESS, "c1", "b10", 10),
		rec(VV_CREATE_ACCESS, "c1", "a20", 20),
	};
	struct vv_list_rec list[8];
	struct vv_status st;
	struct t_port tr, a10, b10, a20;
	uint8_t f[2048];
	int n;

	CHECK_EQ(nms_vlan_write(vfd, b, sizeof(b)), (int)sizeof(b));
	st = status(vfd, list, 8);
	CHECK_EQ(st.vs_count, 5);
	CHECK_EQ(st.vs_err_index, -1);
	CHECK_EQ(list[0].vl_role, VV_ROLE_CONF);
	CHECK(strcmp(list[0].vl_bridge, "valeVc1TP:") == 0, "%s", list[0].vl_bridge);
	CHECK_EQ(list[1].vl_role, VV_ROLE_TRUNK);
	CHECK_EQ(list[1].vl_vid, VV_VID_RESERVED);
	CHECK_EQ(list[2].vl_vid, 10);
	CHECK_EQ(list[2].vl_flags, VV_LIST_CREATED);
	CHECK(strcmp(list[4].vl_bridge, "valeV20c1:") == 0, "%s", list[4].vl_bridge);
	{
		/* the state file keeps the created ports, not the switch's own objects */
		char path[200], text[4096] = "";
		FILE *f;
		size_t n = 0;

		snprintf(path, sizeof(path), "%s/state", t_dir);
		f = fopen(path, "r");
		if (f) {
			n = fread(text, 1, sizeof(text) - 1, f);
			fclose(f);
		}
		text[n] = '\0';
		CHECK(strstr(text, "port a10 ") != NULL, "state: %s", text);
		CHECK(strstr(text, "valeV") == NULL && strstr(text, "c1AP") == NULL, "state: %s", text);
	}

	CHECK_EQ(t_open(&tr, "tr0"), 0);
	CHECK_EQ(t_open(&a10, "a10"), 0);
	CHECK_EQ(t_open(&b10, "b10"), 0);
	CHECK_EQ(t_open(&a20, "a20"), 0);

	/* access -> trunk: tagged 0x8100, PCP 0, VID 10; the VLAN's other port
	 * gets it untagged; VLAN 20 gets nothing */
	send_frame(&a10, 0xff, 0x1a, 0, 0, 60);
	n = take(&tr, f, 500);
	CHECK_EQ(n, 64);
	CHECK(f[12] == 0x81 && f[13] == 0x00 && f[14] == 0x00 && f[15] == 10,
	      "tag %02x%02x %02x%02x", f[12], f[13], f[14], f[15]);
	CHECK(f[16] == 0x08 && f[17] == 0x00 && f[11] == 0x1a, "inner type and source");
	CHECK_EQ(take(&b10, f, 500), 60);
	CHECK(f[12] == 0x08 && f[13] == 0x00, "untagged in the VLAN");
	CHECK_EQ(take(&a20, f, 100), 0);

	/* trunk -> access: VID 20 untagged to a20 only */
	send_frame(&tr, 0xff, 0x77, 0x8100, 20, 60);
	CHECK_EQ(take(&a20, f, 500), 60);
	CHECK(f[12] == 0x08 && f[13] == 0x00 && f[11] == 0x77, "untagged %02x%02x", f[12], f[13]);
	CHECK_EQ(take(&a10, f, 100), 0);
	CHECK_EQ(take(&b10, f, 100), 0);
	/* untagged and unknown VIDs on the trunk are dropped */
	send_frame(&tr, 0xff, 0x77, 0, 0, 60);
	send_frame(&tr, 0xff, 0x77, 0x8100, 30, 60);
	CHECK_EQ(take(&a10, f, 100) + take(&a20, f, 100) + take(&b10, f, 100), 0);
	/* learning inside VLAN 10: b10 learnt 0x1a, unicast from b10 reaches a10 only */
	send_frame(&b10, 0x1a, 0x1b, 0, 0, 60);
	CHECK_EQ(take(&a10, f, 500), 60);
	CHECK_EQ(take(&tr, f, 100), 0);

	/* the switches are the module's: vale-ctl cannot change them */
	{
		struct nma_req_vale_attach at;
		struct nma_req_header h;
		int fd = nms_open();

		memset(&at, 0, sizeof(at));
		at.reg.nr_mode = NMA_REG_ALL_NIC;
		t_hdr(&h, "valeVc1TP:tr0", NMA_REQ_VALE_DETACH, &at);
		CHECK_EQ(nms_ctrl(fd, &h), -EACCES);
		nms_close(fd);
	}
	/* a conf with ports cannot go; the failing record is named */
	{
		struct vv_req d[2] = { rec(VV_LIST, "", NULL, 0), rec(VV_DELETE_CONF, "c1", NULL, 0) };

		CHECK_EQ(nms_vlan_write(vfd, d, sizeof(d)), -EBUSY);
		CHECK(strstr(nms_last_error(), "record 1") != NULL, "message: %s", nms_last_error());
		st = status(vfd, NULL, 0);
		CHECK_EQ(st.vs_err_index, 1);
		CHECK_EQ(st.vs_reason, VV_R_CONF_BUSY);
		CHECK_EQ(st.vs_err_errno, EBUSY);
	}
	t_close(&tr);
	t_close(&a10);
	t_close(&b10);
	t_close(&a20);
	{
		struct vv_req d[5] = {
			rec(VV_DESTROY_ACCESS, "c1", "a20", 0),
			rec(VV_DESTROY_ACCESS, "c1", "b10", 0),
			rec(VV_DESTROY_ACCESS, "c1", "a10", 0),
			rec(VV_DESTROY_TRUNK, "c1", "", 0),
			rec(VV_DELETE_CONF, "c1", NULL, 0),
		};

		CHECK_EQ(nms_vlan_write(vfd, d, sizeof(d)), (int)sizeof(d));
		st = status(vfd, NULL, 0);
		CHECK_EQ(st.vs_total, 0);
	}
	/* nothing left: no switch, no port */
	{
		struct nma_req_vale_list l;
		struct nma_req_header h;
		int fd = nms_open();

		memset(&l, 0, sizeof(l));
		t_hdr(&h, "", NMA_REQ_VALE_LIST, &l);
		CHECK_EQ(nms_ctrl(fd, &h), -ENOENT);
		nms_close(fd);
		CHECK(t_open(&tr, "tr0") == -ENXIO, "tr0 destroyed");
	}
}

/* both directions at once from two processes: the shared lock must hold */
static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* send and receive for ms milliseconds; the frames received */
static int pump(const char *tx, uint16_t tpid, long ms)
{
	struct t_port p;
	uint8_t f[2048];
	int got = 0;
	long end = now_ms() + ms;

	if (t_open(&p, tx) != 0)
		return -1;
	while (now_ms() < end) {
		struct nma_ring *r = t_txring(&p, 0);

		for (int k = 0; k < 64 && t_space(r) > 0; k++) {
			struct nma_slot *s = &r->slot[r->head];
			char *b = t_buf(r, s->buf_idx);

			t_frame(b, 60, 0xff, tpid ? 0x77 : 0x1a, 'c');
			if (tpid) {
				memmove(b + 16, b + 12, 48);
				b[12] = (char)0x81;
				b[13] = 0;
				b[14] = 0;
				b[15] = 10;
			}
			s->len = tpid ? 64 : 60;
			r->head = r->cur = t_next(r, r->head);
		}
		nms_txsync(p.fd);
		while (take(&p, f, 0) > 0)
			got++;
	}
	t_close(&p);
	return got;
}

static void test_concurrent(int vfd)
{
	struct vv_req b[3] = {
		rec(VV_CREATE_CONF, "cc", NULL, 0),
		rec(VV_CREATE_TRUNK, "cc", "cctr", 0),
		rec(VV_CREATE_ACCESS, "cc", "cca", 10),
	};
	struct vv_req d[3] = {
		rec(VV_DESTROY_ACCESS, "cc", "cca", 0),
		rec(VV_DESTROY_TRUNK, "cc", "", 0),
		rec(VV_DELETE_CONF, "cc", NULL, 0),
	};
	pid_t pid;
	int got;

	CHECK_EQ(nms_vlan_write(vfd, b, sizeof(b)), (int)sizeof(b));
	pid = fork();
	if (pid == 0) {
		alarm(20);
		_exit(pump("cca", 0, 600) > 0 ? 0 : 1);
	}
	alarm(20);
	got = pump("cctr", 0x8100, 600);
	alarm(0);
	CHECK(got > 0, "the trunk received %d frames", got);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(nms_vlan_write(vfd, d, sizeof(d)), (int)sizeof(d));
}

static void test_errors(int vfd)
{
	struct vv_req r = rec(VV_CREATE_ACCESS, "c2", "x", 4095);
	struct vv_req bad[2] = { rec(VV_CREATE_CONF, "c2", NULL, 0), r };
	uint8_t junk[64 * 3];
	struct vv_status st;

	CHECK_EQ(nms_vlan_write(vfd, bad, sizeof(bad)), -EINVAL);
	st = status(vfd, NULL, 0);
	CHECK_EQ(st.vs_reason, VV_R_VID);
	CHECK_EQ(st.vs_err_index, 1);
	CHECK_EQ(st.vs_total, 0); /* validated before anything was applied */
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	CHECK(nms_vlan_write(vfd, junk, sizeof(junk)) < 0, "random bytes refused");
	CHECK_EQ(nms_vlan_write(vfd, junk, 10), -EINVAL);
	CHECK_EQ(status(vfd, NULL, 0).vs_reason, VV_R_LENGTH);
	{
		static struct vv_req many[VV_MAX_RECORDS + 1];

		for (int i = 0; i <= VV_MAX_RECORDS; i++)
			many[i] = rec(VV_LIST, "", NULL, 0);
		CHECK_EQ(nms_vlan_write(vfd, many, sizeof(many)), -E2BIG);
		CHECK_EQ(status(vfd, NULL, 0).vs_reason, VV_R_TOO_MANY);
		CHECK_EQ(nms_vlan_write(vfd, many, sizeof(many) - sizeof(many[0])),
			 (int)(sizeof(many) - sizeof(many[0])));
	}
	/* attaching a port that does not exist: EINVAL, as netmap's attach of an
	 * unknown name (the kernel module gets it from netmap_bdg_attach) */
	r = rec(VV_CREATE_CONF, "c3", NULL, 0);
	CHECK_EQ(nms_vlan_write(vfd, &r, sizeof(r)), (int)sizeof(r));
	r = rec(VV_ATTACH_TRUNK, "c3", "nosuch", 0);
	CHECK_EQ(nms_vlan_write(vfd, &r, sizeof(r)), -EINVAL);
	CHECK(strstr(nms_last_error(), "nosuch") != NULL, "message: %s", nms_last_error());
	CHECK_EQ(status(vfd, NULL, 0).vs_reason, VV_R_OS);
	r = rec(VV_DELETE_CONF, "c3", NULL, 0);
	CHECK_EQ(nms_vlan_write(vfd, &r, sizeof(r)), (int)sizeof(r));
	CHECK_EQ(nms_vlan_ioctl(vfd, &r), -ENOTTY);
	CHECK_EQ(nms_vlan_read(vfd, junk, 8), -EINVAL);
	CHECK_EQ(nms_vlan_write(12345, &r, sizeof(r)), -EBADF);
}

int main(void)
{
	int vfd;

	t_setup("vlan");
	vfd = nms_vlan_open();
	if (vfd == -EOPNOTSUPP) {
		printf("uvale_vlan: SKIP (uvale's VLAN hooks are not applied: %s)\n",
		       nms_last_error());
		nms_uvale_stop();
		return t_finish("uvale_vlan");
	}
	CHECK(vfd >= 0, "nms_vlan_open: %d", vfd);
	if (vfd >= 0) {
		test_switch(vfd);
		test_errors(vfd);
		test_concurrent(vfd);
		CHECK_EQ(nms_vlan_close(vfd), 0);
	}
	return t_finish("uvale_vlan");
}
