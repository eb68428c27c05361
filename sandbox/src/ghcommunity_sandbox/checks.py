"""The Checks API (check runs and their annotations) and repository dispatches.

Routes are registered on the REST router when this module is imported (`server.build_router`
does). State changes go through `State.create_check_run`, `State.update_check_run` and
`State.dispatch_event`, so test helpers and the API announce the same webhooks:
`check_run` (created, completed) and `repository_dispatch`.

As on GitHub: only an App (an installation token) may create or update check runs, and only its
own; a `conclusion` completes a run; annotations are appended on update,
at most 50 per request; the list for a commit shows the latest run of each name unless
`filter=all`; `pull_requests` lists the open pull requests whose head is the run's commit.
"""

from __future__ import annotations

from typing import Any

from ghcommunity_sandbox.errors import ApiError, invalid, not_found
from ghcommunity_sandbox.http import Ctx, Reply
from ghcommunity_sandbox.model import App, CheckAnnotation, CheckRun, Repo
from ghcommunity_sandbox.rest import route
from ghcommunity_sandbox.shapes import Shapes
from ghcommunity_sandbox.state import CHECK_STATUSES

_RUNS = "checks/runs"

# -- shapes ------------------------------------------------------------------------------------


def _pull_requests(shapes: Shapes, repo: Repo, sha: str) -> list[dict[str, Any]]:
    """The open pull requests whose head is `sha` (GitHub's `pull_requests`)."""
    out = []
    for issue in repo.issues.values():
        pull = issue.pull
        if pull is None or issue.state != "open":
            continue
        head_repo = pull.head_repo or repo
        head_sha = head_repo.git.refs.get(f"refs/heads/{pull.head_ref}", pull.head_sha)
        if head_sha != sha or head_repo is not repo:
            continue
        base_sha = repo.git.refs.get(f"refs/heads/{pull.base_ref}", pull.base_sha)
        ref = {"id": repo.id, "url": f"{shapes.api}/repos/{repo.full_name}", "name": repo.name}
        out.append(
            {
                "url": f"{shapes.api}/repos/{repo.full_name}/pulls/{issue.number}",
                "id": issue.id,
                "number": issue.number,
                "head": {"ref": pull.head_ref, "sha": head_sha, "repo": ref},
                "base": {"ref": pull.base_ref, "sha": base_sha, "repo": dict(ref)},
            }
        )
    return out


def _app(shapes: Shapes, run: CheckRun) -> App:
    return shapes.state.apps.get(run.app_id) or next(iter(shapes.state.apps.values()))


def check_run(shapes: Shapes, repo: Repo, run: CheckRun) -> dict[str, Any]:
    """A check run as the REST API returns it."""
    url = f"{shapes.api}/repos/{repo.full_name}/check-runs/{run.id}"
    html = f"{shapes.web}/{repo.full_name}/runs/{run.id}"
    return {
        "id": run.id,
        "name": run.name,
        "node_id": run.node_id,
        "head_sha": run.head_sha,
        "external_id": run.external_id,
        "url": url,
        "html_url": html,
        "details_url": run.details_url or html,
        "status": run.status,
        "conclusion": run.conclusion,
        "started_at": run.started_at,
        "completed_at": run.completed_at,
        "output": {
            "title": run.title,
            "summary": run.summary,
            "text": run.text,
            "annotations_count": len(run.annotations),
            "annotations_url": f"{url}/annotations",
        },
        "check_suite": {"id": run.check_suite_id},
        "app": shapes.app(_app(shapes, run)),
        "pull_requests": _pull_requests(shapes, repo, run.head_sha),
    }


def annotation(shapes: Shapes, repo: Repo, run: CheckRun, note: CheckAnnotation) -> dict[str, Any]:
    return {
        "path": note.path,
        "blob_href": f"{shapes.web}/{repo.full_name}/blob/{run.head_sha}/{note.path}",
        "start_line": note.start_line,
        "end_line": note.end_line,
        "start_column": note.start_column,
        "end_column": note.end_column,
        "annotation_level": note.annotation_level,
        "title": note.title,
        "message": note.message,
        "raw_details": note.raw_details,
    }


def _suite_conclusion(conclusions: set[str | None]) -> str:
    """A finished suite's conclusion: the worst of its runs'."""
    for worst in ("failure", "timed_out", "cancelled", "action_required"):
        if worst in conclusions:
            return worst
    return "neutral" if conclusions == {"neutral"} else "success"


def webhook_check_run(shapes: Shapes, repo: Repo, run: CheckRun) -> dict[str, Any]:
    """The `check_run` object of a webhook: the REST shape with the full check suite, and the
    App without the fields only the REST API adds."""
    data = check_run(shapes, repo, run)
    app = {k: v for k, v in data["app"].items() if k not in ("client_id", "installations_count")}
    data["app"] = app
    suite = [r for r in repo.check_runs.values() if r.check_suite_id == run.check_suite_id]
    done = all(r.status == "completed" for r in suite)
    conclusions = {r.conclusion for r in suite}
    branch = next(
        (
            ref.removeprefix("refs/heads/")
            for ref, sha in sorted(repo.git.refs.items())
            if sha == run.head_sha and ref.startswith("refs/heads/")
        ),
        None,
    )
    first = min(suite, key=lambda r: r.id)
    data["check_suite"] = {
        "id": run.check_suite_id,
        "node_id": f"CS_{run.check_suite_id}",
        "head_branch": branch,
        "head_sha": run.head_sha,
        "status": "completed" if done else "in_progress",
        "conclusion": _suite_conclusion(conclusions) if done else None,
        "url": f"{shapes.api}/repos/{repo.full_name}/check-suites/{run.check_suite_id}",
        "before": None,
        "after": None,
        "pull_requests": data["pull_requests"],
        "app": app,
        "created_at": first.started_at,
        "updated_at": max(r.completed_at or r.started_at for r in suite),
    }
    return data


