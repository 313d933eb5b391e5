"""The token ``git fetch`` gets is narrowed to one repository's contents (GITHUB.md §2: down-scope
installation tokens with ``repositories`` and ``permissions``); the App's REST calls keep the
installation's token. Against the fake GitHub over real HTTP, whose git server refuses a narrowed
token for any other repository, as GitHub does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from regress.webhooks.github import GitHubClient, RepoRef
from regress.webhooks.mirror import FetchError, Mirrors
from regress.webhooks.settings import from_env
from tests.fakegithub.server import FakeGitHub
from tests.webhooks.harness import INSTALLATION, Hub, service_env


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeGitHub]:
    server = FakeGitHub(tmp_path / "github").start()
    try:
        yield server
    finally:
        server.stop()


def test_fetch_tokens_read_one_repository_only(fake: FakeGitHub, tmp_path: Path) -> None:
    hub = Hub(fake, "http://127.0.0.1:9", tmp_path / "work")
    shop = hub.repo("acme/shop", {"README.md": "shop\n"})
    billing = hub.repo("acme/billing", {"README.md": "billing\n"})
    client = GitHubClient(from_env(service_env(fake, tmp_path / "data")))
    mirrors = Mirrors(tmp_path / "mirrors")

    token = client.fetch_token(INSTALLATION, RepoRef("acme", "shop"))
    assert fake.token_requests == [{"repositories": ["shop"], "permissions": {"contents": "read"}}]
    assert mirrors.fetch(1, fake.repo_json("acme/shop")["clone_url"], [shop], token).is_dir()
    # The same token cannot read another repository of the installation.
    with pytest.raises(FetchError):
        mirrors.fetch(2, fake.repo_json("acme/billing")["clone_url"], [billing], token)
    # Cached per repository: a second fetch of the same repository asks GitHub for nothing.
    assert client.fetch_token(INSTALLATION, RepoRef("acme", "shop")) == token
    assert len(fake.token_requests) == 1
    # The installation's token (REST calls) is a different one and reaches every repository.
    whole = client.installation_token(INSTALLATION)
    assert whole != token
    assert fake.token_requests[-1] == {}
    assert mirrors.fetch(2, fake.repo_json("acme/billing")["clone_url"], [billing], whole).is_dir()
    # Forgetting the installation (uninstalled, suspended) forgets its narrowed tokens too.
    client.forget_installation(INSTALLATION)
    assert client.fetch_token(INSTALLATION, RepoRef("acme", "shop")) != token
