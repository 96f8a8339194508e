/* Culture Courses, HR's assignments page: small enhancements of a form that works without script.
   - the department tree: ticking a department ticks its sub-departments (the server includes them
     anyway); unticking one unticks the departments above it, which then no longer include it all;
   - Enter in the search field finds people; Enter anywhere else assigns (the form's first button
     would otherwise be "Find"). */
(function () {
  "use strict";

  function boxesBelow(box) {
    var item = box.closest("li");
    return item ? Array.prototype.slice.call(item.querySelectorAll("ul input[type=checkbox]")) : [];
  }

  function boxesAbove(box) {
    var above = [], item = box.closest("li");
    while (item && item.parentElement) {
      item = item.parentElement.closest("li");
      if (!item) { break; }
      var own = item.querySelector(".tree-choice input[type=checkbox]");
      if (own) { above.push(own); }
    }
    return above;
  }

  function departmentTree(tree) {
    tree.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.matches || !box.matches("input[type=checkbox]")) { return; }
      boxesBelow(box).forEach(function (child) { child.checked = box.checked; });
      if (!box.checked) { boxesAbove(box).forEach(function (parent) { parent.checked = false; }); }
    });
  }

  function enterKeys(form) {
    var assign = form.querySelector("[data-assign]");
    var find = form.querySelector("button[name=find]");
    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key !== "Enter" || target.tagName !== "INPUT" || target.type === "checkbox") { return; }
      var button = target.name === "q" ? find : assign;
      if (!button) { return; }
      event.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-department-tree]"), departmentTree);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-assignment-form]"), enterKeys);
  });
})();
