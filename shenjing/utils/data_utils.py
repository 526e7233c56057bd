"""``keras.utils.unpack_x_y_sample_weight`` / ``pack_x_y_sample_weight``: the shape of one batch.

A batch is ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` (a list counts
as a tuple); ``unpack`` always gives the triple, with ``None`` for what is missing,
and ``pack`` is its inverse (``x`` alone when it is not itself a tuple or list).
"""


def unpack_x_y_sample_weight(data):
    """``(x, y, sample_weight)`` from one batch; ``None`` for the parts it lacks."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
        f"found a tuple of length {len(data)}: {data!r:.200}"
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The batch that ``unpack_x_y_sample_weight`` reads back as ``(x, y, sample_weight)``."""
    if y is None:
        # A tuple or list x is wrapped so that it is not read as (x, y).
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return x, y
    return x, y, sample_weight
