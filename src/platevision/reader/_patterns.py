"""Plate syntax: patterns of letters and digits, and decoding a row with them.

A pattern string is read position by position: ``L`` is a letter A-Z, ``D`` a digit
0-9, ``?`` any character, ``[...]`` one of the characters listed (``[A-HJ]`` ranges
work as in regular expressions) and any other letter or digit stands for itself. A
character that is neither a letter nor a digit (``-``, a space, ``[\\.]``) is a
separator: it is not read from the plate (a dash or a gap is no character), and the
texts read by the pattern are written with it (``LL-DDD-LL`` reads ``AB-123-CD``).
A string that is not such a pattern is a regular expression the whole plate's
letters and digits (without separators) must match.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

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
    # The United States: every state has its own forms. Common standard
    # issues: ABC1234 (New York, Pennsylvania, Texas, Ohio, Georgia, North
    # Carolina, Virginia, Arizona), 1ABC234 (California), ABC123 (Minnesota and
    # many older issues), 123ABC (Oregon and older issues), A12BCD (New
    # Jersey), AB12345 (Illinois), AB1C2D (Missouri); and any 5 to 8 letters
    # and digits (the other forms, vanity plates).
    "us": (
        "LLLDDDD",
        "DLLLDDD",
        "LLLDDD",
        "DDDLLL",
        "LDDLLL",
        "LLDDDDD",
        "LLDLDL",
        "?????",
        "??????",
        "???????",
        "????????",
    ),
    # Mercosur plates of Argentina, Brazil, Paraguay, Uruguay.
    "mercosur": ("LLDDDLL", "LLLDLDD", "LLLLDDD"),
}

_TOKEN = re.compile(r"\[[^\]]+\]|.")
_LETTERS = string.ascii_uppercase
_DIGITS = string.digits
_LETTER_SET = frozenset(_LETTERS)
_DIGIT_SET = frozenset(_DIGITS)


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


def plain_text(text: str) -> str:
    """A plate text as the reader reads it: upper case, letters and digits only
    (separators such as dashes, dots and spaces left out).

    Examples
    --------
    >>> from platevision.reader._patterns import plain_text
    >>> plain_text("ab-123 cd")
    'AB123CD'
    """
    return "".join(char for char in str(text).upper() if char.isalnum())


@dataclass(frozen=True)
class PlatePattern:
    """One plate pattern: per position the characters allowed, or a regex;
    and the separators its texts are written with."""

    source: str
    positions: tuple[frozenset[str] | None, ...] | None  # None: any character
    regex: re.Pattern[str] | None
    # (i, separator): written before the i-th character read (i may be the length).
    separators: tuple[tuple[int, str], ...] = ()

    @property
    def length(self) -> int | None:
        return None if self.positions is None else len(self.positions)

    def written(self, text: str) -> str:
        """``text`` (letters and digits) written with the pattern's separators."""
        return _with_separators(text, self.separators)


def _with_separators(text: str, separators: Sequence[tuple[int, str]]) -> str:
    """``text`` with each ``(i, separator)`` put before its i-th character."""
    out, last = [], 0
    for i, separator in separators:
        out.append(text[last:i])
        out.append(separator)
        last = i
    out.append(text[last:])
    return "".join(out)


def _separator(token: str) -> str | None:
    """The separator a pattern's token stands for (a character that is neither
    a letter nor a digit, alone or as a set of one, ``[\\-]``), or None."""
    if len(token) == 1:
        return None if token.isalnum() or token in "LD?" else token
    inner = token[1:-1]
    if inner.startswith("\\") and len(inner) == 2:
        inner = inner[1]
    return inner if len(inner) == 1 and not inner.isalnum() else None


