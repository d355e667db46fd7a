"""The command line as a user drives it: outputs, exit codes, and the notice on everything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casefile import DISCLAIMER

from .conftest import run_cli

ANDREI = "examples/andrei.yaml"
NAMES = ["Germany", "Netherlands", "Estonia", "Latvia", "Lithuania", "Poland", "Finland"]
NOTICE = "Educational model, not legal advice"


def test_compare_andrei_shows_seven_jurisdictions_and_the_notice_first_and_last() -> None:
    r = run_cli(["compare", ANDREI])
    assert r.code == 0, r.err
    for name in NAMES:
        assert name in r.out
    assert r.out.find(NOTICE) < r.out.find("Germany")
    assert r.out.rstrip().rfind(NOTICE) > r.out.rfind("Finland")
    assert "★" in r.out
    assert "What makes the difference" in r.out


def test_german_practice_refuses_andrei_for_his_low_profile_and_the_standard_is_more_favourable() -> None:
    r = run_cli(["evaluate", ANDREI, "--format", "json"])
    assert r.code == 0, r.err
    data = json.loads(r.out)
    for key in ("case_id", "as_of", "rulebook_version", "disclaimer", "warnings", "jurisdictions"):
        assert key in data
    assert data["disclaimer"] == DISCLAIMER
    de = next(j for j in data["jurisdictions"] if j["code"] == "DE")
    for key in (
        "code",
        "name",
        "outcome",
        "access",
        "practice",
        "standard",
        "tension",
        "checklist",
        "fired",
        "unknowns",
        "what_would_change",
    ):
        assert key in de
    assert de["application_country"] is True
    assert de["practice"]["outcome"] == "refusal_likely"
    assert "de.practice.low_profile_dissident" in de["practice"]["rules"]
    assert "not prominent enough" in " ".join(de["practice"]["reasons"])
    assert de["standard"]["outcome"] == "individual_assessment"
    assert de["tension"] is True
    assert {"outcome", "reasons"} <= set(de["access"])
    for fired in de["fired"]:
        assert fired["sources"], f"{fired['rule']} cites no source"
        assert {"rule", "because", "facts", "sources"} <= set(fired)
    for item in de["checklist"]:
        assert item["status"] in ("met", "not_met", "unknown") and item["sources"]


def test_unknowns_and_what_would_change_for_andrei() -> None:
    data = json.loads(run_cli(["evaluate", ANDREI, "--format", "json"]).out)
    by_code = {j["code"]: j for j in data["jurisdictions"]}
    # Andrei's claim is political: whether he was called up decides nothing in the Netherlands (review #2) ...
    assert "military.draft_notice_received" not in {u["fact"] for u in by_code["NL"]["unknowns"]}
    # ... while a prosecution for anti-war expression would take him out of Germany's low-profile refusal.
    de_unknowns = {u["fact"]: u for u in by_code["DE"]["unknowns"]}
    assert "individual_assessment" in de_unknowns["dissent.prosecution"]["outcomes"].values()
    changes = by_code["DE"]["what_would_change"]
    sets = [c["set"] for c in changes]
    assert {"military.deserted": True} in sets
    # No improvement without a source: a high profile is not promised protection (review #8).
    assert all(c["outcome"] != "protection_likely" for c in changes if "dissent.public_profile" in c["set"])
    for c in changes:
        assert c["outcome"] != by_code["DE"]["outcome"] and c["sources"] and c["because"]
    assert by_code["DE"]["why_not"], "German refusal should say why not a better outcome"
    assert any(
        "there is no evidence that" in w["sentence"] or "the rule needs" in w["sentence"]
        for w in by_code["DE"]["why_not"]
    )


def test_evaluate_text_is_a_readable_checklist_with_reasons_and_sources() -> None:
    r = run_cli(["evaluate", ANDREI, "-j", "DE"])
    assert r.code == 0, r.err
    assert "Checklist" in r.out and "✓" in r.out and "?" in r.out
    assert "Why" in r.out and "seed:000#andrei" in r.out
    assert "Netherlands" not in r.out
    assert r.out.count(NOTICE) >= 2


def test_jurisdiction_filter_and_the_baltics_alias() -> None:
    data = json.loads(run_cli(["evaluate", ANDREI, "-j", "baltics", "-j", "FI", "--format", "json"]).out)
    assert [j["code"] for j in data["jurisdictions"]] == ["EE", "LV", "LT", "FI"]


def test_a_shipped_example_can_be_named_without_a_path() -> None:
    assert run_cli(["compare", "andrei"]).code == 0


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["compare", "examples/nope.yaml"], "no such case file"),
        (["compare", ANDREI, "-j", "XX"], "is not a jurisdiction"),
        (["compare", ANDREI, "--as-of", "2025-13-01"], "YYYY-MM-DD"),
        (["compare", ANDREI, "--format", "pdf"], "expected one of"),
        (["whatif", ANDREI, "--set", "military.desserted=true"], "did you mean 'military.deserted'"),
        (["whatif", ANDREI, "--set", "military.deserted=perhaps"], "true or false"),
        (
            ["whatif", ANDREI, "--set", "military.service_status=never_served", "--set", "military.deserted=true"],
            "contradiction",
        ),
        (["rules", "show", "de.practice.nope"], "no rule"),
        (["sources", "999"], "no source"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(args: list[str], words: str) -> None:
    r = run_cli(args)
    assert r.code == 2, (r.out, r.err)
    assert words in r.err
    assert "Traceback" not in r.err + r.out


def test_an_internal_error_is_one_short_line_without_debug(monkeypatch) -> None:
    import casefile.assessment

    def broken(*args, **kwargs):
        raise RuntimeError("something broke")

    monkeypatch.setattr(casefile.assessment, "assess", broken)
    r = run_cli(["compare", ANDREI])
    assert r.code == 1
    assert "internal error: RuntimeError: something broke" in r.err and "Traceback" not in r.err
    with pytest.raises(RuntimeError):
        run_cli(["--debug", "compare", ANDREI])


def test_moving_the_as_of_date_across_19_sep_2022_closes_the_tourist_visa_route_to_estonia(tmp_path: Path) -> None:
    case = tmp_path / "tourist.yaml"
    case.write_text(
        "case_id: tourist\nperson: {citizenship: RU, sex: male, age: 30}\n"
        "journey: {application_country: EE, application_place: territory, entry_route: schengen_tourist_visa,"
        " entry_exception: none}\n"
    )
    before = json.loads(run_cli(["evaluate", str(case), "-j", "EE", "--as-of", "2022-09-18", "-f", "json"]).out)
    after = json.loads(run_cli(["evaluate", str(case), "-j", "EE", "--as-of", "2022-09-19", "-f", "json"]).out)
    assert before["jurisdictions"][0]["access"]["outcome"] == "access_to_procedure"
    assert after["jurisdictions"][0]["access"]["outcome"] == "entry_barred"
    assert "ee.access.visa_restriction" in after["jurisdictions"][0]["access"]["rules"]


def test_moving_the_as_of_date_across_23_jul_2025_closes_germanys_humanitarian_route() -> None:
    case = "examples/journalist-humanitarian-visa.yaml"
    before = json.loads(run_cli(["evaluate", case, "-j", "DE", "--as-of", "2025-07-22", "-f", "json"]).out)
    after = json.loads(run_cli(["evaluate", case, "-j", "DE", "--as-of", "2025-07-23", "-f", "json"]).out)
    assert before["jurisdictions"][0]["access"]["outcome"] == "humanitarian_pathway"
    assert after["jurisdictions"][0]["access"]["outcome"] == "no_legal_pathway"
    assert "de.access.humanitarian_admission_suspended" in after["jurisdictions"][0]["access"]["rules"]


def test_an_assessment_after_the_rulebook_date_warns_and_after_the_pact_says_so() -> None:
    data = json.loads(run_cli(["evaluate", ANDREI, "--as-of", "2026-08-01", "-j", "DE", "-f", "json"]).out)
    text = " ".join(data["warnings"])
    assert "may be out of date" in text
    assert "2024/1348" in text and "2024/1347" in text
    calm = json.loads(run_cli(["evaluate", ANDREI, "-j", "DE", "-f", "json"]).out)
    assert not any("out of date" in w for w in calm["warnings"])


def test_timeline_of_andrei_names_the_dated_change_in_german_practice() -> None:
    r = run_cli(["timeline", ANDREI, "-f", "json"])
    assert r.code == 0, r.err
    data = json.loads(r.out)
    de = next(j for j in data["jurisdictions"] if j["code"] == "DE")
    # The seed does not date Andrei's refusal: the model applies it from the mobilisation he fled (review #9).
    change = next(c for c in de["changes"] if c["date"] == "2022-09-21")
    assert change["outcome"] == "refusal_likely"
    assert "de.practice.low_profile_dissident" in change["started"]
    assert not any(c["date"] == "2023-09-01" for c in de["changes"])
    assert data["disclaimer"] == DISCLAIMER
    text = run_cli(["timeline", ANDREI]).out
    assert "21 Sep 2022" in text and "not prominent enough" in text and NOTICE in text


def test_timeline_shows_the_turn_of_the_humanitarian_route() -> None:
    data = json.loads(run_cli(["timeline", "examples/journalist-humanitarian-visa.yaml", "-j", "DE", "-f", "json"]).out)
    dates = {c["date"]: c for c in data["jurisdictions"][0]["changes"]}
    assert dates["2025-07-23"]["access"] == "no_legal_pathway"
    assert dates["2022-05-01"]["access"] == "humanitarian_pathway"


def test_timeline_includes_the_persons_own_birthdays() -> None:
    data = json.loads(run_cli(["timeline", ANDREI, "-j", "NL", "--to", "2026-12-31", "-f", "json"]).out)
    whys = " ".join(d["why"] for d in data["dates_checked"])
    assert "turns 28" in whys and "turns 30" in whys


def test_whatif_shows_before_and_after_with_the_rule_that_now_decides() -> None:
    r = run_cli(["whatif", ANDREI, "--set", "dissent.prosecution=[cc_207_3]", "-j", "DE"])
    assert r.code == 0, r.err
    assert "refusal likely" in r.out and "individual assessment" in r.out
    flat = " ".join(r.out.split())
    assert "Now decides: A prosecution for anti-war expression is assessed on its merits" in flat
    assert "What if — Proceedings in Russia:" in flat, "the change in words, not as a field path"
    assert "dissent.prosecution" not in r.out
    data = json.loads(run_cli(["whatif", ANDREI, "--set", "military.deserted=true", "-f", "json"]).out)
    assert "DE" in data["changed"]
    assert data["before"]["disclaimer"] == DISCLAIMER


def test_sources_list_all_five_seeds_and_show_which_rules_rely_on_each_passage() -> None:
    r = run_cli(["sources"])
    assert r.code == 0
    for seed in ("000", "001", "002", "003", "004"):
        assert seed in r.out
    one = run_cli(["sources", "000"])
    assert "#andrei_refusal" in one.out and "de.practice.low_profile_dissident" in one.out
    fact = run_cli(["sources", "legal:G6"])
    assert "unverified" in fact.out and "de.practice" in fact.out


def test_rules_check_passes_on_the_shipped_rules_and_rules_list_shows_file_and_line() -> None:
    r = run_cli(["rules", "check"])
    assert r.code == 0, r.out + r.err
    listing = run_cli(["rules", "list", "-j", "DE"])
    assert "de.practice.low_profile_dissident" in listing.out and "de.yaml" in listing.out
    show = run_cli(["rules", "show", "de.practice.low_profile_dissident"])
    assert "seed:000#andrei_refusal" in show.out and "Caveat" in show.out


def test_schema_is_json_schema_of_the_case_file() -> None:
    data = json.loads(run_cli(["schema"]).out)
    assert data["properties"]["military"]
    assert "case_id" in data["required"]


def test_no_colour_codes_when_output_is_not_a_terminal() -> None:
    r = run_cli(["compare", ANDREI], env={"NO_COLOR": "1"})
    assert "\x1b[" not in r.out


def test_usage_errors_exit_2_with_typers_message() -> None:
    r = run_cli(["compare"])
    assert r.code == 2 and "Missing argument" in r.err
    assert run_cli(["frobnicate"]).code == 2


def test_whatif_names_a_change_of_the_state_that_would_examine_the_claim() -> None:
    """Issue 10: a visa issued by another state moves the claim under Dublin; what-if says so in words."""
    args = [
        "whatif",
        ANDREI,
        "--set",
        "journey.visa_issuer=FI",
        "--set",
        "journey.entry_document=schengen_short_stay_visa",
    ]
    r = run_cli([*args, "-j", "DE"])
    assert r.code == 0, r.err
    text = " ".join(r.out.replace("│", " ").split())
    assert "Dublin" in text and "likely passed to Finland" in text
    data = json.loads(run_cli([*args, "-f", "json"]).out)
    assert "DE" in data["changed"]
    after = {j["code"]: j for j in data["after"]["jurisdictions"]}
    assert after["DE"]["responsibility"]["transfer_to"] == "FI"
    assert after["FI"]["responsibility"]["outcome"] == "no_transfer_indicated"  # Finland issued it


def test_an_assessment_dated_today_says_what_is_known_per_jurisdiction_and_doctor_too() -> None:
    """Issue 10: no silent extrapolation — after the knowledge date each jurisdiction says up to when it is known."""
    data = json.loads(run_cli(["evaluate", ANDREI, "--as-of", "2026-11-30", "-f", "json"]).out)
    stale = next(w for w in data["warnings"] if "What the rulebook knows" in w)
    for code in ("DE", "NL", "EE", "LV", "LT", "PL", "FI"):
        assert f"{code} to 20" in stale
    assert "Not known" in stale and "PL to 2026-03-21" in stale
    doctor = run_cli(["doctor"]).out
    assert "PL known to 2026-03-21" in doctor and "NL known to" in doctor


def test_a_border_claim_after_the_polish_windows_warns_that_access_is_not_known() -> None:
    case = "examples/andrei.yaml"
    args = [
        "whatif",
        case,
        "--set",
        "journey.application_place=border",
        "--set",
        "journey.entry_crossing=land",
        "--set",
        "journey.transit_countries=[BY]",
        "--set",
        "journey.application_date=2026-04-01",
        "--as-of",
        "2026-04-01",
        "-j",
        "PL",
        "-f",
        "json",
    ]
    after = json.loads(run_cli(args).out)["after"]
    assert after["jurisdictions"][0]["access"]["outcome"] == "access_unknown"
    assert any(w.startswith("PL: whether the person can reach the procedure") for w in after["warnings"])
