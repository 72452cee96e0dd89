#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_failover.sh - active-backup VNICs over two PNICs fail over, and back,
# with traffic running.
#
# Topology (on top of the conventions' one; the switch is up for the whole
# test, so both wires are one L2 domain):
#
#   hypervisor A (init netns)                     netns sw
#   vn0 (192.0.2.1, MAC 02:00:5e:00:4f:01)        br0 192.0.2.254 (peer)
#    |- lower 0: pfa0vf0 -- pfa0 == wire 0 == sw0 -.
#    `- lower 1: pfa1vf0 -- pfa1 == wire 1 == sw1 -'-- br0
#
#   overlay case: vn0 = overlay VNIC (VNI 100, VTEP 192.0.2.1, tenant
#   198.51.100.1) over pfa0vf0 + pfa1vf0; peer vnb0 in netns hvb on pfb0vf0
#   (wire 0; VTEP 192.0.2.2, tenant 198.51.100.2). Lower 1 reaches it
#   through the switch.
#
# PF carrier is cut and restored with the QEMU monitor (set_link wa0/wa1),
# PFs hot-unplugged with device_del, VFs removed with sriov_numvfs=0. Every
# scenario runs with UDP sequence streams both ways (selftests/ovnic_udpseq,
# ping at the same rate when it is not built) and proves that:
# - a PF carrier cut moves the active lower to the backup (reason pf-link in
#   "ip -d -j link show", ethtool failovers +1, genl events from
#   tools/ovnic/ovnic-events), traffic resumes both ways on the new lower
#   (per-lower ethtool counters) with bounded loss, and the primary takes
#   over again when its link is back (failback always) or not (never);
# - a hot-unplugged PF or a removed VF makes its lower "gone" while the VNIC
#   lives on the other lower; removing the last lower's VF deletes the VNIC;
# - with both PNICs down the VNIC loses carrier (tx_drop_no_lower counts what
#   the stack still sends), and regains it on the one that comes back;
# - 10 flaps in 5 s end in a sane state (primary active) with a bounded
#   number of failovers;
# - downdelay hides a short flap, updelay keeps the primary out until it
#   expires (seeing the short-lived down-pending/up-pending states is an
#   expected failure on a slow machine, lib.sh fail_timing; the delays
#   themselves are checked everywhere);
# - mode, primary and hash changes under traffic lose little;
# - invalid configurations are refused with their extack message;
# - an overlay VNIC's failover announces the VTEP from the new lower: the
#   peer's neighbour entry for it moves to that VF's MAC, traffic resumes;
# - nothing appears in the kernel log.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

VMAC=02:00:5e:00:4f:01
V4=192.0.2.1
P4=192.0.2.254
OV_L4_A=192.0.2.1
OV_L4_B=192.0.2.2
OV_T4_A=198.51.100.1
OV_T4_B=198.51.100.2
VNI=100
# Stream rate, and the datagrams one failover (or failback) may cost: 200
# ms of a stream at 1000 per second. The debug kernel (KASAN, lockdep...)
# sends ~250 per second per stream under TCG, and a VF removal or a PF
# unplug there cost the streams 0.3-0.9 s: on a slow machine streams are
# offered 200 per second, so the same budget is 1 s of them.
if on_slow_machine; then
	PPS=${PPS:-200}
else
	PPS=${PPS:-1000}
fi
LOSS_MAX=${LOSS_MAX:-200}
# Seconds to wait for a failover to show (events are immediate; TCG is slow)
FO_TIMEOUT=${FO_TIMEOUT:-5}
DOWNDELAY=${DOWNDELAY:-2000}
CASES=${CASES:-"cut never unplug vf_backup vf_active both_down flaps delays config badreq overlay"}

ovnic_init
load_module bridge

if ! sw_up "$P4/24"; then
	echo "# SKIP: the switch (netns sw: sw0, sw1) cannot be brought up"
	exit "$KSFT_SKIP"
fi
udpseq_ok || log_info "note: $UDPSEQ not built, flows are pings at $PPS/s (loss counts both ways)"
events_ok || log_info "note: $OVNIC_EVENTS missing, genl event assertions skipped"

summary()
{
	vnic_lowers_summary vn0
}

