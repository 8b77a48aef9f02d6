"""Hostile kinds made of odd formats: PDFs and images a scanner, a phone or a careless
hand produces, each with the outcome a user should get (see corpus.py).

A good page in an odd but standard form (rotated, image-only, owner-locked, CMYK,
progressive, 16-bit, palette, transparent, G4-compressed, frames of different sizes...)
must be ingested; a damaged one quarantined with a Spanish reason; a format the product
does not read (GIF, BMP, WebP: the README reads PDF, JPG, PNG and TIFF) refused in Spanish
by name, never lost without a word.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from tests.hostile._base import (
    CUARENTENA,
    INGRESADO,
    RECHAZADO,
    SMALL_DPI,
    SMALL_PT,
    Hostile,
    letter_image,
    letter_pdf,
    pdf_from_objects,
    small_letter,
    small_letter_png,
    write,
)

_HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_LINES = [b"A quien corresponda:", b"Solicito una cita con el medico familiar de mi unidad",
          b"porque no me han dado fecha desde hace dos meses.", b"Atentamente, un usuario"]


def _text_stream(serial: int) -> bytes:
    body = [b"BT /F1 12 Tf 16 TL 72 770 Td"]
    body += [b"(" + line + b") '" for line in [*_LINES, b"Folio interno %d" % (3000 + serial)]]
    body.append(b"ET")
    stream = b"\n".join(body)
    return b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"


def text_page_pdf(serial: int, *, page: bytes = b"", catalog: bytes = b"",
                  extra: list[bytes] | None = None) -> bytes:
    """One typed page, hand-made: `page` and `catalog` add entries to those objects,
    `extra` adds objects numbered from 6 on."""
    return pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R " + (page or b"/MediaBox [0 0 595 842] ") + b">>",
        _HELVETICA,
        _text_stream(serial),
        *(extra or []),
    ])


def _image(img: Image.Image, fmt: str, **options: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **options)
    return buf.getvalue()


# --- PDF -------------------------------------------------------------------------------

def pdf_without_pages(box: Path) -> Hostile:
    """A PDF whose page tree is empty: nothing to read, and it must say so. pdfium will
    not open a document without pages, so the reason is the damaged-PDF one: fair, since
    a document of no pages is no document; what matters is a Spanish reason."""
    data = pdf_from_objects([b"<< /Type /Catalog /Pages 2 0 R >>",
                             b"<< /Type /Pages /Kids [] /Count 0 >>"])
    return Hostile("pdf_sin_paginas", [write(box / "sin_paginas.pdf", data)], CUARENTENA,
                   reason="PDF")


def pdf_broken_xref(box: Path) -> Hostile:
    """A letter whose xref offsets all point at the wrong byte (an editor that appended
    without fixing them): every reader rebuilds the table by scanning, so it is read."""
    data = bytearray(letter_pdf(30))
    start = data.rindex(b"xref\n")
    table = bytes(data[start:])
    # Shift every in-use offset by 7 bytes: same length, every entry wrong.
    lines = [(b"%010d 00000 n " % (int(line[:10]) + 7) if line.endswith(b" n ") else line)
             for line in table.split(b"\n")]
    data[start:] = b"\n".join(lines)
    return Hostile("pdf_xref_danado_reparable", [write(box / "xref_roto.pdf", bytes(data))],
                   INGRESADO)


def pdf_rotated(box: Path) -> Hostile:
    """A typed page stored sideways with /Rotate 90, as scanners do for landscape feeds."""
    data = text_page_pdf(31, page=b"/MediaBox [0 0 595 842] /Rotate 90 ")
    return Hostile("pdf_pagina_rotada_90", [write(box / "rotada.pdf", data)], INGRESADO)


def pdf_huge_mediabox(box: Path) -> Hostile:
    """A page of 200 × 200 inches (the largest a PDF may declare): 3.6 gigapixels at 300 ppp.
    Refusing it in Spanish is what a user can act on (no complaint is a wall plan); the
    reason must say it is too large."""
    data = text_page_pdf(32, page=b"/MediaBox [0 0 14400 14400] ")
    return Hostile("pdf_pagina_enorme", [write(box / "enorme.pdf", data)], CUARENTENA,
                   reason="demasiado grande")


def pdf_zero_mediabox(box: Path) -> Hostile:
    """A page declaring a 0 × 0 MediaBox: the page has no area, so nothing can be drawn.
    PDF readers fall back to a default page size and show the text; a user would accept
    either that page read or a Spanish refusal, but never a crash. pdfium (what the
    product reads with) falls back to US Letter, so the typed text is there to read:
    expected ingested."""
    data = text_page_pdf(33, page=b"/MediaBox [0 0 0 0] ")
    return Hostile("pdf_pagina_de_tamano_cero", [write(box / "tamano_cero.pdf", data)],
                   INGRESADO)


def pdf_image_only(box: Path) -> Hostile:
    """What most scanners write: one page holding only a picture of the letter, no text."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=SMALL_PT, invariant=1)
    c.drawImage(ImageReader(io.BytesIO(small_letter_png(34))), 0, 0, width=SMALL_PT[0],
                height=SMALL_PT[1])
    c.showPage()
    c.save()
    return Hostile("pdf_solo_imagen", [write(box / "escaneo.pdf", buf.getvalue())], INGRESADO)


