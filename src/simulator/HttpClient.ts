import http from 'node:http';
import https from 'node:https';

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A minimal JSON client over keep-alive sockets (node:http only, so the
 * simulator needs no devDependency at run time). At most `connections`
 * sockets are open; more concurrent requests queue in the agent.
 */
export class HttpClient {
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(readonly baseUrl: URL, connections: number) {
    this.transport = baseUrl.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  request(method: string, path: string, headers: Record<string, string>, body?: string): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const req = this.transport.request(new URL(path, this.baseUrl), {
        method, agent: this.agent,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer within 60 s`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  async getJson<T>(path: string, key: string): Promise<{ status: number; json: T | undefined }> {
    const res = await this.request('GET', path, { authorization: `Bearer ${key}`, accept: 'application/json' });
    let json: T | undefined;
    try {
      json = JSON.parse(res.body) as T;
    } catch {
      json = undefined;
    }
    return { status: res.status, json };
  }

  /**
   * A list read to its end: the first page's answer with the `items` of
   * every page, passing each `nextCursor` back as `cursor` until it is null.
   * The status is the first that is not 200 (and the pages read so far).
   */
  async getEveryPage<T extends { items: unknown[]; nextCursor: string | null }>(path: string, key: string): Promise<{ status: number; json: T | undefined }> {
    const first = await this.getJson<T>(path, key);
    if (first.status !== 200 || !first.json) return first;
    const json = first.json;
    for (let cursor = json.nextCursor; cursor !== null;) {
      const next = await this.getJson<T>(`${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`, key);
      if (next.status !== 200 || !next.json) return { status: next.status, json };
      json.items.push(...next.json.items);
      cursor = next.json.nextCursor;
    }
    return { status: 200, json: { ...json, nextCursor: null } };
  }

  close(): void {
    this.agent.destroy();
  }
}
