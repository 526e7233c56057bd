"""The legacy image iterators (``ImageDataGenerator.flow*``): shapes, dtypes and labels by hand,
len/next/reset, seeded shuffling, subsets, errors, and ``fit``/``evaluate``/``predict`` on them.
A small fake generator stands in for ``ImageDataGenerator``."""

import os
import pickle
import threading

import numpy as np
import pytest
from PIL import Image

import shenjing.keras as keras
from shenjing.preprocessing.image import DataFrameIterator, DirectoryIterator, Iterator, NumpyArrayIterator
from shenjing.preprocessing.image.iterator import IteratorIndexError


class FakeGenerator:
    """Keras's generator interface: identity transform (or a horizontal flip drawn from the
    seed), ``standardize`` = ``x * scale``."""

    def __init__(self, scale=1.0, validation_split=0.0, random_flip=False, data_format="channels_last"):
        self.scale = scale
        self._validation_split = validation_split
        self.random_flip = random_flip
        self.data_format = data_format
        self.dtype = "float32"
        self.interpolation_order = 1
        self.seeds = []

    def get_random_transform(self, img_shape, seed=None):
        self.seeds.append(seed)
        rng = np.random.RandomState(seed)
        return {"flip_horizontal": bool(self.random_flip and rng.rand() < 0.5)}

    def apply_transform(self, x, params):
        return x[:, ::-1] if params["flip_horizontal"] else x

    def standardize(self, x):
        x *= self.scale  # in place, as Keras's standardize does
        return x


# -- fixtures: tiny PNG folders -----------------------------------------------------------------
def _png(path, value, size=(4, 5), mode="RGB"):
    h, w = size
    channels = {"RGB": 3, "RGBA": 4, "L": 1}[mode]
    pixels = np.full((h, w, channels), value, dtype=np.uint8)
    pixels[0, 0] = 255 - value  # not a constant image: flips are visible
    Image.fromarray(pixels[:, :, 0] if channels == 1 else pixels, mode).save(path)


@pytest.fixture
def image_dir(tmp_path):
    """root/cat: 3 images (values 10, 11, 12), root/dog: 2 (20, 21), plus a text file and a
    nested folder image under dog/sub (22); the class folder order is sorted (cat, dog)."""
    root = tmp_path / "images"
    for cls, values in (("dog", (20, 21)), ("cat", (10, 11, 12))):
        (root / cls).mkdir(parents=True)
        for i, value in enumerate(values):
            _png(root / cls / f"{i}.png", value)
    (root / "dog" / "sub").mkdir()
    _png(root / "dog" / "sub" / "n.png", 22)
    (root / "dog" / "notes.txt").write_text("not an image")
    return str(root)


def _first_pixel_values(batch_x):
    """The value each image was filled with (pixel [1, 1], channel 0)."""
    return [int(round(v)) for v in batch_x[:, 1, 1, 0]]


# -- NumpyArrayIterator -------------------------------------------------------------------------
X = np.arange(10, dtype="float32").reshape(10, 1, 1, 1) * np.ones((1, 3, 2, 3), "float32")
Y = np.array([0, 1] * 5)


def test_numpy_iterator_batches_and_len():
    it = NumpyArrayIterator(X, Y, FakeGenerator(scale=2.0), batch_size=4, shuffle=False)
    assert (len(it), it.n, it.batch_size, it.shuffle, it.seed) == (3, 10, 4, False, None)
    x, y = it[0]
    assert x.shape == (4, 3, 2, 3) and x.dtype == np.float32
    np.testing.assert_array_equal(x[:, 0, 0, 0], [0, 2, 4, 6])
    np.testing.assert_array_equal(y, [0, 1, 0, 1])
    x, y = it[2]
    assert x.shape == (2, 3, 2, 3) and list(y) == [0, 1]
    np.testing.assert_array_equal(it.x[:, 0, 0, 0], np.arange(10))  # standardize did not scale it.x
    x, y = it[-1]
    assert len(x) == 2
    with pytest.raises(ValueError, match="Asked to retrieve element 3, but the Sequence has length 3"):
        it[3]
    with pytest.raises(IndexError):
        it[-4]


