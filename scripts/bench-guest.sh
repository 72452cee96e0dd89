#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ovnic benchmark, run inside the test VM by "make bench" (scripts/vm.sh
# --bench) after the topology is up and ovnic.ko is loaded.
#
# It measures iperf3 TCP throughput, one stream (tcp1) and four streams
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
# Environment: BENCH_SECS (5), BENCH_ROUNDS (5), BENCH_CONFIGS
# ("raw ovnic vxlan geneve"), BENCH_TRACE (1: do the traced runs),
# BENCH_TNL_VF_TX (off: the VFs' tx checksum offload, and with it their
# TSO, is off for vxlan and geneve; see vf_tx_csum below).

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

# ip in the netns of hypervisor $1 (a or b).
hip() {
	if [ "$1" = a ]; then
		shift
		ip "$@"
	else
		shift
		ip -n "$NS" "$@"
	fi
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

# --- main

start=$SECONDS
note "kernel $(uname -r), $(nproc) CPUs, iperf3 -t $SECS -O 1, $ROUNDS rounds, configs: $CONFIGS"
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

rc=0
for cfg in $CONFIGS; do
	if [ -n "${FAILED[$cfg]:-}" ]; then
		note "FAILED: $cfg: ${FAILED[$cfg]}"
		rc=1
	fi
done
note "bench ran $((SECONDS - start)) s"
exit "$rc"
