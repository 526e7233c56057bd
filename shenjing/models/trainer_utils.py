"""The trainer's small helpers: argument checks, log conversion, compile-config serialization."""

import numbers

import numpy as np

from .. import losses as losses_module
from .. import metrics as metrics_module
from ..autograd.graph import numerics_checked
from ..backend.tree import flatten
from ..utils.data_utils import unpack_x_y_sample_weight
from .data_adapters import array_utils


def _to_numpy(value):
    return np.asarray(getattr(value, "data", value))


def _pythonify(logs):
    """Logs with scalar Tensors/arrays as Python floats (vectors as NumPy arrays)."""
    if not isinstance(logs, dict):
        return logs
    out = {}
    for key, value in logs.items():
        if isinstance(value, float):
            out[key] = value
            continue
        value = np.asarray(getattr(value, "data", value))
        out[key] = float(value) if value.ndim == 0 and value.dtype.kind in "fiub" else value
    return out


def _describe(loss):
    return repr(loss) if isinstance(loss, str) else type(loss).__name__


def _batch_size(x):
    leaf = flatten(x)[0]
    shape = getattr(leaf, "shape", None)
    if shape is None:
        shape = np.shape(leaf)
    return shape[0] if len(shape) else 1


def _unpack_validation_data(validation_data):
    """``(x, y)``/``(x, y, sample_weight)`` arrays, or data that yields its own batches."""
    if isinstance(validation_data, (tuple, list)):
        return array_utils.unpack_validation_data(validation_data)
    if isinstance(validation_data, (numbers.Number, str, bytes)):
        raise ValueError(
            "Expected `validation_data` to be a tuple (x_val, y_val) or (x_val, y_val, val_sample_weight), "
            "or data that yields (x, y) batches (a dataset, a generator, a keras.utils.PyDataset). "
            f"Received: validation_data={validation_data!r:.100} (of type {type(validation_data).__name__})")
    return validation_data, None, None


def _check_validation_split(validation_split):
    """A float in [0, 1) (0: no split); the split itself checks what it leaves on each side."""
    if validation_split is None:
        return 0.0
    if (isinstance(validation_split, bool) or not isinstance(validation_split, numbers.Real)
            or not 0.0 <= float(validation_split) < 1.0):
        raise ValueError("Expected `validation_split` to be a float in [0, 1): the fraction of the samples "
                         f"held out for validation. Received: validation_split={validation_split!r:.100}")
    return float(validation_split)


def _check_epochs(epochs, initial_epoch):
    """``epochs`` an int >= 0 (0: nothing to train, as in Keras) and ``initial_epoch`` an int in
    [0, epochs] (``initial_epoch == epochs`` resumes a finished run: nothing to do)."""
    for name, value in (("epochs", epochs), ("initial_epoch", initial_epoch)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            raise ValueError(f"Expected `{name}` to be a non-negative integer. Received: {name}={value!r}")
    if initial_epoch > epochs:
        raise ValueError(
            "Expected `initial_epoch` <= `epochs` (`epochs` is the epoch at which training stops, "
            "not a number of epochs to add to initial_epoch). "
            f"Received: initial_epoch={initial_epoch}, epochs={epochs}")
    return int(epochs), int(initial_epoch)


def _check_validation_freq(freq):
    if isinstance(freq, bool):
        pass
    elif isinstance(freq, (int, np.integer)):
        if freq > 0:
            return
    elif isinstance(freq, (list, tuple, set, frozenset, range)):
        if all(isinstance(e, (int, np.integer)) and not isinstance(e, bool) and e > 0 for e in freq):
            return
    raise ValueError(
        "Expected `validation_freq` to be a positive integer or a list/tuple/set of epochs (1-based). "
        f"Received: validation_freq={freq!r}")


def _should_validate(epoch, freq):
    """Whether to validate after ``epoch`` (0-based); ``freq`` counts epochs from 1, as Keras."""
    if isinstance(freq, (int, np.integer)):
        return (epoch + 1) % int(freq) == 0
    return (epoch + 1) in freq


def _check_batch_size(batch_size, name="batch_size"):
    """A positive int, or None (for a batch size the adapter then chooses: for arrays
    ``ceil(n / steps)`` when a number of steps is given, else 32, as Keras does). Also checks
    ``steps_per_epoch``, ``steps`` and ``validation_steps`` (``name`` says which)."""
    if batch_size is None:
        return None
    if (isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) and not (
            isinstance(batch_size, numbers.Real) and float(batch_size).is_integer()) or batch_size < 1):
        raise ValueError(f"Expected `{name}` to be a positive integer or None. "
                         f"Received: {name}={batch_size!r:.100}")
    return int(batch_size)


def _verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ValueError(f"Expected `verbose` to be 'auto', 0, 1 or 2. Received: verbose={verbose!r:.100}")
    return verbose


def _serialize_ids(ids, serialize):
    """compile()'s loss or metrics argument as plain data: names stay, objects are serialized,
    dicts and lists keep their shape."""
    if ids is None or isinstance(ids, str):
        return ids
    if isinstance(ids, dict):
        return {k: _serialize_ids(v, serialize) for k, v in ids.items()}
    if isinstance(ids, (list, tuple)):
        return [_serialize_ids(v, serialize) for v in ids]
    return serialize(ids)


def _serialize_loss(loss):
    return _serialize_ids(loss, losses_module.serialize)