@lru_cache(maxsize=4096)
def _parse_one(source: str) -> PlatePattern:
    tokens = _TOKEN.findall(source)
    if (
        tokens
        and "".join(tokens) == source
        and not any(t in "^$()*+{}|\\." for t in tokens)
    ):
        positions: list[frozenset[str] | None] = []
        separators: list[tuple[int, str]] = []
        for token in tokens:
            separator = _separator(token)
            if separator is not None:
                separators.append((len(positions), separator))
            elif token == "L":
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
        if not positions:
            msg = f"patterns: {source!r} holds separators only, no letter or digit."
            raise ValueError(msg)
        return PlatePattern(source, tuple(positions), None, tuple(separators))
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
    """Parse a region key, one pattern string or compiled regular expression,
    or a sequence of them (region keys in it stand for their patterns).

    Examples
    --------
    >>> import re
    >>> from platevision.reader._patterns import parse_patterns
    >>> [p.source for p in parse_patterns("br")]
    ['LLLDDDD', 'LLLDLDD']
    >>> [p.source for p in parse_patterns(["uk", "LLL-DDDD"])]
    ['LLDDLLL', 'LLL-DDDD']
    >>> parse_patterns("LL[0-4]D")[0].length
    4
    >>> parse_patterns(re.compile("[A-Z]{3}[0-9]{4}"))[0].regex is not None
    True
    """
    if isinstance(patterns, str | re.Pattern):
        patterns = (patterns,)
    parsed = []
    for item in patterns:
        for source in _sources(item):
            parsed.append(_parse_one(source))
    if not parsed:
        msg = "patterns must name at least one pattern; got an empty sequence."
        raise ValueError(msg)
    return tuple(parsed)


def _sources(item: Any) -> tuple[str, ...]:
    """The pattern strings one item of ``patterns`` stands for: a region key's
    patterns, a pattern string itself, or a compiled regular expression's
    source anchored (so that it is parsed as a regular expression, never as a
    pattern of ``L``, ``D`` and ``?``) with its flags written inline."""
    if isinstance(item, re.Pattern):
        inline = (("i", re.IGNORECASE), ("s", re.DOTALL), ("x", re.VERBOSE))
        flags = "".join(letter for letter, flag in inline if item.flags & flag)
        return (f"{'(?' + flags + ')' if flags else ''}^(?:{item.pattern})$",)
    if isinstance(item, str) and item:
        return REGION_PATTERNS.get(item.lower(), (item,))
    msg = (
        "patterns must be a region key "
        f"({', '.join(sorted(REGION_PATTERNS))}), a non-empty pattern string "
        f"or regular expression, or a sequence of them; got {item!r}."
    )
    raise ValueError(msg)


def _pattern_priors(
    weights: Sequence[float] | np.ndarray | None, n_patterns: int
) -> np.ndarray:
    """The patterns' prior probabilities: ``weights`` normalised, or all alike."""
    if weights is None:
        return np.full(n_patterns, 1.0 / n_patterns)
    priors = np.asarray(weights, dtype=float)
    if (
        priors.shape != (n_patterns,)
        or not np.all(np.isfinite(priors))
        or np.any(priors < 0)
        or priors.sum() <= 0
    ):
        msg = (
            f"weights must be {n_patterns} non-negative finite numbers, one per "
            f"pattern, not all 0; got {weights!r}."
        )
        raise ValueError(msg)
    return priors / priors.sum()


def pattern_counts(
    patterns: Sequence[PlatePattern], texts: Iterable[str]
) -> np.ndarray:
    """How many of ``texts`` each pattern reads (a text may count for several)."""
    counts = np.zeros(len(patterns), dtype=np.int64)
    for text in texts:
        for k, pattern in enumerate(patterns):
            if pattern.regex is not None:
                counts[k] += pattern.regex.fullmatch(text) is not None
            elif pattern.positions is not None and len(text) == len(pattern.positions):
                counts[k] += all(
                    allowed is None or char in allowed
                    for char, allowed in zip(text, pattern.positions, strict=True)
                )
    return counts


def pattern_priors(
    patterns: Sequence[PlatePattern], texts: Sequence[str]
) -> np.ndarray:
    """The patterns' priors from training texts: half each pattern's share of
    the texts read (a text that several patterns read counts for each; none
    read: all alike), half the same for every pattern (so a form rare or
    missing in the texts still reads)."""
    counts = pattern_counts(patterns, texts).astype(float)
    alike = np.full(len(patterns), 1.0 / len(patterns))
    shares = counts / counts.sum() if counts.sum() > 0 else alike
    return 0.5 * shares + 0.5 * alike


