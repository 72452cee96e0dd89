#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_overlay.sh - overlay VNICs between the two "hypervisors".
#
# Topology (on top of the conventions' one; tenant netns per VNIC):
#
#   hypervisor A (init netns)                 hypervisor B (netns hvb)
#   pfa0vf0 -- pfa0 ======== wire 0 ======== pfb0 -- pfb0vf0
#   pfa0vf1 -'                                     `- pfb0vf1
#
#   pair 0: tenanta0/vna0 (pfa0 vf 0) <-> tenantb0/vnb0 (pfb0 vf 0),
#           VNI 100, IPv4 underlay 192.0.2.1 <-> 192.0.2.2
#   pair 1: tenanta1/vna1 (pfa0 vf 1) <-> tenantb1/vnb1 (pfb0 vf 1),
#           VNI 200, 192.0.2.11 <-> 192.0.2.12, SAME tenant IPs and MACs
#           as pair 0 (198.51.100.1/.2, 2001:db8:100::1/::2)
#   pair 2: vf 1 again, VNI 100 on A but 101 on B (192.0.2.21 <-> .22)
#   pair 6: vf 1 again, VNI 100, IPv6 underlay 2001:db8::a1 <-> ::b1
#   injector: netns tenantx0, veth ovx1 <-> ovx0 in tenanta0, whose
#           ingress is redirected (tc matchall mirred) to vna0's transmit and
#           vna0's ingress back to ovx0, so frames reach vna0 unchecked by
#           the stack's MTU logic.
#
# It proves that:
# - "ip -d link show" prints the overlay configuration (text and JSON),
#   "ethtool -S" has the overlay counters and gauges, the default MTU is
#   the VF's minus 74 (IPv4 underlay) / 94 (IPv6 underlay), and the VF
#   keeps its own MAC (the tenant MAC is not programmed on it);
# - IPv4 and IPv6 tenant pings pass both ways over an IPv4 and an IPv6
#   underlay;
# - iperf3 TCP and UDP pass both ways over both underlays; TCP goes as
#   GSO frames (tx_gso_frames), one VF transmit per GSO frame when the VF
#   has TSO, and the receiver gets several outer segments per delivered
#   frame (rx_segs > rx_frames) mostly without reassembly (GRO);
# - the hypervisors' own TCP stacks never see overlay segments, even when
#   the VTEP addresses are also host addresses on the VFs (no InSegs, no
#   RSTs);
# - an oversized non-GSO frame (DF) is dropped (tx_drop_too_big) and
#   answered with ICMP "fragmentation needed" / ICMPv6 "packet too big"
#   carrying the VNIC MTU (the sender's PMTU becomes the VNIC MTU), while
#   a frame of exactly the MTU passes;
# - two tenants with overlapping IPs and MACs on VNIs 100 and 200 both work
#   and never see each other's packets (pattern sniffing in every tenant);
# - VNIs 100 vs 101 do not communicate, the receivers count
#   rx_drop_wrong_vni, and changing the VNI at run time fixes it;
# - nothing appears in the kernel log.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

VNI=100
VNI2=200
L4_A=192.0.2.1
L4_B=192.0.2.2
L4_A1=192.0.2.11
L4_B1=192.0.2.12
L4_A2=192.0.2.21
L4_B2=192.0.2.22
L6_A=2001:db8::a1
L6_B=2001:db8::b1
MAC_A=02:00:5e:10:00:0a
MAC_B=02:00:5e:10:00:0b
T4_A=$OVL_TENANT4_A
T4_B=$OVL_TENANT4_B
T6_A=$OVL_TENANT6_A
T6_B=$OVL_TENANT6_B
X4=198.51.100.9
X6=2001:db8:100::9
PORT=5201
IPERF_SECS=${IPERF_SECS:-3}
UDP_MAX_LOSS=${UDP_MAX_LOSS:-20}
REASM_MEM_DEF=4194304
REASM_FRAMES_DEF=256
REASM_TIMEOUT_DEF=200

