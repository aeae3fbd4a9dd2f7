"""The paper's three router set-ups on this tree's machinery (bench/dplab):

  mpls      the standard router: tools/qfwd.c, one process switching
            every route (the paper's MPLS Linux)
  qbe       dom0's best-effort path: quasar-demux's shared label table
            (the paper's Q-BE)
  routelet  quasar-demux hands each LSP's frames to its own routelet
            (the paper's Q-Routelet)

running() stands one up on a fresh topology, checks that it forwards
and rewrites the label, and takes everything down on the way out.
"""
import contextlib
import os
import re
import shutil
import tempfile

from benchlib import cancel, on_exit
from dplab import BestEffort, Qfwd, Routelet, Topo, check_forwards, log

KEYS = ["mpls", "qbe", "routelet"]
NAME = {"mpls": "MPLS", "qbe": "Q-BE", "routelet": "Q-Routelet"}
WHAT = {"mpls": "qfwd, one process",
        "qbe": "quasar-demux's best-effort table",
        "routelet": "quasar-demux -> routelet"}
CLASS = {"mpls": Qfwd, "qbe": BestEffort, "routelet": Routelet}
# The set-up the experiments' figures were taken with (docs/results): the
# demux in user space (quasar-demux -x off) and routelets that receive
# with recvmmsg (no receive ring).  With the XDP classifier or the rings
# a routelet's receive work moves off the router's CPU or gets cheaper,
# the routelets stop being the bottleneck of this lab, and the fairness
# experiment's CPU weights have nothing left to divide.
DEMUX_XDP = "off"
RX_RING = False
# The experiments' own names: namespaces qx-<random>-{g,r,s} (and
# qxr-<random>-{h,r,t} for the signalling lab), routers' cgroups qx-<random>,
# temporary directories /tmp/qx-*.  QX_PREFIX in the environment puts
# another prefix in place of qx, so that a caller can tell what one run
# left behind from what another, running beside it, has up.
PREFIX = os.environ.get("QX_PREFIX", "qx")
if not re.fullmatch(r"[a-z][a-z0-9]{0,9}", PREFIX):
    raise SystemExit("QX_PREFIX=%r: 1 to 10 lower-case letters and digits, "
                     "a letter first" % PREFIX)


@contextlib.contextmanager
def running(key, b, cross=False, routes=None, measured=None):
    """Yields (topo, setup) for set-up `key`; routes(topo), if given,
    returns the routes to switch beside the measured one; measured, a dict
    of the measured route's attributes to change (its weight, say)."""
    topo = Topo(prefix=PREFIX, cross=cross).up()
    tmp = tempfile.mkdtemp(prefix="%s-%s-" % (PREFIX, key))

    def rm():
        shutil.rmtree(tmp, ignore_errors=True)
    on_exit(rm)
    kw = {"xdp": DEMUX_XDP} if key in ("qbe", "routelet") else {}
    st = CLASS[key](b, topo, tmp, extra_routes=routes(topo) if routes
                    else (), **kw)
    if key == "routelet":
        st.rx_ring = RX_RING
    for k, v in (measured or {}).items():
        setattr(st.routes[0], k, v)
    try:
        log("%s (%s): starting" % (NAME[key], WHAT[key]))
        st.start()
        check_forwards(b, topo, st)
        yield topo, st
    except Exception:
        for p in st.procs:
            tail = st.log_tail(p.name, 1500)
            if tail:
                print("---- %s log:\n%s" % (p.name, tail), flush=True)
        raise
    finally:
        try:
            st.stop()
        finally:
            topo.down()
            rm()
            cancel(rm)
