// SPDX-License-Identifier: GPL-2.0
/*
 * link_ovnic.so: iproute2 plugin for the "ovnic" link type.
 *
 *   ip link add NAME [address MAC] [mtu MTU] type ovnic pf PFDEV vf N \
 *           [vlan VID] [spoofchk on|off] [trust on|off]
 *   ip link add NAME [address MAC] [mtu MTU] type ovnic pf PFDEV vf N \
 *           vni VNI local ADDR [remote ADDR] [port PORT] \
 *           [reasm-mem BYTES] [reasm-frames N] [reasm-timeout MS]
 *   ip link add NAME type ovnic pf PFDEV vf N pf PFDEV vf N ... \
 *           [mode active-backup|balance] [primary N|PFDEV] \
 *           [failback always|never] [updelay MS] [downdelay MS] \
 *           [hash l2|l34|inner] [probe-interval MS] [probe-misses N] ...
 *   ip link add NAME type ovnic pf PFDEV vf N ... \
 *           [pool own|none|ID] [pool-limit BYTES] [pool-high PCT] \
 *           [pool-low PCT] [pool-adaptive on|off]
 *   ip link set NAME type ovnic [vlan VID] [spoofchk on|off] [trust on|off] \
 *           [vni VNI] [remote ADDR] [port PORT] [reasm-mem BYTES] ... \
 *           [mode ...] [primary N] [failback ...] [updelay MS] ... \
 *           [pool own|none|ID] [pool-limit BYTES] ...
 *   ip [-j] -d link show NAME
 *
 * One "pf PFDEV vf N" pair is sent as IFLA_OVNIC_PF and IFLA_OVNIC_VF, as
 * before aggregation existed; two or more pairs as IFLA_OVNIC_LOWERS, one
 * IFLA_OVNIC_LOWER_ENTRY per pair, in the order given (lower 0, 1, ...).
 * "primary" takes a lower index, or on create the name of one of the PFs
 * of the command (its lower's index is sent).
 *
 * An IPv4 ADDR sets IFLA_OVNIC_LOCAL / IFLA_OVNIC_REMOTE, an IPv6 one
 * IFLA_OVNIC_LOCAL6 / IFLA_OVNIC_REMOTE6.
 *
 * "pool own" sends IFLA_OVNIC_POOL = OVNIC_POOL_OWN, "pool none"
 * OVNIC_POOL_NONE, "pool ID" the id of a shared pool (tools/ovnic/ovnic-pool).
 * The pool-limit BYTES take a K, M or G suffix (powers of 1024).
 *
 * The plugin only translates words to IFLA_OVNIC_* attributes and back. It
 * does not decide which attributes are required or allowed on create or on
 * change: the kernel does, and explains a refusal with an extack message.
 *
 * Build: "make plugin" at the top of the tree. ip loads the plugin from
 * $IP_LIB_DIR/link_ovnic.so (see README.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/ovnic.h>

#include "ip_plugin.h"

/*
 * Bound passed to addattr*(): ip builds link requests in a buffer with 1024
 * bytes for attributes after the headers, the usual bound of link plugins.
 */
#define OVNIC_REQ_ROOM	1024

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static void ovnic_explain(FILE *f)
{
	fprintf(f,
		"Usage: ... ovnic pf PFDEV vf VFNUM [ pf PFDEV vf VFNUM ... ]\n"
		"\t\t [ vlan VLANID ] [ spoofchk { on | off } ] [ trust { on | off } ]\n"
		"\t\t [ mode { active-backup | balance } ] [ primary { LOWER | PFDEV } ]\n"
		"\t\t [ failback { always | never } ] [ updelay DELAY ]\n"
		"\t\t [ downdelay DELAY ] [ hash { l2 | l34 | inner } ]\n"
		"\t\t [ probe-interval INTERVAL ] [ probe-misses MISSES ]\n"
		"\t\t [ vni VNI local ADDR [ remote ADDR ] [ port PORT ]\n"
		"\t\t   [ reasm-mem BYTES ] [ reasm-frames FRAMES ]\n"
		"\t\t   [ reasm-timeout MS ] ]\n"
		"\t\t [ pool { own | none | POOLID } ] [ pool-limit POOLBYTES ]\n"
		"\t\t [ pool-high PCT ] [ pool-low PCT ]\n"
		"\t\t [ pool-adaptive { on | off } ]\n"
		"\n"
		"Where:\tPFDEV  := SR-IOV physical function (network device name)\n"
		"\tVFNUM  := index of the virtual function on PFDEV, from 0\n"
		"\t\t  (each \"pf PFDEV vf VFNUM\" pair is one lower device, on a\n"
		"\t\t  different PF; up to 4, numbered from 0 in command order)\n"
		"\tVLANID := port VLAN the PF applies to the VF, 1-4094; 0 for none\n"
		"\tLOWER  := index of the primary lower, default 0; a PFDEV of\n"
		"\t\t  this command names its lower (only when creating)\n"
		"\tDELAY  := milliseconds, 0-60000 (default 0)\n"
		"\tINTERVAL := milliseconds between path probes of an overlay VNIC,\n"
		"\t\t  0 (none, the default) or 10-60000\n"
		"\tMISSES := unanswered probes that make a path down, 1-100\n"
		"\t\t  (default 3)\n"
		"\tVNI    := overlay network identifier, 0-16777215; makes the\n"
		"\t\t  VNIC an overlay VNIC (only when it is created)\n"
		"\tADDR   := IPv4 or IPv6 address of the local or the default\n"
		"\t\t  remote tunnel endpoint (0.0.0.0 or :: removes the remote)\n"
		"\tPORT   := outer destination port, 1-65535 (default 7475)\n"
		"\tBYTES  := memory of the reassembly table (default 4194304)\n"
		"\tFRAMES := incomplete frames it holds, 1-65536 (default 256)\n"
		"\tMS     := age of an incomplete frame, 1-60000 (default 200)\n"
		"\tPOOLID := id of a shared memory pool (made with ovnic-pool);\n"
		"\t\t  \"own\" is the VNIC's own pool (the default), \"none\"\n"
		"\t\t  no accounting\n"
		"\tPOOLBYTES := bytes the own pool may hold in flight, with an\n"
		"\t\t  optional K, M or G suffix; at least 128K (default 4M)\n"
		"\tPCT    := percent of the limit: pool-high stops transmitting\n"
		"\t\t  (1-100, default 100), below pool-low it resumes (0-99,\n"
		"\t\t  below pool-high, default 50)\n"
		"\n"
		"pf and vf are given when the device is created and cannot change;\n"
		"the other settings can also be changed with\n"
		"\"ip link set NAME type ovnic ...\".\n");
}

