"""CategoryEncoding, Discretization and Hashing: hand values for every output mode, Keras's
docstring examples, count weights, adapt results, errors, the layer harness, models, .keras
files and shenjing.data pipelines."""

import struct

import numpy as np
import pytest

from layer_harness import run_layer_test
from shenjing import data, layers, models, saving
from shenjing.layers.preprocessing.farmhash import fingerprint64
from shenjing.layers.preprocessing.siphash import siphash24

INTS = np.array([[0, 1, 1], [3, 3, 2]])
FLOATS = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]])
STRINGS = np.array([["a"], ["b"], ["a"]])

# (class, kwargs, input, output shape): the harness cases (test_layers_contract counts them).
CASES = [
    (layers.CategoryEncoding, {"num_tokens": 5, "output_mode": "count"}, INTS, (2, 5)),
    (layers.CategoryEncoding, {"num_tokens": 4, "output_mode": "one_hot"}, INTS, (2, 3, 4)),
    (layers.CategoryEncoding, {"num_tokens": 4}, INTS[:, :1], (2, 4)),
    (layers.Discretization, {"bin_boundaries": [0.0, 1.0, 2.0]}, FLOATS.astype("float32"), (2, 4)),
    (layers.Discretization, {"bin_boundaries": [0.0], "output_mode": "multi_hot"},
     FLOATS.astype("float32"), (2, 2)),
    (layers.Hashing, {"num_bins": 4}, STRINGS, (3, 1)),
    (layers.Hashing, {"num_bins": 4, "salt": 7, "output_mode": "count"}, INTS, (2, 4)),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0].__name__)
def test_encoding_layer_contract(case):
    cls, kwargs, x, out_shape = case
    dtype = "string" if x.dtype.kind == "U" else str(x.dtype)
    run_layer_test(cls, kwargs, input_data=x, input_dtype=dtype, expected_output_shape=out_shape,
                   run_training_check=False)


# -- CategoryEncoding ---------------------------------------------------------------------
def test_category_encoding_keras_docstring_examples():
    one_hot = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")
    np.testing.assert_array_equal(one_hot([3, 2, 0, 1]).numpy(), np.eye(4)[[3, 2, 0, 1]])
    multi = layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot")
    np.testing.assert_array_equal(multi([[0, 1], [0, 0], [1, 2], [3, 1]]).numpy(),
                                  [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]])
    count = layers.CategoryEncoding(num_tokens=4, output_mode="count")
    weights = np.array([[.1, .2], [.1, .1], [.2, .3], [.4, .2]])
    y = count([[0, 1], [0, 0], [1, 2], [3, 1]], count_weights=weights)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.numpy(), [[.1, .2, 0, 0], [.2, 0, 0, 0], [0, .2, .3, 0],
                                           [0, .2, 0, .4]], rtol=1e-6)


def test_category_encoding_every_mode_by_hand():
    x = np.array([[0, 1, 1], [3, 3, 2]])
    np.testing.assert_array_equal(layers.CategoryEncoding(4)(x).numpy(),
                                  [[1, 1, 0, 0], [0, 0, 1, 1]])
    np.testing.assert_array_equal(layers.CategoryEncoding(4, output_mode="count")(x).numpy(),
                                  [[1, 2, 0, 0], [0, 0, 1, 2]])
    one_hot = layers.CategoryEncoding(4, output_mode="one_hot")(x).numpy()
    assert one_hot.shape == (2, 3, 4)
    np.testing.assert_array_equal(one_hot.argmax(-1), x)
    # a trailing axis of 1 is encoded in place; 1-D input is one sample; 0-D a sample of one
    assert layers.CategoryEncoding(4, output_mode="one_hot")(x[:, :1]).shape == (2, 4)
    np.testing.assert_array_equal(layers.CategoryEncoding(4)(np.array([2, 0, 2])).numpy(),
                                  [1, 0, 1, 0])
    np.testing.assert_array_equal(layers.CategoryEncoding(3, output_mode="one_hot")(
        np.array(1)).numpy(), [[0, 1, 0]])
    weights = np.array([[0.5, 1.0, 2.0], [1.0, 1.0, 4.0]])
    np.testing.assert_allclose(layers.CategoryEncoding(4, output_mode="count")(
        x, count_weights=weights).numpy(), [[0.5, 3.0, 0, 0], [0, 0, 4.0, 2.0]])
    assert layers.CategoryEncoding(4, output_mode="binary").output_mode == "multi_hot"