def learned_patterns(
    texts: Sequence[str], max_unseen: int = 32
) -> tuple[tuple[str, ...], np.ndarray]:
    """The patterns of training texts and their priors: the texts' shapes, and
    the likeliest shapes they do not show.

    A region whose texts show few forms, each many times, has a strict syntax;
    one whose texts show many forms once (the United States' states and vanity
    plates) will show new ones. The chance that a new text has a shape the
    texts do not show is estimated as the share of texts whose shape is met
    once (Good-Turing), ``beta``. A shape's prior is then ``1 - beta`` times
    its share of the texts, plus ``beta`` times its probability under letters
    and digits drawn position by position: as often as the texts are of its
    length, times, at each position, the share of those texts with a letter
    (or a digit) there (add-one smoothed). Unseen shapes of the texts' lengths
    are kept, the ``max_unseen`` likeliest of each length.

    Parameters
    ----------
    texts : sequence of str
        The training texts.
    max_unseen : int, default=32
        Shapes not shown by the texts kept per length, likeliest first.

    Returns
    -------
    patterns : tuple of str
        The texts' shapes (sorted), then the unseen shapes kept (by length,
        likeliest first).
    priors : ndarray of shape (n_patterns,)
        Their prior probabilities (normalised over those kept).

    Examples
    --------
    A strict syntax (no shape met once) learns its shapes alone:

    >>> from platevision.reader._patterns import learned_patterns
    >>> learned_patterns(["ABC1234", "XYZ9876", "ABC1D23", "QRS1T45"])[0]
    ('LLLDDDD', 'LLLDLDD')
    """
    written = [str(t).upper() for t in texts]
    texts = [plain_text(t) for t in written]
    shapes = [shape_of(t) for t in texts]
    counts: dict[str, int] = {}
    for shape in shapes:
        counts[shape] = counts.get(shape, 0) + 1
    beta = sum(c == 1 for c in counts.values()) / max(len(texts), 1)
    seen = sorted(counts)
    priors = {s: (1 - beta) * counts[s] / len(texts) for s in seen}
    plain = [s for s in shapes if set(s) <= {"L", "D"}]  # letters and digits only
    unseen: list[str] = []  # none where no shape is met once (beta 0)
    for n in sorted({len(s) for s in plain}) if beta > 0 else []:
        same = [s for s in plain if len(s) == n]
        letters = np.array([sum(s[i] == "L" for s in same) for i in range(n)])
        log_q = np.log(np.column_stack([letters + 1.0, len(same) - letters + 1.0]))
        log_q -= np.log(len(same) + 2.0)  # per position: log P(letter), log P(digit)
        share = beta * len(same) / len(plain)
        for shape in set(same):
            priors[shape] += share * float(np.exp(_shape_log_q(shape, log_q)))
        scores, chars = _top_strings(log_q[None], len(set(same)) + max_unseen)
        likeliest = (
            ("".join("LD"[k] for k in picks), float(score))
            for picks, score in zip(chars[0], scores[0], strict=True)
        )
        new = [(s, score) for s, score in likeliest if s not in counts][:max_unseen]
        unseen.extend(s for s, _ in new)
        priors.update((s, share * float(np.exp(score))) for s, score in new)
    weights = np.array([priors[s] for s in seen + unseen])
    layouts = _commonest_layouts(written)
    patterns = tuple(
        _laid_out(s, layouts.get(s, layouts.get(len(s), ()))) for s in seen + unseen
    )
    return patterns, weights / weights.sum()


def _layout(text: str) -> tuple[tuple[int, str], ...]:
    """Where a written text's separators stand: (i, separator), written before
    its i-th letter or digit."""
    layout, i = [], 0
    for char in text:
        if char.isalnum():
            i += 1
        elif not char.isspace() or 0 < i:  # leading spaces are no separator
            layout.append((i, char))
    while layout and layout[-1][0] == i and layout[-1][1].isspace():
        layout.pop()  # nor are trailing ones
    return tuple(layout)


