#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_rules.sh - encapsulation rules: the "ovnic" generic netlink family,
# through tools/ovnic/ovnic-rule.
#
# Topology: the conventions' one. The rule tables used are those of the
# init netns (hypervisor A) and of netns hvb (hypervisor B), plus a
# throw-away netns (rulesns) and user namespaces made by unshare (as root
# and as an unprivileged user). The ip
# plugin case makes an IPv6 overlay VNIC vnr6 on pfa0 vf 0. The datapath
# case adds an overlay pair on wire 0 from lib.sh:
#
#   netns tenanta1          init netns (A)               netns hvb (B)     netns tenantb1
#   vna1 ..> pfa0vf1 -- pfa0 ===== wire 0 ===== pfb0 -- pfb0vf1 <.. vnb1
#   VNI 4242, endpoints 192.0.2.1 (A) and 192.0.2.2 (B), tenant MACs fixed
#
# It proves that:
# - rules are added, read, replaced (IPv4 <-> IPv6) and deleted, and a
#   dump lists all rules or those of one VNI;
# - the kernel holds 100000 rules, added with the CLI's batch mode (the
#   rate is printed), dumps each of them exactly once, counts them, and
#   deletes them; a dump racing with deletions ends without harm;
# - every bad request is refused with its extack message and changes
#   nothing: missing VNI or MAC, VNI above 2^24-1, MAC of the wrong length,
#   multicast/broadcast/zero MAC, both or neither of REMOTE and REMOTE6, a
#   non-unicast remote, a duplicate without replace, deleting or getting a
#   missing rule, the read-only COUNT, unknown attributes;
# - the rules of netns hvb are invisible from the init netns and the other
#   way round;
# - without CAP_NET_ADMIN (uid 65534, root without the capability, root of a
#   user namespace that does not own the netns) NEW and DEL fail with EPERM
#   while GET and dumps work; the root of a user namespace manages the
#   rules of its own netns;
# - deleting a netns with rules, and unloading the module with rules in two
#   namespaces, frees them without a kernel warning (kmemleak is not
#   available on this kernel: no leak check beyond that);
# - the ip plugin sends and prints the overlay keywords (IPv4 and IPv6
#   endpoints, text and JSON, create and change);
# - datapath: with no default remote, a tenant frame is dropped
#   (tx_drop_no_remote) until a rule maps the peer's MAC to the remote
#   endpoint; a rule of the other address family or in another netns is
#   not used; with the rule traffic flows, without it again it stops.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

RULE_CLI=$OVNIC_ROOT/tools/ovnic/ovnic-rule
BIG=${OVNIC_RULES_BIG:-100000}
WORK=""

MAC1=02:00:00:00:01:01
MAC2=02:00:00:00:01:02
MAC3=02:00:00:00:01:03
R4=192.0.2.2
R6=2001:db8::2
POLICY_ERR='out of range|invalid attribute length|failed policy validation|size'

rule()
{
	"$PYTHON" "$RULE_CLI" "$@"
}

rule_hvb()
{
	in_hvb "$PYTHON" "$RULE_CLI" "$@"
}

# rule_count [NS]: number of rules a dump of NS lists
rule_count()
{
	nsrun "$1" "$PYTHON" "$RULE_CLI" dump | wc -l
}

# rule_flush [NS]: delete every rule of NS
rule_flush()
{
	nsrun "$1" "$PYTHON" "$RULE_CLI" dump 2>/dev/null |
		awk '{ print "del", $2, $4 }' |
		nsrun "$1" "$PYTHON" "$RULE_CLI" bulk - >/dev/null 2>&1
	return 0
}

# ping_quick NS DST: two replies within 3 s (for pings that must fail)
ping_quick()
{
	nsrun "$1" ping -4 -q -c 2 -i 0.2 -w 3 "$2" >/dev/null 2>&1
}

# bad DESC ERE CMD...: CMD must fail with a message matching ERE and leave
# the number of rules of the init netns unchanged.
bad()
{
	local desc=$1
	local pat=$2
	local before

	shift 2
	before=$(rule_count)
	check_cmd_fails "$pat" "$@" && log_info "$desc: $CMD_ERR"
	check_eq "rules after a refused request" "$(rule_count)" "$before"
	log_test "bad request: $desc"
}

ovnic_init

if ! rule dump >/dev/null 2>&1; then
	run_capture rule dump
	echo "# SKIP: the ovnic generic netlink family does not answer: $CMD_ERR"
	exit "$KSFT_SKIP"
