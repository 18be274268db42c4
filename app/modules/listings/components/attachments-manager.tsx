import { useFetcher, useSearchParams } from "@remix-run/react";
import { useEffect, useId, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { AttachmentError, AttachmentView } from "../attachments.server.ts";
import { formatFileSize, useLocale } from "./gallery.tsx";

type ActionData = { ok: boolean; errors: AttachmentError[] };

const ACCEPT = "image/jpeg,image/png,image/webp,application/pdf";

/** Errors a plain (no-JavaScript) post brought back in the URL: `attachmentError=<key>:<file>`. */
function errorsFromUrl(params: URLSearchParams): AttachmentError[] {
  return params.getAll("attachmentError").flatMap((value) => {
    const colon = value.indexOf(":");
    const message = colon < 0 ? value : value.slice(0, colon);
    // Only our own keys: the URL is the client's to edit.
    return /^attachments\.errors\.[A-Za-z]+$/.test(message) ? [{ message, file: colon < 0 ? "" : value.slice(colon + 1) }] : [];
  });
}

function Errors({ errors }: { errors: AttachmentError[] }) {
  const { t } = useTranslation();
  if (!errors.length) return null;
  return (
    <div role="alert">
      <p>{t("attachments.manager.refused")}</p>
      <ul className="attachments-manager__errors">
        {errors.map((e, i) => (
          <li key={`${i}-${e.message}`}>{e.file ? t("attachments.manager.fileError", { file: e.file, message: t(e.message) }) : t(e.message)}</li>
        ))}
      </ul>
    </div>
  );
}

function AttachmentRow({ listingId, attachment: a, first, last }: { listingId: string; attachment: AttachmentView; first: boolean; last: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const fetcher = useFetcher<ActionData>();
  const busy = fetcher.state !== "idle";
  return (
    <li className="attachments-manager__item">
      {a.kind === "IMAGE" ? (
        <img className="attachments-manager__preview" src={a.url} alt="" loading="lazy" width={a.width ?? undefined} height={a.height ?? undefined} />
      ) : (
        <span className="attachments-manager__pdf" aria-hidden="true">
          PDF
        </span>
      )}
      <span className="attachments-manager__name">
        <a href={a.url} dir="auto">
          {a.originalName}
        </a>{" "}
        <span className="muted">
          {formatFileSize(a.byteSize, locale)}
          {a.width && a.height ? ` · ${a.width} × ${a.height}` : ""}
        </span>
      </span>
      <fetcher.Form method="post" action={`/listings/${listingId}/attachments`} className="attachments-manager__actions">
        <input type="hidden" name="attachmentId" value={a.id} />
        <button type="submit" name="intent" value="move-up" className="button button--ghost button--small" disabled={first || busy} aria-label={t("attachments.manager.moveUpNamed", { name: a.originalName })}>
          {t("attachments.manager.moveUp")}
        </button>
        <button type="submit" name="intent" value="move-down" className="button button--ghost button--small" disabled={last || busy} aria-label={t("attachments.manager.moveDownNamed", { name: a.originalName })}>
          {t("attachments.manager.moveDown")}
        </button>
        <button
          type="submit"
          name="intent"
          value="remove"
          className="link-button link-button--danger"
          disabled={busy}
          aria-label={t("attachments.manager.removeNamed", { name: a.originalName })}
          onClick={(e) => {
            if (!window.confirm(t("attachments.manager.confirmRemove", { name: a.originalName }))) e.preventDefault();
          }}
        >
          {t("attachments.manager.remove")}
        </button>
      </fetcher.Form>
      {fetcher.data && !fetcher.data.ok ? <Errors errors={fetcher.data.errors} /> : null}
    </li>
  );
}

function AttachmentList({ listingId, title, items }: { listingId: string; title: string; items: AttachmentView[] }) {
  if (!items.length) return null;
  return (
    <section>
      <h3>{title}</h3>
      <ol className="attachments-manager__list">
        {items.map((a, i) => (
          <AttachmentRow key={a.id} listingId={listingId} attachment={a} first={i === 0} last={i === items.length - 1} />
        ))}
      </ol>
    </section>
  );
}

/**
 * The owner's controls for a listing's images and PDFs. Every control is a real form
 * posting to /listings/:id/attachments, so it works without JavaScript (the action
 * redirects back here); with JavaScript, fetchers keep the page in place.
 */
export function AttachmentsManager({ listingId, attachments }: { listingId: string; attachments: AttachmentView[] }) {
  const { t } = useTranslation();
  const upload = useFetcher<ActionData>();
  const [searchParams] = useSearchParams();
  const formRef = useRef<HTMLFormElement>(null);
  const inputId = useId();
  const hintId = useId();
  const busy = upload.state !== "idle";

  useEffect(() => {
    if (upload.state === "idle" && upload.data?.ok) formRef.current?.reset();
  }, [upload.state, upload.data]);

  const errors = upload.data ? (upload.data.ok ? [] : upload.data.errors) : errorsFromUrl(searchParams);
  const images = attachments.filter((a) => a.kind === "IMAGE");
  const documents = attachments.filter((a) => a.kind === "DOCUMENT");

  return (
    <section id="attachments" className="attachments-manager card" aria-labelledby={`${inputId}-title`}>
      <h2 id={`${inputId}-title`}>{t("attachments.manager.title")}</h2>
      <upload.Form ref={formRef} method="post" encType="multipart/form-data" action={`/listings/${listingId}/attachments`} className="attachments-manager__upload">
        <input type="hidden" name="intent" value="upload" />
        <label htmlFor={inputId}>{t("attachments.manager.choose")}</label>
        <input id={inputId} type="file" name="files" multiple accept={ACCEPT} required aria-describedby={hintId} />
        <p id={hintId} className="field-hint">
          {t("attachments.manager.limits")}
        </p>
        <button type="submit" className="button" disabled={busy}>
          {busy ? t("attachments.manager.uploading") : t("attachments.manager.upload")}
        </button>
      </upload.Form>
      <Errors errors={errors} />
      {attachments.length ? null : <p className="muted">{t("attachments.manager.empty")}</p>}
      <AttachmentList listingId={listingId} title={t("attachments.manager.images", { count: images.length })} items={images} />
      <AttachmentList listingId={listingId} title={t("attachments.manager.documents", { count: documents.length })} items={documents} />
    </section>
  );
}
