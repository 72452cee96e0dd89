// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: ethtool operations.
 *
 * Identity and counters are the VNIC's own; link settings and ring sizes
 * are those of the VF, which is where the hardware is.
 */

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "ovnic.h"

static const char ovnic_drop_names[OVNIC_DROP_MAX][ETH_GSTRING_LEN] = {
	[OVNIC_DROP_RX_VNIC_DOWN]	= "rx_drop_vnic_down",
	[OVNIC_DROP_RX_NOMEM]		= "rx_drop_nomem",
	[OVNIC_DROP_RX_NOT_OVERLAY]	= "rx_drop_not_overlay",
	[OVNIC_DROP_RX_SHORT]		= "rx_drop_short",
	[OVNIC_DROP_RX_BAD_SHAPE]	= "rx_drop_bad_shape",
	[OVNIC_DROP_RX_BAD_VERSION]	= "rx_drop_bad_version",
	[OVNIC_DROP_RX_BAD_FLAGS]	= "rx_drop_bad_flags",
	[OVNIC_DROP_RX_BAD_LENGTH]	= "rx_drop_bad_length",
	[OVNIC_DROP_RX_BAD_OFFLOAD]	= "rx_drop_bad_offload",
	[OVNIC_DROP_RX_BAD_CSUM]	= "rx_drop_bad_csum",
	[OVNIC_DROP_RX_WRONG_VNI]	= "rx_drop_wrong_vni",
	[OVNIC_DROP_RX_NESTED]		= "rx_drop_nested",
	[OVNIC_DROP_RX_REASM_DUP]	= "rx_drop_reasm_dup",
	[OVNIC_DROP_RX_REASM_OVERLAP]	= "rx_drop_reasm_overlap",
	[OVNIC_DROP_RX_REASM_TIMEOUT]	= "rx_drop_reasm_timeout",
	[OVNIC_DROP_RX_REASM_EVICT]	= "rx_drop_reasm_evict",
	[OVNIC_DROP_RX_INACTIVE]	= "rx_drop_inactive",
	[OVNIC_DROP_RX_POOL]		= "rx_drop_pool",
	[OVNIC_DROP_RX_BACKLOG]		= "rx_drop_backlog",
	[OVNIC_DROP_TX_NO_LOWER]	= "tx_drop_no_lower",
	[OVNIC_DROP_TX_LOWER_BUSY]	= "tx_drop_lower_busy",
	[OVNIC_DROP_TX_VNIC_DOWN]	= "tx_drop_vnic_down",
	[OVNIC_DROP_TX_NO_REMOTE]	= "tx_drop_no_remote",
	[OVNIC_DROP_TX_NO_NEIGH]	= "tx_drop_no_neigh",
	[OVNIC_DROP_TX_TOO_BIG]		= "tx_drop_too_big",
	[OVNIC_DROP_TX_NOMEM]		= "tx_drop_nomem",
};

static const char ovnic_event_names[OVNIC_EV_MAX][ETH_GSTRING_LEN] = {
	[OVNIC_EV_TX_FRAMES]		= "tx_frames",
	[OVNIC_EV_TX_GSO_FRAMES]	= "tx_gso_frames",
	[OVNIC_EV_TX_VF_XMITS]		= "tx_vf_xmits",
	[OVNIC_EV_TX_GSO_VF_XMITS]	= "tx_gso_vf_xmits",
	[OVNIC_EV_TX_HEAD_REALLOC]	= "tx_head_realloc",
	[OVNIC_EV_TX_SW_GSO]		= "tx_sw_gso",
	[OVNIC_EV_TX_SOLICIT]		= "tx_solicit",
	[OVNIC_EV_RX_FRAMES]		= "rx_frames",
	[OVNIC_EV_RX_SEGS]		= "rx_segs",
	[OVNIC_EV_RX_FAST]		= "rx_fast",
	[OVNIC_EV_RX_REASM_QUEUED]	= "rx_reasm_queued",
	[OVNIC_EV_RX_REASM_DONE]	= "rx_reasm_done",
	[OVNIC_EV_RX_NEIGH]		= "rx_neigh",
	[OVNIC_EV_FAILOVERS]		= "failovers",
	[OVNIC_EV_FAILBACKS]		= "failbacks",
	[OVNIC_EV_LOWER_CHANGES]	= "lower_changes",
	[OVNIC_EV_PROBE_TX]		= "probe_tx",
	[OVNIC_EV_PROBE_RX]		= "probe_rx",
};

