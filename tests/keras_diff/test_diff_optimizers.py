"""Every optimizer both frameworks have, against real Keras 3 (JAX) on random configurations.

For each optimizer class, ``CONFIGS_PER_CLASS`` random hyper-parameter configurations
(learning-rate schedules, weight decay, clipping, EMA, gradient accumulation, loss scale
factor and the class's own arguments) drive both frameworks over the same random gradient
sequence on several variables: the weights after every step, the optimizer state
(``variables``, in order) and ``get_config`` (key by key) must agree. Then optimizer
state that Keras saved in a ``.keras`` file loads into shenjing and the next step agrees.
"""

import copy
import os
import math
import random

import numpy as np
import pytest

import shenjing as sj
from shenjing import optimizers as sj_optimizers

CONFIGS_PER_CLASS = int(os.environ.get("SHENJING_DIFF_CONFIGS", "2"))
STEPS = 5
SHAPES = {"kernel": (4, 3), "bias": (3,), "embedding": (5, 2), "conv": (2, 3, 2)}
RTOL, ATOL = 2e-5, 2e-6

CLASSES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion",
           "Lamb", "Ftrl", "Adafactor", "Muon"]


def _schedule(rng):
    kind = rng.choice(["ExponentialDecay", "InverseTimeDecay", "CosineDecay", "PolynomialDecay",
                       "PiecewiseConstantDecay"])
    lr = rng.uniform(0.005, 0.1)
    if kind == "ExponentialDecay":
        config = {"initial_learning_rate": lr, "decay_steps": rng.randint(1, 4),
                  "decay_rate": rng.uniform(0.5, 0.95), "staircase": rng.random() < 0.5}
    elif kind == "InverseTimeDecay":
        config = {"initial_learning_rate": lr, "decay_steps": rng.randint(1, 4),
                  "decay_rate": rng.uniform(0.1, 1.0), "staircase": rng.random() < 0.5}
    elif kind == "CosineDecay":
        config = {"initial_learning_rate": lr, "decay_steps": rng.randint(2, 8),
                  "alpha": rng.uniform(0.0, 0.3)}
    elif kind == "PolynomialDecay":
        config = {"initial_learning_rate": lr, "decay_steps": rng.randint(2, 8),
                  "end_learning_rate": lr / 10, "power": rng.uniform(0.5, 2.0),
                  "cycle": rng.random() < 0.5}
    else:
        config = {"boundaries": [1, 3], "values": [lr, lr / 2, lr / 5]}
    return kind, config


def _own_args(cls, rng):
    u = rng.uniform
    if cls == "SGD":
        return {"momentum": rng.choice([0.0, u(0.1, 0.95)]), "nesterov": rng.random() < 0.5}
    if cls in ("Adam", "AdamW"):
        return {"beta_1": u(0.5, 0.95), "beta_2": u(0.9, 0.9999), "epsilon": 10 ** u(-8, -3),
                "amsgrad": rng.random() < 0.5}
    if cls == "RMSprop":
        return {"rho": u(0.5, 0.99), "momentum": rng.choice([0.0, u(0.1, 0.9)]),
                "epsilon": 10 ** u(-8, -3), "centered": rng.random() < 0.5}
    if cls == "Adagrad":
        return {"initial_accumulator_value": u(0.01, 0.5), "epsilon": 10 ** u(-8, -3)}
    if cls == "Adadelta":
        return {"rho": u(0.5, 0.99), "epsilon": 10 ** u(-8, -3)}
    if cls in ("Adamax", "Nadam", "Lamb"):
        return {"beta_1": u(0.5, 0.95), "beta_2": u(0.9, 0.9999), "epsilon": 10 ** u(-8, -3)}
    if cls == "Lion":
        return {"beta_1": u(0.5, 0.99), "beta_2": u(0.5, 0.999)}
    if cls == "Ftrl":
        return {"learning_rate_power": -u(0.1, 1.0), "initial_accumulator_value": u(0.05, 0.5),
                "l1_regularization_strength": rng.choice([0.0, u(0.0, 0.05)]),
                "l2_regularization_strength": rng.choice([0.0, u(0.0, 0.1)]),
                "l2_shrinkage_regularization_strength": rng.choice([0.0, u(0.0, 0.1)]),
                "beta": rng.choice([0.0, u(0.0, 0.5)])}
    if cls == "Adafactor":
        return {"beta_2_decay": -u(0.5, 1.0), "epsilon_2": 10 ** u(-4, -2),
                "clip_threshold": u(0.5, 2.0), "relative_step": rng.random() < 0.5}
    if cls == "Muon":
        return {"adam_beta_1": u(0.5, 0.95), "adam_beta_2": u(0.9, 0.999),
                "adam_weight_decay": rng.choice([None, u(0.0, 0.05)]),
                "momentum": u(0.5, 0.99), "nesterov": rng.random() < 0.5,
                "ns_steps": rng.randint(1, 6), "rms_rate": rng.choice([None, u(0.1, 0.5)]),
                "adam_lr_ratio": u(0.5, 1.5), "exclude_embeddings": rng.random() < 0.5,
                "exclude_layers": rng.choice([[], ["kern"]])}
    raise AssertionError(cls)


