#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_pool.sh - per-target skb memory pools: bounds, limits changed live,
# receive drops, shared pools, teardown with packets in flight, refused
# requests and the adaptive limit.
#
# Topology (on top of the conventions' one):
#
#   init netns (A)                                netns hvb (B)
#   vna0 (192.0.2.1)                              vnb0 (192.0.2.2)
#    `- pfa0vf0 -- pfa0 ===== wire 0 ===== pfb0 -- pfb0vf0 -'
#   vna1 (no address; shared pool case only)
#    `- pfa0vf1
#
# Traffic is iperf3 UDP without a rate limit (-b 0), the senders' socket
# buffers raised above the pools (net.core.wmem_max/rmem_max), so that the pool and
# not the socket is what bounds the bytes in flight. Pool figures are
# sampled from "ethtool -S" every ~50 ms while the flood runs.
#
# It proves that:
# - a new VNIC gets its own pool (ip -d link: pool id, limit 4194304,
#   high 100, low 50; ethtool -S pool_limit), listed by "ovnic-pool show"
#   with the VNIC's ifindex as owner;
# - a transmit flood through a 256 KiB pool (its VF shaped to 2 Mbit/s so
#   that the pool fills at any CPU speed) never has more than limit +
#   the largest single charge (pool_max_skb) in flight (every sample and the
#   kernel's pool_peak), stops and wakes the VNIC's queues, drops nothing
#   in ovnic (tx_drop_* and tx_dropped stay 0) and still delivers;
# - lowering the limit under traffic bounds the charge by the new limit
#   once it has drained, raising it lets the flow go on;
# - a receiver whose pool is at the minimum (128 KiB), held full by its own
#   transmit through a shaped VF (so at any CPU speed), drops what does not
#   fit (rx_drop_pool, counted in rx_dropped) and stays bounded and usable;
# - a shared pool serves two VNICs (bound at creation with "ip link ...
#   pool ID" and live with "ovnic-pool bind"), reports their common charge,
#   cannot be deleted while in use, and can once they are unbound;
# - deleting a VNIC, deleting a shared pool and unloading the module while
#   packets are in flight leave nothing charged or draining (ovnic-pool
#   summary), rmmod succeeds, the module loads again;
# - bad requests (limit below the minimum, low >= high, high 0 or > 100,
#   unknown pool id, own-pool settings on a shared pool, limits over the
#   module's cap, a cap below the sum of the limits...) are refused with
#   their extack message; pool ids past INT_MAX work and go with their
#   namespace; a user without CAP_NET_ADMIN (or root of a user
#   namespace, where one can be made) cannot make, change, delete or bind
#   pools but can read them;
# - an adaptive pool whose VF is shaped (tbf 1mbit) shrinks its effective
#   limit, and grows back to its limit within ~2 s once the shaper is gone;
# - nothing appears in the kernel log.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

A4=192.0.2.1
B4=192.0.2.2
FLOOD_SECS=${FLOOD_SECS:-4}
# iperf3 options of every flood: two streams, 1400-byte datagrams, send
# buffers (SO_SNDBUF) larger than any pool here.
FLOOD_ARGS=(-P 2 -l 1400 -w 4M)
PORT=5300
CASES=${CASES:-"defaults tx_flood limit_change rx_drops shared teardown badreq adaptive"}

ovnic_init
require_cmd iperf3
require_cmd tc
pool_tool_ok || log_info "note: $OVNIC_POOL missing: the cases that need it are skipped"
pool_sockbuf_max 16777216

next_port()
{
	PORT=$((PORT + 1))
}

# pair_up: vna0 (pfa0 vf 0, init netns) and vnb0 (pfb0 vf 0, netns hvb)
# exist, are up with their addresses and reach each other. Idempotent
# (cases delete them, the module is reloaded).
pair_up()
{
	if ! dev_exists vna0; then
		vnic_add vna0 pfa0 0 || { fail "create vna0: $CMD_ERR"; return 1; }
		addr_add vna0 - "$A4/24"
		ip link set dev vna0 up
	fi
	if ! dev_exists vnb0 "$HVB"; then
		vnic_add -n "$HVB" vnb0 pfb0 0 || { fail "create vnb0: $CMD_ERR"; return 1; }
		addr_add vnb0 "$HVB" "$B4/24"
		ip -n "$HVB" link set dev vnb0 up
	fi
	wait_carrier vna0 || { fail "vna0: no carrier"; return 1; }
	wait_carrier vnb0 "$HVB" || { fail "vnb0: no carrier"; return 1; }
	ping_ok - $B4 || { fail "vna0 cannot ping vnb0"; return 1; }
	return 0
}

