-- Issue 18: the decision log — last permit per person × contract through the AuthZEN API.
CREATE TABLE "DecisionLog" (
    "userId" TEXT NOT NULL,
    "contractId" TEXT NOT NULL,
    "lastPermitAt" TIMESTAMP(3) NOT NULL,
    "permits" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DecisionLog_pkey" PRIMARY KEY ("userId","contractId")
);

CREATE INDEX "DecisionLog_contractId_idx" ON "DecisionLog"("contractId");
