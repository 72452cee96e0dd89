/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ovnic: tenant virtual NICs backed by SR-IOV virtual functions.
 *
 * This header is the user-space API of the ovnic module: the rtnetlink
 * attributes of the "ovnic" link type (nested in IFLA_INFO_DATA).
 *
 * A VNIC is created on top of virtual function @IFLA_OVNIC_VF of the
 * physical function whose ifindex is @IFLA_OVNIC_PF:
 *
 *   ip link add vn0 [address MAC] [mtu MTU] type ovnic pf eth0 vf 3 \
 *           [vlan VID] [spoofchk on|off] [trust on|off]
 *
 * The driver takes the VF's net_device as its exclusive lower device and
 * programs the VF through the PF's ndo_set_vf_* operations: the VNIC's MAC
 * address (when one is given, or changed later) and the optional VLAN,
 * spoof checking and trust settings. What it changed is restored when the
 * VNIC is deleted. The VNIC may then be moved to another network namespace
 * while the PF and VF stay where they are.
 *
 * Given a VNI at creation (IFLA_OVNIC_VNI), the VNIC is an overlay VNIC:
 * its frames are carried to remote tunnel endpoints (VTEPs) in the ovnic
 * overlay (a TCP-shaped outer header, see Documentation/networking/ovnic.rst)
 * and the VF keeps its own MAC address as the underlay identity:
 *
 *   ip link add vn0 type ovnic pf eth0 vf 3 vni 100 local 192.0.2.1 \
 *           [remote 192.0.2.2] [port 7475] [reasm-mem BYTES] \
 *           [reasm-frames N] [reasm-timeout MS]
 *
 * A VNIC may be backed by one VF on each of up to OVNIC_MAX_LOWERS PFs
 * (IFLA_OVNIC_LOWERS instead of IFLA_OVNIC_PF/IFLA_OVNIC_VF), used in
 * active-backup or flow-hash balance mode and failed over, on events, when
 * a PF loses its link or a PF or VF goes away:
 *
 *   ip link add vn0 type ovnic pf eth0 vf 3 pf eth1 vf 0 \
 *           [mode active-backup|balance] [primary N] [failback always|never] \
 *           [updelay MS] [downdelay MS] [hash l2|l34|inner] \
 *           [probe-interval MS] [probe-misses N]
 *
 * Objects that are not links (encapsulation rules) are managed through the
 * generic netlink family OVNIC_GENL_NAME, documented below and in
 * Documentation/netlink/specs/ovnic.yaml; failover events are multicast
 * on its OVNIC_MCGRP_EVENTS group.
 */
#ifndef _UAPI_LINUX_OVNIC_H
#define _UAPI_LINUX_OVNIC_H

#include <linux/types.h>

#define OVNIC_LINK_KIND "ovnic"

