#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_dissector.sh - the Wireshark dissector (tools/wireshark/ovnic.lua)
# decodes ovnic traffic.
#
# Part 1, no devices: ovnic_corpus.py writes a pcap of valid overlay
# packets (IPv4 and IPv6 underlay, a frame in two pieces, offload flags,
# plus one ordinary TCP packet) and the malformed corpus; tshark with the
# dissector must decode, for each packet, the VNI, version, flags, frame
# id, offset and frame length the generator put there, the inner ICMP echo
# request (also of the frame reassembled from two pieces), leave ordinary
# TCP to the TCP dissector, and name for every corpus frame whose header is
# invalid the same drop counter as the corpus does.
#
# Part 2, live (VM topology):
#
#   netns tenanta1                                   netns tenantb1
#   vna1 198.51.100.1                                vnb1 198.51.100.2
#    `- pfa0vf0 -- pfa0 ===== wire 0 ===== pfb0 -- pfb0vf0 -'
#   (vni 100, local 192.0.2.1)        (vni 100, local 192.0.2.2)
#
# dumpcap captures on pfa0vf0 (init netns) and pfb0vf0 (netns hvb) while
# tenant A pings tenant B; the captures, decoded with the dissector, must
# show the echo requests and replies as ICMP inside ovnic packets with VNI
# 100, version 1, offset 0, frame length = inner frame length (98 bytes
# for 56-byte pings) and valid outer checksums on the receiving side.
#
# Then, with TSO off on pfa0vf0 (ovnic segments GSO frames in software),
# a 512 KB iperf3 TCP transfer is captured on pfa0vf0: the capture must hold
# pieces at offsets > 0, consistent with their frame's length, and the
# dissector must reassemble pieces into inner TCP segments to port 5201.
#
# The test fails when a field is missing or wrong; its cleanup stops the
# captures, restores TSO and deletes the VNICs and tenant netns.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

CORPUS=$OVNIC_SELFTESTS/ovnic_corpus.py
LUA=$OVNIC_ROOT/tools/wireshark/ovnic.lua
VNI=100
LA=192.0.2.1
LB=192.0.2.2

# OVNIC_PCAP_ONLY=1 runs part 1 only, without root, module or topology
# (safe on a development host): ./ovnic_dissector.sh with that variable.
pcap_only_exit()
{
	trap - EXIT
	defer_run_all
	echo "# $TEST_NAME: $NUM_PASS passed, $NUM_FAIL failed, $NUM_SKIP skipped"
	[ "$NUM_FAIL" -gt 0 ] && exit $KSFT_FAIL
	[ "$NUM_PASS" -gt 0 ] && exit $KSFT_PASS
	exit $KSFT_SKIP
}

if [ "${OVNIC_PCAP_ONLY:-0}" = 1 ]; then
	trap pcap_only_exit EXIT
else
	ovnic_init
fi
require_cmd tshark
if ! "$PYTHON" -c "import scapy" 2>/dev/null; then
	echo "# SKIP: python3-scapy not installed"
	exit $KSFT_SKIP
fi

WORK=$(mktemp -d /tmp/ovnic_dissector.XXXXXX)
defer rm -rf "$WORK"
# keep the captures with the run's results (scripts/vm.sh --keep)
if [ -n "${OVNIC_RESULTS:-}" ] && [ -d "$OVNIC_RESULTS" ]; then
	# shellcheck disable=SC2016
	defer sh -c 'cp "$1"/*.pcap* "$2"/ 2>/dev/null' keep "$WORK" "$OVNIC_RESULTS"
fi

# tshark with the dissector; stderr (root warning) dropped
tshark_ovnic()
{
	tshark -n -X lua_script:"$LUA" "$@" 2>"$WORK/tshark.err"
}

# decode FILE FIELD...: one tshark run (tshark is slow to start under TCG)
# writing FIELD values of every frame to $WORK/fields: one line per frame,
# frame number first, tab-separated, occurrences joined by ","
DECODED=()
decode()
{
	local file=$1
	local args=()
	local f

	shift
	DECODED=("$@")
	for f in "$@"; do
		args+=(-e "$f")
	done
	tshark_ovnic -r "$file" -T fields -E occurrence=a -E aggregator=, \
		-e frame.number "${args[@]}" >"$WORK/fields"
}

# field FRAME FIELD: value of FIELD (one of the decoded ones) in FRAME
field()
{
	local i

	for i in "${!DECODED[@]}"; do
		if [ "${DECODED[$i]}" = "$2" ]; then
			awk -F'\t' -v n="$1" -v c=$((i + 2)) '$1 == n { print $c }' "$WORK/fields"
			return 0
		fi
	done
	echo "(field $2 not decoded)"
}

