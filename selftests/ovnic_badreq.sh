#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_badreq.sh - every invalid request is refused with its extack message.
#
# Topology: the conventions' one. A valid VNIC vnok holds pfa0 vf 0; the bad
# requests target pfa0 vf 1 (or vf 0 to test the claim), plus a throw-away
# veth pair, dummy, bridge, macvlan and vlan device, a throw-away netns, and
# an unbound pfa0vf1 (igbvf unbound, then bound back and renamed by
# scripts/topology.sh up).
#
# Requests the ip plugin cannot express (missing PF or VF, unknown ifindex,
# out-of-range or wrongly sized attributes, changelink with PF/VF) are sent
# as raw rtnetlink messages by ovnic_nl.py.
#
# It proves that each request fails, that its message carries the
# conventions' extack text, that no device is left behind by a failed
# request, that a failed request leaves the VF as it was (no partial
# programming, admin state unchanged), and that after all of them no VNIC is
# left, the topology is intact and a valid VNIC can still be created on the
# VF the bad requests targeted.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

POLICY_ERR='integer out of range|failed policy validation|invalid attribute length'
NOT_PF="not an SR-IOV physical function"
USED="VF is already used by"

ovnic_init

before0=$(vf_snapshot pfa0 0)
before1=$(vf_snapshot pfa0 1)
vf_mtu=$(dev_mtu pfa0vf1)
pf_ifindex=$(dev_ifindex pfa0)
log_info "pfa0 vf 1 before: $before1"

# bad DESC ERE CMD...: CMD must fail with a message matching ERE and leave
# no device "vnbad" behind.
bad()
{
	local desc=$1
	local pat=$2

	shift 2
	check_cmd_fails "$pat" "$@" && log_info "$desc: $CMD_ERR"
	if dev_exists vnbad; then
		fail "vnbad exists after the failed request"
		vnic_del vnbad
	fi
	log_test "bad request: $desc"
}

