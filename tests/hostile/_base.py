"""What the hostile corpus is made of: the outcomes, a kind's record and the content
(letters as PNG, JPEG and PDF, hand-made PDF objects) its builders write.

Shared by tests/hostile/corpus.py and the kinds it gathers (formats.py, names.py).
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LETTER = ["A quien corresponda:", "Quiero agradecer a la enfermera del turno matutino",
          "por su atención tan amable con mi papá en urgencias.", "Atentamente, una usuaria"]
# Characters in the huge text layer: about 1 MB of text on one page.
HUGE_TEXT_CHARS = 1_000_000
# A decompression bomb's declared size: 10 gigapixels in a file of a few hundred bytes.
BOMB_SIDE = 100_000
# Blank frames between the two letters of the multi-frame TIFF.
BLANK_FRAMES = 20
# Pages of the blank PDF that took the server down (6 GB and rising: issue 12, item 2).
BLANK_PDF_PAGES = 500

INGRESADO, CUARENTENA, RECHAZADO = "ingresado", "cuarentena", "rechazado"
# What the operating system, Python, the libraries and Dask say in English, and must never
# reach a user: exception names (PdfiumError, OSError), tracebacks, strerror texts, Dask's
# log lines. ("Error" alone is Spanish too: "Error: 2 archivo(s) con error".)
_ENGLISH = re.compile(r"\w+Error\b|\w+Exception\b|Traceback|denied|No such file|"
                      r"Permission|not permitted|Compute Failed|\bERROR\b|\bWARNING\b|"
                      r"\bfailed\b|distributed\.")


def english_in(text: str) -> list[str]:
    """The English words of `text` that betray an untranslated message."""
    return _ENGLISH.findall(text)


@dataclass(frozen=True)
class Hostile:
    """One kind's files and the outcome expected for each of them."""

    kind: str
    paths: list[Path]  # what ingest will meet in the box (files, links, folders)
    outcome: str  # ingresado | cuarentena | rechazado
    # Where the file's bytes really are when `paths` are links (their content must never
    # reach the data dir), and files placed outside the box.
    outside: list[Path] = field(default_factory=list)
    # How a reason for this kind must read (a Spanish fragment), when it has one.
    reason: str | None = None
    # False when this process cannot make the kind real (root reads chmod-000 folders).
    real: bool = True
    # Other names for the bytes of paths[0] (a copy, a hard link): the file is stored once,
    # under one of the names, the others counted as repeats; none quarantined or refused.
    copies: list[Path] = field(default_factory=list)


# --- content ---------------------------------------------------------------------------

def letter_image(serial: int, lines: list[str] = LETTER, *,
                 size: tuple[int, int] = (1240, 1754)) -> Image.Image:
    """A typed one-page letter (A4 at 150 ppp by default; smaller sizes shrink the margins
    and type with it); `serial` is printed so every file has its own SHA-256."""
    img = Image.new("L", size, 255)
    d = ImageDraw.Draw(img)
    k = size[0] / 1240
    font = ImageFont.truetype(FONT, max(8, round(34 * k)))
    for i, line in enumerate([*lines, f"Folio interno {1000 + serial}"]):
        d.text((round(120 * k), round((200 + 60 * i) * k)), line, fill=0, font=font)
    return img


def letter_png(serial: int, lines: list[str] = LETTER) -> bytes:
    """A typed one-page letter; `serial` is printed so every file has its own SHA-256."""
    img = letter_image(serial, lines)
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(150, 150))
    return buf.getvalue()


# The letter of the kinds about a format or a name, not about reading: a slip of 7 × 10 cm
# at 300 ppp, read as it is (a 150-ppp A4 is first resampled to 300 ppp), in a fraction of
# the time, since the corpus test reads some 30 of them.
SMALL = (827, 1169)
SMALL_DPI = (300, 300)
SMALL_PT = (SMALL[0] * 72 / 300, SMALL[1] * 72 / 300)  # the slip's size in PDF points


def small_letter(serial: int) -> Image.Image:
    """The typed letter on the slip (SMALL pixels at SMALL_DPI)."""
    return letter_image(serial, size=SMALL)


def small_letter_png(serial: int) -> bytes:
    buf = io.BytesIO()
    small_letter(serial).save(buf, "PNG", dpi=SMALL_DPI)
    return buf.getvalue()


def letter_jpeg(serial: int) -> bytes:
    img = Image.open(io.BytesIO(letter_png(serial)))
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=90, dpi=(150, 150))
    return buf.getvalue()


def letter_pdf(serial: int, *, encrypt: str | None = None) -> bytes:
    """A born-digital letter (a real text layer), optionally password-protected."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, encrypt=encrypt)
    for i, line in enumerate([*LETTER, f"Folio interno {2000 + serial}"]):
        c.drawString(72, A4[1] - 72 - 16 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def blank_frame(size: tuple[int, int], serial: int) -> Image.Image:
    """A blank sheet as a scanner gives it: white, with a few specks of dust."""
    img = Image.new("L", size, 255)
    d = ImageDraw.Draw(img)
    for k in range(6):
        x = (serial * 97 + k * 211) % (size[0] - 10)
        y = (serial * 53 + k * 389) % (size[1] - 10)
        d.rectangle((x, y, x + 1, y + 1), fill=40)
    return img


def letters_around_blanks_tiff(blanks: int = BLANK_FRAMES) -> bytes:
    """A multi-frame TIFF: a letter, `blanks` blank frames, another letter."""
    first = Image.open(io.BytesIO(letter_png(20)))
    last = Image.open(io.BytesIO(letter_png(21)))
    frames = [blank_frame(first.size, i) for i in range(blanks)]
    buf = io.BytesIO()
    first.save(buf, "TIFF", save_all=True, append_images=[*frames, last], dpi=(150, 150),
               compression="tiff_deflate")
    return buf.getvalue()


def blank_pages_pdf(pages: int = BLANK_PDF_PAGES) -> bytes:
    """A PDF of `pages` blank A4 pages: some 200 KB for 500, 13 GB if rendered all at once."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for _ in range(pages):
        c.showPage()
    c.save()
    return buf.getvalue()


def pdf_from_objects(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF file from numbered object bodies (1-based), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, xref)
    return bytes(out)


def looping_pdf() -> bytes:
    """A page tree whose node lists itself (and its parent) among its kids: no leaf."""
    return pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [3 0 R 2 0 R] /Count 1 >>",
    ])


def huge_text_pdf(chars: int = HUGE_TEXT_CHARS) -> bytes:
    """One A4 page whose text layer holds `chars` characters, in 1-point type."""
    line = ("Solicito que me reprogramen la cita de rayos x porque no pude asistir "
            "el martes pasado. ")
    per_line = len(line)
    lines = max(1, chars // per_line)
    body = [b"BT /F1 1 Tf 1.1 TL 10 830 Td"]
    body += [b"(" + line.encode("ascii") + b") '" for _ in range(lines)]
    body.append(b"ET")
    stream = b"\n".join(body)
    return pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ])


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(
        ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_declaring(w: int, h: int, *, rgb: bool = False) -> bytes:
    """A tiny PNG whose header claims w x h pixels (a decompression bomb's shape): grey, or
    RGB (which a decoder holds in 4 bytes a pixel)."""
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2 if rgb else 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _png_chunk(b"IEND", b""))



def write(path: Path, data: bytes) -> Path:
    """Write `data` at `path`, making its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
