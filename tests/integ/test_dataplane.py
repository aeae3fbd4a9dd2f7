#!/usr/bin/python3
"""The data plane end to end, on the local backend: a QuaSAR router in a
namespace running quasar-demux and quasard with a pool of 8 routelets,
between a source and a sink host.

    tests/integ/test_dataplane.py BUILD_DIR

The demux classifies in user space here (-x off); test_dataplane_xdp.py
runs the same checks with its XDP classifier on, and checks besides that
the routelets' frames went through the kernel and never reached the
user-space demux.
"""
import glob
import json
import os
import signal
import subprocess
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab import Capture, Lab, NetnsSocket, mpls_frame, parse_mpls, \
    mac_bytes, sh, socket_in
import socket

RESULTS = []


def check(name, cond, detail=""):
    RESULTS.append((name, bool(cond)))
    print("%s: %s%s" % ("PASS" if cond else "FAIL", name,
                       "" if cond or not detail else ": " + str(detail)))
    return cond


def routelet_of(lab, lsp):
    for l in lab.ctlj("lsp", "show"):
        if l["name"] == lsp:
            return l["routelet"]
    return None


def replacement_of(lab, lsp, old, secs):
    """The routelet LSP `lsp` has once it is no longer `old`, waited for
    up to `secs` seconds; `old` if it never changed."""
    end = time.monotonic() + secs
    while time.monotonic() < end:
        new = routelet_of(lab, lsp)
        if new and new != old:
            return new
        time.sleep(0.1)
    return old


def rl_info(lab, name):
    for r in lab.ctlj("routelet", "show"):
        if r["name"] == name:
            return r
    return None


def rl_pid(lab, name):
    """The pid of routelet `name`'s process, from its cgroup (v1 freezer
    hierarchy or the v2 unified one)."""
    inst = os.path.basename(lab.statedir)
    for path in ("/sys/fs/cgroup/freezer/%s/%s/cgroup.procs" % (inst, name),
                 "/sys/fs/cgroup/%s/%s/cgroup.procs" % (inst, name)):
        if os.path.exists(path):
            pids = open(path).read().split()
            if pids:
                return int(pids[0])
    return None


def send_flow(sock, dst, src, label, n, size=100, flow=0, pps=0):
    gap = 1.0 / pps if pps else 0
    t = time.monotonic()
    for i in range(n):
        sock.send(mpls_frame(dst, src, label, size=size, seq=i, flow=flow))
        if gap:
            t += gap
            d = t - time.monotonic()
            if d > 0:
                time.sleep(d)


FLOW = [100]


def next_flow():
    """A flow id of its own for each phase, so frames a phase leaves in
    flight cannot be counted by the next."""
    FLOW[0] += 1
    return FLOW[0]


def by_label(frames, flow=None):
    out = {}
    for f in frames:
        p = parse_mpls(f)
        if p and (flow is None or p[4] == flow):
            out.setdefault(p[2], []).append(p)
    return out


def counts(got):
    return {k: len(v) for k, v in got.items()}


class FlowSeen:
    """Counts, as a drain goes, the frames of flow by label."""

    def __init__(self, flow):
        self.flow, self.seen, self.pos = flow, {}, 0

    def __call__(self, frames):
        for fr in frames[self.pos:]:
            p = parse_mpls(fr)
            if p and p[4] == self.flow:
                self.seen[p[2]] = self.seen.get(p[2], 0) + 1
        self.pos = len(frames)
        return self.seen


def flow_has(flow, want):
    """A drain's until: true once want[label] frames of flow have come
    out with each label."""
    seen = FlowSeen(flow)
    return lambda frames: all(seen(frames).get(l, 0) >= n
                              for l, n in want.items())


def arrive(sock, flow, want, secs=10.0):
    """flow's frames at sock by label, once want[label] of each have come
    (or secs have passed: a routelet on a loaded machine is not prompt),
    and a moment more so that strays show too."""
    return by_label(sock.drain(secs, until=flow_has(flow, want),
                               quiet=0.2), flow)


