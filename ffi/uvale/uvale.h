/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvale internals: the shared region, the objects that live in it, and the
 * wire protocol between the library and the daemon uvaled.
 *
 * The region is one memfd created by uvaled and mapped once per process:
 *
 *   [0, UV_KAREA_SIZE)   the "kernel" area (struct uv_karea): bridges, ports,
 *                        krings, allocator descriptors, learning tables.
 *   [UV_KAREA_SIZE, ...) allocator ranges. Each allocator (one mem_id) owns
 *                        [base, base + memsize) laid out like netmap's
 *                        (if pool, ring pool, buffer pool) followed by a
 *                        private tail with its bitmaps.
 *
 * Only uvaled changes the layout (creates ports, rings, allocators); clients
 * run the data path (txsync/rxsync) directly on the shared krings.
 */
#ifndef NMSCRIPT_UVALE_H
#define NMSCRIPT_UVALE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "netmap_abi.h"

#define UV_MAGIC          0x75766c65u /* "uvle" */
#define UV_VERSION        3u /* bumped when a shared object or the protocol changes */
#define UV_PAGE           4096u
#define UV_REGION_SIZE    (256ull << 30) /* default virtual size; pages cost when touched */
#define UV_KAREA_SIZE     (64ull << 20)
#define UV_MAX_PORTS      1024
#define UV_MAX_ALLOCS     1024
#define UV_MAX_EXTENTS    2048
#define UV_MAX_RINGS      NMA_BDG_MAXRINGS /* NIC rings per direction */
#define UV_KRINGS         (UV_MAX_RINGS + 1) /* plus the (fake) host ring */
#define UV_HASH_SIZE      1024
#define UV_NAMSIZ         NMA_REQ_IFNAMSIZ
#define UV_IFNAMSIZ       16
#define UV_BUF_SIZE       2048u
#define UV_MAX_PIPES      64
#define UV_PIPE_MAXSLOTS  4096u
#define UV_MSG_MAX        (NMA_REQ_MAXSIZE + 1024)
#define UV_NOPORT         0xffffffffu
#define UV_NOKREF         0xffffffffu /* a null kring reference */

enum uv_dir { UV_TX = 0, UV_RX = 1 };

/* port kinds; monitors, AF_PACKET and the VLAN switch get their own later */
enum uv_kind {
	UV_KIND_FREE = 0,
	UV_KIND_VALE = 1,    /* ephemeral VALE port, created by REGISTER */
	UV_KIND_PERSIST = 2, /* persistent VALE port (NEWIF or pipe parent) */
	UV_KIND_PIPE = 3,    /* pipe end point */
	UV_KIND_NULL = 4,    /* reserved: null port */
	UV_KIND_MONITOR = 5, /* monitor NAME/r, /t, /z (uvale_monitor.c) */
	UV_KIND_AFPACKET = 6,/* a Linux interface through AF_PACKET (uvale_ifnet.c) */
};

/* per-bridge lookup functions (the "bdg_ops.lookup" hook) */
enum uv_lookup {
	UV_LOOKUP_LEARNING = 0, /* netmap's default learning bridge */
	UV_LOOKUP_VLAN = 1,     /* reserved: VLAN switch */
};

/* kring flags */
#define UV_KR_EXCLUSIVE 0x1u
#define UV_KR_NEEDRING  0x2u
#define UV_KR_FAKERING  0x4u

/* ---- the shared objects -------------------------------------------------- */

/* One object pool of an allocator (netmap's netmap_obj_pool). */
struct uv_pool {
	uint32_t objsize;
	uint32_t objtotal;
	uint32_t clustentries;
	uint32_t numclusters;
	uint64_t memtotal;
	uint64_t offset;     /* from the allocator base */
	uint64_t bitmap_ofs; /* from the allocator base (private tail) */
	uint32_t objfree;
	uint32_t pad;
};

enum { UV_IF_POOL = 0, UV_RING_POOL = 1, UV_BUF_POOL = 2, UV_POOLS = 3 };

struct uv_alloc {
	uint16_t mem_id;     /* 0: slot free */
	uint16_t pad;
	uint32_t refs;       /* ports using it */
	uint32_t active;     /* registrations using it */
	uint32_t pad2;
	uint64_t base;       /* region offset */
	uint64_t memsize;    /* what the user maps */
	uint64_t span;       /* memsize + private tail */
	struct uv_pool pool[UV_POOLS];
};

