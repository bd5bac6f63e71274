import type { INodeExecutionData } from 'n8n-workflow';

import { mulberry32 } from '../sandbox/dataset';
import { printFigures } from '../harness/report';
import type { Sandbox } from '../sandbox/server';
import { enrichRequests, profileUrl, runNode, urlItems, useSandbox } from './runNode';

const currentSandbox = useSandbox();
let sandbox: Sandbox;
beforeEach(() => {
	sandbox = currentSandbox();
});

const uniqueUrls = (count: number, prefix = 'person') => Array.from({ length: count }, (_, i) => profileUrl(`${prefix}-${i}`));
const statuses = () => enrichRequests(sandbox).map((request) => request.status);
const errorsOf = (items: INodeExecutionData[]) => items.filter((item) => item.json.error !== undefined);

describe('pacing', () => {
	it('enriches 200 URLs under a 3-requests-per-2-seconds window, close to the time the window allows', async () => {
		const window = { limit: 3, windowMs: 2_000 };
		sandbox.configure({ rateLimit: window });
		const started = Date.now();
		const run = await runNode(sandbox, { items: urlItems(uniqueUrls(200)) });
		const elapsed = Date.now() - started;

		const requests = Math.ceil(200 / 25);
		const ideal = (Math.ceil(requests / window.limit) - 1) * window.windowMs;
		const rateLimited = statuses().filter((status) => status === 429).length;
		printFigures('Pacing: 200 URLs, sandbox window 3 requests / 2 s', {
			'wall time (ms)': elapsed,
			'first billable request after (ms)': enrichRequests(sandbox)[0].at - started,
			summary: run.hints[0]?.message ?? '',
			'ideal (ms)': ideal,
			ratio: (elapsed / ideal).toFixed(2),
			requests: enrichRequests(sandbox).length,
			'429s': rateLimited,
		});
		expect(run.status).toBe('success');
		expect(run.outputs[0]).toHaveLength(200);
		expect(run.outputs[0].every((item) => item.json.match_status === 'matched')).toBe(true);
		expect(rateLimited).toBe(0);
		expect(elapsed).toBeLessThanOrEqual(ideal * 1.25);
	});

	it.each([
		[1, false],
		[2, true],
	])('keeps at most Concurrency = %i requests in flight', async (concurrency, overlaps) => {
		sandbox.configure({ rateLimit: null, latencyMs: 300 });
		await runNode(sandbox, { items: urlItems(uniqueUrls(100)), parameters: { options: { concurrency } } });
		const arrivals = enrichRequests(sandbox).map((request) => request.at);
		const overlapping = arrivals.slice(1).some((at, i) => at < arrivals[i] + 300);
		expect(arrivals).toHaveLength(4);
		expect(overlapping).toBe(overlaps);
	});
});

