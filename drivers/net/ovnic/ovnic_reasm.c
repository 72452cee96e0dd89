// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: bounded reassembly of incomplete overlay frames.
 *
 * Every outer segment states its VNI, frame id, frame length and byte
 * offset, so the receiver can put a frame together from whatever pieces
 * GRO left it (single segments or runs of segments), in any order, without
 * having seen the first one. Frames whose pieces all arrived in one GRO
 * packet never come here.
 *
 * Table: one per overlay VNIC. A frame is identified by (sender address,
 * frame id, VNI) and held in a small hash table; all frames also sit on an
 * age list in the order they were created, which is both the order in
 * which they time out and the order in which they are evicted. One
 * spinlock protects the table: the receive path (softirq, several CPUs)
 * and the timer take it plainly, process context (limits, teardown) with
 * BHs disabled. Packets are freed after the lock is dropped.
 *
 * Pieces: the skbs themselves, sorted by offset on a singly linked list
 * through skb->next, with the offset in skb->cb. Pieces of a frame never
 * overlap, and held bytes are never replaced: a piece whose bytes are all
 * held already is a duplicate and dropped alone (a duplicated segment, also
 * once GRO merged it with its neighbours); a piece that overlaps held data
 * only at its start or end is trimmed to the gap it fills. A piece that
 * straddles a held piece (new bytes on both sides of it), or whose header
 * disagrees with the frame's first piece, drops the whole frame: ovnic
 * senders never retransmit or re-segment, so that is corruption or an
 * attack (the reasoning of RFC 5722). The usual in-order arrival appends
 * after the last piece in O(1); otherwise the list is walked, which the
 * memory limit bounds.
 *
 * Limits: the truesize of the held skbs (as it was when each was added)
 * against the memory limit, the number of frames against the frame limit,
 * the age of each frame against the timeout. A piece that does not fit
 * evicts the oldest frames first; a frame is timed out lazily by the
 * receive path and by a timer that is armed only while frames are held.
 * A piece that completes its frame is never refused for lack of room,
 * since it frees the frame's memory at once.
 *
 * Completion: the piece at offset 0 becomes the head and all other pieces
 * are chained on its frag_list in offset order. A frag_list member must not
 * have a frag_list of its own, so a piece that is itself a GRO packet with
 * a frag_list (GRO uses one beyond MAX_SKB_FRAGS) is flattened: its members
 * are moved out of it into the head's list, right after it. Pieces whose
 * shared info is modified are made private first (a tap on the VF leaves
 * clones behind).
 */

#include <linux/error-injection.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <net/checksum.h>
#include <net/tcp.h>
#include <net/ipv6.h>
#include <uapi/linux/ovnic.h>

#include "ovnic.h"
#include "ovnic_kunit.h"
#include "ovnic_proto.h"

#define OVNIC_REASM_HASH_BITS	8
#define OVNIC_REASM_HASH_SIZE	BIT(OVNIC_REASM_HASH_BITS)

/* Per-piece state while a piece is held. */
struct ovnic_reasm_cb {
	u32 offset;
};

#define OVNIC_REASM_CB(skb)	((struct ovnic_reasm_cb *)(skb)->cb)

/**
 * struct ovnic_reasm_frame - an incomplete frame
 * @node: entry in its hash bucket
 * @lru: entry in the table's age list (oldest first)
 * @created: jiffies when its first piece was held
 * @pieces: held pieces in offset order, linked through skb->next
 * @last: last of @pieces
 * @bytes: bytes of the frame held
 * @truesize: sum of the truesize of @pieces when each was added, as
 *	charged to the table
 * @ipv6: @src is an IPv6 address
 * @src: sender's outer address
 * @info: header of the first piece seen, offset 0
 * @pool: the VNIC's memory pool charged for @truesize (a reference), or
 *	NULL
 */
struct ovnic_reasm_frame {
	struct hlist_node node;
	struct list_head lru;
	unsigned long created;
	struct sk_buff *pieces;
	struct sk_buff *last;
	u32 bytes;
	u32 truesize;
	bool ipv6;
	union ovnic_ip src;
	struct ovnic_info info;
	struct ovnic_pool *pool;
};

