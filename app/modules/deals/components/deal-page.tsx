import type { SerializeFrom } from "@remix-run/node";
import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorList, Field, SelectField, TextareaField } from "~/components/forms.tsx";
import type { Locale } from "~/modules/i18n/config.ts";
import { dateTimeFormat, formatDate } from "~/modules/i18n/format.ts";
import type { DealPage } from "../deals.server.ts";
import { AGREEMENT_TYPES, COMMENT_MAX, DEAL_CURRENCIES, LOST_REASON_LENGTH, type DealAction } from "../state-machine.ts";
import { AgreedValue, StageBadge } from "./deal-card.tsx";

/**
 * The deal page's sections. Each takes only what it shows, so the page can
 * gain sections (the payments module's brokerage fees) without touching these.
 */
export type DealView = SerializeFrom<DealPage>["deal"];
type Thread = NonNullable<SerializeFrom<DealPage>["thread"]>;
/** Field errors by name ("" for the whole form), as conform's reply carries them. */
export type FormErrors = Record<string, string[] | null | undefined> | undefined;

export function DealHeader({ deal, locale }: { deal: DealView; locale: Locale }) {
  const { t } = useTranslation();
  return (
    <header className="page-header">
      <p className="breadcrumbs">
        <Link to="/deals">{t("deals.page.breadcrumb")}</Link>
      </p>
      <StageBadge stage={deal.stage} />
      <h1 dir="auto">{deal.title}</h1>
      <p className="muted">
        {t("deals.page.opened", { date: formatDate(deal.createdAt, locale) })}
        {deal.stage === "ON_HOLD" && deal.stageBeforeHold ? ` · ${t("deals.page.heldFrom", { stage: t(`deals.stage.${deal.stageBeforeHold}`) })}` : null}
      </p>
    </header>
  );
}

export function DealParties({ deal }: { deal: DealView }) {
  const { t } = useTranslation();
  return (
    <section className="card deal-parties" aria-label={t("deals.page.provider")}>
      <div>
        <p className="eyebrow">{t("deals.page.provider")}</p>
        <Link to={`/orgs/${deal.providerOrg.id}`} dir="auto">
          {deal.providerOrg.name}
        </Link>
      </div>
      <div>
        <p className="eyebrow">{t("deals.page.seeker")}</p>
        <Link to={`/orgs/${deal.seekerOrg.id}`} dir="auto">
          {deal.seekerOrg.name}
        </Link>
      </div>
      <div>
        <p className="eyebrow">{t("deals.page.broker")}</p>
        {deal.assignedBroker ? <bdi>{deal.assignedBroker.name}</bdi> : <span>{t("deals.page.noBroker")}</span>}
      </div>
    </section>
  );
}

export function DealListings({ deal }: { deal: DealView }) {
  const { t } = useTranslation();
  const row = (label: string, listing: DealView["offerListing"]) => (
    <li>
      <span className="eyebrow">{label}</span>{" "}
      {listing ? (
        <Link to={`/listings/${listing.id}`} dir="auto" lang={listing.language}>
          {listing.title}
        </Link>
      ) : (
        <span className="muted">{t("deals.page.noListing")}</span>
      )}
    </li>
  );
  return (
    <section className="card">
      <h2>{t("deals.page.listings")}</h2>
      <ul className="list">
        {deal.offerListing || !deal.requestListing ? row(t("deals.page.offerListing"), deal.offerListing) : null}
        {deal.requestListing ? row(t("deals.page.requestListing"), deal.requestListing) : null}
      </ul>
      <p className="muted">
        {deal.inquiryId ? t("deals.page.fromInquiry") : null}
        {deal.match ? (
          <>
            {t("deals.page.fromMatch", { score: Math.round(deal.match.score * 100) })} <Link to="/matching">{t("deals.page.viewMatching")}</Link>
          </>
        ) : null}
        {!deal.inquiryId && !deal.match ? t("deals.page.direct") : null}
      </p>
    </section>
  );
}

