"""Synthetic data with a known effect: intervals cover it and exclude zero when it is large."""

from __future__ import annotations

import numpy as np
import pytest

from evaluation import estimates as e
from evaluation.randomisation import permuted_groups

CLUSTERS = 20
CASES_PER_CLUSTER = 30


def _cluster_trial(seed: int, effect: float):
    """20 counties in two strata, half treated, a share outcome with between-county spread."""
    rng = np.random.default_rng(seed)
    strata = (np.arange(CLUSTERS) // 2) % 2
    groups = permuted_groups(np.array([0, 1] * (CLUSTERS // 2)), strata, 1, seed)[0]
    county_effect = rng.normal(0, 0.05, CLUSTERS)
    unit_index = np.repeat(np.arange(CLUSTERS), CASES_PER_CLUSTER)
    p = 0.5 + county_effect[unit_index] + effect * groups[unit_index]
    y = (rng.random(len(unit_index)) < p).astype(float)
    means, present = e.cells(unit_index, np.zeros_like(unit_index), y, CLUSTERS, 1)
    draws = permuted_groups(groups, strata, 400, seed + 10_000)
    return e.permutation_estimate(
        means,
        present,
        groups[:, None].astype(bool),
        draws[:, :, None].astype(bool),
        min_per_group=e.MIN_CLUSTERS_PER_GROUP,
    )


@pytest.mark.parametrize("effect", [0.0, 0.1])
def test_permutation_interval_covers_the_true_effect_in_at_least_90_of_100_seeds(effect):
    covered = sum(
        (est := _cluster_trial(seed, effect)).low <= effect <= est.high for seed in range(100)
    )
    assert covered >= 90


def test_permutation_interval_excludes_zero_when_the_effect_is_large():
    excluded = sum(_cluster_trial(seed, 0.25).excludes_zero for seed in range(30))
    assert excluded >= 27


def _stepped_wedge_trial(seed: int, effect: float, trend: float):
    """12 offices switching on in 3 steps; a strong calendar trend that a naive before/after
    comparison would mistake for an effect."""
    rng = np.random.default_rng(seed)
    units, periods = 12, 4
    strata = np.zeros(units, dtype=int)
    steps = permuted_groups(np.repeat([1, 2, 3], 4), strata, 1, seed)[0]
    unit_index = np.repeat(np.arange(units), periods * 20)
    period_index = np.tile(np.repeat(np.arange(periods), 20), units)
    treated_case = period_index >= steps[unit_index]
    p = 0.3 + trend * period_index + effect * treated_case + rng.normal(0, 0.03, units)[unit_index]
    y = (rng.random(len(p)) < np.clip(p, 0, 1)).astype(float)
    means, present = e.cells(unit_index, period_index, y, units, periods)
    t = np.arange(periods)
    draws = permuted_groups(steps, strata, 400, seed + 10_000)
    return e.permutation_estimate(
        means,
        present,
        t[None, :] >= steps[:, None],
        t[None, None, :] >= draws[:, :, None],
        min_per_group=e.MIN_CLUSTERS_PER_GROUP,
    )


def test_stepped_wedge_adjusts_for_calendar_time():
    covered = sum(
        (est := _stepped_wedge_trial(seed, 0.0, trend=0.12)).low <= 0.0 <= est.high
        for seed in range(100)
    )
    assert covered >= 90


def test_stepped_wedge_finds_a_large_effect():
    found = [_stepped_wedge_trial(seed, 0.3, trend=0.05) for seed in range(20)]
    assert sum(est.excludes_zero for est in found) >= 18
    assert abs(np.mean([est.difference for est in found]) - 0.3) < 0.05


def test_company_level_normal_interval_covers_the_truth():
    covered = 0
    for seed in range(100):
        rng = np.random.default_rng(seed)
        companies = 300
        treated = rng.permutation(np.repeat([0, 1], companies // 2))
        y = (rng.random(companies) < 0.4 + 0.1 * treated).astype(float)
        means, present = e.cells(np.arange(companies), np.zeros(companies, int), y, companies, 1)
        est = e.normal_estimate(
            means, present, treated[:, None].astype(bool), min_per_group=e.MIN_COMPANIES_PER_GROUP
        )
        covered += est.low <= 0.1 <= est.high
    assert covered >= 90


def test_too_few_units_is_not_meaningful():
    means, present = e.cells(np.arange(5), np.zeros(5, int), np.ones(5), 5, 1)
    treated = np.array([[True], [True], [False], [False], [False]])
    est = e.permutation_estimate(means, present, treated, treated[None], min_per_group=4)
    assert not est.meaningful and est.difference is None


def test_icc_is_high_when_units_differ_and_zero_when_they_do_not():
    unit_index = np.repeat(np.arange(10), 20)
    same = np.tile([0.0, 1.0], 100)
    differ = (unit_index % 2).astype(float)
    assert e.intra_cluster_correlation(unit_index, same) == 0.0
    assert e.intra_cluster_correlation(unit_index, differ) > 0.9


def test_power_calculator_warns_under_twenty_clusters_and_shrinks_with_more_units():
    few = e.minimum_detectable_effect(units=12, cases_per_unit=40, baseline=0.7, icc=0.05)
    many = e.minimum_detectable_effect(units=200, cases_per_unit=40, baseline=0.7, icc=0.05)
    assert few.few_clusters and not many.few_clusters
    assert many.minimum_detectable_effect < few.minimum_detectable_effect
    companies = e.minimum_detectable_effect(
        units=12, cases_per_unit=1, baseline=0.7, icc=0, cluster=False
    )
    assert not companies.few_clusters


def test_smd_of_identical_groups_is_zero():
    assert e.standardised_mean_difference([0, 1, 0, 1], [1, 0, 1, 0]) == 0.0
    assert e.standardised_mean_difference([1, 1, 1, 0], [0, 0, 0, 1]) == pytest.approx(1.0)
