import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { Form, useFetcher, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorList, Field, SelectField, TextareaField } from "~/components/forms.tsx";
import type { Locale } from "~/modules/i18n/config.ts";
import { formatDate, formatMoney, formatNumber } from "~/modules/i18n/format.ts";
import type { DealFees } from "../fees.server.ts";
import { FEE_PAYERS, issueFeeSchema, PAYMENT_CURRENCIES } from "../schema.ts";

/**
 * The deal page's brokerage-fee panel: each fee with its status, "Pay" for
 * members of the paying organisation, and the broker's "Issue a fee" form.
 * Feed it `loadDealFees(actor, dealId)` from the deal page's loader.
 */
export function DealFeesPanel({ fees: data, locale }: { fees: DealFees; locale: Locale }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const feeError = params.get("feeError");
  return (
    <section className="card section deal-fees" id="fees" aria-labelledby="deal-fees-title">
      <h2 id="deal-fees-title">{t("payments.fees.title")}</h2>
      {feeError ? (
        <p className="notice notice--warn" role="alert">
          {t(`payments.errors.${feeError}`, { defaultValue: t("payments.errors.stripe-unavailable") })}
        </p>
      ) : null}
      {data.fees.length === 0 ? (
        <p className="muted">{t("payments.fees.none")}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("payments.fees.description")}</th>
              <th scope="col">{t("payments.fees.payer")}</th>
              <th scope="col">{t("payments.fees.amount")}</th>
              <th scope="col">{t("payments.fees.status")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("payments.fees.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.fees.map((fee) => (
              <tr key={fee.id} data-fee-id={fee.id}>
                <td dir="auto">{fee.description}</td>
                <td dir="auto">
                  <bdi>{fee.payer.name}</bdi>
                  <br />
                  <span className="muted">{t(`payments.fees.role.${fee.payer.role}`)}</span>
                </td>
                <td>
                  {formatMoney(fee.amount, fee.currency, locale)}
                  {fee.basis === "PERCENT" && fee.percentBps !== null ? (
                    <>
                      <br />
                      <span className="muted">{t("payments.fees.percentOfValue", { percent: formatNumber(fee.percentBps / 100, locale) })}</span>
                    </>
                  ) : null}
                </td>
                <td>
                  <span className={`badge badge--fee-${fee.status.toLowerCase()}`}>{t(`payments.feeStatus.${fee.status}`)}</span>
                  {fee.processing ? <div className="muted">{t("payments.fees.processing")}</div> : null}
                  {fee.paidAt ? <div className="muted">{formatDate(fee.paidAt, locale)}</div> : null}
                </td>
                <td>
                  {fee.canPay ? (
                    <Form method="post" action={`/fees/${fee.id}/pay`} reloadDocument>
                      <button type="submit" className="button button--small" disabled={!data.configured} title={data.configured ? undefined : t("payments.notConfigured")}>
                        {data.configured ? t("payments.fees.pay") : t("payments.notConfigured")}
                      </button>
                    </Form>
                  ) : null}
                  {fee.receiptId ? (
                    <a href={`/payments/${fee.receiptId}`} className="muted">
                      {t("payments.fees.receipt")}
                    </a>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data.issueOpen ? <IssueFeeForm data={data} locale={locale} /> : data.canIssue ? <p className="muted">{t("payments.fees.issueLater")}</p> : null}
    </section>
  );
}

function IssueFeeForm({ data, locale }: { data: DealFees; locale: Locale }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<SubmissionResult<string[]>>();
  const [basis, setBasis] = useState<"FIXED" | "PERCENT">(data.agreedValue ? "PERCENT" : "FIXED");
  const [form, fields] = useForm({
    id: `issue-fee-${data.dealId}`,
    lastResult: fetcher.state === "idle" ? fetcher.data : undefined,
    constraint: getZodConstraint(issueFeeSchema),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: issueFeeSchema }),
  });
  const [percentText, setPercentText] = useState("");
  const percent = Number(percentText.replace(",", "."));
  const preview = basis === "PERCENT" && data.agreedValue && data.agreedCurrency && percent > 0 && percent <= 100 ? Math.round((data.agreedValue * percent) / 100) : null;
  return (
    <fetcher.Form method="post" action={`/deals/${data.dealId}/fees`} {...getFormProps(form)} className="stack issue-fee">
      <h3>{t("payments.fees.issueTitle")}</h3>
      <input type="hidden" name="intent" value="issue" />
      <SelectField
        label={t("payments.fees.payer")}
        errors={fields.payer.errors}
        selectProps={getSelectProps(fields.payer)}
        placeholder={t("payments.fees.choose")}
        options={FEE_PAYERS.map((p) => ({ value: p, label: `${data.parties[p].name} (${t(`payments.fees.role.${p}`)})` }))}
      />
      <fieldset className="choice-group">
        <legend>{t("payments.fees.basis")}</legend>
        {(["PERCENT", "FIXED"] as const).map((b) => (
          <label key={b} className="choice">
            <input type="radio" name="basis" value={b} checked={basis === b} onChange={() => setBasis(b)} /> {t(`payments.fees.basisLabel.${b}`)}
          </label>
        ))}
      </fieldset>
      {basis === "PERCENT" ? (
        <>
          <Field
            label={t("payments.fees.percent")}
            errors={fields.percent.errors}
            hint={
              data.agreedValue && data.agreedCurrency
                ? t("payments.fees.percentHint", { value: formatMoney(data.agreedValue, data.agreedCurrency, locale) }) +
                  (preview !== null ? ` → ${formatMoney(preview, data.agreedCurrency, locale)}` : "")
                : t("payments.errors.noAgreedValue")
            }
            inputProps={{ ...getInputProps(fields.percent, { type: "text" }), inputMode: "decimal", onChange: (e) => setPercentText(e.currentTarget.value) }}
          />
        </>
      ) : (
        <div className="field-row">
          <Field label={t("payments.fees.amount")} errors={fields.amount.errors} inputProps={{ ...getInputProps(fields.amount, { type: "text" }), inputMode: "numeric" }} />
          <SelectField
            label={t("payments.fees.currency")}
            errors={fields.currency.errors}
            selectProps={{ ...getSelectProps(fields.currency), defaultValue: data.agreedCurrency ?? "VND" }}
            options={PAYMENT_CURRENCIES.map((c) => ({ value: c, label: c }))}
          />
        </div>
      )}
      <TextareaField label={t("payments.fees.description")} errors={fields.description.errors} textareaProps={{ ...getTextareaProps(fields.description), rows: 2 }} />
      <ErrorList id={form.errorId} errors={form.errors} />
      <button type="submit" className="button" disabled={fetcher.state !== "idle"}>
        {t("payments.fees.issue")}
      </button>
    </fetcher.Form>
  );
}
