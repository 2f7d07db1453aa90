"""Open the built documentation in headless Chromium; check its pages and images.

Run by hand from a clone, with Debian's ``chromium`` and ``chromium-driver`` (or
any Chrome with a matching ``chromedriver``) on PATH::

    python docs/check_render.py                       # builds the site first
    python docs/check_render.py --html docs/_build/html --screenshots /tmp/shots

The site is served on 127.0.0.1 and each page (by default the landing page, the
gallery index and one gallery example) is loaded in a fresh headless browser,
driven through chromedriver's HTTP API with the standard library only. A page
passes when it loads, has a title and at least the expected number of images,
and every ``<img>`` on it was decoded (``naturalWidth > 0``). A full-page
screenshot of each page is saved. Exit status: 0 all pages pass, 1 a page fails,
2 the browser or chromedriver is missing.

``tests/test_docs.py`` runs the same check on the site it builds, and skips it
with the reason when Chromium is absent.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# page -> the fewest images it must show (figures drawn at build time).
PAGES = {
    "index.html": 3,
    "auto_examples/index.html": 4,
    "auto_examples/restoration/plot_restore_broken_characters.html": 2,
}

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1280,900",
]

# Scrolls every image into view (lazy images load only when near the viewport),
# waits until all are settled, then reports each one.
IMAGES_SCRIPT = """
const done = arguments[arguments.length - 1];
const deadline = Date.now() + 20000;
let eager = false;
(function wait() {
  // Under load the page may still be loading when the script starts: wait for
  // the document, then for every image, then report.
  if (document.readyState !== "complete" && Date.now() < deadline) {
    setTimeout(wait, 100);
    return;
  }
  const images = Array.from(document.images);
  if (!eager) {
    images.forEach((img) => { img.loading = "eager"; img.scrollIntoView(); });
    window.scrollTo(0, 0);
    eager = true;
  }
  if (images.every((img) => img.complete) || Date.now() > deadline) {
    done({
      title: document.title,
      height: document.documentElement.scrollHeight,
      images: images.map((img) => ({
        src: img.getAttribute("src"),
        complete: img.complete,
        naturalWidth: img.naturalWidth,
      })),
    });
  } else {
    setTimeout(wait, 100);
  }
})();
"""


def find_browser() -> tuple[str, str] | None:
    """Return the paths of Chromium and chromedriver, or None if one is missing."""
    browser = next(
        (
            found
            for name in ("chromium", "chromium-browser", "google-chrome")
            if (found := shutil.which(name))
        ),
        None,
    )
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


def build_site(out: Path) -> Path:
    """Build the HTML site with warnings as errors into ``out``; return it."""
    html = out / "html"
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html"]
        + ["-d", str(out / "doctrees"), str(ROOT / "docs"), str(html)],
        check=True,
        cwd=ROOT,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    return html


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port); yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ChromeDriver:
    """The few W3C WebDriver calls this check needs, over chromedriver's HTTP API."""

    def __init__(self, browser: str, driver: str, profile: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [driver, f"--port={self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.session = ""
        try:
            self._wait_ready()
            options = {
                "binary": browser,
                "args": [*CHROMIUM_ARGS, f"--user-data-dir={profile}"],
            }
            capabilities = {"alwaysMatch": {"goog:chromeOptions": options}}
            reply = self._call("POST", "/session", {"capabilities": capabilities})
            self.session = reply["sessionId"]
        except BaseException:
            self.close()
            raise

    def _call(self, method: str, path: str, body: object = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.load(response)["value"] or {}
        except urllib.error.HTTPError as err:
            msg = f"chromedriver {method} {path} failed: {err.read().decode()[:500]}"
            raise RuntimeError(msg) from err

    def _wait_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if self._call("GET", "/status").get("ready"):
                    return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        msg = f"chromedriver did not start on port {self.port}"
        raise RuntimeError(msg)

    def _session(self, method: str, path: str, body: object = None) -> dict:
        return self._call(method, f"/session/{self.session}{path}", body)

    def open(self, url: str) -> None:
        self._session("POST", "/url", {"url": url})

    def run_async(self, script: str) -> dict:
        self._session("POST", "/timeouts", {"script": 30000})
        return self._session("POST", "/execute/async", {"script": script, "args": []})

    def screenshot(self, path: Path, height: int) -> None:
        # The window is the viewport of the screenshot: make it the page's height.
        rect = {"width": 1280, "height": max(600, min(height, 12000))}
        self._session("POST", "/window/rect", rect)
        png = self._session("GET", "/screenshot")
        path.write_bytes(base64.b64decode(png))  # type: ignore[arg-type]
        self._session("POST", "/window/rect", {"width": 1280, "height": 900})

    def close(self) -> None:
        if self.session:
            with contextlib.suppress(OSError, RuntimeError):
                self._session("DELETE", "")
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def check_pages(
    html: Path,
    screenshots: Path,
    pages: dict[str, int] = PAGES,
    browser: tuple[str, str] | None = None,
) -> list[str]:
    """Load each page of the site at ``html``; return the problems found.

    An empty list means every page loaded with all its images. Screenshots are
    written to ``screenshots`` as ``<page path with / as __>.png``.
    """
    browser = browser or find_browser()
    if browser is None:
        msg = "chromium and chromedriver must be on PATH"
        raise FileNotFoundError(msg)
    screenshots.mkdir(parents=True, exist_ok=True)
    problems = []
    with (
        tempfile.TemporaryDirectory(prefix="platevision-chromium-") as profile,
        serve(html) as base,
    ):
        driver = ChromeDriver(*browser, Path(profile))
        try:
            for page, min_images in pages.items():
                if not (html / page).is_file():
                    problems.append(f"{page}: not in the built site {html}")
                    continue
                driver.open(base + page)
                report = driver.run_async(IMAGES_SCRIPT)
                shot = screenshots / (page.replace("/", "__").removesuffix(".html"))
                driver.screenshot(shot.with_suffix(".png"), report["height"])
                images = report["images"]
                broken = [
                    img["src"]
                    for img in images
                    if not img["complete"] or img["naturalWidth"] == 0
                ]
                print(
                    f"{page}: title {report['title']!r}, {len(images)} images, "
                    f"{len(broken)} broken; screenshot {shot.with_suffix('.png')}"
                )
                if not report["title"]:
                    problems.append(f"{page}: no title")
                if broken:
                    problems.append(f"{page}: images did not load: {broken}")
                if len(images) < min_images:
                    problems.append(
                        f"{page}: {len(images)} images; expected at least {min_images}"
                    )
        finally:
            driver.close()
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--html",
        type=Path,
        help="the built site (default: build it into a temporary folder)",
    )
    parser.add_argument(
        "--screenshots",
        type=Path,
        default=Path("render-check"),
        help="folder for the screenshots (default: ./render-check)",
    )
    args = parser.parse_args(argv)
    if find_browser() is None:
        print(
            "chromium and chromedriver are not on PATH; on Debian: "
            "apt-get install chromium chromium-driver",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="platevision-docs-") as tmp:
        html = args.html or build_site(Path(tmp))
        problems = check_pages(html, args.screenshots)
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    print("render check:", "FAILED" if problems else "all pages rendered")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
