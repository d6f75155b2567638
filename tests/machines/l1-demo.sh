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
[ $st -eq 67 ] && echo "DEMO OK" || echo "DEMO FAILED"
