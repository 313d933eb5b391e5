"""Azure Pipelines: ``azure-pipelines.yml`` with its local templates."""
