// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: overlay transmit path.
 *
 * A tenant frame is encapsulated in place: the outer Ethernet, IP and
 * TCP-shaped ovnic headers are pushed into the headroom the VNIC asks for
 * (needed_headroom), so the skb's head is only reallocated when a sender
 * left too little room or shares the header (counted). An inner GSO frame
 * of up to 64 KB leaves as ONE outer TCP GSO skb: the VF's TSO cuts it into
 * segments that each carry a copy of the ovnic option (VNI, frame id,
 * offload state) and their own offset (the TCP sequence number). Without
 * TSO on the VF the same outer skb is segmented here, in software, before
 * it is queued on the VF.
 *
 * The inner frame's offload state travels in the header: a partial inner
 * checksum stays partial (its position is sent along) and the inner MSS
 * lets the receiver hand its tenant a GSO frame again.
 */

#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/addrconf.h>
#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include <net/udp.h>

#include "ovnic.h"
#include "ovnic_kunit.h"
#include "ovnic_proto.h"

static unsigned int ovnic_outer_iphlen(const struct ovnic_overlay *ovl)
{
	return ovl->ipv6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
}

/*
 * Answer an IPv4 packet with DF that is too big with an ICMP "fragmentation
 * needed" to its sender, received on the VNIC. icmp_ndo_send() cannot: a
 * frame that reaches the VNIC over a bridge or a tc redirect has no route.
 * @skb: the frame, skb->data at its Ethernet header, IPv4 header pulled
 */
static void ovnic_encap_icmp4_too_big(struct net_device *dev,
				      struct sk_buff *skb, unsigned int mtu)
{
	const struct ethhdr *eth = (const struct ethhdr *)skb->data;
	const struct iphdr *iph = (const struct iphdr *)(eth + 1);
	unsigned int quote = iph->ihl * 4 + 8;
	struct icmphdr *icmph;
	struct sk_buff *nskb;
	struct ethhdr *neth;
	struct iphdr *niph;
	u8 type;

	if (!(iph->frag_off & htons(IP_DF)) || iph->ihl < 5 ||
	    ipv4_is_multicast(iph->saddr) || ipv4_is_zeronet(iph->saddr) ||
	    ipv4_is_lbcast(iph->saddr) || ip_is_fragment(iph))
		return;
	/* Never an error about an error. */
	if (iph->protocol == IPPROTO_ICMP &&
	    (skb_copy_bits(skb, ETH_HLEN + iph->ihl * 4, &type, 1) ||
	     icmp_is_err(type)))
		return;
	quote = min(quote, skb->len - ETH_HLEN);

	nskb = netdev_alloc_skb(dev, ETH_HLEN + sizeof(*niph) +
				     sizeof(*icmph) + quote);
	if (!nskb)
		return;
	neth = skb_put(nskb, ETH_HLEN);
	ether_addr_copy(neth->h_dest, eth->h_source);
	ether_addr_copy(neth->h_source, eth->h_dest);
	neth->h_proto = htons(ETH_P_IP);

	niph = skb_put_zero(nskb, sizeof(*niph));
	niph->version = 4;
	niph->ihl = sizeof(*niph) / 4;
	niph->tos = iph->tos;
	niph->tot_len = htons(sizeof(*niph) + sizeof(*icmph) + quote);
	niph->ttl = 64;
	niph->protocol = IPPROTO_ICMP;
	niph->saddr = iph->daddr;
	niph->daddr = iph->saddr;
	ip_send_check(niph);

	icmph = skb_put_zero(nskb, sizeof(*icmph));
	icmph->type = ICMP_DEST_UNREACH;
	icmph->code = ICMP_FRAG_NEEDED;
	icmph->un.frag.mtu = htons(mtu);
	if (skb_copy_bits(skb, ETH_HLEN, skb_put(nskb, quote), quote)) {
		kfree_skb(nskb);
		return;
	}
	icmph->checksum = ip_compute_csum(icmph, sizeof(*icmph) + quote);

	nskb->protocol = eth_type_trans(nskb, dev);
	netif_rx(nskb);
}

/*
 * The same for IPv6: an ICMPv6 "packet too big" quoting as much of the
 * packet as fits in the minimum MTU, received on the VNIC, so it goes back
 * the way the packet came rather than by the tenant's routes.
 * @skb: the frame, skb->data at its Ethernet header, IPv6 header pulled
 */
static void ovnic_encap_icmp6_too_big(struct net_device *dev,
				      struct sk_buff *skb, unsigned int mtu)
{
	const struct ethhdr *eth = (const struct ethhdr *)skb->data;
	const struct ipv6hdr *ip6h = (const struct ipv6hdr *)(eth + 1);
	unsigned int quote = skb->len - ETH_HLEN;
	struct icmp6hdr *icmp6h;
	struct ipv6hdr *nip6h;
	struct sk_buff *nskb;
	struct ethhdr *neth;
	unsigned int len;
	u8 type;

