"""Rules over the platform-neutral CI model (every pipeline platform that maps a concept into it)."""

#: Platforms whose pipelines map into the CI model.
KINDS = ("github-actions", "gitlab-ci", "circleci", "bitbucket-pipelines", "azure-pipelines")
