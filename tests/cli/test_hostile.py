"""Issue 15: hostile text through the command line. Data in is refused or cleaned; data out never
carries an escape sequence to the terminal, a formula to a spreadsheet, or an XML-illegal
character to a document.

The hostile rows are written straight into the database with sqlite3 (as a tool that bypasses the
policy, or a row from before migration 9, would), so every exporter is tested on its own defence.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import timedelta

import openpyxl
import pytest
from click.testing import CliRunner

from herstel_tui.cli.main import main
from herstel_tui.domain.models import Person
from herstel_tui.settings.resources import open_store
from tests.support.data import BSN_A, TODAY

pytestmark = pytest.mark.usefixtures("pinned_today")  # these tests mean TODAY

# What an attacker types or smuggles in through a file: clear screen, window title (OSC 0), clipboard
# write (OSC 52), hyperlink (OSC 8), CR + erase line, an 8-bit CSI, NUL, BEL, a bidi override.
ESCAPES = (
    "\x1b[2J",
    "\x1b]0;gehackt\x07",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x1b]8;;http://evil.example\x1b\\klik\x1b]8;;\x1b\\",
    "\r\x1b[K",
    "\x9b31m",
    "\x00",
    "\x07",
    "\u202e",
)
HOSTILE_NAME = "Anna\x1b]0;gehackt\x07\x1b[2J\x00\x07"
FORMULA_SURNAME = '=HYPERLINK("http://evil.example","klik")'
FORMULA_WORKER = "@SUM(1+1)\x1b[31m"
HOSTILE_NOTE = "Gebeld\x1b]52;c;ZXZpbA==\x07\r\x1b[Kniets aan de hand\x9b31m\u202eesrever"
HOSTILE_COST = "Taxi\x1b[31m"
FORMULA_COST = "=1+1"
CONTROL_OR_ESC = ["\x1b", "\x07", "\x00", "\r", "\x9b", "\u202e"]


def no_controls(text: str) -> bool:
    return not any(c in text for c in CONTROL_OR_ESC)


@pytest.fixture
def env(tmp_path):
    db = tmp_path / "h.db"
    export = tmp_path / "export"
    export.mkdir()
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'gemeente = "Gemeente Proefstad"\nmedewerker = "=cmd|\' /C calc\'!A0"\nexportmap = "{export}"\n',
        encoding="utf-8",
    )
    with open_store(db, "t.tester") as s:
        anna = s.persons.add(Person(bsn=BSN_A, given_names="Anna", surname="Jansen"))
        case = s.cases.open(anna.id, "brede_ondersteuning", opened=TODAY - timedelta(days=40), caseworker="m.kaya")
        s.cases.record_event(case.id, "aanmelding_gemeente", TODAY - timedelta(days=40))
        s.cases.record_event(case.id, "eerste_gesprek", TODAY - timedelta(days=30))
        s.cases.add_note(case.id, "Gebeld", on=TODAY - timedelta(days=20))
        v = s.plans.start_concept(case.id)
        s.plans.add_goal(v.id, "financien", "Schuldenvrij")
    runner = CliRunner()
    for desc in ("Gesprek", "Vervoer"):
        r = runner.invoke(
            main,
            ["--db", str(db), "--config", str(cfg), "kosten", "nieuw", case.zaaknummer, "--component", "B"]
            + [
                "--omschrijving",
                desc,
                "--bedrag",
                "10,00",
                "--datum",
                (TODAY - timedelta(days=5)).strftime("%d-%m-%Y"),
            ],
        )
        assert r.exit_code == 0, r.output
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "UPDATE persons SET given_names = ?, surname = ?, city = ?", (HOSTILE_NAME, FORMULA_SURNAME, "+31 stad")
        )
        conn.execute("UPDATE cases SET caseworker = ?", (FORMULA_WORKER,))
        conn.execute("UPDATE contact_notes SET text = ?", (HOSTILE_NOTE,))
        conn.execute("UPDATE cost_entries SET description = ? WHERE description = 'Gesprek'", (HOSTILE_COST,))
        conn.execute("UPDATE cost_entries SET description = ? WHERE description = 'Vervoer'", (FORMULA_COST,))
        conn.execute("UPDATE plan_goals SET text = ?", ("Schulden\x00vrij\x1b[31m\x07",))
    conn.close()
    return {"db": db, "cfg": cfg, "export": export, "zaak": case.zaaknummer}


def run(env, *args):
    return CliRunner().invoke(main, ["--db", str(env["db"]), "--config", str(env["cfg"]), *args])


def formula_cells(path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [
        f"{ws.title}!{c.coordinate}={c.value!r}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]


def all_cell_text(path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)


# -- terminal injection -------------------------------------------------------------------------------


def test_toon_prints_no_escape_from_data(env):
    """Issue 15, point 1: `herstel toon` printed ESC/OSC raw (clear screen, title, clipboard, links)."""
    r = run(env, "toon", env["zaak"])
    assert r.exit_code == 0, r.output
    assert no_controls(r.output), repr(r.output)
    assert "Annagehackt" not in r.output  # the OSC's text went with the sequence
    assert "Anna" in r.output and "niets aan de hand" in r.output


@pytest.mark.parametrize("fmt", [[], ["--json"]])
def test_zoek_through_a_pipe_prints_no_escape(env, fmt):
    r = run(env, "zoek", env["zaak"], *fmt)
    assert r.exit_code == 0, r.output
    assert no_controls(r.output), repr(r.output)


def test_rich_table_on_a_terminal_styles_but_keeps_data_plain(env):
    """The Rich path (a terminal) may colour, but data goes in as Text: no data escape, no markup."""
    from herstel_tui.services.lookup import Table

    out = io.StringIO()
    Table(
        [("naam", "Naam", 0), ("termijn", "Termijn", 9)],
        [{"naam": HOSTILE_NAME + "[red]x[/red]", "termijn": "3d laat"}],
    ).emit("text", out, color=True)
    text = out.getvalue()
    assert "\x07" not in text and "gehackt" not in text and "]0;" not in text
    assert "[red]x[/red]" in text  # shown as typed, not taken as markup


def test_audit_of_a_file_name_with_an_osc_is_clean(env, tmp_path):
    """A file name holding an OSC escape is stored cleaned and printed cleaned."""
    from herstel_tui.domain.text import scrub_text

    assert scrub_text("lijst\x1b]0;gehackt\x07.xlsx") == "lijst.xlsx"
    with open_store(env["db"], "t") as s, s.transaction():
        fid = s.portal.add_file(
            kind="aanmeldingen", direction="import", file_name="lijst\x1b]0;x\x07.csv", sha256="0" * 64
        )
        (name,) = s.conn.execute("SELECT name FROM portal_files WHERE id = ?", (fid,)).fetchone()
    assert name == "lijst.csv"


# -- formula injection -------------------------------------------------------------------------------


def csv_rows(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


def test_zoek_csv_writes_formula_text_with_a_quote(env):
    """Issue 15, point 2 (OWASP CSV injection): a value starting with = + - @ gets a leading '."""
    r = run(env, "zoek", env["zaak"], "--csv")
    assert r.exit_code == 0, r.output
    (row,) = csv_rows(r.output)
    assert row["naam"] == "'" + FORMULA_SURNAME + ", Anna"  # sort name: surname first
    assert no_controls(r.output)