/* The keywords of the ovnic link type and the attribute each one sets. */
static const struct {
	const char *word;
	int type;
} ovnic_keywords[] = {
	{ "pf",		IFLA_OVNIC_PF },
	{ "vf",		IFLA_OVNIC_VF },
	{ "vlan",	IFLA_OVNIC_VF_VLAN },
	{ "spoofchk",	IFLA_OVNIC_VF_SPOOFCHK },
	{ "trust",	IFLA_OVNIC_VF_TRUST },
	{ "vni",	IFLA_OVNIC_VNI },
	{ "local",	IFLA_OVNIC_LOCAL },
	{ "remote",	IFLA_OVNIC_REMOTE },
	{ "port",	IFLA_OVNIC_PORT },
	{ "reasm-mem",	IFLA_OVNIC_REASM_MEM },
	{ "reasm-frames", IFLA_OVNIC_REASM_FRAMES },
	{ "reasm-timeout", IFLA_OVNIC_REASM_TIMEOUT },
	{ "mode",	IFLA_OVNIC_MODE },
	{ "primary",	IFLA_OVNIC_PRIMARY },
	{ "failback",	IFLA_OVNIC_FAILBACK },
	{ "updelay",	IFLA_OVNIC_UPDELAY },
	{ "downdelay",	IFLA_OVNIC_DOWNDELAY },
	{ "hash",	IFLA_OVNIC_HASH },
	{ "probe-interval", IFLA_OVNIC_PROBE_INTERVAL },
	{ "probe-misses", IFLA_OVNIC_PROBE_MISSES },
	{ "pool",	IFLA_OVNIC_POOL },
	{ "pool-limit",	IFLA_OVNIC_POOL_LIMIT },
	{ "pool-high",	IFLA_OVNIC_POOL_HIGH },
	{ "pool-low",	IFLA_OVNIC_POOL_LOW },
	{ "pool-adaptive", IFLA_OVNIC_POOL_ADAPTIVE },
};

static int ovnic_keyword(const char *word)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ovnic_keywords); i++)
		if (!strcmp(word, ovnic_keywords[i].word))
			return ovnic_keywords[i].type;
	return IFLA_OVNIC_UNSPEC;
}

/*
 * Names of the values of the u8 enumerations, indexed by value; used both
 * to parse the words and to print what the kernel reports.
 */
static const char *const ovnic_mode_names[] = {
	[OVNIC_MODE_ACTIVE_BACKUP]	= "active-backup",
	[OVNIC_MODE_BALANCE]		= "balance",
};

static const char *const ovnic_failback_names[] = {
	[OVNIC_FAILBACK_ALWAYS]	= "always",
	[OVNIC_FAILBACK_NEVER]	= "never",
};

static const char *const ovnic_hash_names[] = {
	[OVNIC_HASH_L2]		= "l2",
	[OVNIC_HASH_L34]	= "l34",
	[OVNIC_HASH_INNER]	= "inner",
};

static const char *const ovnic_state_names[] = {
	[OVNIC_LOWER_UP]		= "up",
	[OVNIC_LOWER_DOWN]		= "down",
	[OVNIC_LOWER_PATH_DOWN]		= "path-down",
	[OVNIC_LOWER_UP_PENDING]	= "up-pending",
	[OVNIC_LOWER_DOWN_PENDING]	= "down-pending",
	[OVNIC_LOWER_GONE]		= "gone",
};

static const char *const ovnic_reason_names[] = {
	[OVNIC_REASON_NONE]	= "none",
	[OVNIC_REASON_PF_LINK]	= "pf-link",
	[OVNIC_REASON_PF_GONE]	= "pf-gone",
	[OVNIC_REASON_VF_LINK]	= "vf-link",
	[OVNIC_REASON_VF_GONE]	= "vf-gone",
	[OVNIC_REASON_PROBE]	= "probe",
	[OVNIC_REASON_FAILBACK]	= "failback",
	[OVNIC_REASON_CONFIG]	= "config",
	[OVNIC_REASON_DELAY]	= "delay",
};

/*
 * Add u8 attribute @type with the index of word @arg in @names (@count
 * entries), or explain the words @key takes.
 */
static int ovnic_add_enum(struct nlmsghdr *n, const char *key, int type,
			  const char *arg, const char *const *names,
			  size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (names[i] && !strcmp(arg, names[i]))
			return addattr8(n, OVNIC_REQ_ROOM, type, i);
	fprintf(stderr, "Error: ovnic: %s must be", key);
	for (i = 0; i < count; i++)
		fprintf(stderr, "%s \"%s\"", !i ? "" :
			i + 1 < count ? "," : " or", names[i]);
	fprintf(stderr, ", not \"%s\".\n", arg);
	return -1;
}

/*
 * Add endpoint address @arg as @type4 when it is IPv4 or @type6 when it
 * is IPv6.
 */
static int ovnic_add_addr(struct nlmsghdr *n, const char *key, int type4,
			  int type6, const char *arg)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, arg, &a4) == 1)
		return addattr_l(n, OVNIC_REQ_ROOM, type4, &a4, sizeof(a4));
	if (inet_pton(AF_INET6, arg, &a6) == 1)
		return addattr_l(n, OVNIC_REQ_ROOM, type6, &a6, sizeof(a6));
	fprintf(stderr, "Error: ovnic: %s must be an IPv4 or IPv6 address: \"%s\".\n",
		key, arg);
	return -1;
}

