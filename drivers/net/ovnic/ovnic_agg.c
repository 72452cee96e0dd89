// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: aggregation of a VNIC's lower devices, and failover.
 *
 * Each lower (a VF on one PF) has a state (enum ovnic_lower_state) driven
 * by events, never by polling: the netdevice notifier reports carrier and
 * admin changes of the VF and of its PF (the VF keeps its carrier when the
 * PF loses its link, so the PF is what tells), and the removal of either.
 * Up and down delays, and the optional path probes of an overlay VNIC, run
 * from one delayed work item per VNIC.
 *
 * From the states, ovnic_agg_select() derives what the datapath reads
 * without locks: @active (active-backup mode) and @up_mask (balance mode).
 * Both change under RTNL with a single store each, so a failover costs the
 * notifier call and two stores; nothing waits for a grace period, because
 * a lower that is merely down stays claimed and usable memory. A lower that
 * goes away is first taken out of @active and @up_mask, then released,
 * which waits for the datapath (ovnic_lower_release()).
 *
 * The notifier hears of a PF's carrier loss late: the kernel's linkwatch
 * batches carrier changes (up to a second apart), while the driver clears
 * the PF's carrier bit at once. So transmit also looks at that bit: a
 * frame for a lower whose PF (or VF) lost its carrier goes to another
 * usable lower at once, and the work is kicked to fail over properly under
 * RTNL without waiting for linkwatch.
 *
 * The identity moves with the traffic: a plain VNIC's MAC address is
 * programmed on every VF from the start, so the new active lower needs no
 * VF reset, and NETDEV_NOTIFY_PEERS makes the tenant's stack send
 * gratuitous ARP and unsolicited neighbour advertisements through it, from
 * which switches learn the new port. An overlay VNIC's VFs keep their own
 * MAC addresses; the new active lower announces the local endpoint
 * (ovnic_neigh_announce()), which moves the peers' neighbour entries.
 */

#include <linux/etherdevice.h>
#include <linux/jhash.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/flow_dissector.h>

#include "ovnic.h"
#include "ovnic_kunit.h"

static bool ovnic_probing(struct ovnic_dev *vnic)
{
	const struct ovnic_overlay *ovl = rtnl_dereference(vnic->ovl);

	return vnic->probe_interval_ms && ovl && ovl->has_remote;
}

/**
 * ovnic_port_speaks - whether a lower answers for the VNIC's endpoint
 * @port: a lower of an overlay VNIC
 *
 * The active lower in active-backup mode, every lower in balance mode.
 *
 * Context: any (reads one pointer and the mode).
 * Return: true if the lower announces and answers ARP/ND.
 */
bool ovnic_port_speaks(const struct ovnic_port *port)
{
	const struct ovnic_dev *vnic = port->vnic;

	return READ_ONCE(vnic->mode) == OVNIC_MODE_BALANCE ||
	       rcu_access_pointer(vnic->active) == port;
}

/**
 * ovnic_agg_probe_answered - a path probe of a lower was answered
 * @port: the lower the answer arrived on
 *
 * Context: softirq (receive path).
 */
void ovnic_agg_probe_answered(struct ovnic_port *port)
{
	if (!READ_ONCE(port->vnic->probe_interval_ms) ||
	    READ_ONCE(port->probe_answered))
		return;
	/* Counted once per round and lower, however many answers come. */
	WRITE_ONCE(port->probe_answered, true);
	ovnic_count_event(port->vnic, OVNIC_EV_PROBE_RX, 1);
}

/* Enter @state for @reason: counters, event, neighbour discovery. */
static void ovnic_port_set_state(struct ovnic_port *port, u8 state,
				 enum ovnic_reason reason)
{
	struct ovnic_dev *vnic = port->vnic;

	WRITE_ONCE(port->state, state);
	port->reason = reason;
	port->changes++;
	local_bh_disable();
	ovnic_count_event(vnic, OVNIC_EV_LOWER_CHANGES, 1);
	local_bh_enable();
	ovnic_genl_notify_lower(port);
}

