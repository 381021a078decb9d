// The one check for text PostgreSQL cannot store — U+0000 anywhere, and unpaired UTF-16
// surrogates in jsonb (lib/scim/text.ts says which): route parameters, query parameters and every
// string (and key) of a JSON body are refused as a 400 naming the field, before any schema or
// query sees them. Otherwise the database refuses the statement and the client gets a 500.
// The JSON wrapper (./route.ts) and the SCIM router (lib/scim/router.ts) both call it.
import { AppError } from "@/lib/errors";
import { unstorableText } from "@/lib/scim/text";

/** The first unstorable string in `value` (keys included), with its dotted path; undefined when none. */
export function findUnstorable(value: unknown, path = ""): { path: string; message: string } | undefined {
  // Iterative: a body nested thousands deep must not overflow the stack.
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [v, p] = stack.pop()!;
    if (typeof v === "string") {
      const reason = unstorableText(v);
      if (reason) return { path: p, message: `${p || "The value"} ${reason}` };
    } else if (v !== null && typeof v === "object") {
      const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i];
        const childPath = p ? `${p}.${key}` : key;
        const keyReason = unstorableText(key);
        if (keyReason) return { path: childPath, message: `The name of ${JSON.stringify(childPath)} ${keyReason}` };
        stack.push([child, childPath]);
      }
    }
  }
  return undefined;
}

/** Throws invalid_input naming the field when `value` holds text the database cannot store. */
export function refuseUnstorable(value: unknown): void {
  const found = findUnstorable(value);
  if (found) throw new AppError("invalid_input", found.message, [{ path: found.path, message: found.message }]);
}