static int ovnic_get_u32_arg(__u32 *val, const char *key, const char *arg)
{
	if (get_u32(val, arg, 10)) {
		fprintf(stderr,
			"Error: ovnic: %s must be an unsigned 32-bit number: \"%s\".\n",
			key, arg);
		return -1;
	}
	return 0;
}

/*
 * Bytes of word @arg: a number with an optional suffix K, M or G (powers
 * of 1024, "KiB" and "KB" also accepted), at most @max.
 */
static int ovnic_get_bytes(__u64 *val, const char *key, const char *arg,
			   __u64 max)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (end == arg || *arg == '-' || errno)
		goto bad;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	}
	if (shift) {
		end++;
		if (*end == 'i')
			end++;
		if (*end == 'B' || *end == 'b')
			end++;
	}
	if (*end || v > (max >> shift))
		goto bad;
	*val = v << shift;
	return 0;
bad:
	fprintf(stderr,
		"Error: ovnic: %s must be a byte count up to %llu, optionally with K, M or G: \"%s\".\n",
		key, (unsigned long long)max, arg);
	return -1;
}

/* Percentage word @arg of @key, sent as u8; the kernel checks the range. */
static int ovnic_add_pct(struct nlmsghdr *n, const char *key, int type,
			 const char *arg, const char *range)
{
	__u32 val;

	if (get_u32(&val, arg, 10) || val > 255) {
		fprintf(stderr,
			"Error: ovnic: %s must be a percentage of the pool limit, %s: \"%s\".\n",
			key, range, arg);
		return -1;
	}
	return addattr8(n, OVNIC_REQ_ROOM, type, val);
}

/* "pool own|none|ID" */
static int ovnic_add_pool(struct nlmsghdr *n, const char *arg)
{
	__u32 id;

	if (!strcmp(arg, "own")) {
		id = OVNIC_POOL_OWN;
	} else if (!strcmp(arg, "none")) {
		id = OVNIC_POOL_NONE;
	} else if (get_u32(&id, arg, 10)) {
		fprintf(stderr,
			"Error: ovnic: pool must be \"own\", \"none\" or a pool id: \"%s\".\n",
			arg);
		return -1;
	}
	return addattr32(n, OVNIC_REQ_ROOM, IFLA_OVNIC_POOL, id);
}

/* ifindex of PF @arg, or 0 after an error message. */
static unsigned int ovnic_pf_index(const char *arg)
{
	unsigned int ifindex = ll_name_to_index(arg);

	if (!ifindex)
		fprintf(stderr,
			"Error: ovnic: PF device not found: no network device named \"%s\".\n",
			arg);
	return ifindex;
}

/*
 * Add the attribute of keyword @key (type @type) with value word @arg
 * ("pf", "vf" and "primary" excepted: see ovnic_add_lowers() and
 * ovnic_add_primary()).
 */
static int ovnic_add_attr(struct nlmsghdr *n, const char *key, int type,
			  const char *arg)
{
	__u64 bytes;
	__u32 val32;
	int err = 0;
	__u16 vid;
	__u16 port;
	bool on;

	switch (type) {
	case IFLA_OVNIC_LOCAL:
		return ovnic_add_addr(n, key, IFLA_OVNIC_LOCAL,
				      IFLA_OVNIC_LOCAL6, arg);
	case IFLA_OVNIC_REMOTE:
		return ovnic_add_addr(n, key, IFLA_OVNIC_REMOTE,
				      IFLA_OVNIC_REMOTE6, arg);
	case IFLA_OVNIC_PORT:
		if (get_u16(&port, arg, 10)) {
			invarg("port must be an unsigned 16-bit number", arg);
			return -1;
		}
		return addattr16(n, OVNIC_REQ_ROOM, type, port);
	case IFLA_OVNIC_VNI:
	case IFLA_OVNIC_REASM_MEM:
	case IFLA_OVNIC_REASM_FRAMES:
	case IFLA_OVNIC_REASM_TIMEOUT:
	case IFLA_OVNIC_UPDELAY:
	case IFLA_OVNIC_DOWNDELAY:
	case IFLA_OVNIC_PROBE_INTERVAL:
	case IFLA_OVNIC_PROBE_MISSES:
		if (ovnic_get_u32_arg(&val32, key, arg))
			return -1;
		return addattr32(n, OVNIC_REQ_ROOM, type, val32);
	case IFLA_OVNIC_MODE:
		return ovnic_add_enum(n, key, type, arg, ovnic_mode_names,
				      ARRAY_SIZE(ovnic_mode_names));
	case IFLA_OVNIC_FAILBACK:
		return ovnic_add_enum(n, key, type, arg, ovnic_failback_names,
				      ARRAY_SIZE(ovnic_failback_names));
	case IFLA_OVNIC_HASH:
		return ovnic_add_enum(n, key, type, arg, ovnic_hash_names,
				      ARRAY_SIZE(ovnic_hash_names));
	case IFLA_OVNIC_POOL:
		return ovnic_add_pool(n, arg);
	case IFLA_OVNIC_POOL_LIMIT:
		if (ovnic_get_bytes(&bytes, key, arg, UINT32_MAX))
			return -1;
		return addattr32(n, OVNIC_REQ_ROOM, type, bytes);
	case IFLA_OVNIC_POOL_HIGH:
		return ovnic_add_pct(n, key, type, arg, "1-100");
	case IFLA_OVNIC_POOL_LOW:
		return ovnic_add_pct(n, key, type, arg, "0-99");
	case IFLA_OVNIC_VF_VLAN:
		if (get_u16(&vid, arg, 10)) {
			invarg("VLAN ID must be an unsigned 16-bit number", arg);
			return -1;
		}
		return addattr16(n, OVNIC_REQ_ROOM, type, vid);
	default: /* spoofchk, trust, pool-adaptive */
		on = parse_on_off(key, arg, &err);
		if (err)
			return -1;
		return addattr8(n, OVNIC_REQ_ROOM, type, on);
	}
}

