// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: per-target memory pools.
 *
 * A pool is a byte budget for the skb memory (truesize) a target has in
 * flight. Every VNIC has its own pool unless it is bound to a shared one
 * (one tenant's VNICs) or to none. The pool is charged:
 *
 * - on transmit, for every skb the VNIC hands to a VF, until the skb's data
 *   is freed. The charge rides on the skb's shared info as a completion
 *   record (a struct ubuf_info, the mechanism MSG_ZEROCOPY uses to learn
 *   when a device is done with user pages): the skb's own destructor and
 *   socket stay untouched, so the sender's accounting (TSQ, sndbuf) works
 *   as before and ours is chained after it. Clones share the record, GSO
 *   segments take references to it (the record is marked "don't orphan"),
 *   skb_orphan() does not touch it and the VF driver frees the skb as
 *   usual: the record's last reference goes when the last piece of data
 *   does, and the pool is uncharged exactly once, from any context.
 * - on receive, while a frame waits in the VNIC's per-CPU receive queue
 *   (ovnic_rxq.c) for the VNIC's NAPI to hand it to the stack, where the
 *   receiving socket's own accounting takes over;
 * - for reassembly, for every piece held (ovnic_reasm.c).
 *
 * Transmit never drops for the pool: at the high watermark the VNIC stops
 * its queues (the sender waits in the qdisc and its socket), below the low
 * one they are woken; a packet that finds the pool at its limit goes back
 * to the qdisc (NETDEV_TX_BUSY). Receive drops over the limit, with a
 * counter, and never waits.
 *
 * Lifetime: a pool is reference counted by its registry (the id table,
 * or for an own pool its VNIC), by every VNIC using it and by every charge
 * in flight, and freed after a grace period when the last goes. Deleting a
 * VNIC or a pool therefore leaves charged packets alone; they uncharge a
 * pool nobody can find any more ("draining"). The module's exit waits for
 * the last transmit record, whose callback is module code.
 *
 * Locking: the registry, the limits and the module's cap are under
 * ovnic_pool_mutex; which pool a VNIC uses and the pools' VNIC lists change
 * under RTNL (taken before the mutex). The datapath reads a VNIC's pool
 * under RCU and the pool's figures with atomics and READ_ONCE().
 */

#include <linux/error-injection.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <uapi/linux/ovnic.h>

#include "ovnic.h"
#include "ovnic_kunit.h"

static unsigned long pool_cap = 1UL << 30;
module_param(pool_cap, ulong, 0444);
MODULE_PARM_DESC(pool_cap,
		 "Bound on the sum of all memory pools' limits, bytes (initial value; change it with ovnic-pool cap)");

/* Adaptive pools are looked at this often. */
#define OVNIC_POOL_ADAPT_MS	100

/**
 * struct ovnic_pool - a memory budget for one target
 * @charged: bytes charged now
 * @waiters: bit 0: a VNIC's queues are stopped, wake them below @low_bytes
 * @effective: limit in force (bytes)
 * @high_bytes: transmit queues stop at this charge
 * @low_bytes: and are woken at or below this one
 * @adaptive: adaptive limit on
 * @drained: bytes uncharged since the adaptive work last looked
 * @refs: references: registry, VNICs using it, charges in flight
 * @peak: highest charge
 * @max_skb: largest single charge
 * @hits: charges that met the limit or the high watermark
 * @stops: transmit queue stops
 * @wakes: transmit queue wakes
 * @rx_drops: receive drops for lack of room
 * @limit: configured limit (ovnic_pool_mutex)
 * @high: high watermark, percent of @effective
 * @low: low watermark, percent of @effective
 * @id: id in ovnic_pool_ids
 * @net: namespace the pool was made in (no reference: only compared)
 * @owner: the VNIC whose own pool this is, NULL for a shared pool
 * @vnics: VNICs using the pool (RCU; changed under RTNL)
 * @nvnics: number of them (RTNL)
 * @adapt_hits: @hits when the adaptive work last looked
 * @dead: out of the registry (deleted, or its VNIC is gone)
 * @rcu: freeing after a grace period
 */
struct ovnic_pool {
	atomic_long_t charged;
	unsigned long waiters;
	u32 effective;
	u32 high_bytes;
	u32 low_bytes;
	bool adaptive;
	atomic_long_t drained;
	refcount_t refs;
	atomic_long_t peak;
	atomic_t max_skb;
	atomic_long_t hits;
	atomic_long_t stops;
	atomic_long_t wakes;
	atomic_long_t rx_drops;
	u32 limit;
	u8 high;
	u8 low;
	u32 id;
	struct net *net;
	struct ovnic_dev *owner;
	struct list_head vnics;
	unsigned int nvnics;
	long adapt_hits;
	bool dead;
	struct rcu_head rcu;
};

/**
 * struct ovnic_charge - a transmit skb's charge, chained on its shared info
 * @ubuf: the completion record the stack calls back when the data is freed
 * @pool: the pool charged (a reference)
 * @bytes: bytes charged
 */
struct ovnic_charge {
	struct ubuf_info ubuf;
	struct ovnic_pool *pool;
	u32 bytes;
};

static DEFINE_MUTEX(ovnic_pool_mutex);
static DEFINE_IDR(ovnic_pool_ids);
static u64 ovnic_pool_total_limit;
static atomic_long_t ovnic_pool_total_charged = ATOMIC_LONG_INIT(0);
static atomic_t ovnic_pool_draining = ATOMIC_INIT(0);
static atomic_t ovnic_pool_records = ATOMIC_INIT(0);
static bool ovnic_pool_exiting;
static DECLARE_WAIT_QUEUE_HEAD(ovnic_pool_wq);
static struct kmem_cache *ovnic_charge_cache;
static void ovnic_pool_adapt(struct work_struct *work);
static DECLARE_DELAYED_WORK(ovnic_pool_adapt_work, ovnic_pool_adapt);

static void ovnic_pool_put(struct ovnic_pool *pool)
{
	if (!refcount_dec_and_test(&pool->refs))
		return;
	WARN_ON_ONCE(atomic_long_read(&pool->charged));
	if (pool->dead)
		atomic_dec(&ovnic_pool_draining);
	kfree_rcu(pool, rcu);
}

/* Wake every VNIC of @pool whose queues the pool stopped. */
static void ovnic_pool_wake(struct ovnic_pool *pool)
{
	struct ovnic_dev *vnic;

	if (!test_and_clear_bit(0, &pool->waiters))
		return;
	rcu_read_lock();
	list_for_each_entry_rcu(vnic, &pool->vnics, pool_node) {
		if (!test_and_clear_bit(0, &vnic->pool_stopped))
			continue;
		netif_tx_wake_all_queues(vnic->dev);
		atomic_long_inc(&vnic->pool_wakes);
		atomic_long_inc(&pool->wakes);
	}
	rcu_read_unlock();
}

static void ovnic_pool_add(struct ovnic_pool *pool, unsigned int bytes)
{
	long now = atomic_long_add_return(bytes, &pool->charged);
	long peak = atomic_long_read(&pool->peak);
	int max = atomic_read(&pool->max_skb);

	atomic_long_add(bytes, &ovnic_pool_total_charged);
	while (now > peak &&
	       !atomic_long_try_cmpxchg(&pool->peak, &peak, now))
		;
	while ((int)bytes > max &&
	       !atomic_try_cmpxchg(&pool->max_skb, &max, bytes))
		;
}

static void ovnic_pool_sub(struct ovnic_pool *pool, unsigned int bytes)
{
	long left = atomic_long_sub_return(bytes, &pool->charged);

	atomic_long_sub(bytes, &ovnic_pool_total_charged);
	if (READ_ONCE(pool->adaptive))
		atomic_long_add(bytes, &pool->drained);
	/* Pairs with the barrier after setting the bit in ovnic_pool_stop(). */
	if (unlikely(test_bit(0, &pool->waiters)) &&
	    left <= (long)READ_ONCE(pool->low_bytes))
		ovnic_pool_wake(pool);
}

/* Stop @vnic's queues for @pool; they are woken at the low watermark. */
static void ovnic_pool_stop(struct ovnic_pool *pool, struct ovnic_dev *vnic)
{
	/* Stopped before the bit is set: a wake that sees it restarts them. */
	netif_tx_stop_all_queues(vnic->dev);
	if (!test_and_set_bit(0, &vnic->pool_stopped)) {
		atomic_long_inc(&vnic->pool_stops);
		atomic_long_inc(&pool->stops);
	}
	set_bit(0, &pool->waiters);
	/* Pairs with the fully ordered subtraction in ovnic_pool_sub(). */
	smp_mb__after_atomic();
	if (atomic_long_read(&pool->charged) <=
	    (long)READ_ONCE(pool->low_bytes))
		ovnic_pool_wake(pool);
}

/**
 * ovnic_pool_kick - restart queues the pool stopped (after a change)
 * @vnic: the VNIC
 *
 * Transmit checks the pool again and stops once more if it has to.
 */
void ovnic_pool_kick(struct ovnic_dev *vnic)
{
	if (!test_and_clear_bit(0, &vnic->pool_stopped))
		return;
	netif_tx_wake_all_queues(vnic->dev);
	atomic_long_inc(&vnic->pool_wakes);
}

/* Limit in force and watermarks; wakes waiters if the limit grew. */
VISIBLE_IF_KUNIT void ovnic_pool_set_effective(struct ovnic_pool *pool,
					       u32 effective)
{
	u64 high = div_u64((u64)effective * pool->high, 100);
	u64 low = div_u64((u64)effective * pool->low, 100);

	WRITE_ONCE(pool->effective, effective);
	WRITE_ONCE(pool->high_bytes, max_t(u64, high, 1));
	WRITE_ONCE(pool->low_bytes, low);
	/*
	 * A raised limit wakes queues stopped on the pool. Pairs with the
	 * barrier in ovnic_pool_stop(): a VNIC stopping now either sees the
	 * new watermark there or left the bit set for this check.
	 */
	smp_mb();
	if (test_bit(0, &pool->waiters) &&
	    atomic_long_read(&pool->charged) <= (long)low)
		ovnic_pool_wake(pool);
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_pool_set_effective);

/* ------------------------------------------------------------------ */
/* Transmit                                                            */

static void ovnic_charge_done(struct sk_buff *skb, struct ubuf_info *uarg,
			      bool success)
{
	struct ovnic_charge *c = container_of(uarg, struct ovnic_charge, ubuf);

	/*
	 * The whole callback is a read-side section: module exit waits for
	 * the last record, then for a grace period, so no CPU is still in
	 * here when the module's text goes.
	 */
	rcu_read_lock();
	if (!refcount_dec_and_test(&uarg->refcnt)) {
		rcu_read_unlock();
		return;
	}
	ovnic_pool_sub(c->pool, c->bytes);
	ovnic_pool_put(c->pool);
	kmem_cache_free(ovnic_charge_cache, c);
	if (atomic_dec_and_test(&ovnic_pool_records) &&
	    unlikely(READ_ONCE(ovnic_pool_exiting)))
		wake_up(&ovnic_pool_wq);
	rcu_read_unlock();
}

#ifdef OVNIC_HAVE_ubuf_info_ops
static const struct ubuf_info_ops ovnic_charge_ops = {
	.complete = ovnic_charge_done,
};

static void ovnic_charge_init(struct ubuf_info *uarg)
{
	uarg->ops = &ovnic_charge_ops;
}
#else
static void ovnic_charge_init(struct ubuf_info *uarg)
{
	uarg->callback = ovnic_charge_done;
}
#endif

/**
 * ovnic_pool_tx_full - check the pool before taking a packet to transmit
 * @vnic: the VNIC (in its ndo_start_xmit)
 *
 * Return: true if the pool is at its limit: the VNIC's queues are stopped
 * and the caller returns NETDEV_TX_BUSY, the qdisc keeping the packet.
 */
bool ovnic_pool_tx_full(struct ovnic_dev *vnic)
{
	struct ovnic_pool *pool = rcu_dereference_bh(vnic->pool);

	if (!pool || likely(atomic_long_read(&pool->charged) <
			    (long)READ_ONCE(pool->effective)))
		return false;
	atomic_long_inc(&pool->hits);
	atomic_long_inc(&vnic->pool_requeues);
	ovnic_pool_stop(pool, vnic);
	return true;
}

/**
 * ovnic_pool_charge_tx - charge a packet about to be handed to a VF
 * @vnic: the VNIC
 * @skb: the packet, final (encapsulated, not yet segmented)
 *
 * Return: false if there was no memory for the record (the caller drops).
 */
bool ovnic_pool_charge_tx(struct ovnic_dev *vnic, struct sk_buff *skb)
{
	struct ovnic_pool *pool = rcu_dereference_bh(vnic->pool);
	struct ovnic_charge *c;
	bool have_ref = true;

	if (!pool)
		return true;
	/*
	 * One record per skb: a sender's own (MSG_ZEROCOPY, vhost) completes
	 * now, its pages copied, as whenever such data crosses to a holder
	 * that may keep it. The shared info must be this skb's alone.
	 */
	if (unlikely(skb_zcopy(skb)) && skb_copy_ubufs(skb, GFP_ATOMIC))
		return false;
	if (unlikely(skb_unclone(skb, GFP_ATOMIC)))
		return false;

	c = kmem_cache_alloc(ovnic_charge_cache, GFP_ATOMIC);
	if (unlikely(!c))
		return false;
	ovnic_charge_init(&c->ubuf);
	refcount_set(&c->ubuf.refcnt, 1);
	c->ubuf.flags = SKBFL_ZEROCOPY_ENABLE | SKBFL_DONT_ORPHAN;
	c->bytes = skb->truesize;
	c->pool = pool;
	refcount_inc(&pool->refs);
	atomic_inc(&ovnic_pool_records);
	ovnic_pool_add(pool, c->bytes);
	skb_zcopy_set(skb, &c->ubuf, &have_ref);
	return true;
}

/**
 * ovnic_pool_tx_done - after a transmit: stop at the high watermark
 * @vnic: the VNIC
 */
void ovnic_pool_tx_done(struct ovnic_dev *vnic)
{
	struct ovnic_pool *pool = rcu_dereference_bh(vnic->pool);

	if (!pool || likely(atomic_long_read(&pool->charged) <
			    (long)READ_ONCE(pool->high_bytes)))
		return;
	atomic_long_inc(&pool->hits);
	ovnic_pool_stop(pool, vnic);
}

/* ------------------------------------------------------------------ */
/* Receive and reassembly                                              */

/*
 * Room for @bytes more within the limit; an empty pool takes one skb of
 * any size (as transmit does), so a pool shrunk near the minimum still
 * passes a large GRO or reassembled frame.
 */
VISIBLE_IF_KUNIT bool ovnic_pool_rx_room(struct ovnic_pool *pool,
					 unsigned int bytes)
{
	long charged = atomic_long_read(&pool->charged);

	return !charged || charged + bytes <= (long)READ_ONCE(pool->effective);
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_pool_rx_room);

/**
 * ovnic_pool_rx_charge - charge a received frame or reassembly piece
 * @vnic: the VNIC
 * @bytes: its truesize
 *
 * Receive path (RCU read side).
 *
 * Return: the pool charged, with a reference for ovnic_pool_rx_uncharge();
 * NULL if the VNIC uses no pool; ERR_PTR(-ENOBUFS) if the pool has no room
 * (counted; the caller drops).
 */
struct ovnic_pool *ovnic_pool_rx_charge(struct ovnic_dev *vnic,
					unsigned int bytes)
{
	struct ovnic_pool *pool = rcu_dereference(vnic->pool);

	if (!pool)
		return NULL;
	if (!ovnic_pool_rx_room(pool, bytes)) {
		atomic_long_inc(&pool->hits);
		atomic_long_inc(&pool->rx_drops);
		return ERR_PTR(-ENOBUFS);
	}
	refcount_inc(&pool->refs);
	ovnic_pool_add(pool, bytes);
	return pool;
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_pool_rx_charge);

/**
 * ovnic_pool_rx_charge_more - add to a charge of ovnic_pool_rx_charge()
 * @pool: the pool it returned
 * @bytes: more bytes
 *
 * Return: false if the pool has no room (counted; the caller drops).
 */
bool ovnic_pool_rx_charge_more(struct ovnic_pool *pool, unsigned int bytes)
{
	if (!ovnic_pool_rx_room(pool, bytes)) {
		atomic_long_inc(&pool->hits);
		atomic_long_inc(&pool->rx_drops);
		return false;
	}
	ovnic_pool_add(pool, bytes);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_pool_rx_charge_more);

/**
 * ovnic_pool_rx_uncharge - give back a charge of ovnic_pool_rx_charge()
 * @pool: the pool returned, or NULL
 * @bytes: the same byte count
 */
void ovnic_pool_rx_uncharge(struct ovnic_pool *pool, unsigned int bytes)
{
	if (!pool)
		return;
	ovnic_pool_sub(pool, bytes);
	ovnic_pool_put(pool);
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_pool_rx_uncharge);

/* ------------------------------------------------------------------ */
/* Registry and configuration                                          */

static struct ovnic_pool *ovnic_pool_lookup(struct net *net, u32 id)
{
	struct ovnic_pool *pool;

	lockdep_assert_held(&ovnic_pool_mutex);
	pool = idr_find(&ovnic_pool_ids, id);
	return pool && net_eq(pool->net, net) ? pool : NULL;
}

/* Room under the cap for a pool going from @old to @new bytes. */
static int ovnic_pool_cap_check(u32 old, u32 new,
				struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&ovnic_pool_mutex);
	if (ovnic_pool_total_limit - old + new > READ_ONCE(pool_cap)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "pool limits would exceed the module's cap (pool_cap)");
		return -ENOSPC;
	}
	return 0;
}

