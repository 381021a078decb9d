// The subjects a SCIM request-log line names: every value its query string carries that can be a
// person's identifier — a filter's literals, and the whole value of any parameter that is not SCIM
// paging, sorting or attribute selection. Each is stored with the line as a key (RequestLogSubject),
// the SHA-256 of its lower-cased text (userName and e-mail addresses are case-insensitive in SCIM),
// so a GDPR erasure finds exactly the lines naming the subject by index (lib/privacy/erasure.ts)
// instead of scanning the directory's log. Keys, not user ids: the lookup an identity provider
// sends before creating a user (`userName eq "…"`) names someone who has no id yet.
import { createHash } from "node:crypto";
import type { Filter } from "./filter/ast";
import { parseFilter } from "./filter/parse-filter";

/** SCIM query parameters that never carry a person's values (RFC 7644 §3.4.2.3–4, §3.9; cursor paging). */
const VALUE_FREE_PARAMETERS = new Set(["attributes", "excludedattributes", "sortby", "sortorder", "startindex", "count", "cursor"]);

/** A value a logged path names; `partial` when it was cut off by the log's path limit. */
export type NamedValue = { text: string; partial?: boolean };

function filterLiterals(filter: Filter, out: NamedValue[]): void {
  if (filter.kind === "compare") {
    if (filter.value !== null) out.push({ text: String(filter.value) });
  } else if (filter.kind === "and" || filter.kind === "or") {
    filterLiterals(filter.left, out);
    filterLiterals(filter.right, out);
  } else if (filter.kind === "not" || filter.kind === "valuePath") filterLiterals(filter.filter, out);
}

/** The quoted strings and bare words of a filter the parser rejects (the log keeps those too). */
function looseLiterals(text: string, out: NamedValue[]): void {
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)("?)|([^\s"()[\]]+)/g)) {
    if (m[3] !== undefined) {
      out.push({ text: m[3] });
      continue;
    }
    let literal = m[1];
    try {
      literal = JSON.parse(`"${m[1]}"`) as string;
    } catch {
      // keep it as written
    }
    out.push({ text: literal, partial: m[2] === "" });
  }
}

/** The values a request path (or a bare query string, "?…") names: its filter's literals, and other parameters' values. */
export function valuesNamedByPath(path: string): NamedValue[] {
  const q = path.indexOf("?");
  if (q < 0) return [];
  const out: NamedValue[] = [];
  for (const [name, value] of new URLSearchParams(path.slice(q + 1))) {
    const key = name.toLowerCase();
    if (VALUE_FREE_PARAMETERS.has(key)) continue;
    if (key !== "filter") {
      out.push({ text: value });
      continue;
    }
    try {
      filterLiterals(parseFilter(value), out);
    } catch {
      looseLiterals(value, out);
    }
  }
  return out;
}

/** The stored key of one identifier or named value. */
export function subjectKey(value: string): string {
  return createHash("sha256").update(value.toLowerCase()).digest("base64url");
}

/** The keys of the values a request's query string (URL.search, before any redaction or cut) names, each once. */
export function subjectKeysOfQuery(search: string): string[] {
  if (search.length <= 1) return [];
  return [...new Set(valuesNamedByPath(search).map((v) => subjectKey(v.text)))];
}
