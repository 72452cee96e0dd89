#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build and cache the ovnic debug kernel: Debian's linux-source-6.12,
# `make allnoconfig` plus scripts/debug.config (what the VM harness and the
# selftests need, KASAN, lockdep, kmemleak, reference trackers, UBSAN,
# fault injection, KUnit), bzImage and modules. Run as root on Debian 12.
#
#   scripts/debug-kernel.sh [build]  build unless cached ("cached" if so)
#   scripts/debug-kernel.sh path     print the kernel tree (KDIR for M= builds)
#   scripts/debug-kernel.sh release  print the kernel release
#   scripts/debug-kernel.sh image    print the bzImage path
#   scripts/debug-kernel.sh moddir   print the module root (INSTALL_MOD_PATH:
#                                    modules are in <moddir>/lib/modules/<release>)
#   scripts/debug-kernel.sh dir      print the cache folder of the current key
#   scripts/debug-kernel.sh key      print the cache key
#   scripts/debug-kernel.sh prune    delete cached kernels of other keys
#
# path, release, image and moddir fail (exit 1) when the kernel of the
# current key is not built; they never build.
#
# Cache: $OVNIC_DEBUG_CACHE (default /var/cache/ovnic/debug-kernel)/<key>,
# <key> = sha256 of scripts/debug.config, the linux-source-6.12 package
# version and RECIPE below, so editing the fragment, a new source package or
# a new build recipe makes a new kernel and nothing else does. A folder is
# complete once it has the file "complete"; an interrupted build resumes.
# Builds are serialised per key by a lock file next to the folder.
#
# Environment: OVNIC_DEBUG_CACHE, OVNIC_DEBUG_JOBS (make -j, default
# nproc + 1).

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
FRAGMENT=$SCRIPT_DIR/debug.config
SRC_PKG=linux-source-6.12
SRC_TAR=/usr/src/linux-source-6.12.tar.xz
# Bump when the build steps below change in a way that changes the result.
RECIPE=1
CACHE=$(realpath -m "${OVNIC_DEBUG_CACHE:-/var/cache/ovnic/debug-kernel}")
# Host packages the kernel build needs (besides the source).
BUILD_DEPS="build-essential bc bison flex libelf-dev libssl-dev kmod xz-utils"

die() {
	echo "debug-kernel: $*" >&2
	exit 1
}

usage() {
	sed -n '4,/^$/s/^# \{0,1\}//p' "$0"
	exit "${1:-0}"
}

src_version() {
	dpkg-query -W -f '${Status} ${Version}\n' "$SRC_PKG" 2>/dev/null |
		awk '$3 == "installed" { print $4 }'
}

# key [VERSION]: cache key for the fragment, the source version and RECIPE.
key() {
	local ver=${1:-$(src_version)}

	[ -n "$ver" ] || return 1
	{
		cat "$FRAGMENT"
		echo "source $SRC_PKG $ver"
		echo "recipe $RECIPE"
	} | sha256sum | cut -c1-16
}

# dir of the current key, or fail when the source package is missing.
keydir() {
	local k

	k=$(key) || return 1
	echo "$CACHE/$k"
}

complete_dir() {
	local d

	d=$(keydir) || die "$SRC_PKG is not installed: run scripts/debug-kernel.sh build"
	[ -f "$d/complete" ] ||
		die "debug kernel not built for this config: run scripts/debug-kernel.sh build (or make debug-kernel)"
	echo "$d"
}

install_deps() {
	local missing=() p

	[ -n "$(src_version)" ] || missing+=("$SRC_PKG")
	for p in $BUILD_DEPS; do
		dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || die "missing packages ${missing[*]} (run as root)"
	echo "debug-kernel: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
	[ -n "$(src_version)" ] || die "$SRC_PKG did not install"
}

