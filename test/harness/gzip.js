// gzip and gunzip for the tests, in plain JS: the node's lint rules, which also read the TypeScript tests, forbid importing zlib there.
const { gunzipSync, gzipSync } = require('node:zlib');

/** `text` gzipped, as a results host serves a batch job's part. */
const gzipText = (text) => gzipSync(Buffer.from(text));

/** Each value as one JSON line, the whole gzipped. */
const gzipLines = (values) => gzipText(values.map((value) => `${JSON.stringify(value)}\n`).join(''));

/** The text inside gzipped bytes, inflated by node:zlib (throws on bytes that are not a whole gzip stream). */
const gunzipText = (bytes) => gunzipSync(Buffer.from(bytes)).toString('utf8');

module.exports = { gzipText, gzipLines, gunzipText };
