"""Every choice the interface names, as a :class:`TitledEnum`: the stored value, the Dutch label and
a short form, in one place. Standard library only, so the quick shell paths can use them.

The values are what the database, the config and the files hold: they never change. Labels are
what people read.
"""

from __future__ import annotations

from herstel_tui.domain.labels import TitledEnum

# The quick shell paths import this module: typing only for the type checker.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Self

# -- the register ---------------------------------------------------------------------------------


class Track(TitledEnum):
    """The two tracks of the hersteloperatie (a case belongs to one)."""

    BREDE_ONDERSTEUNING = "brede_ondersteuning", "Brede ondersteuning", "BO"
    SCHULDENAANPAK = "schuldenaanpak", "Brede schuldenaanpak", "SA"


class Role(TitledEnum):
    """A person's place in a household."""

    AANVRAGER = "aanvrager", "Aanvrager"
    TOESLAGPARTNER = "toeslagpartner", "Toeslagpartner"
    EX_TOESLAGPARTNER = "ex-toeslagpartner", "Ex-toeslagpartner"
    KIND = "kind", "Kind"
    NABESTAANDE = "nabestaande", "Nabestaande"


_OTHERS = [role.value for role in Role if role is not Role.AANVRAGER]
#: The roles beside aanvrager, in Dutch ("toeslagpartner, ex-toeslagpartner, kind of nabestaande"):
#: what a refused second aanvrager may be instead (a household has one).
OTHER_ROLES = f"{', '.join(_OTHERS[:-1])} of {_OTHERS[-1]}"


class Channel(TitledEnum):
    """How a contact moment took place."""

    TELEFOON = "telefoon", "Telefoon"
    BRIEF = "brief", "Brief"
    EMAIL = "e-mail", "E-mail"
    HUISBEZOEK = "huisbezoek", "Huisbezoek"
    GESPREK = "gesprek", "Gesprek"
    BERICHT = "bericht", "Bericht"


class Urgency(TitledEnum):
    """The UHT criteria for a faster assessment (routekaart, 'Urgentie')."""

    TERMINALE_ZIEKTE = "terminale_ziekte", "Terminale ziekte"
    VERKOOP_OF_UITZETTING = "executoriale_verkoop_of_uitzetting", "Executoriale verkoop of dreigende uitzetting"
    ONOMKEERBAAR = "onomkeerbare_situatie", "Onomkeerbare situatie"


class Outcome(TitledEnum):
    """UHT's decisive outcome so far (eerste toets, integrale beoordeling); short: five cells."""

    GEDUPEERD = "gedupeerd", "Gedupeerd", "gedup"
    GEEN_UITSLUITSEL = "geen_uitsluitsel", "Geen uitsluitsel", "g.uit"
    NIET_GEDUPEERD = "niet_gedupeerd", "Niet gedupeerd", "n.ged"


class RoutekaartActor(TitledEnum):
    """Who acts in a routekaart step."""

    UHT = "uht", "UHT"
    GEMEENTE = "gemeente", "Gemeente"
    INVORDERAAR = "invorderaar", "Invorderaar"
    OUDER = "ouder", "Ouder"
    CWS = "cws", "CWS"


# -- the plan van aanpak ----------------------------------------------------------------------------


class Leefgebied(TitledEnum):
    FINANCIEN = "financien", "Financiën"
    WONEN = "wonen", "Wonen"
    ZORG = "zorg", "Zorg"
    GEZIN = "gezin", "Gezin"
    WERK = "werk", "Werk"


class PlanStatus(TitledEnum):
    CONCEPT = "concept", "Concept"
    HOOFDLIJNEN = "hoofdlijnen", "Vastgesteld op hoofdlijnen"
    VOLLEDIG = "volledig", "Volledig vastgesteld"

    @property
    def level(self) -> int:
        return list(PlanStatus).index(self)

    @property
    def milestone(self) -> str | None:
        """The routekaart milestone that agreeing at this level records."""
        return {PlanStatus.HOOFDLIJNEN: "plan_hoofdlijnen", PlanStatus.VOLLEDIG: "plan_volledig"}.get(self)


class GoalStatus(TitledEnum):
    OPEN = "open", "Open"
    BEZIG = "bezig", "Bezig"
    BEHAALD = "behaald", "Behaald"
    VERVALLEN = "vervallen", "Vervallen"


class PlanActor(TitledEnum):
    """Who carries out an action of the plan."""

    OUDER = "ouder", "Ouder"
    NETWERK = "netwerk", "Netwerk"
    GEMEENTE = "gemeente", "Gemeente"
    EXTERN = "extern", "Externe partij"