/*
 * Move a lower along its state machine after @reason. Return: true if its
 * state changed.
 */
static bool ovnic_port_eval(struct ovnic_port *port, enum ovnic_reason reason)
{
	struct ovnic_dev *vnic = port->vnic;
	bool link = ovnic_port_link_ok(port);
	bool ok = link && (!ovnic_probing(vnic) ||
			   port->probe_misses < vnic->probe_misses);
	u8 down = link ? OVNIC_LOWER_PATH_DOWN : OVNIC_LOWER_DOWN;
	unsigned long now = jiffies;
	u8 state = port->state;

	switch (port->state) {
	case OVNIC_LOWER_GONE:
		return false;
	case OVNIC_LOWER_UP:
		if (ok)
			break;
		if (vnic->downdelay_ms) {
			state = OVNIC_LOWER_DOWN_PENDING;
			port->pending_until = now +
				msecs_to_jiffies(vnic->downdelay_ms);
		} else {
			state = down;
		}
		break;
	case OVNIC_LOWER_DOWN_PENDING:
		if (ok) {
			state = OVNIC_LOWER_UP;
		} else if (time_after_eq(now, port->pending_until)) {
			state = down;
			reason = OVNIC_REASON_DELAY;
		}
		break;
	case OVNIC_LOWER_UP_PENDING:
		if (!ok) {
			state = down;
		} else if (time_after_eq(now, port->pending_until)) {
			state = OVNIC_LOWER_UP;
			reason = OVNIC_REASON_DELAY;
		}
		break;
	default:	/* OVNIC_LOWER_DOWN, OVNIC_LOWER_PATH_DOWN */
		if (!ok) {
			state = down;
		} else if (vnic->updelay_ms) {
			state = OVNIC_LOWER_UP_PENDING;
			port->pending_until = now +
				msecs_to_jiffies(vnic->updelay_ms);
		} else {
			state = OVNIC_LOWER_UP;
		}
		break;
	}
	if (!link) {
		/* Probes count again from the next time the link is up. */
		port->probe_misses = 0;
		port->probe_sent = false;
	}
	if (state == port->state)
		return false;
	ovnic_port_set_state(port, state, reason);
	return true;
}

/* The lower active-backup mode should use now; NULL if none is usable. */
static struct ovnic_port *ovnic_agg_pick_active(struct ovnic_dev *vnic)
{
	struct ovnic_port *old = rtnl_dereference(vnic->active);
	struct ovnic_port *primary = NULL, *port;
	unsigned int i;

	if (vnic->primary < vnic->nports)
		primary = &vnic->ports[vnic->primary];
	if (primary && primary->state == OVNIC_LOWER_UP &&
	    (vnic->failback == OVNIC_FAILBACK_ALWAYS || !old ||
	     !ovnic_port_usable(old)))
		return primary;
	if (old && ovnic_port_usable(old))
		return old;
	if (primary && ovnic_port_usable(primary))
		return primary;
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++)
		if (ovnic_port_usable(port))
			return port;
	return NULL;
}

/* The identity follows the traffic to @port (see the top of the file). */
static void ovnic_agg_announce(struct ovnic_dev *vnic, struct ovnic_port *port)
{
	const struct ovnic_overlay *ovl = rtnl_dereference(vnic->ovl);

	if (!ovl) {
		if (netif_running(vnic->dev))
			__netdev_notify_peers(vnic->dev);
		return;
	}
	/* Announce, and solicit the default remote from this lower. */
	ovnic_neigh_start(port, ovl);
}

/*
 * Derive @active and @up_mask from the lowers' states and publish them.
 * @cause is the lower whose change led here (NULL for a configuration
 * change); @quiet: the initial choice, not a failover.
 */
