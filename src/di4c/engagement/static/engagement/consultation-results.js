// Bar charts of a consultation's results: one per choice, ranking and scale question. The
// same figures are in the table above each chart (its text equivalent).
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  const source = document.getElementById("consultation-charts");
  if (!source) return;
  const locale = document.documentElement.lang || undefined;
  JSON.parse(source.textContent).forEach(function (item) {
    const canvas = document.getElementById("chart-" + item.id);
    if (!canvas) return;
    canvas.chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: item.labels,
        datasets: [{ label: item.label, data: item.values, backgroundColor: "#0b4f8a" }],
      },
      options: {
        animation: false,
        locale: locale,
        indexAxis: item.labels.length > 6 ? "y" : "x",
        plugins: { legend: { display: false } },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0 } },
          y: { beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
    canvas.dataset.ready = "true";
  });
})();
