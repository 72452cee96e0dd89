#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_balance.sh - flow-hash balance VNICs spread flows over two PNICs and
# move only the flows of a lower that dies.
#
# Topology (on top of the conventions' one):
#
#   plain cases (switch up: both wires one L2 domain):
#   hypervisor A (init netns)                     netns sw
#   vn0 (192.0.2.1, balance)                      br0 192.0.2.254 (peer,
#    |- lower 0: pfa0vf0 -- pfa0 == wire 0 == sw0 -.  iperf3 server,
#    `- lower 1: pfa1vf0 -- pfa1 == wire 1 == sw1 -'  udpseq receivers)
#
#   overlay dual-plane case (switch down: each lower reaches the peer VTEP
#   on its own wire):
#   vn0 (A, init netns): VNI 100, VTEP 192.0.2.1, tenant 198.51.100.1,
#       balance over pfa0vf0 (wire 0) + pfa1vf0 (wire 1)
#   vnb0 (B, netns hvb): VNI 100, VTEP 192.0.2.2, tenant 198.51.100.2,
#       balance over pfb0vf0 (wire 0) + pfb1vf0 (wire 1)
#
# It proves that:
# - 16 parallel UDP flows (iperf3 -u -P 16) leave through both lowers:
#   ethtool lower0_tx_packets and lower1_tx_packets each carry >= 10% of
#   the frames (plain hash l34, and overlay both ways, received on both of
#   the peer's lowers too);
# - a single flow stays on one lower (the other one's counter stays ~0);
# - hash l2 with a single peer MAC puts everything on one lower;
# - cutting pfa0's carrier (QEMU set_link) while 8 udpseq flows run moves
#   only the flows of lower 0 to lower 1: the flows already on lower 1 lose
#   (almost) nothing, the moved ones lose a bounded amount, and every flow
#   returns to its first lower when pfa0 is back (per-flow mapping read by
#   sniffing the VFs' transmit side);
# - nothing appears in the kernel log.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

VMAC=02:00:5e:00:4f:02
V4=192.0.2.1
P4=192.0.2.254
OV_L4_A=192.0.2.1
OV_L4_B=192.0.2.2
OV_T4_A=198.51.100.1
OV_T4_B=198.51.100.2
VNI=100
IPORT=5211
IPERF_SECS=${IPERF_SECS:-4}
NFLOWS=${NFLOWS:-8}
FLOW_PPS=${FLOW_PPS:-100}
# Datagrams a moved flow may lose at FLOW_PPS, and a flow that stayed.
LOSS_MAX=${LOSS_MAX:-100}
STAY_LOSS_MAX=${STAY_LOSS_MAX:-10}
CASES=${CASES:-"spread single cut l2 overlay"}

ovnic_init
require_cmd iperf3
load_module bridge

udpseq_ok || log_info "note: $UDPSEQ not built, the cut case uses pings"

summary()
{
	vnic_lowers_summary vn0
}

lowers_all_up()
{
	vnic_lower_state_is "$1" 0 up "$2" && vnic_lower_state_is "$1" 1 up "$2"
}

bal_cleanup()
{
	ip link del dev vn0 >/dev/null 2>&1
	wait_until 10 not dev_has_master pfa0vf0
	wait_until 10 not dev_has_master pfa1vf0
	return 0
}

# plain_setup: switch up with the iperf3 server, balance vn0, both lowers up
plain_setup()
{
	if ! sw_up "$P4/24"; then
		fail "the switch (netns sw) cannot be brought up"
		return 1
	fi
	iperf3_server "$SW_NS" $IPORT || { fail "no iperf3 server in netns sw"; return 1; }
	defer bal_cleanup
	defer pf_link wa0 on
	if ! run_capture ip link add vn0 address $VMAC type ovnic pf pfa0 vf 0 pf pfa1 vf 0 \
		mode balance hash l34; then
		fail "ip link add vn0 ... mode balance: $CMD_ERR"
		return 1
	fi
	sysctl -qw net.ipv6.conf.vn0.accept_dad=0 >/dev/null 2>&1
	addr_add vn0 - "$V4/24"
	ip link set dev vn0 up
	wait_carrier vn0 || { fail "vn0: no carrier"; return 1; }
	wait_until 20 lowers_all_up vn0 || { fail "vn0: lowers not both up: $(summary)"; return 1; }
	check_eq "JSON mode" "$(ovnic_data vn0 mode)" balance
	check_eq "lower 0 active" "$(vnic_lower_get vn0 0 active)" true
	check_eq "lower 1 active" "$(vnic_lower_get vn0 1 active)" true
	ping_ok - $P4 || { fail "vn0: no ping to $P4"; return 1; }
	return 0
}

