// Charts of a plan: budget per year and each indicator's measurements against baseline and
// target. The same figures are in the tables of the page.
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  // Axis and tooltip numbers in the page's language (Chart.js uses English otherwise).
  const locale = document.documentElement.lang || undefined;
  const budget = document.getElementById("budget-data");
  if (budget) {
    const data = JSON.parse(budget.textContent);
    const canvas = document.getElementById("budget-chart");
    canvas.chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.years,
        datasets: [
          { label: data.labels.cost, data: data.cost, backgroundColor: "#9aa5b1" },
          { label: data.labels.secured, data: data.secured, backgroundColor: "#0b4f8a" },
        ],
      },
      options: { animation: false, locale: locale, scales: { y: { beginAtZero: true } } },
    });
    canvas.dataset.ready = "true";
  }
  const charts = document.getElementById("indicator-charts");
  if (charts) {
    const labels = JSON.parse(document.getElementById("indicator-labels").textContent);
    JSON.parse(charts.textContent).forEach(function (item) {
      const canvas = document.getElementById("chart-" + item.id);
      if (!canvas) return;
      const dates = item.points.map(function (p) { return p.x; });
      const flat = function (value) { return dates.map(function () { return value; }); };
      const datasets = [
        { label: labels.measured, data: item.points.map(function (p) { return p.y; }), borderColor: "#0b4f8a", backgroundColor: "#0b4f8a" },
      ];
      if (item.baseline !== null) datasets.push({ label: labels.baseline, data: flat(item.baseline), borderColor: "#5c5f63", borderDash: [2, 4], pointRadius: 0 });
      if (item.target !== null) datasets.push({ label: labels.target, data: flat(item.target), borderColor: "#1d6b2f", borderDash: [8, 4], pointRadius: 0 });
      canvas.chart = new Chart(canvas, { type: "line", data: { labels: dates, datasets: datasets }, options: { animation: false, locale: locale } });
      canvas.dataset.ready = "true";
    });
  }
})();
