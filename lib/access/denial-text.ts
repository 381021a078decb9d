// A denial in words, for the dashboard ("Not allowed: deactivated since 8 Sept 2026, 11:00").
// Pure (no database): the access review's single check renders it in the browser.
import { formatDate, formatDateTime, type FormatOptions } from "@/lib/time-format";
import type { Denial } from "./effective-access";

type Json<D> = { [P in keyof D]: D[P] extends Date ? string : D[P] extends Date | null ? string | null : D[P] };

/** A denial as the API sends it: instants as ISO strings. */
export type DenialJson = Denial extends infer D ? (D extends Denial ? Json<D> : never) : never;

/** One denial as a phrase (lower case, to follow "Not allowed: "). */
export function denialPhrase(d: DenialJson, options: FormatOptions = {}): string {
  const when = (v: string) => formatDateTime(v, options);
  switch (d.code) {
    case "user_not_yet_provisioned":
      return d.provisionedAt ? `the person was not provisioned yet (from ${when(d.provisionedAt)})` : "the person was never provisioned";
    case "user_deleted":
      return `the person was deleted on ${when(d.at)}`;
    case "user_inactive":
      return `deactivated since ${when(d.since)}`;
    case "contract_not_yet_created":
      return d.createdAt ? `the contract did not exist yet (created ${when(d.createdAt)})` : "the contract did not exist";
    case "contract_ended":
      return `the contract ended on ${formatDate(d.endedAt, options)}`;
    case "grant_expired":
      return `the grant expired on ${when(d.validUntil)} (rule “${d.ruleName}”)`;
    case "grant_not_started":
      return `the grant only starts on ${when(d.validFrom)} (rule “${d.ruleName}”)`;
    case "level_too_low":
      return `rules grant ${d.level}, ${d.requiredLevel} was asked for`;
    case "no_rule":
      return "no rule reaches this person for this contract";
    case "wall":
      return `${
        d.reason === "screened"
          ? "screened by"
          : d.reason === "not_insider"
            ? "not an insider of"
            : d.reason === "other_side"
              ? `on side “${d.personSideName ?? "another side"}” of`
              : "has not acknowledged the memo of"
      } the ethical wall “${d.wallName}”${d.sideName ? ` (side “${d.sideName}”)` : ""} since ${when(d.since)}`;
    case "excluded":
      return `excluded from this ${d.scope} ${d.source === "campaign" ? "by an access review campaign" : "by an admin"} since ${when(d.since)}${d.by ? ` (${d.by})` : ""}: ${d.reason}`;
  }
}

/** "Not allowed: a; b" — every denial, in the engine's order. */
export function denialSentence(denial: DenialJson[], options: FormatOptions = {}): string {
  return denial.length === 0 ? "Not allowed" : `Not allowed: ${denial.map((d) => denialPhrase(d, options)).join("; ")}`;
}
