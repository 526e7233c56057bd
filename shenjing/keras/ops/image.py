"""``keras.ops.image``: re-exports ``shenjing.ops.image``."""

from ...ops.image import *  # noqa: F401,F403
from ...ops.image import __all__  # noqa: F401
