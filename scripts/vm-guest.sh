#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the ovnic test VM, started by the initramfs of
# scripts/vm.sh once the host's root (read-only 9p) is the guest's root
# (moved over the initramfs, as switch_root does), with the repository
# and the writable results folder already mounted.
# Mounts the runtime file systems, builds the topology, loads ovnic.ko,
# runs the requested job (shell command, selftests, demo or benchmark),
# saves the kernel log and a "done" marker into the results folder.
#
#   vm-guest.sh              the job described by $OVNIC_RESULTS/vm.conf
#   vm-guest.sh --post-test  checks run by ksft-run.sh after each test

set -u

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export OVNIC_ROOT=${OVNIC_ROOT:-$(cd "$SCRIPT_DIR/.." && pwd)}
export OVNIC_RESULTS=${OVNIC_RESULTS:-/tmp/ovnic-results}
export OVNIC_KERNEL=${OVNIC_KERNEL:-$(uname -r)}
export OVNIC_KO=${OVNIC_KO:-$OVNIC_ROOT/build/$OVNIC_KERNEL/drivers/net/ovnic/ovnic.ko}
export IP_LIB_DIR=$OVNIC_ROOT/tools/iproute2
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

KMEMLEAK=/sys/kernel/debug/kmemleak

# kmemleak_scan NAME [quiet]: on a kernel with kmemleak (the debug kernel), scan
# now and report what is unreferenced. kmemleak reports an object only
# when its contents did not change since the previous scan, hence two
# scans. The report is saved as $OVNIC_RESULTS/kmemleak-NAME.txt, its
# object lines and backtraces are copied into the kernel log (where
# ksft-run.sh's log check fails the test that just ran on "unreferenced
# object"; not with "quiet"), then the reported objects are cleared so the
# next test starts clean. Returns 1 when there was a report.
kmemleak_scan() {
	local name=$1 quiet=${2:-} out=$OVNIC_RESULTS/kmemleak-$1.txt

	[ -w "$KMEMLEAK" ] || return 0
	echo scan >"$KMEMLEAK" 2>/dev/null
	sleep 1
	echo scan >"$KMEMLEAK" 2>/dev/null
	cat "$KMEMLEAK" >"$out" 2>/dev/null
	echo clear >"$KMEMLEAK" 2>/dev/null
	if [ ! -s "$out" ]; then
		rm -f "$out"
		return 0
	fi
	echo "kmemleak: $(grep -c 'unreferenced object' "$out") unreferenced objects, report in $out"
	[ "$quiet" = quiet ] && return 1
	head -n 200 "$out" | while IFS= read -r line; do
		echo "ovnic-vm kmemleak ($name): $line" >/dev/kmsg
	done
	return 1
}

# After each selftest: the module must still be loaded, the topology
# intact, no VNIC left behind and (debug kernel) no memory leaked.
post_test() {
	local ns left name

	if ! grep -q '^ovnic ' /proc/modules; then
		echo "warning: ovnic.ko is not loaded after the test, reloading it"
		insmod "$OVNIC_KO"
	fi
	"$SCRIPT_DIR/topology.sh" up
	for ns in - $(ip netns list 2>/dev/null | awk '{print $1}'); do
		if [ "$ns" = - ]; then
			left=$(ip -br link show type ovnic 2>/dev/null)
		else
			left=$(ip -n "$ns" -br link show type ovnic 2>/dev/null)
		fi
		[ -n "$left" ] && echo "warning: VNICs left behind in netns $ns: $(echo "$left" | awk '{print $1}' | tr '\n' ' ')"
	done
	# Named after the test that just ended (ksft-run.sh's end marker).
	name=$(dmesg 2>/dev/null | sed -n 's/.*ovnic-ksft: end \([0-9]*\) \([^ ]*\) .*/\1-\2/p' | tail -n 1)
	kmemleak_scan "${name:-test}"
	return 0
}

if [ "${1:-}" = --post-test ]; then
	post_test
	exit 0
fi

mnt() {
	local type=$1 dir=$2 opts=$3

	mountpoint -q "$dir" && return 0
	mkdir -p "$dir"
	mount -t "$type" -o "$opts" "$type" "$dir" || echo "vm-guest: cannot mount $type on $dir"
}

