#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the ovnic test VM (host side): builds a small busybox initramfs,
# boots QEMU with the host root shared read-only over 9p, four igb SR-IOV
# PFs on two wires and a monitor port for the guest, runs the selftests,
# the demo or a shell command in the guest, and collects the results.
#
#   scripts/vm.sh --kernel RELEASE [options]
#
#   --kernel RELEASE   kernel to boot: /boot/vmlinuz-RELEASE with modules
#                      from /lib/modules/RELEASE; ovnic.ko is taken from
#                      build/RELEASE/drivers/net/ovnic/ovnic.ko
#   --kernel debug     the debug kernel cached by scripts/debug-kernel.sh
#                      (also chosen by its release, *-ovnic-debug); the
#                      guest sees its modules under /lib/modules/RELEASE,
#                      kmemleak is scanned after every test; default
#                      timeouts 3600 s (VM) and 900 s (per test)
#   --accel tcg|kvm    QEMU accelerator (default tcg)
#   --suite full|smoke|debug  run TEST_PROGS, SMOKE_PROGS or DEBUG_PROGS
#                      of selftests/Makefile
#   --tests "A B"      run only these selftests (selftests/x.sh, x.sh or a path)
#   --demo             run the demo (scripts/demo-guest.sh)
#   --bench            run the benchmark (scripts/bench-guest.sh)
#   --shell-cmd CMD    run CMD in the guest after topology and insmod and
#                      print its output (before the tests if both are given)
#   --timeout SECONDS  whole-VM timeout (default 1200); QEMU is killed
#   --ksft-timeout S   per-test timeout (default 300)
#   --keep             keep the results folder (console log, dmesg, logs)
#
# Environment: VM_SMP (2), VM_MEM (2560, keep it below 2816), VM_CPU (max), VM_EXTRA_APPEND (kernel args),
# VM_QEMU_ARGS (more QEMU options), OVNIC_VM_TMP (where the run folder is
# made, default /var/tmp), BENCH_* (passed to scripts/bench-guest.sh),
# FUZZ_* (passed to the fuzzers), KSFT_MACHINE_SLOW (selftests/lib.sh).
#
# Prints the guest's TAP as it arrives, then exactly one line
# "N passed, N failed[, N skipped]" for test runs. Exits 1 when the VM
# timed out, the guest did not finish, a test failed or the kernel log
# has warnings/oopses/lockdep/leak reports.

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)

kernel=
accel=tcg
suite=
tests=
demo=0
bench=0
shell_cmd=
have_shell_cmd=0
vm_timeout=
ksft_timeout=
keep=0

usage() {
	sed -n '4,/^$/s/^# \{0,1\}//p' "$0"
	exit "${1:-0}"
}

die() {
	echo "vm.sh: $*" >&2
	exit 1
}

need_arg() {
	[ $# -ge 2 ] || die "option $1 needs an argument"
}

while [ $# -gt 0 ]; do
	case $1 in
	--kernel) need_arg "$@"; kernel=$2; shift 2 ;;
	--kernel-dir) die "--kernel-dir is not implemented yet" ;;
	--accel) need_arg "$@"; accel=$2; shift 2 ;;
	--suite) need_arg "$@"; suite=$2; shift 2 ;;
	--tests) need_arg "$@"; tests=$2; shift 2 ;;
	--demo) demo=1; shift ;;
	--bench) bench=1; shift ;;
	--shell-cmd) need_arg "$@"; shell_cmd=$2; have_shell_cmd=1; shift 2 ;;
	--timeout) need_arg "$@"; vm_timeout=$2; shift 2 ;;
	--ksft-timeout) need_arg "$@"; ksft_timeout=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	-h|--help) usage 0 ;;
	*) echo "vm.sh: unknown argument '$1'" >&2; usage 2 >&2 ;;
	esac
done

[ -n "$kernel" ] || die "--kernel RELEASE is required (e.g. $(uname -r))"

