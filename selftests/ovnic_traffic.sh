#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_traffic.sh - traffic through VNICs between the two "hypervisors".
#
# Topology (on top of the conventions' one):
#
#   init netns (A)                                netns hvb (B)
#   vna0 (192.0.2.1, 2001:db8:1::1)               vnb0 (192.0.2.2, 2001:db8:1::2)
#    `- pfa0vf0 -- pfa0 ===== wire 0 ===== pfb0 -- pfb0vf0 -'
#   vna1 (198.51.100.1, explicit MAC)             vnb1 (198.51.100.2)
#    `- pfa1vf1 -- pfa1 ===== wire 1 ===== pfb1 -- pfb1vf1 -'
#
# It proves that:
# - IPv4 and IPv6 pings pass both ways through VNICs on VFs;
# - iperf3 TCP passes both ways at more than a low bound, and the VNICs'
#   ethtool -S per-queue counters and link stats move by at least the
#   amount of traffic iperf3 measured;
# - the VNIC has as many tx queues as its VF;
# - carrier follows the PF: cutting wire 0 at the PNIC (QEMU set_link wa0
#   off) takes vna0's carrier away within 2 s although pfa0vf0 keeps its
#   carrier, restoring the wire brings it back and traffic flows again;
# - a VNIC on the second wire (VF 1, with an explicit MAC programmed through
#   the PF) passes traffic too.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

A4=192.0.2.1
B4=192.0.2.2
A6=2001:db8:1::1
B6=2001:db8:1::2
A4_1=198.51.100.1
B4_1=198.51.100.2
MAC_A1=02:00:00:0a:01:01
PORT=5201
IPERF_SECS=${IPERF_SECS:-4}

ovnic_init
# A sanity bound, not a benchmark (make bench): the debug kernel moves
# 5-9 Mbit/s here.
if on_slow_machine; then
	MIN_MBPS=${MIN_MBPS:-2}
else
	MIN_MBPS=${MIN_MBPS:-10}
fi
require_cmd iperf3

setup()
{
	RET=0
	vnic_add vna0 pfa0 0
	check_err $? "create vna0: $CMD_ERR"
	vnic_add -n "$HVB" vnb0 pfb0 0
	check_err $? "create vnb0: $CMD_ERR"
	addr_add vna0 "" $A4/24 $A6/64
	check_err $? "addresses on vna0"
	addr_add vnb0 "$HVB" $B4/24 $B6/64
	check_err $? "addresses on vnb0"
	ip link set dev vna0 up
	ip -n "$HVB" link set dev vnb0 up
	wait_carrier vna0 || fail "vna0: no carrier in $CARRIER_TIMEOUT s"
	wait_carrier vnb0 "$HVB" || fail "vnb0: no carrier in $CARRIER_TIMEOUT s"
	log_test "setup: vna0 (pfa0 vf 0) and vnb0 (pfb0 vf 0, netns hvb) up"
}

test_ping()
{
	check_ping "" $B4
	check_ping "$HVB" $A4
	log_test "ping IPv4 both ways"

	check_ping "" $B6
	check_ping "$HVB" $A6
	log_test "ping IPv6 both ways"
}

test_queues()
{
	check_eq "tx queues vna0 vs pfa0vf0" "$(tx_queues vna0)" "$(tx_queues pfa0vf0)"
	check_eq "tx queues vnb0 vs pfb0vf0" "$(tx_queues vnb0 "$HVB")" "$(tx_queues pfb0vf0 "$HVB")"
	log_test "multi-queue: VNIC tx queues = VF tx queues ($(tx_queues vna0))"
}

