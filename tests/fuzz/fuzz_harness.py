"""The fuzz test's child process and its judge: each load capped in memory and time.

Every load of a file must either succeed or raise ``shenjing.safety.FormatError``
(the documented error of every reader); anything else is a finding: another
exception type, a ``MemoryError``, a child killed by a signal, a load running past
the time cap, or a load whose peak resident memory grows by more than the RSS cap.

``Worker`` is a persistent ``fuzz_worker.py`` child under ``RLIMIT_AS``, restarted when
it dies; ``verdict(answer)`` judges one load. Formats (``FORMATS``, from ``fuzz_files``):
``keras``, ``weights.h5``, ``safetensors``, ``npz`` (MNIST's cache file), ``idx`` and
``idx.gz``. ``make_mutant(fmt, seed)`` (``fuzz_mutations``) is deterministic: the same
``(fmt, seed)`` gives the same bytes and the same description on every machine.
Reproduce a finding in this process, with its traceback:

    python tests/fuzz/fuzz_harness.py keras 17        # format, seed
"""

import json
import os
import resource
import select
import subprocess
import sys
import tempfile
import time

from fuzz_files import FORMATS, valid_file  # noqa: F401 - the test reads them from here
from fuzz_mutations import make_mutant

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

AS_LIMIT = int(float(os.environ.get("SHENJING_FUZZ_AS_GB", "1.5")) * (1 << 30))
TIME_CAP = float(os.environ.get("SHENJING_FUZZ_SECONDS", "10"))
RSS_CAP = int(float(os.environ.get("SHENJING_FUZZ_RSS_MB", "256")) * (1 << 20))


