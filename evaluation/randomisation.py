"""Seeded, stratified randomisation: a pure function of the unit list, the arms and the seed.

The same units, arms, design and seed always give the same list (numpy's PCG64 generator is
stable across platforms and versions for ``permutation``), so anyone holding the recorded run
can reproduce it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np


@dataclass(frozen=True)
class Unit:
    key: str
    label: str
    stratum: str


@dataclass(frozen=True)
class Allocation:
    key: str
    label: str
    stratum: str
    arm: str
    step: int | None  # stepped wedge: the period (1..steps) in which the unit switches on


def _counts(n: int, shares: list[float], deficit: np.ndarray, rng) -> list[int]:
    """Whole counts per arm for a stratum of ``n`` units.

    Floors first; the remaining units go to the arms furthest behind their share over all
    strata so far (ties broken at random), which keeps the overall split balanced too.
    """
    exact = np.array(shares) * n
    counts = np.floor(exact).astype(int)
    for _ in range(n - int(counts.sum())):
        need = deficit + (exact - counts)
        best = np.flatnonzero(np.isclose(need, need.max()))
        counts[best[rng.integers(len(best))]] += 1
    deficit += exact - counts
    return counts.tolist()


def allocate_groups(units: list[Unit], shares: list[float], seed: int) -> list[int]:
    """Group index per unit (in the order of ``units``), balanced within each stratum."""
    rng = np.random.default_rng(seed)
    total = sum(shares)
    shares = [s / total for s in shares]
    groups = [0] * len(units)
    deficit = np.zeros(len(shares))
    by_stratum: dict[str, list[int]] = {}
    for index in sorted(range(len(units)), key=lambda i: (units[i].stratum, units[i].key)):
        by_stratum.setdefault(units[index].stratum, []).append(index)
    for stratum in sorted(by_stratum):
        members = by_stratum[stratum]
        counts = _counts(len(members), shares, deficit, rng)
        labels = np.repeat(np.arange(len(shares)), counts)
        for index, group in zip(members, rng.permutation(labels), strict=True):
            groups[index] = int(group)
    return groups


def allocate(
    units: list[Unit], arms: list[tuple[str, float]], seed: int, *, stepped_wedge: bool, steps: int
) -> list[Allocation]:
    """Parallel: each unit gets an arm. Stepped wedge: every unit gets the intervention (the
    last arm), in a random step 1..steps, balanced within strata."""
    if stepped_wedge:
        groups = allocate_groups(units, [1.0] * steps, seed)
        treated = arms[-1][0]
        return [
            Allocation(u.key, u.label, u.stratum, treated, g + 1)
            for u, g in zip(units, groups, strict=True)
        ]
    groups = allocate_groups(units, [share for _code, share in arms], seed)
    return [
        Allocation(u.key, u.label, u.stratum, arms[g][0], None)
        for u, g in zip(units, groups, strict=True)
    ]


def switch_on_date(start: date, step: int | None, step_days: int) -> date | None:
    """Step k switches on k periods after the start; period 0 is everyone's baseline."""
    return None if step is None else start + timedelta(days=step * step_days)


def unlisted_group(seed: int, key: str, shares: list[float]) -> int:
    """A group for a unit missing from the recorded list (a company first seen after the run).

    A keyed hash of seed and unit: the same company always lands in the same group, across
    cases and re-computations, without anything being written.
    """
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    draw = int.from_bytes(digest[:8], "big") / 2**64
    total = sum(shares)
    cumulative = 0.0
    for index, share in enumerate(shares):
        cumulative += share / total
        if draw < cumulative:
            return index
    return len(shares) - 1


def permuted_groups(groups: np.ndarray, strata: np.ndarray, draws: int, seed: int) -> np.ndarray:
    """``draws`` re-randomisations of the recorded scheme: groups shuffled within each stratum
    (so every draw keeps the per-stratum counts of the real assignment). Shape (draws, units)."""
    rng = np.random.default_rng(seed)
    out = np.tile(groups, (draws, 1))
    for stratum in np.unique(strata):
        columns = np.flatnonzero(strata == stratum)
        if len(columns) > 1:
            out[:, columns] = rng.permuted(out[:, columns], axis=1)
    return out
