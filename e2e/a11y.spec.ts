import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { createApiKeyInSettings, E2E_ADMIN, postOk, scimUserAndGroup, signIn, uniqueSuffix } from "./fixtures";

// axe on every page of the dashboard (and the public pages) with a little real data: no finding of
// impact "serious" or "critical" is allowed. The page list is checked against app/**/page.tsx, so a
// new page without an accessibility check fails here.

type Ids = { user: string; group: string; repository: string; contract: string; rule: string; directory: string; event: string };

// Route pattern (as in app/) → the URL visited. Dynamic segments are filled from the seeded data.
const PAGES: { route: string; url: (ids: Ids) => string; screenshot?: string }[] = [
  { route: "/dashboard", url: () => "/dashboard", screenshot: "a11y-overview" },
  { route: "/dashboard/users", url: () => "/dashboard/users" },
  { route: "/dashboard/users/[id]", url: (i) => `/dashboard/users/${i.user}`, screenshot: "a11y-user" },
  { route: "/dashboard/groups", url: () => "/dashboard/groups" },
  { route: "/dashboard/groups/[id]", url: (i) => `/dashboard/groups/${i.group}` },
  { route: "/dashboard/repositories", url: () => "/dashboard/repositories" },
  { route: "/dashboard/repositories/[id]", url: (i) => `/dashboard/repositories/${i.repository}` },
  { route: "/dashboard/contracts", url: () => "/dashboard/contracts" },
  { route: "/dashboard/contracts/[id]", url: (i) => `/dashboard/contracts/${i.contract}`, screenshot: "a11y-contract" },
  { route: "/dashboard/contracts/[id]/edit", url: (i) => `/dashboard/contracts/${i.contract}/edit` },
  { route: "/dashboard/contracts/new", url: () => "/dashboard/contracts/new" },
  { route: "/dashboard/contracts/import", url: () => "/dashboard/contracts/import" },
  { route: "/dashboard/rules", url: () => "/dashboard/rules" },
  { route: "/dashboard/rules/new", url: () => "/dashboard/rules/new", screenshot: "a11y-rule-new" },
  { route: "/dashboard/rules/[id]", url: (i) => `/dashboard/rules/${i.rule}` },
  { route: "/dashboard/rules/[id]/edit", url: (i) => `/dashboard/rules/${i.rule}/edit` },
  { route: "/dashboard/access-review", url: (i) => `/dashboard/access-review?subject=contract&id=${i.contract}`, screenshot: "a11y-access-review" },
  { route: "/dashboard/audit", url: () => "/dashboard/audit", screenshot: "a11y-audit" },
  { route: "/dashboard/audit/[id]", url: (i) => `/dashboard/audit/${i.event}` },
  { route: "/dashboard/audit/erasures", url: () => "/dashboard/audit/erasures" },
  { route: "/dashboard/evidence", url: () => "/dashboard/evidence", screenshot: "a11y-evidence" },
  { route: "/dashboard/directories", url: () => "/dashboard/directories" },
  { route: "/dashboard/directories/[id]", url: (i) => `/dashboard/directories/${i.directory}`, screenshot: "a11y-directory" },
  { route: "/dashboard/directories/requests", url: () => "/dashboard/directories/requests" },
  // /dashboard/settings redirects to its first tab.
  { route: "/dashboard/settings", url: () => "/dashboard/settings" },
  { route: "/dashboard/settings/accounts", url: () => "/dashboard/settings/accounts" },
  { route: "/dashboard/settings/api-keys", url: () => "/dashboard/settings/api-keys" },
  { route: "/dashboard/settings/password", url: () => "/dashboard/settings/password" },
  { route: "/dashboard/webhooks", url: () => "/dashboard/webhooks", screenshot: "a11y-webhooks" },
  { route: "/dashboard/forbidden", url: () => "/dashboard/forbidden" },
  { route: "/dashboard/campaigns", url: () => "/dashboard/campaigns" },
  { route: "/dashboard/campaigns/new", url: () => "/dashboard/campaigns/new" },
  // No campaign is seeded here: the pages' "not found" state is what is checked.
  { route: "/dashboard/campaigns/[id]", url: () => "/dashboard/campaigns/00000000-0000-0000-0000-000000000000" },
  { route: "/dashboard/campaigns/[id]/report", url: () => "/dashboard/campaigns/00000000-0000-0000-0000-000000000000/report" },
  { route: "/dashboard/exclusions", url: () => "/dashboard/exclusions" },
  { route: "/reviews", url: () => "/reviews" },
  { route: "/dashboard/walls", url: () => "/dashboard/walls", screenshot: "a11y-walls" },
  { route: "/dashboard/walls/new", url: () => "/dashboard/walls/new", screenshot: "a11y-wall-new" },
  // No wall is seeded here: the pages' "not found" state (e2e/walls.spec.ts walks a real wall).
  { route: "/dashboard/walls/[id]", url: () => "/dashboard/walls/00000000-0000-0000-0000-000000000000" },
  { route: "/dashboard/walls/[id]/edit", url: () => "/dashboard/walls/00000000-0000-0000-0000-000000000000/edit" },
  { route: "/walls", url: () => "/walls" },
];
// Dialogs: the page, the button that opens it, the dialog's name.
const DIALOGS: { url: (ids: Ids) => string; button: string; dialog: string }[] = [
  { url: () => "/dashboard/directories", button: "New directory", dialog: "New directory" },
  { url: (i) => `/dashboard/directories/${i.directory}`, button: "New token", dialog: "New bearer token" },
  { url: (i) => `/dashboard/rules/${i.rule}`, button: "Delete rule", dialog: "Delete this access rule?" },
  { url: () => "/dashboard/settings/accounts", button: "New account", dialog: "New account" },
  { url: () => "/dashboard/settings/api-keys", button: "New API key", dialog: "New API key" },
  { url: () => "/dashboard/webhooks", button: "New endpoint", dialog: "New webhook endpoint" },
];
// Checked signed out, in the first test.
const PUBLIC_PAGES = ["/", "/login"];

