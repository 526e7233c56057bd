"""keras.utils.image_dataset_from_directory with Keras 3's contract: inferred/given/no labels,
label modes, class_names, order, seeded splits, sizes, colour modes, crop/pad to aspect ratio,
data_format, errors, and fit() on the dataset."""
import os

import numpy as np
import pytest
from PIL import Image

from shenjing import keras


def _png(path, value, size=(4, 6), mode="RGB"):
    """A (height, width) = size image whose every pixel is ``value`` (one per channel)."""
    channels = {"L": 1, "RGB": 3, "RGBA": 4}[mode]
    pixels = np.broadcast_to(np.asarray(value, dtype="uint8"), size + (channels,)).copy()
    Image.fromarray(pixels[..., 0] if mode == "L" else pixels, mode).save(path)


@pytest.fixture
def image_dir(tmp_path):
    """3 "cats" (pixel value 10*i) and 2 "dogs" (100 + 10*i), one in a subfolder; a .txt skipped."""
    for cls, n, base in (("cats", 3, 0), ("dogs", 2, 100)):
        os.makedirs(tmp_path / cls / "more")
        for i in range(n):
            folder = tmp_path / cls / ("more" if i == n - 1 else "")
            _png(str(folder / f"{cls}{i}.png"), [base + 10 * i, 1, 2])
        (tmp_path / cls / "readme.txt").write_text("not an image")
    return str(tmp_path)


def _all(ds):
    xs, ys = zip(*[(np.asarray(x), np.asarray(y)) for x, y in ds])
    return np.concatenate(xs), np.concatenate(ys)


def test_inferred_labels_order_and_paths(image_dir):
    ds = keras.utils.image_dataset_from_directory(image_dir, image_size=(4, 6), batch_size=2,
                                                  shuffle=False, verbose=False)
    assert ds.class_names == ["cats", "dogs"] and int(ds.cardinality()) == 3
    assert [os.path.relpath(p, image_dir) for p in ds.file_paths] == [
        "cats/cats0.png", "cats/cats1.png", os.path.join("cats", "more", "cats2.png"),
        "dogs/dogs0.png", os.path.join("dogs", "more", "dogs1.png")]
    x, y = _all(ds)
    assert x.shape == (5, 4, 6, 3) and x.dtype == np.float32 and y.dtype == np.int32
    np.testing.assert_array_equal(y, [0, 0, 0, 1, 1])
    np.testing.assert_array_equal(x[:, 0, 0, 0], [0, 10, 20, 100, 110])  # same size: exact
    np.testing.assert_array_equal(x[:, 2, 3, 1:], [[1, 2]] * 5)
    ds = keras.utils.image_dataset_from_directory(image_dir, image_size=(4, 6), verbose=False,
                                                  class_names=["dogs", "cats"], shuffle=False)
    np.testing.assert_array_equal(_all(ds)[1], [0, 0, 1, 1, 1])


def test_label_modes_given_labels_and_no_labels(image_dir):
    kw = dict(image_size=(2, 3), shuffle=False, verbose=False, batch_size=8)
    x, y = _all(keras.utils.image_dataset_from_directory(image_dir, label_mode="binary", **kw))
    assert y.shape == (5, 1) and y.dtype == np.float32 and y[:, 0].tolist() == [0, 0, 0, 1, 1]
    x, y = _all(keras.utils.image_dataset_from_directory(image_dir, label_mode="categorical",
                                                         **kw))
    np.testing.assert_array_equal(y, np.eye(2, dtype="float32")[[0, 0, 0, 1, 1]])
    given = keras.utils.image_dataset_from_directory(image_dir, labels=[3, 1, 4, 1, 5], **kw)
    assert given.class_names == ["1", "3", "4", "5"]
    np.testing.assert_array_equal(_all(given)[1], [3, 1, 4, 1, 5])
    only = keras.utils.image_dataset_from_directory(image_dir, labels=None, batch_size=None,
                                                    image_size=(2, 3), shuffle=False,
                                                    verbose=False)
    items = [np.asarray(x) for x in only]
    assert only.class_names is None and len(items) == 5 and items[0].shape == (2, 3, 3)


def test_seeded_splits_disjoint_and_complementary(image_dir):
    kw = dict(image_size=(2, 2), validation_split=0.4, seed=11, verbose=False)
    train = keras.utils.image_dataset_from_directory(image_dir, subset="training", **kw)
    val = keras.utils.image_dataset_from_directory(image_dir, subset="validation", **kw)
    both = keras.utils.image_dataset_from_directory(image_dir, subset="both", **kw)
    assert len(train.file_paths) == 3 and len(val.file_paths) == 2
    assert not set(train.file_paths) & set(val.file_paths)
    assert len(set(train.file_paths) | set(val.file_paths)) == 5
    assert both[0].file_paths == train.file_paths and both[1].file_paths == val.file_paths
    # the labels travel with their files: pixel value >= 100 <=> dog
    for ds in (train, val):
        x, y = _all(ds)
        np.testing.assert_array_equal(y, (x[:, 0, 0, 0] >= 100).astype("int32"))
    with pytest.raises(ValueError, match="seed"):
        keras.utils.image_dataset_from_directory(image_dir, validation_split=0.5,
                                                 subset="training", verbose=False)