# iperf_case DESC SENDER_DEV SENDER_NS RECEIVER_DEV RECEIVER_NS [-R]
# The client always runs in the init netns against the server in hvb.
iperf_case()
{
	local desc=$1
	local sdev=$2
	local sns=$3
	local rdev=$4
	local rns=$5
	local rev=$6
	local tx0
	local rx0
	local ltx0
	local lrx0
	local tx1
	local rx1
	local ltx1
	local lrx1
	local res
	local bps
	local sent
	local rcvd

	tx0=$(ethtool_stat_sum "$sdev" '^tx_q[0-9]+_bytes$' "$sns")
	check_err $? "no tx_q*_bytes on $sdev"
	rx0=$(ethtool_stat_sum "$rdev" '^rx_q[0-9]+_bytes$' "$rns")
	check_err $? "no rx_q*_bytes on $rdev"
	ltx0=$(link_stat "$sdev" tx bytes "$sns")
	lrx0=$(link_stat "$rdev" rx bytes "$rns")

	# shellcheck disable=SC2086
	res=$(iperf3_client "" $B4 $PORT "$IPERF_SECS" $rev)
	if [ -z "$res" ]; then
		fail "iperf3 produced no result"
		log_test "$desc"
		return
	fi
	read -r bps sent rcvd <<<"$res"

	tx1=$(ethtool_stat_sum "$sdev" '^tx_q[0-9]+_bytes$' "$sns")
	rx1=$(ethtool_stat_sum "$rdev" '^rx_q[0-9]+_bytes$' "$rns")
	ltx1=$(link_stat "$sdev" tx bytes "$sns")
	lrx1=$(link_stat "$rdev" rx bytes "$rns")
	log_info "$desc: $((bps / 1000000)) Mbit/s, sent $sent B, received $rcvd B;" \
		"$sdev tx_q*_bytes +$((tx1 - tx0)), $rdev rx_q*_bytes +$((rx1 - rx0))"

	# What the receiver got went through both VNICs (the sender's count
	# may include bytes still queued when the test stopped).
	check_ge "throughput (bit/s)" "$bps" $((MIN_MBPS * 1000000))
	check_ge "$sdev tx_q*_bytes delta" $((tx1 - tx0)) "$rcvd"
	check_ge "$rdev rx_q*_bytes delta" $((rx1 - rx0)) "$rcvd"
	check_ge "$sdev link tx bytes delta" $((ltx1 - ltx0)) "$rcvd"
	check_ge "$rdev link rx bytes delta" $((lrx1 - lrx0)) "$rcvd"
	log_test "$desc"
}

test_iperf()
{
	if ! iperf3_server "$HVB" $PORT; then
		fail "iperf3 server did not start in hvb"
		log_test "iperf3 TCP"
		return
	fi
	iperf_case "iperf3 TCP A->B > $MIN_MBPS Mbit/s, counters follow" vna0 "" vnb0 "$HVB"
	iperf_case "iperf3 TCP B->A > $MIN_MBPS Mbit/s, counters follow" vnb0 "$HVB" vna0 "" -R
}

test_pf_carrier()
{
	local t

	defer_scope_push
	# Whatever happens, give the wire back.
	defer qemu_monitor "set_link wa0 on"
	qemu_monitor "set_link wa0 off" >/dev/null
	if wait_until 2 dev_no_carrier vna0; then
		log_info "vna0 lost carrier ${WAIT_MS} ms after set_link off"
	else
		fail "vna0 still has carrier 2 s after the PF lost it"
	fi
	t=$WAIT_MS
	dev_no_carrier pfa0 || fail "pfa0 still has carrier (monitor set_link not effective?)"
	dev_carrier pfa0vf0 || fail "pfa0vf0 lost carrier too: the test cannot tell PF from VF"
	check_ne "vna0 operstate" "$(dev_operstate vna0)" UP
	dev_has_flag vna0 LOWER_UP && fail "vna0 still shows LOWER_UP"
	log_test "carrier: vna0 follows PF carrier loss within 2 s (${t} ms)"

	qemu_monitor "set_link wa0 on" >/dev/null
	if wait_carrier vna0 "" 15; then
		log_info "vna0 carrier back ${WAIT_MS} ms after set_link on"
	else
		fail "vna0 carrier not back 15 s after set_link on (pfa0: $(dev_operstate pfa0))"
	fi
	check_eq "vna0 operstate" "$(dev_operstate vna0)" UP
	check_ping "" $B4
	check_ping "$HVB" $A6
	defer_scope_pop
	log_test "carrier: back with the PF's, ping works again"
}

test_wire1()
{
	vnic_add vna1 pfa1 1 address $MAC_A1
	check_err $? "create vna1: $CMD_ERR"
	vnic_add -n "$HVB" vnb1 pfb1 1
	check_err $? "create vnb1: $CMD_ERR"
	check_eq "PF's VF 1 MAC" "$(vf_get pfa1 1 mac)" $MAC_A1
	addr_add vna1 "" $A4_1/24
	addr_add vnb1 "$HVB" $B4_1/24
	ip link set dev vna1 up
	ip -n "$HVB" link set dev vnb1 up
	wait_carrier vna1 || fail "vna1: no carrier"
	wait_carrier vnb1 "$HVB" || fail "vnb1: no carrier"
	check_ping "" $B4_1
	check_ping "$HVB" $A4_1
	log_test "wire 1: pfa1 vf 1 (explicit MAC) <-> pfb1 vf 1 ping both ways"
}

setup
test_ping
test_queues
test_iperf
test_pf_carrier
test_wire1

check_dmesg_clean
log_test "kernel log: no warning"
