"""Seeded mutations of the small valid file of each format.

``make_mutant(fmt, seed)``, from the valid file of ``fuzz_files``: a deterministic mutant of it,
``(bytes, description)``: bit flips, bytes set to 0x00/0xFF/0x7F/0x80, interesting
2/4/8-byte values, duplicated chunks, truncation, inserted huge length fields, the
format's header fields (zip sizes and offsets, HDF5 superblock addresses, the
safetensors header length, IDX dimensions, gzip trailer), or a structural edit made by
decoding the file (a JSON field of a config or safetensors header, an HDF5 dataset or
link, an npy header, a zip member repeated or removed).
"""

import gzip
import io
import json
import random
import struct

import numpy as np

from fuzz_files import valid_file, zip_bytes, zip_entries

INTERESTING_BYTES = (0x00, 0xFF, 0x7F, 0x80)
INTERESTING_INTS = (0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000,
                    0xFFFFFFFF, 1 << 32, 10 ** 9, 10 ** 12, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000,
                    0xFFFFFFFFFFFFFFFF)
INTERESTING_JSON = (0, -1, 1, 2 ** 31, 2 ** 63, 10 ** 12, 8000, 1e308, -1e308, None, True, "",
                    "x" * 300, [], {}, [10 ** 9, 10 ** 9], {"class_name": "Dense"}, "float64",
                    "__proto__", "../../etc/passwd", 0.5)


# -- mutations ---------------------------------------------------------------------------
def _bitflip(rng, data, fmt):
    data = bytearray(data)
    flips = [(rng.randrange(len(data)), rng.randrange(8)) for _ in range(rng.randint(1, 8))]
    for pos, bit in flips:
        data[pos] ^= 1 << bit
    return bytes(data), f"bit flips {flips}"


def _interesting_bytes(rng, data, fmt):
    data = bytearray(data)
    edits = [(rng.randrange(len(data)), rng.choice(INTERESTING_BYTES)) for _ in range(rng.randint(1, 4))]
    for pos, value in edits:
        data[pos] = value
    return bytes(data), "bytes set " + ", ".join(f"[{p}]=0x{v:02x}" for p, v in edits)


def _pack(value, width, order):
    return (value % (1 << (8 * width))).to_bytes(width, order)


def _interesting_word(rng, data, fmt):
    width, order = rng.choice((2, 4, 8)), rng.choice(("little", "big"))
    value = rng.choice(INTERESTING_INTS)
    pos = rng.randrange(max(1, len(data) - width))
    return (data[:pos] + _pack(value, width, order) + data[pos + width:],
            f"{width}-byte {order}-endian {value:#x} written at {pos}")


def _duplicate_chunk(rng, data, fmt):
    start = rng.randrange(len(data))
    size = rng.randint(1, min(512, len(data) - start))
    at = rng.randrange(len(data) + 1)
    times = rng.choice((1, 1, 2, 16))
    return (data[:at] + data[start:start + size] * times + data[at:],
            f"bytes {start}..{start + size} inserted x{times} at {at}")


def _truncate(rng, data, fmt):
    cut = rng.choice((rng.randrange(len(data)), rng.randrange(min(64, len(data))), len(data) - 1))
    return data[:cut], f"truncated to {cut} of {len(data)} bytes"


def _huge_length(rng, data, fmt):
    width, order = rng.choice((4, 8)), rng.choice(("little", "big"))
    value = rng.choice((0x7FFFFFFF, 0xFFFFFFFF, 0x7FFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF, 10 ** 12, 1 << 40))
    at = rng.randrange(len(data) + 1)
    return (data[:at] + _pack(value, width, order) + data[at:],
            f"{width}-byte {order}-endian length {value:#x} inserted at {at}")


def _header_fields(rng, data, fmt):
    """Overwrite one of the format's known header fields with an interesting value."""
    fields = _FIELDS[fmt](data)
    if not fields:
        return _interesting_word(rng, data, fmt)
    name, pos, width, order = rng.choice(fields)
    value = rng.choice(INTERESTING_INTS)
    return (data[:pos] + _pack(value, width, order) + data[pos + width:],
            f"header field {name} (offset {pos}) := {value:#x}")


def _zip_fields(data):
    """(name, offset, width, order) of the size/offset fields of every zip header."""
    fields, pos = [], 0
    while True:
        pos = data.find(b"PK\x03\x04", pos)
        if pos < 0:
            break
        fields += [(f"local@{pos}.{n}", pos + off, w, "little") for n, off, w in
                   (("method", 8, 2), ("crc", 14, 4), ("csize", 18, 4), ("usize", 22, 4),
                    ("namelen", 26, 2), ("extralen", 28, 2))]
        pos += 4
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        fields += [(f"central@{pos}.{n}", pos + off, w, "little") for n, off, w in
                   (("method", 10, 2), ("csize", 20, 4), ("usize", 24, 4), ("namelen", 28, 2),
                    ("extralen", 30, 2), ("offset", 42, 4))]
        pos += 4
    pos = data.rfind(b"PK\x05\x06")
    if pos >= 0:
        fields += [(f"eocd.{n}", pos + off, w, "little") for n, off, w in
                   (("entries", 10, 2), ("cdsize", 12, 4), ("cdoffset", 16, 4), ("comment", 20, 2))]
    return fields