OVL_COUNTERS="rx_drop_not_overlay rx_drop_short rx_drop_bad_shape rx_drop_bad_version
rx_drop_bad_flags rx_drop_bad_length rx_drop_bad_offload rx_drop_bad_csum rx_drop_wrong_vni
rx_drop_nested rx_drop_reasm_dup rx_drop_reasm_overlap rx_drop_reasm_timeout
rx_drop_reasm_evict tx_drop_no_remote tx_drop_no_neigh tx_drop_too_big tx_drop_nomem
rx_drop_vnic_down rx_drop_nomem tx_drop_no_lower tx_drop_lower_busy tx_drop_vnic_down
tx_frames tx_gso_frames tx_vf_xmits tx_gso_vf_xmits tx_head_realloc tx_sw_gso tx_solicit
rx_frames rx_segs rx_fast rx_reasm_queued rx_reasm_done rx_neigh
reasm_mem reasm_mem_peak reasm_frames reasm_mem_limit reasm_frames_limit"

ovnic_init
# Sanity bounds, not a benchmark (make bench): the debug kernel moves
# 5-9 Mbit/s of TCP here and loses a quarter of a 50 Mbit/s UDP offer.
if on_slow_machine; then
	MIN_MBPS=${MIN_MBPS:-2}
	UDP_RATE=${UDP_RATE:-5M}
else
	MIN_MBPS=${MIN_MBPS:-10}
	UDP_RATE=${UDP_RATE:-50M}
fi
require_cmd iperf3
require_cmd tc
for m in veth sch_ingress cls_matchall act_mirred; do
	load_module "$m"
done

# Pair 0 is used by most cases: without it there is nothing to test.
setup_pair0()
{
	VF_MAC_A=$(dev_mac pfa0vf0)
	VF_MAC_B=$(dev_mac pfb0vf0 "$HVB")
	PF_VF_MAC_A=$(vf_get pfa0 0 mac)
	if ! ovl_pair_up -m $MAC_A $MAC_B 0 0 $VNI $VNI $L4_A $L4_B; then
		fail "$OVL_ERR"
		log_test "setup: pair 0 vna0 (pfa0 vf 0) <-> vnb0 (pfb0 vf 0), VNI $VNI, IPv4 underlay"
		exit "$KSFT_FAIL"
	fi
	log_test "setup: pair 0 vna0 (pfa0 vf 0) <-> vnb0 (pfb0 vf 0), VNI $VNI, IPv4 underlay"
}

# check_config DEV NS VNI LOCAL REMOTE
check_config()
{
	local dev=$1
	local ns=$2
	local vni=$3
	local lo=$4
	local re=$5
	local txt
	local want="vni $vni local $lo remote $re port $OVL_PORT reasm-mem $REASM_MEM_DEF reasm-frames $REASM_FRAMES_DEF reasm-timeout $REASM_TIMEOUT_DEF"

	txt=$(ip -n "$ns" -d link show dev "$dev" 2>&1)
	grep -qF -- "$want" <<<"$txt" ||
		fail "ip -d link show $dev: no '$want' in '$(grep -o 'ovnic .*' <<<"$txt")'"
	check_eq "$dev JSON vni" "$(ovnic_data "$dev" vni "$ns")" "$vni"
	check_eq "$dev JSON local" "$(ovnic_data "$dev" local "$ns")" "$lo"
	check_eq "$dev JSON remote" "$(ovnic_data "$dev" remote "$ns")" "$re"
	check_eq "$dev JSON port" "$(ovnic_data "$dev" port "$ns")" "$OVL_PORT"
	check_eq "$dev JSON reasm_mem" "$(ovnic_data "$dev" reasm_mem "$ns")" "$REASM_MEM_DEF"
	check_eq "$dev JSON reasm_frames" "$(ovnic_data "$dev" reasm_frames "$ns")" "$REASM_FRAMES_DEF"
	check_eq "$dev JSON reasm_timeout" "$(ovnic_data "$dev" reasm_timeout "$ns")" "$REASM_TIMEOUT_DEF"
}

test_config()
{
	check_config vna0 tenanta0 $VNI $L4_A $L4_B
	check_config vnb0 tenantb0 $VNI $L4_B $L4_A
	log_test "ip -d link show: overlay config (vni local remote port reasm-*), text and JSON"
}

