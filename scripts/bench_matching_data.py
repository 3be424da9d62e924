"""The synthetic region-scale dataset of the matching benchmarks (scripts/bench_matching.py),
built from the real reference data (Grand Est communes and ROME 4.0 fiches), reproducible from
its seed: see generate()."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from chalicelib.domain.matching import CandidateInput, OfferInput
from chalicelib.domain.referentials import Referentials

TODAY = date(2026, 3, 2)
CANDIDATES, OFFERS = 60_000, 30_000
CONTRACTS = ("cdi", "cdd", "interim", "alternance")
ACCEPTS = (0.75, 0.6, 0.35, 0.25)  # share of candidates accepting each contract type
OFFERED = (0.45, 0.25, 0.2, 0.1)  # share of offers of each contract type


class RomeLabels:
    def __init__(self, refs: Referentials) -> None:
        self._refs = refs

    def metier(self, code_rome: str) -> str:
        metier = self._refs.metiers.get(code_rome)
        return metier.label if metier else code_rome

    def competence(self, code: str) -> str:
        competence = self._refs.competences.get(code)
        return competence.label if competence else code


@dataclass
class Dataset:
    offers: list[OfferInput]
    candidates: list[CandidateInput]
    mobility: dict[str, tuple[str, ...]]


def generate(refs: Referentials, scale: float, seed: int) -> Dataset:
    rnd = random.Random(seed)
    rng = np.random.default_rng(seed)
    communes = sorted(refs.communes.values(), key=lambda c: c.code_insee)
    population = np.array([c.population for c in communes], dtype=np.float64)
    fiches = sorted(refs.metiers.values(), key=lambda m: m.code_rome)
    zipf = 1.0 / np.arange(1, len(fiches) + 1)
    weights = np.empty(len(fiches))
    weights[rng.permutation(len(fiches))] = zipf / zipf.sum()

    def places(n: int) -> list:
        return [communes[i] for i in rng.choice(len(communes), n, p=population / population.sum())]

    def metiers(n: int) -> list:
        return [fiches[i] for i in rng.choice(len(fiches), n, p=weights)]

    def uid() -> str:
        return f"{rnd.getrandbits(64):016x}"

    n_candidates, n_offers = round(CANDIDATES * scale), round(OFFERS * scale)
    candidates = []
    for place, first, second in zip(
        places(n_candidates), metiers(n_candidates), metiers(n_candidates), strict=True
    ):
        training = [first] if rnd.random() < 0.75 or second is first else [first, second]
        codes = {m.code_rome for m in training}
        reachable = [t for m in training for t in m.mobilities if t not in codes]
        for _ in range(rnd.choices((0, 1, 2), (0.5, 0.35, 0.15))[0]):
            codes.add(rnd.choice(reachable) if reachable else metiers(1)[0].code_rome)
        pool = sorted({k for m in training for k in m.competences})
        accepted = frozenset(c for c, p in zip(CONTRACTS, ACCEPTS, strict=True) if rnd.random() < p)
        end = TODAY + timedelta(days=rnd.randint(-365, 84))
        candidates.append(
            CandidateInput(
                id=uid(),
                lat=place.lat,
                lon=place.lon,
                code_insee=place.code_insee,
                mobility_km=rnd.randint(5, 60),
                metiers=frozenset(codes),
                competences=frozenset(rnd.sample(pool, min(len(pool), rnd.randint(3, 8)))),
                contract_types=accepted or frozenset(rnd.choices(CONTRACTS, ACCEPTS)),
                available_from=end + timedelta(days=rnd.randint(-7, 21)),
                training_end=end,
                active=rnd.random() < 0.97,
                consent_contact=rnd.random() < 0.92,
            )
        )
    offers = []
    for place, metier in zip(places(n_offers), metiers(n_offers), strict=True):
        offers.append(
            OfferInput(
                id=uid(),
                lat=place.lat,
                lon=place.lon,
                code_insee=place.code_insee,
                code_rome=metier.code_rome,
                competences=frozenset(
                    rnd.sample(metier.competences, min(len(metier.competences), rnd.randint(3, 6)))
                ),
                contract_type=rnd.choices(CONTRACTS, OFFERED)[0],
                start_date=TODAY + timedelta(days=rnd.randint(-20, 120)),
                expires_at=None if rnd.random() < 0.4 else TODAY + timedelta(days=rnd.randint(7, 90)),
            )
        )
    mobility = {m.code_rome: m.mobilities for m in fiches}
    return Dataset(offers, candidates, mobility)


def changed_offer(offer: OfferInput, rnd: random.Random, refs: Referentials, communes: list) -> OfferInput:
    change = rnd.randrange(4)
    if change == 0:
        return replace(offer, start_date=offer.start_date + timedelta(days=rnd.randint(15, 60)))
    if change == 1:
        fiche = refs.metiers[offer.code_rome].competences
        dropped = sorted(offer.competences)[rnd.randrange(len(offer.competences))]
        return replace(offer, competences=(offer.competences - {dropped}) | {rnd.choice(fiche)})
    if change == 2:
        return replace(offer, contract_type=rnd.choice([c for c in CONTRACTS if c != offer.contract_type]))
    place = rnd.choice(communes)
    return replace(offer, lat=place.lat, lon=place.lon, code_insee=place.code_insee)
