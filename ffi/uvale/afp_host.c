/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host stack side of an interface (afpacket.h, docs/afpacket.md): a TAP
 * device whose ingress is redirected into the interface's ingress by an eBPF
 * program on the TAP's tcx hook, and, as afp_host_set_flags() asks, a program
 * on the interface's tcx egress hook that diverts the stack's output to the
 * TAP and one on its tcx ingress hook that keeps the wire from the stack.
 *
 * The programs, written out by hand (they are a handful of instructions, so
 * no compiler or loader library is needed):
 *
 *   TAP ingress                      interface egress (AFP_HOST_DIVERT)
 *     r2 = AFP_HOST_MARK               r2 = skb->mark
 *     skb->mark = r2                   if r2 == engine's mark goto pass
 *     r1 = interface ifindex           r1 = TAP ifindex
 *     r2 = BPF_F_INGRESS               r2 = 0 (the TAP's egress: our fd)
 *     call bpf_redirect                call bpf_redirect
 *     exit                             exit
 *                                    pass: r0 = TCX_NEXT; exit
 *
 *   interface ingress (AFP_HOST_CUTOFF)
 *     r2 = skb->mark
 *     if r2 == AFP_HOST_MARK goto pass
 *     r0 = TCX_DROP; exit
 *   pass: r0 = TCX_NEXT; exit
 *
 * Packet sockets see a received frame before the tcx ingress hook runs, so
 * the engine's WIRE socket still receives what the cut-off program drops.
 *
 * bpf_redirect to an ingress runs eth_type_trans for the interface, so frames
 * are classified against its MAC address; in one namespace the mark survives,
 * which lets the packet sockets' filters recognise injected frames.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "afpacket.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../src/internal.h"

/* newer than this system's headers (Linux 6.6) */
#define AFP_TCX_INGRESS 46
#define AFP_TCX_EGRESS  47
#define AFP_TCX_NEXT    (-1)
#define AFP_TCX_DROP    2

#define AFP_ENGINE_MARK 0x6e6d7378u /* afpacket.c: SO_MARK of the engine's sockets */
#define HOST_MAX_FRAGS  64u
#define HOST_RXBUF      (64u << 10)

struct afp_host {
	int tap;                /* /dev/net/tun, non-persistent: closing removes it */
	int prog_in, link_in;   /* TAP ingress -> interface ingress */
	int prog_out, link_out; /* interface egress -> TAP (-1 unless DIVERT) */
	int prog_cut, link_cut; /* interface ingress: drop the wire (-1 unless CUTOFF) */
	unsigned flags;         /* AFP_HOST_DIVERT | AFP_HOST_CUTOFF now in effect */
	int ifindex, tapindex;
	uint32_t mtu;
	char ifname[IFNAMSIZ], tapname[IFNAMSIZ];
	uint8_t *rxbuf;
	struct afp_host_stats st;
};

/* ---- eBPF ------------------------------------------------------------------ */

static struct bpf_insn ins(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst & 0xf, .src_reg = src & 0xf,
				  .off = off, .imm = imm };
}

