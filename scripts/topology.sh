#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ovnic VM topology: two "hypervisors" with two SR-IOV PFs each.
# Hypervisor A is the guest's initial netns (pfa0, pfa1), hypervisor B
# the netns hvb (pfb0, pfb1). PF index N of A and of B share wire N.
# Each PF gets 2 VFs named <pf>vf<K>, kept in the PF's netns, left down.
# A "switch" of two virtio-net NICs, sw0 on wire 0 and sw1 on wire 1, sits
# in netns sw, left down with its QEMU links cut (the wires stay separate);
# selftests/lib.sh sw_up bridges them, sw_down separates them again.
#
#   topology.sh [-v] up    (guest) build or repair the topology; idempotent:
#                          reloads igb/igbvf, re-adds hot-unplugged PFs
#                          through the QEMU monitor, rebinds drivers,
#                          renames, recreates VFs, moves devices back,
#                          sets the PFs up, puts the switch back (sw0/sw1
#                          named, in netns sw, down, no bridge, QEMU links
#                          cut; OVNIC_NO_SWITCH=1 skips it); prints what it
#                          repaired
#   topology.sh show       (guest) ip -br link of both hypervisors
#   topology.sh qemu-args  (host) the QEMU options of the 4 PFs and the
#                          switch's 2 NICs, one a line
#
# PFs are found by PCI address: each sits alone behind its own PCIe root
# port at a fixed address (0000:00:<slot>.0), so the root port's
# secondary bus gives the PF's address even when the PF has no netdev or
# is unplugged. Netdevs are found by their PCI parent in every netns.

set -u

NUMVFS=2
NS_B=hvb
NS_SW=sw

# name, PCI slot (hex) of its root port on pcie.0, MAC, QEMU netdev, hub
# (wire), root port id, netns ("-" = initial netns)
PFS="
pfa0 10 52:54:00:aa:00:00 wa0 0 rpa0 -
pfa1 11 52:54:00:aa:00:01 wa1 1 rpa1 -
pfb0 12 52:54:00:bb:00:00 wb0 0 rpb0 $NS_B
pfb1 13 52:54:00:bb:00:01 wb1 1 rpb1 $NS_B
"

# The switch's ports: name, PCI slot on pcie.0, MAC, QEMU netdev, hub.
SWS="
sw0 14 52:54:00:cc:00:00 ws0 0
sw1 15 52:54:00:cc:00:01 ws1 1
"

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VERBOSE=0
ERRORS=0
# OVNIC_NO_SWITCH=1: leave the switch alone (a VM without it).
SWS_OFF=${OVNIC_NO_SWITCH:-0}

log() {
	echo "topology: $*"
}

err() {
	echo "topology: error: $*" >&2
	ERRORS=$((ERRORS + 1))
}

qemu_args() {
	local name slot mac netdev hub rp ns

	while read -r name slot mac netdev hub rp ns; do
		[ -n "$name" ] || continue
		echo "-netdev"
		echo "hubport,id=$netdev,hubid=$hub"
		echo "-device"
		echo "pcie-root-port,id=$rp,bus=pcie.0,addr=0x$slot,chassis=$((0x$slot)),slot=$((0x$slot))"
		echo "-device"
		echo "igb,netdev=$netdev,bus=$rp,id=$name,romfile=,mac=$mac"
	done <<<"$PFS"
	while read -r name slot mac netdev hub; do
		[ -n "$name" ] || continue
		echo "-netdev"
		echo "hubport,id=$netdev,hubid=$hub"
		echo "-device"
		echo "virtio-net-pci,netdev=$netdev,bus=pcie.0,addr=0x$slot,id=$name,romfile=,mac=$mac"
	done <<<"$SWS"
}

# ip in netns $1 ("-" = initial netns).
nsip() {
	local ns=$1

	shift
	if [ "$ns" = - ]; then
		ip "$@"
	else
		ip -n "$ns" "$@"
	fi
}

# Netdevs with a PCI parent, in every named netns:
# DEV_NS[pciaddr], DEV_NAME[pciaddr], DEV_UP[pciaddr] (1 if admin up).
declare -A DEV_NS DEV_NAME DEV_UP
refresh_map() {
	local ns list addr ifname flags

	DEV_NS=()
	DEV_NAME=()
	DEV_UP=()
	for ns in - /run/netns/*; do
		[ "$ns" = "/run/netns/*" ] && continue
		ns=${ns#/run/netns/}
		list=$(nsip "$ns" -d -o link show 2>/dev/null | awk '{
				name = $2; sub(/:$/, "", name); sub(/@.*/, "", name)
				for (i = 3; i < NF; i++)
					if ($i == "parentdev")
						print $(i + 1), name, $3
			}')
		while read -r addr ifname flags; do
			[ -n "$addr" ] || continue
			DEV_NS[$addr]=$ns
			DEV_NAME[$addr]=$ifname
			case $flags in
			*[\<,]UP[,\>]*) DEV_UP[$addr]=1 ;;
			*) DEV_UP[$addr]=0 ;;
			esac
		done <<<"$list"
	done
}

