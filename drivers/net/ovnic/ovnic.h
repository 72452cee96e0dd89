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
#include <linux/in6.h>

#include "ovnic_compat.h"

#define OVNIC_VERSION		"0.1.0"
/* Queues allocated per VNIC; the VF's queue count decides how many are used. */
#define OVNIC_MAX_QUEUES	16

/**
 * enum ovnic_drop - reasons the VNIC drops a packet, each with a counter
 * @OVNIC_DROP_RX_VNIC_DOWN: received while the VNIC is administratively down
 * @OVNIC_DROP_RX_NOMEM: a shared skb could not be cloned, or a header not
 *	pulled, for lack of memory
 * @OVNIC_DROP_RX_NOT_OVERLAY: (overlay) not an ovnic packet for this VNIC's
 *	endpoint: other protocol, address or port
 * @OVNIC_DROP_RX_SHORT: (overlay) truncated outer headers
 * @OVNIC_DROP_RX_BAD_SHAPE: (overlay) outer header not ovnic's TCP shape
 *	(data offset, flags, option kind/length/ExID)
 * @OVNIC_DROP_RX_BAD_VERSION: (overlay) unknown wire version
 * @OVNIC_DROP_RX_BAD_FLAGS: (overlay) unknown header flags
 * @OVNIC_DROP_RX_BAD_LENGTH: (overlay) frame length/offset inconsistent
 * @OVNIC_DROP_RX_BAD_OFFLOAD: (overlay) inner offload state invalid
 * @OVNIC_DROP_RX_BAD_CSUM: (overlay) outer checksum wrong
 * @OVNIC_DROP_RX_WRONG_VNI: (overlay) VNI is not the VNIC's
 * @OVNIC_DROP_RX_NESTED: (overlay) the inner frame is itself an ovnic
 *	packet
 * @OVNIC_DROP_RX_REASM_DUP: (overlay) every byte of the piece is held
 *	already (duplicate); pieces overlapping held bytes at one end are
 *	trimmed instead
 * @OVNIC_DROP_RX_REASM_OVERLAP: (overlay) piece straddles a held piece of
 *	its frame, or disagrees with its header: the whole frame is dropped
 * @OVNIC_DROP_RX_REASM_TIMEOUT: (overlay) incomplete frame aged out
 * @OVNIC_DROP_RX_REASM_EVICT: (overlay) incomplete frame evicted to stay
 *	within the reassembly limits
 * @OVNIC_DROP_TX_NO_LOWER: sent while the VF is being released
 * @OVNIC_DROP_TX_LOWER_BUSY: the VF's queue or driver refused the packet
 * @OVNIC_DROP_TX_VNIC_DOWN: sent while the VF is not running
 * @OVNIC_DROP_TX_NO_REMOTE: (overlay) no rule and no default remote
 * @OVNIC_DROP_TX_NO_NEIGH: (overlay) remote endpoint's MAC not resolved yet
 * @OVNIC_DROP_TX_TOO_BIG: (overlay) frame over the MTU (ICMP sent) or over
 *	the overlay's frame size
 * @OVNIC_DROP_TX_NOMEM: (overlay) no memory for headers or segmentation
 * @OVNIC_DROP_MAX: number of reasons
 */
enum ovnic_drop {
	OVNIC_DROP_RX_VNIC_DOWN,
	OVNIC_DROP_RX_NOMEM,
	OVNIC_DROP_RX_NOT_OVERLAY,
	OVNIC_DROP_RX_SHORT,
	OVNIC_DROP_RX_BAD_SHAPE,
	OVNIC_DROP_RX_BAD_VERSION,
	OVNIC_DROP_RX_BAD_FLAGS,
	OVNIC_DROP_RX_BAD_LENGTH,
	OVNIC_DROP_RX_BAD_OFFLOAD,
	OVNIC_DROP_RX_BAD_CSUM,
	OVNIC_DROP_RX_WRONG_VNI,
	OVNIC_DROP_RX_NESTED,
	OVNIC_DROP_RX_REASM_DUP,
	OVNIC_DROP_RX_REASM_OVERLAP,
	OVNIC_DROP_RX_REASM_TIMEOUT,
	OVNIC_DROP_RX_REASM_EVICT,
	OVNIC_DROP_TX_NO_LOWER,
	OVNIC_DROP_TX_LOWER_BUSY,
	OVNIC_DROP_TX_VNIC_DOWN,
	OVNIC_DROP_TX_NO_REMOTE,
	OVNIC_DROP_TX_NO_NEIGH,
	OVNIC_DROP_TX_TOO_BIG,
	OVNIC_DROP_TX_NOMEM,
	OVNIC_DROP_MAX
};

