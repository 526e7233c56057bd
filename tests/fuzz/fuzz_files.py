"""The small valid file of each format that the fuzz test mutates.

``FORMATS`` maps a format to ``(suffix, loader kind of fuzz_worker)``.
``valid_file(fmt)`` is the same bytes in every process: a model saved by shenjing
with fixed weights, names and dates (``.keras``, ``.weights.h5``, ``.safetensors``),
a tiny Keras-format ``mnist.npz``, and an IDX file, plain and gzip-compressed.
"""

import gzip
import io
import os
import struct
import tempfile
import warnings
import zipfile

import numpy as np

# fmt -> (suffix, loader kind of fuzz_worker)
FORMATS = {
    "keras": (".keras", "keras"),
    "weights.h5": (".weights.h5", "weights"),
    "safetensors": (".safetensors", "weights"),
    "npz": (".npz", "npz"),
    "idx": (".idx", "idx"),
    "idx.gz": (".idx.gz", "idx"),
}


# -- the valid files ---------------------------------------------------------------------
def reference_model():
    """The model whose weights the weights files hold (built, uncompiled, fixed weights)."""
    from shenjing import layers, models

    # every name given: default names count up per process, and the bytes must not depend on it
    model = models.Sequential([layers.Input((4,), name="inputs"),
                               layers.Dense(3, activation="relu", name="dense"),
                               layers.Dense(2, name="out")], name="fuzz")
    rng = np.random.default_rng(0)
    model.set_weights([rng.standard_normal(w.shape).astype("float32") for w in model.get_weights()])
    return model


def _mnist_arrays():
    rng = np.random.default_rng(1)
    return {"x_train": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
            "y_train": rng.integers(0, 10, 3, dtype=np.uint8),
            "x_test": rng.integers(0, 256, (2, 28, 28), dtype=np.uint8),
            "y_test": rng.integers(0, 10, 2, dtype=np.uint8)}


def idx_bytes(array, code=0x08):
    header = struct.pack(">HBB", 0, code, array.ndim) + b"".join(struct.pack(">I", n) for n in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def zip_bytes(entries, compress=False):
    """A zip of ``[(name, data)]`` (names may repeat), fixed timestamps."""
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", compression=method) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            with warnings.catch_warnings():     # a repeated name is what some cases want
                warnings.simplefilter("ignore")
                zf.writestr(info, data)
    return buffer.getvalue()


def zip_entries(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


_VALID = {}


def valid_file(fmt):
    """The bytes of the small valid file of ``fmt`` (made once per process)."""
    if fmt in _VALID:
        return _VALID[fmt]
    if fmt in ("keras", "weights.h5", "safetensors"):
        model = reference_model()
        with tempfile.TemporaryDirectory() as tmp:
            if fmt == "keras":
                model.compile(optimizer="adam", loss="mse")
                model.save(os.path.join(tmp, "m.keras"))
                entries = zip_entries(open(os.path.join(tmp, "m.keras"), "rb").read())
                entries = [(n, b'{"keras_version": "3.15.1", "date_saved": "2026-01-01@00:00:00"}'
                            if n == "metadata.json" else d) for n, d in entries]
                data = zip_bytes(entries)    # fixed dates: the same bytes on every run
            else:
                path = os.path.join(tmp, "m" + FORMATS[fmt][0])
                model.save_weights(path)
                data = open(path, "rb").read()
    elif fmt == "npz":
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **_mnist_arrays())
        data = zip_bytes(zip_entries(buffer.getvalue()), compress=True)
    elif fmt == "idx":
        data = idx_bytes(_mnist_arrays()["x_test"])
    elif fmt == "idx.gz":
        data = gzip.compress(valid_file("idx"), mtime=0)
    else:
        raise ValueError(f"Unknown format {fmt!r}; expected one of {sorted(FORMATS)}")
    _VALID[fmt] = data
    return data
