"""docs/results/README.md, written from the results in results.json: what
each experiment did, on what machine and under what load, its table and
plot, and how its figures compare with the paper's."""
from qexp import fairness, overhead, paper, partition, pool, report
from qexp.setups import NAME

ORDER = ["overhead", "partition", "pool", "fairness"]
MODULE = {"overhead": overhead, "partition": partition, "pool": pool,
          "fairness": fairness}


def _machine(m):
    rows = [
        ["CPU", "%s, %s vCPUs%s" % (m["cpu"], m["cores"],
                                    ", %s MHz" % m["cpu_mhz"].split(".")[0]
                                    if m.get("cpu_mhz") else "")],
        ["memory", "%s GiB" % m["mem_gib"]],
        ["OS, kernel", "%s, Linux %s" % (m["os"], m["kernel"])],
        ["virtualisation", "hypervisor: %s; container: %s" % (
            m["virt"], m["container"])],
        ["compiler", m["cc"]],
    ]
    return report.md_table(["", ""], rows, right=())


def _load(exps):
    hdr = ["experiment", "started", "took", "mode", "load average at the "
           "start / end (1, 5, 15 min)", "CPUs busy at the start",
           "other netns", "QEMU", "busiest processes then (% of a CPU)"]
    rows = []
    for name in ORDER:
        ex = exps.get(name)
        if not ex:
            continue
        ls, le = ex["load_start"], ex.get("load_end") or {}
        rows.append([name, ls["time"], "%.0f s" % ex["secs"],
                     "quick" if ex["quick"] else "full",
                     "%s / %s" % (" ".join(ls["loadavg"]),
                                  " ".join(le.get("loadavg", []))),
                     "%s %%" % report.num(ls.get("cpu_busy_pct"), 0),
                     ls["netns"], ls["qemu"], ", ".join(ls["top"][:4])])
    return report.md_table(hdr, rows, right=())


def _short(exps):
    """One line per experiment that ran: its headline figures."""
    out = []
    ex = exps.get("overhead", {}).get("result")
    if ex:
        sm = overhead.summary(ex)
        if all(k in sm for k in ("mpls", "qbe", "routelet")):
            f = [sm[k] for k in ("mpls", "qbe", "routelet")]
            out.append(
                "Overhead: mean latency %s / %s / %s us for MPLS / Q-BE / "
                "Q-Routelet (the paper: 194.0 / %s / 249.0 us; the median "
                "here, which a stall of the machine hardly moves, %s / %s / "
                "%s us), jitter %s / %s / %s us (12.4 / 15.1 / 16.3 us), "
                "single-flow throughput %s / %s / %s Mbit/s of 1500-byte "
                "frames." % tuple(
                    [report.num(x["latency_us"][1]) for x in f] +
                    [report.num(paper.LAT_US["qbe"])] +
                    [report.num(x["lat_p50_us"][1]) for x in f] +
                    [report.num(x["jitter_us"][1]) for x in f] +
                    [report.num(x["tput_1500B_mbps"][1], 0) for x in f]))
    ex = exps.get("partition", {}).get("result")
    if ex:
        by = {}
        for r in partition.rows(ex):
            by.setdefault(r[0], []).append(r)
        if by:
            out.append(
                "Partitioning: the measured flow's mean (median) latency "
                "with no cross flow and with the heaviest: " + "; ".join(
                    "%s %s (%s) -> %s (%s) us" % (
                        NAME[k], report.num(by[k][0][5]),
                        report.num(by[k][0][6]), report.num(by[k][-1][5]),
                        report.num(by[k][-1][6]))
                    for k in ("mpls", "qbe", "routelet") if k in by) +
                "; the cross flow's routelet held it to %s frames/s." % (
                    report.num(by["routelet"][-1][3], 0)
                    if "routelet" in by else "-"))
    ex = exps.get("pool", {}).get("result")
    if ex:
        lat = [ex["runs"].get(k, {}).get("lat_us", []) for k in pool.KINDS]
        mem, _ = pool.memory(ex)
        p50 = [pool.summary(x).get("p50") for x in lat]
        out.append(
            "Pool: median LSP set-up at the router over %d LSPs %s ms from "
            "a held warm pool, %s ms from one refilling itself, %s ms "
            "creating each routelet; a routelet's PSS %s KiB." % (
                ex["config"]["lsps"], report.num(_ms(p50[1]), 2),
                report.num(_ms(p50[0]), 2), report.num(_ms(p50[2]), 2),
                report.num(mem["running"][1], 0) if "running" in mem
                else "-"))
    ex = exps.get("fairness", {}).get("result")
    if ex and "quota" in ex["series"]:
        q = fairness.means(ex, "quota")
        n = fairness.means(ex, "none") if "none" in ex["series"] else {}
        out.append(
            "Fairness: weights 1:2, both overloaded: forwarded 1:%s with "
            "the routelets as the bottleneck, 1:%s when the demux is." % (
                report.num(q["ratio"], 2), report.num(n.get("ratio"), 2)))
    return "".join("- %s\n" % x for x in out)


