#!/bin/busybox sh
# /init of the emulated L1 machine: mount the basics, then run the job
# named on the kernel command line (hvx.job=check|bench|demo), then power
# off so that the emulator exits.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts	# hvx-ptyrun's terminals
mkdir -p /sys/kernel/debug && mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
job=check pad=0
for a in $(cat /proc/cmdline); do
	case $a in
	hvx.job=*) job=${a#hvx.job=} ;;
	hvx.pad=1) pad=1 ;;
	esac
done
echo "L1: $(uname -r), $(nproc) CPUs, job $job"
sh /hvx/l1-$job.sh
echo "L1: job $job finished with status $?"
# Bochs writes its serial file through a 4 KiB buffer (hvx.pad=1): fill it
# so that the last lines reach the file before the machine powers off, and
# give the UART a moment to drain at its own (emulated) speed.
if [ $pad = 1 ]; then
	printf '%4000s\n' ' '
	sleep 2
fi
sync
poweroff -f
