#!/usr/bin/python3
"""The paper's experiments (tools/experiments) in their quick mode, into a
temporary directory: every experiment runs, and every table, plot and the
README it writes are there and hold what they should, within plausible
ranges.  Also qfwd's several-route mode (-R), which the standard-router
set-up of the partitioning experiment uses, refusing bad routes.

    tests/integ/test_experiments.py BUILD_DIR

Root only (namespaces, cgroups, tcpdump); about 80 s.  Timings are never
judged, only that figures exist and are sane: latencies positive and under
a second, loss a percentage, the cross flow held to its reservation by its
routelet, the routelet weighted 2 forwarding more than the one weighted 1
when both are overloaded.
"""
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "..", "..", "tools", "experiments")
RESULTS = []
SETUPS = ["mpls", "qbe", "routelet"]
# The quick mode's sizes (tools/experiments, QUICK).
RUNS, CROSS, LSPS = 2, [0, 50000, 3000000], 6
CROSS_RESERVE_PPS = 125000 / 70.0
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# This run's names (tools/qexp/setups.py: QX_PREFIX), not qx: another run
# of the experiments beside this one (another engineer's, a CI's) has its
# own namespaces up, and they are not ours to find left behind.
PREFIX = "qxt%04x" % random.randrange(1 << 16)


def check(name, cond, detail=""):
    RESULTS.append((name, bool(cond)))
    print("%s: %s%s" % ("PASS" if cond else "FAIL", name,
                       "" if cond or not detail else ": " + str(detail)),
          flush=True)
    return cond


def ours():
    """This run's network namespaces (PREFIX-*, PREFIXr-*: tools/qexp/
    setups.py) and routelet cgroups (the same), and anything of theirs in
    /tmp."""
    mine = (PREFIX + "-", PREFIX + "r-")
    out = subprocess.run(["ip", "netns", "list"], capture_output=True,
                         text=True).stdout
    left = {"netns " + l.split()[0] for l in out.splitlines() if l.strip()
            and l.split()[0].startswith(mine)}
    for root in ("/sys/fs/cgroup", "/sys/fs/cgroup/cpu",
                 "/sys/fs/cgroup/freezer", "/sys/fs/cgroup/unified"):
        try:
            left |= {"cgroup %s/%s" % (root, d) for d in os.listdir(root)
                     if d.startswith(mine)}
        except OSError:
            pass
    left |= {"/tmp/" + d for d in os.listdir("/tmp") if d.startswith(mine)}
    return left


def read_csv(path, cols):
    """Rows as dicts; checks the header and that every row is full."""
    name = os.path.basename(path)
    try:
        with open(path, newline="") as f:
            r = list(csv.reader(f))
    except OSError as e:
        check(name + ": readable", False, e)
        return []
    check(name + ": columns " + ",".join(cols), r and r[0] == cols,
          r[0] if r else "empty")
    rows = [dict(zip(r[0], x)) for x in r[1:]]
    check(name + ": every row has every column",
          all(len(x) == len(r[0]) for x in r[1:]),
          [x for x in r[1:] if len(x) != len(r[0])][:2])
    return rows


def fnum(row, k):
    try:
        return float(row[k])
    except (KeyError, ValueError):
        return None


def within(v, lo, hi):
    return v is not None and lo <= v <= hi


def check_overhead(out):
    rows = read_csv(out + "/overhead_runs.csv", [
        "setup", "run", "frames", "latency_us", "jitter_us", "lat_p50_us",
        "lat_p99_us", "loss_pct", "tput_70B_kpps", "tput_1500B_mbps"])
    check("overhead_runs.csv: %d runs of each set-up" % RUNS,
          sorted(r["setup"] for r in rows) == sorted(SETUPS * RUNS),
          [r["setup"] for r in rows])
    bad = [r for r in rows if not (
        within(fnum(r, "frames"), 400, 500) and
        within(fnum(r, "latency_us"), 1, 1e6) and
        within(fnum(r, "jitter_us"), 0, 1e6) and
        within(fnum(r, "lat_p50_us"), 1, 1e6) and
        within(fnum(r, "lat_p99_us"), fnum(r, "lat_p50_us"), 1e7) and
        within(fnum(r, "loss_pct"), 0, 100) and
        within(fnum(r, "tput_70B_kpps"), 0.1, 1e5) and
        within(fnum(r, "tput_1500B_mbps"), 1, 1e6))]
    check("overhead_runs.csv: 500 frames measured, latency, jitter, loss "
          "and throughput in range", rows and not bad, bad[:2])
    rows = read_csv(out + "/overhead.csv", ["setup", "metric", "unit",
                                            "min", "avg", "max"])
    check("overhead.csv: 7 figures for each set-up",
          sorted(r["setup"] for r in rows) == sorted(SETUPS * 7),
          len(rows))
    bad = [r for r in rows if not (fnum(r, "min") is not None and
                                   fnum(r, "min") <= fnum(r, "avg") + 1e-6
                                   and fnum(r, "avg") <= fnum(r, "max") +
                                   1e-6)]
    check("overhead.csv: min <= avg <= max", rows and not bad, bad[:2])


