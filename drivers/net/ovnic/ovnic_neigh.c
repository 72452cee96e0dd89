// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: link-layer addresses of the overlay's endpoints.
 *
 * An overlay VNIC sends its outer packets through its VF to remote
 * endpoints on the same link, so it needs their MAC addresses. They live in
 * the kernel's neighbour tables (arp_tbl, nd_tbl) keyed on the VF, where
 * `ip neigh show dev <vf>` shows them, but the host stack cannot fill these
 * entries itself: the VF has no IP address and its rx_handler hands every
 * frame to the VNIC, so ovnic speaks ARP and neighbour discovery for its
 * local endpoint address.
 *
 * Solicitations are ovnic's own, never the kernel's (neigh_event_send()).
 * The kernel would pick the source with inet_select_addr(): 0.0.0.0, or
 * worse an address of another interface leaking onto the underlay; for
 * IPv6 it would send nothing, the VF having no link-local address. Ours
 * come from the local endpoint, so the answer comes back to it.
 *
 * Freshness: every valid overlay frame received confirms its sender's
 * entry (ovnic_neigh_learn(), a lockless lookup in the common case), which
 * keeps it REACHABLE while traffic flows both ways. Without confirmation
 * the kernel's timer turns it STALE, which ovnic keeps using; for such an
 * entry in use the transmit path refreshes n->used, so the garbage
 * collector keeps it, and sends its own unicast probe at most once a
 * second, whose answer makes it REACHABLE again. n->used is never touched
 * while REACHABLE, so the kernel's timer never moves an entry to DELAY and
 * PROBE and never sends its own probes.
 *
 * Learning creates entries only from packets addressed to the local
 * endpoint, from the default remote, and from valid overlay frames; other
 * ARP and ND seen on the link only update entries that exist already.
 *
 * Lowers: every lower device (VF) of a VNIC has its own neighbour table,
 * so a VNIC over two PNICs on two separate underlay networks resolves each
 * remote on each network. Lowers that "speak" (the active lower in
 * active-backup mode, every lower in balance mode) answer for the local
 * endpoint and announce it. A backup stays silent on a shared network, so
 * that peers never learn its MAC: it solicits from 0.0.0.0 / :: (the
 * RFC 5227 probe and DAD forms, which nobody learns from) to keep its own
 * table warm and to probe the path, and starts speaking when it becomes
 * active, with a gratuitous ARP / unsolicited advertisement that moves the
 * peers' entries (and the switches' forwarding tables) to it.
 *
 * Everything received off the wire is validated before use: header sizes,
 * hop limit and checksum of ND, option lengths. ARP and ND packets are
 * consumed whatever they carry: nothing else on the VF has use for them.
 */

#include <linux/etherdevice.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/addrconf.h>
#include <net/arp.h>
#include <net/if_inet6.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/neighbour.h>

#include "ovnic.h"

/* Least time between two solicitations of a VNIC for unresolved remotes. */
#define OVNIC_SOLICIT_GAP	(HZ / 10)
/* Least time between two probes of a STALE entry in use. */
#define OVNIC_PROBE_GAP		HZ
/* A valid entry's MAC changes at most this often (flapping senders). */
#define OVNIC_LOCKTIME		HZ

/* How ovnic_neigh_update() may change the table. */
#define OVNIC_NU_CREATE		BIT(0)	/* create a missing entry */
#define OVNIC_NU_FORCE		BIT(1)	/* an announcement: ignore the lock time */

/* ND messages carry 255 as hop limit, proof they were not routed. */
#define OVNIC_ND_HOP_LIMIT	255
/* A link-layer address option for Ethernet: type, length, MAC. */
#define OVNIC_ND_LLOPT_LEN	ALIGN(2 + ETH_ALEN, 8)

/* An ARP packet for IPv4 over Ethernet. */
struct ovnic_arp_eth {
	struct arphdr hdr;
	u8 sha[ETH_ALEN];
	__be32 sip;
	u8 tha[ETH_ALEN];
	__be32 tip;
} __packed;

static struct neigh_table *ovnic_neigh_tbl(bool ipv6)
{
	if (!ipv6)
		return &arp_tbl;
#if IS_ENABLED(CONFIG_IPV6)
	return &nd_tbl;
#else
	return NULL;
#endif
}

