"""The responsibility forms of ``rules/responsibilities.yaml`` and the finders that read them from text.

Bracketed tags of fields (〔责任单位:…〕, (牵头单位:X;配合单位:Y)), the same fields closing a paragraph,
unlabelled brackets of units, rows of tab-separated task tables, task-division cells (a line that is nothing
but units and role words, recognised on its own because annex tables arrive flattened one cell per line), and
``X、Y牵头`` inside a sentence. Each finder skips text an earlier, more explicit form already took.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import regex
from pydantic import PrivateAttr

from policyx.departments import DepartmentRules, Resolver
from policyx.models import DocWarning, Section
from policyx.rules import Pattern, Rule, RuleFile, RuleModel, RuleSet, check_ids_unique
from policyx.spans import Covering
from policyx.unitlist import ListSyntax, Unit, _strip_roles, parse_units, split_conjunction, split_pieces


class FieldRule(Rule):
    label: Pattern
    lead: bool = False


class RoleRule(Rule):
    pattern: Pattern
    lead: bool = False


class FieldForm(Rule):
    start: Pattern


class CellForm(Rule):
    header: Pattern


class TabRowForm(Rule):
    column: Pattern  # a header cell naming a responsibility column
    empty: Pattern  # a cell that names no unit (`/`, `—`)


class PhraseForm(Rule):
    marker: Pattern
    lead_in: Pattern
    window: int


class Forms(RuleModel):
    tag: Rule
    field: FieldForm
    inline: Rule
    cell: CellForm
    tab_row: TabRowForm
    bracket: Rule
    lead_phrase: PhraseForm


class ResponsibilityRules(RuleFile):
    FILE = "responsibilities.yaml"
    brackets: list[tuple[str, str]]
    colon: Pattern
    fields: list[FieldRule]
    first_leads: Pattern
    max_tag_len: int
    separators: str
    conjunction: Pattern
    roles: list[RoleRule]
    trim: str
    forms: Forms
    inline_label: Pattern
    glued_suffix: Pattern
    glued_min: int = 3

    _syntax: ListSyntax = PrivateAttr()
    _tag_open: regex.Pattern[str] = PrivateAttr()
    _field_label: regex.Pattern[str] = PrivateAttr()
    _field_start: regex.Pattern[str] = PrivateAttr()
    _header: regex.Pattern[str] = PrivateAttr()
    _marker: regex.Pattern[str] = PrivateAttr()
    _first_leads: regex.Pattern[str] = PrivateAttr()
    _lead_in: regex.Pattern[str] = PrivateAttr()
    _column: regex.Pattern[str] = PrivateAttr()
    _empty: regex.Pattern[str] = PrivateAttr()
    _lead_label: regex.Pattern[str] = PrivateAttr()
    _close_of: dict[str, str] = PrivateAttr()
    _inline_label: regex.Pattern[str] = PrivateAttr()
    _inline_start: regex.Pattern[str] = PrivateAttr()
    _glued_end: regex.Pattern[str] = PrivateAttr()

    def model_post_init(self, _ctx: object) -> None:
        f = self.forms
        check_ids_unique(
            [*self.fields, *self.roles, f.tag, f.field, f.inline, f.cell, f.tab_row, f.bracket, f.lead_phrase],
            self.FILE,
        )
        opens = "".join(o for o, _ in self.brackets)
        self._close_of = dict(self.brackets)
        self._syntax = ListSyntax(
            opens=opens,
            closes="".join(c for _, c in self.brackets),
            separators=self.separators,
            trim=self.trim,
            conjunction=regex.compile(self.conjunction),
            roles=[(regex.compile(f"(?:{r.pattern})\\Z"), r.lead) for r in self.roles],
            any_role=regex.compile("(?:" + "|".join(f"(?:{r.pattern})" for r in self.roles) + ")\\Z"),
        )
        labels = "|".join(f"(?P<f{i}>{fr.label})" for i, fr in enumerate(self.fields))
        self._field_label = regex.compile(f"(?:{labels}){self.colon}")
        self._tag_open = regex.compile(f"(?P<open>[{regex.escape(opens)}])\\s*(?=(?:{labels}){self.colon})")
        self._field_start = regex.compile(f"{f.field.start}(?=(?:{labels}){self.colon})", regex.MULTILINE)
        self._header = regex.compile(f.cell.header)
        self._marker = regex.compile(f.lead_phrase.marker)
        self._first_leads = regex.compile(self.first_leads)
        self._lead_in = regex.compile(f.lead_phrase.lead_in)
        self._column = regex.compile(f.tab_row.column)
        self._empty = regex.compile(f.tab_row.empty)
        lead_labels = "|".join(f"(?:{fr.label})" for fr in self.fields if fr.lead) or r"(?!)"
        self._lead_label = regex.compile(lead_labels)
        bracket = "|".join(f"{regex.escape(o)}[^{regex.escape(o + c)}]*{regex.escape(c)}" for o, c in self.brackets)
        self._glued_end = regex.compile(f"(?:{self.glued_suffix})(?:{bracket})?")
        self._inline_label = regex.compile(f"{self.inline_label}{self.colon}")
        # after white space in a line, or opening a line whose value runs on into other words
        self._inline_start = regex.compile(f"(?:^|(?<=[ \t\u3000]))(?=(?:{labels}){self.colon})", regex.MULTILINE)

    def field_of(self, m: regex.Match[str]) -> FieldRule:
        for i, fr in enumerate(self.fields):
            if m.group(f"f{i}") is not None:
                return fr
        raise AssertionError("a field label matched no field")


_WS = regex.compile(r"\s+")
_WS_RUN = regex.compile(r"\S+")  # the words of a cell that white space separates
_SPACE_RUN = regex.compile(r"\s*")
_SENTENCE_END = regex.compile(r"[。;；!！?？]")
_LINE = regex.compile(r"[^\n]+")
_HEADER_MAX = 40  # a column header line is short; longer lines are not checked against the header pattern


@dataclass(slots=True)
class Found:
    start: int
    end: int
    units: list[str]
    lead: list[str]
    rule: str
    at: int  # offset whose innermost section is the record's section


def _fields(body: str, rr: ResponsibilityRules, dr: Resolver) -> tuple[list[str], list[str], bool]:
    """Units and leads of a run of ``label:value`` fields, and whether every value was a unit list."""
    units: list[str] = []
    lead: list[str] = []
    valid = True
    labels = list(rr._field_label.finditer(body))
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(body)
        parsed = parse_units(body[m.end() : end], rr._syntax, dr)
        valid = valid and parsed.valid
        fr = rr.field_of(m)
        for u in parsed.units:
            units.append(u.name)
            if fr.lead or u.lead:
                lead.append(u.name)
    if units and not lead and rr._first_leads.search(body):
        lead = units[:1]  # 列第一位者为牵头单位
    return units, lead, valid


def _matching_close(text: str, i: int, rr: ResponsibilityRules) -> int | None:
    """Offset of the bracket closing the one at ``i`` (nested brackets inside are skipped), or None."""
    open_ch = text[i]
    close_ch = rr._close_of[open_ch]
    depth = 0
    syn = rr._syntax
    for j in range(i, min(len(text), i + rr.max_tag_len)):
        ch = text[j]
        if ch == close_ch and depth == 1:
            return j
        if ch in syn.opens:
            depth += 1
        elif ch in syn.closes:
            depth -= 1
    return None


def find_tags(text: str, rr: ResponsibilityRules, dr: Resolver) -> tuple[list[Found], list[DocWarning]]:
    found: list[Found] = []
    warnings: list[DocWarning] = []
    for m in rr._tag_open.finditer(text):
        close = _matching_close(text, m.start(), rr)
        if close is None:
            warnings.append(
                DocWarning(
                    code="unclosed_tag",
                    message=f"responsibility tag {m.group('open')} is not closed",
                    span=(m.start(), m.end()),
                )
            )
            continue
        units, lead, _ = _fields(text[m.end() : close], rr, dr)
        if units:
            found.append(Found(m.start(), close + 1, units, lead, rr.forms.tag.id, m.start()))
    return found, warnings


def glued_units(text: str, start: int, rr: ResponsibilityRules, dr: Resolver, limit: int | None = None) -> list[Unit]:
    """Units glued together from ``start`` on (``教育局经开区高新园(邹区镇)各街道市国有公司2促进…``): each the
    shortest run ending in a unit word (``glued_suffix``, with the bracket right after it), at least
    ``glued_min`` characters, no digit, not the start of a task; the list ends before the first run that is none."""
    out: list[Unit] = []
    pos, limit = start, len(text) if limit is None else limit
    while pos < limit:
        found = None
        for m in rr._glued_end.finditer(text, pos + 1, min(limit, pos + _GLUED_MAX)):
            name = text[pos : m.end()]
            if len(name) < rr.glued_min:
                continue
            if _NOT_GLUED.search(name) or dr.not_unit.search(name):
                break
            found = m.end()
            break
        if found is None:
            break
        out.append(Unit(text[pos:found], pos, found))
        pos = found
    return out


_GLUED_MAX = 16  # characters of one unit's name
_NOT_GLUED = regex.compile(r"[\d\s。,，;；、:：“”《》]")


def _labelled_units(value: str, rr: ResponsibilityRules, dr: Resolver) -> list[Unit] | None:
    """The units of a labelled field's value (offsets into ``value``), or None when a piece is no unit name:
    the label says units follow, so the look of one (宁波电业局) is enough."""
    out: list[Unit] = []
    for a, b in split_pieces(value, rr._syntax):
        name, lead, _ = _strip_roles(value[a:b], rr._syntax)
        skip = len(name) - len(name.lstrip(rr.trim))
        name = name.strip(rr.trim)
        if not name:
            continue
        if not (dr.looks_like_unit(name) or dr.shape.fullmatch(name)):
            return None
        start = a + skip
        parts = split_conjunction(name, rr._syntax, dr)
        out += [Unit(sub, start + off, start + off + len(sub), lead) for sub, off in parts]
    return out


def _inline_value_end(text: str, start: int, limit: int, rr: ResponsibilityRules, dr: Resolver) -> int:
    """Where a field's value written inline ends: its first word, then each word after white space that starts
    with a unit (配合单位:市公安局、市城管局,各区政府 鄞州 … stops before 鄞州), never past another label."""
    end = start
    for w in _WS_RUN.finditer(text, start, limit):
        word = w.group()
        if end > start:
            if rr._inline_label.match(word):
                break
            first = next(iter(split_pieces(word, rr._syntax)))
            piece = _strip_roles(word[first[0] : first[1]], rr._syntax)[0].strip(rr.trim)
            if not piece or not dr.looks_like_unit(piece):
                break
        stop = _SENTENCE_END.search(word)
        if stop:  # a sentence ends inside the word: so does the value
            return w.start() + stop.start()
        end = w.end()
    return end


def find_inline_fields(
    text: str, rr: ResponsibilityRules, dr: Resolver, taken: list[Found], is_person: Callable[[str], bool]
) -> list[Found]:
    """A run of fields written inline, separated by white space: ``牵头领导:X 责任单位:Y 项目责任人:Z 配合单位:W
    实际完成情况:…``. One record of the unit fields' units from the first unit field to the last one; the
    people's fields (``is_person``: 项目责任人, 牵头领导) are passed over, any other label ends the run."""
    found: list[Found] = []
    claimed = _taken_index(taken)
    for m in rr._inline_start.finditer(text):
        if claimed.covers(m.start()) or (found and m.start() < found[-1].end):
            continue
        units: list[str] = []
        lead: list[str] = []
        pos, end = m.start(), m.start()
        limit = min(len(text), m.start() + rr.max_tag_len)
        while pos < limit:
            label = rr._inline_label.match(text, pos)
            if label is None:
                break
            field = rr._field_label.match(text, pos)
            value_end = _inline_value_end(text, label.end(), limit, rr, dr)
            if field is not None and field.end() == label.end():
                parsed = _labelled_units(text[label.end() : value_end], rr, dr)
                if not parsed:
                    break
                fr = rr.field_of(field)
                units += [u.name for u in parsed]
                lead += [u.name for u in parsed if fr.lead or u.lead]
                end = label.end() + parsed[-1].end
            elif not is_person(label.group().rstrip(":： \t")):
                break  # 实际完成情况: the run of responsibility fields is over
            pos = _SPACE_RUN.match(text, value_end).end()  # type: ignore[union-attr]
        if units:
            found.append(Found(m.start(), end, units, lead, rr.forms.inline.id, m.start()))
    return found