/*
 * The lower devices of a command: its "pf" and "vf" words, in order. More
 * than the kernel accepts (OVNIC_MAX_LOWERS) are passed on, so that the
 * kernel's own message explains the limit.
 */
#define OVNIC_CMD_MAX_WORDS	32

struct ovnic_lower_words {
	unsigned int count;		/* "pf" and "vf" words */
	unsigned int npf, nvf;
	int type[OVNIC_CMD_MAX_WORDS];	/* IFLA_OVNIC_PF or IFLA_OVNIC_VF */
	const char *arg[OVNIC_CMD_MAX_WORDS];
	__u32 val[OVNIC_CMD_MAX_WORDS];	/* PF ifindex or VF index */
};

/* Record word @arg of keyword @type ("pf" or "vf"), checked at once. */
static int ovnic_add_lower_word(struct ovnic_lower_words *lw, int type,
				const char *arg)
{
	__u32 val;

	if (lw->count == OVNIC_CMD_MAX_WORDS) {
		fprintf(stderr, "Error: ovnic: too many lower devices.\n");
		return -1;
	}
	if (type == IFLA_OVNIC_PF) {
		val = ovnic_pf_index(arg);
		if (!val)
			return -1;
		lw->npf++;
	} else {
		if (get_u32(&val, arg, 10)) {
			invarg("VF index must be an unsigned 32-bit number",
			       arg);
			return -1;
		}
		lw->nvf++;
	}
	lw->type[lw->count] = type;
	lw->arg[lw->count] = arg;
	lw->val[lw->count++] = val;
	return 0;
}

/* Start a nest of type @type (with NLA_F_NESTED) at the end of @n. */
static struct rtattr *ovnic_nest_start(struct nlmsghdr *n, int type)
{
	struct rtattr *nest = (struct rtattr *)((char *)n +
						NLMSG_ALIGN(n->nlmsg_len));

	if (addattr_l(n, OVNIC_REQ_ROOM, type | NLA_F_NESTED, NULL, 0))
		return NULL;
	return nest;
}

/* End nest @nest: it holds everything added to @n since it started. */
static void ovnic_nest_end(struct nlmsghdr *n, struct rtattr *nest)
{
	nest->rta_len = (char *)n + NLMSG_ALIGN(n->nlmsg_len) - (char *)nest;
}

/*
 * Add the lower devices of @lw: one pair as IFLA_OVNIC_PF/IFLA_OVNIC_VF
 * (a lone "pf" or "vf" too, so that the kernel explains what is missing),
 * two or more as IFLA_OVNIC_LOWERS, which needs strict "pf X vf N" pairs.
 */
static int ovnic_add_lowers(struct nlmsghdr *n,
			    const struct ovnic_lower_words *lw)
{
	struct rtattr *lowers, *entry;
	unsigned int i;

	if (lw->npf <= 1 && lw->nvf <= 1) {
		for (i = 0; i < lw->count; i++)
			if (addattr32(n, OVNIC_REQ_ROOM, lw->type[i],
				      lw->val[i]))
				return -1;
		return 0;
	}
	for (i = 0; i < lw->count; i++) {
		if (lw->type[i] != (i % 2 ? IFLA_OVNIC_VF : IFLA_OVNIC_PF) ||
		    lw->count % 2) {
			fprintf(stderr,
				"Error: ovnic: give each lower device as \"pf PFDEV vf VFNUM\".\n");
			return -1;
		}
	}
	lowers = ovnic_nest_start(n, IFLA_OVNIC_LOWERS);
	if (!lowers)
		return -1;
	for (i = 0; i < lw->count; i += 2) {
		entry = ovnic_nest_start(n, IFLA_OVNIC_LOWER_ENTRY);
		if (!entry ||
		    addattr32(n, OVNIC_REQ_ROOM, OVNIC_LOWER_A_PF, lw->val[i]) ||
		    addattr32(n, OVNIC_REQ_ROOM, OVNIC_LOWER_A_VF,
			      lw->val[i + 1]))
			return -1;
		ovnic_nest_end(n, entry);
	}
	ovnic_nest_end(n, lowers);
	return 0;
}

/*
 * Add IFLA_OVNIC_PRIMARY for word @arg: a lower index, or the name of a
 * PF given in this command (the index of its lower).
 */
static int ovnic_add_primary(struct nlmsghdr *n,
			     const struct ovnic_lower_words *lw,
			     const char *arg)
{
	unsigned int i, lower = 0, ifindex;
	__u32 index;

	if (!get_u32(&index, arg, 10))
		return addattr32(n, OVNIC_REQ_ROOM, IFLA_OVNIC_PRIMARY, index);
	ifindex = ll_name_to_index(arg);
	for (i = 0; i < lw->count; i++) {
		if (lw->type[i] != IFLA_OVNIC_PF)
			continue;
		if (!strcmp(lw->arg[i], arg) || (ifindex && lw->val[i] == ifindex))
			return addattr32(n, OVNIC_REQ_ROOM, IFLA_OVNIC_PRIMARY,
					 lower);
		lower++;
	}
	fprintf(stderr,
		"Error: ovnic: primary must be a lower index or a PF of this command: \"%s\".\n",
		arg);
	return -1;
}

static int ovnic_parse_opt(struct link_util *lu, int argc, char **argv,
			   struct nlmsghdr *n)
{
	struct ovnic_lower_words lw = { 0 };
	const char *primary = NULL;
	unsigned long long seen = 0;
	const char *key;
	int type;

	(void)lu;

	for (; argc > 0; argc--, argv++) {
		key = *argv;
		if (!strcmp(key, "help")) {
			ovnic_explain(stdout);
			return -1;
		}
		type = ovnic_keyword(key);
		if (type == IFLA_OVNIC_UNSPEC) {
			fprintf(stderr, "ovnic: unknown option \"%s\"?\n", key);
			ovnic_explain(stderr);
			return -1;
		}
		if (argc < 2) {
			incomplete_command();
			return -1;
		}
		argc--;
		argv++;
		if (type == IFLA_OVNIC_PF || type == IFLA_OVNIC_VF) {
			/* repeated: one pair per lower device */
			if (ovnic_add_lower_word(&lw, type, *argv))
				return -1;
			continue;
		}
		if (seen & (1ULL << type)) {
			duparg(key, *argv);
			return -1;
		}
		seen |= 1ULL << type;
		if (type == IFLA_OVNIC_PRIMARY) {
			/* may name a PF that comes later in the command */
			primary = *argv;
			continue;
		}
		if (ovnic_add_attr(n, key, type, *argv))
			return -1;
	}
	if (ovnic_add_lowers(n, &lw))
		return -1;
	if (primary && ovnic_add_primary(n, &lw, primary))
		return -1;
	return 0;
}

