// fast-check settings shared by the property tests: a fixed seed so CI runs are reproducible
// (override with FC_SEED=<n> to explore), and run counts small enough to keep the suite fast.
// On failure fast-check prints the seed and the shrunk counterexample path to replay it.
import fc from "fast-check";

export const PROPERTY_SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 7_644;

export function propertyOptions<T>(numRuns: number): fc.Parameters<T> {
  return { seed: PROPERTY_SEED, numRuns, endOnFailure: false };
}