test_ethtool()
{
	local -A st
	local missing=""
	local c

	if ! ovl_snap st vna0 tenanta0; then
		fail "ethtool -S vna0 gives nothing"
	else
		for c in $OVL_COUNTERS; do
			[ -n "${st[$c]:-}" ] || missing+=" $c"
		done
		[ -z "$missing" ] || fail "ethtool -S vna0 lacks:$missing"
		check_eq "vna0 reasm_mem_limit" "${st[reasm_mem_limit]:-}" $REASM_MEM_DEF
		check_eq "vna0 reasm_frames_limit" "${st[reasm_frames_limit]:-}" $REASM_FRAMES_DEF
	fi
	log_test "ethtool -S: overlay drop counters, events and reassembly gauges"
}

test_mtu_mac()
{
	local vfmtu

	vfmtu=$(dev_mtu pfa0vf0)
	check_eq "vna0 MTU (pfa0vf0 MTU $vfmtu - $OVL_OVERHEAD4)" "$(dev_mtu vna0 tenanta0)" $((vfmtu - OVL_OVERHEAD4))
	vfmtu=$(dev_mtu pfb0vf0 "$HVB")
	check_eq "vnb0 MTU (pfb0vf0 MTU $vfmtu - $OVL_OVERHEAD4)" "$(dev_mtu vnb0 tenantb0)" $((vfmtu - OVL_OVERHEAD4))
	check_eq "vna0 MAC" "$(dev_mac vna0 tenanta0)" $MAC_A
	check_eq "pfa0vf0 MAC (underlay identity)" "$(dev_mac pfa0vf0)" "$VF_MAC_A"
	check_eq "pfb0vf0 MAC (underlay identity)" "$(dev_mac pfb0vf0 "$HVB")" "$VF_MAC_B"
	check_eq "pfa0's VF 0 MAC" "$(vf_get pfa0 0 mac)" "$PF_VF_MAC_A"
	log_test "MTU = VF MTU - $OVL_OVERHEAD4 (IPv4 underlay); tenant MAC not programmed on the VF"
}

# ping_both ID DESC
ping_both()
{
	ovl_check_ping "tenanta$1" "$T4_B"
	ovl_check_ping "tenantb$1" "$T4_A"
	log_test "ping IPv4 overlay both ways ($2)"
	ovl_check_ping "tenanta$1" "$T6_B"
	ovl_check_ping "tenantb$1" "$T6_A"
	log_test "ping IPv6 overlay both ways ($2)"
}

