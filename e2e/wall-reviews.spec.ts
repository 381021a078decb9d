import { expect, test, type Browser, type Page } from "@playwright/test";
import { createAccountInSettings, postOk, SCIM_GROUP, SCIM_HEADERS, SCIM_USER, signIn, uniqueSuffix } from "./fixtures";

// A review of an ethical wall in the browser: the admin screens two people from a repository and
// defines a wall review (choosing the wall, with the item count previewed), starts it; the reviewer
// (a local account linked to a directory person) decides in My reviews — removes one screened
// person with a justification, keeps the other, and finds the wall no longer needed; the admin
// closes the campaign: the removal applies at once (the person can open the contract again), the
// other stays screened, and the lift waits for an answer, which the admin gives (keep the wall).

const PASSWORD = "wall-review-e2e-password-123";

test.describe.serial("a review of an ethical wall", () => {
  const suffix = uniqueSuffix();
  const reviewerEmail = `walls.reviewer.${suffix}@contoso.example`;
  const ids = { dan: "", eve: "", reviewer: "", fallback: "", repository: "", contract: "", wall: "", campaign: "" };
  const wallName = `Lateral screen ${suffix}`;

  async function allowed(page: Page, userId: string): Promise<boolean> {
    const res = await page.request.get(`/api/admin/access/check?userId=${userId}&contractId=${ids.contract}`);
    expect(res.status()).toBe(200);
    return ((await res.json()) as { allowed: boolean }).allowed;
  }

  async function as(browser: Browser, email: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email, PASSWORD);
    return page;
  }

  test("admin: people with access, an active screen, and the reviewer's account", async ({ page, request }) => {
    const person = (name: string, email?: string) =>
      postOk<{ id: string }>(request, "/scim/v2/Users", {
        schemas: [SCIM_USER],
        userName: email ?? `${name}.${suffix}@contoso.example`,
        displayName: `${name} ${suffix}`,
        emails: [{ value: email ?? `${name}.${suffix}@contoso.example`, primary: true }],
      }, SCIM_HEADERS);
    ids.dan = (await person("dan")).id;
    ids.eve = (await person("eve")).id;
    ids.reviewer = (await person("reviewer", reviewerEmail)).id;
    ids.fallback = (await person("fallback")).id;
    const group = await postOk<{ id: string }>(request, "/scim/v2/Groups", { schemas: [SCIM_GROUP], displayName: `Litigation ${suffix}`, members: [{ value: ids.dan }, { value: ids.eve }] }, SCIM_HEADERS);
    await signIn(page);
    const api = page.request;
    ids.repository = (await postOk<{ id: string }>(api, "/api/admin/repositories", { name: `Disputes ${suffix}` })).id;
    ids.contract = (await postOk<{ id: string }>(api, "/api/admin/contracts", { title: `Settlement ${suffix}`, contractType: "Settlement", repositoryId: ids.repository })).id;
    await postOk(api, "/api/admin/rules", { name: `Litigation reads disputes ${suffix}`, groupId: group.id, level: "view", repositoryId: ids.repository, justification: "Litigation works on disputes" });
    ids.wall = (await postOk<{ id: string }>(api, "/api/admin/walls", {
      name: wallName,
      matterRef: "M-2026-0099",
      description: "Dan and Eve joined from opposing counsel.",
      kind: "exclusionary",
      members: [{ userId: ids.dan }, { userId: ids.eve }],
      scope: [{ kind: "repository", value: ids.repository }],
    })).id;
    await postOk(api, `/api/admin/walls/${ids.wall}/activate`, { reason: "Lateral hires from opposing counsel" });
    expect(await allowed(page, ids.dan)).toBe(false);
    await createAccountInSettings(page, { email: reviewerEmail, role: "auditor", password: PASSWORD });
  });

  test("admin: defines a wall review with the item count previewed, and starts it", async ({ page }) => {
    await signIn(page);
    await page.goto("/dashboard/campaigns/new");
    await page.getByRole("textbox", { name: "Name", exact: true }).fill(`Walls review ${suffix}`);
    await page.getByLabel(/Ethical walls: is each still needed/).check();
    await page.getByLabel(/Walls \(none selected/).selectOption(ids.wall);
    await expect(page.getByRole("status", { name: "Wall review preview" })).toHaveText(/Now: 1 wall, 3 items \(1 "still needed\?" and 2 places on their rosters\)/);
    await expect(page.getByLabel(/Repositories \(none selected/)).toBeHidden();
    await page.getByRole("group", { name: "Stage 1" }).getByRole("combobox").selectOption("named");
    await page.getByRole("group", { name: "Stage 1" }).getByLabel("Named reviewers (person ids)").fill(ids.reviewer);
    await page.getByLabel("Fallback reviewer (person id)").fill(ids.fallback);
    await page.screenshot({ path: "test-results/screenshots/wall-review-define.png", fullPage: true });
    await page.getByRole("button", { name: "Save definition" }).click();
    await expect(page).toHaveURL(/\/dashboard\/campaigns$/);
    await page.getByRole("button", { name: `Preview Walls review ${suffix}` }).click();
    await expect(page.getByRole("status")).toContainText("3 items: 1 walls and 2 places on their rosters (2 people), 1 reviewers");
    await page.getByRole("button", { name: `Start Walls review ${suffix}` }).click();
    await page.getByRole("link", { name: new RegExp(`Walls review ${suffix}`) }).click();
    await expect(page).toHaveURL(/\/dashboard\/campaigns\/[0-9a-f-]{36}$/);
    ids.campaign = page.url().split("/").pop()!;
    await expect(page.getByText("wall review", { exact: true })).toBeVisible();
  });

  test("reviewer: removes one screened person, keeps the other, and finds the wall no longer needed", async ({ browser }) => {
    const page = await as(browser, reviewerEmail);
    await page.goto("/reviews");
    const section = page.getByRole("region", { name: "Ethical walls to review" });
    const rows = section.getByTestId("wall-review-item");
    await expect(rows).toHaveCount(3);
    const dan = rows.filter({ hasText: `dan ${suffix}` });
    await expect(dan).toContainText(wallName);
    await expect(dan).toContainText("M-2026-0099");
    await expect(dan).toContainText("not acknowledged");
    await expect(dan).toContainText("named directly");
    await page.screenshot({ path: "test-results/screenshots/wall-review-my-reviews.png", fullPage: true });
    // Removing needs a justification.
    await dan.getByRole("button", { name: "Remove" }).click();
    await expect(section.getByRole("status")).toContainText("needs a justification");
    await dan.getByRole("textbox").fill("Dan's conflict ended when the dispute settled");
    await dan.getByRole("button", { name: "Remove" }).click();
    await expect(section.getByRole("status")).toContainText(`dan ${suffix}: remove`);
    await expect(rows).toHaveCount(2);
    await rows.filter({ hasText: `eve ${suffix}` }).getByRole("button", { name: "Keep" }).click();
    await expect(rows).toHaveCount(1);
    const wall = rows.filter({ hasText: "Is this wall still needed?" });
    await wall.getByRole("textbox").fill("Only Eve is left; the matter is winding down");
    await wall.getByRole("button", { name: "Lift" }).click();
    await expect(section).toContainText("No wall items.");
    await page.context().close();
  });

  test("admin: closes; the removal applies at once, the lift waits for an answer", async ({ page }) => {
    await signIn(page);
    await page.goto(`/dashboard/campaigns/${ids.campaign}`);
    await expect(page.getByText("3 of 3 items decided (100%)")).toBeVisible();
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Close and apply" }).click();
    // The status cell reads "closed" beside its "wall review" badge.
    await expect(page.getByText(/^\s*closed\s*wall review\s*$/)).toBeVisible();
    const items = page.getByRole("table", { name: "Wall items" });
    await expect(items.getByRole("row").filter({ hasText: `dan ${suffix}` })).toContainText("removed");
    expect(await allowed(page, ids.dan)).toBe(true);
    expect(await allowed(page, ids.eve)).toBe(false);
    await page.screenshot({ path: "test-results/screenshots/wall-review-closed.png", fullPage: true });
    await page.getByRole("button", { name: `Answer the lift of ${wallName}` }).click();
    const dialog = page.getByRole("dialog", { name: `Lift ${wallName}?` });
    await dialog.getByLabel("Reason").fill("Eve is still conflicted until the matter closes");
    await dialog.getByRole("button", { name: "Keep the wall" }).click();
    await expect(dialog).toBeHidden();
    await expect(items.getByRole("row").filter({ hasText: "Is this wall still needed?" })).toContainText("Eve is still conflicted");
    expect(await allowed(page, ids.eve)).toBe(false);
    const csv = await page.request.get(`/api/admin/campaigns/${ids.campaign}/report?format=csv`);
    expect(await csv.text()).toContain("# wall items");
    await page.screenshot({ path: "test-results/screenshots/wall-review-lift-answered.png", fullPage: true });
  });
});
