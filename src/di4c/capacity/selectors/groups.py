"""The anonymity rule: no figure is shown for fewer than MIN_GROUP_SIZE people.

Groups that are too small are merged into "Other"; if "Other" is itself too small, the
smallest remaining groups join it until it is big enough. Every person stays counted once,
so totals are right, and no group can be worked out by subtracting shown groups from the
total. When the whole population is too small, nothing is shown at all.
"""

from collections.abc import Hashable, Mapping, Sequence

from di4c.capacity.models import MIN_GROUP_SIZE

OTHER = "__other__"


def _big_enough(counts: Sequence[int], minimum: int) -> bool:
    return all(count >= minimum for count in counts)


def merge_small_groups(
    counts: Mapping[Hashable, Sequence[int]], minimum: int = MIN_GROUP_SIZE
) -> dict[Hashable, Hashable] | None:
    """{group: the group it is shown as (itself or OTHER)}, or None if nothing can be shown.

    `counts` gives each group's size in one or more populations (two rounds compared: the
    group must be big enough in both).
    """
    if not counts:
        return None
    width = len(next(iter(counts.values())))
    totals = [sum(sizes[i] for sizes in counts.values()) for i in range(width)]
    if not _big_enough(totals, minimum):
        return None
    kept = {group for group, sizes in counts.items() if _big_enough(sizes, minimum)}
    merged = set(counts) - kept
    while merged:
        other = [sum(counts[g][i] for g in merged) for i in range(width)]
        if _big_enough(other, minimum):
            break
        if not kept:
            return None  # cannot happen (the totals are big enough); kept for safety
        # The smallest kept group joins "Other" (ties: the first in a stable order).
        smallest = min(kept, key=lambda g: (min(counts[g]), sum(counts[g]), str(g)))
        kept.remove(smallest)
        merged.add(smallest)
    return {group: (group if group in kept else OTHER) for group in counts}
