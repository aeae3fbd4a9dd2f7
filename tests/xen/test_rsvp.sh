#!/bin/sh
# A QoS LSP signalled with RSVP-TE into a Xen routelet, in the Xen lab's
# dom0:
#
#   ns head: quasard head-end, s0 --- p0 [ dom0: quasar-demux, quasard
#   (transit, xen backend) ] p1 --- d0, quasard tail-end :ns tail
#
# The head-end sends a Path for 1 Mbit/s to the tail; dom0's quasard admits
# it into a routelet domain and sends the Resv back with its label; frames
# the head-end's traffic generator labels with what the Resv said are
# forwarded by the routelet domain and popped toward the tail (implicit
# null).  The LERs' quasards hold no routelets (pool of 0).
. "$(dirname "$0")/lib.sh"

NS_H=qxr-head
NS_T=qxr-tail
SD=/run/quasar/xr
SDH=/run/quasar/xrh
SDT=/run/quasar/xrt

cleanup() {
	for p in $hpid $tpid $qpid $dpid; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	ip netns del "$NS_H" 2>/dev/null
	ip netns del "$NS_T" 2>/dev/null
	ip link del p0 2>/dev/null
	ip link del p1 2>/dev/null
	[ -n "$fwd0" ] && echo "$fwd0" >/proc/sys/net/ipv4/ip_forward
}
trap cleanup EXIT

