// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: KUnit tests of the pure logic, a module of their own.
 *
 * Suites:
 * - ovnic_proto: the overlay header (ovnic_proto.h) built and parsed,
 *   every refusal of ovnic_hdr_parse() with the drop reason the receive
 *   path counts for it, the inner offload state the transmit path puts in
 *   the header, the nested-overlay check of the receive path;
 * - ovnic_hash: the flow hash of balance mode (l2, l34, inner) and the
 *   choice of a lower from it (ovnic_agg_tx_port());
 * - ovnic_reasm: the reassembly table (ovnic_reasm.c) fed with pieces
 *   built here: completion in any order, duplicates, trimmed and
 *   straddling overlaps, header mismatches, limits, eviction, expiry and
 *   the pool charged while pieces are held;
 * - ovnic_pool: memory pool accounting (ovnic_pool.c): watermarks, the
 *   receive admission rule, charge/uncharge balance, the adaptive step and
 *   the module's cap on the sum of the limits.
 *
 * The functions tested are ovnic.ko's own (ovnic_kunit.h); the fixtures are
 * VNIC structures that were never registered, with per-CPU counters, and
 * skbs from alloc_skb(). Built only against a kernel with CONFIG_KUNIT;
 * ovnic.ko must be loaded first. Results in
 * /sys/kernel/debug/kunit/<suite>/results (selftests/ovnic_kunit.sh).
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/net_namespace.h>

#include "ovnic.h"
#include "ovnic_kunit.h"
#include "ovnic_proto.h"

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */

/* A VNIC that was never registered: counters only, no device. */
static struct ovnic_dev *ovnic_test_vnic(struct kunit *test)
{
	struct ovnic_dev *vnic;
	int cpu;

	vnic = kunit_kzalloc(test, sizeof(*vnic), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vnic);
	vnic->stats = alloc_percpu(struct ovnic_pcpu_stats);
	KUNIT_ASSERT_TRUE(test, !!vnic->stats);
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(vnic->stats, cpu)->syncp);
	return vnic;
}

static void ovnic_test_vnic_free(struct ovnic_dev *vnic)
{
	free_percpu(vnic->stats);
	vnic->stats = NULL;
}

static u64 ovnic_test_drops(struct ovnic_dev *vnic, enum ovnic_drop reason)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += u64_stats_read(&per_cpu_ptr(vnic->stats, cpu)->drops[reason]);
	return sum;
}

static u64 ovnic_test_events(struct ovnic_dev *vnic, enum ovnic_event event)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += u64_stats_read(&per_cpu_ptr(vnic->stats, cpu)->events[event]);
	return sum;
}

/* ------------------------------------------------------------------ */
/* ovnic_proto                                                         */

/* A valid description of a 9000-byte inner TCP GSO frame. */
static void ovnic_test_info(struct ovnic_info *in)
{
	memset(in, 0, sizeof(*in));
	in->vni = 0xabcdef;
	in->flags = OVNIC_F_CLASSIFIED | OVNIC_F_CSUM_PARTIAL | OVNIC_F_GSO;
	in->queue_hint = 7;
	in->inner_l4_off = ETH_HLEN + 20;
	in->inner_mss = 1448;
	in->csum_off = offsetof(struct tcphdr, check);
	in->frame_id = 0xdeadbeef;
	in->frame_len = 9000;
}

static void ovnic_test_build(struct ovnic_hdr *h, const struct ovnic_info *in)
{
	memset(h, 0xa5, sizeof(*h));
	ovnic_hdr_build(h, in);
}

/* The header's byte offset @off within this packet's part of the frame. */
static void ovnic_test_set_offset(struct ovnic_hdr *h, u32 offset)
{
	u32 seq = ntohl(h->tcp.seq);

	h->tcp.seq = htonl((seq & 0xffff0000) | offset);
}

static void ovnic_proto_layout(struct kunit *test)
{
	struct ovnic_info in;
	struct ovnic_hdr h;
	const u8 *b = (const u8 *)&h;

	KUNIT_EXPECT_EQ(test, sizeof(struct ovnic_hdr), OVNIC_HDR_LEN);
	KUNIT_EXPECT_EQ(test, sizeof(struct ovnic_opt), OVNIC_OPT_LEN);
	/* Offsets the refusal table below relies on. */
	KUNIT_EXPECT_EQ(test, offsetof(struct ovnic_hdr, opt.ver_flags), 24);
	KUNIT_EXPECT_EQ(test, offsetof(struct ovnic_hdr, opt.rsvd0), 33);
	KUNIT_EXPECT_EQ(test, offsetof(struct ovnic_hdr, opt.rsvd1), 36);
	ovnic_test_info(&in);
	ovnic_test_build(&h, &in);
	/* The wire bytes of Documentation/networking/ovnic.rst. */
	KUNIT_EXPECT_EQ(test, b[12], 0xa0);		/* data offset 10 */
	KUNIT_EXPECT_EQ(test, b[13], OVNIC_TCP_ACK | OVNIC_TCP_PSH);
	KUNIT_EXPECT_EQ(test, b[20], 253);		/* option kind */
	KUNIT_EXPECT_EQ(test, b[21], 20);		/* option length */
	KUNIT_EXPECT_EQ(test, b[22], 0x4f);		/* ExID "OV" */
	KUNIT_EXPECT_EQ(test, b[23], 0x56);
	KUNIT_EXPECT_EQ(test, b[24] >> 4, 1);		/* version */
	KUNIT_EXPECT_EQ(test, b[24] & 0xf, in.flags);
	KUNIT_EXPECT_EQ(test, b[25], 0xab);		/* VNI, big endian */
	KUNIT_EXPECT_EQ(test, b[26], 0xcd);
	KUNIT_EXPECT_EQ(test, b[27], 0xef);
	/* seq = frame id low 16 bits << 16 | offset 0, ack = frame length */
	KUNIT_EXPECT_EQ(test, ntohl(h.tcp.seq), 0xbeef0000U);
	KUNIT_EXPECT_EQ(test, ntohl(h.tcp.ack_seq), 9000U);
	KUNIT_EXPECT_EQ(test, ntohs(h.opt.frame_id_hi), 0xdead);
	KUNIT_EXPECT_EQ(test, ntohs(h.tcp.window), OVNIC_WINDOW);
	KUNIT_EXPECT_EQ(test, ntohs(h.tcp.urg_ptr), 0);
	KUNIT_EXPECT_EQ(test, h.opt.rsvd0, 0);
	KUNIT_EXPECT_EQ(test, ntohl(h.opt.rsvd1), 0U);
}

static void ovnic_proto_roundtrip(struct kunit *test)
{
	static const u32 vnis[] = { 0, 1, 100, 0xabcdef, 0xffffff };
	struct ovnic_info in, out;
	struct ovnic_hdr h;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vnis); i++) {
		ovnic_test_info(&in);
		in.vni = vnis[i];
		in.frame_id = 0x01020304 * (i + 1);
		ovnic_test_build(&h, &in);
		memset(&out, 0, sizeof(out));
		KUNIT_ASSERT_EQ(test, ovnic_hdr_parse(&h, in.frame_len, &out),
				OVNIC_HDR_OK);
		KUNIT_EXPECT_EQ(test, out.vni, in.vni);
		KUNIT_EXPECT_EQ(test, out.flags, in.flags);
		KUNIT_EXPECT_EQ(test, out.queue_hint, in.queue_hint);
		KUNIT_EXPECT_EQ(test, out.inner_l4_off, in.inner_l4_off);
		KUNIT_EXPECT_EQ(test, out.inner_mss, in.inner_mss);
		KUNIT_EXPECT_EQ(test, out.csum_off, in.csum_off);
		KUNIT_EXPECT_EQ(test, out.frame_id, in.frame_id);
		KUNIT_EXPECT_EQ(test, out.frame_len, in.frame_len);
		KUNIT_EXPECT_EQ(test, out.offset, 0U);
	}

	/* No flags at all: a plain frame. */
	ovnic_test_info(&in);
	in.flags = 0;
	in.inner_mss = 0;
	ovnic_test_build(&h, &in);
	KUNIT_EXPECT_EQ(test, ovnic_hdr_parse(&h, 100, &out), OVNIC_HDR_OK);
	KUNIT_EXPECT_EQ(test, out.flags, 0);
}

static void ovnic_proto_offsets(struct kunit *test)
{
	struct ovnic_info in, out;
	struct ovnic_hdr h;

	ovnic_test_info(&in);
	ovnic_test_build(&h, &in);
	ovnic_test_set_offset(&h, 1000);
	KUNIT_ASSERT_EQ(test, ovnic_hdr_parse(&h, 500, &out), OVNIC_HDR_OK);
	KUNIT_EXPECT_EQ(test, out.offset, 1000U);
	/* The offset does not leak into the frame id. */
	KUNIT_EXPECT_EQ(test, out.frame_id, in.frame_id);

	/* The last piece ends exactly at the frame's end. */
	ovnic_test_set_offset(&h, 9000 - 1448);
	KUNIT_EXPECT_EQ(test, ovnic_hdr_parse(&h, 1448, &out), OVNIC_HDR_OK);
	/* One byte more is past the end. */
	KUNIT_EXPECT_EQ(test, ovnic_hdr_parse(&h, 1449, &out),
			OVNIC_HDR_BAD_LENGTH);
	/* An offset past the end, even with a small payload. */
	ovnic_test_set_offset(&h, 9000);
	KUNIT_EXPECT_EQ(test, ovnic_hdr_parse(&h, 1, &out),
			OVNIC_HDR_BAD_LENGTH);
	ovnic_test_set_offset(&h, 0xffff);
	KUNIT_EXPECT_EQ(test, ovnic_hdr_parse(&h, 1, &out),
			OVNIC_HDR_BAD_LENGTH);
}

