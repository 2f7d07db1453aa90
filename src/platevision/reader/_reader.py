"""PlateReader: from a photo of a vehicle to its plate text, with every plausible
reading."""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any, ClassVar, NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from platevision.exceptions import PlateNotFoundWarning, PlatevisionWarning
from platevision.metrics import box_iou
from platevision.reader._patterns import (
    REGION_PATTERNS,
    decode_row,
    learned_patterns,
    parse_patterns,
    pattern_counts,
    pattern_priors,
    plain_text,
)
from platevision.reader._rare import allowed_characters, rare_character_tiles
from platevision.reader._segment import (
    _CLOSE_GAPS,
    _median,
    character_rows_in_tiers,
    conform_row,
    extend_row,
    level_tilt,
    regularise_row,
    row_box,
    row_irregularity,
    row_spreads,
    split_wide,
    widen_narrow,
)
from platevision.utils._added_parameters import AddedParametersMixin
from platevision.utils._image import (
    _GREY_WEIGHTS,
    _describe,
    as_image_sequence,
    check_image,
    read_image,
)
from platevision.utils._parallel import map_images
from platevision.utils._sklearn_compat import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
    _fit_context,
)
from platevision.utils._warnings import warn_user

__all__ = ["PlateReader", "PlateReading"]

#: Margins around the characters' box, in character heights (left, top, right,
#: bottom), when ``fit`` was given no plate boxes to learn them from.
_DEFAULT_MARGINS = np.array([0.4, 0.35, 0.4, 0.35])
#: Most character rows found per photo (the tallest are kept, those joined
#: across the usual gaps before those joined across a bridge; the verifier then
#: chooses the rows read among them).
_MAX_ROWS = 48
#: How far below the best row's rank a further plate may rank (``max_plates``).
_PLATE_MARGIN = 6.0
#: The terms a read row ranks by, in this order, and their default weights
#: (``PlateReader(rank_weights=...)``).
_RANK_TERMS = (
    "evidence",
    "verifier",
    "confidence",
    "mean_cost",
    "worst_cost",
    "length",
    "skipped",
)
_RANK_WEIGHTS = {
    "evidence": 1.9,
    "verifier": 0.2,
    "confidence": 3.2,
    "mean_cost": -10.0,
    "worst_cost": -74.0,
    "length": 1.9,
    "skipped": 0.9,
}
#: A character of a plate's best row whose best reading is less probable than
#: this is read again from cuts a pixel off (``_SHIFTS``: left and right), the
#: probabilities averaged.
_UNSURE = 0.6
_SHIFTS = ((-1, 0), (1, 0))
#: Training tiles compared with all the others at a time, when the ink is learned.
_TOLD_CHUNK = 1024
#: A training row whose tiles are told (see _told_apart) less often than this
#: is taken for another row than the plate's (or the plate's cut wrong), and
#: looked at again.
_TOLD_ENOUGH = 0.25


class PlateReading(NamedTuple):
    """One plate found in a photo, and its most plausible readings.

    Returned by :meth:`PlateReader.read`.

    Parameters
    ----------
    box : tuple of int
        The plate's box ``(x, y, width, height)`` in pixels (x along the columns,
        as in :func:`~platevision.datasets.load_plates` and OpenCV).
    char_boxes : ndarray of shape (n_characters, 4)
        The box ``(x, y, width, height)`` of each character read, left to right.
    readings : list of (str, float)
        The plate's most plausible texts with their probabilities, best first
        (over the rows of characters found for the plate: see
        ``PlateReader(row_temperature=...)``; how sure they are:
        ``reading_temperature``).
    evidence : float
        How well the row of characters reads as a plate under the patterns: the
        log-probability per character of the best pattern (higher is better).

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.reader import PlateReading
    >>> plate = PlateReading(
    ...     (10, 20, 80, 20), np.zeros((0, 4), int), [("ABC1234", 0.9)], -0.1
    ... )
    >>> plate.readings[0]
    ('ABC1234', 0.9)
    """

    box: tuple[int, int, int, int]
    char_boxes: np.ndarray
    readings: list[tuple[str, float]]
    evidence: float

    @property
    def text(self) -> str:
        """The most probable text ('' when there is no reading)."""
        return self.readings[0][0] if self.readings else ""


def _check_boxes(boxes: Any, n_images: int) -> list[np.ndarray | None] | None:
    if boxes is None:
        return None
    try:
        boxes = list(boxes)
    except TypeError:
        msg = (
            "boxes must be None or hold one box (x, y, width, height) or None per "
            f"image; got {type(boxes).__name__} {boxes!r}."
        )
        raise TypeError(msg) from None
    if len(boxes) != n_images:
        msg = f"boxes must hold one box per image ({n_images}); got {len(boxes)}."
        raise ValueError(msg)
    checked: list[np.ndarray | None] = []
    for i, box in enumerate(boxes):
        if box is None:
            checked.append(None)
            continue
        try:
            array = np.asarray(box, dtype=float)
        except (TypeError, ValueError):
            array = np.full(1, np.nan)  # not numbers: refused below, by name
        if (
            array.shape != (4,)
            or not np.all(np.isfinite(array))
            or np.any(array[2:] <= 0)
        ):
            msg = (
                f"boxes[{i}] must be None or (x, y, width, height) with a positive "
                f"width and height; got {box!r}."
            )
            raise ValueError(msg)
        checked.append(np.round(array).astype(np.int64))
    return checked


def _plain_texts(texts: Any) -> list[str]:
    """Plate texts as the reader compares them: upper case, letters and digits
    only (no dashes, dots or spaces)."""
    return [plain_text(t) for t in texts]


def _check_separators(pattern: Any, texts: list[str], plain: list[str]) -> None:
    """Raise when a regular expression matches training texts only with their
    separators: the reader matches it to letters and digits, so it would never
    read a plate."""
    regex = pattern.regex
    if regex is None or any(regex.fullmatch(t) for t in plain):
        return
    written = next((t for t in texts if regex.fullmatch(t.upper())), None)
    if written is not None:
        msg = (
            f"patterns: the regular expression {pattern.source!r} matches the "
            f"training text {written!r} with its separators, but the reader "
            f"matches letters and digits only ({plain_text(written)!r}); leave "
            "the separators out of it, or write a pattern such as 'LL-DDD-LL', "
            "whose separators are written into the texts read."
        )
        raise ValueError(msg)


def _check_texts(y: Any) -> np.ndarray:
    """Plate texts as a 1-D array (every text is its own 'class': no class checks)."""
    from sklearn.utils.validation import check_array, column_or_1d

    if y is None:
        msg = "PlateReader requires y to be passed, but the target y is None."
        raise ValueError(msg)
    return column_or_1d(check_array(y, ensure_2d=False, dtype=None), warn=True)


#: check_image's luminance weights, as the (1, 3) float32 matrix of cv2.transform.
_WEIGHTS_F32 = _GREY_WEIGHTS.astype(np.float32).reshape(1, 3)


def _as_uint8_grey(item: Any, index: int) -> np.ndarray:
    """A photo (array or path) as uint8 grey, the luminance of its 8-bit colours.

    Colour photos are quantised to 8 bits per channel first (uint16 and float
    photos to the uint8 colours they stand for; RGBA composited on white), then
    weighted in float32 by OpenCV: a fifth of the time of the float64 route of
    :func:`check_image` on a camera's photo, and the same grey for every dtype.
    """
    import cv2

    if isinstance(item, (str, os.PathLike)):
        item = read_image(item)
    array = np.asarray(item)
    if not (array.dtype == np.uint8 and array.ndim == 3 and array.shape[2] == 3):
        image = check_image(item, index=index)  # validated, float64 in [0, 1]
        array = np.round(image * 255).astype(np.uint8)
        if array.ndim == 2:
            return array
    elif array.shape[0] == 0 or array.shape[1] == 0:
        check_image(array, index=index)  # raises, naming X[index]
    # Saturating, rounding conversion to uint8.
    return cv2.convertScaleAbs(cv2.transform(array.astype(np.float32), _WEIGHTS_F32))


def _crop(
    grey: np.ndarray, box: np.ndarray, grow: float
) -> tuple[np.ndarray, int, int]:
    """The part of ``grey`` in ``box`` grown by ``grow`` of its size, and its origin."""
    x, y, w, h = (int(v) for v in box)
    dx, dy = int(round(grow * w)), int(round(grow * h))
    x0, y0 = max(0, x - dx), max(0, y - dy)
    x1, y1 = min(grey.shape[1], x + w + dx), min(grey.shape[0], y + h + dy)
    return grey[y0:y1, x0:x1], x0, y0


def _cut_tile(grey: np.ndarray, box: Any, tilt: float = 0.0) -> np.ndarray:
    """A character of box ``(x, y, width, height)``, cut with one pixel of
    margin, as float in [0, 1]; straightened when its row is tilted by
    ``tilt`` degrees (see :func:`_straight_tile`)."""
    if tilt:
        return _straight_tile(grey, box, tilt)
    x, y, w, h = box
    x0, y0 = max(0, x - 1), max(0, y - 1)
    return grey[y0 : y + h + 1, x0 : x + w + 1].astype(np.float64) / 255.0


