// Password hashing with scrypt (a memory-hard KDF in Node's standard library), behind a bound on
// how many hashes run at once.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { availableParallelism } from "node:os";
import { AppError } from "@/lib/errors";

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );

const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEYLEN = 32;

/**
 * A semaphore with a short FIFO queue that refuses at once when both are full. Each scrypt takes
 * ~100 ms of CPU and 32 MiB; unbounded, a flood of sign-ins fills libuv's pool and the cores and
 * stalls every other request. Bounding per process is right here (it protects this process's
 * CPU); what must hold across instances — rate limits, lockouts — lives in the database.
 */
export class HashGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  readonly limit: number;
  readonly queue: number;

  constructor(options: { limit: number; queue: number }) {
    this.limit = options.limit;
    this.queue = options.queue;
  }

  /** Every slot and queue place taken: a new hash would be refused. */
  get saturated(): boolean {
    return this.running >= this.limit && this.waiting.length >= this.queue;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= this.queue) throw new AppError("rate_limited", "Too many sign-in attempts at once; try again shortly");
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter (FIFO), so arrival order is checking order.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Tests: occupies every slot and queue place; returns the release. */
  fillForTests(): () => void {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    for (let i = 0; i < this.limit + this.queue; i++) void this.run(() => held);
    return release;
  }
}

// Half the cores (at least one) hash; the rest keep serving. A sign-in waits at most for the
// queue ahead of it (16 × ~100 ms / limit).
export const passwordHashGate = new HashGate({ limit: Math.max(1, Math.floor(availableParallelism() / 2)), queue: 16 });

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await passwordHashGate.run(() => scrypt(password, salt, KEYLEN, PARAMS));
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !key) return false;
  const expected = Buffer.from(key, "base64");
  const actual = await passwordHashGate.run(() =>
    scrypt(password, Buffer.from(salt, "base64"), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: PARAMS.maxmem }),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A readable random password for generated first-admin accounts. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}
