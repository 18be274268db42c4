import { z } from "zod";
import { multiLine, singleLine } from "~/lib/text.ts";
import { emailField } from "~/modules/auth/schema.ts";

export const ORGANISATION_KINDS = ["ENTERPRISE", "RESEARCH_INSTITUTE", "UNIVERSITY", "INDIVIDUAL", "BROKER_CENTER"] as const;
export const MEMBERSHIP_ROLES = ["OWNER", "MEMBER"] as const;

/** An optional one-line field, cleaned like every name and address (decision 012); empty is unset. */
const optionalLine = (max: number) => singleLine(z.string().max(max, "errors.tooLong").optional()).transform((v) => (v ? v : undefined));

export const organisationSchema = z.object({
  name: singleLine(z.string({ required_error: "errors.required" }).min(2, "errors.nameTooShort").max(200, "errors.tooLong")),
  kind: z.enum(ORGANISATION_KINDS, { errorMap: () => ({ message: "errors.chooseOne" }) }),
  description: multiLine(z.string().trim().max(2000, "errors.tooLong").optional()).transform((v) => (v ? v : undefined)),
  website: optionalLine(300).refine((v) => !v || /^https?:\/\/[^\s]+\.[^\s]+$/i.test(v), "errors.url"),
  email: optionalLine(254).refine((v) => !v || z.string().email().safeParse(v).success, "errors.email"),
  phone: optionalLine(30).refine((v) => !v || /^[+0-9 ().-]{6,30}$/.test(v), "errors.phone"),
  provinceCode: optionalLine(2).refine((v) => !v || /^\d{2}$/.test(v), "errors.chooseOne"),
  taxCode: optionalLine(14).refine((v) => !v || /^\d{10}(-\d{3})?$/.test(v), "errors.taxCode"),
});

/** A row id from a form (a cuid: 25 letters and digits); anything far from that is a field error, not a query. */
const rowId = z
  .string({ required_error: "errors.required" })
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "errors.chooseOne");

const membershipRole = z.enum(MEMBERSHIP_ROLES, { errorMap: () => ({ message: "errors.chooseOne" }) });

/** The owner's "invite" form: membership is by invitation, never by adding an account directly. */
export const inviteMemberSchema = z.object({
  intent: z.literal("invite"),
  email: emailField,
  role: membershipRole,
});

export const revokeInvitationSchema = z.object({
  intent: z.literal("revoke-invitation"),
  invitationId: rowId,
});

export const removeMemberSchema = z.object({
  intent: z.literal("remove-member"),
  membershipId: rowId,
});

export const changeRoleSchema = z.object({
  intent: z.literal("change-role"),
  membershipId: rowId,
  role: membershipRole,
});

export const membersActionSchema = z.discriminatedUnion("intent", [inviteMemberSchema, revokeInvitationSchema, removeMemberSchema, changeRoleSchema]);

/** The invitee's answer on the invitation's page (the link's token is in the URL). */
export const invitationAnswerSchema = z.object({
  intent: z.enum(["accept", "decline"], { errorMap: () => ({ message: "errors.chooseOne" }) }),
});

/** The same answer in the app (dashboard), for an invitation to the signed-in account's verified address. */
export const pendingInvitationAnswerSchema = invitationAnswerSchema.extend({ invitationId: rowId });

export type InviteMemberInput = z.infer<typeof inviteMemberSchema>;
export type OrganisationInput = z.infer<typeof organisationSchema>;
