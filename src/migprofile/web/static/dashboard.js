// Draws each chart of the dashboard from its Vega-Lite specification, with the page
// language's number and date formats and labels of the chart's download menu.
(function () {
  var locale = JSON.parse(document.getElementById("chart-locale").textContent);
  document.querySelectorAll("div.vega[data-spec]").forEach(function (element) {
    var spec = JSON.parse(document.getElementById(element.dataset.spec).textContent);
    vegaEmbed(element, spec, {
      actions: {export: true, source: false, compiled: false, editor: false},
      i18n: locale.actions,
      formatLocale: locale.format,
      timeFormatLocale: locale.time,
      renderer: "svg"
    }).then(function () {
      // vega-embed names its menu with a tooltip only: screen readers need a label.
      var menu = element.querySelector("details > summary");
      if (menu) { menu.setAttribute("aria-label", locale.actions.CLICK_TO_VIEW_ACTIONS); }
      element.dataset.rendered = "true";
    }).catch(function (error) { element.textContent = String(error); });
  });
})();
