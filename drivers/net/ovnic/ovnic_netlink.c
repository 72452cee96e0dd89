// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: the "ovnic" rtnetlink link type.
 *
 * Attributes are documented in include/uapi/linux/ovnic.h. Requests are
 * validated strictly: unknown attributes, wrong lengths and out-of-range
 * values are refused with an extack message before anything changes.
 */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>
#include <uapi/linux/ovnic.h>

#include "ovnic.h"
#include "ovnic_proto.h"

/* Not const: 6.1's nla_policy points at a mutable range. */
static struct netlink_range_validation ovnic_vni_range = {
	.max = OVNIC_VNI_MAX,
};

static struct netlink_range_validation ovnic_reasm_mem_range = {
	.min = 4096,
	.max = 256 << 20,
};

static struct netlink_range_validation ovnic_reasm_frames_range = {
	.min = 1,
	.max = 65536,
};

static struct netlink_range_validation ovnic_reasm_timeout_range = {
	.min = 1,
	.max = 60000,
};

static struct netlink_range_validation ovnic_delay_range = {
	.max = 60000,
};

static struct netlink_range_validation ovnic_probe_interval_range = {
	.max = 60000,
};

#define OVNIC_READ_ONLY(what) \
	{ .type = NLA_REJECT, .reject_message = what " is read-only" }

static const struct nla_policy ovnic_lower_policy[OVNIC_LOWER_A_MAX + 1] = {
	[OVNIC_LOWER_A_PF]	= { .type = NLA_U32 },
	[OVNIC_LOWER_A_VF]	= { .type = NLA_U32 },
	[OVNIC_LOWER_A_IFINDEX]	= OVNIC_READ_ONLY("lower ifindex"),
	[OVNIC_LOWER_A_PCI]	= OVNIC_READ_ONLY("lower PCI address"),
	[OVNIC_LOWER_A_STATE]	= OVNIC_READ_ONLY("lower state"),
	[OVNIC_LOWER_A_ACTIVE]	= OVNIC_READ_ONLY("lower activity"),
	[OVNIC_LOWER_A_REASON]	= OVNIC_READ_ONLY("lower reason"),
	[OVNIC_LOWER_A_CHANGES]	= OVNIC_READ_ONLY("lower changes"),
};

static const struct nla_policy ovnic_lowers_policy[IFLA_OVNIC_LOWER_ENTRY + 1] = {
	[IFLA_OVNIC_LOWER_ENTRY] = NLA_POLICY_NESTED(ovnic_lower_policy),
};

static const struct nla_policy ovnic_policy[IFLA_OVNIC_MAX + 1] = {
	[IFLA_OVNIC_PF]		= { .type = NLA_U32 },
	[IFLA_OVNIC_VF]		= { .type = NLA_U32 },
	[IFLA_OVNIC_VF_VLAN]	= NLA_POLICY_MAX(NLA_U16, VLAN_N_VID - 2),
	[IFLA_OVNIC_VF_SPOOFCHK] = NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_OVNIC_VF_TRUST]	= NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_OVNIC_LOWER]	= { .type = NLA_REJECT,
				    .reject_message = "lower device is read-only" },
	[IFLA_OVNIC_VF_PCI]	= { .type = NLA_REJECT,
				    .reject_message = "VF PCI address is read-only" },
	[IFLA_OVNIC_VNI]	= NLA_POLICY_FULL_RANGE(NLA_U32, &ovnic_vni_range),
	[IFLA_OVNIC_LOCAL]	= NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[IFLA_OVNIC_LOCAL6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_OVNIC_REMOTE]	= NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[IFLA_OVNIC_REMOTE6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_OVNIC_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[IFLA_OVNIC_REASM_MEM]	= NLA_POLICY_FULL_RANGE(NLA_U32,
						&ovnic_reasm_mem_range),
	[IFLA_OVNIC_REASM_FRAMES] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&ovnic_reasm_frames_range),
	[IFLA_OVNIC_REASM_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&ovnic_reasm_timeout_range),
	[IFLA_OVNIC_LOWERS]	= NLA_POLICY_NESTED(ovnic_lowers_policy),
	[IFLA_OVNIC_MODE]	= NLA_POLICY_MAX(NLA_U8, OVNIC_MODE_BALANCE),
	[IFLA_OVNIC_PRIMARY]	= { .type = NLA_U32 },
	[IFLA_OVNIC_FAILBACK]	= NLA_POLICY_MAX(NLA_U8, OVNIC_FAILBACK_NEVER),
	[IFLA_OVNIC_UPDELAY]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&ovnic_delay_range),
	[IFLA_OVNIC_DOWNDELAY]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&ovnic_delay_range),
	[IFLA_OVNIC_HASH]	= NLA_POLICY_MAX(NLA_U8, OVNIC_HASH_INNER),
	[IFLA_OVNIC_PROBE_INTERVAL] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&ovnic_probe_interval_range),
	[IFLA_OVNIC_PROBE_MISSES] = NLA_POLICY_RANGE(NLA_U32, 1, 100),
	[IFLA_OVNIC_ACTIVE]	= OVNIC_READ_ONLY("active lower"),
	[IFLA_OVNIC_FAILOVERS]	= OVNIC_READ_ONLY("failover count"),
	[IFLA_OVNIC_LAST_REASON] = OVNIC_READ_ONLY("last failover reason"),
	[IFLA_OVNIC_LAST_AGE]	= OVNIC_READ_ONLY("last failover age"),
	[IFLA_OVNIC_PAD]	= { .type = NLA_REJECT },
	[IFLA_OVNIC_POOL]	= { .type = NLA_U32 },
	[IFLA_OVNIC_POOL_LIMIT]	= { .type = NLA_U32 },
	[IFLA_OVNIC_POOL_HIGH]	= { .type = NLA_U8 },
	[IFLA_OVNIC_POOL_LOW]	= { .type = NLA_U8 },
	[IFLA_OVNIC_POOL_ADAPTIVE] = NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_OVNIC_POOL_CHARGED] = OVNIC_READ_ONLY("pool charge"),
	[IFLA_OVNIC_POOL_PEAK]	= OVNIC_READ_ONLY("pool peak"),
	[IFLA_OVNIC_POOL_EFFECTIVE] = OVNIC_READ_ONLY("effective pool limit"),
	[IFLA_OVNIC_POOL_SHARED] = OVNIC_READ_ONLY("pool sharing"),
};

