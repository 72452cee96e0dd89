#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovnic_priv.sh - privilege and isolation: only CAP_NET_ADMIN in the right
# namespace creates or changes VNICs, rules and pools; a tenant that is
# root in its own user+net namespace reaches neither the host's VFs nor
# another tenant's objects. Every refusal is checked with its error.
#
# Topology (on top of the conventions' one):
#
#   init netns (A), init user ns          tenant A: user ns + netns owned
#   pfa0 -- pfa0vf0 <- vna0 (host VNIC)   by uid 65534 (unshare -Urn)
#        `- pfa0vf1 <- vnt0 ...........>  vnt0 (plain, vlan 10)
#   pfa1 -- pfa1vf0 <- vno0 ...........>  vno0 (overlay, vni 100)
#        `- pfa1vf1 <- vnb0 ......        vnm0 (2 lowers, active-backup)
#   netns hvb (B)                 :       tenant B: the same, uid 65533
#   pfb0 -- pfb0vf0 <-+ vnm0 .....:...>   vnb0
#   pfb1 -- pfb1vf0 <-'           `...>
#
# The tenants are long-lived processes (setpriv --reuid U unshare -Urn
# sleep); commands run "in a tenant" as its uid through nsenter -U -n
# --preserve-credentials, root there with every capability of its user
# namespace and none of the initial one. Root reaches the tenants' netns
# through names attached with "ip netns attach" (tenantpa, tenantpb).
#
# It proves that:
# - uid 65534 without capabilities in the init namespaces cannot create,
#   change (ovnic attributes, MAC, MTU, up) or delete a VNIC, nor add or
#   delete rules, nor make, change, delete or bind pools or change the cap
#   ("Operation not permitted"), yet reads links, rules and pools;
# - with CAP_NET_ADMIN alone (ambient) the same user creates, changes and
#   deletes a VNIC and a rule; with CAP_NET_RAW or CAP_SYS_ADMIN alone, or
#   as root without CAP_NET_ADMIN, it cannot;
# - a tenant (root of its own user+net namespace) cannot name the host's
#   PFs ("PF device not found", by name and by ifindex), cannot open the
#   host netns, cannot create in or move to it (IFLA_NET_NS_PID/FD:
#   EPERM), cannot use it as link netns (IFLA_LINK_NETNSID: EPERM) or
#   target it (IFLA_TARGET_NETNSID on get/del: EACCES), the same for
#   tenant B's netns; it does not see host VNICs or tenant B's by name;
#   its rules are its own (not in the host's dump, the host's not in its
#   dump); it cannot make, change, delete pools or change the cap (EPERM);
# - a VNIC moved into the tenant's netns can be brought up and down, get
#   an MTU, a new name and addresses from the tenant, but every ovnic
#   attribute (vlan, spoofchk, trust, pool, pool-limit, mode, primary,
#   vni, remote, port, pool bind) is refused with EPERM and "ovnic settings
#   need CAP_NET_ADMIN in the namespace of the VNIC's PFs"; a MAC change of
#   a plain VNIC is refused (EPERM), an overlay VNIC's is allowed; the VNIC
#   cannot be moved out; the VFs' settings as the PFs report them are
#   unchanged after every refusal;
# - the tenant may delete its own VNIC, and when its netns goes away its
#   VNICs are deleted (Documentation/networking/ovnic.rst, "Namespace
#   move"): the VFs are restored and free again.
#
# Figures (log_info): run time of each part.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

RULE_CLI=$OVNIC_ROOT/tools/ovnic/ovnic-rule
POOL_CLI=$OVNIC_ROOT/tools/ovnic/ovnic-pool
NEED_PF_ADMIN="ovnic settings need CAP_NET_ADMIN in the namespace of the VNIC's PFs"
EPERM_MSG="Operation not permitted"
NOBODY=65534
OTHER=65533
MAC1=02:00:00:0a:00:01
MAC2=02:00:00:0a:00:02
MACT=02:00:00:0c:00:01
NSA=tenantpa
NSB=tenantpb
WORK=""
TA=""
TB=""

ovnic_init
require_cmd setpriv
require_cmd nsenter
require_cmd unshare

WORK=$(mktemp -d)
chmod 755 "$WORK"
defer rm -rf "$WORK"
# Last cleanup: tenants' netns go away asynchronously; leave free VFs.
defer wait_until 40 vfs_free pfa0vf0 pfa0vf1 pfa1vf0 pfa1vf1 pfb0vf0 pfb1vf0
PRIV_NL=$WORK/priv_nl.py