snap_nomac()
{
	local rest=${1#mac=}

	echo "${rest#* }"
}

# vf1_untouched: pfa0 vf 1 is exactly as before (catches partial programming)
vf1_untouched()
{
	check_eq "pfa0 vf 1" "$(vf_snapshot pfa0 1)" "$before1"
}

defer vnic_del vnbad

# A valid VNIC, used as "another VNIC" and as the claimer of vf 0.
vnic_add vnok pfa0 0
check_err $? "create vnok: $CMD_ERR"
log_test "setup: valid VNIC vnok on pfa0 vf 0"

# --- required attributes (raw: the plugin may refuse to build them)
bad "missing pf (raw)" "PF is required" ovnic_nl --name vnbad --vf 1
bad "missing vf (raw)" "VF index is required" ovnic_nl --name vnbad --pf-dev pfa0
bad "no IFLA_INFO_DATA at all (raw)" "PF is required|VF index is required" \
	ovnic_nl --name vnbad --no-data
bad "missing pf (ip)" "PF is required" ip link add vnbad type ovnic vf 1
bad "missing vf (ip)" "VF index is required" ip link add vnbad type ovnic pf pfa0

# --- the PF
bad "unknown pf ifindex (raw)" "PF device not found" ovnic_nl --name vnbad --pf 999999 --vf 1
bad "unknown pf name (ip)" "PF device not found" ip link add vnbad type ovnic pf nosuchpf vf 1
ip netns add tenantbad && defer ip netns del tenantbad
bad "pf ifindex of another netns (raw, from tenantbad)" "PF device not found" \
	ip netns exec tenantbad "$PYTHON" "$OVNIC_NL" --name vnbad --pf "$pf_ifindex" --vf 1
bad "pf = lo" "$NOT_PF" ip link add vnbad type ovnic pf lo vf 0

load_module veth
load_module dummy numdummies=0
load_module bridge
load_module macvlan
load_module 8021q

defer_scope_push
if ip link add vethbad0 type veth peer name vethbad1 2>/dev/null; then
	defer ip link del vethbad0
	bad "pf = veth" "$NOT_PF" ip link add vnbad type ovnic pf vethbad0 vf 0
else
	log_test_skip "bad request: pf = veth" "cannot create a veth pair"
fi
if ip link add dummybad type dummy 2>/dev/null; then
	defer ip link del dummybad
	bad "pf = dummy" "$NOT_PF" ip link add vnbad type ovnic pf dummybad vf 0
else
	log_test_skip "bad request: pf = dummy" "no dummy driver"
fi
defer_scope_pop
bad "pf = a VF (pfa0vf1)" "$NOT_PF" ip link add vnbad type ovnic pf pfa0vf1 vf 0
bad "pf = another VNIC (vnok)" "$NOT_PF" ip link add vnbad type ovnic pf vnok vf 0
vf1_untouched
log_test "after bad PFs: pfa0 vf 1 untouched"

# --- the VF index
bad "vf 2 (2 VFs)" "VF index out of range" ip link add vnbad type ovnic pf pfa0 vf 2
bad "vf 7" "VF index out of range" ip link add vnbad type ovnic pf pfa0 vf 7
bad "vf 0xffffffff (raw)" "VF index out of range" ovnic_nl --name vnbad --pf-dev pfa0 --vf 0xffffffff

# --- the VF is taken
bad "VF claimed twice" "$USED" ip link add vnbad type ovnic pf pfa0 vf 0

defer_scope_push
if ip link add brbad type bridge 2>/dev/null; then
	defer ip link del brbad
	defer ip link set dev pfa0vf1 nomaster
	if run_capture ip link set dev pfa0vf1 master brbad; then
		bad "VF is a bridge port" "$USED" ip link add vnbad type ovnic pf pfa0 vf 1
	else
		log_test_skip "bad request: VF is a bridge port" \
			"cannot enslave pfa0vf1 ($(dev_mac pfa0vf1)): $CMD_ERR"
	fi
else
	log_test_skip "bad request: VF is a bridge port" "no bridge driver"
fi
defer_scope_pop
check_fail "$(dev_has_master pfa0vf1; echo $?)" "pfa0vf1 still in the bridge"

defer_scope_push
if ip link add mvbad link pfa0vf1 type macvlan mode bridge 2>/dev/null; then
	defer ip link del mvbad
	bad "VF has a macvlan upper" "$USED" ip link add vnbad type ovnic pf pfa0 vf 1
else
	log_test_skip "bad request: VF has a macvlan upper" "no macvlan driver"
fi
defer_scope_pop

defer_scope_push
defer ip link del pfa0vf1.5
if run_capture ip link add link pfa0vf1 name pfa0vf1.5 type vlan id 5; then
	bad "VF has a vlan upper" "$USED" ip link add vnbad type ovnic pf pfa0 vf 1
else
	log_test_skip "bad request: VF has a vlan upper" "cannot add a vlan on pfa0vf1: $CMD_ERR"
fi
defer_scope_pop
vf1_untouched
log_test "after VF-in-use requests: pfa0 vf 1 untouched"

# --- MTU, and no partial programming when a late check fails
bad "mtu above the VF's MTU" "MTU exceeds the VF's MTU" \
	ip link add vnbad mtu $((vf_mtu + 100)) type ovnic pf pfa0 vf 1
bad "mtu above VF's with address/vlan/spoofchk/trust" "MTU exceeds the VF's MTU" \
	ip link add vnbad address 02:00:00:0c:00:01 mtu $((vf_mtu + 100)) type ovnic pf pfa0 vf 1 \
	vlan 5 spoofchk off trust on
vf1_untouched
log_test "failed create with settings: VF not programmed, admin state unchanged"

# --- attribute values and sizes
bad "vlan 4095 (ip)" "$POLICY_ERR" ip link add vnbad type ovnic pf pfa0 vf 1 vlan 4095
bad "vlan 4095 (raw)" "$POLICY_ERR" ovnic_nl --name vnbad --pf-dev pfa0 --vf 1 --vlan 4095
bad "spoofchk 2 (raw)" "$POLICY_ERR" ovnic_nl --name vnbad --pf-dev pfa0 --vf 1 --spoofchk 2
bad "trust 2 (raw)" "$POLICY_ERR" ovnic_nl --name vnbad --pf-dev pfa0 --vf 1 --trust 2
bad "pf as a 2-byte attribute (raw)" "$POLICY_ERR" \
	ovnic_nl --name vnbad --attr "pf=u16:$pf_ifindex" --vf 1
bad "vf as a 1-byte attribute (raw)" "$POLICY_ERR" ovnic_nl --name vnbad --pf-dev pfa0 --attr vf=u8:1
bad "vlan as a 1-byte attribute (raw)" "$POLICY_ERR" \
	ovnic_nl --name vnbad --pf-dev pfa0 --vf 1 --attr vlan=u8:5
bad "spoofchk without payload (raw)" "$POLICY_ERR" \
	ovnic_nl --name vnbad --pf-dev pfa0 --vf 1 --attr spoofchk=empty:
bad "multicast address" "invalid MAC address" \
	ip link add vnbad address 01:00:5e:00:00:01 type ovnic pf pfa0 vf 1
bad "zero address" "invalid MAC address" \
	ip link add vnbad address 00:00:00:00:00:00 type ovnic pf pfa0 vf 1
vf1_untouched
log_test "after bad attributes: pfa0 vf 1 untouched"

# --- changelink
ok_state=$(vf_snapshot pfa0 0)
bad "changelink pf (ip)" "PF and VF cannot be changed" ip link set dev vnok type ovnic pf pfa1
bad "changelink vf (ip)" "PF and VF cannot be changed" ip link set dev vnok type ovnic vf 1
bad "changelink pf (raw)" "PF and VF cannot be changed" \
	ovnic_nl --change --name vnok --pf-dev pfa1
bad "changelink vf (raw)" "PF and VF cannot be changed" ovnic_nl --change --name vnok --vf 1
bad "changelink vlan 4095 (raw)" "$POLICY_ERR" ovnic_nl --change --name vnok --vlan 4095
bad "changelink spoofchk 2 (raw)" "$POLICY_ERR" ovnic_nl --change --name vnok --spoofchk 2
mac=$(dev_mac vnok)
bad "set multicast address" "." ip link set dev vnok address 01:00:5e:00:00:01
check_eq "vnok MAC" "$(dev_mac vnok)" "$mac"
check_eq "vnok VF state" "$(vf_snapshot pfa0 0)" "$ok_state"
check_eq "vnok vf" "$(ovnic_data vnok vf)" 0
pf_now=$(ovnic_data vnok pf)
[ "$pf_now" = pfa0 ] || [ "$pf_now" = "$pf_ifindex" ] || fail "vnok pf changed: $pf_now"
log_test "after bad changelinks: vnok and its VF unchanged"

# --- a VF without network device
vf1_pci=$(pf_vf_pci pfa0 1)
if [ -n "$vf1_pci" ] && [ -e /sys/bus/pci/drivers/igbvf/unbind ]; then
	defer_scope_push
	defer wait_until 60 topology_ok
	defer topology_up
	defer sh -c "echo $vf1_pci > /sys/bus/pci/drivers/igbvf/bind"
	echo "$vf1_pci" > /sys/bus/pci/drivers/igbvf/unbind
	wait_dev_gone pfa0vf1 || fail "pfa0vf1 still there after igbvf unbind"
	bad "VF without netdev (igbvf unbound)" "VF has no network device" \
		ip link add vnbad type ovnic pf pfa0 vf 1
	defer_scope_pop
	dev_exists pfa0vf1 || fail "pfa0vf1 not back after bind + topology.sh up"
	log_test "VF bound back to igbvf"
else
	log_test_skip "bad request: VF without netdev" "no VF 1 PCI address or igbvf driver"
fi

log_test_skip "bad request: PF driver cannot set" "igb implements every ndo_set_vf_* used"

# --- nothing lost
vnic_del vnok
check_eq "VNICs in init netns" "$(ovnic_links - | tr '\n' ' ')" ""
check_eq "VNICs in hvb" "$(ovnic_links "$HVB" | tr '\n' ' ')" ""
check_err "$(topology_ok >/dev/null; echo $?)" "topology broken: $(topology_ok | tr '\n' ' ')"
check_eq "pfa0 vf 0 after all" "$(vf_snapshot pfa0 0)" "$before0"
# (igb may give a rebound VF a new random MAC: compare the rest)
check_eq "pfa0 vf 1 after all (but MAC)" "$(snap_nomac "$(vf_snapshot pfa0 1)")" "$(snap_nomac "$before1")"
log_test "after all: no VNIC left, topology intact, VFs as before"

defer_scope_push
vnic_add vngood pfa0 1
check_err $? "valid create on pfa0 vf 1 failed: $CMD_ERR"
check_eq "master of pfa0vf1" "$(dev_master pfa0vf1)" vngood
vnic_add vngood0 pfa0 0
check_err $? "valid create on pfa0 vf 0 failed: $CMD_ERR"
defer_scope_pop
log_test "after all: valid creates on pfa0 vf 0 and vf 1 still work"

check_dmesg_clean
log_test "kernel log: no warning"
