"""The end-of-life table: which matrix axes name a runtime, how values read, and the dates."""

from __future__ import annotations

import datetime as dt

import pytest

from regress.kinds.ci.eol import Runtime, compiler_axes, end_of_life, release_line, runtime_axes, runtime_of
from regress.kinds.ci.model import Step

DAY = dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("axis", "runtime"),
    [
        ("python", Runtime.PYTHON),
        ("python-version", Runtime.PYTHON),
        ("PYTHON_VERSION", Runtime.PYTHON),
        ("py", Runtime.PYTHON),
        ("node", Runtime.NODE),
        ("node-version", Runtime.NODE),
        ("nodejs", Runtime.NODE),
        ("go", Runtime.GO),
        ("go-version", Runtime.GO),
        ("golang", Runtime.GO),
        ("ruby", Runtime.RUBY),
        ("ruby-version", Runtime.RUBY),
        ("java", Runtime.JAVA),
        ("jdk", Runtime.JAVA),
        ("php", Runtime.PHP),
        ("php-version", Runtime.PHP),
        ("php_versions", Runtime.PHP),
        ("phpunit", None),
        ("os", None),
        ("pythonpath", None),
        ("gopher", None),
        ("gcc", Runtime.GCC),
        ("gcc-version", Runtime.GCC),
        ("GCC_VERSION", Runtime.GCC),
        ("clang", Runtime.LLVM),
        ("llvm-version", Runtime.LLVM),
        ("compiler", None),
        ("cc", None),
    ],
)
def test_axes_name_their_runtime(axis: str, runtime: Runtime | None) -> None:
    assert runtime_of(axis) is runtime


@pytest.mark.parametrize(
    ("runtime", "value", "line"),
    [
        (Runtime.PYTHON, "3.8", "3.8"),
        (Runtime.PYTHON, "3.10", "3.10"),
        (Runtime.PYTHON, "3.8.18", "3.8"),
        (Runtime.PYTHON, "3", None),
        (Runtime.PYTHON, "pypy3.9", None),
        (Runtime.PYTHON, "3.x", None),
        (Runtime.NODE, "18", "18"),
        (Runtime.NODE, "v18.19.0", "18"),
        (Runtime.NODE, "18.x", "18"),
        (Runtime.NODE, "lts/*", None),
        (Runtime.GO, "1.21.x", "1.21"),
        (Runtime.GO, "~1.21", "1.21"),
        (Runtime.GO, "stable", None),
        (Runtime.JAVA, "1.8", "8"),
        (Runtime.JAVA, "17", "17"),
        (Runtime.JAVA, "21.0.2", "21"),
        (Runtime.RUBY, "2.7", "2.7"),
        (Runtime.RUBY, "jruby", None),
        (Runtime.PHP, "7.4", "7.4"),
        (Runtime.PHP, "8.1.31", "8.1"),
        (Runtime.PHP, "nightly", None),
        (Runtime.GCC, "9", "9"),
        (Runtime.GCC, "9.4.0", "9"),
        (Runtime.GCC, "4.9", "4.9"),
        (Runtime.LLVM, "18.1.8", "18"),
        (Runtime.LLVM, "3.9", "3.9"),
        (Runtime.LLVM, "latest", None),
    ],
)
def test_matrix_values_read_as_release_lines(runtime: Runtime, value: str, line: str | None) -> None:
    assert release_line(runtime, value) == line


def test_a_version_is_end_of_life_from_its_date_on() -> None:
    found = end_of_life("python", "3.9", dt.date(2025, 10, 31))
    assert found is not None
    assert str(found) == "Python 3.9: end of life 2025-10-31"
    assert end_of_life("python", "3.9", dt.date(2025, 10, 30)) is None


