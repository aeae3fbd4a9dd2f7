#!/bin/sh
# quasard with the local backend, end to end, on cgroup v2 only:
#
#   ns src: s0 --- p0 [ quasar-demux, quasard, routelets ] p1 --- d0 :ns dst
#
# Everything about cgroups is read from the unified hierarchy's own files
# under /sys/fs/cgroup/<instance>/rl<id>, never from quasard: a pool
# routelet is frozen (cgroup.events "frozen 1") and uses no CPU
# (cpu.stat usage_usec stays put while frames wait for it), unpause thaws
# it and it runs again; a static LSP's CPU share becomes cpu.weight and
# cpu.max; its frames are swapped 100 -> 200 (tcpdump on the far side);
# pausing holds them and unpausing lets them out; kill -9 of a routelet is
# noticed, its group removed and a new frozen one made; and quasard's exit
# leaves no group, VIF, routelet process or namespace.
. "$(dirname "$0")/lib.sh"

SD=/run/quasar/cg2
INST=cg2q
CG=/sys/fs/cgroup
NS_SRC=qc-src
NS_DST=qc-dst

trap t_cleanup EXIT

# The files of routelet $1's group.
grp() {
	echo "$CG/$INST/rl$1"
}

frozen() {
	awk '$1 == "frozen" { print $2 }' "$(grp "$1")/cgroup.events" 2>/dev/null
}

is_frozen() {
	[ "$(frozen "$1")" = 1 ]
}

usage() {
	awk '$1 == "usage_usec" { print $2 }' "$(grp "$1")/cpu.stat"
}

usage_above() {
	[ "$(usage "$1")" -gt "$2" ]
}

# cpu_is ID WEIGHT MAX WHAT: routelet ID's cpu.weight and cpu.max.
cpu_is() {
	local w m
	w=$(cat "$(grp "$1")/cpu.weight")
	m=$(cat "$(grp "$1")/cpu.max")
	if [ "$w" = "$2" ] && [ "$m" = "$3" ]; then
		t_pass "$4: cpu.weight $2, cpu.max '$3'"
	else
		t_fail "$4: cpu.weight '$w', cpu.max '$m'; want $2, '$3'"
	fi
}

rl_pid() {
	head -n 1 "$(grp "$1")/cgroup.procs"
}

# Routelet ids by pool state (idle, used), from `routelet show`.
ids() {
	ctl routelet show | awk -v s="$1" '$2 == s { sub(/^rl/, "", $1); print $1 }'
}

# The network namespaces processes are in, one a line ("net:[inode]");
# one ls, since every program run costs a good part of a second here.
netns_in_use() {
	ls -l /proc/[0-9]*/ns/net 2>/dev/null | awk '$(NF - 1) == "->" { print $NF }' | sort -u
}

# ---- only v2 ----------------------------------------------------------------
if grep -q ' - cgroup2 cgroup2 ' /proc/self/mountinfo &&
    [ "$(awk '$5 == "/sys/fs/cgroup"' /proc/self/mountinfo | grep -c ' - cgroup2 ')" = 1 ] &&
    ! grep -q ' - cgroup ' /proc/self/mountinfo; then
	t_pass "only cgroup2 is mounted, at /sys/fs/cgroup; no v1 hierarchy"
else
	t_fail "cgroup mounts: $(grep cgroup /proc/self/mountinfo | tr '\n' ' ')"
	exit 1
fi

t_hosts "$NS_SRC" "$NS_DST" || { t_fail "namespaces"; exit 1; }
ns0=$(netns_in_use)

# The guest's init leaves the root's subtree_control as the kernel booted
# it: what is there after quasard starts, quasard wrote.
sc0=$(cat "$CG/cgroup.subtree_control")
t_conf /tmp/quasard-cg2.xml <<EOF
  <backend type="local" instance="$INST">
    <routelet path="$SBIN/routelet" user="nobody"/>
    <ack-timeout ms="10000"/>
  </backend>
EOF
t_start /tmp/quasard-cg2.xml 120 "local routelets"

# ---- the groups, as the kernel shows them ------------------------------------
grep -qw cpu "$CG/cgroup.subtree_control" &&
    grep -qw cpu "$CG/$INST/cgroup.subtree_control" &&
    t_pass "quasard enabled cpu in the subtree_control of / (was '$sc0') and of $INST/" ||
    t_fail "subtree_control: / '$(cat "$CG/cgroup.subtree_control")', $INST/ '$(cat "$CG/$INST/cgroup.subtree_control" 2>&1)'"
