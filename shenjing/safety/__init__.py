"""Floor 1: what every reader of untrusted bytes shares.

``FormatError`` (a ValueError) is the one error a malformed or hostile file raises,
whatever its format, with the path and what was wrong; ``ResourceLimitError`` is the
kind of it raised when a file asks for more memory, time or entries than a limit
allows. ``limits`` names those limits (each one an environment variable the user
can raise); ``budget`` is the running total of what one load has materialized,
compared with the bytes of the file it came from; ``files`` opens only regular files and
cleans what killed writers left; ``zips`` holds the checks every zip reader makes.
"""

from .budget import LoadBudget, charge, current_budget, load_budget
from .errors import FormatError, ResourceLimitError
from .files import check_regular_file, open_regular, remove_stale
from .limits import LIMITS, get_limit, override_limits

__all__ = ["FormatError", "ResourceLimitError", "LIMITS", "get_limit", "override_limits",
           "check_regular_file", "open_regular", "remove_stale", "LoadBudget", "load_budget",
           "current_budget", "charge"]
