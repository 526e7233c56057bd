"""``InputSpec``: what rank and axis sizes a layer accepts, checked with Keras's wording."""

from ..registry import keras_export


@keras_export("keras.layers.InputSpec")
class InputSpec:
    """Constraints on one input: ``ndim``, ``min_ndim``, ``max_ndim`` and ``axes`` ({axis: size})."""

    def __init__(self, ndim=None, min_ndim=None, max_ndim=None, axes=None):
        self.ndim = ndim
        self.min_ndim = min_ndim
        self.max_ndim = max_ndim
        self.axes = dict(axes or {})
        for axis in self.axes:
            if ndim is not None and not -ndim <= axis < ndim:
                raise ValueError(f"Axis {axis} is greater than the dimensionality ({ndim}) of the input")

    def __repr__(self):
        parts = [f"{k}={v}" for k, v in (("ndim", self.ndim), ("min_ndim", self.min_ndim),
                                         ("max_ndim", self.max_ndim)) if v is not None]
        if self.axes:
            parts.append(f"axes={self.axes}")
        return f"InputSpec({', '.join(parts)})"


def is_shape(value):
    """True for a flat shape: a tuple or list of ints and Nones."""
    return isinstance(value, (tuple, list)) and all(
        d is None or (isinstance(d, int) and not isinstance(d, bool)) or hasattr(d, "__index__")
        for d in value)


def standardize_shape(shape):
    """A shape as a tuple of ints and Nones; a list of shapes stays a list of such tuples."""
    if shape is None:
        return None
    if is_shape(shape):
        return tuple(None if d is None else int(d) for d in shape)
    if isinstance(shape, (tuple, list)):
        return [standardize_shape(s) for s in shape]
    if isinstance(shape, dict):
        return {k: standardize_shape(v) for k, v in shape.items()}
    raise ValueError(f"Cannot interpret {shape!r} as a shape: expected a tuple of ints (or None)")


def assert_input_compatibility(input_spec, shapes, layer_name):
    """Raise ValueError, as Keras words it, when ``shapes`` break ``input_spec``.

    ``input_spec`` is one InputSpec or a list of them; ``shapes`` one shape or a list.
    """
    if input_spec is None:
        return
    specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
    if isinstance(shapes, dict):
        shapes = list(shapes.values())
    shapes = [shapes] if is_shape(shapes) else list(shapes)
    if len(specs) != len(shapes):
        raise ValueError(
            f'Layer "{layer_name}" expects {len(specs)} input(s), but it received '
            f"{len(shapes)} input tensors. Input shapes received: {shapes}")
    for index, (spec, shape) in enumerate(zip(specs, shapes)):
        if spec is None or shape is None:
            continue
        shape = tuple(shape)
        ndim = len(shape)
        where = f'Input {index} of layer "{layer_name}" is incompatible with the layer:'
        if spec.ndim is not None and ndim != spec.ndim:
            raise ValueError(f"{where} expected ndim={spec.ndim}, found ndim={ndim}. "
                             f"Full shape received: {shape}")
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(f"{where} expected max_ndim={spec.max_ndim}, found ndim={ndim}. "
                             f"Full shape received: {shape}")
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(f"{where} expected min_ndim={spec.min_ndim}, found ndim={ndim}. "
                             f"Full shape received: {shape}")
        for axis, value in spec.axes.items():
            if value is None or not -ndim <= axis < ndim:
                continue
            if shape[axis] is not None and shape[axis] != value:
                raise ValueError(f"{where} expected axis {axis} of input shape to have value "
                                 f"{value}, but received input with shape {shape}")


def map_shape_structure(fn, structure):
    """``fn`` applied to every shape in a nested list/tuple/dict of shapes (shapes are leaves)."""
    if structure is None or is_shape(structure):
        return fn(structure)
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_shape_structure(fn, item) for item in structure)
    if isinstance(structure, dict):
        return {key: map_shape_structure(fn, value) for key, value in structure.items()}
    return fn(structure)


def flatten_shapes(structure):
    """The shapes in a nested list/tuple/dict of shapes, in order."""
    out = []
    map_shape_structure(out.append, structure)
    return out
