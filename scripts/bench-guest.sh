#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ovnic benchmark, run inside the test VM by "make bench" (scripts/vm.sh
# --bench) after the topology is up and ovnic.ko is loaded. Three parts, in
# this order (BENCH_PARTS, default "throughput failover balance pool"):
#
#   throughput  ovnic overlay vs raw VF vs vxlan vs geneve (below)
#   failover    outage and losses of a 2000 pps UDP stream when the active
#               PNIC's carrier is cut: ovnic active-backup vs Linux bonding
#               (miimon, arp_interval); see "failover" further down
#   balance     iperf3 -P 8 over an ovnic balance VNIC on two PNICs vs a
#               one-lower VNIC; see "balance" further down
#   pool        a victim VNIC's TCP throughput alone and while another VNIC
#               on the same PF floods, with memory pools and without; see
#               "pool" further down
#
# Throughput: iperf3 TCP, one stream (tcp1) and four streams
# (tcp4, -P 4), from hypervisor A (init netns) to hypervisor B (netns hvb)
# over the same two VFs (pfa0vf0 and pfb0vf0, wire 0) in four
# configurations, each set up, measured and torn down in turn:
#
#   raw     192.0.2.1/24 on pfa0vf0, 192.0.2.2/24 on pfb0vf0: no tunnel
#   ovnic   overlay VNICs (vni 100, VTEPs 192.0.2.1/.2) on VF 0 of pfa0
#           and pfb0, tenant addresses 198.51.100.1/.2 on the VNICs
#   vxlan   the raw underlay plus vxlan id 100 (dev pfa0vf0, port 4789)
#   geneve  the raw underlay plus geneve id 100 (routes pick the VF)
#
# Every configuration is measured BENCH_ROUNDS times (default 5); the
# rounds alternate the order of the configurations (ABCD, DCBA, ...) to
# cancel drift of the emulation's speed, and each figure is the MEDIAN of
# the rounds (robust to a round or two disturbed by the host).
# From ovnic's ethtool -S counters (all ovnic runs summed):
#   vf_xmits_per_64k = tx_gso_vf_xmits / tx_gso_frames on the sender,
#   rx_segs_per_skb  = rx_segs / rx_frames on the receiver.
# A short traced run per configuration (net_dev_start_xmit on the sending
# VF, netif_receive_skb on the receiving VF) gives the average size of what
# the VFs transmit and of what GRO hands up, to show whether TSO and GRO
# do their work in each configuration.
#
# Output: one "bench: <name> <value>" line per figure (two decimals),
# "#" lines for details. Exits 1 only when a configuration cannot pass
# traffic; the ratios are reported, not judged.
#
# Environment: BENCH_PARTS (above), BENCH_SECS (5), BENCH_ROUNDS (5),
# BENCH_CONFIGS ("raw ovnic vxlan geneve"), BENCH_TRACE (1: do the traced
# runs), BENCH_TNL_VF_TX (off: the VFs' tx checksum offload, and with it
# their TSO, is off for vxlan and geneve; see vf_tx_csum below);
# failover: BENCH_PPS (2000), BENCH_FAILOVER_REPS (3),
# BENCH_FAILOVER_WINDOW (3 s cut), BENCH_FAILOVER_CASES ("bonding_miimon
# bonding_arp ovnic"; bonding first: see bond_up), BENCH_FAILOVER_REVERSE
# (1: also a stream the other way, receiver -> A), BENCH_FAILOVER_REVERSE_PPS
# (BENCH_PPS / 4); balance: BENCH_BALANCE_STREAMS (8),
# BENCH_BALANCE_ROUNDS (3); pool: BENCH_POOL_ROUNDS (5),
# BENCH_POOL_FLOOD_LIMIT (256K: the flooding VNIC's own pool).

# The configurations' functions are called by name ("${cfg}_up").
# shellcheck disable=SC2317
set -eu

NS=hvb
VF_A=pfa0vf0
VF_B=pfb0vf0
UL_A=192.0.2.1
UL_B=192.0.2.2
TN_A=198.51.100.1
TN_B=198.51.100.2
SECS=${BENCH_SECS:-5}
ROUNDS=${BENCH_ROUNDS:-5}
CONFIGS=${BENCH_CONFIGS:-raw ovnic vxlan geneve}
PARTS=${BENCH_PARTS:-throughput failover balance pool}
TRACE=${BENCH_TRACE:-1}
TNL_VF_TX=${BENCH_TNL_VF_TX:-off}
TRACEFS=/sys/kernel/tracing
PORT=5201

export LC_ALL=C
export IP_LIB_DIR=${IP_LIB_DIR:-${OVNIC_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}/tools/iproute2}

declare -A MBPS		# "<cfg>_<test>" -> "v1 v2 ..."
declare -A CNT		# ovnic counter deltas, summed over the ovnic runs
declare -A FAILED	# cfg -> reason
server_pid=
cur_cfg=

note() {
	echo "# $*"
}

# ip in the netns of hypervisor $1 (a or b), or in netns $1.
hip() {
	local ns=$1

	shift
	case $ns in
	a) ip "$@" ;;
	b) ip -n "$NS" "$@" ;;
	*) ip -n "$ns" "$@" ;;
	esac
}

# Wait up to $3 s for device $2 of hypervisor $1 to have carrier.
wait_carrier() {
	local i

	for ((i = 0; i < $3 * 5; i++)); do
		hip "$1" link show dev "$2" 2>/dev/null | grep -q LOWER_UP && return 0
		sleep 0.2
	done
	note "no carrier on $2 after $3 s"
	return 1
}

# Wait up to 15 s until A reaches address $1 (ping).
wait_reach() {
	local i

	for ((i = 0; i < 15; i++)); do
		ping -c 1 -W 1 -q "$1" >/dev/null 2>&1 && return 0
	done
	note "$1 is not reachable from A"
	return 1
}

# --- configurations: <cfg>_up (prints nothing on success, returns 1 on
# failure), <cfg>_down (best effort), <cfg>_dst (the iperf3 server address)

underlay_up() {
	ip addr add "$UL_A/24" dev "$VF_A" || return 1
	ip -n "$NS" addr add "$UL_B/24" dev "$VF_B" || return 1
	ip link set "$VF_A" up || return 1
	ip -n "$NS" link set "$VF_B" up || return 1
	wait_carrier a "$VF_A" 20 && wait_carrier b "$VF_B" 20
}

underlay_down() {
	ip addr flush dev "$VF_A" 2>/dev/null || true
	ip -n "$NS" addr flush dev "$VF_B" 2>/dev/null || true
	ip link set "$VF_A" down 2>/dev/null || true
	ip -n "$NS" link set "$VF_B" down 2>/dev/null || true
	vf_tx_csum on
}

# Transmit checksum offload of both VFs on or off. Offloading a checksum
# that is not the outermost L4 one (the inner TCP checksum of a vxlan or
# geneve packet) does not work on QEMU's emulated igb: the device fills
# the outer L4 header's checksum instead (the receiver counts
# TcpInCsumErrors and no TCP connection comes up). The tunnels therefore
# run with the VFs' tx checksum offload off, which also turns their TSO
# off: the kernel segments and checksums in software before the VF.
vf_tx_csum() {
	ethtool -K "$VF_A" tx "$1" >/dev/null 2>&1 || true
	ip netns exec "$NS" ethtool -K "$VF_B" tx "$1" >/dev/null 2>&1 || true
}

raw_up() {
	underlay_up && wait_reach "$UL_B"
}
raw_down() {
	underlay_down
}
raw_dst() {
	echo "$UL_B"
}

# Tenant device $2 of hypervisor $1 gets address $3, goes up.
tenant_up() {
	hip "$1" addr add "$3/24" dev "$2" && hip "$1" link set "$2" up
}

vxlan_up() {
	[ "$TNL_VF_TX" = on ] || vf_tx_csum off
	underlay_up || return 1
	ip link add vxa type vxlan id 100 local "$UL_A" remote "$UL_B" \
		dev "$VF_A" dstport 4789 || return 1
	ip -n "$NS" link add vxb type vxlan id 100 local "$UL_B" remote "$UL_A" \
		dev "$VF_B" dstport 4789 || return 1
	tenant_up a vxa "$TN_A" && tenant_up b vxb "$TN_B" && wait_reach "$TN_B"
}
vxlan_down() {
	ip link del vxa 2>/dev/null || true
	ip -n "$NS" link del vxb 2>/dev/null || true
	underlay_down
}
vxlan_dst() {
	echo "$TN_B"
}