/*
 * @link value for the PF of a gone lower: its VF, and so the PF's
 * "device/virtfnN" link, no longer exists; any SR-IOV PF is accepted.
 */
#define OVNIC_SYSFS_ANY_PF	"device/sriov_totalvfs"

/*
 * Does sysfs confirm that device @name is the one we look for?
 *
 * The PF and lower ifindexes reported by the kernel are those of the PF's
 * namespace. When the VNIC lives in another namespace, the same number may
 * name an unrelated device there. Both devices are tied to the VF's PCI
 * function @pci: the lower's "device" link points to it, and so does the
 * PF's "device/virtfnN" link (@link is the one to check). This needs sysfs
 * mounted for the current namespace, as "ip -n NS" and "ip netns exec NS"
 * do; without it nothing is confirmed. Without @pci there is nothing to
 * check against and the name is accepted.
 */
static bool ovnic_sysfs_confirms(const char *name, const char *link,
				 const char *pci)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t len;

	if (!pci)
		return true;
	if (!link)
		return false;
	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", name, link);
	if (!strcmp(link, OVNIC_SYSFS_ANY_PF))
		return access(path, F_OK) == 0;
	len = readlink(path, target, sizeof(target) - 1);
	if (len < 0)
		return false;
	target[len] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	return strcmp(base, pci) == 0;
}

/*
 * Print "KEY NAME" for a device the kernel reports by ifindex. The name is
 * that of the device with this ifindex in the current namespace, when there
 * is one and sysfs confirms it; otherwise the ifindex itself is printed
 * (in JSON: a string when resolved, else a number).
 */
static void ovnic_print_dev(const char *key, __u32 ifindex, const char *link,
			    const char *pci)
{
	char unknown[IF_NAMESIZE + 12];
	const char *name;

	print_color_string(PRINT_FP, COLOR_NONE, NULL, "%s ", key);

	name = ll_index_to_name(ifindex);
	snprintf(unknown, sizeof(unknown), "if%u", ifindex);
	if (ifindex && strcmp(name, unknown) &&
	    ovnic_sysfs_confirms(name, link, pci)) {
		print_color_string(PRINT_ANY, COLOR_IFNAME, key, "%s ", name);
		return;
	}
	print_color_uint(PRINT_ANY, COLOR_NONE, key, "%u ", ifindex);
}

/* Is attribute @type present with at least @len bytes of payload? */
static bool ovnic_attr_ok(struct rtattr *tb[], int type, size_t len)
{
	return tb[type] && RTA_PAYLOAD(tb[type]) >= len;
}

static __u32 ovnic_get_u32(struct rtattr *tb[], int type)
{
	__u32 val;

	memcpy(&val, RTA_DATA(tb[type]), sizeof(val));
	return val;
}

static __u16 ovnic_get_u16(struct rtattr *tb[], int type)
{
	__u16 val;

	memcpy(&val, RTA_DATA(tb[type]), sizeof(val));
	return val;
}

static bool ovnic_get_flag(struct rtattr *tb[], int type)
{
	return *(__u8 *)RTA_DATA(tb[type]) != 0;
}

/*
 * Print endpoint address "KEY ADDR" from attribute @type4 (IPv4) or
 * @type6 (IPv6), whichever the kernel reported.
 */
static void ovnic_print_addr(struct rtattr *tb[], const char *key, int type4,
			     int type6)
{
	char buf[INET6_ADDRSTRLEN];
	char fmt[32];

	snprintf(fmt, sizeof(fmt), "%s %%s ", key);
	if (ovnic_attr_ok(tb, type4, sizeof(struct in_addr)) &&
	    inet_ntop(AF_INET, RTA_DATA(tb[type4]), buf, sizeof(buf)))
		print_color_string(PRINT_ANY, COLOR_INET, key, fmt, buf);
	else if (ovnic_attr_ok(tb, type6, sizeof(struct in6_addr)) &&
		 inet_ntop(AF_INET6, RTA_DATA(tb[type6]), buf, sizeof(buf)))
		print_color_string(PRINT_ANY, COLOR_INET6, key, fmt, buf);
}

/* The numbers of an overlay VNIC: keyword, JSON key, attribute. */
static const struct {
	const char *fmt;
	const char *json;
	int type;
} ovnic_overlay_u32[] = {
	{ "reasm-mem %u ",	"reasm_mem",	 IFLA_OVNIC_REASM_MEM },
	{ "reasm-frames %u ",	"reasm_frames",	 IFLA_OVNIC_REASM_FRAMES },
	{ "reasm-timeout %u ",	"reasm_timeout", IFLA_OVNIC_REASM_TIMEOUT },
};

static void ovnic_print_overlay(struct rtattr *tb[])
{
	size_t i;

	if (ovnic_attr_ok(tb, IFLA_OVNIC_VNI, sizeof(__u32)))
		print_color_uint(PRINT_ANY, COLOR_NONE, "vni", "vni %u ",
				 ovnic_get_u32(tb, IFLA_OVNIC_VNI));
	ovnic_print_addr(tb, "local", IFLA_OVNIC_LOCAL, IFLA_OVNIC_LOCAL6);
	ovnic_print_addr(tb, "remote", IFLA_OVNIC_REMOTE, IFLA_OVNIC_REMOTE6);
	if (ovnic_attr_ok(tb, IFLA_OVNIC_PORT, sizeof(__u16)))
		print_color_uint(PRINT_ANY, COLOR_NONE, "port", "port %u ",
				 ovnic_get_u16(tb, IFLA_OVNIC_PORT));
	for (i = 0; i < ARRAY_SIZE(ovnic_overlay_u32); i++)
		if (ovnic_attr_ok(tb, ovnic_overlay_u32[i].type, sizeof(__u32)))
			print_color_uint(PRINT_ANY, COLOR_NONE,
					 ovnic_overlay_u32[i].json,
					 ovnic_overlay_u32[i].fmt,
					 ovnic_get_u32(tb,
						       ovnic_overlay_u32[i].type));
}

