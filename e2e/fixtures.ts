// Shared helpers for the Playwright specs: signing in, provisioning over SCIM with the bootstrap
// token, and the admin's own paths through the dashboard (accounts and API keys in Settings).
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_ADMIN, E2E_SCIM_TOKEN } from "../playwright.config";
import type { Role } from "../lib/auth/permissions";

export { E2E_ADMIN, E2E_SCIM_TOKEN };

export const SCIM_HEADERS = { authorization: `Bearer ${E2E_SCIM_TOKEN}`, "content-type": "application/scim+json" };
export const SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
export const SCIM_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

/** A short suffix that keeps names unique across tests sharing one database. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

/** Signs in through the login form and waits for the overview. */
export async function signIn(page: Page, email: string = E2E_ADMIN.email, password: string = E2E_ADMIN.password) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** POSTs JSON and expects a 2xx answer; returns the parsed body. */
export async function postOk<T = Record<string, unknown>>(request: APIRequestContext, url: string, data: unknown, headers?: Record<string, string>): Promise<T> {
  const res = await request.post(url, { data, headers });
  expect(res.status(), `POST ${url}: ${await res.text()}`).toBeLessThan(300);
  return (await res.json()) as T;
}

/**
 * Waits until the SCIM request log holds a request matching `filter` (the query of
 * GET /api/admin/request-log). The log is written in batches after the response, so a page that
 * shows it must not be opened before the batch has landed. `request` must be signed in as an admin.
 */
export async function waitForRequestLog(request: APIRequestContext, filter: Record<string, string>) {
  const url = `/api/admin/request-log?${new URLSearchParams(filter)}`;
  await expect.poll(async () => {
    const res = await request.get(url);
    expect(res.status(), `GET ${url}`).toBe(200);
    return ((await res.json()) as { total: number }).total;
  }, { message: `a logged request matching ${url}`, timeout: 10_000 }).toBeGreaterThan(0);
}

/** A SCIM user and a group holding them, provisioned as an identity provider would. */
export async function scimUserAndGroup(request: APIRequestContext, suffix: string) {
  const user = await postOk<{ id: string; userName: string }>(request, "/scim/v2/Users", {
    schemas: [SCIM_USER],
    userName: `ada.${suffix}@contoso.example`,
    displayName: `Ada Access ${suffix}`,
    name: { givenName: "Ada", familyName: "Access" },
    emails: [{ value: `ada.${suffix}@contoso.example`, primary: true }],
  }, SCIM_HEADERS);
  const group = await postOk<{ id: string; displayName: string }>(request, "/scim/v2/Groups", {
    schemas: [SCIM_GROUP],
    displayName: `Legal ${suffix}`,
    members: [{ value: user.id }],
  }, SCIM_HEADERS);
  return { user, group };
}

/**
 * Creates a local account through Settings → Accounts, as an admin would (the page must belong to
 * a signed-in admin). The UI posts to POST /api/admin/accounts.
 */
export async function createAccountInSettings(page: Page, account: { email: string; name?: string; role: Role; password: string }) {
  await page.goto("/dashboard/settings/accounts");
  await page.getByRole("button", { name: "New account" }).click();
  const dialog = page.getByRole("dialog", { name: "New account" });
  await dialog.getByLabel("E-mail").fill(account.email);
  if (account.name) await dialog.getByLabel("Name").fill(account.name);
  await dialog.getByLabel("Role").selectOption(account.role);
  await dialog.getByLabel("Initial password").fill(account.password);
  await dialog.getByRole("button", { name: "Create account" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(`Account ${account.email} created.`)).toBeVisible();
}

/**
 * Creates an API key through Settings → API keys (the page must belong to a signed-in admin) and
 * returns the secret from the shown-once dialog.
 */
export async function createApiKeyInSettings(page: Page, name: string, scopes: string[]): Promise<string> {
  await page.goto("/dashboard/settings/api-keys");
  await page.getByRole("button", { name: "New API key" }).click();
  const dialog = page.getByRole("dialog", { name: "New API key" });
  await dialog.getByLabel("Name").fill(name);
  const boxes = dialog.getByRole("checkbox");
  for (let i = 0; i < (await boxes.count()); i++) {
    const box = boxes.nth(i);
    const value = await box.getAttribute("value");
    await box.setChecked(value !== null && scopes.includes(value));
  }
  await dialog.getByRole("button", { name: "Create key" }).click();
  const secret = page.getByRole("alertdialog", { name: "API key created" });
  const key = await secret.getByLabel("API key").inputValue();
  expect(key).toMatch(/^cak_/);
  await secret.getByRole("button", { name: /I have copied it/ }).click();
  await expect(secret).toBeHidden();
  return key;
}
