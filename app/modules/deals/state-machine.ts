import { isUsableReason, REASON_LENGTH } from "~/modules/listings/lifecycle.ts";

/**
 * The deal pipeline (DESIGN.md §3) as one pure table: which action moves a deal
 * from which stage to which, and what each action must carry. Services consult
 * `nextStage`; nothing else decides a transition. No I/O, no clock: the result
 * says which timestamps to stamp and the caller stamps them.
 *
 * Forward moves go ONE step at a time (NEW → QUALIFIED → … → COMPLETED): every
 * deal then has a row for every stage it passed, so the centre's funnel counts
 * (how many deals reached NDA_SIGNED, how long NEGOTIATING took) are true, and a
 * broker cannot reach AGREEMENT_REACHED without the deal having been negotiated.
 * See docs/decisions/006-deal-stages.md.
 */
export const DEAL_STAGES = [
  "NEW",
  "QUALIFIED",
  "INTRODUCED",
  "NDA_SIGNED",
  "NEGOTIATING",
  "AGREEMENT_REACHED",
  "COMPLETED",
  "ON_HOLD",
  "LOST",
] as const;
export type DealStage = (typeof DEAL_STAGES)[number];

/** Stages a deal is still being worked in; ON_HOLD and LOST are reachable from each. */
export const OPEN_STAGES = ["NEW", "QUALIFIED", "INTRODUCED", "NDA_SIGNED", "NEGOTIATING", "AGREEMENT_REACHED"] as const satisfies readonly DealStage[];
export type OpenStage = (typeof OPEN_STAGES)[number];
export const TERMINAL_STAGES = ["COMPLETED", "LOST"] as const satisfies readonly DealStage[];

export const AGREEMENT_TYPES = ["LICENCE", "ASSIGNMENT", "JOINT_VENTURE", "TECHNICAL_COOPERATION", "EQUIPMENT_SALE", "EQUIPMENT_LEASE"] as const;
export type AgreementType = (typeof AGREEMENT_TYPES)[number];
export const DEAL_CURRENCIES = ["VND", "USD"] as const;
export type DealCurrency = (typeof DEAL_CURRENCIES)[number];

/** Agreed values stay exact when formatted as numbers. */
export const MAX_AGREED_VALUE = BigInt(Number.MAX_SAFE_INTEGER);
/** The same rule as a listing's rejection reason: long enough to mean something. */
export const LOST_REASON_LENGTH = REASON_LENGTH;
export const COMMENT_MAX = 2000;

export const DEAL_ACTIONS = ["qualify", "introduce", "sign_nda", "negotiate", "reach_agreement", "complete", "hold", "resume", "lose"] as const;
export type DealAction = (typeof DEAL_ACTIONS)[number];

/** What an action must carry, checked before it is allowed. */
type Guard = "agreement" | "reason" | "stage-before-hold";

interface Rule {
  from: readonly DealStage[];
  /** "previous" = the stage the deal was in before it was put on hold. */
  to: DealStage | "previous";
  guard?: Guard;
  /** Timestamps the caller sets to "now" when the transition commits. */
  stamps?: readonly ("agreedAt" | "completedAt" | "closedAt")[];
}

export const DEAL_TRANSITIONS: Record<DealAction, Rule> = {
  qualify: { from: ["NEW"], to: "QUALIFIED" },
  introduce: { from: ["QUALIFIED"], to: "INTRODUCED" },
  sign_nda: { from: ["INTRODUCED"], to: "NDA_SIGNED" },
  negotiate: { from: ["NDA_SIGNED"], to: "NEGOTIATING" },
  reach_agreement: { from: ["NEGOTIATING"], to: "AGREEMENT_REACHED", guard: "agreement", stamps: ["agreedAt"] },
  complete: { from: ["AGREEMENT_REACHED"], to: "COMPLETED", stamps: ["completedAt", "closedAt"] },
  hold: { from: OPEN_STAGES, to: "ON_HOLD" },
  resume: { from: ["ON_HOLD"], to: "previous", guard: "stage-before-hold" },
  lose: { from: [...OPEN_STAGES, "ON_HOLD"], to: "LOST", guard: "reason", stamps: ["closedAt"] },
};

export interface DealState {
  stage: DealStage;
  stageBeforeHold: DealStage | null;
}

