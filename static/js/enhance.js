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

// The document editor's citation finder: a textarea carrying
// data-cite-finder (the finder's JSON address) gains a search box whose
// suggestions, a combobox and listbox, put the chosen citation in at the
// cursor. The citation text comes from the server; without JavaScript the
// editor's link to the finder page does the same job.
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('textarea[data-cite-finder]').forEach(function (area) {
    var endpoint = area.getAttribute('data-cite-finder');
    var base = area.id + '-cite';
    var wrap = document.createElement('div');
    wrap.className = 'cite-finder';
    wrap.innerHTML =
      '<label></label><span class="hint"></span>' +
      '<div class="cite-finder-box"><input type="text" autocomplete="off" spellcheck="false"' +
      ' role="combobox" aria-autocomplete="list" aria-expanded="false">' +
      '<ul role="listbox" hidden></ul></div>' +
      '<p role="status" class="visually-hidden"></p>';
    var label = wrap.querySelector('label');
    var hint = wrap.querySelector('.hint');
    var input = wrap.querySelector('input');
    var list = wrap.querySelector('ul');
    var status = wrap.querySelector('[role=status]');
    label.htmlFor = input.id = base + '-q';
    label.textContent = 'Find a policy to cite';
    hint.id = base + '-hint';
    hint.textContent = 'Type a few words, choose with the arrow keys and Enter: the citation goes into the text where the cursor was.';
    list.id = base + '-list';
    list.setAttribute('aria-label', 'Policies and provisions to cite');
    input.setAttribute('aria-controls', list.id);
    input.setAttribute('aria-describedby', hint.id);
    area.insertAdjacentElement('afterend', wrap);

    var hits = [];
    var active = -1;
    var timer = null;
    var pending = null;

    function options() { return list.querySelectorAll('[role=option]'); }

    function setActive(i) {
      var opts = options();
      active = i;
      opts.forEach(function (o, n) { o.setAttribute('aria-selected', n === i ? 'true' : 'false'); });
      if (i >= 0 && opts[i]) {
        input.setAttribute('aria-activedescendant', opts[i].id);
        opts[i].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function open(yes) {
      list.hidden = !yes;
      input.setAttribute('aria-expanded', yes ? 'true' : 'false');
      if (!yes) setActive(-1);
    }

    function show(data) {
      hits = data.hits || [];
      list.textContent = '';
      hits.forEach(function (h, n) {
        var li = document.createElement('li');
        li.id = base + '-opt-' + n;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        var title = document.createElement('span');
        title.textContent = h.kind === 'provision' ? h.title + ' (' + h.parent + ')' : h.title;
        var cite = document.createElement('code');
        cite.textContent = h.citation;
        li.appendChild(title);
        li.appendChild(document.createTextNode(' '));
        li.appendChild(cite);
        li.addEventListener('click', function () { choose(n, false); });
        list.appendChild(li);
      });
      // Answers that come after one has left the box are not shown.
      open(hits.length > 0 && document.activeElement === input);
      if (hits.length === 0) {
        status.textContent = 'Nothing found for ' + input.value.trim() + '.';
      } else {
        status.textContent = hits.length + (hits.length === 1 ? ' result' : ' results') +
          (data.total > hits.length ? ' of ' + data.total : '') + ': use the up and down arrows to choose.';
      }
    }

    function find() {
      var q = input.value.trim();
      if (pending) pending.abort();
      pending = null;
      if (q.length < 2) {
        hits = [];
        list.textContent = '';
        open(false);
        return;
      }
      var ctl = window.AbortController ? new AbortController() : null;
      pending = ctl;
      fetch(endpoint + '&q=' + encodeURIComponent(q), {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        signal: ctl ? ctl.signal : undefined
      }).then(function (res) {
        if (!res.ok) throw new Error('status ' + res.status);
        return res.json();
      }).then(function (data) {
        if (pending !== ctl) return;
        pending = null;
        show(data);
      }).catch(function (err) {
        if (err && err.name === 'AbortError') return;
        open(false);
        status.textContent = 'The search failed; the link to the citation finder above still works.';
      });
    }

    // caretAt is where the cursor goes in the textarea once the Enter
    // that chose a citation is released; null when nothing waits.
    var caretAt = null;

    function toText(at) {
      area.focus();
      area.setSelectionRange(at, at);
    }

    // choose puts hit n's citation at the textarea's cursor (replacing a
    // selection), and leaves the cursor after it in the textarea. Chosen
    // with Enter, focus moves on the key's release: moved at once, the
    // Enter would type a new line into the text.
    function choose(n, byKey) {
      var h = hits[n];
      if (!h) return;
      var start = area.selectionStart, end = area.selectionEnd;
      var v = area.value;
      area.value = v.slice(0, start) + h.citation + v.slice(end);
      var at = start + h.citation.length;
      area.setSelectionRange(at, at);
      open(false);
      area.dispatchEvent(new Event('input', { bubbles: true }));
      status.textContent = 'Inserted ' + h.citation + ' into the text.';
      if (byKey) {
        caretAt = at;
      } else {
        toText(at);
      }
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(find, 250);
    });
    input.addEventListener('keydown', function (ev) {
      var n = options().length;
      switch (ev.key) {
        case 'ArrowDown':
          ev.preventDefault();
          if (n === 0) return;
          if (list.hidden) { open(true); setActive(0); return; }
          setActive(active + 1 < n ? active + 1 : 0);
          break;
        case 'ArrowUp':
          ev.preventDefault();
          if (n === 0) return;
          if (list.hidden) { open(true); setActive(n - 1); return; }
          setActive(active > 0 ? active - 1 : n - 1);
          break;
        case 'Enter':
          // Never submit the document from the finder.
          ev.preventDefault();
          if (!list.hidden && active >= 0) choose(active, true);
          break;
        case 'Escape':
          if (!list.hidden) {
            ev.preventDefault();
            open(false);
          } else if (input.value !== '') {
            ev.preventDefault();
            input.value = '';
          }
          break;
      }
    });
    // Enter's keypress must not submit the form either.
    input.addEventListener('keypress', function (ev) {
      if (ev.key === 'Enter') ev.preventDefault();
    });
    input.addEventListener('keyup', function (ev) {
      if (ev.key === 'Enter' && caretAt !== null) {
        var at = caretAt;
        caretAt = null;
        toText(at);
      }
    });
    // A click on an option must not take focus from the box first.
    list.addEventListener('mousedown', function (ev) { ev.preventDefault(); });
    input.addEventListener('blur', function () {
      caretAt = null;
      open(false);
    });
  });
});