# iperf_case ID tcp|udp DST AB|BA DESC: iperf3 client in tenantaID, server
# in tenantbID; BA runs it reversed (-R: B sends).
iperf_case()
{
	local id=$1
	local proto=$2
	local dst=$3
	local dir=$4
	local desc="iperf3 ${proto^^} ${dir:0:1}->${dir:1:1} over $5"
	local sns=tenanta$id
	local sdev=vna$id
	local svf=pfa0vf${OVL_PAIR_VF[$id]}
	local shv=""
	local rns=tenantb$id
	local rdev=vnb$id
	local rev=()
	local args=()
	# shellcheck disable=SC2034 # filled by ovl_snap (nameref)
	local -A s0 s1 r0 r1
	local res bps sent rcvd lost pkts lostp
	local lrx0 lrx1 txf txg txgx txsw rxf rxs rxq rxfast got tso
	local loss=""

	if [ "$dir" = BA ]; then
		sns=tenantb$id
		sdev=vnb$id
		svf=pfb0vf${OVL_PAIR_VF[$id]}
		shv=$HVB
		rns=tenanta$id
		rdev=vna$id
		rev=(-R)
	fi
	[ "$proto" = udp ] && args=(-u -b "$UDP_RATE")

	ovl_snap s0 "$sdev" "$sns" || fail "no ethtool -S on $sdev"
	ovl_snap r0 "$rdev" "$rns" || fail "no ethtool -S on $rdev"
	lrx0=$(link_stat "$rdev" rx bytes "$rns")
	res=$(ovl_iperf3 "tenanta$id" "$dst" $PORT "$IPERF_SECS" "${rev[@]}" "${args[@]}")
	if [ -z "$res" ]; then
		fail "iperf3 produced no result"
		log_test "$desc"
		return
	fi
	read -r bps sent rcvd lost pkts lostp <<<"$res"
	[ "$proto" = udp ] && loss=" (lost $lostp/$pkts = $lost %)"
	ovl_snap s1 "$sdev" "$sns"
	ovl_snap r1 "$rdev" "$rns"
	lrx1=$(link_stat "$rdev" rx bytes "$rns")

	txf=$(ovl_delta s0 s1 tx_frames)
	txg=$(ovl_delta s0 s1 tx_gso_frames)
	txgx=$(ovl_delta s0 s1 tx_gso_vf_xmits)
	txsw=$(ovl_delta s0 s1 tx_sw_gso)
	rxf=$(ovl_delta r0 r1 rx_frames)
	rxs=$(ovl_delta r0 r1 rx_segs)
	rxq=$(ovl_delta r0 r1 rx_reasm_queued)
	rxfast=$(ovl_delta r0 r1 rx_fast)
	log_info "$desc: $((bps / 1000000)) Mbit/s, sent $sent B, received $rcvd B" \
		"$loss; $sdev tx_frames +$txf tx_gso_frames +$txg" \
		"tx_gso_vf_xmits +$txgx tx_sw_gso +$txsw; $rdev rx_frames +$rxf rx_segs +$rxs" \
		"rx_fast +$rxfast rx_reasm_queued +$rxq"

	check_ge "bytes received" "$rcvd" 1
	# Everything the sender's offloads produced was well formed.
	ovl_delta_sum r0 r1 '^rx_drop_(short|bad_.*|nested)$'
	check_eq "$rdev malformed-segment drops ($OVL_DELTA_WHAT)" "$OVL_DELTA_SUM" 0
	check_ge "$rdev link rx bytes delta" $((lrx1 - lrx0)) "$rcvd"
	if [ "$proto" = tcp ]; then
		check_ge "throughput (bit/s)" "$bps" $((MIN_MBPS * 1000000))
		check_ge "$sdev tx_frames delta" "$txf" 1
		check_ge "$sdev tx_gso_frames delta" "$txg" 1
		tso=$(ethtool_feature "$svf" tcp-segmentation-offload "$shv")
		if [[ "$tso" == on* ]]; then
			check_eq "$sdev tx_gso_vf_xmits delta (= tx_gso_frames: one VF xmit per GSO frame, $svf has TSO)" \
				"$txgx" "$txg"
		else
			check_ge "$sdev tx_sw_gso delta ($svf without TSO)" "$txsw" 1
		fi
		check_ge "$rdev rx_frames delta" "$rxf" 1
		check_ge "$rdev rx_segs delta (> rx_frames $rxf)" "$rxs" $((rxf + 1))
		# GRO merged the segments: most did not need reassembly.
		[[ "$rxs" =~ ^[0-9]+$ && "$rxq" =~ ^[0-9]+$ ]] && [ $((rxq * 2)) -ge "$rxs" ] &&
			fail "$rdev: $rxq of $rxs segments went to reassembly (GRO did not merge them)"
	else
		got=$((pkts - lostp))
		check_ge "UDP datagrams received" "$got" 1
		[ "${lost%.*}" -le "$UDP_MAX_LOSS" ] 2>/dev/null ||
			fail "UDP loss $lost % > $UDP_MAX_LOSS %"
		check_ge "$sdev tx_frames delta" "$txf" "$got"
		check_ge "$rdev rx_frames delta" "$rxf" "$got"
	fi
	log_test "$desc"
}

test_iperf()
{
	local id=$1
	local t4=$2
	local t6=$3
	local what=$4
	local dst=$t4

	[ "$t4" = - ] && dst=$t6
	if ! iperf3_server "tenantb$id" $PORT; then
		fail "iperf3 server did not start in tenantb$id"
		log_test "iperf3 over $what"
		return
	fi
	iperf_case "$id" tcp "$dst" AB "$what"
	iperf_case "$id" tcp "$dst" BA "$what"
	iperf_case "$id" udp "$dst" AB "$what"
	iperf_case "$id" udp "$dst" BA "$what"
}