/* The entry of @key on @lower, no reference taken; under rcu_read_lock(). */
static struct neighbour *ovnic_neigh_find(struct net_device *lower, bool ipv6,
					  const void *key)
{
	if (!ipv6)
		return __ipv4_neigh_lookup_noref(lower,
						 (__force u32)*(const __be32 *)key);
#if IS_ENABLED(CONFIG_IPV6)
	return __ipv6_neigh_lookup_noref(lower, key);
#else
	return NULL;
#endif
}

static bool ovnic_neigh_ha_equal(const struct neighbour *n, const u8 *mac)
{
	unsigned int seq;
	bool equal;

	do {
		seq = read_seqbegin(&n->ha_lock);
		equal = ether_addr_equal(n->ha, mac);
	} while (read_seqretry(&n->ha_lock, seq));
	return equal;
}

/* An address worth an entry: a unicast address of somebody. */
static bool ovnic_neigh_addr_ok(bool ipv6, const void *key)
{
	if (!ipv6) {
		__be32 addr = *(const __be32 *)key;

		return !ipv4_is_zeronet(addr) && !ipv4_is_multicast(addr) &&
		       !ipv4_is_lbcast(addr) && !ipv4_is_loopback(addr);
	}
	return !ipv6_addr_any(key) && !ipv6_addr_is_multicast(key) &&
	       !ipv6_addr_loopback(key);
}

/*
 * Record that @key is at @mac. The common case, an entry REACHABLE at that
 * MAC already, is a lockless lookup and a timestamp. Entries the
 * administrator made (permanent, noarp) are left alone; a MAC changes at
 * most once per OVNIC_LOCKTIME so that two senders claiming one address
 * cannot make us rewrite the entry for every packet.
 */
static void ovnic_neigh_update(struct net_device *lower, bool ipv6,
			       const void *key, const u8 *mac,
			       unsigned int flags)
{
	bool create = flags & OVNIC_NU_CREATE;
	struct neigh_table *tbl = ovnic_neigh_tbl(ipv6);
	struct neighbour *n;
	u8 state;

	if (!tbl || !is_valid_ether_addr(mac) || !ovnic_neigh_addr_ok(ipv6, key))
		return;

	rcu_read_lock();
	n = ovnic_neigh_find(lower, ipv6, key);
	if (n) {
		state = READ_ONCE(n->nud_state);
		if (state & (NUD_PERMANENT | NUD_NOARP))
			goto out_unlock;
		if (ovnic_neigh_ha_equal(n, mac)) {
			if (state & NUD_REACHABLE) {
				neigh_confirm(n);
				goto out_unlock;
			}
		} else if ((state & NUD_VALID) && !(flags & OVNIC_NU_FORCE)) {
			unsigned long updated = READ_ONCE(n->updated);

			if (time_in_range(jiffies, updated,
					  updated + OVNIC_LOCKTIME))
				goto out_unlock;
		}
	} else if (!create) {
		goto out_unlock;
	}
	rcu_read_unlock();

	n = __neigh_lookup(tbl, key, lower, create);
	if (!n)
		return;
	neigh_update(n, mac, NUD_REACHABLE, NEIGH_UPDATE_F_OVERRIDE, 0);
	neigh_release(n);
	return;

out_unlock:
	rcu_read_unlock();
}

/**
 * ovnic_neigh_learn - record where an endpoint is
 * @lower: the VF the endpoint was heard on
 * @ipv6: @addr is IPv6
 * @addr: the endpoint's address
 * @mac: its MAC address (2-byte aligned)
 *
 * Refreshes the entry of @addr in the VF's neighbour table, if there is
 * one (entries are created by ARP/ND only, so spoofed overlay frames
 * cannot fill the host's neighbour table). Called for every valid overlay
 * frame received, with its outer source: an entry already REACHABLE at
 * @mac costs a lockless lookup only.
 *
 * Context: softirq (or BH disabled).
 */
void ovnic_neigh_learn(struct net_device *lower, bool ipv6,
		       const union ovnic_ip *addr, const u8 *mac)
{
	ovnic_neigh_update(lower, ipv6, ipv6 ? (const void *)&addr->v6 :
			   (const void *)&addr->v4, mac, 0);
}

