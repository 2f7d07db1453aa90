"""Finding rows of characters: the second look without long ink lines."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from platevision.datasets import make_plates
from platevision.reader._reader import _as_uint8_grey
from platevision.reader._segment import (
    find_character_rows,
    level_tilt,
    row_spreads,
    row_tilt,
)


def _framed_plate():
    """A synthetic plate photo, and the same with a thin frame touching the tops
    and bottoms of its characters (what a plate holder often does)."""
    import cv2

    photo = make_plates(1, pattern="LLLDDDD", random_state=3).images[0]
    grey = _as_uint8_grey(photo, 0)
    (row,) = [r for r in find_character_rows(grey) if len(r) == 7]
    top, bottom = int(row[:, 1].min()), int((row[:, 1] + row[:, 3]).max()) - 1
    left, right = int(row[:, 0].min()) - 6, int((row[:, 0] + row[:, 2]).max()) + 6
    framed = grey.copy()
    cv2.rectangle(framed, (left, top), (right, bottom), int(np.percentile(grey, 1)), 1)
    return grey, framed, row


def test_characters_touching_a_frame_are_found_once_its_lines_are_taken_out():
    grey, framed, row = _framed_plate()
    # The frame joins the characters into one blob: no row of 7 at first look.
    assert all(len(r) != 7 for r in find_character_rows(framed, line_length=None))
    rows = [r for r in find_character_rows(framed) if len(r) == 7]
    assert rows
    # The characters found are the plate's, within the frame's pixel.
    np.testing.assert_allclose(rows[0][:, 0], row[:, 0], atol=2)
    np.testing.assert_allclose(rows[0][:, 3], row[:, 3], atol=3)


def test_the_second_look_adds_rows_and_never_loses_one():
    grey, framed, _ = _framed_plate()
    for image in (grey, framed):
        once = find_character_rows(image, line_length=None)
        twice = find_character_rows(image)
        assert len(twice) >= len(once)
        for row in once:  # every row of the first look is still there
            assert any(r.shape == row.shape and np.array_equal(r, row) for r in twice)


def _rows_by_every_pair(blobs, min_length, max_gap=1.2):
    """The definition of _join_rows, pair by pair (quadratic)."""
    from scipy.sparse.csgraph import connected_components

    n = len(blobs)
    x, y, w, h = blobs.T.astype(float)
    centre = y + h / 2
    graph = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(n):
            gap = x[j] - (x[i] + w[i])
            high, low = max(h[i], h[j]), min(h[i], h[j])
            graph[i, j] = (
                (x[j] > x[i] or (x[j] == x[i] and j > i))
                and gap <= max_gap * high
                and gap >= -0.3 * min(w[i], w[j])
                and high <= 1.3 * low
                and abs(centre[i] - centre[j]) <= 0.3 * high
            )
            if gap > 1.2 * high:  # across a wide gap, a close match only
                graph[i, j] &= high <= 1.15 * low
                graph[i, j] &= abs(centre[i] - centre[j]) <= 0.15 * high
    _, labels = connected_components(graph, directed=False)
    rows = [blobs[labels == k] for k in range(labels.max() + 1 if n else 0)]
    return sorted(
        tuple(map(tuple, r[np.argsort(r[:, 0], kind="stable")]))
        for r in rows
        if len(r) >= min_length
    )


@given(st.integers(0, 60), st.integers(0, 2**32 - 1), st.booleans())
def test_rows_join_exactly_the_neighbouring_blobs(n, seed, crowded):
    from platevision.reader._segment import _join_rows

    rng = np.random.default_rng(seed)
    blobs = np.column_stack(
        [
            rng.integers(0, 12 if crowded else 200, n),  # crowded: many equal x
            rng.integers(0, 60, n),
            rng.integers(1, 25, n),
            rng.integers(8, 40, n),
        ]
    ).astype(np.int64)
    usual, bridged = _join_rows(blobs, 3, (1.2, 2.0))
    assert sorted(tuple(map(tuple, r)) for r in usual) == _rows_by_every_pair(blobs, 3)
    found = sorted(tuple(map(tuple, r)) for r in bridged)
    assert found == _rows_by_every_pair(blobs, 3, 2.0)


def test_a_characters_own_stem_and_bar_are_not_taken_for_lines():
    # An H as tall as twice the line length less a few pixels, with a bar as wide,
    # and a frame line of nearly three times the line length under it.
    from platevision.reader._segment import _without_lines

    length = 11
    ink = np.zeros((60, 80), dtype=bool)
    ink[5:24, 10:12] = ink[5:24, 27:29] = True  # stems of 19 px
    ink[14:16, 10:29] = True  # a bar of 19 px
    ink[40:42, 5:35] = True  # a line of 30 px
    kept = _without_lines(ink, length)
    np.testing.assert_array_equal(kept[:30], ink[:30])
    assert not kept[30:].any()


def test_the_second_look_finds_a_clean_plates_characters_whole():
    # Without a frame the second look finds the same boxes as the first: no
    # stem of a character is cut off as if it were a line.
    grey, _, _ = _framed_plate()
    for block_size in (15, 25):
        sizes = (block_size, 99)
        once = find_character_rows(grey, block_sizes=sizes, line_length=None)
        twice = find_character_rows(grey, block_sizes=sizes)
        assert len(twice) == len(once)


def _printed(xs, width=10, height=24, shape=(60, 160)):
    """A light image with a dark character-sized bar at each x, and its row."""
    grey = np.full(shape, 200, dtype=np.uint8)
    for x in xs:
        grey[18 : 18 + height, x + 3 : x + 7] = 30  # a stem
        grey[18 : 18 + 4, x : x + width] = 30  # and a bar
    row = np.array([[x, 18, width, height] for x in xs])
    return grey, row


def test_a_row_is_extended_where_something_is_printed_beyond_its_end():
    from platevision.reader._segment import extend_row

    grey, row = _printed([20, 40, 60, 80, 100])
    # The first character is printed but not in the row (it was joined to a frame).
    (extended,) = extend_row(row[1:], grey)
    assert len(extended) == 5
    np.testing.assert_array_equal(extended[0], row[0])
    np.testing.assert_array_equal(extended[1:], row[1:])
    (extended,) = extend_row(row[:-1], grey)  # the last, at the right
    np.testing.assert_array_equal(extended, row)


def test_a_row_is_not_extended_over_blank_plate_nor_out_of_the_image():
    from platevision.reader._segment import extend_row

    grey, row = _printed([20, 40, 60, 80])
    assert extend_row(row, grey) == []  # blank on both sides
    grey, row = _printed([5, 25, 45, 65, 85, 105, 125, 145])
    assert extend_row(row, grey) == []  # both cells would leave the image
    assert extend_row(row[:2], grey) == []  # too short to know the pitch


def test_a_small_neighbourhood_finds_small_real_plates(shared_data):
    """On the first 80 US OpenALPR photos, the rows inside the true box that are
    as long as the text: the 9-pixel neighbourhood finds those of small plates
    whose characters touch the frame (61 -> 65 when this was written)."""
    from platevision.datasets import load_plates
    from platevision.reader._reader import _as_uint8_grey, _crop

    data = load_plates(region="us", data_home=shared_data)
    found = {"default": 0, "without 9": 0}
    for i in range(80):
        grey = _as_uint8_grey(data.images[i], i)
        box = np.round(np.asarray(data.boxes[i], dtype=float)).astype(int)
        region, _, _ = _crop(grey, box, 0.15)
        n = len(str(data.target[i]))
        rows = find_character_rows(region)
        found["default"] += any(len(row) == n for row in rows)
        rows = find_character_rows(region, block_sizes=(15, 25, 51))
        found["without 9"] += any(len(row) == n for row in rows)
    assert found["default"] >= found["without 9"] + 3


def test_a_large_neighbourhood_at_half_size_finds_the_same_characters():
    """The largest characters are found on the photo at half its size, and their
    boxes are scaled back onto the photo's pixels."""
    import cv2

    photo = make_plates(1, pattern="LLLDDDD", random_state=3).images[0]
    big = cv2.resize(_as_uint8_grey(photo, 0), None, fx=3, fy=3)  # 720 x 960
    (full,) = [
        r
        for r in find_character_rows(big, block_sizes=(51,), downscale_from=None)
        if len(r) == 7
    ]
    (half,) = [r for r in find_character_rows(big, block_sizes=(51,)) if len(r) == 7]
    assert full[:, 3].min() > 90  # characters this large
    np.testing.assert_allclose(half, full, atol=2)
    # Below the size: the photo at full size, the same rows as without halving.
    for image in (big, _as_uint8_grey(photo, 0)):
        kept = find_character_rows(image, block_sizes=(25,), downscale_from=None)
        small = find_character_rows(image, block_sizes=(25,), downscale_from=41)
        assert len(kept) == len(small)
        assert all(np.array_equal(a, b) for a, b in zip(kept, small, strict=True))


