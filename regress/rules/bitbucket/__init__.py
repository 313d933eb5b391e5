"""Rules for Bitbucket-only concepts: pipeline selectors, changeset conditions, pipes."""

KINDS = ("bitbucket-pipelines",)
