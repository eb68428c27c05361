"""Who may run a command: a person's role on the repository and their team memberships, read
only as far as the rules need and at most once per event."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from ghcommunity.core.commands import LEGACY, ROLES, Actor, facts_needed
from ghcommunity.github.client import quote_segment, repo_path
from ghcommunity.github.context import Context


def read_actor(ctx: Context, repo: str, login: str, rules: Sequence[str]) -> Actor:
    """Look up only what the rules need, each at most once per event."""
    actor = Actor(login)
    need_role = False
    teams: list[str] = []
    for rule in rules:
        role, team_keys = facts_needed(rule, ctx.config)
        need_role = need_role or role
        teams += team_keys
    if need_role:
        actor.role = ctx.cached(
            f"permission:{repo.lower()}:{login.lower()}", lambda: _role(ctx, repo, login)
        )
    for team in dict.fromkeys(teams):
        actor.teams[team] = bool(
            ctx.cached(f"team:{team.lower()}:{login.lower()}", partial(_member, ctx, team, login))
        )
    return actor


def _role(ctx: Context, repo: str, login: str) -> str:
    response = ctx.client.request(
        "GET",
        f"{repo_path(repo)}/collaborators/{quote_segment(login)}/permission",
        ok=(404,),
        what=f"reading {login}'s permission on {repo}",
    )
    if response.status_code == 404:
        return "none"
    data = response.json()
    role = str(data.get("role_name") or "").lower()
    if role in ROLES:
        return role
    # A custom role: its base permission (the legacy field) is what counts.
    return LEGACY.get(str(data.get("permission") or "").lower(), "none")


def _member(ctx: Context, team: str, login: str) -> bool:
    org, _, slug = team.partition("/")
    response = ctx.client.request(
        "GET",
        f"/orgs/{quote_segment(org)}/teams/{quote_segment(slug)}/memberships/{quote_segment(login)}",
        ok=(404, 403),
        what=f"reading {login}'s membership of {team}",
    )
    if response.status_code != 200:
        return False
    return str(response.json().get("state")) == "active"
