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

// ---------------------------------------------------------------------------
// Verification of an organisation's registration (docs/organisation-verification.md)

export const REGISTRATION_KINDS = ["ENTERPRISE_CODE", "SCIENCE_TECHNOLOGY_REGISTRATION", "ESTABLISHMENT_DECISION"] as const;
export type RegistrationKind = (typeof REGISTRATION_KINDS)[number];

/**
 * Mã số doanh nghiệp (= mã số thuế): 10 digits, or 10 + "-" + 3 for a branch. Only the format is
 * checked: the check-digit rule that circulates (Decision 75/1998/QĐ-TCT) is not published in
 * the current registration rules, and a refused genuine code would lock a company out; the
 * broker checks the number against the national register anyway.
 */
export const ENTERPRISE_CODE = /^\d{10}(-\d{3})?$/;
/** A certificate or decision number as printed: "A-1234", "123/QĐ-TTg", "05/ĐK-KHCN". */
export const OTHER_REGISTRATION_NUMBER = /^[\p{L}\p{N}][\p{L}\p{N} ./-]{0,59}$/u;

/** An enterprise code is typed with spaces or dots now and then ("0101 234 567"); they are dropped. */
export function normaliseRegistrationNumber(kind: RegistrationKind, value: string): string {
  const trimmed = value.trim().normalize("NFC");
  return kind === "ENTERPRISE_CODE" ? trimmed.replace(/[\s.]/g, "") : trimmed.replace(/\s+/g, " ");
}

export const verificationSubmissionSchema = z
  .object({
    registrationKind: z.enum(REGISTRATION_KINDS, { errorMap: () => ({ message: "errors.chooseOne" }) }),
    registrationNumber: singleLine(z.string({ required_error: "errors.required" }).min(1, "errors.required").max(60, "errors.tooLong")),
    registeredName: singleLine(z.string({ required_error: "errors.required" }).min(2, "errors.nameTooShort").max(200, "errors.tooLong")),
  })
  .transform((v, ctx) => {
    const registrationNumber = normaliseRegistrationNumber(v.registrationKind, v.registrationNumber);
    const ok = v.registrationKind === "ENTERPRISE_CODE" ? ENTERPRISE_CODE.test(registrationNumber) : OTHER_REGISTRATION_NUMBER.test(registrationNumber);
    if (!ok) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["registrationNumber"], message: v.registrationKind === "ENTERPRISE_CODE" ? "verification.errors.enterpriseCode" : "verification.errors.registrationNumber" });
      return z.NEVER;
    }
    return { ...v, registrationNumber };
  });

export const VERIFICATION_REASON_LENGTH = { min: 10, max: 2000 } as const;

/** A broker's decision on one submission; refusing needs a reason the organisation will read. */
export const verificationDecisionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("verify"), submissionId: rowId }),
  z.object({
    intent: z.literal("reject"),
    submissionId: rowId,
    reason: multiLine(
      z
        .string({ required_error: "verification.errors.reasonRequired" })
        .trim()
        .min(VERIFICATION_REASON_LENGTH.min, "verification.errors.reasonRequired")
        .max(VERIFICATION_REASON_LENGTH.max, "errors.tooLong"),
    ),
  }),
]);

export type VerificationSubmissionInput = z.infer<typeof verificationSubmissionSchema>;
export type VerificationDecisionInput = z.infer<typeof verificationDecisionSchema>;