# -- the capped child ----------------------------------------------------------------------
def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class Worker:
    """A persistent ``fuzz_worker.py`` child under ``RLIMIT_AS``; restarted when it dies."""

    def __init__(self, home, time_cap=TIME_CAP):
        self.home = home
        self.time_cap = time_cap
        self.proc = None
        self.stderr = None

    def start(self):
        env = dict(os.environ, SHENJING_HOME=self.home, OPENBLAS_NUM_THREADS="1",
                   OMP_NUM_THREADS="1", SHENJING_DATASETS_MIRROR="http://127.0.0.1:9/",
                   PYTHONPATH=os.pathsep.join([REPO, HERE, os.environ.get("PYTHONPATH", "")]))
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "fuzz_worker.py")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, env=env, preexec_fn=_limit_memory,
                                     text=True, bufsize=1)
        hello = self._read(60.0)
        if not hello or not hello.get("ready"):
            raise RuntimeError(f"the fuzz worker did not start: {self._stderr_tail()}")

    def _read(self, timeout):
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.proc.stdout.readline()
        return json.loads(line) if line else {"died": True}

    def _stderr_tail(self):
        self.stderr.seek(0)
        return self.stderr.read()[-1500:].decode("utf-8", "replace")

    def load(self, kind, path, time_cap=None):
        """The child's answer for loading ``path``, or ``{"outcome": "crash"|"hang", ...}``."""
        time_cap = self.time_cap if time_cap is None else time_cap
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        start = time.perf_counter()
        try:
            self.proc.stdin.write(json.dumps({"kind": kind, "path": str(path)}) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:     # it died between two loads
            answer = {"died": True}
        else:
            answer = self._read(time_cap)
        if answer is None:
            self.close()
            return {"outcome": "hang", "message": f"no answer within {time_cap} s",
                    "seconds": time.perf_counter() - start}
        if answer.get("died"):
            code = self.proc.wait()
            tail = self._stderr_tail()
            self.proc = None
            return {"outcome": "crash", "message": f"the child died (exit status {code}); "
                                                   f"stderr: {tail}",
                    "seconds": time.perf_counter() - start}
        return answer

    def close(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.proc = None


def verdict(answer):
    """None when ``answer`` is acceptable, else the failure class and its detail."""
    outcome = answer["outcome"]
    if outcome in ("hang", "crash"):
        return f"{outcome}: {answer['message']}"
    grown = answer.get("peak_rss", 0) - answer.get("base_rss", 0)
    if grown > RSS_CAP:
        return (f"memory: the load's resident memory grew by {grown >> 20} MiB (cap "
                f"{RSS_CAP >> 20} MiB); outcome {outcome} {answer.get('type') or ''}")
    if outcome == "loaded" or answer["format_error"]:
        return None
    return f"{answer['type']} (not FormatError): {answer['message'][:300]} [at {answer['where']}]"


def place(fmt, name, data, folder, home):
    """Write ``data`` where the loader of ``fmt`` reads it; returns the path."""
    suffix, kind = FORMATS[fmt]
    target = os.path.join(home, "datasets") if kind == "npz" else folder
    os.makedirs(target, exist_ok=True)
    path = os.path.join(target, name + suffix)
    with open(path, "wb") as f:
        f.write(data)
    return path


def failure_class(answer):
    """A short key grouping failures of the same cause: the outcome, or the exception and where."""
    failure = verdict(answer)
    if failure is None:
        return None
    if answer["outcome"] in ("hang", "crash") or failure.startswith("memory"):
        return failure.split(":", 1)[0]
    where = answer["where"].split(" <- ", 1)[0]
    family = "ValueError, not FormatError" if answer.get("value_error") else "other exception"
    return f"{family}: {answer['type']} at {where}"


def survey(cases, first=0, formats=None):
    """Run ``cases`` mutants of each format in a capped worker; print the failure classes with the
    first seed of each (for the notes). Returns {fmt: {class: [seeds]}}."""
    home = tempfile.mkdtemp(prefix="shenjing-fuzz-")
    worker, found = Worker(home), {}
    try:
        for fmt in formats or FORMATS:
            start, classes = time.perf_counter(), {}
            for seed in range(first, first + cases):
                data, what = make_mutant(fmt, seed)
                path = place(fmt, f"{fmt}-{seed}", data, home, home)
                key = failure_class(worker.load(FORMATS[fmt][1], path))
                if key is not None:
                    classes.setdefault(key, []).append((seed, what))
                os.remove(path)
            found[fmt] = classes
            print(f"{fmt}: {cases} mutants, {sum(map(len, classes.values()))} failures, "
                  f"{time.perf_counter() - start:.1f} s")
            families = {}
            for key, seeds in classes.items():
                families[key.split(":", 1)[0]] = families.get(key.split(":", 1)[0], 0) + len(seeds)
            print(f"  by family: {families}")
            for key, seeds in sorted(classes.items(), key=lambda kv: (kv[0].startswith("ValueError"), -len(kv[1]))):
                print(f"  {len(seeds):4d}  {key}\n        e.g. seed {seeds[0][0]}: {seeds[0][1][:150]}")
    finally:
        worker.close()
    return found


def main(argv):
    """``fuzz_harness.py FMT SEED``: load one mutant in this process, with its traceback;
    ``fuzz_harness.py --survey N [FIRST]``: failure classes over N mutants per format."""
    if argv and argv[0] == "--survey":
        survey(int(argv[1]), int(argv[2]) if len(argv) > 2 else 0)
        return
    fmt, seed = argv[0], int(argv[1])
    data, what = make_mutant(fmt, seed)
    home = tempfile.mkdtemp(prefix="shenjing-fuzz-")
    os.environ["SHENJING_HOME"] = home
    path = place(fmt, f"{fmt}-{seed}", data, home, home)
    print(f"{fmt} seed {seed}: {what}\n  file: {path} ({len(data)} bytes)")
    sys.path.insert(0, HERE)
    import fuzz_worker
    fuzz_worker._loaders()[FORMATS[fmt][1]](path)
    print("loaded")


if __name__ == "__main__":
    main(sys.argv[1:])
