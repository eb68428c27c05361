"""The taxonomy: generated from the official CSVs, deterministic, stripped, validated."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ddat_support import ROLE_CSV, SKILLS_CSV, TAXONOMY_FILE

from ghcommunity.config import ConfigError
from ghcommunity.core.errors import InputError
from ghcommunity.jobs.ddat.taxonomy import (
    ROLE_COLUMNS,
    SKILL_COLUMNS,
    Source,
    dump_taxonomy,
    generate_taxonomy,
    generated_by,
    parse_csv,
    parse_taxonomy,
    read_csv,
)


@pytest.fixture(scope="module")
def rows() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    return read_csv(ROLE_CSV, ROLE_COLUMNS), read_csv(SKILLS_CSV, SKILL_COLUMNS)


def regenerate(rows, families, downloaded="2025-10"):  # type: ignore[no-untyped-def]
    source = Source(
        downloaded=downloaded,
        files=[ROLE_CSV.name, SKILLS_CSV.name],
        generated_by=generated_by(ROLE_CSV, SKILLS_CSV, families, downloaded),
    )
    return generate_taxonomy(*rows, families=families, source=source)


def test_config_ddat_yml_is_up_to_date_with_the_csv_copies(rows) -> None:  # type: ignore[no-untyped-def]
    committed = TAXONOMY_FILE.read_text(encoding="utf-8")
    recorded = parse_taxonomy(committed, str(TAXONOMY_FILE))
    families = [f.name for f in recorded.families]
    regenerated = dump_taxonomy(regenerate(rows, families, recorded.source.downloaded))
    assert regenerated == committed, "config/ddat.yml is stale: run " + recorded.source.generated_by


def test_generation_is_deterministic(rows) -> None:  # type: ignore[no-untyped-def]
    families = ["Software development", "QAT"]
    first = dump_taxonomy(regenerate(rows, families))
    second = dump_taxonomy(regenerate(rows, list(reversed(families))[::-1]))
    assert first == second
    assert dump_taxonomy(parse_taxonomy(first)) == first  # load → dump is the identity


def test_records_source_download_date_and_licence(taxonomy) -> None:  # type: ignore[no-untyped-def]
    src = taxonomy.source
    assert src.url == "https://ddat-capability-framework.service.gov.uk/download"
    assert src.downloaded == "2025-10"
    assert src.files == ["role-content.csv", "skill-descriptions.csv"]
    assert src.licence == "Open Government Licence v3.0"
    assert src.attribution == (
        "Contains public sector information licensed under the Open Government Licence v3.0."
    )
    text = TAXONOMY_FILE.read_text(encoding="utf-8")
    assert "Contains public sector information licensed under the Open Government" in text
    assert "Government Digital and Data Profession Capability Framework" in text


def test_software_development_levels_in_the_official_order(taxonomy) -> None:  # type: ignore[no-untyped-def]
    family = next(f for f in taxonomy.families if f.name == "Software development")
    roles = {r.name: r for r in family.roles}
    assert set(roles) == {
        "Software developer",
        "Development operations (DevOps) engineer",
        "Frontend developer",
    }
    assert roles["Software developer"].levels == [
        "Apprentice developer",
        "Junior developer",
        "Developer",
        "Senior developer",
        "Senior developer - management",
        "Lead developer",
        "Lead developer - management",
        "Principal developer",
        "Principal developer - management",
    ]
    assert roles["Development operations (DevOps) engineer"].levels == [
        "Apprentice DevOps engineer",
        "Junior DevOps engineer",
        "DevOps engineer",
        "Senior DevOps engineer",
        "Senior DevOps engineer - management",
        "Lead DevOps engineer",
        "Lead DevOps engineer - management",
        "Principal DevOps engineer",
        "Principal DevOps engineer - management",
    ]
    assert roles["Frontend developer"].levels == [
        "Apprentice frontend developer",
        "Junior frontend developer",
        "Frontend developer",
        "Senior frontend developer",
        "Lead frontend developer",
        "Head of frontend development",
    ]
    assert all(r.level_order == "official" for r in family.roles)
    assert "Modern development standards" in roles["Software developer"].skills
    assert "User focus (frontend developer)" in roles["Frontend developer"].skills
    assert "User focus" not in roles["Frontend developer"].skills


def test_quality_assurance_testing_family(taxonomy) -> None:  # type: ignore[no-untyped-def]
    family = next(f for f in taxonomy.families if f.name == "Quality assurance testing (QAT)")
    roles = {r.name: r for r in family.roles}
    assert roles["Test engineer"].levels == [
        "Associate test engineer",
        "Test engineer",
        "Senior test engineer",
        "Lead test engineer",
    ]
    assert roles["Test manager"].levels == ["Test manager", "Head of test"]
    assert roles["Test engineer"].level_order == "inferred"
    assert "Managing, reporting and resolving defects" in roles["Test engineer"].skills


def _strings(value):  # type: ignore[no-untyped-def]
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_every_field_is_stripped_including_the_csv_trailing_space(rows) -> None:  # type: ignore[no-untyped-def]
    everything = regenerate(rows, ["IT operations", "Software development", "QAT"])
    data = yaml.safe_load(dump_taxonomy(everything))
    for text in _strings(data):
        assert text == text.strip(), repr(text)
        assert "  " not in text, repr(text)
    role = everything.role("End user computing engineer")
    assert role is not None
    assert "End user computing engineer" in role.levels  # "End user computing engineer " in CSV


def test_empty_skill_description_falls_back_or_stays_empty(taxonomy) -> None:  # type: ignore[no-untyped-def]
    # "Programming and build (software engineering)" has no description in either CSV
    # (the role CSV says MISSING): no made-up text, and no "MISSING".
    skill = next(
        s for s in taxonomy.skills if s.name == "Programming and build (software engineering)"
    )
    assert skill.description == ""
    assert next(s for s in taxonomy.skills if s.name == "Accessibility").description


def test_aliases_case_spaces_and_dashes(taxonomy) -> None:  # type: ignore[no-untyped-def]
    entry = taxonomy.lookup("skill", "  modern STANDARDS approach ")
    assert entry is not None
    assert entry.name == "Modern development standards"
    assert taxonomy.lookup("level", "senior developer – management").name == (  # en dash
        "Senior developer - management"
    )
    assert taxonomy.lookup("role", "SOFTWARE DEVELOPER").name == "Software developer"
    assert taxonomy.lookup("skill", "User focus (frontend developer)").name == (
        "User focus (frontend developer)"
    )
    assert taxonomy.lookup("skill", "User focus").name == "User focus"
    assert taxonomy.role_of_level("Head of test") == "Test manager"


def test_unknown_family_and_short_family_names(rows) -> None:  # type: ignore[no-untyped-def]
    assert [f.name for f in regenerate(rows, ["qat"]).families] == [
        "Quality assurance testing (QAT)"
    ]
    with pytest.raises(InputError, match="no role family 'Astronomy'"):
        regenerate(rows, ["Astronomy"])


def test_whole_framework_generates_and_validates(rows) -> None:  # type: ignore[no-untyped-def]
    families = sorted({r["Role Family"] for r in rows[0]})
    everything = regenerate(rows, families)
    assert len(everything.roles) == 48  # the 4 chief roles have no levels in use
    assert parse_taxonomy(dump_taxonomy(everything)) == everything


def test_csv_errors_are_one_line_with_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"x.csv:1:1: missing column\(s\) 'Role Family'"):
        parse_csv("Role,Skill Name\nA,B\n", "x.csv", ROLE_COLUMNS)
    with pytest.raises(InputError, match="empty"):
        parse_csv("", "x.csv", ROLE_COLUMNS)
    with pytest.raises(InputError, match="no such file"):
        read_csv(tmp_path / "missing.csv", ROLE_COLUMNS)


def test_bad_taxonomy_file_reports_file_line_column() -> None:
    text = TAXONOMY_FILE.read_text(encoding="utf-8")
    broken = text.replace("  - name: Frontend developer\n", "  - nmae: Frontend developer\n", 1)
    with pytest.raises(ConfigError) as caught:
        parse_taxonomy(broken, "ddat.yml")
    first = caught.value.problems[0]
    line = next(
        i for i, row in enumerate(broken.splitlines(), 1) if "nmae: Frontend developer" in row
    )
    assert first.startswith(f"ddat.yml:{line}:"), caught.value.problems


def test_duplicate_names_are_rejected() -> None:
    text = TAXONOMY_FILE.read_text(encoding="utf-8")
    clash = text.replace("- name: Prototyping\n", "- name: PROTOTYPING \n", 1).replace(
        "- name: Accessibility\n", "- name: Prototyping\n", 1
    )
    with pytest.raises(ConfigError, match="written like"):
        parse_taxonomy(clash, "ddat.yml")
