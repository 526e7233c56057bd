"""Objects that save themselves: the saver walks, each layer, metric and optimizer writes
and reads its own variables; formats come from one table by suffix."""

import io
import zipfile

import h5py
import numpy as np
import pytest

import shenjing as sj
from shenjing import layers, metrics, models, optimizers, saving
from shenjing.saving.formats import FORMATS, weights_format

from saving_helpers import FIXTURES


def file_optimizer_arrays(path):
    with zipfile.ZipFile(path) as archive:
        with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as f:
            group = f["optimizer/vars"]
            return [group[str(i)][()] for i in range(len(group))]


# -- the optimizer's state in Keras's order, checked on files Keras wrote -----------------
def test_adam_state_from_keras_is_momentum_then_velocity_weight_by_weight():
    path = FIXTURES / "keras_mlp.keras"
    model = saving.load_model(path)
    stored = file_optimizer_arrays(path)
    weights = [model.layers[0].kernel, model.layers[0].bias, model.layers[2].kernel,
               model.layers[2].bias]
    assert [a.shape for a in stored[2:]] == [s for w in weights for s in (w.shape, w.shape)]
    for i, w in enumerate(weights):
        momentum, velocity = stored[2 + 2 * i], stored[3 + 2 * i]
        assert (velocity >= 0).all() and (momentum < 0).any()  # v is a mean of squares
        np.testing.assert_array_equal(model.optimizer._slots[id(w)][0], momentum)
        np.testing.assert_array_equal(model.optimizer._slots[id(w)][1], velocity)


def test_rmsprop_state_of_a_functional_model_follows_keras_layer_order():
    """Keras lists a functional model's weights in map_graph's order (here the "num"
    branch first), and RMSprop's velocities in that order."""
    path = FIXTURES / "keras_functional.keras"
    model = saving.load_model(path)
    stored = file_optimizer_arrays(path)
    order = ["dense_3", "embedding", "batch_normalization", "cls", "reg"]
    weights = [w for name in order for w in model.get_layer(name).trainable_weights]
    assert [a.shape for a in stored[2:]] == [w.shape for w in weights]
    assert all((a >= 0).all() for a in stored[2:])
    for w, velocity in zip(weights, stored[2:]):
        np.testing.assert_array_equal(model.optimizer._slots[id(w)][0], velocity)


@pytest.mark.parametrize("name", ["keras_mlp.keras", "keras_cnn.keras", "keras_functional.keras",
                                  "keras300_mlp_bn.keras"])
def test_keras_files_come_back_array_for_array(tmp_path, name):
    model = saving.load_model(FIXTURES / name)
    model.save(tmp_path / "again.keras")
    stored, again = file_optimizer_arrays(FIXTURES / name), file_optimizer_arrays(tmp_path / "again.keras")
    assert len(stored) == len(again)
    for a, b in zip(stored, again):
        assert a.shape == b.shape
        np.testing.assert_array_equal(a, b.astype(a.dtype))


# -- the formats table ----------------------------------------------------------------------
def test_the_format_is_chosen_by_suffix():
    assert weights_format("w.weights.h5", "save") is FORMATS[".weights.h5"]
    assert weights_format("dir/run.1/w.safetensors", "save") is FORMATS[".safetensors"]
    assert weights_format("m.keras", "load") is FORMATS[".keras"]
    with pytest.raises(ValueError, match="must end in `.weights.h5` or `.safetensors`. "
                                         "Received: filepath=m.keras"):
        weights_format("m.keras", "save")  # a .keras file holds a whole model: model.save
    for name in ("w.h5", "w.npz", "w.weights", "weights.h5.bak"):
        with pytest.raises(ValueError, match=f"`.weights.h5` or `.safetensors` or `.keras`. "
                                             f"Received: filepath={name}"):
            weights_format(name, "load")


