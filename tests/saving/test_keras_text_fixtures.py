"""`.keras` files with TextVectorization / StringLookup / IntegerLookup written by Keras 3.15
(TensorFlow backend; see fixtures/make_keras_text_fixtures.py) load in shenjing and give what
Keras gave: adapted vocabularies come from `assets/<layer path>/vocabulary.txt`, TF-IDF weights
from the weights file, given vocabularies from the config. Keras itself is not needed."""

import json
import zipfile

import numpy as np
import pytest

from shenjing import saving
from shenjing.safety import FormatError

from saving_helpers import FIXTURES


def fixture(name):
    return np.load(FIXTURES / name, allow_pickle=False)


QUERIES = fixture("keras_text_queries.npy")


def test_text_vectorization_int_model_predicts_as_keras():
    model = saving.load_model(FIXTURES / "keras_text_int.keras")
    tv = model.get_layer("tv_int")
    np.testing.assert_array_equal(tv(QUERIES[:, None]).numpy(), fixture("keras_text_int_ids.npy"))
    np.testing.assert_allclose(model.predict(QUERIES[:, None], verbose=0),
                               fixture("keras_text_int_pred.npy"), rtol=1e-5, atol=1e-6)
    assert tv.get_vocabulary()[:3] == ["", "[UNK]", "the"]
    assert tv.vocabulary_size() == 24


