#!/usr/bin/python3
"""RSVP-TE end to end, in network namespaces this test creates:

    head-end  h0 --- p0 [ QuaSAR router ] p1 --- t0  tail-end
    10.97.1.1/24   10.97.1.254   10.97.2.254    10.97.2.1/24

Each node runs its own quasard; the router also runs quasar-demux (the
head-end and the tail-end forward nothing: the head-end only learns the
label its LSPs are to be sent with, the tail-end receives).  The router
refreshes every R = 1000 ms with K = 3 (state lives 5.25 s without
refreshes), sends Hellos on p1 every 500 ms (down after 4 missed), has
10 MB/s reservable on p1, a pool of at most 3 routelets, and a fixed
per-packet cost of 1000 ns so the CPU budget test does not depend on the
machine.  Frames are only ever sent between these namespaces.

    tests/integ/test_rsvp.py BUILD_DIR
"""
import json
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab import Capture, NetnsSocket, mpls_frame, sh, socket_in

RESULTS = []
R_MS = 1000
K = 3
LIFETIME = (K + 0.5) * 1.5 * R_MS / 1000.0      # 5.25 s
HELLO_MS, HELLO_MISSES = 500, 4
ERR_ADMISSION, ERR_ROUTING = 1, 24
V_BW, V_CPU, V_POOL = 2, 0x8001, 0x8002
V_BAD_STRICT = 2


def check(name, cond, detail=""):
    RESULTS.append((name, bool(cond)))
    print("%s: %s%s" % ("PASS" if cond else "FAIL", name,
                       "" if cond or not detail else ": " + str(detail)),
          flush=True)
    return cond


def wait_for(fn, secs, step=0.1):
    """fn() until it is true or secs have passed; its last value."""
    end = time.monotonic() + secs
    while True:
        v = fn()
        if v or time.monotonic() >= end:
            return v
        time.sleep(step)


