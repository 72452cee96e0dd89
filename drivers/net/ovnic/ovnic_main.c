// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: tenant virtual NICs backed by SR-IOV virtual functions.
 *
 * Module entry points: the netdevice notifier first (it must see every VF
 * and PF event once a VNIC can exist), then the link type.
 */

#include <linux/module.h>
#include <net/rtnetlink.h>
#include <uapi/linux/ovnic.h>

#include "ovnic.h"

static int __init ovnic_mod_init(void)
{
	int err;

	err = ovnic_notifier_init();
	if (err)
		return err;

	err = ovnic_link_init();
	if (err)
		goto err_notifier;

	pr_info("ovnic " OVNIC_VERSION " loaded\n");
	return 0;

err_notifier:
	ovnic_notifier_uninit();
	return err;
}

static void __exit ovnic_mod_exit(void)
{
	/* Deletes every VNIC, which gives every VF back. */
	ovnic_link_uninit();
	ovnic_notifier_uninit();
}

module_init(ovnic_mod_init);
module_exit(ovnic_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Tenant virtual NICs backed by SR-IOV virtual functions");
MODULE_AUTHOR("The ovnic developers");
MODULE_VERSION(OVNIC_VERSION);
MODULE_ALIAS_RTNL_LINK(OVNIC_LINK_KIND);
