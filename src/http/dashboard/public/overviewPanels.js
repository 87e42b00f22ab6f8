import { backlogChart, fillRateChart } from './charts.js';
import { duration, h, int, money, orderLink, pct, table, time } from './format.js';

/** A headline figure; `data-figure` names its field in the summary and `data-value` holds it unformatted. */
function tile(label, figure, value, shown, note) {
  return h('div', { class: 'tile', 'data-figure': figure, 'data-value': JSON.stringify(value ?? null) },
    h('span', { class: 'label' }, label), h('span', { class: 'value' }, shown), note ? h('span', { class: 'note' }, note) : null);
}

const kpis = {
  id: 'kpis', title: 'Key figures', wide: true,
  render(el, { summary: s }) {
    const c = s.currency;
    el.replaceChildren(h('div', { class: 'tiles' },
      tile('Orders received', 'orders.received', s.orders.received, int(s.orders.received), `${int(s.orders.accepted)} accepted`),
      tile('Orders shipped', 'orders.shipped', s.orders.shipped, int(s.orders.shipped), `${int(s.fillRate.lines)} lines`),
      tile('Line fill rate', 'fillRate.lineFillRate', s.fillRate.lineFillRate, pct(s.fillRate.lineFillRate)),
      tile('Unit fill rate', 'fillRate.unitFillRate', s.fillRate.unitFillRate, pct(s.fillRate.unitFillRate)),
      tile('Order fill rate', 'fillRate.orderFillRate', s.fillRate.orderFillRate, pct(s.fillRate.orderFillRate)),
      tile('OTIF (lines)', 'otif.lineRate', s.otif.lineRate, pct(s.otif.lineRate), s.otif.includesEstimates ? 'some deliveries estimated' : null),
      tile('OTIF (orders)', 'otif.orderRate', s.otif.orderRate, pct(s.otif.orderRate)),
      tile('Acceptance p50', 'orders.acceptanceLatencySeconds.p50', s.orders.acceptanceLatencySeconds.p50, duration(s.orders.acceptanceLatencySeconds.p50), `p95 ${duration(s.orders.acceptanceLatencySeconds.p95)}`),
      tile('Cycle time p50', 'orders.cycleTimeSeconds.p50', s.orders.cycleTimeSeconds.p50, duration(s.orders.cycleTimeSeconds.p50), `p90 ${duration(s.orders.cycleTimeSeconds.p90)}`),
      tile('Backlog', 'backlog.openValue', s.backlog.openValue, money(s.backlog.openValue, c), `${int(s.backlog.lines)} open lines`),
      tile('Past due', 'backlog.pastDueValue', s.backlog.pastDueValue, money(s.backlog.pastDueValue, c), `${int(s.backlog.pastDueLines)} lines`),
      tile('Open exceptions', 'exceptions.count', s.exceptions.count, int(s.exceptions.count), `${money(s.exceptions.valueAtRisk, c)} at risk`),
      tile('SLA breaches', 'slaBreaches.count', s.slaBreaches.count, int(s.slaBreaches.count), `${money(s.slaBreaches.valueAtRisk, c)} at risk`),
    ));
  },
};

const backlog = {
  id: 'backlog', title: 'Backlog by stage and age (now)',
  render(el, { summary: s }) {
    let canvas = el.querySelector('canvas');
    if (!canvas) el.replaceChildren(h('div', { class: 'chart' }, (canvas = h('canvas', { 'aria-label': 'backlog by stage and age' }))));
    backlogChart(canvas, s.backlog, s.currency);
  },
};

const fillRate = {
  id: 'fill-rate', title: 'Fill rate and OTIF by day',
  render(el, { summary: s }) {
    let canvas = el.querySelector('canvas');
    if (!canvas) el.replaceChildren(h('div', { class: 'chart' }, (canvas = h('canvas', { 'aria-label': 'fill rate and OTIF by day' }))));
    fillRateChart(canvas, s.daily);
  },
};

const exceptions = {
  id: 'exceptions', title: 'Open exceptions by value at risk',
  render(el, { summary: s }) {
    el.replaceChildren(
      h('p', { class: 'by-code' }, s.exceptions.byCode.map((g) => h('span', {}, `${g.code} ${int(g.count)} · ${money(g.valueAtRisk, s.currency)}`))),
      table([['Order', (e) => orderLink(e.orderKey)], ['Code', (e) => e.code], ['Customer', (e) => e.soldTo], ['At risk', (e) => money(e.valueAtRisk, e.currency)], ['Raised', (e) => time(e.raisedAt)]],
        s.exceptions.top, 'No open exceptions'));
  },
};