def random_config(cls, seed):
    """(config with a serialized schedule or a float learning rate, description)."""
    rng = random.Random(seed)
    config = {"name": f"opt_{seed}"}
    if rng.random() < 0.4:
        kind, schedule = _schedule(rng)
        config["learning_rate"] = {"module": "keras.optimizers.schedules", "class_name": kind,
                                   "config": schedule, "registered_name": None}
    else:
        config["learning_rate"] = rng.uniform(0.001, 0.1)
    if cls == "AdamW":
        config["weight_decay"] = rng.uniform(0.0, 0.1)
    elif cls != "Muon" and rng.random() < 0.4:
        config["weight_decay"] = rng.uniform(0.0, 0.1)
    elif cls == "Muon":
        config["weight_decay"] = rng.choice([None, rng.uniform(0.0, 0.1)])
    clip = rng.choice([None, "clipnorm", "clipvalue", "global_clipnorm"])
    if clip:
        config[clip] = rng.uniform(0.1, 1.0)
    if rng.random() < 0.3:
        config["use_ema"] = True
        config["ema_momentum"] = rng.uniform(0.5, 0.99)
        config["ema_overwrite_frequency"] = rng.choice([None, 2, 3])
    if rng.random() < 0.25:
        config["gradient_accumulation_steps"] = rng.choice([2, 3])
    if rng.random() < 0.2:
        config["loss_scale_factor"] = rng.choice([2.0, 8.0])
    config.update(_own_args(cls, rng))
    return config


def _gradients(seed):
    rng = np.random.default_rng(seed)
    return [{n: rng.normal(size=s).astype("float32") * rng.choice([0.1, 1.0, 3.0])
             for n, s in SHAPES.items()} for _ in range(STEPS)]


def _initial(seed):
    rng = np.random.default_rng(seed + 10_000)
    return {n: rng.normal(size=s).astype("float32") for n, s in SHAPES.items()}


def _keras_optimizer(keras, cls, config):
    # Keras's deserialize replaces nested dicts in place: hand each side its own copy.
    # (Keras 3.15's optimizers.deserialize does not know Lamb: build through from_config.)
    return getattr(keras.optimizers, cls).from_config(copy.deepcopy(config))


def _sj_optimizer(cls, config):
    return sj_optimizers.deserialize({"module": "keras.optimizers", "class_name": cls,
                                      "config": copy.deepcopy(config), "registered_name": None})


def _close(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)
    return a == b


def config_mismatches(ours, theirs):
    """The keys whose values differ (or that only one side has)."""
    keys = set(ours) | set(theirs)
    return sorted(k for k in keys if k not in ours or k not in theirs
                  or not _close(ours[k], theirs[k]))


