"""Rules for Azure Pipelines-only concepts: conditions, ``enabled``, triggers, required templates."""

KINDS = ("azure-pipelines",)