/**
 * struct ovnic_reasm - reassembly table of a VNIC
 * @lock: protects all fields below and the frames
 * @vnic: owner, for the counters
 * @timer: times frames out; pending only while frames are held
 * @lru: frames, oldest first
 * @seed: hash seed
 * @mem_limit: bytes (truesize) the table may hold
 * @frames_limit: frames the table may hold
 * @timeout_ms: age at which a frame is dropped
 * @timeout: @timeout_ms in jiffies
 * @mem: bytes held
 * @mem_peak: highest @mem seen
 * @frames: frames held
 * @dead: being torn down: the timer must not be armed again
 * @hash: hash buckets of the frames
 */
struct ovnic_reasm {
	spinlock_t lock;	/* see above */
	struct ovnic_dev *vnic;
	struct timer_list timer;
	struct list_head lru;
	u32 seed;
	u32 mem_limit;
	u32 frames_limit;
	u32 timeout_ms;
	unsigned long timeout;
	u32 mem;
	u32 mem_peak;
	u32 frames;
	bool dead;
	struct hlist_head hash[OVNIC_REASM_HASH_SIZE];
};

/* Where a new piece goes among the pieces of its frame. */
enum ovnic_reasm_fit {
	OVNIC_REASM_FITS,
	OVNIC_REASM_DUP,
	OVNIC_REASM_OVERLAP,
};

static unsigned long ovnic_reasm_jiffies(u32 ms)
{
	return max_t(unsigned long, msecs_to_jiffies(ms), 1);
}

static u32 ovnic_reasm_hash(const struct ovnic_reasm *r, bool ipv6,
			    const union ovnic_ip *src, u32 frame_id, u32 vni)
{
	u32 a;

	if (ipv6)
		a = __ipv6_addr_jhash(&src->v6, r->seed);
	else
		a = (__force u32)src->v4;
	return jhash_3words(a, frame_id, vni | (u32)ipv6 << 24, r->seed) &
	       (OVNIC_REASM_HASH_SIZE - 1);
}

static struct ovnic_reasm_frame *
ovnic_reasm_find(struct hlist_head *bucket, bool ipv6,
		 const union ovnic_ip *src, const struct ovnic_info *info)
{
	struct ovnic_reasm_frame *f;

	hlist_for_each_entry(f, bucket, node) {
		if (f->info.frame_id != info->frame_id ||
		    f->info.vni != info->vni || f->ipv6 != ipv6)
			continue;
		if (ipv6 ? ipv6_addr_equal(&f->src.v6, &src->v6) :
			   f->src.v4 == src->v4)
			return f;
	}
	return NULL;
}

/* Every piece of a frame must carry the same description of the frame. */
static bool ovnic_reasm_same_hdr(const struct ovnic_info *a,
				 const struct ovnic_info *b)
{
	return a->frame_len == b->frame_len && a->flags == b->flags &&
	       a->queue_hint == b->queue_hint &&
	       a->inner_l4_off == b->inner_l4_off &&
	       a->inner_mss == b->inner_mss && a->csum_off == b->csum_off;
}

/*
 * Find where the piece [off, off + len) goes among @f's pieces, which are
 * sorted and do not overlap. Held bytes win: a piece whose bytes are all
 * held already (netem-style duplicates, also when GRO merged the copy with
 * its neighbours) is a duplicate; one that overlaps held data only at its
 * start or end is trimmed to the gap it fills (*@headp, *@tailp bytes);
 * one that straddles a held piece is an overlap. On OVNIC_REASM_FITS,
 * *@prevp is the piece to insert after (NULL: first).
 */
