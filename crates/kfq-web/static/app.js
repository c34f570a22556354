// kfq's own script: draws the charts whose data the page carries as JSON (no inline script),
// and follows a chart's link when a bar or point is clicked.
"use strict";

function drawCharts() {
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-chart"));
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    if (!window.echarts) {
      box.textContent = spec.missing || "";
      box.style.height = "auto";
      return;
    }
    var chart = window.echarts.init(box);
    // Marked drawn once the first animation has finished, so that what is seen can be clicked.
    chart.on("finished", function () { box.setAttribute("data-drawn", "yes"); });
    chart.setOption(spec.option);
    if (spec.links) {
      chart.on("click", function (params) {
        var byName = spec.links[params.name];
        var href = byName && (byName[params.seriesIndex] || byName[0]);
        if (href) window.location.href = href;
      });
    }
    window.addEventListener("resize", function () { chart.resize(); });
    window.kfqCharts = window.kfqCharts || {};
    window.kfqCharts[box.getAttribute("data-chart")] = chart;
  });
}

document.addEventListener("DOMContentLoaded", drawCharts);
