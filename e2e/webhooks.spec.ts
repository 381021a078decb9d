import { expect, test } from "@playwright/test";
import { startWebhookReceiver } from "../lib/testing/webhook-receiver";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "../lib/webhooks/signature";
import { postOk, SCIM_HEADERS, SCIM_USER, signIn, uniqueSuffix } from "./fixtures";

// An admin registers an endpoint pointing at a receiver this spec runs on 127.0.0.1 (allowed for
// the e2e server by WEBHOOK_ALLOW_PRIVATE_TARGETS in playwright.config.ts), provisions a person
// over SCIM, and sees the signed delivery arrive and in the log; then a test event and a replay.
test("an admin registers a webhook endpoint and sees a provisioning event delivered, signed", async ({ page, request }) => {
  const receiver = await startWebhookReceiver();
  try {
    await signIn(page);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();

    await page.getByRole("button", { name: "New endpoint" }).click();
    const dialog = page.getByRole("dialog", { name: "New webhook endpoint" });
    // A private target that is not allowed is refused on the field.
    await dialog.getByLabel("URL").fill("http://169.254.169.254/latest/meta-data");
    await dialog.getByRole("checkbox", { name: /User provisioned/ }).check();
    await dialog.getByRole("button", { name: "Create endpoint" }).click();
    await expect(dialog.getByText(/link-local address/)).toBeVisible();
    await dialog.getByLabel("URL").fill(receiver.url);
    await dialog.getByLabel("Description").fill("HR system (e2e)");
    await dialog.getByRole("checkbox", { name: /User deactivated/ }).check();
    await page.screenshot({ path: "test-results/screenshots/webhooks-new-endpoint.png", fullPage: true });
    await dialog.getByRole("button", { name: "Create endpoint" }).click();

    const secretDialog = page.getByRole("alertdialog", { name: "Endpoint created" });
    await expect(secretDialog).toBeVisible();
    const secret = await secretDialog.getByLabel("Signing secret").inputValue();
    expect(secret).toMatch(/^whsec_/);
    await page.screenshot({ path: "test-results/screenshots/webhooks-secret-once.png", fullPage: true });
    await secretDialog.getByRole("button", { name: /I have copied it/ }).click();
    const endpoint = page.getByRole("listitem", { name: `Endpoint ${receiver.url}` });
    await expect(endpoint.getByText("enabled", { exact: true })).toBeVisible();

    // A person provisioned by the identity provider → user.provisioned at the receiver, signed.
    const suffix = uniqueSuffix();
    const user = await postOk<{ id: string }>(request, "/scim/v2/Users", { schemas: [SCIM_USER], userName: `wes.${suffix}@contoso.example` }, SCIM_HEADERS);
    const provisioned = () => receiver.received.filter((r) => JSON.parse(r.body).data?.target?.id === user.id);
    await expect.poll(() => provisioned().length, { timeout: 15_000 }).toBe(1);
    const [delivered] = provisioned();
    expect(JSON.parse(delivered.body)).toMatchObject({ type: "user.provisioned", data: { action: "user.created" } });
    expect(verifyWebhookSignature({ body: delivered.body, header: delivered.headers[SIGNATURE_HEADER.toLowerCase()] as string, secret })).toMatchObject({ ok: true });

    const log = page.getByRole("table", { name: "Webhook deliveries" });
    const row = log.getByRole("row").filter({ hasText: "user.provisioned" }).filter({ hasText: receiver.url });
    await expect(async () => {
      await page.getByRole("button", { name: "Refresh" }).click();
      await expect(row.getByText("succeeded")).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await expect(row.getByText("HTTP 200")).toBeVisible();

    // Send a test event, then replay the provisioning delivery.
    await endpoint.getByRole("button", { name: `Send test event to ${receiver.url}` }).click();
    await expect(page.getByText("Test event queued")).toBeVisible();
    await row.getByRole("button", { name: /^Replay delivery/ }).click();
    await expect(page.getByText("Replay queued")).toBeVisible();
    await expect.poll(() => provisioned().length, { timeout: 15_000 }).toBe(2);
    expect(provisioned()[1].body).toBe(delivered.body);
    await expect.poll(() => receiver.received.filter((r) => JSON.parse(r.body).type === "webhook.test").length, { timeout: 15_000 }).toBe(1);
    await expect(async () => {
      await page.getByRole("button", { name: "Refresh" }).click();
      await expect(log.getByRole("row").filter({ hasText: "webhook.test" }).getByText("succeeded")).toBeVisible({ timeout: 1000 });
      await expect(log.getByRole("row").filter({ has: page.getByText("replay", { exact: true }) }).getByText("succeeded")).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 15_000 });

    // Filter by status; open a delivery's details.
    await page.getByLabel("Status").selectOption("failed");
    await expect(log.getByRole("row").filter({ hasText: receiver.url })).toHaveCount(0);
    await page.getByLabel("Status").selectOption("succeeded");
    await expect(log.getByRole("row").filter({ hasText: receiver.url })).toHaveCount(3);
    await page.screenshot({ path: "test-results/screenshots/webhooks-delivery-log.png", fullPage: true });
    await log.getByRole("row").filter({ hasText: "user.provisioned" }).first().getByRole("button", { name: /^Details of delivery/ }).click();
    const details = page.getByRole("dialog", { name: "Delivery" });
    await expect(details.getByText(/HTTP 200 ·/).first()).toBeVisible();
    await expect(details.getByText(`"id": "${user.id}"`)).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/webhooks-delivery-details.png", fullPage: true });
    await details.getByRole("button", { name: "Close" }).click();

    // Disable: the endpoint says so and test events are no longer offered.
    await endpoint.getByRole("button", { name: `Disable ${receiver.url}` }).click();
    await expect(endpoint.getByText("disabled", { exact: true })).toBeVisible();
    await expect(endpoint.getByRole("button", { name: `Send test event to ${receiver.url}` })).toBeDisabled();
  } finally {
    await receiver.close();
  }
});