def _ms(us):
    return us / 1e3 if us is not None else None


def _ratio(a, b):
    return a / b if a is not None and b else None


def _overhead_text(res):
    sm = overhead.summary(res)
    lat = {k: sm[k]["latency_us"][1] for k in sm}
    jit = {k: sm[k]["jitter_us"][1] for k in sm}
    t15 = {k: sm[k]["tput_1500B_mbps"][1] for k in sm}
    out = []
    if all(k in lat for k in ("mpls", "qbe", "routelet")):
        out.append(
            "Here the routelet path's mean latency is %s times the standard "
            "router's and %s times Q-BE's; in the paper Q-Routelet took %s "
            "times the standard router's latency (249 against 194 us) and "
            "22 %% more than Q-BE.  Jitter: %s, %s and %s us here against "
            "the paper's 12.4, 15.1 and 16.3 us.  Single-flow throughput of "
            "1500-byte frames: Q-Routelet forwards %s times what the "
            "standard router does (the paper saw no significant "
            "difference)." % (
                report.num(_ratio(lat["routelet"], lat["mpls"]), 2),
                report.num(_ratio(lat["routelet"], lat["qbe"]), 2),
                report.num(paper.LAT_US["routelet"] / paper.LAT_US["mpls"],
                           2),
                report.num(jit["mpls"]), report.num(jit["qbe"]),
                report.num(jit["routelet"]),
                report.num(_ratio(t15["routelet"], t15["mpls"]), 2)))
    return "\n".join(out)


OVERHEAD_NOTES = """\
How to read it.  The paper's overheads come from Xen: Q-BE pays for
running the standard router in a domain, Q-Routelet for two domain
switches per packet.  Here nothing is virtualised in that sense: the
routelet is a process in its own network namespace and cgroup, and Q-BE is
quasar-demux's own label switch, a single process like qfwd (it reads a
TPACKET ring where qfwd calls recvmmsg).  What the routelet path adds is
the second hop: the demux sends the frame into the routelet's VIF (a veth),
the routelet wakes up, receives it, swaps the label and sends it out of its
egress VIF, which dom0 redirects to the port.  At a steady 1000 frames/s
every frame finds each process asleep, so the latency is mostly the cost
of waking one (the standard router, Q-BE) or two (Q-Routelet) processes on
this virtual machine, where waking an idle vCPU costs tens of
microseconds (docs/performance.md, "Where the routelet path's time goes").
On a shared 2-vCPU machine the per-run means also move with whatever else
runs: the min-max ranges say how far.
"""