def _h5_fields(data):
    # superblock v0/v2 words: base address, EOF address, root group addresses, ...
    return [(f"superblock+{off}", off, 8, "little") for off in range(8, min(len(data), 96), 8)]


def _idx_fields(data):
    ndim = data[3] if len(data) > 3 else 0
    return ([("type", 2, 1, "big"), ("ndim", 3, 1, "big")]
            + [(f"dim{i}", 4 + 4 * i, 4, "big") for i in range(ndim)])


def _gz_fields(data):
    return [("flags", 3, 1, "little"), ("xlen/mtime", 4, 2, "little"),
            ("crc32", len(data) - 8, 4, "little"), ("isize", len(data) - 4, 4, "little")]


_FIELDS = {"keras": _zip_fields, "npz": _zip_fields, "weights.h5": _h5_fields,
           "safetensors": lambda d: [("header length", 0, 8, "little")],
           "idx": _idx_fields, "idx.gz": _gz_fields}


# -- structural mutations: decode, edit one field, encode again -------------------------------
def _json_paths(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _json_paths(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _json_paths(item, path + (i,))


def _json_set(root, path, new):
    if not path:
        return new
    target = root
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return root


def _mutate_json(rng, doc):
    doc = json.loads(json.dumps(doc))
    paths = [p for p, _ in _json_paths(doc)]
    path = rng.choice(paths)
    choice = rng.random()
    if choice < 0.1:
        new = json.loads("[" * 50 + "]" * 50)
        what = "nested 50 deep"
    elif choice < 0.2 and isinstance(dict(_json_paths(doc)).get(path), list):
        old = dict(_json_paths(doc))[path]
        new = old * rng.choice((2, 64))
        what = f"list repeated to {len(new)} items"
    else:
        new = rng.choice(INTERESTING_JSON)
        what = repr(new)[:40]
    return _json_set(doc, path, new), f"json {'/'.join(map(str, path)) or '<root>'} := {what}"


def _struct_safetensors(rng, data):
    length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    if rng.random() < 0.15:
        raw = rng.choice((b"[" * 100_000, b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
                          json.dumps(header).encode()[:-1] + b', "layers/x/vars/0": ' +
                          json.dumps(next(v for k, v in header.items() if k != "__metadata__")).encode() + b"}"))
        return struct.pack("<Q", len(raw)) + raw + body, f"raw header {raw[:24]!r}... ({len(raw)} bytes)"
    header, what = _mutate_json(rng, header)
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + body, what


def _struct_h5(rng, data):
    import h5py

    buffer = io.BytesIO(data)
    with h5py.File(buffer, "r+") as f:
        groups, datasets = [], []
        f.visititems(lambda name, obj: (groups if isinstance(obj, h5py.Group) else datasets).append(name))
        choice = rng.randrange(9)
        if choice == 0:
            name = rng.choice(datasets)
            shape = rng.choice(((), (0,), (7,), (3, 0), (2 ** 20, 2 ** 10), (1,) * 32))
            dtype = rng.choice(("f8", "i1", "f2", "u8", "?"))
            del f[name]
            f.create_dataset(name, shape=shape, dtype=dtype)
            what = f"dataset {name} replaced by shape {shape} dtype {dtype}, no data (fill value)"
        elif choice == 1:
            name = rng.choice(datasets)
            del f[name]
            f[name] = rng.choice((b"text", np.array([b"a", b"b"]), np.array([(1, 2.0)], dtype="i4,f4")))
            what = f"dataset {name} replaced by a non-numeric one"
        elif choice == 2:
            group = rng.choice(groups)
            f[group + "/loop"] = f["/"]
            what = f"hard link {group}/loop -> /"
        elif choice == 3:
            name = rng.choice(datasets)
            del f[name]
            what = f"dataset {name} deleted"
        elif choice == 4:
            group = rng.choice(groups)
            f[group].attrs["name"] = rng.choice((np.arange(3), b"\xff\xfe", "x" * 10_000, 7))
            what = f"attribute name of {group} replaced"
        elif choice == 5:
            f.create_dataset(f"unused_{rng.randrange(100)}/vars/0", shape=(2 ** 26,), dtype="f8")
            what = "fill-value dataset of 512 MiB in an unused group"
        elif choice == 6:
            name = rng.choice(datasets)
            arr = f[name][()]
            del f[name]
            f.create_dataset(name, data=np.resize(arr, (rng.choice((1, 5, 1000)),)))
            what = f"dataset {name} reshaped"
        elif choice == 7:
            src, dst = rng.choice(groups), rng.choice(groups)
            f.move(src, dst + "/moved")
            what = f"group {src} moved to {dst}/moved"
        else:
            group = rng.choice(groups)
            for i in range(rng.choice((10, 1000))):
                f.create_group(f"{group}/g{i}")
            what = f"many groups under {group}"
    return buffer.getvalue(), what


def _struct_keras(rng, data):
    entries = zip_entries(data)
    choice = rng.randrange(6)
    if choice == 0:
        edited, what = _mutate_json(rng, json.loads(dict(entries)["config.json"]))
        entries = [(n, json.dumps(edited).encode() if n == "config.json" else d) for n, d in entries]
        what = f"config.json: {what}"
    elif choice == 1:
        inner, what = _struct_h5(rng, dict(entries)["model.weights.h5"])
        entries = [(n, inner if n == "model.weights.h5" else d) for n, d in entries]
        what = f"model.weights.h5: {what}"
    elif choice == 2:
        name = rng.choice([n for n, _ in entries])
        entries.append((name, rng.choice((b"{}", b"", dict(entries)[name]))))
        what = f"duplicate member {name}"
    elif choice == 3:
        name = rng.choice([n for n, _ in entries])
        entries = [(n, d) for n, d in entries if n != name]
        what = f"member {name} removed"
    elif choice == 4:
        name = rng.choice([n for n, _ in entries])
        mutated, inner = rng.choice(_BYTE_OPS)(rng, dict(entries)[name] or b"\0", "keras")
        entries = [(n, mutated if n == name else d) for n, d in entries]
        what = f"member {name}: {inner}"
    else:
        return zip_bytes(entries, compress=True), "members deflated"
    return zip_bytes(entries), what


def _npy_header_edit(rng, member):
    magic, version = member[:6], member[6:8]
    hlen_size = 2 if version[0] == 1 else 4
    hlen = int.from_bytes(member[8:8 + hlen_size], "little")
    header = member[8 + hlen_size:8 + hlen_size + hlen].decode("latin1")
    import ast
    meta = ast.literal_eval(header)
    key = rng.choice(("shape", "descr", "fortran_order"))
    meta[key] = {"shape": lambda: rng.choice(((10 ** 12, 28, 28), (-1, 28, 28), (2 ** 62, 2 ** 62),
                                              (), (0, 28, 28), (1,) * 40)),
                 "descr": lambda: rng.choice(("|O", "<f8", ">u2", "|V16", "<U5", "|u1")),
                 "fortran_order": lambda: rng.choice((True, 1))}[key]()
    text = repr(meta).encode("latin1")
    text += b" " * ((-(8 + hlen_size + len(text) + 1)) % 64) + b"\n"
    return magic + version + len(text).to_bytes(hlen_size, "little") + text + member[8 + hlen_size + hlen:], \
        f"{key} := {meta[key]!r}"


def _struct_npz(rng, data):
    entries = zip_entries(data)
    name = rng.choice([n for n, _ in entries])
    choice = rng.randrange(3)
    if choice == 0:
        member, what = _npy_header_edit(rng, dict(entries)[name])
        entries = [(n, member if n == name else d) for n, d in entries]
        what = f"{name} header {what}"
    elif choice == 1:
        entries.append((name, dict(entries)[name][:200]))
        what = f"duplicate member {name}"
    else:
        entries = [(n, d) for n, d in entries if n != name]
        what = f"member {name} removed"
    return zip_bytes(entries, compress=rng.random() < 0.7), what


def _struct_idx(rng, data):
    plain = gzip.decompress(data)
    mutated, what = rng.choice((_header_fields, _bitflip, _truncate))(rng, plain, "idx")
    return gzip.compress(mutated, mtime=0), f"inside the gzip stream: {what}"


_STRUCT = {"keras": _struct_keras, "weights.h5": _struct_h5, "safetensors": _struct_safetensors,
           "npz": _struct_npz, "idx": lambda rng, d: _header_fields(rng, d, "idx"),
           "idx.gz": _struct_idx}

_BYTE_OPS = (_bitflip, _interesting_bytes, _interesting_word, _duplicate_chunk, _truncate, _huge_length)


def make_mutant(fmt, seed):
    """``(bytes, description)`` of mutant number ``seed`` of ``fmt``'s valid file."""
    rng = random.Random(f"{fmt}:{seed}")
    data = valid_file(fmt)
    ops = _BYTE_OPS + (_header_fields, _header_fields)
    if rng.random() < 0.4:
        mutated, what = _STRUCT[fmt](rng, data)
        return mutated, f"structural: {what}"
    op = rng.choice(ops)
    mutated, what = op(rng, data, fmt)
    return mutated, what
