// Per-directory token bucket, per instance. It protects this process from one directory's burst
// (answering 429 with an integer Retry-After, which Entra and Okta honour); it is not a
// correctness mechanism, so it may live in memory.
interface Bucket {
  tokens: number;
  updated: number;
}

const buckets = new Map<string, Bucket>();

/** Seconds to wait when over the limit, else 0 (and a request is counted). */
export function takeRateLimitToken(key: string, perMinute: number, now = Date.now()): number {
  const ratePerMs = perMinute / 60_000;
  const burst = Math.max(1, Math.ceil(perMinute / 6)); // ten seconds' worth
  const bucket = buckets.get(key) ?? { tokens: burst, updated: now };
  bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updated) * ratePerMs);
  bucket.updated = now;
  buckets.set(key, bucket);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
}

/** Requests per minute allowed for a directory: its own limit when set, else the configured default. */
export function effectiveRateLimit(directoryLimit: number | null, configuredDefault: number): number {
  return directoryLimit !== null && directoryLimit > 0 ? directoryLimit : configuredDefault;
}

export function resetRateLimits(): void {
  buckets.clear();
}
