import { mkdirSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { can, type Role } from "../lib/auth/permissions";
import { PAGE_RULES } from "../lib/testing/authorization-rules";
import { createApiKeyInSettings, E2E_ADMIN, postOk, scimUserAndGroup, signIn, uniqueSuffix } from "./fixtures";

// Every dashboard page as each role walks it (issue 16): no console error, no date or time on
// screen that the one formatter (lib/time-format.ts, shown through <Time>) did not produce, no raw
// id (a UUID) on screen outside the elements marked as ids ([data-id]: where a name exists, the
// page shows the name), hints only for what the role may do, and axe clean on the states reached
// by acting (filters applied, lists expanded, a search run, the sidebar collapsed). Screenshots at
// 1,440 and 1,024 px go to SCREENS_DIR (e2e/screenshots, git-ignored).

const PASSWORD = "walk-e2e-password-1234";
const SCREENS_DIR = process.env.SCREENS_DIR ?? "e2e/screenshots";

type Ids = { user: string; group: string; repository: string; contract: string; rule: string; directory: string; event: string };

const DYNAMIC: Record<string, (i: Ids) => string> = {
  "/dashboard/users/[id]": (i) => `/dashboard/users/${i.user}`,
  "/dashboard/groups/[id]": (i) => `/dashboard/groups/${i.group}`,
  "/dashboard/repositories/[id]": (i) => `/dashboard/repositories/${i.repository}`,
  "/dashboard/contracts/[id]": (i) => `/dashboard/contracts/${i.contract}`,
  "/dashboard/contracts/[id]/edit": (i) => `/dashboard/contracts/${i.contract}/edit`,
  "/dashboard/rules/[id]": (i) => `/dashboard/rules/${i.rule}`,
  "/dashboard/rules/[id]/edit": (i) => `/dashboard/rules/${i.rule}/edit`,
  "/dashboard/audit/[id]": (i) => `/dashboard/audit/${i.event}`,
  "/dashboard/directories/[id]": (i) => `/dashboard/directories/${i.directory}`,
  "/dashboard/access-review": (i) => `/dashboard/access-review?subject=contract&id=${i.contract}`,
  // No campaign is seeded in this walk: the pages' "not found" state is walked.
  "/dashboard/campaigns/[id]": () => "/dashboard/campaigns/00000000-0000-0000-0000-000000000000",
  "/dashboard/campaigns/[id]/report": () => "/dashboard/campaigns/00000000-0000-0000-0000-000000000000/report",
  // No wall is seeded in this walk either (e2e/walls.spec.ts walks a real one): "not found".
  "/dashboard/walls/[id]": () => "/dashboard/walls/00000000-0000-0000-0000-000000000000",
  "/dashboard/walls/[id]/edit": () => "/dashboard/walls/00000000-0000-0000-0000-000000000000/edit",
};

/** The dashboard pages a role may open, as URLs (from the one page permission table). */
function pagesFor(role: Role, ids: Ids): string[] {
  return Object.entries(PAGE_RULES)
    .filter(([route, rule]) => route.startsWith("/dashboard") && (rule.kind === "signed-in" || (rule.kind === "page" && can([role], rule.action))))
    .map(([route]) => {
      if (DYNAMIC[route]) return DYNAMIC[route](ids);
      if (route.includes("[")) throw new Error(`walk.spec.ts: no URL for ${route}; add it to DYNAMIC`);
      return route;
    });
}

/** Collects console errors and uncaught exceptions of a page. */
function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  return errors;
}

async function settle(page: Page) {
  await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
  await page.waitForLoadState("networkidle");
  await expect(page.locator("[aria-busy=true]")).toHaveCount(0);
}

/**
 * Dates and times in the rendered text that did not come through <Time> (time[data-time]):
 * numeric dates (07/11/2026, 2026-07-11), month-name dates (8 Sept 2026, Sep 8, 2026) and clock
 * times with seconds. Form fields, code and recorded documents shown verbatim ([data-raw], pre)
 * are data, not display.
 */
async function strayDates(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const month = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\\.?";
    const patterns = [
      /\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b/,
      /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?/,
      new RegExp(`\\b\\d{1,2} ${month},? \\d{4}\\b`),
      new RegExp(`\\b${month} \\d{1,2},? \\d{4}\\b`),
      /\b\d{1,2}:\d{2}:\d{2}\b/,
    ];
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? "";
      if (!text.trim()) continue;
      const parent = node.parentElement;
      if (!parent || parent.closest("time[data-time], [data-raw], pre, code, script, style, textarea, select, [hidden]")) continue;
      // Text of one formatter output split over nodes sits in the <time>; the rest is stray.
      if (patterns.some((p) => p.test(text))) found.push(text.trim().slice(0, 120));
    }
    return found;
  });
}