/* Watermarks: the new values if given, else the current ones. */
static int ovnic_pool_check_wm(u8 high, u8 low, struct nlattr *hattr,
			       struct nlattr *lattr,
			       struct netlink_ext_ack *extack)
{
	if (hattr)
		high = nla_get_u8(hattr);
	if (lattr)
		low = nla_get_u8(lattr);
	if (!high || high > 100) {
		ovnic_err_attr(extack, hattr,
			       "high watermark must be 1-100 percent");
		return -EINVAL;
	}
	if (low >= high) {
		ovnic_err_attr(extack, lattr ?: hattr,
			       "low watermark must be below the high one");
		return -EINVAL;
	}
	return 0;
}

static int ovnic_pool_check_limit(struct nlattr *attr,
				  struct netlink_ext_ack *extack)
{
	if (attr && nla_get_u32(attr) < OVNIC_POOL_MIN_LIMIT) {
		ovnic_err_fmt(extack, "pool limit below the minimum",
			      "pool limit below the minimum (%u bytes)",
			      OVNIC_POOL_MIN_LIMIT);
		NL_SET_BAD_ATTR(extack, attr);
		return -EINVAL;
	}
	return 0;
}

/**
 * struct ovnic_pool_cfg - requested settings, attributes or NULL
 * @limit: limit attribute
 * @high: high watermark attribute
 * @low: low watermark attribute
 * @adaptive: adaptive attribute
 */
