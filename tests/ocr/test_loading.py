"""Loading files: kinds by magic bytes, PDF text layers, and every way a file can be bad."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zlib

import numpy as np
import pytest
from ocr_testing import LETTER, png_bytes, text_page
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ocr.errors import UnreadableImageError
from ocr.loading import load_file, sniff_kind


def _pdf(lines: list[str] | None, *, pagesize=A4, pages: int = 1, **kw) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=pagesize, **kw)
    for _ in range(pages):
        for i, line in enumerate(lines or []):
            c.drawString(72, pagesize[1] - 72 - 16 * i, line)
        c.showPage()
    c.save()
    return buf.getvalue()


def _image_pdf(img: Image.Image) -> bytes:
    """A 'scanned' PDF: one page that is only an image, no text layer."""
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="PDF", resolution=100)
    return buf.getvalue()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(
        ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _png_declaring(w: int, h: int) -> bytes:
    """A tiny PNG whose header claims w x h pixels (a decompression bomb's shape)."""
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
            + _png_chunk(b"IEND", b""))


@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.7\n...", "pdf"),
    (b"\x00\x01junk%PDF-1.4\n", "pdf"),
    (b"\xff\xd8\xff\xe0rest", "jpeg"),
    (b"\x89PNG\r\n\x1a\nrest", "png"),
    (b"II*\x00rest", "tiff"),
    (b"MM\x00*rest", "tiff"),
    (b"GIF89a", "desconocido"),
    (b"Hola, esto es texto", "desconocido"),
])
def test_sniff_kind_uses_magic_bytes(data, kind):
    assert sniff_kind(data) == kind


def test_png_loads_with_its_dpi_and_ignores_a_wrong_extension():
    img = text_page(dpi=150)
    pages = load_file(png_bytes(img, dpi=(150, 150)), "escaneo.pdf")
    assert len(pages) == 1
    p = pages[0]
    assert p.page_no == 1 and p.dpi == 150 and p.text_layer is None
    assert p.pixels.shape[:2] == (img.height, img.width)
    assert p.pixels.dtype == np.uint8


def test_jpeg_without_dpi_gets_an_estimate_from_an_a4_page():
    img = text_page(dpi=200).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=85)
    [p] = load_file(buf.getvalue(), "foto.jpg")
    assert p.pixels.ndim == 3 and p.pixels.shape[2] == 3
    assert abs(p.dpi - 200) <= 3


def test_transparent_png_is_composited_on_white():
    img = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    [p] = load_file(png_bytes(img), "x.png")
    assert p.pixels.min() == 255


def test_multipage_tiff_gives_every_frame():
    frames = [text_page([f"Página número {i}"], dpi=100) for i in (1, 2, 3)]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:], dpi=(100, 100))
    pages = load_file(buf.getvalue(), "lote.tif")
    assert [p.page_no for p in pages] == [1, 2, 3]
    # The frames differ (their text differs), so each one was really decoded.
    assert not np.array_equal(pages[0].pixels, pages[2].pixels)


def test_digital_pdf_keeps_its_text_layer_and_is_rendered_at_dpi():
    pdf = _pdf(LETTER, pages=2)
    pages = load_file(pdf, "carta.pdf", dpi=100)
    assert len(pages) == 2
    for p in pages:
        assert "urgencias esperé más de seis horas" in p.text_layer
        assert p.dpi == 100
        assert abs(p.pixels.shape[1] - 827) <= 1 and abs(p.pixels.shape[0] - 1169) <= 1


def test_near_empty_text_layer_is_ignored():
    [p] = load_file(_pdf(["- 3 -"]), "escaneo.pdf", dpi=72)
    assert p.text_layer is None


def test_scanned_pdf_has_no_text_layer_but_has_pixels():
    [p] = load_file(_image_pdf(text_page(dpi=100)), "escaneo.pdf", dpi=100)
    assert p.text_layer is None
    assert (p.pixels < 128).any()


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "archivo vacío"),
    (b"Querido IMSS: esto no es una imagen.", "no es una imagen ni un PDF"),
    (b"%PDF-1.4\n%%garbage that is not a PDF at all", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDRbroken", "dañada"),
])
def test_bad_bytes_raise_with_a_spanish_reason(data, reason):
    with pytest.raises(UnreadableImageError, match=reason):
        load_file(data, "volante.png")


