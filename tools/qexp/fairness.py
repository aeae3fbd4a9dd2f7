"""Experiment 4, fairness: two routelets with CPU weights 1:2, both
overloaded; the ratio of their forwarded rates over time.

Two QoS LSPs, A (CPU weight 100) and B (weight 200), each in its own
routelet, both from p0 to p1 with no rate limit; one qgen offers each
150 000 frames/s of 70 bytes, more than either routelet gets CPU for.
Every half second the frames each routelet has sent (the receive counter
of its egress VIF's dom0 end) and its CPU time (/proc/<pid>/stat) are
sampled.

Two series of 22 s on the same router: `quota`, where quasard's routelet
cgroup (the instance's group, parent of every routelet's) may use 20 %
of one CPU, so the two routelets compete for that and nothing else; and
`none`, without the limit.  The quota stands in for what Xen gives
its guests: dom0 (here quasar-demux, which shares the router's CPU with
the routelets) keeps up with the offered load, and the routelets are the
bottleneck.  Without it, on this machine, the demux saturates first (its
receive ring overflows while the routelets still idle now and then), so
neither routelet is short of CPU and the weights have nothing to divide.
"""
import os
import statistics
import time

from dplab import (Route, cpu_ticks, ctlj, log, next_flow, qgen_argv,
                   qgen_report, routelet_pids, spawn, stop_proc)
from benchlib import cancel, on_exit
from qexp import report
from qexp.setups import running

SIZE = 70
LABEL_B, OUT_B = 110, 210
HZ = os.sysconf("SC_CLK_TCK")


class Quota:
    """A CPU limit on a cgroup of the cpu controller (v1 or v2)."""

    def __init__(self, instance):
        v1 = "/sys/fs/cgroup/cpu/" + instance
        v2 = "/sys/fs/cgroup/" + instance
        if os.path.isfile(v1 + "/cpu.cfs_quota_us"):
            self.path, self.v2 = v1, False
        elif os.path.isfile(v2 + "/cpu.max"):
            self.path, self.v2 = v2, True
        else:
            raise RuntimeError("no cpu controller group for %s" % instance)

    def set(self, pct):
        """pct of one CPU; None lifts the limit."""
        if self.v2:
            val = "max 100000" if pct is None else "%d 100000" % (pct * 1000)
            open(self.path + "/cpu.max", "w").write(val)
            return
        open(self.path + "/cpu.cfs_period_us", "w").write("100000")
        open(self.path + "/cpu.cfs_quota_us", "w").write(
            "-1" if pct is None else str(int(pct * 1000)))


def egress(statedir, name):
    """The dom0 end of routelet `name`'s egress VIF."""
    for r in ctlj(statedir, "routelet show"):
        if r["name"] == name:
            return r["vifs"][r["egress_vif"]]["ifname"]
    raise RuntimeError("routelet %s not found" % name)


def series(b, topo, st, who, cfg):
    """One overload run; returns its samples."""
    fa, fb = next_flow(), next_flow()
    secs = cfg["warm"] + cfg["secs"]
    g = spawn(qgen_argv(b, topo.g, "g0", topo.p0, secs,
                        [(fa, st.label, cfg["rate"], SIZE),
                         (fb, LABEL_B, cfg["rate"], SIZE)]), pipe=True)
    samples = []
    t0 = time.monotonic()
    try:
        while g.poll() is None:
            ls = topo.link_stats(topo.r)
            t = time.monotonic()
            samples.append({"t": t - t0,
                            "pkts": [ls[who[k]["vif"]][0] for k in "AB"],
                            "ticks": [cpu_ticks(who[k]["pid"])
                                      for k in "AB"]})
            # On the interval's grid, whatever the sampling cost.
            time.sleep(max(0.05, cfg["interval"] - (time.monotonic() - t)))
        out, err = g.communicate()
    finally:
        stop_proc(g)
        cancel(g.cleanup)
    gen = qgen_report(out, err, g.returncode)
    return {"samples": samples, "offered_pps": [gen[fa]["pps"],
                                                gen[fb]["pps"]]}


def intervals(s):
    """Per interval: end time, A and B pps, B / A, A and B CPU %."""
    out = []
    sm = s["samples"]
    for p, q in zip(sm, sm[1:]):
        dt = q["t"] - p["t"]
        if dt <= 0:
            continue
        a, z = ((q["pkts"][i] - p["pkts"][i]) / dt for i in (0, 1))
        ca, cz = (100.0 * (q["ticks"][i] - p["ticks"][i]) / HZ / dt
                  for i in (0, 1))
        out.append((q["t"], a, z, z / a if a else None, ca, cz))
    return out


def run(b, cfg):
    """cfg: weights (w_a, w_b), rate, secs, warm, interval, quota_pct."""
    res = {"config": dict(cfg), "series": {}}
    wa, wb = cfg["weights"]

    def routes(topo):
        return [Route("B", "p0", LABEL_B, "p1", OUT_B, topo.d0, weight=wb)]
    with running("routelet", b, routes=routes, measured={"weight": wa}) as \
            (topo, st):
        inst = os.path.basename(st.statedir)
        who = {}
        for k in "AB":
            name = st.routelet_of(k)
            pids = routelet_pids(inst, name)
            if not pids:
                raise RuntimeError("routelet %s has no process" % name)
            who[k] = {"routelet": name, "pid": pids[0],
                      "vif": egress(st.statedir, name)}
        res["routelets"] = who
        quota = Quota(inst)

        def lift():
            quota.set(None)
        on_exit(lift)
        try:
            for name, pct in (("quota", cfg["quota_pct"]), ("none", None)):
                quota.set(pct)
                s = series(b, topo, st, who, cfg)
                s["quota_pct"] = pct
                res["series"][name] = s
                m = means(res, name)
                log("  %s: A %.0f pps, B %.0f pps, B/A %.2f; CPU A %.1f %%, "
                    "B %.1f %%" % (name, m["a_pps"], m["b_pps"], m["ratio"]
                                   or 0, m["a_cpu"], m["b_cpu"]))
        finally:
            lift()
            cancel(lift)
    return res


