#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_corpus.py - crafted ovnic overlay frames: a malformed-packet corpus
# for the receive path and valid captures for the dissector.
#
# Every outer header is built byte by byte here (not by scapy's TCP layer)
# so that each malformation is exactly the one named and nothing else: the
# IPv4 header checksum and the TCP checksum (over the pseudo-header) are
# always right, except in the case that is about the TCP checksum. scapy
# builds the inner frames and writes pcap files.
#
# Modes:
#   list                        corpus: name, counter, frames, description
#   selfcheck                   run the corpus through a model of the
#                               receiver's checks (ovnic_hdr_parse and the
#                               outer header checks) and fail if a frame
#                               would be dropped for another reason than
#                               its case names; no root, no network
#   pcap FILE [--corpus]        write valid overlay traffic (for the
#                               dissector), or the corpus, to a pcap file
#   inject --iface DEV ...      send the corpus on DEV (AF_PACKET), case by
#                               case, reading counters with --stats-cmd
#                               before and after each case, and print one
#                               JSON object per case: case, counter, count
#                               (expected growth), exact (false: at least),
#                               delta (every counter that moved), or skip
#                               (why the test bed cannot deliver the case;
#                               --all sends those too)
#
# Each case names the ethtool -S counter of the receiving VNIC it must
# increase. Outer source address: a spoofed endpoint (192.0.2.9 /
# 2001:db8::9) by default: the receiver learns the MAC of the sender of
# valid packets, so the real remote endpoint's address must not be used.
#
# See ovnic_malformed.sh (injection) and ovnic_dissector.sh (pcap).

import argparse
import json
import os
import socket
import struct
import subprocess
import sys
import time

OVNIC_PORT = 7475
OPT_KIND = 253
OPT_LEN = 20
OPT_EXID = 0x4f56
WIRE_VERSION = 1
HDR_LEN = 40
FRAME_MAX = 0xffff
ETH_HLEN = 14

F_CLASSIFIED = 0x1
F_CSUM_PARTIAL = 0x2
F_GSO = 0x4
F_KNOWN = F_CLASSIFIED | F_CSUM_PARTIAL | F_GSO

TCP_FIN = 0x01
TCP_SYN = 0x02
TCP_RST = 0x04
TCP_PSH = 0x08
TCP_ACK = 0x10
TCP_URG = 0x20
TCP_ECE = 0x40
TCP_CWR = 0x80

ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86dd
ETH_P_LOCAL = 0x88b5            # IEEE local experimental ethertype

# Defaults matching the conventions' overlay pair (B is the receiver).
DEF_VNI = 100
DEF_SRC4 = "192.0.2.9"          # spoofed endpoint: nobody's real VTEP
DEF_DST4 = "192.0.2.2"          # B's local VTEP
DEF_SRC6 = "2001:db8::9"
DEF_DST6 = "2001:db8::2"
DEF_SPORT = 40000


##############################################################################
# Byte builders

