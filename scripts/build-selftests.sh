#!/bin/sh
# Build KVM's own x86_64 selftests (Linux 6.1, tools/testing/selftests/kvm)
# from Debian's linux-source-6.1 tarball, statically linked so that they
# run in the emulators' busybox initramfs, into build/selftests/NAME.
#   build-selftests.sh
# Only tools/ (and scripts/subarch.include, which the selftests' Makefile
# includes) is taken out of the tarball, into build/selftests-src/; the
# user-space kernel headers are Debian's installed 6.1 uapi headers
# (linux-libc-dev, the same source package), which is what the selftests'
# usr/include would hold after `make headers_install`. Nothing is
# rebuilt while build/selftests/ is newer than the tarball and this script.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
tarball=/usr/src/linux-source-6.1.tar.xz
src=$top/build/selftests-src
obj=$top/build/selftests-obj
out=$top/build/selftests
stamp=$out/.built

if [ ! -f "$tarball" ]; then
	echo "build-selftests: $tarball missing (scripts/setup.sh installs linux-source-6.1)" >&2
	exit 1
fi
if [ -f "$stamp" ] && [ "$stamp" -nt "$tarball" ] && [ "$stamp" -nt "$0" ]; then
	echo "build-selftests: up to date ($(ls "$out" | wc -l) tests in build/selftests)"
	exit 0
fi
# The uapi headers must be 6.1's: the selftests use 6.1's ABI structs.
if ! grep -q 'LINUX_VERSION_PATCHLEVEL 1$' /usr/include/linux/version.h ||
   ! grep -q 'LINUX_VERSION_MAJOR 6$' /usr/include/linux/version.h; then
	echo "build-selftests: /usr/include/linux is not Linux 6.1's (linux-libc-dev)" >&2
	exit 1
fi

t0=$(date +%s)
rm -rf "$src" "$obj" "$out"
mkdir -p "$src" "$obj" "$out"
echo "build-selftests: extracting tools/ from $tarball"
tar -xJf "$tarball" -C "$src" --strip-components=1 \
	linux-source-6.1/tools linux-source-6.1/scripts/subarch.include

# The selftests' Makefile must not see the calling make's flags and
# variables (MAKEFLAGS carries e.g. MACHINE=, and lib.mk picks OUTPUT from
# MAKELEVEL). -k: a test that does not build is reported, not fatal (6.1.y's
# dirty_log_test uses a macro its backport forgot; steal_time clashes
# with the installed asm/kvm.h); neither runs in the emulators.
unset MAKEFLAGS MFLAGS MAKELEVEL
echo "build-selftests: building the x86_64 selftests (static)"
set +e
make -k -j"$(nproc)" -C "$src/tools/testing/selftests/kvm" ARCH=x86_64 \
	OUTPUT="$obj" EXTRA_CFLAGS=-static > "$obj/build.log" 2>&1
set -e

# Every x86_64 test the Makefile lists: install what was built, stripped
# (the initramfs holds them in RAM), and name what was not.
progs=$(make -s -C "$src/tools/testing/selftests/kvm" ARCH=x86_64 \
	OUTPUT="$obj" -f Makefile -f - print-progs <<'EOF'
print-progs:
	@echo $(TEST_GEN_PROGS_x86_64)
EOF
)
missing=
for p in $progs; do
	if [ -x "$obj/$p" ]; then
		strip -o "$out/$(basename $p)" "$obj/$p"
	else
		missing="$missing $(basename $p)"
	fi
done
n=$(ls "$out" | wc -l)
[ "$n" -gt 0 ] || { tail -30 "$obj/build.log"; exit 1; }
touch "$stamp"
echo "build-selftests: $n tests in build/selftests in $(( $(date +%s) - t0 )) s${missing:+; not built:$missing (see build/selftests-obj/build.log)}"
