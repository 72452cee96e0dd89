#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run kselftest scripts one after the other and print KTAP (guest side of
# the ovnic VM, but it has no other VM dependency).
#
#   ksft-run.sh [-t SECONDS] [-o LOGDIR] TEST...
#   ksft-run.sh --scan FILE    print the bad kernel log lines of FILE;
#                              exit 1 if there are any (host side too)
#
# Exit codes of the tests: 0 pass, 4 skip, anything else fail; a test that
# runs longer than the timeout (default 300 s, or $KSFT_TIMEOUT) is killed
# and fails. After each test the kernel log lines it produced are scanned
# for warnings, oopses, lockdep, hung tasks, leaks...: any hit fails the
# test even if its script passed.
#
# Environment: KSFT_TIMEOUT, KSFT_LOGDIR (per-test logs), KSFT_DMESG_HITS
# (file collecting the kernel log lines that failed a test),
# KSFT_POST_HOOK (command run after each test, output shown as "# ").
# Exits 0 when every test passed or skipped, 1 otherwise.

set -u

BAD_RE='WARNING:|BUG:|Oops|RIP:|Call Trace:|general protection'
BAD_RE+='|possible circular locking|possible recursive locking'
BAD_RE+='|suspicious RCU usage|inconsistent lock state'
BAD_RE+='|unregister_netdevice: waiting|blocked for more than|ref_tracker:'
BAD_RE+='|unreferenced object|UBSAN:|KASAN:'
BAD_RE+='|kernel BUG at|sleeping function called from invalid context'
BAD_RE+='|refcount_t:|list_add corruption|list_del corruption|ODEBUG:'
MARK='ovnic-ksft:'
# What a failed allocation of a tracker entry prints (once a boot) when
# fault injection (failslab) hits it: the tracker degrades, the reference
# count itself still holds. Not a report of a leak or a misuse.
ALLOC_FAIL_RE='ref_tracker: memory allocation failure, unreliable refcount tracker'

# Bad lines of the kernel log on stdin (our own markers and injected
# allocation failures excluded).
scan() {
	grep -a -E "$BAD_RE" | grep -a -v -F -e "$MARK" -e "$ALLOC_FAIL_RE"
}

if [ "${1:-}" = --scan ]; then
	[ -r "${2:-}" ] || { echo "usage: $0 --scan FILE" >&2; exit 2; }
	hits=$(scan <"$2")
	[ -z "$hits" ] && exit 0
	printf '%s\n' "$hits"
	exit 1
fi

timeout=${KSFT_TIMEOUT:-300}
logdir=${KSFT_LOGDIR:-}
while [ $# -gt 0 ]; do
	case $1 in
	-t) timeout=$2; shift 2 ;;
	-o) logdir=$2; shift 2 ;;
	-h|--help) sed -n '4,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) echo "ksft-run: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ -n "$logdir" ] && mkdir -p "$logdir"

kmsg() {
	echo "$MARK $*" >/dev/kmsg 2>/dev/null
}

# Kernel log lines after the marker of test $1 (all lines if it is gone).
new_dmesg() {
	dmesg 2>/dev/null | awk -v m="$MARK begin $1 " '
		{ line[NR] = $0 }
		index($0, m) { start = NR }
		END { for (i = start + 1; i <= NR; i++) print line[i] }'
}

prefix() {
	sed -u 's/^/# /'
}

echo "TAP version 13"
echo "1..$#"

n=0
failed=0
for t in "$@"; do
	n=$((n + 1))
	name=${t##*/}
	dir=$(dirname "$t")
	echo "# selftests: ovnic: $name"
	log=/dev/null
	[ -n "$logdir" ] && log=$logdir/${name%.*}.log

	if [ ! -e "$t" ]; then
		echo "not ok $n selftests: ovnic: $name # test not found"
		failed=$((failed + 1))
		continue
	fi
	runner=()
	if [ ! -x "$t" ]; then
		echo "# warning: $name is not executable, running it with bash"
		runner=(bash)
	fi

	kmsg "begin $n $name"
	start=$SECONDS
	(cd "$dir" && exec timeout -k 10 "$timeout" "${runner[@]}" "./$name" </dev/null 2>&1) |
		tee "$log" | prefix
	rc=${PIPESTATUS[0]}
	kmsg "end $n $name rc=$rc"
	echo "# $name: exit $rc after $((SECONDS - start)) s"

	if [ -n "${KSFT_POST_HOOK:-}" ]; then
		bash -c "$KSFT_POST_HOOK" 2>&1 | prefix
	fi

	hits=$(new_dmesg "$n" | scan)
	if [ -n "$hits" ]; then
		echo "# kernel log has warnings/errors during $name:"
		printf '%s\n' "$hits" | head -n 20 | prefix
		[ -n "${KSFT_DMESG_HITS:-}" ] && printf '%s\n' "$hits" >>"$KSFT_DMESG_HITS"
	fi

	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "not ok $n selftests: ovnic: $name # TIMEOUT $timeout seconds"
		failed=$((failed + 1))
	elif [ -n "$hits" ]; then
		echo "not ok $n selftests: ovnic: $name # kernel log: $(head -n 1 <<<"$hits" | cut -c1-120)"
		failed=$((failed + 1))
	elif [ "$rc" = 0 ]; then
		echo "ok $n selftests: ovnic: $name"
	elif [ "$rc" = 4 ]; then
		echo "ok $n selftests: ovnic: $name # SKIP"
	else
		echo "not ok $n selftests: ovnic: $name # exit=$rc"
		failed=$((failed + 1))
	fi
done

[ "$failed" = 0 ]
