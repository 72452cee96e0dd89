#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_pktfuzz.py - packet fuzzer of the ovnic overlay receive path, run by
# ovnic_pktfuzz.sh in the test VM.
#
# It builds, before sending anything, a seeded (FUZZ_SEED) pool of "units":
# a unit is one VALID overlay frame as an ovnic sender puts it on the wire
# (IPv4 or IPv6 underlay, after --dst), then mutated, or not. Valid frames
# are:
#   single  a complete inner frame in one outer packet: inner IPv4 (ICMP
#           echo, UDP, TCP), IPv6 (ICMPv6 echo, UDP), ARP, an opaque
#           ethertype; sometimes with the C flag and a queue hint, or
#           CSUM_PARTIAL state for an inner TCP/UDP checksum;
#   multi   an inner frame of 1-9 KB cut into pieces (reassembly), in order
#           or not;
#   gso     an inner TCP frame with GSO + CSUM_PARTIAL state (MSS, inner
#           L4 offset, checksum offset), in one piece or in several.
# Some inner frames are addressed to a host behind the receiving tenant
# (--fwd-dst): the tenant forwards them back out of its VNIC (GSO frames
# from the wire through the forwarding path and ovnic's transmit path).
# Mutations (the "kind" of a unit):
#   valid   unmutated;
#   bitflip 1-8 random bits flipped (after the Ethernet addresses);
#   byte    1-4 bytes or 16-bit words overwritten with interesting values
#           (0, 0xff, 0x80, 0x7f, lengths of the frame, header sizes);
#   trunc   cut short (IP length and checksums fixed or not);
#   extend  random bytes appended (lengths and checksums fixed or not);
#   field   one field of the outer IPv4 or IPv6 header, the TCP-shaped
#           header or the ovnic option (version, flags, VNI, frame id,
#           offset, frame length, queue hint, inner offload state,
#           checksums...) set to an interesting or random value, checksums
#           recomputed (80 %) or left stale;
#   piece   (several pieces) a piece duplicated, overlapping at one end,
#           straddling another, missing (the frame times out), with a
#           header that disagrees, spliced from another frame, of zero
#           bytes, beyond the frame's end, shuffled, re-cut, a frame id
#           shared by two frames;
#   inner   the inner frame mutated (bits, bytes, cut), the outer header
#           valid: garbage delivered to the tenant's stack;
#   ext     (IPv6 underlay only) one or two extension headers (hop-by-hop,
#           routing, fragment, destination options) between the IPv6 and
#           the TCP-shaped header, the payload length fixed or not.
# The Ethernet addresses are never mutated (the VF's MAC filter is not
# ovnic's), nor may a frame carry the addresses given with --forbid (the
# real remote endpoint, the tenant's peer): a mutation that would teach the
# receiver a wrong MAC for them is rebuilt (counted as "filtered").
#
# It then sends the pool in a loop from --iface (AF_PACKET) for --seconds
# (FUZZ_PKT_SECONDS) at --pps (FUZZ_PKT_PPS; 0: as fast as it can), the
# pieces of a unit back to back, and prints frames sent, the achieved rate
# and the mix of kinds; --summary writes them as JSON. A unit is replayed
# with the same seed (and --units): --show N prints unit N (its mutation
# and frames in hex), --only N (FUZZ_PKT_ONLY) sends only unit N; the
# progress lines print the unit being sent.
#
# Exit: 0 done, 1 nothing could be sent, 2 usage.

import argparse
import errno
import json
import os
import random
import socket
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ovnic_corpus as oc  # noqa: E402  (frame builders of the corpus)

ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86dd
ETH_P_ARP = 0x0806
WIRE_MAX = 1514                 # injector's MTU + Ethernet header
KINDS = ("valid", "bitflip", "byte", "trunc", "extend", "field", "piece",
         "inner")
KIND_WEIGHTS = (20, 12, 12, 8, 6, 20, 14, 8)
# An IPv6 underlay adds extension headers between the outer IPv6 header
# and the TCP-shaped one (the IPv4 pools stay as they were for a seed).
KINDS6 = KINDS + ("ext",)
KIND_WEIGHTS6 = KIND_WEIGHTS + (8,)
BASES = ("single", "multi", "gso")
BASE_WEIGHTS = (50, 30, 20)
# IPv6 extension headers: hop-by-hop, routing, fragment, destination
# options, and what is not one (no next header).
EXT_HOP, EXT_ROUTING, EXT_FRAG, EXT_DEST, EXT_NONE = 0, 43, 44, 60, 59


def csum_fold_partial(data):
    """Folded, not complemented sum: what CHECKSUM_PARTIAL leaves."""
    return ~oc.csum16(data) & 0xffff


def pseudo(src, dst, proto, length):
    if len(src) == 16:
        return src + dst + struct.pack("!IxxxB", length, proto)
    return src + dst + struct.pack("!xBH", proto, length)


