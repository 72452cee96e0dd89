#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_faultinj.py - fail-nth sweep of ovnic's control path, run by
# ovnic_faultinj.sh in the test VM (debug kernel with fault injection).
#
# For every operation (VNIC create / change / open / delete, encapsulation
# rule add / del, pool new / set / bind / del) it first counts the fault
# injection points of one request (fail-nth set to a large number: the
# allocations the request made that the failslab / fail_page_alloc /
# fail_function filters let through, see Documentation/fault-injection/
# fault-injection.rst), then, for N = 1, 2, ... (or a sample of them when
# there are more than --max-points), writes N to /proc/thread-self/fail-nth
# right before sending that ONE request, so that only this request's N-th
# allocation fails, reads the answer and checks the state of the host:
#
# - the request failed (errno and extack message are counted) and nothing
#   changed: no VNIC, rule or pool left behind by a failed create, the
#   settings of a VNIC / rule / pool exactly as before a failed change, the
#   VFs (MAC, VLAN, spoof checking, trust as the PF reports them; admin
#   state; upper device) exactly as before; or
# - the request succeeded although an allocation failed (a best-effort
#   step, e.g. a notification): then the state is exactly the one of a
#   request made without fault (the reference run).
#
# The sweep of an operation ends when the fault is no longer consumed
# (fail-nth reads back non-zero: the request made fewer allocations); that
# request must succeed. Between attempts the operation's state is undone
# without fault injection, which also proves that the VF is free again.
#
# Output: one line per operation "op NAME points P tested T failed F
# succeeded S problems X errnos ...", problems as "PROBLEM op N: ...".
# Exit: 0 no problem, 1 problems, 2 setup error.

import argparse
import errno
import json
import os
import random
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ovnic_nl  # noqa: E402  (nla(), align4(), parse_ack())
from ovnic_nl import (  # noqa: E402  (netlink constants)
    CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_CMD_GETFAMILY,
    GENL_ID_CTRL, IFF_UP, IFLA_ADDRESS, IFLA_IFNAME, IFLA_INFO_DATA,
    IFLA_INFO_KIND, IFLA_LINKINFO, NETLINK_GENERIC, NETLINK_ROUTE,
    NLA_F_NESTED, NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK, NLM_F_CREATE,
    NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST, RTM_DELLINK, RTM_NEWLINK)

nla = ovnic_nl.nla
align4 = ovnic_nl.align4


# include/uapi/linux/ovnic.h
A = dict(PF=1, VF=2, VLAN=3, SPOOFCHK=4, TRUST=5, VNI=8, LOCAL=9, LOCAL6=10,
         REMOTE=11, REMOTE6=12, PORT=13, REASM_MEM=14, REASM_FRAMES=15,
         REASM_TIMEOUT=16, LOWERS=17, MODE=18, PRIMARY=19, FAILBACK=20,
         UPDELAY=21, DOWNDELAY=22, HASH=23, PROBE_INTERVAL=24,
         PROBE_MISSES=25, POOL=31, POOL_LIMIT=32, POOL_HIGH=33, POOL_LOW=34,
         POOL_ADAPTIVE=35)
LOWER_ENTRY = 1
LOWER_A_PF = 1
LOWER_A_VF = 2
CMD = dict(RULE_NEW=1, RULE_DEL=2, RULE_GET=3, POOL_NEW=6, POOL_DEL=7,
           POOL_GET=8, POOL_SET=9, POOL_BIND=10)
GA = dict(RULE_VNI=1, RULE_MAC=2, RULE_REMOTE=3, RULE_REMOTE6=4,
          POOL_ID=15, POOL_LIMIT=16, POOL_HIGH=17, POOL_LOW=18,
          POOL_ADAPTIVE=19, POOL_EFFECTIVE=20, POOL_CHARGED=21,
          POOL_VNICS=28, POOL_OWNER=29, POOL_IFINDEX=30, POOL_CAP=31,
          POOL_TOTAL_LIMIT=32, POOL_TOTAL_CHARGED=33, POOL_DRAINING=34)
POOL_OWN = 0

FAIL_NTH = "/proc/thread-self/fail-nth"
BIG_N = 1000000
# --attr-dir: a fault attribute armed through its own space/times/
# probability instead of fail-nth (fail_function: its kprobe runs from
# ftrace in the request's task on the debug kernel, but from the int3
# handler on a kernel without KPROBES_ON_FTRACE, where should_fail() does
# not look at the task's fail-nth).
ATTR_DIR = None


def fa_write(name, value):
    with open(os.path.join(ATTR_DIR, name), "w") as f:
        f.write("%d" % value)


