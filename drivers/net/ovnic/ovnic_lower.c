// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: ownership of the VF net_devices (the lower devices).
 *
 * A VNIC finds each of its VFs through PCI (the VF's pci_dev is a virtual
 * function of the PF's pci_dev with the requested index), then claims the
 * VF's net_device exclusively: an rx_handler steers every frame the VF
 * receives to the VNIC, and an upper/lower link shows the ownership (the VF
 * gets the VNIC as its primary upper device, so no bridge, bond or second
 * VNIC can take it). A netdevice notifier follows every VF and PF: link
 * changes feed the lower's state (ovnic_agg.c), MTU and feature changes
 * propagate, and a lower whose VF or PF goes away (SR-IOV disabled, driver
 * unbound, hot-unplug, namespace change) is released; the VNIC is deleted
 * with its last lower.
 */

#include <linux/error-injection.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>
#include <uapi/linux/ovnic.h>

#include "ovnic.h"

/* VNICs with claimed lowers, for the notifier; protected by RTNL. */
static LIST_HEAD(ovnic_list);

#define OVNIC_MSG_VF_BUSY \
	"VF is already used by another upper device (bridge, bond, macvlan, ...)"

static struct pci_dev *ovnic_pf_pci(struct net_device *pf)
{
	struct device *parent = pf->dev.parent;
	struct pci_dev *pdev;

	if (!parent || !dev_is_pci(parent))
		return NULL;
	pdev = to_pci_dev(parent);
	if (!pdev->is_physfn)
		return NULL;
	return pdev;
}

/**
 * ovnic_lower_find - find the net_device of VF @vf of @pf
 * @pf: a device that should be an SR-IOV PF
 * @vf: VF index
 * @extack: error reporting
 *
 * The VF's net_device must be in the PF's namespace.
 *
 * Return: the VF's net_device (no reference taken; RTNL held) or an
 * ERR_PTR with a message in @extack.
 */
struct net_device *ovnic_lower_find(struct net_device *pf, u32 vf,
				    struct netlink_ext_ack *extack)
{
	const struct net_device_ops *ops = pf->netdev_ops;
	struct pci_dev *pf_pdev = ovnic_pf_pci(pf);
	struct net_device *dev;
	int num_vfs;

	ASSERT_RTNL();
	if (!pf_pdev || !ops->ndo_set_vf_mac || !ops->ndo_get_vf_config) {
		NL_SET_ERR_MSG_MOD(extack,
				   "PF device is not an SR-IOV physical function");
		return ERR_PTR(-EINVAL);
	}

	num_vfs = pci_num_vf(pf_pdev);
	if (vf >= num_vfs) {
		ovnic_err_fmt(extack, "VF index out of range",
			      "VF index out of range: %u, PF %s has %d VFs",
			      vf, pf->name, num_vfs);
		return ERR_PTR(-ERANGE);
	}

	for_each_netdev(dev_net(pf), dev) {
		struct device *parent = dev->dev.parent;
		struct pci_dev *pdev;

		if (!parent || !dev_is_pci(parent) || netif_is_ovnic(dev))
			continue;
		pdev = to_pci_dev(parent);
		if (!pdev->is_virtfn || pci_physfn(pdev) != pf_pdev)
			continue;
		if (pci_iov_vf_id(pdev) == vf)
			return dev;
	}

	NL_SET_ERR_MSG_MOD(extack,
			   "VF has no network device in the PF's namespace (VF driver not bound?)");
	return ERR_PTR(-ENODEV);
}

/**
 * ovnic_lower_check_free - check that nobody else uses a VF device
 * @lower: the VF's net_device
 * @extack: error reporting
 *
 * Return: 0 or -EBUSY with a message saying who holds it.
 */
int ovnic_lower_check_free(struct net_device *lower,
			   struct netlink_ext_ack *extack)
{
	struct net_device *upper = netdev_master_upper_dev_get(lower);

	if (upper && netif_is_ovnic(upper)) {
		NL_SET_ERR_MSG_MOD(extack, "VF is already used by another VNIC");
		return -EBUSY;
	}
	if (netdev_is_rx_handler_busy(lower) || netdev_has_any_upper_dev(lower)) {
		NL_SET_ERR_MSG_MOD(extack, OVNIC_MSG_VF_BUSY);
		return -EBUSY;
	}
	return 0;
}

static unsigned int ovnic_rx_queue(const struct sk_buff *skb)
{
	return skb_rx_queue_recorded(skb) ? skb_get_rx_queue(skb) : 0;
}

/* Packet type as seen by the VNIC, which may not share the VF's address. */
static void ovnic_set_pkt_type(struct sk_buff *skb, struct net_device *dev)
{
	const struct ethhdr *eth = eth_hdr(skb);

	if (unlikely(is_multicast_ether_addr(eth->h_dest)))
		skb->pkt_type = is_broadcast_ether_addr(eth->h_dest) ?
				PACKET_BROADCAST : PACKET_MULTICAST;
	else if (ether_addr_equal_64bits(eth->h_dest, dev->dev_addr))
		skb->pkt_type = PACKET_HOST;
	else
		skb->pkt_type = PACKET_OTHERHOST;
}

/* Runs in the VF's receive path (softirq, RCU read side). */
static rx_handler_result_t ovnic_handle_frame(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct ovnic_port *port;
	struct ovnic_dev *vnic;
	struct net_device *dev;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;

	port = rcu_dereference(skb->dev->rx_handler_data);
	vnic = port->vnic;
	dev = vnic->dev;
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb)) {
		ovnic_count_drop(vnic, OVNIC_DROP_RX_NOMEM);
		return RX_HANDLER_CONSUMED;
	}

	/* The tunnel endpoint answers ARP/ND even while the VNIC is down. */
	if (ovnic_is_overlay(vnic)) {
		*pskb = skb;
		return ovnic_decap_rx(port, pskb);
	}

	if (unlikely(!(dev->flags & IFF_UP))) {
		ovnic_count_drop(vnic, OVNIC_DROP_RX_VNIC_DOWN);
		goto drop;
	}
	/*
	 * Every VF of a plain VNIC carries the VNIC's MAC: in active-backup
	 * mode a backup's frames (floods, broadcasts) would be duplicates.
	 */
	if (READ_ONCE(vnic->mode) == OVNIC_MODE_ACTIVE_BACKUP &&
	    unlikely(rcu_access_pointer(vnic->active) != port)) {
		ovnic_count_drop(vnic, OVNIC_DROP_RX_INACTIVE);
		goto drop;
	}

	/* The host's namespace state must not leak into the tenant's. */
	if (unlikely(!net_eq(dev_net(dev), dev_net(skb->dev))))
		skb_scrub_packet(skb, true);
	ovnic_set_pkt_type(skb, dev);
	skb->dev = dev;
	ovnic_count_rx(vnic, ovnic_rx_queue(skb), skb->len + ETH_HLEN);
	ovnic_count_lower(vnic, false, port->index, skb->len + ETH_HLEN);
	ovnic_rxq_deliver(vnic, skb);
	return RX_HANDLER_CONSUMED;

