import { expect, test } from "@playwright/test";
import { postOk, signIn } from "./fixtures";

// Time in the dashboard (issue 15): the point-in-time selector cannot pick the future (its max is
// now; a future value typed in is refused with an error next to the field and not applied), and a
// contract's date-only end date reads as the inclusive day it was given.

test("the As of picker refuses the future; a past instant is applied", async ({ page }) => {
  await signIn(page);
  await page.goto("/dashboard/access-review");
  await expect(page.getByRole("heading", { level: 1, name: "Access review" })).toBeVisible();
  const asOf = page.getByLabel("As of");
  await asOf.focus();
  const max = await asOf.getAttribute("max");
  expect(max).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  const maxMs = await page.evaluate((m) => new Date(m!).getTime(), max);
  expect(Math.abs(maxMs - Date.now())).toBeLessThan(120_000);

  const local = (ms: number) =>
    page.evaluate((t) => {
      const d = new Date(t);
      const p = (n: number) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    }, ms);
  await asOf.fill(await local(Date.now() + 2 * 86_400_000));
  await expect(page.getByRole("alert").filter({ hasText: "in the future" })).toBeVisible();
  await expect(asOf).toHaveAttribute("aria-invalid", "true");
  await expect(page).not.toHaveURL(/at=/);
  await expect(page.getByText("Showing access now.")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/at-selector-future.png", fullPage: true });

  await asOf.fill(await local(Date.now() - 86_400_000));
  await expect(page.getByRole("alert").filter({ hasText: "in the future" })).toHaveCount(0);
  await expect(asOf).not.toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/at=/);
  await expect(page.getByText(/Showing access as it was at/)).toBeVisible();
});

test("a contract's date-only end date shows as that day, inclusive", async ({ page }) => {
  const suffix = Date.now().toString(36);
  await signIn(page);
  const repo = await postOk<{ id: string }>(page.request, "/api/admin/repositories", { name: `Leases ${suffix}` });
  const contract = await postOk<{ id: string; endDate: string; accessEndsAt: string }>(page.request, "/api/admin/contracts", {
    title: `Harbour lease ${suffix}`, contractType: "Lease", repositoryId: repo.id, endDate: "2030-03-31",
  });
  expect(contract.endDate).toBe("2030-03-31");
  expect(contract.accessEndsAt).toBe("2030-04-01T00:00:00.000Z");
  await page.goto(`/dashboard/contracts/${contract.id}`);
  await expect(page.getByRole("heading", { level: 1, name: `Harbour lease ${suffix}` })).toBeVisible();
  await expect(page.locator("time[datetime='2030-03-31']").first()).toBeVisible();
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByLabel("End date")).toHaveValue("2030-03-31");
});
