#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_kunit.sh - ovnic's KUnit tests (drivers/net/ovnic/ovnic_kunit.c).
#
# ovnic_kunit.ko is built next to ovnic.ko only against a kernel with
# CONFIG_KUNIT (the debug kernel of scripts/debug-kernel.sh); on any other
# kernel, or without /sys/kernel/debug/kunit (CONFIG_KUNIT_DEBUGFS), this
# test is skipped. ovnic.ko is loaded already (the module exports its
# internals to the test module only on such a kernel).
#
# It proves that, running ovnic.ko's own functions on fixtures (VNICs that
# were never registered, skbs from alloc_skb()), every test case of the
# four suites passes:
# - ovnic_proto: the overlay header's bytes, build/parse round trips, every
#   refusal of the parser with its drop reason, inner offload state, the
#   nested-overlay check;
# - ovnic_hash: the l2/l34/inner flow hashes (deterministic, the right
#   fields) and the balance-mode choice of a lower (same flow same lower,
#   spread, only the flows of a lower that goes down move, and come back);
# - ovnic_reasm: reassembly in any order, duplicates, trimmed and
#   straddling overlaps, header mismatches, frame and memory limits,
#   eviction, expiry, the pool charged while pieces are held;
# - ovnic_pool: watermarks, the receive admission rule, charge/uncharge
#   balance, wake at the low watermark, the adaptive step (halving to the
#   minimum, doubling back to the limit, its drain thresholds, stopped
#   queues as hits), the module's cap on the sum of the limits;
# and that loading, running and unloading the test module leaves the
# kernel log clean. Each KUnit case is reported as a TEST line; the KTAP
# results are saved in $OVNIC_RESULTS/kunit-<suite>.ktap.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

SUITES="ovnic_proto ovnic_hash ovnic_reasm ovnic_pool"
KUNIT_DIR=/sys/kernel/debug/kunit

if [ "$(id -u)" != 0 ]; then
	echo "# SKIP: must run as root (inside the VM)"
	exit "$KSFT_SKIP"
fi
if [ ! -d /sys/kernel/debug/kunit ] && [ -d /sys/kernel/debug ] &&
	! mountpoint -q /sys/kernel/debug; then
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
fi
if [ ! -d "$KUNIT_DIR" ]; then
	echo "# SKIP: no $KUNIT_DIR: kernel $(uname -r) has no KUnit (CONFIG_KUNIT, CONFIG_KUNIT_DEBUGFS)"
	exit "$KSFT_SKIP"
fi
KUNIT_KO=${OVNIC_KO:+$(dirname "$OVNIC_KO")/ovnic_kunit.ko}
if [ -z "$KUNIT_KO" ] || [ ! -r "$KUNIT_KO" ]; then
	echo "# SKIP: ovnic_kunit.ko not built for $(uname -r) (next to OVNIC_KO '$OVNIC_KO')"
	exit "$KSFT_SKIP"
fi

ovnic_init

# A test module left by an interrupted run would not run again.
[ -d /sys/module/ovnic_kunit ] && rmmod ovnic_kunit

# report_suite SUITE: one TEST line per KUnit case of SUITE's results.
report_suite()
{
	local suite=$1 file=$KUNIT_DIR/$1/results line name rest cases=0
	local -a detail
	local save=${OVNIC_RESULTS:+$OVNIC_RESULTS/kunit-$suite.ktap}

	if [ ! -r "$file" ]; then
		fail "no results for suite $suite ($file)"
		log_test "kunit $suite: suite ran"
		return
	fi
	[ -n "$save" ] && cp "$file" "$save" 2>/dev/null
	# Case lines are indented, the suite's own line is not. What a case
	# logs (failed expectations) comes before its line.
	detail=()
	while IFS= read -r line; do
		if [[ $line =~ ^[[:space:]]+(not\ ok|ok)\ [0-9]+\ ([^ #]+)(.*)$ ]]; then
			name=${BASH_REMATCH[2]}
			rest=${BASH_REMATCH[3]}
			cases=$((cases + 1))
			if [[ ${BASH_REMATCH[1]} == "not ok" ]]; then
				printf '#\t%s\n' "${detail[@]}" | head -n 40
				fail "KUnit: not ok (full log: $file or dmesg)"
				log_test "kunit $suite: $name"
			elif [[ $rest =~ \#\ SKIP ]]; then
				log_test_skip "kunit $suite: $name" "${rest# }"
			else
				log_test "kunit $suite: $name"
			fi
			detail=()
		elif [[ $line =~ ^[[:space:]]+[^[:space:]] ]] &&
			! [[ $line =~ (KTAP\ version|\#\ Subtest:|\#\ module:|^[[:space:]]+1\.\.[0-9]+$) ]]; then
			detail+=("${line#"${line%%[![:space:]]*}"}")
		fi
	done <"$file"
	if [ "$cases" -eq 0 ]; then
		fail "suite $suite reported no case"
		log_test "kunit $suite: suite ran"
	fi
	# The suite's own verdict (not indented) must agree.
	if grep -Eq '^not ok [0-9]+ ' "$file"; then
		fail "suite $suite: not ok"
		log_test "kunit $suite: suite verdict"
	fi
}

test_kunit()
{
	local out suite

	if ! out=$(insmod "$KUNIT_KO" 2>&1); then
		fail "insmod $KUNIT_KO: $out"
		log_test "kunit: test module loads (its tests run at load time)"
		return
	fi
	log_test "kunit: test module loads (its tests run at load time)"
	defer rmmod ovnic_kunit

	for suite in $SUITES; do
		report_suite "$suite"
	done

	check_cmd rmmod ovnic_kunit
	[ -d /sys/module/ovnic_kunit ] && fail "ovnic_kunit still loaded"
	grep -q '^ovnic ' /proc/modules || fail "ovnic.ko unloaded"
	log_test "kunit: test module unloads, ovnic.ko stays"
}

test_kunit

check_dmesg_clean
log_test "kernel log: no warning"