/* Send an ARP packet on @lower; @dst_mac NULL for broadcast. */
static bool ovnic_arp_send(struct net_device *lower, int op, __be32 dip,
			   __be32 sip, const u8 *dst_mac, const u8 *tha)
{
	struct sk_buff *skb;

	skb = arp_create(op, ETH_P_ARP, dip, lower, sip, dst_mac,
			 lower->dev_addr, tha);
	if (!skb)
		return false;
	arp_xmit(skb);
	return true;
}

#if IS_ENABLED(CONFIG_IPV6)
static const u8 ovnic_all_nodes_mac[ETH_ALEN] __aligned(2) = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01
};

/*
 * Send a neighbour solicitation or advertisement on @lower, from @saddr to
 * @daddr at @dst_mac, about @target, with our MAC as link-layer option
 * @opt_type (none if 0). @solicited and @override are the advertisement's
 * flags.
 */
static bool ovnic_nd_send(struct net_device *lower, u8 type, u8 opt_type,
			  const struct in6_addr *saddr,
			  const struct in6_addr *daddr, const u8 *dst_mac,
			  const struct in6_addr *target, bool solicited,
			  bool override)
{
	unsigned int len = sizeof(struct nd_msg) +
			   (opt_type ? OVNIC_ND_LLOPT_LEN : 0);
	int hlen = LL_RESERVED_SPACE(lower);
	int tlen = lower->needed_tailroom;
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;
	struct nd_msg *msg;

	skb = alloc_skb(hlen + sizeof(*ip6h) + len + tlen, GFP_ATOMIC);
	if (!skb)
		return false;
	skb_reserve(skb, hlen);
	skb->dev = lower;
	skb->protocol = htons(ETH_P_IPV6);

	skb_reset_network_header(skb);
	ip6h = skb_put(skb, sizeof(*ip6h));
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->payload_len = htons(len);
	ip6h->nexthdr = IPPROTO_ICMPV6;
	ip6h->hop_limit = OVNIC_ND_HOP_LIMIT;
	ip6h->saddr = *saddr;
	ip6h->daddr = *daddr;

	skb_set_transport_header(skb, skb->len);
	msg = skb_put_zero(skb, len);
	msg->icmph.icmp6_type = type;
	msg->icmph.icmp6_solicited = solicited;
	msg->icmph.icmp6_override = override;
	msg->target = *target;
	if (opt_type) {
		msg->opt[0] = opt_type;
		msg->opt[1] = OVNIC_ND_LLOPT_LEN >> 3;
		ether_addr_copy(&msg->opt[2], lower->dev_addr);
	}
	msg->icmph.icmp6_cksum = csum_ipv6_magic(saddr, daddr, len,
						 IPPROTO_ICMPV6,
						 csum_partial(msg, len, 0));

	if (dev_hard_header(skb, lower, ETH_P_IPV6, dst_mac, lower->dev_addr,
			    skb->len) < 0) {
		kfree_skb(skb);
		return false;
	}
	dev_queue_xmit(skb);
	return true;
}
#endif

/*
 * Ask for the MAC of @remote on @port's lower: ARP request or neighbour
 * solicitation, broadcast (solicited-node multicast) when @mac is NULL,
 * else a unicast probe to @mac. A lower that speaks asks from the local
 * endpoint; a silent one from 0.0.0.0 / :: so that nobody learns it.
 */
static bool ovnic_neigh_solicit(struct ovnic_port *port,
				struct net_device *lower,
				const struct ovnic_overlay *ovl,
				const union ovnic_ip *remote, const u8 *mac)
{
	bool speaks = ovnic_port_speaks(port);
	bool sent = false;

	if (!ovl->ipv6) {
		sent = ovnic_arp_send(lower, ARPOP_REQUEST, remote->v4,
				      speaks ? ovl->local.v4 : 0, mac, NULL);
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		struct in6_addr daddr = remote->v6;
		u8 dst_mac[ETH_ALEN];

		if (!mac || !speaks) {
			addrconf_addr_solict_mult(&remote->v6, &daddr);
			ipv6_eth_mc_map(&daddr, (char *)dst_mac);
			mac = dst_mac;
		}
		sent = ovnic_nd_send(lower, NDISC_NEIGHBOUR_SOLICITATION,
				     speaks ? ND_OPT_SOURCE_LL_ADDR : 0,
				     speaks ? &ovl->local.v6 : &in6addr_any,
				     &daddr, mac, &remote->v6, false, false);
#endif
	}
	if (sent)
		ovnic_count_event(port->vnic, OVNIC_EV_TX_SOLICIT, 1);
	return sent;
}

