"""Rules for GitLab-only concepts (``rules``/``only``/``except``, workflow, includes, templates)."""

KINDS = ("gitlab-ci",)
