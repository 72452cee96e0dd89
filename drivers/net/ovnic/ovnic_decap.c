// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: overlay receive path.
 *
 * Runs as the VF's rx_handler, after the VF's GRO: consecutive segments of
 * one frame arrive already coalesced (their sequence numbers are the byte
 * offsets within the frame, their acknowledgment numbers the frame length,
 * and the ovnic option is the same in all of them). A packet that holds a
 * whole frame is decapsulated on the spot; pieces go to the VNIC's bounded
 * reassembly table. Everything else the VF receives is either ARP/ND for
 * the local endpoint or dropped with a counter, so the host's own IP stack
 * never sees the VF's traffic.
 */

#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

#include "ovnic.h"
#include "ovnic_kunit.h"
#include "ovnic_proto.h"

VISIBLE_IF_KUNIT const enum ovnic_drop ovnic_hdr_drop[] = {
	[OVNIC_HDR_BAD_SHAPE]	= OVNIC_DROP_RX_BAD_SHAPE,
	[OVNIC_HDR_BAD_VERSION]	= OVNIC_DROP_RX_BAD_VERSION,
	[OVNIC_HDR_BAD_FLAGS]	= OVNIC_DROP_RX_BAD_FLAGS,
	[OVNIC_HDR_BAD_LENGTH]	= OVNIC_DROP_RX_BAD_LENGTH,
	[OVNIC_HDR_BAD_OFFLOAD]	= OVNIC_DROP_RX_BAD_OFFLOAD,
};
EXPORT_SYMBOL_IF_KUNIT(ovnic_hdr_drop);

/* Is the inner frame at skb->data itself an ovnic packet? */
VISIBLE_IF_KUNIT bool ovnic_decap_nested(const struct sk_buff *skb)
{
	unsigned int off = ETH_HLEN;
	struct ovnic_opt opt_buf;
	const struct ovnic_opt *opt;
	__be16 proto_buf;
	const __be16 *proto;
	u8 ihl_buf, next;
	const u8 *ihl;

	proto = skb_header_pointer(skb, offsetof(struct ethhdr, h_proto),
				   sizeof(proto_buf), &proto_buf);
	if (!proto)
		return false;
	if (*proto == htons(ETH_P_IP)) {
		ihl = skb_header_pointer(skb, off, 1, &ihl_buf);
		if (!ihl)
			return false;
		if (skb_copy_bits(skb, off + offsetof(struct iphdr, protocol),
				  &next, 1))
			return false;
		off += (*ihl & 0xf) * 4;
	} else if (*proto == htons(ETH_P_IPV6)) {
		if (skb_copy_bits(skb, off + offsetof(struct ipv6hdr, nexthdr),
				  &next, 1))
			return false;
		off += sizeof(struct ipv6hdr);
	} else {
		return false;
	}
	if (next != IPPROTO_TCP)
		return false;
	opt = skb_header_pointer(skb, off + sizeof(struct tcphdr),
				 sizeof(opt_buf), &opt_buf);
	return opt && opt->kind == OVNIC_OPT_KIND &&
	       opt->len == OVNIC_OPT_LEN && opt->exid == htons(OVNIC_OPT_EXID);
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_decap_nested);

/*
 * A GSO frame's frag_list members end where the sender's outer segments
 * ended, not on inner MSS boundaries. skb_segment() copes with members
 * that hold only page fragments, but a member with linear data longer
 * than what one segment takes from it trips a BUG_ON there, should the
 * tenant forward the frame and segment it in software. Such frames (small
 * pieces a driver copied, or drivers that build linear skbs) are made
 * linear.
 */
static bool ovnic_decap_unsafe_list(struct sk_buff *skb)
{
	struct sk_buff *iter;

	skb_walk_frags(skb, iter)
		if (skb_headlen(iter))
			return true;
	return false;
}

/*
 * Turn a complete inner frame (skb->data at its Ethernet header) into what
 * the tenant's stack expects from a NIC: GSO state and checksum marks from
 * the header, the VNIC as device, a receive queue from the sender's hint.
 */
