"""Hand-made hostile files of at most 1 MB: the findings of issue 10 and their siblings.

``HOSTILE`` maps a case name to ``(fmt, build, what)``; ``build()`` returns the bytes
(``fmt`` is a key of ``fuzz_files.FORMATS``, which says how the file is loaded).
The fuzz test loads each under its caps; ``tools/measure_load_memory.py`` measures
the peak memory each one makes a load use.

The large ones are decompression bombs made without compressing gigabytes: a deflate
stream of zeros is one compressed MiB repeated (each piece ends in a full flush, so
all pieces are the same bytes), and its CRC-32 is the affine map "CRC after one MiB
of zeros" raised to a power.
"""

import io
import json
import struct
import zlib

import numpy as np

import fuzz_files as ff

_MiB = 1 << 20


# -- streams of zeros ---------------------------------------------------------------------
def _crc_map(chunk):
    """The map c -> crc32(chunk, c) as (columns, constant) over GF(2)^32 (it is affine)."""
    constant = zlib.crc32(chunk, 0)
    return [zlib.crc32(chunk, 1 << i) ^ constant for i in range(32)], constant


def _apply(affine, c):
    columns, constant = affine
    out = constant
    for i in range(32):
        if c >> i & 1:
            out ^= columns[i]
    return out


def _compose(g, f):
    """g after f."""
    return [_apply(g, col) ^ g[1] for col in f[0]], _apply(g, f[1])


def crc_of_zeros(n_chunks, start=0, chunk=_MiB):
    """crc32 of ``n_chunks * chunk`` zero bytes, continued from ``start``."""
    power, result = _crc_map(bytes(chunk)), None
    while n_chunks:
        if n_chunks & 1:
            result = power if result is None else _compose(power, result)
        power, n_chunks = _compose(power, power), n_chunks >> 1
    return start if result is None else _apply(result, start)


def deflate_zeros(prefix, n_zeros):
    """``(raw deflate stream, crc32, size)`` of ``prefix`` followed by ``n_zeros`` zero bytes."""
    whole, rest = divmod(n_zeros, _MiB)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    piece = c.compress(bytes(_MiB)) + c.flush(zlib.Z_FULL_FLUSH)
    stream = head + piece * whole + c.compress(bytes(rest)) + c.flush()
    crc = zlib.crc32(bytes(rest), crc_of_zeros(whole, zlib.crc32(prefix)))
    return stream, crc, len(prefix) + n_zeros


def gzip_of_zeros(prefix, n_zeros):
    """A gzip file of ``prefix`` followed by ``n_zeros`` zero bytes."""
    stream, crc, size = deflate_zeros(prefix, n_zeros)
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + stream
            + struct.pack("<II", crc, size & 0xFFFFFFFF))


def raw_zip(entries):
    """A zip of ``[(name, data)]`` or ``[(name, (deflate stream, crc, size))]`` (names may repeat)."""
    out, central = io.BytesIO(), []
    for name, data in entries:
        name_b = name.encode()
        if isinstance(data, tuple):
            stream, crc, size = data
            method = 8
        else:
            stream, crc, size, method = data, zlib.crc32(data), len(data), 0
        offset = out.tell()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc,
                              len(stream), size, len(name_b), 0) + name_b + stream)
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, method, 0,
                                   0x21, crc, len(stream), size, len(name_b), 0, 0, 0, 0, 0,
                                   offset) + name_b)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central),
                          out.tell() - start, start, 0))
    return out.getvalue()


def _keras_entries():
    return ff.zip_entries(ff.valid_file("keras"))


def _keras_with(**replace):
    return raw_zip([(n, replace.get(n, d)) for n, d in _keras_entries()])


# -- HDF5 ------------------------------------------------------------------------------------
def _h5_edit(edit, data=None):
    import h5py

    buffer = io.BytesIO(ff.valid_file("weights.h5") if data is None else data)
    with h5py.File(buffer, "r+") as f:
        edit(f)
    return buffer.getvalue()