def find_bracketed_lists(text: str, rr: ResponsibilityRules, dr: Resolver, taken: list[Found]) -> list[Found]:
    """``(市民政局牵头,市卫健委配合)``: brackets with no field label whose content is only units and role words."""
    found: list[Found] = []
    claimed = _taken_index(taken)
    for m in _opening(rr._syntax.opens).finditer(text):  # the opening brackets only
        i = m.start()
        if claimed.covers(i):
            continue
        close = _matching_close(text, i, rr)
        if close is None:
            continue
        parsed = parse_units(text[i + 1 : close], rr._syntax, dr)
        names = [u.name for u in parsed.units]
        if not (parsed.valid and names and (parsed.has_role or len(names) > 1)):
            continue
        if any(dr.resolve(n).kind == "department" for n in names):
            found.append(Found(i, close + 1, names, [u.name for u in parsed.units if u.lead], rr.forms.bracket.id, i))
    return found


@lru_cache(maxsize=4)
def _opening(opens: str) -> regex.Pattern[str]:
    return regex.compile(f"[{regex.escape(opens)}]")


def _taken_index(taken: list[Found]) -> Covering:
    return Covering((f.start, f.end) for f in taken)


def find_fields(text: str, rr: ResponsibilityRules, dr: Resolver, taken: list[Found]) -> list[Found]:
    """``责任单位:X`` without brackets: the value runs to the end of its line (at most ``max_tag_len``)."""
    found: list[Found] = []
    claimed = _taken_index(taken)
    for m in rr._field_start.finditer(text):
        start = m.end()
        if claimed.covers(start) or (found and found[-1].start <= start < found[-1].end):
            continue
        end = text.find("\n", start, start + rr.max_tag_len)
        end = min(len(text), start + rr.max_tag_len) if end < 0 else end
        line = text[start:end]
        stripped = line.rstrip(rr.trim)
        units, lead, valid = _fields(stripped, rr, dr)
        if not (units and valid):
            continue
        prev = found[-1] if found else None
        if prev and not text[prev.end : start].strip():
            # 牵头单位:X on one line and 配合单位:Y on the next are one record
            prev.end, prev.units, prev.lead = start + len(stripped), prev.units + units, prev.lead + lead
        else:
            found.append(Found(start, start + len(stripped), units, lead, rr.forms.field.id, start))
    return found


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    units: list[Unit]
    has_role: bool