fi

WORK=$(mktemp -d)
defer rm -rf "$WORK"
rule_flush
rule_flush "$HVB"
defer rule_flush
defer rule_flush "$HVB"

test_basic()
{
	check_cmd rule add 100 $MAC1 remote $R4
	check_cmd rule get 100 $MAC1
	check_eq "get" "$CMD_OUT" "vni 100 mac $MAC1 remote $R4"
	check_cmd rule -j get 100 $MAC1
	check_eq "count" "$(json_get 'd["count"]' <<<"$CMD_OUT")" 1
	check_eq "JSON remote" "$(json_get 'd["remote"]' <<<"$CMD_OUT")" $R4
	log_test "rules: add and get (IPv4 remote)"

	check_cmd rule replace 100 $MAC1 remote $R6
	check_cmd rule get 100 $MAC1
	check_eq "get after replace" "$CMD_OUT" "vni 100 mac $MAC1 remote $R6"
	check_cmd rule replace 100 $MAC1 remote $R4
	check_cmd rule get 100 $MAC1
	check_eq "get after replace back" "$CMD_OUT" "vni 100 mac $MAC1 remote $R4"
	check_cmd rule replace 100 $MAC2 remote $R6
	check_cmd rule get 100 $MAC2
	check_eq "replace of a missing rule adds it" "$CMD_OUT" "vni 100 mac $MAC2 remote $R6"
	check_eq "count" "$(rule_count)" 2
	log_test "rules: replace IPv4 <-> IPv6, replace creates"

	check_cmd rule del 100 $MAC2
	check_cmd_fails "no such rule" rule get 100 $MAC2
	check_cmd rule del 100 $MAC1
	check_eq "count" "$(rule_count)" 0
	log_test "rules: delete"
}

test_dump()
{
	local m

	for m in $MAC1 $MAC2 $MAC3; do
		check_cmd rule add 100 "$m" remote $R4
	done
	check_cmd rule add 200 $MAC1 remote $R6
	check_cmd rule add 200 $MAC2 remote 192.0.2.3
	check_eq "all" "$(rule_count)" 5
	check_eq "vni 100" "$(rule dump vni 100 | wc -l)" 3
	check_eq "vni 200" "$(rule dump vni 200 | wc -l)" 2
	check_eq "vni 300" "$(rule dump vni 300 | wc -l)" 0
	check_eq "vni 200 content" "$(rule dump vni 200 | sort | tr '\n' ';')" \
		"vni 200 mac $MAC1 remote $R6;vni 200 mac $MAC2 remote 192.0.2.3;"
	check_cmd rule -j dump vni 100
	check_eq "JSON dump" "$(json_get 'len(d)' <<<"$CMD_OUT")" 3
	rule_flush
	check_eq "after flush" "$(rule_count)" 0
	log_test "rules: dump all, dump per VNI"
}