struct ovnic_pool_cfg {
	struct nlattr *limit;
	struct nlattr *high;
	struct nlattr *low;
	struct nlattr *adaptive;
};

static bool ovnic_pool_cfg_any(const struct ovnic_pool_cfg *cfg)
{
	return cfg->limit || cfg->high || cfg->low || cfg->adaptive;
}

static int ovnic_pool_cfg_check(const struct ovnic_pool *pool,
				const struct ovnic_pool_cfg *cfg,
				struct netlink_ext_ack *extack)
{
	u32 old = pool ? pool->limit : 0;
	int err;

	err = ovnic_pool_check_limit(cfg->limit, extack);
	if (err)
		return err;
	err = ovnic_pool_check_wm(pool ? pool->high : OVNIC_DEFAULT_POOL_HIGH,
				  pool ? pool->low : OVNIC_DEFAULT_POOL_LOW,
				  cfg->high, cfg->low, extack);
	if (err)
		return err;
	return ovnic_pool_cap_check(old, cfg->limit ?
				    nla_get_u32(cfg->limit) :
				    (pool ? old : OVNIC_DEFAULT_POOL_LIMIT),
				    extack);
}

static void ovnic_pool_adapt_arm(void)
{
	if (!delayed_work_pending(&ovnic_pool_adapt_work))
		schedule_delayed_work(&ovnic_pool_adapt_work,
				      msecs_to_jiffies(OVNIC_POOL_ADAPT_MS));
}