def _straight_tile(grey: np.ndarray, box: Any, tilt: float) -> np.ndarray:
    """The character of ``box`` turned upright: its row levelled.

    ``box`` is the upright box around a character tilted by ``tilt`` degrees
    with its row, so it is wider and taller than the character. The
    character's own extent, along the row and across it, is first that of the
    rectangle whose tilted box ``box`` would be (a character of width ``cw``
    and height ``ch`` tilted by ``t`` fills a box ``cw cos t + ch sin t`` wide
    and ``ch cos t + cw sin t`` high; at least 1 pixel wide and 0.85 of the
    box high), about the box's centre. A character fuller at its middle than
    at its corners (an ``O``, a ``V``) fills a smaller box, so the extent is
    grown to the box's ink (its pixels darker than Otsu's threshold, every
    piece of a broken character) by at most half of what the tilt adds to the
    box (``h sin t`` along the row, ``w sin t`` across it): dirt or an
    occluder that fills the box then does not bring the neighbours' strokes
    in. The photo is sampled over that extent with the row levelled, with one
    pixel of margin as :func:`_cut_tile` cuts an upright character.
    """
    import cv2

    x, y, w, h = (int(v) for v in box)
    c, s = float(np.cos(np.radians(tilt))), float(np.sin(np.radians(tilt)))
    # Along the row (u) and across it (v), in the photo's pixels.
    cx, cy = x + (w - 1) / 2.0, y + (h - 1) / 2.0
    cu, cv = c * cx + s * cy, -s * cx + c * cy
    det = c * c - s * s  # cos 2t > 0 below 45 degrees
    half_w = max(1.0, (w * c - h * abs(s)) / det) / 2.0
    half_h = max(0.85 * h, (h * c - w * abs(s)) / det) / 2.0
    u0, u1, v0, v1 = cu - half_w, cu + half_w, cv - half_h, cv + half_h
    x0, y0 = max(0, x), max(0, y)
    patch = np.ascontiguousarray(grey[y0 : y + h, x0 : x + w], dtype=np.uint8)
    if patch.size and np.ptp(patch) > 0:
        _, ink = cv2.threshold(patch, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
        rows, cols = np.nonzero(ink)
        px, py = cols + x0, rows + y0
        u, v = c * px + s * py, -s * px + c * py
        # Grown to the ink, by at most half of what the tilt adds to the box.
        grow_u, grow_v = 0.5 * h * abs(s), 0.5 * w * abs(s)
        u0 = max(min(u0, u.min() - 0.5), u0 - grow_u)
        u1 = min(max(u1, u.max() + 0.5), u1 + grow_u)
        v0 = max(min(v0, v.min() - 0.5), v0 - grow_v)
        v1 = min(max(v1, v.max() + 0.5), v1 + grow_v)
    out_w, out_h = int(round(u1 - u0)) + 2, int(round(v1 - v0)) + 2
    u0, v0 = (u0 + u1) / 2.0 - (out_w - 1) / 2.0, (v0 + v1) / 2.0 - (out_h - 1) / 2.0
    # Output pixel (i, j) samples the photo at u0 + i along the row and v0 + j
    # across it: the inverse map.
    matrix = np.array([[c, -s, c * u0 - s * v0], [s, c, s * u0 + c * v0]])
    tile = cv2.warpAffine(
        np.ascontiguousarray(grey),
        matrix,
        (out_w, out_h),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return tile.astype(np.float64) / 255.0


def _cut_tiles(grey: np.ndarray, row: np.ndarray) -> list[np.ndarray]:
    """Each character of a row, as :func:`_cut_tile` cuts it (upright when
    the row is tilted, :func:`~platevision.reader._segment.level_tilt`)."""
    tilt = level_tilt(row)
    return [_cut_tile(grey, box, tilt) for box in row]


class PlateReader(AddedParametersMixin, BaseEstimator):
    """Read licence plates in photos, with every plausible reading.

    The reader finds each plate through its characters (dark blobs of character
    shape side by side, found by adaptive thresholding at a few scales, so the
    lighting and the plate's frame matter little), cuts the characters out
    (upright, when the plate is tilted by 3 to 20 degrees), recognises each
    with a :class:`~platevision.restoration.PlateCharacterRestorer` (so broken,
    dirty or partly hidden characters are read as well as their remaining
    strokes allow; a character of the plate's best row it is unsure of is read
    again from cuts a pixel to either side), and decodes the whole plate with
    plate syntax priors: the patterns of a region, given or learned from the
    training texts. The result per plate is its box, its character boxes and
    its most plausible texts with probabilities.

    Read more in the :ref:`User Guide <plate_reader>`.

    Parameters
    ----------
    patterns : str, re.Pattern, sequence of them or None, default=None
        The plate syntax. A region key (``'br'``, ``'uk'``, ``'us'``,
        ``'mercosur'``, see :data:`~platevision.reader.REGION_PATTERNS`), a pattern
        string, a compiled regular expression, or a sequence of them (a region key
        in it stands for the region's patterns: ``['br', 'LLL-DDDD']``). In a
        pattern, ``L`` is a letter, ``D`` a digit, ``?`` any character, ``[...]``
        one of a set and any other letter or digit itself (``'LLLDLDD'``); a
        character that is neither is a separator, not read from the plate but
        written in the texts read (``'LL-DDD-LL'`` reads ``'AB-123-CD'``). A
        string that is not a pattern, or a compiled expression, is a regular
        expression the whole text's letters and digits must match. None learns
        the patterns from the texts given to :meth:`fit`: each text's
        letters-and-digits shape and, as far as the texts suggest forms they
        do not show (shapes met once), the likeliest other shapes of their
        lengths (see ``pattern_priors_``), written with the commonest
        separators of the texts of that shape (or length).
    restorer : estimator or None, default=None
        The character recogniser, fitted on the character tiles cut from the
        training photos: an unfitted estimator with ``fit`` and
        ``predict_proba`` (cloned). None uses
        ``PlateCharacterRestorer(ink='dark', random_state=random_state,
        n_jobs=n_jobs)``.
        The reader hands it dark characters on a light ground whatever
        ``ink`` is (it cuts them from the image where the ink is dark), so a
        restorer given with ``ink='auto'`` is fitted with ``ink='dark'``.
    n_readings : int, default=5
        Readings kept per plate. Every candidate row is decoded for that many
        readings: with the about 150 patterns learned from the OpenALPR US
        texts, 5 readings took 1.9 ms a row and 10 readings 4.4 ms (a US photo
        reads about 14 rows).
    ink : {'auto', 'dark', 'light', 'both'}, default='auto'
        The plates' characters are darker than the plate (most regions), lighter,
        or either (twice the work). ``'auto'`` learns which in ``fit`` (see
        ``ink_``): the training rows are looked for both ways, which costs
        ``fit`` a second look at each training photo, not reading.
    max_pixels : int or None, default=921600
        Photos with more pixels than this (1280 x 720) are looked at for plates
        at a reduced size of about this many pixels; the characters found are
        then cut from the photo at its full size. Finding costs in proportion
        to the pixels looked at, so a photo from a larger camera takes about
        as long as an HD one (on the OpenALPR BR photos, 1280 x 1280: 197 ->
        120 ms per photo, read as well). None looks at every photo at its
        full size.
    block_sizes : tuple of int, default=(9, 15, 25, 51)
        Neighbourhood sizes, in pixels of the image looked at (see
        ``max_pixels``), of the adaptive thresholds that find the
        characters (odd; small ones find small plates: 9 finds characters 10 to
        20 pixels high that touch their plate's frame). A pixel is ink when it
        is darker than its neighbourhood's mean by 0.3 of the neighbourhood's
        standard deviation (and at least 3 grey levels), so faint characters
        are found too.
    char_height : tuple of (int, int), default=(8, 200)
        Smallest and largest character heights looked for, in pixels of the
        photo.
    skip_cost : float, default=2.0
        Cost, in nats, of leaving a blob of a row unread: at the row's ends (a
        bolt, a logo, a piece of the frame), or between two groups of a
        pattern's letters and digits (a state's emblem, a dash, a sticker) or
        at one of its separators (``'LLL LLDDD'``: a seal between the groups
        of letters). One blob inside a group costs three times as much: a
        German plate's seals between its two groups of letters, where a
        pattern without separators (``'LLLLLDDD'``) does not tell the groups
        apart.
    min_evidence : float, default=-2.5
        Rows that read worse than this are not plates: the log-probability per
        character of the row's best pattern, its prior included (-2.5 is a
        geometric mean of 0.08 per character).
    rank_weights : dict of str to float, default=None
        How the rows read are ranked (which row is the plate's, and how much
        each row's readings weigh): a row's rank is the weighted sum of
        ``'evidence'`` (its reading evidence: the log of the probability its
        best pattern allows, per character), ``'verifier'`` (the row verifier's log
        probability that it is a plate's row), ``'confidence'`` (the log
        probability of its best reading), ``'mean_cost'`` and ``'worst_cost'``
        (the mean and the largest template cost of the characters read: their
        per-pixel disagreement with the best prototype, about 0.03 for a
        plate's character and 0.07 for another mark; only a
        :class:`~platevision.restoration.PlateCharacterRestorer` has
        templates, another recogniser's costs are 0), ``'length'`` (the
        characters read) and ``'skipped'`` (the row's blobs left unread; with
        ``'length'``, the row's blobs). A dict gives the weights of the terms it
        names; the others keep their defaults, ``{'evidence': 1.9, 'verifier':
        0.2, 'confidence': 3.2, 'mean_cost': -10, 'worst_cost': -74,
        'length': 1.9, 'skipped': 0.9}``. Their scale counts too: ranks weigh
        a plate's rows by ``exp(rank / row_temperature)``, and a further plate
        must rank within 6 of the best (``max_plates``).
        Those were fitted (and rounded) as a conditional logit (the rows of a photo
        competing to be the one that reads its text) on the rows that the
        readers of 5 folds read in their test photos of the OpenALPR US set,
        clean and with broken characters. Fitted on 4 folds' photos and
        tested on the fifth's, such weights read 157 clean and 126 broken
        plates of 222 from their best row, where the weights before (evidence
        and verifier 1, mean cost -80) read 152 and 114
        (``benchmarks/rank_weights.py``). Fitted on the US photos,
        they read the BR photos' best rows better too (clean 105 -> 108 of
        114, broken 93 -> 97): a row's length and its worst character tell
        a plate's row from a damaged plate's shortened row and from a
        sticker's or a slogan's.
    row_temperature : float, default=1.0
        How the readings of the rows found for one plate (the row, mended,
        widened, conformed, cut, a character longer, or found at another
        neighbourhood size; with a given box, every row read in it) combine into the
        plate's readings. Which row is the plate's is itself uncertain: a
        character lost to damage leaves a short row that reads well and a
        mended one that reads the lost character with doubt. Each row's
        readings weigh ``exp(rank / row_temperature)``, ``rank`` the row's
        rank (see ``rank_weights``), and a text's probability sums over
        the rows that read it; the plate's box and character boxes are those
        of the row that gives its best text the most, as it reads that text.
        At 1 a row weighs the probability the ranking gives it of being the
        one that reads the plate's text (the default ``rank_weights`` were
        fitted as a conditional logit, whose probabilities are the ranks'
        ``exp`` normalised); less than 1 trusts the best ranked row more, 0
        keeps only its readings (as readers saved before this parameter). On
        the OpenALPR photos, the same fitted readers of 5 folds (those of
        ``benchmarks/plates.py``), exact and top-5 plates of 222 US and 114
        BR photos, 0.5 (the default before) -> 0.75 -> 1: US clean 156 / 167
        -> 156 / 168 -> 156 / 168, broken 127 / 149 -> 128 / 152 -> 126 /
        153; BR clean 110 / 110 -> 110 / 111 -> 110 / 111, broken 100 / 106
        at all three. 1 was chosen for its scale, not for these counts.
        Against 0 (an earlier ranking and readers): US top-5 149 -> 153 at
        0.5, broken 109 -> 118.
    reading_temperature : float, default=0.7
        How sure a plate's readings are, from 0.001 to 1000. Their
        probabilities are raised to the power ``1 / reading_temperature`` and
        normalised, as a classifier's logits are divided by a temperature
        (what the texts not listed have left counts as texts as probable as
        the least listed one; a lone reading keeps its probability); the order
        of the readings never changes, only their probabilities. A text's
        probability comes mostly from the product of its characters' (read as
        if independent), and that is too low: the characters of a row read
        right are rarely wrong, even at 0.9 or 0.95 each. On the OpenALPR
        photos, the readers of 5 folds, end to end (the best reading's
        probability, 0 for a photo read as nothing, against whether it is the
        text; ECE over 15 bins), at ``row_temperature=1``:
        ``reading_temperature=1`` gave US clean plates a mean 0.51 for an
        accuracy of 0.70 (ECE 0.201) and broken ones 0.41 for 0.57 (0.172); BR
        0.78 for 0.96 (0.193) and 0.71 for 0.88 (0.176). 0.7 gives 0.66 (ECE
        0.081), 0.54 (0.112), 0.90 (0.080) and 0.83 (0.080). The temperature
        that gives the true texts of the US photos the most probability (their
        log loss, a text not listed given what the listed leave) is 0.72,
        rounded down to 0.7; so the US figures are of the photos it was chosen
        on, and BR's are held out (BR's own would be 0.65). The 5 readings
        listed (``n_readings``) were what it was chosen with. (With
        ``row_temperature=0.5``, the default before, the optimum was 0.87 and
        the default 0.85.) 1 gives the probabilities as decoded (as readers
        saved before this parameter).
    max_rows_read : int, default=12
        Most candidate rows read per photo (reading is what costs): those the
        row verifier finds most like a plate's (the most regular ones, by
        their spreads and length, when ``fit`` had no boxes). A character the
        rows share is read once. On the OpenALPR photos, the same fitted
        readers of 5 folds, 8 rows -> 12: US exact 135 -> 139 of 222, top-5
        159 -> 161, broken plates' exact 105 -> 109 and top-5 134 -> 139 (16
        rows: exact 141, broken exact 107). In the benchmark run, US photos
        took 98 -> 115 ms (each more row is decoded with the about 150
        learned patterns) and BR 89 -> 93 ms; BR exact 106 -> 105 of 114.
    max_plates : int, default=1
        Most plates read per photo, best first. Rows whose boxes overlap (IoU
        >= 0.3) the best ranked row of a plate are that plate's rows. A further
        plate must rank within ``_PLATE_MARGIN`` (6) of the best row's rank (see
        ``rank_weights``): a second plate in a photo looks as much like a
        plate as the first, the marks of clutter that read as text do not (on
        synthetic photos of two plates, the second ranked 0 to 3.2 below the
        first, the best of the clutter 24 or more below).
    min_char_tiles : int, default=5
        Each letter and digit the patterns allow that the training photos show
        fewer times than this is topped up to it with synthetic tiles
        (:func:`~platevision.datasets.make_plate_characters`, cut to their ink
        as the reader cuts a character), so that a character the photos show
        seldom or never can still be read. 0 learns from the photos' tiles
        only. Fitted on 30 of the OpenALPR Brazilian photos and read on the
        other 84 (3 draws of the 30): exact plates 185 -> 217 of 252, top 5
        210 -> 242; of the 29 plates with a character the 30 photos never
        show, 0 -> 14 read exactly (10 instead of 5: 146 against 144 of 168,
        two draws). With the benchmark's 5 folds of training photos (91 BR,
        177 US) it matters less: BR clean and broken exact 108 -> 110 and
        97 -> 100 of 114, US 159 -> 156 and 127 -> 127 of 222.
    random_state : int, RandomState instance or None, default=None
        Seeds the default restorer and the synthetic tiles.
    n_jobs : int, default=None
        Photos read in parallel through joblib (``None`` means 1 unless in a
        :func:`joblib.parallel_backend` context, ``-1`` all processors); the
        default restorer fits its proposal networks in parallel too, and keeps
        this ``n_jobs`` (``set_params(n_jobs=...)`` on the fitted reader leaves
        ``restorer_`` as it is: set its own).

    Attributes
    ----------
    restorer_ : estimator
        The fitted character recogniser.
    patterns_ : tuple of str
        The patterns in use.
    pattern_priors_ : ndarray of shape (n_patterns,)
        Each pattern's prior probability in decoding. Patterns given: half how
        often each reads the training texts, half the same for every pattern
        (so a form rare or missing in the training photos still reads).
        Patterns learned: ``beta``, the share of the training texts whose shape
        is met once, estimates how often a new text has a shape the texts do not
        show (Good-Turing); a shape's prior is ``1 - beta`` times its share of
        the texts plus ``beta`` times its probability with letters and digits
        drawn position by position as in the texts of its length, and the 32
        likeliest unseen shapes of each length are read too. A strict syntax
        (Brazil's: no shape met once) keeps its shapes alone; the United
        States' many forms leave room for new ones (on the OpenALPR US
        photos, 5 folds, 21 of 222 test plates have a shape their fold's
        training texts do not show, and beta is 0.08-0.11).
    ink_ : {'dark', 'light', 'both'}
        The characters' polarity the reader looks for: ``ink``, or with
        ``ink='auto'`` the one learned from the training photos. Each photo's
        text row (as many marks as the text has characters) is looked for
        among dark marks and among light ones, and the photo votes for the
        polarity whose row's marks look more like the same characters in the
        other photos (the share of its marks whose nearest mark in the other
        photos, by the correlation of their 16 x 8 pictures, bears the same
        character). Among light marks a dark-on-light plate gives the gaps
        between its characters, which do not. A polarity with at most a tenth
        of the votes is left out; when both have more, both are looked for
        (``ink='both'`` takes each training photo's row as its vote says).
    plate_margins_ : ndarray of shape (4,)
        Margins (left, top, right, bottom) from the characters' box to the plate's
        box, in character heights, learned from the training boxes (medians).
    verifier_ : Pipeline or None
        The row verifier: a logistic regression on the geometry of a candidate
        row (evenness of heights, baseline and spacing, character shape, size
        and place in the photo, length against the patterns), on how alike
        its neighbouring marks are (a grille's bars repeat one shape) and on
        the pairwise products of these (so that how much one counts may
        depend on another), that tells the plate's row from the photo's other
        rows. Learned from the training photos' rows and boxes (without a
        box, the plate is taken to be the text's row with the usual margins);
        None with fewer than 5 rows of either kind. It picks the rows
        read, and its log probability is added to a row's evidence to rank
        the rows read.
    n_training_tiles_ : int
        Character tiles cut from the training photos.
    n_synthetic_tiles_ : int
        Synthetic tiles the restorer also learned from (see
        ``min_char_tiles``).
    n_training_plates_ : int
        Training photos whose characters could be cut (the row found held as many
        characters as the text).

    See Also
    --------
    platevision.restoration.PlateCharacterRestorer : The character recogniser.

    Examples
    --------
    >>> from platevision.datasets import make_plates
    >>> from platevision.reader import PlateReader
    >>> from platevision.restoration import PlateCharacterRestorer
    >>> photos = make_plates(30, pattern="LLLDDDD", random_state=0)
    >>> reader = PlateReader(
    ...     "br",  # Brazil: ABC1234 and ABC1D23
    ...     restorer=PlateCharacterRestorer(n_augment=1, n_proposals=1, random_state=0),
    ... )
    >>> reader = reader.fit(photos.images[:24], photos.target[:24],
    ...                     boxes=photos.boxes[:24])
    >>> reader.ink_  # learned: dark characters on a light plate
    'dark'
    >>> plate = reader.read(photos.images[24:25])[0][0]
    >>> plate.text == plate.readings[0][0]  # the best of the readings
    True
    >>> len(plate.text), bool(plate.readings[0][1] <= 1.0)
    (7, True)
    >>> photos.target[24], plate.readings[:2]  # doctest: +SKIP
    ('DNL6980', [('DNL6980', 0.99), ('DNU6980', 0.01)])
    """

    # Readers saved before ``max_pixels`` existed looked at full size; those
    # saved before ``row_temperature`` read the best ranked row only, those
    # saved before ``reading_temperature`` gave the probabilities as decoded,
    # and those saved before ``max_rows_read`` read 8 rows.
    _parameters_added: ClassVar[dict[str, Any]] = {
        "max_pixels": None,
        "row_temperature": 0.0,
        "reading_temperature": 1.0,
        "max_rows_read": 8,
        "min_char_tiles": 0,
    }

    _parameter_constraints: dict = {
        "patterns": [str, re.Pattern, list, tuple, None],
        "restorer": [HasMethods(["fit", "predict_proba"]), None],
        "n_readings": [Interval(Integral, 1, None, closed="left")],
        "ink": [StrOptions({"auto", "dark", "light", "both"})],
        "max_pixels": [Interval(Integral, 1, None, closed="left"), None],
        "block_sizes": [tuple, list],
        "char_height": [tuple, list],
        "skip_cost": [Interval(Real, 0, None, closed="left")],
        "min_evidence": [Real],
        "rank_weights": [dict, None],
        "row_temperature": [Interval(Real, 0, None, closed="left")],
        "reading_temperature": [Interval(Real, 1e-3, 1e3, closed="both")],
        "max_rows_read": [Interval(Integral, 1, None, closed="left")],
        "max_plates": [Interval(Integral, 1, None, closed="left")],
        "min_char_tiles": [Interval(Integral, 0, None, closed="left")],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        patterns: Any = None,
        *,
        restorer: Any = None,
        n_readings: int = 5,
        ink: str = "auto",
        max_pixels: int | None = 1280 * 720,
        block_sizes: tuple[int, ...] = (9, 15, 25, 51),
        char_height: tuple[int, int] = (8, 200),
        skip_cost: float = 2.0,
        min_evidence: float = -2.5,
        rank_weights: dict[str, float] | None = None,
        row_temperature: float = 1.0,
        reading_temperature: float = 0.7,
        max_rows_read: int = 12,
        max_plates: int = 1,
        min_char_tiles: int = 5,
        random_state: Any = None,
        n_jobs: int | None = None,
    ) -> None:
        self.patterns = patterns
        self.restorer = restorer
        self.n_readings = n_readings
        self.ink = ink
        self.max_pixels = max_pixels
        self.block_sizes = block_sizes
        self.char_height = char_height
        self.skip_cost = skip_cost
        self.min_evidence = min_evidence
        self.rank_weights = rank_weights
        self.row_temperature = row_temperature
        self.reading_temperature = reading_temperature
        self.max_rows_read = max_rows_read
        self.max_plates = max_plates
        self.min_char_tiles = min_char_tiles
        self.random_state = random_state
        self.n_jobs = n_jobs

    # ------------------------------------------------------------- helpers

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Readers saved before ``rank_weights`` ranked rows by their evidence
        # plus the verifier's log probability minus ``template_weight`` times
        # the mean template cost.
        state = dict(state)
        if "rank_weights" not in state:
            # Those saved before ``template_weight`` ranked without the term.
            weight = float(state.pop("template_weight", 0.0))
            state["rank_weights"] = {
                **dict.fromkeys(_RANK_TERMS, 0.0),
                "evidence": 1.0,
                "verifier": 1.0,
                "mean_cost": -weight,
            }
        super().__setstate__(state)

    def _rank_vector(self) -> np.ndarray:
        """``rank_weights`` over the defaults, as weights of ``_RANK_TERMS``."""
        if self.rank_weights is not None and not isinstance(self.rank_weights, dict):
            msg = (
                f"The 'rank_weights' parameter of {type(self).__name__} must be a "
                f"dict of ranking terms to weights, or None. Got "
                f"{self.rank_weights!r} instead."
            )
            raise InvalidParameterError(msg)
        given = {} if self.rank_weights is None else dict(self.rank_weights)
        unknown = sorted(map(str, set(given) - set(_RANK_TERMS)))
        if unknown:
            msg = (
                f"The 'rank_weights' parameter of {type(self).__name__} names "
                f"terms {unknown} that are not ranking terms; expected some of "
                f"{list(_RANK_TERMS)}."
            )
            raise ValueError(msg)
        weights = {**_RANK_WEIGHTS, **given}
        for term, value in weights.items():
            if (
                isinstance(value, bool)
                or not isinstance(value, Real)
                or not np.isfinite(float(value))
            ):
                msg = (
                    f"The 'rank_weights' parameter of {type(self).__name__} must "
                    f"map each term to a finite number; got {value!r} for {term!r}."
                )
                raise ValueError(msg)
        return np.array([float(weights[term]) for term in _RANK_TERMS])

    def _check_geometry(self) -> tuple[tuple[int, ...], tuple[int, int]]:
        name = type(self).__name__
        sizes = tuple(self.block_sizes)
        if not sizes or any(
            not isinstance(s, Integral) or s < 3 or s % 2 == 0 for s in sizes
        ):
            msg = (
                f"The 'block_sizes' parameter of {name} must be a non-empty tuple of "
                f"odd ints >= 3. Got {self.block_sizes!r} instead."
            )
            raise ValueError(msg)
        heights = tuple(self.char_height)
        if (
            len(heights) != 2
            or not all(isinstance(v, Integral) for v in heights)
            or not 2 <= heights[0] <= heights[1]
        ):
            msg = (
                f"The 'char_height' parameter of {name} must be (low, high) ints with "
                f"2 <= low <= high. Got {self.char_height!r} instead."
            )
            raise ValueError(msg)
        return sizes, (int(heights[0]), int(heights[1]))

    def _rows(
        self,
        grey: np.ndarray,
        ink: str | None = None,
        close_gaps: int | None = _CLOSE_GAPS,
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Candidate character rows of a grey uint8 image, with their ink-dark
        view, for ``ink`` ('dark', 'light' or 'both'; None: ``ink_``), looked
        for also with gaps up to ``close_gaps`` pixels closed (None: not)."""
        sizes, heights = self._check_geometry()
        if min(grey.shape) < 3:  # nothing to look in (a tiny photo, a box outside it)
            return []
        if ink is None:  # readers saved before ink_ existed: their ink
            ink = getattr(self, "ink_", self.ink)
        views = []
        if ink in ("dark", "both"):
            views.append(grey)
        if ink in ("light", "both"):
            views.append(255 - grey)
        scale = 1.0
        if self.max_pixels is not None and grey.size > self.max_pixels:
            scale = float(np.sqrt(self.max_pixels / grey.size))
        tiers: tuple[list[Any], list[Any]] = ([], [])
        for view in views:
            usual, bridged = _rows_reduced(view, scale, sizes, heights, close_gaps)
            tiers[0].extend((row, view) for row in usual)
            tiers[1].extend((row, view) for row in bridged)
        found: list[tuple[np.ndarray, np.ndarray]] = []
        for tier in tiers:  # the usual rows first, the tallest first
            room = _MAX_ROWS - len(found)
            if len(tier) > room:
                tier.sort(key=lambda pair: -_median(pair[0][:, 3]))
            found.extend(tier[:room])
        return found

    def _text_rows(
        self, grey: np.ndarray, text: str, box: np.ndarray | None, ink: str
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """The rows of a training photo as long as its text, one blob per
        character, looked for with ``ink`` (inside ``box`` grown by 0.15 when
        given), each with the ink-dark view of the whole photo it is cut from."""
        if box is not None:
            region, x0, y0 = _crop(grey, box, 0.15)
        else:
            region, x0, y0 = grey, 0, 0
        rows = []
        light = None  # the whole photo's light-ink view, made once if needed
        # Not with gaps closed: its blobs are larger, and the tallest row as
        # long as the text is then at times one of a character joined to an
        # emblem or of a separator taken for a character (US, 10 of 177
        # training photos of a fold: clean plates read 152 -> 144 of 222).
        for row, view in self._rows(region, ink, close_gaps=None):
            # Not extended: which end a lost character is at is not known, and a
            # wrong guess would label every tile with its neighbour's character.
            for candidate in _candidate_rows(row, view, extend=False):
                if len(candidate) == len(text):
                    if view is region:
                        full_view = grey
                    else:
                        light = 255 - grey if light is None else light
                        full_view = light
                    rows.append((candidate + np.array([x0, y0, 0, 0]), full_view))
                    break
        return rows

    def _training_row(
        self, grey: np.ndarray, text: str, box: np.ndarray | None, ink: str
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The row of a training photo taken to hold its text: the tallest of
        its :meth:`_text_rows`."""
        rows = self._text_rows(grey, text, box, ink)
        if not rows:
            return None
        return max(rows, key=lambda pair: _median(pair[0][:, 3]))

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X: Any, y: Any, boxes: Any = None) -> PlateReader:
        """Learn to read plates from labelled photos.

        In each photo the row of characters that holds the text (inside the
        plate's box when ``boxes`` are given) is found and cut into one tile per
        character, labelled with the text; the character recogniser is fitted on
        those tiles. The plate margins and the patterns (when ``patterns=None``)
        are learned too.

        Parameters
        ----------
        X : sequence of images or file paths, or (n_samples, M, N[, C]) ndarray
            Photos of vehicles, in the package's image convention.
        y : array-like of str, shape (n_samples,)
            The plate text of each photo. Separators in it (dashes, dots,
            spaces: anything neither a letter nor a digit) are no characters
            to cut; with ``patterns=None`` the texts read are written with the
            training texts' commonest separators.
        boxes : array-like of shape (n_samples, 4), optional
            The plate's box ``(x, y, width, height)`` in each photo (rows may be
            None). The tallest row as long as the text (in the box, when given)
            is taken for the plate's, unless its tiles look unlike the same
            characters in the other photos: then the photo's row as long as
            the text that they look most like is, or none if none looks
            enough like them (as long as most rows found look alike). Without a
            box, the row verifier takes the plate to be that row with the
            usual margins around it.

        Returns
        -------
        self : PlateReader
            The fitted reader.
        """
        self._check_geometry()
        self._rank_vector()
        y = _check_texts(y)
        items = as_image_sequence(X)
        texts = _plain_texts(y)
        if len(texts) != len(items):
            msg = f"y must hold one text per photo ({len(items)}); got {len(texts)}."
            raise ValueError(msg)
        checked_boxes = _check_boxes(boxes, len(items))
        box_list = checked_boxes or [None] * len(items)

        def training(ink: str) -> list[Any]:
            return map_images(
                _training_one,
                items,
                n_jobs=self.n_jobs,
                reader=self,
                texts=texts,
                boxes=box_list,
                ink=ink,
            )

        told: np.ndarray | None = None
        if self.ink in ("auto", "both"):
            dark, light = training("dark"), training("light")
            told_dark = _told_apart([d[0] for d in dark], texts)
            told_light = _told_apart([li[0] for li in light], texts)
            votes = _ink_votes(told_dark, told_light)
            self.ink_ = _learned_ink(votes) if self.ink == "auto" else "both"
            if self.ink_ == "both":
                found = [
                    _either_way(d, li, vote)
                    for d, li, vote in zip(dark, light, votes, strict=True)
                ]
                told = np.maximum(told_dark, told_light)
            else:
                found = dark if self.ink_ == "dark" else light
                told = told_dark if self.ink_ == "dark" else told_light
        else:
            self.ink_ = self.ink
            found = training(self.ink)
        if told is None:
            told = _told_apart([result[0] for result in found], texts)
        seldom = _told_seldom(told)
        if self.ink_ == "both":  # boxed rows kept: see _other_rows
            seldom &= np.array([box is None for box in box_list])
        if seldom.any():
            found = [
                (None,) * 4 if low else result
                for result, low in zip(found, seldom, strict=True)
            ]
            if self.ink_ != "both":
                found = self._other_rows(found, seldom, items, texts, box_list)
        tiles: list[np.ndarray] = []
        labels: list[str] = []
        margins = []
        n_plates = 0
        verifier_rows = [rows for _, _, rows, _ in found if rows is not None]
        for (cut, margin, _, _), text in zip(found, texts, strict=True):
            if cut is None:
                continue
            tiles.extend(cut)
            labels.extend(text)
            n_plates += 1
            if margin is not None:
                margins.append(margin)
        self.n_training_plates_ = n_plates
        self.n_training_tiles_ = len(tiles)
        if self.n_training_plates_ == 0 or len(set(labels)) < 2:
            msg = (
                f"PlateReader could not cut the characters of any of the {len(items)} "
                "training photos (no row of characters as long as the text was "
                "found); check the texts, the boxes, 'ink' and 'char_height'."
            )
            raise ValueError(msg)
        self._learn_patterns([str(t) for t in y])
        self.plate_margins_ = (
            np.median(np.asarray(margins), axis=0) if margins else _DEFAULT_MARGINS
        )
        if self.restorer is None:
            from platevision.restoration import PlateCharacterRestorer

            restorer = PlateCharacterRestorer(
                ink="dark", random_state=self.random_state, n_jobs=self.n_jobs
            )
        else:
            restorer = clone(self.restorer)
            if restorer.get_params(deep=False).get("ink") == "auto":
                # Every tile is cut from a view with dark ink: none needs guessing.
                restorer.set_params(ink="dark")
        allowed = allowed_characters(parse_patterns(list(self.patterns_)))
        alphabet = restorer.get_params(deep=False).get("alphabet")
        if alphabet is not None:
            allowed &= set(alphabet)
        extra, extra_labels = rare_character_tiles(
            labels,
            allowed,
            self.min_char_tiles,
            check_random_state(self.random_state).randint(np.iinfo(np.int32).max),
        )
        self.n_synthetic_tiles_ = len(extra)
        self.restorer_ = restorer.fit(tiles + extra, np.asarray(labels + extra_labels))
        self.verifier_ = self._fit_verifier(verifier_rows)
        return self

    def _other_rows(
        self,
        found: list[Any],
        again: np.ndarray,
        items: Sequence[Any],
        texts: list[str],
        boxes: list[Any],
    ) -> list[Any]:
        """``found`` with the photos ``again`` (a mask; their rows told too
        seldom, see :func:`_told_seldom`) looked at again: of each one's rows as
        long as its text (inside its box, when given), the one the other
        photos' tiles tell best, if told often enough (:func:`_other_row`).

        ``fit`` does not call it when both inks are looked for: the rows of
        the gaps between the characters are as long as the text too.
        """
        indices = np.flatnonzero(again).tolist()
        _, labels, pictures = _tile_pictures([result[0] for result in found], texts)
        if not indices or not len(labels):
            return found
        results = map_images(
            _other_row,
            [items[i] for i in indices],
            n_jobs=self.n_jobs,
            reader=self,
            texts=[texts[i] for i in indices],
            boxes=[boxes[i] for i in indices],
            ink=self.ink_,
            pictures=pictures,
            labels=labels,
        )
        found = list(found)
        for i, result in zip(indices, results, strict=True):
            found[i] = result
        return found

    def _learn_patterns(self, texts: list[str]) -> None:
        """Set ``patterns_`` (given, or learned from ``texts``: their shapes
        and the likeliest unseen ones, with their commonest separators) and
        their priors from ``texts``."""
        if self.patterns is None:
            self.patterns_, self.pattern_priors_ = learned_patterns(texts)
            return
        parsed = parse_patterns(self.patterns)
        plain = _plain_texts(texts)
        for pattern in parsed:
            _check_separators(pattern, texts, plain)
        if plain and not pattern_counts(parsed, plain).any():
            # A mistyped region key ('usa') is a pattern of its own letters: the
            # reader would read no plate, and say so only photo by photo.
            sources = ", ".join(repr(p.source) for p in parsed)
            warn_user(
                f"patterns: none of the {len(plain)} training texts is of the "
                f"patterns {sources}, so the reader will read no plate like them. "
                f"Region keys are {', '.join(sorted(REGION_PATTERNS))}; "
                "patterns=None learns the patterns from the texts.",
                PlatevisionWarning,
            )
        self.patterns_ = tuple(p.source for p in parsed)
        self.pattern_priors_ = pattern_priors(parsed, plain)

    def _fit_verifier(self, rows: list[np.ndarray]) -> Any:
        """A logistic regression telling the plate's row from the others, from
        the geometry and sameness of the training photos' rows and their
        pairwise products (None without boxes).

        The products let features count together: how much one counts may
        depend on another (a linear model weighs each alone). On the
        OpenALPR photos, the same fitted recognisers, 5 folds: US plates found
        197 -> 207 of 222 and read 110 -> 114, against the features alone; BR
        plates the same (112 found, 93 read). Trees do about as well on US
        (205 found, 113 read with gradient boosting), but a fitted
        ``HistGradientBoostingClassifier`` cannot be saved as a skops file
        with scikit-learn 1.6.
        """
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import PolynomialFeatures, StandardScaler

        if not rows:
            return None
        table = np.vstack(rows)
        labels = table[:, -1].astype(bool)
        if labels.sum() < 5 or (~labels).sum() < 5:
            return None
        X = self._verifier_inputs(table[:, :-1], self._pattern_lengths())
        model = make_pipeline(
            StandardScaler(),
            PolynomialFeatures(2, include_bias=False),
            StandardScaler(),
            LogisticRegression(class_weight="balanced", max_iter=1000),
        )
        with warnings.catch_warnings():
            # scikit-learn < 1.7 passes L-BFGS-B options that SciPy >= 1.15
            # deprecates: a warning for them, not for the user.
            warnings.filterwarnings(
                "ignore", message=".*L-BFGS-B.*", category=DeprecationWarning
            )
            return model.fit(X, labels)

    def _pattern_lengths(self) -> list[int]:
        """The lengths of the patterns in use (regular expressions have none)."""
        return [int(p.length) for p in parse_patterns(list(self.patterns_)) if p.length]

    def _verifier_inputs(self, features: np.ndarray, lengths: list[int]) -> np.ndarray:
        """Row features and each row's distance to the nearest pattern length."""
        gaps = [_length_gap(n, lengths) for n in features[:, -1]]
        return np.column_stack([features, gaps])

    # ---------------------------------------------------------------- read

    def _read_photo(
        self, grey: np.ndarray, box: np.ndarray | None
    ) -> tuple[list[PlateReading], str]:
        if box is not None:
            region, x0, y0 = _crop(grey, box, 0.15)
        else:
            region, x0, y0 = grey, 0, 0
        patterns = parse_patterns(list(self.patterns_))
        lengths = [p.length for p in patterns]
        shortest = 1 if None in lengths else min(int(n) for n in lengths if n)
        known = [int(n) for n in lengths if n]
        rows = []
        for row, view in self._rows(region):
            for candidate in _candidate_rows(row, view):
                if len(candidate) >= shortest:
                    rows.append((candidate, view))
        if not rows:
            return [], "no row of characters found"
        verifier = getattr(self, "verifier_", None)
        plate_log_p = np.zeros(len(rows))
        if verifier is not None:
            pictures: dict[tuple[int, ...], np.ndarray] = {}
            features = np.array(
                [
                    _row_features(r, view, grey.shape, (x0, y0), pictures)
                    for r, view in rows
                ]
            )
            inputs = self._verifier_inputs(features, known)
            proba = verifier.predict_proba(inputs)[:, 1]
            plate_log_p = np.log(np.clip(proba, 1e-6, 1.0))
        if len(rows) > self.max_rows_read:
            # Reading is what costs: read the rows most like a plate's.
            if verifier is not None:
                order = np.argsort(-plate_log_p, kind="stable")
            else:
                costs = [_row_cost(r, known) for r, _ in rows]
                order = np.argsort(costs, kind="stable")
            order = order[: self.max_rows_read]
            rows = [rows[i] for i in order]
            plate_log_p = plate_log_p[order]
        # Candidate rows share most of their characters (a row, the row mended,
        # widened or a character longer): each character is read once.
        seen: dict[tuple[int, ...], int] = {}
        views = {}
        spans = []
        for row, view in rows:
            views[id(view)] = view
            tilt = int(level_tilt(row))  # whole degrees
            spans.append(
                [
                    seen.setdefault((id(view), tilt, *map(int, b)), len(seen))
                    for b in row
                ]
            )
        keys = list(seen)
        tiles = [_cut_tile(views[key[0]], key[2:], key[1]) for key in keys]
        proba, cost = _recognise(self.restorer_, tiles)
        classes = [str(c) for c in self.restorer_.classes_]

        def decoded(row_proba: np.ndarray) -> tuple[list[Any], float]:
            return decode_row(
                row_proba,
                classes,
                patterns,
                n_readings=self.n_readings,
                skip_cost=self.skip_cost,
                weights=self.pattern_priors_,
            )

        rows_read = [decoded(proba[span]) for span in spans]
        context = [row for row, _ in rows], spans, cost, box, (x0, y0), grey.shape
        found, ranks, groups = self._plates_in_rows(rows_read, plate_log_p, *context)
        # The plates' characters the recogniser is unsure of are read again from
        # cuts a pixel off (a box found from damaged ink is the least sure of
        # all): those of each plate's best row, and every row that holds one is
        # decoded again.
        best_rows = {found[g[0]][0] for g in groups}
        unsure = sorted(
            {t for k in best_rows for t in spans[k] if proba[t].max() < _UNSURE}
        )
        if unsure:
            proba = _read_again(self.restorer_, views, keys, unsure, proba)
            again = set(unsure)
            rows_read = [
                decoded(proba[spans[k]]) if again.intersection(spans[k]) else before
                for k, before in enumerate(rows_read)
            ]
            found, ranks, groups = self._plates_in_rows(
                rows_read, plate_log_p, *context
            )
        if not found:
            return [], "no row of characters reads as a plate of the patterns"
        plates = []
        for group in groups:
            mixed, owner = _mixed_readings(
                [found[i][2] for i in group],
                [ranks[i] for i in group],
                self.row_temperature,
                self.n_readings,
            )
            mixed = _tempered(mixed, self.reading_temperature)
            # The box and characters of the row that gives the best text most,
            # as it reads that text.
            _, row, readings, evidence = found[group[owner]]
            taken = next(b for text, _, b in readings if text == mixed[0][0])
            plate_box, chars = self._geometry(row, taken, box, (x0, y0), grey.shape)
            plates.append(PlateReading(plate_box, chars, mixed, evidence))
        return plates, ""

    def _plates_in_rows(
        self,
        rows_read: list[tuple[list[Any], float]],
        plate_log_p: np.ndarray,
        rows: list[np.ndarray],
        spans: list[list[int]],
        cost: np.ndarray,
        box: np.ndarray | None,
        origin: tuple[int, int],
        shape: tuple[int, ...],
    ) -> tuple[list[tuple[int, np.ndarray, Any, float]], list[float], list[list[int]]]:
        """The rows read as plates, ranked and grouped into plates.

        ``rows_read[k]`` is ``rows[k]`` decoded (its readings and evidence,
        :func:`~platevision.reader._patterns.decode_row`), ``spans[k]`` the
        indices in ``cost`` of its tiles. Returns the rows read as a plate (index
        in ``rows``, the row, its readings, its evidence), their ranks, and the
        plates: lists of indices into those, best first.
        """
        found = []  # per row read as a plate: its index, the row, readings, evidence
        boxes = []
        ranks = []
        weights = self._rank_vector()
        for k, ((readings, evidence), log_p) in enumerate(
            zip(rows_read, plate_log_p, strict=True)
        ):
            if not readings or evidence < self.min_evidence:
                continue
            blobs = list(readings[0][2])
            found.append((k, rows[k], readings, float(evidence)))
            boxes.append(self._geometry(rows[k], blobs, box, origin, shape)[0])
            terms = _rank_terms(
                readings,
                evidence,
                log_p,
                cost[np.asarray(spans[k])[blobs]],
                len(rows[k]),
            )
            ranks.append(float(np.dot(weights, terms)))
        # Best first, each row joins the first plate whose box it overlaps; a
        # row that overlaps none starts a plate, up to ``max_plates``.
        groups: list[list[int]] = []
        best = max(ranks, default=0.0)
        for i in np.argsort(-np.asarray(ranks), kind="stable").tolist():
            for group in groups:
                if box_iou(boxes[i], boxes[group[0]])[0] >= 0.3:
                    group.append(i)
                    break
            else:
                if len(groups) < self.max_plates and ranks[i] >= best - _PLATE_MARGIN:
                    groups.append([i])
        return found, ranks, groups

    def _geometry(
        self,
        row: np.ndarray,
        blobs: Any,
        box: np.ndarray | None,
        offset: tuple[int, int],
        shape: tuple[int, ...],
    ) -> tuple[tuple[int, int, int, int], np.ndarray]:
        """The plate's box (the given one, or the characters' grown by the
        learned margins) and the boxes of the ``blobs`` read, in the photo."""
        chars = row[list(blobs)] + np.array([offset[0], offset[1], 0, 0])
        if box is not None:
            bx, by, bw, bh = (int(v) for v in box)
            return (bx, by, bw, bh), chars
        return self._plate_box(chars, shape), chars

    def _plate_box(
        self, chars: np.ndarray, shape: tuple[int, ...]
    ) -> tuple[int, int, int, int]:
        x, y, w, h = row_box(chars)
        height = _median(chars[:, 3])
        left, top, right, bottom = self.plate_margins_ * height
        x0 = max(0, int(round(x - left)))
        y0 = max(0, int(round(y - top)))
        x1 = min(shape[1], int(round(x + w + right)))
        y1 = min(shape[0], int(round(y + h + bottom)))
        return x0, y0, x1 - x0, y1 - y0

    def read(self, X: Any, boxes: Any = None) -> list[list[PlateReading]]:
        """Find and read the plates of each photo.

        Parameters
        ----------
        X : sequence of images or file paths, or (n_samples, M, N[, C]) ndarray
            Photos, in the package's image convention (grey, RGB or RGBA, any
            size).
        boxes : array-like of shape (n_samples, 4), optional
            Plate boxes ``(x, y, width, height)`` the caller already has (rows may
            be None): the plate is read there.

        Returns
        -------
        plates : list of list of PlateReading
            For each photo, the plates read, best first (at most ``max_plates``).
            A photo where no plate is found or none reads as a plate of the
            patterns gets an empty list and a
            :class:`~platevision.exceptions.PlateNotFoundWarning` naming it and
            the reason.
        """
        check_is_fitted(self)
        self._rank_vector()
        items = as_image_sequence(X)
        box_list = _check_boxes(boxes, len(items)) or [None] * len(items)
        results = map_images(
            _read_one, items, n_jobs=self.n_jobs, reader=self, boxes=box_list
        )
        plates = []
        for i, (found, reason) in enumerate(results):
            if not found:
                warn_user(
                    f"no plate read in {_describe(i, items[i])}: {reason}.",
                    PlateNotFoundWarning,
                )
            plates.append(found)
        return plates

    def predict(self, X: Any, boxes: Any = None) -> np.ndarray:
        """The most probable text of each photo's best plate ('' when none).

        Parameters
        ----------
        X : sequence of images or file paths, or (n_samples, M, N[, C]) ndarray
            Photos, in the package's image convention.
        boxes : array-like of shape (n_samples, 4), optional
            Plate boxes the caller already has, as in :meth:`read`.

        Returns
        -------
        texts : ndarray of shape (n_samples,) of str
        """
        plates = self.read(X, boxes=boxes)
        return np.array(
            [found[0].text if found else "" for found in plates], dtype=object
        )

    def score(self, X: Any, y: Any, boxes: Any = None) -> float:
        """Exact plate accuracy: the fraction of photos whose best text is ``y``.

        Texts are compared by their letters and digits, upper case: a reading
        ``'AB123CD'`` of a plate labelled ``'ab-123-cd'`` is right.

        Parameters
        ----------
        X : sequence of images or file paths, or (n_samples, M, N[, C]) ndarray
            Photos.
        y : array-like of str, shape (n_samples,)
            The true plate texts.
        boxes : array-like of shape (n_samples, 4), optional
            Plate boxes, as in :meth:`read`.

        Returns
        -------
        score : float
        """
        items = as_image_sequence(X)
        truth = np.array(_plain_texts(_check_texts(y)), dtype=object)
        if len(truth) != len(items):
            # Checked before reading: one text would otherwise be broadcast
            # against every photo.
            msg = f"y must hold one text per photo ({len(items)}); got {len(truth)}."
            raise ValueError(msg)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PlateNotFoundWarning)
            predicted = np.array(_plain_texts(self.predict(items, boxes=boxes)))
        return float(np.mean(predicted == truth))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.target_tags.required = True
        return tags


def _mixed_readings(
    readings: Sequence[Sequence[tuple[Any, ...]]],
    ranks: Sequence[float],
    temperature: float,
    n_readings: int,
) -> tuple[list[tuple[str, float]], int]:
    """One plate's readings from those of the rows found for it.

    Parameters
    ----------
    readings : sequence of sequences of (text, probability, ...)
        Each row's readings, best first; the rows best ranked first.
    ranks : sequence of float
        Each row's rank (not finite: the row weighs nothing).
    temperature : float
        Each row's readings weigh ``exp(rank / temperature)`` (normalised);
        0 keeps the first row's readings only.
    n_readings : int
        Readings kept.

    Returns
    -------
    mixed : list of (str, float)
        The most probable texts, best first, a text's probability summed over
        the rows that read it (ties: the text met first).
    owner : int
        The row that gives the best text the most.
    """
    values = np.asarray(ranks, dtype=float)
    values = np.where(np.isfinite(values), values, -np.inf)
    if temperature == 0 or len(readings) == 1 or not np.isfinite(values).any():
        return [(str(t), float(p)) for t, p, *_ in readings[0][:n_readings]], 0
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        weights = np.exp((values - values.max()) / temperature)
    weights /= weights.sum()
    totals: dict[str, float] = {}
    owners: dict[str, tuple[float, int]] = {}
    for k, row in enumerate(readings):
        if weights[k] == 0:  # a row that weighs nothing lists nothing
            continue
        for text, probability, *_ in row:
            share = float(weights[k]) * float(probability)
            totals[text] = totals.get(text, 0.0) + share
            if text not in owners or share > owners[text][0]:
                owners[text] = (share, k)
    if not totals:
        return [], 0
    texts = sorted(totals, key=lambda text: -totals[text])[:n_readings]
    return [(str(text), totals[text]) for text in texts], owners[texts[0]][1]


def _tempered(
    readings: list[tuple[str, float]], temperature: float
) -> list[tuple[str, float]]:
    """``readings`` with their probabilities raised to ``1 / temperature`` and
    normalised. What the texts not listed have left counts as texts as
    probable as the least listed one (each is at most that), so that the
    readings still sum to at most 1 and, colder, the best one never loses; a
    lone reading keeps its probability. The order is kept. Listed
    probabilities summing to more than 1 (rounding) are scaled to 1 first;
    readings with a probability that is not a number are returned as given."""
    shares = np.array([p for _, p in readings], dtype=float)
    if temperature == 1 or not np.all(np.isfinite(shares)) or not np.any(shares > 0):
        return readings
    total = float(shares.sum())
    if total > 1.0:
        shares /= total
    power = 1.0 / temperature
    rest = max(0.0, 1.0 - total)
    least = float(shares[shares > 0].min())
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        logs = np.append(
            power * np.log(shares), np.log(rest) + (power - 1.0) * np.log(least)
        )
    top = logs.max()
    if not np.isfinite(top):  # a temperature too extreme to raise to
        return readings
    logs -= top  # in logs: a small temperature neither under- nor overflows
    tempered = np.exp(logs)
    tempered /= tempered.sum()
    return [(t, float(q)) for (t, _), q in zip(readings, tempered[:-1], strict=True)]


def _recognise(restorer: Any, tiles: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Character probabilities of the tiles, and their template costs (zeros
    for a recogniser without templates)."""
    if hasattr(restorer, "_proba_and_cost"):
        proba, cost = restorer._proba_and_cost(tiles)
        return proba, cost
    return restorer.predict_proba(tiles), np.zeros(len(tiles))


def _read_again(
    restorer: Any,
    views: dict[int, np.ndarray],
    keys: list[tuple[int, ...]],
    unsure: list[int],
    proba: np.ndarray,
) -> np.ndarray:
    """``proba`` with the rows ``unsure`` averaged with the probabilities of
    their tiles cut ``_SHIFTS`` off (a pixel left and right; a cut that would
    leave its view is not made). ``keys[t]`` is tile ``t``'s view (an id
    in ``views``), tilt and box."""
    tiles, owners = [], []
    for t in unsure:
        view = views[keys[t][0]]
        tilt = keys[t][1]
        x, y, w, h = keys[t][2:]
        for dx, dy in _SHIFTS:
            if (
                0 <= x + dx
                and x + dx + w <= view.shape[1]
                and 0 <= y + dy
                and y + dy + h <= view.shape[0]
            ):
                tiles.append(_cut_tile(view, (x + dx, y + dy, w, h), tilt))
                owners.append(t)
    if not tiles:
        return proba
    again, _ = _recognise(restorer, tiles)
    total = proba.copy()
    np.add.at(total, owners, again)
    return total / (1 + np.bincount(owners, minlength=len(proba)))[:, None]


def _picture(patch: np.ndarray) -> np.ndarray:
    """A mark's picture: ``patch`` resized to 16 x 8, less its mean, of norm 1
    (zeros for an empty or flat patch), flattened to 128 float32 values."""
    import cv2

    picture = np.zeros(128, np.float32)
    if patch.size:
        picture[:] = cv2.resize(
            np.asarray(patch, np.float32), (8, 16), interpolation=cv2.INTER_AREA
        ).ravel()
    picture -= picture.mean()
    norm = float(np.sqrt(picture @ picture))
    if norm > 1e-6:
        picture /= norm
    return picture


def _sameness(
    row: np.ndarray,
    view: np.ndarray,
    pictures: dict[tuple[int, ...], np.ndarray] | None = None,
) -> float:
    """How alike a row's neighbouring marks are: the mean correlation of each
    blob's picture (16 x 8) with the next one's, from -1 to 1.

    A plate's characters differ from their neighbours; the bars of a grille,
    the slats of a fence or a tread's blocks repeat one shape. ``pictures``
    keeps the blobs' pictures (normalised), by view and box, for other rows
    of the same marks.
    """
    if len(row) < 2:
        return 0.0
    stack = np.zeros((len(row), 128), np.float32)
    for picture, box in zip(stack, row.tolist(), strict=True):
        key = (id(view), *box)
        if pictures is not None and key in pictures:
            picture[:] = pictures[key]
            continue
        x, y, w, h = box
        picture[:] = _picture(
            view[max(y, 0) : max(y + h, 0), max(x, 0) : max(x + w, 0)]
        )
        if pictures is not None:
            pictures[key] = picture.copy()
    return float(np.mean(np.sum(stack[1:] * stack[:-1], axis=1)))


def _row_features(
    row: np.ndarray,
    view: np.ndarray,
    shape: tuple[int, ...],
    origin: tuple[int, int] = (0, 0),
    pictures: dict[tuple[int, ...], np.ndarray] | None = None,
) -> np.ndarray:
    """A candidate row's geometry and sameness, for the row verifier (length
    last). ``row`` is in ``view``'s pixels, ``view`` a part of a photo of
    ``shape`` whose top-left corner is at ``origin`` (x, y); ``pictures`` as
    :func:`_sameness` keeps them."""
    height = max(_median(row[:, 3]), 1.0)
    x, y, w, h = row_box(row)
    x, y = x + origin[0], y + origin[1]
    return np.array(
        [
            *row_spreads(row),
            _median(row[:, 2]) / height,
            np.log(height / shape[0]),
            (y + h / 2) / shape[0],
            (x + w / 2) / shape[1],
            _sameness(row, view, pictures),
            float(len(row)),
        ]
    )


def _rows_reduced(
    view: np.ndarray,
    scale: float,
    sizes: tuple[int, ...],
    heights: tuple[int, int],
    close_gaps: int | None = _CLOSE_GAPS,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The character rows of ``view`` found in it resized by ``scale`` (< 1:
    reduced, area-averaged), with their boxes in ``view``'s pixels (widened to
    whole pixels), as :func:`character_rows_in_tiers` gives them (usual,
    bridged); ``heights`` are in ``view``'s pixels."""
    import cv2

    def rows_in(image: np.ndarray, band: tuple[int, int]) -> Any:
        return character_rows_in_tiers(
            image, block_sizes=sizes, height_range=band, close_gaps=close_gaps
        )

    if scale >= 1.0:
        return rows_in(view, heights)
    size = (
        max(1, round(view.shape[1] * scale)),
        max(1, round(view.shape[0] * scale)),
    )
    small = cv2.resize(view, size, interpolation=cv2.INTER_AREA)
    low, high = (max(2, round(h * scale)) for h in heights)
    tiers = rows_in(small, (low, high))
    # Each axis by the scale its rounded size gives it (63 / 120 rows, not 0.52).
    sx, sy = size[0] / view.shape[1], size[1] / view.shape[0]
    back: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])
    for rows, out in zip(tiers, back, strict=True):
        for row in rows:
            x0 = np.floor(row[:, 0] / sx)
            y0 = np.floor(row[:, 1] / sy)
            x1 = np.minimum(np.ceil((row[:, 0] + row[:, 2]) / sx), view.shape[1])
            y1 = np.minimum(np.ceil((row[:, 1] + row[:, 3]) / sy), view.shape[0])
            out.append(np.column_stack([x0, y0, x1 - x0, y1 - y0]).astype(np.int64))
    return back


