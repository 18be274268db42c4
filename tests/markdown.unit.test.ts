import { describe, expect, it } from "vitest";
import { renderMarkdown } from "~/modules/listings/markdown.server.ts";

describe("listing Markdown", () => {
  it("renders headings, lists and emphasis", () => {
    const html = renderMarkdown("### Quy trình\n\n- **Than hoạt tính**\n- biochar");
    expect(html).toContain("<h3>Quy trình</h3>");
    expect(html).toContain("<li><strong>Than hoạt tính</strong></li>");
  });

  it.each([
    ["a script tag", "<script>alert(1)</script>hello", /<script/i],
    ["an event handler", '<img src=x onerror="alert(1)">', /onerror/i],
    ["a javascript: link", "[click](javascript:alert(1))", /javascript:/i],
    ["a data: link", "[x](data:text/html;base64,PHNjcmlwdD4=)", /data:/i],
    ["inline style", '<p style="position:fixed">x</p>', /style=/i],
    ["an iframe", '<iframe src="https://evil.example"></iframe>', /<iframe/i],
  ])("removes %s", (_label, input, forbidden) => {
    expect(renderMarkdown(input)).not.toMatch(forbidden);
  });

  it("keeps http links and makes them safe to open", () => {
    expect(renderMarkdown("[site](https://example.vn)")).toBe(
      '<p><a href="https://example.vn" rel="noopener noreferrer nofollow ugc" target="_blank">site</a></p>\n',
    );
  });
});
