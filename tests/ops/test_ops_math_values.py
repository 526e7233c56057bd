"""Values and errors of ``keras.ops.math`` beyond the gradient harness."""

import numpy as np
import pytest
from scipy import signal, special

from shenjing import ops

R = np.random.default_rng(11)


def test_segment_reductions_and_empty_segments():
    data = np.array([[1.0, 5.0], [2.0, 0.0], [3.0, 4.0]])
    ids = np.array([0, 2, 0])
    np.testing.assert_array_equal(ops.segment_sum(data, ids).numpy(), [[4, 9], [0, 0], [2, 0]])
    np.testing.assert_array_equal(ops.segment_max(data, ids).numpy()[[0, 2]], [[3, 5], [2, 0]])
    assert np.isneginf(ops.segment_max(data, ids).numpy()[1]).all()
    np.testing.assert_array_equal(ops.segment_min(data, ids, num_segments=4).numpy()[0], [1, 4])
    np.testing.assert_array_equal(ops.segment_prod(data, ids).numpy(), [[3, 20], [1, 1], [2, 0]])
    assert ops.segment_sum(np.array([1, 2]), [0, 0]).numpy().tolist() == [3]
    with pytest.raises(ValueError, match="segment_ids must lie"):
        ops.segment_sum(data, ids, num_segments=2)
    with pytest.raises(ValueError, match="as long as"):
        ops.segment_sum(data, [0, 1])


def test_top_k_in_top_k_and_errors():
    x = np.array([[1.0, 3.0, 2.0, 3.0], [0.0, -1.0, 5.0, 4.0]])
    values, indices = ops.top_k(x, 2)
    np.testing.assert_array_equal(values.numpy(), [[3, 3], [5, 4]])
    np.testing.assert_array_equal(indices.numpy(), [[1, 3], [2, 3]])
    assert indices.dtype == np.int32
    np.testing.assert_array_equal(ops.in_top_k([3, 0], x, 2).numpy(), [True, False])
    with pytest.raises(ValueError, match="k"):
        ops.top_k(x, 5)


def test_special_functions_rsqrt_cdist_logdet():
    x = np.linspace(-0.9, 0.9, 7)
    np.testing.assert_allclose(ops.erf(x).numpy(), special.erf(x))
    np.testing.assert_allclose(ops.erfc(x).numpy(), special.erfc(x))
    np.testing.assert_allclose(ops.erf(ops.erfinv(x)).numpy(), x, rtol=1e-12)
    np.testing.assert_allclose(ops.rsqrt(np.array([4.0, 0.25])).numpy(), [0.5, 2.0])
    a, b = R.standard_normal((3, 2)), R.standard_normal((4, 2))
    np.testing.assert_allclose(ops.cdist(a, b).numpy(),
                               np.linalg.norm(a[:, None] - b[None], axis=-1))
    m = np.array([[2.0, 1.0], [1.0, -3.0]])
    np.testing.assert_allclose(ops.logdet(m).numpy(), np.log(7.0))
    with pytest.raises(ValueError, match="must match"):
        ops.cdist(a, np.ones((2, 3)))


def test_extract_sequences_frames():
    x = np.arange(10.0)
    out = ops.extract_sequences(x, 4, 3).numpy()
    np.testing.assert_array_equal(out, [[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]])
    with pytest.raises(ValueError, match="longer"):
        ops.extract_sequences(np.ones(3), 4, 1)


def test_fourier_transforms_match_numpy():
    re, im = R.standard_normal((2, 3, 8))
    z = re + 1j * im
    for fn, ref in [(ops.fft, np.fft.fft(z)), (ops.fft2, np.fft.fft2(z)),
                    (ops.ifft2, np.fft.ifft2(z))]:
        r, i = fn((re, im))
        np.testing.assert_allclose(r.numpy() + 1j * i.numpy(), ref, atol=1e-12)
    r, i = ops.rfft(re, fft_length=6)
    np.testing.assert_allclose(r.numpy() + 1j * i.numpy(), np.fft.rfft(re, n=6), atol=1e-12)
    np.testing.assert_allclose(ops.irfft((re, im), fft_length=9).numpy(),
                               np.fft.irfft(z, n=9), atol=1e-12)
    with pytest.raises(ValueError, match="real and imaginary"):
        ops.fft(re)


def test_stft_matches_scipy_and_istft_inverts_it():
    x = R.standard_normal((2, 40))
    r, i = ops.stft(x, 8, 4, 8, center=False)
    ref = signal.stft(x, window=signal.get_window("hann", 8), nperseg=8, noverlap=4,
                      boundary=None, padded=False)[-1] * signal.get_window("hann", 8).sum()
    np.testing.assert_allclose(r.numpy() + 1j * i.numpy(), np.swapaxes(ref, -1, -2), atol=1e-10)
    back = ops.istft(ops.stft(x, 8, 2, 8), 8, 2, 8, length=40).numpy()
    np.testing.assert_allclose(back, x, atol=1e-10)
    with pytest.raises(ValueError, match="fft_length"):
        ops.stft(x, 8, 4, 4)
    with pytest.raises(ValueError, match="window"):
        ops.stft(x, 8, 4, 8, window="kaiser")
    with pytest.raises(TypeError, match="float32"):
        ops.stft(np.arange(40), 8, 4, 8)


def test_complex_views():
    pairs = R.standard_normal((3, 2))
    c = ops.view_as_complex(pairs)
    np.testing.assert_allclose(c.numpy(), pairs[:, 0] + 1j * pairs[:, 1])
    np.testing.assert_allclose(ops.view_as_real(c).numpy(), pairs)
    with pytest.raises(ValueError, match="complex"):
        ops.view_as_real(pairs)
    with pytest.raises(ValueError, match="last dimension must be 2"):
        ops.view_as_complex(np.ones((2, 3)))


def test_every_math_op_is_registered():
    for name in ops.math.__all__:
        assert getattr(ops.math, name).keras_module == "math"
    assert ops.stft.keras_class_name == "STFT" and ops.fft2.keras_class_name == "FFT2"
