// Charts through Chart.js (served from node_modules by the service). One chart per canvas, updated in place as figures move.
const charts = new WeakMap();
const stageColours = { ON_HOLD: '#c0392b', OPEN: '#7f8c8d', BACKORDERED: '#e67e22', ALLOCATED: '#2980b9', RELEASED: '#27ae60' };
const ageColours = ['#d6eaf8', '#85c1e9', '#3498db', '#21618c', '#1b2631'];

function draw(canvas, config) {
  const existing = charts.get(canvas);
  if (existing) {
    existing.data = config.data;
    existing.update('none');
    return existing;
  }
  // Chart.js arrives as a classic deferred script; modules run after it.
  const chart = new window.Chart(canvas, { ...config, options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options } });
  charts.set(canvas, chart);
  return chart;
}

/** Open value by stage, stacked by age bucket. */
export function backlogChart(canvas, backlog, currency) {
  const stages = backlog.byStage.map((s) => s.stage);
  const buckets = backlog.byAge.map((a) => a.ageBucket);
  const value = (stage, bucket) => backlog.cells.find((c) => c.stage === stage && c.ageBucket === bucket)?.openValue ?? 0;
  return draw(canvas, {
    type: 'bar',
    data: { labels: stages, datasets: buckets.map((bucket, i) => ({ label: `${bucket} days`, data: stages.map((s) => value(s, bucket)), backgroundColor: ageColours[i] })) },
    options: {
      scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: `open value (${currency})` } } },
      plugins: { legend: { position: 'bottom' }, title: { display: false } },
    },
  });
}

/** Fill rate and OTIF per day of first shipment, in percent. */
export function fillRateChart(canvas, daily) {
  const series = (label, key, colour, dash) => ({
    label, data: daily.map((d) => (d[key] === null ? null : Math.round(d[key] * 1000) / 10)), borderColor: colour, backgroundColor: colour,
    borderDash: dash, spanGaps: true, tension: 0.2, pointRadius: 2,
  });
  return draw(canvas, {
    type: 'line',
    data: {
      labels: daily.map((d) => d.day),
      datasets: [
        series('line fill rate', 'lineFillRate', '#2980b9', []), series('unit fill rate', 'unitFillRate', '#8e44ad', [4, 3]),
        series('order fill rate', 'orderFillRate', '#16a085', []), series('OTIF (lines)', 'lineOtifRate', '#e67e22', []),
      ],
    },
    options: { scales: { y: { min: 0, max: 100, title: { display: true, text: '%' } } }, plugins: { legend: { position: 'bottom' } } },
  });
}

export { stageColours };
