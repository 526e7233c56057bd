"""TextVectorization, StringLookup, IntegerLookup and pad_sequences on hand-worked values
(the Keras 3 behaviour each one pins is in its docstring); the layer harness on each; string
inputs inside functional and Sequential models; a `.keras` round trip of the vocabularies."""

import zipfile

import numpy as np
import pytest

import shenjing
from shenjing import data, layers, saving
from shenjing.keras import Input, Model, Sequential, preprocessing, utils
from shenjing.layers.preprocessing.farmhash import fingerprint64

from layer_harness import run_layer_test


# -- pad_sequences ------------------------------------------------------------------------
def test_pad_sequences_keras_docstring_examples():
    seqs = [[1], [2, 3], [4, 5, 6]]
    np.testing.assert_array_equal(utils.pad_sequences(seqs), [[0, 0, 1], [0, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(utils.pad_sequences(seqs, value=-1),
                                  [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(utils.pad_sequences(seqs, padding="post"),
                                  [[1, 0, 0], [2, 3, 0], [4, 5, 6]])
    np.testing.assert_array_equal(utils.pad_sequences(seqs, maxlen=2), [[0, 1], [2, 3], [5, 6]])
    np.testing.assert_array_equal(utils.pad_sequences(seqs, maxlen=2, truncating="post"),
                                  [[0, 1], [2, 3], [4, 5]])
    assert utils.pad_sequences(seqs).dtype == np.int32
    assert preprocessing.sequence.pad_sequences is utils.pad_sequences


def test_pad_sequences_items_strings_and_errors():
    vectors = [np.ones((1, 2)), np.zeros((0, 2)), 2 * np.ones((3, 2))]
    out = utils.pad_sequences(vectors, maxlen=2, dtype="float32")
    assert out.shape == (3, 2, 2)
    np.testing.assert_array_equal(out[0], [[0, 0], [1, 1]])
    np.testing.assert_array_equal(out[1], np.zeros((2, 2)))
    words = utils.pad_sequences([["a", "bb"], ["c"]], dtype=object, value="<pad>")
    assert words.tolist() == [["a", "bb"], ["<pad>", "c"]]
    with pytest.raises(ValueError, match="`sequences` must be iterable"):
        utils.pad_sequences(5)
    with pytest.raises(ValueError, match="must be a list of iterables"):
        utils.pad_sequences([[1], 2])
    with pytest.raises(ValueError, match="should set `dtype=object`"):
        utils.pad_sequences([[1]], value="x")
    with pytest.raises(ValueError, match='Padding type "mid" not understood'):
        utils.pad_sequences([[1]], padding="mid")
    with pytest.raises(ValueError, match="is different from expected shape"):
        utils.pad_sequences([[[1, 2]], [[1, 2, 3]]])


# -- StringLookup -------------------------------------------------------------------------
def test_adapt_orders_by_count_then_larger_token_first():
    """Keras sorts with np.lexsort((tokens, counts))[::-1]: ties go to the larger token."""
    layer = layers.StringLookup()
    layer.adapt(np.array([["b", "a", "c", "a"], ["d", "c", "b", "e"]]))
    assert layer.get_vocabulary() == ["[UNK]", "c", "b", "a", "e", "d"]
    np.testing.assert_array_equal(layer(np.array(["a", "e", "zzz"])).numpy(), [3, 4, 0])
    assert layer(np.array(["a"])).dtype == np.int64
    limited = layers.StringLookup(max_tokens=3, mask_token="")
    limited.adapt([["b", "a", "c", "a", "", ""]])
    assert limited.get_vocabulary() == ["", "[UNK]", "a"]
    assert limited.vocabulary_size() == 3


def test_special_indices_and_output_modes_by_hand():
    layer = layers.StringLookup(vocabulary=["a", "b"], mask_token="", num_oov_indices=2)
    assert layer.get_vocabulary() == ["", "[UNK]", "[UNK]", "a", "b"]
    ids = layer(np.array([["a", "", "b"]])).numpy()
    np.testing.assert_array_equal(ids, [[3, 0, 4]])
    # non-int modes: the mask takes no index and counts for nothing
    rows = layers.StringLookup(vocabulary=["a", "b"], mask_token="", output_mode="count")
    assert rows.get_vocabulary() == ["[UNK]", "a", "b"]
    np.testing.assert_array_equal(rows(np.array([["a", "a", "", "q"], ["b", "", "", ""]])).numpy(),
                                  [[1, 2, 0], [0, 0, 1]])
    multi = layers.StringLookup(vocabulary=["a", "b"], output_mode="multi_hot")
    np.testing.assert_array_equal(multi(np.array(["a", "a", "q"])).numpy(), [1, 1, 0])  # 1-D: one sample
    one_hot = layers.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")
    np.testing.assert_array_equal(one_hot(np.array([["b"], ["q"]])).numpy(), [[0, 0, 1], [1, 0, 0]])
    assert one_hot(np.array([["a", "b"]])).shape == (1, 2, 3)
    padded = layers.StringLookup(vocabulary=["a"], output_mode="multi_hot", pad_to_max_tokens=True,
                                 max_tokens=5)
    assert padded(np.array([["a"]])).shape == (1, 5)
    assert padded(np.array([["a"]])).dtype == np.float32


def test_tf_idf_weights_by_hand():
    """idf = log(1 + documents / (1 + documents holding the token)); OOV gets the mean."""
    layer = layers.StringLookup(output_mode="tf_idf")
    layer.adapt(np.array([["x", "y"], ["x", "x"], ["z", "x"]]))
    assert layer.get_vocabulary() == ["[UNK]", "x", "z", "y"]
    idf_x, idf_1 = np.log(1 + 3 / 4), np.log(1 + 3 / 2)
    expected_idf = [np.mean([idf_x, idf_1, idf_1]), idf_x, idf_1, idf_1]
    np.testing.assert_allclose(layer.idf_weights, expected_idf, rtol=1e-6)
    np.testing.assert_allclose(layer(np.array([["x", "x", "q", "y"]])).numpy(),
                               [[expected_idf[0], 2 * idf_x, 0, idf_1]], rtol=1e-6)
    given = layers.StringLookup(vocabulary=["p", "q"], idf_weights=[1.0, 3.0], output_mode="tf_idf")
    np.testing.assert_allclose(given.idf_weights, [2.0, 1.0, 3.0])


def test_invert_and_bytes_and_scalars():
    inverse = layers.StringLookup(vocabulary=["a", "b", "c"], mask_token="", invert=True)
    assert inverse(np.array([0, 1, 2, 3, 4, 9])).tolist() == ["", "[UNK]", "a", "b", "c", "[UNK]"]
    layer = layers.StringLookup(vocabulary=["é", "b"])
    np.testing.assert_array_equal(layer(np.array(["é".encode(), b"b"])).numpy(), [1, 2])
    np.testing.assert_array_equal(layer(["b", "q"]).numpy(), [2, 0])
    assert layer(np.array("b")).numpy() == 2


def test_oov_buckets_are_farmhash_as_tensorflow():
    """TensorFlow's to_hash_bucket_fast(s, 2**63 - 1) for these strings (values from TF 2.21)."""
    tf_values = {"": 1936946117179621456, "a": 3694432073954588132,
                 "hello world": 6381520714923946011, "x" * 17: 2082709914559524774,
                 "y" * 40: 276292113409495006,
                 "The quick brown fox jumps over the lazy dog, again and again and again!":
                     3085418243975595470}
    for text, value in tf_values.items():
        assert fingerprint64(text.encode()) % (2 ** 63 - 1) == value
    layer = layers.StringLookup(vocabulary=["a"], num_oov_indices=3)
    expected = [fingerprint64(s.encode()) % 3 for s in ("zz", "q")]
    np.testing.assert_array_equal(layer(np.array(["zz", "q", "a"])).numpy(), expected + [3])


def test_lookup_errors_in_keras_words(tmp_path):
    with pytest.raises(ValueError, match="all inputs should be in vocabulary"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(np.array(["b"]))
    with pytest.raises(ValueError, match="repeated term"):
        layers.StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="Found reserved mask token"):
        layers.StringLookup(vocabulary=["a", ""], mask_token="")
    with pytest.raises(ValueError, match="larger than the maximum vocab size"):
        layers.StringLookup(vocabulary=["a", "b", "c"], max_tokens=3)
    with pytest.raises(ValueError, match="`output_mode` must be `'int'` when `invert`"):
        layers.StringLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match="TensorFlow backend"):
        layers.StringLookup(sparse=True, output_mode="count")
    with pytest.raises(RuntimeError, match="must set the layer's vocabulary"):
        layers.StringLookup(output_mode="multi_hot")(np.array([["a"]]))
    with pytest.raises(ValueError, match="Cannot adapt layer"):
        layers.StringLookup(vocabulary=["a"]).adapt(np.array(["a"]))
    with pytest.raises(ValueError, match="does not exist"):
        layers.StringLookup(vocabulary=str(tmp_path / "missing.txt"))


def test_vocabulary_file_set_vocabulary_and_adapt_sources(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("[UNK]\nfish\nbird\n", encoding="utf-8")
    layer = layers.StringLookup(vocabulary=str(path))
    # every line is a token, "[UNK]" included (TF's TextFileInitializer), as in Keras
    assert layer.get_vocabulary() == ["[UNK]", "[UNK]", "fish", "bird"]
    np.testing.assert_array_equal(layer(np.array(["fish", "[UNK]", "zz"])).numpy(), [2, 1, 0])
    assert layer.get_config()["vocabulary"] is None  # a path travels as an asset, as in Keras
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes("a\r\nb\x85c\nd\n".encode())   # TF: lines end at \n only, \r dropped
    assert layers.StringLookup(vocabulary=str(crlf)).get_vocabulary() == ["[UNK]", "a", "b\x85c", "d"]
    blank = tmp_path / "blank.txt"
    blank.write_text("a\n\nb\n")
    with pytest.raises(ValueError, match="empty line found"):
        layers.StringLookup(vocabulary=str(blank))
    layer.set_vocabulary(["x", "y"])
    assert layer.get_vocabulary(include_special_tokens=False) == ["x", "y"]
    from_dataset = layers.StringLookup()
    batches = data.Dataset.from_tensor_slices(np.array(["a", "b", "b", "c"])).batch(2)
    from_dataset.adapt(batches)
    assert from_dataset.get_vocabulary() == ["[UNK]", "b", "c", "a"]
    from_generator = layers.StringLookup()
    from_generator.adapt(iter([np.array(["q", "r"]), np.array(["r"])]), steps=1)
    assert from_generator.get_vocabulary() == ["[UNK]", "r", "q"]


# -- IntegerLookup ------------------------------------------------------------------------
def test_integer_lookup_floormod_buckets_and_mask():
    layer = layers.IntegerLookup(vocabulary=[5, 7, 9], num_oov_indices=3, mask_token=0)
    assert layer.get_vocabulary() == [0, -1, -1, -1, 5, 7, 9]
    np.testing.assert_array_equal(layer(np.array([5, 0, 7, 10, 11, 12, -1])).numpy(),
                                  [4, 0, 5, 2, 3, 1, 3])
    adapted = layers.IntegerLookup()
    adapted.adapt(np.array([3, 3, 1, 1, 2, 7, 7, 7]))
    assert adapted.get_vocabulary() == [-1, 7, 3, 1, 2]
    inverse = layers.IntegerLookup(vocabulary=[5, 7], invert=True)
    assert inverse(np.array([1, 2, 0])).tolist() == [5, 7, -1]
    with pytest.raises(ValueError, match="expects integer inputs"):
        layer(np.array([1.5]))


# -- TextVectorization --------------------------------------------------------------------
def test_standardize_split_and_ngrams_as_tensorflow():
    """ASCII-only lowering, Keras's punctuation class, ASCII whitespace only."""
    layer = layers.TextVectorization()
    layer.adapt(np.array(["ÉCOLE école Ab.c a\xa0b x\u2003y", "tab\tsep  new\nline"]))
    assert layer.get_vocabulary() == ["", "[UNK]", "école", "École", "x\u2003y", "tab", "sep",
                                      "new", "line", "a\xa0b", "abc"]
    chars = layers.TextVectorization(ngrams=(1, 3), split="character")
    chars.adapt(np.array(["abcd", "ab"]))
    assert chars.get_vocabulary() == ["", "[UNK]", "b", "a", "d", "c", "b c d", "a b c"]
    np.testing.assert_array_equal(chars(np.array(["abcd", "b", ""])).numpy(),
                                  [[3, 2, 5, 4, 7, 6], [2, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]])
    bigrams = layers.TextVectorization(ngrams=2, output_sequence_length=4)
    bigrams.adapt(["x y z", "x y"])
    assert bigrams.get_vocabulary() == ["", "[UNK]", "y", "x y", "x", "z", "y z"]
    np.testing.assert_array_equal(bigrams(["x y z w", "y"]).numpy(), [[4, 2, 5, 1], [2, 0, 0, 0]])
    np.testing.assert_array_equal(bigrams(np.array([["x y"]])).numpy(), [[4, 2, 3, 0]])
    punct = layers.TextVectorization(standardize="strip_punctuation", split=None,
                                     vocabulary=["Hi there"])
    np.testing.assert_array_equal(punct(np.array([["Hi, there!"], ["hi there"]])).numpy(),
                                  [[2], [1]])


def test_callable_standardize_and_split_get_numpy_strings():
    seen = []

    def shout(strings):
        seen.append(type(strings))
        return np.char.upper(strings)

    layer = layers.TextVectorization(standardize=shout, split=lambda s: [t.split("-") for t in s],
                                     vocabulary=["A", "B"], output_sequence_length=3)
    np.testing.assert_array_equal(layer(np.array(["a-b", "b-c-a-a"])).numpy(), [[2, 3, 0], [3, 1, 2]])
    assert seen == [np.ndarray]


def test_text_vectorization_modes_and_errors():
    vocab = ["the", "cat", "sat"]
    multi = layers.TextVectorization(vocabulary=vocab, output_mode="multi_hot")
    np.testing.assert_array_equal(multi(np.array(["the cat the dog"])).numpy(), [[1, 1, 1, 0]])
    count = layers.TextVectorization(vocabulary=vocab, output_mode="count", pad_to_max_tokens=True,
                                     max_tokens=6)
    np.testing.assert_array_equal(count(np.array([["the cat the dog"]])).numpy(), [[1, 2, 1, 0, 0, 0]])
    np.testing.assert_array_equal(multi(np.array("the dog")).numpy(), [1, 1, 0, 0])  # one string
    np.testing.assert_array_equal(layers.TextVectorization(vocabulary=vocab)(np.array("cat the")).numpy(),
                                  [3, 2])
    with pytest.raises(ValueError, match="the last shape dimension must be 1"):
        multi(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="`output_sequence_length` must not be set"):
        layers.TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ValueError, match="`ngrams` must be None"):
        layers.TextVectorization(ngrams=[1, 2])
    with pytest.raises(ValueError, match="TensorFlow backend"):
        layers.TextVectorization(ragged=True)
    with pytest.raises(ValueError, match="expects strings"):
        multi(np.array([[1.0]]))


# -- the harness, models, saving ----------------------------------------------------------
@pytest.mark.parametrize("cls,kwargs,x,out_shape", [
    (layers.StringLookup, {"vocabulary": ["a", "b"], "output_mode": "multi_hot"},
     np.array([["a", "q"], ["b", "b"]]), (2, 3)),
    (layers.IntegerLookup, {"vocabulary": [4, 9], "mask_token": 0}, np.array([[4, 0, 1]]), (1, 3)),
    (layers.TextVectorization, {"vocabulary": ["x", "y"], "output_sequence_length": 4},
     np.array([["x y z"], ["y"]]), (2, 4)),
])
def test_text_layers_pass_the_layer_harness(cls, kwargs, x, out_shape):
    dtype = "string" if x.dtype.kind == "U" else "int64"
    run_layer_test(cls, kwargs, input_data=x, input_dtype=dtype, expected_output_shape=out_shape,
                   run_training_check=False)


def test_string_inputs_in_functional_and_sequential_models():
    texts = np.array(["good film", "bad film", "great good", "awful bad"])
    tv = layers.TextVectorization(max_tokens=10, output_sequence_length=3)
    tv.adapt(texts)
    text = Input(shape=(1,), dtype="string")
    assert text.dtype == "string"
    ids = tv(text)
    assert ids.shape == (None, 3) and ids.dtype == "int64"
    x = layers.GlobalAveragePooling1D()(layers.Embedding(10, 4)(ids))
    model = Model(text, layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(texts[:, None], np.array([1, 0, 1, 0], "float32"), epochs=1, batch_size=2, verbose=0)
    assert model.predict(texts[:, None], verbose=0).shape == (4, 1)
    seq = Sequential([Input(shape=(1,), dtype="string"),
                      layers.StringLookup(vocabulary=["a", "b"], output_mode="one_hot"),
                      layers.Dense(2)])
    assert seq(np.array([["a"], ["z"]])).shape == (2, 2)
    assert seq.predict_on_batch(np.array([["a"], ["z"], ["b"]])).shape == (3, 2)
    model.train_on_batch(texts[:2, None], np.array([1, 0], "float32"))
    # a model without a string input still refuses text, naming the call
    numeric = Sequential([Input(shape=(2,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="predict_on_batch: expected `x` to hold numbers"):
        numeric.predict_on_batch(np.array([["a", "b"]]))


def test_keras_file_round_trip_keeps_vocabularies(tmp_path):
    texts = np.array(["one two two", "three two one", "four"])
    tv = layers.TextVectorization(output_mode="tf_idf", ngrams=2)
    tv.adapt(texts)
    text = Input(shape=(1,), dtype="string", name="text")
    model = Model(text, layers.Dense(2)(tv(text)))
    path = tmp_path / "text.keras"
    model.save(path)
    names = zipfile.ZipFile(path).namelist()
    assert "assets/layers/text_vectorization/vocabulary.txt" in names
    assert "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt" in names
    loaded = saving.load_model(path)
    query = np.array([["two one"], ["five"]])
    np.testing.assert_allclose(loaded.predict(query, verbose=0), model.predict(query, verbose=0),
                               rtol=1e-6)
    assert loaded.layers[1].get_vocabulary() == tv.get_vocabulary()
    assert isinstance(loaded.layers[1](query), shenjing.Tensor)
