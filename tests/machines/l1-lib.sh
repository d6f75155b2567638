# Shared helpers of the L1 job scripts (sourced).
PASS=0 FAIL=0

result() {	# result ok|FAIL NAME [detail]
	r=$1 n=$2
	shift 2
	echo "RESULT $r $n${*:+ : $*}"
	if [ "$r" = ok ]; then PASS=$((PASS + 1)); else FAIL=$((FAIL + 1)); fi
}

log_mark() {	# remember how much of the kernel log predates our tests
	LOG_BASE=$(dmesg | wc -l)
}

# Any Oops, BUG, WARNING or general protection fault logged since
# log_mark fails the run (the boot log itself is not ours to judge), and
# so do the lockup detectors' reports: RCU stalls, soft lockups, hung tasks.
log_scan() {
	dmesg | tail -n +$((LOG_BASE + 1)) > /tmp/dmesg.new
	if grep -E 'Oops|BUG|WARNING|general protection|rcu.*stall|soft lockup|hung_task|blocked for more than' /tmp/dmesg.new > /tmp/dmesg.bad; then
		cat /tmp/dmesg.bad
		result FAIL kernel-log "$(wc -l < /tmp/dmesg.bad) bad lines"
	else
		result ok kernel-log
	fi
}

load_kvm() {
	# Bochs 2.7 writes unaligned guest-physical addresses into the PML log,
	# and kvm-intel WARNs on each (vmx_flush_pml_buffer): run it without PML.
	modprobe kvm-amd 2>/dev/null || modprobe kvm-intel enable_pml=0 2>/dev/null
	[ -c /dev/kvm ]
}

load_hvx() {
	insmod /hvx/hvx.ko && [ -c /dev/hvx ]
}
