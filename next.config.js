// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite and pg must be loaded by Node at run time, not bundled (PGlite ships WASM + data files).
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "@prisma/adapter-pg"],
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: false },
};

module.exports = nextConfig;