def _commonest_layouts(
    written: Sequence[str],
) -> dict[str | int, tuple[tuple[int, str], ...]]:
    """The commonest separators of the texts of each shape (keyed by the
    shape) and of each length (keyed by the length)."""
    tallies: dict[str | int, dict[tuple[tuple[int, str], ...], int]] = {}
    for text in written:
        plain = plain_text(text)
        layout = _layout(text)
        for key in (shape_of(plain), len(plain)):
            tally = tallies.setdefault(key, {})
            tally[layout] = tally.get(layout, 0) + 1
    # Ties go to the layout met first (dicts keep their order).
    return {key: max(tally, key=tally.__getitem__) for key, tally in tallies.items()}


def _laid_out(shape: str, layout: tuple[tuple[int, str], ...]) -> str:
    """A shape of ``L`` and ``D`` with separators put in, as pattern tokens."""
    return _with_separators(shape, [(i, shape_of(sep)) for i, sep in layout])


def _shape_log_q(shape: str, log_q: np.ndarray) -> float:
    """Log probability of a shape of ``L`` and ``D`` under ``log_q`` (per
    position: log P(letter), log P(digit))."""
    return float(sum(log_q[i, "LD".index(c)] for i, c in enumerate(shape)))


#: Strings of a run whose best string is more than this many nats below the
#: row's best are not listed: they weigh less than e^-15 (3e-7) of it. (At 30,
#: decoding listed strings that cannot change a probability printed to 6
#: decimals, and spent a third of its time on them.)
_NEGLIGIBLE = 15.0
#: A blob left out inside a group of a pattern's letters or digits costs as
#: much as this many left out at the row's ends or between two groups.
_INSIDE_GROUP = 3


@lru_cache(maxsize=512)
def _allowed(pattern: PlatePattern, classes: tuple[str, ...]) -> np.ndarray:
    """Which classes each position of a fixed pattern allows: (length, n_classes)."""
    positions = pattern.positions or ()
    allowed = np.array(
        [[pos is None or c in pos for c in classes] for pos in positions], dtype=bool
    ).reshape(len(positions), len(classes))
    allowed.setflags(write=False)  # shared by every call: never changed in place
    return allowed


