"""F1: help for the part that has focus, with its keys read from the live bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.markup import escape as esc
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

TEXTS: dict[str, tuple[str, str]] = {
    "werkvoorraad": (
        "Werkvoorraad",
        "Eén regel per zaak: zaaknummer, naam, BSN (laatste 3 cijfers; b toont het hele BSN en "
        "legt dat vast), spoor (BO brede ondersteuning, SA schuldenaanpak), huidige stap, uitkomst "
        "tot nu toe (gedup = gedupeerd, g.uit = geen uitsluitsel, n.ged = niet gedupeerd), "
        "dagen tot de volgende termijn (negatief = verlopen) en medewerker. ! = urgent of "
        "casuïstiekoverleg. Filters staan in de balk boven de lijst en combineren; x wist ze. "
        "Standaard gesorteerd op de eerstvolgende termijn (r wisselt).",
    ),
    "zoeken": (
        "Zoeken",
        "Zoekt terwijl u typt in naam, BSN (ook met punten), zaaknummer en adres. Meerdere woorden "
        "moeten allemaal voorkomen. ⏎, ↓ of Esc gaat naar de lijst; Esc in de lijst wist de zoektekst.",
    ),
    "zaak": (
        "Zaak",
        "Persoon en huishouden, de tijdlijn van de routekaart, lopende termijnen (rood = verlopen), "
        "mogelijke vervolgstappen per tak, uitleg en contacten bij de huidige stap en de "
        "contactmomenten (nieuwste eerst). ↑/↓ en PgUp/PgDn scrollen, Tab gaat naar het huishouden.",
    ),
    "huishouden": (
        "Huishouden",
        "Alle leden van het huishouden met hun zaken. ↑/↓ kiest, ⏎ opent de zaak van dat lid; F3 of Esc gaat terug.",
    ),
    "dialoog": ("Dialoog", "Tab gaat naar het volgende veld. F2 slaat op, Esc annuleert."),
    "stap": (
        "Stap vastleggen",
        "Kies met ↑/↓ een van de mogelijke vervolgstappen (per tak van de routekaart), vul de datum "
        "(dd-mm-jjjj, standaard vandaag) en eventueel een notitie in en sla op met F2. Past de stap "
        "niet, dan legt de routekaart uit waarom. Met F4 (correctie) kan elke stap of uitkomst, "
        "met een verplichte reden; de oude gebeurtenis blijft zichtbaar als vervangen.",
    ),
    "notitie": ("Contactmoment", "Datum, kanaal en een kort verslag. Tab gaat naar het volgende veld, F2 slaat op."),
    "urgentie": (
        "Urgentie",
        "Kies met ↑/↓ en spatie een UHT-criterium (terminale ziekte, executoriale verkoop of dreigende "
        "uitzetting, onomkeerbare situatie) of geen. Het vinkje zet de ouder op het casuïstiekoverleg. "
        "F2 slaat op.",
    ),
    "toewijzen": ("Toewijzen", "Typ een naam (→ vult aan) of kies met ↑/↓ en ⏎ uit de lijst. ⏎ of F2 slaat op."),
    "nieuw": (
        "Nieuwe persoon en zaak",
        "Velden met * zijn verplicht. Meldingen verschijnen onder het veld zodra u het verlaat. "
        "Kies het spoor van de nieuwe zaak, of geen zaak (bijvoorbeeld voor een kind). F2 slaat op.",
    ),
    "stapfilter": ("Filter op stap", "Kies met ↑/↓ en ⏎ de huidige stap waarop de lijst filtert."),
    "palet": ("Opdrachten", "Typ om te zoeken; ⏎ voert uit."),
}


def part_of(screen: Screen) -> str:
    """The HELP key of the focused widget or its nearest ancestor, else of the screen."""
    node = screen.focused
    while node is not None and node is not screen:
        key = getattr(type(node), "HELP", None)
        if isinstance(key, str):
            return key
        node = node.parent
    return getattr(screen, "HELP", "werkvoorraad")


KEY_NAMES = {
    "escape": "Esc",
    "enter": "⏎",
    "backspace": "⌫",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "slash": "/",
    "question_mark": "?",
    "colon": ":",
    "tab": "Tab",
    "space": "spatie",
}


def key_name(key: str) -> str:
    """How a caseworker reads a key: F2, Esc, ⏎, ctrl+s, /."""
    *mods, base = key.split("+")
    if base in KEY_NAMES:
        name = KEY_NAMES[base]
    elif base.startswith("f") and base[1:].isdigit():
        name = base.upper()
    else:
        name = base
    return "+".join([*mods, name])


def active_commands(screen: Screen, *, widgets: bool = True) -> list[tuple[str, str, str, object, str, str]]:
    """(keys, description, id, node, action, tooltip) of every binding with an id that applies now.

    Screen bindings first, then the app's, then those of the focused widget (navigation).
    """
    rows: dict[str, list] = {}
    for key, active in screen.active_bindings.items():
        b = active.binding
        if not b.id or not b.description:
            continue
        entry = rows.setdefault(b.id, [[], b.description, b.id, active.node, b.action, b.tooltip])
        name = key_name(key)
        if name not in entry[0]:
            entry[0].append(name)

    def rank(entry: list) -> int:
        node = entry[3]
        return 0 if node is screen else 1 if node is screen.app else 2

    ordered = sorted(rows.values(), key=rank)
    return [
        (" ".join(k), desc, bid, node, action, tip)
        for k, desc, bid, node, action, tip in ordered
        if widgets or rank([k, desc, bid, node]) < 2
    ]


def key_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, description, binding id) for the help."""
    return [(keys, desc, bid) for keys, desc, bid, *_ in active_commands(screen)]


