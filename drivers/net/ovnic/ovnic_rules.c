// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: encapsulation rules, (VNI, inner destination MAC) -> remote endpoint.
 *
 * Every network namespace has its own rule table: a rule belongs to the
 * namespace of the netlink request that made it, which is the namespace of
 * the PFs and VFs (the hypervisor), and applies to the overlay VNICs whose
 * VF lives there.
 *
 * The table is an rhashtable keyed by (VNI, MAC), which keeps lookups O(1)
 * from a handful of rules to OVNIC_RULES_MAX, grows and shrinks with the
 * number of rules and seeds its hash per table.
 *
 * Locking: the datapath looks rules up under RCU and takes no lock. Writers
 * (the generic netlink handlers) serialise on the namespace's mutex; RTNL is
 * not used because the family's operations run without it (parallel_ops)
 * and bulk loads of rules must not hold up link operations. A rule is never
 * changed in place: a replacement is a new entry swapped in, and removed
 * entries are freed after a grace period, so a reader copies out a
 * consistent (family, address) pair.
 */

#include <linux/error-injection.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/netns/generic.h>

#include "ovnic.h"
#include "ovnic_rules.h"

/**
 * struct ovnic_rule_key - hash key of a rule
 * @vni: VNI
 * @mac: inner destination MAC address
 * @pad: always zero (the key is hashed and compared as 12 bytes)
 */
struct ovnic_rule_key {
	u32 vni;
	u8 mac[ETH_ALEN];
	u16 pad;
};

/**
 * struct ovnic_rule - an entry of a namespace's rule table
 * @node: link in the table
 * @key: (VNI, MAC)
 * @ipv6: @remote is an IPv6 address
 * @remote: remote tunnel endpoint
 * @rcu: freeing after a grace period
 */
struct ovnic_rule {
	struct rhash_head node;
	struct ovnic_rule_key key;
	bool ipv6;
	union ovnic_ip remote;
	struct rcu_head rcu;
};

/**
 * struct ovnic_rules_net - the rule table of a network namespace
 * @table: rules by (VNI, MAC)
 * @lock: serialises writers
 * @count: number of rules (written under @lock, read locklessly)
 */
struct ovnic_rules_net {
	struct rhashtable table;
	struct mutex lock;	/* serialises writers of @table */
	unsigned int count;
};

/**
 * struct ovnic_rules_iter - a walk over a rule table that spans calls
 * @hti: position in the table
 * @pending: the rule at @hti was not taken by the last call's callback
 */
struct ovnic_rules_iter {
	struct rhashtable_iter hti;
	bool pending;
};

static const struct rhashtable_params ovnic_rule_params = {
	.key_len		= sizeof(struct ovnic_rule_key),
	.key_offset		= offsetof(struct ovnic_rule, key),
	.head_offset		= offsetof(struct ovnic_rule, node),
	.automatic_shrinking	= true,
};

static unsigned int ovnic_rules_net_id __read_mostly;

static struct ovnic_rules_net *ovnic_rules_net(struct net *net)
{
	return net_generic(net, ovnic_rules_net_id);
}

static void ovnic_rule_key_set(struct ovnic_rule_key *key, u32 vni,
			       const u8 *mac)
{
	BUILD_BUG_ON(sizeof(*key) != 12);

	key->vni = vni;
	ether_addr_copy(key->mac, mac);
	key->pad = 0;
}

static void ovnic_rule_to_spec(const struct ovnic_rule *rule,
			       struct ovnic_rule_spec *spec)
{
	spec->vni = rule->key.vni;
	ether_addr_copy(spec->mac, rule->key.mac);
	spec->ipv6 = rule->ipv6;
	spec->remote = rule->remote;
}

/**
 * ovnic_rule_lookup - find the remote endpoint of an inner destination
 * @net: namespace of the VNIC's VF
 * @vni: the VNIC's VNI
 * @mac: inner destination MAC address
 * @ipv6: the VNIC's endpoints are IPv6
 * @remote: where the rule's remote endpoint is copied
 *
 * Datapath: called with BHs disabled under rcu_read_lock_bh() (an RCU
 * read-side section of its own is taken anyway, which rhashtable's checks
 * want and which costs nothing more). Constant time.
 *
 * Return: true when a rule of (@vni, @mac) exists and its endpoint is of the
 * family @ipv6 says; false otherwise (the caller then uses its default
 * remote).
 */
bool ovnic_rule_lookup(struct net *net, u32 vni, const u8 *mac, bool ipv6,
		       union ovnic_ip *remote)
{
	struct ovnic_rules_net *rn = ovnic_rules_net(net);
	struct ovnic_rule_key key;
	struct ovnic_rule *rule;
	bool found = false;

	/* Most namespaces have no rule: do not hash for nothing. */
	if (!READ_ONCE(rn->count))
		return false;