/* Check the aggregation options of a request against @nports lowers. */
static int ovnic_agg_check(struct nlattr *data[], unsigned int nports,
			   bool overlay, struct netlink_ext_ack *extack)
{
	struct nlattr *attr = data[IFLA_OVNIC_PRIMARY];
	u32 interval;

	if (!overlay && (data[IFLA_OVNIC_PROBE_INTERVAL] ||
			 data[IFLA_OVNIC_PROBE_MISSES])) {
		ovnic_err_attr(extack, data[IFLA_OVNIC_PROBE_INTERVAL] ?:
				       data[IFLA_OVNIC_PROBE_MISSES],
			       "path probes need an overlay VNIC (they probe its default remote)");
		return -EOPNOTSUPP;
	}

	if (attr && nla_get_u32(attr) >= nports) {
		ovnic_err_attr(extack, attr,
			       "primary is not a lower of this VNIC");
		return -EINVAL;
	}
	attr = data[IFLA_OVNIC_PROBE_INTERVAL];
	if (attr) {
		interval = nla_get_u32(attr);
		if (interval && interval < 10) {
			ovnic_err_attr(extack, attr,
				       "probe interval must be 0 (off) or 10-60000 ms");
			return -EINVAL;
		}
	}
	return 0;
}

/* Apply checked aggregation options; true if the choice must be redone. */
static bool ovnic_agg_apply(struct ovnic_dev *vnic, struct nlattr *data[])
{
	bool reselect = false;

	if (data[IFLA_OVNIC_MODE]) {
		u8 mode = nla_get_u8(data[IFLA_OVNIC_MODE]);

		reselect |= mode != vnic->mode;
		WRITE_ONCE(vnic->mode, mode);
	}
	if (data[IFLA_OVNIC_PRIMARY]) {
		u32 primary = nla_get_u32(data[IFLA_OVNIC_PRIMARY]);

		reselect |= primary != vnic->primary;
		vnic->primary = primary;
	}
	if (data[IFLA_OVNIC_FAILBACK]) {
		vnic->failback = nla_get_u8(data[IFLA_OVNIC_FAILBACK]);
		reselect = true;
	}
	if (data[IFLA_OVNIC_UPDELAY])
		vnic->updelay_ms = nla_get_u32(data[IFLA_OVNIC_UPDELAY]);
	if (data[IFLA_OVNIC_DOWNDELAY])
		vnic->downdelay_ms = nla_get_u32(data[IFLA_OVNIC_DOWNDELAY]);
	if (data[IFLA_OVNIC_HASH])
		WRITE_ONCE(vnic->hash, nla_get_u8(data[IFLA_OVNIC_HASH]));
	if (data[IFLA_OVNIC_PROBE_INTERVAL]) {
		WRITE_ONCE(vnic->probe_interval_ms,
			   nla_get_u32(data[IFLA_OVNIC_PROBE_INTERVAL]));
		reselect = true;
	}
	if (data[IFLA_OVNIC_PROBE_MISSES]) {
		vnic->probe_misses = nla_get_u32(data[IFLA_OVNIC_PROBE_MISSES]);
		reselect = true;
	}
	return reselect;
}

static const int ovnic_overlay_attrs[] = {
	IFLA_OVNIC_LOCAL, IFLA_OVNIC_LOCAL6, IFLA_OVNIC_REMOTE,
	IFLA_OVNIC_REMOTE6, IFLA_OVNIC_PORT, IFLA_OVNIC_REASM_MEM,
	IFLA_OVNIC_REASM_FRAMES, IFLA_OVNIC_REASM_TIMEOUT,
};

/* The first overlay-only attribute present, or NULL. */
static struct nlattr *ovnic_overlay_attr(struct nlattr *data[])
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ovnic_overlay_attrs); i++)
		if (data[ovnic_overlay_attrs[i]])
			return data[ovnic_overlay_attrs[i]];
	return NULL;
}

static bool ovnic_ip_unicast(bool ipv6, const union ovnic_ip *ip)
{
	if (ipv6)
		return !ipv6_addr_any(&ip->v6) &&
		       !ipv6_addr_is_multicast(&ip->v6) &&
		       !ipv6_addr_loopback(&ip->v6);
	return !ipv4_is_zeronet(ip->v4) && !ipv4_is_multicast(ip->v4) &&
	       !ipv4_is_lbcast(ip->v4) && !ipv4_is_loopback(ip->v4);
}