#define OVNIC_DROP_RX_FIRST	OVNIC_DROP_RX_VNIC_DOWN
#define OVNIC_DROP_RX_LAST	OVNIC_DROP_RX_REASM_EVICT

/**
 * enum ovnic_event - datapath events counted per CPU (not drops)
 * @OVNIC_EV_TX_FRAMES: inner frames encapsulated
 * @OVNIC_EV_TX_GSO_FRAMES: of which GSO frames (several inner segments)
 * @OVNIC_EV_TX_VF_XMITS: skbs handed to the VF for encapsulated frames
 * @OVNIC_EV_TX_GSO_VF_XMITS: of which for GSO frames (1 each when the VF
 *	does TSO, one per segment with software GSO)
 * @OVNIC_EV_TX_HEAD_REALLOC: encapsulation had to reallocate the head
 *	(headroom missing or header cloned)
 * @OVNIC_EV_TX_SW_GSO: frames segmented in software (VF without TSO)
 * @OVNIC_EV_TX_SOLICIT: ARP requests / neighbour solicitations sent
 * @OVNIC_EV_RX_FRAMES: inner frames delivered to the VNIC
 * @OVNIC_EV_RX_SEGS: outer segments received with a valid header (a
 *	GRO packet counts its segments)
 * @OVNIC_EV_RX_FAST: frames that arrived complete (no reassembly)
 * @OVNIC_EV_RX_REASM_QUEUED: pieces queued for reassembly
 * @OVNIC_EV_RX_REASM_DONE: frames completed by reassembly
 * @OVNIC_EV_RX_NEIGH: ARP / neighbour discovery packets handled
 * @OVNIC_EV_MAX: number of events
 */
enum ovnic_event {
	OVNIC_EV_TX_FRAMES,
	OVNIC_EV_TX_GSO_FRAMES,
	OVNIC_EV_TX_VF_XMITS,
	OVNIC_EV_TX_GSO_VF_XMITS,
	OVNIC_EV_TX_HEAD_REALLOC,
	OVNIC_EV_TX_SW_GSO,
	OVNIC_EV_TX_SOLICIT,
	OVNIC_EV_RX_FRAMES,
	OVNIC_EV_RX_SEGS,
	OVNIC_EV_RX_FAST,
	OVNIC_EV_RX_REASM_QUEUED,
	OVNIC_EV_RX_REASM_DONE,
	OVNIC_EV_RX_NEIGH,
	OVNIC_EV_MAX
};

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
	u64_stats_t events[OVNIC_EV_MAX];
	u32 frame_id;
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
 * union ovnic_ip - an IPv4 or IPv6 address (the family is known from context)
 * @v4: IPv4 address
 * @v6: IPv6 address
 */
union ovnic_ip {
	__be32 v4;
	struct in6_addr v6;
};

/**
 * struct ovnic_overlay - overlay configuration of a VNIC
 * @vni: VNI
 * @port: outer destination port
 * @ipv6: the endpoints are IPv6
 * @has_remote: @remote is set
 * @local: local endpoint address
 * @remote: default remote endpoint
 * @rcu: freeing after a grace period
 *
 * Replaced as a whole under RTNL and read under RCU by the datapath.
 */
struct ovnic_overlay {
	u32 vni;
	__be16 port;
	bool ipv6;
	bool has_remote;
	union ovnic_ip local;
	union ovnic_ip remote;
	struct rcu_head rcu;
};