def test_category_encoding_integer_dtype_and_config():
    layer = layers.CategoryEncoding(4, output_mode="count", dtype="int32")
    y = layer(np.array([[0, 1], [1, 1]]))
    assert y.dtype == np.int32
    np.testing.assert_array_equal(y.numpy(), [[1, 1, 0, 0], [0, 2, 0, 0]])
    config = layer.get_config()
    assert config["dtype"]["config"]["name"] == "int32"
    assert {"num_tokens": 4, "output_mode": "count"}.items() <= config.items()
    assert "sparse" not in config  # Keras does not write it
    assert layers.CategoryEncoding.from_config(config).output_dtype == "int32"
    symbolic = layers.CategoryEncoding(4, dtype="int32")(layers.Input(shape=(3,), dtype="int64"))
    assert symbolic.shape == (None, 4) and symbolic.dtype == "int32"


@pytest.mark.parametrize("kwargs,call,match", [
    ({"num_tokens": 4}, {"inputs": np.array([[0, 4]])}, "0 <= values < num_tokens"),
    ({"num_tokens": 4}, {"inputs": np.array([[-1, 2]])}, "0 <= values < num_tokens"),
    ({"num_tokens": 4, "output_mode": "one_hot"}, {"inputs": np.array([7])}, "num_tokens=4"),
    ({"num_tokens": 4}, {"inputs": np.array([[0.5]])}, "expects integer ids"),
    ({"num_tokens": 4}, {"inputs": np.array([["a"]])}, "expects integer ids"),
    ({"num_tokens": 4}, {"inputs": np.array([[1]]), "count_weights": np.array([[1.0]])},
     "`count_weights` is not used"),
    ({"num_tokens": 4, "output_mode": "count"},
     {"inputs": np.array([[1, 2]]), "count_weights": np.array([1.0])}, "shape of the inputs"),
])
def test_category_encoding_call_errors(kwargs, call, match):
    layer = layers.CategoryEncoding(**kwargs)
    inputs = call.pop("inputs")
    with pytest.raises(ValueError, match=match):
        layer(inputs, **call)


def test_category_encoding_config_with_a_huge_num_tokens_is_refused_clearly():
    config = layers.CategoryEncoding(4).get_config()
    config["num_tokens"] = 10 ** 12
    with pytest.raises((TypeError, ValueError), match="must be at most"):
        layers.CategoryEncoding.from_config(config)


def test_category_encoding_integer_dtype_truncates_count_weights():
    x = np.array([[0, 1, 1], [2, 2, 0]])
    weights = np.array([[0.5, 1.7, 1.6], [2.9, 0.2, 1.0]], "float32")
    out = layers.CategoryEncoding(4, output_mode="count", dtype="int32")(x, count_weights=weights)
    # Keras casts the weights to the layer's dtype first: int32 weights [[0, 1, 1], [2, 0, 1]]
    assert out.dtype == np.int32 and out.numpy().tolist() == [[0, 2, 0, 0], [1, 0, 2, 0]]
    half = layers.CategoryEncoding(4, output_mode="count", dtype="float16")(x, count_weights=weights)
    assert half.dtype == np.float16
    np.testing.assert_allclose(half.numpy(), [[0.5, 3.3, 0, 0], [1.0, 0, 3.1, 0]], rtol=1e-3)