def _table_zones(text: str, sections: list[Section], rr: ResponsibilityRules) -> list[tuple[int, int]]:
    """Stretches after a column header line (`责任单位`) up to the end of its top-level section."""
    tops = [s for s in sections if s.parent is None]
    zones: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        if len(m.group()) <= _HEADER_MAX and rr._header.fullmatch(_WS.sub("", m.group())):
            end = next((s.span[1] for s in tops if s.span[0] <= m.start() < s.span[1]), len(text))
            zones.append((m.end(), end))
    return zones


def _split_by_rows(run: list[_Line], rows: list[tuple[int, int]], starts: list[int]) -> list[list[_Line]]:
    """A run of unit lines never spans two table rows (row spans from the tables stage, when it gave them);
    ``starts`` are the rows' start offsets, built once per document by the caller."""
    out: list[list[_Line]] = []
    last: int | None = None
    for ln in run:
        i = bisect_right(starts, ln.start) - 1
        row = i if i >= 0 and ln.start < rows[i][1] else None
        if out and row == last:
            out[-1].append(ln)
        else:
            out.append([ln])
        last = row
    return out


def find_cells(
    text: str,
    sections: list[Section],
    rr: ResponsibilityRules,
    dr: Resolver,
    taken: list[Found],
    task_rows: Sequence[tuple[int, int]] = (),
) -> list[Found]:
    """Lines that are nothing but units and role words; consecutive ones (in one table row) are one cell."""
    zones = Covering(_table_zones(text, sections, rr) + list(task_rows))
    claimed = _taken_index(taken)
    syn, header = rr._syntax, rr._header  # hoisted: pydantic private attributes are slow to look up
    runs: list[list[_Line]] = []
    prev_end: int | None = None  # end of the previous line when it was a unit line
    for m in _LINE.finditer(text):
        raw = m.group()
        body = raw.strip()
        if not body or "\t" in body or claimed.covers(m.start()):
            prev_end = None if body else prev_end
            continue
        parsed = parse_units(body, syn, dr, strict=True)
        if header.fullmatch(_WS.sub("", body)) or not parsed.valid or (not parsed.units and not parsed.has_role):
            prev_end = None
            continue
        lead_ws = len(raw) - len(raw.lstrip())
        line = _Line(m.start() + lead_ws, m.start() + lead_ws + len(body), parsed.units, parsed.has_role)
        # consecutive unit lines are one cell (blank lines between them do not break it)
        if runs and prev_end is not None and not text[prev_end : line.start].strip():
            runs[-1].append(line)
        else:
            runs.append([line])
        prev_end = line.end
    if task_rows:
        rows = sorted(task_rows)
        starts = [a for a, _ in rows]
        runs = [part for run in runs for part in _split_by_rows(run, rows, starts)]
    found: list[Found] = []
    for run in runs:
        units = [u for ln in run for u in ln.units]
        in_table = zones.covers(run[0].start)
        if not units or not (in_table or any(ln.has_role for ln in run)):
            continue
        names = [u.name for u in units]
        if not any(dr.resolve(n).kind == "department" for n in names):
            continue
        found.append(
            Found(run[0].start, run[-1].end, names, [u.name for u in units if u.lead], rr.forms.cell.id, run[0].start)
        )
    return found


