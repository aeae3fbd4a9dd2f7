#!/usr/bin/python3
"""qgen and qsink end to end, between network namespaces this script
creates (named qtr-<random>-*) and removes on every way out.  Frames only
ever go between those namespaces.

    tests/integ/test_traffic.py BUILD_DIR        (as root)

Cases:
  usage       bad arguments are refused with status 2 and a message
  basic       two flows (label 100 at 2000 pps, plain IPv4 at 1000 pps) over
              a veth pair: counts equal what qgen sent, nothing lost or
              reordered, latency positive and ordered (p50 under 50 ms,
              none a second: a loaded machine can hold one frame up for
              tens of ms), jitter finite, the right labels seen
  loss        a tc filter drops flow 1's frames whose seq % 100 == 42
              (exactly 40 of 4000, never the first or last) -- netem's
              random loss could not be checked exactly -- once in a middle
              namespace that forwards with tc alone (qgen cannot know) and
              once on qgen's own veth (qgen must count them dropped): qsink
              must report exactly that loss, and none in flow 2
  delay       5 ms of delay (tc netem if the kernel has it, otherwise a
              delay line: a relay namespace that holds every frame 5 ms):
              p50 latency between 5 and 15 ms, min at least 5 ms
  reorder     the relay duplicates one frame, swaps two and drops one:
              exactly 1 duplicate, 1 reordered, 1 lost
  garbage     random and truncated frames mixed with a real flow: qsink
              survives, counts them foreign, and the flow's figures are
              unchanged
  limits      qsink -n stops after n frames; -w/-t measure a window: the
              frames the kernel stamped inside it, as a tap beside qsink
              sees them (one either side at an edge)

Prints "PASS: name" or "FAIL: name: detail" per check and ends with
"traffic: N passed, N failed"; the status is non-zero when any failed.
"""
import atexit
import collections
import csv
import ctypes
import io
import json
import math
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_IGNORE_OUTGOING = 23

CLONE_NEWNET = 0x40000000

RESULTS = []
NAMESPACES = []
PROCS = []
TMPFILES = []

_libc = ctypes.CDLL(None, use_errno=True)


def socket_in(ns, ifname, proto):
    """An AF_PACKET socket created in namespace ns (it stays there) and
    bound to ifname.  setns through libc: os.setns is Python 3.12."""
    me = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open("/run/netns/%s" % ns, os.O_RDONLY)
    try:
        if _libc.setns(target, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns %s: %s" % (ns, os.strerror(e)))
        try:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                              socket.htons(proto))
            s.bind((ifname, 0))
        finally:
            if _libc.setns(me, CLONE_NEWNET) != 0:
                # Carrying on in the wrong namespace would be worse.
                os._exit(3)
    finally:
        os.close(me)
        os.close(target)
    return s


def check(name, cond, detail=""):
    RESULTS.append(bool(cond))
    if cond:
        print("PASS: %s" % name, flush=True)
    else:
        print("FAIL: %s: %s" % (name, detail or "check failed"), flush=True)
    return cond


def run(argv, check_rc=True, timeout=60):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if check_rc and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(argv), r.stderr.strip()))
    return r


def cleanup():
    for p in PROCS:
        if p.poll() is None:
            p.kill()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
    del PROCS[:]
    for ns in NAMESPACES:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    del NAMESPACES[:]
    for path in TMPFILES:
        try:
            os.unlink(path)
        except OSError:
            pass
    del TMPFILES[:]


class Interrupted(BaseException):
    """A signal: not an Exception, so no case swallows it."""


def on_signal(sig, frame):
    raise Interrupted("signal %d" % sig)