def test_color_modes_sizes_and_data_format(tmp_path):
    os.makedirs(tmp_path / "a")
    _png(str(tmp_path / "a" / "gray.png"), 77, mode="L")
    _png(str(tmp_path / "a" / "rgba.png"), [10, 20, 30, 40], mode="RGBA")
    kw = dict(shuffle=False, verbose=False, batch_size=None)
    gray = [np.asarray(x) for x, _ in keras.utils.image_dataset_from_directory(
        str(tmp_path), color_mode="grayscale", image_size=(8, 12), **kw)]
    assert gray[0].shape == (8, 12, 1)
    np.testing.assert_allclose(gray[0], 77)  # upsampling a constant image keeps it
    # libpng's weights: (9798*10 + 19235*20 + 3735*30) >> 15 = 18
    np.testing.assert_allclose(gray[1], 18)
    rgba = [np.asarray(x) for x, _ in keras.utils.image_dataset_from_directory(
        str(tmp_path), color_mode="rgba", image_size=3, interpolation="nearest", **kw)]
    assert rgba[1].dtype == np.uint8 and rgba[1].shape == (3, 3, 4)
    assert rgba[1][0, 0].tolist() == [10, 20, 30, 40] and rgba[0][0, 0].tolist() == [77] * 3 + [255]
    first = [np.asarray(x) for x, _ in keras.utils.image_dataset_from_directory(
        str(tmp_path), image_size=(2, 5), data_format="channels_first", **kw)]
    assert first[1].shape == (3, 2, 5) and first[1][:, 0, 0].tolist() == [10, 20, 30]


def test_crop_and_pad_to_aspect_ratio(tmp_path):
    os.makedirs(tmp_path / "a")
    pixels = np.zeros((4, 8, 3), dtype="uint8")
    pixels[:, :2] = 200  # a bright band on the left quarter, cropped away by a centred square
    Image.fromarray(pixels).save(str(tmp_path / "a" / "wide.png"))
    kw = dict(shuffle=False, verbose=False, batch_size=None, labels=None,
              interpolation="nearest")
    crop = next(iter(keras.utils.image_dataset_from_directory(
        str(tmp_path), image_size=(4, 4), crop_to_aspect_ratio=True, **kw)))
    assert np.asarray(crop).max() == 0
    plain = np.asarray(next(iter(keras.utils.image_dataset_from_directory(
        str(tmp_path), image_size=(4, 4), **kw))))
    assert plain[:, 0].min() == 200 and plain[:, 1:].max() == 0
    pad = np.asarray(next(iter(keras.utils.image_dataset_from_directory(
        str(tmp_path), image_size=(8, 8), pad_to_aspect_ratio=True, **kw))))
    # the 4x8 image fits unscaled; 2 rows of zeros above and below
    assert pad[:2].max() == 0 and pad[6:].max() == 0
    np.testing.assert_array_equal(pad[2:6], pixels)
    with pytest.raises(ValueError, match="Only one of"):
        keras.utils.image_dataset_from_directory(str(tmp_path), crop_to_aspect_ratio=True,
                                                 pad_to_aspect_ratio=True, **kw)


def test_errors(tmp_path, image_dir):
    os.makedirs(tmp_path / "empty" / "cls")
    (tmp_path / "empty" / "cls" / "a.txt").write_text("x")
    with pytest.raises(ValueError, match="No images found"):
        keras.utils.image_dataset_from_directory(str(tmp_path / "empty"), verbose=False)
    for kwargs, match in ((dict(color_mode="cmyk"), "color_mode"),
                          (dict(image_size=(1, 2, 3)), "image_size"),
                          (dict(interpolation="area"), "not supported"),
                          (dict(interpolation="cubic"), "interpolation"),
                          (dict(label_mode="sparse"), "label_mode"),
                          (dict(labels="dirs"), "labels"),
                          (dict(class_names=["cats", "birds"]), "class_names"),
                          (dict(label_mode="binary", labels=[0, 1, 2, 0, 1]), "binary")):
        with pytest.raises(ValueError, match=match):
            keras.utils.image_dataset_from_directory(image_dir, verbose=False, **kwargs)
    assert keras.preprocessing.image_dataset_from_directory is \
        keras.utils.image_dataset_from_directory


def test_fit_trains_a_conv_model(image_dir):
    ds = keras.utils.image_dataset_from_directory(image_dir, image_size=(4, 6), batch_size=2,
                                                  seed=3, verbose=False)
    ds = ds.map(lambda x, y: ((np.asarray(x) - 60.0) / 50.0, y))  # the red channel: 0..110
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4, 6, 3)),
                              keras.layers.Conv2D(4, 3, activation="tanh"),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.Adam(0.05),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(ds, epochs=15, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0] and history.history["accuracy"][-1] == 1.0