mnt proc /proc nosuid,nodev,noexec
mnt sysfs /sys nosuid,nodev,noexec
mnt devtmpfs /dev mode=0755,nosuid
mnt devpts /dev/pts gid=5,mode=620,ptmxmode=000
mnt tmpfs /dev/shm mode=1777,nosuid,nodev
mnt tmpfs /tmp mode=1777,nosuid,nodev
mnt tmpfs /run mode=0755,nosuid,nodev
mnt debugfs /sys/kernel/debug nosuid,nodev,noexec
mnt tracefs /sys/kernel/tracing nosuid,nodev,noexec
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
[ -e /dev/stdin ] || ln -s /proc/self/fd/0 /dev/stdin
[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr
mkdir -p /run/lock /run/netns /tmp/home
export HOME=/tmp/home
hostname ovnic-vm
ip link set lo up

RES=$OVNIC_RESULTS
# shellcheck source=/dev/null
. "$RES/vm.conf"
[ -n "${VM_OVNIC_KO:-}" ] && export OVNIC_KO=$VM_OVNIC_KO

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

timing() {
	echo "$1 $(uptime_s)" >>"$RES/timings"
}

finish() {
	# Leaks since the last scan (after the last test, or the whole demo
	# or benchmark) go into the kernel log: vm.sh fails the run on them.
	kmemleak_scan end
	dmesg >"$RES/dmesg.txt" 2>&1
	timing end
	echo "$1" >"$RES/done"
	sync
	echo "vm-guest: done ($1)"
	# The initramfs init powers off when this script returns.
	exit 0
}

timing guest-start
echo "vm-guest: kernel $OVNIC_KERNEL, repo $OVNIC_ROOT, job ${VM_MODE:-?}"

# Boot problems that are not the tests' fault go to guest-error.
guest_error() {
	echo "vm-guest: error: $*" | tee -a "$RES/guest-error"
}

modprobe virtio_console 2>/dev/null
"$SCRIPT_DIR/topology.sh" up 2>&1 | tee "$RES/topology.log"
[ "${PIPESTATUS[0]}" = 0 ] || guest_error "topology.sh up failed"
timing topology-up

# Leaks found before ovnic is loaded are not ovnic's: record and clear
# them, so that the first test's scan only sees what came after.
if [ -w "$KMEMLEAK" ]; then
	kmemleak_scan boot quiet >/dev/null 2>&1 ||
		echo "vm-guest: kmemleak: leaks before insmod (not ovnic's): $RES/kmemleak-boot.txt"
	timing kmemleak-baseline
fi

if [ ! -r "$OVNIC_KO" ]; then
	guest_error "no module $OVNIC_KO"
elif ! insmod "$OVNIC_KO"; then
	guest_error "insmod $OVNIC_KO failed"
fi
timing insmod

"$SCRIPT_DIR/topology.sh" show | tee "$RES/topology-show.txt"

if [ -n "${VM_SHELL_CMD:-}" ]; then
	echo "vm-guest: running shell command"
	(cd "$OVNIC_ROOT" && exec bash -c "$VM_SHELL_CMD") </dev/null 2>&1 | tee -a "$RES/output.log"
	echo "${PIPESTATUS[0]}" >"$RES/shell.rc"
	timing shell-cmd
fi

case ${VM_MODE:-} in
tests)
	export KSFT_TIMEOUT=${VM_KSFT_TIMEOUT:-300}
	export KSFT_LOGDIR=$RES/tests
	export KSFT_DMESG_HITS=$RES/dmesg-hits.txt
	export KSFT_POST_HOOK="$SCRIPT_DIR/vm-guest.sh --post-test"
	: >"$KSFT_DMESG_HITS"
	"$SCRIPT_DIR/ksft-run.sh" "${VM_TESTS[@]}" 2>&1 | tee "$RES/ksft.tap" | tee -a "$RES/output.log"
	timing tests
	;;
demo)
	"$SCRIPT_DIR/demo-guest.sh" </dev/null 2>&1 | tee -a "$RES/output.log"
	echo "${PIPESTATUS[0]}" >"$RES/demo.rc"
	timing demo
	;;
bench)
	"$SCRIPT_DIR/bench-guest.sh" </dev/null 2>&1 | tee -a "$RES/output.log"
	echo "${PIPESTATUS[0]}" >"$RES/bench.rc"
	timing bench
	;;
esac

finish ok
