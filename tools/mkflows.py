#!/usr/bin/python3
"""Writes an Ethernet pcap of labelled flows for the routelet replay demo.

    tools/mkflows.py OUT.pcap FLOW [FLOW ...]

FLOW is label:pps:size:count[:ttl], for example 100:2000:500:4000 -- label
100, 2000 frames/s of 500 bytes, 4000 frames.  Flows are interleaved by
time; label 0 makes plain IPv4 frames.  Times are exact (nanoseconds).
"""
import sys
from scapy.all import Ether, IP, UDP, Raw, RawPcapWriter
from scapy.contrib.mpls import MPLS

T0 = 1700000000 * 10**9


def frames(spec, flow_id):
    f = spec.split(":")
    if len(f) not in (4, 5):
        raise SystemExit("mkflows: bad flow '%s': want label:pps:size:"
                         "count[:ttl]" % spec)
    label, pps, size, count = (int(x) for x in f[:4])
    ttl = int(f[4]) if len(f) == 5 else 64
    if pps <= 0 or count < 0 or not 64 <= size <= 1514:
        raise SystemExit("mkflows: bad flow '%s'" % spec)
    gap = 10**9 // pps
    hdr = 14 + (4 if label else 0) + 20 + 8
    for seq in range(count):
        ip = IP(src="10.1.0.%d" % flow_id, dst="10.2.0.1", ttl=64) / UDP(
            sport=40000 + flow_id, dport=50000) / Raw(
            seq.to_bytes(4, "big") + b"\0" * max(0, size - hdr - 4))
        if label:
            p = Ether(dst="02:00:00:00:00:10", src="02:00:00:00:00:11") / \
                MPLS(label=label, ttl=ttl, s=1) / ip
        else:
            p = Ether(dst="02:00:00:00:00:10", src="02:00:00:00:00:11") / ip
        b = bytes(p)
        yield T0 + seq * gap + flow_id, b


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    allf = []
    for i, spec in enumerate(sys.argv[2:]):
        allf.extend(frames(spec, i + 1))
    allf.sort(key=lambda x: x[0])
    w = RawPcapWriter(sys.argv[1], linktype=1, nano=True)
    w.write_header(None)
    for t, b in allf:
        w.write_packet(b, sec=t // 10**9, usec=t % 10**9)
    w.close()


if __name__ == "__main__":
    main()
