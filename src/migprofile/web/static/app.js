// The header's menu folds behind a button on a narrow screen. Without JavaScript it
// stays unfolded (the button is never shown).
(function () {
  var button = document.querySelector(".menu-toggle");
  if (!button) { return; }
  var menu = document.getElementById(button.getAttribute("aria-controls"));
  document.documentElement.classList.add("menu-folds");
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("open", open);
  });
})();