# Wait up to $2 seconds until PCI device $1 has a netdev.
wait_netdev() {
	local addr=$1 secs=$2 i

	for ((i = 0; i <= secs * 5; i++)); do
		[ -n "${DEV_NAME[$addr]:-}" ] && return 0
		sleep 0.2
		refresh_map
	done
	return 1
}

module_loaded() {
	local m _

	while read -r m _; do
		[ "$m" = "$1" ] && return 0
	done </proc/modules
	return 1
}

ensure_modules() {
	local m

	for m in igb igbvf; do
		module_loaded "$m" && continue
		log "loading $m"
		modprobe "$m" || err "modprobe $m failed"
	done
}

ensure_netns() {
	mkdir -p /run/netns
	[ -e "/run/netns/$NS_B" ] && return 0
	log "creating netns $NS_B"
	ip netns add "$NS_B" || { err "cannot create netns $NS_B"; return 1; }
	ip -n "$NS_B" link set lo up
}

# A hypervisor's PFs share its namespace with the VNICs under test: only the
# interface that holds an IPv4 address may answer ARP for it, as on a real
# host (else a PF answers for a VNIC's address and the peer's traffic goes
# to the PF: "ARP flux"). IPv6 neighbour discovery is strict already.
ensure_arp_strict() {
	sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.default.arp_ignore=1 || err "arp_ignore (A) failed"
	ip netns exec "$NS_B" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.default.arp_ignore=1 || err "arp_ignore ($NS_B) failed"
}

# Bind PCI device $1 to driver $2 if it has no driver.
ensure_bound() {
	local addr=$1 drv=$2 dev=/sys/bus/pci/devices/$1

	[ -e "$dev/driver" ] && return 0
	log "binding $addr to $drv"
	[ -e "$dev/driver_override" ] && echo >"$dev/driver_override" 2>/dev/null
	echo "$addr" >"/sys/bus/pci/drivers/$drv/bind" 2>/dev/null ||
		echo "$addr" >/sys/bus/pci/drivers_probe 2>/dev/null
	[ -e "$dev/driver" ] || { err "cannot bind $addr to $drv"; return 1; }
}

# Re-add PF $1 (hot-unplugged) through the QEMU monitor and wait for it.
hotadd_pf() {
	local name=$1 netdev=$2 rp=$3 mac=$4 addr=$5 i reply

	log "PF $name ($addr) is missing: device_add through the QEMU monitor"
	for ((i = 0; i < 30; i++)); do
		reply=$("$SCRIPT_DIR/qemu-monitor.sh" \
			"device_add igb,netdev=$netdev,bus=$rp,id=$name,romfile=,mac=$mac" 2>&1)
		case $reply in
		*Duplicate*)
			# The previous unplug has not completed yet.
			sleep 1
			continue ;;
		*rror*)
			err "device_add $name: $reply"
			return 1 ;;
		esac
		break
	done
	for ((i = 0; i < 150; i++)); do
		[ -e "/sys/bus/pci/devices/$addr" ] && return 0
		sleep 0.2
	done
	err "PF $name did not appear at $addr after device_add"
	return 1
}

# Give the netdev of PCI device $1 the name $2 and move it to netns $3.
place_dev() {
	local addr=$1 want=$2 ns=$3 cur curns target

	cur=${DEV_NAME[$addr]}
	curns=${DEV_NS[$addr]}
	if [ "$cur" != "$want" ]; then
		log "renaming $cur to $want (netns $curns)"
		if ! nsip "$curns" link set dev "$cur" name "$want" 2>/dev/null; then
			# Renaming needs the device down.
			nsip "$curns" link set dev "$cur" down
			nsip "$curns" link set dev "$cur" name "$want" ||
				{ err "cannot rename $cur to $want"; return 1; }
			DEV_UP[$addr]=0
		fi
		DEV_NAME[$addr]=$want
	fi
	if [ "$curns" != "$ns" ]; then
		target=$ns
		[ "$ns" = - ] && target=1
		log "moving $want from netns $curns to netns $ns"
		nsip "$curns" link set dev "$want" netns "$target" ||
			{ err "cannot move $want to netns $ns"; return 1; }
		DEV_NS[$addr]=$ns
	fi
}

