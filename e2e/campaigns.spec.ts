import { expect, test, type Browser, type Page } from "@playwright/test";
import { createAccountInSettings, postOk, SCIM_GROUP, SCIM_HEADERS, SCIM_USER, signIn, uniqueSuffix } from "./fixtures";

// A review campaign's life in the browser, one role at a time: the admin provisions people and
// access; compliance defines, previews and starts the campaign; the reviewer (a local account
// linked to a directory person by e-mail) decides in "My reviews" with the keyboard and a button;
// compliance closes it; the auditor reads the printable report and its CSV; the admin finds the
// exclusion the revocation created and lifts it. The engine's answer is checked before and after.

const PASSWORD = "campaign-e2e-password-123";

test.describe.serial("an access review campaign, per role", () => {
  const suffix = uniqueSuffix();
  const emails = { compliance: `compliance.campaign.${suffix}@example.com`, auditor: `auditor.campaign.${suffix}@example.com`, reviewer: `owner.${suffix}@contoso.example` };
  const ids = { ann: "", ben: "", owner: "", fallback: "", repository: "", contract: "" };

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

  test("admin: people, a group with access, a repository owner, and the other roles' accounts", async ({ page, request }) => {
    const person = (name: string) =>
      postOk<{ id: string }>(request, "/scim/v2/Users", { schemas: [SCIM_USER], userName: `${name}.${suffix}@contoso.example`, displayName: `${name} ${suffix}`, emails: [{ value: `${name}.${suffix}@contoso.example`, primary: true }] }, SCIM_HEADERS);
    ids.ann = (await person("ann")).id;
    ids.ben = (await person("ben")).id;
    ids.owner = (await person("owner")).id;
    ids.fallback = (await person("fallback")).id;
    const group = await postOk<{ id: string }>(request, "/scim/v2/Groups", { schemas: [SCIM_GROUP], displayName: `Deal team ${suffix}`, members: [{ value: ids.ann }, { value: ids.ben }] }, SCIM_HEADERS);
    await signIn(page);
    const api = page.request;
    ids.repository = (await postOk<{ id: string }>(api, "/api/admin/repositories", { name: `Deals ${suffix}` })).id;
    ids.contract = (await postOk<{ id: string }>(api, "/api/admin/contracts", { title: `Share purchase ${suffix}`, contractType: "SPA", repositoryId: ids.repository })).id;
    await postOk(api, "/api/admin/rules", { name: `Deal team edits deals ${suffix}`, groupId: group.id, level: "edit", repositoryId: ids.repository, justification: "The deal team works on deals" });
    expect((await api.put(`/api/admin/repositories/${ids.repository}/owners`, { data: { userIds: [ids.owner] } })).status()).toBe(200);
    await createAccountInSettings(page, { email: emails.compliance, role: "compliance", password: PASSWORD });
    await createAccountInSettings(page, { email: emails.auditor, role: "auditor", password: PASSWORD });
    // The reviewer's local account: its e-mail is the owner's primary e-mail, which links it to that person.
    await createAccountInSettings(page, { email: emails.reviewer, role: "auditor", password: PASSWORD });
    expect(await allowed(page, ids.ann)).toBe(true);
  });

  test("compliance: defines the campaign, previews it and starts it", async ({ browser }) => {
    const page = await as(browser, emails.compliance);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Review campaigns" }).click();
    await page.getByRole("link", { name: "New definition" }).click();
    await page.getByRole("textbox", { name: "Name", exact: true }).fill(`Deals review ${suffix}`);
    await page.getByLabel(/Repositories/).selectOption(ids.repository);
    await page.getByRole("group", { name: "Stage 1" }).getByRole("combobox").selectOption("repository_owners");
    await page.getByLabel("Fallback reviewer (person id)").fill(ids.fallback);
    await page.getByRole("button", { name: "Save definition" }).click();
    await expect(page).toHaveURL(/\/dashboard\/campaigns$/);
    await page.getByRole("button", { name: `Preview Deals review ${suffix}` }).click();
    await expect(page.getByRole("status")).toContainText("2 items for 2 people, 1 reviewers");
    await page.getByRole("button", { name: `Start Deals review ${suffix}` }).click();
    await expect(page.getByRole("link", { name: new RegExp(`Deals review ${suffix}`) })).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/campaigns-list.png", fullPage: true });
    await page.context().close();
  });

  test("compliance: extends the campaign and reassigns the owner's items to the fallback and back", async ({ browser }) => {
    const page = await as(browser, emails.compliance);
    await page.goto("/dashboard/campaigns");
    await page.getByRole("link", { name: new RegExp(`Deals review ${suffix}`) }).click();
    await expect(page).toHaveURL(/\/dashboard\/campaigns\/[0-9a-f-]{36}$/);
    const id = page.url().split("/").pop()!;
    const dueAt = async () => Date.parse(((await (await page.request.get(`/api/admin/campaigns/${id}`)).json()) as { dueAt: string }).dueAt);
    const before = await dueAt();
    await page.getByRole("button", { name: "Extend" }).click();
    const extend = page.getByRole("dialog", { name: "Extend the campaign" });
    await extend.getByLabel("Reason").fill("Year-end holidays");
    await extend.getByRole("button", { name: "Extend" }).click();
    await expect(extend).toBeHidden();
    await expect.poll(dueAt).toBeGreaterThan(before);

    const reassign = async (from: string, to: string, shot?: string) => {
      await page.getByRole("button", { name: "Reassign" }).click();
      const dialog = page.getByRole("dialog", { name: "Reassign undecided items" });
      await dialog.getByLabel("From reviewer").selectOption({ label: `${from} ${suffix} (2 undecided)` });
      await dialog.getByRole("combobox", { name: "To" }).fill(`${to}.${suffix}`);
      await dialog.getByRole("option", { name: new RegExp(`${to} ${suffix}`) }).click();
      await dialog.getByLabel("Reason").fill(`${from} is away this week`);
      if (shot) await page.screenshot({ path: shot, fullPage: true });
      await dialog.getByRole("button", { name: "Reassign" }).click();
      await expect(dialog).toBeHidden();
      await expect(page.getByRole("status")).toContainText(`2 items reassigned to ${to} ${suffix}`);
    };
    await reassign("owner", "fallback", "test-results/screenshots/campaigns-reassign.png");
    await expect(page.getByRole("row", { name: new RegExp(`fallback ${suffix}`) })).toContainText("0 of 2");
    // back to the owner, who decides next
    await reassign("fallback", "owner");
    await expect(page.getByRole("row", { name: new RegExp(`owner ${suffix}`) })).toContainText("0 of 2");
    await page.screenshot({ path: "test-results/screenshots/campaigns-detail.png", fullPage: true });
    await page.context().close();
  });

  test("reviewer: sees only their own items and decides with the keyboard and a button", async ({ browser }) => {
    const page = await as(browser, emails.reviewer);
    await page.goto("/reviews");
    await expect(page.getByRole("heading", { name: "My reviews" })).toBeVisible();
    const rows = page.locator("tbody tr");
    await expect(rows).toHaveCount(2);
    await expect(page.getByText(`Deal team ${suffix}`).first()).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/campaigns-my-reviews.png", fullPage: true });
    // Revoke ann's access from the keyboard (the current row), with a justification.
    const annRow = rows.filter({ hasText: `ann ${suffix}` });
    await annRow.click();
    await page.getByLabel("Justification").fill("Left the deal team");
    await page.locator("h1").click();
    await page.keyboard.press("r");
    await expect(page.getByRole("status")).toContainText("1 item: revoke");
    await expect(rows).toHaveCount(1);
    await rows.filter({ hasText: `ben ${suffix}` }).getByRole("button", { name: "Keep" }).click();
    await expect(page.getByText("Nothing to review.")).toBeVisible();
    await page.context().close();
  });

  test("compliance: follows progress and closes the campaign; the revocation applies at once", async ({ browser }) => {
    const page = await as(browser, emails.compliance);
    await page.goto("/dashboard/campaigns");
    await page.getByRole("link", { name: new RegExp(`Deals review ${suffix}`) }).click();
    await expect(page.getByText("2 of 2 items decided (100%)")).toBeVisible();
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Close and apply" }).click();
    await expect(page.getByText("closed", { exact: true })).toBeVisible();
    expect(await allowed(page, ids.ann)).toBe(false);
    expect(await allowed(page, ids.ben)).toBe(true);
    await page.context().close();
  });

  test("auditor: reads the report with the population hash and the proof, and its CSV", async ({ browser }) => {
    const page = await as(browser, emails.auditor);
    await page.goto("/dashboard/campaigns");
    await page.getByRole("link", { name: new RegExp(`Deals review ${suffix}`) }).click();
    await expect(page).toHaveURL(/\/dashboard\/campaigns\/[0-9a-f-]{36}$/);
    const id = page.url().split("/").pop()!;
    await page.getByRole("link", { name: "Printable" }).click();
    await expect(page.getByRole("heading", { name: new RegExp(`Access review report: Deals review ${suffix}`) })).toBeVisible();
    await expect(page.getByText(/1 revocations \(1 applied\)/)).toBeVisible();
    await expect(page.getByRole("cell", { name: /denied from/ })).toHaveCount(1);
    await page.screenshot({ path: "test-results/screenshots/campaigns-report.png", fullPage: true });
    const csv = await page.request.get(`/api/admin/campaigns/${id}/report?format=csv`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toMatch(/sha256 [0-9a-f]{64}/);
    // an auditor neither closes campaigns nor lifts exclusions
    expect((await page.request.post(`/api/admin/campaigns/${id}/close`)).status()).toBe(403);
    await page.context().close();
  });

  test("admin: the exclusion is listed and explained, and lifting it restores access", async ({ page }) => {
    await signIn(page);
    await page.goto("/dashboard/exclusions");
    const row = page.locator("tbody tr").filter({ hasText: `ann ${suffix}` });
    await expect(row).toContainText("Excluded by access review campaign");
    page.once("dialog", (d) => void d.accept("Re-joined the deal team"));
    await row.getByRole("button", { name: /^Lift/ }).click();
    await expect(row).toContainText("lifted");
    expect(await allowed(page, ids.ann)).toBe(true);
  });
});
