import { readForm } from "~/lib/http.server.ts";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import {
  AssignmentPanel,
  DealHeader,
  DealHistory,
  DealListings,
  DealOutcome,
  DealParties,
  FormErrorsNotice,
  InquiryThread,
  TransitionPanel,
} from "~/modules/deals/components/deal-page.tsx";
import dealsStylesheet from "~/modules/deals/components/deals.css";
import { assignDeal, getDealPage, takeDeal, transitionDeal, type DealChangeResult } from "~/modules/deals/deals.server.ts";
import { assignSchema, takeSchema, transitionSchema } from "~/modules/deals/schema.ts";
import { isClosedStage } from "~/modules/deals/state-machine.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { DealFeesPanel } from "~/modules/payments/components/deal-fees.tsx";
import { loadDealFees } from "~/modules/payments/fees.server.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: dealsStylesheet }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.deal.title} — Techex` : "Techex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const [page, locale] = await Promise.all([getDealPage(actor, params.id ?? ""), getLocale(request)]);
  // Sections other modules add to the deal page load here, after getDealPage has checked access.
  const fees = await loadDealFees(actor, page.deal.id);
  return json({ ...page, locale, fees });
}

const SCHEMAS = { transition: transitionSchema, take: takeSchema, assign: assignSchema } as const;

/** Transitions, "take" and "assign", told apart by `intent`; each posts the version it saw. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const id = params.id ?? "";
  const formData = await readForm(request);
  const intent = String(formData.get("intent") ?? "transition");
  const schema = SCHEMAS[intent as keyof typeof SCHEMAS] ?? transitionSchema;
  const submission = parseWithZod(formData, { schema });
  if (submission.status !== "success") return json({ ...submission.reply(), sentAction: formData.get("action") }, { status: 400 });
  const meta = { ipAddress: context.clientIp };
  const input = submission.value;
  const result: DealChangeResult | { ok: true } =
    input.intent === "take"
      ? await takeDeal(actor, id, input.version, meta)
      : input.intent === "assign"
        ? await assignDeal(actor, id, input.version, input.brokerId, meta)
        : await transitionDeal(actor, id, input, meta);
  if (result.ok) return redirect(`/deals/${id}?saved=1`);
  const sentAction = input.intent === "transition" ? input.action : null;
  switch (result.error) {
    case "stale":
      return json({ ...submission.reply({ formErrors: ["deals.errors.stale"] }), sentAction }, { status: 409 });
    case "not-allowed":
      return json({ ...submission.reply({ formErrors: ["deals.errors.notAllowed"] }), sentAction }, { status: 400 });
    case "invalid":
      return json({ ...submission.reply({ fieldErrors: result.fieldErrors }), sentAction }, { status: 400 });
  }
}

export default function DealPage() {
  const { deal, thread, permissions, brokers, locale, fees } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  const errors = result?.error ?? undefined;
  const sentAction = typeof result?.sentAction === "string" ? result.sentAction : undefined;
  return (
    <article>
      <DealHeader deal={deal} locale={locale} />
      {params.get("opened") ? <p className="notice notice--ok">{t("deals.page.opened_notice")}</p> : null}
      {params.get("saved") && !result ? <p className="notice notice--ok">{t("deals.page.saved_notice")}</p> : null}
      <FormErrorsNotice errors={errors} />
      <div className="deal-page">
        <div className="deal-page__main">
          <DealParties deal={deal} />
          <DealListings deal={deal} />
          <DealOutcome deal={deal} locale={locale} />
          <DealFeesPanel fees={fees} locale={locale} />
          {thread ? <InquiryThread thread={thread} locale={locale} /> : null}
        </div>
        <aside className="deal-page__side">
          {/* A key per version: after a change the forms start empty again. */}
          <TransitionPanel key={deal.version} deal={deal} actions={permissions.actions} errors={errors} sentAction={sentAction} sentValues={result?.initialValue} />
          {permissions.actions.length === 0 ? (
            <p className="muted">{isClosedStage(deal.stage) ? t("deals.form.finished") : t("deals.form.readOnly")}</p>
          ) : null}
          <AssignmentPanel deal={deal} canTake={permissions.canTake} canAssign={permissions.canAssign} brokers={brokers} errors={errors} />
          <DealHistory transitions={deal.transitions} locale={locale} />
        </aside>
      </div>
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