def _rank_terms(
    readings: list[Any], evidence: float, log_p: float, costs: np.ndarray, n_blobs: int
) -> tuple[float, ...]:
    """The terms a read row ranks by, in the order of ``_RANK_TERMS``: how well
    it reads (``evidence``), how much it looks like a plate's row (the verifier's
    ``log_p``), how sure its best reading is, how much the characters it reads
    look like the characters learned (their template ``costs``), how many it
    reads and how many of its ``n_blobs`` it leaves out."""
    return (
        float(evidence),
        float(log_p),
        float(np.log(max(readings[0][1], 1e-6))),
        float(costs.mean()),
        float(costs.max()),
        float(len(costs)),
        float(n_blobs - len(costs)),
    )


def _length_gap(n: float, lengths: list[int]) -> float:
    return float(min(abs(n - k) for k in lengths)) if lengths else 0.0


def _row_cost(row: np.ndarray, lengths: list[int]) -> float:
    """How unlike a plate a row is: its irregularity, and how far its length is
    from the patterns' (0.15 per missing or extra character)."""
    return row_irregularity(row) + 0.15 * _length_gap(len(row), lengths)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.all(a == b))


def _candidate_rows(
    row: np.ndarray, view: np.ndarray, extend: bool = True
) -> list[np.ndarray]:
    """The rows to read for a row found in ``view``: itself, mended where damage
    split or hid a character, and (``extend``) its pieces of characters widened
    to the whole character, its boxes of odd height set to the row's band (a
    character damage made short or tall), its boxes as wide as two characters
    cut in two, and a character longer at either end (one joined to the
    plate's frame). The recogniser's training tiles come from the first row as
    long as its text, among the row and the mended row (``extend=False``: a
    widened row is as long as the mended one before it, never taken); the
    verifier learns from all of them."""
    mended = regularise_row(row)
    rows = [row] if _same(row, mended) else [row, mended]
    if not extend:
        return rows
    widened = widen_narrow(mended, view)
    if widened is not None:
        rows.append(widened)
    conformed = conform_row(mended)
    if conformed is not None:
        rows.append(conformed)
    cut = split_wide(mended, view)
    if cut is not None:
        rows.append(cut)
    return rows + extend_row(mended, view)


