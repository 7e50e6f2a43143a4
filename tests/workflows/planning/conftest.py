from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import Demo
from tests.workflows.planning.world import World
from workflows.cases.documents import FileStore
from workflows.clock import FrozenClock


@pytest.fixture
def world(factory: sessionmaker[Session], demo: Demo, clock: FrozenClock, store: FileStore) -> World:
    return World(factory, demo, clock, store).build()
