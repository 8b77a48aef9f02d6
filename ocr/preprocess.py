"""Page clean-up with OpenCV: grayscale, resolution, orientation, deskew, denoise, blank test."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ocr.engine import mean_confidence
from ocr.errors import EngineError

if TYPE_CHECKING:
    from ocr.engine import OcrEngine
    from ocr.types import Word

log = logging.getLogger(__name__)

TARGET_DPI = 300
DPI_TOLERANCE = 0.15  # resample only when the resolution is off by more than this
# Pages scanned at 200-300 dpi are read as they are: upsampling a 200 dpi scan to 300 costs
# Tesseract 2.25x the pixels and, on the sample box's letters, did not lower the CER.
READ_MIN_DPI = 190
MAX_LONG_SIDE = 6000  # px after normalisation; bigger is a mis-declared resolution
INK_LEVEL = 128  # gray below this is ink on a white page
BLANK_INK_RATIO = 0.0003  # fewer ink pixels than this fraction of the page: blank
SPECK_AREA = 12  # connected ink blobs smaller than this (px at 300 dpi) are dust
MAX_SKEW = 10.0  # degrees searched either way
MIN_SKEW = 0.15  # smaller tilts are left alone (resampling blurs more than it helps)
SKEW_WORK_SIDE = 1000  # px: the skew search runs on a copy this size
ORIENTATION_SIDE = 1400  # px: OSD runs on a copy this size (as sure as 2200, ~35% faster)
READABLE_MIN_CONF = 60.0  # a word read this surely counts as read (0..100)
VERIFY_SIDE = 1200  # px: the OCR that confirms an OSD turn reads a copy this size
# Background flattening: the paper's brightness is estimated by a max filter wider than any
# dark printed element (the 8 mm corner markers are ~95 px at 300 dpi).
BACKGROUND_WINDOW_MM = 17.0
BACKGROUND_FLOOR = 40  # never divide by a darker "paper" than this (noise would explode)


# A photographed sheet: the paper is the biggest bright quadrilateral, covering between these
# shares of the image (more is a scan whose edges are the image's own).
PAGE_AREA_RANGE = (0.25, 0.9)
PAGE_WORK_SIDE = 800  # px: the sheet is looked for on a copy this size
PAGE_MIN_CONTRAST = 35  # grey levels between paper and what surrounds it
PAPER_ASPECTS = (297 / 210, 279.4 / 215.9)  # A4, letter: long side / short side
PAPER_ASPECT_TOLERANCE = 0.12


@dataclass
class Prepared:
    """A page made ready for reading; `image` is 8-bit grayscale at `dpi`."""

    image: np.ndarray
    dpi: int
    rotation: int = 0  # degrees clockwise applied
    skew: float = 0.0  # tilt of the content found and removed (degrees, counter-clockwise +)
    blank: bool = False


def to_gray(pixels: np.ndarray) -> np.ndarray:
    """8-bit grayscale from grayscale, RGB or RGBA pixels."""
    if pixels.ndim == 2:
        return pixels if pixels.dtype == np.uint8 else pixels.astype(np.uint8)
    if pixels.shape[2] == 4:
        return cv2.cvtColor(pixels, cv2.COLOR_RGBA2GRAY)
    return cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)


def normalise_dpi(gray: np.ndarray, dpi: int, target: int = TARGET_DPI, *,
                  keep_from: int | None = None) -> tuple[np.ndarray, int]:
    """Resample to about `target` dpi (and never past MAX_LONG_SIDE); returns image and dpi.

    Args:
        keep_from: a page between this resolution and `target` is left as it is.
    """
    scale = target / dpi if dpi > 0 else 1.0
    if abs(scale - 1.0) <= DPI_TOLERANCE or (keep_from is not None and
                                             keep_from <= dpi <= target):
        scale = 1.0
    long_side = max(gray.shape[:2])
    if long_side * scale > MAX_LONG_SIDE:
        scale = MAX_LONG_SIDE / long_side
    if scale == 1.0:
        return gray, dpi
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    out = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=interp)
    return out, max(1, round(dpi * scale))


def _order_corners(pts: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)],
                     pts[np.argmax(d)]], dtype=np.float32)


def find_page_quad(gray: np.ndarray) -> np.ndarray | None:
    """The corners (tl, tr, br, bl) of a sheet photographed on a darker surface, or None.

    A scan (paper to the image's edges) or a page whose outline is not a clear
    quadrilateral gives None, and the page is then read as it is.
    """
    small = _shrink(gray, PAGE_WORK_SIDE)
    k = gray.shape[0] / small.shape[0]
    blur = cv2.GaussianBlur(small, (5, 5), 0)
    level, bright = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    paper = blur[bright > 0]
    rest = blur[bright == 0]
    if not paper.size or not rest.size or float(np.median(paper)) - float(
            np.median(rest)) < PAGE_MIN_CONTRAST:
        return None
    # Text and lines inside the sheet must not cut it: close them over.
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    c = max(contours, key=cv2.contourArea)
    share = cv2.contourArea(c) / float(small.shape[0] * small.shape[1])
    if not PAGE_AREA_RANGE[0] <= share <= PAGE_AREA_RANGE[1]:
        return None
    quad = cv2.approxPolyDP(cv2.convexHull(c), 0.02 * cv2.arcLength(c, True), True)
    if len(quad) != 4 or not cv2.isContourConvex(quad):
        return None
    return _order_corners(quad.reshape(4, 2).astype(np.float32) * k)


def warp_page(gray: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The sheet inside `quad` warped flat to a rectangle (A4 or letter shape if close)."""
    tl, tr, br, bl = quad
    w = round((np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2)
    h = round((np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2)
    # Perspective foreshortens one side: a sheet close to A4 or letter is given its shape.
    long_, short = max(w, h), min(w, h)
    for aspect in PAPER_ASPECTS:
        if abs(long_ / max(short, 1) / aspect - 1) < PAPER_ASPECT_TOLERANCE:
            long_ = round(short * aspect)
            w, h = (long_, short) if w > h else (short, long_)
            break
    dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    return cv2.warpPerspective(gray, m, (w, h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)


def flatten_sheet(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """A photographed sheet cut out of its surroundings and warped flat, when one is found.

    Returns the image and whether it was warped.
    """
    quad = find_page_quad(gray)
    if quad is None:
        return gray, False
    log.debug("sheet outline found: page warped flat")
    return warp_page(gray, quad), True


def flatten_background(gray: np.ndarray, dpi: int = TARGET_DPI) -> np.ndarray:
    """Divide out uneven lighting (phone photos, shadows): paper becomes white everywhere.

    A clean scan comes back (nearly) unchanged; dark shapes wider than
    BACKGROUND_WINDOW_MM (a table around a photographed sheet) are taken for paper.
    """
    h, w = gray.shape[:2]
    k = 8  # the estimate is smooth: compute it on a small copy
    small = cv2.resize(gray, (max(w // k, 1), max(h // k, 1)), interpolation=cv2.INTER_AREA)
    win = max(3, round(BACKGROUND_WINDOW_MM / 25.4 * dpi / k) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (win, win))
    bg = cv2.dilate(small, kernel)
    bg = cv2.GaussianBlur(bg, (0, 0), win / 2)
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(bg, BACKGROUND_FLOOR), scale=255.0)  # saturates at 255


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Binary mask (uint8 0/255) of ink: dark pixels, Otsu-adjusted but never above INK_LEVEL."""
    otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    level = min(float(otsu), INK_LEVEL) if otsu > 40 else INK_LEVEL
    return below(gray, level)


def below(gray: np.ndarray, level: float) -> np.ndarray:
    """Mask (uint8 0/255) of the pixels darker than `level`."""
    _, mask = cv2.threshold(gray, math.ceil(level) - 1, 255, cv2.THRESH_BINARY_INV)
    return mask


def is_blank(gray: np.ndarray, dpi: int = TARGET_DPI) -> bool:
    """True when the page carries (almost) no ink once dust is ignored."""
    mask = ink_mask(cv2.medianBlur(gray, 3))
    if cv2.countNonZero(mask) < BLANK_INK_RATIO * mask.size:
        return True
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    speck = SPECK_AREA * (dpi / TARGET_DPI) ** 2
    areas = stats[1:, cv2.CC_STAT_AREA]
    ink = int(areas[areas >= speck].sum())
    return ink < BLANK_INK_RATIO * mask.size


def rotate_clockwise(gray: np.ndarray, degrees: int) -> np.ndarray:
    """Rotate by a multiple of 90 degrees clockwise."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
             270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    d = degrees % 360
    return gray if d == 0 else cv2.rotate(gray, codes[d])


def _shrink(gray: np.ndarray, side: int) -> np.ndarray:
    long_side = max(gray.shape[:2])
    if long_side <= side:
        return gray
    k = side / long_side
    return cv2.resize(gray, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)


def detect_orientation(gray: np.ndarray, engine: OcrEngine) -> int:
    """Degrees clockwise to turn the page upright (0/90/180/270).

    Tesseract OSD first. OSD is trained on print and is sometimes confidently wrong on
    handwriting, so a turn it proposes is only taken when OCR reads the turned page with
    higher mean confidence than the page as it is. On sparse pages OSD gives up, and then
    the better of 0 and 180 by mean OCR confidence decides (90/270 are rare for a sheet
    fed into a scanner).
    """
    small = _shrink(gray, ORIENTATION_SIDE)
    sample = _shrink(gray, VERIFY_SIDE)
    guessed = False
    try:
        proposed = engine.osd(small)
    except EngineError as e:
        log.debug("OSD gave no answer (%s); comparing 0 and 180 degrees", type(e).__name__)
        proposed, guessed = 180, True
    if proposed == 0:
        return 0
    up = engine.image_to_data(sample, psm=6)
    turned = engine.image_to_data(rotate_clockwise(sample, proposed), psm=6)
    if mean_confidence(turned) <= mean_confidence(up) + 5:
        return 0
    # Without OSD's word, a sparse page (a signature, a scribble) read as noise both ways
    # can score higher upside down: the turn must also make more words readable.
    return 0 if guessed and _readable(turned) <= _readable(up) else proposed


def _readable(words: list[Word]) -> int:
    """Words read surely that hold three letters or digits: what a turn must add."""
    return sum(w.confidence >= READABLE_MIN_CONF and sum(c.isalnum() for c in w.text) >= 3
               for w in words)


def _profile_score(mask: np.ndarray, angle: float) -> float:
    h, w = mask.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(mask, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = rotated.sum(axis=1, dtype=np.float64)
    return float(np.sum(np.diff(rows) ** 2))


def estimate_skew(gray: np.ndarray) -> float:
    """Tilt of the text lines in degrees (counter-clockwise positive), within ±MAX_SKEW.

    Projection profiles: the rotation that makes the row sums of the ink sharpest levels
    the lines. A coarse 1° search, then 0.1° around the best.
    """
    mask = ink_mask(_shrink(gray, SKEW_WORK_SIDE))
    if cv2.countNonZero(mask) < 50:
        return 0.0
    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.5, 1.0), key=lambda a: _profile_score(mask, a))
    fine = np.arange(best - 1.0, best + 1.05, 0.1)
    best = max(fine, key=lambda a: _profile_score(mask, a))
    # Rotating by `best` counter-clockwise levels the lines: they lean `-best`.
    return round(-float(best), 2)


def rotate_by(gray: np.ndarray, angle: float) -> np.ndarray:
    """Rotate counter-clockwise by `angle` degrees about the centre, padding with white."""
    h, w = gray.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def deskew(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """The page with its lines levelled, and the tilt that was removed."""
    skew = estimate_skew(gray)
    if abs(skew) < MIN_SKEW:
        return gray, 0.0
    return rotate_by(gray, -skew), skew


def denoise(gray: np.ndarray) -> np.ndarray:
    """Light clean-up: a 3x3 median removes scanner dust and JPEG speckle, keeps strokes."""
    return cv2.medianBlur(gray, 3)


def prepare(pixels: np.ndarray, dpi: int, engine: OcrEngine, *,
            orientation: bool = True, straighten: bool = True) -> Prepared:
    """Grayscale, ~300 dpi, upright, level and lightly denoised; blank pages stop early."""
    gray, dpi = normalise_dpi(to_gray(pixels), dpi)
    gray = flatten_background(gray, dpi)
    if is_blank(gray, dpi):
        return Prepared(image=gray, dpi=dpi, blank=True)
    rotation = detect_orientation(gray, engine) if orientation else 0
    gray = rotate_clockwise(gray, rotation)
    skew = 0.0
    if straighten:
        gray, skew = deskew(gray)
    log.debug("page prepared: %d dpi, rotation %d, skew %.2f", dpi, rotation, skew)
    return Prepared(image=denoise(gray), dpi=dpi, rotation=rotation, skew=skew)
