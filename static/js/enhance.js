// enhance.js adds conveniences to pages that work fully without it:
// filter forms submit when a select changes.
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