/* Apply checked settings (ovnic_pool_mutex held). */
static void ovnic_pool_cfg_apply(struct ovnic_pool *pool,
				 const struct ovnic_pool_cfg *cfg)
{
	u32 effective = pool->effective;

	lockdep_assert_held(&ovnic_pool_mutex);
	if (cfg->high)
		pool->high = nla_get_u8(cfg->high);
	if (cfg->low)
		pool->low = nla_get_u8(cfg->low);
	if (cfg->adaptive) {
		WRITE_ONCE(pool->adaptive, nla_get_u8(cfg->adaptive));
		if (!pool->adaptive)
			effective = pool->limit;
		else
			ovnic_pool_adapt_arm();
	}
	if (cfg->limit) {
		u32 limit = nla_get_u32(cfg->limit);

		ovnic_pool_total_limit += (u64)limit - pool->limit;
		pool->limit = limit;
		effective = pool->adaptive ? min(effective, limit) : limit;
	}
	ovnic_pool_set_effective(pool, effective);
}

/* A new pool with its registry reference, in ovnic_pool_ids. */
static struct ovnic_pool *ovnic_pool_new(struct net *net, u32 id,
					 const struct ovnic_pool_cfg *cfg,
					 struct netlink_ext_ack *extack)
{
	struct ovnic_pool *pool;
	int ret;

	lockdep_assert_held(&ovnic_pool_mutex);
	ret = ovnic_pool_cfg_check(NULL, cfg, extack);
	if (ret)
		return ERR_PTR(ret);
	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return ERR_PTR(-ENOMEM);
	/* Ids start at 1: 0 is OVNIC_POOL_OWN. */
	if (id) {
		ret = idr_alloc_u32(&ovnic_pool_ids, pool, &id, id, GFP_KERNEL);
	} else {
		id = 1;
		ret = idr_alloc_u32(&ovnic_pool_ids, pool, &id,
				    OVNIC_POOL_NONE - 1, GFP_KERNEL);
	}
	if (ret) {
		kfree(pool);
		if (ret == -ENOSPC && id) {
			NL_SET_ERR_MSG_MOD(extack, "pool id in use");
			return ERR_PTR(-EEXIST);
		}
		return ERR_PTR(ret);
	}
	refcount_set(&pool->refs, 1);
	INIT_LIST_HEAD(&pool->vnics);
	pool->id = id;
	pool->net = net;
	pool->high = OVNIC_DEFAULT_POOL_HIGH;
	pool->low = OVNIC_DEFAULT_POOL_LOW;
	pool->limit = OVNIC_DEFAULT_POOL_LIMIT;
	pool->effective = pool->limit;
	ovnic_pool_total_limit += pool->limit;
	ovnic_pool_cfg_apply(pool, cfg);
	return pool;
}

/* Out of the registry: charges in flight keep it until they are freed. */
static void ovnic_pool_release(struct ovnic_pool *pool)
{
	lockdep_assert_held(&ovnic_pool_mutex);
	idr_remove(&ovnic_pool_ids, pool->id);
	ovnic_pool_total_limit -= pool->limit;
	pool->dead = true;
	pool->owner = NULL;
	atomic_inc(&ovnic_pool_draining);
	ovnic_pool_put(pool);
}

/*
 * Make @vnic use @pool (NULL: none). RTNL and ovnic_pool_mutex held. The
 * pool's VNIC list is RCU: an entry leaves one list, a grace period passes,
 * then it joins another.
 */
static void ovnic_pool_bind(struct ovnic_dev *vnic, struct ovnic_pool *pool)
{
	struct ovnic_pool *old = rtnl_dereference(vnic->pool);

	ASSERT_RTNL();
	if (old == pool)
		return;
	if (pool)
		refcount_inc(&pool->refs);
	rcu_assign_pointer(vnic->pool, pool);
	if (old) {
		list_del_rcu(&vnic->pool_node);
		old->nvnics--;
		synchronize_net();
	}
	if (pool) {
		list_add_tail_rcu(&vnic->pool_node, &pool->vnics);
		pool->nvnics++;
	}
	ovnic_pool_kick(vnic);
	if (old) {
		if (old->owner == vnic)
			ovnic_pool_release(old);
		ovnic_pool_put(old);
	}
}

static void ovnic_pool_cfg_from_link(struct ovnic_pool_cfg *cfg,
				     struct nlattr *data[])
{
	cfg->limit = data[IFLA_OVNIC_POOL_LIMIT];
	cfg->high = data[IFLA_OVNIC_POOL_HIGH];
	cfg->low = data[IFLA_OVNIC_POOL_LOW];
	cfg->adaptive = data[IFLA_OVNIC_POOL_ADAPTIVE];
}

/* The pool @want (an IFLA_OVNIC_POOL value) would be, or an error. */
static int ovnic_pool_link_target(struct ovnic_dev *vnic, struct net *net,
				  u32 want, const struct ovnic_pool_cfg *cfg,
				  struct nlattr *attr,
				  struct ovnic_pool **target,
				  struct netlink_ext_ack *extack)
{
	struct ovnic_pool *cur = vnic ? rtnl_dereference(vnic->pool) : NULL;