geneve_up() {
	[ "$TNL_VF_TX" = on ] || vf_tx_csum off
	underlay_up || return 1
	ip link add gna type geneve id 100 remote "$UL_B" || return 1
	ip -n "$NS" link add gnb type geneve id 100 remote "$UL_A" || return 1
	tenant_up a gna "$TN_A" && tenant_up b gnb "$TN_B" && wait_reach "$TN_B"
}
geneve_down() {
	ip link del gna 2>/dev/null || true
	ip -n "$NS" link del gnb 2>/dev/null || true
	underlay_down
}
geneve_dst() {
	echo "$TN_B"
}

ovnic_up() {
	ip link add vna type ovnic pf pfa0 vf 0 vni 100 \
		local "$UL_A" remote "$UL_B" || return 1
	ip -n "$NS" link add vnb type ovnic pf pfb0 vf 0 vni 100 \
		local "$UL_B" remote "$UL_A" || return 1
	tenant_up a vna "$TN_A" && tenant_up b vnb "$TN_B" || return 1
	wait_carrier a vna 20 && wait_carrier b vnb 20 && wait_reach "$TN_B"
}
# The VNICs' drop counters and reasm_mem_peak, read before they go (each
# round's VNICs start from zero): DROPS[vna:rx_drop_x] += value.
declare -A DROPS
ovnic_collect() {
	local dev name v

	for dev in vna vnb; do
		while read -r name v; do
			if [ "$name" != reasm_mem_peak ]; then
				DROPS[$dev:$name]=$((${DROPS[$dev:$name]:-0} + v))
			elif [ "$v" -gt "${DROPS[$dev:$name]:-0}" ]; then
				DROPS[$dev:$name]=$v
			fi
		done < <(if [ "$dev" = vna ]; then ethtool -S vna; else ip netns exec "$NS" ethtool -S vnb; fi 2>/dev/null |
			awk '$1 ~ /(drop.*|reasm_mem_peak):$/ && $2 > 0 { sub(/:$/, "", $1); print $1, $2 }')
	done
}

ovnic_down() {
	ovnic_collect
	ip link del vna 2>/dev/null || true
	ip -n "$NS" link del vnb 2>/dev/null || true
}
ovnic_dst() {
	echo "$TN_B"
}

# Devices whose offload settings are worth showing per configuration.
cfg_devs() {
	case $1 in
	raw) echo "a:$VF_A b:$VF_B" ;;
	ovnic) echo "a:vna a:$VF_A b:vnb b:$VF_B" ;;
	vxlan) echo "a:vxa a:$VF_A b:vxb b:$VF_B" ;;
	geneve) echo "a:gna a:$VF_A b:gnb b:$VF_B" ;;
	esac
}

show_offloads() {
	local d ns dev line

	for d in $(cfg_devs "$1"); do
		ns=${d%%:*}
		dev=${d#*:}
		line=$(if [ "$ns" = a ]; then ethtool -k "$dev"; else ip netns exec "$NS" ethtool -k "$dev"; fi 2>/dev/null |
			awk -F': ' '/^(tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload|tx-udp_tnl-segmentation|tx-checksumming|rx-checksumming):/ {
				sub(/tcp-segmentation-offload/, "tso", $1); sub(/generic-segmentation-offload/, "gso", $1)
				sub(/generic-receive-offload/, "gro", $1); sub(/tx-udp_tnl-segmentation/, "tx-udp_tnl-seg", $1)
				sub(/-checksumming/, "-csum", $1); split($2, v, " ")
				printf "%s=%s ", $1, v[1] }')
		note "$1: $dev (hv ${ns^^}) mtu $(hip "$ns" -o link show dev "$dev" | awk '{for (i = 1; i < NF; i++) if ($i == "mtu") print $(i + 1)}'): $line"
	done
}

# ethtool -S counter $2 of device $1 in hypervisor $3 (0 if absent).
ovnic_stat() {
	local v

	if [ "$3" = a ]; then
		v=$(ethtool -S "$1" 2>/dev/null | awk -v k="$2:" '$1 == k { print $2 }')
	else
		v=$(ip netns exec "$NS" ethtool -S "$1" 2>/dev/null | awk -v k="$2:" '$1 == k { print $2 }')
	fi
	echo "${v:-0}"
}

OVNIC_TX_STATS="tx_frames tx_gso_frames tx_vf_xmits tx_gso_vf_xmits tx_sw_gso tx_head_realloc"
OVNIC_RX_STATS="rx_frames rx_segs rx_fast rx_reasm_queued rx_reasm_done"

# Snapshot of the ovnic counters into SNAP.
declare -A SNAP
ovnic_snapshot() {
	local s

	for s in $OVNIC_TX_STATS; do
		SNAP[$s]=$(ovnic_stat vna "$s" a)
	done
	for s in $OVNIC_RX_STATS; do
		SNAP[$s]=$(ovnic_stat vnb "$s" b)
	done
}

ovnic_accumulate() {
	local s v

	for s in $OVNIC_TX_STATS; do
		v=$(ovnic_stat vna "$s" a)
		CNT[$s]=$((${CNT[$s]:-0} + v - ${SNAP[$s]}))
	done
	for s in $OVNIC_RX_STATS; do
		v=$(ovnic_stat vnb "$s" b)
		CNT[$s]=$((${CNT[$s]:-0} + v - ${SNAP[$s]}))
	done
}

# Start a one-shot iperf3 server in hypervisor B and wait until it listens.
server_start() {
	local i

	ip netns exec "$NS" timeout $((SECS + 60)) iperf3 -s -1 -p "$PORT" \
		>/tmp/bench-iperf3-server.log 2>&1 &
	server_pid=$!
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$NS" ss -ltn 2>/dev/null | grep -q ":$PORT " && return 0
		sleep 0.2
	done
	return 1
}

server_stop() {
	[ -n "$server_pid" ] || return 0
	kill "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
	server_pid=
}

# iperf3 DST STREAMS SECS: prints the receiver's Mbit/s, returns 1 on failure.
iperf() {
	local out mbps

	server_start || { note "iperf3 server did not start" >&2; server_stop; return 1; }
	out=$(timeout $(($3 + 40)) iperf3 -c "$1" -p "$PORT" -t "$3" -O 1 -P "$2" -J \
		--connect-timeout 5000 2>&1) || {
		server_stop
		note "iperf3 -c $1 -P $2 failed: $(jq -r '.error // empty' <<<"$out" 2>/dev/null | head -n 1)" >&2
		return 1
	}
	server_stop
	mbps=$(jq -r '.end.sum_received.bits_per_second / 1e6' <<<"$out" 2>/dev/null) || return 1
	# Less than 1 Mbit/s is no traffic.
	awk -v m="$mbps" 'BEGIN { exit !(m >= 1) }' || { note "iperf3 to $1: $mbps Mbit/s" >&2; return 1; }
	printf '%.1f\n' "$mbps"
}

# --- tracing: average bytes per VF transmit and per GRO'd VF receive

trace_ok=0
trace_setup() {
	[ "$TRACE" = 1 ] || return 0
	[ -e "$TRACEFS/events/net/net_dev_start_xmit/enable" ] || {
		note "no tracefs net events: no traced runs"
		return 0
	}
	echo 0 >"$TRACEFS/tracing_on"
	echo 8192 >"$TRACEFS/buffer_size_kb" 2>/dev/null || true
	if ! echo "name == \"$VF_A\"" >"$TRACEFS/events/net/net_dev_start_xmit/filter" ||
		! echo "name == \"$VF_B\"" >"$TRACEFS/events/net/netif_receive_skb/filter"; then
		note "cannot filter the net events: no traced runs"
		return 0
	fi
	trace_ok=1
}

trace_cleanup() {
	[ "$trace_ok" = 1 ] || return 0
	echo 0 >"$TRACEFS/tracing_on"
	echo 0 >"$TRACEFS/events/net/net_dev_start_xmit/enable"
	echo 0 >"$TRACEFS/events/net/netif_receive_skb/enable"
	echo 0 >"$TRACEFS/events/net/net_dev_start_xmit/filter"
	echo 0 >"$TRACEFS/events/net/netif_receive_skb/filter"
	: >"$TRACEFS/trace"
}

# A 2 s single-stream run of configuration $1 with the two events on.
traced_run() {
	local cfg=$1 dst=$2 out

	[ "$trace_ok" = 1 ] || return 0
	: >"$TRACEFS/trace"
	echo 1 >"$TRACEFS/events/net/net_dev_start_xmit/enable"
	echo 1 >"$TRACEFS/events/net/netif_receive_skb/enable"
	echo 1 >"$TRACEFS/tracing_on"
	iperf "$dst" 1 2 >/dev/null || true
	echo 0 >"$TRACEFS/tracing_on"
	echo 0 >"$TRACEFS/events/net/net_dev_start_xmit/enable"
	echo 0 >"$TRACEFS/events/net/netif_receive_skb/enable"
	out=$(awk '
		/net_dev_start_xmit:/ && / len=/ {
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^len=/) { l = substr($i, 5) + 0 }
				if ($i ~ /^gso_segs=/) { g = substr($i, 10) + 0 }
			}
			if (l > 200) { tx++; txb += l; if (g > 1) { gso++; segs += g } }
		}
		/netif_receive_skb:/ && / len=/ {
			for (i = 1; i <= NF; i++) if ($i ~ /^len=/) l = substr($i, 5) + 0
			if (l > 200) { rx++; rxb += l }
		}
		END {
			printf "%d %.2f %.2f %d %.2f %d %.2f\n", tx, tx ? txb / tx : 0,
				gso ? segs / gso : 0, gso, tx ? 65536 * tx / txb : 0,
				rx, rx ? rxb / rx : 0
		}' "$TRACEFS/trace")
	: >"$TRACEFS/trace"
	read -r n_tx tx_avg seg_avg n_gso xm64k n_rx rx_avg <<<"$out"
	note "$cfg traced 2 s: $VF_A sent $n_tx data skbs, avg $tx_avg bytes, $n_gso GSO ones with $seg_avg segs avg; $VF_B received $n_rx data skbs (after GRO), avg $rx_avg bytes"
	note "$cfg traced: $xm64k VF transmits per 64 KiB of data"
	echo "bench: ${cfg}_vf_tx_bytes_per_xmit $tx_avg"
	echo "bench: ${cfg}_vf_rx_bytes_per_skb $rx_avg"
}