def _top_strings(log_q: np.ndarray, n_best: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``n_best`` most probable strings of each run of independent positions.

    A beam over the positions, for every run at once: each step extends the
    strings kept by the likeliest characters of the position and keeps the best
    ``n_best`` (ties in the order strings and characters were tried). Exact: a
    string among the ``n_best`` best has a prefix among the best of its length.

    Parameters
    ----------
    log_q : (n_runs, m, n_classes) ndarray
        Log-probabilities of each run's positions (-inf where a class is not
        allowed).
    n_best : int
        Strings kept per run.

    Returns
    -------
    scores : (n_runs, k) ndarray
        The strings' log-probabilities, best first (-inf: no such string).
    chars : (n_runs, k, m) ndarray of int
        Their class indices.
    """
    n_runs, m, n_classes = log_q.shape
    width = min(n_best, n_classes)
    order = np.argsort(-log_q, axis=2, kind="stable")[:, :, :width]
    return _beam(np.take_along_axis(log_q, order, axis=2), order, n_best)


#: Strings at most tried at once by :func:`_best_strings`; more: the beam. On
#: the rows of 45 US photos (150 learned patterns), 61 choices a run (5
#: readings) decoded in 1.6 ms a row against the beam's 2.0, and 353 (10
#: readings) in 5.7 against 4.4.
_MAX_TRIED = 128


@lru_cache(maxsize=256)
def _rank_choices(m: int, width: int, n_best: int, most: int) -> np.ndarray | None:
    """Every choice of ranks (which likeliest class of each of ``m`` positions,
    0 the likeliest) that can give one of the ``n_best`` best strings, in
    lexicographic order: those with ``prod(rank + 1) <= n_best``. A string of
    ranks ``r`` scores no more than the ``prod(r + 1) - 1`` others whose ranks are
    each at most its own. None: more than ``most``."""
    choices: list[tuple[int, ...]] = []
    stack: list[tuple[tuple[int, ...], int]] = [((), n_best)]
    while stack:  # depth first, the higher ranks pushed first: lexicographic
        ranks, room = stack.pop()
        if len(ranks) == m:
            choices.append(ranks)
            if len(choices) > most:
                return None
            continue
        for r in reversed(range(min(width, room))):
            stack.append(((*ranks, r), room // (r + 1)))
    found = np.array(choices, dtype=np.intp).reshape(len(choices), m)
    found.setflags(write=False)  # shared by every call: never changed in place
    return found


def _best_strings(
    values: np.ndarray, order: np.ndarray, n_best: int
) -> tuple[np.ndarray, np.ndarray]:
    """The ``n_best`` best strings as :func:`_beam` finds them (given each
    position's likeliest classes, best first: their log-probabilities ``values``
    and indices ``order``, both (n_runs, m, width)), found faster where
    ``n_best`` is small: every choice of ranks that can be among the best
    (:func:`_rank_choices`) is scored at once, adding left to right as the beam
    does. Ties go to the choice first in lexicographic order of ranks (the beam:
    to the string whose prefix ranked first), so tied strings may come in
    another order. Too many choices: :func:`_beam`."""
    n_runs, m, width = values.shape
    choices = _rank_choices(m, width, n_best, _MAX_TRIED)
    if choices is None:
        return _beam(values, order, n_best)
    position = np.arange(m)
    tried = values[:, position, choices]  # (n_runs, n_choices, m)
    scores = tried[:, :, 0].copy()
    for j in range(1, m):
        scores += tried[:, :, j]
    keep = np.argsort(-scores, axis=1, kind="stable")[:, :n_best]
    flat = order.reshape(n_runs, 1, m * width)  # each run's classes, by rank
    chars = np.take_along_axis(flat, (position * width + choices)[keep], axis=2)
    return np.take_along_axis(scores, keep, 1), chars


def _beam(
    values: np.ndarray, order: np.ndarray, n_best: int
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_top_strings` given each position's likeliest classes, best
    first: their log-probabilities ``values`` and indices ``order``, both
    (n_runs, m, width)."""
    n_runs, m, width = values.shape
    run = np.arange(n_runs)[:, None]
    scores = values[:, 0, :]
    chars = order[:, 0, :, None]
    for j in range(1, m):
        extended = (scores[:, :, None] + values[:, j, None, :]).reshape(n_runs, -1)
        keep = np.argsort(-extended, axis=1, kind="stable")[:, :n_best]
        beam, char = np.divmod(keep, width)
        scores = extended[run, keep]
        chars = np.concatenate(
            [chars[run, beam], order[:, j, :][run, char][:, :, None]], axis=2
        )
    return scores, chars


@lru_cache(maxsize=512)
def _group_starts(pattern: PlatePattern) -> tuple[int, ...]:
    """The positions of a fixed pattern where a group of letters gives way to
    digits or digits to letters (3 in ``LLLDDDD``; none in ``?????``), or where
    the pattern has a separator (3 in ``LLL LLDDD`` too: a German plate's seals
    stand there, between two groups of letters)."""
    kinds = []
    for allowed in pattern.positions or ():
        if allowed is not None and allowed <= _LETTER_SET:
            kinds.append("L")
        elif allowed is not None and allowed <= _DIGIT_SET:
            kinds.append("D")
        else:
            kinds.append("")
    starts = {
        j
        for j in range(1, len(kinds))
        if kinds[j - 1] and kinds[j] and kinds[j - 1] != kinds[j]
    }
    starts.update(i for i, _ in pattern.separators if 0 < i < len(kinds))
    return tuple(sorted(starts))


def _runs_of(pattern: PlatePattern, n: int) -> list[tuple[tuple[int, ...], int]]:
    """The blobs (indices, left to right) each reading of a row of ``n`` blobs
    by ``pattern`` takes, and how many blobs more than it leaves out it is
    charged for: every run of consecutive blobs of the pattern's length, and
    for a pattern (not a regular expression) every run one blob longer with
    one blob inside it left out. The caller charges every blob of the row not
    read as one (at the row's ends, or between two groups: letters then
    digits, digits then letters, or either side of one of the pattern's
    separators, where a state's emblem, a dash, a sticker or a seal stands);
    one left out inside a group is charged ``_INSIDE_GROUP - 1`` more (German
    plates' seals stand between two groups of letters that texts without
    separators do not tell apart)."""
    if pattern.length is None:
        return [
            (tuple(range(a, a + m)), 0)
            for m in range(1, n + 1)
            for a in range(n - m + 1)
        ]
    m = pattern.length
    runs = [(tuple(range(a, a + m)), 0) for a in range(n - m + 1)]
    starts = set(_group_starts(pattern))
    for a in range(n - m):
        for j in range(1, m):
            blobs = tuple(range(a, a + j)) + tuple(range(a + j + 1, a + m + 1))
            runs.append((blobs, 0 if j in starts else _INSIDE_GROUP - 1))
    return runs


