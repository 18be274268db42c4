import { readForm } from "~/lib/http.server.ts";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList } from "~/components/forms.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { requireVerifiedEmail } from "~/modules/auth/verification.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { formatDate } from "~/modules/i18n/format.ts";
import { listAttachments } from "~/modules/listings/attachments.server.ts";
import { AttachmentsManager } from "~/modules/listings/components/attachments-manager.tsx";
import { attachmentsStylesheet } from "~/modules/listings/components/gallery.tsx";
import { ListingForm, type ListingFormValues } from "~/modules/listings/components/listing-form.tsx";
import { parseListingForm, refuse, submitIfAsked } from "~/modules/listings/form-actions.server.ts";
import { editMode, ownerActions, type ListingStatus } from "~/modules/listings/lifecycle.ts";
import { transitionListing, updateListing } from "~/modules/listings/listings.server.ts";
import { getListingForEdit, getListingFormOptions } from "~/modules/listings/queries.server.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: attachmentsStylesheet }];

const lifecycleIntent = z.object({ intent: z.enum(["submit", "archive", "renew", "restore"]) });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const [data, options, locale] = await Promise.all([getListingForEdit(actor, params.id ?? ""), getListingFormOptions(), getLocale(request)]);
  // Only after the scope check above: attachments of a listing the actor may edit.
  const attachments = await listAttachments(data.listing.id);
  return json({ ...data, attachments, options, locale });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const id = params.id ?? "";
  const formData = await readForm(request);
  const lifecycle = lifecycleIntent.safeParse({ intent: formData.get("intent") });
  // Sending a listing for review is posting: only with a verified address.
  if (lifecycle.success ? lifecycle.data.intent === "submit" : formData.get("intent") === "save-submit") await requireVerifiedEmail(actor.id);
  if (lifecycle.success) {
    const result = await transitionListing(actor, id, lifecycle.data.intent, { ipAddress: context.clientIp });
    if (!result.ok) return json({ status: "error" as const, error: { "": [result.error] } }, { status: result.error === "errors.staleListing" ? 409 : 400 });
    return redirect(`/listings/${id}/edit?done=${lifecycle.data.intent}`);
  }
  const parsed = parseListingForm(formData);
  if (!parsed.ok) return parsed.response;
  const result = await updateListing(actor, id, parsed.value);
  if (!result.ok) return refuse(parsed.submission, result.fieldErrors);
  const submitError = await submitIfAsked(actor, formData.get("intent"), id);
  return redirect(`/listings/${id}/edit?${submitError ? `error=${submitError}` : result.mode === "revision" ? "done=revision" : "saved=1"}`);
}

export default function EditListingPage() {
  const { listing, pendingRevision, events, attachments, options, locale } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  const status = listing.status as ListingStatus;
  const mode = editMode(status);
  const notice = params.get("saved") ? t("editListing.saved") : params.get("done") ? t(`editListing.done.${params.get("done")}`) : null;
  const error = params.get("error");
  // The form shows the pending edit when there is one: it is what the owner last wrote.
  const values = (pendingRevision ? { ...listing, ...pendingRevision.data } : listing) as unknown as ListingFormValues;
  const formErrors = lastResult && "error" in lastResult && lastResult.error ? (lastResult.error as Record<string, string[]>)[""] : undefined;

  return (
    <section className="form-page form-page--wide">
      <p className="breadcrumbs">
        <Link to="/my/listings">{t("myListings.title")}</Link> / {listing.organisation.name}
      </p>
      <header className="page-header">
        <span className={`badge badge--status-${status.toLowerCase()}`}>{t(`listingStatus.${status}`)}</span>{" "}
        <span className={`badge badge--${listing.type.toLowerCase()}`}>{t(`listingType.${listing.type}`)}</span>
        <h1 dir="auto">{listing.title}</h1>
        <p className="muted">{t(`editListing.statusHelp.${status}`)}</p>
        {status === "PUBLISHED" || status === "EXPIRED" ? (
          <p>
            <Link to={`/listings/${listing.id}`}>{t("editListing.viewPublic")}</Link>
            {listing.expiresAt ? ` · ${t("editListing.expires", { date: formatDate(listing.expiresAt, locale) })}` : null}
          </p>
        ) : null}
      </header>
      {notice ? (
        <p className="notice notice--ok" role="status">
          {notice}
        </p>
      ) : null}
      {error ? <ErrorList errors={[error]} /> : null}
      <ErrorList errors={formErrors} />
      {pendingRevision ? (
        <p className="notice" role="status">
          {t("editListing.pendingRevision", { date: formatDate(pendingRevision.createdAt, locale) })}
        </p>
      ) : null}
      {events.find((e) => e.kind === "REJECTED" || e.kind === "REVISION_REJECTED") && (status === "REJECTED" || status === "PUBLISHED") ? (
        <div className="notice notice--warn" role="alert">
          <strong>{t("editListing.rejectedBecause")}</strong> <span dir="auto">{events.find((e) => e.kind === "REJECTED" || e.kind === "REVISION_REJECTED")?.reason}</span>
        </div>
      ) : null}

      <div className="actions-bar">
        {ownerActions(status).map((a) => (
          <Form method="post" key={a}>
            <button type="submit" name="intent" value={a} className={a === "submit" ? "button" : "button button--ghost"}>
              {t(`editListing.actions.${a}`)}
            </button>
          </Form>
        ))}
      </div>

      {mode === "locked" ? (
        <p className="notice">{t("editListing.locked")}</p>
      ) : (
        <ListingForm
          type={listing.type}
          values={values}
          options={options}
          locale={locale}
          lastResult={lastResult && "initialValue" in lastResult ? lastResult : null}
          submitLabels={
            mode === "revision"
              ? [{ intent: "save", label: t("editListing.submitChanges"), primary: true }]
              : status === "PENDING_REVIEW"
                ? [{ intent: "save", label: t("listingForm.save"), primary: true }]
                : [
                    { intent: "save", label: t("listingForm.saveDraft") },
                    { intent: "save-submit", label: t("listingForm.saveAndSubmit"), primary: true },
                  ]
          }
        />
      )}

      {mode !== "locked" ? (
        <section className="section">
          <AttachmentsManager listingId={listing.id} attachments={attachments} />
        </section>
      ) : null}

      <section className="card section" aria-labelledby="history">
        <h2 id="history">{t("editListing.history")}</h2>
        <ol className="timeline">
          {events.map((e) => (
            <li key={e.id}>
              <strong>{t(`listingEvent.${e.kind}`)}</strong> · {formatDate(e.createdAt, locale)}
              {e.actor ? ` · ${e.actor.name}` : ""}
              {e.reason ? (
                <>
                  <br />
                  <span dir="auto">{e.reason}</span>
                </>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