#define MOV_IMM(d, v)  ins(BPF_ALU64 | BPF_MOV | BPF_K, (d), 0, 0, (int32_t)(v))
#define LDX_W(d, s, o) ins(BPF_LDX | BPF_MEM | BPF_W, (d), (s), (int16_t)(o), 0)
#define STX_W(d, s, o) ins(BPF_STX | BPF_MEM | BPF_W, (d), (s), (int16_t)(o), 0)
#define JEQ_IMM(d, v, o) ins(BPF_JMP | BPF_JEQ | BPF_K, (d), 0, (int16_t)(o), (int32_t)(v))
#define CALL(f)        ins(BPF_JMP | BPF_CALL, 0, 0, 0, (f))
#define EXIT()         ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int bpf_sys(int cmd, union bpf_attr *attr)
{
	return (int)syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int bpf_fail(int err, const struct afp_host *h, const char *what)
{
	if (err == EPERM || err == EACCES)
		return nms_fail(EPERM, "afp_host %s: %s needs CAP_BPF and CAP_NET_ADMIN "
				"(run uvaled as root)", h->ifname, what);
	if (err == EINVAL || err == ENOSYS || err == EOPNOTSUPP)
		return nms_fail(EOPNOTSUPP, "afp_host %s: %s: this kernel lacks eBPF tc "
				"programs or tcx hooks (Linux >= 6.6 with CONFIG_BPF_SYSCALL and "
				"CONFIG_NET_XGRESS)", h->ifname, what);
	return nms_fail(err, "afp_host %s: %s", h->ifname, what);
}

static int prog_load(struct afp_host *h, const struct bpf_insn *prog, unsigned n,
		     const char *what)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	a.insns = (uint64_t)(uintptr_t)prog;
	a.insn_cnt = n;
	a.license = (uint64_t)(uintptr_t)"BSD";
	fd = bpf_sys(BPF_PROG_LOAD, &a);
	if (fd < 0)
		return bpf_fail(errno, h, what);
	return fd;
}

static int link_create(struct afp_host *h, int prog, int ifindex, uint32_t type,
		       const char *what)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = (uint32_t)prog;
	a.link_create.target_ifindex = (uint32_t)ifindex;
	a.link_create.attach_type = type;
	fd = bpf_sys(BPF_LINK_CREATE, &a);
	if (fd < 0)
		return bpf_fail(errno, h, what);
	return fd;
}

static int attach_inject(struct afp_host *h)
{
	const struct bpf_insn prog[] = {
		MOV_IMM(BPF_REG_2, AFP_HOST_MARK),
		STX_W(BPF_REG_1, BPF_REG_2, offsetof(struct __sk_buff, mark)),
		MOV_IMM(BPF_REG_1, h->ifindex),
		MOV_IMM(BPF_REG_2, BPF_F_INGRESS),
		CALL(BPF_FUNC_redirect),
		EXIT(),
	};
	int fd = prog_load(h, prog, sizeof(prog) / sizeof(prog[0]), "loading the TAP program");

	if (fd < 0)
		return fd;
	h->prog_in = fd;
	fd = link_create(h, fd, h->tapindex, AFP_TCX_INGRESS, "attaching to the TAP's ingress");
	if (fd < 0)
		return fd;
	h->link_in = fd;
	return 0;
}

static int attach_divert(struct afp_host *h)
{
	const struct bpf_insn prog[] = {
		LDX_W(BPF_REG_2, BPF_REG_1, offsetof(struct __sk_buff, mark)),
		JEQ_IMM(BPF_REG_2, AFP_ENGINE_MARK, 4),
		MOV_IMM(BPF_REG_1, h->tapindex),
		MOV_IMM(BPF_REG_2, 0),
		CALL(BPF_FUNC_redirect),
		EXIT(),
		MOV_IMM(BPF_REG_0, AFP_TCX_NEXT),
		EXIT(),
	};
	int fd = prog_load(h, prog, sizeof(prog) / sizeof(prog[0]), "loading the divert program");

	if (fd < 0)
		return fd;
	h->prog_out = fd;
	fd = link_create(h, fd, h->ifindex, AFP_TCX_EGRESS, "attaching to the interface's egress");
	if (fd < 0)
		return fd;
	h->link_out = fd;
	return 0;
}

static int attach_cutoff(struct afp_host *h)
{
	const struct bpf_insn prog[] = {
		LDX_W(BPF_REG_2, BPF_REG_1, offsetof(struct __sk_buff, mark)),
		JEQ_IMM(BPF_REG_2, AFP_HOST_MARK, 2),
		MOV_IMM(BPF_REG_0, AFP_TCX_DROP),
		EXIT(),
		MOV_IMM(BPF_REG_0, AFP_TCX_NEXT),
		EXIT(),
	};
	int fd = prog_load(h, prog, sizeof(prog) / sizeof(prog[0]), "loading the cut-off program");

	if (fd < 0)
		return fd;
	h->prog_cut = fd;
	fd = link_create(h, fd, h->ifindex, AFP_TCX_INGRESS, "attaching to the interface's ingress");
	if (fd < 0)
		return fd;
	h->link_cut = fd;
	return 0;
}