/**
 * enum ovnic_link_attrs - attributes of IFLA_INFO_DATA for kind "ovnic"
 *
 * @IFLA_OVNIC_UNSPEC: unused
 * @IFLA_OVNIC_PF: u32, ifindex of the SR-IOV physical function, in the
 *	namespace the request is made in. On create, PF and VF give a VNIC
 *	with one lower device (else IFLA_OVNIC_LOWERS is required); cannot
 *	change. Reported as the PF of the first lower device present, as its
 *	ifindex in the PF's own namespace (see IFLA_LINK_NETNSID of the VNIC).
 * @IFLA_OVNIC_VF: u32, index of the virtual function on that PF (0-based,
 *	as in "ip link set PF vf N"). Cannot change.
 * @IFLA_OVNIC_VF_VLAN: u16, port VLAN the PF inserts and strips for the VF
 *	(1-4094), 0 for none. Optional; when absent the VF's VLAN is left as
 *	it is.
 * @IFLA_OVNIC_VF_SPOOFCHK: u8, 0 or 1: source MAC/VLAN anti-spoof check of
 *	the VF. Optional.
 * @IFLA_OVNIC_VF_TRUST: u8, 0 or 1: whether the VF is trusted by its PF.
 *	Optional.
 * @IFLA_OVNIC_LOWER: u32, read-only: ifindex of the first lower device's
 *	VF net_device, in the PF's namespace.
 * @IFLA_OVNIC_VF_PCI: string, read-only: PCI address of that VF, e.g.
 *	"0000:01:10.0".
 * @IFLA_OVNIC_VNI: u32, 24-bit virtual network identifier. Present on
 *	create, it makes the VNIC an overlay VNIC (the mode cannot change
 *	later; the value can).
 * @IFLA_OVNIC_LOCAL: IPv4 address (4 bytes, network order) of the local
 *	tunnel endpoint, answered for on the VF (ARP). Overlay only; exactly
 *	one of LOCAL and LOCAL6 is required with a VNI.
 * @IFLA_OVNIC_LOCAL6: IPv6 address (16 bytes) of the local tunnel endpoint
 *	(neighbour discovery).
 * @IFLA_OVNIC_REMOTE: IPv4 address of the default remote endpoint: frames
 *	whose inner destination MAC has no encapsulation rule (broadcast and
 *	multicast included) go there. 0.0.0.0 removes it.
 * @IFLA_OVNIC_REMOTE6: IPv6 default remote endpoint; :: removes it.
 * @IFLA_OVNIC_PORT: u16 (host order), destination port of the outer
 *	header, 1-65535, default OVNIC_DEFAULT_PORT.
 * @IFLA_OVNIC_REASM_MEM: u32, bytes (truesize) the reassembly table of the
 *	VNIC may hold, default OVNIC_DEFAULT_REASM_MEM.
 * @IFLA_OVNIC_REASM_FRAMES: u32, frames the reassembly table may hold,
 *	1-65536, default OVNIC_DEFAULT_REASM_FRAMES.
 * @IFLA_OVNIC_REASM_TIMEOUT: u32, milliseconds an incomplete frame is
 *	kept, 1-60000, default OVNIC_DEFAULT_REASM_TIMEOUT.
 * @IFLA_OVNIC_LOWERS: nested, the lower devices in order (their position,
 *	0-based, is their index everywhere else): one IFLA_OVNIC_LOWER_ENTRY
 *	per lower, 1 to OVNIC_MAX_LOWERS of them, each on a different PF of
 *	the same namespace. Create only (exclusive with IFLA_OVNIC_PF/VF);
 *	always reported, with the read-only state of each lower.
 * @IFLA_OVNIC_MODE: u8, enum ovnic_mode, default OVNIC_MODE_ACTIVE_BACKUP.
 *	Changeable live.
 * @IFLA_OVNIC_PRIMARY: u32, index of the primary lower (active-backup):
 *	used whenever it is up, subject to IFLA_OVNIC_FAILBACK. Default 0.
 * @IFLA_OVNIC_FAILBACK: u8, enum ovnic_failback, default
 *	OVNIC_FAILBACK_ALWAYS.
 * @IFLA_OVNIC_UPDELAY: u32, milliseconds a lower must stay up before it
 *	is used again, 0-60000, default 0.
 * @IFLA_OVNIC_DOWNDELAY: u32, milliseconds a lower that lost its link is
 *	still used (a flap shorter than this does not fail over), 0-60000,
 *	default 0.
 * @IFLA_OVNIC_HASH: u8, enum ovnic_hash: what balance mode hashes to pick
 *	a lower, default OVNIC_HASH_L34.
 * @IFLA_OVNIC_PROBE_INTERVAL: u32, milliseconds between path probes of
 *	an overlay VNIC (ARP requests / neighbour solicitations for the
 *	default remote endpoint on every lower), 0 for none (the default),
 *	else 10-60000. A lower whose link is up but whose probes go
 *	unanswered IFLA_OVNIC_PROBE_MISSES times in a row is path-down.
 * @IFLA_OVNIC_PROBE_MISSES: u32, 1-100, default OVNIC_DEFAULT_PROBE_MISSES.
 * @IFLA_OVNIC_ACTIVE: u32, read-only: index of the active lower
 *	(active-backup); absent while no lower is up.
 * @IFLA_OVNIC_FAILOVERS: u32, read-only: changes of the active lower
 *	(active-backup) or of the set of lowers in use (balance) so far.
 * @IFLA_OVNIC_LAST_REASON: u8, read-only: enum ovnic_reason of the last
 *	such change.
 * @IFLA_OVNIC_LAST_AGE: u64, read-only: milliseconds since the last such
 *	change; absent if there was none.
 * @IFLA_OVNIC_PAD: padding for 64-bit attributes
 * @IFLA_OVNIC_POOL: u32, the memory pool charged for the VNIC's packets.
 *	Create/change: 0 for the VNIC's own pool (the default), OVNIC_POOL_NONE
 *	for no accounting at all, else the id of a shared pool made with
 *	OVNIC_CMD_POOL_NEW in the namespace of the PFs. Dump: id of the pool
 *	in use (own pools have ids too), OVNIC_POOL_NONE if none.
 * @IFLA_OVNIC_POOL_LIMIT: u32, bytes (skb truesize) the VNIC's own pool may
 *	hold in flight, OVNIC_POOL_MIN_LIMIT or more, default
 *	OVNIC_DEFAULT_POOL_LIMIT; refused while a shared pool or none is in use
 *	(change a shared pool with OVNIC_CMD_POOL_SET). The sum of the limits
 *	of all pools may not exceed the module's cap. Dump: the limit of the
 *	pool in use. Changeable live.
 * @IFLA_OVNIC_POOL_HIGH: u8, percent of the limit at which the VNIC stops
 *	its transmit queues (high watermark), 1-100, default
 *	OVNIC_DEFAULT_POOL_HIGH. Own pool only, like IFLA_OVNIC_POOL_LIMIT.
 * @IFLA_OVNIC_POOL_LOW: u8, percent of the limit below which stopped queues
 *	are woken (low watermark), 0-99 and below the high one, default
 *	OVNIC_DEFAULT_POOL_LOW. Own pool only.
 * @IFLA_OVNIC_POOL_ADAPTIVE: u8, 0 or 1: shrink the pool's effective limit
 *	while what it holds drains slowly, grow it back when it drains well.
 *	Own pool only. Default 0.
 * @IFLA_OVNIC_POOL_CHARGED: u64, read-only: bytes charged to the pool now
 * @IFLA_OVNIC_POOL_PEAK: u64, read-only: highest charge seen
 * @IFLA_OVNIC_POOL_EFFECTIVE: u32, read-only: limit in force (below
 *	IFLA_OVNIC_POOL_LIMIT while an adaptive pool is shrunk)
 * @IFLA_OVNIC_POOL_SHARED: u8, read-only: 1 if the pool in use is shared
 * @__IFLA_OVNIC_MAX: one past the last attribute
 * @IFLA_OVNIC_MAX: the last attribute
 */