/** An action and what it carries. Agreement fields arrive already parsed (the form's schema does that). */
export type DealActionInput =
  | { type: Exclude<DealAction, "reach_agreement" | "lose"> }
  | { type: "reach_agreement"; agreementType?: string | null; agreedValue?: bigint | null; agreedCurrency?: string | null }
  | { type: "lose"; reason?: string | null };

/** Column values a transition writes besides `stage`. */
export interface DealChanges {
  stageBeforeHold: DealStage | null;
  agreementType?: AgreementType;
  agreedValue?: bigint;
  agreedCurrency?: DealCurrency;
  lostReason?: string;
}

export type NextStageResult =
  | { ok: true; from: DealStage; stage: DealStage; changes: DealChanges; stamps: readonly ("agreedAt" | "completedAt" | "closedAt")[] }
  | { ok: false; reason: "not-allowed-from-stage" }
  | { ok: false; reason: "invalid"; fieldErrors: Record<string, string[]> };

const isOpen = (s: DealStage | null): s is OpenStage => s !== null && (OPEN_STAGES as readonly string[]).includes(s);

function agreementErrors(input: Extract<DealActionInput, { type: "reach_agreement" }>) {
  const errors: Record<string, string[]> = {};
  if (!input.agreementType || !(AGREEMENT_TYPES as readonly string[]).includes(input.agreementType)) errors.agreementType = ["deals.errors.agreementType"];
  const v = input.agreedValue;
  if (typeof v !== "bigint" || v <= 0n) errors.agreedValue = ["deals.errors.agreedValue"];
  else if (v > MAX_AGREED_VALUE) errors.agreedValue = ["deals.errors.agreedValueTooLarge"];
  if (!input.agreedCurrency || !(DEAL_CURRENCIES as readonly string[]).includes(input.agreedCurrency)) errors.agreedCurrency = ["deals.errors.agreedCurrency"];
  return errors;
}

/** Where `action` takes `deal`, with what it records, or why it may not. */
export function nextStage(deal: DealState, action: DealActionInput): NextStageResult {
  const rule = DEAL_TRANSITIONS[action.type];
  if (!rule.from.includes(deal.stage)) return { ok: false, reason: "not-allowed-from-stage" };
  const changes: DealChanges = { stageBeforeHold: null };
  let to: DealStage;
  if (rule.to === "previous") {
    // A deal on hold without a recorded open stage cannot be resumed, only lost.
    if (!isOpen(deal.stageBeforeHold)) return { ok: false, reason: "not-allowed-from-stage" };
    to = deal.stageBeforeHold;
  } else {
    to = rule.to;
  }
  if (action.type === "hold") changes.stageBeforeHold = deal.stage;
  if (action.type === "reach_agreement") {
    const fieldErrors = agreementErrors(action);
    if (Object.keys(fieldErrors).length) return { ok: false, reason: "invalid", fieldErrors };
    Object.assign(changes, {
      agreementType: action.agreementType as AgreementType,
      agreedValue: action.agreedValue as bigint,
      agreedCurrency: action.agreedCurrency as DealCurrency,
    });
  }
  if (action.type === "lose") {
    const reason = action.reason?.trim();
    if (!isUsableReason(reason)) return { ok: false, reason: "invalid", fieldErrors: { reason: ["deals.errors.lostReason"] } };
    if (reason.length > LOST_REASON_LENGTH.max) return { ok: false, reason: "invalid", fieldErrors: { reason: ["errors.tooLong"] } };
    changes.lostReason = reason;
  }
  return { ok: true, from: deal.stage, stage: to, changes, stamps: rule.stamps ?? [] };
}

/** The actions that can be taken from `deal`'s stage (the transition form offers only these). */
export function availableActions(deal: DealState): DealAction[] {
  return DEAL_ACTIONS.filter((a) => {
    const rule = DEAL_TRANSITIONS[a];
    if (!rule.from.includes(deal.stage)) return false;
    return rule.to !== "previous" || isOpen(deal.stageBeforeHold);
  });
}

export const isOpenStage = (stage: DealStage): stage is OpenStage => isOpen(stage);
export const isClosedStage = (stage: DealStage) => (TERMINAL_STAGES as readonly string[]).includes(stage);
