import { expect, test } from "@playwright/test";
import { signIn, waitForRequestLog } from "./fixtures";

// The journey of an IT admin connecting an identity provider: create a directory and a token in
// the UI, copy the token from the shown-once dialog, make a real SCIM call with it, then find the
// request in the directory's request log and the user's creation in the audit trail.

test("create a directory and a token, call SCIM with it, find the request and the audit event", async ({ page, context, request }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const suffix = Date.now().toString(36);
  const directoryName = `Entra E2E ${suffix}`;
  const userName = `e2e.journey.${suffix}@contoso.example`;

  await signIn(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Directories" }).click();
  await expect(page.getByRole("heading", { name: "Directories", level: 1 })).toBeVisible();

  // Create the directory; a server-side validation error shows next to its field first.
  await page.getByRole("button", { name: "New directory" }).click();
  const createDialog = page.getByRole("dialog", { name: "New directory" });
  await createDialog.getByRole("button", { name: "Create directory" }).click();
  await expect(createDialog.getByText(/Too small|at least 1|expected string/i)).toBeVisible();
  await expect(createDialog.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  await createDialog.getByLabel("Name").fill(directoryName);
  await createDialog.getByLabel("Identity provider").selectOption("entra");
  await createDialog.getByRole("button", { name: "Create directory" }).click();
  await expect(page.getByRole("heading", { name: directoryName, level: 1 })).toBeVisible();
  await expect(page.getByText("Directory created.")).toBeVisible();
  const directoryUrl = page.url();
  const scimBaseUrl = await page.getByTestId("scim-base-url").textContent();
  expect(scimBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
  await expect(page.getByRole("group").filter({ hasText: "Microsoft Entra ID" })).toHaveAttribute("open", "");
  await expect(page.getByRole("table", { name: "Bearer tokens" }).getByText("No tokens yet")).toBeVisible();

  // Create a token; the secret is shown once, with a copy button.
  await page.getByRole("button", { name: "New token" }).click();
  const tokenDialog = page.getByRole("dialog", { name: "New bearer token" });
  await tokenDialog.getByLabel("Name").fill("Entra production");
  await tokenDialog.getByLabel("Expires").selectOption("90");
  await tokenDialog.getByRole("button", { name: "Create token" }).click();
  const secretDialog = page.getByRole("alertdialog", { name: "Token created" });
  await expect(secretDialog.getByText("cannot be shown again")).toBeVisible();
  const shown = await secretDialog.getByLabel("Token").inputValue();
  expect(shown).toMatch(/^cst_[A-Za-z0-9_-]{43}$/);
  await secretDialog.getByRole("button", { name: "Copy token" }).click();
  await expect(secretDialog.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
  const token = await page.evaluate(() => navigator.clipboard.readText());
  expect(token).toBe(shown);
  await page.screenshot({ path: "test-results/screenshots/directory-token-created.png", fullPage: true });
  await secretDialog.getByRole("button", { name: /I have copied it/ }).click();
  await expect(secretDialog).toBeHidden();

  // Listed by prefix only: the secret is gone from the page.
  const tokens = page.getByRole("table", { name: "Bearer tokens" });
  await expect(tokens.getByText(`${token.slice(0, 10)}…`)).toBeVisible();
  await expect(tokens.getByText("active")).toBeVisible();
  expect(await page.content()).not.toContain(token);

  // A real SCIM call with the copied token, as the identity provider would make it.
  const created = await request.post("/scim/v2/Users", {
    headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json", "user-agent": "Azure AD SCIM Provisioning (e2e)" },
    data: {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      externalId: `ext-${suffix}`,
      userName,
      active: true,
      name: { givenName: "Journey", familyName: "Tester" },
      emails: [{ primary: true, type: "work", value: userName }],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Legal" },
    },
  });
  expect(created.status()).toBe(201);
  const user = await created.json();

  // The request appears in this directory's request log by itself, as it does for an admin
  // watching the page during the identity provider's "Test Connection" (the log is written in
  // batches and the first page refreshes every few seconds: no reload).
  const log = page.getByRole("table", { name: "SCIM request log" });
  await expect(log.getByRole("row").filter({ hasText: "/Users" }).filter({ hasText: "201" })).toBeVisible({ timeout: 15_000 });
  // The health tiles count it too (after a reload: they load with the page).
  await page.reload();
  const health = page.getByRole("region", { name: "Directory health" });
  await expect(health.getByText("Requests (24 h)").locator("..")).toContainText("1");
  await expect(health.getByText("Last successful request").locator("..")).toContainText(/just now|min ago/);
  const row = log.getByRole("row").filter({ hasText: "/Users" });
  await expect(row.getByText("POST")).toBeVisible();
  await expect(row.getByText("Entra production")).toBeVisible();
  // Filters: a 4xx filter hides it, POST shows it.
  const filters = page.getByRole("search", { name: "Filter the request log" });
  await filters.getByLabel("Status", { exact: true }).selectOption("4xx");
  await expect(log.getByText("No requests match these filters.")).toBeVisible();
  await filters.getByLabel("Status", { exact: true }).selectOption("2xx");
  await filters.getByLabel("Method").selectOption("POST");
  await filters.getByLabel("Path contains").fill("/Users");
  await expect(log.getByRole("row").filter({ hasText: "201" })).toHaveCount(1);
  await log.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screenshots/directory-detail.png", fullPage: true });

  // The user's creation in the audit trail, found by free text, with its detail.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit trail" }).click();
  await expect(page.getByRole("heading", { name: "Audit trail", level: 1 })).toBeVisible();
  await page.getByLabel("Search").fill(userName);
  await page.getByRole("button", { name: "Apply filters" }).click();
  const events = page.getByRole("table", { name: "Audit events" });
  const event = events.getByRole("row").filter({ hasText: "user.created" });
  await expect(event).toHaveCount(1);
  await expect(event.getByText(userName)).toBeVisible();
  await expect(event.getByText("Entra production")).toBeVisible();
  await expect(event.getByText(directoryName)).toBeVisible();
  await event.getByRole("link", { name: /Details of user.created/ }).click();
  await expect(page.getByRole("heading", { name: "user.created", level: 1 })).toBeVisible();
  const changes = page.getByRole("table", { name: "Changes recorded by this event" });
  await expect(changes.getByRole("row").filter({ hasText: "userName" }).filter({ hasText: userName })).toBeVisible();
  await expect(page.getByText(user.id).first()).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/audit-event-user-created.png", fullPage: true });

  // Revoke the token (with confirmation): the identity provider is refused from now on.
  await page.goto(directoryUrl);
  await page.getByRole("button", { name: /Revoke Entra production/ }).click();
  const confirm = page.getByRole("dialog", { name: "Revoke this token?" });
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.screenshot({ path: "test-results/screenshots/directory-token-revoke-confirm.png" });
  await confirm.getByRole("button", { name: "Revoke token" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole("table", { name: "Bearer tokens" }).getByText("revoked", { exact: true })).toBeVisible();
  const refusedAt = new Date().toISOString();
  const refused = await request.get("/scim/v2/Users", { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
  await waitForRequestLog(page.request, { directoryId: "none", status: "401", from: refusedAt });

  // The list: counts and 24-hour health (the refused request has no directory, so it is not counted here).
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Directories" }).click();
  const listed = page.getByRole("table", { name: "Directories" }).getByRole("row").filter({ hasText: directoryName });
  await expect(listed.getByRole("cell").nth(1)).toHaveText("1");
  await expect(listed.getByText("none")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/directories.png", fullPage: true });

  // Requests refused before a directory was known are in the log of all SCIM requests.
  await page.getByRole("link", { name: "All SCIM requests" }).click();
  const all = page.getByRole("search", { name: "Filter the request log" });
  await all.getByLabel("Directory").selectOption("none");
  await all.getByLabel("Exact status").fill("401");
  const allLog = page.getByRole("table", { name: "SCIM request log" });
  await expect(allLog.getByRole("row").filter({ hasText: "401" }).first()).toBeVisible();
  await expect(allLog.getByText("none (not authenticated)").first()).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/scim-requests.png", fullPage: true });
});
