#!/usr/bin/python3
"""test_demux.py's cases with quasar-demux's XDP classifier on (-x auto),
and the XDP run's own: the program is on both ports, a VIF that cannot
take XDP frames is served from user space, a port that refuses the
program falls back to user space with a log line, and a killed demux
leaves no program behind.

    tests/integ/test_demux_xdp.py [BUILD]        (as root)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_demux  # noqa: E402

if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--agent":
        test_demux.agent_main(sys.argv[2])
        sys.exit(0)
    sys.exit(test_demux.main("auto"))
