"""Sign-up and update bodies of a candidate: normalisation, limits, French errors naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from chalicelib.domain.calendar import add_years
from chalicelib.schemas.candidates import CandidateCreate, CandidateUpdate, check_competences
from chalicelib.schemas.validation import to_validation_failed
from tests.factories import (
    MISSING,
    TARGET_ROME,
    TRAINING_ROME,
    candidate_payload,
    competences_of,
    foreign_competence,
)

TODAY = date(2025, 6, 15)
CONTEXT = {"today": TODAY}


def valid(body: dict) -> CandidateCreate:
    return CandidateCreate.model_validate(body, context=CONTEXT)


def errors(body: dict, model=CandidateCreate) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body, context=CONTEXT)
    return to_validation_failed(caught.value).fields


def payload(**overrides) -> dict:
    return candidate_payload(today=TODAY, **overrides)


# --- what a valid body becomes ----------------------------------------------------------------
def test_valid_body_is_normalised():
    body = valid(
        payload(
            email="  Camille.Dupont@Example.ORG ",
            first_name="  Jean   Éric ",
            last_name="d'Ormesson-Lefèvre",
            phone="+33 6 12 34 56 78",
            training__code_rome=["g1609", "G1609"],
            contract_types=["cdi", "cdd", "cdi"],
            competences=[*competences_of(TRAINING_ROME, 2), competences_of(TRAINING_ROME, 1)[0]],
        )
    )
    assert body.email == "camille.dupont@example.org"
    assert body.first_name == "Jean Éric"
    assert body.last_name == "d'Ormesson-Lefèvre"
    assert body.phone == "+33612345678"
    assert body.training.code_rome == ["G1609"]
    assert body.contract_types == ["cdi", "cdd"]
    assert body.competences == competences_of(TRAINING_ROME, 2)


@pytest.mark.parametrize(
    "phone",
    [
        "0612345678",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "+33612345678",
        "0033612345678",
        "+33 (0)6 12 34 56 78",
    ],
)
def test_french_phone_numbers_become_international(phone):
    assert valid(payload(phone=phone)).phone == "+33612345678"


def test_optional_fields_may_be_left_out():
    body = valid(
        payload(
            phone=MISSING,
            target_code_rome=MISSING,
            competences=MISSING,
            training__organisation=MISSING,
            training__certification_obtained=MISSING,
        )
    )
    assert body.phone is None and body.target_code_rome == [] and body.competences == []
    assert body.training.organisation is None


def test_historical_insee_code_is_stored_as_the_current_commune():
    assert valid(payload(code_insee="08002")).code_insee == "08113"


def test_competences_of_a_target_metier_are_accepted():
    target_only = [c for c in competences_of(TARGET_ROME, 80) if c not in competences_of(TRAINING_ROME, 200)]
    assert target_only, "G1602 should have competences of its own"
    assert valid(payload(competences=target_only[:2])).competences == target_only[:2]


def test_a_whole_distance_sent_as_a_json_float_is_a_whole_number():
    assert valid(payload(mobility_km=5.0)).mobility_km == 5
    assert errors(payload(mobility_km=5.5)) == {"mobility_km": "Un nombre entier est attendu."}


# --- dates against the injected today ----------------------------------------------------------
def test_date_limits_are_inclusive():
    assert valid(payload(training__end_date="2022-06-15", available_from="2024-06-15"))
    assert valid(payload(training__end_date="2027-06-15", available_from="2027-06-15"))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"training__end_date": "2022-06-14"}, "training.end_date"),
        ({"training__end_date": "2027-06-16"}, "training.end_date"),
        ({"training__end_date": "1900-01-01"}, "training.end_date"),
        ({"available_from": "2024-06-14"}, "available_from"),
        ({"available_from": "2027-06-16"}, "available_from"),
        ({"available_from": "2200-01-01"}, "available_from"),
        ({"available_from": "15/06/2025"}, "available_from"),
        ({"available_from": 1718409600}, "available_from"),
        ({"training__end_date": "2025-02-30"}, "training.end_date"),
    ],
)
def test_dates_out_of_range_or_malformed(overrides, field):
    assert field in errors(payload(**overrides))


def test_date_error_is_french_and_gives_the_range():
    message = errors(payload(available_from="2030-01-01"))["available_from"]
    assert message == "La date de disponibilité doit être comprise entre le 15/06/2024 et le 15/06/2027."


def test_add_years_on_29_february():
    assert add_years(date(2024, 2, 29), -3) == date(2021, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


# --- refusals, each naming its field -------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "pas-une-adresse"}, "email"),
        ({"email": MISSING}, "email"),
        ({"first_name": "<script>alert(1)</script>"}, "first_name"),
        ({"first_name": "Jean2"}, "first_name"),
        ({"first_name": "---"}, "first_name"),
        ({"first_name": "   "}, "first_name"),
        ({"last_name": "x" * 81}, "last_name"),
        ({"last_name": 42}, "last_name"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "0012345678"}, "phone"),
        ({"phone": "+44 20 7946 0958"}, "phone"),
        ({"code_insee": "75056"}, "code_insee"),  # Paris: not in Grand Est
        ({"code_insee": "5746"}, "code_insee"),
        ({"mobility_km": 201}, "mobility_km"),
        ({"mobility_km": -1}, "mobility_km"),
        ({"mobility_km": "30"}, "mobility_km"),
        ({"mobility_km": True}, "mobility_km"),
        ({"mobility_km": 12.5}, "mobility_km"),
        ({"mobility_km": [5]}, "mobility_km"),
        ({"training": "CAP"}, "training"),
        ({"training__title": "C"}, "training.title"),
        ({"training__title": "<b>CAP</b>"}, "training.title"),
        ({"training__organisation": "x" * 151}, "training.organisation"),
        ({"training__code_rome": []}, "training.code_rome"),
        ({"training__code_rome": ["Z9999"]}, "training.code_rome"),
        (
            {"training__code_rome": ["A1101", "A1201", "A1202", "A1203", "A1204", "A1205"]},
            "training.code_rome",
        ),
        ({"training__certification_obtained": "oui"}, "training.certification_obtained"),
        ({"training__extra": 1}, "training.extra"),
        ({"target_code_rome": ["G16"]}, "target_code_rome"),
        ({"competences": ["999999999"]}, "competences"),
        ({"competences": ["abc"]}, "competences"),
        ({"contract_types": []}, "contract_types"),
        ({"contract_types": ["stage"]}, "contract_types"),
        ({"contract_types": "cdi"}, "contract_types"),
        ({"consent_contact": "true"}, "consent_contact"),
        ({"consent_terms": False}, "consent_terms"),
        ({"consent_terms": MISSING}, "consent_terms"),
        ({"is_admin": True}, "is_admin"),
    ],
)
def test_invalid_field_is_named(overrides, field):
    assert field in errors(payload(**overrides))


def test_competences_must_belong_to_the_chosen_metiers():
    fields = errors(payload(competences=[*competences_of(TRAINING_ROME, 1), foreign_competence()]))
    assert list(fields) == ["competences"]
    assert "ne font pas partie des métiers choisis" in fields["competences"]
    assert foreign_competence() in fields["competences"]


def test_forty_competences_at_most():
    many = competences_of(TRAINING_ROME, 41)
    assert len(many) == 41
    assert "competences" in errors(payload(competences=many))
    assert len(valid(payload(competences=many[:40])).competences) == 40


def test_terms_refusal_is_explained():
    message = errors(payload(consent_terms=False))["consent_terms"]
    assert message == "Vous devez accepter les conditions d'utilisation pour vous inscrire."


def test_every_error_is_reported_at_once():
    fields = errors(payload(first_name="", mobility_km=500, contract_types=["x"], consent_terms=False))
    assert {"first_name", "mobility_km", "contract_types", "consent_terms"} <= set(fields)


def test_check_competences():
    check_competences(competences_of(TRAINING_ROME), [TRAINING_ROME])
    with pytest.raises(ValueError, match="ne font pas partie"):
        check_competences([foreign_competence()], [TRAINING_ROME, TARGET_ROME])


# --- the update body ---------------------------------------------------------------------------------
def test_patch_keeps_only_the_fields_sent():
    patch = CandidateUpdate.model_validate({"visible": False, "phone": None}, context=CONTEXT)
    assert patch.changes() == {"visible": False, "phone": None}
    assert CandidateUpdate.model_validate({}).changes() == {}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_name": None}, "first_name"),
        ({"visible": None}, "visible"),
        ({"visible": "non"}, "visible"),
        ({"email": "autre@example.net"}, "email"),
        ({"consent_terms": False}, "consent_terms"),
        ({"mobility_km": 201}, "mobility_km"),
        ({"available_from": "1900-01-01"}, "available_from"),
        ({"training": {"title": "CAP"}}, "training.code_rome"),
        ({"digest_opt_out": 1}, "digest_opt_out"),
    ],
)
def test_patch_refusals(body, field):
    assert field in errors(body, CandidateUpdate)


def test_patch_validates_a_whole_training():
    patch = CandidateUpdate.model_validate(
        {"training": {"title": "Bac pro", "code_rome": ["g1602"], "end_date": "2025-01-31"}}, context=CONTEXT
    )
    assert patch.changes()["training"].code_rome == ["G1602"]


# --- the stored item and the If-Match header (pure helpers) ----------------------------------------
def _record(**changes):
    from chalicelib.services.register_candidate import build_record

    record = build_record(valid(payload()), "c1", "4410", "2024-02-29T10:00:00+00:00")
    return record.model_copy(update=changes)


def test_stored_item_keys_and_retention():
    from chalicelib.repositories.candidates import candidate_item

    item = candidate_item(_record())
    assert (item["PK"], item["SK"], item["kind"]) == ("CAND#c1", "PROFILE", "candidate")
    assert (item["GSI2PK"], item["GSI2SK"]) == ("BASSIN#4410#CAND", "CAND#c1")
    # erased 24 months after the last activity (29 February → 28 February), warned 30 days before;
    # the TTL, a safety net, 30 days after the daily job's erasure
    assert item["ttl"] == int(datetime(2026, 3, 30, 10, tzinfo=UTC).timestamp())
    assert (item["GSI3PK"], item["GSI3SK"]) == ("WARN#2026-01-29", "CAND#c1")
    assert item["training"]["end_date"] == "2025-05-16" and "consent_terms" not in item


@pytest.mark.parametrize("changes", [{"visible": False}, {"consent_contact": False}])
def test_paused_or_unconsenting_candidates_leave_the_matching_partition(changes):
    from chalicelib.repositories.candidates import candidate_item

    item = candidate_item(_record(**changes))
    assert (item["GSI2PK"], item["GSI2SK"]) == ("BASSIN#4410#CANDX", "CAND#c1")


@pytest.mark.parametrize(("header", "version"), [("3", 3), ('"3"', 3), ('W/"12"', 12), (" 7 ", 7)])
def test_if_match_versions(header, version):
    from chalicelib.api.http import version_from_if_match

    assert version_from_if_match(header) == version


@pytest.mark.parametrize("header", [None, "", "*", "v3", '"3', '3"', "1" * 12])
def test_if_match_refusals_name_the_header(header):
    from chalicelib.api.http import version_from_if_match
    from chalicelib.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        version_from_if_match(header)
    assert list(caught.value.fields) == ["If-Match"]


def test_the_if_match_rule_is_the_one_the_openapi_document_publishes():
    import re

    from chalicelib.api.openapi import IF_MATCH

    pattern = IF_MATCH["schema"]["pattern"]
    for header in ("3", '"3"', 'W/"12"'):
        assert re.fullmatch(pattern, header)
    for header in ('"3', '3"', "*", "v3"):
        assert not re.fullmatch(pattern, header)
