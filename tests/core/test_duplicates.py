from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ghcommunity.core.similar import Candidate, find_similar, normalise, similarity

GROUPS = [
    Candidate("group:lean-coffee", "Lean Coffee", "Lean Coffee open agenda-free conversation"),
    Candidate("group:open-source", "Open Source", "Open Source publishing government code"),
    Candidate("group:sustainable-software", "Sustainable Software", "Sustainable software carbon"),
]


def test_filler_words_do_not_make_texts_similar() -> None:
    assert normalise("Proposal: a new special interest group for Rust") == "rust"
    assert similarity("Proposal: SIG for Rust", "Proposal: SIG for accessibility") < 50


def test_a_proposal_overlapping_a_group_is_found() -> None:
    found = find_similar("Proposal: an open source special interest group", GROUPS, threshold=70)
    assert [m.candidate.key for m in found] == ["group:open-source"]
    assert found[0].score >= 70


def test_limit_and_order() -> None:
    issues = [
        Candidate(f"#{i}", t, t)
        for i, t in enumerate(
            ["Lean coffee in December", "Lean coffee December date", "Lean coffee", "Rust"]
        )
    ]
    found = find_similar("Lean coffee December", issues, threshold=50, limit=3)
    assert len(found) == 3
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert "#3" not in {m.candidate.key for m in found}


@given(st.text(), st.lists(st.text(), max_size=5))
def test_any_text_gives_scores_between_0_and_100(text: str, others: list[str]) -> None:
    found = find_similar(
        text, [Candidate(str(i), o, o) for i, o in enumerate(others)], threshold=0, limit=5
    )
    assert all(0 <= m.score <= 100 for m in found)