# --- one configuration, one round

# run_cfg CFG ROUND
run_cfg() {
	local cfg=$1 round=$2 dst t streams v tests="tcp1 tcp4"

	[ -z "${FAILED[$cfg]:-}" ] || return 0
	cur_cfg=$cfg
	[ $((round % 2)) = 0 ] && tests="tcp4 tcp1"
	if ! "${cfg}_up"; then
		FAILED[$cfg]="set-up failed or no traffic (round $round)"
		note "$cfg: ${FAILED[$cfg]}"
		"${cfg}_down"
		cur_cfg=
		return 0
	fi
	dst=$("${cfg}_dst")
	[ "$round" = 1 ] && show_offloads "$cfg"
	for t in $tests; do
		streams=${t#tcp}
		[ "$cfg" = ovnic ] && ovnic_snapshot
		if ! v=$(iperf "$dst" "$streams" "$SECS"); then
			FAILED[$cfg]="iperf3 $t failed (round $round)"
			note "$cfg: ${FAILED[$cfg]}"
			break
		fi
		[ "$cfg" = ovnic ] && ovnic_accumulate
		MBPS[${cfg}_$t]="${MBPS[${cfg}_$t]:-} $v"
		note "round $round $cfg $t: $v Mbit/s"
	done
	if [ -z "${FAILED[$cfg]:-}" ] && [ "$round" = 1 ]; then
		traced_run "$cfg" "$dst"
	fi
	"${cfg}_down"
	cur_cfg=
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	server_stop
	[ -n "$cur_cfg" ] && "${cur_cfg}_down"
	[ -n "$cut_wire" ] && set_wire "$cut_wire" on
	sw_teardown
	trace_cleanup
	return 0
}
trap cleanup EXIT

median() {
	tr ' ' '\n' <<<"$1" | grep . | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) printf "%.2f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.2f\n", a / b }'
}

# --- failover: outage when the active PNIC's carrier is cut
#
# The receiver sits behind a "switch" that joins the two wires: bridge br0
# in netns sw over the virtio NICs sw0 (wire 0) and sw1 (wire 1), address
# $SW_IP. The sender in hypervisor A (address $FO_IP) uses one of:
#
#   ovnic           an active-backup VNIC (plain mode, failback never) over
#                   pfa0vf0 + pfa1vf0
#   bonding_miimon  Linux bonding, mode active-backup, miimon 100, over the
#                   same two VFs
#   bonding_arp     bonding, active-backup, arp_interval 100,
#                   arp_ip_target $SW_IP
#
# ovnic_udpseq sends 2000 datagrams a second from A to the receiver (and,
# unless BENCH_FAILOVER_REVERSE=0, 500 a second from the receiver to A, to
# show that the switch learns where A went: *_reverse figures). Each
# repetition: stream 1 s, cut the carrier of the PNIC under the active
# lower (QEMU monitor "set_link waN off"), keep it cut 3 s, restore it,
# stream 1 s more. The outage (failover_gap_ms_*) is the largest interval
# between two arrivals at the receiver that began while the wire was cut
# (the receiver lists its 8 largest gaps with their times; jitter of the
# emulation during the cut counts too, so failover_loss_gap_ms_* gives the
# largest of those gaps that lost datagrams: the path's own outage); the losses
# (failover_lost_pkts_*) are the sequence numbers missing over the whole
# stream. Nothing fails back (ovnic failback never, bonding without
# primary): the next repetition cuts the wire of whichever lower is active
# then. A VF keeps LOWER_UP when its PF loses carrier, so bonding's miimon
# never sees the cut: the gap is then the whole cut (3 s plus the time the
# restore command takes), reported as such with a line
# failover_never_switched_<case>. Each figure is the median of 3
# repetitions; one uncut stream over the ovnic VNIC gives the gap that the
# emulation's jitter alone produces (failover_baseline_gap_ms). Ratios:
# failover_ovnic_vs_bonding_arp, failover_ovnic_vs_bonding_miimon (ovnic's
# gap / bonding's gap).

UDPSEQ=${OVNIC_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}/selftests/ovnic_udpseq
MONITOR=$(cd "$(dirname "$0")" && pwd)/qemu-monitor.sh
SW_NS=sw
SW_IP=192.0.2.100
FO_IP=192.0.2.1
FO_PORT=7600
PPS=${BENCH_PPS:-2000}
FO_REPS=${BENCH_FAILOVER_REPS:-3}
FO_PRE=1
FO_WINDOW=${BENCH_FAILOVER_WINDOW:-3}
FO_POST=1
FO_CASES=${BENCH_FAILOVER_CASES:-bonding_miimon bonding_arp ovnic}
FO_REVERSE=${BENCH_FAILOVER_REVERSE:-1}
FO_REV_PPS=${BENCH_FAILOVER_REVERSE_PPS:-$((PPS / 4))}
FO_TOPGAPS=8
FO_DEV=
sw_made=0
cut_wire=
declare -A FO_GAPS FO_LGAPS FO_LOST FO_SWITCHED

# The switch of scripts/topology.sh: ports sw0 (wire 0) and sw1 (wire 1) in
# netns sw, down, their QEMU links cut. Join them with br0 (no STP, no
# forward delay, no multicast snooping), links restored, $SW_IP on br0.
sw_setup() {
	local p

	for p in sw0 sw1; do
		ip -n "$SW_NS" link show dev "$p" >/dev/null 2>&1 || {
			note "switch: no port $p in netns $SW_NS (topology.sh)"
			return 1
		}
	done
	sw_made=1
	if ! "$MONITOR" "set_link ws0 on" >/dev/null 2>&1 ||
		! "$MONITOR" "set_link ws1 on" >/dev/null 2>&1; then
		note "switch: set_link ws0/ws1 on failed"
		return 1
	fi
	if ! ip -n "$SW_NS" link show dev br0 >/dev/null 2>&1; then
		ip -n "$SW_NS" link add br0 type bridge stp_state 0 \
			forward_delay 0 mcast_snooping 0 || return 1
	fi
	ip -n "$SW_NS" link set dev sw0 master br0 &&
		ip -n "$SW_NS" link set dev sw1 master br0 &&
		ip -n "$SW_NS" link set dev br0 up &&
		ip -n "$SW_NS" link set dev sw0 up &&
		ip -n "$SW_NS" link set dev sw1 up &&
		ip -n "$SW_NS" addr replace "$SW_IP/24" dev br0 || return 1
	wait_carrier "$SW_NS" sw0 10 && wait_carrier "$SW_NS" sw1 10 &&
		wait_carrier "$SW_NS" br0 5
}

