/** `text` gzipped, as a results host serves a batch job's part. */
export function gzipText(text: string): Buffer;
/** Each value as one JSON line, the whole gzipped. */
export function gzipLines(values: unknown[]): Buffer;
/** The text inside gzipped bytes, inflated by node:zlib (throws on bytes that are not a whole gzip stream). */
export function gunzipText(bytes: ArrayBuffer | Uint8Array): string;
