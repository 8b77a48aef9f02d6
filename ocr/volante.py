"""Our printed volante: find markers and QR, align to the template, read boxes and fields."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ocr import zones
from ocr.preprocess import ink_mask, rotate_clockwise
from ocr.types import VolanteRead

if TYPE_CHECKING:
    from ocr.reader import Reader
    from ocr.template import FormTemplate

log = logging.getLogger(__name__)

ALIGN_DPI = 300
QR_PREFIX = "BUZON"
# A marker is a solid dark square; these bound what counts as one.
MARKER_MIN_SOLIDITY = 0.85  # contour area / its minimum-area rectangle
MARKER_MIN_FILL = 0.9  # ink inside the outline: a QR finder pattern (a ring) is ~0.6
MARKER_ASPECT = (0.7, 1.43)
MARKER_SIZE_RANGE = (0.3, 1.8)  # x the size expected if the page filled the image
MARKER_MAX_CORNER_DIST = 0.35  # x the image diagonal, from the image corner
MARKER_LAYOUT_TOLERANCE = 0.2  # relative error allowed on the markers' width/height ratio
MARKER_MAX_AREA_SPREAD = 2.5  # the four markers print alike: areas within this factor
QR_SEARCH_SCALES = (1.0, 0.5, 0.25)
QR_SEARCH_MIN_SIDE = 1700
QR_ZONE_PAD_MM = 4.0  # margin around the template's QR zone when decoding it


@dataclass
class Qr:
    payload: str
    points: np.ndarray  # 4x2 float: the code's corners tl, tr, br, bl in its own frame
    modules: int  # modules per side, without the quiet zone

    def parsed(self) -> dict[str, str] | None:
        parts = self.payload.split("|", 2)
        if len(parts) != 3 or parts[0] != QR_PREFIX:
            return None
        return {"form": parts[1], "unit": parts[2]}


@dataclass
class Aligned:
    image: np.ndarray  # grayscale, template page at ALIGN_DPI
    rotation: int  # degrees clockwise applied before warping
    skew: float  # tilt of the page found (counter-clockwise +)
    method: str  # "marcadores" or "qr"
    qr: Qr | None


def find_qr(gray: np.ndarray) -> Qr | None:
    """Decode one QR code on the page, on the smallest copy that still reads it.

    One search only, on a copy of at least QR_SEARCH_MIN_SIDE px (an A4 at ~150 dpi): the
    search is paid on every page that is not a volante, and a volante whose code is
    missed here is still found by its markers and its QR zone.
    """
    long_side = max(gray.shape[:2])
    fits = [s for s in QR_SEARCH_SCALES if long_side * s >= QR_SEARCH_MIN_SIDE]
    return _decode(gray, (fits[-1] if fits else 1.0,), denoised=False)


def _decode(gray: np.ndarray, scales: tuple[float, ...], *, denoised: bool) -> Qr | None:
    detector = cv2.QRCodeDetector()
    for scale in scales:
        img = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale,
                                                   interpolation=cv2.INTER_AREA)
        variants = [img, cv2.medianBlur(img, 3)] if denoised else [img]
        for v in variants:
            try:
                payload, points, straight = detector.detectAndDecode(v)
            except cv2.error:
                continue
            if payload and points is not None:
                modules = straight.shape[0] if straight is not None and straight.size else 25
                return Qr(payload=payload, points=points.reshape(4, 2) / scale,
                          modules=int(modules))
    return None


def qr_in_zone(aligned: np.ndarray, template: FormTemplate) -> Qr | None:
    """Our QR code read where the template puts it on an aligned page (None if not ours).

    A small crop decodes far more reliably than a whole noisy page.
    """
    z, pad = template.raw["qr"], QR_ZONE_PAD_MM
    x0, y0, x1, y1 = (round(v * ALIGN_DPI / 25.4) for v in (
        z["x"] - pad, z["y"] - pad, z["x"] + z["size"] + pad, z["y"] + z["size"] + pad))
    crop = aligned[max(y0, 0):y1, max(x0, 0):x1]
    found = _decode(crop, (1.0, 0.5), denoised=True) if crop.size else None
    if found is None or found.parsed() is None:
        return None
    found.points = found.points + np.array([max(x0, 0), max(y0, 0)])
    return found


def qr_rotation(qr: Qr) -> int:
    """Degrees clockwise that put the QR code (hence the page) upright."""
    (x0, y0), (x1, y1) = qr.points[0], qr.points[1]
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))  # 0 upright, 90 if turned clockwise
    return (-round(angle / 90) * 90) % 360


def _rotate_points(points: np.ndarray, shape: tuple[int, ...], degrees: int) -> np.ndarray:
    """Where points land when the image of `shape` is rotated `degrees` clockwise."""
    h, w = shape[:2]
    x, y = points[:, 0], points[:, 1]
    d = degrees % 360
    if d == 90:
        return np.stack([h - 1 - y, x], axis=1)
    if d == 180:
        return np.stack([w - 1 - x, h - 1 - y], axis=1)
    if d == 270:
        return np.stack([y, w - 1 - x], axis=1)
    return points.copy()


def _fill(mask: np.ndarray, contour: np.ndarray) -> float:
    """Share of the area inside `contour` that is ink."""
    x, y, w, h = cv2.boundingRect(contour)
    shape = np.zeros((h, w), np.uint8)
    cv2.drawContours(shape, [contour - np.array([x, y])], -1, 255, thickness=-1)
    inside = cv2.countNonZero(shape)
    ink = cv2.countNonZero(cv2.bitwise_and(shape, mask[y:y + h, x:x + w]))
    return ink / inside if inside else 0.0


def marker_candidates(gray: np.ndarray,
                      template: FormTemplate) -> list[tuple[float, float, float]]:
    """Solid squares of about the markers' size anywhere on the page: (x, y, area)."""
    w = gray.shape[1]
    mask = ink_mask(gray)
    size_mm = template.raw["markers"][0]["size"]
    expected = size_mm / template.page_mm[0] * w
    lo, hi = MARKER_SIZE_RANGE[0] * expected, MARKER_SIZE_RANGE[1] * expected
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    cands: list[tuple[float, float, float]] = []
    for c in contours:
        area = cv2.contourArea(c)
        if area < lo * lo or area > hi * hi:
            continue
        (cx, cy), (rw, rh), _ = cv2.minAreaRect(c)
        if rw <= 0 or rh <= 0 or not MARKER_ASPECT[0] <= rw / rh <= MARKER_ASPECT[1]:
            continue
        if area / (rw * rh) < MARKER_MIN_SOLIDITY or _fill(mask, c) < MARKER_MIN_FILL:
            continue
        cands.append((cx, cy, area))
    return cands


