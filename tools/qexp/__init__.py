"""The paper's experiments (tools/experiments): one module per experiment,
and what they share: the set-ups, the machine's description, the tables
and plots.  The lab machinery itself is bench/'s (dplab, benchlib,
bench_rsvp), put on the path here."""
import os
import sys

BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                     "bench")
if BENCH not in sys.path:
    sys.path.insert(0, BENCH)