def test_numpy_iterator_sample_weight_misc_inputs_and_no_y():
    weights = np.arange(10) / 10
    misc = np.arange(20).reshape(10, 2)
    it = NumpyArrayIterator((X, misc), Y, FakeGenerator(), batch_size=3, sample_weight=weights)
    (x, m), y, w = it[1]
    assert x.shape == (3, 3, 2, 3)
    np.testing.assert_array_equal(m, misc[3:6])
    np.testing.assert_array_equal(w, weights[3:6])
    np.testing.assert_array_equal(y, Y[3:6])
    it = NumpyArrayIterator([X, [misc, misc * 2]], None, FakeGenerator(), batch_size=5)
    x, m1, m2 = it[0]
    np.testing.assert_array_equal(m2, misc[:5] * 2)
    only_x = NumpyArrayIterator(X, None, FakeGenerator(), batch_size=5)[1]
    np.testing.assert_array_equal(only_x[:, 0, 0, 0], [5, 6, 7, 8, 9])


def test_numpy_iterator_dtype_and_channels_first():
    it = NumpyArrayIterator(X, Y, FakeGenerator(), batch_size=2, dtype="float64")
    assert it[0][0].dtype == np.float64 and it.x.dtype == X.dtype  # x kept as given (Keras: float64)
    x_cf = np.zeros((4, 3, 5, 6))
    it = NumpyArrayIterator(x_cf, None, FakeGenerator(), batch_size=2, data_format="channels_first")
    assert it[0].shape == (2, 3, 5, 6)


def test_numpy_iterator_errors_and_warning():
    with pytest.raises(ValueError, match="should have rank 4. You passed an array with shape \\(10, 3, 2\\)"):
        NumpyArrayIterator(X[..., 0], None, FakeGenerator())
    with pytest.raises(ValueError, match="`x` \\(images tensor\\) and `y` \\(labels\\) should have the same"):
        NumpyArrayIterator(X, Y[:3], FakeGenerator())
    with pytest.raises(ValueError, match="`sample_weight` should have the same length"):
        NumpyArrayIterator(X, Y, FakeGenerator(), sample_weight=np.ones(4))
    with pytest.raises(ValueError, match="All of the arrays in `x` should have the same length"):
        NumpyArrayIterator((X, np.ones(3)), Y, FakeGenerator())
    with pytest.raises(ValueError, match="Invalid subset name: test"):
        NumpyArrayIterator(X, Y, FakeGenerator(validation_split=0.2), subset="test")
    with pytest.warns(UserWarning, match="expected either 1, 3, or 4 channels on axis 3.*\\(5 channels\\)"):
        NumpyArrayIterator(np.zeros((2, 3, 3, 5)), None, FakeGenerator())


def test_numpy_iterator_subsets():
    gen = FakeGenerator(validation_split=0.4)
    weights = np.arange(10.0)
    val = NumpyArrayIterator(X, Y, gen, batch_size=10, subset="validation", sample_weight=weights)
    train = NumpyArrayIterator(X, Y, gen, batch_size=10, subset="training", sample_weight=weights)
    assert (val.n, train.n) == (4, 6)
    np.testing.assert_array_equal(val[0][0][:, 0, 0, 0], [0, 1, 2, 3])
    np.testing.assert_array_equal(train[0][1], Y[4:])
    np.testing.assert_array_equal(train[0][2], weights[4:])  # the weights follow their samples
    sorted_y = np.array([0] * 5 + [1] * 5)
    with pytest.raises(ValueError, match="different number of classes after the split"):
        NumpyArrayIterator(X, sorted_y, gen, subset="training")
    it = NumpyArrayIterator(X, sorted_y, gen, subset="training", ignore_class_split=True)
    assert it.n == 6


def test_numpy_iterator_save_to_dir(tmp_path):
    it = NumpyArrayIterator(X, Y, FakeGenerator(), batch_size=3, save_to_dir=str(tmp_path),
                            save_prefix="aug", save_format="png")
    it[1]
    names = sorted(os.listdir(tmp_path))
    assert len(names) == 3 and all(n.startswith("aug_") and n.endswith(".png") for n in names)
    assert sorted(int(n.split("_")[1]) for n in names) == [3, 4, 5]