static void ovnic_agg_select(struct ovnic_dev *vnic, enum ovnic_reason reason,
			     struct ovnic_port *cause, bool quiet)
{
	struct ovnic_port *old = rtnl_dereference(vnic->active);
	struct ovnic_port *new = NULL, *pending = NULL, *port;
	unsigned long old_mask = vnic->up_mask;
	unsigned long mask = 0;
	bool failback = false;
	unsigned int i;

	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		if (ovnic_port_usable(port))
			mask |= BIT(i);
		else if (port->state == OVNIC_LOWER_UP_PENDING && !pending)
			pending = port;
	}
	/* Nothing else is usable: a lower in its up delay is better. */
	if (!mask && pending) {
		ovnic_port_set_state(pending, OVNIC_LOWER_UP,
				     OVNIC_REASON_DELAY);
		mask = BIT(pending->index);
	}

	if (vnic->mode == OVNIC_MODE_ACTIVE_BACKUP)
		new = ovnic_agg_pick_active(vnic);
	WRITE_ONCE(vnic->up_mask, mask);

	if (new != old) {
		failback = old && new && new->index == vnic->primary &&
			   ovnic_port_usable(old) &&
			   reason != OVNIC_REASON_CONFIG;
		if (failback)
			reason = OVNIC_REASON_FAILBACK;
		rcu_assign_pointer(vnic->active, new);
	} else if (mask == old_mask) {
		goto carrier;
	} else if (vnic->mode == OVNIC_MODE_ACTIVE_BACKUP) {
		/* A backup changed state: not a failover. */
		goto carrier;
	}

	/* The first lower coming up after creation is not a failover. */
	if (!vnic->was_up)
		quiet = true;
	if (mask)
		vnic->was_up = true;
	if (!quiet) {
		vnic->failovers++;
		vnic->last_reason = reason;
		vnic->last_at = jiffies ?: 1;
		local_bh_disable();
		ovnic_count_event(vnic, OVNIC_EV_FAILOVERS, 1);
		if (failback)
			ovnic_count_event(vnic, OVNIC_EV_FAILBACKS, 1);
		local_bh_enable();
		ovnic_genl_notify_failover(vnic, old, new, cause, reason,
					   failback);
	}
	if (new && new != old)
		ovnic_agg_announce(vnic, new);

carrier:
	/*
	 * Overlay lowers that just came up take part in neighbour discovery:
	 * they announce the endpoint if they speak (balance mode), else they
	 * only solicit the default remote, silently, to be ready.
	 */
	if (ovnic_is_overlay(vnic))
		for (i = 0; (port = ovnic_port_at(vnic, i)); i++)
			if ((mask & ~old_mask & BIT(i)) &&
			    (port != new || new == old))
				ovnic_agg_announce(vnic, port);

	if (mask && !netif_carrier_ok(vnic->dev))
		netif_carrier_on(vnic->dev);
	else if (!mask && netif_carrier_ok(vnic->dev))
		netif_carrier_off(vnic->dev);
}

/**
 * ovnic_agg_reschedule - arm the work for the next delay or probe
 * @vnic: the VNIC
 *
 * Context: RTNL held.
 */
void ovnic_agg_reschedule(struct ovnic_dev *vnic)
{
	unsigned long next = 0, now = jiffies;
	struct ovnic_port *port;
	bool armed = false;
	unsigned int i;

	/* Transmit asked for the work now: do not postpone it. */
	if (test_bit(0, &vnic->kicked)) {
		mod_delayed_work(system_wq, &vnic->work, 0);
		return;
	}
	if (ovnic_probing(vnic)) {
		next = vnic->probe_next;
		armed = true;
	}
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		if (port->state != OVNIC_LOWER_UP_PENDING &&
		    port->state != OVNIC_LOWER_DOWN_PENDING)
			continue;
		if (!armed || time_before(port->pending_until, next))
			next = port->pending_until;
		armed = true;
	}
	if (!armed)
		return;
	mod_delayed_work(system_wq, &vnic->work,
			 time_after(next, now) ? next - now : 0);
}

