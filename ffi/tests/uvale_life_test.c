/* SPDX-License-Identifier: BSD-2-Clause */
/* uvale: lifetimes and robustness: kill -9 of busy senders, handles passed
 * with SCM_RIGHTS to a process that never registered them, dup, garbage on
 * the control socket, concurrent daemon starts, stale socket files. */
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "../uvale/uvale_testlib.h"

static int count_ports(const char *prefix)
{
	struct nma_req_vale_list l = { 0 };
	struct nma_req_header h;
	int fd = nms_open(), n = 0;

	t_hdr(&h, "", NMA_REQ_VALE_LIST, &l);
	while (nms_ctrl(fd, &h) == 0) {
		if (strncmp(h.nr_name, prefix, strlen(prefix)) == 0)
			n++;
		l.nr_port_idx++;
		h.nr_name[0] = '\0';
	}
	nms_close(fd);
	return n;
}

static int wait_ports(const char *prefix, int want)
{
	int n = -1;

	for (int i = 0; i < 200 && (n = count_ports(prefix)) != want; i++)
		usleep(5000);
	return n;
}

static void drain(struct t_port *p)
{
	struct nma_ring *r = t_rxring(p, 0);

	nms_rxsync(p->fd);
	r->head = r->cur = r->tail;
	nms_rxsync(p->fd);
}

static void test_kill9(void)
{
	struct t_port r, s;

	CHECK_EQ(t_open(&r, "vale0:r"), 0);
	CHECK_EQ(t_open(&s, "vale0:s"), 0);
	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			struct t_port k;

			if (t_open(&k, "vale0:k") != 0)
				_exit(1);
			for (;;)
				t_send(&k, 512, 60, 0xff, 9, 'k');
		}
		usleep(3000 + (unsigned)(i % 5) * 2000);
		kill(pid, SIGKILL);
		t_wait(pid);
		drain(&r);
	}
	/* the switch keeps serving, the dead clients' ports are gone */
	CHECK_EQ(wait_ports("vale0:k", 0), 0);
	drain(&r);
	CHECK_EQ(t_send(&s, 5, 60, 0xff, 2, 'a'), 5);
	CHECK_EQ(t_recv(&r, 5, 60, 'a', 500), 5);
	t_close(&r);
	t_close(&s);
}

static void test_passed_handle(void)
{
	struct t_port a, b;
	int sp[2], fd2;
	pid_t pid;
	uint64_t memsize;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
	pid = fork();
	if (pid == 0) {
		int fd = -1, ok;
		char *mem;
		struct nma_if *nifp;
		struct nma_ring *tx;
		uint64_t ms = 0;
		int e = 0;

		close(sp[0]);
		if (nms_recv_fd(sp[1], &ms, sizeof(ms), &fd, 2000) != sizeof(ms) || fd < 0)
			_exit(1);
		/* never registered here: the binding comes from the daemon */
		mem = nms_mmap(fd, ms, &e);
		if (mem == NULL)
			_exit(2);
		nifp = (struct nma_if *)mem;
		tx = (struct nma_ring *)((char *)nifp + nifp->ring_ofs[0]);
		for (int i = 0; i < 4; i++) {
			struct nma_slot *sl = &tx->slot[tx->head];

			t_frame((char *)tx + tx->buf_ofs + (uint64_t)sl->buf_idx * 2048, 70, 0xff, 3,
				'z');
			sl->len = 70;
			tx->head = tx->cur = t_next(tx, tx->head);
		}
		ok = nms_txsync(fd) == 0;
		nms_munmap(mem, ms);
		usleep(100000); /* the parent closes its copy meanwhile */
		ok = ok && nms_txsync(fd) == 0;
		nms_close(fd);
		_exit(ok ? 0 : 3);
	}
	close(sp[1]);
	CHECK_EQ(t_open(&a, "vale1:a"), 0);
	CHECK_EQ(t_open(&b, "vale1:b"), 0);
	memsize = a.reg.nr_memsize;
	CHECK_EQ(nms_send_fd(sp[0], &memsize, sizeof(memsize), a.fd), sizeof(memsize));
	CHECK_EQ(t_recv(&b, 4, 70, 'z', 2000), 4);
	t_close(&a);
	CHECK_EQ(count_ports("vale1:a"), 1); /* the child still holds it */
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(wait_ports("vale1:a", 0), 0);
	close(sp[0]);
	/* dup keeps the binding */
	CHECK_EQ(t_open(&a, "vale1:c"), 0);
	fd2 = nms_dup(a.fd);
	CHECK(fd2 >= 0, "dup");
	nms_close(a.fd);
	a.fd = fd2;
	CHECK_EQ(t_send(&a, 1, 60, 0xff, 4, 'd'), 1);
	CHECK_EQ(t_recv(&b, 1, 60, 'd', 500), 1);
	t_close(&a);
	t_close(&b);
}