struct uv_kring {
	uint64_t ring_ofs;   /* from the allocator base; 0: no ring */
	uint32_t num_slots;
	uint32_t users;
	uint32_t flags;      /* UV_KR_* */
	uint32_t ring_id;
	_Atomic uint32_t hwcur;
	_Atomic uint32_t hwtail;
	uint32_t rhead, rcur, rtail;
	uint32_t peer_port;  /* pipes: the port of the paired kring */
	uint32_t peer_ring;
	uint64_t offset_mask;
	uint64_t offset_max;
	uint64_t offset_gap;
	uint64_t hwbuf_len;
	_Atomic uint32_t busy;   /* pid of the syncing process, 0 if idle */
	/* monitors (uvale_monitor.c); krefs, UV_NOKREF when empty */
	uint32_t mon_copy;       /* monitored kring: first copy monitor */
	uint32_t mon_zcopy;      /* monitored kring: its zero-copy monitor */
	uint32_t mon_tail;       /* monitored rx kring: hwtail already copied */
	uint32_t mon_next[2];    /* monitor kring: next copy monitor of parent kring [dir] */
	uint32_t mon_parent[2];  /* monitor kring: the parent kring it watches [dir] */
	pthread_mutex_t mlock;   /* monitor kring: serialises its writers */
	/* Linux interfaces: the head the user's txsync handed to the pump */
	_Atomic uint32_t xmit_head;
	uint32_t pad_x;
	/* written by the other end of a pipe: a cache line of its own */
	_Alignas(64) _Atomic uint32_t pipe_tail;
	uint32_t pad[15];
};

struct uv_port {
	uint32_t kind;           /* enum uv_kind */
	uint32_t gen;            /* bumped when the slot is reused */
	char name[UV_NAMSIZ];    /* full name, e.g. "vale0:v1" or "v0" */
	char ifname[UV_NAMSIZ];  /* persistent: the interface name ("v0") */
	uint32_t alloc;          /* index in karea.allocs */
	uint32_t ntx, nrx;       /* NIC rings */
	uint32_t ntx_desc, nrx_desc;
	uint32_t nhost_tx, nhost_rx; /* reported host rings (0 for VALE) */
	uint32_t active_fds;
	uint32_t refs;           /* monitors holding this port */
	int32_t bdg;             /* first bridge, -1 if none */
	uint32_t bdg_port;
	int32_t bdg2;            /* second bridge (through a bwrap), -1 if none */
	uint32_t bdg2_port;
	uint32_t persistent;
	uint32_t autodelete;
	uint32_t parent;         /* pipes: the parent port */
	uint32_t peer;           /* pipes: the other end */
	uint32_t pipe_master;    /* pipes: 1 for '{' */
	uint32_t npipes;         /* parents: pipe pairs using this port */
	uint32_t peer_ref;       /* pipes: this end keeps its peer alive */
	uint32_t virt_hdr_len;
	uint32_t mfs;
	uint32_t krings_ok;      /* the krings have been initialised */
	uint32_t mon_flags;      /* monitors: NMA_MONITOR_TX/RX, NMA_ZCOPY_MON */
	uint32_t mon_id;         /* parents: the next monitor number */
	uint32_t parent_gen;     /* monitors: the parent's generation */
	uint32_t pad3;
	uint64_t last_smac;
	uint64_t netns;          /* Linux interfaces: inode of their network namespace */
	/* wake-ups (uv_notify/u_poll): written by other processes */
	_Alignas(64) _Atomic uint32_t seq[2]; /* futex words: [0] pollers, [1] the pumps */
	_Atomic uint32_t waiters;
	_Atomic uint32_t pump_waiters; /* Linux interfaces: the TX pump sleeps on seq[1] */
	uint32_t pad2[12];
	struct uv_kring kr[2][UV_KRINGS];
};

struct uv_hash_ent {
	uint64_t mac;  /* 48-bit MAC, 0: empty */
	uint64_t port; /* bridge port index */
};

struct uv_bridge {
	pthread_mutex_t lock;    /* robust, process-shared */
	uint32_t active;         /* 1 when the bridge exists */
	uint32_t nports;
	char name[UV_NAMSIZ];    /* e.g. "vale0" */
	uint32_t namelen;
	uint32_t lookup;         /* enum uv_lookup */
	uint32_t kernel_owned;   /* made by the VLAN switch: EACCES for user attach/detach */
	uint32_t lock_with;      /* 0, or 1 + the bridge whose mutex also guards this one */
	uint32_t port_index[NMA_BDG_MAXPORTS]; /* netmap's bdg_port_index */
	uint32_t ports[NMA_BDG_MAXPORTS];      /* bridge port -> uv port, UV_NOPORT */
	struct uv_hash_ent ht[UV_HASH_SIZE];
};

/*
 * The mutex that guards forwarding in b: its own, or that of the bridge
 * named by lock_with (the VLAN switch puts a conf's per-VID bridges under its
 * tagging bridge's mutex, so that a frame crosses them with one lock held).
 */
#define UV_HAVE_VLAN_HOOKS 1
struct uv_karea;
static inline pthread_mutex_t *uv_bdg_lock(struct uv_karea *k, struct uv_bridge *b);

struct uv_extent {
	uint64_t start, len; /* len 0: unused */
};

struct uv_karea {
	uint32_t magic;
	uint32_t version;
	uint64_t region_id;      /* random; changes on every daemon start */
	uint64_t region_size;
	uint64_t heap_top;       /* next never-used region offset */
	uint16_t last_mem_id;
	uint16_t pad[3];
	struct uv_extent free_ext[UV_MAX_EXTENTS];
	struct uv_alloc allocs[UV_MAX_ALLOCS];
	struct uv_bridge bridges[NMA_BRIDGES];
	struct uv_port ports[UV_MAX_PORTS];
};