# -- Iterator: order, next, reset, shuffling, threads -------------------------------------------
def test_next_walks_epochs_endlessly_and_reset():
    it = NumpyArrayIterator(X, Y, FakeGenerator(), batch_size=4, shuffle=False)
    assert iter(it) is it
    sizes = [len(next(it)[1]) for _ in range(4)]
    assert sizes == [4, 4, 2, 4]
    assert (it.batch_index, it.total_batches_seen) == (1, 4)
    it.reset()
    assert it.batch_index == 0
    np.testing.assert_array_equal(it.next()[0][:, 0, 0, 0], [0, 1, 2, 3])


def test_seeded_shuffle_uses_seed_plus_batches_seen_and_leaves_numpy_global_state():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    it = NumpyArrayIterator(X, Y, FakeGenerator(), batch_size=4, shuffle=True, seed=7)
    order = np.concatenate([next(it)[0][:, 0, 0, 0] for _ in range(3)]).astype(int)
    np.testing.assert_array_equal(order, np.random.RandomState(7).permutation(10))
    second_epoch = next(it)[0][:, 0, 0, 0].astype(int)
    np.testing.assert_array_equal(second_epoch, np.random.RandomState(7 + 3).permutation(10)[:4])
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    # indexing: the first permutation comes from seed + batches seen so far; on_epoch_end draws anew
    indexed = NumpyArrayIterator(X, Y, FakeGenerator(), batch_size=5, shuffle=True, seed=7)
    first = np.concatenate([indexed[i][0][:, 0, 0, 0] for i in range(2)]).astype(int)
    np.testing.assert_array_equal(first, np.random.RandomState(7).permutation(10))
    indexed.on_epoch_end()
    again = np.concatenate([indexed[i][0][:, 0, 0, 0] for i in range(2)]).astype(int)
    assert sorted(again) == list(range(10))
    np.testing.assert_array_equal(indexed.index_array, np.random.RandomState((7, 1)).permutation(10))
    indexed.on_epoch_end()  # a new order also when no batch was counted here (worker processes)
    np.testing.assert_array_equal(indexed.index_array, np.random.RandomState((7, 2)).permutation(10))


def test_seeded_augmentation_repeats_and_unseeded_passes_no_seed():
    def batches(seed):
        gen = FakeGenerator(random_flip=True)
        it = NumpyArrayIterator(np.random.RandomState(0).rand(8, 2, 3, 1), None, gen, batch_size=4, seed=seed)
        return [it[0], it[1], next(it)], gen.seeds

    (a, seeds_a), (b, _) = batches(5), batches(5)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert all(isinstance(s, int) for s in seeds_a) and len(set(seeds_a)) > 1
    _, unseeded = batches(None)
    assert unseeded == [None] * 12


