"""Stage: refuse what is not a policy text once the page is cleaned (SPEC 11).

A policy text has Chinese prose (lines with sentence punctuation, not a column of menu words) and speaks
the language of public administration. A one-paragraph news item or reply passes; a menu, a login form or a
shop page does not. Judged on the simplified view, so a traditional-script page is judged like any other.
The thresholds and the vocabulary are data in ``rules/guard.yaml``.
"""

from __future__ import annotations

import regex
from pydantic import PrivateAttr

from policyx.models import Document
from policyx.read import InputError, InputRules
from policyx.rules import Pattern, RuleFile, RuleModel, RuleSet
from policyx.script import ScriptRules

_HAN = regex.compile(r"\p{Han}")


class ProseLine(RuleModel):
    min_han: int
    punct: Pattern


class GuardRules(RuleFile):
    FILE = "guard.yaml"
    prose_line: ProseLine
    table_cell: Pattern
    min_prose_chars: int
    min_terms: int
    terms: list[str]

    _punct: regex.Pattern[str] = PrivateAttr()
    _cell: regex.Pattern[str] = PrivateAttr()
    _terms: regex.Pattern[str] = PrivateAttr()

    def model_post_init(self, _ctx: object) -> None:
        self._punct = regex.compile(self.prose_line.punct)
        self._cell = regex.compile(self.table_cell)
        self._terms = regex.compile("|".join(sorted(map(regex.escape, self.terms), key=len, reverse=True)))


def prose_chars(text: str, gr: GuardRules) -> int:
    """Chinese characters in the text's prose lines, and in the long cells of its tables (a task table states its
    work in cells without punctuation: `新建城市社区嵌入式养老服务机构5家 |`)."""
    total = 0
    for line in text.split("\n"):
        han = len(_HAN.findall(line))
        if han >= gr.prose_line.min_han and gr._punct.search(line):
            total += han
        elif gr._cell.search(line):
            cells = (len(_HAN.findall(c)) for c in regex.split(r"\t|\|", line))
            total += sum(n for n in cells if n >= gr.prose_line.min_han)
    return total


def policy_terms(text: str, gr: GuardRules) -> set[str]:
    return set(gr._terms.findall(text))


def ensure_policy_text(doc: Document, rules: RuleSet) -> Document:
    cfg = rules.get(InputRules)
    gr = rules.get(GuardRules)
    found = 0
    for ch in doc.text:
        if "\u4e00" <= ch <= "\u9fff":
            found += 1
            if found >= cfg.min_cjk_chars:
                break
    else:
        raise InputError(f"not a policy text: {found} Chinese characters after cleaning (need {cfg.min_cjk_chars})")
    text = rules.get(ScriptRules).simplify(doc.text)
    prose = prose_chars(text, gr)
    if prose < gr.min_prose_chars:
        raise InputError(
            f"not a policy text: {prose} Chinese characters in sentences (need {gr.min_prose_chars}):"
            " a menu, list or login page"
        )
    terms = policy_terms(text, gr)
    if len(terms) < gr.min_terms:
        raise InputError(
            f"not a policy text: {len(terms)} word(s) of public administration (need {gr.min_terms},"
            f" e.g. 政府, 服务, 通知): {''.join(sorted(terms)) or 'none'}"
        )
    return doc
