# bench/ inside the L1 machine, on /dev/hvx and /dev/kvm in the same boot:
# the cost of one exit (hvx-bench), then the Linux guest's boot (the
# time from `hvx run` starting to the guest's /init printing its first
# line, hvx-boottime) and its exits by reason (hvx run --stats, the
# module's counters), with the ratios hvx/KVM.
. /hvx/l1-lib.sh
. /hvx/l1-linux.sh
load_hvx || echo "BENCH error: hvx.ko did not load"
load_kvm || echo "BENCH error: kvm did not load"
hvx-bench --dev /dev/hvx > /tmp/b-hvx
hvx-bench --dev /dev/kvm > /tmp/b-kvm
cat /tmp/b-hvx /tmp/b-kvm
for k in cpuid_kernel pio_user; do
	h=$(grep "kind=$k " /tmp/b-hvx | sed 's/.*us_per_exit=//')
	v=$(grep "kind=$k " /tmp/b-kvm | sed 's/.*us_per_exit=//')
	echo "BENCH ratio kind=$k hvx_us=$h kvm_us=$v hvx/kvm=$(awk "BEGIN { printf \"%.2f\", $h / $v }")"
done

# Under Bochs the clock follows the instruction count (clock: sync=none):
# a boot takes the same time every run, and minutes of wall time, so one
# is enough there; under QEMU the best of two.
reps=2
grep -qw svm /proc/cpuinfo || reps=1
boot() {	# DEV CPUS: "ms_to_marker" of the best of $reps boots; the counters of the last
	hvx-boottime --reps $reps -- hvx run --stats --device $1 --cpus $2 --mem $LINUX_MEM \
		--kernel /hvx/vmlinuz --initrd /hvx/guest-linux.gz --cmdline "$LINUX_CMDLINE" \
		< /dev/null 2> /tmp/boot.err | sed "s|^BENCH boot|BENCH boot dev=$1 cpus=$2|"
	# The last run's counter table (hvx-boottime copies the guest's console
	# to stderr too: keep only the table's lines).
	grep -E '^(hvx run: counters| [A-Za-z_])' /tmp/boot.err |
		awk '/^hvx run: counters/ { t = "" } { t = t $0 "\n" } END { printf "%s", t }' |
		sed "s|^|BENCH exits dev=$1 cpus=$2 |"
}
lx_list="1 2"
[ "$(nproc)" -lt 2 ] && lx_list=1	# see linux_all in l1-linux.sh
for n in $lx_list; do
	boot /dev/hvx $n > /tmp/bb-hvx
	boot /dev/kvm $n > /tmp/bb-kvm
	grep -h '^BENCH' /tmp/bb-hvx /tmp/bb-kvm
	h=$(grep '^BENCH boot' /tmp/bb-hvx | sed 's/.*ms_to_marker=\([-0-9]*\).*/\1/')
	v=$(grep '^BENCH boot' /tmp/bb-kvm | sed 's/.*ms_to_marker=\([-0-9]*\).*/\1/')
	echo "BENCH ratio kind=linux_boot_${n}cpu hvx_ms=$h kvm_ms=$v hvx/kvm=$(awk "BEGIN { printf \"%.2f\", $h / $v }")"
done
rmmod hvx