def means(res, name):
    """Over the intervals after the warm-up: mean rates, the ratio of the
    means, CPU shares, and the range of per-interval ratios."""
    warm = res["config"]["warm"]
    iv = [x for x in intervals(res["series"][name]) if x[0] > warm]
    if not iv:
        return {"a_pps": 0.0, "b_pps": 0.0, "ratio": None, "a_cpu": 0.0,
                "b_cpu": 0.0, "min": None, "max": None, "n": 0}
    a = statistics.mean(x[1] for x in iv)
    z = statistics.mean(x[2] for x in iv)
    rs = [x[3] for x in iv if x[3] is not None]
    return {"a_pps": a, "b_pps": z, "ratio": z / a if a else None,
            "a_cpu": statistics.mean(x[4] for x in iv),
            "b_cpu": statistics.mean(x[5] for x in iv),
            "min": min(rs) if rs else None, "max": max(rs) if rs else None,
            "n": len(iv)}


COLS = ["series", "t_s", "a_pps", "b_pps", "ratio_b_a", "a_cpu_pct",
        "b_cpu_pct"]


def write(res, out):
    """fairness.csv (per interval), fairness.md, fairness.png."""
    rows = []
    for name in ("quota", "none"):
        if name not in res["series"]:
            continue
        for x in intervals(res["series"][name]):
            rows.append([name, round(x[0], 3), round(x[1]), round(x[2]),
                         round(x[3], 3) if x[3] is not None else None,
                         round(x[4], 1), round(x[5], 1)])
    report.write_csv(out + "/fairness.csv", COLS, rows)
    report.write_md(out + "/fairness.md", table(res))
    return plot(res, rows, out)


def table(res):
    cfg = res["config"]
    wa, wb = cfg["weights"]
    hdr = ["series", "A pps (weight %d)" % wa, "B pps (weight %d)" % wb,
           "B / A", "per-interval B / A, min-max", "CPU A (%)", "CPU B (%)",
           "CPU B / A"]
    body = []
    for name in ("quota", "none"):
        if name not in res["series"]:
            continue
        m = means(res, name)
        label = ("routelets' group limited to %d %% of a CPU" %
                 cfg["quota_pct"] if name == "quota" else "no limit")
        body.append([label, report.num(m["a_pps"], 0),
                     report.num(m["b_pps"], 0), report.num(m["ratio"], 2),
                     "%s-%s" % (report.num(m["min"], 2),
                                report.num(m["max"], 2)),
                     report.num(m["a_cpu"]), report.num(m["b_cpu"]),
                     report.num(m["b_cpu"] / m["a_cpu"] if m["a_cpu"] else
                                None, 2)])
    return ("Fairness: two routelets with CPU weights %d:%d, each offered "
            "%d frames/s of %d bytes for %g s; means over %g s intervals "
            "after the first %g s.\n\n" % (
                wa, wb, cfg["rate"], SIZE, cfg["warm"] + cfg["secs"],
                cfg["interval"], cfg["warm"]) + report.md_table(hdr, body))


def plot(res, rows, out):
    files = []
    for name in ("quota", "none"):
        rs = [r[1:] for r in rows if r[0] == name]
        if rs:
            report.write_dat(out + "/fairness-%s.dat" % name, rs)
            files.append(name)
    wa, wb = res["config"]["weights"]
    s = report.plot_head("fairness.png", 1000, 700)
    s += ("set multiplot layout 2,1 title \"Two routelets, A and B, with "
          "CPU weights %d and %d, both overloaded (dashed: the weights' "
          "ratio)\"\nset xlabel \"time (s)\"\n" % (wa, wb))
    s += ("set title \"forwarded-rate ratio, B / A\"\nset ylabel \"B / A\"\n"
          "set yrange [0:*]\nset offsets 0, 0, graph 0.25, 0\n"
          "set key bottom right box opaque\n"
          "set arrow 1 from graph 0, first %g to graph 1, first %g nohead "
          "dt 2 lc rgb \"#888888\"\n" % (wb / wa, wb / wa))
    s += "plot " + ", ".join(
        "\"fairness-%s.dat\" using 1:4 with linespoints title \"%s\"" % (
            n, "routelets limited to %d %% of a CPU" %
            res["config"]["quota_pct"] if n == "quota" else "no limit")
        for n in files) + "\n"
    s += ("unset arrow 1\nset offsets 0, 0, 0, 0\nset key top right box "
          "opaque\nset title \"forwarded rates\"\nset ylabel \"frames/s\"\n")
    s += "plot " + ", ".join(
        "\"fairness-%s.dat\" using 1:%d with lines title \"%s, %s\"" % (
            n, col, k, n) for n in files for col, k in ((2, "A"), (3, "B")))
    s += "\nunset multiplot\n"
    return report.gnuplot(s, out)
