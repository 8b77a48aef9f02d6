"""Hostile files for `buzon ingest`, built at run time (nothing binary is committed).

Each builder writes one kind of file (or link, or folder) into a box and returns a
`Hostile`: what it wrote and what ingest must make of it. The expectations are written
here, independently of the product's rules (STYLE.md: generators share no rule with it):

- "ingresado": the file's pages are stored as documents;
- "cuarentena": the file is kept in quarantine with a Spanish reason;
- "rechazado": the file is never read at all (a link out of the box, an unreadable folder,
  a named pipe, a hidden file, a name without a scan extension), and the summary names it
  with a Spanish reason.

The kinds here are the issue's (#12) and the first hostile ones; formats.py adds odd PDFs
and images, names.py odd names, folders, copies and junk; KINDS gathers them all. The
content they share (letters, hand-made PDF objects, the `Hostile` record) is in _base.py.

Used by tests/hostile/test_hostile.py and by `python -m bench.hostile`.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

from tests.hostile import formats, names
from tests.hostile._base import (
    BLANK_FRAMES,
    BLANK_PDF_PAGES,
    BOMB_SIDE,
    CUARENTENA,
    HUGE_TEXT_CHARS,
    INGRESADO,
    RECHAZADO,
    Hostile,
    blank_pages_pdf,
    english_in,
    huge_text_pdf,
    letter_jpeg,
    letter_pdf,
    letter_png,
    letters_around_blanks_tiff,
    looping_pdf,
    pdf_from_objects,
    png_declaring,
    write,
)

__all__ = ["BLANK_FRAMES", "BLANK_PDF_PAGES", "BOMB_SIDE", "CUARENTENA", "HUGE_TEXT_CHARS",
           "INGRESADO", "KINDS", "RECHAZADO", "SLOW_KINDS", "Hostile", "blank_pages_pdf",
           "build", "english_in", "huge_text_pdf", "letter_jpeg", "letter_pdf", "letter_png",
           "letters_around_blanks_tiff", "looping_pdf", "pdf_from_objects", "png_declaring",
           "refusing_scandir", "restore"]

# --- kinds -----------------------------------------------------------------------------

def _outside(box: Path) -> Path:
    """A folder beside the box (never under it): where links out point."""
    out = box.parent / f"{box.name}-fuera"
    out.mkdir(parents=True, exist_ok=True)
    return out


def good_png(box: Path) -> Hostile:
    return Hostile("png_bueno", [write(box / "control.png", letter_png(1))], INGRESADO)


def good_pdf(box: Path) -> Hostile:
    return Hostile("pdf_bueno", [write(box / "control.pdf", letter_pdf(1))], INGRESADO)


def empty_file(box: Path) -> Hostile:
    return Hostile("archivo_vacio", [write(box / "vacio.jpg", b"")], CUARENTENA, reason="vacío")


def zero_byte_pdf(box: Path) -> Hostile:
    return Hostile("pdf_cero_bytes", [write(box / "cero.pdf", b"")], CUARENTENA,
                   reason="vacío")


def truncated_pdf(box: Path) -> Hostile:
    pdf = letter_pdf(2)
    return Hostile("pdf_truncado", [write(box / "truncado.pdf", pdf[: len(pdf) // 3])],
                   CUARENTENA, reason="dañado")


def jpeg_named_pdf(box: Path) -> Hostile:
    """A good scan with the wrong extension: its content, not its name, decides."""
    return Hostile("jpeg_con_extension_pdf", [write(box / "foto.pdf", letter_jpeg(3))],
                   INGRESADO)


def text_named_tif(box: Path) -> Hostile:
    return Hostile("texto_con_extension_tif",
                   [write(box / "nota.tif", b"Recordar: llevar las hojas al jefe.\n")],
                   CUARENTENA, reason="no es una imagen")


def decompression_bomb(box: Path) -> Hostile:
    return Hostile("bomba_de_descompresion",
                   [write(box / "bomba.png", png_declaring(BOMB_SIDE, BOMB_SIDE))],
                   CUARENTENA, reason="demasiado grande")


def encrypted_pdf(box: Path) -> Hostile:
    return Hostile("pdf_cifrado", [write(box / "cifrado.pdf", letter_pdf(4, encrypt="clave"))],
                   CUARENTENA, reason="contraseña")


def looping_page_tree(box: Path) -> Hostile:
    return Hostile("pdf_arbol_en_ciclo", [write(box / "ciclo.pdf", looping_pdf())],
                   CUARENTENA, reason="dañado")


def huge_text_layer(box: Path) -> Hostile:
    """Stored, with its text cut to a page's worth and a note saying so."""
    return Hostile("pdf_texto_de_1mb", [write(box / "texto_enorme.pdf", huge_text_pdf())],
                   INGRESADO, reason="caracteres")


def non_utf8_name(box: Path) -> Hostile:
    """A good scan whose name is not UTF-8 (Latin-1 'é'), sorted before the controls."""
    path = Path(os.fsdecode(bytes(box) + b"/carta\xe9.png"))
    return Hostile("nombre_no_utf8", [write(path, letter_png(5))], INGRESADO)


def blank_frames_tiff(box: Path) -> Hostile:
    """A letter, 20 blank frames, another letter: three items, not 22 (the blank run is
    one "hojas en blanco" item)."""
    return Hostile("tiff_con_20_hojas_en_blanco",
                   [write(box / "lote_blancos.tif", letters_around_blanks_tiff())], INGRESADO)


def blank_pdf_500(box: Path) -> Hostile:
    """500 blank pages (the most a file may have): read one page at a time and stored as
    one "hojas en blanco" item, in bounded memory. Slow (every page is rendered and
    checked): the benchmark runs it, the corpus test does not (SLOW_KINDS)."""
    return Hostile("pdf_500_paginas_en_blanco",
                   [write(box / "500_en_blanco.pdf", blank_pages_pdf())], INGRESADO)


def symlink_out(box: Path) -> Hostile:
    """Links from the box to a scan, a folder and a system file outside it."""
    out = _outside(box)
    secret = write(out / "ajeno.pdf", letter_pdf(6))
    folder = out / "otra_caja"
    write(folder / "ajena.png", letter_png(7))
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
    write(folder / "dentro.png", letter_png(8))
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
    **formats.KINDS,
    **names.KINDS,
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
