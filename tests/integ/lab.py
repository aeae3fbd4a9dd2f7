"""A small namespace lab for integration tests: hosts and a QuaSAR router
joined by veth links, all in network namespaces this process creates and
removes.  Traffic only ever goes between these namespaces.
"""
import ctypes
import json
import os
import random
import socket
import struct
import subprocess
import time

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = 35     # SCM_TIMESTAMPNS too (asm-generic/socket.h)
CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def sh(cmd, check=True, ns=None, capture=True):
    if ns:
        cmd = "ip netns exec %s %s" % (ns, cmd)
    r = subprocess.run(cmd, shell=True, capture_output=capture, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (cmd, (r.stderr or "").strip()))
    return r.stdout if capture else ""


def socket_in(ns, *args):
    """A socket created inside namespace ns; it stays bound to it."""
    me = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open("/run/netns/%s" % ns, os.O_RDONLY)
    try:
        setns(target)
        return socket.socket(*args)
    finally:
        setns(me)
        os.close(me)
        os.close(target)


class NetnsSocket:
    """An AF_PACKET socket on one interface of a namespace."""

    def __init__(self, ns, ifname):
        self.s = socket_in(ns, socket.AF_PACKET, socket.SOCK_RAW,
                           socket.htons(ETH_P_ALL))
        self.s.bind((ifname, 0))
        # Frames we send must not come back as received.
        self.s.setsockopt(263, 23, 1)   # SOL_PACKET, IGNORE_OUTGOING
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 24)
        # The kernel's receive stamp: when this process gets round to a
        # frame depends on a loaded machine's scheduler, not on the wire.
        self.s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)

    def send(self, frame):
        self.s.send(frame)

    def drain(self, secs, times=None, until=None, quiet=0.0):
        """Frames received within secs seconds from now; the kernel's
        receive time of each (seconds, CLOCK_REALTIME) goes to the list
        times if one is given.  until(frames), if given, is asked after
        each frame and every 0.1 s: once it is true the wait ends early,
        after quiet seconds more without a frame (strays still show)."""
        out = []
        deadline = end = time.monotonic() + secs
        done = False
        while True:
            now = time.monotonic()
            if not done and until is not None and until(out):
                done = True
                end = min(deadline, now + quiet)
            left = end - now
            if left <= 0:
                return out
            self.s.settimeout(left if until is None else min(left, 0.1))
            try:
                data, anc, _, _ = self.s.recvmsg(65535,
                                                 socket.CMSG_SPACE(16))
            except socket.timeout:
                continue
            out.append(data)
            if times is not None:
                times.append(_stamp(anc))
            if done:
                end = min(deadline, time.monotonic() + quiet)

    def close(self):
        self.s.close()


def _stamp(anc):
    for lvl, typ, data in anc:
        if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS and \
                len(data) >= 16:
            sec, nsec = struct.unpack("qq", data[:16])
            return sec + nsec / 1e9
    raise RuntimeError("a frame without its receive stamp")


def pcap_count(path):
    """How many packets a pcap file holds so far (a partly written last
    record does not count)."""
    try:
        with open(path, "rb") as f:
            b = f.read()
    except OSError:
        return 0
    if len(b) < 24:
        return 0
    end = "<" if b[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") \
        else ">"
    n, off = 0, 24
    while off + 16 <= len(b):
        incl, = struct.unpack(end + "I", b[off + 8:off + 12])
        if off + 16 + incl > len(b):
            break
        n += 1
        off += 16 + incl
    return n


class Capture:
    """tcpdump -U -w path on ifname in namespace ns, started only once it
    says it is listening: a capture begun on a loaded machine must not
    miss the frames a test sends right after.  Immediate mode: each frame
    goes to the file as it comes, not when the kernel's buffer times
    out."""

    def __init__(self, ns, ifname, path, expr, timeout=30):
        self.path = path
        self.err = path + ".err"
        with open(self.err, "w") as err:
            self.p = subprocess.Popen(
                ["nsenter", "--net=/run/netns/" + ns, "tcpdump",
                 "--immediate-mode", "-i", ifname, "-U", "-w", path, expr],
                stdout=subprocess.DEVNULL, stderr=err)
        end = time.monotonic() + timeout
        while "listening on" not in self.log():
            if self.p.poll() is not None or time.monotonic() > end:
                why = self.log()
                self.stop()
                raise RuntimeError("tcpdump on %s did not start: %s" % (
                    ifname, why))
            time.sleep(0.02)

    def log(self):
        try:
            with open(self.err) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self, want=0, timeout=10):
        """Ends the capture once the file holds want packets (or timeout
        seconds have passed); the number it holds."""
        end = time.monotonic() + timeout
        while pcap_count(self.path) < want and time.monotonic() < end and \
                self.p.poll() is None:
            time.sleep(0.05)
        if self.p.poll() is None:
            self.p.terminate()
            self.p.wait()
        try:
            os.unlink(self.err)
        except OSError:
            pass
        return pcap_count(self.path)


def mac_bytes(m):
    return bytes(int(x, 16) for x in m.split(":"))


