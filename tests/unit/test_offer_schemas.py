"""Offer and employer request models (pure): French messages naming the field, date windows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from chalicelib.domain.calendar import paris_today
from chalicelib.schemas.employers import EmployerCreate, EmployerUpdate
from chalicelib.schemas.offers import OfferCreate, OfferListQuery, OfferUpdate
from chalicelib.schemas.validation import to_validation_failed
from tests.factories import (
    LA_POSTE_SIRET,
    OFFER_ROME,
    OTHER_ROME,
    competences_of,
    employer_payload,
    malformed_offer_bodies,
    offer_payload,
)

TODAY = date(2024, 2, 29)  # a leap day: "in a year" is 2025-02-28
CONTEXT = {"today": TODAY}


def fields_of(model, data: dict, context: dict | None = CONTEXT) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data, context=context)
    return to_validation_failed(caught.value).fields


def test_a_valid_offer_is_normalised():
    body = offer_payload(
        TODAY,
        title="  Commis   de cuisine  ",
        code_rome=OFFER_ROME.lower(),
        competences=competences_of(OFFER_ROME) * 2,
        description="Brasserie du centre.\r\nService du midi.\r\n",
    )
    offer = OfferCreate.model_validate(body, context=CONTEXT)
    assert offer.title == "Commis de cuisine"
    assert offer.code_rome == OFFER_ROME
    assert offer.competences == competences_of(OFFER_ROME)  # duplicates dropped, order kept
    assert offer.description == "Brasserie du centre.\nService du midi."
    assert offer.expires_at is None  # the service puts today + 60 days


def test_historical_commune_codes_become_todays_commune():
    from chalicelib.domain.referentials import get_referentials

    refs = get_referentials()
    old, new = next(iter(refs._historical.items()))
    offer = OfferCreate.model_validate(offer_payload(TODAY, code_insee=old), context=CONTEXT)
    assert offer.code_insee == new


@pytest.mark.parametrize(
    "what, body, field", malformed_offer_bodies(TODAY), ids=lambda v: v if isinstance(v, str) else ""
)
def test_malformed_offers_name_the_field_in_french(what, body, field):
    fields = fields_of(OfferCreate, body)
    assert field in fields, (what, fields)
    assert fields[field] and fields[field][0].isupper()  # a French sentence, not a pydantic code


@pytest.mark.parametrize(
    "start, ok",
    [(TODAY, True), (date(2025, 2, 28), True), (date(2025, 3, 1), False), (TODAY - timedelta(days=1), False)],
)
def test_start_date_window_is_today_to_a_year(start, ok):
    body = offer_payload(TODAY, start_date=start.isoformat())
    if ok:
        assert OfferCreate.model_validate(body, context=CONTEXT).start_date == start
    else:
        assert "start_date" in fields_of(OfferCreate, body)


@pytest.mark.parametrize(
    "expires, ok",
    [(TODAY, False), (TODAY + timedelta(days=1), True), (date(2025, 2, 28), True), (date(2025, 3, 1), False)],
)
def test_expiry_is_after_today_and_within_a_year(expires, ok):
    body = offer_payload(TODAY, expires_at=expires.isoformat())
    if ok:
        assert OfferCreate.model_validate(body, context=CONTEXT).expires_at == expires
    else:
        assert "expires_at" in fields_of(OfferCreate, body)


def test_without_context_the_clock_is_todays():
    assert OfferCreate.model_validate(offer_payload()).start_date > paris_today()
    stale = offer_payload(start_date=(paris_today() - timedelta(days=2)).isoformat())
    assert "start_date" in fields_of(OfferCreate, stale, context=None)


def test_update_is_partial_refuses_nulls_and_checks_competences_against_a_new_metier():
    assert OfferUpdate.model_validate({}, context=CONTEXT).model_fields_set == set()
    assert OfferUpdate.model_validate({"positions": 3}, context=CONTEXT).positions == 3
    assert fields_of(OfferUpdate, {"title": None}) == {"title": "Ce champ ne peut pas être vide."}
    fields = fields_of(OfferUpdate, {"code_rome": OTHER_ROME, "competences": competences_of(OFFER_ROME)})
    assert "G1602" not in fields["competences"] and OTHER_ROME in fields["competences"]
    assert "owner" not in OfferUpdate.model_fields


def test_list_query():
    query = OfferListQuery.model_validate(
        {"bassin": "4410", "commune": "57463", "radius_km": "25", "limit": "5"}
    )
    assert (query.bassin, query.commune, query.radius_km, query.limit) == ("4410", "57463", 25, 5)
    assert "bassin" in fields_of(OfferListQuery, {"bassin": "9999"}, None)
    blank = OfferListQuery.model_validate(
        {"bassin": "", "code_rome": " ", "commune": "", "radius_km": "", "limit": ""}
    )
    assert (blank.bassin, blank.code_rome, blank.commune, blank.radius_km, blank.limit) == (
        None,
        None,
        None,
        None,
        20,
    )
    assert "radius_km" in fields_of(OfferListQuery, {"radius_km": "201"}, None)
    assert "radius_km" in fields_of(OfferListQuery, {"radius_km": "-1"}, None)
    assert "limit" in fields_of(OfferListQuery, {"limit": "0"}, None)
    assert "next" in fields_of(OfferListQuery, {"next": "pas un curseur!"}, None)
    assert "code_rome" in fields_of(OfferListQuery, {"code_rome": "Z9999"}, None)


def test_employer_sign_up_model():
    employer = EmployerCreate.model_validate(
        employer_payload(siret=LA_POSTE_SIRET, email=" Chef@Exemple.FR ")
    )
    assert employer.siret == "35600000049814" and employer.email == "chef@exemple.fr"
    fields = fields_of(EmployerCreate, employer_payload(siret="732 829 320 00075"), None)
    assert fields["siret"].startswith("Numéro SIRET invalide")
    bad = employer_payload(
        company_name="   ", contact_name="x" * 81, phone="123", code_insee="75056", email="non"
    )
    assert set(fields_of(EmployerCreate, bad, None)) == {
        "company_name",
        "contact_name",
        "phone",
        "code_insee",
        "email",
    }
    assert "siret" in fields_of(
        EmployerCreate, {k: v for k, v in employer_payload().items() if k != "siret"}, None
    )


def test_employer_update_model():
    assert EmployerUpdate.model_validate({"phone": None}).model_fields_set == {"phone"}
    assert fields_of(EmployerUpdate, {"company_name": None}, None) == {
        "company_name": "Ce champ ne peut pas être vide."
    }
    assert "email" in fields_of(EmployerUpdate, {"email": "autre@example.net"}, None)