static bool ovnic_ip_any(bool ipv6, const union ovnic_ip *ip)
{
	return ipv6 ? ipv6_addr_any(&ip->v6) : !ip->v4;
}

/*
 * Apply the overlay attributes of @data to @ovl (a copy of the current
 * configuration, or a new one with the defaults). Return: 0 or an error
 * with @extack set; @ovl may be partly changed then.
 */
static int ovnic_overlay_parse(struct ovnic_overlay *ovl, struct nlattr *data[],
			       struct netlink_ext_ack *extack)
{
	struct nlattr *remote = data[IFLA_OVNIC_REMOTE] ?:
				data[IFLA_OVNIC_REMOTE6];
	struct nlattr *local = data[IFLA_OVNIC_LOCAL] ?:
			       data[IFLA_OVNIC_LOCAL6];

	if (data[IFLA_OVNIC_LOCAL] && data[IFLA_OVNIC_LOCAL6]) {
		ovnic_err_attr(extack, data[IFLA_OVNIC_LOCAL6],
			       "local and local6 are exclusive: one local endpoint address");
		return -EINVAL;
	}
	if (data[IFLA_OVNIC_REMOTE] && data[IFLA_OVNIC_REMOTE6]) {
		ovnic_err_attr(extack, data[IFLA_OVNIC_REMOTE6],
			       "remote and remote6 are exclusive: one default remote");
		return -EINVAL;
	}

	if (data[IFLA_OVNIC_VNI])
		ovl->vni = nla_get_u32(data[IFLA_OVNIC_VNI]);
	if (data[IFLA_OVNIC_PORT])
		ovl->port = htons(nla_get_u16(data[IFLA_OVNIC_PORT]));

	if (local) {
		bool ipv6 = local == data[IFLA_OVNIC_LOCAL6];

		/* A new family drops a default remote of the old one. */
		if (ipv6 != ovl->ipv6)
			ovl->has_remote = false;
		ovl->ipv6 = ipv6;
		memset(&ovl->local, 0, sizeof(ovl->local));
		nla_memcpy(&ovl->local, local, nla_len(local));
		if (!ovnic_ip_unicast(ipv6, &ovl->local)) {
			ovnic_err_attr(extack, local,
				       "local endpoint must be a unicast address");
			return -EINVAL;
		}
	}

	if (remote) {
		bool ipv6 = remote == data[IFLA_OVNIC_REMOTE6];

		if (ipv6 != ovl->ipv6) {
			ovnic_err_attr(extack, remote,
				       "remote and local endpoints must be of the same address family");
			return -EAFNOSUPPORT;
		}
		memset(&ovl->remote, 0, sizeof(ovl->remote));
		nla_memcpy(&ovl->remote, remote, nla_len(remote));
		ovl->has_remote = !ovnic_ip_any(ipv6, &ovl->remote);
		if (ovl->has_remote && !ovnic_ip_unicast(ipv6, &ovl->remote)) {
			ovnic_err_attr(extack, remote,
				       "remote endpoint must be a unicast address");
			return -EINVAL;
		}
	}
	return 0;
}

/* The overlay configuration of a new VNIC, or NULL for a plain VNIC. */
static struct ovnic_overlay *ovnic_overlay_new(struct nlattr *data[],
					       struct netlink_ext_ack *extack)
{
	struct ovnic_overlay *ovl;
	struct nlattr *attr;
	int err;

	if (!data[IFLA_OVNIC_VNI]) {
		attr = ovnic_overlay_attr(data);
		if (!attr)
			return NULL;
		ovnic_err_attr(extack, attr,
			       "overlay settings need a VNI (vni), which makes an overlay VNIC");
		return ERR_PTR(-EINVAL);
	}
	if (!data[IFLA_OVNIC_LOCAL] && !data[IFLA_OVNIC_LOCAL6]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "an overlay VNIC needs its local endpoint address (local)");
		return ERR_PTR(-EINVAL);
	}

	ovl = kzalloc(sizeof(*ovl), GFP_KERNEL);
	if (!ovl)
		return ERR_PTR(-ENOMEM);
	ovl->port = htons(OVNIC_DEFAULT_PORT);
	ovl->ipv6 = !data[IFLA_OVNIC_LOCAL];
	err = ovnic_overlay_parse(ovl, data, extack);
	if (err) {
		kfree(ovl);
		return ERR_PTR(err);
	}
	return ovl;
}

static u32 ovnic_nla_u32(const struct nlattr *attr)
{
	return attr ? nla_get_u32(attr) : 0;
}

static void ovnic_reasm_limits(struct ovnic_dev *vnic, struct nlattr *data[])
{
	if (!data[IFLA_OVNIC_REASM_MEM] && !data[IFLA_OVNIC_REASM_FRAMES] &&
	    !data[IFLA_OVNIC_REASM_TIMEOUT])
		return;
	ovnic_reasm_set_limits(vnic, ovnic_nla_u32(data[IFLA_OVNIC_REASM_MEM]),
			       ovnic_nla_u32(data[IFLA_OVNIC_REASM_FRAMES]),
			       ovnic_nla_u32(data[IFLA_OVNIC_REASM_TIMEOUT]));
}

/*
 * The new endpoints of a running overlay VNIC, parsed and checked but not
 * in use yet: NULL if the request changes none, an ERR_PTR if it is bad.
 */
static struct ovnic_overlay *
ovnic_overlay_prepare(struct ovnic_dev *vnic, struct nlattr *data[],
		      struct netlink_ext_ack *extack)
{
	struct ovnic_overlay *old = rtnl_dereference(vnic->ovl);
	struct ovnic_overlay *ovl;
	int err;

