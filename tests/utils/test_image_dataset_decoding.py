"""image_dataset_from_directory: how each PNG kind decodes (TF's decode_png rules), the resize
skipped at image_size, and the parallel decode giving what a serial one gives."""

import numpy as np
import pytest
from PIL import Image

from shenjing.keras.utils import image_dataset_from_directory
from shenjing.ops import image as image_ops
from shenjing.utils import image_dataset


def _one(tmp_path, image, color_mode, size=None, **kwargs):
    folder = tmp_path / "d" / "a"
    folder.mkdir(parents=True, exist_ok=True)
    image.save(folder / "x.png")
    ds = image_dataset_from_directory(tmp_path / "d", image_size=size or image.size[::-1],
                                      color_mode=color_mode, shuffle=False, verbose=False, **kwargs)
    return next(iter(ds))[0].numpy()[0]


def test_16_bit_gray_keeps_the_high_byte(tmp_path):
    values = (np.arange(16, dtype=np.uint16).reshape(4, 4) * 4000 + 300)
    image = Image.fromarray(values)
    assert image.mode.startswith("I;16")
    gray = _one(tmp_path, image, "grayscale")
    np.testing.assert_array_equal(gray[..., 0], values >> 8)   # png_set_strip_16
    rgb = _one(tmp_path, image, "rgb")
    np.testing.assert_array_equal(rgb, np.repeat((values >> 8)[..., None], 3, axis=-1))
    rgba = _one(tmp_path, image, "rgba")
    np.testing.assert_array_equal(rgba[..., 3], 255)


def test_colour_to_gray_uses_libpngs_truncated_coefficients():
    rgb = np.array([[[0, 0, 114], [255, 0, 0], [10, 200, 30], [7, 7, 7]]], np.uint8)
    r, g, b = (rgb[..., i].astype(np.int64) for i in range(3))
    expected = (9797 * r + 19234 * g + 3737 * b) >> 15
    np.testing.assert_array_equal(image_dataset._png_gray(rgb), expected)
    assert image_dataset._png_gray(np.array([[[0, 0, 114]]], np.uint8))[0, 0] == 13  # TF; 9798/19235/3735 gave 12
    every_gray = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)[None]
    np.testing.assert_array_equal(image_dataset._png_gray(every_gray)[0], np.arange(256))


@pytest.mark.parametrize("mode", ["L", "LA", "P", "1", "RGB", "RGBA"])
def test_each_png_mode_decodes_to_gray_as_tf(tmp_path, mode):
    rng = np.random.default_rng(0)
    rgb = Image.fromarray(rng.integers(0, 256, (5, 6, 3)).astype(np.uint8))
    image = rgb.convert(mode)
    gray = _one(tmp_path, image, "grayscale")[..., 0]
    if mode in ("L", "LA", "1"):
        expected = np.asarray(image.convert("L"))
    else:
        expected = image_dataset._png_gray(np.asarray(image.convert("RGB")))
    np.testing.assert_array_equal(gray, expected)
    np.testing.assert_array_equal(_one(tmp_path, image, "rgb"), np.asarray(image.convert("RGB")))


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic", "lanczos3", "lanczos5"])
@pytest.mark.parametrize("aspect", [{}, {"crop_to_aspect_ratio": True}, {"pad_to_aspect_ratio": True}])
def test_an_image_already_at_image_size_is_not_resampled(tmp_path, interpolation, aspect):
    pixels = np.random.default_rng(1).integers(0, 256, (7, 5, 3)).astype(np.uint8)
    out = _one(tmp_path, Image.fromarray(pixels), "rgb", interpolation=interpolation, **aspect)
    np.testing.assert_array_equal(out, pixels)
    # ... which is what resampling to the same size would give (to float rounding)
    resampled = np.asarray(image_ops.resize(pixels.astype("float32"), (7, 5),
                                            interpolation=interpolation))
    np.testing.assert_allclose(resampled, pixels, atol=1e-3)


def test_parallel_decode_gives_the_serial_batches(tmp_path, monkeypatch):
    rng = np.random.default_rng(2)
    for c in range(3):
        (tmp_path / "d" / f"c{c}").mkdir(parents=True)
        for i in range(9):
            Image.fromarray(rng.integers(0, 256, (4 + i % 3, 5, 3)).astype(np.uint8)).save(
                tmp_path / "d" / f"c{c}" / f"{i}.png")

    def batches():
        ds = image_dataset_from_directory(tmp_path / "d", image_size=(6, 6), batch_size=4,
                                          seed=3, verbose=False)
        assert ds.class_names == ["c0", "c1", "c2"] and len(ds.file_paths) == 27
        assert len(ds) == 7
        return [(x.numpy(), y.numpy()) for x, y in ds]

    monkeypatch.setattr(image_dataset, "PARALLEL_BYTES", 0)   # threads even for tiny files
    assert image_dataset.decode_calls([str(tmp_path / "d" / "c0" / "0.png")]) is not None
    parallel = batches()
    monkeypatch.setattr(image_dataset, "DECODE_CALLS", None)   # decode serially
    serial = batches()
    assert len(parallel) == len(serial) == 7
    for (xp, yp), (xs, ys) in zip(parallel, serial):
        np.testing.assert_array_equal(xp, xs)
        np.testing.assert_array_equal(yp, ys)


def test_threads_only_for_files_large_enough(tmp_path):
    small, large = tmp_path / "small.png", tmp_path / "large.bin"
    small.write_bytes(b"x" * 100)
    large.write_bytes(b"x" * 10000)
    assert image_dataset.decode_calls([str(small)] * 3) is None
    assert image_dataset.decode_calls([str(large)] * 3) == image_dataset.DECODE_CALLS
    assert image_dataset.decode_calls([str(tmp_path / "missing.png")]) is None
