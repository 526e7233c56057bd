"""``EinsumDense``: y = activation(einsum(equation, x, kernel) + bias), Keras 3's contract.

The equation is ``"<input>,<kernel>-><output>"`` with at most one ``...`` (at the start of
the input and the output, or at the end of both). When it is a plain contraction (every
letter is in exactly two of the three operands), the einsum is computed as a transpose
(none for the usual equations), a reshape and one matrix product: letters of the input and
the output are rows, letters of the input and the kernel are summed, letters of the kernel
and the output are columns.
"""

import math
import re
import string

from .. import activations, constraints, initializers, regularizers
from ..autograd import ops as P
from ..initializers.random_initializers import VarianceScaling
from ..ops.numpy_products import einsum as _einsum
from .input_spec import InputSpec
from .layer import Layer
from .layer_utils import reject_unsupported, serialize_constraint, serialize_regularizer
from ..registry import keras_export


def _split_equation(equation, rank):
    """(input, kernel, output) subscripts with ``...`` written out as letters for an input of
    ``rank``, and whether the ellipsis was on the left."""
    text = equation.replace(" ", "")
    dotted = text.replace("...", "0")
    for pattern, left in (("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$", False),
                          ("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$", True),
                          ("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$", False)):
        match = re.match(pattern, dotted)
        if match:
            break
    else:
        raise ValueError(f"Invalid einsum equation '{equation}'. Equations must be in the form "
                         "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....")
    inp, ker, out = match.groups()
    if "0" in dotted:
        free = [c for c in string.ascii_letters if c not in inp + ker + out]
        extra = "".join(free[:max(rank - len(inp), 0)])
        inp, out = (extra + inp, extra + out) if left else (inp + extra, out + extra)
    return inp, ker, out, left


def analyze_einsum_string(equation, bias_axes, input_shape, output_shape):
    """Keras's ``_analyze_einsum_string``: (kernel shape, bias shape or None, full output
    shape, kernel input axes, kernel output axes)."""
    input_shape = tuple(input_shape)
    full_in, weight_spec, full_out, left = _split_equation(equation, len(input_shape))
    dotted = equation.replace(" ", "").replace("...", "0")
    input_spec = dotted.split(",")[0].replace("0", "")
    output_spec = dotted.split("->")[1].replace("0", "")
    elided = len(input_shape) - len(input_spec)
    output_shape = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    output_shape.insert(0, input_shape[0])
    if elided > 0 and left:
        for i in range(1, elided):
            output_shape.insert(1, input_shape[i])
    elif elided > 0:
        output_shape.extend(input_shape[len(input_shape) - elided:])
    if left:
        input_dim_map = {d: i + elided - len(input_shape) for i, d in enumerate(input_spec)}
        output_dim_map = {d: i + elided for i, d in enumerate(output_spec)}
    else:
        input_dim_map = {d: i for i, d in enumerate(input_spec)}
        output_dim_map = {d: i for i, d in enumerate(output_spec)}
    for dim in input_spec:
        if dim in output_dim_map:
            size_in, size_out = input_shape[input_dim_map[dim]], output_shape[output_dim_map[dim]]
            if size_out is not None and size_out != size_in:
                raise ValueError("Input shape and output shape do not match at shared dimension "
                                 f"'{dim}'. Input shape is {size_in}, and output shape is {size_out}.")
    for dim in output_spec:
        if dim not in input_spec and dim not in weight_spec:
            raise ValueError(f"Dimension '{dim}' was specified in the output '{output_spec}' but has "
                             f"no corresponding dim in the input spec '{input_spec}' or weight spec "
                             f"'{weight_spec}'")
    weight_shape, input_axes, output_axes = [], [], []
    for i, dim in enumerate(weight_spec):
        if dim in output_dim_map:
            weight_shape.append(output_shape[output_dim_map[dim]])
            output_axes.append(i)
        elif dim in input_dim_map:
            weight_shape.append(input_shape[input_dim_map[dim]])
            input_axes.append(i)
        else:
            raise ValueError(f"Weight dimension '{dim}' did not have a match in either the input "
                             f"spec '{input_spec}' or the output spec '{output_spec}'. For this "
                             "layer, the weight must be fully specified.")
    bias_shape = None
    if bias_axes is not None:
        offset = elided if left else 0
        sizes = {c: output_shape[i + offset] for i, c in enumerate(output_spec)}
        for char in bias_axes:
            if char not in output_spec:
                raise ValueError(f"Bias dimension '{char}' was requested, but is not part of the "
                                 f"output spec '{output_spec}'")
        first = min(output_spec.find(c) for c in bias_axes)
        bias_shape = [sizes[c] if c in bias_axes else 1 for c in output_spec[first:]]
        if not left:
            bias_shape += [1] * elided
    return weight_shape, bias_shape, output_shape, input_axes, output_axes


class _Plan:
    """How to compute ``einsum(inp,ker->out)`` as transpose + reshape + one matmul, or None
    when a letter is in all three operands or in one only (then the general einsum runs)."""

    def __init__(self, inp, ker, out):
        rows = [c for c in inp if c in out and c not in ker]
        summed = [c for c in inp if c in ker and c not in out]
        cols = [c for c in ker if c in out and c not in inp]
        self.ok = (len(rows) + len(summed) == len(inp) and len(summed) + len(cols) == len(ker)
                   and len(rows) + len(cols) == len(out))
        if not self.ok:
            return
        self.inp, self.ker, self.out = inp, ker, out
        self.x_perm = [inp.index(c) for c in rows + summed]
        self.k_perm = [ker.index(c) for c in summed + cols]
        mid = rows + cols
        self.out_perm = [mid.index(c) for c in out]
        self.n_rows, self.n_cols = len(rows), len(cols)