def find_markers(gray: np.ndarray, template: FormTemplate) -> np.ndarray | None:
    """Centres of the 4 corner markers (tl, tr, bl, br), or None when they are not all there."""
    h, w = gray.shape[:2]
    cands = marker_candidates(gray, template)
    if len(cands) < 4:
        return None
    pts = np.array(cands, dtype=np.float64)
    diag = math.hypot(w, h)
    chosen = []
    for corner in ((0, 0), (w, 0), (0, h), (w, h)):
        d = np.hypot(pts[:, 0] - corner[0], pts[:, 1] - corner[1])
        i = int(np.argmin(d))
        if d[i] > MARKER_MAX_CORNER_DIST * diag:
            return None
        chosen.append(pts[i])
    found = np.array(chosen)
    if len({(round(x), round(y)) for x, y, _ in found}) < 4:
        return None
    areas = found[:, 2]
    if areas.max() > MARKER_MAX_AREA_SPREAD * areas.min():  # a filled checkbox, a blot
        return None
    centres = found[:, :2]
    return centres if _layout_ok(centres, template) else None


def _layout_ok(found: np.ndarray, template: FormTemplate) -> bool:
    """The four points form the template's rectangle, seen at most in mild perspective."""
    tl, tr, bl, br = found
    top, bottom = np.linalg.norm(tr - tl), np.linalg.norm(br - bl)
    left, right = np.linalg.norm(bl - tl), np.linalg.norm(br - tr)
    if min(top, bottom, left, right) < 1:
        return False
    ref = np.array(template.marker_centers_mm())
    ratio_ref = np.linalg.norm(ref[1] - ref[0]) / np.linalg.norm(ref[2] - ref[0])
    tol = MARKER_LAYOUT_TOLERANCE
    return bool(abs((top + bottom) / (left + right) / ratio_ref - 1) <= tol
                and abs(bottom / top - 1) <= tol and abs(right / left - 1) <= tol)


