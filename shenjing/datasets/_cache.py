"""The dataset cache and the checked, bounded download that fills it.

Files live in ``$SHENJING_HOME/datasets`` (default ``~/.shenjing/datasets``).
A file found there is the user's own copy and is checked for its format (not
its hash) by the loader; a downloaded file enters the cache only after its
SHA-256 matched, through a temporary ``.<name>.<random>.part`` file in the same
folder and ``os.replace``, so a failed or corrupted transfer never leaves a file behind.

A download is bounded in size, time and leftovers:

* size: each file's loader states its real size; a server that announces more
  than ``size + max_download_margin`` bytes (``Content-Length``) is refused
  before anything is read, and one that sends more is cut off there;
* time: each read waits at most ``TIMEOUT`` seconds, and the whole transfer at
  most ``max_download_seconds`` (``shenjing.safety`` limits, each an
  environment variable), checked between reads that return as soon as any data
  came, so a server dripping one byte at a time is stopped too;
* leftovers: a ``.part`` file of a killed download is removed by the next download
  of the same file into that folder, if it is a regular file owned by this user,
  older than this process's first import of this module, and untouched for
  longer than any live download can be (``TIMEOUT`` plus a minute).

The mirrors tried are the loader's ``MIRRORS`` list, or the base URLs in the
environment variable ``SHENJING_DATASETS_MIRROR`` (separated by spaces or
commas) when it is set.
"""

import hashlib
import os
import time

from ..safety import FormatError, get_limit
from ..safety.files import remove_stale

MIRROR_ENV = "SHENJING_DATASETS_MIRROR"
TIMEOUT = 30.0  # seconds without data before a download is abandoned
CHUNK = 1 << 20
STALE_AFTER = 60.0  # seconds beyond TIMEOUT that a .part file must be untouched to count as left over


class DownloadError(OSError):
    """A download that failed, ran past its size or time limit, or did not match its SHA-256."""


class DatasetFormatError(FormatError):
    """A dataset file whose content is not what the loader expects: ``'<path>': <reason>``."""


def cache_root():
    """``$SHENJING_HOME/datasets`` (default ``~/.shenjing/datasets``)."""
    home = os.environ.get("SHENJING_HOME") or os.path.join(os.path.expanduser("~"), ".shenjing")
    return os.path.join(os.path.expanduser(home), "datasets")


def mirrors(defaults):
    """The base URLs to try: ``$SHENJING_DATASETS_MIRROR`` if set, else ``defaults``."""
    override = os.environ.get(MIRROR_ENV, "").replace(",", " ").split()
    bases = override or list(defaults)
    return [base if base.endswith("/") else base + "/" for base in bases]


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def remove_stale_parts(folder, fname):
    """Delete the ``.<fname>.<random>.part`` files a killed download left in ``folder``; return
    their names. Only regular files owned by this user, last written before this process
    started and more than ``TIMEOUT + STALE_AFTER`` seconds ago (a download running in another
    process writes at least every ``TIMEOUT`` seconds), as ``safety.files.remove_stale`` says."""
    return remove_stale(folder, f".{fname}.", ".part", TIMEOUT + STALE_AFTER)


def _announced_length(response):
    value = response.headers.get("Content-Length") if getattr(response, "headers", None) else None
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _too_slow(url, seconds, total, size):
    return DownloadError(
        f"{url}: the download took longer than {seconds:g} s (max_download_seconds) after {total} "
        f"of {size} bytes; the partial file was deleted. Set $SHENJING_MAX_DOWNLOAD_SECONDS to "
        f"allow more time")


