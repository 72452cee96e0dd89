#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_create.sh - create, inspect, change and delete a VNIC.
#
# Topology: the conventions' one (scripts/topology.sh); this test only uses
# pfa0 and its VF 0 (pfa0vf0) in the init netns. It creates VNIC vn0 on
# pfa0 vf 0 several times, with and without optional settings.
#
# It proves that:
# - "ip link add ... type ovnic pf pfa0 vf 0" creates a link of kind ovnic
#   whose details (ip -d -j) report pf, vf, lower, pci, vlan, spoofchk, trust;
# - the VNIC is the VF's upper device (master vn0, sysfs upper_/lower_ links)
#   and the VF is brought up;
# - the VNIC's MAC is the VF's by default; "address", "vlan", "spoofchk",
#   "trust" are programmed through the PF (seen in the PF's vfinfo), can be
#   changed live with "ip link set vn0 type ovnic ..." and "address";
# - deleting the VNIC restores every VF setting and the VF's admin state and
#   releases the VF (no upper anymore);
# - ethtool -i (driver ovnic, bus-info = VF PCI address), -S (per-queue and
#   drop-reason counters), -k/-K (a toggled offload reads back), -l, -g
#   (the lower's rings);
# - MTU: default = VF MTU (also when the VF's MTU is not 1500), can be
#   lowered, cannot be raised above the VF's MTU.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

PF=pfa0
VF=0
VFDEV=pfa0vf0
MAC1=02:00:00:0a:00:01
MAC2=02:00:00:0a:00:02

ovnic_init