lowers_all_up()
{
	vnic_lower_state_is "$1" 0 up "$2" && vnic_lower_state_is "$1" 1 up "$2"
}

# restore_all: the conventions' topology (PFs, VFs) and the switch again
# (scripts/topology.sh up separates the wires).
restore_all()
{
	topology_restore || fail "topology not restored: $(topology_ok | tr '\n' ' ')"
	sw_bridge_up "$P4/24" || fail "switch not up again"
}

vn_cleanup()
{
	ip link del dev vn0 >/dev/null 2>&1
	wait_until 10 not dev_has_master pfa0vf0
	wait_until 10 not dev_has_master pfa1vf0
	ip -n "$SW_NS" neigh flush dev br0 >/dev/null 2>&1
	return 0
}

# ab_setup [OVNIC ARGS]: plain vn0 over pfa0 vf 0 + pfa1 vf 0, address V4,
# up, both lowers up, the peer answers. Defers its deletion and the PF links'
# restoration.
ab_setup()
{
	defer vn_cleanup
	defer pf_link wa1 on
	defer pf_link wa0 on
	if ! run_capture ip link add vn0 address $VMAC type ovnic pf pfa0 vf 0 pf pfa1 vf 0 "$@"; then
		fail "ip link add vn0 ... $*: $CMD_ERR"
		return 1
	fi
	# Tell the switch at once when the active lower changes.
	sysctl -qw net.ipv4.conf.vn0.arp_notify=1 net.ipv6.conf.vn0.accept_dad=0 \
		net.ipv6.conf.vn0.ndisc_notify=1 >/dev/null 2>&1
	addr_add vn0 - "$V4/24"
	ip link set dev vn0 up
	if ! wait_carrier vn0; then
		fail "vn0: no carrier ($(summary))"
		return 1
	fi
	if ! wait_until 20 lowers_all_up vn0; then
		fail "vn0: lowers not both up: $(summary)"
		return 1
	fi
	if ! ping_ok - $P4; then
		fail "vn0: no ping to the peer $P4 behind the switch"
		return 1
	fi
	return 0
}

# flows_both: UDP streams vn0 -> peer (fwd) and peer -> vn0 (rev)
flows_both()
{
	flow_start fwd - $P4 "$SW_NS" 9001 "$PPS"
	flow_start rev "$SW_NS" $V4 - 9002 "$PPS"
}

# check_moves S0 S1 FROM TO WHAT: between snapshots S0 and S1, lower TO
# transmitted and received the streams, lower FROM nothing (or almost).
check_moves()
{
	local -n __cm0=$1
	local -n __cm1=$2
	local from=$3
	local to=$4
	local secs=$5
	local min=$((PPS * secs / 2))
	local txf txt rxf rxt

	txf=$(ovl_delta __cm0 __cm1 "lower${from}_tx_packets")
	txt=$(ovl_delta __cm0 __cm1 "lower${to}_tx_packets")
	rxf=$(ovl_delta __cm0 __cm1 "lower${from}_rx_packets")
	rxt=$(ovl_delta __cm0 __cm1 "lower${to}_rx_packets")
	log_info "in ${secs}s: lower$to tx +$txt rx +$rxt, lower$from tx +$txf rx +$rxf"
	check_ge "lower${to}_tx_packets delta" "$txt" "$min"
	check_ge "lower${to}_rx_packets delta" "$rxt" "$min"
	if [ "$txf" = missing ] || [ "$txf" -gt 5 ]; then
		fail "lower$from still transmits: lower${from}_tx_packets +$txf"
	fi
}

check_ping_both()
{
	check_ping "$SW_NS" $V4
	check_ping - $P4
}

##############################################################################

