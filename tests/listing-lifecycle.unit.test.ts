import { describe, expect, it } from "vitest";
import { editMode, expiryFrom, LISTING_STATUSES, ownerActions, transition, type Actor, type LifecycleAction } from "~/modules/listings/lifecycle.ts";

/** DESIGN.md §2, written out by hand: every allowed (action, from, by) → to. */
const ALLOWED: [LifecycleAction, string, Actor, string][] = [
  ["submit", "DRAFT", "owner", "PENDING_REVIEW"],
  ["submit", "REJECTED", "owner", "PENDING_REVIEW"],
  ["approve", "PENDING_REVIEW", "moderator", "PUBLISHED"],
  ["reject", "PENDING_REVIEW", "moderator", "REJECTED"],
  ...(["DRAFT", "PENDING_REVIEW", "PUBLISHED", "REJECTED", "EXPIRED"] as const).flatMap((from) => [
    ["archive", from, "owner", "ARCHIVED"] as [LifecycleAction, string, Actor, string],
    ["archive", from, "moderator", "ARCHIVED"] as [LifecycleAction, string, Actor, string],
  ]),
  ["renew", "PUBLISHED", "owner", "PUBLISHED"],
  ["renew", "EXPIRED", "owner", "PUBLISHED"],
  ["expire", "PUBLISHED", "system", "EXPIRED"],
  ["restore", "ARCHIVED", "owner", "DRAFT"],
];

const ACTIONS: LifecycleAction[] = ["submit", "approve", "reject", "archive", "renew", "expire", "restore"];
const ACTORS: Actor[] = ["owner", "moderator", "system"];

describe("the listing lifecycle", () => {
  const cases = ACTIONS.flatMap((action) => LISTING_STATUSES.flatMap((from) => ACTORS.map((by) => [action, from, by] as const)));
  it.each(cases)("%s from %s by %s", (action, from, by) => {
    const allowed = ALLOWED.find(([a, f, b]) => a === action && f === from && b === by);
    const result = transition(action, from, by);
    if (allowed) expect(result).toEqual({ ok: true, to: allowed[3] });
    else expect(result.ok).toBe(false);
  });

  it("covers all 126 combinations", () => expect(cases).toHaveLength(7 * 6 * 3));

  it("never lets an owner publish their own listing or a moderator submit one", () => {
    for (const from of LISTING_STATUSES) {
      expect(transition("approve", from, "owner").ok).toBe(false);
      expect(transition("submit", from, "moderator").ok).toBe(false);
    }
  });

  it("offers the owner the buttons that make sense", () => {
    expect(ownerActions("DRAFT")).toEqual(["submit", "archive"]);
    expect(ownerActions("PUBLISHED")).toEqual(["archive", "renew"]);
    expect(ownerActions("EXPIRED")).toEqual(["archive", "renew"]);
    expect(ownerActions("ARCHIVED")).toEqual(["restore"]);
    expect(ownerActions("PENDING_REVIEW")).toEqual(["archive"]);
  });

  it("edits published listings through review and locks archived and expired ones", () => {
    expect(editMode("DRAFT")).toBe("direct");
    expect(editMode("REJECTED")).toBe("direct");
    expect(editMode("PENDING_REVIEW")).toBe("direct");
    expect(editMode("PUBLISHED")).toBe("revision");
    expect(editMode("ARCHIVED")).toBe("locked");
    expect(editMode("EXPIRED")).toBe("locked");
  });

  it("publishes for 12 months, across year ends", () => {
    expect(expiryFrom(new Date("2026-03-15T08:00:00Z")).toISOString()).toBe("2027-03-15T08:00:00.000Z");
    expect(expiryFrom(new Date("2026-12-31T23:00:00Z")).toISOString()).toBe("2027-12-31T23:00:00.000Z");
  });
});
