#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_faultinj.sh - fault injection (failslab, fail_page_alloc,
# fail_function) during create, change, delete and traffic: every error
# path unwinds, nothing leaks, no half-configured VNIC remains.
#
# Needs a kernel with CONFIG_FAULT_INJECTION, FAILSLAB, FAIL_PAGE_ALLOC,
# FAULT_INJECTION_DEBUG_FS and FAULT_INJECTION_STACKTRACE_FILTER (the debug
# kernel of scripts/debug.config); skips elsewhere. Every fault is confined
# to call chains that pass through ovnic.ko's text (require-start/-end of
# the stack trace filter), never inside vmalloc (reject-start/-end: its
# failures print a stack dump by design, which the harness counts as a
# kernel report), and no fault prints anything (verbose 0); injected
# failures are counted with the "times" attribute.
#
# 1. Control path, fail-nth: selftests/ovnic_faultinj.py makes every
#    operation (VNIC create plain / overlay / two lowers / on a shared
#    pool, open, change of each kind, delete, rule add / del, pool new /
#    set / bind / del) with the N-th allocation of that one request
#    failing, for N = 1, 2, ... until the request no longer reaches an N-th
#    allocation, and checks after each attempt that the request failed
#    with nothing changed (links, VF settings as the PF reports them, VF
#    admin state and upper device, rules, pools, sum of pool limits) or
#    succeeded exactly like a request without fault.
# 2. Traffic: failslab and fail_page_alloc fail FUZZ_FAULT_PROB % of the
#    allocations under ovnic for FUZZ_FAULT_TRAFFIC_SECONDS while UDP
#    flows run over an overlay pair and a plain pair, TCP over the overlay,
#    and VNICs, rules and pools are made and deleted in a loop; then, with
#    injection off: the flows recover, the drop counters are reported, the
#    pools drain to 0, the VNICs delete, the module unloads and loads.
# 3. fail_function: every ovnic function listed in
#    /sys/kernel/debug/fail_function/injectable (ALLOW_ERROR_INJECTION), or
#    FUZZ_FAULT_FUNCS, is made to fail on its N-th call of each operation
#    (all armed together, each with an errno of its own, per request
#    through fail_function's space/times/probability; slab and page faults
#    off). Each function must make some request fail with its errno.
#    Skipped when there is none.
# At the end kmemleak must report nothing (cleared at the start).
#
# Tunables (environment, passed into the VM by scripts/vm.sh):
#   FUZZ_FAULT_SWEEP_SECONDS   time budget of part 1 (default 60)
#   FUZZ_FAULT_MAX_POINTS      N values tried per operation, 0 = all
#                              (default 0; sampled evenly when limited)
#   FUZZ_FAULT_OPS             comma-separated subset of the operations
#                              (ovnic_faultinj.py --list prints them)
#   FUZZ_FAULT_TRAFFIC_SECONDS duration of part 2 (default 20, 0 = skip)
#   FUZZ_FAULT_PROB            percent of allocations failed in part 2 (10)
#   FUZZ_FAULT_PAGE_WAIT       1: fail_page_alloc also fails sleeping
#                              (GFP_KERNEL) page allocations (default 0)
#   FUZZ_FAULT_FUNCS           functions for part 3 besides ovnic's own
#                              injectable ones (e.g. should_failslab)
#   FUZZ_FAULT_FUNC_OPS        operations of part 3 (default all)
#   FUZZ_FAULT_FUNC_SECONDS    time budget of part 3 (60; operations with
#                              at most 16 points are swept whole anyway)
#   FUZZ_FAULT_KMEMLEAK        1: scan kmemleak at the end (default: only
#                              when not run by the harness, which scans)
#   FUZZ_SEED                  seed of the sampling

source "$(dirname "$(readlink -f "$0")")/lib.sh"

DRIVER=$OVNIC_SELFTESTS/ovnic_faultinj.py
RULE_CLI=$OVNIC_ROOT/tools/ovnic/ovnic-rule
DBG=/sys/kernel/debug
KMEMLEAK=$DBG/kmemleak
FI_ATTRS="failslab fail_page_alloc fail_function"
FI_KEYS="probability interval times space verbose task-filter stacktrace-depth
	require-start require-end reject-start reject-end ignore-gfp-wait
	ignore-gfp-highmem min-order cache-filter"