def fa_read(name):
    with open(os.path.join(ATTR_DIR, name)) as f:
        return int(f.read().strip() or "0")


# Without fault injection (--dry): requests run without fault, as if
# fail-nth had not been reached (tests the operations and the checks).
DRY = False


def u8(v):
    return struct.pack("=B", v)


def u16(v):
    return struct.pack("=H", v)


def u32(v):
    return struct.pack("=I", v)


def ip4(s):
    return socket.inet_pton(socket.AF_INET, s)


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def parse_attrs(buf, off, end):
    out = {}
    while off + 4 <= end:
        alen, atype = struct.unpack_from("=HH", buf, off)
        if alen < 4:
            break
        out[atype & 0x3fff] = buf[off + 4:off + alen]
        off += align4(alen)
    return out


class Netlink:
    """One netlink socket; requests with fail-nth armed around the send."""

    def __init__(self, proto):
        self.s = ovnic_nl.open_socket(proto, timeout=60, rcvbuf=1 << 20)
        self.seq = int(time.time()) & 0xffff

    def transact(self, mtype, flags, body, nth=0):
        """Send one request, collect the answer.

        nth > 0: fail-nth is armed with nth right before the send and read
        back (then cleared) right after it. Returns (err, extack, replies,
        left): err 0 or a negative errno (-ENOBUFS when the answer itself
        was lost), replies the payloads of the non-error messages, left the
        value fail-nth read back (0: the fault was injected; None when not
        armed).
        """
        self.seq += 1
        seq = self.seq
        msg = struct.pack("=IHHII", 16 + len(body), mtype,
                          flags | NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body
        left = None
        if nth and DRY:
            left = nth
            nth = 0
        if nth and ATTR_DIR:
            # Armed as "the nth call fails, once": the calls before it
            # use up space, times allows one failure.
            fa_write("probability", 0)
            fa_write("space", nth)
            fa_write("times", 1)
            fa_write("probability", 100)
            try:
                self.s.send(msg)
            finally:
                fa_write("probability", 0)
                left = 0 if fa_read("times") == 0 else fa_read("space")
        elif nth:
            # The file cannot seek: one open per access.
            fd = os.open(FAIL_NTH, os.O_WRONLY)
            os.write(fd, b"%d" % nth)
            os.close(fd)
            try:
                self.s.send(msg)
            finally:
                fd = os.open(FAIL_NTH, os.O_RDONLY)
                raw = os.read(fd, 32)
                os.close(fd)
                fd = os.open(FAIL_NTH, os.O_WRONLY)
                os.write(fd, b"0")
                os.close(fd)
            left = int(raw.strip() or b"0")
        else:
            self.s.send(msg)
        replies = []
        while True:
            try:
                buf = self.s.recv(1 << 20)
            except OSError as e:
                if e.errno == 105:	# ENOBUFS: an answer was dropped
                    return -e.errno, "<answer lost: ENOBUFS>", replies, left
                raise
            off = 0
            while off + 16 <= len(buf):
                mlen, mt, mflags, mseq, _ = struct.unpack_from("=IHHII", buf, off)
                if mlen < 16:
                    break
                if mseq != seq:
                    off += align4(mlen)
                    continue
                if mt == NLMSG_ERROR:
                    res = ovnic_nl.parse_ack(buf[off:off + mlen], seq)
                    err, text, _ = res
                    return err, text, replies, left
                if mt == NLMSG_DONE:
                    return 0, "", replies, left
                replies.append(buf[off + 16:off + mlen])
                off += align4(mlen)


class Genl(Netlink):
    def __init__(self):
        super().__init__(NETLINK_GENERIC)
        body = struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0) + \
            nla(CTRL_ATTR_FAMILY_NAME, b"ovnic\0")
        err, text, replies, _ = self.transact(GENL_ID_CTRL, 0, body)
        if err or not replies:
            raise RuntimeError("generic netlink family ovnic: %d %s" % (err, text))
        a = parse_attrs(replies[0], 4, len(replies[0]))
        self.family = struct.unpack("=H", a[CTRL_ATTR_FAMILY_ID][:2])[0]

    def cmd(self, cmd, attrs, flags=0, nth=0):
        body = struct.pack("=BBH", cmd, 1, 0) + b"".join(attrs)
        return self.transact(self.family, flags, body, nth)

    def dump(self, cmd, attrs=()):
        err, text, replies, _ = self.cmd(cmd, list(attrs), NLM_F_DUMP)
        if err:
            raise RuntimeError("dump %d: %d %s" % (cmd, err, text))
        return [parse_attrs(r, 4, len(r)) for r in replies]


