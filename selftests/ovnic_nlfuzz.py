#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_nlfuzz.py - netlink fuzzer of the ovnic module (rtnetlink link type
# "ovnic" and generic netlink family "ovnic"), run by ovnic_nlfuzz.sh in the
# test VM. Self-contained: socket and struct only (yaml when available).
#
# The attribute tables are derived from our sources of truth:
# - link attributes (IFLA_OVNIC_*, OVNIC_LOWER_A_*): the kernel-doc of
#   include/uapi/linux/ovnic.h (order of the enums = values, first word of
#   each "@NAME: type, ..." line = type, "A-B" in the text = range hints);
# - generic netlink: Documentation/netlink/specs/ovnic.yaml (operations,
#   their do/dump request attributes, attribute types and checks), or the
#   uapi kernel-doc when python3-yaml is missing.
#
# It sends FUZZ_COUNT (default 10000) requests, a seeded (FUZZ_SEED) mix of
#   (a) RTM_NEWLINK creates of kind "ovnic": a valid skeleton (pf = --pf,
#       vf 0..3) then mutated: attributes dropped, duplicated, resized,
#       out of range, unknown types, nested garbage, truncated attribute
#       headers, NLA_F_NESTED / byte-order flags, read-only attributes;
#   (b) RTM_NEWLINK changelinks (no NLM_F_CREATE) of a VNIC it made;
#   (c) generic netlink requests of every command value 0..OVNIC_CMD_MAX+2,
#       do and dump, with mutated attributes and headers;
#   (d) valid requests in between (create/delete VNICs, change them, add and
#       delete rules and pools, bind pools), so that real state changes.
#
# Oracle (each a failure, printed with the request in hex):
#   - every request gets exactly one answer: one NLMSG_ERROR (or NLMSG_DONE
#     ending a dump), replies only where the command has them, nothing with
#     a stale sequence number, no timeout;
#   - every rejection (error < 0) carries an extack message, except the
#     documented core rejections of ALLOW_NO_MSG (errno, situation);
#   - an acknowledged create made its device; the kernel's taint flags do
#     not change (a WARN/BUG taints: the request that did it is printed);
#   - the protected objects (--protect-*) are never the target of a request.
# At the end it deletes what it made (VNICs other than pre-existing ones,
# rules and shared pools that were not there at the start), restores the
# pool cap, and prints counters and the histogram of (errno, message).
#
# Exit: 0 pass, 1 a check failed, 2 usage/setup error.

import argparse
import errno
import os
import random
import re
import socket
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
UAPI = os.path.join(ROOT, "include/uapi/linux/ovnic.h")
SPEC = os.path.join(ROOT, "Documentation/netlink/specs/ovnic.yaml")

sys.path.insert(0, HERE)
from ovnic_nl import open_socket  # noqa: E402
from ovnic_nl import (  # noqa: E402  (netlink constants)
    CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_CMD_GETFAMILY,
    GENL_ID_CTRL, IFF_UP, IFLA_ADDRESS, IFLA_IFNAME, IFLA_INFO_DATA,
    IFLA_INFO_KIND, IFLA_LINKINFO, NETLINK_GENERIC, NETLINK_ROUTE,
    NLA_F_NESTED, NLMSGERR_ATTR_MSG, NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK,
    NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL,
    NLM_F_REQUEST, RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK)

# --- netlink constants only the fuzzer uses (uapi linux/netlink.h, rtnetlink.h, genetlink.h)
NLM_F_MULTI = 0x2
NLM_F_ECHO = 0x8
NLM_F_ROOT = 0x100
NLM_F_MATCH = 0x200
NLM_F_REPLACE = 0x100
NLM_F_APPEND = 0x800
NLA_F_NET_BYTEORDER = 0x4000
NLA_TYPE_MASK = 0x3fff
IFLA_MTU = 4
IFLA_NUM_TX_QUEUES = 31
IFLA_NUM_RX_QUEUES = 32

# Rejections the kernel's core makes before (or instead of) ovnic's code,
# with no extack message by design: (errno, situation) -> why. A situation
# is a tag the generator puts on the request when it builds that shape.
ALLOW_NO_MSG = {
    (errno.EOPNOTSUPP, "genl-no-op"):
        "genetlink: the command has no handler of that kind (unknown command,"
        " a notification command, or NLM_F_DUMP on a do-only command):"
        " genl_family_rcv_msg() returns -EOPNOTSUPP without a message",
    (errno.EINVAL, "genl-short-hdr"):
        "genetlink: message shorter than struct genlmsghdr: rejected by"
        " genl_family_rcv_msg() (or genl_start() for dumps) without a message",
    (errno.ERANGE, "linkinfo-garbage"):
        "rtnetlink parses IFLA_LINKINFO itself with a NULL extack"
        " (__rtnl_newlink: nla_parse_nested_deprecated(..., NULL)): an"
        " IFLA_INFO_DATA shorter than an attribute header (1-3 bytes, or"
        " only a truncated header) fails validate_nla() with its default"
        " -ERANGE and never reaches ovnic",
    (errno.EEXIST, "exists-excl"):
        "rtnetlink: NLM_F_EXCL create of a name that exists (__rtnl_newlink)",
    (errno.EOPNOTSUPP, "exists-replace"):
        "rtnetlink: NLM_F_REPLACE on an existing device (__rtnl_newlink)",
    (errno.ENODEV, "no-such-dev"):
        "rtnetlink: changelink (no NLM_F_CREATE) of a device that does not"
        " exist (__rtnl_newlink)",
    (errno.EOPNOTSUPP, "data-without-kind"):
        "rtnetlink: changelink with IFLA_INFO_DATA but no kind \"ovnic\""
        " (__rtnl_newlink: ops != dev->rtnl_link_ops)",
    (errno.EINVAL, "bad-ifname"):
        "register_netdevice(): dev_get_valid_name() refuses the name and has"
        " no extack argument",
}

ERRNAME = errno.errorcode


def align4(n):
    return (n + 3) & ~3


# ---------------------------------------------------------------------------
# Sources of truth

