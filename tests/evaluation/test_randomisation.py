"""The pure randomisation: reproducible, stratified, balanced; stable arms for late companies."""

from __future__ import annotations

from collections import Counter

import numpy as np

from evaluation.randomisation import Unit, allocate, permuted_groups, unlisted_group

UNITS = [Unit(f"{i:02d}", f"Län {i}", "stor" if i < 10 else "liten") for i in range(1, 22)]
ARMS = [("kontroll", 1.0), ("atgard", 1.0)]


def test_same_seed_same_list_other_seed_other_list():
    first = allocate(UNITS, ARMS, 7, stepped_wedge=False, steps=1)
    again = allocate(list(reversed(UNITS)), ARMS, 7, stepped_wedge=False, steps=1)
    other = allocate(UNITS, ARMS, 8, stepped_wedge=False, steps=1)
    as_map = lambda allocations: {a.key: a.arm for a in allocations}  # noqa: E731
    assert as_map(first) == as_map(again)
    assert as_map(first) != as_map(other)


def test_each_stratum_is_split_evenly_and_so_is_the_whole():
    for seed in range(30):
        allocations = allocate(UNITS, ARMS, seed, stepped_wedge=False, steps=1)
        for stratum in ("stor", "liten"):
            arms = Counter(a.arm for a in allocations if a.stratum == stratum)
            assert abs(arms["kontroll"] - arms["atgard"]) <= 1
        overall = Counter(a.arm for a in allocations)
        assert abs(overall["kontroll"] - overall["atgard"]) <= 1


def test_unequal_shares_are_respected():
    allocations = allocate(
        UNITS, [("kontroll", 2.0), ("atgard", 1.0)], 3, stepped_wedge=False, steps=1
    )
    assert Counter(a.arm for a in allocations) == {"kontroll": 14, "atgard": 7}


def test_stepped_wedge_gives_every_unit_the_intervention_in_balanced_steps():
    allocations = allocate(UNITS, ARMS, 11, stepped_wedge=True, steps=3)
    assert {a.arm for a in allocations} == {"atgard"}
    steps = Counter(a.step for a in allocations)
    assert sorted(steps) == [1, 2, 3]
    assert max(steps.values()) - min(steps.values()) <= 1


def test_a_company_missing_from_the_list_always_lands_in_the_same_arm():
    arms = {unlisted_group(5, "abc123", [1.0, 1.0]) for _ in range(5)}
    assert len(arms) == 1
    spread = Counter(unlisted_group(5, f"company{i}", [1.0, 1.0]) for i in range(2000))
    assert 900 < spread[0] < 1100


def test_permutations_keep_the_counts_within_each_stratum():
    groups = np.array([0, 1] * 10 + [1])
    strata = np.array(["a"] * 10 + ["b"] * 11)
    draws = permuted_groups(groups, strata, 200, seed=1)
    assert (draws[:, :10].sum(axis=1) == groups[:10].sum()).all()
    assert (draws[:, 10:].sum(axis=1) == groups[10:].sum()).all()
    assert len({tuple(row) for row in draws}) > 50
