"""The bundled petition corpus: loading, the fixed train/test split and placeholder filling."""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from classifier.errors import CorpusError
from classifier.identity import Identity, make_identity, write_phone

__all__ = [
    "CorpusItem", "FilledText", "Identity", "load_corpus", "make_identity", "split", "fill",
    "PLACEHOLDERS", "TEST_PERCENT", "CORPUS_LABELS", "FILLED_FIELDS",
]

log = logging.getLogger(__name__)

# The corpus's own taxonomy (the one the texts were labelled in: DOMAIN.md's seven types).
# A profile with other types maps these to its own (classifier.profile, [training.labels]).
CORPUS_LABELS = ("orientacion", "gestion", "queja_servicio", "queja_administrativa",
                 "sugerencia", "reconocimiento", "no_peticion")
CORPUS_DISCARD = "no_peticion"  # the one type whose text may be empty
PLACEHOLDERS = ("NOMBRE", "NSS", "TELEFONO", "CORREO", "CURP")
# The fields whose truth a filled text knows (FIELD_NAMES but the address and the staff
# involved, which the texts may name but no placeholder marks).
FILLED_FIELDS = ("nombre", "nss", "telefono", "correo", "curp", "unidad", "servicio")
_PLACEHOLDER_RE = re.compile(r"\{([A-Z_]+)\}")
TEST_PERCENT = 20
ContactLevel = Literal["completo", "parcial", "ausente"]
_CONTACT = ("TELEFONO", "CORREO")
_LEVEL_ALIASES = {"complete": "completo", "partial": "parcial", "absent": "ausente",
                  "none": "ausente"}


@dataclass(frozen=True)
class CorpusItem:
    """One corpus petition with placeholders where personal data goes."""

    id: str
    type: str
    urgent: bool
    text: str
    servicio: str | None
    unidad: str | None
    source: str = ""  # file name it came from


@dataclass(frozen=True)
class FilledText:
    """A corpus text with personal data filled in and the truth of what it contains."""

    text: str
    fields: dict[str, str | None]  # FILLED_FIELDS keys; None where the text lacks the datum