@pytest.mark.parametrize(
    ("axis", "value", "expected"),
    [
        ("python", "2.7", "2020-01-01"),
        ("node", "16", "2023-09-11"),
        ("go", "1.22.x", "2025-02-11"),
        ("ruby", "3.0", "2024-04-23"),
        ("java", "20", "2023-09-19"),
        ("php-version", "7.3", "2021-12-06"),
        ("php", "8.1", "2025-12-31"),
        ("php", "8.2", None),
        ("ruby", "2.3", "2019-03-31"),
        # container images: Ubuntu's interim releases and Fedora, by tag or codename
        ("image", "ubuntu:22.10", "2023-07-20"),
        ("image", "ubuntu:kinetic", "2023-07-20"),
        ("container", "fedora:38", "2024-05-21"),
        ("container", "registry.fedoraproject.org/fedora:39", "2024-11-26"),
        ("container", "quay.io/fedora/fedora:40", "2025-05-13"),
        ("image", "fedora:rawhide", None),
        ("image", "ubuntu:24.04", None),
        # long-term-support Java releases and versions the table does not know are not end of life
        ("java", "8", None),
        ("java", "11", None),
        ("python", "3.14", None),
        ("node", "26", None),
        ("os", "ubuntu-24.04", None),
        ("platform", "ubuntu-latest", None),
        # GitHub's runner images, by label whatever the axis is called
        ("os", "ubuntu-20.04", "2025-04-15"),
        ("runner", "macos-12", "2024-12-03"),
        ("os", "windows-2019", "2025-06-30"),
        # compilers, by axis name or by a value that names one with its version
        ("gcc", "9", "2022-05-27"),
        ("gcc-version", "12.3.0", "2025-07-11"),
        ("gcc", "13", None),
        ("compiler", "gcc-7", "2019-11-14"),
        ("compiler", "g++-11", "2024-07-19"),
        ("image", "gcc:8", "2021-05-14"),
        ("image", "docker.io/library/gcc:10.5", "2023-07-07"),
        ("clang", "11", "2021-04-14"),
        ("compiler", "clang-7", "2019-05-10"),
        ("compiler", "clang++-12", "2021-10-04"),
        ("compiler", "clang-18", None),
        ("compiler", "clang-cl", None),
        ("compiler", "gcc", None),
        ("cc", "10", None),
    ],
)
def test_end_of_life_dates(axis: str, value: str, expected: str | None) -> None:
    found = end_of_life(axis, value, DAY)
    assert (found.date.isoformat() if found else None) == expected


def test_a_runner_image_is_end_of_life_once_github_retired_it() -> None:
    assert end_of_life("os", "ubuntu-22.04", dt.date(2027, 4, 16)) is None
    found = end_of_life("os", "ubuntu-22.04", dt.date(2027, 4, 17))
    assert str(found) == "GitHub runner image ubuntu-22.04: end of life 2027-04-17"


def test_an_axis_fed_to_a_setup_action_is_that_runtime() -> None:
    steps = (
        Step(
            key="a", index=0, route=("steps", 0), uses="actions/setup-go", inputs={"go-version": "${{ matrix.GOVER }}"}
        ),
        Step(key="b", index=1, route=("steps", 1), uses="actions/setup-python", inputs={"python-version": "3.12"}),
        Step(key="c", index=2, route=("steps", 2), run="echo ${{ matrix.toolchain }}"),
    )
    assert runtime_axes(steps) == {"GOVER": Runtime.GO}
    found = end_of_life("GOVER", "1.20", DAY, runtime_axes(steps).get("GOVER"))
    assert str(found) == "Go 1.20: end of life 2024-02-06"


def test_an_axis_fed_to_setup_php_is_php() -> None:
    steps = (
        Step(
            key="a",
            index=0,
            route=("steps", 0),
            uses="shivammathur/setup-php",
            inputs={"php-version": "${{ matrix.php }}", "coverage": "${{ matrix.driver }}"},
        ),
    )
    assert runtime_axes(steps) == {"php": Runtime.PHP}
    found = end_of_life("php", "7.4", DAY, Runtime.PHP)
    assert str(found) == "PHP 7.4: end of life 2022-11-28"


def test_an_axis_handed_to_a_compiler_is_that_compiler() -> None:
    base = {"container": "gcc:${{ matrix.ver }}", "steps": [{"run": "make"}]}
    head = {"env": {"CC": "gcc-${{ matrix.ver }}", "CXX": "g++-${{matrix.ver}}"}, "steps": [{"run": "make"}]}
    assert compiler_axes(base, head) == {"ver": Runtime.GCC}
    clang = {
        "env": {"CXXFLAGS": "-std=c++${{ matrix.std }}"},
        "steps": [{"run": "sudo ./llvm.sh ${{ matrix.llvm }}\napt-get install -y clang-tidy"}],
    }
    assert compiler_axes(clang) == {"llvm": Runtime.LLVM}
    # one axis handed to both compilers names neither; a compiler chosen by an axis is no version
    both = {"env": {"CC": "clang-${{ matrix.v }}", "GCC": "gcc-${{ matrix.v }}", "CXX": "${{ matrix.cxx }}"}}
    assert compiler_axes(both) == {}
    assert compiler_axes(None, "x86_64-linux-gnu-gcc-${{ matrix.v }}") == {}