/* One solicitation per OVNIC_SOLICIT_GAP per lower, whatever the CPU. */
static bool ovnic_neigh_solicit_slot(struct ovnic_port *port)
{
	unsigned long last = READ_ONCE(port->solicit_at);
	unsigned long now = jiffies;

	if (time_in_range_open(now, last, last + OVNIC_SOLICIT_GAP))
		return false;
	return cmpxchg(&port->solicit_at, last, now) == last;
}

/*
 * A STALE (or DELAY, PROBE) entry in use: refresh n->used so the garbage
 * collector keeps it, and tell the caller to probe it, once per
 * OVNIC_PROBE_GAP whatever the CPU.
 */
static bool ovnic_neigh_touch(struct neighbour *n)
{
	unsigned long used = READ_ONCE(n->used);
	unsigned long now = jiffies;

	if (!time_after(now, used + OVNIC_PROBE_GAP))
		return false;
	return cmpxchg(&n->used, used, now) == used;
}

/**
 * ovnic_neigh_resolve - MAC address of a remote endpoint, for transmit
 * @port: the lower device transmitting
 * @lower: its VF
 * @ovl: its overlay configuration
 * @remote: the remote endpoint (family of @ovl)
 * @mac: the MAC address, on success
 *
 * Reads the VF's neighbour table. When the entry is missing or not valid,
 * solicits @remote from the local endpoint (at most once per 100 ms per
 * lower); when it is STALE, keeps using it and probes it (at most once a
 * second per entry).
 *
 * Context: BH disabled, rcu_read_lock_bh() held (transmit path).
 * Return: 0 with @mac set, or -EAGAIN: not resolved yet, drop the frame.
 */
int ovnic_neigh_resolve(struct ovnic_port *port, struct net_device *lower,
			const struct ovnic_overlay *ovl,
			const union ovnic_ip *remote, u8 *mac)
{
	struct neighbour *n;
	bool probe = false;
	int err = -EAGAIN;
	u8 state;

	rcu_read_lock();
	n = ovnic_neigh_find(lower, ovl->ipv6, remote);
	if (n) {
		state = READ_ONCE(n->nud_state);
		if (state & NUD_VALID) {
			neigh_ha_snapshot((char *)mac, n, lower);
			if (state & (NUD_STALE | NUD_DELAY | NUD_PROBE))
				probe = ovnic_neigh_touch(n);
			err = 0;
		}
	}
	rcu_read_unlock();

	if (probe)
		ovnic_neigh_solicit(port, lower, ovl, remote, mac);
	else if (err && ovnic_neigh_solicit_slot(port))
		ovnic_neigh_solicit(port, lower, ovl, remote, NULL);
	return err;
}

/* Whether a frame is for the VF: its MAC, broadcast or multicast. */
static bool ovnic_neigh_for_lower(const struct sk_buff *skb,
				  const struct net_device *lower)
{
	const u8 *dest;

	if (!skb_mac_header_was_set(skb))
		return true;
	dest = eth_hdr(skb)->h_dest;
	return is_multicast_ether_addr(dest) ||
	       ether_addr_equal(dest, lower->dev_addr);
}

