"""The help texts (F1), one per part of the desk: the part's HELP key -> (title, text).

Every screen, dialog and focusable part names its key in ``HELP``; the help screen shows the text
of the focused part (or its nearest ancestor), with the keys read from the live bindings.
"""

from __future__ import annotations

HELP_TEXTS: dict[str, tuple[str, str]] = {
    # the werkvoorraad, the case screen and their dialogs
    "werkvoorraad": (
        "Werkvoorraad",
        "Eén regel per zaak: zaaknummer, naam, BSN (laatste 3 cijfers; b toont het hele BSN en "
        "legt dat vast), spoor (BO brede ondersteuning, SA schuldenaanpak), huidige stap, uitkomst "
        "tot nu toe (gedup = gedupeerd, g.uit = geen uitsluitsel, n.ged = niet gedupeerd), "
        "dagen tot de volgende termijn (negatief = verlopen) en medewerker. ! = urgent of "
        "casuïstiekoverleg. Filters staan in de balk boven de lijst en combineren; x wist ze. "
        "Het werk van vandaag eerst, in blokken met een kop: deze week (eerstvolgende eerst), "
        "verlopen (recentste eerst), wacht op UHT, later of zonder termijn (r sorteert anders).",
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
    "conflict": (
        "Conflict bij inleveren",
        "Werk van een laptop dat niet paste: beide versies staan hier. Kies met ↑/↓ en spatie: de "
        "versie van het team, van de laptop, beide, of een correctie (vul dan de nieuwe waarde in). "
        "Een reden is verplicht en komt in het logboek. F2 slaat op.",
    ),
    "stapfilter": ("Filter op stap", "Kies met ↑/↓ en ⏎ de huidige stap waarop de lijst filtert."),
    "palet": ("Opdrachten", "Typ om te zoeken; ⏎ voert uit."),
    # the audit trail
    "logboek": (
        "Auditlogboek",
        "Het auditlogboek: elke wijziging, elke keer dat iemand een zaak of BSN bekeek, elke export "
        "en import, met wie en wanneer. Niemand kan regels wijzigen of wissen. De nieuwste 500 regels "
        "staan bovenaan; `herstel audit` in de shell filtert op zaak, medewerker en datum.",
    ),
    # letters
    "brief": (
        "Brief maken",
        "Kies met ↑/↓ de brief; het voorbeeld toont de tekst zoals die wordt verstuurd. Voor de bevestiging "
        "van het eerste gesprek vult u de datum van het gesprek in (dd-mm-jjjj; standaard het vastgelegde "
        "eerste gesprek), voor de brief aan een schuldeiser de naam van de schuldeiser. F2 of m maakt de brief "
        "als .docx en als tekst in de exportmap en legt hem vast op de tijdlijn, als contactmoment (brief) en "
        "in het auditlogboek. F5 of r leest het voorbeeld opnieuw, Tab gaat naar het volgende veld, Esc "
        "annuleert. De sjablonen staan in data/letters en kunnen zonder programmeren worden aangepast.",
    ),
    # the overview
    "overzicht": (
        "Overzicht",
        "Hoe het werk ervoor staat op de peildatum: zaken per spoor, per huidige stap en per uitkomst; de "
        "wettelijke termijnen (eerste gesprek binnen 8 weken, datum eerste gesprek meegedeeld, plan van aanpak "
        "op hoofdlijnen binnen 8 weken na het eerste gesprek) gehaald, te laat, verlopen, lopend of vervallen; "
        "urgente zaken, nazorg en afbouw; open en verlopen zaken per medewerker. F2 of e slaat het overzicht op "
        "als .xlsx (overzicht-jjjjmmdd.xlsx in de exportmap, één tabblad per tabel, met een tabblad "
        "Toelichting). F5 of r rekent opnieuw. ↑/↓ en PgUp/PgDn scrollen; Esc of F3 gaat terug.",
    ),
    # the vraagbestand kindregeling
    "vraagbestand": (
        "Vraagbestand kindregeling",
        "Het vraagbestand vraagt UHT of kinderen die zich bij de gemeente melden onder de kindregeling vallen. "
        "De lijst toont wie erin gaat: kinderen in een huishouden met een BSN, zonder antwoord en zonder open "
        "aanvraag (vink 'Ook kinderen met een open aanvraag' aan om die opnieuw te vragen). F2 schrijft "
        "VK-<portaal-id>-Kindregeling_<datum>.xlsx in de exportmap (één per dag; een bestaand bestand wordt "
        "nooit overschreven) en legt de aanvraag vast bij elk kind, als notitie op de zaak en in het "
        "auditlogboek. Upload het bestand daarna in het gegevensportaal en verander niets aan inhoud of naam. "
        "Esc of F3 sluit.",
    ),
    # the plan van aanpak, SPUK costs and the year report
    "plan": (
        "Plan van aanpak",
        (
            "Per leefgebied (financiën, wonen, zorg, gezin, werk): de huidige situatie, de hulpvraag, doelen "
            "met een status en acties (wat, wie, uiterlijk, gedaan). Tab gaat naar het volgende veld; alles "
            "wordt opgeslagen terwijl u typt. F4/d doel, F5/a actie in het leefgebied van de cursor, F6/l "
            "volgend leefgebied, F7/v vaststellen (op hoofdlijnen of volledig, met datum en instemming). "
            "Een vastgesteld plan verandert alleen in een nieuwe versie (F8 dan w); de status van doelen en "
            "'gedaan' blijven bij te houden. F8/m: versies, afdrukken, nazorg, verwijderen, kosten. Letters "
            "werken buiten tekstvelden; F-toetsen overal."
        ),
    ),
    "vaststellen": (
        "Plan vaststellen",
        (
            "Kies op hoofdlijnen of volledig, de datum waarop het plan met de persoon is afgesproken en hoe "
            "de persoon instemde. F2 legt het vast en zet de mijlpaal op de tijdlijn (de termijn stopt)."
        ),
    ),
    "nazorg": ("Nazorg starten", "Als alle doelen behaald zijn: 24 maanden nazorg vanaf de startdatum. F2 start."),
    "kosten": (
        "SPUK-kosten",
        (
            "Kostenposten van deze zaak, nieuwste eerst, met totalen per component. F4/n nieuw, ⏎ of F5/e "
            "wijzigen, F6/x verwijderen, F7/j jaaroverzicht."
        ),
    ),
    "kostenpost": (
        "Kostenpost",
        (
            "Datum, component (A/B/C), omschrijving en óf P×Q (uren × tarief, aantal × prijs) óf een werkelijk "
            "bedrag (bijv. een factuur van de Kredietbank). Bedragen als 1.234,56. P×Q wordt één keer "
            "afgerond op hele centen (half naar boven). Koppel de post aan een actie uit het plan."
        ),
    ),
    "spuk": (
        "SPUK-jaaroverzicht",
        (
            "Kosten per component in het jaar (op datum van de post), personen in aanmerking in het jaar en "
            "cumulatief. ←/→ of F4/F5 wisselt het jaar, F2/e exporteert naar .xlsx in de exportmap."
        ),
    ),
}
