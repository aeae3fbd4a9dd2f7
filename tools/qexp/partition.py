"""Experiment 2, the paper's figure 5: how far a cross flow on other ports
disturbs the measured flow.

The measured flow, 70-byte frames at 1000 frames/s, enters at p0 and
leaves at p1 (g0 -> d0), as in experiment 1.  A cross flow of
minimum-size frames (70 bytes, qgen's smallest) enters at p2 and leaves
at p3 (g2 -> d3): other ports, so the two share only the router.  Its
rate rises from none to more than qgen can send, well past every set-up's
saturation.  Per step: the measured flow's mean latency, p99, jitter and
loss (qsink at d0, after a warm-up), and the cross flow's offered rate
(qgen) and forwarded rate (d3's receive counter).

The cross flow goes through the same set-up as the measured one: a
second route of the one qfwd process, a second entry of dom0's
best-effort table, or a routelet of its own.  In the routelet set-up it
misbehaves as the paper's did: its LSP reserves 1 Mbit/s (125 000
bytes/s) and it sends more; its routelet's shaper drops the excess.  The
measured flow's LSP has no rate limit; both have the default CPU weight.
"""
import subprocess
import time

from dplab import (Route, Sink, log, next_flow, qgen_argv, qgen_report,
                   result, spawn, stop_proc, wait_proc)
from benchlib import cancel
from qexp import report
from qexp.setups import KEYS, NAME, running

SIZE = 70
CROSS_LABEL, CROSS_OUT = 500, 600