# check_frame FRAME FIELD=VALUE...: after decode
check_frame()
{
	local num=$1
	local kv
	local got

	shift
	for kv in "$@"; do
		got=$(field "$num" "${kv%%=*}")
		check_eq "frame $num ${kv%%=*}" "$got" "${kv#*=}"
	done
}

test_pcap_valid()
{
	local pcap=$WORK/valid.pcap
	local n

	if ! "$PYTHON" "$CORPUS" pcap "$pcap" >"$WORK/gen.log" 2>&1; then
		fail "ovnic_corpus.py pcap: $(tail -n 3 "$WORK/gen.log" | tr '\n' ' ')"
		log_test "dissector: pcap of valid overlay packets"
		return
	fi
	decode "$pcap" ovnic.vni ovnic.version ovnic.frame_id ovnic.offset \
		ovnic.frame_len ovnic.flags ovnic.flags.classified ovnic.queue_hint \
		ovnic.opt.kind ovnic.opt.len ovnic.opt.exid ovnic.dstport \
		ovnic.checksum.status ovnic.verdict icmp.type ip.dst \
		ovnic.payload_len ovnic.last ovnic.tcp_flags.psh ovnic.pieces \
		icmp.seq ovnic.flags.gso ovnic.flags.csum_partial \
		ovnic.inner_l4_off ovnic.inner_mss ovnic.csum_off ipv6.dst \
		tcp.dstport http.request.method
	if grep -qi "lua.*error\|error.*lua" "$WORK/tshark.err"; then
		fail "Lua error: $(head -n 3 "$WORK/tshark.err" | tr '\n' ' ')"
	fi
	n=$(awk -F'\t' '$2 != ""' "$WORK/fields" | wc -l)
	check_eq "packets decoded as ovnic" "$n" 5
	# See valid_traffic() in ovnic_corpus.py for what each packet holds.
	check_frame 1 ovnic.vni=100 ovnic.version=1 ovnic.frame_id=0x00120034 \
		ovnic.offset=0 ovnic.frame_len=98 ovnic.flags=0x01 \
		ovnic.flags.classified=1 ovnic.queue_hint=3 ovnic.opt.kind=253 \
		ovnic.opt.len=20 ovnic.opt.exid=0x4f56 ovnic.dstport=7475 \
		ovnic.checksum.status=good ovnic.verdict=ok icmp.type=8 \
		ip.dst=192.0.2.2,198.51.100.2
	check_frame 2 ovnic.frame_id=0x00560078 ovnic.offset=0 \
		ovnic.frame_len=1500 ovnic.payload_len=1000 ovnic.last=0 \
		ovnic.tcp_flags.psh=0 ovnic.verdict=ok
	check_frame 3 ovnic.frame_id=0x00560078 ovnic.offset=1000 \
		ovnic.frame_len=1500 ovnic.payload_len=500 ovnic.last=1 \
		ovnic.tcp_flags.psh=1 ovnic.pieces=2 icmp.type=8 icmp.seq=2
	check_frame 4 ovnic.flags=0x06 ovnic.flags.gso=1 \
		ovnic.flags.csum_partial=1 ovnic.flags.classified=0 \
		ovnic.inner_l4_off=34 ovnic.inner_mss=1448 ovnic.csum_off=16 \
		ovnic.frame_len=200 icmp.type=8
	check_frame 5 ipv6.dst=2001:db8::2 ovnic.vni=100 ovnic.version=1 \
		ovnic.frame_id=0x00120034 ovnic.checksum.status=good icmp.type=8
	check_frame 6 ovnic.vni= tcp.dstport=80 http.request.method=GET
	log_test "dissector: pcap fields (VNI, version, flags, frame id/offset/length, inner ICMP, reassembly, IPv6, plain TCP)"
}

