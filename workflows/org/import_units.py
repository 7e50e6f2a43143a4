"""The org tree as an import reads it: unit paths (`Институт инженерии / Кафедра информатики`,
from under the university, in any of the units' three languages) and unit names in seats, with the
units a file names that do not exist yet (created when the import is applied)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.org.models import OrgUnit, UnitKind
from workflows.org.staff_rows import PATH_SEPARATOR

# A unit is an existing one's id, or a new one: ("new", its parent's key, its name folded).
UnitKey = int | tuple[object, ...]


@dataclass
class NewUnit:
    key: tuple[object, ...]
    parent: UnitKey
    name: str
    path: str  # as the preview shows it
    kind: str


class Lookup(Exception):
    """Why a unit reference names no usable unit: an import_wording code and the unit's text."""

    def __init__(self, code: str, unit: str) -> None:
        super().__init__(code)
        self.code, self.unit = code, unit


class UnitTree:
    def __init__(self, session: Session) -> None:
        self.units: dict[int, OrgUnit] = {
            u.id: u for u in session.scalars(select(OrgUnit).order_by(OrgUnit.id))
        }
        self.root = next((u for u in self.units.values() if u.parent_id is None), None)
        self._children: dict[UnitKey | None, dict[str, list[UnitKey]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self._named: dict[str, list[UnitKey]] = defaultdict(list)
        for unit in self.units.values():
            for name in set(_fold(n) for n in unit.names.values() if n):
                self._children[unit.parent_id][name].append(unit.id)
                self._named[name].append(unit.id)
        self.new: dict[tuple[object, ...], NewUnit] = {}
        self._kinds = [
            (k.code, [_fold(n) for n in k.names.values() if n])
            for k in session.scalars(select(UnitKind).order_by(UnitKind.sort_order))
            if k.code != "university"
        ]

    def path(self, parts: tuple[str, ...]) -> UnitKey:
        """The unit a path names, adding the missing ones as new; the university when it is empty."""
        if self.root is None:
            raise Lookup("no_root", "")
        if parts and _fold(parts[0]) in {_fold(n) for n in self.root.names.values()}:
            parts = parts[1:]
        key: UnitKey = self.root.id
        shown: list[str] = []
        for part in parts:
            shown.append(part)
            key = self._child(key, part, shown)
        return key

    def named(self, name: str) -> UnitKey:
        """The one unit called `name` (existing or new in this file)."""
        found = list(dict.fromkeys(self._named.get(_fold(name), [])))
        if not found:
            raise Lookup("unknown_unit", name)
        if len(found) > 1:
            raise Lookup("ambiguous_unit", name)
        self._check_open(found[0])
        return found[0]

    def display(self, key: UnitKey, locale: str = "kk") -> str:
        """The path of a unit under the university, as an export writes it."""
        if isinstance(key, tuple):
            return self.new[key].path
        parts: list[str] = []
        unit = self.units[key]
        while unit.parent_id is not None:
            parts.append(unit.name(locale))
            unit = self.units[unit.parent_id]
        return PATH_SEPARATOR.join(reversed(parts))

    def unique_name(self, key: int, locale: str = "kk") -> bool:
        return len(set(self._named.get(_fold(self.units[key].name(locale)), []))) == 1

    def _child(self, parent: UnitKey, part: str, shown: list[str]) -> UnitKey:
        found = self._children[parent].get(_fold(part), [])
        if len(found) > 1:
            raise Lookup("ambiguous_unit", PATH_SEPARATOR.join(shown))
        if found:
            self._check_open(found[0])
            return found[0]
        key: tuple[object, ...] = ("new", parent, _fold(part))
        if key not in self.new:
            self.new[key] = NewUnit(
                key, parent, part, PATH_SEPARATOR.join(shown), self._kind(part, len(shown))
            )
            self._children[parent][_fold(part)].append(key)
            self._named[_fold(part)].append(key)
        return key

    def _check_open(self, key: UnitKey) -> None:
        if isinstance(key, int) and not self.units[key].is_open:
            raise Lookup("closed_unit", self.units[key].name("kk"))

    def _kind(self, name: str, depth: int) -> str:
        """A new unit's kind: the kind whose name its own name contains (Кафедра …, … институты),
        else an institute right under the university and a department below."""
        folded = _fold(name)
        for code, names in self._kinds:
            if any(n in folded for n in names):
                return code
        codes = {code for code, _ in self._kinds}
        wanted = "institute" if depth == 1 else "department"
        return wanted if wanted in codes else next(iter(codes), "department")

    def create(self, session: Session) -> dict[tuple[object, ...], OrgUnit]:
        """Add the new units, parents first; returns them by key."""
        made: dict[tuple[object, ...], OrgUnit] = {}
        codes = set(session.scalars(select(OrgUnit.code)))
        for key, new in self.new.items():  # insertion order: a parent is always added before its children
            parent_id = new.parent if isinstance(new.parent, int) else None
            code = "u-" + hashlib.sha1(new.path.encode(), usedforsecurity=False).hexdigest()[:12]
            while code in codes:
                code += "x"
            codes.add(code)
            unit = OrgUnit(code=code, kind=new.kind, name_kk=new.name, name_ru=new.name, name_en=new.name)
            if parent_id is not None:
                unit.parent_id = parent_id
            else:
                unit.parent = made[new.parent]  # type: ignore[index]  # a new unit's parent is new or an id
            session.add(unit)
            made[key] = unit
        session.flush()
        return made


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split())
