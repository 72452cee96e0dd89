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
#include <net/rtnetlink.h>
#include <uapi/linux/ovnic.h>

#include "ovnic.h"

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
};

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

static int ovnic_newlink(struct net *src_net, struct net_device *dev,
			 struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	struct net_device *lower, *pf;
	int err;

	if (!data || !data[IFLA_OVNIC_PF]) {
		NL_SET_ERR_MSG_MOD(extack, "PF is required (IFLA_OVNIC_PF)");
		return -EINVAL;
	}
	if (!data[IFLA_OVNIC_VF]) {
		NL_SET_ERR_MSG_MOD(extack, "VF index is required (IFLA_OVNIC_VF)");
		return -EINVAL;
	}

	pf = __dev_get_by_index(src_net, nla_get_u32(data[IFLA_OVNIC_PF]));
	if (!pf) {
		ovnic_err_attr(extack, data[IFLA_OVNIC_PF],
			       "PF device not found");
		return -ENODEV;
	}
	lower = ovnic_lower_find(pf, nla_get_u32(data[IFLA_OVNIC_VF]), extack);
	if (IS_ERR(lower))
		return PTR_ERR(lower);
	err = ovnic_lower_check_free(lower, extack);
	if (err)
		return err;
	err = ovnic_vf_check_ops(pf, data, extack);
	if (err)
		return err;
	if (tb[IFLA_MTU] && nla_get_u32(tb[IFLA_MTU]) > lower->mtu) {
		ovnic_err_fmt(extack, "MTU exceeds the VF's MTU",
			      "MTU exceeds the VF's MTU (%u)", lower->mtu);
		return -EINVAL;
	}

	vnic->pf = pf;
	vnic->vf = nla_get_u32(data[IFLA_OVNIC_VF]);
	strscpy(vnic->vf_pci, dev_name(lower->dev.parent), sizeof(vnic->vf_pci));
	rcu_assign_pointer(vnic->lower, lower);
	ovnic_inherit_lower(dev, lower, !!tb[IFLA_MTU]);

	err = register_netdevice(dev);
	if (err)
		return err;

	err = ovnic_lower_claim(vnic, data, extack);
	if (err) {
		unregister_netdevice(dev);
		return err;
	}
	netdev_update_features(dev);
	return 0;
}

static int ovnic_changelink(struct net_device *dev, struct nlattr *tb[],
			    struct nlattr *data[],
			    struct netlink_ext_ack *extack)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	int err;

	if (!data)
		return 0;
	if ((data[IFLA_OVNIC_PF] &&
	     nla_get_u32(data[IFLA_OVNIC_PF]) != vnic->pf->ifindex) ||
	    (data[IFLA_OVNIC_VF] &&
	     nla_get_u32(data[IFLA_OVNIC_VF]) != vnic->vf)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "PF and VF cannot be changed, delete and re-create the VNIC");
		return -EOPNOTSUPP;
	}
	if (!rtnl_dereference(vnic->lower))
		return -ENODEV;

	err = ovnic_vf_check_ops(vnic->pf, data, extack);
	if (err)
		return err;
	return ovnic_vf_apply(vnic, data, extack);
}

static size_t ovnic_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u32)) +	/* IFLA_OVNIC_PF */
	       nla_total_size(sizeof(u32)) +	/* IFLA_OVNIC_VF */
	       nla_total_size(sizeof(u16)) +	/* IFLA_OVNIC_VF_VLAN */
	       nla_total_size(sizeof(u8)) +	/* IFLA_OVNIC_VF_SPOOFCHK */
	       nla_total_size(sizeof(u8)) +	/* IFLA_OVNIC_VF_TRUST */
	       nla_total_size(sizeof(u32)) +	/* IFLA_OVNIC_LOWER */
	       nla_total_size(sizeof_field(struct ovnic_dev, vf_pci));
}

static int ovnic_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	struct net_device *lower = rtnl_dereference(vnic->lower);
	struct ovnic_vf_config cfg;

	if (nla_put_u32(skb, IFLA_OVNIC_PF, vnic->pf->ifindex) ||
	    nla_put_u32(skb, IFLA_OVNIC_VF, vnic->vf) ||
	    nla_put_string(skb, IFLA_OVNIC_VF_PCI, vnic->vf_pci))
		return -EMSGSIZE;
	if (lower && nla_put_u32(skb, IFLA_OVNIC_LOWER, lower->ifindex))
		return -EMSGSIZE;

	/* What the PF reports now, so changes made behind our back show. */
	if (lower && !ovnic_vf_read(vnic, &cfg)) {
		if (nla_put_u16(skb, IFLA_OVNIC_VF_VLAN, cfg.vlan) ||
		    nla_put_u8(skb, IFLA_OVNIC_VF_SPOOFCHK, cfg.spoofchk) ||
		    nla_put_u8(skb, IFLA_OVNIC_VF_TRUST, cfg.trust))
			return -EMSGSIZE;
	}
	return 0;
}

static struct net *ovnic_get_link_net(const struct net_device *dev)
{
	struct ovnic_dev *vnic = netdev_priv(dev);

	return dev_net(vnic->pf);
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
