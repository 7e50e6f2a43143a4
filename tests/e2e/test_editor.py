"""The process owner edits the qualification diagram in the browser's modeler and publishes it.

(1) The lead time goes from 20 to 25 days: new applications follow 25, an application started
before keeps 20 (its resubmission after a return is checked against 20).
(2) A new HR step after the rector's visa, with a new form, is added and published: a new case
reaches it. A validation problem, clicked, selects its element in the diagram.
"""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.conftest import Demo
from tests.e2e.conftest import LiveServer, People, fill_application, screenshot
from tests.workflows.definitions.diagrams import HR_CHECK_FORM
from tests.workflows.flow import Flow
from workflows.cases.documents import FileStore
from workflows.cases.models import HumanTask, ProcessInstance
from workflows.definitions.models import ProcessDraft, ProcessVersion
from workflows.engine.definition import NS, read_info

KEY = "qualification_request"
COURSE = "Жоғары мектептегі цифрлық педагогика"
NEW_STEP = "Құжаттарды HR тексеруі"


def _flow(live: LiveServer, tmp_path: Path) -> Flow:
    return Flow(live.sessions, Demo(live.people), live.clock, FileStore(tmp_path / "files"))


def _open_editor(owner: Page, live: LiveServer) -> None:
    owner.click("nav >> text=Процестер")
    expect(owner.locator("h1")).to_have_text("Процестер")
    owner.click(f"a[href='/processes/{KEY}/edit']")
    expect(owner.locator("#editor")).to_have_attribute("data-state", "ready")


def _select(owner: Page, element_id: str) -> None:
    """Scroll the canvas to the element and click its shape, as a person would."""
    owner.evaluate(
        "(id) => { const m = BkEditor.modeler; "
        "m.get('canvas').scrollToElement(m.get('elementRegistry').get(id)); }",
        element_id,
    )
    owner.locator(f'#canvas .djs-element.djs-shape[data-element-id="{element_id}"]').click()
    expect(owner.locator("#panel")).to_have_attribute("data-element-id", element_id)


def _selection(owner: Page) -> list[str]:
    ids: list[str] = owner.evaluate(
        "() => BkEditor.modeler.get('selection').get().map(function (e) { return e.id; })"
    )
    return ids


def _publish(owner: Page, live: LiveServer, note: str) -> None:
    owner.click("#btn-publish")
    owner.fill("#publish-note", note)
    owner.click("#publish-confirm")
    owner.wait_for_url(f"{live.url}/processes/{KEY}")
    expect(owner.locator(".notice--success")).to_contain_text("жарияланды")


def _version_of(live: LiveServer, case_id: int) -> int:
    with live.sessions() as session:
        instance = session.get(ProcessInstance, case_id)
        assert instance is not None
        version = session.get(ProcessVersion, instance.version_id)
        assert version is not None
        return version.version


def _fill_application(page: Page, start: str, end: str) -> None:
    fill_application(
        page,
        start,
        end,
        course="Академиялық жазылым негіздері",
        hours=36,
        relevance="Ғылыми мақалалар жазу дағдысын дамыту",
    )