def test_save_and_load_weights_go_through_the_table(tmp_path):
    model = models.Sequential([layers.Input((3,)), layers.Dense(2)])
    for suffix in (".weights.h5", ".safetensors"):
        model.save_weights(tmp_path / f"w{suffix}")
        other = models.Sequential([layers.Input((3,)), layers.Dense(2)])
        other.load_weights(tmp_path / f"w{suffix}")
        for a, b in zip(model.get_weights(), other.get_weights()):
            np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="Received: filepath=.*w.pkl"):
        model.save_weights(tmp_path / "w.pkl")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.safetensors", "w.weights.h5"]


# -- metrics ----------------------------------------------------------------------------------
def test_a_metric_saves_and_loads_its_own_variables():
    mean = metrics.Mean()
    mean.update_state([1.0, 2.0, 6.0])
    store = {}
    mean.save_own_variables(store)
    assert sorted(store) == ["0", "1"]
    fresh = metrics.Mean()
    fresh.load_own_variables(store)
    assert float(fresh.result()) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="Metric 'mean' \\(Mean\\) expects 2 variables"):
        fresh.load_own_variables({"0": np.array(1.0)})
    with pytest.raises(ValueError, match="state 'count' has shape \\(\\), received shape \\(2,\\)"):
        fresh.load_own_variables({"0": np.array(5.0), "1": np.zeros(2)})
    assert float(fresh.result()) == pytest.approx(3.0)  # refused: nothing changed


