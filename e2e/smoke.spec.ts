import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";

test("landing page explains Custodian and leads to sign-in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle(/Custodian/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Access governance for contract repositories");
  await expect(page.getByText("Who can see which contract, and why")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/landing.png", fullPage: true });
  await page.getByRole("link", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/login$/);
});

test("the dashboard requires sign-in; a wrong password is refused; the admin signs in and out", async ({ page }) => {
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("E-mail").fill(E2E_ADMIN.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("E-mail or password is incorrect.")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/login-error.png", fullPage: true });
  await page.getByLabel("Password").fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByText("admin", { exact: true })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/dashboard.png", fullPage: true });
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login/);
});

test("health reports a migrated embedded database", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ status: "ok", database: { kind: "pglite", reachable: true }, migrations: { pending: [] } });
  expect(res.headers()["x-request-id"]).toBeTruthy();
});