def fix_csums(b, ip=True, l4=True):
    """Recompute the outer IPv4 header checksum and the TCP checksum of
    frame b (bytearray) as far as its headers can be read."""
    if len(b) < 34:
        return
    etype = struct.unpack_from("!H", b, 12)[0]
    if etype == ETH_P_IP:
        ihl = (b[14] & 0xf) * 4
        if ihl < 20 or 14 + ihl > len(b):
            return
        if ip:
            b[24:26] = b"\0\0"
            b[24:26] = struct.pack("!H", oc.csum16(bytes(b[14:14 + ihl])))
        tot = struct.unpack_from("!H", b, 16)[0]
        end = min(14 + max(tot, ihl), len(b))
        seg_at, proto = 14 + ihl, b[23]
        src, dst = bytes(b[26:30]), bytes(b[30:34])
    elif etype == ETH_P_IPV6 and len(b) >= 54:
        plen = struct.unpack_from("!H", b, 18)[0]
        end = min(54 + plen, len(b))
        seg_at, proto = 54, b[20]
        src, dst = bytes(b[22:38]), bytes(b[38:54])
    else:
        return
    if not l4 or proto != 6 or end - seg_at < 18:
        return
    b[seg_at + 16:seg_at + 18] = b"\0\0"
    seg = bytes(b[seg_at:end])
    c = oc.csum16(pseudo(src, dst, 6, len(seg)) + seg)
    b[seg_at + 16:seg_at + 18] = struct.pack("!H", c)


def set_ip_len(b):
    """IPv4 total length or IPv6 payload length = what the frame holds."""
    if len(b) < 20:
        return
    etype = struct.unpack_from("!H", b, 12)[0]
    if etype == ETH_P_IP:
        b[16:18] = struct.pack("!H", min(len(b) - 14, 0xffff))
    elif etype == ETH_P_IPV6 and len(b) >= 54:
        b[18:20] = struct.pack("!H", min(len(b) - 54, 0xffff))


def ip_fields(v6):
    """Outer IPv4 (or IPv6) header fields of Fuzzer.m_field: (name,
    offset, size, values) in an unmutated frame."""
    if not v6:
        return (
            ("eth.type", 12, 2, (ETH_P_IPV6, ETH_P_ARP, 0x8100, 0x88b5, 0)),
            ("ip.ver_ihl", 14, 1, (0x44, 0x46, 0x4f, 0x65, 0x40, 0x05)),
            ("ip.tos", 15, 1, (0x03, 0xff)),
            ("ip.tot_len", 16, 2, None),
            ("ip.frag", 20, 2, (0x2000, 0x0001, 0x4001, 0x3fff, 0x0000)),
            ("ip.ttl", 22, 1, (0, 1, 255)),
            ("ip.proto", 23, 1, (17, 1, 41, 47, 0)),
            ("ip.src", 26, 4, None),
            ("ip.dst", 30, 4, None))
    return (
        ("eth.type", 12, 2, (ETH_P_IP, ETH_P_ARP, 0x8100, 0x88b5, 0)),
        ("ip6.ver_tc", 14, 1, (0x40, 0x50, 0x70, 0xf0, 0x00, 0x6f)),
        ("ip6.flow", 15, 3, None),
        ("ip6.plen", 18, 2, None),
        ("ip6.nh", 20, 1, (EXT_HOP, EXT_ROUTING, EXT_FRAG, EXT_DEST,
                           EXT_NONE, 17, 58, 41, 47, 135, 255)),
        ("ip6.hlim", 21, 1, (0, 1, 255)),
        ("ip6.src", 22, 16, None),
        ("ip6.dst", 38, 16, None))


def l4_fields(l4):
    """Fields of the TCP-shaped header and the ovnic option at l4."""
    opt = l4 + 20
    return (
        ("tcp.sport", l4, 2, None),
        ("tcp.dport", l4 + 2, 2, (7474, 7476, 0, 0xffff)),
        ("tcp.frame_id_lo", l4 + 4, 2, None),
        ("tcp.offset", l4 + 6, 2, None),
        ("tcp.frame_len", l4 + 8, 4, None),
        ("tcp.doff", l4 + 12, 1, (0x50, 0x60, 0xa1, 0xf0, 0x00, 0xa8)),
        ("tcp.flags", l4 + 13, 1, (0x01, 0x02, 0x04, 0x08, 0x20, 0x11,
                                   0x12, 0xd0, 0x50, 0x90, 0xff, 0x00)),
        ("tcp.window", l4 + 14, 2, (0, 1)),
        ("tcp.csum", l4 + 16, 2, None),
        ("tcp.urg", l4 + 18, 2, (1, 0xffff)),
        ("opt.kind", opt, 1, (254, 252, 0, 1, 2, 8)),
        ("opt.len", opt + 1, 1, (0, 1, 2, 18, 19, 21, 40, 255)),
        ("opt.exid", opt + 2, 2, (0x4f57, 0x564f, 0, 0xffff)),
        ("opt.version", opt + 4, 1, None),
        ("opt.flags", opt + 4, 1, None),
        ("opt.vni", opt + 5, 3, None),
        ("opt.queue_hint", opt + 8, 1, None),
        ("opt.l4_off", opt + 9, 1, None),
        ("opt.mss", opt + 10, 2, (0, 1, 0xffff, 0xfffe, 64, 1448, 9000)),
        ("opt.csum_off", opt + 12, 1, None),
        ("opt.rsvd0", opt + 13, 1, (0xff,)),
        ("opt.frame_id_hi", opt + 14, 2, None),
        ("opt.rsvd1", opt + 16, 4, (0xffffffff,)))


class Unit:
    __slots__ = ("kind", "base", "desc", "frames")

    def __init__(self, kind, base, desc, frames):
        self.kind = kind
        self.base = base
        self.desc = desc
        self.frames = frames


