// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: the VNIC net_device: setup, datapath towards the VF, counters.
 */

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>

#include "ovnic.h"
#include "ovnic_proto.h"

/* Offloads the VNIC can pass down to its VF. */
#define OVNIC_OFFLOADS	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | \
			 NETIF_F_RXCSUM | NETIF_F_ALL_TSO | NETIF_F_GSO_SOFTWARE)
/* What the overlay header can carry: TCP GSO and any partial checksum. */
#define OVNIC_OVERLAY_OFFLOADS	(NETIF_F_SG | NETIF_F_HW_CSUM | \
				 NETIF_F_HIGHDMA | NETIF_F_RXCSUM | \
				 NETIF_F_TSO | NETIF_F_TSO6)

void ovnic_count_drop(struct ovnic_dev *vnic, enum ovnic_drop reason)
{
	struct ovnic_pcpu_stats *s = this_cpu_ptr(vnic->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->drops[reason]);
	u64_stats_update_end(&s->syncp);
}

static void ovnic_count_queue(struct ovnic_pcpu_stats __percpu *stats,
			      bool tx, unsigned int queue, unsigned int len)
{
	struct ovnic_pcpu_stats *s = this_cpu_ptr(stats);
	struct ovnic_queue_stats *q;

	queue = min_t(unsigned int, queue, OVNIC_MAX_QUEUES - 1);
	q = tx ? &s->txq[queue] : &s->rxq[queue];
	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&q->packets);
	u64_stats_add(&q->bytes, len);
	u64_stats_update_end(&s->syncp);
}

void ovnic_count_rx(struct ovnic_dev *vnic, unsigned int queue,
		    unsigned int len)
{
	ovnic_count_queue(vnic->stats, false, queue, len);
}

void ovnic_count_tx(struct ovnic_dev *vnic, unsigned int queue,
		    unsigned int len)
{
	ovnic_count_queue(vnic->stats, true, queue, len);
}

void ovnic_count_lower(struct ovnic_dev *vnic, bool tx, unsigned int index,
		       unsigned int len)
{
	struct ovnic_pcpu_stats *s = this_cpu_ptr(vnic->stats);
	struct ovnic_queue_stats *q;

	q = tx ? &s->lower_tx[index] : &s->lower_rx[index];
	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&q->packets);
	u64_stats_add(&q->bytes, len);
	u64_stats_update_end(&s->syncp);
}

void ovnic_count_event(struct ovnic_dev *vnic, enum ovnic_event event,
		       unsigned int n)
{
	struct ovnic_pcpu_stats *s = this_cpu_ptr(vnic->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->events[event], n);
	u64_stats_update_end(&s->syncp);
}

/* One counter of one CPU, consistent even where u64 is not atomic. */
static u64 ovnic_read_counter(const struct ovnic_pcpu_stats *s,
			      const u64_stats_t *counter)
{
	unsigned int start;
	u64 val;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		val = u64_stats_read(counter);
	} while (u64_stats_fetch_retry(&s->syncp, start));
	return val;
}

/**
 * ovnic_stats_read - add up the per-CPU counters of a VNIC
 * @vnic: the VNIC
 * @sum: where to store the totals (its syncp is not used)
 */