test_cut()
{
	local desc="PF carrier cut: active 0 -> 1 (pf-link), traffic both ways, failback always"
	# shellcheck disable=SC2034 # used through namerefs
	local -A e0 e1 e2 e3 e4 e5
	local d

	defer_scope_push
	if ! ab_setup mode active-backup primary 0 failback always; then
		log_test "$desc"
		defer_scope_pop
		return
	fi
	check_eq "active lower" "$(vnic_active vn0)" 0
	check_eq "lower 1 active" "$(vnic_lower_get vn0 1 active)" false
	check_eq "lower 1 state" "$(vnic_lower_get vn0 1 state)" up
	events_ok && { events_start - || fail "ovnic-events never printed 'ready'"; }
	ovl_snap e0 vn0
	flows_both
	sleep 2
	ovl_snap e1 vn0
	check_moves e0 e1 1 0 1
	pf_link wa0 off
	if ! wait_until "$FO_TIMEOUT" vnic_active_is vn0 1; then
		fail "active did not move to lower 1: $(summary)"
	fi
	log_info "failover visible after $WAIT_MS ms: $(summary)"
	check_eq "last_reason" "$(ovnic_data vn0 last_reason)" pf-link
	check_eq "lower 0 state" "$(vnic_lower_get vn0 0 state)" down
	check_eq "lower 0 reason" "$(vnic_lower_get vn0 0 reason)" pf-link
	check_eq "lower 1 active" "$(vnic_lower_get vn0 1 active)" true
	check_eq "vn0 carrier during the cut" "$(dev_sysfs vn0 - carrier)" 1
	sleep 2
	ovl_snap e2 vn0
	sleep 2
	ovl_snap e3 vn0
	check_moves e2 e3 0 1 2
	check_ping_both
	d=$(ovl_delta e0 e3 failovers)
	check_eq "ethtool failovers delta after the cut" "$d" 1
	check_eq "JSON failovers" "$(ovnic_data vn0 failovers)" 1
	if events_ok; then
		events_has "^failover vn0 ifindex [0-9]+ lower 0 old 0 new 1 reason pf-link" ||
			fail "no 'failover vn0 ... lower 0 old 0 new 1 reason pf-link' event: $(tr '\n' '|' <"$EVENTS_FILE")"
		events_has "^lower vn0 ifindex [0-9]+ lower 0 state down reason pf-link" ||
			fail "no 'lower vn0 ... lower 0 state down reason pf-link' event: $(tr '\n' '|' <"$EVENTS_FILE")"
	fi
	pf_link wa0 on
	if ! wait_until 15 vnic_active_is vn0 0; then
		fail "no failback to lower 0: $(summary)"
	fi
	log_info "failback visible after $WAIT_MS ms: $(summary)"
	check_eq "last_reason after failback" "$(ovnic_data vn0 last_reason)" failback
	sleep 2
	ovl_snap e4 vn0
	sleep 2
	ovl_snap e5 vn0
	check_moves e4 e5 1 0 2
	d=$(ovl_delta e0 e5 failbacks)
	check_eq "ethtool failbacks delta" "$d" 1
	if events_ok; then
		events_has "^failback vn0 ifindex [0-9]+ lower 0 old 1 new 0" ||
			fail "no 'failback vn0 ... old 1 new 0' event: $(tr '\n' '|' <"$EVENTS_FILE")"
		events_stop
	fi
	check_flow fwd $((2 * LOSS_MAX)) $((PPS * 4))
	check_flow rev $((2 * LOSS_MAX)) $((PPS * 4))
	check_dmesg_clean
	log_test "$desc"
	defer_scope_pop
}

test_never()
{
	local desc="PF carrier cut with failback never: stays on lower 1 when 0 is back"

	defer_scope_push
	if ! ab_setup failback never; then
		log_test "$desc"
		defer_scope_pop
		return
	fi
	check_eq "JSON failback" "$(ovnic_data vn0 failback)" never
	flows_both
	sleep 1
	pf_link wa0 off
	wait_until "$FO_TIMEOUT" vnic_active_is vn0 1 || fail "active did not move to lower 1: $(summary)"
	sleep 1
	pf_link wa0 on
	wait_until 15 vnic_lower_state_is vn0 0 up || fail "lower 0 not up again: $(summary)"
	sleep 2
	check_eq "active lower 2 s after lower 0 is back" "$(vnic_active vn0)" 1
	check_eq "lower 0 active" "$(vnic_lower_get vn0 0 active)" false
	check_ping_both
	check_flow fwd "$LOSS_MAX"
	check_flow rev "$LOSS_MAX"
	check_dmesg_clean
	log_test "$desc"
	defer_scope_pop
}