static __u8 ovnic_get_u8(struct rtattr *tb[], int type)
{
	return *(__u8 *)RTA_DATA(tb[type]);
}

static __u64 ovnic_get_u64(struct rtattr *tb[], int type)
{
	__u64 val;

	memcpy(&val, RTA_DATA(tb[type]), sizeof(val));
	return val;
}

/*
 * Name of value @val in @names (@count entries); the number itself, in
 * @buf, for a value this plugin does not know yet.
 */
static const char *ovnic_enum_name(const char *const *names, size_t count,
				   unsigned int val, char *buf, size_t len)
{
	if (val < count && names[val])
		return names[val];
	snprintf(buf, len, "%u", val);
	return buf;
}

/* Print "KEY NAME" of the u8 enumeration attribute @type, if present. */
static void ovnic_print_enum(struct rtattr *tb[], int type, const char *key,
			     const char *json, const char *const *names,
			     size_t count)
{
	char buf[8], fmt[32];

	if (!ovnic_attr_ok(tb, type, sizeof(__u8)))
		return;
	snprintf(fmt, sizeof(fmt), "%s %%s ", key);
	print_color_string(PRINT_ANY, COLOR_NONE, json, fmt,
			   ovnic_enum_name(names, count,
					   ovnic_get_u8(tb, type),
					   buf, sizeof(buf)));
}

/* Print "KEY N" of the u32 attribute @type, if present. */
static void ovnic_print_u32(struct rtattr *tb[], int type, const char *key,
			    const char *json)
{
	char fmt[32];

	if (!ovnic_attr_ok(tb, type, sizeof(__u32)))
		return;
	snprintf(fmt, sizeof(fmt), "%s %%u ", key);
	print_color_uint(PRINT_ANY, COLOR_NONE, json, fmt,
			 ovnic_get_u32(tb, type));
}

/* Split nested attribute @nest into @tb (types 0..@max, flags masked). */
static void ovnic_parse_nested(struct rtattr *tb[], int max,
			       struct rtattr *nest)
{
	struct rtattr *rta = RTA_DATA(nest);
	int len = RTA_PAYLOAD(nest);
	int type;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		type = rta->rta_type & ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER);
		if (type <= max && !tb[type])
			tb[type] = rta;
	}
}

/*
 * Print one lower device, on a line of its own:
 *   lower 0 pf pfa0 vf 0 dev pfa0vf0 pci 0000:02:10.0 state up active \
 *   reason none changes 0
 * "active" when it carries traffic, else "backup" in active-backup mode.
 * In JSON, an object of the "lowers" array.
 */
static void ovnic_print_lower(unsigned int index, struct rtattr *nest,
			      bool active_backup)
{
	struct rtattr *lt[OVNIC_LOWER_A_MAX + 1];
	const char *pf_link = NULL, *vf_pci = NULL;
	char virtfn[32], pci[64], buf[8];
	bool active = false;
	size_t len;

	ovnic_parse_nested(lt, OVNIC_LOWER_A_MAX, nest);

	if (lt[OVNIC_LOWER_A_PCI]) {
		len = strnlen(RTA_DATA(lt[OVNIC_LOWER_A_PCI]),
			      RTA_PAYLOAD(lt[OVNIC_LOWER_A_PCI]));
		if (len >= sizeof(pci))
			len = sizeof(pci) - 1;
		memcpy(pci, RTA_DATA(lt[OVNIC_LOWER_A_PCI]), len);
		pci[len] = '\0';
		vf_pci = pci;
	}
	if (ovnic_attr_ok(lt, OVNIC_LOWER_A_VF, sizeof(__u32))) {
		snprintf(virtfn, sizeof(virtfn), "device/virtfn%u",
			 ovnic_get_u32(lt, OVNIC_LOWER_A_VF));
		pf_link = virtfn;
	}
	if (ovnic_attr_ok(lt, OVNIC_LOWER_A_STATE, sizeof(__u8)) &&
	    ovnic_get_u8(lt, OVNIC_LOWER_A_STATE) == OVNIC_LOWER_GONE)
		pf_link = OVNIC_SYSFS_ANY_PF;

	print_nl();
	print_color_string(PRINT_FP, COLOR_NONE, NULL, "%s", "    ");
	open_json_object(NULL);
	print_color_uint(PRINT_ANY, COLOR_NONE, "index", "lower %u ", index);
	if (ovnic_attr_ok(lt, OVNIC_LOWER_A_PF, sizeof(__u32)))
		ovnic_print_dev("pf", ovnic_get_u32(lt, OVNIC_LOWER_A_PF),
				pf_link, vf_pci);
	ovnic_print_u32(lt, OVNIC_LOWER_A_VF, "vf", "vf");
	if (ovnic_attr_ok(lt, OVNIC_LOWER_A_IFINDEX, sizeof(__u32)))
		ovnic_print_dev("dev", ovnic_get_u32(lt, OVNIC_LOWER_A_IFINDEX),
				"device", vf_pci);
	if (vf_pci)
		print_color_string(PRINT_ANY, COLOR_NONE, "pci", "pci %s ",
				   vf_pci);
	ovnic_print_enum(lt, OVNIC_LOWER_A_STATE, "state", "state",
			 ovnic_state_names, ARRAY_SIZE(ovnic_state_names));
	if (ovnic_attr_ok(lt, OVNIC_LOWER_A_ACTIVE, sizeof(__u8))) {
		active = ovnic_get_u8(lt, OVNIC_LOWER_A_ACTIVE);
		if (active)
			print_color_string(PRINT_FP, COLOR_NONE, NULL, "%s ",
					   "active");
		else if (active_backup)
			print_color_string(PRINT_FP, COLOR_NONE, NULL, "%s ",
					   "backup");
		print_color_bool(PRINT_JSON, COLOR_NONE, "active", NULL,
				 active);
	}
	if (ovnic_attr_ok(lt, OVNIC_LOWER_A_REASON, sizeof(__u8)))
		print_color_string(PRINT_ANY, COLOR_NONE, "reason",
				   "reason %s ",
				   ovnic_enum_name(ovnic_reason_names,
						   ARRAY_SIZE(ovnic_reason_names),
						   ovnic_get_u8(lt,
								OVNIC_LOWER_A_REASON),
						   buf, sizeof(buf)));
	ovnic_print_u32(lt, OVNIC_LOWER_A_CHANGES, "changes", "changes");
	close_json_object();
}