static enum ovnic_reasm_fit ovnic_reasm_place(const struct ovnic_reasm_frame *f,
					      u32 off, u32 len,
					      struct sk_buff **prevp,
					      u32 *headp, u32 *tailp)
{
	struct sk_buff *prev = NULL, *p;
	u32 end = off + len, start = off;

	*headp = 0;
	*tailp = 0;

	/* In order: after the last piece, which ends after all others. */
	p = f->last;
	if (p && OVNIC_REASM_CB(p)->offset + p->len <= off) {
		*prevp = p;
		return OVNIC_REASM_FITS;
	}

	/* @prev: last piece starting at or before @off; @p: the next one. */
	for (p = f->pieces; p && OVNIC_REASM_CB(p)->offset <= off; p = p->next)
		prev = p;
	if (prev) {
		u32 pend = OVNIC_REASM_CB(prev)->offset + prev->len;

		if (pend >= end)
			return OVNIC_REASM_DUP;
		start = max(start, pend);
	}

	/* Held pieces in a row from @start on are skipped too. */
	for (; p && OVNIC_REASM_CB(p)->offset == start; p = p->next) {
		start += p->len;
		if (start >= end)
			return OVNIC_REASM_DUP;
		prev = p;
	}
	if (p && OVNIC_REASM_CB(p)->offset < end) {
		if (OVNIC_REASM_CB(p)->offset + p->len < end)
			return OVNIC_REASM_OVERLAP;
		*tailp = end - OVNIC_REASM_CB(p)->offset;
	}
	*headp = start - off;
	*prevp = prev;
	return OVNIC_REASM_FITS;
}

static void ovnic_reasm_link(struct ovnic_reasm_frame *f, struct sk_buff *prev,
			     struct sk_buff *skb)
{
	if (prev) {
		skb->next = prev->next;
		prev->next = skb;
	} else {
		skb->next = f->pieces;
		f->pieces = skb;
	}
	if (!skb->next)
		f->last = skb;
	f->bytes += skb->len;
}

/* Take @f out of the table and give back the memory charged for it. */
static void ovnic_reasm_unlink(struct ovnic_reasm *r,
			       struct ovnic_reasm_frame *f)
{
	hlist_del(&f->node);
	list_del(&f->lru);
	WARN_ON_ONCE(r->mem < f->truesize || !r->frames);
	r->mem -= f->truesize;
	r->frames--;
	ovnic_pool_rx_uncharge(f->pool, f->truesize);
	f->pool = NULL;
}

/* Drop @f: out of the table now, onto @dead to be freed after unlocking. */
static void ovnic_reasm_kill(struct ovnic_reasm *r, struct ovnic_reasm_frame *f,
			     struct list_head *dead)
{
	ovnic_reasm_unlink(r, f);
	list_add_tail(&f->lru, dead);
}

static void ovnic_reasm_free(struct list_head *dead)
{
	struct ovnic_reasm_frame *f, *tmp;

	list_for_each_entry_safe(f, tmp, dead, lru) {
		kfree_skb_list(f->pieces);
		kfree(f);
	}
}

static void ovnic_reasm_count(struct ovnic_dev *vnic, enum ovnic_drop reason,
			      unsigned int n)
{
	while (n--)
		ovnic_count_drop(vnic, reason);
}

static struct ovnic_reasm_frame *ovnic_reasm_oldest(struct ovnic_reasm *r)
{
	return list_first_entry_or_null(&r->lru, struct ovnic_reasm_frame,
					lru);
}

/* Drop the frames that are too old; returns how many. */
static unsigned int ovnic_reasm_expire(struct ovnic_reasm *r,
				       struct list_head *dead)
{
	struct ovnic_reasm_frame *f;
	unsigned int n = 0;

	while ((f = ovnic_reasm_oldest(r)) &&
	       time_after_eq(jiffies, f->created + r->timeout)) {
		ovnic_reasm_kill(r, f, dead);
		n++;
	}
	return n;
}

/* Arm the timer for the oldest frame's expiry, if any frame is held. */
static void ovnic_reasm_arm(struct ovnic_reasm *r)
{
	struct ovnic_reasm_frame *f = ovnic_reasm_oldest(r);

	if (f && !r->dead)
		mod_timer(&r->timer, f->created + r->timeout);
}

static void ovnic_reasm_timer(struct timer_list *t)
{
	struct ovnic_reasm *r = from_timer(r, t, timer);
	unsigned int expired;
	LIST_HEAD(dead);

	spin_lock(&r->lock);
	expired = ovnic_reasm_expire(r, &dead);
	ovnic_reasm_arm(r);
	spin_unlock(&r->lock);

	ovnic_reasm_count(r->vnic, OVNIC_DROP_RX_REASM_TIMEOUT, expired);
	ovnic_reasm_free(&dead);
}

