"""Issue 10, findings 3 and 9: fit/evaluate/predict never return a silent 0.0 loss or a raw
NumPy/Python error for bad arguments or empty data; each error says what was expected and
what came (Keras's "Expected ... Received: ..." wording)."""

import re
import warnings

import numpy as np
import pytest

import shenjing
from shenjing import callbacks, layers
from shenjing.models import Model, Sequential
from shenjing.utils.py_dataset import PyDataset


X = np.random.default_rng(0).random((10, 4)).astype("float32")
Y = np.arange(10) % 3


def model(metrics=None):
    m = Sequential([layers.Input((4,)), layers.Dense(3, activation="softmax")])
    m.compile("sgd", "sparse_categorical_crossentropy", metrics=metrics)
    return m


def raises(match, fn):
    with pytest.raises(ValueError, match=match):
        fn()


# -- Finding 3: zero samples, zero steps, validation_freq=0 ------------------------------------
@pytest.mark.parametrize("call", [
    lambda m: m.fit(X[:0], Y[:0], verbose=0),
    lambda m: m.evaluate(X[:0], Y[:0], verbose=0),
    lambda m: m.predict(X[:0], verbose=0),
    lambda m: m.fit(shenjing.constant(X[:0]), Y[:0], verbose=0),
])
def test_zero_samples_raise_instead_of_a_zero_loss(call):
    raises(r"expected at least one sample\. Received: x with 0 samples", lambda: call(model()))


@pytest.mark.parametrize("name, call", [
    ("steps_per_epoch", lambda m: m.fit(X, Y, steps_per_epoch=0, verbose=0)),
    ("steps_per_epoch", lambda m: m.fit(X, Y, steps_per_epoch=-1, verbose=0)),
    ("steps", lambda m: m.evaluate(X, Y, steps=0, verbose=0)),
    ("steps", lambda m: m.predict(X, steps=0, verbose=0)),
    ("validation_steps", lambda m: m.fit(X, Y, validation_data=(X, Y), validation_steps=0, verbose=0)),
    ("batch_size", lambda m: m.fit(X, Y, batch_size=0, verbose=0)),
    ("batch_size", lambda m: m.fit(X, Y, batch_size=-3, verbose=0)),
    ("batch_size", lambda m: m.fit(X, Y, batch_size=2.5, verbose=0)),
    ("batch_size", lambda m: m.fit(X, Y, batch_size="8", verbose=0)),
    ("batch_size", lambda m: m.evaluate(X, Y, batch_size=0, verbose=0)),
    ("batch_size", lambda m: m.predict(X, batch_size=0, verbose=0)),
    ("validation_batch_size", lambda m: m.fit(X, Y, validation_data=(X, Y), validation_batch_size=0, verbose=0)),
])
def test_zero_negative_or_fractional_counts_are_refused(name, call):
    raises(rf"Expected `{name}` to be a positive integer or None\. Received: {name}=", lambda: call(model()))


def test_an_integral_float_batch_size_is_accepted():
    history = model().fit(X, Y, batch_size=4.0, verbose=0)
    assert len(history.history["loss"]) == 1 and np.isfinite(history.history["loss"][0])


@pytest.mark.parametrize("freq", [0, -1, 1.5, [0, 2], [1, "2"], "2", True])
def test_validation_freq_must_be_positive(freq):
    raises(r"Expected `validation_freq` to be a positive integer or a list",
           lambda: model().fit(X, Y, validation_split=0.2, validation_freq=freq, verbose=0))


def test_validation_freq_list_selects_epochs():
    history = model().fit(X, Y, epochs=3, validation_split=0.2, validation_freq=[2], verbose=0)
    assert len(history.history["loss"]) == 3 and len(history.history["val_loss"]) == 1


@pytest.mark.parametrize("name, kwargs", [
    ("epochs", {"epochs": -1}),
    ("epochs", {"epochs": 1.5}),
    ("epochs", {"epochs": "2"}),
    ("epochs", {"epochs": None}),
    ("initial_epoch", {"initial_epoch": -1}),
    ("initial_epoch", {"initial_epoch": 0.5}),
])
def test_epochs_and_initial_epoch_must_be_non_negative_integers(name, kwargs):
    raises(rf"Expected `{name}` to be a non-negative integer\. Received: {name}=",
           lambda: model().fit(X, Y, verbose=0, **kwargs))


