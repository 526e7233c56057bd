"""Issue 13, part 5: a NaN in the inputs of fit/evaluate is a ValueError before any step, saying
which input, which samples and features, and the fix; predict, y, integers and inf are left alone."""

import numpy as np
import pytest

import shenjing
from shenjing import callbacks, layers
from shenjing.models import Model, Sequential
from shenjing.models.data_adapters import missing_values
from shenjing.models.data_adapters.missing_values import check_no_nan, has_nan
from shenjing.utils.py_dataset import PyDataset


def data(n=100, features=6, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, features)).astype("float32")
    return x, (x[:, 0] > 0.5).astype("float32")


def with_nan(x, cells):
    x = x.copy()
    for row, column in cells:
        x[row, column] = np.nan
    return x


def model(features=6):
    m = Sequential([layers.Input((features,)), layers.Dense(4, activation="relu"),
                    layers.Dense(1, activation="sigmoid")])
    m.compile("adam", "binary_crossentropy")
    return m


class Recorder(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_train_begin(self, logs=None):
        self.events.append("train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(f"epoch {epoch}")

    def on_train_batch_begin(self, batch, logs=None):
        self.events.append(f"batch {batch}")


def assert_refused_before_training(m, match, **fit_kwargs):
    """fit raises ``match``; no callback ran, the weights and the optimizer are untouched."""
    before = [w.copy() for w in m.get_weights()]
    recorder = Recorder()
    with pytest.raises(ValueError, match=match) as info:
        m.fit(callbacks=[recorder], verbose=0, epochs=2, **fit_kwargs)
    assert recorder.events == []
    assert all(np.array_equal(a, b) for a, b in zip(before, m.get_weights()))
    assert int(np.asarray(getattr(m.optimizer.iterations, "data", m.optimizer.iterations))) == 0
    return str(info.value)


def test_fit_on_an_array_with_nan_says_where_and_how_to_fix_it():
    x, y = data()
    bad = with_nan(x, [(3, 2), (17, 5), (42, 2)])
    message = assert_refused_before_training(model(), "fit: expected the input x to have no missing values",
                                             x=bad, y=y)
    assert "Received: x of shape (100, 6) with 3 NaN values in 3 of 100 samples (rows 3, 17 and 42)" in message
    assert "in features 2 and 5" in message
    for fix in ("SimpleImputer", "IterativeImputer", "Pipeline", "SKLearnClassifier", "drop the rows",
                "add_indicator=True", "model.allow_nan_inputs = True"):
        assert fix in message


def test_long_listings_are_cut_with_a_count():
    x, y = data()
    bad = with_nan(x, [(r, 1) for r in range(0, 40, 2)])
    message = assert_refused_before_training(model(), "NaN", x=bad, y=y)
    assert "20 of 100 samples (rows 0, 2, 4, 6, 8, ... (20 in all)), in feature 1." in message


def test_a_dict_of_inputs_names_the_input_with_nan():
    a = layers.Input((3,), name="age")
    b = layers.Input((2,), name="blood")
    out = layers.Dense(1, activation="sigmoid")(layers.Concatenate()([a, b]))
    m = Model([a, b], out)
    m.compile("adam", "binary_crossentropy")
    x, y = data(features=5)
    inputs = {"age": x[:, :3], "blood": with_nan(x[:, 3:], [(7, 1)])}
    message = assert_refused_before_training(m, r"the input x\['blood'\] to have no missing values",
                                             x=inputs, y=y)
    assert "(row 7), in feature 1." in message
    assert_refused_before_training(m, r"the input x\[1\] to have", x=[inputs["age"], inputs["blood"]], y=y)


def test_validation_data_with_nan_is_refused_before_the_first_epoch():
    x, y = data()
    message = assert_refused_before_training(
        model(), r"fit \(validation_data\): expected the input x to have no missing values",
        x=x, y=y, validation_data=(with_nan(x[:20], [(4, 0)]), y[:20]))
    assert "(row 4)" in message


def test_validation_split_names_the_row_of_x():
    x, y = data()
    message = assert_refused_before_training(model(), "fit: expected the input x", x=with_nan(x, [(95, 3)]),
                                             y=y, validation_split=0.2)
    assert "1 NaN value in 1 of 100 samples (row 95), in feature 3." in message


def test_evaluate_and_train_on_batch_refuse_nan_but_predict_returns_it():
    x, y = data()
    bad = with_nan(x, [(1, 1)])
    m = model()
    with pytest.raises(ValueError, match="evaluate: expected the input x to have no missing values"):
        m.evaluate(bad, y, verbose=0)
    with pytest.raises(ValueError, match="train_on_batch: expected the input x"):
        m.train_on_batch(bad, y)
    with pytest.raises(ValueError, match="test_on_batch: expected the input x"):
        m.test_on_batch(bad, y)
    out = m.predict(bad, verbose=0)
    assert np.isnan(out[1]).all() and np.isfinite(np.delete(out, 1, axis=0)).all()
    assert np.isnan(m.predict_on_batch(bad)[1]).all()


def batches(x, y, size=10):
    for start in range(0, len(x), size):
        yield x[start:start + size], y[start:start + size]


class Batches(PyDataset):
    def __init__(self, x, y, size=10):
        super().__init__()
        self.x, self.y, self.size = x, y, size

    def __len__(self):
        return -(-len(self.x) // self.size)

    def __getitem__(self, i):
        part = slice(i * self.size, (i + 1) * self.size)
        return self.x[part], self.y[part]


@pytest.mark.parametrize("kind", ["generator", "PyDataset", "Dataset"])
def test_data_read_in_batches_names_the_batch(kind):
    x, y = data()
    bad = with_nan(x, [(34, 2)])  # batch 3 (of 10), its row 4
    source = {"generator": lambda: batches(bad, y),
              "PyDataset": lambda: Batches(bad, y),
              "Dataset": lambda: shenjing.data.Dataset.from_tensor_slices((bad, y)).batch(10)}[kind]()
    recorder = Recorder()
    named = r", Batches\[3\]" if kind == "PyDataset" else ""
    with pytest.raises(ValueError, match=rf"fit: expected the input x \(batch 3 of the epoch{named}\) to have "
                                         r"no missing values.*\(row 4\), in feature 2\.") as info:
        model().fit(source, epochs=1, verbose=0, callbacks=[recorder], shuffle=False)
    assert "SimpleImputer" in str(info.value)
    # Read in batches, the data is checked as it comes: batches 0-2 have trained, batch 3 has not.
    assert recorder.events == ["train_begin", "epoch 0", "batch 0", "batch 1", "batch 2"]


def test_a_shuffled_py_dataset_names_its_index():
    x, y = data()
    with pytest.raises(ValueError, match=r"fit: expected the input x \(batch \d+ of the epoch, Batches\[3\]\)"):
        model().fit(Batches(with_nan(x, [(34, 2)]), y), epochs=1, verbose=0, shuffle=True)


def test_a_validation_generator_with_nan_is_named():
    x, y = data()
    with pytest.raises(ValueError, match=r"fit \(validation_data\): expected the input x \(batch 1 of the epoch\)"):
        model().fit(x, y, validation_data=batches(with_nan(x, [(15, 0)]), y), epochs=1, verbose=0)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # the inf row
def test_clean_integer_inf_and_nan_target_data_train():
    x, y = data()
    kept = x.copy()
    m = model()
    m.fit(x, y, epochs=1, verbose=0, validation_split=0.2)
    assert np.array_equal(x, kept)  # the data is read, not changed
    integers = model()
    integers.fit((x * 10).astype("int32"), y, epochs=1, verbose=0)
    infinite = x.copy()
    infinite[3, 1] = -np.inf  # an additive -inf bias is a legitimate input; check_numerics sees inf
    model().fit(infinite, y, epochs=1, verbose=0)
    nan_targets = y.copy()
    nan_targets[5] = np.nan  # y is not checked: a masked loss may read NaN targets
    model().evaluate(x, nan_targets, verbose=0)


def test_allow_nan_inputs_lets_a_model_that_handles_nan_train():
    x, y = data()
    m = model()
    m.allow_nan_inputs = True
    history = m.fit(with_nan(x, [(3, 1)]), y, epochs=1, verbose=0)
    assert len(history.epoch) == 1


def test_has_nan_scans_in_chunks_and_images_name_a_position(monkeypatch):
    monkeypatch.setattr(missing_values, "_CHUNK", 64)
    image = np.zeros((50, 4, 4, 2), dtype="float16")
    assert not has_nan(image)
    image[49, 3, 0, 1] = np.nan  # in the last chunk
    assert has_nan(image)
    assert not has_nan(np.full((5, 2), np.nan, dtype="float32")[:0])
    assert not has_nan(np.arange(6).reshape(3, 2))
    with pytest.raises(ValueError, match=r"x of shape \(50, 4, 4, 2\) with 1 NaN value in 1 of 50 samples "
                                         r"\(row 49\), the first at position \(3, 0, 1\) of sample 49\."):
        check_no_nan(image)
    with pytest.raises(ValueError, match=r"x of shape \(3,\) with 1 NaN value in 1 of 3 samples \(row 2\)\."):
        check_no_nan(np.array([1.0, 2.0, np.nan]))
    check_no_nan(shenjing.constant(np.ones((3, 2), "float32")))


def test_dict_entries_the_model_does_not_read_may_hold_nan():
    # dict(df) habit: a DataFrame's other columns come along; only the model's inputs are checked.
    a = layers.Input((1,), name="a")
    m = Model(a, layers.Dense(1)(a))
    m.compile("sgd", "mse")
    x = {"a": np.ones((4, 1), "float32"), "note": np.array([1.0, np.nan, 2.0, 3.0], "float32")}
    m.fit(x, np.zeros((4, 1), "float32"), epochs=1, verbose=0)
    m.evaluate(x, np.zeros((4, 1), "float32"), verbose=0)
    x["a"] = with_nan(x["a"], [(2, 0)])
    with pytest.raises(ValueError, match=r"input x\['a'\]"):
        m.fit(x, np.zeros((4, 1), "float32"), epochs=1, verbose=0)


def test_leaves_that_are_not_float_arrays_are_read_without_their_buffer():
    # An ndarray's `.data` is a memoryview, which can't hold datetime64 (or ml_dtypes' bfloat16).
    check_no_nan(np.array(["2020-01-01", "NaT"], dtype="datetime64[D]"))
    check_no_nan({"when": np.zeros(3, "datetime64[s]"), "x": np.ones(3, "float32")})
    with pytest.raises(ValueError, match="1 NaN value in 1 of 2 samples"):
        check_no_nan(shenjing.constant([[1.0], [np.nan]]))
