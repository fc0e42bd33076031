/* Behaviour declared in the markup, so that no page needs an inline script or on* handler (the
   Content-Security-Policy allows scripts from our own files only):
   - data-confirm="…" on a form (asked on submit) or a submit button (asked on click);
   - data-require="field" data-require-message="…" on a submit button: the form's field must not be blank;
   - data-prompt="…" data-prompt-into="field" on a form: asks, puts the answer in that field, cancels if blank;
   - data-print on a button: prints the page;
   - data-autosubmit on a select: submits its form when changed. */
(function () {
  function blank(form, name) {
    var field = form && form.elements[name];
    return !field || !String(field.value || "").trim();
  }
  document.addEventListener("click", function (e) {
    var printer = e.target.closest("[data-print]");
    if (printer) { e.preventDefault(); window.print(); return; }
    var button = e.target.closest("button[data-require], button[data-confirm], input[type=submit][data-confirm]");
    if (!button) return;
    var required = button.getAttribute("data-require");
    if (required && blank(button.form, required)) {
      e.preventDefault();
      window.alert(button.getAttribute("data-require-message") || "");
      return;
    }
    var question = button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) e.preventDefault();
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { e.preventDefault(); return; }
    var ask = form.getAttribute("data-prompt");
    if (ask) {
      var answer = window.prompt(ask);
      if (!answer || !answer.trim()) { e.preventDefault(); return; }
      form.elements[form.getAttribute("data-prompt-into")].value = answer;
    }
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches("select[data-autosubmit]") && e.target.form) e.target.form.submit();
  });
})();