def test_a_longer_lead_time_applies_to_new_applications_only(
    live: LiveServer, people: People, tmp_path: Path
) -> None:
    flow = _flow(live, tmp_path)
    before = flow.start()  # 1 March: an application under the 20-day rule
    flow.do("head", before, "endorse", decision="return", comment="Басқа күндерді көрсетіңіз")

    owner = people("owner")
    _open_editor(owner, live)
    participant = owner.locator('#canvas .djs-element[data-element-id="participant"]').bounding_box()
    assert participant is not None
    owner.mouse.click(participant["x"] + 12, participant["y"] + participant["height"] / 2)  # the pool's band
    expect(owner.locator("#panel")).to_have_attribute("data-element-id", "participant")
    lead = owner.locator("#panel-prop-lead_time_days")
    expect(lead).to_have_value("20")
    lead.fill("25")
    lead.press("Enter")
    expect(owner.locator("#editor-status")).to_have_attribute("data-kind", "dirty")
    screenshot(owner, "editor-process-settings")
    _publish(owner, live, "Алдын ала мерзім 25 күнге ұзартылды")
    expect(owner.locator("#version-2")).to_contain_text("Алдын ала мерзім 25 күнге ұзартылды")
    expect(owner.locator("#version-1 .count-chip")).to_have_text("1")  # the earlier application
    screenshot(owner, "process-versions")

    # A new application follows 25 days: 22 days ahead is refused, the earliest date is 26 March.
    teacher = people("teacher")
    teacher.click("nav >> text=Жаңа өтініш")
    teacher.click("a[href$='process=qualification_request']")
    expect(teacher.locator(".rule")).to_contain_text("25")
    _fill_application(teacher, "2026-03-23", "2026-03-27")
    teacher.click("button:has-text('Өтінішті жіберу')")
    expect(teacher.locator("#f-start_date-error")).to_contain_text("26.03.2026")
    teacher.fill("#f-start_date", "2026-03-26")
    teacher.fill("#f-end_date", "2026-03-30")
    teacher.click("button:has-text('Өтінішті жіберу')")
    expect(teacher.locator(".notice--success")).to_be_visible()
    after = int(teacher.url.rstrip("/").rsplit("/", 1)[1])
    assert (_version_of(live, before), _version_of(live, after)) == (1, 2)

    # The earlier application, returned and corrected, is still checked against 20 days.
    teacher.goto(f"{live.url}/")
    teacher.locator("tbody tr", has_text=COURSE).filter(has_text="Өтінішті түзету").locator(
        "a.task-link"
    ).click()
    teacher.fill("#f-start_date", "2026-03-20")
    teacher.fill("#f-end_date", "2026-03-25")
    teacher.click(".schema-form button[type=submit]")
    expect(teacher.locator("#f-start_date-error")).to_contain_text("21.03.2026")  # 20 days, not 25
    teacher.fill("#f-start_date", "2026-03-23")  # 22 days after the filing: enough under version 1
    teacher.fill("#f-end_date", "2026-03-31")  # the 72 hours over nine days
    teacher.click(".schema-form button[type=submit]")
    expect(teacher.locator(".notice--success")).to_be_visible()
    assert flow.open_elements(before) == ["endorse"]