vf_pci_addr=$(dev_pci "$VFDEV")
pf_ifindex=$(dev_ifindex "$PF")
vf_ifindex=$(dev_ifindex "$VFDEV")
before=$(vf_snapshot "$PF" "$VF")
before_mac=${before#mac=}
before_mac=${before_mac%% *}
vf_mtu=$(dev_mtu "$VFDEV")
log_info "VF $VFDEV pci $vf_pci_addr mtu $vf_mtu: $before"

# check_vf_settings VLAN SPOOFCHK TRUST: the PF's view of VF $VF of $PF and
# what vn0 reports both match.
check_vf_settings()
{
	check_eq "PF's VF vlan" "$(vf_get "$PF" "$VF" vlan)" "$1"
	check_eq "PF's VF spoofchk" "$(vf_get "$PF" "$VF" spoofchk)" "$2"
	check_eq "PF's VF trust" "$(vf_get "$PF" "$VF" trust)" "$3"
	check_eq "reported vlan" "$(ovnic_data vn0 vlan)" "$1"
	check_eq "reported spoofchk" "$(ovnic_data vn0 spoofchk)" "$2"
	check_eq "reported trust" "$(ovnic_data vn0 trust)" "$3"
}

# pf/lower are printed by name, or as the ifindex when not resolvable.
check_name_or_index()
{
	local what=$1
	local got=$2
	local name=$3
	local index=$4

	[ "$got" = "$name" ] || [ "$got" = "$index" ] ||
		fail "$what: got '$got', expected '$name' (or $index)"
}

# Everything that must hold once a VNIC on pfa0 vf 0 is deleted.
check_released()
{
	local after

	check_fail "$(dev_exists vn0; echo $?)" "vn0 still exists after delete"
	check_fail "$(dev_has_master "$VFDEV"; echo $?)" "$VFDEV still has an upper: $(dev_master "$VFDEV")"
	[ -e "/sys/class/net/$VFDEV/upper_vn0" ] && fail "sysfs upper_vn0 link of $VFDEV left"
	after=$(vf_snapshot "$PF" "$VF")
	check_eq "VF state after delete" "$after" "$before"
}

test_create_attrs()
{
	local kind
	local v

	defer_scope_push
	vnic_add vn0 "$PF" "$VF"
	check_err $? "create failed: $CMD_ERR"
	if dev_exists vn0; then
		kind=$(link_get vn0 'd[0]["linkinfo"]["info_kind"]')
		check_eq "info_kind" "$kind" ovnic
		check_name_or_index "pf" "$(ovnic_data vn0 pf)" "$PF" "$pf_ifindex"
		check_eq "vf" "$(ovnic_data vn0 vf)" "$VF"
		check_name_or_index "lower" "$(ovnic_data vn0 lower)" "$VFDEV" "$vf_ifindex"
		check_eq "pci" "$(ovnic_data vn0 pci)" "$vf_pci_addr"
		check_eq "pci vs PF virtfn$VF" "$(ovnic_data vn0 pci)" "$(pf_vf_pci "$PF" "$VF")"
		for v in vlan spoofchk trust; do
			ovnic_data vn0 "$v" >/dev/null || fail "ip -d -j lacks '$v'"
		done
		check_eq "vlan reported" "$(ovnic_data vn0 vlan)" "$(vf_get "$PF" "$VF" vlan)"
		check_eq "spoofchk reported" "$(ovnic_data vn0 spoofchk)" "$(vf_get "$PF" "$VF" spoofchk)"
		check_eq "trust reported" "$(ovnic_data vn0 trust)" "$(vf_get "$PF" "$VF" trust)"
		# the plain text form too
		ip -d link show dev vn0 | grep -qE "ovnic pf $PF vf $VF lower $VFDEV pci $vf_pci_addr" ||
			fail "ip -d link show: $(ip -d link show dev vn0 | grep ovnic)"
	fi
	log_test "create: kind ovnic with pf/vf/lower/pci/vlan/spoofchk/trust"

	check_eq "master of $VFDEV" "$(dev_master "$VFDEV")" vn0
	[ -e /sys/class/net/vn0/lower_$VFDEV ] || fail "no sysfs lower_$VFDEV link under vn0"
	[ -e /sys/class/net/$VFDEV/upper_vn0 ] || fail "no sysfs upper_vn0 link under $VFDEV"
	log_test "create: VF is the lower device (master vn0)"

	dev_is_up "$VFDEV" || fail "$VFDEV is not up after create"
	log_test "create: VF brought up"

	check_eq "vn0 MAC" "$(dev_mac vn0)" "$(dev_mac "$VFDEV")"
	check_eq "PF's VF MAC unchanged" "$(vf_get "$PF" "$VF" mac)" "$before_mac"
	log_test "create: VNIC MAC = VF MAC by default"

	check_eq "default MTU" "$(dev_mtu vn0)" "$vf_mtu"
	check_cmd ip link set dev vn0 mtu 1400
	check_eq "lowered MTU" "$(dev_mtu vn0)" 1400
	check_cmd_fails '.' ip link set dev vn0 mtu $((vf_mtu + 1))
	check_eq "MTU after refused raise" "$(dev_mtu vn0)" 1400
	check_cmd ip link set dev vn0 mtu "$vf_mtu"
	check_eq "MTU back to the VF's" "$(dev_mtu vn0)" "$vf_mtu"
	log_test "mtu: default = VF MTU, lowering works, above VF MTU refused"

	check_cmd ip link set dev vn0 address "$MAC2"
	check_eq "vn0 MAC" "$(dev_mac vn0)" "$MAC2"
	check_eq "PF's VF MAC" "$(vf_get "$PF" "$VF" mac)" "$MAC2"
	log_test "set address: reprograms the VF MAC through the PF"

	check_cmd ip link set dev vn0 up
	if wait_carrier vn0; then
		log_info "vn0 carrier after ${WAIT_MS} ms"
	else
		fail "no carrier on vn0 within $CARRIER_TIMEOUT s (VF: $(dev_operstate "$VFDEV"))"
	fi
	check_eq "operstate" "$(dev_operstate vn0)" UP
	log_test "up: VNIC gets carrier"

	defer_scope_pop
	check_released
	log_test "delete: VF released, MAC/vlan/spoofchk/trust/admin restored"
}

test_ethtool()
{
	local out
	local n
	local q
	local c
	local f
	local cur
	local want
	local cnt
	local short

	defer_scope_push
	vnic_add vn0 "$PF" "$VF"
	check_err $? "create failed: $CMD_ERR"

	out=$(ethtool -i vn0 2>&1)
	check_err $? "ethtool -i failed: $out"
	check_eq "ethtool -i driver" "$(awk '/^driver:/ { print $2 }' <<<"$out")" ovnic
	check_eq "ethtool -i bus-info" "$(awk '/^bus-info:/ { print $2 }' <<<"$out")" "$vf_pci_addr"
	log_test "ethtool -i: driver ovnic, bus-info = VF PCI address"

	out=$(ethtool -S vn0 2>&1)
	check_err $? "ethtool -S failed: $out"
	n=$(tx_queues vn0)
	check_ge "tx queues of vn0" "$n" 1
	for ((q = 0; q < n; q++)); do
		for c in tx_q${q}_packets tx_q${q}_bytes; do
			ethtool_stat vn0 "$c" >/dev/null || fail "no counter $c"
		done
	done
	n=$(rx_queues vn0)
	for ((q = 0; q < n; q++)); do
		for c in rx_q${q}_packets rx_q${q}_bytes; do
			ethtool_stat vn0 "$c" >/dev/null || fail "no counter $c"
		done
	done
	for c in rx_q0_packets rx_q0_bytes rx_drop_vnic_down rx_drop_nomem tx_drop_no_lower \
		 tx_drop_lower_busy tx_drop_vnic_down; do
		ethtool_stat vn0 "$c" >/dev/null || fail "no counter $c"
	done
	log_test "ethtool -S: per-queue and per-drop-reason counters"

	# Toggle the first offload that is not fixed, read it back.
	cnt=0
	for f in tcp-segmentation-offload tx-checksumming scatter-gather generic-segmentation-offload; do
		cur=$(ethtool_feature vn0 "$f") || continue
		[[ "$cur" == *fixed* ]] && continue
		want=off
		[ "$cur" = off ] && want=on
		short=$f
		case $f in
		tcp-segmentation-offload) short=tso ;;
		tx-checksumming) short=tx ;;
		scatter-gather) short=sg ;;
		generic-segmentation-offload) short=gso ;;
		esac
		check_cmd ethtool -K vn0 "$short" "$want"
		check_eq "$f after -K $short $want" "$(ethtool_feature vn0 "$f")" "$want"
		check_cmd ethtool -K vn0 "$short" "$cur"
		check_eq "$f restored" "$(ethtool_feature vn0 "$f")" "$cur"
		log_info "toggled $f: $cur -> $want -> $cur"
		cnt=$((cnt + 1))
		[ "$f" = tcp-segmentation-offload ] && continue
		break
	done
	[ "$cnt" -gt 0 ] || fail "no offload of vn0 can be toggled: $(ethtool -k vn0 2>&1 | head -n 12 | tr '\n' ' ')"
	log_test "ethtool -k/-K: offloads toggle and read back"

	out=$(ethtool -l vn0 2>&1)
	check_err $? "ethtool -l failed: $out"
	n=$(awk '/^Current hardware settings/ { cur = 1 }
		cur && /^(TX|Combined):/ { if ($2 ~ /^[0-9]+$/) s += $2 }
		END { print s + 0 }' <<<"$out")
	check_eq "ethtool -l current TX+Combined vs tx queues" "$n" "$(tx_queues vn0)"
	log_test "ethtool -l: channels = real tx queues"

	out=$(ethtool -g vn0 2>&1)
	check_err $? "ethtool -g failed: $out"
	cur=$(grep -E '^(RX|TX):' <<<"$out" | tr -s ' \t' ' ')
	want=$(ethtool -g "$VFDEV" 2>&1 | grep -E '^(RX|TX):' | tr -s ' \t' ' ')
	[ -n "$cur" ] || fail "ethtool -g vn0 prints no RX/TX: $out"
	check_eq "rings of vn0 vs $VFDEV" "$(tr '\n' ' ' <<<"$cur")" "$(tr '\n' ' ' <<<"$want")"
	log_test "ethtool -g: the lower's rings"

	defer_scope_pop
	check_released
	log_test "delete after ethtool: VF released and restored"
}

