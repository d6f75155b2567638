#!/bin/sh
# Run host-only unit tests; print each one's result and a total line.
pass=0 fail=0
for t in "$@"; do
	out=$("$t" 2>&1)
	st=$?
	last=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
	p=$(echo "$last" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$last" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	if [ -z "$last" ] || [ $st -ne 0 ]; then
		echo "$out" | grep -E '^FAIL' | head -20
		echo "unit: FAIL $(basename $t) (exit $st)"
		fail=$((fail + ${f:-1}))
		pass=$((pass + ${p:-0}))
	else
		echo "unit: ok $(basename $t): $last"
		pass=$((pass + p))
	fi
done
echo "unit: $pass passed, $fail failed"
[ $fail -eq 0 ]