# spread DEV NS WHAT S0 S1 DIR [MINPCT]: lower0/1 DIR (tx|rx) packet deltas
# each >= MINPCT (10) % of their sum
check_spread()
{
	local dev=$1
	local what=$3
	local -n __sp0=$4
	local -n __sp1=$5
	local dir=$6
	local min=${7:-10}
	local a
	local b
	local t

	a=$(ovl_delta __sp0 __sp1 "lower0_${dir}_packets")
	b=$(ovl_delta __sp0 __sp1 "lower1_${dir}_packets")
	log_info "$what: $dev lower0_${dir}_packets +$a, lower1_${dir}_packets +$b"
	if [ "$a" = missing ] || [ "$b" = missing ]; then
		fail "$dev: no lower<i>_${dir}_packets counters"
		return
	fi
	t=$((a + b))
	check_ge "$dev lower0+lower1 ${dir} packets" "$t" 500
	[ $((a * 100)) -ge $((t * min)) ] || fail "$dev lower 0 ${dir}s only $a of $t (< $min %)"
	[ $((b * 100)) -ge $((t * min)) ] || fail "$dev lower 1 ${dir}s only $b of $t (< $min %)"
}

# check_one_lower S0 S1 WHAT: all tx on one lower (the other <= 1 % + 10)
check_one_lower()
{
	local -n __ol0=$1
	local -n __ol1=$2
	local what=$3
	local a
	local b
	local lo

	a=$(ovl_delta __ol0 __ol1 lower0_tx_packets)
	b=$(ovl_delta __ol0 __ol1 lower1_tx_packets)
	log_info "$what: lower0_tx_packets +$a, lower1_tx_packets +$b"
	check_ge "lower0+lower1 tx packets" "$((a + b))" 500
	lo=$a
	[ "$b" -lt "$a" ] && lo=$b
	[ "$lo" -le $(((a + b) / 100 + 10)) ] ||
		fail "$what: both lowers carry it (lower0 +$a, lower1 +$b)"
}

test_spread()
{
	local desc="balance l34: 16 UDP flows use both lowers (each >= 10 %)"
	# shellcheck disable=SC2034
	local -A s0 s1
	local res

	defer_scope_push
	if plain_setup; then
		ovl_snap s0 vn0
		res=$(iperf3_client - $P4 $IPORT "$IPERF_SECS" -u -b 1M -l 1000 -P 16)
		ovl_snap s1 vn0
		[ -n "$res" ] || fail "iperf3 -u -P 16 gave no result"
		log_info "iperf3 -u -P 16: $res"
		check_spread vn0 - "16 flows" s0 s1 tx
		check_dmesg_clean
	fi
	log_test "$desc"
	defer_scope_pop
}

test_single()
{
	local desc="balance l34: a single flow stays on one lower"
	# shellcheck disable=SC2034
	local -A s0 s1
	local res

	defer_scope_push
	if plain_setup; then
		ovl_snap s0 vn0
		res=$(iperf3_client - $P4 $IPORT "$IPERF_SECS" -u -b 2M -l 1000 -P 1)
		ovl_snap s1 vn0
		[ -n "$res" ] || fail "iperf3 -u gave no result"
		check_one_lower s0 s1 "1 flow"
		check_dmesg_clean
	fi
	log_test "$desc"
	defer_scope_pop
}

test_l2()
{
	local desc="balance hash l2, one peer MAC: 16 flows all on one lower"
	# shellcheck disable=SC2034
	local -A s0 s1
	local res

	defer_scope_push
	if plain_setup; then
		check_cmd ip link set dev vn0 type ovnic hash l2
		check_eq "JSON hash" "$(ovnic_data vn0 hash)" l2
		ovl_snap s0 vn0
		res=$(iperf3_client - $P4 $IPORT "$IPERF_SECS" -u -b 1M -l 1000 -P 16)
		ovl_snap s1 vn0
		[ -n "$res" ] || fail "iperf3 -u -P 16 gave no result"
		check_one_lower s0 s1 "16 flows, hash l2"
		check_dmesg_clean
	fi
	log_test "$desc"
	defer_scope_pop
}

# shellcheck disable=SC2016
__BAL_PY='
import signal, socket, struct, sys, select
# argv: OUTFILE DEV...: count outgoing IPv4/UDP frames per (dev, dport)
# until SIGTERM, then write "dev dport count" lines; OUTFILE.ready once bound
outf, devs = sys.argv[1], sys.argv[2:]
stop = []
signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
socks = {}
for d in devs:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((d, 0))
    socks[s] = d