def pdf_owner_password(box: Path) -> Hostile:
    """Encrypted with an owner password only (printing, copying limited): it opens without
    asking anyone anything, as in every viewer, so it is read like any letter."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    enc = StandardEncryption("", ownerPassword="solo-el-dueño", canPrint=1, canModify=0,
                             canCopy=0, canAnnotate=0)
    return Hostile("pdf_cifrado_solo_propietario",
                   [write(box / "restringido.pdf", letter_pdf(35, encrypt=enc))], INGRESADO)


def pdf_javascript_form(box: Path) -> Hostile:
    """A letter with JavaScript run at opening and a form field: the script is never run
    and the letter is read."""
    action = b"/OpenAction << /S /JavaScript /JS (app.alert\\('hola'\\);) >> "
    form = b"/AcroForm << /Fields [6 0 R] >> "
    field = (b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (nss) /V (12345678901) "
             b"/Rect [72 600 300 620] /P 3 0 R >>")
    data = text_page_pdf(36, catalog=action + form,
                         page=b"/MediaBox [0 0 595 842] /Annots [6 0 R] ", extra=[field])
    return Hostile("pdf_con_javascript_y_formulario", [write(box / "formulario.pdf", data)],
                   INGRESADO)


def html_named_pdf(box: Path) -> Hostile:
    """A web page saved as .pdf ("Guardar como" in a browser)."""
    html = ("<!DOCTYPE html><html lang=\"es\"><head><meta charset=\"utf-8\"><title>Queja"
            "</title></head><body><p>Quiero presentar una queja.</p></body></html>\n")
    return Hostile("html_con_extension_pdf",
                   [write(box / "pagina_web.pdf", html.encode("utf-8"))], CUARENTENA,
                   reason="no es una imagen ni un PDF")


def zip_named_pdf(box: Path) -> Hostile:
    """A ZIP of two letters (compressed, as every zip tool does) renamed .pdf: not
    unpacked (the user sends the files themselves), quarantined as no PDF.

    (A ZIP *stored* without compression holds its first PDF's bytes in the clear, and
    pdfium, which skips junk before a header, reads that one: not a kind built here.)
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("carta1.pdf", letter_pdf(37))
        z.writestr("carta2.pdf", letter_pdf(137))
    return Hostile("zip_con_extension_pdf", [write(box / "comprimido.pdf", buf.getvalue())],
                   CUARENTENA, reason="no es una imagen ni un PDF")


def uppercase_extensions(box: Path) -> Hostile:
    """Names as some scanners and Windows write them: CARTA.PDF, FOTO.JPG, HOJA.TIFF."""
    paths = [write(box / "CARTA.PDF", letter_pdf(38)),
             write(box / "FOTO.JPG", _image(small_letter(39).convert("RGB"), "JPEG",
                                            quality=85, dpi=SMALL_DPI)),
             write(box / "HOJA.TIFF", _image(small_letter(40), "TIFF", dpi=SMALL_DPI,
                                             compression="tiff_lzw"))]
    return Hostile("extension_en_mayusculas", paths, INGRESADO)


