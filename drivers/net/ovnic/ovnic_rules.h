/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ovnic: the rule table's interface to its generic netlink front end.
 *
 * The datapath only needs ovnic_rule_lookup() (ovnic.h). What is declared
 * here is used by ovnic_genl.c to change and list the table of a network
 * namespace; the functions run in process context and may sleep.
 */
#ifndef _OVNIC_RULES_H
#define _OVNIC_RULES_H

#include <linux/types.h>
#include <linux/if_ether.h>

#include "ovnic.h"

/* Rules a network namespace may hold (each is about 64 bytes). */
#define OVNIC_RULES_MAX		(1024 * 1024)

struct netlink_ext_ack;
struct ovnic_rules_iter;

/**
 * struct ovnic_rule_spec - a rule as the netlink front end sees it
 * @vni: VNI
 * @mac: inner destination MAC address
 * @ipv6: @remote is an IPv6 address
 * @remote: remote tunnel endpoint
 */
struct ovnic_rule_spec {
	u32 vni;
	u8 mac[ETH_ALEN];
	bool ipv6;
	union ovnic_ip remote;
};

int ovnic_rule_add(struct net *net, const struct ovnic_rule_spec *spec,
		   bool replace, struct netlink_ext_ack *extack);
int ovnic_rule_del(struct net *net, u32 vni, const u8 *mac,
		   struct netlink_ext_ack *extack);
int ovnic_rule_get(struct net *net, u32 vni, const u8 *mac,
		   struct ovnic_rule_spec *spec);
unsigned int ovnic_rules_count(struct net *net);

/*
 * A resumable walk over the rules of a namespace, for netlink dumps: the
 * iterator lives across the dump's calls. ovnic_rules_walk() passes rules
 * to @fn until @fn returns non-zero (the message is full): that rule is
 * passed again first at the next call.
 */
typedef int (*ovnic_rule_fn)(void *arg, const struct ovnic_rule_spec *spec);

struct ovnic_rules_iter *ovnic_rules_iter_new(struct net *net);
void ovnic_rules_iter_free(struct ovnic_rules_iter *it);
int ovnic_rules_walk(struct ovnic_rules_iter *it, ovnic_rule_fn fn,
		     void *arg);

#endif /* _OVNIC_RULES_H */