/* A change to a valid header and what ovnic_hdr_parse() must say. */
struct ovnic_test_mut {
	const char *what;
	unsigned int byte;	/* offset in struct ovnic_hdr */
	u8 and, or;
	enum ovnic_hdr_err want;
};

static const struct ovnic_test_mut ovnic_test_muts[] = {
	{ "data offset 5",  12, 0x0f, 0x50, OVNIC_HDR_BAD_SHAPE },
	{ "data offset 15", 12, 0x0f, 0xf0, OVNIC_HDR_BAD_SHAPE },
	{ "reserved bit",   12, 0xff, 0x01, OVNIC_HDR_BAD_SHAPE },
	{ "FIN",            13, 0xff, 0x01, OVNIC_HDR_BAD_SHAPE },
	{ "SYN",            13, 0xff, 0x02, OVNIC_HDR_BAD_SHAPE },
	{ "RST",            13, 0xff, 0x04, OVNIC_HDR_BAD_SHAPE },
	{ "URG",            13, 0xff, 0x20, OVNIC_HDR_BAD_SHAPE },
	{ "no ACK",         13, 0xef, 0x00, OVNIC_HDR_BAD_SHAPE },
	{ "option kind",    20, 0x00, 254,  OVNIC_HDR_BAD_SHAPE },
	{ "option length",  21, 0x00, 16,   OVNIC_HDR_BAD_SHAPE },
	{ "ExID",           23, 0x00, 0x57, OVNIC_HDR_BAD_SHAPE },
	{ "version 0",      24, 0x0f, 0x00, OVNIC_HDR_BAD_VERSION },
	{ "version 2",      24, 0x0f, 0x20, OVNIC_HDR_BAD_VERSION },
	{ "version 15",     24, 0x0f, 0xf0, OVNIC_HDR_BAD_VERSION },
	{ "flag 0x8",       24, 0xff, 0x08, OVNIC_HDR_BAD_FLAGS },
	/* Allowed: ECN bits (a network may set them), no PSH. */
	{ "ECE",            13, 0xff, 0x40, OVNIC_HDR_OK },
	{ "CWR",            13, 0xff, 0x80, OVNIC_HDR_OK },
	{ "no PSH",         13, 0xf7, 0x00, OVNIC_HDR_OK },
	{ "rsvd0 set",      33, 0x00, 0xff, OVNIC_HDR_OK },
	{ "rsvd1 set",      39, 0x00, 0xff, OVNIC_HDR_OK },
};

static void ovnic_proto_refusals(struct kunit *test)
{
	struct ovnic_info in, out;
	struct ovnic_hdr h;
	unsigned int i;
	u8 *b = (u8 *)&h;

	ovnic_test_info(&in);
	for (i = 0; i < ARRAY_SIZE(ovnic_test_muts); i++) {
		const struct ovnic_test_mut *m = &ovnic_test_muts[i];

		ovnic_test_build(&h, &in);
		b[m->byte] = (b[m->byte] & m->and) | m->or;
		KUNIT_EXPECT_EQ_MSG(test, ovnic_hdr_parse(&h, 9000, &out),
				    m->want, "case: %s", m->what);
	}

	/* Shape is checked first: a bad kind and a bad version is shape. */
	ovnic_test_build(&h, &in);
	h.opt.kind = 30;
	h.opt.ver_flags = 0x20;
	KUNIT_EXPECT_EQ(test, ovnic_hdr_parse(&h, 9000, &out),
			OVNIC_HDR_BAD_SHAPE);
	/* Then version before flags. */
	ovnic_test_build(&h, &in);
	h.opt.ver_flags = 0x2f;
	KUNIT_EXPECT_EQ(test, ovnic_hdr_parse(&h, 9000, &out),
			OVNIC_HDR_BAD_VERSION);
}

static void ovnic_proto_lengths(struct kunit *test)
{
	static const struct {
		u32 frame_len, payload;
		enum ovnic_hdr_err want;
	} cases[] = {
		{ 0, 1, OVNIC_HDR_BAD_LENGTH },
		{ ETH_HLEN - 1, ETH_HLEN - 1, OVNIC_HDR_BAD_LENGTH },
		{ ETH_HLEN, ETH_HLEN, OVNIC_HDR_OK },
		{ OVNIC_FRAME_MAX, 1000, OVNIC_HDR_OK },
		{ OVNIC_FRAME_MAX + 1, 1000, OVNIC_HDR_BAD_LENGTH },
		{ 0xffffffff, 1000, OVNIC_HDR_BAD_LENGTH },
		{ 1000, 0, OVNIC_HDR_BAD_LENGTH },
		{ 1000, 1001, OVNIC_HDR_BAD_LENGTH },
	};
	struct ovnic_info in, out;
	struct ovnic_hdr h;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ovnic_test_info(&in);
		in.flags = 0;
		ovnic_test_build(&h, &in);
		h.tcp.ack_seq = htonl(cases[i].frame_len);
		KUNIT_EXPECT_EQ_MSG(test,
				    ovnic_hdr_parse(&h, cases[i].payload, &out),
				    cases[i].want, "frame %u payload %u",
				    cases[i].frame_len, cases[i].payload);
	}
}

static void ovnic_proto_offload(struct kunit *test)
{
	static const struct {
		const char *what;
		u8 flags, l4_off, csum_off;
		u16 mss;
		u32 frame_len;
		enum ovnic_hdr_err want;
	} cases[] = {
		{ "csum in frame", OVNIC_F_CSUM_PARTIAL, 34, 16, 0, 100,
		  OVNIC_HDR_OK },
		{ "csum field ends at the end", OVNIC_F_CSUM_PARTIAL, 34, 64,
		  0, 100, OVNIC_HDR_OK },
		{ "csum field past the end", OVNIC_F_CSUM_PARTIAL, 34, 65, 0,
		  100, OVNIC_HDR_BAD_OFFLOAD },
		{ "csum start in the Ethernet header", OVNIC_F_CSUM_PARTIAL,
		  13, 6, 0, 100, OVNIC_HDR_BAD_OFFLOAD },
		{ "GSO", OVNIC_F_CSUM_PARTIAL | OVNIC_F_GSO, 34, 16, 1448,
		  9000, OVNIC_HDR_OK },
		{ "GSO without csum", OVNIC_F_GSO, 34, 16, 1448, 9000,
		  OVNIC_HDR_BAD_OFFLOAD },
		{ "GSO mss 0", OVNIC_F_CSUM_PARTIAL | OVNIC_F_GSO, 34, 16, 0,
		  9000, OVNIC_HDR_BAD_OFFLOAD },
		{ "GSO mss 0xffff", OVNIC_F_CSUM_PARTIAL | OVNIC_F_GSO, 34, 16,
		  0xffff, 9000, OVNIC_HDR_BAD_OFFLOAD },
		{ "GSO UDP csum offset", OVNIC_F_CSUM_PARTIAL | OVNIC_F_GSO,
		  34, 6, 1448, 9000, OVNIC_HDR_BAD_OFFLOAD },
		{ "no flags, junk offload fields", 0, 0, 255, 0, 100,
		  OVNIC_HDR_OK },
	};
	struct ovnic_info in, out;
	struct ovnic_hdr h;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ovnic_test_info(&in);
		in.flags = cases[i].flags;
		in.inner_l4_off = cases[i].l4_off;
		in.csum_off = cases[i].csum_off;
		in.inner_mss = cases[i].mss;
		in.frame_len = cases[i].frame_len;
		ovnic_test_build(&h, &in);
		KUNIT_EXPECT_EQ_MSG(test,
				    ovnic_hdr_parse(&h, in.frame_len, &out),
				    cases[i].want, "case: %s", cases[i].what);
	}
}

/* Every refusal has its own counter, the one the documentation names. */
static void ovnic_proto_drop_reasons(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ovnic_hdr_drop[OVNIC_HDR_BAD_SHAPE],
			OVNIC_DROP_RX_BAD_SHAPE);
	KUNIT_EXPECT_EQ(test, ovnic_hdr_drop[OVNIC_HDR_BAD_VERSION],
			OVNIC_DROP_RX_BAD_VERSION);
	KUNIT_EXPECT_EQ(test, ovnic_hdr_drop[OVNIC_HDR_BAD_FLAGS],
			OVNIC_DROP_RX_BAD_FLAGS);
	KUNIT_EXPECT_EQ(test, ovnic_hdr_drop[OVNIC_HDR_BAD_LENGTH],
			OVNIC_DROP_RX_BAD_LENGTH);
	KUNIT_EXPECT_EQ(test, ovnic_hdr_drop[OVNIC_HDR_BAD_OFFLOAD],
			OVNIC_DROP_RX_BAD_OFFLOAD);
}

