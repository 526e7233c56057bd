"""Issue 10's hostile files (findings 4, 5, 6, 9) and their siblings: each load ends in a
FormatError (a ResourceLimitError past a limit) naming the file, quickly and within a
memory cap. Loads that could allocate much or hang run in a child (``hostile_child``)."""

import io
import json
import warnings
import zipfile
import zlib

import h5py
import numpy as np
import pytest

from shenjing import saving
from shenjing.safety import override_limits
from shenjing.saving.h5_store import open_h5
from shenjing.saving.safetensors_store import open_safetensors

from hostile_child import load_in_child
from saving_helpers import mlp

MiB = 1 << 20


def assert_format_error(result, path, kind="FormatError", max_rss_mib=400, seconds=20):
    assert result["outcome"] != "ok", result
    assert kind in result["mro"], result
    assert str(path) in result["message"], result
    assert result["maxrss_kib"] < max_rss_mib * 1024, result
    assert result["seconds"] < seconds, result


@pytest.fixture
def weights_file(tmp_path):
    path = tmp_path / "w.weights.h5"
    mlp(compile=False).save_weights(path)
    return path


@pytest.fixture
def keras_path(tmp_path):
    path = tmp_path / "model.keras"
    mlp(compile=False).save(path)
    return path


def zip_entries(path):
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_zip(path, entries, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return path


# -- finding 4: an ambiguous zip --------------------------------------------------------
@pytest.mark.parametrize("duplicate", ["config.json", "model.weights.h5", "metadata.json",
                                       "Config.json"])
def test_zip_with_a_duplicate_member_is_refused(tmp_path, keras_path, duplicate):
    entries = zip_entries(keras_path)
    entries.append((duplicate, dict(entries).get(duplicate.lower(), b"{}")))
    bad = tmp_path / "dup.keras"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # zipfile warns "Duplicate name" on writing
        write_zip(bad, entries)
    with pytest.raises(saving.FormatError, match="dup.keras': the zip has two entries") as info:
        saving.load_model(bad)
    assert duplicate in str(info.value)
    with pytest.raises(saving.FormatError, match="two entries"):
        mlp(compile=False).load_weights(bad)


def test_zip_name_with_a_nul_byte_is_a_duplicate(tmp_path, keras_path):
    """zipfile cuts a name at NUL: 'config.json\\0x' would be a second 'config.json'."""
    entries = zip_entries(keras_path)
    raw = io.BytesIO()
    write_zip(raw, entries + [("config.json_", b'{"class_name": "Evil"}')])
    data = raw.getvalue().replace(b"config.json_", b"config.json\x00")
    bad = tmp_path / "nul.keras"
    bad.write_bytes(data)
    with pytest.raises(saving.FormatError, match="two entries 'config.json'"):
        saving.load_model(bad)


def test_keras_file_without_weights_entry(tmp_path, keras_path):
    entries = [(n, d) for n, d in zip_entries(keras_path) if n != "model.weights.h5"]
    bad = write_zip(tmp_path / "noweights.keras", entries)
    with pytest.raises(saving.FormatError, match="noweights.keras': .*no 'model.weights.h5'"):
        saving.load_model(bad)


# -- finding 5: a cycle of hard links ------------------------------------------------------
@pytest.mark.parametrize("action", ["load_weights", "load_model", "summary"])
def test_hdf5_cycle_through_a_hard_link_does_not_hang(tmp_path, weights_file, keras_path,
                                                      action):
    with h5py.File(weights_file, "a") as f:
        f["layers/dense/loop"] = f["/"]
    if action == "load_weights":
        path = weights_file
    else:
        entries = [(n, weights_file.read_bytes() if n == "model.weights.h5" else d)
                   for n, d in zip_entries(keras_path)]
        path = write_zip(tmp_path / "cycle.keras", entries)
    result = load_in_child(action, path, timeout=60)
    if action == "summary":
        assert result["outcome"] == "CliExit" and "second hard link" in result["message"]
        assert result["seconds"] < 20
    else:
        assert_format_error(result, path)
        assert "'layers/dense/loop' is a second hard link to the HDF5 object at '/'" \
            in result["message"]


def test_dataset_linked_twice_is_refused(weights_file):
    with h5py.File(weights_file, "a") as f:
        f["layers/dense_1/vars/alias"] = f["layers/dense/vars/0"]
    with pytest.raises(saving.FormatError, match="second hard link"):
        mlp(compile=False).load_weights(weights_file)


def test_hdf5_object_count_is_limited(weights_file):
    with override_limits(max_h5_objects=5), pytest.raises(
            saving.ResourceLimitError, match="number of HDF5 groups and datasets is 6.*"
                                             "SHENJING_MAX_H5_OBJECTS"):
        mlp(compile=False).load_weights(weights_file)


# -- finding 6: read only what the model needs, check declared sizes first -----------------
def _fill_value_bombs(path, where):
    with h5py.File(path, "a") as f:
        for i, group in enumerate(where):
            f.create_dataset(f"{group}/vars/0", shape=(125 * MiB,), dtype="float32",
                             fillvalue=float(i + 1))


def test_unused_fill_value_datasets_are_not_read(tmp_path, weights_file):
    """The issue's 11.5 KB file: two 500 MB fill-value datasets in groups no layer uses."""
    _fill_value_bombs(weights_file, ["junk", "more_junk"])
    assert weights_file.stat().st_size < 64 * 1024
    result = load_in_child("load_weights", weights_file)
    assert result["outcome"] == "ok", result
    assert result["maxrss_kib"] < 400 * 1024, result


def test_unused_datasets_are_not_read_in_process(weights_file):
    _fill_value_bombs(weights_file, ["junk"])
    reads = []
    with open_h5(weights_file, "w") as groups:
        original = groups.read
        groups.read = lambda entry: reads.append(entry.path) or original(entry)
        model = mlp(compile=False)
        saving.saving_lib.load_state(model, groups, "w")
    assert sorted(reads) == ["layers/dense/vars/0", "layers/dense/vars/1",
                             "layers/dense_1/vars/0", "layers/dense_1/vars/1"]


def test_extra_weights_are_found_without_reading_them(weights_file):
    _fill_value_bombs(weights_file, ["layers/dense_9"])
    with pytest.raises(saving.FormatError, match="no layer .* takes: 'layers/dense_9/vars'"):
        mlp(compile=False).load_weights(weights_file)


def test_fill_value_bomb_in_a_used_group_is_refused_before_reading(weights_file):
    with h5py.File(weights_file, "a") as f:
        del f["layers/dense/vars/0"]
        f.create_dataset("layers/dense/vars/0", shape=(16 * 1024, 8 * 1024), dtype="float32")
    result = load_in_child("load_weights", weights_file)
    assert_format_error(result, weights_file, "ResourceLimitError", max_rss_mib=300)
    assert "dataset 'layers/dense/vars/0' (shape (16384, 8192), float32) declares" \
        in result["message"]


def test_gzip_bomb_dataset_is_refused(weights_file):
    """A few hundred KB of gzip declaring hundreds of MB, where a layer reads it."""
    with h5py.File(weights_file, "a") as f:
        del f["layers/dense/vars/0"]
        f.create_dataset("layers/dense/vars/0", data=np.zeros((8, 16), "float32"))
        f.create_dataset("layers/dense/vars/big", data=np.zeros((2048, 1024), "float32"),
                         compression="gzip", chunks=(512, 1024))
        del f["layers/dense/vars/1"]
        f.move("layers/dense/vars/big", "layers/dense/vars/1")
    with override_limits(max_expansion=2, min_load_bytes=0):
        with pytest.raises(saving.ResourceLimitError, match="'layers/dense/vars/1'.*declares "
                                                            "[0-9]+ bytes but stores only"):
            mlp(compile=False).load_weights(weights_file)


def test_one_huge_compressed_chunk_is_charged(tmp_path, weights_file):
    """A 16-element dataset whose one gzip chunk holds 32 MiB: the chunk, not the shape, is
    what decompression allocates."""
    with h5py.File(weights_file, "a") as f:
        del f["layers/dense/vars/1"]
        d = f.create_dataset("layers/dense/vars/1", shape=(16,), maxshape=(None,),
                             chunks=(8 * MiB,), dtype="float32", compression="gzip",
                             compression_opts=1)
        d.resize((8 * MiB,))
        d[-1] = 1.0
        d.resize((16,))
    assert weights_file.stat().st_size < 1 * MiB
    result = load_in_child("load_weights", weights_file)
    assert_format_error(result, weights_file, "ResourceLimitError", max_rss_mib=300)
    assert "'layers/dense/vars/1' (shape (16,), float32) declares 33554496 bytes" \
        in result["message"]


def deflate_bomb(path, entries, name, mib):
    """A zip holding ``entries`` and ``name``: ``mib`` MiB of zeros, deflated (built from one
    flushed MiB repeated, so it takes no time to write)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = compressor.compress(bytes(MiB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = one * mib + compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(bytes(MiB), crc)
    write_zip(path, entries + [(name, stream)])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(name).header_offset
    central = data.find(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(name)] != name.encode():
        central = data.find(b"PK\x01\x02", central + 1)
    for header, method, crc_at, size_at in ((local, 8, 14, 22), (central, 10, 16, 24)):
        data[header + method:header + method + 2] = zipfile.ZIP_DEFLATED.to_bytes(2, "little")
        data[header + crc_at:header + crc_at + 4] = crc.to_bytes(4, "little")
        data[header + size_at:header + size_at + 4] = (mib * MiB).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def test_deflate_bomb_helper_builds_a_real_bomb(tmp_path):
    path = deflate_bomb(tmp_path / "b.zip", [], "zeros", 4)
    with zipfile.ZipFile(path) as archive:
        assert archive.read("zeros") == bytes(4 * MiB)


def test_keras_zip_bomb_is_refused_quickly(tmp_path, keras_path):
    """The issue's 523 KB .keras holding 512 MiB of deflated zeros."""
    entries = [(n, d) for n, d in zip_entries(keras_path) if n != "model.weights.h5"]
    bad = deflate_bomb(tmp_path / "bomb.keras", entries, "model.weights.h5", 512)
    assert bad.stat().st_size < 1 * MiB
    for action in ("load_model", "load_weights"):
        result = load_in_child(action, bad)
        assert_format_error(result, bad, "ResourceLimitError", max_rss_mib=300, seconds=5)
        assert "'model.weights.h5' declares 536870912 bytes" in result["message"]


def test_zip_entry_charged_against_the_budget(keras_path):
    with override_limits(min_load_bytes=100, max_expansion=0):
        with pytest.raises(saving.ResourceLimitError, match="zip entry 'config.json' .* needs"):
            saving.load_model(keras_path)


def test_zip_entry_with_a_lying_declared_size(tmp_path, keras_path):
    """An entry that inflates to more than its header says is cut at the declared size."""
    entries = zip_entries(keras_path)
    raw = io.BytesIO()
    write_zip(raw, entries, compression=zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(raw) as archive:
        info = archive.getinfo("config.json")
    data = bytearray(raw.getvalue())
    small = (5).to_bytes(4, "little")
    # the uncompressed size in the local header and in the central directory's record
    data[info.header_offset + 22:info.header_offset + 26] = small
    central = data.find(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(b"config.json")] != b"config.json":
        central = data.find(b"PK\x01\x02", central + 1)
    data[central + 24:central + 28] = small
    bad = tmp_path / "liar.keras"
    bad.write_bytes(bytes(data))
    with pytest.raises(saving.FormatError, match="liar.keras'"):
        saving.load_model(bad)


# -- finding 9: deep nesting, and config errors with the path ----------------------------
def safetensors_bytes(header_text, data=b""):
    raw = header_text.encode()
    return len(raw).to_bytes(8, "little") + raw + data


def test_deeply_nested_safetensors_header(tmp_path):
    path = tmp_path / "deep.safetensors"
    path.write_bytes(safetensors_bytes("{\"a\": " + "[" * 100000 + "]" * 100000 + "}"))
    with pytest.raises(saving.FormatError, match="deep.safetensors': the safetensors header is "
                                                 "nested too deeply"):
        mlp(compile=False).load_weights(path)
    path.write_bytes(safetensors_bytes("[" * 100000))
    with pytest.raises(saving.FormatError, match="not a JSON object"):
        mlp(compile=False).load_weights(path)


def test_deeply_nested_config(tmp_path, keras_path):
    entries = [(n, ("{\"class_name\": " + "[" * 100000 + "]" * 100000 + "}").encode()
                if n == "config.json" else d) for n, d in zip_entries(keras_path)]
    bad = write_zip(tmp_path / "deep.keras", entries)
    with pytest.raises(saving.FormatError, match="deep.keras': config.json is nested too deeply"):
        saving.load_model(bad)
    with pytest.raises(saving.FormatError, match="nested too deeply"):
        saving.model_from_json("[" * 100000)


def test_duplicate_json_keys_are_refused(tmp_path, keras_path):
    config = json.dumps(json.loads(dict(zip_entries(keras_path))["config.json"]))
    doubled = config.replace('"class_name": "Sequential"',
                             '"class_name": "Sequential", "class_name": "Functional"', 1)
    entries = [(n, doubled.encode() if n == "config.json" else d)
               for n, d in zip_entries(keras_path)]
    bad = write_zip(tmp_path / "twice.keras", entries)
    with pytest.raises(saving.FormatError, match="the key 'class_name' appears twice"):
        saving.load_model(bad)


def test_config_type_error_is_a_format_error_with_the_path(tmp_path, keras_path):
    config = json.loads(dict(zip_entries(keras_path))["config.json"])
    config["config"]["layers"][1]["config"]["units"] = {"not": "a number"}
    config["config"]["layers"][1]["config"]["bogus_argument"] = 1
    entries = [(n, json.dumps(config).encode() if n == "config.json" else d)
               for n, d in zip_entries(keras_path)]
    bad = write_zip(tmp_path / "typeerror.keras", entries)
    with pytest.raises(saving.FormatError, match="typeerror.keras': cannot build the model"):
        saving.load_model(bad)


def test_config_that_is_not_a_model(tmp_path, keras_path):
    for text in ("[]", "null", "\"Sequential\"", "{\"config\": {}}"):
        entries = [(n, text.encode() if n == "config.json" else d)
                   for n, d in zip_entries(keras_path)]
        bad = write_zip(tmp_path / "notmodel.keras", entries)
        with pytest.raises(saving.FormatError, match="does not describe a model"):
            saving.load_model(bad)
    with pytest.raises(saving.FormatError, match="does not describe a model"):
        saving.model_from_json("[1, 2]")


def test_weights_that_do_not_fit_the_config_are_a_format_error(tmp_path, keras_path, weights_file):
    with h5py.File(weights_file, "a") as f:
        del f["layers/dense/vars/0"]
        f["layers/dense/vars/0"] = np.zeros((3, 16), "float32")
    entries = [(n, weights_file.read_bytes() if n == "model.weights.h5" else d)
               for n, d in zip_entries(keras_path)]
    bad = write_zip(tmp_path / "misfit.keras", entries)
    with pytest.raises(saving.FormatError, match="misfit.keras:model.weights.h5': cannot load "
                                                 "its weights.*expected shape \\(8, 16\\), "
                                                 "found \\(3, 16\\)"):
        saving.load_model(bad)


def test_a_corrupt_dataset_is_not_skipped_by_skip_mismatch(weights_file, monkeypatch):
    """A read failure (a bad file) is never a 'mismatch' that skip_mismatch may skip."""
    from shenjing.saving import h5_store

    def broken(self, entry):
        raise saving.FormatError(self.label, f"cannot read dataset '{entry.path}'")

    monkeypatch.setattr(h5_store.H5Weights, "_read", broken)
    model = mlp(compile=False)
    before = model.get_weights()
    with pytest.raises(saving.FormatError, match="cannot read dataset 'layers/dense/vars/0'"):
        model.load_weights(weights_file, skip_mismatch=True)
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)


# -- siblings: odd datasets and names ------------------------------------------------------
def test_zero_d_and_empty_datasets_round_trip(tmp_path):
    path = tmp_path / "odd.weights.h5"
    with h5py.File(path, "w") as f:
        f["scalar/vars/0"] = np.float32(3.5)
        f["empty/vars/0"] = np.zeros((0, 4), "float32")
    with open_h5(path, path) as groups:
        assert groups["scalar/vars"]["0"].shape == ()
        assert float(groups["scalar/vars"]["0"]) == 3.5
        assert groups["empty/vars"]["0"].shape == (0, 4)


def test_null_dataspace_is_refused(tmp_path):
    path = tmp_path / "null.weights.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("layers/dense/vars/0", data=h5py.Empty("float32"))
    with pytest.raises(saving.FormatError, match="no dataspace"):
        open_h5(path, path)


def test_non_utf8_hdf5_name_is_a_format_error(weights_file):
    with h5py.File(weights_file, "a") as f:
        f["layers"].create_group(b"caf\xe9")
    with pytest.raises(saving.FormatError, match="the HDF5 name b'caf\\\\xe9' in 'layers' is not "
                                                 "UTF-8 text"):
        mlp(compile=False).load_weights(weights_file)


def test_int_dataset_into_a_float_variable_is_cast(weights_file):
    """As Keras's ``variable.assign``: a dtype that differs is cast to the variable's."""
    with h5py.File(weights_file, "a") as f:
        del f["layers/dense/vars/1"]
        f["layers/dense/vars/1"] = np.arange(16, dtype="int64")
    model = mlp(compile=False)
    model.load_weights(weights_file)
    np.testing.assert_array_equal(model.layers[0].bias.numpy(), np.arange(16, dtype="float32"))
    assert model.layers[0].bias.numpy().dtype == np.float32


def test_safetensors_declared_size_must_match_its_bytes(tmp_path):
    header = {"layers/dense/vars/0": {"dtype": "F32", "shape": [100000, 100000],
                                      "data_offsets": [0, 8]}}
    path = tmp_path / "liar.safetensors"
    path.write_bytes(safetensors_bytes(json.dumps(header), bytes(8)))
    with pytest.raises(saving.FormatError, match="declares shape \\[100000, 100000\\] of F32 "
                                                 "\\(40000000000 bytes\\) but its byte range "
                                                 "holds 8"):
        mlp(compile=False).load_weights(path)


@pytest.mark.parametrize("entry, match", [  # over 8 bytes of data, 12 for the gap
    ({"dtype": "F32", "shape": [-1, 2], "data_offsets": [0, 8]}, "non-negative integers"),
    ({"dtype": "F32", "shape": [True, 2], "data_offsets": [0, 8]}, "non-negative integers"),
    ({"dtype": "F32", "shape": [2.0], "data_offsets": [0, 8]}, "non-negative integers"),
    ({"dtype": "F8_E4M3", "shape": [8], "data_offsets": [0, 8]}, "expected one of"),
    ({"dtype": ["F32"], "shape": [2], "data_offsets": [0, 8]}, "expected one of"),  # fuzz 1085
    ({"dtype": {"a": 1}, "shape": [2], "data_offsets": [0, 8]}, "expected one of"),
    ({"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}, "starts at byte 4"),
    ({"dtype": "F32", "shape": [2], "data_offsets": [0]}, "invalid safetensors header entry"),
    ({"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "cover 4 bytes of data but the "
                                                             "file has 8"),
])
def test_safetensors_header_entries_are_checked(tmp_path, entry, match):
    path = tmp_path / "bad.safetensors"
    data = bytes(12 if entry["data_offsets"][0] == 4 else 8)
    path.write_bytes(safetensors_bytes(json.dumps({"x/vars/0": entry}), data))
    with pytest.raises(saving.FormatError, match=match):
        open_safetensors(path)


def test_safetensors_is_read_lazily_and_bf16_widened(tmp_path):
    bf16 = np.array([1.5, -2.0, 3.140625], "float32").view("<u4") >> 16
    ones = np.ones(4, "<f4").tobytes()
    header = {"a/vars/0": {"dtype": "BF16", "shape": [3], "data_offsets": [0, 6]},
              "b/vars/0": {"dtype": "F32", "shape": [4], "data_offsets": [6, 22]},
              "__metadata__": {"format": "keras"}}
    path = tmp_path / "lazy.safetensors"
    path.write_bytes(safetensors_bytes(json.dumps(header),
                                       bf16.astype("<u2").tobytes() + ones))
    with open_safetensors(path) as groups:
        assert sorted(groups) == ["a/vars", "b/vars"]
        np.testing.assert_array_equal(groups["a/vars"]["0"], [1.5, -2.0, 3.140625])
        np.testing.assert_array_equal(groups["b/vars"]["0"], np.ones(4))