# The wires separate again, as topology.sh leaves them.
sw_teardown() {
	[ "$sw_made" = 1 ] || return 0
	sw_made=0
	ip -n "$SW_NS" link del dev br0 2>/dev/null || true
	ip -n "$SW_NS" link set dev sw0 down 2>/dev/null || true
	ip -n "$SW_NS" link set dev sw1 down 2>/dev/null || true
	"$MONITOR" "set_link ws0 off" >/dev/null 2>&1 || true
	"$MONITOR" "set_link ws1 off" >/dev/null 2>&1 || true
}

# QEMU netdev (wire of hypervisor A) and PF of lower VF $1.
vf_wire() {
	case $1 in
	pfa0vf*) echo wa0 ;;
	pfa1vf*) echo wa1 ;;
	esac
}
wire_pf() {
	echo "pfa${1#wa}"
}

set_wire() {
	"$MONITOR" "set_link $1 $2" >/dev/null 2>&1 || {
		note "QEMU monitor: set_link $1 $2 failed"
		return 1
	}
	if [ "$2" = off ]; then
		cut_wire=$1
	else
		cut_wire=
	fi
}

fo_vfs_reset() {
	local vf

	for vf in pfa0vf0 pfa1vf0; do
		ip addr flush dev "$vf" 2>/dev/null || true
		ip link set dev "$vf" down 2>/dev/null || true
	done
}

# --- the three senders: fo_<case>_up, _down, _active (the active lower's
# VF), _ready (every lower usable)

# Bonding gives every slave the bond's MAC (fail_over_mac none, the
# default). A VF whose MAC its PF has set administratively refuses that
# (EADDRNOTAVAIL): then fail_over_mac active (the bond takes the active
# slave's MAC), noted.
bond_up() {
	local opts=$1 fom

	# Without max_bonds=0 loading bonding makes a bond0.
	modprobe bonding max_bonds=0 2>/dev/null || true
	for fom in none active; do
		fo_vfs_reset
		# shellcheck disable=SC2086 # $opts is a list of options
		ip link add bnd type bond mode active-backup $opts \
			fail_over_mac "$fom" || return 1
		FO_DEV=bnd
		if ip link set dev pfa0vf0 master bnd &&
			ip link set dev pfa1vf0 master bnd; then
			[ "$fom" = none ] ||
				note "bonding: the VFs refuse a MAC change (set by their PF?): fail_over_mac $fom"
			break
		fi
		ip link del bnd
		[ "$fom" = none ] || return 1
	done
	ip addr add "$FO_IP/24" dev bnd && ip link set dev bnd up
}
bond_down() {
	ip link del bnd 2>/dev/null || true
	fo_vfs_reset
}
bond_active() {
	cat /sys/class/net/bnd/bonding/active_slave 2>/dev/null
}
bond_ready() {
	local vf s

	[ -n "$(bond_active)" ] || return 1
	for vf in pfa0vf0 pfa1vf0; do
		s=$(cat "/sys/class/net/$vf/bonding_slave/mii_status" 2>/dev/null)
		[ "$s" = up ] || return 1
	done
}

fo_bonding_miimon_up() {
	bond_up "miimon 100"
}
fo_bonding_arp_up() {
	bond_up "arp_interval 100 arp_ip_target $SW_IP"
}
fo_bonding_miimon_down() { bond_down; }
fo_bonding_arp_down() { bond_down; }
fo_bonding_miimon_active() { bond_active; }
fo_bonding_arp_active() { bond_active; }
fo_bonding_miimon_ready() { bond_ready; }
fo_bonding_arp_ready() { bond_ready; }

fo_ovnic_up() {
	fo_vfs_reset
	ip link add vnab type ovnic pf pfa0 vf 0 pf pfa1 vf 0 \
		mode active-backup failback never || return 1
	FO_DEV=vnab
	ip addr add "$FO_IP/24" dev vnab && ip link set dev vnab up
}
fo_ovnic_down() {
	ip link del vnab 2>/dev/null || true
	fo_vfs_reset
}
fo_ovnic_json() {
	ip -d -j link show dev vnab 2>/dev/null | jq -c '.[0].linkinfo.info_data' 2>/dev/null
}
fo_ovnic_active() {
	fo_ovnic_json | jq -r '.active as $a | if $a == null then empty else (.lowers[] | select(.index == $a) | .dev) end' 2>/dev/null
}
fo_ovnic_ready() {
	[ -n "$(fo_ovnic_active)" ] || return 1
	fo_ovnic_json | jq -e '[.lowers[] | select(.state != "up")] | length == 0' >/dev/null 2>&1
}

# Wait up to $2 s for "$1" to succeed.
wait_for() {
	local i

	for ((i = 0; i < $2 * 5; i++)); do
		$1 && return 0
		sleep 0.2
	done
	return 1
}

# Wait until UDP port $2 listens in netns $1 ("-" = A).
udp_listening() {
	local i

	for ((i = 0; i < 25; i++)); do
		if [ "$1" = - ]; then
			ss -lun 2>/dev/null
		else
			ip netns exec "$1" ss -lun 2>/dev/null
		fi | grep -q ":$2 " && return 0
		sleep 0.1
	done
	return 1
}

# Read the "key value" lines of file $1 into RES with key prefix $2.
res_read() {
	local k v

	while read -r k v; do
		[ -n "$k" ] && RES[$2$k]=$v
	done <"$1"
	return 0
}

# The outage the cut caused: the largest of the receiver's FO_TOPGAPS
# largest gaps that began while the wire was cut (from the cut command to
# the restore command; arrival stamps and $EPOCHREALTIME share the
# clock). Gaps outside (the restore can stall the emulation briefly) do not
# count. Without a cut: the largest gap. Sets RES[<prefix>fo_gap_ms] and
# RES[<prefix>fo_gap_at] ("seq A-B, L lost").
fo_pick() {
	local px=$1 t0=$2 t1=$3 k bk='' lk=''

	RES[${px}fo_lgap_ms]=
	for ((k = 1; k <= FO_TOPGAPS; k++)); do
		[ -n "${RES[${px}gap${k}_ms]:-}" ] || break
		if [ "$t0" != 0 ] && ! awk -v t="${RES[${px}gap${k}_start_time]}" \
			-v a="$t0" -v b="$t1" 'BEGIN { exit !(t >= a && t < b) }'; then
			continue
		fi
		# Largest first: the first in the window, and the first
		# in the window that lost datagrams.
		[ -n "$bk" ] || bk=$k
		if [ -z "$lk" ] && [ "${RES[${px}gap${k}_lost]:-0}" -gt 0 ]; then
			lk=$k
			RES[${px}fo_lgap_ms]=${RES[${px}gap${k}_ms]}
		fi
	done
	if [ -z "$bk" ]; then
		RES[${px}fo_gap_ms]=${RES[${px}max_gap_ms]:-}
		RES[${px}fo_gap_at]="none of the $FO_TOPGAPS largest gaps began during the cut: max gap"
		return 0
	fi
	RES[${px}fo_gap_ms]=${RES[${px}gap${bk}_ms]}
	RES[${px}fo_gap_at]="gap $bk of $FO_TOPGAPS, after seq ${RES[${px}gap${bk}_start_seq]} to ${RES[${px}gap${bk}_end_seq]}, ${RES[${px}gap${bk}_lost]} lost in it"
	[ -z "$lk" ] || [ "$lk" = "$bk" ] ||
		RES[${px}fo_gap_at]+="; largest with losses: gap $lk, ${RES[${px}gap${lk}_ms]} ms, ${RES[${px}gap${lk}_lost]} lost"
	return 0
}

