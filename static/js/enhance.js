// enhance.js adds conveniences to pages that work fully without it:
// filter forms submit when a select changes; a long checkbox list
// (fieldset[data-filterable]) gets a box that narrows it as one types.
document.addEventListener('change', function (ev) {
  var el = ev.target;
  if (el && el.matches && el.matches('select[data-autosubmit]')) {
    el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
  }
});

// Citations to copy (input[data-copy]) are read-only fields whose text can
// be selected by hand; with JavaScript each gains a Copy button.
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('input[data-copy]').forEach(function (input) {
    var label = document.querySelector('label[for="' + input.id + '"]');
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary copy';
    button.textContent = 'Copy';
    if (label) {
      button.setAttribute('aria-label', 'Copy: ' + label.textContent);
    }
    var status = document.createElement('span');
    status.setAttribute('role', 'status');
    status.className = 'muted';
    button.addEventListener('click', function () {
      input.select();
      var done = function () { status.textContent = 'Copied'; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          status.textContent = 'Selected: press Ctrl+C or ⌘C to copy';
        });
      } else {
        status.textContent = 'Selected: press Ctrl+C or ⌘C to copy';
      }
    });
    input.insertAdjacentElement('afterend', status);
    input.insertAdjacentElement('afterend', button);
  });
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
