#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_nlfuzz.sh - netlink fuzzing of ovnic: no crash, no warning, no leak,
# every rejection explained.
#
# Topology: the conventions' one. A "witness" VNIC fzwit is made first on
# pfa0 vf 1 with a configuration (vlan 7, spoofchk off, pool-limit 1 MiB)
# and an encapsulation rule (VNI 4242, 02:00:00:00:42:42 -> 192.0.2.42);
# then selftests/ovnic_nlfuzz.py sends FUZZ_COUNT (10000) seeded
# (FUZZ_SEED to replay) random and mutated requests: RTM_NEWLINK creates of
# kind ovnic on pfa1 (vf 0..3, mutated IFLA_INFO_DATA), changelinks of the
# VNICs it made, generic netlink requests of every "ovnic" command, and
# valid requests in between (VNICs, rules and pools really made, changed
# and deleted). The fuzzer never addresses the witness, its pool or its
# rule.
#
# It proves that
# - every request got exactly one answer, and every rejection carries an
#   extack message, but for the documented core rejections (the allow-list
#   ALLOW_NO_MSG in ovnic_nlfuzz.py);
# - the kernel log has no warning, oops or refcount report, the kernel was
#   not tainted during the run;
# - nothing the fuzzer made is left after its cleanup (VNICs, rules, shared
#   pools), the pool summary is back to its starting total_limit and cap;
# - the witness VNIC, its VF settings and its rule are exactly as before;
# - the module unloads and loads again (no reference leaked), and, on a
#   kernel with kmemleak, no unreferenced ovnic object is reported.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

FUZZER=$OVNIC_SELFTESTS/ovnic_nlfuzz.py
RULE_CLI=$OVNIC_ROOT/tools/ovnic/ovnic-rule
WIT=fzwit
WIT_VNI=4242
WIT_MAC=02:00:00:00:42:42
KMEMLEAK=/sys/kernel/debug/kmemleak

ovnic_init

fuzz_cleanup()
{
	vnic_del_all
	"$RULE_CLI" del "$WIT_VNI" "$WIT_MAC" >/dev/null 2>&1
	return 0
}
defer fuzz_cleanup

# The witness: configuration that must survive the fuzzing untouched.
vnic_add "$WIT" pfa0 1 vlan 7 spoofchk off pool-limit 1M
check_err $? "create $WIT: $CMD_ERR"
check_cmd "$RULE_CLI" add "$WIT_VNI" "$WIT_MAC" remote 192.0.2.42
log_test "setup: witness VNIC $WIT (pfa0 vf 1) and its rule"

wit_ifindex=$(dev_ifindex "$WIT")
wit_pool=$(ovnic_data "$WIT" pool)
wit_before=$(nlfuzz_link_state "$WIT")
vf_before=$(vf_snapshot pfa0 1)
rule_before=$(nlfuzz_rule_state "$WIT_VNI" "$WIT_MAC")
summary_before=$(nlfuzz_pool_summary)
log_info "witness ifindex $wit_ifindex pool $wit_pool; pool summary: $summary_before"

kmemleak=0
if [ -w "$KMEMLEAK" ]; then
	kmemleak=1
	echo clear > "$KMEMLEAK"
fi

args=(--pf "$(dev_ifindex pfa1)"
      --other-pf "$(dev_ifindex pfa0)" --other-pf "$(dev_ifindex pfa1vf0)"
      --other-pf "$wit_ifindex" --other-pf 1
      --protect-ifindex "$wit_ifindex" --protect-rule "$WIT_VNI,$WIT_MAC")
[ -n "$wit_pool" ] && args+=(--protect-pool "$wit_pool")
start=$SECONDS
"$PYTHON" "$FUZZER" "${args[@]}"
rc=$?
log_info "fuzzer exit $rc after $((SECONDS - start)) s"
check_err "$rc" "fuzzer reported failures (see above; replay with FUZZ_SEED)"
log_test "fuzz: ${FUZZ_COUNT:-10000} requests, one answer each, rejections explained"

check_eq "VNICs but the witness" "$(ovnic_links - | grep -vx "$WIT" | tr '\n' ' ')" ""
check_eq "VNICs in hvb" "$(ovnic_links "$HVB" | tr '\n' ' ')" ""
check_eq "pool summary (cap, total_limit)" "$(nlfuzz_pool_summary)" "$summary_before"
check_err "$(topology_ok >/dev/null; echo $?)" "topology broken: $(topology_ok | tr '\n' ' ')"
log_test "after the fuzzing: nothing left, pool summary as at the start"

check_eq "witness link" "$(nlfuzz_link_state "$WIT")" "$wit_before"
check_eq "pfa0 vf 1 (witness VF)" "$(vf_snapshot pfa0 1)" "$vf_before"
check_eq "witness rule" "$(nlfuzz_rule_state "$WIT_VNI" "$WIT_MAC")" "$rule_before"
log_test "witness VNIC, its VF and its rule unchanged"

check_dmesg_clean
log_test "kernel log: no warning"

fuzz_cleanup
if [ "$kmemleak" = 1 ]; then
	echo scan > "$KMEMLEAK"
	sleep 1
	echo scan > "$KMEMLEAK"
	leaks=$(grep -c . "$KMEMLEAK" 2>/dev/null)
	if grep -q ovnic "$KMEMLEAK"; then
		fail "kmemleak: unreferenced ovnic objects: $(grep -m 3 -A 12 'unreferenced' "$KMEMLEAK" | tr '\n' '|')"
	fi
	log_info "kmemleak: $leaks lines reported"
	log_test "kmemleak: no ovnic object leaked"
fi

module_reload_case
