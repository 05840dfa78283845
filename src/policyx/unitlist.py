"""Parse a list of responsible units: ``市自规局牵头,市住建局、市民政局参与。各县(市、区)、功能区负责``.

Split on the separators of ``rules/responsibilities.yaml`` but never inside brackets (``各县(市、区)`` stays
one unit), strip the role words after a unit (``牵头`` marks it lead), split a final ``和``/``及`` only when both
sides are units, and check every piece against ``rules/departments.yaml``. Pure functions over the compiled rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from policyx.departments import Resolver


@dataclass(slots=True)
class Unit:
    name: str
    start: int  # offsets into the parsed string
    end: int
    lead: bool = False


@dataclass(slots=True)
class UnitList:
    units: list[Unit] = field(default_factory=list)
    valid: bool = True  # every piece is a unit (or only role words)
    has_role: bool = False  # some piece carried a role word (牵头, 负责, 参与 …)


@dataclass(frozen=True, slots=True)
class ListSyntax:
    """The compiled pieces of the responsibility rules that unit-list parsing needs."""

    opens: str
    closes: str
    separators: str
    trim: str
    conjunction: regex.Pattern[str]
    roles: list[tuple[regex.Pattern[str], bool]]  # (suffix pattern, marks lead)
    any_role: regex.Pattern[str]  # some role pattern ends the string: most pieces end in none, one search says so


@lru_cache(maxsize=8)
def _marks(opens: str, closes: str, separators: str) -> regex.Pattern[str]:
    return regex.compile(f"[{regex.escape(opens + closes + separators)}。]")


def split_pieces(text: str, syn: ListSyntax) -> Iterator[tuple[int, int]]:
    """(start, end) of each piece between top-level separators; brackets protect what they enclose."""
    depth, start = 0, 0
    for m in _marks(syn.opens, syn.closes, syn.separators).finditer(text):  # only brackets and separators
        i = m.start()
        ch = text[i]
        if ch in syn.opens:
            depth += 1
        elif ch in syn.closes:
            depth = max(0, depth - 1)
        elif depth == 0:
            yield start, i
            start = i + 1
    yield start, len(text)


def _strip_roles(piece: str, syn: ListSyntax) -> tuple[str, bool, bool]:
    """The piece without trailing role words, whether one was 牵头, and whether any was found."""
    lead = found = False
    while True:
        piece = piece.rstrip(syn.trim)
        if not syn.any_role.search(piece):
            return piece, lead, found
        for pat, marks_lead in syn.roles:
            m = pat.search(piece)
            if m:
                piece = piece[: m.start()]
                lead, found = lead or marks_lead, True
                break
        else:
            return piece, lead, found


_WS = regex.compile(r"\s+")


def parse_units(text: str, syn: ListSyntax, dr: Resolver, *, strict: bool = False) -> UnitList:
    """Every unit named in ``text`` in order, with offsets into ``text``.

    ``strict`` gives up at the first piece that is not a unit: a line of prose costs one piece, not all.
    """
    out = UnitList()
    for a, b in split_pieces(text, syn):
        raw = text[a:b]
        name, lead, role = _strip_roles(raw, syn)
        out.has_role = out.has_role or role
        lead_ws = len(name) - len(name.lstrip(syn.trim))
        name = name.strip(syn.trim)
        if not name:
            continue
        start = a + lead_ws
        compact = _WS.sub("", name)  # a line break inside a tag may cut a name in two
        if not dr.looks_like_unit(compact):
            out.valid = False
            if strict:
                return out
            continue
        for sub, s_off in split_conjunction(compact, syn, dr):
            out.units.append(Unit(sub, start + s_off, start + s_off + len(sub), lead))
    return out


def split_conjunction(name: str, syn: ListSyntax, dr: Resolver) -> list[tuple[str, int]]:
    """``市民政局和市卫健局`` → two units; ``市自然资源和规划局`` stays whole (both sides must be units)."""
    if dr.resolve(name).kind != "unknown":
        return [(name, 0)]
    for m in reversed(list(syn.conjunction.finditer(name))):
        left, right = name[: m.start()], name[m.end() :]
        if left and right and dr.looks_like_unit(left) and dr.looks_like_unit(right):
            return [(left, 0), (right, m.end())]
    return [(name, 0)]
