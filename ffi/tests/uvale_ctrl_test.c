/* SPDX-License-Identifier: BSD-2-Clause */
/* uvale: NIOCCTRL request types with the kernel's errnos: persistent ports
 * (netmap tests 002, 009-011), attach/detach/list, header rules, options,
 * pools, limits, and persistence across a daemon restart. */
#include "../uvale/uvale_testlib.h"

static int ctl(const char *name, uint16_t type, void *body, struct nma_req_option *opts)
{
	struct nma_req_header h;
	int fd = nms_open(), err;

	if (fd < 0)
		return fd;
	t_hdr(&h, name, type, body);
	h.nr_options = (uint64_t)(uintptr_t)opts;
	err = nms_ctrl(fd, &h);
	nms_close(fd);
	return err;
}

static int newif(const char *name)
{
	struct nma_req_vale_newif n = { 0 };

	return ctl(name, NMA_REQ_VALE_NEWIF, &n, NULL);
}

static int delif(const char *name)
{
	return ctl(name, NMA_REQ_VALE_DELIF, NULL, NULL);
}

static int attach(const char *name)
{
	struct nma_req_vale_attach a = { .reg.nr_mode = NMA_REG_ALL_NIC };

	return ctl(name, NMA_REQ_VALE_ATTACH, &a, NULL);
}

static int detach(const char *name)
{
	struct nma_req_vale_detach d = { 0 };

	return ctl(name, NMA_REQ_VALE_DETACH, &d, NULL);
}

static void test_persistent(void)
{
	/* 011: double create */
	CHECK_EQ(newif("v0"), 0);
	CHECK_EQ(newif("v0"), -EEXIST);
	CHECK_EQ(newif("vale7"), -EINVAL);
	CHECK_EQ(newif("abcdefghijklmnop"), -EINVAL);
	CHECK_EQ(newif("lo"), -EEXIST);
	/* 009 and 010: attach, double attach, second bridge, destroy rules */
	CHECK_EQ(attach("vale0A:v0"), 0);
	CHECK_EQ(attach("vale0A:v0"), -EBUSY);
	CHECK_EQ(newif("v0"), -EEXIST);
	CHECK_EQ(delif("v0"), -EBUSY);
	CHECK_EQ(attach("vale0B:v0"), 0);
	CHECK_EQ(delif("v0"), -EBUSY);
	CHECK_EQ(detach("vale0A:v0"), -EBUSY); /* the first while a second exists */
	CHECK_EQ(detach("vale0B:v0"), 0);
	CHECK_EQ(delif("v0"), -EBUSY);
	CHECK_EQ(detach("vale0A:v0"), 0);
	CHECK_EQ(delif("v0"), 0);
	CHECK_EQ(delif("v0"), -ENXIO);
	CHECK_EQ(delif("lo"), -EINVAL);
	CHECK_EQ(attach("vale0A:nosuch"), -EINVAL);
	CHECK_EQ(detach("vale0A:nosuch"), -ENXIO);
	CHECK_EQ(attach("v0"), -EINVAL);
}

static void test_exclusive_persistent(void)
{
	struct t_port x, y;

	/* 002 */
	CHECK_EQ(newif("v1"), 0);
	CHECK_EQ(attach("vale1:v1"), 0);
	CHECK_EQ(t_open_ex(&x, "vale1:v1", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL), 0);
	CHECK_EQ(t_open(&y, "vale1:v1"), -EBUSY);
	CHECK_EQ(t_open_ex(&y, "vale1:v1", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL), -EBUSY);
	CHECK_EQ(t_open(&y, "v1"), -EBUSY); /* the same port by its interface name */
	t_close(&x);
	CHECK_EQ(t_open(&y, "v1"), 0);
	CHECK(strcmp(y.nifp->ni_name, "vale1:v1") == 0, "ni_name %s", y.nifp->ni_name);
	t_close(&y);
	CHECK_EQ(detach("vale1:v1"), 0);
	CHECK_EQ(delif("v1"), 0);
	/* close is synchronous for later requests: the port is free at once */
	for (int i = 0; i < 20; i++) {
		CHECK_EQ(newif("v2"), 0);
		CHECK_EQ(t_open(&y, "v2"), 0);
		t_close(&y);
		CHECK_EQ(delif("v2"), 0);
	}
}

