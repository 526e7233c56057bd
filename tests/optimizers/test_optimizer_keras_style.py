"""Optimizers written the Keras way, Keras's variable order for every built-in, and EMA's
``finalize_variable_values``."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import layers, models, optimizers, saving


class MomentumSGD(optimizers.Optimizer):
    """A user optimizer as Keras documents it: ``v = momentum * v - lr * g; w += v``."""

    def __init__(self, learning_rate=0.05, momentum=0.9, name="momentum_sgd", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = momentum

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.velocities = [self.add_variable_from_reference(v, "velocity") for v in var_list]
        self.steps_taken = self.add_variable((), initializer="zeros", dtype="int64", name="steps")

    def update_step(self, gradient, variable, learning_rate):
        velocity = self.velocities[self._get_variable_index(variable)]
        self.assign(velocity, velocity * self.momentum - gradient * learning_rate)
        self.assign_add(variable, velocity)
        if variable is self._vars[0]:
            self.assign_add(self.steps_taken, 1)

    def get_config(self):
        config = super().get_config()
        config["momentum"] = self.momentum
        return config


def var(values, name):
    return sj.Variable(np.array(values, dtype=np.float32), name=name)


def test_a_keras_style_optimizer_follows_its_formula():
    w, b = var([1.0, -2.0], "w"), var([0.5], "b")
    opt = MomentumSGD(learning_rate=0.1, momentum=0.5)
    grads = [np.array([1.0, 2.0], np.float32), np.array([-1.0], np.float32)]
    opt.apply(grads, [w, b])
    opt.apply(grads, [w, b])
    # v1 = -0.1 g, v2 = 0.5 v1 - 0.1 g = -0.15 g; w = w0 - 0.25 g
    np.testing.assert_allclose(w.data, [0.75, -2.5], rtol=1e-6)
    np.testing.assert_allclose(b.data, [0.75], rtol=1e-6)
    assert opt.iterations == 2 and int(opt.steps_taken.data) == 2
    # iterations, learning rate, then its own variables in creation order
    state = opt.variables
    assert len(state) == 2 + 3
    np.testing.assert_allclose(state[2], -0.15 * grads[0], rtol=1e-6)
    np.testing.assert_allclose(state[3], -0.15 * grads[1], rtol=1e-6)
    assert int(state[4]) == 2
    assert opt.velocities[0].name == "w_velocity" and not opt.velocities[0].trainable


def test_a_keras_style_optimizer_refuses_variables_it_was_not_built_on():
    w = var([1.0], "w")
    opt = MomentumSGD()
    opt.apply([np.ones(1, np.float32)], [w])
    with pytest.raises(ValueError, match="was built on 1 variables.*Received: variables=\\['other'\\]"):
        opt.apply([np.ones(1, np.float32)], [var([1.0], "other")])


def test_build_without_super_build_is_a_clear_error():
    class Forgetful(MomentumSGD):
        def build(self, var_list):
            self.velocities = [self.add_variable_from_reference(v, "velocity") for v in var_list]

    with pytest.raises(ValueError, match="must call `super\\(\\).build\\(var_list\\)`"):
        Forgetful().apply([np.ones(1, np.float32)], [var([1.0], "w")])


def make_model():
    sj.set_random_seed(1)
    model = models.Sequential([layers.Input((4,)), layers.Dense(8, activation="relu"),
                               layers.Dense(1)])
    model.compile(optimizer=MomentumSGD(learning_rate=0.01), loss="mse")
    return model


def test_a_keras_style_optimizer_trains_saves_reloads_and_continues_identically(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True).astype("float32")
    model = make_model()
    first = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    assert first.history["loss"][-1] < first.history["loss"][0]
    model.save(tmp_path / "m.keras")

    loaded = saving.load_model(tmp_path / "m.keras", custom_objects={"MomentumSGD": MomentumSGD})
    assert type(loaded.optimizer) is MomentumSGD and loaded.optimizer.momentum == 0.9
    assert loaded.optimizer.iterations == model.optimizer.iterations == 12
    for ours, theirs in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(ours, theirs)
    model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_the_velocities_matter_for_the_continuation(tmp_path):
    """A reload that dropped the optimizer's own variables would not continue identically."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True).astype("float32")
    model = make_model()
    model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    model.save_weights(tmp_path / "w.weights.h5")
    fresh = make_model()
    fresh.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(fresh.optimizer.velocities[0].data,
                                  model.optimizer.velocities[0].data)
    restarted = make_model()
    restarted.set_weights(model.get_weights())
    for m in (model, fresh, restarted):
        m.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), fresh.get_weights()))
    assert not all(np.array_equal(a, b) for a, b in zip(model.get_weights(), restarted.get_weights()))


# -- Keras's variable order --------------------------------------------------------------
# What each Keras 3.15 optimizer's build() creates after iterations and the learning rate:
# ("w", kind) for kinds created weight by weight with add_optimizer_variables(var_list,
# [kinds...]), each kind over all weights otherwise.
KERAS_BUILD = {
    "SGD": (optimizers.SGD(momentum=0.9), [["momentum"]]),
    "Adam": (optimizers.Adam(), [["momentum", "velocity"]]),
    "Adam amsgrad": (optimizers.Adam(amsgrad=True), [["momentum", "velocity"], ["velocity_hat"]]),
    "AdamW": (optimizers.AdamW(), [["momentum", "velocity"]]),
    "Nadam": (optimizers.Nadam(), [["momentum", "velocity"]]),
    "Adamax": (optimizers.Adamax(), [["momentum", "norm"]]),
    "Adadelta": (optimizers.Adadelta(), [["accumulated_grad", "accumulated_delta_var"]]),
    "Adagrad": (optimizers.Adagrad(), [["accumulator"]]),
    "RMSprop": (optimizers.RMSprop(), [["velocity"]]),
    "RMSprop momentum centered": (optimizers.RMSprop(momentum=0.5, centered=True),
                                  [["velocity"], ["momentum"], ["average_gradient"]]),
}


