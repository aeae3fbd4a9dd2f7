#!/bin/sh
# The unit tests that drive cgroups and the local backend for real, here
# on the unified hierarchy with the cpu controller: test_cgroup's groups
# (create, attach, freeze and thaw read back from cgroup.events, cpu.weight
# and cpu.max, kill of a frozen group, removal) and test_be_local's
# routelet domains (create paused, CPU share, rate, egress, control,
# pause and unpause, kill -9 noticed, destroy and create/destroy cycles
# leaking nothing, reap_stale).  Each cmocka case becomes one PASS
# or FAIL line; a skipped case fails, since in this lab every one must
# run, except test_cgroup's test_v2_on_hybrid, which is for a machine
# with a second, separate cgroup2 mount.
. "$(dirname "$0")/lib.sh"

T=$(dirname "$0")
export QUASAR_ROUTELET=$SBIN/routelet
# 20 create/destroy cycles rather than 200: each costs about half a second
# under emulation, and the host's run does the 200.
export QUASAR_TEST_CYCLES=20

# unit NAME: runs T/NAME, its cmocka lines to PASS/FAIL lines.
unit() {
	local out rc
	out=/tmp/$1.out
	"$T/$1" >"$out" 2>&1
	rc=$?
	sed -n "s/^\[       OK \] \(.*\)/PASS: $1 \1/p" "$out"
	sed -n 's/^\[  FAILED  \] \(test_[a-z0-9_]*\)$/\1/p' "$out" | sort -u |
	    while read -r c; do
		t_fail "$1 $c: $(grep -B 3 "^\[  FAILED  \] $c\$" "$out" | head -n 3 | tr '\n' ' ')"
	    done
	sed -n 's/^\[  SKIPPED \] \(test_[a-z0-9_]*\)$/\1/p' "$out" | sort -u |
	    while read -r c; do
		case "$1 $c" in
		"test_cgroup test_v2_on_hybrid")
			echo "SKIP: $1 $c (no second cgroup2 mount here)" ;;
		*)
			t_fail "$1 $c skipped: $(grep -B 2 "^\[  SKIPPED \] $c\$" "$out" | head -n 2 | tr '\n' ' ')" ;;
		esac
	    done
	if ! grep -q '^\[  PASSED  \]' "$out" && ! grep -q '^\[  FAILED  \]' "$out"; then
		t_fail "$1 exited with status $rc before cmocka's summary: $(tail -n 5 "$out" | tr '\n' ' ')"
	fi
}

unit test_cgroup
# Its own line says which hierarchy it found: it must be v2, with cpu.
if grep -q '^cgroup v2: freezer /sys/fs/cgroup, cpu /sys/fs/cgroup$' /tmp/test_cgroup.out; then
	t_pass "test_cgroup ran on cgroup v2 at /sys/fs/cgroup with the cpu controller"
else
	t_fail "test_cgroup did not find v2 with cpu: $(grep '^cgroup v' /tmp/test_cgroup.out)"
fi
t0=$(t_ms)
unit test_be_local
t_figure "test_be_local on cgroup v2" "$(($(t_ms) - t0))" ms
exit 0