	if (!data[IFLA_OVNIC_VNI] && !data[IFLA_OVNIC_LOCAL] &&
	    !data[IFLA_OVNIC_LOCAL6] && !data[IFLA_OVNIC_REMOTE] &&
	    !data[IFLA_OVNIC_REMOTE6] && !data[IFLA_OVNIC_PORT])
		return NULL;

	ovl = kmemdup(old, sizeof(*old), GFP_KERNEL);
	if (!ovl)
		return ERR_PTR(-ENOMEM);
	err = ovnic_overlay_parse(ovl, data, extack);
	if (err) {
		kfree(ovl);
		return ERR_PTR(err);
	}
	return ovl;
}

/* Put what ovnic_overlay_prepare() made (if anything) in use; cannot fail. */
static void ovnic_overlay_commit(struct ovnic_dev *vnic,
				 struct ovnic_overlay *ovl,
				 struct nlattr *data[])
{
	struct ovnic_overlay *old = rtnl_dereference(vnic->ovl);
	struct ovnic_port *port;
	unsigned int i;

	if (ovl) {
		for (i = 0; (port = ovnic_port_at(vnic, i)); i++)
			ovnic_neigh_stop(port);
		rcu_assign_pointer(vnic->ovl, ovl);
		kfree_rcu(old, rcu);
		for (i = 0; (port = ovnic_port_at(vnic, i)); i++)
			if (ovnic_port_usable(port) || !ovnic_port_speaks(port))
				ovnic_neigh_start(port, ovl);
	}
	ovnic_reasm_limits(vnic, data);
}

/*
 * rtnetlink parses IFLA_INFO_DATA leniently for compatibility with old
 * link types; ovnic is new, so its attributes are checked again strictly
 * (exact lengths, no unknown or trailing attributes).
 */
static int ovnic_validate(struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct nlattr *info_data;

	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN ||
		    !is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			ovnic_err_attr(extack, tb[IFLA_ADDRESS],
				       "invalid MAC address");
			return -EADDRNOTAVAIL;
		}
	}

	if (!tb[IFLA_LINKINFO])
		return 0;
	info_data = nla_find_nested(tb[IFLA_LINKINFO], IFLA_INFO_DATA);
	if (!info_data)
		return 0;
	return nla_validate_nested(info_data, IFLA_OVNIC_MAX, ovnic_policy,
				   extack);
}

/* The (PF, VF) pairs of a create request. Return: how many, or an error. */
static int ovnic_parse_lowers(struct nlattr *data[], u32 *pfs, u32 *vfs,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[OVNIC_LOWER_A_MAX + 1];
	struct nlattr *entry;
	int n = 0, rem, err;

	if (!data[IFLA_OVNIC_LOWERS]) {
		if (!data[IFLA_OVNIC_PF]) {
			NL_SET_ERR_MSG_MOD(extack, "PF is required (IFLA_OVNIC_PF)");
			return -EINVAL;
		}
		if (!data[IFLA_OVNIC_VF]) {
			NL_SET_ERR_MSG_MOD(extack, "VF index is required (IFLA_OVNIC_VF)");
			return -EINVAL;
		}
		pfs[0] = nla_get_u32(data[IFLA_OVNIC_PF]);
		vfs[0] = nla_get_u32(data[IFLA_OVNIC_VF]);
		return 1;
	}
	if (data[IFLA_OVNIC_PF] || data[IFLA_OVNIC_VF]) {
		ovnic_err_attr(extack, data[IFLA_OVNIC_PF] ?: data[IFLA_OVNIC_VF],
			       "pf/vf and lowers are exclusive: give every lower in lowers");
		return -EINVAL;
	}
	nla_for_each_nested(entry, data[IFLA_OVNIC_LOWERS], rem) {
		if (n == OVNIC_MAX_LOWERS) {
			ovnic_err_fmt(extack, "too many lowers",
				      "too many lowers (at most %d)",
				      OVNIC_MAX_LOWERS);
			NL_SET_BAD_ATTR(extack, entry);
			return -E2BIG;
		}
		err = nla_parse_nested(tb, OVNIC_LOWER_A_MAX, entry,
				       ovnic_lower_policy, extack);
		if (err)
			return err;
		if (!tb[OVNIC_LOWER_A_PF] || !tb[OVNIC_LOWER_A_VF]) {
			ovnic_err_attr(extack, entry,
				       "each lower needs a PF and a VF index");
			return -EINVAL;
		}
		pfs[n] = nla_get_u32(tb[OVNIC_LOWER_A_PF]);
		vfs[n] = nla_get_u32(tb[OVNIC_LOWER_A_VF]);
		n++;
	}
	if (!n) {
		ovnic_err_attr(extack, data[IFLA_OVNIC_LOWERS],
			       "lowers is empty: at least one lower is required");
		return -EINVAL;
	}
	return n;
}

/* Find, check and record lower @i of a new VNIC. */
static int ovnic_newlink_port(struct net *src_net, struct ovnic_dev *vnic,
			      unsigned int i, u32 pf_ifindex, u32 vf,
			      struct nlattr *data[],
			      struct netlink_ext_ack *extack)
{
	struct ovnic_port *port = &vnic->ports[i];
	struct net_device *lower, *pf;
	unsigned int j;
	int err;

