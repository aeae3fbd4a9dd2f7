# What the /init of a QEMU lab's guest shares with the other lab's
# (tests/xen/dom0-init, tests/cg2/init), sourced from
# /usr/lib/quasar/tests/init.sh.  The caller sets
#
#   LAB     the lab's name, which starts the summary line ("xen", "cg2")
#   GUEST   the guest's name, which starts every line init prints itself
#
# and calls, in order, lab_mount (proc, sys, dev, run, tmp; no cgroups:
# each lab mounts its own), its own set-up, then lab_tests, which runs
# every /usr/lib/quasar/tests/test_*.sh, prints one "LAB: N passed, N
# failed" line and powers the machine off, which ends QEMU.  lab_abort
# does the last two at once after a failure of the set-up.
#
# A test reports cases as "PASS: name" and "FAIL: name: detail" lines and
# figures as "figure: name value unit"; one that prints neither counts as
# one case, passed or failed by its exit status, and one that exits
# non-zero without a FAIL line counts one failure more (tests/integ/run's
# rules).  Each runs under the kernel command line's qlab.timeout= seconds
# (default 300).
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
LAB_TESTS=/usr/lib/quasar/tests

say() {
	echo "$GUEST: $*"
}

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

# Whatever happens, the machine goes down with a summary line, so that the
# host never waits for its time limit to learn of a failure here.
lab_finish() {
	echo "$LAB: $pass passed, $fail failed"
	sync
	busybox poweroff -f
	sleep 10
	echo 1 >/proc/sys/kernel/sysrq 2>/dev/null
	echo o >/proc/sysrq-trigger 2>/dev/null
}

pass=0 fail=0
lab_abort() {
	echo "FAIL: $GUEST: $*"
	fail=$((fail + 1))
	lab_finish
}

lab_mount() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /dev/shm
	mount -t tmpfs -o mode=0755 tmpfs /run
	mount -t tmpfs -o mode=1777 tmpfs /tmp
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	hostname "$GUEST"
	ip link set lo up
	say "userspace at $(uptime_s) s, $(nproc) CPUs, $(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MB"
}

lab_tests() {
	local timeout arg ntests t name out rc p f
	timeout=300
	for arg in $(cat /proc/cmdline); do
		case "$arg" in
		qlab.timeout=*) timeout=${arg#qlab.timeout=} ;;
		esac
	done
	ntests=0
	for t in "$LAB_TESTS"/test_*.sh; do
		[ -f "$t" ] || continue
		ntests=$((ntests + 1))
		name=$(basename "$t" .sh)
		out=/tmp/$name.out
		say "running $name at $(uptime_s) s"
		{ timeout -k 10 "$timeout" sh "$t" 2>&1; echo $? >/tmp/$name.rc; } |
		    tee "$out"
		rc=$(cat /tmp/$name.rc)
		p=$(grep -c '^PASS: ' "$out")
		f=$(grep -c '^FAIL: ' "$out")
		if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
			if [ "$rc" -eq 0 ]; then p=1; else f=1; fi
		fi
		if [ "$rc" -ne 0 ]; then
			[ "$rc" -eq 124 ] && say "$name: timed out after $timeout s"
			say "$name exited with status $rc"
			if [ "$f" -eq 0 ]; then
				echo "FAIL: $name: exited with status $rc"
				f=1
			fi
		fi
		pass=$((pass + p))
		fail=$((fail + f))
	done
	[ "$ntests" -gt 0 ] || lab_abort "no tests in $LAB_TESTS"
	say "tests done at $(uptime_s) s"
	lab_finish
}
