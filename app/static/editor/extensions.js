/* The product's settings in the diagram: `spiffworkflow:property` elements inside
   `bpmn:extensionElements`, read and changed through bpmn-js's moddle and modeling services
   (every change is one undoable command). */
(function () {
  "use strict";
  var E = window.BkEditor = window.BkEditor || {};

  function is(bo, type) {
    return Boolean(bo && bo.$instanceOf && bo.$instanceOf(type));
  }

  function service(name) {
    return E.modeler.get(name);
  }

  function extValues(bo) {
    return (bo && bo.extensionElements && bo.extensionElements.values) || [];
  }

  function findExt(bo, type) {
    return extValues(bo).filter(function (value) {
      return value.$type === type;
    })[0] || null;
  }

  function propList(bo) {
    var holder = findExt(bo, "spiffworkflow:Properties");
    return (holder && holder.properties) || [];
  }

  function getProp(bo, name) {
    var found = propList(bo).filter(function (prop) {
      return prop.name === name;
    })[0];
    return found ? found.value || "" : null;
  }

  function create(type, attrs, parent) {
    var made = service("moddle").create(type, attrs || {});
    made.$parent = parent;
    return made;
  }

  function ensureExtensions(element, bo) {
    if (!bo.extensionElements) {
      service("modeling").updateModdleProperties(element, bo, {
        extensionElements: create("bpmn:ExtensionElements", { values: [] }, bo)
      });
    }
    return bo.extensionElements;
  }

  function ensureHolder(element, bo, type, attrs) {
    var found = findExt(bo, type);
    if (found) {
      return found;
    }
    var ext = ensureExtensions(element, bo);
    var holder = create(type, attrs, ext);
    service("modeling").updateModdleProperties(element, ext, { values: (ext.values || []).concat([holder]) });
    return holder;
  }

  /* Set, change or (with an empty value) remove one named property. */
  function setProp(element, bo, name, value) {
    var modeling = service("modeling");
    var text = value === null || value === undefined ? "" : String(value).trim();
    var existing = propList(bo).filter(function (prop) {
      return prop.name === name;
    })[0];
    if (existing && text === "") {
      var holder = findExt(bo, "spiffworkflow:Properties");
      modeling.updateModdleProperties(element, holder, {
        properties: holder.properties.filter(function (prop) {
          return prop !== existing;
        })
      });
    } else if (existing) {
      modeling.updateModdleProperties(element, existing, { value: text });
    } else if (text !== "") {
      var props = ensureHolder(element, bo, "spiffworkflow:Properties", { properties: [] });
      modeling.updateModdleProperties(element, props, {
        properties: (props.properties || []).concat([create("spiffworkflow:Property", { name: name, value: text }, props)])
      });
    }
  }

  E.ext = {
    is: is,
    service: service,
    findExt: findExt,
    propList: propList,
    getProp: getProp,
    setProp: setProp,
    create: create,
    ensureHolder: ensureHolder
  };
})();