VMALLOC_FN=__vmalloc_node_range_noprof
: "${FUZZ_FAULT_SWEEP_SECONDS:=60}"
: "${FUZZ_FAULT_MAX_POINTS:=0}"
: "${FUZZ_FAULT_OPS:=}"
: "${FUZZ_FAULT_TRAFFIC_SECONDS:=20}"
: "${FUZZ_FAULT_PROB:=10}"
: "${FUZZ_FAULT_PAGE_WAIT:=0}"
: "${FUZZ_FAULT_FUNCS:=}"
: "${FUZZ_FAULT_FUNC_OPS:=}"
: "${FUZZ_FAULT_FUNC_SECONDS:=60}"
: "${FUZZ_SEED:=$RANDOM}"
# The harness (scripts/ksft-run.sh with KSFT_POST_HOOK) scans kmemleak after
# every test; standalone runs scan here.
if [ -n "${KSFT_POST_HOOK:-}" ]; then
	: "${FUZZ_FAULT_KMEMLEAK:=0}"
else
	: "${FUZZ_FAULT_KMEMLEAK:=1}"
fi
TIMES_BIG=1000000000

ovnic_init

##############################################################################
# Fault injection knobs

# fi_w ATTR KEY VALUE: write a knob (quietly ignore missing ones)
fi_w()
{
	[ -e "$DBG/$1/$2" ] || return 0
	echo "$3" >"$DBG/$1/$2"
}

fi_r()
{
	cat "$DBG/$1/$2" 2>/dev/null
}

# Remember every knob at the start, restore them at exit (injection off
# first).
declare -A FI_SAVED=()
fi_save()
{
	local a
	local k

	for a in $FI_ATTRS; do
		for k in $FI_KEYS; do
			[ -e "$DBG/$a/$k" ] && FI_SAVED[$a/$k]=$(fi_r "$a" "$k")
		done
	done
	defer fi_restore
}

fi_restore()
{
	local ak

	fi_off
	[ -w "$DBG/fail_function/inject" ] && echo >"$DBG/fail_function/inject" 2>/dev/null
	for ak in "${!FI_SAVED[@]}"; do
		[ "${ak#*/}" = probability ] && continue
		echo "${FI_SAVED[$ak]}" >"$DBG/$ak" 2>/dev/null
	done
	return 0
}

# fi_off: no probabilistic injection anywhere
fi_off()
{
	local a

	for a in $FI_ATTRS; do
		fi_w "$a" probability 0
	done
	return 0
}

# fi_common ATTR: quiet, counted, confined to ovnic's text, never in vmalloc
fi_common()
{
	fi_w "$1" verbose 0
	fi_w "$1" interval 1
	fi_w "$1" space 0
	fi_w "$1" times "$TIMES_BIG"
	fi_w "$1" task-filter N
	fi_w "$1" stacktrace-depth 32
	fi_w "$1" require-start "$TEXT_START"
	fi_w "$1" require-end "$TEXT_END"
	fi_w "$1" reject-start "$REJ_START"
	fi_w "$1" reject-end "$REJ_END"
}

# fi_injected ATTR: failures injected through ATTR since fi_common
fi_injected()
{
	local t

	t=$(fi_r "$1" times)
	echo $((TIMES_BIG - ${t:-$TIMES_BIG}))
}

