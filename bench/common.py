"""Shared benchmark plumbing: Django setup against the dev database, percentiles, wrk runs."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cashsheet.settings")


def setup() -> None:
    import django

    django.setup()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(samples_s: list[float]) -> str:
    ms = [s * 1000 for s in samples_s]
    return f"n={len(ms)} p50={statistics.median(ms):.2f} ms p99={percentile(ms, 99):.2f} ms max={max(ms):.2f} ms"


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _to_ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(url: str, headers: dict[str, str], *, seconds: int = 15, connections: int = 16, threads: int = 2) -> dict:
    """Run wrk with --latency and return requests/s, p50 and p99 in ms, and non-2xx count."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "command": " ".join(cmd + [url]),
    }


def write_section(heading: str, text: str) -> None:
    """Replace BENCHMARKS.md's `## heading` section with `text` (append the section if it is new)."""
    path = ROOT / "BENCHMARKS.md"
    content = path.read_text()
    block = f"## {heading}\n\n{text.strip()}\n"
    pattern = re.compile(r"^## " + re.escape(heading) + r"\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(content):
        content = pattern.sub(lambda _: block + "\n", content, count=1).rstrip() + "\n"
    else:
        content = content.rstrip() + "\n\n" + block
    path.write_text(content)


def machine_load() -> str:
    """The 1-minute load average, for the note beside every figure (the machine is shared)."""
    return f"{os.getloadavg()[0]:.1f}"