test_unplug()
{
	local desc="PF hot-unplug (device_del pfa0): lower 0 gone, VNIC lives on lower 1"
	# shellcheck disable=SC2034
	local -A e0 e1

	defer_scope_push
	defer restore_all
	if ! ab_setup; then
		log_test "$desc"
		defer_scope_pop
		return
	fi
	flows_both
	sleep 1
	qemu_monitor "device_del pfa0" || fail "device_del pfa0 refused"
	if ! wait_until 30 vnic_lower_state_is vn0 0 gone; then
		fail "lower 0 not gone: $(summary)"
	else
		log_info "lower 0 gone after $WAIT_MS ms: $(summary)"
	fi
	dev_exists vn0 || fail "vn0 disappeared with one lower left"
	check_eq "active lower" "$(vnic_active vn0)" 1
	# the PF's driver removes its VFs first: either reason tells the truth
	[[ "$(vnic_lower_get vn0 0 reason)" =~ ^(pf-gone|vf-gone)$ ]] ||
		fail "lower 0 reason: got '$(vnic_lower_get vn0 0 reason)', expected pf-gone or vf-gone"
	sleep 2
	ovl_snap e0 vn0
	sleep 2
	ovl_snap e1 vn0
	check_moves e0 e1 0 1 2
	check_ping_both
	check_flow fwd "$LOSS_MAX"
	check_flow rev "$LOSS_MAX"
	vn_cleanup
	restore_all
	check_dmesg_clean
	log_test "$desc"
	defer_scope_pop
}

# numvfs_zero PF: remove PF's VFs (bounded)
numvfs_zero()
{
	timeout 60 sh -c "echo 0 >/sys/class/net/$1/device/sriov_numvfs"
}

test_vf_backup()
{
	local desc="VF removal: backup lower 1 gone (vf-gone), then last lower deletes vn0"

	defer_scope_push
	defer restore_all
	if ! ab_setup primary 0; then
		log_test "$desc"
		defer_scope_pop
		return
	fi
	flows_both
	sleep 1
	numvfs_zero pfa1 || fail "sriov_numvfs=0 on pfa1 failed or hung"
	wait_until 10 vnic_lower_state_is vn0 1 gone || fail "lower 1 not gone: $(summary)"
	dev_exists vn0 || fail "vn0 disappeared with one lower left"
	check_eq "lower 1 reason" "$(vnic_lower_get vn0 1 reason)" vf-gone
	check_eq "active lower" "$(vnic_active vn0)" 0
	sleep 1
	check_ping_both
	check_flow fwd "$LOSS_MAX"
	check_flow rev "$LOSS_MAX"
	numvfs_zero pfa0 || fail "sriov_numvfs=0 on pfa0 failed or hung"
	wait_dev_gone vn0 "" 10 || fail "vn0 still exists after its last lower went away"
	restore_all
	check_dmesg_clean
	log_test "$desc"
	defer_scope_pop
}

test_vf_active()
{
	local desc="VF removal of the active lower (primary 1): fails over to lower 0"
	# shellcheck disable=SC2034
	local -A e0 e1

	defer_scope_push
	defer restore_all
	if ! ab_setup primary 1; then
		log_test "$desc"
		defer_scope_pop
		return
	fi
	wait_until 5 vnic_active_is vn0 1 || fail "primary 1 is not active: $(summary)"
	# the switch learns the move from vn0's own stream
	flows_both
	sleep 2
	numvfs_zero pfa1 || fail "sriov_numvfs=0 on pfa1 failed or hung"
	wait_until 10 vnic_lower_state_is vn0 1 gone || fail "lower 1 not gone: $(summary)"
	dev_exists vn0 || fail "vn0 disappeared with one lower left"
	check_eq "active lower" "$(vnic_active vn0)" 0
	check_eq "lower 1 reason" "$(vnic_lower_get vn0 1 reason)" vf-gone
	# unregistering closes the VF first; that close already counts as gone
	check_eq "last_reason" "$(ovnic_data vn0 last_reason)" vf-gone
	sleep 1
	ovl_snap e0 vn0
	sleep 2
	ovl_snap e1 vn0
	check_moves e0 e1 1 0 2
	check_ping_both
	check_flow fwd "$LOSS_MAX"
	check_flow rev "$LOSS_MAX"
	vn_cleanup
	restore_all
	check_dmesg_clean
	log_test "$desc"
	defer_scope_pop
}