def _warp(gray: np.ndarray, src: np.ndarray, dst: np.ndarray,
          template: FormTemplate) -> np.ndarray:
    m = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))
    return cv2.warpPerspective(gray, m, template.page_px(ALIGN_DPI), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def _qr_affine(qr: Qr, template: FormTemplate) -> np.ndarray:
    """Page-to-template transform from the QR code's corners (when the markers are missing).

    Only the three finder-pattern corners are measured (OpenCV extrapolates the fourth),
    and a 24 mm code magnifies any error across the page: an affine transform it is.
    """
    q = template.raw["qr"]
    border = q.get("border_modules", 1)
    cell = q["size"] / (qr.modules + 2 * border)
    x0, y0 = q["x"] + cell * border, q["y"] + cell * border
    side = cell * qr.modules
    dst = np.array([(x0, y0), (x0 + side, y0), (x0, y0 + side)]) * (ALIGN_DPI / 25.4)
    src = qr.points[[0, 1, 3]]
    return cv2.getAffineTransform(src.astype(np.float32), dst.astype(np.float32))


def align(gray: np.ndarray, template: FormTemplate, *, qr: Qr | None = None,
          upright: bool = False) -> Aligned | None:
    """Warp a page onto the template at ALIGN_DPI from its markers, or from its QR alone.

    Args:
        gray: the page; if a QR is given, its orientation decides which way is up,
            otherwise the page must already be upright (`upright=True`) for markers alone.
    """
    rotation = 0
    if qr is not None:
        rotation = qr_rotation(qr)
        qr = Qr(qr.payload, _rotate_points(qr.points, gray.shape, rotation), qr.modules)
        gray = rotate_clockwise(gray, rotation)
    elif not upright:
        return None
    k = ALIGN_DPI / 25.4
    markers = find_markers(gray, template)
    if markers is not None:
        dst = np.array(template.marker_centers_mm()) * k
        image = _warp(gray, markers, dst, template)
        method = "marcadores"
        v = markers[1] - markers[0]
    elif qr is not None:
        image = cv2.warpAffine(gray, _qr_affine(qr, template), template.page_px(ALIGN_DPI),
                               flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                               borderValue=255)
        method = "qr"
        v = qr.points[1] - qr.points[0]
    else:
        return None
    skew = -math.degrees(math.atan2(v[1], v[0]))
    log.debug("volante aligned by %s: rotation %d, skew %.2f", method, rotation, skew)
    return Aligned(image=image, rotation=rotation, skew=round(skew, 2) + 0.0, method=method, qr=qr)


def detect(gray: np.ndarray, template: FormTemplate, *,
           upright: bool = False) -> Aligned | None:
    """Align the page if it is one of our volantes (QR found, or 4 markers when upright)."""
    qr = find_qr(gray)
    if qr is not None and qr.parsed() is None:
        log.debug("a QR code that is not ours")
        qr = None
    if qr is None and not upright:
        found = _markers_any_orientation(gray, template)
        if found is not None:
            return found
    return align(gray, template, qr=qr, upright=upright)


def _markers_any_orientation(gray: np.ndarray, template: FormTemplate) -> Aligned | None:
    """Markers are symmetric: try each way up and keep the one whose QR zone decodes."""
    base = 90 if gray.shape[1] > gray.shape[0] else 0  # a landscape image: the sheet is sideways
    turned = rotate_clockwise(gray, base)
    markers = find_markers(turned, template)
    if markers is None:
        return None
    dst = np.array(template.marker_centers_mm()) * (ALIGN_DPI / 25.4)
    for extra, order in ((0, [0, 1, 2, 3]), (180, [3, 2, 1, 0])):
        image = _warp(turned, markers[order], dst, template)
        qr = qr_in_zone(image, template)
        if qr is not None:
            v = markers[order[1]] - markers[order[0]]
            v = -v if extra == 180 else v  # the top edge's direction on the upright page
            skew = round(-math.degrees(math.atan2(v[1], v[0])), 2) + 0.0
            rotation = (base + extra) % 360
            log.debug("volante aligned by markers, QR read in its zone: rotation %d", rotation)
            return Aligned(image=image, rotation=rotation, skew=skew, method="marcadores",
                           qr=qr)
    return None


def read_volante(aligned: Aligned, reader: Reader, *, fields: bool = True) -> VolanteRead:
    """Checkboxes, digit boxes and fields of an aligned volante (boxes in its pixels), on
    the reader's template."""
    template = reader.template
    qr = aligned.qr
    if qr is None:  # markers only: the QR may still be readable once the page is aligned
        qr = qr_in_zone(aligned.image, template)
    result = VolanteRead(template=template.name, qr=qr.parsed() if qr else None)
    ink = zones.zone_ink(aligned.image)
    result.checkboxes = zones.read_checkboxes(aligned.image, template, ALIGN_DPI, ink)
    if fields:
        result.fields = zones.read_fields(aligned.image, reader, ALIGN_DPI, ink)
    return result
