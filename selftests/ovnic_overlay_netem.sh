#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_overlay_netem.sh - bulk transfers through an overlay pair over a
# lossy, duplicating, reordering wire: bit-exact delivery and bounded
# reassembly.
#
# Topology (lib.sh overlay pair 0):
#
#   netns tenanta0                                     netns tenantb0
#   vna0 198.51.100.1                                  vnb0 198.51.100.2
#    `- pfa0vf0 -- pfa0 ======== wire 0 ======== pfb0 -- pfb0vf0 -'
#       (init netns, 192.0.2.1)                 (netns hvb, 192.0.2.2)
#       TSO off + netem root qdisc:
#       loss 1% duplicate 1% reorder 25% 50% delay 2ms
#
# With TSO off on the sender's VF, ovnic segments GSO frames in software
# before the VF's qdisc, so netem loses, duplicates and reorders
# individual outer segments. A python3 TCP sender in tenanta0 sends a
# random file to a receiver in tenantb0 that hashes the stream.
#
# It proves that:
# - with reassembly limits lowered at run time on the receiver
#   ("ip link set vnb0 type ovnic reasm-mem 65536 reasm-frames 4"), a
#   SMALL_MB file still arrives bit-exact (sha256), evictions are counted,
#   and reasm_mem / reasm_frames sampled every 0.2 s, and reasm_mem_peak,
#   never exceed the limits;
# - with the default limits, a BIG_MB (50) MB file arrives bit-exact, the
#   receiver's reassembly counters moved (rx_reasm_queued, rx_reasm_done,
#   plus duplicate/timeout/eviction drops), reasm_mem stays within
#   reasm_mem_limit;
# - the sender segmented in software (tx_sw_gso) and netem really dropped
#   outer segments;
# - nothing appears in the kernel log.
#
# Environment: SMALL_MB (4), BIG_MB (50), XFER_TIMEOUT (seconds per
# transfer, 150; 300 on the debug kernel, where 50 MB through netem took
# 100-150 s).

source "$(dirname "$(readlink -f "$0")")/lib.sh"

VNI=100
L4_A=192.0.2.1
L4_B=192.0.2.2
T4_A=$OVL_TENANT4_A
T4_B=$OVL_TENANT4_B
PORT=5301
SMALL_MB=${SMALL_MB:-4}
BIG_MB=${BIG_MB:-50}
if on_slow_machine; then
	XFER_TIMEOUT=${XFER_TIMEOUT:-300}
else
	XFER_TIMEOUT=${XFER_TIMEOUT:-150}
fi
NETEM="loss 1% duplicate 1% reorder 25% 50% delay 2ms"
SMALL_MEM=65536
SMALL_FRAMES=4
REASM_MEM_DEF=4194304
REASM_FRAMES_DEF=256

# shellcheck disable=SC2016
XFER_PY='
import hashlib, socket, sys, time

if sys.argv[1] == "recv":
    # recv PORT READYFILE OUTFILE: one connection, hash the stream
    port, ready, outf = int(sys.argv[2]), sys.argv[3], sys.argv[4]
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(1)
    open(ready, "w").close()
    c, _ = s.accept()
    h = hashlib.sha256()
    n = 0
    t0 = time.monotonic()
    while True:
        b = c.recv(1 << 20)
        if not b:
            break
        h.update(b)
        n += len(b)
    c.close()
    with open(outf, "w") as f:
        f.write("%s %d %.2f\n" % (h.hexdigest(), n, time.monotonic() - t0))
else:
    # send DST PORT FILE: send the file, wait for the receiver to close
    dst, port, path = sys.argv[2], int(sys.argv[3]), sys.argv[4]
    t0 = time.monotonic()
    c = socket.create_connection((dst, port), timeout=30)
    c.settimeout(None)
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            c.sendall(b)
    c.shutdown(socket.SHUT_WR)
    c.recv(1)
    c.close()
    print("%.2f" % (time.monotonic() - t0))
'

ovnic_init
require_cmd tc
require_cmd sha256sum
load_module sch_netem

WORK=$(mktemp -d /tmp/ovl_netem.XXXXXX)
defer rm -rf "$WORK"

