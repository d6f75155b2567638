#!/bin/sh
# The initramfs of the Linux guest that `hvx run` boots inside the emulated
# machines: Debian's busybox-static and tests/guest-linux/init.
#   mkinitrd.sh OUT.cpio.gz
set -e
out=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/dev"
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$top/tests/guest-linux/init" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -9 > "$out"