def test_initial_epoch_past_epochs_is_refused():
    raises(r"Expected `initial_epoch` <= `epochs`.*Received: initial_epoch=3, epochs=2",
           lambda: model().fit(X, Y, epochs=2, initial_epoch=3, verbose=0))


def test_epochs_zero_and_initial_epoch_equal_to_epochs_train_nothing_as_in_keras():
    m = model()
    before = [w.copy() for w in m.get_weights()]
    assert model().fit(X, Y, epochs=0, verbose=0).history == {}
    assert m.fit(X, Y, epochs=np.int64(2), initial_epoch=2, verbose=0).history == {}
    assert all(np.array_equal(a, b) for a, b in zip(before, m.get_weights()))


@pytest.mark.parametrize("split", [1.5, -0.1, 1, 1.0, float("nan"), "0.2", True])
def test_validation_split_outside_0_1_is_refused(split):
    raises(r"Expected `validation_split` to be a float in \[0, 1\).*Received: validation_split=",
           lambda: model().fit(X, Y, validation_split=split, verbose=0))


@pytest.mark.parametrize("split", [1e-17, 0.95])
def test_validation_split_that_leaves_an_empty_side_is_refused(split):
    raises(r"leaves no samples for training or for validation \(number of samples: 10\)",
           lambda: model().fit(X, Y, validation_split=split, verbose=0))


def test_validation_data_of_zero_samples_is_refused():
    raises(r"fit \(validation_data\): expected at least one sample",
           lambda: model().fit(X, Y, validation_data=(X[:0], Y[:0]), verbose=0))


@pytest.mark.parametrize("bad", [5, "val.npz", 2.0])
def test_validation_data_of_a_wrong_type_is_refused(bad):
    raises(r"Expected `validation_data` to be a tuple \(x_val, y_val\).*Received: validation_data=",
           lambda: model().fit(X, Y, validation_data=bad, verbose=0))


def test_x_and_y_of_different_lengths():
    raises(r"same number of samples; received x: 10, y: 9", lambda: model().fit(X, Y[:9], verbose=0))


def test_sample_weight_of_the_wrong_length():
    raises(r"received x: 10, y: 10, sample_weight: 9",
           lambda: model().fit(X, Y, sample_weight=np.ones(9), verbose=0))


@pytest.mark.parametrize("method", ["train_on_batch", "test_on_batch"])
def test_on_batch_with_zero_samples_or_no_x(method):
    raises(rf"{method}: expected at least one sample", lambda: getattr(model(), method)(X[:0], Y[:0]))
    raises(rf"{method}: no data given\. Expected x to be .*Received: x=None", lambda: getattr(model(), method)(None, Y))


def test_predict_on_batch_checks_x_but_allows_zero_samples_as_keras():
    raises(r"predict_on_batch: no data given.*Received: x=None", lambda: model().predict_on_batch(None))
    raises(r"predict_on_batch: expected `x` to hold numbers", lambda: model().predict_on_batch(np.array([["a"] * 4])))
    assert model().predict_on_batch(X[:0]).shape == (0, 3)


def test_verbose_and_a_positional_y_in_predict():
    raises(r"Expected `verbose` to be 'auto', 0, 1 or 2\. Received: verbose='loud'",
           lambda: model().fit(X, Y, verbose="loud"))
    # predict(x, y) puts y in batch_size: the message says so, briefly.
    raises(r"Expected `batch_size` to be a positive integer or None\. Received: batch_size=array\(\[0, 1",
           lambda: model().predict(X, Y, verbose=0))


# -- empty generators, datasets, PyDatasets, and empty batches ---------------------------------
def _empty_generator():
    return
    yield


class _EmptyBatches(PyDataset):
    def __len__(self):
        return 2

    def __getitem__(self, index):
        return X[:0], Y[:0]


class _NoBatches(PyDataset):
    def __len__(self):
        return 0

    def __getitem__(self, index):
        return X, Y


def test_a_generator_yielding_nothing():
    raises(r"Expected the generator to yield at least one batch", lambda: model().fit(_empty_generator(), verbose=0))


def test_a_generator_yielding_none():
    raises(r"Expected the generator to yield x, \(x, y\).*Received: None as its first batch",
           lambda: model().fit((None for _ in range(2)), verbose=0))


