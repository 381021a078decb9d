import { expect, test } from "@playwright/test";

test("landing page explains Custodian and leads to the dashboard", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle(/Custodian/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Access governance for contract repositories");
  await expect(page.getByText("Who can see which contract, and why")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/landing.png", fullPage: true });
  await page.getByRole("link", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/dashboard.png", fullPage: true });
});

test("health reports a migrated embedded database", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ status: "ok", database: { kind: "pglite", reachable: true }, migrations: { pending: [] } });
  expect(res.headers()["x-request-id"]).toBeTruthy();
});