class Net:
    """Namespaces g (qgen) and s (qsink) joined by veth g0 -- s0, or with
    via_relay, g0 -- r0 [relay] r1 -- s0."""

    def __init__(self, via_relay=False):
        tag = "qtr-%06x" % random.randrange(1 << 24)
        self.g, self.s = tag + "-g", tag + "-s"
        self.r = tag + "-r" if via_relay else None
        for ns in (self.g, self.s, self.r):
            if ns:
                run(["ip", "netns", "add", ns])
                NAMESPACES.append(ns)
                run(["ip", "-n", ns, "link", "set", "lo", "up"])
        if via_relay:
            self.link(self.g, "g0", self.r, "r0")
            self.link(self.r, "r1", self.s, "s0")
        else:
            self.link(self.g, "g0", self.s, "s0")

    @staticmethod
    def link(ns1, if1, ns2, if2):
        run(["ip", "link", "add", if1, "netns", ns1, "type", "veth", "peer",
             "name", if2, "netns", ns2])
        run(["ip", "-n", ns1, "link", "set", if1, "up"])
        run(["ip", "-n", ns2, "link", "set", if2, "up"])

    @staticmethod
    def tc(ns, *args):
        return run(["ip", "netns", "exec", ns, "tc"] + list(args),
                   check_rc=False)

    def close(self):
        for ns in (self.g, self.s, self.r):
            if ns:
                subprocess.run(["ip", "netns", "del", ns],
                               capture_output=True)
                if ns in NAMESPACES:
                    NAMESPACES.remove(ns)


class Sink:
    """qsink running in the background in a namespace."""

    def __init__(self, build, ns, *args):
        self.err = open("/tmp/%s.qsink.err" % ns, "w+")
        TMPFILES.append(self.err.name)
        self.p = subprocess.Popen(
            ["ip", "netns", "exec", ns, build + "/bin/qsink", "-i", "s0"] +
            list(args), stdout=subprocess.PIPE, stderr=self.err, text=True)
        PROCS.append(self.p)
        self.errpath = self.err.name
        end = time.monotonic() + 10
        while "listening on" not in self.stderr():
            if self.p.poll() is not None or time.monotonic() > end:
                raise RuntimeError("qsink did not start: " + self.stderr())
            time.sleep(0.02)

    def stderr(self):
        with open(self.errpath) as f:
            return f.read()

    def finish(self, sig=True, timeout=15):
        """Stops it (SIGINT unless it is to stop by itself) and returns
        (status, stdout)."""
        if sig and self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
        out, _ = self.p.communicate(timeout=timeout)
        PROCS.remove(self.p)
        self.err.close()
        return self.p.returncode, out

    def remove(self):
        try:
            os.unlink(self.errpath)
        except OSError:
            pass


def qgen(build, ns, *args, timeout=60):
    r = run(["ip", "netns", "exec", ns, build + "/bin/qgen", "-i", "g0",
             "-o", "json", "-q"] + list(args), check_rc=False,
            timeout=timeout)
    try:
        rep = {f["flow"]: f for f in json.loads(r.stdout)}
    except ValueError:
        rep = None
    return r.returncode, rep, r.stderr


def by_flow(report):
    return {f["flow"]: f for f in report}


def lat_sane(f):
    vals = [f[k] for k in ("lat_min_us", "lat_p50_us", "lat_p99_us",
                           "lat_max_us")]
    mean = f.get("lat_mean_us")
    return (all(isinstance(v, (int, float)) for v in vals + [mean]) and
            0 < vals[0] <= vals[1] <= vals[2] <= vals[3] < 1e6 and
            vals[1] < 50000 and vals[0] <= mean <= vals[3])


# ---- a relay in its own namespace: a delay line, or a few set changes ----

SO_TIMESTAMPNS = 35
QT_MAGICS = (0x51544d31, 0x51545231)    # tools/qtraffic.h: QT_MAGIC_*