drop:
	kfree_skb(skb);
	return RX_HANDLER_CONSUMED;
}

/**
 * ovnic_port_link_ok - whether a lower's VF and PF are up with a carrier
 * @port: the lower
 *
 * The VF keeps its carrier when the PF's link drops, so both are watched.
 *
 * Context: RTNL held.
 * Return: true if the lower could carry traffic (path probes aside).
 */
bool ovnic_port_link_ok(const struct ovnic_port *port)
{
	struct net_device *lower = ovnic_port_lower(port);
	struct net_device *pf = port->pf;

	return lower && port->claimed &&
	       netif_running(lower) && netif_carrier_ok(lower) &&
	       netif_running(pf) && netif_carrier_ok(pf);
}

/**
 * ovnic_first_port - the first lower device still present
 * @vnic: the VNIC
 *
 * Context: RTNL held.
 * Return: the port, or NULL when every lower is gone.
 */
struct ovnic_port *ovnic_first_port(struct ovnic_dev *vnic)
{
	struct ovnic_port *port;
	unsigned int i;

	for (i = 0; (port = ovnic_port_at(vnic, i)); i++)
		if (ovnic_port_lower(port))
			return port;
	return NULL;
}

/**
 * ovnic_lower_claim - take a VF's net_device and program the VF
 * @port: a lower of a registered VNIC, with @lower and @pf set
 * @data: IFLA_INFO_DATA attributes of the create request
 * @extack: error reporting
 *
 * The VF of a plain VNIC gets the VNIC's MAC address: every lower carries
 * it from the start, so that a failover needs no VF reset.
 *
 * Return: 0, or an error with everything undone.
 */