test_settings()
{
	local spoof_new=off
	local trust_new=on

	[ "$(vf_get "$PF" "$VF" spoofchk)" = off ] && spoof_new=on
	[ "$(vf_get "$PF" "$VF" trust)" = on ] && trust_new=off

	defer_scope_push
	vnic_add vn0 "$PF" "$VF" address "$MAC1" mtu 1400 vlan 10 spoofchk "$spoof_new" trust "$trust_new"
	check_err $? "create with settings failed: $CMD_ERR"
	check_eq "vn0 MAC" "$(dev_mac vn0)" "$MAC1"
	check_eq "vn0 MTU" "$(dev_mtu vn0)" 1400
	check_eq "PF's VF mac" "$(vf_get "$PF" "$VF" mac)" "$MAC1"
	check_vf_settings 10 "$spoof_new" "$trust_new"
	log_test "create with address/mtu/vlan/spoofchk/trust: programmed via PF"

	check_cmd ip link set dev vn0 type ovnic vlan 20 spoofchk "$trust_new" trust "$spoof_new"
	check_vf_settings 20 "$trust_new" "$spoof_new"
	check_cmd ip link set dev vn0 type ovnic vlan 0
	check_eq "PF's VF vlan after vlan 0" "$(vf_get "$PF" "$VF" vlan)" 0
	check_eq "PF's VF mac kept" "$(vf_get "$PF" "$VF" mac)" "$MAC1"
	log_test "changelink: vlan/spoofchk/trust changed live"

	check_cmd ip link set dev vn0 address "$MAC2"
	check_eq "PF's VF mac" "$(vf_get "$PF" "$VF" mac)" "$MAC2"
	log_test "changelink: address reprograms the VF MAC"

	defer_scope_pop
	check_released
	log_test "delete: every VF setting back to its value before create"
}

# The default MTU is the VF's, not a constant.
test_vf_mtu()
{
	local m=2000

	defer_scope_push
	if ! ip link set dev "$VFDEV" mtu "$m" 2>/dev/null; then
		defer_scope_pop
		log_test_skip "mtu: default follows a VF MTU of $m" "$VFDEV refuses mtu $m"
		return
	fi
	defer ip link set dev "$VFDEV" mtu "$vf_mtu"
	vnic_add vn0 "$PF" "$VF"
	check_err $? "create failed: $CMD_ERR"
	check_eq "vn0 MTU" "$(dev_mtu vn0)" "$m"
	check_cmd_fails '.' ip link set dev vn0 mtu $((m + 1))
	check_eq "vn0 MTU after refused raise" "$(dev_mtu vn0)" "$m"
	defer_scope_pop
	check_eq "VF MTU restored by the test" "$(dev_mtu "$VFDEV")" "$vf_mtu"
	check_released
	log_test "mtu: default follows a VF MTU of $m, max = VF MTU"
}

test_create_attrs
test_ethtool
test_settings
test_vf_mtu

check_dmesg_clean
log_test "kernel log: no warning"
