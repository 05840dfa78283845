"""``policyx export``: the corpus extracted, exported, read back with sqlite3, csv, pandas and pyarrow, and
compared with the JSON records it came from (counts, values, quotes, joins)."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policyx.cli import app
from policyx.export import JOIN, TABLES, VIEWS, load_folder, neutralise
from policyx.models import Document

from conftest import CORPUS

BOTOU = "000_d432b4ee5b26c821"  # 泊头市: targets in a 具体目标 section, responsibility tags without 牵头
YANGZHOU = "001_1add88e18a025895"  # 扬州市: an indicator table and a task-division table with 牵头 units


def _invoke(*args: str) -> object:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("extracted") / "out"
    run = _invoke("extract", str(CORPUS), "-o", str(out), "-q", "-j", "1", "--no-cache")
    assert run.exit_code == 0, run.output
    return out


@pytest.fixture(scope="module")
def docs(extracted: Path) -> dict[str, Document]:
    entries = json.loads((extracted / "manifest.json").read_text(encoding="utf-8"))["entries"]
    return {
        e["doc_id"]: Document.model_validate_json((extracted / f"{e['doc_id']}.json").read_bytes()) for e in entries
    }


@pytest.fixture(scope="module")
def db(extracted: Path, tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    dest = tmp_path_factory.mktemp("db") / "corpus.sqlite"
    run = _invoke("export", str(extracted), "--to", str(dest))
    assert run.exit_code == 0, run.output
    assert "exported 5 documents" in run.stderr
    con = sqlite3.connect(dest)
    con.row_factory = sqlite3.Row
    return con


def _rows(con: sqlite3.Connection, sql: str, *params: object) -> list[dict[str, object]]:
    return [dict(r) for r in con.execute(sql, params)]


def test_one_row_per_record_in_each_table(db: sqlite3.Connection, docs: dict[str, Document]) -> None:
    count = {name: db.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in (*TABLES, *VIEWS)}
    assert count["documents"] == count["texts"] == len(docs) == 5
    for table, field in [
        ("sections", "sections"),
        ("targets", "targets"),
        ("statistics", "statistics"),
        ("deadlines", "deadlines"),
        ("responsibilities", "responsibilities"),
        ("refs", "references"),
        ("tables", "tables"),
        ("warnings", "warnings"),
    ]:
        assert count[table] == sum(len(getattr(d, field)) for d in docs.values()), table
    assert count["responsibility_units"] == sum(len(r.units) for d in docs.values() for r in d.responsibilities)
    assert count["table_cells"] == sum(len(row) for d in docs.values() for t in d.tables for row in t.rows)
    assert count["targets_v"] == count["targets"] > 100
    assert count["statistics_v"] == count["statistics"]
    assert count["responsibilities_v"] == count["responsibility_units"]
    assert count["deadlines_v"] == count["deadlines"]


def test_every_key_holds(db: sqlite3.Connection) -> None:
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO deadlines (doc_id, id, span_start, span_end, quote, rule, text, kind) "
            "VALUES ('no_such_doc', 'd1', 0, 1, 'x', 'r', 'x', 'by')"
        )
    with pytest.raises(sqlite3.IntegrityError):  # (doc_id, id) is the primary key
        db.execute(
            "INSERT INTO refs (doc_id, id, span_start, span_end, quote, rule) VALUES (?, 'ref1', 0, 1, 'x', 'r')",
            (BOTOU,),
        )
    db.rollback()


def test_values_and_quotes_match_the_json(db: sqlite3.Connection, docs: dict[str, Document]) -> None:
    for doc in docs.values():
        rows = {r["id"]: r for r in _rows(db, "SELECT * FROM targets WHERE doc_id = ?", doc.doc_id)}
        for t in doc.targets:
            r = rows[t.id]
            assert (r["indicator"], r["value"], r["value_max"], r["unit"], r["comparator"], r["year"]) == (
                t.indicator,
                t.value,
                t.value_max,
                t.unit,
                t.comparator,
                t.year,
            )
            assert (r["quote"], r["rule"], r["section_id"]) == (t.quote, t.rule, t.section)
            assert r["baseline_value"] == (t.baseline.value if t.baseline else None)
            assert r["responsible"] == (JOIN.join(t.responsible) or None)
        # every span indexes the exported text as it does the JSON's (SQLite's substr counts characters from 1)
        for table in ("targets", "statistics", "deadlines", "responsibilities", "refs"):
            bad = db.execute(
                f"SELECT x.id FROM {table} x JOIN texts USING (doc_id) WHERE x.doc_id = ? "
                "AND substr(texts.text, x.span_start + 1, x.span_end - x.span_start) != x.quote",
                (doc.doc_id,),
            ).fetchall()
            assert bad == [], (table, doc.doc_id)
    assert {type(r["value"]) for r in _rows(db, "SELECT value FROM targets")} == {float}
    assert {type(r["year"]) for r in _rows(db, "SELECT year FROM targets WHERE year IS NOT NULL")} == {int}


def test_targets_view_answers_the_first_question(db: sqlite3.Connection, docs: dict[str, Document]) -> None:
    # 泊头市: 到2025年 … 护理型床位占比不低于55% in the section 具体目标
    nursing = _rows(
        db,
        "SELECT * FROM targets_v WHERE doc_id = ? AND indicator = '护理型床位占比'",
        BOTOU,
    )
    assert len(nursing) == 1
    row = nursing[0]
    meta = docs[BOTOU].meta
    assert (row["region"], row["province"], row["issued_on"], row["doc_title"]) == (
        meta.region,
        meta.province,
        meta.issued_on,
        meta.title,
    )
    assert (row["value"], row["unit"], row["comparator"], row["year"]) == (55.0, "%", ">=", 2025)
    assert row["section_title"] == "具体目标"
    assert "55%" in row["quote"]
    # 扬州市's task-division table: 市卫健委牵头 for the health-management rate of people aged 65 and over
    health = _rows(db, "SELECT * FROM targets_v WHERE doc_id = ? AND indicator LIKE '65周岁%健康管理服务率'", YANGZHOU)
    # (the indicator table states it too, without a unit to blame)
    assert (72.0, "%", 2025, "市卫健委", "health") in [
        (r["value"], r["unit"], r["year"], r["lead"], r["lead_keys"]) for r in health
    ]
    assert {r["responsible"].split(JOIN)[0] for r in health if r["lead"]} == {"市卫健委"}
    # the lead column is the lead of the very record whose units the target carries
    for doc in docs.values():
        for r in _rows(db, "SELECT target_id, lead, responsible FROM targets_v WHERE doc_id = ?", doc.doc_id):
            t = next(t for t in doc.targets if t.id == r["target_id"])
            if r["lead"]:
                assert set(r["lead"].split(JOIN)) <= set(t.responsible)


def test_responsibility_units_one_row_per_unit_with_its_key(db: sqlite3.Connection, docs: dict[str, Document]) -> None:
    rec = next(r for r in docs[YANGZHOU].responsibilities if "各县(市、区)" in r.units)
    rows = _rows(
        db,
        "SELECT unit, unit_key, is_lead, section_title FROM responsibilities_v "
        "WHERE doc_id = ? AND responsibility_id = ? ORDER BY position",
        YANGZHOU,
        rec.id,
    )
    assert [r["unit"] for r in rows] == rec.units  # 各县(市、区) stays one unit
    assert [r["unit_key"] for r in rows] == rec.unit_keys
    assert [r["unit"] for r in rows if r["is_lead"]] == rec.lead
    titles = {s.id: s.title for s in docs[YANGZHOU].sections}
    assert {r["section_title"] for r in rows} == {titles.get(rec.section or "")}


def test_table_cells_keep_the_grid(db: sqlite3.Connection, docs: dict[str, Document]) -> None:
    tab = docs[YANGZHOU].tables[0]
    cells = _rows(
        db, "SELECT row, col, header, value FROM table_cells WHERE doc_id = ? AND table_id = ?", YANGZHOU, tab.id
    )
    grid: dict[int, dict[int, str]] = {}
    for c in cells:
        grid.setdefault(int(c["row"]), {})[int(c["col"])] = str(c["value"])
        if int(c["col"]) <= len(tab.header):
            assert c["header"] == tab.header[int(c["col"]) - 1]
    assert [[grid[i][j] for j in sorted(grid[i])] for i in sorted(grid)] == tab.rows
    header = db.execute("SELECT header FROM tables WHERE doc_id = ? AND id = ?", (YANGZHOU, tab.id)).fetchone()[0]
    assert json.loads(header) == tab.header


def test_pandas_reads_the_view_in_one_line(db: sqlite3.Connection, docs: dict[str, Document]) -> None:
    pd = pytest.importorskip("pandas")
    plain = sqlite3.connect(db.execute("PRAGMA database_list").fetchone()[2])
    frame = pd.read_sql("select * from targets_v", plain)
    assert len(frame) == sum(len(d.targets) for d in docs.values())
    for col in ("region", "indicator", "value", "unit", "comparator", "year", "section_title", "lead"):
        assert col in frame.columns
    assert str(frame["value"].dtype) == "float64"
    yz = frame[frame.doc_id == YANGZHOU]
    assert set(yz["region"]) == {"扬州市"}
    assert sorted(yz["quote"]) == sorted(t.quote for t in docs[YANGZHOU].targets)


def _sqlite_rows(con: sqlite3.Connection, name: str) -> tuple[list[str], list[tuple[object, ...]]]:
    cur = con.execute(f"SELECT * FROM {name}")
    return [c[0] for c in cur.description], [tuple(r) for r in cur]


def test_csv_holds_the_same_rows_with_a_bom(extracted: Path, db: sqlite3.Connection, tmp_path: Path) -> None:
    run = _invoke("export", str(extracted), "--format", "csv", "-o", str(tmp_path / "csv"), "-q")
    assert run.exit_code == 0, run.output
    assert sorted(p.stem for p in (tmp_path / "csv").iterdir()) == sorted([*TABLES, *VIEWS])
    for name in (*TABLES, *VIEWS):
        raw = (tmp_path / "csv" / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name  # Excel reads UTF-8 only with the BOM
        with (tmp_path / "csv" / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
            header, *rows = list(csv.reader(fh))
        columns, expected = _sqlite_rows(db, name)
        assert header == columns
        assert rows == [["" if v is None else str(neutralise(v)) for v in row] for row in expected], name
    # a table cell '-' (no starting value) is neutralised, not lost
    with (tmp_path / "csv" / "table_cells.csv").open(encoding="utf-8-sig", newline="") as fh:
        values = [r["value"] for r in csv.DictReader(fh)]
    assert "'-" in values and "-" not in values


def test_formula_cells_are_neutralised() -> None:
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert neutralise("+86 311 1234") == "'+86 311 1234"
    assert neutralise("-") == "'-"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("护理型床位占比") == "护理型床位占比"
    assert neutralise(-3.5) == -3.5  # numbers are values, not formulas
    assert neutralise(None) is None


def test_parquet_holds_the_same_rows_typed(extracted: Path, db: sqlite3.Connection, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    run = _invoke("export", str(extracted), "--format", "parquet", "-o", str(tmp_path / "pq"), "-q")
    assert run.exit_code == 0, run.output
    for name in (*TABLES, *VIEWS):
        table = pq.read_table(tmp_path / "pq" / f"{name}.parquet")
        columns, expected = _sqlite_rows(db, name)
        assert table.column_names == columns
        assert [tuple(r.values()) for r in table.to_pylist()] == expected, name
    targets = pq.read_table(tmp_path / "pq" / "targets_v.parquet")
    assert str(targets.schema.field("year").type) == "int64"
    assert str(targets.schema.field("value").type) == "double"


def test_only_the_manifest_ok_entries_are_read(extracted: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    shutil.copytree(extracted, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    # an entry that failed, a stray JSON file no entry names, and a file that is not a valid Document
    manifest["entries"].append({"path": "corpus/broken.txt", "doc_id": "broken", "status": "error", "error": "x"})
    (folder / "stray.json").write_text(json.dumps({"doc_id": "stray"}), encoding="utf-8")
    bad = json.loads((folder / f"{BOTOU}.json").read_text(encoding="utf-8"))
    bad["targets"][0]["comparator"] = "≥"  # not one of the contract's comparators
    (folder / f"{BOTOU}.json").write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    loaded = load_folder(folder)
    assert sorted(d.doc_id for d in loaded.documents) == sorted(
        e["doc_id"] for e in manifest["entries"] if e["status"] == "ok" and e["doc_id"] != BOTOU
    )
    assert len(loaded.problems) == 1 and "targets.0.comparator" in loaded.problems[0]

    run = _invoke("export", str(folder), "--to", str(tmp_path / "c.sqlite"))
    assert run.exit_code == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and BOTOU in errors[0]
    assert "exported 4 documents" in run.stderr and "1 could not be read" in run.stderr
    con = sqlite3.connect(tmp_path / "c.sqlite")
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 4


def test_a_moved_folder_of_relative_outputs_and_jsonl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, docs: dict[str, Document]
) -> None:
    monkeypatch.chdir(tmp_path)
    seeds = [str(CORPUS / f"{d}.txt") for d in (BOTOU, YANGZHOU)]
    assert _invoke("extract", *seeds, "-o", "rel", "-q", "-j", "1", "--no-cache").exit_code == 0
    assert _invoke("extract", *seeds, "-o", "lines", "--format", "jsonl", "-q", "-j", "1").exit_code == 0
    outputs = [e["output"] for e in json.loads(Path("rel/manifest.json").read_text(encoding="utf-8"))["entries"]]
    shutil.move("rel", "elsewhere/moved")  # the manifest's outputs no longer resolve from here
    assert not any(Path(o).exists() for o in outputs)
    for folder in ("elsewhere/moved", "lines"):
        loaded = load_folder(Path(folder))
        assert loaded.problems == []
        assert [d.doc_id for d in loaded.documents] == [BOTOU, YANGZHOU]
        assert loaded.documents[1].targets == docs[YANGZHOU].targets


def test_unusable_folder_or_destination_is_one_line_exit_2(extracted: Path, tmp_path: Path) -> None:
    run = _invoke("export", str(tmp_path / "nothing"), "--to", str(tmp_path / "c.sqlite"))
    assert run.exit_code == 2
    assert run.stderr.strip().count("\n") == 0 and "manifest.json" in run.stderr
    (tmp_path / "adir").mkdir()
    run = _invoke("export", str(extracted), "--to", str(tmp_path / "adir"))
    assert run.exit_code == 2 and "is a folder" in run.stderr and run.stderr.strip().count("\n") == 0
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    run = _invoke("export", str(extracted), "--format", "csv", "--to", str(tmp_path / "afile"))
    assert run.exit_code == 2 and "is a file" in run.stderr
    assert "Traceback" not in run.output