void ovnic_stats_read(struct ovnic_dev *vnic, struct ovnic_pcpu_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct ovnic_pcpu_stats *s = per_cpu_ptr(vnic->stats, cpu);
		unsigned int i;

		for (i = 0; i < OVNIC_MAX_QUEUES; i++) {
			u64_stats_add(&sum->rxq[i].packets,
				      ovnic_read_counter(s, &s->rxq[i].packets));
			u64_stats_add(&sum->rxq[i].bytes,
				      ovnic_read_counter(s, &s->rxq[i].bytes));
			u64_stats_add(&sum->txq[i].packets,
				      ovnic_read_counter(s, &s->txq[i].packets));
			u64_stats_add(&sum->txq[i].bytes,
				      ovnic_read_counter(s, &s->txq[i].bytes));
		}
		for (i = 0; i < OVNIC_MAX_LOWERS; i++) {
			u64_stats_add(&sum->lower_rx[i].packets,
				      ovnic_read_counter(s, &s->lower_rx[i].packets));
			u64_stats_add(&sum->lower_rx[i].bytes,
				      ovnic_read_counter(s, &s->lower_rx[i].bytes));
			u64_stats_add(&sum->lower_tx[i].packets,
				      ovnic_read_counter(s, &s->lower_tx[i].packets));
			u64_stats_add(&sum->lower_tx[i].bytes,
				      ovnic_read_counter(s, &s->lower_tx[i].bytes));
		}
		for (i = 0; i < OVNIC_DROP_MAX; i++)
			u64_stats_add(&sum->drops[i],
				      ovnic_read_counter(s, &s->drops[i]));
		for (i = 0; i < OVNIC_EV_MAX; i++)
			u64_stats_add(&sum->events[i],
				      ovnic_read_counter(s, &s->events[i]));
	}
}

static void ovnic_get_stats64(struct net_device *dev,
			      struct rtnl_link_stats64 *stats)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct ovnic_pcpu_stats *s = per_cpu_ptr(vnic->stats, cpu);
		unsigned int i;

		for (i = 0; i < OVNIC_MAX_QUEUES; i++) {
			stats->rx_packets +=
				ovnic_read_counter(s, &s->rxq[i].packets);
			stats->rx_bytes += ovnic_read_counter(s, &s->rxq[i].bytes);
			stats->tx_packets +=
				ovnic_read_counter(s, &s->txq[i].packets);
			stats->tx_bytes += ovnic_read_counter(s, &s->txq[i].bytes);
		}
		for (i = 0; i < OVNIC_DROP_MAX; i++) {
			u64 n = ovnic_read_counter(s, &s->drops[i]);

			if (i >= OVNIC_DROP_RX_FIRST && i <= OVNIC_DROP_RX_LAST)
				stats->rx_dropped += n;
			else
				stats->tx_dropped += n;
		}
	}
}

static netdev_tx_t ovnic_start_xmit(struct sk_buff *skb,
				    struct net_device *dev)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	unsigned int queue = skb_get_queue_mapping(skb);
	unsigned int len = skb->len;
	struct net_device *lower;
	struct ovnic_port *port;
	int ret;

	/* At the pool's limit: the qdisc keeps the packet, queues stop. */
	if (unlikely(ovnic_pool_tx_full(vnic)))
		return NETDEV_TX_BUSY;

	port = ovnic_agg_tx_port(vnic, skb, &lower);
	if (unlikely(!port || !lower)) {
		ovnic_count_drop(vnic, OVNIC_DROP_TX_NO_LOWER);
		goto drop;
	}
	if (unlikely(!netif_running(lower))) {
		ovnic_count_drop(vnic, OVNIC_DROP_TX_VNIC_DOWN);
		goto drop;
	}

	/* The tenant's namespace state must not leak into the host's. */
	if (unlikely(!net_eq(dev_net(dev), dev_net(lower))))
		skb_scrub_packet(skb, true);
	if (ovnic_is_overlay(vnic))
		return ovnic_encap_xmit(port, skb, lower);
	skb->dev = lower;
	if (unlikely(!ovnic_pool_charge_tx(vnic, skb))) {
		ovnic_count_drop(vnic, OVNIC_DROP_TX_NOMEM);
		goto drop;
	}

	ret = dev_queue_xmit(skb);
	if (likely(ret == NET_XMIT_SUCCESS || ret == NET_XMIT_CN)) {
		ovnic_count_queue(vnic->stats, true, queue, len);
		ovnic_count_lower(vnic, true, port->index, len);
	} else {
		ovnic_count_drop(vnic, OVNIC_DROP_TX_LOWER_BUSY);
	}
	ovnic_pool_tx_done(vnic);
	return NETDEV_TX_OK;

