"""``ImageDataGenerator.apply_transform`` over a whole batch: the affine part of every image in
one call of the compiled resampling loop, each with its own matrix, then each image's
channel shift, flips and brightness as ``apply_transform`` does them.

The matrices are Keras's, computed for all images at once: ``R(theta) T(tx, ty) S(shear)
Z(zx, zy)`` about the image centre (``transform_matrix_offset_center``), in (row, col) terms.
The values equal ``apply_transform`` image by image to float rounding (the per-image path
takes NumPy's separable route for pure shifts and zooms); an image whose parameters are all
neutral is copied unchanged, as ``apply_affine_transform`` returns it.

``batchable(generator, x)`` says when the iterators use it: the generator's
``apply_transform``, ``get_random_transform`` and ``standardize`` are ``ImageDataGenerator``'s
own (an override might draw random numbers between images, which drawing all parameters
first would reorder), and the affine part is one the loop does (orders 0 and 1, the four fill
modes, a float batch).
"""

import numpy as np

from ...backend.kernels.warp import affine_resample_batch
from ...backend.kernels.warp_numpy import MODES


def batchable(generator, batch):
    from .image_data_generator import ImageDataGenerator

    own = all(getattr(type(generator), name) is getattr(ImageDataGenerator, name)
              for name in ("apply_transform", "get_random_transform", "standardize"))
    return (isinstance(generator, ImageDataGenerator) and own
            and generator.interpolation_order in (0, 1) and generator.fill_mode in MODES
            and batch.ndim == 4 and np.issubdtype(batch.dtype, np.floating))


def _column(params, key, neutral):
    return np.array([p.get(key, neutral) for p in params], dtype=np.float64)


def affine_matrices(params, rows, cols, swap):
    """Per image: the 2x2 matrix and offset that map output (row, col) to input coordinates,
    and whether the image is left as it is (``apply_affine_transform``'s shortcuts)."""
    theta, tx, ty = (_column(params, k, 0) for k in ("theta", "tx", "ty"))
    shear = _column(params, "shear", 0)
    zx, zy = _column(params, "zx", 1), _column(params, "zy", 1)
    n = len(params)
    t, s = np.deg2rad(theta), np.deg2rad(shear)
    stack = np.zeros((4, n, 3, 3))
    stack[:, :, 2, 2] = 1
    rotation, shift, shearing, zoom = stack
    rotation[:, 0, 0], rotation[:, 0, 1] = np.cos(t), -np.sin(t)
    rotation[:, 1, 0], rotation[:, 1, 1] = np.sin(t), np.cos(t)
    shift[:, 0, 0] = shift[:, 1, 1] = 1
    shift[:, 0, 2], shift[:, 1, 2] = tx, ty
    shearing[:, 0, 0], shearing[:, 0, 1], shearing[:, 1, 1] = 1, -np.sin(s), np.cos(s)
    zoom[:, 0, 0], zoom[:, 1, 1] = zx, zy
    matrix = rotation @ shift @ shearing @ zoom
    o_x, o_y = rows / 2 - 0.5, cols / 2 - 0.5
    to_center = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    from_center = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    matrix = to_center @ matrix @ from_center
    if swap:  # (x, y) terms to (row, col) indexing: P M P
        matrix = matrix[:, [1, 0, 2]][:, :, [1, 0, 2]]
    linear, offset = matrix[:, :2, :2], matrix[:, :2, 2]
    neutral = (theta == 0) & (tx == 0) & (ty == 0) & (shear == 0) & (zx == 1) & (zy == 1)
    identity = (linear == np.eye(2)).all(axis=(1, 2)) & (offset == 0).all(axis=1)
    return linear, offset, neutral | identity


def apply_transform_batch(generator, batch, params):
    """``np.stack([generator.apply_transform(x, p) for x, p in zip(batch, params)])``."""
    row_axis, col_axis = generator.row_axis - 1, generator.col_axis - 1
    channel_axis = generator.channel_axis - 1
    linear, offset, copy = affine_matrices(params, batch.shape[row_axis + 1],
                                           batch.shape[col_axis + 1], col_axis > row_axis)
    out = affine_resample_batch(batch, channel_axis + 1, linear, offset, copy,
                                generator.interpolation_order, generator.fill_mode,
                                generator.cval)
    for n, p in enumerate(params):
        out[n] = generator._finish_transform(out[n], p)
    return out