static void test_list(void)
{
	struct nma_req_vale_list l = { 0 };
	struct t_port a, b;
	struct nma_req_header h;
	int fd, n = 0;

	CHECK_EQ(t_open(&a, "vale2:a"), 0);
	CHECK_EQ(t_open(&b, "vale2:b"), 0);
	CHECK_EQ(ctl("vale2:b", NMA_REQ_VALE_LIST, &l, NULL), 0);
	CHECK_EQ(l.nr_port_idx, 1);
	CHECK_EQ(ctl("vale2:zz", NMA_REQ_VALE_LIST, &l, NULL), 0);
	CHECK_EQ(l.nr_port_idx, NMA_BDG_NOPORT);
	CHECK_EQ(ctl("vale9:zz", NMA_REQ_VALE_LIST, &l, NULL), -ENOENT);
	CHECK_EQ(ctl("foo", NMA_REQ_VALE_LIST, &l, NULL), -EINVAL);
	fd = nms_open();
	memset(&l, 0, sizeof(l));
	t_hdr(&h, "", NMA_REQ_VALE_LIST, &l);
	while (nms_ctrl(fd, &h) == 0) {
		n++;
		l.nr_port_idx++;
		h.nr_name[0] = '\0';
	}
	nms_close(fd);
	CHECK_EQ(n, 2);
	t_close(&a);
	t_close(&b);
}

static void test_hdr_polling_pools(void)
{
	struct nma_req_port_hdr ph = { .nr_hdr_len = 10 };
	struct nma_req_vale_polling vp = { .nr_mode = NMA_POLLING_MODE_SINGLE_CPU };
	struct nma_req_pools_info pi = { 0 };
	struct t_port a, b;

	CHECK_EQ(t_open(&a, "vale3:a"), 0);
	CHECK_EQ(ctl("vale3:a", NMA_REQ_PORT_HDR_SET, &ph, NULL), 0);
	ph.nr_hdr_len = 11;
	CHECK_EQ(ctl("vale3:a", NMA_REQ_PORT_HDR_SET, &ph, NULL), -EINVAL);
	ph.nr_hdr_len = 0;
	CHECK_EQ(ctl("vale3:a", NMA_REQ_PORT_HDR_GET, &ph, NULL), 0);
	CHECK_EQ(ph.nr_hdr_len, 10);
	CHECK_EQ(t_open(&b, "vale3:a"), -EIO);
	CHECK_EQ(t_open_ex(&b, "vale3:a", NMA_REG_ALL_NIC, NMA_ACCEPT_VNET_HDR, 0, NULL), 0);
	t_close(&b);
	CHECK_EQ(ctl("vale3:zz", NMA_REQ_PORT_HDR_SET, &ph, NULL), -ENXIO);
	CHECK_EQ(ctl("vale3:a", NMA_REQ_VALE_POLLING_ENABLE, &vp, NULL), -EOPNOTSUPP);
	CHECK_EQ(ctl("foo", NMA_REQ_VALE_POLLING_ENABLE, &vp, NULL), -EINVAL);
	CHECK_EQ(ctl("vale3:zz", NMA_REQ_VALE_POLLING_DISABLE, &vp, NULL), -ENXIO);
	CHECK_EQ(ctl("vale3:a", NMA_REQ_POOLS_INFO_GET, &pi, NULL), 0);
	CHECK_EQ(pi.nr_memsize, a.reg.nr_memsize);
	CHECK_EQ(pi.nr_mem_id, a.reg.nr_mem_id);
	CHECK_EQ(pi.nr_if_pool_offset, 0);
	CHECK_EQ(pi.nr_if_pool_objtotal, 12);
	CHECK_EQ(pi.nr_if_pool_objsize, 1024);
	CHECK_EQ(pi.nr_ring_pool_offset, 12288);
	CHECK_EQ(pi.nr_ring_pool_objtotal, 20);
	CHECK_EQ(pi.nr_ring_pool_objsize, 20480);
	CHECK_EQ(pi.nr_buf_pool_offset, 12288 + 409600);
	CHECK_EQ(pi.nr_buf_pool_objtotal, 20482);
	CHECK_EQ(pi.nr_buf_pool_objsize, 2048);
	t_close(&a);
}

