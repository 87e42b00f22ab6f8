import { getEveryPage, getJson } from './api.js';
import { h } from './format.js';
import { overviewPanels } from './overviewPanels.js';

async function load(filters) {
  const query = new URLSearchParams(filters);
  const [summary, projections, integrators, sync] = await Promise.all([
    getJson(`/v1/reports/summary?${query}`),
    getEveryPage('/v1/projections?limit=1000'),
    getEveryPage('/v1/integrators?limit=1000').catch(() => ({ items: [] })),
    getEveryPage('/v1/sync?limit=1000').catch(() => null),
  ]);
  return { summary, projections: projections.items, integrators: integrators.items, sync };
}

function describe(s) {
  const f = Object.entries(s.filters).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`);
  return `${s.period.from} – ${s.period.to}${f.length ? ` · ${f.join(', ')}` : ''} · money in ${s.currency}`;
}

/**
 * The overview: every panel from one summary, refreshed when the live
 * stream says the read models moved (at most once a second, never two
 * loads at once).
 */
export async function renderOverview(view, filters, recent) {
  const data = { ...(await load(filters)), recent };
  const heading = h('p', { class: 'period', id: 'period' }, describe(data.summary));
  const sections = overviewPanels.map((panel) => {
    const body = h('div', { class: 'panel-body' });
    return { panel, body, el: h('section', { class: `panel${panel.wide ? ' wide' : ''}`, id: `panel-${panel.id}` }, h('h2', {}, panel.title), body) };
  });
  view.replaceChildren(h('h1', {}, 'Operations overview'), heading, h('div', { class: 'panels' }, sections.map((s) => s.el)));
  const paint = () => {
    heading.textContent = describe(data.summary);
    for (const s of sections) s.panel.render(s.body, data);
    view.dataset.generatedAt = data.summary.generatedAt;
  };
  paint();

  let loading = null;
  let again = false;
  const refresh = async () => {
    if (loading) { again = true; return; }
    loading = (async () => {
      try {
        Object.assign(data, await load(filters));
        paint();
      } finally {
        loading = null;
      }
      if (again) { again = false; setTimeout(() => void refresh(), 1000); }
    })();
  };
  return {
    onRecent: paint,
    onChange: () => void refresh(),
  };
}
