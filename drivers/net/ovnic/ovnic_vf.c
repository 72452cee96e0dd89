// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: programming a VF through its PF's ndo_set_vf_* operations.
 *
 * The first time a VNIC changes one of its VF's settings, the value found
 * on the PF is remembered; ovnic_vf_restore() puts every changed setting
 * back when the VNIC goes away. All of it runs under RTNL, like the
 * IFLA_VFINFO_LIST requests of rtnetlink that call the same operations.
 */

#include <linux/error-injection.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <uapi/linux/ovnic.h>

#include "ovnic.h"

/**
 * ovnic_vf_check_ops - check that the PF driver can do what is requested
 * @pf: the PF
 * @data: IFLA_INFO_DATA attributes of the request
 * @extack: error reporting
 *
 * Return: 0 or -EOPNOTSUPP with a message naming the setting.
 */
int ovnic_vf_check_ops(struct net_device *pf, struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	const struct net_device_ops *ops = pf->netdev_ops;

	if (data[IFLA_OVNIC_VF_VLAN] && !ops->ndo_set_vf_vlan) {
		ovnic_err_attr(extack, data[IFLA_OVNIC_VF_VLAN],
			       "PF driver cannot set a VF VLAN");
		return -EOPNOTSUPP;
	}
	if (data[IFLA_OVNIC_VF_SPOOFCHK] && !ops->ndo_set_vf_spoofchk) {
		ovnic_err_attr(extack, data[IFLA_OVNIC_VF_SPOOFCHK],
			       "PF driver cannot set VF spoof checking");
		return -EOPNOTSUPP;
	}
	if (data[IFLA_OVNIC_VF_TRUST] && !ops->ndo_set_vf_trust) {
		ovnic_err_attr(extack, data[IFLA_OVNIC_VF_TRUST],
			       "PF driver cannot set VF trust");
		return -EOPNOTSUPP;
	}
	return 0;
}

/**
 * ovnic_vf_read - read a VF's settings from its PF
 * @port: the lower device (VF) to program
 * @cfg: the settings
 *
 * Return: 0, or a negative error if the PF cannot report them.
 */
int ovnic_vf_read(struct ovnic_port *port, struct ovnic_vf_config *cfg)
{
	const struct net_device_ops *ops = port->pf->netdev_ops;
	struct ifla_vf_info ivi = {};
	int err;

	memset(cfg, 0, sizeof(*cfg));
	cfg->vlan_proto = htons(ETH_P_8021Q);
	if (!ops->ndo_get_vf_config)
		return -EOPNOTSUPP;

	/* Drivers fill only what they know; preset the usual defaults. */
	ivi.vlan_proto = htons(ETH_P_8021Q);
	ivi.spoofchk = -1;
	ivi.trusted = -1;
	err = ops->ndo_get_vf_config(port->pf, port->vf, &ivi);
	if (err)
		return err;

	ether_addr_copy(cfg->mac, ivi.mac);
	cfg->vlan = ivi.vlan;
	cfg->qos = ivi.qos;
	cfg->vlan_proto = ivi.vlan_proto;
	cfg->spoofchk = ivi.spoofchk == 1;
	cfg->trust = ivi.trusted == 1;
	return 0;
}

/**
 * ovnic_vf_set_mac - program the VF's MAC address through the PF
 * @port: the lower device (VF) to program
 * @mac: the address
 * @extack: error reporting, may be NULL
 *
 * Return: 0 or the PF driver's error.
 */
int ovnic_vf_set_mac(struct ovnic_port *port, const u8 *mac,
		     struct netlink_ext_ack *extack)
{
	const struct net_device_ops *ops = port->pf->netdev_ops;
	u8 addr[ETH_ALEN];
	int err;

	if (!ops->ndo_set_vf_mac) {
		NL_SET_ERR_MSG_MOD(extack, "PF driver cannot set a VF MAC address");
		return -EOPNOTSUPP;
	}
	ether_addr_copy(addr, mac);
	err = ops->ndo_set_vf_mac(port->pf, port->vf, addr);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "PF driver refused the VF MAC address");
		return err;
	}
	set_bit(OVNIC_VF_MAC, &port->changed);
	return 0;
}
ALLOW_ERROR_INJECTION(ovnic_vf_set_mac, ERRNO);

/**
 * ovnic_vf_apply - program the VF settings present in a request
 * @port: the lower device (VF) to program
 * @data: IFLA_INFO_DATA attributes, checked by ovnic_vf_check_ops()
 * @undo: filled with what is needed to put the VF back (ovnic_vf_undo())
 * @extack: error reporting
 *
 * All or nothing: when the PF refuses a setting, those applied before it
 * are put back, so that a refused request leaves the VF as it was.
 *
 * Return: 0 or the PF driver's error.
 */
