import { defineConfig } from "@playwright/test";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// Debian's Chromium where it exists (Playwright cannot download browsers on closed networks),
// Playwright's own browser elsewhere.
const debianChromium = "/usr/bin/chromium";
const executablePath = process.env.PLAYWRIGHT_CHROMIUM_PATH ?? (existsSync(debianChromium) ? debianChromium : undefined);
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// A fresh embedded database for every run.
const dataDir = process.env.E2E_PGLITE_DATA_DIR ?? path.join(mkdtempSync(path.join(os.tmpdir(), "custodian-e2e-")), "pglite");
export const E2E_SCIM_TOKEN = "e2e-bootstrap-token-0123456789abcdef0123456789";
export const E2E_ADMIN = { email: "admin@e2e.example", password: "e2e-admin-password-1234" };

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: executablePath
        ? ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
           "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
        : [],
    },
  },
  webServer: {
    command: "node scripts/start.mjs",
    url: `${baseURL}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(port),
      PGLITE_DATA_DIR: dataDir,
      DATABASE_URL: "",
      SCIM_BOOTSTRAP_TOKEN: E2E_SCIM_TOKEN,
      ADMIN_EMAIL: E2E_ADMIN.email,
      ADMIN_PASSWORD: E2E_ADMIN.password,
      NEXT_TELEMETRY_DISABLED: "1",
      // e2e/webhooks.spec.ts delivers to a receiver it runs on the loopback interface.
      WEBHOOK_ALLOW_PRIVATE_TARGETS: "127.0.0.1",
    },
  },
});
