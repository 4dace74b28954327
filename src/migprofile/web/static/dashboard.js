// Draws each chart of the dashboard from its Vega-Lite specification, with the page
// language's number and date formats and labels of the chart's download menu; a title
// naming the report's year names the year chosen under the chart instead.
(function () {
  // A chart whose title names its year (the report's) says the year chosen in its list.
  function followYear(element, spec, view) {
    var param = (spec.params || []).filter(function (p) { return p.name === "choice_year"; })[0];
    var caption = element.closest("figure").querySelector("figcaption");
    var shown = param && String(param.value);
    if (!caption || !shown || caption.textContent.indexOf(shown) < 0) { return; }
    var title = caption.textContent;
    view.addSignalListener("choice_year", function (name, value) {
      caption.textContent = title.split(shown).join(String(value));
    });
  }

  var locale = JSON.parse(document.getElementById("chart-locale").textContent);
  document.querySelectorAll("div.vega[data-spec]").forEach(function (element) {
    var spec = JSON.parse(document.getElementById(element.dataset.spec).textContent);
    vegaEmbed(element, spec, {
      actions: {export: true, source: false, compiled: false, editor: false},
      i18n: locale.actions,
      formatLocale: locale.format,
      timeFormatLocale: locale.time,
      renderer: "svg"
    }).then(function (result) {
      followYear(element, spec, result.view);
      // vega-embed names its menu with a tooltip only: screen readers need a label.
      var menu = element.querySelector("details > summary");
      if (menu) { menu.setAttribute("aria-label", locale.actions.CLICK_TO_VIEW_ACTIONS); }
      element.dataset.rendered = "true";
    }).catch(function (error) { element.textContent = String(error); });
  });
})();