# PCI address of PF $1 (root port slot $2), "" if the root port is missing.
pf_addr() {
	local b

	for b in "/sys/bus/pci/devices/0000:00:$1.0/pci_bus/"*; do
		[ -e "$b" ] && echo "${b##*/}:00.0"
		return 0
	done
}

# Phase 1: the PF is present, bound, named, in its netns and up.
setup_pf() {
	local name=$1 slot=$2 mac=$3 netdev=$4 rp=$5 ns=$6 addr

	addr=$(pf_addr "$slot")
	[ -n "$addr" ] || { err "no root port at 0000:00:$slot.0 for $name"; return 1; }
	PF_ADDR[$name]=$addr
	if [ ! -e "/sys/bus/pci/devices/$addr" ]; then
		hotadd_pf "$name" "$netdev" "$rp" "$mac" "$addr" || return 1
	fi
	ensure_bound "$addr" igb || return 1
	wait_netdev "$addr" 10 || { err "PF $name ($addr) has no netdev"; return 1; }
	place_dev "$addr" "$name" "$ns" || return 1
	# Up before creating VFs: they probe slowly while the PF is down.
	if [ "${DEV_UP[$addr]}" != 1 ]; then
		[ "$VERBOSE" = 1 ] && log "$name up"
		nsip "$ns" link set dev "$name" up || err "cannot set $name up"
		DEV_UP[$addr]=1
	fi
}

# Phase 2: NUMVFS VFs (in the background: VF probing is slow).
set_numvfs() {
	local name=$1 dev=/sys/bus/pci/devices/$2 cur=0

	read -r cur <"$dev/sriov_numvfs" 2>/dev/null
	[ "$cur" = "$NUMVFS" ] && return 0
	log "$name: sriov_numvfs $cur -> $NUMVFS"
	[ "$cur" = 0 ] || echo 0 >"$dev/sriov_numvfs"
	# Create the VFs without probing them: the VF drivers are bound in
	# parallel (one job per PF) by bind_vfs.
	echo 0 >"$dev/sriov_drivers_autoprobe"
	echo "$NUMVFS" >"$dev/sriov_numvfs" || { err "$name: cannot create VFs"; return 1; }
	echo 1 >"$dev/sriov_drivers_autoprobe"
}

# Wait up to 10 s for PF $2 in netns $1 to have carrier.
wait_pf_carrier() {
	local i

	for ((i = 0; i < 50; i++)); do
		nsip "$1" link show dev "$2" 2>/dev/null | grep -q LOWER_UP && return 0
		sleep 0.2
	done
	log "warning: $2 has no carrier"
}

# Phase 3: bind the VFs of a PF to igbvf.
bind_vfs() {
	local name=$1 dev=/sys/bus/pci/devices/$2 k vf rc=0

	for ((k = 0; k < NUMVFS; k++)); do
		vf=$(readlink "$dev/virtfn$k") || { err "$name: no VF $k"; rc=1; continue; }
		ensure_bound "${vf##*/}" igbvf || rc=1
	done
	return $rc
}

# Phase 4: the VFs are named and in the PF's netns.
setup_vfs() {
	local name=$1 ns=$2 dev=/sys/bus/pci/devices/$3 k vf

	for ((k = 0; k < NUMVFS; k++)); do
		vf=$(readlink "$dev/virtfn$k") || continue
		vf=${vf##*/}
		[ -e "/sys/bus/pci/devices/$vf/driver" ] || continue
		wait_netdev "$vf" 10 || { err "VF $k ($vf) of $name has no netdev"; continue; }
		place_dev "$vf" "${name}vf$k" "$ns"
	done
}

declare -A PF_ADDR PF_NS
topology_up() {
	local name slot mac netdev hub rp ns pid pids=()

	ensure_modules
	ensure_netns
	ensure_arp_strict
	refresh_map
	while read -r name slot mac netdev hub rp ns; do
		[ -n "$name" ] || continue
		PF_NS[$name]=$ns
		setup_pf "$name" "$slot" "$mac" "$netdev" "$rp" "$ns"
	done <<<"$PFS"
	for name in "${!PF_ADDR[@]}"; do
		set_numvfs "$name" "${PF_ADDR[$name]}" &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || ERRORS=$((ERRORS + 1))
	done
	# igbvf's probe handshakes with the PF through the mailbox: bind one
	# VF at a time, once every PF is back up after enabling SR-IOV.
	for name in "${!PF_ADDR[@]}"; do
		wait_pf_carrier "${PF_NS[$name]}" "$name"
	done
	for name in "${!PF_ADDR[@]}"; do
		bind_vfs "$name" "${PF_ADDR[$name]}" || ERRORS=$((ERRORS + 1))
	done
	refresh_map
	for name in "${!PF_ADDR[@]}"; do
		[ -e "/sys/bus/pci/devices/${PF_ADDR[$name]}" ] || continue
		setup_vfs "$name" "${PF_NS[$name]}" "${PF_ADDR[$name]}"
	done
	switch_setup
	[ "$ERRORS" = 0 ]
}

# The netdev whose MAC is $1, as "netns name flags" ("" if none).
find_by_mac() {
	local ns

	for ns in - /run/netns/*; do
		[ "$ns" = "/run/netns/*" ] && continue
		ns=${ns#/run/netns/}
		nsip "$ns" -o link show 2>/dev/null | awk -v ns="$ns" -v mac="$1" '{
				name = $2; sub(/:$/, "", name); sub(/@.*/, "", name)
				for (i = 3; i < NF; i++)
					if ($i == "link/ether" && tolower($(i + 1)) == mac)
						print ns, name, $3
			}'
	done
}

