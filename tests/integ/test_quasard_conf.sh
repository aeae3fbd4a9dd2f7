#!/bin/sh
# quasard -f: a configuration file checked (-n), printed back (-nv), and
# refused with file:line when it is wrong; run against a real interface in
# a namespace of our own.
set -u
B=$1
ns=qcf-$$
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1: $2"; fail=$((fail + 1)); }
tmp=$(mktemp -d)
trap 'ip netns del $ns 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
ip netns add $ns && ip -n $ns link add p0 type veth peer name p0x && ip -n $ns link add p1 type veth peer name p1x || exit 1
run() { nsenter --net=/run/netns/$ns "$B/bin/quasard" "$@"; }

cat > "$tmp/good.xml" <<EOC
<?xml version="1.0"?>
<quasard xmlns="urn:quasar:quasard:1">
  <statedir>/run/quasar-conftest</statedir>
  <pool min="2" target="3" max="9"/>
  <rsvp refresh-ms="1000" keep-multiplier="4"/>
  <interface name="p0" reservable="100Mbit"/>
  <interface name="p1" reservable="8Mbit"/>
</quasard>
EOC
out=$(run -f "$tmp/good.xml" -n 2>&1)
case "$out" in
*"2 ports, pool 2:3:9"*"R 1000 ms, K 4"*"p1: reservable 1000000 B/s"*) ok "-f -n checks a good file and says what it read" ;;
*) ko "-f -n checks a good file and says what it read" "$out" ;;
esac
out=$(run -f "$tmp/good.xml" -n -v 2>&1)
case "$out" in
*"<quasard"*"<interface name=\"p1\""*) ok "-f -nv prints the effective configuration" ;;
*) ko "-f -nv prints the effective configuration" "$out" ;;
esac
sed 's/max="9"/max="two"/' "$tmp/good.xml" > "$tmp/bad.xml"
out=$(run -f "$tmp/bad.xml" -n 2>&1); rc=$?
case "$rc:$out" in
[1-9]*"bad.xml:4:"*) ok "a bad file is refused with its line" ;;
*) ko "a bad file is refused with its line" "$rc $out" ;;
esac
out=$(run -f "$tmp/good.xml" -S /tmp -n 2>&1); rc=$?
[ $rc -ne 0 ] && ok "-f with other options is refused" || ko "-f with other options is refused" "$out"
echo "quasard-conf: $pass passed, $fail failed"
[ $fail -eq 0 ]
