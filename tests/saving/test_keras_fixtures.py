"""Files written by Keras 3.15.1 and 3.0.0 (torch backend; see fixtures/make_*.py) load in
shenjing and predict what Keras predicted. Keras itself is not needed."""

import io
import zipfile

import h5py
import numpy as np

from shenjing import layers, models, saving

from saving_helpers import FIXTURES


def fixture(name):
    return np.load(FIXTURES / name, allow_pickle=False)


def test_keras_sequential_mlp_with_dropout():
    model = saving.load_model(FIXTURES / "keras_mlp.keras")
    assert [type(l).__name__ for l in model.layers] == ["Dense", "Dropout", "Dense"]
    np.testing.assert_allclose(model.predict(fixture("keras_mlp_x.npy"), verbose=0),
                               fixture("keras_mlp_pred.npy"), atol=1e-5)
    # compile_config: Adam, the loss and the metric, as Keras saved them.
    assert type(model.optimizer).__name__ == "Adam" and model.optimizer.iterations == 8
    # The optimizer state in Keras's order: each weight's momentum, then its velocity.
    with zipfile.ZipFile(FIXTURES / "keras_mlp.keras") as archive:
        with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as f:
            momentum, velocity = f["optimizer/vars/2"][()], f["optimizer/vars/3"][()]
    kernel = model.layers[0].kernel
    slots = model.optimizer._slots[id(kernel)]
    np.testing.assert_array_equal(slots[0], momentum)
    np.testing.assert_array_equal(slots[1], velocity)


def test_keras_cnn():
    model = saving.load_model(FIXTURES / "keras_cnn.keras")
    assert [type(l).__name__ for l in model.layers] == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    np.testing.assert_allclose(model.predict(fixture("keras_cnn_x.npy"), verbose=0),
                               fixture("keras_cnn_pred.npy"), atol=1e-5)
    assert type(model.optimizer).__name__ == "SGD" and model.optimizer.momentum == 0.9


def test_keras_functional_batchnorm_embedding_two_heads():
    model = saving.load_model(FIXTURES / "keras_functional.keras")
    cls, reg = model.predict([fixture("keras_functional_ids.npy"),
                              fixture("keras_functional_num.npy")], verbose=0)
    np.testing.assert_allclose(cls, fixture("keras_functional_pred_cls.npy"), atol=1e-5)
    np.testing.assert_allclose(reg, fixture("keras_functional_pred_reg.npy"), atol=1e-5)
    assert model.output_names == ["cls", "reg"]


def test_keras_weights_files_load_into_shenjing_models():
    mlp = models.Sequential([layers.Input((8,)), layers.Dense(16, activation="relu"),
                             layers.Dropout(0.2), layers.Dense(4, activation="softmax")])
    mlp.load_weights(FIXTURES / "keras_mlp.weights.h5")
    np.testing.assert_allclose(mlp.predict(fixture("keras_mlp_x.npy"), verbose=0),
                               fixture("keras_mlp_pred.npy"), atol=1e-5)
    cnn = models.Sequential([layers.Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu"),
                             layers.MaxPooling2D(), layers.Flatten(),
                             layers.Dense(3, activation="softmax")])
    cnn.load_weights(FIXTURES / "keras_cnn.weights.h5")
    np.testing.assert_allclose(cnn.predict(fixture("keras_cnn_x.npy"), verbose=0),
                               fixture("keras_cnn_pred.npy"), atol=1e-5)


def test_keras_file_weights_load_from_the_zip():
    cnn = models.Sequential([layers.Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu"),
                             layers.MaxPooling2D(), layers.Flatten(),
                             layers.Dense(3, activation="softmax")])
    cnn.load_weights(FIXTURES / "keras_cnn.keras")
    np.testing.assert_allclose(cnn.predict(fixture("keras_cnn_x.npy"), verbose=0),
                               fixture("keras_cnn_pred.npy"), atol=1e-5)


def test_keras_3_0_layer_checkpoint_dependencies_layout(tmp_path):
    """Keras 3.0 files name the layer list '_layer_checkpoint_dependencies'."""
    source = FIXTURES / "keras_mlp.weights.h5"
    legacy = tmp_path / "legacy.weights.h5"
    with h5py.File(source, "r") as src, h5py.File(legacy, "w") as dst:
        src.copy(src["layers"], dst, name="_layer_checkpoint_dependencies")
        src.copy(src["vars"], dst, name="vars")
    mlp = models.Sequential([layers.Input((8,)), layers.Dense(16, activation="relu"),
                             layers.Dropout(0.2), layers.Dense(4, activation="softmax")])
    mlp.load_weights(legacy)
    np.testing.assert_allclose(mlp.predict(fixture("keras_mlp_x.npy"), verbose=0),
                               fixture("keras_mlp_pred.npy"), atol=1e-5)


def test_keras_3_0_0_file_with_internal_module_paths():
    """Keras 3.0.0 wrote "keras.src.layers.core.dense" and "dtype": "float32" in configs."""
    model = saving.load_model(FIXTURES / "keras300_mlp_bn.keras")
    assert [type(l).__name__ for l in model.layers] == ["Dense", "BatchNormalization", "Dropout",
                                                        "Dense"]
    np.testing.assert_allclose(model.predict(fixture("keras300_mlp_bn_x.npy"), verbose=0),
                               fixture("keras300_mlp_bn_pred.npy"), atol=1e-5)
    assert model.optimizer.iterations == 8
