/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of the iproute2 "ip" binary's interface that the ovnic link
 * plugin uses.
 *
 * Distributions ship no iproute2 development headers, so this file declares,
 * in its own words, only what link_ovnic.c needs: the descriptor a link plugin
 * exports and the helper functions it calls. The helpers are resolved at
 * dlopen() time against the symbols that /usr/bin/ip exports (nm -D).
 *
 * How ip finds a plugin: for "ip link ... type KIND", ip first looks at its
 * built-in link types, then dlopen()s $IP_LIB_DIR/link_KIND.so (IP_LIB_DIR
 * defaults to the LIBDIR compiled into ip: /usr/lib/x86_64-linux-gnu/ip on
 * Debian amd64) and looks up the data symbol KIND_link_util, a struct
 * link_util. ip links that structure into its own list through ->next, so
 * it must not be const.
 *
 * ABI: struct link_util below has the field layout of iproute2 6.1 (Debian
 * bookworm), checked against ip/ip_common.h of the 6.x iproute2 sources.
 * The same layout is still used by later releases, including iproute2 6.15
 * of bookworm-backports, with which the plugin was also tried. The helper
 * prototypes match the 6.1 definitions, return types included, as those
 * belong to the calling convention (parse_on_off() returns bool, the
 * print_color_*() functions return int). If a later iproute2 changes any of
 * this, this header must follow.
 */
#ifndef OVNIC_IP_PLUGIN_H
#define OVNIC_IP_PLUGIN_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/types.h>

/*
 * Descriptor of a link type. ip fills ->next; the plugin fills the rest.
 * ->maxattr is the highest attribute type of IFLA_INFO_DATA: ip sizes the
 * table it hands to ->print_opt() with it (maxattr + 1 entries).
 */
struct link_util {
	struct link_util *next;
	const char *id;
	int maxattr;
	/*
	 * Parse the words after "type KIND" and append attributes to @n,
	 * inside the IFLA_INFO_DATA nest ip has opened. Returns 0 or a
	 * negative value when the command must fail.
	 */
	int (*parse_opt)(struct link_util *lu, int argc, char **argv,
			 struct nlmsghdr *n);
	/*
	 * Print IFLA_INFO_DATA, already split into @tb (NULL when the kernel
	 * sent none), for "ip -d link show" and its JSON form.
	 */
	void (*print_opt)(struct link_util *lu, FILE *f, struct rtattr *tb[]);
	void (*print_xstats)(struct link_util *lu, FILE *f,
			     struct rtattr *xstats);
	/* "ip link help KIND" */
	void (*print_help)(struct link_util *lu, int argc, char **argv,
			   FILE *f);
	int (*parse_ifla_xstats)(struct link_util *lu, int argc, char **argv);
	int (*print_ifla_xstats)(struct nlmsghdr *n, void *arg);
};

/* Output selector of the print_color_*() helpers. */
enum output_type {
	PRINT_FP = 1,	/* plain text output only */
	PRINT_JSON = 2,	/* JSON output only */
	PRINT_ANY = 4,	/* whichever is active */
};

/* Colours of the print_color_*() helpers (plain text output, -c). */
enum color_attr {
	COLOR_IFNAME,
	COLOR_MAC,
	COLOR_INET,
	COLOR_INET6,
	COLOR_OPERSTATE_UP,
	COLOR_OPERSTATE_DOWN,
	COLOR_NONE,
};

/*
 * Netlink message building. @maxlen is the size of the buffer holding the
 * message; the attribute is appended at the end. 0 on success, -1 if it
 * does not fit.
 */
int addattr8(struct nlmsghdr *n, int maxlen, int type, __u8 data);
int addattr16(struct nlmsghdr *n, int maxlen, int type, __u16 data);
int addattr32(struct nlmsghdr *n, int maxlen, int type, __u32 data);
int addattr_l(struct nlmsghdr *n, int maxlen, int type, const void *data,
	      int alen);

/*
 * Interface names, in the current network namespace. ll_name_to_index()
 * returns 0 for an unknown name. ll_index_to_name() returns "ifN" when
 * ifindex N does not exist.
 */
unsigned int ll_name_to_index(const char *name);
const char *ll_index_to_name(unsigned int idx);

/*
 * Command line parsing. get_u32()/get_u16() return 0 when @arg is a number
 * that fits the type, -1 otherwise. parse_on_off() returns true for "on";
 * on a bad word it prints an error and sets *p_err to a negative value.
 * invarg(), duparg() and incomplete_command() print an error and exit.
 */
int get_u32(__u32 *val, const char *arg, int base);
int get_u16(__u16 *val, const char *arg, int base);
bool parse_on_off(const char *msg, const char *realval, int *p_err);
void invarg(const char *msg, const char *arg);
void duparg(const char *key, const char *arg);
void incomplete_command(void);

/*
 * Output, plain or JSON. In plain output @fmt is printf-formatted with the
 * value; in JSON output @key names the member (on_off gives a JSON bool).
 */
int print_color_string(enum output_type t, enum color_attr color,
		       const char *key, const char *fmt, const char *value);
int print_color_uint(enum output_type t, enum color_attr color,
		     const char *key, const char *fmt, unsigned int value);
int print_color_on_off(enum output_type t, enum color_attr color,
		       const char *key, const char *fmt, bool value);
int print_color_bool(enum output_type t, enum color_attr color,
		     const char *key, const char *fmt, bool value);
int print_color_u64(enum output_type t, enum color_attr color,
		    const char *key, const char *fmt, __u64 value);

/*
 * Structure of the output. print_nl() ends the line in plain output
 * ("\\" with ip -oneline) and does nothing in JSON. open_json_object()
 * and open_json_array() start a JSON object or array (@name is its key,
 * NULL inside an array), the close_*() functions end it; in plain output
 * they print nothing (close_json_array() prints @delim when @t selects
 * plain output).
 */
void print_nl(void);
void open_json_object(const char *name);
void close_json_object(void);
void open_json_array(enum output_type t, const char *name);
void close_json_array(enum output_type t, const char *delim);

#endif /* OVNIC_IP_PLUGIN_H */
