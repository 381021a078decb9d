import { expect, test } from "@playwright/test";
import { SCIM_HEADERS, SCIM_USER, postOk, scimUserAndGroup, signIn, uniqueSuffix, waitForRequestLog } from "./fixtures";

// Monitoring and policies as an admin sees them: the directory page shows the health of the
// identity provider's traffic (errors by class, rejected writes, ignored attributes) and saves
// the inactivity policy; the overview lists access ending within 30 days.

test("directory health, inactivity policy and access ending soon", async ({ page, request }) => {
  const suffix = uniqueSuffix();
  await signIn(page);

  // Traffic from the identity provider (the bootstrap "Default" directory): an unknown
  // attribute, a refused PATCH, a lookup of a user that does not exist.
  const since = new Date().toISOString();
  const { user, group } = await scimUserAndGroup(request, suffix);
  await postOk(request, "/scim/v2/Users", { schemas: [SCIM_USER], userName: `bo.${suffix}@contoso.example`, shoeSize: 44 }, SCIM_HEADERS);
  const refused = await request.patch(`/scim/v2/Users/${user.id}`, {
    headers: SCIM_HEADERS,
    data: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "remove" }] },
  });
  expect(refused.status()).toBe(400);
  expect((await request.get("/scim/v2/Users/does-not-exist", { headers: SCIM_HEADERS })).status()).toBe(404);
  // The health panels read the request log, written in batches: the last request must have landed
  // (and with it every earlier one) before the page is opened.
  await waitForRequestLog(page.request, { path: "/Users/does-not-exist", status: "404", from: since });

  // A contract ending in ten days that the group can open.
  const repo = await postOk<{ id: string }>(page.request, "/api/admin/repositories", { name: `Suppliers ${suffix}` });
  const endDate = new Date(Date.now() + 10 * 86_400_000).toISOString();
  await postOk(page.request, "/api/admin/contracts", { title: `Catering agreement ${suffix}`, contractType: "Supply", confidentiality: "internal", repositoryId: repo.id, endDate });
  await postOk(page.request, "/api/admin/rules", { name: "Procurement reads supplier contracts", groupId: group.id, level: "view", repositoryId: repo.id, justification: "Procurement reads supplier contracts" });

  // The directory page: health panels.
  const directories = (await (await page.request.get("/api/admin/directories?search=Default")).json()) as { items: { id: string; name: string }[] };
  const directory = directories.items.find((d) => d.name === "Default")!;
  await page.goto(`/dashboard/directories/${directory.id}`);
  const errors = page.getByTestId("error-classes");
  await expect(errors).toBeVisible();
  await expect(errors.getByRole("row", { name: /1 hour/ })).toBeVisible();
  await expect(page.getByTestId("rejected-writes").getByText(/PATCH\s+noTarget/)).toBeVisible();
  await expect(page.getByText("shoeSize", { exact: true })).toBeVisible();

  // The inactivity policy: a bad value is refused next to its field, a good one is saved.
  const form = page.getByRole("form", { name: "Inactivity policy" });
  await form.getByLabel("Flag inactive users").check();
  await form.getByLabel("Days without contact").fill("0");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(form.getByLabel("Days without contact")).toHaveAttribute("aria-invalid", "true");
  await form.getByLabel("Days without contact").fill("45");
  await form.getByLabel("Then").selectOption("suspend");
  await form.getByRole("button", { name: "Save policy" }).click();
  // The refreshed directory has landed (the summary shows the new policy), and the confirmation
  // is still there: it used to vanish with the refetch (the settings remount with the new values).
  await expect(page.getByTestId("inactivity-summary")).toContainText("45 days");
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("inactivity-summary")).toContainText("45 days");
  await expect(page.getByTestId("inactivity-summary")).toContainText("suspended");
  await expect(page.getByRole("form", { name: "Inactivity policy" }).getByLabel("Then")).toHaveValue("suspend");
  await page.screenshot({ path: "test-results/screenshots/monitoring-directory.png", fullPage: true });

  // The overview: access ending in the next 30 days, with the people who lose it and a link.
  await page.goto("/dashboard");
  const expiring = page.getByTestId("expiring-access");
  const row = expiring.getByRole("row", { name: new RegExp(`Catering agreement ${suffix}`) });
  await expect(row).toBeVisible();
  await expect(row.getByRole("cell").nth(2)).toHaveText("1");
  await expect(row.getByRole("link", { name: "Review" })).toHaveAttribute("href", /\/dashboard\/access-review\?subject=contract&id=/);
  await page.getByRole("heading", { name: "Access ending in the next 30 days" }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screenshots/monitoring-overview.png", fullPage: true });
});