int ovnic_lower_claim(struct ovnic_port *port, struct nlattr *data[],
		      struct netlink_ext_ack *extack)
{
	struct net_device *lower = ovnic_port_lower(port);
	struct ovnic_dev *vnic = port->vnic;
	struct net_device *dev = vnic->dev;
	struct ovnic_vf_undo undo;
	int err;

	err = ovnic_vf_read(port, &port->orig);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "PF driver cannot report the VF's settings");
		return err;
	}

	err = netdev_rx_handler_register(lower, ovnic_handle_frame, port);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, OVNIC_MSG_VF_BUSY);
		return err;
	}

	err = netdev_master_upper_dev_link(lower, dev, NULL, NULL, extack);
	if (err)
		goto err_rx_handler;

	/* An overlay VNIC's address is inner: the VFs keep their own. */
	if (!ovnic_is_overlay(vnic) &&
	    (dev->addr_assign_type == NET_ADDR_SET ||
	     !ether_addr_equal(dev->dev_addr, lower->dev_addr))) {
		err = ovnic_vf_set_mac(port, dev->dev_addr, extack);
		if (err)
			goto err_restore;
	}
	err = ovnic_vf_apply(port, data, &undo, extack);
	if (err)
		goto err_restore;

	/*
	 * The VF carries the VNIC's MAC address, so the host must not use it
	 * as an IPv6 endpoint (its link-local address would collide with the
	 * VNIC's). A VF that is up is cycled to drop what it configured (and,
	 * for igbvf, to take the MAC address set above).
	 */
	port->lower_was_up = lower->flags & IFF_UP;
	if (port->lower_was_up)
		dev_close(lower);
	ovnic_compat_set_no_addrconf(lower, true);
	err = dev_open(lower, extack);
	if (err)
		goto err_addrconf;

	port->claimed = true;
	return 0;

err_addrconf:
	ovnic_compat_set_no_addrconf(lower, false);
	if (port->lower_was_up)
		dev_open(lower, NULL);
err_restore:
	ovnic_vf_restore(port);
	netdev_upper_dev_unlink(lower, dev);
err_rx_handler:
	netdev_rx_handler_unregister(lower);
	return err;
}
ALLOW_ERROR_INJECTION(ovnic_lower_claim, ERRNO);

/**
 * ovnic_lower_release - give a VF back
 * @port: a lower claimed by ovnic_lower_claim(), no longer chosen by the
 *	datapath (not active, not in the up mask)
 *
 * Undoes ovnic_lower_claim(), clears @port->lower and waits for an RCU
 * grace period; the caller drops the references afterwards. VF settings,
 * the VF's admin state and its IPv6 autoconfiguration are restored unless
 * the VF or the PF is going away themselves.
 *
 * Context: RTNL held.
 */
void ovnic_lower_release(struct ovnic_port *port)
{
	struct net_device *lower = ovnic_port_lower(port);
	struct net_device *dev = port->vnic->dev;
	bool alive;

	if (ovnic_is_overlay(port->vnic))
		ovnic_neigh_stop(port);
	RCU_INIT_POINTER(port->lower, NULL);
	if (!port->claimed) {
		synchronize_net();
		return;
	}
	port->claimed = false;
	/* Waits for the receive and transmit paths (synchronize_net()). */
	netdev_rx_handler_unregister(lower);
	netdev_upper_dev_unlink(lower, port->vnic->dev);

	alive = lower->reg_state == NETREG_REGISTERED &&
		port->pf->reg_state == NETREG_REGISTERED;
	/* A lower going away while the VNIC is up: undo ovnic_open()'s share. */
	if (!ovnic_is_overlay(port->vnic) && (dev->flags & IFF_UP)) {
		dev_uc_unsync(lower, dev);
		dev_mc_unsync(lower, dev);
		if (alive && (dev->flags & IFF_ALLMULTI))
			dev_set_allmulti(lower, -1);
		if (alive && (dev->flags & IFF_PROMISC))
			dev_set_promiscuity(lower, -1);
	}
	if (alive) {
		ovnic_vf_restore(port);
		ovnic_compat_set_no_addrconf(lower, false);
		if (!port->lower_was_up)
			dev_close(lower);
	}
}