/* Ethernet + IPv4 or IPv6 + a TCP header with ovnic's option, or UDP. */
static struct sk_buff *ovnic_test_inner(struct kunit *test, bool ipv6,
					u8 proto, u16 exid, unsigned int trim)
{
	unsigned int iplen = ipv6 ? sizeof(struct ipv6hdr) :
				    sizeof(struct iphdr);
	unsigned int len = ETH_HLEN + iplen + OVNIC_HDR_LEN;
	struct ovnic_info in;
	struct sk_buff *skb;
	struct ethhdr *eth;
	struct ovnic_hdr *h;

	skb = alloc_skb(len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	eth = skb_put_zero(skb, ETH_HLEN);
	eth->h_proto = htons(ipv6 ? ETH_P_IPV6 : ETH_P_IP);
	if (ipv6) {
		struct ipv6hdr *ip6h = skb_put_zero(skb, iplen);

		ip6h->version = 6;
		ip6h->nexthdr = proto;
	} else {
		struct iphdr *iph = skb_put_zero(skb, iplen);

		iph->version = 4;
		iph->ihl = 5;
		iph->protocol = proto;
	}
	h = skb_put_zero(skb, OVNIC_HDR_LEN);
	ovnic_test_info(&in);
	ovnic_hdr_build(h, &in);
	h->opt.exid = htons(exid);
	skb_trim(skb, len - trim);
	return skb;
}

static void ovnic_proto_nested(struct kunit *test)
{
	struct sk_buff *skb;

	skb = ovnic_test_inner(test, false, IPPROTO_TCP, OVNIC_OPT_EXID, 0);
	KUNIT_EXPECT_TRUE(test, ovnic_decap_nested(skb));
	kfree_skb(skb);
	skb = ovnic_test_inner(test, true, IPPROTO_TCP, OVNIC_OPT_EXID, 0);
	KUNIT_EXPECT_TRUE(test, ovnic_decap_nested(skb));
	kfree_skb(skb);
	/* Plain TCP with another experimental option: the tenant's. */
	skb = ovnic_test_inner(test, false, IPPROTO_TCP, 0x1234, 0);
	KUNIT_EXPECT_FALSE(test, ovnic_decap_nested(skb));
	kfree_skb(skb);
	skb = ovnic_test_inner(test, true, IPPROTO_UDP, OVNIC_OPT_EXID, 0);
	KUNIT_EXPECT_FALSE(test, ovnic_decap_nested(skb));
	kfree_skb(skb);
	/* Too short to hold the option: not nested, and no overread. */
	skb = ovnic_test_inner(test, false, IPPROTO_TCP, OVNIC_OPT_EXID, 1);
	KUNIT_EXPECT_FALSE(test, ovnic_decap_nested(skb));
	kfree_skb(skb);
}

/* The transmit side's offload state, then the receive side's checks. */
static void ovnic_proto_encap_offload(struct kunit *test)
{
	struct ovnic_info info = {}, out;
	struct sk_buff *skb;
	struct ovnic_hdr h;

	skb = alloc_skb(2000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_put_zero(skb, 2000);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) + ETH_HLEN + 20;
	skb->csum_offset = offsetof(struct tcphdr, check);
	skb_shinfo(skb)->gso_size = 1448;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;

	KUNIT_ASSERT_EQ(test, ovnic_encap_offload_state(skb, &info), 0);
	KUNIT_EXPECT_EQ(test, info.flags, OVNIC_F_CSUM_PARTIAL | OVNIC_F_GSO);
	KUNIT_EXPECT_EQ(test, info.inner_l4_off, ETH_HLEN + 20);
	KUNIT_EXPECT_EQ(test, info.csum_off, offsetof(struct tcphdr, check));
	KUNIT_EXPECT_EQ(test, info.inner_mss, 1448);
	/* What the sender describes, the receiver accepts. */
	info.frame_len = skb->len;
	ovnic_hdr_build(&h, &info);
	KUNIT_EXPECT_EQ(test, ovnic_hdr_parse(&h, skb->len, &out),
			OVNIC_HDR_OK);

	/* UDP GSO cannot be described: refused, never sent broken. */
	memset(&info, 0, sizeof(info));
	skb_shinfo(skb)->gso_type = SKB_GSO_UDP_L4;
	KUNIT_EXPECT_EQ(test, ovnic_encap_offload_state(skb, &info),
			-EPROTONOSUPPORT);

	/* A partial checksum beyond 255 bytes is completed here instead. */
	memset(&info, 0, sizeof(info));
	skb_shinfo(skb)->gso_size = 0;
	skb_shinfo(skb)->gso_type = 0;
	skb->csum_start = skb_headroom(skb) + 300;
	KUNIT_EXPECT_EQ(test, ovnic_encap_offload_state(skb, &info), 0);
	KUNIT_EXPECT_EQ(test, info.flags, 0);
	KUNIT_EXPECT_NE(test, (int)skb->ip_summed, CHECKSUM_PARTIAL);
	kfree_skb(skb);
}

static struct kunit_case ovnic_proto_cases[] = {
	KUNIT_CASE(ovnic_proto_layout),
	KUNIT_CASE(ovnic_proto_roundtrip),
	KUNIT_CASE(ovnic_proto_offsets),
	KUNIT_CASE(ovnic_proto_refusals),
	KUNIT_CASE(ovnic_proto_lengths),
	KUNIT_CASE(ovnic_proto_offload),
	KUNIT_CASE(ovnic_proto_drop_reasons),
	KUNIT_CASE(ovnic_proto_nested),
	KUNIT_CASE(ovnic_proto_encap_offload),
	{}
};

static struct kunit_suite ovnic_proto_suite = {
	.name = "ovnic_proto",
	.test_cases = ovnic_proto_cases,
};

/* ------------------------------------------------------------------ */
/* ovnic_hash                                                          */

/**
 * struct ovnic_test_flow - a tenant frame to hash
 * @dmac: destination MAC, last byte
 * @smac: source MAC, last byte
 * @saddr: IPv4 source, last byte (192.0.2.x)
 * @daddr: IPv4 destination, last byte (198.51.100.x)
 * @sport: TCP source port
 * @dport: TCP destination port
 * @ipip: wrapped in an outer IPv4 header (IP-in-IP): the fields above are
 *	the inner ones, the outer addresses are fixed
 */
struct ovnic_test_flow {
	u8 dmac, smac, saddr, daddr;
	u16 sport, dport;
	bool ipip;
};

static void ovnic_test_ip4(struct iphdr *iph, u8 proto, __be32 s, __be32 d,
			   unsigned int len)
{
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = proto;
	iph->tot_len = htons(len);
	iph->saddr = s;
	iph->daddr = d;
}

/* The frame as ndo_start_xmit sees it: data at the Ethernet header. */
static struct sk_buff *ovnic_test_flow_skb(struct kunit *test,
					   const struct ovnic_test_flow *f)
{
	unsigned int l3 = sizeof(struct iphdr) * (f->ipip ? 2 : 1);
	struct tcphdr *th;
	struct iphdr *iph;
	struct sk_buff *skb;
	struct ethhdr *eth;

	skb = alloc_skb(ETH_HLEN + l3 + sizeof(*th) + 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	eth = skb_put_zero(skb, ETH_HLEN);
	eth_zero_addr(eth->h_dest);
	eth->h_dest[0] = 0x02;
	eth->h_dest[5] = f->dmac;
	eth->h_source[0] = 0x02;
	eth->h_source[5] = f->smac;
	eth->h_proto = htons(ETH_P_IP);
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	if (f->ipip) {
		iph = skb_put_zero(skb, sizeof(*iph));
		ovnic_test_ip4(iph, IPPROTO_IPIP, htonl(0x0a000001),
			       htonl(0x0a000002), l3 + sizeof(*th) + 64);
	}
	iph = skb_put_zero(skb, sizeof(*iph));
	ovnic_test_ip4(iph, IPPROTO_TCP, htonl(0xc0000200 | f->saddr),
		       htonl(0xc6336400 | f->daddr), sizeof(*iph) +
		       sizeof(*th) + 64);
	th = skb_put_zero(skb, sizeof(*th));
	th->source = htons(f->sport);
	th->dest = htons(f->dport);
	th->doff = 5;
	skb_put_zero(skb, 64);
	skb->protocol = htons(ETH_P_IP);
	/* The flow dissector finds its namespace through the device. */
	skb->dev = init_net.loopback_dev;
	return skb;
}

static u32 ovnic_test_hash(struct kunit *test, struct ovnic_dev *vnic,
			   u8 mode, const struct ovnic_test_flow *f)
{
	struct sk_buff *skb = ovnic_test_flow_skb(test, f);
	u32 hash;

	vnic->hash = mode;
	rcu_read_lock();
	hash = ovnic_flow_hash(vnic, skb);
	rcu_read_unlock();
	kfree_skb(skb);
	return hash;
}

static const struct ovnic_test_flow ovnic_test_flow0 = {
	.dmac = 1, .smac = 2, .saddr = 1, .daddr = 2,
	.sport = 40000, .dport = 5201,
};

static void ovnic_hash_deterministic(struct kunit *test)
{
	struct ovnic_dev *vnic = ovnic_test_vnic(test);
	u8 mode;

	for (mode = OVNIC_HASH_L2; mode <= OVNIC_HASH_INNER; mode++)
		KUNIT_EXPECT_EQ_MSG(test,
				    ovnic_test_hash(test, vnic, mode,
						    &ovnic_test_flow0),
				    ovnic_test_hash(test, vnic, mode,
						    &ovnic_test_flow0),
				    "hash mode %u", mode);
	ovnic_test_vnic_free(vnic);
}

/* l34 looks at addresses and ports only, l2 at MACs and EtherType only. */
static void ovnic_hash_fields(struct kunit *test)
{
	struct ovnic_dev *vnic = ovnic_test_vnic(test);
	struct ovnic_test_flow f;
	u32 l34, l2;

	l34 = ovnic_test_hash(test, vnic, OVNIC_HASH_L34, &ovnic_test_flow0);
	l2 = ovnic_test_hash(test, vnic, OVNIC_HASH_L2, &ovnic_test_flow0);

	/* (Not 9 and 10: l2 XORs the addresses, 1 ^ 2 == 9 ^ 10.) */
	f = ovnic_test_flow0;
	f.dmac = 9;
	f.smac = 4;
	KUNIT_EXPECT_EQ(test, ovnic_test_hash(test, vnic, OVNIC_HASH_L34, &f),
			l34);
	KUNIT_EXPECT_NE(test, ovnic_test_hash(test, vnic, OVNIC_HASH_L2, &f),
			l2);

	f = ovnic_test_flow0;
	f.sport++;
	KUNIT_EXPECT_NE(test, ovnic_test_hash(test, vnic, OVNIC_HASH_L34, &f),
			l34);
	KUNIT_EXPECT_EQ(test, ovnic_test_hash(test, vnic, OVNIC_HASH_L2, &f),
			l2);

	f = ovnic_test_flow0;
	f.daddr++;
	KUNIT_EXPECT_NE(test, ovnic_test_hash(test, vnic, OVNIC_HASH_L34, &f),
			l34);
	KUNIT_EXPECT_EQ(test, ovnic_test_hash(test, vnic, OVNIC_HASH_L2, &f),
			l2);
	ovnic_test_vnic_free(vnic);
}

/* l34 stops at a tunnel the tenant runs; inner hashes its inner flow. */
static void ovnic_hash_inner(struct kunit *test)
{
	struct ovnic_dev *vnic = ovnic_test_vnic(test);
	struct ovnic_test_flow a = ovnic_test_flow0, b;

	a.ipip = true;
	b = a;
	b.sport++;
	b.saddr++;
	KUNIT_EXPECT_EQ(test, ovnic_test_hash(test, vnic, OVNIC_HASH_L34, &a),
			ovnic_test_hash(test, vnic, OVNIC_HASH_L34, &b));
	KUNIT_EXPECT_NE(test, ovnic_test_hash(test, vnic, OVNIC_HASH_INNER, &a),
			ovnic_test_hash(test, vnic, OVNIC_HASH_INNER, &b));
	ovnic_test_vnic_free(vnic);
}

#define OVNIC_TEST_FLOWS	1024

/**
 * struct ovnic_test_agg - a balance-mode VNIC with four lowers
 * @vnic: the VNIC
 * @dev: one never registered device with carrier, as every VF and PF
 */
struct ovnic_test_agg {
	struct ovnic_dev *vnic;
	struct net_device *dev;
};

static void ovnic_test_agg_init(struct kunit *test, struct ovnic_test_agg *a,
				unsigned int nports)
{
	unsigned int i;

	a->vnic = ovnic_test_vnic(test);
	a->dev = alloc_etherdev(0);
	KUNIT_ASSERT_NOT_NULL(test, a->dev);
	netif_carrier_on(a->dev);
	a->vnic->mode = OVNIC_MODE_BALANCE;
	a->vnic->hash = OVNIC_HASH_L34;
	a->vnic->nports = nports;
	for (i = 0; i < nports; i++) {
		struct ovnic_port *port = &a->vnic->ports[i];

		port->vnic = a->vnic;
		port->index = i;
		port->state = OVNIC_LOWER_UP;
		port->pf = a->dev;
		RCU_INIT_POINTER(port->lower, a->dev);
	}
	a->vnic->up_mask = GENMASK(nports - 1, 0);
}

static void ovnic_test_agg_free(struct ovnic_test_agg *a)
{
	free_netdev(a->dev);
	ovnic_test_vnic_free(a->vnic);
}

/* The lower index chosen for flow @i (source port 10000 + i), or -1. */
static int ovnic_test_pick(struct kunit *test, struct ovnic_test_agg *a,
			   unsigned int i)
{
	struct ovnic_test_flow f = ovnic_test_flow0;
	struct net_device *lower = NULL;
	struct ovnic_port *port;
	struct sk_buff *skb;

	f.sport = 10000 + i;
	skb = ovnic_test_flow_skb(test, &f);
	/* BHs off (the datapath's RCU-BH) and RCU for the flow dissector. */
	rcu_read_lock();
	local_bh_disable();
	port = ovnic_agg_tx_port(a->vnic, skb, &lower);
	local_bh_enable();
	rcu_read_unlock();
	kfree_skb(skb);
	if (!port)
		return -1;
	KUNIT_EXPECT_PTR_EQ(test, lower, a->dev);
	return port->index;
}

static void ovnic_hash_balance_spread(struct kunit *test)
{
	unsigned int count[OVNIC_MAX_LOWERS] = {};
	struct ovnic_test_agg a;
	unsigned int i;
	int idx;

	ovnic_test_agg_init(test, &a, 4);
	for (i = 0; i < OVNIC_TEST_FLOWS; i++) {
		idx = ovnic_test_pick(test, &a, i);
		KUNIT_ASSERT_GE(test, idx, 0);
		KUNIT_ASSERT_LT(test, idx, 4);
		count[idx]++;
		/* The same flow again: the same lower. */
		KUNIT_EXPECT_EQ(test, ovnic_test_pick(test, &a, i), idx);
	}
	/* 256 expected per lower; a bad hash would leave one far off. */
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_TRUE_MSG(test, count[i] > 160 && count[i] < 352,
				      "lower %u got %u of %u flows", i,
				      count[i], OVNIC_TEST_FLOWS);
	ovnic_test_agg_free(&a);
}

/* Only the flows of a lower that goes down move, and they come back. */
static void ovnic_hash_balance_failover(struct kunit *test)
{
	unsigned int moved[OVNIC_MAX_LOWERS] = {};
	struct ovnic_test_agg a;
	unsigned int i, on2 = 0;
	s8 *before;
	int idx;

	before = kunit_kzalloc(test, OVNIC_TEST_FLOWS, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	ovnic_test_agg_init(test, &a, 4);
	for (i = 0; i < OVNIC_TEST_FLOWS; i++)
		before[i] = ovnic_test_pick(test, &a, i);

	a.vnic->up_mask &= ~BIT(2);
	for (i = 0; i < OVNIC_TEST_FLOWS; i++) {
		idx = ovnic_test_pick(test, &a, i);
		KUNIT_EXPECT_NE(test, idx, 2);
		if (before[i] != 2) {
			KUNIT_EXPECT_EQ_MSG(test, idx, before[i],
					    "flow %u moved off a live lower", i);
		} else if (idx >= 0 && idx < OVNIC_MAX_LOWERS) {
			moved[idx]++;
			on2++;
		}
	}
	/* The orphans spread over all three lowers left. */
	KUNIT_EXPECT_GT(test, on2, 0U);
	KUNIT_EXPECT_GT(test, moved[0], 0U);
	KUNIT_EXPECT_GT(test, moved[1], 0U);
	KUNIT_EXPECT_GT(test, moved[3], 0U);

	a.vnic->up_mask |= BIT(2);
	for (i = 0; i < OVNIC_TEST_FLOWS; i++)
		KUNIT_EXPECT_EQ(test, ovnic_test_pick(test, &a, i), before[i]);
	ovnic_test_agg_free(&a);
}

static void ovnic_hash_modes(struct kunit *test)
{
	struct ovnic_test_agg a;
	unsigned int i;

	ovnic_test_agg_init(test, &a, 4);
	/* Balance with no lower up: nothing to send on. */
	a.vnic->up_mask = 0;
	KUNIT_EXPECT_EQ(test, ovnic_test_pick(test, &a, 0), -1);

	/* Active-backup: every flow on the active lower, whatever its hash. */
	a.vnic->up_mask = 0xf;
	a.vnic->mode = OVNIC_MODE_ACTIVE_BACKUP;
	RCU_INIT_POINTER(a.vnic->active, &a.vnic->ports[3]);
	for (i = 0; i < 64; i++)
		KUNIT_EXPECT_EQ(test, ovnic_test_pick(test, &a, i), 3);
	RCU_INIT_POINTER(a.vnic->active, NULL);
	KUNIT_EXPECT_EQ(test, ovnic_test_pick(test, &a, 0), -1);

	/* One lower: always that one. */
	a.vnic->mode = OVNIC_MODE_BALANCE;
	a.vnic->nports = 1;
	a.vnic->up_mask = 1;
	for (i = 0; i < 64; i++)
		KUNIT_EXPECT_EQ(test, ovnic_test_pick(test, &a, i), 0);
	ovnic_test_agg_free(&a);
}

static struct kunit_case ovnic_hash_cases[] = {
	KUNIT_CASE(ovnic_hash_deterministic),
	KUNIT_CASE(ovnic_hash_fields),
	KUNIT_CASE(ovnic_hash_inner),
	KUNIT_CASE(ovnic_hash_balance_spread),
	KUNIT_CASE(ovnic_hash_balance_failover),
	KUNIT_CASE(ovnic_hash_modes),
	{}
};

static struct kunit_suite ovnic_hash_suite = {
	.name = "ovnic_hash",
	.test_cases = ovnic_hash_cases,
};

/* ------------------------------------------------------------------ */
/* ovnic_reasm                                                         */

#define OVNIC_TEST_FRAME	300

/* Byte @off of the test frame; @salt makes a copy with other contents. */
static u8 ovnic_test_byte(u32 off, u8 salt)
{
	return (off * 7 + (off >> 8)) ^ salt;
}

/* A piece of the inner frame as the receive path hands it over. */
static struct sk_buff *ovnic_test_piece(struct kunit *test, u32 off, u32 len,
					u8 salt)
{
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);
	u8 *p;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	p = skb_put(skb, len);
	for (i = 0; i < len; i++)
		p[i] = ovnic_test_byte(off + i, salt);
	return skb;
}

static const union ovnic_ip ovnic_test_src1 = { .v4 = htonl(0xc0000202) };
static const union ovnic_ip ovnic_test_src2 = { .v4 = htonl(0xc0000203) };

/* Add piece [off, off + len) of frame @id (of @frame_len bytes). */
static struct sk_buff *ovnic_test_add(struct kunit *test,
				      struct ovnic_dev *vnic,
				      const union ovnic_ip *src, u32 id,
				      u32 frame_len, u32 off, u32 len, u8 salt)
{
	struct sk_buff *skb = ovnic_test_piece(test, off, len, salt);
	struct ovnic_info info = {
		.vni = 100,
		.frame_id = id,
		.frame_len = frame_len,
		.offset = off,
	};

	/* The receive path's context: softirq, RCU read side. */
	rcu_read_lock();
	local_bh_disable();
	skb = ovnic_reasm_add(vnic, skb, false, src, &info);
	local_bh_enable();
	rcu_read_unlock();
	if (skb) {
		KUNIT_EXPECT_EQ(test, info.offset, 0U);
		KUNIT_EXPECT_EQ(test, info.frame_len, frame_len);
	}
	return skb;
}

/* The piece was held (or dropped): no frame came out; freed if one did. */
static void ovnic_expect_held(struct kunit *test, struct sk_buff *skb)
{
	KUNIT_EXPECT_NULL(test, skb);
	kfree_skb(skb);
}

/* The frame holds the test frame's bytes (salt 0), and is freed. */
static void ovnic_test_check_frame(struct kunit *test, struct sk_buff *skb,
				   u32 frame_len)
{
	u8 *buf;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, skb->len, frame_len);
	KUNIT_EXPECT_FALSE(test, skb_cloned(skb));
	KUNIT_EXPECT_FALSE(test, skb_is_gso(skb));
	buf = kunit_kzalloc(test, frame_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	if (skb->len == frame_len &&
	    !skb_copy_bits(skb, 0, buf, frame_len)) {
		for (i = 0; i < frame_len; i++)
			if (buf[i] != ovnic_test_byte(i, 0))
				break;
		KUNIT_EXPECT_EQ_MSG(test, i, frame_len,
				    "frame differs at byte %u", i);
	}
	kfree_skb(skb);
}

static void ovnic_test_reasm_state(struct ovnic_dev *vnic,
				   struct ovnic_reasm_state *st)
{
	ovnic_reasm_get(vnic, st);
}

static int ovnic_reasm_test_init(struct kunit *test)
{
	struct ovnic_dev *vnic = ovnic_test_vnic(test);

	KUNIT_ASSERT_EQ(test, ovnic_reasm_init(vnic), 0);
	test->priv = vnic;
	return 0;
}

static void ovnic_reasm_test_exit(struct kunit *test)
{
	struct ovnic_dev *vnic = test->priv;

	ovnic_reasm_uninit(vnic);
	ovnic_test_vnic_free(vnic);
}

static void ovnic_reasm_in_order(struct kunit *test)
{
	struct ovnic_dev *vnic = test->priv;
	struct ovnic_reasm_state st;

	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1, 1,
					       300, 0, 100, 0));
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1, 1,
					       300, 100, 100, 0));
	ovnic_test_reasm_state(vnic, &st);
	KUNIT_EXPECT_EQ(test, st.frames, 1U);
	KUNIT_EXPECT_GT(test, st.mem, 200U);
	ovnic_test_check_frame(test, ovnic_test_add(test, vnic,
						    &ovnic_test_src1, 1, 300,
						    200, 100, 0), 300);
	ovnic_test_reasm_state(vnic, &st);
	KUNIT_EXPECT_EQ(test, st.frames, 0U);
	KUNIT_EXPECT_EQ(test, st.mem, 0U);
	KUNIT_EXPECT_GT(test, st.mem_peak, 200U);
	KUNIT_EXPECT_EQ(test, ovnic_test_events(vnic, OVNIC_EV_RX_REASM_QUEUED),
			2ULL);
	KUNIT_EXPECT_EQ(test, ovnic_test_events(vnic, OVNIC_EV_RX_REASM_DONE),
			1ULL);
}