test_both_down()
{
	local desc="both PNICs down: no carrier, tx drops counted; one back: carrier, it is active"
	# shellcheck disable=SC2034
	local -A e0 e1
	local d
	local qd0
	local qd1

	defer_scope_push
	if ! ab_setup; then
		log_test "$desc"
		defer_scope_pop
		return
	fi
	ovl_snap e0 vn0
	qd0=$(link_stat vn0 tx dropped)
	# fast enough that some datagrams reach vn0 before the stack stops
	# sending on a carrier-less device
	flow_start fwd - $P4 "$SW_NS" 9001 $((PPS * 4))
	sleep 1
	pf_link wa0 off
	pf_link wa1 off
	wait_no_carrier vn0 "" 10 || fail "vn0 keeps its carrier with both PFs down: $(summary)"
	check_eq "active lower with both down" "$(vnic_active vn0)" none
	check_eq "lower 0 state" "$(vnic_lower_get vn0 0 state)" down
	check_eq "lower 1 state" "$(vnic_lower_get vn0 1 state)" down
	sleep 1
	ovl_snap e1 vn0
	qd1=$(link_stat vn0 tx dropped)
	d=$(ovl_delta e0 e1 tx_drop_no_lower)
	# ovnic counts what reaches it without a usable lower; once the
	# carrier is off (at once: vn0 has an iflink, its link event is
	# urgent) the stack's noop qdisc drops instead (tx_dropped)
	log_info "with both PFs down: tx_drop_no_lower +$d, vn0 tx_dropped +$((qd1 - qd0))"
	check_ge "tx_drop_no_lower + tx_dropped delta" $((d + qd1 - qd0)) 1
	pf_link wa1 on
	wait_carrier vn0 "" 15 || fail "vn0: no carrier with pfa1 back: $(summary)"
	check_eq "active lower with pfa1 back" "$(vnic_active vn0)" 1
	check_ping_both
	flow_stop fwd
	pf_link wa0 on
	wait_until 15 vnic_active_is vn0 0 || fail "no failback to lower 0: $(summary)"
	check_ping_both
	check_dmesg_clean
	log_test "$desc"
	defer_scope_pop
}

test_flaps()
{
	local desc="10 flaps of pfa0 in 5 s: primary active at the end, failovers bounded"
	# shellcheck disable=SC2034
	local -A e0 e1
	local cmds=()
	local d
	local i

	defer_scope_push
	if ! ab_setup; then
		log_test "$desc"
		defer_scope_pop
		return
	fi
	ovl_snap e0 vn0
	flows_both
	sleep 1
	for ((i = 0; i < 10; i++)); do
		cmds+=("set_link wa0 off" "set_link wa0 on")
	done
	monitor_burst 0.25 "${cmds[@]}" || fail "monitor burst failed"
	pf_link wa0 on
	wait_until 15 vnic_lower_state_is vn0 0 up || fail "lower 0 not up after the flaps: $(summary)"
	wait_until 10 vnic_active_is vn0 0 || fail "primary not active after the flaps: $(summary)"
	sleep 2
	ovl_snap e1 vn0
	d=$(ovl_delta e0 e1 failovers)
	log_info "after 10 flaps: failovers +$d failbacks +$(ovl_delta e0 e1 failbacks): $(summary)"
	check_ge "failovers delta" "$d" 1
	if [ "$d" = missing ] || [ "$d" -gt 22 ]; then
		fail "failovers delta $d > 22 for 10 flaps"
	fi
	check_eq "lower 1 state" "$(vnic_lower_get vn0 1 state)" up
	check_ping_both
	check_flow fwd $((5 * LOSS_MAX))
	check_flow rev $((5 * LOSS_MAX))
	check_dmesg_clean
	log_test "$desc"
	defer_scope_pop
}

# sample_states FILE SECS: "ms pfa0-carrier active lower0-state" lines into
# FILE for SECS seconds (text output of ip -d: faster than JSON under TCG)
sample_states()
{
	local end=$(($(now_ms) + $2 * 1000))
	local c

	: >"$1"
	while [ "$(now_ms)" -lt "$end" ]; do
		c=$(cat /sys/class/net/pfa0/carrier 2>/dev/null)
		ip -d link show dev vn0 2>/dev/null | awk -v t="$(now_ms)" -v c="${c:-x}" '
			/failovers/ { for (i = 1; i < NF; i++) if ($i == "active") a = $(i + 1) }
			$1 == "lower" && $2 == "0" { for (i = 1; i < NF; i++) if ($i == "state") st = $(i + 1) }
			END { print t, c, (a == "" ? "none" : a), st }' >>"$1"
	done
}

