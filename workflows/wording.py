"""The English wording of every code a person may read, written once.

Services build their English messages (for logs and the command line) from these texts, and
the web app and the emails say the same texts in the reader's language: they are the message
ids of the Babel catalogues in `translations/` (extracted with the `N_` marker). Placeholders
are `%(name)s`, filled from the params the code travels with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def N_(text: str) -> str:
    """Marks a text for the catalogues without translating it here."""
    return text


# Problems with a diagram or its forms (workflows.errors.Problem codes).
PROBLEMS: dict[str, str] = {
    "xml_syntax": N_("The file is not well-formed XML: %(detail)s"),
    "too_large": N_("The diagram is larger than %(kib)s KiB."),
    "encoding": N_("The file is not UTF-8 text; save it as UTF-8."),
    "encoding_declared": N_("The file declares the encoding %(encoding)s; save it as UTF-8."),
    "doctype": N_("The file declares a DOCTYPE (a DTD or entities), which diagrams may not contain."),
    "not_bpmn": N_("This is not a BPMN 2.0 diagram (the root element is <%(element)s>)."),
    "process_count": N_("The file must hold exactly one executable process (found %(found)s)."),
    "process_key": N_("The diagram's process id is “%(found)s”; it must stay “%(expected)s”."),
    "property_incomplete": N_("A property needs both a name and a value."),
    "no_start": N_("The process has no start event."),
    "duplicate_id": N_("The id is used by %(count)s elements."),
    "id_is_operator": N_("The id is also the name of a service operator (%(operator)s): rename it."),
    "dangling_flow": N_("The flow connects “%(missing)s”, which is not in the process."),
    "no_condition": N_("The flow leaves a gateway without a condition and is not its default flow."),
    "engine": N_("The workflow engine refused the diagram: %(detail)s"),
    "unknown_role": N_("The lane names an unknown role “%(role)s”."),
    "no_lane": N_("The user task is in no lane, so nobody gets it."),
    "no_form": N_("The user task names no form."),
    "missing_form": N_("The form “%(form)s” does not exist in this process."),
    "unknown_check": N_("Unknown check “%(check)s”."),
    "no_start_form": N_("The start event names no application form."),
    "unreachable": N_("The element cannot be reached from the start."),
    "form_schema": N_("Form “%(form)s” is not a valid JSON Schema: %(detail)s"),
    "form_json": N_("Form “%(form)s” is not valid JSON (line %(line)s, column %(column)s): %(detail)s"),
    "form_pattern": N_(
        "Form “%(form)s”: the pattern of “%(field)s” cannot be checked safely (%(detail)s); write it "
        "without backreferences or lookarounds."
    ),
    "form_not_object": N_("Form “%(form)s” must be a JSON object."),
    "form_depth": N_("Form “%(form)s” nests deeper than %(depth)s levels; no form needs that many."),
    "form_number": N_(
        "Form “%(form)s” has a number that is infinite, not a number (NaN) or too long to store."
    ),
    "form_key": N_("“%(form)s” cannot be a form key: use small Latin letters, digits and _."),
    "forms_json": N_("The forms are not JSON data."),
    "expression": N_("%(what)s: %(detail)s"),
    "kind_changed": N_("“%(key)s” is published as a %(was)s; it cannot become a %(now)s."),
    "decision_not_dmn": N_("This is not a DMN decision table file."),
    "decision_count": N_("The file must hold exactly one decision (found %(found)s)."),
    "decision_table_missing": N_("The decision has no decision table."),
    "decision_key": N_("The decision's id is “%(found)s”; it must stay “%(expected)s”."),
    "decision_engine": N_("The decision engine refused the table: %(detail)s"),
    "decision_hit_policy": N_("The hit policy %(policy)s is not supported; use %(expected)s."),
    "decision_input": N_("Input “%(column)s” has no expression."),
    "decision_input_missing": N_("The table lacks the input “%(column)s”."),
    "decision_output_missing": N_("The table lacks the output “%(column)s”."),
    "decision_cell": N_("Rule %(rule)s, column “%(column)s”: %(detail)s"),
    "decision_cell_empty": N_("Rule %(rule)s, column “%(column)s”: the cell is empty."),
    "decision_cell_type": N_("Rule %(rule)s, column “%(column)s”: %(value)s is not %(expected)s."),
    "decision_no_rules": N_("The table has no rules."),
    "decision_sample": N_("Sample “%(sample)s” failed: %(detail)s"),
    "timer_empty": N_("The timer has no expression."),
    "timer_unquoted": N_('Write the value in quotes: "%(value)s".'),
    "timer_value": N_("“%(value)s” is not a valid value for this timer."),
    "timer_not_text": N_("The timer gives a number, not a date-time or duration text."),
    "unknown_operator": N_("Unknown service operator “%(operator)s”."),
    "unknown_outcome": N_("Unknown outcome “%(outcome)s”: a case can end as completed or rejected."),
    "unknown_notice": N_("Unknown notice “%(event)s”."),
    "unknown_recipient": N_("The notice goes to an unknown role “%(role)s”."),
    "unknown_starter": N_("The process may be started by an unknown role “%(role)s”."),
    "unknown_listing": N_(
        "The property “listed” names an unknown list “%(listed)s” for the process's cases; use one "
        "of: %(known)s."
    ),
    "unknown_withdrawal": N_(
        "The property “withdrawal” has an unknown value “%(withdrawal)s”; use one of: %(known)s."
    ),
    "no_file": N_("Choose a .bpmn file to upload."),
    "not_bpmn_file": N_("Only BPMN diagrams (.bpmn or .xml files) can be uploaded."),
}

# What kind of expression an "expression" problem is about (its `kind` param).
EXPRESSION_KINDS: dict[str, str] = {
    "condition": N_("Condition"),
    "script": N_("Script"),
    "parameter": N_("Service parameter"),
    "due": N_("Due date"),
    "assignee": N_("Assignee"),
    "timeDate": N_("Timer (date)"),
    "timeDuration": N_("Timer (duration)"),
    "timeCycle": N_("Timer (cycle)"),
}
EXPRESSION = N_("Expression")

# Why a form field was not accepted (workflows.errors.FieldError codes).
FIELDS: dict[str, str] = {
    "required": N_("This field is required."),
    "unknown_person": N_("No active person has this login."),
    "required_file": N_("Attach a file."),
    "minLength": N_("Enter at least %(limit)s characters."),
    "maxLength": N_("Enter no more than %(limit)s characters."),
    "minimum": N_("The value must be at least %(limit)s."),
    "maximum": N_("The value must be at most %(limit)s."),
    "enum": N_("Choose one of the options."),
    "const": N_("This must be confirmed."),
    "type_integer": N_("Enter a whole number."),
    "type_number": N_("Enter a number."),
    "format_date": N_("Enter a date."),
    "wrong_form": N_("The value has the wrong form."),
    "document": N_("The attached file was not found."),
    "lead_time": N_(
        "The training must start at least %(lead_days)s days after the application is filed. "
        "For an application filed today the earliest allowed start date is %(earliest_start)s; "
        "for this start date the last day to apply was %(last_day_to_apply)s."
    ),
    "lead_time_first_filed": N_(
        "The training must start at least %(lead_days)s days after the application was first filed "
        "(%(filed_on)s): the earliest allowed start date is %(earliest_start)s."
    ),
    "foreign_lead_time": N_(
        "The documents for an internship abroad are due %(lead_days)s days before it starts: "
        "for this start date the last day to apply was %(last_day_to_apply)s."
    ),
    "participants_individual": N_("An individual internship has no other participants: clear the list."),
    "participants_too_many": N_("A collective internship may have at most %(limit)s other participants."),
    "participants_twice": N_("Each participant is listed once."),
    "participant_unknown": N_("No active employee has the personnel number %(number)s."),
    "participant_is_applicant": N_("You are the applicant already: list only the others."),
    "start_too_far": N_("The start can be at most %(days)s days ahead: no later than %(latest_start)s."),
    "course_too_long": N_("A course of %(days)s days is longer than the %(max_days)s days allowed."),
    "too_many_hours": N_("%(hours)s hours in %(days)s days is more than the %(max_hours)s hours allowed."),
    "order_in_future": N_("The order cannot be dated after today (%(today)s)."),
    "order_before_application": N_("The order cannot be dated before the application (%(filed_on)s)."),
    "order_late_reason": N_(
        "The training started on %(start)s: say why the order is issued only now (the employee "
        "is not held responsible for the delay)."
    ),
    "cancel_reason": N_("Say why the order is cancelled: the applicant and the records keep the reason."),
    "day_of_year": N_("Enter a day of the year as MM-DD, e.g. 09-01."),
    "counted_over_course": N_("No more hours can be counted than the course has (%(hours)s)."),
    "duplicate_application": N_("You already applied for this course on these dates: case %(business_key)s."),
    "plan_line_needed": N_(
        "The %(year)s plan holds lines of yours: choose the line this application is for, or untick "
        "“in the plan” and say why the training is outside it."
    ),
    "plan_line_unknown": N_("This is not a line of the approved plan in force that you may use."),
    "plan_line_in_plan": N_("An application made from a plan line is in the plan: tick “in the plan”."),
    "plan_line_taken": N_("An application was already made from this plan line: case %(business_key)s."),
    "plan_person_not_in_unit": N_("Choose a person who works in your unit."),
    "amendment_empty": N_("Add, move or remove at least one line."),
    "date_range": N_("The end date cannot be before the start date (%(start)s)."),
    "training_not_ended": N_(
        "Only training that has ended can be recorded: the end date is after today (%(today)s)."
    ),
    "valid_before_issued": N_("A certificate cannot expire before it was issued (%(issued_on)s)."),
    "issued_in_future": N_("The issue date cannot be after today (%(today)s)."),
    "held_in_future": N_("The meeting cannot be held after today (%(today)s)."),
    "due_in_past": N_("The date cannot be before today (%(today)s)."),
    "issued_before_course": N_("The certificate cannot be issued before the training began (%(start)s)."),
    "strike_reason": N_("Say why the record is struck: the file keeps the reason."),
    "funding_cost_required": N_("Training paid by the university needs its cost."),
    "funding_own_no_cost": N_("With own funds the university pays nothing: leave the cost empty."),
    "file_too_large": N_("The file is too large: at most %(max_mb)s MB is accepted."),
    "file_type": N_("Only PDF, JPEG or PNG files are accepted; this file is something else."),
    "file_empty": N_("The file is empty."),
    "password_wrong": N_("The current password is wrong."),
    "password_common": N_(
        "This password is one of the most common ones and is guessed first: choose another."
    ),
    "password_mismatch": N_("The two new passwords differ."),
    # The organisation's data: units, people, seats, deputies, reassigned tasks.
    "code_form": N_("Use Latin letters, digits, “-” and “_” (at most 64)."),
    "code_taken": N_("Another unit already has this code."),
    "unit_cycle": N_("A unit cannot be moved under itself or under one of its own sub-units."),
    "unit_closed": N_("This unit is closed: choose an open one."),
    "unit_has_units": N_("Close or move its open sub-units first (%(count)s)."),
    "unit_has_people": N_("Move its active people to another unit first (%(count)s)."),
    "root_unit": N_("The university itself cannot be moved or closed."),
    "iin_checksum": N_("This is not a valid IIN: twelve digits, the last one a check digit."),
    "iin_taken": N_("Another person already has this IIN."),
    "personnel_number_taken": N_("Another person already has this personnel number."),
    "login_taken": N_("Another person already signs in with this login."),
    "no_login": N_("Give a login, a personnel number or an email: the person signs in with it."),
    "email_form": N_("Enter an email address, such as name@university.kz."),
    "future_date": N_("The date cannot be after today (%(today)s)."),
    "before_start": N_("The leaving date cannot be before the employment start (%(start)s)."),
    "already_left": N_("This person has already left (%(left_on)s)."),
    "person_unknown": N_("No active person has this personnel number, IIN or login."),
    "person_left": N_("This person has left: choose someone who works here."),
    "seat_overlap": N_("This person already holds this role in this unit for these dates (from %(start)s)."),
    "self_delegation": N_("A person cannot be their own deputy."),
    "delegation_overlap": N_(
        "A deputy is already set for %(start)s – %(end)s: end that one first or choose other dates."
    ),
    "deputy_away": N_("The deputy is away themselves from %(start)s to %(end)s."),
    "period_over": N_("The period has already ended: the last day cannot be before today (%(today)s)."),
    "not_eligible": N_("This person cannot act on this task: they hold no seat with its role."),
    "own_case": N_("Nobody takes a task on their own case."),
    "same_assignee": N_("The task is already with this person."),
    "password_same": N_("Choose a password of your own, not the temporary one."),
    "filter_too_long": N_("These filters are too long to save: remove some of them."),
    "nothing_selected": N_("Select at least one row."),
    "close_note": N_("Say why: the journal keeps the note."),
    "close_before_recheck": N_("Record the re-check before closing the entry."),
    "too_many_selected": N_("Select at most %(limit)s rows at once."),
    "plan_not_in_unit": N_("This person is not on the unit's staff: only its own people are planned here."),
    "plan_overlap": N_("This person is already planned for overlapping dates: %(topic)s from %(start)s."),
    "plan_dates_order": N_("The end date cannot be before the start date."),
    "plan_outside_year": N_("The date must fall in the year planned, %(year)s."),
    "plan_when": N_("Give the quarter, the month or the dates of the training."),
    "plan_month_quarter": N_("The month is not in the quarter given."),
    "plan_meeting_future": N_("The meeting date cannot be in the future."),
    "plan_unknown_line": N_("A commented line is not in this plan."),
    "plan_unit_not_in_campaign": N_("This unit has no schedule open in the campaign."),
}

# What a notice (in the app and as the subject of its email) says, by notice kind.
NOTICES: dict[str, str] = {
    "task_assigned": N_("New task: %(task)s"),
    "rejected": N_("Your application was rejected"),
    "returned": N_("Returned for changes: %(task)s"),
    "approved": N_("Approved: %(task)s"),
    "order_issued": N_("The order sending you to training has been issued"),
    "reminder": N_("Reminder: the certificate and report are due soon"),
    "escalation": N_("Overdue: the certificate and report were not submitted in time"),
    "completed": N_("The training has been recorded"),
    "withdrawn": N_("An application you had a step on was withdrawn"),
    "order_cancelled": N_("The order sending you to training was cancelled"),
    "incident": N_("A case is held up by an error in its process diagram"),
    "periodicity_due": N_("Your periodic qualification training falls due soon"),
    "periodicity_due_staff": N_("Someone in your unit is due for periodic qualification training soon"),
    "next_year_list": N_("The list of who must train next year is ready"),
    "overdue_step": N_("Overdue: %(task)s"),
    "action_due": N_("Due soon: %(task)s"),
    "step_reminder": N_("Reminder: a step you hold is due soon"),
    "step_escalation": N_("Overdue: a step in your area has passed its due date"),
    "order_late": N_("The training starts soon and its order is not issued yet"),
    "plan_reminder": N_("Reminder: your unit's plan schedule is past its deadline"),
    "plan_escalation": N_("Overdue: a unit below yours has not handed in its plan schedule"),
    "plan_approved": N_("The annual qualification-improvement plan has been approved"),
    "quarterly_due": N_("Check and send your unit's quarterly data to HR"),
    "report_ready": N_("The report you asked for is ready to download"),
}

# Refusals that are neither a field's nor a diagram's fault, by DomainError code.
REFUSALS: dict[str, str] = {
    "export_not_ready": N_("The report's file is still being made: its page shows how far it is."),
    "case_not_running": N_("The case is no longer in progress."),
    "case_not_withdrawable": N_(
        "The product opened this case and its process closes it: it cannot be withdrawn."
    ),
    "order_already_issued": N_(
        "The order %(number)s has been issued: ask the HR service to cancel it instead."
    ),
    "no_order_to_cancel": N_("The case has no issued order to cancel."),
    "plan_years_range": N_("Choose at most %(years)s consecutive years."),
    "next_campaign_not_open": N_("The planning campaign for %(year)s is not open: nothing was carried."),
    "next_schedule_closed": N_(
        "The unit's schedule for %(year)s has been submitted: only a schedule being drawn up takes lines."
    ),
    "line_already_carried": N_("This line has already been carried into the %(year)s plan."),
    "import_has_errors": N_(
        "The file has %(count)s error(s), so nothing was imported; correct them and upload it again."
    ),
    "import_file_changed": N_("This is not the file that was previewed; upload it again to see its preview."),
    "import_busy": N_(
        "Another import is being applied at this moment; nothing was imported. Try again in a minute."
    ),
    "import_not_ready": N_("The file is still being read; apply it once its preview is complete."),
    "import_applied": N_("This file has already been imported."),
    "link_invalid": N_(
        "This link has been used, has expired or was replaced by a newer one. Ask for a new one: "
        "“Forgot your password?” on the sign-in page, or the HR service for an invitation."
    ),
    "person_inactive": N_("This person has left: their account cannot be opened."),
    "person_no_email": N_("This person has no email address: add one first, or set a temporary password."),
    "entry_closed": N_("The journal entry is closed: reopen it to change it."),
    "entry_in_process": N_("This entry is worked through its process: act on its steps in the inbox."),
    "entry_open": N_("The journal entry is open already."),
    "process_archived": N_("This procedure is archived: no new case can start on it."),
    "process_not_archived": N_("This procedure is not archived."),
    "start_role": N_("This procedure is started by %(roles)s, not by you."),
    "start_unit": N_("You can start this procedure only for people of your own unit."),
    "copy_key_invalid": N_(
        "“%(process_key)s” cannot be a process key: use Latin letters, digits and _ (starting with a "
        "letter), and give the copy a title."
    ),
    "copy_key_taken": N_("There is already a process “%(process_key)s”: choose another key."),
    "campaign_exists": N_("The planning campaign for %(year)s is already open."),
    "campaign_no_units": N_("There are no institutes with departments to plan for."),
    "plan_step_not_open": N_("This step of the planning campaign is not open now."),
    "plan_meeting_missing": N_("Record the department meeting that discussed the schedule first."),
    "plan_not_submitted": N_("Only a schedule the head has approved can be returned."),
    "plan_not_open": N_("This schedule is not waiting for a signature."),
    "plan_departments_missing": N_("Not every department has handed in its schedule (%(count)s missing)."),
    "plan_not_consolidating": N_("The institutes' schedules are not all in yet."),
    "plan_not_with_finance": N_("The plan is not waiting for the budget's agreement."),
    "plan_not_for_approval": N_("The plan is not waiting for approval."),
    "plan_campaign_closed": N_("The campaign is over: amend the approved plan instead."),
}

# The emails about one's account (not about a case), by token purpose: (subject, body).
ACCOUNT_EMAILS: dict[str, tuple[str, str]] = {
    "invitation": (
        N_("Your Biliktilik account"),
        N_(
            "Dear %(name)s,\n\nAn account in Biliktilik, the qualification improvement system, has been "
            "opened for you. Set your password here:\n%(link)s\n\nThe link works once, until "
            "%(expires)s. Afterwards you sign in with your login (%(login)s), your personnel number or "
            "your email.\n\nBiliktilik"
        ),
    ),
    "password_reset": (
        N_("Resetting your Biliktilik password"),
        N_(
            "Dear %(name)s,\n\nSomeone, probably you, asked to reset your Biliktilik password. Set a "
            "new one here:\n%(link)s\n\nThe link works once, until %(expires)s. If you did not ask, "
            "ignore this email: your password stays as it is.\n\nBiliktilik"
        ),
    ),
}

EMAIL_DUE = N_("Due by %(due)s.")
EMAIL_BODY = N_("Dear %(name)s,\n\n%(subject)s.\nCase: %(case)s — %(course)s\n\nOpen: %(link)s\n\nBiliktilik")


def fill(template: str, params: Mapping[str, Any]) -> str:
    """A template with its placeholders filled; a missing or odd param leaves the template readable."""
    try:
        return template % {key: "" if value is None else value for key, value in params.items()}
    except (KeyError, TypeError, ValueError):
        return template


def english(table: Mapping[str, str], code: str, params: Mapping[str, Any], fallback: str = "") -> str:
    """The English text of `code` in `table` with its params, or `fallback` for an unknown code."""
    template = table.get(code)
    return fill(template, params) if template is not None else (fallback or code)