enum ovnic_link_attrs {
	IFLA_OVNIC_UNSPEC,
	IFLA_OVNIC_PF,
	IFLA_OVNIC_VF,
	IFLA_OVNIC_VF_VLAN,
	IFLA_OVNIC_VF_SPOOFCHK,
	IFLA_OVNIC_VF_TRUST,
	IFLA_OVNIC_LOWER,
	IFLA_OVNIC_VF_PCI,
	IFLA_OVNIC_VNI,
	IFLA_OVNIC_LOCAL,
	IFLA_OVNIC_LOCAL6,
	IFLA_OVNIC_REMOTE,
	IFLA_OVNIC_REMOTE6,
	IFLA_OVNIC_PORT,
	IFLA_OVNIC_REASM_MEM,
	IFLA_OVNIC_REASM_FRAMES,
	IFLA_OVNIC_REASM_TIMEOUT,
	IFLA_OVNIC_LOWERS,
	IFLA_OVNIC_MODE,
	IFLA_OVNIC_PRIMARY,
	IFLA_OVNIC_FAILBACK,
	IFLA_OVNIC_UPDELAY,
	IFLA_OVNIC_DOWNDELAY,
	IFLA_OVNIC_HASH,
	IFLA_OVNIC_PROBE_INTERVAL,
	IFLA_OVNIC_PROBE_MISSES,
	IFLA_OVNIC_ACTIVE,
	IFLA_OVNIC_FAILOVERS,
	IFLA_OVNIC_LAST_REASON,
	IFLA_OVNIC_LAST_AGE,
	IFLA_OVNIC_PAD,
	IFLA_OVNIC_POOL,
	IFLA_OVNIC_POOL_LIMIT,
	IFLA_OVNIC_POOL_HIGH,
	IFLA_OVNIC_POOL_LOW,
	IFLA_OVNIC_POOL_ADAPTIVE,
	IFLA_OVNIC_POOL_CHARGED,
	IFLA_OVNIC_POOL_PEAK,
	IFLA_OVNIC_POOL_EFFECTIVE,
	IFLA_OVNIC_POOL_SHARED,