def test_a_dataset_with_zero_batches():
    data = shenjing.data.Dataset.from_tensor_slices((X, Y))
    raises(r"Expected a dataset with at least one batch", lambda: model().fit(data.take(0).batch(2), verbose=0))
    # Of unknown length (a filter): found when the first epoch yields nothing.
    empty = data.filter(lambda a, b: False).batch(2)
    raises(r"fit: the data yielded no batch", lambda: model().fit(empty, verbose=0))
    raises(r"evaluate: the data yielded no batch", lambda: model().evaluate(empty, verbose=0))
    raises(r"predict: the data yielded no batch", lambda: model().predict(data.filter(lambda a, b: False)
                                                                           .map(lambda a, b: a).batch(2), verbose=0))


def test_a_pydataset_of_length_zero():
    raises(r"Expected a PyDataset with at least one batch", lambda: model().fit(_NoBatches(), verbose=0))


@pytest.mark.parametrize("where, call", [
    ("fit", lambda m: m.fit(((X[:0], Y[:0]) for _ in range(3)), verbose=0)),
    ("evaluate", lambda m: m.evaluate(((X[:0], Y[:0]) for _ in range(3)), verbose=0)),
    ("predict", lambda m: m.predict((X[:0] for _ in range(3)), verbose=0)),
    ("fit", lambda m: m.fit(_EmptyBatches(), verbose=0)),
    ("fit", lambda m: m.fit(shenjing.data.Dataset.from_tensor_slices((X, Y)).batch(20)
                            .map(lambda a, b: (a[:0], b[:0])), verbose=0)),
    (r"fit \(validation_data\)", lambda m: m.fit(X, Y, validation_data=((X[:0], Y[:0]) for _ in range(2)),
                                                 verbose=0)),
])
def test_a_batch_of_zero_samples_is_refused_not_averaged_to_nothing(where, call):
    raises(rf"{where}: expected every batch to hold at least one sample\. Received: batch 0 of the epoch "
           r"with x of shape \(0, 4\)", lambda: call(model()))


# -- class_weight --------------------------------------------------------------------------------
@pytest.mark.parametrize("weights, received", [
    ({0: -1.0, 1: 1.0, 2: 1.0}, r"class_weight\[0\]=-1\.0"),
    ({0: float("nan"), 1: 1.0, 2: 1.0}, r"class_weight\[0\]=nan"),
    ({0: float("inf"), 1: 1.0, 2: 1.0}, r"class_weight\[0\]=inf"),
    ({0: "heavy", 1: 1.0, 2: 1.0}, r"class_weight\[0\]='heavy'"),
    ({"a": 1.0, 1: 1.0, 2: 1.0}, r"the key 'a'"),
    ({-1: 1.0, 1: 1.0, 2: 1.0}, r"the key -1"),
    ({0.5: 1.0, 1: 1.0, 2: 1.0}, r"the key 0\.5"),
    ([1.0, 1.0, 1.0], r"class_weight=\[1\.0, 1\.0, 1\.0\] \(of type list\)"),
])
def test_class_weight_must_map_class_indices_to_non_negative_weights(weights, received):
    match = r"Expected `class_weight` to be a dict \{class index \(int >= 0\): weight.*Received: " + received
    raises(match, lambda: model().fit(X, Y, class_weight=weights, verbose=0))
    # Checked before the first batch for data that yields its own batches too.
    raises(match, lambda: model().fit(((X, Y) for _ in range(2)), class_weight=weights, verbose=0))


