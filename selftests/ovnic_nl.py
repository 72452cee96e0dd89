#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Minimal raw rtnetlink client for the ovnic selftests.
#
# It sends one RTM_NEWLINK request for kind "ovnic" built by hand (socket and
# struct modules only), so that the tests can express requests the ip plugin
# refuses to build: a missing PF or VF attribute, an unknown PF ifindex,
# out-of-range values, attributes of the wrong length or type, a changelink
# carrying PF/VF. Extended ACK is requested; the kernel's answer is printed as
#
#   ok                                   (exit 0)
#   error <errno> <ERRNAME> (<strerror>): <extack>   (on stderr, exit 1)
#
# Usage:
#   ovnic_nl.py [--change] [--name NAME] [--no-kind] [--no-data]
#               [--pf IFINDEX | --pf-dev NAME] [--vf N] [--vlan N]
#               [--spoofchk N] [--trust N] [--attr NAME=TYPE:VALUE ...]
#
# --attr adds any attribute to IFLA_INFO_DATA: NAME is pf, vf, vlan,
# spoofchk, trust, lower, pci or a number; TYPE is u8, u16, u32, u64, str
# (NUL terminated), bin (hex bytes) or empty (no payload).
# --change sends a changelink (no NLM_F_CREATE/EXCL) to the existing NAME.

import argparse
import errno
import os
import socket
import struct
import sys

NETLINK_ROUTE = 0
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11

NLMSG_ERROR = 2
RTM_NEWLINK = 16

NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLM_F_EXCL = 0x200
NLM_F_CREATE = 0x400
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200

NLA_F_NESTED = 0x8000

IFLA_IFNAME = 3
IFLA_LINKINFO = 18
IFLA_INFO_KIND = 1
IFLA_INFO_DATA = 2

NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2

# Also used by the fault-injection driver and the netlink fuzzer.
NETLINK_GENERIC = 16
NLMSG_DONE = 3
NLM_F_DUMP = 0x300
RTM_DELLINK = 17
RTM_GETLINK = 18
IFLA_ADDRESS = 1
IFF_UP = 0x1
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2

# include/uapi/linux/ovnic.h
OVNIC_ATTRS = {
    "pf": 1,
    "vf": 2,
    "vlan": 3,
    "spoofchk": 4,
    "trust": 5,
    "lower": 6,
    "pci": 7,
}


def align4(n):
    return (n + 3) & ~3


def nla(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * (align4(len(payload)) - len(payload))


def encode(typ, value):
    if typ == "u8":
        return struct.pack("=B", int(value, 0))
    if typ == "u16":
        return struct.pack("=H", int(value, 0))
    if typ == "u32":
        return struct.pack("=I", int(value, 0))
    if typ == "u64":
        return struct.pack("=Q", int(value, 0))
    if typ == "str":
        return value.encode() + b"\0"
    if typ == "bin":
        return bytes.fromhex(value)
    if typ == "empty":
        return b""
    raise ValueError("unknown attribute type " + typ)


def parse_attr_spec(spec):
    name, rest = spec.split("=", 1)
    typ, _, value = rest.partition(":")
    atype = OVNIC_ATTRS.get(name)
    if atype is None:
        atype = int(name, 0)
    return atype, encode(typ, value)


def build(args):
    data = []
    pf = args.pf
    if args.pf_dev is not None:
        pf = socket.if_nametoindex(args.pf_dev)
    if pf is not None:
        data.append(nla(OVNIC_ATTRS["pf"], struct.pack("=I", pf)))
    if args.vf is not None:
        data.append(nla(OVNIC_ATTRS["vf"], struct.pack("=I", args.vf)))
    if args.vlan is not None:
        data.append(nla(OVNIC_ATTRS["vlan"], struct.pack("=H", args.vlan)))
    if args.spoofchk is not None:
        data.append(nla(OVNIC_ATTRS["spoofchk"], struct.pack("=B", args.spoofchk)))
    if args.trust is not None:
        data.append(nla(OVNIC_ATTRS["trust"], struct.pack("=B", args.trust)))
    for spec in args.attr:
        atype, payload = parse_attr_spec(spec)
        data.append(nla(atype, payload))

    linkinfo = b""
    if not args.no_kind:
        linkinfo += nla(IFLA_INFO_KIND, args.kind.encode() + b"\0")
    if not args.no_data:
        linkinfo += nla(IFLA_INFO_DATA | NLA_F_NESTED, b"".join(data))

    body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0)
    body += nla(IFLA_IFNAME, args.name.encode() + b"\0")
    body += nla(IFLA_LINKINFO | NLA_F_NESTED, linkinfo)

    flags = NLM_F_REQUEST | NLM_F_ACK
    if not args.change:
        flags |= NLM_F_CREATE | NLM_F_EXCL
    seq = 0x0ec5
    hdr = struct.pack("=IHHII", 16 + len(body), RTM_NEWLINK, flags, seq, 0)
    return hdr + body, seq


