// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vale_vlan_linux.c - nmscript's VLAN module for Linux: the misc device
 * /dev/vale_vlan (write records, read status and lists; no ioctl), and the
 * netmap side of struct vv_os_ops (exclusive VALE bridges, persistent ports,
 * attach/detach, the tagging bridge's lookup). The rules live in the
 * OS-independent vlan_conf.c and vlan_core.c; see kernel/README.md.
 *
 * Locking: vv_mutex serialises every write and read on every fd (the
 * configuration state); netmap's functions take NMG_LOCK inside it. The data
 * path reads a conf's table from the tagging bridge's lookup under netmap's
 * bridge read lock; tables change only through
 * netmap_bdg_update_private_data(), under the bridge's write lock.
 *
 * Module references: one per configuration, so the module cannot be
 * unloaded while a configuration (and thus a lookup function inside a
 * netmap bridge) exists. Each open fd also pins the module (fops.owner).
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

#include <bsd_glue.h>
#include <net/netmap.h>
#include <dev/netmap/netmap_kern.h>
#include <dev/netmap/netmap_bdg.h>

#include "vlan_conf.h"

#define VV_LINUX_MAX_FRAGS	32	/* longer frames are dropped */
#define VV_READ_MAX \
	(sizeof(struct vv_status) + \
	 sizeof(struct vv_list_rec) * VV_MAX_CONFS * (VV_MAX_PORTS + 1))

static DEFINE_MUTEX(vv_mutex);
static struct vv_state vv_state;
static unsigned int vv_refs;		/* module refs held for confs */

/* ---- the data path -------------------------------------------------- */

static uint32_t vv_lookup(struct nm_bdg_fwd *ft, uint8_t *ring_nr,
			  struct netmap_vp_adapter *vpna, void *private_data)
{
	const struct vv_table *t = private_data;
	struct vv_frag f[VV_LINUX_MAX_FRAGS];
	struct netmap_adapter *na = &vpna->up;
	uint32_t cap = NETMAP_BUF_SIZE(na), dst;
	unsigned int n = 0, i;

	/* ft_buf already includes the slot offset: stay below the largest. */
	if (*ring_nr < na->num_tx_rings && na->tx_rings &&
	    na->tx_rings[*ring_nr]->offset_max < cap)
		cap -= (uint32_t)na->tx_rings[*ring_nr]->offset_max;
	do {
		if (n == VV_LINUX_MAX_FRAGS || (ft[n].ft_flags & NS_INDIRECT))
			return NM_BDG_NOPORT;
		f[n].buf = ft[n].ft_buf;
		f[n].len = ft[n].ft_len;
		f[n].cap = cap;
	} while (ft[n++].ft_flags & NS_MOREFRAG);

	if (vv_forward(t, (uint32_t)vpna->bdg_port, f, n, ft[0].ft_offset,
		       &dst) != VV_FWD || dst >= NM_BDG_MAXPORTS)
		return NM_BDG_NOPORT;
	for (i = 0; i < n; i++)
		ft[i].ft_len = (uint16_t)f[i].len;
	return dst;
}

static struct netmap_bdg_ops vv_bdg_ops = {
	.lookup = vv_lookup,
};

/* ---- the OS side of vlan_conf (called with vv_mutex held) ------------ */

static void vv_hdr(struct nmreq_header *hdr, uint16_t type, const char *bdg,
		   const char *port, void *body)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->nr_version = NETMAP_API;
	hdr->nr_reqtype = type;
	snprintf(hdr->nr_name, sizeof(hdr->nr_name), "%s%s", bdg, port);
	hdr->nr_body = (uintptr_t)body;
}

static int vv_bridge_create(void *os, const char *bdg, struct vv_table *table,
			    void **token)
{
	int err = 0, rc;

	*token = netmap_vale_create(bdg, &err);
	if (!*token)
		return -(err ? err : ENOMEM);
	if (!table)
		return 0;
	rc = netmap_bdg_regops(bdg, &vv_bdg_ops, table, *token);
	if (rc) {
		netmap_vale_destroy(bdg, *token);
		return -rc;
	}
	return 0;
}

