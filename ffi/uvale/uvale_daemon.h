/* SPDX-License-Identifier: BSD-2-Clause */
/* uvaled internals shared by uvale_daemon.c, uvale_port.c and uvale_ctrl.c. */
#ifndef NMSCRIPT_UVALE_DAEMON_H
#define NMSCRIPT_UVALE_DAEMON_H

#include <sys/types.h>

#include "uvale.h"
#include "uvale_monitor.h"

/* the daemon: one region, one thread, all control requests in order */
struct uvd {
	void *region;
	struct uv_karea *k;
	int memfd;
	char dir[256];
	int dirty;     /* persistent state changed: save it */
	int stop;
	uint64_t started_ms;
	uint32_t nconns;
};

extern struct uvd uvd;

/* a client connection = a port handle */
struct uv_conn {
	int fd;
	pid_t pid;
	int bound;
	uint32_t port, gen;
	uint16_t qfirst[2], qlast[2];
	uint64_t flags;
	uint64_t nifp_ofs;
};

/* a request after copy-in: body and options in daemon memory */
struct uv_opt {
	struct nma_req_option *h; /* into uv_req.buf, the body follows it */
	size_t blen;
};

struct uv_req {
	struct nma_req_header hdr;
	uint8_t *body;      /* into buf; NULL if the type has none */
	size_t blen;
	uint32_t nopts;
	struct uv_opt opts[NMA_REQ_MAXSIZE / sizeof(struct nma_req_option)];
	int tab[NMA_REQ_OPT_MAX]; /* option index by type, -1 */
	uint8_t buf[NMA_REQ_MAXSIZE * 2];
	char msg[256];      /* a sentence for the client */
	pid_t pid;          /* the process that opened the handle (0: the daemon) */
};

static inline struct uv_opt *uv_getopt(struct uv_req *r, uint32_t type)
{
	return type < NMA_REQ_OPT_MAX && r->tab[type] >= 0 ? &r->opts[r->tab[type]] : NULL;
}

void uv_say(struct uv_req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ports and bridges (uvale_port.c) */
int uv_name_is_vale(const char *name);
struct uv_bridge *uv_find_bridge(const char *name, int create, int *err);
struct uv_port *uv_find_bdg_port(struct uv_bridge *b, const char *name);
struct uv_port *uv_find_persistent(const char *ifname);
int uv_port_index(const struct uv_port *p);
int uv_vp_create(struct uv_req *r, struct nma_req_register *reg, const char *name,
		 struct uv_alloc *nmd, int kind, struct uv_port **out);
int uv_bdg_attach(struct uv_bridge *b, struct uv_port *p, int second);
void uv_bdg_detach(struct uv_port *p, int second);
void uv_port_put(struct uv_port *p);
int uv_get_na(struct uv_req *r, struct nma_req_register *reg, struct uv_alloc *nmd,
	      int create, struct uv_port **out);
int uv_do_regif(struct uv_req *r, struct uv_conn *c, struct uv_port *p,
		struct nma_req_register *reg);
void uv_do_unregif(struct uv_conn *c);
void uv_fill_binding(const struct uv_conn *c, struct uv_binding *b);
void uv_reap_busy(void);
struct uv_port *uv_port_new(void);

/* Linux interfaces (uvale_ifnet.c): ports of kind UV_KIND_AFPACKET */
struct uv_port *uv_ifnet_find(const char *ifname, uint64_t ns);
int uv_ifnet_lookup(struct uv_req *r, const char *ifname, int create, struct uv_port **out);
int uv_ifnet_start(struct uv_req *r, struct uv_port *p);
void uv_ifnet_lock(struct uv_port *p);
void uv_ifnet_unlock(struct uv_port *p);
void uv_ifnet_forget(struct uv_port *p);
void uv_ifnet_shutdown(void);
/* an interface attached to a switch: its rx ring 0 takes what the switch
 * sends it (uvale_port.c); errno */
int uv_ifnet_bdg_rings(struct uv_port *p, int on);
/* a Linux interface on a switch: vale-ctl -a/-h/-d, VLAN confs */
int uv_ifnet_join(struct uv_req *r, struct uv_port *p, int with_host);
void uv_ifnet_leave(struct uv_port *p);
int uv_ifnet_attach(struct uv_req *r, struct uv_bridge *b, const char *ifname, uint32_t *index);
int uv_ifnet_detach(struct uv_req *r, struct uv_bridge *b, const char *ifname);
int uv_ifnet_attach_host(struct uv_req *r, struct uv_port *p);
void uv_ifnet_detach_host(struct uv_port *p);
int uv_ifnet_is_host(const struct uv_port *p);

/* request handlers (uvale_ctrl.c) */
int uv_ctrl(struct uv_req *r, struct uv_conn *c);
int uv_vi_create(struct uv_req *r, const char *name, struct nma_req_register *reg,
		 int autodelete, struct uv_port **out);

/* persistence (uvale_daemon.c) */
void uv_state_save(void);

#endif /* NMSCRIPT_UVALE_DAEMON_H */
