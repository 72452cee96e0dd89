/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ovnic: internals visible to the KUnit tests (ovnic_kunit.c).
 *
 * The functions below are static in their files unless the kernel built
 * against has CONFIG_KUNIT (VISIBLE_IF_KUNIT), and are then exported to
 * the test module only, in the EXPORTED_FOR_KUNIT_TESTING namespace
 * (EXPORT_SYMBOL_IF_KUNIT). Without CONFIG_KUNIT this header declares
 * nothing and ovnic.ko is what it would be without it.
 */
#ifndef _OVNIC_KUNIT_H
#define _OVNIC_KUNIT_H

#include <kunit/visibility.h>

#include "ovnic.h"
#include "ovnic_proto.h"

#if IS_ENABLED(CONFIG_KUNIT)

/* ovnic_decap.c: drop reason of each refused header, nested overlay */
extern const enum ovnic_drop ovnic_hdr_drop[OVNIC_HDR_BAD_OFFLOAD + 1];
bool ovnic_decap_nested(const struct sk_buff *skb);

/* ovnic_encap.c: inner offload state into the header fields */
int ovnic_encap_offload_state(struct sk_buff *skb, struct ovnic_info *info);

/* ovnic_agg.c: the flow hash of balance mode */
u32 ovnic_flow_hash(struct ovnic_dev *vnic, struct sk_buff *skb);

/* ovnic_pool.c: watermarks, admission, adaptive step, reporting */
void ovnic_pool_set_effective(struct ovnic_pool *pool, u32 effective);
bool ovnic_pool_rx_room(struct ovnic_pool *pool, unsigned int bytes);
void ovnic_pool_fill_info(struct ovnic_pool *pool, struct ovnic_pool_info *pi);
void ovnic_pool_adapt_one(struct ovnic_pool *pool);

/**
 * struct ovnic_pool_kunit_state - internals of a pool, for the tests
 * @effective: limit in force
 * @high_bytes: high watermark in bytes
 * @low_bytes: low watermark in bytes
 * @charged: bytes charged
 * @drained: bytes uncharged since the adaptive step last looked
 * @refs: references
 * @waiting: queues are stopped on the pool
 */
struct ovnic_pool_kunit_state {
	u32 effective;
	u32 high_bytes;
	u32 low_bytes;
	long charged;
	long drained;
	unsigned int refs;
	bool waiting;
};

struct ovnic_pool *ovnic_pool_kunit_new(u32 limit, u8 high, u8 low,
					bool adaptive);
void ovnic_pool_kunit_free(struct ovnic_pool *pool);
void ovnic_pool_kunit_state(struct ovnic_pool *pool,
			    struct ovnic_pool_kunit_state *st);
void ovnic_pool_kunit_set_waiting(struct ovnic_pool *pool, bool waiting);
struct ovnic_pool *ovnic_pool_kunit_create(struct net *net, u32 limit,
					   struct netlink_ext_ack *extack);
void ovnic_pool_kunit_release(struct ovnic_pool *pool);
void ovnic_pool_kunit_totals(u64 *cap, u64 *total_limit);

#endif /* CONFIG_KUNIT */

#endif /* _OVNIC_KUNIT_H */
