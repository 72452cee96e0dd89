/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ovnic: the overlay wire format.
 *
 * Every outer packet is Ethernet, IPv4 or IPv6, then a 40-byte TCP-shaped
 * header (struct ovnic_hdr) whose 20 bytes of options hold the ovnic header
 * at a fixed offset, then a piece of one inner (tenant) Ethernet frame.
 * Documentation/networking/ovnic.rst has the byte diagram and the reasons.
 *
 * These helpers are pure functions of the header bytes so that they can be
 * unit tested.
 */
#ifndef _OVNIC_PROTO_H
#define _OVNIC_PROTO_H

#include <linux/errno.h>
#include <linux/if_ether.h>
#include <linux/tcp.h>
#include <linux/types.h>

#define OVNIC_OPT_KIND		253	/* experimental TCP option (RFC 6994) */
#define OVNIC_OPT_LEN		20
#define OVNIC_OPT_EXID		0x4f56	/* "OV" */
#define OVNIC_WIRE_VERSION	1
#define OVNIC_HDR_LEN		40	/* outer L4 header incl. options */
#define OVNIC_HDR_DOFF		(OVNIC_HDR_LEN / 4)
#define OVNIC_WINDOW		0xffff
#define OVNIC_FRAME_MAX		0xffff	/* inner frame bytes */

/* TCP flag bits (byte 13 of the TCP header). */
#define OVNIC_TCP_PSH		0x08
#define OVNIC_TCP_ACK		0x10
#define OVNIC_TCP_ECE		0x40
#define OVNIC_TCP_CWR		0x80

/* Outer bytes in front of the inner frame. */
#define OVNIC_OVERHEAD4		(ETH_HLEN + 20 + OVNIC_HDR_LEN)
#define OVNIC_OVERHEAD6		(ETH_HLEN + 40 + OVNIC_HDR_LEN)

/*
 * Largest inner MTU: the inner frame and the outer headers must fit in one
 * GRO packet (under 64 KB) so that an unbroken frame arrives as one skb.
 */
#define OVNIC_MTU_MAX		(65535 - OVNIC_OVERHEAD6 - ETH_HLEN)

/* Flags (low nibble of the version byte). */
#define OVNIC_F_CLASSIFIED	0x1	/* @queue_hint names the target queue */
#define OVNIC_F_CSUM_PARTIAL	0x2	/* inner csum at l4_off + csum_off */
#define OVNIC_F_GSO		0x4	/* inner frame is TCP GSO, @inner_mss */
#define OVNIC_F_KNOWN		(OVNIC_F_CLASSIFIED | OVNIC_F_CSUM_PARTIAL | \
				 OVNIC_F_GSO)

/**
 * struct ovnic_opt - the ovnic header, carried as a TCP option
 * @kind: OVNIC_OPT_KIND
 * @len: OVNIC_OPT_LEN
 * @exid: OVNIC_OPT_EXID
 * @ver_flags: version (high nibble) and OVNIC_F_* flags (low nibble)
 * @vni: 24-bit virtual network identifier
 * @queue_hint: receive queue/target chosen by the sender
 *	(OVNIC_F_CLASSIFIED)
 * @inner_l4_off: offset of the inner L4 header from the inner Ethernet
 *	header (checksum start with OVNIC_F_CSUM_PARTIAL)
 * @inner_mss: segment size of the inner GSO frame (OVNIC_F_GSO)
 * @csum_off: offset of the inner checksum field from @inner_l4_off
 * @rsvd0: zero on send, ignored on receive
 * @frame_id_hi: high 16 bits of the frame id
 * @rsvd1: zero on send, ignored on receive
 */
struct ovnic_opt {
	u8 kind;
	u8 len;
	__be16 exid;
	u8 ver_flags;
	u8 vni[3];
	u8 queue_hint;
	u8 inner_l4_off;
	__be16 inner_mss;
	u8 csum_off;
	u8 rsvd0;
	__be16 frame_id_hi;
	__be32 rsvd1;
} __packed;

/**
 * struct ovnic_hdr - the outer L4 header
 * @tcp: TCP-shaped part: seq = frame id low 16 bits << 16 | byte offset of
 *	this segment in the frame, ack_seq = frame length, ACK (+PSH on the
 *	last segment), data offset 10
 * @opt: the ovnic header at offset 20 of the L4 header
 */
struct ovnic_hdr {
	struct tcphdr tcp;
	struct ovnic_opt opt;
} __packed;

/**
 * struct ovnic_info - a decoded outer header
 * @vni: VNI
 * @flags: OVNIC_F_*
 * @queue_hint: sender's queue hint
 * @inner_l4_off: inner L4 offset
 * @inner_mss: inner GSO segment size
 * @csum_off: inner checksum offset from @inner_l4_off
 * @frame_id: 32-bit frame id
 * @frame_len: inner frame length
 * @offset: byte offset in the inner frame of this packet's payload
 */
struct ovnic_info {
	u32 vni;
	u8 flags;
	u8 queue_hint;
	u8 inner_l4_off;
	u16 inner_mss;
	u8 csum_off;
	u32 frame_id;
	u32 frame_len;
	u32 offset;
};

/**
 * enum ovnic_hdr_err - why a header is refused (each has a drop counter)
 * @OVNIC_HDR_OK: valid
 * @OVNIC_HDR_BAD_SHAPE: not the TCP shape ovnic sends: data offset, option
 *	kind/length/ExID, or TCP flags (SYN, FIN, RST, URG, no ACK)
 * @OVNIC_HDR_BAD_VERSION: unknown version
 * @OVNIC_HDR_BAD_FLAGS: unknown flags
 * @OVNIC_HDR_BAD_LENGTH: frame length 0, shorter than an Ethernet header,
 *	over OVNIC_FRAME_MAX, or payload beyond the frame's end
 * @OVNIC_HDR_BAD_OFFLOAD: inner offload state outside the frame
 */