	pf = __dev_get_by_index(src_net, pf_ifindex);
	if (!pf) {
		ovnic_err_attr(extack, data[IFLA_OVNIC_PF] ?:
				       data[IFLA_OVNIC_LOWERS],
			       "PF device not found");
		return -ENODEV;
	}
	for (j = 0; j < i; j++) {
		if (vnic->ports[j].pf == pf) {
			ovnic_err_fmt(extack, "each lower must be on a different PF",
				      "each lower must be on a different PF (%s twice)",
				      pf->name);
			return -EINVAL;
		}
	}
	lower = ovnic_lower_find(pf, vf, extack);
	if (IS_ERR(lower))
		return PTR_ERR(lower);
	err = ovnic_lower_check_free(lower, extack);
	if (err)
		return err;
	err = ovnic_vf_check_ops(pf, data, extack);
	if (err)
		return err;

	port->vnic = vnic;
	port->index = i;
	port->pf = pf;
	port->pf_ifindex = pf->ifindex;
	port->vf = vf;
	port->state = OVNIC_LOWER_DOWN;
	strscpy(port->vf_pci, dev_name(lower->dev.parent), sizeof(port->vf_pci));
	rcu_assign_pointer(port->lower, lower);
	return 0;
}

static int ovnic_newlink(struct net *src_net, struct net_device *dev,
			 struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	u32 pfs[OVNIC_MAX_LOWERS], vfs[OVNIC_MAX_LOWERS];
	struct ovnic_overlay *ovl;
	struct ovnic_port *port;
	unsigned int min_mtu;
	int n, i, err;

	if (!data) {
		NL_SET_ERR_MSG_MOD(extack, "PF is required (IFLA_OVNIC_PF)");
		return -EINVAL;
	}
	n = ovnic_parse_lowers(data, pfs, vfs, extack);
	if (n < 0)
		return n;
	err = ovnic_agg_check(data, n, !!data[IFLA_OVNIC_VNI], extack);
	if (err)
		return err;
	err = ovnic_pool_link_check(vnic, src_net, data, true, extack);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		err = ovnic_newlink_port(src_net, vnic, i, pfs[i], vfs[i],
					 data, extack);
		if (err)
			goto err_ports;
	}
	vnic->nports = n;

	ovl = ovnic_overlay_new(data, extack);
	if (IS_ERR(ovl)) {
		err = PTR_ERR(ovl);
		goto err_ports;
	}
	if (ovl && tb[IFLA_MTU] && nla_get_u32(tb[IFLA_MTU]) > OVNIC_MTU_MAX) {
		ovnic_err_fmt(extack, "MTU exceeds the overlay's largest frame",
			      "MTU exceeds the overlay's largest frame (%u)",
			      OVNIC_MTU_MAX);
		kfree(ovl);
		err = -EINVAL;
		goto err_ports;
	}
	min_mtu = UINT_MAX;
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++)
		min_mtu = min(min_mtu, ovnic_port_lower(port)->mtu);
	if (!ovl && tb[IFLA_MTU] && nla_get_u32(tb[IFLA_MTU]) > min_mtu) {
		ovnic_err_fmt(extack, "MTU exceeds the VF's MTU",
			      "MTU exceeds the VF's MTU (%u)", min_mtu);
		err = -EINVAL;
		goto err_ports;
	}

	/* Freed by ndo_init on its failure, else by ndo_uninit. */
	RCU_INIT_POINTER(vnic->ovl, ovl);
	vnic->link_net = src_net;
	ovnic_agg_apply(vnic, data);
	ovnic_inherit_lower(dev, !!tb[IFLA_MTU]);

	/* Freed with the overlay settings, whoever frees those. */
	err = ovnic_pool_link_apply(vnic, src_net, data, true, extack);
	if (err) {
		kfree(rcu_replace_pointer(vnic->ovl, NULL, true));
		goto err_ports;
	}

	err = register_netdevice(dev);
	if (err) {
		/* Before ndo_init ran, nobody else frees them. */
		kfree(rcu_replace_pointer(vnic->ovl, NULL, true));
		ovnic_pool_detach(vnic);
		goto err_ports;
	}
	ovnic_reasm_limits(vnic, data);

	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		err = ovnic_lower_claim(port, data, extack);
		if (err) {
			/* ndo_uninit releases the lowers claimed so far. */
			unregister_netdevice(dev);
			return err;
		}
	}
	ovnic_lowers_list_add(vnic);
	ovnic_agg_start(vnic);
	netdev_update_features(dev);
	return 0;

err_ports:
	memset(vnic->ports, 0, sizeof(vnic->ports));
	vnic->nports = 0;
	return err;
}

/**
 * ovnic_host_capable - may the caller change the host's side of a VNIC?
 * @vnic: the VNIC
 * @attr: the attribute asking for the change, for the extack
 * @extack: netlink extended ack
 *
 * The core checked CAP_NET_ADMIN over the VNIC's own namespace. Every ovnic
 * setting acts on the host's side, though (the VFs, the underlay, the
 * pool), and a VNIC may live in a tenant's namespace owned by an
 * unprivileged user namespace: changing one needs CAP_NET_ADMIN over the
 * namespace of the VNIC's PFs as well. Runs in the requester's context.
 *
 * Return: 0 or -EPERM.
 */