	if (ipv6_addr_any(&ip6h->saddr) ||
	    ipv6_addr_is_multicast(&ip6h->saddr) ||
	    ipv6_addr_is_multicast(&ip6h->daddr))
		return;
	if (ip6h->nexthdr == IPPROTO_ICMPV6 &&
	    (skb_copy_bits(skb, ETH_HLEN + sizeof(*ip6h), &type, 1) ||
	     !(type & ICMPV6_INFOMSG_MASK)))
		return;
	quote = min_t(unsigned int, quote,
		      IPV6_MIN_MTU - sizeof(*nip6h) - sizeof(*icmp6h));
	len = sizeof(*icmp6h) + quote;

	nskb = netdev_alloc_skb(dev, ETH_HLEN + sizeof(*nip6h) + len);
	if (!nskb)
		return;
	neth = skb_put(nskb, ETH_HLEN);
	ether_addr_copy(neth->h_dest, eth->h_source);
	ether_addr_copy(neth->h_source, eth->h_dest);
	neth->h_proto = htons(ETH_P_IPV6);

	nip6h = skb_put_zero(nskb, sizeof(*nip6h));
	ip6_flow_hdr(nip6h, 0, 0);
	nip6h->payload_len = htons(len);
	nip6h->nexthdr = IPPROTO_ICMPV6;
	nip6h->hop_limit = 64;
	nip6h->saddr = ip6h->daddr;
	nip6h->daddr = ip6h->saddr;

	icmp6h = skb_put_zero(nskb, sizeof(*icmp6h));
	icmp6h->icmp6_type = ICMPV6_PKT_TOOBIG;
	icmp6h->icmp6_mtu = htonl(max_t(unsigned int, mtu, IPV6_MIN_MTU));
	if (skb_copy_bits(skb, ETH_HLEN, skb_put(nskb, quote), quote)) {
		kfree_skb(nskb);
		return;
	}
	icmp6h->icmp6_cksum = csum_ipv6_magic(&nip6h->saddr, &nip6h->daddr, len,
					      IPPROTO_ICMPV6,
					      csum_partial(icmp6h, len, 0));

	nskb->protocol = eth_type_trans(nskb, dev);
	netif_rx(nskb);
}

/* Non-GSO inner IP packets over the VNIC's MTU get the tenant an ICMP. */
static bool ovnic_encap_too_big(struct net_device *dev, struct sk_buff *skb)
{
	unsigned int mtu = READ_ONCE(dev->mtu);
	unsigned int hlen = ETH_HLEN;

	/* A VLAN device on top inserts its tag in software. */
	if (eth_type_vlan(skb->protocol))
		hlen += VLAN_HLEN;
	if (skb->len <= mtu + hlen)
		return false;

	if (skb->protocol == htons(ETH_P_IP) &&
	    pskb_may_pull(skb, ETH_HLEN + sizeof(struct iphdr)))
		ovnic_encap_icmp4_too_big(dev, skb, mtu);
	else if (skb->protocol == htons(ETH_P_IPV6) &&
		 pskb_may_pull(skb, ETH_HLEN + sizeof(struct ipv6hdr)))
		ovnic_encap_icmp6_too_big(dev, skb, mtu);
	return true;
}

/*
 * Record the inner offload state in @info; fall back to software for what
 * the header cannot describe. Return: 0, or -ENOMEM.
 */
VISIBLE_IF_KUNIT int ovnic_encap_offload_state(struct sk_buff *skb,
					       struct ovnic_info *info)
{
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		int start = skb_checksum_start_offset(skb);

		if (start >= ETH_HLEN && start <= U8_MAX &&
		    skb->csum_offset <= U8_MAX) {
			info->flags |= OVNIC_F_CSUM_PARTIAL;
			info->inner_l4_off = start;
			info->csum_off = skb->csum_offset;
		} else if (skb_is_gso(skb)) {
			return -EPROTONOSUPPORT;
		} else if (skb_checksum_help(skb)) {
			return -ENOMEM;
		}
	}

	if (skb_is_gso(skb)) {
		unsigned int type = skb_shinfo(skb)->gso_type;

		if (!(info->flags & OVNIC_F_CSUM_PARTIAL) ||
		    !(type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)))
			return -EPROTONOSUPPORT;
		info->flags |= OVNIC_F_GSO;
		info->inner_mss = skb_shinfo(skb)->gso_size;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_encap_offload_state);

