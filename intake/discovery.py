"""Expand the paths given to ingest into the files to read, in a stable order."""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from intake.errors import os_reason
from ocr.loading import unsupported_format

log = logging.getLogger(__name__)

# Extensions picked up when walking a folder. A file named explicitly is always tried: its
# content, not its name, decides whether it can be read.
SCAN_EXTENSIONS = frozenset({".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"})

LINK_OUT = ("el enlace apunta fuera de la carpeta dada y no se sigue (para ingresar su "
            "destino, nómbrelo directamente)")
LINK_LOOP = "el enlace simbólico forma un ciclo y no se sigue"
NOT_REGULAR = "no es un archivo normal (tubería, dispositivo o socket)"
HIDDEN = ("archivo oculto: no se lee (los sistemas dejan así sus metadatos, como ._carta.pdf "
          "o .DS_Store)")
NO_SCAN_EXTENSION = ("no tiene extensión de escaneo (.pdf, .jpg, .jpeg, .png, .tif, .tiff): "
                     "no se lee; si es un escaneo, renómbrelo o nómbrelo directamente")

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown(path: str | os.PathLike[str]) -> str:
    """A path as users, the database and JSON get it: always valid UTF-8, printable.

    Linux names are bytes; Python carries the ones that are not UTF-8 as lone surrogates,
    which no database, terminal or JSON file accepts. Those bytes, and control characters
    (which a terminal would obey), are written as visible escapes: b"carta\\xe9.pdf" is
    shown as "carta\\\\xe9.pdf".
    """
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass(frozen=True)
class Candidate:
    path: Path  # the real name, to open the file
    given_as: str  # shown(): the path as the user wrote it (or folder/relative when walked)


@dataclass(frozen=True)
class Refused:
    """A path that is not read (a link out, an unreadable folder, a pipe), and why."""

    path: str  # shown()
    reason: str  # Spanish


@dataclass
class Discovery:
    files: list[Candidate]
    # Not read: hidden files and names without a scan extension (notes, truth.jsonl).
    skipped: list[Refused] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # paths given that do not exist
    links_out: list[Refused] = field(default_factory=list)  # links leaving the folder
    unreadable: list[Refused] = field(default_factory=list)  # folders that could not be listed
    not_regular: list[Refused] = field(default_factory=list)  # pipes, devices, sockets


def discover(paths: Iterable[str | Path]) -> Discovery:
    """Files named directly, plus scan files found under the folders named.

    A file or folder named directly is taken even through a link. Inside a folder no link
    is followed out of it (a link to a file or folder elsewhere, a system file among them,
    is reported instead), nothing but regular files is read (a named pipe would block),
    and a subfolder that cannot be listed is reported, not skipped silently.
    """
    found = Discovery(files=[])
    seen: set[Path] = set()
    for raw in paths:
        given = os.fspath(raw)
        p = Path(given)
        if p.is_dir():
            _walk(p, given, found, seen)
        elif p.is_file():
            _add(found, seen, p, p.resolve(), shown(given))
        elif p.exists():
            found.not_regular.append(Refused(shown(given), NOT_REGULAR))
        else:
            found.missing.append(shown(given))
    found.links_out.sort(key=lambda r: r.path)
    found.skipped.sort(key=lambda r: r.path)
    log.debug("discovered %d files, skipped %d, missing %d, links out %d, unreadable "
              "folders %d", len(found.files), len(found.skipped), len(found.missing),
              len(found.links_out), len(found.unreadable))
    return found


def _add(found: Discovery, seen: set[Path], path: Path, key: Path, given_as: str) -> None:
    if key not in seen:
        seen.add(key)
        found.files.append(Candidate(path, given_as))


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def _walk(top: Path, given: str, found: Discovery, seen: set[Path]) -> None:
    root = top.resolve()
    scans: list[Path] = []

    def unreadable(e: OSError) -> None:
        found.unreadable.append(Refused(shown(e.filename or top), os_reason(e)))

    for dirpath, dirnames, filenames in os.walk(top, onerror=unreadable):
        here = Path(dirpath)
        for d in list(dirnames):
            sub = here / d
            if sub.is_symlink():  # never walked; reported when it leads out of the folder
                dirnames.remove(d)
                if (why := _link_refusal(sub, root)) is not None:
                    found.links_out.append(Refused(shown(sub), why))
        for name in filenames:
            f = here / name
            if (why := _omission(f)) is not None:
                found.skipped.append(Refused(shown(f), why))
            else:
                scans.append(f)
    for f in sorted(scans):
        try:
            st = f.lstat()
            if stat.S_ISLNK(st.st_mode):
                if (why := _link_refusal(f, root)) is not None:
                    found.links_out.append(Refused(shown(f), why))
                    continue
                st = f.stat()
        except FileNotFoundError:
            continue  # gone meanwhile, or a link to nothing: nothing to read
        except OSError:
            st = None  # e.g. a folder listed but not searchable: reading it will say why
        if st is not None and not stat.S_ISREG(st.st_mode):
            found.not_regular.append(Refused(shown(f), NOT_REGULAR))
            continue
        key = f.resolve() if st is not None else f.absolute()
        _add(found, seen, f, key, shown(Path(given) / f.relative_to(top)))


def _omission(f: Path) -> str | None:
    """Why a file met in a folder is not read, or None for a scan to read.

    Hidden files are left (macOS writes a ._name.pdf of metadata beside every file on a
    USB stick: each would be quarantined as damaged), and so are names without a scan
    extension (notes, truth.jsonl, Thumbs.db); every one is named in the report, so no
    file vanishes without a word.
    """
    if f.name.startswith("."):
        return HIDDEN
    ext = f.suffix.lower()
    if ext in SCAN_EXTENSIONS:
        return None
    return unsupported_format(ext) or NO_SCAN_EXTENSION


def _link_refusal(link: Path, root: Path) -> str | None:
    """Why a link is not followed, or None when its final target stays inside `root`."""
    try:
        target = link.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return LINK_LOOP
    return None if _inside(target, root) else LINK_OUT
