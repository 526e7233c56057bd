"""``keras.ops.image``: keras.ops.image: resize, affine_transform, map_coordinates, crop/pad images, rgb_to_grayscale, hsv conversions, extract_patches.

Each public name is listed in ``__all__`` and wears ``dispatch.keras_op(name, module="image")``.
"""

__all__ = []
