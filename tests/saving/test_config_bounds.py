"""Issue 10, findings 6 (config part) and 7 (limits): a model config read from a file cannot make
shenjing allocate or loop without bound.

Every variable a config makes (``Layer.add_weight``, an optimizer's state) charges the load's
budget (``shenjing.safety.load_budget``) before it is allocated, with the initializer's
temporaries counted; a config is checked for its object count (``max_layers``) and nesting
(``max_config_depth``) before anything is built. Tests that would allocate gigabytes if the
check regressed run in a child process under ``RLIMIT_AS`` and a timeout.

The budget is opened by the test itself around ``deserialize_keras_object`` / ``load_model``
(``load_model`` opens it on its own once the readers' branch of issue 10 is merged; a budget
opened inside another one shares it, so these tests hold either way).
"""

import inspect
import json
import math
import os
import resource
import subprocess
import sys
import textwrap
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

import shenjing
import shenjing.keras as keras
from shenjing import initializers, safety
from shenjing.layers.weight_budget import charge_weight, weight_bytes
from shenjing.safety import ResourceLimitError, load_budget, override_limits
from shenjing.serialization import config_size, deserialize_keras_object, serialize_keras_object

ROOT = Path(__file__).resolve().parents[2]
CHILD_MEMORY = 2 << 30   # 2 GiB of address space for a child that must not allocate much


def run_capped(code, memory=CHILD_MEMORY, timeout=60):
    """Run ``code`` in a fresh Python limited to ``memory`` bytes of address space; return
    its last stdout line (the child prints one JSON result)."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "SHENJING_COMPILED": "0"}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout, preexec_fn=limit, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


CHILD_PRELUDE = """
import json, sys
import shenjing, shenjing.keras as keras
from shenjing.safety import ResourceLimitError, load_budget
from shenjing.serialization import deserialize_keras_object

def attempt(load):
    try:
        model = load()
    except ResourceLimitError as error:
        return {"error": "ResourceLimitError", "message": str(error)}
    except MemoryError as error:
        return {"error": "MemoryError", "message": str(error)}
    except ValueError as error:
        return {"error": "ValueError", "message": str(error)}
    return {"error": None, "params": int(model.count_params())}
"""


def sequential_config(input_shape, *layers):
    """A Keras 3 Sequential config: an InputLayer of ``input_shape`` then ``layers``
    (each ``(class_name, config)``)."""
    entries = [{"module": "keras.layers", "class_name": "InputLayer",
                "config": {"batch_shape": [None, *input_shape], "name": "input_layer"}}]
    entries += [{"module": "keras.layers", "class_name": cls, "config": dict(cfg)}
                for cls, cfg in layers]
    return {"module": "keras", "class_name": "Sequential",
            "config": {"name": "hostile", "layers": entries}}


def load_in_child(config, file_bytes=1200, memory=CHILD_MEMORY):
    """Deserialize ``config`` in a capped child inside a budget for a file of ``file_bytes``."""
    code = CHILD_PRELUDE + f"""
config = json.loads({json.dumps(json.dumps(config))})
def load():
    with load_budget("hostile.keras", file_bytes={file_bytes}):
        return deserialize_keras_object(config)
