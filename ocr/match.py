"""Aligning a page to a form template by ORB features matched against its blank image."""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from ocr.volante import ALIGN_DPI, Aligned

if TYPE_CHECKING:
    from ocr.template import FormTemplate

log = logging.getLogger(__name__)

# Feature matching (ORB + homography) against the template's blank image, for photos and
# layouts without our markers: the page is matched on a copy about this size.
FEATURE_SIDE = 1400
ORB_FEATURES = 3000
ORB_RATIO = 0.75  # Lowe's ratio test
ORB_MIN_INLIERS = 80  # fewer RANSAC inliers than this: not this form
ORB_SCALE_RANGE = (0.4, 4.0)  # template px per page px: pages of ~75 to ~750 dpi


def align_by_features(gray: np.ndarray, template: FormTemplate) -> Aligned | None:
    """Warp the page onto the template by ORB features matched against its blank image.

    The fallback for a photo whose markers and QR cannot be read, and the way to read
    other printed layouts registered as templates (a blank image + a zones file). ORB is
    rotation invariant, so the page may be any way up. None when the template has no
    image or the match is not convincing (few inliers, an implausible transform).
    """
    blank = template.blank_image()
    if blank is None:
        return None
    ref, ref_dpi = blank
    k = min(1.0, FEATURE_SIDE / max(gray.shape[:2]))
    small = gray if k == 1.0 else cv2.resize(gray, None, fx=k, fy=k,
                                             interpolation=cv2.INTER_AREA)
    orb = cv2.ORB.create(ORB_FEATURES)
    kp_ref, d_ref = _orb_reference(template.source, ref, orb)
    kp_page, d_page = orb.detectAndCompute(small, None)
    if d_ref is None or d_page is None or len(kp_page) < ORB_MIN_INLIERS:
        return None
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(d_page, d_ref, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < ORB_RATIO * p[1].distance]
    if len(good) < ORB_MIN_INLIERS:
        return None
    src = np.array([kp_page[m.queryIdx].pt for m in good], dtype=np.float32)
    dst = np.array([kp_ref[m.trainIdx].pt for m in good], dtype=np.float32)
    h, inliers = cv2.findHomography(src, dst, cv2.RANSAC, 4.0)
    if h is None or int(inliers.sum()) < ORB_MIN_INLIERS:
        return None
    # page pixels -> small copy -> blank image -> template at ALIGN_DPI
    full = np.diag([ALIGN_DPI / ref_dpi, ALIGN_DPI / ref_dpi, 1.0]) @ h @ np.diag([k, k, 1.0])
    det = float(np.linalg.det(full[:2, :2] / full[2, 2]))
    # template pixels per page pixel: 300 dpi / the page's resolution
    if det <= 0 or not ORB_SCALE_RANGE[0] <= math.sqrt(det) <= ORB_SCALE_RANGE[1]:
        return None
    image = cv2.warpPerspective(gray, full, template.page_px(ALIGN_DPI), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    # How the page lay: the direction its x axis takes on the template.
    angle = math.degrees(math.atan2(full[1, 0], full[0, 0]))
    rotation = (round(angle / 90) * 90) % 360
    skew = round(-(angle - round(angle / 90) * 90), 2) + 0.0
    log.debug("page aligned to %s by features: %d inliers, rotation %d", template.name,
              int(inliers.sum()), rotation)
    return Aligned(image=image, rotation=rotation, skew=skew, method="plantilla", qr=None)


_ORB_CACHE: dict[str, tuple[Any, Any]] = {}


def _orb_reference(key: str, ref: np.ndarray, orb: Any) -> tuple[Any, Any]:
    """The blank image's keypoints and descriptors (computed once per template)."""
    if key not in _ORB_CACHE:
        _ORB_CACHE[key] = orb.detectAndCompute(ref, None)
    return _ORB_CACHE[key]
