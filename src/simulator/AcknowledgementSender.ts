import type { HttpClient } from './HttpClient.js';
import type { Receipt } from './driftingCrm.js';

const maxItems = 500;
/** Item answers that ask to be sent again (back-pressure, an order that kept changing), and how often. */
const retryable = new Set([409, 429, 503]);
const maxResends = 30;

/**
 * Records, as the CRM, an `IntegrationAcknowledged` for the deliveries the
 * CRM took in: queued, and sent every `everyMs` through `POST /v1/batches`
 * (one receipt per order naming every event taken in since the last round,
 * up to 500 events a request, one request at a time), as a CRM's import job would.
 */
export class AcknowledgementSender {
  private queue: Receipt[] = [];
  private sending: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  /** Receipts (one per order and round) the ledger recorded (or already had), and those it refused. */
  readonly counts = { recorded: 0, refused: 0 };
  /** Each refusal's status and code, in the order they came. */
  readonly refusals: string[] = [];

  constructor(private readonly client: HttpClient, private readonly key: string, private readonly consumer: string, everyMs = 200) {
    this.timer = setInterval(() => void this.flush(), everyMs);
  }

  add(receipt: Receipt): void {
    this.queue.push(receipt);
  }

  /** Sends what is queued now; resolves once nothing is queued or in flight. */
  async drained(): Promise<void> {
    while (this.queue.length > 0 || this.sending) await this.flush();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private flush(): Promise<void> {
    this.sending ??= this.send().finally(() => { this.sending = undefined; });
    return this.sending;
  }

  private async send(): Promise<void> {
    while (this.queue.length > 0) {
      const items = [...receiptsByOrder(this.queue.splice(0, maxItems))].map(([orderKey, receipts]) => {
        const first = receipts[0]!;
        const at = receipts.at(-1)!.at.toISOString();
        return {
          orderRef: orderKey, type: 'IntegrationAcknowledged', occurredAt: at,
          // Deterministic, so a batch sent again after a dropped connection is answered as a duplicate.
          sourceDocument: { type: 'CrmSyncReceipt', id: first.eventId, revision: first.repeat },
          data: { consumer: this.consumer, eventIds: receipts.map((r) => r.eventId), outcome: 'ACCEPTED', ackAt: at, targetRecordId: `crm-${orderKey}` },
        };
      });
      await this.record(items);
    }
  }

  /**
   * Sends `items`, and again those answered with a status that asks for it
   * (a 409 only when its code says the order kept changing): each receipt is
   * deterministic, so one the ledger did record is answered as a duplicate.
   */
  private async record(items: readonly object[]): Promise<void> {
    let pending = items;
    for (let round = 0; pending.length > 0; round++) {
      const results = await this.post(JSON.stringify({ items: pending }));
      const again: object[] = [];
      results.forEach((result, i) => {
        if (result.outcome === 'accepted' || result.outcome === 'duplicate') this.counts.recorded++;
        else if (round < maxResends && retryable.has(result.status) && (result.status !== 409 || result.code === 'CONCURRENT_UPDATE')) again.push(pending[i]!);
        else {
          this.counts.refused++;
          this.refusals.push(`${result.status} ${result.code ?? ''}`.trim());
        }
      });
      if (again.length > 0) await new Promise((resolve) => setTimeout(resolve, 500));
      pending = again;
    }
  }

  /** One batch, sent again after back-pressure or a dropped connection; the items' answers. */
  private async post(body: string): Promise<{ outcome: string; status: number; code?: string }[]> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.client.request('POST', '/v1/batches', { authorization: `Bearer ${this.key}` }, body).catch((error: Error) => error);
      const retry = res instanceof Error || res.status === 503 || res.status === 429;
      if (retry && attempt < maxResends) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (res instanceof Error) throw res;
      const answer = JSON.parse(res.body) as { results?: { outcome: string; status: number; code?: string }[]; code?: string };
      const count = (JSON.parse(body) as { items: unknown[] }).items.length;
      return answer.results ?? Array.from({ length: count }, () => ({ outcome: 'refused', status: res.status, ...(answer.code ? { code: answer.code } : {}) }));
    }
  }
}

function receiptsByOrder(receipts: readonly Receipt[]): Map<string, Receipt[]> {
  const byOrder = new Map<string, Receipt[]>();
  for (const receipt of receipts) {
    const group = byOrder.get(receipt.orderKey);
    if (group) group.push(receipt);
    else byOrder.set(receipt.orderKey, [receipt]);
  }
  return byOrder;
}