	*target = NULL;
	if (want == OVNIC_POOL_OWN) {
		if (cur && cur->owner == vnic) {
			*target = cur;
			return ovnic_pool_cfg_check(cur, cfg, extack);
		}
		return ovnic_pool_cfg_check(NULL, cfg, extack);
	}
	if (ovnic_pool_cfg_any(cfg)) {
		ovnic_err_attr(extack, cfg->limit ?: cfg->high ?: cfg->low ?:
				       cfg->adaptive,
			       "pool settings apply to the VNIC's own pool only; change a shared pool with ovnic-pool");
		return -EINVAL;
	}
	if (want == OVNIC_POOL_NONE)
		return 0;
	*target = ovnic_pool_lookup(net, want);
	if (!*target || (*target)->owner) {
		ovnic_err_attr(extack, attr, "no such shared pool");
		*target = NULL;
		return -ENOENT;
	}
	return 0;
}

/* Which pool a link request asks for; false if it leaves the pool alone. */
static bool ovnic_pool_link_want(struct ovnic_dev *vnic, struct ovnic_pool *cur,
				 struct nlattr *data[],
				 const struct ovnic_pool_cfg *cfg, bool create,
				 u32 *want)
{
	if (data[IFLA_OVNIC_POOL])
		*want = nla_get_u32(data[IFLA_OVNIC_POOL]);
	else if (create || (cur && cur->owner == vnic))
		*want = OVNIC_POOL_OWN;
	else if (ovnic_pool_cfg_any(cfg))
		*want = cur ? cur->id : OVNIC_POOL_NONE;
	else
		return false;
	return true;
}

/**
 * ovnic_pool_link_check - check the pool attributes of a link request
 * @vnic: the VNIC
 * @net: namespace of the VNIC's PFs
 * @data: the request's attributes
 * @create: a new VNIC (no pool yet)
 * @extack: for errors
 *
 * Context: RTNL held.
 * Return: 0 or a negative error, with a message.
 */
int ovnic_pool_link_check(struct ovnic_dev *vnic, struct net *net,
			  struct nlattr *data[], bool create,
			  struct netlink_ext_ack *extack)
{
	struct ovnic_pool *cur = create ? NULL : rtnl_dereference(vnic->pool);
	struct ovnic_pool_cfg cfg;
	struct ovnic_pool *target;
	u32 want;
	int err;

	ovnic_pool_cfg_from_link(&cfg, data);
	if (!ovnic_pool_link_want(vnic, cur, data, &cfg, create, &want))
		return 0;
	mutex_lock(&ovnic_pool_mutex);
	err = ovnic_pool_link_target(create ? NULL : vnic, net, want, &cfg,
				     data[IFLA_OVNIC_POOL], &target, extack);
	mutex_unlock(&ovnic_pool_mutex);
	return err;
}

/**
 * ovnic_pool_link_apply - apply the pool attributes of a link request
 * @vnic: the VNIC
 * @net: namespace of the VNIC's PFs
 * @data: the request's attributes, checked by ovnic_pool_link_check()
 * @create: a new VNIC, not registered yet
 * @extack: for errors
 *
 * Context: RTNL held.
 * Return: 0 or a negative error (no memory, or the registry changed since
 * the check).
 */
int ovnic_pool_link_apply(struct ovnic_dev *vnic, struct net *net,
			  struct nlattr *data[], bool create,
			  struct netlink_ext_ack *extack)
{
	struct ovnic_pool *cur = rtnl_dereference(vnic->pool);
	struct ovnic_pool *target;
	struct ovnic_pool_cfg cfg;
	u32 want;
	int err;

	ovnic_pool_cfg_from_link(&cfg, data);
	if (!ovnic_pool_link_want(vnic, cur, data, &cfg, create, &want))
		return 0;

	mutex_lock(&ovnic_pool_mutex);
	err = ovnic_pool_link_target(vnic, net, want, &cfg,
				     data[IFLA_OVNIC_POOL], &target, extack);
	if (err)
		goto out;
	if (want == OVNIC_POOL_OWN && !target) {
		target = ovnic_pool_new(net, 0, &cfg, extack);
		if (IS_ERR(target)) {
			err = PTR_ERR(target);
			goto out;
		}
		target->owner = vnic;
		ovnic_pool_bind(vnic, target);
		/* The VNIC's binding holds it now; the registry owns one. */
		goto out;
	}
	if (target && want == OVNIC_POOL_OWN)
		ovnic_pool_cfg_apply(target, &cfg);
	ovnic_pool_bind(vnic, target);
out:
	mutex_unlock(&ovnic_pool_mutex);
	return err;
}
ALLOW_ERROR_INJECTION(ovnic_pool_link_apply, ERRNO);

/**
 * ovnic_pool_detach - a VNIC going away leaves its pool
 * @vnic: the VNIC, its datapath stopped
 *
 * Its own pool leaves the registry; packets in flight keep it until they
 * are freed. Idempotent.
 *
 * Context: RTNL held.
 */
void ovnic_pool_detach(struct ovnic_dev *vnic)
{
	if (!rtnl_dereference(vnic->pool))
		return;
	mutex_lock(&ovnic_pool_mutex);
	ovnic_pool_bind(vnic, NULL);
	mutex_unlock(&ovnic_pool_mutex);
}

VISIBLE_IF_KUNIT void ovnic_pool_fill_info(struct ovnic_pool *pool,
					   struct ovnic_pool_info *pi)
{
	pi->id = pool->id;
	pi->limit = READ_ONCE(pool->limit);
	pi->effective = READ_ONCE(pool->effective);
	pi->high = READ_ONCE(pool->high);
	pi->low = READ_ONCE(pool->low);
	pi->adaptive = READ_ONCE(pool->adaptive);
	pi->shared = !READ_ONCE(pool->owner);
	pi->owner = pi->shared ? 0 : READ_ONCE(pool->owner->dev->ifindex);
	pi->vnics = READ_ONCE(pool->nvnics);
	pi->max_skb = atomic_read(&pool->max_skb);
	pi->charged = max(atomic_long_read(&pool->charged), 0L);
	pi->peak = atomic_long_read(&pool->peak);
	pi->hits = atomic_long_read(&pool->hits);
	pi->stops = atomic_long_read(&pool->stops);
	pi->wakes = atomic_long_read(&pool->wakes);
	pi->rx_drops = atomic_long_read(&pool->rx_drops);
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_pool_fill_info);

/**
 * ovnic_pool_info - the settings and gauges of a VNIC's pool
 * @vnic: the VNIC
 * @pi: filled in
 *
 * Context: RTNL held.
 * Return: false if the VNIC uses no pool (@pi untouched).
 */
bool ovnic_pool_info(struct ovnic_dev *vnic, struct ovnic_pool_info *pi)
{
	struct ovnic_pool *pool = rtnl_dereference(vnic->pool);

	if (!pool)
		return false;
	ovnic_pool_fill_info(pool, pi);
	return true;
}