def cross_route(cfg):
    def routes(topo):
        return [Route("X", "p2", CROSS_LABEL, "p3", CROSS_OUT, topo.d3,
                      rate=cfg["cross_reserve"],
                      burst=max(2000, cfg["cross_reserve"] // 5))]
    return routes


def step(b, topo, st, cross_rate, cfg):
    """One point: the cross flow at cross_rate (0: none) around a run of
    the measured flow."""
    mflow, cflow = next_flow(), next_flow()
    warm, secs = cfg["warm"], cfg["secs"]
    d3_0 = topo.link_stats(topo.s)["d3"][0]
    # rate x secs frames measured, however late the sink starts; the
    # flows run half a second longer to make sure of them.
    sink = Sink(b, topo.s, "d0", warm, int(cfg["rate"] * secs))
    secs += 0.5
    time.sleep(0.25)
    cross = None
    try:
        if cross_rate:
            # Up to rate before the measured flow starts, on after it ends.
            cross = spawn(qgen_argv(b, topo.g, "g2", topo.p2,
                                    warm + secs + 0.8,
                                    [(cflow, CROSS_LABEL, cross_rate, SIZE)]),
                          pipe=True)
            time.sleep(0.3)
        g = subprocess.run(qgen_argv(b, topo.g, "g0", topo.p0, warm + secs,
                                     [(mflow, st.label, cfg["rate"], SIZE)]),
                           capture_output=True, text=True,
                           timeout=warm + secs + 30)
        cgen = None
        if cross is not None:
            # It ends by itself half a second after the measured flow.
            cout, cerr = wait_proc(cross, 10)
            cancel(cross.cleanup)
            cgen = qgen_report(cout, cerr, cross.returncode)[cflow]
        time.sleep(0.3)
    finally:
        rows, drops = sink.finish()
        if cross is not None and cross.poll() is None:
            stop_proc(cross)
    gen = qgen_report(g.stdout, g.stderr, g.returncode)[mflow]
    m = result(gen, rows, mflow, drops, warm, cfg["rate"], SIZE)
    fwd = topo.link_stats(topo.s)["d3"][0] - d3_0
    c = {"asked": cross_rate, "offered_pps": cgen["pps"] if cgen else 0.0,
         "sent": cgen["sent"] if cgen else 0, "received": fwd}
    # The cross flow's forwarded rate: what reached d3 of what was sent,
    # at the rate it was sent.
    c["fwd_pps"] = c["offered_pps"] * fwd / c["sent"] if c["sent"] else 0.0
    return {"measured": m, "cross": c}


def run(b, cfg):
    """cfg: rate, secs, warm, cross (the rates), cross_reserve (B/s)."""
    res = {"config": dict(cfg), "setups": {}}
    for key in KEYS:
        steps = []
        with running(key, b, cross=True, routes=cross_route(cfg)) as \
                (topo, st):
            for cr in cfg["cross"]:
                s = step(b, topo, st, cr, cfg)
                steps.append(s)
                m, c = s["measured"], s["cross"]
                log("  cross %7.0f pps offered, %7.0f forwarded: measured "
                    "mean %s us, p99 %s us, jitter %s us, loss %.2f %%" % (
                        c["offered_pps"], c["fwd_pps"],
                        report.num(m["mean_us"]), report.num(m["p99_us"]),
                        report.num(m["jitter_us"]), 100 * m["loss"]))
            res["setups"][key] = {"steps": steps, "notes": st.notes}
    return res


COLS = ["setup", "cross_asked_pps", "cross_offered_pps", "cross_fwd_pps",
        "frames", "latency_us", "lat_p50_us", "lat_p99_us", "jitter_us",
        "loss_pct"]


def rows(res):
    out = []
    for key in KEYS:
        for s in res["setups"].get(key, {}).get("steps", []):
            m, c = s["measured"], s["cross"]
            out.append([key, c["asked"], round(c["offered_pps"]),
                        round(c["fwd_pps"]), m["received"],
                        _r(m["mean_us"]), _r(m["p50_us"]), _r(m["p99_us"]),
                        _r(m["jitter_us"]), round(100 * m["loss"], 3)])
    return out


def _r(v):
    return None if v is None else round(v, 3)


def write(res, out):
    """partition.csv, partition.md, partition.png."""
    rs = rows(res)
    report.write_csv(out + "/partition.csv", COLS, rs)
    report.write_md(out + "/partition.md", table(res, rs))
    return plot(res, rs, out)


def table(res, rs):
    cfg = res["config"]
    hdr = ["set-up", "cross offered (pps)", "cross forwarded (pps)",
           "mean latency (us)", "p99 (us)", "jitter (us)", "loss (%)"]
    body = [[NAME[r[0]], report.num(r[2], 0), report.num(r[3], 0),
             report.num(r[5]), report.num(r[7]), report.num(r[8]),
             report.num(r[9], 2)] for r in rs]
    return ("Partitioning (figure 5): the measured flow, %d-byte frames at "
            "%d frames/s (p0 -> p1), %g s measured after %g s of warm-up "
            "per step, while a cross flow of %d-byte frames goes p2 -> p3.  "
            "In Q-Routelet the cross flow's LSP reserves %d bytes/s.\n\n" % (
                SIZE, cfg["rate"], cfg["secs"], cfg["warm"], SIZE,
                cfg["cross_reserve"]) + report.md_table(hdr, body))


def comparison(res):
    """How often Q-Routelet beats Q-BE, and MPLS, step by step (the
    paper: better than Q-BE over most of the range, never better than
    MPLS)."""
    rs = rows(res)
    by = {}
    for r in rs:
        by.setdefault(r[0], []).append(r)
    if not all(k in by for k in KEYS):
        return "Not every set-up was measured: no comparison.\n"
    n = min(len(by[k]) for k in KEYS)
    lines = ["| metric (lower is better) | Q-Routelet better than Q-BE | "
             "Q-Routelet better than MPLS |", "|---|---:|---:|"]
    for col, what in ((5, "mean latency"), (7, "latency p99"),
                      (8, "jitter"), (9, "loss")):
        def wins(other):
            w = 0
            for i in range(n):
                a, o = by["routelet"][i][col], by[other][i][col]
                if a is not None and o is not None and a < o:
                    w += 1
            return w
        lines.append("| %s | %d of %d steps | %d of %d steps |" % (
            what, wins("qbe"), n, wins("mpls"), n))
    return "\n".join(lines) + "\n"


def plot(res, rs, out):
    """Four panels against the cross flow's offered rate: the measured
    flow's mean latency, jitter and loss, and the cross flow's forwarded
    rate."""
    files = []
    for key in KEYS:
        krs = [r for r in rs if r[0] == key]
        if not krs:
            continue
        # A log axis has no zero: the no-cross step is drawn at 100 pps.
        report.write_dat(out + "/partition-%s.dat" % key,
                         [[max(r[2], 100)] + r[3:] for r in krs])
        files.append(key)
    s = report.plot_head("partition.png", 1200, 800)
    s += ("set multiplot layout 2,2 title \"Partitioning (cf. the paper's "
          "figure 5): measured flow %d pps against a cross flow on other "
          "ports\"\nset logscale x\nset xlabel \"cross flow offered "
          "(frames/s; none drawn at 100)\"\nset format x \"10^{%%L}\"\n" %
          res["config"]["rate"])
    panels = [(5, "mean latency (us)", "(a) latency", True),
              (8, "jitter (us)", "(b) jitter", True),
              (9, "loss (%)", "(c) loss", False),
              (3, "cross forwarded (frames/s)", "(d) the cross flow", True)]
    for col, ylabel, title, logy in panels:
        s += "set title \"%s\"\nset ylabel \"%s\"\n%s\n" % (
            title, ylabel, "set logscale y" if logy else
            "unset logscale y\nset yrange [0:*]")
        s += "plot " + ", ".join(
            "\"partition-%s.dat\" using 1:%d with linespoints title \"%s\"" %
            (k, col - 1, NAME[k]) for k in files) + "\n"
        s += "set autoscale y\n"
    s += "unset multiplot\n"
    return report.gnuplot(s, out)
