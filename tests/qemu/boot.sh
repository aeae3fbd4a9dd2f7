# The host's side of a QEMU lab (tests/xen/run, tests/cg2/run), sourced.
# The caller sets LAB (the lab's name, "xen", "cg2") and GUEST (the name
# the guest's init puts before its own lines, tests/qemu/init.sh), then:
#
#   lab_fail WHY              one verdict line, exit 1: for what goes wrong
#                             before the guest runs
#   lab_qemu NAME             the QEMU program NAME into qemu, or lab_fail
#   lab_boot LOG LIMIT CMD... runs CMD (QEMU, console on stdout) for at
#                             most LIMIT seconds, printing the tests' PASS,
#                             FAIL, SKIP and figure lines and the guest's
#                             own as they come, each with the seconds since
#                             QEMU started; the whole console goes to LOG
#   lab_verdict LOG LIMIT     reads the guest's "LAB: N passed, N failed"
#                             line off LOG, adds whatever went wrong out
#                             here, prints "LAB-lab: N passed, N failed";
#                             0 only if nothing failed and something passed
#
# A machine that cannot run the lab never passes it.

say() {
	echo "$LAB-lab: $*"
}

now() {
	date +%s.%N
}

since() {
	echo "$1 $(now)" | awk '{ printf "%.1f", $2 - $1 }'
}

lab_fail() {
	echo "FAIL: $LAB-lab: $*"
	say "0 passed, 1 failed"
	exit 1
}

lab_qemu() {
	qemu=$(command -v "$1" || true)
	[ -n "$qemu" ] || lab_fail "$1 is not installed (apt-get install qemu-system-x86)"
	"$qemu" --version >/dev/null 2>&1 || lab_fail "$qemu does not run"
}

lab_boot() {
	local log limit rcf cr tq
	log=$1
	limit=$2
	shift 2
	rcf=$log.rc
	rm -f "$rcf" "$log.tmp"
	cr=$(printf '\r')
	tq=$(now)
	{
		timeout -k 10 "$limit" "$@" </dev/null 2>&1
		echo $? >"$rcf"
	} | while IFS= read -r line; do
		line=${line%"$cr"}
		printf '%s\n' "$line" >>"$log.tmp"
		case "$line" in
		PASS:* | FAIL:* | SKIP:* | figure:* | "$LAB: "* | "$GUEST: "*)
			printf '[%6s] %s\n' "$(since "$tq")" "$line" ;;
		esac
	done
	mv "$log.tmp" "$log"
}

lab_verdict() {
	local log limit rc summary pass fail
	log=$1
	limit=$2
	rc=$(cat "$log.rc" 2>/dev/null || echo 255)
	summary=$(grep "^$LAB: [0-9]* passed, [0-9]* failed" "$log" | tail -n 1)
	pass=0 fail=0
	if [ -n "$summary" ]; then
		pass=$(echo "$summary" | awk '{ print $2 }')
		fail=$(echo "$summary" | awk '{ print $4 }')
	fi
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "FAIL: $LAB-lab: QEMU did not finish within $limit s; the end of $log:"
		tail -n 30 "$log"
		fail=$((fail + 1))
	elif [ "$rc" -ne 0 ]; then
		echo "FAIL: $LAB-lab: QEMU exited with status $rc; the end of $log:"
		tail -n 30 "$log"
		fail=$((fail + 1))
	elif [ -z "$summary" ]; then
		echo "FAIL: $LAB-lab: $GUEST printed no summary line; the end of $log:"
		tail -n 30 "$log"
		fail=$((fail + 1))
	elif [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
		echo "FAIL: $LAB-lab: no test ran in $GUEST"
		fail=1
	fi
	# A FAIL line the summary did not count (a test's own, after a crash
	# of the runner) still fails the lab.
	if [ "$fail" -eq 0 ] && grep -q '^FAIL: ' "$log"; then
		echo "FAIL: $LAB-lab: FAIL lines on the console, but $GUEST counted none"
		fail=1
	fi
	say "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
