# The whole suite inside one boot of the L1 machine: every VM test on
# /dev/hvx and on /dev/kvm, traces compared, then the kernel-log scan.
. /hvx/l1-lib.sh
log_mark

if load_hvx; then result ok load-hvx; else result FAIL load-hvx; fi
modprobe msr
hvx probe; st=$?
if [ $st -eq 0 ]; then result ok probe-verdict; else result FAIL probe-verdict "exit $st"; fi
hvx probe --json > /tmp/probe.json; st=$?
if [ $st -eq 0 ] && grep -qE '"(svm|vmx)_available": *true' /tmp/probe.json; then
	result ok probe-json
else
	result FAIL probe-json "exit $st"
fi

# This machine's facts, recorded for the probe's unit tests
# (tests/unit/probe-fixtures/ keeps the copies recorded from each emulator).
echo "FACTS-BEGIN"
hvx probe --dump-facts
echo "FACTS-END"

# KVM's own selftests on hvx: /dev/kvm is hvx's node while KVM's modules
# are not loaded yet (l1-selftests.sh); on KVM at the end, then the table.
. /hvx/l1-selftests.sh
st_run_hvx

# Each VM test on one device: hvx-vmtest prints "ok NAME" or
# "FAIL NAME: why" per test and writes its trace (exits, data, final
# registers) to DIR/NAME.trace.
run_one() {	# DEV TAG NAME [ARGS]: one test in its own process, time-limited
	dev=$1 tag=$2 name=$3
	shift 3
	timeout 120 hvx-vmtest --dev $dev --trace /tmp/trace-$tag "$@" $name > /tmp/one.out 2>&1
	st=$?
	line=$(grep -E '^(ok|FAIL) ' /tmp/one.out | head -1)
	case $line in
	ok*) result ok "$tag:$name" ;;
	FAIL*) result FAIL "$tag:$name" "${line#FAIL $name: }" ;;
	*) result FAIL "$tag:$name" "no result (exit status $st)"; tail -5 /tmp/one.out ;;
	esac
}

run_suite() {	# DEV TAG [--host-tests]
	mkdir -p /tmp/trace-$2
	for n in $(hvx-vmtest --list $3 | awk '{ print $1 }'); do
		run_one $1 $2 $n $3
	done
}
# KVM's modules are loaded from the start: kvm-amd turns SVM on only while
# it has a VM, and the busy test needs both devices.
if load_kvm; then result ok load-kvm; else result FAIL load-kvm; fi
run_suite /dev/hvx hvx
# Tests of hvx's own bookkeeping, which only make sense on hvx.
run_suite /dev/hvx hvx --host-tests
# The busy test was refused once: one clear line in the log for it.
n=$(dmesg | tail -n +$((LOG_BASE + 1)) | grep -c 'hvx: cannot create a VM: another hypervisor')
if [ "$n" -eq 1 ]; then result ok busy-logged-once; else result FAIL busy-logged-once "$n lines"; fi
run_suite /dev/kvm kvm

# Same exits, same data, same final registers on both.
for t in /tmp/trace-hvx/*.trace; do
	n=$(basename $t .trace)
	if [ ! -f /tmp/trace-kvm/$n.trace ]; then
		result FAIL "same:$n" "no kvm trace"
	elif cmp -s $t /tmp/trace-kvm/$n.trace; then
		result ok "same:$n"
	else
		diff /tmp/trace-kvm/$n.trace $t | head -20
		result FAIL "same:$n" "hvx differs from kvm"
	fi
done

st_run_kvm
st_report

# `hvx run` with a flat binary and a multiboot kernel, on both (l1-run.sh).
. /hvx/l1-run.sh
run_all_small

# The Linux guest booted by `hvx run`, 1 and 2 vCPUs, on both (l1-linux.sh).
. /hvx/l1-linux.sh
linux_all

# The module must unload once every VM is gone (kvm holds no hvx state).
if rmmod hvx; then result ok unload-hvx; else result FAIL unload-hvx; fi
log_scan
echo "L1 SUMMARY: $PASS passed, $FAIL failed"