def test_termijnen_csv(env):
    r = run(env, "termijnen", "--binnen", "1j", "--csv")
    assert r.exit_code == 0, r.output
    rows = csv_rows(r.output)
    assert rows and all(not row[k].startswith(("=", "+", "-", "@")) for row in rows for k in row)
    assert no_controls(r.output)


def test_audit_csv_quotes_a_formula_like_user(env):
    run(env, "toon", env["zaak"])  # an audit row by the configured medewerker "=cmd|..."
    r = run(env, "audit", "--csv")
    assert r.exit_code == 0, r.output
    whos = {row["wie"] for row in csv_rows(r.output)}
    assert "'=cmd|' /C calc'!A0" in whos
    assert all(not row[k].startswith(("=", "+", "-", "@")) for row in csv_rows(r.output) for k in row)


def test_overzicht_xlsx_has_no_formula_cells_and_does_not_crash(env):
    """Issue 15, points 2 and 3: a caseworker name with ESC broke `overzicht --xlsx`; '@SUM' became a formula."""
    r = run(env, "overzicht", "--xlsx")
    assert r.exit_code == 0, r.output
    (path,) = env["export"].glob("overzicht-*.xlsx")
    assert formula_cells(path) == []
    text = all_cell_text(path)
    assert "@SUM(1+1)" in text and no_controls(text)


def test_spuk_xlsx_survives_an_escape_in_a_cost_description(env):
    """Issue 15, point 3: one cost description 'Taxi\\e[31m' broke `spuk JAAR --xlsx` for the municipality."""
    r = run(env, "spuk", str(TODAY.year), "--xlsx")
    assert r.exit_code == 0, r.output
    (path,) = env["export"].glob("SPUK-jaaroverzicht_*.xlsx")
    assert formula_cells(path) == []
    text = all_cell_text(path)
    assert "Taxi" in text and "=1+1" in text and no_controls(text)


# -- documents --------------------------------------------------------------------------------------


def test_brief_with_esc_nul_bel_in_the_name(env):
    """Issue 15, point 3: `brief` failed with ValueError '... XML compatible'."""
    r = run(env, "brief", "contact", env["zaak"])
    assert r.exit_code == 0, r.output
    (docx,) = env["export"].glob("*.docx")
    from docx import Document

    body = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "Anna" in body and no_controls(body)
    assert no_controls(r.output)


