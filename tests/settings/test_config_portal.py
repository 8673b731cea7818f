"""[portaal_kolommen.*]: the column mappings of the portal lists in the config file."""

from pathlib import Path

import pytest

from herstel_tui.settings.config import Config, ConfigError, PortalColumns, header_key, load_config


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults():
    cols = Config().portaal_kolommen
    assert cols.antwoordbestand.bsn == ["BSN", "BSN kind"]
    assert cols.antwoordbestand.resultaat == ["Resultaat", "Behoort tot populatie", "Uitkomst"]
    assert {"ja", "j", "true", "1"} <= set(cols.antwoordbestand.ja)
    assert {"nee", "n", "false", "0"} <= set(cols.antwoordbestand.nee)
    assert cols.nieuwe_aanmeldingen.bsn[0] == "BSN" and cols.nieuwe_aanmeldingen.email[0] == "E-mail"
    assert cols.negatieve_beschikkingen.standaard_soort is None
    assert cols.invordering.start[0] == "start" and cols.invordering.einde[0] == "einde"
    # Vocabularies are not columns.
    assert set(cols.antwoordbestand.column_fields()) == {"bsn", "resultaat"}
    assert "eerste_toets" not in cols.negatieve_beschikkingen.column_fields()


def test_file_overrides_one_list_and_keeps_the_other_defaults(tmp_path):
    p = write(
        tmp_path,
        """
[portaal_kolommen.nieuwe_aanmeldingen]
bsn = "Burgerservicenummer"
telefoon = ["Tel.", "Mobiel"]
[portaal_kolommen.antwoordbestand]
ja = ["Valt eronder"]
nee = ["Valt erbuiten"]
[portaal_kolommen.negatieve_beschikkingen]
standaard_soort = "integrale_beoordeling"
""",
    )
    cfg, _ = load_config(p)
    cols = cfg.portaal_kolommen
    assert cols.nieuwe_aanmeldingen.bsn == ["Burgerservicenummer"]
    assert cols.nieuwe_aanmeldingen.telefoon == ["Tel.", "Mobiel"]
    assert cols.nieuwe_aanmeldingen.achternaam == ["Achternaam", "Geslachtsnaam"]
    assert cols.antwoordbestand.ja == ["Valt eronder"] and cols.antwoordbestand.bsn == ["BSN", "BSN kind"]
    assert cols.negatieve_beschikkingen.standaard_soort == "integrale_beoordeling"


def test_unknown_list_and_unknown_column_are_refused(tmp_path):
    p = write(tmp_path, '[portaal_kolommen.lijst_x]\nbsn = "BSN"\n')
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    assert str(exc.value) == f"{p}: sleutel 'portaal_kolommen.lijst_x': onbekende sleutel"
    p = write(tmp_path, '[portaal_kolommen.invordering]\nbedrag = "Bedrag"\n')
    with pytest.raises(ConfigError, match=r"sleutel 'portaal_kolommen.invordering.bedrag': onbekende sleutel"):
        load_config(p)


@pytest.mark.parametrize(
    "toml, message",
    [
        ('[portaal_kolommen.antwoordbestand]\nja = ["ja", "nee"]\n', "waarde 'nee' staat bij zowel 'ja' als 'nee'"),
        (
            '[portaal_kolommen.antwoordbestand]\nresultaat = ["bsn"]\n',
            "kolomnaam 'bsn' staat bij zowel 'bsn' als 'resultaat'",
        ),
        ('[portaal_kolommen.antwoordbestand]\nbsn = ["  "]\n', "een kolomnaam of waarde mag niet leeg zijn"),
        ("[portaal_kolommen.antwoordbestand]\nnee = []\n", "ja en nee hebben elk minstens één waarde nodig"),
        ('[portaal_kolommen.invordering]\neinde = ["Start"]\n', "waarde 'Start' staat bij zowel 'start' als 'einde'"),
        ('[portaal_kolommen.negatieve_beschikkingen]\nstandaard_soort = "cws"\n', "standaard_soort"),
        ("[portaal_kolommen.nieuwe_aanmeldingen]\nbsn = 5\n", "nieuwe_aanmeldingen.bsn"),
    ],
)
def test_bad_mappings_name_file_and_key(tmp_path, toml, message):
    p = write(tmp_path, toml)
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    assert str(exc.value).startswith(f"{p}: sleutel 'portaal_kolommen.")
    assert message in str(exc.value)


def test_header_key_is_case_and_space_insensitive():
    assert header_key("  Behoort   tot POPULATIE ") == header_key("behoort tot populatie")


def test_whitespace_in_names_is_normalised():
    cols = PortalColumns.model_validate({"antwoordbestand": {"bsn": "  BSN   kind  "}})
    assert cols.antwoordbestand.bsn == ["BSN kind"]
