// The Content-Security-Policy (nonce-based, proxy.ts) must not break the dashboard: pages render,
// hydrate and work, and the browser reports no CSP violation and no script error.
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures";

function watchViolations(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(text)) problems.push(text);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

test("pages carry a per-request nonce policy, render and work with it, without CSP violations", async ({ page }) => {
  const problems = watchViolations(page);
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`Refused to ${e.violatedDirective}: Content Security Policy ${e.blockedURI}`));
  });
  const landing = await page.goto("/");
  const headers = landing!.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["strict-transport-security"]).toBeUndefined();

  await signIn(page);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  for (const [path, heading] of [
    ["/dashboard/users", "Users"],
    ["/dashboard/audit", "Audit trail"],
    ["/dashboard/directories", "Directories"],
    ["/dashboard/access-review", "Access review"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
  }
  // Client-side interaction (needs hydrated scripts): open and close the new-account dialog.
  await page.goto("/dashboard/settings/accounts");
  await page.getByRole("button", { name: "New account" }).click();
  await expect(page.getByRole("dialog", { name: "New account" })).toBeVisible();
  await page.keyboard.press("Escape");
  // Client-side navigation through the menu.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Groups" }).click();
  await expect(page).toHaveURL(/\/dashboard\/groups$/);
  await page.goto("/dashboard");
  await page.screenshot({ path: "test-results/screenshots/csp-dashboard.png", fullPage: true });
  expect(problems).toEqual([]);
});

test("JSON endpoints get the strict policy; HSTS only behind HTTPS", async ({ request }) => {
  const plain = await request.get("/api/health");
  expect(plain.headers()["content-security-policy"]).toContain("default-src 'none'");
  expect(plain.headers()["strict-transport-security"]).toBeUndefined();
  const https = await request.get("/api/health", { headers: { "x-forwarded-proto": "https" } });
  expect(https.headers()["strict-transport-security"]).toMatch(/max-age=\d+/);
});
