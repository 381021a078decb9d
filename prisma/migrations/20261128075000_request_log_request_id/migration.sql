-- Evidence packs: find the SCIM request (received time) behind an audit event by its request id.
CREATE INDEX "RequestLog_requestId_idx" ON "RequestLog"("requestId");
