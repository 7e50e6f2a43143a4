/* The decision table editor: the pinned dmn-js Modeler opened on the table itself, the problems
   named by rule and column and outlined in the table. Checking, saving and publishing are flow.js's. */
(function () {
  "use strict";
  var root = document.getElementById("editor");
  var E = window.BkEditor;
  if (!root || !E || !E.data) {
    return;
  }
  var data = E.data;
  var t = E.t;
  var byId = E.byId;

  E.document = function () {
    return E.table.saveXML({ format: true }).then(function (result) {
      return result.xml;
    });
  };

  function ruleNumber(id) {
    var rows = Array.prototype.slice.call(root.querySelectorAll("td.rule-index"));
    for (var i = 0; i < rows.length; i += 1) {
      if (rows[i].getAttribute("data-element-id") === id) {
        return i + 1;
      }
    }
    return null;
  }

  E.describeElement = function (id) {
    var number = id ? ruleNumber(id) : null;
    return number ? t("rule", { number: number }) : (id || t("wholeProcess"));
  };

  E.focusElement = function (id) {
    var cell = id ? root.querySelector('[data-element-id="' + id + '"]') : null;
    if (cell) {
      cell.scrollIntoView({ block: "center" });
      if (cell.focus) {
        cell.focus();
      }
    }
    return Boolean(cell);
  };

  var showProblems = E.showProblems;
  E.showProblems = function (problems) {
    showProblems(problems);
    Array.prototype.forEach.call(root.querySelectorAll(".bk-problem"), function (node) {
      node.classList.remove("bk-problem");
    });
    (problems || []).forEach(function (problem) {
      var cell = problem.element_id ? root.querySelector('td.rule-index[data-element-id="' + problem.element_id + '"]') : null;
      if (cell) {
        cell.classList.add("bk-problem");
      }
    });
  };

  function failed(reason) {
    root.setAttribute("data-state", "error");
    E.showAlert(t("loadFailed") + (reason ? " (" + reason + ")" : ""));
  }

  if (typeof window.DmnJS !== "function") {
    failed("dmn-js");
    return;
  }

  var texts = E.translation(data.modelerTexts || {});
  E.table = new window.DmnJS({
    container: byId("canvas"),
    drd: { additionalModules: [texts] },
    decisionTable: { additionalModules: [texts] }
  });

  E.table.importXML(data.xml).then(function () {
    var view = E.table.getViews().filter(function (candidate) {
      return candidate.type === "decisionTable";
    })[0];
    return view ? E.table.open(view) : null;
  }).then(function () {
    E.table.on("views.changed", function () {
      var viewer = E.table.getActiveViewer();
      if (viewer) {
        viewer.get("eventBus").on("elements.changed", E.markDirty);
      }
    });
    E.table.getActiveViewer().get("eventBus").on("elements.changed", E.markDirty);
    E.showProblems(E.state.problems);
    root.setAttribute("data-state", "ready");
  }).catch(function (error) {
    failed(error && error.message);
  });
})();