/* One round of path probes: count the unanswered, send new ones. */
static void ovnic_agg_probe(struct ovnic_dev *vnic)
{
	const struct ovnic_overlay *ovl = rtnl_dereference(vnic->ovl);
	struct ovnic_port *port;
	unsigned int i;

	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		if (!ovnic_port_link_ok(port))
			continue;
		if (port->probe_sent) {
			if (READ_ONCE(port->probe_answered))
				port->probe_misses = 0;
			else if (port->probe_misses < U32_MAX)
				port->probe_misses++;
		}
		WRITE_ONCE(port->probe_answered, false);
		ovnic_neigh_probe(port, ovl);
		port->probe_sent = true;
	}
	vnic->probe_next = jiffies +
			   max(msecs_to_jiffies(vnic->probe_interval_ms), 1UL);
}

/* Why a lower would change state now (the work has no event to go by). */
static enum ovnic_reason ovnic_port_reason(const struct ovnic_port *port)
{
	struct net_device *lower = ovnic_port_lower(port);

	if (!lower)
		return OVNIC_REASON_VF_GONE;
	if (!netif_running(port->pf) || !netif_carrier_ok(port->pf))
		return OVNIC_REASON_PF_LINK;
	if (!netif_running(lower) || !netif_carrier_ok(lower))
		return OVNIC_REASON_VF_LINK;
	return OVNIC_REASON_PROBE;
}

static void ovnic_agg_work(struct work_struct *work)
{
	struct ovnic_dev *vnic = container_of(to_delayed_work(work),
					      struct ovnic_dev, work);
	struct ovnic_port *port;
	unsigned int i;

	/* RTNL holders may be waiting for this work: never block on it. */
	if (!rtnl_trylock()) {
		mod_delayed_work(system_wq, &vnic->work, 1);
		return;
	}
	if (vnic->dev->reg_state != NETREG_REGISTERED)
		goto out;

	clear_bit(0, &vnic->kicked);
	/*
	 * Transmit may kick again from here on; order the clear before the
	 * reads of carrier bits below, so a carrier loss transmit sees after
	 * the clear is either seen here or kicks the work again.
	 */
	smp_mb__after_atomic();
	if (ovnic_probing(vnic) && time_after_eq(jiffies, vnic->probe_next))
		ovnic_agg_probe(vnic);
	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		enum ovnic_reason reason = ovnic_port_reason(port);

		if (ovnic_port_eval(port, reason))
			ovnic_agg_select(vnic, reason, port, false);
	}
	ovnic_agg_reschedule(vnic);
out:
	rtnl_unlock();
}

/**
 * ovnic_agg_link_event - a lower's VF or PF changed link state
 * @port: the lower
 * @reason: OVNIC_REASON_PF_LINK or OVNIC_REASON_VF_LINK
 *
 * Context: RTNL held (netdevice notifier).
 */
void ovnic_agg_link_event(struct ovnic_port *port, enum ovnic_reason reason)
{
	struct ovnic_dev *vnic = port->vnic;

	if (ovnic_port_eval(port, reason))
		ovnic_agg_select(vnic, reason, port, false);
	ovnic_agg_reschedule(vnic);
}

/**
 * ovnic_agg_port_gone - a lower's VF or PF is going away
 * @port: the lower, not the VNIC's last one
 * @reason: OVNIC_REASON_VF_GONE or OVNIC_REASON_PF_GONE
 *
 * Fails over, then releases the VF and drops the references.
 *
 * Context: RTNL held (netdevice notifier, NETDEV_UNREGISTER).
 */
void ovnic_agg_port_gone(struct ovnic_port *port, enum ovnic_reason reason)
{
	struct net_device *lower = ovnic_port_lower(port);
	struct ovnic_dev *vnic = port->vnic;
	struct net_device *pf = port->pf;

	ovnic_port_set_state(port, OVNIC_LOWER_GONE, reason);
	ovnic_agg_select(vnic, reason, port, false);
	ovnic_lower_release(port);
	netdev_put(lower, &port->lower_tracker);
	netdev_put(pf, &port->pf_tracker);
	port->pf = NULL;
	ovnic_lowers_changed(vnic);
}