describe('failures on the way', () => {
	it('accounts for every one of 150 URLs through 15 % server errors and 10 % dropped connections', async () => {
		sandbox.configure({ rateLimit: null, serverErrorRate: 0.15, dropRate: 0.1, seed: 7 });
		const run = await runNode(sandbox, { items: urlItems(uniqueUrls(150)), onError: 'continueRegularOutput' });
		const seen = statuses();
		printFigures('Faults: 150 URLs, 15 % 500s, 10 % drops', {
			requests: seen.length,
			'500s': seen.filter((status) => status === 500).length,
			dropped: seen.filter((status) => status === 'dropped').length,
		});
		expect(seen.filter((status) => status !== 200).length).toBeGreaterThan(0);
		expect(run.outputs[0].map((item) => item.pairedItem)).toEqual(uniqueUrls(150).map((_, item) => ({ item })));
		expect(errorsOf(run.outputs[0])).toEqual([]);
		expect(run.hints[0].message).toMatch(/^Enriched 150 of 150 inputs in \d+ requests \([1-9]\d* retr(y|ies)\)/);
	});

	it('fails a request that never succeeds with what happened and how many tries were made', async () => {
		sandbox.configure({ rateLimit: null, serverErrorRate: 1 });
		const run = await runNode(sandbox, {
			items: urlItems(uniqueUrls(3)),
			parameters: { options: { maxRetries: 1 } },
			onError: 'continueRegularOutput',
		});
		expect(statuses()).toEqual([500, 500]);
		expect(run.outputs[0].map((item) => item.json.error)).toEqual(
			Array(3).fill('The request failed after 2 tries: Crustdata answered 500 (Internal server error)'),
		);
	});

	it('retries a request that times out, and says so when it never answers in time', async () => {
		sandbox.configure({ rateLimit: null, latencyMs: 2_500 });
		const run = await runNode(sandbox, {
			items: urlItems(uniqueUrls(2)),
			parameters: { options: { timeout: 1, maxRetries: 1 } },
			onError: 'continueRegularOutput',
		});
		expect(enrichRequests(sandbox)).toHaveLength(2);
		expect(run.outputs[0].map((item) => item.json.error)).toEqual(
			Array(2).fill('The request failed after 2 tries: no answer within 1 s (timed out)'),
		);
	});

	it('fails only the two .gov emails among 20, the other 18 are enriched or not found', async () => {
		sandbox.configure({ rateLimit: null });
		const emails = Array.from({ length: 20 }, (_, i) =>
			i === 4 ? 'clerk@agency.gov' : i === 13 ? 'ranger@parks.gov' : i % 6 === 0 ? `nomatch.${i}@acme.io` : `person.${i}@acme.io`,
		);
		const run = await runNode(sandbox, {
			items: emails.map((email) => ({ email })),
			parameters: { identifierType: 'businessEmail', businessEmail: '={{ $json.email }}' },
			onError: 'continueRegularOutput',
		});
		const errors = errorsOf(run.outputs[0]);
		expect(errors.map((item) => [item.pairedItem, item.json.matched_on])).toEqual([
			[{ item: 4 }, 'clerk@agency.gov'],
			[{ item: 13 }, 'ranger@parks.gov'],
		]);
		const others = run.outputs[0].filter((item) => item.json.error === undefined);
		expect(others).toHaveLength(18);
		expect(new Set(others.map((item) => item.json.match_status))).toEqual(new Set(['matched', 'not_found']));
	});

	it('narrows down a 400 that names nothing, so only the bad inputs fail', async () => {
		sandbox.configure({ rateLimit: null, unnamedBadRequests: true });
		const emails = Array.from({ length: 20 }, (_, i) => (i === 7 ? 'clerk@agency.gov' : `person.${i}@acme.io`));
		const run = await runNode(sandbox, {
			items: emails.map((email) => ({ email })),
			parameters: { identifierType: 'businessEmail', businessEmail: '={{ $json.email }}' },
			onError: 'continueRegularOutput',
		});
		expect(errorsOf(run.outputs[0]).map((item) => item.pairedItem)).toEqual([{ item: 7 }]);
		expect(run.outputs[0].filter((item) => item.json.match_status === 'matched')).toHaveLength(19);
		expect(enrichRequests(sandbox).length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(20)));
	});
});

describe('stopping on errors', () => {
	const emails = Array.from({ length: 100 }, (_, i) => ({ email: i === 3 ? 'clerk@agency.gov' : `person.${i}@acme.io` }));
	const emailLookup = { identifierType: 'businessEmail', businessEmail: '={{ $json.email }}' };

	it('spends nothing more once an input has failed, and reports that input', async () => {
		sandbox.configure({ rateLimit: null });
		const run = await runNode(sandbox, { items: emails, parameters: emailLookup });
		expect(run.error).toMatchObject({ message: 'Crustdata rejected "clerk@agency.gov": Invalid business emails', context: { itemIndex: 3 } });
		expect(enrichRequests(sandbox).length).toBeLessThanOrEqual(2);
	});

	it('stops sending at the first no-match when On No Match raises an error', async () => {
		sandbox.configure({ rateLimit: null });
		const items = urlItems([profileUrl('nomatch-first'), ...uniqueUrls(99)]);
		const run = await runNode(sandbox, { items, parameters: { options: { onNoMatch: 'error' } } });
		expect(run.error).toMatchObject({ message: `Crustdata found no person for "${profileUrl('nomatch-first')}"`, context: { itemIndex: 0 } });
		expect(enrichRequests(sandbox).length).toBeLessThanOrEqual(2);
	});
});

