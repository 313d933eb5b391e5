"""Bounded text scanners for coverage gates in build files that are code, not data: Gradle
(Groovy and Kotlin DSL), Maven ``pom.xml`` and SimpleCov's Ruby.

Each scanner blanks comments (keeping line numbers), finds the blocks that hold a gate by
balanced braces or tags, and reads literal numbers only. A gate whose value is not a literal
(a variable, a method call), or a block whose braces do not balance, makes the file *unknown*:
nothing is compared, rather than a gate being reported removed.

Keys name what a threshold measures, not where it is written, so moving a limit within the file
or reordering limits is no change. Values are percentages where the tool's value is a ratio
(jacoco's ``COVEREDRATIO`` 0.8 → 80).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Found:
    """One threshold: what it gates, its value, "min" (higher is stricter) or "max", its line."""

    key: str
    value: float
    direction: str
    line: int


@dataclass(frozen=True, slots=True)
class Scan:
    gates: tuple[Found, ...] = ()
    #: Settings that make the check pass whatever the coverage, with their line.
    switches: tuple[tuple[str, int], ...] = ()
    #: Why the file could not be read (empty when it could).
    unknown: str = ""


class Unknown(Exception):
    """A gate the scanner cannot read literally."""


_C_COMMENTS = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|//[^\n]*|/\*(?:.*?\*/|.*)', re.S)
_RUBY_COMMENTS = re.compile(
    r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|#[^\n]*|^=begin\b(?:.*?^=end\b|.*)', re.S | re.M
)
# An unclosed comment runs to the end of the file (one match, not one scan per opener).
_XML_COMMENTS = re.compile(r"<!--(?:.*?-->|.*)", re.S)


def _blank(text: str, pattern: re.Pattern[str], comment: tuple[str, ...]) -> str:
    """The text with every comment replaced by spaces (newlines kept), strings left alone."""

    def repl(m: re.Match[str]) -> str:
        s = m.group(0)
        return re.sub(r"[^\n]", " ", s) if s.startswith(comment) else s

    return pattern.sub(repl, text)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _braced(text: str, name: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """``name [(args)] { … }`` blocks in text[start:end]: (body start, body end, args)."""
    end = len(text) if end is None else end
    out: list[tuple[int, int, str]] = []
    pattern = re.compile(r"(?<![\w.])" + name + r"\s*(?:\((?P<args>[^(){}]*)\))?\s*\{")
    pos = start
    while (m := pattern.search(text, pos, end)) is not None:
        depth, i = 1, m.end()
        while i < end and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        if depth:
            raise Unknown(f"unbalanced braces after `{name}` on line {_line(text, m.start())}")
        out.append((m.end(), i - 1, m.group("args") or ""))
        pos = i
    return out


_NUMBER = r"(?P<v>\d+(?:\.\d+)?)"
#: `minimum = 0.8`, `minimum 0.8`, `minimum = "0.8".toBigDecimal()`, `0.8.toBigDecimal()`,
#: `BigDecimal("0.8")`, `BigDecimal.valueOf(0.8)`, `0.8g`.
_GRADLE_VALUE = re.compile(
    r"^\s*=?\s*(?:(?:java\.math\.)?BigDecimal(?:\.valueOf)?\(\s*)?[\"']?"
    + _NUMBER
    + r"[\"']?[gGdDfF]?\s*\)?(?:\.toBigDecimal\(\))?\s*(?:$|[;\n}])"
)
_GRADLE_WORD = r"\s*=?\s*(?:\w+\.)*[\"']?(?P<w>[A-Za-z_]+)[\"']?"


def _setting(body: str, name: str, value: str = _GRADLE_WORD) -> re.Match[str] | None:
    return re.search(r"(?<![\w.])" + name + value, body)


def _gradle_number(text: str, start: int, end: int, name: str) -> tuple[float, int] | None:
    m = re.search(r"(?<![\w.])" + name + r"\b", text[start:end])
    if m is None:
        return None
    at = start + m.end()
    rest = text[at : text.find("\n", at) if "\n" in text[at:end] else end]
    v = _GRADLE_VALUE.match(rest + "\n")
    if v is None:
        raise Unknown(f"`{name}` on line {_line(text, at)} is not a literal number")
    return float(v.group("v")), _line(text, at)


def _jacoco_value(counter_value: str, number: float) -> float:
    # jacoco check: ratios are 0.0–1.0 (`COVEREDRATIO`, `MISSEDRATIO`); counts are counts
    # (https://www.jacoco.org/jacoco/trunk/doc/check-mojo.html, "rules").
    return round(number * 100, 6) if counter_value.endswith("RATIO") and number <= 1 else number


def scan_gradle(text: str) -> Scan:
    """jacoco ``violationRules`` and Kover ``rule``s of a Gradle build script."""
    try:
        code = _blank(text, _C_COMMENTS, ("//", "/*"))
        gates: list[Found] = []
        switches: list[tuple[str, int]] = []
        # Gradle JacocoViolationRulesContainer: `failOnViolation` defaults to true; a rule's
        # `enabled` to true; its `element` to BUNDLE; a limit's `counter` to INSTRUCTION and
        # `value` to COVEREDRATIO (Gradle DSL reference, JacocoViolationRule / JacocoLimit).
        for vs, ve, _ in _braced(code, "violationRules"):
            off = _setting(code[vs:ve], r"(?:is)?[fF]ailOnViolation", r"\s*=?\s*(?P<w>false)\b")
            if off:
                switches.append(("jacoco failOnViolation = false", _line(code, vs + off.start())))
            for rs, re_, _ in _braced(code, "rule", vs, ve):
                body = _strip_nested(code, rs, re_)
                if _setting(body, r"(?:is)?[eE]nabled", r"\s*=?\s*(?P<w>false)\b"):
                    continue
                element = (m.group("w") if (m := _setting(body, "element")) else "BUNDLE").upper()
                includes = m.group(0).split("=", 1)[-1].strip() if (m := _setting(body, "includes", r".*")) else ""
                for ls, le, _ in _braced(code, "limit", rs, re_):
                    limit = code[ls:le]
                    counter = (m.group("w") if (m := _setting(limit, "counter")) else "INSTRUCTION").upper()
                    value = (m.group("w") if (m := _setting(limit, "value")) else "COVEREDRATIO").upper()
                    where = f"{element}{' ' + includes if includes else ''} {counter} {value}"
                    for bound, direction in (("minimum", "min"), ("maximum", "max")):
                        got = _gradle_number(code, ls, le, bound)
                        if got is not None:
                            gates.append(
                                Found(f"jacoco {where} {bound}", _jacoco_value(value, got[0]), direction, got[1])
                            )
        gates.extend(_kover(code, switches))
        return Scan(tuple(gates), tuple(switches))
    except Unknown as exc:
        return Scan(unknown=str(exc))


def _strip_nested(code: str, start: int, end: int) -> str:
    """A block's own settings: its nested blocks blanked."""
    body = code[start:end]
    for s, e, _ in _braced(code, r"\w+", start, end):
        body = body[: s - start] + " " * (e - s) + body[e - start :]
    return body


