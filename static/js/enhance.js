// enhance.js adds conveniences to pages that work fully without it:
// filter forms submit when a select changes; a long checkbox list
// (fieldset[data-filterable]) gets a box that narrows it as one types.
document.addEventListener('change', function (ev) {
  var el = ev.target;
  if (el && el.matches && el.matches('select[data-autosubmit]')) {
    el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
  }
});

document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('fieldset[data-filterable]').forEach(function (fs, n) {
    var boxes = fs.querySelector('.checklist-boxes');
    if (!boxes) return;
    var wrap = document.createElement('div');
    wrap.className = 'checklist-filter';
    var id = (fs.id || 'checklist-' + n) + '-filter';
    var label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = 'Show only those containing';
    var input = document.createElement('input');
    input.type = 'search';
    input.id = id;
    input.autocomplete = 'off';
    wrap.appendChild(label);
    wrap.appendChild(input);
    boxes.parentNode.insertBefore(wrap, boxes);
    input.addEventListener('input', function () {
      var want = input.value.trim().toLowerCase();
      boxes.querySelectorAll('.checkbox').forEach(function (row) {
        var box = row.querySelector('input');
        var text = row.textContent.toLowerCase();
        // A ticked box stays in sight whatever the filter.
        row.hidden = want !== '' && !box.checked && text.indexOf(want) < 0;
      });
    });
    // Enter in the filter box must not submit the whole form.
    input.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter') ev.preventDefault();
    });
  });
});