# ---------------------------------------------------------------------------
# Requests

def link_body(name, ifi_flags=0, ifi_change=0, extra=b"", data=None, kind=True):
    body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, 0, ifi_flags, ifi_change)
    body += nla(IFLA_IFNAME, name.encode() + b"\0") + extra
    if kind or data is not None:
        li = nla(IFLA_INFO_KIND, b"ovnic\0")
        if data is not None:
            li += nla(IFLA_INFO_DATA | NLA_F_NESTED, b"".join(data))
        body += nla(IFLA_LINKINFO | NLA_F_NESTED, li)
    return body


def lowers(pairs):
    ents = b""
    for pf, vf in pairs:
        ents += nla(LOWER_ENTRY | NLA_F_NESTED,
                    nla(LOWER_A_PF, u32(pf)) + nla(LOWER_A_VF, u32(vf)))
    return nla(A["LOWERS"] | NLA_F_NESTED, ents)


# ---------------------------------------------------------------------------
# State of the host, as user space sees it

VOLATILE_LINK = ("stats", "stats64", "operstate", "carrier_changes",
                 "carrier_up_count", "carrier_down_count", "linkmode",
                 "qdisc", "ifindex", "link_index", "link_netnsid")
VOLATILE_INFO = ("pool_charged", "pool_peak", "active", "failovers",
                 "last_reason", "last_age", "last_age_ms", "lower")