def test_class_weight_missing_a_class_weighs_one_as_in_keras():
    from shenjing.models.data_adapters.array_utils import class_weights_to_sample_weights

    y = np.array([0, 1, 2, 7, 9])
    weights = class_weights_to_sample_weights(y, {0: 3.0, 7: 2.0})
    np.testing.assert_allclose(weights, [3.0, 1.0, 1.0, 2.0, 1.0])
    history = model().fit(X, Y, class_weight={1: 5.0}, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_class_weight_for_a_class_that_one_hot_y_does_not_have():
    m = Sequential([layers.Input((4,)), layers.Dense(3, activation="softmax")])
    m.compile("sgd", "categorical_crossentropy")
    one_hot = np.eye(3, dtype="float32")[Y]
    # As Keras 3 (class_weight.get(label, 1.0)): a weight for a class y never has is unused.
    history = m.fit(X, one_hot, class_weight={0: 1.0, 1: 1.0, 2: 1.0, 5: 3.0}, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert np.isfinite(m.fit(X, one_hot, class_weight={0: 1.0, 1: 2.0, 2: 1.0}, verbose=0).history["loss"][0])


def test_class_weight_rounds_float_labels_as_keras():
    from shenjing.models.data_adapters.array_utils import class_weights_to_sample_weights

    labels = np.array([[0.0], [0.9999], [1.0]], dtype="float32")
    np.testing.assert_allclose(class_weights_to_sample_weights(labels, {0: 1.0, 1: 5.0}), [1.0, 5.0, 5.0])


# -- Finding 9: what x is --------------------------------------------------------------------------
@pytest.mark.parametrize("where, call", [
    ("fit", lambda m: m.fit(None, Y, verbose=0)),
    ("fit", lambda m: m.fit(verbose=0)),
    ("evaluate", lambda m: m.evaluate(None, Y, verbose=0)),
    ("predict", lambda m: m.predict(None, verbose=0)),
])
def test_x_none_says_what_was_expected(where, call):
    raises(rf"{where}: no data given\. Expected x to be NumPy arrays.*Received: x=None", lambda: call(model()))


def test_x_a_string_or_an_empty_list():
    raises(r"fit: unrecognized data type\. Expected x to be.*Received: x='digits.npz' \(of type str\)",
           lambda: model().fit("digits.npz", Y, verbose=0))
    raises(r"fit: no data given\. Expected x to be.*Received: x=\[\] \(empty\)",
           lambda: _functional().fit([], [], verbose=0))


def _functional():
    inp = layers.Input((4,), name="features")
    m = Model(inp, layers.Dense(3, activation="softmax")(inp))
    m.compile("sgd", "sparse_categorical_crossentropy")
    return m


def test_x_a_dict_for_a_sequential_model_names_the_expected_input():
    raises(r"fit: Sequential model .* takes one input array of shape \(None, 4\) \(or a dict \{.*: array\}\)\. "
           r"Received: x=a dict with keys \['foo'\]", lambda: model().fit({"foo": X}, Y, verbose=0))
    raises(r"predict: Sequential model .* Received: x=a list of 2 arrays", lambda: model().predict([X, X], verbose=0))


def test_x_a_dict_with_wrong_keys_for_a_functional_model():
    raises(r"expects inputs named \['features'\]; received keys \['foo'\]",
           lambda: _functional().fit({"foo": X}, Y, verbose=0))
    assert np.isfinite(_functional().fit({"features": X}, Y, verbose=0).history["loss"][0])


def test_y_none_with_a_loss_that_needs_targets():
    raises(r"compiled with loss='sparse_categorical_crossentropy', which needs targets, but y is None",
           lambda: model().fit(X, None, verbose=0))


def test_ragged_python_lists():
    raises(r"fit: expected `x` to be a rectangular array.*Received: x=\[\[1, 2, 3, 4\], \[1, 2\]\], a nested list "
           r"whose rows have different lengths", lambda: model().fit([[1, 2, 3, 4], [1, 2]], [0, 1], verbose=0))
    raises(r"train_on_batch: expected `y` to be a rectangular array",
           lambda: model().train_on_batch(X[:2], [[0, 1], [1]]))


@pytest.mark.parametrize("bad, dtype", [
    (np.array([[1, 2, 3, 4], "ab"], dtype=object), "object"),
    (np.array([["a"] * 4] * 10), "<U1"),
    (np.array([[b"a"] * 4] * 10), "|S1"),
    (np.ones((10, 4), dtype=complex), "complex128"),
])
def test_object_or_string_arrays(bad, dtype):
    raises(rf"fit: expected `x` to hold numbers \(a bool, integer or float array\)\. Received: x of dtype "
           rf"{re.escape(dtype)}", lambda: model().fit(bad, Y[:len(bad)], verbose=0))


def test_string_labels_name_y():
    raises(r"fit: expected `y` to hold numbers.*Received: y of dtype <U1",
           lambda: model().fit(X, np.array(["cat"] * 10).astype("<U1"), verbose=0))


def test_nan_inputs_are_refused_unless_the_model_allows_them():
    # Issue 13 part 5 (tests/models/test_fit_nan_inputs.py): a NaN in x is a ValueError before
    # the first step; model.allow_nan_inputs = True keeps Keras's behaviour (a NaN loss).
    raises(r"fit: expected the input x to have no missing values", lambda: model().fit(
        np.full((10, 4), np.nan, dtype="float32"), Y, verbose=0))
    m = model()
    m.allow_nan_inputs = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = m.fit(np.full((10, 4), np.nan, dtype="float32"), Y, verbose=0)
    assert np.isnan(history.history["loss"][0])


@pytest.mark.parametrize("bad", [np.zeros((10, 5), "float32"), np.zeros((10, 4, 3), "float32")])
def test_x_of_the_wrong_shape_names_the_model_and_both_shapes(bad):
    for where, call in (("fit", lambda m: m.fit(bad, Y, verbose=0)), ("predict", lambda m: m.predict(bad, verbose=0))):
        raises(rf'{where}: Input 0 of model "sequential.*" is incompatible with the model: expected shape=\(None, 4\), '
               rf"found shape={re.escape(str(bad.shape))}", lambda: call(model()))


def test_a_model_without_declared_input_shape_leaves_it_to_the_layer():
    m = Sequential([layers.Dense(3, activation="softmax")])
    m.compile("sgd", "sparse_categorical_crossentropy")
    m.fit(X, Y, verbose=0)  # built on (None, 4) by the first batch
    raises(r'layer "dense.*expected axis -1 of input shape to have value 4, but received input with shape \(10, 5\)',
           lambda: m.predict(np.zeros((10, 5), "float32"), verbose=0))


# -- callbacks -------------------------------------------------------------------------------------
def test_callbacks_not_a_list():
    with pytest.raises(TypeError, match=r"Expected `callbacks` to be a list of keras\.callbacks\.Callback "
                                        r"instances\. Received: callbacks=5 \(of type int\)"):
        model().fit(X, Y, callbacks=5, verbose=0)
    with pytest.raises(TypeError, match=r"Received: callbacks\[1\]='stop' \(of type str\)"):
        model().fit(X, Y, callbacks=[callbacks.History(), "stop"], verbose=0)


def test_one_callback_outside_a_list_is_accepted_as_in_keras():
    stop = callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=1e9)
    history = model().fit(X, Y, epochs=5, callbacks=stop, verbose=0)
    assert len(history.history["loss"]) == 2  # the first epoch sets the best; the second stops


# -- NaN under check_numerics, and TerminateOnNaN (issue 10, finding 10) -----------------------------
def _nan_model():
    """A model that takes NaN inputs (else fit/evaluate refuse them first: test_fit_nan_inputs.py)."""
    m = model()
    m.allow_nan_inputs = True
    return m


def _with_nan_row(row=5):
    bad = X.copy()
    bad[row, 1] = np.nan
    return bad


@pytest.mark.parametrize("where, call", [
    (r"fit: epoch 1/2, batch 1", lambda m, bad: m.fit(bad, Y, batch_size=4, epochs=2, shuffle=False, verbose=0)),
    (r"evaluate: batch 1", lambda m, bad: m.evaluate(bad, Y, batch_size=4, verbose=0)),
    (r"predict: batch 1", lambda m, bad: m.predict(bad, batch_size=4, verbose=0)),
    (r"fit \(validation\): batch 1", lambda m, bad: m.fit(X, Y, validation_data=(bad, Y), batch_size=4, verbose=0)),
])
def test_check_numerics_names_the_batch_that_holds_nan(where, call):
    m = _nan_model()
    with shenjing.check_numerics():
        with pytest.raises(FloatingPointError, match=where + r": the batch's x holds 1 NaN and 0 inf values "
                                                     r"\(shape \(4, 4\)\); check_numerics is on"):
            call(m, _with_nan_row())


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_check_numerics_names_the_batch_where_an_op_makes_nan():
    m = Sequential([layers.Input((4,)), layers.Lambda(lambda t: shenjing.math.log(t - 0.5)),
                    layers.Dense(3, activation="softmax")])
    m.compile("sgd", "sparse_categorical_crossentropy")
    with shenjing.check_numerics():
        with pytest.raises(FloatingPointError, match=r"fit: epoch 1/1, batch 0: \w+ produced \d+ NaN"):
            m.fit(X, Y, batch_size=4, shuffle=False, verbose=0)


def test_check_numerics_off_adds_nothing_and_nan_flows_as_in_keras():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = _nan_model().fit(_with_nan_row(), Y, batch_size=4, shuffle=False, verbose=0)
    assert np.isnan(history.history["loss"][0])


def test_terminate_on_nan_stops_training_and_says_so(capsys):
    history = _nan_model().fit(_with_nan_row(1), Y, batch_size=4, epochs=3, shuffle=False, verbose=0,
                          callbacks=[callbacks.TerminateOnNaN()])
    assert len(history.history["loss"]) == 1 and np.isnan(history.history["loss"][0])
    assert "Batch 0: Invalid loss, terminating training" in capsys.readouterr().out
    with pytest.raises(RuntimeError, match=r"NaN or Inf loss encountered at batch 0"):
        _nan_model().fit(_with_nan_row(1), Y, batch_size=4, epochs=3, shuffle=False, verbose=0,
                    callbacks=[callbacks.TerminateOnNaN(raise_error=True)])


# -- x whose samples do not have the model's input shape (finding 9: an 8x8 dataset into a 28x28 model) ---
def _mnist_like():
    m = Sequential([layers.Input((28, 28, 1)), layers.Conv2D(2, 3), layers.MaxPooling2D(2), layers.Conv2D(2, 3),
                    layers.MaxPooling2D(2), layers.Conv2D(2, 3), layers.MaxPooling2D(2), layers.Flatten(),
                    layers.Dense(10, activation="softmax")])
    m.compile("sgd", "sparse_categorical_crossentropy")
    return m


@pytest.mark.parametrize("where, call", [
    ("fit", lambda m, x: m.fit(x, Y[:5], verbose=0)),
    ("evaluate", lambda m, x: m.evaluate(x, Y[:5], verbose=0)),
    ("predict", lambda m, x: m.predict(x, verbose=0)),
    (r"fit \(validation_data\)", lambda m, x: m.fit(np.zeros((5, 28, 28, 1), "float32"), Y[:5],
                                                    validation_data=(x, Y[:5]), verbose=0)),
])
def test_an_8x8_dataset_into_a_28x28_model_names_both_shapes(where, call):
    digits = np.zeros((5, 8, 8, 1), "float32")
    raises(rf'{where}: Input 0 of model "sequential.*" is incompatible with the model: expected '
           r"shape=\(None, 28, 28, 1\), found shape=\(5, 8, 8, 1\)", lambda: call(_mnist_like(), digits))


def test_input_shape_check_for_functional_models_with_unknown_axes():
    a, b = layers.Input((3,), name="a"), layers.Input((None, 2), name="b")
    m = Model([a, b], layers.Dense(1)(layers.Concatenate()([a, layers.GlobalAveragePooling1D()(b)])))
    m.compile("sgd", "mse")
    ok = m.fit([X[:4, :3], np.zeros((4, 7, 2), "float32")], np.zeros((4, 1)), verbose=0)
    assert np.isfinite(ok.history["loss"][0])  # the unknown axis takes any length
    raises(r'predict: Input 1 of model ".*" is incompatible with the model: expected shape=\(None, None, 2\), '
           r"found shape=\(4, 7, 3\)", lambda: m.predict([X[:4, :3], np.zeros((4, 7, 3), "float32")], verbose=0))


def test_a_trailing_axis_of_one_is_left_to_the_model_as_keras_allows_it():
    m = Sequential([layers.Input((4, 1)), layers.Flatten(), layers.Dense(3, activation="softmax")])
    m.compile("sgd", "sparse_categorical_crossentropy")
    assert m.predict(X[:, :, None], verbose=0).shape == (10, 3)
    assert m.predict(X, verbose=0).shape == (10, 3)  # (10, 4) for (None, 4, 1): not refused up front


def test_a_sequential_model_takes_a_dict_keyed_by_its_input_name_as_keras():
    m = Sequential([layers.Input((4,), name="pixels"), layers.Dense(3)])
    m.compile("sgd", "mse")
    y = np.ones((10, 3), "float32")
    assert np.isfinite(m.fit({"pixels": X}, y, verbose=0).history["loss"][0])
    np.testing.assert_allclose(m.predict({"pixels": X}, verbose=0), m.predict(X, verbose=0))
    raises(r"takes one input array of shape \(None, 4\) \(or a dict \{'pixels': array\}\)\. "
           r"Received: x=a dict with keys \['other'\]",
           lambda: m.fit({"other": X}, y, verbose=0))


def test_a_sequential_model_takes_a_list_of_one_array_as_keras():
    # It used to stack the list into one more axis: predictions of shape (1, n, 3).
    m = Sequential([layers.Input((4,)), layers.Dense(3)])
    m.compile("sgd", "mse")
    y = np.ones((10, 3), "float32")
    assert m.predict([X], verbose=0).shape == (10, 3)
    np.testing.assert_allclose(m((X,)).numpy(), m(X).numpy())
    assert np.isfinite(m.fit([X], y, verbose=0).history["loss"][0])
