// How a page reads: it names a domain query function (lib/<domain>/queries.ts) and never holds
// the database client; read() hands the client over. Routes and tests call the same functions
// with the client they already have.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getPrisma } from "./client";

export async function read<R>(query: (prisma: PrismaClient) => Promise<R>): Promise<R>;
export async function read<O, R>(query: (prisma: PrismaClient, options: O) => Promise<R>, options: O): Promise<R>;
export async function read<O, R>(query: (prisma: PrismaClient, options?: O) => Promise<R>, options?: O): Promise<R> {
  return query(await getPrisma(), options);
}
