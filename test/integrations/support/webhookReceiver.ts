import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly eventId: string;
  readonly position: string;
}

/** A status to answer, one to answer late, or 'hang' (never answer) or 'drop' (close the socket without an answer). */
export type Answer = number | { readonly status: number; readonly afterMs: number } | 'hang' | 'drop';

/** A real HTTP receiver on 127.0.0.1 that records every request and answers as told. */
export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Event ids answered 2xx, in order. */
  readonly accepted: string[];
  answer: (request: ReceivedRequest) => Answer;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = '/hooks', port = 0): Promise<WebhookReceiver> {
  const hanging = new Set<ServerResponse>();
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    accepted: [],
    answer: () => 204,
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        eventId: String(req.headers['webhook-id']),
        position: String(req.headers['ledger-position']),
      };
      receiver.received.push(request);
      const answer = receiver.answer(request);
      if (typeof answer === 'object') {
        hanging.add(res);
        setTimeout(() => {
          hanging.delete(res);
          if (!res.destroyed) res.writeHead(answer.status).end();
        }, answer.afterMs);
        return;
      }
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      if (answer === 'drop') {
        req.socket.destroy();
        return;
      }
      if (answer >= 200 && answer < 300) receiver.accepted.push(request.eventId);
      res.statusCode = answer;
      res.end(answer >= 400 ? 'refused by test' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const bound = (server.address() as AddressInfo).port;
  return Object.assign(receiver, { url: `http://127.0.0.1:${bound}${path}` });
}

/** Polls `check` until it holds or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
