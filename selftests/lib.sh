#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the ovnic selftests. Sourced by every ovnic_*.sh test:
#
#	source "$(dirname "$(readlink -f "$0")")/lib.sh"
#
# The tests run inside the VM (scripts/vm.sh), as root, on the topology of
# scripts/topology.sh: PFs pfa0/pfa1 (+ VFs pfa0vf0, pfa0vf1, ...) in the
# init netns, PFs pfb0/pfb1 and their VFs in netns hvb, wire 0 between pfa0
# and pfb0, wire 1 between pfa1 and pfb1, two VFs per PF.
#
# Reporting: a test case sets RET/RETMSG through check_err/check_fail (or
# the assert helpers below) and ends with log_test "description". The exit
# trap runs the deferred cleanups, restores the topology and exits with the
# kselftest code: KSFT_FAIL if any case failed, KSFT_SKIP if every case was
# skipped, KSFT_PASS otherwise.

export LC_ALL=C

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

: "${OVNIC_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${IP_LIB_DIR:=$OVNIC_ROOT/tools/iproute2}"
export OVNIC_ROOT IP_LIB_DIR
: "${OVNIC_KO:=}"
: "${OVNIC_VERBOSE:=0}"

OVNIC_SELFTESTS=$OVNIC_ROOT/selftests
OVNIC_NL=$OVNIC_SELFTESTS/ovnic_nl.py
TOPOLOGY=$OVNIC_ROOT/scripts/topology.sh
QEMU_MONITOR=$OVNIC_ROOT/scripts/qemu-monitor.sh

# Topology of the conventions.
HVB=hvb
PFS_A="pfa0 pfa1"
PFS_B="pfb0 pfb1"
NUM_VFS=2

if [ -x /usr/bin/python3 ]; then
	PYTHON=/usr/bin/python3
else
	PYTHON=python3
fi

# Timeouts (seconds). A VF needs 3-4 s after "up" for carrier under TCG.
CARRIER_TIMEOUT=${CARRIER_TIMEOUT:-15}
DEV_TIMEOUT=${DEV_TIMEOUT:-20}

TEST_NAME=$(basename "$0" .sh)
RET=0
RETMSG=""
NUM_PASS=0
NUM_FAIL=0
NUM_SKIP=0
OVNIC_DEFER=()
OVNIC_DEFER_SCOPES=()
OVNIC_TEST_START=$SECONDS

##############################################################################
# Logging and per-case results

log_info()
{
	echo "# $*"
}

log_verbose()
{
	[ "$OVNIC_VERBOSE" = 1 ] && echo "#   $*"
	return 0
}

# check_err ERR MSG: the case fails when ERR is not 0.
check_err()
{
	local err=$1
	local msg=$2

	if [ "$err" -ne 0 ]; then
		RET=1
		RETMSG="${RETMSG:+$RETMSG; }$msg"
	fi
}

# check_fail ERR MSG: the case fails when ERR is 0 (something that had to
# fail succeeded).
check_fail()
{
	check_err "$(($1 == 0))" "$2"
}

# fail MSG: record a failure of the current case.
fail()
{
	check_err 1 "$1"
}

log_test()
{
	local name=$1

	if [ "$RET" -ne 0 ]; then
		printf "TEST: %-68s [FAIL]\n" "$name"
		echo "#	$RETMSG"
		NUM_FAIL=$((NUM_FAIL + 1))
	else
		printf "TEST: %-68s [ OK ]\n" "$name"
		NUM_PASS=$((NUM_PASS + 1))
	fi
	RET=0
	RETMSG=""
}

log_test_skip()
{
	local name=$1
	local why=$2

	printf "TEST: %-68s [SKIP]\n" "$name"
	[ -n "$why" ] && echo "#	$why"
	NUM_SKIP=$((NUM_SKIP + 1))
	RET=0
	RETMSG=""
}

# Compare two values; record a failure with a readable message.
check_eq()
{
	local what=$1
	local got=$2
	local want=$3

	[ "$got" = "$want" ] || fail "$what: got '$got', expected '$want'"
}

check_ne()
{
	local what=$1
	local got=$2
	local bad=$3

	[ "$got" != "$bad" ] || fail "$what: got '$got', expected anything else"
}

# check_ge WHAT GOT MIN (integers)
check_ge()
{
	local what=$1
	local got=$2
	local min=$3

	if ! [[ "$got" =~ ^[0-9]+$ ]] || [ "$got" -lt "$min" ]; then
		fail "$what: got '$got', expected >= $min"
	fi
}

##############################################################################
# Cleanup: a stack of commands run in reverse order (per scope and at exit)

# defer CMD [ARGS...]: run CMD at the end of the current scope (or at exit).
defer()
{
	OVNIC_DEFER+=("$(printf '%q ' "$@")")
}

defer_scope_push()
{
	OVNIC_DEFER_SCOPES+=("${#OVNIC_DEFER[@]}")
}