	__IFLA_OVNIC_MAX
};

#define IFLA_OVNIC_MAX (__IFLA_OVNIC_MAX - 1)

/* The only attribute type nested in IFLA_OVNIC_LOWERS. */
#define IFLA_OVNIC_LOWER_ENTRY	1

/**
 * enum ovnic_lower_attrs - attributes of one IFLA_OVNIC_LOWER_ENTRY
 * @OVNIC_LOWER_A_UNSPEC: unused
 * @OVNIC_LOWER_A_PF: u32, ifindex of the PF (required on create)
 * @OVNIC_LOWER_A_VF: u32, VF index on that PF (required on create)
 * @OVNIC_LOWER_A_IFINDEX: u32, read-only: ifindex of the VF's net_device
 * @OVNIC_LOWER_A_PCI: string, read-only: PCI address of the VF
 * @OVNIC_LOWER_A_STATE: u8, read-only: enum ovnic_lower_state
 * @OVNIC_LOWER_A_ACTIVE: u8, read-only: 1 if the lower carries traffic
 *	now (the active lower, or a lower in use in balance mode)
 * @OVNIC_LOWER_A_REASON: u8, read-only: enum ovnic_reason of its last
 *	state change
 * @OVNIC_LOWER_A_CHANGES: u32, read-only: its state changes so far
 * @__OVNIC_LOWER_A_MAX: one past the last attribute
 * @OVNIC_LOWER_A_MAX: the last attribute
 */
enum ovnic_lower_attrs {
	OVNIC_LOWER_A_UNSPEC,
	OVNIC_LOWER_A_PF,
	OVNIC_LOWER_A_VF,
	OVNIC_LOWER_A_IFINDEX,
	OVNIC_LOWER_A_PCI,
	OVNIC_LOWER_A_STATE,
	OVNIC_LOWER_A_ACTIVE,
	OVNIC_LOWER_A_REASON,
	OVNIC_LOWER_A_CHANGES,

	__OVNIC_LOWER_A_MAX
};

#define OVNIC_LOWER_A_MAX (__OVNIC_LOWER_A_MAX - 1)

#define OVNIC_MAX_LOWERS		4
#define OVNIC_DEFAULT_PROBE_MISSES	3

/**
 * enum ovnic_mode - how a VNIC uses its lower devices
 * @OVNIC_MODE_ACTIVE_BACKUP: one lower (the active one) transmits and
 *	receives; the others wait, ready, and take over when it fails.
 * @OVNIC_MODE_BALANCE: every lower that is up transmits; a flow's lower
 *	is chosen by a hash (IFLA_OVNIC_HASH) and changes only when that
 *	lower goes down. Frames are received on every lower.
 */
enum ovnic_mode {
	OVNIC_MODE_ACTIVE_BACKUP,
	OVNIC_MODE_BALANCE,
};

/**
 * enum ovnic_failback - what active-backup does when the primary is back
 * @OVNIC_FAILBACK_ALWAYS: return to the primary (after IFLA_OVNIC_UPDELAY)
 * @OVNIC_FAILBACK_NEVER: stay on the current lower while it is up
 */
enum ovnic_failback {
	OVNIC_FAILBACK_ALWAYS,
	OVNIC_FAILBACK_NEVER,
};

/**
 * enum ovnic_hash - flow hash of balance mode
 * @OVNIC_HASH_L2: source and destination MAC addresses and EtherType of
 *	the tenant's frame
 * @OVNIC_HASH_L34: IP addresses and transport ports of the tenant's frame
 * @OVNIC_HASH_INNER: like OVNIC_HASH_L34, but of the innermost flow the
 *	kernel's flow dissector finds when the tenant itself tunnels (GRE,
 *	IP-in-IP, MPLS)
 */
