import { z } from "zod";

/**
 * What people type into Techex is cleaned before it is validated and stored, in the zod
 * schemas every form, import and API shares. Bidirectional formatting characters reorder
 * the text around them (Trojan Source, CVE-2021-42574): a title or an organisation name
 * holding U+202E shows its end first, and spills into whatever is printed after it. NUL
 * is refused by PostgreSQL, and the other controls have no business in text either.
 */

/** Embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069). */
const BIDI_FORMATTING = /[\u202A-\u202E\u2066-\u2069]/g;
/** The invisible direction marks LRM, RLM and ALM: of use in running text, not in a name, where they only make two names look alike. */
const BIDI_MARKS = /[\u200E\u200F\u061C]/g;
/** Line and paragraph breaks of every kind, and tabs: a space in a single line. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROLS_BUT_TAB_AND_LINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** A name, title or e-mail address as one line: no bidi formatting or marks, no controls, breaks and runs of spaces as one space, trimmed. */
export function toSingleLine(text: string): string {
  return text.replace(BIDI_FORMATTING, "").replace(BIDI_MARKS, "").replace(BREAKS, " ").replace(CONTROLS, "").replace(/\s+/g, " ").trim();
}

/** Running text (a description, a message): tabs and line breaks kept, bidi embeddings, overrides and isolates and the other controls removed. */
export function toMultiLine(text: string): string {
  return text.replace(BIDI_FORMATTING, "").replace(CONTROLS_BUT_TAB_AND_LINES, "");
}

/** Only the controls taken out (tab and line breaks kept): what every submitted form field gets (app/lib/http.server.ts readForm). */
export function withoutControls(text: string): string {
  return text.replace(CONTROLS_BUT_TAB_AND_LINES, "");
}

const cleanWith = (clean: (text: string) => string) => (value: unknown) => (typeof value === "string" ? clean(value) : value);

/**
 * A single-line text field: `schema` (its length limits, its messages) sees the text
 * after toSingleLine, so a title of bidi characters alone is as empty as a blank one.
 */
export function singleLine<T extends z.ZodTypeAny>(schema: T) {
  return z.preprocess(cleanWith(toSingleLine), schema);
}

/** A multi-line text field: `schema` sees the text after toMultiLine. */
export function multiLine<T extends z.ZodTypeAny>(schema: T) {
  return z.preprocess(cleanWith(toMultiLine), schema);
}
