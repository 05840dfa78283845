"""Stage 4, meta: title, region, province, issuer, doc number, date and type (SPEC 2).

Sources, best first: the page's own header fields (lifted into ``meta.fields`` by ``clean``), then
the text's head (title line, document number line, signature and date lines), then the body
(the region it names most). Never the file name. Rules live in ``rules/meta.yaml``; the gazetteer
in ``rules/regions.yaml``.
"""

from __future__ import annotations

from typing import Literal

import regex
from pydantic import PrivateAttr

from policyx.models import DocType, Document, Meta
from policyx.regions import Gazetteer
from policyx.rules import Pattern, Rule, RuleFile, RuleModel, RuleSet, check_ids_unique
from policyx.script import ScriptRules
from policyx.sections import numeral_value


class PatternRule(Rule):
    pattern: Pattern


class FieldNames(RuleModel):
    title: list[str]
    doc_number: list[str]
    issuer: list[str]
    source: list[str]
    written: list[str]
    published: list[str]


class TitleRules(RuleModel):
    transmittal: PatternRule
    line: Rule
    min_len: int
    max_len: int
    site_suffix: Pattern
    not_title: Pattern
    field: Rule
    dress: Pattern  # what a title line wears but is not part of the title: Markdown `#`, a file extension
    masthead: Pattern  # a masthead line above the title (潼关县民政局文件): never the title
    number_in_title: PatternRule  # a title line ending in its document number in brackets
    issuer_above: PatternRule  # the issuer on a line of its own right above a 关于… title
    body_name_len: int  # a masthead naming a body is at most this long
    not_body_name: Pattern  # what a masthead never holds (关于, 的, digits)
    title_end: Pattern  # the kind-word a 关于… title ends with; one cut before it wraps onto the next line
    wrap_len: int


class DocNumberRules(RuleModel):
    field: Rule
    line: PatternRule


class DateRules(RuleModel):
    line: PatternRule
    value: Pattern


class IssuerRules(RuleModel):
    signature: PatternRule
    max_len: int
    title_prefix: PatternRule
    history: PatternRule  # a regulation's history line: date, body, 通过/公布
    history_acts: list[str]  # the act whose line gives issuer and date, best first


class TypeRule(PatternRule):
    reads: Literal["title", "lead", "fields", "issuer"]
    type: DocType


class Hallmark(PatternRule):
    region: str


class RegionRules(RuleModel):
    hallmarks: list[Hallmark]


class MetaRules(RuleFile):
    FILE = "meta.yaml"
    fields: FieldNames
    head_lines: int
    title: TitleRules
    doc_number: DocNumberRules
    dates: DateRules
    issuer: IssuerRules
    doc_types: list[TypeRule]
    region: RegionRules

    _c: dict[str, regex.Pattern[str]] = PrivateAttr()
    _types: list[tuple[TypeRule, regex.Pattern[str]]] = PrivateAttr()
    _hallmarks: list[tuple[Hallmark, regex.Pattern[str]]] = PrivateAttr()

    def model_post_init(self, _ctx: object) -> None:
        rules: list[Rule] = [self.title.transmittal, self.title.line, self.title.field, self.doc_number.field]
        rules += [self.doc_number.line, self.dates.line, self.issuer.signature, *self.doc_types]
        rules += [self.title.number_in_title, self.title.issuer_above, self.issuer.title_prefix, self.issuer.history]
        check_ids_unique([*rules, *self.region.hallmarks], self.FILE)
        self._c = {
            "transmittal": regex.compile(self.title.transmittal.pattern),
            "not_title": regex.compile(self.title.not_title),
            "site_suffix": regex.compile(self.title.site_suffix),
            "doc_number": regex.compile(self.doc_number.line.pattern),
            "date_line": regex.compile(self.dates.line.pattern),
            "date_value": regex.compile(self.dates.value),
            "signature": regex.compile(self.issuer.signature.pattern),
            "dress": regex.compile(self.title.dress),
            "masthead": regex.compile(self.title.masthead),
            "number_in_title": regex.compile(self.title.number_in_title.pattern),
            "issuer_above": regex.compile(self.title.issuer_above.pattern),
            "not_body_name": regex.compile(self.title.not_body_name),
            "title_end": regex.compile(self.title.title_end),
            "title_prefix": regex.compile(self.issuer.title_prefix.pattern),
            "history": regex.compile(self.issuer.history.pattern),
        }
        self._types = [(t, regex.compile(t.pattern)) for t in self.doc_types]
        self._hallmarks = [(h, regex.compile(h.pattern)) for h in self.region.hallmarks]


def _field(fields: dict[str, str], names: list[str]) -> str | None:
    for name in names:
        value = fields.get(name, "").strip()
        if value:
            return value
    return None


