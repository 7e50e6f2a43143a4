"""Ready-made decision tables shipped in `bpmn/presets/`: a process owner starts a draft from one
(seed 001's periodicity, seed 003's once per 5 years, a plain once per 3 years) and edits it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from workflows.clock import Clock
from workflows.definitions.draft_rows import EditToken, require_owner
from workflows.definitions.drafts import DraftSaved, save_draft
from workflows.definitions.publishing import BPMN_DIR
from workflows.definitions.tables import decision_key, decision_name
from workflows.errors import NotFound

PRESET_DIR = BPMN_DIR / "presets"


@dataclass(frozen=True)
class Preset:
    name: str  # the file's stem: seed_001, seed_003, once_per_3_years
    decision_key: str
    title: str  # the decision's name in the file


def _presets(directory: Path) -> dict[str, tuple[Preset, str]]:
    found: dict[str, tuple[Preset, str]] = {}
    for path in sorted(directory.glob("*.dmn")):
        text = path.read_text("utf-8")
        key = decision_key(text)
        if key is not None:
            found[path.stem] = (Preset(path.stem, key, decision_name(text) or path.stem), text)
    return found


def presets_for(decision: str, directory: Path = PRESET_DIR) -> list[Preset]:
    """The presets of one decision table, by file name."""
    return [preset for preset, _text in _presets(directory).values() if preset.decision_key == decision]


def draft_from_preset(
    session: Session,
    decision: str,
    preset: str,
    expected: EditToken,
    actor_id: int,
    clock: Clock,
    directory: Path = PRESET_DIR,
) -> DraftSaved:
    """Replace the decision's draft (or start one) with a preset's table; checked and saved like any draft."""
    require_owner(session, actor_id, clock)
    found = _presets(directory).get(preset)
    if found is None or found[0].decision_key != decision:
        raise NotFound(f"There is no preset '{preset}' of '{decision}'", process_key=decision, preset=preset)
    return save_draft(session, decision, found[1], None, expected, actor_id, clock)