/* Return: false if the packet is malformed. */
static bool ovnic_arp_rx(struct ovnic_port *port, struct net_device *lower,
			 const struct ovnic_overlay *ovl, struct sk_buff *skb)
{
	bool speaks = ovnic_port_speaks(port);
	bool from_remote;
	const struct ovnic_arp_eth *arp;
	u8 sha[ETH_ALEN] __aligned(2);
	__be32 sip, tip, local;
	__be16 op;

	BUILD_BUG_ON(sizeof(*arp) != 28);
	if (!pskb_may_pull(skb, sizeof(*arp)))
		return false;
	arp = (const struct ovnic_arp_eth *)skb->data;
	op = arp->hdr.ar_op;
	if (arp->hdr.ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->hdr.ar_pro != htons(ETH_P_IP) ||
	    arp->hdr.ar_hln != ETH_ALEN || arp->hdr.ar_pln != sizeof(sip) ||
	    (op != htons(ARPOP_REQUEST) && op != htons(ARPOP_REPLY)) ||
	    !is_valid_ether_addr(arp->sha))
		return false;

	if (ovl->ipv6 || !ovnic_neigh_for_lower(skb, lower))
		return true;

	ether_addr_copy(sha, arp->sha);
	sip = arp->sip;
	tip = arp->tip;
	local = ovl->local.v4;
	if (sip == local)
		return true;	/* our own, reflected, or a conflict */
	from_remote = ovl->has_remote && sip == ovl->remote.v4;

	if (!sip) {
		/*
		 * A probe (RFC 5227): answer it, learn nothing. Backups answer
		 * too: the answer goes to the prober alone, and a peer's backup
		 * probes this way to know its path works.
		 */
		if (tip == local && op == htons(ARPOP_REQUEST))
			ovnic_arp_send(lower, ARPOP_REPLY, 0, local, sha, sha);
	} else if (tip == local) {
		/* A request for us or the answer to ours. */
		ovnic_neigh_update(lower, false, &sip, sha, OVNIC_NU_CREATE);
		if (op == htons(ARPOP_REQUEST) && speaks)
			ovnic_arp_send(lower, ARPOP_REPLY, sip, local, sha, sha);
		else if (op == htons(ARPOP_REPLY) && from_remote)
			ovnic_agg_probe_answered(port);
	} else if (!tip && op == htons(ARPOP_REPLY)) {
		/* The answer to a probe of ours (silent lower). */
		if (ether_addr_equal(eth_hdr(skb)->h_dest, lower->dev_addr))
			ovnic_neigh_update(lower, false, &sip, sha,
					   from_remote ? OVNIC_NU_CREATE : 0);
		if (from_remote)
			ovnic_agg_probe_answered(port);
	} else {
		/* Overheard, or a gratuitous ARP announcing @sip. */
		ovnic_neigh_update(lower, false, &sip, sha,
				   (from_remote ? OVNIC_NU_CREATE : 0) |
				   (sip == tip ? OVNIC_NU_FORCE : 0));
	}
	return true;
}

#if IS_ENABLED(CONFIG_IPV6)
/* Type of the ICMPv6 neighbour discovery message @skb carries, or 0. */
static u8 ovnic_nd_type(const struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h;
	struct ipv6hdr _ip6h;
	const u8 *type;
	u8 _type;

	ip6h = skb_header_pointer(skb, 0, sizeof(_ip6h), &_ip6h);
	if (!ip6h || ip6h->version != 6 || ip6h->nexthdr != IPPROTO_ICMPV6)
		return 0;
	type = skb_header_pointer(skb, sizeof(_ip6h), sizeof(_type), &_type);
	if (!type || *type < NDISC_ROUTER_SOLICITATION ||
	    *type > NDISC_REDIRECT)
		return 0;
	return *type;
}

/*
 * Find the link-layer address option @type in the @len bytes of options at
 * @opt: *@lladdr is NULL when absent. Return: false if options are
 * malformed (zero or overlong length, too short for a MAC, repeated).
 */
static bool ovnic_nd_lladdr(const u8 *opt, unsigned int len, u8 type,
			    const u8 **lladdr)
{
	*lladdr = NULL;
	while (len) {
		unsigned int olen;

		if (len < 2)
			return false;
		olen = opt[1] << 3;
		if (!olen || olen > len)
			return false;
		if (opt[0] == type) {
			if (*lladdr || olen < 2 + ETH_ALEN)
				return false;
			*lladdr = opt + 2;
		}
		opt += olen;
		len -= olen;
	}
	return true;
}

