#!/bin/sh
# Install from Debian's archive whatever hvx needs and is missing. Safe to
# run again: it only calls apt-get when a package is absent.
set -e
PKGS="build-essential binutils cpio gzip qemu-system-x86 linux-image-amd64 \
linux-headers-amd64 busybox-static kmod bochs bochsbios vgabios isolinux \
syslinux-common genisoimage linux-source-6.1"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq $missing
fi
# The kernel to boot in the emulator and its headers must match.
v=$(scripts/kver.sh)
echo "setup: kernel $v (vmlinuz, headers and KVM modules present)"
