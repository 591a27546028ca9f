"""How much reviewers agree: per cent agreement and Fleiss' kappa over rated items.

Each item is the list of the answers its reviewers gave (as comparable labels, one per
reviewer, the same number for every item).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

__all__ = ["fleiss_kappa", "percent_agreement"]


def percent_agreement(items: Sequence[Sequence[str]]) -> float:
    """The share of reviewer pairs, over all items, who gave the same answer (0 to 1)."""
    agreeing = pairs = 0
    for answers in items:
        n = len(answers)
        pairs += n * (n - 1) // 2
        agreeing += sum(c * (c - 1) // 2 for c in Counter(answers).values())
    return agreeing / pairs if pairs else 1.0


def fleiss_kappa(items: Sequence[Sequence[str]]) -> float:
    """Fleiss' kappa: agreement beyond what chance gives (1 perfect, 0 chance, < 0 worse).

    Every item needs the same number (two or more) of answers. When every answer is the
    same label, chance agreement is already total and kappa is 1 by convention."""
    n = len(items[0]) if items else 0
    if n < 2 or any(len(answers) != n for answers in items):
        raise ValueError("every item needs the same number (two or more) of answers")
    per_item = [(sum(c * (c - 1) for c in Counter(a).values())) / (n * (n - 1)) for a in items]
    observed = sum(per_item) / len(items)
    totals = Counter(label for answers in items for label in answers)
    expected = sum((count / (n * len(items))) ** 2 for count in totals.values())
    if expected == 1:
        return 1.0
    return (observed - expected) / (1 - expected)
