/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers for the uvale C tests (ffi/tests/uvale_*_test.c). They use only
 * nmscript.h: a private daemon directory per test, port registration, ring
 * access, a frame builder, and a check macro that counts failures.
 */
#ifndef NMSCRIPT_UVALE_TESTLIB_H
#define NMSCRIPT_UVALE_TESTLIB_H

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nmscript.h"
#include "../tests/check.h" /* CHECK, CHECK_EQ and their counters */

static char t_dir[128];

/* a private daemon for this test */
static inline void t_setup(const char *name)
{
	snprintf(t_dir, sizeof(t_dir), "/tmp/uvale-%s-XXXXXX", name);
	if (mkdtemp(t_dir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	setenv("NMSCRIPT_UVALE_DIR", t_dir, 1);
	setenv("NMSCRIPT_BACKEND", "uvale", 1);
	if (nms_backend() != NMS_BACKEND_UVALE) {
		fprintf(stderr, "uvale backend not selected\n");
		exit(2);
	}
}

static inline int t_finish(const char *name)
{
	char cmd[256];

	nms_uvale_stop();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t_dir);
	if (system(cmd) != 0)
		failures++;
	printf("%s: %d checks, %d failures\n", name, checks, failures);
	return failures ? 1 : 0;
}

struct t_port {
	int fd;
	struct nma_req_register reg;
	char *mem;
	struct nma_if *nifp;
};

static inline void t_hdr(struct nma_req_header *h, const char *name, uint16_t type, void *body)
{
	memset(h, 0, sizeof(*h));
	h->nr_version = NMA_API;
	h->nr_reqtype = type;
	snprintf(h->nr_name, sizeof(h->nr_name), "%s", name);
	h->nr_body = (uint64_t)(uintptr_t)body;
}

/* one control request on a fresh handle; 0 or -errno */
static inline int t_ctl(const char *name, uint16_t type, void *body)
{
	struct nma_req_header h;
	int fd = nms_open(), err;

	if (fd < 0)
		return fd;
	t_hdr(&h, name, type, body);
	err = nms_ctrl(fd, &h);
	nms_close(fd);
	return err;
}

/* open + REGISTER + mmap; returns 0 or -errno */
static inline int t_open_ex(struct t_port *p, const char *name, uint32_t mode, uint64_t flags,
		     uint32_t extra, struct nma_req_option *opts)
{
	struct nma_req_header h;
	int err, e = 0;

	memset(p, 0, sizeof(*p));
	p->fd = nms_open();
	if (p->fd < 0)
		return p->fd;
	p->reg.nr_mode = mode;
	p->reg.nr_flags = flags;
	p->reg.nr_extra_bufs = extra;
	t_hdr(&h, name, NMA_REQ_REGISTER, &p->reg);
	h.nr_options = (uint64_t)(uintptr_t)opts;
	err = nms_ctrl(p->fd, &h);
	if (err < 0) {
		nms_close(p->fd);
		p->fd = -1;
		return err;
	}
	p->mem = nms_mmap(p->fd, p->reg.nr_memsize, &e);
	if (p->mem == NULL) {
		nms_close(p->fd);
		p->fd = -1;
		return -e;
	}
	p->nifp = (struct nma_if *)(p->mem + p->reg.nr_offset);
	return 0;
}

static inline int t_open(struct t_port *p, const char *name)
{
	return t_open_ex(p, name, NMA_REG_ALL_NIC, 0, 0, NULL);
}

static inline void t_close(struct t_port *p)
{
	if (p->mem)
		nms_munmap(p->mem, p->reg.nr_memsize);
	if (p->fd >= 0)
		nms_close(p->fd);
	p->fd = -1;
	p->mem = NULL;
}

static struct nma_ring *t_txring(struct t_port *p, int i)
{
	int64_t ofs = p->nifp->ring_ofs[i];

	return ofs ? (struct nma_ring *)((char *)p->nifp + ofs) : NULL;
}

static struct nma_ring *t_rxring(struct t_port *p, int i)
{
	int64_t ofs = p->nifp->ring_ofs[i + p->nifp->ni_tx_rings + p->nifp->ni_host_tx_rings];

	return ofs ? (struct nma_ring *)((char *)p->nifp + ofs) : NULL;
}

static char *t_buf(struct nma_ring *r, uint32_t idx)
{
	return (char *)r + r->buf_ofs + (uint64_t)idx * r->nr_buf_size;
}

static inline uint32_t t_next(struct nma_ring *r, uint32_t i)
{
	return i + 1 == r->num_slots ? 0 : i + 1;
}

static inline uint32_t t_space(struct nma_ring *r)
{
	int64_t s = (int64_t)r->tail - r->head;

	return (uint32_t)(s < 0 ? s + r->num_slots : s);
}

/* an Ethernet frame: dst, src (6 bytes each, last byte given), type, fill */
static inline void t_frame(char *buf, uint16_t len, uint8_t dst, uint8_t src, char fill)
{
	memset(buf, fill, len);
	memset(buf, dst == 0xff ? 0xff : 0x02, 6);
	if (dst != 0xff)
		buf[5] = (char)dst;
	memset(buf + 6, 0x02, 6);
	buf[11] = (char)src;
	buf[12] = 0x08;
	buf[13] = 0x00;
}

/* queue n frames on tx ring 0 and txsync; returns how many were queued */
static inline int t_send(struct t_port *p, int n, uint16_t len, uint8_t dst, uint8_t src, char fill)
{
	struct nma_ring *r = t_txring(p, 0);
	int i;

	for (i = 0; i < n && t_space(r) > 0; i++) {
		struct nma_slot *s = &r->slot[r->head];

		t_frame(t_buf(r, s->buf_idx), len, dst, src, fill);
		s->len = len;
		s->flags = 0;
		r->head = r->cur = t_next(r, r->head);
	}
	nms_txsync(p->fd);
	return i;
}

/* receive up to max frames (waiting up to ms); checks length and fill */
static inline int t_recv(struct t_port *p, int max, uint16_t len, char fill, int ms)
{
	struct nma_ring *r = t_rxring(p, 0);
	int got = 0, bad = 0;

	while (got < max) {
		if (r->head == r->tail) {
			if (nms_poll(p->fd, POLLIN, ms) <= 0)
				break;
			continue;
		}
		while (r->head != r->tail && got < max) {
			struct nma_slot *s = &r->slot[r->head];
			char *b = t_buf(r, s->buf_idx);

			if (s->len != len || b[len - 1] != fill)
				bad++;
			got++;
			r->head = r->cur = t_next(r, r->head);
		}
		nms_rxsync(p->fd);
	}
	return bad ? -bad : got;
}

/* wait for a child and return its exit status (or 99) */
static inline int t_wait(pid_t pid)
{
	int st = 0;

	if (waitpid(pid, &st, 0) < 0)
		return 99;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

#endif /* NMSCRIPT_UVALE_TESTLIB_H */