/* ------------------------------------------------------------------ */
/* Adaptive limit                                                      */

/*
 * A pool that met its limit (or is at it) and drained less than a
 * quarter of its effective limit in the last interval holds packets its
 * consumer is slow to take: halve what it may hold. One that drained at
 * least half, or did not meet its limit, grows back by doubling.
 */
VISIBLE_IF_KUNIT void ovnic_pool_adapt_one(struct ovnic_pool *pool)
{
	long drained = atomic_long_xchg(&pool->drained, 0);
	long hits = atomic_long_read(&pool->hits);
	u32 eff = pool->effective;
	bool hit;

	/* Met its limit, or still at it (queues stopped take no charges). */
	hit = hits != pool->adapt_hits || test_bit(0, &pool->waiters) ||
	      atomic_long_read(&pool->charged) >= (long)pool->high_bytes;

	pool->adapt_hits = hits;
	if (hit && drained < eff / 4)
		eff = max_t(u32, eff / 2, OVNIC_POOL_MIN_LIMIT);
	else if (!hit || drained >= eff / 2)
		eff = min_t(u64, (u64)eff * 2, pool->limit);
	if (eff != pool->effective)
		ovnic_pool_set_effective(pool, eff);
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_pool_adapt_one);

static void ovnic_pool_adapt(struct work_struct *work)
{
	struct ovnic_pool *pool;
	unsigned long id, tmp;
	bool any = false;

	mutex_lock(&ovnic_pool_mutex);
	idr_for_each_entry_ul(&ovnic_pool_ids, pool, tmp, id) {
		if (!pool->adaptive)
			continue;
		ovnic_pool_adapt_one(pool);
		any = true;
	}
	if (any && !READ_ONCE(ovnic_pool_exiting))
		ovnic_pool_adapt_arm();
	mutex_unlock(&ovnic_pool_mutex);
}

/* ------------------------------------------------------------------ */
/* Generic netlink                                                     */

static int ovnic_pool_fill(struct sk_buff *skb, struct ovnic_pool *pool,
			   u32 portid, u32 seq, int flags, u8 cmd)
{
	struct ovnic_pool_info pi;
	void *hdr;

	hdr = ovnic_genl_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	ovnic_pool_fill_info(pool, &pi);
	if (nla_put_u32(skb, OVNIC_A_POOL_ID, pi.id) ||
	    nla_put_u32(skb, OVNIC_A_POOL_LIMIT, pi.limit) ||
	    nla_put_u8(skb, OVNIC_A_POOL_HIGH, pi.high) ||
	    nla_put_u8(skb, OVNIC_A_POOL_LOW, pi.low) ||
	    nla_put_u8(skb, OVNIC_A_POOL_ADAPTIVE, pi.adaptive) ||
	    nla_put_u32(skb, OVNIC_A_POOL_EFFECTIVE, pi.effective) ||
	    nla_put_u64_64bit(skb, OVNIC_A_POOL_CHARGED, pi.charged,
			      OVNIC_A_POOL_PAD) ||
	    nla_put_u64_64bit(skb, OVNIC_A_POOL_PEAK, pi.peak,
			      OVNIC_A_POOL_PAD) ||
	    nla_put_u32(skb, OVNIC_A_POOL_MAX_SKB, pi.max_skb) ||
	    nla_put_u64_64bit(skb, OVNIC_A_POOL_HITS, pi.hits,
			      OVNIC_A_POOL_PAD) ||
	    nla_put_u64_64bit(skb, OVNIC_A_POOL_STOPS, pi.stops,
			      OVNIC_A_POOL_PAD) ||
	    nla_put_u64_64bit(skb, OVNIC_A_POOL_WAKES, pi.wakes,
			      OVNIC_A_POOL_PAD) ||
	    nla_put_u64_64bit(skb, OVNIC_A_POOL_RX_DROPS, pi.rx_drops,
			      OVNIC_A_POOL_PAD) ||
	    nla_put_u32(skb, OVNIC_A_POOL_VNICS, pi.vnics) ||
	    (pi.owner && nla_put_u32(skb, OVNIC_A_POOL_OWNER, pi.owner))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int ovnic_pool_reply(struct genl_info *info, struct ovnic_pool *pool)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = ovnic_pool_fill(msg, pool, info->snd_portid, info->snd_seq, 0,
			      OVNIC_CMD_POOL_GET);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static void ovnic_pool_cfg_from_genl(struct ovnic_pool_cfg *cfg,
				     struct nlattr **attrs)
{
	cfg->limit = attrs[OVNIC_A_POOL_LIMIT];
	cfg->high = attrs[OVNIC_A_POOL_HIGH];
	cfg->low = attrs[OVNIC_A_POOL_LOW];
	cfg->adaptive = attrs[OVNIC_A_POOL_ADAPTIVE];
}

/* The request's pool, or an error with a message. */
static struct ovnic_pool *ovnic_pool_from_req(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[OVNIC_A_POOL_ID];
	struct ovnic_pool *pool;

	if (!attr) {
		NL_SET_ERR_MSG_MOD(info->extack, "pool id is required");
		return ERR_PTR(-EINVAL);
	}
	pool = ovnic_pool_lookup(genl_info_net(info), nla_get_u32(attr));
	if (!pool) {
		ovnic_err_attr(info->extack, attr, "no such pool");
		return ERR_PTR(-ENOENT);
	}
	return pool;
}

int ovnic_pool_nl_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *id = info->attrs[OVNIC_A_POOL_ID];
	struct ovnic_pool_cfg cfg;
	struct ovnic_pool *pool;
	int err;

	ovnic_pool_cfg_from_genl(&cfg, info->attrs);
	if (id && (nla_get_u32(id) == OVNIC_POOL_OWN ||
		   nla_get_u32(id) == OVNIC_POOL_NONE)) {
		ovnic_err_attr(info->extack, id,
			       "pool id must be 1 to 4294967294 (or absent)");
		return -EINVAL;
	}
	if (!cfg.limit) {
		NL_SET_ERR_MSG_MOD(info->extack, "pool limit is required");
		return -EINVAL;
	}
	mutex_lock(&ovnic_pool_mutex);
	pool = ovnic_pool_new(genl_info_net(info), id ? nla_get_u32(id) : 0,
			      &cfg, info->extack);
	err = PTR_ERR_OR_ZERO(pool);
	if (!err) {
		err = ovnic_pool_reply(info, pool);
		/* Unseen by anyone yet (mutex held): no pool the caller lost. */
		if (err)
			ovnic_pool_release(pool);
	}
	mutex_unlock(&ovnic_pool_mutex);
	return err;
}

int ovnic_pool_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct ovnic_pool *pool;
	int err = 0;

	rtnl_lock();
	mutex_lock(&ovnic_pool_mutex);
	pool = ovnic_pool_from_req(info);
	if (IS_ERR(pool)) {
		err = PTR_ERR(pool);
	} else if (pool->owner) {
		ovnic_err_fmt(info->extack, "pool belongs to a VNIC",
			      "pool belongs to VNIC %s: it goes with it",
			      pool->owner->dev->name);
		err = -EBUSY;
	} else if (pool->nvnics) {
		ovnic_err_fmt(info->extack, "pool is in use by VNICs",
			      "pool is in use by %u VNIC(s)", pool->nvnics);
		err = -EBUSY;
	} else {
		ovnic_pool_release(pool);
	}
	mutex_unlock(&ovnic_pool_mutex);
	rtnl_unlock();
	return err;
}

