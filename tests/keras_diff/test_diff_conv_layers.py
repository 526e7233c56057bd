"""The convolution family against real Keras 3 (JAX): random configurations of every
convolution, pooling, upsampling, padding and cropping layer, with the same weights,
compared in outputs, in the gradients of sum(y * w) with respect to the input and every
weight (JAX's grad through ``stateless_call``), and in ``get_config`` key by key; then
``.keras`` files both ways for a model made of the new layers.
"""

import os

import numpy as np
import pytest

import shenjing
from shenjing import layers as sj_layers
import shenjing.keras  # noqa: F401  (registers the model classes, as a user's import does)
from shenjing import saving

keras = pytest.importorskip("keras")
jax = pytest.importorskip("jax")

# Random configurations per layer class: JAX's eager gradients make each one take about a second,
# so the suite runs 3; SHENJING_CONV_DIFF_CONFIGS=12 (say) runs more.
N_CONFIGS = int(os.environ.get("SHENJING_CONV_DIFF_CONFIGS", "3"))
_RESULTS = {"compared": 0, "mismatches": []}


def _spatial_kwargs(r, rank, transpose=False, depthwise=False):
    kw = dict(kernel_size=tuple(int(v) for v in r.integers(1, 4, rank)),
              padding=str(r.choice(["valid", "same"])),
              data_format=str(r.choice(["channels_last", "channels_first"])),
              use_bias=bool(r.random() < 0.8), activation=str(r.choice(["linear", "relu", "tanh"])))
    if r.random() < 0.5:
        kw["strides"] = tuple(int(v) for v in r.integers(1, 3, rank))
    elif r.random() < 0.5:
        kw["dilation_rate"] = tuple(int(v) for v in r.integers(1, 3, rank))
    if transpose and max(kw.get("strides", (1,))) > 1 and r.random() < 0.5:
        kw["output_padding"] = tuple(int(r.integers(0, s)) for s in kw["strides"])
    return kw


def _conv(rank, r):
    kw = _spatial_kwargs(r, rank)
    groups = int(r.integers(1, 3)) if rank < 3 else 1
    return dict(filters=2 * groups, groups=groups, **kw), groups * int(r.integers(1, 3))


def _make(name, r):
    """(layer class name, kwargs, spatial rank, input channels)."""
    rank = int(name[-2]) if name[-2].isdigit() else int(name[-1]) if name[-1].isdigit() else 1
    if name in ("Conv1D", "Conv2D", "Conv3D"):
        kwargs, channels = _conv(rank, r)
        return kwargs, rank, channels
    rank = {"Conv1DTranspose": 1, "Conv2DTranspose": 2, "Conv3DTranspose": 3}.get(name, rank)
    if name.endswith("Transpose"):
        return dict(filters=int(r.integers(1, 4)), **_spatial_kwargs(r, rank, transpose=True)), rank, int(r.integers(1, 4))
    if name.startswith("Depthwise"):
        return dict(depth_multiplier=int(r.integers(1, 3)), **_spatial_kwargs(r, rank)), rank, int(r.integers(1, 4))
    if name.startswith("Separable"):
        return dict(filters=int(r.integers(1, 4)), depth_multiplier=int(r.integers(1, 3)),
                    **_spatial_kwargs(r, rank)), rank, int(r.integers(1, 4))
    channels = int(r.integers(1, 4))
    fmt = str(r.choice(["channels_last", "channels_first"]))
    if "Pooling" in name and not name.startswith("Global"):
        kw = dict(pool_size=tuple(int(v) for v in r.integers(1, 4, rank)), padding=str(r.choice(["valid", "same"])),
                  data_format=fmt)
        if r.random() < 0.5:
            kw["strides"] = tuple(int(v) for v in r.integers(1, 3, rank))
        return kw, rank, channels
    if name.startswith("Global"):
        return dict(data_format=fmt, keepdims=bool(r.random() < 0.5)), rank, channels
    if name == "UpSampling1D":
        return dict(size=int(r.integers(1, 4))), 1, channels
    if name == "UpSampling2D":
        return dict(size=tuple(int(v) for v in r.integers(1, 4, 2)), data_format=fmt,
                    interpolation=str(r.choice(["nearest", "bilinear"]))), 2, channels
    if name == "UpSampling3D":
        return dict(size=tuple(int(v) for v in r.integers(1, 3, 3)), data_format=fmt), 3, channels
    pairs = tuple(tuple(int(v) for v in r.integers(0, 2, 2)) for _ in range(rank))
    if name == "Cropping1D":
        return dict(cropping=pairs[0]), 1, channels
    key = "padding" if name.startswith("ZeroPadding") else "cropping"
    return {key: pairs[0] if rank == 1 else pairs, "data_format": fmt}, rank, channels


