# Helpers for the tests that run inside a QEMU lab's guest: the Xen lab's
# dom0 (tests/xen/test_*.sh) and the cgroup-v2 lab's (tests/cg2/test_*.sh),
# run by tests/qemu/init.sh.  Sourced.

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

SBIN=/usr/local/sbin

in_ns() {
	ns=$1
	shift
	nsenter --net=/run/netns/"$ns" "$@"
}

# mac_in NS IF: the MAC of IF in namespace NS (the guest's sysfs shows
# only the namespace it was mounted in).
mac_in() {
	in_ns "$1" ip -o link show "$2" |
	    sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

# t_hosts SRC DST: two hosts on the router's two ports,
#
#   ns SRC: s0 --- p0 [ the router: this namespace ] p1 --- d0 :ns DST
#
# p0 10.99.1.254/24, p1 10.99.2.254/24, every link up; P0, P1 and D0
# hold the MACs.  Non-zero if the namespaces cannot be made.
t_hosts() {
	t_netns="$1 $2"
	ip netns add "$1" && ip netns add "$2" || return 1
	ip link add p0 type veth peer name s0 netns "$1"
	ip link add p1 type veth peer name d0 netns "$2"
	ip link set p0 up && ip link set p1 up
	ip addr add 10.99.1.254/24 dev p0
	ip addr add 10.99.2.254/24 dev p1
	in_ns "$1" ip link set lo up
	in_ns "$2" ip link set lo up
	in_ns "$1" ip link set s0 up
	in_ns "$2" ip link set d0 up
	P0=$(cat /sys/class/net/p0/address)
	P1=$(cat /sys/class/net/p1/address)
	D0=$(mac_in "$2" d0)
}

# t_send SRC DST N LABEL SECONDS CAP: N frames with LABEL from s0 into
# p0, and what d0 sees of MPLS (tcpdump -e) in the file CAP; waits at most
# SECONDS for N frames there.
t_send() {
	local src dst n label secs cap cpid
	src=$1 dst=$2 n=$3 label=$4 secs=$5 cap=$6
	in_ns "$dst" tcpdump -i d0 -e -nn -l -c "$n" mpls >"$cap" 2>/dev/null &
	cpid=$!
	# tcpdump is listening once it has opened d0: a moment under
	# emulation.
	sleep 2
	in_ns "$src" "$SBIN/qgen" -i s0 -d "$P0" -q \
	    -f id=1,label="$label",rate=100,size=100 -n "$n" >/dev/null 2>&1
	t_wait "$secs" sh -c "[ \$(grep -c 'MPLS' '$cap') -ge $n ]"
	kill "$cpid" 2>/dev/null
	wait "$cpid" 2>/dev/null
	return 0
}

# t_swapped CAP N IN OUT: of the N frames sent with label IN, N or N - 1
# (one may be lost to tcpdump's start) are in CAP with label OUT, all with
# TTL 63, source MAC p1 and destination d0.
t_swapped() {
	local cap n in out got good
	cap=$1 n=$2 in=$3 out=$4
	got=$(grep -c "label $out" "$cap")
	if [ "$got" -ge $((n - 1)) ]; then
		t_pass "label $in comes out of p1 as $out ($got of $n)"
	else
		t_fail "frames with label $out at d0: $got of $n; $(head -n 2 "$cap")"
	fi
	good=$(grep "label $out" "$cap" | grep "ttl 63" |
	    grep -ci "^[0-9:.]* $P1 > $D0")
	if [ "$good" = "$got" ] && [ "$got" -gt 0 ]; then
		t_pass "TTL 63, source MAC p1 ($P1), destination d0 ($D0)"
	else
		t_fail "$good of $got with TTL 63 and MACs $P1 > $D0: $(head -n 1 "$cap")"
	fi
}

# ---- quasard under test, its state directory in SD ----------------------------

ctl() {
	"$SBIN/quasarctl" -S "$SD" "$@"
}

# The first line of `pool show`: "pool: I idle, U used, T in all (...".
idle_count() {
	ctl pool show | awk 'NR == 1 { print $2 }'
}

idle_is() {
	[ "$(idle_count)" = "$1" ]
}

total_count() {
	ctl pool show | awk 'NR == 1 { print $6 }'
}

pool_ctr() {
	ctl pool show | awk -v c="$1" '$1 == c { print $2 }'
}

# t_stop PID...: SIGTERM to each one given, and reap it.
t_stop() {
	local p
	for p in "$@"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	return 0
}

# t_conf FILE: a configuration for quasard as the router of t_hosts, with
# its state in $SD, the <backend> element read from stdin, a pool of 2 (3
# at most), a fixed per-packet cost (no start-up calibration) and the
# ports p0 and p1.
t_conf() {
	{
		echo '<?xml version="1.0" encoding="UTF-8"?>'
		echo '<quasard xmlns="urn:quasar:quasard:1">'
		echo "  <statedir>$SD</statedir>"
		cat
		echo '  <pool min="2" target="2" max="3" ping-ms="10000"/>'
		echo '  <admission cpu-budget-percent="90" per-packet-ns="500"/>'
		echo '  <interface name="p0" reservable="100Mbit" address="10.99.1.254"/>'
		echo '  <interface name="p1" reservable="100Mbit" address="10.99.2.254"/>'
		echo '</quasard>'
	} >"$1"
	mkdir -p "$SD"
}

# t_start FILE SECONDS WHAT: quasar-demux on p0 and p1 ($dpid), and
# quasard on FILE ($qpid, its log /tmp/quasard.log); within SECONDS its
# pool must hold 2 idle routelets, or the test ends here.
t_start() {
	local t0
	"$SBIN/quasar-demux" -S "$SD" -i p0 -i p1 >/tmp/demux.log 2>&1 &
	dpid=$!
	t0=$(t_ms)
	"$SBIN/quasard" -f "$1" -v >/tmp/quasard.log 2>&1 &
	qpid=$!
	if t_wait "$2" ctl pool show && t_wait "$2" idle_is 2; then
		t_pass "quasard up with a pool of 2 $3"
		t_figure "pool of 2 $3 created (ready, paused)" \
		    "$(($(t_ms) - t0))" ms
	else
		t_fail "quasard did not come up with 2 idle routelets: $(tail -n 5 /tmp/quasard.log | tr '\n' ' ')"
		exit 1
	fi
}

# t_cleanup: what a test of quasard leaves, on every way out (trap
# t_cleanup EXIT): its quasard and demux ($qpid, $dpid), and t_hosts's
# namespaces with the links in them.
t_cleanup() {
	local ns
	t_stop $qpid $dpid
	for ns in $t_netns; do
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# t_pool_pin N SECONDS: pool resize N N N, so that a routelet lost must
# be made good; waits until the pool holds N in all.
t_pool_pin() {
	ctl pool resize "$1" "$1" "$1" >/dev/null
	t_wait "$2" pool_is "$1" ||
	    t_fail "pool resize $1 $1 $1: $(ctl pool show | head -n 1)"
}

pool_is() {
	[ "$(total_count)" = "$1" ]
}

# t_killed WHAT N SECONDS CMD...: CMD ends a routelet behind quasard's
# back (the pool pinned at N idle); within SECONDS the pool must have
# noticed and replaced it, N idle again.
t_killed() {
	local what n secs repl0 t0
	what=$1 n=$2 secs=$3
	shift 3
	repl0=$(pool_ctr replaced)
	t0=$(t_ms)
	"$@"
	if t_wait "$secs" replaced_since "$repl0" "$n"; then
		t_pass "$what: noticed and replaced"
		t_figure "death to replacement ready" "$(($(t_ms) - t0))" ms
	else
		t_fail "$what: no replacement: $(ctl pool show | tr '\n' ' ')"
	fi
}

replaced_since() {
	[ "$(pool_ctr replaced)" -gt "${1:-0}" ] && [ "$(idle_count)" = "$2" ]
}