class Fuzzer:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        ns = argparse.Namespace(
            dst_mac=a.dst_mac, src_mac=a.src_mac, src=a.src, dst=a.dst,
            vni=a.vni, port=a.port, inner_dst_mac=a.inner_dst_mac,
            inner_src_mac=a.inner_src_mac, inner_src=a.inner_src,
            inner_dst=a.inner_dst, frame_id_base=0)
        self.ctx = oc.Ctx(ns)
        self.forbid = []
        for addr in a.forbid:
            fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
            self.forbid.append(socket.inet_pton(fam, addr))
        self.filtered = 0
        self.fwd_units = 0
        # the outer L4 header's offset in an unmutated frame, and the
        # room for inner bytes in one outer packet
        self.v6 = oc.is_v6(a.dst)
        self.l4 = 14 + (40 if self.v6 else 20)
        self.piece_max = WIRE_MAX - self.l4 - oc.HDR_LEN
        self.fields = ip_fields(self.v6) + l4_fields(self.l4)
        self.kinds = KINDS6 if self.v6 else KINDS
        self.kind_weights = KIND_WEIGHTS6 if self.v6 else KIND_WEIGHTS

    # --- inner frames -----------------------------------------------------

    def in_eth(self, etype, payload):
        return oc.eth(self.a.inner_dst_mac, self.a.inner_src_mac, etype,
                      payload)

    def in_dsts(self, v6):
        """(src, dst, forwarded?) of an inner IP packet."""
        r = self.rng
        fwd = r.random() < self.a.fwd_share
        if v6:
            return (self.a.inner_src6,
                    self.a.fwd_dst6 if fwd else self.a.inner_dst6, fwd)
        return (self.a.inner_src, self.a.fwd_dst if fwd else
                self.a.inner_dst, fwd)

    def fill(self, n):
        r = self.rng
        if r.random() < 0.5:
            return bytes((i * 7 + 3) & 0xff for i in range(n))
        return r.randbytes(n)

    def inner_single(self, size):
        """(inner frame, description, offload dict) of about size bytes."""
        r = self.rng
        what = r.choice(("icmp4", "udp4", "tcp4", "icmp6", "udp6", "arp",
                         "opaque", "icmp4", "udp4", "tcp4", "icmp6", "udp6",
                         "arp", "opaque", "nested"))
        off = {}
        if what == "nested":
            # an ovnic packet inside an ovnic packet
            pay = self.fill(max(size - 34 - oc.HDR_LEN, 14))
            h = oc.ovnic_hdr(frame_id=r.getrandbits(32), frame_len=len(pay),
                             vni=self.a.vni, dport=self.a.port)
            seg = oc.l4_seg(self.a.inner_src, self.a.inner_dst, h, pay)
            return (self.in_eth(ETH_P_IP, oc.ipv4(self.a.inner_src,
                                                  self.a.inner_dst, 6, seg)),
                    "nested ovnic", off)
        v6 = what.endswith("6")
        if what in ("arp", "opaque"):
            if what == "arp":
                op = r.choice((1, 2))
                body = struct.pack(
                    "!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, op,
                    oc.mac_bytes(self.a.inner_src_mac),
                    socket.inet_aton(self.a.inner_src),
                    oc.mac_bytes(self.a.inner_dst_mac) if op == 2 else
                    bytes(6), socket.inet_aton(self.a.inner_dst))
                return self.in_eth(ETH_P_ARP, body), "arp op %d" % op, off
            return (self.in_eth(oc.ETH_P_LOCAL, self.fill(max(size - 14,
                                                              46))),
                    "opaque", off)
        src, dst, fwd = self.in_dsts(v6)
        self.fwd_units += fwd
        hl = 54 if v6 else 34
        pay = self.fill(max(size - hl - 20, 0))
        if what.startswith("icmp"):
            if v6:
                seg = bytearray(struct.pack("!BBHHH", 128, 0, 0, 0x4f56,
                                            r.randrange(65536)) + pay)
                seg[2:4] = struct.pack("!H", oc.l4_csum(src, dst, 58,
                                                        bytes(seg)))
                pkt = oc.ipv6(src, dst, 58, bytes(seg))
            else:
                seg = bytearray(struct.pack("!BBHHH", 8, 0, 0, 0x4f56,
                                            r.randrange(65536)) + pay)
                seg[2:4] = struct.pack("!H", oc.csum16(bytes(seg)))
                pkt = oc.ipv4(src, dst, 1, bytes(seg))
            proto = None
        elif what.startswith("udp"):
            hdr = struct.pack("!HHHH", r.randrange(1024, 65536),
                              r.choice((7, 9, 53, 4789, r.randrange(65536))),
                              8 + len(pay), 0)
            seg = oc.l4_seg(src, dst, hdr, pay, proto=17)
            proto = 17
        else:
            hdr = struct.pack("!HHIIBBHHH", r.randrange(1024, 65536),
                              r.choice((22, 80, 5201, r.randrange(65536))),
                              r.getrandbits(32), r.getrandbits(32), 5 << 4,
                              r.choice((0x10, 0x18, 0x02, 0x12, 0x11)),
                              0xffff, 0, 0)
            seg = oc.l4_seg(src, dst, hdr, pay)
            proto = 6
        if proto:
            csoff = 6 if proto == 17 else 16
            if r.random() < 0.3:
                # CSUM_PARTIAL: the field holds the pseudo-header sum
                seg = bytearray(seg)
                s, d = (socket.inet_pton(socket.AF_INET6 if v6 else
                                         socket.AF_INET, x)
                        for x in (src, dst))
                seg[csoff:csoff + 2] = struct.pack(
                    "!H", csum_fold_partial(pseudo(s, d, proto, len(seg))))
                seg = bytes(seg)
                off = {"flags": oc.F_CSUM_PARTIAL, "l4_off": hl,
                       "csum_off": csoff}
            pkt = (oc.ipv6(src, dst, proto, seg) if v6 else
                   oc.ipv4(src, dst, proto, seg))
        etype = ETH_P_IPV6 if v6 else ETH_P_IP
        return (self.in_eth(etype, pkt), what + (" fwd" if fwd else ""),
                off)

    def inner_gso(self, size):
        """An inner TCP GSO frame: (frame, description, offload dict)."""
        r = self.rng
        v6 = r.random() < 0.3
        src, dst, fwd = self.in_dsts(v6)
        self.fwd_units += fwd
        hl = 54 if v6 else 34
        mss = r.choice((536, 1000, 1200, 1448, r.randrange(64, 1500)))
        pay = self.fill(max(size - hl - 20, mss + 1))
        hdr = bytearray(struct.pack(
            "!HHIIBBHHH", r.randrange(1024, 65536),
            r.choice((80, 5201, r.randrange(65536))), r.getrandbits(32),
            r.getrandbits(32), 5 << 4, 0x18, 0xffff, 0, 0))
        fam = socket.AF_INET6 if v6 else socket.AF_INET
        s, d = socket.inet_pton(fam, src), socket.inet_pton(fam, dst)
        seg = bytearray(hdr + pay)
        seg[16:18] = struct.pack("!H", csum_fold_partial(
            pseudo(s, d, 6, len(seg))))
        if v6:
            pkt = oc.ipv6(src, dst, 6, bytes(seg))
        else:
            pkt = oc.ipv4(src, dst, 6, bytes(seg))
        frame = self.in_eth(ETH_P_IPV6 if v6 else ETH_P_IP, pkt)
        off = {"flags": oc.F_CSUM_PARTIAL | oc.F_GSO, "l4_off": hl,
               "csum_off": 16, "mss": mss}
        return frame, "tcp%s gso mss %d%s" % ("6" if v6 else "4", mss,
                                              " fwd" if fwd else ""), off

    # --- outer packets ----------------------------------------------------

    def piece(self, inner, off, n, fid, sport, hdr, flen=None, last=None,
              payload=None):
        """One outer packet with inner[off:off + n] (or payload)."""
        if flen is None:
            flen = len(inner)
        if payload is None:
            payload = inner[off:off + n]
        if last is None:
            last = off + len(payload) >= flen
        kw = dict(hdr)
        kw.setdefault("tcp_flags", oc.TCP_ACK | (oc.TCP_PSH if last else 0))
        h = oc.ovnic_hdr(sport=sport, dport=self.a.port, frame_id=fid,
                         offset=off, frame_len=flen, vni=self.a.vni, **kw)
        return bytearray(oc.outer(self.ctx, oc.l4_seg(self.a.src, self.a.dst,
                                                      h, payload)))

    def cuts(self, total):
        """Piece boundaries [(off, n)] of a frame of total bytes."""
        r = self.rng
        out = []
        off = 0
        pm = self.piece_max
        size = r.choice((pm, 1000, 1400, 512, r.randrange(64, 1400)))
        while off < total:
            n = min(size if r.random() < 0.8 else r.randrange(1, pm),
                    total - off)
            out.append((off, n))
            off += n
        return out

    def base(self, base):
        """A valid unit: (frames, description, state for mutations)."""
        r = self.rng
        fid = r.getrandbits(32)
        sport = r.randrange(32768, 61000)
        hdr = {}
        pm = self.piece_max
        if base == "single":
            inner, d, off = self.inner_single(
                r.choice((60, 98, 200, 576, r.randrange(42, pm + 1))))
            inner = inner[:pm]
            hdr.update(off)
            if r.random() < 0.3:
                hdr["flags"] = hdr.get("flags", 0) | oc.F_CLASSIFIED
                hdr["queue_hint"] = r.randrange(256)
            cuts = [(0, len(inner))]
        elif base == "multi":
            inner, d, off = self.inner_single(r.randrange(pm + 1, 9000))
            hdr.update(off)
            cuts = self.cuts(len(inner))
        else:
            size = r.choice((r.randrange(200, pm), r.randrange(pm, 16000)))
            inner, d, off = self.inner_gso(size)
            hdr.update(off)
            cuts = self.cuts(len(inner))
        # ovnic_hdr takes l4_off, mss, csum_off, flags, queue_hint
        st = {"inner": inner, "fid": fid, "sport": sport, "hdr": hdr,
              "cuts": cuts}
        frames = [self.piece(inner, o, n, fid, sport, hdr) for o, n in cuts]
        order = ""
        if len(frames) > 1 and r.random() < 0.2:
            frames.reverse()
            order = ", reversed"
        return frames, "%s %s %d B in %d piece%s%s" % (
            base, d, len(inner), len(cuts), "s" if len(cuts) > 1 else "",
            order), st

    # --- mutations --------------------------------------------------------

    def interesting8(self, b):
        r = self.rng
        return r.choice((0, 1, 0x7f, 0x80, 0xff, 14, 20, 40, 0x45, 0x50,
                         len(b) & 0xff, r.randrange(256)))

    def interesting16(self, b):
        r = self.rng
        n = len(b)
        return r.choice((0, 1, 13, 14, 0x7fff, 0x8000, 0xffff, n, n - 14,
                         n - self.l4, n - self.l4 - oc.HDR_LEN, n + 1, 7475,
                         r.randrange(65536))) & 0xffff

    def m_bitflip(self, b):
        r = self.rng
        k = r.randrange(1, 9)
        where = []
        for _ in range(k):
            i = r.randrange(12, len(b))
            bit = r.randrange(8)
            b[i] ^= 1 << bit
            where.append("%d.%d" % (i, bit))
        return "bits " + ",".join(where)

    def m_byte(self, b):
        r = self.rng
        where = []
        for _ in range(r.randrange(1, 5)):
            if r.random() < 0.5 and len(b) > 14:
                i = r.randrange(12, len(b) - 1)
                v = self.interesting16(b)
                b[i:i + 2] = struct.pack("!H", v)
                where.append("%d=0x%04x" % (i, v))
            else:
                i = r.randrange(12, len(b))
                v = self.interesting8(b)
                b[i] = v
                where.append("%d=0x%02x" % (i, v))
        return "bytes " + ",".join(where)

    def m_trunc(self, b):
        r = self.rng
        n = r.choice((r.randrange(14, len(b)), r.randrange(14, 80),
                      r.randrange(max(14, len(b) - 60), len(b))))
        del b[n:]
        fixed = r.random() < 0.5
        if fixed:
            set_ip_len(b)
            fix_csums(b)
        return "cut to %d%s" % (n, ", lengths fixed" if fixed else "")

    def m_extend(self, b):
        r = self.rng
        n = r.randrange(1, max(2, min(300, WIRE_MAX - len(b) + 1)))
        b += self.fill(n)
        del b[WIRE_MAX:]
        fixed = r.random() < 0.5
        if fixed:
            set_ip_len(b)
            fix_csums(b)
        return "%d bytes appended%s" % (n, ", lengths fixed" if fixed else
                                        "")

    def m_field(self, b, st):
        r = self.rng
        name, off, size, vals = r.choice(self.fields)
        if off + size > len(b):
            return self.m_byte(b)
        inner = st["inner"] if st else b""
        cur = int.from_bytes(b[off:off + size], "big")
        if name == "opt.version":
            v = (r.choice((0, 2, 3, 15)) << 4) | (cur & 0xf)
        elif name == "opt.flags":
            v = (cur & 0xf0) | r.randrange(16)
        elif name == "opt.vni":
            v = r.choice((self.a.vni + 1, self.a.vni - 1, 0, 0xffffff,
                          self.a.vni ^ 0x800000))
        elif name == "ip.tot_len":
            n = len(b) - 14
            v = r.choice((0, 19, 20, 21, 39, 59, 60, n - 1, n + 1, n + 200,
                          0xffff))
        elif name == "ip6.plen":
            n = len(b) - 54
            v = r.choice((0, 1, 19, 20, 21, 39, n - 1, n + 1, n + 200,
                          0xffff))
        elif name in ("ip.src", "ip6.src"):
            v = int.from_bytes(r.randbytes(size), "big")
        elif name in ("ip.dst", "ip6.dst"):
            fam = socket.AF_INET6 if self.v6 else socket.AF_INET
            v = int.from_bytes(socket.inet_pton(fam, self.a.dst), "big") ^ \
                (1 << r.randrange(8 * size))
        elif name == "ip6.ver_tc":
            v = (r.choice(vals) & 0xf0) | (cur & 0xf)
        elif name == "tcp.frame_len":
            n = len(inner)
            v = r.choice((0, 1, 13, 14, n - 1, n + 1, 2 * n, 0xffff, 0x10000,
                          70000, 0x80000000 | n, r.getrandbits(32)))
        elif name == "tcp.offset":
            n = len(inner)
            v = r.choice((0, 1, cur + 1, cur - 1, n, n - 1, 0xffff,
                          r.randrange(max(1, n)))) & 0xffff
        elif name in ("tcp.frame_id_lo", "opt.frame_id_hi", "tcp.sport"):
            v = r.choice((cur ^ 1, 0, 0xffff, r.randrange(65536)))
        elif name == "opt.l4_off":
            v = r.choice((0, 13, 14, 34, 54, 200, 255, r.randrange(256)))
        elif name in ("opt.csum_off", "opt.queue_hint"):
            v = r.choice((0, 2, 6, 16, 17, 254, 255, r.randrange(256)))
        elif name == "tcp.csum":
            v = r.choice((0, 0xffff, cur ^ 0xffff, cur ^ 1))
        elif vals:
            v = r.choice(vals)
        else:
            v = r.getrandbits(8 * size)
        v &= (1 << (8 * size)) - 1
        b[off:off + size] = v.to_bytes(size, "big")
        how = "stale"
        if name != "tcp.csum" and r.random() < 0.8:
            fix_csums(b, ip=name != "ip.csum")
            how = "fixed"
        return "%s 0x%x -> 0x%x (csums %s)" % (name, cur, v, how)

    def m_ext(self, b):
        """IPv6: one or two extension headers before the TCP-shaped header
        (payload length fixed or not; the TCP checksum stays right: none
        of these headers changes the pseudo-header)."""
        r = self.rng
        exts = []
        for _ in range(r.choice((1, 1, 1, 2))):
            t = r.choice((EXT_HOP, EXT_ROUTING, EXT_FRAG, EXT_DEST))
            if t == EXT_FRAG:
                # an atomic fragment, a first fragment, a later one
                fo = r.choice((0x0000, 0x0001, 0x0008, 0x00b9))
                body = struct.pack("!BxHI", 0, fo, r.getrandbits(32))
                exts.append((t, body, "frag 0x%04x" % fo))
            elif t == EXT_ROUTING:
                rtype = r.choice((0, 2, 3, 4, 253))
                body = struct.pack("!BBBBI", 0, 0, rtype, r.choice((0, 1)),
                                   0)
                exts.append((t, body, "routing type %d" % rtype))
            else:
                # PadN, or an option whose type says "discard"
                if r.random() < 0.5:
                    opts = b"\x01\x04\0\0\0\0"
                else:
                    opts = bytes((r.choice((0x1e, 0x5e, 0x9e, 0xde)), 4)) + \
                        r.randbytes(4)
                exts.append((t, b"\0\0" + opts,
                             "%s opt 0x%02x" % ("hop" if t == EXT_HOP else
                                                "dest", opts[0])))
        # chain: IPv6 -> ext... -> what the IPv6 header named (TCP)
        nh = b[20]
        blob = b""
        for t, body, _ in reversed(exts):
            body = bytearray(body)
            body[0] = nh
            if t != EXT_FRAG:
                body[1] = len(body) // 8 - 1
            blob = bytes(body) + blob
            nh = t
        b[20] = nh
        b[54:54] = blob
        cut = len(b) > WIRE_MAX
        del b[WIRE_MAX:]
        fixed = r.random() < 0.7
        if fixed:
            set_ip_len(b)
        return "ext %s%s%s" % ("+".join(d for _, _, d in exts),
                               ", cut to %d" % WIRE_MAX if cut else "",
                               ", length fixed" if fixed else "")

    def m_inner(self, frames, st):
        """Mutate the inner frame, rebuild valid outer packets."""
        r = self.rng
        inner = bytearray(st["inner"])
        how = r.random()
        if how < 0.4:
            for _ in range(r.randrange(1, 9)):
                inner[r.randrange(len(inner))] ^= 1 << r.randrange(8)
            d = "inner bits flipped"
        elif how < 0.7:
            for _ in range(r.randrange(1, 5)):
                i = r.randrange(len(inner))
                inner[i] = self.interesting8(inner)
            d = "inner bytes overwritten"
        elif how < 0.9:
            n = r.randrange(14, len(inner))
            del inner[n:]
            d = "inner cut to %d" % n
        else:
            i = r.randrange(12, min(len(inner), 60))
            inner[i] = self.interesting8(inner)
            d = "inner header byte %d" % i
        inner = bytes(inner)
        cuts = [(o, n) for o, n in st["cuts"] if o < len(inner)]
        cuts = [(o, min(n, len(inner) - o)) for o, n in cuts]
        return [self.piece(inner, o, n, st["fid"], st["sport"], st["hdr"])
                for o, n in cuts], d

    def m_piece(self, frames, st):
        r = self.rng
        inner, fid, sport, hdr = (st["inner"], st["fid"], st["sport"],
                                  st["hdr"])
        cuts = st["cuts"]
        n = len(inner)

        def mk(o, k, **kw):
            return self.piece(inner, o, k, kw.pop("fid", fid), sport,
                              kw.pop("hdr", hdr), **kw)
        how = r.choice(("dup", "trim", "straddle", "drop", "disagree",
                        "splice", "zero", "beyond", "shuffle", "recut",
                        "collide"))
        if how == "straddle" and n < 221:
            # too short to hold both pieces (an ARP frame in two pieces)
            how = "shuffle"
        out = [mk(o, k) for o, k in cuts]
        if how == "dup":
            i = r.randrange(len(out))
            out.insert(r.randrange(i, len(out)) + 1, bytearray(out[i]))
            d = "piece %d sent twice" % i
        elif how == "trim":
            i = r.randrange(1, len(cuts))
            o, k = cuts[i]
            back = r.randrange(1, min(o, 600) + 1)
            out[i] = mk(o - back, min(k + back, self.piece_max))
            d = "piece %d starts %d bytes early (overlap at one end)" % (i,
                                                                        back)
        elif how == "straddle":
            # a short piece held, then one with new bytes on both sides
            a = r.randrange(60, n - 160)
            out[:0] = [mk(a, 100), mk(a - 50, 200)]
            d = "[%d,%d) then [%d,%d) straddling it, then the frame" % (
                a, a + 100, a - 50, a + 150)
        elif how == "drop":
            return self.m_piece_drop(out, cuts)
        elif how == "disagree":
            i = r.randrange(len(out))
            h = dict(hdr)
            f = r.choice(("flags", "queue_hint", "frame_len", "mss"))
            if f == "flags":
                h["flags"] = h.get("flags", 0) ^ oc.F_CLASSIFIED
            elif f == "queue_hint":
                h["queue_hint"] = h.get("queue_hint", 0) ^ 1
            elif f == "mss":
                h["mss"] = h.get("mss", 0) + 1
            o, k = cuts[i]
            if f == "frame_len":
                out[i] = mk(o, k, flen=n + 1)
            else:
                out[i] = mk(o, k, hdr=h)
            d = "piece %d header disagrees (%s)" % (i, f)
        elif how == "splice":
            i = r.randrange(len(out))
            o, k = cuts[i]
            out[i] = mk(o, k, payload=self.fill(k))
            d = "piece %d: other bytes, same frame id" % i
        elif how == "zero":
            out.insert(r.randrange(len(out) + 1),
                       mk(r.randrange(n), 0, payload=b""))
            d = "zero-byte piece added"
        elif how == "beyond":
            k = r.randrange(1, 200)
            out.insert(r.randrange(len(out) + 1),
                       mk(max(n - k + r.randrange(1, 100), 0), k,
                          payload=self.fill(k)))
            d = "piece of %d bytes past the frame's end" % k
        elif how == "shuffle":
            r.shuffle(out)
            d = "pieces shuffled"
        elif how == "recut":
            o = r.randrange(0, max(1, n - 1))
            k = min(r.randrange(1, self.piece_max), n - o)
            out.append(mk(o, k))
            d = "extra piece [%d,%d) cut elsewhere" % (o, o + k)
        else:
            other, _, _ = self.inner_single(r.randrange(self.piece_max + 1,
                                                        4000))
            oc_cuts = self.cuts(len(other))
            extra = [self.piece(other, o, k, fid, sport, hdr)
                     for o, k in oc_cuts]
            merged = []
            for i in range(max(len(out), len(extra))):
                merged += out[i:i + 1] + extra[i:i + 1]
            out = merged
            d = "frame id shared with another frame of %d B" % len(other)
        return out, d

    def m_piece_drop(self, out, cuts):
        i = self.rng.randrange(len(out))
        del out[i]
        return out, "piece %d of %d missing (times out)" % (i, len(cuts))

    def forbidden(self, frames):
        for f in frames:
            for pat in self.forbid:
                if pat in f:
                    return True
        return False

    def unit(self):
        r = self.rng
        for _ in range(20):
            base = r.choices(BASES, BASE_WEIGHTS)[0]
            kind = r.choices(self.kinds, self.kind_weights)[0]
            frames, desc, st = self.base(base)
            if kind == "piece" and len(frames) < 2:
                kind = "field"
            if kind == "valid":
                d = "unmutated"
            elif kind == "piece":
                frames, d = self.m_piece(frames, st)
            elif kind == "inner":
                frames, d = self.m_inner(frames, st)
            else:
                i = r.randrange(len(frames))
                b = frames[i]
                if kind == "bitflip":
                    d = self.m_bitflip(b)
                elif kind == "byte":
                    d = self.m_byte(b)
                elif kind == "trunc":
                    d = self.m_trunc(b)
                elif kind == "extend":
                    d = self.m_extend(b)
                elif kind == "ext":
                    d = self.m_ext(b)
                else:
                    d = self.m_field(b, st)
                if len(frames) > 1:
                    d = "piece %d: %s" % (i, d)
            frames = [bytes(f[:WIRE_MAX]) for f in frames if len(f) >= 14]
            if not frames:
                continue
            if self.forbidden(frames):
                self.filtered += 1
                continue
            return Unit(kind, base, "%s: %s" % (desc, d), frames)
        return Unit("valid", "single", "fallback", [bytes(self.piece(
            b"\0" * 60, 0, 60, r.getrandbits(32), 40000, {}))])

    def build(self, n):
        return [self.unit() for _ in range(n)]


