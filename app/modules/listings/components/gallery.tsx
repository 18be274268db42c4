import { useState, type MouseEvent } from "react";
import { useTranslation } from "react-i18next";
import { DEFAULT_LOCALE, isLocale, type Locale } from "~/modules/i18n/config.ts";
import { numberFormat } from "~/modules/i18n/format.ts";
import type { AttachmentView } from "../attachments.server.ts";
import attachmentsStylesheet from "./attachments.css";

export { attachmentsStylesheet };

/** Sizes as people read them: vi → "1,2 MB", en → "1.2 MB". */
export function formatFileSize(bytes: number, locale: Locale) {
  const [value, unit] = bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), "megabyte"] : bytes >= 1024 ? [bytes / 1024, "kilobyte"] : [bytes, "byte"];
  return numberFormat(locale, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1 }).format(value);
}

export function useLocale(): Locale {
  const { i18n } = useTranslation();
  return isLocale(i18n.language) ? i18n.language : DEFAULT_LOCALE;
}

/** A click that should open the link as the browser would (new tab, download …) rather than switch the picture. */
const opensElsewhere = (e: MouseEvent) => e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey;

/**
 * A listing's images (one large, thumbnails below that switch it) and its PDFs as a
 * download list. Without JavaScript each thumbnail is a link to the full image.
 */
export function Gallery({ attachments, title }: { attachments: AttachmentView[]; title: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [selected, setSelected] = useState(0);
  const images = attachments.filter((a) => a.kind === "IMAGE");
  const documents = attachments.filter((a) => a.kind === "DOCUMENT");
  if (!images.length && !documents.length) return null;
  const index = Math.min(selected, images.length - 1);
  const current = images[index];
  const alt = (i: number) => t("attachments.gallery.alt", { title, n: i + 1, total: images.length });

  return (
    <div className="attachments">
      {current ? (
        <section className="gallery" aria-label={t("attachments.gallery.label")}>
          <figure className="gallery__main">
            <a href={current.url} className="gallery__full">
              <img src={current.url} alt={alt(index)} width={current.width ?? undefined} height={current.height ?? undefined} decoding="async" />
            </a>
            {images.length > 1 ? (
              <figcaption className="gallery__caption" aria-live="polite">
                {t("attachments.gallery.position", { n: index + 1, total: images.length })}
              </figcaption>
            ) : null}
          </figure>
          {images.length > 1 ? (
            <ul className="gallery__thumbs" aria-label={t("attachments.gallery.thumbnails")}>
              {images.map((image, i) => (
                <li key={image.id}>
                  <a
                    href={image.url}
                    className={i === index ? "gallery__thumb gallery__thumb--current" : "gallery__thumb"}
                    aria-current={i === index ? "true" : undefined}
                    onClick={(e) => {
                      if (opensElsewhere(e)) return;
                      e.preventDefault();
                      setSelected(i);
                    }}
                  >
                    <img src={image.url} alt={alt(i)} loading="lazy" decoding="async" width={image.width ?? undefined} height={image.height ?? undefined} />
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}
      {documents.length ? (
        <section className="attachment-files">
          <h2>{t("attachments.documents.title")}</h2>
          <ul>
            {documents.map((doc) => (
              <li key={doc.id}>
                <a href={doc.url} download={doc.originalName} dir="auto">
                  {doc.originalName}
                </a>{" "}
                <span className="muted">
                  {t("attachments.documents.pdf")} · {formatFileSize(doc.byteSize, locale)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