# Streams of ovnic_udpseq through the current sender: fo_stream CASE CUT.
# Forward: A -> receiver in netns sw (the figures); with FO_REVERSE=1 also
# reverse: netns sw -> A (needs the switch to learn where A went). With
# CUT=1 the active lower's wire is cut for FO_WINDOW seconds. Fills the
# associative array RES with the receiver's figures (reverse ones with the
# prefix rev_, the sender's with send_), plus RES[before] and RES[after]
# (active lower before the cut and at its end).
declare -A RES
fo_stream() {
	local case=$1 cut=$2 wire='' pids=() rpids=() p out=/tmp/bench-udpseq.$$
	local t_cut=0 t_restore=0

	RES=()
	RES[before]=$("fo_${case}_active" || true)
	RES[after]=${RES[before]}
	ip netns exec "$SW_NS" "$UDPSEQ" recv --port "$FO_PORT" --duration 120 \
		--gaps "$FO_TOPGAPS" >"$out.fwd" 2>&1 &
	rpids+=($!)
	if [ "$FO_REVERSE" = 1 ]; then
		"$UDPSEQ" recv --port $((FO_PORT + 1)) --duration 120 \
			--gaps "$FO_TOPGAPS" >"$out.rev" 2>&1 &
		rpids+=($!)
		udp_listening - $((FO_PORT + 1)) || true
	fi
	udp_listening "$SW_NS" "$FO_PORT" || true
	"$UDPSEQ" send --dst "$SW_IP" --port "$FO_PORT" --pps "$PPS" \
		--duration 0 --rt >"$out.send" 2>&1 &
	pids+=($!)
	if [ "$FO_REVERSE" = 1 ]; then
		ip netns exec "$SW_NS" "$UDPSEQ" send --dst "$FO_IP" \
			--port $((FO_PORT + 1)) --pps "$FO_REV_PPS" --duration 0 \
			>/dev/null 2>&1 &
		pids+=($!)
	fi
	sleep "$FO_PRE"
	if [ "$cut" = 1 ]; then
		wire=$(vf_wire "${RES[before]}")
		t_cut=$EPOCHREALTIME
		if [ -z "$wire" ] || ! set_wire "$wire" off; then
			note "$case: cannot cut the wire of '${RES[before]}'"
			wire=
		fi
		sleep "$FO_WINDOW"
		RES[after]=$("fo_${case}_active" || true)
		t_restore=$EPOCHREALTIME
		[ -n "$wire" ] && set_wire "$wire" on
	fi
	sleep "$FO_POST"
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	sleep 0.2
	for p in "${rpids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	res_read "$out.fwd" ""
	res_read "$out.send" send_
	fo_pick "" "$t_cut" "$t_restore"
	if [ "$FO_REVERSE" = 1 ]; then
		res_read "$out.rev" rev_
		fo_pick rev_ "$t_cut" "$t_restore"
	fi
	rm -f "$out.fwd" "$out.send" "$out.rev"
	RES[wire]=$wire
	if [ -n "$wire" ]; then
		wait_carrier a "$(wire_pf "$wire")" 15 || true
	fi
	[ "${RES[received]:-0}" -gt 0 ]
}

fo_case() {
	local case=$1 r sw=0 why

	cur_cfg=fo_$case
	if ! "fo_${case}_up" 2>/tmp/bench-fo-err.$$; then
		why=$(tr '\n' ' ' </tmp/bench-fo-err.$$)
		FAILED[$case]="set-up failed: ${why:-?}"
		note "$case: ${FAILED[$case]}"
		"fo_${case}_down"
		cur_cfg=
		return 0
	fi
	rm -f /tmp/bench-fo-err.$$
	if ! wait_carrier a "$FO_DEV" 20 || ! wait_reach "$SW_IP" ||
		! wait_for "fo_${case}_ready" 15; then
		FAILED[$case]="no path to the receiver or lowers not ready"
		note "$case: ${FAILED[$case]}"
		"fo_${case}_down"
		cur_cfg=
		return 0
	fi
	if [ "$case" = ovnic ] || { [ -z "$FO_BASELINE" ] &&
		[[ " $FO_CASES " != *" ovnic "* ]]; }; then
		if fo_stream "$case" 0; then
			FO_BASELINE=${RES[max_gap_ms]}
			note "$case baseline (no cut): max_gap_ms ${RES[max_gap_ms]} lost ${RES[lost]} received ${RES[received]} sender late_max_ms ${RES[send_late_max_ms]:-?}"
		fi
	fi
	for ((r = 1; r <= FO_REPS; r++)); do
		wait_for "fo_${case}_ready" 15 ||
			note "$case rep $r: lowers not all ready: $("fo_${case}_active")"
		if ! fo_stream "$case" 1; then
			note "$case rep $r: nothing received"
			continue
		fi
		[ "${RES[before]}" != "${RES[after]}" ] && sw=$((sw + 1))
		FO_GAPS[$case]="${FO_GAPS[$case]:-} ${RES[fo_gap_ms]}"
		FO_LGAPS[$case]="${FO_LGAPS[$case]:-} ${RES[fo_lgap_ms]}"
		FO_LOST[$case]="${FO_LOST[$case]:-} ${RES[lost]}"
		note "$case rep $r: cut ${RES[wire]:-none} (active ${RES[before]:-?} -> ${RES[after]:-?}): gap ${RES[fo_gap_ms]} ms (${RES[fo_gap_at]}), lost ${RES[lost]} in all; largest gap of the run ${RES[max_gap_ms]} ms after seq ${RES[gap_start_seq]}; received ${RES[received]} dup ${RES[duplicates]} reordered ${RES[reordered]}; sent ${RES[send_sent]:-?} send_errors ${RES[send_send_errors]:-?} (${RES[send_last_error]:-?}) late_max_ms ${RES[send_late_max_ms]:-?} (seq ${RES[send_late_max_seq]:-?}) stalls ${RES[send_stalls]:-?}"
		if [ -n "${RES[rev_fo_gap_ms]:-}" ]; then
			FO_GAPS[${case}_reverse]="${FO_GAPS[${case}_reverse]:-} ${RES[rev_fo_gap_ms]}"
			FO_LOST[${case}_reverse]="${FO_LOST[${case}_reverse]:-} ${RES[rev_lost]}"
			note "$case rep $r reverse (sw -> A, $FO_REV_PPS pps): gap ${RES[rev_fo_gap_ms]} ms (${RES[rev_fo_gap_at]}), lost ${RES[rev_lost]}; largest gap ${RES[rev_max_gap_ms]} ms; received ${RES[rev_received]} dup ${RES[rev_duplicates]} reordered ${RES[rev_reordered]}"
		fi
		if [ "$case" = ovnic ]; then
			note "$case rep $r: $(fo_ovnic_json | jq -r '"failovers \(.failovers) last_reason \(.last_reason // "-") last_age_ms \(.last_age_ms // "-") lowers " + ([.lowers[] | "\(.dev)=\(.state)"] | join(","))' 2>/dev/null)"
		fi
	done
	FO_SWITCHED[$case]=$sw
	"fo_${case}_down"
	cur_cfg=
}

failover_main() {
	local case gap lost

	FO_BASELINE=
	if [ ! -x "$UDPSEQ" ]; then
		note "failover: $UDPSEQ is not built (make udpseq): skipped"
		FAILED[failover]="no ovnic_udpseq"
		return 0
	fi
	if ! sw_setup; then
		FAILED[failover]="no switch (netns $SW_NS, br0 over sw0/sw1)"
		note "failover: ${FAILED[failover]}: skipped"
		sw_teardown
		return 0
	fi
	note "failover: $PPS pps A -> $SW_IP (netns $SW_NS, br0 over both wires), cut after ${FO_PRE} s for ${FO_WINDOW} s, $FO_REPS reps, cases: $FO_CASES"
	for case in $FO_CASES; do
		fo_case "$case"
	done
	sw_teardown

	for case in $FO_CASES; do
		[ -n "${FO_GAPS[$case]:-}" ] || continue
		gap=$(median "${FO_GAPS[$case]}")
		lost=$(median "${FO_LOST[$case]}")
		FO_GAP[$case]=$gap
		note "$case gaps (ms):${FO_GAPS[$case]}; lost:${FO_LOST[$case]}; active lower changed in ${FO_SWITCHED[$case]} of $FO_REPS reps"
		echo "bench: failover_gap_ms_$case $gap"
		echo "bench: failover_lost_pkts_$case $(printf '%.0f' "$lost")"
		if [ -n "${FO_LGAPS[$case]// /}" ]; then
			note "$case gaps with losses (ms):${FO_LGAPS[$case]}"
			echo "bench: failover_loss_gap_ms_$case $(median "${FO_LGAPS[$case]}")"
		fi
		if [ "${FO_SWITCHED[$case]}" = 0 ]; then
			note "$case never failed over (the VF keeps LOWER_UP when its PF loses carrier): the gap is the whole cut, ${FO_WINDOW} s plus the time to restore the link"
			echo "bench: failover_never_switched_$case 1"
		fi
	done
	for case in $FO_CASES; do
		[ -n "${FO_GAPS[${case}_reverse]:-}" ] || continue
		gap=$(median "${FO_GAPS[${case}_reverse]}")
		lost=$(median "${FO_LOST[${case}_reverse]}")
		note "$case reverse (sw -> A) gaps (ms):${FO_GAPS[${case}_reverse]}; lost:${FO_LOST[${case}_reverse]}"
		echo "bench: failover_gap_ms_${case}_reverse $gap"
		echo "bench: failover_lost_pkts_${case}_reverse $(printf '%.0f' "$lost")"
	done
	[ -n "$FO_BASELINE" ] && echo "bench: failover_baseline_gap_ms $FO_BASELINE"
	fo_ratio failover_ovnic_vs_bonding_arp ovnic bonding_arp
	fo_ratio failover_ovnic_vs_bonding_miimon ovnic bonding_miimon
}

declare -A FO_GAP
fo_ratio() {
	local a=${FO_GAP[$2]:-} b=${FO_GAP[$3]:-}

	[ -n "$a" ] && [ -n "$b" ] || return 0
	echo "bench: $1 $(awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.4f\n", a / b }')"
}

