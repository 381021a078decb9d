// Access levels and confidentiality grades. The database stores both as ordinals (so "highest level
// wins" is max() and "confidentiality ceiling" is <= in SQL); everything outside the database —
// API, UI, audit payloads — speaks the names. This file is the one mapping between the two.
import { AppError } from "@/lib/errors";

/** Ordered from least to most powerful: rank = index + 1 (1 view … 5 manage). */
export const LEVELS = ["view", "comment", "edit", "sign", "manage"] as const;
export type Level = (typeof LEVELS)[number];

/** Ordered from least to most sensitive: rank = index (0 public … 3 strictly confidential). */
export const CONFIDENTIALITIES = ["public", "internal", "confidential", "strictly_confidential"] as const;
export type Confidentiality = (typeof CONFIDENTIALITIES)[number];

export function isLevel(value: unknown): value is Level {
  return typeof value === "string" && (LEVELS as readonly string[]).includes(value);
}

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level) + 1;
}

/** The level of a stored rank; null for 0 / null (no access). */
export function levelFromRank(rank: number | null | undefined): Level | null {
  if (rank === null || rank === undefined || rank === 0) return null;
  const level = LEVELS[rank - 1];
  if (!level) throw new RangeError(`Unknown access level rank ${rank}`);
  return level;
}

/** Accepts a level name in any case ("Edit", " view "), or its rank as a string ("3"). */
export function parseLevel(input: string): Level {
  const value = input.trim().toLowerCase();
  if (isLevel(value)) return value;
  if (/^[1-5]$/.test(value)) return LEVELS[Number(value) - 1];
  throw new AppError("invalid_input", `Unknown access level "${input}" (expected one of: ${LEVELS.join(", ")})`);
}

export function isConfidentiality(value: unknown): value is Confidentiality {
  return typeof value === "string" && (CONFIDENTIALITIES as readonly string[]).includes(value);
}

export function confidentialityRank(value: Confidentiality): number {
  return CONFIDENTIALITIES.indexOf(value);
}

export function confidentialityFromRank(rank: number): Confidentiality {
  const value = CONFIDENTIALITIES[rank];
  if (value === undefined) throw new RangeError(`Unknown confidentiality rank ${rank}`);
  return value;
}

/**
 * Accepts the canonical names, the spellings contract systems and CSV files use ("Strictly
 * confidential", "strictly-confidential"), and ranks as strings ("0" … "3").
 */
export function parseConfidentiality(input: string): Confidentiality {
  const value = input.trim().toLowerCase().replace(/[\s-]+/g, "_");
  if (isConfidentiality(value)) return value;
  if (/^[0-3]$/.test(value)) return CONFIDENTIALITIES[Number(value)];
  throw new AppError(
    "invalid_input",
    `Unknown confidentiality "${input}" (expected one of: ${CONFIDENTIALITIES.join(", ")})`,
  );
}
