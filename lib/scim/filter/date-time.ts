// SCIM dateTime values are xsd:dateTime (RFC 7643 §2.3.5), e.g. "2011-05-13T04:42:34Z".
// Both the in-memory evaluator and the SQL compiler must agree on what counts as one: the
// compiler casts it with `::timestamptz`, and an invalid value there would be a 500, not a 400.

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Milliseconds since the epoch for an xsd:dateTime string, or undefined when it is not one.
 * A value without an offset is read as UTC (PostgreSQL reads it in the session time zone,
 * which this project runs as UTC).
 */
export function parseIsoDateTime(text: string): number | undefined {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const fraction = m[7] === undefined ? 0 : Number(m[7]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  if (hour > 23 || minute > 59 || second > 59) return undefined;

  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const offHours = Number(digits.slice(0, 2));
    const offMinutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (offHours > 15 || offMinutes > 59) return undefined;
    offsetMinutes = sign * (offHours * 60 + offMinutes);
  }
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year);
  return date.getTime() + fraction * 1000 - offsetMinutes * 60_000;
}

export function isIsoDateTime(text: string): boolean {
  return parseIsoDateTime(text) !== undefined;
}
