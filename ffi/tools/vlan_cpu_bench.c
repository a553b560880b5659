/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vlan_cpu_bench: the CPU one txsync spends per frame, on a plain VALE pair
 * and across a VLAN conf (access -> trunk, trunk -> access), in one process
 * and one thread, on a private uvale. Each round sends one batch per
 * scenario, in turn, timing only nms_txsync() with the thread's CPU clock;
 * the figure is the median over the rounds, so a loaded machine shifts all
 * three alike and the ratios stay put. Every batch must arrive whole, with
 * the tag added (access -> trunk) or removed (trunk -> access).
 *
 * Usage: vlan_cpu_bench [-r ROUNDS] [-b BATCH] [-l LEN] [--json]
 * Exit status: 0 measured, 1 a failure (message on stderr), 255 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nmscript.h"
#include "vale_vlan_abi.h"

#define PROG       "vlan_cpu_bench"
#define USAGE_EXIT 255
#define VID        10
#define TAG_LEN    4
#define MAX_ROUNDS 100000

enum { PAIR, A2T, T2A, NSCEN };

static const char *const scen_name[NSCEN] = { "pair", "access->trunk", "trunk->access" };

struct port {
	int fd;
	struct nma_req_register reg;
	char *mem;
	struct nma_if *nifp;
	struct nma_ring *tx, *rx;
};

struct scen {
	struct port *tx, *rx;
	uint8_t dst, src;   /* last bytes of the MACs 02:00:00:00:00:xx */
	int tag_in;         /* the sender's frames carry the VID tag */
	int tag_out;        /* the receiver's frames must carry it */
	double *ns;         /* per round, ns per frame */
};

static char dir[64];

static int fail(const char *what, int err)
{
	fprintf(stderr, PROG ": %s: %s (%s)\n", what, nms_errno_name(err < 0 ? -err : err),
		nms_last_error());
	return 1;
}

static int port_open(struct port *p, const char *name)
{
	struct nma_req_header h;
	int e = 0;

	memset(p, 0, sizeof(*p));
	p->fd = nms_open();
	if (p->fd < 0)
		return p->fd;
	p->reg.nr_mode = NMA_REG_ALL_NIC;
	memset(&h, 0, sizeof(h));
	h.nr_version = NMA_API;
	h.nr_reqtype = NMA_REQ_REGISTER;
	snprintf(h.nr_name, sizeof(h.nr_name), "%s", name);
	h.nr_body = (uint64_t)(uintptr_t)&p->reg;
	e = nms_ctrl(p->fd, &h);
	if (e < 0)
		goto out;
	p->mem = nms_mmap(p->fd, p->reg.nr_memsize, &e);
	if (p->mem == NULL) {
		e = -e;
		goto out;
	}
	p->nifp = (struct nma_if *)(p->mem + p->reg.nr_offset);
	p->tx = (struct nma_ring *)((char *)p->nifp + p->nifp->ring_ofs[0]);
	p->rx = (struct nma_ring *)((char *)p->nifp +
				    p->nifp->ring_ofs[p->nifp->ni_tx_rings +
						      p->nifp->ni_host_tx_rings]);
	return 0;
out:
	nms_close(p->fd);
	p->fd = -1;
	return e;
}

static void port_close(struct port *p)
{
	if (p->mem)
		nms_munmap(p->mem, p->reg.nr_memsize);
	if (p->fd >= 0)
		nms_close(p->fd);
	p->mem = NULL;
	p->fd = -1;
}

static uint8_t *slot_buf(struct nma_ring *r, uint32_t i)
{
	return (uint8_t *)r + r->buf_ofs + (uint64_t)r->slot[i].buf_idx * r->nr_buf_size;
}

static uint32_t ring_next(const struct nma_ring *r, uint32_t i)
{
	return i + 1 == r->num_slots ? 0 : i + 1;
}

static uint32_t ring_avail(const struct nma_ring *r)
{
	return r->tail >= r->head ? r->tail - r->head : r->tail + r->num_slots - r->head;
}

/* an IPv4-typed frame of len bytes (plus the tag when tagged) */
static uint32_t frame(uint8_t *b, uint32_t len, uint8_t dst, uint8_t src, int tagged)
{
	uint32_t at = 12;

	memset(b, 0x5a, len + TAG_LEN);
	memcpy(b, (uint8_t[6]){ 2, 0, 0, 0, 0, dst }, 6);
	memcpy(b + 6, (uint8_t[6]){ 2, 0, 0, 0, 0, src }, 6);
	if (tagged) {
		b[at++] = 0x81;
		b[at++] = 0x00;
		b[at++] = VID >> 8;
		b[at++] = VID & 0xff;
	}
	b[at] = 0x08;
	b[at + 1] = 0x00;
	return len + (tagged ? TAG_LEN : 0);
}