static void test_request_rules(void)
{
	struct nma_req_header h;
	struct nma_req_vale_list l = { 0 };
	struct nma_req_port_info_get pi = { 0 };
	struct nma_req_option o1 = { .nro_reqtype = 99 }, o2 = { 0 };
	struct nma_req_option d1 = { .nro_reqtype = NMA_REQ_OPT_SYNC_KLOOP_MODE };
	struct nma_req_opt_sync_kloop_mode km = { .nro_opt.nro_reqtype = NMA_REQ_OPT_SYNC_KLOOP_MODE };
	struct t_port p;
	int fd = nms_open();

	t_hdr(&h, "", NMA_REQ_VALE_LIST, NULL);
	CHECK_EQ(nms_ctrl(fd, &h), -EINVAL); /* body missing */
	t_hdr(&h, "v9", NMA_REQ_VALE_DELIF, &l);
	CHECK_EQ(nms_ctrl(fd, &h), -EINVAL); /* unexpected body */
	t_hdr(&h, "", NMA_REQ_VALE_LIST, &l);
	h.nr_reserved = 1;
	CHECK_EQ(nms_ctrl(fd, &h), -EINVAL);
	t_hdr(&h, "", NMA_REQ_VALE_LIST, &l);
	h.nr_version = 13;
	CHECK_EQ(nms_ctrl(fd, &h), -EINVAL);
	t_hdr(&h, "", 99, NULL);
	CHECK_EQ(nms_ctrl(fd, &h), -EINVAL);
	/* mem_id 1 is the global allocator; unknown ids are EINVAL */
	t_hdr(&h, "", NMA_REQ_PORT_INFO_GET, &pi);
	CHECK_EQ(nms_ctrl(fd, &h), 0);
	CHECK_EQ(pi.nr_mem_id, 1);
	CHECK_EQ(pi.nr_memsize, 343019520); /* netmap's default global allocator */
	pi.nr_mem_id = 999;
	CHECK_EQ(nms_ctrl(fd, &h), -EINVAL);
	/* unknown option type: REGISTER fails with EOPNOTSUPP */
	CHECK_EQ(t_open_ex(&p, "vale4:a", NMA_REG_ALL_NIC, 0, 0, &o1), -EOPNOTSUPP);
	CHECK_EQ(o1.nro_status, EOPNOTSUPP);
	/* ... while other requests succeed and leave it marked */
	o1.nro_status = 0;
	t_hdr(&h, "", NMA_REQ_VALE_LIST, &l);
	h.nr_options = (uint64_t)(uintptr_t)&o1;
	CHECK_EQ(nms_ctrl(fd, &h), -ENOENT);
	CHECK_EQ(o1.nro_status, EOPNOTSUPP);
	/* type 0 */
	CHECK_EQ(t_open_ex(&p, "vale4:a", NMA_REG_ALL_NIC, 0, 0, &o2), -EINVAL);
	CHECK_EQ(o2.nro_status, EINVAL);
	/* duplicates: both marked */
	km.nro_opt.nro_next = (uint64_t)(uintptr_t)&d1;
	CHECK_EQ(t_open_ex(&p, "vale4:a", NMA_REG_ALL_NIC, 0, 0, &km.nro_opt), -EINVAL);
	CHECK_EQ(km.nro_opt.nro_status, EINVAL);
	CHECK_EQ(d1.nro_status, EINVAL);
	CHECK_EQ(km.nro_opt.nro_next, (uint64_t)(uintptr_t)&d1);
	/* a loop is EMSGSIZE */
	o1.nro_next = (uint64_t)(uintptr_t)&o1;
	CHECK_EQ(t_open_ex(&p, "vale4:a", NMA_REG_ALL_NIC, 0, 0, &o1), -EMSGSIZE);
	/* kloop / CSB */
	t_hdr(&h, "", NMA_REQ_CSB_ENABLE, NULL);
	CHECK_EQ(nms_ctrl(fd, &h), -EINVAL);
	{
		struct nma_req_sync_kloop_start ks = { 0 };

		t_hdr(&h, "", NMA_REQ_SYNC_KLOOP_START, &ks);
		CHECK_EQ(nms_ctrl(fd, &h), -ENXIO);
	}
	/* sync on an unbound handle */
	CHECK_EQ(nms_txsync(fd), -ENXIO);
	CHECK_EQ(nms_poll(fd, POLLIN, 0), POLLERR);
	nms_close(fd);
}

