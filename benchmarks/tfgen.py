"""Generate a Terraform module tree shaped like a large public module (terraform-aws-eks: about
90 files and 0.5 MB): a root module, nested local modules and examples, each with main.tf,
variables.tf, outputs.tf and versions.tf, using the syntax such modules use (nested and dynamic
blocks, heredoc and jsonencode policies, conditionals, for expressions, locals).

``edit=True`` produces the head side: every file gets a small change, so every module is a
changed unit and is read on both sides. Every file is unique (no two blobs alike), so the parse
cache saves nothing between files.
"""

from __future__ import annotations

import random
from pathlib import Path

RESOURCE_TEMPLATES = [
    """resource "aws_iam_role" "{name}" {{
  count = var.create ? 1 : 0
  name  = "${{var.prefix}}-{name}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = {{ Service = "ec2.amazonaws.com" }}
    }}]
  }})
  tags = merge(var.tags, {{ Name = "{name}" }})
}}
""",
    """resource "aws_security_group" "{name}" {{
  name        = "${{var.prefix}}-{name}"
  description = "Security group {name}"
  vpc_id      = var.vpc_id

  dynamic "ingress" {{
    for_each = var.ingress_rules
    content {{
      from_port   = ingress.value.from_port
      to_port     = ingress.value.to_port
      protocol    = ingress.value.protocol
      cidr_blocks = ingress.value.cidr_blocks
    }}
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/8"]
  }}
}}
""",
    """resource "aws_launch_template" "{name}" {{
  name_prefix   = "{name}-"
  image_id      = data.aws_ami.eks_default.id
  instance_type = var.instance_type

  metadata_options {{
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = {hop}
  }}

  block_device_mappings {{
    device_name = "/dev/xvda"
    ebs {{
      volume_size           = {size}
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }}
  }}

  monitoring {{
    enabled = true
  }}

  tag_specifications {{
    resource_type = "instance"
    tags          = {{ for k, v in var.tags : k => v if k != "Name" }}
  }}

  lifecycle {{
    create_before_destroy = true
  }}
}}
""",
    """resource "aws_cloudwatch_log_group" "{name}" {{
  name              = "/aws/eks/${{var.cluster_name}}/{name}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.kms_key_arn
}}
""",
    """resource "aws_iam_policy" "{name}" {{
  name   = "{name}"
  policy = <<-EOT
    {{
      "Version": "2012-10-17",
      "Statement": [
        {{
          "Effect": "Allow",
          "Action": ["ec2:Describe*", "eks:Describe*"],
          "Resource": "*"
        }}
      ]
    }}
  EOT
}}
""",
    """resource "aws_eks_node_group" "{name}" {{
  cluster_name    = var.cluster_name
  node_group_name = "{name}"
  node_role_arn   = aws_iam_role.{role}[0].arn
  subnet_ids      = var.subnet_ids

  scaling_config {{
    min_size     = {min}
    max_size     = {max}
    desired_size = {min}
  }}

  update_config {{
    max_unavailable_percentage = 33
  }}

  labels = var.labels
  tags   = var.tags
}}
""",
]

VARIABLES = """variable "{name}" {{
  description = "The {name} setting of this module; see the module README for the accepted values."
  type        = {type}
  default     = {default}
}}
"""
OUTPUT = """output "{name}" {{
  description = "The {name} of the created resource, or null when it is not created."
  value       = try(aws_iam_role.{role}[0].arn, null)
}}
"""
VERSIONS = """terraform {{
  required_version = ">= 1.3"
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = ">= {v}.0"
    }}
  }}
}}
"""


def module_files(rng: random.Random, idx: int, edit: bool, per_file: int) -> dict[str, str]:
    main_parts: list[str] = [f'locals {{\n  enabled = var.create && var.enable\n  name    = "m{idx}"\n}}\n']
    role = "role_0"
    for j in range(per_file):
        template = RESOURCE_TEMPLATES[j % len(RESOURCE_TEMPLATES)]
        name = f"r{idx}_{j}" if j % len(RESOURCE_TEMPLATES) else f"role_{j}"
        main_parts.append(
            template.format(
                name=name,
                role=role,
                hop=1,
                size=rng.choice([20, 50, 100]) + (10 if edit and j == 0 else 0),
                min=rng.randint(1, 3),
                max=rng.randint(4, 9),
            )
        )
    variables = []
    for k in range(per_file * 2):
        kind = k % 3
        typ, default = [("string", '"x"'), ("number", str(k)), ("bool", "true")][kind]
        variables.append(VARIABLES.format(name=f"m{idx}_var_{k}", type=typ, default=default))
    variables.append(VARIABLES.format(name="create", type="bool", default="true"))
    variables.append(VARIABLES.format(name="log_retention_in_days", type="number", default="90"))
    outputs = [OUTPUT.format(name=f"m{idx}_out_{k}", role=role) for k in range(per_file)]
    if edit:
        variables.append(VARIABLES.format(name="added_in_head", type="string", default='"y"'))
        outputs.reverse()
    return {
        "main.tf": "\n".join(main_parts),
        "variables.tf": "\n".join(variables),
        "outputs.tf": "\n".join(outputs),
        "versions.tf": f"# module {idx}\n" + VERSIONS.format(v=5 if not edit else 6),
    }


def generate(root: Path, modules: int, edit: bool, per_file: int = 24, seed: int = 7) -> int:
    """Write ``modules`` module folders under ``root``; returns the bytes written."""
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    total = 0
    for i in range(modules):
        folder = root if i == 0 else root / ("modules" if i % 3 else "examples") / f"m{i}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in module_files(rng, i, edit, per_file).items():
            path = folder / name
            path.write_text(text)
            total += len(text.encode())
    return total
