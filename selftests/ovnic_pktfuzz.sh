#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_pktfuzz.sh - packet fuzzing of the overlay receive path: mutated
# overlay frames at a sustained rate for a fixed time; no crash, no
# warning, no leak, every frame accounted for.
#
# Topology (as ovnic_malformed.sh):
#
#   netns tenanta1                                   netns tenantb1
#   vna1 198.51.100.1                                vnb1 198.51.100.2
#    `- pfa0vf0 --+                                +-- pfb0vf0 -'   (forwards
#   (vni 100,     |                                |  (vni 100, local  to .99,
#    local 192.0.2.1)                              |   192.0.2.2, small  a static
#                 pfa0 ======== wire 0 ======== pfb0    reasm limits)   neighbour)
#   injector:     |                              (hypervisor B: netns hvb)
#    pfa0vf1 -----+  (not owned by ovnic, up, no address, IPv6 off)
#
# It runs twice: over an IPv4 underlay (endpoints 192.0.2.1/.2) for
# FUZZ_PKT_SECONDS (60), then over an IPv6 underlay (2001:db8::a1/::b1,
# spoofed source 2001:db8::c8) for FUZZ_PKT_SECONDS6 (30); each phase makes
# the pair anew and makes every check below.
#
# ovnic_pktfuzz.py builds a seeded pool (FUZZ_SEED, printed) of valid
# overlay frames (whole frames carrying inner IPv4/IPv6/ARP/other, frames
# cut in pieces for reassembly, inner TCP GSO frames with offload state;
# some of them to a host that tenant B forwards back out of vnb1), mutates
# most of them (bit flips, interesting bytes, truncation, extension,
# field-aware changes of the outer IPv4 or IPv6 header, the TCP-shaped
# header and the ovnic option with checksums fixed or stale, duplicate,
# overlapping, straddling, missing, spliced and disagreeing pieces, mutated
# inner frames, IPv6 extension headers) and sends them from pfa0vf1 to
# pfb0vf0's MAC and B's VTEP (outer source: a spoofed endpoint) at
# FUZZ_PKT_PPS (2000, 400 on a debug kernel; 0: as fast as it can); it
# prints the frames sent, the achieved rate and the mix of mutations.
# FUZZ_PKT_UNITS (3000) sizes the pool.
#
# It proves that, on any kernel (stock or debug):
# - the kernel logs no warning, oops or refcount report, and no ovnic
#   message, during the fuzzing and after it;
# - every packet pfb0vf0 received is accounted for by vnb1's counters:
#   with D = the drops decided before a header is accepted (rx_drop_
#   not_overlay, short, bad_shape, bad_version, bad_flags, bad_csum,
#   wrong_vni, vnic_down), S = rx_segs (segments with a valid header: a
#   GRO packet counts its segments) and N = rx_neigh, each of those packets
#   adds at most one to D + S + N (GRO may merge several), and each packet
#   that reached ovnic adds at least one to D + S + N + rx_drop_bad_length
#   + rx_drop_bad_offload + rx_drop_nomem: so D + S + N <= VF received and
#   D + S + N + those three >= VF received minus what GRO merged; the
#   drops moved for many reasons (>= 8), valid frames were delivered
#   (rx_frames beyond the ping's), reassembled (rx_reasm_done), timed out,
#   found duplicate and overlapping; reassembly bookkeeping holds: frames
#   completed + timed out + dropped for overlap <= pieces queued;
# - the reassembly gauges stayed within their limits during the fuzzing
#   (sampled) and are back to 0 after the reassembly timeout; vnb1's and
#   vna1's pools are back to 0 charged;
# - a tenant ping A -> B (-i 0.2) keeps working during the fuzzing (loss
#   at most FUZZ_PKT_PING_LOSS %, default 5) and loses nothing after it;
# - hypervisor B's own IPv4/IPv6/TCP stack (netns hvb) receives none of
#   the frames (no TCP segment, no RST, no IPv4 or unicast IPv6 packet);
# - the module unloads and loads again (rmmod/insmod: no reference held by
#   a lost skb or a timer).
#
# Replay: FUZZ_SEED=<seed> (and the same FUZZ_PKT_UNITS) rebuilds the same
# pool (each phase prints its own seed); "ovnic_pktfuzz.py --seed S --show
# N" prints unit N of the pool (add "--src 2001:db8::c8 --dst 2001:db8::b1"
# for the IPv6 phase's; the progress lines name the unit being sent),
# FUZZ_PKT_ONLY=N sends unit N alone (the outcome checks then fail, the
# kernel checks still apply).

