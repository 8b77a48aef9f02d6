"""Discovery on hostile folders: names that are not UTF-8, links out, unreadable folders."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from intake.discovery import LINK_LOOP, LINK_OUT, NOT_REGULAR, discover, shown
from tests.hostile.corpus import refusing_scandir


def _bytes_path(parent: Path, name: bytes) -> Path:
    return Path(os.fsdecode(os.fsencode(parent) + b"/" + name))


def test_a_name_that_is_not_utf8_is_shown_escaped_and_still_opens(tmp_path: Path) -> None:
    """GIVEN a file whose name holds a Latin-1 byte WHEN discovered THEN it is shown as
    "carta\\xe9.pdf" (valid UTF-8, fit for the database, a terminal and JSON) and its real
    path still opens the file."""
    box = tmp_path / "caja"
    box.mkdir()
    bad = _bytes_path(box, b"carta\xe9.pdf")
    bad.write_bytes(b"%PDF-1.4 contenido")
    (box / "bien.pdf").write_bytes(b"%PDF-1.4 otro")
    found = discover([box])
    by_name = {Path(c.given_as).name: c for c in found.files}
    assert set(by_name) == {"carta\\xe9.pdf", "bien.pdf"}
    cand = by_name["carta\\xe9.pdf"]
    cand.given_as.encode("utf-8")  # no lone surrogates left
    json.dumps(cand.given_as, ensure_ascii=False).encode("utf-8")
    assert cand.path.read_bytes() == b"%PDF-1.4 contenido"


def test_shown_escapes_control_characters_a_terminal_would_obey() -> None:
    assert shown("a\x1b[31mroja\n.png") == "a\\x1b[31mroja\\x0a.png"
    assert shown("año ñandú.pdf") == "año ñandú.pdf"  # UTF-8 names stay as they are
    assert shown(os.fsdecode(b"/caja/\xff.png")) == "/caja/\\xff.png"


def test_named_directly_non_utf8_missing_paths_are_escaped(tmp_path: Path) -> None:
    found = discover([_bytes_path(tmp_path, b"no\xe9existe.pdf")])
    assert found.missing == [str(tmp_path) + "/no\\xe9existe.pdf"]


def test_links_out_of_the_folder_are_reported_not_followed(tmp_path: Path) -> None:
    """GIVEN a box with links to a scan, a folder and a system file outside it, a link loop,
    and a link to a scan inside it WHEN discovered THEN nothing outside is taken, each link
    out is reported with its reason, and the link inside is the file it points to."""
    box, out = tmp_path / "caja", tmp_path / "fuera"
    (box / "sub").mkdir(parents=True)
    (out / "carpeta").mkdir(parents=True)
    (out / "ajeno.pdf").write_bytes(b"ajeno")
    (out / "carpeta" / "ajena.png").write_bytes(b"ajena")
    (box / "sub" / "propio.pdf").write_bytes(b"propio")
    (box / "enlace.pdf").symlink_to(out / "ajeno.pdf")
    (box / "carpeta").symlink_to(out / "carpeta")
    (box / "sistema.pdf").symlink_to("/etc/passwd")
    (box / "ciclo.pdf").symlink_to(box / "ciclo2.pdf")
    (box / "ciclo2.pdf").symlink_to(box / "ciclo.pdf")
    (box / "alias.pdf").symlink_to(box / "sub" / "propio.pdf")
    (box / "sub_alias").symlink_to(box / "sub")  # a folder inside: walked once, not twice
    found = discover([box])
    assert [c.path.read_bytes() for c in found.files] == [b"propio"]
    assert {Path(r.path).name: r.reason for r in found.links_out} == {
        "enlace.pdf": LINK_OUT, "carpeta": LINK_OUT, "sistema.pdf": LINK_OUT,
        "ciclo.pdf": LINK_LOOP, "ciclo2.pdf": LINK_LOOP}


def test_a_link_named_directly_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real.pdf").write_bytes(b"x")
    (tmp_path / "enlace.pdf").symlink_to(tmp_path / "real.pdf")
    found = discover([tmp_path / "enlace.pdf"])
    assert [c.given_as for c in found.files] == [str(tmp_path / "enlace.pdf")]
    assert found.links_out == []


def test_a_named_pipe_is_not_read(tmp_path: Path) -> None:
    box = tmp_path / "caja"
    box.mkdir()
    os.mkfifo(box / "tuberia.pdf")
    found = discover([box, box / "tuberia.pdf"])
    assert found.files == []
    assert [(Path(r.path).name, r.reason) for r in found.not_regular] == [
        ("tuberia.pdf", NOT_REGULAR)] * 2


def test_an_unreadable_subfolder_is_reported_with_a_spanish_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a subfolder (with a non-UTF-8 name) that cannot be listed (the kernel's
    EACCES, simulated: root lists chmod-000 folders) WHEN discovered THEN it is reported
    with its escaped path and a Spanish reason, and the rest of the box is taken."""
    box = tmp_path / "caja"
    hidden = _bytes_path(box, b"privada\xe9")
    hidden.mkdir(parents=True)
    (hidden / "dentro.png").write_bytes(b"x")
    (box / "fuera.png").write_bytes(b"y")
    monkeypatch.setattr(os, "scandir", refusing_scandir([hidden]))
    found = discover([box])
    assert [c.path.name for c in found.files] == ["fuera.png"]
    assert [(r.path, r.reason) for r in found.unreadable] == [
        (str(box) + "/privada\\xe9", "sin permiso de lectura")]


def test_a_chmod_000_subfolder_is_reported(tmp_path: Path) -> None:
    """The same with the kernel refusing for real (as any user but root)."""
    if os.geteuid() == 0:
        pytest.skip("root lee carpetas con permisos 000: la carpeta ilegible se simula en "
                    "test_an_unreadable_subfolder_is_reported_with_a_spanish_reason")
    box = tmp_path / "caja"
    (box / "privada").mkdir(parents=True)
    (box / "privada" / "dentro.png").write_bytes(b"x")
    (box / "privada").chmod(0)
    try:
        found = discover([box])
    finally:
        (box / "privada").chmod(0o755)
    assert found.files == []
    assert [(r.path, r.reason) for r in found.unreadable] == [
        (str(box / "privada"), "sin permiso de lectura")]


def test_files_left_unread_in_a_folder_are_named_with_a_spanish_reason(tmp_path: Path) -> None:
    """GIVEN a box with a scan, hidden files (a Mac's ._carta.pdf), a GIF, a name without
    extension and Thumbs.db WHEN discovered THEN only the scan is read and every other file
    is listed as skipped, each with its reason."""
    box = tmp_path / "caja"
    box.mkdir()
    for name in ("carta.pdf", "._carta.pdf", ".DS_Store", "foto.GIF", "carta", "Thumbs.db"):
        (box / name).write_bytes(b"x")
    found = discover([box])
    assert [c.path.name for c in found.files] == ["carta.pdf"]
    reasons = {Path(r.path).name: r.reason for r in found.skipped}
    assert set(reasons) == {"._carta.pdf", ".DS_Store", "foto.GIF", "carta", "Thumbs.db"}
    assert reasons["._carta.pdf"].startswith("archivo oculto")
    assert reasons["foto.GIF"].startswith("formato de imagen no admitido (GIF)")
    assert "extensión de escaneo" in reasons["carta"]
    assert "extensión de escaneo" in reasons["Thumbs.db"]
