// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic: tenant virtual NICs backed by SR-IOV virtual functions.
 *
 * Module entry points: the encapsulation rule tables (per namespace), the
 * netdevice notifier (it must see every VF and PF event once a VNIC can
 * exist), the link type, and last the generic netlink family.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>
#include <uapi/linux/ovnic.h>

#include "ovnic.h"

static int __init ovnic_mod_init(void)
{
	int err;

	err = ovnic_pool_init();
	if (err)
		return err;

	err = ovnic_rules_init();
	if (err)
		goto err_pool;

	/* VNICs send notifications from their creation on. */
	err = ovnic_genl_init();
	if (err)
		goto err_rules;

	err = ovnic_notifier_init();
	if (err)
		goto err_genl;

	err = ovnic_link_init();
	if (err)
		goto err_notifier;

	pr_info("ovnic " OVNIC_VERSION " loaded\n");
	return 0;

err_notifier:
	ovnic_notifier_uninit();
err_genl:
	ovnic_genl_uninit();
err_rules:
	ovnic_rules_uninit();
err_pool:
	ovnic_pool_uninit();
	return err;
}

static void __exit ovnic_mod_exit(void)
{
	/* Deletes every VNIC, which gives every VF back. */
	ovnic_link_uninit();
	ovnic_notifier_uninit();
	ovnic_genl_uninit();
	ovnic_rules_uninit();
	/* Waits for the transmitted packets still charged to pools. */
	ovnic_pool_uninit();
}

module_init(ovnic_mod_init);
module_exit(ovnic_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Tenant virtual NICs backed by SR-IOV virtual functions");
MODULE_AUTHOR("The ovnic developers");
MODULE_VERSION(OVNIC_VERSION);
MODULE_ALIAS_RTNL_LINK(OVNIC_LINK_KIND);
MODULE_ALIAS_GENL_FAMILY(OVNIC_GENL_NAME);
