"""The loop planner against the built-in pack, through the API and the real CLI."""

from __future__ import annotations

import json

import pytest

from companion.base.errors import CompanionError
from companion.content.loader import builtin_pack
from companion.content.planner import plan_loop


def codes(plan) -> set[str]:  # type: ignore[no-untyped-def]
    return {w.code for w in plan.warnings}


def kinds(plan) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.template.kind for r in plan.rounds]


def test_mid_distributed_offer_below_band_warns_about_design_round() -> None:
    plan = plan_loop(builtin_pack(), "distributed", "mid", base=115_000)
    assert "pay_below_band_senior_round" in codes(plan)
    message = next(w.message for w in plan.warnings if w.code == "pay_below_band_senior_round")
    assert "$115,000" in message and "$165,000" in message


def test_senior_api_offer_inside_band_has_no_warning() -> None:
    plan = plan_loop(builtin_pack(), "api", "senior", base=150_000)
    assert plan.warnings == ()


@pytest.mark.parametrize("archetype", ["api", "distributed", "data"])
def test_staff_plans_have_architecture_review_and_mid_plans_do_not(archetype: str) -> None:
    pack = builtin_pack()
    assert "architecture" in kinds(plan_loop(pack, archetype, "staff"))
    assert "architecture" not in kinds(plan_loop(pack, archetype, "mid"))


@pytest.mark.parametrize("archetype", ["api", "distributed", "data"])
@pytest.mark.parametrize("level", ["mid", "senior", "staff"])
def test_default_plans_are_well_shaped(archetype: str, level: str) -> None:
    pack = builtin_pack()
    plan = plan_loop(pack, archetype, level)
    live = plan.live_rounds
    assert 3 <= len(live) <= 5
    assert not ({"too_many_rounds", "too_few_rounds"} & codes(plan))
    asked = [i for r in plan.rounds for i in r.items]
    assert len(asked) == len(set(asked)), "an item is asked in two rounds"
    for item_id in asked:
        assert archetype in pack.item(item_id).archetypes
    # Every default loop asks at least one question and one scenario.
    assert any(i.startswith("q-") for i in asked) and any(i.startswith("s-") for i in asked)
    for r in plan.rounds:
        assert r.template.section_minutes() <= r.template.minutes


def test_opener_leads_the_technical_round() -> None:
    plan = plan_loop(builtin_pack(), "api", "senior")
    technical = next(r for r in plan.rounds if r.template.kind == "technical")
    assert technical.items[0] == "q-last-service"


def test_both_coding_formats_warn() -> None:
    plan = plan_loop(builtin_pack(), "api", "mid", coding="both")
    assert "both_coding_formats" in codes(plan)
    formats = {r.template.coding_format for r in plan.rounds} - {""}
    assert formats == {"live", "take_home"}


def test_unpaid_take_home_for_senior_warns_but_not_for_mid() -> None:
    pack = builtin_pack()
    senior = plan_loop(pack, "data", "senior", coding="take_home", take_home_paid=False)
    assert "unpaid_take_home" in codes(senior)
    paid = plan_loop(pack, "data", "senior", coding="take_home")
    assert "unpaid_take_home" not in codes(paid)


def test_live_coding_staff_loop_is_too_long() -> None:
    plan = plan_loop(builtin_pack(), "distributed", "staff", coding="live")
    assert len(plan.live_rounds) > 5
    assert "too_many_rounds" in codes(plan)


def test_custom_two_round_senior_loop_is_too_short() -> None:
    pack = builtin_pack()
    rounds = [t.id for t in pack.templates if t.kind in ("screen", "technical")]
    plan = plan_loop(pack, "api", "senior", rounds=rounds)
    assert len(plan.rounds) == 2
    assert "too_few_rounds" in codes(plan)


def test_unknown_ids_are_user_errors() -> None:
    with pytest.raises(CompanionError, match="unknown archetype 'frontend'"):
        plan_loop(builtin_pack(), "frontend", "mid")
    with pytest.raises(CompanionError, match="unknown level"):
        plan_loop(builtin_pack(), "api", "principal")


def test_plan_cli_text_and_json_agree(cli) -> None:  # type: ignore[no-untyped-def]
    args = ("plan", "--archetype", "distributed", "--level", "mid", "--base", "115000")
    text = cli(*args)
    assert text.returncode == 0, text.stderr
    assert "Calibration warnings" in text.stdout and "$115,000" in text.stdout
    js = cli(*args, "--json")
    assert js.returncode == 0, js.stderr
    data = json.loads(js.stdout)
    plan = plan_loop(builtin_pack(), "distributed", "mid", base=115_000)
    assert [r["template"] for r in data["rounds"]] == [r.template.id for r in plan.rounds]
    assert [w["code"] for w in data["warnings"]] == [w.code for w in plan.warnings]
    for r in data["rounds"]:
        assert r["title"] in text.stdout


def test_plan_cli_without_warning(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("plan", "--archetype", "api", "--level", "senior", "--base", "150000", "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["warnings"] == []


def test_plan_cli_bad_input_exits_2_without_traceback(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("plan", "--archetype", "nope", "--level", "mid")
    assert res.returncode == 2
    assert "unknown archetype 'nope'" in res.stderr
    assert "Traceback" not in res.stderr