	ovnic_rule_key_set(&key, vni, mac);
	rcu_read_lock();
	rule = rhashtable_lookup(&rn->table, &key, ovnic_rule_params);
	if (rule && rule->ipv6 == ipv6) {
		*remote = rule->remote;
		found = true;
	}
	rcu_read_unlock();
	return found;
}

/**
 * ovnic_rule_add - add a rule, or replace the rule of the same (VNI, MAC)
 * @net: namespace of the request
 * @spec: the rule
 * @replace: replace an existing rule instead of failing with -EEXIST
 * @extack: for the reason of a refusal
 *
 * Return: 0, -EEXIST, -ENOSPC (table full), -ENOMEM or an rhashtable error.
 */
int ovnic_rule_add(struct net *net, const struct ovnic_rule_spec *spec,
		   bool replace, struct netlink_ext_ack *extack)
{
	struct ovnic_rules_net *rn = ovnic_rules_net(net);
	struct ovnic_rule *rule, *old;
	int err;

	/* Charged to the requester's memory cgroup, like other netns state. */
	rule = kzalloc(sizeof(*rule), GFP_KERNEL_ACCOUNT);
	if (!rule)
		return -ENOMEM;
	ovnic_rule_key_set(&rule->key, spec->vni, spec->mac);
	rule->ipv6 = spec->ipv6;
	rule->remote = spec->remote;

	mutex_lock(&rn->lock);
	old = rhashtable_lookup_fast(&rn->table, &rule->key, ovnic_rule_params);
	if (old) {
		if (!replace) {
			NL_SET_ERR_MSG_MOD(extack, "rule exists");
			err = -EEXIST;
			goto out_unlock;
		}
		/* Readers see either the old or the new entry, never a mix. */
		err = rhashtable_replace_fast(&rn->table, &old->node,
					      &rule->node, ovnic_rule_params);
		if (err)
			goto out_unlock;
		mutex_unlock(&rn->lock);
		kfree_rcu(old, rcu);
		return 0;
	}

	if (rn->count >= OVNIC_RULES_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "rule table full");
		err = -ENOSPC;
		goto out_unlock;
	}
	err = rhashtable_insert_fast(&rn->table, &rule->node,
				     ovnic_rule_params);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot insert the rule now");
		goto out_unlock;
	}
	WRITE_ONCE(rn->count, rn->count + 1);
	mutex_unlock(&rn->lock);
	return 0;

out_unlock:
	mutex_unlock(&rn->lock);
	kfree(rule);
	return err;
}
ALLOW_ERROR_INJECTION(ovnic_rule_add, ERRNO);

/**
 * ovnic_rule_del - delete the rule of (VNI, MAC)
 * @net: namespace of the request
 * @vni: VNI
 * @mac: inner destination MAC address
 * @extack: for the reason of a refusal
 *
 * Return: 0 or -ENOENT.
 */
int ovnic_rule_del(struct net *net, u32 vni, const u8 *mac,
		   struct netlink_ext_ack *extack)
{
	struct ovnic_rules_net *rn = ovnic_rules_net(net);
	struct ovnic_rule_key key;
	struct ovnic_rule *rule;
	int err = -ENOENT;

	ovnic_rule_key_set(&key, vni, mac);
	mutex_lock(&rn->lock);
	rule = rhashtable_lookup_fast(&rn->table, &key, ovnic_rule_params);
	if (rule) {
		err = rhashtable_remove_fast(&rn->table, &rule->node,
					     ovnic_rule_params);
		if (!err)
			WRITE_ONCE(rn->count, rn->count - 1);
	}
	mutex_unlock(&rn->lock);

	if (!rule) {
		NL_SET_ERR_MSG_MOD(extack, "no such rule");
		return -ENOENT;
	}
	if (!err)
		kfree_rcu(rule, rcu);
	return err;
}

/**
 * ovnic_rule_get - read the rule of (VNI, MAC)
 * @net: namespace of the request
 * @vni: VNI
 * @mac: inner destination MAC address
 * @spec: where the rule is copied
 *
 * Return: 0 or -ENOENT.
 */
int ovnic_rule_get(struct net *net, u32 vni, const u8 *mac,
		   struct ovnic_rule_spec *spec)
{
	struct ovnic_rules_net *rn = ovnic_rules_net(net);
	struct ovnic_rule_key key;
	struct ovnic_rule *rule;
	int err = -ENOENT;

	ovnic_rule_key_set(&key, vni, mac);
	rcu_read_lock();
	rule = rhashtable_lookup(&rn->table, &key, ovnic_rule_params);
	if (rule) {
		ovnic_rule_to_spec(rule, spec);
		err = 0;
	}
	rcu_read_unlock();
	return err;
}

/**
 * ovnic_rules_count - number of rules of a namespace
 * @net: the namespace
 *
 * Return: the count, possibly stale by the time it is used.
 */
