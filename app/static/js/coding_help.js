// Coding help on an opening's form: as the poster writes the duties, ask the server which work
// roles the text suggests and show them in the panel (an aria-live region). The "Suggest work
// roles" button does the same without this script, so the page works fully without it.
(function () {
  "use strict";
  var duties = document.querySelector("textarea[data-coding-help]");
  var panel = document.getElementById("coding-help");
  var token = document.querySelector("input[name=csrf_token]");
  if (!duties || !panel || !token || !window.fetch) return;
  var title = document.getElementById("title");
  var qualifications = document.getElementById("qualifications");
  var timer = null;
  var asked = "";

  function value(field) { return field ? field.value : ""; }

  function ask() {
    var body = JSON.stringify({
      title: value(title), duties: value(duties), qualifications: value(qualifications)
    });
    if (body === asked || !value(duties).trim()) return;
    asked = body;
    fetch(duties.dataset.codingHelp, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": token.value
      },
      body: body
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || body !== asked) return;  // a newer question is on its way
        // The server's own escaped rendering of the panel (the same as the no-script page's).
        var parsed = new DOMParser().parseFromString(data.html, "text/html");
        panel.replaceChildren.apply(panel, Array.prototype.slice.call(parsed.body.childNodes));
      })
      .catch(function () { /* the button still works */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(ask, 800);
  }

  duties.addEventListener("input", later);
  if (qualifications) qualifications.addEventListener("input", later);
})();
