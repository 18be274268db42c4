import { describe, expect, it } from "vitest";
import {
  availableActions,
  DEAL_ACTIONS,
  DEAL_STAGES,
  MAX_AGREED_VALUE,
  nextStage,
  type DealAction,
  type DealActionInput,
  type DealStage,
} from "~/modules/deals/state-machine.ts";

/**
 * DESIGN.md §3, written out by hand: for every stage (rows) and every action
 * (columns), the stage it leads to, or "—" when it is refused. ON_HOLD here was
 * put on hold from NEGOTIATING.
 */
const _ = "—";
const COLUMNS: DealAction[] = ["qualify", "introduce", "sign_nda", "negotiate", "reach_agreement", "complete", "hold", "resume", "lose"];
const EXPECTED: Record<DealStage, (DealStage | typeof _)[]> = {
  //                  qualify      introduce     sign_nda      negotiate      reach_agreement       complete     hold       resume         lose
  NEW: /*          */ ["QUALIFIED", _, /*     */ _, /*      */ _, /*       */ _, /*              */ _, /*    */ "ON_HOLD", _, /*       */ "LOST"],
  QUALIFIED: /*    */ [_, /*     */ "INTRODUCED", _, /*      */ _, /*       */ _, /*              */ _, /*    */ "ON_HOLD", _, /*       */ "LOST"],
  INTRODUCED: /*   */ [_, /*     */ _, /*      */ "NDA_SIGNED", _, /*       */ _, /*              */ _, /*    */ "ON_HOLD", _, /*       */ "LOST"],
  NDA_SIGNED: /*   */ [_, /*     */ _, /*      */ _, /*      */ "NEGOTIATING", _, /*              */ _, /*    */ "ON_HOLD", _, /*       */ "LOST"],
  NEGOTIATING: /*  */ [_, /*     */ _, /*      */ _, /*      */ _, /*       */ "AGREEMENT_REACHED", _, /*    */ "ON_HOLD", _, /*       */ "LOST"],
  AGREEMENT_REACHED: [_, /*     */ _, /*      */ _, /*      */ _, /*       */ _, /*              */ "COMPLETED", "ON_HOLD", _, /*       */ "LOST"],
  COMPLETED: /*    */ [_, /*     */ _, /*      */ _, /*      */ _, /*       */ _, /*              */ _, /*    */ _, /*   */ _, /*       */ _],
  ON_HOLD: /*      */ [_, /*     */ _, /*      */ _, /*      */ _, /*       */ _, /*              */ _, /*    */ _, /*   */ "NEGOTIATING", "LOST"],
  LOST: /*         */ [_, /*     */ _, /*      */ _, /*      */ _, /*       */ _, /*              */ _, /*    */ _, /*   */ _, /*       */ _],
};

const AGREEMENT = { agreementType: "LICENCE", agreedValue: 1_250_000_000n, agreedCurrency: "VND" } as const;
const REASON = "Bên nhận không thu xếp được vốn đối ứng.";

/** A valid input for each action, so only the stage decides. */
function inputFor(action: DealAction): DealActionInput {
  if (action === "reach_agreement") return { type: action, ...AGREEMENT };
  if (action === "lose") return { type: action, reason: REASON };
  return { type: action };
}

const stateOf = (stage: DealStage) => ({ stage, stageBeforeHold: stage === "ON_HOLD" ? ("NEGOTIATING" as const) : null });

