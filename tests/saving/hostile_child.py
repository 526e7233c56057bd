"""Run one load of a (possibly hostile) file in a child process with a memory cap.

``load_in_child(action, path)`` starts ``python hostile_child.py ACTION PATH`` with
``RLIMIT_AS`` set and a timeout, so a regression (a bomb, a hang) fails the test instead
of taking the machine down. The child prints one JSON line: the outcome (``ok`` or the
exception's class and message), its peak resident memory (``VmHWM``, KiB) and the
seconds the load took. ``load_in_child("mutate", folder, fmt, count, seed)`` loads
``count`` seeded random mutations of a valid file of format ``fmt`` in one child and
reports how each load ended.
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


def load_in_child(action, path, *extra, memory_limit=2 * GiB, timeout=60, env=None):
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    environ = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(HERE)]),
               "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", **(env or {})}
    proc = subprocess.run([sys.executable, str(Path(__file__)), action, str(path),
                           *map(str, extra)],
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


def peak_rss_kib():
    """This process's peak resident memory since its exec, KiB (``VmHWM``; ``ru_maxrss`` would
    also count the parent's memory at the fork, which Linux carries across exec)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def mutate(data, rng):
    """One random damage to ``data``: flipped bits, a run of random bytes, a field set to
    all ones, a cut, a repeated or a removed slice."""
    data = bytearray(data)
    kind = rng.integers(6)
    at = int(rng.integers(len(data)))
    if kind == 0:
        for _ in range(int(rng.integers(1, 9))):
            i = int(rng.integers(len(data)))
            data[i] ^= 1 << int(rng.integers(8))
    elif kind == 1:
        n = int(rng.integers(1, 33))
        data[at:at + n] = rng.integers(0, 256, min(n, len(data) - at), dtype="uint8").tobytes()
    elif kind == 2:
        n = int(rng.choice([2, 4, 8]))
        data[at:at + n] = b"\xff" * len(data[at:at + n])
    elif kind == 3:
        del data[at:]
    elif kind == 4:
        n = int(rng.integers(1, 65))
        data[at:at] = data[at:at + n]
    else:
        del data[at:at + int(rng.integers(1, 65))]
    return bytes(data)


def _mutations(fmt, count, seed, workdir):
    """Load ``count`` mutations of a valid file of format ``fmt`` (".weights.h5", ".keras",
    ".safetensors"); {outcome class: count} and the first few unexpected outcomes."""
    import zipfile

    import numpy as np

    from shenjing import saving
    from shenjing.safety import FormatError

    rng = np.random.default_rng(seed)
    base = os.path.join(workdir, "base" + fmt)
    if fmt == ".keras":
        _mlp().save(base)
        with zipfile.ZipFile(base) as archive:
            members = [(i.filename, archive.read(i)) for i in archive.infolist()]
    else:
        _mlp().save_weights(base)
    with open(base, "rb") as f:
        valid = f.read()
    outcomes, unexpected = {}, []
    path = os.path.join(workdir, "mutant" + fmt)
    for i in range(count):
        if fmt == ".keras" and i % 2:
            # damage one member, then zip it again (else the CRC check finds most damage)
            k = int(rng.integers(len(members)))
            entries = [(n, mutate(d, rng) if j == k else d) for j, (n, d) in enumerate(members)]
            with zipfile.ZipFile(path, "w") as archive:
                for name, data in entries:
                    archive.writestr(name, data)
        else:
            with open(path, "wb") as f:
                f.write(mutate(valid, rng))
        try:
            if fmt == ".keras" and i % 4 == 1:
                saving.load_model(path)
            else:
                _mlp().load_weights(path)
            name = "ok"
        except FormatError:
            name = "FormatError"
        except Exception as error:  # what the test is looking for
            name = type(error).__name__
            if len(unexpected) < 5:
                unexpected.append(f"mutation {i}: {name}: {str(error)[:300]}")
        outcomes[name] = outcomes.get(name, 0) + 1
    return {"outcomes": outcomes, "unexpected": unexpected}


def main(action, path, *extra):
    import shenjing.saving  # noqa: F401 - imported before the clock starts

    if action == "mutate":
        import warnings

        warnings.simplefilter("ignore")
        fmt, count, seed = extra
        start = time.perf_counter()
        outcome = _mutations(fmt, int(count), int(seed), path)
        outcome["seconds"] = time.perf_counter() - start
        outcome["maxrss_kib"] = peak_rss_kib()
        print(json.dumps(outcome), flush=True)
        return

    start = time.perf_counter()
    try:
        _run(action, path)
        outcome = {"outcome": "ok"}
    except Exception as error:  # reported to the parent, which decides
        outcome = {"outcome": type(error).__name__, "message": str(error)[:2000],
                   "mro": [cls.__name__ for cls in type(error).__mro__]}
    outcome["seconds"] = time.perf_counter() - start
    outcome["maxrss_kib"] = peak_rss_kib()
    print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