# The debug kernel (scripts/debug-kernel.sh) lives in its cache: image
# there, modules under <modroot>/lib/modules/<release>, which the guest
# init mounts over /lib/modules (the host's /lib/modules stays untouched).
modroot=
debug=0
if [ "$kernel" = debug ] ||
	{ [[ $kernel == *-ovnic-debug ]] && [ ! -e "/boot/vmlinuz-$kernel" ]; }; then
	dk=$SCRIPT_DIR/debug-kernel.sh
	rel=$("$dk" release) || die "no debug kernel: build it first (make debug-kernel)"
	[ "$kernel" = debug ] || [ "$kernel" = "$rel" ] ||
		die "the debug kernel of scripts/debug.config is $rel, not $kernel"
	kernel=$rel
	vmlinuz=$("$dk" image)
	modroot=$("$dk" moddir)
	debug=1
	case $modroot in
	/tmp/*|/run/*|/proc/*|/sys/*|/dev/*)
		die "debug kernel modules $modroot are not visible in the guest (OVNIC_DEBUG_CACHE)" ;;
	esac
else
	vmlinuz=/boot/vmlinuz-$kernel
fi
# KASAN, lockdep and kmemleak make the debug kernel ~2-3 times slower.
if [ "$debug" = 1 ]; then
	: "${vm_timeout:=3600}" "${ksft_timeout:=900}"
else
	: "${vm_timeout:=1200}" "${ksft_timeout:=300}"
fi
case $accel in
tcg|kvm) ;;
*) die "--accel must be tcg or kvm" ;;
esac
case $suite in
''|full|smoke|debug) ;;
*) die "--suite must be full, smoke or debug" ;;
esac
[[ $vm_timeout =~ ^[0-9]+$ ]] || die "--timeout needs a number of seconds"
[[ $ksft_timeout =~ ^[0-9]+$ ]] || die "--ksft-timeout needs a number of seconds"
if [ "$demo" = 1 ] && { [ -n "$suite" ] || [ -n "$tests" ]; }; then
	die "--demo cannot be combined with --suite/--tests"
fi
if [ "$bench" = 1 ] && { [ -n "$suite" ] || [ -n "$tests" ] || [ "$demo" = 1 ]; }; then
	die "--bench cannot be combined with --suite/--tests/--demo"
fi
if [ -n "$suite" ] && [ -n "$tests" ]; then
	die "use either --suite or --tests"
fi
if [ "$demo" = 0 ] && [ "$bench" = 0 ] && [ -z "$suite" ] && [ -z "$tests" ] &&
	[ "$have_shell_cmd" = 0 ]; then
	die "nothing to do: give --suite, --tests, --demo, --bench or --shell-cmd"
fi

moddir=$modroot/lib/modules/$kernel
ko=$ROOT/build/$kernel/drivers/net/ovnic/ovnic.ko
[ -r "$vmlinuz" ] || die "no kernel image $vmlinuz"
[ -d "$moddir" ] || die "no modules directory $moddir"
[ -f "$ko" ] || die "no module $ko: build it first (make KVER=$kernel modules)"
[ -f "$ROOT/tools/iproute2/link_ovnic.so" ] ||
	echo "vm.sh: warning: tools/iproute2/link_ovnic.so is not built" >&2
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (scripts/setup.sh)"
busybox=$(command -v busybox) || die "busybox not found (busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked (install busybox-static)"
fi

# Tests to run, as absolute paths.
test_list=()
if [ -n "$suite" ]; then
	var=TEST_PROGS
	[ "$suite" = smoke ] && var=SMOKE_PROGS
	[ "$suite" = debug ] && var=DEBUG_PROGS
	[ -f "$ROOT/selftests/Makefile" ] || die "no selftests/Makefile"
	# shellcheck disable=SC2016
	names=$(make -s --no-print-directory -C "$ROOT/selftests" -f Makefile \
		--eval 'print-%: ; @echo $($*)' "print-$var") ||
		die "cannot read $var from selftests/Makefile"
	for t in $names; do
		test_list+=("$ROOT/selftests/$t")
	done
	[ ${#test_list[@]} -gt 0 ] || die "$var of selftests/Makefile is empty"
elif [ -n "$tests" ]; then
	for t in $tests; do
		case $t in
		/*) ;;
		*/*) t=$ROOT/$t ;;
		*) t=$ROOT/selftests/$t ;;
		esac
		test_list+=("$t")
	done
