"""Muon: momentum orthogonalized by Newton-Schulz (Jordan et al., 2024; Liu et al., 2025),
with an AdamW step for the weights Muon does not suit, as Keras 3 defines it."""

import math
import re

from .. import backend
from .adam import update_moments
from .optimizer import Optimizer
from ..registry import keras_export


@keras_export("keras.optimizers.Muon")
class Muon(Optimizer):
    """A weight that is not 2-D, an embedding (``exclude_embeddings``: "embedding" in its
    path) or matched by a pattern of ``exclude_layers`` takes an Adam step with rate
    ``lr * adam_lr_ratio`` (``adam_beta_1``, ``adam_beta_2``, ``epsilon``) and decay
    ``adam_weight_decay``. The others: ``m = momentum * m + g``;
    ``G = g + momentum * m`` (nesterov) or ``m``; ``O = NS5(G)`` with ``ns_steps`` steps of
    ``X = a X + (b A + c A A) X``, ``A = X X^T``, from ``X = G / (||G||_F + 1e-7)``
    (transposed when it has more rows than columns); ``w -= lr * O * sqrt(max(n, m)) *
    rms_rate`` (without the factor when ``rms_rate`` is None), decay ``weight_decay``."""

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999,
                 adam_weight_decay=0.004, epsilon=1e-7, weight_decay=0.004, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, exclude_layers=None,
                 exclude_embeddings=True, muon_a=3.4445, muon_b=-4.7750, muon_c=2.0315,
                 adam_lr_ratio=1, momentum=0.95, ns_steps=5, nesterov=True, rms_rate=0.2,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = exclude_layers or []
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def _should_use_adamw(self, variable):
        if len(variable.shape) != 2:
            return True
        path = str(getattr(variable, "path", None) or getattr(variable, "name", "") or "")
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(keyword, path) for keyword in self.exclude_layers)

    # Keras's build: for each weight its momentum, then (Adam weights only) its velocity.
    _interleaved_slots = ("momentum", "velocity")

    def _slot_kinds(self):
        return (("momentum", 0.0), ("velocity", 0.0))

    def _make_slots(self, var):
        xp = backend.xp
        velocity = xp.zeros_like(var.data) if self._should_use_adamw(var) else None
        return [xp.zeros_like(var.data), velocity]

    def _apply_weight_decay(self, vars_, lr):
        for v in vars_:
            if not self._use_weight_decay(v):
                continue
            rate = self.adam_weight_decay if self._slots[id(v)][1] is not None \
                else self.weight_decay
            if rate is not None:
                v.data -= v.data * (rate * lr)

    def _prepare(self, lr):
        t = self.iterations + 1
        b1, b2 = float(self.adam_beta_1), float(self.adam_beta_2)
        adam_lr = lr * self.adam_lr_ratio
        return lr, 1 - b1, 1 - b2, adam_lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)

    def _update_step(self, w, g, slots, coeffs):
        lr, c1, c2, alpha = coeffs
        m, v = slots
        if v is not None:
            tmp = update_moments(g, m, v, c1, c2)
            backend.xp.sqrt(v, out=tmp)
            tmp += self.epsilon
            step = m * alpha
            step /= tmp
            w -= step
            return
        m *= self.momentum
        m += g
        direction = g + self.momentum * m if self.nesterov else m
        update = self.zeropower_via_newtonschulz5(direction, self.ns_steps) * lr
        if self.rms_rate is not None:
            update = update * (math.sqrt(max(update.shape[0], update.shape[1])) * self.rms_rate)
        w -= update

    def zeropower_via_newtonschulz5(self, x, steps):
        """The quintic Newton-Schulz iteration: roughly ``U V^T`` of ``x = U S V^T``."""
        xp = backend.xp
        if x.ndim < 2:
            raise ValueError("Expected gradient or momentum to have at least 2 dimensions. "
                             f"Received: shape={tuple(x.shape)}")
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = xp.swapaxes(x, -1, -2)
        norm = xp.sqrt(xp.sum(xp.square(x), axis=(-2, -1), keepdims=True))
        x = x / (norm + 1e-7)
        for _ in range(steps):
            gram = x @ xp.swapaxes(x, -1, -2)
            x = a * x + (b * gram + c * gram @ gram) @ x
        if tall:
            x = xp.swapaxes(x, -1, -2)
        return x

    def get_config(self):
        config = super().get_config()
        config.update({
            "adam_beta_1": self.adam_beta_1, "adam_beta_2": self.adam_beta_2,
            "epsilon": self.epsilon, "exclude_layers": self.exclude_layers,
            "muon_a": self.muon_a, "muon_b": self.muon_b, "muon_c": self.muon_c,
            "adam_lr_ratio": self.adam_lr_ratio, "momentum": self.momentum,
            "ns_steps": self.ns_steps, "nesterov": self.nesterov,
            "exclude_embeddings": self.exclude_embeddings,
            "adam_weight_decay": self.adam_weight_decay, "rms_rate": self.rms_rate,
        })
        return config
