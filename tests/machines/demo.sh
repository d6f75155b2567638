#!/bin/sh
# make demo: boot the emulated AMD machine and show hvx at work.
exec "$(dirname "$0")/qemu-svm.sh" --demo
