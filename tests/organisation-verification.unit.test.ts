import { describe, expect, it } from "vitest";
import { verificationDecisionSchema, verificationSubmissionSchema } from "~/modules/orgs/schema.ts";

const submission = (registrationKind: string, registrationNumber: string, registeredName = "Công ty Cổ phần Cơ khí Thành Đạt") =>
  verificationSubmissionSchema.safeParse({ registrationKind, registrationNumber, registeredName });
const numberError = (result: ReturnType<typeof submission>) => (result.success ? null : result.error.flatten().fieldErrors.registrationNumber?.[0]);

describe("a registration number (mã số doanh nghiệp and other registrations)", () => {
  it.each([
    ["0101234567", "0101234567"],
    ["0101234567-001", "0101234567-001"],
    [" 0101 234 567-001 ", "0101234567-001"],
    ["0101.234.567", "0101234567"],
  ])("takes the enterprise code %j as %j", (typed, stored) => {
    const result = submission("ENTERPRISE_CODE", typed);
    expect(result.success && result.data.registrationNumber).toBe(stored);
  });

  it.each(["010123456", "01012345678", "0101234567-01", "0101234567-0011", "0101234567/001", "01O1234567", "mst 0101234567"])("refuses the enterprise code %j", (typed) => {
    expect(numberError(submission("ENTERPRISE_CODE", typed))).toBe("verification.errors.enterpriseCode");
  });

  it("takes other registrations' numbers as printed, and refuses what no document prints", () => {
    const decision = submission("ESTABLISHMENT_DECISION", "  123/QĐ-TTg ");
    expect(decision.success && decision.data.registrationNumber).toBe("123/QĐ-TTg");
    const certificate = submission("SCIENCE_TECHNOLOGY_REGISTRATION", "A-1234");
    expect(certificate.success && certificate.data.registrationNumber).toBe("A-1234");
    expect(numberError(submission("SCIENCE_TECHNOLOGY_REGISTRATION", "<script>"))).toBe("verification.errors.registrationNumber");
    expect(numberError(submission("ESTABLISHMENT_DECISION", "/123"))).toBe("verification.errors.registrationNumber");
    expect(numberError(submission("ESTABLISHMENT_DECISION", ""))).toBe("errors.required");
  });

  it("needs a known kind and the registered name", () => {
    const result = verificationSubmissionSchema.safeParse({ registrationKind: "PASSPORT", registrationNumber: "0101234567", registeredName: "X" });
    expect(result.success).toBe(false);
    expect(result.success ? null : result.error.flatten().fieldErrors).toMatchObject({ registrationKind: ["errors.chooseOne"], registeredName: ["errors.nameTooShort"] });
  });
});

describe("a broker's decision", () => {
  it("refuses without a reason of at least 10 characters, and verifies without one", () => {
    expect(verificationDecisionSchema.safeParse({ intent: "verify", submissionId: "cm0abc" }).success).toBe(true);
    const missing = verificationDecisionSchema.safeParse({ intent: "reject", submissionId: "cm0abc" });
    expect(missing.success ? null : missing.error.issues[0]!.message).toBe("verification.errors.reasonRequired");
    const short = verificationDecisionSchema.safeParse({ intent: "reject", submissionId: "cm0abc", reason: "  sai   " });
    expect(short.success ? null : short.error.issues[0]!.message).toBe("verification.errors.reasonRequired");
    expect(verificationDecisionSchema.safeParse({ intent: "reject", submissionId: "cm0abc", reason: "Số đăng ký không khớp." }).success).toBe(true);
    expect(verificationDecisionSchema.safeParse({ intent: "verify", submissionId: "../etc" }).success).toBe(false);
  });
});