def _joined(classes: tuple[str, ...], chars: np.ndarray) -> np.ndarray:
    """The strings of rows of class indices ``chars`` (n, m): an array of n str."""
    lookup = np.asarray(classes)
    if lookup.dtype == np.dtype("<U1") and chars.shape[1] > 0:
        joined = np.ascontiguousarray(lookup[chars]).view(f"<U{chars.shape[1]}")
        return joined.reshape(-1)
    return np.array(["".join(lookup[row].tolist()) for row in chars], dtype=object)


def _keys(chars: np.ndarray, n_classes: int) -> np.ndarray:
    """One integer per row of class indices ``chars`` (n, m): the indices plus
    one, as the digits of a number in base ``n_classes + 1`` (the first the
    lowest), so rows of different lengths differ too. The caller makes sure
    ``(n_classes + 1) ** m`` fits in 64 bits."""
    powers = (n_classes + 1) ** np.arange(chars.shape[1], dtype=np.int64)
    return (chars.astype(np.int64) + 1) @ powers


def _text_of(key: int, classes: tuple[str, ...]) -> str:
    """The text of a key made by :func:`_keys`."""
    text = []
    while key:
        key, digit = divmod(key, len(classes) + 1)
        text.append(classes[digit - 1])
    return "".join(text)


class _RunPlan(NamedTuple):
    """The runs of blobs the patterns can read in a row of ``n`` blobs, made
    by :func:`_runs_planned`. Arrays are per run unless said otherwise."""

    #: (pattern, blobs) of every run, pattern by pattern, left to right.
    runs: list[tuple[PlatePattern, tuple[int, ...]]]
    #: The prior of the run's pattern.
    prior: np.ndarray
    #: How many blobs the run reads.
    lengths: np.ndarray
    #: How many blobs more than those it leaves out it is charged for
    #: (see :func:`_runs_of`).
    extra: np.ndarray
    #: Whether the run is a pattern's (not a regular expression's).
    fixed: np.ndarray
    #: The distinct sets of classes the patterns' positions allow
    #: (n_sets, n_classes), bool.
    allowed: np.ndarray
    #: The runs by (length, is_regex): their indices, their blobs
    #: (n_members, length) and, per position, the index of its set in
    #: ``allowed`` (n_members, length; None for a regular expression).
    plan: list[tuple[tuple[int, bool], np.ndarray, np.ndarray, np.ndarray | None]]


