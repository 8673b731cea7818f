"""A municipality's own letter templates, named in the config, replace the shipped ones."""

import shutil

import pytest
from click.testing import CliRunner

from herstel_tui.cli.main import main
from herstel_tui.settings.resources import data_file

pytestmark = pytest.mark.usefixtures("pinned_today")  # these tests mean TODAY


def test_config_folder_replaces_shipped_templates(tmp_path):
    own = tmp_path / "sjablonen"
    shutil.copytree(data_file("letters"), own)
    first = sorted(own.glob("*.txt"))[0]
    first.write_text("Gemeentelijke tekst {{onbekend_veld}}\n", encoding="utf-8")
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'briefsjablonen = "{own}"\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["--config", str(cfg), "brieven"])
    assert r.exit_code == 2
    assert first.name in r.output and "onbekend_veld" in r.output