# The hypervisors' TCP stacks: give them the VTEP addresses, so that an
# overlay segment reaching IP would be a TCP segment for a local address
# without socket (counted in InSegs and answered with a RST).
test_host_tcp()
{
	local a_in0 a_rst0 b_in0 b_rst0 a_in1 a_rst1 b_in1 b_rst1
	# shellcheck disable=SC2034 # filled by ovl_snap (nameref)
	local -A r0 r1
	local res1 res2
	local segs

	defer_scope_push
	if ip addr add $L4_A/24 dev pfa0vf0; then
		defer ip addr del $L4_A/24 dev pfa0vf0
	else
		fail "cannot add $L4_A to pfa0vf0"
	fi
	if ip -n "$HVB" addr add $L4_B/24 dev pfb0vf0; then
		defer ip -n "$HVB" addr del $L4_B/24 dev pfb0vf0
	else
		fail "cannot add $L4_B to pfb0vf0"
	fi
	a_in0=$(ovl_snmp - Tcp InSegs)
	a_rst0=$(ovl_snmp - Tcp OutRsts)
	b_in0=$(ovl_snmp "$HVB" Tcp InSegs)
	b_rst0=$(ovl_snmp "$HVB" Tcp OutRsts)
	ovl_snap r0 vnb0 tenantb0
	res1=$(ovl_iperf3 tenanta0 "$T4_B" $PORT 2)
	res2=$(ovl_iperf3 tenanta0 "$T4_B" $PORT 2 -R)
	ovl_snap r1 vnb0 tenantb0
	a_in1=$(ovl_snmp - Tcp InSegs)
	a_rst1=$(ovl_snmp - Tcp OutRsts)
	b_in1=$(ovl_snmp "$HVB" Tcp InSegs)
	b_rst1=$(ovl_snmp "$HVB" Tcp OutRsts)
	segs=$(ovl_delta r0 r1 rx_segs)
	log_info "host TCP: A InSegs +$((a_in1 - a_in0)) OutRsts +$((a_rst1 - a_rst0))," \
		"B InSegs +$((b_in1 - b_in0)) OutRsts +$((b_rst1 - b_rst0)); vnb0 rx_segs +$segs"
	if [ -z "$res1" ] || [ -z "$res2" ]; then
		fail "iperf3 failed (A->B '$res1', B->A '$res2')"
	fi
	check_ge "vnb0 rx_segs delta (overlay traffic flowed)" "$segs" 100
	check_eq "hypervisor A TcpInSegs delta" $((a_in1 - a_in0)) 0
	check_eq "hypervisor A TcpOutRsts delta" $((a_rst1 - a_rst0)) 0
	check_eq "hypervisor B TcpInSegs delta" $((b_in1 - b_in0)) 0
	check_eq "hypervisor B TcpOutRsts delta" $((b_rst1 - b_rst0)) 0
	defer_scope_pop
	log_test "host TCP stacks never see overlay segments (VTEP IPs on the VFs)"
}

# Injector netns tenantx0 whose frames reach vna0's transmit through tc
# (no MTU check on the way) and which gets whatever vna0 receives.
setup_injector()
{
	local macx

	ovl_tenant_ns tenantx0 || return 1
	ip -n tenanta0 link add ovx0 type veth peer name ovx1 netns tenantx0 || return 1
	defer ip -n tenanta0 link del ovx0
	ip -n tenanta0 link set ovx0 up || return 1
	ip -n tenantx0 link set ovx1 up || return 1
	addr_add ovx1 tenantx0 $X4/24 $X6/64 || return 1
	macx=$(dev_mac ovx1 tenantx0)
	# An ICMP error the VNIC's netns would route to the injector goes
	# through ovx0 too.
	ip -n tenanta0 route add $X4/32 dev ovx0 || return 1
	ip -n tenanta0 -6 route add $X6/128 dev ovx0 || return 1
	ip -n tenanta0 neigh add $X4 lladdr "$macx" dev ovx0 nud permanent || return 1
	ip -n tenanta0 -6 neigh add $X6 lladdr "$macx" dev ovx0 nud permanent || return 1
	nsrun tenanta0 tc qdisc add dev ovx0 ingress || return 1
	nsrun tenanta0 tc filter add dev ovx0 ingress matchall \
		action mirred egress redirect dev vna0 || return 1
	defer nsrun tenanta0 tc qdisc del dev vna0 ingress
	nsrun tenanta0 tc qdisc add dev vna0 ingress || return 1
	nsrun tenanta0 tc filter add dev vna0 ingress matchall \
		action mirred egress redirect dev ovx0 || return 1
}