@pytest.mark.parametrize("mode", ["multi_hot", "count"])
def test_category_encoding_any_rank_reduces_the_last_axis(mode):
    x = np.array([[[0, 1], [3, 3]], [[2, 2], [1, 0]]])
    out = layers.CategoryEncoding(4, output_mode=mode)(x).numpy()
    expected = np.zeros((2, 2, 4))
    for i in range(2):
        for j in range(2):
            np.add.at(expected[i, j], x[i, j], 1.0)
    np.testing.assert_array_equal(out, np.minimum(expected, 1) if mode == "multi_hot" else expected)
    deep = layers.CategoryEncoding(4, output_mode=mode)(np.zeros((2, 3, 2, 5), "int64"))
    assert deep.shape == (2, 3, 2, 4) and np.all(deep.numpy()[..., 0] == (5 if mode == "count" else 1))
    weights = np.full(x.shape, 0.5)
    if mode == "count":
        weighted = layers.CategoryEncoding(4, output_mode=mode)(x, count_weights=weights).numpy()
        np.testing.assert_array_equal(weighted, expected * 0.5)
    assert layers.CategoryEncoding(4, output_mode=mode)(np.zeros((2, 0), "int64")).shape == (2, 4)


def test_encoding_layers_default_to_floatx():
    from shenjing import backend
    previous = backend.floatx()
    backend.set_floatx("float16")
    try:
        x = np.array([[0, 1], [2, 3]])
        assert layers.CategoryEncoding(4)(x).dtype == np.float16
        assert layers.CategoryEncoding(4, output_mode="count")(
            x, count_weights=np.ones((2, 2))).dtype == np.float16
        assert layers.Hashing(4, output_mode="one_hot")(np.array(["a", "b"])).dtype == np.float16
        assert layers.Hashing(4)(np.array(["a"])).dtype == np.int64
        assert layers.Discretization([0.5], output_mode="count")(x).dtype == np.float16
    finally:
        backend.set_floatx(previous)


@pytest.mark.parametrize("kwargs,match", [
    ({"num_tokens": 4, "output_mode": "tf_idf"}, "Unknown arg for output_mode"),
    ({"num_tokens": 4, "output_mode": "int"}, "Unknown arg for output_mode"),
    ({}, "num_tokens must be set"),
    ({"num_tokens": 0}, "must be >= 1"),
    ({"num_tokens": 2 ** 40}, "must be at most 2147483647"),
    ({"num_tokens": 2.5}, "must be an integer"),
    ({"num_tokens": 4, "sparse": True}, "no sparse tensors"),
    ({"num_tokens": 4, "dtype": "string"}, "Invalid dtype"),
])
def test_category_encoding_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.CategoryEncoding(**kwargs)


# -- Discretization -----------------------------------------------------------------------
def test_discretization_keras_docstring_examples():
    layer = layers.Discretization(bin_boundaries=[0., 1., 2.])
    y = layer(FLOATS)
    assert y.dtype == np.int32
    np.testing.assert_array_equal(y.numpy(), [[0, 2, 3, 1], [1, 3, 2, 1]])
    adapted = layers.Discretization(num_bins=4, epsilon=0.01)
    adapted.adapt(FLOATS)
    np.testing.assert_array_equal(adapted(FLOATS).numpy(), [[0, 2, 3, 2], [1, 3, 3, 1]])
    # Keras 3.15 (JAX) gives these boundaries on this data (float32 values)
    assert adapted.bin_boundaries == [0.0, 0.5, 1.2999999523162842]


def test_discretization_every_mode_by_hand():
    x = np.array([[-1.0, 0.5, 0.5], [2.0, 1.0, -3.0]])
    bounds = [0.0, 1.0]  # bins (-inf, 0), [0, 1), [1, inf)
    np.testing.assert_array_equal(layers.Discretization(bounds)(x).numpy(), [[0, 1, 1], [2, 2, 0]])
    np.testing.assert_array_equal(
        layers.Discretization(bounds, output_mode="multi_hot")(x).numpy(), [[1, 1, 0], [1, 0, 1]])
    np.testing.assert_array_equal(
        layers.Discretization(bounds, output_mode="count")(x).numpy(), [[1, 2, 0], [1, 0, 2]])
    one_hot = layers.Discretization(bounds, output_mode="one_hot")(x)
    assert one_hot.shape == (2, 3, 3) and one_hot.dtype == np.float32
    np.testing.assert_array_equal(one_hot.numpy().argmax(-1), [[0, 1, 1], [2, 2, 0]])
    assert layers.Discretization(bounds, output_mode="one_hot")(x[:, :1]).shape == (2, 3)