@lru_cache(maxsize=64)
def _runs_planned(
    patterns: tuple[PlatePattern, ...],
    priors: tuple[float, ...],
    n: int,
    classes: tuple[str, ...],
) -> _RunPlan:
    """Every run of blobs of a row of ``n`` the patterns can read (a pattern
    of prior 0 none), planned for :func:`decode_row`: see :class:`_RunPlan`.
    Kept: it is the same for every row of ``n`` blobs a reader reads."""
    runs: list[tuple[PlatePattern, tuple[int, ...]]] = []
    run_prior: list[float] = []
    run_extra: list[int] = []
    for pattern, pattern_prior in zip(patterns, priors, strict=True):
        if pattern_prior <= 0:
            continue
        found = _runs_of(pattern, n)
        runs.extend((pattern, blobs) for blobs, _ in found)
        run_prior.extend([pattern_prior] * len(found))
        run_extra.extend(extra for _, extra in found)
    groups: dict[tuple[int, bool], list[int]] = {}
    for r, (pattern, blobs) in enumerate(runs):
        groups.setdefault((len(blobs), pattern.regex is not None), []).append(r)
    sets: dict[bytes, int] = {}  # each distinct set of classes allowed
    rows: list[np.ndarray] = []
    set_of: dict[PlatePattern, tuple[int, ...]] = {}  # each position's set
    for pattern, pattern_prior in zip(patterns, priors, strict=True):
        if pattern_prior > 0 and pattern.regex is None and pattern not in set_of:
            found_sets = []
            for row in _allowed(pattern, classes):
                key = row.tobytes()
                if key not in sets:
                    sets[key] = len(rows)
                    rows.append(row)
                found_sets.append(sets[key])
            set_of[pattern] = tuple(found_sets)
    plan = []
    for (m, is_regex), members in groups.items():
        taken = np.array([runs[r][1] for r in members]).reshape(len(members), m)
        kinds = None
        if not is_regex:
            kinds = np.array(
                [set_of[runs[r][0]] for r in members], dtype=np.intp
            ).reshape(len(members), m)
        plan.append(((m, is_regex), np.array(members), taken, kinds))
    prior = np.asarray(run_prior, dtype=float)
    lengths = np.array([len(blobs) for _, blobs in runs], dtype=np.intp)
    extra = np.asarray(run_extra, dtype=np.intp)
    fixed = np.array([pattern.regex is None for pattern, _ in runs], dtype=bool)
    allowed = np.array(rows, dtype=bool).reshape(len(rows), len(classes))
    for array in (
        prior,
        lengths,
        extra,
        fixed,
        allowed,
        *(a for p in plan for a in p[1:] if a is not None),
    ):
        array.setflags(write=False)  # shared by every call: never changed
    return _RunPlan(runs, prior, lengths, extra, fixed, allowed, plan)


