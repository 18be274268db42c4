// Prisma 7 reads the connection here, not from schema.prisma. The URL is only
// needed by CLI commands that talk to a database; `prisma generate` does not.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/techex" },
});
