"""The words the diagram editor's script shows, in the owner's language, handed to it with the page."""

from __future__ import annotations

from flask_babel import gettext as _


def process_property_labels() -> dict[str, str]:
    """The process properties the product reads (docs/diagrams.md), with what they mean."""
    return {
        "lead_time_days": _("Lead time: days between applying and the start of training"),
        "report_days": _("Days to submit the certificate and report after the course"),
        "reminder_days_before": _("Reminder: days before the report is due"),
        "meeting_months": _("Months until the department meeting discusses the report"),
        "title_kk": _("Title in Kazakh"),
        "title_ru": _("Title in Russian"),
        "title_en": _("Title in English"),
    }


def check_labels() -> dict[str, str]:
    return {
        "lead_time": _("Lead time before the start of training"),
        "date_range": _("The end is not before the start"),
        "funding": _("Funding source and cost agree"),
        "course_limits": _("Dates and hours within the process's limits"),
        "order_date": _("Order dated between the application and today; a late one says why"),
        "counted_hours": _("Counted hours no more than the course's"),
        "certificate_dates": _(
            "Certificate issued during or after the training, not after today, valid from its issue"
        ),
        "journal_dates": _("The meeting held by today, the corrective action due from today"),
    }


def operator_labels() -> dict[str, str]:
    return {
        "notify": _("Notify people (in the app and by email)"),
        "nonconformity": _("Record in the nonconformity journal"),
        "journal": _("Write a step of the nonconformity journal's process into its entry"),
        "issue_order": _("Give the order its number"),
        "record_training": _("Count the training in the employee's record"),
    }


def editor_messages() -> dict[str, str]:
    return {
        "properties": _("Properties"),
        "nothingSelected": _(
            "Select an element in the diagram to see and change what the product needs from it."
        ),
        "id": _("Id"),
        "name": _("Name"),
        "nameRu": _("Name in Russian"),
        "nameEn": _("Name in English"),
        "process": _("Process"),
        "processProperties": _("Process settings"),
        "otherProperties": _("Other properties"),
        "addProperty": _("Add a property"),
        "propertyName": _("Property name"),
        "value": _("Value"),
        "remove": _("Remove"),
        "role": _("Role of the people who do the steps in this lane"),
        "noRole": _("— choose a role —"),
        "form": _("Form"),
        "noForm": _("— no form —"),
        "formsOfProcess": _("Forms of this process"),
        "formLibrary": _("Form library (added to this process when chosen)"),
        "editForm": _("Edit this form"),
        "due": _("Due date (expression)"),
        "dueHelp": _(
            "An expression giving an ISO date, for example add_days(today(), 3). Empty: no due date."
        ),
        "checks": _("Checks when the form is sent"),
        "timer": _("Timer"),
        "timerKind": _("Kind of timer"),
        "timeDate": _("At a date and time (timeDate)"),
        "timeDuration": _("After a duration (timeDuration)"),
        "timeCycle": _("Repeatedly (timeCycle)"),
        "timerExpression": _("Timer expression"),
        "timerHelp": _('For example day_start(add_days(end_date, 1)); a duration in quotes: "P5D".'),
        "condition": _("Condition"),
        "conditionHelp": _('An expression on the case data, for example decision == "approve".'),
        "defaultFlow": _("Default flow: taken when no condition holds"),
        "script": _("Script"),
        "operator": _("Service operator"),
        "noOperator": _("— choose an operator —"),
        "resultVariable": _("Result variable"),
        "parameters": _("Parameters (expressions)"),
        "addParameter": _("Add a parameter"),
        "parameterName": _("Parameter"),
        "outcome": _("Outcome of the case when it ends here"),
        "noOutcome": _("— none —"),
        "outcomeCompleted": _("Completed"),
        "outcomeRejected": _("Rejected"),
        "noProblems": _("No problems: this diagram can be published."),
        "problemsFound": _("Problems to fix before publishing: %(count)s", count="{count}"),
        "notInDiagram": _("not in the diagram"),
        "wholeProcess": _("whole process"),
        "unsaved": _("Unsaved changes"),
        "saving": _("Saving…"),
        "saved": _("Draft saved"),
        "savedWithProblems": _("Draft saved. It cannot be published until the problems below are fixed."),
        "checking": _("Checking…"),
        "publishing": _("Publishing…"),
        "publishRefused": _("Not published: fix the problems listed below. Your draft is saved."),
        "failed": _(
            "The server did not accept the request (%(status)s). Your changes are still here.",
            status="{status}",
        ),
        "offline": _("The server could not be reached. Your changes are still here; try again."),
        "loadFailed": _("The diagram could not be opened in the editor."),
        "formJsonError": _("Not valid JSON: %(detail)s", detail="{detail}"),
        "formValid": _("Valid JSON Schema"),
        "formKeyInvalid": _("A form key uses small Latin letters, digits and _, and starts with a letter."),
        "formKeyTaken": _("There is already a form with this key."),
        "formUsedBy": _("Used by: %(steps)s", steps="{steps}"),
        "formUnused": _("No step uses this form; it is not published."),
        "confirmRemoveForm": _("Remove this form from the process?"),
        "previewFailed": _("The preview could not be made."),
        "leave": _("You have unsaved changes. Leave the editor anyway?"),
    }


def table_messages() -> dict[str, str]:
    """What the decision table editor says besides the diagram editor's status texts."""
    return {
        "noProblems": _("No problems: this table can be published."),
        "loadFailed": _("The decision table could not be opened in the editor."),
        "wholeProcess": _("whole table"),
        "notInDiagram": _("not in the table"),
        "rule": _("Rule %(number)s", number="{number}"),
    }
