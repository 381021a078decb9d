// Counts the statements node-postgres sends from this process: benchmarks report round trips per
// request beside their timings (the count holds where a loaded machine's milliseconds do not).
import pg from "pg";

/** Starts recording every statement text; returns the (live) list. Call once per process. */
export function recordPgStatements(): string[] {
  const statements: string[] = [];
  const originalQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    statements.push(typeof first === "string" ? first : (first?.text ?? "?"));
    return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
  return statements;
}