def test_a_new_step_with_its_form_is_published_and_reached(
    live: LiveServer, people: People, tmp_path: Path
) -> None:
    owner = people("owner")
    _open_editor(owner, live)

    # A problem, clicked, selects the element it belongs to.
    _select(owner, "rector_visa")
    owner.select_option("#panel-form", "")
    owner.click("#btn-check")
    problem = owner.locator('#problem-list .problem[data-element-id="rector_visa"]')
    expect(problem).to_contain_text("Пайдаланушы тапсырмасында форма көрсетілмеген")
    expect(owner.locator("#problem-count")).to_have_text("1")
    owner.evaluate("() => BkEditor.modeler.get('selection').select(null)")
    expect(owner.locator("#panel")).to_have_attribute("data-element-id", "collaboration")
    problem.click()
    assert _selection(owner) == ["rector_visa"]
    expect(owner.locator("#panel")).to_have_attribute("data-element-id", "rector_visa")
    screenshot(owner, "editor-problem-selected")
    owner.select_option("#panel-form", "rector_visa")

    # A new user task in the HR lane, after the rector's approval.
    created = owner.evaluate(
        """() => {
          const m = BkEditor.modeler;
          const registry = m.get('elementRegistry');
          const modeling = m.get('modeling');
          const lane = registry.get('lane_hr');
          const shape = m.get('elementFactory').createShape({ type: 'bpmn:UserTask' });
          const task = modeling.createShape(
            shape, { x: 1400, y: lane.y + lane.height / 2 }, registry.get('participant'));
          modeling.updateProperties(task, { id: 'hr_check', name: 'Құжаттарды HR тексеруі' });
          modeling.reconnectEnd(registry.get('flow_rector_approve'), task,
            { x: task.x + task.width / 2, y: task.y });
          modeling.connect(task, registry.get('gw_agreement_needed'), { type: 'bpmn:SequenceFlow' });
          return task.id;
        }"""
    )
    assert created == "hr_check"

    # Its form, written beside the diagram.
    owner.click("#tab-forms-button")
    owner.fill("#form-new-key", "hr_check")
    owner.click("#form-new button[type=submit]")
    owner.fill("#form-text", json.dumps(HR_CHECK_FORM, ensure_ascii=False, indent=2))
    expect(owner.locator("#form-preview")).to_contain_text("Құжаттар толық")
    expect(owner.locator("#form-status")).to_have_attribute("data-kind", "ok")
    screenshot(owner, "editor-forms")
    owner.click("#tab-diagram-button")

    _select(owner, "hr_check")
    owner.select_option("#panel-form", "hr_check")
    owner.fill("#panel-due", "add_working_days(today(), 2)")
    owner.press("#panel-due", "Enter")
    owner.fill("#panel-name_ru", "Проверка документов HR")
    owner.press("#panel-name_ru", "Enter")
    owner.click("#btn-check")
    expect(owner.locator("#problem-summary")).to_have_attribute("data-kind", "ok")
    screenshot(owner, "editor-new-step")
    _publish(owner, live, "HR тексеруі қосылды")

    # A new case reaches the step, in the HR inbox.
    flow = _flow(live, tmp_path)
    case = flow.start()
    flow.do("head", case, "endorse", decision="approve")
    flow.do("rector", case, "rector_visa", decision="approve")
    assert flow.open_elements(case) == ["hr_check"]
    with live.sessions() as session:
        task = session.scalars(select(HumanTask).where(HumanTask.element_id == "hr_check")).one()
        assert (task.role, task.form_key) == ("hr", "hr_check")
    hr = people("hr")
    row = hr.locator("tbody tr", has_text=COURSE).filter(has_text=NEW_STEP)
    expect(row).to_have_count(1)
    row.locator("a.task-link").click()
    expect(hr.locator("#f-documents_complete")).to_be_visible()


