"""CategoryEncoding, Discretization, Hashing and split_dataset against Keras 3.15 (JAX).

- CategoryEncoding and Discretization: values and dtypes on random data in every output mode,
  configs both ways, ``.keras`` files both ways (with adapted boundaries).
- Discretization's adapt: Keras's ``adapt`` needs TensorFlow for its ``tf.data`` check, so its
  boundaries come from the same steps it takes on an array (``reset_state``, ``update_state``,
  ``finalize_state``); ours must equal them, also when ours adapts on the array in batches
  (Keras's merge of per-batch summaries is biased; ours summarizes the held values at once).
- Hashing: Keras's layer refuses to be made without TensorFlow; its constructor and config
  need none, so they run with that check patched, which also lets Keras write a ``.keras``
  file holding a Hashing layer; the values are Keras's docstring examples (TF-computed).
- split_dataset: Keras's needs TensorFlow (``tf.data``) for arrays under the JAX backend; its
  size checks (``_rescale_dataset_split_sizes``) and its sample listing, shuffle and restore
  (``_convert_dataset_to_list``, ``random.seed`` + ``random.shuffle``,
  ``_restore_dataset_from_list``) are pure Python and are compared directly.
"""

import json
import random
import types

import numpy as np
import pytest

import shenjing as sj
from shenjing import layers as L
from shenjing import saving
from shenjing.keras import utils
from shenjing.utils.dataset_split import split_sizes

keras = pytest.importorskip("keras")
from keras.src.utils import dataset_utils  # noqa: E402


def _plain(config):
    return json.loads(json.dumps(config))


def _theirs(layer, x, **kwargs):
    return np.asarray(layer(x, **kwargs))


# -- CategoryEncoding ---------------------------------------------------------------------
ENCODING = [
    ({"num_tokens": 6, "output_mode": mode}, shape)
    for mode in ("one_hot", "multi_hot", "count")
    for shape in ((7,), (4, 5), (5, 1), ())
] + [({"num_tokens": 5, "output_mode": "count", "dtype": "int32"}, (3, 4)),
     ({"num_tokens": 3, "output_mode": "one_hot", "dtype": "float16"}, (4, 2))]  # JAX: no float64


@pytest.mark.parametrize("index", range(len(ENCODING)),
                         ids=[f"{c[0]['output_mode']}-{c[1]}" for c in ENCODING])
def test_category_encoding_values_and_config(index):
    kwargs, shape = ENCODING[index]
    x = np.random.default_rng(index).integers(0, kwargs["num_tokens"], size=shape)
    ours, theirs = L.CategoryEncoding(**kwargs), keras.layers.CategoryEncoding(**kwargs)
    expected = _theirs(theirs, x)
    got = ours(x).numpy()
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    ours_cfg, theirs_cfg = _plain(ours.get_config()), _plain(theirs.get_config())
    theirs_cfg["name"] = ours_cfg["name"]
    assert ours_cfg == theirs_cfg
    assert _plain(L.CategoryEncoding.from_config(theirs_cfg).get_config()) == theirs_cfg
    assert _plain(keras.layers.CategoryEncoding.from_config(ours_cfg).get_config()) == ours_cfg


@pytest.mark.parametrize("shape", [(6,), (3, 4)])
def test_category_encoding_count_weights(shape):
    rng = np.random.default_rng(1)
    x = rng.integers(0, 5, size=shape)
    weights = rng.random(shape)
    ours = L.CategoryEncoding(5, output_mode="count")(x, count_weights=weights)
    theirs = _theirs(keras.layers.CategoryEncoding(5, output_mode="count"), x, count_weights=weights)
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours.numpy(), theirs, rtol=1e-6)


