import { defineConfig } from "vitest/config";
import os from "node:os";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "components/**/*.test.ts", "scripts/**/*.test.ts"],
    globalSetup: ["lib/testing/global-setup.ts"],
    setupFiles: ["lib/testing/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Files are independent (each has a database of its own: lib/testing/database.ts), so they run
    // side by side; vitest's default (CPUs − 1) would leave a 2-core CI machine a single worker.
    maxWorkers: Math.max(2, Math.min(os.availableParallelism(), 8)),
  },
});