/**
 * ovnic_agg_reselect - apply a configuration change
 * @vnic: the VNIC
 * @reason: OVNIC_REASON_CONFIG
 * @probes_changed: probing or the probed remote changed: misses so far no
 *	longer count
 *
 * Context: RTNL held.
 */
void ovnic_agg_reselect(struct ovnic_dev *vnic, enum ovnic_reason reason,
			bool probes_changed)
{
	struct ovnic_port *port;
	unsigned int i;

	for (i = 0; (port = ovnic_port_at(vnic, i)); i++) {
		if (probes_changed)
			port->probe_misses = 0;
		/* A round starts now: the last one's probes are not misses. */
		port->probe_sent = false;
		WRITE_ONCE(port->probe_answered, false);
		ovnic_port_eval(port, reason);
	}
	/* Balance mode clears the active lower, active-backup picks one. */
	ovnic_agg_select(vnic, reason, NULL, false);
	if (ovnic_probing(vnic))
		vnic->probe_next = jiffies;
	ovnic_agg_reschedule(vnic);
}

/**
 * ovnic_agg_start - first states and choice, once every lower is claimed
 * @vnic: the VNIC
 *
 * Context: RTNL held.
 */
void ovnic_agg_start(struct ovnic_dev *vnic)
{
	const struct ovnic_overlay *ovl = rtnl_dereference(vnic->ovl);
	struct ovnic_port *port;
	unsigned int i;

	for (i = 0; (port = ovnic_port_at(vnic, i)); i++)
		port->state = ovnic_port_link_ok(port) ? OVNIC_LOWER_UP :
							 OVNIC_LOWER_DOWN;
	ovnic_agg_select(vnic, OVNIC_REASON_NONE, NULL, true);
	/* Lowers not up yet join their ND groups already. */
	if (ovl)
		for (i = 0; (port = ovnic_port_at(vnic, i)); i++)
			if (!ovnic_port_usable(port))
				ovnic_neigh_start(port, ovl);
	vnic->probe_next = jiffies;
	ovnic_agg_reschedule(vnic);
}

/**
 * ovnic_agg_init - set up a VNIC's aggregation state (ndo setup)
 * @vnic: the VNIC
 */
void ovnic_agg_init(struct ovnic_dev *vnic)
{
	INIT_DELAYED_WORK(&vnic->work, ovnic_agg_work);
	vnic->probe_misses = OVNIC_DEFAULT_PROBE_MISSES;
	vnic->hash = OVNIC_HASH_L34;
}

/**
 * ovnic_agg_stop - stop the work (ndo_uninit)
 * @vnic: the VNIC
 *
 * Context: RTNL held; the work only trylocks RTNL, so waiting is safe.
 */
void ovnic_agg_stop(struct ovnic_dev *vnic)
{
	cancel_delayed_work_sync(&vnic->work);
	RCU_INIT_POINTER(vnic->active, NULL);
	WRITE_ONCE(vnic->up_mask, 0);
}

/* The flow hash balance mode spreads by. */
VISIBLE_IF_KUNIT u32 ovnic_flow_hash(struct ovnic_dev *vnic,
				     struct sk_buff *skb)
{
	struct flow_keys keys;

	switch (READ_ONCE(vnic->hash)) {
	case OVNIC_HASH_L2: {
		const struct ethhdr *eth = (const struct ethhdr *)skb->data;
		u32 a, b;

		a = get_unaligned((const u32 *)eth->h_dest) ^
		    get_unaligned((const u32 *)eth->h_source);
		b = get_unaligned((const u16 *)(eth->h_dest + 4)) ^
		    get_unaligned((const u16 *)(eth->h_source + 4)) ^
		    ((__force u32)eth->h_proto << 16);
		return jhash_2words(a, b, 0);
	}
	case OVNIC_HASH_INNER:
		skb_flow_dissect_flow_keys(skb, &keys, 0);
		break;
	default:
		skb_flow_dissect_flow_keys(skb, &keys,
					   FLOW_DISSECTOR_F_STOP_AT_ENCAP);
		break;
	}
	return flow_hash_from_keys(&keys);
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_flow_hash);