/* closes a program and its link (the link first: the hook is free again) */
static void detach(int *prog, int *link)
{
	if (*link >= 0)
		close(*link);
	if (*prog >= 0)
		close(*prog);
	*prog = *link = -1;
}

int afp_host_set_flags(struct afp_host *h, unsigned flags)
{
	unsigned add = flags & ~h->flags;
	int err = 0;

	if (flags & ~(AFP_HOST_DIVERT | AFP_HOST_CUTOFF))
		return nms_fail(EINVAL, "afp_host_set_flags %s: unknown flags 0x%x", h->ifname,
				flags);
	if (add & AFP_HOST_DIVERT)
		err = attach_divert(h);
	if (!err && (add & AFP_HOST_CUTOFF))
		err = attach_cutoff(h);
	if (err) {
		/* all or nothing: what this call added goes again */
		if (add & AFP_HOST_DIVERT)
			detach(&h->prog_out, &h->link_out);
		if (add & AFP_HOST_CUTOFF)
			detach(&h->prog_cut, &h->link_cut);
		return err;
	}
	if (!(flags & AFP_HOST_DIVERT))
		detach(&h->prog_out, &h->link_out);
	if (!(flags & AFP_HOST_CUTOFF))
		detach(&h->prog_cut, &h->link_cut);
	h->flags = flags;
	return 0;
}

unsigned afp_host_flags(const struct afp_host *h)
{
	return h->flags;
}

/* ---- the TAP --------------------------------------------------------------- */

static int tap_ioctl(struct afp_host *h, unsigned long req, struct ifreq *ifr, const char *what)
{
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (s < 0)
		return nms_fail(errno, "afp_host %s: socket", h->ifname);
	if (ioctl(s, req, ifr) < 0)
		err = nms_fail(errno == EPERM ? EPERM : errno, "afp_host %s: %s of %s",
			       h->ifname, what, ifr->ifr_name);
	close(s);
	return err;
}

static int make_tap(struct afp_host *h)
{
	struct ifreq ifr;
	char path[96];
	int err, fd;

	snprintf(h->tapname, sizeof(h->tapname), "nmt%d", h->ifindex);
	h->tap = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (h->tap < 0)
		return nms_fail(errno == ENOENT ? EOPNOTSUPP : errno,
				"afp_host %s: cannot open /dev/net/tun (TUN/TAP support needed)",
				h->ifname);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, h->tapname, strlen(h->tapname) + 1);
	if (ioctl(h->tap, TUNSETIFF, &ifr) < 0) {
		err = errno;
		if (err == EBUSY || err == EINVAL)
			return nms_fail(EBUSY, "afp_host %s: TAP %s exists already (another uvaled "
					"serving the host rings of %s? delete it with 'ip link del "
					"%s')", h->ifname, h->tapname, h->ifname, h->tapname);
		return nms_fail(err == EPERM ? EPERM : err, "afp_host %s: creating TAP %s%s",
				h->ifname, h->tapname, err == EPERM ? " needs CAP_NET_ADMIN" : "");
	}
	/* the TAP is plumbing, not a host interface: no IPv6 address, no ARP */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", h->tapname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) < 0) {
			/* no IPv6: nothing to disable */
		}
		close(fd);
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, h->tapname, strlen(h->tapname) + 1);
	ifr.ifr_mtu = (int)h->mtu;
	err = tap_ioctl(h, SIOCSIFMTU, &ifr, "setting the MTU");
	if (err)
		return err;
	ifr.ifr_flags = IFF_UP | IFF_NOARP;
	err = tap_ioctl(h, SIOCSIFFLAGS, &ifr, "bringing up");
	if (err)
		return err;
	h->tapindex = (int)if_nametoindex(h->tapname);
	if (h->tapindex == 0)
		return nms_fail(ENXIO, "afp_host %s: TAP %s vanished", h->ifname, h->tapname);
	return 0;
}