# icmp_errors 4|6: ICMP "destination unreachable" / ICMPv6 "packet too big"
# messages the injector received
icmp_errors()
{
	if [ "$1" = 4 ]; then
		ovl_snmp tenantx0 Icmp InDestUnreachs
	else
		ovl_snmp6 tenantx0 Icmp6InPktTooBigs
	fi
}

icmp_above()
{
	[ "$(icmp_errors "$1")" -gt "$2" ]
}

# too_big_case 4|6
too_big_case()
{
	local fam=$1
	local mtu
	local dst="$T4_B"
	local hdr=28
	local icmp0 icmp1
	# shellcheck disable=SC2034 # filled by ovl_snap (nameref)
	local -A s0 s1
	local out
	local drops
	local rt
	local name="ICMP fragmentation needed"

	mtu=$(dev_mtu vna0 tenanta0)
	if [ "$fam" = 6 ]; then
		dst="$T6_B"
		hdr=48
		name="ICMPv6 packet too big"
	fi
	# Exactly the MTU passes.
	nsrun tenantx0 ping -"$fam" -q -c 2 -i 0.2 -w 10 -M "do" -s $((mtu - hdr)) "$dst" >/dev/null 2>&1 ||
		fail "IPv$fam DF ping of exactly the MTU ($mtu) through vna0 failed"

	ovl_snap s0 vna0 tenanta0
	icmp0=$(icmp_errors "$fam")
	# 8 bytes over the MTU, DF (IPv6: never fragmented by routers)
	out=$(nsrun tenantx0 ping -"$fam" -c 2 -i 0.5 -W 2 -M "do" -s $((mtu - hdr + 8)) "$dst" 2>&1)
	wait_until 5 icmp_above "$fam" "$icmp0"
	icmp1=$(icmp_errors "$fam")
	rt=$(ip -n tenantx0 -"$fam" route get "$dst" 2>&1)
	ovl_snap s1 vna0 tenanta0
	drops=$(ovl_delta s0 s1 tx_drop_too_big)
	log_info "IPv$fam $((mtu + 8))-byte DF packet: vna0 tx_drop_too_big +$drops," \
		"injector ICMP errors +$((icmp1 - icmp0)); route: $(tr '\n' ' ' <<<"$rt");" \
		"ping: $(grep -iE 'mtu|frag|too big|too long' <<<"$out" | head -n 2 | tr '\n' ' ')"
	check_ge "vna0 tx_drop_too_big delta" "$drops" 1
	check_ge "ICMP errors received by the sender" $((icmp1 - icmp0)) 1
	grep -qE "mtu $mtu( |$)" <<<"$rt" ||
		fail "the sender's PMTU to $dst is not the VNIC MTU $mtu: '$(tr '\n' ' ' <<<"$rt")'"
	log_test "oversized IPv$fam DF frame: tx_drop_too_big and $name (mtu $mtu)"
}

test_too_big()
{
	defer_scope_push
	if ! setup_injector || ! ovl_ping tenantx0 "$T4_B" || ! ovl_ping tenantx0 "$T6_B"; then
		fail "injector path (veth + tc redirect to vna0) does not pass traffic"
		log_test "oversized frames: injector setup"
		defer_scope_pop
		return
	fi
	too_big_case 4
	too_big_case 6
	defer_scope_pop
}

