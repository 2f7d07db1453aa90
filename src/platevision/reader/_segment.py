"""Find rows of character-like blobs in a photo: plate candidates and their characters.

A plate is found through its characters: dark blobs of character shape, of similar
height, side by side on one line. Adaptive thresholding at a few neighbourhood sizes
finds the blobs whatever the lighting; a union-find joins neighbours into rows.

Ink is a pixel darker than its neighbourhood's mean by a share of the
neighbourhood's standard deviation (Niblack's rule), so that faint characters on a
dull, dirty or badly lit plate are found as well as crisp ones: a fixed margin of
grey levels misses them.

A plate's frame, border or a sticker edge often touches its characters and joins
them into one blob of no character's shape. Each neighbourhood size but the
largest therefore looks a second time, with the long straight lines of ink taken
out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "CharacterRow",
    "character_rows_in_tiers",
    "conform_row",
    "extend_row",
    "find_character_rows",
    "regularise_row",
    "row_box",
    "row_irregularity",
    "row_spreads",
    "widen_narrow",
]

#: A row: (n, 4) int array of character boxes (x, y, width, height), left to right.
CharacterRow = np.ndarray

#: Widest gap between neighbouring characters of a row, in heights of the taller.
_USUAL_GAP = 1.2
#: Widest gaps in the ink closed for the row finder's second look at it.
_CLOSE_GAPS = 2
#: Steps between character centres up to this many median widths are a
#: row's pitch; a plate's characters step 1.0 to 1.4 widths, and its
#: separators and lost characters 1.8 and more (OpenALPR US and BR photos).
_CLOSE_STEP = 1.6
#: Most characters filled at the pitch of the close steps: damage loses one or
#: two, and a row of scattered marks would be filled with many.
_MOST_FILLED = 2
#: Rows tilted by at least this many degrees are levelled (their spreads
#: measured along their line, their characters cut upright); up to the
#: second: a steeper line of blobs is not a plate's writing.
STRAIGHTEN_FROM = 3.0
STRAIGHTEN_UP_TO = 20.0


def _ink(
    image: tuple[np.ndarray, np.ndarray, np.ndarray],
    block: int,
    offset: float,
    contrast: float,
) -> np.ndarray:
    """Pixels darker than their window's mean by ``max(offset, contrast * std)``.

    ``image`` is the grey uint8 image, the same as float32, and its squares as
    uint16 (see :func:`_image_planes`). The window sums of the image and its
    square are OpenCV's box sums, exact whatever the order of addition
    (integers below 2^24 in float32, else int32; squares below 2^31 in int32,
    else float64: OpenCV's own sqrBoxFilter of uint8 overflows there), so every
    platform finds the same ink. Borders are replicated.
    """
    import cv2

    grey, grey_f, squares = image
    size, n = (block, block), float(block * block)
    border = cv2.BORDER_REPLICATE
    if block * block * 255 < 2**24:
        mean = cv2.boxFilter(grey, cv2.CV_32F, size, normalize=False, borderType=border)
    else:  # a window too large for float32 sums to be exact
        total = cv2.boxFilter(
            grey, cv2.CV_32S, size, normalize=False, borderType=border
        )
        mean = total.astype(np.float32)
    if block * block * 255**2 < 2**31:
        total_sq = cv2.boxFilter(
            squares, cv2.CV_32S, size, normalize=False, borderType=border
        )
    else:  # a window too large for int32 sums (sqrBoxFilter's too overflow)
        total_sq = cv2.boxFilter(
            squares.astype(np.float64),
            cv2.CV_64F,
            size,
            normalize=False,
            borderType=border,
        )
    # Darker by d: ink when d > offset and d^2 > contrast^2 * variance
    # (elementwise float32: exactly rounded, the same on every platform). The
    # arithmetic is in place: these are whole photos.
    np.divide(mean, np.float32(n), out=mean)
    variance = (total_sq / n).astype(np.float32)
    variance -= mean * mean
    variance *= np.float32(contrast**2)
    darker = np.subtract(mean, grey_f, out=mean)
    ink = darker > offset
    ink &= np.multiply(darker, darker, out=darker) > variance
    return ink


def _image_planes(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A grey uint8 image, as float32, and its squares (uint16): what
    :func:`_ink` needs, made once for every neighbourhood size."""
    squares = grey.astype(np.uint16)
    squares *= squares  # at most 255^2 = 65025
    return grey, grey.astype(np.float32), squares


def _character_blobs(ink: np.ndarray, height_range: tuple[int, int]) -> np.ndarray:
    import cv2

    binary = ink.astype(np.uint8)
    # Block-based labelling (BBDT): the same components as the default, faster.
    _, _, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(
        binary, 8, cv2.CV_32S, cv2.CCL_BBDT
    )
    x, y, w, h, area = stats[1:].T
    low, high = height_range
    keep = (
        (h >= low)
        & (h <= high)
        & (h >= 1.1 * w)
        & (h <= 8 * w)
        & (area >= 0.12 * w * h)
        & (area <= 0.95 * w * h)
    )
    return stats[1:, :4][keep].astype(np.int64)


def _wide_gaps(row: CharacterRow) -> int:
    """How many gaps between neighbouring characters of a row are wider than
    the usual gap (``_USUAL_GAP`` heights of the taller)."""
    x, _, w, h = row.T
    gaps = x[1:] - (x[:-1] + w[:-1])
    return int(np.sum(gaps > _USUAL_GAP * np.maximum(h[1:], h[:-1])))


def _join_rows(
    blobs: np.ndarray, min_length: int, max_gaps: Sequence[float] = (_USUAL_GAP,)
) -> list[list[CharacterRow]]:
    """Join neighbouring blobs of similar height on one line into rows, for
    each of ``max_gaps`` (the widest gap, in heights of the taller blob): one
    list of rows per gap. Across a gap wider than ``_USUAL_GAP`` (what
    :func:`_wide_gaps` counts between neighbours), the two blobs must match
    closely: heights within 15 %, centres within 0.15 heights."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(blobs)
    if n < min_length or not max_gaps:
        return [[] for _ in max_gaps]
    x, y, w, h = blobs.T.astype(float)
    centre = y + h / 2
    # Candidate pairs (i, j): j starts right of i (or at the same x, after it),
    # no further than the widest gap allowed (the widest max_gap heights of the
    # taller, which is at most 1.3 times i's height). Sorted by x, they are a
    # run after i.
    widest = max(max_gaps)
    order = np.argsort(x, kind="stable")
    rank = np.empty(n, dtype=np.intp)
    rank[order] = np.arange(n)
    stop = np.searchsorted(x[order], x + w + 1.3 * widest * h + 1, side="right")
    counts = np.maximum(stop - rank - 1, 0)
    i = np.repeat(np.arange(n), counts)
    first = np.repeat(rank + 1 - np.cumsum(counts) + counts, counts)
    j = order[first + np.arange(len(i))]
    gap = x[j] - (x[i] + w[i])
    high = np.maximum(h[i], h[j])
    low = np.minimum(h[i], h[j])
    aligned = gap >= -0.3 * np.minimum(w[i], w[j])  # not a blob in a blob
    aligned &= high <= 1.3 * low
    aligned &= np.abs(centre[i] - centre[j]) <= 0.3 * high
    # Across a gap wider than the usual, the two must match closely: a plate's
    # characters share their height and line, the marks of clutter seldom do.
    wide = gap > _USUAL_GAP * high
    aligned &= ~wide | (
        (high <= 1.15 * low) & (np.abs(centre[i] - centre[j]) <= 0.15 * high)
    )
    out = []
    for max_gap in max_gaps:
        near = aligned & (gap <= max_gap * high)
        rows_i, rows_j = i[near], j[near]
        graph = coo_matrix((np.ones(len(rows_i)), (rows_i, rows_j)), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        rows = []
        for label in np.flatnonzero(np.bincount(labels) >= min_length):
            row = blobs[labels == label]
            rows.append(row[np.argsort(row[:, 0], kind="stable")])
        out.append(rows)
    return out


def _median(values: Sequence[float] | np.ndarray) -> float:
    """The median of a few numbers, as ``np.median`` gives it, without its
    overhead (rows have a handful of characters and are measured often)."""
    ordered = sorted(np.asarray(values).ravel().tolist())
    if not ordered:
        return float("nan")
    half = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[half])
    return (ordered[half - 1] + ordered[half]) / 2


def row_box(row: CharacterRow) -> tuple[int, int, int, int]:
    """The box ``(x, y, width, height)`` around a row's characters."""
    x0, y0 = row[:, 0].min(), row[:, 1].min()
    x1, y1 = (row[:, 0] + row[:, 2]).max(), (row[:, 1] + row[:, 3]).max()
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


def row_tilt(row: CharacterRow) -> float:
    """The tilt of a row's line of characters, in degrees (positive: the row
    falls to the right, as image rows count down).

    The median slope between the centres of every pair of characters (the
    Theil-Sen estimate), so that one box off the line (a mark, a box mended
    in) does not tilt the row. Rows of fewer than 3 characters have none: 0.
    """
    if len(row) < 3:
        return 0.0
    # In plain Python: rows are short and many, numpy's overhead would cost
    # more than the arithmetic (the same slopes and median, bit for bit).
    boxes = row.tolist()
    cx = [x + w / 2.0 for x, _, w, _ in boxes]
    cy = [y + h / 2.0 for _, y, _, h in boxes]
    slopes = [
        (cy[j] - cy[i]) / (cx[j] - cx[i])
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
        if cx[j] > cx[i]
    ]
    if not slopes:
        return 0.0
    return float(np.degrees(np.arctan(_median(slopes))))


def level_tilt(row: CharacterRow) -> float:
    """The tilt a row is levelled by: its :func:`row_tilt` to the nearest
    degree, or 0 below ``STRAIGHTEN_FROM`` degrees (level enough as it is)
    and beyond ``STRAIGHTEN_UP_TO`` (not a line of writing to level)."""
    tilt = float(np.round(row_tilt(row)))
    return tilt if STRAIGHTEN_FROM <= abs(tilt) <= STRAIGHTEN_UP_TO else 0.0


def row_spreads(row: CharacterRow) -> tuple[float, float, float, float, float]:
    """Spreads of a row's characters, and its pitch in character heights.

    The standard deviations of the characters' heights, tops and bottoms
    relative to their median height, of the distances between their centres
    relative to the median distance (the pitch), and the pitch over the median
    height. Tops and bottoms are measured from the row's line when it is
    tilted (:func:`level_tilt`): a tilted plate is as regular as a level one.
    """
    heights = row[:, 3].astype(float)
    height = max(_median(heights), 1.0)
    tops = row[:, 1].astype(float)
    centres = row[:, 0] + row[:, 2] / 2.0
    tilt = level_tilt(row)
    if tilt:  # tops and bottoms about the row's line, not a level one
        tops = tops - np.tan(np.radians(tilt)) * centres
    steps = np.diff(centres) if len(row) > 1 else np.array([height])
    pitch = max(_median(steps), 1.0)
    return (
        float(np.std(heights)) / height,
        float(np.std(tops)) / height,
        float(np.std(tops + heights)) / height,
        float(np.std(steps)) / pitch,
        pitch / height,
    )


def row_irregularity(row: CharacterRow) -> float:
    """How little a row looks like printed characters: 0 for a perfect row.

    The sum of the spreads of :func:`row_spreads` (heights, tops, bottoms and
    spacing). A plate's characters share a height and a baseline and are
    evenly spaced; a row of leaves, grille bars or letters of a slogan rarely are.
    """
    return float(sum(row_spreads(row)[:4]))


def _without_lines(ink: np.ndarray, length: int) -> np.ndarray:
    """The ink without its long horizontal and vertical lines.

    A line is a connected piece of the horizontal (or vertical) runs of ink at
    least ``length`` pixels long (rounded up to odd) that spans twice ``length``
    or more in that direction: a frame or border is long, a character's own bar
    or stem (which may have such runs too) is not, and is kept.
    """
    import cv2

    # An odd length: OpenCV's opening with an even kernel shifts by a pixel.
    length += 1 - length % 2
    binary = ink.astype(np.uint8)
    height, width = ink.shape
    lines = np.zeros(ink.shape, dtype=bool)
    for kernel, side in (
        ((1, length), cv2.CC_STAT_WIDTH),
        ((length, 1), cv2.CC_STAT_HEIGHT),
    ):
        runs = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones(kernel, np.uint8))
        # The pieces' extents, measured at half the size (a quarter of the
        # labelling's time; a pixel either way does not matter against 2 * length):
        # a 2x2 maximum, every second pixel. Half of 2 * length is length.
        half = np.ascontiguousarray(
            cv2.dilate(runs, np.ones((2, 2), np.uint8), anchor=(0, 0))[::2, ::2]
        )
        _, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(
            half, 8, cv2.CV_32S, cv2.CCL_BBDT
        )
        long = stats[:, side] >= length
        long[0] = False
        if long.any():
            small = long[labels].view(np.uint8)
            full = cv2.resize(
                small,
                (2 * small.shape[1], 2 * small.shape[0]),
                interpolation=cv2.INTER_NEAREST,
            )
            lines |= (full[:height, :width] > 0) & (runs > 0)
    return ink & ~lines


