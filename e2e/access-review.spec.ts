import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { postOk, SCIM_GROUP, SCIM_HEADERS, SCIM_USER, signIn } from "./fixtures";

// A compliance officer asks "who could open this contract at that moment?" after someone left the
// group that granted it, and exports the answer. History is made over real SCIM and the dashboard
// API, seconds apart; the point-in-time selector goes to the second.

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

test("review access to a contract at a past date and export it", async ({ page, request }) => {
  const suffix = Date.now().toString(36);
  const stay = await postOk<{ id: string }>(request, "/scim/v2/Users", { schemas: [SCIM_USER], userName: `stella.${suffix}@contoso.example`, displayName: `Stella Stays ${suffix}` }, SCIM_HEADERS);
  const leave = await postOk<{ id: string }>(request, "/scim/v2/Users", { schemas: [SCIM_USER], userName: `leo.${suffix}@contoso.example`, displayName: `Leo Leaves ${suffix}` }, SCIM_HEADERS);
  const group = await postOk<{ id: string }>(request, "/scim/v2/Groups", { schemas: [SCIM_GROUP], displayName: `Legal ${suffix}`, members: [{ value: stay.id }, { value: leave.id }] }, SCIM_HEADERS);

  await signIn(page);
  const repo = await postOk<{ id: string }>(page.request, "/api/admin/repositories", { name: `Litigation ${suffix}` });
  const contract = await postOk<{ id: string }>(page.request, "/api/admin/contracts", { title: `Settlement agreement ${suffix}`, contractType: "Settlement", confidentiality: "confidential", repositoryId: repo.id, externalRef: `SETTLE-${suffix}` });
  await postOk(page.request, "/api/admin/rules", { name: "Legal reads litigation files", groupId: group.id, level: "view", repositoryId: repo.id, justification: "Legal reads litigation files" });

  await page.waitForTimeout(1_200);
  const before = new Date();
  await page.waitForTimeout(1_200);
  const removed = await request.patch(`/scim/v2/Groups/${group.id}`, { headers: SCIM_HEADERS, data: { schemas: [PATCH], Operations: [{ op: "remove", path: `members[value eq "${leave.id}"]` }] } });
  expect(removed.status()).toBeLessThan(300);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Access review" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Access review" })).toBeVisible();
  await page.getByText("A contract", { exact: true }).click();
  const picker = page.getByRole("combobox", { name: "Contract" });
  await picker.fill(`Settlement agreement ${suffix}`);
  await page.getByRole("option", { name: new RegExp(`Settlement agreement ${suffix}`) }).click();

  // Now: only Stella, under the one reason (grouped, with a count; expanded to the people).
  const reasons = page.getByRole("list", { name: "Reasons people can open this contract" });
  await expect(reasons.getByRole("listitem")).toHaveCount(1);
  await reasons.getByRole("button", { name: "Show 1 person" }).click();
  const people = page.getByRole("table", { name: `People through rule Legal reads litigation files via Legal ${suffix}` });
  await expect(people.getByText(`Stella Stays ${suffix}`)).toBeVisible();
  await expect(people.getByText(`Leo Leaves ${suffix}`)).toHaveCount(0);

  // Then: both, with the chain of facts.
  const local = await page.evaluate((iso) => {
    const d = new Date(iso);
    const p = (n: number) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }, before.toISOString());
  await page.getByLabel("As of").fill(local);
  await expect(people.getByText(`Leo Leaves ${suffix}`)).toBeVisible();
  await expect(people.getByText(`Stella Stays ${suffix}`)).toBeVisible();
  await expect(reasons.getByRole("button", { name: "Hide 2 people" })).toBeVisible();
  await expect(reasons.getByText("“Legal reads litigation files”")).toBeVisible();
  await expect(page).toHaveURL(/subject=contract&id=.*&at=/);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);

  // A search shows people again, each with the chain of facts.
  await page.getByRole("searchbox", { name: "Find a person" }).fill(`leo leaves ${suffix}`);
  const found = page.getByRole("table", { name: "People who can open this contract" });
  await expect(found.getByText(`Leo Leaves ${suffix}`)).toBeVisible();
  await expect(found.getByText(`Stella Stays ${suffix}`)).toHaveCount(0);
  await expect(found.getByText("“Legal reads litigation files”")).toBeVisible();
  await page.getByRole("searchbox", { name: "Find a person" }).fill("");
  await page.screenshot({ path: "test-results/screenshots/access-review-past.png", fullPage: true });

  const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  expect(csvDownload.suggestedFilename()).toMatch(/^access-contract-.*\.csv$/);
  const csv = readFileSync(await csvDownload.path(), "utf8");
  const lines = csv.trim().split(/\r\n/);
  expect(lines[0]).toMatch(/^at,userId,userName,displayName,contractId,contractTitle/);
  expect(lines).toHaveLength(3);
  expect(csv).toContain(`leo.${suffix}@contoso.example`);
  expect(csv).toContain(`stella.${suffix}@contoso.example`);
  expect(csv).toContain(`Legal ${suffix}`);

  const [jsonDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export JSON" }).click()]);
  const json = JSON.parse(readFileSync(await jsonDownload.path(), "utf8"));
  expect(json.subject).toMatchObject({ kind: "contract", id: contract.id });
  expect(json.rows.map((r: { userName: string }) => r.userName).sort()).toEqual([`leo.${suffix}@contoso.example`, `stella.${suffix}@contoso.example`]);

  // The same answer on the contract's own page.
  await page.goto(`/dashboard/contracts/${contract.id}`);
  await expect(page.getByRole("heading", { level: 2, name: "Who can open this and why" })).toBeVisible();
  await page.getByRole("list", { name: "Reasons people can open this contract" }).getByRole("button", { name: "Show 1 person" }).click();
  await expect(page.getByRole("table", { name: `People through rule Legal reads litigation files via Legal ${suffix}` }).getByText(`Stella Stays ${suffix}`)).toBeVisible();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: "test-results/screenshots/readers-grouped-1440.png", fullPage: true });
  await page.getByRole("searchbox", { name: "Find a person" }).fill("stella");
  await expect(page.getByRole("table", { name: "People who can open this contract" }).getByText(`Stella Stays ${suffix}`)).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/contract-detail.png", fullPage: true });
});
