/* The editor's side panel: what the product reads from the selected element, edited through
   bpmn-js's modeling API so that every change is undoable and serialised by the modeler.
   Product settings are `spiffworkflow:property` elements (docs/diagrams.md). */
(function () {
  "use strict";
  var E = window.BkEditor = window.BkEditor || {};
  var PROCESS_NUMBERS = ["lead_time_days", "report_days", "reminder_days_before", "meeting_months"];
  var TIMER_KINDS = ["timeDate", "timeDuration", "timeCycle"];
  var TASK_NAMES = ["name_ru", "name_en"];
  var selected = null;

  var X = E.ext || {};
  var F = E.fields || {};
  var is = X.is;
  var service = X.service;
  var findExt = X.findExt;
  var propList = X.propList;
  var getProp = X.getProp;
  var setProp = X.setProp;
  var create = X.create;
  var ensureHolder = X.ensureHolder;
  var fieldId = F.id;
  var field = F.field;
  var input = F.input;
  var textarea = F.textarea;
  var select = F.select;
  var section = F.section;

  /* ---------------------------------------------------------------- sections */

  function nameSection(element, bo) {
    var fields = [field("name", E.t("name"), input("name", bo.name, function (value) {
      service("modeling").updateProperties(element, { name: value.trim() || undefined });
    }))];
    return fields;
  }

  function processSection(element, process) {
    var names = E.data.processProperties.map(function (pair) {
      return pair[0];
    });
    var fields = E.data.processProperties.map(function (pair) {
      var name = pair[0];
      var label = pair[1];
      var numeric = PROCESS_NUMBERS.indexOf(name) >= 0;
      var attrs = numeric ? { type: "number", min: "0", step: "1", inputmode: "numeric" } : {};
      return field("prop-" + name, label, input("prop-" + name, getProp(process, name), function (value) {
        setProp(element, process, name, value);
      }, attrs));
    });
    var others = otherProperties(element, process, names);
    return section(E.t("processProperties"), fields.concat(others));
  }

  /* Why an element exists: its bpmn:documentation, where the shipped diagrams cite the regulation's
     section ("000 §7.4") so that an owner sees what a step implements before changing it. */
  function documentationSection(element, bo) {
    var text = (bo.documentation || []).map(function (doc) {
      return doc.text || "";
    }).join("\n");
    return section(E.t("documentation"), [field("documentation", E.t("documentationHint"), textarea("documentation", text, function (value) {
      var kept = value.trim();
      var docs = kept ? [service("moddle").create("bpmn:Documentation", { text: kept })] : [];
      service("modeling").updateModdleProperties(element, bo, { documentation: docs });
    }, 3))]);
  }

  function otherProperties(element, bo, shown) {
    var rows = propList(bo).filter(function (prop) {
      return shown.indexOf(prop.name) < 0;
    }).map(function (prop) {
      return field("prop-" + prop.name, prop.name, input("prop-" + prop.name, prop.value, function (value) {
        setProp(element, bo, prop.name, value);
      }));
    });
    var nameInput = E.el("input", { type: "text", id: "panel-new-prop-name", autocomplete: "off" });
    var valueInput = E.el("input", { type: "text", id: "panel-new-prop-value", autocomplete: "off" });
    var adder = E.el("div", { className: "panel-adder" }, [
      E.el("label", { "for": nameInput.id, className: "visually-hidden", text: E.t("propertyName") }), nameInput,
      E.el("label", { "for": valueInput.id, className: "visually-hidden", text: E.t("value") }), valueInput,
      E.el("button", {
        type: "button", className: "btn btn--secondary btn--small", text: E.t("addProperty"),
        onclick: function () {
          var name = nameInput.value.trim();
          if (name) {
            setProp(element, bo, name, valueInput.value);
          }
        }
      })
    ]);
    nameInput.placeholder = E.t("propertyName");
    valueInput.placeholder = E.t("value");
    return [E.el("h4", { text: E.t("otherProperties") })].concat(rows, [adder]);
  }

  function formOptions() {
    var own = E.forms.keys();
    var library = Object.keys(E.data.library).filter(function (key) {
      return own.indexOf(key) < 0;
    }).sort();
    function option(key) {
      var title = E.forms.title(key);
      return { value: key, label: title ? key + " — " + title : key };
    }
    return [
      { group: E.t("formsOfProcess"), options: own.map(option) },
      { group: E.t("formLibrary"), options: library.map(option) }
    ];
  }

  function formFields(element, bo, withDue) {
    var current = getProp(bo, "form") || "";
    var fields = [field("form", E.t("form"), select("form", current, formOptions(), function (value) {
      if (value && !E.forms.has(value) && E.data.library[value]) {
        E.forms.add(value, E.data.library[value]);
      }
      setProp(element, bo, "form", value);
    }, E.t("noForm")))];
    if (current && E.forms.has(current)) {
      fields.push(E.el("p", { className: "panel-link" }, [E.el("button", {
        type: "button", className: "btn btn--ghost btn--small", text: E.t("editForm"),
        onclick: function () {
          E.showTab("forms");
          E.forms.open(current);
        }
      })]));
    }
    if (withDue) {
      fields.push(field("due", E.t("due"), input("due", getProp(bo, "due"), function (value) {
        setProp(element, bo, "due", value);
      }, { className: "code" }), E.t("dueHelp")));
    }
    fields.push(checksField(element, bo));
    return fields;
  }

  function checksField(element, bo) {
    var chosen = (getProp(bo, "checks") || "").split(",").map(function (s) {
      return s.trim();
    }).filter(Boolean);
    var known = E.data.checks.map(function (pair) {
      return pair[0];
    });
    var boxes = E.data.checks.map(function (pair) {
      var name = pair[0];
      var box = E.el("input", { type: "checkbox", id: fieldId("check-" + name), value: name, checked: chosen.indexOf(name) >= 0 });
      box.addEventListener("change", function () {
        var next = chosen.filter(function (item) {
          return item !== name;
        });
        if (box.checked) {
          next.push(name);
        }
        // Known checks in their usual order; unknown ones are kept for the validator to name.
        next.sort(function (a, b) {
          return (known.indexOf(a) + 1 || 99) - (known.indexOf(b) + 1 || 99);
        });
        setProp(element, bo, "checks", next.join(","));
      });
      return E.el("div", { className: "check" }, [box, E.el("label", { "for": box.id, text: pair[1] })]);
    });
    return E.el("fieldset", { className: "choices panel-field" }, [E.el("legend", { text: E.t("checks") })].concat(boxes));
  }

  function timerSection(element, definition) {
    var kind = TIMER_KINDS.filter(function (k) {
      return definition[k];
    })[0] || "timeDate";
    var body = definition[kind] ? definition[kind].body || "" : "";
    function commit(nextKind, nextBody) {
      var props = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
      props[nextKind] = create("bpmn:FormalExpression", { body: nextBody }, definition);
      service("modeling").updateModdleProperties(element, definition, props);
    }
    var kinds = TIMER_KINDS.map(function (k) {
      return { value: k, label: E.t(k) };
    });
    return section(E.t("timer"), [
      field("timer-kind", E.t("timerKind"), select("timer-kind", kind, kinds, function (value) {
        commit(value, body);
      })),
      field("timer", E.t("timerExpression"), input("timer", body, function (value) {
        commit(kind, value.trim());
      }, { className: "code" }), E.t("timerHelp"))
    ]);
  }

  function flowSection(element, bo) {
    var source = element.source;
    var gateway = source && (is(source.businessObject, "bpmn:ExclusiveGateway") || is(source.businessObject, "bpmn:InclusiveGateway"));
    if (!gateway) {
      return null;
    }
    var isDefault = source.businessObject.default === bo;
    var condition = bo.conditionExpression ? bo.conditionExpression.body || "" : "";
    var box = E.el("input", { type: "checkbox", id: "panel-default", checked: isDefault });
    box.addEventListener("change", function () {
      service("modeling").updateProperties(source, { "default": box.checked ? bo : undefined });
    });
    return section(E.t("condition"), [
      field("condition", E.t("condition"), textarea("condition", condition, function (value) {
        var text = value.trim();
        service("modeling").updateProperties(element, {
          conditionExpression: text ? create("bpmn:FormalExpression", { body: text }, bo) : undefined
        });
      }, 2), E.t("conditionHelp")),
      E.el("div", { className: "check panel-field" }, [box, E.el("label", { "for": box.id, text: E.t("defaultFlow") })])
    ]);
  }

  function operatorSection(element, bo) {
    var modeling = service("modeling");
    var operator = findExt(bo, "spiffworkflow:ServiceTaskOperator");
    var options = E.data.operators.map(function (pair) {
      return { value: pair[0], label: pair[0] + " — " + pair[1] };
    });
    var fields = [field("operator", E.t("operator"), select("operator", operator ? operator.id : "", options, function (value) {
      if (operator) {
        modeling.updateModdleProperties(element, operator, { id: value || undefined });
      } else if (value) {
        var made = ensureHolder(element, bo, "spiffworkflow:ServiceTaskOperator", { id: value });
        modeling.updateModdleProperties(element, made, { parameterList: create("spiffworkflow:Parameters", { parameters: [] }, made) });
      }
    }, E.t("noOperator")))];
    if (!operator) {
      return section(E.t("operator"), fields);
    }
    fields.push(field("result", E.t("resultVariable"), input("result", operator.resultVariable, function (value) {
      modeling.updateModdleProperties(element, operator, { resultVariable: value.trim() || undefined });
    }, { className: "code" })));
    var list = operator.parameterList;
    var rows = ((list && list.parameters) || []).map(function (parameter) {
      var row = field("param-" + parameter.id, parameter.id, input("param-" + parameter.id, parameter.value, function (value) {
        modeling.updateModdleProperties(element, parameter, { value: value });
      }, { className: "code" }));
      row.appendChild(E.el("button", {
        type: "button", className: "btn btn--ghost btn--small", text: E.t("remove"),
        onclick: function () {
          modeling.updateModdleProperties(element, list, {
            parameters: list.parameters.filter(function (p) {
              return p !== parameter;
            })
          });
        }
      }));
      return row;
    });
    var nameInput = E.el("input", { type: "text", id: "panel-new-param", autocomplete: "off", placeholder: E.t("parameterName") });
    var adder = E.el("div", { className: "panel-adder" }, [
      E.el("label", { "for": nameInput.id, className: "visually-hidden", text: E.t("parameterName") }), nameInput,
      E.el("button", {
        type: "button", className: "btn btn--secondary btn--small", text: E.t("addParameter"),
        onclick: function () {
          var id = nameInput.value.trim();
          if (!id) {
            return;
          }
          var holder = list || create("spiffworkflow:Parameters", { parameters: [] }, operator);
          if (!list) {
            modeling.updateModdleProperties(element, operator, { parameterList: holder });
          }
          modeling.updateModdleProperties(element, holder, {
            parameters: (holder.parameters || []).concat([create("spiffworkflow:Parameter", { id: id, type: "str", value: "''" }, holder)])
          });
        }
      })
    ]);
    return section(E.t("operator"), fields.concat([E.el("h4", { text: E.t("parameters") })], rows, [adder]));
  }

  function gatewayFlows(element) {
    var items = (element.outgoing || []).map(function (flow) {
      var bo = flow.businessObject;
      var text = (bo.name || bo.id) + (bo.conditionExpression ? ": " + bo.conditionExpression.body : "");
      return E.el("li", {}, [E.el("button", {
        type: "button", className: "link-button", text: text,
        onclick: function () {
          E.focusElement(flow.id);
        }
      })]);
    });
    return items.length ? section(E.t("condition"), [E.el("ul", { className: "panel-flows" }, items)]) : null;
  }

  /* ---------------------------------------------------------------- render */

  function kindOf(bo) {
    var kind = bo.$type.replace(/^bpmn:/, "");
    kind = kind.charAt(0).toLowerCase() + kind.slice(1);
    return E.data.kinds[kind] || bo.$type;
  }

  function build(element) {
    var bo = element.businessObject;
    var parts = [];
    var head = E.el("div", { className: "panel-head" }, [
      E.el("span", { className: "panel-kind", text: kindOf(bo) }),
      E.el("code", { className: "panel-id", id: "panel-element-id", title: E.t("id"), text: bo.id })
    ]);
    parts.push(head);
    if (is(bo, "bpmn:Collaboration") || is(bo, "bpmn:Process")) {
      parts.push(E.el("p", { className: "panel-hint", text: E.t("nothingSelected") }));
      var process = is(bo, "bpmn:Process") ? bo : (bo.participants && bo.participants[0] && bo.participants[0].processRef);
      if (process) {
        parts.push(documentationSection(element, process));
        parts.push(processSection(element, process));
      }
      return parts;
    }
    parts = parts.concat(nameSection(element, bo));
    parts.push(documentationSection(element, is(bo, "bpmn:Participant") && bo.processRef ? bo.processRef : bo));
    if (is(bo, "bpmn:Participant") && bo.processRef) {
      parts.push(processSection(element, bo.processRef));
    } else if (is(bo, "bpmn:Lane")) {
      var roles = E.data.roles.map(function (role) {
        return { value: role.value, label: role.label + " (" + role.value + ")" };
      });
      parts.push(section(E.t("role"), [field("role", E.t("role"), select("role", getProp(bo, "role") || "", roles, function (value) {
        setProp(element, bo, "role", value);
      }, E.t("noRole")))]));
    } else if (is(bo, "bpmn:UserTask")) {
      parts = parts.concat(TASK_NAMES.map(function (name) {
        return field(name, E.t(name === "name_ru" ? "nameRu" : "nameEn"), input(name, getProp(bo, name), function (value) {
          setProp(element, bo, name, value);
        }));
      }));
      parts.push(section(E.t("form"), formFields(element, bo, true)));
    } else if (is(bo, "bpmn:ServiceTask")) {
      parts.push(operatorSection(element, bo));
    } else if (is(bo, "bpmn:ScriptTask")) {
      parts.push(section(E.t("script"), [field("script", E.t("script"), textarea("script", bo.script, function (value) {
        service("modeling").updateProperties(element, { scriptFormat: "python", script: value });
      }, 8))]));
    } else if (is(bo, "bpmn:SequenceFlow")) {
      parts.push(flowSection(element, bo));
    } else if (is(bo, "bpmn:ExclusiveGateway") || is(bo, "bpmn:InclusiveGateway")) {
      parts.push(gatewayFlows(element));
    }
    if (is(bo, "bpmn:StartEvent")) {
      parts.push(section(E.t("form"), formFields(element, bo, false)));
    }
    if (is(bo, "bpmn:EndEvent")) {
      var outcomes = [{ value: "completed", label: E.t("outcomeCompleted") }, { value: "rejected", label: E.t("outcomeRejected") }];
      parts.push(section(E.t("outcome"), [field("outcome", E.t("outcome"), select("outcome", getProp(bo, "outcome") || "", outcomes, function (value) {
        setProp(element, bo, "outcome", value);
      }, E.t("noOutcome")))]));
    }
    var timer = (bo.eventDefinitions || []).filter(function (d) {
      return is(d, "bpmn:TimerEventDefinition");
    })[0];
    if (timer) {
      parts.push(timerSection(element, timer));
    }
    return parts;
  }

  function render() {
    var panel = document.getElementById("panel");
    var focused = document.activeElement && panel.contains(document.activeElement) ? document.activeElement.id : null;
    var element = selected || service("canvas").getRootElement();
    panel.replaceChildren.apply(panel, build(element).filter(Boolean));
    panel.setAttribute("data-element-id", element.businessObject.id);
    if (focused && document.getElementById(focused)) {
      document.getElementById(focused).focus();
    }
  }

  E.panel = {
    getProp: getProp,
    setProp: setProp,
    render: render,
    init: function () {
      E.modeler.on("selection.changed", function (event) {
        var list = event.newSelection || [];
        selected = list.length === 1 ? list[0] : null;
        render();
      });
      E.modeler.on("elements.changed", function (event) {
        var changed = event.elements || [];
        var root = service("canvas").getRootElement();
        if (selected && !service("elementRegistry").get(selected.id)) {
          selected = null;
        }
        var current = selected || root;
        if (changed.indexOf(current) >= 0 || changed.indexOf(root) >= 0 || (current.type === "bpmn:Participant")) {
          render();
        }
        E.forms.refresh();
      });
      render();
    }
  };
})();
