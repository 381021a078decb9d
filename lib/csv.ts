// The one CSV cell writer of every export (access review, audit trail, evidence packs).

/**
 * One CSV field (RFC 4180). Objects are written as JSON. Cells a spreadsheet would run as a
 * formula (=, +, -, @, tab, CR) get a leading apostrophe: an export must not execute what a
 * directory or a rule author typed.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "object" ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