def _training_one(
    item: Any,
    index: int,
    *,
    reader: PlateReader,
    texts: list[str],
    boxes: list[Any],
    ink: str,
) -> tuple[list[np.ndarray] | None, np.ndarray | None, np.ndarray | None, float | None]:
    """A training photo's character tiles, plate margins (given a box), verifier
    rows, and the height of the text's row (None: not found), with ``ink``.

    Without a box, the verifier's rows are labelled by the text's row itself:
    the plate is taken to be that row with the usual margins around it.
    """
    grey = _as_uint8_grey(item, index)
    text, box = texts[index], boxes[index]
    found = reader._training_row(grey, text, box, ink)
    if found is None:
        return None, None, _verifier_rows(reader, grey, box, ink), None
    return _row_results(reader, grey, *found, box, ink)


def _row_results(
    reader: PlateReader,
    grey: np.ndarray,
    row: np.ndarray,
    view: np.ndarray,
    box: Any,
    ink: str,
) -> tuple[list[np.ndarray], np.ndarray | None, np.ndarray | None, float]:
    """A training photo's results (:func:`_training_one`) once its text's row
    is found."""
    x, y, w, h = row_box(row)
    height = _median(row[:, 3])
    margin = None
    if box is None:
        left, top, right, bottom = _DEFAULT_MARGINS * height
        box = (x - left, y - top, w + left + right, h + top + bottom)
    else:
        bx, by, bw, bh = box
        margin = np.array([x - bx, y - by, bx + bw - (x + w), by + bh - (y + h)])
        margin = margin / height
    return _cut_tiles(view, row), margin, _verifier_rows(reader, grey, box, ink), height