static int vv_bridge_destroy(void *os, const char *bdg, void *token)
{
	return -netmap_vale_destroy(bdg, token);
}

static int vv_port_create(void *os, const char *port)
{
	struct nmreq_vale_newif newif;
	struct nmreq_header hdr;

	memset(&newif, 0, sizeof(newif));	/* default rings and slots */
	vv_hdr(&hdr, NETMAP_REQ_VALE_NEWIF, "", port, &newif);
	return -nm_vi_create(&hdr);
}

static int vv_port_destroy(void *os, const char *port)
{
	return -nm_vi_destroy(port);
}

static int vv_attach(void *os, const char *bdg, void *token, const char *port,
		     uint32_t *index)
{
	struct nmreq_vale_attach req;
	struct nmreq_header hdr;
	int rc;

	memset(&req, 0, sizeof(req));
	req.reg.nr_mode = NR_REG_ALL_NIC;
	vv_hdr(&hdr, NETMAP_REQ_VALE_ATTACH, bdg, port, &req);
	rc = netmap_bdg_attach(&hdr, token);
	*index = req.port_index;
	return -rc;
}

struct vv_rename_arg {
	struct net_device *ifp;
	const char *name;	/* "<bridge>:<port>", as at attach time */
};

/*
 * Runs under NMG_LOCK and the bridge's write lock. If ifp is a persistent
 * VALE port attached to this very bridge (its adapter is its own na_vp and
 * its bridge carries private_data) under another name, give it back the
 * name it was attached with.
 */
static void *vv_rename_cb(void *private_data, void *callback_data, int *error)
{
	struct vv_rename_arg *a = callback_data;
	struct netmap_vp_adapter *vp;

	*error = 0;
	if (!NM_NA_VALID(a->ifp))
		return private_data;
	vp = (struct netmap_vp_adapter *)NA(a->ifp);
	if (vp->up.na_vp != vp || !vp->na_bdg ||
	    vp->na_bdg->private_data != private_data)
		return private_data;	/* a NIC, or not in this bridge */
	if (strcmp(vp->up.name, a->name)) {
		pr_debug("vale_vlan: %s was renamed %s by netmap\n", a->name,
			 vp->up.name);
		strscpy(vp->up.name, a->name, sizeof(vp->up.name));
	}
	return private_data;
}

/*
 * netmap finds a bridge port by the name "<bridge>:<port>" it was given at
 * attach time, but renames a persistent VALE port to its bare interface
 * name whenever the port is registered again (netmap_update_config()): when
 * it joins a second bridge through a bridge wrapper (our AP ports) or when
 * a process opens it. NETMAP_REQ_VALE_DETACH then fails with ENXIO, and the
 * ports that depend on the detach (a NIC access port whose VID is torn
 * down, so a veth that can never be unregistered) stay attached. Restore
 * the name first; netmap_bdg_update_private_data() is the one exported call
 * that runs our code under netmap's locks.
 */
static void vv_fix_port_name(const char *bdg, void *token, const char *port,
			     const char *name)
{
	struct vv_rename_arg a = { .name = name };

	a.ifp = dev_get_by_name(current->nsproxy->net_ns, port);
	if (!a.ifp)
		return;		/* not an interface: netmap will say so */
	netmap_bdg_update_private_data(bdg, vv_rename_cb, &a, token);
	dev_put(a.ifp);
}

static int vv_detach(void *os, const char *bdg, void *token, const char *port)
{
	struct nmreq_vale_detach req;
	struct nmreq_header hdr;

	memset(&req, 0, sizeof(req));
	vv_hdr(&hdr, NETMAP_REQ_VALE_DETACH, bdg, port, &req);
	vv_fix_port_name(bdg, token, port, hdr.nr_name);
	return -netmap_bdg_detach(&hdr, token);
}

struct vv_edit_arg {
	struct vv_table *table;
	const struct vv_table_edit *edit;
};

