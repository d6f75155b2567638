#!/bin/sh
# `make check`: the host-only unit tests, then the whole VM suite inside
# the emulated machines: MACHINE=svm, vmx, or all (the default).
# Ends with one line "N passed, N failed" over everything.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
machine=${MACHINE:-all}
pass=0 fail=0

count() {	# LOGFILE PREFIX: add the "PREFIX N passed, N failed" line to the totals
	line=$(grep -E "^$2[0-9]+ passed, [0-9]+ failed" "$1" | tail -1)
	p=$(echo "$line" | sed -n "s/^$2\([0-9]*\) passed.*/\1/p")
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	if [ -z "$line" ]; then
		echo "run-all: no result line from $1"
		fail=$((fail + 1))
	else
		pass=$((pass + p))
		fail=$((fail + f))
	fi
}

mkdir -p build
make -s unit 2>&1 | tee build/unit.log
count build/unit.log "unit: "

if [ "$machine" = all ] || [ "$machine" = svm ]; then
	tests/machines/qemu-svm.sh --check 2>&1 | tee build/svm.log
	count build/svm.log "svm: "
fi
if [ "$machine" = all ] || [ "$machine" = vmx ]; then
	tests/machines/bochs-vmx.sh --check 2>&1 | tee build/vmx.log
	count build/vmx.log "vmx: "
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