const breaches = {
  id: 'sla-breaches', title: 'SLA breaches (stuck orders) by value at risk',
  render(el, { summary: s }) {
    el.replaceChildren(
      h('p', { class: 'by-code' }, s.slaBreaches.byCode.map((g) => h('span', {}, `${g.code} ${int(g.count)} · ${money(g.valueAtRisk, s.currency)}`))),
      table([['Order', (b) => orderLink(b.orderKey)], ['Rule', (b) => b.rule], ['Line', (b) => b.lineNo ?? ''], ['Stuck for', (b) => duration(b.ageSeconds)], ['At risk', (b) => money(b.valueAtRisk, b.currency)]],
        s.slaBreaches.top, 'No SLA breaches'));
  },
};

const health = {
  id: 'health', title: 'Projection lag and integrator health',
  render(el, { projections, integrators, summary }) {
    el.replaceChildren(
      h('p', {}, `Read models ${summary.freshness.eventsBehind === 0 ? 'caught up' : `${int(summary.freshness.eventsBehind)} events behind (${duration(summary.freshness.lagSeconds)})`}`),
      table([['Projection', (p) => p.name], ['Status', (p) => p.status], ['Worker', (p) => p.worker], ['Behind', (p) => `${int(p.lag.events)}${p.lag.capped ? '+' : ''} events`], ['Lag', (p) => duration(p.lag.seconds)]], projections),
      table([['Integrator', (i) => i.name], ['Status', (i) => i.status], ['Breaker', (i) => i.breaker], ['Behind', (i) => `${int(i.lag.events)}${i.lag.capped ? '+' : ''}`], ['Delivered', (i) => int(i.delivered)], ['Last error', (i) => i.lastError ?? '—']],
        integrators, 'No integrators configured'));
  },
};

const syncStates = { in_step: 'in step', behind: 'behind', failing: 'failing' };
const syncFigures = ['state', 'orders', 'inStep', 'behind', 'failing', 'valueAtRisk', 'oldestGapSince', 'lastReflectedAt'];

const sync = {
  id: 'sync', title: 'Downstream sync: does each system show what the ledger knows?', wide: true,
  render(el, { sync: s }) {
    if (!s) return el.replaceChildren(h('p', { class: 'empty' }, 'Sync state unavailable'));
    const since = (at) => (at ? `${time(at)} (${duration((Date.now() - Date.parse(at)) / 1000)} ago)` : '—');
    // Each row carries GET /v1/sync's figures of its system unformatted (data-value), as the key figures do.
    el.replaceChildren(table([
      ['System', (x) => h('span', {}, x.system, h('span', { class: 'note' }, ` ${x.kind}${x.crm ? ' · CRM' : ''}${x.stopped ? ' · stopped' : ''}${x.paused ? ' · paused' : ''}`))],
      ['State', (x) => h('span', { class: `state ${x.state}` }, syncStates[x.state])],
      ['In step', (x) => `${int(x.inStep)} of ${int(x.orders)}`], ['Behind', (x) => int(x.behind)], ['Failing', (x) => int(x.failing)],
      ['At risk', (x) => money(x.valueAtRisk, s.currency)], ['Behind since', (x) => since(x.oldestGapSince)], ['Last reflected', (x) => time(x.lastReflectedAt)],
    ], s.items, 'No downstream system delivers to or acknowledges the ledger',
    (x) => ({ 'data-sync': `${x.kind}:${x.system}`, 'data-value': JSON.stringify(Object.fromEntries(syncFigures.map((f) => [f, x[f]]))), 'data-currency': s.currency })));
  },
};

const activity = {
  id: 'activity', title: 'Live: latest events',
  render(el, { recent }) {
    el.replaceChildren(h('ol', { class: 'activity', id: 'activity' }, recent.map((e) =>
      h('li', { 'data-order': e.orderKey }, h('span', { class: 'when' }, time(e.occurredAt)), ' ', e.orderKey ? orderLink(e.orderKey) : '—', ' ', h('b', {}, e.type), ` · ${e.system ?? ''}`))));
  },
};

/**
 * The overview's panels, in page order. A panel is an id, a title and a
 * render(element, data); adding one is one entry here and, if it needs
 * more data, one fetch in overview.js.
 */
export const overviewPanels = [kpis, backlog, fillRate, exceptions, breaches, sync, health, activity];