# --- balance: flow-hash balance over two PNICs against one
#
# Plain VNICs, no switch ("dual plane"): in A, vbal (mode balance, hash
# l34) over pfa0vf0 + pfa1vf0; in B, vbalb over pfb0vf0 + pfb1vf0. Each
# VNIC's MAC is on both of its VFs, so every lower reaches the peer over
# its own wire. Against them, one-lower VNICs over the other VFs: vone over
# pfa0vf1 and voneb over pfb0vf1 (wire 0 only). Both pairs exist at once,
# on different subnets; iperf3 -P $BAL_STREAMS from A to B, $BAL_ROUNDS
# rounds in alternating order, median. The per-lower tx counters of vbal
# give each PNIC's share of the bytes sent (and those of vbalb the share
# received). Under TCG on 2 vCPUs what limits this is the emulation's CPU
# time, not a wire's speed (the emulated wires have none; the vCPUs are
# 80-90% busy in both configurations, printed per run): a second PNIC adds
# no capacity here, only another queue pair whose work may land on the
# other vCPU. Measured ratios went from 0.9 to 1.7 between runs on a shared
# 2-core host, so read balance_2pnic_vs_1 with the per-run figures; the
# shares show that flows use both PNICs (with 8 flows and an l34 hash the
# split of bytes can be uneven). With real PNICs the gain is the second
# wire's bandwidth.

BAL_STREAMS=${BENCH_BALANCE_STREAMS:-8}
BAL_ROUNDS=${BENCH_BALANCE_ROUNDS:-3}
BAL_IP_A=198.51.100.1
BAL_IP_B=198.51.100.2
ONE_IP_A=203.0.113.1
ONE_IP_B=203.0.113.2
declare -A BAL_MBPS

bal_up() {
	ip link add vbal type ovnic pf pfa0 vf 0 pf pfa1 vf 0 mode balance \
		hash l34 || return 1
	ip -n "$NS" link add vbalb type ovnic pf pfb0 vf 0 pf pfb1 vf 0 \
		mode balance hash l34 || return 1
	ip link add vone type ovnic pf pfa0 vf 1 || return 1
	ip -n "$NS" link add voneb type ovnic pf pfb0 vf 1 || return 1
	tenant_up a vbal "$BAL_IP_A" && tenant_up b vbalb "$BAL_IP_B" &&
		tenant_up a vone "$ONE_IP_A" && tenant_up b voneb "$ONE_IP_B" ||
		return 1
	wait_carrier a vbal 20 && wait_carrier b vbalb 20 &&
		wait_carrier a vone 20 && wait_carrier b voneb 20 || return 1
	# Both lowers of each balance VNIC up (not only the first one).
	wait_for bal_lowers_up 15 || note "balance: not every lower is up: $(bal_states)"
	wait_reach "$BAL_IP_B" && wait_reach "$ONE_IP_B"
}
bal_down() {
	ip link del vbal 2>/dev/null || true
	ip link del vone 2>/dev/null || true
	ip -n "$NS" link del vbalb 2>/dev/null || true
	ip -n "$NS" link del voneb 2>/dev/null || true
}
bal_states() {
	{
		ip -d -j link show dev vbal
		ip -n "$NS" -d -j link show dev vbalb
	} 2>/dev/null | jq -r '.[0].linkinfo.info_data.lowers[]? | "\(.dev)=\(.state)"' 2>/dev/null | tr '\n' ' '
}
bal_lowers_up() {
	{
		ip -d -j link show dev vbal
		ip -n "$NS" -d -j link show dev vbalb
	} 2>/dev/null | jq -s -e '[.[][0].linkinfo.info_data.lowers[]?.state] |
		length == 4 and all(. == "up")' >/dev/null 2>&1
}

# Sum of ethtool -S counter $2 of vbal / vbalb ($1 = a or b).
bal_stat() {
	if [ "$1" = a ]; then
		ovnic_stat vbal "$2" a
	else
		ovnic_stat vbalb "$2" b
	fi
}

# "busy total" jiffies of all CPUs (/proc/stat), and the busy percentage
# between two such readings.
cpu_jiffies() {
	awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i
		print t - $5 - $6, t; exit }' /proc/stat | tr ' ' :
}
cpu_busy() {
	awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, ":"); split(b, y, ":")
		if (y[2] > x[2]) printf "%.0f", 100 * (y[1] - x[1]) / (y[2] - x[2]) }'
}

# What the balance VNICs look like, for a failed set-up.
bal_diag() {
	local ns dev

	for dev in a:vbal b:vbalb a:vone b:voneb; do
		ns=${dev%%:*}
		dev=${dev#*:}
		note "$dev: $(hip "$ns" -d link show dev "$dev" 2>&1 | tr '\n' ' ' | tr -s ' ')"
		note "$dev: $(hip "$ns" neigh show dev "$dev" 2>&1 | tr '\n' ';')"
		note "$dev non-zero counters: $(if [ "$ns" = a ]; then ethtool -S "$dev"; else ip netns exec "$NS" ethtool -S "$dev"; fi 2>&1 |
			awk '$2 != 0 && NR > 1 { printf "%s%s ", $1, $2 }')"
	done
}