def _other_row(
    item: Any,
    index: int,
    *,
    reader: PlateReader,
    texts: list[str],
    boxes: list[Any],
    ink: str,
    pictures: np.ndarray,
    labels: np.ndarray,
) -> tuple[Any, ...]:
    """A training photo's results (:func:`_training_one`) from its row as long
    as its text (:meth:`PlateReader._text_rows`) whose tiles are told best by
    ``pictures`` (of characters ``labels``, from the other photos), if at
    least ``_TOLD_ENOUGH`` of the time; all None otherwise. For a photo whose
    tallest such row is told too seldom (another row than the plate's, or the
    plate's cut wrong)."""
    grey = _as_uint8_grey(item, index)
    text, box = texts[index], boxes[index]
    best, best_told = None, _TOLD_ENOUGH
    for row, view in reader._text_rows(grey, text, box, ink):
        own = np.stack([_picture(tile) for tile in _cut_tiles(view, row)])
        nearest = np.argmax(own @ pictures.T, axis=1)
        told = float(np.mean(labels[nearest] == np.array(list(text))))
        if told >= best_told:
            best, best_told = (row, view), told
    if best is None:
        return None, None, None, None
    return _row_results(reader, grey, *best, box, ink)


def _either_way(
    dark: tuple[Any, ...], light: tuple[Any, ...], vote: str | None
) -> tuple[Any, ...]:
    """A training photo's results (:func:`_training_one`) when both polarities
    are looked for: the tiles and margins of the text row as its vote says
    (dark without a vote, as the taller row found when neither is told better),
    and the verifier rows of both, those of the other polarity all labelled as
    not the plate's (its marks in the plate's box are the gaps between
    the characters)."""
    if vote is None and dark[0] is None and light[0] is not None:
        vote = "light"
    elif vote is None and dark[0] is not None and light[0] is not None:
        vote = "light" if light[3] > dark[3] else "dark"
    chosen, other = (light, dark) if vote == "light" else (dark, light)
    tables = []
    if chosen[2] is not None:
        tables.append(chosen[2])
    if other[2] is not None:  # the last column says whether a row is the plate's
        tables.append(np.column_stack([other[2][:, :-1], np.zeros(len(other[2]))]))
    rows = np.vstack(tables) if tables else None
    return chosen[0], chosen[1], rows, chosen[3]