#: Kover (https://kotlin.github.io/kotlinx-kover/gradle-plugin/, "Verification"): a bound's
#: `coverageUnits` defaults to LINE and `aggregationForGroup` to COVERED_PERCENTAGE;
#: `minBound(n)`/`maxBound(n)` take those defaults, `minBound(n, unit, aggregation)` overrides
#: them; a rule with `disabled = true` checks nothing; `warningInsteadOfFailure = true` only warns.
_KOVER_BOUND = re.compile(r"(?<![\w.])(?P<kind>min|max)Bound\s*\((?P<args>[^()]*)\)")


def _kover(code: str, switches: list[tuple[str, int]]) -> list[Found]:
    out: list[Found] = []
    for ks, ke, _ in _braced(code, r"kover\w*"):
        warn = _setting(code[ks:ke], "warningInsteadOfFailure", r"\s*=?\s*(?P<w>true)\b")
        if warn:
            switches.append(("kover warningInsteadOfFailure = true", _line(code, ks + warn.start())))
        for rs, re_, args in _braced(code, "rule", ks, ke):
            name = args.strip().strip("\"'") or "rule"
            body = _strip_nested(code, rs, re_)
            if _setting(body, r"(?:is)?[dD]isabled", r"\s*=?\s*(?P<w>true)\b"):
                continue
            for m in _KOVER_BOUND.finditer(code, rs, re_):
                parts = [p.strip() for p in m.group("args").split(",")]
                number = re.fullmatch(_NUMBER, parts[0])
                if number is None:
                    raise Unknown(f"`{m.group(0)}` on line {_line(code, m.start())} is not a literal number")
                unit = parts[1].rsplit(".", 1)[-1].upper() if len(parts) > 1 else "LINE"
                agg = parts[2].rsplit(".", 1)[-1].upper() if len(parts) > 2 else "COVERED_PERCENTAGE"
                out.append(
                    Found(
                        f"kover {name} {unit} {agg} {m.group('kind')}Bound",
                        float(number.group("v")),
                        m.group("kind"),
                        _line(code, m.start()),
                    )
                )
            for bs, be, _ in _braced(code, "bound", rs, re_):
                bound = code[bs:be]
                u = _setting(bound, "coverageUnits")
                a = _setting(bound, r"aggregation(?:ForGroup)?")
                unit = u.group("w").upper() if u else "LINE"
                agg = a.group("w") if a else "COVERED_PERCENTAGE"
                for setting, kind in (("minValue", "min"), ("maxValue", "max")):
                    got = _gradle_number(code, bs, be, setting)
                    if got is not None:
                        out.append(Found(f"kover {name} {unit} {agg.upper()} {kind}Bound", got[0], kind, got[1]))
    return out