class Tap(threading.Thread):
    """The kernel's receive stamps (s, CLOCK_REALTIME) of qgen's frames on
    ifname in namespace ns, by flow: the same stamps qsink's ring gives,
    as the kernel takes one per frame for every socket that asks."""

    def __init__(self, ns, ifname):
        super().__init__(daemon=True)
        self.got = []           # (stamp, flow)
        self.stop = threading.Event()
        self.s = socket_in(ns, ifname, ETH_P_ALL)
        self.s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 23)
        self.s.settimeout(0.05)
        self.start()

    def run(self):
        while not self.stop.is_set():
            try:
                data, anc, _, _ = self.s.recvmsg(64, socket.CMSG_SPACE(16))
            except socket.timeout:
                continue
            # One label or none, then IPv4 and UDP: qgen's header.
            at = {b"\x88\x47": 46, b"\x08\x00": 42}.get(data[12:14])
            if at is None or len(data) < at + 8 or struct.unpack(
                    "!I", data[at:at + 4])[0] not in QT_MAGICS:
                continue
            flow, = struct.unpack("!I", data[at + 4:at + 8])
            for lvl, typ, d in anc:
                if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", d[:16])
                    self.got.append((sec + nsec / 1e9, flow))

    def stamps(self, flow=None):
        return [t for t, f in self.got if flow is None or f == flow]

    def pps(self, flow):
        """(n - 1) / span over flow's first to last stamp, as qsink's."""
        st = self.stamps(flow)
        return (len(st) - 1) / (st[-1] - st[0]) if len(st) > 1 and \
            st[-1] > st[0] else 0.0

    def halt(self):
        self.stop.set()
        if self.is_alive():
            self.join(timeout=5)
        self.s.close()


class Relay(threading.Thread):
    """Forwards frames r0 -> r1 in namespace ns.  Holds each delay seconds;
    for flow 1 (labelled, so its payload header is at byte 46) sends seq
    in dup twice, holds seq in swap until the next one has gone, drops seq
    in drop."""

    def __init__(self, ns, delay=0.0, dup=(), swap=(), drop=()):
        super().__init__(daemon=True)
        self.delay, self.dup, self.swap, self.drop = (delay, set(dup),
                                                      set(swap), set(drop))
        self.stop = threading.Event()
        self.sent = 0
        self.rx = socket_in(ns, "r0", ETH_P_ALL)
        self.rx.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
        self.rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 23)
        self.tx = socket_in(ns, "r1", 0)

    def flow1_seq(self, fr):
        if len(fr) >= 70 and fr[12:14] == b"\x88\x47" and \
                struct.unpack("!I", fr[50:54])[0] == 1:
            return struct.unpack("!Q", fr[54:62])[0]
        return None

    def run(self):
        q = collections.deque()
        held = None
        while not self.stop.is_set():
            now = time.monotonic()
            while q and q[0][0] <= now:
                self.tx.send(q.popleft()[1])
                self.sent += 1
            wait = q[0][0] - now if q else 0.05
            self.rx.settimeout(max(wait, 0.0002))
            try:
                fr = self.rx.recv(65535)
            except socket.timeout:
                continue
            seq = self.flow1_seq(fr)
            out = [fr]
            if seq in self.drop:
                out = []
            elif seq in self.dup:
                out = [fr, fr]
            elif seq in self.swap:
                held = fr
                out = []
            elif held is not None and seq is not None:
                out = [fr, held]
                held = None
            due = time.monotonic() + self.delay
            for o in out:
                if self.delay > 0:
                    q.append((due, o))
                else:
                    self.tx.send(o)
                    self.sent += 1

    def wait_sent(self, n, timeout=20):
        """Until n frames have gone on: the relay is a thread of this
        process, which a loaded machine may hold back well past the
        moment qgen is done."""
        end = time.monotonic() + timeout
        while self.sent < n and time.monotonic() < end:
            time.sleep(0.02)

    def halt(self):
        self.stop.set()
        self.join(timeout=5)
        self.rx.close()
        self.tx.close()


def netem_available():
    net = Net()
    try:
        r = net.tc(net.g, "qdisc", "add", "dev", "g0", "root", "netem",
                   "delay", "5ms")
        return r.returncode == 0
    finally:
        net.close()


# ---- cases -------------------------------------------------------------