static int ovnic_decap_deliver(struct ovnic_dev *vnic, struct sk_buff *skb,
			       const struct ovnic_info *info)
{
	struct net_device *dev = vnic->dev;
	struct skb_shared_info *shinfo;
	unsigned int len = skb->len;

	if (unlikely(ovnic_decap_nested(skb)))
		return OVNIC_DROP_RX_NESTED;
	if (unlikely(skb_unclone(skb, GFP_ATOMIC)))
		return OVNIC_DROP_RX_NOMEM;
	if ((info->flags & OVNIC_F_GSO) && skb_has_frag_list(skb) &&
	    unlikely(ovnic_decap_unsafe_list(skb) && __skb_linearize(skb)))
		return OVNIC_DROP_RX_NOMEM;
	if (unlikely(!pskb_may_pull(skb, ETH_HLEN)))
		return OVNIC_DROP_RX_BAD_LENGTH;

	if (unlikely(!net_eq(dev_net(dev), dev_net(skb->dev))))
		skb_scrub_packet(skb, true);
	skb->encapsulation = 0;

	shinfo = skb_shinfo(skb);
	if (info->flags & OVNIC_F_GSO) {
		__be16 proto = ((struct ethhdr *)skb->data)->h_proto;

		if (proto == htons(ETH_P_IP))
			shinfo->gso_type = SKB_GSO_TCPV4;
		else if (proto == htons(ETH_P_IPV6))
			shinfo->gso_type = SKB_GSO_TCPV6;
		else
			return OVNIC_DROP_RX_BAD_OFFLOAD;
		/* From the wire: the stack re-checks before segmenting. */
		shinfo->gso_type |= SKB_GSO_DODGY;
		shinfo->gso_size = info->inner_mss;
		shinfo->gso_segs = DIV_ROUND_UP(len - info->inner_l4_off,
						info->inner_mss);
	} else if (skb_is_gso(skb)) {
		shinfo->gso_type = 0;
		shinfo->gso_size = 0;
		shinfo->gso_segs = 0;
	}

	if (info->flags & OVNIC_F_CSUM_PARTIAL) {
		unsigned int end = info->inner_l4_off + info->csum_off + 2;

		/*
		 * The outer checksum covered every byte; the inner one is
		 * still the sender's pseudo-header sum, as after GRO.
		 */
		if (!pskb_may_pull(skb, end) ||
		    !skb_partial_csum_set(skb, info->inner_l4_off,
					  info->csum_off))
			return OVNIC_DROP_RX_BAD_OFFLOAD;
	} else {
		skb->ip_summed = CHECKSUM_NONE;
	}

	skb->protocol = eth_type_trans(skb, dev);
	skb_reset_network_header(skb);
	skb_reset_mac_len(skb);
	if (info->flags & OVNIC_F_CLASSIFIED)
		skb_record_rx_queue(skb, info->queue_hint %
					 dev->real_num_rx_queues);
	else
		skb_record_rx_queue(skb, 0);

	ovnic_count_event(vnic, OVNIC_EV_RX_FRAMES, 1);
	ovnic_count_rx(vnic, skb_get_rx_queue(skb), len);
	return 0;
}

/*
 * Check the outer IP header for an ovnic packet to this VNIC's endpoint
 * and pull it. Return: 0 with @src set, or the drop reason.
 */
static int ovnic_decap_ip(struct sk_buff *skb, const struct ovnic_overlay *ovl,
			  union ovnic_ip *src)
{
	unsigned int hlen, tot;

	if (skb->protocol == htons(ETH_P_IP) && !ovl->ipv6) {
		const struct iphdr *iph;

		if (!pskb_may_pull(skb, sizeof(*iph)))
			return OVNIC_DROP_RX_SHORT;
		iph = ip_hdr(skb);
		hlen = iph->ihl * 4;
		if (iph->version != 4 || hlen < sizeof(*iph))
			return OVNIC_DROP_RX_NOT_OVERLAY;
		if (!pskb_may_pull(skb, hlen))
			return OVNIC_DROP_RX_SHORT;
		iph = ip_hdr(skb);
		if (iph->protocol != IPPROTO_TCP || iph->daddr != ovl->local.v4 ||
		    ip_is_fragment(iph))
			return OVNIC_DROP_RX_NOT_OVERLAY;
		if (unlikely(ip_fast_csum(iph, iph->ihl)))
			return OVNIC_DROP_RX_BAD_CSUM;
		tot = ntohs(iph->tot_len);
		src->v4 = iph->saddr;
	} else if (skb->protocol == htons(ETH_P_IPV6) && ovl->ipv6) {
		const struct ipv6hdr *ip6h;

		if (!pskb_may_pull(skb, sizeof(*ip6h)))
			return OVNIC_DROP_RX_SHORT;
		ip6h = ipv6_hdr(skb);
		hlen = sizeof(*ip6h);
		if (ip6h->version != 6 || ip6h->nexthdr != IPPROTO_TCP ||
		    !ipv6_addr_equal(&ip6h->daddr, &ovl->local.v6))
			return OVNIC_DROP_RX_NOT_OVERLAY;
		tot = hlen + ntohs(ip6h->payload_len);
		src->v6 = ip6h->saddr;
	} else {
		return OVNIC_DROP_RX_NOT_OVERLAY;
	}

