"""Plate syntax: patterns of letters and digits, and decoding a row with them.

A pattern string is read position by position: ``L`` is a letter A-Z, ``D`` a digit
0-9, ``?`` any character, ``[...]`` one of the characters listed (``[A-HJ]`` ranges
work as in regular expressions) and any other character stands for itself. A string
that is not such a pattern is a regular expression the whole plate must match.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "REGION_PATTERNS",
    "PlatePattern",
    "decode_row",
    "parse_patterns",
    "shape_of",
]

#: Plate patterns of a few regions; pass the key as ``patterns=`` to PlateReader.
REGION_PATTERNS: dict[str, tuple[str, ...]] = {
    # Brazil: the grey plates (ABC1234) and the Mercosur form (ABC1D23).
    "br": ("LLLDDDD", "LLLDLDD"),
    # United Kingdom since 2001: AB12CDE.
    "uk": ("LLDDLLL",),
    # The United States: every state has its own forms, 5 to 8 characters of
    # letters and digits (vanity plates included).
    "us": ("?????", "??????", "???????", "????????"),
    # Mercosur plates of Argentina, Brazil, Paraguay, Uruguay.
    "mercosur": ("LLDDDLL", "LLLDLDD", "LLLLDDD"),
}

_TOKEN = re.compile(r"\[[^\]]+\]|.")
_LETTERS = string.ascii_uppercase
_DIGITS = string.digits


def shape_of(text: str) -> str:
    """The pattern of a plate text: letters become ``L``, digits ``D``.

    Parameters
    ----------
    text : str
        A plate text.

    Returns
    -------
    pattern : str
        Its pattern, for ``PlateReader(patterns=...)``; other characters become
        one-character sets (``[\\-]``).

    Examples
    --------
    >>> from platevision.reader import shape_of
    >>> shape_of("ABC1D23")
    'LLLDLDD'
    """
    out = []
    for char in str(text):
        if char in _LETTERS or char in _LETTERS.lower():
            out.append("L")
        elif char in _DIGITS:
            out.append("D")
        else:
            out.append(f"[{re.escape(char)}]")
    return "".join(out)


@dataclass(frozen=True)
class PlatePattern:
    """One plate pattern: per position the characters allowed, or a regex."""

    source: str
    positions: tuple[frozenset[str] | None, ...] | None  # None: any character
    regex: re.Pattern[str] | None

    @property
    def length(self) -> int | None:
        return None if self.positions is None else len(self.positions)


def _parse_one(source: str) -> PlatePattern:
    tokens = _TOKEN.findall(source)
    if (
        tokens
        and "".join(tokens) == source
        and not any(t in "^$()*+{}|\\." for t in tokens)
    ):
        positions: list[frozenset[str] | None] = []
        for token in tokens:
            if token == "L":
                positions.append(frozenset(_LETTERS))
            elif token == "D":
                positions.append(frozenset(_DIGITS))
            elif token == "?":
                positions.append(None)
            elif token.startswith("["):
                members = {
                    c for c in _LETTERS + _DIGITS if re.fullmatch(token, c) is not None
                }
                if not members:
                    msg = (
                        f"patterns: the set {token} in {source!r} allows no letter or "
                        "digit."
                    )
                    raise ValueError(msg)
                positions.append(frozenset(members))
            else:
                positions.append(frozenset({token.upper()}))
        return PlatePattern(source, tuple(positions), None)
    try:
        regex = re.compile(source)
    except re.error as err:
        msg = (
            f"patterns: {source!r} is neither a pattern of L, D, ?, [...] and "
            f"literal characters nor a valid regular expression ({err})."
        )
        raise ValueError(msg) from err
    return PlatePattern(source, None, regex)


def parse_patterns(patterns: Any) -> tuple[PlatePattern, ...]:
    """Parse a region key, one pattern string or a sequence of them.

    Examples
    --------
    >>> from platevision.reader._patterns import parse_patterns
    >>> [p.source for p in parse_patterns("br")]
    ['LLLDDDD', 'LLLDLDD']
    >>> parse_patterns("LL[0-4]D")[0].length
    4
    """
    if isinstance(patterns, str):
        sources: Iterable[Any] = REGION_PATTERNS.get(patterns.lower(), (patterns,))
    elif isinstance(patterns, re.Pattern):
        sources = (patterns.pattern,)
    else:
        sources = patterns
    parsed = []
    for source in sources:
        if isinstance(source, re.Pattern):
            source = source.pattern
        if not isinstance(source, str) or not source:
            msg = (
                "patterns must be a region key "
                f"({', '.join(sorted(REGION_PATTERNS))}), a non-empty pattern string "
                f"or regular expression, or a sequence of them; got {source!r}."
            )
            raise ValueError(msg)
        parsed.append(_parse_one(source))
    if not parsed:
        msg = "patterns must name at least one pattern; got an empty sequence."
        raise ValueError(msg)
    return tuple(parsed)


#: Strings this many nats below the best reading of a row are not listed.
_NEGLIGIBLE = 30.0


def _top_strings(
    log_q: np.ndarray, classes: Sequence[str], n_best: int
) -> list[tuple[float, str]]:
    """The ``n_best`` most probable strings of independent positions (exact).

    A beam over the positions: each step extends the ``n_best`` strings kept by
    the ``n_best`` likeliest characters of the position and keeps the best
    ``n_best`` (ties in the order strings and characters were tried).
    """
    scores = np.zeros(1)
    texts = [""]
    for row in log_q:
        order = np.argsort(-row)[:n_best]
        order = order[np.isfinite(row[order])]
        if order.size == 0:
            return []
        extended = (scores[:, None] + row[order][None, :]).ravel()
        keep = np.argsort(-extended, kind="stable")[:n_best]
        beam, char = np.divmod(keep, order.size)
        texts = [texts[b] + classes[order[c]] for b, c in zip(beam, char, strict=True)]
        scores = extended[keep]
    return list(zip(scores.tolist(), texts, strict=True))


def decode_row(
    proba: np.ndarray,
    classes: Sequence[str],
    patterns: Sequence[PlatePattern],
    *,
    n_readings: int = 5,
    skip_cost: float = 2.0,
) -> tuple[list[tuple[str, float, int, int]], float]:
    """The most probable plate texts of a row of character probabilities.

    Every pattern is tried on every run of consecutive blobs of its length (blobs
    left out cost ``skip_cost`` nats each: a row may hold a bolt or a logo);
    a text's probability sums over the patterns and runs that give it, over the
    total probability of all texts the patterns allow.

    Returns
    -------
    readings : list of (text, probability, start, stop)
        Best first; ``start:stop`` are the blobs read.
    log_evidence : float
        Log of the total probability the patterns allow, per character read: how
        well the row reads as a plate.
    """
    n = len(proba)
    eps = 1e-12
    log_p = np.log(np.clip(proba, eps, 1.0))
    classes = [str(c) for c in classes]
    pieces: dict[str, float] = {}
    spans: dict[str, tuple[int, int, float]] = {}
    masses: list[float] = []
    lengths: list[int] = []
    prior = 1.0 / len(patterns)

    def add(text: str, log_weight: float, start: int, stop: int) -> None:
        weight = float(np.exp(log_weight))
        pieces[text] = pieces.get(text, 0.0) + weight
        if text not in spans or spans[text][2] < weight:
            spans[text] = (start, stop, weight)

    # Every run of blobs a pattern can read, with its best possible log weight.
    runs = []
    for pattern in patterns:
        windows = [pattern.length] if pattern.length is not None else range(1, n + 1)
        allowed = None
        if pattern.positions is not None:
            allowed = np.array(
                [
                    [True] * len(classes)
                    if pos is None
                    else [c in pos for c in classes]
                    for pos in pattern.positions
                ]
            )
        for m in windows:
            if m is None or m > n:
                continue
            for start in range(n - m + 1):
                block = log_p[start : start + m]
                if allowed is not None:
                    block = np.where(allowed, block, -np.inf)
                log_prior = np.log(prior) - skip_cost * (n - m)
                best = log_prior + float(block.max(axis=1).sum())
                runs.append((pattern, start, m, block, log_prior, best))
    # A run whose best string is _NEGLIGIBLE nats below the best string of a
    # pattern without a regular expression (its best possible is reached) adds
    # less than e^-_NEGLIGIBLE to any probability: its strings are not listed.
    exact = [best for pattern, *_, best in runs if pattern.regex is None]
    floor = max(exact) - _NEGLIGIBLE if exact else -np.inf
    for pattern, start, m, block, log_prior, best in runs:
        stop = start + m
        if pattern.regex is None:
            mass = float(np.exp(np.logaddexp.reduce(block, axis=1).sum()))
            masses.append(prior * mass * np.exp(-skip_cost * (n - m)))
            lengths.append(m)
            if best < floor:
                continue
            for score, text in _top_strings(block, classes, n_readings):
                add(text, log_prior + score, start, stop)
        else:
            kept = 0.0
            if best >= floor:
                for score, text in _top_strings(block, classes, 20 * n_readings):
                    if pattern.regex.fullmatch(text):
                        kept += float(np.exp(score))
                        add(text, log_prior + score, start, stop)
            masses.append(prior * kept * np.exp(-skip_cost * (n - m)))
            lengths.append(m)
    total = float(np.sum(masses))
    if total <= 0 or not pieces:
        return [], -np.inf
    best = int(np.argmax(masses))
    log_evidence = float(np.log(max(masses[best], 1e-300)) / max(lengths[best], 1))
    ranked = sorted(pieces.items(), key=lambda item: -item[1])[:n_readings]
    readings = [
        (text, min(1.0, weight / total), spans[text][0], spans[text][1])
        for text, weight in ranked
    ]
    return readings, log_evidence
