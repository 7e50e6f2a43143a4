/* The problems list under the diagram: each problem in the owner's language with the element it
   belongs to, outlined in the diagram; clicking one selects that element (or opens its form). */
(function () {
  "use strict";
  var E = window.BkEditor = window.BkEditor || {};
  var problemList = document.getElementById("problem-list");
  var problemCount = document.getElementById("problem-count");
  var problemSummary = document.getElementById("problem-summary");
  var marked = [];

  function resolveElement(id) {
    if (!id || !E.modeler) {
      return null;
    }
    var registry = E.modeler.get("elementRegistry");
    var found = registry.get(id);
    if (found) {
      return found;
    }
    // A problem of the process itself belongs to the pool that shows it.
    return registry.filter(function (element) {
      var bo = element.businessObject;
      return element.type === "bpmn:Participant" && bo.processRef && bo.processRef.id === id;
    })[0] || null;
  }
  E.resolveElement = resolveElement;

  function elementLabel(id) {
    if (E.describeElement) {
      return E.describeElement(id);  // the decision table editor names rules and columns itself
    }
    var element = resolveElement(id);
    if (!element) {
      return id ? id + " (" + E.t("notInDiagram") + ")" : E.t("wholeProcess");
    }
    var name = (element.businessObject.name || "").trim();
    return name ? name + " · " + id : id;
  }

  E.focusElement = function (id) {
    var element = resolveElement(id);
    if (!element) {
      return false;
    }
    E.showTab("diagram");
    E.modeler.get("selection").select(element);
    E.modeler.get("canvas").scrollToElement(element);
    return true;
  };

  function showProblems(problems) {
    var canvas = E.modeler ? E.modeler.get("canvas") : null;
    marked.forEach(function (id) {
      if (canvas && E.modeler.get("elementRegistry").get(id)) {
        canvas.removeMarker(id, "bk-problem");
      }
    });
    marked = [];
    E.state.problems = problems || [];
    problemList.textContent = "";
    problemCount.textContent = String(E.state.problems.length);
    problemCount.className = "badge" + (E.state.problems.length ? " badge--bad" : " badge--ok");
    problemSummary.textContent = E.state.problems.length ? E.t("problemsFound", { count: E.state.problems.length }) : E.t("noProblems");
    problemSummary.setAttribute("data-kind", E.state.problems.length ? "warn" : "ok");
    E.state.problems.forEach(function (problem) {
      var where = problem.form ? problem.form : elementLabel(problem.element_id);
      var button = E.el("button", {
        type: "button",
        className: "problem",
        "data-element-id": problem.element_id || "",
        "data-code": problem.code,
        onclick: function () {
          if (problem.form && E.forms.has(problem.form)) {
            E.showTab("forms");
            E.forms.open(problem.form);
          } else {
            E.focusElement(problem.element_id);
          }
        }
      }, [E.el("span", { className: "problem__where", text: where }), E.el("span", { className: "problem__text", text: problem.text })]);
      problemList.appendChild(E.el("li", {}, [button]));
      var element = resolveElement(problem.element_id);
      if (element && canvas && marked.indexOf(element.id) < 0) {
        canvas.addMarker(element.id, "bk-problem");
        marked.push(element.id);
      }
    });
    document.getElementById("editor").setAttribute("data-problems", String(E.state.problems.length));
  }
  E.showProblems = showProblems;
})();