test_bad()
{
	check_cmd rule add 1 $MAC1 remote $R4
	bad "missing VNI" "VNI is required" rule raw new mac=mac:$MAC2 remote=ip:$R4
	bad "missing MAC" "MAC address is required" rule raw new vni=u32:1 remote=ip:$R4
	bad "VNI 2^24" "$POLICY_ERR" rule add 16777216 $MAC2 remote $R4
	bad "VNI 2^32-1" "$POLICY_ERR" rule add 4294967295 $MAC2 remote $R4
	bad "MAC of 5 bytes" "$POLICY_ERR" rule raw new vni=u32:1 mac=bin:0200000001 remote=ip:$R4
	bad "MAC of 7 bytes" "$POLICY_ERR" \
		rule raw new vni=u32:1 mac=bin:02000000010203 remote=ip:$R4
	bad "VNI as u16" "$POLICY_ERR" rule raw new vni=u16:1 mac=mac:$MAC2 remote=ip:$R4
	bad "REMOTE of 16 bytes" "$POLICY_ERR" rule raw new vni=u32:1 mac=mac:$MAC2 remote=ip:$R6
	bad "REMOTE6 of 4 bytes" "$POLICY_ERR" rule raw new vni=u32:1 mac=mac:$MAC2 remote6=ip:$R4
	bad "multicast MAC" "MAC must be unicast" rule add 1 01:00:5e:00:00:01 remote $R4
	bad "broadcast MAC" "MAC must be unicast" rule add 1 ff:ff:ff:ff:ff:ff remote $R4
	bad "zero MAC" "MAC must be unicast" rule add 1 00:00:00:00:00:00 remote $R4
	bad "both REMOTE and REMOTE6" "exactly one of REMOTE and REMOTE6 is required" \
		rule raw new vni=u32:1 mac=mac:$MAC2 remote=ip:$R4 remote6=ip:$R6
	bad "neither REMOTE nor REMOTE6" "exactly one of REMOTE and REMOTE6 is required" \
		rule add 1 $MAC2
	bad "remote 0.0.0.0" "remote must be a unicast address" rule add 1 $MAC2 remote 0.0.0.0
	bad "remote multicast" "remote must be a unicast address" rule add 1 $MAC2 remote ff02::1
	bad "duplicate add" "rule exists" rule add 1 $MAC1 remote $R6
	bad "del of a missing rule" "no such rule" rule del 1 $MAC2
	bad "get of a missing rule" "no such rule" rule get 2 $MAC1
	bad "read-only COUNT" "rule count is read-only" \
		rule raw new vni=u32:1 mac=mac:$MAC2 remote=ip:$R4 count=u32:7
	bad "unknown attribute" "nknown attribute|nsupported attribute" \
		rule raw new vni=u32:1 mac=mac:$MAC2 remote=ip:$R4 99=u32:7
	bad "attribute 0" "nknown attribute|nsupported attribute|$POLICY_ERR" \
		rule raw new vni=u32:1 mac=mac:$MAC2 remote=ip:$R4 0=u32:7
	check_cmd rule get 1 $MAC1
	check_eq "the existing rule" "$CMD_OUT" "vni 1 mac $MAC1 remote $R4"
	log_test "bad requests: the existing rule is unchanged"
	check_cmd rule del 1 $MAC1
}

test_netns()
{
	check_cmd rule add 7 $MAC1 remote $R4
	check_eq "hvb sees" "$(rule_count "$HVB")" 0
	check_cmd_fails "no such rule" rule_hvb get 7 $MAC1
	check_cmd rule_hvb add 7 $MAC1 remote $R6
	check_cmd rule_hvb add 8 $MAC2 remote $R6
	check_cmd rule get 7 $MAC1
	check_eq "init's rule" "$CMD_OUT" "vni 7 mac $MAC1 remote $R4"
	check_cmd rule_hvb get 7 $MAC1
	check_eq "hvb's rule" "$CMD_OUT" "vni 7 mac $MAC1 remote $R6"
	check_cmd_fails "no such rule" rule get 8 $MAC2
	check_cmd rule_hvb del 7 $MAC1
	check_cmd rule get 7 $MAC1
	check_eq "init's rule after hvb's delete" "$CMD_OUT" "vni 7 mac $MAC1 remote $R4"
	check_eq "init count" "$(rule_count)" 1
	check_eq "hvb count" "$(rule_count "$HVB")" 1
	rule_flush "$HVB"
	rule_flush
	log_test "netns: hvb and init netns have separate rule tables"
}

