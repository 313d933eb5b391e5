"""Which bandit tests a tree runs: bandit's configuration read as bandit reads it, from where the
tree invokes bandit.

bandit has no configuration file it finds by itself except ``.bandit``; its test selection comes
from the command line (bandit docs, "Getting Started: Usage"; ``bandit/cli/main.py``):

- ``-c/--configfile FILE``: a YAML file with ``tests`` (the tests to run) and ``skips`` (the tests
  not to run) (bandit docs, "Configuration"); a ``.toml`` file is read for its ``[tool.bandit]``
  table instead (same docs: ``bandit -c pyproject.toml``);
- ``-t/--tests`` and ``-s/--skip``: comma-separated test IDs;
- ``--ini FILE``, else a ``.bandit`` file found under the targets: an INI file whose ``[bandit]``
  ``tests`` and ``skips`` stand in for ``-t`` and ``-s`` when those are not given
  (``_get_options_from_ini`` and ``_log_option_source``: "prefer command line, then ini file").

``_get_profile`` takes ``tests``/``skips`` from the configuration file, ``main`` adds the
command-line (or INI) ones to them, and ``BanditTestSet._get_filter`` runs the included tests —
every test when none is included — less the excluded ones.

bandit is looked for where a repository invokes it: ``tox.ini`` commands, a ``Makefile``, the
pre-commit ``bandit`` hook's ``args``, and the ``run``/``script`` lines of GitHub Actions,
GitLab CI, CircleCI and Azure Pipelines files. What cannot be read exactly (a variable in the
command, a ``--profile``, a configuration file that is missing or does not parse, a bandit
action or ``noxfile.py`` session whose arguments are not read) makes the whole answer unknown.
"""

from __future__ import annotations

import configparser
import re
import shlex
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from regress.kinds.gates.invocations import workflow_files
from regress.source.base import Snapshot, join, snapshot_memo
from regress.yamlload import LoadError, decode, load_text

#: Files a bandit configuration is read from are small; anything larger is not one.
_MAX_BYTES = 1024 * 1024
_CI_FILES = (".gitlab-ci.yml", ".gitlab-ci.yaml", ".circleci/config.yml", "azure-pipelines.yml")
_MAKEFILES = ("Makefile", "makefile", "GNUmakefile")
#: Words before the command that only choose how it is started.
_LAUNCHERS = frozenset({"poetry", "pipenv", "uv", "hatch", "pdm", "rye"})
#: bandit options that take a value (``bandit --help``), so that value is no target.
_VALUED = frozenset(
    {
        "-a", "--aggregate", "-n", "--number", "-f", "--format", "-o", "--output", "-x", "--exclude",
        "-b", "--baseline", "--msg-template", "--severity-level", "--confidence-level",
    }
)  # fmt: skip
_SEPARATORS = re.compile(r"&&|\|\||;|\|")


class Unknown(Exception):
    """bandit's selection cannot be read exactly."""


@dataclass(frozen=True, slots=True)
class BanditSelection:
    """The tests one bandit invocation runs."""

    #: The tests named to run; None runs every test.
    tests: frozenset[str] | None
    skips: frozenset[str]

    def runs(self, test: str) -> bool:
        return (self.tests is None or test in self.tests) and test not in self.skips


@dataclass(frozen=True, slots=True)
class BanditRuns:
    """Every bandit invocation found in a tree, by where it is."""

    selections: tuple[tuple[str, BanditSelection], ...]

    def runs(self, test: str) -> bool:
        return any(s.runs(test) for _, s in self.selections)


@dataclass(frozen=True, slots=True)
class BanditRollout:
    """bandit's selection on both sides of a change; None where it is unknown or not found."""

    base: BanditRuns | None
    head: BanditRuns | None

    def newly_run(self, tests: set[str]) -> bool:
        """True when no test of ``tests`` ran on the base side, all of them known."""
        if self.base is None or self.head is None or not tests or "*" in tests:
            return False
        return not any(self.base.runs(t) for t in tests)


def runs(snapshot: Snapshot) -> BanditRuns | None:
    """bandit's selections in ``snapshot``, memoised for the snapshot; None when bandit is not
    invoked where regress looks, or any invocation cannot be read."""
    memo = snapshot_memo(snapshot)
    key = "bandit.runs"
    if key not in memo:
        try:
            found = tuple(_selections(snapshot))
            memo[key] = BanditRuns(found) if found else None
        except Unknown:
            memo[key] = None
    value = memo[key]
    return value if isinstance(value, BanditRuns) else None


