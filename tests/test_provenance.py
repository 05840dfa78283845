"""Provenance you can see: ``policyx show --html`` marks every record in the text, lists each kind with links both
ways, escapes the document's text, loads nothing from elsewhere, and renders in a real headless browser;
``policyx show`` prints each record's quote and section title."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policyx.cli import app
from policyx.models import Document, Source
from policyx.pipeline import extract_document
from policyx.provenance import KINDS, document_html, section_titles
from policyx.rules import RuleSet

from conftest import CORPUS

YANGZHOU = CORPUS / "001_1add88e18a025895.txt"  # every record kind, an indicator table and a task table
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WINDOW = (1200, 1600)


class _Page(HTMLParser):
    """The ids, links, classes and external references of a page, and its text with the tags taken out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.external: list[str] = []
        self.tags: list[str] = []
        self.marks: dict[str, set[str]] = {}  # css class → ids of the records marked with it
        self.text: list[str] = []
        self._in_doctext = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and a.get("href"):
            self.hrefs.append(str(a["href"]))
        for key in ("src", "srcset", "data"):
            if a.get(key):
                self.external.append(str(a[key]))
        if tag == "link" or (tag == "script" and a.get("src")):
            self.external.append(tag)
        classes = (a.get("class") or "").split()
        if "m" in classes and a.get("title"):  # "t3 target · rule; d2 deadline · rule": each record over the piece
            for entry in str(a["title"]).split("; "):
                rid, kind = entry.split()[:2]
                css = next(c for k, c in KINDS.values() if k == kind)
                assert css in classes, (entry, classes)  # the piece wears the mark of every record over it
                self.marks.setdefault(css, set()).add(rid)
        if "doctext" in classes:
            self._in_doctext = 1
        elif self._in_doctext and tag in ("div", "span", "sup", "a"):
            self._in_doctext += tag == "div"

    def handle_endtag(self, tag: str) -> None:
        if self._in_doctext and tag == "div":
            self._in_doctext -= 1

    def handle_data(self, data: str) -> None:
        if self._in_doctext:
            self.text.append(data)


@pytest.fixture(scope="module")
def doc(rules: RuleSet) -> Document:
    return extract_document(YANGZHOU, rules=rules)


@pytest.fixture(scope="module")
def page(doc: Document) -> _Page:
    p = _Page()
    p.feed(document_html(doc))
    return p


def test_every_record_is_marked_in_its_kind(doc: Document, page: _Page) -> None:
    for field, (_, css) in KINDS.items():
        records = getattr(doc, field)
        assert records, field  # the document has every kind, so every kind is checked
        assert page.marks[css] == {r.id for r in records}, field


def test_links_go_both_ways(doc: Document, page: _Page) -> None:
    for field in KINDS:
        for r in getattr(doc, field):
            assert f"rec-{r.id}" in page.ids and f"row-{r.id}" in page.ids
            assert f"#rec-{r.id}" in page.hrefs  # the row's id links to the text
            if field != "tables":
                assert f"#row-{r.id}" in page.hrefs  # the mark's tag links to the row
    assert all(h.startswith("#") and h[1:] in page.ids for h in page.hrefs)  # no dangling, no external link


def test_the_text_is_the_documents_text(doc: Document, page: _Page) -> None:
    # take out the record ids the page adds after each record: what is left is the cleaned text, character for character
    ids = {r.id for field in KINDS if field != "tables" for r in getattr(doc, field)}
    shown = "".join(t for t in page.text if t not in ids)
    assert shown == doc.text


def test_rows_carry_quote_section_title_and_rule(doc: Document) -> None:
    page = document_html(doc)
    titles = section_titles(doc)
    t = next(t for t in doc.targets if t.indicator == "护理型床位数占养老机构床位总数比例")
    row = re.search(rf'<tr id="row-{t.id}">(.*?)</tr>', page)
    assert row is not None
    assert t.quote in row.group(1) and f"<code>{t.rule}</code>" in row.group(1)
    assert titles[t.section or ""] in row.group(1)
    assert 'title="at least"' in page  # the comparator is spelled out on the value


