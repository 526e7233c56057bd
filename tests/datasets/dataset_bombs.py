"""Builders of hostile dataset files, and a child process with a memory cap to load them in.

Bombs are built without materializing what they expand to: a deflate stream of
zeros is one compressed megabyte-of-zeros block, ended by a full flush (which
resets the compressor, so every copy compresses to the same bytes), repeated;
a zip archive is written by hand around such streams.
"""

import io
import json
import os
import resource
import struct
import subprocess
import sys
import zipfile
import zlib

import numpy as np

MiB = 1 << 20


def npy_header(shape, descr="|u1", fortran=False):
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": fortran, "shape": tuple(shape)})
    return buffer.getvalue()


def _block(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)


_ZERO_MIB = bytes(MiB)
_ZERO_BLOCK = []


def deflated_zeros(prefix, total):
    """``(raw deflate stream, crc32, size)`` of ``prefix`` followed by zeros up to ``total`` bytes."""
    if not _ZERO_BLOCK:
        _ZERO_BLOCK.append(_block(_ZERO_MIB))
    whole, rest = divmod(total - len(prefix), MiB)
    crc = zlib.crc32(prefix + bytes(rest))
    for _ in range(whole):
        crc = zlib.crc32(_ZERO_MIB, crc)
    stream = _block(prefix + bytes(rest)) + _ZERO_BLOCK[0] * whole + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    return stream, crc, total


def gzip_member(stream, crc, size):
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + stream + struct.pack("<II", crc, size & 0xFFFFFFFF)


def gzip_zeros(prefix, total):
    """A gzip file holding ``prefix`` then zeros up to ``total`` bytes."""
    return gzip_member(*deflated_zeros(prefix, total))


def zip_archive(entries):
    """A zip file of ``entries``: ``[(name, data, crc, size, method)]``, ``data`` already compressed
    (method 8) or stored (method 0); names may repeat."""
    out, central = io.BytesIO(), []
    for name, data, crc, size, method in entries:
        offset = out.tell()
        raw = name.encode()
        out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc, len(data), size, len(raw), 0))
        out.write(raw + data)
        central.append(struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, crc, len(data), size,
                                   len(raw), 0, 0, 0, 0, 0o644 << 16, offset) + raw)
    start = out.tell()
    for record in central:
        out.write(record)
    end = out.tell()
    out.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(central), len(central), end - start, start, 0))
    return out.getvalue()


def stored(name, data):
    return name, data, zlib.crc32(data), len(data), 0


def deflated(name, data):
    return (name, *_deflate(data))


def _deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data), 8


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def mnist_entries(n_train=6, n_test=4, seed=0):
    rng = np.random.default_rng(seed)
    arrays = {"x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
              "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
              "y_test": rng.integers(0, 10, n_test, dtype=np.uint8)}
    return {key: npy(value) for key, value in arrays.items()}


def idx_header(shape, code=0x08):
    return struct.pack(">HBB", 0, code, len(shape)) + b"".join(struct.pack(">I", n) for n in shape)


def run_capped(code, memory=1 << 30, timeout=60):
    """Run ``code`` in a child Python with RLIMIT_AS = ``memory`` and a timeout; the JSON it prints last."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=limit, env=env)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines, f"child failed (rc {done.returncode}):\n{done.stdout}\n{done.stderr}"
    return json.loads(lines[-1])


LOAD_TEMPLATE = """
import json, resource, sys
from shenjing.safety import FormatError
{imports}
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = {{}}
try:
    {call}
    result["error"] = None
except BaseException as e:
    result["error"] = type(e).__name__
    result["format_error"] = isinstance(e, FormatError)
    result["message"] = str(e)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result["baseline_kib"], result["peak_kib"] = before, after
print(json.dumps(result))
"""


def load_in_child(imports, call, memory=1 << 30, timeout=60):
    """``{"error", "format_error", "message", "baseline_kib", "peak_kib"}`` of ``call`` in a capped child."""
    return run_capped(LOAD_TEMPLATE.format(imports=imports, call=call), memory, timeout)