def run_both(keras, cls, seed):
    """Apply the same gradients in both; returns a list of mismatch descriptions."""
    config = random_config(cls, seed)
    grads, init = _gradients(seed), _initial(seed)
    k_opt, s_opt = _keras_optimizer(keras, cls, config), _sj_optimizer(cls, config)
    k_vars = [keras.Variable(init[n], name=n) for n in SHAPES]
    s_vars = [sj.Variable(init[n].copy(), name=n) for n in SHAPES]
    problems = []
    for step, g in enumerate(grads):
        k_opt.apply([g[n] for n in SHAPES], k_vars)
        s_opt.apply([g[n].copy() for n in SHAPES], s_vars)
        for n, kv, sv in zip(SHAPES, k_vars, s_vars):
            if not np.allclose(np.asarray(kv.value), sv.data, rtol=RTOL, atol=ATOL):
                diff = float(np.max(np.abs(np.asarray(kv.value) - sv.data)))
                problems.append(f"step {step} weight {n}: max diff {diff:.3g}")
    if config.get("use_ema"):
        k_opt.finalize_variable_values(k_vars)
        s_opt.finalize_variable_values(s_vars)
        for n, kv, sv in zip(SHAPES, k_vars, s_vars):
            if not np.allclose(np.asarray(kv.value), sv.data, rtol=RTOL, atol=ATOL):
                problems.append(f"finalize_variable_values: weight {n}")
    k_state = [np.asarray(v.value) for v in k_opt.variables]
    s_state = [np.asarray(sj.backend.to_numpy(a)) for a in s_opt.variables]
    if [a.shape for a in k_state] != [a.shape for a in s_state]:
        problems.append(f"state shapes {[a.shape for a in k_state]} vs "
                        f"{[a.shape for a in s_state]}")
    else:
        for i, (a, b) in enumerate(zip(k_state, s_state)):
            # Ftrl's linear term is a float32 sum with cancellations: compare at its scale.
            scale = max(1.0, float(np.max(np.abs(a)))) if a.size else 1.0
            if not np.allclose(a.astype("float64"), b.astype("float64"), rtol=RTOL,
                               atol=ATOL * scale * 10):
                problems.append(f"state array {i}")
    bad_keys = config_mismatches(s_opt.get_config(), k_opt.get_config())
    if bad_keys:
        problems.append(f"get_config keys {bad_keys}")
    return problems


CASES = [pytest.param(cls, seed, id=f"{cls}-{seed}")
         for cls in CLASSES for seed in range(CONFIGS_PER_CLASS)]


@pytest.mark.parametrize("cls, seed", CASES)
def test_trajectory_state_and_config_equal_keras(keras_module, cls, seed):
    problems = run_both(keras_module, cls, seed)
    assert not problems, f"{cls} config {random_config(cls, seed)}: {problems}"


@pytest.mark.parametrize("cls", CLASSES + ["LossScaleOptimizer"])
def test_default_config_and_name_equal_keras(keras_module, cls):
    """Defaults equal key by key; the default name is Keras's snake case of the class name
    (Keras also numbers repeated names: "adam_1", which shenjing does not)."""
    from keras.src.utils.naming import to_snake_case

    if cls == "LossScaleOptimizer":
        ours = sj_optimizers.LossScaleOptimizer(sj_optimizers.SGD()).get_config()
        theirs = keras_module.optimizers.LossScaleOptimizer(
            keras_module.optimizers.SGD()).get_config()
        theirs["inner_optimizer"]["config"]["name"] = "sgd"
    else:
        ours = getattr(sj_optimizers, cls)().get_config()
        theirs = getattr(keras_module.optimizers, cls)().get_config()
    assert ours["name"] == to_snake_case(cls)
    assert config_mismatches(ours, theirs) in ([], ["name"])


