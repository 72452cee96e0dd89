// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: per-CPU receive queues of a VNIC.
 *
 * The VF's receive handler does not hand a VNIC's frames to the stack
 * itself: it queues them on the VNIC's queue of the current CPU, charged
 * to the VNIC's memory pool, and the VNIC's NAPI instance on that CPU
 * passes them up. A target that cannot keep up is bounded by its pool
 * (frames over the limit are dropped and counted, the VF's NAPI never
 * waits), and the time the tenant's stack takes is the VNIC's, in its own
 * NAPI budget, not the lower's.
 *
 * A queue is filled by the receive handler and drained by NAPI, both on
 * its CPU in softirq context; the queue's lock covers a NAPI instance run
 * in a thread (threaded NAPI) elsewhere.
 */

#include <linux/error-injection.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "ovnic.h"

/* Frames one CPU's queue holds at most when the VNIC uses no pool. */
#define OVNIC_RXQ_MAX		1000

/**
 * struct ovnic_rx_cell - one CPU's receive queue of a VNIC
 * @queue: frames waiting for @napi
 * @napi: passes them to the stack
 */
struct ovnic_rx_cell {
	struct sk_buff_head queue;
	struct napi_struct napi;
};

/**
 * struct ovnic_rx_cb - a queued frame's charge, in skb->cb while queued
 * @pool: the pool charged, or NULL
 * @bytes: bytes charged
 */
struct ovnic_rx_cb {
	struct ovnic_pool *pool;
	u32 bytes;
};

static struct ovnic_rx_cb *ovnic_rx_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct ovnic_rx_cb) > sizeof(skb->cb));
	return (struct ovnic_rx_cb *)skb->cb;
}

static void ovnic_rxq_uncharge(struct sk_buff *skb)
{
	struct ovnic_rx_cb *cb = ovnic_rx_cb(skb);

	ovnic_pool_rx_uncharge(cb->pool, cb->bytes);
	memset(cb, 0, sizeof(*cb));
}

static int ovnic_rxq_poll(struct napi_struct *napi, int budget)
{
	struct ovnic_rx_cell *cell = container_of(napi, struct ovnic_rx_cell,
						  napi);
	struct sk_buff *skb;
	int done = 0;

	while (done < budget && (skb = skb_dequeue(&cell->queue))) {
		ovnic_rxq_uncharge(skb);
		netif_receive_skb(skb);
		done++;
	}
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

/**
 * ovnic_rxq_deliver - queue a frame for the VNIC's stack
 * @vnic: the VNIC
 * @skb: the frame, skb->dev the VNIC, ready for netif_receive_skb()
 *
 * Receive path (softirq, RCU read side). Consumes @skb.
 */
void ovnic_rxq_deliver(struct ovnic_dev *vnic, struct sk_buff *skb)
{
	struct ovnic_rx_cell *cell = this_cpu_ptr(vnic->rx_cells);
	struct ovnic_rx_cb *cb = ovnic_rx_cb(skb);
	struct ovnic_pool *pool;

	pool = ovnic_pool_rx_charge(vnic, skb->truesize);
	if (IS_ERR(pool)) {
		ovnic_count_drop(vnic, OVNIC_DROP_RX_POOL);
		kfree_skb(skb);
		return;
	}
	if (unlikely(!pool && skb_queue_len(&cell->queue) >= OVNIC_RXQ_MAX)) {
		ovnic_count_drop(vnic, OVNIC_DROP_RX_BACKLOG);
		kfree_skb(skb);
		return;
	}
	cb->pool = pool;
	cb->bytes = skb->truesize;
	skb_queue_tail(&cell->queue, skb);
	napi_schedule(&cell->napi);
}

/**
 * ovnic_rxq_init - a VNIC's receive queues, one per possible CPU
 * @vnic: the VNIC, being registered (ndo_init)
 *
 * Return: 0 or -ENOMEM.
 */
int ovnic_rxq_init(struct ovnic_dev *vnic)
{
	int cpu;

	vnic->rx_cells = alloc_percpu(struct ovnic_rx_cell);
	if (!vnic->rx_cells)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct ovnic_rx_cell *cell = per_cpu_ptr(vnic->rx_cells, cpu);

		skb_queue_head_init(&cell->queue);
		netif_napi_add(vnic->dev, &cell->napi, ovnic_rxq_poll);
		napi_enable(&cell->napi);
	}
	return 0;
}
ALLOW_ERROR_INJECTION(ovnic_rxq_init, ERRNO);

/**
 * ovnic_rxq_uninit - stop a VNIC's receive queues and free what they hold
 * @vnic: the VNIC, after a grace period that ended its receive path
 *
 * The per-CPU memory goes with the net_device (ovnic_rxq_free()), after
 * the grace period that follows ndo_uninit: netpoll may still walk the
 * device's NAPI list.
 */
void ovnic_rxq_uninit(struct ovnic_dev *vnic)
{
	struct sk_buff *skb;
	int cpu;

	if (!vnic->rx_cells)
		return;
	for_each_possible_cpu(cpu) {
		struct ovnic_rx_cell *cell = per_cpu_ptr(vnic->rx_cells, cpu);

		napi_disable(&cell->napi);
		__netif_napi_del(&cell->napi);
		while ((skb = skb_dequeue(&cell->queue))) {
			ovnic_rxq_uncharge(skb);
			kfree_skb(skb);
		}
	}
	/* One grace period for all the cells, not one each (RTNL is held). */
	synchronize_net();
}

/**
 * ovnic_rxq_free - free the receive queues' memory
 * @vnic: the VNIC, its queues stopped by ovnic_rxq_uninit()
 */
void ovnic_rxq_free(struct ovnic_dev *vnic)
{
	free_percpu(vnic->rx_cells);
	vnic->rx_cells = NULL;
}
