// Draws each chart of the dashboard from its Vega-Lite specification, with the page
// language's number and date formats.
(function () {
  var locale = JSON.parse(document.getElementById("chart-locale").textContent);
  document.querySelectorAll("div.vega[data-spec]").forEach(function (element) {
    var spec = JSON.parse(document.getElementById(element.dataset.spec).textContent);
    vegaEmbed(element, spec, {
      actions: {export: true, source: false, compiled: false, editor: false},
      formatLocale: locale.format,
      timeFormatLocale: locale.time,
      renderer: "svg"
    }).then(function () { element.dataset.rendered = "true"; })
      .catch(function (error) { element.textContent = String(error); });
  });
})();
