import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN, E2E_SCIM_TOKEN } from "../playwright.config";

// Repositories and contracts in the UI: create with field-level errors from the server, the CSV
// import that imports nothing while any row is invalid, then the lists, the overview and groups.

async function signIn(page: Page) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(E2E_ADMIN.email);
  await page.getByLabel("Password").fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

test("repositories and contracts: forms with server errors, CSV import with its report, lists", async ({ page, request }) => {
  const suffix = Date.now().toString(36);
  await signIn(page);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Repositories" }).click();
  await page.getByRole("button", { name: "New repository" }).click();
  await page.getByRole("button", { name: "Create repository" }).click();
  await expect(page.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Name").fill(`Vendors ${suffix}`);
  await page.getByLabel("Owner").fill("vendor-management@contoso.example");
  await page.getByRole("button", { name: "Create repository" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Vendors ${suffix}` })).toBeVisible();

  // A contract through the form: the end date before the effective date is refused by the server.
  await page.getByRole("link", { name: "New contract" }).click();
  await page.getByLabel("Title").fill(`Cloud hosting MSA ${suffix}`);
  await page.getByLabel("Contract type").fill("MSA");
  await page.getByLabel("Effective date").fill("2026-05-01");
  await page.getByLabel("End date").fill("2026-01-01");
  await page.getByRole("button", { name: "Create contract" }).click();
  await expect(page.getByLabel("End date")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("must not be before effectiveDate")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/contract-form-errors.png", fullPage: true });
  await page.getByLabel("End date").fill("2028-04-30");
  await page.getByLabel("Confidentiality").selectOption("confidential");
  await page.getByRole("button", { name: "Create contract" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Cloud hosting MSA ${suffix}` })).toBeVisible();

  // CSV import: one bad row → nothing imported, the report names row, column and problem.
  await page.goto("/dashboard/contracts/import");
  const bad = [
    "externalRef,title,contractType,confidentiality,repository,endDate",
    `CSV-1-${suffix},Reseller agreement,Reseller,internal,Vendors ${suffix},2027-01-31`,
    `CSV-2-${suffix},,NDA,secret,Vendors ${suffix},2027-02-30`,
    `CSV-3-${suffix},Data processing addendum,DPA,confidential,No such repository ${suffix},`,
  ].join("\n");
  await page.getByLabel("…or paste it here").fill(bad);
  await page.getByRole("button", { name: "Import" }).click();
  const report = page.getByRole("table", { name: "Validation report" });
  await expect(report).toBeVisible();
  await expect(page.getByText(/Nothing was imported/)).toBeVisible();
  await expect(report.getByRole("row").filter({ hasText: "title" }).first()).toContainText("3");
  await expect(report.getByRole("row").filter({ hasText: "repository" })).toContainText("4");
  await page.screenshot({ path: "test-results/screenshots/csv-import-report.png", fullPage: true });
  const none = await page.request.get(`/api/admin/contracts?q=CSV-1-${suffix}`);
  expect((await none.json()).total).toBe(0);

  const good = [
    "externalRef,title,contractType,confidentiality,repository,endDate,tags",
    `CSV-1-${suffix},Reseller agreement ${suffix},Reseller,internal,Vendors ${suffix},2027-01-31,channel;emea`,
    `CSV-2-${suffix},Mutual NDA ${suffix},NDA,public,Vendors ${suffix},2020-02-29,`,
  ].join("\n");
  await page.getByLabel("…or paste it here").fill(good);
  await page.getByRole("button", { name: "Check only" }).click();
  await expect(page.getByText("All 2 rows are valid.")).toBeVisible();
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByText(/Imported 2 rows: 2 created/)).toBeVisible();

  // The list: filter and sort.
  await page.goto("/dashboard/contracts");
  await page.getByRole("searchbox", { name: "Search" }).fill(suffix);
  const table = page.getByRole("table", { name: "Contracts" });
  await expect(table.getByRole("row")).toHaveCount(4);
  await page.getByLabel("Confidentiality").selectOption("confidential");
  await expect(table.getByRole("row")).toHaveCount(2);
  await page.getByLabel("Confidentiality").selectOption("");
  await table.getByRole("button", { name: /End date/ }).click();
  await expect(table.getByRole("row").nth(1)).toContainText("Mutual NDA");
  await page.screenshot({ path: "test-results/screenshots/contracts-list.png", fullPage: true });

  // Repository page, groups and the overview render with the data.
  await page.goto("/dashboard/repositories");
  await page.getByRole("link", { name: new RegExp(`Vendors ${suffix}`) }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Contracts by confidentiality and status" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Contracts" }).getByRole("row")).toHaveCount(4);
  await page.screenshot({ path: "test-results/screenshots/repository-detail.png", fullPage: true });

  const auth = { authorization: `Bearer ${E2E_SCIM_TOKEN}`, "content-type": "application/scim+json" };
  const u = await request.post("/scim/v2/Users", { headers: auth, data: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: `gina.${suffix}@contoso.example` } });
  const inner = await request.post("/scim/v2/Groups", { headers: auth, data: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: `Vendor managers ${suffix}`, members: [{ value: (await u.json()).id }] } });
  await request.post("/scim/v2/Groups", { headers: auth, data: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: `All staff ${suffix}`, members: [{ value: (await inner.json()).id }] } });
  await page.goto("/dashboard/groups");
  await page.getByRole("searchbox", { name: "Search" }).fill(`Vendor managers ${suffix}`);
  await page.getByRole("link", { name: `Vendor managers ${suffix}` }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Parent groups" })).toBeVisible();
  await expect(page.getByRole("link", { name: `All staff ${suffix}` })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/group-detail.png", fullPage: true });

  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { level: 2, name: "Provisioning activity" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Directory health" })).toBeVisible();
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/overview.png", fullPage: true });
});