open(outf + ".ready", "w").close()
cnt = {}
while not stop:
    try:
        r, _, _ = select.select(list(socks), [], [], 0.1)
    except InterruptedError:
        continue
    for s in r:
        # a bounded batch, so that SIGTERM is seen under any load
        for _ in range(256):
            try:
                data, addr = s.recvfrom(2048, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                break
            if addr[2] != socket.PACKET_OUTGOING or len(data) < 38:
                continue
            if data[12:14] != b"\x08\x00" or data[23] != 17:
                continue
            ihl = (data[14] & 15) * 4
            dport = struct.unpack("!H", data[14 + ihl + 2:14 + ihl + 4])[0]
            k = (socks[s], dport)
            cnt[k] = cnt.get(k, 0) + 1
with open(outf, "w") as f:
    for (d, p), n in sorted(cnt.items()):
        f.write("%s %d %d\n" % (d, p, n))
'

# flow_map FILE SECS: which VF each flow's datagrams leave through:
# FILE gets "dport lower" lines (lower 0/1, or "both").
flow_map()
{
	local out=$1.raw
	local pid

	rm -f "$out" "$out.ready"
	"$PYTHON" -S -c "$__BAL_PY" "$out" pfa0vf0 pfa1vf0 &
	pid=$!
	# python starts slowly next to the flows on a debug kernel under TCG
	wait_until 30 test -e "$out.ready" || log_info "note: the flow sniffer took over 30 s to start"
	sleep "$2"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# lower = the VF with >= 90 % of the flow's datagrams
	awk '{ n[$2, $1] = $3; t[$2] += $3 }
		END { for (p in t) {
			l = "both"
			if (n[p, "pfa0vf0"] >= 0.9 * t[p]) l = 0
			if (n[p, "pfa1vf0"] >= 0.9 * t[p]) l = 1
			print p, l } }' "$out" | sort -n >"$1"
}

test_cut()
{
	local desc="balance: pfa0 cut moves only lower 0's flows, they come back after"
	# shellcheck disable=SC2034
	local -A s0 s1
	local m0
	local m1
	local m2
	local on0=""
	local on1=""
	local i
	local p
	local l

	defer_scope_push
	if ! plain_setup; then
		log_test "$desc"
		defer_scope_pop
		return
	fi
	__flow_dir
	m0=$FLOW_DIR/map0
	m1=$FLOW_DIR/map1
	m2=$FLOW_DIR/map2
	for ((i = 0; i < NFLOWS; i++)); do
		flow_start "f$i" - $P4 "$SW_NS" $((9101 + i)) "$FLOW_PPS"
	done
	sleep 1
	flow_map "$m0" 2
	log_info "flows per lower before the cut: $(tr '\n' ' ' <"$m0")"
	while read -r p l; do
		case $l in
		0) on0+=" $p" ;;
		1) on1+=" $p" ;;
		*) fail "flow to port $p uses both lowers" ;;
		esac
	done <"$m0"
	check_eq "flows seen leaving" "$(wc -l <"$m0")" "$NFLOWS"
	if [ -z "$on0" ] || [ -z "$on1" ]; then
		log_info "note: all flows hashed to one lower (lower 0:$on0, lower 1:$on1)"
	fi
	pf_link wa0 off
	wait_until 5 vnic_lower_state_is vn0 0 down || fail "lower 0 not down: $(summary)"
	check_eq "lower 0 active with pfa0 cut" "$(vnic_lower_get vn0 0 active)" false
	sleep 1
	ovl_snap s0 vn0
	flow_map "$m1" 2
	ovl_snap s1 vn0
	log_info "flows per lower during the cut: $(tr '\n' ' ' <"$m1")"
	check_eq "flows seen leaving during the cut" "$(wc -l <"$m1")" "$NFLOWS"
	grep -qv " 1$" "$m1" && fail "flows not all on lower 1 during the cut: $(tr '\n' ' ' <"$m1")"
	[ "$(ovl_delta s0 s1 lower0_tx_packets)" -le 5 ] ||
		fail "lower 0 transmits while its PF is cut: +$(ovl_delta s0 s1 lower0_tx_packets)"
	pf_link wa0 on
	wait_until 15 vnic_lower_state_is vn0 0 up || fail "lower 0 not up again: $(summary)"
	sleep 1
	flow_map "$m2" 2
	log_info "flows per lower after pfa0 is back: $(tr '\n' ' ' <"$m2")"
	cmp -s "$m0" "$m2" || fail "flows did not return to their first lower"
	for ((i = 0; i < NFLOWS; i++)); do
		p=$((9101 + i))
		flow_stop "f$i"
		log_info "flow f$i (port $p, lower $(awk -v p=$p '$1 == p { print $2 }' "$m0")):" \
			"sent $FLOW_SENT received $FLOW_RECV lost $FLOW_LOST max gap $FLOW_GAP ms"
		check_ge "flow f$i received" "$FLOW_RECV" "$FLOW_PPS"
		if [[ " $on1 " == *" $p "* ]]; then
			[ "$FLOW_LOST" -le "$STAY_LOSS_MAX" ] ||
				fail "flow to port $p stayed on lower 1 but lost $FLOW_LOST (bound $STAY_LOSS_MAX)"
		else
			[ "$FLOW_LOST" -lt "$LOSS_MAX" ] ||
				fail "flow to port $p moved and lost $FLOW_LOST (bound $LOSS_MAX)"
		fi
	done
	check_dmesg_clean
	log_test "$desc"
	defer_scope_pop
}