enum ovnic_hash {
	OVNIC_HASH_L2,
	OVNIC_HASH_L34,
	OVNIC_HASH_INNER,
};

/**
 * enum ovnic_lower_state - state of a lower device
 * @OVNIC_LOWER_UP: usable: VF and PF up with carrier (and, with probing,
 *	the path answers)
 * @OVNIC_LOWER_DOWN: VF or PF down or without carrier
 * @OVNIC_LOWER_PATH_DOWN: link up, but path probes went unanswered
 * @OVNIC_LOWER_UP_PENDING: link up, waiting for IFLA_OVNIC_UPDELAY
 * @OVNIC_LOWER_DOWN_PENDING: link lost, still used until
 *	IFLA_OVNIC_DOWNDELAY expires
 * @OVNIC_LOWER_GONE: the VF or its PF was removed; the lower is released
 *	and never comes back (re-create the VNIC)
 */
enum ovnic_lower_state {
	OVNIC_LOWER_UP,
	OVNIC_LOWER_DOWN,
	OVNIC_LOWER_PATH_DOWN,
	OVNIC_LOWER_UP_PENDING,
	OVNIC_LOWER_DOWN_PENDING,
	OVNIC_LOWER_GONE,
};

/**
 * enum ovnic_reason - why a lower changed state or the active lower changed
 * @OVNIC_REASON_NONE: nothing happened yet
 * @OVNIC_REASON_PF_LINK: the PF lost or regained its link (carrier or
 *	administrative state)
 * @OVNIC_REASON_PF_GONE: the PF was unregistered (driver unbound,
 *	hot-unplug)
 * @OVNIC_REASON_VF_LINK: the VF lost or regained its link
 * @OVNIC_REASON_VF_GONE: the VF was removed (SR-IOV disabled, driver
 *	unbound)
 * @OVNIC_REASON_PROBE: path probes went unanswered, or were answered again
 * @OVNIC_REASON_FAILBACK: the primary is up again and takes over
 * @OVNIC_REASON_CONFIG: the administrator changed the mode or the primary
 * @OVNIC_REASON_DELAY: an up or down delay expired
 */
enum ovnic_reason {
	OVNIC_REASON_NONE,
	OVNIC_REASON_PF_LINK,
	OVNIC_REASON_PF_GONE,
	OVNIC_REASON_VF_LINK,
	OVNIC_REASON_VF_GONE,
	OVNIC_REASON_PROBE,
	OVNIC_REASON_FAILBACK,
	OVNIC_REASON_CONFIG,
	OVNIC_REASON_DELAY,
};

#define OVNIC_VNI_MAX			0xffffff
#define OVNIC_DEFAULT_PORT		7475
#define OVNIC_DEFAULT_REASM_MEM		(4 << 20)
#define OVNIC_DEFAULT_REASM_FRAMES	256
#define OVNIC_DEFAULT_REASM_TIMEOUT	200

/* Memory pools (IFLA_OVNIC_POOL*, OVNIC_CMD_POOL_*). */
#define OVNIC_POOL_OWN			0
#define OVNIC_POOL_NONE			0xffffffff
#define OVNIC_POOL_MIN_LIMIT		(128 << 10)
#define OVNIC_DEFAULT_POOL_LIMIT	(4 << 20)
#define OVNIC_DEFAULT_POOL_HIGH		100
#define OVNIC_DEFAULT_POOL_LOW		50