/* Reassembly table gauges (zero for a plain VNIC). */
static const char ovnic_reasm_names[][ETH_GSTRING_LEN] = {
	"reasm_mem", "reasm_mem_peak", "reasm_frames", "reasm_mem_limit",
	"reasm_frames_limit",
};

/* Memory pool gauges (zero without a pool) and the VNIC's queue events. */
static const char ovnic_pool_names[][ETH_GSTRING_LEN] = {
	"pool_charged", "pool_peak", "pool_limit", "pool_max_skb", "pool_hits",
	"tx_pool_stops", "tx_pool_wakes", "tx_pool_requeues",
};

/* Per queue and per lower: packets and bytes. */
#define OVNIC_QUEUE_STATS 2

/* The lower whose hardware ethtool reports: the active one, or the first. */
static struct net_device *ovnic_ethtool_lower(struct ovnic_dev *vnic)
{
	struct ovnic_port *port = rtnl_dereference(vnic->active);

	if (!port || !ovnic_port_lower(port))
		port = ovnic_first_port(vnic);
	return port ? ovnic_port_lower(port) : NULL;
}

static void ovnic_get_drvinfo(struct net_device *dev,
			      struct ethtool_drvinfo *info)
{
	struct ovnic_dev *vnic = netdev_priv(dev);

	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, OVNIC_VERSION, sizeof(info->version));
	/* The first lower's VF, stable whatever fails over. */
	strscpy(info->bus_info, vnic->ports[0].vf_pci, sizeof(info->bus_info));
}

static int ovnic_get_sset_count(struct net_device *dev, int sset)
{
	struct ovnic_dev *vnic = netdev_priv(dev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return OVNIC_QUEUE_STATS * (dev->real_num_rx_queues +
				    dev->real_num_tx_queues) +
	       2 * OVNIC_QUEUE_STATS * vnic->nports +
	       OVNIC_DROP_MAX + OVNIC_EV_MAX + ARRAY_SIZE(ovnic_reasm_names) +
	       ARRAY_SIZE(ovnic_pool_names);
}

static void ovnic_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < dev->real_num_rx_queues; i++) {
		ethtool_sprintf(&data, "rx_q%u_packets", i);
		ethtool_sprintf(&data, "rx_q%u_bytes", i);
	}
	for (i = 0; i < dev->real_num_tx_queues; i++) {
		ethtool_sprintf(&data, "tx_q%u_packets", i);
		ethtool_sprintf(&data, "tx_q%u_bytes", i);
	}
	for (i = 0; i < vnic->nports; i++) {
		ethtool_sprintf(&data, "lower%u_tx_packets", i);
		ethtool_sprintf(&data, "lower%u_tx_bytes", i);
		ethtool_sprintf(&data, "lower%u_rx_packets", i);
		ethtool_sprintf(&data, "lower%u_rx_bytes", i);
	}
	memcpy(data, ovnic_drop_names, sizeof(ovnic_drop_names));
	data += sizeof(ovnic_drop_names);
	memcpy(data, ovnic_event_names, sizeof(ovnic_event_names));
	data += sizeof(ovnic_event_names);
	memcpy(data, ovnic_reasm_names, sizeof(ovnic_reasm_names));
	data += sizeof(ovnic_reasm_names);
	memcpy(data, ovnic_pool_names, sizeof(ovnic_pool_names));
}

