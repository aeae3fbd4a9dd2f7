"""Experiment 1, the paper's figure 4: what virtualisation costs one flow.

For each set-up, five runs of one flow of 70-byte frames from g0 to d0
(qgen -> qsink): the mean one-way latency and the paper's jitter over
3500 frames at 1000 frames/s, then the single-flow throughput, the rate
the set-up forwards when qgen offers all it can, of 70-byte and of
1500-byte frames.  Per figure: the min, mean and max of the per-run values
(the paper's error bars are the min and max per-run averages).
"""
import statistics

from dplab import SAT_RATE, log, trial
from qexp import paper, report
from qexp.setups import KEYS, NAME, running

SMALL, LARGE = 70, 1500
# name, unit, what, from a run
METRICS = [
    ("latency_us", "us", "mean one-way latency", lambda r: r["lat"]["mean_us"]),
    ("jitter_us", "us", "jitter (paper's)", lambda r: r["lat"]["jitter_us"]),
    ("lat_p50_us", "us", "latency p50", lambda r: r["lat"]["p50_us"]),
    ("lat_p99_us", "us", "latency p99", lambda r: r["lat"]["p99_us"]),
    ("loss_pct", "%", "loss at the steady rate",
     lambda r: 100.0 * r["lat"]["loss"]),
    ("tput_70B_kpps", "kpps", "throughput, 70 B frames",
     lambda r: r["thr70"]["fwd_pps"] / 1e3),
    ("tput_1500B_mbps", "Mbit/s", "throughput, 1500 B frames",
     lambda r: r["thr1500"]["fwd_pps"] * LARGE * 8 / 1e6),
]


def run(b, cfg):
    """cfg: runs, rate (pps), secs (per latency run), warm, thr_secs."""
    res = {"config": dict(cfg), "setups": {}}
    for key in KEYS:
        runs = []
        with running(key, b) as (topo, st):
            for i in range(cfg["runs"]):
                # The sink counts rate x secs frames after the warm-up;
                # qgen sends half a second more, for a sink that starts
                # late on a busy machine.
                lat = trial(b, topo, st.label, SMALL, cfg["rate"],
                            cfg["secs"] + 0.5, warm=cfg["warm"],
                            count=int(cfg["rate"] * cfg["secs"]))
                t70 = trial(b, topo, st.label, SMALL, SAT_RATE,
                            cfg["thr_secs"])
                t1500 = trial(b, topo, st.label, LARGE, SAT_RATE,
                              cfg["thr_secs"])
                r = {"lat": lat, "thr70": t70, "thr1500": t1500}
                runs.append(r)
                log("  run %d: %d frames, mean %.1f us, jitter %.1f us, "
                    "loss %.2f %%; %.0f pps (70 B), %.0f Mbit/s (1500 B)" %
                    (i + 1, lat["received"], lat["mean_us"] or -1,
                     lat["jitter_us"] or -1, 100 * lat["loss"],
                     t70["fwd_pps"], t1500["fwd_pps"] * LARGE * 8 / 1e6))
            res["setups"][key] = {"runs": runs, "notes": st.notes}
    return res


def summary(res):
    """{key: {metric: (min, mean, max)}} over the runs."""
    out = {}
    for key, s in res["setups"].items():
        out[key] = {}
        for name, _, _, get in METRICS:
            v = [get(r) for r in s["runs"]]
            v = [x for x in v if x is not None]
            out[key][name] = (min(v), statistics.mean(v), max(v)) if v \
                else (None, None, None)
    return out


def write(res, out):
    """overhead_runs.csv, overhead.csv, overhead.md, overhead.png."""
    rows = []
    for key in KEYS:
        for i, r in enumerate(res["setups"].get(key, {}).get("runs", [])):
            rows.append([key, i + 1, r["lat"]["received"]] +
                        [round(get(r), 3) if get(r) is not None else None
                         for _, _, _, get in METRICS])
    report.write_csv(out + "/overhead_runs.csv", ["setup", "run", "frames"] +
                     [m[0] for m in METRICS], rows)
    sm = summary(res)
    rows = []
    for key in KEYS:
        if key not in sm:
            continue
        for name, unit, _, _ in METRICS:
            lo, avg, hi = sm[key][name]
            rows.append([key, name, unit] + [round(x, 3) if x is not None
                                             else None for x in (lo, avg, hi)])
    report.write_csv(out + "/overhead.csv", ["setup", "metric", "unit",
                                             "min", "avg", "max"], rows)
    report.write_md(out + "/overhead.md", table(res))
    return plot(res, out)


def table(res):
    sm = summary(res)
    cfg = res["config"]
    hdr = ["set-up"] + ["%s (%s)" % (what, unit)
                        for _, unit, what, _ in METRICS]
    rows = []
    for key in KEYS:
        if key not in sm:
            continue
        row = [NAME[key]]
        for name, _, _, _ in METRICS:
            lo, avg, hi = sm[key][name]
            nd = 2 if name == "loss_pct" else 1
            row.append("%s (%s-%s)" % (report.num(avg, nd),
                                       report.num(lo, nd),
                                       report.num(hi, nd)))
        rows.append(row)
    return ("Virtualisation overhead (figure 4): %d runs per set-up; "
            "latency and jitter over %g s of %d-byte frames at %d frames/s "
            "(after %g s of warm-up), throughput when qgen offers all it "
            "can for %g s.  Each cell: mean of the per-run values "
            "(min-max).\n\n" % (cfg["runs"], cfg["secs"], SMALL, cfg["rate"],
                                cfg["warm"], cfg["thr_secs"]) +
            report.md_table(hdr, rows))


