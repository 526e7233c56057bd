"""``keras.ops.math``: re-exports ``shenjing.ops.math``."""

from ...ops.math import *  # noqa: F401,F403
from ...ops.math import __all__  # noqa: F401
