#!/usr/bin/python3
"""The signalling benchmark: RSVP-TE at a transit QuaSAR router, on the
namespace topology of tests/integ/test_rsvp.py

    head-end  h0 --- p0 [ QuaSAR router ] p1 --- t0  tail-end
    10.96.1.1/24   10.96.1.254   10.96.2.254    10.96.2.1/24

Each node runs its own quasard (refresh R = 5000 ms); the router also runs
quasar-demux.  Three runs, each on a fresh topology:

  warm   router pool -p N+4:N+4:N+44 (N = 256 LSPs), filled before the
         first LSP; N Controlled-Load LSPs added one at a time, each once
         the one before is up at the head-end (paced)
  burst  the same pool; the N LSPs added back to back (LSPs per second)
  cold   router pool -p 0:0:300: every LSP creates its routelet on
         demand (pool_take makes one when none is idle); the run says so
         if the first LSP does not come up
  cpu    as many best-effort LSPs (service=be: no routelet) as fit, up
         to 1000; quasard's CPU (utime + stime from /proc/<pid>/stat)
         over 30 s of refreshes

Set-up latency is taken at the router from a packet capture (tcpdump -i
any in the router's namespace, nanosecond time stamps): from the LSP's
first Path arriving on p0 to its first Resv leaving p0 upstream (by then
the routelet is ready and the label is in the demux), paired by the
session's tunnel id.  LSPs per second (burst run): N LSPs from the first
Path in to the last Resv out.

    bench/bench_rsvp.py [--build build] [--out bench/out] [--lsps 256]
                        [--cpu-lsps 1000] [--cpu-secs 30] [--commit abc]

Needs root; as another user it says it skips and exits 0.  Writes
<out>/<figure>.json (the schema of bench_core) and prints a table.  Every
namespace, process and temporary file it made is removed on every way
out, a signal included.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (Figures, Interrupted, cancel, catch_signals,  # noqa: E402
                      on_exit, run_cleanups)
from dplab import ctl, ctlj, in_ns, sh, spawn, stop_proc  # noqa: E402

R_MS = 5000
RATE = 10000              # bytes/s per Controlled-Load LSP
CPUS = os.cpu_count() or 1
HZ = os.sysconf("SC_CLK_TCK")

def log(msg):
    print("bench_rsvp: " + msg, flush=True)


def pct(v, p):
    v = sorted(v)
    if not v:
        return None
    k = (len(v) - 1) * p / 100.0
    i = int(k)
    j = min(i + 1, len(v) - 1)
    return v[i] + (v[j] - v[i]) * (k - i)


# ---- the lab -----------------------------------------------------------------


class Lab:
    """prefix: of the namespaces and state directories (and so of the
    routers' cgroups), <prefix>-<tag>-{h,r,t}."""

    def __init__(self, b, tmp, pool, prefix="qrb"):
        self.b, self.pool = b, pool
        self.tag = "%05x" % random.randrange(1 << 20)
        self.ns = {x: "%s-%s-%s" % (prefix, self.tag, x) for x in "hrt"}
        # quasard names its cgroups after the state directory
        self.sd = {x: os.path.join(tmp, "%s-%s-%s" % (prefix, self.tag, x))
                   for x in "hrt"}
        self.tmp = tmp
        self.made, self.procs = [], []
        self.qd = {}

    def run(self, x, argv, name):
        p = spawn(in_ns(self.ns[x], argv),
                  os.path.join(self.tmp, "%s-%s.log" % (name, self.tag)))
        self.procs.append(p)
        return p

    def up(self, pool_idle=0):
        on_exit(self.down)
        h, r, t = self.ns["h"], self.ns["r"], self.ns["t"]
        for ns in (h, r, t):
            sh(["ip", "netns", "add", ns])
            self.made.append(ns)
            sh(["ip", "-n", ns, "link", "set", "lo", "up"])
        sh(["ip", "link", "add", "h0", "netns", h, "type", "veth", "peer",
            "name", "p0", "netns", r])
        sh(["ip", "link", "add", "p1", "netns", r, "type", "veth", "peer",
            "name", "t0", "netns", t])
        for ns, i, a in ((h, "h0", "10.96.1.1/24"), (r, "p0", "10.96.1.254/24"),
                         (r, "p1", "10.96.2.254/24"), (t, "t0", "10.96.2.1/24")):
            sh(["ip", "-n", ns, "link", "set", i, "up"])
            sh(["ip", "-n", ns, "addr", "add", a, "dev", i])
            sh(["ip", "netns", "exec", ns, "sysctl", "-qw",
                "net.ipv6.conf.%s.disable_ipv6=1" % i], check=False)
        sh(["ip", "-n", h, "route", "add", "default", "via", "10.96.1.254"])
        sh(["ip", "-n", t, "route", "add", "default", "via", "10.96.2.254"])
        sh(["ip", "netns", "exec", r, "sysctl", "-qw",
            "net.ipv4.ip_forward=1"])
        for d in self.sd.values():
            os.makedirs(d, exist_ok=True)
        self.run("r", [self.b + "/bin/quasar-demux", "-S", self.sd["r"],
                       "-i", "p0", "-i", "p1"], "demux")
        common = ["-R", str(R_MS), "-v"]
        self.qd["r"] = self.run("r", [
            self.b + "/bin/quasard", "-S", self.sd["r"], "-i", "p0", "-i",
            "p1", "-p", self.pool, "-c", "100"] + common, "quasard-r")
        self.qd["h"] = self.run("h", [
            self.b + "/bin/quasard", "-S", self.sd["h"], "-i", "h0", "-p",
            "0:0:1"] + common, "quasard-h")
        self.qd["t"] = self.run("t", [
            self.b + "/bin/quasard", "-S", self.sd["t"], "-i", "t0", "-p",
            "0:0:1"] + common, "quasard-t")
        for x in "hrt":
            self.wait(x, 120, pool_idle if x == "r" else 0)
        return self

    def wait(self, x, timeout, idle=0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.qd[x].poll() is not None:
                raise RuntimeError("%s quasard exited" % x)
            try:
                pool = ctlj(self.sd[x], "pool show")
                if pool["idle"] >= idle:
                    return pool
            except (OSError, ValueError, RuntimeError):
                pass
            time.sleep(0.05)
        raise RuntimeError("%s quasard not ready in %d s" % (x, timeout))

    def down(self):
        cancel(self.down)
        # quasard first (it tears its routelets down), then the demux
        for p in reversed(self.procs):
            stop_proc(p)
            cancel(p.cleanup)
        self.procs = []
        for ns in self.made:
            sh(["ip", "netns", "del", ns], check=False)
        self.made = []
        for d in self.sd.values():
            sh(["rm", "-rf", d], check=False)


def add_lsps(lab, n, service, prefix, paced=False):
    """Adds n LSPs at the head-end; paced: each once the one before is
    up (so none queues behind another), else back to back."""
    for i in range(n):
        line = "lsp add %s%d to=10.96.2.1 service=%s" % (prefix, i, service)
        if service != "be":
            line += " rate=%d" % RATE
        ok, body = ctl(lab.sd["h"], line)
        if not ok:
            raise RuntimeError("%s: %s" % (line, body.strip()))
        if paced and wait_up(lab, i + 1, 10, step=0.002) < i + 1:
            raise RuntimeError("LSP %s%d not up in 10 s: %s" % (
                prefix, i, head_end(lab, "%s%d" % (prefix, i))))


def head_end(lab, name):
    for l in ctlj(lab.sd["h"], "lsp show"):
        if l.get("kind") == "head-end" and l.get("name") == name:
            return l
    return None


def wait_up(lab, n, timeout, step=0.25):
    """How many head-end LSPs are up once n are or timeout has passed."""
    end = time.monotonic() + timeout
    while True:
        ls = ctlj(lab.sd["h"], "lsp show")
        up = sum(1 for l in ls if l.get("kind") == "head-end" and
                 l.get("state") == "up")
        if up >= n or time.monotonic() >= end:
            return up
        time.sleep(step)


# ---- set-up latency from a capture --------------------------------------------


def capture_start(lab, path):
    p = subprocess.Popen(in_ns(lab.ns["r"], [
        "tcpdump", "-i", "any", "-n", "-U", "--immediate-mode", "-s", "256",
        "--time-stamp-precision=nano", "-w", path, "ip proto 46"]),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    on_exit(lambda: stop_proc(p, signal.SIGINT))
    # tcpdump says "listening on" once the socket is open
    end = time.monotonic() + 10
    while time.monotonic() < end:
        line = p.stderr.readline().decode()
        if "listening" in line or not line:
            break
    # --immediate-mode: without it packets wait in a TPACKET_V3 block
    # until it times out, and a SIGINT before then loses them ("N
    # received by filter, 0 captured")
    time.sleep(0.3)
    return p


def setup_times(path):
    """{tunnel_id: (t Path in on p0, t Resv out on p0)} from the capture,
    with the first of each."""
    out = sh(["tshark", "-n", "-r", path, "-Y", "rsvp", "-T", "fields",
              "-e", "frame.time_epoch", "-e", "rsvp.msg", "-e",
              "rsvp.session.tunnel_id", "-e", "ip.src", "-e", "ip.dst",
              "-e", "sll.pkttype"], timeout=300)
    path_in, resv_out = {}, {}
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) < 6 or not f[1] or not f[2]:
            continue
        t = float(f[0])
        msg = int(f[1].split(",")[0])
        tun = int(f[2].split(",")[0], 0)
        # Path from the head-end, received (pkttype 0: to us)
        if msg == 1 and f[3] == "10.96.1.1" and f[5] != "4":
            path_in.setdefault(tun, t)
        # Resv to the head-end, sent (pkttype 4: outgoing)
        elif msg == 2 and f[4] == "10.96.1.1" and f[5] == "4":
            resv_out.setdefault(tun, t)
    return {k: (path_in[k], resv_out[k]) for k in path_in if k in resv_out
            and resv_out[k] >= path_in[k]}


def measure_setup(b, tmp, kind, n, probe=None, prepare=None, prefix="qrb"):
    """n LSPs set up through the router, paced or in a burst, with a warm
    pool or a cold one.  prepare, if given, is called with the lab once it
    is up and its pool full, before the first LSP; probe once the LSPs are
    up, before the lab goes down.  What they return is res["prepare"] and
    res["probe"].  prefix names the lab's namespaces."""
    cold = kind == "cold"
    pool = "0:0:300" if cold else "%d:%d:%d" % (n + 4, n + 4, n + 44)
    idle = 0 if cold else n + 4
    lab = Lab(b, tmp, pool, prefix)
    res = {"kind": kind, "pool": pool, "n": n}
    t0 = time.monotonic()
    try:
        lab.up(pool_idle=idle)
        res["pool_fill_s"] = round(time.monotonic() - t0, 1)
        log("%s: lab up (router pool %s, %d idle) in %.1f s" % (
            kind, pool, ctlj(lab.sd["r"], "pool show")["idle"],
            res["pool_fill_s"]))
        time.sleep(1)
        if prepare is not None:
            res["prepare"] = prepare(lab)
        cap = os.path.join(tmp, "rsvp-%s.pcap" % kind)
        tcp = capture_start(lab, cap)
        if cold:
            # A first LSP that does not come up means cold create broke.
            add_lsps(lab, 1, "cl", "L")
            if wait_up(lab, 1, 5) < 1:
                he = head_end(lab, "L0") or {}
                pl = ctlj(lab.sd["r"], "pool show")
                c = ctlj(lab.sd["r"], "rsvp show counters")
                res["unsupported"] = (
                    "no on-demand routelet creation: with -p %s the "
                    "first LSP is not up after 5 s (head-end state %s; "
                    "router: %s routelets, %s PathErr sent)" % (
                        pool, he.get("state"), pl.get("total",
                                                      pl.get("used")),
                        c.get("tx_patherr")))
                log("cold: " + res["unsupported"])
                return res
            add_lsps(lab, n - 1, "cl", "M", paced=kind != "burst")
        else:
            add_lsps(lab, n, "cl", "L", paced=kind != "burst")
        up = wait_up(lab, n, 120)
        time.sleep(0.5)
        stop_proc(tcp, signal.SIGINT)
        res["up"] = up
        if probe is not None:
            res["probe"] = probe(lab)
        tr = [s for s in ctlj(lab.sd["r"], "rsvp show sessions")
              if s.get("role") == "transit" and s.get("state") == "resv"]
        res["router_resv"] = len(tr)
        st = setup_times(cap)
        os.unlink(cap)
        # tunnel ids in the order their Paths arrived
        order = sorted(st, key=lambda k: st[k][0])
        lat = [(st[k][1] - st[k][0]) * 1e6 for k in order]
        res["lat_us"] = [round(x, 1) for x in lat]
        res["paired"] = len(lat)
        if len(lat) < n:
            res["error"] = "only %d of %d LSPs paired (up %d)" % (
                len(lat), n, up)
        if lat:
            res["span_s"] = max(st[k][1] for k in order) - st[order[0]][0]
        log("%s: %d LSPs up, %d paired, %s" % (kind, up, len(lat),
            "span %.2f s" % res["span_s"] if lat else "nothing paired"))
    except Interrupted:
        raise
    except Exception as e:
        traceback.print_exc()
        res["error"] = str(e)
    finally:
        if "tcp" in locals():
            stop_proc(tcp, signal.SIGINT)
        lab.down()
    return res


def measure_cpu(b, tmp, n, secs):
    lab = Lab(b, tmp, "0:0:1")
    res = {"n_asked": n}
    try:
        lab.up()
        t0 = time.monotonic()
        add_lsps(lab, n, "be", "B")
        up = wait_up(lab, n, 90)
        res["setup_s"] = round(time.monotonic() - t0, 1)
        res["n"] = up
        tr = [s for s in ctlj(lab.sd["r"], "rsvp show sessions")
              if s.get("role") == "transit"]
        res["router_sessions"] = len(tr)
        log("cpu: %d of %d best-effort LSPs up in %.1f s; %d transit "
            "sessions at the router" % (up, n, res["setup_s"], len(tr)))
        # let the set-up burst pass: one refresh period
        time.sleep(R_MS / 1000.0 + 1)
        pid = lab.qd["r"].pid

        def ticks():
            f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
            return int(f[11]) + int(f[12])   # utime, stime (fields 14, 15)
        c0, w0 = ticks(), time.monotonic()
        rx0 = ctlj(lab.sd["r"], "rsvp show counters")
        time.sleep(secs)
        c1, w1 = ticks(), time.monotonic()
        rx1 = ctlj(lab.sd["r"], "rsvp show counters")
        res["cpu_pct"] = round(100.0 * (c1 - c0) / HZ / (w1 - w0), 2)
        res["wall_s"] = round(w1 - w0, 1)
        res["still_up"] = wait_up(lab, n, 1)
        res["counters"] = {k: rx1[k] - rx0[k] for k in rx1
                           if isinstance(rx1[k], int)}
        log("cpu: quasard %.2f %% of a CPU over %.0f s" % (
            res["cpu_pct"], res["wall_s"]))
    except Interrupted:
        raise
    except Exception as e:
        traceback.print_exc()
        res["error"] = str(e)
    finally:
        lab.down()
    return res


# ---- figures -------------------------------------------------------------------


FIRST, LAST = 8, 8      # "first" = LSPs 1-8, "last" = the last 8
KINDS = ("warm", "burst", "cold")
TITLE = {"warm": "warm pool, paced", "burst": "warm pool, burst",
         "cold": "cold create"}


def record(figs, runs, cpu):
    for kind in KINDS:
        r = runs.get(kind)
        if not r or not r.get("lat_us"):
            continue
        lat = r["lat_us"]
        n = len(lat)
        ex = {"lsps": n, "pool": r["pool"], "refresh_ms": R_MS,
              "mode": TITLE[kind]}
        base = (lambda nm: None) if kind == "warm" else \
            (lambda nm: nm.replace("_%s_" % kind, "_warm_"))
        nm = "rsvp_setup_%s_1st_us" % kind
        figs.add(nm, lat[0], "us", baseline=base(nm), **ex)
        nm = "rsvp_setup_%s_%dth_us" % (kind, n)
        figs.add(nm, lat[-1], "us", baseline=base(nm), **ex)
        for grp, sl in (("first", lat[:FIRST]), ("last", lat[-LAST:]),
                        ("all", lat)):
            for p in (50, 99):
                nm = "rsvp_setup_%s_%s_p%d_us" % (kind, grp, p)
                figs.add(nm, round(pct(sl, p), 1), "us", baseline=base(nm),
                         lsps_in_group=len(sl), **ex)
        if r.get("span_s"):
            nm = "rsvp_setup_%s_lsps_per_s" % kind
            figs.add(nm, round(n / r["span_s"], 1), "LSPs/s",
                     baseline=base(nm), span_s=round(r["span_s"], 3), **ex)
    if cpu and "cpu_pct" in cpu:
        figs.add("rsvp_quasard_cpu_be_lsps_pct", cpu["cpu_pct"],
                 "% of one CPU", lsps=cpu["n"], service="be",
                 refresh_ms=R_MS, secs=cpu["wall_s"])


def table(figs, runs, cpu):
    F = figs.figs
    kinds = [k for k in KINDS if k in runs]
    lines = []
    hdr = "%-36s" % "transit: Path in -> Resv out" + "".join(
        " %18s" % TITLE[k] for k in kinds)
    lines.append(hdr)
    lines.append("-" * len(hdr))
    n = max([len(runs[k].get("lat_us", [])) for k in kinds] + [0])
    rows = [("1st LSP (us)", "1st_us"), ("%dth LSP (us)" % n, "%dth_us" % n)]
    for grp, what in (("first", "LSPs 1-%d" % FIRST),
                      ("last", "LSPs %d-%d" % (n - LAST + 1, n)),
                      ("all", "all %d LSPs" % n)):
        for p in (50, 99):
            rows.append(("%s p%d (us)" % (what, p), "%s_p%d_us" % (grp, p)))
    rows.append(("LSPs set up per second", "lsps_per_s"))
    for label, suf in rows:
        row = "%-36s" % label
        for k in kinds:
            f = F.get("rsvp_setup_%s_%s" % (k, suf))
            if runs[k].get("unsupported"):
                row += " %18s" % "n/a"
            else:
                row += " %18s" % (("%.1f" if "per_s" in suf else "%.0f") %
                                  f["value"] if f else "-")
        lines.append(row)
    lines.append("(paced: each LSP added once the one before is up at the "
                 "head-end; burst: all added back to back, so later LSPs "
                 "queue behind earlier ones)")
    for k in kinds:
        r = runs[k]
        note = "%s (-p %s): " % (TITLE[k], r["pool"])
        if r.get("unsupported"):
            note += "NOT MEASURED: " + r["unsupported"]
        else:
            note += "%d LSPs asked, %s up, %s paired in the capture" % (
                r["n"], r.get("up", "-"), r.get("paired", "-"))
            if r.get("error"):
                note += "; NOT MEASURED fully: " + r["error"]
        lines.append(note)
    lines.append("")
    if cpu:
        if "cpu_pct" in cpu:
            lines.append("quasard CPU at %d refreshed best-effort LSPs "
                         "(R = %d ms): %.2f %% of one CPU over %.0f s "
                         "(set up in %.1f s)" % (
                             cpu["n"], R_MS, cpu["cpu_pct"], cpu["wall_s"],
                             cpu["setup_s"]))
        else:
            lines.append("quasard CPU: NOT MEASURED: %s" % cpu.get("error"))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default=None)
    ap.add_argument("--lsps", type=int, default=256)
    ap.add_argument("--cpu-lsps", type=int, default=1000)
    ap.add_argument("--cpu-secs", type=float, default=30.0)
    ap.add_argument("--only", default="warm,burst,cold,cpu")
    ap.add_argument("--commit", default=None)
    a = ap.parse_args()
    if os.geteuid() != 0:
        log("skipped: needs root (network namespaces, veth pairs, "
            "cgroups, tcpdump)")
        return 0
    b = os.path.abspath(a.build)
    for prog in ("quasar-demux", "quasard", "routelet"):
        if not os.access(os.path.join(b, "bin", prog), os.X_OK):
            log("%s/bin/%s is missing: run make" % (b, prog))
            return 1
    for tool in ("tcpdump", "tshark"):
        if subprocess.run(["which", tool], capture_output=True).returncode:
            log("%s is missing: cannot measure set-up latency" % tool)
            return 1
    commit = a.commit
    if commit is None:
        r = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                           capture_output=True, text=True)
        commit = r.stdout.strip() or None
    catch_signals()
    only = a.only.split(",")
    t0 = time.monotonic()
    load_start = open("/proc/loadavg").read().split()[:3]
    tmp = tempfile.mkdtemp(prefix="qrb-")
    on_exit(lambda: sh(["rm", "-rf", tmp], check=False))
    runs, cpu, rc = {}, None, 0
    try:
        for kind in KINDS:
            if kind in only:
                runs[kind] = measure_setup(b, tmp, kind, a.lsps)
        if "cpu" in only:
            cpu = measure_cpu(b, tmp, a.cpu_lsps, a.cpu_secs)
    except Interrupted as e:
        log("interrupted (%s): tearing down" % e)
        rc = 130
    finally:
        run_cleanups()
    figs = Figures(a.out, commit)
    figs.host["loadavg_start"] = load_start
    figs.host["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    record(figs, runs, cpu)
    figs.write()
    text = table(figs, runs, cpu)
    print()
    print(text)
    print()
    log("%d figures%s in %.0f s" % (len(figs.figs), " to " + a.out
                                    if a.out else "", time.monotonic() - t0))
    if a.out:
        with open(os.path.join(a.out, "bench_rsvp.txt"), "w") as f:
            f.write(text + "\n")
        with open(os.path.join(a.out, "bench_rsvp-runs.txt"), "w") as f:
            json.dump({"runs": runs, "cpu": cpu}, f, indent=1)
    if any("error" in r for r in runs.values()) or (cpu and "error" in cpu):
        rc = rc or 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
