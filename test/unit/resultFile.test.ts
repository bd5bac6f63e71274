import { isGzip, parseJsonLines, readJsonLines } from '../../nodes/CrustdataPersonEnrich/batch/resultFile';
import { gzipText } from '../harness/gzip';

async function* chunksOf(...texts: string[]) {
	for (const text of texts) yield text;
}

const lines = (count: number) => Array.from({ length: count }, (_, index) => JSON.stringify({ original_identifier: `id-${index}`, data: { n: index } })).join('\n') + '\n';

async function collect(bytes: Uint8Array) {
	const values: unknown[] = [];
	const reading = await readJsonLines(bytes, (value) => values.push(value));
	return { reading, values };
}

describe('JSON lines', () => {
	it('parses a line split across chunks, wherever the cut falls', async () => {
		const values: unknown[] = [];
		const reading = await parseJsonLines(chunksOf('{"a":', '1}\n{"b"', ':2}\n', '{"c":3}'), (value) => values.push(value));
		expect(reading).toEqual({ lines: 3 });
		expect(values).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
	});

	it('skips blank lines and reads a last line without a newline', async () => {
		const values: unknown[] = [];
		expect(await parseJsonLines(chunksOf('\n{"a":1}\r\n\n', '{"b":2}'), (value) => values.push(value))).toEqual({ lines: 2 });
		expect(values).toEqual([{ a: 1 }, { b: 2 }]);
	});

	it('makes the whole file unreadable at the first line that is not JSON', async () => {
		const values: unknown[] = [];
		expect(await parseJsonLines(chunksOf('{"a":1}\n{"b":', '\n{"c":3}\n'), (value) => values.push(value))).toEqual({ unreadable: 'line 2 is not JSON' });
	});

	it('reads an empty file as no lines', async () => {
		expect(await collect(gzipText(''))).toEqual({ reading: { lines: 0 }, values: [] });
		expect(await collect(new Uint8Array(0))).toEqual({ reading: { lines: 0 }, values: [] });
	});
});

describe('result files', () => {
	it('decompresses gzip by its magic bytes and parses every line of a large file', async () => {
		const gz = gzipText(lines(20_000));
		expect(isGzip(gz)).toBe(true);
		const { reading, values } = await collect(gz);
		expect(reading).toEqual({ lines: 20_000 });
		expect(values[19_999]).toEqual({ original_identifier: 'id-19999', data: { n: 19_999 } });
	});

	it('reads plain JSON lines, as a host that inflated them already gives them', async () => {
		const { reading, values } = await collect(Buffer.from(lines(3)));
		expect(reading).toEqual({ lines: 3 });
		expect(values).toHaveLength(3);
	});

	it('says a file cut short is unreadable, never a partial result', async () => {
		const gz = gzipText(lines(5_000));
		const { reading } = await collect(gz.subarray(0, Math.floor(gz.length / 2)));
		expect(reading).toEqual({ unreadable: expect.stringMatching(/unexpected end of file/) });
	});

	it('says bytes that are neither gzip nor JSON lines are unreadable', async () => {
		expect((await collect(Buffer.from([0x1f, 0x8b, 1, 2, 3, 4]))).reading).toEqual({ unreadable: expect.any(String) });
		expect((await collect(Buffer.from([0xff, 0xfe, 0x00, 0x41]))).reading).toEqual({ unreadable: expect.any(String) });
		expect((await collect(Buffer.from('<html>AccessDenied</html>'))).reading).toEqual({ unreadable: 'line 1 is not JSON' });
	});
});