def find_tab_rows(text: str, rr: ResponsibilityRules, dr: Resolver) -> list[Found]:
    """Rows of a tab-separated table whose header names responsibility columns: one record per row."""
    found: list[Found] = []
    columns: dict[int, bool] = {}  # column index → is a lead (牵头) column; empty outside such a table
    for m in _LINE.finditer(text):
        line = m.group()
        if "\t" not in line:
            columns = {}
            continue
        cells = line.split("\t")
        bare = [_WS.sub("", c) for c in cells]
        header = {i: bool(rr._lead_label.fullmatch(c)) for i, c in enumerate(bare) if rr._column.fullmatch(c)}
        if header:
            columns = header
            continue
        units: list[str] = []
        lead: list[str] = []
        spans: list[tuple[int, int]] = []
        offset = m.start()
        starts = list(accumulate((len(c) + 1 for c in cells[:-1]), initial=offset))  # each cell's offset
        for i, is_lead in columns.items():
            if i >= len(cells) or rr._empty.fullmatch(bare[i]):
                continue
            parsed = parse_units(cells[i], rr._syntax, dr)
            if not parsed.valid or not parsed.units:
                continue
            units += [u.name for u in parsed.units]
            lead += [u.name for u in parsed.units if is_lead or u.lead]
            lstrip = len(cells[i]) - len(cells[i].lstrip())
            spans.append((starts[i] + lstrip, starts[i] + len(cells[i].rstrip())))
        if units:  # the header already says these cells name units: no known department needed
            start, end = min(a for a, _ in spans), max(b for _, b in spans)
            found.append(Found(start, end, units, lead, rr.forms.tab_row.id, m.start()))
    return found


