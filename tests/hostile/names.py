"""Hostile kinds made of odd names and folders: what a box copied from a USB stick, a
Mac, a Windows share or a careless script holds, with the outcome a user should get (see
corpus.py).

A good scan under an odd name (long, with spaces or a line break, accents decomposed,
inside a folder named like a file, far down a tree) is ingested and shown by its name;
the same bytes under a second name are stored once; what is not a scan (hidden files,
system and editor junk, names without a scan extension) is not read, and each one is named
in the report with a Spanish reason so nothing vanishes without a word.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from pathlib import Path

from tests.hostile._base import (
    CUARENTENA,
    INGRESADO,
    RECHAZADO,
    Hostile,
    letter_pdf,
    small_letter_png,
    write,
)

# Linux allows 255 bytes a name; a name near it, with two-byte letters, tests every
# place that builds a path from it (quarantine copies, reports, the database).
LONG_NAME_BYTES = 250
# Folders between the box and the deepest scan.
DEPTH = 30


def long_name(box: Path) -> Hostile:
    """A name of 250 bytes, accented, as a scanner's 'subject as file name' writes."""
    stem = "solicitud de reprogramación de cita médica del señor "
    name = stem
    while len((name + stem).encode("utf-8")) + 4 <= LONG_NAME_BYTES:
        name += stem
    name = name.encode("utf-8")[: LONG_NAME_BYTES - 4].decode("utf-8", "ignore") + ".png"
    return Hostile("nombre_de_250_bytes", [write(box / name, small_letter_png(60))], INGRESADO)


def long_name_damaged(box: Path) -> Hostile:
    """A damaged PDF under a 250-byte name: its quarantine copy and note must still be
    written (no 'File name too long'), with a Spanish reason."""
    name = ("queja por el trato recibido en la ventanilla de afiliación y vigencia " * 4)
    name = name.encode("utf-8")[: LONG_NAME_BYTES - 4].decode("utf-8", "ignore") + ".pdf"
    data = letter_pdf(59)
    return Hostile("nombre_de_250_bytes_danado", [write(box / name, data[: len(data) // 3])],
                   CUARENTENA, reason="dañado")


def spaces_and_newline(box: Path) -> Hostile:
    """Names with spaces, a tab and a line break (a script's bad quoting): read, and shown
    with the control characters escaped so a terminal does not obey them."""
    paths = [write(box / "carta de  queja (1).png", small_letter_png(61)),
             write(box / "queja\nurgente\t2.png", small_letter_png(62))]
    return Hostile("nombre_con_espacios_y_salto_de_linea", paths, INGRESADO)


def nfd_and_nfc(box: Path) -> Hostile:
    """"médica" written decomposed (NFD, as macOS stores names) and composed (NFC) as two
    files: Linux sees two names, and both letters must be kept."""
    word = "solicitud_médica"
    paths = [write(box / (unicodedata.normalize("NFD", word) + ".png"), small_letter_png(63)),
             write(box / (unicodedata.normalize("NFC", word) + ".png"), small_letter_png(64))]
    return Hostile("nombre_nfd_y_nfc", paths, INGRESADO)


def folder_named_like_a_file(box: Path) -> Hostile:
    """A folder called expediente.pdf holding a scan: the folder is walked, never read as
    a file, and the scan inside is ingested."""
    inner = write(box / "expediente.pdf" / "hoja.png", small_letter_png(65))
    return Hostile("carpeta_con_nombre_de_archivo", [inner], INGRESADO)


def deep_tree(box: Path) -> Hostile:
    """A scan 30 folders down, past empty subfolders: found, and the empty ones are no
    error."""
    folder = box / "profundo"
    for i in range(DEPTH):
        (folder / "vacia").mkdir(parents=True)
        folder = folder / f"nivel{i:02d}"
    return Hostile("arbol_profundo_con_carpetas_vacias",
                   [write(folder / "al_fondo.png", small_letter_png(66))], INGRESADO)


def same_bytes_twice(box: Path) -> Hostile:
    """The same scan saved twice under two names (a second copy 'just in case'): stored
    once, the second name counted as a repeat."""
    data = small_letter_png(67)
    first = write(box / "duplicado_a.png", data)
    return Hostile("mismo_contenido_dos_nombres", [first], INGRESADO,
                   copies=[write(box / "duplicado_b.png", data)])


def hard_link(box: Path) -> Hostile:
    """A hard link: one file, two names in the box (neither is the original). Stored once,
    under whichever name comes first, never quarantined."""
    first = write(box / "original.pdf", letter_pdf(68))
    second = box / "enlace_duro.pdf"
    os.link(first, second)
    return Hostile("enlace_duro", [first], INGRESADO, copies=[second])


def no_scan_extension(box: Path) -> Hostile:
    """A good PDF with no extension and one with an unknown extension. Read only when
    named directly (content decides then); in a folder walk a name without a scan
    extension is no scan, but a user must see it named with the reason, to rename it."""
    paths = [write(box / "carta", letter_pdf(69)), write(box / "carta.escaneo", letter_pdf(70))]
    return Hostile("sin_extension_o_desconocida", paths, RECHAZADO, reason="extensión")


def hidden_files(box: Path) -> Hostile:
    """A hidden scan (.carta.pdf) and the AppleDouble file a Mac leaves beside every file
    on a USB stick (._carta.pdf, 4 KB of metadata with a .pdf name). Hidden files are
    not read (the AppleDouble ones would each be quarantined as damaged), and are named."""
    apple_double = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + b"\x00" * 4070
    paths = [write(box / ".carta.pdf", letter_pdf(71)),
             write(box / "._carta.pdf", apple_double)]
    return Hostile("archivo_oculto", paths, RECHAZADO, reason="oculto")


def system_junk(box: Path) -> Hostile:
    """What Windows, macOS and Office leave in a shared folder."""
    paths = [write(box / ".DS_Store", b"\x00\x00\x00\x01Bud1" + b"\x00" * 64),
             write(box / "Thumbs.db", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504),
             write(box / "~$oficio.docx", b"\x06usuario" + b"\x00" * 154)]
    return Hostile("basura_de_sistema_y_editor", paths, RECHAZADO)


KINDS: dict[str, Callable[[Path], Hostile]] = {
    "nombre_de_250_bytes": long_name,
    "nombre_de_250_bytes_danado": long_name_damaged,
    "nombre_con_espacios_y_salto_de_linea": spaces_and_newline,
    "nombre_nfd_y_nfc": nfd_and_nfc,
    "carpeta_con_nombre_de_archivo": folder_named_like_a_file,
    "arbol_profundo_con_carpetas_vacias": deep_tree,
    "mismo_contenido_dos_nombres": same_bytes_twice,
    "enlace_duro": hard_link,
    "sin_extension_o_desconocida": no_scan_extension,
    "archivo_oculto": hidden_files,
    "basura_de_sistema_y_editor": system_junk,
}
