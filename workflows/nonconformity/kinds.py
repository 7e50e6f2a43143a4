"""What the journal's entries come from, and the stages its diagram moves them through."""

from __future__ import annotations

from enum import StrEnum

PROCESS_KEY = "nonconformity"  # bpmn/nonconformity.bpmn


class Cause(StrEnum):
    """Where an entry comes from (issue 13): the events that open one, and a hand-opened one."""

    REPORT_OVERDUE = "report_overdue"  # the certificate and report were not submitted in time
    MEETING_OVERDUE = "meeting_overdue"  # the department meeting was not held in time
    PERIODICITY_NOT_MET = "periodicity_not_met"
    LOW_EFFECTIVENESS = "low_effectiveness"  # the meeting rated a course's effectiveness low
    QUARTERLY_DATA_LATE = "quarterly_data_late"  # a unit's data reached HR late (000 §8.2)
    PLAN_SLIPPED = "plan_slipped"  # a line of the annual plan slipped
    PLAN_APPROVED_LATE = "plan_approved_late"  # the annual plan was approved after its deadline
    NOT_ATTENDED = "not_attended"  # enrolled on an internal programme, did not attend it
    OTHER = "other"  # opened by hand for anything else


class Stage(StrEnum):
    """Where an entry's process has got to (the diagram's `journal` steps write it)."""

    OPENED = "opened"  # waiting for the responsible head to record the cause
    CAUSE = "cause"  # the cause is recorded; the unit's meeting analyses it
    ANALYSED = "analysed"  # the meeting analysed it; a corrective action is to be set
    ACTION = "action"  # the corrective action is set and under way
    OVERDUE = "overdue"  # the action's date passed before it was done
    DONE = "done"  # the action is done; HR re-checks it
    REOPENED = "reopened"  # HR's re-check found it not corrected: a new action is to be set
    CLOSED = "closed"  # HR re-checked and closed it
