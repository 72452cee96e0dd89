# SPDX-License-Identifier: GPL-2.0
#
# ovnic top-level Makefile.
#
#   make                 build ovnic.ko for $(KERNEL), the ip link plugin and
#                        selftests/ovnic_udpseq
#   make KERNEL=6.1      the same against the 6.1 headers
#   make modules-all     build against every supported kernel (6.12 and 6.1)
#   make demo            set up, build, boot the VM, show VNICs passing traffic
#   make check           run the whole kselftest suite in the VM (6.12)
#   make smoke           build for 6.1 and run the smoke set in a 6.1 VM
#   make debug-kernel    build (or reuse) the debug kernel (KASAN, lockdep,
#                        kmemleak, ...) and ovnic.ko against it
#   make check KERNEL=debug  the whole suite on the debug kernel
#   make smoke KERNEL=debug  the smoke set on the debug kernel
#   make check-debug     the debug lane of CI: KUnit, the fuzzers, fault
#                        injection, privilege and the basic tests on the
#                        debug kernel (DEBUG_PROGS of selftests/Makefile)
#   make bench           iperf3 raw VF vs ovnic vs vxlan vs geneve, failover
#                        gap ovnic vs bonding, balance 2 PNICs vs 1, in the VM
#   make lint            checkpatch --strict and sparse (C=2)
#   make dkms-install    install the sources with DKMS on a real host
#
# KERNEL selects a supported kernel series (6.12 or 6.1) or "debug" (the
# kernel of scripts/debug-kernel.sh, cached outside the repository); KVER
# a precise release; KDIR a kernel build tree.
# ACCEL selects the QEMU accelerator of the VM targets (tcg or kvm).

KERNEL ?= 6.12
ifeq ($(KERNEL),debug)
# Empty until the debug kernel is built ("make debug-kernel").
ifeq ($(origin KVER),undefined)
KVER := $(shell scripts/debug-kernel.sh release 2>/dev/null)
endif
ifeq ($(origin KDIR),undefined)
KDIR := $(shell scripts/debug-kernel.sh path 2>/dev/null)
endif
# vm.sh finds the debug kernel's image and modules in the cache.
VM_KERNEL := debug
# KASAN, lockdep and kmemleak (scanned after every test) under TCG: the
# whole suite takes well over 100 minutes there.
CHECK_TIMEOUT := 10800
CHECK_KSFT_TIMEOUT := 1800
endif
KVER ?= $(shell ls -d /usr/src/linux-headers-$(KERNEL).*-amd64 /usr/src/linux-headers-$(KERNEL)-*-amd64 \
		2>/dev/null | sed 's|/usr/src/linux-headers-||' | sort -V | tail -n 1)
KDIR ?= /usr/src/linux-headers-$(KVER)
ACCEL ?= tcg
VM_KERNEL ?= $(KVER)
CHECK_TIMEOUT ?= 2200
CHECK_KSFT_TIMEOUT ?= 600
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

# Each kernel gets its own build directory (a tree of symlinks to the
# sources), so builds for several kernels coexist.
BUILD := $(CURDIR)/build/$(KVER)
KO := $(BUILD)/drivers/net/ovnic/ovnic.ko
PLUGIN := tools/iproute2/link_ovnic.so
# Traffic tool of the selftests and the benchmark (runs in the VM).
UDPSEQ := selftests/ovnic_udpseq

ifeq ($(WERROR),1)
KBUILD_WERROR := KCFLAGS=-Werror
endif

.PHONY: all modules modules-all plugin udpseq setup check smoke demo bench lint \
	checkpatch sparse dkms-install dkms-remove clean help debug-kernel check-debug

all: modules plugin udpseq

setup:
	@scripts/setup.sh --check >/dev/null 2>&1 || scripts/setup.sh

