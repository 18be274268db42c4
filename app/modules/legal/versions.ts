/**
 * The versions of the legal texts (/terms, /privacy). Change a version whenever the text's
 * meaning changes: each sign-up records the versions it agreed to (Consent), as Decree
 * 13/2023/ND-CP on personal data asks consent to be provable.
 */
export const TERMS_VERSION = "2026-12-03";
export const PRIVACY_VERSION = "2026-12-03";