def kdoc_enum(text, enum):
    """[(name, value, type, doc)] of 'enum ENUM' with its kernel-doc block."""
    m = re.search(r"/\*\*\s*\n \* enum %s\b(.*?)\*/\s*enum %s \{(.*?)\};"
                  % (enum, enum), text, re.S)
    if not m:
        raise ValueError("enum %s not found in the uapi header" % enum)
    doc, body = m.group(1), m.group(2)
    docs = {}
    for d in re.finditer(r"@(\w+):\s*(.*?)(?=\n \* @|\Z)", doc, re.S):
        docs[d.group(1)] = " ".join(x.strip(" *\t") for x in
                                    d.group(2).splitlines())
    out = []
    val = -1
    for line in body.split(","):
        line = re.sub(r"/\*.*?\*/", "", line).strip()
        if not line:
            continue
        name, _, v = line.partition("=")
        name = name.strip()
        val = int(v.strip(), 0) if v.strip() else val + 1
        if name.startswith("__"):
            continue
        out.append((name, val, kdoc_type(docs.get(name, "")),
                    docs.get(name, "")))
    return out


def kdoc_type(doc):
    d = doc.lower()
    if d.startswith("ipv4"):
        return "bin4"
    if d.startswith("ipv6"):
        return "bin16"
    for t in ("u8", "u16", "u32", "u64", "string", "nested", "flag"):
        if d.startswith(t):
            return t
    if d.startswith("padding"):
        return "pad"
    return "unused"


def kdoc_ranges(doc):
    """Range hints of a doc text: [(lo, hi)] from 'A-B' and '0 or 1'."""
    r = [(int(a), int(b)) for a, b in re.findall(r"\b(\d+)-(\d+)\b", doc)
         if int(a) <= int(b)]
    if "0 or 1" in doc:
        r.append((0, 1))
    return r


def load_tables(uapi, spec):
    text = open(uapi).read()
    link = kdoc_enum(text, "ovnic_link_attrs")
    lower = kdoc_enum(text, "ovnic_lower_attrs")
    cmds = kdoc_enum(text, "ovnic_genl_cmd")
    gattrs = kdoc_enum(text, "ovnic_genl_attr")
    consts = {k: int(v, 0) for k, v in
              re.findall(r"#define\s+(OVNIC_\w+|IFLA_OVNIC_\w+)\s+"
                         r"\(?(0x[0-9a-fA-F]+|\d+)", text)}
    ops = None
    source = "uapi kernel-doc"
    try:
        import yaml
        y = yaml.safe_load(open(spec))
        aset = y["attribute-sets"][0]
        gattrs = []
        val = -1
        for a in aset["attributes"]:
            val = a.get("value", val + 1)
            t = a["type"]
            chk = a.get("checks", {}) or {}
            if t == "binary" and "exact-len" in chk:
                t = "bin%d" % chk["exact-len"]
            rng = [(chk.get("min", 0), chk["max"])] if "max" in chk else []
            gattrs.append(("OVNIC_A_" + a["name"].upper().replace("-", "_"),
                           val, t, rng))
        ops = {}
        val = -1
        for op in y["operations"]["list"]:
            val = op.get("value", val + 1)
            ent = {"name": op["name"], "do": None, "dump": None,
                   "reply": False}
            for k in ("do", "dump"):
                if k in op:
                    req = (op[k] or {}).get("request") or {}
                    ent[k] = [a.replace("-", "_").upper()
                              for a in req.get("attributes", [])]
                    if k == "do":
                        ent["reply"] = "reply" in (op[k] or {})
            ops[val] = ent
        source = "netlink spec (yaml)"
    except ImportError:
        gattrs = [(n, v, t, kdoc_ranges(d)) for n, v, t, d in gattrs]
    if ops is None:
        ops = {}
        for name, val, _, _ in cmds:
            short = name[len("OVNIC_CMD_"):].lower().replace("_", "-")
            ok = short not in ("unspec", "failover", "lower-state")
            allattrs = [n[len("OVNIC_A_"):] for n, _, _, _ in gattrs]
            ops[val] = {"name": short, "do": allattrs if ok else None,
                        "dump": allattrs if short.endswith("get") else None,
                        "reply": short in ("rule-get", "pool-new",
                                           "pool-get")}
    link = [(n, v, t, kdoc_ranges(d)) for n, v, t, d in link]
    lower = [(n, v, t, kdoc_ranges(d)) for n, v, t, d in lower]
    return {"link": link, "lower": lower, "genl": gattrs, "ops": ops,
            "consts": consts, "source": source,
            "cmd_max": max(v for _, v, _, _ in cmds)}


# ---------------------------------------------------------------------------
# Attributes as data: an attribute is [type, flags, payload or children,
# len_delta]; serialisation may lie about lengths on purpose.

def A(atype, payload, flags=0):
    return [atype, flags, payload, 0]


def N(atype, children, flags=NLA_F_NESTED):
    return [atype, flags, list(children), 0]


def ser_attrs(attrs):
    return b"".join(ser_attr(a) for a in attrs)


def ser_attr(a):
    atype, flags, body, delta = a
    payload = ser_attrs(body) if isinstance(body, list) else body
    nlen = max(0, min(0xffff, 4 + len(payload) + delta))
    return (struct.pack("=HH", nlen, (atype & 0xffff) | flags) + payload +
            b"\0" * (align4(len(payload)) - len(payload)))


def nlmsg(mtype, flags, seq, body):
    return struct.pack("=IHHII", 16 + len(body), mtype, flags, seq, 0) + body


def ifinfomsg(index=0, flags=0, change=0):
    return struct.pack("=BxHiII", socket.AF_UNSPEC, 0, index, flags, change)


def parse_attrs(buf, off=0, end=None):
    end = len(buf) if end is None else end
    out = {}
    while off + 4 <= end:
        alen, atype = struct.unpack_from("=HH", buf, off)
        if alen < 4 or off + alen > end:
            break
        out[atype & NLA_TYPE_MASK] = buf[off + 4:off + alen]
        off += align4(alen)
    return out


def u32(b):
    return struct.unpack("=I", b[:4])[0] if b and len(b) >= 4 else None