static void ovnic_get_ethtool_stats(struct net_device *dev,
				    struct ethtool_stats *stats, u64 *data)
{
	struct ovnic_dev *vnic = netdev_priv(dev);
	struct ovnic_pool_info pi = {};
	struct ovnic_reasm_state st;
	struct ovnic_pcpu_stats *sum;
	unsigned int i;

	sum = kmalloc(sizeof(*sum), GFP_KERNEL);
	if (!sum) {
		memset(data, 0, stats->n_stats * sizeof(*data));
		return;
	}
	ovnic_stats_read(vnic, sum);
	for (i = 0; i < dev->real_num_rx_queues; i++) {
		*data++ = u64_stats_read(&sum->rxq[i].packets);
		*data++ = u64_stats_read(&sum->rxq[i].bytes);
	}
	for (i = 0; i < dev->real_num_tx_queues; i++) {
		*data++ = u64_stats_read(&sum->txq[i].packets);
		*data++ = u64_stats_read(&sum->txq[i].bytes);
	}
	for (i = 0; i < vnic->nports; i++) {
		*data++ = u64_stats_read(&sum->lower_tx[i].packets);
		*data++ = u64_stats_read(&sum->lower_tx[i].bytes);
		*data++ = u64_stats_read(&sum->lower_rx[i].packets);
		*data++ = u64_stats_read(&sum->lower_rx[i].bytes);
	}
	for (i = 0; i < OVNIC_DROP_MAX; i++)
		*data++ = u64_stats_read(&sum->drops[i]);
	for (i = 0; i < OVNIC_EV_MAX; i++)
		*data++ = u64_stats_read(&sum->events[i]);
	kfree(sum);

	memset(&st, 0, sizeof(st));
	if (ovnic_is_overlay(vnic))
		ovnic_reasm_get(vnic, &st);
	*data++ = st.mem;
	*data++ = st.mem_peak;
	*data++ = st.frames;
	*data++ = st.mem_limit;
	*data++ = st.frames_limit;

	ovnic_pool_info(vnic, &pi);
	*data++ = pi.charged;
	*data++ = pi.peak;
	*data++ = pi.effective;
	*data++ = pi.max_skb;
	*data++ = pi.hits;
	*data++ = atomic_long_read(&vnic->pool_stops);
	*data++ = atomic_long_read(&vnic->pool_wakes);
	*data++ = atomic_long_read(&vnic->pool_requeues);
}

static void ovnic_get_channels(struct net_device *dev,
			       struct ethtool_channels *ch)
{
	ch->max_rx = dev->num_rx_queues;
	ch->max_tx = dev->num_tx_queues;
	ch->rx_count = dev->real_num_rx_queues;
	ch->tx_count = dev->real_num_tx_queues;
}

static void ovnic_get_ringparam(struct net_device *dev,
				struct ethtool_ringparam *ring,
				struct kernel_ethtool_ringparam *kring,
				struct netlink_ext_ack *extack)
{
	struct net_device *lower = ovnic_ethtool_lower(netdev_priv(dev));

	if (lower && lower->ethtool_ops && lower->ethtool_ops->get_ringparam)
		lower->ethtool_ops->get_ringparam(lower, ring, kring, extack);
}

static int ovnic_get_link_ksettings(struct net_device *dev,
				    struct ethtool_link_ksettings *cmd)
{
	struct net_device *lower = ovnic_ethtool_lower(netdev_priv(dev));

	if (!lower)
		return -ENODEV;
	return __ethtool_get_link_ksettings(lower, cmd);
}

const struct ethtool_ops ovnic_ethtool_ops = {
	.get_drvinfo		= ovnic_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= ovnic_get_sset_count,
	.get_strings		= ovnic_get_strings,
	.get_ethtool_stats	= ovnic_get_ethtool_stats,
	.get_channels		= ovnic_get_channels,
	.get_ringparam		= ovnic_get_ringparam,
	.get_link_ksettings	= ovnic_get_link_ksettings,
};
