"""The pages a head reads send as many statements for a large unit below them as for a small one
(bench/org_pages.py gives the figures for 5,000 people)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bench.org_pages import Institute, build
from tests.app.conftest import LoginAs
from tests.statements import counting


def _counts(login_as: LoginAs, engine: Engine, institute: Institute) -> list[int]:
    browser = login_as("director")
    with browser.session_transaction() as cookie:
        cookie["_user_id"] = str(institute.director_id)  # the institute's own director
    found = []
    for url in ("/", f"/admin/people?unit={institute.unit_id}", f"/admin/units/{institute.unit_id}"):
        assert browser.get(url).status_code == 200
        with counting(engine) as statements:
            page = browser.get(url)
        assert page.status_code == 200
        found.append(len(statements))
    return found


def test_a_heads_pages_cost_the_same_for_40_and_400_people(
    db: Session, login_as: LoginAs, engine: Engine
) -> None:
    small = build(db, 40, 4, 30, "small")
    large = build(db, 400, 12, 30, "large")
    db.commit()
    assert _counts(login_as, engine, small) == _counts(login_as, engine, large)