/* ---- open / close ---------------------------------------------------------- */

int afp_host_open(const char *ifname, unsigned flags, struct afp_host **out)
{
	struct afp_host *h;
	int err;

	*out = NULL;
	if (ifname == NULL || ifname[0] == '\0' || strlen(ifname) >= IFNAMSIZ)
		return nms_fail(EINVAL, "afp_host_open: interface name '%s' is empty or longer "
				"than %d characters", ifname ? ifname : "", IFNAMSIZ - 1);
	if (flags & ~(AFP_HOST_DIVERT | AFP_HOST_CUTOFF))
		return nms_fail(EINVAL, "afp_host_open %s: unknown flags 0x%x", ifname, flags);
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return nms_fail(ENOMEM, "afp_host_open %s: out of memory", ifname);
	h->tap = h->prog_in = h->link_in = h->prog_out = h->link_out = -1;
	h->prog_cut = h->link_cut = -1;
	memcpy(h->ifname, ifname, strlen(ifname) + 1);
	h->ifindex = (int)if_nametoindex(ifname);
	if (h->ifindex == 0)
		err = nms_fail(ENXIO, "afp_host_open: no interface '%s' in this network namespace",
			       ifname);
	else
		err = afp_get_mtu(ifname, &h->mtu);
	if (!err) {
		/* always: afp_host_set_flags may add the divert later */
		h->rxbuf = malloc(HOST_RXBUF);
		if (h->rxbuf == NULL)
			err = nms_fail(ENOMEM, "afp_host_open %s: out of memory", ifname);
	}
	if (!err)
		err = make_tap(h);
	if (!err)
		err = attach_inject(h);
	if (!err)
		err = afp_host_set_flags(h, flags);
	if (err) {
		afp_host_close(h);
		return err;
	}
	*out = h;
	return 0;
}

void afp_host_close(struct afp_host *h)
{
	if (h == NULL)
		return;
	/* links first: the interface's hooks are restored before the TAP goes */
	detach(&h->prog_cut, &h->link_cut);
	detach(&h->prog_out, &h->link_out);
	detach(&h->prog_in, &h->link_in);
	if (h->tap >= 0)
		close(h->tap);
	free(h->rxbuf);
	free(h);
}

int afp_host_fd(const struct afp_host *h)
{
	return h->tap;
}

const char *afp_host_tapname(const struct afp_host *h)
{
	return h->tapname;
}

void afp_host_get_stats(const struct afp_host *h, struct afp_host_stats *st)
{
	*st = h->st;
}

/* ---- data path ------------------------------------------------------------- */

int afp_host_inject(struct afp_host *h, const struct afp_frag_frame *frames, unsigned n)
{
	struct iovec iov[HOST_MAX_FRAGS];

	for (unsigned i = 0; i < n; i++) {
		const struct afp_frag_frame *f = &frames[i];
		size_t len = 0;
		unsigned k;

		for (k = 0; k < f->nfrags && k < HOST_MAX_FRAGS; k++) {
			iov[k].iov_base = (void *)(uintptr_t)f->frags[k].data;
			iov[k].iov_len = f->frags[k].len;
			len += f->frags[k].len;
		}
		/* Linux's own limits for a received frame: header, MTU, one tag */
		if (k < f->nfrags || len < 14 || len > (size_t)h->mtu + 14 + 4 ||
		    writev(h->tap, iov, (int)k) != (ssize_t)len)
			h->st.inj_dropped++;
		else
			h->st.injected++;
	}
	return (int)n;
}

int afp_host_rx_burst(struct afp_host *h, unsigned max, afp_deliver_fn deliver, void *ctx)
{
	unsigned got = 0;

	if (h->rxbuf == NULL)
		return 0;
	while (got < max) {
		ssize_t len = read(h->tap, h->rxbuf, HOST_RXBUF);

		if (len <= 0)
			break;
		h->st.diverted++;
		got++;
		deliver(ctx, h->rxbuf, (uint32_t)len, AFP_RX_OUTGOING);
	}
	return (int)got;
}
