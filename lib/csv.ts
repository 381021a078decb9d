// The one CSV cell writer of every export (access review, audit trail, evidence packs).

const FORMULA_START = /^(?:[\t\r]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

/**
 * One CSV field (RFC 4180). Objects are written as JSON. Cells a spreadsheet would run as a
 * formula get a leading apostrophe (OWASP CSV injection): a leading tab or CR, or `= + - @` — also
 * behind leading whitespace or line breaks (spreadsheets trim them) and in their full-width forms
 * `＝ ＋ － ＠` (East Asian input methods convert them). An export must not execute what a
 * directory or a rule author typed.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "object" ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
