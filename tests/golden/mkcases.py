#!/usr/bin/python3
"""Builds the golden cases: for each, a configuration, an input pcap, and the
output the routelet must produce, computed here with scapy from the RFCs'
rules, not by running the routelet.

    tests/golden/mkcases.py [DIR]      (default: tests/golden/cases)

Each case directory holds:
    conf, conf2 ...  routelet configuration(s); 'reconf' names "n:conf2"
    in.pcap          input frames
    want.pcap        exactly the bytes and timestamps the replay must write
    want.fields      what tshark must decode from want.pcap (tab separated)
    want.json        the counters the replay must report
"""
import json
import os
import sys
from decimal import Decimal

from scapy.all import Ether, Dot1Q, IP, IPv6, UDP, Raw, RawPcapWriter
from scapy.contrib.mpls import MPLS

NH = "02:00:00:00:00:20"
NH2 = "02:00:00:00:00:30"
SRC = "02:00:00:00:00:21"
PEER = "02:00:00:00:00:11"
ME = "02:00:00:00:00:10"
T0 = Decimal("1700000000.000000000")

COUNTERS = ["rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "runt",
            "not_mpls", "bad_stack", "wrong_label", "ttl_expired",
            "bad_payload", "no_headroom", "no_config", "oversize",
            "queue_full"]


def ip4(ttl=30, size=0):
    p = IP(src="10.1.0.1", dst="10.2.0.1", ttl=ttl, id=7) / UDP(
        sport=4000, dport=5000) / Raw(b"q" * max(size, 8))
    return IP(bytes(p))          # checksum computed, header fixed


def ip6(hlim=40):
    return IPv6(src="2001:db8::1", dst="2001:db8::2", hlim=hlim) / UDP(
        sport=4000, dport=5000) / Raw(b"q" * 8)


def eth_in(payload_type=0x8847):
    return Ether(dst=ME, src=PEER, type=payload_type)


def eth_out(dst=NH, t=0x8847):
    return Ether(dst=dst, src=SRC, type=t)


def mpls(label, ttl, s=1, cos=0):
    return MPLS(label=label, ttl=ttl, s=s, cos=cos)


def pad_to(p, n):
    b = bytes(p)
    return b + b"\0" * (n - len(b)) if len(b) < n else b


class Case:
    def __init__(self, name, conf):
        self.name = name
        self.conf = conf
        self.extra = {}
        self.reconf = []
        self.ins = []       # (time, bytes)
        self.outs = []      # (time, bytes, fields)
        self.ctr = dict.fromkeys(COUNTERS, 0)

    def rx(self, t, b):
        self.ins.append((t, bytes(b)))
        self.ctr["rx_packets"] += 1
        self.ctr["rx_bytes"] += len(bytes(b))

    def drop(self, t, b, why):
        self.rx(t, b)
        self.ctr[why] += 1

    def fwd(self, t_in, b_in, b_out, fields, t_out=None):
        self.rx(t_in, b_in)
        b_out = bytes(b_out)
        self.outs.append((t_in if t_out is None else t_out, b_out, fields))
        self.ctr["tx_packets"] += 1
        self.ctr["tx_bytes"] += len(b_out)

    def write(self, top):
        d = os.path.join(top, self.name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "conf"), "w") as f:
            f.write(self.conf)
        for fname, text in self.extra.items():
            with open(os.path.join(d, fname), "w") as f:
                f.write(text)
        with open(os.path.join(d, "reconf"), "w") as f:
            f.write("".join("%d:%s\n" % r for r in self.reconf))
        for fname, frames in (("in.pcap", self.ins),
                              ("want.pcap", [(t, b) for t, b, _ in
                                             sorted(self.outs,
                                                    key=lambda o: o[0])])):
            w = RawPcapWriter(os.path.join(d, fname), linktype=1,
                              nano=True, sync=True)
            w.write_header(None)
            for t, b in frames:
                sec = int(t)
                w.write_packet(b, sec=sec, usec=int((t - sec) * 10**9))
            w.close()
        with open(os.path.join(d, "want.fields"), "w") as f:
            for _, _, fields in sorted(self.outs, key=lambda o: o[0]):
                f.write("\t".join(fields) + "\n")
        with open(os.path.join(d, "want.json"), "w") as f:
            json.dump(self.ctr, f, indent=1, sort_keys=True)
            f.write("\n")