def case_usage(build):
    bad_gen = [
        [],
        ["-i", "x"],
        ["-f", "id=1,label=100,rate=10,size=100"],
        ["-i", "x", "-f", "id=1,label=100,rate=0,size=100"],
        ["-i", "x", "-f", "id=1,label=100,rate=100000001,size=100"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=69"],
        ["-i", "x", "-f", "id=1,label=0,rate=10,size=65"],
        ["-i", "x", "-f", "id=1,label=0,rate=10,size=9217"],
        ["-i", "x", "-f", "id=1,label=5,rate=10,size=100"],
        ["-i", "x", "-f", "id=1,label=1048576,rate=10,size=100"],
        ["-i", "x", "-f", "id=-1,label=100,rate=10,size=100"],
        ["-i", "x", "-f", "id=4294967296,label=100,rate=10,size=100"],
        ["-i", "x", "-f", "id=1,label=100,rate=10"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100,"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100,colour=red"],
        ["-i", "x", "-f", "id=1,id=2,label=100,rate=10,size=100"],
        ["-i", "x", "-f", "id=1,label=100,rate=1e3,size=100"],
        ["-i", "x", "-f", "id=1,label=100,rate= 10,size=100"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100,burst=0"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100,ttl=256"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100,dst=01:02"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100", "-f",
         "id=1,label=0,rate=10,size=100"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100", "-t", "0"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100", "-t", "-1"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100", "-t", "inf"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100", "-t", "2s"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100", "-n", "0"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100", "-b", "0"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100", "-b", "1025"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100", "-o", "xml"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100", "-C", "tai"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100", "-s",
         "01:00:5e:00:00:01"],
        ["-i", "x", "-f", "id=1,label=100,rate=10,size=100", "extra"],
        ["-i", "x" * 16, "-f", "id=1,label=100,rate=10,size=100"],
    ]
    bad_sink = [
        [], ["-i", "x", "-o", "xml"], ["-i", "x", "-t", "-1"],
        ["-i", "x", "-t", "0"], ["-i", "x", "-w", "x"],
        ["-i", "x", "-w", "-1"], ["-i", "x", "-n", "0"],
        ["-i", "x", "-n", "12k"], ["-i", "x", "-m", "0"],
        ["-i", "x", "extra"], ["-i", ""],
    ]
    for tool, cases in (("qgen", bad_gen), ("qsink", bad_sink)):
        wrong = []
        for args in cases:
            r = run([build + "/bin/" + tool] + args, check_rc=False,
                    timeout=10)
            if r.returncode != 2 or not r.stderr.strip():
                wrong.append("%s -> %d" % (" ".join(args), r.returncode))
        check("usage %s: %d bad argument lists refused with status 2" %
              (tool, len(cases)), not wrong, "; ".join(wrong))
    # Good syntax, no such interface: a run-time failure, status 1.
    r = run([build + "/bin/qgen", "-i", "qtr-nonesuch", "-f",
             "id=1,label=100,rate=10,size=100", "-n", "1"], check_rc=False)
    check("usage qgen: missing interface is status 1 with a message",
          r.returncode == 1 and "qtr-nonesuch" in r.stderr,
          "%d %s" % (r.returncode, r.stderr.strip()))


def case_basic(build):
    net = Net()
    tap = None
    try:
        tap = Tap(net.s, "s0")
        sink = Sink(build, net.s, "-o", "json")
        rc, sent, err = qgen(build, net.g,
                             "-f", "id=1,label=100,rate=2000,size=200",
                             "-f", "id=2,label=0,rate=1000,size=128",
                             "-t", "2")
        time.sleep(0.3)
        src, out = sink.finish()
        tap.halt()
        check("basic: qgen exit 0", rc == 0, err.strip())
        check("basic: qgen sent 4000 + 2000 on schedule",
              sent and sent[1]["sent"] == 4000 and sent[2]["sent"] == 2000
              and sent[1]["errors"] == 0 and sent[2]["errors"] == 0,
              sent)
        check("basic: qsink exit 0", src == 0, sink.stderr())
        rep = by_flow(json.loads(out))
        check("basic: two flows reported", sorted(rep) == [1, 2], rep)
        want_fields = ["flow", "packets", "bytes", "lost", "reordered",
                       "duplicates", "pps", "bps", "lat_min_us",
                       "lat_mean_us", "lat_p50_us", "lat_p99_us", "lat_max_us",
                       "jitter_us", "labels_seen"]
        check("basic: JSON has exactly the documented fields",
              all(list(f) == want_fields for f in rep.values()),
              [list(f) for f in rep.values()])
        for fid, size, rate, labels in ((1, 200, 2000, [100]),
                                        (2, 128, 1000, [])):
            f = rep.get(fid)
            s = sent[fid] if sent else None
            if not f or not s:
                check("basic: flow %d present" % fid, False)
                continue
            n = "basic: flow %d " % fid
            check(n + "packets == sent (%d)" % s["sent"],
                  f["packets"] == s["sent"], f["packets"])
            check(n + "bytes == packets x %d" % size,
                  f["bytes"] == f["packets"] * size, f["bytes"])
            check(n + "no loss, reordering or duplicates",
                  f["lost"] == 0 and f["reordered"] == 0 and
                  f["duplicates"] == 0, f)
            check(n + "latency positive, ordered, p50 under 50 ms",
                  lat_sane(f), f)
            check(n + "jitter finite", isinstance(f["jitter_us"], float)
                  and math.isfinite(f["jitter_us"]) and
                  0 <= f["jitter_us"] < 50000, f["jitter_us"])
            check(n + "labels_seen %s" % labels, f["labels_seen"] == labels,
                  f["labels_seen"])
            # The rate the frames came at, by the kernel's stamps: a
            # loaded machine can hold qgen's last frame up by tens of ms,
            # which moves the span, not qsink's arithmetic.
            got = tap.pps(fid)
            check(n + "pps as the frames came (%.1f), within 10%% of %d" % (
                got, rate), abs(f["pps"] - got) <= got * 0.005 and
                abs(got - rate) <= rate * 0.1, (f["pps"], got))
            check(n + "bps == pps x %d" % size,
                  abs(f["bps"] - f["pps"] * size) <= 1, f["bps"])
        sink.remove()
    finally:
        if tap:
            tap.halt()
        net.close()


def loss_run(build, net, name, local):
    """Runs the two flows across net and checks flow 1 lost exactly the
    40 frames whose seq % 100 == 42 (never seq 0 or 3999), flow 2 none.
    local: the drop is at qgen's own interface, which qgen must see."""
    sink = Sink(build, net.s, "-o", "csv")
    rc, sent, err = qgen(build, net.g,
                         "-f", "id=1,label=100,rate=2000,size=100",
                         "-f", "id=2,label=0,rate=1000,size=100",
                         "-t", "2")
    time.sleep(0.3)
    _, out = sink.finish()
    rows = list(csv.DictReader(io.StringIO(out)))
    rep = {int(r["flow"]): r for r in rows}
    f1, f2 = rep.get(1), rep.get(2)
    n = "loss (%s): " % name
    check(n + "CSV header", out.startswith(
        "flow,packets,bytes,lost,reordered,duplicates,pps,bps,"
        "lat_min_us,lat_mean_us,lat_p50_us,lat_p99_us,lat_max_us,"
        "jitter_us,labels_seen\n"), out[:200])
    if not check(n + "qgen ran", rc == 0 and sent, err):
        return
    s1, s2 = sent[1], sent[2]
    if local:
        check(n + "qgen counts the 40 its kernel dropped",
              s1["sent"] == 3960 and s1["dropped"] == 40 and
              s2["sent"] == 2000 and s2["dropped"] == 0, sent)
    else:
        check(n + "qgen sent all 4000 + 2000",
              s1["sent"] == 4000 and s1["dropped"] == 0 and
              s2["sent"] == 2000, sent)
    check(n + "flow 1 lost exactly 40", f1 and int(f1["lost"]) == 40, f1)
    check(n + "flow 1 packets == 4000 - 40",
          f1 and int(f1["packets"]) == 3960, f1)
    check(n + "flow 1 no reordering or duplicates",
          f1 and f1["reordered"] == "0" and f1["duplicates"] == "0", f1)
    check(n + "flow 2 untouched (2000, none lost)",
          f2 and int(f2["packets"]) == 2000 and f2["lost"] == "0", f2)
    check(n + "CSV labels column", f1 and f1["labels_seen"] == "100"
          and f2 and f2["labels_seen"] == "", rows)


BPF_DROP_FLOW1_SEQ42 = (
    # ldh [12]; jeq 0x8847 else no; ld [50] (flow); jeq 1 else no;
    # ld [58] (seq, low word); mod 100; jeq 42: match, else no
    "9,40 0 0 12,21 0 5 34887,32 0 0 50,21 0 3 1,32 0 0 58,"
    "148 0 0 100,21 1 0 42,6 0 0 0,6 0 0 4294967295")
BPF_ALL = "1,6 0 0 4294967295"


def case_loss(build):
    """A known set dropped by tc, not random loss: the matched frames are
    redirected to a veth that is down, so they vanish."""
    # In the network: a middle namespace forwarding r0 -> r1 with tc
    # alone, so qgen cannot know.
    net = Net(via_relay=True)
    try:
        run(["ip", "-n", net.r, "link", "add", "bh0", "type", "veth",
             "peer", "name", "bh1"])
        rs = [net.tc(net.r, "qdisc", "add", "dev", "r0", "clsact"),
              net.tc(net.r, "filter", "add", "dev", "r0", "ingress", "pref",
                     "1", "bpf", "bytecode", BPF_DROP_FLOW1_SEQ42, "action",
                     "mirred", "egress", "redirect", "dev", "bh0"),
              net.tc(net.r, "filter", "add", "dev", "r0", "ingress", "pref",
                     "2", "bpf", "bytecode", BPF_ALL, "action", "mirred",
                     "egress", "redirect", "dev", "r1")]
        if check("loss (network): tc forwarder with drop filter installed",
                 all(r.returncode == 0 for r in rs),
                 " ".join(r.stderr for r in rs)):
            loss_run(build, net, "network", False)
    finally:
        net.close()
    # At qgen's own interface: its kernel refuses them with ENOBUFS.
    net = Net()
    try:
        run(["ip", "-n", net.g, "link", "add", "bh0", "type", "veth",
             "peer", "name", "bh1"])
        rs = [net.tc(net.g, "qdisc", "add", "dev", "g0", "clsact"),
              net.tc(net.g, "filter", "add", "dev", "g0", "egress", "bpf",
                     "bytecode", BPF_DROP_FLOW1_SEQ42, "action", "mirred",
                     "egress", "redirect", "dev", "bh0")]
        if check("loss (sender): drop filter installed",
                 all(r.returncode == 0 for r in rs),
                 " ".join(r.stderr for r in rs)):
            loss_run(build, net, "sender", True)
    finally:
        net.close()


def case_delay(build, netem):
    net = Net(via_relay=not netem)
    relay = None
    try:
        if netem:
            r = net.tc(net.g, "qdisc", "add", "dev", "g0", "root",
                       "netem", "delay", "5ms")
            how = "netem"
            if not check("delay: netem delay 5ms installed",
                         r.returncode == 0, r.stderr):
                return
        else:
            relay = Relay(net.r, delay=0.005)
            relay.start()
            how = "delay line"
        sink = Sink(build, net.s, "-o", "json")
        rc, sent, err = qgen(build, net.g,
                             "-f", "id=1,label=100,rate=500,size=100",
                             "-f", "id=2,label=0,rate=250,size=100",
                             "-t", "2")
        if relay and sent:
            relay.wait_sent(sent[1]["sent"] + sent[2]["sent"])
        time.sleep(0.5)
        _, out = sink.finish()
        rep = by_flow(json.loads(out))
        for fid in (1, 2):
            f = rep.get(fid)
            n = "delay (%s 5 ms): flow %d " % (how, fid)
            if not check(n + "received", f and sent and
                         f["packets"] == sent[fid]["sent"] and
                         f["lost"] == 0, (f, sent)):
                continue
            check(n + "p50 latency in [5, 15] ms (%.0f us)" %
                  f["lat_p50_us"], 5000 <= f["lat_p50_us"] <= 15000, f)
            check(n + "min latency >= 5 ms", f["lat_min_us"] >= 5000, f)
        sink.remove()
    finally:
        if relay:
            relay.halt()
        net.close()


def case_reorder(build):
    net = Net(via_relay=True)
    relay = Relay(net.r, dup=[100], swap=[200], drop=[300])
    relay.start()
    try:
        sink = Sink(build, net.s, "-o", "json")
        rc, sent, err = qgen(build, net.g,
                             "-f", "id=1,label=100,rate=500,size=100",
                             "-f", "id=2,label=0,rate=500,size=100",
                             "-n", "500")
        # 1000 frames on: one duplicated, one dropped.
        relay.wait_sent(1000)
        time.sleep(0.3)
        _, out = sink.finish()
        rep = by_flow(json.loads(out))
        f1, f2 = rep.get(1), rep.get(2)
        check("reorder: qgen -n 500 sent 500 per flow", rc == 0 and sent and
              sent[1]["sent"] == 500 and sent[2]["sent"] == 500, sent)
        check("reorder: flow 1 one duplicate", f1 and
              f1["duplicates"] == 1, f1)
        check("reorder: flow 1 one reordered", f1 and f1["reordered"] == 1,
              f1)
        check("reorder: flow 1 one lost", f1 and f1["lost"] == 1, f1)
        check("reorder: flow 1 packets 500 (+1 dup -1 drop)", f1 and
              f1["packets"] == 500, f1)
        check("reorder: flow 2 clean", f2 and f2["packets"] == 500 and
              f2["lost"] == 0 and f2["reordered"] == 0 and
              f2["duplicates"] == 0, f2)
        sink.remove()
    finally:
        relay.halt()
        net.close()


def ip_udp_frame(size, payload):
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, size - 14, 0,
                               0x4000, 64, 17, 0, b"\xc6\x12\0\1",
                               b"\xc6\x13\0\1"))
    udp = struct.pack("!HHHH", 49153, 9, size - 34, 0)
    body = payload + bytes(max(0, size - 42 - len(payload)))
    return b"\xff" * 6 + b"\x02\0\0\0\0\1" + b"\x08\x00" + bytes(ip) + \
        udp + body


