"""The shape of ``rules/tables.yaml`` (SPEC 9), validated strictly and compiled once."""

from __future__ import annotations

from typing import Literal

import regex
from pydantic import PrivateAttr

from policyx.models import Comparator
from policyx.rules import Pattern, Rule, RuleFile, check_ids_unique

ColumnRole = Literal["indicator", "baseline", "target", "binding", "unit", "tasks"]
#: what a column holds, read from its header (``column_roles``): decides how its cells are read
CellRole = Literal["seq", "name", "task", "progress", "lead", "units", "person", "deadline"]


class PatternRule(Rule):
    pattern: Pattern


class LeadHeader(PatternRule):
    max_cells: int = 1


class JoinRule(Rule):
    prev: Pattern
    cur: Pattern


class RoleRule(PatternRule):
    role: CellRole


class BindingWord(PatternRule):
    value: Literal["binding", "expected"]


class TableRules(RuleFile):
    FILE = "tables.yaml"
    seq_header: PatternRule
    seq_cell: PatternRule
    lead_header: LeadHeader
    header_vocab: PatternRule
    header_joins: list[JoinRule]
    header_wrap: JoinRule
    table_end: list[PatternRule]
    fragment: PatternRule
    fragment_tail: PatternRule
    unit_line: PatternRule
    unit_list: PatternRule
    numeric_cell: PatternRule
    sentence_end: Pattern
    min_rows: int = 2
    columns: dict[ColumnRole, PatternRule]
    binding_words: list[BindingWord]
    unit_bracket: PatternRule
    year_only: PatternRule
    binding_cell: PatternRule
    header_year: PatternRule
    scales: dict[str, float]
    value_cell: PatternRule
    comparators: dict[str, Comparator]
    target_rule: Rule
    baseline_rule: Rule
    flat_rule: Rule
    attr_rule: Rule
    tab_rule: Rule
    column_roles: list[RoleRule]
    pipe_line: PatternRule
    pipe_min_lines: int = 4
    pipe_rule: Rule
    row_units_rule: Rule
    glued_header: PatternRule
    page_marker: PatternRule
    glued_rule: Rule
    spaced_rule: Rule

    _re: dict[str, regex.Pattern[str]] = PrivateAttr()
    _joins: list[tuple[regex.Pattern[str], regex.Pattern[str]]] = PrivateAttr()
    _end: regex.Pattern[str] = PrivateAttr()
    _columns: dict[str, regex.Pattern[str]] = PrivateAttr()
    _binding: list[tuple[regex.Pattern[str], str]] = PrivateAttr()
    _roles: list[tuple[regex.Pattern[str], RoleRule]] = PrivateAttr()

    def model_post_init(self, _ctx: object) -> None:
        rules: list[Rule] = [
            self.seq_header,
            self.seq_cell,
            self.lead_header,
            self.header_vocab,
            *self.header_joins,
            self.header_wrap,
            *self.table_end,
            self.fragment,
            self.fragment_tail,
            self.unit_line,
            self.unit_list,
            self.numeric_cell,
            *self.columns.values(),
            *self.binding_words,
            self.unit_bracket,
            self.year_only,
            self.binding_cell,
            self.header_year,
            self.value_cell,
            self.target_rule,
            self.baseline_rule,
            self.flat_rule,
            self.attr_rule,
            self.tab_rule,
            *self.column_roles,
            self.pipe_line,
            self.pipe_rule,
            self.row_units_rule,
            self.glued_header,
            self.page_marker,
            self.glued_rule,
            self.spaced_rule,
        ]
        check_ids_unique(rules, self.FILE)
        named = ("seq_header", "seq_cell", "lead_header", "header_vocab", "fragment", "unit_line", "numeric_cell")
        named += ("fragment_tail", "unit_list", "year_only", "header_year", "binding_cell", "pipe_line")
        named += ("glued_header", "page_marker")
        self._re = {name: regex.compile(getattr(self, name).pattern) for name in named}
        self._re["unit_bracket"] = regex.compile(self.unit_bracket.pattern)
        self._re["value_cell"] = regex.compile(self.value_cell.pattern)
        self._re["sentence_end"] = regex.compile(self.sentence_end)
        self._re["wrap_prev"] = regex.compile(self.header_wrap.prev)
        self._re["wrap_cur"] = regex.compile(self.header_wrap.cur)
        self._joins = [(regex.compile(j.prev), regex.compile(j.cur)) for j in self.header_joins]
        self._end = regex.compile("|".join(f"(?:{r.pattern})" for r in self.table_end) or r"(?!)")
        self._columns = {role: regex.compile(r.pattern) for role, r in self.columns.items()}
        self._binding = [(regex.compile(b.pattern), b.value) for b in self.binding_words]
        self._roles = [(regex.compile(r.pattern), r) for r in self.column_roles]

    def match(self, name: str, text: str) -> regex.Match[str] | None:
        """Search the compiled pattern ``name`` in ``text``."""
        return self._re[name].search(text)

    def joins(self, prev: str, cur: str) -> bool:
        """Whether header line ``cur`` continues the header cell ``prev``."""
        return any(p.search(prev) and c.search(cur) for p, c in self._joins)

    def wraps(self, prev: str, cur: str) -> bool:
        return bool(self._re["wrap_prev"].search(prev) and self._re["wrap_cur"].search(cur))

    def ends_table(self, text: str) -> bool:
        return bool(self._end.search(text))

    def column(self, role: str, header: str) -> regex.Match[str] | None:
        return self._columns[role].search(header)

    def binding(self, cell: str) -> str | None:
        for pat, value in self._binding:
            if pat.search(cell):
                return value
        return None

    def role_of(self, header: str) -> RoleRule | None:
        """The role of the column named ``header`` (white space removed first): the first role rule that matches."""
        h = "".join(header.split())
        return next((r for pat, r in self._roles if pat.search(h)), None)

    def names_column(self, text: str) -> bool:
        """Whether some role's pattern covers the whole of ``text``: a column name, nothing before or after it."""
        return any((m := pat.search(text)) is not None and m.span() == (0, len(text)) for pat, _ in self._roles)
