"""A download is bounded in size (the file's real size + max_download_margin), in time (an
overall deadline besides the per-read timeout) and in leftovers (stale .part files).

Issue 10, findings 5 and 8: an endless body used to be written without limit, a server
dripping one byte every half second never timed out, and a killed download's .part file
stayed for ever. Everything here runs against a local server on 127.0.0.1.
"""

import hashlib
import os
import time

import pytest

from shenjing.datasets import DownloadError, _cache, fashion_mnist, mnist
from shenjing.safety import override_limits


def files_in(folder):
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def endless(handler):
    """200 with no Content-Length, then zeros until the client hangs up."""
    handler.protocol_version = "HTTP/1.0"
    handler.send_response(200)
    handler.end_headers()
    block = bytes(1 << 16)
    for _ in range(100_000):  # 6.5 GB at most, so that a broken client cannot hang the suite
        handler.wfile.write(block)


def drip(data, every=0.05):
    """Announce ``data`` honestly, then send it one byte per ``every`` seconds."""
    def answer(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        for i in range(min(len(data), 400)):
            handler.wfile.write(data[i:i + 1])
            handler.wfile.flush()
            time.sleep(every)
    return answer


def drip_headers(handler, every=0.05):
    """The status line and an endless header, one byte per ``every`` seconds."""
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 400:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(every)


def announce(length, body=b""):
    def answer(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(length))
        handler.end_headers()
        handler.wfile.write(body)
    return answer


def test_the_expected_sizes_are_the_real_files():
    assert mnist.FILE_SIZE == 11_490_434
    assert fashion_mnist.FILE_SIZES == {"train-images-idx3-ubyte.gz": 26_421_880, "train-labels-idx1-ubyte.gz": 29_515,
                                        "t10k-images-idx3-ubyte.gz": 4_422_102, "t10k-labels-idx1-ubyte.gz": 5_148}
    assert set(fashion_mnist.FILE_SIZES) == set(fashion_mnist.FILE_HASHES)


def test_an_endless_body_is_cut_off_at_the_real_size_plus_the_default_margin(cache, server):
    server.handlers["mnist.npz"] = endless
    start = time.monotonic()
    with pytest.raises(DownloadError, match=r"sent more than 12539010 bytes for a file of 11490434.*deleted"):
        mnist.load_data()  # 11,490,434 + 1 MiB
    assert time.monotonic() - start < 20
    assert files_in(cache) == []  # the partial file is gone


def test_an_endless_body_stops_at_a_lowered_margin(cache, server, monkeypatch):
    monkeypatch.setattr(mnist, "FILE_SIZE", 10_000)
    server.handlers["mnist.npz"] = endless
    with override_limits(max_download_margin=500):
        with pytest.raises(DownloadError, match=r"sent more than 10500 bytes for a file of 10000"):
            mnist.load_data()
    assert files_in(cache) == []


def test_a_dripping_body_meets_the_overall_deadline(cache, server, mnist_npz, mnist_hash):
    server.handlers["mnist.npz"] = drip(mnist_npz)
    start = time.monotonic()
    with override_limits(max_download_seconds=0.5):
        with pytest.raises(DownloadError, match=r"took longer than 0.5 s \(max_download_seconds\)") as info:
            mnist.load_data()
    elapsed = time.monotonic() - start
    assert elapsed < 3, elapsed  # each byte came well within the 30 s per-read timeout
    assert "SHENJING_MAX_DOWNLOAD_SECONDS" in str(info.value)
    assert files_in(cache) == []


def test_dripping_headers_meet_the_overall_deadline(cache, server, mnist_hash):
    server.handlers["mnist.npz"] = drip_headers
    start = time.monotonic()
    with override_limits(max_download_seconds=0.5):
        with pytest.raises(DownloadError, match=r"took longer than 0.5 s"):
            mnist.load_data()
    assert time.monotonic() - start < 3
    assert files_in(cache) == []


def test_the_per_read_timeout_still_holds_under_a_long_deadline(cache, server, mnist_npz, mnist_hash, monkeypatch):
    server.files["mnist.npz"] = mnist_npz
    server.delay = 1.0
    monkeypatch.setattr(_cache, "TIMEOUT", 0.2)
    start = time.monotonic()
    with override_limits(max_download_seconds=60.0):
        with pytest.raises(FileNotFoundError, match="timed out"):
            mnist.load_data()
    assert time.monotonic() - start < 0.9


def test_a_content_length_past_the_cap_is_refused_before_reading(cache, server, monkeypatch):
    monkeypatch.setattr(mnist, "FILE_SIZE", 1000)
    server.handlers["mnist.npz"] = announce(1000 + 10 + 1, body=b"x" * 1011)
    with override_limits(max_download_margin=10):
        with pytest.raises(DownloadError, match=r"announces 1011 bytes \(Content-Length\), but this file has 1000"):
            mnist.load_data()
    assert files_in(cache) == []


def test_a_file_exactly_at_the_cap_is_accepted_one_more_byte_is_not(tmp_path, server):
    data = os.urandom(300)
    digest = hashlib.sha256(data).hexdigest()
    server.handlers["a.bin"] = announce(len(data), data)
    with override_limits(max_download_margin=100):
        _cache.download(server.url + "a.bin", tmp_path / "a.bin", digest, size=200)
        assert (tmp_path / "a.bin").read_bytes() == data
        with pytest.raises(DownloadError, match="announces 300 bytes"):
            _cache.download(server.url + "a.bin", tmp_path / "b.bin", digest, size=199)
    assert not (tmp_path / "b.bin").exists()
    # Without a Content-Length (a close-delimited body) the cap is enforced while reading.
    def unannounced(handler):
        handler.protocol_version = "HTTP/1.0"
        handler.send_response(200)
        handler.end_headers()
        handler.wfile.write(data)
    server.handlers["c.bin"] = unannounced
    with override_limits(max_download_margin=100):
        _cache.download(server.url + "c.bin", tmp_path / "c.bin", digest, size=200)
        with pytest.raises(DownloadError, match="sent more than 299 bytes"):
            _cache.download(server.url + "c.bin", tmp_path / "d.bin", digest, size=199)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "c.bin"]