def _serialize_metric_ids(ids):
    return _serialize_ids(ids, metrics_module.serialize)


def _check_input_structure(model, x, where):
    """A Sequential model whose input shape is known takes one array: a dict or a list of
    several arrays for it is refused here, naming the shape it expects (else the first layer
    would fail on it with an unrelated message)."""
    known = getattr(model, "_known_input_shape", None)
    if not callable(known) or not isinstance(x, (dict, list, tuple)):
        return
    shape = known()
    if shape is None:
        return
    x = model._standardize_inputs(x) if hasattr(model, "_standardize_inputs") else x
    if not isinstance(x, (dict, list, tuple)):
        return
    leaves = flatten(x)
    if isinstance(x, dict) or (len(leaves) > 1 and not array_utils.is_number_list(x)):
        got = (f"a dict with keys {sorted(map(str, x))}" if isinstance(x, dict)
               else f"a {type(x).__name__} of {len(leaves)} arrays")
        named = getattr(getattr(model, "_input_layer", None), "name", None)
        by_name = f" (or a dict {{'{named}': array}})" if named else ""
        raise ValueError(
            f"{where}: Sequential model '{model.name}' takes one input array of shape "
            f"{(None,) + tuple(shape[1:])}{by_name}. Received: x={got}")


def _where_in_loop(where, step, epoch=None, epochs=None):
    return f"{where}: epoch {epoch + 1}/{epochs}, batch {step}" if epoch is not None else f"{where}: batch {step}"


def _run_step(step_fn, data, where, step, epoch=None, epochs=None):
    """``step_fn(data)``; under ``shenjing.check_numerics`` (only then: nothing is added to the
    hot path otherwise) a NaN/inf in the batch's arrays, in any op's output or gradient, or in
    the step's loss is a ``FloatingPointError`` that names the loop, the epoch and the batch."""
    if not numerics_checked():
        return step_fn(data)
    at = _where_in_loop(where, step, epoch, epochs)
    for name, part in zip(("x", "y", "sample_weight"), unpack_x_y_sample_weight(data)):
        for leaf in flatten(part) if part is not None else ():
            array = np.asarray(getattr(leaf, "data", leaf))
            if array.dtype.kind in "fc" and not np.isfinite(array).all():
                raise FloatingPointError(
                    f"{at}: the batch's {name} holds {int(np.isnan(array).sum())} NaN and "
                    f"{int(np.isinf(array).sum())} inf values (shape {array.shape}); check_numerics is on")
    try:
        logs = step_fn(data)
    except FloatingPointError as error:
        raise FloatingPointError(f"{at}: {error} (check_numerics is on)") from error
    loss = logs.get("loss") if isinstance(logs, dict) else None
    if loss is not None:
        value = np.asarray(getattr(loss, "data", loss))
        if value.dtype.kind in "fc" and not np.isfinite(value).all():
            raise FloatingPointError(f"{at}: the loss is {value.tolist()} (check_numerics is on)")
    return logs


def _declared_input_shapes(model):
    """The input shapes the model was built for ((None, ...) each), or None when unknown."""
    known = getattr(model, "_known_input_shape", None)
    if callable(known):
        shape = known()
        return None if shape is None else [(None,) + tuple(shape[1:])]
    inputs = model.__dict__.get("inputs") if isinstance(getattr(model, "__dict__", None), dict) else None
    if not inputs or not all(hasattr(t, "shape") for t in inputs):
        return None
    return [tuple(t.shape) for t in inputs]


def _shape_fits(expected, got):
    """Keras's model-level InputSpec check: the same rank (or one more/less trailing axis of
    size 1, which Keras squeezes or adds), and every known axis after the batch equal."""
    if len(got) == len(expected) + 1 and got[-1] == 1:
        got = got[:-1]
    elif len(expected) == len(got) + 1 and expected[-1] == 1:
        expected = expected[:-1]
    return len(got) == len(expected) and all(e is None or e == g for e, g in zip(expected[1:], got[1:]))


def _check_input_shapes(model, x, where):
    """Array data whose samples do not have the shape the model's inputs declare: one
    ValueError before the first batch, naming the model, both shapes (Keras raises it at the
    model's InputSpec) instead of an error from whichever layer breaks first."""
    expected = _declared_input_shapes(model)
    if expected is None or x is None or isinstance(x, dict):
        return
    if isinstance(x, (list, tuple)) and not array_utils.is_number_list(x):
        leaves = list(x)
    else:
        leaves = [x]
    if len(leaves) != len(expected):
        return  # the model's own structure check says what it expects
    for i, (want, leaf) in enumerate(zip(expected, leaves)):
        shape = getattr(leaf, "shape", None)
        if shape is None and array_utils.is_number_list(leaf):
            try:
                shape = np.shape(leaf)
            except ValueError:
                return  # ragged: the data adapter says so
        if shape is None:
            return  # not arrays (a generator, a dataset, a PyDataset...): its batches are not read here
        if getattr(getattr(leaf, "dtype", None), "kind", "f") not in "biuf":
            return  # strings or objects: the data adapter names the dtype
        got = tuple(shape)
        if len(got) and not _shape_fits(want, got):
            raise ValueError(
                f'{where}: Input {i} of model "{model.name}" is incompatible with the model: expected '
                f"shape={want}, found shape={got}")