def find_lead_phrases(text: str, rr: ResponsibilityRules, dr: Resolver, taken: list[Found]) -> list[Found]:
    """``市发展改革委、市民政局、市卫健委牵头对…``: the units right before 牵头, back to the first non-unit."""
    found: list[Found] = []
    claimed = _taken_index(taken)
    window = rr.forms.lead_phrase.window
    for m in rr._marker.finditer(text):
        if claimed.covers(m.start()):
            continue
        # look back at most `window` characters: a unit list is short, a page may be one long line
        lo = max(0, m.start() - window)
        nl = text.rfind("\n", lo, m.start())
        line_start = nl + 1 if nl >= 0 else lo
        head = text[line_start : m.start()]
        pieces = list(split_pieces(head, rr._syntax))
        kept: list[tuple[int, str]] = []  # (offset, unit) from right to left
        for a, b in reversed(pieces):
            raw = head[a:b]
            start = line_start + a + len(raw) - len(raw.lstrip(rr.trim))
            name = raw.strip(rr.trim)
            lead_in = rr._lead_in.match(name)
            if lead_in:
                name, start = name[lead_in.end() :], start + lead_in.end()
            if not name or not dr.looks_like_unit(name):
                break
            kept += [(start + off, sub) for sub, off in reversed(split_conjunction(name, rr._syntax, dr))]
            if lead_in:
                break  # 由 opens the list: nothing before it belongs to it
        if not kept:
            continue
        kept.reverse()
        names = [n for _, n in kept]
        if not any(dr.resolve(n).kind == "department" for n in names):
            continue
        found.append(Found(kept[0][0], m.end(), names, list(names), rr.forms.lead_phrase.id, kept[0][0]))
    return found


