"""TextVectorization, StringLookup, IntegerLookup and pad_sequences against real Keras 3 on
random small corpora and configurations: the adapted vocabularies (order included), the
outputs of every output_mode, TF-IDF weights, and `.keras` files both ways.

Keras's text layers need TensorFlow (skipped without it); the layers are called alone, since
a Keras model with string inputs runs only on the TensorFlow backend."""

import json
import zipfile

import numpy as np
import pytest

pytest.importorskip("tensorflow")

import shenjing.keras as sk  # noqa: E402
from shenjing import saving  # noqa: E402

WORDS = ["the", "The", "cat", "cat's", "dog", "dogs,", "a", "A.", "mat!", "café", "École",
         "naïve", "x-y", "(hi)", "ok?", "b\xa0c", "e"]
SPACES = [" ", "  ", "\t", " \n "]


def corpus(rng, n):
    docs = []
    for _ in range(n):
        k = int(rng.integers(0, 8))
        parts = []
        for _ in range(k):
            parts += [WORDS[int(rng.integers(len(WORDS)))], SPACES[int(rng.integers(len(SPACES)))]]
        docs.append("".join(parts))
    return np.array(docs)


def to_numpy(x):
    x = getattr(x, "data", x)
    return np.asarray(x)


def keras_vocab(layer):
    return [v.decode() if isinstance(v, bytes) else (int(v) if isinstance(v, np.integer)
                                                      else str(v) if isinstance(v, np.str_) else v)
            for v in layer.get_vocabulary()]


TV_CONFIGS = [
    dict(),
    dict(max_tokens=8),
    dict(standardize="lower", split="whitespace", output_sequence_length=5),
    dict(standardize=None, ngrams=2, output_sequence_length=9),
    dict(standardize="strip_punctuation", ngrams=(1, 3), output_mode="multi_hot"),
    dict(split="character", output_mode="count", max_tokens=12, pad_to_max_tokens=True),
    dict(split="character", ngrams=2, output_mode="int", output_sequence_length=12),
    dict(max_tokens=10, output_mode="tf_idf"),
    dict(ngrams=2, output_mode="tf_idf", pad_to_max_tokens=True, max_tokens=30),
    dict(split=None, output_mode="multi_hot"),
    dict(split=None, standardize="lower", output_mode="int"),
]


@pytest.mark.parametrize("seed,config", list(enumerate(TV_CONFIGS)))
def test_text_vectorization_adapt_and_outputs_match_keras(keras_module, seed, config):
    rng = np.random.default_rng(seed)
    train, test = corpus(rng, 12), corpus(rng, 5)
    theirs = keras_module.layers.TextVectorization(**config)
    ours = sk.layers.TextVectorization(**config)
    theirs.adapt(train)
    ours.adapt(train)
    assert ours.get_vocabulary() == keras_vocab(theirs)
    assert ours.vocabulary_size() == theirs.vocabulary_size()
    expected = to_numpy(theirs(test[:, None]))
    got = to_numpy(ours(test[:, None]))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
    mine, keras_config = ours.get_config(), theirs.get_config()
    assert set(mine) == set(keras_config)
    for key in ("max_tokens", "standardize", "split", "ngrams", "output_mode",
                "output_sequence_length", "pad_to_max_tokens", "vocabulary_size"):
        assert mine[key] == keras_config[key], key


LOOKUP_CONFIGS = [
    dict(),
    dict(num_oov_indices=0),
    dict(num_oov_indices=3, mask_token=""),
    dict(max_tokens=5, output_mode="one_hot"),
    dict(mask_token="", output_mode="multi_hot"),
    dict(num_oov_indices=2, output_mode="count", pad_to_max_tokens=True, max_tokens=12),
    dict(output_mode="tf_idf", mask_token=""),
    dict(num_oov_indices=4, oov_method="farmhash"),
]


def _string_batch(rng, shape, known):
    pool = known + ["", "zz", "unseen", "qq", "ü"]
    return np.array([pool[int(i)] for i in rng.integers(len(pool), size=int(np.prod(shape)))]
                    ).reshape(shape)