drop:
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/* Undo the first @n lowers' share of the VNIC's promiscuity/allmulti. */
static void ovnic_lowers_flags(struct ovnic_dev *vnic, unsigned int flags,
			       int inc, unsigned int n)
{
	struct ovnic_port *port;
	unsigned int i;

	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		struct net_device *lower = ovnic_port_lower(port);

		if (i >= n)
			break;
		if (!lower)
			continue;
		if (flags & IFF_ALLMULTI)
			dev_set_allmulti(lower, inc);
		if (flags & IFF_PROMISC)
			dev_set_promiscuity(lower, inc);
	}
}

static int ovnic_open(struct net_device *dev)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	const struct ovnic_overlay *ovl;
	struct ovnic_port *port;
	unsigned int i;
	int err;

	if (!ovnic_first_port(vnic))
		return -ENODEV;
	ovl = rtnl_dereference(vnic->ovl);
	if (ovl) {
		/* Announce the endpoint now even if the carrier did not change. */
		for (i = 0; (port = ovnic_port_at(vnic, i)); i++)
			if (ovnic_port_usable(port))
				ovnic_neigh_start(port, ovl);
		return 0;
	}

	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		struct net_device *lower = ovnic_port_lower(port);

		if (!lower)
			continue;
		err = 0;
		if (dev->flags & IFF_ALLMULTI)
			err = dev_set_allmulti(lower, 1);
		if (!err && (dev->flags & IFF_PROMISC)) {
			err = dev_set_promiscuity(lower, 1);
			if (err && (dev->flags & IFF_ALLMULTI))
				dev_set_allmulti(lower, -1);
		}
		if (err) {
			ovnic_lowers_flags(vnic, dev->flags, -1, i);
			return err;
		}
	}
	return 0;
}

static int ovnic_stop(struct net_device *dev)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	struct ovnic_port *port;
	unsigned int i;

	if (ovnic_is_overlay(vnic))
		return 0;
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		struct net_device *lower = ovnic_port_lower(port);

		if (!lower)
			continue;
		dev_uc_unsync(lower, dev);
		dev_mc_unsync(lower, dev);
	}
	ovnic_lowers_flags(vnic, dev->flags, -1, vnic->nports);
	return 0;
}

static void ovnic_change_rx_flags(struct net_device *dev, int change)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	struct ovnic_port *port;
	unsigned int i;

	if (!(dev->flags & IFF_UP) || ovnic_is_overlay(vnic))
		return;
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		struct net_device *lower = ovnic_port_lower(port);

		if (!lower)
			continue;
		if (change & IFF_ALLMULTI)
			dev_set_allmulti(lower, dev->flags & IFF_ALLMULTI ?
					 1 : -1);
		if (change & IFF_PROMISC)
			dev_set_promiscuity(lower, dev->flags & IFF_PROMISC ?
					    1 : -1);
	}
}

/* Called with the VNIC's address lists locked (netif_addr_lock_bh). */
static void ovnic_set_rx_mode(struct net_device *dev)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	struct ovnic_port *port;
	unsigned int i;

	/* Tenant addresses are inner addresses: the VF's filter keeps its own. */
	if (ovnic_is_overlay(vnic))
		return;
	rcu_read_lock();
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		struct net_device *lower = rcu_dereference(port->lower);

		if (!lower)
			continue;
		dev_uc_sync_multiple(lower, dev);
		dev_mc_sync_multiple(lower, dev);
	}
	rcu_read_unlock();
}

static int ovnic_set_mac_address(struct net_device *dev, void *p)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	struct sockaddr *addr = p;
	struct ovnic_port *port;
	unsigned int i, j;
	int err;

	err = eth_prepare_mac_addr_change(dev, p);
	if (err)
		return err;
	if (ovnic_is_overlay(vnic))
		goto commit;
	/*
	 * The address is the VFs' own, seen by the wire and enforced by the
	 * PF's spoof check: the host's administrator decides it, not the
	 * administrator of a tenant namespace the VNIC was moved into.
	 */
	if (!ns_capable(vnic->link_net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	/* Every VF carries the VNIC's address. */
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		if (!ovnic_port_lower(port))
			continue;
		err = ovnic_vf_set_mac(port, addr->sa_data, NULL);
		if (err)
			goto err_undo;
	}
commit:
	eth_commit_mac_addr_change(dev, p);
	return 0;

err_undo:
	for (j = 0; j < i; j++)
		if (ovnic_port_lower(&vnic->ports[j]))
			ovnic_vf_set_mac(&vnic->ports[j], dev->dev_addr, NULL);
	return err;
}

