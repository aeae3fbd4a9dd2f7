#!/usr/bin/python3
"""Admission's per-packet cost, measured at start-up, in the namespaces of
tests/integ/test_rsvp.py (head-end -> QuaSAR router -> tail-end, each its
own quasard):

  - with no per-packet cost configured, every quasard measures one by
    forwarding frames through a routelet of its own: the figure is one
    a real forwarding path gives (1 us to 1 ms a frame: no tighter
    bound, timings on a shared machine are noisy), it is shown by
    `rsvp show admission` (text and JSON) and logged once, and the
    routelet it used is gone;
  - a QoS LSP's CPU share at the router is its peak packet rate (p / m)
    times that figure, and its routelet's weight and cap follow;
  - per-packet-ns in the configuration file overrides it: no
    measurement, the share follows the configured figure;
  - a measurement that cannot run (the calibration routelet's VIF name
    is taken) is logged once with its reason and the documented default,
    20000 ns, is used.

    tests/integ/test_calib.py BUILD_DIR
"""
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab import sh  # noqa: E402
from test_rsvp import (RESULTS, Lab3, check, he_up, wait_for,  # noqa: E402
                       R_MS, K)

CALIB_ID = 1048575          # src/calib.h: CALIB_DOM_ID
CALIB_FRAMES = 7 * 40       # CALIB_ROUNDS * CALIB_ROUND_FRAMES
DEFAULT_NS = 20000          # CALIB_DEFAULT_NS
# LSP A: peak 20000 B/s in packets of at least 100 B: 200 packets/s.
A_PPS = 200


def expected_ppm(ns):
    """admit_cpu_ppm: packets/s x ns / 1000, rounded up."""
    return (A_PPS * ns + 999) // 1000


