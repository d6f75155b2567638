# The whole suite inside one boot of the L1 machine: every VM test on
# /dev/hvx and on /dev/kvm, traces compared, then the kernel-log scan.
. /hvx/l1-lib.sh
log_mark

if load_hvx; then result ok load-hvx; else result FAIL load-hvx; fi
modprobe msr
hvx probe; st=$?
if [ $st -eq 0 ]; then result ok probe-verdict; else result FAIL probe-verdict "exit $st"; fi
hvx probe --json > /tmp/probe.json; st=$?
if [ $st -eq 0 ] && grep -q '"svm_available": *true' /tmp/probe.json; then
	result ok probe-json
else
	result FAIL probe-json "exit $st"
fi

# Each VM test on one device: hvx-vmtest prints "ok NAME" or
# "FAIL NAME: why" per test and writes its trace (exits, data, final
# registers) to DIR/NAME.trace.
run_suite() {	# DEV TAG
	mkdir -p /tmp/trace-$2
	hvx-vmtest --dev $1 --trace /tmp/trace-$2 > /tmp/vm-$2.out 2>&1
	echo "hvx-vmtest on $1 exited with $?"
	while read -r st name rest; do
		case $st in
		ok) result ok "$2:$name" ;;
		FAIL) result FAIL "$2:${name%:}" "$rest" ;;
		esac
	done < /tmp/vm-$2.out
	grep -v -E '^(ok|FAIL) ' /tmp/vm-$2.out | head -50
}

run_suite /dev/hvx hvx
# Host-side and whole-VM tests that only make sense on hvx.
hvx-vmtest --dev /dev/hvx --host-tests > /tmp/host.out 2>&1
while read -r st name rest; do
	case $st in
	ok) result ok "hvx:$name" ;;
	FAIL) result FAIL "hvx:${name%:}" "$rest" ;;
	esac
done < /tmp/host.out

if load_kvm; then result ok load-kvm; else result FAIL load-kvm; fi
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

# The module must unload once every VM is gone (kvm holds no hvx state).
if rmmod hvx; then result ok unload-hvx; else result FAIL unload-hvx; fi
log_scan
echo "L1 SUMMARY: $PASS passed, $FAIL failed"
