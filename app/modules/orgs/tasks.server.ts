import type { TaskList } from "graphile-worker";
import { logger } from "~/lib/logger.server.ts";
import { sendInvitationEmail } from "./invitation-email.server.ts";
import { INVITATION_EMAIL_TASK } from "./invitations.server.ts";

/** This feature's background jobs (graphile-worker), merged into the worker's task list. */
export const organisationTasks: TaskList = {
  /** One invitation's e-mail (queued by inviteMember in the invitation's transaction); a transport failure throws and is retried. */
  [INVITATION_EMAIL_TASK]: async (payload) => {
    const { invitationId } = (payload ?? {}) as { invitationId?: unknown };
    if (typeof invitationId !== "string") throw new Error(`bad payload: ${JSON.stringify(payload)}`);
    const outcome = await sendInvitationEmail(invitationId);
    logger.debug("invitation e-mail", { invitationId, outcome });
  },
};
