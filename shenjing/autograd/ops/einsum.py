"""Einstein summation with its gradient.

``Einsum`` takes explicit subscripts (one letter per axis, no letter repeated within an
operand, no ellipsis: the ``keras.ops.einsum`` wrapper rewrites those forms first). The
gradient of operand i is the einsum of the incoming gradient with the other operands onto
i's subscripts; letters that only i has (summed away in the forward pass) come back by
broadcasting against ones.
"""

from ... import backend
from ..function import Function
from ..tensor import as_tensor


class Einsum(Function):
    """y = einsum(inputs -> output, *x);  dx_i = einsum(output, inputs_{j != i} -> inputs_i)."""

    def forward(self, *arrays, inputs, output):
        self.arrays, self.specs, self.output = arrays, inputs, output
        return backend.xp.einsum(f"{','.join(inputs)}->{output}", *arrays)

    def backward(self, g):
        xp = backend.xp
        grads = []
        for i, (array, subs) in enumerate(zip(self.arrays, self.specs)):
            if not self.needs_input_grad[i]:
                grads.append(None)
                continue
            others = [(s, a) for j, (s, a) in enumerate(zip(self.specs, self.arrays)) if j != i]
            known = set(self.output).union(*[set(s) for s, _ in others])
            missing = "".join(c for c in subs if c not in known)
            specs = [self.output] + [s for s, _ in others]
            operands = [g] + [a for _, a in others]
            if missing:
                specs.append(missing)
                operands.append(xp.ones(tuple(array.shape[subs.index(c)] for c in missing), dtype=g.dtype))
            grads.append(xp.einsum(f"{','.join(specs)}->{subs}", *operands))
        return tuple(grads)


def einsum(inputs, output, *operands):
    """``einsum`` with explicit, ellipsis-free subscripts: ``inputs`` a list of strings."""
    return Einsum.apply(*[as_tensor(x) for x in operands], inputs=tuple(inputs), output=output)