def test_loss_scale_optimizer_equals_keras(keras_module):
    keras = keras_module
    rng = np.random.default_rng(0)
    init = _initial(0)
    k_opt = keras.optimizers.LossScaleOptimizer(
        keras.optimizers.Adam(learning_rate=0.01, name="inner"), initial_scale=8.0,
        dynamic_growth_steps=2, name="lso")
    s_opt = sj_optimizers.LossScaleOptimizer(
        sj_optimizers.Adam(learning_rate=0.01, name="inner"), initial_scale=8.0,
        dynamic_growth_steps=2, name="lso")
    k_vars = [keras.Variable(init[n], name=n) for n in SHAPES]
    s_vars = [sj.Variable(init[n].copy(), name=n) for n in SHAPES]
    k_opt.build(k_vars)
    for step in range(6):
        grads = [rng.normal(size=s).astype("float32") * 8 for s in SHAPES.values()]
        if step == 2:
            grads[1][0] = np.inf  # skipped, scale halves
        # Keras's stateful apply cannot run its `cond` eagerly under JAX; its JAX trainer
        # uses stateless_apply, as here.
        new_tv, new_ov = k_opt.stateless_apply([v.value for v in k_opt.variables], grads,
                                               [v.value for v in k_vars])
        for v, value in zip(k_vars, new_tv):
            v.assign(value)
        for v, value in zip(k_opt.variables, new_ov):
            v.assign(value)
        s_opt.apply([g.copy() for g in grads], s_vars)
        for kv, sv in zip(k_vars, s_vars):
            np.testing.assert_allclose(sv.data, np.asarray(kv.value), rtol=RTOL, atol=ATOL)
        assert float(s_opt.dynamic_scale) == float(k_opt.dynamic_scale.value)
        assert int(s_opt.iterations) == int(np.asarray(k_opt.iterations))
    k_state = [np.asarray(v.value) for v in k_opt.variables]
    s_state = s_opt.variables
    assert [a.shape for a in s_state] == [a.shape for a in k_state]
    for a, b in zip(s_state, k_state):
        np.testing.assert_allclose(np.asarray(a, "float64"), b.astype("float64"), rtol=RTOL)
    assert float(s_opt.scale_loss(2.0)) == float(k_opt.scale_loss(2.0))
    theirs, ours = k_opt.get_config(), s_opt.get_config()
    assert config_mismatches(ours, theirs) == []


# -- optimizer state saved by Keras in a .keras file -------------------------------------

def _keras_model(keras, seed):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((4,), name="x")
    h = keras.layers.Dense(5, activation="tanh", name="dense")(inputs)
    outputs = keras.layers.Dense(2, name="out")(h)
    return keras.Model(inputs, outputs)


@pytest.mark.parametrize("cls", CLASSES)
def test_keras_saved_optimizer_state_resumes_in_shenjing(keras_module, cls, tmp_path):
    keras = keras_module
    config = random_config(cls, 100 + CLASSES.index(cls))
    model = _keras_model(keras, 1)
    model.compile(optimizer=_keras_optimizer(keras, cls, config), loss="mse")
    rng = np.random.default_rng(5)
    weights = model.trainable_weights
    for _ in range(3):
        model.optimizer.apply([rng.normal(size=tuple(w.shape)).astype("float32")
                               for w in weights], weights)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = sj.keras.saving.load_model(path)
    assert type(loaded.optimizer).__name__ == cls
    assert int(loaded.optimizer.iterations) == int(np.asarray(model.optimizer.iterations))
    last = [rng.normal(size=tuple(w.shape)).astype("float32") for w in weights]
    model.optimizer.apply(last, weights)
    loaded.optimizer.apply([g.copy() for g in last], loaded.trainable_weights)
    for kw, sw in zip(weights, loaded.trainable_weights):
        np.testing.assert_allclose(sw.data, np.asarray(kw.value), rtol=RTOL, atol=ATOL,
                                   err_msg=f"{cls}: {kw.path}")
