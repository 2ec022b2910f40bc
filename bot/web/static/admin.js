/* HR console charts: conversations per day (stacked by channel) and per channel.
 * The data comes from the page's data-charts attribute (no inline script under the CSP);
 * window.KefuAdmin exposes the Chart instances for tests. */
(function () {
  "use strict";

  var COLOURS = ["#0f766e", "#2563eb", "#f59e0b", "#db2777", "#7c3aed", "#64748b"];
  var state = { ready: false, charts: {} };
  window.KefuAdmin = state;

  function colour(i) {
    return COLOURS[i % COLOURS.length];
  }

  function draw() {
    var holder = document.getElementById("admin-data");
    if (!holder || !window.Chart) {
      return;
    }
    var data = JSON.parse(holder.getAttribute("data-charts") || "{}");
    var Chart = window.Chart;
    Chart.defaults.font.family =
      '-apple-system, BlinkMacSystemFont, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
    Chart.defaults.color = "#5a6478";
    Chart.defaults.animation = false;

    state.charts.daily = new Chart(document.getElementById("chart-daily"), {
      type: "bar",
      data: {
        labels: (data.days || []).map(function (d) { return d.slice(5); }),
        datasets: (data.daily || []).map(function (series, i) {
          return { label: series.label, data: series.values, backgroundColor: colour(i) };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: true, grid: { display: false } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "会话数" } }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });

    var channels = data.channels || [];
    state.charts.channels = new Chart(document.getElementById("chart-channels"), {
      type: "doughnut",
      data: {
        labels: channels.map(function (c) { return c.label; }),
        datasets: [{
          data: channels.map(function (c) { return c.conversations; }),
          backgroundColor: channels.map(function (_, i) { return colour(i); })
        }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } }
      }
    });
    state.ready = true;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
