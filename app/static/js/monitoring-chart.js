/* The monitoring page's charts, drawn with the pinned Chart.js from the figures the page carries:
   the share of compliant staff per institute and the hours counted per unit. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof window.Chart !== "function") {
    return;
  }
  var data = JSON.parse(source.textContent);

  function bar(id, figures, max) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: figures.labels,
        datasets: [{ label: figures.title, data: figures.values, backgroundColor: "#00a3dd" }]
      },
      options: {
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, max: max } }
      }
    });
  }

  bar("chart-institutes", data.institutes, 100);
  bar("chart-departments", data.departments, undefined);
})();