def case_garbage(build):
    net = Net()
    rnd = random.Random(1234)
    try:
        sink = Sink(build, net.s, "-o", "json")
        s = socket_in(net.g, "g0", 0)
        ngarbage = 0
        head = struct.pack("!IIQQ", 0x51544d31, 99, 7, 0)
        for i in range(3000):
            kind = i % 6
            if kind == 0:       # random bytes
                fr = bytes(rnd.getrandbits(8)
                           for _ in range(rnd.randint(14, 300)))
            elif kind == 1:     # MPLS, a runaway stack
                fr = b"\xff" * 12 + b"\x88\x47" + b"\0\0\0\0" * \
                    rnd.randint(1, 60)
            elif kind == 2:     # ours, cut inside the payload header
                fr = ip_udp_frame(100, head)[:rnd.randint(14, 65)]
            elif kind == 3:     # IPv4 with a lying IHL
                fr = bytearray(ip_udp_frame(100, head))
                fr[14] = 0x40 | rnd.randint(6, 15)
                fr = bytes(fr[:rnd.randint(34, 100)])
            elif kind == 4:     # a fragment carrying our header
                fr = bytearray(ip_udp_frame(100, head))
                fr[20:22] = b"\x20\x00"
                fr = bytes(fr)
            else:               # random bytes after an MPLS type
                fr = b"\xff" * 12 + b"\x88\x47" + bytes(
                    rnd.getrandbits(8) for _ in range(rnd.randint(0, 120)))
            s.send(fr)
            ngarbage += 1
        rc, sent, err = qgen(build, net.g,
                             "-f", "id=1,label=100,rate=1000,size=100",
                             "-n", "1000")
        for _ in range(500):
            s.send(bytes(rnd.getrandbits(8) for _ in range(64)))
            ngarbage += 1
        s.close()
        time.sleep(0.3)
        src, out = sink.finish()
        check("garbage: qsink survived and reported", src == 0 and out,
              "status %s %s" % (src, sink.stderr()[-500:]))
        rep = by_flow(json.loads(out))
        f = rep.get(1)
        check("garbage: only the real flow reported", sorted(rep) == [1],
              sorted(rep))
        check("garbage: real flow intact", f and sent and
              f["packets"] == sent[1]["sent"] == 1000 and f["lost"] == 0 and
              f["reordered"] == 0 and f["duplicates"] == 0, f)
        m = re.search(r"(\d+) foreign", sink.stderr())
        check("garbage: counted as foreign (>= %d)" % ngarbage,
              m and int(m.group(1)) >= ngarbage, sink.stderr()[-300:])
        sink.remove()
    finally:
        net.close()