def _partition_text(res):
    rs = partition.rows(res)
    by = {}
    for r in rs:
        by.setdefault(r[0], []).append(r)
    out = []
    sat = []
    for k in ("mpls", "qbe", "routelet"):
        if k in by:
            top = max(by[k], key=lambda r: r[2])
            sat.append("%s %s of %s offered" % (
                NAME[k], report.num(top[3], 0), report.num(top[2], 0)))
    if sat:
        out.append("At the highest cross rate the set-ups forwarded, of the "
                   "cross flow (frames/s): " + "; ".join(sat) + ".")
    worst = ["%s %s %%" % (NAME[k], report.num(max(r[9] for r in by[k]), 2))
             for k in ("mpls", "qbe", "routelet") if k in by]
    if worst:
        out.append("The measured flow's largest loss over the steps: " +
                   ", ".join(worst) + ".")
    return "  ".join(out)


def _fairness_text(res):
    out = []
    for name, what in (("quota", "With the routelets' group limited to "
                        "%d %% of a CPU" % res["config"]["quota_pct"]),
                       ("none", "Without the limit")):
        if name not in res["series"]:
            continue
        m = fairness.means(res, name)
        out.append("%s, B forwarded %s times as much as A (per interval "
                   "%s to %s), with %s times A's CPU time." % (
                       what, report.num(m["ratio"], 2),
                       report.num(m["min"], 2), report.num(m["max"], 2),
                       report.num(_ratio(m["b_cpu"], m["a_cpu"]), 2)))
    return "  ".join(out)


PARTITION_NOTES = """\
How to read it.  The cross flow shares no port with the measured flow:
what it can take from it is CPU (and, in the two QuaSAR set-ups, the
demux, which classifies every frame before anything else happens to it).
In the standard router and in Q-BE both flows are served by one process
and one table, so the cross flow queues in front of the measured one.  In
Q-Routelet the cross flow's excess is dropped by its own routelet's
shaper, but only after the demux has received it and handed it to that
routelet's VIF: the classification cost, which the paper's section VII
names as one that cannot be charged to the flow's routelet, is paid in
dom0 for every frame.
"""

POOL_NOTES = """\
How to read it.  A routelet taken from the pool is already a paused
process in its own namespace with its VIFs and cgroups: setting up an LSP
then means configuring it, unpausing it, and adding its label to the
demux: the "held" column.  When the
pool refills itself in the background (the "refilled" column: the pool's
target equals its size, so every routelet taken is replaced at once),
LSPs that arrive while a replacement is being built wait behind it: a
replacement takes tens of milliseconds, most of it creating the namespace
and veths under the kernel's RTNL lock.  Once the pool has reached its
maximum (40 routelets more than it started with) it creates no more, and
the later LSPs set up as fast as from the held pool.  Creating each routelet on demand
("cold") costs that on every LSP.  The paper creates routelets ahead of
time for the same reason ("it extracts a routelet from the idle pool"); it
gives no set-up times.

Memory: PSS counts a routelet's private pages in full and its share of
pages shared with the others (libc, libnl, the routelet binary); RSS
counts every page it maps.  The kernel's part (the namespace, two veth
pairs, cgroups, the process) is not in either; the kernel figure is an
estimate from /proc/meminfo, which other work on the machine moves too.
"""

FAIRNESS_NOTES = """\
How to read it.  Each routelet's share of the CPU is its cgroup's
cpu.shares (weight x 1024 / 100), so CFS divides the CPU between two busy
routelets 1:2.  The forwarded rates follow that split only where the
routelets are what limits the forwarding.  With the routelets' group
limited, the demux keeps up and both routelets are short of CPU, so the
rates should split near 1:2 (a little under: the receive work for both
VIFs is done in the demux's context and shared equally).  Without the
limit, if the demux, which here shares the routelets' CPU with a weight
of its own, saturates first, each routelet forwards what it is handed
and the rates are equal whatever the weights.  The paper used
Xen's BVT scheduler, which "attempt[s] to provid[e] a proportional fair
share of CPU time to each domain"; it reports no measurement of it.
"""

