"""Experiment 3, pool and scale: how long an LSP takes to set up through a
QuaSAR router with a warm pool of paused routelets, against creating each
routelet on demand, for the 1st to the n-th LSP; and what a routelet
costs in memory.

The signalling benchmark's run (bench/bench_rsvp.py, measure_setup) does
the work: head-end, QuaSAR router and tail-end, each with its own
quasard; n = 256 Controlled-Load LSPs signalled one after another (each
once the one before is up); set-up time at the router from a capture, first
Path in to first Resv out.  Three runs, each on a fresh lab:

- warm, refilled: the router's pool holds n + 4 paused routelets before
  the first Path, and its target is n + 4, so each routelet taken is
  replaced in the background, as a pool sized for its load does, until
  the pool reaches its maximum of n + 44 routelets;
- warm, held: the same full pool, its target then set to 0 (`pool
  resize 0 0 n+44`) so that nothing is created while the LSPs come: the
  cost of taking a pooled routelet alone (quasard starts shrinking a
  surplus after 5 s; the run says how many routelets were destroyed
  meanwhile, none when the n LSPs take less);
- cold: the pool is empty (-p 0:0:300), so each LSP creates its
  routelet.

Memory, once the n LSPs are up: every routelet process's PSS and RSS
(smaps_rollup, found through the router instance's freezer cgroups), by
state (running with an LSP, or paused in the pool); and the kernel's
unreclaimable memory (SUnreclaim + KernelStack + PageTables + Percpu in
/proc/meminfo: namespaces, veths, cgroups, page tables) grown since before
the lab came up, per routelet.  That last figure is the whole machine's:
other work running meanwhile moves it.
"""
import os
import statistics
import tempfile
import shutil

import bench_rsvp
from benchlib import cancel, on_exit
from dplab import log, pct, routelet_pids, smaps
from qexp import report
from qexp.setups import PREFIX

KERNEL_KEYS = ("SUnreclaim", "KernelStack", "PageTables", "Percpu")
KINDS = ("warm", "held", "cold")
TITLE = {"warm": "warm pool, refilled", "held": "warm pool, held",
         "cold": "cold: created on demand"}


def kernel_kib():
    out = {}
    for line in open("/proc/meminfo"):
        k, _, v = line.partition(":")
        if k in KERNEL_KEYS:
            out[k] = int(v.split()[0])
    return out


def pool_counters(lab):
    return bench_rsvp.ctlj(lab.sd["r"], "pool show")["counters"]


def hold(n):
    """prepare for the held run: no growing while the LSPs come."""
    def prepare(lab):
        ok, body = bench_rsvp.ctl(lab.sd["r"], "pool resize 0 0 %d" %
                                  (n + 44))
        if not ok:
            raise RuntimeError("pool resize: " + body.strip())
        return pool_counters(lab)
    return prepare


def probe(lab):
    """Memory of the router's routelets, once the LSPs are up."""
    inst = os.path.basename(lab.sd["r"])
    mem = []
    for r in bench_rsvp.ctlj(lab.sd["r"], "routelet show"):
        for pid in routelet_pids(inst, r["name"]):
            try:
                sm = smaps(pid)
            except OSError:
                continue
            mem.append({"routelet": r["name"], "state": r["state"],
                        "pss_kib": sm.get("Pss", 0),
                        "rss_kib": sm.get("Rss", 0)})
    return {"routelets": mem, "kernel_kib": kernel_kib(),
            "pool": pool_counters(lab)}


def run(b, cfg):
    """cfg: lsps."""
    res = {"config": dict(cfg), "runs": {}}
    tmp = tempfile.mkdtemp(prefix=PREFIX + "-pool-")

    def rm():
        shutil.rmtree(tmp, ignore_errors=True)
    on_exit(rm)
    try:
        for kind in KINDS:
            k0 = kernel_kib()
            log("pool: %s, %d LSPs" % (kind, cfg["lsps"]))
            r = bench_rsvp.measure_setup(
                b, tmp, "cold" if kind == "cold" else "warm", cfg["lsps"],
                probe, hold(cfg["lsps"]) if kind == "held" else pool_counters,
                prefix=PREFIX + "r")
            r["kernel_before_kib"] = k0
            res["runs"][kind] = r
            if r.get("error") or r.get("unsupported"):
                raise RuntimeError("pool, %s: %s" % (
                    kind, r.get("error") or r.get("unsupported")))
            lat = r["lat_us"]
            log("  %d LSPs up; set-up 1st %.0f us, median %.0f us, "
                "n-th %.0f us" % (len(lat), lat[0], statistics.median(lat),
                                  lat[-1]))
    finally:
        rm()
        cancel(rm)
    return res


def memory(res):
    """{state: (routelets, PSS median KiB, RSS median KiB)}, and the
    kernel's growth per routelet in KiB, from the warm run."""
    r = res["runs"].get("warm", {})
    pr = r.get("probe")
    if not pr:
        return {}, None
    by = {}
    for m in pr["routelets"]:
        by.setdefault(m["state"], []).append(m)
    out = {st: (len(v), statistics.median(x["pss_kib"] for x in v),
                statistics.median(x["rss_kib"] for x in v))
           for st, v in by.items()}
    n = len(pr["routelets"])
    k0, k1 = r["kernel_before_kib"], pr["kernel_kib"]
    grown = sum(k1.get(k, 0) - k0.get(k, 0) for k in KERNEL_KEYS)
    return out, (grown / n if n else None)