def _tile_pictures(
    cuts: Sequence[list[np.ndarray] | None], texts: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every tile of the photos cut: its photo's index, its character and its
    picture (:func:`_picture`), (n,), (n,) and (n, 128)."""
    photos, labels, stack = [], [], []
    for i, (cut, text) in enumerate(zip(cuts, texts, strict=True)):
        for tile, char in zip(cut or [], text, strict=False):
            photos.append(i)
            labels.append(char)
            stack.append(_picture(tile))
    pictures = np.stack(stack) if stack else np.empty((0, 128), np.float32)
    return np.asarray(photos, dtype=np.intp), np.asarray(labels), pictures


def _told_apart(
    cuts: Sequence[list[np.ndarray] | None], texts: list[str]
) -> np.ndarray:
    """How well each photo's tiles are told by the other photos' (-1: none
    cut): the share of its characters whose nearest tile in the other photos
    (the correlation of their pictures) bears the same character.

    The characters of a plate resemble the same characters on other plates;
    the marks between them (the light gaps between dark characters) do not.
    """
    scores = np.full(len(cuts), -1.0)
    photo, label, pictures = _tile_pictures(cuts, texts)
    if not len(photo):
        return scores
    right = np.zeros(len(photo), dtype=bool)
    for start in range(0, len(photo), _TOLD_CHUNK):  # memory bounded by chunks
        rows = slice(start, start + _TOLD_CHUNK)
        similar = pictures[rows] @ pictures.T
        similar[photo[rows, None] == photo[None, :]] = -np.inf  # not its own photo's
        nearest = np.argmax(similar, axis=1)
        found = np.isfinite(similar[np.arange(len(nearest)), nearest])
        right[rows] = (label[nearest] == label[rows]) & found
    for i in np.unique(photo).tolist():
        scores[i] = float(right[photo == i].mean())
    return scores


def _told_seldom(told: np.ndarray) -> np.ndarray:
    """Which training photos' text rows are told (:func:`_told_apart`) less
    than ``_TOLD_ENOUGH`` of the time: rows of the text's length elsewhere in
    the photo (a dealer's name, a sticker) or the plate's row cut wrong, whose
    tiles would each be labelled with a character they are not.

    None of them when most rows found are told less than that: then too few
    photos share characters to tell by (a few training photos).

    On the OpenALPR photos without their boxes, fold 1 of 5: of the US
    rows found in 177 training photos, 81 are told at least 0.35 of the time,
    all in the plate's box, and 75 less than 0.2, 7 of them in the box; of the
    BR rows (91 photos), 74 and 17, 1 in the box.
    """
    cut = told >= 0
    low = cut & (told < _TOLD_ENOUGH)
    if low.sum() >= 0.5 * cut.sum():
        return np.zeros(len(told), dtype=bool)
    return low


def _ink_votes(dark: np.ndarray, light: np.ndarray) -> list[str | None]:
    """Each photo's vote, from how well its text row's tiles are told
    (:func:`_told_apart`) found among dark marks and among light ones: the
    better told, if told at least ``_TOLD_ENOUGH`` of the time (None: neither,
    or a tie). A row told less is more likely another row than the plate's:
    without a box, one in ten US photos has a row of light marks as long as
    its text somewhere, whose tiles are told 0.14 to 0.33 of the time by
    chance, where plate rows are told 0.77 on average."""
    votes: list[str | None] = []
    for d, li in zip(dark.tolist(), light.tolist(), strict=True):
        if max(d, li) < _TOLD_ENOUGH or d == li:
            votes.append(None)
        else:
            votes.append("dark" if d > li else "light")
    return votes


def _learned_ink(votes: Sequence[str | None]) -> str:
    """The polarity of the training plates' characters from the photos' votes:
    a polarity with at most a tenth of the votes is left out ('dark' when no
    photo votes)."""
    n_dark, n_light = votes.count("dark"), votes.count("light")
    total = n_dark + n_light
    if n_light <= 0.1 * total:
        return "dark"
    if n_dark <= 0.1 * total:
        return "light"
    return "both"


def _verifier_rows(
    reader: PlateReader, grey: np.ndarray, box: Any, ink: str
) -> np.ndarray | None:
    """Features of the photo's candidate rows (found with ``ink``) and whether
    each is the plate's (its centre in the true box, its characters at least a
    quarter as tall)."""
    if box is None:
        return None
    bx, by, bw, bh = (float(v) for v in box)
    out = []
    pictures: dict[tuple[int, ...], np.ndarray] = {}
    for row, view in reader._rows(grey, ink):
        for candidate in _candidate_rows(row, view):
            x, y, w, h = row_box(candidate)
            cx, cy = x + w / 2, y + h / 2
            plate = (
                bx <= cx <= bx + bw
                and by <= cy <= by + bh
                and _median(candidate[:, 3]) >= 0.25 * bh
            )
            features = _row_features(candidate, view, grey.shape, pictures=pictures)
            out.append(np.append(features, plate))
    return np.asarray(out) if out else None


def _read_one(
    item: Any, index: int, *, reader: PlateReader, boxes: list[Any]
) -> tuple[list[PlateReading], str]:
    return reader._read_photo(_as_uint8_grey(item, index), boxes[index])
