#!/bin/sh
# Read the console log of an L1 job and report it: for check, the RESULT
# lines (prefixed with the machine's name) and "NAME: N passed, N failed";
# exit non-zero when anything failed or the job did not finish.
#   report.sh MACHINE JOB LOG
m=$1 job=$2 log=$3
case $job in
check|selftests|linux|run)
	# KVM's selftests, test by test on hvx and on KVM (l1-selftests.sh).
	grep -E '^SELFTEST ' "$log" | sed "s/^SELFTEST /$m: selftests: /"
	grep -E '^LINUX ' "$log" | sed "s/^LINUX /$m: linux: /"
	grep -E '^RUN ' "$log" | sed "s/^RUN /$m: run: /"
	grep -E '^RESULT ' "$log" | sed "s/^RESULT /$m: /"
	pass=$(grep -c '^RESULT ok ' "$log")
	fail=$(grep -c '^RESULT FAIL ' "$log")
	if ! grep -q '^L1 SUMMARY:' "$log"; then
		echo "$m: the L1 job did not finish; last console lines:"
		tail -40 "$log"
		fail=$((fail + 1))
	elif [ "$fail" -ne 0 ]; then
		echo "$m: failures; full console log in $log"
	fi
	echo "$m: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	;;
bench)
	grep -E '^BENCH' "$log" || { tail -40 "$log"; exit 1; }
	;;
debug)
	cat "$log"
	;;
demo)
	[ -t 0 ] || cat "$log"
	grep -q '^DEMO OK' "$log"
	;;
esac
