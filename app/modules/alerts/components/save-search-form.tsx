import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useOptionalUser } from "~/root.tsx";
import { ALERT_FREQUENCIES } from "../schema.ts";

/** Parameters that describe a page of results rather than the search itself. */
const NOT_SAVED = new Set(["page", "perPage"]);

/**
 * "Save this search" on the search page: a small POST form that carries the
 * page's current query and filters as hidden fields, with an alert frequency.
 * Signed-out visitors get a link to log in that brings them back here.
 */
export function SaveSearchForm({ current }: { current: URLSearchParams }) {
  const { t } = useTranslation();
  const user = useOptionalUser();
  const here = current.toString() ? `/search?${current.toString()}` : "/search";
  if (!user) {
    return (
      <p className="save-search">
        <Link to={`/login?redirectTo=${encodeURIComponent(here)}`}>{t("alerts.loginToSave")}</Link>
      </p>
    );
  }
  const fields = [...current].filter(([key, value]) => !NOT_SAVED.has(key) && value.trim() !== "");
  return (
    <Form method="post" action="/saved-searches/new" className="save-search" aria-label={t("alerts.save")}>
      {fields.map(([key, value], i) => (
        <input key={`${key}-${i}`} type="hidden" name={key} value={value} />
      ))}
      <label htmlFor="save-search-frequency" className="muted">
        {t("alerts.saveHint")}
      </label>
      <select id="save-search-frequency" name="frequency" defaultValue="DAILY">
        {ALERT_FREQUENCIES.filter((f) => f !== "NEVER").map((f) => (
          <option key={f} value={f}>
            {t(`alerts.frequencies.${f}`)}
          </option>
        ))}
      </select>
      <button type="submit" className="button button--small">
        {t("alerts.save")}
      </button>
    </Form>
  );
}