def test_discretization_adapt_quantiles_by_hand():
    # 100 values, epsilon 0.01: the summary keeps every value; 4 bins cut at the 25/50/75 % ranks.
    layer = layers.Discretization(num_bins=4)
    layer.adapt(np.arange(100.0))
    # 24, 49, 74 up to the float32 interpolation (Keras 3.15 gives 23.999982833862305, ...)
    np.testing.assert_allclose(layer.bin_boundaries, [24.0, 49.0, 74.0], rtol=1e-6)
    np.testing.assert_array_equal(layer(np.array([[0.0, 24.0, 50.0, 99.0]])).numpy(), [[0, 1, 2, 3]])
    # fewer summary points than bins: the values but the last (Keras's summary, uncompressed)
    small = layers.Discretization(num_bins=5)
    small.adapt(np.array([3.0, 1.0, 2.0]))
    assert small.bin_boundaries == [1.0, 2.0]


def test_discretization_adapt_from_batches_dataset_batch_size_and_steps():
    x = np.arange(100.0).reshape(100, 1)
    whole = layers.Discretization(num_bins=4)
    whole.adapt(x)
    batched = layers.Discretization(num_bins=4)
    batched.adapt(x, batch_size=10)
    from_list = layers.Discretization(num_bins=4)
    from_list.adapt([x[i:i + 10] for i in range(0, 100, 10)])
    from_dataset = layers.Discretization(num_bins=4)
    from_dataset.adapt(data.Dataset.from_tensor_slices((x, x)).batch(10))  # (x, y): x is used
    # the values of all batches are summarized as one array: the same boundaries as one array
    assert batched.bin_boundaries == from_list.bin_boundaries == from_dataset.bin_boundaries
    assert batched.bin_boundaries == whole.bin_boundaries
    first_half = layers.Discretization(num_bins=2)
    first_half.adapt(x, batch_size=10, steps=5)  # values 0..49 only
    assert first_half.bin_boundaries == [24.0]
    again = layers.Discretization(num_bins=2)
    again.adapt(x[:50])
    assert again.bin_boundaries == first_half.bin_boundaries


@pytest.mark.parametrize("kwargs,match", [
    ({"bin_boundaries": [0.0], "num_bins": 2}, "Both `num_bins` and `bin_boundaries`"),
    ({}, "either `num_bins` or `bin_boundaries`"),
    ({"num_bins": -1}, "greater than or equal to 0"),
    ({"bin_boundaries": [0.0], "output_mode": "tf_idf"}, "Expected one of"),
    ({"bin_boundaries": [0.0], "sparse": True}, "no sparse tensors"),
    ({"bin_boundaries": [1.0, 0.0, 2.0]}, "ascending or descending"),
    ({"bin_boundaries": ["a"]}, "list of numbers"),
])
def test_discretization_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.Discretization(**kwargs)


def test_discretization_batched_adapt_is_not_biased():
    # Keras merges per-batch summaries: batches of 32 of N(0, 1) gave [-0.363, 0.260, 0.972]
    values = np.random.default_rng(0).normal(size=20000).astype("float32")
    quartiles = np.quantile(values, [0.25, 0.5, 0.75])
    for source, kwargs in [(values, {"batch_size": 32}), (values.tolist(), {}),
                           (data.Dataset.from_tensor_slices(values).batch(7), {})]:
        layer = layers.Discretization(num_bins=4)
        layer.adapt(source, **kwargs)
        np.testing.assert_allclose(layer.bin_boundaries, quartiles, atol=0.01)


