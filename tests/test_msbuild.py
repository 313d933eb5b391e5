"""The MSBuild reader keeps evaluation-time property assignments with their conditions, refuses
declarations instead of expanding them, and reports bad XML as unreadable, never raising."""

from __future__ import annotations

import random

from regress.kinds.gates.msbuild import Assignment, MSBuildFile, read

PROJECT = """<Project Sdk="Microsoft.NET.Sdk">
  <Import Project="$([MSBuild]::GetPathOfFileAbove('Directory.Build.props', '$(MSBuildThisFileDirectory)../'))" />
  <PropertyGroup>
    <Threshold>80</Threshold>
  </PropertyGroup>
  <PropertyGroup Condition="'$(CI)' == 'true'">
    <Threshold Condition="'$(Threshold)' == '80'">90</Threshold>
  </PropertyGroup>
  <Choose>
    <When Condition="'$(OS)' == 'Windows_NT'">
      <PropertyGroup><ThresholdType>line</ThresholdType></PropertyGroup>
    </When>
    <Otherwise>
      <PropertyGroup><ThresholdType>branch</ThresholdType></PropertyGroup>
    </Otherwise>
  </Choose>
  <Target Name="Gate">
    <PropertyGroup><Threshold>10</Threshold></PropertyGroup>
  </Target>
  <ItemGroup Condition="'$(IsTestProject)' == 'true'">
    <PackageReference Include="coverlet.msbuild" Version="6.0.2" />
  </ItemGroup>
</Project>
"""


def test_assignments_keep_their_conditions_and_lines_and_target_groups_are_left_out() -> None:
    assert read(PROJECT) == MSBuildFile(
        (
            Assignment("Threshold", "80", (), 4),
            Assignment("Threshold", "90", ("'$(CI)' == 'true'", "'$(Threshold)' == '80'"), 7),
            Assignment("ThresholdType", "line", ("'$(OS)' == 'Windows_NT'",), 11),
            Assignment("ThresholdType", "branch", ("otherwise",), 14),
        ),
        ("$([MSBuild]::GetPathOfFileAbove('Directory.Build.props', '$(MSBuildThisFileDirectory)../'))",),
        (("coverlet.msbuild", "'$(IsTestProject)' == 'true'"),),
    )


def test_declarations_are_refused_before_parsing() -> None:
    laughs = '<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY a "aaaa">]>\n<Project>&a;</Project>'
    assert read(laughs) == MSBuildFile(unreadable="the file declares a document type or entities, which are not read")


def test_bad_xml_is_unreadable() -> None:
    assert read("<Project><PropertyGroup><Threshold>80</PropertyGroup></Project>").unreadable == (
        "not well-formed XML (mismatched tag: line 1, column 39)"
    )


def test_random_input_never_raises() -> None:
    rng = random.Random(11)
    pieces = [
        "<Project>",
        "</Project>",
        "<PropertyGroup>",
        "</PropertyGroup>",
        "<Threshold>",
        "</Threshold>",
        "<Choose>",
        "<When Condition='x'>",
        "</When>",
        "80",
        "&amp;",
        "&x;",
        "<![CDATA[",
        "]]>",
        "<!--",
        "-->",
        "\n",
        "\x00",
        "<?xml version='1.0'?>",
    ]
    for _ in range(500):
        result = read("".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))))
        assert isinstance(result, MSBuildFile)
