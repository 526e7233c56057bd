"""How much memory can a file of at most 1 MB make a shenjing load use? Measured, per format.

For every hostile file of ``tests/fuzz/hostile_files.py`` (the bombs of issue 10 and
their siblings, each at most 1,000,000 bytes) and, for reference, the small valid file
of each format, a fresh child process (``tests/fuzz/fuzz_worker.py``, under
``RLIMIT_AS`` = ``--cap-gb``) loads the file once. The peak is the child's
``ru_maxrss`` (from ``wait4``) minus that of a baseline child that starts the same
worker (imports shenjing, builds the reference model) and loads nothing. Since the
child's start-up has its own peak, a load smaller than that shows 0 there; the column
"load MB" is the worker's own figure, the growth of its resident memory during the load
(``VmHWM``, reset before the load, minus ``VmRSS`` before it: what the fuzz test caps).

    python tools/measure_load_memory.py [--cap-gb 2] [--timeout 10] [--only NAME ...]

Prints one row per file (format, file, bytes, peak MB, load MB, outcome, seconds) and,
per format, the largest peak. A peak marked ">=" hit the cap (the load asked for more:
MemoryError, a kill, or the time limit), so the true figure is larger. The seconds
include the child's start-up (about a second).
"""

import argparse
import json
import os
import re
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FUZZ = os.path.join(REPO, "tests", "fuzz")
sys.path.insert(0, FUZZ)

import fuzz_harness as fh  # noqa: E402
from hostile_files import HOSTILE  # noqa: E402


def run_child(kind, path, home, cap, timeout):
    """``(answer or None, ru_maxrss bytes, seconds, how it ended)`` for one load in a fresh child."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    env = dict(os.environ, SHENJING_HOME=home, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               SHENJING_DATASETS_MIRROR="http://127.0.0.1:9/",
               PYTHONPATH=os.pathsep.join([REPO, FUZZ, os.environ.get("PYTHONPATH", "")]))
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, os.path.join(FUZZ, "fuzz_worker.py")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env, preexec_fn=limit, text=True)
    if kind is not None:
        proc.stdin.write(json.dumps({"kind": kind, "path": path}) + "\n")
    proc.stdin.close()
    answer, ended, deadline = None, "exit", start + 60.0   # the worker's start-up, then the load
    lines = []
    while True:
        left = deadline - time.perf_counter()
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, left))
        if not ready:
            os.kill(proc.pid, signal.SIGKILL)
            ended = "timeout"
            break
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(json.loads(line))
        if len(lines) == 1:
            deadline = time.perf_counter() + timeout
        if kind is not None and len(lines) == 2:
            answer = lines[1]
            break
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    if ended != "timeout" and answer is None and kind is not None:
        ended = f"killed by signal {-proc.returncode}" if proc.returncode < 0 else \
            f"died (exit {proc.returncode})"
    return answer, usage.ru_maxrss * 1024, time.perf_counter() - start, ended


def outcome_of(answer, ended):
    if answer is None:
        return ended
    if answer["outcome"] == "loaded":
        return "loaded"
    name = answer["type"].rsplit(".", 1)[-1]
    asked = re.search(r"allocate ([\d.]+ [KMGTPE]?i?B)", answer["message"])
    if "MemoryError" in name and asked:
        return f"MemoryError (asked {asked.group(1)})"
    if answer["format_error"]:
        return name if name in ("FormatError", "ResourceLimitError") else f"FormatError ({name})"
    return name


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cap-gb", type=float, default=2.0,
                        help="RLIMIT_AS of each child, GiB (default 2)")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds one load may take before it is killed (default 10)")
    parser.add_argument("--only", nargs="*", help="names of hostile files to measure")
    args = parser.parse_args(argv)
    cap = int(args.cap_gb * (1 << 30))

    cases = [(fmt, f"valid {fmt} (reference)", fh.valid_file) for fmt in fh.FORMATS]
    cases += [(fmt, name, build) for name, (fmt, build, _what) in HOSTILE.items()]
    if args.only:
        cases = [c for c in cases if c[1] in args.only]

    home = tempfile.mkdtemp(prefix="shenjing-measure-")
    _, baseline, _, _ = run_child(None, None, home, cap, args.timeout)
    print(f"baseline child (imports shenjing, loads nothing): {baseline / 1e6:.0f} MB; "
          f"cap {args.cap_gb:g} GiB, {args.timeout:g} s per load")
    header = (f"{'format':12s} {'file':36s} {'bytes':>9s} {'peak MB':>9s} {'load MB':>8s} "
              f"{'outcome':30s} {'seconds':>7s}")
    print(header + "\n" + "-" * len(header))
    worst = {}
    for fmt, name, build in cases:
        data = build(fmt) if build is fh.valid_file else build()
        label = name.split(" ")[0] if build is fh.valid_file else name
        path = fh.place(fmt, label.replace(".", "_"), data, home, home)
        answer, peak, seconds, ended = run_child(fh.FORMATS[fmt][1], path, home, cap, args.timeout)
        os.remove(path)
        outcome = outcome_of(answer, ended)
        capped = "MemoryError" in outcome or answer is None
        grown = max(0, peak - baseline) / 1e6
        shown = f"{'>=' if capped else ''}{grown:.0f}"
        load_mb = 0.0 if answer is None else max(0, answer["peak_rss"] - answer["base_rss"]) / 1e6
        load = "-" if answer is None else f"{load_mb:.0f}"
        print(f"{fmt:12s} {name:36s} {len(data):9d} {shown:>9s} {load:>8s} {outcome[:30]:30s} {seconds:7.1f}",
              flush=True)
        if fmt not in worst or (grown, load_mb) > worst[fmt][0]:   # a tie on the peak: the load
            worst[fmt] = ((grown, load_mb), shown, load, name, outcome)
    print("\nlargest peak per format (a file of at most 1 MB):")
    for fmt, (_, shown, load, name, outcome) in worst.items():
        print(f"  {fmt:12s} {shown:>8s} MB (load {load} MB)  {name} ({outcome})")


if __name__ == "__main__":
    main()