source "$(dirname "$(readlink -f "$0")")/lib.sh"

FUZZER=$OVNIC_SELFTESTS/ovnic_pktfuzz.py
VNI=100
LA=192.0.2.1
LB=192.0.2.2
SPOOF4=192.0.2.200
LA6=2001:db8::a1
LB6=2001:db8::b1
SPOOF6=2001:db8::c8
INJ=pfa0vf1
REASM_TIMEOUT=300
REASM_MEM=524288
REASM_FRAMES=64
FWD4=198.51.100.99
FWD6=2001:db8:100::99
FWD_MAC=02:00:00:00:0f:99
FUZZ_PKT_SECONDS=${FUZZ_PKT_SECONDS:-60}
FUZZ_PKT_SECONDS6=${FUZZ_PKT_SECONDS6:-30}
# The debug kernel (KASAN, lockdep...) sends ~680 pps from one sender
# under TCG: its default rate is one it sustains with margin.
if on_slow_machine; then
	FUZZ_PKT_PPS=${FUZZ_PKT_PPS:-400}
else
	FUZZ_PKT_PPS=${FUZZ_PKT_PPS:-2000}
fi
FUZZ_PKT_PING_LOSS=${FUZZ_PKT_PING_LOSS:-5}
export FUZZ_PKT_SECONDS FUZZ_PKT_PPS
# Drops decided before a header is accepted (one per packet or GRO packet)
PRE_DROPS='^rx_drop_(vnic_down|not_overlay|short|bad_shape|bad_version|bad_flags|bad_csum|wrong_vni)$'

ovnic_init

WORK=$(mktemp -d /tmp/ovnic_pktfuzz.XXXXXX)
defer rm -rf "$WORK"

# vf_rx: packets pfb0vf0 received (igbvf refreshes them every 2 s)
vf_rx()
{
	dev_sysfs pfb0vf0 "$HVB" statistics/rx_packets
}

# gauge NAME: an "ethtool -S vnb1" gauge or counter
gauge()
{
	ethtool_stat vnb1 "$1" tenantb1
}

gauges_idle()
{
	[ "$(gauge reasm_mem)" = 0 ] && [ "$(gauge reasm_frames)" = 0 ]
}

# d NAME: delta of vnb1's counter NAME between fuzz_phase's snapshots
# (its locals "before" and "after")
d()
{
	ovl_delta before after "$1"
}

pools_idle()
{
	[ "$(gauge pool_charged)" = 0 ] &&
		[ "$(ethtool_stat vna1 pool_charged tenanta1)" = 0 ]
}

if ! injector_up "$INJ"; then
	fail "$INJ: no carrier"
	log_test "injector $INJ up"
	exit "$KSFT_FAIL"
fi
INJ_MAC=$(dev_mac $INJ)

# hv_rx NAME: what hypervisor B's own stack took in (netns hvb): "Tcp
# InSegs" style names of /proc/net/snmp, or Ip6InUnicast: IPv6 packets
# received less multicast ones (the PFs' IPv6 stacks hear the wire's MLD
# and ND multicast; every fuzzed frame is unicast).
hv_rx()
{
	case $1 in
	Ip6InUnicast)
		echo $(($(ovl_snmp6 "$HVB" Ip6InReceives) - $(ovl_snmp6 "$HVB" Ip6InMcastPkts)))
		;;
	*) ovl_snmp "$HVB" "${1%% *}" "${1#* }" ;;
	esac
}

