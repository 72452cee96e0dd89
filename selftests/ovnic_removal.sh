#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_removal.sh - VNICs go away cleanly when what is under them goes away.
#
# Topology (on top of the conventions' one):
#
#   init netns (A)                               netns hvb (B)
#   vna0 (192.0.2.1) on pfa0 vf 0 == wire 0 ==   vnb0 (192.0.2.2) on pfb0 vf 0
#   vna1 (198.51.100.1) on pfa1 vf 0 == wire 1 == vnb1 (198.51.100.2) on pfb1 vf 0
#
# The B side (hvb) is built once; the A side VNIC is rebuilt for every case.
#
# Each case starts traffic through the VNIC (ping -f, plus iperf3 for some),
# checks that it flows, then removes something while traffic runs:
#   (a) sriov_numvfs=0 on pfa0           -> vna0 disappears
#   (b) igb unbind of pfa0 (bound back)  -> vna0 disappears
#   (c) QEMU device_del pfa1 (hot-unplug, re-added by topology.sh up)
#                                        -> vna1 disappears
#   (d) rmmod ovnic with VNICs in the init netns, in hvb and in a tenant
#       netns                            -> all VNICs gone, VFs restored,
#                                           module unloads; insmod again
#   (e) ip link del vna0                 -> VF released and restored
#
# It proves that the VNIC disappears within a bounded time, that the removal
# itself does not hang (no "waiting for ... to become free", no kernel
# warning), and, after scripts/topology.sh up, that a new VNIC can be
# created on the same VF and passes traffic (nothing left claimed).

source "$(dirname "$(readlink -f "$0")")/lib.sh"

A4=192.0.2.1
B4=192.0.2.2
A4_1=198.51.100.1
B4_1=198.51.100.2
PORT=5202
GONE_TIMEOUT=${GONE_TIMEOUT:-10}

ovnic_init
KERNEL_SPLAT="$KERNEL_SPLAT|waiting for"

proc_running()
{
	local st

	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) && [ "$st" != Z ]
}

# run_bounded SECS CMD...: run CMD, give up waiting after SECS (returns 124
# and leaves it running: a hung removal). RUN_MS is how long it took.
RUN_MS=0
run_bounded()
{
	local secs=$1
	local pid
	local t0

	shift
	t0=$(now_ms)
	"$@" &
	pid=$!
	if ! wait_until "$secs" not proc_running "$pid"; then
		RUN_MS=$(($(now_ms) - t0))
		return 124
	fi
	wait "$pid"
	local rc=$?
	RUN_MS=$(($(now_ms) - t0))
	return $rc
}

# peers: the hypervisor B side, vnb0 (wire 0) and vnb1 (wire 1) in hvb,
# kept across the cases that only remove things on side A.
peers()
{
	local ok=0

	vnic_add -n "$HVB" vnb0 pfb0 0 || { fail "create vnb0: $CMD_ERR"; ok=1; }
	vnic_add -n "$HVB" vnb1 pfb1 0 || { fail "create vnb1: $CMD_ERR"; ok=1; }
	addr_add vnb0 "$HVB" "$B4/24"
	addr_add vnb1 "$HVB" "$B4_1/24"
	ip -n "$HVB" link set dev vnb0 up
	ip -n "$HVB" link set dev vnb1 up
	wait_carrier vnb0 "$HVB" || { fail "vnb0: no carrier"; ok=1; }
	wait_carrier vnb1 "$HVB" || { fail "vnb1: no carrier"; ok=1; }
	return $ok
}

# side_a NAME PF ADDR PEER [NS] [ovnic args]: VNIC on PF vf 0 (moved to NS
# when given), addressed, up, with carrier, pinging PEER.
side_a()
{
	local na=$1
	local pf=$2
	local a=$3
	local peer=$4
	local ns=${5:-}

	shift 5
	vnic_add "$na" "$pf" 0 "$@" || { fail "create $na: $CMD_ERR"; return 1; }
	if [ -n "$ns" ]; then
		ip link set dev "$na" netns "$ns" || { fail "move $na to $ns"; return 1; }
	fi
	addr_add "$na" "$ns" "$a/24"
	ipns "$ns" link set dev "$na" up
	# Without carrier on the peers there is no traffic to wait for (the
	# setup case failed already): test the removal alone, quickly.
	[ "$NO_TRAFFIC" = 1 ] && return 0
	wait_carrier "$na" "$ns" || { fail "$na: no carrier"; return 1; }
	ping_ok "$ns" "$peer" 2 || { fail "no ping $na -> $peer before the removal"; return 1; }
}