# fi_mode sweep|traffic|function
fi_mode()
{
	local a

	fi_off
	for a in $FI_ATTRS; do
		fi_common "$a"
	done
	case $1 in
	sweep)
		# fail-nth: both count (sleeping allocations too)
		fi_w failslab ignore-gfp-wait N
		fi_w failslab cache-filter N
		fi_w fail_page_alloc ignore-gfp-wait N
		fi_w fail_page_alloc ignore-gfp-highmem N
		fi_w fail_page_alloc min-order 0
		;;
	traffic)
		fi_w failslab ignore-gfp-wait N
		fi_w failslab cache-filter N
		if [ "$FUZZ_FAULT_PAGE_WAIT" = 1 ]; then
			fi_w fail_page_alloc ignore-gfp-wait N
		else
			fi_w fail_page_alloc ignore-gfp-wait Y
		fi
		fi_w fail_page_alloc ignore-gfp-highmem N
		fi_w fail_page_alloc min-order 0
		;;
	function)
		# only fail_function counts: no slab cache is marked for
		# failslab, no page allocation is of order 32
		fi_w failslab cache-filter Y
		fi_w fail_page_alloc min-order 32
		# The probed functions are ovnic's own: no stack filter (its
		# defaults). The driver arms it per request (--attr-dir).
		fi_w fail_function require-start 0
		fi_w fail_function require-end 18446744073709551615
		fi_w fail_function reject-start 0
		fi_w fail_function reject-end 0
		;;
	esac
}

kmemleak_clear()
{
	[ -w "$KMEMLEAK" ] || return 0
	echo clear >"$KMEMLEAK" 2>/dev/null
}

# check_kmemleak WHAT: nothing unreferenced since the last clear
check_kmemleak()
{
	local n

	[ -w "$KMEMLEAK" ] || return 0
	# Objects younger than 5 s are not reported yet.
	sleep 5
	echo scan >"$KMEMLEAK" 2>/dev/null
	echo scan >"$KMEMLEAK" 2>/dev/null
	n=$(grep -c 'unreferenced object' "$KMEMLEAK" 2>/dev/null)
	log_info "kmemleak after $1: ${n:-0} unreferenced objects"
	if [ "${n:-0}" -gt 0 ]; then
		cp "$KMEMLEAK" "${OVNIC_RESULTS:-/tmp}/faultinj-kmemleak-$1.txt" 2>/dev/null
		fail "kmemleak after $1: $(grep -m 2 -A 14 'unreferenced object' "$KMEMLEAK" |
			grep -E 'unreferenced|\[ovnic\]|backtrace' | head -n 8 | tr '\n' '|')"
		echo clear >"$KMEMLEAK" 2>/dev/null
	fi
}

##############################################################################
# Preconditions: skip without fault injection

skip_all()
{
	log_test_skip "fault injection" "$1"
	exit "$KSFT_SKIP"
}

[ -d "$DBG/failslab" ] || mount -t debugfs none "$DBG" 2>/dev/null
[ -e /proc/self/fail-nth ] ||
	skip_all "kernel without CONFIG_FAULT_INJECTION (no /proc/self/fail-nth; $(uname -r))"
for a in failslab fail_page_alloc; do
	[ -d "$DBG/$a" ] ||
		skip_all "no $DBG/$a: kernel without CONFIG_${a^^} or CONFIG_FAULT_INJECTION_DEBUG_FS"
done
[ -e "$DBG/failslab/require-start" ] ||
	skip_all "kernel without CONFIG_FAULT_INJECTION_STACKTRACE_FILTER (faults cannot be confined to ovnic)"

if ! ranges=$("$PYTHON" "$DRIVER" --ranges "$OVNIC_KO" ovnic "$VMALLOC_FN"); then
	skip_all "cannot find ovnic's text in /proc/kallsyms"
fi
read -r TEXT_START TEXT_END REJ_START REJ_END <<<"$ranges"
log_info "ovnic text $TEXT_START-$TEXT_END, rejected $VMALLOC_FN $REJ_START-$REJ_END, seed $FUZZ_SEED"
[ "$REJ_START" = 0x0 ] && log_info "warning: $VMALLOC_FN not found, vmalloc failures possible"

fi_save
cleanup_all()
{
	fi_off
	vnic_del_all
	"$RULE_CLI" del 4711 02:00:00:f1:00:aa >/dev/null 2>&1
	"$OVNIC_ROOT/tools/ovnic/ovnic-pool" del 4242 >/dev/null 2>&1
	"$OVNIC_ROOT/tools/ovnic/ovnic-pool" del 4243 >/dev/null 2>&1
	return 0
}
defer cleanup_all

pool_total_start=$(pool_summary_get total_limit)
kmemleak_clear
vf0_before=$(vf_snapshot pfa0 0)
vf1_before=$(vf_snapshot pfa1 0)

