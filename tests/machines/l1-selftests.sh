# KVM's own selftests (Linux 6.1, x86_64, built by scripts/build-selftests.sh)
# inside the L1 machine: each test of /hvx/selftests.list (this machine's
# list from tests/selftests/) runs first on hvx, with /dev/kvm made as a node
# of hvx's device while kvm.ko is not loaded, then on KVM in the same boot.
# Sourced by l1-check.sh (which calls st_run_hvx before it loads KVM,
# st_run_kvm after, and st_report at the end); as a job of its own
# (hvx.job=selftests) it does the same with nothing else.
#
# A selftest exits 0 when it passed and 4 (KSFT_SKIP) when it skipped; any
# other status is a failure. On hvx a skip is ok only when it is for a
# capability hvx does not advertise: the requirement the test printed is on
# what the hypervisor reports (KVM_CHECK_EXTENSION, KVM_GET_SUPPORTED_CPUID,
# device attributes), or KVM skipped it for the very same reason (the
# emulated CPU lacks it). KVM's own results are printed, not judged.
ST_BIN=/selftests
ST_LIST=/hvx/selftests.list
# Requirements a test states on what the hypervisor reports, as the
# selftests print them ("Requirement not met: kvm_has_cap(KVM_CAP_...)").
ST_CAP_RE='kvm_has_cap|kvm_check_cap|vm_check_cap|kvm_cpu_has|kvm_cpu_property|kvm_pmu_has|has_device_attr|KVM_CAP_|KVM_CLOCK_|[(]cap |not supported'

# hvx.test=NAME[,NAME] on the kernel command line (the selftests job of
# qemu-svm.sh/bochs-vmx.sh --selftests NAMES) keeps only those tests.
ST_ONLY=
for a in $(cat /proc/cmdline); do
	case $a in hvx.test=*) ST_ONLY=" $(echo ${a#hvx.test=} | tr , ' ') " ;; esac
done

st_tests() {	# the list's tests, one "NAME ARGS..." a line, and timeout=N lines
	grep -vE '^[[:space:]]*(#|$)' "$ST_LIST" | while read -r name args; do
		case $name in timeout=*) echo "$name"; continue ;; esac
		case "${ST_ONLY:- $name }" in *" $name "*) echo "$name $args" ;; esac
	done
}

# One test on the current /dev/kvm: /tmp/st-TAG/NAME.{out,err,res}. The .res
# file holds "pass|skip|fail SECONDS REASON": for a skip the reason the test
# printed, for a failure its assertion (the file:line and the message, which
# names the ioctl that failed and its errno) or how it ended.
st_one() {	# TAG TIMEOUT NAME [ARGS...]
	tag=$1 limit=$2 name=$3
	shift 3
	d=/tmp/st-$tag
	t0=$(date +%s)
	timeout -k 5 "$limit" "$ST_BIN/$name" "$@" > $d/$name.out 2> $d/$name.err < /dev/null
	st=$?
	dt=$(( $(date +%s) - t0 ))
	case $st in
	0) res=pass why= ;;
	4)
		res=skip
		why=$(grep -hE 'SKIP|skipping test' $d/$name.out $d/$name.err | tail -1 |
			sed -e 's/^.*# SKIP *//' -e 's/^- *//' -e 's/, skipping test$//')
		;;
	*)
		res=fail
		if grep -q '==== Test Assertion Failure ====' $d/$name.err; then
			# "  file:line: expression", then the message (last line).
			where=$(grep -A1 '==== Test Assertion Failure ====' $d/$name.err |
				tail -1 | sed 's/^ *//')
			msg=$(grep -v '^ *$' $d/$name.err | tail -1 | sed 's/^ *//')
			why="$where | $msg"
		elif [ $st -ge 128 ] && [ $dt -ge "$limit" ]; then
			why="timed out after $limit s"
		elif [ $st -ge 128 ]; then
			why="killed by signal $((st - 128))"
		else
			why="exit status $st: $(cat $d/$name.err $d/$name.out | grep -v '^ *$' | tail -1)"
		fi
		;;
	esac
	echo "$res $dt $why" > $d/$name.res
	echo "selftest on $tag: $name: $res ($dt s)${why:+: $why}"
	if [ $res = fail ]; then
		echo "--- $name on $tag: last lines of its output"
		cat $d/$name.out $d/$name.err | grep -v 'addr2line' | tail -12
		echo "---"
	fi
}