static int ovnic_change_mtu(struct net_device *dev, int new_mtu)
{
	/* dev->max_mtu follows the VFs' MTU, the core enforced it. */
	WRITE_ONCE(dev->mtu, new_mtu);
	return 0;
}

static netdev_features_t ovnic_fix_features(struct net_device *dev,
					    netdev_features_t features)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	netdev_features_t lower_features = 0;
	struct ovnic_port *port;
	bool any = false;
	unsigned int i;

	/* The overlay segments in software when the VF cannot. */
	if (ovnic_is_overlay(vnic))
		return features & (OVNIC_OVERLAY_OFFLOADS | NETIF_F_SOFT_FEATURES);

	/*
	 * Offer what every VF offers. Checksumming is offered generically:
	 * the VF's transmit path falls back to software for what its
	 * hardware cannot checksum, and software GSO stays available.
	 */
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		struct net_device *lower = ovnic_port_lower(port);
		netdev_features_t f;

		if (!lower)
			continue;
		f = lower->features | NETIF_F_RXCSUM;
		if (f & NETIF_F_CSUM_MASK)
			f |= NETIF_F_HW_CSUM;
		lower_features = any ? lower_features & f : f;
		any = true;
	}
	if (!any)
		return features;
	return netdev_intersect_features(features, lower_features) |
	       (features & (NETIF_F_GSO_SOFTWARE | NETIF_F_SOFT_FEATURES));
}

static int ovnic_get_iflink(const struct net_device *dev)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	struct net_device *lower = NULL;
	struct ovnic_port *port;
	int ifindex = 0;
	unsigned int i;

	rcu_read_lock();
	port = rcu_dereference(vnic->active);
	if (port)
		lower = rcu_dereference(port->lower);
	for (i = 0; !lower && i < vnic->nports; i++)
		lower = rcu_dereference(vnic->ports[i].lower);
	if (lower)
		ifindex = READ_ONCE(lower->ifindex);
	rcu_read_unlock();
	return ifindex;
}

static int ovnic_init(struct net_device *dev)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	struct ovnic_port *port;
	unsigned int i;
	int err = -ENOMEM;

	vnic->stats = netdev_alloc_pcpu_stats(struct ovnic_pcpu_stats);
	if (!vnic->stats)
		goto err_ovl;
	err = ovnic_rxq_init(vnic);
	if (err)
		goto err_stats;
	if (ovnic_is_overlay(vnic)) {
		err = ovnic_reasm_init(vnic);
		if (err)
			goto err_rxq;
	}

	/* References held from here until released or ovnic_uninit(). */
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		netdev_hold(ovnic_port_lower(port), &port->lower_tracker,
			    GFP_KERNEL);
		netdev_hold(port->pf, &port->pf_tracker, GFP_KERNEL);
	}
	netdev_lockdep_set_classes(dev);
	return 0;

err_rxq:
	ovnic_rxq_uninit(vnic);
	ovnic_rxq_free(vnic);
err_stats:
	free_percpu(vnic->stats);
	vnic->stats = NULL;
err_ovl:
	/* ndo_uninit will not run: the overlay settings and pool are ours. */
	kfree(rcu_replace_pointer(vnic->ovl, NULL, true));
	ovnic_pool_detach(vnic);
	return err;
}

static void ovnic_uninit(struct net_device *dev)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	struct ovnic_port *port;
	unsigned int i;

	ovnic_agg_stop(vnic);
	list_del_init(&vnic->list);
	/*
	 * Transmit, get_iflink and the VFs' rx_handler read the lowers under
	 * RCU; releasing a lower clears it and waits for a grace period.
	 */
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		struct net_device *lower = ovnic_port_lower(port);

		if (!lower)
			continue;
		ovnic_lower_release(port);
		netdev_put(lower, &port->lower_tracker);
		netdev_put(port->pf, &port->pf_tracker);
		port->pf = NULL;
	}
	/* No packet is in the datapath any more. */
	ovnic_rxq_uninit(vnic);
	ovnic_reasm_uninit(vnic);
	kfree(rcu_replace_pointer(vnic->ovl, NULL, true));
	/* Packets still in the VFs' rings keep the pool until freed. */
	ovnic_pool_detach(vnic);
}

