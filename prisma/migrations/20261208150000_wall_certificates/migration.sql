-- Screen certificates of ethical walls (issue 20): stored when a wall is lifted (one per wall,
-- "liftOf") or issued on request by someone with walls:write (lib/walls/certificate.ts).
CREATE TABLE "WallCertificate" (
    "id" TEXT NOT NULL,
    "wallId" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "liftOf" TEXT,
    "periodFrom" TIMESTAMP(3) NOT NULL,
    "periodTo" TIMESTAMP(3) NOT NULL,
    "issuedAt" TIMESTAMP(3) NOT NULL,
    "document" JSONB NOT NULL,
    "sha256" TEXT NOT NULL,
    "eventId" TEXT,

    CONSTRAINT "WallCertificate_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "WallCertificate_liftOf_key" ON "WallCertificate"("liftOf");
CREATE INDEX "WallCertificate_wallId_issuedAt_idx" ON "WallCertificate"("wallId", "issuedAt");
