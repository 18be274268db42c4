import { describe, expect, it } from "vitest";
import { describeDevice } from "~/modules/account/device.server.ts";
import { deleteAccountSchema, passwordChangeSchema, profileSchema } from "~/modules/account/schema.ts";
import { notificationPreferencesSchema, PREFERENCE_EVENTS } from "~/modules/notifications/schema.ts";

describe("describeDevice", () => {
  it("names the browser's major version and the system, as a person knows them", () => {
    expect(describeDevice("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0")).toBe("Firefox 133 · Windows");
    expect(describeDevice("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")).toBe("Safari 17 · iOS");
    expect(describeDevice("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36")).toBe("Chrome 131 · Android");
    expect(describeDevice(null)).toBeNull();
    expect(describeDevice("")).toBeNull();
    // Something unknown is shown as sent, cut short.
    expect(describeDevice("curl/8.5.0")).toMatch(/curl/);
  });
});

describe("account forms", () => {
  it("clean the profile and refuse what is not a name, a phone or a supported language", () => {
    expect(profileSchema.parse({ name: "  Lan\u0000  Nguyen ", phone: "", locale: "vi" })).toEqual({ name: "Lan Nguyen", phone: undefined, locale: "vi" });
    expect(profileSchema.safeParse({ name: "L", locale: "vi" }).success).toBe(false);
    expect(profileSchema.safeParse({ name: "Lan", phone: "call me", locale: "vi" }).success).toBe(false);
    expect(profileSchema.safeParse({ name: "Lan", locale: "fr" }).success).toBe(false);
  });

  it("want a new password of at least 10 characters, typed twice, and the deletion confirmed", () => {
    const ok = { currentPassword: "x", newPassword: "mat-khau-2026", confirmPassword: "mat-khau-2026" };
    expect(passwordChangeSchema.safeParse(ok).success).toBe(true);
    expect(passwordChangeSchema.safeParse({ ...ok, newPassword: "short", confirmPassword: "short" }).success).toBe(false);
    expect(passwordChangeSchema.safeParse({ ...ok, confirmPassword: "other-password-1" }).success).toBe(false);
    expect(passwordChangeSchema.safeParse({ ...ok, currentPassword: "" }).success).toBe(false);
    expect(deleteAccountSchema.safeParse({ password: "x", confirm: "yes" }).success).toBe(true);
    expect(deleteAccountSchema.safeParse({ password: "x" }).success).toBe(false);
  });

  it("take one of three channels for every event on the preferences form", () => {
    const all = Object.fromEntries(PREFERENCE_EVENTS.map((e) => [e, "IN_APP_ONLY"]));
    expect(notificationPreferencesSchema.safeParse(all).success).toBe(true);
    expect(notificationPreferencesSchema.safeParse({ ...all, PAYMENT_RECEIVED: "EMAIL_ONLY" }).success).toBe(false);
    const { LISTING_EXPIRING: _left, ...missing } = all;
    expect(notificationPreferencesSchema.safeParse(missing).success).toBe(false);
  });
});