static void test_garbage(void)
{
	char st[256], junk[300], rep[512];
	int s = nms_seqpacket_connect(nms_uvale_socket_path(), 1000), fdo = -1;

	CHECK(s >= 0, "connect");
	memset(junk, 0xa5, sizeof(junk));
	CHECK_EQ(nms_send_fd(s, junk, 3, -1), 3);
	CHECK(nms_recv_fd(s, rep, sizeof(rep), &fdo, 1000) > 0, "an error reply");
	CHECK_EQ(nms_send_fd(s, junk, sizeof(junk), -1), sizeof(junk));
	CHECK(nms_recv_fd(s, rep, sizeof(rep), &fdo, 1000) > 0, "an error reply");
	nms_fd_close(s);
	CHECK(nms_uvale_status(st, sizeof(st)) > 0, "daemon still up");
}

static int status_pid(void)
{
	char st[256];

	if (nms_uvale_status(st, sizeof(st)) < 0)
		return -1;
	return atoi(st + strlen("{\"pid\":"));
}

static void test_starts(void)
{
	pid_t kids[4];
	int pid1;

	CHECK_EQ(nms_uvale_stop(), 0);
	for (int i = 0; i < 4; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(nms_uvale_start() == 0 ? 0 : 1);
	}
	for (int i = 0; i < 4; i++)
		CHECK_EQ(t_wait(kids[i]), 0);
	pid1 = status_pid();
	CHECK(pid1 > 0, "running");
	CHECK_EQ(nms_uvale_start(), 0);
	CHECK_EQ(status_pid(), pid1);
	/* a stale socket file is replaced */
	CHECK_EQ(nms_uvale_stop(), 0);
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", nms_uvale_socket_path());
		CHECK_EQ(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		close(fd);
	}
	{
		struct t_port p;

		CHECK_EQ(t_open(&p, "vale2:p"), 0);
		t_close(&p);
	}
	CHECK(status_pid() != pid1, "a new daemon");
}

static void test_directory(void)
{
	char file[200], dir[200];
	struct stat st;
	int fd;

	/* not a directory: a clear error, no daemon */
	snprintf(file, sizeof(file), "%s/a-file", t_dir);
	fd = open(file, O_CREAT | O_WRONLY, 0600);
	close(fd);
	setenv("NMSCRIPT_UVALE_DIR", file, 1);
	CHECK(nms_open() < 0, "refused");
	CHECK(strstr(nms_last_error(), "NMSCRIPT_UVALE_DIR") != NULL, "hint");
	/* an existing directory is made private */
	snprintf(dir, sizeof(dir), "%s/open", t_dir);
	mkdir(dir, 0755);
	setenv("NMSCRIPT_UVALE_DIR", dir, 1);
	CHECK_EQ(nms_uvale_start(), 0);
	CHECK_EQ(stat(dir, &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0700);
	CHECK_EQ(nms_uvale_stop(), 0);
	setenv("NMSCRIPT_UVALE_DIR", t_dir, 1);
}

int main(void)
{
	t_setup("life");
	test_directory();
	test_kill9();
	test_passed_handle();
	test_garbage();
	test_starts();
	return t_finish("uvale_life_test");
}