def ip_links():
    out = subprocess.run(["ip", "-d", "-j", "link", "show"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def norm_vnic(d):
    d = dict(d)
    up = "UP" in d.get("flags", [])
    for k in VOLATILE_LINK + ("flags",):
        d.pop(k, None)
    li = dict(d.get("linkinfo", {}))
    info = dict(li.get("info_data", {}))
    for k in VOLATILE_INFO:
        info.pop(k, None)
    # The own pool's id is new with every VNIC; an overlay VNIC's MAC is
    # random.
    if not info.get("pool_shared"):
        info.pop("pool", None)
    if "vni" in info:
        d.pop("address", None)
    low = []
    for ent in info.get("lowers", []) or []:
        ent = dict(ent)
        for k in ("state", "active", "reason", "changes"):
            ent.pop(k, None)
        low.append(ent)
    if low:
        info["lowers"] = low
    li["info_data"] = info
    d["linkinfo"] = li
    d["admin_up"] = up
    return d


def norm_vf(e):
    vlan = 0
    if e.get("vlan_list"):
        vlan = e["vlan_list"][0].get("vlan", 0)
    elif e.get("vlan") is not None:
        vlan = e["vlan"]
    return {"mac": e.get("address", e.get("mac")), "vlan": vlan,
            "spoofchk": e.get("spoofchk"), "trust": e.get("trust")}


class World:
    def __init__(self, genl, pfs):
        self.genl = genl
        self.pfs = pfs

    def snap(self):
        links = ip_links()
        names = {d["ifindex"]: d["ifname"] for d in links}
        st = {"vnics": {}, "vfs": {}, "vfdevs": {}}
        for d in links:
            kind = (d.get("linkinfo") or {}).get("info_kind")
            if kind == "ovnic":
                st["vnics"][d["ifname"]] = norm_vnic(d)
            if d["ifname"] in self.pfs:
                for e in d.get("vfinfo_list") or []:
                    st["vfs"]["%s/%s" % (d["ifname"], e.get("vf"))] = norm_vf(e)
            if any(d["ifname"].startswith(pf + "vf") for pf in self.pfs):
                st["vfdevs"][d["ifname"]] = {
                    "up": "UP" in d.get("flags", []),
                    "master": d.get("master"), "mtu": d.get("mtu"),
                    "address": d.get("address")}
        rules = []
        for a in self.genl.dump(CMD["RULE_GET"]):
            rules.append("vni %s mac %s remote %s" % (
                struct.unpack("=I", a[GA["RULE_VNI"]])[0],
                a[GA["RULE_MAC"]].hex(),
                (a.get(GA["RULE_REMOTE"]) or a.get(GA["RULE_REMOTE6"]) or b"").hex()))
        st["rules"] = sorted(rules)
        pools = []
        for a in self.genl.dump(CMD["POOL_GET"]):
            def g32(k):
                v = a.get(GA[k])
                return struct.unpack("=I", v)[0] if v else None
            owner = g32("POOL_OWNER")
            p = {"limit": g32("POOL_LIMIT"),
                 "high": a[GA["POOL_HIGH"]][0] if GA["POOL_HIGH"] in a else None,
                 "low": a[GA["POOL_LOW"]][0] if GA["POOL_LOW"] in a else None,
                 "adaptive": a[GA["POOL_ADAPTIVE"]][0] if GA["POOL_ADAPTIVE"] in a else None,
                 "vnics": g32("POOL_VNICS")}
            if owner is not None:
                p["owner"] = names.get(owner, owner)
            else:
                p["id"] = g32("POOL_ID")
            pools.append(json.dumps(p, sort_keys=True))
        st["pools"] = sorted(pools)
        err, text, replies, _ = self.genl.cmd(CMD["POOL_GET"], [])
        if err or not replies:
            raise RuntimeError("pool summary: %d %s" % (err, text))
        a = parse_attrs(replies[0], 4, len(replies[0]))
        st["pool_total_limit"] = struct.unpack("=Q", a[GA["POOL_TOTAL_LIMIT"]][:8])[0]
        return st


def diff(a, b, path=""):
    """Human-readable differences between two states (at most a few)."""
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a:
                out.append("%s/%s appeared: %s" % (path, k, json.dumps(b[k])[:200]))
            elif k not in b:
                out.append("%s/%s disappeared (was %s)" % (path, k, json.dumps(a[k])[:200]))
            else:
                out += diff(a[k], b[k], "%s/%s" % (path, k))
    elif a != b:
        out.append("%s: %s -> %s" % (path, json.dumps(a)[:200], json.dumps(b)[:200]))
    return out


# ---------------------------------------------------------------------------
# Operations

class Op:
    """prepare(): bring the host to the state the request starts from (no
    fault); request(nth): the one request under test; undo(): back to the
    base state after a successful request (no fault)."""

    def __init__(self, name, prepare, request, undo, teardown=None):
        self.name = name
        self.prepare = prepare
        self.request = request
        self.undo = undo
        self.teardown = teardown


class Ctx:
    def __init__(self, args):
        self.args = args
        self.rt = Netlink(NETLINK_ROUTE)
        self.genl = Genl()
        self.idx = {n: socket.if_nametoindex(n) for n in args.pf}
        self.world = World(self.genl, args.pf)
        self.problems = []

    def must(self, res, what):
        err, text = res[0], res[1]
        if err:
            raise RuntimeError("%s: error %d %s" % (what, -err, text))
        return res

    # links
    def newlink(self, name, data, extra=b"", nth=0):
        return self.rt.transact(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
                                link_body(name, extra=extra, data=data), nth)

    def changelink(self, name, data, nth=0):
        return self.rt.transact(RTM_NEWLINK, 0, link_body(name, data=data), nth)

    def setup(self, name, up, nth=0):
        return self.rt.transact(RTM_NEWLINK, 0,
                                link_body(name, IFF_UP if up else 0, IFF_UP,
                                          kind=False), nth)

    def dellink(self, name, nth=0):
        return self.rt.transact(RTM_DELLINK, 0, link_body(name, kind=False), nth)

    def dellink_quiet(self, name):
        try:
            self.dellink(name)
        except OSError:
            pass


def build_ops(c):
    a = c.args
    pf0, pf1 = a.pf[0], a.pf[1]
    i0, i1 = c.idx[pf0], c.idx[pf1]
    vf = a.vf
    vn = "vnfi0"
    pool_id = a.pool_id

    plain = [nla(A["PF"], u32(i0)), nla(A["VF"], u32(vf)),
             nla(A["VLAN"], u16(5)), nla(A["SPOOFCHK"], u8(0)),
             nla(A["TRUST"], u8(1)), nla(A["POOL_LIMIT"], u32(1 << 20))]
    plain_mac = nla(IFLA_ADDRESS, mac("02:00:00:f1:00:01"))
    overlay = [nla(A["PF"], u32(i0)), nla(A["VF"], u32(vf)),
               nla(A["VNI"], u32(4711)), nla(A["LOCAL"], ip4("192.0.2.101")),
               nla(A["REMOTE"], ip4("192.0.2.102")), nla(A["PORT"], u16(7476)),
               nla(A["REASM_MEM"], u32(1 << 20)), nla(A["REASM_FRAMES"], u32(64)),
               nla(A["PROBE_INTERVAL"], u32(1000))]
    multi = [lowers([(i0, vf), (i1, vf)]), nla(A["MODE"], u8(1)),
             nla(A["PRIMARY"], u32(1)), nla(A["HASH"], u8(0)),
             nla(A["VLAN"], u16(6))]
    shared = [nla(A["PF"], u32(i0)), nla(A["VF"], u32(vf)),
              nla(A["POOL"], u32(pool_id))]

    def mk(data, extra=b""):
        return lambda: c.must(c.newlink(vn, data, extra), "create " + vn)

    def gone():
        c.dellink_quiet(vn)

    def shared_pool_new():
        c.must(c.genl.cmd(CMD["POOL_NEW"], [nla(GA["POOL_ID"], u32(pool_id)),
                                            nla(GA["POOL_LIMIT"], u32(2 << 20))]),
               "pool new %d" % pool_id)

    def shared_pool_del():
        c.genl.cmd(CMD["POOL_DEL"], [nla(GA["POOL_ID"], u32(pool_id))])

    def both(*fns):
        def run():
            for f in fns:
                f()
        return run

    ops = []
    # --- creates
    ops.append(Op("create-plain", gone,
                  lambda n: c.newlink(vn, plain, plain_mac, nth=n), gone))
    ops.append(Op("create-overlay", gone,
                  lambda n: c.newlink(vn, overlay, nth=n), gone))
    ops.append(Op("create-multi", gone,
                  lambda n: c.newlink(vn, multi, nth=n), gone))
    ops.append(Op("create-shared-pool", both(gone, shared_pool_del, shared_pool_new),
                  lambda n: c.newlink(vn, shared, nth=n), gone,
                  teardown=both(gone, shared_pool_del)))

    # --- open (ndo_open: VF sync, overlay neighbour start, NAPI)
    ops.append(Op("open-plain", both(gone, mk(plain, plain_mac)),
                  lambda n: c.setup(vn, True, nth=n),
                  lambda: c.setup(vn, False), teardown=gone))
    ops.append(Op("open-overlay", both(gone, mk(overlay)),
                  lambda n: c.setup(vn, True, nth=n),
                  lambda: c.setup(vn, False), teardown=gone))

    # --- changes: forward request under test, reverse one to undo
    def change(name, base, base_extra, fwd, rev, pre=None, post=None):
        prep = both(gone, *(pre or []), mk(base, base_extra))
        ops.append(Op(name, prep,
                      lambda n: c.changelink(vn, fwd, nth=n),
                      lambda: c.must(c.changelink(vn, rev), "undo " + name),
                      teardown=both(gone, *(post or []))))

    change("change-plain", plain, plain_mac,
           [nla(A["VLAN"], u16(9)), nla(A["SPOOFCHK"], u8(1)),
            nla(A["TRUST"], u8(0)), nla(A["POOL_LIMIT"], u32(2 << 20)),
            nla(A["POOL_HIGH"], u8(90)), nla(A["POOL_ADAPTIVE"], u8(1))],
           [nla(A["VLAN"], u16(5)), nla(A["SPOOFCHK"], u8(0)),
            nla(A["TRUST"], u8(1)), nla(A["POOL_LIMIT"], u32(1 << 20)),
            nla(A["POOL_HIGH"], u8(100)), nla(A["POOL_ADAPTIVE"], u8(0))])
    change("change-overlay", overlay, b"",
           [nla(A["VNI"], u32(4712)), nla(A["REMOTE"], ip4("192.0.2.103")),
            nla(A["PORT"], u16(7477)), nla(A["REASM_MEM"], u32(2 << 20)),
            nla(A["REASM_TIMEOUT"], u32(300)), nla(A["PROBE_MISSES"], u32(5))],
           [nla(A["VNI"], u32(4711)), nla(A["REMOTE"], ip4("192.0.2.102")),
            nla(A["PORT"], u16(7476)), nla(A["REASM_MEM"], u32(1 << 20)),
            nla(A["REASM_TIMEOUT"], u32(200)), nla(A["PROBE_MISSES"], u32(3))])
    change("change-overlay-local", overlay, b"",
           [nla(A["LOCAL"], ip4("192.0.2.111")), nla(A["REMOTE"], ip4("0.0.0.0"))],
           [nla(A["LOCAL"], ip4("192.0.2.101")), nla(A["REMOTE"], ip4("192.0.2.102"))])
    change("change-multi", multi, b"",
           [nla(A["MODE"], u8(0)), nla(A["PRIMARY"], u32(0)),
            nla(A["HASH"], u8(1)), nla(A["UPDELAY"], u32(100)),
            nla(A["VLAN"], u16(7))],
           [nla(A["MODE"], u8(1)), nla(A["PRIMARY"], u32(1)),
            nla(A["HASH"], u8(0)), nla(A["UPDELAY"], u32(0)),
            nla(A["VLAN"], u16(6))])
    change("change-pool-shared", plain, plain_mac,
           [nla(A["POOL"], u32(pool_id))], [nla(A["POOL"], u32(POOL_OWN)),
                                              nla(A["POOL_LIMIT"], u32(1 << 20))],
           pre=[shared_pool_del, shared_pool_new], post=[shared_pool_del])

    # --- deletes (a delete cannot fail: if it says so, nothing may change)
    def delete(name, base, base_extra, up):
        prep = [gone, mk(base, base_extra)]
        if up:
            prep.append(lambda: c.must(c.setup(vn, True), "up " + vn))
        ops.append(Op(name, both(*prep), lambda n: c.dellink(vn, nth=n),
                      lambda: None, teardown=gone))

    delete("delete-plain", plain, plain_mac, True)
    delete("delete-overlay", overlay, b"", True)
    delete("delete-multi", multi, b"", False)

    # --- rules
    rule = [nla(GA["RULE_VNI"], u32(4711)), nla(GA["RULE_MAC"], mac("02:00:00:f1:00:aa")),
            nla(GA["RULE_REMOTE"], ip4("192.0.2.120"))]
    rule_key = rule[:2]

    def rule_del():
        c.genl.cmd(CMD["RULE_DEL"], rule_key)

    def rule_add():
        c.must(c.genl.cmd(CMD["RULE_NEW"], rule), "rule add")

    ops.append(Op("rule-add", rule_del,
                  lambda n: c.genl.cmd(CMD["RULE_NEW"], rule, nth=n), rule_del))
    ops.append(Op("rule-del", both(rule_del, rule_add),
                  lambda n: c.genl.cmd(CMD["RULE_DEL"], rule_key, nth=n),
                  lambda: None, teardown=rule_del))

    # --- pools
    pool_new = [nla(GA["POOL_ID"], u32(pool_id)), nla(GA["POOL_LIMIT"], u32(2 << 20)),
                nla(GA["POOL_HIGH"], u8(80)), nla(GA["POOL_LOW"], u8(40)),
                nla(GA["POOL_ADAPTIVE"], u8(1))]
    ops.append(Op("pool-new", shared_pool_del,
                  lambda n: c.genl.cmd(CMD["POOL_NEW"], pool_new, nth=n),
                  shared_pool_del))
    pool_set = [nla(GA["POOL_ID"], u32(pool_id)), nla(GA["POOL_LIMIT"], u32(3 << 20)),
                nla(GA["POOL_HIGH"], u8(70))]
    pool_unset = [nla(GA["POOL_ID"], u32(pool_id)), nla(GA["POOL_LIMIT"], u32(2 << 20)),
                  nla(GA["POOL_HIGH"], u8(100))]
    ops.append(Op("pool-set", both(shared_pool_del, shared_pool_new),
                  lambda n: c.genl.cmd(CMD["POOL_SET"], pool_set, nth=n),
                  lambda: c.must(c.genl.cmd(CMD["POOL_SET"], pool_unset), "pool unset"),
                  teardown=shared_pool_del))

    def bind(pid, nth=0):
        return c.genl.cmd(CMD["POOL_BIND"], [
            nla(GA["POOL_IFINDEX"], u32(socket.if_nametoindex(vn))),
            nla(GA["POOL_ID"], u32(pid))], nth=nth)

    ops.append(Op("pool-bind", both(gone, shared_pool_del, shared_pool_new, mk(plain, plain_mac)),
                  lambda n: bind(pool_id, n),
                  lambda: (c.must(bind(POOL_OWN), "bind own"),
                           c.must(c.changelink(vn, [nla(A["POOL_LIMIT"], u32(1 << 20))]),
                                  "own pool limit")),
                  teardown=both(gone, shared_pool_del)))
    ops.append(Op("pool-del", both(shared_pool_del, shared_pool_new),
                  lambda n: c.genl.cmd(CMD["POOL_DEL"], [nla(GA["POOL_ID"], u32(pool_id))], nth=n),
                  lambda: None, teardown=shared_pool_del))
    return ops


def plan(points, maxp, rng):
    """Which N to try: all of 1..points+1 if they fit, else the first and
    last ones and an even sample in between."""
    allp = list(range(1, points + 2))
    if maxp <= 0 or len(allp) <= maxp:
        return allp
    head = allp[:maxp // 4]
    tail = allp[-(maxp // 4):]
    mid = [n for n in allp if n not in head and n not in tail]
    k = maxp - len(head) - len(tail)
    step = len(mid) / float(k)
    pick = sorted({mid[min(len(mid) - 1, int(i * step + rng.random() * step))]
                   for i in range(k)})
    return head + pick + tail


def sweep(c, op, deadline, maxp, rng, minp=0):
    """Sweep OP's injection points until DEADLINE (at most MAXP of them,
    sampled); an operation with at most MINP points is swept whole and
    one with none is not tried (MINP > 0 only)."""
    res = {"points": 0, "tested": 0, "failed": 0, "succeeded": 0,
           "problems": 0, "errnos": {}, "last": None, "complete": False}

    def problem(n, text):
        res["problems"] += 1
        c.problems.append("PROBLEM %s N=%s: %s" % (op.name, n, text))
        print("PROBLEM %s N=%s: %s" % (op.name, n, text), flush=True)

    # Reference run: state before, state after a request without fault,
    # and how many injection points the request passes.
    t0 = time.monotonic()
    op.prepare()
    before = c.world.snap()
    err, text, _, left = op.request(BIG_N)
    if err:
        problem(0, "request fails without fault: %d %s" % (-err, text))
        if op.teardown:
            op.teardown()
        return res
    res["points"] = BIG_N - left
    after = c.world.snap()
    t_try = time.monotonic() - t0
    op.undo()
    op.prepare()
    back = c.world.snap()
    d = diff(before, back)
    if d:
        problem(0, "undo + prepare do not give the start state again: " +
                "; ".join(d[:4]))

    full = minp > 0 and res["points"] <= minp
    if full and not res["points"]:
        res["complete"] = True
        if op.teardown:
            op.teardown()
        return res

    # As many N as the time left allows (an attempt costs about what the
    # reference run did), spread over the whole range.
    fit = int((deadline - time.monotonic()) / max(t_try * 1.15, 0.05))
    if maxp <= 0 or fit < maxp:
        maxp = max(fit, 4)
    if full:
        maxp = res["points"] + 1
    todo = plan(res["points"], maxp, rng)
    res["planned"] = len(todo)
    n = 0
    while True:
        if todo:
            n = todo.pop(0)
        elif not res["complete"] and n < res["points"] + 64:
            # More points than in the reference run: go on until the
            # fault is not consumed any more.
            n += 1
        else:
            break
        if time.monotonic() > deadline and not full:
            break
        try:
            op.prepare()
        except RuntimeError as e:
            # What the previous attempt left makes the next one impossible.
            problem(n, "cannot prepare the next attempt: %s: %s" %
                    (e, "; ".join(diff(before, c.world.snap())[:4])))
            break
        pre = before
        err, text, _, left = op.request(n)
        res["tested"] += 1
        res["last"] = n
        post = c.world.snap()
        if left:
            # Fewer allocations than N: a request without fault.
            if err:
                problem(n, "request failed without an injected fault: %d %s" % (-err, text))
            d = diff(after, post)
            if d:
                problem(n, "state differs from the reference after success: " + "; ".join(d[:4]))
            res["complete"] = True
            op.undo()
            break
        if err:
            res["failed"] += 1
            key = errno.errorcode.get(-err, str(-err)) + ("" if text else "(no-extack)")
            res["errnos"][key] = res["errnos"].get(key, 0) + 1
            d = diff(pre, post)
            if d:
                problem(n, "failed (%s: %s) but the state changed: %s" %
                        (key, text, "; ".join(d[:6])))
        else:
            res["succeeded"] += 1
            d = diff(after, post)
            if d:
                problem(n, "succeeded despite the fault, state differs from the reference: " +
                        "; ".join(d[:6]))
            op.undo()
    if op.teardown:
        op.teardown()
    return res


def text_ranges(ko, module, reject_fn):
    """"START END REJECT_START REJECT_END" (hex): the text of MODULE
    (/proc/kallsyms, function sizes from the symbol table of KO with nm),
    and function REJECT_FN of the kernel (up to the next symbol)."""
    syms = []
    mod = {}
    rej = {}
    tag = "[%s]" % module
    # One pass: /proc/kallsyms is slow to read on a debug kernel.
    with open("/proc/kallsyms") as f:
        for line in f:
            w = line.split()
            if len(w) < 3:
                continue
            addr = int(w[0], 16)
            syms.append(addr)
            if w[1] not in "tT":
                continue
            if len(w) >= 4 and w[3] == tag:
                mod[w[2]] = addr
            elif w[2] == reject_fn:
                rej[reject_fn] = addr
    if not mod or not any(mod.values()):
        raise RuntimeError("no text symbols of module %s in /proc/kallsyms" % module)
    sizes = {}
    try:
        out = subprocess.run(["nm", "-S", "--defined-only", ko], check=True,
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            w = line.split()
            if len(w) == 4 and w[2] in "tT":
                sizes[w[3]] = int(w[1], 16)
    except (OSError, subprocess.CalledProcessError):
        pass
    start = min(mod.values())
    end = max(a + sizes.get(n, 0x1000) for n, a in mod.items())
    rs = re = 0
    want = rej.get(reject_fn)
    if want:
        rs = want
        re = min((a for a in syms if a > want), default=want + 0x1000)
    return "0x%x 0x%x 0x%x 0x%x" % (start, end, rs, re)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "--ranges":
        # ovnic_faultinj.py --ranges KO MODULE REJECT_FN
        try:
            print(text_ranges(sys.argv[2], sys.argv[3], sys.argv[4]))
        except (OSError, RuntimeError, IndexError) as e:
            print("ranges: %s" % e, file=sys.stderr)
            return 2
        return 0
    p = argparse.ArgumentParser()
    p.add_argument("--pf", action="append", default=[],
                   help="the two PFs (first: every VNIC, second: multi-lower)")
    p.add_argument("--vf", type=int, default=0)
    p.add_argument("--pool-id", type=int, default=4242)
    p.add_argument("--ops", default="", help="comma-separated subset")
    p.add_argument("--max-points", type=int, default=0,
                   help="per operation, 0 = every N")
    p.add_argument("--seconds", type=float, default=600,
                   help="time budget of the whole sweep")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--list", action="store_true")
    p.add_argument("--dry", action="store_true",
                   help="no fault injection: check the operations themselves")
    p.add_argument("--min-points", type=int, default=0,
                   help="sweep operations with at most this many points "
                   "whole, whatever the time; skip those with none")
    p.add_argument("--attr-dir",
                   help="arm this fault attribute (a debugfs folder such as "
                   "fail_function) through space/times/probability, not "
                   "fail-nth; nothing else may reach it meanwhile")
    args = p.parse_args()
    global DRY, ATTR_DIR
    ATTR_DIR = args.attr_dir
    DRY = args.dry or not (ATTR_DIR or os.path.exists(FAIL_NTH))
    if len(args.pf) != 2:
        print("need two --pf", file=sys.stderr)
        return 2

    try:
        c = Ctx(args)
        ops = build_ops(c)
    except (OSError, RuntimeError, KeyError) as e:
        print("setup: %s" % e, file=sys.stderr)
        return 2
    if args.list:
        print(" ".join(o.name for o in ops))
        return 0
    if args.ops:
        want = args.ops.split(",")
        ops = [o for o in ops if o.name in want]
    # Cheap operations first: each operation gets an equal share of what
    # is left of the budget, so the time they leave goes to the VNIC
    # creates and deletes (hundreds of injection points each).
    cost = ("pool-", "rule-", "change-", "open-", "delete-", "create-")
    ops.sort(key=lambda o: [o.name.startswith(p) for p in cost].index(True))
    rng = random.Random(args.seed)
    start = time.monotonic()
    total = {"points": 0, "tested": 0, "failed": 0, "succeeded": 0}
    for i, op in enumerate(ops):
        # Share what is left of the budget among the operations left.
        left = args.seconds - (time.monotonic() - start)
        deadline = time.monotonic() + max(left / (len(ops) - i), 1.0)
        t0 = time.monotonic()
        try:
            r = sweep(c, op, deadline, args.max_points, rng, args.min_points)
        except (OSError, RuntimeError) as e:
            c.problems.append("PROBLEM %s: %s" % (op.name, e))
            print("PROBLEM %s: %s" % (op.name, e), flush=True)
            try:
                if op.teardown:
                    op.teardown()
                else:
                    op.undo()
            except (OSError, RuntimeError):
                pass
            continue
        for k in total:
            total[k] += r[k]
        print("op %s points %d tested %d/%d failed %d succeeded %d problems %d "
              "%s time %.1fs errnos %s" %
              (op.name, r["points"], r["tested"], r.get("planned", 0), r["failed"], r["succeeded"],
               r["problems"], "complete" if r["complete"] else
               "partial(last N=%s)" % r["last"], time.monotonic() - t0,
               ",".join("%s:%d" % kv for kv in sorted(r["errnos"].items())) or "-"),
              flush=True)
    print("total points %d tested %d injected-failures %d absorbed %d problems %d" %
          (total["points"], total["tested"], total["failed"], total["succeeded"],
           len(c.problems)), flush=True)
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main())