print(json.dumps(attempt(load)))
"""
    return run_capped(code, memory)


# -- finding 6: a 1.2 KB config declaring Dense(8000) on 8000 inputs --------------------------
def write_hostile_keras(tmp_path, inputs=8000, units=8000):
    """A real ``.keras`` file whose config asks for Dense(units) on ``inputs`` inputs."""
    small = tmp_path / "small.keras"
    keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]).save(small)
    with zipfile.ZipFile(small) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    config.pop("build_config", None)
    config["config"]["build_input_shape"] = [None, inputs]
    for entry in config["config"]["layers"]:
        entry.pop("build_config", None)
    config["config"]["layers"][0]["config"]["batch_shape"] = [None, inputs]
    config["config"]["layers"][1]["config"]["units"] = units
    members["config.json"] = json.dumps(config).encode()
    hostile = tmp_path / "hostile.keras"
    with zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return hostile


def test_finding6_dense_8000_config_is_refused_before_any_allocation(tmp_path):
    """End to end through load_model (the budget is opened here; load_model opens it itself
    once the readers' branch is merged): refused, naming the layer, the weight and its shape,
    in a child that could not even hold the 256 MB kernel's temporaries."""
    hostile = write_hostile_keras(tmp_path)
    assert os.path.getsize(hostile) < 4096
    code = CHILD_PRELUDE + f"""
path = {str(hostile)!r}
def load():
    with load_budget(path):
        return keras.models.load_model(path)
print(json.dumps(attempt(load)))
"""
    result = run_capped(code, memory=1 << 30)
    assert result["error"] == "ResourceLimitError", result
    assert "layer 'dense': weight 'kernel' of shape (8000, 8000)" in result["message"]
    assert "SHENJING_MAX_EXPANSION" in result["message"]


def test_the_same_config_from_deserialize_keras_object_is_refused():
    config = sequential_config((8000,), ("Dense", {"units": 8000, "name": "dense"}))
    result = load_in_child(config)
    assert result["error"] == "ResourceLimitError", result
    assert "weight 'kernel' of shape (8000, 8000)" in result["message"]


def test_a_real_model_loads_within_its_budget(tmp_path):
    model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(10)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((8, 20), "float32"), np.ones((8, 10), "float32"), epochs=1, verbose=0)
    path = tmp_path / "real.keras"
    model.save(path)
    with load_budget(path) as budget:
        loaded = keras.models.load_model(path)
    assert budget.used > (20 * 64 + 64 + 64 * 10 + 10) * 4   # the weights were charged
    x = np.linspace(0, 1, 40, dtype="float32").reshape(2, 20)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_outside_a_load_nothing_is_charged():
    assert safety.current_budget() is None
    layer = keras.layers.Dense(300)
    layer.build((None, 2000))   # 2.4 MB: a model built in code is the user's own business
    assert layer.kernel.shape == (2000, 300)


def test_the_charge_is_taken_before_the_allocation():
    """Inside a budget too small for it, add_weight raises and creates nothing."""
    layer = keras.layers.Dense(1000)
    with override_limits(min_load_bytes=1 << 20), load_budget(None, file_bytes=0) as budget:
        with pytest.raises(ResourceLimitError, match=r"layer 'dense': weight 'kernel' of shape "
                                                     r"\(1000, 1000\)"):
            layer.build((None, 1000))
        assert budget.used == 0
    assert layer.weights == []


def test_kept_bytes_stay_charged_and_temporaries_only_need_room():
    with load_budget(None, file_bytes=0) as budget:
        layer = keras.layers.Dense(100)
        layer.build((None, 50))
    assert budget.used == (50 * 100 + 100) * 4   # kernel + bias, float32


@pytest.mark.parametrize("name", ["zeros", "ones", "glorot_uniform", "glorot_normal", "he_normal",
                                  "lecun_uniform", "random_normal", "random_uniform",
                                  "truncated_normal", "orthogonal"])
def test_the_charged_peak_bounds_what_creating_the_weight_allocates(name):
    """tracemalloc sees NumPy's allocations: the peak of add_weight stays within the estimate
    that was checked against the budget (the float64 draws, the QR, the copy)."""
    shape, dtype = (300, 200), "float32"
    init = initializers.get(name)
    _, peak_estimate = weight_bytes(shape, dtype, init)
    layer = keras.layers.Layer(name="probe")
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        layer.add_weight(shape=shape, initializer=init, dtype=dtype, name="w")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    kept = math.prod(shape) * 4
    assert peak <= peak_estimate + 64 * 1024, (name, peak / kept, peak_estimate / kept)