# Every corpus frame whose outer header is invalid: the dissector's verdict
# equals the counter the corpus expects.
test_pcap_corpus()
{
	local pcap=$WORK/corpus.pcap
	local bad

	if ! "$PYTHON" "$CORPUS" pcap --corpus "$pcap" >"$WORK/gen.log" 2>&1; then
		fail "ovnic_corpus.py pcap --corpus: $(tail -n 3 "$WORK/gen.log" | tr '\n' ' ')"
		log_test "dissector: verdicts of the malformed corpus"
		return
	fi
	"$PYTHON" "$CORPUS" list >"$WORK/list"
	tshark_ovnic -r "$pcap" -T fields -E occurrence=f -e frame.number \
		-e ovnic.verdict >"$WORK/verdicts"
	# expand the list to one line per frame: name counter
	bad=$("$PYTHON" - "$WORK/list" "$WORK/verdicts" "$CORPUS" <<'EOF'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("corpus", sys.argv[3])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)

class A:
    pass
a = A()
a.dst_mac, a.src_mac = "02:00:00:00:0b:00", "02:00:00:00:0a:01"
a.src, a.dst, a.vni, a.port = m.DEF_SRC4, m.DEF_DST4, m.DEF_VNI, m.OVNIC_PORT
a.inner_dst_mac, a.inner_src_mac = "02:00:00:00:0b:01", "02:00:00:00:0a:02"
a.inner_src, a.inner_dst, a.frame_id_base = "198.51.100.1", "198.51.100.2", 0x1000
frames = [c for c in m.corpus(m.Ctx(a)) for _ in c.frames]
verdicts = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
if len(verdicts) != len(frames):
    print("pcap has %d frames, corpus %d" % (len(verdicts), len(frames)))
    sys.exit(0)
header = {"rx_drop_bad_shape", "rx_drop_bad_version", "rx_drop_bad_flags",
          "rx_drop_bad_length", "rx_drop_bad_offload"}
n = 0
for c, (num, v) in zip(frames, verdicts):
    want = c.counter
    if want in header or c.name == "bad_tcp_csum":
        n += 1
        if v != want:
            print("%s (frame %s): dissector says '%s', corpus '%s'" % (c.name, num, v, want))
    elif c.name.startswith("trunc_tcp") or c.name == "trunc_opt_partial":
        n += 1
        if v != "rx_drop_short":
            print("%s (frame %s): dissector says '%s'" % (c.name, num, v))
    elif c.group in ("control", "reasm", "vni", "nested") and v != "ok":
        print("%s (frame %s): dissector says '%s', expected ok" % (c.name, num, v))
if n < 30:
    print("only %d frames compared" % n)
EOF
)
	[ -z "$bad" ] || fail "$(tr '\n' ';' <<<"$bad")"
	log_test "dissector: verdicts on the malformed corpus match its counters"
}

# capture_start NS DEV FILE: dumpcap on DEV in NS; CAP_PID
CAP_PID=""
capture_start()
{
	local ns=$1
	local dev=$2
	local file=$3

	rm -f "$file"
	if [ -z "$ns" ]; then
		dumpcap -q -i "$dev" -w "$file" >"$file.log" 2>&1 &
	else
		ip netns exec "$ns" dumpcap -q -i "$dev" -w "$file" >"$file.log" 2>&1 &
	fi
	CAP_PID=$!
	defer bg_stop "$CAP_PID"
	# dumpcap creates the file once it captures
	wait_until 20 test -s "$file"
}

