"""Hostile files for `buzon ingest`, built at run time (nothing binary is committed).

Each builder writes one kind of file (or link, or folder) into a box and returns a
`Hostile`: what it wrote and what ingest must make of it. The expectations are written
here, independently of the product's rules (STYLE.md: generators share no rule with it):

- "ingresado": the file's pages are stored as documents;
- "cuarentena": the file is kept in quarantine with a Spanish reason;
- "rechazado": the file is never read at all (a link out of the box, an unreadable folder,
  a named pipe), and the summary says so.

Used by tests/hostile/test_hostile.py and by `python -m bench.hostile`.
"""

from __future__ import annotations

import errno
import io
import os
import re
import struct
import zlib
from collections.abc import Callable
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


# --- content ---------------------------------------------------------------------------

def letter_png(serial: int, lines: list[str] = LETTER) -> bytes:
    """A typed one-page letter; `serial` is printed so every file has its own SHA-256."""
    img = Image.new("L", (1240, 1754), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 34)
    for i, line in enumerate([*lines, f"Folio interno {1000 + serial}"]):
        d.text((120, 200 + 60 * i), line, fill=0, font=font)
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(150, 150))
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


# --- kinds -----------------------------------------------------------------------------

def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _outside(box: Path) -> Path:
    """A folder beside the box (never under it): where links out point."""
    out = box.parent / f"{box.name}-fuera"
    out.mkdir(parents=True, exist_ok=True)
    return out


def good_png(box: Path) -> Hostile:
    return Hostile("png_bueno", [_write(box / "control.png", letter_png(1))], INGRESADO)


def good_pdf(box: Path) -> Hostile:
    return Hostile("pdf_bueno", [_write(box / "control.pdf", letter_pdf(1))], INGRESADO)


def empty_file(box: Path) -> Hostile:
    return Hostile("archivo_vacio", [_write(box / "vacio.jpg", b"")], CUARENTENA, reason="vacío")


def zero_byte_pdf(box: Path) -> Hostile:
    return Hostile("pdf_cero_bytes", [_write(box / "cero.pdf", b"")], CUARENTENA,
                   reason="vacío")


