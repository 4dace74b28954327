// The narrative's editor: each text's preview follows the typing, rendered by the server
// with the report's own Markdown renderer. Without JavaScript the preview shows the
// saved text.
(function () {
  var form = document.querySelector("form.narrative-editor");
  if (!form) { return; }
  var csrf = form.querySelector("input[name=csrf_token]").value;

  function follow(textarea) {
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

  form.querySelectorAll("textarea[data-preview]").forEach(follow);
})();