/* queue up to n frames on p's tx ring; returns how many */
static uint32_t queue(struct port *p, uint32_t n, uint32_t len, uint8_t dst, uint8_t src,
		      int tagged)
{
	struct nma_ring *r = p->tx;
	uint32_t k, room = ring_avail(r);

	for (k = 0; k < n && k < room; k++) {
		r->slot[r->head].len = (uint16_t)frame(slot_buf(r, r->head), len, dst, src, tagged);
		r->slot[r->head].flags = 0;
		r->head = r->cur = ring_next(r, r->head);
	}
	return k;
}

/* receive what arrived; 0 when it is want frames of the expected shape */
static int drain(struct port *p, uint32_t want, uint32_t len, int tagged)
{
	struct nma_ring *r = p->rx;
	uint32_t got, bad = 0, elen = len + (tagged ? TAG_LEN : 0);

	nms_rxsync(p->fd);
	got = ring_avail(r);
	for (uint32_t i = r->head, k = 0; k < got; k++, i = ring_next(r, i)) {
		const uint8_t *b = slot_buf(r, i);
		int has_tag = b[12] == 0x81 && b[13] == 0x00 && b[15] == VID;

		bad += r->slot[i].len != elen || has_tag != tagged;
	}
	r->head = r->cur = r->tail;
	nms_rxsync(p->fd);
	if (got != want || bad) {
		fprintf(stderr, PROG ": received %u frames (%u malformed), expected %u%s\n", got,
			bad, want, tagged ? " tagged" : " untagged");
		return 1;
	}
	return 0;
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct vv_req vreq(uint16_t action, const char *port)
{
	struct vv_req r;

	memset(&r, 0, sizeof(r));
	r.vr_version = VV_ABI_VERSION;
	r.vr_action = action;
	r.vr_vid = action == VV_CREATE_ACCESS ? VID : 0;
	snprintf(r.vr_conf, sizeof(r.vr_conf), "cpub");
	if (port)
		snprintf(r.vr_port, sizeof(r.vr_port), "%s", port);
	return r;
}

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, PROG ": %s\n", msg);
	fprintf(stderr,
		"usage: " PROG " [-r ROUNDS] [-b BATCH] [-l LEN] [--json]\n"
		"  -r ROUNDS  batches per scenario, median taken (default 2000, 11..%d)\n"
		"  -b BATCH   frames per txsync (default 512, 1..1024)\n"
		"  -l LEN     untagged frame length, 60..1514 (default 60)\n"
		"  --json     one JSON object instead of the table\n"
		"Runs on its own uvale (a fresh NMSCRIPT_UVALE_DIR), stopped at the end.\n",
		MAX_ROUNDS);
	return USAGE_EXIT;
}

static int num(const char *s, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return *s == '\0' || *end != '\0' || errno || *out < lo || *out > hi ? -1 : 0;
}

static int measure(struct scen *sc, long rounds, uint32_t batch, uint32_t len)
{
	for (long it = 0; it < rounds; it++) {
		for (int s = 0; s < NSCEN; s++) {
			struct scen *c = &sc[s];
			uint32_t k = queue(c->tx, batch, len, c->dst, c->src, c->tag_in);
			double t0 = cpu_ns();
			int err = nms_txsync(c->tx->fd);

			c->ns[it] = (cpu_ns() - t0) / (k ? k : 1);
			if (err < 0)
				return fail("txsync", err);
			if (k == 0 || drain(c->rx, k, len, c->tag_out))
				return 1;
		}
	}
	return 0;
}