@pytest.mark.parametrize("dtype", ["int32", "float16", "float32"])
def test_category_encoding_count_weights_in_the_layer_dtype(dtype):
    rng = np.random.default_rng(2)
    x = rng.integers(0, 5, size=(3, 4))
    weights = rng.random((3, 4)) * 3
    ours = L.CategoryEncoding(5, output_mode="count", dtype=dtype)(x, count_weights=weights)
    theirs = _theirs(keras.layers.CategoryEncoding(5, output_mode="count", dtype=dtype), x,
                     count_weights=weights)
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours.numpy().astype(float), theirs.astype(float), rtol=1e-3)


@pytest.mark.parametrize("mode", ["multi_hot", "count"])
def test_category_encoding_rank_3_shape(mode):
    # Keras's JAX backend gives (2, 2, 4) (its values count along axis -2, a bug; ours reduce
    # the last axis, as its TensorFlow backend's rank-2 contract does); the shapes agree
    x = np.array([[[0, 1], [3, 3]], [[2, 2], [1, 0]]])
    ours = L.CategoryEncoding(4, output_mode=mode)(x)
    theirs = _theirs(keras.layers.CategoryEncoding(4, output_mode=mode), x)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype


def test_encoding_layers_follow_floatx():
    # Keras keeps the global dtype policy it made first: set_floatx alone changes nothing later
    previous = keras.config.floatx(), sj.backend.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx("float16")
    keras.config.set_dtype_policy("float16")
    sj.backend.set_floatx("float16")
    try:
        x = np.array([[0, 1], [2, 3]])
        for make in (lambda api: api.layers.CategoryEncoding(4),
                     lambda api: api.layers.Discretization([0.5], output_mode="count")):
            ours, theirs = make(sj.keras)(x), _theirs(make(keras), x)
            assert ours.dtype == theirs.dtype == np.float16
            assert _plain(make(sj.keras).get_config())["dtype"] == \
                _plain(make(keras).get_config())["dtype"]
    finally:
        keras.config.set_floatx(previous[0])
        keras.config.set_dtype_policy(previous[2])
        sj.backend.set_floatx(previous[1])


# -- Discretization -----------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("shape", [(8,), (3, 5), (4, 1)])
def test_discretization_values(mode, shape):
    rng = np.random.default_rng(len(shape) + len(mode))
    bounds = np.sort(rng.normal(size=4)).tolist()
    x = rng.normal(size=shape).astype("float32")
    x.flat[0] = bounds[1]  # a value on a boundary goes to the bin it starts
    ours = L.Discretization(bin_boundaries=bounds, output_mode=mode)
    theirs = keras.layers.Discretization(bin_boundaries=bounds, output_mode=mode)
    got, expected = ours(x).numpy(), _theirs(theirs, x)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def _keras_adapted(batches, **kwargs):
    layer = keras.layers.Discretization(**kwargs)
    layer.reset_state()
    for batch in batches:
        layer.update_state(batch)
    layer.finalize_state()
    return layer


ADAPT = [
    ("normal-1000", lambda r: r.normal(size=1000), 1, {"num_bins": 5}),
    ("uniform-2d", lambda r: r.random((50, 7)), 1, {"num_bins": 8, "epsilon": 0.05}),
    ("ties", lambda r: r.integers(0, 4, 300).astype(float), 1, {"num_bins": 3}),
    ("few-values", lambda r: r.normal(size=6), 1, {"num_bins": 10}),
    ("batched-5", lambda r: r.exponential(size=(400, 2)), 5, {"num_bins": 4}),
    ("batched-13", lambda r: r.normal(size=(260, 3)), 13, {"num_bins": 6, "epsilon": 0.001}),
]


@pytest.mark.parametrize("index", range(len(ADAPT)), ids=[a[0] for a in ADAPT])
def test_discretization_adapt_boundaries_equal_keras(index):
    _, make, n_batches, kwargs = ADAPT[index]
    x = make(np.random.default_rng(index)).astype("float32")
    batches = np.array_split(x, n_batches)
    theirs = _keras_adapted([x], **kwargs)
    ours = L.Discretization(**kwargs)
    ours.adapt(x if n_batches == 1 else batches)
    assert ours.bin_boundaries == theirs.bin_boundaries
    np.testing.assert_array_equal(ours(x).numpy(), _theirs(theirs, x))
    ours_cfg, theirs_cfg = _plain(ours.get_config()), _plain(theirs.get_config())
    theirs_cfg["name"] = ours_cfg["name"]
    assert ours_cfg == theirs_cfg
    assert _plain(L.Discretization.from_config(theirs_cfg).get_config()) == theirs_cfg
    assert _plain(keras.layers.Discretization.from_config(ours_cfg).get_config()) == ours_cfg


