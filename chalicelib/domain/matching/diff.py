"""What to write to bring stored matches up to date with a new run."""

from __future__ import annotations

from collections.abc import Hashable, Mapping


def diff_matches[Key: Hashable, Value](
    old: Mapping[Key, Value], new: Mapping[Key, Value]
) -> tuple[dict[Key, Value], list[Key]]:
    """(puts, deletes) turning `old` into `new`.

    Keys are typically (offer_id, candidate_id) and values (score, reasons): a pair whose value
    did not change costs no write. Puts keep the order of `new`; deletes the order of `old`.
    """
    puts = {key: value for key, value in new.items() if key not in old or old[key] != value}
    deletes = [key for key in old if key not in new]
    return puts, deletes
