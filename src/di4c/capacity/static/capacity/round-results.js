// The chart of a round's results: mean level and mean target per competence, all departments.
// The same figures are in the table under it (its text equivalent).
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  const source = document.getElementById("capacity-chart");
  const canvas = document.getElementById("capacity-chart-canvas");
  if (!source || !canvas) return;
  const data = JSON.parse(source.textContent);
  canvas.chart = new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.level_label, data: data.level, backgroundColor: "#0b4f8a" },
        { label: data.target_label, data: data.target, backgroundColor: "#b35c00" },
      ],
    },
    options: {
      animation: false,
      locale: document.documentElement.lang || undefined,
      plugins: {
        tooltip: {
          callbacks: {
            title: function (items) {
              return items.length ? data.titles[items[0].dataIndex] : "";
            },
          },
        },
      },
      scales: { y: { beginAtZero: true, max: 8, ticks: { precision: 0 } } },
    },
  });
  canvas.dataset.ready = "true";
})();