/*
 * Make @skb's shared info and frag_list private so that the frame can be
 * rebuilt around it. Unsharing a clone takes a reference on each frag_list
 * member for the new copy of the shared info; such a member is still on
 * the clone's list too, so it is replaced by a clone of its own before its
 * ->next is changed.
 */
static int ovnic_reasm_own(struct sk_buff *skb)
{
	struct sk_buff **pp, *m, *c;

	if (skb_unclone(skb, GFP_ATOMIC))
		return -ENOMEM;

	for (pp = &skb_shinfo(skb)->frag_list; *pp; pp = &(*pp)->next) {
		m = *pp;
		if (!skb_shared(m))
			continue;
		c = skb_clone(m, GFP_ATOMIC);
		if (!c)
			return -ENOMEM;
		c->next = m->next;
		*pp = c;
		consume_skb(m);
	}
	return 0;
}

/*
 * Detach @p's own frag_list and return it, leaving @p with its linear part
 * and page fragments only; the caller links the members right after @p.
 */
static struct sk_buff *ovnic_reasm_flatten(struct sk_buff *p)
{
	struct sk_buff *list = skb_shinfo(p)->frag_list;
	unsigned int len = 0, truesize = 0;
	struct sk_buff *m;

	for (m = list; m; m = m->next) {
		len += m->len;
		truesize += m->truesize;
	}
	skb_shinfo(p)->frag_list = NULL;
	p->len -= len;
	p->data_len -= len;
	if (p->truesize > truesize)
		p->truesize -= truesize;
	return list;
}

/*
 * Hand out a complete frame whose head is private: the outer packet's GRO
 * state says nothing about the inner frame, and the control buffer is
 * cleared of ours.
 */
static void ovnic_reasm_finish(struct sk_buff *head)
{
	skb_shinfo(head)->gso_size = 0;
	skb_shinfo(head)->gso_segs = 0;
	skb_shinfo(head)->gso_type = 0;
	memset(head->cb, 0, sizeof(head->cb));
}

/*
 * Build the complete frame of @f (already out of the table) and free @f.
 * Returns the frame, or NULL when memory ran out (all pieces dropped).
 */
static struct sk_buff *ovnic_reasm_build(struct ovnic_dev *vnic,
					 struct ovnic_reasm_frame *f,
					 struct ovnic_info *info)
{
	struct sk_buff *head = f->pieces, *p, *next, *list, **tail;

	*info = f->info;
	kfree(f);

	next = head->next;
	skb_mark_not_on_list(head);
	if (ovnic_reasm_own(head))
		goto nomem;

	tail = &skb_shinfo(head)->frag_list;
	while (*tail)
		tail = &(*tail)->next;

	for (p = next; p; p = next) {
		u32 off = OVNIC_REASM_CB(p)->offset;

		next = p->next;
		skb_mark_not_on_list(p);
		list = NULL;
		if (skb_has_frag_list(p)) {
			if (ovnic_reasm_own(p)) {
				kfree_skb(p);
				goto nomem;
			}
			/* The head counts @p's members through @p's fields. */
			head->len += p->len;
			head->data_len += p->len;
			head->truesize += p->truesize;
			list = ovnic_reasm_flatten(p);
		} else {
			head->len += p->len;
			head->data_len += p->len;
			head->truesize += p->truesize;
		}

		if (head->ip_summed != p->ip_summed)
			head->ip_summed = CHECKSUM_NONE;
		else if (head->ip_summed == CHECKSUM_COMPLETE)
			head->csum = csum_block_add(head->csum, p->csum, off);

		*tail = p;
		p->next = list;
		tail = &p->next;
		while (*tail)
			tail = &(*tail)->next;
	}

	if (WARN_ON_ONCE(head->len != info->frame_len))
		goto nomem;

	ovnic_reasm_finish(head);
	ovnic_count_event(vnic, OVNIC_EV_RX_REASM_DONE, 1);
	return head;

nomem:
	kfree_skb(head);
	kfree_skb_list(next);
	ovnic_count_drop(vnic, OVNIC_DROP_RX_NOMEM);
	return NULL;
}