NAMES = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
         "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D",
         "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
         "AveragePooling3D", "GlobalMaxPooling3D", "GlobalAveragePooling3D", "GlobalMaxPooling2D",
         "GlobalAveragePooling1D", "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D",
         "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D"]


def _input_shape(r, kwargs, rank, channels):
    spatial = tuple(int(v) for v in r.integers(4, 7 if rank < 3 else 6, rank))
    if kwargs.get("data_format") == "channels_first":
        return (2, channels) + spatial
    return (2,) + spatial + (channels,)


def _normalize(value):
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalize(v) for v in value]
    return value


def _config_differences(ours, theirs):
    """Keys or values that differ; initializer configs are compared by class (their
    input_axes/output_axes keys belong to the initializers' part of the issue)."""
    diffs = []
    for key in sorted(set(ours) | set(theirs)):
        if key in ("name", "dtype"):
            continue
        a, b = _normalize(ours.get(key, "<missing>")), _normalize(theirs.get(key, "<missing>"))
        if key.endswith("_initializer") and isinstance(a, dict) and isinstance(b, dict):
            a, b = a.get("class_name"), b.get("class_name")
        if a != b:
            diffs.append(f"{key}: ours={a!r} keras={b!r}")
    return diffs


def _without_initializer_axes(config):
    """Keras 3.15's VarianceScaling configs carry input_axes/output_axes, which the initializers'
    part of issue 9 adds to shenjing; until then they are dropped before from_config."""
    config = dict(config)
    for key, value in config.items():
        if key.endswith("_initializer") and isinstance(value, dict):
            inner = {k: v for k, v in value.get("config", {}).items() if k not in ("input_axes", "output_axes")}
            config[key] = {**value, "config": inner}
    return config


def _keras_grads(layer, x, w):
    import jax.numpy as jnp
    trainable = [v.value for v in layer.trainable_variables]
    non_trainable = [v.value for v in layer.non_trainable_variables]

    def loss(trainable, x):
        y, _ = layer.stateless_call(trainable, non_trainable, x)
        return jnp.sum(y * w)

    gw, gx = jax.grad(loss, argnums=(0, 1))(trainable, jnp.asarray(x))
    return np.asarray(gx), [np.asarray(g) for g in gw]


def _compare_one(name, seed):
    r = np.random.default_rng(seed)
    kwargs, rank, channels = _make(name, r)
    shape = _input_shape(r, kwargs, rank, channels)
    x = r.standard_normal(shape).astype("float32")
    theirs = getattr(keras.layers, name)(**kwargs)
    try:
        y_keras = np.asarray(theirs(x))
    except ValueError:  # a window larger than the input: shenjing must refuse it too
        with pytest.raises(ValueError):
            getattr(sj_layers, name)(**kwargs)(shenjing.Tensor(x))
        return []
    ours = getattr(sj_layers, name)(**kwargs)
    ours.build(shape)
    keras_weights = [np.asarray(v.numpy()) for v in theirs.weights]
    assert [tuple(v.shape) for v in ours.weights] == [w.shape for w in keras_weights], name
    ours.set_weights(keras_weights)
    xt = shenjing.Tensor(x, requires_grad=True)
    y = ours(xt)
    problems = []
    if y.shape != y_keras.shape or not np.allclose(y.numpy(), y_keras, atol=1e-4, rtol=1e-4):
        problems.append(f"outputs differ (shapes {y.shape} vs {y_keras.shape})")
    else:
        w = r.standard_normal(y_keras.shape).astype("float32")
        (y * shenjing.Tensor(w)).sum().backward()
        gx_keras, gw_keras = _keras_grads(theirs, x, w)
        if not np.allclose(xt.grad, gx_keras, atol=1e-4, rtol=1e-3):
            problems.append("input gradient differs")
        for v, g in zip(ours.trainable_weights, gw_keras):
            if not np.allclose(v.grad, g, atol=1e-4, rtol=1e-3):
                problems.append(f"gradient of {v.name} differs")
    problems += _config_differences(ours.get_config(), theirs.get_config())
    twin = type(ours).from_config(_without_initializer_axes(theirs.get_config()))
    problems += [f"from_config(keras config): {d}" for d in _config_differences(twin.get_config(), theirs.get_config())]
    return [f"{name} seed={seed} {kwargs} input={shape}: {p}" for p in problems]


