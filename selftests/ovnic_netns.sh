#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_netns.sh - a VNIC handed to a tenant network namespace.
#
# Topology (on top of the conventions' one):
#
#   netns tenant1        init netns (A)                     netns hvb (B)
#   vna0 (192.0.2.1) ..> pfa0vf0 -- pfa0 == wire 0 == pfb0 -- pfb0vf0 <- vnb0 (192.0.2.2)
#
# vna0 is created in the init netns on pfa0 vf 0 (with an explicit MAC and
# trust on, so that there is something to restore) and moved into the new
# netns tenant1; the PF and the VF stay in the init netns.
#
# It proves that:
# - the VNIC moves; its VF stays in the init netns and stays claimed (it
#   still has an upper; a second VNIC on it is refused);
# - "ip -d link show" and "ethtool -i" work inside tenant1 (pf printed as
#   a name or an ifindex, vf and pci right);
# - IPv4/IPv6 traffic flows between tenant1 and hvb;
# - deleting netns tenant1 deletes the VNIC and restores the VF (no upper,
#   MAC/vlan/spoofchk/trust and admin state as before), and the VF can be
#   used again.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

NS=tenant1
A4=192.0.2.1
B4=192.0.2.2
A6=2001:db8:1::1
B6=2001:db8:1::2
MAC=02:00:00:0b:00:01

ovnic_init

before=$(vf_snapshot pfa0 0)
vf_pci_addr=$(dev_pci pfa0vf0)
pf_ifindex=$(dev_ifindex pfa0)

ip netns del "$NS" 2>/dev/null
ip netns add "$NS" || { echo "# FAIL: cannot create netns $NS"; exit "$KSFT_FAIL"; }
defer ip netns del "$NS"
ip -n "$NS" link set lo up

test_move()
{
	local pf

	vnic_add vna0 pfa0 0 address $MAC trust on
	check_err $? "create vna0: $CMD_ERR"
	check_cmd ip link set dev vna0 netns "$NS"
	dev_exists vna0 "$NS" || fail "vna0 not in $NS"
	dev_exists vna0 && fail "vna0 still in the init netns"
	dev_exists pfa0vf0 || fail "pfa0vf0 left the init netns"
	dev_exists pfa0vf0 "$NS" && fail "pfa0vf0 moved to $NS"
	dev_has_master pfa0vf0 || fail "pfa0vf0 has no upper anymore"
	check_cmd_fails "VF is already used by" ip link add vnx type ovnic pf pfa0 vf 0
	vnic_del vnx
	log_test "netns: VNIC moved to $NS, VF stays in init netns and claimed"

	check_cmd ip -n "$NS" -d link show dev vna0
	check_eq "kind in $NS" "$(link_get vna0 'd[0]["linkinfo"]["info_kind"]' "$NS")" ovnic
	pf=$(ovnic_data vna0 pf "$NS")
	[ "$pf" = "$pf_ifindex" ] || [ "$pf" = pfa0 ] ||
		fail "pf seen from $NS: '$pf', expected ifindex $pf_ifindex"
	check_eq "vf seen from $NS" "$(ovnic_data vna0 vf "$NS")" 0
	check_eq "pci seen from $NS" "$(ovnic_data vna0 pci "$NS")" "$vf_pci_addr"
	check_eq "trust seen from $NS" "$(ovnic_data vna0 trust "$NS")" on
	check_eq "ethtool -i driver in $NS" \
		"$(ip netns exec "$NS" ethtool -i vna0 2>/dev/null | awk '/^driver:/ { print $2 }')" ovnic
	check_eq "MAC kept" "$(dev_mac vna0 "$NS")" $MAC
	log_test "netns: ip -d link show / ethtool -i work inside $NS"
}

test_traffic()
{
	vnic_add -n "$HVB" vnb0 pfb0 0
	check_err $? "create vnb0: $CMD_ERR"
	addr_add vna0 "$NS" $A4/24 $A6/64
	addr_add vnb0 "$HVB" $B4/24 $B6/64
	ip -n "$NS" link set dev vna0 up
	ip -n "$HVB" link set dev vnb0 up
	wait_carrier vna0 "$NS" || fail "vna0: no carrier in $NS"
	wait_carrier vnb0 "$HVB" || fail "vnb0: no carrier"
	check_ping "$NS" $B4
	check_ping "$HVB" $A4
	check_ping "$NS" $B6
	log_test "netns: traffic $NS <-> hvb (IPv4, IPv6)"
}

test_ns_delete()
{
	local after

	# no process may keep the namespace alive
	ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null
	check_cmd ip netns del "$NS"
	if wait_until 15 not dev_has_master pfa0vf0; then
		log_info "pfa0vf0 released ${WAIT_MS} ms after netns delete"
	else
		fail "pfa0vf0 still has an upper 15 s after deleting $NS"
	fi
	check_eq "VNICs in init netns" "$(ovnic_links - | tr '\n' ' ')" ""
	after=$(vf_snapshot pfa0 0)
	check_eq "VF state after netns delete" "$after" "$before"
	log_test "netns delete: VNIC deleted, VF released and restored"

	defer_scope_push
	vnic_add vna0 pfa0 0
	check_err $? "VF not reusable after netns delete: $CMD_ERR"
	defer_scope_pop
	log_test "netns delete: VF can be used again"
}

test_move
test_traffic
test_ns_delete

check_dmesg_clean
log_test "kernel log: no warning"