def expected_weight_cap(ppm):
    """admit_cpu_params: weight ppm/100 in 10..10000, cap twice the share
    in whole percent (rounded up) in 5..100."""
    w = min(max(ppm // 100, 10), 10000)
    cap = min(max((2 * ppm + 9999) // 10000, 5), 100)
    return w, cap


def log_of(node, what):
    try:
        return open("%s.%s.log" % (node.statedir, what)).read()
    except OSError:
        return ""


def calib_left(node):
    """What is left of the calibration routelet: its cgroup, its VIFs."""
    inst = os.path.basename(node.statedir)
    left = [p for p in ("/sys/fs/cgroup/freezer/%s/rl%d" % (inst, CALIB_ID),
                        "/sys/fs/cgroup/%s/rl%d" % (inst, CALIB_ID))
            if os.path.exists(p)]
    links = sh("ip -o link show", ns=node.ns)
    left += [l.split(":")[1].strip() for l in links.splitlines()
             if "vif%d." % CALIB_ID in l]
    return left


def rsb_a(node, tunnel):
    return ([b for b in node.ctlj("rsvp", "show", "rsb")
             if b["tunnel_id"] == tunnel and b["qos"]] or [None])[0]


def share_follows(node, tunnel, ns, what):
    """A's reservation at the router takes A_PPS x ns of CPU, and its
    routelet the weight and cap that share gives."""
    ppm = expected_ppm(ns)
    ok = wait_for(lambda: (rsb_a(node, tunnel) or {}).get("cpu_ppm") ==
                  ppm, 10)
    b = rsb_a(node, tunnel)
    adm = node.ctlj("rsvp", "show", "admission")
    check("%s: A's reservation takes %d packets/s x %d ns = %d ppm of "
          "CPU" % (what, A_PPS, ns, ppm),
          ok and adm["cpu_used_ppm"] == ppm, (b, adm["cpu_used_ppm"]))
    w, cap = expected_weight_cap(ppm)
    lsp = [l for l in node.ctlj("lsp", "show")
           if b is not None and l["name"] == b["lsp"]]
    check("%s: A's routelet has weight %d and cap %d%% from that share"
          % (what, w, cap), len(lsp) == 1 and lsp[0]["weight"] == w and
          lsp[0]["cap"] == cap and lsp[0]["routelet"], lsp)


def lsp_a(head, what):
    """LSP A signalled afresh through the router (the one running now:
    each restart starts from no state, not from a refresh the old
    router's teardown raced); its tunnel id."""
    head.ctl("lsp", "add", "A", "to=10.97.2.1", "rate=10000",
             "peak=20000", "min-unit=100")
    check("%s: QoS LSP A comes up" % what, he_up(head, "A"), head.he("A"))
    return (head.he("A") or {}).get("tunnel_id")


def check_measured(node, what, log):
    adm = node.ctlj("rsvp", "show", "admission")
    c = adm.get("calibration") or {}
    ns = adm["per_packet_ns"]
    check("%s: per-packet cost measured at start-up, %s ns a frame, "
          "within 1 us - 1 ms" % (what, ns),
          adm["per_packet_source"] == "measured" and
          1000 <= ns <= 1000000 and c.get("per_frame_ns") == ns and
          c.get("error") is None, adm)
    check("%s: %d frames went through the routelet at %s/s and came "
          "back, the median round between the cheapest and the dearest"
          % (what, CALIB_FRAMES, c.get("rate")),
          c.get("frames_sent") == CALIB_FRAMES and
          c.get("frames_back", 0) >= CALIB_FRAMES * 9 // 10 and
          c.get("min_ns", 0) <= ns <= c.get("max_ns", 0) and
          c.get("cpu_ns", 0) > 0 and adm["calibration_ms"] > 0, c)
    text = node.ctl("rsvp", "show", "admission").stdout
    check("%s: the text shows it too" % what,
          "%d ns a packet (measured)" % ns in text and
          "measured at start-up through a routelet" in text, text)
    lines = [l for l in log.splitlines() if "calibration" in l]
    check("%s: logged once at start: '%d ns a frame'" % (what, ns),
          len(lines) == 1 and "calibration: %d ns a frame" % ns in lines[0],
          lines)
    check("%s: nothing is left of the calibration routelet" % what,
          not calib_left(node), calib_left(node))
    return ns


def write_conf(lab, path, cost):
    """The router's options as a configuration file, with cost as its
    <admission per-packet-ns>."""
    with open(path, "w") as f:
        f.write('''<?xml version="1.0"?>
<quasard xmlns="urn:quasar:quasard:1">
  <statedir>%s</statedir>
  <pool min="2" target="2" max="3"/>
  <rsvp refresh-ms="%d" keep-multiplier="%d"/>
  <admission cpu-budget-percent="20" per-packet-ns="%s"/>
  <interface name="p0" reservable="80Mbit"/>
  <interface name="p1" reservable="80Mbit"/>
</quasard>
''' % (lab.r.statedir, R_MS, K, cost))


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    lab = Lab3(build, router_cost=())
    H, R, T = lab.h, lab.r, lab.t
    conf = R.statedir + ".conf.xml"
    peer = False
    try:
        lab.up()
        ns = check_measured(R, "router", log_of(R, "quasard"))
        check_measured(H, "head-end (one port: in and out on one VIF)",
                       log_of(H, "quasard"))

        tunnel = lsp_a(H, "measured")
        share_follows(R, tunnel, ns, "measured")

        # ---- per-packet-ns in the file overrides the measurement -----
        H.ctl("lsp", "del", "A")
        write_conf(lab, conf, 3000)
        lab.restart_router([lab.build + "/bin/quasard", "-f", conf, "-v"],
                           "quasard2")
        adm = R.ctlj("rsvp", "show", "admission")
        check("per-packet-ns=3000 in the file: used as it is, nothing "
              "measured", adm["per_packet_ns"] == 3000 and
              adm["per_packet_source"] == "configured" and
              adm["calibration"] is None and adm["calibration_ms"] == 0,
              adm)
        log = log_of(R, "quasard2")
        check("... and no calibration in the log, the figure at start",
              "calibration" not in log and
              "3000 ns a packet (configured)" in log, log[-2000:])
        tunnel = lsp_a(H, "configured")
        share_follows(R, tunnel, 3000, "configured")
        H.ctl("lsp", "del", "A")

        # ---- a measurement that fails falls back to the default -------
        sh("ip link add vif%d.0 type veth peer name calibpeer" % CALIB_ID,
           ns=R.ns)
        peer = True
        write_conf(lab, conf, "auto")
        lab.restart_router([lab.build + "/bin/quasard", "-f", conf, "-v"],
                           "quasard3")
        adm = R.ctlj("rsvp", "show", "admission")
        c = adm["calibration"] or {}
        check("calibration that cannot make its routelet: the default, "
              "%d ns, and why" % DEFAULT_NS,
              adm["per_packet_ns"] == DEFAULT_NS and
              adm["per_packet_source"] == "default" and
              "could not make routelet domain" in (c.get("error") or ""),
              adm)
        text = R.ctl("rsvp", "show", "admission").stdout
        check("... the text says so",
              "%d ns a packet (default)" % DEFAULT_NS in text and
              "calibration failed (could not make" in text, text)
        lines = [l for l in log_of(R, "quasard3").splitlines()
                 if "calibration" in l]
        check("... logged once, with the reason and the default",
              len(lines) == 1 and "calibration failed: could not make" in
              lines[0] and "assuming %d ns" % DEFAULT_NS in lines[0],
              lines)
        tunnel = lsp_a(H, "default")
        share_follows(R, tunnel, DEFAULT_NS, "default")
    except Exception:
        traceback.print_exc()
        check("test ran to the end", False)
    finally:
        if any(not ok for _, ok in RESULTS):
            lab.dump_logs()
        if peer:
            sh("ip link del vif%d.0" % CALIB_ID, ns=R.ns, check=False)
        lab.down()
        lab.rm_logs()
        for path in (conf,):
            try:
                os.unlink(path)
            except OSError:
                pass
    passed = sum(1 for _, ok in RESULTS if ok)
    failed = len(RESULTS) - passed
    print("calib: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