def _transfer(response, url, out, digest, size, deadline):
    """Copy ``response`` into ``out`` within the size cap and the deadline; the bytes copied."""
    from ._http import DeadlinePassed

    cap = size + get_limit("max_download_margin")
    announced = _announced_length(response)
    if announced is not None and announced > cap:
        raise DownloadError(
            f"{url}: the server announces {announced} bytes (Content-Length), but this file has "
            f"{size}; more than {cap} (its size + max_download_margin) is refused, nothing was saved")
    read = getattr(response, "read1", None) or response.read  # read1: returns as soon as data came
    total = 0
    while True:
        if time.monotonic() >= deadline:  # a file:// mirror has no socket to enforce it
            raise _too_slow(url, get_limit("max_download_seconds"), total, size)
        try:
            chunk = read(min(CHUNK, cap + 1 - total))
        except DeadlinePassed:
            raise _too_slow(url, get_limit("max_download_seconds"), total, size) from None
        if not chunk:
            return total
        total += len(chunk)
        if total > cap:
            raise DownloadError(
                f"{url}: the server sent more than {cap} bytes for a file of {size} (its size + "
                f"max_download_margin); stopped reading and deleted the partial file")
        digest.update(chunk)
        out.write(chunk)
        out.flush()  # each chunk reaches the file at once: its mtime shows the download is alive


def download(url, destination, sha256, size, timeout=None):
    """Stream ``url`` into ``destination`` if its SHA-256 is ``sha256``; else raise ``DownloadError``.

    ``size`` is the file's real size in bytes: the transfer is cut off past
    ``size + max_download_margin``. Connection failures (refused, unreachable,
    timed out) are raised as ``ConnectionError`` so that callers can tell
    "offline" from "server said no".
    """
    import http.client
    import tempfile
    import urllib.error

    from ._http import DeadlinePassed, deadline_opener

    folder = os.path.dirname(os.path.abspath(destination))
    os.makedirs(folder, exist_ok=True)
    fname = os.path.basename(destination)
    remove_stale_parts(folder, fname)
    seconds = get_limit("max_download_seconds")
    deadline = time.monotonic() + seconds
    read_timeout = TIMEOUT if timeout is None else timeout
    fd, partial = tempfile.mkstemp(dir=folder, prefix=f".{fname}.", suffix=".part")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            try:
                opener = deadline_opener(deadline, read_timeout)
                with opener.open(url, timeout=read_timeout) as response:
                    _transfer(response, url, out, digest, size, deadline)
            except DeadlinePassed:  # while connecting or reading the headers
                raise _too_slow(url, seconds, 0, size) from None
            except urllib.error.HTTPError as e:
                raise DownloadError(f"{url}: the server answered HTTP {e.code} {e.reason}") from None
            except urllib.error.URLError as e:
                raise ConnectionError(f"{url}: cannot connect ({e.reason})") from None
            except (TimeoutError, ConnectionError) as e:
                raise ConnectionError(f"{url}: connection failed ({e})") from None
            except http.client.HTTPException as e:  # e.g. IncompleteRead: the transfer was cut short
                raise DownloadError(f"{url}: broken HTTP transfer ({e!r})") from None
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if actual != sha256:
            raise DownloadError(
                f"{url}: SHA-256 mismatch, expected {sha256}, got {actual}; the download was discarded"
            )
        try:
            os.replace(partial, destination)
        except FileNotFoundError:  # removed meanwhile by someone else: not "offline"
            raise DownloadError(f"{url}: the partial download {partial} was removed before it "
                                "was complete; try again") from None
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise
    return destination


def fetch(fname, destination, sha256, size, bases, where_hint):
    """Download ``fname`` (``size`` bytes) from the first of ``bases`` that serves it intact,
    into ``destination``. ``where_hint`` says how else to get the file; it ends every error.
    """
    failures = []
    for base in bases:
        url = base + fname
        try:
            return download(url, destination, sha256, size)
        except (ConnectionError, DownloadError) as e:
            failures.append(e)
    tried = "\n  ".join(str(e) for e in failures)
    if failures and all(isinstance(e, ConnectionError) for e in failures):
        raise FileNotFoundError(
            f"{fname} is not in the cache and cannot be downloaded (offline?). {where_hint}\n"
            f"Tried:\n  {tried}"
        )
    raise DownloadError(f"{fname} could not be downloaded.\n  {tried}\n{where_hint}")


def with_cache_hint(error, path, download_hint):
    """``error`` (a FormatError about the cached file ``path``), of the same type, with the
    remedy added: delete the file and load again to download a fresh copy."""
    return type(error)(error.path or path, f"{error.reason}. This cached file is damaged or not "
                                           f"the dataset: delete it (rm '{path}') and {download_hint}")