static void ovnic_reasm_any_order(struct kunit *test)
{
	static const u32 orders[][4] = {
		{ 3, 2, 1, 0 }, { 1, 3, 0, 2 }, { 2, 0, 3, 1 }, { 0, 2, 1, 3 },
	};
	struct ovnic_dev *vnic = test->priv;
	struct sk_buff *skb = NULL;
	unsigned int i, k;

	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		for (k = 0; k < 4; k++) {
			/* Pieces of 75 bytes; the frame completes last. */
			skb = ovnic_test_add(test, vnic, &ovnic_test_src1,
					     10 + i, 300, orders[i][k] * 75,
					     75, 0);
			if (k < 3)
				ovnic_expect_held(test, skb);
		}
		ovnic_test_check_frame(test, skb, 300);
	}
	KUNIT_EXPECT_EQ(test, ovnic_test_drops(vnic, OVNIC_DROP_RX_REASM_DUP) +
			ovnic_test_drops(vnic, OVNIC_DROP_RX_REASM_OVERLAP),
			0ULL);
}

/* A whole frame (offset 0, all bytes) is handed back, not held. */
static void ovnic_reasm_whole(struct kunit *test)
{
	struct ovnic_dev *vnic = test->priv;
	struct ovnic_reasm_state st;

	ovnic_test_check_frame(test, ovnic_test_add(test, vnic,
						    &ovnic_test_src1, 2, 300,
						    0, 300, 0), 300);
	ovnic_test_reasm_state(vnic, &st);
	KUNIT_EXPECT_EQ(test, st.frames, 0U);
	KUNIT_EXPECT_EQ(test, st.mem_peak, 0U);
}

