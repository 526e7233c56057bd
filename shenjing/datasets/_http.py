"""An urllib opener whose connections obey one overall deadline as well as a per-read timeout.

``socket`` timeouts bound each read, not a transfer: a server that sends one byte
every half second, in its headers or its body, keeps ``urlopen(url, timeout=30)``
going for ever. Here every read of the connection (status line, headers, body)
first checks the deadline and then waits at most ``min(read_timeout, time left)``,
so a transfer ends by ``deadline`` (plus one scheduling slice) whatever the
server does: with ``DeadlinePassed`` when the time is up, with ``TimeoutError``
when one read waited ``read_timeout`` for nothing.
"""

import http.client
import io
import time
import urllib.request


class DeadlinePassed(Exception):
    """The transfer's overall deadline passed (not an OSError, so urllib passes it through)."""


class _DeadlineRaw(io.RawIOBase):
    """A socket's raw reader that sets the socket's timeout to the time left before each read."""

    def __init__(self, sock, deadline, read_timeout):
        super().__init__()
        self._sock, self._deadline, self._read_timeout = sock, deadline, read_timeout
        self._raw = sock.makefile("rb", buffering=0)

    def readable(self):
        return True

    def readinto(self, buffer):
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise DeadlinePassed()
        self._sock.settimeout(min(self._read_timeout, left))
        try:
            return self._raw.readinto(buffer)
        except TimeoutError:
            if left < self._read_timeout:  # the wait was cut short by the deadline
                raise DeadlinePassed() from None
            raise

    def close(self):
        if not self.closed:
            self._raw.close()
        super().close()


class _DeadlineSocket:
    """A socket whose ``makefile('rb')`` gives deadline-checked reads; all else is the socket's."""

    def __init__(self, sock, deadline, read_timeout):
        self._sock, self._deadline, self._read_timeout = sock, deadline, read_timeout

    def makefile(self, mode="r", *args, **kwargs):
        if mode != "rb":
            return self._sock.makefile(mode, *args, **kwargs)
        return io.BufferedReader(_DeadlineRaw(self._sock, self._deadline, self._read_timeout))

    def __getattr__(self, name):
        return getattr(self._sock, name)


def _connection_class(base, deadline, read_timeout):
    class Connection(base):
        def connect(self):
            if time.monotonic() >= deadline:
                raise DeadlinePassed()
            left = deadline - time.monotonic()
            self.timeout = min(self.timeout or read_timeout, max(left, 0.001))
            try:
                super().connect()
            except TimeoutError:
                if left < read_timeout:
                    raise DeadlinePassed() from None
                raise
            self.sock = _DeadlineSocket(self.sock, deadline, read_timeout)
    return Connection


def deadline_opener(deadline, read_timeout):
    """An ``OpenerDirector`` for http and https whose transfers end by ``deadline``
    (a ``time.monotonic()`` value) and whose reads each wait at most ``read_timeout`` seconds."""
    http_connection = _connection_class(http.client.HTTPConnection, deadline, read_timeout)
    https_connection = _connection_class(http.client.HTTPSConnection, deadline, read_timeout)

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(http_connection, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            extra = {"check_hostname": self._check_hostname} if hasattr(self, "_check_hostname") else {}
            return self.do_open(https_connection, req, context=self._context, **extra)

    return urllib.request.build_opener(HTTPHandler, HTTPSHandler)