static int ovnic_pool_summary(struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = ovnic_genl_put(msg, info->snd_portid, info->snd_seq, 0,
			     OVNIC_CMD_POOL_GET);
	if (!hdr)
		goto nospace;
	mutex_lock(&ovnic_pool_mutex);
	if (nla_put_u64_64bit(msg, OVNIC_A_POOL_CAP, READ_ONCE(pool_cap),
			      OVNIC_A_POOL_PAD) ||
	    nla_put_u64_64bit(msg, OVNIC_A_POOL_TOTAL_LIMIT,
			      ovnic_pool_total_limit, OVNIC_A_POOL_PAD) ||
	    nla_put_u64_64bit(msg, OVNIC_A_POOL_TOTAL_CHARGED,
			      max(atomic_long_read(&ovnic_pool_total_charged),
				  0L), OVNIC_A_POOL_PAD) ||
	    nla_put_u32(msg, OVNIC_A_POOL_DRAINING,
			atomic_read(&ovnic_pool_draining))) {
		mutex_unlock(&ovnic_pool_mutex);
		goto nospace;
	}
	mutex_unlock(&ovnic_pool_mutex);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int ovnic_pool_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ovnic_pool *pool;
	int err;

	if (!info->attrs[OVNIC_A_POOL_ID])
		return ovnic_pool_summary(info);
	mutex_lock(&ovnic_pool_mutex);
	pool = ovnic_pool_from_req(info);
	err = IS_ERR(pool) ? PTR_ERR(pool) : ovnic_pool_reply(info, pool);
	mutex_unlock(&ovnic_pool_mutex);
	return err;
}

int ovnic_pool_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	unsigned long id = cb->args[0];
	struct ovnic_pool *pool;

	mutex_lock(&ovnic_pool_mutex);
	for (; (pool = idr_get_next_ul(&ovnic_pool_ids, &id)); id++) {
		if (!net_eq(pool->net, net))
			continue;
		if (ovnic_pool_fill(skb, pool, NETLINK_CB(cb->skb).portid,
				    cb->nlh->nlmsg_seq, NLM_F_MULTI,
				    OVNIC_CMD_POOL_GET))
			break;
	}
	mutex_unlock(&ovnic_pool_mutex);
	cb->args[0] = id;
	return skb->len;
}

static int ovnic_pool_set_cap(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[OVNIC_A_POOL_CAP];
	int err = 0;
	u64 cap;

	if (!attr) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "pool id (or, for the module, a cap) is required");
		return -EINVAL;
	}
	if (!net_eq(genl_info_net(info), &init_net) ||
	    !netlink_capable(skb, CAP_NET_ADMIN)) {
		ovnic_err_attr(info->extack, attr,
			       "the module's cap is changed from the initial namespace only");
		return -EPERM;
	}
	cap = nla_get_u64(attr);
	mutex_lock(&ovnic_pool_mutex);
	if (cap < ovnic_pool_total_limit) {
		ovnic_err_attr(info->extack, attr,
			       "cap below the sum of the pools' limits");
		err = -EBUSY;
	} else {
		WRITE_ONCE(pool_cap, cap);
	}
	mutex_unlock(&ovnic_pool_mutex);
	return err;
}

int ovnic_pool_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct ovnic_pool_cfg cfg;
	struct ovnic_pool *pool;
	int err;

	if (!info->attrs[OVNIC_A_POOL_ID])
		return ovnic_pool_set_cap(skb, info);
	if (info->attrs[OVNIC_A_POOL_CAP]) {
		ovnic_err_attr(info->extack, info->attrs[OVNIC_A_POOL_CAP],
			       "the cap is the module's, not a pool's");
		return -EINVAL;
	}
	ovnic_pool_cfg_from_genl(&cfg, info->attrs);
	mutex_lock(&ovnic_pool_mutex);
	pool = ovnic_pool_from_req(info);
	err = PTR_ERR_OR_ZERO(pool);
	if (!err)
		err = ovnic_pool_cfg_check(pool, &cfg, info->extack);
	if (!err)
		ovnic_pool_cfg_apply(pool, &cfg);
	mutex_unlock(&ovnic_pool_mutex);
	return err;
}

int ovnic_pool_nl_bind(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ifattr = info->attrs[OVNIC_A_POOL_IFINDEX];
	struct nlattr *idattr = info->attrs[OVNIC_A_POOL_ID];
	struct nlattr *data[IFLA_OVNIC_MAX + 1] = {};
	struct net_device *dev;
	struct ovnic_dev *vnic;
	int err;

	if (!ifattr || !idattr) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "VNIC ifindex and pool id are required");
		return -EINVAL;
	}
	rtnl_lock();
	dev = __dev_get_by_index(genl_info_net(info), nla_get_u32(ifattr));
	if (!dev || !netif_is_ovnic(dev)) {
		ovnic_err_attr(info->extack, ifattr, "no such VNIC");
		err = -ENODEV;
		goto out;
	}
	vnic = netdev_priv(dev);
	err = ovnic_host_capable(vnic, idattr, info->extack);
	if (err)
		goto out;
	/* The same rules as IFLA_OVNIC_POOL: shared pools of the PFs' netns. */
	data[IFLA_OVNIC_POOL] = idattr;
	err = ovnic_pool_link_check(vnic, vnic->link_net, data, false,
				    info->extack);
	if (!err)
		err = ovnic_pool_link_apply(vnic, vnic->link_net, data, false,
					    info->extack);
out:
	rtnl_unlock();
	return err;
}

/* ------------------------------------------------------------------ */

