/** RFC 4180 CSV: fields quoted when they hold a comma, quote, or line break. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const line = (fields: readonly unknown[]) => fields.map(csvField).join(',');
  return [line(header), ...rows.map(line)].join('\r\n') + '\r\n';
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  // A leading = + - @ makes spreadsheets evaluate the cell; auditors open these files in one.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
