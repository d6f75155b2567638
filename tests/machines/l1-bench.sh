# bench/ inside the L1 machine: exit costs on /dev/hvx and /dev/kvm in
# the same boot, then the ratio hvx/KVM of each.
. /hvx/l1-lib.sh
load_hvx || echo "BENCH error: hvx.ko did not load"
hvx-bench --dev /dev/hvx > /tmp/b-hvx
rmmod hvx
load_kvm || echo "BENCH error: kvm did not load"
hvx-bench --dev /dev/kvm > /tmp/b-kvm
cat /tmp/b-hvx /tmp/b-kvm
for k in cpuid_kernel pio_user; do
	h=$(grep "kind=$k " /tmp/b-hvx | sed 's/.*us_per_exit=//')
	v=$(grep "kind=$k " /tmp/b-kvm | sed 's/.*us_per_exit=//')
	echo "BENCH ratio kind=$k hvx_us=$h kvm_us=$v hvx/kvm=$(awk "BEGIN { printf \"%.2f\", $h / $v }")"
done