int ovnic_host_capable(const struct ovnic_dev *vnic, const struct nlattr *attr,
		       struct netlink_ext_ack *extack)
{
	if (ns_capable(vnic->link_net->user_ns, CAP_NET_ADMIN))
		return 0;
	ovnic_err_attr(extack, attr,
		       "ovnic settings need CAP_NET_ADMIN in the namespace of the VNIC's PFs");
	return -EPERM;
}

static const struct nlattr *ovnic_first_attr(struct nlattr *data[])
{
	unsigned int i;

	for (i = 1; i <= IFLA_OVNIC_MAX; i++)
		if (data[i])
			return data[i];
	return NULL;
}

static int ovnic_changelink(struct net_device *dev, struct nlattr *tb[],
			    struct nlattr *data[],
			    struct netlink_ext_ack *extack)
{
	struct ovnic_vf_undo undo[OVNIC_MAX_LOWERS];
	struct ovnic_dev *vnic = netdev_priv(dev);
	struct ovnic_port *first = &vnic->ports[0];
	struct ovnic_overlay *ovl = NULL;
	unsigned long applied = 0;
	struct ovnic_port *port;
	bool probes_changed;
	unsigned int i;
	int err;

	if (!data)
		return 0;
	if (ovnic_first_attr(data)) {
		err = ovnic_host_capable(vnic, ovnic_first_attr(data), extack);
		if (err)
			return err;
	}
	if ((data[IFLA_OVNIC_PF] &&
	     nla_get_u32(data[IFLA_OVNIC_PF]) != first->pf_ifindex) ||
	    (data[IFLA_OVNIC_VF] &&
	     nla_get_u32(data[IFLA_OVNIC_VF]) != first->vf)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "PF and VF cannot be changed, delete and re-create the VNIC");
		return -EOPNOTSUPP;
	}
	if (data[IFLA_OVNIC_LOWERS]) {
		ovnic_err_attr(extack, data[IFLA_OVNIC_LOWERS],
			       "lowers cannot be changed, delete and re-create the VNIC");
		return -EOPNOTSUPP;
	}
	if (!ovnic_first_port(vnic))
		return -ENODEV;
	if (!ovnic_is_overlay(vnic) &&
	    (data[IFLA_OVNIC_VNI] || ovnic_overlay_attr(data))) {
		ovnic_err_attr(extack, data[IFLA_OVNIC_VNI] ?:
				       ovnic_overlay_attr(data),
			       "not an overlay VNIC: the mode is chosen at creation");
		return -EOPNOTSUPP;
	}
	err = ovnic_agg_check(data, vnic->nports, ovnic_is_overlay(vnic),
			      extack);
	if (err)
		return err;
	err = ovnic_pool_link_check(vnic, vnic->link_net, data, false, extack);
	if (err)
		return err;
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		if (!ovnic_port_lower(port))
			continue;
		err = ovnic_vf_check_ops(port->pf, data, extack);
		if (err)
			return err;
	}
	if (ovnic_is_overlay(vnic)) {
		ovl = ovnic_overlay_prepare(vnic, data, extack);
		if (IS_ERR(ovl))
			return PTR_ERR(ovl);
	}
	/*
	 * All or nothing. The steps that can fail come first: the PFs may
	 * refuse a VF setting (those of the lowers done so far are put back),
	 * and the pool step may find the cap used by a generic netlink pool
	 * change since the check. The overlay commit cannot fail.
	 */
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		if (!ovnic_port_lower(port))
			continue;
		err = ovnic_vf_apply(port, data, &undo[i], extack);
		if (err)
			goto err_vf;
		applied |= BIT(i);
	}
	err = ovnic_pool_link_apply(vnic, vnic->link_net, data, false, extack);
	if (err)
		goto err_vf;
	if (ovnic_is_overlay(vnic))
		ovnic_overlay_commit(vnic, ovl, data);
	/* New endpoints or probe settings: the probes start over. */
	probes_changed = data[IFLA_OVNIC_PROBE_INTERVAL] ||
			 data[IFLA_OVNIC_PROBE_MISSES] ||
			 data[IFLA_OVNIC_LOCAL] || data[IFLA_OVNIC_LOCAL6] ||
			 data[IFLA_OVNIC_REMOTE] || data[IFLA_OVNIC_REMOTE6];
	if (ovnic_agg_apply(vnic, data) || probes_changed)
		ovnic_agg_reselect(vnic, OVNIC_REASON_CONFIG, probes_changed);
	else
		ovnic_agg_reschedule(vnic);
	return 0;

err_vf:
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++)
		if (applied & BIT(i))
			ovnic_vf_undo(port, &undo[i]);
	kfree(ovl);
	return err;
}

