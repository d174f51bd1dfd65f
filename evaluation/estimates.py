"""Effect estimates with honest uncertainty: plain functions over numpy arrays.

The unit of analysis is the unit of randomisation. Outcomes are first averaged per unit and
calendar period ("cells"); the estimate is the weighted mean over periods of the difference
between treated and not (yet) treated cells in the same period. For a parallel design there is
one period and this is the difference between the arms' unit means; for a stepped wedge it
compares switched-on and not-yet-switched units within each period, so calendar time (season,
trends) cannot masquerade as an effect.

With clusters (county, office) the interval and p-value come from a randomisation test over the
recorded scheme (re-shuffles within strata), inverted under a constant additive effect; with
companies the units are many and a normal approximation is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

#: Fewer units than this in either group: no number, "not meaningful".
MIN_CLUSTERS_PER_GROUP = 4
MIN_COMPANIES_PER_GROUP = 10
#: Power warnings below this many clusters (large-sample formulas mislead).
FEW_CLUSTERS = 20
PERMUTATIONS = 1000


@dataclass(frozen=True)
class Estimate:
    meaningful: bool
    difference: float | None = None
    low: float | None = None
    high: float | None = None
    p_value: float | None = None
    treated_units: int = 0
    control_units: int = 0
    method: str = ""

    @property
    def excludes_zero(self) -> bool:
        return self.low is not None and (self.low > 0 or self.high < 0)


def cells(unit_index, period_index, y, units: int, periods: int):
    """Mean outcome and number of observations per (unit, period); NaN outcomes are skipped."""
    y = np.asarray(y, dtype=float)
    seen = ~np.isnan(y)
    counts = np.zeros((units, periods))
    sums = np.zeros((units, periods))
    np.add.at(counts, (unit_index[seen], period_index[seen]), 1)
    np.add.at(sums, (unit_index[seen], period_index[seen]), y[seen])
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.where(counts > 0, counts, 1), 0.0)
    return means, counts > 0


def within_period_difference(values, present, treated) -> np.ndarray:
    """Weighted mean over periods of (treated mean − control mean) of ``values`` (U, T).

    ``treated`` is (U, T) or a stack (B, U, T); the result has shape () or (B,). Periods with
    an empty group weigh nothing; weights n1·n0/(n1+n0) favour balanced periods.
    """
    treated = np.asarray(treated, dtype=bool)
    on = treated & present
    off = ~treated & present
    n1, n0 = on.sum(axis=-2), off.sum(axis=-2)
    s1 = np.where(on, values, 0.0).sum(axis=-2)
    s0 = np.where(off, values, 0.0).sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = np.where((n1 > 0) & (n0 > 0), s1 / np.maximum(n1, 1) - s0 / np.maximum(n0, 1), 0)
        weight = np.where((n1 > 0) & (n0 > 0), n1 * n0 / np.maximum(n1 + n0, 1), 0.0)
        total = weight.sum(axis=-1)
        return np.where(total > 0, (weight * diff).sum(axis=-1) / np.where(total > 0, total, 1), 0)


def _group_sizes(present, treated) -> tuple[int, int]:
    treated = np.asarray(treated, dtype=bool)
    seen = present.any(axis=1)
    ever_on = (treated & present).any(axis=1)
    ever_off = (~treated & present).any(axis=1)
    return int((seen & ever_on).sum()), int((seen & ever_off).sum())


def permutation_estimate(
    means, present, treated, permuted_treated, *, alpha: float = 0.05, min_per_group: int
) -> Estimate:
    """Difference, randomisation-test p-value and the interval by inverting that test.

    Under a constant additive effect δ the statistic is linear in the outcomes, so for every
    re-randomisation b: stat_b(Y − δX) = a_b − δ·c_b; the interval is every δ the test does
    not reject at ``alpha``.
    """
    n_treated, n_control = _group_sizes(present, treated)
    if min(n_treated, n_control) < min_per_group:
        return Estimate(False, treated_units=n_treated, control_units=n_control)
    observed_x = np.asarray(treated, dtype=float)
    a0 = float(within_period_difference(means, present, treated))
    c0 = float(within_period_difference(observed_x, present, treated))
    a = within_period_difference(means, present, permuted_treated)
    c = within_period_difference(observed_x, present, permuted_treated)
    p_value = (1 + np.sum(np.abs(a) >= abs(a0) - 1e-12)) / (1 + len(a))
    span = max(float(np.ptp(means[present])) if present.any() else 1.0, 1e-3) * 2
    for _widen in range(4):
        grid = np.linspace(a0 - span, a0 + span, 1601)
        stat_obs = np.abs(a0 - grid * c0)[:, None]
        stat_perm = np.abs(a[None, :] - grid[:, None] * c[None, :])
        p_grid = (1 + np.sum(stat_perm >= stat_obs - 1e-12, axis=1)) / (1 + len(a))
        kept = grid[p_grid > alpha]
        # An interval reaching the grid's edge may go further: widen and look again.
        if not len(kept) or (kept.min() > grid[0] and kept.max() < grid[-1]):
            break
        span *= 4
    low, high = (float(kept.min()), float(kept.max())) if len(kept) else (a0, a0)
    return Estimate(True, a0, low, high, float(p_value), n_treated, n_control, method="permutation")


def normal_estimate(
    means, present, treated, *, alpha: float = 0.05, min_per_group: int
) -> Estimate:
    """Many independent units (companies): the same statistic with a normal interval."""
    n_treated, n_control = _group_sizes(present, treated)
    if min(n_treated, n_control) < min_per_group:
        return Estimate(False, treated_units=n_treated, control_units=n_control)
    treated = np.asarray(treated, dtype=bool)
    numerator, weights, variance = 0.0, 0.0, 0.0
    for t in range(means.shape[1]):
        on = means[treated[:, t] & present[:, t], t]
        off = means[~treated[:, t] & present[:, t], t]
        if len(on) < 2 or len(off) < 2:
            continue
        weight = len(on) * len(off) / (len(on) + len(off))
        numerator += weight * (on.mean() - off.mean())
        variance += weight**2 * (on.var(ddof=1) / len(on) + off.var(ddof=1) / len(off))
        weights += weight
    if weights == 0:
        return Estimate(False, treated_units=n_treated, control_units=n_control)
    difference = numerator / weights
    se = math.sqrt(variance) / weights
    z = NormalDist().inv_cdf(1 - alpha / 2)
    p_value = 2 * (1 - NormalDist().cdf(abs(difference) / se)) if se > 0 else 0.0
    return Estimate(
        True,
        difference,
        difference - z * se,
        difference + z * se,
        p_value,
        n_treated,
        n_control,
        method="normal",
    )


def intra_cluster_correlation(unit_index, y) -> float | None:
    """One-way ANOVA estimate of the ICC of case outcomes within units (floored at 0)."""
    y = np.asarray(y, dtype=float)
    seen = ~np.isnan(y)
    units, y = np.asarray(unit_index)[seen], y[seen]
    labels, inverse, sizes = np.unique(units, return_inverse=True, return_counts=True)
    k, n = len(labels), len(y)
    if k < 2 or n - k < 1:
        return None
    unit_means = np.bincount(inverse, weights=y) / sizes
    grand = y.mean()
    msb = float(np.sum(sizes * (unit_means - grand) ** 2) / (k - 1))
    msw = float(np.sum((y - unit_means[inverse]) ** 2) / (n - k))
    n0 = (n - np.sum(sizes**2) / n) / (k - 1)
    denominator = msb + (n0 - 1) * msw
    if denominator <= 0:
        return None
    return max(0.0, (msb - msw) / denominator)


def standardised_mean_difference(a, b) -> float | None:
    """SMD of a covariate (0/1 or numeric) between two groups, pooled SD; None when undefined."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2 or len(b) < 2:
        return None
    pooled = math.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
    if pooled == 0:
        return 0.0 if a.mean() == b.mean() else None
    return float((a.mean() - b.mean()) / pooled)


@dataclass(frozen=True)
class Power:
    minimum_detectable_effect: float
    design_effect: float
    few_clusters: bool


def minimum_detectable_effect(
    *,
    units: int,
    cases_per_unit: float,
    baseline: float,
    icc: float,
    treated_share: float = 0.5,
    alpha: float = 0.05,
    power: float = 0.8,
    cluster: bool = True,
) -> Power:
    """Smallest difference in a share the design detects with ``power`` (two-sided ``alpha``).

    Variance of a unit mean: p(1−p)·(ICC + (1−ICC)/m); difference of two arms' unit means.
    For a stepped wedge this is conservative (within-unit comparisons add precision).
    """
    normal = NormalDist()
    z = normal.inv_cdf(1 - alpha / 2) + normal.inv_cdf(power)
    m = max(cases_per_unit, 1.0)
    unit_variance = baseline * (1 - baseline) * (icc + (1 - icc) / m)
    treated = max(units * treated_share, 1e-9)
    control = max(units * (1 - treated_share), 1e-9)
    mde = z * math.sqrt(unit_variance * (1 / treated + 1 / control))
    return Power(mde, 1 + (m - 1) * icc, cluster and units < FEW_CLUSTERS)
