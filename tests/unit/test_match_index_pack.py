"""The packed candidate entry the scheduled run reads (repositories/match_index.py)."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.repositories.match_index import pack_candidate, unpack_candidate
from chalicelib.schemas.match_index_store import ReachCandidateRecord


def entry(**changes) -> ReachCandidateRecord:
    data = {
        "id": "cand-01HZX",
        "code_insee": "2A004",
        "mobility_km": 30,
        "metiers": ["G1602", "G1603"],
        "competences": ["100012", "118345"],
        "contract_types": ["cdi", "alternance"],
        "available_from": date(2027, 1, 4),
        "training_end": date(2026, 12, 18),
        "version": 7,
    }
    return ReachCandidateRecord(**{**data, **changes})


@pytest.mark.parametrize(
    "record",
    [entry(), entry(competences=[], mobility_km=0), entry(metiers=["K1304"], contract_types=["cdd"])],
)
def test_a_packed_entry_reads_back_as_it_was(record: ReachCandidateRecord) -> None:
    assert unpack_candidate(pack_candidate(record)).model_dump() == record.model_dump()


def test_a_value_holding_a_separator_is_refused() -> None:
    with pytest.raises(ValueError):
        pack_candidate(entry(competences=["1|2"]))
    with pytest.raises(ValueError):
        pack_candidate(entry(id="a,b"))