# --- images ----------------------------------------------------------------------------

def png_bad_crc(box: Path) -> Hostile:
    """A PNG whose header chunk fails its checksum (a byte flipped in transit)."""
    data = bytearray(small_letter_png(41))
    data[29] ^= 0xFF  # the IHDR chunk's CRC starts at byte 29 (8 signature + 8 + 13)
    return Hostile("png_con_crc_erroneo", [write(box / "crc.png", bytes(data))], CUARENTENA,
                   reason="dañada")


def png_truncated(box: Path) -> Hostile:
    """A PNG cut in the middle of its image data (a copy interrupted)."""
    data = small_letter_png(42)
    return Hostile("png_truncado", [write(box / "cortado.png", data[: len(data) // 2])],
                   CUARENTENA, reason="dañada")


def one_pixel(box: Path) -> Hostile:
    """A 1 × 1 pixel PNG (a tracking pixel saved from an e-mail). First guess: refused as
    too small. The product stores it as one blank "otro" item, which the reviewer
    discards with one key: a user accepts that (nothing crashed, nothing was lost, the
    queue says what it is), so the expectation is "ingresado"."""
    data = _image(Image.new("L", (1, 1), 255), "PNG")
    return Hostile("imagen_de_1x1_pixel", [write(box / "pixel.png", data)], INGRESADO)


def png_16_bit(box: Path) -> Hostile:
    """A 16-bit greyscale scan (archival scanners' setting)."""
    img = small_letter(43).point(lambda v: v * 257, "I")
    data = _image(img.convert("I;16"), "PNG", dpi=SMALL_DPI)
    return Hostile("png_de_16_bits", [write(box / "16bits.png", data)], INGRESADO)


def png_palette(box: Path) -> Hostile:
    """An 8-colour palette PNG (what 'reduce size' tools write)."""
    img = small_letter(44).convert("RGB").quantize(colors=8)
    return Hostile("png_con_paleta", [write(box / "paleta.png",
                                            _image(img, "PNG", dpi=SMALL_DPI))], INGRESADO)


def png_alpha(box: Path) -> Hostile:
    """Black text on a fully transparent background (a cut-out from an editor): the
    transparent area is paper."""
    ink = small_letter(45)
    rgba = Image.new("RGBA", ink.size, (0, 0, 0, 0))
    rgba.putalpha(ink.point(lambda v: 255 - v))
    return Hostile("png_con_transparencia", [write(box / "transparente.png",
                                                   _image(rgba, "PNG", dpi=SMALL_DPI))],
                   INGRESADO)


def jpeg_cmyk(box: Path) -> Hostile:
    """A CMYK JPEG (from a print workflow)."""
    data = _image(small_letter(47).convert("CMYK"), "JPEG", quality=85, dpi=SMALL_DPI)
    return Hostile("jpeg_cmyk", [write(box / "cmyk.jpg", data)], INGRESADO)


def jpeg_progressive(box: Path) -> Hostile:
    data = _image(small_letter(48).convert("RGB"), "JPEG", quality=85, progressive=True,
                  dpi=SMALL_DPI)
    return Hostile("jpeg_progresivo", [write(box / "progresivo.jpg", data)], INGRESADO)


def jpeg_exif_rotated(box: Path) -> Hostile:
    """A phone photo held sideways: pixels stored rotated, EXIF orientation 6 says turn
    them 90° clockwise to read."""
    sideways = small_letter(49).convert("RGB").transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    data = _image(sideways, "JPEG", quality=85, dpi=SMALL_DPI, exif=exif.tobytes())
    return Hostile("jpeg_exif_orientacion_6", [write(box / "telefono.jpg", data)], INGRESADO)


def jpeg_truncated(box: Path) -> Hostile:
    """A JPEG cut at half its bytes (an interrupted transfer). Half a letter cannot be
    trusted as the whole: quarantined with a reason, to be scanned again."""
    data = _image(small_letter(50).convert("RGB"), "JPEG", quality=85, dpi=SMALL_DPI)
    return Hostile("jpeg_truncado", [write(box / "cortado.jpg", data[: len(data) // 2])],
                   CUARENTENA, reason="dañada")


def other_image_formats(box: Path) -> Hostile:
    """A letter as GIF, BMP and WebP beside the scans. The product reads PDF, JPG, PNG and
    TIFF (README); a user accepts these refused, provided each one is named with a Spanish
    reason (so it can be converted), not dropped without a word."""
    img = small_letter(51)
    paths = [write(box / "carta.gif", _image(img, "GIF")),
             write(box / "carta.bmp", _image(img, "BMP")),
             write(box / "carta.webp", _image(img, "WEBP", quality=80))]
    return Hostile("gif_bmp_webp", paths, RECHAZADO, reason="formato")


def other_format_named(box: Path) -> Hostile:
    """A GIF named .png (a web download renamed): its content is read, and what it is
    must be said: an image in a format not read, not 'not an image'."""
    data = _image(small_letter(52), "GIF")
    return Hostile("gif_con_extension_png", [write(box / "descarga.png", data)], CUARENTENA,
                   reason="formato")


def tiff_mixed_sizes(box: Path) -> Hostile:
    """A multi-frame TIFF whose frames differ in size (a letter page, then a half-page
    form, then a landscape page): three pages, each read at its own size."""
    a = small_letter(53)
    b = letter_image(54, size=(827, 585))
    c = small_letter(55).transpose(Image.Transpose.ROTATE_90)
    buf = io.BytesIO()
    a.save(buf, "TIFF", save_all=True, append_images=[b, c], dpi=SMALL_DPI,
           compression="tiff_deflate")
    return Hostile("tiff_paginas_de_tamanos_distintos",
                   [write(box / "tamanos.tif", buf.getvalue())], INGRESADO)


def tiff_g4(box: Path) -> Hostile:
    """A 1-bit TIFF in CCITT Group 4, what bilevel office scanners write."""
    img = small_letter(56).point(lambda v: 255 if v > 128 else 0).convert("1")
    data = _image(img, "TIFF", compression="group4", dpi=SMALL_DPI)
    return Hostile("tiff_1_bit_ccitt_g4", [write(box / "g4.tif", data)], INGRESADO)


def tiff_jpeg(box: Path) -> Hostile:
    """A TIFF holding JPEG-compressed greyscale (a colour scanner's 'compact' setting)."""
    data = _image(small_letter(57), "TIFF", compression="jpeg", quality=85, dpi=SMALL_DPI)
    return Hostile("tiff_con_compresion_jpeg", [write(box / "tiff_jpeg.tif", data)],
                   INGRESADO)


KINDS: dict[str, Callable[[Path], Hostile]] = {
    "pdf_sin_paginas": pdf_without_pages,
    "pdf_xref_danado_reparable": pdf_broken_xref,
    "pdf_pagina_rotada_90": pdf_rotated,
    "pdf_pagina_enorme": pdf_huge_mediabox,
    "pdf_pagina_de_tamano_cero": pdf_zero_mediabox,
    "pdf_solo_imagen": pdf_image_only,
    "pdf_cifrado_solo_propietario": pdf_owner_password,
    "pdf_con_javascript_y_formulario": pdf_javascript_form,
    "html_con_extension_pdf": html_named_pdf,
    "zip_con_extension_pdf": zip_named_pdf,
    "extension_en_mayusculas": uppercase_extensions,
    "png_con_crc_erroneo": png_bad_crc,
    "png_truncado": png_truncated,
    "imagen_de_1x1_pixel": one_pixel,
    "png_de_16_bits": png_16_bit,
    "png_con_paleta": png_palette,
    "png_con_transparencia": png_alpha,
    "jpeg_cmyk": jpeg_cmyk,
    "jpeg_progresivo": jpeg_progressive,
    "jpeg_exif_orientacion_6": jpeg_exif_rotated,
    "jpeg_truncado": jpeg_truncated,
    "gif_bmp_webp": other_image_formats,
    "gif_con_extension_png": other_format_named,
    "tiff_paginas_de_tamanos_distintos": tiff_mixed_sizes,
    "tiff_1_bit_ccitt_g4": tiff_g4,
    "tiff_con_compresion_jpeg": tiff_jpeg,
}
