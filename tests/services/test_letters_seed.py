"""Issue 16: the letters say what the routekaart says, and only what is true when they are made."""

from __future__ import annotations

from datetime import date

import pytest

from herstel_tui.domain.models import Person
from herstel_tui.services import letters as L
from tests.support.data import TODAY

pytestmark = pytest.mark.usefixtures("pinned_today")


def test_pauzeknop_letter_to_the_parent(cases, letter_config):
    # R, "Invorderaar ontvangt gegevens - start publieke pauzeknop": "Formats: Brieven aan ouders met
    # uitleg en hanteren moratorium"; "De invordering wordt gepauzeerd voor de periode t/m 31 december 2020."
    draft = L.prepare(cases.store, letter_config, cases.sa.id, "pauzeknop", today=TODAY)
    assert draft.kind.recipient == "ouder" and draft.kind.step == "start_pauzeknop"
    assert "tot en met 31 december 2020" in draft.text and "toeslagpartner" in draft.text


def test_creditor_letter_at_ontvangst_gegevens_says_only_what_is_true_then(cases, letter_config):
    # R, "Ontvangst gegevens ouders": "Formats: Brief aan schuldeiser- moratorium van kracht voor deze ouder"
    draft = L.prepare(cases.store, letter_config, cases.bo.id, "aangemeld", today=TODAY, creditor="CJIB")
    assert "aangemeld bij de Uitvoeringsorganisatie Herstel Toeslagen" in draft.text
    assert "erkend als gedupeerde van" not in draft.text  # not yet true: no outcome yet
    assert "een uitkomst is er nog niet" in draft.text
    # the moratorium letter itself still needs the payment
    with pytest.raises(L.LetterError, match="Eerste compensatie uitbetaald"):
        L.prepare(cases.store, letter_config, cases.bo.id, "schuldeiser", today=TODAY, creditor="CJIB")


def test_after_a_correction_to_niet_gedupeerd_no_creditor_letter(cases, letter_config):
    # R: "Als een inwoner niet erkend wordt als gedupeerd, dan eindigt de publieke pauzeknop."
    s = cases.store
    L.prepare(s, letter_config, cases.sa.id, "schuldeiser", today=TODAY, creditor="CJIB")  # moratorium runs
    s.cases.record_event(
        cases.sa.id, "eerste_toets", date(2025, 10, 6), outcome="niet_gedupeerd", correction=True, reason="herzien"
    )
    with pytest.raises(L.LetterError, match="niet begonnen"):
        L.prepare(s, letter_config, cases.sa.id, "schuldeiser", today=TODAY, creditor="CJIB")
    with pytest.raises(L.LetterError, match="pauzeknop geldt niet meer"):
        L.prepare(s, letter_config, cases.sa.id, "aangemeld", today=TODAY, creditor="CJIB")


def test_moratorium_letter_has_the_condition_and_names_ouder_en_toeslagpartner(cases, letter_config):
    # R: "Dat geldt alleen voor schulden die vallen binnen de reikwijdte van de regelingen."
    # R: "De gedupeerde ouder en toeslagpartner krijgen zo tijd en ruimte ..."
    text = L.prepare(cases.store, letter_config, cases.sa.id, "moratorium", today=TODAY).text
    assert "Dat geldt alleen voor schulden die vallen binnen de reikwijdte van de regelingen." in text
    assert "voor u en voor uw toeslagpartner" in text
    assert "31 december 2020 worden kwijtgescholden" not in text and "kunnen worden kwijtgescholden" in text


def test_contact_letter_after_a_zelfmelding_does_not_claim_a_uht_report(cases, letter_config):
    # R: "Als een ouder bij UHT aangeeft Brede ondersteuning te willen, dan deelt UHT zijn of haar
    # contactgegevens met de gemeente." A zelfmelder came to the municipality instead.
    s = cases.store
    p = s.persons.add(Person(bsn=None, given_names="Lotte", surname="Bos", street="Lindelaan", house_number="1"))
    zelf = s.cases.open(p.id, "brede_ondersteuning", opened=date(2026, 5, 1))
    s.cases.record_event(zelf.id, "aanmelding_gemeente", date(2026, 5, 1))
    text = L.prepare(s, letter_config, zelf.id, "contact", today=TODAY).text
    assert "U heeft zich gemeld bij de Uitvoeringsorganisatie" not in text
    assert "U heeft zich bij ons gemeld voor hulp van de gemeente." in text
    via_uht = L.prepare(s, letter_config, cases.bo.id, "contact", today=TODAY).text
    assert "U heeft zich gemeld bij de Uitvoeringsorganisatie Herstel Toeslagen (UHT)" in via_uht