HEAD = """\
# The paper's experiments: results

The two experiments of %s (section VI: figures 4 and 5), and two more
on what the paper describes but does not measure (the pool of idle
routelets, CPU shares between routelets), run on this tree's router (the
local backend) by `make experiments` (`tools/experiments`).  This page,
its tables and its plots are written by that tool: a new run replaces
them.  The paper's figures quoted here are those its text states; nothing
is read off its plots.

"""

RERUN = """\
## How to rerun

    make experiments                          # as root: installs gnuplot,
                                              # tcpdump, tshark; builds; runs all four
    tools/experiments [BUILD] [-o DIR]        # the same, built already
    tools/experiments --only partition,pool   # some; the others' results are kept
    tools/experiments --quick -o /tmp/qx      # all four, small: about a minute

A full run takes about %s.  `--quick` shrinks every experiment (2 runs of
500 frames, 3 cross-flow steps, 6 LSPs, 3.5 s of overload) to check that
it works: its figures mean little.  `tests/integ/test_experiments.py` runs
it under `make check`.

"""

DIFFERS = """\
## What differs from the paper's testbed

The paper: %s.  Here, on one machine:

- Every node is a network namespace and every link a veth pair (no
  wire, no 100 Mbit/s limit); the router's processes run pinned to one
  vCPU, qgen and qsink to the other.  A veth hands a frame to its peer in
  the sender's context, so part of each receive is paid on the sender's
  CPU.
- Routelets are processes in their own namespace and cgroup (the local
  backend), not Xen domains, and "dom0" is the router's namespace where
  quasar-demux runs.  Q-BE is therefore not a virtualised standard
  router, as in the paper, but quasar-demux's best-effort label table;
  the standard router is `tools/qfwd.c`, one process switching every
  route (`qfwd -R`).
- Latency is one-way, from qgen's send stamp (CLOCK_MONOTONIC, just
  before the send) to the kernel's receive stamp at the sink, on one
  clock; jitter is the paper's (footnote 6): the mean of
  |(recv_k - recv_k-1) - (sent_k - sent_k-1)|.
- Single-flow throughput: the paper used iPerf over TCP.  No TCP
  endpoint sits on an LSP here (the label edge routers do no MPLS:
  docs/lab.md), so it is the rate a set-up forwards when qgen offers
  more than it can take, of 1500-byte frames (in Mbit/s, the nearest to a
  bulk TCP transfer) and of 70-byte ones (frames/s).
- The smallest frame qgen makes with its measurement header is 70 bytes
  (the paper's timing packets were 70 bytes too), so the "minimum-size"
  cross flow is 70-byte frames.
- CPU shares come from Linux's CFS and cgroup cpu.shares, not Xen's BVT.

"""

FILES = """\
## Files

| file | what |
|---|---|
| `overhead_runs.csv` | experiment 1, one row per set-up and run: frames measured, mean latency, jitter, p50 and p99 latency, loss, throughput at 70 and 1500 bytes |
| `overhead.csv` | the same as min, avg and max per set-up and figure |
| `partition.csv` | experiment 2, one row per set-up and cross-flow step: the cross flow asked, offered and forwarded; the measured flow's frames, mean, p50 and p99 latency, jitter, loss |
| `pool.csv` | experiment 3, one row per LSP: its set-up time with a refilled pool, a held pool, and cold |
| `pool_memory.csv` | experiment 3's memory figures (KiB): PSS and RSS medians per routelet state, the kernel's growth per routelet |
| `fairness.csv` | experiment 4, one row per series and interval: each routelet's forwarded rate and CPU share, and the ratio |
| `*.md`, `*.png` | each experiment's table and plot, as above |
| `results.json` | everything the run measured, raw, with the machine and its load |
"""