@saving.register_keras_serializable(package="OwnVariablesTests")
class Tracked(models.Model):
    """A subclassed model with a metric tracker, as Keras VAEs and GANs keep them."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(2)
        self.seen = metrics.Sum(name="seen")

    def call(self, x):
        return self.dense(x)


def test_a_metric_attribute_is_saved_under_its_name(tmp_path):
    model = Tracked()
    model(np.zeros((1, 3), "float32"))
    model.seen.update_state([4.0, 5.0])
    model.save_weights(tmp_path / "t.weights.h5")
    with h5py.File(tmp_path / "t.weights.h5", "r") as f:
        assert float(f["seen/vars/0"][()]) == 9.0
        assert sorted(f["dense/vars"]) == ["0", "1"]
    other = Tracked()
    other(np.zeros((1, 3), "float32"))
    other.load_weights(tmp_path / "t.weights.h5")
    assert float(other.seen.result()) == 9.0


# -- Keras-style layers that save themselves, and all-or-nothing loading --------------------
class Counter(layers.Layer):
    """Keeps a plain NumPy count next to its weight and saves both (as Keras layers with
    state outside their variables do, by overriding save/load_own_variables)."""

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")
        self.calls = np.zeros((), "int64")

    def call(self, x):
        self.calls += 1
        return x * self.scale

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store["calls"] = self.calls.copy()

    def load_own_variables(self, store):
        calls = np.asarray(store["calls"]) if "calls" in store else None
        if calls is None or calls.shape != ():
            raise ValueError(f"layer '{self.name}': no call count in '{store.path}'")
        super().load_own_variables({k: v for k, v in store.items() if k != "calls"})
        self.calls[...] = calls


def counter_model():
    sj.set_random_seed(0)
    return models.Sequential([layers.Input((3,)), Counter(name="counter"), layers.Dense(2)])


def save_counter_model(path):
    """A counter model after one predict, with scale [1, 2, 3] and calls 42, saved to path."""
    model = counter_model()
    model.predict(np.ones((2, 3), "float32"), verbose=0)
    model.layers[0].scale.assign(np.array([1.0, 2.0, 3.0]))
    model.layers[0].calls[...] = 42
    model.save_weights(path)
    return model


def test_the_saver_uses_the_objects_own_methods(tmp_path):
    save_counter_model(tmp_path / "c.weights.h5")
    with h5py.File(tmp_path / "c.weights.h5", "r") as f:
        assert int(f["layers/counter/vars/calls"][()]) == 42
    fresh = counter_model()
    fresh.load_weights(tmp_path / "c.weights.h5")
    assert int(fresh.layers[0].calls) == 42
    np.testing.assert_array_equal(fresh.layers[0].scale.numpy(), [1.0, 2.0, 3.0])


def test_a_refusal_late_in_the_walk_undoes_what_came_before(tmp_path):
    save_counter_model(tmp_path / "c.weights.h5")
    wrong = models.Sequential([layers.Input((3,)), Counter(name="counter"), layers.Dense(5)])
    before = [w.copy() for w in wrong.get_weights()]
    calls = int(wrong.layers[0].calls)
    with pytest.raises(ValueError, match="expected shape \\(3, 5\\), found \\(3, 2\\).*left unchanged"):
        wrong.load_weights(tmp_path / "c.weights.h5")
    # the counter layer loaded first and was put back
    for a, b in zip(wrong.get_weights(), before):
        np.testing.assert_array_equal(a, b)
    assert int(wrong.layers[0].calls) == calls != 42


class KeyedScale(layers.Layer):
    """A layer whose load_own_variables is written as Keras's docs show it: it reads keys by
    name and so raises KeyError (not ValueError) on a file that lacks them."""

    def build(self, shape):
        self.s = self.add_weight(shape=(shape[-1],), initializer="ones", name="s")

    def call(self, x):
        return x * self.s

    def load_own_variables(self, store):
        self.s.assign(store["0"] * store["1"])


def test_any_error_in_a_users_load_leaves_every_object_as_it_was(tmp_path):
    def make():
        return models.Sequential([layers.Input((3,)), layers.Dense(2), KeyedScale()])

    make().save_weights(tmp_path / "k.weights.h5")
    model = make()
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(KeyError):
        model.load_weights(tmp_path / "k.weights.h5")
    for a, b in zip(model.get_weights(), before):  # the Dense loaded first and was put back
        np.testing.assert_array_equal(a, b)


def test_an_optimizer_is_put_back_too(tmp_path):
    model = models.Sequential([layers.Input((3,)), layers.Dense(2)])
    model.compile(optimizer=optimizers.Adam(), loss="mse")
    x = np.ones((4, 3), "float32")
    model.fit(x, np.zeros((4, 2), "float32"), epochs=1, verbose=0)
    model.save_weights(tmp_path / "a.weights.h5")
    other = models.Sequential([layers.Input((3,)), layers.Dense(2)])
    other.compile(optimizer=optimizers.Adam(), loss="mse")
    other.fit(x, np.ones((4, 2), "float32"), epochs=3, verbose=0)
    state = other.optimizer.get_state()
    with h5py.File(tmp_path / "a.weights.h5", "a") as f:
        f["layers/dense/vars/1"][...] = 0  # keep the file readable ...
        f.create_dataset("layers/dense/vars/2", data=np.zeros(2))  # ... but not fitting
    with pytest.raises(ValueError, match="left unchanged"):
        other.load_weights(tmp_path / "a.weights.h5")
    assert other.optimizer.iterations == 3
    for a, b in zip(other.optimizer.get_state(), state):
        np.testing.assert_array_equal(a, b)


def test_saving_leaves_the_optimizers_own_order_alone(tmp_path):
    """The file lists the state in Keras's weight order; get_state/set_state keep theirs."""
    from saving_helpers import two_heads, two_heads_data

    model = two_heads()
    model.compile(optimizer="adam", loss=["sparse_categorical_crossentropy", "mse"])
    x, y = two_heads_data()
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    state = model.optimizer.get_state()
    model.save(tmp_path / "m.keras")
    model.load_weights(tmp_path / "m.keras")
    again = model.optimizer.get_state()
    assert len(again) == len(state)
    for a, b in zip(state, again):
        np.testing.assert_array_equal(a, b)
    stored = file_optimizer_arrays(tmp_path / "m.keras")
    assert [a.shape for a in stored] != [a.shape for a in state]  # the two orders differ here
