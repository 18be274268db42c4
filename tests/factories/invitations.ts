import { createHash, randomBytes } from "node:crypto";
import type { Prisma } from "../../app/generated/prisma/client.ts";
import { prisma } from "../../app/lib/db.server.ts";
import { unique } from "./index.ts";

const DAY = 24 * 60 * 60 * 1000;

/**
 * An open invitation with a link already issued, as the e-mail job leaves it: the token is
 * returned (the table holds only its SHA-256). Override only what a test is about.
 */
export async function createInvitation(organisationId: string, overrides: Partial<Prisma.OrganisationInvitationUncheckedCreateInput> = {}) {
  const token = randomBytes(32).toString("base64url");
  const invitation = await prisma.organisationInvitation.create({
    data: {
      organisationId,
      email: `${unique("invitee")}@example.test`,
      role: "MEMBER",
      expiresAt: new Date(Date.now() + 7 * DAY),
      tokenHash: createHash("sha256").update(token).digest("hex"),
      sentAt: new Date(),
      ...overrides,
    },
  });
  return { invitation, token };
}