static size_t ovnic_get_size(const struct net_device *dev)
{
	const struct ovnic_dev *vnic = netdev_priv(dev);
	size_t lower = nla_total_size(0) +	/* IFLA_OVNIC_LOWER_ENTRY */
		       4 * nla_total_size(sizeof(u32)) + /* PF, VF, IFINDEX, CHANGES */
		       nla_total_size(sizeof_field(struct ovnic_port, vf_pci)) +
		       3 * nla_total_size(sizeof(u8)); /* STATE, ACTIVE, REASON */

	return nla_total_size(sizeof(u32)) +	/* IFLA_OVNIC_PF */
	       nla_total_size(sizeof(u32)) +	/* IFLA_OVNIC_VF */
	       nla_total_size(sizeof(u16)) +	/* IFLA_OVNIC_VF_VLAN */
	       nla_total_size(sizeof(u8)) +	/* IFLA_OVNIC_VF_SPOOFCHK */
	       nla_total_size(sizeof(u8)) +	/* IFLA_OVNIC_VF_TRUST */
	       nla_total_size(sizeof(u32)) +	/* IFLA_OVNIC_LOWER */
	       nla_total_size(sizeof_field(struct ovnic_port, vf_pci)) +
	       nla_total_size(sizeof(u32)) +	/* IFLA_OVNIC_VNI */
	       nla_total_size(sizeof(struct in6_addr)) + /* LOCAL(6) */
	       nla_total_size(sizeof(struct in6_addr)) + /* REMOTE(6) */
	       nla_total_size(sizeof(u16)) +	/* IFLA_OVNIC_PORT */
	       3 * nla_total_size(sizeof(u32)) + /* IFLA_OVNIC_REASM_* */
	       nla_total_size(0) + vnic->nports * lower + /* IFLA_OVNIC_LOWERS */
	       3 * nla_total_size(sizeof(u8)) +	/* MODE, FAILBACK, HASH */
	       /* PRIMARY, UPDELAY, DOWNDELAY, PROBE_*, ACTIVE, FAILOVERS */
	       7 * nla_total_size(sizeof(u32)) +
	       nla_total_size(sizeof(u8)) +	/* IFLA_OVNIC_LAST_REASON */
	       nla_total_size_64bit(sizeof(u64)) + /* IFLA_OVNIC_LAST_AGE */
	       3 * nla_total_size(sizeof(u32)) + /* POOL, _LIMIT, _EFFECTIVE */
	       4 * nla_total_size(sizeof(u8)) + /* POOL_HIGH, _LOW, _ADAPTIVE,
						 * _SHARED
						 */
	       2 * nla_total_size_64bit(sizeof(u64)); /* POOL_CHARGED, _PEAK */
}

static int ovnic_fill_lowers(struct sk_buff *skb, struct ovnic_dev *vnic)
{
	struct ovnic_port *active = rtnl_dereference(vnic->active);
	struct nlattr *lowers, *entry;
	struct ovnic_port *port;
	unsigned int i;

	lowers = nla_nest_start(skb, IFLA_OVNIC_LOWERS);
	if (!lowers)
		return -EMSGSIZE;
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		struct net_device *lower = ovnic_port_lower(port);
		bool in_use = vnic->mode == OVNIC_MODE_BALANCE ?
			      ovnic_port_usable(port) : port == active;

		entry = nla_nest_start(skb, IFLA_OVNIC_LOWER_ENTRY);
		if (!entry)
			return -EMSGSIZE;
		if (nla_put_u32(skb, OVNIC_LOWER_A_PF,
				port->pf ? port->pf->ifindex : port->pf_ifindex) ||
		    nla_put_u32(skb, OVNIC_LOWER_A_VF, port->vf) ||
		    (lower &&
		     nla_put_u32(skb, OVNIC_LOWER_A_IFINDEX, lower->ifindex)) ||
		    nla_put_string(skb, OVNIC_LOWER_A_PCI, port->vf_pci) ||
		    nla_put_u8(skb, OVNIC_LOWER_A_STATE, port->state) ||
		    nla_put_u8(skb, OVNIC_LOWER_A_ACTIVE, in_use) ||
		    nla_put_u8(skb, OVNIC_LOWER_A_REASON, port->reason) ||
		    nla_put_u32(skb, OVNIC_LOWER_A_CHANGES, port->changes))
			return -EMSGSIZE;
		nla_nest_end(skb, entry);
	}
	nla_nest_end(skb, lowers);
	return 0;
}

static int ovnic_fill_agg(struct sk_buff *skb, struct ovnic_dev *vnic)
{
	struct ovnic_port *active = rtnl_dereference(vnic->active);

	if (nla_put_u8(skb, IFLA_OVNIC_MODE, vnic->mode) ||
	    nla_put_u32(skb, IFLA_OVNIC_PRIMARY, vnic->primary) ||
	    nla_put_u8(skb, IFLA_OVNIC_FAILBACK, vnic->failback) ||
	    nla_put_u32(skb, IFLA_OVNIC_UPDELAY, vnic->updelay_ms) ||
	    nla_put_u32(skb, IFLA_OVNIC_DOWNDELAY, vnic->downdelay_ms) ||
	    nla_put_u8(skb, IFLA_OVNIC_HASH, vnic->hash) ||
	    nla_put_u32(skb, IFLA_OVNIC_PROBE_INTERVAL,
			vnic->probe_interval_ms) ||
	    nla_put_u32(skb, IFLA_OVNIC_PROBE_MISSES, vnic->probe_misses) ||
	    nla_put_u32(skb, IFLA_OVNIC_FAILOVERS, vnic->failovers) ||
	    (active && nla_put_u32(skb, IFLA_OVNIC_ACTIVE, active->index)))
		return -EMSGSIZE;
	if (vnic->last_at &&
	    (nla_put_u8(skb, IFLA_OVNIC_LAST_REASON, vnic->last_reason) ||
	     nla_put_u64_64bit(skb, IFLA_OVNIC_LAST_AGE,
			       jiffies_to_msecs(jiffies - vnic->last_at),
			       IFLA_OVNIC_PAD)))
		return -EMSGSIZE;
	return ovnic_fill_lowers(skb, vnic);
}