/* A namespace going away takes its shared pools out of the registry. */
static void __net_exit ovnic_pool_net_exit(struct net *net)
{
	struct ovnic_pool *pool;
	unsigned long id, tmp;

	mutex_lock(&ovnic_pool_mutex);
	idr_for_each_entry_ul(&ovnic_pool_ids, pool, tmp, id)
		if (net_eq(pool->net, net) && !pool->owner)
			ovnic_pool_release(pool);
	mutex_unlock(&ovnic_pool_mutex);
}

static struct pernet_operations ovnic_pool_net_ops = {
	.exit = ovnic_pool_net_exit,
};

int ovnic_pool_init(void)
{
	int err;

	ovnic_charge_cache = KMEM_CACHE(ovnic_charge, 0);
	if (!ovnic_charge_cache)
		return -ENOMEM;
	err = register_pernet_subsys(&ovnic_pool_net_ops);
	if (err)
		kmem_cache_destroy(ovnic_charge_cache);
	return err;
}

/**
 * ovnic_pool_uninit - after the last VNIC: delete the shared pools and
 * wait for the packets in flight
 */
void ovnic_pool_uninit(void)
{
	struct ovnic_pool *pool;
	unsigned long id, tmp;

	unregister_pernet_subsys(&ovnic_pool_net_ops);
	WRITE_ONCE(ovnic_pool_exiting, true);
	cancel_delayed_work_sync(&ovnic_pool_adapt_work);
	mutex_lock(&ovnic_pool_mutex);
	idr_for_each_entry_ul(&ovnic_pool_ids, pool, tmp, id)
		ovnic_pool_release(pool);
	mutex_unlock(&ovnic_pool_mutex);
	idr_destroy(&ovnic_pool_ids);

	/* Transmit records call back into this module when freed. */
	while (!wait_event_timeout(ovnic_pool_wq,
				   !atomic_read(&ovnic_pool_records), 10 * HZ))
		pr_warn("waiting for %d transmitted packets to be freed\n",
			atomic_read(&ovnic_pool_records));
	/* Callbacks leave their RCU section before the module text goes. */
	synchronize_rcu();
	rcu_barrier();
	kmem_cache_destroy(ovnic_charge_cache);
}

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * Fixtures of the KUnit tests (ovnic_kunit.c): pools outside the registry
 * and a view of their internals, and pools in the registry made and
 * deleted the way the netlink requests do it.
 */

/**
 * ovnic_pool_kunit_new - a pool of no namespace, outside the registry
 * @limit: its limit (also the effective limit)
 * @high: high watermark, percent
 * @low: low watermark, percent
 * @adaptive: adaptive limit on (the adaptive work never sees the pool)
 *
 * Return: the pool with one reference (ovnic_pool_kunit_free()), or NULL.
 */
struct ovnic_pool *ovnic_pool_kunit_new(u32 limit, u8 high, u8 low,
					bool adaptive)
{
	struct ovnic_pool *pool = kzalloc(sizeof(*pool), GFP_KERNEL);

	if (!pool)
		return NULL;
	refcount_set(&pool->refs, 1);
	INIT_LIST_HEAD(&pool->vnics);
	pool->limit = limit;
	pool->high = high;
	pool->low = low;
	pool->adaptive = adaptive;
	ovnic_pool_set_effective(pool, limit);
	return pool;
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_pool_kunit_new);

/**
 * ovnic_pool_kunit_free - drop the reference of ovnic_pool_kunit_new()
 * @pool: the pool (freed when charges no longer hold it)
 */
void ovnic_pool_kunit_free(struct ovnic_pool *pool)
{
	ovnic_pool_put(pool);
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_pool_kunit_free);

/**
 * ovnic_pool_kunit_state - read what ovnic_pool_fill_info() does not tell
 * @pool: the pool
 * @st: filled in
 */
void ovnic_pool_kunit_state(struct ovnic_pool *pool,
			    struct ovnic_pool_kunit_state *st)
{
	st->effective = READ_ONCE(pool->effective);
	st->high_bytes = READ_ONCE(pool->high_bytes);
	st->low_bytes = READ_ONCE(pool->low_bytes);
	st->charged = atomic_long_read(&pool->charged);
	st->drained = atomic_long_read(&pool->drained);
	st->refs = refcount_read(&pool->refs);
	st->waiting = test_bit(0, &pool->waiters);
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_pool_kunit_state);

/**
 * ovnic_pool_kunit_set_waiting - mark a pool as having stopped queues
 * @pool: a pool of ovnic_pool_kunit_new() (no VNIC to wake)
 * @waiting: the mark
 */
void ovnic_pool_kunit_set_waiting(struct ovnic_pool *pool, bool waiting)
{
	if (waiting)
		set_bit(0, &pool->waiters);
	else
		clear_bit(0, &pool->waiters);
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_pool_kunit_set_waiting);

/**
 * ovnic_pool_kunit_create - a shared pool in the registry, as POOL_NEW
 * @net: its namespace
 * @limit: its limit
 * @extack: for the error message
 *
 * Return: the pool or an ERR_PTR() (ovnic_pool_new()).
 */
struct ovnic_pool *ovnic_pool_kunit_create(struct net *net, u32 limit,
					   struct netlink_ext_ack *extack)
{
	struct {
		struct nlattr nla;
		u32 val;
	} attr = {
		.nla = { .nla_len = nla_attr_size(sizeof(u32)),
			 .nla_type = OVNIC_A_POOL_LIMIT },
		.val = limit,
	};
	struct ovnic_pool_cfg cfg = { .limit = &attr.nla };
	struct ovnic_pool *pool;

	mutex_lock(&ovnic_pool_mutex);
	pool = ovnic_pool_new(net, 0, &cfg, extack);
	mutex_unlock(&ovnic_pool_mutex);
	return pool;
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_pool_kunit_create);

/**
 * ovnic_pool_kunit_release - delete a pool of ovnic_pool_kunit_create()
 * @pool: the pool
 */
void ovnic_pool_kunit_release(struct ovnic_pool *pool)
{
	mutex_lock(&ovnic_pool_mutex);
	ovnic_pool_release(pool);
	mutex_unlock(&ovnic_pool_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_pool_kunit_release);

/**
 * ovnic_pool_kunit_totals - the module's cap and the sum of the limits
 * @cap: pool_cap
 * @total_limit: sum of the limits of the pools in the registry
 */
void ovnic_pool_kunit_totals(u64 *cap, u64 *total_limit)
{
	mutex_lock(&ovnic_pool_mutex);
	*cap = READ_ONCE(pool_cap);
	*total_limit = ovnic_pool_total_limit;
	mutex_unlock(&ovnic_pool_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_pool_kunit_totals);
#endif /* CONFIG_KUNIT */
