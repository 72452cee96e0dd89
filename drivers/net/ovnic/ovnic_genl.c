// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: the "ovnic" generic netlink family (encapsulation rules, memory
 * pools (handlers in ovnic_pool.c), and failover events on the "events"
 * multicast group).
 *
 * Commands and attributes are documented in include/uapi/linux/ovnic.h and
 * described in Documentation/netlink/specs/ovnic.yaml. The operations are
 * written by hand rather than generated from the spec, so that the same
 * source builds on 6.1, which lacks the split operations generated code
 * uses: struct genl_ops with the family's policy exists on every kernel
 * ovnic supports, and resv_start_op makes validation strict for every
 * command (unknown attributes, wrong lengths and out-of-range values are
 * refused by the core before a handler runs).
 *
 * Namespaces: a request acts on the rule table of the namespace of the
 * socket it came from (netnsok). Changing rules needs CAP_NET_ADMIN in the
 * user namespace owning that network namespace (GENL_UNS_ADMIN_PERM): the
 * administrator of a container manages the rules of the container's own
 * namespace and cannot reach any other. Reading rules needs no privilege,
 * like reading neighbour or FDB entries.
 *
 * Locking: the family runs without genl_mutex (parallel_ops); the rule
 * table serialises its writers itself (ovnic_rules.c), dumps walk it under
 * RCU.
 */

#include <linux/etherdevice.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <uapi/linux/ovnic.h>

#include "ovnic.h"
#include "ovnic_rules.h"

/* Not const: 6.1's struct nla_policy points to a writable range. */
static struct netlink_range_validation ovnic_vni_range = {
	.min	= 0,
	.max	= OVNIC_VNI_MAX,
};

static const struct nla_policy ovnic_genl_policy[OVNIC_A_MAX + 1] = {
	[OVNIC_A_RULE_VNI]	= NLA_POLICY_FULL_RANGE(NLA_U32, &ovnic_vni_range),
	[OVNIC_A_RULE_MAC]	= NLA_POLICY_ETH_ADDR,
	[OVNIC_A_RULE_REMOTE]	= NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[OVNIC_A_RULE_REMOTE6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[OVNIC_A_RULE_COUNT]	= { .type = NLA_REJECT,
				    .reject_message = "rule count is read-only" },
	[OVNIC_A_EV_IFINDEX ... OVNIC_A_EV_LOWER_IFINDEX] = {
		.type = NLA_REJECT,
		.reject_message = "event attributes are sent, not received" },
	/* Ids are 1 to OVNIC_POOL_NONE - 1; POOL_BIND takes OWN and NONE too. */
	[OVNIC_A_POOL_ID]	= { .type = NLA_U32 },
	[OVNIC_A_POOL_LIMIT]	= { .type = NLA_U32 },
	[OVNIC_A_POOL_HIGH]	= { .type = NLA_U8 },
	[OVNIC_A_POOL_LOW]	= { .type = NLA_U8 },
	[OVNIC_A_POOL_ADAPTIVE]	= NLA_POLICY_MAX(NLA_U8, 1),
	[OVNIC_A_POOL_EFFECTIVE ... OVNIC_A_POOL_OWNER] = {
		.type = NLA_REJECT,
		.reject_message = "pool figures are read-only" },
	[OVNIC_A_POOL_IFINDEX]	= { .type = NLA_U32 },
	[OVNIC_A_POOL_CAP]	= { .type = NLA_U64 },
	[OVNIC_A_POOL_TOTAL_LIMIT ... OVNIC_A_POOL_PAD] = {
		.type = NLA_REJECT,
		.reject_message = "module figures are read-only" },
};

static struct genl_family ovnic_genl_family;

/**
 * struct ovnic_genl_dump - state of a rule dump, kept in cb->ctx
 * @it: walk over the namespace's rules, from .start to .done
 * @vni: only rules of this VNI when @filter
 * @filter: the request gave a VNI
 */
struct ovnic_genl_dump {
	struct ovnic_rules_iter *it;
	u32 vni;
	bool filter;
};

/**
 * struct ovnic_genl_dump_arg - what a dump callback needs for one message
 * @dump: the dump's state
 * @skb: the message being filled
 * @portid: the requester's port
 * @seq: the request's sequence number
 */
struct ovnic_genl_dump_arg {
	const struct ovnic_genl_dump *dump;
	struct sk_buff *skb;
	u32 portid;
	u32 seq;
};

static struct ovnic_genl_dump *ovnic_genl_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct ovnic_genl_dump) > sizeof(cb->ctx));
	return (struct ovnic_genl_dump *)cb->ctx;
}

