"""Seeded mutations of valid mnist.npz (stored and deflated) and IDX (plain and gzip) files:
every load either succeeds or raises the documented ``FormatError`` (``DatasetFormatError``,
``IDXError``, or the budget's ``ResourceLimitError``), within 1 GiB of address space and a
time cap, in a child process.

``SHENJING_FUZZ_ITERATIONS`` (default 150 per file kind) runs more: e.g. 20000 for a long run.
"""

import os

import pytest

import dataset_bombs as bombs

HERE = os.path.dirname(os.path.abspath(__file__))
ITERATIONS = int(os.environ.get("SHENJING_FUZZ_ITERATIONS", "150"))

CHILD = """
import gzip, io, os, random, sys, tempfile, time, traceback, zipfile
sys.path.insert(0, {here!r})
import numpy as np
import dataset_bombs as bombs
from shenjing.datasets import fashion_mnist, mnist, parse_idx, read_idx
from shenjing.safety import FormatError

def valid_files():
    entries = bombs.mnist_entries()
    stored, deflated = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as z:
        for key, data in entries.items():
            z.writestr(key + ".npy", data)
    with zipfile.ZipFile(deflated, "w", zipfile.ZIP_DEFLATED) as z:
        for key, data in entries.items():
            z.writestr(key + ".npy", data)
    images = np.random.default_rng(1).integers(0, 256, (3, 28, 28), dtype=np.uint8)
    idx = bombs.idx_header(images.shape) + images.tobytes()
    return {{"npz-stored": stored.getvalue(), "npz-deflated": deflated.getvalue(),
             "idx": idx, "idx-gz": gzip.compress(idx)}}

def mutate(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        where = rng.randrange(len(data)) if rng.random() < 0.5 else rng.randrange(min(len(data), 160))
        if rng.random() < 0.3:
            where = max(0, len(data) - 1 - rng.randrange(min(len(data), 120)))  # zip directory, gzip trailer
        kind = rng.randrange(5)
        if kind == 0:
            data[where] ^= 1 << rng.randrange(8)
        elif kind == 1:
            value = rng.choice([0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0, 0x10000, rng.getrandbits(32)])
            data[where:where + 4] = value.to_bytes(4, rng.choice(["big", "little"]))
        elif kind == 2:
            del data[where:]
        elif kind == 3:
            data[where:where] = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 16)))
        else:
            data[where:where + 1] = rng.choice([b"9", b"99999999999", b"(", b")", b",", b"'O'", b"<f8"])
        if not data:
            break
    return bytes(data)

def loads(kind, path, raw):
    if kind.startswith("npz"):
        return [lambda: mnist.read_npz(path)]
    layout = fashion_mnist.LAYOUTS["x_train"]
    calls = [lambda: read_idx(path), lambda: read_idx(path, layout)]
    if kind == "idx":
        calls.append(lambda: parse_idx(raw))
    return calls

rng = random.Random(20261202)
folder = tempfile.mkdtemp()
problems, slowest, outcomes = [], 0.0, {{}}
for kind, valid in valid_files().items():
    for i in range({iterations}):
        raw = mutate(valid, rng)
        path = os.path.join(folder, "f" + (".gz" if kind == "idx-gz" else ".bin"))
        with open(path, "wb") as f:
            f.write(raw)
        for call in loads(kind, path, raw):
            start = time.monotonic()
            try:
                call()
                name = "ok"
            except FormatError as e:
                name = type(e).__name__
            except BaseException as e:
                name = type(e).__name__
                problems.append(f"{{kind}} #{{i}}: {{name}}: {{e}}\\n{{traceback.format_exc(limit=4)}}")
            slowest = max(slowest, time.monotonic() - start)
            outcomes[name] = outcomes.get(name, 0) + 1
import json, resource
print(json.dumps({{"problems": problems[:5], "count": len(problems), "slowest": slowest, "outcomes": outcomes,
                  "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def test_mutated_dataset_files_raise_only_the_documented_error():
    result = bombs.run_capped(CHILD.format(here=HERE, iterations=ITERATIONS), memory=1 << 30,
                              timeout=60 + ITERATIONS // 5)
    assert result["count"] == 0, "\n".join(result["problems"])
    assert result["slowest"] < 5, result
    assert result["outcomes"].get("ok", 0) > 0 and len(result["outcomes"]) > 2, result  # it did mutate