balance_main() {
	local r cfg order v i tx0 tx1 rx0 rx1 d0 d1 e0 e1 c0 c1
	local -A base

	cur_cfg=bal
	if ! bal_up; then
		FAILED[balance]="set-up failed or no traffic"
		note "balance: ${FAILED[balance]}"
		bal_diag
		bal_down
		cur_cfg=
		return 0
	fi
	note "balance: iperf3 -P $BAL_STREAMS -t $SECS, $BAL_ROUNDS rounds: 2pnic = vbal/vbalb (lowers $(bal_states)), 1pnic = vone/voneb (pfa0vf1/pfb0vf1)"
	for i in 0 1; do
		base[tx$i]=$(bal_stat a "lower${i}_tx_bytes")
		base[rx$i]=$(bal_stat b "lower${i}_rx_bytes")
	done
	for ((r = 1; r <= BAL_ROUNDS; r++)); do
		order="2pnic 1pnic"
		[ $((r % 2)) = 0 ] && order="1pnic 2pnic"
		for cfg in $order; do
			c0=$(cpu_jiffies)
			if [ "$cfg" = 2pnic ]; then
				v=$(iperf "$BAL_IP_B" "$BAL_STREAMS" "$SECS") || v=
			else
				v=$(iperf "$ONE_IP_B" "$BAL_STREAMS" "$SECS") || v=
			fi
			c1=$(cpu_jiffies)
			if [ -z "$v" ]; then
				note "balance round $r $cfg: iperf3 failed"
				continue
			fi
			BAL_MBPS[$cfg]="${BAL_MBPS[$cfg]:-} $v"
			note "balance round $r $cfg: $v Mbit/s, vCPUs $(cpu_busy "$c0" "$c1")% busy"
		done
	done
	tx0=$(bal_stat a lower0_tx_bytes)
	tx1=$(bal_stat a lower1_tx_bytes)
	rx0=$(bal_stat b lower0_rx_bytes)
	rx1=$(bal_stat b lower1_rx_bytes)
	d0=$((tx0 - base[tx0]))
	d1=$((tx1 - base[tx1]))
	e0=$((rx0 - base[rx0]))
	e1=$((rx1 - base[rx1]))
	note "balance: vbal tx bytes lower0 (pfa0vf0) $d0, lower1 (pfa1vf0) $d1; vbalb rx bytes lower0 (pfb0vf0) $e0, lower1 (pfb1vf0) $e1"
	bal_down
	cur_cfg=

	if [ -z "${BAL_MBPS[2pnic]:-}" ] || [ -z "${BAL_MBPS[1pnic]:-}" ]; then
		FAILED[balance]="iperf3 failed"
		return 0
	fi
	M[bal_2pnic]=$(median "${BAL_MBPS[2pnic]}")
	M[bal_1pnic]=$(median "${BAL_MBPS[1pnic]}")
	note "balance runs (Mbit/s): 2pnic${BAL_MBPS[2pnic]}; 1pnic${BAL_MBPS[1pnic]}"
	echo "bench: balance_2pnic_mbps ${M[bal_2pnic]}"
	echo "bench: balance_1pnic_mbps ${M[bal_1pnic]}"
	echo "bench: balance_2pnic_vs_1 $(ratio "${M[bal_2pnic]}" "${M[bal_1pnic]}")"
	if [ $((d0 + d1)) -gt 0 ]; then
		echo "bench: balance_lower0_tx_share $(ratio "$d0" $((d0 + d1)))"
		echo "bench: balance_lower1_tx_share $(ratio "$d1" $((d0 + d1)))"
	fi
	if [ $((e0 + e1)) -gt 0 ]; then
		echo "bench: balance_lower0_rx_share $(ratio "$e0" $((e0 + e1)))"
		echo "bench: balance_lower1_rx_share $(ratio "$e1" $((e0 + e1)))"
	fi
	note "balance: under TCG on $(nproc) vCPUs the emulation's CPU time limits throughput, not the wires (no wire speed to add): expect a ratio near 1 with run-to-run noise; the shares show the flows on both PNICs"
}

# --- pool: isolation by per-target memory pools
#
# Plain VNICs, two on the same PF of each hypervisor (different VFs):
#
#   victim   vpv  (pfa0 vf 0, 192.0.2.1)    -> vpvb (hvb, pfb0 vf 0, 192.0.2.2)
#   flooder  vpf  (pfa0 vf 1, 198.51.100.1) -> vpfb (hvb, pfb0 vf 1, 198.51.100.2)
#
# The victim's iperf3 TCP throughput (one stream, $SECS s) is measured
# alone ("solo") and while the flooder sends iperf3 UDP without a rate
# limit (-b 0, two streams, send buffers above its pool) to its peer
# ("flood"), in two modes switched live on the same VNICs: "on", every VNIC
# on its own pool (the defaults; the flooder's limited to
# $POOL_FLOOD_LIMIT: unshaped, its in-flight bytes peaked at ~0.5 MiB in a
# first run, so a 1 MiB pool never bound it), and "off", "pool none" on all
# four. $POOL_ROUNDS
# rounds, the order of the modes alternating; medians. Figures:
#   pool_isolation          flood / solo throughput of the victim, pools on
#   pool_isolation_nopool   the same, pools off
#   pool_overhead           solo throughput pools on / pools off
# plus the raw Mbit/s (pool_victim_{solo,flood}_mbps_{on,off}) and what
# the flooder got through (pool_flood_mbps_{on,off}, sender side). Under
# TCG the two VNICs compete mostly for the emulation's CPU time, which
# pools do not bound: read the isolation ratios with that in mind.

POOL_ROUNDS=${BENCH_POOL_ROUNDS:-5}
POOL_FLOOD_LIMIT=${BENCH_POOL_FLOOD_LIMIT:-256K}
POOL_V_A=192.0.2.1
POOL_V_B=192.0.2.2
POOL_F_A=198.51.100.1
POOL_F_B=198.51.100.2
POOL_F_PORT=5310
declare -A POOL_MBPS
declare -A POOL_SYSCTL
pool_flood_pid=
pool_flood_spid=

pool_up() {
	local k

	ip link add vpv type ovnic pf pfa0 vf 0 || return 1
	ip link add vpf type ovnic pf pfa0 vf 1 || return 1
	ip -n "$NS" link add vpvb type ovnic pf pfb0 vf 0 || return 1
	ip -n "$NS" link add vpfb type ovnic pf pfb0 vf 1 || return 1
	tenant_up a vpv "$POOL_V_A" && tenant_up a vpf "$POOL_F_A" &&
		tenant_up b vpvb "$POOL_V_B" && tenant_up b vpfb "$POOL_F_B" || return 1
	wait_carrier a vpv 20 && wait_carrier a vpf 20 &&
		wait_carrier b vpvb 20 && wait_carrier b vpfb 20 || return 1
	# The flooder's socket must be able to hold more than its pool.
	for k in net.core.wmem_max net.core.rmem_max; do
		POOL_SYSCTL[$k]=$(sysctl -n "$k" 2>/dev/null) || continue
		sysctl -qw "$k=16777216" 2>/dev/null || true
	done
	wait_reach "$POOL_V_B" && wait_reach "$POOL_F_B"
}

pool_flood_stop() {
	local p

	for p in $pool_flood_pid $pool_flood_spid; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	pool_flood_pid=
	pool_flood_spid=
}

pool_down() {
	local k

	pool_flood_stop
	ip link del vpv 2>/dev/null || true
	ip link del vpf 2>/dev/null || true
	ip -n "$NS" link del vpvb 2>/dev/null || true
	ip -n "$NS" link del vpfb 2>/dev/null || true
	for k in "${!POOL_SYSCTL[@]}"; do
		sysctl -qw "$k=${POOL_SYSCTL[$k]}" 2>/dev/null || true
	done
	POOL_SYSCTL=()
}

# pool_mode on|off: own pools (the flooder's limited) or none, on all four.
pool_mode() {
	if [ "$1" = on ]; then
		ip link set vpv type ovnic pool own &&
			ip link set vpf type ovnic pool own pool-limit "$POOL_FLOOD_LIMIT" &&
			ip -n "$NS" link set vpvb type ovnic pool own &&
			ip -n "$NS" link set vpfb type ovnic pool own
	else
		ip link set vpv type ovnic pool none &&
			ip link set vpf type ovnic pool none &&
			ip -n "$NS" link set vpvb type ovnic pool none &&
			ip -n "$NS" link set vpfb type ovnic pool none
	fi
}

# Start the flood: UDP -b 0 from vpf to vpfb for $1 s (server in B).
pool_flood_start() {
	local i out=/tmp/bench-pool-flood.$$

	ip netns exec "$NS" timeout $(($1 + 60)) iperf3 -s -1 -p "$POOL_F_PORT" \
		>/dev/null 2>&1 &
	pool_flood_spid=$!
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$NS" ss -ltn 2>/dev/null | grep -q ":$POOL_F_PORT " && break
		sleep 0.2
	done
	timeout $(($1 + 40)) iperf3 -c "$POOL_F_B" -p "$POOL_F_PORT" -u -b 0 -P 2 \
		-l 1400 -w 4M -t "$1" -J --connect-timeout 5000 >"$out" 2>&1 &
	pool_flood_pid=$!
}

# Wait for the flood to end; POOL_FLOOD_MBPS = the flooder's sender-side
# Mbit/s (empty if unknown). Not in a subshell: it waits for its children.
POOL_FLOOD_MBPS=
pool_flood_wait() {
	local out=/tmp/bench-pool-flood.$$ v

	wait "$pool_flood_pid" 2>/dev/null || true
	pool_flood_pid=
	kill "$pool_flood_spid" 2>/dev/null || true
	wait "$pool_flood_spid" 2>/dev/null || true
	pool_flood_spid=
	v=$(jq -r '(.end.sum_sent.bits_per_second // .end.sum.bits_per_second) / 1e6' "$out" 2>/dev/null) || v=
	rm -f "$out"
	POOL_FLOOD_MBPS=
	if [ -n "$v" ] && [ "$v" != null ]; then
		POOL_FLOOD_MBPS=$(printf '%.1f' "$v")
	fi
	return 0
}