# fuzz_phase UNDERLAY LOCAL_A LOCAL_B SPOOF SECONDS: overlay pair 1 with
# endpoints LOCAL_A/LOCAL_B, the fuzzer's frames from SPOOF for SECONDS,
# then every check; the pair is deleted at the end.
fuzz_phase()
{
	local u=$1
	local la=$2
	local lb=$3
	local spoof=$4
	local secs=$5
	local hv_counters=("Tcp InSegs" "Tcp OutRsts" "Ip InReceives")
	local -A hv0=()
	local dst_mac
	local in_dst_mac
	local c
	local rc
	local start
	local fuzz_s
	local summary
	local sent
	local pps
	local seed
	local ptx
	local prx
	local lost
	local ping_pid
	local sampler_pid
	local kmsg_start
	local vf0
	local vf1
	local max_mem
	local max_frames
	local samples
	local pre_drops
	local drops_what
	local reasons
	local segs
	local neigh
	local late
	local vf
	local low
	local high
	local fin
	local bad
	# shellcheck disable=SC2034 # filled and read through namerefs
	local -A before=() after=()

	[ "$u" = IPv6 ] && hv_counters[2]=Ip6InUnicast
	defer_scope_push
	if ! ovl_pair_up 1 0 $VNI $VNI "$la" "$lb" reasm-mem $REASM_MEM \
		reasm-frames $REASM_FRAMES reasm-timeout $REASM_TIMEOUT; then
		fail "overlay pair: $OVL_ERR"
		log_test "$u underlay: overlay pair up"
		defer_scope_pop
		return
	fi
	ovl_check_ping tenanta1 "$OVL_TENANT4_B"
	dst_mac=$(dev_mac pfb0vf0 "$HVB")
	in_dst_mac=$(dev_mac vnb1 tenantb1)
	if [ -z "$dst_mac" ] || [ -z "$in_dst_mac" ]; then
		fail "cannot read the MACs"
	fi
	# Tenant B forwards what is sent to FWD4/FWD6 back out of vnb1.
	ip netns exec tenantb1 sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 net.ipv4.conf.all.send_redirects=0 \
		net.ipv4.conf.vnb1.send_redirects=0 >/dev/null
	check_err $? "tenantb1: cannot enable forwarding"
	ip -n tenantb1 neigh replace "$FWD4" lladdr $FWD_MAC dev vnb1 nud permanent &&
		ip -n tenantb1 neigh replace "$FWD6" lladdr $FWD_MAC dev vnb1 nud permanent
	check_err $? "tenantb1: cannot add the forwarding neighbours"
	log_test "$u underlay: pair 1 up ($la <-> $lb), ping works, injector $INJ $INJ_MAC -> $dst_mac"

	sleep 2.5
	vf0=$(vf_rx)
	ovl_snap before vnb1 tenantb1
	for c in "${hv_counters[@]}"; do
		hv0[$c]=$(hv_rx "$c")
	done
	kmsg_start=$(dmesg_mark && echo "$KMSG_MARK")

	ip netns exec tenanta1 ping -4 -i 0.2 "$OVL_TENANT4_B" >"$WORK/ping" 2>&1 &
	ping_pid=$!
	defer bg_stop "$ping_pid"
	ovl_sampler_start tenantb1 vnb1 "$WORK/gauges" 0.5
	sampler_pid=$BG_PID

	start=$SECONDS
	"$PYTHON" "$FUZZER" --iface $INJ --dst-mac "$dst_mac" --src-mac "$INJ_MAC" \
		--src "$spoof" --dst "$lb" --vni $VNI --inner-dst-mac "$in_dst_mac" \
		--inner-dst "$OVL_TENANT4_B" --inner-dst6 "$OVL_TENANT6_B" \
		--fwd-dst $FWD4 --fwd-dst6 $FWD6 --seconds "$secs" \
		--forbid "$la" --forbid "$OVL_TENANT4_A" --forbid "$OVL_TENANT6_A" \
		--summary "$WORK/summary.json"
	rc=$?
	fuzz_s=$((SECONDS - start))
	check_err "$rc" "fuzzer failed (exit $rc)"
	sleep 1
	read -r ptx prx <<<"$(ping_stop "$ping_pid" "$WORK/ping")"
	bg_stop "$sampler_pid"
	summary=$(cat "$WORK/summary.json" 2>/dev/null)
	sent=$(json_get 'd["sent"]' <<<"$summary")
	pps=$(json_get 'd["pps"]' <<<"$summary")
	seed=$(json_get 'd["seed"]' <<<"$summary")
	check_ge "frames sent" "${sent:-0}" 1000
	if [ "$FUZZ_PKT_PPS" -gt 0 ] && [ $((${pps:-0} * 10)) -lt $((FUZZ_PKT_PPS * 8)) ]; then
		fail "rate not sustained: $pps pps of $FUZZ_PKT_PPS"
	fi
	log_info "fuzzing took $fuzz_s s: $sent frames, $pps pps; replay: FUZZ_SEED=$seed" \
		"FUZZ_PKT_UNITS=${FUZZ_PKT_UNITS:-3000} (FUZZ_PKT_ONLY=N: unit N alone)"
	log_test "$u underlay: fuzz: $sent frames in $secs s at $pps pps (seed $seed)"

	ptx=${ptx:-0}
	prx=${prx:-0}
	check_ge "ping requests during the fuzzing" "$ptx" 10
	lost=$((ptx - prx))
	log_info "ping during the fuzzing: $prx/$ptx replies"
	if [ $((lost * 100)) -gt $((ptx * FUZZ_PKT_PING_LOSS)) ]; then
		fail "ping lost $lost of $ptx (bound $FUZZ_PKT_PING_LOSS %)"
	fi
	log_test "$u underlay: tenant ping during the fuzzing: $prx/$ptx (loss <= $FUZZ_PKT_PING_LOSS %)"

	# Let the reassembly table time out what it holds, the VF's statistics
	# refresh (igbvf: every 2 s).
	wait_until 10 gauges_idle
	check_err $? "reassembly still holds $(gauge reasm_frames) frames, $(gauge reasm_mem) bytes"
	sleep 2.5
	vf1=$(vf_rx)
	ovl_snap after vnb1 tenantb1
	log_test "$u underlay: reassembly table empty after the timeout ($REASM_TIMEOUT ms)"

	max_mem=$(ovl_sampler_max "$WORK/gauges" 1)
	max_frames=$(ovl_sampler_max "$WORK/gauges" 2)
	samples=$(grep -c . "$WORK/gauges")
	log_info "reassembly gauges: $samples samples, max $max_mem bytes of $REASM_MEM," \
		"max $max_frames frames of $REASM_FRAMES, peak $(gauge reasm_mem_peak)"
	check_ge "gauge samples" "$samples" 5
	[ "$max_mem" -le "$REASM_MEM" ] || fail "reasm_mem $max_mem over its limit $REASM_MEM"
	[ "$max_frames" -le "$REASM_FRAMES" ] || fail "reasm_frames $max_frames over its limit $REASM_FRAMES"
	[ "$(gauge reasm_mem_peak)" -le "$REASM_MEM" ] || fail "reasm_mem_peak over the limit"
	log_test "$u underlay: reassembly gauges within their limits during the fuzzing"

	ovl_delta_sum before after "$PRE_DROPS"
	pre_drops=$OVL_DELTA_SUM
	ovl_delta_sum before after '^rx_drop_'
	drops_what=$OVL_DELTA_WHAT
	reasons=$(wc -w <<<"$drops_what")
	segs=$(d rx_segs)
	neigh=$(d rx_neigh)
	late=$(($(d rx_drop_bad_length) + $(d rx_drop_bad_offload) + $(d rx_drop_nomem)))
	vf=$((vf1 - vf0))
	low=$((pre_drops + segs + neigh))
	high=$((low + late))
	log_info "pfb0vf0 received $vf packets (fuzzer sent $sent, ping $ptx)"
	log_info "vnb1 drops: $drops_what"
	log_info "vnb1 events: rx_frames+$(d rx_frames) rx_segs+$segs rx_fast+$(d rx_fast)" \
		"rx_reasm_queued+$(d rx_reasm_queued) rx_reasm_done+$(d rx_reasm_done)" \
		"rx_neigh+$neigh tx_frames+$(d tx_frames) tx_gso_frames+$(d tx_gso_frames)"
	log_info "accounting: D+S+N = $low <= $vf received <= ... D+S+N+late = $high"
	[ "$low" -le "$vf" ] || fail "counted $low packets (D+S+N), more than the $vf pfb0vf0 received"
	# GRO merges only packets of one flow with the same option bytes in a
	# row: allow 10 %.
	[ $((high * 10)) -ge $((vf * 9)) ] || fail "only $high of the $vf packets pfb0vf0 received are counted"
	check_ge "packets received by pfb0vf0" "$vf" $((sent / 4))
	log_test "$u underlay: every packet received is accounted for ($low..$high of $vf)"

	check_ge "drop reasons moved" "$reasons" 8
	check_ge "rx_frames beyond the ping's" "$(d rx_frames)" $((ptx + 100))
	for c in rx_reasm_queued rx_reasm_done rx_drop_reasm_timeout rx_drop_reasm_dup \
		rx_drop_reasm_overlap rx_drop_bad_csum rx_drop_bad_shape rx_drop_short \
		rx_drop_bad_length rx_drop_nested; do
		check_ge "$c" "$(d "$c")" 1
	done
	fin=$(($(d rx_reasm_done) + $(d rx_drop_reasm_timeout) + $(d rx_drop_reasm_overlap)))
	[ "$fin" -le "$(d rx_reasm_queued)" ] ||
		fail "reassembly: $fin frames completed/timed out/overlapped, only $(d rx_reasm_queued) pieces queued"
	log_test "$u underlay: outcomes: $reasons drop reasons, delivered, reassembled, timed out"

	wait_until 15 pools_idle
	check_err $? "pool charge not back to 0: vnb1 $(gauge pool_charged), vna1 $(ethtool_stat vna1 pool_charged tenanta1)"
	log_info "pool peak: vnb1 $(gauge pool_peak), vna1 $(ethtool_stat vna1 pool_peak tenanta1)"
	log_test "$u underlay: memory pools of vnb1 and vna1 back to 0 charged"

	ovl_check_ping tenanta1 "$OVL_TENANT4_B" 5
	nsrun tenanta1 ping -4 -q -c 10 -i 0.2 -W 2 "$OVL_TENANT4_B" >"$WORK/ping2" 2>&1
	check_err $? "ping after the fuzzing: $(grep -E 'transmitted' "$WORK/ping2")"
	log_test "$u underlay: tenant ping after the fuzzing: no loss"

	for c in "${hv_counters[@]}"; do
		check_eq "hvb $c delta" $(($(hv_rx "$c") - ${hv0[$c]:-0})) 0
	done
	log_test "$u underlay: hypervisor B's own stack saw none of the frames (${hv_counters[*]})"

	check_dmesg_clean
	bad=$(dmesg | __dmesg_after "$kmsg_start" | grep -E 'ovnic|vn[ab]1' | head -n 5)
	[ -z "$bad" ] || fail "kernel log about ovnic: $(tr '\n' '|' <<<"$bad")"
	log_test "$u underlay: kernel log: no warning, no ovnic message"
	defer_scope_pop
}

fuzz_phase IPv4 $LA $LB $SPOOF4 "$FUZZ_PKT_SECONDS"
fuzz_phase IPv6 $LA6 $LB6 $SPOOF6 "$FUZZ_PKT_SECONDS6"

defer_run_all
module_reload_case