def comparison(res):
    """Sentences comparing this run with the paper's figure 4."""
    sm = summary(res)
    if not all(k in sm for k in KEYS):
        return "Not every set-up was measured: no comparison.\n"
    lat = {k: sm[k]["latency_us"][1] for k in KEYS}
    jit = {k: sm[k]["jitter_us"][1] for k in KEYS}
    t70 = {k: sm[k]["tput_70B_kpps"][1] for k in KEYS}
    t15 = {k: sm[k]["tput_1500B_mbps"][1] for k in KEYS}
    p = paper

    def ratio(a, b):
        return a / b if a is not None and b else float("nan")
    lines = [
        "| | MPLS | Q-BE | Q-Routelet | Q-BE / MPLS | Q-Routelet / Q-BE |",
        "|---|---:|---:|---:|---:|---:|",
        "| mean latency, paper (us) | %s | %s | %s | %.3f | %.2f |" % (
            report.num(p.LAT_US["mpls"]), report.num(p.LAT_US["qbe"]),
            report.num(p.LAT_US["routelet"]), 1 + p.QBE_OVER_MPLS,
            1 + p.ROUTELET_OVER_QBE),
        "| mean latency, here (us) | %s | %s | %s | %.3f | %.2f |" % (
            report.num(lat["mpls"]), report.num(lat["qbe"]),
            report.num(lat["routelet"]), ratio(lat["qbe"], lat["mpls"]),
            ratio(lat["routelet"], lat["qbe"])),
        "| jitter, paper (us) | %s | %s | %s | %.2f | %.2f |" % (
            p.JITTER_US["mpls"], p.JITTER_US["qbe"], p.JITTER_US["routelet"],
            p.JITTER_US["qbe"] / p.JITTER_US["mpls"],
            p.JITTER_US["routelet"] / p.JITTER_US["qbe"]),
        "| jitter, here (us) | %s | %s | %s | %.2f | %.2f |" % (
            report.num(jit["mpls"]), report.num(jit["qbe"]),
            report.num(jit["routelet"]), ratio(jit["qbe"], jit["mpls"]),
            ratio(jit["routelet"], jit["qbe"])),
        "| throughput 70 B, here (kpps) | %s | %s | %s | %.2f | %.2f |" % (
            report.num(t70["mpls"]), report.num(t70["qbe"]),
            report.num(t70["routelet"]), ratio(t70["qbe"], t70["mpls"]),
            ratio(t70["routelet"], t70["qbe"])),
        "| throughput 1500 B, here (Mbit/s) | %s | %s | %s | %.2f | %.2f |"
        % (report.num(t15["mpls"], 0), report.num(t15["qbe"], 0),
           report.num(t15["routelet"], 0), ratio(t15["qbe"], t15["mpls"]),
           ratio(t15["routelet"], t15["qbe"])),
    ]
    return "\n".join(lines) + "\n"


def plot(res, out):
    """Three panels like the paper's figure 4: bars at the mean, error
    bars from the min to the max per-run value."""
    sm = summary(res)
    rows = []
    for i, key in enumerate(k for k in KEYS if k in sm):
        r = [i, NAME[key]]
        for name in ("latency_us", "jitter_us", "tput_1500B_mbps",
                     "tput_70B_kpps"):
            r += list(sm[key][name])
        rows.append(r)
    report.write_dat(out + "/overhead.dat", rows)
    panels = [(3, "mean latency (us)", "(a) latency"),
              (6, "jitter (us)", "(b) jitter"),
              (9, "Mbit/s", "(c) throughput, 1500 B frames"),
              (12, "kpps", "(d) throughput, 70 B frames")]
    s = report.plot_head("overhead.png", 1200, 800)
    s += "set multiplot layout 2,2 title \"Virtualisation overhead " \
         "(cf. the paper's figure 4): mean of the runs, bars min-max\"\n"
    s += "set style fill solid 0.6 border -1\nset boxwidth 0.6\n" \
         "unset key\nset yrange [0:*]\nset xrange [-0.6:%g]\n" % (
             len(rows) - 0.4)
    for col, ylabel, title in panels:
        s += ("set title \"%s\"\nset ylabel \"%s\"\n"
              "plot \"overhead.dat\" using 1:%d:xtic(2) with boxes "
              "lc rgb \"#4a7ab5\", \"\" using 1:%d:%d:%d with yerrorbars "
              "lc rgb \"black\" pt 0\n" % (title, ylabel, col + 1, col + 1,
                                          col, col + 2))
    s += "unset multiplot\n"
    return report.gnuplot(s, out)