def csum16(data):
    """Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def is_v6(addr):
    return ":" in addr


def pseudo_hdr(src, dst, proto, length):
    if is_v6(src):
        return (socket.inet_pton(socket.AF_INET6, src) +
                socket.inet_pton(socket.AF_INET6, dst) +
                struct.pack("!IxxxB", length, proto))
    return (socket.inet_aton(src) + socket.inet_aton(dst) +
            struct.pack("!xBH", proto, length))


def l4_csum(src, dst, proto, seg):
    """Checksum of an L4 segment whose checksum field is zero."""
    c = csum16(pseudo_hdr(src, dst, proto, len(seg)) + seg)
    if proto == 17 and c == 0:
        c = 0xffff
    return c


def ovnic_hdr(sport=DEF_SPORT, dport=OVNIC_PORT, frame_id=1, offset=0,
              frame_len=0, vni=DEF_VNI, ver=WIRE_VERSION, flags=0,
              queue_hint=0, l4_off=0, mss=0, csum_off=0,
              tcp_flags=TCP_ACK | TCP_PSH, doff=HDR_LEN // 4,
              kind=OPT_KIND, olen=OPT_LEN, exid=OPT_EXID, window=0xffff,
              urg=0, seq=None, ack=None, rsvd0=0, rsvd1=0):
    """The 40-byte outer L4 header (checksum 0), as ovnic_hdr_build."""
    if seq is None:
        seq = ((frame_id & 0xffff) << 16) | (offset & 0xffff)
    if ack is None:
        ack = frame_len
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff,
                      ack & 0xffffffff, (doff & 0xf) << 4, tcp_flags,
                      window, 0, urg)
    opt = struct.pack("!BBHB3sBBHBBHI", kind, olen, exid,
                      ((ver & 0xf) << 4) | (flags & 0xf),
                      (vni & 0xffffff).to_bytes(3, "big"), queue_hint,
                      l4_off, mss, csum_off, rsvd0,
                      (frame_id >> 16) & 0xffff, rsvd1)
    assert len(tcp) == 20 and len(opt) == OPT_LEN
    return tcp + opt


def l4_seg(src, dst, hdr, payload, proto=6, bad_csum=False):
    """Fill in the checksum of header + payload (TCP at byte 16)."""
    seg = bytearray(hdr + payload)
    if proto == 6 and len(seg) >= 18:
        seg[16:18] = b"\0\0"
        c = l4_csum(src, dst, 6, bytes(seg))
        if bad_csum:
            c ^= 0x5a5a
        seg[16:18] = struct.pack("!H", c)
    elif proto == 17 and len(seg) >= 8:
        seg[6:8] = b"\0\0"
        seg[6:8] = struct.pack("!H", l4_csum(src, dst, 17, bytes(seg)))
    return bytes(seg)


_ip_id = [0x100]


def ipv4(src, dst, proto, payload, tot_len=None, ttl=64, frag=0x4000,
         options=b"", bad_csum=False):
    """IPv4 header (DF, right checksum) + payload."""
    _ip_id[0] = (_ip_id[0] + 1) & 0xffff
    assert len(options) % 4 == 0 and len(options) <= 40
    hl = 20 + len(options)
    if tot_len is None:
        tot_len = hl + len(payload)
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, 0, tot_len,
                              _ip_id[0], frag, ttl, proto, 0,
                              socket.inet_aton(src),
                              socket.inet_aton(dst)) + options)
    h[10:12] = struct.pack("!H", csum16(bytes(h)) ^ (0x5a5a if bad_csum else 0))
    return bytes(h) + payload


def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, hlim,
                       socket.inet_pton(socket.AF_INET6, src),
                       socket.inet_pton(socket.AF_INET6, dst)) + payload


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def eth(dst, src, etype, payload):
    return mac_bytes(dst) + mac_bytes(src) + struct.pack("!H", etype) + payload


def outer(ctx, l4, src=None, dst=None, proto=6, tot_len=None):
    """Outer Ethernet + IPv4/IPv6 around an already checksummed L4 segment."""
    src = src or ctx.src
    dst = dst or ctx.dst
    if is_v6(dst):
        return eth(ctx.dst_mac, ctx.src_mac, ETH_P_IPV6,
                   ipv6(src, dst, proto, l4))
    return eth(ctx.dst_mac, ctx.src_mac, ETH_P_IP,
               ipv4(src, dst, proto, l4, tot_len=tot_len))


def ovnic_frame(ctx, inner, offset=0, frame_len=None, piece=None,
                bad_csum=False, src=None, dst=None, **kw):
    """One outer packet carrying inner[offset:offset+piece] (default: all
    of the inner frame from offset) with header fields overridden by kw."""
    src = src or ctx.src
    dst = dst or ctx.dst
    if frame_len is None:
        frame_len = len(inner)
    if piece is None:
        piece = len(inner) - offset
    payload = inner[offset:offset + piece]
    kw.setdefault("vni", ctx.vni)
    kw.setdefault("dport", ctx.port)
    kw.setdefault("frame_id", ctx.next_frame_id())
    hdr = ovnic_hdr(offset=offset, frame_len=frame_len, **kw)
    return outer(ctx, l4_seg(src, dst, hdr, payload, bad_csum=bad_csum),
                 src=src, dst=dst)


##############################################################################
# Inner frames (scapy)

_scapy = None


def scapy():
    global _scapy
    if _scapy is None:
        import scapy.layers.inet as inet
        import scapy.layers.inet6 as inet6
        import scapy.layers.l2 as l2
        import scapy.packet as packet
        import scapy.utils as utils
        _scapy = {"Ether": l2.Ether, "IP": inet.IP, "ICMP": inet.ICMP,
                  "TCP": inet.TCP, "IPv6": inet6.IPv6, "Raw": packet.Raw,
                  "wrpcap": utils.wrpcap}
    return _scapy


def inner_icmp(ctx, size=98, seq=1, ident=0x4f56):
    """An inner ICMP echo request tenant A -> tenant B of size bytes."""
    s = scapy()
    pad = max(0, size - 14 - 20 - 8)
    p = (s["Ether"](dst=ctx.in_dst_mac, src=ctx.in_src_mac) /
         s["IP"](src=ctx.in_src, dst=ctx.in_dst, id=seq) /
         s["ICMP"](type=8, id=ident, seq=seq) /
         s["Raw"](bytes((i & 0xff) for i in range(pad))))
    return bytes(p)


def inner_opaque(ctx, size, tag=0):
    """An inner frame of an ethertype nobody handles (delivered, then
    dropped silently by the tenant's stack): safe filler for reassembly."""
    body = bytes(((i + tag) & 0xff) for i in range(size - ETH_HLEN))
    return eth(ctx.in_dst_mac, ctx.in_src_mac, ETH_P_LOCAL, body)


##############################################################################
# Context: addresses of the run

class Ctx:
    def __init__(self, a):
        self.dst_mac = a.dst_mac
        self.src_mac = a.src_mac
        self.src = a.src
        self.dst = a.dst
        self.vni = a.vni
        self.port = a.port
        self.in_dst_mac = a.inner_dst_mac
        self.in_src_mac = a.inner_src_mac
        self.in_src = a.inner_src
        self.in_dst = a.inner_dst
        self.frame_id = a.frame_id_base

    def next_frame_id(self):
        self.frame_id = (self.frame_id + 0x10001) & 0xffffffff
        return self.frame_id


##############################################################################
# The corpus
#
# A case: name, counter that must grow, by how much, description, and the
# steps: ("send", bytes) or ("sleep", seconds). "wait" is how long the
# counter may take (reassembly timeout).

class Case:
    def __init__(self, name, counter, desc, frames, count=None, wait=0.0,
                 gap=0.0, group="", exact=True, unreachable=None):
        self.unreachable = unreachable
        self.name = name
        self.counter = counter
        self.desc = desc
        self.frames = frames
        self.count = len(frames) if count is None else count
        self.wait = wait
        self.gap = gap
        self.group = group
        self.exact = exact


REPEAT = 2      # each single-frame malformation is sent this many times


def corpus(ctx, reasm_timeout_ms=200, ipv6_underlay=False):
    c = []
    icmp = inner_icmp(ctx, 98)

    def add(name, counter, desc, frame, group, repeat=REPEAT):
        c.append(Case(name, counter, desc, [frame] * repeat, group=group))

    def ip_l4(l4, proto=6, tot_len=None, dst=None):
        return outer(ctx, l4, proto=proto, tot_len=tot_len, dst=dst)

    good_hdr = ovnic_hdr(frame_len=len(icmp), vni=ctx.vni, dport=ctx.port,
                         frame_id=0x7e570001)
    good_l4 = l4_seg(ctx.src, ctx.dst, good_hdr, icmp)

    def cut(n):
        # the first n bytes, checksummed over what is there
        return l4_seg(ctx.src, ctx.dst, good_l4[:n], b"")

    # Control: a valid frame is delivered (proves the injection path).
    c.append(Case("valid_frame", "rx_frames",
                  "valid single-segment frame (control: delivered)",
                  [ovnic_frame(ctx, inner_opaque(ctx, 200))] * REPEAT,
                  group="control", exact=False))

    # Truncated at every header. Two facts of the test bed decide what a
    # receiver can be shown:
    # - QEMU's igb model does not transmit a frame whose IPv4 header is
    #   incomplete (its transmit path parses the L3 header and discards the
    #   frame), so "Ethernet header only" and "IPv4 header cut short" never
    #   leave the injecting VF: they are listed as unreachable (the test
    #   reports them as skipped), and replaced by variants that do arrive:
    #   an ARP frame cut after its Ethernet header (the neighbour path takes
    #   ARP and counts it, rx_neigh, whatever its length) and an IPv4 header
    #   whose total length ends inside the header itself;
    # - the receiving VF pads frames to 60 bytes with zeros, so the other
    #   truncations are stated by the IPv4 total length, which a receiver
    #   must trust over the padded frame length.
    qemu_drops = ("QEMU igb does not transmit frames with an incomplete "
                  "IPv4 header")
    eth_only = eth(ctx.dst_mac, ctx.src_mac, ETH_P_IP, b"")
    c.append(Case("trunc_eth_only", "rx_drop_not_overlay",
                  "Ethernet header (IPv4 type) only: padded, a zero IPv4 "
                  "header", [eth_only] * REPEAT, group="short",
                  unreachable=qemu_drops))
    nops = bytes([1] * 39 + [0])        # NOP options, end of list
    c.append(Case("trunc_ipv4_cut", "rx_drop_short",
                  "IPv4 header with options (IHL 15) cut after 30 bytes",
                  [eth(ctx.dst_mac, ctx.src_mac, ETH_P_IP,
                       ipv4(ctx.src, ctx.dst, 6, good_l4,
                            options=nops)[:30])] * REPEAT,
                  group="short", unreachable=qemu_drops))
    c.append(Case("trunc_eth_only_arp", "rx_neigh",
                  "Ethernet header (ARP type) only: taken by the neighbour "
                  "path, no drop counter",
                  [eth(ctx.dst_mac, ctx.src_mac, 0x0806, b"")] * REPEAT,
                  group="neigh", exact=False))
    add("trunc_ipv4_partial", "rx_drop_short",
        "IPv4 header of 60 bytes (IHL 15) whose total length is 40",
        eth(ctx.dst_mac, ctx.src_mac, ETH_P_IP,
            ipv4(ctx.src, ctx.dst, 6, good_l4, options=nops, tot_len=40)),
        "short")
    add("trunc_ipv4_only", "rx_drop_short",
        "IPv4 header (proto TCP, total length 20), no L4 bytes",
        ip_l4(b""), "short")
    add("trunc_tcp_partial", "rx_drop_short",
        "12 bytes of the TCP-shaped header", ip_l4(cut(12)), "short")
    add("trunc_tcp_no_opt", "rx_drop_short",
        "20-byte TCP header (doff 10), option missing", ip_l4(cut(20)),
        "short")
    add("trunc_opt_partial", "rx_drop_short",
        "TCP header + 10 bytes of the option", ip_l4(cut(30)), "short")
    add("trunc_ip_totlen_beyond", "rx_drop_short",
        "IPv4 total length 200 bytes beyond the frame",
        ip_l4(good_l4, tot_len=20 + len(good_l4) + 200), "short")
    hdr_only = l4_seg(ctx.src, ctx.dst, ovnic_hdr(
        frame_len=100, vni=ctx.vni, dport=ctx.port, frame_id=0x7e570002), b"")
    add("opt_only_no_payload", "rx_drop_bad_length",
        "complete 40-byte header, no payload", ip_l4(hdr_only), "length")

    # Not for this endpoint.
    add("wrong_dst_ip", "rx_drop_not_overlay",
        "outer IPv4 destination is not the local VTEP",
        outer(ctx, l4_seg(ctx.src, "192.0.2.77", good_hdr, icmp),
              dst="192.0.2.77"), "not_overlay")
    udp = struct.pack("!HHHH", DEF_SPORT, ctx.port, 8 + len(icmp), 0) + icmp
    add("udp_not_tcp", "rx_drop_not_overlay",
        "UDP to the overlay port instead of TCP",
        ip_l4(l4_seg(ctx.src, ctx.dst, udp, b"", proto=17), proto=17),
        "not_overlay")
    add("wrong_port", "rx_drop_not_overlay",
        "ovnic header sent to port+1",
        ovnic_frame(ctx, icmp, dport=ctx.port + 1), "not_overlay")
    add("ipv4_fragment", "rx_drop_not_overlay",
        "first IPv4 fragment (MF set) of an ovnic packet",
        eth(ctx.dst_mac, ctx.src_mac, ETH_P_IP,
            ipv4(ctx.src, ctx.dst, 6, good_l4, frag=0x2000)), "not_overlay")
    add("ipv4_bad_hdr_csum", "rx_drop_bad_csum",
        "outer IPv4 header checksum wrong",
        eth(ctx.dst_mac, ctx.src_mac, ETH_P_IP,
            ipv4(ctx.src, ctx.dst, 6, good_l4, bad_csum=True)), "csum")
    add("other_ethertype", "rx_drop_not_overlay",
        "a non-IP ethertype to the VF",
        eth(ctx.dst_mac, ctx.src_mac, ETH_P_LOCAL, bytes(64)), "not_overlay")

    # Not ovnic's TCP shape.
    shape = [
        ("shape_doff5", "data offset 5", {"doff": 5}),
        ("shape_doff15", "data offset 15", {"doff": 15}),
        ("shape_syn", "SYN set", {"tcp_flags": TCP_ACK | TCP_SYN}),
        ("shape_fin", "FIN set", {"tcp_flags": TCP_ACK | TCP_FIN}),
        ("shape_rst", "RST set", {"tcp_flags": TCP_ACK | TCP_RST}),
        ("shape_urg", "URG set", {"tcp_flags": TCP_ACK | TCP_URG, "urg": 1}),
        ("shape_no_ack", "ACK clear", {"tcp_flags": TCP_PSH}),
        ("shape_kind254", "option kind 254", {"kind": 254}),
        ("shape_optlen18", "option length 18", {"olen": 18}),
        ("shape_wrong_exid", "ExID 0x4f57", {"exid": OPT_EXID + 1}),
    ]
    for name, d, kw in shape:
        add(name, "rx_drop_bad_shape", d, ovnic_frame(ctx, icmp, **kw), "shape")

    for v in (0, 2, 15):
        add("version_%d" % v, "rx_drop_bad_version", "wire version %d" % v,
            ovnic_frame(ctx, icmp, ver=v), "version")
    add("flag_bit3", "rx_drop_bad_flags", "unknown flag 0x8",
        ovnic_frame(ctx, icmp, flags=0x8), "flags")

    big = inner_icmp(ctx, 1000, seq=7)
    add("len_frame0", "rx_drop_bad_length", "frame length 0",
        ovnic_frame(ctx, icmp, frame_len=0), "length")
    add("len_frame13", "rx_drop_bad_length",
        "frame length 13 (< Ethernet header), 13 bytes of payload",
        ovnic_frame(ctx, icmp[:13], frame_len=13), "length")
    add("len_frame70000", "rx_drop_bad_length",
        "frame length 70000 (> 64 KB)",
        ovnic_frame(ctx, icmp, frame_len=70000), "length")
    add("len_ack_high_bits", "rx_drop_bad_length",
        "ack (frame length) with bit 31 set",
        ovnic_frame(ctx, icmp, frame_len=0x80000000 | len(icmp)), "length")
    add("len_offset_beyond", "rx_drop_bad_length",
        "offset 900 + 200 bytes of a 1000-byte frame",
        ovnic_frame(ctx, big + bytes(100), offset=900, piece=200,
                    frame_len=1000), "length")
    add("len_payload_gt_frame", "rx_drop_bad_length",
        "200 bytes of payload for a 100-byte frame",
        ovnic_frame(ctx, big, offset=0, piece=200, frame_len=100), "length")

    l4off = 14 + 20
    add("offload_l4off_lt14", "rx_drop_bad_offload",
        "CSUM_PARTIAL with inner L4 offset 10",
        ovnic_frame(ctx, icmp, flags=F_CSUM_PARTIAL, l4_off=10, csum_off=2),
        "offload")
    add("offload_csum_beyond", "rx_drop_bad_offload",
        "CSUM_PARTIAL with checksum field beyond the frame",
        ovnic_frame(ctx, icmp, flags=F_CSUM_PARTIAL, l4_off=l4off,
                    csum_off=250), "offload")
    add("offload_gso_no_csum", "rx_drop_bad_offload",
        "GSO without CSUM_PARTIAL",
        ovnic_frame(ctx, icmp, flags=F_GSO, mss=1000), "offload")
    add("offload_gso_mss0", "rx_drop_bad_offload",
        "GSO + CSUM_PARTIAL with inner MSS 0",
        ovnic_frame(ctx, icmp, flags=F_GSO | F_CSUM_PARTIAL, l4_off=l4off,
                    csum_off=16, mss=0), "offload")
    add("offload_gso_not_tcp_csum", "rx_drop_bad_offload",
        "GSO + CSUM_PARTIAL with a checksum offset other than TCP's (2)",
        ovnic_frame(ctx, icmp, flags=F_GSO | F_CSUM_PARTIAL, l4_off=l4off,
                    csum_off=2, mss=1000), "offload")

    add("bad_tcp_csum", "rx_drop_bad_csum", "outer TCP checksum wrong",
        ovnic_frame(ctx, icmp, bad_csum=True), "csum")
    add("wrong_vni", "rx_drop_wrong_vni", "VNI %d + 1" % ctx.vni,
        ovnic_frame(ctx, icmp, vni=ctx.vni + 1), "vni")

    # Nested: a valid outer whose inner frame is an ovnic packet itself.
    nest_in = inner_icmp(ctx, 98, seq=9)
    nh = ovnic_hdr(frame_len=len(nest_in), vni=ctx.vni, dport=OVNIC_PORT,
                   frame_id=0x5e5e0001)
    nested_inner = eth(ctx.in_dst_mac, ctx.in_src_mac, ETH_P_IP,
                       ipv4(ctx.in_src, ctx.in_dst, 6,
                            l4_seg(ctx.in_src, ctx.in_dst, nh, nest_in)))
    add("nested_ovnic", "rx_drop_nested",
        "inner frame is an ovnic packet (TCP to %d with the option)"
        % OVNIC_PORT, ovnic_frame(ctx, nested_inner), "nested")

    # Reassembly: pieces of a 1000-byte frame, sent apart so that GRO does
    # not merge them.
    f1000 = inner_opaque(ctx, 1000, tag=1)
    fid = ctx.next_frame_id()
    # A piece overlapping held bytes at one end only is trimmed (the same
    # bytes of the same frame, e.g. a duplicated segment GRO merged with
    # others): the frame completes. A piece that straddles a held piece
    # (new bytes on both sides of it) kills the whole frame.
    c.append(Case("reasm_overlap_trim", "rx_reasm_done",
                  "pieces [0,600) and [400,1000): overlap at one end, "
                  "trimmed, the frame completes",
                  [ovnic_frame(ctx, f1000, 0, piece=600, frame_id=fid),
                   ovnic_frame(ctx, f1000, 400, piece=600, frame_id=fid)],
                  count=1, gap=0.03, group="reasm"))
    fid = ctx.next_frame_id()
    c.append(Case("reasm_overlap", "rx_drop_reasm_overlap",
                  "pieces [0,300), [600,900), then [200,1000) straddling "
                  "[600,900): the frame is dropped",
                  [ovnic_frame(ctx, f1000, 0, piece=300, frame_id=fid),
                   ovnic_frame(ctx, f1000, 600, piece=300, frame_id=fid),
                   ovnic_frame(ctx, f1000, 200, piece=800, frame_id=fid)],
                  count=1, gap=0.03, group="reasm"))
    fid = ctx.next_frame_id()
    c.append(Case("reasm_dup", "rx_drop_reasm_dup",
                  "piece [0,600) twice, then [600,1000): one duplicate "
                  "(all its bytes held), the frame completes",
                  [ovnic_frame(ctx, f1000, 0, piece=600, frame_id=fid),
                   ovnic_frame(ctx, f1000, 0, piece=600, frame_id=fid),
                   ovnic_frame(ctx, f1000, 600, piece=400, frame_id=fid)],
                  count=1, gap=0.03, group="reasm"))
    fid = ctx.next_frame_id()
    c.append(Case("reasm_hdr_disagree", "rx_drop_reasm_overlap",
                  "pieces [0,600) and [600,1000) of one frame whose "
                  "headers disagree (flags, queue hint)",
                  [ovnic_frame(ctx, f1000, 0, piece=600, frame_id=fid),
                   ovnic_frame(ctx, f1000, 600, piece=400, frame_id=fid,
                               flags=F_CLASSIFIED, queue_hint=1)],
                  count=1, gap=0.03, group="reasm"))
    fid = ctx.next_frame_id()
    c.append(Case("reasm_timeout", "rx_drop_reasm_timeout",
                  "piece [0,600) of a 1000-byte frame, never completed",
                  [ovnic_frame(ctx, f1000, 0, piece=600, frame_id=fid)],
                  count=1, wait=reasm_timeout_ms / 1000.0 + 3.0,
                  group="reasm"))

    if ipv6_underlay:
        c.extend(corpus6(ctx))
    return c


def corpus6(ctx):
    """A few of the cases over an IPv6 underlay (ctx.src/dst are IPv6)."""
    c = []
    icmp = inner_icmp(ctx, 98)
    c.append(Case("v6_valid_frame", "rx_frames", "IPv6 underlay: valid frame",
                  [ovnic_frame(ctx, inner_opaque(ctx, 200))] * REPEAT,
                  group="control", exact=False))
    hdr = ovnic_hdr(frame_len=len(icmp), vni=ctx.vni, dport=ctx.port)
    l4 = l4_seg(ctx.src, ctx.dst, hdr, icmp)
    c.append(Case("v6_trunc_tcp_partial", "rx_drop_short",
                  "IPv6 underlay: 12 bytes of the TCP header",
                  [outer(ctx, l4[:12])] * REPEAT, group="short"))
    for name, counter, d, kw in [
            ("v6_shape_syn", "rx_drop_bad_shape", "SYN set",
             {"tcp_flags": TCP_ACK | TCP_SYN}),
            ("v6_version_2", "rx_drop_bad_version", "version 2", {"ver": 2}),
            ("v6_len_frame70000", "rx_drop_bad_length", "frame length 70000",
             {"frame_len": 70000}),
            ("v6_bad_tcp_csum", "rx_drop_bad_csum", "TCP checksum wrong",
             {"bad_csum": True}),
            ("v6_wrong_vni", "rx_drop_wrong_vni", "VNI + 1",
             {"vni": ctx.vni + 1})]:
        c.append(Case(name, counter, "IPv6 underlay: " + d,
                      [ovnic_frame(ctx, icmp, **kw)] * REPEAT, group=counter))
    return c


##############################################################################
# A model of the receiver, from the specification (ovnic_proto.h and the
# conventions): which counter a frame increases. Used by "selfcheck" to
# make sure each frame is malformed in exactly the intended way.

def model(frame, local, port, vni, vf_pad=60):
    if len(frame) < vf_pad:
        frame = frame + bytes(vf_pad - len(frame))
    etype = struct.unpack("!H", frame[12:14])[0]
    p = frame[14:]
    if etype == 0x0806:
        return "rx_neigh"
    if etype == ETH_P_IP:
        if len(p) < 20:
            return "rx_drop_short"
        ihl = (p[0] & 0xf) * 4
        if p[0] >> 4 != 4 or ihl < 20:
            return "rx_drop_not_overlay"
        if len(p) < ihl:
            return "rx_drop_short"
        frag = struct.unpack("!H", p[6:8])[0] & 0x3fff
        if socket.inet_ntoa(p[16:20]) != local or p[9] != 6 or frag:
            return "rx_drop_not_overlay"
        if csum16(p[:ihl]) != 0:
            return "rx_drop_bad_csum"
        tot = struct.unpack("!H", p[2:4])[0]
        if tot < ihl or tot > len(p):
            return "rx_drop_short"
        src, dst = socket.inet_ntoa(p[12:16]), local
        seg = p[ihl:tot]
    elif etype == ETH_P_IPV6:
        if len(p) < 40:
            return "rx_drop_short"
        plen = struct.unpack("!H", p[4:6])[0]
        if socket.inet_ntop(socket.AF_INET6, p[24:40]) != local or p[6] != 6:
            return "rx_drop_not_overlay"
        if 40 + plen > len(p):
            return "rx_drop_short"
        src, dst = socket.inet_ntop(socket.AF_INET6, p[8:24]), local
        seg = p[40:40 + plen]
    else:
        return "rx_drop_not_overlay"
    if len(seg) < 4:
        return "rx_drop_short"
    if struct.unpack("!H", seg[2:4])[0] != port:
        return "rx_drop_not_overlay"
    if len(seg) < HDR_LEN:
        return "rx_drop_short"
    if l4_csum(src, dst, 6, seg) != 0:
        return "rx_drop_bad_csum"
    r = parse(seg[:HDR_LEN], len(seg) - HDR_LEN)
    if isinstance(r, str):
        return r
    if r["vni"] != vni:
        return "rx_drop_wrong_vni"
    inner = seg[HDR_LEN:]
    if r["offset"] == 0 and r["frame_len"] == len(inner) and is_nested(inner,
                                                                      port):
        return "rx_drop_nested"
    if r["offset"] != 0 or len(inner) != r["frame_len"]:
        return "reasm"
    return "rx_frames"


def parse(h, payload):
    """ovnic_hdr_parse(): a dict of fields, or the drop counter."""
    seq, ack, doff, fl = struct.unpack("!4xIIBB", h[:14])
    kind, olen, exid, vf = struct.unpack("!BBHB", h[20:25])
    if (doff != (HDR_LEN // 4) << 4 or
            fl & ~(TCP_ACK | TCP_PSH | TCP_ECE | TCP_CWR) or
            not fl & TCP_ACK or kind != OPT_KIND or olen != OPT_LEN or
            exid != OPT_EXID):
        return "rx_drop_bad_shape"
    if vf >> 4 != WIRE_VERSION:
        return "rx_drop_bad_version"
    flags = vf & 0xf
    if flags & ~F_KNOWN:
        return "rx_drop_bad_flags"
    l4off, mss, csoff = struct.unpack("!BHB", h[29:33])
    fid_hi = struct.unpack("!H", h[34:36])[0]
    r = {"vni": int.from_bytes(h[25:28], "big"), "flags": flags,
         "frame_id": (fid_hi << 16) | (seq >> 16), "frame_len": ack,
         "offset": seq & 0xffff}
    if (ack < ETH_HLEN or ack > FRAME_MAX or not payload or payload > ack or
            r["offset"] > ack - payload):
        return "rx_drop_bad_length"
    if flags & F_CSUM_PARTIAL and (l4off < ETH_HLEN or
                                   l4off + csoff + 2 > ack):
        return "rx_drop_bad_offload"
    if flags & F_GSO and (not flags & F_CSUM_PARTIAL or not mss or
                          mss == 0xffff or csoff != 16):
        return "rx_drop_bad_offload"
    return r


def is_nested(inner, port):
    if len(inner) < 14 + 20 + HDR_LEN:
        return False
    etype = struct.unpack("!H", inner[12:14])[0]
    if etype == ETH_P_IP:
        ihl = (inner[14] & 0xf) * 4
        if inner[23] != 6:
            return False
        l4 = inner[14 + ihl:]
    elif etype == ETH_P_IPV6:
        if inner[20] != 6:
            return False
        l4 = inner[54:]
    else:
        return False
    return (len(l4) >= 24 and struct.unpack("!H", l4[2:4])[0] == port and
            l4[20] == OPT_KIND)


##############################################################################
# Valid traffic for the dissector

def valid_traffic(ctx):
    """Valid overlay packets: (description, bytes). Documented in
    ovnic_dissector.sh, which asserts the decoded fields."""
    out = []
    icmp = inner_icmp(ctx, 98, seq=1)
    out.append(("icmp single segment, frame id 0x00120034, C flag, "
                "queue hint 3",
                ovnic_frame(ctx, icmp, frame_id=0x00120034,
                            flags=F_CLASSIFIED, queue_hint=3)))
    big = inner_icmp(ctx, 1500, seq=2)
    fid = 0x00560078
    out.append(("icmp 1500 bytes, segment 1 of 2 (offset 0)",
                ovnic_frame(ctx, big, 0, piece=1000, frame_id=fid,
                            tcp_flags=TCP_ACK)))
    out.append(("icmp 1500 bytes, segment 2 of 2 (offset 1000)",
                ovnic_frame(ctx, big, 1000, piece=500, frame_id=fid)))
    gso = inner_icmp(ctx, 200, seq=3)
    out.append(("offload state: P|G, inner L4 offset 34, MSS 1448, "
                "csum offset 16",
                ovnic_frame(ctx, gso, frame_id=0x00000099,
                            flags=F_CSUM_PARTIAL | F_GSO, l4_off=34,
                            mss=1448, csum_off=16)))
    return out


##############################################################################
# Output

def write_pcap(path, frames):
    s = scapy()
    pkts = [s["Ether"](f) for f in frames]
    s["wrpcap"](path, pkts)


def read_stats(cmd):
    """ethtool -S style "name: value" lines -> dict (names of interest)."""
    out = subprocess.run(cmd, shell=True, check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    st = {}
    for line in out.splitlines():
        k, _, v = line.strip().partition(":")
        v = v.strip()
        if v.isdigit():
            st[k.strip()] = int(v)
    return st


def delta(a, b):
    return {k: b[k] - a.get(k, 0) for k in b if b[k] != a.get(k, 0)}


def inject(a, cases):
    sk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sk.bind((a.iface, 0))
    stats = a.stats_cmd
    for case in cases:
        if case.unreachable and not a.all:
            print(json.dumps({"case": case.name, "counter": case.counter,
                              "count": case.count, "group": case.group,
                              "desc": case.desc, "exact": case.exact,
                              "skip": case.unreachable, "delta": {}}),
                  flush=True)
            continue
        before = read_stats(stats) if stats else {}
        for i, f in enumerate(case.frames):
            if i and case.gap:
                time.sleep(case.gap)
            sk.send(f)
        deadline = time.time() + max(case.wait, a.settle)
        time.sleep(a.settle)
        d = {}
        while stats:
            d = delta(before, read_stats(stats))
            if d.get(case.counter, 0) >= case.count or time.time() > deadline:
                break
            time.sleep(0.2)
        if stats and case.wait:
            time.sleep(a.settle)
            d = delta(before, read_stats(stats))
        print(json.dumps({"case": case.name, "counter": case.counter,
                          "count": case.count, "group": case.group,
                          "desc": case.desc, "exact": case.exact,
                          "sizes": [len(f) for f in
                                                       case.frames],
                          "delta": d}), flush=True)
    sk.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("mode", choices=["list", "selfcheck", "pcap", "inject"])
    ap.add_argument("file", nargs="?", help="pcap file (pcap mode)")
    ap.add_argument("--corpus", action="store_true",
                    help="pcap mode: write the malformed corpus")
    ap.add_argument("--iface", help="inject: interface to send on")
    ap.add_argument("--dst-mac", default="02:00:00:00:0b:00",
                    help="outer destination MAC (receiver's VF)")
    ap.add_argument("--src-mac", default="02:00:00:00:0a:01",
                    help="outer source MAC (the injecting VF's own)")
    ap.add_argument("--src", default=None, help="outer source address")
    ap.add_argument("--dst", default=None,
                    help="outer destination address (receiver's VTEP)")
    ap.add_argument("--ipv6", action="store_true",
                    help="IPv6 underlay cases (with --src/--dst IPv6)")
    ap.add_argument("--vni", type=int, default=DEF_VNI)
    ap.add_argument("--port", type=int, default=OVNIC_PORT)
    ap.add_argument("--inner-dst-mac", default="02:00:00:00:0b:01")
    ap.add_argument("--inner-src-mac", default="02:00:00:00:0a:02")
    ap.add_argument("--inner-src", default="198.51.100.1")
    ap.add_argument("--inner-dst", default="198.51.100.2")
    ap.add_argument("--frame-id-base", type=lambda x: int(x, 0),
                    default=0x1000)
    ap.add_argument("--reasm-timeout", type=int, default=200,
                    help="receiver's reassembly timeout (ms)")
    ap.add_argument("--case", action="append", default=[],
                    help="only these cases (repeatable)")
    ap.add_argument("--stats-cmd",
                    help="inject: command printing the receiver's ethtool -S")
    ap.add_argument("--all", action="store_true",
                    help="inject: send the unreachable cases too")
    ap.add_argument("--settle", type=float, default=0.5,
                    help="inject: seconds to wait after each case")
    a = ap.parse_intermixed_args()

    if a.src is None:
        a.src = DEF_SRC6 if a.ipv6 else DEF_SRC4
    if a.dst is None:
        a.dst = DEF_DST6 if a.ipv6 else DEF_DST4
    ctx = Ctx(a)
    if a.ipv6:
        cases = corpus6(ctx)
    else:
        cases = corpus(ctx, a.reasm_timeout)
    if a.case:
        known = {c.name for c in cases}
        bad = [n for n in a.case if n not in known]
        if bad:
            sys.exit("unknown case(s): " + " ".join(bad))
        cases = [c for c in cases if c.name in a.case]

    if a.mode == "list":
        for c in cases:
            print("%-24s %-24s %d  %s%s" % (c.name, c.counter, c.count, c.desc,
                                            " (unreachable: %s)" %
                                            c.unreachable
                                            if c.unreachable else ""))
    elif a.mode == "selfcheck":
        names = set()
        bad = 0
        for c in cases:
            if c.name in names:
                print("duplicate case name", c.name)
                bad += 1
            names.add(c.name)
            got = [model(f, a.dst, a.port, a.vni) for f in c.frames]
            if c.group == "reasm":
                ok = all(g == "reasm" for g in got)
            else:
                ok = all(g == c.counter for g in got)
            print("%-4s %-24s %-24s %s" % ("ok" if ok else "BAD", c.name,
                                           c.counter, " ".join(got)))
            bad += not ok
        n = len(cases)
        print("%d cases, %d frames, %d bad" %
              (n, sum(len(c.frames) for c in cases), bad))
        sys.exit(1 if bad else 0)
    elif a.mode == "pcap":
        if not a.file:
            sys.exit("pcap mode needs a file name")
        if a.corpus:
            frames = [f for c in cases for f in c.frames]
        else:
            frames = [f for _, f in valid_traffic(ctx)]
            # the same over an IPv6 underlay
            ctx.src, ctx.dst = DEF_SRC6, DEF_DST6
            frames += [f for _, f in valid_traffic(ctx)][:1]
            # and ordinary TCP, which the dissector leaves to TCP
            s = scapy()
            frames.append(bytes(
                s["Ether"](dst=ctx.dst_mac, src=ctx.src_mac) /
                s["IP"](src=DEF_SRC4, dst=DEF_DST4) /
                s["TCP"](sport=40001, dport=80, flags="PA", seq=1000,
                         ack=2000) / s["Raw"](b"GET / HTTP/1.0\r\n\r\n")))
        write_pcap(a.file, frames)
    elif a.mode == "inject":
        if not a.iface:
            sys.exit("inject mode needs --iface")
        if os.geteuid() != 0:
            sys.exit("inject mode needs root")
        inject(a, cases)


if __name__ == "__main__":
    main()