enum ovnic_hdr_err {
	OVNIC_HDR_OK,
	OVNIC_HDR_BAD_SHAPE,
	OVNIC_HDR_BAD_VERSION,
	OVNIC_HDR_BAD_FLAGS,
	OVNIC_HDR_BAD_LENGTH,
	OVNIC_HDR_BAD_OFFLOAD,
};

static inline u32 ovnic_opt_vni(const struct ovnic_opt *opt)
{
	return (opt->vni[0] << 16) | (opt->vni[1] << 8) | opt->vni[2];
}

/**
 * ovnic_hdr_build - fill an outer L4 header for one inner frame
 * @h: header to fill (ports and checksum are left to the caller)
 * @in: VNI, flags, offload state and frame id/length; @in->offset is 0
 */
static inline void ovnic_hdr_build(struct ovnic_hdr *h,
				   const struct ovnic_info *in)
{
	struct tcphdr *th = &h->tcp;
	struct ovnic_opt *opt = &h->opt;

	th->seq = htonl((in->frame_id & 0xffff) << 16);
	th->ack_seq = htonl(in->frame_len);
	/* doff 10, no reserved bits; flags ACK | PSH */
	((u8 *)th)[12] = OVNIC_HDR_DOFF << 4;
	((u8 *)th)[13] = OVNIC_TCP_ACK | OVNIC_TCP_PSH;
	th->window = htons(OVNIC_WINDOW);
	th->urg_ptr = 0;

	opt->kind = OVNIC_OPT_KIND;
	opt->len = OVNIC_OPT_LEN;
	opt->exid = htons(OVNIC_OPT_EXID);
	opt->ver_flags = (OVNIC_WIRE_VERSION << 4) | (in->flags & 0xf);
	opt->vni[0] = in->vni >> 16;
	opt->vni[1] = in->vni >> 8;
	opt->vni[2] = in->vni;
	opt->queue_hint = in->queue_hint;
	opt->inner_l4_off = in->inner_l4_off;
	opt->inner_mss = htons(in->inner_mss);
	opt->csum_off = in->csum_off;
	opt->rsvd0 = 0;
	opt->frame_id_hi = htons(in->frame_id >> 16);
	opt->rsvd1 = 0;
}

/**
 * ovnic_hdr_parse - decode and check an outer L4 header
 * @h: the header (OVNIC_HDR_LEN bytes)
 * @payload: bytes of inner frame following the header in this packet
 * @out: decoded fields
 *
 * Return: OVNIC_HDR_OK or the reason to drop.
 */
static inline enum ovnic_hdr_err ovnic_hdr_parse(const struct ovnic_hdr *h,
						 u32 payload,
						 struct ovnic_info *out)
{
	const u8 *tcpb = (const u8 *)&h->tcp;
	const struct ovnic_opt *opt = &h->opt;
	u32 seq = ntohl(h->tcp.seq);
	u8 flags = tcpb[13];
	u8 ver;

	if (tcpb[12] != OVNIC_HDR_DOFF << 4 ||
	    (flags & ~(OVNIC_TCP_ACK | OVNIC_TCP_PSH | OVNIC_TCP_ECE |
		   OVNIC_TCP_CWR)) ||
	    !(flags & OVNIC_TCP_ACK) ||
	    opt->kind != OVNIC_OPT_KIND || opt->len != OVNIC_OPT_LEN ||
	    opt->exid != htons(OVNIC_OPT_EXID))
		return OVNIC_HDR_BAD_SHAPE;

	ver = opt->ver_flags >> 4;
	if (ver != OVNIC_WIRE_VERSION)
		return OVNIC_HDR_BAD_VERSION;
	out->flags = opt->ver_flags & 0xf;
	if (out->flags & ~OVNIC_F_KNOWN)
		return OVNIC_HDR_BAD_FLAGS;

	out->vni = ovnic_opt_vni(opt);
	out->queue_hint = opt->queue_hint;
	out->inner_l4_off = opt->inner_l4_off;
	out->inner_mss = ntohs(opt->inner_mss);
	out->csum_off = opt->csum_off;
	out->frame_id = (ntohs(opt->frame_id_hi) << 16) | (seq >> 16);
	out->frame_len = ntohl(h->tcp.ack_seq);
	out->offset = seq & 0xffff;

	if (out->frame_len < ETH_HLEN || out->frame_len > OVNIC_FRAME_MAX ||
	    !payload || payload > out->frame_len ||
	    out->offset > out->frame_len - payload)
		return OVNIC_HDR_BAD_LENGTH;

	if ((out->flags & OVNIC_F_CSUM_PARTIAL) &&
	    (out->inner_l4_off < ETH_HLEN ||
	     out->inner_l4_off + out->csum_off + 2 > out->frame_len))
		return OVNIC_HDR_BAD_OFFLOAD;
	/* Inner GSO is TCP: its checksum field, a real segment size. */
	if ((out->flags & OVNIC_F_GSO) &&
	    (!(out->flags & OVNIC_F_CSUM_PARTIAL) || !out->inner_mss ||
	     out->inner_mss == 0xffff ||
	     out->csum_off != offsetof(struct tcphdr, check)))
		return OVNIC_HDR_BAD_OFFLOAD;
	return OVNIC_HDR_OK;
}

#endif /* _OVNIC_PROTO_H */