def test_text_is_escaped_and_nothing_loads_from_elsewhere(rules: RuleSet) -> None:
    text = (
        "一、总体目标\n到2025年,全市养老机构护理型床位占比不低于55%<script>alert(1)</script>&nbsp;"
        '<img src="http://example.com/x.png">,社区养老服务设施覆盖率达到100%。\n'
        "二、工作要求\n各地要加强组织领导,落实工作责任,确保各项目标任务按期完成。\n"
    )
    doc = extract_document(text.encode("utf-8"), name="escape.txt", rules=rules)
    assert doc.targets, "the sentence still gives its target"
    html = document_html(doc)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and '&lt;img src="http://example.com/x.png"&gt;' in html
    p = _Page()
    p.feed(html)
    assert p.external == []
    assert "script" not in p.tags and "img" not in p.tags
    assert "".join(t for t in p.text if t not in {r.id for r in doc.targets + doc.deadlines}) == doc.text


def test_an_empty_document_still_renders() -> None:
    doc = Document(doc_id="empty", source=Source(path="x.txt", sha256="0" * 64, encoding="utf-8", format="text"))
    html = document_html(doc)
    assert html.startswith("<!DOCTYPE html>") and "empty" in html


def test_show_html_writes_the_page_and_show_prints_quotes(tmp_path: Path, doc: Document) -> None:
    out = tmp_path / "page.html"
    run = CliRunner().invoke(app, ["show", str(YANGZHOU), "--html", "-o", str(out)], env={"COLUMNS": "250"})
    assert run.exit_code == 0, run.output
    assert out.read_text(encoding="utf-8") == document_html(doc)
    run = CliRunner().invoke(app, ["show", str(YANGZHOU), "--html", "-o", str(tmp_path)])
    assert run.exit_code == 2 and "is a folder" in " ".join(run.stderr.split())
    # the terminal: every kind, with quote and section title
    run = CliRunner().invoke(app, ["show", str(YANGZHOU)], env={"COLUMNS": "400"})
    assert run.exit_code == 0
    for field in KINDS:
        assert f"{field} ({len(getattr(doc, field))})" in run.stdout
    ref = doc.references[0]
    line = next(line for line in run.stdout.splitlines() if f" {ref.id} " in line)
    assert ref.quote in line
    t = next(t for t in doc.targets if t.section is not None)
    line = next(line for line in run.stdout.splitlines() if f" {t.id} " in line)
    assert section_titles(doc)[t.section or ""] in line and t.quote in line


@pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium; .ci/run installs it)"
)
def test_page_renders_in_headless_chromium(tmp_path: Path, doc: Document) -> None:
    (tmp_path / "page.html").write_text(document_html(doc), encoding="utf-8")
    # a frame scrolled to the targets' table: the second screenshot shows the rows under the text
    (tmp_path / "rows.html").write_text(
        '<!DOCTYPE html><html><body style="margin:0"><iframe src="page.html#list-targets" '
        f'style="width:{WINDOW[0]}px;height:{WINDOW[1]}px;border:0"></iframe></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "blank.html").write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    for name in ("page", "rows", "blank"):
        _chromium(f"--screenshot={tmp_path / name}.png", (tmp_path / f"{name}.html").as_uri(), cwd=tmp_path)
    for name in ("page", "rows"):
        shot = tmp_path / f"{name}.png"
        assert shot.is_file(), "chromium wrote no screenshot"
        assert shot.stat().st_size > 8 * (tmp_path / "blank.png").stat().st_size  # not one colour
        if os.environ.get("POLICYX_SCREENSHOTS"):  # a folder to keep the screenshots in, to look at them
            shutil.copyfile(shot, Path(os.environ["POLICYX_SCREENSHOTS"]) / f"provenance_{name}.png")
    dom = _chromium("--dump-dom", (tmp_path / "page.html").as_uri(), cwd=tmp_path).stdout
    assert 'id="row-t1"' in dom and 'class="m k-target"' in dom and "扬州市" in dom


def _chromium(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    cmd = [CHROMIUM, f"--user-data-dir={cwd / 'profile'}", "--headless", "--no-sandbox", "--disable-gpu"]
    cmd += [f"--window-size={WINDOW[0]},{WINDOW[1]}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=cwd, check=False)