def text(results, out):
    exps = results.get("experiments", {})
    quick = [n for n in ORDER if exps.get(n, {}).get("quick")]
    t = HEAD % paper.REF
    if quick:
        t += ("**These figures come from a `--quick` run (%s)**: they show "
              "that the experiments work, not what the router does.\n\n" %
              ", ".join(quick))
    t += ("Run at commit %s.\n\n" % (results.get("commit") or "unknown"))
    secs = sum(exps[n]["secs"] for n in ORDER if n in exps and
               not exps[n]["quick"])
    t += RERUN % ("%.0f minutes" % (secs / 60) if secs else
                  "ten minutes")
    short = _short(exps)
    if short:
        la = [float(x) for n in ORDER if n in exps
              for x in (exps[n]["load_start"]["loadavg"][0],
                        (exps[n].get("load_end") or {}).get("loadavg",
                                                            ["0"])[0])]
        t += ("## In short\n\nUnder a 1-minute load average of %.1f to %.1f "
              "on 2 vCPUs (see \"Load while they ran\"):\n\n" % (
                  min(la), max(la)) + short + "\n")
    t += "## The machine\n\nAs the tool read it off the machine:\n\n"
    t += _machine(results["machine"]) + "\n"
    t += "## Load while they ran\n\n" + _load(exps) + "\n"
    t += ("The busiest processes are sampled over half a second just before "
          "each experiment starts, when none of its own run: a qgen, "
          "routelet or quasar-demux there is someone else's (a `make demo` "
          "or `make check`).  ")
    t += ("This is a shared 2-vCPU virtual machine: other engineers' builds, "
          "tests and a QEMU guest may run beside the experiments, and every "
          "figure here moves with them (a load average above about 2 means "
          "someone else's work was competing for the two CPUs).  Compare "
          "the set-ups within one table rather than across runs.\n\n")
    t += DIFFERS % paper.TESTBED
    sections = [
        ("overhead", "1. Virtualisation overhead (the paper's figure 4)",
         "The paper (section VI-A): timestamped 70-byte packets, averaged "
         "over 5 runs of at least 3000 packets; \"a packet takes, on "
         "average, 194 us to travel through the network using the standard "
         "MPLS router\", Q-BE adds 5.2 %, \"the average latency for packets "
         "processed by Q-Routelet is 249 us, 22 % greater than Q-BE\"; "
         "jitter 12.4 us (MPLS), 15.1 us (Q-BE) and 16.3 us (Q-Routelet); "
         "throughput: " + paper.THROUGHPUT + ".",
         OVERHEAD_NOTES),
        ("partition", "2. Partitioning (the paper's figure 5)",
         "The paper (section VI-B): a cross flow of " + paper.CROSS +
         ", rising; " + paper.FIG5,
         PARTITION_NOTES),
        ("pool", "3. Pool and scale", None, POOL_NOTES),
        ("fairness", "4. Fairness", None, FAIRNESS_NOTES),
    ]
    for name, title, said, notes in sections:
        t += "## %s\n\n" % title
        mod = MODULE[name]
        t += mod.__doc__.split("\n\n", 1)[1].strip() + "\n\n"
        ex = exps.get(name)
        if not ex:
            t += "Not run yet: `tools/experiments --only %s`.\n\n" % name
            continue
        if "error" in ex:
            t += "**This experiment failed in its last run:** %s\n\n" % (
                ex["error"])
            continue
        res = ex["result"]
        t += "### Figures\n\n" + mod.table(*_table_args(name, res)) + "\n"
        t += "![%s](%s.png)\n\n" % (title, name)
        if said:
            t += "### Against the paper\n\n" + said + "\n\n"
            t += mod.comparison(res) + "\n"
        extra = {"overhead": _overhead_text, "partition": _partition_text,
                 "fairness": _fairness_text}.get(name)
        if extra and extra(res):
            t += extra(res) + "\n\n"
        t += notes + "\n"
    t += FILES
    return t


def _table_args(name, res):
    """What each module's table() takes, rebuilt from the results."""
    if name == "partition":
        return res, partition.rows(res)
    if name == "pool":
        lat = [res["runs"].get(k, {}).get("lat_us", []) for k in pool.KINDS]
        mem, kern = pool.memory(res)
        return res, lat, mem, kern
    return (res,)