def test_orthogonal_and_truncated_initializers_are_charged_for_their_temporaries():
    kept, uniform_peak = weight_bytes((100, 100), "float32", initializers.get("glorot_uniform"))
    _, ortho_peak = weight_bytes((100, 100), "float32", initializers.get("orthogonal"))
    _, zeros_peak = weight_bytes((100, 100), "float32", initializers.get("zeros"))
    assert zeros_peak == 2 * kept < uniform_peak < ortho_peak
    assert ortho_peak == 2 * kept + 10_000 * 32


def test_byte_counts_use_python_integers():
    kept, peak = weight_bytes((10 ** 6, 10 ** 6, 10 ** 6), "float64")
    assert kept == 8 * 10 ** 18 and peak >= kept   # no int64 wrap-around to a small number
    with load_budget(None, file_bytes=0):
        with pytest.raises(ResourceLimitError, match="needs"):
            charge_weight("big", "kernel", (2 ** 40, 2 ** 40), "float32")


# -- optimizer state built during a load --------------------------------------------------
def test_optimizer_state_is_charged_inside_a_load():
    var = shenjing.Variable(np.zeros((512, 512), "float32"), name="w")
    optimizer = keras.optimizers.Adam()
    with override_limits(min_load_bytes=1 << 20), load_budget(None, file_bytes=0) as budget:
        with pytest.raises(ResourceLimitError, match=r"optimizer 'adam': 2 state array\(s\) of "
                                                     r"weight 'w' of shape \(512, 512\)"):
            optimizer.build([var])
        assert budget.used == 0
    optimizer.build([var])   # outside a load: built
    assert optimizer.built


def test_optimizer_add_variable_is_charged_inside_a_load():
    optimizer = keras.optimizers.SGD()
    with override_limits(min_load_bytes=1 << 16), load_budget(None, file_bytes=0):
        with pytest.raises(ResourceLimitError, match=r"variable 'big' of shape \(1000, 1000\)"):
            optimizer.add_variable((1000, 1000), name="big")


# -- siblings: other config values that drive an allocation --------------------------------
@pytest.mark.parametrize("input_shape, entries, shown", [
    ((4,), [("Embedding", {"input_dim": 10 ** 9, "output_dim": 8, "name": "emb"})],
     "layer 'emb': weight 'embeddings' of shape (1000000000, 8)"),
    ((8, 8, 3), [("Conv2D", {"filters": 10 ** 6, "kernel_size": 3, "name": "conv"})],
     "layer 'conv': weight 'kernel' of shape (3, 3, 3, 1000000)"),
    ((10 ** 9,), [("BatchNormalization", {"name": "bn"})],
     "layer 'bn': weight 'gamma' of shape (1000000000,)"),
    ((10 ** 5, 10 ** 5), [("Flatten", {"name": "flat"}), ("Dense", {"units": 1, "name": "d"})],
     "layer 'd': weight 'kernel' of shape (10000000000, 1)"),
])
def test_huge_layers_declared_by_a_config_are_refused(input_shape, entries, shown):
    result = load_in_child(sequential_config(input_shape, *entries))
    assert result["error"] == "ResourceLimitError", result
    assert shown in result["message"]


@pytest.mark.parametrize("input_shape, entries", [
    ((10 ** 6, 10 ** 6), [("Flatten", {"name": "flat"})]),
    ((4,), [("RepeatVector", {"n": 10 ** 9, "name": "rep"})]),
    ((10 ** 9,), [("Reshape", {"target_shape": [10 ** 5, 10 ** 4], "name": "re"})]),
    ((10 ** 4, 10 ** 4, 10 ** 4), [("MaxPooling2D", {"pool_size": 2, "name": "pool"})]),
])
def test_huge_declared_shapes_build_without_allocating(input_shape, entries):
    """Layers without weights only compute shapes at build: nothing the size of the declared
    input is allocated (the child has 2 GiB of address space)."""
    result = load_in_child(sequential_config(input_shape, *entries))
    assert result == {"error": None, "params": 0}


