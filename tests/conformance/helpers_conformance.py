"""What every conformance script starts from: the sandbox's minimal community, plus a second
person (`ada`, a member of the org and of its `maintainers` team, with write access and her
own token) and `bob` (in the org, in no team)."""

from __future__ import annotations

from ghcommunity_sandbox import Sandbox

ORG = "uk-x-gov-software-community"
NAME = "community-space"
REPO = f"{ORG}/{NAME}"
TOKEN = "test-token"  # the sandbox's default bot
ADA_TOKEN = "ada-token"
TEAM = "maintainers"


def arrange(sandbox: Sandbox) -> None:
    st = sandbox.state
    st.add_user("ada", name="Ada Lovelace")
    st.add_user("bob", name="Bob")
    st.add_token(ADA_TOKEN, "ada")
    st.add_member(ORG, "ada")
    st.add_member(ORG, "bob")
    st.add_team(ORG, TEAM, ["ada"], name="Maintainers")
    st.set_permission(REPO, "ada", "write")
