"""``AdditiveAttention``: Bahdanau-style attention, scores = Σ scale * tanh(query + key) over
the feature axis (``scale`` a learned vector of the query's width when ``use_scale``); the
rest (masks, softmax, dropout, causal mask) is ``Attention``'s."""

from ...autograd import ops as P
from ...registry import keras_export
from .attention import Attention


@keras_export("keras.layers.AdditiveAttention")
class AdditiveAttention(Attention):
    """``AdditiveAttention(use_scale=True, dropout=0.0)``, called like ``Attention``."""

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(input_shape[0][-1],),
                                         initializer="glorot_uniform")

    def _calculate_scores(self, query, key):
        tanh = P.tanh(P.expand_dims(query, -2) + P.expand_dims(key, -3))
        return P.sum(self.scale * tanh if self.scale is not None else tanh, axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
