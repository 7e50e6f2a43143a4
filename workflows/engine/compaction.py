"""Keeping only what the rest of a case can need in its serialized engine state.

SpiffWorkflow keeps every task a workflow ever passed through in one tree: each pass of a loop
hangs the next pass below the last, so the state (and with it every step's load and dump) grows
with the case's history. The history is kept elsewhere (the event log, the human task rows), so
the stored tree is cut down after each step:

- a running workflow keeps its root, the lowest task that every unfinished task descends from
  (for a parallel region its split, for a task with boundary events their split), that task's
  parent and everything below it. What hangs between the root and that parent is finished and
  no unfinished task can reach it; its data lives on in the tasks kept (each task holds the data
  as it was when it ran). The parent stays because a task that is updated later inherits its
  parent's data and a boundary event's join looks for its split among its ancestors.
- a finished workflow keeps its root and the task whose data are the case's current data.
- the task whose data the case shows (`newest_data_task`) is always kept; when the rule above
  would drop it, the tree is left as it is.
- a subprocess (call activity, embedded subprocess) goes with the task that runs it, and a
  running one is cut down by the same rule.

The cut is made on the serialized dictionary, so the workflow in memory is untouched. Stored
states from before (uncompacted) load as they are and are compacted when next saved.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState

DATA_STATES = TaskState.READY | TaskState.WAITING | TaskState.COMPLETED


def newest_data_task(workflow: BpmnWorkflow) -> Task | None:
    """The task whose data are the case's data as it stands: a ready one first, else the newest."""
    tasks = [t for t in workflow.get_tasks(state=DATA_STATES) if t.data]
    if not tasks:
        return None
    return max(tasks, key=lambda t: (t.state == TaskState.READY, t.last_state_change))


def compact(dct: dict[str, Any], workflow: BpmnWorkflow) -> dict[str, Any]:
    """The serialized workflow `dct` (as the serializer made it from `workflow`), cut down.

    `dct` itself is left as it was; when the cut would lose the case's current data, it is returned."""
    shown = newest_data_task(workflow)
    result = _compact_tree(dct, workflow, shown)
    subprocesses = {
        key: _compact_tree(sub_dct, workflow.subprocesses[UUID(key)], shown)
        for key, sub_dct in dct.get("subprocesses", {}).items()
    }
    result["subprocesses"] = _without_orphans(result, subprocesses)
    if shown is not None and not _holds(result, shown):
        return dct
    return result


def _holds(dct: dict[str, Any], task: Task) -> bool:
    key = str(task.id)
    return key in dct["tasks"] or any(key in sub["tasks"] for sub in dct["subprocesses"].values())


def _compact_tree(dct: dict[str, Any], workflow: Any, shown: Task | None) -> dict[str, Any]:
    root: Task = workflow.task_tree
    unfinished = [t for t in workflow.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    if unfinished:
        top = _lowest_common_ancestor(unfinished)
        parent = top.parent
        if parent is None or parent is root:
            return dct  # nothing between the root and what is kept
        keep = {root.id, parent.id, *(t.id for t in top)}
        return _cut(dct, workflow, keep, {parent.id: [top.id]}, [parent])
    if workflow is not workflow.top_workflow:
        return dct  # a finished subprocess stays as it is while its task is kept
    if shown is None or shown is root:
        return _cut(dct, workflow, {root.id}, {}, [])
    return _cut(dct, workflow, {root.id, shown.id}, {shown.id: []}, [shown])


def _cut(
    dct: dict[str, Any],
    workflow: Any,
    keep: set[UUID],
    children: dict[UUID, list[UUID]],
    under_root: list[Task],
) -> dict[str, Any]:
    """`dct` with only the tasks in `keep`; those in `under_root` hang from the root now (with
    `children` as their children), their data stored as changes against the root's."""
    root: Task = workflow.task_tree
    kept = {key: dict(value) for key, value in dct["tasks"].items() if UUID(key) in keep}
    kept[str(root.id)]["children"] = [str(t.id) for t in under_root]
    for task in under_root:
        entry = kept[str(task.id)]
        entry["parent"] = str(root.id)
        entry["children"] = [str(child) for child in children.get(task.id, [])]
        entry["data"] = {}
        entry["delta"] = {
            "updates": DeepMerge.get_updated_keys(root.data, task.data),
            "deletions": DeepMerge.get_deleted_keys(root.data, task.data),
        }
    for entry in kept.values():
        entry["children"] = [child for child in entry["children"] if child in kept]
    result = {**dct, "tasks": kept}
    if result.get("last_task") not in kept:
        result["last_task"] = None
    return result


def _lowest_common_ancestor(tasks: list[Task]) -> Task:
    path: list[Task] = []
    node: Task | None = tasks[0]
    while node is not None:
        path.append(node)
        node = node.parent
    path.reverse()  # root first
    depth_of = {t.id: i for i, t in enumerate(path)}
    depth = len(path) - 1
    for task in tasks[1:]:
        node = task
        while node is not None and depth_of.get(node.id, depth + 1) > depth:
            node = node.parent
        depth = depth_of[node.id] if node is not None else 0
    return path[depth]


def _without_orphans(top: dict[str, Any], subprocesses: dict[str, Any]) -> dict[str, Any]:
    """The subprocesses whose task is still there (a subprocess's task may sit in another one)."""
    kept = dict(subprocesses)
    while True:
        present = set(top["tasks"]).union(*(set(sub["tasks"]) for sub in kept.values()))
        orphans = [key for key in kept if key not in present]
        if not orphans:
            return kept
        for key in orphans:
            del kept[key]