@pytest.mark.parametrize("kwargs", [
    {"bin_boundaries": [0.1], "output_mode": "count", "dtype": "int32"},
    {"bin_boundaries": [0.1, -0.2], "output_mode": "one_hot", "dtype": "int32"},
    {"bin_boundaries": [1.0, 0.0, -1.0]},  # descending: np.digitize's order, as Keras
    {"bin_boundaries": [1.0, 0.0, -1.0], "output_mode": "multi_hot", "dtype": "float16"},
])
def test_discretization_integer_dtypes_and_descending_boundaries(kwargs, tmp_path):
    x = np.random.default_rng(3).normal(size=(4, 5)).astype("float32")
    ours, theirs = L.Discretization(**kwargs), keras.layers.Discretization(**kwargs)
    got, expected = ours(x).numpy(), _theirs(theirs, x)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
    ours_cfg, theirs_cfg = _plain(ours.get_config()), _plain(theirs.get_config())
    theirs_cfg["name"] = ours_cfg["name"]
    assert ours_cfg == theirs_cfg
    inputs = keras.Input((5,))
    model = keras.Model(inputs, theirs(inputs))
    model.save(tmp_path / "theirs.keras")
    loaded = saving.load_model(tmp_path / "theirs.keras")
    np.testing.assert_array_equal(np.asarray(loaded.predict(x, verbose=0)), expected)


def test_discretization_and_encoding_keras_file_loads_in_shenjing(tmp_path):
    x = np.random.default_rng(5).normal(size=(40, 3)).astype("float32")
    disc = _keras_adapted([x], num_bins=4, name="disc")
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.CategoryEncoding(4, output_mode="count")(disc(inputs)))
    path = tmp_path / "theirs.keras"
    model.save(path)
    loaded = saving.load_model(path)
    assert loaded.get_layer("disc").bin_boundaries == disc.bin_boundaries
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), np.asarray(model(x)))


def test_shenjing_file_loads_in_keras(tmp_path):
    x = np.random.default_rng(6).normal(size=(40, 2)).astype("float32")
    disc = L.Discretization(num_bins=3, output_mode="one_hot", name="disc")
    disc.adapt(x)
    inputs = L.Input((2,))
    hidden = disc(inputs)
    model = sj.keras.Model(inputs, hidden)
    path = tmp_path / "ours.keras"
    model.save(path)
    theirs = keras.saving.load_model(path)
    assert theirs.get_layer("disc").bin_boundaries == disc.bin_boundaries
    np.testing.assert_array_equal(np.asarray(theirs(x)), model(x).numpy())
    ints = np.random.default_rng(7).integers(0, 4, size=(5, 3))
    enc_in = L.Input((3,), dtype="int64")
    enc = sj.keras.Model(enc_in, L.CategoryEncoding(4, name="enc")(enc_in))
    enc.save(tmp_path / "enc.keras")
    theirs_enc = keras.saving.load_model(tmp_path / "enc.keras")
    np.testing.assert_array_equal(np.asarray(theirs_enc(ints)), enc(ints).numpy())


# -- Hashing (Keras's layer made without TensorFlow: only its constructor's check patched) ----
@pytest.fixture
def keras_hashing(monkeypatch):
    from keras.src.layers.preprocessing import hashing

    monkeypatch.setattr(hashing, "tf", types.SimpleNamespace(available=True))
    return keras.layers.Hashing