def test_shape_inference_on_zeros_is_checked_against_the_budget():
    """An op node of a functional config is run on zeros of its declared input shape to infer
    its output: inside a load, zeros larger than the budget are refused first."""
    inputs = keras.Input((4,))
    outputs = keras.ops.add(inputs, inputs)
    config = serialize_keras_object(keras.Model(inputs, outputs))
    text = json.dumps(config).replace("[null, 4]", "[null, 30000, 30000]")
    assert "30000" in text
    result = load_in_child(json.loads(text))
    assert result["error"] == "ResourceLimitError", result
    assert "shape (None, 30000, 30000)" in result["message"]


@pytest.mark.parametrize("units", [-1, 0, 1.5, True, "8", None])
def test_invalid_units_in_a_config_name_the_argument(units):
    config = sequential_config((4,), ("Dense", {"units": units, "name": "d"}))
    # Keras's wording: a TypeError "Error when deserializing class 'Dense' using config=..."
    # around the constructor's ValueError, which names the argument and the value.
    with pytest.raises((TypeError, ValueError), match=r"(?s)'d'.*`units`.*Received: units="):
        deserialize_keras_object(config)


def test_a_units_of_ten_to_the_thirty_is_a_clear_error_not_an_overflow():
    config = sequential_config((4,), ("Dense", {"units": 10 ** 30, "name": "d"}))
    with pytest.raises(ValueError, match=r"Layer 'd': cannot create weight 'kernel': its shape "
                                         r"\(4, 10{30}\) holds .* more than one array can hold"):
        deserialize_keras_object(config)
    with load_budget(None, file_bytes=1200):   # inside a load too: no OverflowError
        with pytest.raises(ValueError, match="Layer 'd': cannot create weight 'kernel'"):
            deserialize_keras_object(config)


@pytest.mark.parametrize("shape, shown", [((4, -3), "negative dimension"),
                                          ((4, 2.5), "a float 2.5"),
                                          ((True, 3), "a bool True"),
                                          ((4, "3"), "a str '3'")])
def test_add_weight_checks_each_dimension(shape, shown):
    layer = keras.layers.Layer(name="custom")
    with pytest.raises(ValueError, match=rf"Layer 'custom': cannot create weight 'w'.*{shown}"):
        layer.add_weight(shape=shape, name="w")


def test_add_weight_still_takes_numpy_integers():
    layer = keras.layers.Layer(name="custom")
    w = layer.add_weight(shape=(np.int64(3), np.int32(2)), name="w")
    assert w.shape == (3, 2)


# -- finding 7 (limits): the object count and the nesting depth, before building ----------
@keras.saving.register_keras_serializable(package="test_config_bounds")
class CountedDense(keras.layers.Dense):
    made = 0

    def __init__(self, *args, **kwargs):
        type(self).made += 1
        super().__init__(*args, **kwargs)


def counted_entries(n, prefix):
    return [("CountedDense", {"units": 1, "name": f"{prefix}{i}"}) for i in range(n)]


def test_max_layers_is_checked_before_any_layer_is_built():
    config = sequential_config((1,), *counted_entries(60, "d"))
    for entry in config["config"]["layers"][1:]:
        entry["registered_name"] = "test_config_bounds>CountedDense"
    CountedDense.made = 0
    with override_limits(max_layers=50):
        with pytest.raises(ResourceLimitError, match=r"the number of layers and other objects "
                                                     r"the model config declares is 6\d, more "
                                                     r"than the limit of 50.*SHENJING_MAX_LAYERS"):
            deserialize_keras_object(config)
    assert CountedDense.made == 0
    deserialize_keras_object(config)   # the default limit takes it
    assert CountedDense.made == 60


