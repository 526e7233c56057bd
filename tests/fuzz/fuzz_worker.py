"""The child process that loads untrusted files for the fuzz test and the memory tool.

Run as ``python fuzz_worker.py`` under ``RLIMIT_AS`` (set by the parent). It reads one
JSON request per line on stdin, ``{"kind": ..., "path": ...}``, loads the file with the
loader of that kind and answers one JSON line on stdout:

    {"outcome": "loaded" | "error", "type": "module.Class", "format_error": bool,
     "value_error": bool (a ValueError that is not yet a FormatError),
     "message": str, "where": last frames of the traceback, "seconds": float,
     "peak_rss": bytes (VmHWM, reset before each load), "base_rss": bytes before the load}

Kinds: ``keras`` (``saving.load_model``), ``weights`` (``model.load_weights`` into the
reference model of ``fuzz_files.reference_model``), ``npz`` (``mnist.load_data`` of a
file in the ``$SHENJING_HOME`` cache), ``idx`` (``datasets.idx.read_idx``). A child that
dies, or does not answer in time, is the parent's to report. Three more kinds test the
harness itself: ``_abort`` (the child dies), ``_sleep`` (seconds in ``path``) and
``_allocate`` (bytes in ``path``).
"""

import json
import os
import sys
import time
import traceback


def _status_bytes(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:  # not Linux, or not allowed: the peak then covers earlier loads too
        pass


def _loaders():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import fuzz_files
    import numpy as np
    from shenjing import saving
    from shenjing.datasets import idx, mnist

    model = fuzz_files.reference_model()

    def load_weights(path):
        model.load_weights(path)

    def load_npz(path):
        cache = os.path.join(os.environ["SHENJING_HOME"], "datasets")
        if os.path.dirname(os.path.abspath(path)) != os.path.abspath(cache):
            raise RuntimeError(f"worker: npz files must lie in {cache}, got {path}")
        mnist.load_data(path=os.path.basename(path), download=False)

    def allocate(nbytes):
        np.ones(int(nbytes), dtype=np.uint8)

    # the last three check the harness itself: a crash, a hang, a large allocation
    return {"keras": saving.load_model, "weights": load_weights, "npz": load_npz,
            "idx": idx.read_idx, "_abort": lambda _: os.abort(),
            "_sleep": lambda seconds: time.sleep(float(seconds)), "_allocate": allocate}


def _frames(error):
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    return " <- ".join(f"{os.path.basename(f.filename)}:{f.lineno} {f.name}" for f in reversed(frames))


def serve(stdin=sys.stdin, stdout=sys.stdout):
    from shenjing.safety import FormatError

    loaders = _loaders()
    stdout.write(json.dumps({"ready": True, "base_rss": _status_bytes("VmRSS")}) + "\n")
    stdout.flush()
    for line in stdin:
        request = json.loads(line)
        _reset_peak()
        base = _status_bytes("VmRSS")
        start = time.perf_counter()
        answer = {"outcome": "loaded", "type": None, "format_error": False, "value_error": False,
                  "message": "", "where": ""}
        try:
            loaders[request["kind"]](request["path"])
        except BaseException as error:  # noqa: B036 - the parent judges every kind of failure
            if isinstance(error, KeyboardInterrupt):
                raise
            answer.update(outcome="error", type=f"{type(error).__module__}.{type(error).__qualname__}",
                          format_error=isinstance(error, FormatError),
                          value_error=isinstance(error, ValueError),
                          message=str(error)[:2000], where=_frames(error))
        answer.update(seconds=time.perf_counter() - start, peak_rss=_status_bytes("VmHWM"),
                      base_rss=base)
        stdout.write(json.dumps(answer) + "\n")
        stdout.flush()


if __name__ == "__main__":
    serve()
