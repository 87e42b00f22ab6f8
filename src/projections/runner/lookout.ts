import type { Position, RecordedEvent } from '../../eventstore/EventStore.js';

/**
 * How far a worker has looked into the log: the last event it took from
 * its subscription, and the end of the last page read (events its filter
 * skipped included). Once every event taken is applied, the checkpoint may
 * move up to `scanned`: nothing before it is left to apply.
 */
export class Lookout {
  taken: Position;
  scanned: Position;

  constructor(start: Position) {
    this.taken = start;
    this.scanned = start;
  }

  /** Where the checkpoint may move once everything up to `applied` is applied; undefined when not past it. */
  skippable(applied: Position): Position | undefined {
    return this.taken <= applied && this.scanned > applied ? this.scanned : undefined;
  }

  async *taking(events: AsyncIterable<RecordedEvent>): AsyncGenerator<RecordedEvent> {
    for await (const event of events) {
      this.taken = event.position;
      yield event;
    }
  }
}

/** Runs tasks one after another on a shared connection. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  async idle(): Promise<void> {
    await this.tail;
  }
}

/** Calls `task` at once when poked, then at most once per `ms` however often it is poked. */
export class Throttle {
  private last = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number, private readonly task: () => void) {}

  poke(): void {
    if (this.timer) return;
    const wait = this.last + this.ms - Date.now();
    if (wait <= 0) return this.fire();
    this.timer = setTimeout(() => this.fire(), wait);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    this.last = Date.now();
    this.task();
  }
}
