"""Rules for GitHub-Actions-only concepts: the permissions lattice, privileged triggers, untrusted
checkouts, script injection, secrets inheritance, environments, runners and pins."""

KINDS = ("github-actions",)
