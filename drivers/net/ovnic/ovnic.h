/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ovnic: tenant virtual NICs backed by SR-IOV virtual functions.
 *
 * A VNIC (struct ovnic_dev) owns one VF net_device as its exclusive lower
 * device and reaches the VF's settings through the PF's ndo_set_vf_* ops.
 * All configuration state is protected by RTNL; the datapath reads the
 * lower device under RCU.
 */
#ifndef _OVNIC_H
#define _OVNIC_H

#include <linux/etherdevice.h>
#include <linux/if_link.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>

#include "ovnic_compat.h"

#define OVNIC_VERSION		"0.1.0"
/* Queues allocated per VNIC; the VF's queue count decides how many are used. */
#define OVNIC_MAX_QUEUES	16

/**
 * enum ovnic_drop - reasons the VNIC drops a packet, each with a counter
 * @OVNIC_DROP_RX_VNIC_DOWN: received while the VNIC is administratively down
 * @OVNIC_DROP_RX_NOMEM: a shared skb could not be cloned
 * @OVNIC_DROP_TX_NO_LOWER: sent while the VF is being released
 * @OVNIC_DROP_TX_LOWER_BUSY: the VF's queue or driver refused the packet
 * @OVNIC_DROP_TX_VNIC_DOWN: sent while the VF is not running
 * @OVNIC_DROP_MAX: number of reasons
 */
enum ovnic_drop {
	OVNIC_DROP_RX_VNIC_DOWN,
	OVNIC_DROP_RX_NOMEM,
	OVNIC_DROP_TX_NO_LOWER,
	OVNIC_DROP_TX_LOWER_BUSY,
	OVNIC_DROP_TX_VNIC_DOWN,
	OVNIC_DROP_MAX
};

#define OVNIC_DROP_RX_FIRST	OVNIC_DROP_RX_VNIC_DOWN
#define OVNIC_DROP_RX_LAST	OVNIC_DROP_RX_NOMEM

struct ovnic_queue_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
};

/*
 * Per-CPU counters. TX runs with BHs disabled and RX in softirq context, so
 * the two never interleave on one CPU and one seqcount covers both.
 */
struct ovnic_pcpu_stats {
	struct u64_stats_sync syncp;
	struct ovnic_queue_stats rxq[OVNIC_MAX_QUEUES];
	struct ovnic_queue_stats txq[OVNIC_MAX_QUEUES];
	u64_stats_t drops[OVNIC_DROP_MAX];
};

/* VF settings the VNIC may change through the PF, as bits of @changed. */
enum ovnic_vf_setting {
	OVNIC_VF_MAC,
	OVNIC_VF_VLAN,
	OVNIC_VF_SPOOFCHK,
	OVNIC_VF_TRUST,
};

/**
 * struct ovnic_vf_config - a VF's administrative settings on its PF
 * @mac: MAC address
 * @vlan: port VLAN ID, 0 for none
 * @qos: port VLAN priority
 * @vlan_proto: port VLAN protocol (network order)
 * @spoofchk: anti-spoof checking on
 * @trust: VF trusted
 */
struct ovnic_vf_config {
	u8 mac[ETH_ALEN];
	u16 vlan;
	u8 qos;
	__be16 vlan_proto;
	bool spoofchk;
	bool trust;
};

/**
 * struct ovnic_dev - private part of a VNIC net_device
 * @dev: the VNIC
 * @lower: the VF's net_device; NULL once released
 * @pf: the PF's net_device
 * @lower_tracker: reference tracker of @lower
 * @pf_tracker: reference tracker of @pf
 * @vf: VF index on @pf
 * @vf_pci: PCI address of the VF (for ethtool and netlink)
 * @list: entry in the module's list of claimed VNICs (RTNL); empty until
 *	the VF is claimed (rx_handler and upper link in place) and after
 *	it is released
 * @orig: VF settings found when the VNIC was created, restored on delete
 * @changed: bitmap of enum ovnic_vf_setting this VNIC changed on the VF
 * @lower_was_up: the VF was up before the VNIC took it (left up on delete)
 * @stats: per-CPU counters
 */
struct ovnic_dev {
	struct net_device *dev;
	struct net_device __rcu *lower;
	struct net_device *pf;
	netdevice_tracker lower_tracker;
	netdevice_tracker pf_tracker;
	u32 vf;
	char vf_pci[32];
	struct list_head list;
	struct ovnic_vf_config orig;
	unsigned long changed;
	bool lower_was_up;
	struct ovnic_pcpu_stats __percpu *stats;
};

/* Point at the offending attribute, with the module's message prefix. */
#define ovnic_err_attr(extack, attr, msg) do {			\
	struct netlink_ext_ack *__ext = (extack);		\
								\
	NL_SET_BAD_ATTR(__ext, attr);				\
	NL_SET_ERR_MSG_MOD(__ext, msg);				\
} while (0)

/* ovnic_device.c */
extern const struct net_device_ops ovnic_netdev_ops;
void ovnic_setup(struct net_device *dev);
void ovnic_inherit_lower(struct net_device *dev, struct net_device *lower,
			 bool user_mtu);
void ovnic_count_drop(struct ovnic_dev *vnic, enum ovnic_drop reason);
void ovnic_count_rx(struct ovnic_dev *vnic, unsigned int queue,
		    unsigned int len);
void ovnic_stats_read(struct ovnic_dev *vnic, struct ovnic_pcpu_stats *sum);

static inline bool netif_is_ovnic(const struct net_device *dev)
{
	return dev->netdev_ops == &ovnic_netdev_ops;
}

/* ovnic_lower.c */
struct net_device *ovnic_lower_find(struct net_device *pf, u32 vf,
				    struct netlink_ext_ack *extack);
int ovnic_lower_check_free(struct net_device *lower,
			   struct netlink_ext_ack *extack);
int ovnic_lower_claim(struct ovnic_dev *vnic, struct nlattr *data[],
		      struct netlink_ext_ack *extack);
void ovnic_lower_release(struct ovnic_dev *vnic, struct net_device *lower);
void ovnic_update_carrier(struct ovnic_dev *vnic);
int ovnic_notifier_init(void);
void ovnic_notifier_uninit(void);

/* ovnic_vf.c */
int ovnic_vf_check_ops(struct net_device *pf, struct nlattr *data[],
		       struct netlink_ext_ack *extack);
int ovnic_vf_read(struct ovnic_dev *vnic, struct ovnic_vf_config *cfg);
int ovnic_vf_set_mac(struct ovnic_dev *vnic, const u8 *mac,
		     struct netlink_ext_ack *extack);
int ovnic_vf_apply(struct ovnic_dev *vnic, struct nlattr *data[],
		   struct netlink_ext_ack *extack);
void ovnic_vf_restore(struct ovnic_dev *vnic);

static inline bool ovnic_lower_claimed(const struct ovnic_dev *vnic)
{
	return !list_empty(&vnic->list);
}

/* ovnic_netlink.c */
int ovnic_link_init(void);
void ovnic_link_uninit(void);

/* ovnic_ethtool.c */
extern const struct ethtool_ops ovnic_ethtool_ops;

#endif /* _OVNIC_H */
