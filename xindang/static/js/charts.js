/* Analysis charts (ECharts, vendored): each [data-chart] element names a json_script tag holding its
   data {type, title, labels, values | series | cumulative, links}. A click on a bar, a slice or a
   point opens its drill-down link (the customers behind the figure). No inline handlers. */
(function () {
  function option(d) {
    var base = { title: { text: d.title, left: 0, textStyle: { fontSize: 13 } }, tooltip: { trigger: "item" },
      grid: { left: 70, right: 50, top: 40, bottom: 60 } };
    if (d.type === "pie") {
      base.series = [{ type: "pie", radius: ["30%", "65%"], top: 30,
        data: d.labels.map(function (l, i) { return { name: l, value: d.values[i] }; }) }];
      return base;
    }
    base.xAxis = { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.labels.length > 8 ? 40 : 0 } };
    if (d.type === "lines") {
      base.tooltip = { trigger: "axis" };
      base.legend = { top: 0, right: 0 };
      base.yAxis = { type: "value" };
      base.series = d.series.map(function (s) { return { type: "line", name: s.name, data: s.values }; });
      return base;
    }
    if (d.type === "pareto") {
      base.tooltip = { trigger: "axis" };
      base.legend = { top: 0, right: 0, data: d.names };
      base.xAxis.axisLabel = { show: d.labels.length <= 30, interval: 0, rotate: 40 };
      base.yAxis = [{ type: "value" }, { type: "value", max: 100, axisLabel: { formatter: "{value} %" } }];
      base.series = [
        { type: "bar", name: d.names[0], data: d.values },
        { type: "line", name: d.names[1], yAxisIndex: 1, data: d.cumulative, symbolSize: 4 }
      ];
      return base;
    }
    base.yAxis = { type: "value" };
    base.series = [{ type: "bar", data: d.values }];
    return base;
  }
  function draw(el) {
    var tag = document.getElementById(el.getAttribute("data-chart"));
    if (!tag || !window.echarts) return;
    var d = JSON.parse(tag.textContent);
    var chart = window.echarts.init(el);
    chart.setOption(option(d));
    chart.on("click", function (p) {
      var link = d.links && d.links[p.dataIndex];
      if (link) window.location.href = link;
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function start() { document.querySelectorAll("[data-chart]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