/* Runs under the bridge's write lock. */
static void *vv_edit_cb(void *private_data, void *callback_data, int *error)
{
	struct vv_edit_arg *a = callback_data;

	if (private_data != a->table)
		*error = EINVAL;
	else
		*error = -vv_table_apply(a->table, a->edit);
	return private_data;
}

static int vv_table_edit(void *os, const char *bdg, void *token,
			 struct vv_table *table, const struct vv_table_edit *e)
{
	struct vv_edit_arg a = { table, e };

	return -netmap_bdg_update_private_data(bdg, vv_edit_cb, &a, token);
}

static const struct vv_os_ops vv_linux_ops = {
	.bridge_create = vv_bridge_create,
	.bridge_destroy = vv_bridge_destroy,
	.port_create = vv_port_create,
	.port_destroy = vv_port_destroy,
	.attach = vv_attach,
	.detach = vv_detach,
	.table_edit = vv_table_edit,
};

/* ---- the device -------------------------------------------------------- */

/* Hold exactly one module reference per configuration. */
static void vv_sync_refs(void)
{
	unsigned int want = vv_conf_count(&vv_state);

	for (; vv_refs < want; vv_refs++)
		__module_get(THIS_MODULE);
	for (; vv_refs > want; vv_refs--)
		module_put(THIS_MODULE);
}

static int vv_open(struct inode *inode, struct file *file)
{
	struct vv_session *sess = kzalloc(sizeof(*sess), GFP_KERNEL);

	if (!sess)
		return -ENOMEM;
	vv_session_init(sess);
	file->private_data = sess;
	return nonseekable_open(inode, file);
}

static int vv_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static ssize_t vv_write_fop(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	struct vv_session *sess = file->private_data;
	void *kbuf = NULL;
	int rc;

	/* vv_write() judges a bad length without reading the buffer. */
	if (len && len % sizeof(struct vv_req) == 0 &&
	    len <= VV_MAX_RECORDS * sizeof(struct vv_req)) {
		kbuf = vmemdup_user(ubuf, len);
		if (IS_ERR(kbuf))
			return PTR_ERR(kbuf);
	}
	mutex_lock(&vv_mutex);
	rc = vv_write(&vv_state, sess, kbuf, len);
	vv_sync_refs();
	mutex_unlock(&vv_mutex);
	kvfree(kbuf);
	if (rc) {
		pr_debug("vale_vlan: write failed at record %d: %s (%d)\n",
			 sess->err_index, vv_reason_text(sess->reason), rc);
		return rc;
	}
	return len;
}

static ssize_t vv_read_fop(struct file *file, char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	struct vv_session *sess = file->private_data;
	size_t size = min_t(size_t, len, VV_READ_MAX);
	void *kbuf;
	long n;

	if (len < sizeof(struct vv_status))
		return -EINVAL;
	kbuf = kvzalloc(size, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	mutex_lock(&vv_mutex);
	n = vv_read(&vv_state, sess, kbuf, size);
	mutex_unlock(&vv_mutex);
	if (n > 0 && copy_to_user(ubuf, kbuf, n))
		n = -EFAULT;
	kvfree(kbuf);
	return n;
}

static const struct file_operations vv_fops = {
	.owner = THIS_MODULE,
	.open = vv_open,
	.release = vv_release,
	.write = vv_write_fop,
	.read = vv_read_fop,
	.llseek = no_llseek,
};

static struct miscdevice vv_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = VV_DEVICE_NAME,
	.fops = &vv_fops,
	.mode = 0600,
};

static int __init vv_init(void)
{
	vv_state_init(&vv_state, &vv_linux_ops, NULL);
	return misc_register(&vv_misc);
}

static void __exit vv_exit(void)
{
	misc_deregister(&vv_misc);
	/* No conf can exist here (each holds a module reference). */
	mutex_lock(&vv_mutex);
	vv_state_teardown(&vv_state);
	mutex_unlock(&vv_mutex);
}

module_init(vv_init);
module_exit(vv_exit);
MODULE_DESCRIPTION("nmscript VLAN (802.1Q/802.1ad) configurations over VALE");
MODULE_AUTHOR("nmscript");
MODULE_LICENSE("Dual BSD/GPL");