# Fields the runner asks tshark for, in this order.
def fl(dst, etype, labels="", ttls="", bos="", ipttl="", hlim=""):
    return [dst, SRC, etype, labels, ttls, bos, ipttl, hlim]


def case_swap():
    c = Case("swap", "gen=1 op=swap in-label=100 out-label=200 out-vif=1\n"
             "nh-mac=%s src-mac=%s\n" % (NH, SRC))
    t = T0
    for i, (ttl, size, cos) in enumerate([(64, 64, 0), (255, 1500, 5),
                                          (2, 64, 7)]):
        pin = eth_in() / mpls(100, ttl, cos=cos) / ip4(size=size)
        pin_b = pad_to(pin, size) if size == 64 else bytes(pin)
        pout = bytes(eth_out()) + bytes(mpls(200, ttl - 1, cos=cos)) + \
            pin_b[18:]
        c.fwd(t, pin_b, pout, fl(NH, "0x8847", "200", str(ttl - 1), "1",
                                 "30"))
        t += Decimal("0.001")
    # One 802.1Q tag on the way in; none on the way out.
    pin = Ether(dst=ME, src=PEER) / Dot1Q(vlan=42, type=0x8847) / \
        mpls(100, 64) / ip4()
    pout = eth_out() / mpls(199 + 1, 63) / ip4()
    c.fwd(t, pin, pout, fl(NH, "0x8847", "200", "63", "1", "30"))
    t += Decimal("0.001")
    # Two labels: only the top one is ours to change.
    pin = eth_in() / mpls(100, 64, s=0) / mpls(555, 9) / ip4()
    pout = eth_out() / mpls(200, 63, s=0) / mpls(555, 9) / ip4()
    c.fwd(t, pin, pout, fl(NH, "0x8847", "200,555", "63,9", "0,1", "30"))
    t += Decimal("0.001")
    c.drop(t, eth_in() / mpls(100, 1) / ip4(), "ttl_expired")
    c.drop(t, eth_in() / mpls(100, 0) / ip4(), "ttl_expired")
    c.drop(t, eth_in() / mpls(300, 64) / ip4(), "wrong_label")
    c.drop(t, eth_in(0x0800) / ip4(), "not_mpls")
    c.drop(t, bytes(eth_in())[:10], "runt")
    c.drop(t, eth_in() / mpls(100, 64, s=0), "bad_stack")
    return c


def case_swap_stack():
    c = Case("swap-stack", "gen=1 op=swap in-label=100 out-label=200/300 "
             "nh-mac=%s src-mac=%s\n" % (NH, SRC))
    pin = eth_in() / mpls(100, 64, cos=3) / ip4()
    pout = eth_out() / mpls(200, 63, s=0, cos=3) / mpls(300, 63, cos=3) / \
        ip4()
    c.fwd(T0, pin, pout, fl(NH, "0x8847", "200,300", "63,63", "0,1", "30"))
    return c


