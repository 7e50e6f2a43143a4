/* Labelled controls for the side panel; each commits its value on change. */
(function () {
  "use strict";
  var E = window.BkEditor = window.BkEditor || {};

  function fieldId(name) {
    return "panel-" + name.replace(/[^A-Za-z0-9_-]/g, "_");
  }

  function field(name, label, control, help) {
    control.id = control.id || fieldId(name);
    var helpNode = help ? E.el("p", { className: "field__help", id: control.id + "-help", text: help }) : null;
    if (helpNode) {
      control.setAttribute("aria-describedby", helpNode.id);
    }
    return E.el("div", { className: "field panel-field" }, [
      E.el("label", { className: "field__label", "for": control.id, text: label }), control, helpNode
    ]);
  }

  function input(name, value, commit, attrs) {
    var node = E.el("input", Object.assign({ type: "text", value: value || "", autocomplete: "off" }, attrs || {}));
    node.id = fieldId(name);
    node.addEventListener("change", function () {
      commit(node.value);
    });
    return node;
  }

  function textarea(name, value, commit, rows) {
    var node = E.el("textarea", { rows: String(rows || 3), spellcheck: "false", className: "code" });
    node.id = fieldId(name);
    node.value = value || "";
    node.addEventListener("change", function () {
      commit(node.value);
    });
    return node;
  }

  function select(name, value, options, commit, empty) {
    var node = E.el("select", {});
    node.id = fieldId(name);
    if (empty !== undefined) {
      node.appendChild(E.el("option", { value: "", text: empty }));
    }
    var known = false;
    options.forEach(function (option) {
      if (option.group) {
        var group = E.el("optgroup", { label: option.group });
        option.options.forEach(function (inner) {
          known = known || inner.value === value;
          group.appendChild(E.el("option", { value: inner.value, text: inner.label, selected: inner.value === value }));
        });
        if (option.options.length) {
          node.appendChild(group);
        }
      } else {
        known = known || option.value === value;
        node.appendChild(E.el("option", { value: option.value, text: option.label, selected: option.value === value }));
      }
    });
    if (value && !known) {
      node.appendChild(E.el("option", { value: value, text: value + " (?)", selected: true }));
    }
    node.addEventListener("change", function () {
      commit(node.value);
    });
    return node;
  }

  function section(title, children) {
    return E.el("section", { className: "panel-section" }, [E.el("h3", { text: title })].concat(children));
  }

  E.fields = {
    id: fieldId,
    field: field,
    input: input,
    textarea: textarea,
    select: select,
    section: section
  };
})();