describe('running out of credits', () => {
	const items = urlItems(uniqueUrls(100));

	it('keeps the 50 enriched before the 402, fails the other 50, and sends at most one more request', async () => {
		sandbox.configure({ rateLimit: null, creditBudget: 50 });
		const run = await runNode(sandbox, { items, onError: 'continueRegularOutput' });
		const seen = statuses();
		expect(seen.slice(0, 2)).toEqual([200, 200]);
		expect(seen.slice(seen.indexOf(402) + 1).length).toBeLessThanOrEqual(1);
		const [output] = run.outputs;
		expect(output.filter((item) => item.json.match_status === 'matched')).toHaveLength(50);
		expect(errorsOf(output)).toHaveLength(50);
		expect(errorsOf(output).every((item) => item.json.error === 'The Crustdata account is out of credits')).toBe(true);
		expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
	});

	it('fails the node with the credits message when it does not continue', async () => {
		sandbox.configure({ rateLimit: null, creditBudget: 50 });
		const run = await runNode(sandbox, { items });
		expect(run.error?.message).toBe('The Crustdata account is out of credits');
		expect(run.error?.description).toContain('Top up credits');
	});
});

describe('no input is ever lost', () => {
	/** Random mixes of good, malformed, duplicate, unmatched and redacted identifiers. */
	function randomInputs(random: () => number): string[] {
		const count = 1 + Math.floor(random() * 60);
		const inputs: string[] = [];
		for (let i = 0; i < count; i++) {
			const roll = random();
			if (roll < 0.1) inputs.push(['', 'not a url', 'https://www.linkedin.com/company/x'][Math.floor(random() * 3)]);
			else if (roll < 0.3 && inputs.length > 0) inputs.push(inputs[Math.floor(random() * inputs.length)]);
			else if (roll < 0.4) inputs.push(profileUrl(`nomatch-${i}`));
			else if (roll < 0.45) inputs.push(profileUrl(`redacted-${i}`));
			else inputs.push(`linkedin.com/in/member-${Math.floor(random() * 500)}/`);
		}
		return inputs;
	}

	it.each(Array.from({ length: 12 }, (_, seed) => seed + 1))(
		'every input yields its items or exactly one error item (case %i)',
		async (seed) => {
			const random = mulberry32(seed);
			const onNoMatch = (['emitItem', 'skip', 'error'] as const)[seed % 3];
			const inputs = randomInputs(random);
			sandbox.configure({
				rateLimit: null,
				serverErrorRate: random() * 0.2,
				dropRate: random() * 0.1,
				shuffle: random() < 0.5,
				seed,
			});
			const run = await runNode(sandbox, {
				items: urlItems(inputs),
				parameters: { options: { onNoMatch, batchSize: 1 + Math.floor(random() * 25) } },
				onError: 'continueRegularOutput',
			});
			expect(run.status).toBe('success');
			const itemsPerInput = inputs.map((_, index) => run.outputs[0].filter((item) => (item.pairedItem as { item: number }).item === index));
			const violations = itemsPerInput.flatMap((items, index) => {
				const errors = items.filter((item) => item.json.error !== undefined).length;
				if (errors > 0 && items.length !== 1) return [`input ${index}: an error item beside ${items.length - 1} other items`];
				if (items.length === 0 && onNoMatch !== 'skip') return [`input ${index}: no item at all`];
				return [];
			});
			expect(violations).toEqual([]);
			expect(run.outputs[0].length).toBeGreaterThanOrEqual(onNoMatch === 'skip' ? 0 : inputs.length);
		},
	);
});
