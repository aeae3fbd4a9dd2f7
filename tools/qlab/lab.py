"""A topology brought up in network namespaces, and taken down again.

State of a lab called NAME lives in /run/quasar-lab/NAME/:

    topo.xml            the topology as it was brought up
    lab.json            name, prefix, build directory, state
    <ns>/               a router's state directory (quasard and its
                        quasar-demux share it; quasard's instance, and so
                        its cgroup directory, is this basename: the
                        namespace name, unique to the lab), or an RSVP
                        LER's (its quasard's alone)
    <node>.quasard.xml  the quasard configuration generated for it
    procs/<node>.<role>.json    every process the lab started: pid, its
                        start time (so a recycled pid is never signalled),
                        argv, log
    log/<node>.<role>.log

Every process the lab starts carries QUASAR_LAB=<prefix>-<name> in its
environment, and so do their children (quasard's routelets), which is how
`down` finds what a crashed run left even when the pid files are gone.
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import time

from . import topo as topomod

STATE_BASE = "/run/quasar-lab"
NETNS_DIR = "/run/netns"
ENV_MARK = "QUASAR_LAB"


class LabError(Exception):
    pass


def run(argv, check=True, input=None, timeout=60, env=None):
    try:
        r = subprocess.run(argv, input=input, capture_output=True,
                           text=True, timeout=timeout, env=env)
    except FileNotFoundError as e:
        raise LabError("%s: %s" % (argv[0], e.strerror))
    except subprocess.TimeoutExpired:
        raise LabError("%s: timed out after %s s" % (" ".join(argv),
                                                     timeout))
    if check and r.returncode != 0:
        raise LabError("%s: %s" % (" ".join(argv),
                                   (r.stderr or r.stdout).strip()))
    return r


# ---- processes --------------------------------------------------------

def proc_start(pid):
    """The start time of pid (clock ticks since boot), or None if there is
    no such process or it is a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    fields = s[s.rindex(")") + 2:].split()
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[19])


def reap(pid):
    """Collects pid's exit status if it is our child; harmless if not."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    except OSError:
        pass


def alive(pid, start=None):
    reap(pid)
    s = proc_start(pid)
    return s is not None and (start is None or s == start)


def signal_pids(pids, sig):
    for pid, start in pids:
        if alive(pid, start):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass


def wait_gone(pids, timeout):
    end = time.monotonic() + timeout
    while True:
        left = [(p, s) for p, s in pids if alive(p, s)]
        if not left or time.monotonic() >= end:
            return left
        time.sleep(0.02)


def stop(pids, timeout, sig=signal.SIGTERM):
    """SIGTERM (or sig), up to timeout seconds, then SIGKILL.  Returns how
    many had to be killed."""
    pids = [(p, s) for p, s in pids if alive(p, s)]
    if not pids:
        return 0
    signal_pids(pids, sig)
    left = wait_gone(pids, timeout)
    signal_pids(left, signal.SIGKILL)
    wait_gone(left, 5)
    return len(left)


def proc_comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return "?"


def proc_cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().split(b"\0")[0].decode(errors="replace")
    except OSError:
        return "?"


def marked_pids(mark):
    """Processes whose environment carries QUASAR_LAB=mark."""
    want = ("%s=%s" % (ENV_MARK, mark)).encode()
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid():
            continue
        try:
            with open("/proc/%s/environ" % d, "rb") as f:
                env = f.read().split(b"\0")
        except OSError:
            continue
        if want in env:
            s = proc_start(int(d))
            if s is not None:
                out.append((int(d), s))
    return out


def netns_pids(ns):
    r = run(["ip", "netns", "pids", ns], check=False)
    out = []
    for x in r.stdout.split():
        if x.isdigit() and int(x) != os.getpid():
            s = proc_start(int(x))
            if s is not None:
                out.append((int(x), s))
    return out


# ---- cgroups ----------------------------------------------------------

def cgroup_roots():
    """Mount points of every cgroup (v1) and cgroup2 hierarchy."""
    roots = []
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                pre, _, post = line.partition(" - ")
                fstype = post.split()[0] if post else ""
                if fstype in ("cgroup", "cgroup2"):
                    mnt = pre.split()[4].replace("\\040", " ")
                    if mnt not in roots:
                        roots.append(mnt)
    except OSError:
        pass
    return roots


def lab_cgroups(nsprefix):
    """Instance directories (named after a router's namespace) of this
    lab's quasard instances, in every hierarchy."""
    out = []
    for root in cgroup_roots():
        for d in glob.glob(os.path.join(root, nsprefix + "*")):
            if os.path.isdir(d):
                out.append(d)
    return out


def cg_procs(d):
    try:
        with open(os.path.join(d, "cgroup.procs")) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def cg_thaw(d):
    for name, val in (("freezer.state", "THAWED"), ("cgroup.freeze", "0")):
        p = os.path.join(d, name)
        if os.path.exists(p):
            try:
                with open(p, "w") as f:
                    f.write(val)
            except OSError:
                pass


def remove_cgroups(dirs):
    """Thaws every group under dirs (in every hierarchy first: a task
    frozen in the freezer hierarchy cannot die, whichever hierarchy it is
    killed from), kills every task, removes the groups bottom up.
    Returns the directories that could not be removed."""
    groups = []
    for d in dirs:
        groups += [os.path.join(dp, x) for dp, dns, _ in os.walk(d)
                   for x in dns]
        groups.append(d)
    groups.sort(key=len, reverse=True)
    for g in groups:
        cg_thaw(g)
    for g in groups:
        for pid in cg_procs(g):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    left = []
    end = time.monotonic() + 10
    for g in groups:
        while cg_procs(g) and time.monotonic() < end:
            for pid in cg_procs(g):
                reap(pid)
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)
        try:
            os.rmdir(g)
        except FileNotFoundError:
            pass
        except OSError as e:
            left.append("%s (%s)" % (g, e.strerror))
    return left


