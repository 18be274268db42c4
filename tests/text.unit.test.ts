import { describe, expect, it } from "vitest";
import { toMultiLine, toSingleLine } from "~/lib/text.ts";
import { saveSearchFieldsSchema } from "~/modules/alerts/schema.ts";
import { signupSchema } from "~/modules/auth/schema.ts";
import { transitionSchema } from "~/modules/deals/schema.ts";
import { inquirySchema } from "~/modules/inquiries/schema.ts";
import { listingSchema } from "~/modules/listings/schema.ts";
import { issueFeeSchema } from "~/modules/payments/schema.ts";

const RLO = "\u202E";
const BIDI = ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"];
const MARKS = ["\u200E", "\u200F", "\u061C"];

describe("toSingleLine", () => {
  it("removes bidi embeddings, overrides, isolates and marks, and every control, NUL included", () => {
    for (const c of [...BIDI, ...MARKS, "\u0000", "\u0007", "\u001B", "\u007F", "\u0080", "\u009B"]) expect(toSingleLine(`ab${c}cd`), JSON.stringify(c)).toBe("abcd");
    expect(toSingleLine(`Máy sấy ${RLO}gpj.exe`)).toBe("Máy sấy gpj.exe");
  });

  it("makes line breaks and tabs spaces, collapses runs of spaces and trims", () => {
    expect(toSingleLine("  Công ty\tCổ phần\r\n\u2028Sao\u00A0Mai \u0085 ")).toBe("Công ty Cổ phần Sao Mai");
  });

  it("keeps right-to-left letters and joiners", () => {
    expect(toSingleLine("שלום עולם")).toBe("שלום עולם");
    expect(toSingleLine("👩‍🔬 Phòng thí nghiệm")).toBe("👩‍🔬 Phòng thí nghiệm");
  });
});

describe("toMultiLine", () => {
  it("keeps tabs, line breaks and direction marks; removes bidi embeddings, overrides and isolates, NUL and the other controls", () => {
    expect(toMultiLine(`Dòng 1\r\n\tDòng 2\n\u200FDòng 3`)).toBe(`Dòng 1\r\n\tDòng 2\n\u200FDòng 3`);
    for (const c of [...BIDI, "\u0000", "\u0008", "\u000B", "\u000C", "\u001B", "\u007F", "\u009B"]) expect(toMultiLine(`ab${c}cd`), JSON.stringify(c)).toBe("abcd");
  });
});

describe("the shared schemas", () => {
  it("clean names, titles and e-mail addresses before they check their length", () => {
    const signup = signupSchema.parse({ name: `${RLO}Trần\u0000 Thị  Lan\u200F`, email: ` LAN${RLO}@Example.test `, password: "mat-khau-an-toan-9", confirmPassword: "mat-khau-an-toan-9", consent: "on" });
    expect(signup).toMatchObject({ name: "Trần Thị Lan", email: "lan@example.test" });
    // Nothing left once the controls are gone: refused like a blank name.
    expect(signupSchema.safeParse({ name: `${RLO}\u2066 `, email: "a@b.test", password: "x", confirmPassword: "x" }).error?.flatten().fieldErrors.name).toEqual(["errors.nameTooShort"]);
    expect(saveSearchFieldsSchema.parse({ name: `Máy ${RLO}sấy\n` })).toMatchObject({ name: "Máy sấy" });
    const fee = issueFeeSchema.parse({ intent: "issue", payer: "SEEKER", basis: "PERCENT", percent: "2", description: `Phí\n${RLO}môi giới` });
    expect(fee.description).toBe("Phí môi giới");
  });

  it("clean running text but keep its lines", () => {
    const inquiry = inquirySchema.parse({
      organisationId: "org",
      message: `Xin chào,\n\nchúng tôi quan tâm ${RLO}đến công nghệ này.\u0000`,
      need: "Cần dây chuyền sấy 1 tấn/mẻ",
      intendedUse: "Sấy xoài xuất khẩu",
      timeline: "Quý 3",
    });
    expect(inquiry.message).toBe("Xin chào,\n\nchúng tôi quan tâm đến công nghệ này.");
    expect(transitionSchema.parse({ intent: "transition", action: "hold", version: "0", comment: `Chờ\n${RLO}vốn` })).toMatchObject({ comment: "Chờ\nvốn" });
  });

  it("clean every single-line field of a listing: title, keywords, manufacturer, specifications", () => {
    const listing = listingSchema.parse({
      type: "EQUIPMENT_OFFER",
      language: "vi",
      title: `Máy ép viên ${RLO}1 tấn/giờ\u0000`,
      summary: `Máy ép viên nén mùn cưa\n${RLO}công suất 1 tấn/giờ, còn 90%.`,
      keywords: [`mùn${RLO} cưa`, "viên\u0000 nén"],
      sectorCodes: "2.3",
      transferModes: "EQUIPMENT_SALE",
      condition: "USED",
      manufacturer: `Kinh\u2067 Lực`,
      specifications: `Công suất${RLO}: 1 tấn/giờ\r\nĐộng cơ: 75\u0000 kW`,
    });
    expect(listing).toMatchObject({
      title: "Máy ép viên 1 tấn/giờ",
      summary: "Máy ép viên nén mùn cưa\ncông suất 1 tấn/giờ, còn 90%.",
      keywords: ["mùn cưa", "viên nén"],
      manufacturer: "Kinh Lực",
      specifications: { "Công suất": "1 tấn/giờ", "Động cơ": "75 kW" },
    });
  });
});