def _text(snapshot: Snapshot, path: str) -> str | None:
    if snapshot.blob_id(path) is None:
        return None
    size = snapshot.size(path)
    if size is not None and size > _MAX_BYTES:
        raise Unknown(f"{path} is too large")
    try:
        return decode(snapshot.read(path))
    except (LoadError, KeyError, OSError) as exc:
        raise Unknown(f"{path}: {exc}") from exc


def _selections(snapshot: Snapshot) -> Iterator[tuple[str, BanditSelection]]:
    for name in ("tox.ini", *_MAKEFILES):
        text = _text(snapshot, name)
        if text is not None:
            for words in commands(text):
                yield name, selection(snapshot, words, "")
    for path in (*_CI_FILES, *workflow_files(snapshot)):
        text = _text(snapshot, path)
        if text is None:
            continue
        if re.search(r"uses:\s*['\"]?[^\s'\"]*bandit", text, re.IGNORECASE):
            raise Unknown(f"{path} runs bandit through an action")
        for words in commands(text):
            yield path, selection(snapshot, words, "")
    text = _text(snapshot, "noxfile.py")
    if text is not None and re.search(r"\bbandit\b", text):
        raise Unknown("noxfile.py runs bandit")
    for name in (".pre-commit-config.yaml", ".pre-commit-config.yml"):
        text = _text(snapshot, name)
        if text is not None:
            for args in _pre_commit_args(text):
                yield name, selection(snapshot, ["bandit", *args], "")


def commands(text: str) -> Iterator[list[str]]:
    """The words of every bandit command line in a tox, make or CI file (the arguments after
    ``bandit``, or ``python -m bandit``, up to the end of its command)."""
    logical = re.sub(r"\\\r?\n", " ", text)
    for line in logical.splitlines():
        if "bandit" not in line:
            continue
        body = re.sub(r"^\s*(?:-\s+)?(?:(?:run|script|commands|command)\s*[:=]\s*)?[-@+]*\s*", "", line)
        for part in _SEPARATORS.split(body):
            try:
                words = shlex.split(part, comments=False)
            except ValueError as exc:
                if re.search(r"(?:^|\s)bandit(?:\s|$)", part):
                    raise Unknown(f"cannot split {part!r}") from exc
                continue
            words = _strip_launcher(words)
            if words and words[0].rsplit("/", 1)[-1] == "bandit":
                yield words


def _strip_launcher(words: list[str]) -> list[str]:
    while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
        words = words[1:]  # VAR=value before the command
    if len(words) >= 2 and words[0] in _LAUNCHERS and words[1] in ("run", "exec"):
        words = words[2:]
    if len(words) >= 3 and re.fullmatch(r"(?:.*/)?python[0-9.]*|\{envpython\}", words[0]) and words[1] == "-m":
        words = words[2:]
    return words


def _pre_commit_args(text: str) -> Iterator[list[str]]:
    try:
        documents = load_text(text).documents
    except LoadError as exc:
        raise Unknown(f".pre-commit-config.yaml: {exc}") from exc
    data = documents[0] if documents else None
    repos = data.get("repos") if isinstance(data, dict) else None
    for repo in repos if isinstance(repos, list) else []:
        hooks = repo.get("hooks") if isinstance(repo, dict) else None
        for hook in hooks if isinstance(hooks, list) else []:
            if not isinstance(hook, dict) or hook.get("id") != "bandit":
                continue
            args = hook.get("args", [])
            if not isinstance(args, list):
                raise Unknown("bandit hook args are not a list")
            # A hook's arguments are given one by one; ``-c=x`` and ``-c x`` are both seen.
            yield [w for a in args for w in (shlex.split(str(a)) or [str(a)])]


