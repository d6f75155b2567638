# `hvx run` end to end with small guests, on /dev/hvx and on /dev/kvm:
# a flat binary (guests/hello_serial.S), the console at a terminal
# (guests/echo_serial.S through tests/ptyrun.c), a multiboot kernel with two
# modules (guests/multiboot/mb32.c), a triple fault, a final HLT, a reset
# and a halt with interrupts off (each its own exit status), and images
# refused before any VM exists. Each guest's output must match what was
# asked of it, and be the same on both devices. Sourced by l1-check.sh
# (run_all_small); alone, it is the job hvx.job=run.

MB_KERNEL=/hvx/guests/multiboot.elf

run_guest() {	# TAG EXPECTED-STATUS hvx run ARGS...: one run, output in /tmp/run-TAG.out
	tag=$1 want=$2
	shift 2
	t0=$(date +%s)
	timeout -k 5 60 "$@" < /dev/null > /tmp/run-$tag.out 2> /tmp/run-$tag.err
	st=$?
	echo "RUN $tag: exit status $st after $(( $(date +%s) - t0 )) s" 
	tr -d '\r' < /tmp/run-$tag.out > /tmp/run-$tag.txt
	if [ $st -ne $want ]; then
		tail -5 /tmp/run-$tag.txt /tmp/run-$tag.err
		result FAIL "run:$tag" "exit status $st, not $want"
		return 1
	fi
	return 0
}

run_flat() {	# DEV TAG: the demo's guest greets and writes 0x21 to debug-exit
	if run_guest $2 67 hvx run --device $1 --kernel /hvx/guests/hello_serial.bin; then
		if grep -qx 'Hello from a guest running on hvx!' /tmp/run-$2.txt; then
			result ok "run:$2"
		else
			result FAIL "run:$2" "no greeting on the console"
		fi
	fi
}

run_multiboot() {	# DEV TAG: every check of mb32.c holds, and the facts are the ones given
	printf 'hvx multiboot module\nline two\n' > /tmp/mb-mod1.txt
	printf 'second module\n' > /tmp/mb-mod2.txt
	if ! run_guest $2 67 hvx run --device $1 --cpus 2 --mem 64 --kernel $MB_KERNEL \
		--initrd "/tmp/mb-mod1.txt arg=1,/tmp/mb-mod2.txt" --cmdline "hello multiboot"; then
		return
	fi
	f=/tmp/run-$2.txt why=
	# MB 3.3: 64 MiB is 639 KiB below 1 MiB (up to the EBDA) and 63 MiB above.
	if ! grep -qx 'MB failed: 0' $f; then
		why="the kernel's own checks failed: $(grep FAILED $f | tr '\n' ' ')"
	elif ! grep -qx "MB cmdline: $MB_KERNEL hello multiboot" $f; then
		why="command line is not the kernel's name and --cmdline"
	elif ! grep -qx 'MB mem_upper: 64512' $f || ! grep -qx 'MB mem_lower: 639' $f; then
		why="memory sizes are not those of --mem 64"
	elif ! grep -qx 'MB mods_count: 2' $f; then
		why="not 2 modules"
	elif ! grep -qx 'MB module-string: /tmp/mb-mod1.txt arg=1' $f ||
	     ! grep -qx 'MB module-first-line: second module' $f; then
		why="the modules are not the files and strings given"
	elif ! grep -qx 'MB fw_cfg-cpus: 2' $f; then
		why="fw_cfg does not say 2 CPUs"
	fi
	if [ -n "$why" ]; then
		sed -n '/MB-BEGIN/,/MB-END/p' $f | tail -30
		result FAIL "run:$2" "$why"
	else
		result ok "run:$2"
	fi
}

refused() {	# TAG REASON hvx run ARGS...: status 6, and REASON on stderr
	tag=$1 why=$2
	shift 2
	run_guest $tag 6 "$@" || return
	if grep -q "$why" /tmp/run-$tag.err; then
		result ok "run:$tag"
	else
		result FAIL "run:$tag" "no reason given"
	fi
}

run_refused() {	# DEV: broken images end with status 6 and a reason, before any VM
	# The multiboot header (at 4 KiB) is whole; the segment after it is cut.
	head -c 5000 $MB_KERNEL > /tmp/mb-truncated.elf
	refused refused-truncated "hvx run: /tmp/mb-truncated.elf: " \
		hvx run --device $1 --kernel /tmp/mb-truncated.elf
	head -c 2000000 /dev/zero > /tmp/mb-big.bin
	refused refused-module "does not fit" \
		hvx run --device $1 --mem 2 --kernel $MB_KERNEL --initrd /tmp/mb-big.bin
}

run_ending() {	# DEV TAG GUEST STATUS: how a flat guest ends gives its own status
	run_guest $2 $4 hvx run --device $1 --kernel /hvx/guests/$3.bin && result ok "run:$2"
}

run_console() {	# DEV TAG: a user at a terminal (hvx-ptyrun): raw input, Ctrl-A escapes
	# Raw: each key reaches the guest at once, with no line editing and no
	# local echo; Ctrl-A Ctrl-A sends one Ctrl-A; Ctrl-A x quits (12).
	hvx-ptyrun --timeout 120 --wait ready 'abc\x01\x01xy\x01x' -- \
		hvx run --device $1 --kernel /hvx/guests/echo_serial.bin > /tmp/run-$2.out 2>&1
	st=$?
	if [ $st -ne 12 ]; then
		tail -5 /tmp/run-$2.out
		result FAIL "run:$2" "exit status $st, not 12 (Ctrl-A x did not quit?)"
	elif ! tr -d '\r' < /tmp/run-$2.out | grep -q "^abc$(printf '\001')xy"; then
		od -c /tmp/run-$2.out | tail -5
		result FAIL "run:$2" "the guest did not echo exactly abc, Ctrl-A, xy"
	else
		result ok "run:$2"
	fi
}

run_all_small() {
	for d in hvx kvm; do
		run_flat /dev/$d flat-$d
		run_console /dev/$d console-$d
		run_multiboot /dev/$d multiboot-$d
		run_ending /dev/$d triple-$d triple 2		# triple fault
		run_ending /dev/$d hlt-$d hlt 10		# HLT on the bare machine
		run_ending /dev/$d reset-$d reset 8		# 0xcf9 reset
		# With the irqchip: every vCPU halted with interrupts off.
		run_guest mbhalt-$d 10 hvx run --device /dev/$d --cpus 2 --kernel $MB_KERNEL \
			--cmdline halt && result ok "run:mbhalt-$d"
	done
	for g in flat multiboot; do
		if [ -s /tmp/run-$g-hvx.txt ] && cmp -s /tmp/run-$g-hvx.txt /tmp/run-$g-kvm.txt; then
			result ok "same:run-$g"
		else
			diff /tmp/run-$g-kvm.txt /tmp/run-$g-hvx.txt | head -10
			result FAIL "same:run-$g" "the guest printed different things on hvx and KVM"
		fi
	done
	run_refused /dev/hvx
}

if [ "${0##*/}" = l1-run.sh ]; then	# the job hvx.job=run: only these
	. /hvx/l1-lib.sh
	log_mark
	if load_hvx; then result ok load-hvx; else result FAIL load-hvx; fi
	if load_kvm; then result ok load-kvm; else result FAIL load-kvm; fi
	run_all_small
	if rmmod hvx; then result ok unload-hvx; else result FAIL unload-hvx; fi
	log_scan
	echo "L1 SUMMARY: $PASS passed, $FAIL failed"
fi
