# make demo, inside the emulated AMD machine: what hvx probe says, then a
# guest run by `hvx run` that greets over its serial port and ends itself.
. /hvx/l1-lib.sh
echo
echo "=== hvx probe (before hvx.ko is loaded)"
modprobe msr
hvx probe
echo
echo "=== insmod hvx.ko"
load_hvx && ls -l /dev/hvx
echo
echo "=== hvx run --kernel hello_serial.bin"
hvx run --verbose --kernel /hvx/guests/hello_serial.bin
st=$?
echo "=== hvx run exited with status $st (the guest wrote 0x21 to debug-exit: (0x21 << 1) | 1 = 67)"
ok=1
[ $st -eq 67 ] || ok=0

# Debian's own kernel (this machine's) with a busybox initramfs, on 2 vCPUs.
echo
if grep -qw hvx.interactive=1 /proc/cmdline; then
	echo "=== hvx run: Linux on 2 vCPUs with a shell on its console."
	echo "=== Try uname -a, nproc, cat /proc/interrupts; 'exit' powers the guest off,"
	echo "=== Ctrl-A x quits hvx run at once."
	mode=shell
else
	echo "=== hvx run: Linux on 2 vCPUs, running its script (tests/guest-linux/init)"
	mode=script
fi
echo "hvx run --cpus 2 --mem 256 --kernel /hvx/vmlinuz --initrd /hvx/guest-linux.gz \\"
echo "        --cmdline \"console=ttyS0 quiet hvxguest=$mode\""
if [ $mode = shell ]; then
	hvx run --verbose --cpus 2 --mem 256 --kernel /hvx/vmlinuz --initrd /hvx/guest-linux.gz \
		--cmdline "console=ttyS0 quiet hvxguest=$mode"
	st=$?
else
	hvx run --verbose --cpus 2 --mem 256 --kernel /hvx/vmlinuz --initrd /hvx/guest-linux.gz \
		--cmdline "console=ttyS0 quiet hvxguest=$mode" < /dev/null > /tmp/demo-linux.out
	st=$?
	cat /tmp/demo-linux.out
fi
[ $st -eq 0 ] || [ $st -eq 12 ] || ok=0
echo "=== hvx run exited with status $st (0: the guest powered off; 12: quit with Ctrl-A x)"
if [ $mode = script ] && ! grep -q '^GUEST-END' /tmp/demo-linux.out; then
	ok=0
fi
[ $ok = 1 ] && echo "DEMO OK" || echo "DEMO FAILED"