class HelpScreen(ModalScreen[None]):
    HELP = "help"
    BINDINGS = [Binding("escape,f1,f3,q,enter", "close", "Sluiten", id="help.sluiten")]

    def __init__(self, part: str, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.part = part
        self.rows = rows

    @classmethod
    def for_screen(cls, screen: Screen) -> HelpScreen:
        return cls(part_of(screen), key_rows(screen))

    def compose(self) -> ComposeResult:
        title, text = all_texts().get(self.part, (self.part.capitalize(), ""))
        lines = [
            f"{esc(text)}",
            "",
            "[b]Toetsen[/b]  [dim](aan te passen in config.toml onder \\[toetsen] met het id)[/]",
        ]
        for keys, desc, bid in self.rows:
            lines.append(f"[b $accent]{esc(keys):<14}[/] {esc(desc):<28} [dim]{esc(bid)}[/]")
        with Vertical(id="dialoog", classes="help"):
            yield Static(Content.from_markup(f"[b]Help: {esc(title)}[/b]"), id="dialoogtitel")
            with VerticalScroll(id="helptekst"):
                yield Static(Content.from_markup("\n".join(lines)))
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#helptekst").focus()

    def action_close(self) -> None:
        self.dismiss(None)


# Screens that live in their own modules bring their own help texts.
_TEXT_MODULES = (
    "herstel_tui.tui.screens.letter",
    "herstel_tui.tui.screens.overview",
    "herstel_tui.tui.screens.audit",
    "herstel_tui.tui.screens.vraagbestand",
    "herstel_tui.tui.screens.plan",
    "herstel_tui.tui.screens.costs",
    "herstel_tui.tui.screens.spuk",
)


def all_texts() -> dict[str, tuple[str, str]]:
    import importlib

    texts = dict(TEXTS)
    for name in _TEXT_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for key, value in getattr(module, "HELP_TEXTS", {}).items():
            if isinstance(value, tuple):
                texts.setdefault(key, value)
            else:
                texts.setdefault(key, (key.capitalize(), str(value)))
    return texts
