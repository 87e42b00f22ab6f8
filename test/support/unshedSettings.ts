/**
 * The service sheds load with 503 OVERLOADED on two signals: appends slower
 * than the append gate's latency target (50 ms by default), and a mean
 * event-loop delay past 1 s (a stretch of synchronous work, such as building
 * or validating the API document, on a loaded 2-core machine). Either can
 * happen in a test on a busy machine, and a test about something else would
 * then see 503. Services and apps built for tests that are not about
 * shedding hold both far above anything seen here instead.
 */
export const unshedLimits = { appendLatencyTargetMs: 10_000, maxEventLoopDelayMs: 30_000 } as const;

/** The same as environment settings, for tests that start the whole service. */
export const unshedSettings = {
  LEDGER_APPEND_LATENCY_TARGET_MS: String(unshedLimits.appendLatencyTargetMs),
  LEDGER_MAX_EVENT_LOOP_DELAY_MS: String(unshedLimits.maxEventLoopDelayMs),
} as const;
