"""Confidence intervals for outlet profiles: pure functions, stdlib only, deterministic.

Three shapes of estimate occur in a profile, and each gets the interval that fits its sampling:
- a share of articles (derivation mix, credit rate): `wilson`, the score interval, which stays
  inside [0, 1] and behaves at 0 % and 100 % where the textbook normal interval does not;
- a share pooled over articles (characters verbatim, wire facts carried): `ratio_wilson`, the
  Wilson interval at a design-effect sample size, because characters and facts come in clusters
  (articles) and treating them as independent trials would claim far too much precision;
- a rate per 1,000 words (discrepancies): `poisson_rate`, the exact (Garwood) Poisson interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

Z95 = 1.959963984540054  # two-sided 95 % normal quantile
_ALPHA = 0.05
# Above this count the Wilson–Hilferty cube-root approximation of the gamma quantile is accurate
# to far better than the rounding we print, and much cheaper than bisecting the exact CDF.
_EXACT_POISSON_MAX = 10_000


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float, float, float] | None:
    """(share, low, high) by the Wilson score interval; None when n is 0 (nothing observed).

    `n` may be fractional: `ratio_wilson` passes an effective sample size."""
    if n <= 0:
        return None
    p = min(1.0, max(0.0, successes / n))
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denom
    half = (z / denom) * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    # Clamp and keep the point inside: float rounding can otherwise leave it a hair outside.
    return p, max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def ratio_wilson(
    numerators: Sequence[float], denominators: Sequence[float], cap: float, z: float = Z95
) -> tuple[float, float, float, float] | None:
    """(share, low, high, effective n) for sum(numerators) / sum(denominators) over clusters.

    The share is pooled (every character or fact weighs the same). Its variance is the linearised
    ratio-estimator variance across clusters, v = m/(m-1) * sum((y_i - p*t_i)^2) / T^2; the
    effective sample size is n_eff = p(1-p)/v (Kish's design effect, as Korn & Graubard use for
    survey proportions), capped at `cap` — the number of independent trials there could be at
    most. The interval is Wilson's at n_eff. With one cluster, or no spread between clusters,
    n_eff is the cap, so an outlet with a single article never looks more certain than one trial
    per cap unit allows. None when the denominators sum to 0."""
    total = math.fsum(denominators)
    if total <= 0 or cap <= 0:
        return None
    p = min(1.0, max(0.0, math.fsum(numerators) / total))
    m = len(denominators)
    n_eff = float(cap)
    if m >= 2 and 0.0 < p < 1.0:
        spread = math.fsum((y - p * t) ** 2 for y, t in zip(numerators, denominators, strict=True))
        variance = m / (m - 1) * spread / (total * total)
        if variance > 0:
            n_eff = min(n_eff, p * (1.0 - p) / variance)
    share, low, high = wilson(p * n_eff, n_eff, z)  # type: ignore[misc]
    return share, low, high, n_eff


def poisson_rate(
    count: int, exposure: float, per: float = 1000.0
) -> tuple[float, float, float] | None:
    """(rate, low, high) per `per` units of exposure (e.g. per 1,000 words) from an event count.

    Exact Garwood interval: the count's 95 % limits are gamma quantiles (half the chi-square
    ones), then divided by exposure. Assumes events are independent (Poisson); clustered
    discrepancies make the true interval wider. None when the exposure is 0."""
    if exposure <= 0:
        return None
    if count < 0:
        raise ValueError(f"count must be non-negative, got {count}")
    scale = per / exposure
    low = 0.0 if count == 0 else _gamma_quantile(_ALPHA / 2.0, count)
    high = _gamma_quantile(1.0 - _ALPHA / 2.0, count + 1)
    return count * scale, low * scale, high * scale


def _gamma_quantile(q: float, shape: float) -> float:
    """x with P(shape, x) = q for the regularised lower incomplete gamma (unit scale)."""
    if shape > _EXACT_POISSON_MAX:
        z = NormalDist().inv_cdf(q)
        c = 1.0 / (9.0 * shape)
        return shape * (1.0 - c + z * math.sqrt(c)) ** 3
    low, high = 0.0, shape + 10.0 * math.sqrt(shape) + 10.0
    while _lower_gamma_regularised(shape, high) < q:
        high *= 2.0
    for _ in range(200):  # bisection: exact, monotone, deterministic
        mid = 0.5 * (low + high)
        if _lower_gamma_regularised(shape, mid) < q:
            low = mid
        else:
            high = mid
        if high - low <= 1e-12 * max(1.0, high):
            break
    return 0.5 * (low + high)


def _lower_gamma_regularised(a: float, x: float) -> float:
    """P(a, x): series below a+1, Lentz continued fraction above (Numerical Recipes §6.2)."""
    if x <= 0:
        return 0.0
    log_prefix = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        k = a
        for _ in range(100_000):
            k += 1.0
            term *= x / k
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return min(1.0, total * math.exp(log_prefix))
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 100_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return max(0.0, 1.0 - math.exp(log_prefix) * h)