test_perm()
{
	local nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)

	check_cmd rule add 9 $MAC1 remote $R4
	if command -v setpriv >/dev/null; then
		check_cmd_fails "Operation not permitted" "${nobody[@]}" "$PYTHON" "$RULE_CLI" \
			add 9 $MAC2 remote $R4
		check_cmd_fails "Operation not permitted" "${nobody[@]}" "$PYTHON" "$RULE_CLI" \
			del 9 $MAC1
		check_cmd_fails "Operation not permitted" "${nobody[@]}" "$PYTHON" "$RULE_CLI" \
			replace 9 $MAC1 remote $R6
		check_cmd "${nobody[@]}" "$PYTHON" "$RULE_CLI" get 9 $MAC1
		check_eq "get as nobody" "$CMD_OUT" "vni 9 mac $MAC1 remote $R4"
		check_eq "dump as nobody" "$("${nobody[@]}" "$PYTHON" "$RULE_CLI" dump | wc -l)" 1
		log_test "permissions: uid 65534 cannot add or delete, can read"
	else
		log_test_skip "permissions: uid 65534" "no setpriv"
	fi

	if command -v capsh >/dev/null; then
		check_cmd_fails "Operation not permitted" capsh --drop=cap_net_admin -- -c \
			"exec '$PYTHON' '$RULE_CLI' add 9 $MAC2 remote $R4"
		check_cmd capsh --drop=cap_net_admin -- -c "exec '$PYTHON' '$RULE_CLI' get 9 $MAC1"
		log_test "permissions: root without CAP_NET_ADMIN cannot add, can read"
	else
		log_test_skip "permissions: root without CAP_NET_ADMIN" "no capsh"
	fi

	# Skipped only where user namespaces are disabled.
	if unshare -U -r true 2>/dev/null; then
		check_cmd_fails "Operation not permitted" unshare -U -r "$PYTHON" "$RULE_CLI" \
			add 9 $MAC2 remote $R4
		check_cmd_fails "Operation not permitted" unshare -U -r "$PYTHON" "$RULE_CLI" \
			del 9 $MAC1
		log_test "permissions: root of a user namespace cannot change the init netns"

		check_cmd unshare -U -r -n sh -c \
			"'$PYTHON' '$RULE_CLI' add 9 $MAC2 remote $R6 &&
			 '$PYTHON' '$RULE_CLI' add 10 $MAC3 remote $R4 &&
			 '$PYTHON' '$RULE_CLI' del 10 $MAC3 &&
			 '$PYTHON' '$RULE_CLI' dump"
		check_eq "container's own rules" "$CMD_OUT" "vni 9 mac $MAC2 remote $R6"
		check_cmd_fails "no such rule" rule get 9 $MAC2
		log_test "permissions: root of a user namespace manages its own netns"
	else
		log_test_skip "permissions: user namespaces" "unshare -U fails (user namespaces disabled?)"
	fi
	check_cmd rule del 9 $MAC1
}

# gen_rules FILE VERB N: N rules "VERB VNI MAC [remote ADDR]", 4 VNIs,
# IPv4 and IPv6 remotes alternating
gen_rules()
{
	"$PYTHON" -S -c '
import sys
path, verb, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(path, "w") as f:
    for i in range(n):
        mac = "02:%02x:%02x:%02x:%02x:%02x" % (i >> 32 & 255, i >> 24 & 255, i >> 16 & 255, i >> 8 & 255, i & 255)
        line = "%s %d %s" % (verb, 1000 + i % 4, mac)
        if verb != "del":
            if i & 1:
                line += " remote 2001:db8::%x" % (i & 0xffff)
            else:
                line += " remote 192.0.2.%d" % (1 + i % 250)
        f.write(line + "\n")
' "$@"
}

test_big()
{
	local t0
	local t1
	local ms
	local n

	gen_rules "$WORK/add" add "$BIG"
	gen_rules "$WORK/del" del "$BIG"
	head -n $((BIG / 2)) "$WORK/del" > "$WORK/del_half"

	t0=$(now_ms)
	check_cmd rule bulk "$WORK/add"
	t1=$(now_ms)
	ms=$((t1 - t0 > 0 ? t1 - t0 : 1))
	log_info "$BIG rules added in $ms ms ($((BIG * 1000 / ms)) rules/s, CLI batch mode)"
	check_cmd rule -j get 1000 02:00:00:00:00:00
	check_eq "count from GET" "$(json_get 'd["count"]' <<<"$CMD_OUT")" "$BIG"
	check_cmd rule get 1001 02:00:00:00:00:01
	check_eq "an IPv6 rule" "$CMD_OUT" "vni 1001 mac 02:00:00:00:00:01 remote 2001:db8::1"

	t0=$(now_ms)
	rule dump > "$WORK/dump"
	t1=$(now_ms)
	log_info "dump of $BIG rules in $((t1 - t0)) ms"
	check_eq "dumped" "$(wc -l < "$WORK/dump")" "$BIG"
	check_eq "duplicates in the dump" "$(sort "$WORK/dump" | uniq -d | wc -l)" 0
	check_eq "vni 1002" "$(rule dump vni 1002 | wc -l)" $((BIG / 4))
	log_test "scale: $BIG rules added in batch mode and dumped once each"

	# (stderr to a file: lib.sh exports CMD_ERR, too big for exec's
	# environment with thousands of lines)
	head -n 1000 "$WORK/add" > "$WORK/readd"
	rule bulk "$WORK/readd" 2> "$WORK/readd.err"
	check_fail $? "re-adding existing rules succeeded"
	check_eq "'rule exists' errors" "$(grep -c "rule exists" "$WORK/readd.err")" 1000
	check_eq "first error" "$(head -n 1 "$WORK/readd.err")" "Error: line 1: ovnic: rule exists."
	check_eq "count after the re-add" "$(rule_count)" "$BIG"
	log_test "scale: re-adding 1000 of them reports each line's 'rule exists'"

	# A dump while half of the rules are deleted: duplicates and misses
	# are allowed, the kernel must not mind.
	rule bulk "$WORK/del_half" >/dev/null 2>&1 &
	n=$(rule dump | wc -l)
	wait $!
	check_err $? "concurrent bulk delete failed"
	check_ge "rules in the concurrent dump" "$n" $((BIG / 2 - BIG / 100))
	check_eq "left after deleting half" "$(rule_count)" $((BIG - BIG / 2))
	log_test "scale: dump concurrent with deletions"

	tail -n +$((BIG / 2 + 1)) "$WORK/del" > "$WORK/del_rest"
	t0=$(now_ms)
	check_cmd rule bulk "$WORK/del_rest"
	t1=$(now_ms)
	ms=$((t1 - t0 > 0 ? t1 - t0 : 1))
	log_info "$((BIG - BIG / 2)) rules deleted in $ms ms ($(((BIG - BIG / 2) * 1000 / ms)) rules/s)"
	check_eq "left" "$(rule_count)" 0
	log_test "scale: $BIG rules deleted"
}

