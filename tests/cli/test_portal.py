"""``herstel portaal …`` through click's CliRunner: output, exit codes, nothing changed on errors."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from herstel_tui.settings.resources import open_store
from tests.support.portal import PORTAL_ID, TEST_BSNS, TODAY, Family, days_ago, dump, portal_reads, write_xlsx

STAMP = TODAY.strftime("%Y%m%d")
WHEN = TODAY.strftime("%d-%m-%Y")


@pytest.fixture
def db(db_path):
    """A register with one household: Anna Jansen (case) with children Noah (own case) and Emma."""
    path = db_path
    with open_store(path, "t.tester") as s:
        fam = Family(s)
        parent, kids = fam.household("Anna", "Jansen", ["Noah", "Emma"], kid_case="Noah")
        fam.household("Piet", "Bakker", ["Sem"])
    return path


def open_db(path):
    return open_store(path, "t.tester")


def fits(text: str) -> bool:
    """Every line fits 80 columns, except a line that is only a path (never wrapped)."""
    return all(len(line) <= 80 or line.strip().startswith("/") for line in text.splitlines())


def path_line(label: str, path) -> str:
    text = f"{label} {path}"
    return text if len(text) <= 80 else f"{label}\n  {path}"


def test_vraagbestand_dry_run_lists_who_goes_in(cli, db, tmp_path):
    code, out, err = cli("portaal", "vraagbestand", "--droog")
    assert code == 0, err
    b = TEST_BSNS
    assert out == (
        "Vraagbestand kindregeling: 3 kinderen (proefdraai; er is niets geschreven)\n"
        + path_line("Bestand:", tmp_path / "export" / f"VK-{PORTAL_ID}-Kindregeling_{STAMP}.xlsx")
        + "\n"
        "  BSN        naam                            geboren     status\n"
        f"  ******{b[4][-3:]}  Sem Bakker                      01-01-2010  nog niet geverifieerd\n"
        f"  ******{b[2][-3:]}  Emma Jansen                     01-01-2010  nog niet geverifieerd\n"
        f"  ******{b[1][-3:]}  Noah Jansen                     01-01-2010  nog niet geverifieerd\n"
    )
    assert not (tmp_path / "export").exists()
    assert fits(out)


def test_vraagbestand_writes_records_and_then_has_nothing_left(cli, db, tmp_path):
    code, out, err = cli("portaal", "vraagbestand")
    assert code == 0, err
    path = tmp_path / "export" / f"VK-{PORTAL_ID}-Kindregeling_{STAMP}.xlsx"
    assert out == (
        path_line("Vraagbestand geschreven:", path) + "\n"
        f"3 BSN's; verificatie aangevraagd op {WHEN}, vastgelegd bij 3 kinderen en als\n"
        "notitie op 3 zaken.\n"
        "Upload het bestand in het gegevensportaal; verander niets aan inhoud of naam.\n"
    )
    assert portal_reads(path, portal_id=PORTAL_ID, date=STAMP) == ([], 3)
    assert not any(b in out for b in TEST_BSNS[:10])  # no full BSN on screen
    code, out, err = cli("portaal", "vraagbestand")
    assert code == 1 and out == ""
    assert err.startswith("Geen kinderen om te verifiëren")
    assert fits(err)


def test_second_export_same_day_is_refused(cli, db, tmp_path):
    cli("portaal", "vraagbestand", "--bsn", TEST_BSNS[1])
    with open_db(db) as s:
        before = dump(s)
    code, out, err = cli("portaal", "vraagbestand", "--bsn", TEST_BSNS[2])
    assert code == 2
    assert "bestaat al" in err and "Er is niets overschreven" in err
    with open_db(db) as s:
        assert dump(s) == before


def test_invalid_bsns_stop_everything_and_are_all_listed(cli, db, tmp_path):
    lijst = tmp_path / "kinderen.txt"
    lijst.write_text(f"BSN\n{TEST_BSNS[1]}\n\n123456789\n{TEST_BSNS[0]}\n", encoding="utf-8")
    with open_db(db) as s:
        before = dump(s)
    code, out, err = cli("portaal", "vraagbestand", "--bsn", TEST_BSNS[2], "--bsn", "99990000", "--uit", str(lijst))
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        "Fout: 3 BSN's kunnen niet in het vraagbestand; er is niets geschreven en niets",
        "  vastgelegd:",
        "  --bsn 2: *****000: klopt niet (elfproef)",
        "  kinderen.txt regel 4: ******789: klopt niet (elfproef)",
        f"  kinderen.txt regel 5: ******{TEST_BSNS[0][-3:]}: is in geen huishouden als kind ingeschreven",
    ]
    with open_db(db) as s:
        assert dump(s) == before
    assert not (tmp_path / "export").exists()


def test_chosen_children_and_duplicates(cli, db, tmp_path):
    code, out, err = cli(
        "portaal",
        "vraagbestand",
        "--bsn",
        TEST_BSNS[1],
        "--bsn",
        f" {TEST_BSNS[1]} ",
        "--bsn",
        TEST_BSNS[2],
        "--map",
        str(tmp_path / "elders"),
    )
    assert code == 0, err
    assert "2 BSN's" in out and "1 dubbele BSN's weggelaten." in out
    assert (tmp_path / "elders" / f"VK-{PORTAL_ID}-Kindregeling_{STAMP}.xlsx").exists()


def test_no_portal_id(cli, db, tmp_path):
    cfg = tmp_path / "zonder.toml"
    cfg.write_text(f'exportmap = "{tmp_path / "export"}"\n', encoding="utf-8")
    code, out, err = cli("portaal", "vraagbestand", config=cfg)
    assert code == 2
    assert err.startswith("Fout: Er is geen portaal-id ingesteld")
    code, out, err = cli("portaal", "vraagbestand", "--droog", config=cfg)
    assert code == 0 and "Bestand: geen (Er is geen portaal-id ingesteld" in out and fits(out)


def test_antwoord_dry_run_then_apply_then_again(cli, db, tmp_path):
    cli("portaal", "vraagbestand")
    p = write_xlsx(
        tmp_path / "antwoord.xlsx",
        [["BSN", "Resultaat"], [TEST_BSNS[1], "ja"], [TEST_BSNS[2], "nee"], [TEST_BSNS[9], "ja"]],
    )
    with open_db(db) as s:
        before = dump(s)
    code, out, err = cli("portaal", "antwoord", str(p), "--droog")
    assert code == 0, err
    with open_db(db) as s:
        assert dump(s) == before
    b = TEST_BSNS
    assert out == (
        "Antwoordbestand kindregeling: antwoord.xlsx\n"
        "  werkblad 'Blad1', kopregel op regel 1\n"
        "Proefdraai: er is niets gewijzigd. Zonder --droog wordt dit in één keer verwerkt.\n"
        " regel  actie         BSN        toelichting\n"
        f"     2  bijgewerkt    ******{b[1][-3:]}  Noah Jansen: behoort tot de populatie\n"
        f"     3  bijgewerkt    ******{b[2][-3:]}  Emma Jansen: behoort niet tot de populatie\n"
        f"     4  afgewezen     ******{b[9][-3:]}  dit BSN is niet gevraagd in een vraagbestand;\n"
        "                                 niet toegevoegd\n"
        "Zou geven: 0 nieuw, 2 bijgewerkt, 0 overgeslagen, 1 afgewezen (3 regels).\n"
    )
    code, out2, err = cli("portaal", "antwoord", str(p))
    assert code == 0
    assert out2.replace("Verwerkt:", "Zou geven:") == out.replace(
        "Proefdraai: er is niets gewijzigd. Zonder --droog wordt dit in één keer verwerkt.\n", ""
    )
    code, out, err = cli("portaal", "antwoord", str(p))
    assert code == 1 and out == ""
    assert err.startswith("antwoord.xlsx is al ingelezen op ")


def test_lijst_summary_and_unreadable_file(cli, db, tmp_path):
    rows = [["BSN", "Voornamen", "Achternaam", "Postcode"]]
    rows += [[b, "Kees", f"Smit{i}", "3011 AB"] for i, b in enumerate(TEST_BSNS[20:25])]
    rows += [["123456789", "X", "Y", None], [TEST_BSNS[20], "Kees", "Smit0", "3011 AB"]]
    p = write_xlsx(tmp_path / "aanmeldingen.xlsx", rows)
    code, out, err = cli("portaal", "lijst", "aanmeldingen", str(p), "--samenvatting")
    assert code == 0, err
    assert out.splitlines() == [
        "Nieuwe aanmeldingen: aanmeldingen.xlsx",
        "  werkblad 'Blad1', kopregel op regel 1",
        " regel  actie         BSN        toelichting",
        "     7  afgewezen     —          BSN ******789 klopt niet (elfproef)",
        "  overgeslagen, dubbel: zelfde als regel 2: 1 regel(s)",
        "Verwerkt: 5 nieuw, 0 bijgewerkt, 1 overgeslagen, 1 afgewezen (7 regels).",
    ]
    (tmp_path / "kapot.xlsx").write_bytes(b"geen excel")
    with open_db(db) as s:
        before = dump(s)
    code, out, err = cli("portaal", "lijst", "negatief", str(tmp_path / "kapot.xlsx"))
    assert code == 2 and out == ""
    assert err.startswith("Fout: kapot.xlsx is geen Excel-bestand (.xlsx).")
    with open_db(db) as s:
        assert dump(s) == before
    (tmp_path / "leeg.csv").write_bytes(b"")
    code, out, err = cli("portaal", "lijst", "invordering", str(tmp_path / "leeg.csv"))
    assert (code, err) == (2, "Fout: leeg.csv is leeg (0 bytes); er is niets ingelezen\n")
    code, out, err = cli("portaal", "lijst", "onzin", str(p))
    assert code == 2 and "onzin" in err


def test_lijst_negatief_output(cli, db, tmp_path):
    with open_db(db) as s:
        parent = s.persons.find_by_bsn(TEST_BSNS[0])
        (case,) = s.cases.of_person(parent.id)
        s.cases.record_event(case.id, "aanvraag_herbeoordeling", days_ago(30))
    p = write_xlsx(
        tmp_path / "negatief.xlsx", [["BSN", "Datum beschikking", "Soort"], [TEST_BSNS[0], days_ago(2), "eerste toets"]]
    )
    code, out, err = cli("portaal", "lijst", "negatief", str(p))
    assert code == 0, err
    due = days_ago(2).toordinal() + 30
    assert (
        f"Anna Jansen: Eerste toets: Niet gedupeerd op BO {case.zaaknummer}, afbouw uiterlijk "
        f"{date.fromordinal(due):%d-%m-%Y}"
    ) in " ".join(line.strip() for line in out.splitlines())
    assert fits(out)


def test_verificatiecode_show_and_import(cli, db, tmp_path):
    code, out, err = cli("portaal", "verificatiecode")
    assert code == 1 and "nog geen verificatiecode" in err and fits(err)
    stamp = days_ago(10)
    p = write_xlsx(
        tmp_path / f"VC-{PORTAL_ID}-verificatiecode_Gemeentedesk_{stamp:%Y%m%d}.xlsx", [["Verificatiecode", "AB12CD34"]]
    )
    code, out, err = cli("portaal", "verificatiecode", str(p))
    assert code == 0, err
    until = stamp + relativedelta(months=6)
    assert out.splitlines() == [
        f"Ingelezen: {p.name}",
        "  - code gevonden bij het label 'Verificatiecode' (werkblad 'Blad1')",
        "  - geldigheid: datum in de naam + 6 maanden",
        "Verificatiecode Serviceteam UHT (0800-2358358): AB12CD34",
        f"Geldig van {stamp:%d-%m-%Y} tot en met {until:%d-%m-%Y} (nog {(until - TODAY).days} dagen).",
        f"Bestand: {p.name}",
        f"Ingelezen op {WHEN}.",
    ]
    code, out2, err = cli("portaal", "verificatiecode")
    assert code == 0 and out2.splitlines() == out.splitlines()[3:]
    code, out, err = cli("portaal", "verificatiecode", str(p))
    assert code == 1 and "al ingelezen" in err


def test_help_fits_80_columns(cli):
    for args in (["portaal", "--help"], ["portaal", "vraagbestand", "--help"], ["portaal", "lijst", "--help"]):
        code, out, err = cli(*args)
        assert code == 0
        assert fits(out), out
