"""The acceptance check of issue 14, no code can fake it: a process owner builds a variant of SKMA's
procedure in the browser (copy it, remove the finance step, add an HR check, set the lead time to
30 days), publishes it, and a case runs through it to the end; no code change, no restart."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import Demo
from tests.e2e.conftest import LiveServer, People, fill_application, screenshot
from tests.workflows.definitions.diagrams import HR_CHECK_FORM
from tests.workflows.flow import Flow
from workflows.cases.documents import FileStore
from workflows.cases.models import ProcessInstance

VARIANT = "skma_hr_check"
TITLE = "ОҚМА: қаржы келісімінсіз, HR тексеруімен"
COURSE = "Клиникалық симуляциялық оқыту"


def _edit_in_the_modeler(owner: Page) -> None:
    """Remove the finance step, put an HR check after the rector's visa: what a person drags and
    deletes, through the modeler's own commands (undoable, serialised by bpmn-js)."""
    owner.evaluate(
        """() => {
          const m = BkEditor.modeler;
          const registry = m.get('elementRegistry');
          const modeling = m.get('modeling');
          // The finance step goes with its deadline's reminder, escalation and order-late branches.
          const branches = registry.filter((e) => /^(notify|end)_finance_agreement_/.test(e.id));
          modeling.removeElements(
            [registry.get('finance_agreement'), registry.get('gw_finance_decision'), ...branches]);
          const lane = registry.get('lane_hr');
          const shape = m.get('elementFactory').createShape({ type: 'bpmn:UserTask' });
          const task = modeling.createShape(
            shape, { x: 1400, y: lane.y + lane.height / 2 }, registry.get('participant'));
          modeling.updateProperties(task, { id: 'hr_check', name: 'Құжаттарды HR тексеруі' });
          modeling.reconnectEnd(registry.get('flow_rector_approve'), task,
            { x: task.x + task.width / 2, y: task.y });
          modeling.connect(task, registry.get('gw_agreement_needed'), { type: 'bpmn:SequenceFlow' });
        }"""
    )
    owner.click("#tab-forms-button")
    owner.fill("#form-new-key", "hr_check")
    owner.click("#form-new button[type=submit]")
    owner.fill("#form-text", json.dumps(HR_CHECK_FORM, ensure_ascii=False, indent=2))
    expect(owner.locator("#form-status")).to_have_attribute("data-kind", "ok")
    owner.click("#tab-diagram-button")
    owner.evaluate("() => BkEditor.focusElement('hr_check')")
    expect(owner.locator("#panel")).to_have_attribute("data-element-id", "hr_check")
    owner.select_option("#panel-form", "hr_check")
    owner.fill("#panel-documentation", "HR тексеруі: университеттің өз шешімі")
    owner.locator("#panel-documentation").blur()
    owner.evaluate("() => BkEditor.focusElement('participant')")
    lead = owner.locator("#panel-prop-lead_time_days")
    expect(lead).to_have_value("20")
    lead.fill("30")
    lead.press("Enter")


def test_an_owner_builds_a_variant_in_the_browser_and_a_case_runs_through_it(
    live: LiveServer, people: People, tmp_path: Path
) -> None:
    owner = people("owner")
    owner.goto(f"{live.url}/processes/qualification_request")
    owner.fill("#copy-key", VARIANT)
    owner.fill("#copy-title", TITLE)
    owner.click("#copy-submit")
    owner.wait_for_url(f"{live.url}/processes/{VARIANT}/edit")
    expect(owner.locator("#editor")).to_have_attribute("data-state", "ready")
    _edit_in_the_modeler(owner)
    owner.click("#btn-check")
    expect(owner.locator("#problem-summary")).to_have_attribute("data-kind", "ok")
    screenshot(owner, "acceptance-variant")
    owner.click("#btn-publish")
    owner.fill("#publish-note", "Қаржысыз, HR тексеруімен, 30 күн")
    owner.click("#publish-confirm")
    owner.wait_for_url(f"{live.url}/processes/{VARIANT}")
    expect(owner.locator(".notice--success")).to_contain_text("жарияланды")

    # The teacher now chooses between two procedures; the variant asks 30 days ahead.
    teacher = people("teacher")
    teacher.click("nav >> text=Жаңа өтініш")
    expect(teacher.locator(f"#start-{VARIANT}")).to_have_text(TITLE)
    teacher.click(f"a[href='/cases/new?process={VARIANT}']")
    expect(teacher.locator(".rule")).to_contain_text("30")
    fill_application(
        teacher,
        "2026-03-26",
        "2026-04-03",
        course=COURSE,
        hours=72,
        relevance="Симуляциялық орталықта сабақ беру",
    )
    teacher.select_option("#f-funding_source", "university")
    teacher.fill("#f-cost", "180000")
    teacher.click("button:has-text('Өтінішті жіберу')")
    expect(teacher.locator("#f-start_date-error")).to_contain_text("31.03.2026")  # 30 days, not 20
    teacher.fill("#f-start_date", "2026-03-31")
    teacher.fill("#f-end_date", "2026-04-09")
    teacher.click("button:has-text('Өтінішті жіберу')")
    expect(teacher.locator(".notice--success")).to_be_visible()
    case = int(teacher.url.rstrip("/").rsplit("/", 1)[1])
    with live.sessions() as session:
        instance = session.get(ProcessInstance, case)
        assert instance is not None and instance.process_key == VARIANT

    # University money, yet no finance step: the HR check follows the rector's visa.
    flow = Flow(live.sessions, Demo(live.people), live.clock, FileStore(tmp_path / "files"))
    flow.do("head", case, "endorse", decision="approve")
    flow.do("rector", case, "rector_visa", decision="approve")
    assert flow.open_elements(case) == ["hr_check"]
    hr = people("hr")
    hr.goto(f"{live.url}/")
    hr.locator("tbody tr", has_text=COURSE).locator("a.task-link").click()
    hr.check("#f-documents_complete")
    hr.click(".schema-form button[type=submit]")
    expect(hr.locator(".notice--success")).to_be_visible()
    flow.do(
        "legal",
        case,
        "training_agreement",
        agreement_number="ОК-31",
        agreement_date="2026-03-02",
        refund_clause=True,
        refund_years=3,
    )
    flow.do("hr", case, "prepare_order", order_date="2026-03-01")
    live.at("2026-04-10T09:00:00+05:00")
    live.fire()
    flow.submit_report(case)
    flow.verify(case)
    flow.do(
        "head",
        case,
        "meeting_review",
        decision="approve",
        **flow.meeting_record(
            minutes_number="12",
            implementation_plan="Симуляциялық сабақтарды 2026-2027 оқу жылында енгізу",
        ),
    )
    assert flow.case(case).status == "completed"
