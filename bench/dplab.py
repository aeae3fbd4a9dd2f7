"""The data-plane lab that bench_dataplane.py and tools/experiments share:
a generator, a router and a sink namespace joined by veths, the router
set-ups under test, qgen -> qsink trials, and quasard's control socket.

    gen ns [g0] ── veth ── [p0] router ns [p1] ── veth ── [d0] sink ns
           [g2] ── veth ── [p2]           [p3] ── veth ── [d3]
                              (the second row with Topo(cross=True))

Set-ups (each starts on a fresh topology and is stopped before the next):

  Routelet    quasar-demux -> a routelet per route: QoS LSPs in quasard
              (local backend), swap 100 -> 200 for the first route
  BestEffort  quasar-demux's own best-effort label switch, 300 -> 400
  Qfwd        tools/qfwd.c, one process for every route (-R)

Pinning (2 CPUs): qgen and qsink on CPU 0, everything of the router on the
last CPU.  Every namespace and process made here is registered with
benchlib's clean-ups, so it goes on every way out.
"""
import json
import os
import random
import re
import signal
import socket
import subprocess
import time

from benchlib import cancel, on_exit

CPUS = os.cpu_count() or 1
GEN_CPU = 0
ROUTER_CPU = CPUS - 1
SAT_RATE = 3000000         # more than qgen can send: overload
GEN_SHORT = 0.97           # qgen below this share of the asked rate: bound

_name = ["dplab"]


def set_name(name):
    """The prefix of every line log() prints: the program's name."""
    _name[0] = name


def log(msg):
    print("%s: %s" % (_name[0], msg), flush=True)


def sh(argv, check=True, timeout=60, env=None):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                       env=env)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(argv),
                                       (r.stderr or r.stdout).strip()))
    return r.stdout


def in_ns(ns, argv, cpu=None):
    # nsenter, not `ip netns exec`: that remounts /sys, and quasard needs
    # the cgroup hierarchies.
    pre = ["nsenter", "--net=/run/netns/" + ns]
    if cpu is not None:
        pre += ["taskset", "-c", str(cpu)]
    return pre + list(argv)


def wait_proc(p, timeout=30):
    """Waits for a process we started to end, killing it after timeout
    seconds; returns its (stdout, stderr) if piped."""
    try:
        out = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out = p.communicate()
    return out


def stop_proc(p, sig=signal.SIGTERM, timeout=30):
    """Stops a process we started; returns its (stdout, stderr) if piped."""
    if p.poll() is None:
        p.send_signal(sig)
    return wait_proc(p, timeout)


def spawn(argv, log_path=None, env=None, pipe=False):
    if pipe:
        p = subprocess.Popen(argv, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    else:
        f = open(log_path or os.devnull, "w")
        p = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT,
                             env=env)
        f.close()

    def kill():
        if p.poll() is None:
            p.kill()
            p.wait()
    on_exit(kill)
    p.cleanup = kill
    return p


