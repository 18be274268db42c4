/** The documents as NDJSON bodies of at most `maxBytes` each (one document's line may exceed it alone). */
export function ndjsonBodies(documents: readonly object[], maxBytes: number): { body: string; count: number }[] {
  const bodies: { body: string; count: number }[] = [];
  let lines: string[] = [];
  let bytes = 0;
  for (const document of documents) {
    const line = JSON.stringify(document);
    const size = Buffer.byteLength(line) + 1;
    if (lines.length > 0 && bytes + size > maxBytes) {
      bodies.push({ body: lines.join("\n"), count: lines.length });
      lines = [];
      bytes = 0;
    }
    lines.push(line);
    bytes += size;
  }
  if (lines.length > 0) bodies.push({ body: lines.join("\n"), count: lines.length });
  return bodies;
}