##############################################################################
# 1. control path: fail-nth sweep

sweep_args=(--pf pfa0 --pf pfa1 --vf 0 --seconds "$FUZZ_FAULT_SWEEP_SECONDS"
	    --max-points "$FUZZ_FAULT_MAX_POINTS" --seed "$FUZZ_SEED")
[ -n "$FUZZ_FAULT_OPS" ] && sweep_args+=(--ops "$FUZZ_FAULT_OPS")

log_info "part sweep starts at t=$((SECONDS - OVNIC_TEST_START)) s"
fi_mode sweep
dmesg_mark
start=$SECONDS
out=$("$PYTHON" "$DRIVER" "${sweep_args[@]}" 2>&1)
rc=$?
fi_off
# shellcheck disable=SC2001 # a prefix on every line of a multi-line string
sed 's/^/#   /' <<<"$out"
inj_slab=$(fi_injected failslab)
inj_page=$(fi_injected fail_page_alloc)
log_info "sweep: $((SECONDS - start)) s, exit $rc; injected by failslab $inj_slab, by fail_page_alloc $inj_page"
log_info "sweep: $(grep '^total' <<<"$out")"
check_err "$rc" "fail-nth sweep found problems: $(grep -m 3 PROBLEM <<<"$out" | tr '\n' '|')"
grep -q '^op ' <<<"$out" || fail "the sweep ran no operation"
grep '^op ' <<<"$out" | grep -q 'partial' &&
	log_info "note: some operations were cut by the time budget (FUZZ_FAULT_SWEEP_SECONDS)"
log_test "fail-nth sweep: every failed request unwinds completely"

check_eq "VNICs left" "$(ovnic_links - | tr '\n' ' ')" ""
check_eq "pool total_limit" "$(pool_summary_get total_limit)" "$pool_total_start"
check_eq "pfa0 vf 0" "$(vf_snapshot pfa0 0)" "$vf0_before"
check_eq "pfa1 vf 0" "$(vf_snapshot pfa1 0)" "$vf1_before"
vnic_add vnfiend pfa0 0 pf pfa1 vf 0
check_err $? "create on the swept VFs afterwards: $CMD_ERR"
vnic_del vnfiend
check_dmesg_clean
log_test "after the sweep: VFs free and as before, kernel log clean"

##############################################################################
# 2. traffic under failslab / fail_page_alloc

TP_A=tenantfpa
TP_B=tenantfpb
PLAIN_A=203.0.113.1
PLAIN_B=203.0.113.2

log_info "part traffic starts at t=$((SECONDS - OVNIC_TEST_START)) s"
plain_pair_up()
{
	ovl_tenant_ns "$TP_A" && ovl_tenant_ns "$TP_B" || return 1
	vnic_add vnfpa pfa1 1 || { log_info "vnfpa: $CMD_ERR"; return 1; }
	vnic_add -n "$HVB" vnfpb pfb1 1 || { log_info "vnfpb: $CMD_ERR"; return 1; }
	ip link set vnfpa netns "$TP_A" && ip -n "$HVB" link set vnfpb netns "$TP_B" || return 1
	addr_add vnfpa "$TP_A" "$PLAIN_A/24" && addr_add vnfpb "$TP_B" "$PLAIN_B/24" || return 1
	vnic_up vnfpa "$TP_A" && vnic_up vnfpb "$TP_B"
}

# churn_loop SECONDS: make and delete VNICs (plain, overlay), rules and
# pools on pfa0 vf 0 until SECONDS passed; prints "ok N failed M rounds R
# slowest: CMD S ms"
CHURN_SLOW=0
CHURN_SLOW_CMD=""
CHURN_OK=0
CHURN_BAD=0
churn_do()
{
	local t0
	local t

	t0=$(now_ms)
	if timeout 60 "$@" >/dev/null 2>&1; then
		CHURN_OK=$((CHURN_OK + 1))
	else
		CHURN_BAD=$((CHURN_BAD + 1))
	fi
	t=$(($(now_ms) - t0))
	if [ "$t" -gt "$CHURN_SLOW" ]; then
		CHURN_SLOW=$t
		CHURN_SLOW_CMD="$*"
	fi
}