# Raw rtnetlink requests carrying the namespace attributes the ip tool
# cannot send (IFLA_LINK_NETNSID, IFLA_TARGET_NETNSID), RTM_NEWNSID and
# changelinks with exact errno. Requests are separated by "--"; one line
# per request: "ok" or "error <errno> <NAME> (<strerror>): <extack>".
# One python start for many requests: it is slow on the debug kernel.
cat >"$PRIV_NL" <<'PYEOF'
import errno, os, socket, struct, sys

def nla(t, p):
    return struct.pack("=HH", 4 + len(p), t) + p + b"\0" * (-len(p) % 4)

def s32(v):
    return struct.pack("=i", v)

def u32(v):
    return struct.pack("=I", v)

def request(s, seq, words):
    op, kv = words[0], dict(a.split("=", 1) for a in words[1:])
    get = lambda k: int(kv[k], 0)
    flags = 0x1 | 0x4                   # NLM_F_REQUEST | NLM_F_ACK
    if op == "newnsid":
        mtype = 88                      # RTM_NEWNSID
        body = b"\0" * 4 + nla(1, s32(get("nsid")))
        body += nla(2, u32(get("pid"))) if "pid" in kv else nla(3, u32(get("fd")))
    else:
        mtype = {"newlink": 16, "changelink": 16, "dellink": 17, "getlink": 18}[op]
        body = struct.pack("=BBHiII", 0, 0, 0, get("index") if "index" in kv else 0, 0, 0)
        if "name" in kv:
            body += nla(3, kv["name"].encode() + b"\0")
        if "link_netnsid" in kv:
            body += nla(37, s32(get("link_netnsid")))
        if "target_netnsid" in kv:
            body += nla(46, s32(get("target_netnsid")))
        data = b""
        if op == "newlink":
            flags |= 0x400 | 0x200      # NLM_F_CREATE | NLM_F_EXCL
            data = nla(1, u32(get("pf"))) + nla(2, u32(get("vf")))
        if "vlan" in kv:
            data += nla(3, struct.pack("=H", get("vlan")))
        if "trust" in kv:
            data += nla(5, struct.pack("=B", get("trust")))
        if op in ("newlink", "changelink"):
            body += nla(18 | 0x8000, nla(1, b"ovnic\0") + nla(2 | 0x8000, data))
    s.send(struct.pack("=IHHII", 16 + len(body), mtype, flags, seq, 0) + body)
    while True:
        buf = s.recv(65536)
        off = 0
        while off + 16 <= len(buf):
            ln, t, fl, sq = struct.unpack_from("=IHHI", buf, off)
            if t == 2 and sq == seq:    # NLMSG_ERROR
                err = -struct.unpack_from("=i", buf, off + 16)[0]
                if not err:
                    return "ok"
                msg = ""
                olen = 16 if fl & 0x100 else struct.unpack_from("=I", buf, off + 20)[0]
                a = off + 20 + ((olen + 3) & ~3)
                while fl & 0x200 and a + 4 <= off + ln:
                    alen, atype = struct.unpack_from("=HH", buf, a)
                    if alen < 4:
                        break
                    if atype == 1:
                        msg = buf[a + 4:a + alen].rstrip(b"\0").decode()
                    a += (alen + 3) & ~3
                return "error %d %s (%s): %s" % (err, errno.errorcode.get(err, "?"),
                                                 os.strerror(err), msg)
            off += (ln + 3) & ~3

s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
s.setsockopt(270, 10, 1)                # NETLINK_CAP_ACK
s.setsockopt(270, 11, 1)                # NETLINK_EXT_ACK
s.bind((0, 0))
reqs, cur = [], []
for w in sys.argv[1:] + ["--"]:
    if w == "--":
        if cur:
            reqs.append(cur)
        cur = []
    else:
        cur.append(w)
for i, r in enumerate(reqs):
    print(request(s, i + 1, r))
PYEOF
chmod 644 "$PRIV_NL"