test_delays()
{
	local desc="downdelay $DOWNDELAY hides a 500 ms flap; updelay 3000 keeps the primary out"
	# shellcheck disable=SC2034
	local -A e0 e1
	local f
	local t0
	local el
	local mb
	local down_ms

	defer_scope_push
	if ! ab_setup downdelay "$DOWNDELAY"; then
		log_test "$desc"
		defer_scope_pop
		return
	fi
	check_eq "JSON downdelay" "$(ovnic_data vn0 downdelay)" "$DOWNDELAY"
	__flow_dir
	f=$FLOW_DIR/states
	flows_both
	sleep 1
	ovl_snap e0 vn0
	monitor_burst 0.5 "set_link wa0 off" "set_link wa0 on" &
	mb=$!
	sample_states "$f" 3
	wait "$mb"
	wait_until 10 vnic_lower_state_is vn0 0 up || fail "lower 0 not up after the flap: $(summary)"
	sleep 1
	ovl_snap e1 vn0
	# how long pfa0 had no carrier, as the guest saw it
	down_ms=$(awk '$2 == 0 { if (!s) s = $1; e = $1 } END { print (s ? e - s : 0) }' "$f")
	log_info "500 ms flap: pfa0 without carrier for ~$down_ms ms; samples (active state):" \
		"$(awk '{ print $3, $4 }' "$f" | uniq -c | tr '\n' ' ' | tr -s ' ')"
	grep -q "down-pending" "$f" || fail_timing "lower 0 never seen down-pending during the flap"
	if [ "$down_ms" -lt $((DOWNDELAY - 300)) ]; then
		awk '$3 != 0 { bad = 1 } END { exit !bad }' "$f" &&
			fail "the active lower changed during a flap shorter than downdelay"
		check_eq "failovers delta (flap < downdelay)" "$(ovl_delta e0 e1 failovers)" 0
		check_eq "active lower" "$(vnic_active vn0)" 0
	else
		log_info "note: pfa0's carrier stayed down $down_ms ms (>= downdelay - 300): no assertion on the flap"
	fi
	# lower 0 kept carrying the streams through the flap: they lost about
	# the flap (PF without carrier), nothing more
	check_flow fwd $(((down_ms + 500) * PPS / 1000 + LOSS_MAX))
	check_flow rev $(((down_ms + 500) * PPS / 1000 + LOSS_MAX))
	# a real outage fails over, but only after downdelay
	flows_both
	sleep 1
	t0=$(now_ms)
	pf_link wa0 off
	wait_until 10 vnic_active_is vn0 1 || fail "no failover after downdelay: $(summary)"
	el=$(($(now_ms) - t0))
	log_info "failover with downdelay $DOWNDELAY after $el ms"
	[ "$el" -ge $((DOWNDELAY - 100)) ] || fail "failed over after $el ms, before downdelay $DOWNDELAY"
	check_cmd ip link set dev vn0 type ovnic downdelay 0 updelay 3000
	check_eq "JSON updelay" "$(ovnic_data vn0 updelay)" 3000
	t0=$(now_ms)
	pf_link wa0 on
	wait_until 5 vnic_lower_state_is vn0 0 up-pending || fail_timing "lower 0 never up-pending: $(summary)"
	sleep 1
	el=$(($(now_ms) - t0))
	if [ "$el" -lt 2800 ]; then
		check_eq "active lower ${el} ms after pfa0's link came back (updelay 3000)" "$(vnic_active vn0)" 1
	fi
	wait_until 15 vnic_active_is vn0 0 || fail "no failback after updelay: $(summary)"
	el=$(($(now_ms) - t0))
	log_info "failback with updelay 3000 after $el ms"
	[ "$el" -ge 2900 ] || fail "failed back after $el ms, before updelay 3000"
	check_ping_both
	# the downdelay outage itself is lost (the dead lower was still used)
	check_flow fwd $(((DOWNDELAY + 2000) * PPS / 1000 + 2 * LOSS_MAX))
	check_flow rev $(((DOWNDELAY + 2000) * PPS / 1000 + 2 * LOSS_MAX))
	check_dmesg_clean
	log_test "$desc"
	defer_scope_pop
}