static void ovnic_ns_rx(struct ovnic_port *port, struct net_device *lower,
			const struct ovnic_overlay *ovl, struct sk_buff *skb,
			const struct ipv6hdr *ip6h, const struct nd_msg *msg,
			const u8 *sll)
{
	const struct in6_addr *local = &ovl->local.v6;
	bool dad = ipv6_addr_any(&ip6h->saddr);
	struct in6_addr daddr;
	u8 dst_mac[ETH_ALEN];
	bool speaks;

	/*
	 * RFC 4861 7.1.1: DAD goes to solicited-node, without option. Our
	 * own solicitations may come back (a NIC's internal switch).
	 */
	if (ipv6_addr_is_multicast(&ip6h->saddr) ||
	    ipv6_addr_equal(&ip6h->saddr, local) ||
	    (dad && (sll || !ipv6_addr_is_solict_mult(&ip6h->daddr))))
		return;

	if (!ipv6_addr_equal(&msg->target, local)) {
		if (sll)
			ovnic_neigh_update(lower, true, &ip6h->saddr, sll,
					   ovl->has_remote &&
					   ipv6_addr_equal(&ip6h->saddr,
							   &ovl->remote.v6) ?
					   OVNIC_NU_CREATE : 0);
		return;
	}
	/*
	 * A backup does not answer, so peers never learn its MAC, except the
	 * DAD-form probes of a peer's backup (below, without override and
	 * unicast on the link, so that only the prober hears it).
	 */
	speaks = ovnic_port_speaks(port);
	if (!speaks && !dad)
		return;

	addrconf_addr_solict_mult(local, &daddr);
	if (!ipv6_addr_equal(&ip6h->daddr, local) &&
	    !ipv6_addr_equal(&ip6h->daddr, &daddr))
		return;

	if (dad) {
		/* Defend our address: advertise to all nodes. */
		ipv6_addr_set(&daddr, htonl(0xff020000), 0, 0, htonl(1));
		ether_addr_copy(dst_mac, speaks ? ovnic_all_nodes_mac :
						  eth_hdr(skb)->h_source);
	} else {
		daddr = ip6h->saddr;
		ether_addr_copy(dst_mac, sll ? sll : eth_hdr(skb)->h_source);
		if (sll)
			ovnic_neigh_update(lower, true, &ip6h->saddr, sll,
					   OVNIC_NU_CREATE);
	}
	ovnic_nd_send(lower, NDISC_NEIGHBOUR_ADVERTISEMENT,
		      ND_OPT_TARGET_LL_ADDR, local, &daddr, dst_mac, local,
		      !dad, speaks);
}

static void ovnic_na_rx(struct ovnic_port *port, struct net_device *lower,
			const struct ovnic_overlay *ovl,
			const struct ipv6hdr *ip6h, const struct nd_msg *msg,
			const u8 *tll)
{
	const struct in6_addr *local = &ovl->local.v6;
	const struct in6_addr *target = &msg->target;
	unsigned int flags = 0;
	bool from_remote;

	/* RFC 4861 7.1.2: no solicited flag on a multicast answer. */
	if (!tll || ipv6_addr_equal(target, local) ||
	    (ipv6_addr_is_multicast(&ip6h->daddr) &&
	     msg->icmph.icmp6_solicited))
		return;

	/* The answer to our solicitation, or the default remote's news. */
	from_remote = ovl->has_remote &&
		      ipv6_addr_equal(target, &ovl->remote.v6);
	if ((msg->icmph.icmp6_solicited &&
	     ipv6_addr_equal(&ip6h->daddr, local)) || from_remote)
		flags |= OVNIC_NU_CREATE;
	/* An unsolicited advertisement with override moves the entry. */
	if (!msg->icmph.icmp6_solicited && msg->icmph.icmp6_override)
		flags |= OVNIC_NU_FORCE;
	ovnic_neigh_update(lower, true, target, tll, flags);
	if (from_remote)
		ovnic_agg_probe_answered(port);
}

/* Return: false if the packet is malformed. */
static bool ovnic_nd_rx(struct ovnic_port *port, struct net_device *lower,
			const struct ovnic_overlay *ovl, struct sk_buff *skb,
			u8 type)
{
	const struct ipv6hdr *ip6h;
	const struct nd_msg *msg;
	const u8 *lladdr;
	unsigned int len;

	/* Router discovery and redirects: no router on an overlay link. */
	if (type != NDISC_NEIGHBOUR_SOLICITATION &&
	    type != NDISC_NEIGHBOUR_ADVERTISEMENT)
		return true;
	if (!ovl->ipv6 || !ovnic_neigh_for_lower(skb, lower))
		return true;

	if (!pskb_may_pull(skb, sizeof(*ip6h)))
		return false;
	ip6h = (const struct ipv6hdr *)skb->data;
	len = ntohs(ip6h->payload_len);
	if (len < sizeof(*msg) || skb->len < sizeof(*ip6h) + len ||
	    !pskb_may_pull(skb, sizeof(*ip6h) + len))
		return false;
	ip6h = (const struct ipv6hdr *)skb->data;
	msg = (const struct nd_msg *)(ip6h + 1);
	if (ip6h->hop_limit != OVNIC_ND_HOP_LIMIT || msg->icmph.icmp6_code ||
	    csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len, IPPROTO_ICMPV6,
			    csum_partial(msg, len, 0)) ||
	    ipv6_addr_is_multicast(&msg->target) ||
	    !ovnic_nd_lladdr(msg->opt, len - sizeof(*msg),
			     type == NDISC_NEIGHBOUR_SOLICITATION ?
			     ND_OPT_SOURCE_LL_ADDR : ND_OPT_TARGET_LL_ADDR,
			     &lladdr))
		return false;

	if (type == NDISC_NEIGHBOUR_SOLICITATION)
		ovnic_ns_rx(port, lower, ovl, skb, ip6h, msg, lladdr);
	else
		ovnic_na_rx(port, lower, ovl, ip6h, msg, lladdr);
	return true;
}
#endif