static void ovnic_reasm_bad_length(struct kunit *test)
{
	struct ovnic_dev *vnic = test->priv;

	/* Past the frame's end: dropped before the table is looked at. */
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1, 3,
					       300, 250, 100, 0));
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1, 3,
					       300, 301, 1, 0));
	KUNIT_EXPECT_EQ(test, ovnic_test_drops(vnic, OVNIC_DROP_RX_BAD_LENGTH),
			2ULL);
}

/* Held bytes win: duplicates are dropped, overlapping ends trimmed. */
static void ovnic_reasm_duplicates(struct kunit *test)
{
	struct ovnic_dev *vnic = test->priv;
	struct ovnic_reasm_state st;

	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1, 4,
					       300, 0, 100, 0));
	/* The same piece again, and a piece inside it: duplicates. */
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1, 4,
					       300, 0, 100, 0x55));
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1, 4,
					       300, 20, 50, 0x55));
	KUNIT_EXPECT_EQ(test, ovnic_test_drops(vnic, OVNIC_DROP_RX_REASM_DUP),
			2ULL);
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1, 4,
					       300, 200, 100, 0));
	/*
	 * [50, 250) overlaps both held pieces at its ends only: trimmed to
	 * [100, 200), the held bytes (other contents here) stay.
	 */
	ovnic_test_reasm_state(vnic, &st);
	KUNIT_EXPECT_EQ(test, st.frames, 1U);
	{
		struct sk_buff *skb = ovnic_test_piece(test, 50, 200, 0);
		u8 *p = skb->data;
		struct ovnic_info info = {
			.vni = 100, .frame_id = 4, .frame_len = 300,
			.offset = 50,
		};
		unsigned int i;

		/* Bytes that are held already come with other contents. */
		for (i = 0; i < 50; i++) {
			p[i] ^= 0xff;
			p[150 + i] ^= 0xff;
		}
		rcu_read_lock();
		local_bh_disable();
		skb = ovnic_reasm_add(vnic, skb, false, &ovnic_test_src1,
				      &info);
		local_bh_enable();
		rcu_read_unlock();
		ovnic_test_check_frame(test, skb, 300);
	}
	KUNIT_EXPECT_EQ(test, ovnic_test_drops(vnic, OVNIC_DROP_RX_REASM_DUP),
			2ULL);
	KUNIT_EXPECT_EQ(test,
			ovnic_test_drops(vnic, OVNIC_DROP_RX_REASM_OVERLAP),
			0ULL);
}

/* A piece straddling a held one, or disagreeing, drops the frame. */
static void ovnic_reasm_overlap(struct kunit *test)
{
	struct ovnic_dev *vnic = test->priv;
	struct ovnic_reasm_state st;

	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1, 5,
					       300, 100, 50, 0));
	/* New bytes on both sides of the held piece. */
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1, 5,
					       300, 50, 150, 0));
	KUNIT_EXPECT_EQ(test,
			ovnic_test_drops(vnic, OVNIC_DROP_RX_REASM_OVERLAP),
			1ULL);
	ovnic_test_reasm_state(vnic, &st);
	KUNIT_EXPECT_EQ(test, st.frames, 0U);
	KUNIT_EXPECT_EQ(test, st.mem, 0U);

	/* Same frame id, another frame length: the frame is dropped. */
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1, 6,
					       300, 0, 100, 0));
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1, 6,
					       400, 100, 100, 0));
	KUNIT_EXPECT_EQ(test,
			ovnic_test_drops(vnic, OVNIC_DROP_RX_REASM_OVERLAP),
			2ULL);
	ovnic_test_reasm_state(vnic, &st);
	KUNIT_EXPECT_EQ(test, st.frames, 0U);
	/* The rest of that frame cannot complete it any more. */
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1, 6,
					       300, 100, 200, 0));
	ovnic_test_reasm_state(vnic, &st);
	KUNIT_EXPECT_EQ(test, st.frames, 1U);
}

