// PostgreSQL text and jsonb cannot hold U+0000, and jsonb refuses unpaired UTF-16 surrogates
// (JSON.parse accepts both: "\u0000", "\ud800"). Such strings are refused where they enter —
// a SCIM value or a filter literal — as a client error, instead of failing in the database as a 500.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `text` cannot be stored, or undefined when it can. */
export function unstorableText(text: string): string | undefined {
  const match = UNSTORABLE.exec(text);
  if (!match) return undefined;
  return match[0] === "\u0000"
    ? "contains the NUL character (U+0000)"
    : `contains an unpaired surrogate (U+${match[0].charCodeAt(0).toString(16).toUpperCase()})`;
}