def pct(v, p):
    """Nearest-rank percentile."""
    v = sorted(v)
    if not v:
        return None
    k = max(0, min(len(v) - 1, int(-(-p * len(v) // 100)) - 1))
    return v[k]


# ---- the topology -------------------------------------------------------------


class Topo:
    """prefix: of the namespaces' names, <prefix>-<tag>-{g,r,s}.  cross:
    a second pair of router ports, g2-p2 in and p3-d3 out, for traffic
    that shares nothing with the first pair but the router."""

    def __init__(self, prefix="qdp", cross=False, rx_router=False):
        tag = "%05x" % random.randrange(1 << 20)
        self.rx_router = rx_router
        self.rx_pids = []
        self.g, self.r, self.s = ("%s-%s-%s" % (prefix, tag, x)
                                  for x in "grs")
        self.tag, self.prefix = tag, prefix
        self.cross = cross
        self.ports = ["p0", "p1"] + (["p2", "p3"] if cross else [])
        self.made = []

    def up(self):
        on_exit(self.down)
        for ns in (self.g, self.r, self.s):
            sh(["ip", "netns", "add", ns])
            self.made.append(ns)
            sh(["ip", "-n", ns, "link", "set", "lo", "up"])
        pairs = [(self.g, "g0", self.r, "p0"), (self.r, "p1", self.s, "d0")]
        if self.cross:
            pairs += [(self.g, "g2", self.r, "p2"),
                      (self.r, "p3", self.s, "d3")]
        for a, ai, z, zi in pairs:
            sh(["ip", "link", "add", ai, "netns", a, "type", "veth",
                "peer", "name", zi, "netns", z])
            for ns, i in ((a, ai), (z, zi)):
                sh(["ip", "-n", ns, "link", "set", i, "up"])
                # No IPv6 chatter (router solicitations, MLD) on the links.
                sh(["ip", "netns", "exec", ns, "sysctl", "-qw",
                    "net.ipv6.conf.%s.disable_ipv6=1" % i], check=False)
        if self.rx_router:
            self.rx_threaded()
        self.p0 = self.mac(self.r, "p0")
        self.p1 = self.mac(self.r, "p1")
        self.d0 = self.mac(self.s, "d0")
        if self.cross:
            self.p2 = self.mac(self.r, "p2")
            self.d3 = self.mac(self.s, "d3")
        return self

    def rx_ports(self):
        return ["p0"] + (["p2"] if self.cross else [])

    def rx_threaded(self):
        """The router's receive work on the router's CPU: a veth hands a
        frame over in the sender's softirq, on the generator's CPU, unless
        the receiving end has NAPI (GRO on, or an XDP program), which then
        runs where its poll is scheduled; threaded, its poll is a kthread
        (napi/<port>-<id>) that pin_rx() puts on the router's CPU, where
        CFS shares it with the router's processes."""
        for g, i in zip(("g0", "g2"), self.rx_ports()):
            sh(["ip", "netns", "exec", self.r, "ethtool", "-K", i, "gro",
                "on"])
            # A sender with TSO keeps a packet socket's frames off the
            # peer's NAPI (veth_skb_is_eligible_for_gro): without it every
            # setup, XDP or not, is received there.
            sh(["ip", "netns", "exec", self.g, "ethtool", "-K", g, "tso",
                "off"])
            sh(["ip", "netns", "exec", self.r, "sh", "-c",
                "echo 1 > /sys/class/net/%s/threaded" % i])

    def pin_rx(self, cpu):
        """Pins the receive ports' NAPI kthreads to cpu (after the setup
        is up: an XDP program may have made its own).  Their pids."""
        pids = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                comm = open("/proc/%s/comm" % d).read().strip()
            except OSError:
                continue
            if any(comm.startswith("napi/%s-" % i) for i in
                   self.rx_ports()):
                sh(["taskset", "-p", "-c", str(cpu), d])
                pids.append(int(d))
        if not pids:
            raise RuntimeError("no NAPI kthread for %s" % self.rx_ports())
        self.rx_pids = pids
        return pids

    @staticmethod
    def mac(ns, ifname):
        return json.loads(sh(["ip", "-n", ns, "-j", "link", "show",
                              ifname]))[0]["address"]

    def link_stats(self, ns):
        """{ifname: (rx_packets, tx_packets)} of every link in ns."""
        out = {}
        for l in json.loads(sh(["ip", "-n", ns, "-s", "-j", "link",
                                "show"])):
            st = l.get("stats64") or l.get("stats") or {}
            out[l["ifname"]] = (st.get("rx", {}).get("packets", 0),
                                st.get("tx", {}).get("packets", 0))
        return out

    def down(self):
        cancel(self.down)
        for ns in self.made:
            sh(["ip", "netns", "del", ns], check=False)
        self.made = []


# ---- traffic ------------------------------------------------------------------

_flow = [random.randrange(1 << 16) << 8]


def next_flow():
    """A flow id of its own for each run, so frames one run leaves in
    flight cannot be counted by the next."""
    _flow[0] += 1
    return _flow[0]


class Sink:
    """qsink on one interface of the sink namespace, on the generator's
    CPU; finish() stops it and returns its report rows and ring drops.
    count: it stops by itself after that many frames past the warm-up,
    so a run measures as many however late the sink started."""

    def __init__(self, b, ns, ifname, warm=0.0, count=None):
        self.p = spawn(in_ns(ns, [b + "/bin/qsink", "-i", ifname, "-o",
                                  "json", "-q"] +
                             (["-w", "%g" % warm] if warm else []) +
                             (["-n", str(count)] if count else []),
                             GEN_CPU), pipe=True)

    def finish(self):
        out, err = stop_proc(self.p, signal.SIGINT)
        cancel(self.p.cleanup)
        m = re.search(r"the ring overflowed: (\d+)", err or "")
        try:
            rows = json.loads(out or "[]")
        except ValueError:
            raise RuntimeError("qsink: no report: " + (err or "").strip())
        return rows, int(m.group(1)) if m else 0


def qgen_argv(b, ns, ifname, dst, secs, flows):
    """flows: (id, label, rate, size) each."""
    argv = [b + "/bin/qgen", "-i", ifname, "-d", dst, "-q", "-o", "json",
            "-t", "%g" % secs]
    for fid, label, rate, size in flows:
        argv += ["-f", "id=%d,label=%d,rate=%d,size=%d" % (fid, label, rate,
                                                          size)]
    return in_ns(ns, argv, GEN_CPU)


def qgen_report(stdout, stderr, rc):
    if rc != 0:
        raise RuntimeError("qgen: " + (stderr or "").strip())
    return {g["flow"]: g for g in json.loads(stdout)}


def result(gen, rows, flow, sink_drops, warm, rate, size):
    """What one flow's qgen and qsink reports say, as one dict."""
    s = [r for r in rows if r["flow"] == flow]
    s = s[0] if s else {"packets": 0, "lost": 0, "pps": 0,
                        "lat_mean_us": None, "lat_p50_us": None,
                        "lat_p99_us": None, "jitter_us": None,
                        "labels_seen": []}
    # ENOBUFS at qgen: g0 has no queue, so the veth refused the frame
    # because p0's receive ring was full (with NAPI on p0: an XDP program,
    # or --rx-cpu router).  That is the router's input overflowing, as a
    # NIC's receive ring does: offered, and lost.
    refused = gen["dropped"]
    offered = gen["pps"] * (gen["sent"] + refused) / gen["sent"] \
        if gen["sent"] else 0.0
    if warm:
        # Warm-up frames are not in the sink's counts: loss from sequence
        # numbers within the window instead (refused ones are gaps there).
        sent = s["packets"] + s["lost"]
        recv = s["packets"]
    else:
        sent, recv = gen["sent"] + refused, s["packets"]
    lost = max(0, sent - recv - sink_drops)
    return {
        "rate": rate, "size": size, "offered_pps": offered,
        "sent": sent, "received": recv, "sink_drops": sink_drops,
        "gen_dropped": gen["dropped"],
        "loss": lost / sent if sent else 1.0,
        "fwd_pps": s["pps"], "mean_us": s.get("lat_mean_us"),
        "p50_us": s["lat_p50_us"], "p99_us": s["lat_p99_us"],
        "jitter_us": s["jitter_us"], "labels": s["labels_seen"],
        "gen_bound": offered < GEN_SHORT * rate,
    }


def trial(b, topo, label, size, rate, secs, warm=0.0, dst=None, count=None):
    """One qgen -> qsink run of one flow from g0 to d0; returns a dict of
    what both said.  count: the sink measures that many frames (qgen
    sends for secs + warm, which should be more)."""
    flow = next_flow()
    sink = Sink(b, topo.s, "d0", warm, count)
    time.sleep(0.25)
    try:
        g = subprocess.run(qgen_argv(b, topo.g, "g0", dst or topo.p0,
                                     secs + warm,
                                     [(flow, label, rate, size)]),
                           capture_output=True, text=True, timeout=secs + 30)
        time.sleep(0.3)
    finally:
        rows, drops = sink.finish()
    gen = qgen_report(g.stdout, g.stderr, g.returncode)[flow]
    return result(gen, rows, flow, drops, warm, rate, size)


def fmt_trial(t):
    return ("%8.0f pps asked, %9.0f offered, loss %6.3f %%%s%s, p50 %s us" %
            (t["rate"], t["offered_pps"], 100 * t["loss"],
             " (gen-bound)" if t["gen_bound"] else "",
             " (sink dropped %d)" % t["sink_drops"] if t["sink_drops"]
             else "", t["p50_us"]))


# ---- quasard's control socket ----------------------------------------------


def ctl(statedir, line, timeout=60):
    """One request to quasard; returns (ok, body).  Talks to the socket
    directly: it reads replies of any length and costs no fork/exec."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(statedir + "/quasard.sock")
        s.sendall((line + "\n").encode())
        buf = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            buf += d
    finally:
        s.close()
    text = buf.decode()
    head, _, body = text.partition("\n")
    return head == "ok", body


def ctlj(statedir, line):
    ok, body = ctl(statedir, "-j " + line)
    if not ok:
        raise RuntimeError("quasard: %s: %s" % (line, body.strip()))
    return json.loads(body)


def wait_quasard(statedir, p, logp, timeout=120, idle=None):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if p.poll() is not None:
            raise RuntimeError("quasard exited: " + open(logp).read()[-2000:])
        try:
            pool = ctlj(statedir, "pool show")
            if idle is None or pool["idle"] >= idle:
                return pool
        except (OSError, ValueError, RuntimeError):
            pass
        time.sleep(0.02)
    raise RuntimeError("quasard did not come up in %d s" % timeout)


# ---- routelet processes ----------------------------------------------------


def smaps(pid):
    out = {}
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            m = re.match(r"(\w+):\s+(\d+) kB", line)
            if m:
                out[m.group(1)] = int(m.group(2))
    return out


def routelet_pids(instance, name=None):
    """The pids of quasard instance's routelets (of routelet `name` only,
    if given), from their freezer cgroups (v1) or the unified ones."""
    pids = []
    for root in ("/sys/fs/cgroup/freezer/" + instance,
                 "/sys/fs/cgroup/unified/" + instance,
                 "/sys/fs/cgroup/" + instance):
        if not os.path.isdir(root):
            continue
        for d in sorted(os.listdir(root)):
            if name is not None and d != name:
                continue
            p = os.path.join(root, d, "cgroup.procs")
            if os.path.isfile(p):
                pids += [int(x) for x in open(p).read().split()]
        if pids:
            break
    return sorted(set(pids))


def task_ns(pid):
    """A task's time on a CPU so far (ns, /proc/<pid>/schedstat): with
    this kernel's accounting, the softirq work done in its context too."""
    try:
        return int(open("/proc/%d/schedstat" % pid).read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def cpu_ticks(pid):
    """utime + stime of pid, in clock ticks (fields 14 and 15)."""
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])


# ---- the setups --------------------------------------------------------------


class Route:
    """One label switched by the router: in_label on in_port to out_label
    on out_port toward nh.  rate (bytes/s, 0 unlimited), burst and weight
    are the LSP's reservation where the set-up has one (routelets)."""

    def __init__(self, name, in_port, in_label, out_port, out_label, nh,
                 rate=0, burst=None, weight=None):
        self.name, self.in_port, self.in_label = name, in_port, in_label
        self.out_port, self.out_label, self.nh = out_port, out_label, nh
        self.rate, self.burst, self.weight = rate, burst, weight


class Setup:
    """A router set-up.  Its first route is the measured one: label ->
    out_label from p0 to d0; extra routes are switched beside it."""
    label = 100
    out_label = 200

    def __init__(self, b, topo, tmp, extra_routes=()):
        self.b, self.topo, self.tmp = b, topo, tmp
        self.routes = [Route("A", "p0", self.label, "p1", self.out_label,
                             topo.d0)] + list(extra_routes)
        self.procs = []
        self.notes = []

    def cpu_pids(self):
        """The router's processes whose CPU time a frame costs, by name;
        none for a setup that busy-polls (its time says nothing)."""
        return {}

    def run(self, argv, name, cpu=ROUTER_CPU, env=None):
        p = spawn(in_ns(self.topo.r, argv, cpu),
                  os.path.join(self.tmp, name + ".log"), env=env)
        p.name = name
        self.procs.append(p)
        return p

    def stop(self):
        for p in reversed(self.procs):
            stop_proc(p)
            cancel(p.cleanup)
        self.procs = []

    def log_tail(self, name, n=3000):
        try:
            return open(os.path.join(self.tmp, name + ".log")).read()[-n:]
        except OSError:
            return ""


class Demux(Setup):
    # quasar-demux -x: its XDP classifier (auto, native, generic) or the
    # user-space demux alone (off).
    xdp = "auto"

    def __init__(self, b, topo, tmp, extra_routes=(), xdp=None):
        super().__init__(b, topo, tmp, extra_routes)
        if xdp:
            self.xdp = xdp

    def start_demux(self):
        # quasard names its cgroups after the directory: make it ours.
        self.statedir = os.path.join(self.tmp, "%s-%s" % (self.topo.prefix,
                                                          self.topo.tag))
        os.makedirs(self.statedir, exist_ok=True)
        argv = [self.b + "/bin/quasar-demux", "-S", self.statedir]
        for p in self.topo.ports:
            argv += ["-i", p]
        self.demux = self.run(argv + ["-x", self.xdp], "demux")

    def cpu_pids(self):
        return {"demux": self.demux.pid}

    def demux_stats(self):
        """demux.stats as a dict (quasar-demux stats -j)."""
        return json.loads(sh(in_ns(self.topo.r, [
            self.b + "/bin/quasar-demux", "-S", self.statedir, "stats",
            "-j"])))


class Routelet(Demux):
    """Every route a QoS LSP in a routelet of its own."""
    # The routelets' receive rings (routelet/io_ring.c); False: recvmmsg
    # only, through QUASAR_RX_RING=off in quasard's environment.
    rx_ring = True

    def start(self):
        self.start_demux()
        argv = [self.b + "/bin/quasard", "-S", self.statedir]
        for p in self.topo.ports:
            argv += ["-i", p]
        env = None if self.rx_ring else dict(os.environ,
                                             QUASAR_RX_RING="off")
        self.qd = self.run(argv + ["-p", "2:2:4"], "quasard", env=env)
        logp = os.path.join(self.tmp, "quasard.log")
        wait_quasard(self.statedir, self.qd, logp)
        for r in self.routes:
            line = ("lsp add %s in-label=%d in-port=%s op=swap out-label=%d "
                    "nh-mac=%s out-port=%s rate=%d" % (
                        r.name, r.in_label, r.in_port, r.out_label, r.nh,
                        r.out_port, r.rate))
            if r.burst is not None:
                line += " burst=%d" % r.burst
            if r.weight is not None:
                line += " weight=%d" % r.weight
            ok, body = ctl(self.statedir, line)
            if not ok:
                raise RuntimeError("%s: %s" % (line, body.strip()))
        self.lsps = {l["name"]: l for l in ctlj(self.statedir, "lsp show")}
        self.lsp = self.lsps["A"]
        # The pool refills its idle stack in the background (a new
        # namespace, veths, cgroups: milliseconds of work on the router's
        # CPU under the RTNL lock); measuring during that measures it.
        wait_quasard(self.statedir, self.qd, logp, idle=2)
        time.sleep(0.5)
        for r in self.routes:
            l = self.lsps[r.name]
            self.notes.append("LSP %s in routelet %s, set up in %s us" %
                              (r.name, l["routelet"], l["setup_us"]))

    def routelet_of(self, name):
        return self.lsps[name]["routelet"]

    def cpu_pids(self):
        pids = {"demux": self.demux.pid}
        rl = routelet_pids(os.path.basename(self.statedir),
                           self.lsp["routelet"])
        if rl:
            pids["routelet"] = rl[0]
        return pids

    def stop(self):
        try:
            st = self.demux_stats()["counters"]
            self.notes.append(
                "demux (-x %s): to_routelet %d (user space), "
                "xdp_to_routelet %d, xdp_ports %d" % (
                    self.xdp, st.get("to_routelet", 0),
                    st.get("xdp_to_routelet", 0), st.get("xdp_ports", 0)))
        except (RuntimeError, ValueError, KeyError,
                subprocess.SubprocessError) as e:
            self.notes.append("demux stats: %s" % e)
        # quasard first (it tears its routelets down), then the demux.
        for p in (self.qd, self.demux):
            stop_proc(p)
            cancel(p.cleanup)
        self.procs = []


class BestEffort(Demux):
    """Every route in dom0's best-effort table: no routelet."""
    label = 300
    out_label = 400

    def start(self):
        self.start_demux()
        time.sleep(0.2)
        for r in self.routes:
            sh(in_ns(self.topo.r, [
                self.b + "/bin/quasar-demux", "-S", self.statedir, "be",
                "add", str(r.in_label), "swap", str(r.out_label), r.nh,
                str(self.topo.ports.index(r.out_port))]))


class Qfwd(Setup):
    """Every route in one qfwd process."""

    def __init__(self, b, topo, tmp, extra=(), extra_routes=()):
        super().__init__(b, topo, tmp, extra_routes)
        self.extra = list(extra)

    def cpu_pids(self):
        return {"qfwd": self.qf.pid} if "-B" not in self.extra else {}

    def start(self):
        if len(self.routes) == 1:
            r = self.routes[0]
            argv = ["-i", r.in_port, "-o", r.out_port, "-l",
                    str(r.in_label), "-L", str(r.out_label), "-d", r.nh]
        else:
            argv = []
            for r in self.routes:
                argv += ["-R", "%s,%d,%s,%d,%s" % (
                    r.in_port, r.in_label, r.out_port, r.out_label, r.nh)]
        self.qf = self.run([self.b + "/bin/qfwd"] + argv + ["-j", "-q"] +
                           self.extra, "qfwd")
        time.sleep(0.2)

    def stop(self):
        stop_proc(self.qf, signal.SIGINT)
        cancel(self.qf.cleanup)
        self.procs = []
        lines = self.log_tail("qfwd").strip().splitlines()
        if lines:
            try:
                self.counters = json.loads(lines[-1])
                self.notes.append("qfwd counters: " + lines[-1])
            except ValueError:
                pass


class Unavailable(Exception):
    """The setup cannot run here; the message says exactly why."""


def check_forwards(b, topo, st, tries=3):
    """Does the set-up forward its first route, rewriting the label?
    (Up to three tries: one descheduling can lose a few frames.)"""
    for _ in range(tries):
        t = trial(b, topo, st.label, 70, 2000, 0.5)
        if t["received"] >= t["sent"] * 0.99 and \
                t["labels"] == [st.out_label]:
            return t
    raise RuntimeError("%s does not forward: %d of %d frames, labels %s" % (
        type(st).__name__, t["received"], t["sent"], t["labels"]))
