"""The array-module implementation of each loop: the same names, arguments and values as
``numba_kernels``, written as whole-array operations.

Each function follows its input's array module (``get_array_module``), so it runs on
NumPy arrays, on any array of the backend's module, strided or not, and is what every
op runs when the compiled loops are off or cannot take the arrays. Outputs are written
in place into the arrays the dispatch (``backend.kernels``) allocated, as the compiled
loops write them. Values are the compiled loops' exactly, NaN included: a NaN wins a
max-pool window, and a NaN or inf upstream gradient where ReLU clipped or pooling did
not pick a value gives 0.
"""

from .. import get_array_module


def bias_relu(y, bias, relu):
    """In place on y (M, F): y += bias (None: no bias), then y = max(y, 0) if ``relu``."""
    if bias is not None:
        y += bias
    if relu:
        get_array_module(y).maximum(y, 0, out=y)


def relu(x, out):
    """out = max(x, 0) (NaN stays NaN)."""
    get_array_module(x).maximum(x, 0, out=out)


def relu_grad(g, y, out):
    """out = g where y > 0, else 0 (the ReLU's backward, y its output)."""
    xp = get_array_module(g)
    out[...] = 0
    xp.copyto(out, g, where=y > 0)


def _tile(a, o_row, o_col, ph, pw, out_hw):
    """a[:, o_row + i*ph, o_col + j*pw, :] for every tile (i, j): one offset of every tile."""
    ho, wo = out_hw
    return a[:, o_row: o_row + ph * (ho - 1) + 1: ph, o_col: o_col + pw * (wo - 1) + 1: pw, :]


def max_pool_tiled(x, ph, pw, y, index):
    """Max pooling over the (ph, pw) tiles of x (N, H, W, C) into y (N, Ho, Wo, C); index gets
    a*pw + b of the first maximum in row-major window order; a NaN wins over every number."""
    xp = get_array_module(x)
    out_hw = y.shape[1:3]
    y[...] = _tile(x, 0, 0, ph, pw, out_hw)
    index[...] = 0
    for o in range(1, ph * pw):
        v = _tile(x, o // pw, o % pw, ph, pw, out_hw)
        beats = (v > y) | (xp.isnan(v) & ~xp.isnan(y))
        xp.copyto(index, o, where=beats)
        xp.maximum(y, v, out=y)


def max_pool_tiled_grad(g, index, ph, pw, gx):
    """gx[tile (i, j), offset o] = g[i, j] where index == o, else 0, over every tiled value of gx
    (rows and columns past the last whole tile are left as they are)."""
    xp = get_array_module(g)
    zero = xp.zeros((), dtype=gx.dtype)
    for o in range(ph * pw):
        _tile(gx, o // pw, o % pw, ph, pw, g.shape[1:3])[...] = xp.where(index == o, g, zero)


def col2im(dcols, sh, sw, dh, dw, gx):
    """gx[n, i*sh + a*dh, j*sw + b*dw, :] += dcols[n, i, j, a, b, :]: each window's gradient
    added back where the window read x (the adjoint of im2col), one strided slice per offset."""
    _, ho, wo, kh, kw, _ = dcols.shape
    for a in range(kh):
        for b in range(kw):
            gx[:, a * dh: a * dh + sh * (ho - 1) + 1: sh,
               b * dw: b * dw + sw * (wo - 1) + 1: sw, :] += dcols[:, :, :, a, b, :]


def adam_update(w, g, m, v, c1, c2, alpha, eps):
    """One Adam step in place: m += (g - m) c1;  v += (g^2 - v) c2;  w -= (m alpha) / (sqrt(v) + eps)
    (the float operations of ``numba_kernels.adam_update``, in the same order)."""
    xp = get_array_module(w)
    tmp = g - m
    tmp *= c1
    m += tmp
    xp.square(g, out=tmp)
    tmp -= v
    tmp *= c2
    v += tmp
    xp.sqrt(v, out=tmp)
    tmp += eps
    step = m * alpha
    step /= tmp
    w -= step
