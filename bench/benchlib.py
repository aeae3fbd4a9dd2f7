"""What the Python benchmark drivers share: figures in bench_core's JSON
schema, and clean-up that runs on every way out, signals included.
"""
import datetime
import json
import os
import signal
import traceback

_cleanups = []


def on_exit(fn):
    """Registers fn to run at the end, last registered first."""
    _cleanups.append(fn)
    return fn


def cancel(fn):
    if fn in _cleanups:
        _cleanups.remove(fn)


def run_cleanups():
    while _cleanups:
        fn = _cleanups.pop()
        try:
            fn()
        except Exception:
            traceback.print_exc()


class Interrupted(BaseException):
    pass


def _on_signal(sig, frame):
    raise Interrupted("signal %d" % sig)


def catch_signals():
    """SIGTERM, SIGINT and SIGHUP unwind through the clean-ups."""
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, _on_signal)


class Figures:
    """One JSON object per figure, as bench_core writes them: name, value,
    unit, baseline (with its ratio), target, date, host, commit."""

    def __init__(self, out, commit):
        self.out, self.commit = out, commit
        self.date = datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        cpu = "unknown"
        try:
            for line in open("/proc/cpuinfo"):
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        self.host = {"cpu": cpu, "cores": os.cpu_count() or 1}
        self.figs = {}

    def add(self, name, value, unit, baseline=None, target=None, **extra):
        f = {"name": name, "value": value, "unit": unit,
             "baseline": None, "target": target}
        if baseline is not None and baseline in self.figs and \
                self.figs[baseline]["value"]:
            bv = self.figs[baseline]
            f["baseline"] = {"name": baseline, "value": bv["value"],
                             "unit": bv["unit"], "ratio": round(
                                 value / bv["value"], 3)}
        f.update(extra)
        f.update({"date": self.date, "host": self.host,
                  "commit": self.commit})
        self.figs[name] = f
        return f

    def write(self):
        if not self.out:
            return
        os.makedirs(self.out, exist_ok=True)
        for name, f in self.figs.items():
            with open(os.path.join(self.out, name + ".json"), "w") as fp:
                json.dump(f, fp, separators=(",", ":"))
                fp.write("\n")
