// A batch job's result file: gzipped or plain JSON lines, decompressed and parsed line by line as the bytes arrive.

/**
 * The results host serves the gzip bytes without Content-Encoding, so nothing has inflated them;
 * a host that does send the header has, so the magic bytes decide. The global
 * DecompressionStream inflates them, as a verified node may not import zlib, and each line is
 * parsed as soon as it is whole: the text of a file is never held at once beside its records.
 */

export type FileReading = { lines: number } | { unreadable: string };

export const isGzip = (bytes: Uint8Array) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** The file's text, a chunk at a time: decoding each inflated chunk in place is cheaper than a second stream. */
async function* textOf(bytes: Uint8Array): AsyncIterable<string> {
	// A Response made from bytes always has a body.
	const raw = new Response(bytes).body as ReadableStream<Uint8Array>;
	const inflated = isGzip(bytes) ? raw.pipeThrough(new DecompressionStream('gzip')) : raw;
	const decoder = new TextDecoder('utf-8', { fatal: true });
	for await (const chunk of inflated) yield decoder.decode(chunk, { stream: true });
	yield decoder.decode();
}

/** Hands `onValue` every line of the text as parsed JSON, however the chunks cut the lines; a line that is not JSON makes the whole file unreadable. */
export async function parseJsonLines(chunks: AsyncIterable<string>, onValue: (value: unknown) => void): Promise<FileReading> {
	let pending = '';
	let lines = 0;
	const parse = (line: string): string | undefined => {
		if (line.trim() === '') return undefined;
		lines += 1;
		try {
			onValue(JSON.parse(line));
			return undefined;
		} catch {
			return `line ${lines} is not JSON`;
		}
	};
	try {
		for await (const text of chunks) {
			const parts = (pending + text).split('\n');
			pending = parts.pop() ?? '';
			for (const line of parts) {
				const problem = parse(line);
				if (problem) return { unreadable: problem };
			}
		}
	} catch (error) {
		// A file cut short ends inside the gzip stream; bytes that are not UTF-8 are no JSON lines.
		return { unreadable: (error as Error).message || 'the file could not be decompressed' };
	}
	const problem = parse(pending);
	return problem ? { unreadable: problem } : { lines };
}

/** Every line of a result file's bytes, decompressed when they are gzip, as parsed JSON. */
export const readJsonLines = async (bytes: Uint8Array, onValue: (value: unknown) => void) => await parseJsonLines(textOf(bytes), onValue);
