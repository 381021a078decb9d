-- Erasure, inside every SCIM DELETE, clears the personal fields from the bodies of the webhook
-- deliveries of the person's audit events, found by event id: without this index every DELETE read
-- every delivery ever kept.
CREATE INDEX "WebhookDelivery_eventId_idx" ON "WebhookDelivery"("eventId");