/**
 * ovnic_neigh_rx - handle ARP and neighbour discovery received on a VF
 * @port: the lower device it arrived on
 * @lower: its VF
 * @ovl: its overlay configuration
 * @skb: the packet, data at the network header, protocol set
 *
 * Learns the senders of packets for the local endpoint, answers the ARP
 * requests and neighbour solicitations for it, defends it against
 * duplicate address detection. Every ARP and ICMPv6 neighbour or router
 * discovery packet is consumed, valid or not, whatever its target.
 * VLAN-tagged packets are not the overlay's and are left to the caller.
 *
 * Context: softirq, from the VF's rx_handler.
 * Return: true if @skb was consumed (freed and counted), false if it is
 * not ARP or neighbour discovery (left to the caller).
 */
bool ovnic_neigh_rx(struct ovnic_port *port, struct net_device *lower,
		    const struct ovnic_overlay *ovl, struct sk_buff *skb)
{
	bool valid;

	if (skb_vlan_tag_present(skb))
		return false;

	if (skb->protocol == htons(ETH_P_ARP)) {
		valid = ovnic_arp_rx(port, lower, ovl, skb);
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		u8 type;

		if (skb->protocol != htons(ETH_P_IPV6))
			return false;
		type = ovnic_nd_type(skb);
		if (!type)
			return false;
		valid = ovnic_nd_rx(port, lower, ovl, skb, type);
#else
		return false;
#endif
	}

	ovnic_count_event(port->vnic, OVNIC_EV_RX_NEIGH, 1);
	if (valid)
		consume_skb(skb);
	else
		kfree_skb(skb);
	return true;
}

#if IS_ENABLED(CONFIG_IPV6)
/* Receive the solicitations for @local and advertisements to all nodes. */
static int ovnic_nd_join(struct ovnic_port *port, struct net_device *lower,
			 const struct in6_addr *local)
{
	struct in6_addr snm;
	u8 mac[ETH_ALEN];
	int err;

	addrconf_addr_solict_mult(local, &snm);
	ipv6_eth_mc_map(&snm, (char *)mac);
	if (port->solicit_mc_set) {
		if (ether_addr_equal(mac, port->solicit_mc))
			return 0;
		ovnic_neigh_stop(port);
	}

	err = dev_mc_add(lower, mac);
	if (err)
		return err;
	err = dev_mc_add(lower, ovnic_all_nodes_mac);
	if (err) {
		dev_mc_del(lower, mac);
		return err;
	}
	ether_addr_copy(port->solicit_mc, mac);
	port->solicit_mc_set = true;
	return 0;
}
#endif

/**
 * ovnic_neigh_announce - tell the link the local endpoint is on this lower
 * @port: a lower device that speaks (ovnic_port_speaks())
 * @ovl: the VNIC's overlay configuration
 *
 * Gratuitous ARP or unsolicited neighbour advertisement with override:
 * peers and switches move the endpoint to this lower's MAC.
 *
 * Context: RTNL held, BH disabled.
 */
