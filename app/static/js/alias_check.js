// The live alias check on a skill's edit page: as staff type aliases, say which already name
// another skill (the save would be refused) and which are common words. The same check runs
// on save, so the page works without this script.
(function () {
  "use strict";
  var field = document.querySelector("textarea[data-alias-check]");
  var out = document.getElementById("alias-check");
  if (!field || !out) return;
  var timer = null;
  var asked = "";

  function aliases() {
    return field.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function say(lines) {
    out.textContent = "";
    if (!lines.length) return;
    var list = document.createElement("ul");
    list.className = "usa-list";
    lines.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    out.appendChild(list);
  }

  function check() {
    var wanted = aliases();
    var query = new URLSearchParams();
    if (field.dataset.skill) query.append("skill", field.dataset.skill);
    wanted.forEach(function (a) { query.append("alias", a); });
    var url = field.dataset.aliasCheck + "?" + query.toString();
    if (url === asked) return;
    asked = url;
    if (!wanted.length) { say([]); return; }
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || url !== asked) return;
        var lines = data.collisions.map(function (c) {
          return "“" + c.alias + "” already names " + c.skill_name + " (" + c.skill + "): it cannot be saved here.";
        });
        data.common_words.forEach(function (w) {
          lines.push("“" + w + "” is a common word: it would match text that does not mean this skill. Make it case-sensitive or leave it out.");
        });
        say(lines.length ? lines : ["No alias collides with another skill's."]);
      })
      .catch(function () { /* the check on save still applies */ });
  }

  field.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
})();
