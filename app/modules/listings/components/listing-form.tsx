import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ErrorList, Shell, type Aria } from "~/components/forms.tsx";
import type { Locale } from "~/modules/i18n/config.ts";
import { CONDITIONS, CURRENCIES, IP_STATUSES, LIMITS, listingSchema, PRICE_TYPES, TRANSFER_MODES, TRANSFER_OBJECTS, type ListingTypeName } from "../schema.ts";

type Value = string | number | boolean | null | undefined | string[];
export type ListingFormValues = Record<string, Value>;

export interface ListingFormOptions {
  sectors: { code: string; labelVi: string; labelEn: string; children: { code: string; labelVi: string; labelEn: string }[] }[];
  provinces: { code: string; shortNameVi: string; nameEn: string }[];
}

/** Content languages offered in the picker; any BCP 47 tag is valid (imports may use others). */
const LANGUAGES = ["vi", "en", "zh", "ja", "ko", "fr", "de", "ru", "th", "lo", "km", "ar", "fa"];

const MODES_FOR: Record<ListingTypeName, readonly (typeof TRANSFER_MODES)[number][]> = {
  TECHNOLOGY_OFFER: ["LICENSE_EXCLUSIVE", "LICENSE_NON_EXCLUSIVE", "ASSIGNMENT", "JOINT_VENTURE", "CAPITAL_CONTRIBUTION", "TECHNICAL_ASSISTANCE", "TURNKEY"],
  EQUIPMENT_OFFER: ["EQUIPMENT_SALE", "EQUIPMENT_LEASE", "TECHNICAL_ASSISTANCE", "TURNKEY"],
  TECHNOLOGY_REQUEST: TRANSFER_MODES,
};

function asList(v: Value): string[] {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null || v === "") return [];
  return [String(v)];
}
function asText(v: Value): string {
  if (Array.isArray(v)) return v.join(", ");
  return v === undefined || v === null ? "" : String(v);
}

