import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/audit/record";
import type { ScimPrincipal } from "../auth";

export interface ScimContext {
  request: Request;
  url: URL;
  prisma: PrismaClient;
  principal: ScimPrincipal;
  actor: Actor;
  /** e.g. https://custodian.example/scim/v2 — for meta.location and $ref. */
  baseUrl: string;
}