/* Frames are told apart by sender, frame id and VNI. */
static void ovnic_reasm_keys(struct kunit *test)
{
	struct ovnic_dev *vnic = test->priv;
	struct ovnic_reasm_state st;

	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1, 7,
					       300, 0, 150, 0));
	/* Another sender's frame 7: not the first one's second half. */
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src2, 7,
					       300, 150, 150, 0));
	ovnic_test_reasm_state(vnic, &st);
	KUNIT_EXPECT_EQ(test, st.frames, 2U);
	ovnic_test_check_frame(test, ovnic_test_add(test, vnic,
						    &ovnic_test_src1, 7, 300,
						    150, 150, 0), 300);
	ovnic_test_check_frame(test, ovnic_test_add(test, vnic,
						    &ovnic_test_src2, 7, 300,
						    0, 150, 0), 300);
}

/* The frame limit evicts the oldest frame first. */
static void ovnic_reasm_frame_limit(struct kunit *test)
{
	struct ovnic_dev *vnic = test->priv;
	struct ovnic_reasm_state st;
	u32 id;

	ovnic_reasm_set_limits(vnic, 0, 2, 0);
	for (id = 20; id < 23; id++)
		ovnic_expect_held(test, ovnic_test_add(test, vnic,
						       &ovnic_test_src1, id,
						       300, 0, 100, 0));
	ovnic_test_reasm_state(vnic, &st);
	KUNIT_EXPECT_EQ(test, st.frames, 2U);
	KUNIT_EXPECT_EQ(test, st.frames_limit, 2U);
	KUNIT_EXPECT_EQ(test, ovnic_test_drops(vnic, OVNIC_DROP_RX_REASM_EVICT),
			1ULL);
	/* 21 and 22 are there: they complete; 20 was the one evicted. */
	ovnic_test_check_frame(test, ovnic_test_add(test, vnic,
						    &ovnic_test_src1, 22, 300,
						    100, 200, 0), 300);
	ovnic_test_check_frame(test, ovnic_test_add(test, vnic,
						    &ovnic_test_src1, 21, 300,
						    100, 200, 0), 300);
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       20, 300, 100, 200, 0));

	/* A lower limit evicts at once, oldest first. */
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       23, 300, 0, 100, 0));
	ovnic_reasm_set_limits(vnic, 0, 1, 0);
	ovnic_test_reasm_state(vnic, &st);
	KUNIT_EXPECT_EQ(test, st.frames, 1U);
	ovnic_test_check_frame(test, ovnic_test_add(test, vnic,
						    &ovnic_test_src1, 23, 300,
						    100, 200, 0), 300);
}

/* The memory limit (truesize): eviction, and pieces that never fit. */
static void ovnic_reasm_mem_limit(struct kunit *test)
{
	struct ovnic_dev *vnic = test->priv;
	struct ovnic_reasm_state st;
	struct sk_buff *probe;
	u32 ts;

	probe = ovnic_test_piece(test, 0, 100, 0);
	ts = probe->truesize;
	kfree_skb(probe);

	/* Room for two pieces: a third (of another frame) evicts. */
	ovnic_reasm_set_limits(vnic, 2 * ts + ts / 2, 0, 0);
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       30, 300, 0, 100, 0));
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       31, 300, 0, 100, 0));
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       32, 300, 0, 100, 0));
	ovnic_test_reasm_state(vnic, &st);
	KUNIT_EXPECT_EQ(test, st.frames, 2U);
	KUNIT_EXPECT_LE(test, st.mem, st.mem_limit);
	KUNIT_EXPECT_EQ(test, ovnic_test_drops(vnic, OVNIC_DROP_RX_REASM_EVICT),
			1ULL);

	/* A frame that would have to evict itself is dropped. */
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       31, 300, 100, 100, 0));
	ovnic_test_reasm_state(vnic, &st);
	KUNIT_EXPECT_LE(test, st.mem, st.mem_limit);

	/* The piece completing a frame is never refused for room. */
	ovnic_reasm_set_limits(vnic, ts + ts / 2, 0, 0);
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       33, 300, 0, 150, 0));
	ovnic_test_check_frame(test, ovnic_test_add(test, vnic,
						    &ovnic_test_src1, 33, 300,
						    150, 150, 0), 300);

	/* A piece larger than the whole limit is dropped at once. */
	ovnic_reasm_set_limits(vnic, ts / 2, 0, 0);
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       34, 300, 0, 100, 0));
	ovnic_test_reasm_state(vnic, &st);
	KUNIT_EXPECT_EQ(test, st.frames, 0U);
	KUNIT_EXPECT_EQ(test, st.mem, 0U);
}

/* Incomplete frames age out, by the timer and by the receive path. */
static void ovnic_reasm_expiry(struct kunit *test)
{
	struct ovnic_dev *vnic = test->priv;
	struct ovnic_reasm_state st;

	ovnic_reasm_set_limits(vnic, 0, 0, 1);
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       40, 300, 0, 100, 0));
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       41, 300, 0, 100, 0));
	msleep(100);
	ovnic_test_reasm_state(vnic, &st);
	KUNIT_EXPECT_EQ(test, st.frames, 0U);
	KUNIT_EXPECT_EQ(test, st.mem, 0U);
	KUNIT_EXPECT_EQ(test,
			ovnic_test_drops(vnic, OVNIC_DROP_RX_REASM_TIMEOUT),
			2ULL);
	/* The rest of an expired frame does not complete it. */
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       40, 300, 100, 200, 0));

	/* A long timeout keeps frames. */
	ovnic_reasm_set_limits(vnic, 0, 0, 60000);
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       42, 300, 0, 100, 0));
	msleep(20);
	ovnic_test_check_frame(test, ovnic_test_add(test, vnic,
						    &ovnic_test_src1, 42, 300,
						    100, 200, 0), 300);
}

/* Pieces held are charged to the VNIC's pool, and given back. */
static void ovnic_reasm_pool(struct kunit *test)
{
	struct ovnic_dev *vnic = test->priv;
	struct ovnic_pool_kunit_state ps;
	struct ovnic_reasm_state st;
	struct ovnic_pool *pool;

	pool = ovnic_pool_kunit_new(1 << 20, 100, 50, false);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	rcu_assign_pointer(vnic->pool, pool);

	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       50, 300, 0, 100, 0));
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       50, 300, 100, 100, 0));
	ovnic_test_reasm_state(vnic, &st);
	ovnic_pool_kunit_state(pool, &ps);
	KUNIT_EXPECT_EQ(test, ps.charged, (long)st.mem);
	KUNIT_EXPECT_EQ(test, ps.refs, 2U);	/* ours + the frame's */
	ovnic_test_check_frame(test, ovnic_test_add(test, vnic,
						    &ovnic_test_src1, 50, 300,
						    200, 100, 0), 300);
	ovnic_pool_kunit_state(pool, &ps);
	KUNIT_EXPECT_EQ(test, ps.charged, 0L);
	KUNIT_EXPECT_EQ(test, ps.refs, 1U);

	/* A pool with room for one piece: the frame cannot complete. */
	ovnic_pool_set_effective(pool, 1000);
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       51, 300, 0, 100, 0));
	ovnic_expect_held(test, ovnic_test_add(test, vnic, &ovnic_test_src1,
					       51, 300, 100, 100, 0));
	KUNIT_EXPECT_EQ(test, ovnic_test_drops(vnic, OVNIC_DROP_RX_POOL),
			1ULL);
	ovnic_test_reasm_state(vnic, &st);
	KUNIT_EXPECT_EQ(test, st.frames, 0U);
	ovnic_pool_kunit_state(pool, &ps);
	KUNIT_EXPECT_EQ(test, ps.charged, 0L);
	KUNIT_EXPECT_EQ(test, ps.refs, 1U);

	RCU_INIT_POINTER(vnic->pool, NULL);
	ovnic_pool_kunit_free(pool);
}

static struct kunit_case ovnic_reasm_cases[] = {
	KUNIT_CASE(ovnic_reasm_in_order),
	KUNIT_CASE(ovnic_reasm_any_order),
	KUNIT_CASE(ovnic_reasm_whole),
	KUNIT_CASE(ovnic_reasm_bad_length),
	KUNIT_CASE(ovnic_reasm_duplicates),
	KUNIT_CASE(ovnic_reasm_overlap),
	KUNIT_CASE(ovnic_reasm_keys),
	KUNIT_CASE(ovnic_reasm_frame_limit),
	KUNIT_CASE(ovnic_reasm_mem_limit),
	KUNIT_CASE(ovnic_reasm_expiry),
	KUNIT_CASE(ovnic_reasm_pool),
	{}
};

static struct kunit_suite ovnic_reasm_suite = {
	.name = "ovnic_reasm",
	.init = ovnic_reasm_test_init,
	.exit = ovnic_reasm_test_exit,
	.test_cases = ovnic_reasm_cases,
};

/* ------------------------------------------------------------------ */
/* ovnic_pool                                                          */

static struct ovnic_pool *ovnic_test_pool(struct kunit *test, u32 limit,
					  u8 high, u8 low, bool adaptive)
{
	struct ovnic_pool *pool;

	pool = ovnic_pool_kunit_new(limit, high, low, adaptive);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	return pool;
}