# CLI batch: the ovnic-rule and ovnic-pool commands of stdin, one a
# line "EXPECT<TAB>rule|pool ARGS...[<TAB>ERE]", run by one python (the
# CLIs' own main()). EXPECT "ok": it must succeed (and print ERE when
# given); else EXPECT is an ERE its error message must match. Prints one
# line per mismatch.
BATCH=$WORK/cli_batch.py
cat >"$BATCH" <<'PYEOF'
import contextlib, importlib.machinery, io, re, sys

clis = {}
for name, path in (("rule", sys.argv[1]), ("pool", sys.argv[2])):
    clis[name] = importlib.machinery.SourceFileLoader("cli_" + name, path).load_module()

def run(mod, argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = mod.main(argv) or 0
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 1
        except mod.UsageError as e:
            print("Error: %s" % e, file=sys.stderr)
            rc = 2
        except mod.NlError as e:
            print("Error: %s" % e.text(), file=sys.stderr)
            rc = 1
        except OSError as e:
            print("Error: %s" % (e.strerror or e), file=sys.stderr)
            rc = 1
    return rc, out.getvalue(), err.getvalue()

for line in sys.stdin:
    f = line.rstrip("\n").split("\t")
    if len(f) < 2:
        continue
    words = f[1].split()
    rc, out, err = run(clis[words[0]], words[1:])
    what = "'%s'" % f[1]
    if f[0] == "ok":
        if rc:
            print("%s failed: %s" % (what, err.strip()))
        elif len(f) > 2 and not re.search(f[2], out):
            print("%s printed '%s', no '%s'" % (what, out.strip(), f[2]))
    elif rc == 0:
        print("%s succeeded, it had to fail with '%s'" % (what, f[0]))
    elif not re.search(f[0], err):
        print("%s failed with '%s', not '%s'" % (what, err.strip(), f[0]))
PYEOF
chmod 644 "$BATCH"

# cli_batch [RUNNER...] < LINES: see above; failures go to the case.
cli_batch()
{
	local out

	out=$("$@" "$PYTHON" -S "$BATCH" "$RULE_CLI" "$POOL_CLI" 2>&1)
	[ -z "$out" ] || fail "$(tr '\n' ';' <<<"$out")"
}

# nl_expect RUNNER -- EXPECTED... -- REQUESTS: priv_nl's result lines
# must match the EREs one by one.
nl_check()
{
	local out=$1
	local i=0 re line

	shift
	for re in "$@"; do
		i=$((i + 1))
		line=$(sed -n "${i}p" <<<"$out")
		grep -qE -- "$re" <<<"$line" || fail "raw request $i: '$line', expected '$re'"
	done
}

rule()
{
	"$PYTHON" "$RULE_CLI" "$@"
}

pool()
{
	"$PYTHON" "$POOL_CLI" "$@"
}

# nobody CMD...: uid/gid 65534, no groups, no capabilities
nobody()
{
	setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups --inh-caps=-all "$@"
}

# with_cap CAP CMD...: uid 65534 with only CAP (inheritable + ambient)
with_cap()
{
	local cap=$1

	shift
	setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
		--inh-caps=-all,+"$cap" --ambient-caps=+"$cap" "$@"
}

# tenant_start UID: a user+net namespace pair owned by UID, kept by a
# sleeping process; prints its pid.
tenant_start()
{
	local uid=$1
	local pid

	setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps=-all \
		unshare -Urn sleep 3600 </dev/null >/dev/null 2>&1 &
	pid=$!
	wait_until 10 tenant_ready "$pid" || return 1
	echo "$pid"
}

tenant_ready()
{
	[ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/self/ns/net)" ] &&
		[ "$(readlink "/proc/$1/ns/user")" != "$(readlink /proc/self/ns/user)" ]
}

# in_tenant PID UID CMD...: CMD as UID inside the namespaces of PID
in_tenant()
{
	local pid=$1
	local uid=$2

	shift 2
	setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps=-all \
		nsenter -t "$pid" -U -n --preserve-credentials "$@"
}

ta()
{
	in_tenant "$TA" $NOBODY "$@"
}

tb()
{
	in_tenant "$TB" $OTHER "$@"
}

priv_nl()
{
	"$PYTHON" "$PRIV_NL" "$@"
}

# vf_lines: the "vf N ..." lines of the four PFs (what the PFs report of
# their VFs: MAC, VLAN, spoof checking, trust), prefixed with the PF.
vf_lines()
{
	local pf ns

	for pf in pfa0 pfa1 pfb0 pfb1; do
		ns=""
		[[ $pf == pfb* ]] && ns=$HVB
		ipns "$ns" link show dev "$pf" 2>/dev/null | sed -n "s/^ *vf /$pf vf /p"
	done
}

# vf_state PF VF [NS]: the PF's "vf VF" line, the VF netdev's admin state
# and upper device (text only: no python, which is slow on the debug kernel)
vf_state()
{
	local pf=$1
	local vf=$2
	local ns=$3
	local line

	line=$(ipns "$ns" -o link show dev "${pf}vf$vf" 2>/dev/null)
	echo "$(ipns "$ns" link show dev "$pf" 2>/dev/null | sed -n "s/^ *vf $vf /vf $vf /p")" \
		"admin=$(grep -qE '[<,]UP[,>]' <<<"$line" && echo up || echo down)" \
		"master=$(sed -n 's/.* master \([^ ]*\) .*/\1/p' <<<"$line")"
}

# snap_vfs, then check_vfs WHAT: the PFs report the same VF settings.
VF_SNAP=""
snap_vfs()
{
	VF_SNAP=$(vf_lines)
}

check_vfs()
{
	local now

	now=$(vf_lines)
	[ -n "$now" ] || fail "$1: no vf lines in ip link show of the PFs"
	[ "$now" = "$VF_SNAP" ] ||
		fail "$1: VF settings changed: $(diff <(echo "$VF_SNAP") <(echo "$now") | grep '^[<>]' | tr '\n' ' ')"
}

# ovnic_has DEV NS ERE...: "ip -d link show DEV" in NS matches every ERE
ovnic_has()
{
	local dev=$1
	local ns=$2
	local out re

	shift 2
	out=$(ipns "$ns" -d link show dev "$dev" 2>&1)
	for re in "$@"; do
		grep -qE -- "$re" <<<"$out" || fail "ip -d link show $dev: no '$re' in: $(tr '\n' ' ' <<<"$out")"
	done
}

part_start()
{
	PART_T0=$SECONDS
}

part_end()
{
	log_info "$1 took $((SECONDS - PART_T0)) s"
}

##############################################################################

# A host VNIC, a host rule, their pool: what the others try to reach.
setup_host()
{
	if ! vnic_add vna0 pfa0 0 vlan 10; then
		echo "# FAIL: cannot create vna0: $CMD_ERR"
		exit "$KSFT_FAIL"
	fi
	rule add 9 $MAC1 remote 192.0.2.2 >/dev/null || log_info "cannot add the host rule"
	defer "$PYTHON" "$RULE_CLI" del 9 $MAC1
	VNA0_IDX=$(dev_ifindex vna0)
	PFA0_IDX=$(dev_ifindex pfa0)
	POOL_OWN=$(ip -d link show dev vna0 | sed -n 's/.* pool \([0-9]*\) .*/\1/p')
	[ -n "$POOL_OWN" ] || log_info "vna0 has no pool id"
}

test_unpriv_init()
{
	part_start
	snap_vfs
	check_cmd_fails "$EPERM_MSG" nobody ip link add vnx type ovnic pf pfa0 vf 1
	check_cmd_fails "$EPERM_MSG" nobody ip link set vna0 type ovnic vlan 20
	check_cmd_fails "$EPERM_MSG" nobody ip link set vna0 type ovnic spoofchk off
	check_cmd_fails "$EPERM_MSG" nobody ip link set vna0 type ovnic trust on
	check_cmd_fails "$EPERM_MSG" nobody ip link set vna0 type ovnic pool none
	nl_check "$(nobody "$PYTHON" -S "$PRIV_NL" changelink name=vna0 vlan=20)" \
		"^error 1 EPERM \(Operation not permitted\): $"
	check_cmd_fails "$EPERM_MSG" nobody ip link set vna0 address $MAC2
	check_cmd_fails "$EPERM_MSG" nobody ip link set vna0 mtu 1400
	check_cmd_fails "$EPERM_MSG" nobody ip link set vna0 up
	check_cmd_fails "$EPERM_MSG" nobody ip link del vna0
	ovnic_has vna0 - " vlan 10 " "pool $POOL_OWN "
	check_vfs "after the refusals to uid 65534"
	log_test "uid 65534 without capabilities: VNIC create/change/delete refused (EPERM)"

	cli_batch nobody <<-EOF
	$EPERM_MSG	rule add 9 $MAC2 remote 192.0.2.3
	$EPERM_MSG	rule replace 9 $MAC1 remote 192.0.2.3
	$EPERM_MSG	rule del 9 $MAC1
	$EPERM_MSG	pool add limit 1M
	$EPERM_MSG	pool set $POOL_OWN limit 1M
	$EPERM_MSG	pool del $POOL_OWN
	$EPERM_MSG	pool bind vna0 none
	$EPERM_MSG	pool cap 2G
	ok	rule dump	^vni 9 mac $MAC1 remote 192.0.2.2\$
	ok	rule get 9 $MAC1	^vni 9 mac $MAC1 remote 192.0.2.2\$
	ok	pool show $POOL_OWN	$POOL_OWN
	ok	pool summary	cap
	EOF
	ovnic_has vna0 - "pool $POOL_OWN "
	log_test "uid 65534 without capabilities: rule/pool changes refused (EPERM), reads allowed"

	if check_cmd nobody ip -d link show vna0; then
		grep -q "ovnic pf pfa0 vf 0 " <<<"$CMD_OUT" ||
			fail "ip -d link show vna0 as uid 65534 lacks the ovnic line: $CMD_OUT"
	fi
	log_test "uid 65534 without capabilities: ip -d link show works"
	part_end "unprivileged user in the init namespaces"
}

test_caps()
{
	local before

	part_start
	before=$(vf_state pfa0 1)
	if check_cmd with_cap net_admin ip link add vnc0 type ovnic pf pfa0 vf 1; then
		defer vnic_del vnc0
		check_cmd with_cap net_admin ip link set vnc0 type ovnic vlan 7
		vf_lines | grep -q "^pfa0 vf 1 .*vlan 7," ||
			fail "pfa0 does not report vlan 7 on VF 1: $(vf_lines | grep '^pfa0 vf 1')"
		cli_batch with_cap net_admin <<-EOF
		ok	rule add 9 $MAC2 remote 192.0.2.3
		ok	rule del 9 $MAC2
		EOF
		check_cmd with_cap net_admin ip link del vnc0
	fi
	check_eq "VF 1 after delete" "$(vf_state pfa0 1)" "$before"
	log_test "uid 65534 with CAP_NET_ADMIN only: creates, changes, deletes a VNIC and a rule"

	snap_vfs
	check_cmd_fails "$EPERM_MSG" with_cap net_raw ip link add vnc0 type ovnic pf pfa0 vf 1
	check_cmd_fails "$EPERM_MSG" with_cap net_raw ip link set vna0 type ovnic vlan 20
	check_cmd_fails "$EPERM_MSG" with_cap sys_admin ip link add vnc0 type ovnic pf pfa0 vf 1
	check_cmd_fails "$EPERM_MSG" with_cap sys_admin ip link set vna0 type ovnic vlan 20
	cli_batch with_cap sys_admin <<-EOF
	$EPERM_MSG	rule add 9 $MAC2 remote 192.0.2.3
	$EPERM_MSG	pool add limit 1M
	EOF
	if command -v capsh >/dev/null; then
		check_cmd_fails "$EPERM_MSG" capsh --drop=cap_net_admin -- -c \
			"exec ip link add vnc0 type ovnic pf pfa0 vf 1"
		check_cmd_fails "$EPERM_MSG" capsh --drop=cap_net_admin -- -c \
			"exec ip link set vna0 type ovnic vlan 20"
	fi
	dev_gone vnc0 || fail "vnc0 exists"
	check_vfs "after the refusals to CAP_NET_RAW/CAP_SYS_ADMIN"
	log_test "CAP_NET_RAW or CAP_SYS_ADMIN alone, root without CAP_NET_ADMIN: refused"
	part_end "capabilities"
}

setup_tenants()
{
	TA=$(tenant_start $NOBODY) || { echo "# FAIL: cannot start tenant A"; exit "$KSFT_FAIL"; }
	defer kill "$TA"
	TB=$(tenant_start $OTHER) || { echo "# FAIL: cannot start tenant B"; exit "$KSFT_FAIL"; }
	defer kill "$TB"
	# Root's handles on the tenants' netns (deleted before the kills).
	ip netns attach $NSA "$TA" && defer ip netns del $NSA
	ip netns attach $NSB "$TB" && defer ip netns del $NSB
	log_info "tenant A pid $TA (uid $NOBODY), tenant B pid $TB (uid $OTHER)"
}

test_userns()
{
	local uid caps vnb0_idx n

	part_start
	# Tenant B holds a VNIC of its own.
	if vnic_add vnb0 pfa1 1 && ip link set vnb0 netns "$TB"; then
		vnb0_idx=$(dev_ifindex vnb0 $NSB)
	else
		fail "cannot give tenant B vnb0: $CMD_ERR"
		vnb0_idx=999
	fi
	defer ip -n $NSB link del vnb0
	snap_vfs

	uid=$(ta id -u)
	caps=$(ta grep CapEff /proc/self/status | awk '{ print $2 }')
	check_eq "uid in tenant A" "$uid" 0
	check_ne "capabilities in tenant A" "${caps:-0}" 0000000000000000
	n=$(ta ip -o link show | awk -F': ' -v i="$PFA0_IDX" '$1 == i { print $2 }')
	check_eq "tenant A's link with pfa0's ifindex $PFA0_IDX" "$n" ""
	log_info "tenant A: uid $uid, CapEff $caps"

	check_cmd_fails "PF device not found" ta ip link add vnx type ovnic pf pfa0 vf 1
	check_cmd_fails "PF device not found" ta ip link add vnx type ovnic pf pfa0 vf 1 pf pfa1 vf 0
	# Raw requests, in one python: pfa0 by ifindex; nsids for the host's
	# and tenant B's netns (allowed: RTM_NEWNSID needs no privilege over
	# the peer), then used as link netns (create) and as target (get, del).
	nl_check "$(ta "$PYTHON" -S "$PRIV_NL" \
		newlink name=vnx pf="$PFA0_IDX" vf=1 -- \
		newnsid nsid=7 pid=1 -- \
		newlink name=vnx pf="$PFA0_IDX" vf=1 link_netnsid=7 -- \
		getlink index="$VNA0_IDX" target_netnsid=7 -- \
		dellink index="$VNA0_IDX" target_netnsid=7 -- \
		newnsid nsid=8 pid="$TB" -- \
		newlink name=vnx pf="$PFA0_IDX" vf=1 link_netnsid=8 -- \
		getlink index="$vnb0_idx" target_netnsid=8 -- \
		dellink index="$vnb0_idx" target_netnsid=8)" \
		"^error 19 ENODEV \(No such device\): ovnic: PF device not found$" \
		"^ok$" \
		"^error 1 EPERM \(Operation not permitted\): $" \
		"^error 13 EACCES \(Permission denied\): $" \
		"^error 13 EACCES \(Permission denied\): $" \
		"^ok$" \
		"^error 1 EPERM \(Operation not permitted\): $" \
		"^error 13 EACCES \(Permission denied\): $" \
		"^error 13 EACCES \(Permission denied\): $"
	log_test "tenant: host PFs not found; host/B netns refused as link netns (EPERM) or target (EACCES)"

	check_cmd_fails "Permission denied" ta sh -c 'exec 9</proc/1/ns/net'
	check_cmd_fails "$EPERM_MSG" ta ip link add vnx netns 1 type ovnic pf "if$PFA0_IDX" vf 1
	check_cmd_fails "$EPERM_MSG" ta ip link add vnx netns /proc/self/fd/7 \
		type ovnic pf "if$PFA0_IDX" vf 1 7</proc/1/ns/net
	check_cmd_fails "Cannot find device" ta ip link del vna0
	check_cmd_fails "Cannot find device" ta ip link set vna0 type ovnic vlan 20
	log_test "tenant: host netns not openable, refused by NS_PID/NS_FD (EPERM); host VNIC invisible"

	check_cmd_fails "Permission denied|$EPERM_MSG" ta nsenter -t "$TB" -U -n --preserve-credentials true
	check_cmd_fails "$EPERM_MSG" ta ip link add vnx netns "$TB" type ovnic pf "if$PFA0_IDX" vf 1
	check_cmd_fails "Cannot find device" ta ip link del vnb0
	dev_exists vnb0 $NSB || fail "tenant B's vnb0 is gone"
	dev_exists vna0 || fail "vna0 is gone"
	check_vfs "after the tenant's attempts"
	log_test "tenant: another tenant's netns and VNIC unreachable"

	cli_batch ta <<-EOF
	ok	rule dump	^\$
	ok	rule add 9 $MAC2 remote 192.0.2.3
	ok	rule dump	^vni 9 mac $MAC2 remote 192.0.2.3\$
	no such rule	rule del 9 $MAC1
	$EPERM_MSG	pool add limit 1M
	$EPERM_MSG	pool set $POOL_OWN limit 1M
	$EPERM_MSG	pool del $POOL_OWN
	$EPERM_MSG	pool cap 2G
	no such VNIC	pool raw bind ifindex=u32:$VNA0_IDX id=u32:4294967295
	EOF
	check_eq "host rules" "$(rule dump)" "vni 9 mac $MAC1 remote 192.0.2.2"
	ovnic_has vna0 - "pool $POOL_OWN "
	log_test "tenant: rules only its own netns's; pools, cap, host VNIC's pool refused"
	part_end "tenant namespaces"
}

test_tenant_vnic()
{
	local pre_t pre_o pre_m0 pre_m1

	part_start
	pre_t=$(vf_state pfa0 1)
	pre_o=$(vf_state pfa1 0)
	pre_m0=$(vf_state pfb0 0 "$HVB")
	pre_m1=$(vf_state pfb1 0 "$HVB")
	defer ip -n $NSA link del vnt0
	defer ip -n $NSA link del vno0
	defer ip -n $NSA link del vnm0
	if ! vnic_add vnt0 pfa0 1 address $MACT vlan 10 spoofchk on trust off ||
		! vnic_add vno0 pfa1 0 vni 100 local 192.0.2.1 remote 192.0.2.2 ||
		! vnic_add -n "$HVB" vnm0 pfb0 0 pf pfb1 vf 0 mode active-backup; then
		fail "cannot create the tenant's VNICs: $CMD_ERR"
		log_test "tenant VNICs"
		return
	fi
	check_cmd ip link set vnt0 netns "$TA"
	check_cmd ip link set vno0 netns "$TA"
	check_cmd ip -n "$HVB" link set vnm0 netns "$TA"
	snap_vfs

	check_cmd ta ip link set vnt0 up
	check_cmd ta ip link set vnt0 mtu 1400
	check_cmd ta ip addr add 198.51.100.1/24 dev vnt0
	check_cmd ta ip link set vnt0 down
	check_cmd ta ip link set vnt0 name tenant0
	check_cmd ta ip link set tenant0 name vnt0
	check_cmd ta ip link set vnt0 up
	ovnic_has vnt0 $NSA "<.*UP.*> mtu 1400 "
	ipns $NSA addr show dev vnt0 | grep -q "inet 198.51.100.1/24" ||
		fail "vnt0 lost its address"
	check_cmd ta ip link set vnm0 up
	check_cmd ta ip link set vno0 up
	check_vfs "after the tenant's allowed changes"
	log_test "tenant: its VNIC goes up/down, takes an MTU, a name, an address"

	check_cmd_fails "$NEED_PF_ADMIN" ta ip link set vnt0 type ovnic vlan 20
	check_cmd_fails "$NEED_PF_ADMIN" ta ip link set vnt0 type ovnic vlan 0
	check_cmd_fails "$NEED_PF_ADMIN" ta ip link set vnt0 type ovnic spoofchk off
	check_cmd_fails "$NEED_PF_ADMIN" ta ip link set vnt0 type ovnic trust on
	nl_check "$(ta "$PYTHON" -S "$PRIV_NL" changelink name=vnt0 trust=1)" \
		"^error 1 EPERM \(Operation not permitted\): ovnic: $NEED_PF_ADMIN$"
	check_cmd_fails "$NEED_PF_ADMIN" ta ip link set vnt0 type ovnic pool none
	check_cmd_fails "$NEED_PF_ADMIN" ta ip link set vnt0 type ovnic pool-limit 1M
	check_cmd_fails "$NEED_PF_ADMIN" ta ip link set vnt0 type ovnic pool-adaptive on
	cli_batch ta <<-EOF
	$NEED_PF_ADMIN	pool bind vnt0 none
	$NEED_PF_ADMIN	pool bind vnt0 own
	EOF
	ovnic_has vnt0 $NSA " vlan 10 spoofchk on trust off"
	log_test "tenant: vlan/spoofchk/trust/pool of a plain VNIC refused (EPERM + extack)"

	check_cmd_fails "$NEED_PF_ADMIN" ta ip link set vnm0 type ovnic mode balance
	check_cmd_fails "$NEED_PF_ADMIN" ta ip link set vnm0 type ovnic primary 1
	check_cmd_fails "$NEED_PF_ADMIN" ta ip link set vnm0 type ovnic failback never
	check_cmd_fails "$NEED_PF_ADMIN" ta ip link set vnm0 type ovnic updelay 500
	ovnic_has vnm0 $NSA "mode active-backup primary 0 failback always updelay 0 "
	log_test "tenant: mode/primary/failback/updelay of a 2-lower VNIC refused"

	check_cmd_fails "$NEED_PF_ADMIN" ta ip link set vno0 type ovnic vni 200
	check_cmd_fails "$NEED_PF_ADMIN" ta ip link set vno0 type ovnic remote 192.0.2.3
	check_cmd_fails "$NEED_PF_ADMIN" ta ip link set vno0 type ovnic port 7000
	check_cmd_fails "$NEED_PF_ADMIN" ta ip link set vno0 type ovnic reasm-frames 16
	ovnic_has vno0 $NSA "vni 100 local 192.0.2.1 remote 192.0.2.2 port 7475 "
	log_test "tenant: vni/remote/port/reasm of an overlay VNIC refused"

	# Down first: the core refuses MAC changes of a running VNIC (EBUSY).
	check_cmd ta ip link set vnt0 down
	check_cmd ta ip link set vno0 down
	check_cmd_fails "$EPERM_MSG" ta ip link set vnt0 address $MAC2
	ovnic_has vnt0 $NSA "link/ether $MACT "
	check_cmd ta ip link set vno0 address $MAC2
	ovnic_has vno0 $NSA "link/ether $MAC2 "
	check_cmd_fails "$EPERM_MSG" ta ip link set vnt0 netns 1
	check_cmd_fails "$EPERM_MSG" ta ip link set vnt0 netns /proc/self/fd/7 7</proc/1/ns/net
	dev_exists vnt0 $NSA || fail "vnt0 left tenant A"
	check_vfs "after the tenant's refused changes"
	grep -q "^pfa0 vf 1 .*link/ether $MACT" <<<"$VF_SNAP" ||
		fail "pfa0 does not report vnt0's MAC on VF 1: $VF_SNAP"
	log_test "tenant: plain VNIC MAC refused (EPERM), overlay MAC allowed, no way out"

	check_cmd ta ip link del vno0
	wait_until 10 vfs_free pfa1vf0 || fail "pfa1vf0 still has an upper"
	check_eq "VF 0 of pfa1 after the tenant deleted vno0" "$(vf_state pfa1 0)" "$pre_o"
	log_test "tenant: may delete its own VNIC, the VF is restored"

	ip netns del $NSA
	kill "$TA"
	wait "$TA" 2>/dev/null
	if ! wait_until 40 vfs_free pfa0vf1 pfb0vf0 pfb1vf0; then
		fail "VFs still taken 40 s after tenant A's netns went away"
	fi
	log_info "tenant A's VNICs gone ${WAIT_MS} ms after its netns went away"
	check_eq "VF 1 of pfa0" "$(vf_state pfa0 1)" "$pre_t"
	check_eq "VF 0 of pfb0" "$(vf_state pfb0 0 "$HVB")" "$pre_m0"
	check_eq "VF 0 of pfb1" "$(vf_state pfb1 0 "$HVB")" "$pre_m1"
	check_eq "VNICs in the init netns" "$(ovnic_links - | sort | tr '\n' ' ')" "vna0 "
	check_eq "VNICs in hvb" "$(ovnic_links "$HVB" | tr '\n' ' ')" ""
	if check_cmd ip link add vnr0 type ovnic pf pfa0 vf 1; then
		check_cmd ip link del vnr0
	fi
	log_test "tenant netns gone: its VNICs deleted, VFs restored and free again"
	part_end "tenant VNICs"
}

# vfs_free VFDEV...: none of the VF netdevs (init netns or hvb) has an
# upper device
vfs_free()
{
	local v

	for v in "$@"; do
		ip -o link show dev "$v" 2>/dev/null | grep -q " master " && return 1
		ip -n "$HVB" -o link show dev "$v" 2>/dev/null | grep -q " master " && return 1
	done
	return 0
}

setup_host
test_unpriv_init
test_caps
setup_tenants
test_userns
test_tenant_vnic

check_dmesg_clean
log_test "kernel log: no warning"