static void ovnic_destructor(struct net_device *dev)
{
	struct ovnic_dev *vnic = netdev_priv(dev);

	ovnic_rxq_free(vnic);
	free_percpu(vnic->stats);
}

const struct net_device_ops ovnic_netdev_ops = {
	.ndo_init		= ovnic_init,
	.ndo_uninit		= ovnic_uninit,
	.ndo_open		= ovnic_open,
	.ndo_stop		= ovnic_stop,
	.ndo_start_xmit		= ovnic_start_xmit,
	.ndo_get_stats64	= ovnic_get_stats64,
	.ndo_change_rx_flags	= ovnic_change_rx_flags,
	.ndo_set_rx_mode	= ovnic_set_rx_mode,
	.ndo_set_mac_address	= ovnic_set_mac_address,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_change_mtu		= ovnic_change_mtu,
	.ndo_fix_features	= ovnic_fix_features,
	.ndo_get_iflink		= ovnic_get_iflink,
};

void ovnic_setup(struct net_device *dev)
{
	struct ovnic_dev *vnic = netdev_priv(dev);

	ether_setup(dev);
	vnic->dev = dev;
	INIT_LIST_HEAD(&vnic->list);
	INIT_LIST_HEAD(&vnic->pool_node);
	ovnic_agg_init(vnic);

	dev->netdev_ops = &ovnic_netdev_ops;
	dev->ethtool_ops = &ovnic_ethtool_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = ovnic_destructor;

	/*
	 * A real qdisc: the memory pool stops the queues and the sender waits
	 * there. The VNIC transmits without a lock of its own.
	 */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	ovnic_compat_set_lltx(dev);

	dev->hw_features = OVNIC_OFFLOADS;
	dev->features |= OVNIC_OFFLOADS;
	dev->vlan_features = OVNIC_OFFLOADS;

	/* Real bounds come from the VF in ovnic_inherit_lower(). */
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	netif_carrier_off(dev);
}

/* Smallest MTU, TSO limits, largest headroom and tailroom of the lowers. */
struct ovnic_lowers_caps {
	unsigned int mtu;
	unsigned int tso_max_size;
	unsigned int tso_max_segs;
	unsigned int headroom;
	unsigned int tailroom;
	unsigned int txq;
	unsigned int rxq;
};

static bool ovnic_lowers_caps(struct ovnic_dev *vnic,
			      struct ovnic_lowers_caps *caps)
{
	struct ovnic_port *port;
	bool any = false;
	unsigned int i;

	memset(caps, 0, sizeof(*caps));
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		struct net_device *lower = ovnic_port_lower(port);

		if (!lower)
			continue;
		if (!any) {
			caps->mtu = lower->mtu;
			caps->tso_max_size = lower->tso_max_size;
			caps->tso_max_segs = lower->tso_max_segs;
			caps->txq = lower->real_num_tx_queues;
			caps->rxq = lower->real_num_rx_queues;
		}
		any = true;
		caps->mtu = min(caps->mtu, lower->mtu);
		caps->tso_max_size = min(caps->tso_max_size,
					 lower->tso_max_size);
		caps->tso_max_segs = min(caps->tso_max_segs,
					 lower->tso_max_segs);
		caps->txq = min(caps->txq, lower->real_num_tx_queues);
		caps->rxq = min(caps->rxq, lower->real_num_rx_queues);
		caps->headroom = max_t(unsigned int, caps->headroom,
				       lower->needed_headroom);
		caps->tailroom = max_t(unsigned int, caps->tailroom,
				       lower->needed_tailroom);
	}
	return any;
}

