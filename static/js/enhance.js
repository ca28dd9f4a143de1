// enhance.js adds conveniences to pages that work fully without it:
// filter forms submit when a select changes.
document.addEventListener('change', function (ev) {
  var el = ev.target;
  if (el && el.matches && el.matches('select[data-autosubmit]')) {
    el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
  }
});
