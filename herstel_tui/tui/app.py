"""The desk application."""
from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from ..config import Config
from ..store import Store


class HerstelApp(App):
    TITLE = "herstel"
    SUB_TITLE = "Werkvoorraad"
    BINDINGS = [Binding("f10,q", "quit", "Stoppen", id="app.quit")]

    def __init__(self, store: Store, config: Config, *, low_bandwidth: bool = False):
        super().__init__()
        self.store = store
        self.config = config
        self.low_bandwidth = low_bandwidth

    def compose(self) -> ComposeResult:
        yield Header()
        counts = self.store.counts()
        yield Static(f"Zaken: {counts['cases']}   Personen: {counts['persons']}", id="counts")
        yield Footer()


def run_app(store: Store, config: Config, *, low_bandwidth: bool = False) -> None:
    HerstelApp(store, config, low_bandwidth=low_bandwidth).run()
