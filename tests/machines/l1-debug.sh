# Debug job: load hvx with exit tracing, run the tests named by
# hvx.test=NAME[,NAME] (all when unset) for at most 20 s each, show the log.
. /hvx/l1-lib.sh
insmod /hvx/hvx.ko trace_exits=1
load_kvm
tests=
for a in $(cat /proc/cmdline); do
	case $a in hvx.test=*) tests=$(echo ${a#hvx.test=} | tr , ' ') ;; esac
done
for dev in /dev/hvx /dev/kvm; do
	for n in $tests; do
		echo "=== $n on $dev"
		timeout 20 hvx-vmtest --dev $dev $n
	done
done
dmesg | grep -v ' exit 0x60 ' | tail -60
