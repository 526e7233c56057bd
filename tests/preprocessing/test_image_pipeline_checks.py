"""The legacy image pipeline's argument checks, 16-/32-bit grayscale files, save_to_dir, the
factored ZCA matrix, flow's x kept as given, and the bounded caches."""

import os

import numpy as np
import pytest
from PIL import Image

from shenjing.backend.kernels import warp_numpy
from shenjing.preprocessing.image import ImageDataGenerator
from shenjing.preprocessing.image import image_data_generator as idg_module
from shenjing.preprocessing.image.affine_transformations import apply_affine_transform
from shenjing.utils import image_utils


@pytest.fixture
def gray_files(tmp_path):
    a16 = (np.arange(30).reshape(5, 6) * 2000).astype(np.uint16)
    a32 = (np.arange(30).reshape(5, 6) * 100000 - 5).astype(np.int32)
    Image.fromarray(a16).save(tmp_path / "g16.png")
    Image.fromarray(a32).save(tmp_path / "g32.tif")
    Image.fromarray(np.arange(30, dtype=np.uint8).reshape(5, 6)).convert("P").save(tmp_path / "p.png")
    return tmp_path, a16, a32


def test_load_img_grayscale_keeps_16_and_32_bit_values(gray_files):
    root, a16, a32 = gray_files
    img = image_utils.load_img(root / "g16.png", color_mode="grayscale")
    assert img.mode == "I;16"
    np.testing.assert_array_equal(np.asarray(img), a16)
    img = image_utils.load_img(root / "g32.tif", color_mode="grayscale")
    assert img.mode == "I"
    np.testing.assert_array_equal(np.asarray(img), a32)
    assert image_utils.load_img(root / "p.png", color_mode="grayscale").mode == "L"


def test_file_iterators_carry_raw_grayscale_values(gray_files):
    from shenjing.preprocessing.image import DataFrameIterator

    root, a16, a32 = gray_files
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"filename": ["g16.png", "g32.tif"]})
    for generator in (None, ImageDataGenerator()):  # raw pixels, and through a float image
        it = DataFrameIterator(df, str(root), generator, class_mode=None, target_size=(5, 6),
                               color_mode="grayscale", shuffle=False)
        batch = it[0]
        np.testing.assert_array_equal(batch[0, :, :, 0], a16.astype("float32"))
        np.testing.assert_array_equal(batch[1, :, :, 0], a32.astype("float32"))


# -- save_to_dir -------------------------------------------------------------------------------

def test_save_to_dir_never_overwrites(tmp_path):
    x = np.random.RandomState(0).rand(3, 4, 4, 3) * 255
    for _ in range(2):  # the same seeded program twice: the second run's files are added
        it = ImageDataGenerator().flow(x, batch_size=3, seed=1, save_to_dir=str(tmp_path),
                                       save_prefix="aug")
        for _ in range(4):
            next(it)
    assert len(os.listdir(tmp_path)) == 2 * 4 * 3


def test_save_to_dir_retries_a_taken_name(tmp_path, monkeypatch):
    x = np.zeros((2, 4, 4, 3))
    it = ImageDataGenerator().flow(x, batch_size=2, shuffle=False, seed=0, save_to_dir=str(tmp_path))
    it[0]
    first = sorted(os.listdir(tmp_path))
    it._epochs_ended = 0  # the very same batch seed: the same first names
    it[0]
    assert len(os.listdir(tmp_path)) == 4 and set(first) <= set(os.listdir(tmp_path))


def test_save_to_dir_rgba_as_jpeg_and_missing_directory(tmp_path):
    x = np.random.RandomState(0).rand(2, 4, 4, 4) * 255
    it = ImageDataGenerator().flow(x, batch_size=2, save_to_dir=str(tmp_path), save_format="jpeg")
    next(it)
    names = os.listdir(tmp_path)
    assert len(names) == 2 and all(n.endswith(".jpeg") for n in names)
    with Image.open(tmp_path / names[0]) as img:
        assert img.mode == "RGB"
    with pytest.raises(FileNotFoundError, match="save_to_dir"):
        ImageDataGenerator().flow(x, save_to_dir=str(tmp_path / "missing"))
    (tmp_path / "cls").mkdir()
    with pytest.raises(FileNotFoundError, match="save_to_dir"):
        ImageDataGenerator().flow_from_directory(str(tmp_path), save_to_dir=str(tmp_path / "missing"))


# -- argument checks ---------------------------------------------------------------------------

@pytest.mark.parametrize("kw", [dict(batch_size=0), dict(batch_size=-1), dict(batch_size=2.5),
                                dict(seed=-5), dict(seed=1.5), dict(seed=2**32)])
def test_flow_checks_batch_size_and_seed(kw):
    with pytest.raises(ValueError, match="batch_size" if "batch_size" in kw else "seed"):
        ImageDataGenerator().flow(np.zeros((4, 2, 2, 1)), **kw)


def test_largest_seed_reads_many_epochs():
    it = ImageDataGenerator(rotation_range=10).flow(np.random.rand(4, 3, 3, 1), batch_size=2,
                                                    seed=2**32 - 1)
    for _ in range(6):  # next(): seed + total_batches_seen passes 2**32
        next(it)
    for _ in range(3):  # it[i] and on_epoch_end
        it[0], it[1]
        it.on_epoch_end()


@pytest.mark.parametrize("kw,match", [(dict(target_size=28), "target_size"),
                                      (dict(target_size=(28, 28, 1)), "target_size"),
                                      (dict(interpolation="cubic"), "interpolation")])
