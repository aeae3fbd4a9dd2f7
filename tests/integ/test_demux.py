#!/usr/bin/python3
"""quasar-demux in network namespaces.

    tests/integ/test_demux.py [BUILD]        (as root; BUILD defaults to build)

Topology, all in namespaces named qdmx-*-<random> that are removed on every
exit path:

    src eth0 --- p0 [ router: quasar-demux -i p0 -i p1 ] p1 --- eth0 dst
                              vif7.0 --- eth0 rl    (a routelet VIF's stand-in)

The router's kernel routes IPv4 between 10.99.1.0/24 (src) and 10.99.2.0/24
(dst).  The demux's state directory is a fresh temporary directory; the
tables are written with the demux's own subcommands (table, be), which is
what quasard does through the library.

Each namespace runs an agent: this script again with --agent, standard
library only (it starts fast), that sends frames and captures everything
that arrives on its interface.  Frames are built and checked byte for byte
here, with scapy for the IP parts.  Prints PASS:/FAIL: per case and exits
non-zero if any failed.

The cases run with the user-space demux alone (-x off); test_demux_xdp.py
runs them again with the XDP classifier (-x auto; those cases are named
"xdp: ...", and a few more are its own).  The same assertions hold in both; where the counters
differ, the XDP run checks that frames for the routelet went through the
kernel (xdp_to_routelet) and never reached the user-space demux.  The rl
namespace's eth0 has GRO on in the XDP run, as a routelet's VIF has, so
that vif7.0 takes frames from XDP.
"""

import json
import os
import random
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

ETH_P_ALL = 3
SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 0x10
TP_STATUS_VLAN_TPID_VALID = 0x40


# ---- the agent: runs inside a namespace ------------------------------------