void ovnic_neigh_announce(struct ovnic_port *port,
			  const struct ovnic_overlay *ovl)
{
	struct net_device *lower = ovnic_port_lower(port);

	if (!lower || !netif_running(lower) || !netif_carrier_ok(lower))
		return;
	if (!ovl->ipv6) {
		/* Gratuitous ARP (RFC 5227 announcement). */
		ovnic_arp_send(lower, ARPOP_REQUEST, ovl->local.v4,
			       ovl->local.v4, NULL, NULL);
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		struct in6_addr all_nodes;

		/* Unsolicited advertisement (RFC 4861 7.2.6). */
		ipv6_addr_set(&all_nodes, htonl(0xff020000), 0, 0, htonl(1));
		ovnic_nd_send(lower, NDISC_NEIGHBOUR_ADVERTISEMENT,
			      ND_OPT_TARGET_LL_ADDR, &ovl->local.v6,
			      &all_nodes, ovnic_all_nodes_mac,
			      &ovl->local.v6, false, true);
#endif
	}
}

/**
 * ovnic_neigh_start - take part in ARP / neighbour discovery on a VF
 * @port: a lower device of an overlay VNIC
 * @ovl: the VNIC's overlay configuration
 *
 * For an IPv6 endpoint, joins its solicited-node multicast group (and the
 * all-nodes group) on the VF. When the VF has a carrier, announces the
 * local endpoint (gratuitous ARP, unsolicited neighbour advertisement) if
 * the lower speaks, and solicits the default remote, if any. Called again
 * on a carrier change, a change of the active lower or a new
 * configuration: a group already joined is kept, a different one replaced.
 *
 * Context: RTNL held.
 */
void ovnic_neigh_start(struct ovnic_port *port,
		       const struct ovnic_overlay *ovl)
{
	struct net_device *lower = ovnic_port_lower(port);

	ASSERT_RTNL();
	if (!lower)
		return;

	if (ovl->ipv6) {
#if IS_ENABLED(CONFIG_IPV6)
		int err = ovnic_nd_join(port, lower, &ovl->local.v6);

		if (err)
			netdev_warn(port->vnic->dev,
				    "cannot join the solicited-node group on %s: %d\n",
				    lower->name, err);
#else
		return;
#endif
	}

	if (!netif_running(lower) || !netif_carrier_ok(lower))
		return;

	/* The counters are per CPU, updated with BHs disabled. */
	local_bh_disable();
	if (ovnic_port_speaks(port))
		ovnic_neigh_announce(port, ovl);
	if (ovl->has_remote) {
		WRITE_ONCE(port->solicit_at, jiffies);
		ovnic_neigh_solicit(port, lower, ovl, &ovl->remote, NULL);
	}
	local_bh_enable();
}

/**
 * ovnic_neigh_probe - probe the path to the default remote on a lower
 * @port: a lower device of an overlay VNIC with a default remote
 * @ovl: the VNIC's overlay configuration
 *
 * A unicast solicitation when the remote's MAC is known on this lower,
 * else a broadcast one; the answer calls ovnic_agg_probe_answered().
 *
 * Context: RTNL held.
 */
void ovnic_neigh_probe(struct ovnic_port *port,
		       const struct ovnic_overlay *ovl)
{
	struct net_device *lower = ovnic_port_lower(port);
	u8 mac[ETH_ALEN] __aligned(2);
	struct neighbour *n;
	bool known = false;

	if (!lower || !ovl->has_remote)
		return;
	rcu_read_lock();
	n = ovnic_neigh_find(lower, ovl->ipv6, &ovl->remote);
	if (n && (READ_ONCE(n->nud_state) & NUD_VALID)) {
		neigh_ha_snapshot((char *)mac, n, lower);
		known = true;
	}
	rcu_read_unlock();

	local_bh_disable();
	if (ovnic_neigh_solicit(port, lower, ovl, &ovl->remote,
				known ? mac : NULL))
		ovnic_count_event(port->vnic, OVNIC_EV_PROBE_TX, 1);
	local_bh_enable();
}

/**
 * ovnic_neigh_stop - leave the groups ovnic_neigh_start() joined
 * @port: a lower device of an overlay VNIC
 *
 * Entries learned stay in the VF's table and age out there.
 *
 * Context: RTNL held.
 */
void ovnic_neigh_stop(struct ovnic_port *port)
{
	struct net_device *lower = ovnic_port_lower(port);

	ASSERT_RTNL();

	if (!port->solicit_mc_set || !lower)
		return;
#if IS_ENABLED(CONFIG_IPV6)
	dev_mc_del(lower, port->solicit_mc);
	dev_mc_del(lower, ovnic_all_nodes_mac);
#endif
	port->solicit_mc_set = false;
}