def test_max_layers_counts_the_layers_of_nested_models():
    inner = [sequential_config((1,), *counted_entries(20, f"m{k}_")) for k in range(3)]
    for k, model in enumerate(inner):
        model["config"]["name"] = f"inner{k}"
        model["config"]["layers"][0]["config"]["name"] = f"input_{k}"
    outer = {"module": "keras", "class_name": "Sequential",
             "config": {"name": "outer", "layers": inner}}
    objects, _ = config_size(outer)
    assert objects == 1 + 3 * 22   # each inner model: itself, its InputLayer, 20 layers
    with override_limits(max_layers=50), pytest.raises(ResourceLimitError, match="limit of 50"):
        deserialize_keras_object(outer, custom_objects={"CountedDense": CountedDense})


def test_the_objects_of_a_config_are_charged_up_front():
    config = sequential_config((1,), *[("Dense", {"units": 1, "name": f"d{i}"})
                                       for i in range(3000)])
    with override_limits(min_load_bytes=1 << 20), load_budget(None, file_bytes=0):
        with pytest.raises(ResourceLimitError, match=r"the 3002 objects"):
            deserialize_keras_object(config)


def nested_sequential(depth):
    config = {"module": "keras.layers", "class_name": "Dense",
              "config": {"units": 1, "name": "leaf"}}
    for k in range(depth):
        config = {"module": "keras", "class_name": "Sequential", "config": {
            "name": f"level{k}", "layers": [
                {"module": "keras.layers", "class_name": "InputLayer",
                 "config": {"batch_shape": [None, 1], "name": f"input{k}"}}, config]}}
    return config


def test_a_moderately_nested_config_loads():
    model = deserialize_keras_object(nested_sequential(20))
    assert model.count_params() == 2


def test_a_deeply_nested_config_is_a_clear_error_not_a_recursion_error():
    with pytest.raises(ResourceLimitError, match=r"nesting depth.*more than the limit of 100.*"
                                                 r"SHENJING_MAX_CONFIG_DEPTH"):
        deserialize_keras_object(nested_sequential(300))


def test_a_config_of_deeply_nested_lists_is_refused_without_recursing():
    deep = []
    for _ in range(100_000):
        deep = [deep]
    config = sequential_config((4,), ("Dense", {"units": 2, "name": "d", "extra": deep}))
    with pytest.raises(ResourceLimitError, match="nesting depth"):
        deserialize_keras_object(config)


def test_the_depth_limit_can_be_raised():
    config = nested_sequential(40)
    with pytest.raises(ResourceLimitError):
        deserialize_keras_object(config)
    with override_limits(max_config_depth=200):
        assert deserialize_keras_object(config).count_params() == 2


@pytest.mark.parametrize("entry, shown", [(-4, "Negative dimensions are not allowed"),
                                          (4.5, "Found invalid entry '4.5'"),
                                          ("4", "Found invalid entry '4'"),
                                          (True, "Found invalid entry 'True'")])
def test_an_input_layer_shape_entry_is_checked_not_cast(entry, shown):
    """InputLayer used to cast with int(): 4.5 became 4 and True became 1, silently."""
    config = sequential_config((entry,), ("Dense", {"units": 2, "name": "d"}))
    with pytest.raises((TypeError, ValueError), match=rf"Cannot convert .* to a shape\. {shown}"):
        deserialize_keras_object(config)
    with pytest.raises(ValueError, match=rf"Cannot convert .* to a shape\. {shown}"):
        keras.Input(batch_shape=(None, entry))


def test_an_input_layer_takes_numpy_integers():
    assert keras.Input((np.int64(3), np.int32(2))).shape == (None, 3, 2)


def test_past_a_raised_depth_limit_a_recursion_error_is_still_reported_clearly():
    frames_here = len(inspect.stack(0))
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(frames_here + 300)   # the same margin under any runner
    try:
        with override_limits(max_config_depth=10 ** 6):
            with pytest.raises(ResourceLimitError, match="nests too deeply for Python's recursion"):
                deserialize_keras_object(nested_sequential(400))
    finally:
        sys.setrecursionlimit(previous)