class Request:
    __slots__ = ("proto", "mtype", "flags", "body", "tags", "kind", "cmd",
                 "dump", "reply", "desc", "name", "expect_dev")

    def __init__(self, proto, mtype, flags, body, kind, desc, tags=(),
                 cmd=None, dump=False, reply=False, name=None,
                 expect_dev=False):
        self.proto = proto
        self.mtype = mtype
        self.flags = flags
        self.body = body
        self.tags = set(tags)
        self.kind = kind
        self.cmd = cmd
        self.dump = dump
        self.reply = reply
        self.desc = desc
        self.name = name
        self.expect_dev = expect_dev


# ---------------------------------------------------------------------------

class Fuzzer:
    def __init__(self, args, tables):
        self.a = args
        self.t = tables
        self.rng = random.Random(args.seed)
        self.link = {n: (v, t, r) for n, v, t, r in tables["link"]}
        self.lower = {n: (v, t, r) for n, v, t, r in tables["lower"]}
        self.gattr = {n: (v, t, r) for n, v, t, r in tables["genl"]}
        self.link_max = max(v for v, _, _ in self.link.values())
        self.genl_max = max(v for v, _, _ in self.gattr.values())
        self.c = tables["consts"]
        self.seq = 1000
        self.failures = []
        self.hist = {}
        self.stats = {}
        self.sent = 0
        self.aux = 0
        self.vnics = {}          # ifindex -> name, made by us
        self.pools = set()       # shared pool ids seen made by us
        self.namectr = 0
        self.last = []
        self.rt = self.sock(NETLINK_ROUTE)
        self.gn = self.sock(NETLINK_GENERIC)
        self.fam = self.resolve_family()
        self.taint = self.read_taint()
        self.protect_if = set(args.protect_ifindex)
        self.protect_pool = set(args.protect_pool)
        self.protect_rule = set()
        for r in args.protect_rule:
            vni, mac = r.split(",")
            self.protect_rule.add((int(vni, 0), bytes.fromhex(
                mac.replace(":", ""))))

    # --- sockets
    def sock(self, proto):
        return open_socket(proto, timeout=self.a.timeout, rcvbuf=1 << 20)

    def resolve_family(self):
        body = struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0)
        body += ser_attr(A(CTRL_ATTR_FAMILY_NAME, b"ovnic\0"))
        req = Request("genl", GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, body,
                      "aux", "resolve family", reply=True)
        err, _, replies = self.transact(req, aux=True)
        for r in replies:
            fid = parse_attrs(r, 20).get(CTRL_ATTR_FAMILY_ID)
            if fid:
                return struct.unpack("=H", fid[:2])[0]
        raise RuntimeError("generic netlink family ovnic not found (%s)" % err)

    def read_taint(self):
        try:
            return int(open("/proc/sys/kernel/tainted").read())
        except OSError:
            return 0

    # --- one request, one answer
    def fail(self, req, raw, what):
        self.failures.append("%s: %s [%s] tags=%s\n    request: %s" % (
            what, req.desc, req.kind, ",".join(sorted(req.tags)) or "-",
            raw.hex()))

    def transact(self, req, aux=False):
        self.seq += 1
        seq = self.seq
        raw = nlmsg(req.mtype, req.flags, seq, req.body)
        s = self.rt if req.proto == "rt" else self.gn
        if aux:
            self.aux += 1
        else:
            self.sent += 1
            self.last.append(raw)
            del self.last[:-20]
        s.send(raw)
        replies = []
        err = None
        msg = ""
        terminal = 0
        while not terminal:
            try:
                buf = s.recv(1 << 17)
            except socket.timeout:
                self.fail(req, raw, "no answer within %ss" % self.a.timeout)
                return None, "", replies
            off = 0
            while off + 16 <= len(buf):
                mlen, mtype, mflags, mseq, _ = struct.unpack_from(
                    "=IHHII", buf, off)
                if mlen < 16 or off + mlen > len(buf):
                    self.fail(req, raw, "malformed answer")
                    break
                if mseq != seq:
                    self.fail(req, raw, "answer with stale seq %d (type %d)"
                              % (mseq, mtype))
                elif mtype in (NLMSG_ERROR, NLMSG_DONE):
                    terminal += 1
                    err, msg = self.parse_err(buf, off, mlen, mtype, mflags)
                else:
                    if terminal:
                        self.fail(req, raw, "message after the answer")
                    replies.append(buf[off:off + mlen])
                off += align4(mlen)
        if terminal != 1:
            self.fail(req, raw, "%d answers" % terminal)
        if not aux:
            self.check(req, raw, err, msg, replies)
        return err, msg, replies

    def parse_err(self, buf, off, mlen, mtype, mflags):
        err = struct.unpack_from("=i", buf, off + 16)[0]
        tlv = off + 20
        if mtype == NLMSG_ERROR:
            olen = struct.unpack_from("=I", buf, off + 20)[0]
            tlv += 16 if mflags & NLM_F_CAPPED else align4(olen)
        msg = ""
        if mflags & NLM_F_ACK_TLVS:
            m = parse_attrs(buf, tlv, off + mlen).get(NLMSGERR_ATTR_MSG)
            if m:
                msg = m.split(b"\0", 1)[0].decode(errors="replace")
        return err, msg

    def check(self, req, raw, err, msg, replies):
        taint = self.read_taint()
        if taint != self.taint:
            self.fail(req, raw, "kernel taint changed %d -> %d (WARN/BUG?);"
                      " the requests before it:\n      %s" % (
                          self.taint, taint, "\n      ".join(
                              m.hex() for m in self.last[-4:-1])))
            self.taint = taint
        if err is None:
            return
        self.stats[req.kind] = self.stats.get(req.kind, 0) + 1
        ename = ERRNAME.get(-err, str(-err))
        if err == 0:
            key = "ok" + (" (warning: %s)" % msg if msg else "")
        elif msg:
            key = "%s: %s" % (ename, msg)
        else:
            why = [t for t in sorted(req.tags) if (-err, t) in ALLOW_NO_MSG]
            if why:
                key = "%s: <no message, allowed: %s>" % (ename, why[0])
            else:
                key = "%s: <NO MESSAGE>" % ename
                self.fail(req, raw, "rejection %s without extack message"
                          % ename)
        self.hist[key] = self.hist.get(key, 0) + 1
        if err < 0:
            if replies:
                self.fail(req, raw, "replies before an error")
            return
        if req.proto == "genl":
            if req.dump:
                for r in replies:
                    if struct.unpack_from("=H", r, 6)[0] & NLM_F_MULTI == 0:
                        self.fail(req, raw, "dump part without NLM_F_MULTI")
            elif req.reply and len(replies) != 1:
                self.fail(req, raw, "%d replies to a do with a reply"
                          % len(replies))
            elif not req.reply and replies:
                self.fail(req, raw, "reply to a command without one")
            for r in replies:
                self.learn_genl(r)
        elif replies:
            self.fail(req, raw, "unexpected rtnetlink reply")

    def learn_genl(self, r):
        cmd = r[16]
        at = parse_attrs(r, 20)
        if cmd == self.cmd("POOL_GET"):
            pid = u32(at.get(self.av("POOL_ID")))
            if pid is not None and self.av("POOL_OWNER") not in at \
                    and pid not in self.protect_pool:
                self.pools.add(pid)

    # --- helpers over the tables
    def lv(self, short):
        return self.link["IFLA_OVNIC_" + short][0]

    def av(self, short):
        return self.gattr["OVNIC_A_" + short][0]

    def cmd(self, short):
        for v, op in self.t["ops"].items():
            if op["name"] == short.lower().replace("_", "-"):
                return v
        raise KeyError(short)

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p):
        return self.rng.random() < p

    # --- values
    INT_FMT = {"u8": "=B", "u16": "=H", "u32": "=I", "u64": "=Q"}
    INT_MAX = {"u8": 0xff, "u16": 0xffff, "u32": 0xffffffff,
               "u64": 0xffffffffffffffff}

    def interesting(self, typ, ranges):
        mx = self.INT_MAX[typ]
        vals = [0, 1, 2, mx, mx - 1, mx >> 1, (mx >> 1) + 1,
                self.rng.randint(0, mx)]
        for lo, hi in ranges:
            vals += [lo, hi, max(lo - 1, 0), min(hi + 1, mx)]
        for k in ("OVNIC_POOL_MIN_LIMIT", "OVNIC_VNI_MAX",
                  "OVNIC_POOL_NONE"):
            if k in self.c and self.c[k] <= mx:
                vals += [self.c[k], max(self.c[k] - 1, 0)]
        return self.pick(vals)

    def mut_payload(self, typ, ranges):
        r = self.rng.random()
        if typ in self.INT_FMT:
            if r < 0.6:
                return struct.pack(self.INT_FMT[typ],
                                   self.interesting(typ, ranges))
            if r < 0.85:
                size = struct.calcsize(self.INT_FMT[typ])
                other = self.pick([n for n in (0, 1, 2, 3, 4, 8, 16)
                                   if n != size])
                return self.randbytes(other)
            return self.randbytes(self.rng.randrange(0, 40))
        if typ.startswith("bin"):
            size = int(typ[3:])
            if r < 0.5:
                return self.pick([b"\0" * size, b"\xff" * size,
                                  bytes([224]) + self.randbytes(size - 1),
                                  bytes([127, 0, 0, 1]) + b"\0" * (size - 4),
                                  bytes([1]) + b"\0" * (size - 1),
                                  self.randbytes(size)])
            return self.randbytes(self.pick([0, 1, size - 1, size + 1,
                                             2 * size, 3]))
        if typ == "string":
            return self.pick([b"", b"\0", b"x" * 300 + b"\0",
                              self.randbytes(self.rng.randrange(1, 20))])
        if typ == "flag":
            return self.pick([b"", b"\x01", b"\0\0\0\0"])
        return self.randbytes(self.rng.randrange(0, 24))

    def randbytes(self, n):
        return bytes(self.rng.getrandbits(8) for _ in range(max(n, 0)))

    # --- mutation of an attribute list (types from TABLE: name -> (v,t,r))
    def mutate(self, attrs, table, maxtype, depth=0):
        byval = {v: (t, r) for v, t, r in table.values()}
        n = self.rng.choice((1, 1, 1, 2, 2, 3, 4))
        for _ in range(n):
            op = self.rng.randrange(12)
            if op == 0 and attrs:
                del attrs[self.rng.randrange(len(attrs))]
            elif op == 1 and attrs:
                a = self.pick(attrs)
                attrs.insert(self.rng.randrange(len(attrs) + 1),
                             [a[0], a[1], a[2] if isinstance(a[2], bytes)
                              else [list(c) for c in a[2]], a[3]])
            elif op in (2, 3):
                # a known attribute with a mutated value or size
                v, (t, r) = self.pick(sorted(byval.items()))
                if t == "nested":
                    attrs.append(N(v, [A(self.rng.randrange(0, 12),
                                         self.randbytes(4))]))
                else:
                    attrs.append(A(v, self.mut_payload(t, r)))
            elif op == 4 and attrs:
                a = self.pick(attrs)
                t = byval.get(a[0], ("u32", []))
                if isinstance(a[2], bytes):
                    a[2] = self.mut_payload(t[0], t[1])
            elif op == 5:
                attrs.append(A(self.pick([0, maxtype + 1, maxtype + 2,
                                          self.rng.randrange(maxtype + 1,
                                                             NLA_TYPE_MASK)]),
                               self.randbytes(self.rng.randrange(0, 12))))
            elif op == 6 and attrs:
                a = self.pick(attrs)
                a[1] ^= self.pick([NLA_F_NESTED, NLA_F_NET_BYTEORDER])
            elif op == 7 and attrs:
                a = self.pick(attrs)
                a[3] = self.pick([-4, -3, -1, 1, 2, 4, 100, -1000])
            elif op == 8:
                # nested garbage: random bytes, or attribute soup
                v, (t, r) = self.pick(sorted(byval.items()))
                body = self.randbytes(self.rng.randrange(0, 32))
                if self.chance(0.5):
                    body = ser_attrs([A(self.rng.randrange(0, 16),
                                        self.randbytes(self.rng.randrange(6)))
                                      for _ in range(self.rng.randrange(4))])
                attrs.append(A(v, body, NLA_F_NESTED))
            elif op == 9:
                self.rng.shuffle(attrs)
            elif op == 10 and attrs:
                a = self.pick(attrs)
                if isinstance(a[2], list) and depth < 3:
                    self.mutate(a[2], table, maxtype, depth + 1)
                elif isinstance(a[2], bytes) and a[2]:
                    a[2] = a[2][::-1]
            elif op == 11:
                # read-only and notification attributes (NLA_REJECT)
                v, (t, r) = self.pick(sorted(byval.items()))
                attrs.append(A(v, self.mut_payload(t, r)
                               if t != "nested" else b""))
        return attrs

    # --- (a) creates and (b) changelinks
    def valid_link_opts(self, overlay):
        o = []
        p = self.chance
        if p(0.3):
            o.append(A(self.lv("VF_VLAN"), struct.pack(
                "=H", self.pick([0, 1, 5, 4094]))))
        for short, prob, top in (("VF_SPOOFCHK", 0.2, 2),
                                 ("VF_TRUST", 0.2, 2), ("MODE", 0.2, 2),
                                 ("HASH", 0.1, 3)):
            if p(prob):
                o.append(A(self.lv(short), struct.pack(
                    "=B", self.rng.randrange(top))))
        if p(0.1):
            o.append(A(self.lv("UPDELAY"), struct.pack("=I", 100)))
        if p(0.15):
            o.append(A(self.lv("POOL_LIMIT"), struct.pack(
                "=I", self.pick([128 << 10, 1 << 20, 4 << 20]))))
        if p(0.1):
            o.append(A(self.lv("POOL_HIGH"), struct.pack("=B", 90)))
            o.append(A(self.lv("POOL_LOW"), struct.pack("=B", 40)))
        if p(0.05) and self.pools:
            o.append(A(self.lv("POOL"), struct.pack(
                "=I", self.pick(sorted(self.pools)))))
        if overlay:
            if p(0.3):
                o.append(A(self.lv("PORT"), struct.pack("=H", 7476)))
            if p(0.2):
                o.append(A(self.lv("REASM_FRAMES"), struct.pack("=I", 64)))
            if p(0.2):
                o.append(A(self.lv("PROBE_INTERVAL"), struct.pack("=I", 1000)))
        return o

    def overlay_attrs(self):
        if self.chance(0.5):
            return [A(self.lv("VNI"), struct.pack("=I", self.rng.randrange(
                1, 1 << 24))),
                A(self.lv("LOCAL"), bytes([192, 0, 2, 10])),
                A(self.lv("REMOTE"), bytes([192, 0, 2, 11]))]
        return [A(self.lv("VNI"), struct.pack("=I", 100)),
                A(self.lv("LOCAL6"), bytes.fromhex("20010db8" + "0" * 22 +
                                                   "0a")),
                A(self.lv("REMOTE6"), bytes.fromhex("20010db8" + "0" * 22 +
                                                    "0b"))]

    def new_name(self):
        self.namectr += 1
        return "fz%d" % (self.namectr % 10000)

    def create_req(self, valid, vf=None):
        tags = set()
        overlay = self.chance(0.3)
        pf = self.a.pf
        if not valid and self.chance(0.2):
            pf = self.pick(self.a.other_pf + [1, 0, 0x7fffffff,
                                              self.rng.getrandbits(32)])
        vf = self.rng.randrange(4) if vf is None else vf
        if not valid and self.chance(0.1):
            lowers = [N(1, [A(self.lower["OVNIC_LOWER_A_PF"][0],
                              struct.pack("=I", p)),
                            A(self.lower["OVNIC_LOWER_A_VF"][0],
                              struct.pack("=I", self.rng.randrange(3)))])
                      for p in ([self.a.pf] + self.a.other_pf)[
                          :self.rng.randrange(0, 6)]]
            data = [N(self.lv("LOWERS"), lowers)]
        else:
            data = [A(self.lv("PF"), struct.pack("=I", pf)),
                    A(self.lv("VF"), struct.pack("=I", vf))]
        data += self.valid_link_opts(overlay)
        if overlay:
            data += self.overlay_attrs()
        if not valid:
            self.mutate(data, self.link, self.link_max)
        name = self.new_name()
        top = [A(IFLA_IFNAME, name.encode() + b"\0")]
        if not valid and self.chance(0.05):
            top = [A(IFLA_IFNAME, self.pick([b"bad/name\0", b"..\0",
                                             b" \0", b"a:b\0"]))]
            tags.add("bad-ifname")
            name = None
        elif not valid and self.chance(0.05):
            top = []
            name = None
        if self.chance(0.1):
            top.append(A(IFLA_MTU, struct.pack("=I", self.pick(
                [576, 1280, 1500, 1501, 9000, 68]))))
        if self.chance(0.1):
            top.append(A(IFLA_ADDRESS, self.pick(
                [bytes([2, 0, 0, 0, 0xf0 | (vf & 0xf), 1]),
                 bytes([1, 0, 0, 0, 0, 1]), b"\0" * 6, b"\x02\0\0"])))
        if not valid and self.chance(0.05):
            top.append(A(IFLA_NUM_TX_QUEUES, struct.pack("=I", self.pick(
                [0, 1, 4, 4096, 0xffffffff]))))
        info = [A(IFLA_INFO_KIND, b"ovnic\0"),
                A(IFLA_INFO_DATA, ser_attrs(data), NLA_F_NESTED)]
        if not valid:
            r = self.rng.random()
            if r < 0.04:
                info[1][3] = self.pick([-1, -2, -3, -4, 1000])
                tags.add("linkinfo-garbage")
            elif r < 0.06:
                info.append(A(IFLA_INFO_DATA, self.randbytes(
                    self.rng.randrange(1, 4)), NLA_F_NESTED))
                tags.add("linkinfo-garbage")
            elif r < 0.08:
                del info[0]
                tags.add("data-without-kind")
            elif r < 0.10:
                # truncated attribute header at the end of IFLA_INFO_DATA
                # (alone, it makes the nest shorter than a header)
                info[1][2] = ser_attrs(data) + self.randbytes(
                    self.rng.randrange(1, 4))
                if not data:
                    tags.add("linkinfo-garbage")
        top.append(N(IFLA_LINKINFO, info))
        flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
        if not valid and self.chance(0.05):
            flags &= ~NLM_F_EXCL
            if self.chance(0.5):
                flags |= NLM_F_REPLACE
        body = ifinfomsg(flags=IFF_UP if self.chance(0.2) else 0,
                         change=IFF_UP) + ser_attrs(top)
        return Request("rt", RTM_NEWLINK, flags, body,
                       "create-valid" if valid else "create",
                       "create %s pf %d vf %d" % (name, pf, vf), tags,
                       name=name, expect_dev=name is not None)

    def change_req(self, valid):
        tags = set()
        ifindex, name = self.pick(sorted(self.vnics.items()))
        data = self.valid_link_opts(False)
        if not valid:
            if self.chance(0.15):
                data.append(A(self.lv(self.pick(["PF", "VF"])),
                              struct.pack("=I", self.rng.randrange(3))))
            if self.chance(0.1):
                data += self.overlay_attrs()
            self.mutate(data, self.link, self.link_max)
        info = [A(IFLA_INFO_KIND, b"ovnic\0"),
                A(IFLA_INFO_DATA, ser_attrs(data), NLA_F_NESTED)]
        if not valid and self.chance(0.05):
            del info[0]
            tags.add("data-without-kind")
        if not valid and self.chance(0.04):
            info[-1][3] = self.pick([-1, -3, 1000])
            tags.add("linkinfo-garbage")
        top = [N(IFLA_LINKINFO, info)]
        if self.chance(0.1):
            top.append(A(IFLA_MTU, struct.pack("=I", self.pick(
                [1280, 1500, 1400, 68, 9000]))))
        idx = ifindex
        if not valid and self.chance(0.03):
            idx = 0x7ffffff0
            tags.add("no-such-dev")
        fl = self.rng.choice((0, IFF_UP))
        body = ifinfomsg(idx, fl, IFF_UP if self.chance(0.2) else 0)
        body += ser_attrs(top)
        flags = NLM_F_REQUEST | NLM_F_ACK
        return Request("rt", RTM_NEWLINK, flags, body,
                       "change-valid" if valid else "change",
                       "changelink %s (%d)" % (name, ifindex), tags)

    # --- (c) generic netlink
    def gvalid(self, short):
        """A valid value for genl attribute OVNIC_A_<short>, or None."""
        vnic_vals = sorted(k for k in self.vnics)
        if short == "RULE_VNI":
            return struct.pack("=I", self.pick([1, 100, 200, 0xffffff]))
        if short == "RULE_MAC":
            return bytes([2, 0, 0, 0xfa, 0, self.rng.randrange(8)])
        if short == "RULE_REMOTE":
            return bytes([192, 0, 2, self.rng.randrange(20, 40)])
        if short == "RULE_REMOTE6":
            return bytes.fromhex("20010db8" + "0" * 22 + "%02x" %
                                 self.rng.randrange(20, 40))
        if short == "POOL_ID":
            ids = sorted(self.pools) + [self.rng.randrange(1, 20)]
            return struct.pack("=I", self.pick(ids))
        if short == "POOL_LIMIT":
            return struct.pack("=I", self.pick([128 << 10, 1 << 20, 8 << 20]))
        if short == "POOL_HIGH":
            return struct.pack("=B", self.pick([60, 90, 100]))
        if short == "POOL_LOW":
            return struct.pack("=B", self.pick([0, 10, 50]))
        if short == "POOL_ADAPTIVE":
            return struct.pack("=B", self.rng.randrange(2))
        if short == "POOL_IFINDEX":
            return struct.pack("=I", self.pick(vnic_vals or [0x7ffffff0]))
        if short == "POOL_CAP":
            return struct.pack("=Q", self.a.cap)
        return None

    def genl_req(self, valid, cmd=None, dump=None):
        tags = set()
        ops = self.t["ops"]
        if cmd is None:
            real = sorted(v for v, o in ops.items() if o["do"] is not None
                          or o["dump"] is not None)
            if valid or self.chance(0.85):
                cmd = self.pick(real)
            else:
                cmd = self.rng.randrange(self.t["cmd_max"] + 3)
        op = ops.get(cmd, {"name": "cmd%d" % cmd, "do": None, "dump": None,
                           "reply": False})
        if dump is None:
            dump = op["dump"] is not None and self.chance(0.5)
            if not valid and self.chance(0.1):
                dump = not dump
        if op["dump" if dump else "do"] is None:
            tags.add("genl-no-op")
        names = op["dump" if dump else "do"] or []
        attrs = []
        for n in names:
            if self.chance(0.8 if valid else 0.6):
                v = self.gvalid(n)
                if v is not None:
                    attrs.append(A(self.av(n), v))
        if op["name"] == "pool-set" and valid and self.chance(0.7):
            attrs = [a for a in attrs if a[0] != self.av("POOL_CAP")]
        if not valid:
            self.mutate(attrs, self.gattr, self.genl_max)
        hdr_cmd, ver, resv = cmd, 1, 0
        if not valid and self.chance(0.05):
            ver = self.rng.randrange(256)
        if not valid and self.chance(0.05):
            resv = self.rng.randrange(1, 0x10000)
        body = struct.pack("=BBH", hdr_cmd, ver, resv) + ser_attrs(attrs)
        if not valid and self.chance(0.02):
            body = body[:self.rng.randrange(4)]
            tags.add("genl-short-hdr")
        elif not valid and self.chance(0.04):
            body += self.randbytes(self.rng.randrange(1, 4))
        flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        if op["name"] == "rule-new" and self.chance(0.3):
            flags |= NLM_F_REPLACE
        if not valid and self.chance(0.08):
            flags |= self.pick([NLM_F_ROOT, NLM_F_MATCH, NLM_F_CREATE,
                                NLM_F_APPEND, NLM_F_ECHO, 0x1000])
            if (flags & NLM_F_DUMP) == NLM_F_DUMP and not dump:
                dump = True
                if op["dump"] is None:
                    tags.add("genl-no-op")
        if op["dump" if dump else "do"] is None:
            tags.add("genl-no-op")
        if self.touches_protected(op["name"], attrs):
            return None
        return Request("genl", self.fam, flags, body,
                       ("genl-valid" if valid else "genl") + ":" + op["name"]
                       + (":dump" if dump else ""),
                       "%s %s" % (op["name"], "dump" if dump else "do"), tags,
                       cmd=cmd, dump=dump, reply=op["reply"] and not dump)

    def touches_protected(self, opname, attrs):
        if opname not in ("pool-set", "pool-del", "pool-bind", "rule-new",
                          "rule-del"):
            return False
        vals = {}
        for a in attrs:
            if isinstance(a[2], bytes):
                vals.setdefault(a[0] & NLA_TYPE_MASK, []).append(a[2])
        for p in vals.get(self.av("POOL_ID"), []):
            if u32(p) in self.protect_pool:
                return True
        for p in vals.get(self.av("POOL_IFINDEX"), []):
            if u32(p) in self.protect_if:
                return True
        for v in vals.get(self.av("RULE_VNI"), []):
            for m in vals.get(self.av("RULE_MAC"), []):
                if (u32(v), m[:6]) in self.protect_rule:
                    return True
        return False

    # --- bookkeeping (not counted as fuzz messages)
    def getlink(self, name=None, ifindex=0):
        top = [A(IFLA_IFNAME, name.encode() + b"\0")] if name else []
        req = Request("rt", RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK,
                      ifinfomsg(ifindex)
                      + ser_attrs(top), "aux", "getlink", reply=True)
        err, _, rep = self.transact(req, aux=True)
        if err is None or err < 0 and not rep:
            return None
        return self.parse_link(rep[0]) if rep else None

    def parse_link(self, r):
        index = struct.unpack_from("=i", r, 20)[0]
        at = parse_attrs(r, 32)
        name = at.get(IFLA_IFNAME, b"").split(b"\0")[0].decode()
        kind = None
        li = at.get(IFLA_LINKINFO)
        if li:
            kind = parse_attrs(li).get(IFLA_INFO_KIND, b"").split(b"\0")[0]
        return index, name, kind

    def dump_links(self):
        req = Request("rt", RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP,
                      ifinfomsg(), "aux", "dump links", dump=True)
        _, _, rep = self.transact(req, aux=True)
        return [self.parse_link(r) for r in rep]

    def resync(self):
        self.vnics = {i: n for i, n, k in self.dump_links()
                      if k == b"ovnic" and i not in self.protect_if
                      and i not in self.pre_vnics}

    def delete(self, ifindex):
        req = Request("rt", RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK,
                      ifinfomsg(ifindex), "delete-valid",
                      "dellink %d" % ifindex)
        err, _, _ = self.transact(req)
        self.vnics.pop(ifindex, None)
        if err == 0 and self.getlink(ifindex=ifindex) is not None:
            self.fail(req, nlmsg(req.mtype, req.flags, 0, req.body),
                      "delete acknowledged, device still there")
        return err

    def verify_rule(self, req):
        """A valid rule-new/del that succeeded changed the rule table."""
        at = parse_attrs(req.body, 4)
        key = [A(self.av("RULE_VNI"), at.get(self.av("RULE_VNI"), b"")),
               A(self.av("RULE_MAC"), at.get(self.av("RULE_MAC"), b""))]
        if not key[0][2] or not key[1][2]:
            return
        err, _, rep = self.genl_do_aux(self.cmd("RULE_GET"), key,
                                       reply=True)
        raw = nlmsg(req.mtype, req.flags, 0, req.body)
        if req.cmd == self.cmd("RULE_DEL"):
            if err != -errno.ENOENT:
                self.fail(req, raw, "rule deleted but get says %s" % err)
            return
        got = parse_attrs(rep[0], 20) if rep else {}
        for k in ("RULE_REMOTE", "RULE_REMOTE6"):
            want = at.get(self.av(k))
            if want is not None and got.get(self.av(k)) != want:
                self.fail(req, raw, "rule added but get shows %s" % got)

    def genl_dump(self, cmd):
        body = struct.pack("=BBH", cmd, 1, 0)
        req = Request("genl", self.fam, NLM_F_REQUEST | NLM_F_DUMP, body,
                      "aux", "dump %d" % cmd, dump=True)
        _, _, rep = self.transact(req, aux=True)
        return [parse_attrs(r, 20) for r in rep]

    def genl_do_aux(self, cmd, attrs, reply=False):
        body = struct.pack("=BBH", cmd, 1, 0) + ser_attrs(attrs)
        req = Request("genl", self.fam, NLM_F_REQUEST | NLM_F_ACK, body,
                      "aux", "do %d" % cmd, reply=reply)
        return self.transact(req, aux=True)

    def snapshot(self):
        rules = set()
        for at in self.genl_dump(self.cmd("RULE_GET")):
            rules.add((u32(at.get(self.av("RULE_VNI"))),
                       at.get(self.av("RULE_MAC"))))
        pools = {}
        for at in self.genl_dump(self.cmd("POOL_GET")):
            pools[u32(at.get(self.av("POOL_ID")))] = \
                self.av("POOL_OWNER") in at
        err, _, rep = self.genl_do_aux(self.cmd("POOL_GET"), [], reply=True)
        summ = parse_attrs(rep[0], 20) if rep else {}
        def q(k):
            v = summ.get(self.av(k))
            return struct.unpack("=Q", v[:8])[0] if v else None
        return rules, pools, q("POOL_CAP"), q("POOL_TOTAL_LIMIT")

    # --- the run
    def step(self, i):
        r = self.rng.random()
        valid = self.rng.random() < 0.08
        if r < 0.40:
            if valid:
                # make room on the PF's VFs, then a create that must work
                mine = sorted(self.vnics)
                if len(mine) >= 2:
                    self.delete(self.pick(mine))
                req = self.create_req(True)
            else:
                req = self.create_req(False)
        elif r < 0.55:
            if not self.vnics:
                req = self.create_req(True, vf=self.rng.randrange(2))
            else:
                req = self.change_req(valid)
        elif r < 0.57 and self.vnics:
            self.delete(self.pick(sorted(self.vnics)))
            return
        else:
            req = self.genl_req(valid)
            if req is None:
                return
        err, msg, _ = self.transact(req)
        if req.mtype == RTM_NEWLINK and err == 0 and (
                req.flags & NLM_F_CREATE):
            if req.expect_dev:
                got = self.getlink(req.name)
                if got is None:
                    self.fail(req, nlmsg(req.mtype, req.flags, 0, req.body),
                              "create acknowledged, device %s missing"
                              % req.name)
                elif got[0] not in self.protect_if:
                    if got[2] == b"ovnic" and got[0] not in self.pre_vnics:
                        self.vnics[got[0]] = got[1]
            else:
                self.resync()
        if req.kind.startswith("genl-valid:rule-") and err == 0:
            self.verify_rule(req)
        if req.proto == "genl" and err == 0 and req.cmd == self.cmd(
                "POOL_SET") and req.body[4:]:
            # a cap change (no pool id): put the cap back
            at = parse_attrs(req.body, 4)
            if self.av("POOL_ID") not in at and self.a.cap:
                self.genl_do_aux(self.cmd("POOL_SET"), [
                    A(self.av("POOL_CAP"), struct.pack("=Q", self.a.cap))])
        if i % 250 == 0:
            self.resync()

    def cleanup(self, start_rules, start_pools):
        for i, n, k in self.dump_links():
            if k == b"ovnic" and i not in self.protect_if \
                    and i not in self.pre_vnics:
                self.delete(i)
        rules, pools, cap, _ = self.snapshot()
        for vni, mac in sorted(rules - start_rules, key=str):
            self.genl_do_aux(self.cmd("RULE_DEL"), [
                A(self.av("RULE_VNI"), struct.pack("=I", vni)),
                A(self.av("RULE_MAC"), mac)])
        for pid, owned in sorted(pools.items()):
            if pid not in start_pools and not owned:
                self.genl_do_aux(self.cmd("POOL_DEL"), [
                    A(self.av("POOL_ID"), struct.pack("=I", pid))])
        if self.a.cap and cap != self.a.cap:
            self.genl_do_aux(self.cmd("POOL_SET"), [
                A(self.av("POOL_CAP"), struct.pack("=Q", self.a.cap))])

    def run(self):
        rules0, pools0, cap0, total0 = self.snapshot()
        if not self.a.cap:
            self.a.cap = cap0
        self.pre_vnics = {i for i, n, k in self.dump_links()
                          if k == b"ovnic"}
        print("# nlfuzz: seed %d, %d messages, tables from %s, family id %d"
              % (self.a.seed, self.a.count, self.t["source"], self.fam))
        print("# nlfuzz: start: %d rules, %d pools, cap %s, total_limit %s, "
              "%d VNICs" % (len(rules0), len(pools0), cap0, total0,
                            len(self.pre_vnics)))
        t0 = time.time()
        while self.sent < self.a.count:
            self.step(self.sent)
            if len(self.failures) > 50:
                print("# nlfuzz: too many failures, stopping early")
                break
        dt = time.time() - t0
        self.cleanup(rules0, pools0)
        rules1, pools1, cap1, total1 = self.snapshot()
        left = [(i, n) for i, n, k in self.dump_links() if k == b"ovnic"
                and i not in self.pre_vnics]
        if left:
            self.failures.append("VNICs left after cleanup: %s" % left)
        if rules1 != rules0:
            self.failures.append("rules after cleanup differ: +%s -%s" % (
                rules1 - rules0, rules0 - rules1))
        if set(pools1) != set(pools0):
            self.failures.append("pools after cleanup differ: %s vs %s" % (
                sorted(pools1), sorted(pools0)))
        if total1 != total0 or cap1 != cap0:
            self.failures.append("pool summary: total_limit %s -> %s, cap "
                                 "%s -> %s" % (total0, total1, cap0, cap1))
        print("# nlfuzz: %d messages sent (+%d bookkeeping) in %.1f s "
              "(%.0f/s)" % (self.sent, self.aux, dt,
                            self.sent / max(dt, 1e-3)))
        print("# nlfuzz: requests by kind:")
        for k in sorted(self.stats):
            print("#   %6d  %s" % (self.stats[k], k))
        print("# nlfuzz: histogram of (errno, extack message):")
        for k, v in sorted(self.hist.items(), key=lambda x: -x[1]):
            print("#   %6d  %s" % (v, k))
        if self.failures:
            print("# nlfuzz: %d FAILURES (seed %d):" % (len(self.failures),
                                                       self.a.seed))
            for f in self.failures[:40]:
                print("#   " + f)
            return 1
        print("# nlfuzz: no failure")
        return 0