setup()
{
	local tso

	if ! ovl_pair_up 0 0 $VNI $VNI $L4_A $L4_B; then
		fail "$OVL_ERR"
		log_test "setup: pair 0 vna0 (pfa0 vf 0) <-> vnb0 (pfb0 vf 0), VNI $VNI"
		exit "$KSFT_FAIL"
	fi
	ovl_check_ping tenanta0 "$T4_B"
	ovl_check_ping tenantb0 "$T4_A"
	log_test "setup: pair 0 vna0 (pfa0 vf 0) <-> vnb0 (pfb0 vf 0), VNI $VNI, ping"

	tso=$(ethtool_feature pfa0vf0 tcp-segmentation-offload)
	if [[ "$tso" == on* ]]; then
		defer ethtool -K pfa0vf0 tso on
		check_cmd ethtool -K pfa0vf0 tso off
	fi
	tso=$(ethtool_feature pfa0vf0 tcp-segmentation-offload)
	[[ "$tso" == off* ]] || fail "pfa0vf0 TSO still '$tso'"
	defer tc qdisc del dev pfa0vf0 root
	# shellcheck disable=SC2086
	check_cmd tc qdisc add dev pfa0vf0 root netem $NETEM
	log_test "setup: pfa0vf0 TSO off, netem $NETEM"
}

# netem_drops: packets netem dropped on pfa0vf0
netem_drops()
{
	tc -s qdisc show dev pfa0vf0 2>/dev/null |
		awk '/dropped/ { for (i = 1; i < NF; i++) if ($i == "(dropped") { sub(",", "", $(i + 1)); print $(i + 1); exit } }'
}

# xfer DESC MB MEM_LIMIT FRAMES_LIMIT SMALL(0|1)
xfer()
{
	local desc=$1
	local mb=$2
	local mem_limit=$3
	local frames_limit=$4
	local small=$5
	local file=$WORK/data.$mb
	local res=$WORK/recv.$mb
	local samples=$WORK/samples.$mb
	local want got n rt st nd0 nd1 rpid spid
	# shellcheck disable=SC2034 # filled by ovl_snap (nameref)
	local -A s0 s1 r0 r1
	local q rdone dup tmo evict ovl peak sw maxmem maxframes nsamples t0 t1

	head -c "${mb}M" /dev/urandom >"$file"
	want=$(sha256sum "$file" | cut -d' ' -f1)

	ovl_snap s0 vna0 tenanta0 || fail "no ethtool -S on vna0"
	ovl_snap r0 vnb0 tenantb0 || fail "no ethtool -S on vnb0"
	nd0=$(netem_drops)
	rm -f "$res" "$res.ready"
	bg_start tenantb0 timeout "$XFER_TIMEOUT" "$PYTHON" -c "$XFER_PY" recv $PORT "$res.ready" "$res"
	rpid=$BG_PID
	if ! wait_until 10 test -e "$res.ready"; then
		fail "receiver did not start"
		log_test "$desc"
		return
	fi
	ovl_sampler_start tenantb0 vnb0 "$samples" 0.2
	spid=$BG_PID
	t0=$(now_ms)
	st=$(nsrun tenanta0 timeout "$XFER_TIMEOUT" "$PYTHON" -c "$XFER_PY" send "$T4_B" $PORT "$file" 2>&1)
	rt=$?
	wait "$rpid" 2>/dev/null
	t1=$(now_ms)
	sleep 0.4
	bg_stop "$spid"
	ovl_snap s1 vna0 tenanta0
	ovl_snap r1 vnb0 tenantb0
	nd1=$(netem_drops)
	read -r got n _ <"$res" 2>/dev/null

	q=$(ovl_delta r0 r1 rx_reasm_queued)
	rdone=$(ovl_delta r0 r1 rx_reasm_done)
	dup=$(ovl_delta r0 r1 rx_drop_reasm_dup)
	tmo=$(ovl_delta r0 r1 rx_drop_reasm_timeout)
	evict=$(ovl_delta r0 r1 rx_drop_reasm_evict)
	ovl=$(ovl_delta r0 r1 rx_drop_reasm_overlap)
	peak=${r1[reasm_mem_peak]:-missing}
	sw=$(ovl_delta s0 s1 tx_sw_gso)
	maxmem=$(ovl_sampler_max "$samples" 1)
	maxframes=$(ovl_sampler_max "$samples" 2)
	nsamples=$(grep -cE '^[0-9]+ ' "$samples")
	log_info "$desc: ${mb} MB in $(((t1 - t0) / 1000)).$(((t1 - t0) % 1000 / 100)) s" \
		"(sender rc $rt: $st), received $n B;" \
		"vna0 tx_sw_gso +$sw tx_frames +$(ovl_delta s0 s1 tx_frames) tx_vf_xmits +$(ovl_delta s0 s1 tx_vf_xmits);" \
		"netem dropped +$((nd1 - nd0))"
	log_info "$desc: vnb0 rx_frames +$(ovl_delta r0 r1 rx_frames) rx_segs +$(ovl_delta r0 r1 rx_segs)" \
		"rx_fast +$(ovl_delta r0 r1 rx_fast) reasm_queued +$q reasm_done +$rdone dup +$dup" \
		"timeout +$tmo evict +$evict overlap +$ovl; reasm_mem max $maxmem (of $nsamples samples)," \
		"reasm_frames max $maxframes, reasm_mem_peak $peak, limits ${r1[reasm_mem_limit]:-?}/${r1[reasm_frames_limit]:-?}"

	check_eq "sender exit status" "$rt" 0
	check_eq "bytes received" "$n" $((mb * 1024 * 1024))
	check_eq "sha256 of the received stream" "$got" "$want"
	check_eq "vnb0 reasm_mem_limit" "${r1[reasm_mem_limit]:-}" "$mem_limit"
	check_eq "vnb0 reasm_frames_limit" "${r1[reasm_frames_limit]:-}" "$frames_limit"
	check_ge "reasm_mem samples" "$nsamples" 3
	if [[ "$maxmem" =~ ^[0-9]+$ ]] && [ "$maxmem" -gt "$mem_limit" ]; then
		fail "sampled reasm_mem $maxmem > limit $mem_limit"
	fi
	if [[ "$maxframes" =~ ^[0-9]+$ ]] && [ "$maxframes" -gt "$frames_limit" ]; then
		fail "sampled reasm_frames $maxframes > limit $frames_limit"
	fi
	if ! [[ "$peak" =~ ^[0-9]+$ ]] || [ "$peak" -gt "$mem_limit" ]; then
		fail "reasm_mem_peak $peak > limit $mem_limit"
	fi
	check_ge "vna0 tx_sw_gso delta (software segmentation, VF without TSO)" "$sw" 1
	check_ge "netem drops" $((nd1 - nd0)) 1
	check_ge "vnb0 rx_reasm_queued delta" "$q" 1
	# Software segmentation produced well-formed segments only.
	ovl_delta_sum r0 r1 '^rx_drop_(short|bad_.*|nested)$'
	check_eq "vnb0 malformed-segment drops ($OVL_DELTA_WHAT)" "$OVL_DELTA_SUM" 0
	ovl_delta_sum s0 s1 '^tx_drop_(nomem|no_remote|too_big)$'
	check_eq "vna0 encapsulation drops ($OVL_DELTA_WHAT)" "$OVL_DELTA_SUM" 0
	if [ "$small" = 1 ]; then
		check_ge "vnb0 rx_drop_reasm_evict delta" "$evict" 1
	else
		check_ge "vnb0 rx_reasm_done delta" "$rdone" 1
		check_ge "vnb0 reassembly drops (dup + timeout + evict + overlap)" \
			$((dup + tmo + evict + ovl)) 1
	fi
	rm -f "$file"
	log_test "$desc"
}