static void ovnic_pool_watermarks(struct kunit *test)
{
	static const struct {
		u32 effective;
		u8 high, low;
		u32 high_bytes, low_bytes;
	} cases[] = {
		{ 4 << 20, 100, 50, 4 << 20, 2 << 20 },
		{ 1000, 80, 25, 800, 250 },
		{ 999, 90, 10, 899, 99 },		/* rounded down */
		{ 1, 1, 0, 1, 0 },			/* high at least 1 */
		{ 0xffffffff, 100, 99, 0xffffffff, 4252017622U },
	};
	struct ovnic_pool_kunit_state st;
	struct ovnic_pool_info pi;
	struct ovnic_pool *pool;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		pool = ovnic_test_pool(test, cases[i].effective, cases[i].high,
				       cases[i].low, false);
		ovnic_pool_kunit_state(pool, &st);
		KUNIT_EXPECT_EQ_MSG(test, st.high_bytes, cases[i].high_bytes,
				    "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, st.low_bytes, cases[i].low_bytes,
				    "case %u", i);
		ovnic_pool_fill_info(pool, &pi);
		KUNIT_EXPECT_EQ(test, pi.effective, cases[i].effective);
		KUNIT_EXPECT_EQ(test, pi.limit, cases[i].effective);
		KUNIT_EXPECT_EQ(test, pi.high, cases[i].high);
		KUNIT_EXPECT_EQ(test, pi.low, cases[i].low);
		KUNIT_EXPECT_TRUE(test, pi.shared);
		ovnic_pool_kunit_free(pool);
	}
}

/* A VNIC using @pool, for ovnic_pool_rx_charge() (references). */
static struct ovnic_dev *ovnic_test_pool_vnic(struct kunit *test,
					      struct ovnic_pool *pool)
{
	struct ovnic_dev *vnic = ovnic_test_vnic(test);

	rcu_assign_pointer(vnic->pool, pool);
	return vnic;
}

static void ovnic_test_pool_vnic_free(struct ovnic_dev *vnic)
{
	RCU_INIT_POINTER(vnic->pool, NULL);
	ovnic_test_vnic_free(vnic);
}

static struct ovnic_pool *ovnic_test_charge(struct ovnic_dev *vnic,
					    unsigned int bytes)
{
	struct ovnic_pool *pool;

	rcu_read_lock();
	pool = ovnic_pool_rx_charge(vnic, bytes);
	rcu_read_unlock();
	return pool;
}

/* An empty pool admits one skb of any size; else charged + bytes fit. */
static void ovnic_pool_admission(struct kunit *test)
{
	struct ovnic_pool *pool = ovnic_test_pool(test, 10000, 100, 50, false);
	struct ovnic_dev *vnic = ovnic_test_pool_vnic(test, pool);
	struct ovnic_pool *a;

	KUNIT_EXPECT_TRUE(test, ovnic_pool_rx_room(pool, 1));
	KUNIT_EXPECT_TRUE(test, ovnic_pool_rx_room(pool, 10000));
	KUNIT_EXPECT_TRUE(test, ovnic_pool_rx_room(pool, 65536));
	KUNIT_EXPECT_TRUE(test, ovnic_pool_rx_room(pool, UINT_MAX));

	a = ovnic_test_charge(vnic, 4000);
	KUNIT_ASSERT_PTR_EQ(test, a, pool);
	KUNIT_EXPECT_TRUE(test, ovnic_pool_rx_room(pool, 6000));
	KUNIT_EXPECT_FALSE(test, ovnic_pool_rx_room(pool, 6001));
	KUNIT_EXPECT_FALSE(test, ovnic_pool_rx_room(pool, 65536));
	ovnic_pool_rx_uncharge(a, 4000);
	KUNIT_EXPECT_TRUE(test, ovnic_pool_rx_room(pool, 65536));

	/* Past the limit after a big lone skb: not even one byte more. */
	a = ovnic_test_charge(vnic, 20000);
	KUNIT_ASSERT_PTR_EQ(test, a, pool);
	KUNIT_EXPECT_FALSE(test, ovnic_pool_rx_room(pool, 1));
	ovnic_pool_rx_uncharge(a, 20000);

	ovnic_test_pool_vnic_free(vnic);
	ovnic_pool_kunit_free(pool);
}

/* Charges and uncharges balance; figures and references follow. */
static void ovnic_pool_charge_balance(struct kunit *test)
{
	struct ovnic_pool *pool = ovnic_test_pool(test, 10000, 100, 50, false);
	struct ovnic_dev *vnic = ovnic_test_vnic(test);
	struct ovnic_pool_kunit_state st;
	struct ovnic_pool *got, *got2;
	struct ovnic_pool_info pi;

	/* No pool: nothing charged, nothing refused. */
	KUNIT_EXPECT_NULL(test, ovnic_test_charge(vnic, 100));

	rcu_assign_pointer(vnic->pool, pool);
	got = ovnic_test_charge(vnic, 12000);	/* empty: admitted */
	got2 = ovnic_test_charge(vnic, 1);	/* over the limit */
	KUNIT_ASSERT_PTR_EQ(test, got, pool);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(got2), -ENOBUFS);
	ovnic_pool_kunit_state(pool, &st);
	KUNIT_EXPECT_EQ(test, st.charged, 12000L);
	KUNIT_EXPECT_EQ(test, st.refs, 2U);
	ovnic_pool_fill_info(pool, &pi);
	KUNIT_EXPECT_EQ(test, pi.hits, 1ULL);
	KUNIT_EXPECT_EQ(test, pi.rx_drops, 1ULL);
	KUNIT_EXPECT_EQ(test, pi.max_skb, 12000U);
	KUNIT_EXPECT_FALSE(test, ovnic_pool_rx_charge_more(pool, 1));
	ovnic_pool_rx_uncharge(got, 12000);

	got = ovnic_test_charge(vnic, 3000);
	got2 = ovnic_test_charge(vnic, 2000);
	KUNIT_ASSERT_PTR_EQ(test, got, pool);
	KUNIT_ASSERT_PTR_EQ(test, got2, pool);
	KUNIT_EXPECT_TRUE(test, ovnic_pool_rx_charge_more(got2, 5000));
	ovnic_pool_kunit_state(pool, &st);
	KUNIT_EXPECT_EQ(test, st.charged, 10000L);
	KUNIT_EXPECT_EQ(test, st.refs, 3U);
	ovnic_pool_rx_uncharge(got, 3000);
	ovnic_pool_rx_uncharge(got2, 7000);

	ovnic_pool_kunit_state(pool, &st);
	KUNIT_EXPECT_EQ(test, st.charged, 0L);
	KUNIT_EXPECT_EQ(test, st.refs, 1U);
	/* Not adaptive: nothing recorded as drained. */
	KUNIT_EXPECT_EQ(test, st.drained, 0L);
	ovnic_pool_fill_info(pool, &pi);
	KUNIT_EXPECT_EQ(test, pi.charged, 0ULL);
	KUNIT_EXPECT_EQ(test, pi.peak, 12000ULL);
	KUNIT_EXPECT_EQ(test, pi.max_skb, 12000U);
	KUNIT_EXPECT_EQ(test, pi.hits, 2ULL);
	KUNIT_EXPECT_EQ(test, pi.rx_drops, 2ULL);

	ovnic_test_pool_vnic_free(vnic);
	ovnic_pool_kunit_free(pool);
}

/* Queues stopped on a pool are woken at the low watermark, not above. */
static void ovnic_pool_wake_low(struct kunit *test)
{
	struct ovnic_pool *pool = ovnic_test_pool(test, 10000, 80, 50, false);
	struct ovnic_dev *vnic = ovnic_test_pool_vnic(test, pool);
	struct ovnic_pool_kunit_state st;
	struct ovnic_pool *a, *b, *c;

	a = ovnic_test_charge(vnic, 5000);
	b = ovnic_test_charge(vnic, 3000);
	c = ovnic_test_charge(vnic, 1);
	KUNIT_ASSERT_PTR_EQ(test, a, pool);
	KUNIT_ASSERT_PTR_EQ(test, b, pool);
	KUNIT_ASSERT_PTR_EQ(test, c, pool);
	ovnic_pool_kunit_set_waiting(pool, true);

	ovnic_pool_rx_uncharge(b, 3000);	/* 5001 > low 5000 */
	ovnic_pool_kunit_state(pool, &st);
	KUNIT_EXPECT_TRUE(test, st.waiting);
	ovnic_pool_rx_uncharge(c, 1);		/* 5000: at low */
	ovnic_pool_kunit_state(pool, &st);
	KUNIT_EXPECT_FALSE(test, st.waiting);

	/* A raised limit wakes once the charge is under its low mark. */
	ovnic_pool_kunit_set_waiting(pool, true);
	ovnic_pool_set_effective(pool, 9000);	/* low 4500 < 5000 */
	ovnic_pool_kunit_state(pool, &st);
	KUNIT_EXPECT_TRUE(test, st.waiting);
	ovnic_pool_set_effective(pool, 10000);	/* low 5000 */
	ovnic_pool_kunit_state(pool, &st);
	KUNIT_EXPECT_FALSE(test, st.waiting);

	ovnic_pool_rx_uncharge(a, 5000);
	ovnic_test_pool_vnic_free(vnic);
	ovnic_pool_kunit_free(pool);
}

#define OVNIC_TEST_MIB		SZ_1M

/* Effective limit after one adaptive step. */
static u32 ovnic_test_adapt(struct ovnic_pool *pool)
{
	struct ovnic_pool_kunit_state st;

	ovnic_pool_adapt_one(pool);
	ovnic_pool_kunit_state(pool, &st);
	return st.effective;
}

