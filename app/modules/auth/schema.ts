import { z } from "zod";
import { singleLine } from "~/lib/text.ts";
import { safeRedirectPath } from "~/lib/redirect.ts";

/**
 * Form schemas shared by the browser (instant feedback through conform) and the
 * server (the truth). Messages are i18n keys, translated where they are shown.
 */
export const emailField = singleLine(
  z.string({ required_error: "errors.required" }).min(1, "errors.required").max(254, "errors.tooLong").email("errors.email"),
).transform((v) => v.toLowerCase());

export const passwordField = z
  .string({ required_error: "errors.required" })
  .min(10, "errors.passwordTooShort")
  .max(128, "errors.tooLong")
  .refine((v) => /\p{L}/u.test(v) && /\d/.test(v), "errors.passwordWeak");

export const redirectToField = z
  .string()
  .optional()
  .transform((v) => safeRedirectPath(v));

export const signupSchema = z
  .object({
    name: singleLine(z.string({ required_error: "errors.required" }).min(2, "errors.nameTooShort").max(100, "errors.tooLong")),
    email: emailField,
    password: passwordField,
    confirmPassword: z.string({ required_error: "errors.required" }),
    redirectTo: redirectToField,
  })
  .refine((v) => v.password === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "errors.passwordsDiffer",
  });

export const loginSchema = z.object({
  email: emailField,
  password: z.string({ required_error: "errors.required" }).min(1, "errors.required").max(128, "errors.tooLong"),
  redirectTo: redirectToField,
});

export type SignupInput = z.infer<typeof signupSchema>;
export type LoginInput = z.infer<typeof loginSchema>;