/**
 * ovnic_reasm_add - hold a piece of a frame, complete the frame if possible
 * @vnic: the VNIC (overlay)
 * @skb: the piece, owned by the callee: data at this piece of the inner
 *	frame, len the bytes of the piece, not shared
 * @ipv6: @src is an IPv6 address
 * @src: the sender's outer address
 * @info: the piece's validated header; on completion it describes the whole
 *	frame (offset 0)
 *
 * Softirq, under RCU. The piece is held, or dropped and counted, or it
 * completes its frame.
 *
 * Return: the complete frame or NULL. The frame's data is at the inner
 * Ethernet header and its len is the frame length; its head is not cloned
 * and carries no GSO state; the pieces after the first are on its
 * frag_list, one level deep; ip_summed is the pieces' common value
 * (CHECKSUM_COMPLETE with their checksums combined), else CHECKSUM_NONE.
 */
struct sk_buff *ovnic_reasm_add(struct ovnic_dev *vnic, struct sk_buff *skb,
				bool ipv6, const union ovnic_ip *src,
				struct ovnic_info *info)
{
	enum ovnic_drop reason = OVNIC_DROP_MAX;
	bool complete = false, whole = false;
	struct ovnic_reasm *r = vnic->reasm;
	unsigned int expired, evicted = 0;
	struct ovnic_reasm_frame *f, *old;
	struct sk_buff *prev = NULL;
	unsigned int truesize, len;
	struct hlist_head *bucket;
	u32 head = 0, tail = 0;
	LIST_HEAD(dead);

	BUILD_BUG_ON(sizeof(struct ovnic_reasm_cb) > sizeof(skb->cb));

	len = skb->len;
	if (unlikely(!len || info->offset > info->frame_len ||
		     len > info->frame_len - info->offset)) {
		ovnic_count_drop(vnic, OVNIC_DROP_RX_BAD_LENGTH);
		kfree_skb(skb);
		return NULL;
	}
	if (WARN_ON_ONCE(!r)) {
		ovnic_count_drop(vnic, OVNIC_DROP_RX_NOMEM);
		kfree_skb(skb);
		return NULL;
	}

	truesize = skb->truesize;
	OVNIC_REASM_CB(skb)->offset = info->offset;
	skb_mark_not_on_list(skb);

	spin_lock(&r->lock);
	expired = ovnic_reasm_expire(r, &dead);

	bucket = &r->hash[ovnic_reasm_hash(r, ipv6, src, info->frame_id,
					   info->vni)];
	f = ovnic_reasm_find(bucket, ipv6, src, info);
	if (f) {
		enum ovnic_reasm_fit fit = OVNIC_REASM_OVERLAP;

		if (ovnic_reasm_same_hdr(&f->info, info))
			fit = ovnic_reasm_place(f, info->offset, len, &prev,
						&head, &tail);
		if (fit == OVNIC_REASM_FITS && (head || tail)) {
			/* Keep only the new bytes; the held ones stay. */
			if ((head && !pskb_pull(skb, head)) ||
			    (tail && pskb_trim_rcsum(skb, len - head - tail))) {
				reason = OVNIC_DROP_RX_NOMEM;
				goto unlock;
			}
			if (skb->ip_summed == CHECKSUM_COMPLETE)
				skb->ip_summed = CHECKSUM_NONE;
			OVNIC_REASM_CB(skb)->offset += head;
			len = skb->len;
		}
		if (fit == OVNIC_REASM_DUP) {
			reason = OVNIC_DROP_RX_REASM_DUP;
			goto unlock;
		}
		if (fit == OVNIC_REASM_OVERLAP) {
			ovnic_reasm_kill(r, f, &dead);
			reason = OVNIC_DROP_RX_REASM_OVERLAP;
			goto unlock;
		}
		if (f->bytes + len == f->info.frame_len) {
			/* Completes the frame: never refused for room. */
			ovnic_reasm_link(f, prev, skb);
			ovnic_reasm_unlink(r, f);
			complete = true;
			goto unlock;
		}
	} else if (!info->offset && len == info->frame_len) {
		/* A whole frame in one piece: nothing to hold. */
		whole = true;
		goto unlock;
	}