churn_loop()
{
	local end=$((SECONDS + $1))
	local i=0
	local m

	while [ $SECONDS -lt $end ]; do
		i=$((i + 1))
		m=02:00:00:00:77:$((i % 90 + 10))
		if ((i % 2)); then
			churn_do ip link add vnfch type ovnic pf pfa0 vf 0 vlan 3 spoofchk off
		else
			churn_do ip link add vnfch type ovnic pf pfa0 vf 0 vni 77 local 192.0.2.77 \
				remote 192.0.2.78
		fi
		churn_do ip link set vnfch up
		churn_do ip link set vnfch type ovnic pool-limit 2M
		churn_do "$RULE_CLI" add 77 "$m" remote 192.0.2.79
		churn_do "$OVNIC_ROOT/tools/ovnic/ovnic-pool" add id 4243 limit 1M
		churn_do "$OVNIC_ROOT/tools/ovnic/ovnic-pool" del 4243
		churn_do "$RULE_CLI" del 77 "$m"
		churn_do ip link del vnfch
	done
	echo "ok $CHURN_OK failed $CHURN_BAD rounds $i, slowest: '$CHURN_SLOW_CMD' $CHURN_SLOW ms"
}

# drop counters of a VNIC: "name+delta ..." of counters that moved
# shellcheck disable=SC2034 # used through namerefs (ovl_delta_sum)
declare -A SNAP_OVA SNAP_OVB SNAP_PA SNAP_PB
# shellcheck disable=SC2034
declare -A SNAP2_OVA SNAP2_OVB SNAP2_PA SNAP2_PB

