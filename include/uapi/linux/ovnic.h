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
 * Objects that are not links (encapsulation rules) are managed through the
 * generic netlink family OVNIC_GENL_NAME, documented below and in
 * Documentation/netlink/specs/ovnic.yaml.
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
 *	namespace the request is made in. Required on create, cannot change.
 *	Reported as the PF's ifindex in the PF's own namespace (see
 *	IFLA_LINK_NETNSID of the VNIC).
 * @IFLA_OVNIC_VF: u32, index of the virtual function on that PF (0-based,
 *	as in "ip link set PF vf N"). Required on create, cannot change.
 * @IFLA_OVNIC_VF_VLAN: u16, port VLAN the PF inserts and strips for the VF
 *	(1-4094), 0 for none. Optional; when absent the VF's VLAN is left as
 *	it is.
 * @IFLA_OVNIC_VF_SPOOFCHK: u8, 0 or 1: source MAC/VLAN anti-spoof check of
 *	the VF. Optional.
 * @IFLA_OVNIC_VF_TRUST: u8, 0 or 1: whether the VF is trusted by its PF.
 *	Optional.
 * @IFLA_OVNIC_LOWER: u32, read-only: ifindex of the VF's net_device (the
 *	lower device), in the PF's namespace.
 * @IFLA_OVNIC_VF_PCI: string, read-only: PCI address of the VF, e.g.
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

	__IFLA_OVNIC_MAX
};

#define IFLA_OVNIC_MAX (__IFLA_OVNIC_MAX - 1)

#define OVNIC_VNI_MAX			0xffffff
#define OVNIC_DEFAULT_PORT		7475
#define OVNIC_DEFAULT_REASM_MEM		(4 << 20)
#define OVNIC_DEFAULT_REASM_FRAMES	256
#define OVNIC_DEFAULT_REASM_TIMEOUT	200

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
 */
#define OVNIC_GENL_NAME		"ovnic"
#define OVNIC_GENL_VERSION	1

/**
 * enum ovnic_genl_cmd - commands of the "ovnic" generic netlink family
 * @OVNIC_CMD_UNSPEC: unused
 * @OVNIC_CMD_RULE_NEW: add (or with NLM_F_REPLACE replace) a rule
 * @OVNIC_CMD_RULE_DEL: delete a rule
 * @OVNIC_CMD_RULE_GET: get one rule, or dump rules
 * @__OVNIC_CMD_MAX: one past the last command
 * @OVNIC_CMD_MAX: the last command
 */
enum ovnic_genl_cmd {
	OVNIC_CMD_UNSPEC,
	OVNIC_CMD_RULE_NEW,
	OVNIC_CMD_RULE_DEL,
	OVNIC_CMD_RULE_GET,

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

	__OVNIC_A_MAX
};

#define OVNIC_A_MAX (__OVNIC_A_MAX - 1)

#endif /* _UAPI_LINUX_OVNIC_H */