/**
 * UUID-shaped strings in the rendered text outside id elements ([data-id]): a raw id shown where a
 * name exists. Text that is not rendered (closed <details>, hidden) is not on screen.
 */
async function rawIds(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? "";
      if (!uuid.test(text)) continue;
      const parent = node.parentElement;
      if (!parent || parent.closest("[data-id], script, style, textarea, select, [hidden]")) continue;
      if (!parent.checkVisibility()) continue;
      found.push(`${parent.tagName.toLowerCase()}: ${text.trim().slice(0, 120)}`);
    }
    return found;
  });
}

async function axe(page: Page, what: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${what}: [${v.impact}] ${v.id} ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

async function rolePage(browser: Browser, width = 1440): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  return page;
}

test.describe.serial("the dashboard as each role walks it", () => {
  const suffix = uniqueSuffix();
  const accounts: Record<Role, string> = { admin: E2E_ADMIN.email, compliance: `compliance.walk.${suffix}@example.com`, auditor: `auditor.walk.${suffix}@example.com` };
  let ids: Ids;

  test("as admin: seed a person with access, and a compliance and an auditor account", async ({ page, request }) => {
    const { user, group } = await scimUserAndGroup(request, suffix);
    await signIn(page);
    const key = await createApiKeyInSettings(page, `walk ${suffix}`, ["admin"]);
    const api = { authorization: `Bearer ${key}` };
    const repository = await postOk<{ id: string }>(request, "/api/v1/repositories", { name: `Employment ${suffix}`, owner: "hr@contoso.example" }, api);
    const other = await postOk<{ id: string }>(request, "/api/v1/repositories", { name: `Leases ${suffix}` }, api);
    let contract = "";
    for (let i = 0; i < 4; i++) {
      const put = await request.put(`/api/v1/contracts/WALK-${suffix}-${i}`, {
        headers: api,
        data: {
          title: `${i % 2 ? "Harbour lease" : "Employment contract"} ${i} ${suffix}`,
          contractType: i % 2 ? "Lease" : "Employment",
          confidentiality: "internal",
          repositoryId: i % 2 ? other.id : repository.id,
          endDate: i === 0 ? new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10) : "2030-12-31",
        },
      });
      expect(put.status(), await put.text()).toBe(201);
      if (i === 0) contract = ((await put.json()) as { id: string }).id;
    }
    const rule = await postOk<{ id: string }>(request, "/api/v1/rules", { name: "HR administers employment contracts", groupId: group.id, level: "edit", repositoryId: repository.id, justification: "HR administers employment contracts" }, api);
    await postOk(request, "/api/v1/rules", { name: "Facilities read leases", groupId: group.id, level: "view", repositoryId: other.id, justification: "Facilities read leases" }, api);
    for (const role of ["compliance", "auditor"] as const) {
      await postOk(page.request, "/api/admin/accounts", { email: accounts[role], name: `${role} walker`, role, password: PASSWORD });
    }
    const directories = (await (await page.request.get("/api/admin/directories")).json()) as { items: { id: string }[] };
    const events = (await (await page.request.get("/api/admin/audit?action=rule.created")).json()) as { items: { id: string }[] };
    ids = { user: user.id, group: group.id, repository: repository.id, contract, rule: rule.id, directory: directories.items[0].id, event: events.items[0].id };
  });

  test("/favicon.ico is an icon, not a 404", async ({ request }) => {
    const res = await request.get("/favicon.ico");
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toMatch(/image\//);
  });

  for (const role of ["admin", "compliance", "auditor"] as const) {
    test(`as ${role}: every page without console errors, raw ids or dates outside the formatter`, async ({ browser }) => {
      test.setTimeout(180_000);
      const page = await rolePage(browser);
      const errors = watchConsole(page);
      await signIn(page, accounts[role], role === "admin" ? E2E_ADMIN.password : PASSWORD);
      const stray: string[] = [];
      const shownIds: string[] = [];
      const nested: string[] = [];
      const urls = pagesFor(role, ids);
      for (const url of urls) {
        await page.goto(url);
        await settle(page);
        await expect(page.getByRole("heading", { name: "Not allowed" }), url).toHaveCount(url === "/dashboard/forbidden" ? 1 : 0);
        stray.push(...(await strayDates(page)).map((t) => `${url}: ${t}`));
        shownIds.push(...(await rawIds(page)).map((t) => `${url}: ${t}`));
        // <time> may not contain another <time> (HTML content model).
        if (await page.locator("time time").count()) nested.push(url);
      }
      // Hints name only what the role can do.
      if (can([role], "directories:read") && !can([role], "directories:write")) {
        await page.goto(`/dashboard/directories/${ids.directory}`);
        await settle(page);
        await expect(page.getByText("Create a token first")).toHaveCount(0);
        await expect(page.getByText("created by an administrator")).toBeVisible();
      }
      console.log(`walk: ${role} opened ${urls.length} pages`);
      expect(stray, "dates not produced by lib/time-format (through <Time>)").toEqual([]);
      expect(shownIds, "raw ids on screen outside id elements ([data-id])").toEqual([]);
      expect(nested, "pages with a <time> inside a <time>").toEqual([]);
      expect(errors, "console errors").toEqual([]);
      await page.context().close();
    });
  }

  test("a person's contract access: search and filters; the overview lists every repository; axe after acting; screenshots", async ({ browser }) => {
    test.setTimeout(180_000);
    mkdirSync(SCREENS_DIR, { recursive: true });
    const findings: string[] = [];
    for (const width of [1440, 1024]) {
      const page = await rolePage(browser, width);
      const errors = watchConsole(page);
      await signIn(page, accounts.compliance, PASSWORD);

      await settle(page);
      const access = page.getByRole("table", { name: "Coverage per repository" });
      await expect(access.getByRole("link", { name: `Employment ${suffix}` })).toBeVisible();
      await expect(access.getByRole("link", { name: `Leases ${suffix}` })).toBeVisible();
      await page.screenshot({ path: `${SCREENS_DIR}/overview-${width}.png`, fullPage: true });
      findings.push(...(await axe(page, `overview @${width}`)));

      await page.goto(`/dashboard/users/${ids.user}`);
      await settle(page);
      const table = page.getByRole("table", { name: "Contract access" });
      await expect(table.getByRole("row")).toHaveCount(5); // header + 4 contracts
      await page.getByRole("searchbox", { name: "Search" }).fill("harbour");
      await expect(table.getByRole("row")).toHaveCount(3);
      await page.getByRole("searchbox", { name: "Search" }).fill("");
      await page.getByLabel("Level at least").selectOption("edit");
      await expect(table.getByRole("row")).toHaveCount(3);
      await page.getByLabel("Ending within 30 days").check();
      await expect(table.getByRole("row")).toHaveCount(2);
      await expect(table.getByRole("link", { name: new RegExp(`Employment contract 0 ${suffix}`) })).toBeVisible();
      await page.getByLabel("Ending within 30 days").uncheck();
      await page.getByLabel("Level at least").selectOption("");
      await expect(table.getByRole("row")).toHaveCount(5);
      await page.screenshot({ path: `${SCREENS_DIR}/person-contract-access-${width}.png`, fullPage: true });
      findings.push(...(await axe(page, `person's contract access (filters used) @${width}`)));

      // The contracts table at this width: Status and End date are on screen (or a scroll cue is).
      await page.goto("/dashboard/contracts");
      await settle(page);
      const contracts = page.getByRole("table", { name: "Contracts" });
      for (const header of ["Status", "End date"]) {
        const box = await contracts.getByRole("columnheader", { name: header }).boundingBox();
        const visible = box !== null && box.x + box.width <= width;
        if (!visible) await expect(page.getByRole("button", { name: "More columns →" })).toBeVisible();
      }
      // The sidebar collapses (and stays collapsed on the next page).
      await page.getByRole("button", { name: "Collapse the sidebar" }).click();
      await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
      await page.goto("/dashboard/contracts");
      await settle(page);
      await expect(page.getByRole("button", { name: "Expand the sidebar" })).toBeVisible();
      findings.push(...(await axe(page, `contracts, sidebar collapsed @${width}`)));
      await page.screenshot({ path: `${SCREENS_DIR}/contracts-collapsed-${width}.png`, fullPage: true });
      await page.getByRole("button", { name: "Expand the sidebar" }).click();
      await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
      expect(errors, "console errors").toEqual([]);
      await page.context().close();
    }
    expect(findings).toEqual([]);
  });

  test("evidence reads as names: a contract's readers, a person's timeline, an audit event and a whole-trail search; axe after acting; screenshots", async ({ browser }) => {
    test.setTimeout(240_000);
    mkdirSync(SCREENS_DIR, { recursive: true });
    const findings: string[] = [];
    const shownIds: string[] = [];
    for (const width of [1440, 1024]) {
      // Compliance: the contract's readers grouped by reason (one group expanded), the person's timeline.
      const page = await rolePage(browser, width);
      const errors = watchConsole(page);
      await signIn(page, accounts.compliance, PASSWORD);
      await page.goto(`/dashboard/contracts/${ids.contract}`);
      await settle(page);
      await page.getByRole("button", { name: /^Show / }).first().click();
      await expect(page.getByRole("button", { name: /^Hide / }).first()).toBeVisible();
      await page.waitForLoadState("networkidle");
      await expect(page.locator("[aria-busy=true]")).toHaveCount(0);
      await page.screenshot({ path: `${SCREENS_DIR}/contract-readers-${width}.png`, fullPage: true });
      findings.push(...(await axe(page, `contract readers (expanded) @${width}`)));
      shownIds.push(...(await rawIds(page)));

      await page.goto(`/dashboard/users/${ids.user}`);
      await settle(page);
      const timeline = page.locator("ol").filter({ hasText: "Access granted" }).first();
      await expect(timeline).toContainText("rule created: HR administers employment contracts");
      await expect(timeline.getByRole("link", { name: "HR administers employment contracts" })).toBeVisible();
      await timeline.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SCREENS_DIR}/person-timeline-${width}.png`, fullPage: true });
      findings.push(...(await axe(page, `person's timeline @${width}`)));
      shownIds.push(...(await rawIds(page)));
      expect(errors, "console errors").toEqual([]);
      await page.context().close();

      // Auditor: may not open groups or repositories, so sees their names without links.
      const audit = await rolePage(browser, width);
      const auditErrors = watchConsole(audit);
      await signIn(audit, accounts.auditor, PASSWORD);
      await audit.goto(`/dashboard/audit/${ids.event}`);
      await settle(audit);
      const names = audit.getByRole("table", { name: "Names recorded with this event" });
      await expect(names).toContainText(`Legal ${suffix}`);
      // ids.event: the newest rule.created, the view rule on the leases.
      await expect(names).toContainText(`Leases ${suffix}`);
      await expect(names).toContainText("Facilities read leases");
      await expect(audit.getByRole("link", { name: `Legal ${suffix}` })).toHaveCount(0);
      await expect(audit.getByRole("table", { name: "Changes recorded by this event" })).toContainText(`Legal ${suffix}`);
      await audit.screenshot({ path: `${SCREENS_DIR}/audit-event-${width}.png`, fullPage: true });
      findings.push(...(await axe(audit, `audit event @${width}`)));
      shownIds.push(...(await rawIds(audit)));

      await audit.goto("/dashboard/audit");
      await settle(audit);
      await audit.getByRole("searchbox", { name: "Search" }).fill(`Legal ${suffix}`);
      await audit.getByRole("button", { name: "Apply filters" }).click();
      const events = audit.getByRole("table", { name: "Audit events" });
      await expect(events.getByRole("link", { name: /^Details of rule\.created/ }).first()).toBeVisible();
      await expect(audit.getByText(/Searched the whole trail in [\d,]+ ms/)).toBeVisible();
      await expect(events).toContainText("HR administers employment contracts");
      // Columns off screen at this width are one click away, with a cue.
      const directoryHeader = await events.getByRole("columnheader", { name: "Directory" }).boundingBox();
      if (!directoryHeader || directoryHeader.x + directoryHeader.width > width) await expect(audit.getByRole("button", { name: "More columns →" })).toBeVisible();
      await audit.screenshot({ path: `${SCREENS_DIR}/audit-search-${width}.png`, fullPage: true });
      findings.push(...(await axe(audit, `audit search results @${width}`)));
      shownIds.push(...(await rawIds(audit)));
      expect(auditErrors, "console errors").toEqual([]);
      await audit.context().close();
    }
    expect(shownIds, "raw ids on screen outside id elements ([data-id])").toEqual([]);
    expect(findings).toEqual([]);
  });

  test("the raw-id check can fail: an id outside an id element is reported, inside one it is not", async ({ browser }) => {
    const page = await rolePage(browser);
    await signIn(page, accounts.auditor, PASSWORD);
    await settle(page);
    const id = "e01ce201-8a6d-4c1e-9f0a-2b3c4d5e6f70";
    await page.evaluate((raw) => {
      const marked = document.createElement("code");
      marked.dataset.id = "";
      marked.textContent = raw;
      document.querySelector("main")?.append(marked);
    }, id);
    expect(await rawIds(page)).toEqual([]);
    await page.evaluate((raw) => document.querySelector("main")?.append(`cause: membership of group ${raw}`), id);
    expect(await rawIds(page)).toEqual([expect.stringContaining(id)]);
    await page.context().close();
  });
});