def test_discretization_adapt_past_the_held_bound_merges_and_warns(monkeypatch):
    from shenjing.layers.preprocessing import discretization
    monkeypatch.setattr(discretization, "MAX_HELD_VALUES", 1000)
    values = np.random.default_rng(1).normal(size=4000).astype("float32")
    layer = layers.Discretization(num_bins=2)
    with pytest.warns(UserWarning, match="more than 1000 values"):
        layer.adapt(list(values.reshape(8, 500)))  # 8 batches
    assert abs(layer.bin_boundaries[0] - np.median(values)) < 0.1
    one = layers.Discretization(num_bins=2)  # one array past the bound: Keras's single summary
    one.adapt(values)
    monkeypatch.setattr(discretization, "MAX_HELD_VALUES", 10 ** 6)
    again = layers.Discretization(num_bins=2)
    again.adapt(values)
    assert one.bin_boundaries == again.bin_boundaries


def test_discretization_adapt_signature_and_num_bins_zero():
    x = np.arange(100.0)
    positional = layers.Discretization(num_bins=4)
    positional.adapt(x, 1)  # steps, as Keras: one batch (the array), not batches of 1
    whole = layers.Discretization(num_bins=4)
    whole.adapt(x)
    assert positional.bin_boundaries == whole.bin_boundaries
    with pytest.raises(TypeError):
        layers.Discretization(num_bins=4).adapt(x, 1, 8)
    layer = layers.Discretization(num_bins=0)  # Keras accepts it in __init__ (a config may hold it)
    with pytest.raises(ValueError, match="num_bins >= 1"):
        layer.adapt(x)


def test_discretization_integer_dtype_and_descending_boundaries():
    x = np.array([[-1.0, 0.0, 0.5, 1.0, 2.0, 3.0]])
    count = layers.Discretization([0.1], output_mode="count", dtype="int32")
    out = count(x)
    assert out.dtype == np.int32 and out.numpy().tolist() == [[2, 4]]
    assert count.get_config()["dtype"] == "int32"
    assert layers.Discretization.from_config(count.get_config())(x).dtype == np.int32
    # descending boundaries bucket as np.digitize (and Keras's ops.digitize) do
    np.testing.assert_array_equal(layers.Discretization([2.0, 1.0, 0.0])(x).numpy(),
                                  np.digitize(x, [2.0, 1.0, 0.0]))


def test_discretization_state_errors():
    with pytest.raises(ValueError, match="initialized with `bin_boundaries`"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(FLOATS)
    with pytest.raises(ValueError, match="call `adapt"):
        layers.Discretization(num_bins=3)(FLOATS)
    with pytest.raises(ValueError, match="expects numeric inputs"):
        layers.Discretization(bin_boundaries=[0.0])(np.array([["a"]]))
    with pytest.raises(TypeError, match="expects an array"):
        layers.Discretization(num_bins=3).adapt(3.0)
    with pytest.raises(ValueError, match="`batch_size` is only used with array inputs"):
        layers.Discretization(num_bins=3).adapt([FLOATS], batch_size=2)


def test_discretization_symbolic_dtypes():
    inputs = layers.Input(shape=(3,))
    assert layers.Discretization(bin_boundaries=[0.0])(inputs).dtype == "int32"
    encoded = layers.Discretization(bin_boundaries=[0.0], output_mode="count")(inputs)
    assert encoded.dtype == "float32" and encoded.shape == (None, 2)


def test_discretization_config_keeps_adapted_boundaries(tmp_path):
    layer = layers.Discretization(num_bins=3, name="disc")
    layer.adapt(np.arange(30.0))
    config = layer.get_config()
    assert config == {"bin_boundaries": [9.0, 19.0], "num_bins": 3, "epsilon": 0.01,
                      "output_mode": "int", "sparse": False, "name": "disc", "dtype": "float32"}
    clone = layers.Discretization.from_config(config)
    assert clone.bin_boundaries == [9.0, 19.0] and clone.num_bins == 3
    inputs = layers.Input(shape=(2,))
    model = models.Model(inputs, layers.CategoryEncoding(3, output_mode="count")(layer(inputs)))
    x = np.array([[0.0, 25.0], [10.0, 12.0]])
    path = str(tmp_path / "disc.keras")
    model.save(path)
    loaded = saving.load_model(path)
    assert loaded.get_layer("disc").bin_boundaries == [9.0, 19.0]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), [[1, 0, 1], [0, 2, 0]])