def agent_main(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((iface, 0))
    frames = []
    lock = threading.Lock()

    def rx():
        while True:
            data, anc, _flags, addr = s.recvmsg(65536, socket.CMSG_SPACE(32))
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            # The kernel takes 802.1Q tags off into metadata; put them back
            # so we see the frame as it was on the wire (as libpcap does).
            for lvl, typ, cd in anc:
                if lvl == SOL_PACKET and typ == PACKET_AUXDATA and len(cd) >= 20:
                    st, _l, _s, _m, _n, tci, tpid = struct.unpack("IIIHHHH", cd[:20])
                    if st & TP_STATUS_VLAN_VALID:
                        if not st & TP_STATUS_VLAN_TPID_VALID:
                            tpid = 0x8100
                        data = data[:12] + struct.pack("!HH", tpid, tci) + data[12:]
            with lock:
                frames.append(data)

    threading.Thread(target=rx, daemon=True).start()
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        cmd = parts[0]
        if cmd == "send":
            gap = int(parts[1]) / 1e6
            try:
                for h in parts[2:]:
                    s.send(bytes.fromhex(h))
                    if gap:
                        time.sleep(gap)
                out.write("ok %d\n" % (len(parts) - 2))
            except OSError as e:
                out.write("err %s\n" % e)
        elif cmd == "dump":
            with lock:
                fr = list(frames)
            out.write("%d\n" % len(fr))
            for f in fr:
                out.write(f.hex() + "\n")
        elif cmd == "clear":
            with lock:
                frames.clear()
            out.write("ok\n")
        elif cmd == "quit":
            break
        out.flush()


# ---- the test -----------------------------------------------------------------

def lse(label, ttl, s=1, tc=0):
    return struct.pack("!I", (label << 12) | (tc << 9) | (s << 8) | ttl)


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip_csum(hdr):
    if len(hdr) % 2:
        hdr += b"\0"
    t = sum(struct.unpack("!%dH" % (len(hdr) // 2), hdr))
    while t >> 16:
        t = (t & 0xFFFF) + (t >> 16)
    return (~t) & 0xFFFF


MAC = {
    "p0": "02:00:00:00:01:01", "src": "02:00:00:00:01:02",
    "p1": "02:00:00:00:02:01", "dst": "02:00:00:00:02:02",
    "vif": "02:00:00:00:07:01", "rl": "02:00:00:00:07:02",
}
DROPS = ("runt", "not_mpls", "other_host", "oversize", "bad_stack",
         "reserved_label", "no_route", "bad_vif", "be_busy", "ttl_expired",
         "bad_payload", "bad_port", "be_bad_entry")


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def sh(cmd, timeout=15, ok=True):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if ok and r.returncode != 0:
        raise RuntimeError("%s: status %d: %s%s" % (" ".join(cmd), r.returncode,
                                                   r.stdout, r.stderr))
    return r


class Agent:
    def __init__(self, ns, iface):
        self.p = subprocess.Popen(
            ["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__),
             "--agent", iface], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            bufsize=0)
        self.buf = b""
        self.lock = threading.Lock()
        line = self._line(10)
        if line != "ready":
            raise RuntimeError("agent in %s did not start: %r" % (ns, line))

    def _line(self, timeout):
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise RuntimeError("agent timed out")
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if r:
                chunk = os.read(self.p.stdout.fileno(), 1 << 16)
                if not chunk:
                    raise RuntimeError("agent died")
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def _cmd(self, line, timeout=20):
        self.p.stdin.write((line + "\n").encode())
        return self._line(timeout)

    def send(self, frames, gap_us=0):
        with self.lock:
            r = self._cmd("send %d %s" % (gap_us, " ".join(f.hex() for f in frames)),
                          timeout=20 + len(frames) * gap_us / 1e6)
        if not r.startswith("ok"):
            raise RuntimeError("send: " + r)

    def clear(self):
        with self.lock:
            self._cmd("clear")

    def dump(self):
        with self.lock:
            n = int(self._cmd("dump"))
            return [bytes.fromhex(self._line(5)) for _ in range(n)]

    def close(self):
        try:
            self.p.stdin.write(b"quit\n")
            self.p.wait(timeout=3)
        except Exception:
            self.p.kill()
            self.p.wait()


class Lab:
    def __init__(self, build, xdp="off"):
        self.xdp = xdp
        self.build = os.path.abspath(build)
        self.demux_bin = os.path.join(self.build, "bin", "quasar-demux")
        sfx = "%06x" % random.randrange(1 << 24)
        self.ns = {k: "qdmx-%s-%s" % (k, sfx) for k in ("r", "src", "dst", "rl")}
        self.made = []
        self.agents = {}
        self.demux = None
        self.dir = tempfile.mkdtemp(prefix="qdmx-state-")
        fd, self.logpath = tempfile.mkstemp(prefix="qdmx-log-")
        os.close(fd)
        self.side = tempfile.mkdtemp(prefix="qdmx-side-")

    def up(self):
        R, S, D, L = (self.ns[k] for k in ("r", "src", "dst", "rl"))
        for n in (R, S, D, L):
            sh(["ip", "netns", "add", n])
            self.made.append(n)
            sh(["ip", "-n", n, "link", "set", "lo", "up"])
            for k in ("all", "default"):
                sh(["ip", "netns", "exec", n, "sysctl", "-qw",
                    "net.ipv6.conf.%s.disable_ipv6=1" % k])
        # Created inside the router namespace: no name can clash with the
        # host's interfaces or another run's.
        for a, b, ns, am, bm in (("p0", "eth0", S, "p0", "src"),
                                 ("p1", "eth0", D, "p1", "dst"),
                                 ("vif7.0", "eth0", L, "vif", "rl")):
            sh(["ip", "-n", R, "link", "add", a, "address", MAC[am], "type", "veth",
                "peer", "name", b, "netns", ns, "address", MAC[bm]])
            sh(["ip", "-n", R, "link", "set", a, "up"])
            sh(["ip", "-n", ns, "link", "set", b, "up"])
        # Jumbo frames on the src link, so one can outgrow a ring slot.
        sh(["ip", "-n", R, "link", "set", "p0", "mtu", "4000"])
        sh(["ip", "-n", S, "link", "set", "eth0", "mtu", "4000"])
        sh(["ip", "netns", "exec", R, "sysctl", "-qw", "net.ipv4.ip_forward=1"])
        sh(["ip", "-n", R, "addr", "add", "10.99.1.1/24", "dev", "p0"])
        sh(["ip", "-n", R, "addr", "add", "10.99.2.1/24", "dev", "p1"])
        sh(["ip", "-n", S, "addr", "add", "10.99.1.2/24", "dev", "eth0"])
        sh(["ip", "-n", D, "addr", "add", "10.99.2.2/24", "dev", "eth0"])
        sh(["ip", "-n", S, "route", "add", "default", "via", "10.99.1.1"])
        sh(["ip", "-n", D, "route", "add", "default", "via", "10.99.2.1"])
        if self.xdp != "off":
            # What a routelet does to its VIF ends (routelet/run.c).
            sh(["ip", "netns", "exec", L, "ethtool", "-K", "eth0", "gro", "on"])
        self.agents["src"] = Agent(S, "eth0")
        self.agents["dst"] = Agent(D, "eth0")
        self.agents["rl"] = Agent(L, "eth0")

    def start_demux(self, extra=()):
        log = open(self.logpath, "a")
        self.demux_out = tempfile.TemporaryFile()
        self.demux = subprocess.Popen(
            ["ip", "netns", "exec", self.ns["r"], self.demux_bin, "-S", self.dir,
             "-i", "p0", "-i", "p1", "-j", "-x", self.xdp, *extra],
            stdout=self.demux_out, stderr=log)
        log.close()
        end = time.monotonic() + 30
        while time.monotonic() < end:
            check(self.demux.poll() is None, "demux exited at start: " + self.log())
            r = self.cli("stats", "-j", ok=False)
            if r.returncode == 0:
                st = json.loads(r.stdout)
                if st["running"] and st["pid"] == self.demux.pid:
                    return
            time.sleep(0.05)
        raise Fail("demux did not publish its counters in 30 s: " + self.log())

    def stop_demux(self, sig=signal.SIGTERM, timeout=20):
        p, self.demux = self.demux, None
        if p is None:
            return None
        p.send_signal(sig)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise Fail("demux ignored signal %d for %d s" % (sig, timeout))
        self.demux_out.seek(0)
        return rc, self.demux_out.read().decode()

    def log(self):
        try:
            with open(self.logpath) as f:
                return f.read()
        except OSError:
            return ""

    def cli(self, *args, ok=True, statedir=None):
        return sh(["ip", "netns", "exec", self.ns["r"], self.demux_bin, "-S",
                   statedir or self.dir, *args], ok=ok)

    def stats(self):
        st = json.loads(self.cli("stats", "-j").stdout)
        c = st["counters"]
        c["ports"] = st["ports"]
        return c

    def down(self):
        for a in self.agents.values():
            a.close()
        if self.demux is not None:
            self.demux.kill()
            self.demux.wait()
        for n in self.made:
            subprocess.run(["ip", "netns", "del", n], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
        shutil.rmtree(self.side, ignore_errors=True)
        try:
            os.unlink(self.logpath)
        except OSError:
            pass


def main(xdp="off"):
    if os.geteuid() != 0:
        print("SKIP: test_demux needs root (network namespaces)")
        return 0
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    if not os.access(os.path.join(build, "bin", "quasar-demux"), os.X_OK):
        print("FAIL: setup: no %s/bin/quasar-demux (run make)" % build)
        return 1

    def bail(sig, _frame):
        raise SystemExit("killed by signal %d" % sig)

    signal.signal(signal.SIGTERM, bail)
    signal.signal(signal.SIGINT, bail)
    signal.signal(signal.SIGALRM, bail)
    signal.alarm(240)          # the whole run, whatever hangs
    results = []
    try:
        status = run_mode(build, xdp, results)
    finally:
        signal.alarm(0)
    print("test_demux%s: %d passed, %d failed" % ("" if xdp == "off" else "_xdp",
          sum(1 for r in results if r[1] is None), sum(1 for r in results if r[1])))
    return status


def run_mode(build, xdp, results):
    """All the cases on a fresh lab with quasar-demux -x xdp."""
    from scapy.all import IP, IPv6, UDP, Raw  # noqa: E402 (slow; parent only)

    lab = Lab(build, xdp)
    XDP = xdp != "off"
    prefix = "xdp: " if XDP else ""

    p0, p1, smac, dmac = mac(MAC["p0"]), mac(MAC["p1"]), mac(MAC["src"]), mac(MAC["dst"])
    seq = [0]

    def payload(tag):
        seq[0] += 1
        return bytes(IP(src="10.99.1.2", dst="10.99.2.2", ttl=64) /
                     UDP(sport=4000, dport=5000) /
                     Raw(b"QDMX %s %06d" % (tag.encode(), seq[0]) + b"." * 20))

    def mpls_frame(labels, body, dst=None, vlan=None):
        """labels: [(label, ttl, tc)], top first."""
        eth = (dst or p0) + smac
        if vlan is not None:
            eth += struct.pack("!HH", 0x8100, vlan)
        stack = b"".join(lse(l, t, int(i == len(labels) - 1), tc)
                         for i, (l, t, tc) in enumerate(labels))
        return eth + b"\x88\x47" + stack + body

    def settle(agent, want, timeout=10.0):
        """Frames at agent once it holds want of them (or timeout), plus a
        short quiet period so strays have time to show up too."""
        end = time.monotonic() + timeout
        fr = agent.dump()
        while len(fr) < want and time.monotonic() < end:
            time.sleep(0.05)
            fr = agent.dump()
        time.sleep(0.2)
        return agent.dump()

    def only(frames, ethertypes=(0x8847, 0x0800, 0x86DD, 0x8100)):
        # ARP and the like are not ours to judge.
        return [f for f in frames if len(f) >= 14 and
                struct.unpack("!H", f[12:14])[0] in ethertypes]

    def clear_all():
        for a in lab.agents.values():
            a.clear()

    def delta(before, after, keys):
        return {k: after[k] - before[k] for k in keys}

    def moved(before, want, timeout=10):
        """The counters once they have moved by want since before (or
        timeout seconds have passed): the demux may count a frame a
        moment after the frame has gone, and copies the XDP program's
        counters out every 100 ms.  Counters only grow: a count that
        goes past want stays wrong."""
        end = time.monotonic() + timeout
        while True:
            after = lab.stats()
            if all(after[k] - before[k] >= v for k, v in want.items()) or \
                    time.monotonic() > end:
                return after
            time.sleep(0.05)

    def fwd_counts(before, want):
        """How the routelet frames went since before: through the
        user-space demux, and through the kernel's XDP classifier.  The
        demux copies the XDP program's counters out every 100 ms: read
        until they are what we want, or 10 s have passed."""
        end = time.monotonic() + 10
        while True:
            after = lab.stats()
            d = {"to_routelet": after["to_routelet"] - before["to_routelet"],
                 "xdp_to_routelet": after["xdp_to_routelet"] -
                 before["xdp_to_routelet"]}
            if d == want or time.monotonic() > end:
                return d
            time.sleep(0.05)

    def case(fn):
        name = prefix + fn.__name__.replace("t_", "", 1)
        t0 = time.monotonic()
        try:
            clear_all()
            fn()
            results.append((name, None))
            print("PASS: %s (%.1f s)" % (name, time.monotonic() - t0), flush=True)
        except Fail as e:
            results.append((name, str(e)))
            print("FAIL: %s: %s" % (name, e), flush=True)
        if lab.demux is not None and lab.demux.poll() is not None:
            results.append(("demux alive after " + name, "exited"))
            print("FAIL: demux exited during %s:\n%s" % (name, lab.log()), flush=True)
            raise SystemExit(1)

    # -- the cases --------------------------------------------------------

    def t_files_created():
        for f, size in (("ltable", 4 << 20), ("belfib", 4096 + 32 * (1 << 20))):
            st = os.stat(os.path.join(lab.dir, f))
            check(st.st_size == size, "%s is %d bytes, want %d" % (f, st.st_size, size))
        c = lab.stats()
        check([p["name"] for p in c["ports"]] == ["p0", "p1"],
              "ports in demux.stats: %r" % c["ports"])
        check(c["rx"] == 0, "rx %d before any traffic" % c["rx"])

    def t_routelet_hit():
        src, dst, rl = lab.agents["src"], lab.agents["dst"], lab.agents["rl"]
        lab.cli("table", "add", "100", "vif7.0")
        out = lab.cli("table", "show").stdout
        check("100\t" in out and "vif7.0" in out, "table show: %r" % out)
        b = lab.stats()
        sent = [mpls_frame([(100, 64, 0)], payload("rl")) for _ in range(20)]
        sent.append(mpls_frame([(100, 64, 3), (500, 64, 0)], payload("rl2")))
        sent.append(mpls_frame([(100, 9, 0)], payload("rlv"), vlan=5))
        src.send(sent)
        got = only(settle(rl, len(sent)))
        check(sorted(got) == sorted(sent),
              "rl got %d frames, %d of %d sent ones unchanged" %
              (len(got), len(set(got) & set(sent)), len(sent)))
        check(got == sent, "rl got the frames out of order")
        check(only(dst.dump()) == [], "dst got %d frames" % len(only(dst.dump())))
        check(only(src.dump(), (0x8847, 0x8100)) == [], "MPLS frames came back to src")
        if XDP:
            # The 21 untagged ones never reached user space; the tagged
            # one is user space's to judge.
            want = {"rx": 1, "to_routelet": 1, "to_besteffort": 0, "tx": 1,
                    "xdp_to_routelet": 21}
        else:
            want = {"rx": 22, "to_routelet": 22, "to_besteffort": 0,
                    "tx": 22, "xdp_to_routelet": 0}
        d = delta(b, moved(b, want), tuple(want))
        check(d == want, "counters moved by %r, want %r" % (d, want))

    def t_besteffort_swap():
        src, dst, rl = lab.agents["src"], lab.agents["dst"], lab.agents["rl"]
        lab.cli("be", "add", "300", "swap", "400", MAC["dst"], "1")
        lab.cli("be", "add", "301", "swap", "401", MAC["dst"], "p1",
                "src", "02:00:00:00:aa:01")
        out = lab.cli("be", "show").stdout
        check("300\tswap 400" in out and "301\tswap 401" in out, "be show: %r" % out)
        b = lab.stats()
        sent, want = [], []
        for i in range(8):
            body = payload("swap")
            sent.append(mpls_frame([(300, 64, 5)], body))
            want.append(dmac + p1 + b"\x88\x47" + lse(400, 63, 1, 5) + body)
        body = payload("swap2")
        sent.append(mpls_frame([(300, 2, 1), (777, 200, 2)], body))
        want.append(dmac + p1 + b"\x88\x47" + lse(400, 1, 0, 1) + lse(777, 200, 1, 2) + body)
        body = payload("swapsrc")
        sent.append(mpls_frame([(301, 64, 0)], body))
        want.append(dmac + mac("02:00:00:00:aa:01") + b"\x88\x47" + lse(401, 63) + body)
        body = payload("swapvlan")       # tagged in, untagged out
        sent.append(mpls_frame([(300, 64, 0)], body, vlan=42))
        want.append(dmac + p1 + b"\x88\x47" + lse(400, 63) + body)
        src.send(sent)
        got = only(settle(dst, len(want)))
        check(got == want, "dst got %d frames, %d as expected of %d:\n got %s\nwant %s" %
              (len(got), len(set(got) & set(want)), len(want),
               got[0].hex() if got else "-", want[0].hex()))
        check(only(rl.dump()) == [], "rl got best-effort frames")
        check(only(src.dump(), (0x8847, 0x8100)) == [], "MPLS frames came back to src")
        a = moved(b, {"rx": 11, "to_besteffort": 11, "tx": 11})
        d = delta(b, a, ("rx", "to_besteffort", "tx"))
        check(d == {"rx": 11, "to_besteffort": 11, "tx": 11}, "counters moved by %r" % d)
        check(a["ports"][1]["tx"] - b["ports"][1]["tx"] == 11, "p1 tx did not move by 11")

    def t_besteffort_pop():
        src, dst = lab.agents["src"], lab.agents["dst"]
        lab.cli("be", "add", "310", "pop", MAC["dst"], "1")
        lab.cli("be", "add", "311", "pop", MAC["dst"], "1")
        sent, want = [], []
        # PHP to IPv4: TTL from the label (uniform), checksum still right.
        ip = payload("php")
        sent.append(mpls_frame([(310, 20, 0)], ip))
        nip = bytearray(ip)
        nip[8] = 19
        nip[10:12] = b"\0\0"
        nip[10:12] = struct.pack("!H", ip_csum(bytes(nip[:20])))
        want.append(dmac + p1 + b"\x08\x00" + bytes(nip))
        # Pop above the bottom: the exposed label takes the TTL.
        ip = payload("pop2")
        sent.append(mpls_frame([(311, 20, 4), (500, 64, 6)], ip))
        want.append(dmac + p1 + b"\x88\x47" + lse(500, 19, 1, 6) + ip)
        # PHP to IPv6: the hop limit.
        ip6 = bytearray(bytes(IPv6(src="fd00::1", dst="fd00::2", hlim=64) /
                              UDP(sport=1, dport=2) / Raw(b"QDMX v6")))
        sent.append(mpls_frame([(310, 33, 0)], bytes(ip6)))
        ip6[7] = 32
        want.append(dmac + p1 + b"\x86\xdd" + bytes(ip6))
        src.send(sent)
        got = only(settle(dst, len(want)))
        check(got == want, "dst got %d frames, %d as expected of %d:\n got %s\nwant %s" %
              (len(got), len(set(got) & set(want)), len(want),
               " ".join(g.hex() for g in got), " ".join(w.hex() for w in want)))
        # And scapy agrees the IPv4 checksum is valid.
        from scapy.all import Ether
        p = Ether(got[0])
        c = p[IP].chksum
        del p[IP].chksum
        check(IP(bytes(p[IP]))[IP].chksum == c, "IPv4 checksum wrong after PHP")

    def t_ttl_expired():
        src, dst = lab.agents["src"], lab.agents["dst"]
        b = lab.stats()
        src.send([mpls_frame([(300, 1, 0)], payload("ttl1")),
                  mpls_frame([(300, 0, 0)], payload("ttl0")),
                  mpls_frame([(310, 1, 0)], payload("ttl1pop"))])
        a = moved(b, {"rx": 3, "ttl_expired": 3})
        check(only(dst.dump()) == [], "dst got a frame with an expired TTL")
        d = delta(b, a, ("rx", "ttl_expired", "tx"))
        check(d == {"rx": 3, "ttl_expired": 3, "tx": 0}, "counters moved by %r" % d)

    def t_no_route():
        src, dst, rl = lab.agents["src"], lab.agents["dst"], lab.agents["rl"]
        b = lab.stats()
        src.send([mpls_frame([(999, 64, 0)], payload("miss")) for _ in range(3)])
        a = moved(b, {"rx": 3, "no_route": 3})
        check(only(dst.dump()) == [] and only(rl.dump()) == [], "a frame without a route left")
        d = delta(b, a, ("rx", "no_route", "tx"))
        check(d == {"rx": 3, "no_route": 3, "tx": 0}, "counters moved by %r" % d)
        end = time.monotonic() + 10
        while "label 999" not in lab.log() and time.monotonic() < end:
            time.sleep(0.05)
        check("label 999" in lab.log(), "first no_route drop not logged")

    def t_malformed():
        src, dst, rl = lab.agents["src"], lab.agents["dst"], lab.agents["rl"]
        b = lab.stats()
        eth = p0 + smac + b"\x88\x47"
        bad = {
            "bad_stack": [eth + struct.pack("!I", (300 << 12) | 64),   # no BoS
                          eth + b"\x00\x12",                        # cut entry
                          eth,                                      # no entry
                          eth + b"".join(struct.pack("!I", (300 << 12) | 64)
                                         for _ in range(30))],      # runaway
            "reserved_label": [eth + lse(1, 64) + payload("ra")],
            "bad_payload": [eth + lse(310, 64) + b"\x00" * 30,
                            eth + lse(310, 64) + b"\x4f" + b"\x00" * 25],
            "other_host": [mpls_frame([(100, 64, 0)], payload("oh"),
                                      dst=mac("02:00:00:00:99:99"))],
            "not_mpls": [p0 + smac + b"\x81\x00\x00\x05\x81\x00\x00\x06\x88\x47" +
                         lse(100, 64) + payload("qinq")],
            # Longer than a 2 KiB ring slot: cut by the kernel, never sent on.
            "oversize": [mpls_frame([(100, 64, 0)], payload("big") + b"J" * 3000)],
        }
        for frames in bad.values():
            src.send(frames)
        n = sum(len(v) for v in bad.values())
        want = {k: len(v) for k, v in bad.items()}
        want.update(rx=n, tx=0)
        a = moved(b, want)
        d = delta(b, a, ("rx", "tx") + tuple(bad))
        check(d == want, "counters moved by %r, want %r" % (d, want))
        check(only(rl.dump()) == [] and only(dst.dump()) == [],
              "a malformed frame was forwarded")
        # Random junk behind the MPLS EtherType: nothing may crash, and
        # every frame is accounted for.
        rnd = random.Random(42)
        junk = [eth + bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 120)))
                for _ in range(300)]
        src.send(junk)

        def accounted(c):
            return c["rx"] - a["rx"] + c["xdp_to_routelet"] - \
                a["xdp_to_routelet"] >= len(junk)
        end = time.monotonic() + 10
        c = lab.stats()
        while not accounted(c) and time.monotonic() < end:
            time.sleep(0.05)
            c = lab.stats()
        b, a = a, c
        # A junk frame that happens to be a good one for label 100 may go
        # by XDP: it is forwarded, just not by user space.
        by_xdp = a["xdp_to_routelet"] - b["xdp_to_routelet"]
        check(a["rx"] - b["rx"] + by_xdp == len(junk), "rx moved by %d (+%d by "
              "XDP), want %d" % (a["rx"] - b["rx"], by_xdp, len(junk)))
        passed = a["to_routelet"] + a["to_besteffort"] - b["to_routelet"] - \
            b["to_besteffort"] + by_xdp
        dropped = sum(a[k] - b[k] for k in DROPS)
        check(passed + dropped == len(junk), "junk: %d passed + %d dropped != %d" %
              (passed, dropped, len(junk)))
        check(a["bad_stack"] - b["bad_stack"] > 0, "no junk frame was a bad stack?")
        # Still forwarding.
        rl.clear()
        ok = mpls_frame([(100, 64, 0)], payload("after"))
        src.send([ok])
        check(only(settle(rl, 1)) == [ok], "no forwarding after malformed frames")

    def t_ipv4_by_kernel():
        src, dst = lab.agents["src"], lab.agents["dst"]
        b = lab.stats()
        # A real socket: src's kernel resolves its gateway, the router's
        # kernel routes (and resolves dst), dst's interface sees it.
        sh(["ip", "netns", "exec", lab.ns["src"], sys.executable, "-c",
            "import socket, time\n"
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            "for i in range(5):\n"
            "    s.sendto(b'QDMX sock %d' % i, ('10.99.2.2', 5001))\n"
            "    time.sleep(0.1)\n"])
        got = [f for f in settle(dst, 3) if b"QDMX sock" in f]
        check(len(got) >= 3, "dst got %d of 5 datagrams sent by a socket on src" % len(got))
        dst.clear()
        udp = payload("udp")
        src.send([p0 + smac + b"\x08\x00" + udp])
        got = [f for f in settle(dst, 1) if b"QDMX udp" in f]
        check(len(got) == 1, "dst got %d copies of the routed UDP frame" % len(got))
        g = got[0]
        check(g[:12] == dmac + p1 and g[14 + 8] == 63,
              "routed frame: macs %s ttl %d" % (g[:12].hex(), g[14 + 8]))
        d = delta(b, lab.stats(), ("rx",))
        check(d["rx"] == 0, "the demux saw %d IP frames (socket filter?)" % d["rx"])

    def t_update_under_traffic():
        src, dst, rl = lab.agents["src"], lab.agents["dst"], lab.agents["rl"]
        lab.cli("table", "add", "100", "vif7.0")
        n = 1000
        # Each body starts with its sequence number, right after the label.
        frames = [mpls_frame([(100, 64, 0)], struct.pack("!I", i) + payload("live"))
                  for i in range(n)]
        t = threading.Thread(target=src.send, args=(frames, 2000))
        t.start()

        def some_at(agent, k=20, timeout=10):
            # Each change once frames have been seen to take the way
            # before it, not after a fixed while: a loaded machine's
            # sender may not have begun.
            end = time.monotonic() + timeout
            while len(only(agent.dump())) < k and time.monotonic() < end:
                time.sleep(0.02)
        some_at(rl)
        # The best-effort entry first: while the demux table still has the
        # label it wins, so the switch-over below is a single store.
        lab.cli("be", "add", "100", "swap", "200", MAC["dst"], "1")
        lab.cli("table", "del", "100")
        some_at(dst)
        lab.cli("be", "add", "100", "swap", "201", MAC["dst"], "1")
        t.join(60)
        check(not t.is_alive(), "sender stuck")
        r = only(settle(rl, 1, 0.5))
        d = only(settle(dst, n - len(r)))
        rs = [struct.unpack("!I", f[18:22])[0] for f in r]
        ds = [struct.unpack("!I", f[18:22])[0] for f in d]
        labels = [struct.unpack("!I", f[14:18])[0] >> 12 for f in d]
        check(len(r) > 10 and len(d) > 10, "rl got %d, dst %d: no switch-over?" % (len(r), len(d)))
        check(sorted(rs + ds) == list(range(n)), "lost or duplicated: rl %d + dst %d of %d" %
              (len(r), len(d), n))
        check(max(rs) < min(ds), "frames went to the routelet after the switch")
        check(labels == sorted(labels) and set(labels) == {200, 201},
              "dst labels not 200 then 201: %r" % sorted(set(labels)))

    def t_writer_died_mid_entry():
        src, dst = lab.agents["src"], lab.agents["dst"]
        lab.cli("be", "add", "320", "swap", "420", MAC["dst"], "1")
        # A writer killed between its two stores leaves the entry's
        # sequence count odd: forge that in the file.
        off = 4096 + 320 * 32
        fd = os.open(os.path.join(lab.dir, "belfib"), os.O_RDWR)
        try:
            s0 = struct.unpack("<I", os.pread(fd, 4, off))[0]
            check(s0 % 2 == 0 and s0 > 0, "entry's count %d, not even" % s0)
            os.pwrite(fd, struct.pack("<I", s0 + 1), off)
        finally:
            os.close(fd)
        b = lab.stats()
        src.send([mpls_frame([(320, 64, 0)], payload("busy")) for _ in range(3)])
        a = moved(b, {"be_busy": 3})
        check(only(dst.dump()) == [], "a half-written entry was used")
        d = delta(b, a, ("be_busy",))
        check(d["be_busy"] == 3, "be_busy moved by %d" % d["be_busy"])
        # The next writer repairs it.
        lab.cli("be", "add", "320", "swap", "421", MAC["dst"], "1")
        src.send([mpls_frame([(320, 64, 0)], payload("repaired"))])
        got = only(settle(dst, 1))
        check(len(got) == 1 and got[0][14:18] == lse(421, 63), "not repaired: %r" % got)

    def t_writer_killed():
        src, dst = lab.agents["src"], lab.agents["dst"]
        lab.cli("be", "add", "330", "swap", "430", MAC["dst"], "1")
        # A writer (quasard's stand-in) holds the table's writer lock...
        holder = subprocess.Popen(
            [sys.executable, "-c",
             "import fcntl, os, sys, time\n"
             "fd = os.open(sys.argv[1], os.O_RDWR)\n"
             "fcntl.flock(fd, fcntl.LOCK_EX)\n"
             "print('locked', flush=True)\n"
             "time.sleep(60)\n", os.path.join(lab.dir, "belfib")],
            stdout=subprocess.PIPE)
        try:
            check(holder.stdout.readline().strip() == b"locked", "holder did not lock")
            # ...so a second writer is refused, not mixed in...
            r = lab.cli("be", "add", "330", "swap", "431", MAC["dst"], "1", ok=False)
            check(r.returncode != 0 and "another writer" in r.stderr,
                  "second writer not refused: %d %s" % (r.returncode, r.stderr))
            # ...and is killed: forwarding does not notice.
            holder.kill()
            holder.wait()
        finally:
            if holder.poll() is None:
                holder.kill()
                holder.wait()
        src.send([mpls_frame([(330, 64, 0)], payload("afterkill"))])
        got = only(settle(dst, 1))
        check(len(got) == 1 and got[0][14:18] == lse(430, 63), "after the kill: %r" % got)
        # The lock died with it: a new writer takes over at once.
        dst.clear()
        lab.cli("be", "add", "330", "swap", "431", MAC["dst"], "1")
        src.send([mpls_frame([(330, 64, 0)], payload("newwriter"))])
        got = only(settle(dst, 1))
        check(len(got) == 1 and got[0][14:18] == lse(431, 63), "new writer: %r" % got)

    def t_table_file_replaced():
        src, rl = lab.agents["src"], lab.agents["rl"]
        # A restarted writer that builds a fresh file and renames it in.
        lab.cli("table", "add", "120", "vif7.0", statedir=lab.side)
        os.rename(os.path.join(lab.side, "ltable"), os.path.join(lab.dir, "ltable"))
        end = time.monotonic() + 15
        got = []
        while time.monotonic() < end and not got:
            src.send([mpls_frame([(120, 64, 0)], payload("repl"))])
            time.sleep(0.2)
            got = [f for f in only(rl.dump()) if b"QDMX repl" in f]
        check(got, "label 120 from the replaced file never forwarded")
        check("replaced" in lab.log(), "replacement not logged")

    def t_second_demux_refused():
        r = sh(["ip", "netns", "exec", lab.ns["r"], lab.demux_bin, "-S", lab.dir,
                "-i", "p0"], ok=False, timeout=5)
        check(r.returncode != 0 and "another quasar-demux" in r.stderr,
              "second demux: status %d: %s" % (r.returncode, r.stderr))

    def t_sigusr1_dump():
        lab.demux.send_signal(signal.SIGUSR1)
        end = time.monotonic() + 10
        while time.monotonic() < end and "to_besteffort" not in lab.log():
            time.sleep(0.05)
        check("to_besteffort" in lab.log(), "SIGUSR1 wrote no counters")

    def t_stop_and_restart():
        src, dst = lab.agents["src"], lab.agents["dst"]
        res = lab.stop_demux()
        check(res is not None and res[0] == 0, "SIGTERM: status %r" % (res and res[0]))
        c = json.loads(res[1])["counters"]
        passed = c["to_routelet"] + c["to_besteffort"]
        dropped = sum(c[k] for k in DROPS)
        check(c["rx"] == passed + dropped, "rx %d != passed %d + dropped %d" %
              (c["rx"], passed, dropped))
        check(c["tx"] + c["tx_errors"] == passed, "tx %d + errors %d != passed %d" %
              (c["tx"], c["tx_errors"], passed))
        st = json.loads(lab.cli("stats", "-j").stdout)
        check(st["running"] == 0, "stats still say running after exit")
        # Tables live in files: a new demux forwards at once.
        lab.start_demux()
        src.send([mpls_frame([(300, 64, 0)], payload("again"))])
        got = only(settle(dst, 1))
        check(len(got) == 1 and got[0][14:18] == lse(400, 63), "after restart: %r" % got)

    # -- the XDP run's own cases -------------------------------------------

    def xdp_progs():
        """The ports that have an XDP program attached, as the kernel says."""
        out = json.loads(sh(["ip", "-n", lab.ns["r"], "-j", "link", "show"]).stdout)
        return sorted(l["ifname"] for l in out if "xdp" in l and
                      l["ifname"] in ("p0", "p1"))

    def t_xdp_attached():
        c = lab.stats()
        check(c["xdp_ports"] == 2, "xdp_ports %d, want 2: %s" % (c["xdp_ports"], lab.log()))
        check(xdp_progs() == ["p0", "p1"], "XDP programs on %r" % xdp_progs())
        check("p0: XDP classifier attached" in lab.log() and
              "p1: XDP classifier attached" in lab.log(), "attachments not logged")

    def send_to_rl(tag, n, by, what):
        """n frames for label 100 must reach rl unchanged, n of them
        by `by` (to_routelet: user space; xdp_to_routelet: XDP)."""
        src, rl = lab.agents["src"], lab.agents["rl"]
        rl.clear()
        b = lab.stats()
        sent = [mpls_frame([(100, 64, 0)], payload(tag)) for _ in range(n)]
        src.send(sent)
        got = only(settle(rl, len(sent)))
        check(got == sent, "%s: rl got %d of %d" % (what, len(got), len(sent)))
        want = {"to_routelet": 0, "xdp_to_routelet": 0}
        want[by] = n
        d = fwd_counts(b, want)
        check(d == want, "%s: %r" % (what, d))

    def t_xdp_vif_without_napi():
        # A VIF that cannot take XDP frames (its peer has neither GRO nor
        # XDP) stays out of the map: user space sends its frames instead.
        sh(["ip", "netns", "exec", lab.ns["rl"], "ethtool", "-K", "eth0", "gro", "off"])
        try:
            lab.cli("table", "add", "100", "vif7.0")
            send_to_rl("nonapi", 5, "to_routelet", "without GRO on the peer")
        finally:
            sh(["ip", "netns", "exec", lab.ns["rl"], "ethtool", "-K", "eth0", "gro",
                "on"])
        lab.cli("table", "add", "100", "vif7.0")
        send_to_rl("napi", 5, "xdp_to_routelet", "with GRO back")

    def t_xdp_port_refuses():
        # -x native: p0's MTU (4000) is too large for one page, so its
        # driver refuses native XDP; p0 falls back to user space alone.
        lab.stop_demux()
        mark = len(lab.log())
        lab.start_demux(("-x", "native"))
        try:
            log = lab.log()[mark:]
            check("port p0: cannot attach the XDP classifier" in log and
                  "classified in user space" in log, "no fallback logged: %s" % log)
            check(xdp_progs() == ["p1"], "XDP programs on %r" % xdp_progs())
            check(lab.stats()["xdp_ports"] == 1, "xdp_ports not 1")
            send_to_rl("fallback", 5, "to_routelet", "on p0")
        finally:
            lab.stop_demux()
            lab.start_demux()

    def t_xdp_demux_killed():
        # Attached by BPF link: a demux killed outright takes its program
        # off the ports, and writers find no map to mirror into.
        src, rl = lab.agents["src"], lab.agents["rl"]
        res = lab.stop_demux(signal.SIGKILL)
        check(res is not None and res[0] == -9, "SIGKILL: %r" % (res and res[0]))
        end = time.monotonic() + 10
        while time.monotonic() < end and xdp_progs():
            time.sleep(0.05)
        check(xdp_progs() == [], "XDP left on %r after SIGKILL" % xdp_progs())
        lab.cli("table", "del", "100")
        lab.cli("table", "add", "100", "vif7.0")
        src.send([mpls_frame([(100, 64, 0)], payload("nodemux"))])
        time.sleep(0.3)
        check(only(rl.dump()) == [], "a frame reached rl with no demux running")
        lab.start_demux()
        check(xdp_progs() == ["p0", "p1"], "XDP not back: %r" % xdp_progs())
        send_to_rl("back", 1, "xdp_to_routelet", "after the restart")

    def t_xdp_gone_after_exit():
        check(xdp_progs() == [], "XDP left on %r after the demux stopped" % xdp_progs())

    cases = [t_files_created, t_routelet_hit, t_besteffort_swap,
             t_besteffort_pop, t_ttl_expired, t_no_route, t_malformed,
             t_ipv4_by_kernel, t_update_under_traffic,
             t_writer_died_mid_entry, t_writer_killed,
             t_table_file_replaced,
             t_second_demux_refused, t_sigusr1_dump]
    if XDP:
        cases[1:1] = [t_xdp_attached]
        cases += [t_xdp_vif_without_napi, t_xdp_port_refuses,
                  t_xdp_demux_killed]
    cases.append(t_stop_and_restart)
    status = 1
    try:
        lab.up()
        lab.start_demux()
        for fn in cases:
            case(fn)
        if XDP:
            lab.stop_demux()
            case(t_xdp_gone_after_exit)
        failed = [r for r in results if r[1] is not None]
        status = 1 if failed else 0
        if failed:
            print("--- demux log ---\n" + lab.log())
    except (Fail, RuntimeError, subprocess.TimeoutExpired, OSError) as e:
        results.append((prefix + "setup", str(e)))
        print("FAIL: %ssetup: %s" % (prefix, e))
        print("--- demux log ---\n" + lab.log())
    finally:
        lab.down()
    return status


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--agent":
        agent_main(sys.argv[2])
        sys.exit(0)
    sys.exit(main())
