"""Rules for CircleCI-only concepts: workflow filters and orbs."""

KINDS = ("circleci",)
