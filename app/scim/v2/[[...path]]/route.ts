// All of /scim/v2 is dispatched by lib/scim/router.ts (authentication, errors, request log).
import { handleScimRequest } from "@/lib/scim/router";

export const dynamic = "force-dynamic";

export const GET = handleScimRequest;
export const POST = handleScimRequest;
export const PUT = handleScimRequest;
export const PATCH = handleScimRequest;
export const DELETE = handleScimRequest;
