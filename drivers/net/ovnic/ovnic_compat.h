/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels ovnic supports (6.1 and 6.12), each
 * decided by a feature test on the kernel's own headers rather than by
 * version numbers, so that backports are picked up automatically: a macro
 * test where the preprocessor can see the feature, else an OVNIC_HAVE_*
 * flag set by the Makefile in this directory.
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
 * Keep IPv6 autoconfiguration off a lower device, which shares the VNIC's
 * MAC address and must not appear on the link itself. 6.3 added
 * IFF_NO_ADDRCONF for this; older addrconf skipped IFF_SLAVE devices.
 */
static inline void ovnic_compat_set_no_addrconf(struct net_device *lower,
						bool on)
{
#ifdef OVNIC_HAVE_IFF_NO_ADDRCONF
	if (on)
		lower->priv_flags |= IFF_NO_ADDRCONF;
	else
		lower->priv_flags &= ~IFF_NO_ADDRCONF;
#else
	if (on)
		lower->flags |= IFF_SLAVE;
	else
		lower->flags &= ~IFF_SLAVE;
#endif
}

/*
 * Formatted extack messages appeared in 6.2; older kernels report the
 * plain message (a literal) instead of the formatted one.
 */
#ifdef NL_SET_ERR_MSG_FMT_MOD
#define ovnic_err_fmt(extack, plain, fmt, ...) do {			\
	BUILD_BUG_ON(sizeof(plain) < 2);				\
	NL_SET_ERR_MSG_FMT_MOD(extack, fmt, ##__VA_ARGS__);		\
} while (0)
#else
#define ovnic_err_fmt(extack, plain, fmt, ...) do {			\
	BUILD_BUG_ON(sizeof(fmt) < 2);					\
	NL_SET_ERR_MSG_MOD(extack, plain);				\
} while (0)
#endif

#endif /* _OVNIC_COMPAT_H */
