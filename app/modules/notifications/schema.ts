import { z } from "zod";

/**
 * Where one kind of notification goes, per person: both (the default, and what every event
 * did before preferences existed), in the app only, or nowhere. "E-mail without the in-app
 * notice" is not offered: the e-mail is written from the in-app notification's row.
 */
export const NOTIFICATION_CHANNELS = ["IN_APP_AND_EMAIL", "IN_APP_ONLY", "OFF"] as const;
export type NotificationChannelChoice = (typeof NOTIFICATION_CHANNELS)[number];
export const DEFAULT_CHANNEL: NotificationChannelChoice = "IN_APP_AND_EMAIL";

/**
 * The events a person chooses for, in the order the account page lists them. MATCH_SUGGESTED
 * is not among them: nothing raises it any more (the daily MATCH_DIGEST replaced it).
 */
export const PREFERENCE_EVENTS = [
  "INQUIRY_RECEIVED",
  "INQUIRY_ANSWERED",
  "MODERATION_DECISION",
  "MATCH_DIGEST",
  "DEAL_STAGE_CHANGED",
  "PAYMENT_RECEIVED",
  "SAVED_SEARCH_ALERT",
  "LISTING_EXPIRING",
  "ORGANISATION_VERIFICATION",
] as const;
export type PreferenceEvent = (typeof PREFERENCE_EVENTS)[number];

const channel = z.enum(NOTIFICATION_CHANNELS, { errorMap: () => ({ message: "errors.chooseOne" }) });

/** The notification preferences form: one channel per event, every event required. */
export const notificationPreferencesSchema = z.object(
  Object.fromEntries(PREFERENCE_EVENTS.map((event) => [event, channel])) as Record<PreferenceEvent, typeof channel>,
);
export type NotificationPreferencesInput = z.infer<typeof notificationPreferencesSchema>;
