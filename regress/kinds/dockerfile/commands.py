"""What a stage's RUN commands and ENV values do that weakens a build, as named signatures.

RUN commands are read with the CI model's shell splitter (regress.kinds.ci.shell), so pipes,
``&&`` chains and continuations are understood. Each function returns the set of signatures a
stage shows ("curl -k", "pip --trusted-host"); rules report the ones the head side adds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from regress.kinds.ci.classify import TEST, classify_command
from regress.kinds.ci.shell import Command, split
from regress.kinds.dockerfile.model import Stage, env_items
from regress.kinds.dockerfile.parser import Instruction


def scripts(stage: Stage) -> list[tuple[Instruction, str]]:
    """Every RUN of a stage as shell text (a heredoc body, or the shell-form arguments)."""
    out: list[tuple[Instruction, str]] = []
    for ins in stage.instructions:
        if ins.keyword != "RUN":
            continue
        exec_form = ins.exec_form
        if exec_form is not None:
            out.append((ins, " ".join(exec_form)))
        elif ins.heredocs:
            out.extend((ins, body) for body in ins.heredocs)
        else:
            out.append((ins, ins.args))
    return out


def commands(stage: Stage) -> list[tuple[Instruction, Command]]:
    return [(ins, c) for ins, text in scripts(stage) for c in split(text)]


def _has(argv: Iterable[str], *flags: str) -> bool:
    words = list(argv)
    for w in words:
        for f in flags:
            if w == f or (f.startswith("--") and w.startswith(f + "=")):
                return True
            # bundled short options: curl -fsSLk
            if len(f) == 2 and f[0] == "-" and w.startswith("-") and not w.startswith("--") and f[1] in w[1:]:
                return True
    return False


Found = dict[str, int]
"""Signature → the 1-based line of the first instruction that shows it."""


def _add(found: Found, sig: str, line: int) -> None:
    found.setdefault(sig, line)


def tls_disabled(stage: Stage) -> Found:
    """TLS certificate verification switched off (CATALOGUE DF-06)."""
    found: Found = {}
    for ins, c in commands(stage):
        argv = c.argv
        tool = argv[0].rsplit("/", 1)[-1] if argv else ""
        if tool == "curl" and _has(argv, "-k", "--insecure"):
            _add(found, "curl --insecure", ins.line)
        elif tool == "wget" and _has(argv, "--no-check-certificate"):
            _add(found, "wget --no-check-certificate", ins.line)
        elif tool in ("pip", "pip3", "uv", "poetry") and _has(argv, "--trusted-host"):
            _add(found, f"{tool} --trusted-host", ins.line)
        elif tool in ("npm", "yarn", "pnpm") and "strict-ssl" in argv and "false" in argv:
            _add(found, f"{tool} strict-ssl false", ins.line)
        elif tool == "git" and any(re.match(r"http\.sslverify=false", w, re.I) for w in argv):
            _add(found, "git http.sslVerify=false", ins.line)
        elif tool in ("apt-get", "apt") and any("verify-peer" in w.lower() and "false" in w.lower() for w in argv):
            _add(found, f"{tool} Verify-Peer=false", ins.line)
    for name, value, line in _env(stage):
        upper = name.upper()
        if upper == "NODE_TLS_REJECT_UNAUTHORIZED" and value.strip() == "0":
            _add(found, "NODE_TLS_REJECT_UNAUTHORIZED=0", line)
        elif upper in ("GIT_SSL_NO_VERIFY",) and value.strip().lower() in ("1", "true"):
            _add(found, "GIT_SSL_NO_VERIFY=1", line)
        elif upper in ("PIP_TRUSTED_HOST",) and value.strip():
            _add(found, "PIP_TRUSTED_HOST", line)
        elif upper == "PYTHONHTTPSVERIFY" and value.strip() == "0":
            _add(found, "PYTHONHTTPSVERIFY=0", line)
    return found


#: What each package manager's subcommand for installing is called, and the suffix of its package
#: files.
_INSTALL_WORDS = frozenset({"add", "install", "localinstall", "reinstall", "upgrade", "in"})
_PACKAGE_FILES = {
    "apk": ".apk",
    "apt-get": ".deb",
    "apt": ".deb",
    "aptitude": ".deb",
    "rpm": ".rpm",
    "yum": ".rpm",
    "dnf": ".rpm",
    "microdnf": ".rpm",
    "zypper": ".rpm",
}


def _local_files_only(tool: str, argv: list[str]) -> bool:
    """Every package the command installs is a file of the image's own build (``apk add
    --allow-untrusted */*.apk`` after ``COPY --from=builder``): such packages are unsigned by
    nature and nothing is fetched whose signature could be checked. Any other word (a package
    name, a repository URL, an option's value) keeps the flag a finding."""
    suffix = _PACKAGE_FILES.get(tool)
    if suffix is None:
        return False
    operands = [w for w in argv[1:] if not w.startswith("-") and w not in _INSTALL_WORDS]
    return bool(operands) and all(w.endswith(suffix) and "://" not in w for w in operands)


def unsigned_packages(stage: Stage) -> Found:
    """Package signature checks switched off (CATALOGUE DF-07; the flag list is unverified)."""
    found: Found = {}
    for ins, c in commands(stage):
        argv = c.argv
        tool = argv[0].rsplit("/", 1)[-1] if argv else ""
        if _local_files_only(tool, list(argv)):
            continue
        if tool in ("apt-get", "apt", "aptitude") and _has(argv, "--allow-unauthenticated"):
            _add(found, f"{tool} --allow-unauthenticated", ins.line)
        if tool in ("apt-get", "apt") and any("allowunauthenticated" in w.lower().replace("-", "") for w in argv):
            _add(found, f"{tool} AllowUnauthenticated", ins.line)
        if tool == "apk" and _has(argv, "--allow-untrusted"):
            _add(found, "apk --allow-untrusted", ins.line)
        if tool in ("rpm",) and _has(argv, "--nosignature", "--nodigest"):
            _add(found, "rpm --nosignature", ins.line)
        if tool in ("yum", "dnf", "microdnf", "zypper") and (
            _has(argv, "--nogpgcheck", "--no-gpg-checks") or any(w.lower() == "gpgcheck=0" for w in argv)
        ):
            _add(found, f"{tool} --nogpgcheck", ins.line)
    for ins, text in scripts(stage):
        if re.search(r"gpgcheck\s*=\s*0", text):
            _add(found, "gpgcheck=0", ins.line)
        if re.search(r"\[trusted=yes\]", text):
            _add(found, "apt source [trusted=yes]", ins.line)
    return found


_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ash", "ksh", "python", "python3", "perl", "ruby", "node"})
_FETCH = frozenset({"curl", "wget"})


def download_execute(stage: Stage) -> Found:
    """Code fetched and run in one go, unverified (Scorecard Pinned-Dependencies "downloadThenRun";
    CATALOGUE DF-08)."""
    found: Found = {}
    for ins, text in scripts(stage):
        cmds = split(text)
        for i, c in enumerate(cmds):
            tool = c.argv[0].rsplit("/", 1)[-1] if c.argv else ""
            if tool in _FETCH and c.after == "|" and i + 1 < len(cmds):
                nxt = cmds[i + 1].argv
                runner = nxt[0].rsplit("/", 1)[-1] if nxt else ""
                if runner == "sudo" and len(nxt) > 1:
                    runner = nxt[1].rsplit("/", 1)[-1]
                if runner in _SHELLS:
                    _add(found, f"{tool} … | {runner}", ins.line)
        if re.search(r"\b(ba|z|da)?sh\s+(-c\s+)?[\"']?(<\(|\$\()\s*(curl|wget)\b", text):
            _add(found, "shell running a download", ins.line)
    return found


_URL = re.compile(r"^(https?|ftp)://", re.I)


def remote_adds(stage: Stage) -> Found:
    """``ADD https://…`` without ``--checksum`` (CATALOGUE DF-09); git URLs without a commit."""
    found: Found = {}
    for ins, src, _ in _remote_adds(stage):
        _add(found, f"ADD {src}", ins.line)
    return found


def remote_add_destinations(stage: Stage) -> dict[str, str]:
    """``ADD <url>`` signature (as ``remote_adds`` names it) → where it puts the download."""
    found: dict[str, str] = {}
    for _, src, dest in _remote_adds(stage):
        found.setdefault(f"ADD {src}", dest)
    return found


def _remote_adds(stage: Stage) -> list[tuple[Instruction, str, str]]:
    """(instruction, remote source, destination) of each unchecked remote ADD source."""
    out: list[tuple[Instruction, str, str]] = []
    for ins in stage.instructions:
        if ins.keyword != "ADD" or ins.flag("checksum"):
            continue
        exec_form = ins.exec_form
        words = exec_form if exec_form is not None else ins.args.split()
        for src in words[:-1]:
            if _URL.match(src) or src.startswith("git@") or (src.endswith(".git") and "://" in src):
                out.append((ins, src, words[-1]))
    return out


def insecure_runs(stage: Stage) -> Found:
    """``RUN --security=insecure`` (BuildKit entitlement ``security.insecure``: the step runs
    without the sandbox, like a privileged container)."""
    found: Found = {}
    for ins in stage.instructions:
        if ins.keyword == "RUN" and (ins.flag("security") or "").lower() == "insecure":
            _add(found, "RUN --security=insecure " + " ".join(ins.args.split())[:60], ins.line)
    return found


_SECRET = re.compile(
    r"(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)($|_)",
    re.I,
)
_NOT_SECRET = re.compile(r"(_FILE|_PATH|_DIR|_URL|_URI|_HOST|_USER|_NAME|_ID)$", re.I)


def secret_names(stage: Stage) -> dict[str, tuple[str, int]]:
    """ARG/ENV names that carry a secret into the image or its history (CATALOGUE DF-10):
    name → (instruction, line)."""
    found: dict[str, tuple[str, int]] = {}
    for ins in stage.instructions:
        if ins.keyword not in ("ARG", "ENV"):
            continue
        names = [n for n, _ in env_items(ins.args)] if ins.keyword == "ENV" else _arg_names(ins.args)
        for name in names:
            if _SECRET.search(name) and not _NOT_SECRET.search(name):
                found[name] = (ins.keyword, ins.line)
    return found


def _arg_names(args: str) -> list[str]:
    return [w.partition("=")[0] for w in args.split()]


def exposed_ports(stage: Stage) -> Found:
    found: Found = {}
    for ins in stage.instructions:
        if ins.keyword == "EXPOSE":
            for p in ins.args.split():
                _add(found, p.split("/")[0], ins.line)
    return found


def line_route(line: int) -> tuple[str, int]:
    """A route that names a line of the Dockerfile directly (see model.LineMap)."""
    return ("@line", line)


def test_runs(stage: Stage) -> Found:
    """RUN commands that run tests (the CI model's test classification)."""
    found: Found = {}
    for ins, c in commands(stage):
        if TEST in classify_command(c.argv):
            _add(found, " ".join(c.argv), ins.line)
    return found


def _env(stage: Stage) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    for ins in stage.instructions:
        if ins.keyword == "ENV":
            out.extend((n, v, ins.line) for n, v in env_items(ins.args))
    return out
