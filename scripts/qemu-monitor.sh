#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Send one command to the QEMU monitor from inside the ovnic test VM and
# print the monitor's reply (best effort).
#
#   qemu-monitor.sh [-t SECONDS] "set_link wa0 off"
#   qemu-monitor.sh "device_del pfa1"
#
# The VM has a virtio serial port named qemu.monitor wired to the monitor
# (see scripts/vm.sh). Exits 0 when the reply came back without an error,
# 1 when the monitor answered "Error: ...", 2 when there is no monitor
# port or no reply within the timeout (default 10 s).

set -u

timeout=10
if [ "${1:-}" = -t ]; then
	timeout=$2
	shift 2
fi
if [ $# -eq 0 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
	sed -n '4,/^$/s/^# \{0,1\}//p' "$0"
	exit 2
fi
cmd="$*"

find_port() {
	local f

	for f in /sys/class/virtio-ports/*/name; do
		[ -r "$f" ] || continue
		if [ "$(cat "$f")" = qemu.monitor ]; then
			f=${f%/name}
			echo "/dev/${f##*/}"
			return 0
		fi
	done
	return 1
}

port=$(find_port)
if [ -z "$port" ]; then
	modprobe virtio_console 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		port=$(find_port) && break
		sleep 0.2
	done
fi
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ -n "$port" ] && [ -c "$port" ] && break
	sleep 0.2
done
if [ -z "$port" ] || [ ! -c "$port" ]; then
	echo "qemu-monitor: no qemu.monitor virtio port" >&2
	exit 2
fi

# One user of the port at a time.
mkdir -p /run/lock
exec 8>/run/lock/ovnic-qemu-monitor
flock -w 60 8 || { echo "qemu-monitor: port busy" >&2; exit 2; }

exec 3<>"$port" || exit 2

# Drop whatever is pending (banner, old prompt).
chunk=
while IFS= read -r -t 0.3 -N 4096 chunk <&3 || [ -n "$chunk" ]; do
	chunk=
done

printf '%s\n' "$cmd" >&3

out=
end=$((SECONDS + timeout))
got=0
while [ "$SECONDS" -lt "$end" ]; do
	chunk=
	IFS= read -r -t 0.2 -N 4096 chunk <&3
	out+=$chunk
	clean=$(printf '%s' "$out" | tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g')
	# The reply ends with a fresh prompt after the echo of the command.
	case $clean in
	*"$cmd"*"(qemu) ") got=1; break ;;
	esac
done
exec 3>&-

clean=$(printf '%s' "$out" | tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g')
# Strip the echoed command and the trailing prompt.
reply=${clean#*"$cmd"}
reply=${reply%"(qemu) "}
reply=$(printf '%s\n' "$reply" | sed '/^[[:space:]]*$/d')
[ -n "$reply" ] && printf '%s\n' "$reply"

if [ "$got" = 0 ]; then
	echo "qemu-monitor: no reply to '$cmd' within ${timeout}s" >&2
	exit 2
fi
case $reply in
*Error*|*error:*) exit 1 ;;
esac
exit 0