def test_text_vectorization_tf_idf_model_predicts_as_keras():
    model = saving.load_model(FIXTURES / "keras_text_tfidf.keras")
    tv = model.get_layer("tv_tfidf")
    np.testing.assert_allclose(tv(QUERIES[:, None]).numpy(), fixture("keras_text_tfidf_rows.npy"),
                               rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(model.predict(QUERIES[:, None], verbose=0),
                               fixture("keras_text_tfidf_pred.npy"), rtol=1e-5, atol=1e-6)


def test_string_and_integer_lookups_predict_as_keras():
    """StringLookup's two OOV buckets are FarmHash's, as TensorFlow's; IntegerLookup's
    vocabulary comes from the config."""
    model = saving.load_model(FIXTURES / "keras_text_lookups.keras")
    words, codes = fixture("keras_text_lookups_words.npy"), fixture("keras_text_lookups_codes.npy")
    np.testing.assert_allclose(model.predict([words, codes], verbose=0),
                               fixture("keras_text_lookups_pred.npy"), rtol=1e-5, atol=1e-6)
    # multi_hot: the mask (0) takes no index, as in Keras
    assert model.get_layer("il").get_vocabulary() == [-1, 7, 3, 11, 5]


def test_character_vocabulary_from_config_predicts_as_keras():
    model = saving.load_model(FIXTURES / "keras_text_chars.keras")
    np.testing.assert_allclose(model.predict(QUERIES[:, None], verbose=0),
                               fixture("keras_text_chars_pred.npy"), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["keras_text_int", "keras_text_tfidf", "keras_text_lookups"])
def test_saved_again_keeps_keras_assets_layout(tmp_path, name):
    model = saving.load_model(FIXTURES / f"{name}.keras")
    model.save(tmp_path / "again.keras")
    theirs = zipfile.ZipFile(FIXTURES / f"{name}.keras")
    ours = zipfile.ZipFile(tmp_path / "again.keras")
    assets = lambda z: sorted(n for n in z.namelist() if n.startswith("assets/"))
    assert assets(ours) == assets(theirs)
    for member in assets(theirs):
        assert ours.read(member).decode().splitlines() == theirs.read(member).decode().splitlines()
    layers = lambda z: {e["name"]: e for e in json.loads(z.read("config.json"))["config"]["layers"]}
    for layer_name, entry in layers(theirs).items():
        assert set(layers(ours)[layer_name]["config"]) >= set(entry["config"]), layer_name
    again = saving.load_model(tmp_path / "again.keras")
    if name == "keras_text_lookups":
        args = [fixture("keras_text_lookups_words.npy"), fixture("keras_text_lookups_codes.npy")]
    else:
        args = QUERIES[:, None]
    np.testing.assert_allclose(again.predict(args, verbose=0), fixture(f"{name}_pred.npy"),
                               rtol=1e-5, atol=1e-6)


def _rewrite(source, target, replace=None, add=None):
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            if replace and item.filename in replace:
                if replace[item.filename] is not None:
                    zout.writestr(item.filename, replace[item.filename])
                continue
            zout.writestr(item, zin.read(item.filename))
        for name, data in (add or {}).items():
            zout.writestr(name, data)


@pytest.mark.parametrize("bad_name", ["assets/layers/text_vectorization/../../../evil.txt",
                                      "assets/layers/text_vectorization//x.txt",
                                      "assets/layers/text_vectorization/a\\b.txt"])
def test_asset_names_that_leave_their_folder_are_refused(tmp_path, bad_name):
    path = tmp_path / "bad.keras"
    _rewrite(FIXTURES / "keras_text_int.keras", path, add={bad_name: b"x"})
    with pytest.raises(FormatError, match="not a plain relative path"):
        saving.load_model(path)
    assert not (tmp_path / "evil.txt").exists()


@pytest.mark.parametrize("names", [("c", "c/x"), ("c/x", "c")])
def test_asset_names_that_clash_as_file_and_folder_are_refused(tmp_path, names):
    path = tmp_path / "clash.keras"
    prefix = "assets/layers/text_vectorization/"
    _rewrite(FIXTURES / "keras_text_int.keras", path, add={prefix + n: b"x" for n in names})
    with pytest.raises(FormatError, match="clashes with another entry"):
        saving.load_model(path)


def test_missing_vocabulary_asset_is_a_format_error(tmp_path):
    path = tmp_path / "novocab.keras"
    _rewrite(FIXTURES / "keras_text_int.keras", path,
             replace={"assets/layers/text_vectorization/vocabulary.txt": None,
                      "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt": None})
    with pytest.raises(FormatError, match="vocabulary.txt"):
        saving.load_model(path)


def test_vocabulary_asset_bomb_is_refused(tmp_path):
    """A deflated vocabulary.txt that declares far more than it stores is refused before it
    is decompressed (the loader's shared zip checks)."""
    from shenjing.safety import ResourceLimitError, override_limits

    path = tmp_path / "bomb.keras"
    with zipfile.ZipFile(FIXTURES / "keras_text_int.keras") as zin, \
            zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            if item.filename.endswith("text_vectorization/vocabulary.txt"):
                zout.writestr(item.filename, b"a\n" * (8 << 20), compress_type=zipfile.ZIP_DEFLATED)
            else:
                zout.writestr(item, zin.read(item.filename))
    with override_limits(min_load_bytes=1 << 20), pytest.raises(ResourceLimitError):
        saving.load_model(path)


def test_vocabulary_path_in_a_config_is_not_read_while_loading(tmp_path):
    """A config naming a vocabulary file outside the archive is refused (Keras's safe mode)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("password\n")
    path = tmp_path / "path.keras"
    with zipfile.ZipFile(FIXTURES / "keras_text_chars.keras") as z:
        config = json.loads(z.read("config.json"))
    for entry in config["config"]["layers"]:
        if entry["class_name"] == "TextVectorization":
            entry["config"]["vocabulary"] = str(secret)
    _rewrite(FIXTURES / "keras_text_chars.keras", path,
             replace={"config.json": json.dumps(config)})
    with pytest.raises(FormatError, match="vocabulary file"):
        saving.load_model(path)


def test_many_empty_asset_members_are_charged(tmp_path):
    """Each asset member written costs 1 KiB of the budget: 3,000 empty members (about 90
    bytes of zip each) ask for 3 MB, past a budget of 5x the file that the same file without
    them stays within."""
    from shenjing.safety import ResourceLimitError, override_limits

    path = tmp_path / "many.keras"
    _rewrite(FIXTURES / "keras_text_int.keras", path,
             add={f"assets/layers/text_vectorization/f{i}.txt": b"" for i in range(3000)})
    with override_limits(max_expansion=5, min_load_bytes=1 << 20):
        saving.load_model(FIXTURES / "keras_text_int.keras")
        with pytest.raises(ResourceLimitError, match="asset entry"):
            saving.load_model(path)


def test_mutated_vocabulary_assets_load_or_raise_format_error(tmp_path):
    """Random bytes, invalid UTF-8, repeated or reserved tokens, a wrong token count for the
    TF-IDF weights: each file loads or raises FormatError, nothing else."""
    rng = np.random.default_rng(0)
    member = "assets/layers/text_vectorization/vocabulary.txt"
    with zipfile.ZipFile(FIXTURES / "keras_text_tfidf.keras") as z:
        original = z.read(member)
    variants = [b"\xff\xfe\x00bad", b"a\na\nb", b"[UNK]\n[UNK]\n[UNK]", b"", b"\n\n\n",
                original + b"\nextra", original[: len(original) // 2], b"x" * 100000]
    variants += [bytes(rng.integers(0, 256, size=int(rng.integers(1, 200)), dtype=np.uint8))
                 for _ in range(8)]
    outcomes = set()
    for i, data in enumerate(variants):
        path = tmp_path / f"mutated{i}.keras"
        _rewrite(FIXTURES / "keras_text_tfidf.keras", path, replace={member: data})
        try:
            saving.load_model(path)
            outcomes.add("loaded")
        except FormatError:
            outcomes.add("refused")
    assert "refused" in outcomes



def _own_tf_idf_lookup(tmp_path):
    from shenjing import keras
    inputs = keras.Input(shape=(1,), dtype="string")
    lookup = keras.layers.StringLookup(vocabulary=["a", "b"], idf_weights=[1.0, 2.0], max_tokens=10,
                                       output_mode="tf_idf", pad_to_max_tokens=True)
    path = tmp_path / "tf_idf.keras"
    keras.Model(inputs, lookup(inputs)).save(path)
    return path


@pytest.mark.parametrize("layer, changes", [("StringLookup", {"num_oov_indices": 3_000_000}),
                                            ("tf_idf", {"max_tokens": 2_000_000})])
def test_config_sizes_of_lookups_are_charged_to_the_load(tmp_path, layer, changes):
    """A few bytes of config.json must not make lists of num_oov_indices OOV tokens or
    max_tokens padded idf_weights beyond the load's budget (16 MiB for a small file)."""
    source = (_own_tf_idf_lookup(tmp_path) if layer == "tf_idf"
              else FIXTURES / "keras_text_lookups.keras")
    config = json.loads(zipfile.ZipFile(source).read("config.json"))
    for item in config["config"]["layers"]:
        if item["class_name"] == "StringLookup":
            item["config"].update(changes)
    path = tmp_path / "big.keras"
    _rewrite(source, path, replace={"config.json": json.dumps(config)})
    with pytest.raises(FormatError, match="special indices"):
        saving.load_model(path)