if [ "$FUZZ_FAULT_TRAFFIC_SECONDS" -gt 0 ]; then
	dmesg_mark
	if ! ovl_pair_up 1 1 100 100 192.0.2.1 192.0.2.2; then
		fail "overlay pair: $OVL_ERR"
	elif ! plain_pair_up; then
		fail "plain pair (vnfpa/vnfpb) does not come up"
	fi
	ovl_check_ping tenanta1 "$OVL_TENANT4_B"
	check_ping "$TP_A" "$PLAIN_B"
	log_test "traffic: overlay pair and plain pair up"

	ovl_snap SNAP_OVA vna1 tenanta1
	ovl_snap SNAP_OVB vnb1 tenantb1
	ovl_snap SNAP_PA vnfpa "$TP_A"
	ovl_snap SNAP_PB vnfpb "$TP_B"

	flow_start ovl tenanta1 "$OVL_TENANT4_B" tenantb1 5301 400
	flow_start plain "$TP_A" "$PLAIN_B" "$TP_B" 5302 400
	tcp=0
	if command -v iperf3 >/dev/null; then
		iperf3_server tenantb1 5303 && tcp=1
	fi
	pool_sockbuf_max 4194304

	fi_mode traffic
	fi_w failslab probability "$FUZZ_FAULT_PROB"
	fi_w fail_page_alloc probability "$FUZZ_FAULT_PROB"
	start=$SECONDS
	tcp_res=""
	if [ "$tcp" = 1 ]; then
		ovl_iperf3 tenanta1 "$OVL_TENANT4_B" 5303 "$FUZZ_FAULT_TRAFFIC_SECONDS" \
			>"${FLOW_DIR:-/tmp}/faultinj-tcp" 2>&1 &
		tcp_pid=$!
	fi
	churn=$(churn_loop "$FUZZ_FAULT_TRAFFIC_SECONDS")
	[ "$tcp" = 1 ] && wait "$tcp_pid" && tcp_res=$(cat "${FLOW_DIR:-/tmp}/faultinj-tcp")
	while [ $((SECONDS - start)) -lt "$FUZZ_FAULT_TRAFFIC_SECONDS" ]; do
		sleep 1
	done
	fi_off
	inj_slab=$(fi_injected failslab)
	inj_page=$(fi_injected fail_page_alloc)
	log_info "traffic: $((SECONDS - start)) s at $FUZZ_FAULT_PROB %: injected by failslab $inj_slab," \
		"by fail_page_alloc $inj_page; churn (create/up/change/rule/pool) $churn"
	log_info "traffic: TCP over the overlay under faults: ${tcp_res:-none} (bits/s sent received ...)"
	check_ge "failures injected during traffic" "$((inj_slab + inj_page))" 1
	flow_stop ovl
	log_info "flow ovl under faults: sent $FLOW_SENT received $FLOW_RECV lost $FLOW_LOST"
	flow_stop plain
	log_info "flow plain under faults: sent $FLOW_SENT received $FLOW_RECV lost $FLOW_LOST"
	ip link del vnfch >/dev/null 2>&1
	log_test "traffic: ${FUZZ_FAULT_TRAFFIC_SECONDS} s of flows and churn under $FUZZ_FAULT_PROB % allocation failures"

	# Injection off: everything works again.
	ovl_check_ping tenanta1 "$OVL_TENANT4_B" 5
	ovl_check_ping tenanta1 "$OVL_TENANT6_B" 5
	check_ping "$TP_A" "$PLAIN_B" 5
	flow_start ovl2 tenanta1 "$OVL_TENANT4_B" tenantb1 5311 200
	sleep 3
	flow_stop ovl2
	log_info "flow ovl after: sent $FLOW_SENT received $FLOW_RECV lost $FLOW_LOST"
	check_ge "overlay flow after injection" "$FLOW_RECV" 1
	[ "$FLOW_LOST" -le $((FLOW_SENT / 10)) ] ||
		fail "overlay flow after injection lost $FLOW_LOST of $FLOW_SENT"
	log_test "traffic: flows recover once injection stops"

	ovl_snap SNAP2_OVA vna1 tenanta1
	ovl_snap SNAP2_OVB vnb1 tenantb1
	ovl_snap SNAP2_PA vnfpa "$TP_A"
	ovl_snap SNAP2_PB vnfpb "$TP_B"
	drops=0
	for pair in "OVA vna1" "OVB vnb1" "PA vnfpa" "PB vnfpb"; do
		read -r tag dev <<<"$pair"
		ovl_delta_sum "SNAP_$tag" "SNAP2_$tag" '(drop|nomem|requeue|realloc)'
		log_info "counters $dev: ${OVL_DELTA_WHAT:-no drop counter moved}"
		ovl_delta_sum "SNAP_$tag" "SNAP2_$tag" 'drop'
		drops=$((drops + OVL_DELTA_SUM))
	done
	log_info "drop counters moved by $drops in total"
	check_ge "ovnic drop counters (ethtool -S) during injection" "$drops" 1
	log_test "traffic: drop counters account for the failures"

	bg_stop "$BG_PID" 2>/dev/null
	wait_until 15 pool_drained
	check_eq "pool total_charged when idle" "$(pool_summary_get total_charged)" 0
	check_eq "pools draining when idle" "$(pool_summary_get draining)" 0
	ovl_pair_down 1
	ip -n "$TP_A" link del vnfpa 2>/dev/null
	ip -n "$TP_B" link del vnfpb 2>/dev/null
	check_err $? "delete vnfpb"
	wait_until 10 not dev_has_master pfa1vf1
	check_eq "VNICs left" "$(ovnic_links -; ovnic_links "$HVB")" ""
	check_eq "pool total_limit" "$(pool_summary_get total_limit)" "$pool_total_start"
	wait_until 10 pool_drained
	check_eq "pool total_charged" "$(pool_summary_get total_charged)" 0
	check_dmesg_clean
	log_test "traffic: pools drain to 0, VNICs delete, kernel log clean"
else
	log_test_skip "traffic under allocation failures" "FUZZ_FAULT_TRAFFIC_SECONDS=0"
fi

##############################################################################
# 3. fail_function

log_info "part fail_function starts at t=$((SECONDS - OVNIC_TEST_START)) s"
funcs=""
if [ -r "$DBG/fail_function/injectable" ]; then
	funcs=$(awk '$2 == "[ovnic]" { print $1 ":" $3 }' "$DBG/fail_function/injectable")
fi
for f in $FUZZ_FAULT_FUNCS; do
	t=$(awk -v f="$f" '$1 == f { print $NF; exit }' "$DBG/fail_function/injectable" 2>/dev/null)
	funcs+=" $f:${t:-ERRNO}"
