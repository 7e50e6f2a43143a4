"""What the published processes offer to people: titles, policy, forms and step names in each language.

Read from the cached parsed versions, so pages can name processes and steps without opening
any instance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflows.definitions.listing import DEFAULT_LISTING, Listing, listing
from workflows.definitions.models import DefinitionKind, ProcessVersion
from workflows.definitions.versions import VERSIONS, LoadedVersion
from workflows.engine.definition import DEFAULT_STARTERS
from workflows.errors import NotFound
from workflows.forms.checks import parse_checks
from workflows.language import LOCALES, pick

# A user task that reuses the start form is the applicant correcting the application; the
# form's own title would name the application, not the step.
_REVISION = {"ru": "Доработка заявления", "en": "Revision of the application"}


@dataclass(frozen=True)
class StepInfo:
    element_id: str
    form_key: str
    role: str | None
    names: dict[str, str]  # locale -> name
    checks: list[str]

    def name(self, locale: str) -> str:
        return pick(self.names, locale, self.element_id)


@dataclass(frozen=True)
class ProcessInfo:
    version_id: int
    process_key: str
    version: int
    titles: dict[str, str]
    policy: dict[str, Any]
    start: StepInfo
    steps: dict[str, StepInfo]  # user tasks by element id, in diagram order
    forms: dict[str, dict[str, Any]]
    descriptions: dict[str, str] = field(default_factory=dict)  # locale -> what the process is for
    starters: tuple[str, ...] = DEFAULT_STARTERS  # the roles that may start a case
    listed: Listing = DEFAULT_LISTING  # where its cases are listed

    def title(self, locale: str) -> str:
        return pick(self.titles, locale, self.process_key)

    def description(self, locale: str) -> str:
        return pick(self.descriptions, locale, "") if self.descriptions else ""

    def schema(self, form_key: str) -> dict[str, Any]:
        try:
            return self.forms[form_key]
        except KeyError as exc:
            raise NotFound(f"No form '{form_key}' in this version", form_key=form_key) from exc


def _step_names(version: LoadedVersion, element_id: str) -> dict[str, str]:
    """The BPMN name is the Kazakh one; `name_ru`/`name_en` properties, then the form title, translate it."""
    info = version.definition.info
    element = info.elements[element_id]
    form_key = element.properties.get("form", "")
    form = version.forms.get(form_key, {})
    titles = form.get("x-title", {}) if isinstance(form.get("x-title"), dict) else {}
    revision = element.kind == "userTask" and form_key == info.start_event.properties.get("form")
    names = {"kk": element.properties.get("name_kk") or element.name}
    for locale in ("ru", "en"):
        fallback = _REVISION[locale] if revision else titles.get(locale)
        names[locale] = element.properties.get(f"name_{locale}") or fallback or element.name
    return names


def _info(version: LoadedVersion) -> ProcessInfo:
    info = version.definition.info

    def step(element_id: str) -> StepInfo:
        element = info.elements[element_id]
        return StepInfo(
            element_id,
            element.properties.get("form", ""),
            element.role,
            _step_names(version, element_id),
            parse_checks(element.properties.get("checks")),
        )

    return ProcessInfo(
        version_id=version.id,
        process_key=version.process_key,
        version=version.version,
        titles={locale: info.title(locale) for locale in LOCALES},
        policy=info.policy(),
        start=step(info.start_event.id),
        steps={e.id: step(e.id) for e in info.user_tasks()},
        forms=version.forms,
        descriptions=info.descriptions(),
        starters=info.starters(),
        listed=listing(info),
    )


# What `_info` made of each loaded version: a published version never changes, so neither does its
# info; kept beside the version it was made from (a version loaded anew gets it anew).
_INFOS: dict[int, tuple[LoadedVersion, ProcessInfo]] = {}


def version_info(session: Session, version_id: int) -> ProcessInfo:
    try:
        loaded = VERSIONS.get(session, version_id)
    except LookupError as exc:
        raise NotFound("No such process version", version_id=version_id) from exc
    known = _INFOS.get(version_id)
    if known is None or known[0] is not loaded:
        known = (loaded, _info(loaded))
        _INFOS[version_id] = known
    return known[1]


def published_processes(session: Session) -> list[ProcessInfo]:
    """The latest version of every published process, by key (decision tables are not processes)."""
    latest = (
        select(ProcessVersion.process_key, func.max(ProcessVersion.version).label("version"))
        .where(ProcessVersion.kind == DefinitionKind.PROCESS)
        .group_by(ProcessVersion.process_key)
        .subquery()
    )
    ids = session.scalars(
        select(ProcessVersion.id)
        .join(
            latest,
            (latest.c.process_key == ProcessVersion.process_key)
            & (latest.c.version == ProcessVersion.version),
        )
        .order_by(ProcessVersion.process_key)
    ).all()
    VERSIONS.load(session, list(ids))
    return [version_info(session, version_id) for version_id in ids]


def listed_keys(session: Session, lists: frozenset[Listing]) -> tuple[list[str], list[str]]:
    """The published processes whose cases are listed in one of `lists`, and those listed elsewhere,
    by key, as the latest version of each says (one statement; the versions are cached)."""
    inside: list[str] = []
    outside: list[str] = []
    for process in published_processes(session):
        (inside if process.listed in lists else outside).append(process.process_key)
    return inside, outside


def latest_process(session: Session, process_key: str) -> ProcessInfo:
    version_id = session.scalar(
        select(ProcessVersion.id)
        .where(ProcessVersion.process_key == process_key, ProcessVersion.kind == DefinitionKind.PROCESS)
        .order_by(ProcessVersion.version.desc())
        .limit(1)
    )
    if version_id is None:
        raise NotFound(f"No published version of '{process_key}'", process_key=process_key)
    return version_info(session, version_id)


def bpmn_xml(session: Session, version_id: int) -> str:
    """The diagram an instance runs on, for the viewer."""
    row = session.get(ProcessVersion, version_id)
    if row is None:
        raise NotFound("No such process version", version_id=version_id)
    return row.bpmn_xml
