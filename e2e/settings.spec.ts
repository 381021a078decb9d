import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

test("an admin invites a compliance officer, whose writes fail on the server; disabling ends the session", async ({ page, browser }) => {
  const email = `compliance.${Date.now().toString(36)}@example.com`;
  const password = "compliance-password-123";
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/dashboard\/settings\/accounts$/);
  await expect(page.getByRole("table", { name: "Local accounts" }).getByText(E2E_ADMIN.email, { exact: true })).toBeVisible();

  // Field-level errors from the server's validation.
  await page.getByRole("button", { name: "New account" }).click();
  const dialog = page.getByRole("dialog", { name: "New account" });
  await dialog.getByLabel("E-mail").fill("not-an-email");
  await dialog.getByLabel("Initial password").fill("short");
  await dialog.getByRole("button", { name: "Create account" }).click();
  await expect(dialog.getByText("at least 12 characters", { exact: true })).toBeVisible();
  await expect(dialog.getByLabel("E-mail")).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: "test-results/screenshots/settings-account-errors.png", fullPage: true });
  await dialog.getByLabel("E-mail").fill(email);
  await dialog.getByLabel("Name").fill("Carla Compliance");
  await dialog.getByLabel("Role").selectOption("compliance");
  await dialog.getByLabel("Initial password").fill(password);
  await dialog.getByRole("button", { name: "Create account" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(`Account ${email} created.`)).toBeVisible();
  const row = page.getByRole("table", { name: "Local accounts" }).getByRole("row").filter({ hasText: email });
  await expect(row.getByText("compliance", { exact: true })).toBeVisible();
  // No way to disable oneself from the UI (and the server refuses it too).
  await expect(page.getByRole("button", { name: `Disable ${E2E_ADMIN.email}` })).toHaveCount(0);
  const self = await page.request.get("/api/auth/session");
  expect(self.ok()).toBe(true);
  await page.screenshot({ path: "test-results/screenshots/settings-accounts.png", fullPage: true });

  // The compliance officer reads directories but cannot change them — refused by the server.
  const other = await browser.newContext();
  const officer = await other.newPage();
  await signIn(officer, email, password);
  const nav = officer.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Settings" })).toHaveCount(0);
  await officer.goto("/dashboard/settings/accounts");
  await expect(officer.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await officer.goto("/dashboard/directories");
  await expect(officer.getByRole("button", { name: "New directory" })).toHaveCount(0);
  const create = await officer.request.post("/api/admin/directories", { data: { name: "Sneaky", kind: "okta" } });
  expect(create.status()).toBe(403);
  expect((await create.json()).error.code).toBe("forbidden");
  expect((await officer.request.get("/api/admin/accounts")).status()).toBe(403);
  expect((await officer.request.post("/api/admin/api-keys", { data: { name: "k", scopes: ["admin"] } })).status()).toBe(403);
  expect((await officer.request.get("/api/admin/audit")).status()).toBe(200);

  // Disabling (with confirmation) ends the officer's session at the next request.
  await row.getByRole("button", { name: `Disable ${email}` }).click();
  const confirm = page.getByRole("dialog", { name: `Disable ${email}?` });
  await confirm.getByRole("button", { name: "Disable account" }).click();
  await expect(confirm).toBeHidden();
  await expect(row.getByText("disabled", { exact: true })).toBeVisible();
  expect((await officer.request.get("/api/admin/audit")).status()).toBe(401);
  await officer.goto("/dashboard");
  await expect(officer).toHaveURL(/\/login/);
  await other.close();
});

test("API keys: create with scopes (shown once), then revoke with confirmation", async ({ page, request }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto("/dashboard/settings/api-keys");
  await page.getByRole("button", { name: "New API key" }).click();
  const dialog = page.getByRole("dialog", { name: "New API key" });
  await dialog.getByLabel("access:read").uncheck();
  await dialog.getByRole("button", { name: "Create key" }).click();
  await expect(dialog.getByText("at least one scope")).toBeVisible();
  await dialog.getByLabel("Name").fill("Contract system (e2e)");
  await dialog.getByLabel("access:read").check();
  await dialog.getByLabel("contracts:write").check();
  await dialog.getByRole("button", { name: "Create key" }).click();
  const secret = page.getByRole("alertdialog", { name: "API key created" });
  const key = await secret.getByLabel("API key").inputValue();
  expect(key).toMatch(/^cak_/);
  await page.screenshot({ path: "test-results/screenshots/settings-api-key-created.png", fullPage: true });
  await secret.getByRole("button", { name: /I have copied it/ }).click();
  const row = page.getByRole("table", { name: "API keys" }).getByRole("row").filter({ hasText: "Contract system (e2e)" });
  await expect(row.getByText("contracts:write")).toBeVisible();
  expect(await page.content()).not.toContain(key);
  // The key works for /api/v1 until it is revoked.
  expect((await request.get("/api/v1/repositories", { headers: { authorization: `Bearer ${key}` } })).status()).not.toBe(401);

  await row.getByRole("button", { name: /Revoke Contract system/ }).click();
  await page.getByRole("dialog", { name: "Revoke this API key?" }).getByRole("button", { name: "Revoke key" }).click();
  await expect(row.getByText("revoked", { exact: true })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/settings-api-keys.png", fullPage: true });
  expect((await request.get("/api/v1/repositories", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(401);
});