@pytest.mark.parametrize("seed,config", list(enumerate(LOOKUP_CONFIGS)))
def test_string_lookup_matches_keras(keras_module, seed, config):
    rng = np.random.default_rng(100 + seed)
    tokens = ["a", "b", "c", "d", "é", "ab", "B"]
    train = np.array([tokens[int(i)] for i in rng.integers(len(tokens), size=24)]).reshape(6, 4)
    config = {k: v for k, v in config.items() if k != "oov_method"}   # strings: always FarmHash
    theirs = keras_module.layers.StringLookup(**config)
    ours = sk.layers.StringLookup(**config)
    theirs.adapt(train)
    ours.adapt(train)
    assert ours.get_vocabulary() == keras_vocab(theirs)
    if config.get("num_oov_indices") == 0:
        test = train[:3]
    else:
        test = _string_batch(rng, (3, 4), tokens)
    for batch in (test, test[:, :1], test[0]):
        np.testing.assert_allclose(to_numpy(ours(batch)), to_numpy(theirs(batch)), rtol=1e-6,
                                   atol=1e-6)


@pytest.mark.parametrize("seed,config", list(enumerate(LOOKUP_CONFIGS[:6] + LOOKUP_CONFIGS[7:])))
def test_integer_lookup_matches_keras(keras_module, seed, config):
    config = {**config, **({"mask_token": 0} if config.get("mask_token") == "" else {})}
    rng = np.random.default_rng(200 + seed)
    train = rng.integers(1, 9, size=(6, 4))
    theirs = keras_module.layers.IntegerLookup(**config)
    ours = sk.layers.IntegerLookup(**config)
    theirs.adapt(train)
    ours.adapt(train)
    assert ours.get_vocabulary() == keras_vocab(theirs)
    test = train[:3] if config.get("num_oov_indices") == 0 else rng.integers(-3, 15, size=(3, 4))
    for batch in (test, test[:, :1], test[0]):
        np.testing.assert_allclose(to_numpy(ours(batch)), to_numpy(theirs(batch)), rtol=1e-6,
                                   atol=1e-6)


def test_given_vocabulary_and_idf_weights_match_keras(keras_module):
    vocab, idf = ["x", "y", "z"], [0.5, 1.5, 2.5]
    batch = np.array([["x", "q", "z", "z"], ["y", "y", "", "x"]])
    for kwargs in (dict(mask_token=""), dict(num_oov_indices=2, pad_to_max_tokens=True,
                                             max_tokens=8)):
        theirs = keras_module.layers.StringLookup(vocabulary=vocab, idf_weights=idf,
                                                  output_mode="tf_idf", **kwargs)
        ours = sk.layers.StringLookup(vocabulary=vocab, idf_weights=idf, output_mode="tf_idf",
                                      **kwargs)
        np.testing.assert_allclose(to_numpy(ours(batch)), to_numpy(theirs(batch)), rtol=1e-6)
        assert ours.get_vocabulary() == keras_vocab(theirs)


def _pad_cases(rng):
    for _ in range(12):
        n = int(rng.integers(1, 6))
        seqs = [list(rng.integers(1, 50, size=int(rng.integers(0, 7)))) for _ in range(n)]
        yield seqs, dict(maxlen=[None, 1, 3, 8][int(rng.integers(4))],
                         padding=["pre", "post"][int(rng.integers(2))],
                         truncating=["pre", "post"][int(rng.integers(2))],
                         value=[0.0, -1, 2.5][int(rng.integers(3))],
                         dtype=["int32", "float32", "int64"][int(rng.integers(3))])