/* A pool held full by a slow consumer halves, down to the minimum. */
static void ovnic_pool_adapt_halves(struct kunit *test)
{
	struct ovnic_pool *pool = ovnic_test_pool(test, OVNIC_TEST_MIB, 100,
						  50, true);
	struct ovnic_dev *vnic = ovnic_test_pool_vnic(test, pool);
	static const u32 steps[] = {
		OVNIC_TEST_MIB / 2, OVNIC_TEST_MIB / 4, OVNIC_TEST_MIB / 8,
		OVNIC_POOL_MIN_LIMIT, OVNIC_POOL_MIN_LIMIT,
	};
	struct ovnic_pool_kunit_state st;
	struct ovnic_pool *a;
	unsigned int i;

	a = ovnic_test_charge(vnic, OVNIC_TEST_MIB);
	KUNIT_ASSERT_PTR_EQ(test, a, pool);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		/* A refused charge in every interval, nothing drained. */
		KUNIT_EXPECT_TRUE(test, IS_ERR(ovnic_test_charge(vnic, 1)));
		KUNIT_EXPECT_EQ_MSG(test, ovnic_test_adapt(pool), steps[i],
				    "step %u", i);
		ovnic_pool_kunit_state(pool, &st);
		/* The watermarks follow the effective limit. */
		KUNIT_EXPECT_EQ(test, st.high_bytes, steps[i]);
		KUNIT_EXPECT_EQ(test, st.low_bytes, steps[i] / 2);
	}

	/* Drained, no more hits: doubles back up to the limit, no further. */
	ovnic_pool_rx_uncharge(a, OVNIC_TEST_MIB);
	ovnic_pool_kunit_state(pool, &st);
	KUNIT_EXPECT_EQ(test, st.drained, (long)OVNIC_TEST_MIB);
	KUNIT_EXPECT_EQ(test, ovnic_test_adapt(pool), 2 * OVNIC_POOL_MIN_LIMIT);
	ovnic_pool_kunit_state(pool, &st);
	KUNIT_EXPECT_EQ(test, st.drained, 0L);	/* counted per interval */
	KUNIT_EXPECT_EQ(test, ovnic_test_adapt(pool), OVNIC_TEST_MIB / 2);
	KUNIT_EXPECT_EQ(test, ovnic_test_adapt(pool), OVNIC_TEST_MIB);
	KUNIT_EXPECT_EQ(test, ovnic_test_adapt(pool), OVNIC_TEST_MIB);

	ovnic_test_pool_vnic_free(vnic);
	ovnic_pool_kunit_free(pool);
}

/* Hit and drained: under a quarter halves, a quarter holds, half grows. */
static void ovnic_pool_adapt_drain(struct kunit *test)
{
	static const struct {
		u32 drained;
		u32 want;
	} cases[] = {
		{ 64 * 1024 - 1, 128 * 1024 },	/* < eff / 4: halve */
		{ 64 * 1024, 256 * 1024 },	/* eff / 4: hold */
		{ 128 * 1024 - 1, 256 * 1024 },	/* < eff / 2: hold */
		{ 128 * 1024, 512 * 1024 },	/* eff / 2: double */
	};
	struct ovnic_pool *pool = ovnic_test_pool(test, OVNIC_TEST_MIB, 100,
						  50, true);
	struct ovnic_dev *vnic = ovnic_test_pool_vnic(test, pool);
	struct ovnic_pool *a;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ovnic_pool_set_effective(pool, 256 * 1024);
		ovnic_test_adapt(pool);		/* a fresh interval */
		ovnic_pool_set_effective(pool, 256 * 1024);
		a = ovnic_test_charge(vnic, cases[i].drained);
		KUNIT_ASSERT_PTR_EQ(test, a, pool);
		/* Refused: a hit in this interval. */
		KUNIT_EXPECT_TRUE(test,
				  IS_ERR(ovnic_test_charge(vnic, 256 * 1024)));
		ovnic_pool_rx_uncharge(a, cases[i].drained);
		KUNIT_EXPECT_EQ_MSG(test, ovnic_test_adapt(pool),
				    cases[i].want, "drained %u",
				    cases[i].drained);
	}
	ovnic_test_pool_vnic_free(vnic);
	ovnic_pool_kunit_free(pool);
}

/*
 * A pool whose queues are stopped takes no charges, so it counts no hits:
 * being stopped on it, or charged at its high mark, is a hit too.
 */
static void ovnic_pool_adapt_stopped(struct kunit *test)
{
	struct ovnic_pool *pool = ovnic_test_pool(test, OVNIC_TEST_MIB, 80,
						  50, true);
	struct ovnic_dev *vnic = ovnic_test_pool_vnic(test, pool);
	struct ovnic_pool *a;

	a = ovnic_test_charge(vnic, 1000);
	KUNIT_ASSERT_PTR_EQ(test, a, pool);
	ovnic_test_adapt(pool);
	/* Nothing happened: at the limit already, stays. */
	KUNIT_EXPECT_EQ(test, ovnic_test_adapt(pool), OVNIC_TEST_MIB);

	ovnic_pool_kunit_set_waiting(pool, true);
	KUNIT_EXPECT_EQ(test, ovnic_test_adapt(pool), OVNIC_TEST_MIB / 2);
	ovnic_pool_kunit_set_waiting(pool, false);
	KUNIT_EXPECT_EQ(test, ovnic_test_adapt(pool), OVNIC_TEST_MIB);

	/* Charged at the high mark (80 % of 1 MiB) without a hit. */
	KUNIT_EXPECT_TRUE(test,
			  ovnic_pool_rx_charge_more(a, OVNIC_TEST_MIB * 8 / 10));
	KUNIT_EXPECT_EQ(test, ovnic_test_adapt(pool), OVNIC_TEST_MIB / 2);

	ovnic_pool_rx_uncharge(a, 1000 + OVNIC_TEST_MIB * 8 / 10);
	ovnic_test_pool_vnic_free(vnic);
	ovnic_pool_kunit_free(pool);
}

/* The module's cap bounds the sum of the limits of the pools made. */
static void ovnic_pool_cap(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct ovnic_pool *p1, *p2, *p3;
	struct ovnic_pool_info pi;
	u64 cap, total, room, now;

	ovnic_pool_kunit_totals(&cap, &total);
	if (cap < total + 2 * OVNIC_POOL_MIN_LIMIT || cap - total >= U32_MAX)
		kunit_skip(test, "cap %llu, limits %llu: no room to test",
			   cap, total);
	room = cap - total;

	p1 = ovnic_pool_kunit_create(&init_net, room + 1, &extack);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(p1), -ENOSPC);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	if (extack._msg)
		KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "cap"));
	if (!IS_ERR(p1))
		ovnic_pool_kunit_release(p1);

	p1 = ovnic_pool_kunit_create(&init_net, OVNIC_POOL_MIN_LIMIT - 1,
				     &extack);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(p1), -EINVAL);
	if (!IS_ERR(p1))
		ovnic_pool_kunit_release(p1);

	p1 = ovnic_pool_kunit_create(&init_net, room - OVNIC_POOL_MIN_LIMIT,
				     &extack);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p1));
	ovnic_pool_fill_info(p1, &pi);
	KUNIT_EXPECT_GE(test, pi.id, 1U);	/* 0 means "own" */
	KUNIT_EXPECT_LT(test, pi.id, OVNIC_POOL_NONE);
	KUNIT_EXPECT_EQ(test, pi.limit, (u32)(room - OVNIC_POOL_MIN_LIMIT));
	p2 = ovnic_pool_kunit_create(&init_net, OVNIC_POOL_MIN_LIMIT, &extack);
	KUNIT_EXPECT_FALSE(test, IS_ERR(p2));
	ovnic_pool_kunit_totals(&cap, &now);
	KUNIT_EXPECT_EQ(test, now, cap);
	/* Full: not one more pool, however small. */
	p3 = ovnic_pool_kunit_create(&init_net, OVNIC_POOL_MIN_LIMIT, &extack);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(p3), -ENOSPC);
	if (!IS_ERR(p3))
		ovnic_pool_kunit_release(p3);
	/* Deleting one gives its room back. */
	if (!IS_ERR(p2))
		ovnic_pool_kunit_release(p2);
	p3 = ovnic_pool_kunit_create(&init_net, OVNIC_POOL_MIN_LIMIT, &extack);
	KUNIT_EXPECT_FALSE(test, IS_ERR(p3));
	if (!IS_ERR(p3))
		ovnic_pool_kunit_release(p3);
	ovnic_pool_kunit_release(p1);
	ovnic_pool_kunit_totals(&cap, &now);
	KUNIT_EXPECT_EQ(test, now, total);
}

static struct kunit_case ovnic_pool_cases[] = {
	KUNIT_CASE(ovnic_pool_watermarks),
	KUNIT_CASE(ovnic_pool_admission),
	KUNIT_CASE(ovnic_pool_charge_balance),
	KUNIT_CASE(ovnic_pool_wake_low),
	KUNIT_CASE(ovnic_pool_adapt_halves),
	KUNIT_CASE(ovnic_pool_adapt_drain),
	KUNIT_CASE(ovnic_pool_adapt_stopped),
	KUNIT_CASE(ovnic_pool_cap),
	{}
};

static struct kunit_suite ovnic_pool_suite = {
	.name = "ovnic_pool",
	.test_cases = ovnic_pool_cases,
};

kunit_test_suites(&ovnic_proto_suite, &ovnic_hash_suite, &ovnic_reasm_suite,
		  &ovnic_pool_suite);

MODULE_DESCRIPTION("KUnit tests of ovnic's header, hashing, reassembly and pool logic");
MODULE_LICENSE("GPL");
/*
 * MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING) up to 6.12, a string
 * argument from 6.13 on: both expand to this.
 */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");
