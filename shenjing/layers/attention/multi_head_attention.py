"""``MultiHeadAttention``: Keras 3's layer (Vaswani et al., 2017), weight for weight.

query, key and value are projected by EinsumDense sublayers ``query``/``key``/``value`` to
(B, T, N, H); each head computes softmax(q kᵀ / √H, masked) v; ``attention_output``
projects the heads back to the query's width (or ``output_shape``). ``attention_axes``
names the axes attention runs over (default: all but batch, heads and features).
"""

import math

import numpy as np  # host-side masks and dropout draws

from ... import constraints, initializers, regularizers
from ...autograd import ops as P
from ...autograd.ops.attention import LARGE_NEGATIVE, scaled_dot_product_attention
from ..activation import Softmax
from ..einsum_dense import EinsumDense
from ..layer import Layer
from ..regularization import Dropout
from ..layer_utils import serialize_constraint, serialize_regularizer
from ...registry import keras_export
from ...autograd.masking import get_keras_mask, set_keras_mask
from .equations import (as_bool, build_proj_equation, causal_mask, combine_masks,
                        get_output_shape, symbolic_call_with_scores)


def _positive_int(value, name, allow_none=False):
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"Received an invalid value for argument `{name}`, expected a positive "
                         f"integer{' or `None`' if allow_none else ''}. Received: {name}={value}")


def _shape(x):
    return None if x is None else tuple(x.shape)