def decode_row(
    proba: np.ndarray,
    classes: Sequence[str],
    patterns: Sequence[PlatePattern],
    *,
    n_readings: int = 5,
    skip_cost: float = 2.0,
    weights: Sequence[float] | np.ndarray | None = None,
) -> tuple[list[tuple[str, float, tuple[int, ...]]], float]:
    """The most probable plate texts of a row of character probabilities.

    Every pattern is tried on every run of consecutive blobs of its length, and
    (a pattern, not a regular expression) on every run one blob longer with one
    blob inside it left out. Blobs left out cost ``skip_cost`` nats each (a row
    may hold a bolt or a logo at its ends, a state's emblem or a dash between
    its letters and its digits, a seal at a separator); one left out inside a
    group of letters or of digits costs ``_INSIDE_GROUP`` times that (a German
    plate's seals between two groups of letters, where texts without
    separators do not show a group's end).
    A text's probability sums over the patterns and runs that give it, each
    pattern weighted by its prior (``weights``, normalised; None: all alike),
    over the total probability of all texts the patterns allow.

    Returns
    -------
    readings : list of (text, probability, blobs)
        Best first; ``blobs`` are the indices of the blobs read, left to right
        (those of the likeliest run that gives the text).
    log_evidence : float
        Log of the total probability the patterns allow, per character read: how
        well the row reads as a plate.
    """
    n = len(proba)
    log_p = np.log(np.clip(proba, 1e-12, 1.0))
    classes = tuple(str(c) for c in classes)
    priors = _pattern_priors(weights, len(patterns))
    runs, prior, lengths, extra, fixed, allowed, plan = _runs_planned(
        tuple(patterns), tuple(priors.tolist()), n, classes
    )
    if not runs:
        return [], -np.inf
    skip_nats = skip_cost * (n - lengths + extra)
    skipped = np.exp(-skip_nats)
    log_prior = np.log(prior) - skip_nats
    # A pattern's position reads a blob's classes of one set: each blob read
    # once per set (its best, its mass, its likeliest classes), not per run.
    by_set = np.where(allowed[:, None, :], log_p[None], -np.inf)  # (sets, n, C)
    set_best = by_set.max(axis=2)
    # exp of the clipped log-probabilities (0 where not allowed).
    set_log_mass = np.log(np.exp(by_set).sum(axis=2))
    width = min(n_readings, len(classes))
    set_order = np.argsort(-by_set, axis=2, kind="stable")[:, :, :width]
    set_values = np.take_along_axis(by_set, set_order, axis=2)
    best = np.empty(len(runs))
    log_mass = np.empty(len(runs))
    for _, members, taken, kinds in plan:
        if kinds is None:
            block = log_p[taken]
            best[members] = log_prior[members] + block.max(axis=2).sum(axis=1)
            log_mass[members] = np.log(np.exp(block).sum(axis=2)).sum(axis=1)
        else:
            best[members] = log_prior[members] + set_best[kinds, taken].sum(axis=1)
            log_mass[members] = set_log_mass[kinds, taken].sum(axis=1)
    # A run whose best string is _NEGLIGIBLE nats below the best string of a
    # pattern without a regular expression (its best possible is reached) adds
    # less than e^-_NEGLIGIBLE to any probability: its strings are not listed.
    floor = best[fixed].max() - _NEGLIGIBLE if fixed.any() else -np.inf
    # Each listed string's weight, text and run; runs of a regular expression
    # keep only the strings it matches, and those make up its mass.
    string_weights: list[np.ndarray] = []
    texts: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    # Texts are told apart by integer keys where they fit in 64 bits (fast).
    keyed = (len(classes) + 1) ** int(lengths.max()) <= np.iinfo(np.int64).max
    masses = prior * np.exp(log_mass) * skipped
    masses[~fixed] = 0.0
    for (_, is_regex), members, taken, kinds in plan:
        chosen = np.flatnonzero(best[members] >= floor)
        if chosen.size == 0:
            continue
        if kinds is None:
            scores, chars = _top_strings(log_p[taken[chosen]], 20 * n_readings)
        else:
            picked = kinds[chosen], taken[chosen]
            scores, chars = _best_strings(
                set_values[picked], set_order[picked], n_readings
            )
        runs_listed = members[chosen]
        # A pattern's strings under the floor are negligible too; a regular
        # expression's all count towards its mass.
        cut = -np.inf if is_regex else floor - log_prior[runs_listed, None]
        keep = (scores > -np.inf) & (scores >= cut)
        rows, cols = np.nonzero(keep)
        listed = chars[rows, cols]
        score = scores[rows, cols]
        owner = runs_listed[rows]
        if is_regex:
            strings = _joined(classes, listed)
            fits = np.array(
                [
                    runs[r][0].regex.fullmatch(t) is not None  # type: ignore[union-attr]
                    for r, t in zip(owner.tolist(), strings.tolist(), strict=True)
                ],
                dtype=bool,
            )
            listed, score, owner = listed[fits], score[fits], owner[fits]
            np.add.at(masses, owner, prior[owner] * skipped[owner] * np.exp(score))
        string_weights.append(np.exp(log_prior[owner] + score))
        texts.append(_keys(listed, len(classes)) if keyed else _joined(classes, listed))
        owners.append(owner)
    total = float(np.sum(masses))
    if total <= 0 or not texts:
        return [], -np.inf
    top = int(np.argmax(masses))
    log_evidence = float(np.log(max(masses[top], 1e-300)) / max(lengths[top], 1))
    # Runs in order, each run's strings best first: a text's weight sums in
    # that order, and ties go to the text (and the run) met first.
    owner = np.concatenate(owners)
    order = np.argsort(owner, kind="stable")
    owner = owner[order]
    weight = np.concatenate(string_weights)[order]
    unique, first, inverse = np.unique(
        np.concatenate(texts)[order], return_index=True, return_inverse=True
    )
    inverse = inverse.reshape(-1)  # 1-D whatever numpy's version
    sums = np.bincount(inverse, weights=weight)
    contenders = np.arange(len(sums))  # those that can be among the best
    if len(sums) > n_readings:
        contenders = np.flatnonzero(
            sums >= -np.partition(-sums, n_readings - 1)[n_readings - 1]
        )
    ranked = contenders[np.lexsort((first[contenders], -sums[contenders]))]
    readings = []
    for k in ranked[:n_readings].tolist():
        mine = np.flatnonzero(inverse == k)
        run = int(owner[mine[np.argmax(weight[mine])]])
        pattern, blobs = runs[run]
        text = _text_of(int(unique[k]), classes) if keyed else str(unique[k])
        readings.append(
            (pattern.written(text), min(1.0, float(sums[k]) / total), blobs)
        )
    return readings, log_evidence