def _closed(ink: np.ndarray, gap: int) -> np.ndarray:
    """The ink with its gaps up to ``gap`` pixels wide closed (a closing by a
    square ``gap + 1`` pixels wide)."""
    import cv2

    kernel = np.ones((gap + 1, gap + 1), np.uint8)
    return cv2.morphologyEx(ink.view(np.uint8), cv2.MORPH_CLOSE, kernel).view(bool)


def _same_row(a: CharacterRow, b: CharacterRow) -> bool:
    if len(a) != len(b):
        return False
    return bool(np.abs(a - b).max() <= max(2, 0.1 * _median(a[:, 3])))


def find_character_rows(grey: np.ndarray, **options: Any) -> list[CharacterRow]:
    """The rows of :func:`character_rows_in_tiers` in one list, those joined
    across the usual gaps first.

    Parameters
    ----------
    grey : (M, N) ndarray of uint8
        The photo, dark ink on a lighter plate.
    **options
        Keywords of :func:`character_rows_in_tiers` (``block_sizes``,
        ``offset``, ``contrast``, ``height_range``, ``min_length``,
        ``line_length``, ``downscale_from``, ``bridge``, ``close_gaps``).

    Returns
    -------
    rows : list of (n, 4) ndarray of int
        Each row's character boxes ``(x, y, width, height)``, left to right.
    """
    usual, bridged = character_rows_in_tiers(grey, **options)
    return usual + bridged


