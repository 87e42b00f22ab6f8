import { ApiError, followEvents, getJson, session } from './api.js';
import { renderOrder } from './orderPage.js';
import { renderOverview } from './overview.js';

// The filters live in the URL, so a view can be bookmarked, shared and reloaded.
const filterNames = ['soldTo', 'warehouse', 'channel', 'from', 'to'];
const $ = (id) => document.getElementById(id);
let current = null;
let stopLive = null;
// Navigations so far: a view is shown only if no later navigation began while it loaded.
let navigations = 0;
// The latest events the live stream reported, newest first; shared by every view.
const recent = [];
const remember = (events) => {
  recent.unshift(...events.slice().reverse());
  recent.length = Math.min(recent.length, 15);
};

function filtersFromUrl() {
  const params = new URLSearchParams(location.search);
  return Object.fromEntries(filterNames.filter((n) => params.get(n)).map((n) => [n, params.get(n)]));
}

function showSignIn(message = '') {
  // A view still loading for the key just dropped is never shown.
  navigations++;
  session.key = null;
  stopLive?.();
  stopLive = null;
  $('sign-in').hidden = false;
  $('view').replaceChildren();
  for (const id of ['filters', 'lookup', 'sign-out']) $(id).hidden = true;
  $('sign-in-error').textContent = message;
}

async function route() {
  const navigation = ++navigations;
  if (!session.key) return showSignIn();
  $('sign-in').hidden = true;
  for (const id of ['lookup', 'sign-out']) $(id).hidden = false;
  const order = /^\/dashboard\/orders\/([^/]+)$/.exec(location.pathname);
  $('filters').hidden = Boolean(order);
  const filters = filtersFromUrl();
  for (const name of filterNames) $('filters').elements[name].value = filters[name] ?? '';
  // Each navigation renders into a view of its own, put on the page only while it is the latest:
  // a slow overview must not replace the order page a click opened meanwhile.
  const view = document.createElement('div');
  try {
    const shown = order ? await renderOrder(view, decodeURIComponent(order[1])) : await renderOverview(view, filters, recent);
    if (navigation !== navigations) return;
    current = shown;
    $('view').replaceChildren(view);
    document.body.dataset.ready = 'true';
  } catch (error) {
    if (navigation !== navigations) return;
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return showSignIn(`The key was refused: ${error.message}`);
    current = null;
    $('view').replaceChildren(Object.assign(document.createElement('p'), { className: 'error', textContent: error.message }));
  }
  if (!stopLive) startLive();
}

function startLive() {
  stopLive = followEvents('/v1/dashboard/live', (event, data) => {
    remember(data.events ?? []);
    if (event === 'hello') current?.onRecent?.();
    if (event === 'changed') current?.onChange?.(data);
  }, (connected) => { $('live').classList.toggle('on', connected); $('live').title = connected ? 'live: updates as orders flow' : 'reconnecting…'; });
}

function navigate(url) {
  history.pushState(null, '', url);
  void route();
}

document.addEventListener('click', (event) => {
  const link = event.target.closest?.('a[data-link]');
  if (!link || event.metaKey || event.ctrlKey) return;
  event.preventDefault();
  navigate(link.getAttribute('href'));
});
window.addEventListener('popstate', () => void route());

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = event.target.elements.key.value.trim();
  try {
    await getJson('/v1/projections?limit=1', key);
    session.key = key;
    event.target.reset();
    void route();
  } catch (error) {
    $('sign-in-error').textContent = error instanceof ApiError && error.status === 401 ? 'That key is not known.' : `Sign-in failed: ${error.message}`;
  }
});
$('sign-out').addEventListener('click', () => showSignIn());
$('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  const params = new URLSearchParams();
  for (const name of filterNames) { const v = event.target.elements[name].value.trim(); if (v) params.set(name, v); }
  navigate(`/dashboard${params.size ? `?${params}` : ''}`);
});
$('clear-filters').addEventListener('click', () => navigate('/dashboard'));
$('lookup').addEventListener('submit', async (event) => {
  event.preventDefault();
  const ref = event.target.elements.ref.value.trim();
  if (!ref) return;
  try {
    const order = await getJson(`/v1/orders/${encodeURIComponent(ref)}`);
    navigate(`/dashboard/orders/${encodeURIComponent(order.orderKey)}`);
  } catch (error) {
    alert(`No order ${ref}: ${error.message}`);
  }
});

void route();