# One mode of one round: solo, then under the flood.
pool_run() {
	local mode=$1 r=$2 v f st0 st1

	if ! pool_mode "$mode"; then
		FAILED[pool]="cannot switch the pools $mode (ip link ... pool own|none)"
		return 1
	fi
	if v=$(iperf "$POOL_V_B" 1 "$SECS"); then
		POOL_MBPS[solo_$mode]="${POOL_MBPS[solo_$mode]:-} $v"
		note "pool round $r $mode: victim solo $v Mbit/s"
	else
		note "pool round $r $mode: victim solo: iperf3 failed"
	fi
	st0=$(ovnic_stat vpf tx_pool_stops a)
	# The flood starts a second before the victim and ends after it.
	pool_flood_start $((SECS + 4))
	sleep 1.5
	if v=$(iperf "$POOL_V_B" 1 "$SECS"); then
		POOL_MBPS[flood_$mode]="${POOL_MBPS[flood_$mode]:-} $v"
	else
		v=failed
	fi
	pool_flood_wait
	f=$POOL_FLOOD_MBPS
	st1=$(ovnic_stat vpf tx_pool_stops a)
	[ -z "$f" ] || POOL_MBPS[flooder_$mode]="${POOL_MBPS[flooder_$mode]:-} $f"
	note "pool round $r $mode: victim under flood $v Mbit/s, flooder ${f:-?} Mbit/s sent, flooder queue stops +$((st1 - st0)), flooder pool_peak $(ovnic_stat vpf pool_peak a), victim pool_peak $(ovnic_stat vpv pool_peak a)"
}

pool_main() {
	local r mode order k

	cur_cfg=pool
	if ! pool_up; then
		FAILED[pool]="set-up failed or no traffic"
		note "pool: ${FAILED[pool]}"
		pool_down
		cur_cfg=
		return 0
	fi
	note "pool: victim vpv (pfa0vf0) -> vpvb, flooder vpf (pfa0vf1, pool $POOL_FLOOD_LIMIT when on) -> vpfb; iperf3 TCP -t $SECS, UDP -b 0 -P 2 flood; $POOL_ROUNDS rounds"
	for ((r = 1; r <= POOL_ROUNDS; r++)); do
		order="on off"
		[ $((r % 2)) = 0 ] && order="off on"
		for mode in $order; do
			pool_run "$mode" "$r" || break 2
		done
	done
	pool_down
	cur_cfg=
	[ -z "${FAILED[pool]:-}" ] || { note "pool: ${FAILED[pool]}"; return 0; }

	for k in solo_on flood_on solo_off flood_off flooder_on flooder_off; do
		[ -n "${POOL_MBPS[$k]:-}" ] || continue
		M[pool_$k]=$(median "${POOL_MBPS[$k]}")
		note "pool $k runs (Mbit/s):${POOL_MBPS[$k]}"
	done
	for k in solo_on flood_on solo_off flood_off; do
		[ -n "${M[pool_$k]:-}" ] && echo "bench: pool_victim_${k%_*}_mbps_${k#*_} ${M[pool_$k]}"
	done
	for k in on off; do
		[ -n "${M[pool_flooder_$k]:-}" ] && echo "bench: pool_flood_mbps_$k ${M[pool_flooder_$k]}"
	done
	if [ -z "${M[pool_solo_on]:-}" ] || [ -z "${M[pool_solo_off]:-}" ]; then
		FAILED[pool]="victim iperf3 failed"
		return 0
	fi
	[ -n "${M[pool_flood_on]:-}" ] &&
		echo "bench: pool_isolation $(ratio "${M[pool_flood_on]}" "${M[pool_solo_on]}")"
	[ -n "${M[pool_flood_off]:-}" ] &&
		echo "bench: pool_isolation_nopool $(ratio "${M[pool_flood_off]}" "${M[pool_solo_off]}")"
	echo "bench: pool_overhead $(ratio "${M[pool_solo_on]}" "${M[pool_solo_off]}")"
	return 0
}

# --- main

start=$SECONDS
[[ " $PARTS " == *" throughput "* ]] || CONFIGS=
note "kernel $(uname -r), $(nproc) CPUs, parts: $PARTS; iperf3 -t $SECS -O 1, $ROUNDS rounds, configs: $CONFIGS"
modprobe vxlan 2>/dev/null || note "modprobe vxlan failed"
modprobe geneve 2>/dev/null || note "modprobe geneve failed"
# The VFs start down, without addresses (ovnic takes them as they are).
underlay_down
trace_setup

order=$CONFIGS
reversed=$(tr ' ' '\n' <<<"$CONFIGS" | grep . | tac | tr '\n' ' ')
for ((r = 1; r <= ROUNDS; r++)); do
	if [ $((r % 2)) = 1 ]; then
		order=$CONFIGS
	else
		order=$reversed
	fi
	for cfg in $order; do
		run_cfg "$cfg" "$r"
	done
done

declare -A M
for cfg in $CONFIGS; do
	for t in tcp1 tcp4; do
		[ -z "${FAILED[$cfg]:-}" ] || continue
		M[${cfg}_$t]=$(median "${MBPS[${cfg}_$t]:-}")
		note "$cfg $t runs (Mbit/s):${MBPS[${cfg}_$t]:-}"
		echo "bench: ${t}_${cfg}_mbps ${M[${cfg}_$t]}"
	done
done

print_ratio() {
	local name=$1 a=${M[$2]:-} b=${M[$3]:-}

	[ -n "$a" ] && [ -n "$b" ] || return 0
	echo "bench: $name $(ratio "$a" "$b")"
}
print_ratio tcp1_ovnic_vs_raw ovnic_tcp1 raw_tcp1
print_ratio tcp1_ovnic_vs_vxlan ovnic_tcp1 vxlan_tcp1
print_ratio tcp1_ovnic_vs_geneve ovnic_tcp1 geneve_tcp1
print_ratio tcp4_ovnic_vs_raw ovnic_tcp4 raw_tcp4
print_ratio tcp4_ovnic_vs_vxlan ovnic_tcp4 vxlan_tcp4
print_ratio tcp4_ovnic_vs_geneve ovnic_tcp4 geneve_tcp4
print_ratio tcp1_vxlan_vs_raw vxlan_tcp1 raw_tcp1
print_ratio tcp1_geneve_vs_raw geneve_tcp1 raw_tcp1
print_ratio tcp4_vxlan_vs_raw vxlan_tcp4 raw_tcp4
print_ratio tcp4_geneve_vs_raw geneve_tcp4 raw_tcp4

if [[ " $CONFIGS " == *" ovnic "* ]] && [ -z "${FAILED[ovnic]:-}" ]; then
	line=
	for s in $OVNIC_TX_STATS $OVNIC_RX_STATS; do
		line+=" $s=${CNT[$s]:-0}"
	done
	note "ovnic counter deltas over all ovnic runs (vna sender, vnb receiver):$line"
	[ "${CNT[tx_gso_frames]:-0}" -gt 0 ] ||
		note "ovnic: no GSO frame reached vna (tx_gso_frames did not move)"
	[ "${CNT[rx_frames]:-0}" -gt 0 ] ||
		note "ovnic: rx_frames did not move on vnb"
	echo "bench: vf_xmits_per_64k $(ratio "${CNT[tx_gso_vf_xmits]:-0}" "${CNT[tx_gso_frames]:-0}" | grep . || echo 0.00)"
	line=
	for s in "${!DROPS[@]}"; do
		line+=" $s=${DROPS[$s]}"
	done
	note "ovnic non-zero drop counters and reasm_mem_peak (all rounds):${line:- none}"
	echo "bench: rx_segs_per_skb $(ratio "${CNT[rx_segs]:-0}" "${CNT[rx_frames]:-0}" | grep . || echo 0.00)"
fi

t=$SECONDS
if [[ " $PARTS " == *" failover "* ]]; then
	failover_main
	note "failover part ran $((SECONDS - t)) s"
fi
t=$SECONDS
if [[ " $PARTS " == *" balance "* ]]; then
	balance_main
	note "balance part ran $((SECONDS - t)) s"
fi

t=$SECONDS
if [[ " $PARTS " == *" pool "* ]]; then
	pool_main
	note "pool part ran $((SECONDS - t)) s"
fi

rc=0
for cfg in "${!FAILED[@]}"; do
	note "FAILED: $cfg: ${FAILED[$cfg]}"
	rc=1
done
note "bench ran $((SECONDS - start)) s"
exit "$rc"