def test_plan_print_with_nul_in_a_goal(env):
    r = run(env, "plan", "print", env["zaak"])
    assert r.exit_code == 0, r.output
    (docx,) = env["export"].glob("*.docx")
    from docx import Document

    doc = Document(str(docx))
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "Schuldenvrij" in cells and no_controls(cells)
    (txt,) = env["export"].glob("*.txt")
    assert "Schuldenvrij" in txt.read_text(encoding="utf-8")


# -- data in ----------------------------------------------------------------------------------------


def notes_count(db) -> int:
    with open_store(db, "t") as s:
        return s.conn.execute("SELECT count(*) FROM contact_notes").fetchone()[0]


@pytest.mark.parametrize("payload", ESCAPES[:7])
def test_notitie_with_a_control_character_is_refused(env, payload):
    before = notes_count(env["db"])
    r = run(env, "notitie", env["zaak"], f"Gebeld{payload}")
    assert r.exit_code == 2
    assert r.output.startswith("Fout: argument 7 bevat het stuurteken ")
    assert "er is niets gewijzigd" in r.output and no_controls(r.output)
    assert notes_count(env["db"]) == before


def test_persoon_nieuw_names_the_option(env):
    r = run(env, "persoon", "nieuw", "--bsn", "999900018", "--voornamen", "Piet\x1b[31m", "--achternaam", "Vos")
    assert r.exit_code == 2
    assert r.output == (
        "Fout: --voornamen bevat het stuurteken ESC (U+001B) op positie 5; haal het weg en probeer het "
        "opnieuw; er is niets gewijzigd\n"
    )
    with open_store(env["db"], "t") as s:
        assert s.persons.find_by_bsn("999900018") is None


def test_notitie_keeps_lines_drops_bidi_and_normalises(env):
    r = run(env, "notitie", env["zaak"], "Regel een\nRegel\ttwee e\u0301\u202eok")
    assert r.exit_code == 0, r.output
    with open_store(env["db"], "t") as s:
        texts = [n.text for n in s.cases.notes(s.cases.find(env["zaak"]).id)]
    assert "Regel een\nRegel\ttwee \u00e9ok" in texts


def test_the_quick_zoek_path_leaves_a_control_character_to_the_policy(env, capsys):
    """`herstel zoek` skips click for speed; a term with ESC goes through click, which refuses it."""
    from herstel_tui.entry import main as entry_main

    with pytest.raises(SystemExit) as exc:
        entry_main(["--db", str(env["db"]), "--config", str(env["cfg"]), "zoek", "Anna\x1b]0;x\x07"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Fout: argument 6 bevat het stuurteken ESC (U+001B) op positie 5") and no_controls(err)


def test_case_list_rows_written_by_another_tool_are_cleaned(env):
    """The desk's case list reads rows with SQL (no model): the policy applies there too."""
    from herstel_tui.store import CaseFilter

    with open_store(env["db"], "t") as s:
        (row,) = s.cases.page(CaseFilter(closed=None), 0, 10, today=TODAY)
    assert no_controls(row.name) and "Anna" in row.name
    assert row.caseworker == "@SUM(1+1)"


def test_a_stored_note_of_nothing_but_controls_still_reads(env):
    """Found by the property test: a note that cleaned to nothing made `toon` fail ("mag niet leeg zijn")."""
    conn = sqlite3.connect(env["db"])
    with conn:
        conn.execute("UPDATE contact_notes SET text = ?", ("\x98\x07",))
    conn.close()
    r = run(env, "toon", env["zaak"])
    assert r.exit_code == 0, r.output
    assert "(stuurtekens verwijderd)" in r.output and no_controls(r.output)


def test_an_old_audit_row_with_an_escape_is_shown_cleaned(env):
    """The audit trail is append-only: migration 9 cannot clean it; reading does (shell and desk)."""
    conn = sqlite3.connect(env["db"])
    with conn:
        conn.execute(
            "INSERT INTO audit (at, who, action, entity, detail) VALUES (?, ?, 'gezocht', 'zoekopdracht', ?)",
            ("2026-05-01T10:00:00", "oud\x1b]0;x\x07", '{"term": "Anna\\u001b[2J"}'),
        )
    conn.close()
    with open_store(env["db"], "t") as s:
        entries = s.audit.entries()
    from herstel_tui.services.lookup import audit_detail_text

    old = [e for e in entries if e.who == "oud"]
    assert len(old) == 1 and audit_detail_text(old[0].detail) == "term: Anna"
    r = run(env, "audit")
    assert r.exit_code == 0 and no_controls(r.output)