@keras_export("keras.layers.MultiHeadAttention")
class MultiHeadAttention(Layer):
    """``MultiHeadAttention(num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
    output_shape=None, attention_axes=None, ...)``, called as ``mha(query, value, key=None,
    query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
    return_attention_scores=False, training=None, use_causal_mask=False)``."""

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, sliding_window=None,
                 flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 use_gate=False, seed=None, **kwargs):
        _positive_int(num_heads, "num_heads")
        _positive_int(key_dim, "key_dim")
        _positive_int(value_dim, "value_dim", allow_none=True)
        super().__init__(**kwargs)
        if flash_attention:
            raise ValueError("Flash attention is not supported: shenjing computes attention on "
                             "NumPy. Received: flash_attention=True")
        self.supports_masking = True
        self._num_heads, self._key_dim = int(num_heads), int(key_dim)
        self._value_dim = int(value_dim) if value_dim else self._key_dim
        self._dropout, self._use_bias, self._use_gate = dropout, use_bias, use_gate
        if output_shape:
            if isinstance(output_shape, int):
                output_shape = (output_shape,)
            try:
                output_shape = tuple(output_shape)
            except TypeError:
                raise ValueError(f"Invalid `output_shape`: {output_shape}. When specified, the "
                                 "`output_shape` should be of type tuple, list, or int.") from None
        self._output_shape = output_shape or None
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes and not isinstance(attention_axes, (list, tuple)):
            raise ValueError("`attention_axes` must be an int, list, or tuple. "
                             f"Received: attention_axes={attention_axes}")
        self._attention_axes = None if attention_axes is None else tuple(attention_axes)
        _positive_int(sliding_window, "sliding_window", allow_none=True)
        self._sliding_window = sliding_window
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self._key_dim))

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)

    # -- build ------------------------------------------------------------------------
    def __call__(self, query, value=None, key=None, *args, **kwargs):
        if value is None:
            raise ValueError(f"Layer '{self.name}' (MultiHeadAttention) must be called as "
                             "mha(query, value, key=None, ...). Received: value=None")
        if not self.built:
            self.build(_shape(query), _shape(value), _shape(key))
        tensors = (value,) if key is None else (value, key)
        return super().__call__(query, *tensors, *args, **kwargs)

    def _sublayer_kwargs(self):
        kernel_init = type(self._kernel_initializer).from_config(self._kernel_initializer.get_config())
        bias_init = type(self._bias_initializer).from_config(self._bias_initializer.get_config())
        return dict(kernel_regularizer=self._kernel_regularizer,
                    bias_regularizer=self._bias_regularizer,
                    activity_regularizer=self._activity_regularizer,
                    kernel_constraint=self._kernel_constraint,
                    bias_constraint=self._bias_constraint, dtype=self.dtype_policy,
                    kernel_initializer=kernel_init, bias_initializer=bias_init)

    def _projection(self, rank, last_dims, name, shape, **extra):
        equation, bias_axes, out_rank = build_proj_equation(rank - 1, 1, 2)
        layer = EinsumDense(equation, output_shape=get_output_shape(out_rank - 1, last_dims),
                            bias_axes=bias_axes if self._use_bias else None, name=name,
                            **extra, **self._sublayer_kwargs())
        layer.supports_masking = True  # the masks are this layer's: no "destroys the mask" warning
        layer.build(shape)
        return layer, out_rank

    def build(self, query_shape, value_shape=None, key_shape=None):
        if value_shape is None:
            raise ValueError(f"Layer '{self.name}': build needs the value's shape: "
                             "build(query_shape, value_shape, key_shape=None)")
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError("All dimensions of `value` and `key`, except the last one, must be "
                             f"equal. Received: value_shape={value_shape} and key_shape={key_shape}")
        heads = [self._num_heads, self._key_dim]
        self._query_dense, _ = self._projection(len(query_shape), heads, "query", query_shape)
        self._key_dense, _ = self._projection(len(key_shape), heads, "key", key_shape)
        if self._use_gate:
            self._gate_dense, _ = self._projection(len(query_shape), [self._num_heads, self._value_dim],
                                                   "gate", query_shape, activation="sigmoid")
        self._value_dense, rank = self._projection(
            len(value_shape), [self._num_heads, self._value_dim], "value", value_shape)
        # Keras saves the projections under their public names (query_dense, ...).
        self.query_dense, self.key_dense, self.value_dense = (self._query_dense, self._key_dense,
                                                              self._value_dense)
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(a if a >= 0 else (rank - 1) + a for a in self._attention_axes)
        n_axes = len(self._attention_axes)
        scores_rank = rank - 1 + n_axes
        self._softmax = Softmax(axis=tuple(range(scores_rank - n_axes, scores_rank)),
                                dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self._dropout, dtype=self.dtype_policy, seed=self.seed)
        out_dims = list(self._output_shape) if self._output_shape else [query_shape[-1]]
        equation, bias_axes, out_rank = build_proj_equation(len(query_shape) - 1, 2, len(out_dims))
        self._output_dense = EinsumDense(
            equation, output_shape=get_output_shape(out_rank - 1, out_dims),
            bias_axes=bias_axes if self._use_bias else None, name="attention_output",
            **self._sublayer_kwargs())
        self.output_dense = self._output_dense
        self._output_dense.build(tuple(query_shape[:-1]) + (self._num_heads, self._value_dim))
        self._build_shapes = {"query_shape": query_shape, "value_shape": value_shape}
        if key_shape is not value_shape:
            self._build_shapes["key_shape"] = key_shape

    def get_build_config(self):
        shapes = getattr(self, "_build_shapes", None)
        return None if shapes is None else {"shapes_dict": dict(shapes)}

    def build_from_config(self, config):
        shapes = (config or {}).get("shapes_dict") or {}
        if self.built or "query_shape" not in shapes:
            return
        as_tuple = lambda s: None if s is None else tuple(s)  # noqa: E731
        self.build(as_tuple(shapes["query_shape"]), as_tuple(shapes.get("value_shape")),
                   as_tuple(shapes.get("key_shape")))

    # -- call -------------------------------------------------------------------------
    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        key = value if key is None else key
        if query_mask is None:
            query_mask = get_keras_mask(query)
        causal_only = (use_causal_mask and query_mask is None and value_mask is None
                       and key_mask is None and attention_mask is None
                       and self._sliding_window is None)
        if not causal_only:
            attention_mask = self._compute_attention_mask(
                query, value, query_mask=query_mask, value_mask=value_mask, key_mask=key_mask,
                attention_mask=attention_mask, use_causal_mask=use_causal_mask)
        gate = self._gate_dense(query) if self._use_gate else None
        q, k, v = self._query_dense(query), self._key_dense(key), self._value_dense(value)
        extra = {"use_causal_mask": True} if causal_only else {}
        output, scores = self._compute_attention(q, k, v, attention_mask, training,
                                                 return_attention_scores, **extra)
        output = self._output_dense(output * gate if gate is not None else output)
        if query_mask is not None:
            set_keras_mask(output, query_mask)
        return (output, scores) if return_attention_scores else output

    def _compute_attention_mask(self, query, value, query_mask=None, value_mask=None,
                                key_mask=None, attention_mask=None, use_causal_mask=False):
        """Keras's combination: query_mask (B, T, 1) & value_mask (B, 1, S) & key_mask
        (B, 1, S) & causal (1, T, S) & sliding window, then & attention_mask (B, T, S)."""
        return combine_masks(query.shape[1], value.shape[1], query_mask, value_mask, key_mask,
                             attention_mask, use_causal_mask, self._sliding_window)

    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           return_attention_scores=False, use_causal_mask=False):
        """softmax(q kᵀ / √key_dim, masked) v over the attention axes of the projected
        (B, ..., N, H) tensors; returns (output like value's heads, scores or None)."""
        rank = query.ndim
        axes = self._attention_axes
        batch = [i for i in range(rank - 1) if i not in axes]
        perm = batch + list(axes) + [rank - 1]
        lead = tuple(query.shape[i] for i in batch)
        t_shape = tuple(query.shape[i] for i in axes)
        s_shape = tuple(key.shape[i] for i in axes)
        t, s = math.prod(t_shape), math.prod(s_shape)

        def flat(x, length):
            x = P.transpose(x, perm) if perm != list(range(rank)) else x
            return P.reshape(x, lead + (length, x.shape[-1])) if len(axes) != 1 else x

        q, k, v = flat(query, t), flat(key, s), flat(value, s)
        mask = causal_mask(query.shape[1], value.shape[1]) if use_causal_mask else as_bool(attention_mask)
        keep = None
        if mask is not None:
            full = tuple(lead) + t_shape + s_shape
            at = -len(axes) * 2 - 1
            while mask.ndim < len(full):
                mask = np.expand_dims(mask, at)
            keep = np.broadcast_to(mask, full).reshape(lead + (t, s)) if len(axes) != 1 else mask
        # Keras's own fast path (ops.dot_product_attention: 3-D inputs, no dropout, scores
        # not returned) leaves a query with every key masked a uniform average; its softmax
        # layer path zeroes it.
        fast_path = not (self._dropout > 0.0 or return_attention_scores or rank != 4)
        drop = None
        if training and self._dropout > 0.0:
            rng = self._dropout_layer._rng()
            draw = rng.random(lead + (t, s), dtype=np.float32) >= self._dropout
            drop = draw.astype(q.dtype) * q.dtype.type(1.0 / (1.0 - self._dropout))
        scores = None
        if not return_attention_scores:
            out = scaled_dot_product_attention(q, k, v, keep=keep, scale=self._inverse_sqrt_key_dim,
                                               zero_masked=not fast_path, drop=drop)
        else:
            logits = P.matmul(q * self._inverse_sqrt_key_dim, P.swapaxes(k, -1, -2))
            if keep is not None:
                logits = P.where(keep, logits, np.asarray(LARGE_NEGATIVE, dtype=logits.dtype))
            probs = P.softmax(logits, axis=-1)
            if keep is not None:
                probs = P.where(keep, probs, np.asarray(0.0, dtype=probs.dtype))
            weights = probs if drop is None else probs * drop
            out = P.matmul(weights, v)
            scores = probs if len(axes) == 1 else P.reshape(probs, lead + t_shape + s_shape)
        if len(axes) != 1:
            out = P.reshape(out, lead + t_shape + (out.shape[-1],))
        if perm != list(range(rank)):
            out = P.transpose(out, list(np.argsort(perm)))
        return out, scores

    # -- shapes and config --------------------------------------------------------------
    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError("All dimensions of `value` and `key`, except the last one, must be "
                             f"equal. Received: value_shape={value_shape} and key_shape={key_shape}")
        return query_shape[:-1] + self._output_shape if self._output_shape else query_shape

    def _scores_shape(self, query_shape, value_shape):
        rank = len(query_shape) + 1
        axes = self._attention_axes if self.built else tuple(range(1, rank - 2))
        heads_shape = tuple(query_shape[:-1]) + (self._num_heads,)
        batch = [heads_shape[i] for i in range(rank - 1) if i not in axes]
        return (tuple(batch) + tuple(heads_shape[i] for i in axes)
                + tuple(value_shape[i] for i in axes))

    def _symbolic_call(self, inputs, args, kwargs):
        if not kwargs.get("return_attention_scores"):
            return super()._symbolic_call(inputs, args, kwargs)
        value = args[0] if args else kwargs.get("value")
        return symbolic_call_with_scores(
            self, inputs, args, kwargs, self.compute_output_shape(inputs.shape, value.shape),
            self._scores_shape(inputs.shape, value.shape))

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self._num_heads, "key_dim": self._key_dim, "value_dim": self._value_dim,
            "dropout": self._dropout, "use_bias": self._use_bias, "use_gate": self._use_gate,
            "output_shape": self._output_shape, "attention_axes": self._attention_axes,
            "sliding_window": self._sliding_window,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": serialize_regularizer(self._kernel_regularizer),
            "bias_regularizer": serialize_regularizer(self._bias_regularizer),
            "activity_regularizer": serialize_regularizer(self._activity_regularizer),
            "kernel_constraint": serialize_constraint(self._kernel_constraint),
            "bias_constraint": serialize_constraint(self._bias_constraint),
            "seed": self.seed,
        }