/*
 * Generic netlink family "ovnic", version 1.
 *
 * Encapsulation rules map a tenant's inner destination MAC address in a VNI
 * to the remote tunnel endpoint that hosts it. Rules live in the network
 * namespace the request is made in (the namespace of the PFs and VFs, the
 * "hypervisor"), and apply to every overlay VNIC whose VF is in that
 * namespace. A transmitted frame uses the rule of (VNIC's VNI, inner
 * destination MAC) if one exists, else the VNIC's default remote.
 * Changing rules needs CAP_NET_ADMIN in the namespace's user namespace.
 *
 * OVNIC_CMD_RULE_NEW: add a rule (VNI, MAC, one of REMOTE/REMOTE6); with
 *	NLM_F_REPLACE an existing rule is replaced, otherwise -EEXIST.
 * OVNIC_CMD_RULE_DEL: delete the rule of (VNI, MAC); -ENOENT if none.
 * OVNIC_CMD_RULE_GET: do: the rule of (VNI, MAC); dump: all rules of the
 *	namespace, or of one VNI when OVNIC_A_RULE_VNI is given.
 *
 * Notifications on the multicast group OVNIC_MCGRP_EVENTS, sent in the
 * namespace of the VNIC's PFs (where the administrator of the host
 * listens); joining needs no privilege there:
 * OVNIC_CMD_FAILOVER: the active lower of an active-backup VNIC changed,
 *	or the set of lowers a balance VNIC uses: OVNIC_A_EV_IFINDEX,
 *	OVNIC_A_EV_IFNAME, OVNIC_A_EV_REASON, OVNIC_A_EV_LOWER (the lower
 *	whose change caused it), OVNIC_A_EV_OLD / OVNIC_A_EV_NEW (active
 *	lower before and after; absent when none), OVNIC_A_EV_FAILBACK
 *	(flag: a return to the primary).
 * OVNIC_CMD_LOWER_STATE: a lower changed state: OVNIC_A_EV_IFINDEX,
 *	OVNIC_A_EV_IFNAME, OVNIC_A_EV_LOWER, OVNIC_A_EV_STATE,
 *	OVNIC_A_EV_REASON.
 *
 * Memory pools bound the skb memory (truesize) a target holds in flight:
 * every packet a VNIC transmits, receives or holds for reassembly is
 * charged to the VNIC's pool until it is freed (transmit) or handed to the
 * stack (receive). Every VNIC has its own pool by default; shared pools,
 * made here, serve several VNICs (one tenant). Pools live in the network
 * namespace of the request (the PFs'); the sum of all pools' limits is
 * bounded by the module's cap.
 *
 * OVNIC_CMD_POOL_NEW: make a shared pool: OVNIC_A_POOL_LIMIT (required),
 *	OVNIC_A_POOL_ID (else one is allocated), OVNIC_A_POOL_HIGH,
 *	OVNIC_A_POOL_LOW, OVNIC_A_POOL_ADAPTIVE. The reply is the pool, as
 *	for OVNIC_CMD_POOL_GET.
 * OVNIC_CMD_POOL_SET: change pool OVNIC_A_POOL_ID (shared or a VNIC's
 *	own): any of OVNIC_A_POOL_LIMIT/HIGH/LOW/ADAPTIVE, live. Without
 *	OVNIC_A_POOL_ID, from the initial namespace only: OVNIC_A_POOL_CAP.
 * OVNIC_CMD_POOL_DEL: delete shared pool OVNIC_A_POOL_ID; -EBUSY while a
 *	VNIC uses it or for a VNIC's own pool. Packets still in flight keep
 *	the pool's memory until they are freed (OVNIC_A_POOL_DRAINING).
 * OVNIC_CMD_POOL_GET: do: pool OVNIC_A_POOL_ID, or without it the
 *	module-wide figures (OVNIC_A_POOL_CAP, OVNIC_A_POOL_TOTAL_LIMIT,
 *	OVNIC_A_POOL_TOTAL_CHARGED, OVNIC_A_POOL_DRAINING); dump: all pools of
 *	the namespace.
 * OVNIC_CMD_POOL_BIND: make VNIC OVNIC_A_POOL_IFINDEX (in the request's
 *	namespace) use pool OVNIC_A_POOL_ID: OVNIC_POOL_OWN, OVNIC_POOL_NONE or
 *	a shared pool of the namespace of the VNIC's PFs.
 * OVNIC_CMD_POOL_NEW, _SET and _DEL need CAP_NET_ADMIN in the initial user
 * namespace (every pool counts against the one module-wide cap);
 * OVNIC_CMD_POOL_BIND needs CAP_NET_ADMIN over the namespace of the VNIC's
 * PFs; reading pools needs no privilege.
 */