def truncated_pdf(box: Path) -> Hostile:
    pdf = letter_pdf(2)
    return Hostile("pdf_truncado", [_write(box / "truncado.pdf", pdf[: len(pdf) // 3])],
                   CUARENTENA, reason="dañado")


def jpeg_named_pdf(box: Path) -> Hostile:
    """A good scan with the wrong extension: its content, not its name, decides."""
    return Hostile("jpeg_con_extension_pdf", [_write(box / "foto.pdf", letter_jpeg(3))],
                   INGRESADO)


def text_named_tif(box: Path) -> Hostile:
    return Hostile("texto_con_extension_tif",
                   [_write(box / "nota.tif", b"Recordar: llevar las hojas al jefe.\n")],
                   CUARENTENA, reason="no es una imagen")


def decompression_bomb(box: Path) -> Hostile:
    return Hostile("bomba_de_descompresion",
                   [_write(box / "bomba.png", png_declaring(BOMB_SIDE, BOMB_SIDE))],
                   CUARENTENA, reason="demasiado grande")


def encrypted_pdf(box: Path) -> Hostile:
    return Hostile("pdf_cifrado", [_write(box / "cifrado.pdf", letter_pdf(4, encrypt="clave"))],
                   CUARENTENA, reason="contraseña")


def looping_page_tree(box: Path) -> Hostile:
    return Hostile("pdf_arbol_en_ciclo", [_write(box / "ciclo.pdf", looping_pdf())],
                   CUARENTENA, reason="dañado")


def huge_text_layer(box: Path) -> Hostile:
    """Stored, with its text cut to a page's worth and a note saying so."""
    return Hostile("pdf_texto_de_1mb", [_write(box / "texto_enorme.pdf", huge_text_pdf())],
                   INGRESADO, reason="caracteres")


def non_utf8_name(box: Path) -> Hostile:
    """A good scan whose name is not UTF-8 (Latin-1 'é'), sorted before the controls."""
    path = Path(os.fsdecode(bytes(box) + b"/carta\xe9.png"))
    return Hostile("nombre_no_utf8", [_write(path, letter_png(5))], INGRESADO)


def blank_frames_tiff(box: Path) -> Hostile:
    """A letter, 20 blank frames, another letter: three items, not 22 (the blank run is
    one "hojas en blanco" item)."""
    return Hostile("tiff_con_20_hojas_en_blanco",
                   [_write(box / "lote_blancos.tif", letters_around_blanks_tiff())], INGRESADO)


def blank_pdf_500(box: Path) -> Hostile:
    """500 blank pages (the most a file may have): read one page at a time and stored as
    one "hojas en blanco" item, in bounded memory. Slow (every page is rendered and
    checked): the benchmark runs it, the corpus test does not (SLOW_KINDS)."""
    return Hostile("pdf_500_paginas_en_blanco",
                   [_write(box / "500_en_blanco.pdf", blank_pages_pdf())], INGRESADO)


def symlink_out(box: Path) -> Hostile:
    """Links from the box to a scan, a folder and a system file outside it."""
    out = _outside(box)
    secret = _write(out / "ajeno.pdf", letter_pdf(6))
    folder = out / "otra_caja"
    _write(folder / "ajena.png", letter_png(7))
    links = [box / "enlace.pdf", box / "enlace_carpeta", box / "sistema.pdf"]
    for link, target in zip(links, [secret, folder, Path("/etc/passwd")], strict=True):
        link.symlink_to(target)
    return Hostile("enlace_fuera", links, RECHAZADO, outside=[secret, folder / "ajena.png"],
                   reason="enlace")


def symlink_loop(box: Path) -> Hostile:
    """Two links pointing at each other, one named like a scan."""
    a, b = box / "ciclo_a.pdf", box / "ciclo_b"
    a.symlink_to(b.name)
    b.symlink_to(a.name)
    return Hostile("enlace_en_ciclo", [a], RECHAZADO, reason="ciclo")


def unreadable_folder(box: Path) -> Hostile:
    """A subfolder nobody may read (chmod 000) holding a scan. Root reads it anyway, so
    there `real` is False and a test has to make the folder refuse another way."""
    folder = box / "privada"
    _write(folder / "dentro.png", letter_png(8))
    folder.chmod(0)
    return Hostile("carpeta_ilegible", [folder], RECHAZADO, reason="permiso",
                   real=os.geteuid() != 0)


def named_pipe(box: Path) -> Hostile:
    """A FIFO named like a scan: reading it would wait forever."""
    path = box / "tuberia.pdf"
    os.mkfifo(path)
    return Hostile("tuberia_con_extension_pdf", [path], RECHAZADO)


KINDS: dict[str, Callable[[Path], Hostile]] = {
    "png_bueno": good_png,
    "pdf_bueno": good_pdf,
    "archivo_vacio": empty_file,
    "pdf_cero_bytes": zero_byte_pdf,
    "pdf_truncado": truncated_pdf,
    "jpeg_con_extension_pdf": jpeg_named_pdf,
    "texto_con_extension_tif": text_named_tif,
    "bomba_de_descompresion": decompression_bomb,
    "pdf_cifrado": encrypted_pdf,
    "pdf_arbol_en_ciclo": looping_page_tree,
    "pdf_texto_de_1mb": huge_text_layer,
    "nombre_no_utf8": non_utf8_name,
    "tiff_con_20_hojas_en_blanco": blank_frames_tiff,
    "pdf_500_paginas_en_blanco": blank_pdf_500,
    "enlace_fuera": symlink_out,
    "enlace_en_ciclo": symlink_loop,
    "carpeta_ilegible": unreadable_folder,
    "tuberia_con_extension_pdf": named_pipe,
}


# Kinds that take minutes to ingest: in the benchmark (bench/hostile.py), not in the tests.
SLOW_KINDS = ("pdf_500_paginas_en_blanco",)


def build(box: Path, kinds: list[str] | None = None) -> list[Hostile]:
    """Write the kinds named (by default all but SLOW_KINDS) into `box`."""
    box.mkdir(parents=True, exist_ok=True)
    return [KINDS[k](box) for k in (kinds or [k for k in KINDS if k not in SLOW_KINDS])]


def refusing_scandir(folders: list[Path]) -> Callable[..., object]:
    """os.scandir answering for `folders` what the kernel answers a user who may not list
    them (EACCES): for a process that would be let in anyway (root), in place of chmod 000.
    """
    real_scandir = os.scandir
    refused = {os.fsencode(f) for f in folders}

    def scandir(path: object = ".") -> object:
        if isinstance(path, str | bytes | os.PathLike) and os.fsencode(path) in refused:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
        return real_scandir(path)  # type: ignore[call-overload]

    return scandir


def restore(box: Path) -> None:
    """Give back the permissions the corpus took away, so the box can be deleted."""
    for dirpath, dirnames, _files in os.walk(box):
        for d in dirnames:
            p = Path(dirpath) / d
            if not p.is_symlink():
                p.chmod(0o755)
