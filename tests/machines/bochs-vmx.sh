#!/bin/sh
# Boot Debian's kernel under Bochs with an Intel CPU that has VT-x and EPT
# (corei7_skylake_x), run one job inside (check, bench, demo or debug),
# and report like qemu-svm.sh. Bochs cannot load a kernel directly: the
# kernel and the L1 initramfs go on an isolinux CD image.
#   bochs-vmx.sh [--check|--bench|--demo|--debug [TESTS]|--selftests|--linux [TAGS]|--run]
set -e
# One emulator at a time on this machine (2 cores): wait for the other.
if [ -z "${HVX_EMU_LOCKED:-}" ]; then
	HVX_EMU_LOCKED=1 exec flock /tmp/hvx-emulator.lock "$0" "$@"
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
job=check
case ${1:-} in --bench) job=bench ;; --demo) job=demo ;; --debug) job=debug ;; --selftests) job=selftests ;; --linux) job=linux ;; --run) job=run ;; esac
extra="${2:+hvx.test=$2} ${3:+hvx.devs=$3}"
kver=$("$top/scripts/kver.sh")
out="$top/build/l1-bochs"
iso="$out/iso"
mkdir -p "$iso/isolinux"
"$top/tests/machines/mkinitramfs.sh" "$kver" "$iso/l1.gz"
cp "/boot/vmlinuz-$kver" "$iso/vmlinuz"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso/isolinux/"
cat > "$iso/isolinux/isolinux.cfg" <<CFG
DEFAULT l1
LABEL l1
  KERNEL /vmlinuz
  APPEND initrd=/l1.gz console=ttyS0 quiet loglevel=1 panic=-1 hvx.job=$job hvx.pad=1 $extra
CFG
genisoimage -quiet -o "$out/l1.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
	-no-emul-boot -boot-load-size 4 -boot-info-table -J -R "$iso"

log="$out/console-vmx-$job.log"
rm -f "$log" "$out/serial.out"
# Two L1 CPUs: Bochs 2.7's VMX never preempts a guest that runs without
# exits, so on one CPU a 2-vCPU guest spinning for its other vCPU (Linux
# bringing up an AP) freezes the machine. With two, each vCPU thread has
# its own CPU, and hvx's VMX runs on more than one CPU. It costs about
# twice the wall time of one (HVX_BOCHS_CPUS=1 for a quick run).
cpus=${HVX_BOCHS_CPUS:-2}
cat > "$out/bochsrc" <<RC
megs: 1024
cpu: model=corei7_skylake_x, count=$cpus, ips=200000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
ata0-master: type=cdrom, path=l1.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=serial.out
display_library: rfb, options="timeout=0"
log: bochs.log
panic: action=fatal
clock: sync=none
sound: driver=dummy
speaker: enabled=0
RC
printf 'c\nquit\n' > "$out/cmds"
echo "bochs-vmx: booting $kver under Bochs (corei7_skylake_x, $cpus CPUs), job $job; console in $log"
set +e
(cd "$out" && timeout 2520 bochs -f bochsrc -q -rc cmds > bochs.stdout 2>&1 < /dev/null)
st=$?
set -e
[ $st -eq 124 ] && echo "bochs-vmx: TIMEOUT after 2520 s (make check must stay under 45 minutes)"
# Bochs's paths are kept short and relative (it overflows a buffer on long
# ones), and its sound is the dummy driver (its ALSA mixer thread aborts on
# a machine without a sound card).
cp "$out/serial.out" "$log" 2>/dev/null || : > "$log"
tr -d '\r' < "$log" > "$log.txt" 2>/dev/null || : > "$log.txt"
"$top/tests/machines/report.sh" vmx "$job" "$log.txt"
