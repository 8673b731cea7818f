"""The desk's keys: every screen's bindings, in one place.

Each binding has an id (``scope.word``) by which the config's ``[toetsen]`` remaps it (Textual's
keymap, ``desk.HerstelApp``); the help screen and the footer show what is here. A screen takes its
list as ``BINDINGS = keymap.NAME``; the families that recur (a case's actions, back, scrolling, a
form's save/cancel/tab) are built once below, with the screen's scope as id prefix.

Priority bindings run when the key arrives, before the keys typed after it are routed: so letters
typed right after "c" never land on the list as filter keys. (Textual drops a priority binding on
a printable key while an Input has focus, so typing is unaffected.)
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

# -- how a key reads (the key line, the help; here, not in the help screen: the key line of the
# first paint needs it) --------------------------------------------------------------------------

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


# -- families -------------------------------------------------------------------------------------


def back_binding(prefix: str, keys: str = "escape,f3,backspace,q") -> Binding:
    """Back to where the caseworker came from (on screens with fields: without backspace)."""
    return Binding(keys, "back", "Terug", id=f"{prefix}.terug")


def scroll_bindings(prefix: str) -> list[BindingType]:
    """A body of text that scrolls a line with the arrows (``widgets.scroll.ScrollBody``)."""
    return [
        Binding("up", "scroll_up", "Omhoog", show=False, id=f"{prefix}.omhoog"),
        Binding("down", "scroll_down", "Omlaag", show=False, id=f"{prefix}.omlaag"),
    ]


def tab_bindings(prefix: str) -> list[BindingType]:
    """Tab and shift+tab as priority bindings: the focus moves before the next key is handed
    out, so a burst of keys over SSH ("abc<Tab>def") lands in the right fields."""
    return [
        Binding("tab", "app.focus_next", "Volgend veld", show=False, priority=True, id=f"{prefix}.volgend_veld"),
        Binding("shift+tab", "app.focus_previous", "Vorig veld", show=False, priority=True, id=f"{prefix}.vorig_veld"),
    ]


def form_bindings(prefix: str, *, help_key: bool = False) -> list[BindingType]:
    """F2 (or ctrl+s) saves, Esc or F3 cancels, Tab moves; ``help_key``: F1 for the help as well."""
    bindings: list[BindingType] = [
        Binding("f2,ctrl+s", "save", "Opslaan", id=f"{prefix}.opslaan"),
        Binding("escape,f3", "cancel", "Annuleren", id=f"{prefix}.annuleren"),
    ]
    if help_key:
        bindings.append(Binding("f1", "app.help", "Help", id=f"{prefix}.help"))
    return bindings + tab_bindings(prefix)


#: A case's actions: the same ids, keys and words wherever a case is at hand (the werkvoorraad's
#: selected case, the case screen).
CASE: list[BindingType] = [
    Binding("f2,v", "record_step", "Stap", id="zaak.stap", tooltip="Stap of uitkomst vastleggen (v)", priority=True),
    Binding("f6,c", "add_note", "Notitie", id="zaak.notitie", tooltip="Contactmoment toevoegen (c)", priority=True),
    Binding(
        "f7,p",
        "urgency",
        "Urgentie",
        id="zaak.urgentie",
        tooltip="Urgentie (UHT-criteria) of casuïstiekoverleg (p)",
        priority=True,
    ),
    Binding(
        "f8,w",
        "assign",
        "Toewijzen",
        id="zaak.toewijzen",
        tooltip="Zaak toewijzen aan een medewerker (w)",
        priority=True,
    ),
]
DIALOG = form_bindings("dialoog", help_key=True)  # the case dialogs (CaseDialog)
PLAN_DIALOG = form_bindings("plandialoog")  # the plan's dialogs (PlanDialog)

# -- screens --------------------------------------------------------------------------------------

#: The whole desk (HerstelApp).
DESK: list[BindingType] = [
    Binding("f1,question_mark", "help", "Help", id="app.help", priority=True),
    Binding("ctrl+p,colon", "command_palette", "Opdrachten", show=False, id="app.palette", priority=True),
    Binding("f9,n", "new_person", "Nieuw", id="app.nieuw", priority=True),
    Binding("f10,q", "quit", "Stop", id="app.quit"),
    Binding(
        "i",
        "overview",
        "Overzicht",
        show=False,
        id="app.overzicht",
        tooltip="Cijfers: per spoor, stap, uitkomst; termijnen gehaald en gemist",
    ),
    Binding(
        "e",
        "vraagbestand",
        "Vraagbestand",
        show=False,
        id="app.vraagbestand",
        tooltip="Vraagbestand kindregeling voor het gegevensportaal maken",
    ),
    Binding("j", "audit", "Logboek", show=False, id="app.logboek", tooltip="Het auditlogboek"),
    Binding("y", "spuk", "SPUK", show=False, id="app.spuk", tooltip="SPUK-jaaroverzicht (kosten per component)"),
]

#: The werkvoorraad (WorkQueueScreen).
WORK_QUEUE: list[BindingType] = [
    # priority: handled when the key arrives, so "/jansen" typed in one go all lands in the box
    Binding("slash,f4", "search", "Zoek", id="werkvoorraad.zoek", priority=True),
    Binding("enter", "open", "Open zaak", show=False, id="werkvoorraad.open"),
    *CASE,
    Binding("b", "reveal_bsn", "Toon BSN", show=False, id="werkvoorraad.bsn"),
    Binding("m", "toggle_mine", "Mijn zaken", show=False, id="werkvoorraad.mijn"),
    Binding("u", "toggle_urgent", "Urgent", show=False, id="werkvoorraad.urgent"),
    Binding("o", "toggle_overdue", "Termijn verlopen", show=False, id="werkvoorraad.verlopen"),
    Binding(
        "d",
        "toggle_within",
        "Binnen 14 dagen",
        show=False,
        id="werkvoorraad.binnen",
        tooltip="Alleen zaken met een eigen termijn vandaag of in de komende 14 dagen",
    ),
    Binding("g", "cycle_closed", "Open/gesloten/alle", show=False, id="werkvoorraad.gesloten"),
    Binding("t", "cycle_track", "Spoor", show=False, id="werkvoorraad.spoor"),
    Binding("s", "choose_step", "Kies stap", show=False, id="werkvoorraad.stap"),
    Binding("k", "cycle_outcome", "Uitkomst", show=False, id="werkvoorraad.uitkomst"),
    Binding("r", "cycle_sort", "Sortering", show=False, id="werkvoorraad.sorteer"),
    Binding("x", "clear_filters", "Wis filters", show=False, id="werkvoorraad.wis"),
    Binding("escape", "escape", "Wis zoektekst", show=False, id="werkvoorraad.terug"),
    Binding("f5", "reload", "Vernieuwen", show=False, id="werkvoorraad.vernieuwen"),
]

#: Its search box (SearchBox).
SEARCH_BOX: list[BindingType] = [
    Binding("escape", "leave", "Lijst", id="zoeken.verlaat", tooltip="Naar de lijst (zoektekst blijft)", priority=True),
    Binding("down", "leave", "Naar de lijst", show=False, id="zoeken.omlaag", priority=True),
]

#: The case list (CaseTable).
CASE_TABLE: list[BindingType] = [
    Binding("up", "cursor(-1)", "Omhoog", show=False, id="lijst.omhoog"),
    Binding("down", "cursor(1)", "Omlaag", show=False, id="lijst.omlaag"),
    Binding("pageup", "page(-1)", "Pagina omhoog", show=False, id="lijst.pagina_omhoog"),
    Binding("pagedown", "page(1)", "Pagina omlaag", show=False, id="lijst.pagina_omlaag"),
    Binding("home", "first", "Eerste zaak", show=False, id="lijst.begin"),
    Binding("end", "last", "Laatste zaak", show=False, id="lijst.einde"),
]

#: A case (CaseScreen).
CASE_SCREEN: list[BindingType] = [
    back_binding("zaak"),
    *CASE,
    Binding("b", "reveal_bsn", "Toon BSN", show=False, id="zaak.bsn"),
    Binding("h", "household", "Huishouden", show=False, id="zaak.huishouden", priority=True),
    Binding("f5", "reload", "Vernieuwen", show=False, id="zaak.vernieuwen"),
    Binding("l", "letter", "Brief", id="zaak.brief", tooltip="Brief maken, met voorbeeld (l)"),
    Binding("j", "case_audit", "Logboek", show=False, id="zaak.logboek", tooltip="Auditlogboek van deze zaak"),
    Binding("a", "plan", "Plan", id="zaak.plan", tooltip="Plan van aanpak (a)"),
    Binding("k", "costs", "Kosten", show=False, id="zaak.kosten", tooltip="SPUK-kosten van deze zaak (k)"),
    Binding("o", "resolve_conflict", "Conflict", show=False, id="zaak.conflict", tooltip="Conflict bij inleveren"),
]

#: The step dialog (StepDialog), besides FORM's keys.
STEP_DIALOG: list[BindingType] = [
    Binding("f4", "toggle_correction", "Correctie", id="dialoog.correctie"),
]

#: Choosing a step to filter on (StepFilterDialog).
STEP_FILTER: list[BindingType] = [
    Binding("escape,f3", "close", "Annuleren", id="dialoog.annuleren"),
    Binding("f1", "app.help", "Help", id="dialoog.help"),
]

#: The plan van aanpak (PlanScreen).
PLAN: list[BindingType] = [
    back_binding("plan", "f3,escape,q"),
    Binding(
        "f2,ctrl+s",
        "save_now",
        "Opslaan",
        show=False,
        id="plan.opslaan",
        tooltip="Alles wordt al opgeslagen terwijl u typt; F2 schrijft meteen",
    ),
    Binding("f4,d", "add_goal", "Doel+", id="plan.doel", tooltip="Doel toevoegen in dit leefgebied (d)"),
    Binding("f5,a", "add_action", "Actie+", id="plan.actie", tooltip="Actie toevoegen in dit leefgebied (a)"),
    Binding("f6,l", "next_area", "Gebied", id="plan.leefgebied", tooltip="Naar het volgende leefgebied (l)"),
    Binding(
        "f7,v",
        "agree",
        "Vaststellen",
        id="plan.vaststellen",
        tooltip="Plan vaststellen: op hoofdlijnen of volledig (v)",
    ),
    Binding(
        "f8,m",
        "menu",
        "Meer",
        id="plan.meer",
        tooltip="Nieuwe versie, versies, afdrukken, nazorg, regel verwijderen, kosten (m)",
    ),
    Binding("w", "new_version", "Nieuwe versie", show=False, id="plan.wijzigen"),
    Binding("o", "versions", "Versies", show=False, id="plan.versies"),
    Binding("p", "print", "Afdrukken", show=False, id="plan.afdrukken"),
    Binding("z", "nazorg", "Nazorg starten", show=False, id="plan.nazorg"),
    Binding("x", "delete_row", "Regel verwijderen", show=False, id="plan.verwijder"),
    Binding("k", "costs", "Kosten", show=False, id="plan.kosten"),
    *tab_bindings("plan"),
]

#: The plan's "Meer" menu (f8/m): action -> the line it shows; its letter is the action's key in PLAN.
PLAN_MENU = {
    "new_version": "Nieuwe versie maken (om het vastgestelde plan te wijzigen)",
    "versions": "Versies bekijken (oude versies, alleen lezen)",
    "print": "Afdrukken: .docx en tekst in de exportmap",
    "nazorg": "Nazorg starten (alle doelen behaald)",
    "delete_row": "Doel of actie onder de cursor verwijderen",
    "costs": "SPUK-kosten van deze zaak",
}

#: A case's SPUK costs (CostsScreen).
COSTS: list[BindingType] = [
    back_binding("kosten", "f3,escape,q"),
    Binding("f4,n", "new", "Nieuw", id="kosten.nieuw", tooltip="Kostenpost vastleggen (n)"),
    Binding("f5,e", "edit", "Wijzig", id="kosten.wijzig", tooltip="Gekozen kostenpost wijzigen (e of ⏎)"),
    Binding("f6,x", "delete", "Verwijder", id="kosten.verwijder", tooltip="Gekozen kostenpost verwijderen (x)"),
    Binding("f7,j", "year_report", "Jaaroverzicht", id="kosten.jaar", tooltip="SPUK-jaaroverzicht (j)"),
]

#: The SPUK year overview (SpukScreen).
SPUK: list[BindingType] = [
    back_binding("spuk", "f3,escape,q"),
    Binding("f4,left", "previous_year", "Vorig jaar", id="spuk.vorig"),
    Binding("f5,right", "next_year", "Volgend jaar", id="spuk.volgend"),
    Binding(
        "f2,e",
        "export",
        "Exporteer .xlsx",
        id="spuk.export",
        tooltip="Jaaroverzicht als Excel-bestand in de exportmap (e)",
    ),
]

#: A letter (LetterScreen).
LETTER: list[BindingType] = [
    Binding("f2,m", "make", "Maken", id="brief.maken", tooltip="Brief maken (.docx en tekst) en vastleggen (m)"),
    Binding("f5,r", "preview", "Voorbeeld", id="brief.voorbeeld", tooltip="Voorbeeld opnieuw lezen (r)"),
    Binding(
        "f4,t",
        "focus_text",
        "Tekst",
        show=False,
        id="brief.tekst",
        tooltip="Naar de tekst van de brief, om te scrollen (t)",
    ),
    Binding("escape,f3", "cancel", "Annuleren", id="dialoog.annuleren"),
    Binding("f1", "app.help", "Help", id="dialoog.help"),
]

#: The overview (OverviewScreen).
OVERVIEW: list[BindingType] = [
    back_binding("overzicht"),
    Binding("f2,e", "export", "Excel", id="overzicht.excel", tooltip="Overzicht opslaan als .xlsx in de exportmap (e)"),
    Binding("f5,r", "reload", "Vernieuwen", id="overzicht.vernieuwen", tooltip="Opnieuw berekenen (r)"),
]

#: The audit log (AuditScreen).
AUDIT: list[BindingType] = [
    back_binding("logboek"),
    Binding("f5,r", "reload", "Vernieuwen", id="logboek.vernieuwen"),
]

#: Making a vraagbestand (VraagbestandDialog).
VRAAGBESTAND: list[BindingType] = [
    Binding(
        "f2,ctrl+s",
        "write",
        "Schrijven",
        id="vraagbestand.schrijven",
        tooltip="Schrijf het vraagbestand en leg de aanvraag vast",
    ),
    Binding("escape,f3", "close", "Sluiten", id="vraagbestand.sluiten", tooltip="Sluit zonder te schrijven"),
]

#: A yes/no question (ConfirmDialog).
CONFIRM: list[BindingType] = [
    Binding("j,f2", "answer(True)", "Ja", id="bevestig.ja"),
    Binding("n,f3,escape", "answer(False)", "Nee", id="bevestig.nee"),
]

#: An open dropdown (DropdownOverlay).
DROPDOWN: list[BindingType] = [
    Binding("escape", "dismiss", "Sluiten", id="keuzelijst.sluiten", tooltip="De keuzelijst sluiten zonder te kiezen")
]
