"""Importing portal files: antwoordbestand and the three lists, dry run, idempotence, rollback."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from herstel_tui.domain.enums import Track
from herstel_tui.domain.portal import FileMeta
from herstel_tui.files.portal_common import AlreadyImported, NothingToDo, PortalFileError
from herstel_tui.services import portal_import
from herstel_tui.services.portal import export_vraagbestand, import_list
from herstel_tui.services.portal_handler import ListHandler
from herstel_tui.services.portal_refs import CaseRef
from herstel_tui.settings.config import Config
from herstel_tui.store import StoreError
from tests.support.portal import TODAY, days_ago, dump, failing_event, write_csv, write_xlsx

LAST_REGISTRATION = date(2023, 12, 31)


def rows(report):
    return [(o.row, o.action, o.full_text) for o in report.outcomes]


def event_steps(store, case_id):
    return [(e.step, e.outcome, e.fact_date) for e in store.cases.events(case_id)]


def imports_are_identical(store, config, kind, path):
    """A dry run reports exactly what the real run then does, and changes nothing."""
    before = dump(store)
    plan = import_list(store, config, kind, path, dry_run=True, today=TODAY)
    assert dump(store) == before
    done = import_list(store, config, kind, path, dry_run=False, today=TODAY)
    assert plan.dry_run and not done.dry_run
    assert rows(plan) == rows(done)
    return done


def test_a_beschikking_is_recorded_and_the_members_cases_it_contradicts_are_named(store, family, config, tmp_path):
    """UHT's negatieve beschikking is a fact, recorded on the aanvrager's case even where a child's
    case holds ondersteuning aan kinderen after its date, which the routekaart allows only before
    it ("Ondersteuning aan kinderen kan alleen vóór Eerste toets: Niet gedupeerd"): the row names
    that case for a caseworker (the dry run too), and `herstel controle` names the same one. Not
    named: a child whose case fits; a child whose case contradicted another parent's outcome
    already (it is not this fact's doing); Piet, ex-toeslagpartner in Anna's household and a child
    in Carl's (who has no case): he shares his parent's facts, not Anna's ("Op dit moment wordt een
    regeling voor ex-partners uitgewerkt": card.inherited_of). Named case by case: both of Bas's
    cases."""

    def child(first: str, support_days_ago: int) -> tuple:
        person = family.person(first, "Jansen", birth_date=date(2012, 1, 1))
        case = store.cases.open(person.id, "brede_ondersteuning", opened=days_ago(60))
        store.cases.record_event(case.id, "aanmelding_gemeente", days_ago(60))
        store.cases.record_event(case.id, "ondersteuning_kinderen", days_ago(support_days_ago))
        return person, case

    (tim, tims), (eva, _), (sam, sams), (piet, _) = (
        child("Tim", 10),
        child("Eva", 30),
        child("Sam", 10),
        child("Piet", 10),
    )
    carl, bob, anna = family.person("Carl", "Kok"), family.person("Bob", "Kok"), family.person("Anna", "Jansen")
    # Bas, Anna's toeslagpartner, has two cases with an outcome of his own (recorded while Anna had none)
    bas = family.person("Bas", "Jansen")
    bass = []
    for track, steps in (
        ("brede_ondersteuning", ["aanvraag_herbeoordeling"]),
        ("schuldenaanpak", ["aanvraag_herbeoordeling", "start_pauzeknop"]),
    ):
        case = store.cases.open(bas.id, track, opened=days_ago(90))
        for step in steps:
            store.cases.record_event(case.id, step, days_ago(80))
        bass.append(case)
    store.persons.create_household([(carl.id, "aanvrager"), (piet.id, "kind")])
    store.persons.create_household([(bob.id, "aanvrager"), (sam.id, "kind")])
    bobs = store.cases.open(bob.id, "brede_ondersteuning", opened=days_ago(90))
    store.cases.record_event(bobs.id, "aanvraag_herbeoordeling", days_ago(80))
    store.cases.record_event(bobs.id, "eerste_toets", days_ago(40), outcome="niet_gedupeerd")  # (Sam's, already)
    members = [
        (tim.id, "kind"),
        (eva.id, "kind"),
        (sam.id, "kind"),
        (piet.id, "ex-toeslagpartner"),
        (bas.id, "toeslagpartner"),
    ]
    store.persons.create_household([(anna.id, "aanvrager"), *members])
    bo = store.cases.open(anna.id, "brede_ondersteuning", opened=days_ago(90))
    store.cases.record_event(bo.id, "aanvraag_herbeoordeling", days_ago(80))
    besluit = days_ago(20)
    for case in bass:
        store.cases.record_event(case.id, "eerste_toets", besluit, outcome="niet_gedupeerd")
    p = write_xlsx(tmp_path / "negatief.xlsx", [["BSN", "Datum", "Soort"], [anna.bsn, besluit, "eerste toets"]])
    report = imports_are_identical(store, config, "negatief", p)
    ((row, action, text),) = rows(report)
    assert action == "update" and text.startswith(f"Anna Jansen: Eerste toets: Niet gedupeerd op BO {bo.zaaknummer}")
    support = days_ago(10).strftime("%d-%m-%Y")
    beside = f"niet naast Eerste toets: Niet gedupeerd van {besluit.strftime('%d-%m-%Y')} van de aanvrager."
    assert (
        f"let op: zaak {tims.zaaknummer} van Tim Jansen: Ondersteuning aan kinderen van {support} past {beside}" in text
    )
    assert text.endswith("Controleer die zaak.")
    assert "Eva Jansen" not in text and "Sam Jansen" not in text and "Piet Jansen" not in text
    for case in bass:  # (both of Bas's cases: each now holds the outcome twice)
        assert f"let op: zaak {case.zaaknummer} van Bas Jansen: Eerste toets: Niet gedupeerd van " in text
    assert event_steps(store, bo.id)[-1] == ("eerste_toets", "niet_gedupeerd", besluit)
    problems = store.maintenance.check().problems
    named = sorted(p.split(":")[0] for p in problems if "past niet op de routekaart" in p)
    assert named == sorted([tims.zaaknummer, sams.zaaknummer, *(c.zaaknummer for c in bass)])
    assert store.cases.inherited(piet.id, "brede_ondersteuning") == []  # (Carl has no case: nothing to share)


# -- antwoordbestand -------------------------------------------------------------------------------


@pytest.fixture
def asked(store, family, config):
    """A family whose two children were asked for in a vraagbestand."""
    parent, kids = family.household("Anna", "Jansen", ["Noah", "Emma"], kid_case="Noah")
    export_vraagbestand(store, config, store.portal.children_to_verify(), today=TODAY)
    return parent, kids


def test_answers_mark_children_and_report_what_was_never_asked(store, family, config, asked, tmp_path):
    parent, (noah, emma) = asked
    stranger = next(family.bsns)
    p = write_xlsx(
        tmp_path / "antwoord.xlsx",
        [["BSN", "Behoort tot populatie"], [noah.bsn, "J"], [emma.bsn, "N"], [stranger, "J"], ["999900007", "J"]],
    )
    report = imports_are_identical(store, config, "antwoord", p)
    assert rows(report) == [
        (2, "update", "Noah Jansen: behoort tot de populatie"),
        (3, "update", "Emma Jansen: behoort niet tot de populatie"),
        (4, "reject", "dit BSN is niet gevraagd in een vraagbestand; niet toegevoegd"),
        (5, "reject", "BSN ******007 klopt niet (elfproef)"),
    ]
    assert report.summary == "0 nieuw, 2 bijgewerkt, 0 overgeslagen, 2 afgewezen (4 regels)"
    assert store.persons.find_by_bsn(stranger) is None  # never silently added
    assert [v["behoort"] for v in store.portal.verifications_of(noah.id)] == [True]
    assert [v["behoort"] for v in store.portal.verifications_of(emma.id)] == [False]
    assert store.portal.children_to_verify(include_open=True) == []
    (noah_case,) = store.cases.of_person(noah.id)
    assert store.cases.notes(noah_case.id)[0].text.startswith(
        f"Antwoord kindregeling ontvangen op {TODAY:%d-%m-%Y} (bestand antwoord.xlsx): behoort tot de populatie"
    )


def test_same_answer_file_twice_changes_nothing(store, config, asked, tmp_path):
    _, (noah, emma) = asked
    p = write_xlsx(tmp_path / "antwoord.xlsx", [["BSN", "Resultaat"], [noah.bsn, "ja"], [emma.bsn, "ja"]])
    first = import_list(store, config, "antwoord", p, dry_run=False, today=TODAY)
    before = dump(store)
    with pytest.raises(AlreadyImported, match=r"^antwoord.xlsx is al ingelezen op .* door t.tester; er is niets"):
        import_list(store, config, "antwoord", p, dry_run=True, today=TODAY)
    with pytest.raises(AlreadyImported):
        import_list(store, config, "antwoord", p, dry_run=False, today=TODAY)
    assert dump(store) == before
    # The same answers in another file (other bytes): every row is skipped by the row logic itself.
    again = write_csv(tmp_path / "antwoord.csv", [["BSN", "Resultaat"], [noah.bsn, "true"], [emma.bsn, "1"]])
    report = import_list(store, config, "antwoord", again, dry_run=False, today=TODAY)
    when = TODAY.strftime("%d-%m-%Y")
    assert rows(report) == [
        (2, "skip", f"staat er al (antwoord van {when})"),
        (3, "skip", f"staat er al (antwoord van {when})"),
    ]
    assert first.counts["update"] == 2


def test_contradicting_answers_are_refused(store, config, asked, tmp_path):
    _, (noah, emma) = asked
    p = write_xlsx(
        tmp_path / "a1.xlsx",
        [["BSN", "Resultaat"], [noah.bsn, "ja"], [emma.bsn, "nee"], [emma.bsn, "ja"], [emma.bsn, "nee"]],
    )
    report = import_list(store, config, "antwoord", p, dry_run=False, today=TODAY)
    assert rows(report)[2:] == [
        (4, "reject", "tegenstrijdig met regel 3 van dit bestand"),
        (5, "skip", "dubbel: zelfde antwoord als regel 3"),
    ]
    p2 = write_xlsx(tmp_path / "a2.xlsx", [["BSN", "Resultaat"], [noah.bsn, "nee"]])
    report = import_list(store, config, "antwoord", p2, dry_run=False, today=TODAY)
    assert rows(report) == [
        (
            2,
            "reject",
            f"tegenstrijdig met het antwoord van {TODAY:%d-%m-%Y} (behoort tot de populatie); vraag opnieuw aan",
        )
    ]


def test_answer_file_with_custom_columns(store, asked, tmp_path):
    _, (noah, emma) = asked
    cfg = Config.model_validate(
        {
            "portaal_id": "GPB12AB",
            "portaal_kolommen": {
                "antwoordbestand": {
                    "bsn": "Burgerservicenummer",
                    "resultaat": "Kindregeling",
                    "ja": ["Valt eronder"],
                    "nee": ["Valt erbuiten"],
                }
            },
        }
    )
    p = write_xlsx(
        tmp_path / "a.xlsx", [["Burgerservicenummer", "Kindregeling"], [noah.bsn, "valt eronder"], [emma.bsn, "ja"]]
    )
    report = import_list(store, cfg, "antwoord", p, dry_run=False, today=TODAY)
    assert rows(report) == [
        (2, "update", "Noah Jansen: behoort tot de populatie"),
        (3, "reject", "resultaat 'ja' onbekend; verwacht Valt eronder of Valt erbuiten"),
    ]


def test_header_only_file_is_nothing_to_do(store, config, tmp_path):
    p = write_xlsx(tmp_path / "a.xlsx", [["BSN", "Resultaat"]])
    with pytest.raises(NothingToDo, match="heeft geen regels onder de kopregel"):
        import_list(store, config, "antwoord", p, dry_run=False, today=TODAY)


# -- nieuwe aanmeldingen ---------------------------------------------------------------------------

HEAD = [
    "BSN",
    "Voornamen",
    "Tussenvoegsel",
    "Achternaam",
    "Geboortedatum",
    "Straat",
    "Huisnummer",
    "Toevoeging",
    "Postcode",
    "Woonplaats",
    "Telefoon",
    "E-mail",
    "BSN toeslagpartner",
    "Datum aanmelding",
]


def test_registrations_create_update_skip_reject(store, family, config, tmp_path):
    known = family.person("Fatima", "El Amrani", phone="06-11111111", postcode="3011 AA")
    partner = family.person("Mohamed", "El Amrani")
    b_new, b_bad, b_noname = next(family.bsns), next(family.bsns), next(family.bsns)
    received = days_ago(3)
    p = write_xlsx(
        tmp_path / "aanmeldingen.xlsx",
        [
            HEAD,
            [
                b_new,
                "Sanne",
                "van",
                "Dijk",
                date(1985, 4, 12),
                "Kerkstraat",
                12,
                "a",
                "3011ab",
                "Rotterdam",
                612345678,
                "sanne@voorbeeld.nl",
                partner.bsn,
                received,
            ],
            [
                known.bsn,
                "Fatima",
                None,
                "El Amrani",
                None,
                None,
                None,
                None,
                "3011 AA",
                None,
                "06-22222222",
                "f.elamrani@voorbeeld.nl",
                None,
                received,
            ],
            [b_bad, "Kees", None, "Smit", None, None, None, None, "12345", None, None, None, None, None],
            [b_noname, None, None, None, None, "Dorpsstraat", 1, None, None, None, None, None, None, None],
            [None] * 14,
            [
                b_new,
                "Sanne",
                "van",
                "Dijk",
                date(1985, 4, 12),
                "Kerkstraat",
                12,
                "a",
                "3011ab",
                "Rotterdam",
                612345678,
                "sanne@voorbeeld.nl",
                partner.bsn,
                received,
            ],
        ],
    )
    report = imports_are_identical(store, config, "aanmeldingen", p)
    new = store.persons.find_by_bsn(b_new)
    (case,) = store.cases.of_person(new.id)
    (known_case,) = store.cases.of_person(known.id)
    d = received.strftime("%d-%m-%Y")
    assert rows(report) == [
        (
            2,
            "create",
            f"Sanne van Dijk ingeschreven; toeslagpartner Mohamed El Amrani gekoppeld; zaak "
            f"{case.zaaknummer} geopend; ontvangst gegevens {d}; telefoonnummer als getal opgeslagen; "
            "voorloopnul hersteld",
        ),
        (
            3,
            "update",
            f"Fatima El Amrani: bijgewerkt: telefoon, e-mail; zaak {known_case.zaaknummer} geopend; "
            f"ontvangst gegevens {d}",
        ),
        (4, "reject", "postcode: postcode '12345' klopt niet (verwacht 1234 AB)"),
        (5, "reject", "staat niet in het register en de regel geeft geen voornamen en achternaam; niet toegevoegd"),
        (6, "skip", "lege regel"),
        (7, "skip", "dubbel: zelfde als regel 2; telefoonnummer als getal opgeslagen; voorloopnul hersteld"),
    ]
    assert (new.name, new.house_number, new.postcode, new.phone, new.birth_date) == (
        "Sanne van Dijk",
        "12a",
        "3011 AB",
        "0612345678",
        date(1985, 4, 12),
    )
    assert [(m.name, r.value) for m, r, _ in store.persons.household_of(new.id)] == [
        ("Sanne van Dijk", "aanvrager"),
        ("Mohamed El Amrani", "toeslagpartner"),
    ]
    # "Aanmelden kan tot 1 januari 2024": the unknown registration date is at the latest 31-12-2023
    assert event_steps(store, case.id) == [
        ("aanvraag_herbeoordeling", None, min(received, LAST_REGISTRATION)),
        ("ontvangst_gegevens", None, received),
    ]
    assert "datum van die aanmelding is niet bekend" in store.cases.events(case.id)[0].note
    view = store.cases.view(case.id, TODAY)
    assert {d.rule: d.due for d in view.running}["eerste_gesprek_voeren"] == received + timedelta(weeks=8)
    assert store.persons.find_by_bsn(known.bsn).phone == "06-22222222"
    assert store.persons.find_by_bsn(b_bad) is None and store.persons.find_by_bsn(b_noname) is None
    # Persons are never duplicated: one row per BSN.
    assert store.conn.execute("SELECT count(*) FROM persons WHERE bsn = ?", (b_new,)).fetchone()[0] == 1


def test_registration_name_mismatch_is_reported_not_changed(store, family, config, tmp_path):
    known = family.person("Fatima", "El Amrani")
    p = write_xlsx(tmp_path / "a.xlsx", [HEAD[:4], [known.bsn, "Fatma", None, "El-Amrani"]])
    report = import_list(store, config, "aanmeldingen", p, dry_run=False, today=TODAY)
    (case,) = store.cases.of_person(known.id)
    assert rows(report) == [
        (
            2,
            "update",
            f"Fatima El Amrani: zaak {case.zaaknummer} geopend; ontvangst gegevens "
            f"{TODAY:%d-%m-%Y}; let op: voornamen, achternaam in de lijst wijkt af van "
            "het register (niet gewijzigd)",
        )
    ]
    assert store.persons.get(known.id).given_names == "Fatima"


def test_the_derived_aanvraag_is_made_once_per_date_and_source(store):
    """derived_aanvraag: the step of a date and a source made once (a list repeats its dates), as the
    step of its own date; after the last day of registration on that day, with a note saying so."""
    handler = ListHandler(store, FileMeta("a.xlsx", "0" * 64, 1), 1, TODAY)
    handler.has_event = lambda *args: None  # (no aanvraag on the case)
    case = CaseRef(1, "HKO-2026-000001", Track.BREDE_ONDERSTEUNING, 1)
    first, again = (handler.derived_aanvraag(case, date(2023, 5, 1), "de lijst") for _ in range(2))
    assert first == again and first[0] is again[0] and first[0][2] == date(2023, 5, 1)
    (late,) = handler.derived_aanvraag(case, date(2024, 2, 1), "de lijst")
    assert late[2] == date(2023, 12, 31) and "de laatste dag waarop aanmelden kon" in late[3]
    (other,) = handler.derived_aanvraag(case, date(2023, 5, 1), "een andere lijst")
    assert other[3].startswith("Afgeleid uit een andere lijst (bestand a.xlsx)")


def test_names_are_compared_once_per_pair_of_the_lists_and_the_registers(store, family, config, tmp_path, monkeypatch):
    """Each row notes the names that differ from the register's (never changed by a list): compared
    once per pair of the row's and the register's names."""
    known = family.person("Fatima", "El Amrani")
    head = ["BSN", "Voornamen", "Achternaam", "Telefoon"]
    rows_ = [[known.bsn, "Fatma", "El-Amrani", f"06-1111111{i % 2}"] for i in range(4)]  # (a change each: not alike)
    rows_.append([known.bsn, "Fatima", "El Amrani", "06-22222222"])
    p = write_xlsx(tmp_path / "a.xlsx", [head, *rows_])
    compared = []
    real = portal_import._same_name
    monkeypatch.setattr(portal_import, "_same_name", lambda a, b: compared.append((a, b)) or real(a, b))
    report = import_list(store, config, "aanmeldingen", p, dry_run=False, today=TODAY)
    note = "let op: voornamen, achternaam in de lijst wijkt af van het register (niet gewijzigd)"
    assert [note in o.notes for o in report.outcomes] == [True] * 4 + [False]
    assert compared == [("Fatma", "Fatima"), ("El-Amrani", "El Amrani")]


def test_a_row_like_an_earlier_one_of_the_person_is_judged_against_the_register_as_it_is_now(
    store, family, config, tmp_path
):
    """A row with the same fields as an earlier row of the person that changed nothing changes
    nothing and notes the same names (the import remembers that row); once a row between them
    changed the person, it is compared with the register afresh."""
    known = family.person("Fatima", "El Amrani")
    head = ["BSN", "Voornamen", "Achternaam", "Telefoon", "Geboortedatum"]
    first = [known.bsn, "Fatma", "El-Amrani", "06-11111111", date(1990, 5, 1)]
    other = [known.bsn, "Fatima", "El Amrani", "06-22222222", date(1990, 5, 1)]
    p = write_xlsx(tmp_path / "a.xlsx", [head, first, first, other, first, first, other])
    report = import_list(store, config, "aanmeldingen", p, dry_run=False, today=TODAY)
    note = "let op: voornamen, achternaam in de lijst wijkt af van het register (niet gewijzigd)"
    got = [(o.action, o.text.removeprefix("Fatima El Amrani: "), o.notes) for o in report.outcomes]
    assert got[1:] == [
        ("skip", "dubbel: zelfde als regel 2", [note]),
        ("update", "bijgewerkt: telefoon", ["ook in regel 2"]),
        ("update", "bijgewerkt: telefoon", [note, "ook in regel 2"]),
        ("skip", "dubbel: zelfde als regel 2", [note]),
        ("update", "bijgewerkt: telefoon", ["ook in regel 2"]),
    ]
    assert got[0][0] == "update" and got[0][2] == [note]
    person = store.persons.get(known.id)
    assert (person.phone, person.birth_date) == ("06-22222222", date(1990, 5, 1))


def test_a_registration_names_what_it_changed_contact_data_first_then_what_the_register_lacked(
    store, family, config, tmp_path
):
    """Each row that changes a person names the fields it changed, the contact data in the list's
    order, then a birth date the register lacked; another kind of change, another text (the text of
    each kind is made once)."""
    known = family.person("Fatima", "El Amrani")
    head = ["BSN", "Voornamen", "Achternaam", "Geboortedatum", "Telefoon", "E-mail", "Straat"]
    p = write_xlsx(
        tmp_path / "a.xlsx",
        [
            head,
            [known.bsn, "Fatima", "El Amrani", date(1990, 5, 1), "06-11111111", None, None],
            [known.bsn, "Fatima", "El Amrani", date(1990, 5, 1), "06-22222222", "f@voorbeeld.nl", None],
            [known.bsn, "Fatima", "El Amrani", date(1990, 5, 1), "06-11111111", None, None],
            [known.bsn, "Fatima", "El Amrani", date(1991, 5, 1), "06-11111111", None, "Kerkstraat"],
        ],
    )
    report = import_list(store, config, "aanmeldingen", p, dry_run=False, today=TODAY)
    got = [(o.action, o.text.removeprefix("Fatima El Amrani: ").split("; ")[0], o.notes) for o in report.outcomes]
    assert got == [
        ("update", "bijgewerkt: telefoon, geboortedatum", []),
        ("update", "bijgewerkt: telefoon, e-mail", ["ook in regel 2"]),
        ("update", "bijgewerkt: telefoon", ["ook in regel 2"]),  # (an empty cell changes nothing)
        (
            "update",
            "bijgewerkt: straat",
            ["let op: geboortedatum in de lijst wijkt af van het register (niet gewijzigd)", "ook in regel 2"],
        ),
    ]
    person = store.persons.get(known.id)
    assert (person.birth_date, person.phone, person.email, person.street) == (
        date(1990, 5, 1),
        "06-11111111",
        "f@voorbeeld.nl",
        "Kerkstraat",
    )


def test_registration_refused_by_the_engine_keeps_the_contact_update(store, family, config, tmp_path):
    known = family.person("Kees", "Smit")
    case = store.cases.open(known.id, "brede_ondersteuning", opened=days_ago(30))
    store.cases.record_event(case.id, "aanvraag_herbeoordeling", days_ago(10))
    p = write_xlsx(
        tmp_path / "a.xlsx",
        [HEAD[:4] + ["Telefoon", "Datum"], [known.bsn, "Kees", None, "Smit", "06-12341234", days_ago(20)]],
    )
    report = import_list(store, config, "aanmeldingen", p, dry_run=False, today=TODAY)
    (row,) = rows(report)
    assert row[:2] == (2, "update")
    assert row[2].startswith(
        "Kees Smit: bijgewerkt: telefoon; ontvangst gegevens niet vastgelegd: De datum "
        f"{days_ago(20):%d-%m-%Y} ligt vóór"
    )
    assert event_steps(store, case.id) == [("aanvraag_herbeoordeling", None, days_ago(10))]


# -- negatieve beschikkingen -----------------------------------------------------------------------


def test_negative_decisions_start_the_wind_down(store, family, config, tmp_path):
    ouder = family.person("Anna", "Jansen")
    bo = store.cases.open(ouder.id, "brede_ondersteuning", opened=days_ago(90))
    store.cases.record_event(bo.id, "aanvraag_herbeoordeling", days_ago(80))
    sa = store.cases.open(ouder.id, "schuldenaanpak", opened=days_ago(90))
    for step in ("aanvraag_herbeoordeling", "start_pauzeknop"):
        store.cases.record_event(sa.id, step, days_ago(80))
    # A second parent whose schuldenaanpak case has no pauzeknop yet: the engine refuses the eerste
    # toets there, which is reported on the row while the brede ondersteuning case gets it.
    tweede = family.person("Sevda", "Kaya")
    tbo = store.cases.open(tweede.id, "brede_ondersteuning", opened=days_ago(90))
    store.cases.record_event(tbo.id, "aanvraag_herbeoordeling", days_ago(80))
    tsa = store.cases.open(tweede.id, "schuldenaanpak", opened=days_ago(90))
    store.cases.record_event(tsa.id, "aanvraag_herbeoordeling", days_ago(80))
    zelfmelder = family.person("Piet", "Bakker")
    zbo = store.cases.open(zelfmelder.id, "brede_ondersteuning", opened=days_ago(60))
    store.cases.record_event(zbo.id, "aanmelding_gemeente", days_ago(60))
    geen_toets = family.person("Kees", "Smit")
    gbo = store.cases.open(geen_toets.id, "brede_ondersteuning", opened=days_ago(60))
    store.cases.record_event(gbo.id, "aanvraag_herbeoordeling", days_ago(60))
    zonder_zaak = family.person("Ilse", "Visser")
    onbekend = next(family.bsns)
    besluit = days_ago(5)
    p = write_xlsx(
        tmp_path / "negatief.xlsx",
        [
            ["BSN", "Datum beschikking", "Soort"],
            [ouder.bsn, besluit, "Eerste toets"],
            [tweede.bsn, besluit, "eerste toets"],
            [zelfmelder.bsn, besluit.strftime("%d-%m-%Y"), "ET"],
            [geen_toets.bsn, besluit, "integrale beoordeling"],
            [zonder_zaak.bsn, besluit, "eerste toets"],
            [onbekend, besluit, "eerste toets"],
            [ouder.bsn, besluit, "onbekend"],
            [ouder.bsn, date(2999, 1, 1), "eerste toets"],
        ],
    )
    report = imports_are_identical(store, config, "negatief", p)
    due = (besluit + timedelta(days=30)).strftime("%d-%m-%Y")
    title = "Eerste toets: Niet gedupeerd"
    assert rows(report) == [
        (2, "update", f"Anna Jansen: {title} op BO {bo.zaaknummer}, afbouw uiterlijk {due}; SA {sa.zaaknummer}"),
        (
            3,
            "update",
            f"Sevda Kaya: {title} op BO {tbo.zaaknummer}, afbouw uiterlijk {due}; niet vastgelegd: SA "
            f"{tsa.zaaknummer}: Eerste toets kan pas na Invorderaar ontvangt gegevens – start publieke "
            "pauzeknop.",
        ),
        (4, "update", f"Piet Bakker: {title} op BO {zbo.zaaknummer}, afbouw uiterlijk {due}"),
        (
            5,
            "reject",
            f"BO {gbo.zaaknummer}: Toekenning PZB en integrale beoordeling kan pas na eerste toets: "
            "Gedupeerd of na eerste toets: Geen uitsluitsel.",
        ),
        (
            6,
            "reject",
            "Ilse Visser heeft geen zaak brede ondersteuning of schuldenaanpak; de beschikking is niet vastgelegd",
        ),
        (7, "reject", "staat niet in het register; een beschikking wordt niet aan een onbekende persoon toegevoegd"),
        (8, "reject", "soort beschikking 'onbekend' onbekend; verwacht eerste toets of integrale beoordeling"),
        (9, "reject", "datum beschikking 01-01-2999 ligt in de toekomst"),
    ]
    view = store.cases.view(bo.id, TODAY)
    (afbouw,) = [d for d in view.running if d.rule == "afbouw_brede_ondersteuning"]
    assert afbouw.due == besluit + timedelta(days=30)
    assert sorted(event_steps(store, zbo.id), key=lambda e: (e[2], e[0])) == sorted(
        [
            ("aanmelding_gemeente", None, days_ago(60)),
            ("aanvraag_herbeoordeling", None, min(besluit, LAST_REGISTRATION)),
            ("eerste_toets", "niet_gedupeerd", besluit),
        ],
        key=lambda e: (e[2], e[0]),
    )
    assert event_steps(store, gbo.id) == [("aanvraag_herbeoordeling", None, days_ago(60))]
    # Again, in a CSV: the row logic itself says "staat er al".
    again = write_csv(tmp_path / "negatief.csv", [["BSN", "Datum", "Soort"], [ouder.bsn, besluit.isoformat(), "et"]])
    report = import_list(store, config, "negatief", again, dry_run=False, today=TODAY)
    assert rows(report) == [(2, "skip", f"staat er al (BO {bo.zaaknummer}, SA {sa.zaaknummer})")]


def test_negative_list_without_kind_column_uses_the_configured_default(store, family, tmp_path):
    ouder = family.person("Anna", "Jansen")
    bo = store.cases.open(ouder.id, "brede_ondersteuning", opened=days_ago(90))
    for step, outcome in (("aanvraag_herbeoordeling", None), ("eerste_toets", "geen_uitsluitsel")):
        store.cases.record_event(bo.id, step, days_ago(80), outcome=outcome)
    p = write_xlsx(tmp_path / "n.xlsx", [["BSN", "Datum"], [ouder.bsn, days_ago(2)]])
    refused = import_list(store, Config(portaal_id="GPB12AB"), "negatief", p, dry_run=True, today=TODAY)
    assert rows(refused) == [(2, "reject", "soort beschikking ontbreekt (eerste toets of integrale beoordeling)")]
    cfg = Config.model_validate(
        {"portaal_kolommen": {"negatieve_beschikkingen": {"standaard_soort": "integrale_beoordeling"}}}
    )
    done = import_list(store, cfg, "negatief", p, dry_run=False, today=TODAY)
    assert rows(done)[0][1] == "update"
    assert store.cases.view(bo.id, TODAY).outcome == "niet_gedupeerd"


# -- invordering -----------------------------------------------------------------------------------


def test_collector_list_pauzeknop(store, family, config, tmp_path):
    ouder = family.person("Anna", "Jansen")
    nieuw, naamloos, einde_te_vroeg = next(family.bsns), next(family.bsns), next(family.bsns)
    start = days_ago(20)
    p = write_xlsx(
        tmp_path / "invordering.xlsx",
        [
            ["BSN", "Pauzeknop", "Datum", "Voornamen", "Achternaam"],
            [ouder.bsn, "start", start, None, None],
            [nieuw, "Start", start, "Mohamed", "El Amrani"],
            [naamloos, "start", start, None, None],
            [einde_te_vroeg, "einde", start, "Kees", "Smit"],
            [ouder.bsn, "einde", days_ago(1), None, None],
            [ouder.bsn, "start", start, None, None],
            [ouder.bsn, "pauze", start, None, None],
        ],
    )
    report = imports_are_identical(store, config, "invordering", p)
    (sa,) = store.cases.of_person(ouder.id)
    new = store.persons.find_by_bsn(nieuw)
    (nsa,) = store.cases.of_person(new.id)
    d = start.strftime("%d-%m-%Y")
    engine = (
        "Einde publieke pauzeknop – invorderaar ontvangt gegevens kan pas na eerste toets: Niet gedupeerd of "
        "na integrale beoordeling: Niet gedupeerd."
    )
    assert rows(report) == [
        (2, "update", f"Anna Jansen: zaak {sa.zaaknummer} geopend; start pauzeknop {d} ({sa.zaaknummer})"),
        (
            3,
            "create",
            f"Mohamed El Amrani ingeschreven; zaak {nsa.zaaknummer} geopend; start pauzeknop {d} ({nsa.zaaknummer})",
        ),
        (4, "reject", "staat niet in het register en de regel geeft geen voornamen en achternaam; niet toegevoegd"),
        (5, "reject", engine),
        (6, "reject", engine),
        (7, "skip", f"staat er al (Anna Jansen, {sa.zaaknummer}, {d})"),
        (8, "reject", "pauzeknop 'pauze' onbekend; verwacht start of einde"),
    ]
    assert sa.track.value == "schuldenaanpak"
    assert event_steps(store, sa.id) == [
        ("aanvraag_herbeoordeling", None, min(start, LAST_REGISTRATION)),
        ("start_pauzeknop", None, start),
    ]
    # The refused row of an unknown person left nothing behind: no person, no case.
    assert store.persons.find_by_bsn(einde_te_vroeg) is None


# -- all or nothing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError("stroom weg"), sqlite3.OperationalError("disk I/O error")])
def test_an_import_that_fails_halfway_leaves_the_database_unchanged(
    store, family, config, tmp_path, monkeypatch, error
):
    family.person("Fatima", "El Amrani")
    bsns = [next(family.bsns) for _ in range(5)]
    p = write_xlsx(tmp_path / "a.xlsx", [HEAD[:4], *[[b, "Kees", None, f"Smit{i}"] for i, b in enumerate(bsns)]])
    before = dump(store)
    with failing_event(6, error) as calls, pytest.raises((RuntimeError, StoreError)):  # the third row's first event
        import_list(store, config, "aanmeldingen", p, dry_run=False, today=TODAY)
    assert calls["n"] == 6
    assert dump(store) == before
    # The file was not recorded as imported: it can be read again.
    done = import_list(store, config, "aanmeldingen", p, dry_run=False, today=TODAY)
    assert done.counts["create"] == 5


def test_unreadable_file_changes_nothing(store, config, tmp_path):
    before = dump(store)
    (tmp_path / "x.xlsx").write_bytes(b"")
    with pytest.raises(PortalFileError):
        import_list(store, config, "negatief", tmp_path / "x.xlsx", dry_run=False, today=TODAY)
    assert dump(store) == before


def test_audit_of_an_import_has_counts_and_no_bsn(store, family, config, tmp_path):
    b = next(family.bsns)
    p = write_xlsx(tmp_path / "a.xlsx", [HEAD[:4], [b, "Kees", None, "Smit"]])
    report = import_list(store, config, "aanmeldingen", p, dry_run=False, today=TODAY)
    (entry,) = [a for a in store.audit.entries() if a.entity == "portaalbestand"]
    assert entry.entity_id == report.file_id
    assert entry.detail == {
        "bestand": "a.xlsx",
        "soort": "aanmeldingen",
        "sha256": report.file.sha256[:16],
        "create": 1,
        "update": 0,
        "skip": 0,
        "reject": 0,
    }
    assert all(b not in str(a.detail) for a in store.audit.entries())


def test_negative_decision_already_on_one_case_and_refused_on_the_other(store, family, config, tmp_path):
    ouder = family.person("Yvonne", "Huisman")
    bo = store.cases.open(ouder.id, "brede_ondersteuning", opened=days_ago(90))
    store.cases.record_event(bo.id, "aanvraag_herbeoordeling", days_ago(80))
    store.cases.record_event(bo.id, "eerste_toets", days_ago(7), outcome="niet_gedupeerd")
    sa = store.cases.open(ouder.id, "schuldenaanpak", opened=days_ago(90))
    for step, outcome in (("aanvraag_herbeoordeling", None), ("start_pauzeknop", None), ("eerste_toets", "gedupeerd")):
        store.cases.record_event(sa.id, step, days_ago(60), outcome=outcome)
    p = write_xlsx(tmp_path / "n.xlsx", [["BSN", "Datum", "Soort"], [ouder.bsn, days_ago(5), "eerste toets"]])
    before = dump(store)
    report = import_list(store, config, "negatief", p, dry_run=False, today=TODAY)
    assert rows(report) == [
        (
            2,
            "reject",
            f"SA {sa.zaaknummer}: Eerste toets heeft al de uitkomst Gedupeerd "
            f"(vastgelegd op {days_ago(60):%d-%m-%Y}). Een andere uitkomst kan alleen "
            f"als correctie, met een reden.; staat er al: BO {bo.zaaknummer}",
        )
    ]
    after = dump(store)
    assert [line for line in after.splitlines() if 'INSERT INTO "events"' in line] == [
        line for line in before.splitlines() if 'INSERT INTO "events"' in line
    ]


def test_values_checked_once_per_list_give_the_same_refusals_and_values(store, config, tmp_path):
    """Issue 18: each (column, value) goes through the person model once per list; a row with known
    values and a bad one is refused with the same message as the first row with that bad value,
    and accepted values come out as the model makes them, however often they repeat."""
    from tests.support.data import TEST_BSNS

    head = ["BSN", "Voornamen", "Achternaam", "Postcode", "Email", "Datum aanmelding"]
    data = [head]
    for i in range(6):
        postcode = "12345" if i in (1, 4) else "3011ab"
        data.append([TEST_BSNS[i], "Sam", f"Smit{i}", postcode, "SAM@Voorbeeld.NL " if i % 2 else None, days_ago(3)])
    path = write_xlsx(tmp_path / "aanmeldingen.xlsx", data)
    plan = import_list(store, config, "aanmeldingen", path, dry_run=True, today=TODAY)
    refused = [(o.row, o.text) for o in plan.outcomes if o.action == "reject"]
    assert [r for r, _ in refused] == [3, 6]
    assert refused[0][1] == refused[1][1] and "postcode" in refused[0][1]
    import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    rows = store.conn.execute("SELECT postcode, email FROM persons ORDER BY id").fetchall()
    assert {r[0] for r in rows} == {"3011 AB"} and len(rows) == 4
    assert {r[1] for r in rows} == {None, store.persons.find_by_bsn(TEST_BSNS[3]).email}


def test_the_garbage_collector_is_paused_for_an_import_and_as_it_was_after(store, config, tmp_path, monkeypatch):
    """Issue 18: the cyclic collector is off while a list is read, parsed and applied (it walked the
    rows again and again), and on again afterwards, also when the import fails; left off when it was
    off."""
    import gc

    from herstel_tui.services import portal_import
    from herstel_tui.store.base import collector_paused

    path = write_xlsx(tmp_path / "a.xlsx", [["BSN", "Voornamen", "Achternaam"], ["999900006", "Anna", "Jansen"]])
    during = []
    real = portal_import._apply

    def watching(*a, **k):
        during.append(gc.isenabled())
        return real(*a, **k)

    monkeypatch.setattr(portal_import, "_apply", watching)
    assert gc.isenabled()
    import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    assert during == [False] and gc.isenabled()
    with pytest.raises(AlreadyImported):
        import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    empty = write_xlsx(tmp_path / "leeg.xlsx", [["BSN", "Voornamen", "Achternaam"]])
    with pytest.raises(NothingToDo):
        import_list(store, config, "aanmeldingen", empty, dry_run=False, today=TODAY)
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_dry_run_sends_nothing_once_its_rows_are_decided(store, config, tmp_path, monkeypatch):
    """Issue 18: a dry run's copy is thrown away unread, so when its rows are decided what the batch
    holds is not sent and no case's index row is written; its report is still the real run's, and
    the real run sends and indexes everything."""
    from herstel_tui.store.cases import CaseRepository
    from herstel_tui.store.import_batch import ImportBatch
    from tests.support.data import TEST_BSNS

    head = ["BSN", "Voornamen", "Achternaam", "Telefoon", "Datum aanmelding", "BSN toeslagpartner"]
    data = [head]
    for i in range(8):  # new persons, repeats, and a partner linked through the repositories midway
        partner = TEST_BSNS[1] if i == 4 else None
        data.append([TEST_BSNS[i % 6], "Sam", f"Smit{i % 6}", f"06-1234567{i % 3}", days_ago(3), partner])
    data.append([TEST_BSNS[7], "Noor", "Visser", None, days_ago(2), None])
    path = write_xlsx(tmp_path / "aanmeldingen.xlsx", data)
    dropped: list[int] = []
    indexed: list[int] = []
    discard, refresh = ImportBatch.discard, CaseRepository.refresh_index

    def counting_discard(self):
        dropped.append(sum(len(rows) for rows in self.pending.values()))
        return discard(self)

    def counting_refresh(self, case_ids, today=None):
        indexed.extend(case_ids)
        return refresh(self, case_ids, today)

    monkeypatch.setattr(ImportBatch, "discard", counting_discard)
    monkeypatch.setattr(CaseRepository, "refresh_index", counting_refresh)
    before = dump(store)
    plan = import_list(store, config, "aanmeldingen", path, dry_run=True, today=TODAY)
    assert dump(store) == before
    # the rows after the partner's (sent through the repositories): held, and dropped
    assert len(dropped) == 1 and dropped[0] > 0 and indexed == []
    done = import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    assert rows(plan) == rows(done) and done.counts["create"] == 7
    ids = [r[0] for r in store.conn.execute("SELECT id FROM cases ORDER BY id")]
    assert len(dropped) == 1 and sorted(set(indexed)) == ids and len(ids) == 7
    assert store.conn.execute("SELECT count(*) FROM case_summary").fetchone()[0] == 7