test_config()
{
	local desc="mode/primary/hash changes under traffic: bounded loss"
	local c

	defer_scope_push
	if ! ab_setup; then
		log_test "$desc"
		defer_scope_pop
		return
	fi
	flows_both
	sleep 1
	for c in "mode balance" "hash l2" "hash inner" "hash l34" "mode active-backup" \
		 "primary 1" "mode balance" "primary 0" "mode active-backup"; do
		# shellcheck disable=SC2086
		check_cmd ip link set dev vn0 type ovnic $c
		sleep 1
		case $c in
		"primary 1")
			wait_until 5 vnic_active_is vn0 1 || fail "primary 1 not active: $(summary)"
			check_eq "last_reason after primary 1" "$(ovnic_data vn0 last_reason)" config
			;;
		"mode balance")
			check_eq "JSON mode" "$(ovnic_data vn0 mode)" balance
			check_eq "lower 0 active in balance" "$(vnic_lower_get vn0 0 active)" true
			check_eq "lower 1 active in balance" "$(vnic_lower_get vn0 1 active)" true
			;;
		esac
	done
	wait_until 5 vnic_active_is vn0 0 || fail "primary 0 not active at the end: $(summary)"
	check_eq "JSON mode" "$(ovnic_data vn0 mode)" active-backup
	check_eq "JSON hash" "$(ovnic_data vn0 hash)" l34
	check_eq "JSON primary" "$(ovnic_data vn0 primary)" 0
	sleep 1
	check_ping_both
	check_flow fwd $((3 * LOSS_MAX))
	check_flow rev $((3 * LOSS_MAX))
	check_dmesg_clean
	log_test "$desc"
	defer_scope_pop
}

test_badreq()
{
	local desc
	local idx

	defer_scope_push
	defer ip link del dev vnx
	check_cmd_fails "primary is not a lower of this VNIC" \
		ip link add vnx type ovnic pf pfa0 vf 1 pf pfa1 vf 1 primary 2
	dev_gone vnx || fail "vnx created anyway"
	log_test "bad input: primary 2 of 2 lowers refused (create)"

	check_cmd_fails "each lower must be on a different PF" \
		ip link add vnx type ovnic pf pfa0 vf 0 pf pfa0 vf 1
	dev_gone vnx || fail "vnx created anyway"
	log_test "bad input: two lowers on the same PF refused"

	check_cmd_fails "too many lowers" \
		ip link add vnx type ovnic pf pfa0 vf 0 pf pfa1 vf 0 pf pfa0 vf 1 pf pfa1 vf 1 pf pfa0 vf 0
	dev_gone vnx || fail "vnx created anyway"
	log_test "bad input: 5 lowers refused"

	desc="bad input: changelink primary 3, mode 7 (raw netlink) refused, config kept"
	if check_cmd ip link add vnx type ovnic pf pfa0 vf 1 pf pfa1 vf 1 primary 1; then
		check_cmd_fails "primary is not a lower of this VNIC" \
			ip link set dev vnx type ovnic primary 3
		check_eq "primary after a refused change" "$(ovnic_data vnx primary)" 1
		idx=$(dev_ifindex pfa0)
		check_cmd_fails "out of range|mode|invalid|Invalid" \
			ovnic_nl --change --name vnx --attr 18=u8:7
		check_eq "mode after a refused change" "$(ovnic_data vnx mode)" active-backup
		check_cmd_fails "out of range|mode|invalid|Invalid" \
			ovnic_nl --name vnx2 --pf "$idx" --vf 0 --attr 18=u8:9
		dev_gone vnx2 || { fail "vnx2 created with mode 9"; ip link del dev vnx2; }
		ip link del dev vnx
	fi
	check_dmesg_clean
	log_test "$desc"
	defer_scope_pop
}

ovl_cleanup()
{
	ip link del dev vn0 >/dev/null 2>&1
	ip -n "$HVB" link del dev vnb0 >/dev/null 2>&1
	wait_until 10 not dev_has_master pfa0vf0
	wait_until 10 not dev_has_master pfa1vf0
	wait_until 10 not dev_has_master pfb0vf0 "$HVB"
}

