"""The array-module seam: every op allocates and computes through ``backend.xp``.

The whole op gradient harness (tests/autograd/test_autograd_op_gradients.py and
tests/ops/test_ops_*_gradients.py: a case for every op that ``shenjing.ops`` exports) runs here with ``WrappedModule`` installed as
the array module: NumPy behind arrays of a type of their own. Every array that any op's
``forward`` or ``backward`` returns must be a ``WrappedArray`` (a direct ``np.zeros``
or ``np.array(list)`` in an op returns a plain ndarray), and a NumPy function called
directly on a ``WrappedArray`` raises (see wrapped_module.py). A CuPy backend is then
one module for ``backend.set_array_module`` and one set of kernels.
"""

import importlib.util
import pathlib
import sys

import numpy as np
import pytest

import shenjing as sj
from shenjing import backend, layers, metrics, ops, optimizers
from shenjing.autograd.function import Function
from shenjing.backend import kernels

from wrapped_module import DirectNumPyCall, WrappedArray, WrappedModule


def _load_cases():
    """The cases of every op gradient harness: the primitives' and each keras.ops family's
    (tests/ops/test_ops_*_gradients.py)."""
    tests = pathlib.Path(__file__).parents[1]
    paths = [tests / "autograd" / "test_autograd_op_gradients.py",
             *sorted((tests / "ops").glob("test_ops_*gradients.py"))]
    cases = []
    if str(tests) not in sys.path:  # the harness modules import tests/op_harness.py
        sys.path.insert(0, str(tests))
    for path in paths:
        spec = importlib.util.spec_from_file_location(f"_seam_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases += module.CASES
    return cases


CASES = _load_cases()


def _all_functions(cls=Function):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_functions(sub)


def _checked(cls, method, original):
    def run(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        for i, array in enumerate(result if isinstance(result, tuple) else (result,)):
            if array is not None and type(array) is not WrappedArray:
                raise AssertionError(f"{cls.__name__}.{method} returned a {type(array).__name__} "
                                     f"(output {i}), not an array of the array module")
        return result
    return run


@pytest.fixture
def wrapped(monkeypatch):
    """WrappedModule as the array module, and every op's forward and backward checked."""
    for cls in set(_all_functions()):
        for method in ("forward", "backward"):
            if method in vars(cls):
                monkeypatch.setattr(cls, method, _checked(cls, method, vars(cls)[method]))
    previous = backend.set_array_module(WrappedModule())
    try:
        yield
    finally:
        backend.set_array_module(previous)


@pytest.fixture(params=["compiled", "numpy"])
def kernel_switch(request):
    """Both positions of the kernels' switch: WrappedArrays must reach the array-module loops."""
    previous = kernels.set_enabled(request.param == "compiled")
    yield
    kernels.set_enabled(previous)


@pytest.mark.parametrize("fn, inputs, tolerance", CASES)
def test_every_op_gradient_case_runs_on_the_array_module(wrapped, kernel_switch, fn, inputs, tolerance):
    assert sj.gradcheck(fn, inputs, **tolerance)
    tensors = [sj.Tensor(np.asarray(a, dtype=np.float32), requires_grad=True)
               if np.asarray(a).dtype.kind == "f" else sj.Tensor(np.asarray(a)) for a in inputs]
    out = fn(*tensors)
    assert type(out.data) is WrappedArray
    (out * np.random.default_rng(0).standard_normal(out.shape)).sum().backward()
    for t in tensors:
        assert type(t.data) is WrappedArray
        if t.requires_grad:
            assert type(t.grad) is WrappedArray and t.grad.dtype == np.float32


def test_a_direct_numpy_allocation_in_an_op_fails_the_seam(wrapped, monkeypatch):
    """The proof that the check bites: an op that allocates with NumPy itself is caught."""
    from shenjing.autograd.ops import shape

    def backward_with_np_zeros(self, g):
        dx = np.zeros(self.shape, dtype=g.dtype)  # the mistake: not backend.xp.zeros
        dx[self.index] = g
        return dx

    monkeypatch.setattr(shape.GetItem, "backward", _checked(shape.GetItem, "backward", backward_with_np_zeros))
    x = sj.Variable(np.arange(6.0).reshape(2, 3))
    with pytest.raises(AssertionError, match="GetItem.backward returned a ndarray"):
        x[1:].sum().backward()


def test_a_direct_numpy_function_on_an_array_of_the_module_raises(wrapped):
    x = backend.xp.ones((2, 3))
    with pytest.raises(DirectNumPyCall, match="numpy.exp"):
        np.exp(x)
    with pytest.raises(DirectNumPyCall, match="numpy.where"):
        np.where(x > 0, x, 0)
    assert type(backend.xp.exp(x)) is WrappedArray and type(x + 1) is WrappedArray


def test_a_layer_and_an_optimizer_step_run_on_the_array_module(wrapped):
    backend.set_seed(0)
    model_layers = [layers.Conv2D(3, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
                    layers.Flatten(), layers.Dense(4)]
    x = sj.Tensor(np.random.default_rng(0).standard_normal((2, 6, 6, 1)).astype(np.float32))
    y = x
    for layer in model_layers:
        y = layer(y)
    assert type(y.data) is WrappedArray
    ops.sparse_softmax_cross_entropy(np.array([0, 3]), y).mean().backward()
    weights = [w for layer in model_layers for w in layer.trainable_weights]
    assert all(type(w.data) is WrappedArray and type(w.grad) is WrappedArray for w in weights)
    before = [backend.to_numpy(w.data).copy() for w in weights]
    optimizer = optimizers.Adam(learning_rate=0.1)
    optimizer.apply_gradients([(w.grad, w) for w in weights])
    for w, old in zip(weights, before):
        assert type(w.data) is WrappedArray
        assert not np.array_equal(backend.to_numpy(w.data), old)


_LAYER_CASES = [
    (lambda: layers.BatchNormalization(), (4, 3, 3, 2)),
    (lambda: layers.LayerNormalization(), (4, 5)),
    (lambda: layers.Dropout(0.5, seed=1), (4, 5)),
    (lambda: layers.SpatialDropout2D(0.5, seed=1), (2, 3, 3, 4)),
    (lambda: layers.GaussianNoise(0.3, seed=1), (4, 5)),
    (lambda: layers.GaussianDropout(0.3, seed=1), (4, 5)),
    (lambda: layers.Conv1D(2, 3, padding="same"), (2, 6, 3)),
    (lambda: layers.AveragePooling2D(2, strides=1, padding="same"), (2, 4, 4, 3)),
    (lambda: layers.GlobalMaxPooling2D(), (2, 4, 4, 3)),
    (lambda: layers.PReLU(), (4, 5)),
    (lambda: layers.Softmax(), (4, 5)),
    (lambda: layers.Reshape((5, 2, 1)), (2, 10)),
]


@pytest.mark.parametrize("make, shape", _LAYER_CASES)
def test_each_kind_of_layer_trains_on_the_array_module(wrapped, make, shape):
    layer = make()
    x = sj.Variable(np.random.default_rng(0).standard_normal(shape).astype(np.float32))
    y = layer(x, training=True)
    assert type(y.data) is WrappedArray
    (y * y).sum().backward()
    assert type(x.grad) is WrappedArray
    for w in layer.weights:
        assert type(w.data) is WrappedArray, w.name
        if w.trainable:
            assert type(w.grad) is WrappedArray, w.name


def test_embedding_and_merging_layers_on_the_array_module(wrapped):
    embedding = layers.Embedding(5, 3)
    out = embedding(np.array([[0, 4], [2, 2]]))
    a, b = sj.Variable(np.ones((2, 3), np.float32)), sj.Variable(np.full((2, 3), 2.0, np.float32))
    merged = [layers.Concatenate()([a, b]), layers.Add()([a, b]), layers.Maximum()([a, b]), layers.Average()([a, b])]
    total = out.sum() + sum(m.sum() for m in merged)
    total.backward()
    assert all(type(t.data) is WrappedArray for t in [out, *merged])
    assert type(embedding.weights[0].grad) is WrappedArray and type(a.grad) is WrappedArray


_OPTIMIZERS = [
    lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    lambda: optimizers.RMSprop(centered=True, momentum=0.5),
    lambda: optimizers.Adagrad(),
    lambda: optimizers.Adadelta(learning_rate=1.0),
    lambda: optimizers.Adamax(),
    lambda: optimizers.Nadam(),
    lambda: optimizers.AdamW(weight_decay=0.01),
    lambda: optimizers.Adam(amsgrad=True, clipnorm=0.5),
    lambda: optimizers.Adam(clipvalue=0.1, use_ema=True),
    lambda: optimizers.SGD(global_clipnorm=1.0, gradient_accumulation_steps=2),
]


@pytest.mark.parametrize("make", _OPTIMIZERS)
def test_each_optimizer_steps_on_the_array_module(make):
    """Two steps give the same weights on the wrapped module as on NumPy, slots in its arrays."""
    start = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    grads = [np.random.default_rng(i).standard_normal((3, 4)).astype(np.float32) for i in (1, 2)]
    finals = []
    for module in (None, WrappedModule()):
        previous = backend.set_array_module(module) if module is not None else None
        try:
            w = sj.Variable(start.copy())
            optimizer = make()
            for g in grads:
                optimizer.apply_gradients([(sj.Tensor(g), w)])
            if module is not None:
                assert type(w.data) is WrappedArray
                assert all(type(s) is WrappedArray for s in optimizer._slots[id(w)]), optimizer.name
            finals.append(backend.to_numpy(w.data).copy())
        finally:
            if previous is not None:
                backend.set_array_module(previous)
    np.testing.assert_allclose(finals[1], finals[0], rtol=1e-6, atol=1e-7)


def _metric_cases():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(4), 6).astype(np.float32)
    onehot = np.eye(4, dtype=np.float32)[[0, 1, 2, 3, 0, 1]]
    labels = np.array([0, 1, 2, 3, 0, 1])
    binary_true = np.array([[0, 1], [1, 1], [0, 0]], np.float32)
    binary_pred = np.array([[0.2, 0.7], [0.9, 0.4], [0.1, 0.6]], np.float32)
    values = rng.uniform(0.1, 2.0, (3, 4)).astype(np.float32)
    categorical = [metrics.CategoricalAccuracy(), metrics.CategoricalCrossentropy(),
                   metrics.TopKCategoricalAccuracy(k=2), metrics.CategoricalHinge(), metrics.KLDivergence()]
    sparse = [metrics.SparseCategoricalAccuracy(), metrics.SparseCategoricalCrossentropy(),
              metrics.SparseTopKCategoricalAccuracy(k=2)]
    binary = [metrics.Accuracy(), metrics.BinaryAccuracy(), metrics.BinaryCrossentropy(), metrics.Hinge(),
              metrics.SquaredHinge(), metrics.AUC(), metrics.AUC(multi_label=True), metrics.AUC(curve="PR"),
              metrics.Precision(), metrics.Recall(top_k=1), metrics.TruePositives(thresholds=[0.3, 0.6]),
              metrics.FalsePositives(), metrics.TrueNegatives(), metrics.FalseNegatives()]
    regression = [metrics.MeanSquaredError(), metrics.MeanAbsoluteError(), metrics.MeanAbsolutePercentageError(),
                  metrics.MeanSquaredLogarithmicError(), metrics.RootMeanSquaredError(),
                  metrics.CosineSimilarity(), metrics.LogCoshError(), metrics.Poisson()]
    return ([(m, onehot, probs) for m in categorical] + [(m, labels, probs) for m in sparse]
            + [(m, binary_true, binary_pred) for m in binary]
            + [(m, values, values[::-1].copy()) for m in regression])


def test_every_kind_of_metric_updates_on_the_array_module():
    """Each kind of metric gives the same result on the wrapped module as on NumPy, with its
    state in arrays of the module."""
    weights = np.linspace(0.5, 1.0, 6)
    expected = []
    for metric, y_true, y_pred in _metric_cases():  # reference values: NumPy as the array module
        metric.update_state(y_true, y_pred, sample_weight=weights[:len(y_true)])
        expected.append(np.asarray(metric.result()))
    previous = backend.set_array_module(WrappedModule())
    try:
        cases = _metric_cases()
        for (metric, y_true, y_pred), value in zip(cases, expected):
            metric.update_state(sj.Tensor(y_true), sj.Tensor(y_pred), sample_weight=weights[:len(y_true)])
            assert all(type(v) is WrappedArray for v in metric.variables), metric.name
            np.testing.assert_allclose(np.asarray(metric.result()), value, rtol=1e-6, err_msg=metric.name)
        for metric, total in ((metrics.Mean(), 7 / 3), (metrics.Sum(), 7.0)):
            metric.update_state(np.array([1.0, 2.0, 4.0]))
            assert type(metric.variables[0]) is WrappedArray and metric.result() == pytest.approx(total)
    finally:
        backend.set_array_module(previous)