	/* Make room, oldest frames first. */
	if (truesize > r->mem_limit) {
		if (f)
			ovnic_reasm_kill(r, f, &dead);
		reason = OVNIC_DROP_RX_REASM_EVICT;
		goto unlock;
	}
	while (!f && r->frames >= r->frames_limit &&
	       (old = ovnic_reasm_oldest(r))) {
		ovnic_reasm_kill(r, old, &dead);
		evicted++;
	}
	while ((u64)r->mem + truesize > r->mem_limit &&
	       (old = ovnic_reasm_oldest(r))) {
		ovnic_reasm_kill(r, old, &dead);
		if (old == f) {
			reason = OVNIC_DROP_RX_REASM_EVICT;
			goto unlock;
		}
		evicted++;
	}

	if (!f) {
		f = kmalloc(sizeof(*f), GFP_ATOMIC);
		if (!f) {
			reason = OVNIC_DROP_RX_NOMEM;
			goto unlock;
		}
		f->created = jiffies;
		f->pieces = NULL;
		f->last = NULL;
		f->bytes = 0;
		f->truesize = 0;
		f->ipv6 = ipv6;
		f->src = *src;
		f->info = *info;
		f->info.offset = 0;
		f->pool = NULL;
		hlist_add_head(&f->node, bucket);
		list_add_tail(&f->lru, &r->lru);
		r->frames++;
	}

	/* The pool is charged for what the table holds, frame by frame. */
	if (!f->pieces) {
		struct ovnic_pool *pool = ovnic_pool_rx_charge(vnic, truesize);

		if (IS_ERR(pool)) {
			ovnic_reasm_kill(r, f, &dead);
			reason = OVNIC_DROP_RX_POOL;
			goto unlock;
		}
		f->pool = pool;
	} else if (f->pool && !ovnic_pool_rx_charge_more(f->pool, truesize)) {
		/* It could never complete: give back what it holds. */
		ovnic_reasm_kill(r, f, &dead);
		reason = OVNIC_DROP_RX_POOL;
		goto unlock;
	}

	ovnic_reasm_link(f, prev, skb);
	f->truesize += truesize;
	r->mem += truesize;
	r->mem_peak = max(r->mem_peak, r->mem);
	if (!timer_pending(&r->timer))
		ovnic_reasm_arm(r);

unlock:
	spin_unlock(&r->lock);

	ovnic_reasm_count(vnic, OVNIC_DROP_RX_REASM_TIMEOUT, expired);
	ovnic_reasm_count(vnic, OVNIC_DROP_RX_REASM_EVICT, evicted);
	ovnic_reasm_free(&dead);
	if (complete)
		return ovnic_reasm_build(vnic, f, info);
	if (whole) {
		if (unlikely(skb_unclone(skb, GFP_ATOMIC))) {
			ovnic_count_drop(vnic, OVNIC_DROP_RX_NOMEM);
			kfree_skb(skb);
			return NULL;
		}
		ovnic_reasm_finish(skb);
		return skb;
	}
	if (reason != OVNIC_DROP_MAX) {
		/* Never linked: a frame dropped with it did not hold it. */
		ovnic_count_drop(vnic, reason);
		kfree_skb(skb);
		return NULL;
	}
	ovnic_count_event(vnic, OVNIC_EV_RX_REASM_QUEUED, 1);
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_reasm_add);

/**
 * ovnic_reasm_init - give an overlay VNIC its reassembly table
 * @vnic: the VNIC
 *
 * Process context, RTNL held. The limits start at their defaults.
 *
 * Return: 0 or -ENOMEM.
 */
int ovnic_reasm_init(struct ovnic_dev *vnic)
{
	struct ovnic_reasm *r;
	unsigned int i;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;

	spin_lock_init(&r->lock);
	r->vnic = vnic;
	timer_setup(&r->timer, ovnic_reasm_timer, 0);
	INIT_LIST_HEAD(&r->lru);
	for (i = 0; i < OVNIC_REASM_HASH_SIZE; i++)
		INIT_HLIST_HEAD(&r->hash[i]);
	r->seed = get_random_u32();
	r->mem_limit = OVNIC_DEFAULT_REASM_MEM;
	r->frames_limit = OVNIC_DEFAULT_REASM_FRAMES;
	r->timeout_ms = OVNIC_DEFAULT_REASM_TIMEOUT;
	r->timeout = ovnic_reasm_jiffies(r->timeout_ms);

	vnic->reasm = r;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_reasm_init);
