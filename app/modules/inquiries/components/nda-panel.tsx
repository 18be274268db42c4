import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/modules/i18n/config.ts";
import { formatDate } from "~/modules/i18n/format.ts";

export type NdaPanelData =
  | { kind: "none" }
  | { kind: "unlocked"; reason: "owner" | "accepted"; detailsHtml: string; acceptedBy: { organisationName: string; acceptedAt: string | Date } | null }
  | { kind: "locked"; ndaText: string; textHash: string; signedIn: boolean; organisations: { id: string; name: string }[] };

/**
 * The confidential part of a listing page: the details for organisations that may
 * read them, otherwise the NDA text with a click-accept. The hash of the text shown
 * goes back with the acceptance, so the server can tell if the text changed.
 */
export function NdaPanel({ panel, listingId, locale, language }: { panel: NdaPanelData; listingId: string; locale: Locale; language: string }) {
  const { t } = useTranslation();
  if (panel.kind === "none") return null;
  if (panel.kind === "unlocked") {
    return (
      <section id="confidential" className="card confidential nda-panel" aria-labelledby="confidential-title">
        <h2 id="confidential-title">{t("inquiries.nda.detailsTitle")}</h2>
        <p className="muted">
          {panel.reason === "owner"
            ? t("inquiries.nda.ownerNote")
            : t("inquiries.nda.acceptedNote", { organisation: panel.acceptedBy?.organisationName ?? "", date: panel.acceptedBy ? formatDate(panel.acceptedBy.acceptedAt, locale) : "" })}
        </p>
        {/* Sanitised on the server by renderMarkdown. */}
        <div className="prose" lang={language} dir="auto" dangerouslySetInnerHTML={{ __html: panel.detailsHtml }} />
      </section>
    );
  }
  return (
    <section id="nda" className="card nda-panel stack" aria-labelledby="nda-title">
      <h2 id="nda-title">{t("inquiries.nda.title")}</h2>
      <p>{t("inquiries.nda.lead")}</p>
      <div className="nda-panel__text" tabIndex={0} role="document" aria-label={t("inquiries.nda.textLabel")} dir="auto">
        {panel.ndaText}
      </div>
      {!panel.signedIn ? (
        <p>
          <Link to={`/login?redirectTo=${encodeURIComponent(`/listings/${listingId}#nda`)}`} className="button">
            {t("inquiries.nda.loginToAccept")}
          </Link>
        </p>
      ) : panel.organisations.length === 0 ? (
        <p className="muted">{t("inquiries.nda.needOrganisation")}</p>
      ) : (
        <Form method="post" action={`/listings/${listingId}/nda`} reloadDocument className="stack">
          <input type="hidden" name="textHash" value={panel.textHash} />
          {panel.organisations.length === 1 ? (
            <input type="hidden" name="organisationId" value={panel.organisations[0]!.id} />
          ) : (
            <div className="field">
              <label htmlFor="nda-organisation">{t("inquiries.nda.organisation")}</label>
              <select id="nda-organisation" name="organisationId" required defaultValue="">
                <option value="">{t("inquiries.form.chooseOrganisation")}</option>
                {panel.organisations.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <label className="check">
            <input type="checkbox" name="agree" value="yes" required />
            <span>
              {panel.organisations.length === 1
                ? t("inquiries.nda.agreeFor", { organisation: panel.organisations[0]!.name })
                : t("inquiries.nda.agree")}
            </span>
          </label>
          <p className="field-hint">{t("inquiries.nda.recorded")}</p>
          <div>
            <button type="submit" className="button">
              {t("inquiries.nda.accept")}
            </button>
          </div>
        </Form>
      )}
    </section>
  );
}