def _parse_line(line: str, where: str, labels: Sequence[str], discard: str) -> CorpusItem:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise CorpusError(f"{where}: JSON inválido ({e.msg})") from e
    if not isinstance(obj, dict):
        raise CorpusError(f"{where}: se esperaba un objeto JSON")
    item_id, label, text = obj.get("id"), obj.get("type"), obj.get("text")
    if not isinstance(item_id, str) or not item_id.strip():
        raise CorpusError(f"{where}: falta «id»")
    if label not in labels:
        raise CorpusError(f"{where}: tipo desconocido {label!r}")
    if not isinstance(text, str):
        raise CorpusError(f"{where}: falta «text»")
    if not text.strip() and label != discard:
        raise CorpusError(f"{where}: texto vacío en una petición")
    unknown = set(_PLACEHOLDER_RE.findall(text)) - set(PLACEHOLDERS)
    if unknown:
        raise CorpusError(f"{where}: marcadores desconocidos {sorted(unknown)}")
    urgent = obj.get("urgent", False)
    if not isinstance(urgent, bool):
        raise CorpusError(f"{where}: «urgent» debe ser true o false")
    extra = {}
    for key in ("servicio", "unidad"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise CorpusError(f"{where}: «{key}» debe ser texto o null")
        extra[key] = value.strip() or None if isinstance(value, str) else None
    return CorpusItem(
        item_id.strip(), str(label), urgent, text, extra["servicio"], extra["unidad"]
    )


def _corpus_files(directory: Path | None) -> list[tuple[str, str]]:
    if directory is not None:
        return [(p.name, p.read_text("utf-8")) for p in sorted(directory.glob("corpus_*.jsonl"))]
    base = resources.files("classifier").joinpath("data")
    files = [
        f for f in base.iterdir() if f.name.startswith("corpus_") and f.name.endswith(".jsonl")
    ]
    return [(f.name, f.read_text("utf-8")) for f in sorted(files, key=lambda f: f.name)]


def load_corpus(directory: Path | None = None, *, strict: bool = False) -> list[CorpusItem]:
    """Every item of classifier/data/corpus_*.jsonl (or of `directory`), in file order,
    labelled in CORPUS_LABELS.

    A bad line is skipped with a warning naming file and line; with `strict` it raises
    CorpusError. Duplicate ids are bad lines too (the split depends on ids).
    """
    return _parse_files(_corpus_files(directory), CORPUS_LABELS, CORPUS_DISCARD, strict=strict)


def load_profile_corpus(name: str, labels: Sequence[str], discard: str, *,
                        strict: bool = False) -> list[CorpusItem]:
    """A profile's own texts (`name` under classifier/data/, e.g. "perfiles/x.jsonl"),
    labelled in that profile's `labels`; read only to train that profile's model, never by
    `load_corpus`."""
    path = resources.files("classifier").joinpath("data", *name.split("/"))
    try:
        content = path.read_text("utf-8")
    except FileNotFoundError as e:
        raise CorpusError(f"No existe el corpus del perfil «{name}»") from e
    return _parse_files([(name, content)], labels, discard, strict=strict)


def _parse_files(files: list[tuple[str, str]], labels: Sequence[str], discard: str, *,
                 strict: bool) -> list[CorpusItem]:
    items: list[CorpusItem] = []
    seen: set[str] = set()
    for name, content in files:
        for number, line in enumerate(content.splitlines(), 1):
            if not line.strip():
                continue
            where = f"{name}, línea {number}"
            try:
                item = _parse_line(line, where, labels, discard)
                if item.id in seen:
                    raise CorpusError(f"{where}: id repetido {item.id!r}")
            except CorpusError as e:
                if strict:
                    raise
                log.warning("corpus line skipped: %s", e)
                continue
            seen.add(item.id)
            items.append(CorpusItem(**{**item.__dict__, "source": name}))
    log.info("corpus loaded: %d items", len(items))
    return items


def is_test(item_id: str) -> bool:
    """True when the id falls in the fixed test part (stable hash, about TEST_PERCENT %)."""
    digest = hashlib.sha256(item_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % 100 < TEST_PERCENT


def split(items: Iterable[CorpusItem]) -> tuple[list[CorpusItem], list[CorpusItem]]:
    """(train, test): fixed by a hash of each id, so it never changes between runs."""
    train: list[CorpusItem] = []
    test: list[CorpusItem] = []
    for item in items:
        (test if is_test(item.id) else train).append(item)
    return train, test


def _absent_for(level: str, present: set[str], rng: random.Random) -> set[str]:
    """Placeholders to drop so the text has complete, partial or absent contact data."""
    if level == "completo":
        return set()
    dropped: set[str] = set()
    if level == "ausente":
        dropped.update(_CONTACT)
        if rng.random() < 0.5:
            dropped.add("NSS")
        if rng.random() < 0.3:
            dropped.add("CURP")
        return dropped
    if level != "parcial":
        raise ValueError(f"contact_level desconocido: {level!r}")
    # Partial: contact stays (one channel may go) but nombre or NSS is missing.
    contacts = [c for c in _CONTACT if c in present]
    if len(contacts) == 2 and rng.random() < 0.5:
        dropped.add(rng.choice(contacts))
    minimum = [m for m in ("NOMBRE", "NSS") if m in present]
    if minimum:
        dropped.update(rng.sample(minimum, k=rng.randint(1, len(minimum))))
    return dropped


# Words that introduce a datum ("mi nss es", "tel.", "me llamo"): removed with it.
_LABEL_WORDS = frozenset(
    """mi mis su es son nss tel tel. teléfono telefono tels cel cel. celular cell correo
    electrónico electronico e-mail email mail número numero no. num. núm. de del afiliación
    afiliacion afil. afil seguro social soy me llamo nombre nombre: atte atte. att
    atentamente con curp whatsapp whats wa y o al a contacto dejo les teléfono: contactarme
    localizarme llamarme escribanme escríbanme pueden puede en mí mi: el la""".split()
)
_SEPARATOR = re.compile(r"[\s,;:/—–\-]*$")
_DANGLING_LABEL = re.compile(
    r"(?i)[,;:\s]*\b(?:mi\s+|su\s+)?(?<!\{)(?:nss|tel[eé]fono|tel|cel|celular|correo|curp|"
    r"afiliaci[oó]n|whats\w*|e-?mail)\b[^.!?\n{}]{0,30}$"
)
_LEAD = re.compile(r"^[ \t]*[,;:—–\-/]?")


def _remove_datum(line: str, placeholder: str) -> str:
    """Remove one placeholder and the label words just before it ("mi NSS es {NSS}")."""
    token = f"{{{placeholder}}}"
    while token in line:
        at = line.index(token)
        head, tail = line[:at], line[at + len(token):]
        words = head.split(" ")
        while words and (
            words[-1].strip(",;:.—–-/()").lower() in _LABEL_WORDS or not words[-1].strip()
            or not any(c.isalnum() for c in words[-1])
        ):
            words.pop()
        head = " ".join(words)
        head = _SEPARATOR.sub("", head)
        if not tail.strip(" \t.,;"):  # the datum ended the line: no label left hanging
            head = _DANGLING_LABEL.sub("", head)
        lead = tail[: len(tail) - len(_LEAD.sub("", tail, count=1))]
        tail = tail[len(lead):]
        if head and tail.strip() and "," in lead and not head.endswith((".", "!", "?")):
            line = f"{head}, {tail.lstrip()}"
        elif head and tail.strip() and not tail.startswith((".", " ", ",")):
            line = f"{head} {tail}"
        else:
            line = head + tail
    line = re.sub(r"\s+([.,;])", r"\1", line)
    line = re.sub(r"([.,;])\1+", r"\1", line)
    line = re.sub(r"(^|[.!?]\s+)y\s+", r"\1", line)
    return re.sub(r"[ \t]{2,}", " ", line).strip(" ,;")


def _drop_placeholders(text: str, dropped: set[str]) -> str:
    """Remove the dropped placeholders with their labels; drop lines left empty."""
    if not dropped:
        return text
    out_lines = []
    for line in text.split("\n"):
        if not any(f"{{{p}}}" in line for p in dropped):
            out_lines.append(line)
            continue
        for p in dropped:
            line = _remove_datum(line, p)
        if not re.search(r"\w", line) or re.fullmatch(r"\W*(?:\w+\W*){0,2}:\W*", line):
            continue
        out_lines.append(line)
    return "\n".join(out_lines).strip()


def _written_name(identity: Identity, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.75:
        return identity.nombre
    if r < 0.88:
        return f"{identity.nombres} {identity.paterno}"
    return identity.nombre.upper()


def _written_nss(nss: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.7:
        return nss
    if r < 0.85:
        return f"{nss[:4]} {nss[4:8]} {nss[8:]}"
    return f"{nss[:2]}-{nss[2:4]}-{nss[4:6]}-{nss[6:10]}-{nss[10]}"


def fill(item: CorpusItem | str, identity: Identity, rng: random.Random,
         contact_level: ContactLevel = "completo") -> FilledText:
    """Replace placeholders with the identity's data, dropping what `contact_level` omits.

    Args:
        item: a corpus item (or a bare text with placeholders).
        identity: whose data to write.
        rng: drives the written forms (phone and NSS writing, name form) and what is dropped.
        contact_level: "completo" keeps everything; "parcial" keeps a contact but drops
            nombre and/or NSS; "ausente" drops phone and e-mail (and sometimes NSS).

    Returns:
        The filled text and the truth fields (nss 11 digits, telefono 10 digits, None where
        the final text does not contain the datum).
    """
    level = _LEVEL_ALIASES.get(contact_level, contact_level)
    text = item if isinstance(item, str) else item.text
    present = set(_PLACEHOLDER_RE.findall(text))
    text = _drop_placeholders(text, _absent_for(level, present, rng))
    remaining = set(_PLACEHOLDER_RE.findall(text))
    name = _written_name(identity, rng)
    values = {
        "NOMBRE": name,
        "NSS": _written_nss(identity.nss, rng),
        "TELEFONO": write_phone(identity.telefono, rng),
        "CORREO": identity.correo,
        "CURP": identity.curp,
    }
    text = _PLACEHOLDER_RE.sub(lambda m: values[m.group(1)], text)
    fields: dict[str, str | None] = {
        "nombre": name if "NOMBRE" in remaining else None,
        "nss": identity.nss if "NSS" in remaining else None,
        "telefono": identity.telefono if "TELEFONO" in remaining else None,
        "correo": identity.correo if "CORREO" in remaining else None,
        "curp": identity.curp if "CURP" in remaining else None,
        "unidad": None if isinstance(item, str) else item.unidad,
        "servicio": None if isinstance(item, str) else item.servicio,
    }
    return FilledText(text, fields)