/* The lower's VF, if it and its PF have their carrier; else NULL. */
static struct net_device *ovnic_port_tx_lower(struct ovnic_port *port)
{
	struct net_device *lower = rcu_dereference_bh(port->lower);
	struct net_device *pf;

	if (unlikely(!lower))
		return NULL;
	/* Cleared only a grace period after @lower (ovnic_agg_port_gone()). */
	pf = READ_ONCE(port->pf);
	if (unlikely(!pf || !netif_carrier_ok(pf) || !netif_carrier_ok(lower)))
		return NULL;
	return lower;
}

/* Have the work fail over without waiting for linkwatch (once). */
static void ovnic_agg_kick(struct ovnic_dev *vnic)
{
	if (!test_and_set_bit(0, &vnic->kicked))
		mod_delayed_work(system_wq, &vnic->work, 0);
}

/**
 * ovnic_agg_tx_port - the lower to transmit a frame on
 * @vnic: the VNIC
 * @skb: the frame, data at its Ethernet header
 * @lowerp: where to store the lower's VF
 *
 * Active-backup: the active lower. Balance: the flow's slot is hash %
 * lowers, so flows stay where they are while their lower is up; a flow
 * whose lower is down goes to one of the lowers that are up, by the same
 * hash. A chosen lower whose PF or VF has just lost its carrier (before
 * the notifier knows) is replaced by another usable one with a carrier,
 * unless it is within its down delay.
 *
 * Context: transmit path, rcu_read_lock_bh() held.
 * Return: the lower, or NULL if none is usable.
 */
struct ovnic_port *ovnic_agg_tx_port(struct ovnic_dev *vnic,
				     struct sk_buff *skb,
				     struct net_device **lowerp)
{
	struct ovnic_port *port, *alt;
	unsigned long mask;
	unsigned int slot, n;
	u32 hash;

	mask = READ_ONCE(vnic->up_mask);
	if (READ_ONCE(vnic->mode) == OVNIC_MODE_ACTIVE_BACKUP) {
		port = rcu_dereference_bh(vnic->active);
		if (unlikely(!port))
			return NULL;
	} else if (unlikely(!mask)) {
		return NULL;
	} else if (vnic->nports == 1) {
		port = &vnic->ports[0];
	} else {
		hash = ovnic_flow_hash(vnic, skb);
		slot = reciprocal_scale(hash, vnic->nports);
		if (unlikely(!(mask & BIT(slot)))) {
			/* The n-th lower that is up, n from more of the hash. */
			n = reciprocal_scale(jhash_1word(hash, 0),
					     hweight_long(mask));
			for_each_set_bit(slot, &mask, OVNIC_MAX_LOWERS)
				if (!n--)
					break;
		}
		port = &vnic->ports[slot];
	}

	*lowerp = ovnic_port_tx_lower(port);
	if (likely(*lowerp))
		return port;
	/* Within its down delay a lower is used as it is, like bonding. */
	if (READ_ONCE(port->state) != OVNIC_LOWER_UP) {
		*lowerp = rcu_dereference_bh(port->lower);
		return port;
	}

	/* Its carrier just went: another lower now, a failover soon. */
	ovnic_agg_kick(vnic);
	for_each_set_bit(slot, &mask, OVNIC_MAX_LOWERS) {
		alt = &vnic->ports[slot];
		if (alt == port)
			continue;
		*lowerp = ovnic_port_tx_lower(alt);
		if (*lowerp)
			return alt;
	}
	*lowerp = rcu_dereference_bh(port->lower);
	return port;
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_agg_tx_port);