# ---- namespaces -------------------------------------------------------

def lab_namespaces(nsprefix):
    try:
        return sorted(x for x in os.listdir(NETNS_DIR)
                      if x.startswith(nsprefix))
    except FileNotFoundError:
        return []


def nsenter(ns):
    # nsenter, not `ip netns exec`: that one remounts /sys, and quasard
    # would no longer see the cgroup hierarchies it needs.
    return ["nsenter", "--net=%s/%s" % (NETNS_DIR, ns)]


class Lab:
    """A topology and its state directory."""

    def __init__(self, topo, build=None, base=STATE_BASE):
        self.topo = topo
        self.base = base
        self.dir = os.path.join(base, topo.name)
        self.build = os.path.abspath(build) if build else None
        self.mark = "%s-%s" % (topo.prefix, topo.name)
        self.log = lambda msg: None

    # -- loading --------------------------------------------------------

    @classmethod
    def open(cls, topo_path=None, name=None, build=None, base=STATE_BASE):
        """The lab as the state directory knows it if it is up (its
        topology is the one that was brought up), else as the XML says."""
        t = None
        if topo_path is not None:
            t = topomod.parse(topo_path)
            if name:
                t.rename(name)
        labname = name or (t.name if t else None)
        if labname is None:
            raise LabError("which lab? give -f topo.xml or -n name")
        sd = os.path.join(base, labname)
        saved = os.path.join(sd, "topo.xml")
        meta = {}
        if os.path.exists(os.path.join(sd, "lab.json")):
            try:
                with open(os.path.join(sd, "lab.json")) as f:
                    meta = json.load(f)
            except (OSError, ValueError):
                meta = {}
        if os.path.exists(saved):
            try:
                t = topomod.parse(saved)
                t.rename(labname)
            except topomod.TopoError:
                pass            # a damaged copy: the XML given will do
        if t is None:
            # Neither state nor XML: an empty lab of that name, enough for
            # `down` to find namespaces, cgroups and processes by prefix.
            t = topomod.Topo()
            t.rename(labname)
        lab = cls(t, build or meta.get("build"), base)
        lab.meta = meta
        return lab

    meta = {}

    def node(self, name):
        try:
            return self.topo.node(name)
        except topomod.TopoError as e:
            raise LabError(str(e))

    def statedir(self, node):
        n = self.node(node) if isinstance(node, str) else node
        return os.path.join(self.dir, n.ns)

    def bin(self, prog):
        if not self.build:
            raise LabError("no build directory (give -b)")
        return os.path.join(self.build, "bin", prog)

    def mac(self, node, dev):
        return self.node(node).end(dev).mac

    def addr(self, node, dev):
        a = self.node(node).end(dev).addr
        return a.split("/")[0] if a else None

    def env(self, node=None):
        e = dict(os.environ)
        e[ENV_MARK] = self.mark
        if node is not None:
            e["QLAB_NODE"] = node
        return e

    # -- state files ----------------------------------------------------

    def _write_meta(self, state):
        self.meta = {"name": self.topo.name, "prefix": self.topo.prefix,
                     "build": self.build, "state": state,
                     "source": os.path.abspath(self.topo.path)
                     if self.topo.path else None,
                     "time": time.strftime("%Y-%m-%dT%H:%M:%S")}
        tmp = os.path.join(self.dir, "lab.json.tmp")
        with open(tmp, "w") as f:
            json.dump(self.meta, f, indent=1)
        os.rename(tmp, os.path.join(self.dir, "lab.json"))

    def procs(self):
        """The processes the lab recorded: dicts with node, role, pid,
        start, argv, log, and alive."""
        out = []
        for p in sorted(glob.glob(os.path.join(self.dir, "procs",
                                               "*.json"))):
            try:
                with open(p) as f:
                    d = json.load(f)
            except (OSError, ValueError):
                continue
            d["alive"] = alive(d["pid"], d.get("start"))
            d["file"] = p
            out.append(d)
        return out

    # -- running things in nodes ----------------------------------------

    def spawn(self, node, argv, role, stdout=None, stdin=None):
        """Starts argv in node's namespace, in the background, recorded so
        that `down` stops it.  Output goes to log/<node>.<role>.log unless
        stdout is given (a file or subprocess.PIPE).  Returns the Popen."""
        n = self.node(node)
        os.makedirs(os.path.join(self.dir, "procs"), exist_ok=True)
        os.makedirs(os.path.join(self.dir, "log"), exist_ok=True)
        base, i = role, 1
        while os.path.exists(os.path.join(self.dir, "procs", "%s.%s.json"
                                          % (node, role))):
            i += 1
            role = "%s%d" % (base, i)
        logpath = os.path.join(self.dir, "log", "%s.%s.log" % (node, role))
        logf = open(logpath, "w")
        try:
            p = subprocess.Popen(nsenter(n.ns) + list(argv),
                                 stdout=stdout if stdout else logf,
                                 stderr=logf,
                                 stdin=stdin if stdin else
                                 subprocess.DEVNULL,
                                 env=self.env(node),
                                 start_new_session=True)
        finally:
            logf.close()
        rec = {"node": node, "role": role, "pid": p.pid,
               "start": None, "argv": list(argv), "log": logpath}
        # nsenter execs the program in place (no --fork without a pid
        # namespace), so the pid is the program's.
        for _ in range(100):
            rec["start"] = proc_start(p.pid)
            if rec["start"] is not None or p.poll() is not None:
                break
            time.sleep(0.001)
        with open(os.path.join(self.dir, "procs", "%s.%s.json" %
                               (node, role)), "w") as f:
            json.dump(rec, f)
        p.qlab_role = role
        p.qlab_log = logpath
        return p

    def forget(self, p):
        """Drops a finished process's record."""
        for d in self.procs():
            if d["pid"] == p.pid:
                try:
                    os.unlink(d["file"])
                except OSError:
                    pass

    def run_in(self, node, argv, check=True, timeout=60, input=None):
        """Runs argv in node's namespace and waits for it."""
        return run(nsenter(self.node(node).ns) + list(argv), check=check,
                   timeout=timeout, input=input, env=self.env(node))

    def ip(self, node, *args, check=True):
        return run(["ip", "-n", self.node(node).ns] + list(args),
                   check=check)

    def ip_batch(self, node, lines):
        if lines:
            run(["ip", "-n", self.node(node).ns, "-batch", "-"],
                input="\n".join(lines) + "\n")

    def ctl(self, node, *args, check=True, json_out=False):
        """quasarctl against node's quasard; its stdout (parsed with
        json_out)."""
        argv = [self.bin("quasarctl"), "-S", self.statedir(node)]
        if json_out:
            argv.append("-j")
        r = run(argv + [str(a) for a in args], check=check, timeout=30)
        if json_out:
            return json.loads(r.stdout) if r.returncode == 0 else None
        return r

    def demux_cmd(self, node, *args, check=True):
        """quasar-demux -S <node's state> <args>: its table writers."""
        return self.run_in(node, [self.bin("quasar-demux"), "-S",
                                  self.statedir(node)] +
                           [str(a) for a in args], check=check)

    # -- up -------------------------------------------------------------

    def leftovers(self):
        out = ["namespace " + x for x in lab_namespaces(self.topo.nsprefix)]
        out += ["cgroup " + x for x in lab_cgroups(self.topo.nsprefix)]
        out += ["process %d (%s)" % (p, proc_comm(p))
                for p, _ in marked_pids(self.mark)]
        if os.path.exists(self.dir):
            out.append("state directory " + self.dir)
        return out

    def up(self):
        if not self.build or not os.path.isdir(os.path.join(self.build,
                                                            "bin")):
            raise LabError("build directory %s has no bin/: run make" %
                           self.build)
        for prog in ("quasard", "quasar-demux", "quasarctl", "routelet"):
            if (self.topo.routers() or self.topo.speakers()) and \
                    not os.access(self.bin(prog), os.X_OK):
                raise LabError("%s is missing: run make" % self.bin(prog))
        left = self.leftovers()
        if left:
            raise LabError("lab %s is already (partly) up: %s; run "
                           "`quasar-lab -n %s down` first" %
                           (self.topo.name, ", ".join(left[:4]),
                            self.topo.name))
        os.makedirs(self.dir, mode=0o755)
        try:
            if self.topo.path:
                shutil.copyfile(self.topo.path,
                                os.path.join(self.dir, "topo.xml"))
            self._write_meta("starting")
            self._up_net()
            self._wait_links()
            for r in self.topo.routers():
                self._up_router(r)
            for n in self.topo.speakers():
                self._up_speaker(n)
            self._write_meta("up")
        except BaseException:
            self.log("up failed: taking down what was built")
            try:
                self.down()
            except Exception:
                pass
            raise

    def _up_net(self):
        t = self.topo
        for n in t.nodes.values():
            self.log("node %s (%s): namespace %s" % (n.name, n.kind, n.ns))
            run(["ip", "netns", "add", n.ns])
            fwd = 0 if n.kind == "host" else 1
            # No IPv6 (its chatter would be foreign frames at every sink);
            # rp_filter off, since measurement frames come from addresses
            # the lab does not route back.
            self.run_in(n.name, ["sysctl", "-qw",
                                 "net.ipv6.conf.all.disable_ipv6=1",
                                 "net.ipv6.conf.default.disable_ipv6=1",
                                 "net.ipv4.conf.all.rp_filter=0",
                                 "net.ipv4.conf.default.rp_filter=0",
                                 "net.ipv4.ip_forward=%d" % fwd])
            self.ip(n.name, "link", "set", "lo", "up")
        for l in t.links:
            a, b = l.a, l.b
            self.log("link %s:%s -- %s:%s" % (a.node, a.dev, b.node, b.dev))
            argv = ["ip", "link", "add", a.dev, "netns",
                    t.nodes[a.node].ns, "address", a.mac]
            if l.mtu:
                argv += ["mtu", str(l.mtu)]
            argv += ["type", "veth", "peer", "name", b.dev, "netns",
                     t.nodes[b.node].ns, "address", b.mac]
            if l.mtu:
                argv += ["mtu", str(l.mtu)]
            run(argv)
        for n in t.nodes.values():
            lines = []
            for e in n.ends:
                if e.addr:
                    lines.append("addr add %s dev %s" % (e.addr, e.dev))
                lines.append("link set %s up" % e.dev)
            for e in n.ends:
                # Static neighbours: no ARP on the measured paths.
                if e.addr and e.peer.addr:
                    lines.append("neigh replace %s lladdr %s dev %s nud "
                                 "permanent" % (e.peer.addr.split("/")[0],
                                                e.peer.mac, e.dev))
            for to, via in n.routes:
                lines.append("route replace %s via %s" % (to, via))
            self.ip_batch(n.name, lines)

    def _link_states(self):
        states = {}
        for n in self.topo.nodes.values():
            r = self.ip(n.name, "-j", "link", "show", check=False)
            try:
                for l in json.loads(r.stdout or "[]"):
                    states[(n.name, l["ifname"])] = l.get("operstate")
            except ValueError:
                pass
        return states

    def _wait_links(self, timeout=10):
        """Until every link end is operationally up (a veth's carrier
        comes a moment after `link set up`)."""
        ends = [(e.node, e.dev) for l in self.topo.links
                for e in (l.a, l.b)]
        end = time.monotonic() + timeout
        while True:
            st = self._link_states()
            down = [e for e in ends if st.get(e) != "UP"]
            if not down:
                return
            if time.monotonic() > end:
                raise LabError("links not up after %d s: %s" % (
                    timeout, ", ".join("%s:%s" % e for e in down)))
            time.sleep(0.05)

    def _wait(self, what, cond, proc, timeout=30):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if proc is not None and proc.poll() is not None:
                raise LabError("%s exited (status %s): %s" % (
                    what, proc.returncode, self._tail(proc.qlab_log)))
            if cond():
                return
            time.sleep(0.03)
        raise LabError("%s: not ready after %d s: %s" % (
            what, timeout, self._tail(proc.qlab_log) if proc else ""))

    @staticmethod
    def _tail(path, n=600):
        try:
            with open(path) as f:
                return f.read()[-n:].strip()
        except OSError:
            return ""

    @staticmethod
    def pool_of(n):
        """A router's pool as the topology says; an RSVP LER's holds no
        routelet until one is asked for (it heads and ends LSPs, which
        take none) and at most one, the least quasard accepts."""
        return n.pool if n.kind == "quasar" else (0, 0, 1)

    def quasard_conf(self, n):
        """quasard's XML configuration for router or RSVP LER n
        (docs/quasard-conf.md): the same settings as the command line,
        plus what RSVP-TE needs (each port's address and reservable
        bandwidth)."""
        from xml.sax.saxutils import quoteattr as q
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 "<!-- %s: generated by quasar-lab for lab %s -->" %
                 (n.name, self.topo.name),
                 '<quasard xmlns="urn:quasar:quasard:1">',
                 "  <statedir>%s</statedir>" % self.statedir(n),
                 '  <backend type="local">',
                 "    <routelet path=%s%s/>" % (
                     q(self.bin("routelet")),
                     " user=%s" % q(n.user) if n.user else ""),
                 "  </backend>",
                 '  <pool min="%d" target="%d" max="%d"/>' %
                 self.pool_of(n)]
        if n.per_packet_ns:
            lines.append('  <admission per-packet-ns=%s/>' %
                         q(n.per_packet_ns))
        for e in n.ends:
            lines.append("  <interface name=%s reservable=%s%s/>" % (
                q(e.dev), q(e.reservable),
                " address=%s" % q(e.addr.split("/")[0]) if e.addr else ""))
        lines.append("</quasard>")
        return "\n".join(lines) + "\n"

    def quasard_argv(self, n, ports):
        """quasard's command line: -f with the generated configuration
        when this quasard reads one (and accepts it: `quasard -n -f`),
        else the options."""
        sd = self.statedir(n)
        conf = os.path.join(self.dir, "%s.quasard.xml" % n.name)
        with open(conf, "w") as f:
            f.write(self.quasard_conf(n))
        usage = run([self.bin("quasard"), "-h"], check=False)
        if " -f " in usage.stderr + usage.stdout or \
                "[-f " in usage.stderr + usage.stdout:
            chk = run(nsenter(n.ns) + [self.bin("quasard"), "-n", "-f",
                                       conf], check=False)
            if chk.returncode == 0:
                return [self.bin("quasard"), "-f", conf] + \
                    (["-v"] if n.verbose else [])
            self.log("router %s: quasard -n -f %s refused it (%s); "
                     "using the command line" % (
                         n.name, conf, (chk.stderr or chk.stdout).strip()))
        argv = [self.bin("quasard"), "-S", sd] + ports + [
            "-p", "%d:%d:%d" % self.pool_of(n), "-r", self.bin("routelet")]
        if n.user:
            argv += ["-u", n.user]
        if n.per_packet_ns and n.per_packet_ns != "auto":
            argv += ["-P", n.per_packet_ns]
        if n.verbose:
            argv.append("-v")
        return argv

    def _up_router(self, n):
        sd = self.statedir(n)
        os.makedirs(sd, mode=0o700, exist_ok=True)
        ports = []
        for dev in n.port_names():
            ports += ["-i", dev]
        demux = [self.bin("quasar-demux"), "-S", sd] + ports + ["-x", n.xdp]
        quasard = self.quasard_argv(n, ports)
        with open(os.path.join(self.dir, "%s.cmd" % n.name), "w") as f:
            f.write("# %s: generated by quasar-lab; run in namespace %s\n"
                    % (n.name, n.ns))
            f.write(" ".join(demux) + "\n" + " ".join(quasard) + "\n")
        self.log("router %s: quasar-demux on %s" %
                 (n.name, " ".join(n.port_names())))
        dp = self.spawn(n.name, demux, "demux")
        stats = [self.bin("quasar-demux"), "-S", sd, "stats", "-j"]

        def demux_ready():
            r = run(stats, check=False)
            if r.returncode != 0:
                return False
            try:
                return bool(json.loads(r.stdout).get("running", 1))
            except ValueError:
                return False
        self._wait("quasar-demux on %s" % n.name, demux_ready, dp)
        self.log("router %s: quasard, pool %d:%d:%d" %
                 ((n.name,) + n.pool))
        qp = self.spawn(n.name, quasard, "quasard")

        def pool_full():
            p = self.ctl(n.name, "pool", "show", check=False,
                         json_out=True)
            return p is not None and p["idle"] + p["used"] >= n.pool[1]
        self._wait("quasard on %s" % n.name, pool_full, qp, timeout=60)

    def _up_speaker(self, n):
        """An LER's quasard: RSVP-TE only, the head-end of the LSPs its
        traffic enters and the tail-end of those that leave by it.  It
        forwards nothing (no demux): the kernel has no MPLS, so the
        traffic generator pushes the label the head-end was given, and
        the router before a tail-end pops (implicit null)."""
        os.makedirs(self.statedir(n), mode=0o700, exist_ok=True)
        ports = []
        for dev in n.port_names():
            ports += ["-i", dev]
        quasard = self.quasard_argv(n, ports)
        with open(os.path.join(self.dir, "%s.cmd" % n.name), "w") as f:
            f.write("# %s: generated by quasar-lab; run in namespace %s\n"
                    % (n.name, n.ns))
            f.write(" ".join(quasard) + "\n")
        self.log("ler %s: quasard (RSVP-TE head-end and tail-end)" %
                 n.name)
        qp = self.spawn(n.name, quasard, "quasard")

        def answers():
            return self.ctl(n.name, "rsvp", "show", "counters",
                            check=False, json_out=True) is not None
        self._wait("quasard on %s" % n.name, answers, qp, timeout=60)

    # -- down -----------------------------------------------------------

    def down(self):
        """Removes everything the lab made, whether it is up, half up or
        left by a crash.  Returns a list of what could not be removed
        (empty: all gone)."""
        t = self.topo
        recs = self.procs()
        core = ("quasard", "demux")
        # Traffic and other spawned programs first, then quasard (on
        # SIGTERM it destroys its routelets itself), then the demux.
        others = [(d["pid"], d.get("start")) for d in recs
                  if d["role"].rstrip("0123456789") not in core and
                  d["alive"]]
        if others:
            self.log("stopping %d process(es)" % len(others))
        stop(others, 3)
        for role, tmo in (("quasard", 20), ("demux", 5)):
            ps = [(d["pid"], d.get("start")) for d in recs
                  if d["role"].rstrip("0123456789") == role]
            if [p for p in ps if alive(*p)]:
                self.log("stopping %s (%s)" % (
                    role, ", ".join(d["node"] for d in recs
                                    if d["role"].startswith(role))))
            if stop(ps, tmo):
                self.log("%s had to be killed" % role)
        # What the records missed: anything in the lab's namespaces.
        nss = lab_namespaces(t.nsprefix)
        stray = []
        for ns in nss:
            stray += netns_pids(ns)
        qd = [p for p in stray if proc_comm(p[0]) == "quasard"]
        if stray:
            self.log("stopping %d unrecorded process(es) in the lab's "
                     "namespaces" % len(stray))
        stop(qd, 20)
        stop(stray, 3)
        # Routelets of a quasard that died without cleaning up.
        left = []
        cgs = lab_cgroups(t.nsprefix)
        if cgs:
            self.log("removing %d cgroup instance director%s" %
                     (len(cgs), "y" if len(cgs) == 1 else "ies"))
        left += remove_cgroups(cgs)
        # Anything else with the lab's mark (a routelet caught between
        # fork and its cgroup, a child of an exec'd shell).
        marked = marked_pids(self.mark)
        if marked:
            self.log("killing %d marked process(es)" % len(marked))
            stop(marked, 1, signal.SIGKILL)
        for ns in lab_namespaces(t.nsprefix):
            r = run(["ip", "netns", "del", ns], check=False)
            if r.returncode != 0:
                left.append("namespace %s (%s)" % (ns, r.stderr.strip()))
        if nss:
            self.log("removed %d namespace(s)" % len(nss))
        shutil.rmtree(self.dir, ignore_errors=True)
        left += [x for x in self.leftovers() if x not in left]
        return left

    # -- status ---------------------------------------------------------

    def status(self):
        t = self.topo
        nss = set(lab_namespaces(t.nsprefix))
        st = {"lab": t.name, "prefix": t.prefix,
              "description": t.description, "statedir": self.dir,
              "build": self.build, "topology": self.meta.get("source"),
              "nodes": [], "links": [], "processes": [], "routers": {},
              "speakers": {}}
        links = {}
        for n in t.nodes.values():
            up = n.ns in nss
            st["nodes"].append({"name": n.name, "kind": n.kind,
                                "namespace": n.ns, "exists": up,
                                "routes": ["%s via %s" % r
                                           for r in n.routes]})
            if up:
                r = self.ip(n.name, "-j", "link", "show", check=False)
                try:
                    for l in json.loads(r.stdout or "[]"):
                        links[(n.name, l["ifname"])] = l.get("operstate")
                except ValueError:
                    pass
        for l in t.links:
            st["links"].append({"ends": [
                {"node": e.node, "dev": e.dev, "addr": e.addr, "mac": e.mac,
                 "state": links.get((e.node, e.dev), "absent")}
                for e in (l.a, l.b)]})
        recorded = set()
        for d in self.procs():
            recorded.add(d["pid"])
            st["processes"].append({
                "node": d["node"], "role": d["role"], "pid": d["pid"],
                "alive": d["alive"], "argv": d["argv"], "log": d["log"]})
        for n in t.nodes.values():
            if n.ns in nss:
                for pid, _ in netns_pids(n.ns):
                    if pid not in recorded:
                        st["processes"].append({
                            "node": n.name, "role": "unrecorded",
                            "pid": pid, "alive": True,
                            "argv": [proc_cmdline(pid)], "log": None})
        for n in t.routers():
            info = {"statedir": self.statedir(n), "ports": n.port_names(),
                    "pool": None, "lsps": None, "cgroups": []}
            if self.build and os.path.exists(os.path.join(
                    self.statedir(n), "quasard.sock")):
                try:
                    info["pool"] = self.ctl(n.name, "pool", "show",
                                            check=False, json_out=True)
                    info["lsps"] = self.ctl(n.name, "lsp", "show",
                                            check=False, json_out=True)
                except (LabError, ValueError):
                    pass
            info["cgroups"] = sorted(
                os.path.basename(x) for x in glob.glob(os.path.join(
                    "/sys/fs/cgroup/freezer", n.ns, "rl*")) +
                glob.glob(os.path.join("/sys/fs/cgroup", n.ns, "rl*")))
            st["routers"][n.name] = info
        for n in t.speakers():
            info = {"statedir": self.statedir(n), "lsps": None}
            if self.build and os.path.exists(os.path.join(
                    self.statedir(n), "quasard.sock")):
                try:
                    info["lsps"] = self.ctl(n.name, "lsp", "show",
                                            check=False, json_out=True)
                except (LabError, ValueError):
                    pass
            st["speakers"][n.name] = info
        allup = all(x["exists"] for x in st["nodes"]) and \
            all(e["state"] != "absent" for l in st["links"]
                for e in l["ends"]) and \
            all(p["alive"] for p in st["processes"]
                if p["role"] in ("quasard", "demux")) and \
            all(i["pool"] is not None for i in st["routers"].values())
        anyup = bool(nss) or bool(st["processes"])
        st["state"] = "up" if allup and anyup else \
            ("partial" if anyup else "down")
        return st