# flood NS DST DEV: ping -f in the background, check that DEV transmits
flood()
{
	local ns=$1
	local dst=$2
	local dev=$3
	local p0
	local p1

	[ "$NO_TRAFFIC" = 1 ] && return 0
	p0=$(ethtool_stat_sum "$dev" '^tx_q[0-9]+_packets$' "$ns")
	bg_start "$ns" timeout 300 ping -f -q "$dst"
	sleep 1
	p1=$(ethtool_stat_sum "$dev" '^tx_q[0-9]+_packets$' "$ns")
	check_ge "$dev tx packets during 1 s of ping -f" $((p1 - p0)) 20
}

# reusable DESC PF ADDR PEER: after the topology is back, a new VNIC on
# PF vf 0 passes traffic (nothing was left claimed)
reusable()
{
	local desc=$1
	local pf=$2
	local a=$3
	local peer=$4

	if ! wait_until 90 topology_ok; then
		fail "topology not restored: $(topology_ok | tr '\n' ' ')"
		log_test "$desc: topology restored, VF reusable"
		return
	fi
	defer_scope_push
	side_a vnr0 "$pf" "$a" "$peer" ""
	defer_scope_pop
	log_test "$desc: topology restored, VF reusable"
}

case_numvfs()
{
	local d="(a) sriov_numvfs=0 under traffic"

	defer_scope_push
	defer topology_up
	side_a vna0 pfa0 $A4 $B4 ""
	flood "" $B4 vna0
	dmesg_mark
	run_bounded 60 sh -c 'echo 0 > /sys/class/net/pfa0/device/sriov_numvfs'
	check_err $? "sriov_numvfs=0 failed or hung (${RUN_MS} ms)"
	log_info "sriov_numvfs=0 took ${RUN_MS} ms"
	wait_dev_gone vna0 "" "$GONE_TIMEOUT" || fail "vna0 still there $GONE_TIMEOUT s after sriov_numvfs=0"
	dev_exists pfa0vf0 && fail "pfa0vf0 still there"
	check_eq "VNICs in init netns" "$(ovnic_links - | tr '\n' ' ')" ""
	check_dmesg_clean
	defer_scope_pop
	log_test "$d: vna0 gone, no hang"
	reusable "$d" pfa0 $A4 $B4
}

case_unbind()
{
	local d="(b) igb unbind of the PF under traffic"
	local pci

	pci=$(dev_pci pfa0)
	defer_scope_push
	defer topology_up
	defer sh -c "echo $pci > /sys/bus/pci/drivers/igb/bind"
	side_a vna0 pfa0 $A4 $B4 ""
	flood "" $B4 vna0
	dmesg_mark
	run_bounded 60 sh -c "echo $pci > /sys/bus/pci/drivers/igb/unbind"
	check_err $? "igb unbind of $pci failed or hung (${RUN_MS} ms)"
	log_info "unbind took ${RUN_MS} ms"
	wait_dev_gone vna0 "" "$GONE_TIMEOUT" || fail "vna0 still there $GONE_TIMEOUT s after unbind"
	dev_exists pfa0 && fail "pfa0 still there after unbind"
	check_eq "VNICs in init netns" "$(ovnic_links - | tr '\n' ' ')" ""
	check_dmesg_clean
	defer_scope_pop
	log_test "$d: vna0 gone, no hang"
	reusable "$d" pfa0 $A4 $B4
}

case_hotunplug()
{
	local d="(c) hot-unplug of the PF (device_del pfa1) under traffic"

	defer_scope_push
	defer topology_up
	side_a vna1 pfa1 $A4_1 $B4_1 ""
	flood "" $B4_1 vna1
	dmesg_mark
	qemu_monitor "device_del pfa1" >/dev/null
	# pciehp may wait 5 s after the attention button before removing
	if wait_dev_gone vna1 "" 40; then
		log_info "vna1 gone ${WAIT_MS} ms after device_del"
	else
		fail "vna1 still there 40 s after device_del pfa1"
	fi
	wait_dev_gone pfa1 "" 10 || fail "pfa1 still there"
	check_eq "VNICs in init netns" "$(ovnic_links - | tr '\n' ' ')" ""
	check_dmesg_clean
	defer_scope_pop
	log_test "$d: vna1 gone, no hang"
	reusable "$d" pfa1 $A4_1 $B4_1
}