static inline pthread_mutex_t *uv_bdg_lock(struct uv_karea *k, struct uv_bridge *b)
{
	if (b->lock_with > 0 && b->lock_with <= NMA_BRIDGES)
		return &k->bridges[b->lock_with - 1].lock;
	return &b->lock;
}

/* ---- what a registration looks like to the data path ------------------------ */
struct uv_binding {
	uint64_t region_id;
	uint64_t alloc_base;
	uint64_t memsize;
	uint64_t nifp_ofs;   /* from the allocator base */
	uint64_t flags;      /* nr_flags of the registration */
	uint32_t port;
	uint32_t gen;
	uint16_t qfirst[2];
	uint16_t qlast[2];
	uint32_t kind;
	uint32_t pad;
};

/* ---- wire protocol (SOCK_SEQPACKET, one request -> one reply) --------------- */
enum uv_op {
	UV_OP_CTRL = 1,    /* NIOCCTRL */
	UV_OP_BINDING = 2, /* what is this connection bound to? */
	UV_OP_STATUS = 3,
	UV_OP_STOP = 4,
	UV_OP_HELLO = 5,   /* region fd, without a binding */
	UV_OP_RELEASE = 6, /* serve every handle closed so far, then reply (nms_close) */
};

struct uv_msg {
	uint32_t op;
	int32_t  error;      /* replies: 0 or an errno */
	uint32_t body_len;   /* bytes of request body that follow the header */
	uint32_t nopts;      /* option records that follow the body */
	struct nma_req_header hdr;
	struct uv_binding bind; /* replies to REGISTER and BINDING */
	char text[256];      /* replies: a sentence for nms_last_error() */
};
/* followed by: body[body_len], then nopts x { nma_req_option; body[] } where
 * each option body has nmreq_opt_size_by_type() bytes (0 for unknown types). */

/* ---- shared helpers (uvale_mem.c, uvale_sync.c) ----------------------------- */
static inline void *uv_at(void *region, uint64_t ofs)
{
	return (char *)region + ofs;
}

size_t uv_req_body_size(uint16_t reqtype);
size_t uv_opt_body_size(uint32_t type, uint64_t nro_size);
void uv_strf(char *dst, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int uv_mutex_init(pthread_mutex_t *m);
int uv_mutex_lock(pthread_mutex_t *m);
void uv_mutex_unlock(pthread_mutex_t *m);

/* futex helpers (shared, not private: the words live in a MAP_SHARED memfd) */
void uv_wake(_Atomic uint32_t *word);
int uv_wait(_Atomic uint32_t *word, uint32_t val, int timeout_ms);

/* the data path (uvale_sync.c), run by clients */
struct nma_ring;
int uv_txsync(void *region, const struct uv_binding *b);
int uv_rxsync(void *region, const struct uv_binding *b);
int uv_poll_ready(void *region, const struct uv_binding *b, int events);
void uv_notify(struct uv_port *p, struct uv_kring *kr, int dir);
/* Linux interfaces: wake the daemon's TX pump of p (uv_kick) and let frames
 * that came from the interface enter p's switch as if p had sent them */
void uv_kick(struct uv_port *p);
void uv_bdg_inject(void *region, struct uv_port *p, uint8_t *const *bufs,
		   const uint16_t *lens, uint32_t n, uint32_t cap);

/* kring references: port << 9 | dir << 8 | ring */
static inline uint32_t uv_kref(uint32_t port, int dir, uint32_t ring)
{
	return port << 9 | (uint32_t)dir << 8 | ring;
}

static inline struct uv_kring *uv_kref_kring(struct uv_karea *k, uint32_t ref)
{
	return &k->ports[ref >> 9].kr[(ref >> 8) & 1][ref & 0xff];
}

/* nm_kr_tryget / nm_kr_put (uvale_sync.c); monitors are in uvale_monitor.h */
struct uv_alloc;
int uv_kr_tryget(struct uv_kring *kr);
void uv_kr_put(struct uv_kring *kr);

/* addresses inside an allocator */
struct nma_ring *uv_kring_ring(void *region, const struct uv_alloc *a,
			       const struct uv_kring *kr);
static inline char *uv_buf(void *region, const struct uv_alloc *a, uint32_t idx)
{
	return (char *)region + a->base + a->pool[UV_BUF_POOL].offset +
	       (uint64_t)idx * a->pool[UV_BUF_POOL].objsize;
}

/* daemon entry point (uvale_daemon.c); also exec'd as the uvaled binary */
int nms_uvaled_main(int argc, char **argv);

/* the daemon's directory and socket path (uvale_client.c) */
int uv_dir_path(char *buf, size_t len);
int uv_dir_prepare(const char *dir);

#endif /* NMSCRIPT_UVALE_H */
