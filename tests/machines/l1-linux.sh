# The Linux guest inside the L1 machine: Debian's own kernel (the L1 one,
# /hvx/vmlinuz) with a busybox initramfs (tests/guest-linux/) booted by
# `hvx run` to its script, which prints a few facts between GUEST-BEGIN and
# GUEST-END and powers off. Sourced by l1-check.sh (linux_boot per device
# and vCPU count, then linux_compare); as a job of its own
# (hvx.job=linux, qemu-svm.sh/bochs-vmx.sh --linux) it does only this.
LINUX_CMDLINE="console=ttyS0 quiet panic=-1 hvxguest=script"
LINUX_MEM=192

linux_boot() {	# DEV CPUS TAG LIMIT: one boot, checked on its own
	dev=$1 cpus=$2 tag=$3 limit=$4	# result() below clobbers r and n
	out=/tmp/linux-$tag.out
	t0=$(date +%s)
	timeout -k 5 "$limit" hvx run --verbose --stats --device "$dev" --cpus "$cpus" \
		--mem $LINUX_MEM --kernel /hvx/vmlinuz --initrd /hvx/guest-linux.gz \
		--cmdline "$LINUX_CMDLINE" < /dev/null > $out 2> /tmp/linux-$tag.err
	st=$?
	dt=$(( $(date +%s) - t0 ))
	tr -d '\r' < $out | sed -n '/^GUEST-BEGIN/,/^GUEST-END/p' > /tmp/linux-$tag.facts
	echo "LINUX $tag: exit status $st after $dt s"
	cat /tmp/linux-$tag.facts /tmp/linux-$tag.err | sed "s/^/LINUX $tag: /"
	why=
	if [ $st -ne 0 ]; then
		why="exit status $st (0 is a power-off)"
	elif ! grep -q '^GUEST-END' /tmp/linux-$tag.facts; then
		why="no GUEST-END line"
	elif ! grep -qx "nproc: $cpus" /tmp/linux-$tag.facts; then
		why="nproc is not $cpus"
	elif ! grep -qx "hypervisor flag on $cpus of $cpus CPUs" /tmp/linux-$tag.facts; then
		why="not every CPU has the hypervisor flag"
	elif ! grep -q "^uname: Linux $(uname -r) " /tmp/linux-$tag.facts; then
		why="uname is not this kernel's"
	fi
	if [ -n "$why" ]; then
		echo "--- last lines of the guest's console ($tag)"
		tr -d '\r' < $out | tail -25
		echo "---"
		result FAIL "linux:$tag" "$why"
	else
		result ok "linux:$tag" "$dt s"
	fi
}

linux_compare() {	# TAG_A TAG_B: the same facts on both
	if [ -s /tmp/linux-$1.facts ] && cmp -s /tmp/linux-$1.facts /tmp/linux-$2.facts; then
		result ok "same:linux-$1-$2"
	else
		diff /tmp/linux-$1.facts /tmp/linux-$2.facts | head -10
		result FAIL "same:linux-$1-$2" "the guest printed different facts"
	fi
}

linux_limit() {	# seconds one boot may take on this machine
	if grep -qw svm /proc/cpuinfo; then echo 300; else echo 1500; fi
}

linux_all() {	# every boot on both devices, then the comparisons
	# (not $n: result() in l1-lib.sh uses it)
	lim=$(linux_limit)
	lx_list="1 2"
	# Bochs 2.7's VMX never preempts a guest that runs without exits: on
	# a 1-CPU L1 (HVX_BOCHS_CPUS=1) a 2-vCPU guest spinning for its other
	# vCPU (as Linux does bringing up an AP) freezes the whole machine, on
	# KVM as on hvx. There the 2-vCPU boots are left out, and say so.
	if [ "$(nproc)" -lt 2 ]; then
		lx_list=1
		echo "LINUX 2 vCPUs: not run here (1 L1 CPU under Bochs's VMX; see l1-linux.sh)"
	fi
	for lx_cpus in $lx_list; do
		linux_boot /dev/hvx $lx_cpus hvx-${lx_cpus}cpu $lim
		linux_boot /dev/kvm $lx_cpus kvm-${lx_cpus}cpu $lim
		linux_compare hvx-${lx_cpus}cpu kvm-${lx_cpus}cpu
	done
}

if [ "${0##*/}" = l1-linux.sh ]; then
	. /hvx/l1-lib.sh
	log_mark
	if load_hvx; then result ok load-hvx; else result FAIL load-hvx; fi
	if load_kvm; then result ok load-kvm; else result FAIL load-kvm; fi
	only=
	for a in $(cat /proc/cmdline); do
		case $a in hvx.test=*) only=$(echo ${a#hvx.test=} | tr , ' ') ;; esac
	done
	if [ -n "$only" ]; then	# e.g. hvx.test=hvx-1cpu,kvm-1cpu
		for tag in $only; do
			linux_boot /dev/${tag%%-*} $(echo $tag | sed 's/.*-\([0-9]*\)cpu/\1/') $tag $(linux_limit)
		done
	else
		linux_all
	fi
	if rmmod hvx; then result ok unload-hvx; else result FAIL unload-hvx; fi
	log_scan
	echo "L1 SUMMARY: $PASS passed, $FAIL failed"
fi