static int reg_only(const char *name)
{
	struct nma_req_register reg = { .nr_mode = NMA_REG_ALL_NIC };
	struct nma_req_header h;
	int fd = nms_open(), err;

	t_hdr(&h, name, NMA_REQ_REGISTER, &reg);
	err = nms_ctrl(fd, &h);
	if (err < 0) {
		nms_close(fd);
		return err;
	}
	return fd;
}

static void test_limits(void)
{
	char name[80];
	int fds[300], n = 0, err = 0;

	/* 8 bridges; the 9th is ENOMEM */
	for (int i = 0; i < NMA_BRIDGES; i++) {
		snprintf(name, sizeof(name), "valeL%d:p", i);
		fds[i] = reg_only(name);
		CHECK(fds[i] >= 0, "%s", name);
	}
	CHECK_EQ(reg_only("valeL9:p"), -ENOMEM);
	for (int i = 0; i < NMA_BRIDGES; i++)
		nms_close(fds[i]);
	/* 254 ports per bridge, and a new port needs two free */
	for (n = 0; n < 300; n++) {
		snprintf(name, sizeof(name), "valeM:p%d", n);
		fds[n] = reg_only(name);
		if (fds[n] < 0) {
			err = fds[n];
			break;
		}
	}
	CHECK_EQ(n, NMA_BDG_MAXPORTS - 2);
	CHECK_EQ(err, -ENOMEM);
	for (int i = 0; i < n; i++)
		nms_close(fds[i]);
	/* name rules */
	CHECK_EQ(reg_only("vale-x:p"), -ENOMEM);
	CHECK_EQ(reg_only("vale0:abcdefghijklmnop"), -ENOMEM);
	CHECK_EQ(reg_only("nosuchport"), -ENXIO);
}

static void test_persistence(void)
{
	struct nma_req_port_info_get pi;
	struct nma_req_vale_list l = { 0 };
	char st[256];

	CHECK_EQ(newif("keep0"), 0);
	CHECK_EQ(attach("valeP:keep0"), 0);
	CHECK_EQ(newif("keep1"), 0);
	CHECK_EQ(nms_uvale_stop(), 0);
	CHECK(nms_uvale_status(st, sizeof(st)) < 0, "daemon stopped");
	CHECK_EQ(ctl("keep1", NMA_REQ_PORT_INFO_GET, &pi, NULL), 0); /* restarts it */
	CHECK_EQ(ctl("valeP:keep0", NMA_REQ_VALE_LIST, &l, NULL), 0);
	CHECK(l.nr_port_idx != NMA_BDG_NOPORT, "attachment restored");
	CHECK(nms_uvale_status(st, sizeof(st)) > 0, "status");
	CHECK(strstr(st, "\"persistent\":2") != NULL, "%s", st);
	CHECK_EQ(detach("valeP:keep0"), 0);
	CHECK_EQ(delif("keep0"), 0);
	CHECK_EQ(delif("keep1"), 0);
}

int main(void)
{
	t_setup("ctrl");
	test_persistent();
	test_exclusive_persistent();
	test_list();
	test_hdr_polling_pools();
	test_request_rules();
	test_limits();
	test_persistence();
	return t_finish("uvale_ctrl_test");
}