def _ordered(perm):
    return perm == list(range(len(perm)))


def einsum_matmul(plan, x, kernel, bias=None):
    """``einsum(plan.inp,plan.ker->plan.out)(x, kernel) + bias`` as one matrix product (the
    bias, when it covers exactly the trailing kernel columns, is fused into the product)."""
    if not _ordered(plan.x_perm):
        x = P.transpose(x, plan.x_perm)
    if not _ordered(plan.k_perm):
        kernel = P.transpose(kernel, plan.k_perm)
    row_shape = x.shape[:plan.n_rows]
    col_shape = kernel.shape[kernel.ndim - plan.n_cols:]
    inner = math.prod(x.shape[plan.n_rows:])
    cols = math.prod(col_shape)
    x2 = P.reshape(x, row_shape + (inner,)) if x.ndim != plan.n_rows + 1 else x
    k2 = P.reshape(kernel, (inner, cols)) if kernel.ndim != 2 else kernel
    fuse = (bias is not None and _ordered(plan.out_perm) and bias.ndim <= plan.n_cols
            and tuple(bias.shape) == tuple(col_shape[plan.n_cols - bias.ndim:])
            and bias.size == cols)
    y = P.dense(x2, k2, P.reshape(bias, (cols,)) if fuse else None)
    y = P.reshape(y, row_shape + col_shape) if plan.n_cols != 1 else y
    if not _ordered(plan.out_perm):
        y = P.transpose(y, plan.out_perm)
    if bias is not None and not fuse:
        y = y + bias
    return y


@keras_export("keras.layers.EinsumDense")
class EinsumDense(Layer):
    """A dense layer of any rank, written as an einsum: ``EinsumDense("abc,cd->abd",
    output_shape=(None, 64), bias_axes="d")`` is Dense(64) on (batch, steps, c) inputs."""

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, lora_alpha=None,
                 gptq_unpacked_column_size=None, quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        reject_unsupported(self.name, lora_rank=lora_rank, lora_alpha=lora_alpha,
                           gptq_unpacked_column_size=gptq_unpacked_column_size,
                           quantization_config=quantization_config)
        if not isinstance(equation, str):
            raise ValueError(f"Layer '{self.name}': expected `equation` to be a string such as "
                             f"'ab,bc->ac'. Received: equation={equation!r}")
        _split_equation(equation, 0)  # the form is checked when the layer is made
        self.equation = equation
        self.partial_output_shape = ((output_shape,) if isinstance(output_shape, int)
                                     else tuple(output_shape))
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = None
        self.lora_alpha = None
        self.lora_enabled = False

    def build(self, input_shape):
        kernel_shape, bias_shape, _, in_axes, out_axes = analyze_einsum_string(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape)
        self.input_spec = InputSpec(ndim=len(input_shape))
        initializer = self.kernel_initializer
        if isinstance(initializer, VarianceScaling) and (initializer.input_axes is None
                                                         or initializer.output_axes is None):
            # Keras: the fans are the sizes of the kernel's input and output axes.
            config = {**initializer.get_config(), "input_axes": in_axes, "output_axes": out_axes}
            initializer = type(initializer).from_config(config)
        self.kernel = self.add_weight(name="kernel", shape=tuple(kernel_shape),
                                      initializer=initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if bias_shape is not None:
            self.bias = self.add_weight(name="bias", shape=tuple(bias_shape),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        inp, ker, out, _ = _split_equation(self.equation, len(input_shape))
        self._plan = _Plan(inp, ker, out)
        self._subscripts = (inp, ker, out)

    def call(self, inputs, training=None):
        if self._plan.ok and inputs.ndim == len(self._plan.inp):
            x = einsum_matmul(self._plan, inputs, self.kernel, self.bias)
        else:
            x = _einsum(self.equation, inputs, self.kernel)
            if self.bias is not None:
                x = x + self.bias
        return self.activation(x) if self.activation is not None else x

    def compute_output_shape(self, input_shape):
        """Keras's output shape, with the sizes an output axis shares with the input filled
        in (Keras leaves them None where ``output_shape`` does)."""
        input_shape = tuple(input_shape)
        shape = analyze_einsum_string(self.equation, self.bias_axes, input_shape,
                                      self.partial_output_shape)[2]
        inp, _, out, _ = _split_equation(self.equation, len(input_shape))
        return tuple(input_shape[inp.index(c)] if d is None and c in inp else d
                     for c, d in zip(out, shape))

    def get_config(self):
        return {
            **super().get_config(),
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": serialize_regularizer(self.kernel_regularizer),
            "bias_regularizer": serialize_regularizer(self.bias_regularizer),
            "activity_regularizer": serialize_regularizer(self.activity_regularizer),
            "kernel_constraint": serialize_constraint(self.kernel_constraint),
            "bias_constraint": serialize_constraint(self.bias_constraint),
            "quantization_config": None,
        }
