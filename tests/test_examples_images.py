"""The image examples run offline on exported digits, for a few steps."""

import os

import numpy as np

from example_loader import load


def test_image_tutorial_preprocesses_and_trains_from_a_folder(tmp_path, capsys):
    module = load("image_tutorial")
    root = tmp_path / "images"
    from shenjing import datasets

    datasets.export_images("mnist_sample", root, per_class=4)   # 40 train + 40 test images
    preprocessed, history, accuracy = module.main(str(root), epochs=1, steps=2, verbose=0)
    assert preprocessed.shape == (100, 100, 3)
    assert len(history.history["loss"]) == 1 and np.isfinite(history.history["loss"][0])
    assert accuracy in {k / 40 for k in range(41)}   # evaluated on the 40 test images
    printed = capsys.readouterr().out
    assert "Found 40 images belonging to 10 classes." in printed
    assert "(28, 28, 3) -> (100, 100, 3)" in printed


def test_image_tutorial_preprocess_matches_a_hand_rotation():
    module = load("image_tutorial")
    image = np.random.default_rng(0).uniform(0, 255, (300, 200, 3)).astype("float32")
    out = module.preprocess(image)
    import shenjing.keras as keras

    window = np.asarray(keras.ops.image.resize(image, (224, 224)))[50:150, 50:150]
    # A 90-degree turn about the centre of an even-sized window is an exact rot90 (Keras's
    # theta rotates counter-clockwise in (row, col) = np.rot90 with k=1).
    np.testing.assert_allclose(out, np.rot90(window, k=1, axes=(0, 1)), atol=1e-4)


def test_image_folder_binary_fills_a_new_or_half_exported_folder(tmp_path):
    module = load("image_folder_binary")
    module.export_folders(str(tmp_path / "new"))
    assert sorted(os.listdir(tmp_path / "new")) == ["train", "validation"]
    import shutil

    shutil.rmtree(tmp_path / "new" / "validation")
    module.export_folders(str(tmp_path / "new"))
    assert sorted(os.listdir(tmp_path / "new" / "validation")) == ["0", "1"]


def test_image_folder_binary_trains_and_validates(tmp_path, capsys):
    module = load("image_folder_binary")
    model, history = module.main(str(tmp_path), epochs=1, steps=3, verbose=0)
    assert sorted(os.listdir(tmp_path / "train")) == ["0", "1"]
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(history.history)
    assert model.output_shape == (None, 1)
    assert "classes: {'0': 0, '1': 1}" in capsys.readouterr().out