def character_rows_in_tiers(
    grey: np.ndarray,
    *,
    block_sizes: Sequence[int] = (9, 15, 25, 51),
    offset: float = 3.0,
    contrast: float = 0.3,
    height_range: tuple[int, int] = (8, 200),
    min_length: int = 4,
    line_length: float | None = 1.5,
    downscale_from: int | None = 41,
    bridge: float | None = 2.0,
    close_gaps: int | None = _CLOSE_GAPS,
) -> tuple[list[CharacterRow], list[CharacterRow]]:
    """Rows of dark character-like blobs in a grey uint8 image, duplicates
    removed: those joined across the usual gaps, and those only across a bridge.

    Parameters
    ----------
    grey : (M, N) ndarray of uint8
        The photo, dark ink on a lighter plate.
    block_sizes : sequence of odd int, default=(9, 15, 25, 51)
        Neighbourhood sizes of the adaptive threshold, in pixels; each finds its own
        rows (small ones suit small plates).
    offset : float, default=3
        How much darker than its neighbourhood's mean ink is at least, in grey
        levels of 255.
    contrast : float, default=0.3
        How much darker ink is in standard deviations of its neighbourhood (when
        that is more than ``offset``).
    height_range : (int, int), default=(8, 200)
        Heights of the characters looked for, in pixels.
    min_length : int, default=4
        Fewest characters in a row.
    line_length : float or None, default=1.5
        Each neighbourhood size but the largest also looks for rows with the
        straight lines of ink (horizontal or vertical runs at least
        ``line_length`` times the neighbourhood size long, joined into a line
        twice as long) taken out, which frees characters that a frame or
        border touches; a character's own stems and bars stay. The largest looks
        once: it finds the largest characters, whose strokes are as long as
        its lines (on the OpenALPR US photos a second look there finds 1 more
        plate of 222, for a labelling of the whole photo more). None looks
        once at every size.
    downscale_from : int or None, default=41
        Neighbourhood sizes at least this large look at a photo at least 8 such
        neighbourhoods high and wide at half its size, with half the
        neighbourhood (rounded to odd), and the boxes they find are scaled
        back: large characters are as well found there, in a quarter of the
        time, and a scratch or chip a pixel or two wide cuts them apart less
        often (on the OpenALPR photos, the same fitted readers with (9, 15, 25,
        51): clean plates read the same or one better, broken BR plates 74 -> 77
        of 114 exact). A smaller image (a plate's crop, where the boxes' last
        pixel counts: given the true box, 2 fewer US plates read right at half
        size) is looked at at full size. None looks at full size only.
    bridge : float or None, default=2.0
        Blobs are also joined into rows across gaps of up to ``bridge``
        character heights (wider than the usual 1.2 only between blobs of
        heights within 15% on one line), and the rows found only so, with one
        or two such wide gaps, are added after the others: a character lost
        to damage leaves such a gap, and next to a plate's separator (a dot, a
        dash, a wider space) it breaks the plate's row into pieces too short
        to be rows. None (or a value up to 1.2) joins across the usual gaps
        only.
    close_gaps : int or None, default=2
        Each neighbourhood size also looks at its ink with the gaps up to this
        many pixels wide closed (a morphological closing): a scratch or crack
        a pixel or two wide that cuts a character into pieces, none of them a
        character's shape, leaves them one blob again. The characters of a
        plate stand further apart than that, so the first look finds them
        apart. None (or 0) does not look again.

    Returns
    -------
    usual, bridged : list of (n, 4) ndarray of int
        Each row's character boxes ``(x, y, width, height)``, left to right:
        the rows joined across the usual gaps, and those found only across a
        bridge. A caller that keeps only some rows keeps the usual ones first:
        most bridged rows are marks of a photo's clutter.
    """
    import cv2

    rows: list[CharacterRow] = []
    bridged: list[CharacterRow] = []
    grey = np.ascontiguousarray(grey, dtype=np.uint8)
    full = _image_planes(grey)
    half = None
    for block_size in block_sizes:
        image, scale, block = full, 1, int(block_size)
        if (
            downscale_from is not None
            and block >= downscale_from
            and min(grey.shape) >= 8 * block
        ):
            if half is None:
                size = (max(1, grey.shape[1] // 2), max(1, grey.shape[0] // 2))
                small = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
                half = _image_planes(small)
            image, scale, block = half, 2, max(3, (block // 2) | 1)
        heights = (max(1, height_range[0] // scale), height_range[1] // scale)
        ink = _ink(image, block, offset, contrast)
        inks = [ink]
        if line_length is not None and block_size < max(block_sizes):
            inks.append(_without_lines(ink, max(2, round(line_length * block))))
        if close_gaps:
            inks.append(_closed(ink, close_gaps))
        for view in inks:
            blobs = _character_blobs(view, heights) * scale
            gaps = [_USUAL_GAP]
            if bridge is not None and bridge > _USUAL_GAP:
                gaps.append(float(bridge))
            usual, *wide = _join_rows(blobs, min_length, gaps)
            for row in usual:
                if not any(_same_row(row, seen) for seen in rows):
                    rows.append(row)
            for row in wide[0] if wide else []:
                if 1 <= _wide_gaps(row) <= 2 and not any(
                    _same_row(row, seen) for seen in rows + bridged
                ):
                    bridged.append(row)
    # A row bridged at one neighbourhood size may be found across the usual
    # gaps at a later one (its blobs a pixel taller): it is usual.
    bridged = [row for row in bridged if not any(_same_row(row, u) for u in rows)]
    return rows, bridged


def regularise_row(row: CharacterRow) -> CharacterRow:
    """Mend a row broken by damage: merge split characters, fill missing ones.

    A chipped or scratched character may fall apart into pieces, and a hidden or
    faded one may vanish from the blobs. Neighbours that together are no wider
    than a character are merged; a gap of ``k - 0.25`` pitches or more gets
    ``k - 1`` boxes of the median character size at the missing places, so the
    reader reads them (as damaged characters) instead of losing the plate.

    The pitch is the median step between neighbouring centres of at most 1.6
    median widths (a plate's characters step 1.0 to 1.4 widths; its
    separators and lost characters 1.8 and more), when that fills at most 2
    characters: the median of all steps is a separator's when a short row
    has lost a character beside one (``FB5X8T`` with its ``8`` lost: steps
    of 9.5, 9, 16 and 18.5 pixels, characters 8 wide). Otherwise (no
    such step, or more to fill: a row of scattered marks) it is the median of
    all steps. On the OpenALPR photos, the same fitted readers of 5 folds:
    broken US plates exact 97 -> 102 of 222 end to end and 89 -> 100 given
    the true box, top 5 118 -> 124 and 118 -> 129; broken BR plates exact
    90 -> 91 and 86 -> 90 of 114; clean US plates exact 136 -> 133 end to end.
    """
    if len(row) < 3:
        return row
    boxes = [list(map(int, box)) for box in row]
    width = _median(row[:, 2])
    merged = [boxes[0]]
    for box in boxes[1:]:
        last = merged[-1]
        right = max(last[0] + last[2], box[0] + box[2])
        if (
            right - last[0] <= 1.15 * width
            and box[0] - (last[0] + last[2]) < 0.3 * width
        ):
            top = min(last[1], box[1])
            bottom = max(last[1] + last[3], box[1] + box[3])
            merged[-1] = [last[0], top, right - last[0], bottom - top]
        else:
            merged.append(box)
    centres = np.array([b[0] + b[2] / 2 for b in merged])
    if len(centres) < 3:
        return np.asarray(merged, dtype=np.int64)
    steps = np.diff(centres)
    width = _median([b[2] for b in merged])
    pitch = _median(steps)
    close = steps[steps <= _CLOSE_STEP * width]
    fine = _median(close) if close.size else 0.0
    if (
        fine > 0
        and np.maximum(np.floor(steps / fine + 0.25) - 1, 0).sum() <= _MOST_FILLED
    ):
        pitch = fine
    height = _median([b[3] for b in merged])
    filled = [merged[0]]
    for box, step, centre in zip(merged[1:], steps, centres[:-1], strict=True):
        missing = int(np.floor(step / pitch + 0.25)) - 1 if pitch > 0 else 0
        for k in range(1, missing + 1):
            cx = centre + k * step / (missing + 1)
            cy = (filled[-1][1] + filled[-1][3] / 2 + box[1] + box[3] / 2) / 2
            filled.append(
                [
                    int(round(cx - width / 2)),
                    int(round(cy - height / 2)),
                    int(round(width)),
                    int(round(height)),
                ]
            )
        filled.append(box)
    return np.asarray(filled, dtype=np.int64)


def widen_narrow(
    row: CharacterRow,
    grey: np.ndarray,
    narrow: float = 0.7,
    min_ink: float = 0.2,
) -> CharacterRow | None:
    """The row with each narrow character's box grown over the ink of its cell.

    A scratch or chip across a character can cut it in two; the row then holds
    only the piece that still looks like a character (the stem of a ``P``, the
    left half of an ``N``), which reads as another character. Each box narrower
    than ``narrow`` times the row's median width is grown, left and right, over
    the columns of its cell (as far as a median character width from its
    edges, never into a neighbour) that hold ink: at least ``min_ink`` of the
    row's character height darker than halfway between the row's ink and
    plate. A box is grown only to at most 1.15 median widths (as
    :func:`regularise_row` merges pieces): more is a character touching dirt
    or a bolt. A character that is narrow in print (a ``1``, an ``I``) has
    plate beside it, and keeps its box; a dot or a bolt between characters is
    too short to count.

    Parameters
    ----------
    row : (n, 4) ndarray of int
        Character boxes ``(x, y, width, height)``, left to right.
    grey : (M, N) ndarray of uint8
        The image the row was found in, ink dark.
    narrow : float, default=0.7
        Boxes narrower than this share of the median width are looked at.
    min_ink : float, default=0.2
        Least ink in a column, as a share of the row's character height.

    Returns
    -------
    row : (n, 4) ndarray of int or None
        The row with its narrow boxes grown, or None when none grew (a row
        of fewer than 3 characters has no width to go by, and a band with
        less than 8 grey levels between ink and plate is not looked at).
    """
    if len(row) < 3:
        return None
    width = _median(row[:, 2])
    thin = np.flatnonzero(row[:, 2] < narrow * width)
    if thin.size == 0:
        return None
    x0, y0, w, h = row_box(row)
    band = grey[max(y0, 0) : max(y0 + h, 0), max(x0, 0) : max(x0 + w, 0)]
    if band.size == 0:
        return None
    ink_level, plate_level = np.percentile(band, (5, 95))
    if plate_level - ink_level < 8:  # no contrast to tell ink from plate
        return None
    threshold = (ink_level + plate_level) / 2.0
    top = int(round(_median(row[:, 1])))
    bottom = int(round(_median(row[:, 1] + row[:, 3])))
    least = max(2, int(np.ceil(min_ink * (bottom - top))))
    grown = row.copy()
    changed = False
    for i in thin.tolist():
        bx, by, bw, bh = (int(v) for v in row[i])
        left = bx + bw - int(round(width))
        right = bx + int(round(width))
        if i > 0:
            left = max(left, int(row[i - 1, 0] + row[i - 1, 2]) + 1)
        if i < len(row) - 1:
            right = min(right, int(row[i + 1, 0]) - 1)
        left, right = max(left, 0), min(right, grey.shape[1])
        y_top, y_bottom = max(min(by, top), 0), min(max(by + bh, bottom), grey.shape[0])
        if right <= left or y_bottom <= y_top:
            continue
        counts = (grey[y_top:y_bottom, left:right] < threshold).sum(axis=0)
        inked = np.flatnonzero(counts >= least) + left
        # Grow over inked columns joined to the box, across gaps of a few
        # blank columns (a scratch's width).
        gap = max(2, int(round(0.15 * width)))
        start, stop = bx, bx + bw
        for column in inked[inked < bx][::-1].tolist():
            if start - column - 1 > gap:
                break
            start = column
        for column in inked[inked >= bx + bw].tolist():
            if column - stop > gap:
                break
            stop = column + 1
        if bw < stop - start <= 1.15 * width:  # no wider than a character
            grown[i, 0], grown[i, 2] = start, stop - start
            changed = True
    return grown if changed else None


def _band_line(centres: np.ndarray, edges: np.ndarray) -> tuple[float, float]:
    """Slope and intercept of the least-squares line through ``edges`` at
    ``centres`` (a flat line at their median when they do not spread)."""
    if len(centres) >= 2 and np.ptp(centres) > 0:
        slope, intercept = np.polyfit(centres, edges, 1)
        return float(slope), float(intercept)
    return 0.0, _median(edges)


def conform_row(row: CharacterRow, tolerance: float = 0.15) -> CharacterRow | None:
    """The row with each box of odd height set to the row's band.

    A plate's characters share one top line and one bottom line. Damage
    changes a character's blob, not its cell: a chip or a background-coloured
    occluder takes ink off its top or bottom and the blob comes out short,
    dirt or a scratch of ink adds some and it comes out tall. A tile cut to
    such a blob is a complete-looking, different glyph (the top of an ``E``
    reads ``F``), whereas the recogniser reads damage inside a whole cell.
    Each box whose height differs from the row's median by more than
    ``tolerance`` of it is set, at its centre, between the lines fitted
    (least squares) through the tops and the bottoms of the other boxes, so
    that a tilted row keeps its tilt. Its width and place are kept. Whether
    the row reads better so is the reader's to say: the row is read both ways.

    Parameters
    ----------
    row : (n, 4) ndarray of int
        Character boxes ``(x, y, width, height)``, left to right.
    tolerance : float, default=0.15
        Heights within this share of the median are the row's own.

    Returns
    -------
    row : (n, 4) ndarray of int or None
        The row with its odd boxes set to the band, or None when none was
        (a row of fewer than 3 characters has no band to go by, and a band
        less than 2 pixels high at a box, or one that misses its box, is left
        alone).
    """
    if len(row) < 3:
        return None
    height = _median(row[:, 3])
    odd = np.abs(row[:, 3] - height) > tolerance * height
    if not odd.any() or odd.all():
        return None
    centres = row[:, 0] + row[:, 2] / 2.0
    tops = _band_line(centres[~odd], row[~odd, 1].astype(float))
    bottoms = _band_line(centres[~odd], (row[~odd, 1] + row[~odd, 3]).astype(float))
    conformed = row.copy()
    changed = False
    for i in np.flatnonzero(odd).tolist():
        top = int(round(tops[0] * centres[i] + tops[1]))
        bottom = int(round(bottoms[0] * centres[i] + bottoms[1]))
        y, h = int(row[i, 1]), int(row[i, 3])
        # A band that misses the blob (lines fitted through a few boxes of a
        # clutter row can slope anywhere) is no cell of the blob's.
        if bottom - top < 2 or bottom <= y or top >= y + h:
            continue
        if (top, bottom - top) != (y, h):
            conformed[i, 1], conformed[i, 3] = top, bottom - top
            changed = True
    return conformed if changed else None


def split_wide(
    row: CharacterRow, grey: np.ndarray, wide: float = 1.5
) -> CharacterRow | None:
    """The row with each box as wide as two characters cut in two.

    Two characters that touch (printed close, bled together by blur or dirt,
    joined by a scratch) make one blob; when they are narrow the blob still
    has a character's shape and the row comes out a character short, the pair
    read as one (``62`` read ``N``). Each box at least ``wide`` times the
    row's median width is cut at its column with the least ink in its middle
    third. Whether the two halves are characters is the reader's to say: the
    row is read both ways.

    Parameters
    ----------
    row : (n, 4) ndarray of int
        Character boxes ``(x, y, width, height)``, left to right.
    grey : (M, N) ndarray of uint8
        The image the row was found in, ink dark.
    wide : float, default=1.5
        Boxes at least this share of the median width are cut.

    Returns
    -------
    row : (m, 4) ndarray of int or None
        The row with its wide boxes cut (m > n), or None when none was cut
        (a row of fewer than 3 characters has no width to go by; a box of 2
        pixels or less is not cut).
    """
    if len(row) < 3:
        return None
    width = _median(row[:, 2])
    if not np.any(row[:, 2] >= wide * width):
        return None
    boxes, changed = [], False
    for box in row.tolist():
        bx, by, bw, bh = box
        if bw < wide * width:
            boxes.append(box)
            continue
        third = max(1, bw // 3)
        left, right = bx + third, bx + bw - third
        cell = grey[max(by, 0) : max(by + bh, 0), max(left, 0) : max(right, 0)]
        cut = bx + bw // 2
        if cell.size:
            # The lightest column: the least ink between the two characters.
            cut = max(left, 0) + int(np.argmax(cell.sum(axis=0, dtype=np.int64)))
        if not bx < cut < bx + bw:  # too narrow to cut
            boxes.append(box)
            continue
        changed = True
        boxes.append([bx, by, cut - bx, bh])
        boxes.append([cut, by, bx + bw - cut, bh])
    return np.asarray(boxes, dtype=row.dtype) if changed else None


def extend_row(
    row: CharacterRow, grey: np.ndarray, min_contrast: float = 0.5
) -> list[CharacterRow]:
    """The row with one more character at its left end, and at its right end.

    A character at the end of a row often touches the plate's frame or border
    from the side and is joined to it: no blob of a character's shape, and the
    row comes out a character short. One pitch (the median distance between
    character centres) beyond each end, a box of the median character width
    and the end character's height is added where it lies in the image and its
    grey levels vary at least ``min_contrast`` times as much (standard
    deviation) as the end character's own: something is printed there. Whether
    it is a character is the reader's to say (a blob it does not read costs the
    row evidence).

    Parameters
    ----------
    row : (n, 4) ndarray of int
        Character boxes ``(x, y, width, height)``, left to right.
    grey : (M, N) ndarray
        The image the row was found in.
    min_contrast : float, default=0.5
        Least contrast of the added box, relative to the end character's.

    Returns
    -------
    rows : list of (n + 1, 4) ndarray of int
        Up to two rows, each one box longer: the row with a box added at its
        left end, and the row with a box added at its right end, in that order
        (a row that lost characters at both ends is not mended here).
    """
    if len(row) < 3:
        return []
    width = int(round(_median(row[:, 2])))
    centres = row[:, 0] + row[:, 2] / 2.0
    pitch = _median(np.diff(centres))
    extended = []
    for end, side in ((0, -1), (len(row) - 1, 1)):
        ex, y, ew, h = (int(v) for v in row[end])
        x = int(round(centres[end] + side * pitch - width / 2.0))
        if x < 0 or y < 0 or x + width > grey.shape[1] or y + h > grey.shape[0]:
            continue
        own = float(np.std(grey[y : y + h, ex : ex + ew]))
        cell = float(np.std(grey[y : y + h, x : x + width]))
        if own > 0 and cell >= min_contrast * own:
            box = np.array([[x, y, width, h]], dtype=row.dtype)
            extended.append(
                np.concatenate([box, row]) if side < 0 else np.concatenate([row, box])
            )
    return extended
