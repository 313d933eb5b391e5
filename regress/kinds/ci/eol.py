"""End-of-life dates of the runtimes and compilers test matrices name, to tell a version dropped because its
upstream stopped supporting it from coverage lost (CATALOGUE.md GA-13: still a finding, at low
severity).

The table is small on purpose: a version that is not in it is not treated as end of life. Each
runtime's dates come from its upstream's own schedule, cited beside it; add releases as they reach
end of life.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from regress.kinds.ci.model import MATRIX_REF, Step, texts


class Runtime(enum.StrEnum):
    PYTHON = "Python"
    NODE = "Node.js"
    GO = "Go"
    RUBY = "Ruby"
    PHP = "PHP"
    JAVA = "Java"
    RUNNER = "GitHub runner image"
    DISTRIBUTION = "Linux distribution"
    GCC = "GCC"
    LLVM = "LLVM/Clang"
    PYPY = "PyPy"
    DJANGO = "Django"


_D = dt.date.fromisoformat

#: Python: the devguide's release cycle (python/devguide include/release-cycle.json, shown at
#: devguide.python.org/versions/): "end_of_life" of each branch.
PYTHON = {
    "2.7": _D("2020-01-01"),
    "3.4": _D("2019-03-18"),
    "3.5": _D("2020-09-30"),
    "3.6": _D("2021-12-23"),
    "3.7": _D("2023-06-27"),
    "3.8": _D("2024-10-07"),
    "3.9": _D("2025-10-31"),
    # Scheduled (PEPs 619, 664, 693, 719): October of each year; the day is set at the last release.
    "3.10": _D("2026-10-31"),
    "3.11": _D("2027-10-31"),
    "3.12": _D("2028-10-31"),
    "3.13": _D("2029-10-31"),
}

#: PyPy: a PyPy3 line implements one Python language version and its standard library, so it is
#: past its end of life once that version is (the CPython dates above); PyPy stops releasing a
#: line earlier still (the PyPy v7.3.12 release, "release of python 2.7, 3.9, and 3.10", June
#: 2023, no longer ships 3.8). PyPy 2.7 is left out: PyPy keeps releasing it.
PYPY = {line: date for line, date in PYTHON.items() if not line.startswith("2.")}

#: Django: the end of security support of each feature release, from the "Supported Versions"
#: chart of djangoproject.com/download (as endoflife.date/django lists it). Django publishes a
#: schedule, so a Django release dropped from a matrix can be judged like a runtime; libraries
#: that publish none (pandas, NumPy) are not in any table, and dropping one of their releases is
#: still reported at medium.
DJANGO = {
    "1.11": _D("2020-04-01"),
    "2.0": _D("2019-04-01"),
    "2.1": _D("2019-12-02"),
    "2.2": _D("2022-04-01"),
    "3.0": _D("2021-04-06"),
    "3.1": _D("2021-12-07"),
    "3.2": _D("2024-04-01"),
    "4.0": _D("2023-04-01"),
    "4.1": _D("2023-12-01"),
    "4.2": _D("2026-04-01"),
    "5.0": _D("2025-04-01"),
}

#: Node.js: the Release working group's schedule (nodejs/Release schedule.json, "end" of each
#: major line).
NODE = {
    "8": _D("2019-12-31"),
    "10": _D("2021-04-30"),
    "11": _D("2019-06-01"),
    "12": _D("2022-04-30"),
    "13": _D("2020-06-01"),
    "14": _D("2023-04-30"),
    "15": _D("2021-06-01"),
    "16": _D("2023-09-11"),
    "17": _D("2022-06-01"),
    "18": _D("2025-04-30"),
    "19": _D("2023-06-01"),
    "20": _D("2026-04-30"),
    "21": _D("2024-06-01"),
    "22": _D("2027-04-30"),
    "23": _D("2025-06-01"),
    "24": _D("2028-04-30"),
}

#: Go: "Each major Go release is supported until there are two newer major releases"
#: (go.dev/doc/devel/release#policy), so a release's end of life is the release date of the one
#: two after it (dates from the same page's release history).
GO = {
    "1.9": _D("2018-08-24"),  # go1.11 released
    "1.10": _D("2019-02-25"),  # go1.12
    "1.11": _D("2019-09-03"),  # go1.13
    "1.12": _D("2020-02-25"),  # go1.14
    "1.13": _D("2020-08-11"),  # go1.15
    "1.14": _D("2021-02-16"),  # go1.16
    "1.15": _D("2021-08-16"),  # go1.17
    "1.16": _D("2022-03-15"),  # go1.18
    "1.17": _D("2022-08-02"),  # go1.19
    "1.18": _D("2023-02-01"),  # go1.20
    "1.19": _D("2023-08-08"),  # go1.21
    "1.20": _D("2024-02-06"),  # go1.22
    "1.21": _D("2024-08-13"),  # go1.23
    "1.22": _D("2025-02-11"),  # go1.24
    "1.23": _D("2025-08-12"),  # go1.25
    "1.24": _D("2026-02-10"),  # go1.26 (pkg.go.dev lists go1.26.0 on Feb 10, 2026)
}

#: Ruby: the branch list of ruby-lang.org (ruby/www.ruby-lang.org _data/branches.yml, "eol_date").
RUBY = {
    "2.0": _D("2016-02-24"),
    "2.1": _D("2017-03-31"),
    "2.2": _D("2018-03-31"),
    "2.3": _D("2019-03-31"),
    "2.4": _D("2020-03-31"),
    "2.5": _D("2021-04-05"),
    "2.6": _D("2022-04-12"),
    "2.7": _D("2023-03-31"),
    "3.0": _D("2024-04-23"),
    "3.1": _D("2025-03-26"),
    # 3.2.11 (March 2026) was announced as the series' last release; the day is the month's end.
    "3.2": _D("2026-03-31"),
}

#: PHP: php.net "Unsupported Branches" (php.net/eol.php) for the branches past their end of life;
#: php.net "Supported Versions" (php.net/supported-versions.php) for the rest, whose security support
#: ends on December 31st since the 2024 release-cycle RFC (wiki.php.net/rfc/release_cycle_update).
PHP = {
    "5.3": _D("2014-08-14"),
    "5.4": _D("2015-09-03"),
    "5.5": _D("2016-07-21"),
    "5.6": _D("2018-12-31"),
    "7.0": _D("2019-01-10"),
    "7.1": _D("2019-12-01"),
    "7.2": _D("2020-11-30"),
    "7.3": _D("2021-12-06"),
    "7.4": _D("2022-11-28"),
    "8.0": _D("2023-11-26"),
    "8.1": _D("2025-12-31"),
    "8.2": _D("2026-12-31"),
    "8.3": _D("2027-12-31"),
    "8.4": _D("2028-12-31"),
    "8.5": _D("2029-12-31"),
}

#: Java: a feature release that is not long-term support is superseded, and no longer updated,
#: when the next one ships six months later (openjdk.org/projects/jdk/: the general-availability
#: date of each release). The LTS releases (8, 11, 17, 21, 25) are left out: OpenJDK and Eclipse
#: Temurin keep updating each for several years, and dropping one still loses coverage.
JAVA = {
    "9": _D("2018-03-20"),  # JDK 10 GA
    "10": _D("2018-09-25"),  # JDK 11
    "12": _D("2019-09-17"),  # JDK 13
    "13": _D("2020-03-17"),  # JDK 14
    "14": _D("2020-09-15"),  # JDK 15
    "15": _D("2021-03-16"),  # JDK 16
    "16": _D("2021-09-14"),  # JDK 17
    "18": _D("2022-09-20"),  # JDK 19
    "19": _D("2023-03-21"),  # JDK 20
    "20": _D("2023-09-19"),  # JDK 21
    "22": _D("2024-09-17"),  # JDK 23
    "23": _D("2025-03-18"),  # JDK 24
    "24": _D("2025-09-16"),  # JDK 25
}

#: GCC: a release branch is closed with its last release ("This is also the last release from the
#: GCC 7 branch which will receive no further fixes", gcc.gnu.org/legacy-ml/gcc/2019-11/
#: msg00099.html); the day is that release's date on gcc.gnu.org/releases.html ("GCC Releases").
#: Since GCC 5 a major number is a release branch (gcc.gnu.org/develop.html, "Version Numbering
#: Scheme").
GCC = {
    "5": _D("2017-10-10"),  # GCC 5.5
    "6": _D("2018-10-26"),  # GCC 6.5
    "7": _D("2019-11-14"),  # GCC 7.5
    "8": _D("2021-05-14"),  # GCC 8.5
    "9": _D("2022-05-27"),  # GCC 9.5
    "10": _D("2023-07-07"),  # GCC 10.5
    "11": _D("2024-07-19"),  # GCC 11.5
    "12": _D("2025-07-11"),  # GCC 12.5
}

#: LLVM (Clang): bug-fix releases are made on the newest release line only, so a line ends when
#: the next one has shipped and it has had its last release (7.1.0 followed 8.0.0): the later of
#: the two dates in the LLVM download page's release list (llvm/www-releases: index.html).
#: Lines since 14 are left out until their dates are checked against that list.
LLVM = {
    "4": _D("2017-09-07"),  # 5.0.0 (4.0.1: 2017-07-04)
    "5": _D("2018-05-16"),  # 5.0.2 (6.0.0: 2018-03-08)
    "6": _D("2018-09-19"),  # 7.0.0 (6.0.1: 2018-07-05)
    "7": _D("2019-05-10"),  # 7.1.0 (8.0.0: 2019-03-20)
    "8": _D("2019-09-19"),  # 9.0.0 (8.0.1: 2019-07-19)
    "9": _D("2020-03-24"),  # 10.0.0 (9.0.1: 2019-12-20)
    "10": _D("2020-10-12"),  # 11.0.0 (10.0.1: 2020-08-06)
    "11": _D("2021-04-14"),  # 12.0.0 (11.1.0: 2021-02-25)
    "12": _D("2021-10-04"),  # 13.0.0 (12.0.1: 2021-07-08)
}

#: GitHub-hosted runner images: the day each label was (or is announced to be) fully unsupported,
#: from the announcements in actions/runner-images and the GitHub changelog. A matrix that drops a
#: retired image lost nothing GitHub still runs.
RUNNER = {
    "macos-10.15": _D("2022-08-30"),  # actions/runner-images#5583
    "ubuntu-18.04": _D("2023-04-03"),  # actions/runner-images#6002
    "macos-11": _D("2024-06-28"),  # GitHub changelog 2024-05-20
    # The preview label of the same macOS 11 image, renamed `macos-11` "to avoid confusion with
    # the minor version" (actions/virtual-environments docs/macos-11-onboarding.md, 2021).
    "macos-11.0": _D("2024-06-28"),
    "macos-12": _D("2024-12-03"),  # actions/runner-images#10721
    "ubuntu-20.04": _D("2025-04-15"),  # actions/runner-images#11101 (target moved from 04-01)
    "windows-2019": _D("2025-06-30"),  # actions/runner-images#12045
    # actions/runner-images#13046: the title says December 4th, the text December 8th; the later.
    "macos-13": _D("2025-12-08"),
    "macos-13-large": _D("2025-12-08"),
    "macos-13-xlarge": _D("2025-12-08"),
    "macos-14": _D("2026-11-02"),  # actions/runner-images#13518
    "macos-14-large": _D("2026-11-02"),
    "macos-14-xlarge": _D("2026-11-02"),
    "ubuntu-22.04": _D("2027-04-17"),  # actions/runner-images#14254
    "ubuntu-22.04-arm": _D("2027-04-17"),
}

#: Linux distributions that test matrices name as container images (``debian:stretch``,
#: ``ubuntu:18.04``, ``centos:7``, ``fedora:38``): the day their free security updates ended.
#: Debian: the end of Long Term Support (Debian LTS team announcements, wiki.debian.org/LTS).
#: Ubuntu: the end of standard support of an LTS release (ubuntu.com/about/release-cycle; ESM
#: after it is a subscription) and the end of life of an interim one, nine months after its
#: release (the "End of Life" column of wiki.ubuntu.com/Releases). CentOS Linux: its end of life
#: (centos.org, "CentOS Linux EOL"). Fedora: its end of life, four weeks after the release two
#: after it (docs.fedoraproject.org/en-US/releases/eol/; the newest from the release schedule at
#: fedorapeople.org/groups/schedule/).
DISTRIBUTION = {
    "debian:8": _D("2020-06-30"),
    "debian:9": _D("2022-06-30"),
    "debian:10": _D("2024-06-30"),
    "debian:11": _D("2026-08-31"),
    "ubuntu:12.04": _D("2017-04-28"),
    "ubuntu:12.10": _D("2014-05-16"),
    "ubuntu:13.04": _D("2014-01-27"),
    "ubuntu:13.10": _D("2014-07-17"),
    "ubuntu:14.04": _D("2019-04-30"),
    "ubuntu:14.10": _D("2015-07-23"),
    "ubuntu:15.04": _D("2016-02-04"),
    "ubuntu:15.10": _D("2016-07-28"),
    "ubuntu:16.04": _D("2021-04-30"),
    "ubuntu:16.10": _D("2017-07-20"),
    "ubuntu:17.04": _D("2018-01-13"),
    "ubuntu:17.10": _D("2018-07-19"),
    "ubuntu:18.04": _D("2023-05-31"),
    "ubuntu:18.10": _D("2019-07-18"),
    "ubuntu:19.04": _D("2020-01-23"),
    "ubuntu:19.10": _D("2020-07-17"),
    "ubuntu:20.04": _D("2025-05-31"),
    "ubuntu:20.10": _D("2021-07-22"),
    "ubuntu:21.04": _D("2022-01-20"),
    "ubuntu:21.10": _D("2022-07-14"),
    "ubuntu:22.10": _D("2023-07-20"),
    "ubuntu:23.04": _D("2024-01-25"),
    "ubuntu:23.10": _D("2024-07-11"),
    "ubuntu:24.10": _D("2025-07-10"),
    # Announced for January 2026 when it was released; the day is the month's end.
    "ubuntu:25.04": _D("2026-01-31"),
    "centos:7": _D("2024-06-30"),
    "centos:8": _D("2021-12-31"),
    "fedora:28": _D("2019-05-28"),
    "fedora:29": _D("2019-11-26"),
    "fedora:30": _D("2020-05-26"),
    "fedora:31": _D("2020-11-24"),
    "fedora:32": _D("2021-05-25"),
    "fedora:33": _D("2021-11-30"),
    "fedora:34": _D("2022-06-07"),
    "fedora:35": _D("2022-12-13"),
    "fedora:36": _D("2023-05-16"),
    "fedora:37": _D("2023-12-05"),
    "fedora:38": _D("2024-05-21"),
    "fedora:39": _D("2024-11-26"),
    "fedora:40": _D("2025-05-13"),
    "fedora:41": _D("2025-12-15"),
    "fedora:42": _D("2026-05-13"),
}
_CODENAMES = {
    "jessie": "8",
    "stretch": "9",
    "buster": "10",
    "bullseye": "11",
    "precise": "12.04",
    "quantal": "12.10",
    "raring": "13.04",
    "saucy": "13.10",
    "trusty": "14.04",
    "utopic": "14.10",
    "vivid": "15.04",
    "wily": "15.10",
    "xenial": "16.04",
    "yakkety": "16.10",
    "zesty": "17.04",
    "artful": "17.10",
    "bionic": "18.04",
    "cosmic": "18.10",
    "disco": "19.04",
    "eoan": "19.10",
    "focal": "20.04",
    "groovy": "20.10",
    "hirsute": "21.04",
    "impish": "21.10",
    "kinetic": "22.10",
    "lunar": "23.04",
    "mantic": "23.10",
    "oracular": "24.10",
    "plucky": "25.04",
}
#: ``debian:stretch-slim``, ``docker.io/library/ubuntu:18.04``, ``centos:centos7``, Fedora's own
#: registries (``registry.fedoraproject.org/fedora:39``, ``quay.io/fedora/fedora:39``).
_IMAGE = re.compile(
    r"(?:(?:docker\.io|index\.docker\.io)/)?(?:library/)?(?:registry\.fedoraproject\.org/|quay\.io/fedora/)?"
    r"(?P<name>debian|ubuntu|centos|fedora):(?P<tag>[\w.-]+)",
    re.IGNORECASE,
)


def distribution_of(value: str) -> tuple[str, dt.date] | None:
    """The distribution release a container image names and the day its support ended, if the
    table knows it (``debian:buster-slim`` → ``debian:10``)."""
    m = _IMAGE.fullmatch(value.strip())
    if not m:
        return None
    name, tag = m.group("name").lower(), m.group("tag").lower()
    tag = re.sub(r"-(?:slim|backports)$", "", tag).removeprefix("centos")
    release = f"{name}:{_CODENAMES.get(tag, tag)}"
    date = DISTRIBUTION.get(release)
    return (release, date) if date is not None else None


_TABLES = {
    Runtime.RUNNER: RUNNER,
    Runtime.PYTHON: PYTHON,
    Runtime.NODE: NODE,
    Runtime.GO: GO,
    Runtime.RUBY: RUBY,
    Runtime.PHP: PHP,
    Runtime.JAVA: JAVA,
    Runtime.GCC: GCC,
    Runtime.LLVM: LLVM,
    Runtime.PYPY: PYPY,
    Runtime.DJANGO: DJANGO,
}

#: Matrix axis names per runtime (``python-version``, ``node_version``, ``go``, ``jdk``, …).
_AXES = (
    (re.compile(r"(?:python|py)(?:[-_ ]?versions?)?"), Runtime.PYTHON),
    (re.compile(r"node(?:js)?(?:[-_ ]?versions?)?"), Runtime.NODE),
    (re.compile(r"(?:go|golang)(?:[-_ ]?versions?)?"), Runtime.GO),
    (re.compile(r"ruby(?:[-_ ]?versions?)?"), Runtime.RUBY),
    (re.compile(r"php(?:[-_ ]?versions?)?"), Runtime.PHP),
    (re.compile(r"(?:java|jdk)(?:[-_ ]?versions?)?"), Runtime.JAVA),
    (re.compile(r"(?:gcc|g\+\+)(?:[-_ ]?versions?)?"), Runtime.GCC),
    (re.compile(r"(?:clang|llvm)(?:[-_ ]?versions?)?"), Runtime.LLVM),
    (re.compile(r"django(?:[-_ ]?versions?)?"), Runtime.DJANGO),
)
#: Matrix axes that name a tox environment (``toxenv``, ``tox-env``, ``tox_env``, ``tox``).
_TOX_AXIS = re.compile(r"tox(?:[-_ ]?envs?)?")
_TOX_ENV = re.compile(r"py(\d)(\d{1,2})(?![\d.])")
#: A factor of a tox-style name that names an interpreter or Django release by its digits, between
#: separators (``check-py37-cover``, ``py2_kern6``, ``pypy38``, ``py313t``, ``py39-django32``):
#: tox's default environments spell ``py37`` for Python 3.7 and ``pypy3`` for any PyPy3 (tox docs,
#: "Default environments"), and projects name their Django factors alike (``django32``,
#: ``django111``: the first digit is the major version).
_FACTOR = re.compile(r"(?:^|(?<=[-_/:]))(?P<name>pypy|py|django)(?P<digits>\d+)t?(?=$|[-_/:])", re.IGNORECASE)
#: A version as matrices spell it: ``3.8``, ``3.8.18``, ``v18``, ``18.x``, ``1.21.x``, ``~1.21``.
_VERSION = re.compile(r"[v~^]?(?P<major>\d+)(?:\.(?P<minor>\d+|x))?(?:\.(?:\d+|x))*")


@dataclass(frozen=True, slots=True)
class EndOfLife:
    runtime: Runtime
    version: str
    date: dt.date
    #: Read from a factor of a longer name (``check-py37-cover``), not from the whole value.
    factor: bool = False

    def __str__(self) -> str:
        return f"{self.runtime.value} {self.version}: end of life {self.date.isoformat()}"


def runtime_of(axis: str) -> Runtime | None:
    name = axis.strip().lower()
    for pattern, runtime in _AXES:
        if pattern.fullmatch(name):
            return runtime
    return None


def release_line(runtime: Runtime, value: str) -> str | None:
    """The release line a matrix value names (``3.8.18`` → ``3.8``, ``v18.x`` → ``18``, Java
    ``1.8`` → ``8``), or None for what is not a plain version (``pypy3.9``, ``lts/*``)."""
    m = _VERSION.fullmatch(value.strip())
    if not m:
        return None
    major, minor = m.group("major"), m.group("minor")
    if runtime is Runtime.NODE:
        return major
    if runtime is Runtime.JAVA:
        # Java 8 and earlier are also spelled 1.8; the feature release is the major number since 9.
        return minor if major == "1" and minor and minor != "x" else major
    # A compiler's release line is its major number since GCC 5 and LLVM 4 (4.9 and 3.9 were
    # lines of their own before).
    if (runtime is Runtime.GCC and int(major) >= 5) or (runtime is Runtime.LLVM and int(major) >= 4):
        return major
    if minor is None or minor == "x":
        return None
    return f"{major}.{minor}"


#: The setup actions whose version input names the runtime a job tests on, so an axis fed into one
#: (``go-version: ${{ matrix.GOVER }}``) is that runtime's whatever it is called.
SETUP_INPUTS: dict[tuple[str, str], Runtime] = {
    ("actions/setup-python", "python-version"): Runtime.PYTHON,
    ("actions/setup-node", "node-version"): Runtime.NODE,
    ("actions/setup-go", "go-version"): Runtime.GO,
    ("ruby/setup-ruby", "ruby-version"): Runtime.RUBY,
    ("shivammathur/setup-php", "php-version"): Runtime.PHP,
    ("actions/setup-java", "java-version"): Runtime.JAVA,
}


def runtime_axes(steps: Iterable[Step]) -> dict[str, Runtime]:
    """Matrix axes a job's steps hand to a setup action's version input, with that runtime."""
    found: dict[str, Runtime] = {}
    for step in steps:
        if not step.uses:
            continue
        uses = step.uses.lower()
        for name, value in step.inputs.items():
            runtime = SETUP_INPUTS.get((uses, str(name).lower()))
            if runtime is not None and isinstance(value, str):
                for m in MATRIX_REF.finditer(value):
                    found.setdefault(m.group(1), runtime)
    return found


#: The compiler names whose version follows them: Debian's and Ubuntu's versioned compiler
#: packages and commands (``gcc-12``, ``g++-12``, ``clang-18``, ``clang++-18``, ``llvm-18``).
_GCC_NAMES = r"gcc|g\+\+"
_LLVM_NAMES = r"clang|clang\+\+|llvm"
#: A matrix value that names a compiler with its version (``gcc-9``, ``clang14``), or the Docker
#: Official ``gcc`` image, tagged by GCC version (docker-library/gcc: ``gcc:12``, ``gcc:12.3``).
_COMPILER_VALUE = re.compile(
    rf"(?:(?P<gcc>{_GCC_NAMES})-?|(?P<llvm>{_LLVM_NAMES})-?|(?:docker\.io/)?(?:library/)?(?P<image>gcc):)"
    r"(?P<version>\d+(?:\.\d+)*)",
    re.IGNORECASE,
)
#: Where a job's text hands a matrix axis to a compiler as its version: ``CC: gcc-${{ matrix.v }}``,
#: ``apt-get install clang-${{ matrix.v }}``, apt.llvm.org's ``llvm.sh ${{ matrix.v }}`` (its first
#: argument is the LLVM major version: apt.llvm.org, "Automatic installation script"), and the
#: ``gcc`` image ``container: gcc:${{ matrix.v }}``.
_FEEDS_COMPILER = (
    (re.compile(rf"(?<![\w.+-])(?:{_GCC_NAMES})-{MATRIX_REF.pattern}", re.IGNORECASE), Runtime.GCC),
    (re.compile(rf"(?<![\w.+/-])(?:docker\.io/)?(?:library/)?gcc:{MATRIX_REF.pattern}", re.IGNORECASE), Runtime.GCC),
    (re.compile(rf"(?<![\w.+-])(?:{_LLVM_NAMES})-{MATRIX_REF.pattern}", re.IGNORECASE), Runtime.LLVM),
    (re.compile(rf"(?<![\w.-])llvm\.sh\s+{MATRIX_REF.pattern}"), Runtime.LLVM),
)


def compiler_axes(*bodies: Any) -> dict[str, Runtime]:
    """Matrix axes a job hands to a compiler as its version (``_FEEDS_COMPILER``), anywhere in
    its bodies (the base's and the head's: the environment, a script, the container image), with
    that compiler. An axis handed to both GCC and Clang names neither."""
    found: dict[str, set[Runtime]] = {}
    for text in (t for body in bodies for t in texts(body)):
        if "matrix" not in text:
            continue
        for pattern, runtime in _FEEDS_COMPILER:
            for m in pattern.finditer(text):
                found.setdefault(m.group(1), set()).add(runtime)
    return {axis: next(iter(kinds)) for axis, kinds in found.items() if len(kinds) == 1}


def _compiler_value(value: str) -> tuple[Runtime, str] | None:
    m = _COMPILER_VALUE.fullmatch(value.strip())
    if m is None:
        return None
    return (Runtime.LLVM if m.group("llvm") else Runtime.GCC), m.group("version")


def named_lines(value: str) -> tuple[tuple[Runtime, str], ...]:
    """The releases the factors of a tox-style name name (``check-py39-pandas10`` → Python 3.9),
    each as (runtime, release line); a factor without a release line (``py3``) names none. A
    bare ``py2`` is Python 2, whose every line ended with 2.7."""
    found = []
    for m in _FACTOR.finditer(value.strip()):
        name, digits = m.group("name").lower(), m.group("digits")
        if name == "django":
            if len(digits) >= 2:
                found.append((Runtime.DJANGO, f"{digits[0]}.{digits[1:]}"))
            continue
        runtime = Runtime.PYPY if name == "pypy" else Runtime.PYTHON
        if len(digits) >= 2:
            found.append((runtime, f"{digits[0]}.{digits[1:]}"))
        elif digits == "2":
            found.append((runtime, "2.7"))
    return tuple(found)


def end_of_life(axis: str, value: str, on: dt.date, runtime: Runtime | None = None) -> EndOfLife | None:
    """The end of life a matrix value had reached on ``on``, if the table knows it. ``runtime``
    is the one the axis is known to feed (``runtime_axes``); otherwise its name decides."""
    retired = RUNNER.get(value.strip().lower())
    if retired is not None:
        return EndOfLife(Runtime.RUNNER, value.strip(), retired) if retired <= on else None
    distribution = distribution_of(value)
    if distribution is not None:
        release, ended = distribution
        return EndOfLife(Runtime.DISTRIBUTION, release, ended) if ended <= on else None
    runtime = runtime or runtime_of(axis)
    if runtime is None and _TOX_AXIS.fullmatch(axis.strip().lower()):
        # tox's default environments name the interpreter: ``py37`` runs Python 3.7, and a
        # factor after it (``py38-django42``) keeps it (tox docs, "Default environments").
        m = _TOX_ENV.match(value.strip().lower())
        if m:
            runtime, value = Runtime.PYTHON, f"{m.group(1)}.{m.group(2)}"
    if runtime is None:
        # A value of any axis whose factors name an interpreter or a Django release
        # (``task: check-py37-cover``): the first one past its end of life.
        for factor, release in named_lines(value):
            until = _TABLES[factor].get(release)
            if until is not None and until <= on:
                return EndOfLife(factor, release, until, factor=True)
    if runtime is None:
        named = _compiler_value(value)
        if named is not None:
            runtime, value = named
    if runtime is None or runtime is Runtime.RUNNER:
        return None
    line = release_line(runtime, value)
    if line is None:
        return None
    date = _TABLES[runtime].get(line)
    if date is None or date > on:
        return None
    return EndOfLife(runtime, line, date)