describe("the deal state machine", () => {
  it("has a row for every stage and a column for every action", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...DEAL_STAGES].sort());
    expect([...COLUMNS].sort()).toEqual([...DEAL_ACTIONS].sort());
    for (const row of Object.values(EXPECTED)) expect(row).toHaveLength(COLUMNS.length);
  });

  const cases = DEAL_STAGES.flatMap((stage) => COLUMNS.map((action, i) => [stage, action, EXPECTED[stage][i]!] as const));
  it("covers all 81 combinations", () => expect(cases).toHaveLength(9 * 9));

  it.each(cases)("from %s, %s → %s", (stage, action, expected) => {
    const result = nextStage(stateOf(stage), inputFor(action));
    if (expected === _) expect(result).toEqual({ ok: false, reason: "not-allowed-from-stage" });
    else expect(result).toMatchObject({ ok: true, from: stage, stage: expected });
  });

  it.each(DEAL_STAGES.map((s) => [s]))("offers from %s exactly the allowed actions", (stage) => {
    const allowed = COLUMNS.filter((_a, i) => EXPECTED[stage][i] !== _);
    expect(availableActions(stateOf(stage))).toEqual(allowed);
  });

  it("never skips a stage going forward", () => {
    const forward: DealAction[] = ["qualify", "introduce", "sign_nda", "negotiate", "reach_agreement", "complete"];
    const order: DealStage[] = ["NEW", "QUALIFIED", "INTRODUCED", "NDA_SIGNED", "NEGOTIATING", "AGREEMENT_REACHED", "COMPLETED"];
    for (const [i, from] of order.slice(0, -1).entries()) {
      for (const action of forward) {
        const result = nextStage(stateOf(from), inputFor(action));
        if (result.ok) expect(result.stage).toBe(order[i + 1]);
      }
    }
  });

  it("remembers the stage a deal was held in and resumes there", () => {
    for (const stage of ["NEW", "QUALIFIED", "INTRODUCED", "NDA_SIGNED", "NEGOTIATING", "AGREEMENT_REACHED"] as const) {
      const held = nextStage({ stage, stageBeforeHold: null }, { type: "hold" });
      expect(held).toEqual({ ok: true, from: stage, stage: "ON_HOLD", changes: { stageBeforeHold: stage }, stamps: [] });
      const resumed = nextStage({ stage: "ON_HOLD", stageBeforeHold: stage }, { type: "resume" });
      expect(resumed).toEqual({ ok: true, from: "ON_HOLD", stage, changes: { stageBeforeHold: null }, stamps: [] });
    }
  });

  it("cannot resume a held deal whose previous stage is unknown or not open", () => {
    expect(nextStage({ stage: "ON_HOLD", stageBeforeHold: null }, { type: "resume" }).ok).toBe(false);
    expect(nextStage({ stage: "ON_HOLD", stageBeforeHold: "COMPLETED" }, { type: "resume" }).ok).toBe(false);
    expect(nextStage({ stage: "ON_HOLD", stageBeforeHold: "ON_HOLD" }, { type: "resume" }).ok).toBe(false);
    expect(availableActions({ stage: "ON_HOLD", stageBeforeHold: null })).toEqual(["lose"]);
  });

  it("records the agreement and stamps agreedAt on reaching agreement", () => {
    expect(nextStage(stateOf("NEGOTIATING"), { type: "reach_agreement", ...AGREEMENT })).toEqual({
      ok: true,
      from: "NEGOTIATING",
      stage: "AGREEMENT_REACHED",
      changes: { stageBeforeHold: null, agreementType: "LICENCE", agreedValue: 1_250_000_000n, agreedCurrency: "VND" },
      stamps: ["agreedAt"],
    });
  });

  it("refuses an agreement without type, value or currency, naming each field", () => {
    expect(nextStage(stateOf("NEGOTIATING"), { type: "reach_agreement" })).toEqual({
      ok: false,
      reason: "invalid",
      fieldErrors: { agreementType: ["deals.errors.agreementType"], agreedValue: ["deals.errors.agreedValue"], agreedCurrency: ["deals.errors.agreedCurrency"] },
    });
    const bad = (over: object) => nextStage(stateOf("NEGOTIATING"), { type: "reach_agreement", ...AGREEMENT, ...over });
    expect(bad({ agreedValue: 0n })).toMatchObject({ ok: false, fieldErrors: { agreedValue: ["deals.errors.agreedValue"] } });
    expect(bad({ agreedValue: -5n })).toMatchObject({ ok: false, fieldErrors: { agreedValue: ["deals.errors.agreedValue"] } });
    expect(bad({ agreedValue: MAX_AGREED_VALUE + 1n })).toMatchObject({ ok: false, fieldErrors: { agreedValue: ["deals.errors.agreedValueTooLarge"] } });
    expect(bad({ agreedValue: MAX_AGREED_VALUE }).ok).toBe(true);
    expect(bad({ agreedCurrency: "EUR" })).toMatchObject({ ok: false, fieldErrors: { agreedCurrency: ["deals.errors.agreedCurrency"] } });
    expect(bad({ agreementType: "HANDSHAKE" })).toMatchObject({ ok: false, fieldErrors: { agreementType: ["deals.errors.agreementType"] } });
  });

  it("checks the stage before the agreement fields", () => {
    expect(nextStage(stateOf("NDA_SIGNED"), { type: "reach_agreement" })).toEqual({ ok: false, reason: "not-allowed-from-stage" });
  });

  it("closes a completed deal", () => {
    expect(nextStage(stateOf("AGREEMENT_REACHED"), { type: "complete" })).toMatchObject({ ok: true, stage: "COMPLETED", stamps: ["completedAt", "closedAt"] });
  });

  it("loses a deal only with a usable reason, and closes it", () => {
    expect(nextStage(stateOf("QUALIFIED"), { type: "lose", reason: `  ${REASON}  ` })).toEqual({
      ok: true,
      from: "QUALIFIED",
      stage: "LOST",
      changes: { stageBeforeHold: null, lostReason: REASON },
      stamps: ["closedAt"],
    });
    for (const reason of [undefined, null, "", "   ", "quá đắt"]) {
      expect(nextStage(stateOf("QUALIFIED"), { type: "lose", reason })).toEqual({ ok: false, reason: "invalid", fieldErrors: { reason: ["deals.errors.lostReason"] } });
    }
    expect(nextStage(stateOf("QUALIFIED"), { type: "lose", reason: "x".repeat(2001) })).toMatchObject({ ok: false, fieldErrors: { reason: ["errors.tooLong"] } });
  });

  it("clears the remembered stage when a held deal is lost", () => {
    expect(nextStage({ stage: "ON_HOLD", stageBeforeHold: "INTRODUCED" }, { type: "lose", reason: REASON })).toMatchObject({
      ok: true,
      stage: "LOST",
      changes: { stageBeforeHold: null },
    });
  });
});