static size_t ovnic_genl_rule_size(void)
{
	return nla_total_size(sizeof(u32)) +		/* VNI */
	       nla_total_size(ETH_ALEN) +		/* MAC */
	       nla_total_size(sizeof(struct in6_addr)) + /* REMOTE(6) */
	       nla_total_size(sizeof(u32));		/* COUNT */
}

/* One rule as a message of command OVNIC_CMD_RULE_GET. */
static int ovnic_genl_fill_rule(struct sk_buff *skb,
				const struct ovnic_rule_spec *spec,
				u32 portid, u32 seq, int flags,
				bool with_count, unsigned int count)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &ovnic_genl_family, flags,
			  OVNIC_CMD_RULE_GET);
	if (!hdr)
		return -EMSGSIZE;

	if (nla_put_u32(skb, OVNIC_A_RULE_VNI, spec->vni) ||
	    nla_put(skb, OVNIC_A_RULE_MAC, ETH_ALEN, spec->mac))
		goto cancel;
	if (spec->ipv6) {
		if (nla_put_in6_addr(skb, OVNIC_A_RULE_REMOTE6,
				     &spec->remote.v6))
			goto cancel;
	} else if (nla_put_in_addr(skb, OVNIC_A_RULE_REMOTE, spec->remote.v4)) {
		goto cancel;
	}
	if (with_count && nla_put_u32(skb, OVNIC_A_RULE_COUNT, count))
		goto cancel;

	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* The (VNI, MAC) key every command but the dump needs. */
static int ovnic_genl_parse_key(struct genl_info *info, u32 *vni,
				const u8 **mac)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **attrs = info->attrs;

	if (!attrs[OVNIC_A_RULE_VNI]) {
		NL_SET_ERR_MSG_MOD(extack, "VNI is required");
		NL_SET_ERR_ATTR_MISS(extack, NULL, OVNIC_A_RULE_VNI);
		return -EINVAL;
	}
	if (!attrs[OVNIC_A_RULE_MAC]) {
		NL_SET_ERR_MSG_MOD(extack, "MAC address is required");
		NL_SET_ERR_ATTR_MISS(extack, NULL, OVNIC_A_RULE_MAC);
		return -EINVAL;
	}
	*vni = nla_get_u32(attrs[OVNIC_A_RULE_VNI]);
	*mac = nla_data(attrs[OVNIC_A_RULE_MAC]);
	if (!is_valid_ether_addr(*mac)) {
		ovnic_err_attr(extack, attrs[OVNIC_A_RULE_MAC],
			       "MAC must be unicast and not zero");
		return -EINVAL;
	}
	return 0;
}

/* Exactly one of REMOTE and REMOTE6, a unicast address. */
static int ovnic_genl_parse_remote(struct genl_info *info,
				   struct ovnic_rule_spec *spec)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *v4 = info->attrs[OVNIC_A_RULE_REMOTE];
	struct nlattr *v6 = info->attrs[OVNIC_A_RULE_REMOTE6];

	if (!v4 == !v6) {
		ovnic_err_attr(extack, v6,
			       "exactly one of REMOTE and REMOTE6 is required");
		return -EINVAL;
	}

	if (v4) {
		spec->ipv6 = false;
		spec->remote.v4 = nla_get_in_addr(v4);
		if (ipv4_is_zeronet(spec->remote.v4) ||
		    ipv4_is_multicast(spec->remote.v4) ||
		    ipv4_is_lbcast(spec->remote.v4)) {
			ovnic_err_attr(extack, v4,
				       "remote must be a unicast address");
			return -EINVAL;
		}
		return 0;
	}

	spec->ipv6 = true;
	spec->remote.v6 = nla_get_in6_addr(v6);
	if (ipv6_addr_any(&spec->remote.v6) ||
	    ipv6_addr_is_multicast(&spec->remote.v6)) {
		ovnic_err_attr(extack, v6, "remote must be a unicast address");
		return -EINVAL;
	}
	return 0;
}

static int ovnic_genl_rule_new(struct sk_buff *skb, struct genl_info *info)
{
	struct ovnic_rule_spec spec = {};
	const u8 *mac;
	bool replace;
	int err;

	err = ovnic_genl_parse_key(info, &spec.vni, &mac);
	if (err)
		return err;
	ether_addr_copy(spec.mac, mac);
	err = ovnic_genl_parse_remote(info, &spec);
	if (err)
		return err;

	replace = info->nlhdr->nlmsg_flags & NLM_F_REPLACE;
	return ovnic_rule_add(genl_info_net(info), &spec, replace,
			      info->extack);
}

