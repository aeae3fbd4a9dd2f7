#!/usr/bin/python3
"""test_dataplane.py with quasar-demux's XDP classifier on (-x auto): the
same checks (swap, best effort, IP, pausing, a next-hop change in flight,
isolation both ways, rate, kill -9, the pool, shutdown), and that the
routelets' frames went by XDP and never through the user-space demux.

    tests/integ/test_dataplane_xdp.py BUILD_DIR
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_dataplane  # noqa: E402

if __name__ == "__main__":
    sys.exit(test_dataplane.main("auto"))
