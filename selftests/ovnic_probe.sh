#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_probe.sh - overlay path probing: a lower whose link is up but whose
# path is dead stops carrying traffic, in a dual-plane underlay.
#
# Topology (on top of the conventions' one; the switch stays down, so wire 0
# and wire 1 are two separate underlay networks, "planes"):
#
#   vn0 (A, init netns): VNI 100, VTEP 192.0.2.1, tenant 198.51.100.1,
#       active-backup over pfa0vf0 (wire 0) + pfa1vf0 (wire 1),
#       probe-interval 50 ms, probe-misses 3
#   vnb0 (B, netns hvb): the same over pfb0vf0 (wire 0) + pfb1vf0 (wire 1),
#       VTEP 192.0.2.2, tenant 198.51.100.2
#
# It proves that:
# - backups answer the peer's silent probes: all four lowers stay "up" with
#   probing on (a backup plane is not declared dead);
# - cutting pfa0's carrier (QEMU set_link) fails A over on the event, and
#   B, whose pfb0vf0 keeps its link, sees lower 0 "path-down" (reason probe)
#   from its unanswered probes and fails over too: the tenants ping again,
#   without touching B's configuration;
# - restoring pfa0 brings B's lower 0 back "up" and both fail back;
# - probe settings are checked: probing a plain VNIC and an interval under
#   10 ms are refused with their messages, and turning probing off brings a
#   path-down lower back up;
# - nothing appears in the kernel log.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

L4_A=192.0.2.1
L4_B=192.0.2.2
T4_A=198.51.100.1
T4_B=198.51.100.2
VNI=100

ovnic_init

summary()
{
	echo "A: $(vnic_lowers_summary vn0) B: $(vnic_lowers_summary vnb0 "$HVB")"
}

cleanup_vnics()
{
	ip link del dev vn0 >/dev/null 2>&1
	ip -n "$HVB" link del dev vnb0 >/dev/null 2>&1
	pf_link wa0 on
	wait_until 10 not dev_has_master pfa0vf0
	wait_until 10 not dev_has_master pfb0vf0 "$HVB"
}

