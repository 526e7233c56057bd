"""The numba implementation of each loop: plain Python loops that numba compiles to machine code.

Each loop makes one pass over memory where NumPy needs several (or a slow
broadcast): the innermost loop runs over the channels, which are contiguous,
so it vectorises. Every function takes C-contiguous NumPy arrays (the dispatch in
``backend.kernels`` checks) and is exact: the same values as the function of the
same name in ``numpy_kernels``, NaN included.

Imported only by ``backend.kernels`` on first use, so that ``import shenjing`` does
not import numba. Compiled on first use and cached on disk (``cache=True``).
"""

import numpy as np

import numba

jit = numba.njit(cache=True, nogil=True, error_model="numpy")  # IEEE division, as NumPy: no check for 0


@jit
def bias_relu(y, bias, relu):
    """In place on y (M, F): y += bias, then y = max(y, 0) if ``relu`` (NaN stays NaN)."""
    m, f = y.shape
    for i in range(m):
        row = y[i]
        for k in range(f):
            v = row[k] + bias[k]
            if relu and v < 0:
                v = 0.0
            row[k] = v


@jit
def relu(x, out):
    """out = max(x, 0) (NaN stays NaN)."""
    xf, of = x.reshape(-1), out.reshape(-1)
    for i in range(xf.size):
        of[i] = 0.0 if xf[i] < 0 else xf[i]


@jit
def relu_grad(g, y, out):
    """out = g where y > 0, else 0 (the ReLU's backward, y its output)."""
    gf, yf, of = g.reshape(-1), y.reshape(-1), out.reshape(-1)
    for i in range(gf.size):
        of[i] = gf[i] if yf[i] > 0 else 0.0


@jit
def max_pool_tiled(x, ph, pw, y, index):
    """Max pooling over the (ph, pw) tiles of x (N, H, W, C), tile (i, j) at rows i*ph.. and
    columns j*pw..; y and index are (N, Ho, Wo, C). index holds a*pw + b of the first
    maximum in row-major window order; a NaN wins over every number."""
    n, ho, wo, c = y.shape
    for s in range(n):
        for i in range(ho):
            yrow, irow = y[s, i], index[s, i]
            for a in range(ph):
                xrow = x[s, i * ph + a]
                for b in range(pw):
                    o = a * pw + b
                    for j in range(wo):
                        xv, yv, iv = xrow[j * pw + b], yrow[j], irow[j]
                        if o == 0:
                            for k in range(c):
                                yv[k] = xv[k]
                                iv[k] = 0
                        else:
                            for k in range(c):
                                v = xv[k]
                                if v > yv[k] or (v != v and yv[k] == yv[k]):
                                    yv[k] = v
                                    iv[k] = o


@jit
def max_pool_tiled_grad(g, index, ph, pw, gx):
    """gx[tile (i, j), offset o] = g[i, j] where index == o, else 0, over every tiled value of gx
    (rows and columns past the last whole tile are left as they are)."""
    n, ho, wo, c = g.shape
    for s in range(n):
        for i in range(ho):
            grow, irow = g[s, i], index[s, i]
            for a in range(ph):
                gxrow = gx[s, i * ph + a]
                for b in range(pw):
                    o = a * pw + b
                    for j in range(wo):
                        gv, iv, out = grow[j], irow[j], gxrow[j * pw + b]
                        for k in range(c):
                            out[k] = gv[k] if iv[k] == o else 0.0


@jit
def col2im(dcols, sh, sw, dh, dw, gx):
    """gx[n, i*sh + a*dh, j*sw + b*dw, :] += dcols[n, i, j, a, b, :]: each window's
    gradient added back where the window read x (the adjoint of im2col)."""
    n, ho, wo, kh, kw, c = dcols.shape
    for s in range(n):
        for i in range(ho):
            for a in range(kh):
                gxrow = gx[s, i * sh + a * dh]
                for j in range(wo):
                    drow = dcols[s, i, j, a]
                    for b in range(kw):
                        dv, out = drow[b], gxrow[j * sw + b * dw]
                        for k in range(c):
                            out[k] += dv[k]


@jit
def adam_update(w, g, m, v, c1, c2, alpha, eps):
    """One Adam step in place, the same float operations as ``numpy_kernels.adam_update``:
    m += (g - m) c1;  v += (g^2 - v) c2;  w -= (m alpha) / (sqrt(v) + eps)."""
    wf, gf, mf, vf = w.reshape(-1), g.reshape(-1), m.reshape(-1), v.reshape(-1)
    for i in range(wf.size):
        gi = gf[i]
        mi = mf[i] + (gi - mf[i]) * c1
        vi = vf[i] + (gi * gi - vf[i]) * c2
        mf[i] = mi
        vf[i] = vi
        wf[i] -= (mi * alpha) / (np.sqrt(vi) + eps)