test_small_limits()
{
	if check_cmd ip -n tenantb0 link set dev vnb0 type ovnic reasm-mem $SMALL_MEM reasm-frames $SMALL_FRAMES; then
		check_eq "vnb0 JSON reasm_mem" "$(ovnic_data vnb0 reasm_mem tenantb0)" $SMALL_MEM
		check_eq "vnb0 JSON reasm_frames" "$(ovnic_data vnb0 reasm_frames tenantb0)" $SMALL_FRAMES
	fi
	log_test "reasm-mem $SMALL_MEM reasm-frames $SMALL_FRAMES set at run time on vnb0"
	xfer "netem, reasm-mem $SMALL_MEM reasm-frames $SMALL_FRAMES: $SMALL_MB MB bit-exact, evictions, within limits" \
		"$SMALL_MB" $SMALL_MEM $SMALL_FRAMES 1
}

test_default_limits()
{
	check_cmd ip -n tenantb0 link set dev vnb0 type ovnic reasm-mem $REASM_MEM_DEF reasm-frames $REASM_FRAMES_DEF
	xfer "netem, default reassembly limits: $BIG_MB MB bit-exact, reassembly within limits" \
		"$BIG_MB" $REASM_MEM_DEF $REASM_FRAMES_DEF 0
}

setup
test_small_limits
test_default_limits

check_dmesg_clean
log_test "kernel log: no warning"