int ovnic_vf_apply(struct ovnic_port *port, struct nlattr *data[],
		   struct ovnic_vf_undo *undo, struct netlink_ext_ack *extack)
{
	const struct net_device_ops *ops = port->pf->netdev_ops;
	struct net_device *pf = port->pf;
	struct nlattr *attr;
	int err;

	memset(undo, 0, sizeof(*undo));
	undo->changed = port->changed;
	undo->known = !ovnic_vf_read(port, &undo->before);

	attr = data[IFLA_OVNIC_VF_VLAN];
	if (attr) {
		err = ops->ndo_set_vf_vlan(pf, port->vf, nla_get_u16(attr), 0,
					   htons(ETH_P_8021Q));
		if (err) {
			ovnic_err_attr(extack, attr,
				       "PF driver refused the VF VLAN");
			goto err_undo;
		}
		__set_bit(OVNIC_VF_VLAN, &undo->applied);
		set_bit(OVNIC_VF_VLAN, &port->changed);
	}

	attr = data[IFLA_OVNIC_VF_SPOOFCHK];
	if (attr) {
		err = ops->ndo_set_vf_spoofchk(pf, port->vf, nla_get_u8(attr));
		if (err) {
			ovnic_err_attr(extack, attr,
				       "PF driver refused VF spoof checking");
			goto err_undo;
		}
		__set_bit(OVNIC_VF_SPOOFCHK, &undo->applied);
		set_bit(OVNIC_VF_SPOOFCHK, &port->changed);
	}

	attr = data[IFLA_OVNIC_VF_TRUST];
	if (attr) {
		err = ops->ndo_set_vf_trust(pf, port->vf, nla_get_u8(attr));
		if (err) {
			ovnic_err_attr(extack, attr,
				       "PF driver refused VF trust");
			goto err_undo;
		}
		__set_bit(OVNIC_VF_TRUST, &undo->applied);
		set_bit(OVNIC_VF_TRUST, &port->changed);
	}
	return 0;

err_undo:
	ovnic_vf_undo(port, undo);
	return err;
}
ALLOW_ERROR_INJECTION(ovnic_vf_apply, ERRNO);

/**
 * ovnic_vf_put - program saved settings of a VF back through its PF
 * @port: the lower device (VF)
 * @cfg: the settings
 * @mask: bitmap of enum ovnic_vf_setting to program
 *
 * Return: 0, or non-zero if the PF refused any of them (every one in
 * @mask is tried).
 */
static int ovnic_vf_put(struct ovnic_port *port,
			const struct ovnic_vf_config *cfg, unsigned long mask)
{
	const struct net_device_ops *ops = port->pf->netdev_ops;
	struct net_device *pf = port->pf;
	u8 mac[ETH_ALEN];
	int err = 0;

	if (test_bit(OVNIC_VF_MAC, &mask)) {
		ether_addr_copy(mac, cfg->mac);
		err |= ops->ndo_set_vf_mac(pf, port->vf, mac);
	}
	if (test_bit(OVNIC_VF_VLAN, &mask))
		err |= ops->ndo_set_vf_vlan(pf, port->vf, cfg->vlan, cfg->qos,
					    cfg->vlan_proto);
	if (test_bit(OVNIC_VF_SPOOFCHK, &mask))
		err |= ops->ndo_set_vf_spoofchk(pf, port->vf, cfg->spoofchk);
	if (test_bit(OVNIC_VF_TRUST, &mask))
		err |= ops->ndo_set_vf_trust(pf, port->vf, cfg->trust);
	return err;
}

/**
 * ovnic_vf_undo - put back what one ovnic_vf_apply() programmed
 * @port: the lower device (VF)
 * @undo: filled by that ovnic_vf_apply()
 *
 * Best effort: a PF that cannot report or refuses the old settings is
 * reported in the kernel log, and the settings stay marked as changed so
 * that ovnic_vf_restore() still puts the originals back at the end.
 */
void ovnic_vf_undo(struct ovnic_port *port, const struct ovnic_vf_undo *undo)
{
	int err;

	if (!undo->applied)
		return;
	err = undo->known ? ovnic_vf_put(port, &undo->before, undo->applied)
			  : -EOPNOTSUPP;
	if (err)
		netdev_warn(port->vnic->dev, "PF %s did not take back a refused change of VF %u\n",
			    port->pf->name, port->vf);
	else
		port->changed = undo->changed;
}

/**
 * ovnic_vf_restore - put back every VF setting the VNIC changed
 * @port: the lower device (VF) to program
 *
 * Best effort: a PF that refuses is reported once in the kernel log.
 */
void ovnic_vf_restore(struct ovnic_port *port)
{
	unsigned long changed = port->changed;

	port->changed = 0;
	if (changed && ovnic_vf_put(port, &port->orig, changed))
		netdev_warn(port->vnic->dev, "PF %s did not restore every setting of VF %u\n",
			    port->pf->name, port->vf);
}
