#!/bin/busybox sh
# /init of the emulated L1 machine: mount the basics, then run the job
# named on the kernel command line (hvx.job=check|bench|demo), then power
# off so that the emulator exits.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mkdir -p /sys/kernel/debug && mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
job=check
for a in $(cat /proc/cmdline); do
	case $a in hvx.job=*) job=${a#hvx.job=} ;; esac
done
echo "L1: $(uname -r), $(nproc) CPUs, job $job"
sh /hvx/l1-$job.sh
echo "L1: job $job finished with status $?"
# Bochs writes its serial file through a 4 KiB buffer: fill it so that the
# last lines reach the file before the machine powers off.
# The UART drains that at its own (emulated) speed: give it a moment.
printf '%4000s\n' ' '
sleep 2
sync
poweroff -f
