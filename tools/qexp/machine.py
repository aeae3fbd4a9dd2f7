"""What the experiments ran on and under what load, read off the machine
itself, so the results say where they come from."""
import datetime
import os
import platform
import subprocess


def _first(path, key):
    try:
        for line in open(path):
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _os_name():
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return "unknown"


def _virt():
    """The hypervisor or container, as systemd sees it; the CPU's
    hypervisor flag otherwise."""
    r = subprocess.run(["systemd-detect-virt", "-v"], capture_output=True,
                       text=True)
    vm = r.stdout.strip() if r.returncode == 0 else "none"
    r = subprocess.run(["systemd-detect-virt", "-c"], capture_output=True,
                       text=True)
    ct = r.stdout.strip() if r.returncode == 0 else "none"
    flags = _first("/proc/cpuinfo", "flags") or ""
    if vm == "none" and "hypervisor" in flags.split():
        vm = "yes (the CPU's hypervisor flag)"
    return vm, ct


def _cc():
    r = subprocess.run(["cc", "--version"], capture_output=True, text=True)
    return r.stdout.splitlines()[0] if r.returncode == 0 and r.stdout \
        else "unknown"


def describe():
    """The machine: CPU, cores, memory, OS, kernel, virtualisation."""
    vm, ct = _virt()
    mem = _first("/proc/meminfo", "MemTotal:") or "0 kB"
    return {
        "cpu": _first("/proc/cpuinfo", "model name") or "unknown",
        "cpu_mhz": _first("/proc/cpuinfo", "cpu MHz"),
        "cores": os.cpu_count() or 1,
        "mem_gib": round(int(mem.split()[0]) / 1024.0 / 1024.0, 1),
        "os": _os_name(),
        "kernel": platform.release(),
        "virt": vm,
        "container": ct,
        "cc": _cc(),
    }


def _top():
    """Over half a second: the CPUs' busy share (%) and the busiest
    processes, from top's second sample (its first is since boot)."""
    r = subprocess.run(["top", "-b", "-n", "2", "-d", "0.5", "-w", "200"],
                       capture_output=True, text=True)
    last = r.stdout.split("\ntop - ")[-1].splitlines()
    busy, procs, table = None, [], False
    for line in last:
        if line.startswith("%Cpu(s):"):
            for part in line.split(":", 1)[1].split(","):
                f = part.split()
                if len(f) == 2 and f[1] == "id":
                    busy = round(100.0 - float(f[0]), 1)
        elif line.lstrip().startswith("PID"):
            table = True
        elif table:
            f = line.split(None, 11)
            if len(f) == 12 and f[11] != "top" and float(f[8]) > 0:
                procs.append("%s %s%%" % (f[11], f[8]))
    return busy, procs


def load():
    """A snapshot of what else the machine is doing: the load average,
    how busy the CPUs are and with what, other network namespaces, a
    QEMU."""
    la = open("/proc/loadavg").read().split()[:3]
    busy, top = _top()
    ns = subprocess.run(["ip", "netns", "list"], capture_output=True,
                        text=True).stdout.split("\n")
    r = subprocess.run(["pgrep", "-c", "qemu"], capture_output=True,
                       text=True)
    return {
        "time": datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M:%S UTC"),
        "loadavg": la,
        "cpu_busy_pct": busy,
        "top": top[:6],
        "netns": len([n for n in ns if n.strip()]),
        "qemu": int(r.stdout.strip() or 0),
    }


def commit(repo):
    r = subprocess.run(["git", "-C", repo, "rev-parse", "--short", "HEAD"],
                       capture_output=True, text=True)
    c = r.stdout.strip() or None
    if c:
        d = subprocess.run(["git", "-C", repo, "status", "--porcelain",
                            "--untracked-files=no"], capture_output=True,
                           text=True)
        if d.stdout.strip():
            c += " (with local changes)"
    return c