# pool_own DEV NS [ip link pool args]: DEV back on an own pool with the
# defaults, then ARGS
pool_own()
{
	local dev=$1
	local ns=$2

	shift 2
	ipns "$ns" link set dev "$dev" type ovnic pool own pool-limit "$POOL_DEFAULT_LIMIT" \
		pool-high 100 pool-low 50 pool-adaptive off >/dev/null 2>&1
	[ $# -eq 0 ] || run_capture ipns "$ns" link set dev "$dev" type ovnic "$@"
}

# stat_delta BEFORE AFTER NAME, failing the case when a counter is missing
stat_delta()
{
	local v

	v=$(ovl_delta "$1" "$2" "$3") || { fail "ethtool -S lacks $3"; echo 0; return 1; }
	echo "$v"
}

rx_packets_b()
{
	link_stat vnb0 rx packets "$HVB"
}

# rx_moves SECS: vnb0 receives something within SECS seconds
rx_moves()
{
	local r0
	local r1

	r0=$(rx_packets_b)
	sleep "$1"
	r1=$(rx_packets_b)
	[ "$((r1 - r0))" -gt 0 ]
}

##############################################################################

test_defaults()
{
	local dev
	local ns
	local id
	local ids=""
	local ifi
	local txt
	local a
	local b

	pair_up || { log_test "defaults: own pool per VNIC"; return; }
	for dev in vna0:- vnb0:"$HVB"; do
		ns=${dev#*:}
		dev=${dev%%:*}
		id=$(pool_id "$dev" "$ns")
		if ! [[ "$id" =~ ^[0-9]+$ ]] || [ "$id" = 0 ] || [ "$id" = "$POOL_NONE" ]; then
			fail "$dev: pool id '$id' (expected an own pool's id)"
			continue
		fi
		ids+=" $id"
		check_eq "$dev pool_limit (ip)" "$(pool_link "$dev" pool_limit "$ns")" "$POOL_DEFAULT_LIMIT"
		check_eq "$dev pool_effective (ip)" "$(pool_link "$dev" pool_effective "$ns")" "$POOL_DEFAULT_LIMIT"
		check_eq "$dev pool_high (ip)" "$(pool_link "$dev" pool_high "$ns")" 100
		check_eq "$dev pool_low (ip)" "$(pool_link "$dev" pool_low "$ns")" 50
		check_eq "$dev pool_shared (ip)" "$(pool_link "$dev" pool_shared "$ns" || echo false)" false
		check_eq "$dev pool_adaptive (ip)" "$(pool_link "$dev" pool_adaptive "$ns" || echo false)" false
		check_eq "$dev ethtool pool_limit" "$(pool_get "$dev" pool_limit "$ns")" "$POOL_DEFAULT_LIMIT"
		txt=$(ipns "$ns" -d link show dev "$dev" 2>/dev/null | tr '\n' ' ' | tr -s ' ')
		grep -qE "pool $id limit $POOL_DEFAULT_LIMIT effective $POOL_DEFAULT_LIMIT high 100 low 50 charged [0-9]+ peak [0-9]+" <<<"$txt" ||
			fail "$dev: ip -d link lacks 'pool $id limit $POOL_DEFAULT_LIMIT effective ... high 100 low 50 charged N peak N': $txt"
		if pool_tool_ok; then
			ifi=$(dev_ifindex "$dev" "$ns")
			check_eq "$dev: owner of pool $id (ovnic-pool show)" "$(pool_dump_get "$id" owner "$ns")" "$ifi"
			check_eq "$dev: limit of pool $id (ovnic-pool show)" "$(pool_dump_get "$id" limit "$ns")" "$POOL_DEFAULT_LIMIT"
			check_eq "$dev: pool owned by ifindex $ifi" "$(pool_owned_by "$ifi" "$ns")" "$id"
			check_eq "$dev: vnics of pool $id" "$(pool_show_get "$id" vnics "$ns")" 1
		fi
	done
	read -r a b <<<"$ids"
	[ -n "$a" ] && [ "$a" = "$b" ] && fail "vna0 and vnb0 share pool id $a"
	log_info "own pools:$ids"
	log_test "defaults: own pool per VNIC (limit 4 MiB, high 100, low 50), owner = ifindex"
}

test_tx_flood()
{
	local limit=262144
	local samples
	local n
	local smax
	local over
	local max_skb
	local peak
	local bound
	local stops
	local wakes
	local ot
	local ov
	local rx0
	local rx1
	local td0
	local td1
	local -A s0 s1

	defer_scope_push
	pair_up || { log_test "tx flood: 256 KiB pool bounds what is in flight"; defer_scope_pop; return; }
	defer pool_own vna0 -
	if ! pool_own vna0 - pool-limit 256K; then
		fail "ip link set vna0 type ovnic pool-limit 256K: $CMD_ERR"
		log_test "tx flood: 256 KiB pool bounds what is in flight"
		defer_scope_pop
		return
	fi
	check_eq "vna0 pool_limit (ip)" "$(pool_link vna0 pool_limit)" $limit
	check_eq "vna0 ethtool pool_limit" "$(pool_get vna0 pool_limit)" $limit
	samples=$(mktemp /tmp/ovnic-pool-samples.XXXXXX)
	defer rm -f "$samples"
	# The VF shaped below what the slowest sender (a debug kernel under
	# TCG) can offer, so that the pool fills whatever the CPU speed.
	shape_vf pfa0vf0 2mbit
	ovl_snap s0 vna0
	td0=$(link_stat vna0 tx dropped)
	rx0=$(rx_packets_b)
	pool_sampler_start - vna0 "$samples" 0.05
	next_port
	if ! flood_start tx - $B4 "$HVB" $PORT "${FLOOD_ARGS[@]}"; then
		fail "iperf3 server did not start"
	fi
	sleep "$FLOOD_SECS"
	flood_running tx || log_info "note: the flood ended early: $(tail -c 300 "$FLOOD_DIR/tx.client" | tr '\n' ' ')"
	flood_stop tx
	pool_sampler_stop
	ovl_snap s1 vna0
	td1=$(link_stat vna0 tx dropped)
	rx1=$(rx_packets_b)

	max_skb=$(pool_get vna0 pool_max_skb)
	peak=$(pool_get vna0 pool_peak)
	bound=$((limit + max_skb))
	read -r n smax < <(pool_samples "$samples")
	read -r over ot ov < <(pool_samples_over "$samples" $bound)
	stops=$(stat_delta s0 s1 tx_pool_stops)
	wakes=$(stat_delta s0 s1 tx_pool_wakes)
	ovl_delta_sum s0 s1 '^tx_drop_'
	log_info "tx flood: $n samples, max charged $smax, pool_peak $peak, max_skb $max_skb," \
		"bound $bound; stops +$stops wakes +$wakes requeues +$(stat_delta s0 s1 tx_pool_requeues)" \
		"hits +$(stat_delta s0 s1 pool_hits); vnb0 received $((rx1 - rx0)) packets"
	check_ge "samples taken" "$n" 10
	[ "$over" = 0 ] || fail "$over samples over limit + max_skb ($bound), first at $ot ms: $ov"
	[ "$peak" -le "$bound" ] || fail "pool_peak $peak > limit + max_skb ($bound)"
	# The flood really filled the pool (else the test proves nothing).
	check_ge "pool_peak" "$peak" $((limit / 2))
	check_ge "tx_pool_stops delta" "$stops" 1
	check_ge "tx_pool_wakes delta" "$wakes" 1
	[ "$OVL_DELTA_SUM" = 0 ] || fail "ovnic tx drops: $OVL_DELTA_WHAT"
	check_eq "vna0 tx_dropped delta" $((td1 - td0)) 0
	check_ge "vnb0 rx packets delta" $((rx1 - rx0)) 100
	defer_scope_pop
	log_test "tx flood: 256 KiB pool bounds what is in flight, queues stop/wake, no drop"
}

test_limit_change()
{
	local samples
	local low=131072
	local max_skb
	local bound
	local t_low
	local t_set
	local t_under
	local t_raise
	local n
	local smax
	local over
	local ot
	local ov
	local after=""

	defer_scope_push
	pair_up || { log_test "limit change under traffic"; defer_scope_pop; return; }
	defer pool_own vna0 -
	pool_own vna0 - pool-limit 1M || fail "pool-limit 1M: $CMD_ERR"
	samples=$(mktemp /tmp/ovnic-pool-samples.XXXXXX)
	defer rm -f "$samples"
	pool_sampler_start - vna0 "$samples" 0.05
	next_port
	flood_start lc - $B4 "$HVB" $PORT "${FLOOD_ARGS[@]}" || fail "iperf3 server did not start"
	sleep 1.5

	t_low=$(now_ms)
	if ! run_capture ip link set dev vna0 type ovnic pool-limit $low; then
		fail "lowering to $low under traffic: $CMD_ERR"
	fi
	# What was charged before stays until freed: wait for the drain, in
	# samples read after the change was made (a sample read while "ip
	# link" ran may show a dip of the old limit's charge).
	t_set=$(now_ms)
	check_eq "ethtool pool_limit after lowering" "$(pool_get vna0 pool_limit)" $low
	max_skb=$(pool_get vna0 pool_max_skb)
	bound=$((low + max_skb))
	if wait_until 3 pool_first_under "$samples" $bound "$t_set"; then
		t_under=$(pool_first_under "$samples" $bound "$t_set")
		log_info "charge under the new bound $((t_under - t_low)) ms after lowering"
	else
		fail "charge not under the new limit + max_skb ($bound) 3 s after lowering"
		t_under=$(now_ms)
	fi
	sleep 2
	rx_moves 1 || fail "no traffic with the lowered limit"

	t_raise=$(now_ms)
	if ! run_capture ip link set dev vna0 type ovnic pool-limit 2M; then
		fail "raising to 2M under traffic: $CMD_ERR"
	fi
	check_eq "ethtool pool_limit after raising" "$(pool_get vna0 pool_limit)" 2097152
	# No stall: the receiver gets data in each of two 1 s windows.
	rx_moves 1 || fail "no traffic in the first second after raising"
	rx_moves 1 || fail "no traffic in the second second after raising"
	flood_running lc || fail "the flood ended early: $(tail -c 300 "$FLOOD_DIR/lc.client" | tr '\n' ' ')"
	flood_stop lc
	pool_sampler_stop

	max_skb=$(pool_get vna0 pool_max_skb)
	bound=$((low + max_skb))
	read -r n smax < <(pool_samples "$samples" "$t_under" "$t_raise")
	read -r over ot ov < <(pool_samples_over "$samples" $bound "$t_under" "$t_raise")
	read -r _ after < <(pool_samples "$samples" "$t_raise")
	log_info "lowered: $n samples from the drain to the raise, max charged $smax (bound $bound);" \
		"after raising max charged $after"
	check_ge "samples with the lowered limit" "$n" 5
	[ "$over" = 0 ] || fail "$over samples over the lowered limit + max_skb ($bound) after the drain, first at +$((ot - t_low)) ms: $ov"
	[ "${after:-0}" -le $((2097152 + max_skb)) ] || fail "charge $after over the raised limit + max_skb"
	defer_scope_pop
	log_test "limit change under traffic: lowered bound holds, raised limit keeps flowing"
}

test_rx_drops()
{
	local limit=$POOL_MIN_LIMIT
	local samples
	local d
	local rxd0
	local rxd1
	local max_skb
	local n
	local smax
	# shellcheck disable=SC2034 # filled through namerefs (ovl_snap)
	local -A s0 s1

	defer_scope_push
	pair_up || { log_test "rx drops over the limit"; defer_scope_pop; return; }
	defer pool_own vnb0 "$HVB"
	# Queues stop at the limit and wake at 99 % of it: while vnb0's own
	# shaped transmit holds the pool, less than one frame's room is left.
	if ! pool_own vnb0 "$HVB" pool-limit "$limit" pool-high 100 pool-low 99; then
		fail "vnb0 pool-limit $limit: $CMD_ERR"
	fi
	check_eq "vnb0 ethtool pool_limit" "$(pool_get vnb0 pool_limit "$HVB")" "$limit"
	samples=$(mktemp /tmp/ovnic-pool-samples.XXXXXX)
	defer rm -f "$samples"
	# The receiver's pool is filled by its own transmit through a VF
	# shaped below what any sender offers, not by the receive flood
	# outrunning the receiver's NAPI: that race is lost on a slow machine.
	shape_vf pfb0vf0 1mbit "$HVB"
	next_port
	flood_start hold "$HVB" $A4 - $PORT "${FLOOD_ARGS[@]}" || fail "iperf3 server (hold) did not start"
	wait_until 10 pool_at_least vnb0 "$HVB" $((limit / 2)) ||
		fail "vnb0's transmit did not fill its pool: charged $(pool_get vnb0 pool_charged "$HVB")"
	ovl_snap s0 vnb0 "$HVB"
	rxd0=$(link_stat vnb0 rx dropped "$HVB")
	pool_sampler_start "$HVB" vnb0 "$samples" 0.05
	# The receive flood has no control connection that a full pool
	# could starve (the iperf3 one is TCP into vnb0).
	next_port
	flow_start rx - $B4 "$HVB" $PORT 2000
	sleep "$FLOOD_SECS"
	flow_stop rx
	pool_sampler_stop
	ovl_snap s1 vnb0 "$HVB"
	rxd1=$(link_stat vnb0 rx dropped "$HVB")
	flood_running hold ||
		log_info "note: the holding flood ended early: $(tail -c 300 "$FLOOD_DIR/hold.client" | tr '\n' ' ')"
	flood_stop hold
	d=$(stat_delta s0 s1 rx_drop_pool)
	max_skb=$(pool_get vnb0 pool_max_skb "$HVB")
	read -r n smax < <(pool_samples "$samples")
	log_info "rx flood into a $limit-byte pool held by its own transmit: rx_drop_pool +$d," \
		"rx_dropped +$((rxd1 - rxd0)), rx packets +$(stat_delta s0 s1 rx_q0_packets) of" \
		"$FLOW_SENT sent, $n samples, max charged $smax, peak $(pool_get vnb0 pool_peak "$HVB"), max_skb $max_skb"
	check_ge "rx_drop_pool delta" "$d" 1
	check_ge "rx_dropped delta (includes rx_drop_pool)" $((rxd1 - rxd0)) "$d"
	check_ge "samples taken" "$n" 10
	# (pool_peak is the pool's history, from before the limit was lowered)
	[ "$smax" -le $((limit + max_skb)) ] || fail "charge $smax over limit + max_skb"
	dev_exists vnb0 "$HVB" || fail "vnb0 gone"
	check_ping - $B4
	check_ping "$HVB" $A4
	defer_scope_pop
	log_test "rx drops over the limit: 128 KiB receiver drops (rx_drop_pool), stays bounded"
}

test_shared()
{
	local out
	local id
	local ch=0
	local max_skb
	local peak
	local d

	if ! pool_tool_ok; then
		log_test_skip "shared pool: two VNICs, del refused while bound" "no $OVNIC_POOL"
		return
	fi
	defer_scope_push
	pair_up || { log_test "shared pool"; defer_scope_pop; return; }
	if ! run_capture ovnic_pool - -j add limit 1M; then
		fail "ovnic-pool add limit 1M: $CMD_ERR"
		log_test "shared pool"
		defer_scope_pop
		return
	fi
	out=$CMD_OUT
	id=$(pool_json_key id <<<"$out")
	defer ovnic_pool - del "$id"
	defer ovnic_pool - bind vna0 own
	log_info "shared pool $id: $out"
	check_eq "new pool's limit" "$(pool_json_key limit <<<"$out")" 1048576
	check_eq "new pool's vnics" "$(pool_json_key vnics <<<"$out")" 0
	pool_json_key owner <<<"$out" >/dev/null && fail "a shared pool has an owner"

	vnic_add vna1 pfa0 1 pool "$id" || fail "ip link add vna1 ... pool $id: $CMD_ERR"
	check_cmd ovnic_pool - bind vna0 "$id"
	for d in vna0 vna1; do
		check_eq "$d pool (ip)" "$(pool_id $d)" "$id"
		check_eq "$d pool_shared (ip)" "$(pool_link $d pool_shared)" true
		check_eq "$d pool_limit (ip)" "$(pool_link $d pool_limit)" 1048576
		check_eq "$d ethtool pool_limit" "$(pool_get $d pool_limit)" 1048576
	done
	ipns - -d link show dev vna1 | grep -qE "pool $id shared limit 1048576" ||
		fail "ip -d link vna1 lacks 'pool $id shared limit 1048576'"
	check_eq "vnics of pool $id" "$(pool_show_get "$id" vnics)" 2

	# Traffic of vna0 is charged to the pool both VNICs see.
	next_port
	flood_start sh - $B4 "$HVB" $PORT "${FLOOD_ARGS[@]}" || fail "iperf3 server did not start"
	wait_until 5 pool_stat_cmp vna1 pool_charged -gt 0 &&
		ch=1
	log_info "during the flood: ovnic-pool show $id charged $(pool_show_get "$id" charged)," \
		"vna1 ethtool pool_charged $(pool_get vna1 pool_charged)"
	flood_stop sh
	[ "$ch" = 1 ] || fail "vna1 never saw a charge of the shared pool while vna0 flooded"
	max_skb=$(pool_show_get "$id" max_skb)
	peak=$(pool_show_get "$id" peak)
	check_ge "shared pool peak" "$peak" 1
	[ "$peak" -le $((1048576 + max_skb)) ] || fail "shared pool peak $peak over limit + max_skb"
	check_eq "vna1 ethtool pool_peak = pool's" "$(pool_get vna1 pool_peak)" "$peak"
	pool_show_get "$id" charged >/dev/null || fail "ovnic-pool show $id: no charged"

	check_cmd_fails "in use" ovnic_pool - del "$id"
	pool_show_get "$id" id >/dev/null || fail "pool $id gone after a refused del"

	check_cmd ovnic_pool - bind vna0 own
	check_cmd ip link set dev vna1 type ovnic pool own
	check_eq "vnics of pool $id after unbinding" "$(pool_show_get "$id" vnics)" 0
	check_eq "vna0 pool_shared after bind own" "$(pool_link vna0 pool_shared)" false
	check_eq "vna0 pool_limit after bind own" "$(pool_link vna0 pool_limit)" "$POOL_DEFAULT_LIMIT"
	check_eq "owner of vna0's pool" "$(pool_dump_get "$(pool_id vna0)" owner)" "$(dev_ifindex vna0)"
	check_cmd ovnic_pool - del "$id"
	check_cmd_fails "no such pool" ovnic_pool - show "$id"
	vnic_del vna1
	defer_scope_pop
	log_test "shared pool: 2 VNICs (create + bind), common charge, del refused while bound"
}

# rmmod_now: unload ovnic (at most 60 s); RMMOD_ERR holds its message
RMMOD_ERR=""
rmmod_now()
{
	local errf
	local pid
	local rc

	errf=$(mktemp)
	rmmod ovnic 2>"$errf" &
	pid=$!
	if ! wait_until 60 not kill -0 "$pid"; then
		RMMOD_ERR="rmmod still running after 60 s"
		rm -f "$errf"
		return 1
	fi
	wait "$pid"
	rc=$?
	RMMOD_ERR=$(cat "$errf")
	rm -f "$errf"
	return $rc
}

# shape_vf VF [RATE [NS]]: tbf RATE (5mbit) on VF (in netns NS, default the
# init netns), so that what ovnic hands it stays charged for a while
# (packets in flight); removed at scope end.
shape_vf()
{
	local ns=${3:--}

	defer nsrun "$ns" tc qdisc del dev "$1" root
	run_capture nsrun "$ns" tc qdisc add dev "$1" root tbf rate "${2:-5mbit}" burst 32k limit 8m ||
		fail "tc tbf on $1: $CMD_ERR"
}

# pool_at_least DEV NS BYTES: DEV's pool has at least BYTES charged
pool_at_least()
{
	[ "$(pool_get "$1" pool_charged "$2")" -ge "$3" ] 2>/dev/null
}

test_teardown()
{
	local id
	local c
	local t
	local d

	if ! pool_tool_ok; then
		log_test_skip "teardown with packets in flight" "no $OVNIC_POOL"
		return
	fi
	# 1. delete the VNIC under a flood, its VF shaped so that packets are
	# in flight (the VF goes down with the VNIC: its qdisc frees them)
	defer_scope_push
	pair_up || { log_test "teardown: delete VNIC under flood"; defer_scope_pop; return; }
	shape_vf pfa0vf0
	next_port
	flood_start td1 - $B4 "$HVB" $PORT "${FLOOD_ARGS[@]}" || fail "iperf3 server did not start"
	wait_until 5 pool_stat_cmp vna0 pool_charged -gt 0
	c=$(pool_get vna0 pool_charged)
	check_ge "vna0 pool_charged before the delete" "$c" 1
	check_cmd ip link del dev vna0
	log_info "deleted vna0 with $c bytes charged; right after: summary draining" \
		"$(pool_summary_get draining) total_charged $(pool_summary_get total_charged)"
	flood_stop td1
	if wait_until 10 pool_drained; then
		log_info "all drained ${WAIT_MS} ms after the delete"
	else
		fail "10 s after deleting vna0: total_charged $(pool_summary_get total_charged) draining $(pool_summary_get draining)"
	fi
	defer_scope_pop
	log_test "teardown: VNIC deleted under flood, total_charged and draining back to 0"

	# 2. a shared pool unbound and deleted under a flood (the VF shaped
	# to 256 kbit/s: the old pool's packets, up to 1 MiB of truesize, take
	# tens of seconds to leave, so the deleted pool is seen draining even
	# on a slow kernel; removing the shaper frees them)
	defer_scope_push
	pair_up || { log_test "teardown: shared pool deleted under flood"; defer_scope_pop; return; }
	if run_capture ovnic_pool - -j add limit 1M; then
		id=$(pool_json_key id <<<"$CMD_OUT")
		defer ovnic_pool - del "$id"
		defer ip link set dev vna0 type ovnic pool own
		check_cmd ovnic_pool - bind vna0 "$id"
		shape_vf pfa0vf0 256kbit
		next_port
		flood_start td2 - $B4 "$HVB" $PORT "${FLOOD_ARGS[@]}" || fail "iperf3 server did not start"
		wait_until 5 pool_stat_cmp vna0 pool_charged -gt 0
		c=$(pool_get vna0 pool_charged)
		check_ge "shared pool charged before the delete" "$c" 1
		check_cmd ovnic_pool - bind vna0 own
		check_cmd ovnic_pool - del "$id"
		d=$(pool_summary_get draining)
		log_info "shared pool $id unbound + deleted with $c bytes charged; right after: draining $d"
		check_ge "summary draining right after deleting a charged pool" "$d" 1
		check_cmd_fails "no such pool" ovnic_pool - show "$id"
		tc qdisc del dev pfa0vf0 root
		if wait_until 15 pool_summary_is draining 0; then
			log_info "deleted pool drained ${WAIT_MS} ms later"
		else
			fail "deleted shared pool still draining 15 s later: draining $(pool_summary_get draining)"
		fi
		rx_moves 1 || fail "no traffic on the own pool after the shared one was deleted"
		flood_stop td2
		wait_until 10 pool_drained ||
			fail "10 s after the flood: total_charged $(pool_summary_get total_charged) draining $(pool_summary_get draining)"
	else
		fail "ovnic-pool add: $CMD_ERR"
	fi
	defer_scope_pop
	log_test "teardown: shared pool unbound + deleted under flood, drains to 0"

	# 3. delete everything and unload at once, packets in flight: the VF
	# was up before its VNIC (it stays up after it) and is shaped, so
	# the module's exit waits for them to be freed
	defer_scope_push
	dev_exists vna0 && ip link del dev vna0
	defer ip link set dev pfa0vf0 down
	ip link set dev pfa0vf0 up
	pair_up || { log_test "teardown: rmmod under flood"; defer_scope_pop; return; }
	pool_own vna0 - pool-limit 1M || fail "vna0 pool-limit 1M: $CMD_ERR"
	shape_vf pfa0vf0
	next_port
	flood_start td3 - $B4 "$HVB" $PORT "${FLOOD_ARGS[@]}" || fail "iperf3 server did not start"
	wait_until 5 pool_stat_cmp vna0 pool_charged -gt 0
	c=$(pool_get vna0 pool_charged)
	check_ge "vna0 pool_charged before rmmod" "$c" 1
	for d in $(ovnic_links -); do
		ip link del dev "$d"
	done
	for d in $(ovnic_links "$HVB"); do
		ip -n "$HVB" link del dev "$d"
	done
	t=$(now_ms)
	if rmmod_now; then
		log_info "rmmod with $c bytes charged: ok in $(($(now_ms) - t)) ms"
	else
		fail "rmmod right after deleting the VNICs under flood: $RMMOD_ERR"
	fi
	flood_stop td3
	if ! ovnic_module_loaded; then
		ovnic_module_load || fail "module does not load again"
	fi
	ovnic_module_loaded || fail "ovnic not loaded"
	check_dmesg_clean
	defer_scope_pop
	log_test "teardown: VNICs deleted + rmmod under flood, module reloads, dmesg clean"
}

test_badreq()
{
	local own
	local ownb
	local id
	local cap0
	local tl
	local la
	local lb

	defer_scope_push
	pair_up || { log_test "bad requests"; defer_scope_pop; return; }
	pool_own vna0 -
	own=$(pool_id vna0)

	# ip link (plugin) and raw rtnetlink (what the plugin might refuse
	# itself reaches the kernel): IFLA_OVNIC_POOL = 31, _LIMIT = 32,
	# _HIGH = 33, _LOW = 34.
	check_cmd_fails "pool limit below the minimum" ip link set dev vna0 type ovnic pool-limit 65536
	check_cmd_fails "pool limit below the minimum" ovnic_nl --change --name vna0 --attr 32=u32:131071
	! vnic_add vnbad pfa1 0 pool-limit 64K || fail "created vnbad with pool-limit 64K"
	grep -q "pool limit below the minimum" <<<"$CMD_ERR" || fail "vnbad: message '$CMD_ERR'"
	check_cmd_fails "low watermark must be below the high one" ip link set dev vna0 type ovnic pool-high 50 pool-low 50
	check_cmd_fails "low watermark must be below the high one" ip link set dev vna0 type ovnic pool-high 60 pool-low 99
	check_cmd_fails "low watermark must be below the high one" ip link set dev vna0 type ovnic pool-high 40
	check_cmd_fails "high watermark must be 1-100 percent" ovnic_nl --change --name vna0 --attr 33=u8:0
	check_cmd_fails "high watermark must be 1-100 percent" ovnic_nl --change --name vna0 --attr 33=u8:101
	check_cmd_fails "high watermark|1-100|percent" ip link set dev vna0 type ovnic pool-high 0 pool-low 0
	check_cmd_fails "high watermark|1-100|percent|invalid|out of range" ip link set dev vna0 type ovnic pool-high 101
	check_cmd_fails "no such shared pool" ip link set dev vna0 type ovnic pool 4242
	check_cmd_fails "no such shared pool" ovnic_nl --change --name vna0 --attr 31=u32:4242
	# An own pool is not a shared one, not even for its VNIC.
	check_cmd_fails "no such shared pool" ip link set dev vna0 type ovnic pool "$own"
	check_eq "vna0 unchanged: pool" "$(pool_id vna0)" "$own"
	check_eq "vna0 unchanged: high/low" "$(pool_link vna0 pool_high)/$(pool_link vna0 pool_low)" 100/50
	check_eq "vna0 unchanged: limit" "$(pool_link vna0 pool_limit)" "$POOL_DEFAULT_LIMIT"
	log_test "bad requests (ip link): limit < min, low >= high, high 0/101, unknown pool"

	if ! pool_tool_ok; then
		log_test_skip "bad requests (ovnic-pool)" "no $OVNIC_POOL"
		defer_scope_pop
		return
	fi
	check_cmd_fails "pool limit below the minimum" ovnic_pool - add limit 100K
	check_cmd_fails "low watermark must be below the high one" ovnic_pool - add limit 1M high 40 low 60
	check_cmd_fails "high watermark|1-100|percent" ovnic_pool - add limit 1M high 0 low 0
	check_cmd_fails "no such shared pool" ovnic_pool - bind vna0 4242
	check_cmd_fails "no such pool" ovnic_pool - show 4242
	check_cmd_fails "no such pool" ovnic_pool - del 4242
	check_cmd_fails "no such pool" ovnic_pool - set 4242 limit 1M
	check_cmd_fails "belongs to" ovnic_pool - del "$own"
	check_cmd_fails "pool limit below the minimum" ovnic_pool - set "$own" limit 1000
	# A shared pool of another namespace (hvb) is not one of vna0's PFs'.
	ownb=$(pool_id vnb0 "$HVB")
	if run_capture ovnic_pool "$HVB" -j add limit 1M; then
		id=$(pool_json_key id <<<"$CMD_OUT")
		defer ovnic_pool "$HVB" del "$id"
		check_cmd_fails "no such shared pool" ovnic_pool - bind vna0 "$id"
		check_cmd_fails "no such pool" ovnic_pool - show "$id"
		check_cmd ovnic_pool "$HVB" del "$id"
	else
		fail "ovnic-pool add in hvb: $CMD_ERR"
	fi
	if run_capture ovnic_pool - -j add id 4077 limit 1M; then
		defer ovnic_pool - del 4077
		check_eq "pool id asked for" "$(pool_json_key id <<<"$CMD_OUT")" 4077
		check_cmd_fails "pool id in use" ovnic_pool - add id 4077 limit 1M
		# Own-pool settings on a VNIC that uses a shared pool
		check_cmd ovnic_pool - bind vna0 4077
		defer ovnic_pool - bind vna0 own
		check_cmd_fails "own pool only" ip link set dev vna0 type ovnic pool-limit 2M
		check_cmd_fails "own pool only" ip link set dev vna0 type ovnic pool-high 90
		check_cmd_fails "own pool only" ip link set dev vna0 type ovnic pool 4077 pool-adaptive on
		check_eq "pool 4077 limit unchanged" "$(pool_show_get 4077 limit)" 1048576
		check_cmd ovnic_pool - bind vna0 own
		check_cmd ovnic_pool - del 4077
	else
		fail "ovnic-pool add id 4077: $CMD_ERR"
	fi
	# Ids past INT_MAX are valid; a namespace going away takes such pools
	# too (and gives their limits back to the cap).
	tl=$(pool_summary_get total_limit)
	ip netns add ovpt || fail "ip netns add ovpt"
	defer ip netns del ovpt
	check_cmd ovnic_pool ovpt add id 4294967294 limit 1M
	check_cmd ovnic_pool ovpt add id 3000000000 limit 1M
	check_eq "pool 3000000000 limit" "$(pool_show_get 3000000000 limit ovpt)" 1048576
	check_eq "total_limit with two high ids" "$(pool_summary_get total_limit)" $((tl + 2097152))
	ip netns del ovpt
	wait_until 10 pool_summary_is total_limit "$tl" ||
		fail "namespace deleted: total_limit $(pool_summary_get total_limit), want $tl"
	# Changing pools needs CAP_NET_ADMIN, reading them does not.
	if command -v setpriv >/dev/null; then
		local nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)

		check_cmd_fails "Operation not permitted" "${nobody[@]}" "$OVNIC_POOL" add limit 1M
		check_cmd_fails "Operation not permitted" "${nobody[@]}" "$OVNIC_POOL" set "$own" limit 1M
		check_cmd_fails "Operation not permitted" "${nobody[@]}" "$OVNIC_POOL" bind vna0 none
		check_cmd "${nobody[@]}" "$OVNIC_POOL" show "$own"
	fi
	if command -v capsh >/dev/null; then
		check_cmd_fails "Operation not permitted" capsh --drop=cap_net_admin -- -c \
			"'$OVNIC_POOL' del $own"
	fi
	check_eq "vna0 still on its own pool" "$(pool_id vna0)" "$own"
	# Pools draw on the one module-wide cap: the root of a user namespace
	# may not make or change them (binding needs the PFs' namespace too).
	if unshare -U -r true 2>/dev/null; then
		check_cmd_fails "Operation not permitted" unshare -U -r -n "$OVNIC_POOL" add limit 1M
		check_cmd_fails "Operation not permitted" unshare -U -r "$OVNIC_POOL" set "$own" limit 1M
		check_cmd_fails "Operation not permitted" unshare -U -r "$OVNIC_POOL" bind vna0 none
	else
		log_info "unshare -U fails here (user namespaces disabled?): user namespace refusals not tried"
	fi
	log_test "bad requests (ovnic-pool): limits, watermarks, ids, netns, own-pool settings"

	# The module's cap on the sum of the limits.
	cap0=$(pool_summary_get cap)
	tl=$(pool_summary_get total_limit)
	la=$(pool_link vna0 pool_limit)
	lb=$(pool_link vnb0 pool_limit "$HVB")
	log_info "cap $cap0 total_limit $tl (vna0 $la + vnb0 $lb), draining $(pool_summary_get draining)"
	check_eq "total_limit = sum of the pools' limits" "$tl" $((la + lb))
	if [[ "$cap0" =~ ^[0-9]+$ ]] && [[ "$tl" =~ ^[0-9]+$ ]]; then
		defer ovnic_pool - cap "$cap0"
		check_cmd_fails "cap below the sum of the pools' limits" ovnic_pool - cap $((tl - 1))
		check_cmd_fails "initial namespace only" ovnic_pool "$HVB" cap $((tl + 1048576))
		check_cmd ovnic_pool - cap $((tl + 1048576))
		check_eq "cap" "$(pool_summary_get cap)" $((tl + 1048576))
		check_cmd_fails "exceed the module's cap" ovnic_pool - add limit 2M
		check_cmd_fails "exceed the module's cap" ip link set dev vna0 type ovnic pool-limit $((la + 2097152))
		check_cmd_fails "exceed the module's cap" ovnic_pool "$HVB" set "$ownb" limit $((lb + 2097152))
		! vnic_add vnbad pfa1 0 || fail "created vnbad (4 MiB own pool) past the cap"
		grep -q "exceed the module's cap" <<<"$CMD_ERR" || fail "vnbad past the cap: message '$CMD_ERR'"
		# Under the cap is fine, and "pool none" needs no room.
		check_cmd ip link set dev vna0 type ovnic pool-limit $((la + 1048576))
		check_cmd ip link set dev vna0 type ovnic pool-limit "$la"
		check_cmd ovnic_pool - cap "$cap0"
		check_eq "cap restored" "$(pool_summary_get cap)" "$cap0"
	else
		fail "ovnic-pool summary: cap '$cap0' total_limit '$tl'"
	fi
	defer_scope_pop
	log_test "bad requests (cap): cap below the sum, limits past the cap refused"
}

test_adaptive()
{
	local limit=1048576
	local samples
	local eff
	local emin
	local t
	local n
	local k
	local e

	defer_scope_push
	pair_up || { log_test "adaptive limit"; defer_scope_pop; return; }
	defer pool_own vna0 -
	if ! pool_own vna0 - pool-limit 1M pool-adaptive on; then
		fail "pool-limit 1M pool-adaptive on: $CMD_ERR"
	fi
	check_eq "vna0 pool_adaptive (ip)" "$(pool_link vna0 pool_adaptive)" true
	ipns - -d link show dev vna0 | grep -qE "low 50 adaptive " || fail "ip -d link: no 'adaptive' word"
	check_eq "idle: effective = limit" "$(pool_get vna0 pool_limit)" $limit
	samples=$(mktemp /tmp/ovnic-pool-samples.XXXXXX)
	defer rm -f "$samples"

	# 1 Mbit/s drains 12.5 KB per 100 ms interval, less than a quarter of
	# the minimum limit, and any sender (even a debug kernel's under TCG)
	# keeps the pool full at that rate.
	defer tc qdisc del dev pfa0vf0 root
	if ! run_capture tc qdisc add dev pfa0vf0 root tbf rate 1mbit burst 32k limit 8m; then
		fail "tc tbf on pfa0vf0: $CMD_ERR"
	fi
	pool_sampler_start - vna0 "$samples" 0.05
	next_port
	flood_start ad - $B4 "$HVB" $PORT "${FLOOD_ARGS[@]}" || fail "iperf3 server did not start"
	if wait_until 10 pool_stat_cmp vna0 pool_limit -lt $limit; then
		log_info "effective limit below $limit ${WAIT_MS} ms into the shaped flood"
	else
		fail "effective limit still $(pool_get vna0 pool_limit) after 10 s of a shaped flood"
	fi
	sleep 1
	eff=$(pool_get vna0 pool_limit)
	check_eq "configured limit while shrunk (ip)" "$(pool_link vna0 pool_limit)" $limit
	e=$(pool_link vna0 pool_effective)
	if ! [[ "$e" =~ ^[0-9]+$ ]] || [ "$e" -lt "$POOL_MIN_LIMIT" ] || [ "$e" -gt $limit ]; then
		fail "ip -d link pool_effective '$e' not within [$POOL_MIN_LIMIT, $limit]"
	fi

	t=$(now_ms)
	read -r n k < <(awk -v a=$((t - 1000)) -v b="$t" -v l=$limit '$1 >= a && $1 < b && $3 ~ /^[0-9]+$/ {
		n++; if ($3 + 0 < l) k++ } END { print n + 0, k + 0 }' "$samples")
	log_info "last shaped second: effective below the limit in $k of $n samples"
	if [ "$n" -gt 0 ] && [ $((k * 100)) -lt $((n * 80)) ]; then
		fail "the effective limit does not stay shrunk while the VF is slow: below $limit in $k of $n samples of the last second"
	fi

	tc qdisc del dev pfa0vf0 root
	t=$(now_ms)
	if wait_until 3 pool_stat_cmp vna0 pool_limit -eq $limit; then
		log_info "effective limit back to $limit $(($(now_ms) - t)) ms after removing the shaper"
		[ "$WAIT_MS" -le 2500 ] || fail "effective limit took ${WAIT_MS} ms to grow back"
	else
		fail "effective limit $(pool_get vna0 pool_limit), not $limit, 3 s after removing the shaper"
	fi
	rx_moves 1 || fail "no traffic after removing the shaper"
	flood_stop ad
	pool_sampler_stop
	emin=$(awk 'BEGIN { m = -1 } $3 ~ /^[0-9]+$/ && (m < 0 || $3 + 0 < m) { m = $3 + 0 } END { print m }' "$samples")
	log_info "shaped: effective $eff after the shrink, lowest sampled $emin"
	check_ge "lowest effective limit (not below the minimum)" "$emin" "$POOL_MIN_LIMIT"
	[ "$emin" -lt $limit ] || fail "the samples never saw a shrunk limit"
	defer_scope_pop
	log_test "adaptive: shaped VF shrinks the effective limit, back to the limit within ~2 s"
}

for c in $CASES; do
	t0=$SECONDS
	case $c in
	defaults) test_defaults ;;
	tx_flood) test_tx_flood ;;
	limit_change) test_limit_change ;;
	rx_drops) test_rx_drops ;;
	shared) test_shared ;;
	teardown) test_teardown ;;
	badreq) test_badreq ;;
	adaptive) test_adaptive ;;
	*) log_info "unknown case $c" ;;
	esac
	log_info "case $c: $((SECONDS - t0)) s"
done

check_dmesg_clean
log_test "kernel log: no warning"
