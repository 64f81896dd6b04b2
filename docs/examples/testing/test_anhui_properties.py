"""Property tests of the Anhui rubric, as a user writes them (run with pytest)."""

from hypothesis import given

from rubric import load, testing

anhui = load("rubrics/anhui_2019.rub")


@given(testing.facts(anhui))
def test_every_score_stays_within_its_bounds(facts):
    testing.assert_within_bounds(anhui, anhui.score(facts))


@given(testing.fact_pairs(anhui, "households_aided"))
def test_more_households_aided_never_cost_points(pair):
    testing.assert_monotonic(anhui, "households_aided", *pair, node="output.delivery.coverage")