# -- Hashing ------------------------------------------------------------------------------
def test_siphash24_reference_vectors():
    """The SipHash paper's test key 00..0f; messages 00..0(n-1)."""
    key = struct.unpack("<QQ", bytes(range(16)))
    assert siphash24(key, b"") == 0x726FDB47DD0E0E31
    assert siphash24(key, bytes(range(8))) == 0x93F5F5799A932462
    assert siphash24(key, bytes(range(15))) == 0xA129CA6149BE45E5


def test_hashing_keras_docstring_examples():
    inp = [["A"], ["B"], ["C"], ["D"], ["E"]]
    y = layers.Hashing(num_bins=3)(inp)
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y.numpy().ravel(), [1, 0, 1, 1, 2])
    masked = layers.Hashing(num_bins=3, mask_value="")([["A"], ["B"], [""], ["C"], ["D"]])
    np.testing.assert_array_equal(masked.numpy().ravel(), [1, 1, 0, 2, 2])
    salted = layers.Hashing(num_bins=3, salt=[133, 137])(inp)
    np.testing.assert_array_equal(salted.numpy().ravel(), [1, 2, 1, 0, 2])
    single = layers.Hashing(num_bins=3, salt=133)(inp)
    np.testing.assert_array_equal(single.numpy().ravel(), [0, 0, 2, 1, 0])


def test_hashing_numbers_are_hashed_as_decimal_text():
    x = np.array([[1, 22], [-3, 1]])
    expected = [[fingerprint64(str(v).encode()) % 7 for v in row] for row in x.tolist()]
    np.testing.assert_array_equal(layers.Hashing(7)(x).numpy(), expected)
    np.testing.assert_array_equal(layers.Hashing(7)(np.array([[1.9, 22.2], [-3.5, 1.0]])).numpy(),
                                  expected)  # floats truncated to integers first
    np.testing.assert_array_equal(layers.Hashing(7)(np.array(["1", "22"])).numpy(), expected[0])
    salted = [siphash24((5, 9), str(v).encode()) % 7 for v in (1, 22)]
    np.testing.assert_array_equal(layers.Hashing(7, salt=(5, 9))(np.array([1, 22])).numpy(), salted)
    masked = layers.Hashing(4, mask_value=0)(np.array([0, 1, 0]))
    np.testing.assert_array_equal(masked.numpy(), [0, 1 + fingerprint64(b"1") % 3, 0])
    # the mask is compared before floats are truncated: 0.5 is hashed as "0", not masked
    masked = layers.Hashing(4, mask_value=0)(np.array([0.0, 0.5]))
    np.testing.assert_array_equal(masked.numpy(), [0, 1 + fingerprint64(b"0") % 3])


def test_hashing_output_modes_by_hand():
    x = np.array([["a", "b", "a"], ["c", "c", "c"]])
    ids = [[fingerprint64(s.encode()) % 5 for s in row] for row in x.tolist()]
    counts = np.zeros((2, 5))
    for r, row in enumerate(ids):
        for i in row:
            counts[r, i] += 1
    np.testing.assert_array_equal(layers.Hashing(5, output_mode="count")(x).numpy(), counts)
    np.testing.assert_array_equal(layers.Hashing(5, output_mode="multi_hot")(x).numpy(),
                                  np.minimum(counts, 1))
    one_hot = layers.Hashing(5, output_mode="one_hot")(x)
    assert one_hot.shape == (2, 3, 5) and one_hot.dtype == np.float32
    np.testing.assert_array_equal(one_hot.numpy().argmax(-1), ids)
    assert layers.Hashing(5, output_mode="one_hot")(x[:, :1]).shape == (2, 5)


