// The narrative's editor. With JavaScript, the languages become tabs (one text shown at a
// time, arrow keys move between them, as the ARIA tabs pattern says) and each text's
// preview follows the typing, rendered by the server with the report's own Markdown
// renderer. Without JavaScript every language is shown, and the preview is the saved text.
(function () {
  function tabs(box) {
    var panels = Array.prototype.slice.call(box.querySelectorAll("section.narrative-language"));
    if (panels.length < 2) { return; }
    var list = document.createElement("div");
    list.className = "tabs";
    list.setAttribute("role", "tablist");
    list.setAttribute("aria-label", box.dataset.tabsLabel);
    var buttons = panels.map(function (panel) {
      var heading = panel.querySelector("h2");
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = "tab-" + panel.id;
      tab.lang = heading.lang;
      tab.textContent = heading.textContent;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      heading.hidden = true;  // the tab names the panel
      list.appendChild(tab);
      return tab;
    });

    function show(index, focus) {
      buttons.forEach(function (tab, i) {
        var chosen = i === index;
        tab.setAttribute("aria-selected", chosen ? "true" : "false");
        tab.tabIndex = chosen ? 0 : -1;
        panels[i].hidden = !chosen;
      });
      if (focus) { buttons[index].focus(); }
    }

    list.addEventListener("click", function (event) {
      var index = buttons.indexOf(event.target.closest("[role=tab]"));
      if (index >= 0) { show(index, false); }
    });
    list.addEventListener("keydown", function (event) {
      var index = buttons.indexOf(document.activeElement);
      var step = {ArrowRight: 1, ArrowLeft: -1}[event.key];
      var to = event.key === "Home" ? 0 : event.key === "End" ? buttons.length - 1
        : step ? (index + step + buttons.length) % buttons.length : -1;
      if (index >= 0 && to >= 0) {
        event.preventDefault();
        show(to, true);
      }
    });
    box.insertBefore(list, panels[0]);
    show(0, false);
  }

  function follow(textarea, csrf) {
    var preview = document.getElementById(textarea.dataset.preview);
    var timer = null;
    var asked = 0;
    function render() {
      var mine = ++asked;
      var body = new URLSearchParams({text: textarea.value});
      fetch("/narrative/preview", {method: "POST", body: body, credentials: "same-origin",
                                   headers: {"X-CSRF-Token": csrf}})
        .then(function (answer) { return answer.ok ? answer.text() : null; })
        .then(function (html) {
          if (html !== null && mine === asked) { preview.innerHTML = html; }
        });
    }
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(render, 300);
    });
  }

  document.querySelectorAll(".narrative-languages").forEach(tabs);
  var form = document.querySelector("form.narrative-editor");
  if (form) {
    var csrf = form.querySelector("input[name=csrf_token]").value;
    form.querySelectorAll("textarea[data-preview]").forEach(function (textarea) {
      follow(textarea, csrf);
    });
  }
})();