export function ListingForm({
  type,
  values,
  options,
  locale,
  lastResult,
  organisations,
  submitLabels,
  children,
}: {
  type: ListingTypeName;
  values: ListingFormValues;
  options: ListingFormOptions;
  locale: Locale;
  lastResult?: SubmissionResult<string[]> | null;
  organisations?: { id: string; name: string }[];
  submitLabels: { intent: string; label: string; primary?: boolean }[];
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const [form] = useForm({
    id: `listing-${type}`,
    lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: listingSchema }),
  });
  const errors = (name: string) => form.allErrors[name];
  // After a refused submission the form shows what was sent, not the stored listing.
  const sent = (lastResult?.initialValue ?? null) as ListingFormValues | null;
  const value = (name: string): Value => (sent ? sent[name] : values[name]);
  const label = (key: string) => t(`listingForm.${key}`);
  const id = (name: string) => `lf-${name}`;

  const shell = (name: string, props: { required?: boolean; hint?: string }, control: (aria: Aria) => ReactNode) => (
    <Shell id={id(name)} label={label(name)} hint={props.hint} errors={errors(name)} required={props.required}>
      {control}
    </Shell>
  );

  const text = (name: string, props: { required?: boolean; hint?: string; type?: string; maxLength?: number; inputMode?: "numeric"; placeholder?: string } = {}) =>
    shell(name, props, (aria) => (
      <input
        id={id(name)}
        name={name}
        type={props.type ?? "text"}
        defaultValue={asText(value(name))}
        required={props.required}
        maxLength={props.maxLength}
        inputMode={props.inputMode}
        placeholder={props.placeholder}
        dir={name === "title" ? "auto" : undefined}
        {...aria}
      />
    ));

  const area = (name: string, props: { required?: boolean; hint?: string; rows?: number; maxLength?: number } = {}) =>
    shell(name, props, (aria) => (
      <textarea id={id(name)} name={name} rows={props.rows ?? 4} defaultValue={asText(value(name))} required={props.required} maxLength={props.maxLength} dir="auto" {...aria} />
    ));

  const select = (name: string, choices: { value: string; label: string }[], props: { required?: boolean; placeholder?: boolean; multiple?: boolean; hint?: string } = {}) =>
    shell(name, props, (aria) => (
      <select
        id={id(name)}
        name={name}
        multiple={props.multiple}
        size={props.multiple ? 6 : undefined}
        defaultValue={props.multiple ? asList(value(name)) : asText(value(name))}
        required={props.required}
        {...aria}
      >
        {props.placeholder ? <option value="">{t("orgForm.choose")}</option> : null}
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    ));

  const checkboxes = (name: string, choices: { value: string; label: string }[], props: { required?: boolean } = {}) => {
    const checked = new Set(asList(value(name)));
    return (
      <fieldset className={errors(name) ? "field checks field--invalid" : "field checks"} aria-describedby={errors(name) ? `${id(name)}-error` : undefined}>
        <legend>
          {label(name)}
          {props.required ? <span className="required" aria-hidden="true"> *</span> : null}
        </legend>
        <div className="checks__grid">
          {choices.map((c) => (
            <label key={c.value} className="check">
              <input type="checkbox" name={name} value={c.value} defaultChecked={checked.has(c.value)} /> {c.label}
            </label>
          ))}
        </div>
        <ErrorList id={`${id(name)}-error`} errors={errors(name)} />
      </fieldset>
    );
  };

  const sectorLabel = (s: { labelVi: string; labelEn: string }) => (locale === "en" ? s.labelEn : s.labelVi);
  const chosenSectors = new Set(asList(value("sectorCodes")));
  const provinceChoices = options.provinces.map((p) => ({ value: p.code, label: locale === "en" ? p.nameEn : p.shortNameVi }));
  const trlChoices = Array.from({ length: 9 }, (_, i) => ({ value: String(i + 1), label: t(`trl.${i + 1}`) }));
  const currencyChoices = CURRENCIES.map((c) => ({ value: c, label: c }));
  const isOffer = type !== "TECHNOLOGY_REQUEST";

  return (
    <Form method="post" {...getFormProps(form)} className="listing-form stack" noValidate={false}>
      <input type="hidden" name="type" value={type} />
      <ErrorList id={form.errorId} errors={form.errors} />

      <section className="card stack" aria-labelledby="lf-basics">
        <h2 id="lf-basics">{t("listingForm.sections.basics")}</h2>
        {organisations ? select("organisationId", organisations.map((o) => ({ value: o.id, label: o.name })), { required: true, placeholder: organisations.length > 1 }) : null}
        {select("language", LANGUAGES.map((l) => ({ value: l, label: t(`contentLanguage.${l}`) })), { required: true, hint: t("listingForm.hints.language") })}
        {text("title", { required: true, maxLength: LIMITS.title.max, hint: t("listingForm.hints.title") })}
        {area("summary", { required: true, rows: 4, maxLength: LIMITS.summary.max, hint: t("listingForm.hints.summary") })}
        {type === "TECHNOLOGY_REQUEST" ? area("problemStatement", { required: true, rows: 5, hint: t("listingForm.hints.problemStatement") }) : null}
        {area("description", { rows: 12, hint: t("listingForm.hints.description") })}
        <div className="field-row">
          {area("advantages", { rows: 4, hint: t("listingForm.hints.lines") })}
          {area("applications", { rows: 4, hint: t("listingForm.hints.lines") })}
        </div>
        {text("keywords", { hint: t("listingForm.hints.keywords") })}
      </section>

      <section className="card stack" aria-labelledby="lf-where">
        <h2 id="lf-where">{t("listingForm.sections.classification")}</h2>
        <fieldset className={errors("sectorCodes") ? "field field--invalid" : "field"} aria-describedby={errors("sectorCodes") ? "lf-sectorCodes-error" : undefined}>
          <legend>
            {label("sectorCodes")}
            <span className="required" aria-hidden="true"> *</span>
          </legend>
          <p className="field-hint">{t("listingForm.hints.sectors", { max: LIMITS.sectors })}</p>
          {options.sectors.map((field) => (
            <details key={field.code} className="sector-group" open={field.children.some((c) => chosenSectors.has(c.code))}>
              <summary>
                {field.code} {sectorLabel(field)}
              </summary>
              <div className="checks__grid">
                {field.children.map((s) => (
                  <label key={s.code} className="check">
                    <input type="checkbox" name="sectorCodes" value={s.code} defaultChecked={chosenSectors.has(s.code)} /> {s.code} {sectorLabel(s)}
                  </label>
                ))}
              </div>
            </details>
          ))}
          <ErrorList id="lf-sectorCodes-error" errors={errors("sectorCodes")} />
        </fieldset>
        <div className="field-row">
          {select("provinceCode", provinceChoices, { placeholder: true })}
          {text("countryCode", { maxLength: 2, hint: t("listingForm.hints.country") })}
        </div>
      </section>

      <section className="card stack" aria-labelledby="lf-specific">
        <h2 id="lf-specific">{t(`listingForm.sections.${type}`)}</h2>
        {type === "TECHNOLOGY_OFFER" ? (
          <>
            <div className="field-row">
              {select("trl", trlChoices, { required: true, placeholder: true })}
              {select("ipStatus", IP_STATUSES.map((s) => ({ value: s, label: t(`ipStatus.${s}`) })), { required: true, placeholder: true })}
            </div>
            {text("ipNumbers", { hint: t("listingForm.hints.ipNumbers") })}
            {checkboxes("transferObjects", TRANSFER_OBJECTS.map((o) => ({ value: o, label: t(`transferObject.${o}`) })))}
            {area("partnerSought", { rows: 2 })}
          </>
        ) : null}
        {type === "EQUIPMENT_OFFER" ? (
          <>
            <div className="field-row">
              {select("condition", CONDITIONS.map((c) => ({ value: c, label: t(`condition.${c}`) })), { required: true, placeholder: true })}
              {text("quantity", { type: "number", inputMode: "numeric" })}
            </div>
            <div className="field-row">
              {text("manufacturer")}
              {text("model")}
            </div>
            {text("manufactureYear", { type: "number", inputMode: "numeric" })}
            {area("specifications", { rows: 5, hint: t("listingForm.hints.specifications") })}
            <label className="check">
              <input type="checkbox" name="leaseAvailable" defaultChecked={value("leaseAvailable") === true || value("leaseAvailable") === "on"} /> {label("leaseAvailable")}
            </label>
          </>
        ) : null}
        {type === "TECHNOLOGY_REQUEST" ? (
          <>
            <div className="field-row">
              {select("minTrl", trlChoices, { placeholder: true })}
              {text("deadline", { type: "date" })}
            </div>
            <div className="field-row field-row--3">
              {text("budgetMin", { type: "number", inputMode: "numeric" })}
              {text("budgetMax", { type: "number", inputMode: "numeric" })}
              {select("budgetCurrency", currencyChoices, { placeholder: true })}
            </div>
            {select("preferredProvinceCodes", provinceChoices, { multiple: true, hint: t("listingForm.hints.multiple") })}
          </>
        ) : null}
        {checkboxes(
          "transferModes",
          MODES_FOR[type].map((m) => ({ value: m, label: t(`transferMode.${m}`) })),
          { required: isOffer },
        )}
      </section>

      {isOffer ? (
        <section className="card stack" aria-labelledby="lf-price">
          <h2 id="lf-price">{t("listingForm.sections.price")}</h2>
          <div className="field-row field-row--4">
            {select("priceType", PRICE_TYPES.map((p) => ({ value: p, label: t(`priceType.${p}`) })))}
            {text("priceMin", { type: "number", inputMode: "numeric" })}
            {text("priceMax", { type: "number", inputMode: "numeric" })}
            {select("currency", currencyChoices, { placeholder: true })}
          </div>
          <p className="field-hint">{t("listingForm.hints.price")}</p>
        </section>
      ) : null}

      <section className="card stack" aria-labelledby="lf-confidential">
        <h2 id="lf-confidential">{t("listingForm.sections.confidential")}</h2>
        {area("confidentialDetails", { rows: 5, hint: t("listingForm.hints.confidential") })}
      </section>

      {children}

      <div className="form-actions">
        {submitLabels.map((s) => (
          <button key={s.intent} type="submit" name="intent" value={s.intent} className={s.primary ? "button" : "button button--ghost"}>
            {s.label}
          </button>
        ))}
      </div>
    </Form>
  );
}
