"""CloudFormation templates: which files are claimed as templates, what their ``Metadata``
suppressions read as, and that no input makes the handler raise."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regress.kinds import registry
from regress.kinds.base import Unit
from regress.kinds.cloudformation.handler import KIND, CloudFormationHandler
from regress.kinds.cloudformation.suppressions import CfnTool, TemplateSuppressions
from tests.memsnap import MemorySnapshot, context

HANDLER = CloudFormationHandler()
ENTRY = next(h for h in registry.HANDLERS if isinstance(h, registry.Lazy) and h.kind == KIND)

TEMPLATES = {
    "yaml with a version": 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n',
    "sam without a version": (
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
    ),
    "yaml with short-form tags": (
        "Resources:\n  B:\n    Type: 'AWS::S3::Bucket'\n    Properties:\n      BucketName: !Sub '${AWS::StackName}'\n"
        "      Tags: [{Key: a, Value: !GetAtt [X, Arn]}]\n"
    ),
    "json with a version": '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}',
    "json without a version": '{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}',
    "broken yaml with a version": 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B: [\n',
    "broken json with a version": '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {',
}

NOT_TEMPLATES = {
    "a manifest": "apiVersion: v1\nkind: Service\nmetadata: {name: api}\n",
    "a manifest holding a template": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata:\n  t.yaml: |\n"
        '    AWSTemplateFormatVersion: "2010-09-09"\n    Resources:\n      B:\n        Type: AWS::S3::Bucket\n'
    ),
    "a JSON manifest holding a template": (
        '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s"},'
        ' "data": {"t.json": "{\\"AWSTemplateFormatVersion\\": \\"2010-09-09\\"}"}}'
    ),
    "a JSON object with an AWS type but no Resources": '{"Type": "AWS::S3::Bucket"}',
    "a serverless.yml": ("service: api\nresources:\n  Resources:\n    B:\n      Type: AWS::S3::Bucket\n"),
    "an IAM policy": '{"Statement": [{"Effect": "Allow", "Resource": "arn:aws:s3:::b", "Sid": "AWS::x"}]}',
}


@pytest.mark.parametrize("text", TEMPLATES.values(), ids=list(TEMPLATES))
def test_templates_are_claimed(text: str) -> None:
    snap = MemorySnapshot({"infra/stack.yaml": text, "infra/stack.template": text})
    for path in ("infra/stack.yaml", "infra/stack.template"):
        assert HANDLER.units(path, snap) == [Unit(KIND, path)]
        assert ENTRY.units(path, snap) == [Unit(KIND, path)]


@pytest.mark.parametrize("text", NOT_TEMPLATES.values(), ids=list(NOT_TEMPLATES))
def test_other_files_are_left_to_other_handlers(text: str) -> None:
    snap = MemorySnapshot({"k8s/x.yaml": text, "k8s/x.json": text, "k8s/x.txt": text})
    for path in ("k8s/x.yaml", "k8s/x.json", "k8s/x.txt"):
        assert HANDLER.units(path, snap) == []
        assert ENTRY.units(path, snap) == []


def test_the_registry_filter_reads_content_before_importing() -> None:
    snap = MemorySnapshot({"a.yaml": "kind: Service\n", "b.yaml": "Resources: {X: {Type: AWS::SNS::Topic}}\n"})
    assert not ENTRY.claims.may_claim("a.yaml", snap)
    assert ENTRY.claims.may_claim("b.yaml", snap)
    assert not ENTRY.claims.may_claim("missing.yaml", snap)
    assert ENTRY.claims.may_claim_name("a.yaml", ())


def _facts(text: str, path: str = "stack.yaml") -> TemplateSuppressions:
    result = HANDLER.load(Unit(KIND, path), context({path: text}))
    assert not result.errors
    found = [o.facts for o in result.objects if isinstance(o.facts, TemplateSuppressions)]
    assert len(found) == 1
    return found[0]


def test_metadata_suppressions_of_every_tool_with_lines() -> None:
    facts = _facts(
        "Metadata:\n"
        "  cfn-lint:\n"
        "    config:\n"
        "      ignore_checks: [W3005, E3012]\n"
        "Resources:\n"
        "  Logs:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Metadata:\n"
        "      checkov:\n"
        "        skip:\n"
        "          - id: CKV_AWS_18\n"
        "            comment: the log bucket\n"
        "          - comment: no id, ignored by Checkov\n"
        "          - id: {Ref: Check}\n"
        "      cfn_nag:\n"
        "        rules_to_suppress:\n"
        "          - {id: W35, reason: logs}\n"
        "      cfn-lint:\n"
        "        config: {ignore_checks: W1001}\n"
        "  Broken: 3\n"
    )
    got = [(s.tool, s.check, s.resource, s.resource_type, s.line, s.reason) for s in facts.suppressions]
    assert got == [
        (CfnTool.CFN_LINT, "W3005", "", "", 4, ""),
        (CfnTool.CFN_LINT, "E3012", "", "", 4, ""),
        (CfnTool.CHECKOV, "CKV_AWS_18", "Logs", "AWS::S3::Bucket", 11, "the log bucket"),
        (CfnTool.CFN_NAG, "W35", "Logs", "AWS::S3::Bucket", 17, "logs"),
        (CfnTool.CFN_LINT, "W1001", "Logs", "AWS::S3::Bucket", 19, ""),
    ]
    assert facts.resources == (("Logs", "AWS::S3::Bucket"),)


def test_json_that_libyaml_refuses_loads_without_lines() -> None:
    text = '\t{"Resources": {"Q": {"Type": "AWS::SQS::Queue",\n\t"Metadata": {"checkov": {"skip": [{"id": "X_1"}]}}}}}'
    facts = _facts(text, "stack.json")
    assert [(s.check, s.resource, s.line) for s in facts.suppressions] == [("X_1", "Q", None)]


def test_a_template_without_suppressions_yields_no_object() -> None:
    result = HANDLER.load(Unit(KIND, "s.yaml"), context({"s.yaml": "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"}))
    assert (result.objects, result.errors, result.files) == ([], [], ["s.yaml"])


def test_a_broken_template_is_an_error_with_its_line() -> None:
    text = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n   X: [\n'
    result = HANDLER.load(Unit(KIND, "s.yaml"), context({"s.yaml": text}))
    assert [(e.path, e.line) for e in result.errors] == [("s.yaml", 5)]
    assert result.objects == []


PIECES = st.sampled_from(
    [
        "AWSTemplateFormatVersion: '2010-09-09'\n",
        "Resources:\n",
        "  B:\n",
        "    Type: AWS::S3::Bucket\n",
        "    Metadata:\n",
        "      checkov: {skip: [{id: CKV_AWS_18}]}\n",
        "      cfn_nag:\n        rules_to_suppress: 3\n",
        "      cfn-lint: {config: {ignore_checks: [[1], {a: b}, null, true]}}\n",
        "  - x\n",
        "!Ref\n",
        "{",
        "[",
        "# checkov:skip=CKV_AWS_1\n",
        "#trivy:ignore:AVD-AWS-0001\n",
        ": :\n",
        "\t",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=25))
def test_any_text_is_claimed_and_loaded_without_raising(pieces: list[str]) -> None:
    text = "".join(pieces)
    for path in ("t.yaml", "t.json"):
        files = {path: text}
        if HANDLER.units(path, MemorySnapshot(files)):
            HANDLER.load(Unit(KIND, path), context(files))