def test_fashion_files_are_each_capped_at_their_own_size(cache, server, fashion_files, fashion_hashes, monkeypatch):
    server.files.update(fashion_files)
    sizes = {name: len(data) for name, data in fashion_files.items()}
    sizes["t10k-labels-idx1-ubyte.gz"] -= 1
    monkeypatch.setattr(fashion_mnist, "FILE_SIZES", sizes)
    with override_limits(max_download_margin=0):
        with pytest.raises(DownloadError, match=r"t10k-labels-idx1-ubyte.gz: the server announces"):
            fashion_mnist.load_data()
    assert "t10k-labels-idx1-ubyte.gz" not in files_in(cache)


def part(folder, name, age, content=b"partial"):
    path = folder / name
    path.write_bytes(content)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_a_killed_downloads_part_file_is_removed_by_the_next_download(cache, server, mnist_npz, mnist_hash):
    cache.mkdir(parents=True)
    stale = part(cache, ".mnist.npz.k1ll3d__.part", age=3600, content=bytes(1 << 16))
    live = part(cache, ".mnist.npz.l1ve____.part", age=1)  # another process may be writing it
    other = part(cache, ".other.npz.abcdefgh.part", age=3600)  # another file's
    unrelated = part(cache, ".mnist.npz.notes", age=3600)
    link_target = part(cache, "target", age=3600)
    link = cache / ".mnist.npz.link____.part"
    os.symlink(link_target, link)
    server.files["mnist.npz"] = mnist_npz
    mnist.load_data()
    assert not stale.exists()
    assert live.exists() and other.exists() and unrelated.exists() and os.path.islink(link) and link_target.exists()


def test_part_files_of_other_users_are_left_alone(tmp_path, monkeypatch):
    stale = part(tmp_path, ".mnist.npz.k1ll3d__.part", age=3600)
    monkeypatch.setattr(_cache.os, "getuid", lambda: os.stat(stale).st_uid + 1)
    assert _cache.remove_stale_parts(tmp_path, "mnist.npz") == []
    assert stale.exists()
    monkeypatch.undo()
    assert _cache.remove_stale_parts(tmp_path, "mnist.npz") == [stale.name]


def test_part_files_newer_than_this_process_are_left_alone(tmp_path, monkeypatch):
    stale = part(tmp_path, ".mnist.npz.k1ll3d__.part", age=3600)
    from shenjing.safety import files

    monkeypatch.setattr(files, "process_start_time", lambda: time.time() - 7200)  # the file is younger
    assert _cache.remove_stale_parts(tmp_path, "mnist.npz") == []
    assert stale.exists()


def test_https_goes_through_the_same_bounded_connection(tmp_path, server):
    # A plain-HTTP server spoken to over https: the TLS handshake fails, which must surface as
    # the usual "cannot connect" (the https handler with its deadline-checked socket is used).
    url = server.url.replace("http://", "https://") + "a.bin"
    with pytest.raises(ConnectionError, match="cannot connect"):
        _cache.download(url, tmp_path / "a.bin", "0" * 64, size=10)
    assert list(tmp_path.iterdir()) == []
