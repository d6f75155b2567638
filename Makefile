# hvx: top-level build. `make` builds everything; `make check` runs all
# tests (installing what is missing first); `make demo` boots the emulated
# AMD machine and runs a guest on hvx.

KVER    ?= $(shell scripts/kver.sh 2>/dev/null)
KDIR    ?= /usr/src/linux-headers-$(KVER)
B       := build
CC      ?= cc
CFLAGS  := -O2 -g -Wall -Wextra -Wno-unused-parameter -std=gnu11 -Ilib -Ikernel
# Binaries go into the emulator's busybox initramfs: link them statically.
LDFLAGS := -static -pthread

LIB_SRCS    := $(wildcard lib/*.c)
HVX_SRCS    := $(wildcard tools/hvx/*.c) $(wildcard tools/hvx/devices/*.c) $(wildcard tools/hvx/loader/*.c)
VMTEST_SRCS := $(wildcard tests/vm/*.c)
BENCH_SRCS  := bench/exitcost.c
GUEST_SRCS  := $(wildcard guests/*.S)
GUESTS      := $(patsubst guests/%.S,$(B)/guests/%.bin,$(GUEST_SRCS)) $(B)/guests/multiboot.elf
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(wildcard tests/unit/test_*.c))

.PHONY: all module tools guests unit check demo bench setup clean kver selftests
all: module tools

kver:
	@echo $(KVER)

module:
	@test -n "$(KVER)" || { scripts/kver.sh; exit 1; }
	flock /tmp/hvx-kbuild.lock $(MAKE) -C $(KDIR) M=$(CURDIR)/kernel modules

tools: $(B)/hvx $(B)/hvx-vmtest $(B)/hvx-bench $(B)/hvx-boottime $(B)/hvx-ptyrun

guests: $(GUESTS)

# Guests are freestanding flat binaries: assembled, linked at their load
# address by their own linker script section, then stripped to raw bytes.
$(B)/guests/%.bin: guests/%.S guests/guest.ld
	@mkdir -p $(dir $@)
	$(CC) -c -nostdlib -ffreestanding -o $(B)/guests/$*.o $<
	ld -T guests/guest.ld -o $(B)/guests/$*.elf $(B)/guests/$*.o
	objcopy -O binary $(B)/guests/$*.elf $@

# The multiboot test kernel is an ELF32 file, as multiboot loaders take
# it: freestanding C, no SSE (CR4.OSFXSR is off at a multiboot entry).
$(B)/guests/multiboot.elf: guests/multiboot/mb32.c guests/multiboot/mb32.ld
	@mkdir -p $(dir $@)
	$(CC) -m32 -O2 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
		-mgeneral-regs-only -fno-asynchronous-unwind-tables -Wall -Wextra \
		-c -o $(B)/guests/mb32.o guests/multiboot/mb32.c
	ld -m elf_i386 --no-warn-rwx-segments -T guests/multiboot/mb32.ld -o $@ $(B)/guests/mb32.o

$(B)/hvx: $(HVX_SRCS) $(LIB_SRCS) $(wildcard tools/hvx/*.h tools/hvx/devices/*.h tools/hvx/loader/*.h lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itools/hvx -o $@ $(HVX_SRCS) $(LIB_SRCS) $(LDFLAGS)

# The VM tests embed the guest binaries (tests/vm/guests.S .incbin's them).
$(B)/hvx-vmtest: $(VMTEST_SRCS) $(LIB_SRCS) $(GUESTS) $(wildcard tests/vm/*.h lib/*.h) tests/vm/guests.S
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/vm -Wa,-I$(B)/guests -o $@ $(VMTEST_SRCS) tests/vm/guests.S $(LIB_SRCS) $(LDFLAGS)

$(B)/hvx-bench: $(BENCH_SRCS) $(LIB_SRCS) $(GUESTS) tests/vm/guests.S
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/vm -Wa,-I$(B)/guests -o $@ $(BENCH_SRCS) tests/vm/guests.S $(LIB_SRCS) $(LDFLAGS)

# A command on a pseudo-terminal, with keys typed in (tests/ptyrun.c).
$(B)/hvx-ptyrun: tests/ptyrun.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ tests/ptyrun.c $(LDFLAGS) -lutil

# Wall time of a guest's boot, around any command (bench/boottime.c).
$(B)/hvx-boottime: bench/boottime.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ bench/boottime.c $(LDFLAGS)

# Host-only unit tests: each links the pure code it tests.
$(B)/tests/unit/test_probe: tests/unit/test_probe.c tools/hvx/probe_eval.c tools/hvx/probe_eval.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itools/hvx -o $@ tests/unit/test_probe.c tools/hvx/probe_eval.c
$(B)/tests/unit/test_insn: tests/unit/test_insn.c tests/unit/unit.h kernel/x86/insn.c kernel/x86/insn.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ tests/unit/test_insn.c kernel/x86/insn.c
$(B)/tests/unit/test_walk: tests/unit/test_walk.c tests/unit/unit.h kernel/x86/walk.c kernel/x86/walk.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ tests/unit/test_walk.c kernel/x86/walk.c
# The guest loaders and ACPI tables are pure code over a RAM buffer.
$(B)/tests/unit/test_loader: tests/unit/test_loader.c tests/unit/unit.h $(wildcard tools/hvx/loader/*.c tools/hvx/loader/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itools/hvx -o $@ tests/unit/test_loader.c $(wildcard tools/hvx/loader/*.c)
# The APIC rules are header-only (kernel/irq/lapic.h).
$(B)/tests/unit/test_lapic: tests/unit/test_lapic.c tests/unit/unit.h kernel/irq/lapic.h kernel/irq/irq.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ tests/unit/test_lapic.c
# The devices of `hvx run` and its console, driven through the port I/O bus.
DEVICE_SRCS := $(wildcard tools/hvx/devices/*.c) tools/hvx/console.c
$(B)/tests/unit/test_devices: tests/unit/test_devices.c tests/unit/unit.h $(DEVICE_SRCS) $(wildcard tools/hvx/devices/*.h) tools/hvx/console.h tools/hvx/loader/loader.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itools/hvx -o $@ tests/unit/test_devices.c $(DEVICE_SRCS) -pthread
$(B)/tests/unit/%: tests/unit/%.c $(LIB_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itools/hvx -o $@ $< $(LIB_SRCS)

unit: $(UNIT_TESTS)
	@scripts/run-unit.sh $(UNIT_TESTS)

# KVM's own x86_64 selftests (Linux 6.1, from Debian's linux-source-6.1),
# static, into build/selftests/; the emulated machines run them on hvx
# and on KVM (tests/selftests/*.list). Cached: rebuilt when the tarball is.
selftests:
	scripts/build-selftests.sh

setup:
	scripts/setup.sh

check: setup
	$(MAKE) all guests selftests
	MACHINE=$(MACHINE) tests/run-all.sh

demo: setup
	$(MAKE) all guests
	tests/machines/demo.sh

# MACHINE=svm, vmx, or all (the default): which emulated machines
# `make check` and `make bench` use.
MACHINE ?= all
bench: setup
	$(MAKE) all guests
	@if [ "$(MACHINE)" != vmx ]; then tests/machines/qemu-svm.sh --bench; fi
	@if [ "$(MACHINE)" != svm ]; then tests/machines/bochs-vmx.sh --bench; fi

clean:
	rm -rf $(B)
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel clean
