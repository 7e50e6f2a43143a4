"""The inbox: what I can act on now, filtered, searched and a page at a time."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import Engine

from tests import factories
from tests.app.conftest import LoginAs
from tests.statements import counting
from tests.workflows.flow import Flow, application
from workflows.cases.start import start_case


def _rows(page: str) -> int:
    return page.count('class="task-link"')


def test_the_inbox_lists_what_the_head_can_act_on(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    task = flow.task(case, "endorse")
    page = login_as("head").get("/").text
    assert f'href="/tasks/{task.id}"' in page
    assert "Өтінішті келісу" in page  # step
    assert "Біліктілікті арттыруға өтініш" in page  # process title
    assert "Айгүл Серікқызы Нұрланова" in page  # employee
    assert "Жоғары мектептегі цифрлық педагогика" in page  # course
    assert "06.03.2026" in page  # due
    assert "Табылған тапсырмалар: 1" in page
    assert re.search(r'class="badge badge--on"[^>]*>1<', page)  # the header badge
    assert "Әзірге" not in page and _rows(login_as("head2").get("/").text) == 0


def test_overdue_tasks_are_marked_and_filterable(flow: Flow, login_as: LoginAs) -> None:
    late = flow.start()
    flow.at("2026-03-05T09:00:00+05:00")
    fresh = flow.start(start_date="2026-03-26", end_date="2026-03-30")
    flow.at("2026-03-07T09:00:00+05:00")  # the first is due 6 March, the second 10 March
    client = login_as("head")
    page = client.get("/").text
    assert page.count('class="pill pill--overdue"') == 1
    assert 'class="is-overdue"' in page
    overdue = client.get("/?due=overdue").text
    assert f'href="/tasks/{flow.task(late, "endorse").id}"' in overdue
    assert f'href="/tasks/{flow.task(fresh, "endorse").id}"' not in overdue
    upcoming = client.get("/?due=upcoming").text
    assert _rows(upcoming) == 1 and f'href="/tasks/{flow.task(fresh, "endorse").id}"' in upcoming
    assert _rows(client.get("/?due=none").text) == 0
    assert _rows(client.get("/?due=bogus").text) == 2  # an unknown filter is ignored


def test_search_by_employee_or_course_and_filter_by_step(flow: Flow, login_as: LoginAs, factory: Any) -> None:
    flow.start(course="Академиялық жазылым")
    flow.start(course="Python in teaching")
    second = flow.start(course="Python in teaching", start_date="2026-03-25", end_date="2026-04-02")
    flow.do("head", second, "endorse", decision="approve")
    client = login_as("head")
    assert _rows(client.get("/?q=python").text) == 1
    assert _rows(client.get("/?q=нұрланова").text) == 2
    assert _rows(client.get("/?q=nobody").text) == 0
    assert "Қазір орындайтын тапсырма жоқ." in client.get("/?q=nobody").text
    assert _rows(client.get("/?step=endorse&process=qualification_request").text) == 2
    assert _rows(client.get("/?process=other").text) == 0


def test_a_deputy_sees_the_heads_tasks_marked_as_such(flow: Flow, login_as: LoginAs, factory: Any) -> None:
    with factory() as s:
        factories.deputy(s, flow.demo["head"], flow.demo["head2"], date(2026, 3, 1), date(2026, 3, 15))
        s.commit()
    case = flow.start()
    task = flow.task(case, "endorse")
    client = login_as("head2")
    page = client.get("/").text
    assert f'href="/tasks/{task.id}"' in page
    assert "алмастырушы ретінде" in page
    assert "кімнің орнына: Дәурен Асқарұлы Жақсыбеков" in client.get(f"/tasks/{task.id}").text
    assert client.post(f"/tasks/{task.id}", data={"decision": "approve"}).status_code == 303
    case_page = login_as("teacher").get(f"/cases/{case}").text
    assert "Гүлнар Маратқызы Әлиева" in case_page and "Дәурен Асқарұлы Жақсыбеков орнына" in case_page


def test_two_hundred_open_tasks_come_a_page_at_a_time(flow: Flow, login_as: LoginAs, engine: Engine) -> None:
    with flow.factory() as session:
        for n in range(200):
            data = application(course=f"Course {n:03d}")
            start_case(session, "qualification_request", flow.demo["teacher"], data, flow.clock)
        session.commit()
    client = login_as("head")
    client.get("/")  # warm the version cache
    with counting(engine) as statements:
        first = client.get("/").text
    assert _rows(first) == 25
    assert "Табылған тапсырмалар: 200" in first
    assert "1 / 8 бет" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    # The page costs the same few statements whatever the number of open tasks: the signed-in
    # person, their seats, the page with its counts (the header badge's too), the processes, the
    # unread notices.
    assert len(statements) == 5, statements
    assert re.search(r'class="badge badge--on"[^>]*>200<', first)
    last = client.get("/?page=8").text
    assert _rows(last) == 25 and 'rel="next"' not in last
    assert _rows(client.get("/?page=9").text) == 0
    assert _rows(client.get("/?page=abc").text) == 25
    filtered = client.get("/?q=course 19&page=1").text  # 190..199
    assert _rows(filtered) == 10
    assert 'href="/?page=2&amp;q=course+1" rel="next"' in client.get("/?q=course 1").text  # filters kept