struct ovnic_reasm;

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
 * @ovl: overlay configuration; NULL for a plain (non-overlay) VNIC
 * @reasm: reassembly table (overlay VNICs)
 * @solicit_at: jiffies of the last solicitation sent (rate limit)
 * @solicit_mc: solicited-node multicast MAC joined on the VF (IPv6)
 * @solicit_mc_set: @solicit_mc is joined
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
	struct ovnic_overlay __rcu *ovl;
	struct ovnic_reasm *reasm;
	unsigned long solicit_at;
	u8 solicit_mc[ETH_ALEN];
	bool solicit_mc_set;
};

static inline bool ovnic_is_overlay(const struct ovnic_dev *vnic)
{
	return rcu_access_pointer(vnic->ovl);
}

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
unsigned int ovnic_overlay_mtu(struct ovnic_dev *vnic,
			       const struct net_device *lower,
			       unsigned int *max);
void ovnic_overlay_inherit(struct net_device *dev, struct net_device *lower,
			   bool user_mtu);
void ovnic_count_drop(struct ovnic_dev *vnic, enum ovnic_drop reason);
void ovnic_count_event(struct ovnic_dev *vnic, enum ovnic_event event,
		       unsigned int n);
void ovnic_count_tx(struct ovnic_dev *vnic, unsigned int queue,
		    unsigned int len);
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

/* ovnic_encap.c: transmit side of the overlay (BH disabled, RCU-BH) */
netdev_tx_t ovnic_encap_xmit(struct ovnic_dev *vnic, struct sk_buff *skb,
			     struct net_device *lower);

/* ovnic_decap.c: receive side of the overlay (VF's rx_handler) */
rx_handler_result_t ovnic_decap_rx(struct ovnic_dev *vnic,
				   struct sk_buff **pskb);

/* ovnic_reasm.c: bounded reassembly of incomplete frames */

/**
 * struct ovnic_reasm_state - limits and usage of a reassembly table
 * @mem_limit: bytes (truesize) the table may hold
 * @frames_limit: incomplete frames the table may hold
 * @timeout_ms: age at which an incomplete frame is dropped
 * @mem: bytes held now
 * @mem_peak: highest @mem seen
 * @frames: incomplete frames held now
 */
struct ovnic_reasm_state {
	u32 mem_limit;
	u32 frames_limit;
	u32 timeout_ms;
	u32 mem;
	u32 mem_peak;
	u32 frames;
};

int ovnic_reasm_init(struct ovnic_dev *vnic);
void ovnic_reasm_uninit(struct ovnic_dev *vnic);
void ovnic_reasm_set_limits(struct ovnic_dev *vnic, u32 mem, u32 frames,
			    u32 timeout_ms);
void ovnic_reasm_get(struct ovnic_dev *vnic, struct ovnic_reasm_state *st);
struct ovnic_info;
struct sk_buff *ovnic_reasm_add(struct ovnic_dev *vnic, struct sk_buff *skb,
				bool ipv6, const union ovnic_ip *src,
				struct ovnic_info *info);

/* ovnic_neigh.c: the endpoints' link-layer addresses */
int ovnic_neigh_resolve(struct ovnic_dev *vnic, struct net_device *lower,
			const struct ovnic_overlay *ovl,
			const union ovnic_ip *remote, u8 *mac);
bool ovnic_neigh_rx(struct ovnic_dev *vnic, struct net_device *lower,
		    const struct ovnic_overlay *ovl, struct sk_buff *skb);
void ovnic_neigh_learn(struct net_device *lower, bool ipv6,
		       const union ovnic_ip *addr, const u8 *mac);
void ovnic_neigh_start(struct ovnic_dev *vnic, struct net_device *lower,
		       const struct ovnic_overlay *ovl);
void ovnic_neigh_stop(struct ovnic_dev *vnic, struct net_device *lower);

/* ovnic_rules.c: encapsulation rules (VNI, inner MAC) -> remote endpoint */
bool ovnic_rule_lookup(struct net *net, u32 vni, const u8 *mac, bool ipv6,
		       union ovnic_ip *remote);
int ovnic_rules_init(void);
void ovnic_rules_uninit(void);

/* ovnic_genl.c: the "ovnic" generic netlink family */
int ovnic_genl_init(void);
void ovnic_genl_uninit(void);

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