/* An owned VF takes no other upper device (VLAN, bridge, bond, ...). */
static int ovnic_lower_refuse_upper(struct ovnic_dev *vnic, void *ptr)
{
	struct netdev_notifier_changeupper_info *info = ptr;
	struct netlink_ext_ack *extack;

	if (!info->linking || info->upper_dev == vnic->dev)
		return NOTIFY_DONE;
	extack = netdev_notifier_info_to_extack(&info->info);
	NL_SET_ERR_MSG_MOD(extack, "the VF is owned by a VNIC");
	return notifier_from_errno(-EBUSY);
}

/* @dev, one of @vnic's VFs or PFs, is going away (or leaving the netns). */
static void ovnic_lower_unregister(struct ovnic_dev *vnic,
				   struct net_device *dev,
				   struct list_head *kill)
{
	struct ovnic_port *port;
	unsigned int i, left = 0;

	if (vnic->dev->reg_state != NETREG_REGISTERED)
		return;
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		struct net_device *lower = ovnic_port_lower(port);

		if (lower && lower != dev && port->pf != dev)
			left++;
	}
	/* The last lower takes the VNIC with it. */
	if (!left) {
		unregister_netdevice_queue(vnic->dev, kill);
		return;
	}
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		struct net_device *lower = ovnic_port_lower(port);

		if (lower && lower == dev)
			ovnic_agg_port_gone(port, OVNIC_REASON_VF_GONE);
		else if (lower && port->pf == dev)
			ovnic_agg_port_gone(port, OVNIC_REASON_PF_GONE);
	}
}

static int ovnic_netdev_event(struct notifier_block *nb,
			      unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct ovnic_dev *vnic, *tmp;
	LIST_HEAD(kill);
	int ret = NOTIFY_DONE;

	switch (event) {
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
	case NETDEV_CHANGEMTU:
	case NETDEV_FEAT_CHANGE:
	case NETDEV_PRE_TYPE_CHANGE:
	case NETDEV_PRECHANGEUPPER:
	case NETDEV_UNREGISTER:
		break;
	default:
		return NOTIFY_DONE;
	}
	/* Neither a VNIC nor a device without a PCI parent is a lower. */
	if (netif_is_ovnic(dev) || !dev->dev.parent)
		return NOTIFY_DONE;

	list_for_each_entry_safe(vnic, tmp, &ovnic_list, list) {
		struct ovnic_port *port, *hit = NULL;
		bool is_lower = false;
		unsigned int i;

		for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
			struct net_device *lower = ovnic_port_lower(port);

			if (!lower)
				continue;
			if (dev == lower) {
				hit = port;
				is_lower = true;
				break;
			}
			if (dev == port->pf) {
				hit = port;
				break;
			}
		}
		if (!hit)
			continue;

		switch (event) {
		case NETDEV_PRE_TYPE_CHANGE:
			/* The VNIC is Ethernet, so must its VFs stay. */
			if (is_lower)
				ret = notifier_from_errno(-EBUSY);
			break;
		case NETDEV_PRECHANGEUPPER:
			if (is_lower)
				ret = ovnic_lower_refuse_upper(vnic, ptr);
			break;
		case NETDEV_UNREGISTER:
			/* Also sent when @dev moves to another namespace. */
			ovnic_lower_unregister(vnic, dev, &kill);
			break;
		case NETDEV_CHANGEMTU:
		case NETDEV_FEAT_CHANGE:
			if (is_lower)
				ovnic_lowers_changed(vnic);
			break;
		default:
			/* Unregistering closes the device first: say why. */
			if (dev->dismantle)
				ovnic_agg_link_event(hit, is_lower ?
						     OVNIC_REASON_VF_GONE :
						     OVNIC_REASON_PF_GONE);
			else
				ovnic_agg_link_event(hit, is_lower ?
						     OVNIC_REASON_VF_LINK :
						     OVNIC_REASON_PF_LINK);
			break;
		}
	}

	if (!list_empty(&kill))
		unregister_netdevice_many(&kill);
	return ret;
}

static struct notifier_block ovnic_notifier = {
	.notifier_call = ovnic_netdev_event,
};

/**
 * ovnic_lowers_list_add - let the notifier follow a VNIC's lowers
 * @vnic: a VNIC whose lowers are claimed
 *
 * Context: RTNL held.
 */
void ovnic_lowers_list_add(struct ovnic_dev *vnic)
{
	list_add(&vnic->list, &ovnic_list);
}

int ovnic_notifier_init(void)
{
	return register_netdevice_notifier(&ovnic_notifier);
}

void ovnic_notifier_uninit(void)
{
	unregister_netdevice_notifier(&ovnic_notifier);
}
