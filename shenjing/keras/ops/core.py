"""``keras.ops.core``: re-exports ``shenjing.ops.core``."""

from ...ops.core import *  # noqa: F401,F403
from ...ops.core import __all__  # noqa: F401