def test_file_iterators_check_target_size_and_interpolation(tmp_path, kw, match):
    (tmp_path / "a").mkdir()
    with pytest.raises(ValueError, match=match):
        ImageDataGenerator().flow_from_directory(str(tmp_path), **kw)


@pytest.mark.parametrize("kw,match", [(dict(rotation_range="30"), "rotation_range"),
                                      (dict(width_shift_range="0.2"), "width_shift_range"),
                                      (dict(height_shift_range=[[1, 2]]), "height_shift_range"),
                                      (dict(cval="x"), "cval"),
                                      (dict(fill_mode="edge"), "fill_mode"),
                                      (dict(interpolation_order=7), "order"),
                                      (dict(brightness_range=("a", 1)), "brightness_range")])
def test_generator_checks_its_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        ImageDataGenerator(**kw)


def test_generator_accepts_keras_shift_forms():
    for value in (0.2, 3, [1, 2, 3], (0.1, 0.2), np.array([1, 2])):
        ImageDataGenerator(width_shift_range=value, height_shift_range=value)


def test_apply_affine_transform_checks_order_and_fill_mode():
    x = np.random.rand(5, 5, 1)
    with pytest.raises(ValueError, match="order"):
        apply_affine_transform(x, theta=10, order=7, channel_axis=2, row_axis=0, col_axis=1)
    with pytest.raises(ValueError, match="fill_mode"):
        apply_affine_transform(x, theta=10, fill_mode="edge", channel_axis=2, row_axis=0, col_axis=1)


def test_fit_on_zero_samples_is_an_error():
    with pytest.raises(ValueError, match="at least one sample"):
        ImageDataGenerator(zca_whitening=True).fit(np.zeros((0, 3, 3, 1)))


def test_flow_from_directory_binary_needs_two_classes(tmp_path):
    for name in "abc":
        (tmp_path / name).mkdir()
    with pytest.raises(ValueError, match="binary.*2 classes"):
        ImageDataGenerator().flow_from_directory(str(tmp_path), class_mode="binary")
    ImageDataGenerator().flow_from_directory(str(tmp_path), class_mode="binary", classes=["a", "b"])


# -- ZCA factors, flow's x, fit's copy ---------------------------------------------------------

def test_zca_is_kept_factored_and_whitens_as_the_matrix():
    rng = np.random.RandomState(0)
    x = rng.rand(6, 4, 4, 3).astype("float32")
    gen = ImageDataGenerator(zca_whitening=True)
    gen.fit(x)
    u, s_inv = gen._zca_factors
    assert u.shape == (48, 6) and s_inv.shape == (6,)  # D x k, k = min(N, D)
    matrix = gen.zca_whitening_matrix
    assert matrix.shape == (48, 48)
    sample = rng.rand(4, 4, 3).astype("float32")
    expected = ((sample - gen.mean).reshape(1, -1) @ matrix).reshape(sample.shape)
    np.testing.assert_allclose(gen.standardize(sample.copy()), expected, rtol=1e-5, atol=1e-5)
    gen.zca_whitening_matrix = matrix * 2  # an assigned matrix is used as given
    np.testing.assert_allclose(gen.standardize(sample.copy()), 2 * expected, rtol=1e-5, atol=1e-5)


def test_zca_matrix_property_refuses_a_huge_matrix(monkeypatch):
    gen = ImageDataGenerator(zca_whitening=True)
    gen.fit(np.random.RandomState(0).rand(3, 8, 8, 3))
    monkeypatch.setattr(idg_module, "_ZCA_MATRIX_BYTES", 1000)
    with pytest.raises(MemoryError, match="D = 192"):
        gen.zca_whitening_matrix
    gen.standardize(np.random.rand(8, 8, 3).astype("float32"))  # whitening needs no matrix


def test_flow_keeps_x_as_given():
    x = np.arange(2 * 3 * 3 * 1, dtype=np.uint8).reshape(2, 3, 3, 1)
    it = ImageDataGenerator(rescale=0.5).flow(x, batch_size=2, shuffle=False)
    assert it.x is x or np.shares_memory(it.x, x)
    assert it.x.dtype == np.uint8
    batch = it[0]
    assert batch.dtype == np.float32
    np.testing.assert_array_equal(batch, x.astype("float32") * 0.5)
    np.testing.assert_array_equal(x, np.arange(18, dtype=np.uint8).reshape(2, 3, 3, 1))
    with pytest.raises(TypeError, match="numeric"):
        ImageDataGenerator().flow(np.array([[[["a"]]]]))


def test_fit_copies_once_and_leaves_x_alone(monkeypatch):
    x = np.random.RandomState(0).rand(4, 3, 3, 1).astype("float32")
    kept = x.copy()
    copies = []
    real_copy = np.copy
    monkeypatch.setattr(idg_module.np, "copy", lambda *a, **k: copies.append(1) or real_copy(*a, **k))
    ImageDataGenerator(featurewise_center=True, rescale=2.0).fit(x)
    np.testing.assert_array_equal(x, kept)
    assert copies == []


def test_grid_cache_is_bounded_by_bytes(monkeypatch):
    monkeypatch.setattr(warp_numpy, "_GRIDS", {})
    monkeypatch.setattr(warp_numpy, "_GRID_BYTES", 16 * 100)
    warp_numpy._grid(5, 5)
    warp_numpy._grid(6, 6)  # 25 + 36 points * 16 bytes fit in 1600
    assert len(warp_numpy._GRIDS) == 2
    warp_numpy._grid(7, 7)  # would pass the bound: the cache is emptied first
    assert list(warp_numpy._GRIDS) == [(7, 7)]
    warp_numpy._grid(20, 20)  # larger than the whole cache: not kept
    assert (20, 20) not in warp_numpy._GRIDS