class Consent(TitledEnum):
    """How the person agreed with the plan."""

    ONDERTEKEND = "ondertekend", "Plan ondertekend door de persoon"
    MONDELING = "mondeling", "Mondeling, in een gesprek"
    SCHRIFTELIJK = "schriftelijk", "Schriftelijk (brief)"
    DIGITAAL = "digitaal", "Digitaal (e-mail of bericht)"


class CostKind(TitledEnum):
    UREN = "uren", "Uren × tarief"  # hours × rate (P×Q)
    STUKS = "stuks", "Aantal × prijs"  # units × price (P×Q)
    WERKELIJK = "werkelijk", "Werkelijk bedrag"  # an actual amount (an invoice)

    @property
    def is_pxq(self) -> bool:
        return self is not CostKind.WERKELIJK

    @property
    def unit(self) -> str:
        return {CostKind.UREN: "uur", CostKind.STUKS: "stuks"}.get(self, "")

    @classmethod
    def parse(cls, value: Any, what: str = "soort") -> Self:
        """Also the words people type: uur, pxq, stuk, aantal, bedrag."""
        aliases = {"uur": "uren", "pxq": "uren", "stuk": "stuks", "aantal": "stuks", "bedrag": "werkelijk"}
        if isinstance(value, str):
            value = aliases.get(value.strip().lower(), value.strip().lower())
        return super().parse(value, what)


# -- files and the trail ----------------------------------------------------------------------------


class ImportAction(TitledEnum):
    """What happens (or happened) to one row of a portal file."""

    CREATE = "create", "nieuw"
    UPDATE = "update", "bijgewerkt"
    SKIP = "skip", "overgeslagen"
    REJECT = "reject", "afgewezen"


class AuditAction(TitledEnum):
    """What an audit row records: one vocabulary for the whole package (the stored value is Dutch,
    as the trail is read by people). Rows written before this vocabulary existed keep working:
    their old words are read as the action they meant (:data:`LEGACY_AUDIT_ACTIONS`)."""

    SCHEMA = "schema", "Database aangemaakt of bijgewerkt"
    VIEWED = "bekeken", "Bekeken"
    SEARCHED = "gezocht", "Gezocht"
    CREATED = "aangemaakt", "Aangemaakt"
    CHANGED = "gewijzigd", "Gewijzigd"
    ADDED = "toegevoegd", "Toegevoegd"
    DELETED = "verwijderd", "Verwijderd"
    ASSIGNED = "toegewezen", "Toegewezen"
    URGENCY = "urgentie", "Urgentie gewijzigd"
    CLOSED = "gesloten", "Gesloten"
    RECORDED = "vastgelegd", "Vastgelegd"
    CORRECTED = "correctie", "Gecorrigeerd"
    RECOMPUTED = "herberekend", "Herberekend"
    NEW_VERSION = "nieuwe versie", "Nieuwe versie"
    AGREED = "vastgesteld", "Vastgesteld"
    DRAFT_SAVED = "concept", "Concept bewaard"
    DRAFT_DROPPED = "concept verwijderd", "Concept verwijderd"
    PRINTED = "afgedrukt", "Afgedrukt"
    EXPORTED = "geëxporteerd", "Geëxporteerd"
    IMPORTED = "ingelezen", "Ingelezen"
    VERIFICATION_REQUESTED = "verificatie aangevraagd", "Verificatie aangevraagd"
    VERIFICATION_ANSWERED = "verificatie beantwoord", "Verificatie beantwoord"
    LETTER = "brief", "Brief gemaakt"
    ANONYMISED = "geanonimiseerd", "Geanonimiseerd"
    BACKUP = "backup", "Backup gemaakt"
    RESTORED = "teruggezet", "Teruggezet"
    DEMO_CREATED = "demo aangemaakt", "Demo aangemaakt"
    CHECKED_OUT = "meegenomen", "Meegenomen op een laptop"
    CHECKED_IN = "ingeleverd", "Ingeleverd van een laptop"
    CONFLICT = "conflict bij inleveren", "Conflict bij inleveren"
    RESOLVED = "conflict opgelost", "Conflict opgelost"
    TEXT_CLEANED = "tekens verwijderd", "Stuurtekens verwijderd"

    @classmethod
    def stored(cls, value: str) -> AuditAction:
        """The action of a stored row, old words included."""
        return cls(LEGACY_AUDIT_ACTIONS.get(value, value))


# Words that older versions wrote for an action that now has one name.
LEGACY_AUDIT_ACTIONS = {"export": AuditAction.EXPORTED.value}