/** Every page.tsx under app/, as a route pattern. */
function appRoutes(dir = path.join(process.cwd(), "app"), prefix = ""): string[] {
  const routes: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) routes.push(...appRoutes(full, `${prefix}/${entry}`));
    else if (entry === "page.tsx") routes.push(prefix || "/");
  }
  return routes;
}

interface Finding { url: string; rule: string; impact: string; help: string; helpUrl: string; targets: string[] }

async function audit(page: Page, url: string): Promise<Finding[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ url, rule: v.id, impact: v.impact ?? "", help: v.help, helpUrl: v.helpUrl, targets: v.nodes.map((n) => n.target.join(" ")) }));
}

/**
 * Waits until the page has settled (its heading shown, client-side queries done) and checks it
 * loaded for real: axe on an error state would check the wrong page.
 */
async function settle(page: Page) {
  await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
  await page.waitForLoadState("networkidle");
  await expect(page.locator("[aria-busy=true]")).toHaveCount(0);
  await expect(page.getByRole("alert").filter({ hasText: /\S/ }), "an error is shown").toHaveCount(0);
}

function report(findings: Finding[]): string {
  return findings
    .map((f) => `${f.url}\n  [${f.impact}] ${f.rule}: ${f.help} (${f.helpUrl})\n${f.targets.map((t) => `    ${t}`).join("\n")}`)
    .join("\n");
}

test("every page in app/ is in the accessibility check", () => {
  const covered = new Set([...PAGES.map((p) => p.route), ...PUBLIC_PAGES]);
  expect(appRoutes().filter((r) => !covered.has(r))).toEqual([]);
});

test("the public pages have no serious or critical axe findings", async ({ page }) => {
  const findings: Finding[] = [];
  for (const url of PUBLIC_PAGES) {
    await page.goto(url);
    await settle(page);
    findings.push(...(await audit(page, url)));
  }
  await page.screenshot({ path: "test-results/screenshots/a11y-login.png", fullPage: true });
  expect(findings, report(findings)).toEqual([]);
});

test("every dashboard page has no serious or critical axe findings", async ({ page, request }) => {
  // 42 pages and 6 dialogs (the campaign pages added six): minutes on a loaded machine.
  test.setTimeout(360_000);
  const suffix = uniqueSuffix();
  const { user, group } = await scimUserAndGroup(request, suffix);

  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  // The contract system's path: an API key created in Settings, then /api/v1.
  const key = await createApiKeyInSettings(page, `a11y ${suffix}`, ["admin"]);
  const api = { authorization: `Bearer ${key}` };
  const repository = await postOk<{ id: string }>(request, "/api/v1/repositories", { name: `Litigation ${suffix}`, owner: "legal@contoso.example" }, api);
  const put = await request.put(`/api/v1/contracts/A11Y-${suffix}`, {
    headers: api,
    data: { title: `Settlement agreement ${suffix}`, contractType: "Settlement", confidentiality: "confidential", repositoryId: repository.id, endDate: "2030-12-31" },
  });
  expect(put.status(), await put.text()).toBe(201);
  const contract = (await put.json()) as { id: string };
  const rule = await postOk<{ id: string }>(request, "/api/v1/rules", { name: "Legal reads litigation files", groupId: group.id, level: "view", repositoryId: repository.id, justification: "Legal reads litigation files" }, api);

  const directories = (await (await page.request.get("/api/admin/directories")).json()) as { items: { id: string }[] };
  const events = (await (await page.request.get("/api/admin/audit")).json()) as { items: { id: string }[] };
  const ids: Ids = { user: user.id, group: group.id, repository: repository.id, contract: contract.id, rule: rule.id, directory: directories.items[0].id, event: events.items[0].id };

  const serverErrors: string[] = [];
  page.on("response", (r) => {
    if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  const findings: Finding[] = [];
  for (const p of PAGES) {
    const url = p.url(ids);
    await page.goto(url);
    await settle(page);
    // A page that silently redirected to "Not allowed" or sign-in would check the wrong thing.
    if (p.route !== "/dashboard/forbidden") await expect(page.getByRole("heading", { name: "Not allowed" })).toHaveCount(0);
    findings.push(...(await audit(page, url)));
    if (p.screenshot) await page.screenshot({ path: `test-results/screenshots/${p.screenshot}.png`, fullPage: true });
  }
  // Dialogs are part of their page but only exist once opened.
  for (const d of DIALOGS) {
    const url = d.url(ids);
    await page.goto(url);
    await settle(page);
    await page.getByRole("button", { name: d.button, exact: true }).click();
    await expect(page.getByRole("dialog", { name: d.dialog })).toBeVisible();
    await page.waitForLoadState("networkidle");
    findings.push(...(await audit(page, `${url} (dialog “${d.dialog}”)`)));
  }
  await page.screenshot({ path: "test-results/screenshots/a11y-dialog.png", fullPage: true });
  console.log(`axe: ${PAGES.length} dashboard pages and ${DIALOGS.length} dialogs checked, ${findings.length} serious/critical findings`);
  expect(serverErrors).toEqual([]);
  expect(findings, report(findings)).toEqual([]);
});