done
if [ ! -w "$DBG/fail_function/inject" ]; then
	log_test_skip "fail_function" "kernel without CONFIG_FAIL_FUNCTION"
elif [ -z "${funcs// /}" ]; then
	log_test_skip "fail_function" "no ovnic function is ALLOW_ERROR_INJECTION (fail_function/injectable lists none of ovnic's)"
else
	dmesg_mark
	fi_mode function
	fargs=(--pf pfa0 --pf pfa1 --vf 0 --seconds "$FUZZ_FAULT_FUNC_SECONDS" --seed "$FUZZ_SEED"
	       --min-points 16 --attr-dir "$DBG/fail_function")
	[ -n "$FUZZ_FAULT_FUNC_OPS" ] && fargs+=(--ops "$FUZZ_FAULT_FUNC_OPS")
	# All armed together (the N-th call among them fails, so every call
	# of each in each operation gets its turn), each returning an errno
	# of its own that nothing else in the path returns, to tell from
	# the answers that each of them was reached and failed a request.
	errs=(EDOM EXDEV ENOTTY ETXTBSY EMLINK ESPIPE EROFS EFBIG EL2HLT EL3HLT)
	declare -A ferr=()
	i=0
	echo >"$DBG/fail_function/inject" 2>/dev/null
	for ft in $funcs; do
		f=${ft%%:*}
		t=${ft#*:}
		if ! echo "$f" >"$DBG/fail_function/inject" 2>/dev/null; then
			fail "fail_function: cannot inject $f"
			continue
		fi
		case $t in
		ERRNO|ERRNO_NULL)
			e=${errs[i % ${#errs[@]}]}
			i=$((i + 1))
			ferr[$f]=$e
			rv=$(printf '0x%x' "-$("$PYTHON" -c "import errno; print(errno.$e)")")
			;;
		TRUE) rv=1 ;;
		*) rv=0 ;;
		esac
		echo "$rv" >"$DBG/fail_function/$f/retval"
	done
	out=$("$PYTHON" "$DRIVER" "${fargs[@]}" 2>&1)
	rc=$?
	fi_w fail_function probability 0
	echo >"$DBG/fail_function/inject" 2>/dev/null
	# shellcheck disable=SC2001 # a prefix on every line
	sed 's/^/#   /' <<<"$out" | grep -v ' points 0 '
	total=$(grep '^total' <<<"$out")
	log_info "fail_function ($(wc -w <<<"$funcs") functions): $total"
	check_err "$rc" "fail_function: $(grep -m 3 PROBLEM <<<"$out" | tr '\n' '|')"
	read -r _ _ points _ _ _ injected _ <<<"$total"
	[ "${points:-0}" -gt 0 ] && [ "${injected:-0}" -gt 0 ] ||
		fail "fail_function: no request failed through an injected function ($total)"
	for f in "${!ferr[@]}"; do
		grep -Eq "[ ,]${ferr[$f]}(\(no-extack\))?:" <<<"$out" ||
			fail "fail_function: no request failed with ${ferr[$f]}, the error given to $f"
	done
	fi_off
	check_eq "VNICs left" "$(ovnic_links - | tr '\n' ' ')" ""
	check_eq "pool total_limit" "$(pool_summary_get total_limit)" "$pool_total_start"
	check_dmesg_clean
	log_test "fail_function: $(wc -w <<<"$funcs") function(s), every failure unwinds"
fi

##############################################################################
# The module unloads and loads again (no reference leaked)

fi_off
cleanup_all
if [ "$FUZZ_FAULT_KMEMLEAK" != 1 ]; then
	log_info "kmemleak: left to the harness (FUZZ_FAULT_KMEMLEAK=1 to scan here)"
elif [ -w "$KMEMLEAK" ]; then
	check_kmemleak faultinj
	log_test "kmemleak: nothing leaked by the failed requests and the traffic"
else
	log_test_skip "kmemleak" "kernel without CONFIG_DEBUG_KMEMLEAK"
fi

log_info "part module starts at t=$((SECONDS - OVNIC_TEST_START)) s"
dmesg_mark
module_reload_case