#define OVNIC_GENL_NAME		"ovnic"
#define OVNIC_GENL_VERSION	1
#define OVNIC_MCGRP_EVENTS	"events"

/**
 * enum ovnic_genl_cmd - commands of the "ovnic" generic netlink family
 * @OVNIC_CMD_UNSPEC: unused
 * @OVNIC_CMD_RULE_NEW: add (or with NLM_F_REPLACE replace) a rule
 * @OVNIC_CMD_RULE_DEL: delete a rule
 * @OVNIC_CMD_RULE_GET: get one rule, or dump rules
 * @OVNIC_CMD_FAILOVER: notification: the active lower changed
 * @OVNIC_CMD_LOWER_STATE: notification: a lower changed state
 * @OVNIC_CMD_POOL_NEW: make a shared memory pool
 * @OVNIC_CMD_POOL_DEL: delete a shared memory pool
 * @OVNIC_CMD_POOL_GET: get one pool or the module's figures, or dump pools
 * @OVNIC_CMD_POOL_SET: change a pool, or the module's cap
 * @OVNIC_CMD_POOL_BIND: choose the pool of a VNIC
 * @__OVNIC_CMD_MAX: one past the last command
 * @OVNIC_CMD_MAX: the last command
 */
enum ovnic_genl_cmd {
	OVNIC_CMD_UNSPEC,
	OVNIC_CMD_RULE_NEW,
	OVNIC_CMD_RULE_DEL,
	OVNIC_CMD_RULE_GET,
	OVNIC_CMD_FAILOVER,
	OVNIC_CMD_LOWER_STATE,
	OVNIC_CMD_POOL_NEW,
	OVNIC_CMD_POOL_DEL,
	OVNIC_CMD_POOL_GET,
	OVNIC_CMD_POOL_SET,
	OVNIC_CMD_POOL_BIND,

	__OVNIC_CMD_MAX
};

#define OVNIC_CMD_MAX (__OVNIC_CMD_MAX - 1)

