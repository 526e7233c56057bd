"""``keras.ops.numpy``: re-exports ``shenjing.ops.numpy``."""

from ...ops.numpy import *  # noqa: F401,F403
from ...ops.numpy import __all__  # noqa: F401