def test_pad_sequences_matches_keras_on_random_configs(keras_module):
    rng = np.random.default_rng(7)
    for seqs, kwargs in _pad_cases(rng):
        if kwargs["maxlen"] is None and not any(len(s) for s in seqs):
            continue
        expected = keras_module.utils.pad_sequences(seqs, **kwargs)
        got = sk.utils.pad_sequences(seqs, **kwargs)
        assert got.dtype == expected.dtype and got.shape == expected.shape, kwargs
        np.testing.assert_array_equal(got, expected)
    for bad in (dict(padding="mid"), dict(truncating="both"), dict(value="x")):
        with pytest.raises(ValueError) as theirs:
            keras_module.utils.pad_sequences([[1, 2], [3]], maxlen=1, **bad)
        with pytest.raises(ValueError) as ours:
            sk.utils.pad_sequences([[1, 2], [3]], maxlen=1, **bad)
        assert str(ours.value) == str(theirs.value)
    strings = [["a", "b"], ["c"]]
    np.testing.assert_array_equal(
        sk.utils.pad_sequences(strings, dtype=object, value="-"),
        keras_module.utils.pad_sequences(strings, dtype=object, value="-"))


def test_our_keras_file_loads_in_keras(keras_module, tmp_path):
    """A shenjing model with adapted TextVectorization (tf_idf) and StringLookup saves a file
    whose layers Keras rebuilds with the same vocabularies, weights and outputs."""
    rng = np.random.default_rng(11)
    train = corpus(rng, 15)
    text = sk.Input(shape=(1,), dtype="string", name="text")
    tv = sk.layers.TextVectorization(max_tokens=20, output_mode="tf_idf", ngrams=2, name="tv")
    tv.adapt(train)
    words = sk.Input(shape=(3,), dtype="string", name="words")
    sl = sk.layers.StringLookup(mask_token="", num_oov_indices=2, output_mode="count", name="sl")
    sl.adapt(np.array([["a", "b", "b"], ["c", "a", ""]]))
    joined = sk.layers.Concatenate()([tv(text), sl(words)])
    model = sk.Model([text, words], sk.layers.Dense(2, name="head")(joined))
    path = tmp_path / "ours.keras"
    model.save(path)
    loaded = keras_module.saving.load_model(path)
    test = corpus(rng, 4)
    w = np.array([["a", "zz", ""], ["b", "c", "qq"], ["", "", "a"], ["x", "y", "z"]])
    k_tv, k_sl = loaded.get_layer("tv"), loaded.get_layer("sl")
    assert keras_vocab(k_tv) == tv.get_vocabulary()
    assert keras_vocab(k_sl) == sl.get_vocabulary()
    np.testing.assert_allclose(to_numpy(k_tv(test[:, None])), to_numpy(tv(test[:, None])),
                               rtol=1e-6)
    np.testing.assert_allclose(to_numpy(k_sl(w)), to_numpy(sl(w)), rtol=1e-6)
    np.testing.assert_allclose(loaded.get_layer("head").get_weights()[0],
                               model.get_layer("head").get_weights()[0])
    with zipfile.ZipFile(path) as z:
        config = json.loads(z.read("config.json"))
    assert config["config"]["layers"][0]["config"]["dtype"] == "string"


def test_vocabulary_files_are_read_as_keras_reads_them(keras_module, tmp_path):
    """Every line a token (special tokens included), lines ending at \\n with \\r dropped."""
    path = tmp_path / "vocab.txt"
    path.write_bytes("[UNK]\r\nfish\nbi\x85rd\nä\n".encode())
    batch = np.array([["fish", "[UNK]", "zz"], ["ä", "bi\x85rd", ""]])
    for kwargs in (dict(), dict(mask_token="", num_oov_indices=2)):
        theirs = keras_module.layers.StringLookup(vocabulary=str(path), **kwargs)
        ours = sk.layers.StringLookup(vocabulary=str(path), **kwargs)
        assert ours.get_vocabulary() == keras_vocab(theirs)
        np.testing.assert_array_equal(to_numpy(ours(batch)), to_numpy(theirs(batch)))
    ints = tmp_path / "ints.txt"
    ints.write_text("7\n-1\n3\n")
    theirs = keras_module.layers.IntegerLookup(vocabulary=str(ints))
    ours = sk.layers.IntegerLookup(vocabulary=str(ints))
    assert ours.get_vocabulary() == keras_vocab(theirs)
    np.testing.assert_array_equal(to_numpy(ours(np.array([3, 7, 5]))),
                                  to_numpy(theirs(np.array([3, 7, 5]))))