def check_partition(out):
    rows = read_csv(out + "/partition.csv", [
        "setup", "cross_asked_pps", "cross_offered_pps", "cross_fwd_pps",
        "frames", "latency_us", "lat_p50_us", "lat_p99_us", "jitter_us",
        "loss_pct"])
    steps = {s: [int(r["cross_asked_pps"]) for r in rows if r["setup"] == s]
             for s in SETUPS}
    check("partition.csv: every set-up at cross rates %s" % CROSS,
          all(steps[s] == CROSS for s in SETUPS), steps)
    bad = [r for r in rows if not (
        within(fnum(r, "frames"), 400, 500) and
        within(fnum(r, "latency_us"), 1, 1e6) and
        within(fnum(r, "jitter_us"), 0, 1e6) and
        within(fnum(r, "loss_pct"), 0, 100) and
        within(fnum(r, "cross_fwd_pps"), 0,
               1.05 * fnum(r, "cross_offered_pps") + 1))]
    check("partition.csv: the measured flow measured, loss 0-100 %, the "
          "cross flow forwarded no more than offered", rows and not bad,
          bad[:2])
    none = [r for r in rows if r["cross_asked_pps"] == "0"]
    check("partition.csv: no cross flow at step 0",
          len(none) == 3 and all(fnum(r, "cross_offered_pps") == 0 and
                                 fnum(r, "cross_fwd_pps") == 0
                                 for r in none), none)
    mid = {r["setup"]: r for r in rows if r["cross_asked_pps"] == "50000"}
    fwd = {s: (fnum(mid.get(s, {}), "cross_fwd_pps") or 0,
               fnum(mid.get(s, {}), "cross_offered_pps") or 0)
           for s in ("mpls", "qbe")}
    check("partition.csv: the standard router and Q-BE forward the cross "
          "flow (qfwd's second route, dom0's second entry)",
          all(f > 1000 and f > 0.1 * o for f, o in fwd.values()), fwd)
    rl = [r for r in rows if r["setup"] == "routelet" and
          r["cross_asked_pps"] != "0"]
    check("partition.csv: the cross flow's routelet holds it near its "
          "reservation (%.0f frames/s)" % CROSS_RESERVE_PPS,
          len(rl) == 2 and all(
              0 < fnum(r, "cross_fwd_pps") < 2.5 * CROSS_RESERVE_PPS and
              fnum(r, "cross_offered_pps") > 5 * CROSS_RESERVE_PPS
              for r in rl), rl)


def check_pool(out):
    rows = read_csv(out + "/pool.csv", ["lsp", "warm_setup_us",
                                        "held_setup_us", "cold_setup_us"])
    check("pool.csv: one row per LSP, 1 to %d" % LSPS,
          [r["lsp"] for r in rows] == [str(i) for i in range(1, LSPS + 1)],
          [r["lsp"] for r in rows])
    bad = [r for r in rows if not all(
        within(fnum(r, k), 10, 10e6) for k in ("warm_setup_us",
                                               "held_setup_us",
                                               "cold_setup_us"))]
    check("pool.csv: every LSP's set-up time in every run, 10 us - 10 s",
          rows and not bad, bad[:2])
    rows = read_csv(out + "/pool_memory.csv", ["figure", "routelets",
                                               "kib"])
    fig = {r["figure"]: r for r in rows}
    want = ["kernel_per_routelet", "pss_median_paused", "pss_median_running",
            "rss_median_paused", "rss_median_running"]
    check("pool_memory.csv: PSS and RSS of running and paused routelets, "
          "kernel per routelet", sorted(fig) == want, sorted(fig))
    check("pool_memory.csv: %d running routelets, PSS and RSS 100 KiB - "
          "64 MiB" % LSPS,
          fig.get("pss_median_running", {}).get("routelets") == str(LSPS)
          and all(within(fnum(fig.get(k, {}), "kib"), 100, 65536)
                  for k in want[1:]), rows)