static int run(long rounds, uint32_t batch, uint32_t len, int json)
{
	struct port p[4];
	const char *names[4] = { "valeCPU:a", "valeCPU:b", "cpubacc10", "cpubtrunk" };
	struct vv_req up[3] = { vreq(VV_CREATE_CONF, NULL), vreq(VV_CREATE_TRUNK, "cpubtrunk"),
				vreq(VV_CREATE_ACCESS, "cpubacc10") };
	struct vv_req down[3] = { vreq(VV_DESTROY_ACCESS, "cpubacc10"),
				  vreq(VV_DESTROY_TRUNK, "cpubtrunk"),
				  vreq(VV_DELETE_CONF, NULL) };
	struct scen sc[NSCEN] = {
		{ &p[0], &p[1], 0x0b, 0x0a, 0, 0, NULL },
		{ &p[2], &p[3], 0x0d, 0x0c, 0, 1, NULL },
		{ &p[3], &p[2], 0x0c, 0x0d, 1, 0, NULL },
	};
	double med[NSCEN];
	int vfd, err, rc = 1;

	for (int i = 0; i < 4; i++)
		p[i] = (struct port){ .fd = -1 };
	vfd = nms_vlan_open();
	if (vfd < 0)
		return fail("VLAN handle", vfd);
	err = nms_vlan_write(vfd, up, sizeof(up));
	if (err < 0) {
		rc = fail("VLAN conf cpub (trunk cpubtrunk, access cpubacc10 on VID 10)", err);
		goto out;
	}
	for (int i = 0; i < 4; i++) {
		err = port_open(&p[i], names[i]);
		if (err < 0) {
			rc = fail(names[i], err);
			goto out;
		}
	}
	/* each receiver sends one frame first, so that the learning switches know it */
	for (int s = 0; s < NSCEN; s++) {
		struct scen *c = &sc[s];

		queue(c->rx, 1, len, 0xff, c->dst, c->tag_out);
		nms_txsync(c->rx->fd);
		drain(c->tx, 1, len, c->tag_in);
	}
	for (int s = 0; s < NSCEN; s++) {
		sc[s].ns = calloc((size_t)rounds, sizeof(double));
		if (sc[s].ns == NULL) {
			fprintf(stderr, PROG ": out of memory for %ld rounds\n", rounds);
			goto out;
		}
	}
	if (measure(sc, rounds, batch, len))
		goto out;
	for (int s = 0; s < NSCEN; s++) {
		qsort(sc[s].ns, (size_t)rounds, sizeof(double), cmp_double);
		med[s] = sc[s].ns[rounds / 2];
	}
	if (json) {
		printf("{\"rounds\":%ld,\"batch\":%u,\"len\":%u,\"pair_ns\":%.1f,"
		       "\"a2t_ns\":%.1f,\"t2a_ns\":%.1f,\"a2t_ratio\":%.2f,\"t2a_ratio\":%.2f}\n",
		       rounds, batch, len, med[PAIR], med[A2T], med[T2A], med[PAIR] / med[A2T],
		       med[PAIR] / med[T2A]);
	} else {
		printf("| scenario | CPU ns/frame (txsync, median of %ld) | pair / scenario |\n"
		       "|---|---:|---:|\n", rounds);
		for (int s = 0; s < NSCEN; s++)
			printf("| %s | %.1f | %.2f× |\n", scen_name[s], med[s], med[PAIR] / med[s]);
	}
	rc = 0;
out:
	for (int i = 0; i < 4; i++)
		port_close(&p[i]);
	for (int s = 0; s < NSCEN; s++)
		free(sc[s].ns);
	nms_vlan_write(vfd, down, sizeof(down));
	nms_vlan_close(vfd);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = { { "json", no_argument, NULL, 'j' },
					       { "help", no_argument, NULL, 'h' },
					       { NULL, 0, NULL, 0 } };
	long rounds = 2000, batch = 512, len = 60;
	int json = 0, c, rc;
	char cmd[96];

	while ((c = getopt_long(argc, argv, "r:b:l:h", lopts, NULL)) != -1) {
		if (c == 'r' && num(optarg, 11, MAX_ROUNDS, &rounds))
			return usage("-r needs a number of rounds, 11..100000");
		if (c == 'b' && num(optarg, 1, 1024, &batch))
			return usage("-b needs a batch size, 1..1024");
		if (c == 'l' && num(optarg, 60, 1514, &len))
			return usage("-l needs a frame length, 60..1514");
		if (c == 'j')
			json = 1;
		if (c == 'h')
			return usage(NULL);
		if (c == '?')
			return usage(NULL);
	}
	if (optind < argc)
		return usage("no positional arguments");
	snprintf(dir, sizeof(dir), "/tmp/nms-vlan-cpu-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror(PROG ": mkdtemp");
		return 1;
	}
	setenv("NMSCRIPT_UVALE_DIR", dir, 1);
	setenv("NMSCRIPT_BACKEND", "uvale", 1);
	rc = nms_backend() == NMS_BACKEND_UVALE
		     ? run(rounds, (uint32_t)batch, (uint32_t)len, json)
		     : (fprintf(stderr, PROG ": the uvale backend could not be selected\n"), 1);
	nms_uvale_stop();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, PROG ": could not remove %s\n", dir);
	return rc;
}