case_rmmod()
{
	local d="(d) rmmod ovnic with VNICs in 3 netns under traffic"
	local tns=tenantrm
	local s_a0
	local s_a1
	local left
	local x

	defer_scope_push
	defer ovnic_module_load
	ip netns add $tns
	defer ip netns del $tns
	ip -n $tns link set lo up
	# vna0 with an explicit MAC, vna1 (moved to the tenant) trusted:
	# both must be restored when the module goes away
	s_a0=$(vf_snapshot pfa0 0)
	s_a1=$(vf_snapshot pfa1 0)
	side_a vna0 pfa0 $A4 $B4 "" address 02:00:00:0d:00:01
	side_a vna1 pfa1 $A4_1 $B4_1 $tns trust on
	flood "" $B4 vna0
	flood $tns $B4_1 vna1
	flood "$HVB" $A4 vnb0
	if [ "$NO_TRAFFIC" != 1 ] && iperf3_server "$HVB" $PORT; then
		bg_start "" timeout 120 iperf3 -c $B4 -p $PORT -t 60
		sleep 1
	fi
	dmesg_mark
	run_bounded 60 rmmod ovnic
	check_err $? "rmmod ovnic failed or hung (${RUN_MS} ms)"
	log_info "rmmod took ${RUN_MS} ms"
	ovnic_module_loaded && fail "module ovnic still loaded"
	left="$(ovnic_links -)$(ovnic_links "$HVB")$(ovnic_links $tns)"
	check_eq "VNICs left" "$left" ""
	for x in vna0: vnb0:"$HVB" vna1:$tns vnb1:"$HVB"; do
		dev_exists "${x%%:*}" "${x#*:}" && fail "${x%%:*} still exists"
	done
	check_eq "pfa0 vf 0" "$(vf_snapshot pfa0 0)" "$s_a0"
	check_eq "pfa1 vf 0" "$(vf_snapshot pfa1 0)" "$s_a1"
	check_eq "pfb0 vf 0" "$(vf_snapshot pfb0 0 "$HVB")" "$S_B0"
	check_eq "pfb1 vf 0" "$(vf_snapshot pfb1 0 "$HVB")" "$S_B1"
	check_dmesg_clean
	defer_scope_pop
	log_test "$d: all gone, VFs restored, module unloaded"

	ovnic_module_loaded || ovnic_module_load
	ovnic_module_loaded || fail "insmod $OVNIC_KO failed"
	peers || NO_TRAFFIC=1
	log_test "(d) insmod again, hvb peers recreated"
	reusable "$d" pfa0 $A4 $B4
	reusable "$d (tenant VF)" pfa1 $A4_1 $B4_1
}

case_dellink()
{
	local d="(e) ip link del under traffic"
	local s

	s=$(vf_snapshot pfa0 0)
	defer_scope_push
	side_a vna0 pfa0 $A4 $B4 "" address 02:00:00:0e:00:01 vlan 0 trust on
	flood "" $B4 vna0
	if [ "$NO_TRAFFIC" != 1 ] && iperf3_server "$HVB" $PORT; then
		bg_start "" timeout 120 iperf3 -c $B4 -p $PORT -t 60
		sleep 1
	fi
	dmesg_mark
	run_bounded 30 ip link del dev vna0
	check_err $? "ip link del vna0 failed or hung (${RUN_MS} ms)"
	log_info "ip link del took ${RUN_MS} ms"
	dev_exists vna0 && fail "vna0 still there"
	check_eq "pfa0 vf 0" "$(vf_snapshot pfa0 0)" "$s"
	check_dmesg_clean
	defer_scope_pop
	log_test "$d: VF released and restored"
	reusable "$d" pfa0 $A4 $B4
}

NO_TRAFFIC=0
S_B0=$(vf_snapshot pfb0 0 "$HVB")
S_B1=$(vf_snapshot pfb1 0 "$HVB")
if ! peers; then
	fail "no traffic possible: the removals below run without traffic"
	NO_TRAFFIC=1
fi
log_test "setup: hvb peers vnb0 (wire 0) and vnb1 (wire 1) with carrier"
case_numvfs
case_unbind
case_hotunplug
case_rmmod
case_dellink