def check_fairness(out):
    rows = read_csv(out + "/fairness.csv", [
        "series", "t_s", "a_pps", "b_pps", "ratio_b_a", "a_cpu_pct",
        "b_cpu_pct"])
    by = {}
    for r in rows:
        by.setdefault(r["series"], []).append(r)
    check("fairness.csv: both series, 4 or more intervals each",
          sorted(by) == ["none", "quota"] and
          all(len(v) >= 4 for v in by.values()),
          {k: len(v) for k, v in by.items()})
    bad = [r for r in rows if not (
        within(fnum(r, "t_s"), 0, 60) and within(fnum(r, "a_pps"), 0, 2e6)
        and within(fnum(r, "b_pps"), 0, 2e6) and
        within(fnum(r, "a_cpu_pct"), 0, 200) and
        within(fnum(r, "b_cpu_pct"), 0, 200))]
    check("fairness.csv: rates and CPU shares in range", rows and not bad,
          bad[:2])
    # After the first second (the warm-up), both routelets overloaded in
    # a group limited to 20 % of a CPU: B, weighted 2, forwards more.
    q = [r for r in by.get("quota", []) if fnum(r, "t_s") > 1.0]
    a = sum(fnum(r, "a_pps") for r in q)
    b = sum(fnum(r, "b_pps") for r in q)
    # Equal weights give 1.0 here; 1:2 gives 1.5-2.
    check("fairness.csv: both routelets forward, and B (weight 200) more "
          "than A (weight 100): B / A > 1.2", q and a > 0 and b / a > 1.2,
          "A %.0f, B %.0f over %d intervals" % (a, b, len(q)))


def check_outputs(out):
    for name in ("overhead", "partition", "pool", "fairness"):
        png = os.path.join(out, name + ".png")
        try:
            with open(png, "rb") as f:
                head = f.read(8)
            size = os.path.getsize(png)
        except OSError:
            head, size = b"", 0
        check("%s.png is a PNG (%d bytes)" % (name, size),
              head == PNG_MAGIC and size > 5000)
        try:
            md = open(os.path.join(out, name + ".md")).read()
        except OSError:
            md = ""
        check("%s.md holds a table" % name, md.count("\n|") >= 3, md[:200])
    try:
        res = json.load(open(os.path.join(out, "results.json")))
    except (OSError, ValueError) as e:
        res = {}
        check("results.json parses", False, e)
    ex = res.get("experiments", {})
    check("results.json: four experiments, none failed",
          sorted(ex) == ["fairness", "overhead", "partition", "pool"] and
          not any("error" in e or "plot_error" in e for e in ex.values()),
          {k: e.get("error") or e.get("plot_error") for k, e in ex.items()})
    try:
        rd = open(os.path.join(out, "README.md")).read()
    except OSError:
        rd = ""
    check("README.md: the machine, the load, the four experiments, each "
          "compared, each plot linked",
          all(s in rd for s in (
              "## The machine", "## Load while they ran",
              "## 1. Virtualisation overhead", "## 2. Partitioning",
              "## 3. Pool and scale", "## 4. Fairness", "(overhead.png)",
              "(partition.png)", "(pool.png)", "(fairness.png)",
              "### Against the paper", "--quick")) and
          res.get("machine", {}).get("cpu", "unknown") in rd)
    stray = [f for f in os.listdir(out) if f.endswith(".dat")]
    check("no gnuplot data files left", not stray, stray)


def check_qfwd(b):
    qf = os.path.join(b, "bin", "qfwd")
    for argv in (["-R", "p0,100,p1"], ["-R", "p0,100,p0,200,02:00:00:00:00:01"],
                 ["-R", "p0,100,p1,200,zz"],
                 ["-R", "p0,100,p1,200,02:00:00:00:00:01,x"],
                 ["-R", "p0,99999999,p1,200,02:00:00:00:00:01"],
                 ["-R", "p0,100,p1,200,02:00:00:00:00:01", "-R",
                  "p0,100,p2,300,02:00:00:00:00:01"],
                 ["-R", "p0,100,p1,200,02:00:00:00:00:01", "-i", "p0"]):
        r = subprocess.run([qf] + argv, capture_output=True, text=True,
                           timeout=10)
        check("qfwd %s: refused, exit 2" % " ".join(argv),
              r.returncode == 2 and "qfwd:" in r.stderr, (r.returncode,
                                                          r.stderr))


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root (network namespaces)")
        return 0
    b = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    check_qfwd(b)
    before = ours()
    out = tempfile.mkdtemp(prefix="qx-test-")
    try:
        p = subprocess.Popen([TOOL, b, "--quick", "-o", out],
                             stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True,
                             env=dict(os.environ, QX_PREFIX=PREFIX))
        try:
            text, _ = p.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            # SIGTERM: it tears down what it built before it goes.
            p.terminate()
            text, _ = p.communicate(timeout=60)
            check("tools/experiments --quick ends in 240 s", False)
        print(text[-8000:], flush=True)
        check("tools/experiments --quick exits 0", p.returncode == 0,
              p.returncode)
        check_overhead(out)
        check_partition(out)
        check_pool(out)
        check_fairness(out)
        check_outputs(out)
        left = ours() - before
        check("no namespace, cgroup or temporary directory of the "
              "experiments left behind", not left, left)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    failed = sum(1 for _, ok in RESULTS if not ok)
    print("experiments: %d passed, %d failed" % (len(RESULTS) - failed,
                                                 failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