def case_pop(mode):
    c = Case("pop-" + mode, "gen=1 op=pop in-label=100 ttl-mode=%s "
             "nh-mac=%s src-mac=%s\n" % (mode, NH, SRC))
    uni = mode == "uniform"
    t = T0
    # Penultimate hop to IPv4: RFC 3443 uniform copies the LSP TTL down.
    pin = eth_in() / mpls(100, 10) / ip4(ttl=64)
    pout = eth_out(t=0x0800) / ip4(ttl=9 if uni else 64)
    c.fwd(t, pin, pout, fl(NH, "0x0800", ipttl="9" if uni else "64"))
    t += Decimal("0.001")
    pin = eth_in() / mpls(100, 50) / ip6(hlim=200)
    pout = eth_out(t=0x86dd) / ip6(hlim=49 if uni else 200)
    c.fwd(t, pin, pout, fl(NH, "0x86dd", hlim="49" if uni else "200"))
    t += Decimal("0.001")
    pin = eth_in() / mpls(100, 20, s=0) / mpls(777, 200, cos=4) / ip4()
    pout = eth_out() / mpls(777, 19 if uni else 200, cos=4) / ip4()
    c.fwd(t, pin, pout, fl(NH, "0x8847", "777", "19" if uni else "200", "1",
                           "30"))
    t += Decimal("0.001")
    c.drop(t, eth_in() / mpls(100, 64) / Raw(b"\x55" * 30), "bad_payload")
    return c


def case_push():
    c = Case("push", "gen=1 op=push in-label=100 out-label=900 "
             "nh-mac=%s src-mac=%s\n" % (NH, SRC))
    pin = eth_in() / mpls(100, 64, cos=2) / ip4()
    pout = eth_out() / mpls(900, 63, s=0, cos=2) / mpls(100, 63, cos=2) / \
        ip4()
    c.fwd(T0, pin, pout, fl(NH, "0x8847", "900,100", "63,63", "0,1", "30"))
    return c


def case_shaper():
    """20 frames of 1000 bytes at one instant into a 100 kB/s bucket of
    3000 bytes with a queue of 16: 3 leave at once, 13 more one per 10 ms,
    4 find the queue full."""
    rate, burst, qlen, size = 100000, 3000, 16, 1000
    c = Case("shaper", "gen=1 op=swap in-label=100 out-label=200 "
             "rate=%d burst=%d qlen=%d nh-mac=%s src-mac=%s\n" %
             (rate, burst, qlen, NH, SRC))
    tokens = burst * 10**9           # nanobytes, as the bucket keeps them
    now = int(T0 * 10**9)
    for i in range(20):
        pin = pad_to(eth_in() / mpls(100, 64) / ip4(), size)
        if i >= qlen:
            c.drop(T0, pin, "queue_full")
            continue
        need = size * 10**9
        if tokens < need:
            wait = -(-(need - tokens) // rate)
            now += wait
            tokens += wait * rate
        tokens -= need
        pout = bytes(eth_out()) + bytes(mpls(200, 63)) + pin[18:]
        c.fwd(T0, pin, pout, fl(NH, "0x8847", "200", "63", "1", "30"),
              t_out=Decimal(now) / 10**9)
    return c


def case_reconf():
    """Three frames under one configuration, three under a second one with
    a new next hop and label: each frame is wholly under one of them."""
    c = Case("reconf", "gen=1 op=swap in-label=100 out-label=200 "
             "nh-mac=%s src-mac=%s\n" % (NH, SRC))
    c.extra["conf2"] = ("gen=2 op=swap in-label=100 out-label=201 "
                        "nh-mac=%s src-mac=%s\n" % (NH2, SRC))
    c.reconf.append((3, "conf2"))
    t = T0
    for i in range(6):
        pin = eth_in() / mpls(100, 64) / ip4()
        if i < 3:
            pout = eth_out() / mpls(200, 63) / ip4()
            f = fl(NH, "0x8847", "200", "63", "1", "30")
        else:
            pout = eth_out(dst=NH2) / mpls(201, 63) / ip4()
            f = fl(NH2, "0x8847", "201", "63", "1", "30")
        c.fwd(t, pin, pout, f)
        t += Decimal("0.0001")
    return c


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "cases")
    for c in (case_swap(), case_swap_stack(), case_pop("uniform"),
              case_pop("pipe"), case_push(), case_shaper(), case_reconf()):
        c.write(top)
        print("wrote", os.path.join(top, c.name))


if __name__ == "__main__":
    main()