def format_status(st):
    out = []
    out.append("lab %s: %s   (namespaces %s-%s-*, state %s)" % (
        st["lab"], st["state"], st["prefix"], st["lab"], st["statedir"]))
    if st["description"]:
        out.append("  " + st["description"])
    out.append("nodes:")
    for n in st["nodes"]:
        out.append("  %-10s %-7s %-24s %s%s" % (
            n["name"], n["kind"], n["namespace"],
            "present" if n["exists"] else "absent",
            ("   routes: " + ", ".join(n["routes"])) if n["routes"]
            else ""))
    out.append("links:")
    for l in st["links"]:
        a, b = l["ends"]
        out.append("  %-18s %-15s %s %-5s <-> %-18s %-15s %s %s" % (
            "%s:%s" % (a["node"], a["dev"]), a["addr"] or "-", a["mac"],
            a["state"], "%s:%s" % (b["node"], b["dev"]), b["addr"] or "-",
            b["mac"], b["state"]))
    out.append("processes:")
    if not st["processes"]:
        out.append("  (none)")
    for p in st["processes"]:
        out.append("  %-10s %-10s %7d %-7s %s" % (
            p["node"], p["role"], p["pid"],
            "running" if p["alive"] else "gone",
            " ".join(os.path.basename(x) if i == 0 else x
                     for i, x in enumerate(p["argv"]))[:90]))
    for name, r in st["routers"].items():
        out.append("router %s: ports %s, state %s" % (
            name, " ".join(r["ports"]), r["statedir"]))
        p = r["pool"]
        if p:
            out.append("  pool: %d idle, %d used, %d in all (min %d, "
                       "target %d, max %d)" % (p["idle"], p["used"],
                                               p["total"], p["min"],
                                               p["target"], p["max"]))
        else:
            out.append("  pool: quasard not answering")
        for l in r["lsps"] or []:
            out.append("  lsp %-10s in %-6s %-4s %-7s -> %-5s %s "
                       "%8d B/s  weight %d cap %d%%  %s" % (
                           l["name"], "%d" % l["in_label"], l["in_port"],
                           l["op"], l["out_label"], l["out_port"],
                           l["rate"], l["weight"], l["cap"],
                           l["routelet"]))
        if r["cgroups"]:
            out.append("  routelet cgroups: " + " ".join(r["cgroups"]))
    for name, r in st.get("speakers", {}).items():
        out.append("ler %s: RSVP-TE (quasard), state %s" % (
            name, r["statedir"]))
        if r["lsps"] is None:
            out.append("  quasard not answering")
        for l in r["lsps"] or []:
            if l.get("kind") != "head-end":
                continue
            out.append("  head-end lsp %-10s to %-15s %-9s label %s via "
                       "%s" % (l["name"], l.get("to"), l.get("state"),
                               l.get("out_label"), l.get("nh_mac")))
    return "\n".join(out)