def send_loop(a, pool, only, kinds):
    sk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sk.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
    sk.bind((a.iface, 0))
    seq = [(i, f) for i, u in enumerate(pool) for f in u.frames]
    if only is not None:
        seq = [(only, f) for f in pool[only].frames]
    kind_of = [u.kind for u in pool]
    sent = {k: 0 for k in kinds}
    errs = {}
    n = 0
    total = 0
    cycles = 0
    t0 = time.monotonic()
    end = t0 + a.seconds
    next_report = t0 + a.report
    pps = a.pps
    pos = 0
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if now >= next_report:
            el = now - t0
            print("# pktfuzz: %5.1f s: %d frames sent, %d pps, cycle %d, "
                  "unit %d" % (el, total, total / el, cycles, seq[pos][0]),
                  flush=True)
            next_report += a.report
        if pps:
            due = int((now - t0) * pps) - n
            if due <= 0:
                time.sleep(min(0.002, end - now))
                continue
            burst = min(due, 64)
        else:
            burst = 64
        for _ in range(burst):
            unit, f = seq[pos]
            try:
                sk.send(f)
                sent[kind_of[unit]] += 1
                total += 1
            except OSError as e:
                name = errno.errorcode.get(e.errno, str(e.errno))
                errs[name] = errs.get(name, 0) + 1
                if e.errno == errno.ENOBUFS:
                    time.sleep(0.001)
            n += 1
            pos += 1
            if pos == len(seq):
                pos = 0
                cycles += 1
    el = time.monotonic() - t0
    sk.close()
    return {"sent": total, "attempts": n, "send_errors": errs,
            "seconds": round(el, 2), "pps": int(total / el) if el else 0,
            "target_pps": pps, "cycles": cycles, "sent_by_kind": sent}