# -- routes ------------------------------------------------------------------------------------


def _app_identity(ctx: Ctx) -> App:
    """Only a GitHub App (an installation token) may write check runs."""
    inst = ctx.identity.installation
    if ctx.identity.kind != "installation" or inst is None:
        raise ApiError(403, "You must authenticate via a GitHub App.")
    return ctx.state.apps[inst.app_id]


def _run(ctx: Ctx, repo: Repo) -> CheckRun:
    found = repo.check_runs.get(ctx.int_param("check_run_id"))
    if found is None:
        raise not_found()
    return found


def _output(body: dict[str, Any]) -> dict[str, Any] | None:
    output = body.get("output")
    if output is None:
        return None
    if not isinstance(output, dict):
        raise invalid("CheckRun", "output")
    return output


@route(
    "POST",
    "/repos/{owner}/{repo}/check-runs",
    "https://docs.github.com/rest/reference/checks#create-a-check-run",
)
def create_check_run(ctx: Ctx) -> Reply:
    repo = ctx.repo("write")
    app = _app_identity(ctx)
    body = ctx.json()
    run = ctx.state.create_check_run(
        repo,
        name=str(body.get("name") or ""),
        head_sha=str(body.get("head_sha") or ""),
        app=app,
        actor=ctx.actor,
        status=body.get("status"),
        conclusion=body.get("conclusion"),
        started_at=body.get("started_at"),
        completed_at=body.get("completed_at"),
        external_id=body.get("external_id"),
        details_url=body.get("details_url"),
        output=_output(body),
    )
    data = check_run(ctx.shapes, repo, run)
    return Reply(data, 201, {"location": data["url"]})


@route("GET", "/repos/{owner}/{repo}/check-runs/{check_run_id}", f"{_RUNS}#get-a-check-run")
def get_check_run(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    return Reply(check_run(ctx.shapes, repo, _run(ctx, repo)))


@route("PATCH", "/repos/{owner}/{repo}/check-runs/{check_run_id}", f"{_RUNS}#update-a-check-run")
def update_check_run(ctx: Ctx) -> Reply:
    repo = ctx.repo("write")
    app = _app_identity(ctx)
    run = _run(ctx, repo)
    if run.app_id != app.id:
        raise ApiError(
            403, f"Invalid app_id `{app.id}` - check run can only be modified by its app"
        )
    body = ctx.json()
    ctx.state.update_check_run(
        repo,
        run,
        actor=ctx.actor,
        name=body.get("name"),
        status=body.get("status"),
        conclusion=body.get("conclusion"),
        completed_at=body.get("completed_at"),
        external_id=body.get("external_id"),
        details_url=body.get("details_url"),
        output=_output(body),
    )
    return Reply(check_run(ctx.shapes, repo, run))


@route(
    "GET",
    "/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
    f"{_RUNS}#list-check-run-annotations",
)
def list_annotations(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    run = _run(ctx, repo)
    return ctx.paginate(run.annotations, lambda a: annotation(ctx.shapes, repo, run, a))


@route(
    "GET",
    "/repos/{owner}/{repo}/commits/{ref}/check-runs",
    f"{_RUNS}#list-check-runs-for-a-git-reference",
    greedy=("ref",),
)
def list_check_runs(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    sha = repo.git.resolve(ctx.params["ref"], repo.default_branch)
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {ctx.params['ref']}")
    q = ctx.query
    wanted_status = q.get("status")
    if wanted_status is not None and wanted_status not in CHECK_STATUSES:
        raise invalid("CheckRun", "status")
    which = q.get("filter") or "latest"
    if which not in ("latest", "all"):
        raise invalid("CheckRun", "filter")
    runs = sorted(
        (r for r in repo.check_runs.values() if r.head_sha == sha),
        key=lambda r: r.id,
        reverse=True,
    )
    if which == "latest":  # the newest run of each name, per App
        seen: set[tuple[int, str]] = set()
        latest = []
        for r in runs:
            if (r.app_id, r.name) not in seen:
                seen.add((r.app_id, r.name))
                latest.append(r)
        runs = latest
    if q.get("check_name"):
        runs = [r for r in runs if r.name == q["check_name"]]
    if wanted_status:
        runs = [r for r in runs if r.status == wanted_status]
    if q.get("app_id"):
        runs = [r for r in runs if str(r.app_id) == q["app_id"]]
    total = len(runs)
    return ctx.paginate(
        runs,
        lambda r: check_run(ctx.shapes, repo, r),
        wrap=lambda chunk: {"total_count": total, "check_runs": chunk},
    )


# -- repository dispatch -----------------------------------------------------------------------


@route(
    "POST",
    "/repos/{owner}/{repo}/dispatches",
    "repos/repos#create-a-repository-dispatch-event",
)
def dispatch(ctx: Ctx) -> Reply:
    repo = ctx.repo("write")
    body = ctx.json()
    ctx.state.dispatch_event(
        repo, body.get("event_type"), body.get("client_payload"), actor=ctx.actor
    )
    return Reply(None, 204)