@pytest.mark.parametrize("kwargs", [
    {"num_bins": 3}, {"num_bins": 3, "salt": [133, 137]}, {"num_bins": 3, "salt": 133},
    {"num_bins": 4, "mask_value": "", "output_mode": "count"},
    {"num_bins": 5, "output_mode": "one_hot", "dtype": "float64"},
    {"num_bins": 5, "dtype": "int32"},
])
def test_hashing_config_both_ways(keras_hashing, kwargs):
    ours, theirs = L.Hashing(**kwargs, name="h"), keras_hashing(**kwargs, name="h")
    assert _plain(ours.get_config()) == _plain(theirs.get_config())
    assert _plain(L.Hashing.from_config(_plain(theirs.get_config())).get_config()) == \
        _plain(theirs.get_config())
    assert _plain(keras_hashing.from_config(_plain(ours.get_config())).get_config()) == \
        _plain(ours.get_config())


def test_keras_file_with_hashing_gives_keras_docstring_values(keras_hashing, tmp_path):
    inputs = keras.Input((1,), dtype="string")
    model = keras.Model(inputs, keras_hashing(3, salt=[133, 137], name="h")(inputs))
    path = tmp_path / "hash.keras"
    model.save(path)
    loaded = saving.load_model(path)
    y = loaded.predict(np.array([["A"], ["B"], ["C"], ["D"], ["E"]]), verbose=0)
    np.testing.assert_array_equal(y.ravel(), [1, 2, 1, 0, 2])  # Keras's documented output


# -- split_dataset ------------------------------------------------------------------------
SIZES = [(0.8, None), (None, 0.3), (3, None), (None, 4), (0.5, 0.2), (2, 3), (0.25, None),
         (0.35, 0.65), (1, 9), (0.05, None), (0, 3), (10, None), (1.0, None), (0.7, 0.5),
         (6, 5), (0.5, 7), ("a", None), (None, [1]), ("a", "b"), (0, 0), (-1, None), (None, None)]


@pytest.mark.parametrize("left,right", SIZES)
def test_split_sizes_and_errors_equal_keras(left, right):
    def outcome(fn):
        try:
            return fn(left, right, 10)
        except (TypeError, ValueError) as error:
            return type(error)

    if left is None and right is None:  # Keras checks this before computing sizes
        with pytest.raises(ValueError, match="At least one"):
            utils.split_dataset(np.zeros((10, 1)))
        return
    assert outcome(split_sizes) == outcome(dataset_utils._rescale_dataset_split_sizes)


def _keras_split(dataset, left, right, seed):
    kind = dataset_utils._get_type_spec(dataset)
    samples = dataset_utils._convert_dataset_to_list(dataset, kind)
    if seed is not None:
        state = random.getstate()
        random.seed(seed)
        random.shuffle(samples)
        random.setstate(state)
    left, right = dataset_utils._rescale_dataset_split_sizes(left, right, len(samples))
    return [dataset_utils._restore_dataset_from_list(part, kind, dataset)
            for part in (list(samples[:left]), list(samples[-right:]))]


def _stacked(ds):
    elements = list(ds)
    if isinstance(elements[0], tuple):
        return tuple(np.stack(column) for column in zip(*elements))
    return np.stack(elements)


@pytest.mark.parametrize("kind", ["array", "tuple", "list"])
@pytest.mark.parametrize("seed", [None, 3, 1234])
def test_split_contents_equal_keras(kind, seed):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(23, 3)), rng.integers(0, 5, 23)
    dataset = {"array": x, "tuple": (x, y), "list": [x, y]}[kind]
    expected = _keras_split(dataset, 0.6, 7, seed)
    got = utils.split_dataset(dataset, left_size=0.6, right_size=7, shuffle=seed is not None,
                              seed=seed)
    for ours, theirs in zip(got, expected):
        ours = _stacked(ours)
        if kind == "array":
            np.testing.assert_array_equal(ours, np.stack(theirs))
        else:
            assert isinstance(theirs, tuple) and len(ours) == len(theirs)
            for a, b in zip(ours, theirs):
                np.testing.assert_array_equal(a, b)