fi
for t in "${test_list[@]}"; do
	[ -f "$t" ] || die "no test $t"
	case $t in
	"$ROOT"/*) ;;	# the repository has a share of its own
	/tmp/*|/run/*|/proc/*|/sys/*|/dev/*)
		die "test $t is not visible in the guest (use the repo or /var/tmp)" ;;
	esac
done

mode=none
[ ${#test_list[@]} -gt 0 ] && mode=tests
[ "$demo" = 1 ] && mode=demo
[ "$bench" = 1 ] && mode=bench

# Run folder: initramfs, monitor socket and the results shared with the guest.
work=$(mktemp -d "${OVNIC_VM_TMP:-/var/tmp}/ovnic-vm.XXXXXX")
res=$work/results
mkdir -p "$res"
qemu_pid=

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local rc=$?

	trap - EXIT INT TERM
	if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		kill "$qemu_pid" 2>/dev/null || true
		sleep 1
		kill -9 "$qemu_pid" 2>/dev/null || true
	fi
	rm -rf "$work/initramfs" "$work/initramfs.cpio" "$work/mon.sock"
	if [ "$keep" = 1 ]; then
		echo "vm.sh: results kept in $res" >&2
	else
		rm -rf "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- job description for the guest (sourced by bash there)
{
	printf 'VM_MODE=%q\n' "$mode"
	printf 'VM_OVNIC_KO=%q\n' "$ko"
	printf 'VM_KSFT_TIMEOUT=%q\n' "$ksft_timeout"
	# BENCH_* settings of scripts/bench-guest.sh, FUZZ_* of the fuzzers
	# and KSFT_MACHINE_SLOW (selftests/lib.sh) pass through.
	for v in "${!BENCH_@}" "${!FUZZ_@}" "${!KSFT_MACHINE_SLOW@}"; do
		printf 'export %s=%q\n' "$v" "${!v}"
	done
	printf 'VM_TESTS=('
	for t in "${test_list[@]}"; do
		printf ' %q' "$t"
	done
	printf ' )\n'
	if [ "$have_shell_cmd" = 1 ]; then
		printf 'VM_SHELL_CMD=%q\n' "$shell_cmd"
	fi
} >"$res/vm.conf"
: >"$res/output.log"

# --- initramfs: static busybox, the 9p/virtio modules, /init
build_initramfs() {
	local dir=$work/initramfs line kind path base n=0 q_root

	mkdir -p "$dir"/{bin,dev,proc,sys,newroot,results,lib/mods}
	cp "$busybox" "$dir/bin/busybox"
	if [ "$(id -u)" = 0 ]; then
		mknod -m 600 "$dir/dev/console" c 5 1
		mknod -m 666 "$dir/dev/null" c 1 3
	fi
	# Modules needed to mount the 9p shares, dependencies first.
	# Built-in ones (the debug kernel's) are "builtin" lines: skipped.
	modprobe -S "$kernel" -d "${modroot:-/}" --show-depends -a virtio_pci 9pnet_virtio 9p \
		>"$work/mods.txt" || die "cannot resolve the 9p modules of $kernel"
	: >"$dir/lib/mods/order"
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		base=${path##*/}
		base=${base%.xz}
		base=${base%.zst}
		base=${base%.gz}
		grep -qx "[0-9]*-$base" "$dir/lib/mods/order" 2>/dev/null && continue
		n=$((n + 1))
		case $path in
		*.xz) xz -dc "$path" ;;
		*.zst) zstd -qdc "$path" ;;
		*.gz) gzip -dc "$path" ;;
		*) cat "$path" ;;
		esac >"$dir/lib/mods/$n-$base"
		echo "$n-$base" >>"$dir/lib/mods/order"
	done <"$work/mods.txt"

	q_root=${ROOT//\'/\'\\\'\'}
	q_modroot=${modroot//\'/\'\\\'\'}
	cat >"$dir/init" <<EOF
#!/bin/busybox sh
# ovnic VM init: mount the host root (9p) and the shares under \$R, make
# \$R the root of the mount namespace (as switch_root does) and run
# scripts/vm-guest.sh there. A real root, not a chroot: user namespaces
# can be made (a chrooted process may not), and the kernel's threads share
# PID 1's root (CLONE_FS), so its module loader finds the host's
# /sbin/modprobe. PID 1 never exits: every path ends in a power off.
ROOT='$q_root'
MODROOT='$q_modroot'
R=/newroot
RES=/tmp/ovnic-results
# Stage 2 (PID 1 after the switch) lives on the guest's tmpfs /run with a
# copy of this busybox: the initramfs is out of reach once \$R is /.
S2=/run/ovnic-init
O9P=trans=virtio,version=9p2000.L,msize=262144
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
fail() {
	echo "ovnic-vm init: \$*"
	sync
	poweroff -f
	sleep 5
	echo o >/proc/sysrq-trigger
	while :; do sleep 60; done
}
for m in \$(cat /lib/mods/order); do
	insmod /lib/mods/\$m || fail "insmod \$m failed"
done
mount -t 9p -o \$O9P,ro,cache=loose hostroot \$R || fail "cannot mount the host root"
mount -t tmpfs -o mode=1777 tmpfs \$R/tmp || fail "tmpfs /tmp"
mount -t tmpfs -o mode=0755 tmpfs \$R/run || fail "tmpfs /run"
# Modules kept outside /lib/modules (debug kernel): an empty tmpfs over
# the host's /lib/modules with only this release bound into it.
if [ -n "\$MODROOT" ]; then
	REL=\$(uname -r)
	LM=\$R/lib/modules
	[ -L \$R/lib ] && LM=\$R/usr/lib/modules
	mount -t tmpfs -o mode=0755 tmpfs \$LM || fail "tmpfs /lib/modules"
	mkdir -p \$LM/\$REL
	mount -o bind "\$R\$MODROOT/lib/modules/\$REL" \$LM/\$REL ||
		fail "cannot bind the modules of \$REL from \$MODROOT"
fi
mkdir -p \$R\$RES
mount -t 9p -o \$O9P ovnicres \$R\$RES || fail "cannot mount the results folder"
mkdir -p "\$R\$ROOT" 2>/dev/null
mount -t 9p -o \$O9P,ro,cache=loose ovnicrepo "\$R\$ROOT" || fail "cannot mount the repository"
mount -t proc proc \$R/proc || fail "proc"
mount -t sysfs sysfs \$R/sys || fail "sysfs"
mount -t devtmpfs devtmpfs \$R/dev || fail "devtmpfs"
mkdir -p \$R\$S2 && cp /bin/busybox \$R\$S2/busybox || fail "cannot copy busybox to \$S2"
cat >\$R\$S2/stage2 <<'S2EOF'
# PID 1 in the new root: run the guest script, then power off.
B=/run/ovnic-init/busybox
off() {
	\$B sync
	\$B poweroff -f
	\$B sleep 5
	echo o >/proc/sysrq-trigger
	while :; do \$B sleep 60; done
}
cd /
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# The module loader's helper, now reachable in this root.
echo /sbin/modprobe >/proc/sys/kernel/modprobe
if [ -x /bin/bash ]; then
	/bin/bash "\$OVNIC_ROOT/scripts/vm-guest.sh"
	echo "ovnic-vm init: guest script exited with \$?"
else
	echo "ovnic-vm init: no /bin/bash in the host root"
fi
off
S2EOF
# Everything the exec below needs must work, or PID 1 would exit.
chroot \$R \$S2/busybox true || fail "cannot run \$S2/busybox in \$R"
export OVNIC_ROOT="\$ROOT" OVNIC_RESULTS=\$RES
# The initramfs' own sys/dev/proc would stay mounted, unreachable
# (lazily: the console and this shell may hold files there).
umount -l /sys
umount -l /dev
cd \$R || fail "cd \$R"
mount --move . / || fail "cannot move \$R to /"
umount -l /proc
# chroot . in PID 1 itself: the shared root of the kernel threads moves
# too. From here on only the new root's files exist for path lookups.
exec /bin/busybox chroot . \$S2/busybox sh \$S2/stage2
EOF
	chmod 755 "$dir/init"
	(cd "$dir" && find . | cpio -o -H newc --quiet) >"$work/initramfs.cpio"
}
build_initramfs

# --- QEMU
mapfile -t pf_args < <("$SCRIPT_DIR/topology.sh" qemu-args)
[ ${#pf_args[@]} -gt 0 ] || die "topology.sh qemu-args gave nothing"

cpu=${VM_CPU:-max}
# Guest RAM must stay below 2.75 GiB: with more, q35 maps RAM above 4 GiB,
# the firmware then places the igb PFs' 64-bit VF BARs high, and the VFs'
# register accesses never reach the emulated device (no mailbox, so igbvf
# reports "PF still in reset state" and never gets link).
mem=${VM_MEM:-2560}
append="console=ttyS0 loglevel=4 panic=-1 panic_on_warn=0 printk_devkmsg=on"
append+=" rdinit=/init mitigations=off"
# Debug kernel: kmemleak on (scanned by the harness after every test);
# reports are printed, not fatal: the log scan fails the test.
[ "$debug" = 1 ] && append+=" kmemleak=on"
append+=" ${VM_EXTRA_APPEND:-}"

# shellcheck disable=SC2054 # commas belong to QEMU options
qemu=(qemu-system-x86_64
	-machine q35 -accel "$accel" -cpu "$cpu"
	-smp "${VM_SMP:-2}" -m "$mem"
	-nodefaults -no-reboot -display none
	-serial "file:$res/console.log"
	-kernel "$vmlinuz" -initrd "$work/initramfs.cpio" -append "$append"
	-device virtio-rng-pci
	-fsdev "local,id=fsroot,path=/,security_model=none,readonly=on,multidevs=remap"
	-device virtio-9p-pci,fsdev=fsroot,mount_tag=hostroot
	-fsdev "local,id=fsrepo,path=$ROOT,security_model=none,readonly=on,multidevs=remap"
	-device virtio-9p-pci,fsdev=fsrepo,mount_tag=ovnicrepo
	-fsdev "local,id=fsres,path=$res,security_model=none,multidevs=remap"
	-device virtio-9p-pci,fsdev=fsres,mount_tag=ovnicres
	-chardev "socket,id=monport,path=$work/mon.sock,server=on,wait=off"
	-device virtio-serial-pci,id=vser
	-device virtserialport,bus=vser.0,chardev=monport,name=qemu.monitor
	-chardev "socket,id=monclient,path=$work/mon.sock,reconnect-ms=100"
	-mon chardev=monclient,mode=readline
	"${pf_args[@]}")
# Extra QEMU options for debugging, e.g. VM_QEMU_ARGS="-trace igb_*".
read -r -a qemu_extra <<<"${VM_QEMU_ARGS:-}"
[ ${#qemu_extra[@]} -eq 0 ] || qemu+=("${qemu_extra[@]}")

echo "vm.sh: booting $kernel$([ "$debug" = 1 ] && echo " (debug kernel)") ($accel, ${#test_list[@]} tests, job $mode)" >&2
start=$SECONDS
"${qemu[@]}" </dev/null >"$res/qemu.log" 2>&1 &
qemu_pid=$!

# Stream complete lines of output.log while the VM runs; enforce the timeout.
printed=0
stream() {
	local n

	n=$(wc -l <"$res/output.log")
	if [ "$n" -gt "$printed" ]; then
		sed -n "$((printed + 1)),${n}p" "$res/output.log"
		printed=$n
	fi
}
timed_out=0
while kill -0 "$qemu_pid" 2>/dev/null; do
	stream
	if [ $((SECONDS - start)) -ge "$vm_timeout" ]; then
		timed_out=1
		kill "$qemu_pid" 2>/dev/null || true
		for _ in 1 2 3 4 5; do
			kill -0 "$qemu_pid" 2>/dev/null || break
			sleep 1
		done
		kill -9 "$qemu_pid" 2>/dev/null || true
		break
	fi
	sleep 1
done
qemu_rc=0
wait "$qemu_pid" || qemu_rc=$?
qemu_pid=
stream
elapsed=$((SECONDS - start))

# --- verdict
reasons=()
[ "$timed_out" = 1 ] && reasons+=("QEMU timed out after $vm_timeout s")
if [ ! -f "$res/done" ]; then
	reasons+=("the guest did not finish (no done marker; QEMU exit status $qemu_rc)")
fi
if [ -s "$res/guest-error" ]; then
	while read -r line; do
		reasons+=("guest: $line")
	done <"$res/guest-error"
fi

pass=0 fail=0 skip=0 missing=0
if [ "$mode" = tests ]; then
	if [ -f "$res/ksft.tap" ]; then
		skip=$(grep -c -E '^ok [0-9]+ .*# SKIP' "$res/ksft.tap" || true)
		pass=$(grep -c -E '^ok [0-9]+ ' "$res/ksft.tap" || true)
		pass=$((pass - skip))
		fail=$(grep -c -E '^not ok [0-9]+ ' "$res/ksft.tap" || true)
	fi
	missing=$((${#test_list[@]} - pass - fail - skip))
	if [ "$missing" -gt 0 ]; then
		reasons+=("$missing of ${#test_list[@]} tests did not report a result")
	else
		missing=0
	fi
fi

dmesg_bad=0
if [ -f "$res/dmesg.txt" ]; then
	[ -f "$res/dmesg-hits.txt" ] || : >"$res/dmesg-hits.txt"
	hits=$("$SCRIPT_DIR/ksft-run.sh" --scan "$res/dmesg.txt" |
		grep -v -x -F -f "$res/dmesg-hits.txt" || true)
	if [ -n "$hits" ]; then
		dmesg_bad=1
		reasons+=("kernel log has warnings/errors outside the tests:")
		while IFS= read -r line; do
			reasons+=("  $line")
		done < <(head -n 20 <<<"$hits")
	fi
fi

job_rc=0
if [ "$have_shell_cmd" = 1 ]; then
	src=$(cat "$res/shell.rc" 2>/dev/null || echo "?")
	echo "# vm: shell command exit status $src"
	[ "$src" = 0 ] || { job_rc=1; reasons+=("shell command exit status $src"); }
fi
if [ "$mode" = demo ]; then
	drc=$(cat "$res/demo.rc" 2>/dev/null || echo "?")
	[ "$drc" = 0 ] || { job_rc=1; reasons+=("demo exit status $drc"); }
fi
if [ "$mode" = bench ]; then
	brc=$(cat "$res/bench.rc" 2>/dev/null || echo "?")
	echo "# vm: bench exit status $brc"
	[ "$brc" = 0 ] || { job_rc=1; reasons+=("bench exit status $brc"); }
fi

if [ -f "$res/timings" ]; then
	echo "# vm: guest uptime at: $(awk '{printf "%s %ss, ", $1, $2}' "$res/timings" | sed 's/, $//')"
fi
echo "# vm: QEMU ran $elapsed s ($accel)"

failed=0
[ ${#reasons[@]} -gt 0 ] && failed=1
if [ "$failed" = 1 ]; then
	for r in "${reasons[@]}"; do
		echo "# vm: FAIL: $r"
	done
	echo "# vm: last lines of the console log ($res/console.log):"
	tail -n 40 "$res/console.log" 2>/dev/null | sed 's/^/# | /'
	grep -v 'is not connected to host network' "$res/qemu.log" 2>/dev/null | sed 's/^/# qemu: /' || true
fi

rc=0
[ "$failed" = 1 ] && rc=1
if [ "$mode" = tests ]; then
	# Failures that no test line accounts for count as one more failure.
	extra_fail=0
	if [ "$failed" = 1 ] && [ "$missing" = 0 ]; then
		extra_fail=1
	fi
	total_fail=$((fail + missing + extra_fail))
	[ "$total_fail" -gt 0 ] && rc=1
	line="$pass passed, $total_fail failed"
	[ "$skip" -gt 0 ] && line+=", $skip skipped"
	echo "$line"
elif [ "$mode" = demo ]; then
	if [ "$rc" = 0 ] && [ "$job_rc" = 0 ]; then
		echo "demo: ok"
	else
		echo "demo: FAILED"
	fi
fi
[ "$job_rc" = 0 ] || rc=1
[ "$dmesg_bad" = 0 ] || rc=1
exit "$rc"
