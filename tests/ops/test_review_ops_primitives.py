"""Review regressions: one primitive per operation, dtypes kept, in ops and autograd."""

import numpy as np

import shenjing
from shenjing import ops
from shenjing.autograd import ops as P
from shenjing.autograd.ops import logdet as logdet_module


def test_logdet_and_slogdet_share_one_primitive_and_keep_float32():
    x = shenjing.Tensor((np.eye(3) * 2 + 0.1 * np.arange(9).reshape(3, 3)).astype("float32"),
                        requires_grad=True)
    a = ops.logdet(x)
    b = ops.slogdet(x)[1]
    assert type(a._ctx) is logdet_module.LogAbsDet and type(b._ctx) is logdet_module.LogAbsDet
    assert a.dtype == np.float32 and b.dtype == np.float32
    np.testing.assert_allclose(a.numpy(), np.linalg.slogdet(x.numpy().astype("float64"))[1], rtol=1e-5)
    a.backward()
    np.testing.assert_allclose(x.grad, np.linalg.inv(x.numpy()).T, rtol=1e-4)
    assert not hasattr(__import__("shenjing.autograd.ops.einsum", fromlist=["x"]), "LogAbsDet")
    assert P.logabsdet is logdet_module.logabsdet
