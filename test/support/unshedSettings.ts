/**
 * The append gate sheds submissions (503 OVERLOADED) once appends take longer
 * than its latency target, 50 ms by default. On a loaded 2-core machine an
 * append in a test can take that long, and a test about something else would
 * then see 503. Services and apps built for tests that are not about shedding
 * hold a target far above any append here instead.
 */
export const unshedLatencyTargetMs = 10_000;

/** The same as environment settings, for tests that start the whole service. */
export const unshedSettings = { LEDGER_APPEND_LATENCY_TARGET_MS: String(unshedLatencyTargetMs) } as const;
