#!/bin/sh
# Boot Debian's kernel under QEMU TCG with an emulated AMD CPU that has
# SVM and NPT (-cpu max), run one job inside (check, bench or demo) and
# report. Prints the RESULT lines of the job and, for check, a final
# "N passed, N failed"; exits non-zero when anything failed.
#   qemu-svm.sh [--check|--bench|--demo|--debug [TESTS]|--selftests|--linux [TAGS]|--run]
set -e
# One emulator at a time on this machine (2 cores): wait for the other.
if [ -z "${HVX_EMU_LOCKED:-}" ]; then
	HVX_EMU_LOCKED=1 exec flock /tmp/hvx-emulator.lock "$0" "$@"
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
job=check
case ${1:-} in --bench) job=bench ;; --demo) job=demo ;; --debug) job=debug ;; --selftests) job=selftests ;; --linux) job=linux ;; --run) job=run ;; esac
extra=${2:+hvx.test=$2}
kver=$("$top/scripts/kver.sh")
out="$top/build/l1"
mkdir -p "$out"
"$top/tests/machines/mkinitramfs.sh" "$kver" "$out/l1.cpio.gz"

log="$out/console-svm-$job.log"
echo "qemu-svm: booting $kver under QEMU TCG (-cpu max, 2 CPUs), job $job; console in $log"
set +e
if [ "$job" = demo ] && [ -t 0 ]; then
	# Every key goes to the machine's serial console (no QEMU escape, no
	# SIGINT), so that hvx's own console in there gets Ctrl-A and Ctrl-C.
	qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 \
		-kernel "/boot/vmlinuz-$kver" -initrd "$out/l1.cpio.gz" \
		-append "console=ttyS0 quiet panic=-1 hvx.job=$job hvx.interactive=1 $extra loglevel=1" \
		-display none -monitor none -chardev stdio,id=con,signal=off -serial chardev:con \
		-no-reboot 2>&1 | tee "$log"
else
	timeout 1500 qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 \
		-kernel "/boot/vmlinuz-$kver" -initrd "$out/l1.cpio.gz" \
		-append "console=ttyS0 quiet panic=-1 hvx.job=$job $extra loglevel=1" \
		-display none -serial stdio -monitor none -no-reboot < /dev/null > "$log" 2>&1
	st=$?
	[ $st -eq 124 ] && echo "qemu-svm: TIMEOUT after 1500 s"
fi
set -e
tr -d '\r' < "$log" > "$log.txt"
"$top/tests/machines/report.sh" svm "$job" "$log.txt"