_CN_DATE = regex.compile(r"[〇零○一二三四五六七八九十]+(?=[年月日])")


def _arabic(m: regex.Match[str]) -> str:
    """``二〇二二`` → ``2022`` (a year reads digit by digit), ``十二`` → ``12``."""
    token = m.group().replace("○", "〇")
    if len(token) == 4 and "十" not in token:
        return "".join(str(numeral_value(ch)) for ch in token)
    value = numeral_value(token)
    return str(value) if value is not None else token


def parse_date(value: str | None, mr: MetaRules) -> str | None:
    """``2022年3月10日``, ``2024-09-04 12:43``, ``2023/1/5`` → ``YYYY-MM-DD``; None when it is not a date."""
    if not value:
        return None
    m = mr._c["date_value"].search(_CN_DATE.sub(_arabic, value))
    if not m:
        return None
    year, month, day = (int(g) for g in m.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _squash(s: str) -> str:
    return "".join(s.split())


def undress(title: str | None, mr: MetaRules) -> str | None:
    """A title without what its line wears: `# 河南省…条例` → `河南省…条例`, `…分解表.docx` → `…分解表`,
    `…的答复(潼民发【2024】275号)` → `…的答复`."""
    if title is None:
        return None
    title = mr._c["dress"].sub("", title).strip()
    m = mr._c["number_in_title"].search(title)
    if m and m.start() > 0:
        title = title[: m.start()].strip()
    return title or None


def _number_in_title(lines: list[str], mr: MetaRules) -> str | None:
    for line in lines[: mr.head_lines]:
        m = mr._c["number_in_title"].search(line)
        if m and m.start() > 0:
            return _squash(m.group("number"))
    return None


def find_title(lines: list[str], text: str, fields: dict[str, str], mr: MetaRules) -> str | None:
    return undress(_find_title(lines, text, fields, mr), mr)


def _find_title(lines: list[str], text: str, fields: dict[str, str], mr: MetaRules) -> str | None:
    head = lines[: mr.head_lines]
    squashed = {_squash(line) for line in lines}
    for line in head:
        for m in mr._c["transmittal"].finditer(line):
            inner = _squash(m.group("title"))
            if inner in squashed and inner != _squash(line):
                return inner
    field = _field(fields, mr.fields.title)
    if field:
        return field
    for i, line in enumerate(head):
        if mr._c["date_line"].match(line) or mr._c["doc_number"].match(line) or mr._c["masthead"].search(line):
            continue
        if mr._c["history"].search(line):
            continue
        if _issuer_above(head, i, mr) or _body_name(head, i, mr):
            continue
        if mr._c["not_title"].search(line) or "\t" in line:
            if line.endswith(":"):  # the addressee line precedes the body: look past it
                continue
            return None
        line = mr._c["site_suffix"].sub("", line)
        if mr.title.min_len <= len(line) <= mr.title.max_len:
            return line + _wrapped(line, head[i + 1] if i + 1 < len(head) else "", mr)
    return None


def _body_name(head: list[str], i: int, mr: MetaRules) -> bool:
    """A line naming only a body above a longer line (a page's masthead `XX县民政局`): never the title."""
    line = head[i]
    if i + 1 >= len(head) or len(line) > mr.title.body_name_len or len(head[i + 1]) <= len(line):
        return False
    return bool(mr._c["signature"].search(line)) and not mr._c["not_body_name"].search(line)


def _wrapped(line: str, nxt: str, mr: MetaRules) -> str:
    """The rest of a title wrapped onto the next line (`关于印发…养老服务` / `体系建设规划的通知`), else ''."""
    end = mr._c["title_end"]
    if "关于" not in line or end.search(line) or not end.search(nxt):
        return ""
    if mr._c["not_title"].search(nxt) or len(line) + len(nxt) > mr.title.max_len or len(nxt) > mr.title.wrap_len:
        return ""
    return nxt


def _issuer_above(head: list[str], i: int, mr: MetaRules) -> str | None:
    """The issuer when line ``i`` names only it and a 关于… title follows (`潼关县民政局` / `关于对…的答复`)."""
    if i + 1 >= len(head) or not mr._c["issuer_above"].match(head[i + 1]):
        return None
    line = head[i]
    if len(line) <= mr.issuer.max_len and mr._c["signature"].search(line) and "关于" not in line:
        return line
    return None


def find_doc_number(lines: list[str], fields: dict[str, str], mr: MetaRules) -> str | None:
    field = _field(fields, mr.fields.doc_number)
    if field:
        return _squash(field)
    for line in lines[: mr.head_lines]:
        if mr._c["doc_number"].match(line):
            return _squash(line)
    return _number_in_title(lines, mr)


def _history(lines: list[str], mr: MetaRules) -> tuple[str, str] | None:
    """(body, date) of a regulation's history lines (`2018年7月27日 河南省…常务委员会第五次会议通过`), the act
    ranked first in ``history_acts`` winning (a promulgation 公布 over a vote 通过)."""
    # a history line opens with its date; a sentence citing a session (`经…会议通过`) is not one
    heads = [line for line in lines[: mr.head_lines] if (m := mr._c["history"].match(line)) and m.start() == 0]
    found = [m for line in heads for m in mr._c["history"].finditer(line)]
    for act in mr.issuer.history_acts:
        for m in found:
            if m.group("act") == act:
                return m.group("body"), m.group("date")
    return None


def _date_line(lines: list[str], mr: MetaRules) -> int | None:
    for i, line in enumerate(lines):
        if mr._c["date_line"].match(_squash(line)):
            return i
    return None


def _signers(line: str, mr: MetaRules) -> list[str]:
    """The bodies of a signature line (co-signers are space-separated), or [] when it is not one."""
    names = line.split()
    ok = names and all(len(n) <= mr.issuer.max_len and mr._c["signature"].search(n) for n in names)
    return names if ok else []


def find_issuer(lines: list[str], fields: dict[str, str], mr: MetaRules, title: str | None = None) -> str | None:
    field = _field(fields, mr.fields.issuer)
    if field:
        return field
    i = _date_line(lines, mr)
    if i is not None and i > 0 and _signers(lines[i - 1], mr):
        j = i - 1
        while j > 0 and _signers(lines[j - 1], mr):  # co-signers over several lines: the first one leads
            j -= 1
        return _signers(lines[j], mr)[0]
    head = lines[: mr.head_lines]
    for k in range(len(head)):
        above = _issuer_above(head, k, mr)
        if above:
            return above.split()[0]
    history = _history(lines, mr)
    if history:
        return history[0]
    if title:
        m = mr._c["title_prefix"].match(title)
        if m:
            return m.group("issuer")
    source = _field(fields, mr.fields.source)
    if source and len(source) <= mr.issuer.max_len and mr._c["signature"].search(source):
        return source
    return None


def find_issued_on(lines: list[str], fields: dict[str, str], mr: MetaRules) -> str | None:
    written = parse_date(_field(fields, mr.fields.written), mr)
    if written:
        return written
    i = _date_line(lines, mr)
    if i is not None:
        return parse_date(lines[i], mr)
    history = _history(lines, mr)
    if history:
        return parse_date(history[1], mr)
    return parse_date(_field(fields, mr.fields.published), mr)


def find_doc_type(
    title: str | None,
    lead: str | None,
    mr: MetaRules,
    fields: dict[str, str] | None = None,
    issuer: str | None = None,
) -> DocType | None:
    page = "\n".join(f"{k}:{v}" for k, v in (fields or {}).items())
    subjects = {"title": title, "lead": lead, "fields": page, "issuer": issuer}
    for rule, pat in mr._types:
        subject = subjects[rule.reads]
        if subject and pat.search(subject):
            return rule.type
    return None


def find_region(text: str, title: str | None, issuer: str | None, gaz: Gazetteer, mr: MetaRules) -> str | None:
    for short in (issuer, title):
        if short:
            found = gaz.deepest_in(short)
            if found:
                return found
    found = gaz.most_named(text)
    if found:
        return found
    for rule, pat in mr._hallmarks:
        if pat.search(text):
            return rule.region
    return None


def _lead(lines: list[str], title: str | None, mr: MetaRules) -> str | None:
    """The first line after the title: a news report's opening words."""
    if title is None:
        return lines[0] if lines else None
    squashed = _squash(title)
    for i, line in enumerate(lines):
        if _squash(undress(line, mr) or "") == squashed:
            return lines[i + 1] if i + 1 < len(lines) else None
    return None


def extract_meta(doc: Document, rules: RuleSet) -> Document:
    mr = rules.get(MetaRules)
    gaz = rules.get(Gazetteer)
    fields = doc.meta.fields
    # matched on the simplified view (a no-op when the view stage already swapped it in)
    simple = rules.get(ScriptRules).simplify(doc.text)
    lines = [line.strip() for line in simple.split("\n") if line.strip()]
    title = find_title(lines, doc.text, fields, mr)
    issuer = find_issuer(lines, fields, mr, title)
    region = find_region(simple, title, issuer, gaz, mr)
    province = region if region and gaz.is_province(region) else gaz.province(region)
    meta = Meta(
        title=title,
        region=region,
        province=province,
        issuer=issuer,
        doc_number=find_doc_number(lines, fields, mr),
        issued_on=find_issued_on(lines, fields, mr),
        doc_type=find_doc_type(title, _lead(lines, title, mr), mr, fields, issuer),
        fields=fields,
    )
    return doc.model_copy(update={"meta": meta})