def case_limits(build):
    net = Net()
    tap = None
    try:
        # -n: stops by itself after exactly n frames.
        sink = Sink(build, net.s, "-o", "json", "-n", "500")
        g = subprocess.Popen(["ip", "netns", "exec", net.g,
                              build + "/bin/qgen", "-i", "g0", "-q", "-f",
                              "id=1,label=100,rate=1000,size=100", "-t",
                              "3"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        PROCS.append(g)
        try:
            src, out = sink.finish(sig=False, timeout=15)
            ok = src == 0
        except subprocess.TimeoutExpired:
            src, out = sink.finish()
            ok = False
        rep = json.loads(out)
        check("limits: qsink -n 500 stops by itself with 500 frames",
              ok and sum(f["packets"] for f in rep) == 500, (src, rep))
        g.wait(timeout=10)
        PROCS.remove(g)
        sink.remove()

        # -w 0.5 -t 1: the second after the first half second, by the
        # frames' receive stamps.  How many frames that holds is up to
        # how steadily a loaded machine let qgen send; the tap says.
        tap = Tap(net.s, "s0")
        sink = Sink(build, net.s, "-o", "json", "-w", "0.5", "-t", "1")
        g = subprocess.Popen(["ip", "netns", "exec", net.g,
                              build + "/bin/qgen", "-i", "g0", "-q", "-f",
                              "id=1,label=100,rate=1000,size=100", "-t",
                              "3"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        PROCS.append(g)
        try:
            src, out = sink.finish(sig=False, timeout=15)
            ok = src == 0
        except subprocess.TimeoutExpired:
            src, out = sink.finish()
            ok = False
        g.wait(timeout=10)
        tap.halt()
        st = tap.stamps()
        t0 = st[0] if st else 0
        warm = sum(1 for t in st if t < t0 + 0.5)
        win = sum(1 for t in st if t0 + 0.5 <= t < t0 + 1.5)
        rep = json.loads(out)
        n = sum(f["packets"] for f in rep)
        # One either side: qsink moves each stamp onto CLOCK_MONOTONIC
        # by an offset it reads once a block.
        check("limits: qsink -w 0.5 -t 1 stops by itself with the frames "
              "stamped in that second (%d; the tap's %d of %d seen)" % (
                  n, win, len(st)),
              ok and win > 0 and abs(n - win) <= 1, (src, n, win))
        m = re.search(r"(\d+) in warm-up", sink.stderr())
        check("limits: the frames of the first half second in the warm-up "
              "(the tap's %d)" % warm, m and warm > 0 and
              abs(int(m.group(1)) - warm) <= 1, sink.stderr()[-300:])
        PROCS.remove(g)
        sink.remove()
    finally:
        if tap:
            tap.halt()
        net.close()


def main():
    if len(sys.argv) != 2:
        print("usage: %s BUILD_DIR" % sys.argv[0], file=sys.stderr)
        return 2
    build = os.path.abspath(sys.argv[1])
    if os.geteuid() != 0:
        print("test_traffic: must run as root", file=sys.stderr)
        return 2
    atexit.register(cleanup)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    netem = netem_available()
    cases = [("usage", lambda: case_usage(build)),
             ("basic", lambda: case_basic(build)),
             ("loss", lambda: case_loss(build)),
             ("delay", lambda: case_delay(build, netem)),
             ("reorder", lambda: case_reorder(build)),
             ("garbage", lambda: case_garbage(build)),
             ("limits", lambda: case_limits(build))]
    only = os.environ.get("QTR_CASES")
    for name, fn in cases:
        if only and name not in only.split(","):
            continue
        try:
            fn()
        except Interrupted as e:
            check(name, False, "interrupted by %s" % e)
            break
        except Exception as e:
            traceback.print_exc()
            check(name, False, "exception: %s" % e)
        finally:
            # Each case's namespaces go whatever happened; atexit is the
            # last resort for a signal outside any case.
            cleanup()
    passed = sum(RESULTS)
    failed = len(RESULTS) - passed
    print("traffic: %d passed, %d failed" % (passed, failed))
    return 1 if failed or not RESULTS else 0


if __name__ == "__main__":
    sys.exit(main())
