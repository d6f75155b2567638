# Debug job: load hvx with exit tracing, run the tests named by
# hvx.test=NAME[,NAME] (all when unset) for at most 20 s each, show the log.
. /hvx/l1-lib.sh
insmod /hvx/hvx.ko trace_exits=1
load_kvm
tests= devs="/dev/hvx /dev/kvm"
for a in $(cat /proc/cmdline); do
	case $a in
	hvx.test=*) tests=$(echo ${a#hvx.test=} | tr , ' ') ;;
	hvx.devs=*) devs=$(echo ${a#hvx.devs=} | tr , ' ') ;;
	esac
done
for dev in $devs; do
	for n in $tests; do
		echo "=== $n on $dev"
		echo "<1>hvx-debug: start $n on $dev" > /dev/kmsg
		timeout 20 hvx-vmtest --dev $dev $n
		echo "<1>hvx-debug: end $n on $dev: $?" > /dev/kmsg
		# Bochs writes its serial file through a 4 KiB buffer: push it out.
		printf '%4000s\n' ' ' 
	done
done
dmesg | grep -v ' exit 0x60 ' | tail -60