n=0
for id in $(ids idle); do
	pid=$(rl_pid "$id")
	if is_frozen "$id" && [ "$(cat "$(grp "$id")/cgroup.freeze")" = 1 ] &&
	    [ "$(wc -l <"$(grp "$id")/cgroup.procs")" = 1 ] &&
	    [ "$(cat /proc/"$pid"/comm)" = routelet ] &&
	    [ "$(cat /proc/"$pid"/cgroup)" = "0::/$INST/rl$id" ]; then
		n=$((n + 1))
	else
		t_fail "rl$id: frozen '$(frozen "$id")', procs '$(cat "$(grp "$id")/cgroup.procs" | tr '\n' ' ')', pid $pid in '$(cat /proc/"$pid"/cgroup 2>&1)'"
	fi
done
[ "$n" = 2 ] &&
    t_pass "each idle routelet is one process alone in $INST/rl<id>, cgroup.events frozen 1" ||
    t_fail "$n of 2 idle routelets as they should be: $(ctl routelet show | tr '\n' ' ')"

# ---- frozen: no CPU; thawed: runs ----------------------------------------------
A=$(ids idle | head -n 1)
apid=$(rl_pid "$A")
u0=$(usage "$A")
ticks0=$(awk '{ print $14 + $15 }' /proc/"$apid"/stat)
# Frames for it, into its VIF from dom0's end: they wait in its socket.
# Its namespace can be entered while it is frozen.
amac=$(nsenter -t "$apid" -n ip -o link show eth0 |
    sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
"$SBIN/qgen" -i "vif$A.0" -d "$amac" -q \
    -f id=2,label=999,rate=200,size=100 -n 200 >/dev/null 2>&1
sleep 1
u1=$(usage "$A")
ticks1=$(awk '{ print $14 + $15 }' /proc/"$apid"/stat)
if [ -n "$u0" ] && [ "$u0" = "$u1" ] && [ "$ticks0" = "$ticks1" ]; then
	t_pass "frozen rl$A used no CPU while 200 frames came in (usage_usec $u0 -> $u1)"
else
	t_fail "frozen rl$A: usage_usec $u0 -> $u1, ticks $ticks0 -> $ticks1"
fi
ctl routelet unpause "$A" >/tmp/unpause.out 2>&1 &&
    [ "$(frozen "$A")" = 0 ] &&
    [ "$(cat "$(grp "$A")/cgroup.freeze")" = 0 ] &&
    t_pass "routelet unpause: rl$A's cgroup.events frozen 0" ||
    t_fail "unpause rl$A: $(cat /tmp/unpause.out) frozen '$(frozen "$A")'"
if t_wait 20 usage_above "$A" "$u1"; then
	t_pass "thawed, it runs: usage_usec $u1 -> $(usage "$A")"
else
	t_fail "thawed rl$A used no CPU: usage_usec $(usage "$A")"
fi
ctl routelet stats "$A" >/tmp/astats.txt 2>&1
rx=$(awk '$1 == "rx_packets" { print $2 }' /tmp/astats.txt)
[ "${rx:-0}" -ge 200 ] &&
    t_pass "it kept the 200 frames that came while it was frozen and read them (rx_packets $rx)" ||
    t_fail "rl$A's counters: $(head -n 6 /tmp/astats.txt | tr '\n' ' ')"
ctl routelet pause "$A" >/dev/null 2>&1 && is_frozen "$A" &&
    t_pass "routelet pause: frozen 1 again" ||
    t_fail "pause rl$A: frozen '$(frozen "$A")'"

# ---- a static LSP: CPU share, frames -------------------------------------------
if ctl lsp add A in-label=100 in-port=p0 op=swap out-label=200 \
    nh-mac="$D0" out-port=p1 rate=1250000 burst=12500 weight=200 cap=50 \
    >/tmp/lspadd.out 2>&1; then
	t_pass "lsp add A (swap 100 -> 200 out of p1, weight 200, cap 50 %)"
else
	t_fail "lsp add A: $(cat /tmp/lspadd.out)"
	exit 1
fi
R=$(ctl routelet show | awk '$4 == "lsp" && $5 == "A" { sub(/^rl/, "", $1); print $1 }')
[ -n "$R" ] && [ "$(frozen "$R")" = 0 ] &&
    t_pass "A's routelet rl$R was thawed: frozen 0" ||
    t_fail "A's routelet '$R': frozen '$(frozen "$R")'"
cpu_is "$R" 200 "50000 100000" "weight 200, cap 50 % (half of 100 ms)"
ctl lsp set A weight=300 cap=0 >/tmp/lspset.out 2>&1 ||
    t_fail "lsp set A weight=300 cap=0: $(cat /tmp/lspset.out)"
cpu_is "$R" 300 "max 100000" "lsp set A weight=300 cap=0"
ctl lsp set A cap=25 >/tmp/lspset.out 2>&1 ||
    t_fail "lsp set A cap=25: $(cat /tmp/lspset.out)"
cpu_is "$R" 300 "25000 100000" "lsp set A cap=25 (the weight kept)"

u0=$(usage "$R")
t_send "$NS_SRC" "$NS_DST" 30 100 30 /tmp/cap.txt
t_swapped /tmp/cap.txt 30 100 200
u1=$(usage "$R")
[ "$u1" -gt "$u0" ] &&
    t_pass "the forwarding was charged to rl$R's group (usage_usec $u0 -> $u1)" ||
    t_fail "rl$R's usage_usec $u0 -> $u1"

# Paused, its flow stops; its frames wait, and leave once it is thawed.
ctl routelet pause "$R" >/dev/null 2>&1 && is_frozen "$R" &&
    t_pass "routelet pause rl$R: frozen 1" || t_fail "pause rl$R: frozen '$(frozen "$R")'"
t_send "$NS_SRC" "$NS_DST" 20 100 5 /tmp/cap-paused.txt
got=$(grep -c "label 200" /tmp/cap-paused.txt)
[ "$got" = 0 ] && t_pass "while it is frozen none of 20 frames comes out" ||
    t_fail "$got of 20 frames came out of a frozen routelet"
in_ns "$NS_DST" tcpdump -i d0 -e -nn -l -c 20 mpls >/tmp/cap-thawed.txt 2>/dev/null &
cpid=$!
sleep 2
ctl routelet unpause "$R" >/dev/null 2>&1
t_wait 20 sh -c "[ \$(grep -c 'label 200' /tmp/cap-thawed.txt) -ge 20 ]"
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
got=$(grep -c "label 200" /tmp/cap-thawed.txt)
[ "$(frozen "$R")" = 0 ] && [ "$got" -ge 19 ] &&
    t_pass "routelet unpause: frozen 0, and the $got frames held while frozen come out" ||
    t_fail "after unpause: frozen '$(frozen "$R")', $got of 20 held frames out"

ctl lsp del A >/tmp/lspdel.out 2>&1 && t_wait 10 is_frozen "$R" &&
    t_pass "lsp del A: rl$R back in the pool, frozen 1" ||
    t_fail "lsp del A: $(cat /tmp/lspdel.out) frozen '$(frozen "$R")'"

# ---- kill -9 -----------------------------------------------------------------------
# Taking A grew the pool; pin it at 2 idle, so a death must be made good.
t_pool_pin 2 60
V=$(ids idle | tail -n 1)
vpid=$(rl_pid "$V")
t_killed "kill -9 of rl$V (pid $vpid)" 2 60 kill -9 "$vpid"
grep -q "routelet $V died" /tmp/quasard.log &&
    t_pass "the log says rl$V died" || t_fail "no death line for rl$V in the log"
[ ! -d "$(grp "$V")" ] && t_pass "rl$V's group is removed" ||
    t_fail "rl$V's group is still there: $(ls "$(grp "$V")" | head -n 3)"
n=0
for id in $(ids idle); do
	is_frozen "$id" && n=$((n + 1))
done
[ "$n" = 2 ] && t_pass "the pool's 2 idle routelets, the new one with them, are frozen" ||
    t_fail "$n of the idle routelets frozen: $(ctl routelet show | tr '\n' ' ')"

# ---- exit leaves nothing -------------------------------------------------------------
t0=$(t_ms)
t_stop $qpid
t_figure "quasard's exit, its routelets destroyed" "$(($(t_ms) - t0))" ms
t_stop $dpid
qpid= dpid=
left=$(find "$CG" -mindepth 1 -type d | tr '\n' ' ')
vifs=$(ls /sys/class/net | grep -c '^vif')
procs=$(pgrep -x routelet | tr '\n' ' ')
ns1=$(netns_in_use)
[ ! -e "$CG/$INST" ] && [ -z "$left" ] &&
    t_pass "quasard's exit leaves no cgroup" || t_fail "groups left: $left"
[ "$vifs" = 0 ] && t_pass "no VIF left" || t_fail "$vifs VIFs left: $(ls /sys/class/net)"
[ -z "$procs" ] && t_pass "no routelet process left" ||
    t_fail "routelet processes left: $procs"
[ "$ns0" = "$ns1" ] && t_pass "no network namespace left" ||
    t_fail "namespaces in use before: $(echo "$ns0" | tr '\n' ' ') after: $(echo "$ns1" | tr '\n' ' ')"
exit 0