capture_stop()
{
	kill -INT "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

test_live()
{
	local capa=$WORK/pfa0vf0.pcapng
	local capb=$WORK/pfb0vf0.pcapng
	local pida
	local pidb
	local out
	local n

	defer_scope_push
	if ! ovl_pair_up 1 0 $VNI $VNI $LA $LB; then
		fail "overlay pair: $OVL_ERR"
		log_test "dissector: live capture of overlay ping"
		defer_scope_pop
		return
	fi
	ovl_check_ping tenanta1 "$OVL_TENANT4_B" 1

	capture_start "" pfa0vf0 "$capa" || fail "dumpcap on pfa0vf0 did not start: $(cat "$capa.log")"
	pida=$CAP_PID
	capture_start "$HVB" pfb0vf0 "$capb" || fail "dumpcap on pfb0vf0 did not start: $(cat "$capb.log")"
	pidb=$CAP_PID
	nsrun tenanta1 ping -4 -q -c 5 -i 0.2 -w 15 "$OVL_TENANT4_B" >/dev/null 2>&1 ||
		fail "ping through the overlay failed during the capture"
	sleep 0.5
	capture_stop "$pida"
	capture_stop "$pidb"

	# Receiving side: requests arrive at B with valid checksums.
	out=$(tshark_ovnic -r "$capb" -Y "ovnic && icmp.type == 8" -T fields \
		-E separator=' ' -e ovnic.vni -e ovnic.version -e ovnic.offset \
		-e ovnic.frame_len -e ovnic.payload_len -e ovnic.checksum.status \
		-e ovnic.verdict -e ovnic.dstport | sort | uniq -c)
	log_info "pfb0vf0 echo requests (count vni ver off len payload csum verdict port): $out"
	n=$(awk '$2 == 100 && $3 == 1 && $4 == 0 && $5 == 98 && $6 == 98 && $7 == "good" &&
		 $8 == "ok" && $9 == 7475 { n += $1 } END { print n + 0 }' <<<"$out")
	check_ge "echo requests decoded on pfb0vf0" "$n" 5
	# Sending side of the replies: B -> A, seen on A's VF.
	out=$(tshark_ovnic -o ovnic.check_checksum:FALSE -r "$capa" \
		-Y "ovnic && icmp.type == 0" -T fields -E separator=' ' \
		-e ovnic.vni -e ovnic.version -e ovnic.offset -e ovnic.frame_len \
		-e ip.src | sort | uniq -c)
	log_info "pfa0vf0 echo replies (count vni ver off len ip.src): $out"
	n=$(awk '$2 == 100 && $3 == 1 && $4 == 0 && $5 == 98 &&
		 $6 == "192.0.2.2,198.51.100.2" { n += $1 } END { print n + 0 }' <<<"$out")
	check_ge "echo replies decoded on pfa0vf0" "$n" 5
	# Frame ids: one per frame of a sender, never reused within the capture.
	n=$(tshark_ovnic -r "$capb" -Y "ovnic && ip.src == $LA" -T fields \
		-e ovnic.frame_id | sort | uniq -d | wc -l)
	check_eq "frame ids of A used twice on pfb0vf0" "$n" 0
	log_test "dissector: live capture on both VFs decodes VNI/version/frame and inner ICMP"

	test_live_gso
	defer_scope_pop
}

# With TSO off on pfa0vf0, ovnic segments GSO frames in software: the
# capture on pfa0vf0 holds the pieces of each frame (offset > 0 for all
# but the first), and the dissector reassembles them into the tenant's
# TCP segments.
test_live_gso()
{
	local cap=$WORK/gso.pcapng
	local tso
	local pid
	local out
	local n
	local later
	local reasm
	local bad

	if ! command -v iperf3 >/dev/null; then
		log_test_skip "dissector: live capture of software-segmented frames" "no iperf3"
		return
	fi
	tso=$(ethtool_feature pfa0vf0 tcp-segmentation-offload)
	if [[ "$tso" == on* ]]; then
		defer ethtool -K pfa0vf0 tso on
		check_cmd ethtool -K pfa0vf0 tso off
	fi
	if ! iperf3_server tenantb1 5201; then
		fail "iperf3 server did not start in tenantb1"
		log_test "dissector: live capture of software-segmented frames"
		return
	fi
	capture_start "" pfa0vf0 "$cap" || fail "dumpcap on pfa0vf0 did not start: $(cat "$cap.log")"
	pid=$CAP_PID
	nsrun tenanta1 timeout 60 iperf3 -c "$OVL_TENANT4_B" -p 5201 -n 512K \
		>"$WORK/iperf3.log" 2>&1 ||
		fail "iperf3 through the overlay failed: $(tail -n 2 "$WORK/iperf3.log" | tr '\n' ' ')"
	sleep 0.5
	capture_stop "$pid"

	# pieces sent A -> B: frame id, offset, payload, frame length, pieces
	# when reassembled, inner TCP port
	tshark_ovnic -o ovnic.check_checksum:FALSE -r "$cap" \
		-Y "ovnic && ip.dst == 192.0.2.2" -T fields -E occurrence=l \
		-e ovnic.frame_id -e ovnic.offset -e ovnic.payload_len \
		-e ovnic.frame_len -e ovnic.pieces -e tcp.dstport >"$WORK/gso.txt"
	out=$(awk -F'\t' '
		{ pkts++ }
		$2 > 0 { later++ }
		$5 >= 2 && $6 == 5201 { reasm++ }
		$2 + $3 > $4 { bad++ }
		{ if (($1 in len) && len[$1] != $4) bad++; len[$1] = $4 }
		END { printf "%d %d %d %d\n", pkts, later, reasm, bad }' "$WORK/gso.txt")
	read -r n later reasm bad <<<"$out"
	log_info "pfa0vf0 A->B ovnic packets $n, pieces at offset > 0: $later," \
		"frames reassembled to inner TCP: $reasm, inconsistent: $bad"
	check_ge "ovnic packets captured" "$n" 10
	check_ge "pieces with offset > 0" "$later" 1
	check_ge "reassembled frames decoded as TCP to 5201" "$reasm" 1
	check_eq "pieces inconsistent with their frame" "$bad" 0
	log_test "dissector: live software-segmented frames: pieces and reassembly"
}

test_pcap_valid
test_pcap_corpus
[ "${OVNIC_PCAP_ONLY:-0}" = 1 ] && exit 0
require_cmd dumpcap
test_live

check_dmesg_clean
log_test "kernel log: no warning"