static int ovnic_genl_rule_del(struct sk_buff *skb, struct genl_info *info)
{
	const u8 *mac;
	u32 vni;
	int err;

	err = ovnic_genl_parse_key(info, &vni, &mac);
	if (err)
		return err;
	return ovnic_rule_del(genl_info_net(info), vni, mac, info->extack);
}

static int ovnic_genl_rule_get(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct ovnic_rule_spec spec;
	struct sk_buff *msg;
	const u8 *mac;
	u32 vni;
	int err;

	err = ovnic_genl_parse_key(info, &vni, &mac);
	if (err)
		return err;
	if (ovnic_rule_get(net, vni, mac, &spec)) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such rule");
		return -ENOENT;
	}

	msg = genlmsg_new(ovnic_genl_rule_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = ovnic_genl_fill_rule(msg, &spec, info->snd_portid, info->snd_seq,
				   0, true, ovnic_rules_count(net));
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * The core has validated the request's attributes against the policy
 * before .start runs; the optional VNI filter is read from the message
 * itself, which needs no accessor that differs between kernels.
 */
static int ovnic_genl_rule_dump_start(struct netlink_callback *cb)
{
	struct ovnic_genl_dump *dump = ovnic_genl_dump_ctx(cb);
	const struct nlattr *attr;

	attr = nlmsg_find_attr(cb->nlh, GENL_HDRLEN, OVNIC_A_RULE_VNI);
	if (attr) {
		dump->vni = nla_get_u32(attr);
		dump->filter = true;
	}
	dump->it = ovnic_rules_iter_new(sock_net(cb->skb->sk));
	if (!dump->it)
		return -ENOMEM;
	return 0;
}

static int ovnic_genl_rule_dump_one(void *data,
				    const struct ovnic_rule_spec *spec)
{
	struct ovnic_genl_dump_arg *arg = data;

	if (arg->dump->filter && spec->vni != arg->dump->vni)
		return 0;
	return ovnic_genl_fill_rule(arg->skb, spec, arg->portid, arg->seq,
				    NLM_F_MULTI, false, 0);
}

static int ovnic_genl_rule_dump(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct ovnic_genl_dump_arg arg = {
		.dump	= ovnic_genl_dump_ctx(cb),
		.skb	= skb,
		.portid	= NETLINK_CB(cb->skb).portid,
		.seq	= cb->nlh->nlmsg_seq,
	};
	int err;

	err = ovnic_rules_walk(arg.dump->it, ovnic_genl_rule_dump_one, &arg);
	/* Full: the rule that did not fit comes first in the next message. */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

static int ovnic_genl_rule_dump_done(struct netlink_callback *cb)
{
	ovnic_rules_iter_free(ovnic_genl_dump_ctx(cb)->it);
	return 0;
}

/**
 * ovnic_genl_put - start a message of the family
 * @skb: the message buffer
 * @portid: destination port
 * @seq: sequence number
 * @flags: netlink flags
 * @cmd: command
 *
 * Return: the header, or NULL if @skb is full.
 */
void *ovnic_genl_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		     u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &ovnic_genl_family, flags, cmd);
}