# The switch: sw0/sw1 named, in netns sw, down, no bridge, QEMU links cut
# (a down virtio-net NIC would queue the wire's frames in QEMU and flush
# them into the bridge later). Returns 0 even when QEMU has no switch.
switch_setup() {
	local name slot mac netdev hub ns cur flags found i cut=0

	[ "$SWS_OFF" = 1 ] && return 0
	module_loaded virtio_net || modprobe virtio_net 2>/dev/null
	if [ ! -e "/run/netns/$NS_SW" ]; then
		log "creating netns $NS_SW"
		ip netns add "$NS_SW" || { err "cannot create netns $NS_SW"; return 1; }
		ip -n "$NS_SW" link set lo up
		cut=1
	fi
	if ip -n "$NS_SW" link show dev br0 >/dev/null 2>&1; then
		log "deleting bridge br0 of netns $NS_SW"
		ip -n "$NS_SW" link del dev br0
		cut=1
	fi
	while read -r name slot mac netdev hub; do
		[ -n "$name" ] || continue
		found=""
		for ((i = 0; i < 25; i++)); do
			found=$(find_by_mac "$mac")
			[ -n "$found" ] && break
			sleep 0.2
		done
		if [ -z "$found" ]; then
			log "warning: no switch port $name ($mac)"
			continue
		fi
		read -r ns cur flags <<<"$found"
		case $flags in
		*[\<,]UP[,\>]*)
			[ "$VERBOSE" = 1 ] && log "$cur down"
			nsip "$ns" link set dev "$cur" down
			cut=1 ;;
		esac
		if [ "$cur" != "$name" ]; then
			[ "$VERBOSE" = 1 ] && log "renaming $cur to $name (netns $ns)"
			nsip "$ns" link set dev "$cur" name "$name" ||
				{ err "cannot rename $cur to $name"; continue; }
		fi
		if [ "$ns" != "$NS_SW" ]; then
			[ "$VERBOSE" = 1 ] && log "moving $name from netns $ns to netns $NS_SW"
			nsip "$ns" link set dev "$name" netns "$NS_SW" ||
				{ err "cannot move $name to netns $NS_SW"; continue; }
		fi
	done <<<"$SWS"
	if [ "$cut" = 1 ]; then
		while read -r name slot mac netdev hub; do
			[ -n "$name" ] || continue
			"$SCRIPT_DIR/qemu-monitor.sh" "set_link $netdev off" >/dev/null 2>&1 ||
				log "warning: set_link $netdev off failed"
		done <<<"$SWS"
	fi
	return 0
}

topology_show() {
	echo "== hypervisor A (initial netns)"
	ip -br link
	echo "== hypervisor B (netns $NS_B)"
	ip -n "$NS_B" -br link
	echo "== switch (netns $NS_SW)"
	ip -n "$NS_SW" -br link 2>/dev/null
}

usage() {
	sed -n '4,/^$/s/^# \{0,1\}//p' "$0"
	exit "${1:-0}"
}

while [ $# -gt 0 ]; do
	case $1 in
	-v|--verbose) VERBOSE=1; shift ;;
	-h|--help) usage 0 ;;
	*) break ;;
	esac
done

case ${1:-} in
up) topology_up ;;
show) topology_show ;;
qemu-args) qemu_args ;;
*) usage 2 >&2 ;;
esac