@pytest.mark.parametrize("name", sorted(KERAS_BUILD))
def test_variables_follow_keras_build_order(name):
    opt, groups = KERAS_BUILD[name]
    weights = [var(np.zeros(3), "a"), var(np.zeros((2, 2)), "b")]
    opt.build(weights)
    kinds = [kind for kind, _ in opt._slot_kinds()]
    expected = []
    for group in groups:  # add_optimizer_variables(var_list, group): weight by weight
        for w in weights:
            expected += [opt._slots[id(w)][kinds.index(kind)] for kind in group]
    assert sorted(kinds) == sorted(k for g in groups for k in g)
    state = opt.variables
    assert len(state) == 2 + len(expected) + (1 if name == "Nadam" else 0)
    for got, want in zip(state[2:], expected):
        assert got is want


def test_ema_and_accumulators_come_first_each_over_all_weights():
    opt = optimizers.Adam(use_ema=True, gradient_accumulation_steps=2)
    a, b = var([1.0, 2.0], "a"), var([3.0], "b")
    opt.build([a, b])
    state = opt.variables
    base = [opt._base_slots[id(a)][0], opt._base_slots[id(b)][0],
            opt._base_slots[id(a)][1], opt._base_slots[id(b)][1]]
    assert all(got is want for got, want in zip(state[2:6], base))
    assert state[6] is opt._slots[id(a)][0] and state[7] is opt._slots[id(a)][1]


# -- EMA ----------------------------------------------------------------------------------
def test_finalize_variable_values_swaps_in_the_moving_averages():
    w = var([0.0, 0.0], "w")
    opt = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    for g in ([1.0, 2.0], [1.0, 2.0], [-2.0, 0.0]):
        opt.apply([np.array(g, np.float32)], [w])
    # weights: [-1,-2], [-2,-4], [0,-4]; averages: w1, then 0.5 a + 0.5 w
    np.testing.assert_allclose(w.data, [0.0, -4.0])
    average = 0.5 * (0.5 * np.array([-1.0, -2.0]) + 0.5 * np.array([-2.0, -4.0])) + 0.5 * w.data
    np.testing.assert_allclose(opt._base_slots[id(w)][0], average)
    untouched = var([7.0], "untouched")
    opt.finalize_variable_values([w, untouched])
    np.testing.assert_allclose(w.data, average)
    np.testing.assert_allclose(untouched.data, [7.0])
    plain = optimizers.SGD(learning_rate=1.0)
    v = var([1.0], "v")
    plain.apply([np.ones(1, np.float32)], [v])
    plain.finalize_variable_values([v])
    np.testing.assert_allclose(v.data, [0.0])


def test_a_manual_loop_ends_with_the_averages_as_keras_fit_does():
    sj.set_random_seed(0)
    model = models.Sequential([layers.Input((3,)), layers.Dense(1)])
    opt = optimizers.Adam(learning_rate=0.1, use_ema=True, ema_momentum=0.9)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(16, 3)).astype("float32")
    y = x @ np.array([[1.0], [-1.0], [0.5]], np.float32)
    for _ in range(20):
        pred = model(x, training=True)
        loss = ((pred - sj.tensor(y)) ** 2).mean()
        for w in model.trainable_weights:
            w.grad = None
        loss.backward()
        opt.apply([w.grad for w in model.trainable_weights], model.trainable_weights)
    averages = [opt._base_slots[id(w)][0].copy() for w in model.trainable_weights]
    raw = [w.numpy().copy() for w in model.trainable_weights]
    assert not all(np.allclose(a, r) for a, r in zip(averages, raw))
    opt.finalize_variable_values(model.trainable_weights)
    for w, a in zip(model.trainable_weights, averages):
        np.testing.assert_array_equal(w.numpy(), a)


def test_the_example_of_keras_optimizer_docstring_runs_as_written():
    """Keras's own documented subclass (keras.optimizers.Optimizer), with keras.ops."""
    import shenjing.keras as keras
    from shenjing.keras import ops

    class SGD(keras.optimizers.Optimizer):
        def __init__(self, learning_rate=0.01, momentum=0.0, name="SGD", **kwargs):
            super().__init__(learning_rate=learning_rate, name=name, **kwargs)
            self.momentum = momentum

        def build(self, var_list):
            super().build(var_list)
            self.momentums = []
            for variable in var_list:
                self.momentums.append(
                    self.add_variable_from_reference(reference_variable=variable, name="momentum"))

        def update_step(self, gradient, variable, learning_rate):
            learning_rate = ops.cast(learning_rate, variable.dtype)
            gradient = ops.cast(gradient, variable.dtype)
            m = self.momentums[self._get_variable_index(variable)]
            self.assign(m, ops.subtract(ops.multiply(m, ops.cast(self.momentum, variable.dtype)),
                                        ops.multiply(gradient, learning_rate)))
            self.assign_add(variable, m)

    w = var([1.0, -1.0], "w")
    ours, builtin = SGD(learning_rate=0.1, momentum=0.9), optimizers.SGD(0.1, momentum=0.9)
    w2 = var([1.0, -1.0], "w2")
    for g in ([1.0, 2.0], [0.5, -1.0], [-2.0, 0.25]):
        ours.apply([np.array(g, np.float32)], [w])
        builtin.apply([np.array(g, np.float32)], [w2])
    np.testing.assert_allclose(w.data, w2.data, rtol=1e-6)
    np.testing.assert_allclose(ours.variables[2], builtin.variables[2], rtol=1e-6)
