import { mkdirSync } from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { createAccountInSettings, createApiKeyInSettings, postOk, SCIM_GROUP, SCIM_HEADERS, SCIM_USER, signIn, uniqueSuffix } from "./fixtures";

// An ethical wall's life in the browser, one role at a time: the admin creates a draft wall in the
// form, reads the preview of who would lose access and activates it; the insider (a local account
// linked to a directory person by e-mail) sees the banner and acknowledges the memo in "My walls",
// which releases their access; an AuthZEN request across the wall is denied and recorded;
// compliance reads the attempts, lifts the wall with a reason and opens its lift certificate; the
// auditor reads everything and changes nothing. The engine's answer is checked along the way.

const PASSWORD = "walls-e2e-password-1234";
const SHOTS = "test-results/screenshots";

test.describe.serial("an ethical wall, per role", () => {
  const suffix = uniqueSuffix();
  const emails = { compliance: `compliance.walls.${suffix}@example.com`, auditor: `auditor.walls.${suffix}@example.com`, insider: `ann.${suffix}@contoso.example` };
  const ids = { ann: "", ben: "", repository: "", contract: "", wall: "" };
  let apiKey = "";
  const wallName = `Project Osprey ${suffix}`;

  test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

  async function as(browser: Browser, email: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email, PASSWORD);
    return page;
  }

  async function allowed(page: Page, userId: string): Promise<boolean> {
    const res = await page.request.get(`/api/admin/access/check?userId=${userId}&contractId=${ids.contract}`);
    expect(res.status()).toBe(200);
    return ((await res.json()) as { allowed: boolean }).allowed;
  }

  test("admin: creates a draft in the form, previews who would lose access, activates it", async ({ page, request }) => {
    const person = (name: string) =>
      postOk<{ id: string }>(request, "/scim/v2/Users", { schemas: [SCIM_USER], userName: `${name}.${suffix}@contoso.example`, displayName: `${name} ${suffix}`, emails: [{ value: `${name}.${suffix}@contoso.example`, primary: true }] }, SCIM_HEADERS);
    ids.ann = (await person("ann")).id;
    ids.ben = (await person("ben")).id;
    const cy = (await person("cy")).id;
    const group = await postOk<{ id: string }>(request, "/scim/v2/Groups", { schemas: [SCIM_GROUP], displayName: `Osprey team ${suffix}`, members: [{ value: ids.ann }, { value: ids.ben }, { value: cy }] }, SCIM_HEADERS);
    await signIn(page);
    const api = page.request;
    ids.repository = (await postOk<{ id: string }>(api, "/api/admin/repositories", { name: `Osprey deals ${suffix}` })).id;
    ids.contract = (await postOk<{ id: string }>(api, "/api/admin/contracts", { title: `Osprey SPA ${suffix}`, contractType: "SPA", repositoryId: ids.repository, counterparty: "Osprey Holdings" })).id;
    await postOk(api, "/api/admin/rules", { name: `Osprey team reads ${suffix}`, groupId: group.id, level: "view", repositoryId: ids.repository, justification: "The team works on the Osprey deals" });
    await createAccountInSettings(page, { email: emails.compliance, role: "compliance", password: PASSWORD });
    await createAccountInSettings(page, { email: emails.auditor, role: "auditor", password: PASSWORD });
    // The insider's local account: its e-mail is ann's primary e-mail, which links it to her.
    await createAccountInSettings(page, { email: emails.insider, role: "auditor", password: PASSWORD });
    apiKey = await createApiKeyInSettings(page, `Gateway ${suffix}`, ["access:decide"]);
    expect(await allowed(page, ids.ann)).toBe(true);
    expect(await allowed(page, ids.ben)).toBe(true);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Ethical walls" }).click();
    await page.getByRole("link", { name: "New wall" }).click();
    await page.getByRole("textbox", { name: "Name" }).fill(wallName);
    await page.getByLabel("Matter or client reference").fill("M-2026-0099");
    await page.getByRole("textbox", { name: "Memo" }).fill("Only the Osprey insiders may open the Osprey deals. Do not discuss the matter with anyone else.");
    await page.getByRole("combobox", { name: "Kind" }).selectOption("inclusionary");
    await page.getByLabel("Withhold access until the memo is acknowledged").check();
    await page.getByRole("combobox", { name: "Person for insiders" }).fill(`ann ${suffix}`);
    await page.getByRole("option", { name: new RegExp(`ann ${suffix}`) }).click();
    await expect(page.getByRole("list", { name: "Insiders" })).toContainText(`ann ${suffix}`);
    await page.getByRole("combobox", { name: "Repository for scope" }).fill(`Osprey deals ${suffix}`);
    await page.getByRole("option", { name: new RegExp(`Osprey deals ${suffix}`) }).click();
    await page.screenshot({ path: `${SHOTS}/walls-new.png`, fullPage: true });
    await page.getByRole("button", { name: "Create draft" }).click();
    await expect(page).toHaveURL(/\/dashboard\/walls\/[0-9a-f-]{36}$/);
    ids.wall = page.url().split("/").pop()!;
    await expect(page.getByRole("heading", { name: wallName })).toBeVisible();
    // The draft changes nothing yet; its preview names who would lose the contract.
    expect(await allowed(page, ids.ben)).toBe(true);
    await expect(page.getByRole("status").filter({ hasText: "Activating it now would cut" })).toContainText("would lose 1 of the 1 contracts");
    const preview = page.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "Contracts lost" }) });
    await expect(preview).toContainText(`ben ${suffix}`);
    await expect(preview).toContainText(`cy ${suffix}`);
    await page.getByRole("button", { name: "By contract" }).click();
    await expect(page.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "People losing it" }) })).toContainText(`Osprey SPA ${suffix}`);
    await page.screenshot({ path: `${SHOTS}/walls-draft-preview.png`, fullPage: true });

    await page.getByRole("button", { name: "Activate", exact: true }).click();
    const dialog = page.getByRole("alertdialog", { name: `Activate ${wallName}?` });
    await dialog.getByLabel("Reason").fill("Osprey bid opened: insiders only");
    await dialog.getByRole("button", { name: "Activate wall" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText("active", { exact: true }).first()).toBeVisible();
    // In force at once: ben is out; ann too until she acknowledges.
    expect(await allowed(page, ids.ben)).toBe(false);
    expect(await allowed(page, ids.ann)).toBe(false);
    await page.goto(`/dashboard/access-review?subject=user&id=${ids.ben}`);
    await page.screenshot({ path: `${SHOTS}/walls-active.png`, fullPage: true });
  });

  test("insider: the banner asks for the acknowledgment; acknowledging in My walls releases access", async ({ browser }) => {
    const page = await as(browser, emails.insider);
    const banner = page.getByRole("status").filter({ hasText: `The ethical wall “${wallName}” asks you to acknowledge its memo` });
    await expect(banner).toContainText("your access to the matter is withheld until you do");
    await page.screenshot({ path: `${SHOTS}/walls-banner.png`, fullPage: true });
    await banner.getByRole("link", { name: "Open My walls" }).click();
    await expect(page.getByRole("heading", { name: "My walls" })).toBeVisible();
    const item = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: wallName }) });
    await expect(item).toContainText("You are an insider");
    await expect(item.getByRole("button", { name: `Acknowledge ${wallName}` })).toBeDisabled();
    await item.getByLabel("I have read the memo and will comply with it").check();
    await item.getByRole("button", { name: `Acknowledge ${wallName}` }).click();
    await expect(item).toContainText("You acknowledged this memo on");
    await page.screenshot({ path: `${SHOTS}/walls-my-walls.png`, fullPage: true });
    expect(await allowed(page, ids.ann)).toBe(true);
    await page.context().close();
  });

  test("the contract system: a request across the wall is denied and recorded (twice)", async ({ request }) => {
    for (let i = 0; i < 2; i++) {
      const res = await request.post("/access/v1/evaluation", {
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        data: { subject: { type: "user", id: ids.ben }, action: { name: "view" }, resource: { type: "contract", id: ids.contract } },
      });
      expect(res.status()).toBe(200);
      // The contract system learns "denied", never which wall.
      expect(JSON.stringify(await res.json())).not.toContain(wallName);
    }
  });

  test("compliance: sees the alert and the attempts, lifts the wall and opens its lift certificate", async ({ browser }) => {
    const page = await as(browser, emails.compliance);
    await expect(page.getByRole("alert", { name: "Ethical wall breach attempts" })).toContainText(`ben.${suffix}@contoso.example tried 2×`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Ethical walls" }).click();
    const row = page.locator("tbody tr").filter({ hasText: wallName });
    await expect(row).toContainText("1 of 1 acknowledged");
    await page.screenshot({ path: `${SHOTS}/walls-list.png`, fullPage: true });
    await row.getByRole("link", { name: wallName }).click();
    const attempts = page.locator("#attempts");
    await expect(attempts).toContainText("Denied attempts (2)");
    await expect(attempts.locator("tbody tr").first()).toContainText(`ben.${suffix}@contoso.example`);
    await page.getByRole("button", { name: "Lift", exact: true }).click();
    const dialog = page.getByRole("alertdialog", { name: `Lift ${wallName}?` });
    await dialog.getByLabel("Reason").fill("Bid closed; the matter has ended");
    await dialog.getByRole("button", { name: "Lift wall" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText("lifted", { exact: true }).first()).toBeVisible();
    expect(await allowed(page, ids.ben)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/walls-lifted.png`, fullPage: true });

    // The stored lift certificate: the printable page and the signed JSON download.
    const link = page.getByRole("link", { name: "Printable lift certificate" });
    await expect(link).toBeVisible();
    const certificateUrl = (await link.getAttribute("href"))!;
    const printable = await page.context().newPage();
    await printable.goto(certificateUrl);
    await expect(printable.getByRole("heading", { name: "Ethical wall screen certificate" })).toBeVisible();
    await expect(printable.getByText("Bid closed; the matter has ended")).toBeVisible();
    await printable.screenshot({ path: `${SHOTS}/walls-certificate.png`, fullPage: true });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "JSON", exact: true }).click()]);
    expect(download.suggestedFilename()).toMatch(/^wall-certificate-.*\.json$/);
    const json = await page.request.get(certificateUrl.replace("?format=html", ""));
    const certificate = (await json.json()) as { format: string; trigger: string; signature: string; attempts: { total: number }; acknowledgments: unknown[]; auditEvidence: { events: { action: string }[] } };
    expect(certificate).toMatchObject({ format: "custodian-wall-certificate/1", trigger: "lift", attempts: { total: 2 } });
    expect(certificate.acknowledgments).toHaveLength(1);
    expect(certificate.signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(certificate.auditEvidence.events.map((e) => e.action)).toEqual(expect.arrayContaining(["wall.created", "wall.activated", "wall.acknowledged", "wall.breach_attempt", "wall.lifted"]));
    await page.context().close();
  });

  test("auditor: reads the walls, the attempts and the certificate; changes nothing", async ({ browser }) => {
    const page = await as(browser, emails.auditor);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Ethical walls" }).click();
    await expect(page.getByRole("link", { name: "New wall" })).toHaveCount(0);
    await expect(page.getByRole("alert", { name: "Ethical wall breach attempts" })).toContainText(wallName);
    await page.getByRole("table").getByRole("link", { name: wallName }).click();
    await expect(page.getByRole("heading", { name: wallName })).toBeVisible();
    await expect(page.getByRole("button", { name: /^(Activate|Lift|Remove|Edit)$/ })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Edit" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Issue and store" })).toHaveCount(0);
    await expect(page.locator("#attempts")).toContainText("Denied attempts (2)");
    await page.screenshot({ path: `${SHOTS}/walls-auditor.png`, fullPage: true });
    const certificate = await page.request.get(`/api/admin/walls/${ids.wall}/certificate`);
    expect(certificate.status()).toBe(200);
    // Writes are refused.
    expect((await page.request.post(`/api/admin/walls/${ids.wall}/certificates`, { data: {} })).status()).toBe(403);
    expect((await page.request.patch(`/api/admin/walls/${ids.wall}`, { data: { name: "Renamed" } })).status()).toBe(403);
    expect((await page.request.get(`/dashboard/walls/${ids.wall}/edit`)).url()).toMatch(/\/dashboard\/forbidden$/);
    await page.context().close();
  });
});
