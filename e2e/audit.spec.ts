import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN, E2E_SCIM_TOKEN } from "../playwright.config";

// An auditor's view of the trail: filter by action, actor type, free text and time, page with
// "Load more", share the filtered view by URL, export what is shown.

async function signIn(page: Page) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(E2E_ADMIN.email);
  await page.getByLabel("Password").fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

test("filter the audit trail, load more, and export the filtered set", async ({ page, request }) => {
  const tag = `audit${Date.now().toString(36)}`;
  const auth = { authorization: `Bearer ${E2E_SCIM_TOKEN}`, "content-type": "application/scim+json" };
  // 55 users provisioned over SCIM (more than one page of 50), one of them deactivated.
  const ids: string[] = [];
  for (let i = 0; i < 55; i++) {
    const res = await request.post("/scim/v2/Users", {
      headers: auth,
      data: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: `${tag}.${String(i).padStart(2, "0")}@fabrikam.example`, active: true },
    });
    expect(res.status()).toBe(201);
    ids.push((await res.json()).id);
  }
  const patched = await request.patch(`/scim/v2/Users/${ids[0]}`, {
    headers: auth,
    data: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", path: "active", value: false }] },
  });
  expect(patched.status()).toBe(200);

  await signIn(page);
  await page.goto("/dashboard/audit");
  const events = page.getByRole("table", { name: "Audit events" });
  await expect(events.getByRole("row").nth(1)).toBeVisible();

  // Free text + action prefix.
  await page.getByLabel("Search").fill(tag);
  await page.getByLabel("Action").fill("user.*");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`q=${tag}`));
  await expect(events.getByRole("row")).toHaveCount(51); // header + 50
  await expect(page.getByText("Showing 50 events")).toBeVisible();
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(page.getByText("Showing 56 events")).toBeVisible();
  await expect(page.getByRole("button", { name: "Load more" })).toBeHidden();

  // Exact action: only the deactivation, and its before/after.
  await page.getByLabel("Action").fill("user.created");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByText("Showing 50 events")).toBeVisible();
  await expect(events.getByRole("cell", { name: "user.deactivated" })).toHaveCount(0);
  await page.getByLabel("Action").fill("user.deactivated");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(events.getByRole("row")).toHaveCount(2);
  await expect(events.getByText(`${tag}.00@fabrikam.example`)).toBeVisible();

  // The filtered view survives a reload (it lives in the URL).
  await expect(page).toHaveURL(/action=user\.deactivated/);
  await page.reload();
  await expect(page.getByLabel("Action")).toHaveValue("user.deactivated");
  await expect(events.getByRole("row")).toHaveCount(2);

  // Actor type: nothing by an admin matches.
  await page.getByLabel("Actor type").selectOption("admin");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(events.getByText("No events match these filters.")).toBeVisible();
  await page.getByLabel("Actor type").selectOption("directory");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(events.getByRole("row")).toHaveCount(2);
  await page.screenshot({ path: "test-results/screenshots/audit-filtered.png", fullPage: true });

  // A time range in the future is empty; an invalid range is explained at its field.
  await page.getByLabel("From", { exact: true }).fill("2099-01-02T00:00:00");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(events.getByText("No events match these filters.")).toBeVisible();
  await page.getByLabel("To", { exact: true }).fill("2099-01-01T00:00:00");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByText("must be after the start")).toBeVisible();
  await expect(page.getByLabel("To", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: "test-results/screenshots/audit-filter-error.png", fullPage: true });

  // Export what the filters select (all creations of this run) as CSV.
  await page.getByRole("button", { name: "Reset" }).click();
  await page.getByLabel("Search").fill(tag);
  await page.getByLabel("Action").fill("user.created");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByText("Showing 50 events")).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^custodian-audit-.*\.csv$/);
  const csv = readFileSync(await download.path(), "utf8").trim().split("\r\n");
  expect(csv[0]).toMatch(/^seq,createdAt,actorType/);
  expect(csv).toHaveLength(56);
  expect(csv.slice(1).every((line) => line.includes(",user.created,"))).toBe(true);

  // Reset clears filters and the URL.
  await page.getByRole("button", { name: "Reset" }).click();
  await expect(page).toHaveURL(/\/dashboard\/audit$/);
  await expect(page.getByLabel("Search")).toHaveValue("");
  await page.screenshot({ path: "test-results/screenshots/audit-trail.png", fullPage: true });
});