/**
 * enum ovnic_genl_attr - attributes of the "ovnic" generic netlink family
 * @OVNIC_A_UNSPEC: unused
 * @OVNIC_A_RULE_VNI: u32, VNI of the rule (0 to OVNIC_VNI_MAX)
 * @OVNIC_A_RULE_MAC: 6 bytes, inner destination MAC address (unicast)
 * @OVNIC_A_RULE_REMOTE: IPv4 address (4 bytes) of the remote endpoint
 * @OVNIC_A_RULE_REMOTE6: IPv6 address (16 bytes) of the remote endpoint
 * @OVNIC_A_RULE_COUNT: u32, read-only: number of rules in the namespace
 *	(in replies to OVNIC_CMD_RULE_GET of one rule)
 * @OVNIC_A_EV_IFINDEX: u32, notifications: ifindex of the VNIC (in its
 *	own namespace)
 * @OVNIC_A_EV_IFNAME: string, notifications: name of the VNIC
 * @OVNIC_A_EV_LOWER: u32, notifications: index of the lower concerned
 * @OVNIC_A_EV_STATE: u8, notifications: enum ovnic_lower_state
 * @OVNIC_A_EV_REASON: u8, notifications: enum ovnic_reason
 * @OVNIC_A_EV_OLD: u32, notifications: active lower before
 * @OVNIC_A_EV_NEW: u32, notifications: active lower after
 * @OVNIC_A_EV_FAILBACK: flag, notifications: return to the primary
 * @OVNIC_A_EV_LOWER_IFINDEX: u32, notifications: ifindex of the lower's
 *	VF net_device (in the PF's namespace), absent once it is gone
 * @OVNIC_A_POOL_ID: u32, id of a pool, 1 to 0xfffffffe
 * @OVNIC_A_POOL_LIMIT: u32, bytes (truesize) the pool may hold in flight,
 *	at least OVNIC_POOL_MIN_LIMIT
 * @OVNIC_A_POOL_HIGH: u8, high watermark in percent of the limit (1-100):
 *	transmit queues of the pool's VNICs stop at it
 * @OVNIC_A_POOL_LOW: u8, low watermark in percent (0-99, below the high
 *	one): stopped queues are woken below it
 * @OVNIC_A_POOL_ADAPTIVE: u8, 0 or 1: adaptive effective limit
 * @OVNIC_A_POOL_EFFECTIVE: u32, read-only: limit in force now
 * @OVNIC_A_POOL_CHARGED: u64, read-only: bytes charged now
 * @OVNIC_A_POOL_PEAK: u64, read-only: highest charge seen
 * @OVNIC_A_POOL_MAX_SKB: u32, read-only: largest single charge seen
 * @OVNIC_A_POOL_HITS: u64, read-only: times a charge met the limit or the
 *	high watermark (a transmit queue stopped or a packet was dropped)
 * @OVNIC_A_POOL_STOPS: u64, read-only: transmit queue stops
 * @OVNIC_A_POOL_WAKES: u64, read-only: transmit queue wakes
 * @OVNIC_A_POOL_RX_DROPS: u64, read-only: received packets and
 *	reassembly pieces dropped for lack of room in the pool
 * @OVNIC_A_POOL_VNICS: u32, read-only: VNICs using the pool
 * @OVNIC_A_POOL_OWNER: u32, read-only: ifindex of the VNIC whose own pool
 *	this is; absent for a shared pool
 * @OVNIC_A_POOL_IFINDEX: u32, OVNIC_CMD_POOL_BIND: the VNIC
 * @OVNIC_A_POOL_CAP: u64, bytes: the module-wide bound on the sum of all
 *	pools' limits
 * @OVNIC_A_POOL_TOTAL_LIMIT: u64, read-only: sum of all pools' limits
 * @OVNIC_A_POOL_TOTAL_CHARGED: u64, read-only: bytes charged to all pools,
 *	deleted ones still draining included
 * @OVNIC_A_POOL_DRAINING: u32, read-only: deleted pools (and pools of
 *	deleted VNICs) still charged for packets in flight
 * @OVNIC_A_POOL_PAD: padding for 64-bit attributes
 * @__OVNIC_A_MAX: one past the last attribute
 * @OVNIC_A_MAX: the last attribute
 */
enum ovnic_genl_attr {
	OVNIC_A_UNSPEC,
	OVNIC_A_RULE_VNI,
	OVNIC_A_RULE_MAC,
	OVNIC_A_RULE_REMOTE,
	OVNIC_A_RULE_REMOTE6,
	OVNIC_A_RULE_COUNT,
	OVNIC_A_EV_IFINDEX,
	OVNIC_A_EV_IFNAME,
	OVNIC_A_EV_LOWER,
	OVNIC_A_EV_STATE,
	OVNIC_A_EV_REASON,
	OVNIC_A_EV_OLD,
	OVNIC_A_EV_NEW,
	OVNIC_A_EV_FAILBACK,
	OVNIC_A_EV_LOWER_IFINDEX,
	OVNIC_A_POOL_ID,
	OVNIC_A_POOL_LIMIT,
	OVNIC_A_POOL_HIGH,
	OVNIC_A_POOL_LOW,
	OVNIC_A_POOL_ADAPTIVE,
	OVNIC_A_POOL_EFFECTIVE,
	OVNIC_A_POOL_CHARGED,
	OVNIC_A_POOL_PEAK,
	OVNIC_A_POOL_MAX_SKB,
	OVNIC_A_POOL_HITS,
	OVNIC_A_POOL_STOPS,
	OVNIC_A_POOL_WAKES,
	OVNIC_A_POOL_RX_DROPS,
	OVNIC_A_POOL_VNICS,
	OVNIC_A_POOL_OWNER,
	OVNIC_A_POOL_IFINDEX,
	OVNIC_A_POOL_CAP,
	OVNIC_A_POOL_TOTAL_LIMIT,
	OVNIC_A_POOL_TOTAL_CHARGED,
	OVNIC_A_POOL_DRAINING,
	OVNIC_A_POOL_PAD,

	__OVNIC_A_MAX
};

#define OVNIC_A_MAX (__OVNIC_A_MAX - 1)

#endif /* _UAPI_LINUX_OVNIC_H */
