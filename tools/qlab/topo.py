"""A lab topology read from XML (docs/lab.md has the format).

    <lab name="default" prefix="ql">
      <description>...</description>
      <host name="src"> <route to="default" via="10.0.0.254"/> </host>
      <ler name="ler-in" rsvp="yes"> <route to="default" via="10.0.1.254"/> </ler>
      <quasar name="r1" pool="2:4:8"/>
      <link>
        <end node="src" dev="eth0" addr="10.0.0.1/24"/>
        <end node="ler-in" dev="h0" addr="10.0.0.254/24"/>
      </link>
    </lab>

Everything is checked here, before anything is created, so a bad file
changes nothing on the machine.
"""
import ipaddress
import re
import xml.etree.ElementTree as ET

KINDS = ("host", "ler", "quasar")
LAB_RE = re.compile(r"^[a-z0-9]{1,16}$")
NODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,15}$")
DEV_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$")
MAC_RE = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
XDP_MODES = ("auto", "native", "generic", "off")
POOL_RE = re.compile(r"^(\d+):(\d+):(\d+)$")
BW_RE = re.compile(r"^\d+(\.\d{1,9})?[kKmMgGtT]?bit$")


class TopoError(Exception):
    pass


class End:
    """One end of a link: an interface in a node."""

    def __init__(self, node, dev, addr, mac):
        self.node, self.dev, self.addr, self.mac = node, dev, addr, mac
        self.peer = None        # the End at the other side
        self.reservable = None  # a quasar port's RSVP bandwidth

    def __repr__(self):
        return "%s:%s" % (self.node, self.dev)


class Node:
    def __init__(self, name, kind):
        self.name, self.kind = name, kind
        self.routes = []        # (to, via)
        self.ends = []          # its interfaces, document order
        self.pool = (2, 4, 8)   # quasar only
        self.per_packet_ns = None   # quasar only: admission's cost
        self.verbose = False
        self.user = None
        self.rsvp = False       # ler only: runs quasard, speaks RSVP-TE
        self.xdp = "auto"       # quasar-demux -x
        self.index = 0
        self.ns = None

    def port_names(self):
        return [e.dev for e in self.ends]

    def end(self, dev):
        for e in self.ends:
            if e.dev == dev:
                return e
        raise TopoError("%s has no interface %s" % (self.name, dev))


class Link:
    def __init__(self, a, b, mtu):
        self.a, self.b, self.mtu = a, b, mtu


class Topo:
    def __init__(self):
        self.name = None
        self.prefix = "ql"
        self.description = ""
        self.nodes = {}         # name -> Node, document order
        self.links = []
        self.path = None

    def ns(self, node):
        return "%s-%s-%s" % (self.prefix, self.name, node)

    @property
    def nsprefix(self):
        return "%s-%s-" % (self.prefix, self.name)

    def routers(self):
        return [n for n in self.nodes.values() if n.kind == "quasar"]

    def speakers(self):
        """LERs that run quasard for RSVP-TE (head-end, tail-end)."""
        return [n for n in self.nodes.values()
                if n.kind == "ler" and n.rsvp]

    def node(self, name):
        try:
            return self.nodes[name]
        except KeyError:
            raise TopoError("no node %r in lab %s (nodes: %s)" %
                            (name, self.name, ", ".join(self.nodes)))

    def rename(self, name):
        """Gives the lab another name (and so other namespaces), for a
        second copy of a topology, as the tests do."""
        if not LAB_RE.match(name):
            raise TopoError("lab name %r: 1-16 of a-z, 0-9" % name)
        self.name = name
        for n in self.nodes.values():
            n.ns = self.ns(n.name)
            # A router's namespace names its quasard instance (cgroups),
            # which quasard's configuration limits to 32 characters.
            if len(n.ns) > 32:
                raise TopoError("namespace name %s is over 32 characters: "
                                "shorten the lab, prefix or node name" %
                                n.ns)


