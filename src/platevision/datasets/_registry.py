"""Records of the remote files that platevision can download, with their hashes.

The hashes live in plain-text registries under ``platevision/datasets/data/``, in
pooch's format (``<filename> sha256:<hex>`` per line, ``#`` comments), read with
:mod:`importlib.resources` when a fetcher first needs them: nothing is read or
downloaded at import.
"""

from __future__ import annotations

from importlib import resources

__all__ = [
    "OPENALPR_BASE_URL",
    "OPENALPR_COMMIT",
    "OPENALPR_FOLDER",
    "OPENALPR_REPOSITORY",
    "load_openalpr_registry",
]

#: The OpenALPR benchmark files come from this GitHub repository, pinned to a commit
#: so that the hashes below cannot drift.
OPENALPR_REPOSITORY = "openalpr/benchmarks"
OPENALPR_COMMIT = "9790ed20d475be1e940a7e2a3f492a97c2ebed9b"
OPENALPR_FOLDER = "endtoend/us/"
OPENALPR_BASE_URL = (
    f"https://raw.githubusercontent.com/{OPENALPR_REPOSITORY}/{OPENALPR_COMMIT}/"
    f"{OPENALPR_FOLDER}"
)
# Only the US folder has a registry: the sha256 values were computed from byte
# copies of the origin files (222 .jpg + their 222 .txt ground truths). Our copies of
# the Brazilian folder (endtoend/br/) were re-encoded as JPEG, so the hashes of the
# origin bytes are unknown and that folder cannot be fetched with a checksum.
_OPENALPR_US_REGISTRY = "openalpr_us_registry.txt"


def _parse_registry(text: str, source: str) -> dict[str, str]:
    """Parse pooch's registry format into ``{filename: "sha256:<hex>"}``."""
    registry: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) != 2 or not fields[1].startswith("sha256:"):
            msg = (
                f"{source}, line {number}: expected '<filename> sha256:<hex>'; "
                f"got {raw!r}."
            )
            raise ValueError(msg)
        digest = fields[1].removeprefix("sha256:")
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            msg = (
                f"{source}, line {number}: expected 64 lower-case hex digits after "
                f"'sha256:'; got {fields[1]!r}."
            )
            raise ValueError(msg)
        registry[fields[0]] = fields[1]
    return registry


def load_openalpr_registry() -> dict[str, str]:
    """Return ``{filename: "sha256:<hex>"}`` for the 444 OpenALPR US files."""
    resource = resources.files("platevision.datasets") / "data" / _OPENALPR_US_REGISTRY
    return _parse_registry(resource.read_text(encoding="utf-8"), _OPENALPR_US_REGISTRY)