# sniff_case ID OTHER PATTERN: pings of pair ID carrying PATTERN are seen
# in pair ID's B tenant and in none of pair OTHER's tenants.
sniff_case()
{
	local id=$1
	local other=$2
	local pat=$3
	local f
	local pc pa pb c a b d
	# shellcheck disable=SC2034 # filled by ovl_snap (nameref)
	local -A a0 a1 b0 b1
	local wa wb

	f=$(mktemp /tmp/ovl_sniff.XXXXXX)
	ovl_snap a0 "vna$other" "tenanta$other"
	ovl_snap b0 "vnb$other" "tenantb$other"
	ovl_sniff_start "tenantb$id" "vnb$id" "$pat" "$f.ctl" || fail "sniffer in tenantb$id did not start"
	pc=$OVL_SNIFF_PID
	ovl_sniff_start "tenanta$other" "vna$other" "$pat" "$f.a" || fail "sniffer in tenanta$other did not start"
	pa=$OVL_SNIFF_PID
	ovl_sniff_start "tenantb$other" "vnb$other" "$pat" "$f.b" || fail "sniffer in tenantb$other did not start"
	pb=$OVL_SNIFF_PID
	for d in "$T4_B" "$T6_B"; do
		nsrun "tenanta$id" ping -q -c 5 -i 0.2 -w 10 -p "$pat" "$d" >/dev/null 2>&1 ||
			fail "ping tenanta$id -> $d failed"
	done
	for d in "$T4_A" "$T6_A"; do
		nsrun "tenantb$id" ping -q -c 5 -i 0.2 -w 10 -p "$pat" "$d" >/dev/null 2>&1 ||
			fail "ping tenantb$id -> $d failed"
	done
	sleep 0.5
	ovl_sniff_stop "$pc" "$f.ctl"
	c=$OVL_SNIFF_COUNT
	ovl_sniff_stop "$pa" "$f.a"
	a=$OVL_SNIFF_COUNT
	ovl_sniff_stop "$pb" "$f.b"
	b=$OVL_SNIFF_COUNT
	rm -f "$f" "$f".*
	ovl_snap a1 "vna$other" "tenanta$other"
	ovl_snap b1 "vnb$other" "tenantb$other"
	wa=$(ovl_delta a0 a1 rx_drop_wrong_vni)
	wb=$(ovl_delta b0 b1 rx_drop_wrong_vni)
	log_info "pattern $pat: seen $c times on vnb$id, $a on vna$other, $b on vnb$other;" \
		"wrong-VNI drops vna$other +$wa vnb$other +$wb"
	check_ge "frames with the pattern on vnb$id (control)" "$c" 20
	check_eq "frames with pair $id's pattern on vna$other" "$a" 0
	check_eq "frames with pair $id's pattern on vnb$other" "$b" 0
	check_eq "vna$other rx_drop_wrong_vni delta" "$wa" 0
	check_eq "vnb$other rx_drop_wrong_vni delta" "$wb" 0
}

test_isolation()
{
	if ! ovl_pair_up -m $MAC_A $MAC_B 1 1 $VNI2 $VNI2 $L4_A1 $L4_B1; then
		fail "$OVL_ERR"
		log_test "setup: pair 1 (pfa0 vf 1 <-> pfb0 vf 1), VNI $VNI2, same tenant IPs and MACs"
		ovl_pair_down 1
		return
	fi
	log_test "setup: pair 1 (pfa0 vf 1 <-> pfb0 vf 1), VNI $VNI2, same tenant IPs and MACs"
	ping_both 1 "VNI $VNI2 pair next to VNI $VNI with the same tenant IPs"
	sniff_case 0 1 0a5e1e55
	log_test "isolation: VNI $VNI traffic never reaches VNI $VNI2's tenants"
	sniff_case 1 0 0b5e1e66
	log_test "isolation: VNI $VNI2 traffic never reaches VNI $VNI's tenants"
	ovl_pair_down 1
}

