// The report API as the page uses it: every call carries the signed-in key.
const storageKey = 'order-ledger.apiKey';

export const session = {
  get key() { return sessionStorage.getItem(storageKey); },
  set key(value) {
    if (value) sessionStorage.setItem(storageKey, value);
    else sessionStorage.removeItem(storageKey);
  },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail ?? body?.title ?? `HTTP ${status}`);
    this.status = status;
  }
}

export async function getJson(path, key = session.key) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${key}`, accept: 'application/json' } });
  const body = response.headers.get('content-type')?.includes('json') ? await response.json() : null;
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/**
 * A list read to its end: the first page's answer with `field` (`items`,
 * or the timeline's `events`) of every page, following `nextCursor`.
 */
export async function getEveryPage(path, field = 'items') {
  const first = await getJson(path);
  for (let page = first; page.nextCursor;) {
    page = await getJson(`${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(page.nextCursor)}`);
    first[field].push(...page[field]);
  }
  return { ...first, nextCursor: null };
}

/**
 * Follows a server-sent event stream with the key in the Authorization
 * header (EventSource cannot send one), reconnecting after a drop.
 */
export function followEvents(path, onEvent, onState) {
  let stopped = false;
  const controller = new AbortController();
  const run = async () => {
    while (!stopped) {
      try {
        const response = await fetch(path, { headers: { authorization: `Bearer ${session.key}`, accept: 'text/event-stream' }, signal: controller.signal });
        if (!response.ok) throw new ApiError(response.status, null);
        onState(true);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(message)?.[1] ?? 'message';
            const data = message.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
            if (data) onEvent(event, JSON.parse(data));
          }
        }
      } catch (error) {
        if (stopped) return;
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return onState(false);
      }
      onState(false);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  };
  void run();
  return () => { stopped = true; controller.abort(); };
}