def test_a_save_over_someone_elses_save_is_refused_and_their_version_opens(
    live: LiveServer, people: People
) -> None:
    mine = people("owner")
    _open_editor(mine, live)
    theirs = mine.context.new_page()  # the same owner in a second tab, or a colleague
    theirs.goto(f"{live.url}/processes/{KEY}/edit")
    expect(theirs.locator("#editor")).to_have_attribute("data-state", "ready")

    for page, days in ((theirs, "30"), (mine, "40")):
        page.evaluate("() => BkEditor.focusElement('participant')")
        page.fill("#panel-prop-report_days", days)
        page.press("#panel-prop-report_days", "Enter")
    theirs.click("#btn-save")
    expect(theirs.locator("#editor-status")).to_have_attribute("data-kind", "ok")

    mine.click("#btn-save")
    dialog = mine.locator("#conflict-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("ештеңе сақталмады")
    screenshot(mine, "editor-conflict")
    with mine.expect_download() as download:
        mine.click("#conflict-download")
    assert 'name="report_days" value="40"' in Path(download.value.path()).read_text("utf-8")
    mine.click("#conflict-reload")
    expect(mine.locator("#editor")).to_have_attribute("data-state", "ready")
    mine.evaluate("() => BkEditor.focusElement('participant')")
    expect(mine.locator("#panel-prop-report_days")).to_have_value("30")
    theirs.close()


def test_the_side_panel_edits_every_product_setting(live: LiveServer, people: People) -> None:
    owner = people("owner")
    _open_editor(owner, live)

    def on(element_id: str) -> None:
        owner.evaluate("(id) => BkEditor.focusElement(id)", element_id)
        expect(owner.locator("#panel")).to_have_attribute("data-element-id", element_id)

    def put(selector: str, value: str) -> None:
        owner.fill(selector, value)
        owner.locator(selector).blur()

    on("lane_legal")
    owner.select_option("#panel-role", "institute_director")
    on("wait_course_end")
    owner.select_option("#panel-timer-kind", "timeDuration")
    put("#panel-timer", '"P30D"')
    on("flow_finance_approve")
    put("#panel-condition", 'decision == "approve" and bool(budget_line)')
    on("allocate_order")
    put("#panel-param-prefix", "'ББ'")
    on("end_escalation")
    owner.select_option("#panel-outcome", "completed")
    on("set_report_due")
    put("#panel-script", 'report_due = add_days(end_date, policy["report_days"])\nmeeting_due = report_due')
    on("endorse")
    put("#panel-due", "add_working_days(today(), 3)")
    owner.check("#panel-check-funding")
    put("#panel-name_en", "Endorsement")
    on("start")
    owner.uncheck("#panel-check-funding")
    on("participant")
    put("#panel-new-prop-name", "owner_unit")
    put("#panel-new-prop-value", "hr")
    owner.click("#panel button:has-text('Қасиет қосу')")
    expect(owner.locator("#panel-prop-owner_unit")).to_have_value("hr")
    screenshot(owner, "editor-panel")
    owner.click("#btn-save")
    expect(owner.locator("#editor-status")).to_have_attribute("data-kind", "ok")

    with live.sessions() as session:
        draft = session.scalars(select(ProcessDraft)).one()
        assert draft.problems == []
        root = etree.fromstring(draft.bpmn_xml.encode("utf-8"))
    info = read_info(root)
    elements = info.elements
    assert info.lanes["lane_legal"] == "institute_director"
    assert info.properties["owner_unit"] == "hr" and info.properties["lead_time_days"] == "20"
    assert root.xpath(
        "//bpmn:intermediateCatchEvent[@id='wait_course_end']//bpmn:timeDuration/text()", namespaces=NS
    ) == ['"P30D"']
    assert root.xpath(
        "//bpmn:sequenceFlow[@id='flow_finance_approve']/bpmn:conditionExpression/text()", namespaces=NS
    ) == ['decision == "approve" and bool(budget_line)']
    assert root.xpath(
        "//bpmn:serviceTask[@id='allocate_order']//spiffworkflow:parameter[@id='prefix']/@value",
        namespaces=NS,
    ) == ["'ББ'"]
    assert elements["end_escalation"].properties["outcome"] == "completed"
    assert (
        "meeting_due = report_due"
        in (root.xpath("//bpmn:scriptTask[@id='set_report_due']/bpmn:script/text()", namespaces=NS)[0])
    )
    assert elements["endorse"].properties == {
        "form": "head_endorsement",
        "due": "add_working_days(today(), 3)",
        "checks": "funding",
        "name_ru": "Согласование заявления",
        "name_en": "Endorsement",
    }
    assert elements["start"].properties["checks"] == "lead_time,date_range,course_limits"


def test_the_modeler_speaks_the_owners_language(live: LiveServer, people: People) -> None:
    owner = people("owner")
    _open_editor(owner, live)
    palette = '.djs-palette .entry[data-action="create.task"]'
    expect(owner.locator(palette)).to_have_attribute("aria-label", "Тапсырма жасау")
    owner.click(".langs button[value=ru]")
    expect(owner.locator("#editor")).to_have_attribute("data-state", "ready")
    expect(owner.locator(palette)).to_have_attribute("aria-label", "Создать задачу")
    _select(owner, "rector_visa")
    expect(owner.locator('.djs-context-pad .entry[data-action="delete"]')).to_have_attribute(
        "title", "Удалить"
    )
