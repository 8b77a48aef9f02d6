"""Bytes in, page images out: PDF, JPEG, PNG and (multi-page) TIFF, checked before decoding."""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Generator

import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from ocr.errors import UnreadableImageError
from ocr.pdf import PdfPages, read_pdf, too_many_pages
from ocr.types import PageImage

log = logging.getLogger(__name__)

DEFAULT_MAX_PIXELS = 150_000_000
# Declared resolutions outside this range are placeholders (72 from a camera, 1 from a bad
# writer): the resolution is then estimated from the page size instead.
PLAUSIBLE_DPI = (100, 1200)
A4_LONG_SIDE_IN = 297 / 25.4
# Pages read from one file, PDF or TIFF alike: a day's box scanned as one file is well
# under it (a box holds tens of items, a few pages each), and a file of 500 blank sheets
# is still read and stored as one "hojas en blanco" item, one page in memory at a time.
# Beyond it the file is refused before any page is rendered; split it and load the parts.
MAX_PAGES = 500

Pages = Generator[PageImage, None, None]

_MAGIC: list[tuple[bytes, str]] = [
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"II+\x00", "tiff"),  # BigTIFF
    (b"MM\x00+", "tiff"),
]

# Image formats the product does not read, by magic bytes and by extension: a file in one
# of them is named for what it is, so the user can convert it.
_OTHER_FORMATS: list[tuple[bytes, str]] = [
    (b"GIF87a", "GIF"), (b"GIF89a", "GIF"), (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"),
]
_OTHER_EXTENSIONS = {".gif": "GIF", ".bmp": "BMP", ".webp": "WebP", ".heic": "HEIC",
                     ".heif": "HEIF", ".jp2": "JPEG 2000", ".jxl": "JPEG XL"}


def unsupported_format(ext: str) -> str | None:
    """The Spanish reason for an image format not read, from an extension (".gif"), or
    None when the extension names no such format."""
    name = _OTHER_EXTENSIONS.get(ext.lower())
    return None if name is None else _unsupported(name)


def _unsupported(name: str) -> str:
    return (f"formato de imagen no admitido ({name}); se leen PDF, JPG, PNG y TIFF: "
            "conviértalo a uno de ellos")


def _other_format(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "HEIC"
    if data[:2] == b"BM" and data[6:10] == b"\x00\x00\x00\x00":  # BMP: reserved zeros
        return "BMP"
    return next((name for magic, name in _OTHER_FORMATS if data.startswith(magic)), None)


def sniff_kind(data: bytes) -> str:
    """The file kind from its magic bytes: "pdf", "jpeg", "png", "tiff" or "desconocido"."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    # PDF readers accept junk before the header (some scanners prepend a few bytes).
    if b"%PDF-" in data[:1024]:
        return "pdf"
    return "desconocido"


def load_file(data: bytes, filename: str, *, max_pixels: int = DEFAULT_MAX_PIXELS,
              dpi: int = 300) -> list[PageImage]:
    """Every page of a file at once (small files: tests, benchmarks); see iter_pages."""
    return list(iter_pages(data, filename, max_pixels=max_pixels, dpi=dpi))


def iter_pages(data: bytes, filename: str, *, max_pixels: int = DEFAULT_MAX_PIXELS,
               dpi: int = 300) -> Pages:
    """Decode a file into pages, one at a time; PDF pages keep a real text layer.

    The file is refused before any page is decoded when it is empty, not an image or PDF,
    damaged in its structure, protected, over MAX_PAGES pages or holds a page over
    `max_pixels`; a page is decoded only when the caller asks for it, so a caller that
    drops each page before the next holds one page's pixels at a time.

    Args:
        data: the file's bytes; the kind is detected from them, not from `filename`.
        filename: only used for diagnostics (never logged: it may carry a name).
        max_pixels: refuse any page larger than this (decompression bombs), checked
            from the declared size before decoding.
        dpi: resolution at which PDF pages are rendered.

    Raises:
        UnreadableImageError: with a Spanish reason (empty, corrupt, not an image or PDF,
            too large, too many pages, password-protected), when called for the checks
            made up front, or while iterating for a page that turns out to be broken.
    """
    if not data:
        raise UnreadableImageError("archivo vacío")
    kind = sniff_kind(data)
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    log.debug("loading %d bytes: kind %s, extension %s", len(data), kind, ext or "-")
    if kind == "pdf":
        return _pdf_pages(read_pdf(data, dpi=dpi, max_pixels=max_pixels,
                                   max_pages=MAX_PAGES), dpi)
    if kind == "desconocido":
        other = _other_format(data)
        raise UnreadableImageError(_unsupported(other) if other else
                                   "no es una imagen ni un PDF")
    img = _open_image(data)
    try:
        _check_frames(img, kind, max_pixels)
    except BaseException:
        img.close()
        raise
    return _image_pages(img, kind, max_pixels)


def _pdf_pages(pages: PdfPages, dpi: int) -> Pages:
    # No enumerate(): its reused result tuple would keep the last page alive while the
    # next one renders.
    page_no = 0
    for page in pages:
        page_no += 1
        yield PageImage(pixels=page.pixels, page_no=page_no, dpi=dpi,
                        text_layer=page.text_layer, notes=page.notes)
        del page  # not held while the next page renders


def _check_frames(img: Image.Image, kind: str, max_pixels: int) -> None:
    """The frame count and every frame's declared size, from a TIFF's directory chain
    (Pillow refuses a chain that loops), before any frame is decoded."""
    if kind != "tiff":
        _check_pixels(img.size, max_pixels)
        return
    try:
        frames = int(getattr(img, "n_frames", 1))
        if frames > MAX_PAGES:
            raise UnreadableImageError(too_many_pages(frames, MAX_PAGES))
        for i in range(frames):
            img.seek(i)
            _check_pixels(img.size, max_pixels)
        img.seek(0)
    except (OSError, EOFError, SyntaxError, ValueError) as e:
        raise UnreadableImageError("la imagen está dañada o incompleta") from e


def _open_image(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Our own max_pixels decides; Pillow's warning threshold (89 Mpx) is not ours.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as e:
        raise UnreadableImageError("la imagen es demasiado grande (posible bomba de "
                                   "descompresión)") from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise UnreadableImageError("la imagen está dañada o incompleta") from e


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    w, h = size
    if w <= 0 or h <= 0:
        raise UnreadableImageError("la imagen no tiene tamaño válido")
    if w * h > max_pixels:
        raise UnreadableImageError(
            f"la imagen es demasiado grande ({w}×{h} píxeles; máximo {max_pixels:,})")


def _frame_dpi(img: Image.Image, pixels: np.ndarray) -> int:
    declared = img.info.get("dpi")
    try:
        value = round(float(declared[0])) if declared else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    if PLAUSIBLE_DPI[0] <= value <= PLAUSIBLE_DPI[1]:
        return value
    # No usable declaration (phone photos): assume the page fills the long side of an A4.
    est = round(max(pixels.shape[:2]) / A4_LONG_SIDE_IN)
    return int(min(max(est, 72), PLAUSIBLE_DPI[1]))


def _to_array(frame: Image.Image) -> np.ndarray:
    if frame.mode in ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F"):
        if frame.mode.startswith("I") or frame.mode == "F":
            # 16-bit/float scans: stretch to 8 bits rather than clip.
            a = np.asarray(frame, dtype=np.float64)
            lo, hi = float(a.min()), float(a.max())
            a = (a - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros_like(a)
            return a.astype(np.uint8)
        return np.asarray(frame.convert("L"))
    if frame.mode in ("RGBA", "LA", "PA", "P") or "transparency" in frame.info:
        # Transparent areas are paper: composite on white, not on black.
        rgba = frame.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(bg, rgba).convert("RGB"))
    return np.asarray(frame.convert("RGB"))


def _image_pages(img: Image.Image, kind: str, max_pixels: int) -> Pages:
    """The frames of an opened image, decoded one at a time as they are asked for."""
    try:
        frames = ImageSequence.Iterator(img) if kind == "tiff" else [img]
        page_no = 0
        for frame in frames:
            page_no += 1
            yield _decode(frame, kind, page_no, max_pixels)
    except (OSError, EOFError) as e:  # a TIFF whose next frame is broken
        raise UnreadableImageError("la imagen está dañada o incompleta") from e
    finally:
        img.close()


def _decode(frame: Image.Image, kind: str, page_no: int, max_pixels: int) -> PageImage:
    _check_pixels(frame.size, max_pixels)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            frame.load()
            upright = ImageOps.exif_transpose(frame) if kind == "jpeg" else frame
            pixels = _to_array(upright)
    except UnreadableImageError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        raise UnreadableImageError("la imagen está dañada o incompleta") from e
    return PageImage(pixels=np.ascontiguousarray(pixels), page_no=page_no,
                     dpi=_frame_dpi(frame, pixels))
