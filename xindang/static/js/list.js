/* Lists: "/" focuses the search box; ticking rows for the bulk actions (select all, count). */
(function () {
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.querySelector("[data-search-box]");
    if (!box) return;
    e.preventDefault();
    box.focus();
    box.select();
  });
  function boxes() { return document.querySelectorAll("input[name=ids]"); }
  function ticked() {
    return Array.prototype.filter.call(boxes(), function (b) { return b.checked; }).length;
  }
  function recount() {
    var out = document.querySelector("[data-selected-count]");
    if (!out) return;
    var n = ticked();
    out.textContent = String(n);
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches("[data-select-all]")) {
      boxes().forEach(function (b) { b.checked = e.target.checked; });
    }
    if (e.target.matches("[data-select-all], input[name=ids]")) recount();
  });
  document.addEventListener("click", function (e) {
    var needs = e.target.closest("[data-needs-selection]");
    if (needs && !ticked()) {
      e.preventDefault();
      window.alert(needs.getAttribute("data-needs-selection"));
      return;
    }
    var button = e.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) e.preventDefault();
  });
})();