# peer_neigh_mac: MAC hvb's pfb0vf0 neighbour table has for A's VTEP
peer_neigh_mac()
{
	ip -n "$HVB" neigh show "$OV_L4_A" dev pfb0vf0 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'
}

peer_neigh_is()
{
	[ "$(peer_neigh_mac)" = "$1" ]
}

test_overlay()
{
	local desc="overlay active-backup: failover announces the VTEP (peer neighbour moves), traffic resumes"
	# shellcheck disable=SC2034
	local -A e0 e1
	local mac0
	local mac1

	defer_scope_push
	defer ovl_cleanup
	defer pf_link wa0 on
	mac0=$(dev_mac pfa0vf0)
	mac1=$(dev_mac pfa1vf0)
	if ! run_capture ip -n "$HVB" link add vnb0 type ovnic pf pfb0 vf 0 vni $VNI \
		local $OV_L4_B remote $OV_L4_A; then
		fail "create vnb0: $CMD_ERR"
	elif ! run_capture ip link add vn0 type ovnic pf pfa0 vf 0 pf pfa1 vf 0 vni $VNI \
		local $OV_L4_A remote $OV_L4_B mode active-backup; then
		fail "create overlay vn0 over 2 lowers: $CMD_ERR"
	else
		sysctl -qw net.ipv6.conf.vn0.accept_dad=0 >/dev/null 2>&1
		addr_add vn0 - "$OV_T4_A/24"
		addr_add vnb0 "$HVB" "$OV_T4_B/24"
		ip link set dev vn0 up
		ip -n "$HVB" link set dev vnb0 up
		wait_carrier vn0 || fail "vn0: no carrier"
		wait_carrier vnb0 "$HVB" || fail "vnb0: no carrier"
		wait_until 20 lowers_all_up vn0 || fail "vn0: lowers not both up: $(summary)"
	fi
	if [ "$RET" -ne 0 ]; then
		log_test "$desc"
		defer_scope_pop
		return
	fi
	ovl_ping - $OV_T4_B || fail "overlay ping A -> B fails before the cut"
	ovl_ping "$HVB" $OV_T4_A || fail "overlay ping B -> A fails before the cut"
	check_eq "peer's neighbour for VTEP $OV_L4_A (pfa0vf0's MAC)" "$(peer_neigh_mac)" "$mac0"
	flow_start fwd - $OV_T4_B "$HVB" 9003 "$PPS"
	flow_start rev "$HVB" $OV_T4_A - 9004 "$PPS"
	sleep 2
	pf_link wa0 off
	wait_until "$FO_TIMEOUT" vnic_active_is vn0 1 || fail "active did not move to lower 1: $(summary)"
	if wait_until 5 peer_neigh_is "$mac1"; then
		log_info "peer neighbour moved to pfa1vf0's MAC after $WAIT_MS ms"
	else
		fail "peer's neighbour for $OV_L4_A is '$(peer_neigh_mac)', not pfa1vf0's $mac1"
	fi
	sleep 1
	ovl_snap e0 vn0
	sleep 2
	ovl_snap e1 vn0
	check_moves e0 e1 0 1 2
	ovl_ping - $OV_T4_B || fail "overlay ping A -> B fails after the failover"
	ovl_ping "$HVB" $OV_T4_A || fail "overlay ping B -> A fails after the failover"
	pf_link wa0 on
	wait_until 15 vnic_active_is vn0 0 || fail "no failback to lower 0: $(summary)"
	wait_until 5 peer_neigh_is "$mac0" ||
		fail "peer's neighbour for $OV_L4_A is '$(peer_neigh_mac)' after failback, not $mac0"
	sleep 2
	check_flow fwd $((2 * LOSS_MAX)) "$PPS"
	check_flow rev $((2 * LOSS_MAX)) "$PPS"
	check_dmesg_clean
	log_test "$desc"
	defer_scope_pop
}

for c in $CASES; do
	t=$SECONDS
	"test_$c"
	log_info "(test_$c: $((SECONDS - t)) s)"
done
check_dmesg_clean
log_test "kernel log clean"
