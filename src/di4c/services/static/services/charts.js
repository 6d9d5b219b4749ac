// Charts of a city's digitalisation index, from the figures the page also shows as a table.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("services-chart").textContent);
  if (typeof Chart === "undefined") return;
  // Axis and tooltip numbers in the page's language (Chart.js uses English otherwise).
  const locale = document.documentElement.lang || undefined;
  const levels = document.getElementById("levels-chart");
  levels.chart = new Chart(levels, {
    type: "bar",
    data: { labels: data.level_labels, datasets: [{ label: data.labels.services, data: data.levels, backgroundColor: "#0b4f8a" }] },
    options: { animation: false, locale: locale, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const trend = document.getElementById("trend-chart");
  trend.chart = new Chart(trend, {
    type: "line",
    data: {
      labels: data.years,
      datasets: [
        { label: data.labels.online_share, data: data.online_share, borderColor: "#0b4f8a" },
        { label: data.labels.uptake, data: data.uptake, borderColor: "#a4161a", borderDash: [6, 4] },
      ],
    },
    options: { animation: false, locale: locale, scales: { y: { min: 0, max: 100 } } },
  });
  levels.dataset.ready = "true";
})();