test_netns_exit()
{
	local ns=rulesns

	ip netns del $ns 2>/dev/null
	check_cmd ip netns add $ns
	gen_rules "$WORK/ns" add 5000
	check_cmd ip netns exec $ns "$PYTHON" "$RULE_CLI" bulk "$WORK/ns"
	check_eq "rules in $ns" "$(rule_count $ns)" 5000
	check_eq "rules in init" "$(rule_count)" 0
	check_cmd ip netns del $ns
	# The netns is freed asynchronously; give the cleanup work time.
	sleep 2
	check_dmesg_clean
	log_test "netns: deleting a netns with 5000 rules"

	check_cmd rule bulk "$WORK/ns"
	check_cmd rule_hvb bulk "$WORK/ns"
	if [ -z "$(ovnic_links -)$(ovnic_links "$HVB")" ] && rmmod ovnic; then
		ovnic_module_load || fail "cannot load the module again"
		check_eq "rules after reload" "$(rule_count)" 0
		check_eq "rules in hvb after reload" "$(rule_count "$HVB")" 0
		check_dmesg_clean
		log_test "module: unloading with 10000 rules in two namespaces"
	else
		log_test_skip "module: unloading with rules" "module busy"
		rule_flush
		rule_flush "$HVB"
	fi
}

# Overlay datapath: only once the overlay link type is there.
test_datapath()
{
	local mac_a=02:00:00:aa:42:01
	local mac_b=02:00:00:bb:42:01
	local name="datapath: rules steer tenant frames to the remote"
	local before
	local after

	if ! declare -F ovl_pair_up >/dev/null; then
		log_test_skip "$name" "no overlay helpers in lib.sh"
		return
	fi
	defer_scope_push
	if ! ovl_pair_up -m $mac_a $mac_b 1 1 4242 4242 192.0.2.1 192.0.2.2; then
		log_test_skip "$name" "no overlay pair: $(head -n 1 <<<"$OVL_ERR")"
		defer_scope_pop
		return
	fi
	check_cmd ip -n tenanta1 -d link show dev vna1
	grep -q "vni 4242 local 192.0.2.1 remote 192.0.2.2 port 7475 reasm-mem 4194304 reasm-frames 256 reasm-timeout 200" \
		<<<"$CMD_OUT" || fail "ip -d link show vna1: overlay settings not shown: $CMD_OUT"
	check_eq "JSON vni" "$(ovnic_data vna1 vni tenanta1)" 4242
	check_eq "JSON local" "$(ovnic_data vna1 local tenanta1)" 192.0.2.1
	check_eq "JSON remote" "$(ovnic_data vna1 remote tenanta1)" 192.0.2.2
	check_eq "JSON port" "$(ovnic_data vna1 port tenanta1)" 7475
	check_eq "JSON reasm_mem" "$(ovnic_data vna1 reasm_mem tenanta1)" 4194304
	check_eq "JSON reasm_frames" "$(ovnic_data vna1 reasm_frames tenanta1)" 256
	check_eq "JSON reasm_timeout" "$(ovnic_data vna1 reasm_timeout tenanta1)" 200

	# A has no default remote: only rules say where a tenant MAC is. A
	# static neighbour spares A's ARP broadcast (which no rule covers);
	# B keeps A as its default remote, for its own ARP and the replies.
	check_cmd ip -n tenanta1 link set dev vna1 type ovnic remote 0.0.0.0
	ovnic_data vna1 remote tenanta1 >/dev/null && fail "JSON remote still shown after its removal"
	check_cmd ip -n tenanta1 neigh replace "$OVL_TENANT4_B" lladdr $mac_b dev vna1 nud permanent

	before=$(ethtool_stat vna1 tx_drop_no_remote tenanta1)
	ping_quick tenanta1 "$OVL_TENANT4_B" && fail "ping works with no rule and no default remote"
	after=$(ethtool_stat vna1 tx_drop_no_remote tenanta1)
	check_ge "tx_drop_no_remote increase without a rule" $((after - before)) 1

	# A rule of the wrong family is not used by an IPv4 overlay.
	check_cmd rule add 4242 $mac_b remote 2001:db8::2
	before=$after
	ping_quick tenanta1 "$OVL_TENANT4_B" && fail "ping works with an IPv6 rule on an IPv4 overlay"
	after=$(ethtool_stat vna1 tx_drop_no_remote tenanta1)
	check_ge "tx_drop_no_remote increase with an IPv6 rule" $((after - before)) 1

	# A rule in hvb (not the VF's netns) is not used either.
	check_cmd rule_hvb add 4242 $mac_b remote 192.0.2.2
	ping_quick tenanta1 "$OVL_TENANT4_B" && fail "ping works with the rule in the wrong netns"

	check_cmd rule replace 4242 $mac_b remote 192.0.2.2
	ovl_check_ping tenanta1 "$OVL_TENANT4_B"
	before=$(ethtool_stat vna1 tx_drop_no_remote tenanta1)
	ovl_check_ping tenanta1 "$OVL_TENANT4_B"
	after=$(ethtool_stat vna1 tx_drop_no_remote tenanta1)
	check_eq "tx_drop_no_remote with the rule" $((after - before)) 0

	check_cmd rule del 4242 $mac_b
	ping_quick tenanta1 "$OVL_TENANT4_B" && fail "ping still works after the rule is deleted"
	check_cmd rule_hvb del 4242 $mac_b
	log_test "$name"
	defer_scope_pop
}

