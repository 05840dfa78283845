"""Stage, references (SPEC 8): cited titles in 《》 and document numbers, paired when a number follows its title.

Patterns are data in ``rules/references.yaml``. A document's own title and number (from ``meta``) are not
citations of it, so they are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex
from pydantic import PrivateAttr

from policyx.locate import SectionIndex
from policyx.models import Document, Reference
from policyx.rules import Pattern, Rule, RuleFile, RuleSet, check_ids_unique


class PatternRule(Rule):
    pattern: Pattern


class NumberRule(PatternRule):
    #: a part every number contains (its bracketed year), found by a cheap scan: the costly ``pattern`` then
    #: runs only on the stretch of ``alphabet`` characters around each one
    anchor: Pattern | None = None
    #: a character class holding every character a number is made of (and its pattern reads ahead)
    alphabet: Pattern | None = None


class PairRule(Rule):
    between: Pattern
    after: Pattern


class ReferenceRules(RuleFile):
    FILE = "references.yaml"
    title: PatternRule
    doc_number: NumberRule
    paired: PairRule
    skip_self: bool = True

    _title: regex.Pattern[str] = PrivateAttr()
    _number: regex.Pattern[str] = PrivateAttr()
    _pair_tail: regex.Pattern[str] = PrivateAttr()
    _anchor: regex.Pattern[str] | None = PrivateAttr()
    _outside: regex.Pattern[str] = PrivateAttr()  # a character no number holds
    _outside_before: regex.Pattern[str] = PrivateAttr()  # the same, searched backwards

    def model_post_init(self, _ctx: object) -> None:
        check_ids_unique([self.title, self.doc_number, self.paired], self.FILE)
        self._title = regex.compile(self.title.pattern)
        self._number = regex.compile(self.doc_number.pattern, regex.MULTILINE)
        # anchored right after 》: the bracketed number that pairs with the title
        self._pair_tail = regex.compile(f"{self.paired.between}{self.doc_number.pattern}{self.paired.after}")
        number = self.doc_number
        if (number.anchor is None) != (number.alphabet is None):
            raise ValueError(f"{self.FILE}: doc_number.anchor and doc_number.alphabet go together")
        self._anchor = regex.compile(number.anchor) if number.anchor else None
        outside = f"(?!{number.alphabet})(?s:.)" if number.alphabet else r"(?!)"
        self._outside = regex.compile(outside)
        self._outside_before = regex.compile(outside, regex.REVERSE)


@dataclass(frozen=True, slots=True)
class FoundRef:
    start: int
    end: int
    title: str | None
    doc_number: str | None
    rule: str


_SPACE = regex.compile(r"\s+")


def normalise_number(number: str) -> str:
    """One spelling per number: no spaces, so ``国办发〔2020〕 52号`` and ``国办发〔2020〕52号`` are the same."""
    return _SPACE.sub("", number)


def find_references(text: str, rr: ReferenceRules) -> list[FoundRef]:
    found: list[FoundRef] = []
    used: set[int] = set()  # starts of numbers already paired with a title
    for m in rr._title.finditer(text):
        tail = rr._pair_tail.match(text, m.end())
        if tail:
            number = normalise_number(tail.group("number"))
            found.append(FoundRef(m.start(), tail.end(), m.group("title"), number, rr.paired.id))
            used.add(tail.start("number"))
        else:
            found.append(FoundRef(m.start(), m.end(), m.group("title"), None, rr.title.id))
    for lo, hi in _number_stretches(text, rr):
        for m in rr._number.finditer(text, lo, hi):
            span = m.span("number")
            if span[0] in used:
                continue
            found.append(FoundRef(span[0], span[1], None, normalise_number(m.group("number")), rr.doc_number.id))
    return sorted(found, key=lambda f: f.start)


def _number_stretches(text: str, rr: ReferenceRules) -> Iterator[tuple[int, int]]:
    """Where document numbers can be: the runs of alphabet characters around each anchor, in text order.

    A number lies inside one such run (it holds an anchor and only alphabet characters), so searching the runs
    finds what searching the whole text finds, at the cost of a scan for the anchor (most pages hold a few).
    """
    if rr._anchor is None:
        yield 0, len(text)
        return
    done = 0
    for a in rr._anchor.finditer(text):
        if a.start() < done:
            continue  # inside the run already searched
        before = rr._outside_before.search(text, done, a.start())  # backwards: the nearest one
        lo = before.end() if before else done
        after = rr._outside.search(text, a.end())
        done = after.start() if after else len(text)
        yield lo, done


def _is_self(f: FoundRef, doc: Document) -> bool:
    own_title = (doc.meta.title or "").strip()
    own_number = normalise_number(doc.meta.doc_number or "")
    if f.doc_number and own_number and f.doc_number == own_number:
        return True
    return bool(f.title and own_title and f.doc_number is None and f.title.strip() == own_title)


def extract_references(doc: Document, rules: RuleSet) -> Document:
    rr = rules.get(ReferenceRules)
    index = SectionIndex(doc.sections)
    found = [f for f in find_references(doc.text, rr) if not (rr.skip_self and _is_self(f, doc))]
    records = [
        Reference(
            id=f"ref{i + 1}",
            section=index.at(f.start),
            span=(f.start, f.end),
            quote=doc.text[f.start : f.end],
            rule=f.rule,
            title=f.title,
            doc_number=f.doc_number,
        )
        for i, f in enumerate(found)
    ]
    return doc.model_copy(update={"references": records})