def test_a_tiny_photo_at_half_size_finds_nothing_and_does_not_fail():
    for shape in ((1, 1), (2, 9), (3, 3), (24, 24)):
        grey = np.full(shape, 200, np.uint8)
        assert find_character_rows(grey, block_sizes=(3,), downscale_from=3) == []


def test_a_plates_crop_is_looked_at_full_size():
    """An image less than 8 neighbourhoods high is not halved: a plate's crop."""
    import cv2

    photo = make_plates(1, pattern="LLLDDDD", random_state=3).images[0]
    big = cv2.resize(_as_uint8_grey(photo, 0), None, fx=3, fy=3)
    (full,) = [
        r
        for r in find_character_rows(big, block_sizes=(51,), downscale_from=None)
        if len(r) == 7
    ]
    # On the whole photo, halving changes the rows found (the crop's are the same
    # below because the crop is not halved, not because halving changes nothing).
    halved_photo = find_character_rows(big, block_sizes=(51,))
    assert not any(np.array_equal(r, full) for r in halved_photo)
    x, y, w, h = full[:, 0].min(), full[:, 1].min(), full[:, 2].sum(), full[:, 3].max()
    crop = big[y - 40 : y + h + 40, x - 40 : x + w + 200]
    assert crop.shape[0] < 8 * 51
    kept = find_character_rows(crop, block_sizes=(51,), downscale_from=None)
    halved = find_character_rows(crop, block_sizes=(51,), downscale_from=41)
    assert len(kept) == len(halved)
    assert all(np.array_equal(a, b) for a, b in zip(kept, halved, strict=True))