@pytest.mark.parametrize("name", NAMES)
def test_layer_matches_keras_on_random_configurations(name):
    problems = []
    for seed in range(N_CONFIGS):
        problems += _compare_one(name, 1000 * NAMES.index(name) + seed)
        _RESULTS["compared"] += 1
    _RESULTS["mismatches"] += problems
    assert not problems, "\n".join(problems)


def test_report_counts():
    """Printed with -s: how many configurations were compared and how many differed."""
    print(f"\nconv family vs Keras: {_RESULTS['compared']} configurations, "
          f"{len(_RESULTS['mismatches'])} mismatches")


def _keras_model():
    """Every kernel starts from RandomNormal, whose config is the same in both (Keras 3.15's
    GlorotUniform config carries input_axes, another part of issue 9)."""
    L = keras.layers
    init = dict(kernel_initializer=keras.initializers.RandomNormal(stddev=0.3, seed=1),
                bias_initializer=keras.initializers.RandomNormal(seed=2))
    sep = dict(depthwise_initializer=keras.initializers.RandomNormal(stddev=0.3, seed=3),
               pointwise_initializer=keras.initializers.RandomNormal(stddev=0.3, seed=4),
               bias_initializer=keras.initializers.RandomNormal(seed=5))
    return keras.Sequential([
        keras.Input((6, 6, 3)), L.ZeroPadding2D(1), L.Conv2D(4, 3, groups=1, padding="same", **init),
        L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", depthwise_initializer=sep["depthwise_initializer"],
                          bias_initializer=sep["bias_initializer"]),
        L.SeparableConv2D(4, 3, padding="same", **sep),
        L.Conv2D(4, 3, groups=2, data_format="channels_first", padding="same", **init),
        L.Conv2DTranspose(3, 4, strides=2, padding="same", **init), L.UpSampling2D(2, interpolation="bilinear"),
        L.Cropping2D(((1, 2), (2, 1))), L.MaxPooling2D(2), L.Reshape((6, 14, 3, 1)),
        L.Conv3D(2, 2, padding="same", **init), L.Conv3DTranspose(2, 2, strides=(1, 1, 2), **init),
        L.MaxPooling3D(2),
        L.UpSampling3D(2), L.ZeroPadding3D(1), L.Cropping3D(1), L.AveragePooling3D(2, padding="same"),
        L.GlobalAveragePooling3D()])


def _shenjing_model():
    L = shenjing.keras.layers
    return shenjing.keras.Sequential([
        shenjing.keras.Input((12, 4)), L.Conv1D(4, 3, groups=2, padding="causal"),
        L.DepthwiseConv1D(3, depth_multiplier=2), L.SeparableConv1D(3, 2, data_format="channels_first"),
        L.Conv1DTranspose(4, 3, strides=2, output_padding=1), L.UpSampling1D(2), L.ZeroPadding1D((1, 2)),
        L.Cropping1D((2, 1)), L.MaxPooling1D(2, data_format="channels_first"), L.GlobalMaxPooling1D()])


def test_keras_model_file_loads_in_shenjing(tmp_path):
    model = _keras_model()
    x = np.random.default_rng(0).standard_normal((3, 6, 6, 3)).astype("float32")
    model.save(tmp_path / "conv.keras")
    loaded = saving.load_model(tmp_path / "conv.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-5)


def test_shenjing_model_file_loads_in_keras(tmp_path):
    model = _shenjing_model()
    x = np.random.default_rng(1).standard_normal((3, 12, 4)).astype("float32")
    model.save(tmp_path / "conv.keras")
    loaded = keras.saving.load_model(tmp_path / "conv.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-5)
