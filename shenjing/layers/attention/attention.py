"""``Attention``: dot-product (Luong-style) attention over [query, value(, key)], Keras 3's
contract: scores = query keyᵀ (times a learned ``scale``), or with ``score_mode="concat"``
Σ tanh(query + key) (times ``concat_score_weight``); softmax over the keys left by the value
mask and the causal mask; output = softmax(scores) value, zero where the query is masked."""

import numpy as np  # host-side masks and dropout draws

from ...autograd import ops as P
from ..layer import Layer
from ...registry import keras_export
from .equations import as_bool, causal_mask, symbolic_call_with_scores


@keras_export("keras.layers.Attention")
class Attention(Layer):
    """``Attention(use_scale=False, score_mode="dot", dropout=0.0, seed=None)``, called as
    ``layer([query, value(, key)], mask=[query_mask, value_mask], return_attention_scores=False,
    training=None, use_causal_mask=False)``."""

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        self.supports_masking = True
        self._generator = None if seed is None else np.random.default_rng(seed)
        if score_mode not in ("dot", "concat"):
            raise ValueError("Invalid value for argument score_mode. Expected one of "
                             f"{{'dot', 'concat'}}. Received: score_mode={score_mode}")

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(name="concat_score_weight", shape=(),
                                                       initializer="ones")

    def _calculate_scores(self, query, key):
        """(B, Tq, Tv) scores of query (B, Tq, dim) against key (B, Tv, dim)."""
        if self.score_mode == "dot":
            scores = P.matmul(query, P.swapaxes(key, -1, -2))
            return scores * self.scale if self.scale is not None else scores
        pairs = P.expand_dims(query, -2) + P.expand_dims(key, -3)
        if self.scale is not None:
            pairs = self.scale * pairs
        return self.concat_score_weight * P.sum(P.tanh(pairs), axis=-1)

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        """(softmax(scores, masked) value, the softmax); masked scores are lowered by 1e9
        (65504 in float16), as Keras does, not replaced."""
        if scores_mask is not None:
            if scores_mask.ndim == 2:
                scores_mask = scores_mask[:, None, :]
            big = 65504.0 if scores.dtype == np.float16 else 1.0e9
            scores = P.where(scores_mask, scores, scores - big)
        weights = P.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = P.dropout(weights, self.dropout, seed=self._generator)
        return P.matmul(weights, value), weights

    def _calculate_score_mask(self, scores, v_mask, use_causal_mask):
        v_mask = as_bool(v_mask)
        if not use_causal_mask:
            return v_mask
        mask = causal_mask(scores.shape[-2], scores.shape[-1])
        return mask if v_mask is None else v_mask[..., None, :] & mask

    def call(self, inputs, mask=None, training=False, return_attention_scores=False,
             use_causal_mask=False):
        self._validate_inputs(inputs, mask)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        scores = self._calculate_scores(q, k)
        scores_mask = self._calculate_score_mask(scores, v_mask, use_causal_mask)
        output, weights = self._apply_scores(scores, v, scores_mask, training=training)
        if q_mask is not None:
            output = P.where(as_bool(q_mask)[..., None], output, np.asarray(0, dtype=output.dtype))
        return (output, weights) if return_attention_scores else output

    def compute_mask(self, inputs, mask=None):
        self._validate_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return mask[0]

    def compute_output_shape(self, input_shape):
        return (*input_shape[0][:-1], input_shape[1][-1])

    def _symbolic_call(self, inputs, args, kwargs):
        if not kwargs.get("return_attention_scores"):
            return super()._symbolic_call(inputs, args, kwargs)
        shapes = [tuple(t.shape) for t in inputs]
        self._maybe_build(shapes)
        key_shape = shapes[2] if len(shapes) > 2 else shapes[1]
        return symbolic_call_with_scores(self, inputs, args, kwargs, self.compute_output_shape(shapes),
                                         (*shapes[0][:-1], key_shape[-2]))

    def _validate_inputs(self, inputs, mask=None):
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"{name} layer must be called on a list of inputs, namely "
                             f"[query, value] or [query, value, key]. Received: inputs={inputs}.")
        if len(inputs) < 2 or len(inputs) > 3:
            raise ValueError(f"{name} layer accepts inputs list of length 2 or 3, namely "
                             f"[query, value] or [query, value, key]. Received length: {len(inputs)}.")
        if mask is not None:
            if not isinstance(mask, (list, tuple)):
                raise ValueError(f"{name} layer mask must be a list, namely [query_mask, "
                                 f"value_mask]. Received: mask={mask}.")
            if len(mask) < 2 or len(mask) > 3:
                raise ValueError(f"{name} layer accepts mask list of length 2 or 3. "
                                 f"Received: inputs={inputs}, mask={mask}.")

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}