unsigned int ovnic_rules_count(struct net *net)
{
	return READ_ONCE(ovnic_rules_net(net)->count);
}

/**
 * ovnic_rules_iter_new - start a walk over the rules of a namespace
 * @net: the namespace; it must outlive the walk (a netlink socket in it
 *	holds a reference, and a dump ends before its socket goes away)
 *
 * Return: the iterator or NULL (no memory).
 */
struct ovnic_rules_iter *ovnic_rules_iter_new(struct net *net)
{
	struct ovnic_rules_iter *it;

	it = kzalloc(sizeof(*it), GFP_KERNEL);
	if (!it)
		return NULL;
	rhashtable_walk_enter(&ovnic_rules_net(net)->table, &it->hti);
	return it;
}

/**
 * ovnic_rules_iter_free - end a walk
 * @it: the iterator, or NULL
 */
void ovnic_rules_iter_free(struct ovnic_rules_iter *it)
{
	if (!it)
		return;
	rhashtable_walk_exit(&it->hti);
	kfree(it);
}

/**
 * ovnic_rules_walk - pass the next rules of a walk to a callback
 * @it: the iterator
 * @fn: called for each rule under RCU (must not sleep); a non-zero return
 *	stops the walk and the same rule is passed first at the next call
 * @arg: for @fn
 *
 * The walk is resumable: between two calls no lock is held and the table
 * may change. A rule that exists for the whole walk is seen at least once;
 * if the table is resized meanwhile the walk starts over, so rules may be
 * seen twice (the usual contract of rhashtable walks and netlink dumps).
 * Rules added or deleted during the walk may or may not be seen.
 *
 * Return: 0 at the end of the table, else what @fn returned.
 */
int ovnic_rules_walk(struct ovnic_rules_iter *it, ovnic_rule_fn fn, void *arg)
{
	struct ovnic_rule_spec spec;
	struct ovnic_rule *rule;
	int err = 0;

	/*
	 * -EAGAIN: a new walk, or the table was resized since the last call
	 * and the walk starts over. The position then still points to the
	 * entry the last call stopped at, which may have been freed since:
	 * forget it (the rule that did not fit comes again with the rest).
	 */
	if (rhashtable_walk_start_check(&it->hti) == -EAGAIN) {
		it->hti.p = NULL;
		it->pending = false;
	}
	for (;;) {
		if (it->pending)
			rule = rhashtable_walk_peek(&it->hti);
		else
			rule = rhashtable_walk_next(&it->hti);
		it->pending = false;
		if (IS_ERR(rule)) {
			/* -EAGAIN: resized, the walk went back to the start */
			if (PTR_ERR(rule) == -EAGAIN)
				continue;
			err = PTR_ERR(rule);
			break;
		}
		if (!rule)
			break;

		ovnic_rule_to_spec(rule, &spec);
		err = fn(arg, &spec);
		if (err) {
			it->pending = true;
			break;
		}
	}
	rhashtable_walk_stop(&it->hti);
	return err;
}

static int __net_init ovnic_rules_net_init(struct net *net)
{
	struct ovnic_rules_net *rn = ovnic_rules_net(net);

	mutex_init(&rn->lock);
	rn->count = 0;
	return rhashtable_init(&rn->table, &ovnic_rule_params);
}

static void ovnic_rule_free(void *ptr, void *arg)
{
	kfree(ptr);
}

/*
 * The namespaces are dead: no request can reach their tables any more and
 * their devices are gone, so no VNIC transmits through them. One grace
 * period for the whole batch covers a transmit that read a device's
 * namespace just before the device left it. Then the tables and every rule
 * in them are freed.
 */
static void __net_exit ovnic_rules_net_exit_batch(struct list_head *net_list)
{
	struct ovnic_rules_net *rn;
	struct net *net;

	synchronize_rcu();
	list_for_each_entry(net, net_list, exit_list) {
		rn = ovnic_rules_net(net);
		rhashtable_free_and_destroy(&rn->table, ovnic_rule_free, NULL);
		rn->count = 0;
		mutex_destroy(&rn->lock);
	}
}

static struct pernet_operations ovnic_rules_net_ops = {
	.init		= ovnic_rules_net_init,
	.exit_batch	= ovnic_rules_net_exit_batch,
	.id		= &ovnic_rules_net_id,
	.size		= sizeof(struct ovnic_rules_net),
};

/**
 * ovnic_rules_init - give every network namespace a rule table
 *
 * Return: 0 or a negative errno.
 */
int ovnic_rules_init(void)
{
	return register_pernet_subsys(&ovnic_rules_net_ops);
}

/**
 * ovnic_rules_uninit - free the rule tables of all namespaces
 *
 * Call after the generic netlink family is unregistered and after the last
 * VNIC is gone.
 */
void ovnic_rules_uninit(void)
{
	unregister_pernet_subsys(&ovnic_rules_net_ops);
}