/*
 * The memory pool the VNIC uses:
 *   pool 3 [shared] limit 4194304 effective 4194304 high 100 low 50
 *   [adaptive] charged 0 peak 0
 * or "pool none" without accounting. JSON: pool (the id, OVNIC_POOL_NONE
 * for none), pool_shared, pool_limit, pool_effective, pool_high, pool_low,
 * pool_adaptive, pool_charged, pool_peak.
 */
static void ovnic_print_pool(struct rtattr *tb[])
{
	bool flag;
	__u32 id;

	if (!ovnic_attr_ok(tb, IFLA_OVNIC_POOL, sizeof(__u32)))
		return;
	id = ovnic_get_u32(tb, IFLA_OVNIC_POOL);
	if (id == OVNIC_POOL_NONE) {
		print_color_string(PRINT_FP, COLOR_NONE, NULL, "%s ",
				   "pool none");
		print_color_uint(PRINT_JSON, COLOR_NONE, "pool", NULL, id);
		return;
	}
	print_color_uint(PRINT_ANY, COLOR_NONE, "pool", "pool %u ", id);
	if (ovnic_attr_ok(tb, IFLA_OVNIC_POOL_SHARED, sizeof(__u8))) {
		flag = ovnic_get_flag(tb, IFLA_OVNIC_POOL_SHARED);
		if (flag)
			print_color_string(PRINT_FP, COLOR_NONE, NULL, "%s ",
					   "shared");
		print_color_bool(PRINT_JSON, COLOR_NONE, "pool_shared", NULL,
				 flag);
	}
	ovnic_print_u32(tb, IFLA_OVNIC_POOL_LIMIT, "limit", "pool_limit");
	ovnic_print_u32(tb, IFLA_OVNIC_POOL_EFFECTIVE, "effective",
			"pool_effective");
	if (ovnic_attr_ok(tb, IFLA_OVNIC_POOL_HIGH, sizeof(__u8)))
		print_color_uint(PRINT_ANY, COLOR_NONE, "pool_high", "high %u ",
				 ovnic_get_u8(tb, IFLA_OVNIC_POOL_HIGH));
	if (ovnic_attr_ok(tb, IFLA_OVNIC_POOL_LOW, sizeof(__u8)))
		print_color_uint(PRINT_ANY, COLOR_NONE, "pool_low", "low %u ",
				 ovnic_get_u8(tb, IFLA_OVNIC_POOL_LOW));
	if (ovnic_attr_ok(tb, IFLA_OVNIC_POOL_ADAPTIVE, sizeof(__u8))) {
		flag = ovnic_get_flag(tb, IFLA_OVNIC_POOL_ADAPTIVE);
		if (flag)
			print_color_string(PRINT_FP, COLOR_NONE, NULL, "%s ",
					   "adaptive");
		print_color_bool(PRINT_JSON, COLOR_NONE, "pool_adaptive", NULL,
				 flag);
	}
	if (ovnic_attr_ok(tb, IFLA_OVNIC_POOL_CHARGED, sizeof(__u64)))
		print_color_u64(PRINT_ANY, COLOR_NONE, "pool_charged",
				"charged %llu ",
				ovnic_get_u64(tb, IFLA_OVNIC_POOL_CHARGED));
	if (ovnic_attr_ok(tb, IFLA_OVNIC_POOL_PEAK, sizeof(__u64)))
		print_color_u64(PRINT_ANY, COLOR_NONE, "pool_peak",
				"peak %llu ",
				ovnic_get_u64(tb, IFLA_OVNIC_POOL_PEAK));
}

/*
 * Aggregation settings and state, after the other settings:
 *   mode active-backup primary 0 failback always updelay 0 downdelay 0
 *   hash l34 probe-interval 0 probe-misses 3 active 1 failovers 2
 *   last-reason pf-link last-age 1234ms
 * then one line per lower device (JSON: array "lowers").
 */
