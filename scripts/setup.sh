#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything ovnic needs to build, test and demo on Debian 12
# (bookworm), as root. Idempotent: a second run only checks.
#
#   scripts/setup.sh          install what is missing
#   scripts/setup.sh --check  exit 0 if nothing is missing, 1 otherwise

set -eu

check_only=0
[ "${1:-}" = "--check" ] && check_only=1

# Tools the build, the VM harness and the demo call.
need_cmds="make gcc qemu-system-x86_64 busybox cpio ip ethtool iperf3 ping sparse dkms python3 tshark dumpcap capsh jq tc"

kernel_612() {
	# Newest 6.12 image with matching headers (bookworm-backports).
	ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null | sort -V | tail -n 1 |
		sed 's|/usr/src/linux-headers-||'
}

kernel_61() {
	ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1 |
		sed 's|/usr/src/linux-headers-||'
}

missing() {
	local c k

	for c in $need_cmds; do
		command -v "$c" >/dev/null 2>&1 || { echo "missing command: $c"; return 0; }
	done
	/usr/bin/python3 -c 'import scapy' 2>/dev/null ||
		{ echo "missing python3-scapy"; return 0; }
	qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"' ||
		{ echo "qemu lacks the igb device (need QEMU >= 8)"; return 0; }
	k=$(kernel_612)
	[ -n "$k" ] && [ -e "/boot/vmlinuz-$k" ] || { echo "missing 6.12 kernel image/headers"; return 0; }
	k=$(kernel_61)
	[ -n "$k" ] && [ -e "/boot/vmlinuz-$k" ] || { echo "missing 6.1 kernel image/headers"; return 0; }
	ls /usr/src/linux-source-6.12*.tar.xz >/dev/null 2>&1 ||
		{ echo "missing linux-source-6.12 (checkpatch)"; return 0; }
	return 1
}

if ! why=$(missing); then
	[ "$check_only" = 1 ] && exit 0
	echo "setup: everything is installed"
	exit 0
fi
if [ "$check_only" = 1 ]; then
	echo "setup: $why" >&2
	exit 1
fi
echo "setup: $why; installing"

if [ "$(id -u)" != 0 ]; then
	echo "setup: run as root (apt-get)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
src=/etc/apt/sources.list.d/ovnic-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	uri=$(grep -rhs '^URIs:.*debian/*$' /etc/apt/sources.list.d/ | head -n 1 | awk '{print $2}')
	[ -n "$uri" ] || uri=http://deb.debian.org/debian
	cat >"$src" <<SRC
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
apt-get update -q

# Stock bookworm pieces.
apt-get install -y -q --no-install-recommends \
	build-essential bc kmod cpio xz-utils busybox-static \
	ethtool iperf3 iputils-ping python3 python3-scapy tshark \
	wireshark-common libcap2-bin jq sparse dkms procps psmisc iproute2

# The 6.1 kernel (stock bookworm): newest ABI that has both image and headers.
abi61=$(apt-cache search --names-only '^linux-headers-6\.1\.0-[0-9]+-amd64$' |
	awk '{print $1}' | sed 's/linux-headers-//' | sort -V | tail -n 1)
apt-get install -y -q --no-install-recommends \
	"linux-image-$abi61" "linux-headers-$abi61"

# bookworm-backports: QEMU 10 (igb with SR-IOV), Linux 6.12 image,
# headers and source (checkpatch.pl).
apt-get install -y -q --no-install-recommends -t bookworm-backports \
	qemu-system-x86 ipxe-qemu qemu-utils \
	linux-image-amd64 linux-headers-amd64 linux-source-6.12

if why=$(missing); then
	echo "setup: still missing after install: $why" >&2
	exit 1
fi
echo "setup: done (6.12: $(kernel_612), 6.1: $(kernel_61))"
