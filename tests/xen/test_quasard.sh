#!/bin/sh
# quasard with the xen backend, end to end, in the Xen lab's dom0:
#
#   ns src: s0 --- p0 [ dom0: quasar-demux, quasard, routelet domains ] p1 --- d0 :ns dst
#
# A pool of 2 paused routelet domains; a QoS LSP through quasarctl (static:
# the RSVP-TE path is the same lsp code, tested on the local backend);
# the routelet is configured through xenstore, acknowledges, is unpaused;
# frames with label 100 sent into p0 come out of p1 with label 200, TTL 63
# and the right MACs; its rate limit and CPU weight read back from Xen;
# deleting the LSP pauses the routelet and returns it to the pool; a
# routelet domain destroyed from outside is noticed and replaced.
. "$(dirname "$0")/lib.sh"

SD=/run/quasar/xen
NS_SRC=qx-src
NS_DST=qx-dst

trap t_cleanup EXIT

# The routelet domain of LSP $1 (text of `routelet show`): its name.
rl_of() {
	ctl routelet show | awk -v l="$1" '$4 == "lsp" && $5 == l { print $1 }'
}

domid_of() {
	xl domid "$1" 2>/dev/null
}

# xl list's state column of a domain (Name ID Mem VCPUs State Time):
# "--p---" when paused.
xl_state() {
	xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'
}

is_paused() {
	[ "$(xl_state "$1")" = "--p---" ]
}

# ---- the lab's two hosts -----------------------------------------------
t_hosts "$NS_SRC" "$NS_DST" || { t_fail "namespaces"; exit 1; }

t_conf /tmp/quasard-xen.xml <<EOF
  <backend type="xen" instance="qx">
    <ack-timeout ms="20000"/>
    <image kernel="$QUASAR_IMAGE/vmlinux" ramdisk="$QUASAR_IMAGE/initrd"
           memory-mb="128" vif-script="$QUASAR_LIBEXEC/vif-quasar"/>
  </backend>
EOF
if "$SBIN/quasard" -n -f /tmp/quasard-xen.xml >/tmp/quasard-n.out 2>&1; then
	t_pass "quasard -n accepts the xen configuration"
else
	t_fail "quasard -n: $(tail -n 3 /tmp/quasard-n.out)"
fi

t_start /tmp/quasard-xen.xml 300 "Xen routelet domains"
n=0
for d in $(xl list | awk '$1 ~ /^qx-rl/ { print $1 }'); do
	[ "$(xl_state "$d")" = "--p---" ] && n=$((n + 1))
done
[ "$n" = 2 ] && t_pass "Xen lists 2 paused qx-rl domains" ||
    t_fail "Xen lists $n paused qx-rl domains: $(xl list)"
grep -q "RTDS is not built" /tmp/quasard.log &&
    ctl pool show | grep -q "RTDS not built" &&
    t_pass "RTDS missing from this Xen is said in the log and the CLI" ||
    t_fail "RTDS not reported: $(ctl pool show | head -n 2)"

# ---- a QoS LSP ------------------------------------------------------------
t0=$(t_ms)
if ctl lsp add A in-label=100 in-port=p0 op=swap out-label=200 \
    nh-mac="$D0" out-port=p1 rate=1250000 burst=12500 weight=200 cap=50 \
    >/tmp/lspadd.out 2>&1; then
	t_pass "lsp add A (swap 100 -> 200 out of p1)"
	t_figure "take, configure through xenstore, unpause, ack" \
	    "$(($(t_ms) - t0))" ms
else
	t_fail "lsp add A: $(cat /tmp/lspadd.out)"
	exit 1
fi
rl=$(rl_of A)
dom=$(domid_of "$rl")
[ -n "$dom" ] && [ "$(xl_state "$rl")" != "--p---" ] &&
    t_pass "A's routelet $rl (domain $dom) runs" ||
    t_fail "A's routelet '$rl' domain '$dom' state $(xl_state "$rl")"
ctl demux show | grep -q "vif$dom.0" &&
    t_pass "demux hands label 100 to vif$dom.0" ||
    t_fail "demux table: $(ctl demux show)"

# read back from Xen itself
w=$(xl sched-credit2 -d "$rl" | awk 'NR == 2 { print $3 "/" $4 }')
[ "$w" = "200/50" ] && t_pass "credit2 weight 200 cap 50 read back from Xen" ||
    t_fail "credit2 weight/cap: '$w'"
rate=$(xenstore-read /local/domain/0/backend/vif/"$dom"/1/rate 2>/dev/null)
[ "$rate" = "12500,10000" ] &&
    t_pass "netback rate on vif$dom.1: 12500 B every 10 ms (10 Mbit/s)" ||
    t_fail "netback rate node: '$rate'"

# ---- frames through the routelet domain ------------------------------------
t_send "$NS_SRC" "$NS_DST" 30 100 20 /tmp/cap.txt
t_swapped /tmp/cap.txt 30 100 200
ctl routelet stats "${rl##*-rl}" >/tmp/rlstats.txt 2>&1
grep -Eq "^ *tx_packets +[1-9]" /tmp/rlstats.txt &&
    t_pass "the routelet's own counters, through xenstore, count them" ||
    t_fail "routelet stats: $(head -n 4 /tmp/rlstats.txt | tr '\n' ' ')"

# ---- teardown returns it, paused ------------------------------------------------
ctl lsp del A >/tmp/lspdel.out 2>&1 &&
    t_pass "lsp del A" || t_fail "lsp del A: $(cat /tmp/lspdel.out)"
# The pool pauses a returned routelet after the reply: wait for Xen to say so.
t_wait 30 is_paused "$rl" &&
    [ "$(idle_count)" -ge 2 ] &&
    t_pass "its routelet is back in the pool, paused in Xen" ||
    t_fail "after del: $rl state $(xl_state "$rl"), idle $(idle_count)"

# ---- a routelet killed behind quasard's back ----------------------------------
# Taking A grew the pool back to its target of 2 idle; pin it at 2, so a
# death must be made good.
t_pool_pin 2 120
victim=$(ctl routelet show | awk '$2 == "idle" { print $1; exit }')
vdom=$(domid_of "$victim")
t_killed "domain $vdom ($victim) destroyed from outside" 2 240 \
    xl destroy "$vdom"
grep -q "$victim.*died" /tmp/quasard.log &&
    t_pass "the log says it died" || t_fail "no death line for $victim in the log"

# ---- shutdown leaves nothing -------------------------------------------------------
kill "$qpid"
wait "$qpid"
qpid=
left=$(xl list | awk '$1 ~ /^qx-rl/' | wc -l)
vifs=$(ls /sys/class/net | grep -c '^vif')
[ "$left" = 0 ] && [ "$vifs" = 0 ] &&
    t_pass "quasard's exit destroys every routelet domain and VIF" ||
    t_fail "left: $left domains, $vifs vifs"
exit 0
