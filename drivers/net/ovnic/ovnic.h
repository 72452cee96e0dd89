/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ovnic: tenant virtual NICs backed by SR-IOV virtual functions.
 *
 * A VNIC (struct ovnic_dev) owns one VF net_device on each of one to
 * OVNIC_MAX_LOWERS PFs as its exclusive lower devices (struct ovnic_port)
 * and reaches the VFs' settings through the PFs' ndo_set_vf_* ops. All
 * configuration state is protected by RTNL; the datapath reads the lower
 * devices and the choice among them under RCU.
 */
#ifndef _OVNIC_H
#define _OVNIC_H

#include <linux/etherdevice.h>
#include <linux/if_link.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <linux/in6.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <uapi/linux/ovnic.h>

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
 * @OVNIC_DROP_RX_INACTIVE: received on a backup lower (active-backup mode
 *	of a plain VNIC)
 * @OVNIC_DROP_RX_POOL: received frame or reassembly piece with no room left
 *	in the VNIC's memory pool
 * @OVNIC_DROP_RX_BACKLOG: the VNIC's receive queue on this CPU is full
 * @OVNIC_DROP_TX_NO_LOWER: sent while no lower device is usable
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
	OVNIC_DROP_RX_INACTIVE,
	OVNIC_DROP_RX_POOL,
	OVNIC_DROP_RX_BACKLOG,
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
#define OVNIC_DROP_RX_LAST	OVNIC_DROP_RX_BACKLOG

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
 * @OVNIC_EV_FAILOVERS: changes of the active lower (or of the lowers in
 *	use, balance mode)
 * @OVNIC_EV_FAILBACKS: of which returns to the primary
 * @OVNIC_EV_LOWER_CHANGES: state changes of lower devices
 * @OVNIC_EV_PROBE_TX: path probes sent
 * @OVNIC_EV_PROBE_RX: path probes answered
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
	OVNIC_EV_FAILOVERS,
	OVNIC_EV_FAILBACKS,
	OVNIC_EV_LOWER_CHANGES,
	OVNIC_EV_PROBE_TX,
	OVNIC_EV_PROBE_RX,
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
	struct ovnic_queue_stats lower_rx[OVNIC_MAX_LOWERS];
	struct ovnic_queue_stats lower_tx[OVNIC_MAX_LOWERS];
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
 * struct ovnic_vf_undo - what one ovnic_vf_apply() changed, to put it back
 * @before: the VF's settings before the change
 * @changed: the port's @changed bits before the change
 * @applied: bitmap of enum ovnic_vf_setting the change programmed
 * @known: @before could be read from the PF
 */