def selection(snapshot: Snapshot, words: list[str], folder: str) -> BanditSelection:
    """The tests one bandit command (its words, ``bandit`` first) runs."""
    options: dict[str, str] = {}
    targets: list[str] = []
    # tox's ``{posargs}`` is empty, ``{posargs:x}`` is x, when tox is run without arguments.
    words = [d for d in (_posargs(w) for w in words) if d]
    i = 1
    while i < len(words):
        word = _substitute(words[i], folder)
        name, eq, value = word.partition("=")
        if word.startswith("--") and eq:
            pass
        elif word in ("-c", "--configfile", "-t", "--tests", "-s", "--skip", "--ini", "-p", "--profile"):
            if i + 1 >= len(words):
                raise Unknown(f"{word} without a value")
            name, value = word, _substitute(words[i + 1], folder)
            i += 1
        elif re.fullmatch(r"-[ctsp]\S+", word):
            name, value = word[:2], word[2:]
        elif word in _VALUED:
            i += 2
            continue
        elif word.startswith("-"):
            i += 1
            continue
        else:
            targets.append(word)
            i += 1
            continue
        options[_LONG.get(name, name)] = value
        i += 1
    if "--profile" in options:
        raise Unknown("a legacy bandit profile")
    tests: set[str] = set()
    skips: set[str] = set()
    config = options.get("--configfile")
    if config is not None:
        conf_tests, conf_skips = _config_file(snapshot, join(folder, config.removeprefix("./")))
        tests |= conf_tests
        skips |= conf_skips
    ini_tests, ini_skips = _ini(snapshot, options.get("--ini"), targets, folder)
    cli_tests = options.get("--tests")
    cli_skips = options.get("--skip")
    tests |= _ids(cli_tests) if cli_tests else ini_tests
    skips |= _ids(cli_skips) if cli_skips else ini_skips
    return BanditSelection(frozenset(tests) or None, frozenset(skips))


_POSARGS = re.compile(r"\{posargs(?::([^}]*))?\}")


def _posargs(word: str) -> str:
    m = _POSARGS.fullmatch(word)
    return word if m is None else m.group(1) or ""


_LONG = {"-c": "--configfile", "-t": "--tests", "-s": "--skip", "-p": "--profile"}


def _substitute(word: str, folder: str) -> str:
    """tox's ``{toxinidir}`` is the folder of ``tox.ini``; any other variable is unknown."""
    word = word.replace("{toxinidir}/", f"{folder}/" if folder else "").replace("{toxinidir}", folder or ".")
    if "$" in word or re.search(r"\{[^}]*\}", word):
        raise Unknown(f"a variable in the bandit command: {word}")
    return word


def _ids(value: str) -> set[str]:
    return {v.strip() for v in value.split(",") if v.strip()}


def _config_file(snapshot: Snapshot, path: str) -> tuple[set[str], set[str]]:
    text = _text(snapshot, path)
    if text is None:
        raise Unknown(f"bandit configuration {path} not found")
    data: Any
    if path.endswith(".toml"):
        try:
            data = tomllib.loads(text).get("tool", {}).get("bandit", {})
        except tomllib.TOMLDecodeError as exc:
            raise Unknown(f"{path}: {exc}") from exc
    else:
        try:
            documents = load_text(text).documents
        except LoadError as exc:
            raise Unknown(f"{path}: {exc}") from exc
        data = documents[0] if documents else {}
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise Unknown(f"{path} is not a mapping")
    found = section_selection(data, path)
    return set(found.tests or ()), set(found.skips)


def section_selection(section: Mapping[str, Any], where: str) -> BanditSelection:
    """The ``tests`` and ``skips`` of one configuration: a YAML file or ``[tool.bandit]`` table
    (lists), or a ``.bandit`` INI ``[bandit]`` section (comma-separated strings, as bandit's
    ``main`` splits ``-t``/``-s``). ``tests`` left empty selects every test (bandit reads the
    empty value with ``or []``). Raises ``Unknown`` for any other shape."""
    tests, skips = _listed(section.get("tests"), where), _listed(section.get("skips"), where)
    return BanditSelection(frozenset(tests) or None, frozenset(skips))


def _listed(value: Any, where: str) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        return _ids(value)
    if not isinstance(value, list):
        raise Unknown(f"{where}: tests and skips are neither lists nor comma-separated")
    return {str(v).strip() for v in value if str(v).strip()}


def _ini(snapshot: Snapshot, path: str | None, targets: list[str], folder: str) -> tuple[set[str], set[str]]:
    if path is None:
        # bandit walks its targets for ``.bandit`` files; those at the top of each target folder
        # are read here (one deeper down is not seen: a missed base-side file can only make
        # regress report more).
        found = [p for t in targets if snapshot.blob_id(p := join(join(folder, t.strip("./")), ".bandit"))]
        if len(found) > 1:
            raise Unknown("several .bandit files")
        if not found:
            return set(), set()
        path = found[0]
    else:
        path = join(folder, path.removeprefix("./"))
    text = _text(snapshot, path)
    if text is None:
        raise Unknown(f"{path} not found")
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise Unknown(f"{path}: {exc}") from exc
    if not parser.has_section("bandit"):
        return set(), set()
    listed = section_selection(dict(parser["bandit"]), path)
    return set(listed.tests or ()), set(listed.skips)