/** What was agreed, when the deal got that far, and why it was lost, if it was. */
export function DealOutcome({ deal, locale }: { deal: DealView; locale: Locale }) {
  const { t } = useTranslation();
  if (!deal.agreementType && !deal.lostReason) return null;
  return (
    <section className="card">
      {deal.agreementType ? (
        <>
          <h2>{t("deals.page.agreement")}</h2>
          <table className="specs">
            <tbody>
              <tr>
                <th scope="row">{t("deals.page.agreementTypeLabel")}</th>
                <td>{t(`deals.agreementType.${deal.agreementType}`)}</td>
              </tr>
              <tr>
                <th scope="row">{t("deals.page.agreedValueLabel")}</th>
                <td>
                  <AgreedValue value={deal.agreedValue} currency={deal.agreedCurrency} locale={locale} />
                </td>
              </tr>
              {deal.agreedAt ? (
                <tr>
                  <th scope="row">{t("deals.page.agreedOn")}</th>
                  <td>{formatDate(deal.agreedAt, locale)}</td>
                </tr>
              ) : null}
              {deal.completedAt ? (
                <tr>
                  <th scope="row">{t("deals.page.completedOn")}</th>
                  <td>{formatDate(deal.completedAt, locale)}</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </>
      ) : null}
      {deal.lostReason ? (
        <>
          <h2>{t("deals.page.lostReason")}</h2>
          <p className="pre-line" dir="auto">
            {deal.lostReason}
          </p>
        </>
      ) : null}
    </section>
  );
}

/** The inquiry's conversation, read-only: it happened before the deal. */
export function InquiryThread({ thread, locale }: { thread: Thread; locale: Locale }) {
  const { t } = useTranslation();
  return (
    <section className="card">
      <h2>{t("deals.page.thread")}</h2>
      {thread.length === 0 ? <p className="muted">{t("deals.page.threadEmpty")}</p> : null}
      <ol className="deal-thread">
        {thread.map((m) => (
          <li key={m.id}>
            <p className="muted small">
              <strong>{m.organisationName ? <bdi>{m.organisationName}</bdi> : t("deals.page.centre")}</strong>
              {m.authorName ? (
                <>
                  {" · "}
                  <bdi>{m.authorName}</bdi>
                </>
              ) : null}{" "}
              · {formatDate(m.createdAt, locale)}
            </p>
            <p className="pre-line" dir="auto">
              {m.body}
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function DealHistory({ transitions, locale }: { transitions: DealView["transitions"]; locale: Locale }) {
  const { t } = useTranslation();
  return (
    <section className="card">
      <h2>{t("deals.page.history")}</h2>
      <ol className="timeline">
        {transitions.map((tr) => (
          <li key={tr.id}>
            <strong>
              {tr.fromStage
                ? t("deals.page.historyMove", { from: t(`deals.stage.${tr.fromStage}`), to: t(`deals.stage.${tr.toStage}`) })
                : t("deals.page.historyOpened", { stage: t(`deals.stage.${tr.toStage}`) })}
            </strong>
            <br />
            <span className="muted small">
              {formatDateTime(tr.createdAt, locale)} · {t("deals.page.by", { name: tr.actor?.name ?? t("deals.page.someone") })}
            </span>
            {tr.comment ? (
              <p className="pre-line" dir="auto">
                {tr.comment}
              </p>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** When a step was taken matters within a day too: date and time, in Vietnam's time zone like every date. */
function formatDateTime(value: string, locale: Locale) {
  return dateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Ho_Chi_Minh" }).format(new Date(value));
}

const FORWARD: DealAction[] = ["qualify", "introduce", "sign_nda", "negotiate", "reach_agreement", "complete"];

function Hidden({ action, version }: { action: DealAction; version: number }) {
  return (
    <>
      <input type="hidden" name="intent" value="transition" />
      <input type="hidden" name="action" value={action} />
      <input type="hidden" name="version" value={version} />
    </>
  );
}

function CommentField({ id, errors, values, withHint = false }: { id: string; errors: FormErrors; values?: SentValues; withHint?: boolean }) {
  const { t } = useTranslation();
  return (
    <TextareaField
      label={t("deals.form.comment")}
      hint={withHint ? t("deals.form.commentHint") : undefined}
      errors={errors?.comment}
      textareaProps={{ id, name: "comment", rows: 2, maxLength: COMMENT_MAX, defaultValue: text(values?.comment) }}
    />
  );
}

/** What a refused form sent, so it comes back filled in (also without JavaScript). */
export type SentValues = Record<string, unknown> | null | undefined;
const text = (v: unknown) => (typeof v === "string" ? v : undefined);

/**
 * Only the actions the state machine allows from this stage, each as its own
 * small form carrying the version the page showed (the server refuses a stale one).
 */
export function TransitionPanel({
  deal,
  actions,
  errors,
  sentAction,
  sentValues,
}: {
  deal: DealView;
  actions: DealAction[];
  errors: FormErrors;
  sentAction?: string;
  sentValues?: SentValues;
}) {
  const { t } = useTranslation();
  const forward = actions.find((a) => FORWARD.includes(a));
  const pause = actions.find((a) => a === "hold" || a === "resume");
  const canLose = actions.includes("lose");
  // Errors show on the form that was sent.
  const errorsFor = (action: DealAction) => (sentAction === action ? errors : undefined);
  const valuesFor = (action: DealAction) => (sentAction === action ? sentValues : undefined);
  if (!forward && !pause && !canLose) return null;
  return (
    <section className="card stack" aria-labelledby="transition-title">
      <h2 id="transition-title">{t("deals.form.title")}</h2>
      {forward ? (
        <Form method="post" className="deal-form">
          <Hidden action={forward} version={deal.version} />
          <h3>{t("deals.form.forward")}</h3>
          {forward === "reach_agreement" ? (
            <>
              <SelectField
                label={t("deals.form.agreementType")}
                required
                errors={errorsFor(forward)?.agreementType}
                placeholder={t("deals.form.choose")}
                selectProps={{ id: "agreementType", name: "agreementType", required: true, defaultValue: text(valuesFor(forward)?.agreementType) }}
                options={AGREEMENT_TYPES.map((a) => ({ value: a, label: t(`deals.agreementType.${a}`) }))}
              />
              <Field
                label={t("deals.form.agreedValue")}
                hint={t("deals.form.agreedValueHint")}
                required
                errors={errorsFor(forward)?.agreedValue}
                inputProps={{ id: "agreedValue", name: "agreedValue", inputMode: "numeric", required: true, autoComplete: "off", defaultValue: text(valuesFor(forward)?.agreedValue) }}
              />
              <SelectField
                label={t("deals.form.agreedCurrency")}
                required
                errors={errorsFor(forward)?.agreedCurrency}
                selectProps={{ id: "agreedCurrency", name: "agreedCurrency", required: true, defaultValue: text(valuesFor(forward)?.agreedCurrency) ?? "VND" }}
                options={DEAL_CURRENCIES.map((c) => ({ value: c, label: c }))}
              />
            </>
          ) : null}
          <CommentField id="comment-forward" errors={errorsFor(forward)} values={valuesFor(forward)} withHint />
          <button type="submit" className="button">
            {t(`deals.action.${forward}`)}
          </button>
        </Form>
      ) : null}
      {pause ? (
        <Form method="post" className="deal-form">
          <Hidden action={pause} version={deal.version} />
          <h3>{t("deals.form.pause")}</h3>
          <CommentField id="comment-pause" errors={errorsFor(pause)} values={valuesFor(pause)} />
          <button type="submit" className="button button--ghost">
            {t(`deals.action.${pause}`)}
          </button>
        </Form>
      ) : null}
      {canLose ? (
        <Form method="post" className="deal-form">
          <Hidden action="lose" version={deal.version} />
          <h3>{t("deals.form.close")}</h3>
          <TextareaField
            label={t("deals.form.reason")}
            hint={t("deals.form.reasonHint")}
            required
            errors={errorsFor("lose")?.reason}
            textareaProps={{
              id: "reason",
              name: "reason",
              rows: 3,
              required: true,
              minLength: LOST_REASON_LENGTH.min,
              maxLength: LOST_REASON_LENGTH.max,
              defaultValue: text(valuesFor("lose")?.reason),
            }}
          />
          <CommentField id="comment-lose" errors={errorsFor("lose")} values={valuesFor("lose")} />
          <button type="submit" className="button button--ghost">
            {t("deals.action.lose")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

/** A broker takes an unassigned deal; an admin assigns any deal to a broker. */
export function AssignmentPanel({
  deal,
  canTake,
  canAssign,
  brokers,
  errors,
}: {
  deal: DealView;
  canTake: boolean;
  canAssign: boolean;
  brokers: { id: string; name: string }[];
  errors: FormErrors;
}) {
  const { t } = useTranslation();
  if (!canTake && !canAssign) return null;
  return (
    <section className="card stack">
      <h2>{t("deals.form.assignment")}</h2>
      {canTake ? (
        <Form method="post">
          <input type="hidden" name="intent" value="take" />
          <input type="hidden" name="version" value={deal.version} />
          <button type="submit" className="button">
            {t("deals.form.take")}
          </button>
        </Form>
      ) : null}
      {canAssign ? (
        <Form method="post" className="deal-form">
          <input type="hidden" name="intent" value="assign" />
          <input type="hidden" name="version" value={deal.version} />
          <SelectField
            label={t("deals.form.assignTo")}
            errors={errors?.brokerId}
            placeholder={t("deals.form.choose")}
            selectProps={{ id: "brokerId", name: "brokerId", required: true, defaultValue: deal.assignedBroker?.id ?? "" }}
            options={brokers.map((b) => ({ value: b.id, label: b.name }))}
          />
          <button type="submit" className="button button--ghost">
            {t("deals.form.assign")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

export function FormErrorsNotice({ errors }: { errors: FormErrors }) {
  return <ErrorList errors={errors?.[""] ?? undefined} />;
}