ovl_cleanup()
{
	ip link del dev vn0 >/dev/null 2>&1
	ip -n "$HVB" link del dev vnb0 >/dev/null 2>&1
	wait_until 10 not dev_has_master pfa0vf0
	wait_until 10 not dev_has_master pfa1vf0
	wait_until 10 not dev_has_master pfb0vf0 "$HVB"
	wait_until 10 not dev_has_master pfb1vf0 "$HVB"
}

test_overlay()
{
	local desc="overlay dual-plane balance: 16 flows on both lowers, both ways, no switch"
	# shellcheck disable=SC2034
	local -A a0 a1 b0 b1
	local res

	defer_scope_push
	sw_down
	defer ovl_cleanup
	if ! run_capture ip -n "$HVB" link add vnb0 type ovnic pf pfb0 vf 0 pf pfb1 vf 0 mode balance \
		vni $VNI local $OV_L4_B remote $OV_L4_A; then
		fail "create vnb0 over pfb0vf0 + pfb1vf0: $CMD_ERR"
	elif ! run_capture ip link add vn0 type ovnic pf pfa0 vf 0 pf pfa1 vf 0 mode balance \
		vni $VNI local $OV_L4_A remote $OV_L4_B; then
		fail "create vn0 over pfa0vf0 + pfa1vf0: $CMD_ERR"
	else
		sysctl -qw net.ipv6.conf.vn0.accept_dad=0 >/dev/null 2>&1
		addr_add vn0 - "$OV_T4_A/24"
		addr_add vnb0 "$HVB" "$OV_T4_B/24"
		ip link set dev vn0 up
		ip -n "$HVB" link set dev vnb0 up
		wait_carrier vn0 || fail "vn0: no carrier"
		wait_carrier vnb0 "$HVB" || fail "vnb0: no carrier"
		wait_until 20 lowers_all_up vn0 || fail "vn0 lowers not both up: $(summary)"
		wait_until 20 lowers_all_up vnb0 "$HVB" ||
			fail "vnb0 lowers not both up: $(vnic_lowers_summary vnb0 "$HVB")"
	fi
	if [ "$RET" -ne 0 ]; then
		log_test "$desc"
		defer_scope_pop
		return
	fi
	ovl_ping - $OV_T4_B || fail "overlay ping A -> B"
	iperf3_server "$HVB" $IPORT || fail "no iperf3 server in hvb"
	# each lower resolved the peer VTEP on its own wire
	wait_until 10 sh -c "ip neigh show $OV_L4_B dev pfa0vf0 | grep -q lladdr" ||
		fail "pfa0vf0 has no neighbour entry for $OV_L4_B"
	wait_until 10 sh -c "ip neigh show $OV_L4_B dev pfa1vf0 | grep -q lladdr" ||
		fail "pfa1vf0 has no neighbour entry for $OV_L4_B"
	ovl_snap a0 vn0
	ovl_snap b0 vnb0 "$HVB"
	res=$(iperf3_client - $OV_T4_B $IPORT "$IPERF_SECS" -u -b 1M -l 1000 -P 16)
	ovl_snap a1 vn0
	ovl_snap b1 vnb0 "$HVB"
	[ -n "$res" ] || fail "iperf3 A -> B gave no result"
	log_info "iperf3 -u -P 16 A -> B: $res"
	check_spread vn0 - "A -> B" a0 a1 tx
	check_spread vnb0 "$HVB" "A -> B" b0 b1 rx
	ovl_snap a0 vn0
	ovl_snap b0 vnb0 "$HVB"
	res=$(iperf3_client - $OV_T4_B $IPORT "$IPERF_SECS" -u -b 1M -l 1000 -P 16 -R)
	ovl_snap a1 vn0
	ovl_snap b1 vnb0 "$HVB"
	[ -n "$res" ] || fail "iperf3 B -> A gave no result"
	log_info "iperf3 -u -P 16 B -> A: $res"
	check_spread vnb0 "$HVB" "B -> A" b0 b1 tx
	check_spread vn0 - "B -> A" a0 a1 rx
	check_dmesg_clean
	log_test "$desc"
	defer_scope_pop
}

for c in $CASES; do
	t=$SECONDS
	"test_$c"
	log_info "(test_$c: $((SECONDS - t)) s)"
done
check_dmesg_clean
log_test "kernel log clean"
