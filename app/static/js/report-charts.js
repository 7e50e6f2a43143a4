/* A report page's charts, drawn with the pinned Chart.js from the figures the page carries
   (trained and due per unit, hours over time, money by funding source, effectiveness marks). */
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || typeof window.Chart !== "function") {
    return;
  }
  var colours = ["#00a3dd", "#f6a800", "#d64541", "#58a65c"];
  JSON.parse(source.textContent).forEach(function (chart) {
    var canvas = document.getElementById("chart-" + chart.key);
    if (!canvas) {
      return;
    }
    new window.Chart(canvas, {
      type: chart.kind,
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (set, n) {
          return {
            label: set.label,
            data: set.data,
            backgroundColor: colours[n % colours.length],
            borderColor: colours[n % colours.length]
          };
        })
      },
      options: {
        animation: false,
        plugins: { legend: { display: chart.datasets.length > 1 } },
        scales: { y: { beginAtZero: true } }
      }
    });
  });
})();
