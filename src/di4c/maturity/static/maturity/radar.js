// Draws the radar chart of an assessment from the figures the page also shows in its table.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("radar-data").textContent);
  const canvas = document.getElementById("radar");
  if (!canvas || typeof Chart === "undefined") return;
  // Scale and tooltip numbers in the page's language (Chart.js uses English otherwise).
  const locale = document.documentElement.lang || undefined;
  const datasets = [
    { label: data.city_label, data: data.city, borderColor: "#0b4f8a", backgroundColor: "rgba(11,79,138,0.2)" },
  ];
  if (data.median.some(function (value) { return value !== null; })) {
    datasets.push({ label: data.median_label, data: data.median, borderColor: "#a4161a", backgroundColor: "rgba(164,22,26,0.05)", borderDash: [6, 4] });
  }
  canvas.chart = new Chart(canvas, {
    type: "radar",
    data: { labels: data.labels, datasets: datasets },
    options: { animation: false, locale: locale, scales: { r: { min: 0, max: 100, ticks: { stepSize: 25 } } } },
  });
  canvas.dataset.ready = "true";
})();
