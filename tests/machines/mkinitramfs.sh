#!/bin/sh
# Build the L1 initramfs: busybox, Debian's kernel modules that hvx is
# compared with (kvm, kvm-amd, kvm-intel and their dependencies, msr),
# hvx.ko, the hvx programs, the L1 scripts, and the KVM selftests that
# the machine's list (tests/selftests/MACHINE.list) names.
#   mkinitramfs.sh KVER OUT.cpio.gz [svm|vmx]
# Without MACHINE, an OUT under build/l1-bochs/ is the vmx machine's.
# HVX_SELFTESTS_LIST=FILE takes the selftests from FILE instead (a subset
# while debugging; /dev/null for none).
set -e
kver=$1 out=$2 machine=${3:-}
if [ -z "$machine" ]; then
	case $out in *l1-bochs*) machine=vmx ;; *) machine=svm ;; esac
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
	"$root/hvx" "$root/lib/modules/$kver"
cp /bin/busybox "$root/bin/busybox"
for m in kernel/virt/lib/irqbypass.ko kernel/drivers/crypto/ccp/ccp.ko \
	 kernel/arch/x86/kvm/kvm.ko kernel/arch/x86/kvm/kvm-amd.ko \
	 kernel/arch/x86/kvm/kvm-intel.ko kernel/arch/x86/kernel/msr.ko; do
	mkdir -p "$root/lib/modules/$kver/$(dirname $m)"
	cp "/usr/lib/modules/$kver/$m" "$root/lib/modules/$kver/$m"
done
cp /usr/lib/modules/$kver/modules.order /usr/lib/modules/$kver/modules.builtin \
	"$root/lib/modules/$kver/" 2>/dev/null || true
touch "$root/lib/modules/$kver/modules.builtin.modinfo"
depmod -b "$root" "$kver"

cp "$top/kernel/hvx.ko" "$root/hvx/"
for f in hvx hvx-vmtest hvx-bench hvx-boottime hvx-ptyrun; do
	[ -f "$top/build/$f" ] && cp "$top/build/$f" "$root/bin/"
done
cp -r "$top/build/guests" "$root/hvx/guests"
# The Linux guest of `hvx run`: this very kernel, and its busybox initramfs.
cp "/boot/vmlinuz-$kver" "$root/hvx/vmlinuz"
"$top/tests/guest-linux/mkinitrd.sh" "$root/hvx/guest-linux.gz"
cp "$top"/tests/machines/l1-*.sh "$root/hvx/"
cp "$top/tests/machines/l1-init.sh" "$root/init"
# KVM's selftests: only the listed ones (each is a static binary of about
# 1 MB, and Bochs unpacks the initramfs slowly). A missing binary is
# reported by the L1 job, not here: `make selftests` builds them.
list=${HVX_SELFTESTS_LIST:-$top/tests/selftests/$machine.list}
if [ -r "$list" ]; then
	mkdir -p "$root/selftests"
	cp "$list" "$root/hvx/selftests.list"
	for t in $(grep -vE '^[[:space:]]*(#|$|timeout=)' "$list" | awk '{ print $1 }'); do
		if [ -f "$top/build/selftests/$t" ]; then
			cp "$top/build/selftests/$t" "$root/selftests/"
		fi
	done
fi
chmod +x "$root/init" "$root"/hvx/*.sh

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out"