	if (skb->pkt_type != PACKET_HOST)
		return OVNIC_DROP_RX_NOT_OVERLAY;
	if (tot < hlen || skb->len < tot)
		return OVNIC_DROP_RX_SHORT;
	if (pskb_trim_rcsum(skb, tot))
		return OVNIC_DROP_RX_NOMEM;

	skb_set_transport_header(skb, hlen);
	/* Port first: what is not for our port is not ours, short or not. */
	if (!pskb_may_pull(skb, hlen + 4))
		return OVNIC_DROP_RX_SHORT;
	if (tcp_hdr(skb)->dest != ovl->port)
		return OVNIC_DROP_RX_NOT_OVERLAY;
	if (!pskb_may_pull(skb, hlen + OVNIC_HDR_LEN))
		return OVNIC_DROP_RX_SHORT;

	skb_pull_rcsum(skb, hlen);
	return 0;
}

/* Verify the outer TCP checksum unless the VF or GRO already did. */
static bool ovnic_decap_csum_ok(struct sk_buff *skb, bool ipv6)
{
	if (ipv6) {
		if (skb_checksum_init(skb, IPPROTO_TCP, ip6_compute_pseudo))
			return false;
	} else {
		if (skb_checksum_init(skb, IPPROTO_TCP, inet_compute_pseudo))
			return false;
	}
	return skb_csum_unnecessary(skb) || !__skb_checksum_complete(skb);
}

/**
 * ovnic_decap_rx - receive one packet of an overlay VNIC's VF
 * @port: the lower device it arrived on
 * @pskb: the packet (not shared), skb->data at the network header
 *
 * Softirq context, RCU read side. Runs whether the VNIC is up or not: the
 * endpoint's ARP/ND is the underlay's business.
 *
 * Return: RX_HANDLER_CONSUMED: the inner frame is queued for the VNIC
 * (ovnic_rxq_deliver()), or the packet was handled or dropped.
 */
rx_handler_result_t ovnic_decap_rx(struct ovnic_port *port,
				   struct sk_buff **pskb)
{
	struct ovnic_dev *vnic = port->vnic;
	const struct ovnic_overlay *ovl = rcu_dereference(vnic->ovl);
	struct sk_buff *skb = *pskb;
	struct net_device *lower = skb->dev;
	enum ovnic_hdr_err herr;
	struct ovnic_info info;
	union ovnic_ip src;
	unsigned int segs;
	int drop;

	if (ovnic_neigh_rx(port, lower, ovl, skb))
		return RX_HANDLER_CONSUMED;
	if (unlikely(!(vnic->dev->flags & IFF_UP))) {
		drop = OVNIC_DROP_RX_VNIC_DOWN;
		goto drop;
	}

	drop = ovnic_decap_ip(skb, ovl, &src);
	if (drop)
		goto drop;
	if (!ovnic_decap_csum_ok(skb, ovl->ipv6)) {
		drop = OVNIC_DROP_RX_BAD_CSUM;
		goto drop;
	}

	herr = ovnic_hdr_parse((const struct ovnic_hdr *)skb->data,
			       skb->len - OVNIC_HDR_LEN, &info);
	if (herr) {
		drop = ovnic_hdr_drop[herr];
		goto drop;
	}
	if (info.vni != ovl->vni) {
		drop = OVNIC_DROP_RX_WRONG_VNI;
		goto drop;
	}

	/* A valid packet from the remote endpoint: its MAC is current. */
	ovnic_neigh_learn(lower, ovl->ipv6, &src, eth_hdr(skb)->h_source);
	segs = skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	ovnic_count_event(vnic, OVNIC_EV_RX_SEGS, max(segs, 1U));
	__skb_pull(skb, OVNIC_HDR_LEN);

	if (info.offset == 0 && skb->len == info.frame_len) {
		ovnic_count_event(vnic, OVNIC_EV_RX_FAST, 1);
	} else {
		skb = ovnic_reasm_add(vnic, skb, ovl->ipv6, &src, &info);
		if (!skb)
			return RX_HANDLER_CONSUMED;
	}

	drop = ovnic_decap_deliver(vnic, skb, &info);
	if (drop)
		goto drop;
	ovnic_count_lower(vnic, false, port->index, skb->len + ETH_HLEN);
	ovnic_rxq_deliver(vnic, skb);
	return RX_HANDLER_CONSUMED;

drop:
	ovnic_count_drop(vnic, drop);
	kfree_skb(skb);
	return RX_HANDLER_CONSUMED;
}
