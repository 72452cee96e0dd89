// SPDX-License-Identifier: GPL-2.0
/*
 * link_ovnic.so: iproute2 plugin for the "ovnic" link type.
 *
 *   ip link add NAME [address MAC] [mtu MTU] type ovnic pf PFDEV vf N \
 *           [vlan VID] [spoofchk on|off] [trust on|off]
 *   ip link add NAME [address MAC] [mtu MTU] type ovnic pf PFDEV vf N \
 *           vni VNI local ADDR [remote ADDR] [port PORT] \
 *           [reasm-mem BYTES] [reasm-frames N] [reasm-timeout MS]
 *   ip link set NAME type ovnic [vlan VID] [spoofchk on|off] [trust on|off] \
 *           [vni VNI] [remote ADDR] [port PORT] [reasm-mem BYTES] ...
 *   ip [-j] -d link show NAME
 *
 * An IPv4 ADDR sets IFLA_OVNIC_LOCAL / IFLA_OVNIC_REMOTE, an IPv6 one
 * IFLA_OVNIC_LOCAL6 / IFLA_OVNIC_REMOTE6.
 *
 * The plugin only translates words to IFLA_OVNIC_* attributes and back. It
 * does not decide which attributes are required or allowed on create or on
 * change: the kernel does, and explains a refusal with an extack message.
 *
 * Build: "make plugin" at the top of the tree. ip loads the plugin from
 * $IP_LIB_DIR/link_ovnic.so (see README.md).
 */
#include <arpa/inet.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
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
		"Usage: ... ovnic pf PFDEV vf VFNUM [ vlan VLANID ]\n"
		"\t\t [ spoofchk { on | off } ] [ trust { on | off } ]\n"
		"\t\t [ vni VNI local ADDR [ remote ADDR ] [ port PORT ]\n"
		"\t\t   [ reasm-mem BYTES ] [ reasm-frames FRAMES ]\n"
		"\t\t   [ reasm-timeout MS ] ]\n"
		"\n"
		"Where:\tPFDEV  := SR-IOV physical function (network device name)\n"
		"\tVFNUM  := index of the virtual function on PFDEV, from 0\n"
		"\tVLANID := port VLAN the PF applies to the VF, 1-4094; 0 for none\n"
		"\tVNI    := overlay network identifier, 0-16777215; makes the\n"
		"\t\t  VNIC an overlay VNIC (only when it is created)\n"
		"\tADDR   := IPv4 or IPv6 address of the local or the default\n"
		"\t\t  remote tunnel endpoint (0.0.0.0 or :: removes the remote)\n"
		"\tPORT   := outer destination port, 1-65535 (default 7475)\n"
		"\tBYTES  := memory of the reassembly table (default 4194304)\n"
		"\tFRAMES := incomplete frames it holds, 1-65536 (default 256)\n"
		"\tMS     := age of an incomplete frame, 1-60000 (default 200)\n"
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

/* Add the attribute of keyword @key (type @type) with value word @arg. */
static int ovnic_add_attr(struct nlmsghdr *n, const char *key, int type,
			  const char *arg)
{
	unsigned int ifindex;
	__u32 vf_index;
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
		if (get_u32(&val32, arg, 10)) {
			fprintf(stderr,
				"Error: ovnic: %s must be an unsigned 32-bit number: \"%s\".\n",
				key, arg);
			return -1;
		}
		return addattr32(n, OVNIC_REQ_ROOM, type, val32);
	case IFLA_OVNIC_PF:
		ifindex = ll_name_to_index(arg);
		if (!ifindex) {
			fprintf(stderr,
				"Error: ovnic: PF device not found: no network device named \"%s\".\n",
				arg);
			return -1;
		}
		return addattr32(n, OVNIC_REQ_ROOM, type, ifindex);
	case IFLA_OVNIC_VF:
		if (get_u32(&vf_index, arg, 10)) {
			invarg("VF index must be an unsigned 32-bit number",
			       arg);
			return -1;
		}
		return addattr32(n, OVNIC_REQ_ROOM, type, vf_index);
	case IFLA_OVNIC_VF_VLAN:
		if (get_u16(&vid, arg, 10)) {
			invarg("VLAN ID must be an unsigned 16-bit number", arg);
			return -1;
		}
		return addattr16(n, OVNIC_REQ_ROOM, type, vid);
	default: /* spoofchk, trust */
		on = parse_on_off(key, arg, &err);
		if (err)
			return -1;
		return addattr8(n, OVNIC_REQ_ROOM, type, on);
	}
}

static int ovnic_parse_opt(struct link_util *lu, int argc, char **argv,
			   struct nlmsghdr *n)
{
	unsigned int seen = 0;
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
		if (seen & (1U << type)) {
			duparg(key, *argv);
			return -1;
		}
		seen |= 1U << type;
		if (ovnic_add_attr(n, key, type, *argv))
			return -1;
	}
	return 0;
}

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
