"""Helpers of the Layer base: unique names, the dtype policy, and argument checks."""

import re
import threading

import numpy as np

from .. import backend, constraints, regularizers
from ..registry import keras_export


class _Names(threading.local):
    """Name counters per thread, as Keras keeps them (its global state is per thread)."""

    def __init__(self):
        self.counts = {}


_NAMES = _Names()


def to_snake_case(name):
    """'MaxPooling2D' -> 'max_pooling2d', 'ReLU' -> 're_lu' (Keras's rule)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(prefix):
    """'dense', then 'dense_1', 'dense_2', ... per prefix, until ``reset_name_counters``."""
    counts = _NAMES.counts
    count = counts.get(prefix, 0)
    counts[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def reset_name_counters():
    """Forget the names handed out, so the next Dense is 'dense' again (Keras's clear_session)."""
    _NAMES.counts.clear()


@keras_export("keras.DTypePolicy",
              "keras.dtype_policies.DTypePolicy",
              "keras.layers.DTypePolicy",
              "keras.dtype_policies.FloatDTypePolicy")
class DTypePolicy:
    """The dtype a layer computes in and keeps its weights in (one float dtype, no mixing)."""

    def __init__(self, name=None):
        name = backend.floatx() if name is None else name
        try:
            dtype = np.dtype(name)
        except TypeError:
            dtype = None
        if dtype is None or dtype.kind != "f":
            raise ValueError(
                f"Invalid dtype policy: expected 'float16', 'float32' or 'float64', received: {name!r}")
        self.name = dtype.name

    compute_dtype = variable_dtype = property(lambda self: self.name)

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def serialize(self):
        return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": self.name},
                "registered_name": None}

    def __repr__(self):
        return f'<DTypePolicy "{self.name}">'


def get_dtype_policy(dtype):
    """A policy from None (floatx), a dtype name, a numpy dtype, a policy or its config dict."""
    if isinstance(dtype, DTypePolicy):
        return dtype
    if isinstance(dtype, dict):
        if dtype.get("class_name") not in ("DTypePolicy", "FloatDTypePolicy"):
            raise ValueError(f"Invalid dtype policy config: {dtype!r}")
        return DTypePolicy(dtype.get("config", {}).get("name"))
    if isinstance(dtype, np.dtype) or (isinstance(dtype, type) and issubclass(dtype, np.generic)):
        return DTypePolicy(np.dtype(dtype).name)
    return DTypePolicy(dtype)


def reject_unsupported(layer_name, **options):
    """Keras options shenjing does not implement (LoRA, quantization): accept only their defaults,
    so that configs written by Keras load."""
    for argument, value in options.items():
        if value is not None:
            raise ValueError(f"Layer '{layer_name}': `{argument}` is not supported yet; pass "
                             f"{argument}=None. Received: {argument}={value!r}")


def serialize_constraint(constraint):
    return None if constraint is None else constraints.serialize(constraint)


def serialize_regularizer(regularizer):
    return None if regularizer is None else regularizers.serialize(regularizer)


def input_channels(layer, input_shape):
    """The channel count of ``input_shape`` on ``layer.channel_axis``; a clear error when unknown
    (a conv layer's kernel shape depends on it)."""
    channels = input_shape[layer.channel_axis]
    if channels is None:
        raise ValueError(f"Layer '{layer.name}': the channel dimension of the inputs should be "
                         f"defined; received input_shape={input_shape}")
    return channels
