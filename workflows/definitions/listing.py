"""Where a process's cases are listed: the diagram's `listed` process property.

A person's applications are listed in the cases register (schedule 602-01) and in the person's own
"My applications"; a case the product opens about a person that is not their application (a
refund) in the cases register alone; the cases the product opens for its own records on the page
that works them: the nonconformity journal, HR's quarterly board, the plan pages. The latest
published version of a process decides for all its cases, as those pages list a process's cases
whatever version each started on.

A version that does not write the property lists its cases where the product's own diagram of the
same process does (a process owner's version published before the property existed, say), and a
process of the owner's own as applications.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from workflows.engine.definition import DefinitionInfo, parse_xml, read_info
from workflows.errors import Problem, problem

PROPERTY = "listed"


class Listing(StrEnum):
    APPLICATIONS = "applications"  # the person's applications: the cases register and My applications
    CASES = "cases"  # a case about the person, not their application: the cases register alone
    JOURNAL = "journal"  # the nonconformity journal (/journal)
    QUARTERLY = "quarterly"  # HR's quarterly board (/reports/quarterly)
    PLAN = "plan"  # the annual plan's pages (/plan)


DEFAULT_LISTING = Listing.APPLICATIONS
_WRITTEN = {str(v): v for v in Listing}
# What the cases register lists; the rest is listed on the page that works it.
IN_REGISTER = frozenset({Listing.APPLICATIONS, Listing.CASES})
# What a person's own lists show of the cases about them (My applications, the individual report).
OWN_APPLICATIONS = frozenset({Listing.APPLICATIONS})


def _written(info: DefinitionInfo) -> str:
    return (info.properties.get(PROPERTY) or "").strip()


def written_listing(info: DefinitionInfo) -> str:
    """The property as the diagram writes it, or the default when it is absent or blank."""
    return _written(info) or shipped_listings().get(info.process_key, DEFAULT_LISTING)


@cache
def shipped_listings() -> dict[str, Listing]:
    """Where the product's own diagrams (bpmn/) list their cases, by process key: read once."""
    from workflows.definitions.publishing import BPMN_DIR  # publishing's checks import this module

    found: dict[str, Listing] = {}
    for path in sorted(BPMN_DIR.glob("*.bpmn")):
        info = read_info(parse_xml(path.read_bytes()))
        if _written(info) in _WRITTEN:
            found[info.process_key] = _WRITTEN[_written(info)]
    return found


def listing(info: DefinitionInfo) -> Listing:
    """Where the diagram's cases are listed. A value publishing would refuse cannot be in a
    published version; were one there, its cases stay among applications rather than vanish."""
    return _WRITTEN.get(written_listing(info), DEFAULT_LISTING)


def listing_problems(info: DefinitionInfo) -> list[Problem]:
    written = written_listing(info)
    if written in _WRITTEN:
        return []
    return [problem("unknown_listing", info.process_key, listed=written, known=", ".join(_WRITTEN))]