def mpls_frame(dst, src, label, ttl=64, size=100, seq=0, flow=0):
    """Ethernet + one label + IPv4/UDP whose payload carries flow and seq."""
    payload = struct.pack("!II", flow, seq)
    udp_len = 8 + max(len(payload), size - 14 - 4 - 20 - 8)
    payload += b"\0" * (udp_len - 8 - len(payload))
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0, 0,
                               64, 17, 0, bytes([10, 99, 1, 1]),
                               bytes([10, 99, 2, 1])))
    s = sum(struct.unpack("!10H", bytes(ip)))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    ip[10:12] = struct.pack("!H", ~s & 0xffff)
    udp = struct.pack("!HHHH", 40000 + flow, 50000, udp_len, 0) + payload
    lse = struct.pack("!I", label << 12 | 1 << 8 | ttl)
    return mac_bytes(dst) + mac_bytes(src) + b"\x88\x47" + lse + bytes(ip) \
        + udp


def parse_mpls(frame):
    """(dst, src, label, ttl, flow, seq) of a one-label MPLS/IPv4/UDP frame,
    or None."""
    if len(frame) < 14 + 4 + 28 + 8 or frame[12:14] != b"\x88\x47":
        return None
    lse, = struct.unpack("!I", frame[14:18])
    flow, seq = struct.unpack("!II", frame[18 + 28:18 + 36])
    return (frame[0:6], frame[6:12], lse >> 12, lse & 0xff, flow, seq)


class Lab:
    """src --p0[ router ]p1-- dst; the router runs quasar-demux and quasard."""

    def __init__(self, build, pool="8:8:16", xdp="auto"):
        self.xdp = xdp          # quasar-demux -x: auto, native, generic, off
        self.build = os.path.abspath(build)
        self.tag = "%04x" % random.randrange(1 << 16)
        self.r = "qi-r-" + self.tag
        self.src = "qi-s-" + self.tag
        self.dst = "qi-d-" + self.tag
        self.statedir = "/run/quasar-test-" + self.tag
        self.pool = pool
        self.procs = []

    def ctl(self, *args, check=True):
        r = subprocess.run([self.build + "/bin/quasarctl", "-S",
                            self.statedir] + list(args),
                           capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError("quasarctl %s: %s" % (" ".join(args),
                                                      r.stderr.strip()))
        return r

    def ctlj(self, *args):
        return json.loads(self.ctl("-j", *args).stdout)

    def mac(self, ns, ifname):
        return json.loads(sh("ip -j link show %s" % ifname, ns=ns))[0][
            "address"]

    def up(self):
        for ns in (self.r, self.src, self.dst):
            sh("ip netns add %s" % ns)
        sh("ip link add p0 netns %s type veth peer name s0 netns %s" %
           (self.r, self.src))
        sh("ip link add p1 netns %s type veth peer name d0 netns %s" %
           (self.r, self.dst))
        for ns, ifs in ((self.r, ("p0", "p1", "lo")),
                        (self.src, ("s0", "lo")), (self.dst, ("d0", "lo"))):
            for i in ifs:
                sh("ip link set %s up" % i, ns=ns)
        sh("ip addr add 10.99.1.254/24 dev p0", ns=self.r)
        sh("ip addr add 10.99.2.254/24 dev p1", ns=self.r)
        sh("ip addr add 10.99.1.1/24 dev s0", ns=self.src)
        sh("ip addr add 10.99.2.1/24 dev d0", ns=self.dst)
        sh("ip route add default via 10.99.1.254", ns=self.src)
        sh("ip route add default via 10.99.2.254", ns=self.dst)
        sh("sysctl -qw net.ipv4.ip_forward=1", ns=self.r)
        self.start_demux()
        self.start_quasard()

    def spawn(self, ns, argv, log):
        # nsenter, not `ip netns exec`: that one also remounts /sys, and
        # the cgroup hierarchies quasard needs would vanish from view.
        f = open(log, "w")
        p = subprocess.Popen(["nsenter", "--net=/run/netns/" + ns] + argv,
                             stdout=f, stderr=subprocess.STDOUT)
        self.procs.append(p)
        return p

    def start_demux(self):
        os.makedirs(self.statedir, exist_ok=True)
        self.demux = self.spawn(self.r, [self.build + "/bin/quasar-demux",
                                         "-S", self.statedir, "-i", "p0",
                                         "-i", "p1", "-x", self.xdp],
                                self.statedir + ".demux.log")

    def demux_counters(self):
        """The demux's counters (demux.stats) as a dict."""
        return json.loads(sh("%s/bin/quasar-demux -S %s stats -j" % (
            self.build, self.statedir)))["counters"]

    def start_quasard(self):
        self.quasard = self.spawn(self.r, [self.build + "/bin/quasard", "-S",
                                           self.statedir, "-i", "p0", "-i",
                                           "p1", "-p", self.pool, "-v"],
                                  self.statedir + ".quasard.log")
        end = time.monotonic() + 30
        while time.monotonic() < end:
            if self.quasard.poll() is not None:
                raise RuntimeError("quasard exited: " + open(
                    self.statedir + ".quasard.log").read())
            if self.ctl("pool", "show", check=False).returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError("quasard did not come up")

    def stop_quasard(self):
        self.quasard.terminate()
        self.quasard.wait(timeout=30)

    def down(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        for ns in (self.r, self.src, self.dst):
            sh("ip netns del %s" % ns, check=False)
        sh("rm -rf %s %s.*.log %s.cap.pcap" % (self.statedir, self.statedir,
                                                 self.statedir),
           check=False)