def _tags(text: str, tag: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    pos = start
    opening = re.compile(rf"<{tag}(?:\s[^>]*)?>")
    while (m := opening.search(text, pos, end)) is not None:
        close = text.find(f"</{tag}>", m.end(), end)
        if close < 0:
            raise Unknown(f"<{tag}> on line {_line(text, m.start())} is not closed")
        out.append((m.end(), close))
        pos = close
    return out


def _tag_text(text: str, tag: str) -> str | None:
    m = re.search(rf"<{tag}>\s*([^<]*?)\s*</{tag}>", text)
    return m.group(1) if m else None


def scan_maven(text: str) -> Scan:
    """The ``check`` goal of jacoco-maven-plugin in a ``pom.xml``."""
    try:
        code = _blank(text, _XML_COMMENTS, ("<!--",))
        props = {
            k: v
            for s, e in _tags(code, "properties")
            for k, v in re.findall(r"<([\w.-]+)>\s*([^<]*?)\s*</\1>", code[s:e])
        }
        gates: list[Found] = []
        switches: list[tuple[str, int]] = []
        for ps, pe in _tags(code, "plugin"):
            plugin = code[ps:pe]
            if _tag_text(plugin, "artifactId") != "jacoco-maven-plugin" or "<goal>check</goal>" not in plugin:
                continue
            # check-mojo: `haltOnFailure` defaults to true, `skip` to false; a rule's `element`
            # defaults to BUNDLE, a limit's `counter` to INSTRUCTION and `value` to COVEREDRATIO;
            # a ratio may be written `0.80` or `80%`
            # (https://www.jacoco.org/jacoco/trunk/doc/check-mojo.html).
            for tag, bad in (("haltOnFailure", "false"), ("skip", "true")):
                for m in re.finditer(rf"<{tag}>\s*([^<]*?)\s*</{tag}>", plugin):
                    if _resolve(m.group(1), props).lower() == bad:
                        switches.append((f"jacoco {tag} = {bad}", _line(code, ps + m.start())))
            for rs, re_ in _tags(code, "rule", ps, pe):
                rule = code[rs:re_]
                element = _resolve(_tag_text(rule, "element") or "BUNDLE", props).upper()
                for ls, le in _tags(code, "limit", rs, re_):
                    limit = code[ls:le]
                    counter = _resolve(_tag_text(limit, "counter") or "INSTRUCTION", props).upper()
                    value = _resolve(_tag_text(limit, "value") or "COVEREDRATIO", props).upper()
                    for bound, direction in (("minimum", "min"), ("maximum", "max")):
                        raw = _tag_text(limit, bound)
                        if raw is None:
                            continue
                        number = _maven_number(_resolve(raw, props), value)
                        at = _line(code, ls + limit.find(f"<{bound}>"))
                        gates.append(Found(f"jacoco {element} {counter} {value} {bound}", number, direction, at))
        return Scan(tuple(gates), tuple(switches))
    except Unknown as exc:
        return Scan(unknown=str(exc))


def _resolve(raw: str, props: dict[str, str]) -> str:
    m = re.fullmatch(r"\$\{([\w.-]+)\}", raw.strip())
    if m is None:
        return raw.strip()
    if m.group(1) not in props:
        raise Unknown(f"`{raw}` is not defined in this pom's <properties>")
    return props[m.group(1)].strip()


def _maven_number(raw: str, value: str) -> float:
    m = re.fullmatch(_NUMBER + r"(?P<pct>%)?", raw)
    if m is None:
        raise Unknown(f"`{raw}` is not a literal number")
    number = float(m.group("v"))
    return number if m.group("pct") else _jacoco_value(value, number)


#: SimpleCov (https://github.com/simplecov-ruby/simplecov, README "Minimum coverage"):
#: `minimum_coverage 90` gates line coverage; `minimum_coverage line: 90, branch: 80` each
#: criterion; `minimum_coverage_by_file` the same per file; `maximum_coverage_drop 5` fails when
#: coverage falls by more than 5 points.
_SIMPLECOV = re.compile(
    r"(?<!\w)(?P<name>minimum_coverage_by_file|minimum_coverage|maximum_coverage_drop)\b"
    r"[ \t]*\(?[ \t]*(?P<args>[^\n)]*)"
)


def scan_simplecov(text: str) -> Scan:
    try:
        code = _blank(text, _RUBY_COMMENTS, ("#", "=begin"))
        strings = [m.span() for m in _RUBY_COMMENTS.finditer(code) if m.group(0)[:1] in "\"'"]
        gates: list[Found] = []
        for m in _SIMPLECOV.finditer(code):
            if any(s <= m.start() < e for s, e in strings):
                continue  # `"minimum_coverage 90"` is text, not a call
            name, args, line = m.group("name"), m.group("args").strip().strip("{}").strip(), _line(code, m.start())
            direction = "max" if name == "maximum_coverage_drop" else "min"
            if re.fullmatch(_NUMBER, args):
                gates.append(Found(f"simplecov {name} line", float(args), direction, line))
                continue
            pairs = re.findall(r"[:\"']?(\w+)[\"']?\s*(?::|=>)\s*(\d+(?:\.\d+)?)", args)
            if not pairs or len(pairs) != len([p for p in args.split(",") if p.strip()]):
                raise Unknown(f"`{m.group(0).strip()}` on line {line} is not literal")
            gates.extend(Found(f"simplecov {name} {k}", float(v), direction, line) for k, v in pairs)
        return Scan(tuple(gates))
    except Unknown as exc:
        return Scan(unknown=str(exc))