@pytest.mark.parametrize("kwargs,match", [
    ({"num_bins": 0}, "cannot be `None` or non-positive"),
    ({"num_bins": None}, "cannot be `None` or non-positive"),
    ({"num_bins": 3, "salt": [1, 2, 3]}, "tuple of size 2"),
    ({"num_bins": 3, "salt": "x"}, "tuple of size 2"),
    ({"num_bins": 3, "dtype": "float32"}, "should be an integer type"),
    ({"num_bins": 3, "output_mode": "tf_idf"}, "Expected one of"),
    ({"num_bins": 3, "sparse": True}, "`sparse` may only be true"),
    ({"num_bins": 3, "output_mode": "count", "sparse": True}, "no sparse tensors"),
])
def test_hashing_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.Hashing(**kwargs)


def test_hashing_mask_value_compares_strings_as_bytes():
    for mask, values in [("", np.array([b"", b"a"])), (b"", np.array(["", "a"])),
                         ("", np.array(["", b"a"], dtype=object))]:
        ids = layers.Hashing(3, mask_value=mask)(values).numpy()
        assert ids[0] == 0 and ids[1] != 0
    # the bin of an unmasked string does not depend on str or bytes
    assert (layers.Hashing(5, mask_value="")(np.array([b"a"])).numpy()
            == layers.Hashing(5, mask_value="")(np.array(["a"])).numpy()).all()


@pytest.mark.parametrize("values,match", [
    (np.array([1.0, np.nan]), "finite numbers"),
    (np.array([1.0, -np.inf]), "finite numbers"),
    (np.array([None, "a"], dtype=object), "holding None"),
    (np.array([1, "a"], dtype=object), "mixing strings and numbers"),
    (np.array([1.0, float("nan")], dtype=object), "finite numbers"),
])
def test_hashing_value_errors_name_the_layer(values, match):
    with pytest.raises(ValueError, match=f"Layer 'hash' \\(Hashing\\).*{match}"):
        layers.Hashing(3, name="hash")(values)


def test_hashing_config_and_keras_file(tmp_path):
    layer = layers.Hashing(5, salt=3, mask_value="", name="hash")
    config = layer.get_config()
    assert config["salt"] == [3, 3] and config["mask_value"] == ""
    assert config["dtype"]["config"]["name"] == "int64"
    assert config["output_mode"] == "int" and config["sparse"] is False
    inputs = layers.Input(shape=(2,), dtype="string")
    outputs = layer(inputs)
    assert outputs.dtype == "int64"
    model = models.Model(inputs, outputs)
    x = np.array([["a", ""], ["b", "c"]])
    path = str(tmp_path / "hash.keras")
    model.save(path)
    loaded = saving.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.get_layer("hash").get_config() == config


# -- in shenjing.data pipelines -------------------------------------------------------------
def test_layers_in_dataset_map():
    x = np.arange(12.0).reshape(6, 2)
    disc = layers.Discretization(bin_boundaries=[3.0, 8.0])
    encode = layers.CategoryEncoding(3, output_mode="count")
    ds = data.Dataset.from_tensor_slices((x, np.arange(6))).batch(3).map(
        lambda a, b: (encode(disc(a)), b))
    (first, labels), (second, _) = list(ds)
    np.testing.assert_array_equal(first, [[2, 0, 0], [1, 1, 0], [0, 2, 0]])
    np.testing.assert_array_equal(second, [[0, 2, 0], [0, 0, 2], [0, 0, 2]])
    np.testing.assert_array_equal(labels, [0, 1, 2])
    words = data.Dataset.from_tensor_slices(np.array(["x", "y", "x"])).map(layers.Hashing(4))
    assert [int(v) for v in words] == [fingerprint64(s) % 4 for s in (b"x", b"y", b"x")]