def test_getitem_from_threads_is_consistent():
    it = NumpyArrayIterator(X, Y, FakeGenerator(random_flip=True), batch_size=2, shuffle=True, seed=3)
    expected = [NumpyArrayIterator(X, Y, FakeGenerator(random_flip=True), batch_size=2, shuffle=True,
                                   seed=3)[i] for i in range(5)]
    results = {}

    def read(i):
        results[i] = it[i]

    threads = [threading.Thread(target=read, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(5):
        np.testing.assert_array_equal(results[i][0], expected[i][0])
        np.testing.assert_array_equal(results[i][1], expected[i][1])
    assert it.total_batches_seen == 5


def test_next_from_threads_hands_out_each_batch_once():
    it = NumpyArrayIterator(X, Y, FakeGenerator(), batch_size=1, shuffle=False)
    seen, seen_lock = [], threading.Lock()

    def read():
        for _ in range(5):
            value = int(next(it)[0][0, 0, 0, 0])
            with seen_lock:
                seen.append(value)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == sorted(list(range(10)) * 2) and it.total_batches_seen == 20


class Squares(Iterator):
    """A user's iterator: batches of (i, i * i)."""

    def __init__(self, n, batch_size, shuffle=False, seed=None):
        super().__init__(n, batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array):
        x = index_array.astype("float32")[:, None]
        return x, x * x


def test_a_user_subclass_of_iterator_trains():
    it = Squares(10, 4, shuffle=True, seed=0)
    np.testing.assert_array_equal(np.sort(np.concatenate([it[i][0][:, 0] for i in range(3)])), np.arange(10))
    model = keras.Sequential([keras.layers.Input((1,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    assert len(model.fit(it, epochs=2, verbose=0).history["loss"]) == 2


def test_iterator_base_and_pickling():
    with pytest.raises(NotImplementedError, match="_get_batches_of_transformed_samples"):
        Iterator(4, 2, False, None)[0]
    it = NumpyArrayIterator(X, Y, FakeGenerator(), batch_size=4, seed=1, shuffle=True)
    it[0]
    copy = pickle.loads(pickle.dumps(it))
    np.testing.assert_array_equal(copy[1][0], it[1][0])
    with pytest.raises(TypeError, match="indices must be integers"):
        it["0"]
    assert isinstance(IteratorIndexError("x"), ValueError)


# -- DirectoryIterator --------------------------------------------------------------------------
def test_directory_iterator_categorical(image_dir, capsys):
    it = DirectoryIterator(image_dir, FakeGenerator(), target_size=(4, 5), batch_size=4, shuffle=False)
    assert "Found 6 images belonging to 2 classes." in capsys.readouterr().out
    assert it.class_indices == {"cat": 0, "dog": 1}
    assert it.filenames == [os.path.join("cat", "0.png"), os.path.join("cat", "1.png"),
                            os.path.join("cat", "2.png"), os.path.join("dog", "0.png"),
                            os.path.join("dog", "1.png"), os.path.join("dog", "sub", "n.png")]
    assert it.filepaths[0] == os.path.join(image_dir, "cat", "0.png")
    assert it.classes.dtype == np.int32 and list(it.classes) == [0, 0, 0, 1, 1, 1]
    assert (it.samples, it.num_classes, len(it), it.labels is it.classes) == (6, 2, 2, True)
    x, y = it[0]
    assert x.shape == (4, 4, 5, 3) and x.dtype == np.float32
    assert _first_pixel_values(x) == [10, 11, 12, 20]
    np.testing.assert_array_equal(y, [[1, 0], [1, 0], [1, 0], [0, 1]])
    assert y.dtype == np.float32
    x, y = it[1]
    assert _first_pixel_values(x) == [21, 22] and y.shape == (2, 2)


@pytest.mark.parametrize("class_mode", ["binary", "sparse", "input", None])
def test_directory_iterator_class_modes(image_dir, class_mode):
    it = DirectoryIterator(image_dir, FakeGenerator(), target_size=(4, 5), batch_size=6, shuffle=False,
                           class_mode=class_mode)
    batch = it[0]
    if class_mode is None:
        assert batch.shape == (6, 4, 5, 3)
        return
    x, y = batch
    if class_mode == "input":
        np.testing.assert_array_equal(x, y)
        assert y is not x
    else:
        assert y.shape == (6,) and y.dtype == np.float32
        np.testing.assert_array_equal(y, [0, 0, 0, 1, 1, 1])


def test_directory_iterator_color_modes_resize_dtype_and_no_generator(image_dir):
    gray = DirectoryIterator(image_dir, None, target_size=(2, 3), color_mode="grayscale", batch_size=6,
                             shuffle=False, dtype="float64")
    x, _ = gray[0]
    assert x.shape == (6, 2, 3, 1) and x.dtype == np.float64
    rgba = DirectoryIterator(image_dir, None, target_size=(4, 5), color_mode="rgba", batch_size=6,
                             shuffle=False, data_format="channels_first")
    x, _ = rgba[0]
    assert x.shape == (6, 4, 4, 5)
    np.testing.assert_array_equal(x[:, 3], 255)  # opaque alpha
    uint8 = DirectoryIterator(image_dir, None, target_size=(4, 5), batch_size=6, shuffle=False, dtype="uint8")
    assert uint8[0][0].dtype == np.uint8 and _first_pixel_values(uint8[0][0]) == [10, 11, 12, 20, 21, 22]
    cropped = DirectoryIterator(image_dir, None, target_size=(2, 2), keep_aspect_ratio=True, batch_size=6,
                                shuffle=False)
    assert cropped[0][0].shape == (6, 2, 2, 3)


def test_keep_aspect_ratio_resizes_the_centered_crop(tmp_path):
    columns = np.tile(np.arange(8, dtype=np.uint8) * 10, (4, 1))  # 4 x 8, value = 10 * column
    (tmp_path / "c").mkdir()
    Image.fromarray(columns, "L").save(tmp_path / "c" / "wide.png")
    kw = dict(target_size=(2, 2), color_mode="grayscale", shuffle=False)
    cropped = DirectoryIterator(str(tmp_path), None, keep_aspect_ratio=True, **kw)[0][0][0, :, :, 0]
    squeezed = DirectoryIterator(str(tmp_path), None, **kw)[0][0][0, :, :, 0]
    # nearest samples the pixel centers: columns 3 and 5 of the middle 4 x 4 (columns 2..5),
    # columns 2 and 6 of the whole width
    np.testing.assert_array_equal(cropped, [[30, 50], [30, 50]])
    np.testing.assert_array_equal(squeezed, [[20, 60], [20, 60]])


def test_directory_iterator_given_classes_subsets_and_follow_links(image_dir, tmp_path):
    it = DirectoryIterator(image_dir, FakeGenerator(), target_size=(4, 5), classes=["dog"], shuffle=False)
    assert it.class_indices == {"dog": 0} and it.samples == 3
    gen = FakeGenerator(validation_split=0.34)
    val = DirectoryIterator(image_dir, gen, target_size=(4, 5), subset="validation", shuffle=False)
    train = DirectoryIterator(image_dir, gen, target_size=(4, 5), subset="training", shuffle=False)
    # per class: cat has 3 files -> int(0.34 * 3) = 1 for validation; dog has 3 -> 1
    assert val.filenames == [os.path.join("cat", "0.png"), os.path.join("dog", "0.png")]
    assert train.samples == 4 and list(train.classes) == [0, 0, 1, 1]
    assert (val.split, train.subset) == ((0, 0.34), "training")
    os.symlink(os.path.join(image_dir, "cat"), os.path.join(image_dir, "dog", "linked"))
    plain = DirectoryIterator(image_dir, None, target_size=(4, 5))
    followed = DirectoryIterator(image_dir, None, target_size=(4, 5), follow_links=True)
    assert (plain.samples, followed.samples) == (6, 9)


def test_directory_iterator_errors(image_dir, tmp_path):
    with pytest.raises(FileNotFoundError, match="expected a directory of class subfolders"):
        DirectoryIterator(str(tmp_path / "missing"), None)
    with pytest.raises(ValueError, match="Invalid class_mode: other; expected one of"):
        DirectoryIterator(image_dir, None, class_mode="other")
    with pytest.raises(ValueError, match='Invalid color mode: cmyk; expected "rgb", "rgba", or "grayscale"'):
        DirectoryIterator(image_dir, None, color_mode="cmyk")
    with pytest.raises(ValueError, match="Invalid subset name: test"):
        DirectoryIterator(image_dir, FakeGenerator(), subset="test")
    with pytest.raises(ValueError, match="subset='training' takes its split from the ImageDataGenerator"):
        DirectoryIterator(image_dir, None, subset="training")
    with pytest.warns(UserWarning, match="no folder for the classes \\['bird'\\]"):
        DirectoryIterator(image_dir, None, classes=["cat", "bird"])


def test_directory_iterator_save_to_dir(image_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    it = DirectoryIterator(image_dir, None, target_size=(4, 5), batch_size=2, shuffle=False,
                           save_to_dir=str(out), save_prefix="p", save_format="jpeg")
    it[0]
    names = sorted(os.listdir(out))
    assert len(names) == 2 and all(n.startswith("p_") and n.endswith(".jpeg") for n in names)


# -- DataFrameIterator --------------------------------------------------------------------------
@pytest.fixture
def frame(image_dir):
    pd = pytest.importorskip("pandas")
    return pd.DataFrame({
        "filename": ["cat/0.png", "dog/0.png", "cat/1.png", "dog/1.png", "cat/missing.png", "dog/notes.txt"],
        "class": ["cat", "dog", "cat", "dog", "cat", "dog"],
        "tags": [["cat"], ["dog"], ["cat", "dog"], ["dog"], ["cat"], ["dog"]],
        "weight": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "score": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
        "size": [1, 2, 3, 4, 5, 6],
    })


def test_dataframe_iterator_validates_filenames_and_labels(frame, image_dir, capsys):
    with pytest.warns(UserWarning, match='Found 2 invalid image filename\\(s\\) in x_col="filename"'):
        it = DataFrameIterator(frame, image_dir, FakeGenerator(), target_size=(4, 5), shuffle=False,
                               batch_size=3, weight_col="weight")
    assert "Found 4 validated image filenames belonging to 2 classes." in capsys.readouterr().out
    assert it.filenames == ["cat/0.png", "dog/0.png", "cat/1.png", "dog/1.png"]
    assert it.class_indices == {"cat": 0, "dog": 1} and it.classes == [0, 1, 0, 1] and it.labels == it.classes
    x, y, w = it[0]
    assert _first_pixel_values(x) == [10, 20, 11]
    np.testing.assert_array_equal(y, [[1, 0], [0, 1], [1, 0]])
    np.testing.assert_array_equal(w, [1.0, 2.0, 3.0])


def test_dataframe_iterator_class_modes(frame, image_dir):
    ok = frame.iloc[:4]
    kw = dict(directory=image_dir, image_data_generator=None, target_size=(4, 5), shuffle=False, batch_size=4)
    x, y = DataFrameIterator(ok, class_mode="binary", **kw)[0]
    np.testing.assert_array_equal(y, [0, 1, 0, 1])
    x, y = DataFrameIterator(ok, class_mode="sparse", classes=["dog", "cat"], **kw)[0]
    np.testing.assert_array_equal(y, [1, 0, 1, 0])
    multi = DataFrameIterator(ok, y_col="tags", **kw)
    assert multi.classes == [[0], [1], [0, 1], [1]]
    np.testing.assert_array_equal(multi[0][1], [[1, 0], [0, 1], [1, 1], [0, 1]])
    raw = DataFrameIterator(ok, y_col=["score", "size"], class_mode="raw", **kw)
    np.testing.assert_array_equal(raw[0][1], ok[["score", "size"]].values)
    outs = DataFrameIterator(ok, y_col=["score", "size"], class_mode="multi_output", **kw)[0][1]
    assert isinstance(outs, list) and len(outs) == 2
    np.testing.assert_array_equal(outs[1], [1, 2, 3, 4])
    x, y = DataFrameIterator(ok, class_mode="input", **kw)[0]
    np.testing.assert_array_equal(x, y)
    only_x = DataFrameIterator(ok, class_mode=None, **kw)[0]
    assert only_x.shape == (4, 4, 5, 3)
    dropped = DataFrameIterator(ok, classes=["dog"], **kw)
    assert dropped.filenames == ["dog/0.png", "dog/1.png"] and dropped.class_indices == {"dog": 0}


def test_dataframe_iterator_absolute_paths_subset_and_no_validation(frame, image_dir):
    absolute = frame.iloc[:4].copy()
    absolute["filename"] = [os.path.join(image_dir, f) for f in absolute["filename"]]
    gen = FakeGenerator(validation_split=0.5)
    val = DataFrameIterator(absolute, None, gen, target_size=(4, 5), subset="validation", shuffle=False)
    train = DataFrameIterator(absolute, None, gen, target_size=(4, 5), subset="training", shuffle=False)
    assert val.filenames == list(absolute["filename"][:2]) and train.classes == [0, 1]
    unchecked = DataFrameIterator(frame, image_dir, None, validate_filenames=False)
    assert unchecked.samples == 6


def test_dataframe_iterator_errors(frame, image_dir):
    kw = dict(directory=image_dir)
    with pytest.raises(ValueError, match="Invalid class_mode: other"):
        DataFrameIterator(frame, class_mode="other", **kw)
    with pytest.raises(TypeError, match='If class_mode="multi_output", y_col must be a list. Received str.'):
        DataFrameIterator(frame, class_mode="multi_output", **kw)
    with pytest.raises(TypeError, match='If class_mode="binary", y_col="tags" column values must be strings'):
        DataFrameIterator(frame, y_col="tags", class_mode="binary", **kw)
    with pytest.raises(ValueError, match="there must be 2 classes. 3 class/es were given"):
        DataFrameIterator(frame, class_mode="binary", classes=["a", "b", "c"], **kw)
    with pytest.raises(TypeError, match="Column weight_col=class must be numeric"):
        DataFrameIterator(frame, weight_col="class", **kw)
    with pytest.raises(KeyError, match="no column 'path' \\(x_col\\)"):
        DataFrameIterator(frame, x_col="path", **kw)
    bad = frame.copy()
    bad["filename"] = [1, 2, 3, 4, 5, 6]
    with pytest.raises(TypeError, match="All values in column x_col=filename must be strings"):
        DataFrameIterator(bad, **kw)
    with pytest.raises(TypeError, match="expected `dataframe` to be a pandas DataFrame"):
        DataFrameIterator({"filename": []}, **kw)
    with pytest.warns(UserWarning, match='`classes` will be ignored given the class_mode="raw"'):
        DataFrameIterator(frame.iloc[:4], y_col="score", class_mode="raw", classes=["cat"], **kw)


# -- fit / evaluate / predict -------------------------------------------------------------------
def _model(outputs, loss):
    model = keras.Sequential([keras.layers.Input((4, 5, 3)), keras.layers.Flatten(),
                              keras.layers.Dense(outputs, activation="softmax" if outputs > 1
                                                 else "sigmoid")])
    model.compile("sgd", loss)
    return model


def _fit_directory(image_dir, workers=1, use_multiprocessing=False, steps_per_epoch=None, **kw):
    """Losses, evaluation and weights of a model fit on a seeded directory iterator."""
    it = DirectoryIterator(image_dir, FakeGenerator(scale=1 / 255, random_flip=True), target_size=(4, 5),
                           batch_size=1, seed=0, **kw)
    it.workers, it.use_multiprocessing = workers, use_multiprocessing
    keras.utils.set_random_seed(0)
    sparse = kw.get("class_mode") == "sparse"
    loss = "sparse_categorical_crossentropy" if sparse else "categorical_crossentropy"
    model = _model(2, loss)
    history = model.fit(it, epochs=3, verbose=0, steps_per_epoch=steps_per_epoch)
    return history.history["loss"], model.evaluate(it, verbose=0), model.get_weights()


def _assert_same_fit(a, b):
    np.testing.assert_allclose(a[0], b[0], rtol=1e-6)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-6)
    for wa, wb in zip(a[2], b[2]):
        np.testing.assert_allclose(wa, wb, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("steps_per_epoch", [None, 2])
def test_fit_evaluate_on_a_directory_iterator_with_threads_equals_one_worker(image_dir, steps_per_epoch):
    reference = _fit_directory(image_dir, steps_per_epoch=steps_per_epoch)
    assert np.isfinite(reference[0]).all() and np.isfinite(reference[1])
    _assert_same_fit(_fit_directory(image_dir, workers=2, steps_per_epoch=steps_per_epoch), reference)


def test_predict_with_class_mode_none_and_numpy_iterator(image_dir):
    it = DirectoryIterator(image_dir, FakeGenerator(scale=1 / 255), target_size=(4, 5), batch_size=4,
                           class_mode=None, shuffle=False)
    model = _model(1, "binary_crossentropy")
    assert model.predict(it, verbose=0).shape == (6, 1)
    flow = NumpyArrayIterator(np.random.RandomState(0).rand(7, 4, 5, 3), np.arange(7) % 2, FakeGenerator(),
                              batch_size=3)
    flow.workers = 2
    model.fit(flow, epochs=1, verbose=0)
    flow.workers = 1
    predicted = model.predict(flow, verbose=0)
    flow.workers = 2
    np.testing.assert_array_equal(model.predict(flow, verbose=0), predicted)
    images_only = NumpyArrayIterator(flow.x, None, FakeGenerator(), batch_size=3)
    assert model.predict(images_only, verbose=0).shape == (7, 1)


def test_fit_with_use_multiprocessing(image_dir):
    reference = _fit_directory(image_dir, class_mode="sparse", steps_per_epoch=2)
    _assert_same_fit(_fit_directory(image_dir, workers=2, use_multiprocessing=True, class_mode="sparse",
                                    steps_per_epoch=2), reference)
