import { Fragment } from "react";
import { HIGHLIGHT_END, HIGHLIGHT_START } from "~/modules/search/schema.ts";

export interface HighlightPart {
  text: string;
  marked: boolean;
}

/**
 * Splits a highlighted string on the control-character markers. The text is
 * never parsed as HTML: whatever a listing contains stays text.
 */
export function splitHighlight(value: string): HighlightPart[] {
  const parts: HighlightPart[] = [];
  const push = (text: string, marked: boolean) => {
    const clean = text.replaceAll(HIGHLIGHT_START, "").replaceAll(HIGHLIGHT_END, "");
    if (clean) parts.push({ text: clean, marked });
  };
  const [before = "", ...rest] = value.split(HIGHLIGHT_START);
  push(before, false);
  for (const segment of rest) {
    const end = segment.indexOf(HIGHLIGHT_END);
    if (end === -1) {
      push(segment, false);
    } else {
      push(segment.slice(0, end), true);
      push(segment.slice(end + HIGHLIGHT_END.length), false);
    }
  }
  return parts;
}

/** Matched words in <mark>, the rest as plain text. */
export function Highlight({ value }: { value: string }) {
  return (
    <>
      {splitHighlight(value).map((part, i) => (part.marked ? <mark key={i}>{part.text}</mark> : <Fragment key={i}>{part.text}</Fragment>))}
    </>
  );
}
