"""Tables and plots: every experiment writes its figures as CSV (for
tools) and Markdown (for people), and draws them with gnuplot."""
import csv
import os
import shutil
import subprocess

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])


def num(v, nd=1):
    """A figure for a table: rounded, with thin grouping, or a dash."""
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    if nd == 0 or (isinstance(v, int) and not isinstance(v, bool)):
        return "{:,}".format(int(round(v))).replace(",", " ")
    return "%.*f" % (nd, v)


def md_table(header, rows, right=None):
    """A Markdown table; columns in `right` (indexes; default all but
    the first) are right-aligned."""
    if right is None:
        right = range(1, len(header))
    align = ["---:" if i in right else "---" for i in range(len(header))]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out) + "\n"


def write_md(path, text):
    with open(path, "w") as f:
        f.write(text)


def write_dat(path, rows):
    """gnuplot's input: whitespace-separated, NaN for a missing value,
    quoted strings."""
    with open(path, "w") as f:
        for r in rows:
            if r is None:
                f.write("\n")
                continue
            f.write(" ".join(
                "NaN" if v is None else
                '"%s"' % v if isinstance(v, str) else repr(v) for v in r))
            f.write("\n")


def gnuplot(script, cwd):
    """Runs a gnuplot script in cwd; returns None or what went wrong."""
    if shutil.which("gnuplot") is None:
        return "gnuplot is not installed (scripts/install-deps)"
    r = subprocess.run(["gnuplot"], input=script, text=True, cwd=cwd,
                       capture_output=True, timeout=120)
    if r.returncode != 0:
        return "gnuplot: " + r.stderr.strip()[-500:]
    return None


def is_png(path):
    try:
        with open(path, "rb") as f:
            return f.read(8) == PNG_MAGIC and os.path.getsize(path) > 100
    except OSError:
        return False


# One look for every plot: PNG, a sans font, a light grid.
PLOT_HEAD = """set terminal pngcairo size %d,%d font "DejaVu Sans,10"
set output "%s"
set grid lc rgb "#dddddd"
set key top left box opaque
"""


def plot_head(png, w=900, h=600):
    return PLOT_HEAD % (w, h, png)