# The ip plugin's overlay keywords with IPv6 endpoints (IPv4: above).
test_plugin6()
{
	local want="vni 77 local 2001:db8::1 remote 2001:db8::2 port 8000 reasm-mem 65536 reasm-frames 16 reasm-timeout 50"

	defer_scope_push
	if ! vnic_add vnr6 pfa0 0 vni 77 local 2001:db8::1 remote 2001:db8::2 port 8000 \
		reasm-mem 65536 reasm-frames 16 reasm-timeout 50; then
		log_test_skip "ip plugin: IPv6 overlay keywords" "no overlay VNIC: $(head -n 1 <<<"$CMD_ERR")"
		defer_scope_pop
		return
	fi
	check_cmd ip -d link show dev vnr6
	grep -q "$want" <<<"$CMD_OUT" || fail "ip -d link show vnr6: '$want' not in: $CMD_OUT"
	check_eq "JSON local" "$(ovnic_data vnr6 local)" 2001:db8::1
	check_eq "JSON remote" "$(ovnic_data vnr6 remote)" 2001:db8::2
	check_eq "JSON port" "$(ovnic_data vnr6 port)" 8000
	check_cmd ip link set dev vnr6 type ovnic remote 2001:db8::3 port 9000 reasm-frames 32
	check_eq "changed remote" "$(ovnic_data vnr6 remote)" 2001:db8::3
	check_eq "changed port" "$(ovnic_data vnr6 port)" 9000
	check_eq "changed reasm_frames" "$(ovnic_data vnr6 reasm_frames)" 32
	check_cmd_fails "IPv4 or IPv6 address" ip link set dev vnr6 type ovnic remote nowhere
	check_cmd_fails "16-bit" ip link set dev vnr6 type ovnic port 65536
	defer_scope_pop
	log_test "ip plugin: IPv6 overlay keywords, printed in text and JSON, changed"
}

test_basic
test_dump
test_bad
test_netns
test_perm
test_big
test_netns_exit
test_plugin6
test_datapath

check_dmesg_clean
log_test "kernel log: no warning"
