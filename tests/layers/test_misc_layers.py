"""Unit tests of the new core layers, constraints and BatchNormalization's renorm: values
against NumPy, gradients by gradcheck, bad arguments, masks, Lambda, saving."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import constraints, layers as L
from shenjing.keras import Input, Model, Sequential

R = np.random.default_rng(0)


def randn(*shape):
    return R.standard_normal(shape)


def test_permute_repeat_identity_values():
    x = randn(2, 3, 4)
    np.testing.assert_array_equal(L.Permute((2, 1))(x).numpy(), x.transpose(0, 2, 1).astype(np.float32))
    v = randn(2, 4)
    np.testing.assert_allclose(L.RepeatVector(3)(v).numpy(), np.repeat(v[:, None], 3, 1), rtol=1e-6)
    np.testing.assert_allclose(L.Identity()(x).numpy(), x, rtol=1e-6)


@pytest.mark.parametrize("layer, inputs", [
    (lambda: L.Permute((3, 1, 2), dtype="float64"), [randn(2, 2, 3, 4)]),
    (lambda: L.RepeatVector(2, dtype="float64"), [randn(2, 3)]),
    (lambda: L.GroupNormalization(2, dtype="float64"), [randn(2, 3, 4)]),
    (lambda: L.GroupNormalization(-1, axis=1, dtype="float64"), [randn(2, 3, 4)]),
    (lambda: L.UnitNormalization([1, 2], dtype="float64"), [randn(2, 3, 4)]),
    (lambda: L.RMSNormalization(dtype="float64"), [randn(2, 3, 4)]),
])
def test_layer_input_gradients(layer, inputs):
    instance = layer()
    assert sj.gradcheck(lambda *xs: instance(xs[0]), inputs)


@pytest.mark.parametrize("axes, shapes", [(1, [(2, 3), (2, 3)]), ((2, 1), [(2, 3, 4), (2, 4, 5)]),
                                          (-1, [(2, 3, 4), (2, 5, 4)]), ((1, 2), [(2, 3, 2), (2, 2, 3)])])
@pytest.mark.parametrize("normalize", [False, True])
def test_dot_against_einsum_and_gradients(axes, shapes, normalize):
    a, b = randn(*shapes[0]), randn(*shapes[1])
    layer = L.Dot(axes, normalize=normalize, dtype="float64")
    a1, a2 = (axes, axes) if isinstance(axes, int) else axes
    a1, a2 = a1 % a.ndim, a2 % b.ndim
    if normalize:
        a, b = (a / np.linalg.norm(a, axis=a1, keepdims=True), b / np.linalg.norm(b, axis=a2, keepdims=True))
    expected = np.stack([np.tensordot(a[i], b[i], axes=(a1 - 1, a2 - 1)) for i in range(2)])
    expected = expected.reshape(2, -1) if expected.ndim == 1 else expected
    np.testing.assert_allclose(layer([a, b]).numpy(), expected, rtol=1e-6, atol=1e-9)
    assert layer.compute_output_shape([a.shape, b.shape]) == expected.shape
    assert sj.gradcheck(lambda x, y: layer([x, y]), [randn(*shapes[0]), randn(*shapes[1])])


def test_group_normalization_against_numpy():
    x = randn(2, 5, 6)
    y = L.GroupNormalization(3, epsilon=1e-5)(x).numpy()
    g = x.reshape(2, 5, 3, 2)
    ref = ((g - g.mean(axis=(1, 3), keepdims=True)) / np.sqrt(g.var(axis=(1, 3), keepdims=True) + 1e-5))
    np.testing.assert_allclose(y, ref.reshape(2, 5, 6), rtol=1e-4, atol=1e-5)


def test_rms_and_unit_normalization_against_numpy():
    x = randn(2, 3, 4)
    np.testing.assert_allclose(L.RMSNormalization(epsilon=1e-6)(x).numpy(),
                               x / np.sqrt((x ** 2).mean(-1, keepdims=True) + 1e-6), rtol=1e-5)
    np.testing.assert_allclose(L.UnitNormalization()(x).numpy(),
                               x / np.linalg.norm(x, axis=-1, keepdims=True), rtol=1e-5)


def test_masking_output_and_mask():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [0.0, 3.0]]])
    layer = L.Masking(0.0)
    np.testing.assert_array_equal(layer.compute_mask(x).numpy(), [[True, False, True]])
    np.testing.assert_array_equal(layer(x).numpy(), x)
    layer = L.Masking(2.0)
    x2 = np.array([[[2.0, 2.0], [1.0, 2.0]]])
    np.testing.assert_array_equal(layer(x2).numpy(), [[[0.0, 0.0], [1.0, 2.0]]])


def test_masking_gradient_is_the_mask():
    x = np.where(randn(2, 3, 1) > 0, randn(2, 3, 4), 0.0)
    t = sj.Tensor(x, requires_grad=True)
    L.Masking(0.0, dtype="float64")(t).sum().backward()
    np.testing.assert_array_equal(t.grad, np.broadcast_to(np.any(x != 0, -1, keepdims=True), x.shape))


def test_activity_regularization_adds_its_loss():
    x = randn(4, 3).astype(np.float32)
    layer = L.ActivityRegularization(l1=0.1, l2=0.2)
    layer(x)
    expected = (0.1 * np.abs(x).sum() + 0.2 * (x ** 2).sum()) / 4
    np.testing.assert_allclose(float(layer.losses[0].numpy()), expected, rtol=1e-5)


def test_alpha_dropout_statistics_and_inference():
    x = R.standard_normal((500, 200)).astype(np.float32)
    y = L.AlphaDropout(0.2, seed=3)(x, training=True).numpy()
    assert abs(y.mean()) < 0.03 and abs(y.std() - 1) < 0.03
    np.testing.assert_array_equal(L.AlphaDropout(0.2)(x).numpy(), x)


@pytest.mark.parametrize("make, match", [
    (lambda: L.Permute((1, 3)), "consecutive"),
    (lambda: L.RepeatVector(0), "positive"),
    (lambda: L.RepeatVector(2.5), "integer"),
    (lambda: L.Dot((1, 2, 3)), "two elements"),
    (lambda: L.Dot("a"), "list or an int"),
    (lambda: L.GroupNormalization(0), "groups"),
    (lambda: L.UnitNormalization("x"), "axis"),
    (lambda: L.AlphaDropout(1.5), "rate"),
    (lambda: L.SpectralNormalization(L.Dense(2), power_iterations=0), "power_iterations"),
    (lambda: L.SpectralNormalization("dense"), "supported layer"),
    (lambda: L.BatchNormalization(renorm=True, renorm_clipping={"rmax": 1, "foo": 2}), "invalid keys"),
    (lambda: L.BatchNormalization(renorm=True, renorm_clipping={"rmax": 1, "rmin": 2}), "rmax"),
    (lambda: L.Lambda(3), "callable"),
])
def test_bad_arguments(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


@pytest.mark.parametrize("layer, shape, match", [
    (lambda: L.GroupNormalization(4), (2, 3, 6), "multiple"),
    (lambda: L.GroupNormalization(8), (2, 3, 6), "more than"),
    (lambda: L.Dot(1), [(2, 3), (2, 4)], "Incompatible"),
    (lambda: L.Dot(0), [(2, 3), (2, 3)], "batch axis"),
    (lambda: L.SpectralNormalization(L.Flatten()), (2, 3), "kernel"),
])
def test_bad_inputs(layer, shape, match):
    instance = layer()
    x = [np.ones(s) for s in shape] if isinstance(shape, list) else np.ones(shape)
    with pytest.raises(ValueError, match=match):
        instance(x)


def test_spectral_normalization_bounds_the_spectral_norm():
    layer = L.SpectralNormalization(L.Dense(4), power_iterations=20)
    x = randn(3, 5).astype(np.float32)
    layer(x)
    layer.layer.kernel.assign(layer.layer.kernel.numpy() * 10)
    layer(x, training=True)
    assert abs(np.linalg.svd(layer.layer.kernel.numpy(), compute_uv=False)[0] - 1) < 1e-3
    assert [w.name for w in layer.weights] == ["kernel", "vector_u", "bias"]  # Keras's order


def test_batch_normalization_renorm_weights_and_inference():
    layer = L.BatchNormalization(renorm=True)
    x = randn(8, 3).astype(np.float32) * 3 + 2
    layer(x, training=True)
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance",
                                               "moving_stddev", "renorm_mean", "renorm_stddev"]
    np.testing.assert_allclose(layer.moving_variance.numpy(),
                               np.maximum(layer.moving_stddev.numpy() ** 2 - layer.epsilon, 0), rtol=1e-5)
    # r = d = identity at the start (renorm stats at 0/1 differ from the batch's): output is finite
    assert np.all(np.isfinite(layer(x, training=True).numpy()))


def test_constraints_get_serialize_and_projection():
    assert isinstance(constraints.get("max_norm"), constraints.MaxNorm)
    assert isinstance(constraints.get("NonNeg"), constraints.NonNeg)
    assert constraints.get(None) is None
    c = constraints.MinMaxNorm(0.5, 2.0, rate=1.0, axis=0)
    again = constraints.deserialize(constraints.serialize(c))
    assert again.get_config() == c.get_config()
    w = randn(3, 4) * 5
    norms = np.linalg.norm(c(w).numpy(), axis=0)
    assert np.all((norms >= 0.5 - 1e-5) & (norms <= 2.0 + 1e-5))
    np.testing.assert_allclose(np.linalg.norm(constraints.UnitNorm()(w).numpy(), axis=0), 1, rtol=1e-5)
    assert np.all(constraints.NonNeg()(w).numpy() >= 0)
    assert sj.keras.constraints.max_norm is constraints.MaxNorm
    with pytest.raises(ValueError, match="Could not interpret"):
        constraints.get(3)
    with pytest.raises(ValueError, match="Unknown constraint"):
        constraints.get("maxnorm_typo")
    with pytest.raises(ValueError, match="min_value <= max_value"):
        constraints.MinMaxNorm(2.0, 1.0)


def test_optimizer_applies_constraints_after_each_step():
    layer = L.Dense(3, kernel_constraint=constraints.MaxNorm(0.1), bias_constraint="non_neg")
    x, y = randn(8, 4).astype(np.float32), randn(8, 3).astype(np.float32)
    model = Sequential([Input((4,)), layer])
    model.compile(optimizer=sj.keras.optimizers.SGD(1.0), loss="mse")
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert np.all(np.linalg.norm(layer.kernel.numpy(), axis=0) <= 0.1 + 1e-6)
    assert np.all(layer.bias.numpy() >= 0)
    assert layer.get_config()["kernel_constraint"]["class_name"] == "MaxNorm"


def test_lambda_in_memory_functional_and_refused_on_load(tmp_path):
    inputs = Input((3,))
    outputs = L.Lambda(lambda t, scale: t * scale, arguments={"scale": 3.0})(inputs)
    model = Model(inputs, outputs)
    x = randn(2, 3).astype(np.float32)
    np.testing.assert_allclose(model.predict(x, verbose=0), 3 * x, rtol=1e-6)
    path = tmp_path / "lambda.keras"
    model.save(path)
    with pytest.raises(ValueError, match="Lambda.*Python code.*register_keras_serializable"):
        sj.keras.models.load_model(path)
    with pytest.raises(ValueError, match="never runs code"):
        L.Lambda.from_config(model.layers[1].get_config())


def test_lambda_output_shape_mask_and_training_arguments():
    seen = {}

    def fn(x, training=None):
        seen["training"] = training
        return x[:, :2]

    layer = L.Lambda(fn, output_shape=(2,), mask=lambda inputs, mask: None)
    assert layer.compute_output_shape((None, 5)) == (None, 2)
    layer(np.ones((2, 5)), training=True)
    assert seen["training"] is True
    assert layer.compute_mask(np.ones((2, 5))) is None


def test_save_and_load_a_model_with_the_new_layers(tmp_path):
    inputs = Input((4, 6))
    x = L.Masking()(inputs)
    x = L.Permute((2, 1))(x)
    x = L.GroupNormalization(2)(x)
    x = L.SpectralNormalization(L.Dense(3, kernel_constraint="unit_norm"))(x)
    x = L.RMSNormalization()(x)
    y = L.Dot(axes=2, normalize=True)([x, x])
    y = L.BatchNormalization(renorm=True)(y)
    model = Model(inputs, y)
    data = R.random((3, 4, 6)).astype(np.float32)
    model(data, training=True)
    model.save(tmp_path / "m.keras")
    loaded = sj.keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0), rtol=1e-5)
    assert loaded.layers[4].layer.kernel_constraint.get_config() == {"axis": 0}