test_wrong_vni()
{
	# shellcheck disable=SC2034 # filled by ovl_snap (nameref)
	local -A a0 a1 b0 b1
	local wa wb fa fb

	if ! ovl_pair_up 2 1 $VNI $((VNI + 1)) $L4_A2 $L4_B2; then
		fail "$OVL_ERR"
		log_test "mismatched VNIs $VNI vs $((VNI + 1)): setup"
		ovl_pair_down 2
		return
	fi
	ovl_snap a0 vna2 tenanta2
	ovl_snap b0 vnb2 tenantb2
	nsrun tenanta2 ping -q -c 3 -i 0.5 -w 3 "$T4_B" >/dev/null 2>&1 &&
		fail "ping tenanta2 -> $T4_B works across VNIs $VNI/$((VNI + 1))"
	nsrun tenantb2 ping -q -c 3 -i 0.5 -w 3 "$T4_A" >/dev/null 2>&1 &&
		fail "ping tenantb2 -> $T4_A works across VNIs $((VNI + 1))/$VNI"
	ovl_snap a1 vna2 tenanta2
	ovl_snap b1 vnb2 tenantb2
	wa=$(ovl_delta a0 a1 rx_drop_wrong_vni)
	wb=$(ovl_delta b0 b1 rx_drop_wrong_vni)
	fa=$(ovl_delta a0 a1 rx_frames)
	fb=$(ovl_delta b0 b1 rx_frames)
	log_info "VNI $VNI vs $((VNI + 1)): vna2 rx_drop_wrong_vni +$wa rx_frames +$fa," \
		"vnb2 rx_drop_wrong_vni +$wb rx_frames +$fb"
	check_ge "vnb2 rx_drop_wrong_vni delta" "$wb" 1
	check_ge "vna2 rx_drop_wrong_vni delta" "$wa" 1
	check_eq "vnb2 rx_frames delta" "$fb" 0
	check_eq "vna2 rx_frames delta" "$fa" 0
	log_test "mismatched VNIs $VNI vs $((VNI + 1)): no traffic, receivers count rx_drop_wrong_vni"

	if check_cmd ip -n tenantb2 link set dev vnb2 type ovnic vni $VNI; then
		check_eq "vnb2 vni" "$(ovnic_data vnb2 vni tenantb2)" $VNI
		ovl_check_ping tenanta2 "$T4_B"
		ovl_check_ping tenantb2 "$T4_A"
	fi
	log_test "changing vnb2's VNI to $VNI at run time lets the pair talk"
	ovl_pair_down 2
}

test_ipv6_underlay()
{
	local vfmtu

	if ! ovl_pair_up 6 1 $VNI $VNI $L6_A $L6_B; then
		fail "$OVL_ERR"
		log_test "setup: pair 6 (pfa0 vf 1 <-> pfb0 vf 1), IPv6 underlay $L6_A <-> $L6_B"
		ovl_pair_down 6
		return
	fi
	log_test "setup: pair 6 (pfa0 vf 1 <-> pfb0 vf 1), IPv6 underlay $L6_A <-> $L6_B"
	vfmtu=$(dev_mtu pfa0vf1)
	check_eq "vna6 MTU (pfa0vf1 MTU $vfmtu - $OVL_OVERHEAD6)" "$(dev_mtu vna6 tenanta6)" $((vfmtu - OVL_OVERHEAD6))
	vfmtu=$(dev_mtu pfb0vf1 "$HVB")
	check_eq "vnb6 MTU (pfb0vf1 MTU $vfmtu - $OVL_OVERHEAD6)" "$(dev_mtu vnb6 tenantb6)" $((vfmtu - OVL_OVERHEAD6))
	check_config vna6 tenanta6 $VNI $L6_A $L6_B
	log_test "IPv6 underlay: MTU = VF MTU - $OVL_OVERHEAD6, ip -d shows the IPv6 endpoints"
	ping_both 6 "IPv6 underlay"
	test_iperf 6 - "$T6_B" "IPv6 in IPv6 underlay"
	ovl_pair_down 6
}

# timed CMD...: run a group of cases, log how long it took
timed()
{
	local t0=$SECONDS

	"$@"
	log_info "($1: $((SECONDS - t0)) s)"
}

timed setup_pair0
test_config
test_ethtool
test_mtu_mac
timed ping_both 0 "IPv4 underlay"
timed test_iperf 0 "$T4_B" - "IPv4 in IPv4 underlay"
timed test_host_tcp
timed test_too_big
timed test_isolation
timed test_wrong_vni
IPERF_SECS=2 timed test_ipv6_underlay

check_dmesg_clean
log_test "kernel log: no warning"