ALLOW_ERROR_INJECTION(ovnic_reasm_init, ERRNO);

/**
 * ovnic_reasm_uninit - free a VNIC's reassembly table and what it holds
 * @vnic: the VNIC; nothing to do if it has no table
 *
 * Process context, after an RCU grace period that ended the receive path
 * for the VNIC, and before its counters are freed. Held pieces are freed
 * without being counted as drops.
 */
void ovnic_reasm_uninit(struct ovnic_dev *vnic)
{
	struct ovnic_reasm *r = vnic->reasm;
	struct ovnic_reasm_frame *f;
	LIST_HEAD(dead);

	if (!r)
		return;

	spin_lock_bh(&r->lock);
	r->dead = true;
	spin_unlock_bh(&r->lock);
	/* The callback sees @dead under the lock and does not re-arm. */
	del_timer_sync(&r->timer);

	spin_lock_bh(&r->lock);
	while ((f = ovnic_reasm_oldest(r)))
		ovnic_reasm_kill(r, f, &dead);
	WARN_ON_ONCE(r->mem || r->frames);
	spin_unlock_bh(&r->lock);

	ovnic_reasm_free(&dead);
	vnic->reasm = NULL;
	kfree(r);
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_reasm_uninit);

/**
 * ovnic_reasm_set_limits - change the limits of a VNIC's reassembly table
 * @vnic: the VNIC
 * @mem: bytes (truesize) the table may hold, 0 to keep the current limit
 * @frames: frames the table may hold, 0 to keep the current limit
 * @timeout_ms: age at which a frame is dropped, 0 to keep the current one
 *
 * Process context, RTNL held, while the receive path runs. Frames beyond
 * lowered limits are evicted at once, oldest first; a changed timeout
 * applies to the frames already held.
 */
void ovnic_reasm_set_limits(struct ovnic_dev *vnic, u32 mem, u32 frames,
			    u32 timeout_ms)
{
	struct ovnic_reasm *r = vnic->reasm;
	struct ovnic_reasm_frame *f;
	LIST_HEAD(dead);

	if (!r)
		return;

	spin_lock_bh(&r->lock);
	if (mem)
		r->mem_limit = mem;
	if (frames)
		r->frames_limit = frames;
	if (timeout_ms) {
		r->timeout_ms = timeout_ms;
		r->timeout = ovnic_reasm_jiffies(timeout_ms);
	}
	while ((r->frames > r->frames_limit || r->mem > r->mem_limit) &&
	       (f = ovnic_reasm_oldest(r))) {
		ovnic_reasm_kill(r, f, &dead);
		/* BHs are off: the per-CPU counters are safe to update. */
		ovnic_count_drop(vnic, OVNIC_DROP_RX_REASM_EVICT);
	}
	if (timeout_ms)
		ovnic_reasm_arm(r);
	spin_unlock_bh(&r->lock);

	ovnic_reasm_free(&dead);
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_reasm_set_limits);

/**
 * ovnic_reasm_get - read the limits and usage of a VNIC's reassembly table
 * @vnic: the VNIC
 * @st: filled in; all zero if the VNIC has no table
 *
 * Process context.
 */
void ovnic_reasm_get(struct ovnic_dev *vnic, struct ovnic_reasm_state *st)
{
	struct ovnic_reasm *r = vnic->reasm;

	memset(st, 0, sizeof(*st));
	if (!r)
		return;

	spin_lock_bh(&r->lock);
	st->mem_limit = r->mem_limit;
	st->frames_limit = r->frames_limit;
	st->timeout_ms = r->timeout_ms;
	st->mem = r->mem;
	st->mem_peak = r->mem_peak;
	st->frames = r->frames;
	spin_unlock_bh(&r->lock);
}
EXPORT_SYMBOL_IF_KUNIT(ovnic_reasm_get);