static int ovnic_fill_overlay(struct sk_buff *skb, struct ovnic_dev *vnic)
{
	const struct ovnic_overlay *ovl = rtnl_dereference(vnic->ovl);
	struct ovnic_reasm_state st;

	if (!ovl)
		return 0;
	ovnic_reasm_get(vnic, &st);
	if (nla_put_u32(skb, IFLA_OVNIC_VNI, ovl->vni) ||
	    nla_put_u16(skb, IFLA_OVNIC_PORT, ntohs(ovl->port)) ||
	    nla_put_u32(skb, IFLA_OVNIC_REASM_MEM, st.mem_limit) ||
	    nla_put_u32(skb, IFLA_OVNIC_REASM_FRAMES, st.frames_limit) ||
	    nla_put_u32(skb, IFLA_OVNIC_REASM_TIMEOUT, st.timeout_ms))
		return -EMSGSIZE;
	if (ovl->ipv6) {
		if (nla_put_in6_addr(skb, IFLA_OVNIC_LOCAL6, &ovl->local.v6) ||
		    (ovl->has_remote &&
		     nla_put_in6_addr(skb, IFLA_OVNIC_REMOTE6, &ovl->remote.v6)))
			return -EMSGSIZE;
	} else {
		if (nla_put_in_addr(skb, IFLA_OVNIC_LOCAL, ovl->local.v4) ||
		    (ovl->has_remote &&
		     nla_put_in_addr(skb, IFLA_OVNIC_REMOTE, ovl->remote.v4)))
			return -EMSGSIZE;
	}
	return 0;
}

static int ovnic_fill_pool(struct sk_buff *skb, struct ovnic_dev *vnic)
{
	struct ovnic_pool_info pi;

	if (!ovnic_pool_info(vnic, &pi))
		return nla_put_u32(skb, IFLA_OVNIC_POOL, OVNIC_POOL_NONE);
	if (nla_put_u32(skb, IFLA_OVNIC_POOL, pi.id) ||
	    nla_put_u32(skb, IFLA_OVNIC_POOL_LIMIT, pi.limit) ||
	    nla_put_u32(skb, IFLA_OVNIC_POOL_EFFECTIVE, pi.effective) ||
	    nla_put_u8(skb, IFLA_OVNIC_POOL_HIGH, pi.high) ||
	    nla_put_u8(skb, IFLA_OVNIC_POOL_LOW, pi.low) ||
	    nla_put_u8(skb, IFLA_OVNIC_POOL_ADAPTIVE, pi.adaptive) ||
	    nla_put_u8(skb, IFLA_OVNIC_POOL_SHARED, pi.shared) ||
	    nla_put_u64_64bit(skb, IFLA_OVNIC_POOL_CHARGED, pi.charged,
			      IFLA_OVNIC_PAD) ||
	    nla_put_u64_64bit(skb, IFLA_OVNIC_POOL_PEAK, pi.peak,
			      IFLA_OVNIC_PAD))
		return -EMSGSIZE;
	return 0;
}

static int ovnic_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	struct ovnic_port *first = ovnic_first_port(vnic);
	struct ovnic_vf_config cfg;
	int err;

	/* The first lower present, as a VNIC with one lower always did. */
	if (first) {
		struct net_device *lower = ovnic_port_lower(first);

		if (nla_put_u32(skb, IFLA_OVNIC_PF, first->pf->ifindex) ||
		    nla_put_u32(skb, IFLA_OVNIC_VF, first->vf) ||
		    nla_put_string(skb, IFLA_OVNIC_VF_PCI, first->vf_pci) ||
		    nla_put_u32(skb, IFLA_OVNIC_LOWER, lower->ifindex))
			return -EMSGSIZE;

		/* What the PF reports now, so changes behind our back show. */
		if (!ovnic_vf_read(first, &cfg) &&
		    (nla_put_u16(skb, IFLA_OVNIC_VF_VLAN, cfg.vlan) ||
		     nla_put_u8(skb, IFLA_OVNIC_VF_SPOOFCHK, cfg.spoofchk) ||
		     nla_put_u8(skb, IFLA_OVNIC_VF_TRUST, cfg.trust)))
			return -EMSGSIZE;
	}
	err = ovnic_fill_overlay(skb, vnic);
	if (err)
		return err;
	err = ovnic_fill_pool(skb, vnic);
	if (err)
		return err;
	return ovnic_fill_agg(skb, vnic);
}

static struct net *ovnic_get_link_net(const struct net_device *dev)
{
	struct ovnic_dev *vnic = netdev_priv(dev);

	return vnic->link_net;
}

static unsigned int ovnic_get_num_queues(void)
{
	return OVNIC_MAX_QUEUES;
}

static struct rtnl_link_ops ovnic_link_ops __read_mostly = {
	.kind			= OVNIC_LINK_KIND,
	.priv_size		= sizeof(struct ovnic_dev),
	.setup			= ovnic_setup,
	.maxtype		= IFLA_OVNIC_MAX,
	.policy			= ovnic_policy,
	.validate		= ovnic_validate,
	.newlink		= ovnic_newlink,
	.changelink		= ovnic_changelink,
	.get_size		= ovnic_get_size,
	.fill_info		= ovnic_fill_info,
	.get_link_net		= ovnic_get_link_net,
	.get_num_tx_queues	= ovnic_get_num_queues,
	.get_num_rx_queues	= ovnic_get_num_queues,
};

int ovnic_link_init(void)
{
	return rtnl_link_register(&ovnic_link_ops);
}

void ovnic_link_uninit(void)
{
	rtnl_link_unregister(&ovnic_link_ops);
}