st_run() {	# TAG: every listed test on the current /dev/kvm
	mkdir -p /tmp/st-$1
	# POSIX semaphores (sem_open, hardware_disable_test) live in /dev/shm.
	if ! grep -q ' /dev/shm ' /proc/mounts; then
		mkdir -p /dev/shm && mount -t tmpfs shm /dev/shm
	fi
	limit=60
	t_all=$(date +%s)
	st_tests | while read -r name args; do
		case $name in
		timeout=*) limit=${name#timeout=}; continue ;;
		esac
		if [ ! -x "$ST_BIN/$name" ]; then
			echo "fail 0 not in the initramfs (scripts/build-selftests.sh)" > /tmp/st-$1/$name.res
			continue
		fi
		# shellcheck disable=SC2086 # ARGS are words
		st_one "$1" "$limit" "$name" $args
	done
	echo "selftests on $1: done in $(( $(date +%s) - t_all )) s"
}

# hvx first: KVM's modules must not be loaded, so that /dev/kvm is hvx's.
st_run_hvx() {
	if [ -d /sys/module/kvm ] || [ -e /dev/kvm ]; then
		result FAIL selftests-hvx-node "kvm is loaded or /dev/kvm exists"
		return
	fi
	if ! dev=$(cat /sys/class/misc/hvx/dev 2>/dev/null) ||
	   ! mknod /dev/kvm c "${dev%%:*}" "${dev##*:}"; then
		result FAIL selftests-hvx-node "cannot make /dev/kvm from /sys/class/misc/hvx/dev"
		return
	fi
	echo "selftests: /dev/kvm is hvx's device ($dev), kvm.ko not loaded"
	st_run hvx
	rm -f /dev/kvm
}

# Then KVM: load_kvm (l1-lib.sh) must have made the real /dev/kvm.
st_run_kvm() {
	if [ ! -d /sys/module/kvm ] || [ ! -c /dev/kvm ]; then
		echo "selftests: KVM is not loaded, no KVM column"
		return
	fi
	echo "selftests: /dev/kvm is KVM's ($(cat /sys/class/misc/kvm/dev))"
	st_run kvm
}

st_field() {	# TAG NAME N: field N of the .res file ("-" when the test did not run there)
	if [ -f /tmp/st-$1/$2.res ]; then cut -d' ' -f$3 /tmp/st-$1/$2.res; else echo -; fi
}
st_why() {	# TAG NAME: the reason (third field on)
	[ -f /tmp/st-$1/$2.res ] && cut -d' ' -f3- /tmp/st-$1/$2.res
}

# The table, test by test ("SELFTEST" lines, which report.sh prints), then
# one RESULT line per test for hvx.
st_report() {
	printf 'SELFTEST %-34s %-5s %-5s %s\n' selftest hvx kvm "seconds hvx/kvm; why (hvx, then kvm)"
	for name in $(st_tests | awk '$1 !~ /^timeout=/ { print $1 }'); do
		h=$(st_field hvx $name 1) k=$(st_field kvm $name 1)
		note=
		[ "$h" != pass ] && [ "$h" != - ] && note="hvx: $(st_why hvx $name)"
		[ "$k" != pass ] && [ "$k" != - ] && note="${note:+$note; }kvm: $(st_why kvm $name)"
		printf 'SELFTEST %-34s %-5s %-5s %s/%s%s\n' $name $h $k \
			"$(st_field hvx $name 2)" "$(st_field kvm $name 2)" "${note:+ $note}"
	done
	for name in $(st_tests | awk '$1 !~ /^timeout=/ { print $1 }'); do
		h=$(st_field hvx $name 1) why=$(st_why hvx $name)
		case $h in
		pass) result ok selftest:$name ;;
		skip)
			if echo "$why" | grep -qE "$ST_CAP_RE"; then
				result ok selftest:$name "skip: $why"
			elif [ "$(st_field kvm $name 1)" = skip ] && [ "$why" = "$(st_why kvm $name)" ]; then
				result ok selftest:$name "skip, as on KVM: $why"
			else
				result FAIL selftest:$name "skipped for a reason that is no missing capability: $why"
			fi
			;;
		fail) result FAIL selftest:$name "$why" ;;
		*) result FAIL selftest:$name "did not run on hvx" ;;
		esac
	done
}

if [ "${0##*/}" = l1-selftests.sh ]; then
	. /hvx/l1-lib.sh
	log_mark
	if load_hvx; then result ok load-hvx; else result FAIL load-hvx; fi
	st_run_hvx
	if load_kvm; then result ok load-kvm; else result FAIL load-kvm; fi
	st_run_kvm
	st_report
	if rmmod hvx; then result ok unload-hvx; else result FAIL unload-hvx; fi
	log_scan
	echo "L1 SUMMARY: $PASS passed, $FAIL failed"
fi