def xdp_moved(lab, before, want):
    """(user-space to_routelet, xdp_to_routelet) since before.  The demux
    copies the XDP program's counters out every 100 ms: read until they
    are what we want, or 10 s have passed."""
    end = time.monotonic() + 10
    while True:
        c = lab.demux_counters()
        got = (c["to_routelet"] - before["to_routelet"],
               c["xdp_to_routelet"] - before["xdp_to_routelet"])
        if got == want or time.monotonic() > end:
            return got
        time.sleep(0.05)


def main(xdp="off"):
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    lab = Lab(build, xdp=xdp)
    XDP = xdp != "off"
    socks = []
    try:
        lab.up()
        p0 = lab.mac(lab.r, "p0")
        p1 = lab.mac(lab.r, "p1")
        d0 = lab.mac(lab.dst, "d0")
        s0 = lab.mac(lab.src, "s0")
        src = NetnsSocket(lab.src, "s0")
        dst = NetnsSocket(lab.dst, "d0")
        socks += [src, dst]

        pool = lab.ctlj("pool", "show")
        check("pool of 8 paused routelets at start",
              pool["idle"] == 8 and pool["used"] == 0, pool)
        states = {r["state"] for r in lab.ctlj("routelet", "show")}
        check("idle routelets are paused", states == {"paused"}, states)

        # ---- a QoS LSP: swap 100 -> 200 toward the sink ----------------
        lab.ctl("lsp", "add", "A", "in-label=100", "in-port=p0", "op=swap",
                "out-label=200", "nh-mac=" + d0, "out-port=p1",
                "rate=5000000", "burst=30000", "weight=200", "cap=50")
        lab.ctl("lsp", "add", "B", "in-label=101", "in-port=p0", "op=swap",
                "out-label=201", "nh-mac=" + d0, "out-port=p1",
                "rate=5000000", "burst=30000")
        rla, rlb = routelet_of(lab, "A"), routelet_of(lab, "B")
        check("each LSP has its own routelet", rla and rlb and rla != rlb,
              (rla, rlb))
        pool = lab.ctlj("pool", "show")
        check("pool: 2 used, taken from the idle stack", pool["used"] == 2
              and pool["counters"]["taken"] == 2, pool)
        dx = {e["label"]: e["ifname"] for e in lab.ctlj("demux", "show")}
        check("demux has labels 100 and 101 on the routelets' VIFs",
              set(dx) == {100, 101} and dx[100].startswith("vif"), dx)

        c0 = lab.demux_counters()
        check("the demux's XDP classifier is on both ports" if XDP else
              "the demux runs without its XDP classifier",
              c0["xdp_ports"] == (2 if XDP else 0), c0["xdp_ports"])
        f = next_flow()
        send_flow(src, p0, s0, 100, 20, flow=f)
        got = arrive(dst, f, {200: 20})
        a = got.get(200, [])
        check("label 100 comes out as 200", len(a) == 20, counts(got))
        want = (0, 20) if XDP else (20, 0)
        moved = xdp_moved(lab, c0, want)
        check("the 20 frames went to the routelet by %s" % (
              "XDP, none through the user-space demux" if XDP else
              "the user-space demux"), moved == want, moved)
        check("TTL 63 and the right MACs",
              a and all(x[3] == 63 and x[0] == mac_bytes(d0) and
                        x[1] == mac_bytes(p1) for x in a))

        # tshark on a capture at the sink agrees.
        cap = lab.statedir + ".cap.pcap"
        tsh = Capture(lab.dst, "d0", cap, "mpls")
        send_flow(src, p0, s0, 100, 5)
        tsh.stop(5)
        fields = subprocess.run(
            ["tshark", "-n", "-r", cap, "-T", "fields", "-e", "mpls.label",
             "-e", "mpls.ttl", "-e", "eth.src", "-e", "eth.dst"],
            capture_output=True, text=True).stdout.split("\n")
        fields = [f for f in fields if f]
        check("tshark decodes label 200, TTL 63, MACs of p1 and d0",
              len(fields) == 5 and all(f == "200\t63\t%s\t%s" % (p1, d0)
                                       for f in fields), fields[:2])

        # ---- best effort: label 300 through dom0's shared table ---------
        sh("%s/bin/quasar-demux -S %s be add 300 swap 400 %s 1" %
           (lab.build, lab.statedir, d0), ns=lab.r)
        f = next_flow()
        send_flow(src, p0, s0, 300, 10, flow=f)
        got = arrive(dst, f, {400: 10})
        check("label 300 is switched best-effort to 400",
              len(got.get(400, [])) == 10 and not got.get(300), counts(got))

        def be_moved():
            """Until the counters say so, or 10 s: the XDP ones are
            copied out every 100 ms."""
            end = time.monotonic() + 10
            while True:
                c = lab.demux_counters()
                if (c["to_besteffort"] - c0["to_besteffort"] >= 10 and
                        (not XDP or c["xdp_pass_miss"] -
                         c0["xdp_pass_miss"] >= 10)) or \
                        time.monotonic() > end:
                    return c
                time.sleep(0.05)
        c1 = be_moved()
        check("best-effort frames are switched by the user-space demux",
              c1["to_besteffort"] - c0["to_besteffort"] == 10 and
              (not XDP or c1["xdp_pass_miss"] - c0["xdp_pass_miss"] >= 10),
              (c1["to_besteffort"], c1["xdp_pass_miss"]))
        f = next_flow()
        send_flow(src, p0, s0, 555, 10, flow=f)
        got = by_label(dst.drain(0.5), f)
        check("a label in neither table goes nowhere", not got, counts(got))

        # ---- IP is routed by the kernel ---------------------------------
        rx = socket_in(lab.dst, socket.AF_INET, socket.SOCK_DGRAM)
        tx = socket_in(lab.src, socket.AF_INET, socket.SOCK_DGRAM)
        rx.bind(("10.99.2.1", 5555))
        rx.settimeout(2)
        got = None
        try:
            for _ in range(3):     # the first may wait on ARP
                tx.sendto(b"over ip", ("10.99.2.1", 5555))
                try:
                    got = rx.recvfrom(100)
                    break
                except socket.timeout:
                    pass
        finally:
            rx.close()
            tx.close()
        check("IPv4 from source to sink is routed by the kernel",
              got is not None and got[0] == b"over ip" and
              got[1][0] == "10.99.1.1", got)

        # ---- CPU share and rate read back --------------------------------
        info = rl_info(lab, rla)
        check("CPU weight 200 and cap 50% read back",
              info["cpu_weight"] == 200 and info["cpu_cap"] == 50, info)
        pid = rl_pid(lab, rla)
        inst = os.path.basename(lab.statedir)
        v1 = "/sys/fs/cgroup/cpu/%s/%s/cpu.shares" % (inst, rla)
        v2 = "/sys/fs/cgroup/%s/%s/cpu.weight" % (inst, rla)
        if os.path.exists(v1):
            check("cgroup cpu.shares is 2048 for weight 200",
                  open(v1).read().strip() == "2048")
        else:
            check("cgroup cpu.weight is 200", os.path.exists(v2) and
                  open(v2).read().strip() == "200")
        q = json.loads(subprocess.run(
            ["nsenter", "-t", str(pid), "-n", "tc", "-j", "qdisc", "show",
             "dev", "eth1"], capture_output=True, text=True).stdout or "[]")
        tbf = [x for x in q if x.get("kind") == "tbf"]
        check("tc tbf on the routelet's output VIF holds 5 MB/s",
              tbf and tbf[0]["options"]["rate"] == 5000000 and
              info["rate"] == 5000000, tbf)

        # ---- pausing stops that flow and only that flow -----------------
        lab.ctl("routelet", "pause", rla.replace("rl", ""))
        f = next_flow()
        send_flow(src, p0, s0, 100, 10, flow=f)
        send_flow(src, p0, s0, 101, 10, flow=f)
        got = arrive(dst, f, {201: 10})
        check("paused routelet's flow stops, the other's goes on",
              not got.get(200) and len(got.get(201, [])) == 10, counts(got))
        lab.ctl("routelet", "unpause", rla.replace("rl", ""))
        got = arrive(dst, f, {200: 10})
        check("after unpause the frames held while paused go on",
              len(got.get(200, [])) == 10, counts(got))

        # ---- a VIF under load takes on a receive ring --------------------
        # Frames held while paused make full bursts at the unpause: the
        # routelet moves eth0 to a ring (routelet/io_ring.c), after the
        # frames its old socket queued, while more keep coming.
        pid = rl_pid(lab, rla)

        def ring_maps():
            return sum(1 for l in open("/proc/%d/maps" % pid)
                       if "socket:" in l)
        check("no receive ring before the load", ring_maps() == 0,
              ring_maps())
        lab.ctl("routelet", "pause", rla.replace("rl", ""))
        f = next_flow()
        rx = []
        t = threading.Thread(target=lambda: rx.extend(dst.drain(
            20.0, until=flow_has(f, {200: 500}), quiet=0.3)))
        t.start()
        # 200 of 100 B: within the LSP's 30 000-byte burst and its queue.
        # The 300 after them at 300/s: a thawed routelet that a loaded
        # machine schedules late finds them queued behind the 200, and
        # all of them must still fit the bucket and the queue.
        send_flow(src, p0, s0, 100, 200, flow=f)
        lab.ctl("routelet", "unpause", rla.replace("rl", ""))
        sent = threading.Thread(target=send_flow, args=(
            src, p0, s0, 100, 300), kwargs={"flow": f, "pps": 300})
        sent.start()
        sent.join()
        t.join()
        seqs = [x[5] for x in by_label(rx, f).get(200, [])]
        want = list(range(200)) + list(range(300))
        check("the switch to a ring: 500 frames through, none lost, in "
              "order", seqs == want, "%d frames; routelet: %s" % (
                  len(seqs), lab.ctl("routelet", "stats", rla.replace(
                      "rl", ""), check=False).stdout.replace("\n", " ")))
        check("...and eth0 reads from its ring now", ring_maps() == 1,
              ring_maps())

        # ---- next-hop change in flight loses nothing ---------------------
        # The frames go on at 500/s from before the change until 500
        # after `lsp set` has returned, however long a loaded machine
        # takes over it: both MACs must be seen, nothing lost.  Not
        # faster: what the demux and the routelet buffer (the LSP's
        # 30 000-byte bucket, its queue of 256) must outlast the moments
        # a loaded machine does not run them, or frames go that the
        # change did not lose.
        rx = []
        f = next_flow()
        sent = [0]
        begun, changed, over = (threading.Event(), threading.Event(),
                                threading.Event())

        def sender():
            t, i, last = time.monotonic(), 0, None
            while last is None or i < last:
                src.send(mpls_frame(p0, s0, 100, size=100, seq=i, flow=f))
                i += 1
                if i == 500:
                    begun.set()
                if last is None and changed.is_set():
                    last = i + 500
                t += 1 / 500.0
                d = t - time.monotonic()
                if d > 0:
                    time.sleep(d)
            sent[0] = i
            over.set()

        nh_seen = FlowSeen(f)

        def all_in(frames):
            n = nh_seen(frames).get(200, 0)
            return over.is_set() and n >= sent[0]
        t = threading.Thread(target=lambda: rx.extend(dst.drain(
            60.0, until=all_in, quiet=0.3)))
        t.start()
        th = threading.Thread(target=sender)
        th.start()
        begun.wait(30)
        lab.ctl("lsp", "set", "A", "nh-mac=02:00:00:00:99:99")
        changed.set()
        th.join()
        t.join()
        a = by_label(rx, f).get(200, [])
        macs = {x[0] for x in a}
        seqs = sorted(x[5] for x in a)
        check("next-hop change at runtime: all %d frames arrive" % sent[0],
              len(a) == sent[0] and seqs == list(range(sent[0])),
              "%d frames" % len(a))
        check("frames before and after carry the old and new MAC",
              macs == {mac_bytes(d0), mac_bytes("02:00:00:00:99:99")},
              macs)
        lab.ctl("lsp", "set", "A", "nh-mac=" + d0)

        # ---- isolation ---------------------------------------------------
        infob = rl_info(lab, rlb)
        vifb = infob["vifs"][0]["ifname"]
        spy = NetnsSocket(lab.r, vifb)
        socks.append(spy)
        c2 = lab.demux_counters()
        f = next_flow()
        send_flow(src, p0, s0, 100, 20, flow=f)
        seen = by_label(spy.drain(0.5))
        check("routelet B's VIF sees no frame of flow A", not seen.get(100),
              counts(seen))
        want = (0, 20) if XDP else (20, 0)
        moved = xdp_moved(lab, c2, want)
        check("... while flow A's 20 frames went by %s" % (
              "XDP" if XDP else "the user-space demux"), moved == want,
              moved)
        # A routelet writing on a VIF that is not its egress: dropped in
        # dom0, never out of the port (we are root in its namespace, more
        # than a compromised routelet could be).
        pid = rl_pid(lab, rla)
        probe = mpls_frame(s0, p0, 777, seq=1)
        srcspy = NetnsSocket(lab.src, "s0")
        socks.append(srcspy)
        subprocess.run(["nsenter", "-t", str(pid), "-n", "/usr/bin/python3",
                        "-c", "import socket;s=socket.socket(17,3);"
                        "s.bind(('eth0',0));s.send(bytes.fromhex('%s'))" %
                        probe.hex()], check=True)
        seen = by_label(srcspy.drain(0.5))
        check("a routelet cannot send on a port it was not given",
              not seen.get(777), {k: len(v) for k, v in seen.items()})

        # ---- rate: 3x the reservation is held to it ----------------------
        rate = 250000       # bytes/s
        size = 500
        lab.ctl("lsp", "set", "A", "rate=%d" % rate, "burst=3000")
        # B's bucket takes what this Python sender bunches up when a
        # loaded machine stalls it for up to half a second.
        lab.ctl("lsp", "set", "B", "rate=%d" % rate, "burst=60000")
        rx, times = [], []
        fa, fb = next_flow(), next_flow()
        sa = threading.Thread(target=send_flow, args=(
            src, p0, s0, 100, 6000), kwargs={"pps": 3 * rate // size,
                                            "size": size, "flow": fa})
        sb = threading.Thread(target=send_flow, args=(
            src, p0, s0, 101, 1000), kwargs={"pps": rate // size // 2,
                                            "size": size, "flow": fb})

        fb_all = flow_has(fb, {201: 1000})

        def receive():
            # Until both senders are done and all of B is in, then until
            # A's queue has run dry (nothing for 0.5 s): a routelet that a
            # loaded machine runs late still holds frames well after the
            # senders are done (40 s at most).
            rx.extend(dst.drain(40.0, times, until=lambda fr: fb_all(fr) and
                                not sa.is_alive() and not sb.is_alive(),
                                quiet=0.5))
        # The socket queues what comes before the reader runs.
        sa.start(), sb.start()
        t = threading.Thread(target=receive)
        t.start()
        sa.join(), sb.join()
        t.join()
        # Judged by the kernel's receive stamps at d0.  While the flow is
        # backlogged the tbf lets one frame out every size/rate s: the
        # median gap is that rate.  The average between its first and
        # last frame out (leaving out the first bucketful) must not be
        # over it; it may be under, when this loaded machine stalls the
        # Python sender for longer than the tbf's queue lasts (50 ms).
        ta = [tm for tm, fr in zip(times, rx)
              if (parse_mpls(fr) or (0,) * 6)[4] == fa]
        n = len(ta) - 1
        gaps = sorted(b - a for a, b in zip(ta, ta[1:]))
        held = size / gaps[len(gaps) // 2] if n > 10 and gaps[
            len(gaps) // 2] > 0 else 0
        avg = (n - 3000 // size) * size / (ta[-1] - ta[0]) \
            if n > 10 else 0
        check("a flow at 3x its rate is held to it (+-5%%): %.0f B/s of %d "
              "while backlogged, %.0f B/s on average" % (held, rate, avg),
              abs(held - rate) <= 0.05 * rate and 0 < avg <= 1.05 * rate,
              n)
        check("its neighbour below its rate is untouched",
              len(by_label(rx, fb).get(201, [])) == 1000,
              len(by_label(rx, fb).get(201, [])))

        # ---- kill -9 a routelet ------------------------------------------
        before = lab.ctlj("pool", "show")
        pid = rl_pid(lab, rla)
        os.kill(pid, 9)
        new = replacement_of(lab, "A", rla, 20)
        after = lab.ctlj("pool", "show")
        check("kill -9: the LSP gets a replacement routelet",
              new and new != rla, (rla, new))
        check("kill -9: the pool counts the death and replaces it",
              after["counters"]["died"] == before["counters"]["died"] + 1,
              after)
        f = next_flow()
        send_flow(src, p0, s0, 100, 10, flow=f)
        got = arrive(dst, f, {200: 10})
        check("kill -9: the flow goes on through the replacement",
              len(got.get(200, [])) == 10, counts(got))
        end = time.monotonic() + 30
        while time.monotonic() < end and \
                lab.ctlj("pool", "show")["idle"] < 8:
            time.sleep(0.1)
        check("kill -9: the pool grows back to its target of 8 idle",
              lab.ctlj("pool", "show")["idle"] == 8)

        # ---- a routelet that hangs: alive, but answering nothing --------
        # SIGSTOP: its process is there, its control channel is open, it
        # reads nothing.  The pool's audit asks it to answer a ping by
        # the next audit; three unanswered and it is replaced.
        rlh = routelet_of(lab, "A")
        before = lab.ctlj("pool", "show")
        pid = rl_pid(lab, rlh)
        os.kill(pid, signal.SIGSTOP)
        new = replacement_of(lab, "A", rlh, 30)
        after = lab.ctlj("pool", "show")
        check("hung routelet: the LSP gets a replacement routelet",
              new and new != rlh, (rlh, new))
        check("hung routelet: the pool counts it unresponsive, not dead, "
              "and replaces it",
              after["counters"]["unresponsive"] ==
              before["counters"]["unresponsive"] + 1 and
              after["counters"]["died"] == before["counters"]["died"] and
              after["counters"]["replaced"] ==
              before["counters"]["replaced"] + 1, after)
        end = time.monotonic() + 10
        while time.monotonic() < end and os.path.exists("/proc/%d" % pid):
            time.sleep(0.1)
        check("hung routelet: its process is killed and reaped",
              not os.path.exists("/proc/%d" % pid), pid)
        f = next_flow()
        send_flow(src, p0, s0, 100, 10, flow=f)
        got = arrive(dst, f, {200: 10})
        check("hung routelet: the flow goes on through the replacement",
              len(got.get(200, [])) == 10, counts(got))

        # ---- the admin resizes the pool at runtime ----------------------
        lab.ctl("pool", "resize", "2", "3", "12")
        end = time.monotonic() + 10
        while time.monotonic() < end + 10 and \
                lab.ctlj("pool", "show")["idle"] != 3:
            time.sleep(0.2)
        pool = lab.ctlj("pool", "show")
        check("pool resize: shrinks to the new target of 3 idle",
              pool["idle"] == 3 and pool["target"] == 3 and
              pool["max"] == 12, pool)
        r = lab.ctl("pool", "resize", "5", "3", "12", check=False)
        check("pool resize: min above target is refused",
              r.returncode == 1 and "min" in r.stderr, r.stderr)

        # ---- thousands of take/return cycles leak nothing ---------------
        def census():
            qpid = lab.quasard.pid      # nsenter exec()s quasard
            fds = len(os.listdir("/proc/%d/fd" % qpid))
            vifs = sh("ip -o link show", ns=lab.r).count("vif")
            cgs = len(glob.glob("/sys/fs/cgroup/freezer/%s/rl*" % inst) +
                      glob.glob("/sys/fs/cgroup/%s/rl*" % inst))
            return fds, vifs, cgs
        inst = os.path.basename(lab.statedir)
        before = census()
        c0 = lab.ctlj("pool", "show")["counters"]
        created0, destroyed0 = c0["created"], c0["destroyed"]
        cycles = 1000
        for i in range(cycles):
            lab.ctl("lsp", "add", "C", "in-label=150", "in-port=p0",
                    "op=swap", "out-label=250", "nh-mac=" + d0,
                    "out-port=p1", "rate=1000000", "burst=10000")
            lab.ctl("lsp", "del", "C")
        pool = lab.ctlj("pool", "show")
        # The first take grew the pool by one; it shrinks back later.
        end = time.monotonic() + 20
        while time.monotonic() < end and \
                lab.ctlj("pool", "show")["idle"] != 3:
            time.sleep(0.2)
        after = census()
        check("%d take/return cycles: fds, VIFs and cgroups unchanged %s"
              % (cycles, after), before == after, (before, after))
        check("%d take/return cycles reuse the pool: at most one routelet "
              "made" % cycles, pool["counters"]["created"] - created0 <= 1
              and pool["counters"]["destroyed"] == destroyed0 and
              pool["counters"]["taken"] >= cycles and
              pool["counters"]["returned"] >= cycles, pool)
        dx = {e["label"] for e in lab.ctlj("demux", "show")}
        check("%d take/return cycles: label 150 left the demux" % cycles,
              150 not in dx, dx)
        # ...and the XDP map with it: its frames reach no routelet.
        c3 = lab.demux_counters()
        f = next_flow()
        send_flow(src, p0, s0, 150, 10, flow=f)
        got = by_label(dst.drain(0.5), f)
        moved = xdp_moved(lab, c3, (0, 0))
        check("after the cycles label 150 goes to no routelet",
              not got and moved == (0, 0), (counts(got), moved))

        # ---- an empty pool below its maximum creates on demand ----------
        lab.ctl("pool", "resize", "0", "0", "12")
        end = time.monotonic() + 20
        while time.monotonic() < end and \
                lab.ctlj("pool", "show")["idle"] != 0:
            time.sleep(0.2)
        created = lab.ctlj("pool", "show")["counters"]["created"]
        r = lab.ctl("lsp", "add", "D", "in-label=160", "in-port=p0",
                    "op=swap", "out-label=260", "nh-mac=" + d0,
                    "out-port=p1", check=False)
        pool = lab.ctlj("pool", "show")
        check("no idle routelet: one is made on demand for the LSP",
              r.returncode == 0 and pool["counters"]["created"] ==
              created + 1 and pool["idle"] == 0, (r.stderr, pool))
        f = next_flow()
        send_flow(src, p0, s0, 160, 10, flow=f)
        got = arrive(dst, f, {260: 10})
        check("the routelet made on demand forwards",
              len(got.get(260, [])) == 10, counts(got))
        lab.ctl("pool", "resize", "0", "0", str(pool["total"]))
        r = lab.ctl("lsp", "add", "E", "in-label=161", "in-port=p0",
                    "op=swap", "out-label=261", "nh-mac=" + d0,
                    "out-port=p1", check=False)
        check("at its maximum with none idle the pool refuses, saying so",
              r.returncode == 1 and "no idle routelet" in r.stderr,
              r.stderr)

        # ---- shutdown leaves nothing -------------------------------------
        inst = os.path.basename(lab.statedir)
        lab.stop_quasard()
        links = sh("ip -o link show", ns=lab.r)
        check("after quasard stops no vif is left", "vif" not in links,
              links)
        cg = glob.glob("/sys/fs/cgroup/*/%s/*" % inst) + \
            glob.glob("/sys/fs/cgroup/%s/*" % inst)
        check("no routelet cgroup is left",
              not [c for c in cg if os.path.isdir(c)], cg)
        procs = []
        for d in glob.glob("/proc/[0-9]*"):
            try:
                if "/%s/" % inst in open(d + "/cgroup").read():
                    procs.append(d)
            except OSError:
                pass
        check("no routelet process is left", not procs, procs)
        check("the demux outlives quasard", lab.demux.poll() is None)
        f = next_flow()
        send_flow(src, p0, s0, 300, 10, flow=f)
        got = arrive(dst, f, {400: 10})
        check("best-effort forwarding goes on without quasard",
              len(got.get(400, [])) == 10, counts(got))
    except Exception:
        traceback.print_exc()
        check("test ran to the end", False)
        for log in glob.glob(lab.statedir + ".*.log"):
            print("---- " + log)
            print(open(log).read()[-3000:])
    finally:
        for s in socks:
            s.close()
        lab.down()
    passed = sum(1 for _, ok in RESULTS if ok)
    failed = len(RESULTS) - passed
    print("dataplane%s: %d passed, %d failed" % ("_xdp" if XDP else "",
                                                  passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
