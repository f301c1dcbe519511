// The live alias check on a skill's edit page: as staff type aliases, misspellings or
// case-sensitive aliases, say which already name another skill (the save would be refused)
// and which are common words. The same collision check runs on save, so the page works
// without this script.
(function () {
  "use strict";
  var fields = Array.prototype.slice.call(document.querySelectorAll("textarea[data-alias-check]"));
  var out = document.getElementById("alias-check");
  if (!fields.length || !out) return;
  var timer = null;
  var asked = "";

  function lines(field) {
    return field.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function say(messages) {
    out.textContent = "";
    if (!messages.length) return;
    var list = document.createElement("ul");
    list.className = "usa-list";
    messages.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    out.appendChild(list);
  }

  function check() {
    var query = new URLSearchParams();
    var any = false;
    if (fields[0].dataset.skill) query.append("skill", fields[0].dataset.skill);
    fields.forEach(function (field) {
      var kind = field.dataset.aliasKind === "cased" ? "cased" : "alias";
      lines(field).forEach(function (a) { query.append(kind, a); any = true; });
    });
    var url = fields[0].dataset.aliasCheck + "?" + query.toString();
    if (url === asked) return;
    asked = url;
    if (!any) { say([]); return; }
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || url !== asked) return;
        var messages = data.collisions.map(function (c) {
          return "“" + c.alias + "” already names " + c.skill_name + " (" + c.skill + "): it cannot be saved here.";
        });
        data.common_words.forEach(function (w) {
          messages.push("“" + w + "” is a common word: it would match text that does not mean this skill. Make it case-sensitive or leave it out.");
        });
        say(messages.length ? messages : ["No alias collides with another skill's."]);
      })
      .catch(function () { /* the check on save still applies */ });
  }

  fields.forEach(function (field) {
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(check, 400);
    });
  });
})();
