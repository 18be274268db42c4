import { z } from "zod";

export const ORGANISATION_KINDS = ["ENTERPRISE", "RESEARCH_INSTITUTE", "UNIVERSITY", "INDIVIDUAL", "BROKER_CENTER"] as const;
export const MEMBERSHIP_ROLES = ["OWNER", "MEMBER"] as const;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, "errors.tooLong")
    .optional()
    .transform((v) => (v ? v : undefined));

export const organisationSchema = z.object({
  name: z.string({ required_error: "errors.required" }).trim().min(2, "errors.nameTooShort").max(200, "errors.tooLong"),
  kind: z.enum(ORGANISATION_KINDS, { errorMap: () => ({ message: "errors.chooseOne" }) }),
  description: optionalText(2000),
  website: optionalText(300).refine((v) => !v || /^https?:\/\/[^\s]+\.[^\s]+$/i.test(v), "errors.url"),
  email: optionalText(254).refine((v) => !v || z.string().email().safeParse(v).success, "errors.email"),
  phone: optionalText(30).refine((v) => !v || /^[+0-9 ().-]{6,30}$/.test(v), "errors.phone"),
  provinceCode: optionalText(2).refine((v) => !v || /^\d{2}$/.test(v), "errors.chooseOne"),
  taxCode: optionalText(14).refine((v) => !v || /^\d{10}(-\d{3})?$/.test(v), "errors.taxCode"),
});

export const addMemberSchema = z.object({
  intent: z.literal("add-member"),
  email: z.string({ required_error: "errors.required" }).trim().toLowerCase().email("errors.email"),
  role: z.enum(MEMBERSHIP_ROLES, { errorMap: () => ({ message: "errors.chooseOne" }) }),
});

export const removeMemberSchema = z.object({
  intent: z.literal("remove-member"),
  membershipId: z.string().min(1),
});

export const changeRoleSchema = z.object({
  intent: z.literal("change-role"),
  membershipId: z.string().min(1),
  role: z.enum(MEMBERSHIP_ROLES),
});

export const membersActionSchema = z.discriminatedUnion("intent", [addMemberSchema, removeMemberSchema, changeRoleSchema]);

export type OrganisationInput = z.infer<typeof organisationSchema>;
