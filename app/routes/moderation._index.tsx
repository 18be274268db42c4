import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { formatDate } from "~/modules/i18n/format.ts";
import { provinceLabel, sectorLabel } from "~/modules/listings/labels.ts";
import { getListingFormOptions, getModerationQueue } from "~/modules/listings/queries.server.ts";
import { LISTING_TYPES } from "~/modules/listings/schema.ts";

const filters = z.object({
  type: z.enum(LISTING_TYPES).optional().catch(undefined),
  sector: z.string().regex(/^\d(\.\d{1,2})?$/).optional().catch(undefined),
  province: z.string().regex(/^\d{2}$/).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const filter = filters.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [queue, options, locale] = await Promise.all([getModerationQueue(actor, filter), getListingFormOptions(), getLocale(request)]);
  return json({ ...queue, options, locale });
}

export default function ModerationQueuePage() {
  const { pending, revisions, options, locale } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  return (
    <section>
      <h1>{t("moderation.title")}</h1>
      <p className="lead">{t("moderation.lead")}</p>
      <p>
        <Link to="/moderation/organisations">{t("verification.queue.link")}</Link>
      </p>
      <Form method="get" className="form-inline filters">
        <label>
          {t("moderation.type")}{" "}
          <select name="type" defaultValue={params.get("type") ?? ""}>
            <option value="">{t("moderation.any")}</option>
            {LISTING_TYPES.map((ty) => (
              <option key={ty} value={ty}>
                {t(`listingType.${ty}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("moderation.sector")}{" "}
          <select name="sector" defaultValue={params.get("sector") ?? ""}>
            <option value="">{t("moderation.any")}</option>
            {options.sectors.map((f) => (
              <option key={f.code} value={f.code}>
                {f.code} {sectorLabel(f, locale)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("moderation.province")}{" "}
          <select name="province" defaultValue={params.get("province") ?? ""}>
            <option value="">{t("moderation.any")}</option>
            {options.provinces.map((p) => (
              <option key={p.code} value={p.code}>
                {provinceLabel(p, locale)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button button--small">
          {t("moderation.apply")}
        </button>
      </Form>

      <h2>{t("moderation.pending", { count: pending.length })}</h2>
      {pending.length === 0 ? <p className="empty">{t("moderation.emptyPending")}</p> : null}
      <ol className="queue">
        {pending.map((l) => (
          <li key={l.id} className="card queue__item">
            <span className={`badge badge--${l.type.toLowerCase()}`}>{t(`listingType.${l.type}`)}</span>{" "}
            <span className="muted">{l.submittedAt ? t("moderation.submitted", { date: formatDate(l.submittedAt, locale) }) : null}</span>
            <h3 dir="auto" lang={l.language}>
              <Link to={`/moderation/${l.id}`}>{l.title}</Link>
            </h3>
            <p className="muted">
              {[l.organisation.name, provinceLabel(l.province, locale), l.sectors.map((s) => `${s.sector.code} ${sectorLabel(s.sector, locale)}`).join(", ")].filter(Boolean).join(" · ")}
            </p>
          </li>
        ))}
      </ol>

      <h2>{t("moderation.revisions", { count: revisions.length })}</h2>
      {revisions.length === 0 ? <p className="empty">{t("moderation.emptyRevisions")}</p> : null}
      <ol className="queue">
        {revisions.map((r) => (
          <li key={r.id} className="card queue__item">
            <span className="muted">{t("moderation.submitted", { date: formatDate(r.createdAt, locale) })}</span>
            <h3 dir="auto" lang={r.listing.language}>
              <Link to={`/moderation/${r.listing.id}`}>{r.listing.title}</Link>
            </h3>
            <p className="muted">{r.listing.organisation.name}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
