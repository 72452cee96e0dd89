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

	__IFLA_OVNIC_MAX
};

#define IFLA_OVNIC_MAX (__IFLA_OVNIC_MAX - 1)

#endif /* _UAPI_LINUX_OVNIC_H */
