"""quasar-lab's library: topologies in network namespaces (tools/quasar-lab,
docs/lab.md).  tools/demo and tests/integ/test_lab.py use it too."""
from .topo import Topo, TopoError, parse              # noqa: F401
from .lab import Lab, LabError, format_status, nsenter  # noqa: F401