__defer_run_to()
{
	local stop=$1
	local i

	for ((i = ${#OVNIC_DEFER[@]} - 1; i >= stop; i--)); do
		log_verbose "cleanup: ${OVNIC_DEFER[$i]}"
		eval "${OVNIC_DEFER[$i]}" >/dev/null 2>&1
		unset "OVNIC_DEFER[$i]"
	done
	OVNIC_DEFER=("${OVNIC_DEFER[@]}")
}

# defer_scope_pop: run (in reverse) what was deferred since the last push.
defer_scope_pop()
{
	local n=${#OVNIC_DEFER_SCOPES[@]}
	local stop=0

	if [ "$n" -gt 0 ]; then
		stop=${OVNIC_DEFER_SCOPES[$((n - 1))]}
		unset "OVNIC_DEFER_SCOPES[$((n - 1))]"
		OVNIC_DEFER_SCOPES=("${OVNIC_DEFER_SCOPES[@]}")
	fi
	__defer_run_to "$stop"
}

defer_run_all()
{
	__defer_run_to 0
	OVNIC_DEFER_SCOPES=()
}

##############################################################################
# Namespaces, waiting, JSON

# nsrun NS CMD...: run CMD in netns NS ("" or "-" = the init netns).
nsrun()
{
	local ns=$1
	shift

	if [ -z "$ns" ] || [ "$ns" = "-" ]; then
		"$@"
	else
		ip netns exec "$ns" "$@"
	fi
}

# ipns NS ARGS...: "ip" in netns NS.
ipns()
{
	local ns=$1
	shift

	if [ -z "$ns" ] || [ "$ns" = "-" ]; then
		ip "$@"
	else
		ip -n "$ns" "$@"
	fi
}

in_hvb()
{
	ip netns exec "$HVB" "$@"
}

# on_debug_kernel: true on the debug kernel of scripts/debug-kernel.sh
# (KASAN, lockdep, kmemleak: several times slower), whose release ends in
# "-ovnic-debug".
on_debug_kernel()
{
	case $(uname -r) in
	*-ovnic-debug*) return 0 ;;
	esac
	return 1
}

# on_slow_machine: the debug kernel, or KSFT_MACHINE_SLOW=yes (the
# variable the kernel's own net selftests use for slow or debug builds).
# Rates the tests offer and their rate bounds are lower there.
on_slow_machine()
{
	[ "${KSFT_MACHINE_SLOW:-}" = yes ] || on_debug_kernel
}

# fail_timing MSG: fail() for a check that only holds if the guest sees a
# short-lived state in time (a state sampled during a 500 ms flap, a
# window of a few seconds polled with ip -d). On a slow machine it is an
# expected failure (XFAIL, logged): the behaviour around it is still
# checked there.
fail_timing()
{
	if on_slow_machine; then
		log_info "XFAIL (slow machine): $*"
		return 0
	fi
	fail "$@"
}

now_ms()
{
	local t=${EPOCHREALTIME/./}

	echo $((t / 1000))
}

# wait_until TIMEOUT_S CMD...: poll CMD every 0.1 s until it succeeds.
# Returns 1 on timeout. WAIT_MS holds how long it took.
export WAIT_MS=0
wait_until()
{
	local timeout_ms=$(($1 * 1000))
	shift
	local start
	local now

	start=$(now_ms)
	while true; do
		if "$@" >/dev/null 2>&1; then
			now=$(now_ms)
			WAIT_MS=$((now - start))
			return 0
		fi
		now=$(now_ms)
		if [ $((now - start)) -gt "$timeout_ms" ]; then
			WAIT_MS=$((now - start))
			return 1
		fi
		sleep 0.1
	done
}

# Negation usable by wait_until.
not()
{
	! "$@"
}

# python helpers over JSON given on stdin
# shellcheck disable=SC2016
__OVNIC_PY='
import json, sys

def onoff(v):
    if isinstance(v, bool):
        return "on" if v else "off"
    if isinstance(v, int):
        return "on" if v else "off"
    return str(v)

def out(v):
    if v is None:
        sys.exit(1)
    if isinstance(v, bool):
        print("true" if v else "false")
    elif isinstance(v, (dict, list)):
        print(json.dumps(v))
    else:
        print(v)

cmd = sys.argv[1]
raw = sys.stdin.read()
try:
    d = json.loads(raw) if raw.strip() else []
except ValueError:
    sys.exit(2)

if cmd == "get":
    try:
        v = eval(sys.argv[2], {"d": d, "onoff": onoff})
    except (KeyError, IndexError, TypeError, ValueError):
        sys.exit(1)
    out(v)
elif cmd == "vf":
    # stdin: ip -j link show PF; argv: VF index, key (mac vlan spoofchk trust)
    vf, key = int(sys.argv[2]), sys.argv[3]
    for e in (d[0].get("vfinfo_list") or []) if d else []:
        if int(e.get("vf", -1)) != vf:
            continue
        if key == "mac":
            out(e.get("address", e.get("mac")))
        elif key == "vlan":
            v = 0
            if e.get("vlan_list"):
                v = e["vlan_list"][0].get("vlan", 0)
            elif e.get("vlan") is not None:
                v = e["vlan"]
            out(v)
        elif key in ("spoofchk", "trust"):
            out(onoff(e.get(key)))
        elif key == "all":
            v = 0
            if e.get("vlan_list"):
                v = e["vlan_list"][0].get("vlan", 0)
            elif e.get("vlan") is not None:
                v = e["vlan"]
            print("mac=%s vlan=%s spoofchk=%s trust=%s" %
                  (e.get("address", e.get("mac")), v,
                   onoff(e.get("spoofchk")), onoff(e.get("trust"))))
        else:
            out(e.get(key))
        sys.exit(0)
    sys.exit(1)
elif cmd == "kind":
    # stdin: ip -j -d link show; argv: kind -> names of links of that kind
    for e in d:
        if (e.get("linkinfo") or {}).get("info_kind") == sys.argv[2]:
            print(e["ifname"])
elif cmd == "data":
    # stdin: ip -j -d link show DEV; argv: key of info_data, normalized
    try:
        v = d[0]["linkinfo"]["info_data"][sys.argv[2]]
    except (KeyError, IndexError, TypeError):
        sys.exit(1)
    if sys.argv[2] in ("spoofchk", "trust"):
        v = onoff(v)
    out(v)
elif cmd == "iperf3":
    # stdin: iperf3 -J; prints "<bits/s received> <bytes sent> <bytes received>"
    e = d.get("end", {}) if isinstance(d, dict) else {}
    if "error" in d:
        print("iperf3 error: " + d["error"], file=sys.stderr)
    s, r = e.get("sum_sent", {}), e.get("sum_received", {})
    if not r:
        sys.exit(1)
    print("%d %d %d" % (r.get("bits_per_second", 0), s.get("bytes", 0), r.get("bytes", 0)))
'

# json_get EXPR < JSON: print eval(EXPR) over "d" (the parsed JSON).
json_get()
{
	"$PYTHON" -S -c "$__OVNIC_PY" get "$1"
}

# link_json DEV [NS]
link_json()
{
	ipns "$2" -j -d link show dev "$1" 2>/dev/null
}

# link_get DEV EXPR [NS]: e.g. link_get vn0 'd[0]["mtu"]'
link_get()
{
	link_json "$1" "$3" | json_get "$2"
}

dev_exists()
{
	ipns "$2" link show dev "$1" >/dev/null 2>&1
}

dev_gone()
{
	! dev_exists "$@"
}

dev_ifindex()
{
	link_get "$1" 'd[0]["ifindex"]' "$2"
}

dev_mac()
{
	link_get "$1" 'd[0]["address"]' "$2"
}

dev_mtu()
{
	link_get "$1" 'd[0]["mtu"]' "$2"
}

dev_operstate()
{
	link_get "$1" 'd[0]["operstate"]' "$2"
}

# dev_master DEV [NS]: name of the upper device (fails when none)
dev_master()
{
	link_get "$1" 'd[0]["master"]' "$2"
}

dev_has_master()
{
	dev_master "$@" >/dev/null
}

# dev_has_flag DEV FLAG [NS]
dev_has_flag()
{
	link_json "$1" "$3" | json_get "True if \"$2\" in d[0][\"flags\"] else None" >/dev/null
}

dev_is_up()
{
	dev_has_flag "$1" UP "$2"
}

# Carrier as user space sees it (what LOWER_UP in the flags shows): sysfs
# "carrier" reads 1 only for a running device with carrier. Read directly
# (no JSON parsing) to poll fast.
dev_carrier()
{
	[ "$(nsrun "$2" cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ]
}

dev_no_carrier()
{
	dev_exists "$1" "$2" && ! dev_carrier "$1" "$2"
}

wait_dev()
{
	wait_until "${3:-$DEV_TIMEOUT}" dev_exists "$1" "$2"
}

wait_dev_gone()
{
	wait_until "${3:-$DEV_TIMEOUT}" dev_gone "$1" "$2"
}

wait_carrier()
{
	wait_until "${3:-$CARRIER_TIMEOUT}" dev_carrier "$1" "$2"
}

wait_no_carrier()
{
	wait_until "${3:-$CARRIER_TIMEOUT}" dev_no_carrier "$1" "$2"
}

# sysfs of a device in netns NS
dev_sysfs()
{
	local dev=$1
	local ns=$2
	local file=$3

	nsrun "$ns" cat "/sys/class/net/$dev/$file" 2>/dev/null
}

# PCI address of the device behind DEV
dev_pci()
{
	nsrun "$2" readlink -f "/sys/class/net/$1/device" 2>/dev/null | xargs -r basename
}

# PCI address of VF K of PF (from the PF's virtfnK link)
pf_vf_pci()
{
	nsrun "$3" readlink -f "/sys/class/net/$1/device/virtfn$2" 2>/dev/null | xargs -r basename
}

tx_queues()
{
	nsrun "$2" sh -c "ls -d /sys/class/net/$1/queues/tx-* 2>/dev/null | wc -l"
}

rx_queues()
{
	nsrun "$2" sh -c "ls -d /sys/class/net/$1/queues/rx-* 2>/dev/null | wc -l"
}

# Links of kind ovnic in NS (names, one a line)
ovnic_links()
{
	ipns "$1" -j -d link show 2>/dev/null | "$PYTHON" -S -c "$__OVNIC_PY" kind ovnic
}

# ovnic_data DEV KEY [NS]: info_data KEY of "ip -d -j link show DEV"
# (spoofchk/trust normalized to on/off)
ovnic_data()
{
	link_json "$1" "$3" | "$PYTHON" -S -c "$__OVNIC_PY" data "$2"
}

# vf_get PF VF KEY [NS]: the PF's view of VF (KEY: mac vlan spoofchk trust)
vf_get()
{
	ipns "$4" -j link show dev "$1" 2>/dev/null | "$PYTHON" -S -c "$__OVNIC_PY" vf "$2" "$3"
}

# vf_snapshot PF VF [NS]: "mac=.. vlan=.. spoofchk=.. trust=.." as the PF
# reports it, plus the VF netdev's admin state and upper device.
vf_snapshot()
{
	local pf=$1
	local vf=$2
	local ns=$3
	local vfdev=${pf}vf${vf}
	local s
	local up=down
	local master

	s=$(vf_get "$pf" "$vf" all "$ns") || s="no-vfinfo"
	dev_is_up "$vfdev" "$ns" && up=up
	master=$(dev_master "$vfdev" "$ns") || master=none
	echo "$s admin=$up master=$master"
}

##############################################################################
# ethtool

# ethtool_stat DEV NAME [NS]: value of counter NAME of ethtool -S DEV
ethtool_stat()
{
	nsrun "$3" ethtool -S "$1" 2>/dev/null |
		awk -v n="$2" '{ k = $1; sub(":$", "", k) } k == n { print $2; f = 1 } END { exit !f }'
}

# ethtool_stat_sum DEV ERE [NS]: sum of the counters whose names match ERE
ethtool_stat_sum()
{
	nsrun "$3" ethtool -S "$1" 2>/dev/null |
		awk -v re="$2" '{ k = $1; sub(":$", "", k) } k ~ re { s += $2; f = 1 }
			END { if (!f) exit 1; printf "%d\n", s }'
}

# ethtool_feature DEV FEATURE [NS]: "on", "off", with " [fixed]" when fixed
ethtool_feature()
{
	nsrun "$3" ethtool -k "$1" 2>/dev/null |
		awk -v f="$2" -F': ' '$1 == f { print $2; found = 1 } END { exit !found }'
}

# link_stat DEV rx|tx bytes|packets [NS]: from ip -s (stats64)
link_stat()
{
	ipns "$4" -j -s link show dev "$1" 2>/dev/null |
		json_get "d[0][\"stats64\"][\"$2\"][\"$3\"]"
}

##############################################################################
# Assertions on commands

# run_capture CMD...: run CMD, keep its stderr in CMD_ERR and stdout in
# CMD_OUT, return its status.
export CMD_OUT=""
export CMD_ERR=""
run_capture()
{
	local errf
	local rc

	errf=$(mktemp)
	CMD_OUT=$("$@" 2>"$errf")
	rc=$?
	CMD_ERR=$(cat "$errf")
	rm -f "$errf"
	return $rc
}

# check_cmd CMD...: the command must succeed (its stderr goes to RETMSG).
check_cmd()
{
	if ! run_capture "$@"; then
		fail "'$*' failed: ${CMD_ERR:-no message}"
		return 1
	fi
	return 0
}

# check_cmd_fails ERE CMD...: the command must fail and its stderr must match
# the extended regular expression ERE (the extack message, usually).
check_cmd_fails()
{
	local pat=$1
	shift

	if run_capture "$@"; then
		fail "'$*' succeeded, it had to fail with '$pat'"
		return 1
	fi
	log_verbose "stderr: $CMD_ERR"
	if ! grep -qE -- "$pat" <<<"$CMD_ERR"; then
		fail "'$*' failed as expected, but its message '$CMD_ERR' lacks '$pat'"
		return 1
	fi
	return 0
}

# ovnic_nl ARGS...: raw rtnetlink request (see ovnic_nl.py)
ovnic_nl()
{
	"$PYTHON" "$OVNIC_NL" "$@"
}

##############################################################################
# VNICs

# vnic_add [-n NS] NAME PF VF [address MAC] [mtu N] [vlan V] [spoofchk on|off]
#	[trust on|off]
# Creates the VNIC in NS (the PF's netns) and defers its deletion.
vnic_add()
{
	local ns=""
	local name
	local pf
	local vf
	local pre=()
	local post=()

	if [ "$1" = "-n" ]; then
		ns=$2
		shift 2
	fi
	name=$1
	pf=$2
	vf=$3
	shift 3
	while [ $# -ge 2 ]; do
		case $1 in
		address|mtu|txqueuelen)
			pre+=("$1" "$2")
			;;
		*)
			post+=("$1" "$2")
			;;
		esac
		shift 2
	done
	defer vnic_del "$name" "$ns"
	run_capture ipns "$ns" link add "$name" "${pre[@]}" type ovnic pf "$pf" vf "$vf" "${post[@]}"
}

# vnic_del NAME [NS]: delete if present (quiet)
vnic_del()
{
	ipns "$2" link del dev "$1" >/dev/null 2>&1
	return 0
}

# vnic_up NAME [NS]: set up and wait for carrier
vnic_up()
{
	ipns "$2" link set dev "$1" up && wait_carrier "$1" "$2"
}

# addr_add DEV NS ADDR...: add addresses (IPv6 ones nodad)
addr_add()
{
	local dev=$1
	local ns=$2
	local a

	shift 2
	for a in "$@"; do
		if [[ "$a" == *:* ]]; then
			ipns "$ns" addr add "$a" dev "$dev" nodad || return 1
		else
			ipns "$ns" addr add "$a" dev "$dev" || return 1
		fi
	done
}

# Delete every VNIC left in the known namespaces.
vnic_del_all()
{
	local ns
	local d

	for ns in - "$HVB" $(ip netns list 2>/dev/null | awk '/^tenant/ { print $1 }'); do
		for d in $(ovnic_links "$ns"); do
			ipns "$ns" link del dev "$d" 2>/dev/null
		done
	done
	return 0
}

##############################################################################
# Traffic

# ping_ok NS DST [COUNT]: COUNT (3) replies within 15 s
ping_ok()
{
	local ns=$1
	local dst=$2
	local count=${3:-3}
	local fam=-4

	[[ "$dst" == *:* ]] && fam=-6
	nsrun "$ns" ping "$fam" -q -c "$count" -i 0.2 -w 15 "$dst" >/dev/null 2>&1
}

# check_ping NS DST: a case check
check_ping()
{
	ping_ok "$1" "$2" "$3" || fail "ping from ${1:-init} to $2 failed"
}

# bg_start NS CMD...: start CMD in the background in NS, defer its kill.
# BG_PID is its pid.
BG_PID=""
bg_start()
{
	local ns=$1

	shift
	if [ -z "$ns" ] || [ "$ns" = "-" ]; then
		"$@" >/dev/null 2>&1 &
	else
		ip netns exec "$ns" "$@" >/dev/null 2>&1 &
	fi
	BG_PID=$!
	defer bg_stop "$BG_PID"
}

bg_stop()
{
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# iperf3_server NS PORT: iperf3 server, bounded to 5 minutes
iperf3_server()
{
	local ns=$1
	local port=${2:-5201}

	bg_start "$ns" timeout 300 iperf3 -s -p "$port"
	wait_until 15 nsrun "$ns" sh -c "ss -ltn | grep -q ':$port '"
}

# iperf3_client NS DST PORT SECS [iperf3 args]: prints
# "<bits/s> <bytes sent> <bytes received>" (as the receiver saw them)
iperf3_client()
{
	local ns=$1
	local dst=$2
	local port=$3
	local secs=$4
	local js

	shift 4
	js=$(nsrun "$ns" timeout $((secs + 30)) iperf3 -c "$dst" -p "$port" -t "$secs" -J "$@" 2>&1)
	"$PYTHON" -S -c "$__OVNIC_PY" iperf3 <<<"$js"
}

##############################################################################
# Kernel log

# The mark is the time stamp of the last record: line counts do not work
# once the kernel's log buffer is full (old records go, the count stops
# growing or shrinks). Lines without a time stamp belong to the record
# above them.
KMSG_MARK=0
__dmesg_after()
{
	awk -v m="$1" 'match($0, /^\[ *[0-9]+\.[0-9]+\]/) {
		t = substr($0, RSTART + 1, RLENGTH - 2) + 0
	}
	t > m + 0'
}

dmesg_mark()
{
	KMSG_MARK=$(dmesg | awk 'match($0, /^\[ *[0-9]+\.[0-9]+\]/) {
		t = substr($0, RSTART + 1, RLENGTH - 2)
	} END { gsub(/ /, "", t); print (t == "" ? 0 : t) }')
}

dmesg_new()
{
	dmesg | __dmesg_after "$KMSG_MARK"
}

KERNEL_SPLAT='WARNING:|BUG:|Oops|general protection|refcount_t:|unregister_netdevice: waiting|waiting for .* to become free|KASAN|possible circular|possible recursive|sleeping function called|corruption|use-after-free|Call Trace'

# check_dmesg_clean: no kernel warning since the last dmesg_mark
check_dmesg_clean()
{
	local bad

	bad=$(dmesg_new | grep -E "$KERNEL_SPLAT" | head -n 5)
	[ -z "$bad" ] || fail "kernel log: $(tr '\n' '|' <<<"$bad")"
}

##############################################################################
# Module, topology, QEMU monitor

ovnic_module_loaded()
{
	[ -d /sys/module/ovnic ]
}

ovnic_module_load()
{
	ovnic_module_loaded && return 0
	if [ -z "$OVNIC_KO" ] || [ ! -e "$OVNIC_KO" ]; then
		log_info "OVNIC_KO ('$OVNIC_KO') not found"
		return 1
	fi
	insmod "$OVNIC_KO"
}

qemu_monitor()
{
	"$QEMU_MONITOR" "$*"
}

# topology_ok: prints what is missing, fails when something is.
topology_ok()
{
	local ok=0
	local pf
	local ns
	local k
	local n

	for pf in $PFS_A $PFS_B; do
		ns=""
		[[ "$pf" == pfb* ]] && ns=$HVB
		if ! dev_exists "$pf" "$ns"; then
			echo "missing PF $pf"
			ok=1
			continue
		fi
		n=$(nsrun "$ns" cat "/sys/class/net/$pf/device/sriov_numvfs" 2>/dev/null)
		[ "$n" = "$NUM_VFS" ] || { echo "$pf has sriov_numvfs=$n"; ok=1; }
		for ((k = 0; k < NUM_VFS; k++)); do
			dev_exists "$pf"vf$k "$ns" || { echo "missing VF ${pf}vf$k"; ok=1; }
		done
	done
	return $ok
}

topology_up()
{
	"$TOPOLOGY" up
}

# topology_restore: bring the topology back to the conventions' state.
topology_restore()
{
	topology_ok >/dev/null && return 0
	topology_up >/dev/null 2>&1
	wait_until 60 topology_ok
}

##############################################################################
# Test life cycle

ovnic_exit()
{
	local rc=$?
	local missing
	local left

	trap - EXIT INT TERM
	defer_run_all
	# Safety net: leave the conventions' topology to the next test.
	left=$(for ns in - "$HVB"; do ovnic_links "$ns"; done | tr '\n' ' ')
	if [ -n "${left// /}" ]; then
		echo "# warning: VNICs left behind: $left (deleting)"
		vnic_del_all
	fi
	for ns in $(ip netns list 2>/dev/null | awk '/^tenant/ { print $1 }'); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	if ! ovnic_module_loaded; then
		echo "# warning: ovnic module not loaded at exit, loading it"
		ovnic_module_load
	fi
	if ! missing=$(topology_ok); then
		echo "# restoring topology: $(tr '\n' ' ' <<<"$missing")"
		topology_up >/dev/null 2>&1
		wait_until 60 topology_ok || echo "# warning: topology not restored: $(topology_ok | tr '\n' ' ')"
	fi

	echo "# $TEST_NAME: $NUM_PASS passed, $NUM_FAIL failed, $NUM_SKIP skipped" \
		"in $((SECONDS - OVNIC_TEST_START)) s"
	if [ "$NUM_FAIL" -gt 0 ]; then
		exit $KSFT_FAIL
	elif [ "$NUM_PASS" -eq 0 ] && [ "$NUM_SKIP" -gt 0 ]; then
		exit $KSFT_SKIP
	elif [ "$NUM_PASS" -eq 0 ]; then
		# nothing ran: the test itself broke
		[ "$rc" -ne 0 ] && exit $KSFT_FAIL
		exit $KSFT_SKIP
	fi
	exit $KSFT_PASS
}

# ovnic_init: common preconditions of every test; skips when the
# environment cannot run it, restores what a previous test left.
ovnic_init()
{
	local c
	local missing

	if [ "$(id -u)" != 0 ]; then
		echo "# SKIP: must run as root (inside the VM)"
		exit $KSFT_SKIP
	fi
	for c in ip ethtool "$PYTHON" ping; do
		command -v "$c" >/dev/null || { echo "# SKIP: $c not found"; exit $KSFT_SKIP; }
	done
	if ! ovnic_module_loaded && ! ovnic_module_load; then
		echo "# SKIP: ovnic module not loaded and OVNIC_KO unusable"
		exit $KSFT_SKIP
	fi
	if [ ! -e "$IP_LIB_DIR/link_ovnic.so" ]; then
		echo "# SKIP: ip plugin $IP_LIB_DIR/link_ovnic.so not built"
		exit $KSFT_SKIP
	fi
	trap ovnic_exit EXIT
	trap 'NUM_FAIL=$((NUM_FAIL + 1)); echo "# interrupted"; exit $KSFT_FAIL' INT TERM
	if [ -n "$(ovnic_links -)$(ovnic_links "$HVB")" ]; then
		echo "# warning: VNICs left by an earlier test, deleting them"
		vnic_del_all
	fi
	if ! missing=$(topology_ok); then
		echo "# topology incomplete at start ($(tr '\n' ' ' <<<"$missing")), restoring"
		topology_up >/dev/null 2>&1
		if ! wait_until 60 topology_ok; then
			echo "# FAIL: topology cannot be restored: $(topology_ok | tr '\n' ' ')"
			exit $KSFT_FAIL
		fi
	fi
	dmesg_mark
	log_info "$TEST_NAME on $(uname -r)"
}

# load_module NAME [PARAMS]: load a module a test needs up front, so a
# missing one is reported by name rather than by a failing command.
load_module()
{
	[ -d "/sys/module/$1" ] && return 0
	modprobe -q "$@" 2>/dev/null
}

# require_cmd CMD: skip the whole test without it
require_cmd()
{
	command -v "$1" >/dev/null || { echo "# SKIP: $1 not found"; exit $KSFT_SKIP; }
}

##############################################################################
# >>> overlay helpers (ovnic_overlay.sh, ovnic_overlay_netem.sh) >>>
#
# An overlay "pair" ID is two overlay VNICs on wire 0, each in a tenant
# netns of its own:
#
#   netns tenantaID                                  netns tenantbID
#   vnaID (OVL_TENANT{4,6}_A)                        vnbID (OVL_TENANT{4,6}_B)
#    `- pfa0vfK -- pfa0 ===== wire 0 ===== pfb0 -- pfb0vfK -'
#       (hypervisor A: init netns)         (hypervisor B: netns hvb)
#
# The tenant netns names start with "tenant" so that the exit trap of
# lib.sh deletes whatever a broken test left behind.

export OVL_PORT=7475
export OVL_OVERHEAD4=74
export OVL_OVERHEAD6=94
OVL_TENANT4_A=198.51.100.1
OVL_TENANT4_B=198.51.100.2
OVL_TENANT6_A=2001:db8:100::1
OVL_TENANT6_B=2001:db8:100::2
# Seconds to wait for the first replies through a new pair (VF carrier,
# resolution of the remote endpoint's MAC).
OVL_PING_TIMEOUT=${OVL_PING_TIMEOUT:-20}
export OVL_ERR=""
declare -A OVL_PAIR_VF=()

# ovl_tenant_ns NAME: create tenant netns NAME (lo up, no DAD) and defer
# its deletion (with whatever still runs in it).
ovl_tenant_ns()
{
	defer ovl_tenant_ns_del "$1"
	ip netns add "$1" || return 1
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 >/dev/null 2>&1
	return 0
}

ovl_tenant_ns_del()
{
	ip netns pids "$1" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$1" 2>/dev/null
	return 0
}

# ovl_pair_up [-m MAC_A MAC_B] ID VF VNI_A VNI_B LOCAL_A LOCAL_B [ARGS...]
#	Overlay pair ID: vnaID on pfa0 vf VF (init netns) with vni VNI_A,
#	local LOCAL_A, remote LOCAL_B; vnbID on pfb0 vf VF (netns hvb) with
#	vni VNI_B, local LOCAL_B, remote LOCAL_A. ARGS (e.g. "reasm-mem 65536")
#	go to both "ip link add"; -m gives the tenant MACs ("address").
#	The VNICs move to the new netns tenantaID / tenantbID, get the
#	tenant addresses OVL_TENANT{4,6}_{A,B} (/24, /64) and are set up; waits
#	for their carrier. Defers ovl_pair_down ID. On failure: returns 1,
#	the reason in OVL_ERR.
ovl_pair_up()
{
	local pre_a=()
	local pre_b=()
	local id
	local vf
	local vni_a
	local vni_b
	local la
	local lb
	local na
	local nb

	if [ "$1" = "-m" ]; then
		pre_a=(address "$2")
		pre_b=(address "$3")
		shift 3
	fi
	id=$1
	vf=$2
	vni_a=$3
	vni_b=$4
	la=$5
	lb=$6
	shift 6
	na=tenanta$id
	nb=tenantb$id
	OVL_ERR=""
	OVL_PAIR_VF[$id]=$vf
	defer ovl_pair_down "$id"
	if ! ovl_tenant_ns "$na" || ! ovl_tenant_ns "$nb"; then
		OVL_ERR="cannot create netns $na/$nb"
		return 1
	fi
	if ! run_capture ip link add "vna$id" "${pre_a[@]}" type ovnic pf pfa0 vf "$vf" \
		vni "$vni_a" local "$la" remote "$lb" "$@"; then
		OVL_ERR="create vna$id: $CMD_ERR"
		return 1
	fi
	if ! run_capture ip -n "$HVB" link add "vnb$id" "${pre_b[@]}" type ovnic pf pfb0 vf "$vf" \
		vni "$vni_b" local "$lb" remote "$la" "$@"; then
		OVL_ERR="create vnb$id: $CMD_ERR"
		return 1
	fi
	if ! ip link set dev "vna$id" netns "$na" || ! ip -n "$HVB" link set dev "vnb$id" netns "$nb"; then
		OVL_ERR="cannot move vna$id/vnb$id to $na/$nb"
		return 1
	fi
	if ! addr_add "vna$id" "$na" "$OVL_TENANT4_A/24" "$OVL_TENANT6_A/64" ||
	   ! addr_add "vnb$id" "$nb" "$OVL_TENANT4_B/24" "$OVL_TENANT6_B/64"; then
		OVL_ERR="cannot add tenant addresses"
		return 1
	fi
	ip -n "$na" link set dev "vna$id" up
	ip -n "$nb" link set dev "vnb$id" up
	if ! wait_carrier "vna$id" "$na"; then
		OVL_ERR="vna$id: no carrier in $CARRIER_TIMEOUT s"
		return 1
	fi
	if ! wait_carrier "vnb$id" "$nb"; then
		OVL_ERR="vnb$id: no carrier in $CARRIER_TIMEOUT s"
		return 1
	fi
	return 0
}

# ovl_pair_down ID: delete the VNICs and tenant netns of pair ID, wait
# until both VFs are free again.
ovl_pair_down()
{
	local id=$1
	local vf=${OVL_PAIR_VF[$1]:-}

	ip -n "tenanta$id" link del dev "vna$id" >/dev/null 2>&1
	ip -n "tenantb$id" link del dev "vnb$id" >/dev/null 2>&1
	# Not moved yet (failed setup)
	ip link del dev "vna$id" >/dev/null 2>&1
	ip -n "$HVB" link del dev "vnb$id" >/dev/null 2>&1
	ovl_tenant_ns_del "tenanta$id"
	ovl_tenant_ns_del "tenantb$id"
	if [ -n "$vf" ]; then
		wait_until 10 not dev_has_master "pfa0vf$vf"
		wait_until 10 not dev_has_master "pfb0vf$vf" "$HVB"
	fi
	return 0
}

# ovl_ping NS DST [COUNT]: COUNT (3) replies within OVL_PING_TIMEOUT s
# (the first packets of a new pair may be dropped while the remote
# endpoint's MAC is resolved).
ovl_ping()
{
	local fam=-4

	[[ "$2" == *:* ]] && fam=-6
	nsrun "$1" ping "$fam" -q -c "${3:-3}" -i 0.2 -w "$OVL_PING_TIMEOUT" "$2" >/dev/null 2>&1
}

ovl_check_ping()
{
	ovl_ping "$@" || fail "ping from ${1:-init} to $2: no ${3:-3} replies in $OVL_PING_TIMEOUT s"
}

# ovl_snap ARRAY DEV [NS]: every "ethtool -S DEV" counter into the
# associative array ARRAY (declared by the caller with declare -A).
ovl_snap()
{
	local -n __ovl_arr=$1
	local k
	local v

	__ovl_arr=()
	while read -r k v; do
		[ -n "$k" ] && __ovl_arr["$k"]=$v
	done < <(nsrun "$3" ethtool -S "$2" 2>/dev/null |
		 awk 'NR > 1 { k = $1; sub(":$", "", k); print k, $2 }')
	[ "${#__ovl_arr[@]}" -gt 0 ]
}

# ovl_delta BEFORE AFTER NAME: AFTER[NAME] - BEFORE[NAME]; prints "missing"
# and fails when a snapshot lacks NAME.
ovl_delta()
{
	local -n __ovl_b=$1
	local -n __ovl_a=$2

	if [ -z "${__ovl_b[$3]:-}" ] || [ -z "${__ovl_a[$3]:-}" ]; then
		echo "missing"
		return 1
	fi
	echo $((__ovl_a[$3] - __ovl_b[$3]))
}

# ovl_delta_sum BEFORE AFTER ERE: OVL_DELTA_SUM = sum of the deltas of the
# counters whose names match ERE, OVL_DELTA_WHAT = the non-zero ones
# ("name+N ..."). Not in a subshell.
export OVL_DELTA_SUM=0
export OVL_DELTA_WHAT=""
ovl_delta_sum()
{
	local -n __ovl_sb=$1
	local -n __ovl_sa=$2
	local k
	local d
	local b

	OVL_DELTA_SUM=0
	OVL_DELTA_WHAT=""
	for k in "${!__ovl_sa[@]}"; do
		[[ "$k" =~ $3 ]] || continue
		b=${__ovl_sb[$k]:-0}
		d=${__ovl_sa[$k]}
		d=$((d - b))
		OVL_DELTA_SUM=$((OVL_DELTA_SUM + d))
		[ "$d" -ne 0 ] && OVL_DELTA_WHAT+="$k+$d "
	done
	return 0
}

# ovl_snmp NS PROTO FIELD: a counter of /proc/net/snmp (e.g. Tcp InSegs)
# as netns NS sees it.
ovl_snmp()
{
	nsrun "$1" cat /proc/net/snmp 2>/dev/null |
		awk -v p="$2:" -v f="$3" '$1 == p && !h { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; next }
			$1 == p && h { print $c[f]; exit }'
}

# ovl_snmp6 NS FIELD: a counter of /proc/net/snmp6 (e.g. Icmp6InPktTooBigs)
ovl_snmp6()
{
	nsrun "$1" cat /proc/net/snmp6 2>/dev/null | awk -v f="$2" '$1 == f { print $2 }'
}

# shellcheck disable=SC2016
__OVL_PY='
import json, select, signal, socket, sys, time

cmd = sys.argv[1]
if cmd == "iperf3":
    # stdin: iperf3 -J; prints "<bits/s> <bytes sent> <bytes received>
    # <lost %> <packets> <lost packets>" (UDP: receiver-reported)
    raw = sys.stdin.read()
    try:
        d = json.loads(raw)
    except ValueError:
        print("iperf3: no JSON: " + raw[:200].replace("\n", " "), file=sys.stderr)
        sys.exit(1)
    if "error" in d:
        print("iperf3 error: " + d["error"], file=sys.stderr)
    e = d.get("end", {})
    s, r, u = e.get("sum_sent", {}), e.get("sum_received", {}), e.get("sum", {})
    if not r:
        sys.exit(1)
    print("%d %d %d %.3f %d %d" % (r.get("bits_per_second", 0), s.get("bytes", 0),
          r.get("bytes", 0), float(u.get("lost_percent", 0)), u.get("packets", 0),
          u.get("lost_packets", 0)))
elif cmd == "sniff":
    # argv: DEV PATTERN(hex) OUTFILE: count frames on DEV (packet socket,
    # both directions) containing PATTERN three times in a row, until
    # SIGTERM; then write the count to OUTFILE. OUTFILE.ready once bound.
    dev, pat, outf = sys.argv[2], bytes.fromhex(sys.argv[3]) * 3, sys.argv[4]
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((dev, 0))
    open(outf + ".ready", "w").close()
    n = 0
    while not stop:
        try:
            r, _, _ = select.select([s], [], [], 0.1)
        except InterruptedError:
            continue
        while r:
            try:
                data = s.recv(65536, socket.MSG_DONTWAIT)
            except BlockingIOError:
                break
            if pat in data:
                n += 1
    with open(outf, "w") as f:
        f.write("%d\n" % n)
'

# ovl_iperf3 NS DST PORT SECS [iperf3 args]: iperf3 client in NS; prints
# "<bits/s> <bytes sent> <bytes received> <lost %> <packets> <lost packets>"
ovl_iperf3()
{
	local ns=$1
	local dst=$2
	local port=$3
	local secs=$4
	local js

	shift 4
	js=$(nsrun "$ns" timeout $((secs + 30)) iperf3 -c "$dst" -p "$port" -t "$secs" -J "$@" 2>&1)
	"$PYTHON" -S -c "$__OVL_PY" iperf3 <<<"$js"
}

# ovl_sniff_start NS DEV PATTERN FILE: count frames seen on DEV that carry
# PATTERN (hex, as given to "ping -p"); OVL_SNIFF_PID is the sniffer.
export OVL_SNIFF_PID=""
ovl_sniff_start()
{
	rm -f "$4" "$4.ready"
	bg_start "$1" "$PYTHON" -S -c "$__OVL_PY" sniff "$2" "$3" "$4"
	OVL_SNIFF_PID=$BG_PID
	wait_until 10 test -e "$4.ready"
}

# ovl_sniff_stop PID FILE: stop the sniffer; its count in OVL_SNIFF_COUNT
# ("none" if it wrote none). Not in a subshell: it waits for its child.
export OVL_SNIFF_COUNT=""
ovl_sniff_stop()
{
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	wait_until 5 test -s "$2"
	OVL_SNIFF_COUNT=$(cat "$2" 2>/dev/null) || OVL_SNIFF_COUNT=none
}

# ovl_sampler_start NS DEV FILE [INTERVAL]: append "reasm_mem reasm_frames
# reasm_mem_limit reasm_frames_limit" of ethtool -S DEV to FILE every
# INTERVAL (0.2) s in the background (stopped by the deferred cleanup or
# bg_stop $BG_PID).
ovl_sampler_start()
{
	local prog

	# shellcheck disable=SC2016
	prog='while :; do
		ethtool -S "$1" 2>/dev/null | awk '\''{ k = $1; sub(":$", "", k); v[k] = $2 }
			END { print v["reasm_mem"], v["reasm_frames"], v["reasm_mem_limit"], v["reasm_frames_limit"] }'\''
		sleep "$2"
	done >>"$3"'
	: >"$3"
	bg_start "$1" bash -c "$prog" ovl_sampler "$2" "${4:-0.2}" "$3"
}

# ovl_sampler_max FILE COLUMN: largest value of COLUMN (1-based) in FILE
ovl_sampler_max()
{
	awk -v c="$2" 'BEGIN { m = -1 } $c ~ /^[0-9]+$/ && $c + 0 > m { m = $c + 0 } END { print m }' "$1"
}

# <<< overlay helpers <<<

##############################################################################
# >>> switch helpers (ovnic_failover.sh, ovnic_balance.sh) >>>
#
# scripts/topology.sh gives a "switch": virtio-net NICs sw0 (wire 0) and sw1
# (wire 1) in netns sw, down, their QEMU links cut, so the two wires stay
# separate. sw_up joins both wires into one L2 domain through bridge br0
# (a host on br0 reaches every PF and VF of both wires); sw_down separates
# them again.
#
#   wire 0: pfa0 pfb0 sw0 -.
#                           br0 (netns sw, optional addresses)
#   wire 1: pfa1 pfb1 sw1 -'

SW_NS=sw
SW_PORTS="sw0 sw1"
SW_WIRES="ws0 ws1"
# FDB ageing of br0 in centiseconds: a MAC that moved to the other wire
# without announcing itself is flooded again after this.
SW_AGEING=${SW_AGEING:-500}

# sw_up [ADDR/PREFIX...]: bridge br0 over sw0 + sw1 in netns sw (no STP,
# no forward delay, short ageing, no multicast snooping), everything up,
# ADDRs on br0 (IPv6 ones nodad). Waits for the ports' carrier. Defers
# sw_down. Returns 1 when the switch is missing or does not come up.
sw_up()
{
	defer sw_down
	sw_bridge_up "$@"
}

# sw_bridge_up [ADDR/PREFIX...]: sw_up without the deferred sw_down (e.g.
# again after scripts/topology.sh up, which separates the wires).
sw_bridge_up()
{
	local p
	local w
	local a

	for p in $SW_PORTS; do
		dev_exists "$p" "$SW_NS" || { log_info "switch port $p missing in netns $SW_NS"; return 1; }
	done
	for w in $SW_WIRES; do
		qemu_monitor "set_link $w on" >/dev/null 2>&1 || log_info "set_link $w on failed"
	done
	if ! dev_exists br0 "$SW_NS"; then
		ip -n "$SW_NS" link add br0 type bridge stp_state 0 forward_delay 0 \
			ageing_time "$SW_AGEING" mcast_snooping 0 || return 1
	fi
	ip netns exec "$SW_NS" sysctl -qw net.ipv6.conf.br0.accept_dad=0 >/dev/null 2>&1
	for p in $SW_PORTS; do
		ip -n "$SW_NS" link set dev "$p" master br0 || return 1
	done
	ip -n "$SW_NS" link set dev br0 up || return 1
	for p in $SW_PORTS; do
		ip -n "$SW_NS" link set dev "$p" up || return 1
	done
	for a in "$@"; do
		ip -n "$SW_NS" addr replace "$a" dev br0 nodad 2>/dev/null ||
			ip -n "$SW_NS" addr replace "$a" dev br0 || return 1
	done
	for p in $SW_PORTS; do
		wait_carrier "$p" "$SW_NS" || { log_info "switch port $p: no carrier"; return 1; }
	done
	# forward_delay 0: the ports forward at once; br0 needs a moment.
	wait_carrier br0 "$SW_NS" 5
}

# sw_down: delete br0, ports down, QEMU links cut (the wires separate).
sw_down()
{
	local p
	local w

	ip -n "$SW_NS" link del dev br0 >/dev/null 2>&1
	for p in $SW_PORTS; do
		ip -n "$SW_NS" link set dev "$p" down >/dev/null 2>&1
	done
	for w in $SW_WIRES; do
		qemu_monitor "set_link $w off" >/dev/null 2>&1
	done
	return 0
}

# <<< switch helpers <<<

##############################################################################
# >>> aggregation helpers (ovnic_failover.sh, ovnic_balance.sh) >>>

# vnic_lower_get DEV INDEX KEY [NS]: KEY of lower INDEX in the "lowers"
# array of "ip -d -j link show DEV" (state, active, reason, changes, dev...)
vnic_lower_get()
{
	link_get "$1" "d[0][\"linkinfo\"][\"info_data\"][\"lowers\"][$2][\"$3\"]" "$4"
}

# vnic_active DEV [NS]: index of the active lower ("none" when absent)
vnic_active()
{
	ovnic_data "$1" active "$2" || echo none
}

vnic_active_is()
{
	[ "$(vnic_active "$1" "$3")" = "$2" ]
}

# vnic_lower_state_is DEV INDEX STATE [NS]
vnic_lower_state_is()
{
	[ "$(vnic_lower_get "$1" "$2" state "$4")" = "$3" ]
}

# vnic_lowers_summary DEV [NS]: "active=A failovers=F last=R | 0:state/reason
# 1:state/reason ..." for messages
vnic_lowers_summary()
{
	link_json "$1" "$2" | json_get '"active=%s failovers=%s last=%s | %s" % (
		d[0]["linkinfo"]["info_data"].get("active", "none"),
		d[0]["linkinfo"]["info_data"].get("failovers"),
		d[0]["linkinfo"]["info_data"].get("last_reason", "-"),
		" ".join("%s:%s/%s%s" % (l.get("index"), l.get("state"), l.get("reason"),
			 "*" if l.get("active") else "")
			 for l in d[0]["linkinfo"]["info_data"].get("lowers", [])))' 2>/dev/null ||
		echo "(no ovnic state for $1)"
}

# QEMU monitor commands in a quick burst: monitor_burst DELAY CMD...
# writes each CMD to the monitor port, DELAY seconds apart, without waiting
# for replies (scripts/qemu-monitor.sh takes ~0.5 s a command: too slow to
# flap a link 10 times in 5 s). Takes the same lock as qemu-monitor.sh.
monitor_burst()
{
	local delay=$1
	local port=""
	local f
	local c

	shift
	for f in /sys/class/virtio-ports/*/name; do
		[ "$(cat "$f" 2>/dev/null)" = qemu.monitor ] || continue
		f=${f%/name}
		port=/dev/${f##*/}
	done
	[ -c "$port" ] || return 2
	mkdir -p /run/lock
	(
		flock -w 30 8 || exit 2
		exec 3<>"$port" || exit 2
		for c in "$@"; do
			printf '%s\n' "$c" >&3
			sleep "$delay"
		done
		# Let the monitor answer, drop the replies.
		timeout 1 cat <&3 >/dev/null
		exec 3>&-
	) 8>/run/lock/ovnic-qemu-monitor
}

# PF carrier through the QEMU monitor: pf_link NETDEV on|off (wa0, wa1...)
pf_link()
{
	qemu_monitor "set_link $1 $2" >/dev/null
}

# --- UDP sequence flows (selftests/ovnic_udpseq; ping fallback)
UDPSEQ=$OVNIC_SELFTESTS/ovnic_udpseq
FLOW_DIR=""
declare -A FLOW_SPID=() FLOW_RPID=() FLOW_KIND=()
declare -A FLOW_RES=()

# __ns_prefix NS: "ip netns exec NS" (nothing for the init netns), so that
# "$(__ns_prefix NS) CMD &" makes $! the pid of CMD itself.
__ns_prefix()
{
	[ -z "$1" ] || [ "$1" = - ] || echo "ip netns exec $1"
}

udpseq_ok()
{
	[ -x "$UDPSEQ" ]
}

__flow_dir()
{
	if [ -z "$FLOW_DIR" ] || [ ! -d "$FLOW_DIR" ]; then
		FLOW_DIR=$(mktemp -d /tmp/ovnic-flow.XXXXXX)
		defer rm -rf "$FLOW_DIR"
	fi
}

# flow_start NAME SNS DST RNS PORT PPS: a paced UDP stream from netns SNS
# to DST:PORT (receiver in netns RNS), until flow_stop NAME. Without
# ovnic_udpseq: a ping at the same rate from SNS to DST (losses then count
# both directions).
flow_start()
{
	local name=$1
	local sns=$2
	local dst=$3
	local rns=$4
	local port=$5
	local pps=$6
	local i

	__flow_dir
	rm -f "$FLOW_DIR/$name".*
	if udpseq_ok; then
		FLOW_KIND[$name]=udpseq
		$(__ns_prefix "$rns") "$UDPSEQ" recv --port "$port" --duration 600 \
			>"$FLOW_DIR/$name.recv" 2>&1 &
		FLOW_RPID[$name]=$!
		defer bg_stop "$!"
		# let the receiver bind
		for ((i = 0; i < 20; i++)); do
			nsrun "$rns" ss -lun 2>/dev/null | grep -q ":$port " && break
			sleep 0.1
		done
		$(__ns_prefix "$sns") "$UDPSEQ" send --dst "$dst" --port "$port" --pps "$pps" \
			--duration 0 >"$FLOW_DIR/$name.send" 2>&1 &
		FLOW_SPID[$name]=$!
		defer bg_stop "$!"
	else
		FLOW_KIND[$name]=ping
		FLOW_RPID[$name]=""
		$(__ns_prefix "$sns") ping -q -i "$(awk -v p="$pps" 'BEGIN { printf "%.4f", 1 / p }')" \
			-W 1 "$dst" >"$FLOW_DIR/$name.send" 2>&1 &
		FLOW_SPID[$name]=$!
		defer bg_stop "$!"
	fi
}

# flow_stop NAME: stop the flow; FLOW_RES[NAME.sent|received|lost|max_gap_ms|
# last_seq...] hold the results. FLOW_SENT/FLOW_RECV/FLOW_LOST for short.
export FLOW_SENT=0 FLOW_RECV=0 FLOW_LOST=0 FLOW_GAP=0
flow_stop()
{
	local name=$1
	local k
	local v
	local i

	if [ "${FLOW_KIND[$name]}" = udpseq ]; then
		kill -TERM "${FLOW_SPID[$name]}" 2>/dev/null
	else
		kill -INT "${FLOW_SPID[$name]}" 2>/dev/null
	fi
	wait "${FLOW_SPID[$name]}" 2>/dev/null
	for k in $(printf '%s\n' "${!FLOW_RES[@]}" | grep "^$name\\."); do
		unset "FLOW_RES[$k]"
	done
	if [ "${FLOW_KIND[$name]}" = udpseq ]; then
		# in flight
		sleep 0.5
		kill -TERM "${FLOW_RPID[$name]}" 2>/dev/null
		for ((i = 0; i < 50; i++)); do
			kill -0 "${FLOW_RPID[$name]}" 2>/dev/null || break
			sleep 0.1
		done
		wait "${FLOW_RPID[$name]}" 2>/dev/null
		while read -r k v; do
			[ -n "$k" ] && FLOW_RES[$name.$k]=$v
		done <"$FLOW_DIR/$name.recv"
		while read -r k v; do
			[ -n "$k" ] && FLOW_RES[$name.s_$k]=$v
		done <"$FLOW_DIR/$name.send"
		FLOW_SENT=$(( ${FLOW_RES[$name.s_sent]:-0} + ${FLOW_RES[$name.s_send_errors]:-0} ))
		FLOW_RECV=${FLOW_RES[$name.received]:-0}
		FLOW_GAP=${FLOW_RES[$name.max_gap_ms]:-?}
	else
		FLOW_SENT=$(awk '/packets transmitted/ { print $1 }' "$FLOW_DIR/$name.send")
		FLOW_RECV=$(awk '/packets transmitted/ { print $4 }' "$FLOW_DIR/$name.send")
		FLOW_GAP="?"
	fi
	FLOW_SENT=${FLOW_SENT:-0}
	FLOW_RECV=${FLOW_RECV:-0}
	FLOW_LOST=$((FLOW_SENT - FLOW_RECV))
	FLOW_RES[$name.sent]=$FLOW_SENT
	FLOW_RES[$name.received]=$FLOW_RECV
	FLOW_RES[$name.lost_total]=$FLOW_LOST
	log_verbose "flow $name: sent $FLOW_SENT received $FLOW_RECV lost $FLOW_LOST max gap $FLOW_GAP ms"
}

# check_flow NAME MAX_LOST [MIN_RECV]: stop flow NAME and check it
check_flow()
{
	local name=$1

	flow_stop "$name"
	log_info "flow $name (${FLOW_KIND[$name]}): sent $FLOW_SENT received $FLOW_RECV" \
		"lost $FLOW_LOST max gap $FLOW_GAP ms"
	check_ge "flow $name received" "$FLOW_RECV" "${3:-1}"
	if [ "$FLOW_LOST" -ge "$2" ]; then
		fail "flow $name lost $FLOW_LOST of $FLOW_SENT (bound $2)"
	fi
}

# --- failover events (tools/ovnic/ovnic-events)
OVNIC_EVENTS=$OVNIC_ROOT/tools/ovnic/ovnic-events
EVENTS_PID=""
EVENTS_FILE=""

events_ok()
{
	[ -x "$OVNIC_EVENTS" ]
}

# events_start [NS]: listen to the "events" group into EVENTS_FILE.
events_start()
{
	__flow_dir
	EVENTS_FILE=$FLOW_DIR/events.$RANDOM
	: >"$EVENTS_FILE"
	$(__ns_prefix "$1") "$OVNIC_EVENTS" >"$EVENTS_FILE" 2>"$EVENTS_FILE.err" &
	EVENTS_PID=$!
	defer bg_stop "$EVENTS_PID"
	wait_until 10 grep -q ready "$EVENTS_FILE.err"
}

events_stop()
{
	[ -n "$EVENTS_PID" ] && bg_stop "$EVENTS_PID"
	EVENTS_PID=""
}

# events_has ERE: a line of EVENTS_FILE matches
events_has()
{
	grep -qE -- "$1" "$EVENTS_FILE" 2>/dev/null
}

# <<< aggregation helpers <<<

##############################################################################
# >>> pool helpers (ovnic_pool.sh) >>>
#
# Memory pools (include/uapi/linux/ovnic.h, OVNIC_CMD_POOL_*): every VNIC
# has its own pool unless bound to a shared one (tools/ovnic/ovnic-pool) or
# to none. Per-VNIC figures come from "ethtool -S" (pool_charged, pool_peak,
# pool_limit = the effective limit, pool_max_skb, pool_hits, tx_pool_stops,
# tx_pool_wakes, tx_pool_requeues, rx_drop_pool) and from "ip -d -j link"
# (info_data: pool, pool_shared, pool_limit, pool_effective, pool_high,
# pool_low, pool_adaptive, pool_charged, pool_peak); pools and module-wide
# figures from "ovnic-pool -j show|summary".

OVNIC_POOL=$OVNIC_ROOT/tools/ovnic/ovnic-pool
export POOL_MIN_LIMIT=131072
export POOL_DEFAULT_LIMIT=4194304
export POOL_NONE=4294967295

pool_tool_ok()
{
	[ -x "$OVNIC_POOL" ]
}

# ovnic_pool NS ARGS...: tools/ovnic/ovnic-pool in netns NS ("" or "-" =
# the init netns; pools live in the namespace of the PFs).
ovnic_pool()
{
	local ns=$1

	shift
	nsrun "$ns" "$OVNIC_POOL" "$@"
}

# pool_get DEV KEY [NS]: ethtool -S counter KEY of VNIC DEV (pool_charged,
# pool_peak, pool_limit, pool_max_skb, tx_pool_stops, rx_drop_pool...)
pool_get()
{
	ethtool_stat "$1" "$2" "$3"
}

# pool_link DEV KEY [NS]: info_data KEY of "ip -d -j link show DEV" (pool,
# pool_shared, pool_limit, pool_effective, pool_high, pool_low,
# pool_adaptive, pool_charged, pool_peak); booleans print true/false.
pool_link()
{
	ovnic_data "$1" "$2" "$3"
}

# pool_id DEV [NS]: id of the pool DEV uses (4294967295 = none)
pool_id()
{
	pool_link "$1" pool "$2"
}

# shellcheck disable=SC2016
__POOL_PY='
import json, sys

def out(v):
    if v is None:
        sys.exit(1)
    if isinstance(v, bool):
        print("true" if v else "false")
    elif isinstance(v, (dict, list)):
        print(json.dumps(v))
    else:
        print(v)

cmd = sys.argv[1]
raw = sys.stdin.read()
try:
    d = json.loads(raw) if raw.strip() else None
except ValueError:
    sys.exit(2)
if isinstance(d, dict):
    for k in ("pools", "pool"):
        if isinstance(d.get(k), list):
            d = d[k]
            break
if cmd == "pool":
    # argv: ID KEY; stdin: "ovnic-pool -j show [ID]" (a pool or a list)
    pid, key = int(sys.argv[2]), sys.argv[3]
    pools = d if isinstance(d, list) else [d]
    for p in pools:
        if isinstance(p, dict) and int(p.get("id", -1)) == pid:
            out(p.get(key))
            sys.exit(0)
    sys.exit(1)
elif cmd == "owner":
    # argv: IFINDEX; stdin: "ovnic-pool -j show": id of the pool it owns
    pools = d if isinstance(d, list) else [d]
    for p in pools:
        if isinstance(p, dict) and p.get("owner") is not None and \
           int(p["owner"]) == int(sys.argv[2]):
            out(p.get("id"))
            sys.exit(0)
    sys.exit(1)
elif cmd == "key":
    # argv: KEY; stdin: one object (or a list of one)
    if isinstance(d, list):
        d = d[0] if d else {}
    out((d or {}).get(sys.argv[2]))
'

# pool_show_get ID KEY [NS]: KEY of pool ID in "ovnic-pool -j show ID"
pool_show_get()
{
	ovnic_pool "$3" -j show "$1" 2>/dev/null | "$PYTHON" -S -c "$__POOL_PY" pool "$1" "$2"
}

# pool_dump_get ID KEY [NS]: KEY of pool ID in the dump "ovnic-pool -j show"
pool_dump_get()
{
	ovnic_pool "$3" -j show 2>/dev/null | "$PYTHON" -S -c "$__POOL_PY" pool "$1" "$2"
}

# pool_owned_by IFINDEX [NS]: id of the pool whose owner is IFINDEX (dump)
pool_owned_by()
{
	ovnic_pool "$2" -j show 2>/dev/null | "$PYTHON" -S -c "$__POOL_PY" owner "$1"
}

# pool_summary_get KEY [NS]: KEY of "ovnic-pool -j summary" (cap,
# total_limit, total_charged, draining)
pool_summary_get()
{
	ovnic_pool "$2" -j summary 2>/dev/null | "$PYTHON" -S -c "$__POOL_PY" key "$1"
}

# pool_json_key KEY < JSON: KEY of one pool object printed by ovnic-pool -j
pool_json_key()
{
	"$PYTHON" -S -c "$__POOL_PY" key "$1"
}

# pool_summary_is KEY VALUE [NS]: "ovnic-pool -j summary" KEY is VALUE
pool_summary_is()
{
	[ "$(pool_summary_get "$1" "$3")" = "$2" ]
}

# pool_stat_cmp DEV KEY OP VALUE [NS]: ethtool -S counter KEY of DEV
# compared with VALUE by test's OP (-gt, -lt, -eq...); for wait_until
pool_stat_cmp()
{
	local v

	v=$(pool_get "$1" "$2" "$5") || return 1
	test "$v" "$3" "$4"
}

# pool_drained: nothing charged anywhere, no deleted pool still draining
pool_drained()
{
	[ "$(pool_summary_get total_charged)" = 0 ] && [ "$(pool_summary_get draining)" = 0 ]
}

# Sampler of a VNIC's pool gauges: reads the "ethtool -S" counters with
# the ethtool ioctl in one process (no fork per sample, so that it keeps
# its pace while a flood loads the vCPUs) and prints a line "t_ms charged
# effective_limit max_skb peak" per sample until SIGTERM.
# shellcheck disable=SC2016
__POOL_SAMPLER_PY='
import ctypes, fcntl, signal, socket, struct, sys, time

dev, interval = sys.argv[1], float(sys.argv[2])
SIOCETHTOOL = 0x8946
ETHTOOL_GSTRINGS, ETHTOOL_GSTATS, ETHTOOL_GSSET_INFO = 0x1b, 0x1d, 0x37
ETH_SS_STATS = 1
sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

def ethtool(buf):
    cbuf = ctypes.create_string_buffer(bytes(buf), len(buf))
    ifr = struct.pack("16sP", dev.encode(), ctypes.addressof(cbuf)) + bytes(16)
    fcntl.ioctl(sk.fileno(), SIOCETHTOOL, ifr)
    return cbuf.raw

r = ethtool(struct.pack("=IIQI", ETHTOOL_GSSET_INFO, 0, 1 << ETH_SS_STATS, 0))
n = struct.unpack_from("=I", r, 16)[0]
r = ethtool(struct.pack("=III", ETHTOOL_GSTRINGS, ETH_SS_STATS, n) + bytes(32 * n))
names = [r[12 + 32 * i:12 + 32 * (i + 1)].split(b"\0")[0].decode() for i in range(n)]
want = ["pool_charged", "pool_limit", "pool_max_skb", "pool_peak"]
idx = [names.index(w) for w in want]
stop = []
signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
req = struct.pack("=II", ETHTOOL_GSTATS, n) + bytes(8 * n)
while not stop:
    try:
        r = ethtool(req)
    except OSError:
        break
    v = struct.unpack_from("=%dQ" % n, r, 8)
    print(int(time.time() * 1000), *[v[i] for i in idx], flush=True)
    time.sleep(interval)
'

# pool_sampler_start NS DEV FILE [INTERVAL]: append a line "t_ms charged
# effective_limit max_skb peak" (ethtool -S DEV) to FILE every INTERVAL
# (0.05) s in the background; POOL_SAMPLER_PID is the sampler (stopped by
# the deferred cleanup or pool_sampler_stop).
export POOL_SAMPLER_PID=""
pool_sampler_start()
{
	: >"$3"
	$(__ns_prefix "$1") "$PYTHON" -S -c "$__POOL_SAMPLER_PY" "$2" "${4:-0.05}" >>"$3" 2>&1 &
	POOL_SAMPLER_PID=$!
	defer bg_stop "$POOL_SAMPLER_PID"
}

pool_sampler_stop()
{
	[ -n "$POOL_SAMPLER_PID" ] && bg_stop "$POOL_SAMPLER_PID"
	POOL_SAMPLER_PID=""
}

# pool_samples FILE [FROM_MS [TO_MS]]: "count max_charged" of the samples
# taken in [FROM_MS, TO_MS)
pool_samples()
{
	awk -v a="${2:-0}" -v b="${3:-0}" 'BEGIN { m = 0; n = 0 }
		$1 >= a && (b == 0 || $1 < b) && $2 ~ /^[0-9]+$/ { n++; if ($2 + 0 > m) m = $2 + 0 }
		END { print n, m }' "$1"
}

# pool_samples_over FILE BOUND [FROM_MS [TO_MS]]: "count first_t first_v" of
# the samples in the window whose charge exceeds BOUND (count 0: none)
pool_samples_over()
{
	awk -v bound="$2" -v a="${3:-0}" -v b="${4:-0}" 'BEGIN { n = 0; ft = "-"; fv = "-" }
		$1 >= a && (b == 0 || $1 < b) && $2 ~ /^[0-9]+$/ && $2 + 0 > bound + 0 {
			if (!n) { ft = $1; fv = $2 } n++ }
		END { print n, ft, fv }' "$1"
}

# pool_first_under FILE BOUND FROM_MS: time of the first sample at or after
# FROM_MS whose charge is at most BOUND (fails when none)
pool_first_under()
{
	awk -v bound="$2" -v a="$3" '$1 >= a && $2 ~ /^[0-9]+$/ && $2 + 0 <= bound + 0 { print $1; f = 1; exit }
		END { exit !f }' "$1"
}

# pool_sockbuf_max BYTES: let sockets ask for send and receive buffers of
# BYTES (a UDP sender's own send buffer must not be what limits a flood;
# iperf3 -w sets both and checks them), in the init netns and in hvb where
# the namespace has its own; restored at exit.
pool_sockbuf_max()
{
	local ns
	local k
	local old

	for ns in - "$HVB"; do
		for k in net.core.wmem_max net.core.rmem_max; do
			old=$(nsrun "$ns" sysctl -n "$k" 2>/dev/null) || continue
			[ "$old" -ge "$1" ] && continue
			defer nsrun "$ns" sysctl -qw "$k=$old"
			nsrun "$ns" sysctl -qw "$k=$1"
		done
	done
	return 0
}

# flood_start NAME SNS DST RNS PORT [iperf3 args]: unlimited UDP (iperf3
# -u -b 0) from netns SNS to DST:PORT (one-shot server in netns RNS) in the
# background until flood_stop NAME (at most 120 s). Waits for the server.
declare -A FLOOD_CPID=() FLOOD_SPID=()
export FLOOD_DIR=""
flood_start()
{
	local name=$1
	local sns=$2
	local dst=$3
	local rns=$4
	local port=$5

	shift 5
	if [ -z "$FLOOD_DIR" ] || [ ! -d "$FLOOD_DIR" ]; then
		FLOOD_DIR=$(mktemp -d /tmp/ovnic-flood.XXXXXX)
		defer rm -rf "$FLOOD_DIR"
	fi
	$(__ns_prefix "$rns") timeout 180 iperf3 -s -1 -p "$port" -J >"$FLOOD_DIR/$name.server" 2>&1 &
	FLOOD_SPID[$name]=$!
	defer bg_stop "$!"
	wait_until 15 nsrun "$rns" sh -c "ss -ltn | grep -q ':$port '" || return 1
	$(__ns_prefix "$sns") timeout 150 iperf3 -c "$dst" -p "$port" -u -b 0 -t 120 -J \
		--connect-timeout 5000 "$@" >"$FLOOD_DIR/$name.client" 2>&1 &
	FLOOD_CPID[$name]=$!
	defer bg_stop "$!"
	return 0
}

# flood_running NAME: the client still runs
flood_running()
{
	kill -0 "${FLOOD_CPID[$1]}" 2>/dev/null
}

# flood_stop NAME: end the flood (the client tells the server), wait a
# little for both to finish.
flood_stop()
{
	local name=$1
	local p

	kill -TERM "${FLOOD_CPID[$name]}" 2>/dev/null
	for p in "${FLOOD_CPID[$name]}" "${FLOOD_SPID[$name]}"; do
		wait_until 10 not kill -0 "$p" 2>/dev/null
		bg_stop "$p"
	done
	return 0
}

# <<< pool helpers <<<

##############################################################################
# >>> netlink fuzzing helpers (ovnic_nlfuzz.sh) >>>

# nlfuzz_link_state DEV [NS]: "ip -d -j link show DEV" as one JSON line,
# minus what changes by itself (counters, carrier and operational state,
# pool charge, lower states, failover history).
nlfuzz_link_state()
{
	link_json "$1" "$2" | "$PYTHON" -S -c '
import json, sys
d = json.load(sys.stdin)[0]
for k in ("stats", "stats64", "flags", "operstate", "carrier_changes",
          "carrier_up_count", "carrier_down_count", "linkmode", "qdisc"):
    d.pop(k, None)
info = d.get("linkinfo", {}).get("info_data", {})
for k in ("pool_charged", "pool_peak", "active", "failovers",
          "last_reason", "last_age", "last_age_ms"):
    info.pop(k, None)
for low in info.get("lowers", []) or []:
    for k in ("state", "active", "reason", "changes"):
        low.pop(k, None)
print(json.dumps(d, sort_keys=True))'
}

# nlfuzz_rule_state VNI MAC [NS]: the rule as "ovnic-rule -j get" shows it,
# without the namespace's rule count.
nlfuzz_rule_state()
{
	nsrun "$3" "$OVNIC_ROOT/tools/ovnic/ovnic-rule" -j get "$1" "$2" 2>&1 |
		"$PYTHON" -S -c '
import json, sys
raw = sys.stdin.read()
try:
    d = json.loads(raw)
except ValueError:
    print(raw.strip())
    sys.exit(0)
if isinstance(d, list):
    d = d[0] if d else {}
d.pop("count", None)
print(json.dumps(d, sort_keys=True))'
}

# nlfuzz_pool_summary: "cap C total_limit T" of "ovnic-pool -j summary"
nlfuzz_pool_summary()
{
	"$OVNIC_ROOT/tools/ovnic/ovnic-pool" -j summary 2>&1 |
		json_get '"cap %s total_limit %s" % (d["cap"], d["total_limit"])'
}

# <<< netlink fuzzing helpers <<<

# module_reload_case: the case "module unloads and loads again": rmmod
# fails while a lost skb, a timer or a device still holds the module.
module_reload_case()
{
	if run_capture rmmod ovnic; then
		ovnic_module_load
		check_err $? "insmod $OVNIC_KO failed after rmmod"
	else
		fail "rmmod ovnic failed (reference leaked?): $CMD_ERR"
	fi
	check_dmesg_clean
	log_test "module unloads and loads again"
}

# injector_up DEV: a VF that sends crafted frames (ovnic_corpus.py,
# ovnic_pktfuzz.py): up, without any address (IPv6 off until the cleanup).
injector_up()
{
	local v6

	v6=$(sysctl -n "net.ipv6.conf.$1.disable_ipv6" 2>/dev/null)
	if [ -n "$v6" ]; then
		defer sysctl -qw "net.ipv6.conf.$1.disable_ipv6=$v6"
		sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1"
	fi
	dev_is_up "$1" || defer ip link set dev "$1" down
	ip link set dev "$1" up || return 1
	wait_carrier "$1"
}

# ping_stop PID FILE: stop a ping started in the background with its
# output in FILE (SIGINT prints the summary), print "<transmitted> <received>"
ping_stop()
{
	kill -INT "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	if ! grep -q "packets transmitted" "$2"; then
		log_info "ping output: $(tail -n 3 "$2" | tr '
' ' ')"
	fi
	awk '/packets transmitted/ { print $1, $4 }' "$2"
}
