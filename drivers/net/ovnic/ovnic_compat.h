/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels ovnic supports (6.1 and 6.12), each
 * decided by a feature test on the kernel's own headers rather than by
 * version numbers, so that backports are picked up automatically.
 */
#ifndef _OVNIC_COMPAT_H
#define _OVNIC_COMPAT_H

#include <linux/netdevice.h>
#include <net/netlink.h>

/* 6.12 turned the NETIF_F_LLTX feature bit into the dev->lltx flag. */
static inline void ovnic_compat_set_lltx(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

/*
 * Formatted extack messages appeared in 6.2; older kernels report the
 * plain message instead.
 */
#ifdef NL_SET_ERR_MSG_FMT_MOD
#define ovnic_err_fmt(extack, plain, fmt, ...) \
	NL_SET_ERR_MSG_FMT_MOD(extack, fmt, ##__VA_ARGS__)
#else
#define ovnic_err_fmt(extack, plain, fmt, ...) \
	NL_SET_ERR_MSG_MOD(extack, plain)
#endif

#endif /* _OVNIC_COMPAT_H */
