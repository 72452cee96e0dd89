#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ovnic demo, run inside the test VM by "make demo" (scripts/vm.sh
# --demo) after the topology is up and ovnic.ko is loaded: a VNIC on each
# hypervisor (vna0 on pfa0 VF 0 in the initial netns, vnb0 on pfb0 VF 0
# in netns hvb), their ip -d link view, the VF programming seen on the PF,
# ping, a 10 s iperf3 TCP run, ethtool -i/-S, then deletion.

set -u

NS=hvb
ADDR_A=192.0.2.1
ADDR_B=192.0.2.2
IPERF_SECS=${DEMO_IPERF_SECS:-10}
failed=0

export IP_LIB_DIR=${IP_LIB_DIR:-${OVNIC_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}/tools/iproute2}

step() {
	echo
	echo "### $*"
}

# Show and run a command; remember failures.
run() {
	echo "\$ $*"
	"$@"
	local rc=$?
	[ "$rc" = 0 ] || { echo "(exit status $rc)"; failed=1; }
	return "$rc"
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	ip link del vna0 2>/dev/null
	ip -n "$NS" link del vnb0 2>/dev/null
	[ -n "${iperf_pid:-}" ] && kill "$iperf_pid" 2>/dev/null
	return 0
}
trap cleanup EXIT

# Wait up to $2 s for $1 (an "ip -n NS link show DEV" argument list) to
# have carrier.
wait_carrier() {
	local secs=$1 i

	shift
	for ((i = 0; i < secs * 5; i++)); do
		ip "$@" 2>/dev/null | grep -q LOWER_UP && return 0
		sleep 0.2
	done
	echo "no carrier on: ip $*"
	failed=1
	return 1
}

step "kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs, ovnic $(cat /sys/module/ovnic/version 2>/dev/null || echo '?')"

step "hypervisor A: a VNIC on VF 0 of pfa0"
run ip link add vna0 type ovnic pf pfa0 vf 0 || exit 1
run ip addr add "$ADDR_A/24" dev vna0
run ip link set vna0 up

step "hypervisor B (netns $NS): a VNIC on VF 0 of pfb0"
run ip -n "$NS" link add vnb0 type ovnic pf pfb0 vf 0 || exit 1
run ip -n "$NS" addr add "$ADDR_B/24" dev vnb0
run ip -n "$NS" link set vnb0 up

step "waiting for carrier (a VF needs a few seconds after up)"
wait_carrier 30 link show vna0 && wait_carrier 30 -n "$NS" link show vnb0 &&
	echo "both VNICs have carrier"

step "the VNICs"
run ip -d link show vna0
run ip -n "$NS" -d link show vnb0
run ip addr show vna0

step "the VF taken by vna0 and the PF's view of its VFs"
run ip link show pfa0vf0
run ip link show pfa0
run ip -n "$NS" link show pfb0

step "ping from A to B over the wire"
run ping -c 3 -i 0.5 -W 5 "$ADDR_B"

step "iperf3: ${IPERF_SECS} s of TCP from A to B"
ip netns exec "$NS" timeout $((IPERF_SECS + 40)) iperf3 -s -1 -B "$ADDR_B" \
	>/tmp/iperf3-server.log 2>&1 &
iperf_pid=$!
for ((i = 0; i < 50; i++)); do
	ip netns exec "$NS" ss -ltn 2>/dev/null | grep -q ":5201 " && break
	sleep 0.2
done
echo "\$ iperf3 -c $ADDR_B -t $IPERF_SECS -f m"
out=$(timeout $((IPERF_SECS + 30)) iperf3 -c "$ADDR_B" -t "$IPERF_SECS" -f m \
	--connect-timeout 5000 2>&1)
rc=$?
echo "$out"
kill "$iperf_pid" 2>/dev/null
wait "$iperf_pid" 2>/dev/null
iperf_pid=
if [ "$rc" = 0 ]; then
	mbps=$(awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") v = $i } END { print v }' <<<"$out")
	echo
	echo "iperf3 throughput A -> B: ${mbps:-?} Mbit/s (TCG-emulated igb VFs)"
else
	echo "iperf3 failed"
	failed=1
fi

step "ethtool on the VNIC"
run ethtool -i vna0
run ethtool -S vna0

step "deleting the VNICs (the VFs get their settings back)"
run ip link del vna0
run ip -n "$NS" link del vnb0
run ip link show pfa0vf0

echo
if [ "$failed" = 0 ]; then
	echo "demo: all steps succeeded"
else
	echo "demo: some steps failed"
fi
exit "$failed"