def main():
    env_seed = os.environ.get("FUZZ_SEED")
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--pf", type=int, required=True,
                   help="ifindex of the PF of the skeleton")
    p.add_argument("--other-pf", type=int, action="append", default=[],
                   help="other ifindexes tried as PF (a VF, another PF...)")
    p.add_argument("--protect-ifindex", type=int, action="append",
                   default=[], help="a VNIC the fuzzer must not touch")
    p.add_argument("--protect-pool", type=int, action="append", default=[])
    p.add_argument("--protect-rule", action="append", default=[],
                   help="VNI,MAC of a rule the fuzzer must not touch")
    p.add_argument("--count", type=int,
                   default=int(os.environ.get("FUZZ_COUNT", "10000")))
    p.add_argument("--seed", type=int,
                   default=int(env_seed) if env_seed else
                   int.from_bytes(os.urandom(4), "little"))
    p.add_argument("--cap", type=int, default=0,
                   help="pool cap to keep (default: the one at the start)")
    p.add_argument("--timeout", type=float, default=20.0)
    p.add_argument("--uapi", default=UAPI)
    p.add_argument("--spec", default=SPEC)
    p.add_argument("--print-tables", action="store_true")
    a = p.parse_args()
    try:
        tables = load_tables(a.uapi, a.spec)
    except (OSError, ValueError) as e:
        print("# nlfuzz: cannot derive the tables: %s" % e)
        return 2
    if a.print_tables:
        for k in ("link", "lower", "genl"):
            for row in tables[k]:
                print(k, *row)
        for v, op in sorted(tables["ops"].items()):
            print("op", v, op)
        return 0
    try:
        f = Fuzzer(a, tables)
    except (OSError, RuntimeError) as e:
        print("# nlfuzz: setup failed: %s" % e)
        return 2
    return f.run()


if __name__ == "__main__":
    sys.exit(main())
