"""Corpus loading, the fixed split and placeholder filling."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from classifier.corpus import FILLED_FIELDS, CorpusItem, fill, load_corpus, make_identity, split
from classifier.errors import CorpusError
from classifier.validate import normalize_phone


def _write(path: Path, rows: list[object]) -> None:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows),
        encoding="utf-8",
    )


def _row(i: int, text: str = "Sugiero más sillas. Atte. {NOMBRE}", t: str = "sugerencia") -> dict:
    return {"id": f"t-{i}", "type": t, "urgent": False, "text": text, "servicio": None,
            "unidad": None}


def test_bundled_corpus_loads_strictly() -> None:
    items = load_corpus(strict=True)
    assert len(items) >= 40
    assert {i.type for i in items} >= {"queja_servicio", "no_peticion", "reconocimiento"}
    assert len({i.id for i in items}) == len(items)


def test_bad_lines_name_file_and_line(tmp_path: Path) -> None:
    _write(tmp_path / "corpus_x.jsonl", [_row(1), "{not json", _row(3, t="felicitacion")])
    with pytest.raises(CorpusError, match=r"corpus_x\.jsonl, línea 2"):
        load_corpus(tmp_path, strict=True)
    items = load_corpus(tmp_path)
    assert [i.id for i in items] == ["t-1"]
    assert items[0].source == "corpus_x.jsonl"


def test_unknown_placeholder_and_duplicate_id(tmp_path: Path) -> None:
    _write(tmp_path / "corpus_y.jsonl", [_row(1), _row(1)])
    with pytest.raises(CorpusError, match="línea 2"):
        load_corpus(tmp_path, strict=True)
    _write(tmp_path / "corpus_y.jsonl", [_row(2, "vivo en {DIRECCION}")])
    with pytest.raises(CorpusError, match="DIRECCION"):
        load_corpus(tmp_path, strict=True)


def test_split_is_deterministic_disjoint_and_about_a_fifth() -> None:
    items = [CorpusItem(f"x-{i:04d}", "gestion", False, "t", None, None) for i in range(2000)]
    train, test = split(items)
    train2, test2 = split(list(reversed(items)))
    assert {i.id for i in test} == {i.id for i in test2}
    assert not {i.id for i in train} & {i.id for i in test}
    assert len(train) + len(test) == len(items)
    assert 0.16 < len(test) / len(items) < 0.24


TEXT = (
    "Solicito que me reprogramen la cita de cardiología. Mi nombre es {NOMBRE}. "
    "Mi NSS es {NSS}.\nTel. {TELEFONO}\ncorreo: {CORREO}\nCURP {CURP}"
)


def test_fill_complete_matches_truth() -> None:
    rng = random.Random(1)
    for _ in range(30):
        person = make_identity(rng)
        item = CorpusItem("a", "gestion", False, TEXT, "Medicina Familiar", "UMF 20")
        out = fill(item, person, rng, "completo")
        assert set(out.fields) == set(FILLED_FIELDS)
        assert "{" not in out.text
        assert out.fields["nss"] == person.nss
        assert out.fields["telefono"] == person.telefono
        assert out.fields["correo"] in out.text and out.fields["curp"] in out.text
        assert out.fields["nombre"] in out.text
        assert out.fields["unidad"] == "UMF 20"
        digits = re.sub(r"\D", "", out.text.split("Tel.")[1].split("\n")[0])
        assert normalize_phone(digits) == person.telefono


def test_fill_absent_and_partial_contact() -> None:
    rng = random.Random(2)
    for _ in range(40):
        person = make_identity(rng)
        absent = fill(TEXT, person, rng, "ausente")
        assert absent.fields["telefono"] is None and absent.fields["correo"] is None
        assert person.correo not in absent.text
        assert "Tel." not in absent.text and "correo" not in absent.text
        partial = fill(TEXT, person, rng, "parcial")
        assert partial.fields["telefono"] or partial.fields["correo"]
        assert partial.fields["nombre"] is None or partial.fields["nss"] is None
        for key in ("nombre", "correo", "curp"):
            value = partial.fields[key]
            assert (value in partial.text) if value else True
        if partial.fields["nss"] is None:
            assert person.nss not in re.sub(r"[\s-]", "", partial.text)


def test_fill_is_reproducible() -> None:
    a = fill(TEXT, make_identity(random.Random(5)), random.Random(9), "parcial")
    b = fill(TEXT, make_identity(random.Random(5)), random.Random(9), "parcial")
    assert a == b


DANGLING = r"(?im)\b(tel|cel|nss|correo)[.:]?\s*$"  # a label whose value was dropped


def test_dropping_data_keeps_the_petition() -> None:
    """GIVEN every corpus petition WHEN its contact data is dropped THEN the petition text
    survives (no label left hanging, most words kept)."""
    rng = random.Random(3)
    for item in load_corpus():
        words = len(re.sub(r"\{[A-Z]+\}", "", item.text).split())
        for level in ("parcial", "ausente"):
            out = fill(item, make_identity(rng), rng, level)
            assert "{" not in out.text
            if words >= 8:
                assert len(out.text.split()) >= 0.5 * words, (item.id, out.text)
            # ("ya puedo cargar el cel" ends so as written: only a drop may not leave it)
            if not re.search(DANGLING, item.text):
                assert not re.search(DANGLING, out.text), item.id


def test_english_level_aliases() -> None:
    a = fill(TEXT, make_identity(random.Random(1)), random.Random(2), "absent")
    b = fill(TEXT, make_identity(random.Random(1)), random.Random(2), "ausente")
    assert a == b
    with pytest.raises(ValueError):
        fill(TEXT, make_identity(random.Random(1)), random.Random(2), "mucho")  # type: ignore[arg-type]