def test_truncated_jpeg_and_pdf_are_unreadable():
    buf = io.BytesIO()
    text_page(dpi=100).save(buf, format="JPEG")
    jpeg = buf.getvalue()
    with pytest.raises(UnreadableImageError, match="dañada"):
        load_file(jpeg[: len(jpeg) // 2], "x.jpg")
    pdf = _pdf(LETTER)
    with pytest.raises(UnreadableImageError, match="dañado"):
        load_file(pdf[: len(pdf) // 2], "x.pdf")


def test_password_protected_pdf_is_refused():
    with pytest.raises(UnreadableImageError, match="contraseña"):
        load_file(_pdf(LETTER, encrypt="secreto"), "x.pdf")


def test_decompression_bomb_png_is_refused_before_decoding():
    data = _png_declaring(30000, 30000)
    tracemalloc.start()
    t0 = time.monotonic()
    try:
        with pytest.raises(UnreadableImageError, match="demasiado grande"):
            load_file(data, "bomba.png")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - t0 < 2
    assert peak < 50_000_000  # 30000x30000 would be 900 MB


def test_max_pixels_applies_below_pillows_own_limit():
    img = Image.new("L", (2000, 1000), 255)
    with pytest.raises(UnreadableImageError, match="demasiado grande"):
        load_file(png_bytes(img), "x.png", max_pixels=1_000_000)


def test_huge_pdf_page_is_refused_before_rendering():
    t0 = time.monotonic()
    with pytest.raises(UnreadableImageError, match="demasiado grande"):
        load_file(_pdf(["x"], pagesize=(14400, 14400)), "x.pdf")
    assert time.monotonic() - t0 < 2


def test_jpeg_exif_orientation_is_applied():
    img = Image.new("RGB", (300, 200), "white")
    img.paste((0, 0, 0), (0, 0, 60, 40))  # a dark block top-left as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 clockwise to display"
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif, quality=95)
    [p] = load_file(buf.getvalue(), "foto.jpg")
    assert p.pixels.shape[:2] == (300, 200)  # displayed upright: portrait
    assert p.pixels[:30, -30:].mean() < 60  # the block is now top-right


def test_sixteen_bit_grayscale_is_stretched_not_clipped():
    a = np.linspace(1000, 4000, 200 * 100).reshape(100, 200).astype(np.uint16)
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format="PNG")
    [p] = load_file(buf.getvalue(), "x.png")
    assert p.pixels.dtype == np.uint8 and p.pixels.ndim == 2
    assert p.pixels.min() == 0 and p.pixels.max() == 255


def _jpeg_declaring(w: int, h: int) -> bytes:
    """A JPEG header (SOI, baseline SOF0) claiming w x h pixels, with no image data."""
    sof = struct.pack(">BHHB", 8, h, w, 1) + bytes([1, 0x11, 0])
    return b"\xff\xd8" + b"\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof + b"\xff\xd9"


def _tiff_declaring(w: int, h: int) -> bytes:
    """A little-endian TIFF whose one frame claims w x h 8-bit gray pixels, 16 bytes of data."""
    entries = [(256, 4, 1, w), (257, 4, 1, h), (258, 3, 1, 8), (259, 3, 1, 1),
               (262, 3, 1, 1), (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, h),
               (279, 4, 1, 16)]
    ifd_at = 8 + 16
    ifd = struct.pack("<H", len(entries)) + b"".join(
        struct.pack("<HHII", tag, typ, n, v) for tag, typ, n, v in entries) + b"\0\0\0\0"
    return b"II*\x00" + struct.pack("<I", ifd_at) + b"\0" * 16 + ifd


@pytest.mark.parametrize(("data", "name"), [(_jpeg_declaring(30000, 30000), "bomba.jpg"),
                                            (_tiff_declaring(30000, 30000), "bomba.tif")])
def test_huge_jpeg_and_tiff_are_refused_before_decoding(data, name):
    """GIVEN headers claiming 30000x30000 px (900 Mpx) WHEN loaded THEN a clear Spanish
    refusal, fast and without allocating the image."""
    tracemalloc.start()
    t0 = time.monotonic()
    try:
        with pytest.raises(UnreadableImageError, match="demasiado grande"):
            load_file(data, name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - t0 < 2
    assert peak < 50_000_000


def test_corrupt_image_bodies_are_refused_not_crashed():
    good = png_bytes(Image.new("L", (400, 300), 255))
    for data in (good[: len(good) // 2], good[:40] + b"\0" * 200, b"\xff\xd8\xff" + b"\0" * 50):
        with pytest.raises(UnreadableImageError):
            load_file(data, "roto.png")


def test_a_looping_page_tree_is_a_damaged_pdf():
    """pdfium opens the file but finds no page where the tree says there is one."""
    from tests.hostile.corpus import looping_pdf

    with pytest.raises(UnreadableImageError, match="el PDF está dañado"):
        load_file(looping_pdf(), "ciclo.pdf")


def test_a_megabyte_text_layer_is_cut_quickly_and_noted():
    """GIVEN one page carrying a megabyte of text (pdfplumber took 147 s and 2.5 GB on it)
    WHEN loaded THEN at most MAX_TEXT_LAYER_CHARS are kept, a Spanish note says so, and
    the page is loaded in seconds."""
    from ocr.pdf import MAX_TEXT_LAYER_CHARS
    from tests.hostile.corpus import HUGE_TEXT_CHARS, huge_text_pdf

    t0 = time.monotonic()
    [p] = load_file(huge_text_pdf(), "enorme.pdf", dpi=100)
    assert time.monotonic() - t0 < 10
    assert 0.9 * MAX_TEXT_LAYER_CHARS <= len(p.text_layer) <= MAX_TEXT_LAYER_CHARS
    assert p.text_layer.startswith("Solicito que me reprogramen la cita")
    [note] = p.notes
    total = int(note.split()[5].replace(",", ""))
    assert total >= HUGE_TEXT_CHARS * 0.99
    assert note == (f"la capa de texto tiene {total:,} caracteres; se conservaron los "
                    f"primeros {MAX_TEXT_LAYER_CHARS:,}")


def test_a_text_layer_keeps_its_lines_and_mends_words_broken_at_a_line_end():
    """pdfium ends lines with CR LF and marks a hyphen that breaks a word with U+FFFE."""
    from tests.hostile.corpus import pdf_from_objects

    stream = (b"BT /F1 12 Tf 72 700 Td (Primera linea de la carta: atencion) Tj 0 -14 Td "
              b"(Esta es una pala-) Tj 0 -14 Td (bra partida en dos renglones) Tj ET")
    pdf = pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"])
    [p] = load_file(pdf, "carta.pdf", dpi=72)
    assert p.text_layer.splitlines() == ["Primera linea de la carta: atencion",
                                         "Esta es una palabra partida en dos renglones"]


def test_a_pdf_over_the_page_cap_is_refused_before_any_page_is_rendered(monkeypatch):
    """GIVEN a PDF of MAX_PAGES + 1 pages WHEN loaded THEN it is refused at once with a
    Spanish reason naming its page count and the cap, and no page is drawn; MAX_PAGES
    pages are read (issue 12, item 2: bounded in count)."""
    from ocr import pdf
    from ocr.loading import MAX_PAGES, iter_pages

    def no_render(*_a, **_k):
        raise AssertionError("a page was rendered")

    monkeypatch.setattr(pdf, "_render", no_render)
    with pytest.raises(UnreadableImageError) as info:
        iter_pages(_pdf(None, pagesize=(72, 72), pages=MAX_PAGES + 1), "caja.pdf", dpi=10)
    assert str(info.value) == (f"el archivo tiene {MAX_PAGES + 1} páginas y se leen como "
                               f"máximo {MAX_PAGES} por archivo; divídalo en partes más "
                               "pequeñas")
    monkeypatch.undo()
    pages = iter_pages(_pdf(None, pagesize=(72, 72), pages=MAX_PAGES), "caja.pdf", dpi=10)
    assert sum(1 for _ in pages) == MAX_PAGES


def test_a_tiff_over_the_page_cap_is_refused_with_the_same_reason():
    from ocr.loading import MAX_PAGES

    frames = [Image.new("L", (8, 8), 255) for _ in range(MAX_PAGES + 1)]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(UnreadableImageError, match=f"tiene {MAX_PAGES + 1} páginas"):
        load_file(buf.getvalue(), "lote.tif")


def test_a_tiff_frame_over_max_pixels_is_refused_before_any_frame_is_decoded():
    """The second frame of a TIFF declares a size over the limit: refused up front."""
    from ocr.loading import iter_pages

    buf = io.BytesIO()
    Image.new("L", (20, 20), 255).save(buf, format="TIFF", save_all=True,
                                       append_images=[Image.new("L", (2000, 1000), 255)])
    with pytest.raises(UnreadableImageError, match="demasiado grande"):
        iter_pages(buf.getvalue(), "lote.tif", max_pixels=1_000_000)


@pytest.mark.parametrize("fmt, name", [("GIF", "GIF"), ("BMP", "BMP"), ("WEBP", "WebP")])
def test_an_image_format_not_read_is_named_in_the_reason(fmt, name):
    """A GIF, BMP or WebP (named .png, say) is refused for what it is, so the user knows
    to convert it: not "no es una imagen"."""
    buf = io.BytesIO()
    Image.new("L", (40, 30), 255).save(buf, fmt)
    with pytest.raises(UnreadableImageError) as e:
        load_file(buf.getvalue(), "descarga.png")
    assert f"formato de imagen no admitido ({name})" in str(e.value)
    assert "PDF, JPG, PNG y TIFF" in str(e.value)


def test_text_starting_like_a_bmp_is_still_not_an_image():
    with pytest.raises(UnreadableImageError, match="no es una imagen ni un PDF"):
        load_file(b"BMW: llevar el coche a revisar el martes\n", "nota.tif")