def checkpoints(n):
    """1, 2, 4, ... up to n, and n."""
    ks, k = [], 1
    while k < n:
        ks.append(k)
        k *= 2
    return ks + [n]


def write(res, out):
    """pool.csv (per LSP), pool_memory.csv, pool.md, pool.png."""
    lat = [res["runs"].get(k, {}).get("lat_us", []) for k in KINDS]
    n = max(len(x) for x in lat)
    rows = [[i + 1] + [round(x[i], 1) if i < len(x) else None for x in lat]
            for i in range(n)]
    report.write_csv(out + "/pool.csv", ["lsp"] + ["%s_setup_us" % k
                                                   for k in KINDS], rows)
    mem, kern = memory(res)
    mrows = []
    for st, v in sorted(mem.items()):
        mrows += [["pss_median_" + st, v[0], round(v[1])],
                  ["rss_median_" + st, v[0], round(v[2])]]
    if kern is not None:
        mrows.append(["kernel_per_routelet", sum(v[0] for v in mem.values()),
                      round(kern)])
    report.write_csv(out + "/pool_memory.csv", ["figure", "routelets", "kib"],
                     mrows)
    report.write_md(out + "/pool.md", table(res, lat, mem, kern))
    return plot(rows, out)


def summary(lat):
    """1st, median, p99 and last."""
    return {"first": lat[0], "p50": pct(lat, 50), "p99": pct(lat, 99),
            "last": lat[-1]} if lat else {}


def ordinal(k):
    """1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, ... 21st, 32nd."""
    if k % 100 in (11, 12, 13):
        return "%dth" % k
    return "%d%s" % (k, {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th"))


def _ms(v):
    return report.num(v / 1e3 if v else None, 2)


def table(res, lat, mem, kern):
    n = res["config"]["lsps"]
    hdr = ["LSP"] + ["%s (ms)" % TITLE[k] for k in KINDS] + \
        ["cold / held"]
    body = []
    for k in checkpoints(n):
        v = [x[k - 1] if k <= len(x) else None for x in lat]
        body.append([ordinal(k)] + [_ms(x) for x in v] +
                    [report.num(v[2] / v[1] if v[1] and v[2] else None, 1)])
    sm = [summary(x) for x in lat]
    for what in ("p50", "p99"):
        v = [s.get(what) for s in sm]
        body.append(["all %d, %s" % (n, what)] + [_ms(x) for x in v] +
                    [report.num(v[2] / v[1] if v[1] and v[2] else None, 1)])
    text = ("Pool and scale: LSP set-up time at the transit router, first "
            "Path in to first Resv out (tcpdump), %d LSPs signalled one "
            "after another.\n\n" % n + report.md_table(hdr, body))
    made = []
    for k in KINDS:
        r = res["runs"].get(k, {})
        c0, c1 = r.get("prepare"), (r.get("probe") or {}).get("pool")
        if c0 and c1:
            made.append("%s: %d created, %d destroyed" % (
                TITLE[k], c1["created"] - c0["created"],
                c1["destroyed"] - c0["destroyed"]))
    if made:
        text += ("\nRoutelets the router's pool created and destroyed "
                 "while the LSPs came: " + "; ".join(made) + ".\n")
    mh = ["routelets", "count", "PSS, median (KiB)", "RSS, median (KiB)"]
    mb = [[st, v[0], report.num(v[1], 0), report.num(v[2], 0)]
          for st, v in sorted(mem.items())]
    text += ("\nMemory per routelet, with the %d LSPs of the warm run up "
             "(running: forwarding an LSP; paused: idle in the pool):\n\n" %
             n + report.md_table(mh, mb))
    if kern is not None:
        text += ("\nKernel memory (unreclaimable slab, stacks, page tables, "
                 "per-CPU) grown per routelet: %s KiB (the whole machine's "
                 "growth over the run divided by the routelets).\n" %
                 report.num(kern, 0))
    return text


def plot(rows, out):
    report.write_dat(out + "/pool.dat", [[r[0]] + [x / 1e3 if x else None
                                                   for x in r[1:]]
                                         for r in rows])
    s = report.plot_head("pool.png")
    s += ("set title \"LSP set-up time at the router: warm pool vs a "
          "routelet created on demand\"\nset xlabel \"LSP (in the order "
          "signalled)\"\nset ylabel \"Path in -> Resv out (ms)\"\n"
          "set logscale y\nset key top right box opaque\n"
          "plot " + ", ".join(
              "\"pool.dat\" using 1:%d with points pt %d ps 0.6 title "
              "\"%s\"" % (i + 2, (7, 9, 5)[i], TITLE[k])
              for i, k in enumerate(KINDS)) + "\n")
    return report.gnuplot(s, out)