def parse_ack(buf, seq):
    off = 0
    while off + 16 <= len(buf):
        mlen, mtype, mflags, mseq, _ = struct.unpack_from("=IHHII", buf, off)
        if mlen < 16:
            break
        if mtype == NLMSG_ERROR and mseq == seq:
            err = struct.unpack_from("=i", buf, off + 16)[0]
            orig_len = struct.unpack_from("=I", buf, off + 20)[0]
            tlv = off + 20
            if mflags & NLM_F_CAPPED:
                tlv += 16
            else:
                tlv += align4(orig_len)
            msg = ""
            offs = None
            if mflags & NLM_F_ACK_TLVS:
                end = off + mlen
                while tlv + 4 <= end:
                    alen, atype = struct.unpack_from("=HH", buf, tlv)
                    if alen < 4:
                        break
                    payload = buf[tlv + 4:tlv + alen]
                    atype &= 0x3fff
                    if atype == NLMSGERR_ATTR_MSG:
                        msg = payload.split(b"\0", 1)[0].decode(errors="replace")
                    elif atype == NLMSGERR_ATTR_OFFS and len(payload) >= 4:
                        offs = struct.unpack_from("=I", payload)[0]
                    tlv += align4(alen)
            return err, msg, offs
        off += align4(mlen)
    return None


def open_socket(proto=NETLINK_ROUTE, timeout=30, rcvbuf=0):
    """A bound netlink socket asking for extended ACKs (and capped ACKs
    where the kernel has them)."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    try:
        s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
    except OSError:
        pass
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((0, 0))
    s.settimeout(timeout)
    return s


def main():
    p = argparse.ArgumentParser(description="raw RTM_NEWLINK for kind ovnic")
    p.add_argument("--name", default="vnraw0")
    p.add_argument("--kind", default="ovnic")
    p.add_argument("--change", action="store_true")
    p.add_argument("--no-kind", action="store_true")
    p.add_argument("--no-data", action="store_true")
    p.add_argument("--pf", type=lambda s: int(s, 0))
    p.add_argument("--pf-dev")
    p.add_argument("--vf", type=lambda s: int(s, 0))
    p.add_argument("--vlan", type=lambda s: int(s, 0))
    p.add_argument("--spoofchk", type=lambda s: int(s, 0))
    p.add_argument("--trust", type=lambda s: int(s, 0))
    p.add_argument("--attr", action="append", default=[])
    args = p.parse_args()

    try:
        msg, seq = build(args)
    except (ValueError, OSError) as e:
        print("ovnic_nl: bad request: %s" % e, file=sys.stderr)
        return 2

    s = open_socket()
    s.sendto(msg, (0, 0))
    while True:
        try:
            buf = s.recv(65536)
        except socket.timeout:
            print("ovnic_nl: no answer from the kernel", file=sys.stderr)
            return 2
        res = parse_ack(buf, seq)
        if res is not None:
            break
    err, text, offs = res
    if err == 0:
        print("ok" + (" (warning: %s)" % text if text else ""))
        return 0
    code = -err
    where = "" if offs is None else " (offset %d)" % offs
    print("error %d %s (%s): %s%s" % (code, errno.errorcode.get(code, "?"), os.strerror(code),
                                       text or "<no extack>", where), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