struct ovnic_vf_undo {
	struct ovnic_vf_config before;
	unsigned long changed;
	unsigned long applied;
	bool known;
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
struct ovnic_dev;
struct ovnic_pool;
struct ovnic_rx_cell;

/**
 * struct ovnic_port - one lower device of a VNIC: a VF and its PF
 * @vnic: the VNIC
 * @lower: the VF's net_device; NULL once released (RCU)
 * @pf: the PF's net_device (RTNL; valid while @lower is set)
 * @pf_ifindex: ifindex of the PF when the VNIC was created
 * @lower_tracker: reference tracker of @lower
 * @pf_tracker: reference tracker of @pf
 * @vf: VF index on @pf
 * @index: position of the lower in the VNIC
 * @state: enum ovnic_lower_state
 * @reason: enum ovnic_reason of the last state change
 * @changes: state changes so far
 * @claimed: rx_handler and upper link in place
 * @lower_was_up: the VF was up before the VNIC took it (left up on release)
 * @vf_pci: PCI address of the VF
 * @orig: VF settings found when the VNIC took the VF, restored on release
 * @changed: bitmap of enum ovnic_vf_setting this VNIC changed on the VF
 * @pending_until: jiffies at which an UP_PENDING or DOWN_PENDING state ends
 * @probe_misses: path probes in a row without an answer
 * @probe_sent: a probe was sent in the last round
 * @probe_answered: a probe was answered since the last one was sent
 *	(written by the receive path)
 * @solicit_at: jiffies of the last solicitation sent (rate limit)
 * @solicit_mc: solicited-node multicast MAC joined on the VF (IPv6)
 * @solicit_mc_set: @solicit_mc is joined
 */
struct ovnic_port {
	struct ovnic_dev *vnic;
	struct net_device __rcu *lower;
	struct net_device *pf;
	netdevice_tracker lower_tracker;
	netdevice_tracker pf_tracker;
	int pf_ifindex;
	u32 vf;
	u8 index;
	u8 state;
	u8 reason;
	u32 changes;
	bool claimed;
	bool lower_was_up;
	char vf_pci[32];
	struct ovnic_vf_config orig;
	unsigned long changed;
	unsigned long pending_until;
	u32 probe_misses;
	bool probe_sent;
	bool probe_answered;
	unsigned long solicit_at;
	u8 solicit_mc[ETH_ALEN];
	bool solicit_mc_set;
};

/**
 * struct ovnic_dev - private part of a VNIC net_device
 * @dev: the VNIC
 * @ports: the lower devices, @nports of them; a port stays (its @lower
 *	cleared) when its VF goes away, until the VNIC does
 * @nports: number of lower devices configured
 * @active: the lower that transmits (active-backup mode); NULL if none
 * @up_mask: bitmap of the lowers usable now (read by balance transmit)
 * @mode: enum ovnic_mode
 * @hash: enum ovnic_hash
 * @failback: enum ovnic_failback
 * @primary: index of the primary lower
 * @updelay_ms: IFLA_OVNIC_UPDELAY as configured
 * @downdelay_ms: IFLA_OVNIC_DOWNDELAY as configured
 * @probe_interval_ms: IFLA_OVNIC_PROBE_INTERVAL, 0 for no probing
 * @probe_misses: IFLA_OVNIC_PROBE_MISSES
 * @probe_next: jiffies of the next round of probes
 * @failovers: changes of @active (or of @up_mask in balance mode)
 * @last_reason: enum ovnic_reason of the last such change
 * @last_at: jiffies of the last such change, 0 if none
 * @was_up: a lower was usable since creation (before, nothing fails over)
 * @kicked: bit 0: transmit found a lower without carrier, the work is due
 * @work: up/down delays and path probes (takes RTNL)
 * @link_net: namespace of the PFs (no reference: the VNIC goes away with
 *	its last lower, before the namespace can)
 * @list: entry in the module's list of VNICs with claimed lowers (RTNL)
 * @stats: per-CPU counters
 * @ovl: overlay configuration; NULL for a plain (non-overlay) VNIC
 * @reasm: reassembly table (overlay VNICs)
 * @pool: memory pool charged for the VNIC's packets; NULL for none (RCU,
 *	changed under RTNL)
 * @pool_node: entry in the pool's list of VNICs (RCU)
 * @pool_stopped: bit 0: the pool stopped the VNIC's transmit queues
 * @pool_stops: transmit queue stops by the pool
 * @pool_wakes: transmit queue wakes by the pool
 * @pool_requeues: packets handed back to the qdisc at the pool's limit
 * @rx_cells: per-CPU receive queues, drained by NAPI
 */
struct ovnic_dev {
	struct net_device *dev;
	struct ovnic_port ports[OVNIC_MAX_LOWERS];
	u8 nports;
	struct ovnic_port __rcu *active;
	unsigned long up_mask;
	u8 mode;
	u8 hash;
	u8 failback;
	u32 primary;
	u32 updelay_ms;
	u32 downdelay_ms;
	u32 probe_interval_ms;
	u32 probe_misses;
	unsigned long probe_next;
	u32 failovers;
	u8 last_reason;
	unsigned long last_at;
	bool was_up;
	unsigned long kicked;
	struct delayed_work work;
	struct net *link_net;
	struct list_head list;
	struct ovnic_pcpu_stats __percpu *stats;
	struct ovnic_overlay __rcu *ovl;
	struct ovnic_reasm *reasm;
	struct ovnic_pool __rcu *pool;
	struct list_head pool_node;
	unsigned long pool_stopped;
	atomic_long_t pool_stops;
	atomic_long_t pool_wakes;
	atomic_long_t pool_requeues;
	struct ovnic_rx_cell __percpu *rx_cells;
};

/* Lower @i of @vnic, or NULL past the last one: for (i = 0; (p = ...); i++). */
static inline struct ovnic_port *ovnic_port_at(struct ovnic_dev *vnic,
					       unsigned int i)
{
	return i < vnic->nports ? &vnic->ports[i] : NULL;
}

/* The lower can carry traffic: up, or within its down delay. */
static inline bool ovnic_port_usable(const struct ovnic_port *port)
{
	return port->state == OVNIC_LOWER_UP ||
	       port->state == OVNIC_LOWER_DOWN_PENDING;
}

/* The port's VF, under RTNL; NULL once released. */
static inline struct net_device *ovnic_port_lower(const struct ovnic_port *port)
{
	return rtnl_dereference(port->lower);
}

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
void ovnic_inherit_lower(struct net_device *dev, bool user_mtu);
void ovnic_lowers_changed(struct ovnic_dev *vnic);
unsigned int ovnic_overlay_mtu(struct ovnic_dev *vnic,
			       unsigned int lower_mtu, unsigned int *max);
void ovnic_count_lower(struct ovnic_dev *vnic, bool tx, unsigned int index,
		       unsigned int len);
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
int ovnic_lower_claim(struct ovnic_port *port, struct nlattr *data[],
		      struct netlink_ext_ack *extack);
void ovnic_lower_release(struct ovnic_port *port);
struct ovnic_port *ovnic_first_port(struct ovnic_dev *vnic);
bool ovnic_port_link_ok(const struct ovnic_port *port);
void ovnic_lowers_list_add(struct ovnic_dev *vnic);
int ovnic_notifier_init(void);
void ovnic_notifier_uninit(void);

/* ovnic_agg.c: lower states, the choice among lowers, failover */
void ovnic_agg_init(struct ovnic_dev *vnic);
void ovnic_agg_start(struct ovnic_dev *vnic);
void ovnic_agg_stop(struct ovnic_dev *vnic);
void ovnic_agg_link_event(struct ovnic_port *port, enum ovnic_reason reason);
void ovnic_agg_port_gone(struct ovnic_port *port, enum ovnic_reason reason);
void ovnic_agg_reselect(struct ovnic_dev *vnic, enum ovnic_reason reason,
			bool probes_changed);
void ovnic_agg_reschedule(struct ovnic_dev *vnic);
struct ovnic_port *ovnic_agg_tx_port(struct ovnic_dev *vnic,
				     struct sk_buff *skb,
				     struct net_device **lowerp);
bool ovnic_port_speaks(const struct ovnic_port *port);
void ovnic_agg_probe_answered(struct ovnic_port *port);

/* ovnic_encap.c: transmit side of the overlay (BH disabled, RCU-BH) */
netdev_tx_t ovnic_encap_xmit(struct ovnic_port *port, struct sk_buff *skb,
			     struct net_device *lower);

/* ovnic_decap.c: receive side of the overlay (VF's rx_handler) */
rx_handler_result_t ovnic_decap_rx(struct ovnic_port *port,
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

/* ovnic_pool.c: per-target memory pools */

/**
 * struct ovnic_pool_info - a pool's settings and gauges, as reported
 * @id: pool id
 * @limit: configured limit (bytes)
 * @effective: limit in force
 * @high: high watermark, percent
 * @low: low watermark, percent
 * @adaptive: adaptive limit on
 * @shared: a shared pool (not a VNIC's own)
 * @owner: ifindex of the owning VNIC (own pools), else 0
 * @vnics: VNICs using the pool
 * @max_skb: largest single charge
 * @charged: bytes charged now
 * @peak: highest charge
 * @hits: charges that met the limit or the high watermark
 * @stops: transmit queue stops
 * @wakes: transmit queue wakes
 * @rx_drops: receive drops for lack of room
 */
struct ovnic_pool_info {
	u32 id;
	u32 limit;
	u32 effective;
	u8 high;
	u8 low;
	bool adaptive;
	bool shared;
	u32 owner;
	u32 vnics;
	u32 max_skb;
	u64 charged;
	u64 peak;
	u64 hits;
	u64 stops;
	u64 wakes;
	u64 rx_drops;
};

int ovnic_pool_init(void);
void ovnic_pool_uninit(void);
int ovnic_pool_link_check(struct ovnic_dev *vnic, struct net *net,
			  struct nlattr *data[], bool create,
			  struct netlink_ext_ack *extack);
int ovnic_pool_link_apply(struct ovnic_dev *vnic, struct net *net,
			  struct nlattr *data[], bool create,
			  struct netlink_ext_ack *extack);
void ovnic_pool_detach(struct ovnic_dev *vnic);
bool ovnic_pool_info(struct ovnic_dev *vnic, struct ovnic_pool_info *pi);
bool ovnic_pool_tx_full(struct ovnic_dev *vnic);
bool ovnic_pool_charge_tx(struct ovnic_dev *vnic, struct sk_buff *skb);
void ovnic_pool_tx_done(struct ovnic_dev *vnic);
void ovnic_pool_kick(struct ovnic_dev *vnic);
struct ovnic_pool *ovnic_pool_rx_charge(struct ovnic_dev *vnic,
					unsigned int bytes);
bool ovnic_pool_rx_charge_more(struct ovnic_pool *pool, unsigned int bytes);
void ovnic_pool_rx_uncharge(struct ovnic_pool *pool, unsigned int bytes);
int ovnic_pool_nl_new(struct sk_buff *skb, struct genl_info *info);
int ovnic_pool_nl_del(struct sk_buff *skb, struct genl_info *info);
int ovnic_pool_nl_get(struct sk_buff *skb, struct genl_info *info);
int ovnic_pool_nl_dump(struct sk_buff *skb, struct netlink_callback *cb);
int ovnic_pool_nl_set(struct sk_buff *skb, struct genl_info *info);
int ovnic_pool_nl_bind(struct sk_buff *skb, struct genl_info *info);

/* ovnic_rxq.c: per-CPU receive queues of a VNIC (NAPI) */
int ovnic_rxq_init(struct ovnic_dev *vnic);
void ovnic_rxq_uninit(struct ovnic_dev *vnic);
void ovnic_rxq_free(struct ovnic_dev *vnic);
void ovnic_rxq_deliver(struct ovnic_dev *vnic, struct sk_buff *skb);

/* ovnic_neigh.c: the endpoints' link-layer addresses */
int ovnic_neigh_resolve(struct ovnic_port *port, struct net_device *lower,
			const struct ovnic_overlay *ovl,
			const union ovnic_ip *remote, u8 *mac);
bool ovnic_neigh_rx(struct ovnic_port *port, struct net_device *lower,
		    const struct ovnic_overlay *ovl, struct sk_buff *skb);
void ovnic_neigh_learn(struct net_device *lower, bool ipv6,
		       const union ovnic_ip *addr, const u8 *mac);
void ovnic_neigh_start(struct ovnic_port *port,
		       const struct ovnic_overlay *ovl);
void ovnic_neigh_stop(struct ovnic_port *port);
void ovnic_neigh_announce(struct ovnic_port *port,
			  const struct ovnic_overlay *ovl);
void ovnic_neigh_probe(struct ovnic_port *port,
		       const struct ovnic_overlay *ovl);

/* ovnic_rules.c: encapsulation rules (VNI, inner MAC) -> remote endpoint */
bool ovnic_rule_lookup(struct net *net, u32 vni, const u8 *mac, bool ipv6,
		       union ovnic_ip *remote);
int ovnic_rules_init(void);
void ovnic_rules_uninit(void);

/* ovnic_genl.c: the "ovnic" generic netlink family */
int ovnic_genl_init(void);
void ovnic_genl_uninit(void);
void ovnic_genl_notify_lower(struct ovnic_port *port);
void *ovnic_genl_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		     u8 cmd);
void ovnic_genl_notify_failover(struct ovnic_dev *vnic,
				struct ovnic_port *old, struct ovnic_port *new,
				struct ovnic_port *cause,
				enum ovnic_reason reason, bool failback);

/* ovnic_vf.c */
int ovnic_vf_check_ops(struct net_device *pf, struct nlattr *data[],
		       struct netlink_ext_ack *extack);
int ovnic_vf_read(struct ovnic_port *port, struct ovnic_vf_config *cfg);
int ovnic_vf_set_mac(struct ovnic_port *port, const u8 *mac,
		     struct netlink_ext_ack *extack);
int ovnic_vf_apply(struct ovnic_port *port, struct nlattr *data[],
		   struct ovnic_vf_undo *undo, struct netlink_ext_ack *extack);
void ovnic_vf_undo(struct ovnic_port *port, const struct ovnic_vf_undo *undo);
void ovnic_vf_restore(struct ovnic_port *port);

/* ovnic_netlink.c */
int ovnic_link_init(void);
void ovnic_link_uninit(void);
int ovnic_host_capable(const struct ovnic_dev *vnic, const struct nlattr *attr,
		       struct netlink_ext_ack *extack);

/* ovnic_ethtool.c */
extern const struct ethtool_ops ovnic_ethtool_ops;

#endif /* _OVNIC_H */