$(BUILD)/Kbuild: FORCE
	@test -n "$(KVER)" || { echo "no headers for kernel $(KERNEL); run 'make setup'" \
		"(KERNEL=debug: 'make debug-kernel')" >&2; exit 1; }
	@mkdir -p $(BUILD)
	@cp -rsf $(CURDIR)/Kbuild $(CURDIR)/drivers $(CURDIR)/include $(BUILD)/

modules: $(BUILD)/Kbuild
	$(MAKE) -C $(KDIR) M=$(BUILD) W=1 $(KBUILD_WERROR) modules
	@echo "built $(KO)"

modules-all:
	$(MAKE) KERNEL=6.12 modules
	$(MAKE) KERNEL=6.1 modules

plugin: $(PLUGIN)

udpseq: $(UDPSEQ)

$(UDPSEQ): selftests/ovnic_udpseq.c
	$(CC) -O2 -g -Wall -Wextra -Werror -o $@ $<

$(PLUGIN): tools/iproute2/link_ovnic.c tools/iproute2/ip_plugin.h include/uapi/linux/ovnic.h
	$(CC) -O2 -g -Wall -Wextra -Werror -fPIC -shared -Iinclude/uapi -o $@ $<

check: setup
ifeq ($(KERNEL),debug)
	$(MAKE) debug-kernel
endif
	$(MAKE) modules plugin udpseq
	scripts/vm.sh --kernel $(VM_KERNEL) --accel $(ACCEL) --suite full \
		--timeout $(CHECK_TIMEOUT) --ksft-timeout $(CHECK_KSFT_TIMEOUT)

smoke: setup
ifeq ($(KERNEL),debug)
	$(MAKE) debug-kernel
	$(MAKE) plugin udpseq
	scripts/vm.sh --kernel debug --accel $(ACCEL) --suite smoke
else
	$(MAKE) KERNEL=6.1 modules plugin udpseq
	scripts/vm.sh --kernel $$($(MAKE) -s KERNEL=6.1 print-kver) --accel $(ACCEL) --suite smoke
endif

check-debug: setup
	$(MAKE) debug-kernel
	$(MAKE) plugin udpseq
	scripts/vm.sh --kernel debug --accel $(ACCEL) --suite debug

# The debug kernel (built once per scripts/debug.config, ~10 min on 2
# cores, then cached), and ovnic.ko built against it. The sub-make reads
# the release of the kernel just built.
debug-kernel:
	scripts/debug-kernel.sh build
	$(MAKE) KERNEL=debug modules

demo: setup
	$(MAKE) modules plugin udpseq
	scripts/vm.sh --kernel $(KVER) --accel $(ACCEL) --demo

bench: setup
	$(MAKE) modules plugin udpseq
	scripts/vm.sh --kernel $(KVER) --accel $(ACCEL) --bench

print-kver:
	@echo $(KVER)

lint: checkpatch sparse

checkpatch: setup
	scripts/checkpatch.sh

sparse: $(BUILD)/Kbuild
	$(MAKE) -C $(KDIR) M=$(BUILD) C=2 CHECK=sparse modules 2>&1 | tee $(BUILD)/sparse.log
	@! grep -E '(warning|error):' $(BUILD)/sparse.log | grep -q ovnic || \
		{ echo "sparse: warnings in ovnic" >&2; exit 1; }

dkms-install:
	rm -rf /usr/src/ovnic-$(VERSION)
	mkdir -p /usr/src/ovnic-$(VERSION)
	cp -r dkms.conf Kbuild Makefile drivers include /usr/src/ovnic-$(VERSION)/
	dkms add -m ovnic -v $(VERSION) 2>/dev/null || true
	dkms build -m ovnic -v $(VERSION) -k $(KVER)
	dkms install -m ovnic -v $(VERSION) -k $(KVER)

dkms-remove:
	dkms remove -m ovnic -v $(VERSION) --all || true
	rm -rf /usr/src/ovnic-$(VERSION)

# Used by dkms.conf: build in place against KDIR.
dkms-build:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	rm -rf build $(PLUGIN) $(UDPSEQ)

help:
	@sed -n 's/^#   //p' Makefile

FORCE:
