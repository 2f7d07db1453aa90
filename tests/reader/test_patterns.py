"""Plate patterns and the decoding of a row of character probabilities."""

from __future__ import annotations

import itertools
import re
import string

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from platevision.reader import REGION_PATTERNS, shape_of
from platevision.reader._patterns import (
    _group_starts,
    decode_row,
    learned_patterns,
    parse_patterns,
    pattern_counts,
    pattern_priors,
    plain_text,
)

CLASSES = list(string.digits + string.ascii_uppercase)


def _row(text: str, sure: float = 0.9) -> np.ndarray:
    """Probabilities that favour each character of ``text`` with ``sure``."""
    proba = np.full((len(text), len(CLASSES)), (1 - sure) / (len(CLASSES) - 1))
    for i, char in enumerate(text):
        proba[i, CLASSES.index(char)] = sure
    return proba


def test_shape_of_letters_digits_and_others():
    assert shape_of("ABC1234") == "LLLDDDD"
    assert shape_of("ab-12") == r"LL[\-]DD"


def test_region_keys_and_sets():
    assert [p.source for p in parse_patterns("BR")] == list(REGION_PATTERNS["br"])
    (pattern,) = parse_patterns("[A-C]D?")
    assert pattern.length == 3
    assert pattern.positions[0] == frozenset("ABC")
    assert pattern.positions[2] is None


def test_a_regular_expression_is_kept_as_one():
    (pattern,) = parse_patterns(r"^[A-Z]{2}\d+$")
    assert pattern.length is None
    assert pattern.regex.fullmatch("AB123")


def test_region_keys_in_a_sequence_stand_for_their_patterns():
    sources = [p.source for p in parse_patterns(["br", "Uk", "LLL-DDDD"])]
    assert sources == [*REGION_PATTERNS["br"], *REGION_PATTERNS["uk"], "LLL-DDDD"]


@pytest.mark.parametrize("in_a_list", [False, True])
def test_a_compiled_expression_is_a_regular_expression_with_its_flags(in_a_list):
    # Its text would read as a pattern of letters and digits: it must not.
    compiled = re.compile("[a-z]D", re.IGNORECASE)
    (pattern,) = parse_patterns([compiled] if in_a_list else compiled)
    assert pattern.length is None
    assert pattern.regex.fullmatch("AD")
    assert not pattern.regex.fullmatch("A1")
    # The source kept (as a fitted reader keeps it) parses to the same.
    (again,) = parse_patterns(pattern.source)
    assert again.regex.pattern == pattern.regex.pattern


@pytest.mark.parametrize(
    ("patterns", "match"),
    [
        ([], "at least one pattern"),
        ([""], "non-empty pattern"),
        ([3], "non-empty pattern"),
        ("[a-c]D", "allows no letter or digit"),
        ("LL(D", "neither a pattern"),
    ],
)
def test_bad_patterns_are_named(patterns, match):
    with pytest.raises(ValueError, match=match):
        parse_patterns(patterns)


@pytest.mark.parametrize(
    ("source", "written"),
    [
        ("LL-DDD-LL", "AB-123-CD"),  # France
        ("LL DDLLL", "AB 12CDE"),  # the United Kingdom, as printed
        (r"LLL[\.]DDDD", "ABC.1234"),  # a dot, as shape_of writes one
        ("-LLLDDDD", "-ABC1234"),
        ("DL·DDD", "1A·234"),
    ],
)
def test_separators_are_not_read_but_written(source, written):
    (pattern,) = parse_patterns(source)
    plain = plain_text(written)
    assert pattern.length == len(plain)
    assert pattern.written(plain) == written
    assert pattern_counts([pattern], [plain]).tolist() == [1]
    readings, _ = decode_row(_row(plain), CLASSES, [pattern])
    text, _, blobs = readings[0]
    assert (text, blobs) == (written, tuple(range(len(plain))))


def test_a_text_reads_with_the_separators_of_its_likeliest_pattern():
    proba = _row("AB123CD")
    dashed, plain = parse_patterns(["LL-DDD-LL", "LLDDDLL"])
    readings, _ = decode_row(proba, CLASSES, [dashed, plain], weights=[3, 1])
    assert readings[0][0] == "AB-123-CD"
    # One text, however written: as probable as by either pattern alone.
    alone, _ = decode_row(proba, CLASSES, [plain])
    assert readings[0][1] == pytest.approx(alone[0][1])
    readings, _ = decode_row(proba, CLASSES, [dashed, plain], weights=[1, 3])
    assert readings[0][0] == "AB123CD"


@pytest.mark.parametrize("source", ["-", " - ", r"[\-]"])
def test_a_pattern_of_separators_alone_is_named(source):
    with pytest.raises(ValueError, match="separators only"):
        parse_patterns(source)


def test_plain_text_keeps_letters_and_digits_upper_case():
    assert plain_text(" ab-12.3 cd ") == "AB123CD"
    assert plain_text("") == ""


def test_learned_patterns_write_the_texts_commonest_separators():
    texts = ["AB-123-CD", "XY-987-ZT", "QR-555-ST", "AB123CD", "KL-12-MN"]
    patterns, priors = learned_patterns(texts)
    parsed = parse_patterns(list(patterns))
    by_plain = {p.written("".join("X" * (p.length or 0))): p for p in parsed}
    # The shape met 4 times keeps its commonest layout; the shape met once
    # keeps its own; every unseen shape of length 7 takes that length's.
    assert "XX-XXX-XX" in by_plain
    assert "XX-XX-XX" in by_plain
    assert patterns[0] in (r"LL[\-]DD[\-]LL", r"LL[\-]DDD[\-]LL")
    sevens = [p for p in parsed if p.length == 7]
    assert len(sevens) > 1  # unseen shapes: one shape in five is met once
    assert all(p.written("A" * 7) == "AA-AAA-AA" for p in sevens)
    assert pattern_counts(parsed, [plain_text(t) for t in texts]).sum() == 5
    assert priors.sum() == pytest.approx(1.0)


def test_the_pattern_turns_a_letter_o_into_a_zero_at_a_digit_position():
    proba = _row("ABCO123")  # 'O' (the letter) where Brazil has a digit
    proba[3, CLASSES.index("0")] = 0.05
    readings, _ = decode_row(proba, CLASSES, parse_patterns("br"))
    assert readings[0][0] == "ABC0123"
    unconstrained, _ = decode_row(proba, CLASSES, parse_patterns("???????"))
    assert unconstrained[0][0] == "ABCO123"


def test_us_patterns_prefer_a_common_state_form_where_a_character_is_in_doubt():
    # California's 1ABC234: a first character as likely 1 as I reads 1.
    proba = _row("1ABC234")
    proba[0, CLASSES.index("1")] = proba[0, CLASSES.index("I")] = 0.45
    readings, _ = decode_row(proba, CLASSES, parse_patterns("us"))
    assert readings[0][0] == "1ABC234"
    assert {"LLLDDDD", "DLLLDDD", "LLDLDL"} <= set(REGION_PATTERNS["us"])
    # Any 5 to 8 letters and digits still read (a vanity plate).
    readings, _ = decode_row(_row("GOBLUE"), CLASSES, parse_patterns("us"))
    assert readings[0][0] == "GOBLUE"
    # The generic forms alone leave the doubt as it was.
    proba[0, CLASSES.index("1")] = 0.44
    generic = parse_patterns(["?????", "??????", "???????", "????????"])
    assert decode_row(proba, CLASSES, generic)[0][0][0] == "IABC234"
    assert decode_row(proba, CLASSES, parse_patterns("us"))[0][0][0] == "1ABC234"


def test_a_blob_too_many_is_left_out():
    proba = _row("XABC1234")  # a bolt before the plate, read as 'X' at best
    proba[0] = 1.0 / len(CLASSES)
    readings, _ = decode_row(proba, CLASSES, parse_patterns("LLLDDDD"))
    text, _, blobs = readings[0]
    assert (text, blobs) == ("ABC1234", (1, 2, 3, 4, 5, 6, 7))


def test_an_emblem_between_the_letters_and_the_digits_is_left_out():
    proba = _row("ABCX1234")
    proba[3] = 1.0 / len(CLASSES)  # a state's emblem: like no character
    readings, _ = decode_row(proba, CLASSES, parse_patterns("LLLDDDD"))
    text, _, blobs = readings[0]
    assert (text, blobs) == ("ABC1234", (0, 1, 2, 4, 5, 6, 7))
    # Inside a group too, at three times the cost (a mark that looks like an
    # 8, unlike any letter); never two blobs.
    proba = _row("A8BC1234")
    readings, _ = decode_row(proba, CLASSES, parse_patterns("LLLDDDD"))
    text, p_inside, blobs = readings[0]
    assert (text, blobs) == ("ABC1234", (0, 2, 3, 4, 5, 6, 7))
    proba = _row("ABC81234")
    readings, _ = decode_row(proba, CLASSES, parse_patterns("LLLDDDD"))
    assert readings[0][0] == "ABC1234"
    assert readings[0][1] > p_inside
    proba = _row("ABXX123")
    proba[2:4] = 1.0 / len(CLASSES)
    readings, _ = decode_row(proba, CLASSES, parse_patterns("LLDDD"))
    assert "AB123" not in [text for text, _, _ in readings]


def test_a_seal_at_a_separator_is_left_out():
    # A German plate: the district's letters, two seals, more letters, digits.
    # The seals sit between two groups of letters, where only the pattern's
    # separator marks a group's end.
    proba = _row("FLM8IJ500")  # two seals, one above the other: like an 8
    readings, _ = decode_row(proba, CLASSES, parse_patterns("LLL LLDDD"))
    text, _, blobs = readings[0]
    assert (text, blobs) == ("FLM IJ500", (0, 1, 2, 4, 5, 6, 7, 8))
    # Without the separator the seals are inside a group of letters: left out
    # at three times the cost, so the text is less probable.
    with_separator = readings[0][1]
    readings, _ = decode_row(proba, CLASSES, parse_patterns("LLLLLDDD"))
    assert readings[0][0] == "FLMIJ500"
    assert readings[0][1] < with_separator
    # Where groups end: between letters and digits, and at separators other
    # than at the pattern's ends.
    for pattern, starts in (
        ("LLL LLDDD", (3, 5)),
        ("-LLLLLDDD-", (5,)),
        ("LL-DDD-LL", (2, 5)),
        ("?? ??", (2,)),
    ):
        assert _group_starts(parse_patterns(pattern)[0]) == starts


def test_too_few_blobs_give_no_reading():
    readings, evidence = decode_row(_row("AB12"), CLASSES, parse_patterns("br"))
    assert readings == []
    assert evidence == -np.inf


def test_evidence_is_higher_for_a_plate_than_for_noise():
    rng = np.random.default_rng(0)
    noise = rng.dirichlet(np.ones(len(CLASSES)), size=7)
    _, plate = decode_row(_row("ABC1234"), CLASSES, parse_patterns("br"))
    _, random = decode_row(noise, CLASSES, parse_patterns("br"))
    assert plate > random


@given(
    st.integers(4, 9),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["br", "us", "LLDDLLL", r"[A-Z0-9]{5,7}"]),
)
def test_readings_are_ranked_probabilities(n, seed, patterns):
    proba = np.random.default_rng(seed).dirichlet(np.ones(len(CLASSES)), size=n)
    readings, _ = decode_row(proba, CLASSES, parse_patterns(patterns), n_readings=5)
    probabilities = [p for _, p, _ in readings]
    assert all(0.0 <= p <= 1.0 for p in probabilities)
    assert sum(probabilities) <= 1.0 + 1e-9
    assert probabilities == sorted(probabilities, reverse=True)
    assert len({text for text, _, _ in readings}) == len(readings)


@given(
    st.integers(1, 4),
    st.integers(1, 6),
    st.integers(1, 3),
    st.integers(0, 2**32 - 1),
)
def test_top_strings_are_the_most_probable_strings(m, n_best, n_runs, seed):
    from itertools import product

    from platevision.reader._patterns import _top_strings

    rng = np.random.default_rng(seed)
    classes = list("ABCDE")
    log_q = np.log(rng.dirichlet(np.ones(len(classes)), size=(n_runs, m)))
    log_q[rng.random(log_q.shape) < 0.2] = -np.inf  # characters a pattern forbids
    scores, chars = _top_strings(log_q, n_best)
    assert scores.shape[0] == chars.shape[0] == n_runs
    assert chars.shape[2] == m
    for run in range(n_runs):  # each run on its own
        every = sorted(
            (
                float(sum(log_q[run, i, k] for i, k in enumerate(ks)))
                for ks in product(range(len(classes)), repeat=m)
            ),
            reverse=True,
        )
        every = [score for score in every if np.isfinite(score)]
        found = scores[run][np.isfinite(scores[run])]
        assert len(found) == min(n_best, len(every))
        np.testing.assert_allclose(found, every[: len(found)])
        for score, ks in zip(found, chars[run], strict=False):  # its own score
            own = sum(log_q[run, i, k] for i, k in enumerate(ks))
            assert np.isclose(score, own)
        assert len({tuple(ks) for ks in chars[run][: len(found)]}) == len(found)


@given(
    st.integers(1, 9),
    st.integers(1, 7),
    st.integers(1, 3),
    st.integers(0, 2**32 - 1),
    st.booleans(),
)
def test_best_strings_score_as_the_beam_finds_them(m, n_best, n_runs, seed, tied):
    """Scoring every choice of ranks that can be among the best finds the
    beam's scores, to the bit, each with its own string."""
    from unittest import mock

    from platevision.reader import _patterns
    from platevision.reader._patterns import _beam, _best_strings

    rng = np.random.default_rng(seed)
    n_classes = 6
    log_q = np.log(rng.dirichlet(np.ones(n_classes), size=(n_runs, m)))
    if tied:  # clipped probabilities tie often
        log_q = np.maximum(log_q, np.log(0.05))
    log_q[rng.random(log_q.shape) < 0.2] = -np.inf  # characters a pattern forbids
    width = min(n_best, n_classes)
    order = np.argsort(-log_q, axis=2, kind="stable")[:, :, :width]
    values = np.take_along_axis(log_q, order, axis=2)
    with mock.patch.object(_patterns, "_MAX_TRIED", 10**6):  # never the beam
        scores, chars = _best_strings(values, order, n_best)
    beam_scores, _ = _beam(values, order, n_best)
    np.testing.assert_array_equal(scores, beam_scores)
    assert chars.shape == (n_runs, scores.shape[1], m)
    for run in range(n_runs):
        for score, ks in zip(scores[run], chars[run], strict=True):
            own = log_q[run, 0, ks[0]]
            for i in range(1, m):
                own = own + log_q[run, i, ks[i]]
            assert score == own
        finite = np.isfinite(scores[run])
        assert len({tuple(ks) for ks in chars[run][finite]}) == finite.sum()


@given(st.lists(st.text("ABC123", min_size=1, max_size=9), min_size=1, max_size=8))
def test_text_keys_tell_texts_apart_and_give_them_back(texts):
    """Texts of any length up to the one that fits get one key each, distinct
    for distinct texts, and each key gives its text back."""
    from platevision.reader._patterns import _keys, _text_of

    classes = tuple("ABC123")
    keys = [int(_keys(np.array([[classes.index(c) for c in t]]), 6)[0]) for t in texts]
    assert [_text_of(k, classes) for k in keys] == texts
    assert len(set(keys)) == len(set(texts))


@pytest.mark.parametrize(("m", "n_best", "count"), [(1, 5, 5), (7, 5, 50), (8, 1, 1)])
def test_rank_choices_are_those_that_can_be_among_the_best(m, n_best, count):
    """One string of ranks 0 (the best), each rank 1 to 4 at one position, and
    ranks 1 at two positions: every other string has at least 5 as good."""
    from platevision.reader._patterns import _rank_choices

    choices = _rank_choices(m, 10, n_best, 1000)
    assert choices is not None
    assert len(choices) == count
    assert np.all(np.prod(choices + 1, axis=1) <= n_best)
    assert [tuple(c) for c in choices] == sorted(tuple(c) for c in choices)
    assert _rank_choices(8, 10, 10, 352) is None  # more than asked
    assert _rank_choices(8, 10, 10, 353) is not None


@given(
    st.integers(1, 4),
    st.integers(0, 2**32 - 1),
    st.sampled_from(
        # ("L L", "D-?D"): separators, one of them beside a wildcard position
        ["LLD", "L?D", "[AB]D?", r"[AB]+1", ("DL", "LLD", "L1?"), ("L L", "D-?D")]
    ),
    st.sampled_from(["alike", "weighted", "one left out"]),
)
def test_readings_are_the_exact_text_probabilities(n, seed, patterns, priors):
    """With room for every string, the readings are the patterns' exact text
    probabilities (each pattern weighted by its prior), enumerated here string
    by string over every set of blobs a pattern may read: consecutive ones, or
    (not a regular expression) with one blob inside the run left out, charged
    as one blob left out between two groups of letters and digits or at a
    separator, as three inside a group."""
    from itertools import combinations, product
    from unittest import mock

    classes = list("AB12")
    rng = np.random.default_rng(seed)
    proba = rng.dirichlet(np.ones(len(classes)), size=n)
    parsed = parse_patterns(patterns)
    pattern_weights = None
    prior = np.full(len(parsed), 1.0 / len(parsed))
    if priors != "alike":
        pattern_weights = rng.uniform(0.1, 3.0, len(parsed))
        if priors == "one left out" and len(parsed) > 1:
            pattern_weights[0] = 0.0
        prior = pattern_weights / pattern_weights.sum()
    weights: dict[str, float] = {}
    total = 0.0
    for pattern, pattern_prior in zip(parsed, prior, strict=True):
        lengths = [pattern.length] if pattern.length else range(1, n + 1)
        kinds = [
            "L"
            if p is not None and p <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            else "D"
            if p is not None and p <= set("0123456789")
            else ""
            for p in pattern.positions or ()
        ]
        separators = {i for i, _ in pattern.separators}
        for m in (m for m in lengths if m <= n):
            taken = [c for c in combinations(range(n), m) if c[-1] - c[0] == m - 1]
            inside = {}  # one blob left out: inside a group (True) or between
            for c in combinations(range(n), m):  # one blob left out inside a run
                gaps = [j for j in range(1, m) if c[j] - c[j - 1] == 2]
                if pattern.regex is None and c[-1] - c[0] == m and len(gaps) == 1:
                    j = gaps[0]
                    between = (
                        kinds[j - 1] and kinds[j] and kinds[j - 1] != kinds[j]
                    ) or j in separators
                    taken.append(c)
                    inside[c] = not between
            for blobs, ks in product(taken, product(range(4), repeat=m)):
                text = "".join(classes[k] for k in ks)
                if pattern.regex is not None:
                    fits = pattern.regex.fullmatch(text) is not None
                else:
                    allowed = zip(pattern.positions, text, strict=True)
                    fits = all(p is None or c in p for p, c in allowed)
                if fits:
                    w = np.prod(proba[list(blobs), ks])
                    w *= np.exp(-2.0 * (n - m + 2 * inside.get(blobs, False)))
                    w *= pattern_prior
                    if w > 0:
                        weights[text] = weights.get(text, 0.0) + w
                        total += w
    with mock.patch("platevision.reader._patterns._NEGLIGIBLE", np.inf):
        readings, _ = decode_row(
            proba, classes, parsed, n_readings=300, weights=pattern_weights
        )
    expected = sorted(weights.items(), key=lambda item: -item[1])
    assert len(readings) == len(expected)
    got = dict((plain_text(text), p) for text, p, _ in readings)
    for text, weight in expected:
        assert got[text] == pytest.approx(weight / total, rel=1e-9, abs=1e-15)


@given(
    st.integers(4, 12),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["br", "us", r"[A-Z0-9]{5,7}"]),
)
def test_skipping_negligible_runs_changes_no_reading(n, seed, patterns):
    from unittest import mock

    rng = np.random.default_rng(seed)
    proba = rng.dirichlet(np.full(len(CLASSES), 0.3), size=n)
    parsed = parse_patterns(patterns)
    weights = rng.uniform(0.01, 1.0, len(parsed))  # the floor moves with the prior
    # Many readings: strings from runs other than the best one are listed too.
    fast, fast_evidence = decode_row(
        proba, CLASSES, parsed, n_readings=40, weights=weights
    )
    with mock.patch("platevision.reader._patterns._NEGLIGIBLE", np.inf):
        full, full_evidence = decode_row(
            proba, CLASSES, parsed, n_readings=40, weights=weights
        )
    assert [r[0] for r in fast] == [r[0] for r in full]
    np.testing.assert_allclose([r[1] for r in fast], [r[1] for r in full], rtol=1e-9)
    assert fast_evidence == full_evidence


def test_a_frequent_pattern_wins_where_the_characters_leave_doubt():
    """An O that may be a 0: the more frequent form decides."""
    proba = _row("AB0")
    o, zero = CLASSES.index("O"), CLASSES.index("0")
    proba[2, [o, zero]] = 0.45
    parsed = parse_patterns(["LLL", "LLD"])
    alike, _ = decode_row(proba, CLASSES, parsed, n_readings=2)
    assert {text for text, *_ in alike} == {"ABO", "AB0"}
    assert alike[0][1] == pytest.approx(alike[1][1])
    for weights, best in (([3, 1], "ABO"), ([1, 3], "AB0")):
        readings, _ = decode_row(proba, CLASSES, parsed, weights=weights)
        assert readings[0][0] == best
        # P(text) = prior(pattern) P(text | row) / sum of prior x mass allowed.
        letters = [CLASSES.index(c) for c in string.ascii_uppercase]
        digits = [CLASSES.index(c) for c in string.digits]
        first_two = proba[0, letters].sum() * proba[1, letters].sum()
        mass = np.array([proba[2, letters].sum(), proba[2, digits].sum()])
        prior = np.asarray(weights) / 4
        expected = max(prior) * 0.9 * 0.9 * 0.45 / (first_two * prior @ mass)
        assert readings[0][1] == pytest.approx(expected, rel=1e-9)
    only, _ = decode_row(proba, CLASSES, parsed, weights=[0, 1])
    assert only[0][0] == "AB0"
    assert "ABO" not in {text for text, *_ in only}


@pytest.mark.parametrize(
    "weights", [[1.0], [1.0, -1.0], [0.0, 0.0], [np.nan, 1.0], [[1.0, 1.0]]]
)
def test_bad_pattern_weights_are_named(weights):
    with pytest.raises(ValueError, match="weights must be 2 non-negative"):
        decode_row(
            _row("AB1"), CLASSES, parse_patterns(["LLD", "LLL"]), weights=weights
        )


def test_pattern_counts_count_every_pattern_a_text_fits():
    parsed = parse_patterns(["LLD", "L?D", "LLL", r"[A-Z]+\d*"])
    counts = pattern_counts(parsed, ["AB1", "AB1", "A11", "ABC", "AB12"])
    np.testing.assert_array_equal(counts, [2, 3, 1, 5])


def test_pattern_priors_are_half_the_texts_shares_half_alike():
    parsed = parse_patterns(["LLD", "L?D", r"[A-Z]+\d*", "DDDD"])
    texts = ["AB1", "AB1", "A11", "ZZ", "12-4"]  # 12-4 fits no pattern
    # Reads: LLD 2, L?D 3, the expression 4 (AB1 twice, A11, ZZ), DDDD 0.
    np.testing.assert_allclose(
        pattern_priors(parsed, texts),
        0.5 * np.array([2, 3, 4, 0]) / 9 + 0.5 / 4,
    )
    np.testing.assert_allclose(pattern_priors(parsed, ["??"]), 0.25)  # none read
    assert pattern_priors(parsed, texts).sum() == pytest.approx(1.0)


def _positional(texts: list[str], shape: str) -> float:
    """A shape's probability with letters and digits drawn position by position
    from the texts of its length (add-one smoothed), by brute force."""
    same = [t for t in texts if len(t) == len(shape)]
    q = len(same) / len(texts)
    for i, kind in enumerate(shape):
        letters = sum(t[i].isalpha() for t in same)
        p_letter = (letters + 1) / (len(same) + 2)
        q *= p_letter if kind == "L" else 1 - p_letter
    return q


def test_learned_patterns_of_a_strict_syntax_are_its_shapes():
    """No shape met once: nothing suggests unseen forms, and each shape reads
    at the rate the texts show it."""
    patterns, priors = learned_patterns(["ABC1234"] * 3 + ["XYZ1A23"] * 2)
    assert patterns == ("LLLDDDD", "LLLDLDD")
    np.testing.assert_allclose(priors, [0.6, 0.4])


def test_learned_patterns_back_off_by_the_share_of_shapes_met_once():
    texts = ["AB12", "CD34", "EF56", "GH78", "J789", "12KL"]
    # LLDD four times, LDDD and DDLL once: beta = 2 / 6. Letters by position:
    # 5, 4, 1, 1 of 6, so P(letter) = 6/8, 5/8, 2/8, 2/8; the likeliest unseen
    # shapes are LLLD, LLDL and DLDD (360 / 8**4 each), then 216 / 8**4.
    patterns, priors = learned_patterns(texts, max_unseen=3)
    assert patterns[:3] == ("DDLL", "LDDD", "LLDD")
    assert set(patterns[3:]) == {"LLLD", "LLDL", "DLDD"}
    beta = 2 / 6
    counts = {"DDLL": 1, "LDDD": 1, "LLDD": 4}
    expected = np.array(
        [
            (1 - beta) * counts.get(s, 0) / 6 + beta * _positional(texts, s)
            for s in patterns
        ]
    )
    np.testing.assert_allclose(priors, expected / expected.sum())
    assert _positional(texts, "LLLD") == pytest.approx(360 / 8**4)


@given(
    st.lists(st.text(alphabet="AB12", min_size=2, max_size=5), min_size=1, max_size=12),
    st.integers(0, 6),
)
def test_learned_patterns_keep_the_likeliest_unseen_shapes(texts, max_unseen):
    patterns, priors = learned_patterns(texts, max_unseen=max_unseen)
    seen = sorted({shape_of(t) for t in texts})
    assert patterns[: len(seen)] == tuple(seen)
    unseen = patterns[len(seen) :]
    assert len(set(unseen)) == len(unseen)
    assert not set(unseen) & set(seen)
    assert priors.shape == (len(patterns),)
    assert np.all(priors > 0)
    assert priors.sum() == pytest.approx(1.0)
    met_once = any(sum(shape_of(t) == s for t in texts) == 1 for s in seen)
    lengths = {len(t) for t in texts}
    for n in lengths:
        mine = [s for s in unseen if len(s) == n]
        assert len(mine) <= max_unseen
        assert bool(mine) == (
            met_once and max_unseen > 0 and 2**n > sum(len(s) == n for s in seen)
        )
        others = [
            "".join(s)
            for s in itertools.product("LD", repeat=n)
            if "".join(s) not in seen and "".join(s) not in mine
        ]
        if mine and others:  # kept: at least as likely as any left out
            assert (
                min(_positional(texts, s) for s in mine)
                >= max(_positional(texts, s) for s in others) - 1e-12
            )
    assert all(len(s) in lengths for s in unseen)