def _gzip_bomb_dataset(f, name, n_chunks, chunk_elems=_MiB // 4):
    """A float32 dataset of ``n_chunks`` chunks of one MiB, each the same gzip of zeros."""
    piece = zlib.compress(bytes(chunk_elems * 4), 9)
    ds = f.create_dataset(name, shape=(n_chunks * chunk_elems,), dtype="f4",
                          chunks=(chunk_elems,), compression="gzip")
    for i in range(n_chunks):
        ds.id.write_direct_chunk((i * chunk_elems,), piece)


def h5_hardlink_cycle():
    def edit(f):
        f["layers/dense/loop"] = f["/"]
    return _h5_edit(edit)


def h5_fill_value_unused_groups():
    def edit(f):   # three 1 GiB datasets, each under the old 4 GiB floor, stored as nothing
        for i in range(3):
            f.create_dataset(f"unused_{i}/vars/0", shape=(1 << 28,), dtype="f4")
    return _h5_edit(edit)


def h5_gzip_bomb_unused():
    return _h5_edit(lambda f: _gzip_bomb_dataset(f, "unused/vars/0", 900))


def h5_gzip_bomb_used():
    def edit(f):
        del f["layers/dense/vars/0"]
        _gzip_bomb_dataset(f, "layers/dense/vars/0", 900)
    return _h5_edit(edit)


def h5_huge_chunk():
    """A 1-element dataset whose one chunk is 900 MiB of gzip-compressed zeros."""
    def edit(f):
        elems = 900 * _MiB // 4
        ds = f.create_dataset("unused/vars/0", shape=(1,), maxshape=(None,), dtype="f4",
                              chunks=(elems,), compression="gzip")
        stream, _, size = deflate_zeros(b"", 4 * elems)
        adler = (size % 65521) << 16 | 1          # adler32 of zeros: A stays 1, B counts them
        ds.id.write_direct_chunk((0,), b"\x78\xda" + stream + struct.pack(">I", adler))
    return _h5_edit(edit)


# -- .keras ----------------------------------------------------------------------------------
def keras_deflated_zeros():
    weights = dict(_keras_entries())["model.weights.h5"]
    return _keras_with(**{"model.weights.h5": deflate_zeros(weights, 512 * _MiB)})


def keras_duplicate_config():
    entries = _keras_entries()
    config = json.loads(dict(entries)["config.json"])
    config["config"]["name"] = "second"
    return raw_zip(entries + [("config.json", json.dumps(config).encode())])


def _sequential(layers, input_size):
    inp = {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
           "config": {"batch_shape": [None, input_size], "dtype": "float32", "name": "input_layer"}}
    return {"module": "keras", "class_name": "Sequential", "registered_name": None,
            "config": {"name": "hostile", "layers": [inp, *layers]}}


def _dense(units, name):
    return {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
            "config": {"name": name, "units": units, "activation": "linear", "use_bias": True}}


def _empty_weights():
    import h5py

    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.create_group("vars").attrs["name"] = "hostile"
    return buffer.getvalue()


def deflated(data):
    """``(raw deflate stream, crc32, size)`` of ``data``, for ``raw_zip``."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def _keras_config(config):
    return raw_zip([("metadata.json", b"{}"), ("config.json", deflated(json.dumps(config).encode())),
                    ("model.weights.h5", _empty_weights())])


def keras_dense_8000():
    return _keras_config(_sequential([_dense(8000, "dense")], 8000))


def keras_dense_8000_x4():
    return _keras_config(_sequential([_dense(8000, f"dense_{i}") for i in range(4)], 8000))


def keras_8000_layers():
    return _keras_config(_sequential([_dense(1, f"d{i}") for i in range(8000)], 1))


def keras_config_float_bomb():
    """A config.json of 60 MiB, mostly a list of 0.0 (about 1 GB as Python floats)."""
    head = json.dumps(_sequential([_dense(2, "dense")], 4))[:-2].encode() + b', "pad": ['
    body_mib = 60
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece_text = b"0.0," * (_MiB // 4)
    stream = (c.compress(head) + c.flush(zlib.Z_FULL_FLUSH))
    piece = c.compress(piece_text) + c.flush(zlib.Z_FULL_FLUSH)
    tail = b"0.0]}}"
    stream += piece * body_mib + c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(body_mib):
        crc = zlib.crc32(piece_text, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + body_mib * len(piece_text) + len(tail)
    return raw_zip([("metadata.json", b"{}"), ("config.json", (stream, crc, size)),
                    ("model.weights.h5", _empty_weights())])


def keras_nested_h5_bomb():
    """model.weights.h5 deflated, holding datasets of gzip-compressed zeros (2 x 3.8 GiB)."""
    import h5py

    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.create_group("vars").attrs["name"] = "hostile"
        for i in range(2):
            _gzip_bomb_dataset(f, f"unused_{i}/vars/0", 3900)
    return _keras_with(**{"model.weights.h5": deflated(buffer.getvalue())})


# -- safetensors -----------------------------------------------------------------------------
def safetensors_nested_header():
    raw = b"[" * 100_000
    return struct.pack("<Q", len(raw)) + raw


def safetensors_many_tensors():
    """A 1 MB header of 11,000 zero-size tensors."""
    header = {f"unused/{i}/vars/0": {"dtype": "F32", "shape": [0, 1 << 30], "data_offsets": [0, 0]}
              for i in range(11_000)}
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw


# -- npz (the MNIST cache) -------------------------------------------------------------------
def _npy_header(shape, descr="|u1"):
    text = repr({"descr": descr, "fortran_order": False, "shape": tuple(shape)}).encode()
    text += b" " * ((-(10 + len(text) + 1)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text


def npz_10e12_images():
    entries = ff.zip_entries(ff.valid_file("npz"))
    x = dict(entries)["x_train.npy"]
    hlen = struct.unpack("<H", x[8:10])[0]
    forged = _npy_header((10 ** 12, 28, 28)) + x[10 + hlen:]
    return ff.zip_bytes([(n, forged if n == "x_train.npy" else d) for n, d in entries])


def npz_deflate_bomb():
    """x_train: 1,203,795 zero images (900 MiB), deflated; labels to match."""
    n = 900 * _MiB // 784
    entries = [("x_train.npy", deflate_zeros(_npy_header((n, 28, 28)), n * 784)),
               ("y_train.npy", deflate_zeros(_npy_header((n,)), n))]
    for key, array in (("x_test", np.zeros((1, 28, 28), np.uint8)), ("y_test", np.zeros(1, np.uint8))):
        entries.append((f"{key}.npy", _npy_header(array.shape) + array.tobytes()))
    return raw_zip(entries)


def npz_duplicate_member():
    entries = ff.zip_entries(ff.valid_file("npz"))
    return ff.zip_bytes(entries + [("y_train.npy", dict(entries)["y_test.npy"])])


# -- IDX ---------------------------------------------------------------------------------------
def idx_dims_overflow_int64():
    return struct.pack(">HBB", 0, 0x08, 4) + struct.pack(">IIII", *(1 << 16,) * 4)


def idx_largest_plain():
    """Not hostile: the largest valid IDX file under 1 MB (1,275 images), for the measurement."""
    return ff.idx_bytes(np.zeros((1275, 28, 28), np.uint8))


def idx_gz_bomb():
    images = 950 * _MiB // 784
    return gzip_of_zeros(struct.pack(">HBBIII", 0, 0x08, 3, images, 28, 28), images * 784)


# -- inside the limits: the most memory a file of at most 1 MB can make a load use ---------
# Each of these is refused by no limit (or only after the allocation the limits allow): it
# declares just under what max_expansion x its stored size and the load budget
# (max(min_load_bytes, max_expansion x file size)) admit. Incompressible noise makes up the
# stored bytes that pay for the zeros; the measurement tool reports their peaks.
_INSIDE = 0.985        # the fraction of a limit these files declare


def _noise(n, seed=0):
    return np.random.default_rng(seed).integers(0, 256, n, dtype=np.uint8).tobytes()


def h5_gzip_inside_limits():
    """The kernel a layer reads: 90 chunks of one MiB, gzip, declaring ~98.5x what they store."""
    n_chunks, elems = 90, _MiB // 4
    needed = (n_chunks + 1) * _MiB                 # what the reader charges: data + one chunk
    zero_piece = zlib.compress(bytes(_MiB), 9)
    noise_len = int(needed / (100 * _INSIDE)) - (n_chunks - 1) * len(zero_piece) - 1024
    first = zlib.compress(_noise(noise_len) + bytes(_MiB - noise_len), 9)

    def edit(f):
        del f["layers/dense/vars/0"]
        ds = f.create_dataset("layers/dense/vars/0", shape=(n_chunks * elems,), dtype="f4",
                              chunks=(elems,), compression="gzip")
        for i in range(n_chunks):
            ds.id.write_direct_chunk((i * elems,), first if i == 0 else zero_piece)
    return _h5_edit(edit)


def _padded_keras(entries, total=999_000):
    """``raw_zip(entries)`` plus a stored member of noise that brings it to ``total`` bytes
    (a larger file has a larger budget; no reader opens the padding)."""
    bare = len(raw_zip(entries + [("padding.bin", b"")]))
    return raw_zip(entries + [("padding.bin", _noise(total - bare))])


def keras_weights_inside_limits():
    """model.weights.h5 deflated ~98.5x (valid weights, noise, then zeros), in a 999 KB file."""
    weights = dict(_keras_entries())["model.weights.h5"]
    # read_entry charges twice the declared size: half the budget, less what config.json costs
    declared = int(999_000 * 100 * _INSIDE) // 2 - 100_000
    zeros_stored = len(deflate_zeros(b"", declared)[0])
    noise_len = int(declared / (100 * _INSIDE)) - zeros_stored - len(deflated(weights)[0])
    member = deflate_zeros(weights + _noise(noise_len), declared - len(weights) - noise_len)
    entries = [(n, member if n == "model.weights.h5" else d) for n, d in _keras_entries()]
    return _padded_keras(entries)


def _json_of_empty_lists(n_bytes, head=b"[", tail=b"[]]"):
    """``[[],[],...]`` (or ``head ... tail``) of about ``n_bytes``: the most Python objects
    per byte of JSON (a 56-byte list and an 8-byte pointer per 3 bytes)."""
    count = (n_bytes - len(head) - len(tail)) // 3
    return head + b"[]," * count + tail


def keras_config_inside_limits():
    """A stored config.json of 999 KB of ``[[],[],...]`` (charged 2 + 32 bytes per byte)."""
    entries = [(n, d) for n, d in _keras_entries() if n != "config.json"]
    bare = len(raw_zip(entries + [("config.json", b"")]))
    return raw_zip(entries + [("config.json", _json_of_empty_lists(999_000 - bare))])


def keras_deflated_config_inside_limits():
    """config.json of ``[[],[],...]`` deflated, as long as the budget of a 999 KB file admits
    (34 bytes per byte of JSON), ending in a string of base64 noise so that it stores more
    than 1/max_expansion of its size; the file padded with a stored member of noise."""
    import base64

    size = int(999_000 * 100 * _INSIDE) // 34
    stored, noise = int(size / (100 * _INSIDE)), 0
    for _ in range(3):   # base64 of n bytes of noise deflates to about 1.01 n: close in on it
        text = _json_of_empty_lists(size, tail=b'"' + base64.b64encode(_noise(noise)) + b'"]')
        noise += int((stored - len(deflated(text)[0])) / 1.01)
    entries = [(n, deflated(text) if n == "config.json" else d) for n, d in _keras_entries()]
    return _padded_keras(entries)


def safetensors_header_inside_limits():
    """A 999,000-byte file: its header ``{"a":[[],[],...]}``, parsed, then refused."""
    raw = _json_of_empty_lists(999_000 - 8, head=b'{"a":[', tail=b"[]]}")
    return struct.pack("<Q", len(raw)) + raw


def npz_mnist_inside_limits():
    """The real MNIST layout (60,000 + 10,000 zero images, 55 MB) deflated, with a stored
    member of 600 KB of noise so that the budget (100 x file size) admits it."""
    entries = []
    for key, n in (("x_train", 60_000), ("x_test", 10_000)):
        entries.append((f"{key}.npy", deflate_zeros(_npy_header((n, 28, 28)), n * 784)))
    for key, n in (("y_train", 60_000), ("y_test", 10_000)):
        entries.append((f"{key}.npy", deflate_zeros(_npy_header((n,)), n)))
    entries.append(("padding.npy", _npy_header((600_000,)) + _noise(600_000)))
    return raw_zip(entries)


def idx_gz_inside_limits():
    """A gzip IDX file of 28x28 images, the first 1,150 noise, the rest zeros: as many images
    as the budget of its size (100 x ~990 KB) admits."""
    prefix_images = 1_150
    noise = _noise(prefix_images * 784)
    n = prefix_images
    while True:
        data = gzip_of_zeros(struct.pack(">HBBIII", 0, 0x08, 3, n, 28, 28) + noise,
                             (n - prefix_images) * 784)
        if (n + 1_000) * 784 > 100 * _INSIDE * len(data):
            return data
        n = int(100 * _INSIDE * len(data)) // 784


HOSTILE = {
    # the findings of issue 10
    "h5_hardlink_cycle": ("weights.h5", h5_hardlink_cycle, "a group linked to / by a hard link"),
    "h5_fill_value_unused_groups": ("weights.h5", h5_fill_value_unused_groups,
                                    "3 x 1 GiB fill-value datasets in groups no layer uses"),
    "h5_gzip_bomb_unused": ("weights.h5", h5_gzip_bomb_unused,
                            "900 MiB of gzip-compressed zeros in an unused group"),
    "keras_deflated_zeros": ("keras", keras_deflated_zeros,
                             "model.weights.h5 followed by 512 MiB of deflated zeros"),
    "keras_duplicate_config": ("keras", keras_duplicate_config, "two config.json members"),
    "keras_dense_8000": ("keras", keras_dense_8000, "Dense(8000) on 8000 inputs, no weights"),
    "safetensors_nested_header": ("safetensors", safetensors_nested_header, "'[' x 100,000"),
    "npz_10e12_images": ("npz", npz_10e12_images, "x_train.npy declares 10^12 images"),
    "idx_dims_overflow_int64": ("idx", idx_dims_overflow_int64,
                                "4 dimensions of 65536: the product wraps to 0 in int64"),
    "idx_gz_bomb": ("idx.gz", idx_gz_bomb, "950 MiB of zero images, gzip-compressed"),
    # their siblings
    "idx_largest_plain": ("idx", idx_largest_plain, "a valid IDX file of 1,275 images (999,616 bytes)"),
    "h5_gzip_bomb_used": ("weights.h5", h5_gzip_bomb_used,
                          "a layer's kernel replaced by 900 MiB of gzip-compressed zeros"),
    "h5_huge_chunk": ("weights.h5", h5_huge_chunk, "a 1-element dataset with one 1 GiB chunk"),
    "keras_dense_8000_x4": ("keras", keras_dense_8000_x4, "4 x Dense(8000) on 8000 inputs"),
    "keras_8000_layers": ("keras", keras_8000_layers, "8,000 Dense(1) layers (quadratic add)"),
    "keras_config_float_bomb": ("keras", keras_config_float_bomb,
                                "a 60 MiB config.json of 0.0s, deflated"),
    "keras_nested_h5_bomb": ("keras", keras_nested_h5_bomb,
                             "deflated model.weights.h5 with 2 x 3.8 GiB gzip-compressed zeros"),
    "safetensors_many_tensors": ("safetensors", safetensors_many_tensors,
                                 "11,000 empty tensors in a 1 MB header"),
    "npz_deflate_bomb": ("npz", npz_deflate_bomb, "900 MiB of zero images, deflated"),
    "npz_duplicate_member": ("npz", npz_duplicate_member, "two y_train.npy members"),
    # inside the limits: the largest allocation each format admits from <= 1 MB
    "h5_gzip_inside_limits": ("weights.h5", h5_gzip_inside_limits,
                              "a layer's kernel: 90 MiB of gzip-compressed zeros, 98.5x stored"),
    "keras_weights_inside_limits": ("keras", keras_weights_inside_limits,
                                    "model.weights.h5 deflated 98.5x, padded to 999 KB"),
    "keras_config_inside_limits": ("keras", keras_config_inside_limits,
                                   "a stored 999 KB config.json of [[],[],...]"),
    "keras_deflated_config_inside_limits": ("keras", keras_deflated_config_inside_limits,
                                            "a deflated 2.9 MB config.json of [[],[],...]"),
    "safetensors_header_inside_limits": ("safetensors", safetensors_header_inside_limits,
                                         "a 999 KB header {\"a\": [[],[],...]}"),
    "npz_mnist_inside_limits": ("npz", npz_mnist_inside_limits,
                                "60,000 + 10,000 zero images deflated, padded to 600 KB"),
    "idx_gz_inside_limits": ("idx.gz", idx_gz_inside_limits,
                             "~125,000 images (98 MB) gzip-compressed, 1,150 of them noise"),
}