def main():
    env = os.environ
    seed_env = env.get("FUZZ_SEED")
    p = argparse.ArgumentParser(description="ovnic overlay packet fuzzer")
    p.add_argument("--iface", help="interface to send on (AF_PACKET)")
    p.add_argument("--dst-mac", default="02:00:00:00:0b:00",
                   help="receiving VF's MAC")
    p.add_argument("--src-mac", default="02:00:00:00:0a:01",
                   help="injecting VF's own MAC")
    p.add_argument("--src", default="192.0.2.200",
                   help="outer source (a spoofed endpoint)")
    p.add_argument("--dst", default=oc.DEF_DST4,
                   help="receiver's endpoint (IPv4 or IPv6: the underlay)")
    p.add_argument("--vni", type=int, default=oc.DEF_VNI)
    p.add_argument("--port", type=int, default=oc.OVNIC_PORT)
    p.add_argument("--inner-dst-mac", default="02:00:00:00:0b:01",
                   help="receiving VNIC's MAC")
    p.add_argument("--inner-src-mac", default="02:00:00:00:0f:0f")
    p.add_argument("--inner-src", default="198.51.100.77",
                   help="inner source: a spoofed tenant host")
    p.add_argument("--inner-dst", default="198.51.100.2")
    p.add_argument("--inner-src6", default="2001:db8:100::77")
    p.add_argument("--inner-dst6", default="2001:db8:100::2")
    p.add_argument("--fwd-dst", default="198.51.100.99",
                   help="inner destination the receiving tenant forwards")
    p.add_argument("--fwd-dst6", default="2001:db8:100::99")
    p.add_argument("--fwd-share", type=float, default=0.15,
                   help="share of inner IP packets to the forwarded host")
    p.add_argument("--forbid", action="append", default=[],
                   help="address no frame may contain (repeatable)")
    p.add_argument("--seed", type=int,
                   default=int(seed_env) if seed_env else
                   int.from_bytes(os.urandom(4), "little"))
    p.add_argument("--seconds", type=float,
                   default=float(env.get("FUZZ_PKT_SECONDS", "60")))
    p.add_argument("--pps", type=int,
                   default=int(env.get("FUZZ_PKT_PPS", "2000")),
                   help="frames per second, 0: as fast as possible")
    p.add_argument("--units", type=int,
                   default=int(env.get("FUZZ_PKT_UNITS", "3000")),
                   help="units in the pool (sent in a loop)")
    p.add_argument("--report", type=float, default=10.0,
                   help="seconds between progress lines")
    p.add_argument("--summary", help="write the figures as JSON here")
    p.add_argument("--show", type=int, action="append", default=[],
                   help="print unit N (hex) and exit")
    only = env.get("FUZZ_PKT_ONLY")
    p.add_argument("--only", type=int, default=int(only) if only else None,
                   help="send only unit N, in a loop (FUZZ_PKT_ONLY)")
    a = p.parse_args()

    t = time.monotonic()
    fz = Fuzzer(a)
    pool = fz.build(a.units)
    build_s = time.monotonic() - t
    units = {k: 0 for k in fz.kinds}
    frames = {k: 0 for k in fz.kinds}
    bases = {k: 0 for k in BASES}
    for u in pool:
        units[u.kind] += 1
        frames[u.kind] += len(u.frames)
        bases[u.base] += 1
    nframes = sum(frames.values())

    if a.show:
        for i in a.show:
            u = pool[i]
            print("unit %d: %s [%s]" % (i, u.kind, u.desc))
            for f in u.frames:
                print("  " + f.hex())
        return 0
    if not a.iface:
        print("--iface is required", file=sys.stderr)
        return 2
    if a.only is not None and not 0 <= a.only < len(pool):
        print("--only: no unit %d" % a.only, file=sys.stderr)
        return 2

    print("# pktfuzz: seed %d (FUZZ_SEED=%d to replay), %d units, %d frames "
          "built in %.1f s, %d filtered; %s for %g s" %
          (a.seed, a.seed, len(pool), nframes, build_s, fz.filtered,
           "%d pps" % a.pps if a.pps else "max rate", a.seconds), flush=True)
    print("# pktfuzz: bases %s, %d forwarded inner" %
          (" ".join("%s=%d" % kv for kv in bases.items()), fz.fwd_units))
    if a.only is not None:
        u = pool[a.only]
        print("# pktfuzz: only unit %d: %s [%s], %d frames" %
              (a.only, u.kind, u.desc, len(u.frames)))
    res = send_loop(a, pool, a.only, fz.kinds)
    print("# pktfuzz: sent %d frames in %.1f s: %d pps (target %s), %d "
          "cycles of the pool, send errors %s" %
          (res["sent"], res["seconds"], res["pps"],
           a.pps or "max", res["cycles"], res["send_errors"] or "none"))
    print("# pktfuzz: mix (kind: units/frames in the pool, frames sent): " +
          ", ".join("%s %d/%d %d" % (k, units[k], frames[k],
                                     res["sent_by_kind"][k]) for k in
                                     fz.kinds))
    res.update({"seed": a.seed, "units": len(pool), "frames": nframes,
                "build_s": round(build_s, 1), "filtered": fz.filtered,
                "units_by_kind": units, "frames_by_kind": frames,
                "bases": bases, "fwd_units": fz.fwd_units})
    if a.summary:
        with open(a.summary, "w") as f:
            json.dump(res, f)
    return 0 if res["sent"] else 1


if __name__ == "__main__":
    sys.exit(main())
