"""Loading ``routekaart.toml``: pydantic validation plus graph checks (unknown ids, cycles,
duplicates), one Dutch message per fault in :class:`RoutekaartError`. The domain reads the file it
is given; which file the application uses (the shipped one) is :mod:`herstel_tui.settings`'s choice."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from herstel_tui.domain.digest import fingerprint
from herstel_tui.domain.routekaart.engine import (
    Routekaart,
    _split_ref,
)
from herstel_tui.domain.routekaart.model import (
    ACTORS,
    TRACKS,
    Contact,
    Letter,
    Outcome,
    RoutekaartError,
    Rule,
    Step,
    Track,
)
from herstel_tui.domain.routekaart.period import (
    parse_period,
)
from herstel_tui.domain.routekaart.schema import (
    _FIELD_NL,
    _ID,
    _REF,
    _NodeIn,
    _RoutekaartIn,
    _RuleIn,
)
from herstel_tui.domain.text import os_reason


def _where(loc: tuple[Any, ...], raw: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """Dutch description of the element at ``loc`` and the remaining field path."""

    def _id_at(container: Any, idx: Any) -> str:
        try:
            v = container[idx].get("id")
            if isinstance(v, str) and v:
                return v
        except Exception:
            pass
        return f"nr. {idx + 1}" if isinstance(idx, int) else str(idx)

    if len(loc) >= 4 and loc[0] == "tracks" and loc[2] == "steps" and isinstance(loc[3], int):
        steps = raw.get("tracks", {}).get(loc[1], {}).get("steps", [])
        return f"stap '{_id_at(steps, loc[3])}' in spoor '{loc[1]}'", loc[4:]
    if len(loc) >= 2 and loc[0] == "tracks":
        return f"spoor '{loc[1]}'", loc[2:]
    if len(loc) >= 2 and loc[0] == "milestones":
        return f"mijlpaal '{_id_at(raw.get('milestones', []), loc[1])}'", loc[2:]
    if len(loc) >= 2 and loc[0] == "rules":
        return f"termijn '{_id_at(raw.get('rules', []), loc[1])}'", loc[2:]
    if len(loc) >= 2 and loc[0] == "contacts":
        return f"contact '{loc[1]}'", loc[2:]
    if len(loc) >= 2 and loc[0] == "letters":
        return f"brief '{loc[1]}'", loc[2:]
    return "bestand", loc


def _field_path(rest: tuple[Any, ...]) -> str:
    bits: list[str] = []
    i = 0
    while i < len(rest):
        p = rest[i]
        if p == "outcomes" and i + 1 < len(rest):
            bits.append(f"uitkomst '{rest[i + 1]}'")
            i += 2
            continue
        if isinstance(p, int):
            bits.append(f"element {p + 1}")
        else:
            bits.append(f"veld '{p}'")
        i += 1
    return ", ".join(bits)


def _pydantic_errors(exc: ValidationError, raw: dict[str, Any]) -> list[str]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        where, rest = _where(loc, raw)
        # Literal lists with a tagged union produce no tags here; loc is plain.
        fld = _field_path(rest)
        last = next((p for p in reversed(rest) if isinstance(p, str)), None)
        name = _FIELD_NL.get(last, last) if last else None
        fault = _fault(err["type"], err, fld, last, name, rest)
        out.append(f"{where}: {fault}")
    return out


# pydantic's error types that need only the field's path in the message
_TYPE_FAULTS = {
    "too_short": "{fld} is leeg (ten minste één waarde nodig)",
    "string_type": "{fld} moet tekst zijn",
    "list_type": "{fld} moet een lijst zijn",
    "bool_type": "{fld} moet true of false zijn",
    "bool_parsing": "{fld} moet true of false zijn",
    "dict_type": "{fld_or_content} moet een tabel zijn",
    "model_type": "{fld_or_content} moet een tabel zijn",
    "int_type": "{fld} moet een geheel getal zijn",
    "int_parsing": "{fld} moet een geheel getal zijn",
}


def _fault(typ: str, err: Any, fld: str, last: str | None, name: str | None, rest: tuple) -> str:
    """One Dutch fault for one pydantic error (without where it is)."""
    inp = err.get("input")
    if typ == "missing":
        return f"{name} ontbreekt" if name and len(rest) == 1 else f"{fld or 'verplicht veld'} ontbreekt"
    if typ == "extra_forbidden":
        return f"onbekend veld '{last}'"
    if typ == "literal_error":
        if last == "actors" or (len(rest) >= 2 and rest[-2] == "actors"):
            return f"onbekende actor {inp!r} (toegestaan: {', '.join(ACTORS)})"
        if "tracks" in rest:
            return f"onbekend spoor {inp!r} (toegestaan: {', '.join(TRACKS)})"
        return f"ongeldige waarde {inp!r} voor {fld} (toegestaan: {err.get('ctx', {}).get('expected', '')})"
    if typ == "value_error":
        return f"{fld}: {err.get('ctx', {}).get('error', err['msg'])}"
    if typ == "string_too_short":
        return f"{name} ontbreekt (leeg)" if name else f"{fld} is leeg"
    if typ == "string_pattern_mismatch":
        return f"ongeldige id {inp!r} in {fld} (alleen kleine letters, cijfers en '_')"
    if typ in _TYPE_FAULTS:
        return _TYPE_FAULTS[typ].format(fld=fld, fld_or_content=fld or "inhoud")
    return f"ongeldige waarde voor {fld or 'inhoud'} ({typ})"


def _validate_semantics(data: _RoutekaartIn) -> list[str]:
    errors: list[str] = []
    for tid in TRACKS:
        if tid not in data.tracks:
            errors.append(f"spoor '{tid}' ontbreekt")
    for tid in data.tracks:
        if tid not in TRACKS:
            errors.append(f"spoor '{tid}': onbekend spoor (toegestaan: {', '.join(TRACKS)})")
    if errors:
        return errors

    rule_ids: dict[str, _RuleIn] = {}
    for r in data.rules:
        if r.id in rule_ids:
            errors.append(f"termijn '{r.id}': dubbele id")
        rule_ids[r.id] = r
    ms_ids: set[str] = set()
    for m in data.milestones:
        if m.id in ms_ids:
            errors.append(f"mijlpaal '{m.id}': dubbele id")
        ms_ids.add(m.id)

    all_ids = {s.id for t in data.tracks.values() for s in t.steps} | ms_ids
    for tid in TRACKS:
        t = data.tracks[tid]
        nodes: dict[str, tuple[_NodeIn, str]] = {}
        for s in t.steps:
            where = f"stap '{s.id}' in spoor '{tid}'"
            if s.id in nodes:
                errors.append(f"{where}: dubbele id")
            nodes[s.id] = (s, where)
        for m in data.milestones:
            if tid not in m.tracks:
                continue
            where = f"mijlpaal '{m.id}' in spoor '{tid}'"
            if m.id in nodes:
                errors.append(f"{where}: dubbele id (ook een stap van dit spoor)")
            nodes[m.id] = (m, where)
        track_rules = {rid for rid, r in rule_ids.items() if tid in r.tracks}

        def check_ref(ref: str, where: str, what: str) -> None:
            if not re.match(_REF, ref):
                errors.append(f"{where}: ongeldige verwijzing '{ref}' in '{what}'")
                return
            sid, oid = _split_ref(ref)
            if sid not in nodes:  # noqa: B023 - called only inside this loop pass
                errors.append(f"{where}: onbekende stap '{sid}' in '{what}'")
            elif oid is not None and oid not in nodes[sid][0].outcomes:  # noqa: B023
                errors.append(f"{where}: onbekende uitkomst '{oid}' van stap '{sid}' in '{what}'")

        graph: dict[str, list[str]] = {nid: [] for nid in nodes}
        has_incoming: set[str] = set()
        for nid, (n, where) in nodes.items():
            if n.spuk_component is not None and n.spuk_component not in data.spuk_components:
                errors.append(
                    f"{where}: onbekende SPUK-component '{n.spuk_component}' "
                    f"(bekend: {', '.join(data.spuk_components) or 'geen'})"
                )
            for c in n.contacts:
                if c not in data.contacts:
                    errors.append(f"{where}: onbekend contact '{c}'")
            for lt in n.letters:
                if lt not in data.letters:
                    errors.append(f"{where}: onbekende brief '{lt}'")
            if n.outcomes and n.next:
                errors.append(f"{where}: een stap met uitkomsten heeft vervolgstappen per uitkomst, niet in 'next'")
            _link(n.next, f"{where}: ", nodes, errors, graph[nid], has_incoming)
            for oid, o in n.outcomes.items():
                if not re.match(_ID, oid):
                    errors.append(f"{where}: ongeldige id van uitkomst '{oid}'")
                _link(o.next, f"{where}: uitkomst '{oid}': ", nodes, errors, graph[nid], has_incoming)
                for target in o.optional:
                    if target not in o.next:
                        errors.append(f"{where}: uitkomst '{oid}': optionele stap '{target}' staat niet in 'next'")
                for target, outs in o.only_outcomes.items():
                    if target not in o.next:
                        errors.append(
                            f"{where}: uitkomst '{oid}': 'only_outcomes' noemt '{target}', dat niet in 'next' staat"
                        )
                    elif target in nodes:
                        for x in outs:
                            if x not in nodes[target][0].outcomes:
                                errors.append(
                                    f"{where}: uitkomst '{oid}': onbekende uitkomst '{x}' van stap '{target}'"
                                )
            shared = len(getattr(n, "tracks", ())) > 1
            for what in ("requires", "requires_any", "not_after"):
                for ref in getattr(n, what):
                    sid = _split_ref(ref)[0]
                    if what == "requires_any" and shared and sid not in nodes and sid in all_ids:
                        continue  # a milestone of several tracks names the events of each track
                    check_ref(ref, where, what)
                    # not_after points backwards; a restart begins a new round: neither is an
                    # edge of the order (so a round may repeat without a cycle)
                    if what != "not_after" and sid in graph and not nodes[sid][0].restart:
                        graph[sid].append(nid)
            for target in n.then_only:
                if target not in nodes:
                    errors.append(f"{where}: onbekende stap '{target}' in 'then_only'")
            for what in ("requires_running", "not_before"):
                for rid in getattr(n, what):
                    if rid not in rule_ids:
                        errors.append(f"{where}: onbekende termijn '{rid}' in '{what}'")
                    elif rid not in track_rules:
                        errors.append(f"{where}: termijn '{rid}' in '{what}' geldt niet voor spoor '{tid}'")
        if not any(n.end for n, _ in nodes.values()):
            errors.append(f"spoor '{tid}': geen eindstap (end = true)")
        errors.extend(_cycles(graph, nodes))

        for rid in sorted(track_rules):
            r = rule_ids[rid]
            if not any(_split_ref(s)[0] in nodes for s in r.start):
                errors.append(f"termijn '{rid}': geen startgebeurtenis in spoor '{tid}'")
    for r in data.rules:
        for what in ("start", "stop"):
            for ref in getattr(r, what):
                if not re.match(_REF, ref):
                    errors.append(f"termijn '{r.id}': ongeldige verwijzing '{ref}' in '{what}'")
                    continue
                sid, ref_outcome = _split_ref(ref)
                found = False
                for tid in r.tracks:
                    t = data.tracks[tid]
                    cands = [s for s in t.steps if s.id == sid] + [
                        m for m in data.milestones if m.id == sid and tid in m.tracks
                    ]
                    for cand in cands:
                        if ref_outcome is None or ref_outcome in cand.outcomes:
                            found = True
                if not found:
                    errors.append(f"termijn '{r.id}': onbekende gebeurtenis '{ref}' in '{what}'")
    return errors


def _link(
    targets: list[str], prefix: str, nodes: Mapping[str, object], errors: list[str], edges: list[str], reached: set[str]
) -> None:
    """Follow-up steps of a node (or of one of its outcomes): known ones become edges, others an error."""
    for target in targets:
        if target not in nodes:
            errors.append(f"{prefix}onbekende vervolgstap '{target}'")
        else:
            edges.append(target)
            reached.add(target)


def _cycles(graph: dict[str, list[str]], nodes: dict[str, tuple[_NodeIn, str]]) -> list[str]:
    WHITE, GREY, BLACK = 0, 1, 2
    color = {n: WHITE for n in graph}
    stack: list[str] = []
    errors: list[str] = []

    def visit(n: str) -> None:
        color[n] = GREY
        stack.append(n)
        for m in graph[n]:
            if color[m] == GREY:
                cyc = stack[stack.index(m) :] + [m]
                errors.append(f"{nodes[m][1]}: kringloop in de vervolgstappen: {' → '.join(cyc)}")
            elif color[m] == WHITE:
                visit(m)
        stack.pop()
        color[n] = BLACK

    for n in graph:
        if color[n] == WHITE:
            visit(n)
    return errors


def _build(path: Path, data: _RoutekaartIn, digest: str) -> Routekaart:
    contacts = {cid: Contact(cid, c.name, c.phone, c.email, c.note) for cid, c in data.contacts.items()}
    letters = {lid: Letter(lid, lt.title, lt.format, lt.note) for lid, lt in data.letters.items()}
    rules = {
        r.id: Rule(
            r.id,
            r.title,
            r.explanation,
            r.kind,
            parse_period(r.period),
            tuple(r.start),
            tuple(r.stop),
            tuple(r.tracks),
            r.basis,
            r.choice,
            r.source,
            r.owed_by,
        )
        for r in data.rules
    }

    def make(n: _NodeIn, tid: str, milestone: bool, optional_somewhere: set[str]) -> Step:
        branches = {
            oid: Outcome(
                oid,
                o.title,
                o.branch,
                tuple(o.next),
                tuple(o.optional),
                {k: tuple(v) for k, v in o.only_outcomes.items()},
            )
            for oid, o in n.outcomes.items()
        }
        return Step(
            id=n.id,
            track=tid,
            title=n.title,
            explanation=n.explanation,
            actors=tuple(n.actors),
            spuk_component=n.spuk_component,
            letters=tuple(letters[x].title for x in n.letters),
            letter_ids=tuple(n.letters),
            contacts=tuple(contacts[c] for c in n.contacts),
            outcomes={oid: o.title for oid, o in n.outcomes.items()},
            outcome_branches=branches,
            next=tuple(n.next),
            requires=tuple(n.requires),
            requires_any=tuple(n.requires_any),
            requires_running=tuple(n.requires_running),
            not_before=tuple(n.not_before),
            optional=n.optional or n.id in optional_somewhere,
            anytime=n.anytime,
            repeatable=n.repeatable,
            end=n.end,
            milestone=milestone,
            optional_everywhere=n.optional,
            not_after=tuple(n.not_after),
            then_only=tuple(n.then_only),
            last_date=n.last_date,
            last_date_reason=n.last_date_reason,
            roles=tuple(n.roles),
            source=n.source,
            cycle=n.cycle,
            restart=n.restart,
        )

    tracks: dict[str, Track] = {}
    for tid in TRACKS:
        t = data.tracks[tid]
        ms = [m for m in data.milestones if tid in m.tracks]
        opt = {x for n in list(t.steps) + ms for o in n.outcomes.values() for x in o.optional}
        tracks[tid] = Track(
            id=tid,
            title=t.title,
            start_label=t.start_label,
            milestone_label=t.milestone_label,
            steps=tuple(make(s, tid, False, opt) for s in t.steps),
            milestones=tuple(make(m, tid, True, opt) for m in ms),
            rules=tuple(r for r in rules.values() if tid in r.tracks),
        )
    return Routekaart(path, tracks, contacts, letters, rules, dict(data.spuk_components), digest)


def load_routekaart(path: Path | str) -> Routekaart:
    """Load and validate the routekaart file at ``path``."""
    path = Path(path)
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise RoutekaartError(path, ["bestand niet gevonden"]) from None
    except OSError as exc:
        raise RoutekaartError(path, [f"bestand kan niet worden gelezen ({os_reason(exc)})"]) from None
    return parse_routekaart(text, path)


def parse_routekaart(text: bytes, path: Path | str) -> Routekaart:
    """Validate the bytes of a routekaart file; ``path`` names it in the messages. The result
    carries ``fingerprint``, a hash of these bytes (to notice when the data changed)."""
    path = Path(path)
    try:
        raw = tomllib.loads(text.decode("utf-8"))
    except UnicodeDecodeError:
        raise RoutekaartError(path, ["bestand is geen UTF-8-tekst"]) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        pos = f" op regel {m.group(1)}, kolom {m.group(2)}" if m else ""
        raise RoutekaartError(path, [f"geen geldige TOML{pos} ({msg})"]) from None
    try:
        data = _RoutekaartIn.model_validate(raw)
    except ValidationError as exc:
        raise RoutekaartError(path, _pydantic_errors(exc, raw)) from None
    errors = _validate_semantics(data)
    if errors:
        raise RoutekaartError(path, errors)
    rk = _build(path, data, fingerprint(text))
    rk.index_fingerprint, rk.route_fingerprint, rk.rule_fingerprints = index_fingerprints(data)
    return rk


# What a case index row never shows nor depends on: texts for the caseworker (explanations,
# contacts, letters, sources, who acts, SPUK components). A file that differs only in these keeps
# its index_fingerprint, so the case index need not be recomputed.
_TEXT_ONLY = {
    "node": {"explanation", "actors", "spuk_component", "letters", "contacts", "last_date_reason", "source"},
    "rule": {"explanation", "choice", "source"},
    "file": {"contacts", "letters", "spuk_components", "version"},
}


# A rule's fields that only its own termijnen show (their due dates, whether one runs out by itself,
# who owes it) or none at all: which cases hold a termijn of the rule, and in which order, does not
# depend on them (that is its start, stop and tracks, the steps and the order of the rules). A change
# in these alone changes only the index of the cases that hold a termijn of the rule.
_RULE_OWN = ("title", "kind", "period", "basis", "owed_by")


def index_fingerprints(data: _RoutekaartIn) -> tuple[str, str, dict[str, str]]:
    """Hashes of everything in the file the case index could depend on (all but :data:`_TEXT_ONLY`):
    of all of it; of all but each rule's :data:`_RULE_OWN` fields; and of those fields by rule id."""
    raw = data.model_dump(mode="json", exclude=_TEXT_ONLY["file"])
    for track in raw["tracks"].values():
        for node in track["steps"]:
            for key in _TEXT_ONLY["node"]:
                node.pop(key)
    for node in raw["milestones"]:
        for key in _TEXT_ONLY["node"]:
            node.pop(key)
    for rule in raw["rules"]:
        for key in _TEXT_ONLY["rule"]:
            rule.pop(key)
    whole = _hash(raw)
    rules = {rule["id"]: _hash({key: rule.pop(key) for key in _RULE_OWN}) for rule in raw["rules"]}
    return whole, _hash(raw), rules


def _hash(raw: object) -> str:
    import json

    return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:16]