# verify_config CONFIG: every line of the fragment holds in CONFIG.
verify_config() {
	local cfg=$1 line opt bad=()

	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF -- "$line" "$cfg" ||
				bad+=("$line (got: $(grep -E "^(# )?${line%%=*}[= ]" "$cfg" || echo 'absent'))")
			;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }
			opt=${opt%% *}
			if grep -qE "^$opt=" "$cfg"; then
				bad+=("$line (got: $(grep -E "^$opt=" "$cfg"))")
			fi
			;;
		esac
	done <"$FRAGMENT"
	if [ ${#bad[@]} -gt 0 ]; then
		echo "debug-kernel: options of $FRAGMENT not in the final .config:" >&2
		printf '  %s\n' "${bad[@]}" >&2
		return 1
	fi
}

build() {
	local ver k d tree jobs start rel lock

	install_deps
	[ -r "$SRC_TAR" ] || die "no $SRC_TAR (reinstall $SRC_PKG)"
	ver=$(src_version)
	k=$(key "$ver")
	d=$CACHE/$k
	if [ -f "$d/complete" ]; then
		echo "debug-kernel: cached: $(cat "$d/release") in $d"
		return 0
	fi
	mkdir -p "$CACHE"
	lock=$CACHE/$k.lock
	exec 9>"$lock"
	if ! flock -n 9; then
		echo "debug-kernel: another build of $k is running, waiting"
		flock 9
	fi
	if [ -f "$d/complete" ]; then
		echo "debug-kernel: cached: $(cat "$d/release") in $d"
		return 0
	fi

	start=$SECONDS
	tree=$d/linux
	mkdir -p "$d"
	if [ ! -f "$d/unpacked" ]; then
		echo "debug-kernel: unpacking $SRC_TAR ($SRC_PKG $ver) into $tree"
		rm -rf "$tree"
		mkdir -p "$tree"
		tar -xJf "$SRC_TAR" -C "$tree" --strip-components=1
		: >"$d/unpacked"
	fi

	echo "debug-kernel: configuring (allnoconfig + $FRAGMENT)"
	# LOCALVERSION= (empty, set): no "+" suffix even if the cache sits in
	# a git work tree.
	make -s -C "$tree" LOCALVERSION= allnoconfig >/dev/null
	(cd "$tree" && scripts/kconfig/merge_config.sh -m .config "$FRAGMENT") >"$d/merge.log" 2>&1 ||
		{ cat "$d/merge.log" >&2; die "merge_config.sh failed"; }
	make -s -C "$tree" LOCALVERSION= olddefconfig >/dev/null
	verify_config "$tree/.config" || die "the fragment does not hold (see above)"
	cp "$tree/.config" "$d/config"

	jobs=${OVNIC_DEBUG_JOBS:-$(($(nproc) + 1))}
	echo "debug-kernel: building bzImage and modules with -j$jobs (log: $d/build.log)"
	if ! make -C "$tree" -j"$jobs" LOCALVERSION= bzImage modules >"$d/build.log" 2>&1; then
		tail -n 40 "$d/build.log" >&2
		die "kernel build failed (full log: $d/build.log)"
	fi
	rel=$(make -s -C "$tree" LOCALVERSION= kernelrelease)
	rm -rf "$d/modules"
	make -s -C "$tree" LOCALVERSION= INSTALL_MOD_PATH="$d/modules" modules_install \
		>>"$d/build.log" 2>&1 || die "modules_install failed (log: $d/build.log)"
	[ -f "$d/modules/lib/modules/$rel/modules.dep" ] || die "no modules.dep for $rel"
	cp "$tree/arch/x86/boot/bzImage" "$d/bzImage"
	echo "$rel" >"$d/release"
	echo "$((SECONDS - start))" >"$d/build-seconds"
	: >"$d/complete"
	echo "debug-kernel: built $rel in $((SECONDS - start)) s ($(nproc) CPUs, -j$jobs): $d"
}

prune() {
	local cur d

	cur=$(keydir) || cur=
	[ -d "$CACHE" ] || return 0
	for d in "$CACHE"/*/; do
		d=${d%/}
		[ -d "$d" ] || continue
		[ "$d" = "$cur" ] && continue
		echo "debug-kernel: removing $d"
		rm -rf "$d" "$d.lock"
	done
}

[ -r "$FRAGMENT" ] || die "no $FRAGMENT"
cmd=${1:-build}
[ $# -le 1 ] || usage 2 >&2
case $cmd in
path|release|image|moddir) d=$(complete_dir) ;;
esac
case $cmd in
build) build ;;
path) echo "$d/linux" ;;
release) cat "$d/release" ;;
image) echo "$d/bzImage" ;;
moddir) echo "$d/modules" ;;
dir) keydir || die "$SRC_PKG is not installed" ;;
key) key || die "$SRC_PKG is not installed" ;;
prune) prune ;;
-h|--help) usage 0 ;;
*) echo "debug-kernel: unknown command '$cmd'" >&2; usage 2 >&2 ;;
esac