# conf FILE STATEDIR INSTANCE POOL(min target max) IF ADDR [IF ADDR]
conf() {
	f=$1 sd=$2 inst=$3 pmin=$4 ptgt=$5 pmax=$6
	shift 6
	{
		echo '<?xml version="1.0" encoding="UTF-8"?>'
		echo '<quasard xmlns="urn:quasar:quasard:1">'
		echo "  <statedir>$sd</statedir>"
		echo "  <backend type=\"xen\" instance=\"$inst\">"
		echo '    <ack-timeout ms="20000"/>'
		echo "    <image kernel=\"$QUASAR_IMAGE/vmlinux\" ramdisk=\"$QUASAR_IMAGE/initrd\""
		echo "           vif-script=\"$QUASAR_LIBEXEC/vif-quasar\"/>"
		echo '  </backend>'
		echo "  <pool min=\"$pmin\" target=\"$ptgt\" max=\"$pmax\" ping-ms=\"10000\"/>"
		echo '  <admission cpu-budget-percent="90" per-packet-ns="20000"/>'
		while [ $# -ge 2 ]; do
			echo "  <interface name=\"$1\" reservable=\"100Mbit\" address=\"$2\"/>"
			shift 2
		done
		echo '</quasard>'
	} >"$f"
}

# wait_ctl STATEDIR: until its quasard answers
wait_ctl() {
	t_wait 300 "$SBIN/quasarctl" -S "$1" pool show
}

t_hosts "$NS_H" "$NS_T" || { t_fail "namespaces"; exit 1; }
# A Path is addressed to the tail: the router sees it (Router Alert) only
# on the forwarding path.
fwd0=$(cat /proc/sys/net/ipv4/ip_forward)
echo 1 >/proc/sys/net/ipv4/ip_forward
in_ns "$NS_H" ip addr add 10.99.1.1/24 dev s0
in_ns "$NS_T" ip addr add 10.99.2.1/24 dev d0
in_ns "$NS_H" ip route add default via 10.99.1.254
in_ns "$NS_T" ip route add default via 10.99.2.254
mkdir -p "$SD" "$SDH" "$SDT"

conf /tmp/xr.xml "$SD" qxr 1 1 2 p0 10.99.1.254 p1 10.99.2.254
conf /tmp/xrh.xml "$SDH" qxrh 0 0 1 s0 10.99.1.1
conf /tmp/xrt.xml "$SDT" qxrt 0 0 1 d0 10.99.2.1

"$SBIN/quasar-demux" -S "$SD" -i p0 -i p1 >/tmp/xr-demux.log 2>&1 &
dpid=$!
"$SBIN/quasard" -f /tmp/xr.xml -v >/tmp/xr.log 2>&1 &
qpid=$!
in_ns "$NS_T" "$SBIN/quasard" -f /tmp/xrt.xml -v >/tmp/xrt.log 2>&1 &
tpid=$!
in_ns "$NS_H" "$SBIN/quasard" -f /tmp/xrh.xml -v >/tmp/xrh.log 2>&1 &
hpid=$!
# The router's one routelet domain must be ready before the Path comes:
# a Path it cannot admit waits for the head-end's next refresh (30 s).
if wait_ctl "$SD" && wait_ctl "$SDT" && wait_ctl "$SDH" &&
    t_wait 240 idle_is 1; then
	t_pass "head-end, transit (xen, pool of 1 ready) and tail-end quasards up"
else
	t_fail "quasards: router $(tail -n 2 /tmp/xr.log | tr '\n' ' ') head $(tail -n 2 /tmp/xrh.log | tr '\n' ' ') tail $(tail -n 2 /tmp/xrt.log | tr '\n' ' ')"
	exit 1
fi

t0=$(t_ms)
"$SBIN/quasarctl" -S "$SDH" lsp add G to=10.99.2.1 rate=125000 burst=3000 \
    >/tmp/xr-add.out 2>&1 || t_fail "head-end lsp add: $(cat /tmp/xr-add.out)"
if t_wait 120 grep -q "lsp G: up, label" /tmp/xrh.log; then
	t_pass "Path out, Resv back: the LSP is up at the head-end"
	t_figure "RSVP-TE LSP set-up through a Xen routelet, head-end's view" \
	    "$(($(t_ms) - t0))" ms
else
	t_fail "no Resv at the head-end: $(tail -n 3 /tmp/xrh.log | tr '\n' ' ') router: $(tail -n 3 /tmp/xr.log | tr '\n' ' ')"
	exit 1
fi
label=$(sed -n 's/.*lsp G: up, label \([0-9]*\) to .*/\1/p' /tmp/xrh.log | tail -n 1)
nhmac=$(sed -n 's/.*lsp G: up, label [0-9]* to [0-9.]* (\([0-9a-f:]*\)).*/\1/p' /tmp/xrh.log | tail -n 1)
[ "$nhmac" = "$P0" ] && t_pass "head-end's label $label, toward p0 ($P0)" ||
    t_fail "head-end's next hop MAC '$nhmac', p0 is $P0"

rl=$("$SBIN/quasarctl" -S "$SD" routelet show | awk '$4 == "lsp" && $5 != "-" { print $1; exit }')
"$SBIN/quasarctl" -S "$SD" lsp show >/tmp/xr-lsps.txt 2>&1
[ -n "$rl" ] && [ "$(xl list "$rl" | awk 'NR == 2 { print $5 }')" != "--p---" ] &&
    t_pass "the router admitted it into routelet domain $rl, running" ||
    t_fail "router's routelets: $("$SBIN/quasarctl" -S "$SD" routelet show | tr '\n' ' ')"
"$SBIN/quasarctl" -S "$SD" demux show | grep -q "^ *$label -> vif" &&
    t_pass "the router's demux hands label $label to the domain's VIF" ||
    t_fail "router's demux: $("$SBIN/quasarctl" -S "$SD" demux show | tr '\n' ' ')"

# The head-end's forwarding plane: qgen labels as the Resv said.
in_ns "$NS_T" tcpdump -i d0 -e -nn -l -c 30 udp >/tmp/xr-cap.txt 2>/dev/null &
cpid=$!
sleep 2
in_ns "$NS_H" "$SBIN/qgen" -i s0 -d "$nhmac" -q \
    -f id=7,label="$label",rate=100,size=200 -n 30 >/dev/null 2>&1
t_wait 20 sh -c "[ \$(grep -c 'ethertype IPv4' /tmp/xr-cap.txt) -ge 30 ]"
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
got=$(grep -i "^[0-9:.]* $P1 > $D0, ethertype IPv4" /tmp/xr-cap.txt | grep -c .)
[ "$got" -ge 29 ] &&
    t_pass "label $label forwarded by the routelet domain, popped to IPv4 at the tail ($got of 30)" ||
    t_fail "IPv4 frames $P1 > $D0 at the tail: $got of 30; $(head -n 1 /tmp/xr-cap.txt)"

"$SBIN/quasarctl" -S "$SDH" lsp del G >/dev/null 2>&1
t_wait 60 sh -c "[ \$($SBIN/quasarctl -S $SD pool show | awk 'NR == 1 { print \$4 }') = 0 ]" &&
    t_pass "PathTear: the router's routelet goes back to the pool" ||
    t_fail "after lsp del: $("$SBIN/quasarctl" -S "$SD" pool show | head -n 1)"
exit 0