static const struct genl_ops ovnic_genl_ops[] = {
	{
		.cmd	= OVNIC_CMD_RULE_NEW,
		.doit	= ovnic_genl_rule_new,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= OVNIC_CMD_RULE_DEL,
		.doit	= ovnic_genl_rule_del,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= OVNIC_CMD_RULE_GET,
		.doit	= ovnic_genl_rule_get,
		.start	= ovnic_genl_rule_dump_start,
		.dumpit	= ovnic_genl_rule_dump,
		.done	= ovnic_genl_rule_dump_done,
	},
	{
		.cmd	= OVNIC_CMD_POOL_NEW,
		.doit	= ovnic_pool_nl_new,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= OVNIC_CMD_POOL_DEL,
		.doit	= ovnic_pool_nl_del,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= OVNIC_CMD_POOL_GET,
		.doit	= ovnic_pool_nl_get,
		.dumpit	= ovnic_pool_nl_dump,
	},
	{
		.cmd	= OVNIC_CMD_POOL_SET,
		.doit	= ovnic_pool_nl_set,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= OVNIC_CMD_POOL_BIND,
		.doit	= ovnic_pool_nl_bind,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group ovnic_genl_mcgrps[] = {
	{ .name = OVNIC_MCGRP_EVENTS },
};

static struct genl_family ovnic_genl_family __ro_after_init = {
	.name		= OVNIC_GENL_NAME,
	.version	= OVNIC_GENL_VERSION,
	.maxattr	= OVNIC_A_MAX,
	.policy		= ovnic_genl_policy,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= ovnic_genl_ops,
	.n_ops		= ARRAY_SIZE(ovnic_genl_ops),
	.mcgrps		= ovnic_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(ovnic_genl_mcgrps),
	/* Strict validation for every command: there is no legacy user. */
	.resv_start_op	= OVNIC_CMD_RULE_GET + 1,
};

/**
 * ovnic_genl_init - register the "ovnic" generic netlink family
 *
 * Call after ovnic_rules_init(): requests reach the rule tables at once.
 *
 * Return: 0 or a negative errno.
 */
int ovnic_genl_init(void)
{
	return genl_register_family(&ovnic_genl_family);
}

/**
 * ovnic_genl_uninit - unregister the family (before ovnic_rules_uninit())
 */
void ovnic_genl_uninit(void)
{
	genl_unregister_family(&ovnic_genl_family);
}

/* A notification of @cmd about @vnic, or NULL if nobody listens. */
static struct sk_buff *ovnic_genl_event_new(struct ovnic_dev *vnic, u8 cmd,
					    void **hdr)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&ovnic_genl_family, vnic->link_net, 0))
		return NULL;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &ovnic_genl_family, 0, cmd);
	if (!*hdr ||
	    nla_put_u32(skb, OVNIC_A_EV_IFINDEX, vnic->dev->ifindex) ||
	    nla_put_string(skb, OVNIC_A_EV_IFNAME, vnic->dev->name)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static void ovnic_genl_event_send(struct ovnic_dev *vnic, struct sk_buff *skb,
				  void *hdr)
{
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&ovnic_genl_family, vnic->link_net, skb, 0, 0,
				GFP_KERNEL);
}

static int ovnic_genl_put_lower(struct sk_buff *skb, struct ovnic_port *port)
{
	struct net_device *lower = ovnic_port_lower(port);

	if (nla_put_u32(skb, OVNIC_A_EV_LOWER, port->index))
		return -EMSGSIZE;
	if (lower && nla_put_u32(skb, OVNIC_A_EV_LOWER_IFINDEX, lower->ifindex))
		return -EMSGSIZE;
	return 0;
}

/**
 * ovnic_genl_notify_lower - multicast a lower's state change
 * @port: the lower, in its new state
 *
 * Context: RTNL held.
 */
void ovnic_genl_notify_lower(struct ovnic_port *port)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ovnic_genl_event_new(port->vnic, OVNIC_CMD_LOWER_STATE, &hdr);
	if (!skb)
		return;
	if (ovnic_genl_put_lower(skb, port) ||
	    nla_put_u8(skb, OVNIC_A_EV_STATE, port->state) ||
	    nla_put_u8(skb, OVNIC_A_EV_REASON, port->reason)) {
		nlmsg_free(skb);
		return;
	}
	ovnic_genl_event_send(port->vnic, skb, hdr);
}

/**
 * ovnic_genl_notify_failover - multicast a change of the lowers in use
 * @vnic: the VNIC
 * @old: the active lower before (NULL if none, or in balance mode)
 * @new: the active lower now (NULL if none, or in balance mode)
 * @cause: the lower whose change caused it, NULL for a configuration change
 * @reason: why
 * @failback: a return to the primary
 *
 * Context: RTNL held.
 */
void ovnic_genl_notify_failover(struct ovnic_dev *vnic,
				struct ovnic_port *old, struct ovnic_port *new,
				struct ovnic_port *cause,
				enum ovnic_reason reason, bool failback)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ovnic_genl_event_new(vnic, OVNIC_CMD_FAILOVER, &hdr);
	if (!skb)
		return;
	if ((cause && ovnic_genl_put_lower(skb, cause)) ||
	    nla_put_u8(skb, OVNIC_A_EV_REASON, reason) ||
	    (old && nla_put_u32(skb, OVNIC_A_EV_OLD, old->index)) ||
	    (new && nla_put_u32(skb, OVNIC_A_EV_NEW, new->index)) ||
	    (failback && nla_put_flag(skb, OVNIC_A_EV_FAILBACK))) {
		nlmsg_free(skb);
		return;
	}
	ovnic_genl_event_send(vnic, skb, hdr);
}
