// passkey.js runs the browser's side of the WebAuthn ceremonies on the
// two-factor pages: adding a passkey (/account/mfa) and using one for the
// second step of signing in. The passkey controls are hidden in the page
// and shown here only when the browser can use them; without JavaScript
// the page says so, and codes from an authenticator app still work.
(function () {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) {
    return;
  }

  function toBytes(s) {
    var b64 = s.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) { b64 += '='; }
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }

  function toB64url(buf) {
    var bytes = new Uint8Array(buf);
    var bin = '';
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function field(form, name) {
    var el = form.querySelector('[name="' + name + '"]');
    return el ? el.value : '';
  }

  // post sends JSON with the form's CSRF token and returns the JSON
  // answer, or throws an Error carrying the words to show.
  function post(form, url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRF-Token': field(form, '_csrf') },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) {
          throw new Error(data.message || 'Something went wrong (' + res.status + '). Reload the page and try again.');
        }
        return data;
      });
    });
  }

  function say(form, text) {
    var st = form.querySelector('[data-passkey-status]');
    if (st) { st.textContent = text; }
  }

  function descriptors(list) {
    return (list || []).map(function (d) {
      var o = { type: d.type, id: toBytes(d.id) };
      if (d.transports) { o.transports = d.transports; }
      return o;
    });
  }

  function cancelled(err) {
    return err && (err.name === 'NotAllowedError' || err.name === 'AbortError');
  }

  function register(form) {
    var name = field(form, 'passkey_name').trim();
    if (!name) {
      say(form, 'Enter a name for the passkey, such as Laptop.');
      form.querySelector('[name="passkey_name"]').focus();
      return;
    }
    var password = field(form, 'password');
    if (!password) {
      say(form, 'Enter your password.');
      form.querySelector('[name="password"]').focus();
      return;
    }
    say(form, 'Follow your browser\u2019s prompts to make the passkey\u2026');
    // The password is checked before the ceremony starts.
    post(form, form.dataset.options, { password: password }).then(function (opts) {
      var pk = opts.publicKey;
      pk.challenge = toBytes(pk.challenge);
      pk.user.id = toBytes(pk.user.id);
      pk.excludeCredentials = descriptors(pk.excludeCredentials);
      return navigator.credentials.create({ publicKey: pk });
    }).then(function (cred) {
      var r = cred.response;
      return post(form, form.action, {
        name: name,
        credential: {
          id: cred.id,
          rawId: toB64url(cred.rawId),
          type: cred.type,
          authenticatorAttachment: cred.authenticatorAttachment || undefined,
          clientExtensionResults: cred.getClientExtensionResults(),
          response: {
            clientDataJSON: toB64url(r.clientDataJSON),
            attestationObject: toB64url(r.attestationObject),
            transports: r.getTransports ? r.getTransports() : []
          }
        }
      });
    }).then(function (done) {
      window.location.assign(done.redirect);
    }).catch(function (err) {
      say(form, cancelled(err) ? 'No passkey was added: the request was cancelled or timed out.' : err.message);
    });
  }

  function signIn(form) {
    var token = field(form, 'token');
    say(form, 'Follow your browser\u2019s prompts to use your passkey\u2026');
    post(form, form.dataset.options, { token: token }).then(function (opts) {
      var pk = opts.publicKey;
      pk.challenge = toBytes(pk.challenge);
      pk.allowCredentials = descriptors(pk.allowCredentials);
      return navigator.credentials.get({ publicKey: pk });
    }).then(function (cred) {
      var r = cred.response;
      return post(form, form.action, {
        token: token,
        next: field(form, 'next'),
        credential: {
          id: cred.id,
          rawId: toB64url(cred.rawId),
          type: cred.type,
          authenticatorAttachment: cred.authenticatorAttachment || undefined,
          clientExtensionResults: cred.getClientExtensionResults(),
          response: {
            clientDataJSON: toB64url(r.clientDataJSON),
            authenticatorData: toB64url(r.authenticatorData),
            signature: toB64url(r.signature),
            userHandle: r.userHandle ? toB64url(r.userHandle) : undefined
          }
        }
      });
    }).then(function (done) {
      window.location.assign(done.redirect);
    }).catch(function (err) {
      say(form, cancelled(err) ? 'The passkey was not used: the request was cancelled or timed out.' : err.message);
    });
  }

  document.querySelectorAll('[data-passkey]').forEach(function (el) { el.hidden = false; });
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (form.matches('form[data-passkey-register]')) {
      ev.preventDefault();
      register(form);
    } else if (form.matches('form[data-passkey-login]')) {
      ev.preventDefault();
      signIn(form);
    }
  });
}());
