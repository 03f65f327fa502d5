"""Child processes that do only the measured work, and their memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

RESULT_MARK = "BENCH_RESULT "
CHILD_FLAG = "--child"


def run_child(script: str, *args: str, timeout: float = 900) -> dict:
    """Run `script --child args` in a fresh interpreter on the same database; return its result dict.

    The child does only the measured work, so its peak RSS is not inflated by data generation.
    """
    from django.db import connections

    connections.close_all()
    proc = subprocess.run(
        [sys.executable, script, CHILD_FLAG, *args],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            result = json.loads(line[len(RESULT_MARK) :])
        else:
            print(line)
    if proc.returncode != 0 or result is None:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"child {Path(script).name} failed with exit code {proc.returncode}")
    if proc.stderr.strip():
        sys.stderr.write(proc.stderr)
    return result


def child_result(result: dict) -> None:
    print(RESULT_MARK + json.dumps(result), flush=True)


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    return _status_mb("VmRSS")


def peak_rss_mb() -> float:
    """Highest resident memory of this process (since start or the last reset_peak_rss), in MB."""
    return _status_mb("VmHWM")


def reset_peak_rss() -> bool:
    """Restart the peak-RSS counter from the current RSS (Linux: write 5 to clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False