static void ovnic_encap_push(struct sk_buff *skb, struct net_device *lower,
			     const struct ovnic_overlay *ovl,
			     const union ovnic_ip *remote, const u8 *nh_mac,
			     const struct ovnic_info *info, __be16 sport)
{
	unsigned int l4len = OVNIC_HDR_LEN + info->frame_len;
	struct ovnic_hdr *h;
	struct ethhdr *eth;

	h = skb_push(skb, OVNIC_HDR_LEN);
	skb_reset_transport_header(skb);
	ovnic_hdr_build(h, info);
	h->tcp.source = sport;
	h->tcp.dest = ovl->port;

	if (ovl->ipv6) {
		struct ipv6hdr *ip6h = skb_push(skb, sizeof(*ip6h));

		/* The inner flow's hash (cached by the source port) as label. */
		ip6_flow_hdr(ip6h, 0, htonl(skb_get_hash(skb)) &
				      IPV6_FLOWLABEL_MASK);
		ip6h->payload_len = htons(l4len);
		ip6h->nexthdr = IPPROTO_TCP;
		ip6h->hop_limit = 64;
		ip6h->saddr = ovl->local.v6;
		ip6h->daddr = remote->v6;
		h->tcp.check = ~tcp_v6_check(l4len, &ip6h->saddr,
					     &ip6h->daddr, 0);
		skb->protocol = htons(ETH_P_IPV6);
	} else {
		struct iphdr *iph = skb_push(skb, sizeof(*iph));

		iph->version = 4;
		iph->ihl = sizeof(*iph) / 4;
		iph->tos = 0;
		iph->tot_len = htons(sizeof(*iph) + l4len);
		/* DF: never fragmented; TSO increments the ID per segment. */
		iph->id = htons(info->frame_id);
		iph->frag_off = htons(IP_DF);
		iph->ttl = 64;
		iph->protocol = IPPROTO_TCP;
		iph->saddr = ovl->local.v4;
		iph->daddr = remote->v4;
		ip_send_check(iph);
		h->tcp.check = ~tcp_v4_check(l4len, iph->saddr, iph->daddr, 0);
		skb->protocol = htons(ETH_P_IP);
	}
	skb_reset_network_header(skb);

	eth = skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	skb_reset_mac_len(skb);
	ether_addr_copy(eth->h_dest, nh_mac);
	ether_addr_copy(eth->h_source, lower->dev_addr);
	eth->h_proto = skb->protocol;

	/* The outer TCP checksum is the one left for the VF to fill in. */
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
	skb->encapsulation = 0;
}

/* Hand one outer skb (GSO or not) to the VF; counts what happened. */
static void ovnic_encap_queue(struct ovnic_dev *vnic, struct sk_buff *skb,
			      struct net_device *lower, bool gso)
{
	netdev_features_t tso = skb->protocol == htons(ETH_P_IPV6) ?
				NETIF_F_TSO6 : NETIF_F_TSO;
	struct sk_buff *segs, *next;
	unsigned int n = 0;
	int ret;

	/* Segments share the charge of the GSO packet. */
	if (unlikely(!ovnic_pool_charge_tx(vnic, skb))) {
		ovnic_count_drop(vnic, OVNIC_DROP_TX_NOMEM);
		kfree_skb(skb);
		return;
	}
	if (!skb_is_gso(skb) || (lower->features & tso)) {
		segs = skb;
	} else {
		/* No TSO on the VF: segment here, before its qdisc. */
		segs = skb_gso_segment(skb, lower->features & ~NETIF_F_GSO_MASK);
		if (IS_ERR_OR_NULL(segs)) {
			ovnic_count_drop(vnic, OVNIC_DROP_TX_NOMEM);
			kfree_skb(skb);
			return;
		}
		consume_skb(skb);
		ovnic_count_event(vnic, OVNIC_EV_TX_SW_GSO, 1);
	}

	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		ret = dev_queue_xmit(skb);
		if (unlikely(ret != NET_XMIT_SUCCESS && ret != NET_XMIT_CN))
			ovnic_count_drop(vnic, OVNIC_DROP_TX_LOWER_BUSY);
		n++;
	}
	ovnic_count_event(vnic, OVNIC_EV_TX_VF_XMITS, n);
	if (gso)
		ovnic_count_event(vnic, OVNIC_EV_TX_GSO_VF_XMITS, n);
	ovnic_pool_tx_done(vnic);
}

/**
 * ovnic_encap_xmit - encapsulate a tenant frame and send it on a VF
 * @port: the lower device of the overlay VNIC chosen for the frame
 * @skb: the frame, skb->data at its Ethernet header
 * @lower: the VF, running
 *
 * Called from the VNIC's ndo_start_xmit with BHs disabled; the VNIC's
 * overlay configuration is read under RCU.
 *
 * Return: NETDEV_TX_OK; the frame is sent or dropped with a counter.
 */
