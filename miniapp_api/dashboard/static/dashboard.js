// Dashboard charts (ECharts, vendored): drawn from the JSON beside the tables, again after every
// htmx refresh of the dashboard body. The tables carry the same numbers for reading and printing.
(function () {
  "use strict";
  var charts = [];
  function pct(v) { return v === null ? null : Math.round(v * 1000) / 10; }
  function draw() {
    var holder = document.getElementById("dash-data");
    if (!holder || !window.echarts) { return; }
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    var d = JSON.parse(holder.textContent);
    if (d.trend) { return drawTrend(d.trend); }
    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) { return; }
      var c = echarts.init(el, null, { renderer: "svg" });
      option.animation = false;
      option.grid = option.grid || { left: 40, right: 12, top: 30, bottom: 24 };
      option.textStyle = { fontFamily: "Noto Sans CJK SC, sans-serif" };
      c.setOption(option);
      charts.push(c);
    }
    drawAll(d, chart);
    drawAppeals(d, chart);
  }
  function chartOn(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = echarts.init(el, null, { renderer: "svg" });
    option.animation = false;
    option.grid = option.grid || { left: 40, right: 12, top: 30, bottom: 24 };
    option.textStyle = { fontFamily: "Noto Sans CJK SC, sans-serif" };
    c.setOption(option);
    charts.push(c);
  }
  function drawTrend(trend) {
    chartOn("chart-ratings", {
      tooltip: { trigger: "axis" }, legend: { top: 0, data: ["均分", "评价数"] },
      xAxis: { type: "category", data: trend.map(function (r) { return r.day.slice(5); }) },
      yAxis: [{ type: "value", min: 0, max: 5 }, { type: "value", minInterval: 1, splitLine: { show: false } }],
      series: [
        { name: "均分", type: "line", connectNulls: true, showAllSymbol: true, symbolSize: 7, data: trend.map(function (r) { return r.average; }), itemStyle: { color: "#b3261e" } },
        { name: "评价数", type: "bar", yAxisIndex: 1, data: trend.map(function (r) { return r.count; }), itemStyle: { color: "#c9d6e3" } }
      ]
    });
  }
  function drawAll(d, chart) {
    var days = d.kb.map(function (r) { return r.day.slice(5); });
    chart("chart-kb", {
      tooltip: { trigger: "axis" }, legend: { top: 0, data: ["答复率", "澄清率", "未答率", "提问数"] },
      xAxis: { type: "category", data: days },
      yAxis: [{ type: "value", max: 100, axisLabel: { formatter: "{value}%" } }, { type: "value", splitLine: { show: false } }],
      series: [
        { name: "答复率", type: "line", data: d.kb.map(function (r) { return pct(r.answered_rate); }), itemStyle: { color: "#2e7d32" } },
        { name: "澄清率", type: "line", data: d.kb.map(function (r) { return pct(r.clarify_rate); }), itemStyle: { color: "#d8a300" } },
        { name: "未答率", type: "line", data: d.kb.map(function (r) { return pct(r.unanswerable_rate); }), itemStyle: { color: "#c62828" } },
        { name: "提问数", type: "bar", yAxisIndex: 1, data: d.kb.map(function (r) { return r.total; }), itemStyle: { color: "#c9d6e3" } }
      ]
    });
    var hot = d.hot.slice().reverse();
    chart("chart-hot", {
      grid: { left: 110, right: 16, top: 10, bottom: 20 }, tooltip: {},
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: hot.map(function (r) { return r.question.length > 8 ? r.question.slice(0, 8) + "…" : r.question; }) },
      series: [{ type: "bar", data: hot.map(function (r) { return r.count; }), itemStyle: { color: "#1769aa" } }]
    });
    chart("chart-slots", {
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: d.slots.days.map(function (r) { return r.day.slice(5); }) },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ type: "bar", data: d.slots.days.map(function (r) { return pct(r.rate); }), itemStyle: { color: "#5b8def" } }]
    });
    chart("chart-waits", {
      tooltip: { trigger: "axis" }, legend: { top: 0, data: ["平均等候(分)", "满意度"] },
      xAxis: { type: "category", data: d.waits.map(function (r) { return r.day.slice(5); }) },
      yAxis: [{ type: "value" }, { type: "value", min: 0, max: 5, splitLine: { show: false } }],
      series: [
        { name: "平均等候(分)", type: "bar", data: d.waits.map(function (r) { return r.avg_wait_minutes; }), itemStyle: { color: "#8e9eb0" } },
        { name: "满意度", type: "line", yAxisIndex: 1, connectNulls: true, showAllSymbol: true, data: d.ratings.map(function (r) { return r.average; }), itemStyle: { color: "#b3261e" } }
      ]
    });
  }
  function drawAppeals(d, chart) {
    if (!d.appeals) { return; }
    var rows = d.appeals.by_department.slice(0, 12);
    chart("chart-appeals", {
      tooltip: { trigger: "axis" }, legend: { top: 0, data: ["受理", "答复", "按时率", "满意率"] },
      grid: { left: 40, right: 40, top: 30, bottom: 70 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.department; }),
               axisLabel: { interval: 0, rotate: 35, fontSize: 11 } },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", max: 100, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } }],
      series: [
        { name: "受理", type: "bar", data: rows.map(function (r) { return r.received; }), itemStyle: { color: "#c9d6e3" } },
        { name: "答复", type: "bar", data: rows.map(function (r) { return r.replied; }), itemStyle: { color: "#1769aa" } },
        { name: "按时率", type: "line", yAxisIndex: 1, data: rows.map(function (r) { return pct(r.on_time_rate); }), itemStyle: { color: "#2e7d32" } },
        { name: "满意率", type: "line", yAxisIndex: 1, connectNulls: true, data: rows.map(function (r) { return pct(r.satisfaction_rate); }), itemStyle: { color: "#b3261e" } }
      ]
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", function (e) { if (e.target && e.target.id === "dash") { draw(); } });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