static void ovnic_print_aggr(struct rtattr *tb[])
{
	bool active_backup = true;
	unsigned int index = 0;
	struct rtattr *rta;
	char buf[8];
	int len;

	ovnic_print_enum(tb, IFLA_OVNIC_MODE, "mode", "mode", ovnic_mode_names,
			 ARRAY_SIZE(ovnic_mode_names));
	if (ovnic_attr_ok(tb, IFLA_OVNIC_MODE, sizeof(__u8)))
		active_backup = ovnic_get_u8(tb, IFLA_OVNIC_MODE) ==
				OVNIC_MODE_ACTIVE_BACKUP;
	ovnic_print_u32(tb, IFLA_OVNIC_PRIMARY, "primary", "primary");
	ovnic_print_enum(tb, IFLA_OVNIC_FAILBACK, "failback", "failback",
			 ovnic_failback_names,
			 ARRAY_SIZE(ovnic_failback_names));
	ovnic_print_u32(tb, IFLA_OVNIC_UPDELAY, "updelay", "updelay");
	ovnic_print_u32(tb, IFLA_OVNIC_DOWNDELAY, "downdelay", "downdelay");
	ovnic_print_enum(tb, IFLA_OVNIC_HASH, "hash", "hash", ovnic_hash_names,
			 ARRAY_SIZE(ovnic_hash_names));
	ovnic_print_u32(tb, IFLA_OVNIC_PROBE_INTERVAL, "probe-interval",
			"probe_interval");
	ovnic_print_u32(tb, IFLA_OVNIC_PROBE_MISSES, "probe-misses",
			"probe_misses");
	ovnic_print_u32(tb, IFLA_OVNIC_ACTIVE, "active", "active");
	ovnic_print_u32(tb, IFLA_OVNIC_FAILOVERS, "failovers", "failovers");
	/* last-reason and last-age only once something happened */
	if (ovnic_attr_ok(tb, IFLA_OVNIC_LAST_REASON, sizeof(__u8)) &&
	    (ovnic_attr_ok(tb, IFLA_OVNIC_LAST_AGE, sizeof(__u64)) ||
	     ovnic_get_u8(tb, IFLA_OVNIC_LAST_REASON) != OVNIC_REASON_NONE))
		print_color_string(PRINT_ANY, COLOR_NONE, "last_reason",
				   "last-reason %s ",
				   ovnic_enum_name(ovnic_reason_names,
						   ARRAY_SIZE(ovnic_reason_names),
						   ovnic_get_u8(tb,
								IFLA_OVNIC_LAST_REASON),
						   buf, sizeof(buf)));
	if (ovnic_attr_ok(tb, IFLA_OVNIC_LAST_AGE, sizeof(__u64)))
		print_color_u64(PRINT_ANY, COLOR_NONE, "last_age_ms",
				"last-age %llums ",
				ovnic_get_u64(tb, IFLA_OVNIC_LAST_AGE));

	if (!tb[IFLA_OVNIC_LOWERS])
		return;
	open_json_array(PRINT_JSON, "lowers");
	rta = RTA_DATA(tb[IFLA_OVNIC_LOWERS]);
	len = RTA_PAYLOAD(tb[IFLA_OVNIC_LOWERS]);
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if ((rta->rta_type & ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER)) !=
		    IFLA_OVNIC_LOWER_ENTRY)
			continue;
		ovnic_print_lower(index++, rta, active_backup);
	}
	close_json_array(PRINT_JSON, NULL);
	/* the generic details that follow start a line of their own */
	if (index) {
		print_nl();
		print_color_string(PRINT_FP, COLOR_NONE, NULL, "%s", "    ");
	}
}

static void ovnic_print_opt(struct link_util *lu, FILE *f, struct rtattr *tb[])
{
	const char *pf_link = NULL, *vf_pci = NULL;
	char virtfn[32];
	char pci[64];
	size_t len;
	bool has_vf;

	(void)lu;
	(void)f;	/* the print helpers write to ip's output stream */

	if (!tb)
		return;

	if (tb[IFLA_OVNIC_VF_PCI]) {
		len = strnlen(RTA_DATA(tb[IFLA_OVNIC_VF_PCI]),
			      RTA_PAYLOAD(tb[IFLA_OVNIC_VF_PCI]));
		if (len >= sizeof(pci))
			len = sizeof(pci) - 1;
		memcpy(pci, RTA_DATA(tb[IFLA_OVNIC_VF_PCI]), len);
		pci[len] = '\0';
		vf_pci = pci;
	}
	has_vf = ovnic_attr_ok(tb, IFLA_OVNIC_VF, sizeof(__u32));
	if (has_vf) {
		snprintf(virtfn, sizeof(virtfn), "device/virtfn%u",
			 ovnic_get_u32(tb, IFLA_OVNIC_VF));
		pf_link = virtfn;
	}

	if (ovnic_attr_ok(tb, IFLA_OVNIC_PF, sizeof(__u32)))
		ovnic_print_dev("pf", ovnic_get_u32(tb, IFLA_OVNIC_PF),
				pf_link, vf_pci);
	if (has_vf)
		print_color_uint(PRINT_ANY, COLOR_NONE, "vf", "vf %u ",
				 ovnic_get_u32(tb, IFLA_OVNIC_VF));
	if (ovnic_attr_ok(tb, IFLA_OVNIC_LOWER, sizeof(__u32)))
		ovnic_print_dev("lower", ovnic_get_u32(tb, IFLA_OVNIC_LOWER),
				"device", vf_pci);
	if (vf_pci)
		print_color_string(PRINT_ANY, COLOR_NONE, "pci", "pci %s ",
				   vf_pci);
	if (ovnic_attr_ok(tb, IFLA_OVNIC_VF_VLAN, sizeof(__u16)))
		print_color_uint(PRINT_ANY, COLOR_NONE, "vlan", "vlan %u ",
				 ovnic_get_u16(tb, IFLA_OVNIC_VF_VLAN));
	if (ovnic_attr_ok(tb, IFLA_OVNIC_VF_SPOOFCHK, sizeof(__u8)))
		print_color_on_off(PRINT_ANY, COLOR_NONE, "spoofchk",
				   "spoofchk %s ",
				   ovnic_get_flag(tb, IFLA_OVNIC_VF_SPOOFCHK));
	if (ovnic_attr_ok(tb, IFLA_OVNIC_VF_TRUST, sizeof(__u8)))
		print_color_on_off(PRINT_ANY, COLOR_NONE, "trust", "trust %s ",
				   ovnic_get_flag(tb, IFLA_OVNIC_VF_TRUST));
	ovnic_print_overlay(tb);
	ovnic_print_pool(tb);
	ovnic_print_aggr(tb);
}

static void ovnic_print_help(struct link_util *lu, int argc, char **argv,
			     FILE *f)
{
	(void)lu;
	(void)argc;
	(void)argv;

	ovnic_explain(f);
}

/* Looked up by ip as "<kind>_link_util"; ip links it into its own list. */
struct link_util ovnic_link_util = {
	.id		= OVNIC_LINK_KIND,
	.maxattr	= IFLA_OVNIC_MAX,
	.parse_opt	= ovnic_parse_opt,
	.print_opt	= ovnic_print_opt,
	.print_help	= ovnic_print_help,
};