netdev_tx_t ovnic_encap_xmit(struct ovnic_port *port, struct sk_buff *skb,
			     struct net_device *lower)
{
	struct ovnic_dev *vnic = port->vnic;
	unsigned int queue = skb_get_queue_mapping(skb);
	struct net_device *dev = vnic->dev;
	const struct ovnic_overlay *ovl;
	struct ovnic_info info = {};
	unsigned int len = skb->len;
	unsigned int headroom, mss;
	union ovnic_ip remote;
	u8 nh_mac[ETH_ALEN];
	__be16 sport;
	bool gso;

	ovl = rcu_dereference_bh(vnic->ovl);
	if (unlikely(len < ETH_HLEN || len > OVNIC_FRAME_MAX)) {
		ovnic_count_drop(vnic, OVNIC_DROP_TX_TOO_BIG);
		goto drop;
	}
	if (!skb_is_gso(skb) && unlikely(ovnic_encap_too_big(dev, skb))) {
		ovnic_count_drop(vnic, OVNIC_DROP_TX_TOO_BIG);
		goto drop;
	}

	if (!ovnic_rule_lookup(dev_net(lower), ovl->vni,
			       ((struct ethhdr *)skb->data)->h_dest,
			       ovl->ipv6, &remote)) {
		if (!ovl->has_remote) {
			ovnic_count_drop(vnic, OVNIC_DROP_TX_NO_REMOTE);
			goto drop;
		}
		remote = ovl->remote;
	}
	if (ovnic_neigh_resolve(port, lower, ovl, &remote, nh_mac)) {
		ovnic_count_drop(vnic, OVNIC_DROP_TX_NO_NEIGH);
		goto drop;
	}

	/* The VF's MTU must leave room for a useful outer segment. */
	mss = READ_ONCE(lower->mtu);
	if (unlikely(mss < ovnic_outer_iphlen(ovl) + OVNIC_HDR_LEN +
			   ETH_MIN_MTU)) {
		ovnic_count_drop(vnic, OVNIC_DROP_TX_TOO_BIG);
		goto drop;
	}
	mss -= ovnic_outer_iphlen(ovl) + OVNIC_HDR_LEN;

	if (unlikely(ovnic_encap_offload_state(skb, &info))) {
		ovnic_count_drop(vnic, OVNIC_DROP_TX_NOMEM);
		goto drop;
	}
	gso = info.flags & OVNIC_F_GSO;

	/* Only a shared or short header costs a reallocation. */
	headroom = ETH_HLEN + ovnic_outer_iphlen(ovl) + OVNIC_HDR_LEN +
		   lower->needed_headroom;
	if (unlikely(skb_headroom(skb) < headroom || skb_header_cloned(skb)))
		ovnic_count_event(vnic, OVNIC_EV_TX_HEAD_REALLOC, 1);
	if (unlikely(skb_cow_head(skb, headroom))) {
		ovnic_count_drop(vnic, OVNIC_DROP_TX_NOMEM);
		goto drop;
	}

	info.vni = ovl->vni;
	info.frame_len = len;
	info.frame_id = ((u32)raw_smp_processor_id() << 24) |
			(this_cpu_inc_return(vnic->stats->frame_id) & 0xffffff);
	info.flags |= OVNIC_F_CLASSIFIED;
	info.queue_hint = queue;
	/* One source port per inner flow: ECMP and RSS keep flows whole. */
	sport = udp_flow_src_port(dev_net(lower), skb, 0, 0, true);

	ovnic_encap_push(skb, lower, ovl, &remote, nh_mac, &info, sport);

	if (gso || len > mss) {
		struct skb_shared_info *shinfo = skb_shinfo(skb);

		shinfo->gso_type = ovl->ipv6 ? SKB_GSO_TCPV6 : SKB_GSO_TCPV4;
		shinfo->gso_size = mss;
		shinfo->gso_segs = DIV_ROUND_UP(len, mss);
	}

	ovnic_count_event(vnic, OVNIC_EV_TX_FRAMES, 1);
	if (gso)
		ovnic_count_event(vnic, OVNIC_EV_TX_GSO_FRAMES, 1);
	ovnic_count_tx(vnic, queue, len);
	ovnic_count_lower(vnic, true, port->index, len);
	skb->dev = lower;
	ovnic_encap_queue(vnic, skb, lower, gso);
	return NETDEV_TX_OK;

drop:
	kfree_skb(skb);
	return NETDEV_TX_OK;
}
