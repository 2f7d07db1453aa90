"""Tests of platevision.datasets._fetchers and _registry, offline.

Downloads go to a real HTTP server on 127.0.0.1 (http.server in a thread) that
serves a temporary folder; the registry is replaced by one built from that
folder's files. Nothing here touches the internet.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pooch
import pytest
from PIL import Image
from sklearn.utils import Bunch

from platevision.datasets import _registry, fetch_openalpr, load_plates
from platevision.datasets._fetchers import _write_manifest

PREFIX = "/endtoend/us/"
PLATES = {"car1": ("ABC123", 10, 20, 30, 15), "car2": ("7XYZ42", 0, 5, 44, 12)}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    """Serve ``server.root`` under PREFIX, with scripted failures per file name."""

    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        name = self.path.removeprefix(PREFIX)
        self.server.requests.append(name)
        path = self.server.root / name
        if self.server.failures.get(name, 0) > 0:
            self.server.failures[name] -= 1
            self.send_error(503, "try again")
            return
        if not self.path.startswith(PREFIX) or not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if name in self.server.truncated:
            # Promise more bytes than are sent, then drop the connection.
            self.send_header("Content-Length", str(len(body) + 1000))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 (keep test output quiet)
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    root: Path
    requests: list[str]
    failures: dict[str, int]
    truncated: set[str]


@pytest.fixture
def server(tmp_path):
    """A local HTTP server over tmp_path/server, shut down after the test."""
    root = tmp_path / "server"
    root.mkdir()
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.root = root
    httpd.requests = []
    httpd.failures = {}
    httpd.truncated = set()
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def remote(server, monkeypatch, rng):
    """Put two small plates on the server and a registry of their hashes in place.

    Returns the base URL.
    """
    registry = {}
    for stem, (text, x, y, w, h) in PLATES.items():
        buffer = io.BytesIO()
        pixels = rng.integers(0, 256, size=(24, 32, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(buffer, format="JPEG")
        files = {
            f"{stem}.jpg": buffer.getvalue(),
            f"{stem}.txt": f"{stem}.jpg\t{x}\t{y}\t{w}\t{h}\t{text}\n".encode(),
        }
        for name, data in files.items():
            (server.root / name).write_bytes(data)
            registry[name] = f"sha256:{_sha256(data)}"
    monkeypatch.setattr(_registry, "load_openalpr_registry", lambda: dict(registry))
    host, port = server.server_address[:2]
    return f"http://{host}:{port}{PREFIX}"


def _cache(data_home: Path) -> Path:
    return data_home / "plates" / "openalpr" / "us"


def _fetch(data_home, base_url, **kwargs):
    kwargs.setdefault("n_retries", 0)
    kwargs.setdefault("delay", 0)
    return fetch_openalpr(data_home=data_home, base_url=base_url, **kwargs)


def test_first_fetch_downloads_and_writes_manifest(tmp_path, server, remote, caplog):
    data_home = tmp_path / "data"
    pooch_level = pooch.get_logger().level
    with caplog.at_level(logging.INFO, logger="platevision"):
        plates = _fetch(data_home, remote)
    assert isinstance(plates, Bunch)
    assert sorted(server.requests) == ["car1.jpg", "car1.txt", "car2.jpg", "car2.txt"]
    np.testing.assert_array_equal(plates.target, ["ABC123", "7XYZ42"])
    np.testing.assert_array_equal(plates.boxes, [[10, 20, 30, 15], [0, 5, 44, 12]])
    assert plates.images == [str(_cache(data_home) / "car1.jpg"), plates.images[1]]
    manifest = (_cache(data_home) / "manifest.csv").read_text()
    assert manifest == (
        "path,plate_text,x,y,w,h\ncar1.jpg,ABC123,10,20,30,15\n"
        "car2.jpg,7XYZ42,0,5,44,12\n"
    )
    # The same Bunch as load_plates, which reads the folder it wrote.
    loaded = load_plates(data_home=data_home)
    assert set(plates) == set(loaded)
    np.testing.assert_array_equal(plates.filenames, loaded.filenames)
    assert plates.DESCR == loaded.DESCR
    assert any("Downloading 4 OpenALPR" in r.getMessage() for r in caplog.records)
    assert pooch.get_logger().level == pooch_level  # restored after silencing


def test_second_fetch_downloads_nothing(tmp_path, server, remote):
    data_home = tmp_path / "data"
    _fetch(data_home, remote)
    n_requests = len(server.requests)
    manifest = _cache(data_home) / "manifest.csv"
    stamp = manifest.stat().st_mtime_ns
    X, y = _fetch(data_home, remote, return_X_y=True)
    assert len(server.requests) == n_requests
    assert manifest.stat().st_mtime_ns == stamp  # unchanged, so not rewritten
    assert len(X) == len(y) == 2


def test_damaged_cached_file_is_fetched_again(tmp_path, server, remote):
    data_home = tmp_path / "data"
    _fetch(data_home, remote)
    (_cache(data_home) / "car2.jpg").write_bytes(b"not the picture")
    server.requests.clear()
    _fetch(data_home, remote)
    assert server.requests == ["car2.jpg"]
    served = (server.root / "car2.jpg").read_bytes()
    assert (_cache(data_home) / "car2.jpg").read_bytes() == served


def test_checksum_mismatch_names_both_hashes_and_keeps_nothing(
    tmp_path, server, remote
):
    expected = _sha256((server.root / "car1.jpg").read_bytes())
    corrupted = b"corrupted bytes on the mirror"
    (server.root / "car1.jpg").write_bytes(corrupted)
    data_home = tmp_path / "data"
    with pytest.raises(OSError, match="checksum mismatch for 'car1.jpg'") as info:
        _fetch(data_home, remote)
    message = str(info.value)
    assert f"expected sha256 {expected}" in message
    assert f"got sha256 {_sha256(corrupted)}" in message
    left = sorted(os.listdir(_cache(data_home)))
    assert "car1.jpg" not in left
    assert all(name.endswith((".jpg", ".txt")) for name in left)  # no temp files


def test_checksum_mismatch_also_drops_a_damaged_cached_copy(tmp_path, server, remote):
    data_home = tmp_path / "data"
    _fetch(data_home, remote)
    (_cache(data_home) / "car1.jpg").write_bytes(b"damaged")
    (server.root / "car1.jpg").write_bytes(b"also wrong")
    with pytest.raises(OSError, match="expected sha256 .* got sha256"):
        _fetch(data_home, remote)
    assert not (_cache(data_home) / "car1.jpg").exists()


def test_interrupted_download_leaves_nothing_partial(tmp_path, server, remote):
    server.truncated.add("car2.jpg")
    data_home = tmp_path / "data"
    with pytest.raises(OSError, match="could not download 'car2.jpg' from http"):
        _fetch(data_home, remote)
    left = sorted(os.listdir(_cache(data_home)))
    assert "car2.jpg" not in left
    assert all(name.endswith((".jpg", ".txt")) for name in left)  # no temp files
    assert not (_cache(data_home) / "manifest.csv").exists()


def test_transient_failure_is_retried(tmp_path, server, remote):
    server.failures["car1.jpg"] = 2
    plates = _fetch(tmp_path / "data", remote, n_retries=2, delay=0)
    assert Counter(server.requests)["car1.jpg"] == 3
    assert len(plates.images) == 2


def test_retries_run_out(tmp_path, server, remote):
    server.failures["car1.jpg"] = 5
    with pytest.raises(OSError, match=r"'car1.jpg' .* after 2 attempt\(s\)"):
        _fetch(tmp_path / "data", remote, n_retries=1, delay=0)
    assert Counter(server.requests)["car1.jpg"] == 2


def test_missing_file_on_server_is_not_retried(tmp_path, server, remote):
    (server.root / "car2.txt").unlink()
    with pytest.raises(OSError, match=r"'car2.txt' .* after 1 attempt\(s\).*404"):
        _fetch(tmp_path / "data", remote, n_retries=3, delay=0)
    assert Counter(server.requests)["car2.txt"] == 1


def test_download_if_missing_false_raises(tmp_path, server, remote):
    data_home = tmp_path / "data"
    with pytest.raises(OSError, match="4 of the 4 OpenALPR US files are missing") as e:
        _fetch(data_home, remote, download_if_missing=False)
    assert str(_cache(data_home)) in str(e.value)
    assert server.requests == []
    _fetch(data_home, remote)
    plates = _fetch(data_home, remote, download_if_missing=False)
    assert len(plates.images) == 2


def test_a_url_requests_refuses_is_not_called_a_checksum_mismatch(tmp_path):
    # requests' URL errors are ValueErrors too: they were reported as a
    # checksum mismatch with "got sha256 unknown".
    with pytest.raises(OSError, match=r"could not download .* Invalid URL") as err:
        fetch_openalpr(data_home=tmp_path, base_url="http:///nohost/", n_retries=0)
    assert "checksum" not in str(err.value)
    assert not any(tmp_path.rglob("*.jpg"))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"region": "br"}, ValueError, r"region='br' cannot be fetched: .*unknown"),
        ({"region": "eu"}, ValueError, r"region must be 'us'; got 'eu'"),
        ({"n_retries": -1}, ValueError, r"n_retries must be an int >= 0; got -1"),
        ({"n_retries": 1.5}, TypeError, r"n_retries must be an int >= 0; got 1.5"),
        ({"delay": -1}, ValueError, r"delay must be a number of seconds >= 0"),
        ({"delay": "1"}, TypeError, r"delay must be a number of seconds >= 0"),
        ({"download_if_missing": 0}, TypeError, r"download_if_missing must be a bool"),
        ({"return_X_y": None}, TypeError, r"return_X_y must be a bool"),
        ({"base_url": "mirror/us/"}, ValueError, r"base_url must be an http:// or"),
        # Fetched over HTTP(S) only; these were reported as checksum mismatches.
        ({"base_url": "ftp://127.0.0.1/us/"}, ValueError, r"must be an http://"),
        ({"base_url": "file:///srv/us/"}, ValueError, r"must be an http://"),
        ({"base_url": 3}, TypeError, r"base_url must be None or a URL string"),
    ],
)
def test_invalid_arguments(tmp_path, server, remote, kwargs, error, match):
    kwargs = {"data_home": tmp_path / "data", "base_url": remote, **kwargs}
    with pytest.raises(error, match=match):
        fetch_openalpr(**kwargs)
    assert server.requests == []
    assert not (tmp_path / "data").exists()


def test_malformed_ground_truth_is_named(tmp_path):
    folder = tmp_path / "us"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(b"x")
    (folder / "a.txt").write_text("a.jpg\t1\t2\t3\tABC\n")
    with pytest.raises(ValueError, match=r"a\.txt' must hold one line of 6"):
        _write_manifest(folder, ["a.txt"])
    (folder / "a.txt").write_text("a.jpg\t1\t2\tthree\t4\tABC\n")
    with pytest.raises(ValueError, match=r"a\.txt': x, y, w, h must be integers"):
        _write_manifest(folder, ["a.txt"])
    (folder / "a.txt").write_text("b.jpg\t1\t2\t3\t4\tABC\n")
    with pytest.raises(ValueError, match=r"names the image 'b\.jpg', which is not"):
        _write_manifest(folder, ["a.txt"])
    assert sorted(os.listdir(folder)) == ["a.jpg", "a.txt"]


# --------------------------------------------------------------------------
# The shipped registry


def test_shipped_registry_has_every_us_file():
    registry = _registry.load_openalpr_registry()
    assert len(registry) == 444
    stems = Counter(os.path.splitext(name)[0] for name in registry)
    assert set(stems.values()) == {2}
    assert sum(name.endswith(".jpg") for name in registry) == 222
    assert all(value.startswith("sha256:") for value in registry.values())
    assert _registry.OPENALPR_BASE_URL == (
        "https://raw.githubusercontent.com/openalpr/benchmarks/"
        "9790ed20d475be1e940a7e2a3f492a97c2ebed9b/endtoend/us/"
    )


def test_shipped_registry_matches_the_shared_copies(shared_data):
    folder = shared_data / "plates" / "openalpr" / "us"
    registry = _registry.load_openalpr_registry()
    present = [name for name in registry if (folder / name).is_file()]
    if not present:
        pytest.skip(f"no OpenALPR US files in {folder}")
    for name in present:
        digest = _sha256((folder / name).read_bytes())
        assert registry[name] == f"sha256:{digest}", name


def test_fetch_from_shared_copies_rebuilds_the_same_manifest(shared_data, tmp_path):
    """With the shared files in the cache (as links), nothing is downloaded."""
    source = shared_data / "plates" / "openalpr" / "us"
    if not (source / "manifest.csv").is_file():
        pytest.skip(f"no OpenALPR US manifest in {source}")
    cache = _cache(tmp_path)
    cache.mkdir(parents=True)
    for name in _registry.load_openalpr_registry():
        (cache / name).symlink_to(source / name)
    plates = fetch_openalpr(
        data_home=tmp_path, download_if_missing=False, base_url="http://127.0.0.1:9/"
    )
    assert len(plates.images) == 222
    assert plates.boxes.shape == (222, 4)
    manifest = (cache / "manifest.csv").read_bytes()
    assert manifest == (source / "manifest.csv").read_bytes()


def test_registry_parser_rejects_bad_lines():
    with pytest.raises(ValueError, match=r"reg\.txt, line 2: expected '<filename>"):
        _registry._parse_registry("# comment\na.jpg md5:00\n", "reg.txt")
    with pytest.raises(ValueError, match=r"line 1: expected 64 lower-case hex"):
        _registry._parse_registry("a.jpg sha256:XYZ\n", "reg.txt")