test_dual_plane()
{
	local desc="dual-plane active-backup: a dead path behind a live link fails over by probes"

	defer_scope_push
	sw_down
	defer cleanup_vnics
	if ! run_capture ip -n "$HVB" link add vnb0 type ovnic pf pfb0 vf 0 pf pfb1 vf 0 \
		vni $VNI local $L4_B remote $L4_A probe-interval 50 probe-misses 3; then
		fail "create vnb0: $CMD_ERR"
	elif ! run_capture ip link add vn0 type ovnic pf pfa0 vf 0 pf pfa1 vf 0 \
		vni $VNI local $L4_A remote $L4_B probe-interval 50 probe-misses 3; then
		fail "create vn0: $CMD_ERR"
	fi
	if [ "$RET" -ne 0 ]; then
		log_test "$desc"
		defer_scope_pop
		return
	fi
	addr_add vn0 - "$T4_A/24"
	addr_add vnb0 "$HVB" "$T4_B/24"
	ip link set dev vn0 up
	ip -n "$HVB" link set dev vnb0 up
	wait_carrier vn0 || fail "vn0: no carrier"
	wait_carrier vnb0 "$HVB" || fail "vnb0: no carrier"

	# Backups answer probes: after many rounds every lower is still up.
	wait_until 20 vnic_lower_state_is vn0 1 up || fail "A lower 1 not up: $(summary)"
	wait_until 20 vnic_lower_state_is vnb0 1 up "$HVB" || fail "B lower 1 not up: $(summary)"
	sleep 2
	check_eq "A lower 1 state (backup, probed)" "$(vnic_lower_get vn0 1 state)" up
	check_eq "B lower 1 state (backup, probed)" "$(vnic_lower_get vnb0 1 state "$HVB")" up
	check_eq "A active" "$(vnic_active vn0)" 0
	ovl_ping - $T4_B || fail "ping A -> B before the cut"

	# Cut A's plane-0 PNIC: B's pfb0vf0 keeps its link.
	pf_link wa0 off
	wait_until 10 vnic_active_is vn0 1 || fail "A did not fail over: $(summary)"
	if wait_until 10 vnic_lower_state_is vnb0 0 path-down "$HVB"; then
		log_info "B lower 0 path-down after $WAIT_MS ms: $(summary)"
	else
		fail "B lower 0 not path-down: $(summary)"
	fi
	check_eq "B lower 0 reason" "$(vnic_lower_get vnb0 0 reason "$HVB")" probe
	wait_until 5 vnic_active_is vnb0 1 "$HVB" || fail "B did not fail over: $(summary)"
	check_eq "B last_reason" "$(ovnic_data vnb0 last_reason "$HVB")" probe
	ovl_ping - $T4_B || fail "ping A -> B after the cut"
	ovl_ping "$HVB" $T4_A || fail "ping B -> A after the cut"

	# Restore: B's plane 0 answers again, both fail back to lower 0.
	pf_link wa0 on
	wait_until 20 vnic_lower_state_is vnb0 0 up "$HVB" ||
		fail "B lower 0 not up again: $(summary)"
	wait_until 20 vnic_active_is vn0 0 || fail "A did not fail back: $(summary)"
	wait_until 10 vnic_active_is vnb0 0 "$HVB" || fail "B did not fail back: $(summary)"
	ovl_ping - $T4_B || fail "ping A -> B after the restore"
	local tx rx
	tx=$(ethtool_stat vnb0 probe_tx "$HVB")
	rx=$(ethtool_stat vnb0 probe_rx "$HVB")
	log_info "B probe_tx $tx probe_rx $rx"
	if ! [ "${tx:-0}" -gt 0 ] || ! [ "${rx:-0}" -gt 0 ] || ! [ "$rx" -lt "$tx" ]; then
		fail "B probe counters: tx '$tx' rx '$rx' (want 0 < rx < tx)"
	fi
	check_dmesg_clean
	log_test "$desc"
	defer_scope_pop
}

test_settings()
{
	local desc="probe settings: refusals and turning probing off"

	defer_scope_push
	sw_down
	defer cleanup_vnics
	check_cmd_fails "path probes need an overlay VNIC" \
		ip link add vn0 type ovnic pf pfa0 vf 0 pf pfa1 vf 0 probe-interval 50
	check_cmd_fails "probe interval must be 0 \\(off\\) or 10-60000 ms" \
		ip link add vn0 type ovnic pf pfa0 vf 0 pf pfa1 vf 0 \
		vni $VNI local $L4_A remote $L4_B probe-interval 5
	# Nobody answers on either plane (no peer): both lowers path-down.
	if ! run_capture ip link add vn0 type ovnic pf pfa0 vf 0 pf pfa1 vf 0 \
		vni $VNI local $L4_A remote $L4_B probe-interval 20 probe-misses 2; then
		fail "create vn0: $CMD_ERR"
	else
		ip link set dev vn0 up
		wait_until 20 vnic_lower_state_is vn0 0 path-down || fail "lower 0 not path-down: $(summary)"
		wait_until 20 vnic_lower_state_is vn0 1 path-down || fail "lower 1 not path-down: $(summary)"
		wait_no_carrier vn0 - 5 || fail "vn0 keeps its carrier with no path"
		run_capture ip link set dev vn0 type ovnic probe-interval 0 ||
			fail "probe-interval 0: $CMD_ERR"
		wait_until 10 vnic_lower_state_is vn0 0 up || fail "lower 0 not up without probes: $(summary)"
		wait_until 10 vnic_lower_state_is vn0 1 up || fail "lower 1 not up without probes: $(summary)"
		wait_carrier vn0 || fail "vn0: no carrier without probes"
	fi
	check_dmesg_clean
	log_test "$desc"
	defer_scope_pop
}

for c in ${CASES:-dual_plane settings}; do
	"test_$c"
done
check_dmesg_clean
log_test "kernel log clean"
