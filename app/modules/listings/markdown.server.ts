import { marked } from "marked";
import sanitizeHtml from "sanitize-html";

/**
 * Listing text is Markdown written by members: parsed with marked, then
 * sanitised with an allow-list (no scripts, no event handlers, no javascript:
 * or data: links, no inline styles). Links open safely in a new tab.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ["h2", "h3", "h4", "p", "br", "hr", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre", "a", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub"],
  allowedAttributes: { a: ["href", "title", "rel", "target"], th: ["align"], td: ["align"] },
  allowedSchemes: ["http", "https", "mailto", "tel"],
  allowProtocolRelative: false,
  transformTags: {
    a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer nofollow ugc", target: "_blank" }),
    h1: "h2",
  },
};

export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: true }) as string;
  return sanitizeHtml(html, OPTIONS);
}