/**
 * ovnic_inherit_lower - derive a new VNIC's properties from its VFs
 * @dev: the VNIC, not registered yet, with its lowers set
 * @user_mtu: the user chose the MTU (already checked against the VFs')
 *
 * MTU (unless the user chose one), MTU bound, GSO limits, queue counts,
 * headroom and, unless the user chose one, the MAC address (the first
 * VF's, which every VF of a plain VNIC then carries).
 */
void ovnic_inherit_lower(struct net_device *dev, bool user_mtu)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	struct net_device *first = ovnic_port_lower(&vnic->ports[0]);
	struct ovnic_lowers_caps caps;
	unsigned int max;

	ovnic_lowers_caps(vnic, &caps);
	if (ovnic_is_overlay(vnic)) {
		unsigned int mtu = ovnic_overlay_mtu(vnic, caps.mtu, &max);

		if (!user_mtu)
			dev->mtu = mtu;
		dev->max_mtu = max;
		/* One inner GSO frame plus outer headers fits one GRO packet. */
		netif_set_tso_max_size(dev, OVNIC_MTU_MAX);
		dev->needed_headroom = caps.headroom + OVNIC_OVERHEAD6;
	} else {
		if (!user_mtu)
			dev->mtu = caps.mtu;
		dev->max_mtu = caps.mtu;
		netif_set_tso_max_size(dev, caps.tso_max_size);
		netif_set_tso_max_segs(dev, caps.tso_max_segs);
		dev->needed_headroom = caps.headroom;
	}
	dev->needed_tailroom = caps.tailroom;
	netif_set_real_num_tx_queues(dev, min(caps.txq, dev->num_tx_queues));
	netif_set_real_num_rx_queues(dev, min(caps.rxq, dev->num_rx_queues));
	if (dev->addr_assign_type == NET_ADDR_SET)
		return;
	/* An overlay VNIC's address is the tenant's, not the VFs'. */
	if (ovnic_is_overlay(vnic)) {
		eth_hw_addr_random(dev);
	} else {
		eth_hw_addr_set(dev, first->dev_addr);
		dev->addr_assign_type = NET_ADDR_STOLEN;
	}
}

/**
 * ovnic_lowers_changed - follow a lower's MTU or features, or its removal
 * @vnic: the VNIC
 *
 * Context: RTNL held.
 */
void ovnic_lowers_changed(struct ovnic_dev *vnic)
{
	struct net_device *dev = vnic->dev;
	struct ovnic_lowers_caps caps;

	if (!ovnic_lowers_caps(vnic, &caps))
		return;
	if (ovnic_is_overlay(vnic)) {
		/* Overlay frames of any size are segmented to the VF's MTU. */
		dev->needed_headroom = caps.headroom + OVNIC_OVERHEAD6;
	} else {
		dev->max_mtu = caps.mtu;
		if (dev->mtu > caps.mtu)
			dev_set_mtu(dev, caps.mtu);
		netif_set_tso_max_size(dev, caps.tso_max_size);
		netif_set_tso_max_segs(dev, caps.tso_max_segs);
		dev->needed_headroom = caps.headroom;
	}
	dev->needed_tailroom = caps.tailroom;
	netdev_update_features(dev);
}

/**
 * ovnic_overlay_mtu - default and largest MTU of an overlay VNIC
 * @vnic: the overlay VNIC
 * @lower_mtu: the smallest MTU of its VFs
 * @max: where to store the largest MTU (may be NULL)
 *
 * The default MTU leaves room for the outer headers in one VF frame. Larger
 * MTUs work too (the VF's TSO cuts such a frame, the receiver reassembles
 * it), up to what one GRO packet holds.
 *
 * Return: the default MTU.
 */
unsigned int ovnic_overlay_mtu(struct ovnic_dev *vnic,
			       unsigned int lower_mtu, unsigned int *max)
{
	const struct ovnic_overlay *ovl = rtnl_dereference(vnic->ovl);
	unsigned int overhead = ovl->ipv6 ? OVNIC_OVERHEAD6 : OVNIC_OVERHEAD4;

	if (max)
		*max = OVNIC_MTU_MAX;
	return lower_mtu > overhead + ETH_MIN_MTU ?
	       lower_mtu - overhead : ETH_MIN_MTU;
}
