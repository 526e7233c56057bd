"""backend.kernels.warp: the compiled affine-resampling loop and its NumPy twin give the same
images (order 0 the very same pixels), both layouts, every fill mode."""

import numpy as np
import pytest

from shenjing.backend.kernels import warp, warp_numpy

warp_numba = pytest.importorskip("shenjing.backend.kernels.warp_numba")


@pytest.mark.parametrize("mode", warp_numpy.MODES)
@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_compiled_loop_equals_numpy_twin(mode, order, dtype):
    rng = np.random.default_rng([order, len(mode), len(dtype)])
    for _ in range(40):
        shape = (int(rng.integers(1, 9)), int(rng.integers(1, 9)), int(rng.choice([1, 3])))
        x = rng.normal(size=shape).astype(dtype)
        theta = rng.uniform(-np.pi, np.pi)
        matrix = rng.uniform(0.3, 3.0) * np.array([[np.cos(theta), -np.sin(theta)],
                                                   [np.sin(theta), np.cos(theta)]])
        offset = rng.uniform(-12, 12, 2)
        want = warp_numpy.affine_resample(np.moveaxis(x, 2, 0), matrix, offset, order, mode, 0.5)
        first = np.ascontiguousarray(x.transpose(2, 0, 1))
        for channels_last, image in ((True, x), (False, first)):
            out = np.empty_like(image)
            warp_numba.affine_resample(image, *matrix.ravel(), *offset, order,
                                       warp_numba.MODE_CODES[mode], 0.5, channels_last, out)
            got = out if not channels_last else np.moveaxis(out, 2, 0)
            if order == 0:
                np.testing.assert_array_equal(got, want)
            else:
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_switch_takes_views_and_keeps_layout():
    x = np.random.default_rng(0).random((5, 6, 3)).astype("float32")
    matrix = np.array([[0.0, 1.0], [-1.0, 0.0]])  # a quarter turn about the corner
    offset = np.array([0.0, 4.0])
    flipped = x[:, ::-1]  # not contiguous
    out = warp.affine_resample(flipped, 2, matrix, offset, 0, "nearest", 0.0)
    assert out.shape == x.shape and out.dtype == x.dtype
    want = warp_numpy.affine_resample(np.moveaxis(flipped, 2, 0), matrix, offset, 0, "nearest",
                                      0.0)
    np.testing.assert_array_equal(np.moveaxis(out, 2, 0), want)


def test_grid_cache_is_safe_from_threads(monkeypatch):
    import threading

    from shenjing.backend.kernels import warp_numpy

    monkeypatch.setattr(warp_numpy, "_GRID_BYTES", 16 * 400)   # frequent clears
    errors = []

    def work(offset):
        try:
            for k in range(300):
                warp_numpy._grid(5 + (k + offset) % 9, 3 + k % 5)
        except Exception as error:  # noqa: BLE001 - any error fails the test below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
