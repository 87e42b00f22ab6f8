import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The folder each test file's responses are recorded in (set by the global setup). */
export const responsesDirVariable = 'LEDGER_TEST_RESPONSES_DIR';

/** What one test file saw: `METHOD /route/:param status` of each response its apps sent (or, from the document's test, those it names). */
export interface ResponseRecord {
  readonly testFile: string;
  readonly seen?: readonly string[];
  readonly documented?: readonly string[];
}

/** Called by the test of the service's OpenAPI document: the responses it names are the ones to be seen. */
export function recordDocumentedResponses(testFile: string, document: unknown): void {
  const dir = process.env[responsesDirVariable];
  if (!dir) return;
  const record: ResponseRecord = { testFile, documented: documentedResponses(document) };
  writeFileSync(path.join(dir, `documented-${process.pid}-${Date.now()}.json`), JSON.stringify(record));
}

/** Every (method, route, status) an OpenAPI document names, in fastify's route notation. */
export function documentedResponses(document: unknown): string[] {
  const paths = (document as { paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>> }).paths ?? {};
  return Object.entries(paths).flatMap(([route, operations]) =>
    Object.entries(operations).flatMap(([method, operation]) =>
      Object.keys(operation.responses ?? {}).map((status) => `${method.toUpperCase()} ${route.replaceAll(/\{([^}]+)\}/g, ':$1')} ${status}`)));
}

export interface ResponseCoverage {
  /** Every test file that ran. */
  readonly ran: ReadonlySet<string>;
  readonly documented: ReadonlySet<string>;
  /** Documented responses no test saw a route answer. */
  readonly unseen: readonly string[];
}

/** Reads what every test file recorded. */
export function responseCoverage(dir: string): ResponseCoverage {
  const ran = new Set<string>();
  const seen = new Set<string>();
  const documented = new Set<string>();
  for (const file of readdirSync(dir)) {
    const record = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as ResponseRecord;
    ran.add(record.testFile);
    for (const pair of record.seen ?? []) seen.add(pair);
    for (const pair of record.documented ?? []) documented.add(pair);
  }
  return { ran, documented, unseen: [...documented].filter((pair) => !seen.has(pair)).sort() };
}

/** Every test file of the suite, as vitest's `include` names them. */
export function suiteTestFiles(root = 'test'): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => path.join(root, file));
}
