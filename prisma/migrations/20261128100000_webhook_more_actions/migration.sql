-- Reactivations (user.activated) and group updates that also changed members (group.updated with
-- membersAdded/membersRemoved in `after`) become webhook events too. lib/webhooks/events.ts decides
-- per event (a rename alone is enqueued and fans out to nothing). Keep in step with
-- WEBHOOK_SOURCE_ACTIONS.
CREATE OR REPLACE FUNCTION "webhook_outbox_enqueue"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "WebhookEndpoint" WHERE "enabled") THEN
    INSERT INTO "WebhookOutbox" ("auditEventId")
    SELECT n."id" FROM new_rows n
    WHERE n."action" IN ('user.created', 'user.updated', 'user.activated', 'user.deactivated', 'user.deleted',
                         'group.members_changed', 'group.updated', 'access.granted', 'access.revoked',
                         'audit.chain_broken')
    ORDER BY n."seq";
  END IF;
  RETURN NULL;
END;
$$;
