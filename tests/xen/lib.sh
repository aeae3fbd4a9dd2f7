# Helpers for the tests that run inside the Xen lab's dom0
# (tests/xen/test_*.sh, run by tests/xen/dom0-init).  Sourced.

t_pass() {
	echo "PASS: $*"
}

t_fail() {
	echo "FAIL: $*"
}

# figure NAME VALUE UNIT: a measurement, for the report, never a verdict.
t_figure() {
	echo "figure: $*"
}

t_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# t_wait SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds;
# fails once SECONDS have passed.
t_wait() {
	local limit end
	limit=$1
	shift
	end=$(($(t_ms) + limit * 1000))
	until "$@" >/dev/null 2>&1; do
		[ "$(t_ms)" -lt "$end" ] || return 1
		sleep 0.1
	done
}