def _attr(el, key, where, required=True, default=None):
    v = el.get(key)
    if v is None:
        if required:
            raise TopoError("%s: missing attribute %s" % (where, key))
        return default
    return v.strip()


def _route(el, where):
    to = _attr(el, "to", where)
    via = _attr(el, "via", where)
    if to != "default":
        try:
            ipaddress.ip_network(to, strict=False)
        except ValueError:
            raise TopoError("%s: route to=%r is not a prefix" % (where, to))
    try:
        ipaddress.ip_address(via)
    except ValueError:
        raise TopoError("%s: route via=%r is not an address" % (where, via))
    return (to, via)


def parse(path, text=None):
    """The Topo of an XML file (or of its text)."""
    try:
        root = ET.fromstring(text) if text is not None else \
            ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        raise TopoError(str(e))
    t = Topo()
    t.path = path
    if root.tag != "lab":
        raise TopoError("the root element is <%s>, not <lab>" % root.tag)
    t.name = _attr(root, "name", "<lab>")
    t.prefix = _attr(root, "prefix", "<lab>", False, "ql")
    if not LAB_RE.match(t.name):
        raise TopoError("<lab name=%r>: 1-16 of a-z, 0-9 (no '-': it "
                        "separates the namespace name's parts)" % t.name)
    if not LAB_RE.match(t.prefix):
        raise TopoError("<lab prefix=%r>: 1-16 of a-z, 0-9" % t.prefix)
    links = []
    for el in root:
        if not isinstance(el.tag, str):
            continue            # comments
        if el.tag == "description":
            t.description = " ".join((el.text or "").split())
        elif el.tag in KINDS:
            name = _attr(el, "name", "<%s>" % el.tag)
            where = "<%s name=%r>" % (el.tag, name)
            if not NODE_RE.match(name):
                raise TopoError("%s: a node name is 1-16 of a-z, 0-9, '-'"
                                % where)
            if name in t.nodes:
                raise TopoError("%s: a second node of that name" % where)
            n = Node(name, el.tag)
            n.index = len(t.nodes)
            for sub in el:
                if not isinstance(sub.tag, str):
                    continue
                if sub.tag != "route":
                    raise TopoError("%s: unknown element <%s>" %
                                    (where, sub.tag))
                n.routes.append(_route(sub, where))
            if el.tag == "quasar":
                pool = _attr(el, "pool", where, False, "2:4:8")
                m = POOL_RE.match(pool)
                if not m:
                    raise TopoError("%s: pool=%r is not min:target:max" %
                                    (where, pool))
                n.pool = tuple(int(x) for x in m.groups())
                if not n.pool[0] <= n.pool[1] <= n.pool[2] or \
                        n.pool[2] == 0:
                    raise TopoError("%s: pool wants min <= target <= max, "
                                    "max > 0" % where)
                n.verbose = _attr(el, "verbose", where, False, "no") in \
                    ("yes", "1", "true")
                n.user = _attr(el, "user", where, False)
                ppn = _attr(el, "per-packet-ns", where, False)
                if ppn is not None and ppn != "auto" and not (
                        ppn.isdigit() and 1 <= int(ppn) <= 1000000):
                    raise TopoError("%s: per-packet-ns=%r: auto or "
                                    "1-1000000" % (where, ppn))
                n.per_packet_ns = ppn
                n.xdp = _attr(el, "xdp", where, False, "auto")
                if n.xdp not in XDP_MODES:
                    raise TopoError("%s: xdp=%r is not one of %s" % (
                        where, n.xdp, ", ".join(XDP_MODES)))
            else:
                for k in ("pool", "verbose", "user", "per-packet-ns", "xdp"):
                    if el.get(k) is not None:
                        raise TopoError("%s: %s is for <quasar> nodes" %
                                        (where, k))
            rsvp = _attr(el, "rsvp", where, False)
            if rsvp is not None:
                if el.tag != "ler":
                    raise TopoError("%s: rsvp is for <ler> nodes (a "
                                    "<quasar> always speaks RSVP-TE)" %
                                    where)
                if rsvp not in ("yes", "no"):
                    raise TopoError("%s: rsvp=%r: yes or no" %
                                    (where, rsvp))
                n.rsvp = rsvp == "yes"
            t.nodes[name] = n
        elif el.tag == "link":
            links.append(el)
        else:
            raise TopoError("unknown element <%s> in <lab>" % el.tag)
    if not t.nodes:
        raise TopoError("no nodes")
    for i, el in enumerate(links):
        where = "link %d" % (i + 1)
        ends = [e for e in el if isinstance(e.tag, str)]
        if len(ends) != 2 or any(e.tag != "end" for e in ends):
            raise TopoError("%s: a link is exactly two <end> elements" %
                            where)
        mtu = _attr(el, "mtu", where, False)
        if mtu is not None:
            if not mtu.isdigit() or not 68 <= int(mtu) <= 65535:
                raise TopoError("%s: mtu=%r" % (where, mtu))
            mtu = int(mtu)
        made = []
        for e in ends:
            node = t.node(_attr(e, "node", where))
            dev = _attr(e, "dev", where)
            w = "%s, %s:%s" % (where, node.name, dev)
            if not DEV_RE.match(dev):
                raise TopoError("%s: interface names are 1-15 characters"
                                % w)
            if dev in node.port_names() or dev == "lo":
                raise TopoError("%s: %s already has an interface %s" %
                                (w, node.name, dev))
            addr = _attr(e, "addr", w, False)
            if addr is not None:
                try:
                    ipaddress.ip_interface(addr)
                except ValueError:
                    raise TopoError("%s: addr=%r is not address/len" %
                                    (w, addr))
                if "/" not in addr:
                    raise TopoError("%s: addr=%r wants a prefix length" %
                                    (w, addr))
            mac = _attr(e, "mac", w, False)
            if mac is not None:
                mac = mac.lower()
                if not MAC_RE.match(mac) or int(mac[:2], 16) & 1:
                    raise TopoError("%s: mac=%r is not a unicast MAC" %
                                    (w, mac))
            end = End(node.name, dev, addr, mac)
            bw = _attr(e, "reservable", w, False)
            if bw is not None:
                if node.kind != "quasar":
                    raise TopoError("%s: reservable is for a quasar node's "
                                    "ports" % w)
                if not BW_RE.match(bw):
                    raise TopoError("%s: reservable=%r is not a bandwidth "
                                    "such as 100Mbit" % (w, bw))
            end.reservable = bw or "1Gbit"
            node.ends.append(end)
            made.append(end)
        made[0].peer, made[1].peer = made[1], made[0]
        t.links.append(Link(made[0], made[1], mtu))
    # Deterministic MACs, readable in a capture: 0a:51:4c:00:<node>:<if>.
    seen = {}
    for n in t.nodes.values():
        for j, e in enumerate(n.ends):
            if e.mac is None:
                e.mac = "0a:51:4c:00:%02x:%02x" % (n.index, j)
            if e.mac in seen:
                raise TopoError("%r and %r have the same MAC %s" %
                                (seen[e.mac], e, e.mac))
            seen[e.mac] = e
    for n in t.nodes.values():
        if n.kind == "quasar" and not n.ends:
            raise TopoError("quasar node %s has no ports (no links)" %
                            n.name)
        if n.kind == "quasar" and len(n.ends) > 8:
            raise TopoError("quasar node %s: at most 8 ports" % n.name)
        if n.rsvp and not [e for e in n.ends if e.addr]:
            raise TopoError("ler %s: rsvp wants an interface with an "
                            "address (its RSVP_HOP)" % n.name)
        if n.rsvp and len(n.ends) > 8:
            raise TopoError("ler %s: rsvp: quasard takes at most 8 "
                            "interfaces" % n.name)
    t.rename(t.name)
    return t
