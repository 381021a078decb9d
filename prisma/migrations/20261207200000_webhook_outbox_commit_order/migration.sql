-- Since 20261207140100_audit_deferred_link an event is inserted unlinked with seq = -nextval(...),
-- so within one statement a later row has a SMALLER seq: ordering the outbox by seq ascending
-- queued a batch of access changes in reverse. Descending seq is insertion order again (the link
-- at commit keeps that order for the chain positions).
CREATE OR REPLACE FUNCTION "webhook_outbox_enqueue"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "WebhookEndpoint" WHERE "enabled") THEN
    INSERT INTO "WebhookOutbox" ("auditEventId")
    SELECT n."id" FROM new_rows n
    WHERE n."action" IN ('user.created', 'user.updated', 'user.activated', 'user.deactivated', 'user.deleted',
                         'group.members_changed', 'group.updated', 'access.granted', 'access.revoked',
                         'audit.chain_broken')
    ORDER BY n."seq" DESC;
  END IF;
  RETURN NULL;
END;
$$;
