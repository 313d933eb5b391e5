"""Webhook payloads shaped like GitHub's documented examples (``data/webhook-examples.json``, from
@octokit/webhooks-examples), with the fields a test cares about filled in.

The examples are GitHub's docs payloads (Codertocat/Hello-World); none is a PR comment, a fork
PR or an ``edited`` PR with a base change, so those are derived here from the nearest example.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


@cache
def _examples() -> dict[str, Any]:
    return dict(json.loads((DATA / "webhook-examples.json").read_text())["examples"])


def example(name: str) -> dict[str, Any]:
    return copy.deepcopy(_examples()[name])


def user(login: str, uid: int, bot: bool = False) -> dict[str, Any]:
    u = copy.deepcopy(example("pull_request.opened")["sender"])
    u.update({"login": login, "id": uid, "type": "Bot" if bot else "User", "node_id": f"U_{uid}"})
    for key in list(u):
        if key.endswith("_url") or key == "url":
            u[key] = f"https://github.invalid/{login}"
    return u


def repository(repo: dict[str, Any], owner_id: int = 1) -> dict[str, Any]:
    r = copy.deepcopy(example("pull_request.opened")["repository"])
    owner, name = repo["full_name"].split("/")
    r.update(
        {
            "id": repo["id"],
            "node_id": f"R_{repo['id']}",
            "name": name,
            "full_name": repo["full_name"],
            "clone_url": repo["clone_url"],
            "html_url": repo["html_url"],
            "fork": bool(repo.get("fork")),
            "owner": user(owner, owner_id),
        }
    )
    return r


def installation(iid: int) -> dict[str, Any]:
    return {"id": iid, "node_id": f"I_{iid}"}


def pull_request_object(pr: dict[str, Any], repo: dict[str, Any], head_repo: dict[str, Any]) -> dict[str, Any]:
    p = copy.deepcopy(example("pull_request.opened")["pull_request"])
    p.update(
        {
            "number": pr["number"],
            "id": pr["id"],
            "state": pr["state"],
            "title": pr.get("title", f"PR {pr['number']}"),
            "html_url": f"{repo['html_url']}/pull/{pr['number']}",
            "updated_at": pr["updated_at"],
            "user": user(pr["author"], pr["author_id"]),
            "merged": False,
            "draft": False,
        }
    )
    p["head"] = {
        **p["head"],
        "sha": pr["head_sha"],
        "ref": pr["head_ref"],
        "label": f"{head_repo['full_name'].split('/')[0]}:{pr['head_ref']}",
        "repo": repository(head_repo),
        "user": user(head_repo["full_name"].split("/")[0], 2),
    }
    p["base"] = {
        **p["base"],
        "sha": pr["base_sha"],
        "ref": pr["base_ref"],
        "label": f"{repo['full_name'].split('/')[0]}:{pr['base_ref']}",
        "repo": repository(repo),
    }
    return p


def pull_request_event(
    action: str, pr: dict[str, Any], repo: dict[str, Any], head_repo: dict[str, Any], iid: int, sender: dict[str, Any]
) -> dict[str, Any]:
    name = f"pull_request.{action}" if f"pull_request.{action}" in _examples() else "pull_request.opened"
    e = example(name)
    e.update(
        {
            "action": action,
            "number": pr["number"],
            "pull_request": pull_request_object(pr, repo, head_repo),
            "repository": repository(repo),
            "installation": installation(iid),
            "sender": sender,
        }
    )
    if action == "synchronize":
        e["before"], e["after"] = pr.get("before", "0" * 40), pr["head_sha"]
    if action == "edited":
        e["changes"] = {"base": {"ref": {"from": pr.get("old_base", "old")}, "sha": {"from": "0" * 40}}}
    return e


def issue_comment_event(
    comment: dict[str, Any], pr: dict[str, Any], repo: dict[str, Any], iid: int, sender: dict[str, Any]
) -> dict[str, Any]:
    e = example("issue_comment.created")
    e["issue"].update(
        {
            "number": pr["number"],
            "html_url": f"{repo['html_url']}/pull/{pr['number']}",
            "state": pr["state"],
            "user": user(pr["author"], pr["author_id"]),
            # The examples are all plain issues; a PR comment carries issue.pull_request.
            "pull_request": {
                "url": f"{repo['url']}/pulls/{pr['number']}",
                "html_url": f"{repo['html_url']}/pull/{pr['number']}",
                "diff_url": f"{repo['html_url']}/pull/{pr['number']}.diff",
                "patch_url": f"{repo['html_url']}/pull/{pr['number']}.patch",
                "merged_at": None,
            },
        }
    )
    e["comment"].update({"id": comment["id"], "body": comment["body"], "html_url": comment["html_url"], "user": sender})
    e.update({"repository": repository(repo), "installation": installation(iid), "sender": sender})
    return e


def pull_request_review_event(
    review: dict[str, Any],
    pr: dict[str, Any],
    repo: dict[str, Any],
    head_repo: dict[str, Any],
    iid: int,
    sender: dict[str, Any],
    action: str = "submitted",
) -> dict[str, Any]:
    """``pull_request_review.submitted`` (or ``dismissed``); the documented examples have no
    ``installation`` (they are a repository webhook's), which every App delivery carries."""
    e = example(f"pull_request_review.{action}")
    e["review"].update(
        {
            "id": review["id"],
            "node_id": f"PRR_{review['id']}",
            "body": review["body"],
            "commit_id": review["commit_id"],
            "state": review["state"],
            "html_url": review["html_url"],
            "pull_request_url": f"{repo['url']}/pulls/{pr['number']}",
            "user": sender,
        }
    )
    e["review"]["_links"] = {
        "html": {"href": review["html_url"]},
        "pull_request": {"href": f"{repo['url']}/pulls/{pr['number']}"},
    }
    e.update(
        {
            "pull_request": pull_request_object(pr, repo, head_repo),
            "repository": repository(repo),
            "installation": installation(iid),
            "sender": sender,
        }
    )
    return e


def check_run_event(
    action: str,
    run: dict[str, Any],
    repo: dict[str, Any],
    iid: int,
    sender: dict[str, Any],
    app_id: int,
    identifier: str | None = None,
    pull_numbers: tuple[int, ...] = (),
) -> dict[str, Any]:
    e = example(f"check_run.{action}")
    cr = e["check_run"]
    cr.update(
        {
            "id": run["id"],
            "name": run["name"],
            "head_sha": run["head_sha"],
            "status": run["status"],
            "conclusion": run.get("conclusion"),
            "html_url": run["html_url"],
            "pull_requests": [{"number": n, "id": n, "url": ""} for n in pull_numbers],
        }
    )
    cr["app"] = {**cr.get("app", {}), "id": app_id}
    cr["check_suite"] = {**cr.get("check_suite", {}), "head_sha": run["head_sha"], "pull_requests": cr["pull_requests"]}
    if identifier is not None:
        e["requested_action"] = {"identifier": identifier}
    e.update({"repository": repository(repo), "installation": installation(iid), "sender": sender})
    return e


def merge_group_event(
    head_sha: str, base_sha: str, head_ref: str, repo: dict[str, Any], iid: int, sender: dict[str, Any]
) -> dict[str, Any]:
    e = example("merge_group.checks_requested")
    e["merge_group"].update({"head_sha": head_sha, "base_sha": base_sha, "head_ref": head_ref})
    e.update({"repository": repository(repo), "installation": installation(iid), "sender": sender})
    return e