def column_units(cell: str, rr: ResponsibilityRules, dr: Resolver) -> list[Unit]:
    """The units of a table cell under a unit column (牵头单位, 责任单位, 协同单位), offsets into ``cell``.

    The header already says the cell names units, so every piece is kept (no known department needed); the
    list separators split it, and so does white space when every piece it separates looks like a unit
    (``财政局 住建局 各区镇街道``). Role words are stripped (``牵头`` marks a lead)."""
    syn = rr._syntax
    out: list[Unit] = []
    for a, b in split_pieces(cell, syn):
        raw = cell[a:b]
        name, lead, _ = _strip_roles(raw, syn)
        skip = len(name) - len(name.lstrip(rr.trim))
        name = name.strip(rr.trim)
        if not name:
            continue
        start = a + skip
        words = list(_WS_RUN.finditer(name))
        if len(words) > 1 and all(dr.looks_like_unit(w.group()) for w in words):
            out += [Unit(w.group(), start + w.start(), start + w.end(), lead) for w in words]
        else:
            compact = _WS.sub("", name)
            out.append(Unit(compact, start, start + len(name), lead))
    return out


def find_responsibilities(
    text: str,
    sections: list[Section],
    rules: RuleSet,
    task_rows: Sequence[tuple[int, int]] = (),
    known: Sequence[Found] = (),
) -> tuple[list[Found], list[DocWarning]]:
    """Every responsibility record in ``text``; ``task_rows`` are the row spans of task tables, when known;
    ``known`` are records already made (a table's rows read by their columns): their text is not read again."""
    rr = rules.get(ResponsibilityRules)
    dr = rules.get(DepartmentRules).resolver
    tags, warnings = find_tags(text, rr, dr)
    tags = [f for f in tags if not _taken_index(list(known)).covers(f.start)] if known else tags
    taken = [*known, *tags]
    taken += find_fields(text, rr, dr, taken)
    # one vocabulary of people's labels: the person role of a table column (rules/tables.yaml)
    from policyx.tables.rules import TableRules  # here: the tables package reads respforms at import

    tr = rules.get(TableRules)
    taken += find_inline_fields(text, rr, dr, taken, lambda label: getattr(tr.role_of(label), "role", None) == "person")
    taken += find_bracketed_lists(text, rr, dr, taken)
    taken += find_tab_rows(text, rr, dr)
    taken += find_cells(text, sections, rr, dr, taken, task_rows)
    taken += find_lead_phrases(text, rr, dr, taken)
    return sorted(taken[len(known) :], key=lambda f: f.start), warnings