class Node:
    def __init__(self, lab, role, ns, statedir):
        self.lab, self.role, self.ns, self.statedir = lab, role, ns, statedir
        self.quasard = None

    def ctl(self, *args, check=True):
        r = subprocess.run([self.lab.build + "/bin/quasarctl", "-S",
                            self.statedir] + list(args),
                           capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError("%s: quasarctl %s: %s" % (
                self.role, " ".join(args), r.stderr.strip()))
        return r

    def ctlj(self, *args):
        return json.loads(self.ctl("-j", *args).stdout)

    def he(self, name):
        for l in self.ctlj("lsp", "show"):
            if l["name"] == name and l.get("kind") == "head-end":
                return l
        return None

    def sessions(self):
        return [s for s in self.ctlj("rsvp", "show", "sessions")
                if "endpoint" in s]

    def counters(self):
        return self.ctlj("rsvp", "show", "counters")


class Lab3:
    def __init__(self, build, router_cost=("-P", "1000")):
        """router_cost: the router's per-packet cost options (none: it
        measures the cost at start-up)."""
        self.build = os.path.abspath(build)
        self.router_cost = list(router_cost)
        self.tag = "%04x" % random.randrange(1 << 16)
        self.procs = []
        names = {}
        for role in ("h", "r", "t"):
            names[role] = Node(self, role, "qr%s-%s" % (role, self.tag),
                               "/run/quasar-rsvp-%s-%s" % (role, self.tag))
        self.h, self.r, self.t = names["h"], names["r"], names["t"]
        self.logs = []

    def spawn(self, node, argv, what):
        log = "%s.%s.log" % (node.statedir, what)
        self.logs.append(log)
        f = open(log, "w")
        p = subprocess.Popen(["nsenter", "--net=/run/netns/" + node.ns] +
                             argv, stdout=f, stderr=subprocess.STDOUT)
        self.procs.append(p)
        return p

    def up(self):
        h, r, t = self.h.ns, self.r.ns, self.t.ns
        for ns in (h, r, t):
            sh("ip netns add %s" % ns)
        sh("ip link add h0 netns %s type veth peer name p0 netns %s" % (h, r))
        sh("ip link add p1 netns %s type veth peer name t0 netns %s" % (r, t))
        for ns, ifs in ((h, ("h0", "lo")), (r, ("p0", "p1", "lo")),
                        (t, ("t0", "lo"))):
            for i in ifs:
                sh("ip link set %s up" % i, ns=ns)
        sh("ip addr add 10.97.1.1/24 dev h0", ns=h)
        sh("ip addr add 10.97.1.254/24 dev p0", ns=r)
        sh("ip addr add 10.97.2.254/24 dev p1", ns=r)
        sh("ip addr add 10.97.2.1/24 dev t0", ns=t)
        sh("ip route add default via 10.97.1.254", ns=h)
        sh("ip route add default via 10.97.2.254", ns=t)
        # an LSR forwards IP; IP_ROUTER_ALERT needs it too
        sh("sysctl -qw net.ipv4.ip_forward=1", ns=r)
        for n in (self.h, self.r, self.t):
            os.makedirs(n.statedir, exist_ok=True)
        self.demux = self.spawn(self.r, [
            self.build + "/bin/quasar-demux", "-S", self.r.statedir,
            "-i", "p0", "-i", "p1"], "demux")
        common = ["-R", str(R_MS), "-K", str(K), "-v"]
        self.r.quasard = self.spawn(self.r, self.router_argv(
            self.router_cost), "quasard")
        self.h.quasard = self.spawn(self.h, [
            self.build + "/bin/quasard", "-S", self.h.statedir, "-i", "h0",
            "-p", "0:0:1"] + common, "quasard")
        self.t.quasard = self.spawn(self.t, [
            self.build + "/bin/quasard", "-S", self.t.statedir, "-i", "t0",
            "-p", "0:0:1"] + common, "quasard")
        for n in (self.h, self.r, self.t):
            self.wait_up(n)

    def router_argv(self, cost):
        return [self.build + "/bin/quasard", "-S", self.r.statedir, "-i",
                "p0", "-i", "p1", "-p", "2:2:3", "-B", "p1:10000000", "-c",
                "20"] + list(cost) + ["-H", "p1", "-T", "%d:%d" % (
                    HELLO_MS, HELLO_MISSES), "-R", str(R_MS), "-K", str(K),
                                      "-v"]

    def wait_up(self, n):
        ok = wait_for(lambda: n.quasard.poll() is not None or
                      n.ctl("pool", "show", check=False).returncode == 0,
                      30)
        if n.quasard.poll() is not None:
            raise RuntimeError("%s quasard exited" % n.role)
        if not ok:
            raise RuntimeError("%s quasard did not come up" % n.role)

    def restart_router(self, argv, what):
        """Stops the router's quasard and starts argv in its place (its
        log: <statedir>.<what>.log); the demux keeps running."""
        old = self.r.quasard
        old.terminate()
        old.wait(timeout=20)
        self.r.quasard = self.spawn(self.r, argv, what)
        self.wait_up(self.r)

    def down(self):
        for p in reversed(self.procs):
            try:
                os.kill(p.pid, signal.SIGCONT)
            except OSError:
                pass
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        for n in (self.h, self.r, self.t):
            sh("ip netns del %s" % n.ns, check=False)
            sh("rm -rf %s" % n.statedir, check=False)

    def dump_logs(self):
        for log in self.logs:
            print("---- " + log)
            try:
                print(open(log).read()[-4000:])
            except OSError:
                pass

    def rm_logs(self):
        if os.environ.get("RSVP_TEST_KEEP_LOGS"):
            print("logs kept: " + " ".join(self.logs))
            return
        for log in self.logs:
            try:
                os.unlink(log)
            except OSError:
                pass


def rl_pid(node, name):
    """The pid of routelet name's process, from its cgroup (v1 freezer
    hierarchy or the v2 unified one)."""
    inst = os.path.basename(node.statedir)
    for path in ("/sys/fs/cgroup/freezer/%s/%s/cgroup.procs" % (inst, name),
                 "/sys/fs/cgroup/%s/%s/cgroup.procs" % (inst, name)):
        if os.path.exists(path):
            pids = open(path).read().split()
            if pids:
                return int(pids[0])
    return None


def ip_frame_info(frame):
    """(flow, seq, ttl) of an untagged IPv4/UDP frame made by mpls_frame
    and popped on the way, or None."""
    if len(frame) < 14 + 28 + 8 or frame[12:14] != b"\x08\x00":
        return None
    flow, seq = struct.unpack("!II", frame[14 + 28:14 + 36])
    return flow, seq, frame[14 + 8]


def mpls_frame_info(frame):
    """(label, ttl, flow, seq) of a one-label MPLS frame, or None."""
    if len(frame) < 14 + 4 + 28 + 8 or frame[12:14] != b"\x88\x47":
        return None
    lse, = struct.unpack("!I", frame[14:18])
    flow, seq = struct.unpack("!II", frame[18 + 28:18 + 36])
    return lse >> 12, lse & 0xff, flow, seq


FLOW = [300]


def next_flow():
    FLOW[0] += 1
    return FLOW[0]


def send(sock, dst, src, label, n, flow):
    for i in range(n):
        sock.send(mpls_frame(dst, src, label, seq=i, flow=flow))


def received(frames, flow):
    """What arrived of flow: ('ip', n, ttls) or ('mpls', n, labels)."""
    ip, mp = [], []
    for f in frames:
        a = ip_frame_info(f)
        if a and a[0] == flow:
            ip.append(a)
        b = mpls_frame_info(f)
        if b and b[2] == flow:
            mp.append(b)
    return ip, mp


def arrive(sock, flow, n, secs=10.0):
    """received() at sock once n frames of flow have come, popped or
    labelled (or secs have passed: a routelet on a loaded machine is not
    prompt), and a moment more so that strays show too."""
    pos, got = [0], [0]

    def enough(frames):
        for f in frames[pos[0]:]:
            a, b = ip_frame_info(f), mpls_frame_info(f)
            if (a and a[0] == flow) or (b and b[2] == flow):
                got[0] += 1
        pos[0] = len(frames)
        return got[0] >= n
    return received(sock.drain(secs, until=enough, quiet=0.2), flow)


def he_up(node, name, secs=20):
    return wait_for(lambda: (node.he(name) or {}).get("state") == "up",
                    secs)


def he_error(node, name, secs=20):
    def err():
        l = node.he(name)
        return l and l.get("error") and l["state"] == "down" and l
    return wait_for(err, secs)


def transit(node):
    return [s for s in node.sessions() if s.get("role") == "transit"]


def rsvp_pcap_check(path):
    """(message types decoded, malformed count, bad checksums, RA on
    Path/PathTear/ResvConf, error (code, value) pairs, messages seen).
    tshark shows no value for error 13 (it decodes class and c-type)."""
    out = subprocess.run(
        ["tshark", "-n", "-r", path, "-o", "ip.check_checksum:TRUE",
         "-Y", "rsvp", "-T", "fields", "-e", "rsvp.msg", "-e",
         "ip.checksum.status", "-e", "ip.opt.ra", "-e",
         "rsvp.error.error_code", "-e", "rsvp.error_value", "-e",
         "_ws.malformed", "-e", "ip.src", "-e", "ip.dst"],
        capture_output=True, text=True).stdout
    types, malformed, bad_ip, no_ra, errs = set(), 0, 0, 0, set()
    for line in out.splitlines():
        f = line.split("\t")
        while len(f) < 8:
            f.append("")
        if not f[0]:
            continue
        t = int(f[0].split(",")[0])
        types.add(t)
        # the test's own malformed datagrams go to the router's p0
        if f[5] and not (f[6] == "10.97.1.1" and f[7] == "10.97.1.254"):
            malformed += 1
        if f[1] and f[1] != "1":
            bad_ip += 1
        if t in (1, 5, 7) and f[2] == "":
            no_ra += 1
        if f[3] and t in (3, 4):
            errs.add((int(f[3]), int(f[4], 0) if f[4] else None))
    verbose = subprocess.run(["tshark", "-n", "-r", path, "-V", "-Y",
                              "rsvp"], capture_output=True,
                             text=True).stdout
    bad_sum = verbose.count("[incorrect")
    good_sum = verbose.count("Message Checksum:")
    return types, malformed, bad_ip + bad_sum, no_ra, errs, good_sum


def rsvp_raw(ns, src, dst, payload, ttl=64):
    """Sends payload as an RSVP datagram (IP protocol 46) from ns."""
    s = socket_in(ns, socket.AF_INET, socket.SOCK_RAW, 46)
    try:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
        s.sendto(payload, (dst, 0))
    finally:
        s.close()


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def obj(cls, ctype, body):
    return struct.pack("!HBB", 4 + len(body), cls, ctype) + body


def rsvp_msg(mtype, objs, send_ttl=64):
    body = b"".join(objs)
    m = bytearray(struct.pack("!BBHBBH", 0x10, mtype, 0, send_ttl, 0,
                              8 + len(body)) + body)
    m[2:4] = struct.pack("!H", csum(bytes(m)))
    return bytes(m)


def path_objs(tunnel, lsp_id, endpoint, sender, hop, extra=()):
    """A Path's objects as RFC 2205/2210/3209 lay them out, with a zero
    (best-effort) token bucket."""
    a = socket.inet_aton
    tspec = struct.pack("!HHBBHBBH", 0, 7, 1, 0, 6, 127, 0, 5) + \
        struct.pack("!fffII", 0, 0, 0, 0, 1500)
    return [obj(1, 7, a(endpoint) + struct.pack("!HH", 0, tunnel) +
                a(sender)),
            obj(3, 1, a(hop) + struct.pack("!I", 0)),
            obj(5, 1, struct.pack("!I", R_MS)),
            obj(19, 1, struct.pack("!HH", 0, 0x0800))] + list(extra) + [
            obj(11, 7, a(sender) + struct.pack("!HH", 0, lsp_id)),
            obj(12, 2, tspec)]


def rsvp_ra(ns, dst, payload, ttl):
    """payload as an RSVP datagram from ns with IP TTL ttl and Router
    Alert, routed toward dst (a Path's end point)."""
    s = socket_in(ns, socket.AF_INET, socket.SOCK_RAW, 46)
    try:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS,
                     b"\x94\x04\x00\x00")
        s.sendto(payload, (dst, 0))
    finally:
        s.close()


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    lab = Lab3(build)
    socks, caps = [], []
    H, R, T = lab.h, lab.r, lab.t
    ok_run = False
    try:
        lab.up()
        h0 = json.loads(sh("ip -j link show h0", ns=H.ns))[0]["address"]
        p0 = json.loads(sh("ip -j link show p0", ns=R.ns))[0]["address"]
        t0 = json.loads(sh("ip -j link show t0", ns=T.ns))[0]["address"]
        for ifc, ns in (("p0", R.ns), ("p1", R.ns)):
            path = "%s.%s.pcap" % (R.statedir, ifc)
            caps.append((path, Capture(ns, ifc, path,
                                       "ip proto 46 or mpls")))
        hs = NetnsSocket(H.ns, "h0")
        ts = NetnsSocket(T.ns, "t0")
        socks += [hs, ts]
        adm = R.ctlj("rsvp", "show", "admission")
        check("router: per-packet cost as configured, CPU budget 20%",
              adm["per_packet_ns"] == 1000 and adm["cpu_budget_pct"] == 20,
              adm)

        # ---- a QoS LSP comes up --------------------------------------
        H.ctl("lsp", "add", "A", "to=10.97.2.1", "rate=1000000",
              "peak=2000000", "min-unit=100")
        check("QoS LSP A comes up at the head-end", he_up(H, "A"),
              H.he("A"))
        a = H.he("A")
        la = a["out_label"]
        tr = [s for s in transit(R) if s["tunnel_id"] == a["tunnel_id"]]
        check("router: A is a transit session with a reservation",
              len(tr) == 1 and tr[0]["state"] == "resv" and
              tr[0]["in_label"] == la and tr[0]["qos"], tr)
        rl = [l for l in R.ctlj("lsp", "show")
              if l["kind"] == "transit" and l["in_label"] == la]
        check("router: A has a routelet popping toward the tail "
              "(implicit null)", len(rl) == 1 and rl[0]["routelet"] and
              rl[0]["op"] == "pop" and rl[0]["nh_mac"] == t0, rl)
        dx = {e["label"]: e["ifname"] for e in R.ctlj("demux", "show")}
        check("router: A's label is in the demux, on a routelet VIF",
              dx.get(la, "").startswith("vif"), dx)
        check("head-end: A's next hop MAC is the router's p0",
              a["nh_mac"] == p0, a)
        ts_ = [s for s in T.sessions() if s["tunnel_id"] ==
               a["tunnel_id"]]
        check("tail-end: A ends here with Implicit NULL",
              len(ts_) == 1 and ts_[0]["role"] == "tail" and
              ts_[0]["in_label"] == 3, ts_)
        rro = [x.get("addr") for x in a["rro"] if "addr" in x]
        check("head-end: A's RRO lists the router, then the tail",
              rro == ["10.97.1.254", "10.97.2.1"], a["rro"])
        rsb = [b for b in T.ctlj("rsvp", "show", "rsb")
               if b["tunnel_id"] == a["tunnel_id"]]
        check("tail-end: A's reservation was confirmed (ResvConf)",
              wait_for(lambda: any(
                  b["confirmed"] for b in T.ctlj("rsvp", "show", "rsb")
                  if b["tunnel_id"] == a["tunnel_id"]), 10), rsb)
        used = R.ctlj("pool", "show")["used"]

        # ---- its traffic goes through the routelet ---------------------
        def flow_a(n=20):
            f = next_flow()
            send(hs, p0, h0, la, n, f)
            return arrive(ts, f, n)
        ip, mp = flow_a()
        check("A: %d labelled frames from the head-end arrive popped at the "
              "tail, TTL 63" % 20, len(ip) == 20 and not mp and
              all(x[2] == 63 for x in ip), (len(ip), len(mp)))
        rlid = rl[0]["routelet"].replace("rl", "")
        st = R.ctl("routelet", "stats", rlid).stdout
        rxp = [int(x.split()[1]) for x in st.splitlines()
               if x.startswith("rx_packets")]
        check("A's routelet counted them", rxp and rxp[0] >= 20, st[:200])

        # ---- a new rate for a running LSP ---------------------------------
        def rsb_of(node, tunnel):
            return ([x for x in node.ctlj("rsvp", "show", "rsb")
                     if x["tunnel_id"] == tunnel] or [None])[0]

        def p1_reserved():
            return R.ctlj("rsvp", "show", "admission")["ports"][1][
                "reserved"]
        H.ctl("lsp", "set", "A", "rate=2000000", "peak=3000000")
        check("lsp set A rate=2 MB/s: the router's reservation follows",
              wait_for(lambda: (rsb_of(R, a["tunnel_id"]) or {}).get(
                  "rate") == 2000000 and p1_reserved() == 2000000, 10),
              (rsb_of(R, a["tunnel_id"]), p1_reserved()))
        rl2 = [l for l in R.ctlj("lsp", "show")
               if l["kind"] == "transit" and l["in_label"] == la]
        check("... in place: same label, same routelet, its VIF rate "
              "raised (2 MB/s of 100-byte packets = 2.36 MB/s of frames)",
              len(rl2) == 1 and rl2[0]["routelet"] == rl[0]["routelet"] and
              rl2[0]["rate"] == 2360000 and H.he("A")["out_label"] == la,
              rl2)
        ip, mp = flow_a()
        check("A forwards after the change", len(ip) == 20, len(ip))
        H.ctl("lsp", "set", "A", "rate=50000000", "peak=50000000")
        check("a rate p1 cannot take: ResvErr 1/2 to the tail, the old "
              "reservation kept", wait_for(lambda: (rsb_of(
                  T, a["tunnel_id"]) or {}).get("error"), 10) and
              rsb_of(T, a["tunnel_id"])["error"]["code"] == ERR_ADMISSION
              and rsb_of(T, a["tunnel_id"])["error"]["value"] == V_BW and
              rsb_of(R, a["tunnel_id"])["rate"] == 2000000 and
              p1_reserved() == 2000000, (rsb_of(T, a["tunnel_id"]),
                                         rsb_of(R, a["tunnel_id"])))
        ip, mp = flow_a()
        check("A forwards on its old reservation", len(ip) == 20, len(ip))
        H.ctl("lsp", "set", "A", "rate=1000000", "peak=2000000")
        check("and back to 1 MB/s", wait_for(
            lambda: p1_reserved() == 1000000, 10), p1_reserved())

        # ---- an ERO, Guaranteed service and Explicit NULL ---------------
        H.ctl("lsp", "add", "B", "to=10.97.2.1", "rate=200000",
              "service=gs", "label=explicit-null",
              "ero=10.97.1.254/10.97.2.1")
        check("LSP B (strict ERO, Guaranteed, Explicit NULL) comes up",
              he_up(H, "B"), H.he("B"))
        b = H.he("B")
        rro = [x.get("addr") for x in b["rro"] if "addr" in x]
        check("head-end: B's RRO follows its ERO",
              rro == ["10.97.1.254", "10.97.2.1"], b["rro"])
        rsbb = [x for x in R.ctlj("rsvp", "show", "rsb")
                if x["tunnel_id"] == b["tunnel_id"]]
        check("router: B reserved as Guaranteed, out label 0",
              len(rsbb) == 1 and rsbb[0]["service"] == "gs" and
              rsbb[0]["out_label"] == 0 and rsbb[0]["qos"], rsbb)
        f = next_flow()
        send(hs, p0, h0, b["out_label"], 10, f)
        ip, mp = arrive(ts, f, 10)
        check("B: frames reach the tail with label 0 (IPv4 Explicit "
              "NULL), TTL 63", len(mp) == 10 and
              all(x[0] == 0 and x[1] == 63 for x in mp), (len(ip), mp[:2]))
        H.ctl("lsp", "add", "BL", "to=10.97.2.1", "rate=100000",
              "ero=10.97.2.1,loose")
        check("LSP BL with a loose ERO hop comes up", he_up(H, "BL"),
              H.he("BL"))
        H.ctl("lsp", "del", "BL")
        H.ctl("lsp", "add", "X", "to=10.97.2.1", "rate=100000",
              "ero=10.97.1.254/10.97.9.9")
        x = he_error(H, "X")
        check("a strict ERO hop the router cannot reach: PathErr "
              "Routing Problem / Bad strict node from the router",
              x and x["error"]["code"] == ERR_ROUTING and
              x["error"]["value"] == V_BAD_STRICT and
              x["error"]["node"] == "10.97.1.254", x)
        H.ctl("lsp", "del", "X")

        # ---- best effort: dom0's table, no routelet --------------------
        used = R.ctlj("pool", "show")["used"]
        H.ctl("lsp", "add", "C", "to=10.97.2.1", "service=be")
        check("best-effort LSP C comes up", he_up(H, "C"), H.he("C"))
        c = H.he("C")
        tr = [s for s in transit(R) if s["tunnel_id"] == c["tunnel_id"]]
        be = sh("%s/bin/quasar-demux -S %s be show" % (lab.build,
                                                       R.statedir),
                ns=R.ns)
        check("router: C is best effort, in dom0's table (pop to p1)",
              len(tr) == 1 and not tr[0]["qos"] and
              any(l.split() and l.split()[0] == str(c["out_label"])
                  for l in be.splitlines()), (tr, be))
        check("router: C took no routelet",
              R.ctlj("pool", "show")["used"] == used,
              R.ctlj("pool", "show"))
        f = next_flow()
        send(hs, p0, h0, c["out_label"], 10, f)
        ip, mp = arrive(ts, f, 10)
        check("C: frames switched by the demux reach the tail popped",
              len(ip) == 10, (len(ip), len(mp)))

        # ---- admission: bandwidth, CPU, pool -----------------------------
        before = (len(transit(R)), R.ctlj("pool", "show")["used"],
                  R.ctlj("rsvp", "show", "admission"))
        H.ctl("lsp", "add", "BW", "to=10.97.2.1", "rate=20000000")
        x = he_error(H, "BW")
        check("over the bandwidth of p1: PathErr Admission Control "
              "failure, requested bandwidth unavailable (1/2)",
              x and x["error"]["code"] == ERR_ADMISSION and
              x["error"]["value"] == V_BW, x)
        H.ctl("lsp", "add", "CPU", "to=10.97.2.1", "rate=100000",
              "peak=1000000000", "min-unit=64")
        x = he_error(H, "CPU")
        check("over the CPU budget: PathErr Admission Control failure, "
              "CPU (1/0x8001)", x and x["error"]["code"] == ERR_ADMISSION
              and x["error"]["value"] == V_CPU, x)
        after = (len(transit(R)), R.ctlj("pool", "show")["used"],
                 R.ctlj("rsvp", "show", "admission"))
        check("refusals changed nothing on the router",
              after[0] == before[0] and after[1] == before[1] and
              after[2]["cpu_used_ppm"] == before[2]["cpu_used_ppm"] and
              after[2]["ports"] == before[2]["ports"], (before, after))
        ip, mp = flow_a()
        check("A keeps forwarding through the refusals", len(ip) == 20,
              len(ip))
        H.ctl("lsp", "add", "MTU", "to=10.97.2.1", "rate=100000",
              "max-packet=9000")
        x = he_error(H, "MTU")
        check("packets above p1's MTU: PathErr Admission Control failure, "
              "MTU (1/3)", x and x["error"]["code"] == ERR_ADMISSION and
              x["error"]["value"] == 3, x)
        H.ctl("lsp", "del", "BW")
        H.ctl("lsp", "del", "CPU")
        H.ctl("lsp", "del", "MTU")
        H.ctl("lsp", "add", "D", "to=10.97.2.1", "rate=100000")
        check("QoS LSP D takes the pool's last routelet",
              he_up(H, "D") and wait_for(lambda: R.ctlj(
                  "pool", "show")["used"] == 3, 10), R.ctlj("pool", "show"))
        H.ctl("lsp", "add", "E", "to=10.97.2.1", "rate=100000")
        x = he_error(H, "E")
        check("pool at its maximum: PathErr Admission Control failure, "
              "no routelet (1/0x8002)", x and x["error"]["code"] ==
              ERR_ADMISSION and x["error"]["value"] == V_POOL, x)
        H.ctl("lsp", "del", "E")

        # ---- a routelet dies and the pool has no other --------------------
        rla = [l["routelet"] for l in R.ctlj("lsp", "show")
               if l["kind"] == "transit" and l["in_label"] == la][0]
        hc0, rc0 = H.counters(), R.counters()
        os.kill(rl_pid(R, rla), signal.SIGKILL)
        # By the counters, not A's state: the next Resv refresh from the
        # tail may bring A up again on the replacement before a poll
        # sees it down.
        check("A's routelet killed with the pool at its max: the "
              "reservation is torn, the head-end gets a ResvTear",
              wait_for(lambda: H.counters()["rx_resvtear"] >
                       hc0["rx_resvtear"], 10) and
              R.counters()["tx_resvtear"] > rc0["tx_resvtear"],
              (H.he("A"), H.counters()["rx_resvtear"],
               R.counters()["tx_resvtear"]))
        check("A comes back on the routelet the pool makes in its place",
              he_up(H, "A") and [
                  l for l in R.ctlj("lsp", "show") if l["kind"] ==
                  "transit" and l["in_label"] == H.he("A")["out_label"]
                  and l["routelet"] not in (None, rla)], H.he("A"))
        la = H.he("A")["out_label"]
        ip, mp = flow_a()
        check("A forwards on its new routelet", len(ip) == 20, len(ip))
        H.ctl("lsp", "del", "D")
        check("D torn down: its routelet back in the pool",
              wait_for(lambda: R.ctlj("pool", "show")["used"] == 2, 10),
              R.ctlj("pool", "show"))

        # ---- a Resv that no longer fits: ResvErr -------------------------
        # Both Paths pass the router while the tail is stopped; when it
        # goes on, both Resvs reach the router and only the first fits
        # (2 x 5 MB/s on top of 1.2 MB/s, 10 MB/s reservable).
        rx0 = R.counters()
        os.kill(T.quasard.pid, signal.SIGSTOP)
        try:
            H.ctl("lsp", "add", "F1", "to=10.97.2.1", "rate=5000000")
            H.ctl("lsp", "add", "F2", "to=10.97.2.1", "rate=5000000")
            ftun = [(H.he(n) or {}).get("tunnel_id") for n in ("F1", "F2")]
            # Both Paths through the router (it sends a Path on as it
            # makes the state) before the tail may answer either: else
            # the second could meet the first's reservation as a PathErr.
            check("F1 and F2: both Paths passed the router while the tail "
                  "was stopped", wait_for(lambda: len([
                      x for x in transit(R) if x["tunnel_id"] in ftun]) ==
                      2, 10), transit(R))
        finally:
            os.kill(T.quasard.pid, signal.SIGCONT)

        def f_up():
            return sum(1 for n in ("F1", "F2")
                       if (H.he(n) or {}).get("state") == "up")

        def resverr():
            """The router's ResvErr count and the tail's errors for F1
            and F2, once the count has moved and a 1/2 is among them."""
            n = R.counters()["tx_resverr"]
            terr = [x.get("error") for x in T.ctlj("rsvp", "show", "rsb")
                    if x.get("error") and x["tunnel_id"] in ftun]
            ok = n > rx0["tx_resverr"] and any(
                e["code"] == ERR_ADMISSION and e["value"] == V_BW
                for e in terr)
            return ok and (n, terr)
        check("second of two Resvs refused at the router: ResvErr "
              "Admission Control failure (1/2) reaches the tail",
              wait_for(resverr, 10), (R.counters()["tx_resverr"],
                                      T.ctlj("rsvp", "show", "rsb")))
        check("... and only one of them is up",
              wait_for(lambda: f_up() == 1, 10), f_up())
        ip, mp = flow_a()
        check("A keeps forwarding", len(ip) == 20, len(ip))
        H.ctl("lsp", "del", "F1")
        H.ctl("lsp", "del", "F2")

        # ---- a malformed message changes nothing -------------------------
        before = (R.counters(), len(transit(R)))
        # a bad checksum, and a datagram shorter than the header
        msg = bytearray(b"\x10\x01\x00\x00\x40\x00\x00\x10" +
                        b"\x00\x08\x01\x07\x0a\x61\x02\x01")
        msg[2:4] = struct.pack("!H", (csum(bytes(msg)) + 1) & 0xffff)
        rsvp_raw(H.ns, "10.97.1.1", "10.97.1.254", bytes(msg))
        rsvp_raw(H.ns, "10.97.1.1", "10.97.1.254", b"\x10\x02\x00")
        wait_for(lambda: R.counters()["rx_malformed"] >=
                 before[0]["rx_malformed"] + 2, 10)
        after = (R.counters(), len(transit(R)))
        check("malformed RSVP is counted and dropped, state untouched",
              after[0]["rx_malformed"] >= before[0]["rx_malformed"] + 2 and
              after[1] == before[1], (after[0]["rx_malformed"],
                                      after[0]["reasons"]))
        ip, mp = flow_a(10)
        check("A forwards after the malformed input", len(ip) == 10,
              len(ip))

        # ---- send_TTL, unknown classes (RFC 2205 s3.8, s3.10) ------------
        c0 = R.counters()
        rsvp_ra(H.ns, "10.97.2.1", rsvp_msg(1, path_objs(
            777, 7, "10.97.2.1", "10.97.1.1", "10.97.1.1"), send_ttl=64),
            ttl=63)
        wait_for(lambda: R.counters()["rx_non_rsvp_hop"] >
                 c0["rx_non_rsvp_hop"] and R.counters()["tx_patherr"] >
                 c0["tx_patherr"], 10)
        c1 = R.counters()
        check("a Path whose IP TTL is not its send_TTL (a non-RSVP hop): "
              "counted, PathErr 24/8, no state",
              c1["rx_non_rsvp_hop"] == c0["rx_non_rsvp_hop"] + 1 and
              c1["tx_patherr"] == c0["tx_patherr"] + 1 and
              not [x for x in transit(R) if x["tunnel_id"] == 777],
              (c1["rx_non_rsvp_hop"], c1["tx_patherr"]))
        rsvp_ra(H.ns, "10.97.2.1", rsvp_msg(1, path_objs(
            778, 7, "10.97.2.1", "10.97.1.1", "10.97.1.1",
            [obj(100, 1, b"QSAR")])), ttl=64)
        wait_for(lambda: R.counters()["reasons"]["unknown_class"] >
                 c1["reasons"]["unknown_class"] and
                 R.counters()["tx_patherr"] > c1["tx_patherr"], 10)
        c2 = R.counters()
        check("a Path with an unknown class 0bbbbbbb: PathErr 13, no state",
              c2["reasons"]["unknown_class"] ==
              c1["reasons"]["unknown_class"] + 1 and
              c2["tx_patherr"] == c1["tx_patherr"] + 1 and
              not [x for x in transit(R) if x["tunnel_id"] == 778],
              (c2["reasons"], c2["tx_patherr"]))
        rsvp_ra(H.ns, "10.97.2.1", rsvp_msg(1, path_objs(
            779, 7, "10.97.2.1", "10.97.1.1", "10.97.1.1",
            # class 252: RFC 3936's experimental 11bbbbbb range
            [obj(0xfc, 1, b"QSARTEST")])), ttl=64)
        check("a Path with an unknown class 11bbbbbb is passed on to the "
              "tail", wait_for(lambda: [
                  x for x in T.sessions() if x["tunnel_id"] == 779], 10),
              T.sessions())
        tear = rsvp_msg(5, path_objs(779, 7, "10.97.2.1", "10.97.1.1",
                                     "10.97.1.1")[0:2] + path_objs(
            779, 7, "10.97.2.1", "10.97.1.1", "10.97.1.1")[4:6])
        rsvp_ra(H.ns, "10.97.2.1", tear, ttl=64)
        check("... and its PathTear clears it on the way",
              wait_for(lambda: not [x for x in transit(R) + T.sessions()
                                    if x["tunnel_id"] == 779], 10),
              T.sessions())

        # ---- a neighbour that stops Hellos --------------------------------
        c0 = R.counters()
        n0 = [n for n in R.ctlj("rsvp", "show", "neighbors")
              if n["addr"] == "10.97.2.1"]
        check("router: the tail is a Hello neighbour, up",
              n0 and n0[0]["state"] == "up", n0)
        used = R.ctlj("pool", "show")["used"]
        os.kill(T.quasard.pid, signal.SIGSTOP)
        t_stop = time.monotonic()
        try:
            down = wait_for(lambda: [
                n for n in R.ctlj("rsvp", "show", "neighbors")
                if n["addr"] == "10.97.2.1" and n["state"] == "down"], 20)
            took = time.monotonic() - t_stop
            c1 = R.counters()
            # By the order of events, not the clock: the reservations the
            # tail stopped refreshing were torn by the Hellos before one
            # of them could time out (a loaded machine delays both).
            check("router: the silent tail is declared down by Hellos "
                  "(after %.1f s; %d misses of %d ms), before any of its "
                  "reservations timed out (lifetime %.2f s)" % (
                      took, HELLO_MISSES, HELLO_MS, LIFETIME),
                  down and c1["rsb_timeout"] == c0["rsb_timeout"],
                  (down, c1["rsb_timeout"] - c0["rsb_timeout"]))
            check("router: its reservations torn at once, routelets back",
                  c1["nbr_down"] == c0["nbr_down"] + 1 and
                  wait_for(lambda: R.ctlj("pool", "show")["used"] == 0,
                           10) and all(s["state"] == "path"
                                       for s in transit(R)),
                  (c1["nbr_down"], R.ctlj("pool", "show")["used"],
                   [s["state"] for s in transit(R)]))
            check("head-end: A lost its reservation (ResvTear), Path kept",
                  wait_for(lambda: (H.he("A") or {}).get("state") ==
                           "path-sent", 10), H.he("A"))
        finally:
            os.kill(T.quasard.pid, signal.SIGCONT)
        check("tail back: Hellos up again and A up again with a new "
              "routelet", wait_for(lambda: [
                  n for n in R.ctlj("rsvp", "show", "neighbors")
                  if n["addr"] == "10.97.2.1" and n["state"] == "up"], 15)
              and he_up(H, "A"), H.he("A"))
        a = H.he("A")
        la = a["out_label"]
        ip, mp = flow_a()
        check("A forwards again", len(ip) == 20, len(ip))

        # ---- soft state: the head-end stops refreshing --------------------
        he_up(H, "B")
        he_up(H, "C")
        check("before: three transit sessions, two routelets",
              len(transit(R)) == 3 and R.ctlj("pool", "show")["used"] == 2,
              (len(transit(R)), R.ctlj("pool", "show")["used"]))
        c0 = R.counters()
        os.kill(H.quasard.pid, signal.SIGSTOP)
        try:
            # Each session lives out what is left of its lifetime, L after
            # the last Path the head-end sent; with the refresh jittered
            # to 0.5-1.5 R that was up to 1.5 s before the stop, so the
            # router's own figure is what to hold it to, not L.
            t0 = time.monotonic()
            left = {x["tunnel_id"]: x["lifetime_ms"] / 1000.0
                    for x in transit(R)}
            check("router: three sessions, each with at most L = %.2f s "
                  "left to live (%s)" % (LIFETIME, sorted(left.values())),
                  len(left) == 3 and all(0 < x <= LIFETIME
                                         for x in left.values()), left)
            # When each was first seen gone, from t0: never before what
            # it had left (a poll can only see it late, never early).
            gone_at = {}
            end = t0 + max(list(left.values()) + [0]) + 10
            while len(gone_at) < len(left) and time.monotonic() < end:
                here = {x["tunnel_id"] for x in transit(R)}
                now = time.monotonic() - t0
                for tun in left:
                    if tun not in here and tun not in gone_at:
                        gone_at[tun] = round(now, 2)
                time.sleep(0.1)
            check("router: state still there before its lifetime ran out",
                  all(gone_at.get(t, 1e9) >= left[t] - 0.01 for t in left),
                  (left, gone_at))
            check("router: path state gone after the lifetime (last at "
                  "%.1f s, L = %.2f s)" % (max(list(gone_at.values()) +
                                              [0]), LIFETIME),
                  len(gone_at) == len(left) and not transit(R), gone_at)
            c1 = R.counters()
            check("router: counted as path state timeouts",
                  c1["psb_timeout"] >= c0["psb_timeout"] + 3,
                  c1["psb_timeout"])
            check("router: routelets back in the pool, demux empty",
                  R.ctlj("pool", "show")["used"] == 0 and
                  not R.ctlj("demux", "show"),
                  (R.ctlj("pool", "show"), R.ctlj("demux", "show")))
            be = sh("%s/bin/quasar-demux -S %s be show" % (
                lab.build, R.statedir), ns=R.ns)
            check("router: best-effort entry gone",
                  str(c["out_label"]) not in be.split(), be)
            check("tail-end: state torn by the router's PathTear",
                  wait_for(lambda: not T.sessions(), 10), T.sessions())
        finally:
            os.kill(H.quasard.pid, signal.SIGCONT)

        def resignalled():
            """Every head-end LSP up with the label the router now has."""
            inl = {s["tunnel_id"]: s.get("in_label") for s in transit(R)
                   if s["state"] == "resv"}
            return all((H.he(n) or {}).get("state") == "up" and
                       inl.get(H.he(n)["tunnel_id"]) ==
                       H.he(n)["out_label"] for n in ("A", "B", "C"))
        check("head-end back: its LSPs are signalled again, new labels",
              wait_for(resignalled, 20), [H.he(n) for n in ("A", "B", "C")])
        la = H.he("A")["out_label"]
        ip, mp = flow_a()
        check("A forwards again", len(ip) == 20, len(ip))

        # ---- teardown -----------------------------------------------------
        for n in ("A", "B", "C"):
            H.ctl("lsp", "del", n)
        check("lsp del at the head-end: PathTear clears router and tail",
              wait_for(lambda: not transit(R) and not T.sessions() and
                       R.ctlj("pool", "show")["used"] == 0, 10),
              (transit(R), T.sessions()))

        # ---- the capture ---------------------------------------------------
        for path, p in caps:
            p.stop()
        types, bad, bad_sum, no_ra, errs, nsum = set(), 0, 0, 0, set(), 0
        for path, p in caps:
            t_, b_, s_, r_, e_, n_ = rsvp_pcap_check(path)
            types |= t_
            bad += b_
            bad_sum += s_
            no_ra += r_
            errs |= e_
            nsum += n_
        names = {1: "Path", 2: "Resv", 3: "PathErr", 4: "ResvErr",
                 5: "PathTear", 6: "ResvTear", 7: "ResvConf", 20: "Hello"}
        check("tshark decodes every message type (%s)" % ", ".join(
            names[t] for t in sorted(types) if t in names),
            set(names) <= types, sorted(types))
        check("tshark: no malformed RSVP (%d messages checked)" % nsum,
              bad == 0 and nsum > 50, bad)
        check("tshark: IP and RSVP checksums correct", bad_sum == 0,
              bad_sum)
        check("Path, PathTear and ResvConf carry Router Alert", no_ra == 0,
              no_ra)
        want = {(1, V_BW), (1, V_CPU), (1, V_POOL), (1, 3), (24, 2),
                (24, 8)}
        check("tshark sees the errors: 1/2, 1/0x8001, 1/0x8002, 1/3, 24/2, "
              "24/8, 13", want <= errs and 13 in {e[0] for e in errs}, errs)
        p1cap = open(caps[1][0], "rb").read()
        check("the unknown 11bbbbbb object went out on p1 unchanged",
              b"\x00\x0c\xfc\x01QSARTEST" in p1cap, len(p1cap))
        for n in (H, R, T):
            check("%s quasard still running" % n.role,
                  n.quasard.poll() is None)
        ok_run = True
    except Exception:
        traceback.print_exc()
        check("test ran to the end", False)
    finally:
        for path, p in caps:
            p.stop()
        for s in socks:
            s.close()
        failed = any(not ok for _, ok in RESULTS)
        if failed or not ok_run:
            lab.dump_logs()
        lab.down()
        for path, _ in caps:
            if os.environ.get("RSVP_TEST_KEEP_LOGS"):
                continue
            try:
                os.unlink(path)
            except OSError:
                pass
        lab.rm_logs()
    passed = sum(1 for _, ok in RESULTS if ok)
    failed = len(RESULTS) - passed
    print("rsvp: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
