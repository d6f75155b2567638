#!/bin/sh
# Print the kernel version V for which both /boot/vmlinuz-V and the headers
# /usr/src/linux-headers-V are installed (the newest such V). hvx.ko is built
# against those headers and boots under that kernel inside the emulator.
# Exit 1 with a message when there is none.
best=
for h in /usr/src/linux-headers-*; do
	v=${h#/usr/src/linux-headers-}
	[ -f "$h/Makefile" ] || continue
	[ -f "/boot/vmlinuz-$v" ] || continue
	[ -f "/usr/lib/modules/$v/kernel/arch/x86/kvm/kvm.ko" ] || [ -f "/usr/lib/modules/$v/kernel/arch/x86/kvm/kvm.ko.xz" ] || continue
	best=$v
done
if [ -z "$best" ]; then
	echo "kver.sh: no kernel with both /boot/vmlinuz-V and /usr/src/linux-headers-V (run scripts/setup.sh)" >&2
	exit 1
fi
echo "$best"
