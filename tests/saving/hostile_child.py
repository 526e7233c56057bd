"""Run one load of a (possibly hostile) file in a child process with a memory cap.

``load_in_child(action, path)`` starts ``python hostile_child.py ACTION PATH`` with
``RLIMIT_AS`` set and a timeout, so a regression (a bomb, a hang) fails the test instead
of taking the machine down. The child prints one JSON line: the outcome (``ok`` or the
exception's class and message), its peak resident memory (``ru_maxrss``, KiB) and the
seconds the load took.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
REPO = HERE.parent.parent
GiB = 1 << 30


def load_in_child(action, path, memory_limit=2 * GiB, timeout=60, env=None):
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    environ = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(HERE)]),
               "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", **(env or {})}
    proc = subprocess.run([sys.executable, str(Path(__file__)), action, str(path)],
                          capture_output=True, text=True, timeout=timeout, preexec_fn=cap,
                          env=environ)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert proc.returncode == 0 and lines, (
        f"child died (rc={proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return json.loads(lines[-1])


class CliExit(Exception):
    """The CLI printed one line and exited non-zero."""


def _mlp():
    from saving_helpers import mlp

    return mlp(compile=False)


def _run(action, path):
    from shenjing import saving

    if action == "load_model":
        saving.load_model(path)
    elif action == "load_weights":
        _mlp().load_weights(path)
    elif action == "summary":
        import contextlib
        import io

        from shenjing import cli

        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = cli.main(["summary", path])
        if code:
            raise CliExit(f"exit {code}: {err.getvalue().strip()}")
    else:
        raise SystemExit(f"unknown action {action!r}")


def main(action, path):
    import shenjing.saving  # noqa: F401 - imported before the clock starts

    start = time.perf_counter()
    try:
        _run(action, path)
        outcome = {"outcome": "ok"}
    except Exception as error:  # reported to the parent, which decides
        outcome = {"outcome": type(error).__name__, "message": str(error)[:2000],
                   "mro": [cls.__name__ for cls in type(error).__mro__]}
    outcome["seconds"] = time.perf_counter() - start
    outcome["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