@pytest.mark.parametrize("block", [9, 51, 181, 201, 301])
def test_the_ink_sums_are_exact_at_every_window_size(block):
    """The ink is that of the definition, with exact window sums (int64 sums of
    an edge-padded image here), at every window size: the int32 sums of squares
    of a window up to 181 pixels wide, the float64 ones beyond (OpenCV's own
    sqrBoxFilter of a uint8 image overflows there)."""
    import cv2

    from platevision.reader._segment import _image_planes, _ink

    rng = np.random.default_rng(block)
    grey = cv2.GaussianBlur(rng.integers(0, 256, (420, 520), dtype=np.uint8), (5, 5), 0)
    # A bright square wider than the largest window, with a few black and grey
    # pixels: its windows' sums of squares are near the largest there are
    # (above 2^31 for 201 x 201), and whether its grey pixels are ink depends
    # on them.
    grey[:250, :250] = rng.choice([255, 0, 215], p=[0.88, 0.06, 0.06], size=(250, 250))

    def window_sums(values):
        padded = np.pad(values.astype(np.int64), block // 2, mode="edge")
        c = np.zeros((padded.shape[0] + 1, padded.shape[1] + 1), np.int64)
        c[1:, 1:] = padded.cumsum(axis=0).cumsum(axis=1)
        return (
            c[block:, block:]
            - c[:-block, block:]
            - c[block:, :-block]
            + c[:-block, :-block]
        )

    n = float(block * block)
    total = window_sums(grey)
    total_sq = window_sums(grey.astype(np.int64) ** 2)
    if block > 181:  # where int32 sums of squares would overflow
        assert total_sq.max() >= 2**31
    mean = total.astype(np.float32) / np.float32(n)
    variance = (total_sq / n).astype(np.float32) - mean * mean
    darker = mean - grey.astype(np.float32)
    expected = (darker > 3.0) & (darker * darker > np.float32(0.3**2) * variance)
    found = _ink(_image_planes(grey), block, 3.0, 0.3)
    assert found.any()
    assert not found.all()
    np.testing.assert_array_equal(found, expected)


def _rings(xs, cut=None, width=12, height=24, shape=(60, 160)):
    """A light image with a dark ring (an ``O``) at each x, the ring at ``cut``
    split by a plate-coloured scratch 2 pixels wide, and the row of rings."""
    grey = np.full(shape, 200, dtype=np.uint8)
    for x in xs:
        grey[18 : 18 + height, x : x + width] = 30
        grey[21 : 18 + height - 3, x + 3 : x + width - 3] = 200
    if cut is not None:
        grey[10:50, cut : cut + 2] = 200
    row = np.array([[x, 18, width, height] for x in xs])
    return grey, row


def test_a_character_cut_in_two_is_grown_over_its_other_piece():
    from platevision.reader._segment import widen_narrow

    grey, row = _rings([20, 40, 60, 80, 100], cut=64)
    found = row.copy()
    found[2] = [60, 18, 4, 24]  # only the piece left of the scratch was a blob
    grown = widen_narrow(found, grey)
    assert grown is not None
    np.testing.assert_array_equal(grown, row)
    np.testing.assert_array_equal(found[2], [60, 18, 4, 24])  # not changed in place
    # A piece at either end of the row grows too, up to the image's edges.
    for xs, end, piece in (
        ([0, 20, 40, 60, 80], 0, [8, 18, 4, 24]),
        ([88, 108, 128, 148], -1, [148, 18, 4, 24]),
    ):
        grey, row = _rings(xs, cut=xs[end] + 6)
        found = row.copy()
        found[end] = piece
        np.testing.assert_array_equal(widen_narrow(found, grey), row)
    # Grown over a blot of dirt, a box would be wider than a character: kept.
    grey, row = _rings([20, 40, 60, 80, 100])
    grey[14:46, 58:74] = 30
    found = row.copy()
    found[2] = [64, 18, 4, 24]
    assert widen_narrow(found, grey) is None


@pytest.mark.parametrize("spacing", [3, 4])
def test_a_character_cut_into_pieces_by_thin_scratches_is_found_whole(spacing):
    # Plate-coloured lines a pixel wide every few pixels cut the ring
    # at 60 into pieces none of which has a character's shape.
    grey, row = _rings([20, 40, 60, 80, 100])
    ys, xs = np.mgrid[: grey.shape[0], : grey.shape[1]]
    scratched = grey.copy()
    scratches = (ys % spacing == 0) & (xs >= 58) & (xs < 74)
    scratched[scratches] = 200

    def boxes(image, **options):
        return {tuple(b) for r in find_character_rows(image, **options) for b in r}

    assert tuple(row[2]) in boxes(grey, close_gaps=None)
    assert tuple(row[2]) not in boxes(scratched, close_gaps=None)
    found = [r for r in find_character_rows(scratched) if len(r) == 5]
    assert found
    # Within a pixel: a line over the ring's top or bottom edge takes it off.
    np.testing.assert_allclose(found[0], row, atol=1)
    # The rings stand 8 pixels apart: closed, they are still found apart.
    assert [tuple(b) for b in find_character_rows(grey)[0]] == list(map(tuple, row))


def test_a_character_narrow_in_print_keeps_its_box():
    from platevision.reader._segment import widen_narrow

    grey, row = _rings([20, 40, 80, 100])
    grey[18:42, 64:68] = 30  # a 1 between the rings, plate on either side
    grey[28:31, 60:63] = 30  # and a separating dot just before it
    row = np.insert(row, 2, [64, 18, 4, 24], axis=0)
    assert widen_narrow(row, grey) is None
    assert widen_narrow(row[:2], grey) is None  # too short to have a width
    flat = np.full_like(grey, 200)
    assert widen_narrow(row, flat) is None  # no ink at all


def test_two_characters_joined_into_one_box_are_cut_between_them():
    from platevision.reader._segment import split_wide

    # Rings at 40 and 54 joined by a dark bridge (a scratch of dirt) between
    # them: one blob as wide as two characters.
    grey, row = _rings([20, 40, 54, 80, 100])
    grey[28:31, 52:54] = 30
    found = np.concatenate([row[:1], [[40, 18, 26, 24]], row[3:]])
    cut = split_wide(found, grey)
    assert cut is not None
    assert len(cut) == len(row)
    np.testing.assert_array_equal(cut[[0, 3, 4]], row[[0, 3, 4]])
    left, right = cut[1], cut[2]
    assert left[0] == 40
    assert right[0] + right[2] == 66
    assert 52 <= right[0] <= 54  # cut where the bridge is, not inside a ring
    assert left[0] + left[2] == right[0]
    np.testing.assert_array_equal(found[1], [40, 18, 26, 24])  # not changed in place
    # Rows without a box as wide as two characters, or too short, stay as they are.
    assert split_wide(row, grey) is None
    assert split_wide(found[:2], grey) is None
    # Boxes too narrow to cut leave the row as it is: None, not the same row.
    slivers = np.array([[0, 18, 0, 24], [2, 18, 0, 24], [4, 18, 1, 24]])
    assert split_wide(slivers, grey) is None


@given(
    widths=st.lists(st.integers(1, 40), min_size=3, max_size=8),
    seed=st.integers(0, 2**16),
)
@example(widths=[1, 1, 2], seed=0)  # a box of 2 pixels: its middle third is empty
def test_cut_boxes_are_never_empty_and_cover_the_box(widths, seed):
    from platevision.reader._segment import split_wide

    grey = np.random.default_rng(seed).integers(0, 256, (30, 400), dtype=np.uint8)
    xs = np.cumsum([0] + [w + 1 for w in widths[:-1]])
    row = np.array([[x, 2, w, 20] for x, w in zip(xs, widths, strict=True)])
    cut = split_wide(row, grey)
    if cut is None:
        return
    assert (cut[:, 2] >= 1).all()
    assert len(cut) > len(row)
    # The pieces tile each box: the same left and right edges, no overlap.
    assert (cut[1:, 0] >= cut[:-1, 0] + cut[:-1, 2]).all()
    assert cut[:, 2].sum() == row[:, 2].sum()  # no gap inside a cut box
    assert set(map(int, row[:, 0])) <= set(map(int, cut[:, 0]))
    assert int(cut[-1, 0] + cut[-1, 2]) == int(row[-1, 0] + row[-1, 2])


def test_a_row_with_a_character_cut_in_two_is_also_read_widened():
    from platevision.reader._reader import _candidate_rows

    grey, row = _rings([20, 40, 60, 80, 100], cut=64)  # a scratch across the third
    found = row.copy()
    found[2] = [60, 18, 4, 24]
    candidates = _candidate_rows(found, grey)
    assert any(np.array_equal(c, row) for c in candidates)
    assert any(np.array_equal(c, found) for c in candidates)


def test_a_row_with_two_characters_joined_is_also_read_cut():
    from platevision.reader._reader import _candidate_rows

    grey, row = _rings([20, 40, 54, 80, 100])
    grey[28:31, 52:54] = 30  # the second and third joined
    found = np.concatenate([row[:1], [[40, 18, 26, 24]], row[3:]])
    candidates = _candidate_rows(found, grey)
    assert any(np.array_equal(c, found) for c in candidates)
    assert any(len(c) == 5 and 52 <= c[2, 0] <= 54 for c in candidates)
    # Training reads rows as found and mended only.
    assert all(len(c) == 4 for c in _candidate_rows(found, grey, extend=False))


def test_a_box_damage_made_short_or_tall_is_set_to_the_rows_band():
    from platevision.reader._segment import conform_row

    # A tilted row: each box one pixel lower than the one before.
    row = np.array([[20 + 20 * i, 18 + i, 12, 24] for i in range(6)])
    damaged = row.copy()
    damaged[1] = [40, 19 + 10, 12, 14]  # its top chipped off
    damaged[4] = [100, 22 - 6, 12, 34]  # dirt above it
    conformed = conform_row(damaged)
    assert conformed is not None
    np.testing.assert_array_equal(conformed, row)  # the band's tilt kept
    assert damaged[1, 3] == 14  # not changed in place
    # A height within the tolerance is the row's own.
    damaged[1] = [40, 19 + 3, 12, 21]
    damaged[4] = row[4]
    assert conform_row(damaged) is None
    np.testing.assert_array_equal(conform_row(damaged, tolerance=0.1)[1], row[1])
    assert conform_row(row) is None  # nothing odd
    # Lines through two close boxes of clutter slope steeply: a band that
    # misses the odd box's blob is not taken.
    clutter = np.array([[10, 40, 2, 20], [13, 10, 2, 21], [90, 0, 6, 6]])
    assert conform_row(clutter) is None
    assert conform_row(damaged[:2], tolerance=0.1) is None  # too short for a band


@given(
    st.lists(
        st.tuples(
            st.integers(0, 300),
            st.integers(0, 300),
            st.integers(1, 40),
            st.integers(1, 60),
        ),
        min_size=3,
        max_size=9,
    )
)
def test_a_conformed_box_always_keeps_part_of_its_blob(boxes):
    from platevision.reader._segment import conform_row

    row = np.array(sorted(boxes), dtype=np.int64)
    conformed = conform_row(row)
    if conformed is None:
        return
    assert conformed.shape == row.shape
    np.testing.assert_array_equal(conformed[:, [0, 2]], row[:, [0, 2]])
    changed = np.flatnonzero(np.any(conformed != row, axis=1))
    assert changed.size
    for i in changed:
        assert conformed[i, 3] >= 2
        assert conformed[i, 1] < row[i, 1] + row[i, 3]  # overlaps the blob
        assert conformed[i, 1] + conformed[i, 3] > row[i, 1]


def test_a_row_with_a_chipped_character_is_also_read_conformed():
    from platevision.reader._reader import _candidate_rows

    grey, row = _rings([20, 40, 60, 80, 100])
    grey[18:30, 60:72] = 200  # the top half of the third ring chipped off
    found = row.copy()
    found[2] = [60, 30, 12, 12]
    candidates = _candidate_rows(found, grey)
    assert any(np.array_equal(c, row) for c in candidates)
    assert any(np.array_equal(c, found) for c in candidates)
    # Training reads rows as found and mended only.
    assert not any(
        np.array_equal(c, row) for c in _candidate_rows(found, grey, extend=False)
    )


def test_a_character_lost_beside_a_separator_is_filled_at_the_rows_pitch():
    from platevision.reader._segment import regularise_row

    # FB5X8T (a US photo) with its 8 lost: steps 9.5, 9, 16 (the separator)
    # and 18.5 pixels; the median step, 12.75, would see no character lost.
    row = np.array(
        [[483, 347, 8, 18], [493, 346, 7, 18], [502, 346, 7, 17],
         [517, 344, 9, 18], [536, 342, 8, 18]]
    )  # fmt: skip
    mended = regularise_row(row)
    assert len(mended) == 6
    np.testing.assert_array_equal(mended[[0, 1, 2, 3, 5]], row)
    assert mended[4, 0] >= 526  # between the X and the T
    assert mended[4, 0] + mended[4, 2] <= 536
    # Scattered marks: the close steps would fill many; none is filled.
    marks = np.array([[0, 0, 8, 18], [9, 0, 8, 18], [60, 0, 8, 18], [120, 0, 8, 18]])
    np.testing.assert_array_equal(regularise_row(marks), marks)


def test_a_row_broken_by_a_lost_character_is_joined_across_the_gap():
    from platevision.reader._segment import character_rows_in_tiers

    # Three characters, one lost beside a separator (1.6 heights), three more:
    # two pieces too short to be rows.
    grey, row = _rings([20, 40, 60, 110, 130, 150], shape=(60, 200))
    assert not [r for r in find_character_rows(grey, bridge=None) if len(r) >= 4]
    usual, bridged = character_rows_in_tiers(grey)
    assert not [r for r in usual if len(r) >= 4]
    whole = [r for r in bridged if len(r) == 6]
    assert whole
    np.testing.assert_allclose(whole[0], row, atol=1)
    # find_character_rows gives both tiers, the usual rows first.
    together = find_character_rows(grey)
    assert len(together) == len(usual) + len(bridged)
    for a, b in zip(together, usual + bridged, strict=True):
        np.testing.assert_array_equal(a, b)
    # Farther apart than the bridge, the pieces stay apart.
    grey, _ = _rings([20, 40, 60, 140, 160, 180], shape=(60, 220))
    assert not [r for r in find_character_rows(grey) if len(r) >= 4]
    # Pairs of marks bridged three times over are no plate's row.
    grey, _ = _rings([20, 40, 90, 110, 160, 180, 230, 250], shape=(60, 280))
    assert not [r for r in find_character_rows(grey) if len(r) >= 4]
    assert [r for r in find_character_rows(grey, bridge=None, min_length=2)]


def test_a_row_found_across_the_usual_gaps_is_not_bridged_too():
    """A neighbourhood size may bridge a gap a little over 1.2 heights that a
    later one, its blobs a pixel taller, joins across the usual gap."""
    import cv2

    from platevision.reader._segment import _same_row, character_rows_in_tiers

    twice = 0
    for gap in range(28, 36):
        xs = [20, 40, 60] + [72 + gap + 20 * k for k in range(3)]
        grey, _ = _rings(xs, shape=(60, 260))
        usual, bridged = character_rows_in_tiers(cv2.GaussianBlur(grey, (0, 0), 1))
        assert [r for r in usual + bridged if len(r) == 6]  # found, once
        twice += sum(any(_same_row(r, u) for u in usual) for r in bridged)
    assert twice == 0


def _tilted(turn, degrees: float):
    """A synthetic plate photo turned by ``degrees`` about its plate (with the
    ``turn_about_plate`` fixture), its text, and its grey image."""
    plates = make_plates(1, pattern="LLLDDDD", random_state=3)
    turned = turn(plates.images[0], plates.boxes[0], degrees)
    return turned, plates.target[0], _as_uint8_grey(turned, 0)


@pytest.mark.parametrize("degrees", [-14, -6, 0, 6, 14])
def test_a_rows_tilt_is_its_line_of_characters(degrees, turn_about_plate):
    _, text, grey = _tilted(turn_about_plate, degrees)
    rows = [r for r in find_character_rows(grey) if len(r) == len(text)]
    assert rows
    row = rows[0]
    # cv2 turns counter-clockwise for positive angles: the row rises to the
    # right, and image rows count down.
    assert row_tilt(row) == pytest.approx(-degrees, abs=1.0)
    assert level_tilt(row) == (0.0 if abs(degrees) < 3 else np.round(row_tilt(row)))
    # Measured along its line, the tilted row's tops and bottoms are as even as
    # the level one's (its boxes' heights are not: a tilted character's box
    # is taller the wider the character).
    _, _, level = _tilted(turn_about_plate, 0)
    (flat,) = [r for r in find_character_rows(level) if len(r) == len(text)]
    np.testing.assert_allclose(row_spreads(row)[1:3], row_spreads(flat)[1:3], atol=0.06)


def test_a_rows_tilt_ignores_a_box_off_its_line():
    row = np.array([[10 * k, 2 * k, 8, 20] for k in range(7)])
    assert row_tilt(row) == pytest.approx(np.degrees(np.arctan(0.2)))
    row[3, 1] += 15  # one box well below the line
    assert row_tilt(row) == pytest.approx(np.degrees(np.arctan(0.2)))
    assert row_tilt(row[:2]) == 0.0
    assert level_tilt(np.array([[10 * k, 8 * k, 8, 20] for k in range(5)])) == 0.0
