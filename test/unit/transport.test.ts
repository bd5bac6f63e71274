import type { IDataObject } from 'n8n-workflow';
import { ManualExecutionCancelledError, sleep } from 'n8n-workflow';

import {
	abortableClock,
	classifyAnswer,
	identifiersNamedIn,
	RequestPacer,
	runJobs,
	sendEnrichRequests,
	withJitter,
	type Clock,
	type HttpAnswer,
} from '../../nodes/CrustdataPersonEnrich/transport';
import type { EnrichSettings, PacingSettings } from '../../nodes/CrustdataPersonEnrich/types';
import { mulberry32 } from '../sandbox/dataset';
import { settingsWith } from './settingsFixture';

const URL_TYPE = 'professional_network_profile_url';
const error = (type: string, message: string, metadata: unknown = []) => ({ error: { type, message, metadata } });
const answer = (statusCode: number, body: unknown, headers: IDataObject = {}): HttpAnswer => ({ statusCode, body, headers });

/** Virtual time: sleeping moves the clock instead of waiting. */
function virtualClock(): Clock & { sleeps: number[] } {
	let now = 0;
	const sleeps: number[] = [];
	return {
		sleeps,
		now: () => now,
		sleep: async (ms) => {
			sleeps.push(ms);
			now += ms;
		},
	};
}

const pacing = (overrides: Partial<PacingSettings> = {}): PacingSettings => ({
	maxRequestsPerMinute: 1000,
	concurrency: 1,
	maxRetries: 4,
	timeoutMs: 1000,
	...overrides,
});

const entriesFor = (identifiers: string[]) => identifiers.map((matched_on) => ({ matched_on, matches: [] }));

describe('classifyAnswer', () => {
	const ids = ['a@acme.io', 'b@agency.gov', 'c@x.gov'];

	it('takes a 200 array as the answers', () => {
		expect(classifyAnswer(answer(200, entriesFor(ids)), ids, URL_TYPE)).toEqual({ kind: 'answered', entries: entriesFor(ids) });
	});

	it('reads a 404 as no match for every identifier of the request', () => {
		const classified = classifyAnswer(answer(404, error('not_found', 'No data')), ids, 'business_email');
		expect(classified).toEqual({
			kind: 'answered',
			entries: ids.map((matched_on) => ({ matched_on, match_type: 'business_email', matches: [] })),
		});
	});

	it('finds the identifiers a 400 names', () => {
		const body = error('invalid_request', 'Invalid business emails: b@agency.gov, c@x.gov');
		expect(classifyAnswer(answer(400, body), ids, URL_TYPE)).toEqual({
			kind: 'rejected',
			identifiers: ['b@agency.gov', 'c@x.gov'],
			message: 'Invalid business emails: b@agency.gov, c@x.gov',
		});
	});

	it('reads a list that ends with a full stop, but not a longer address that starts the same', () => {
		expect(identifiersNamedIn('Invalid business emails: a@x.gov.', ['a@x.gov'])).toEqual(['a@x.gov']);
		expect(identifiersNamedIn('Invalid business emails: a@x.gov.uk', ['a@x.gov'])).toEqual([]);
	});

	it('does not mistake one identifier for another that contains it', () => {
		expect(identifiersNamedIn('Invalid business emails: bob@acme.io', ['b@acme.io', 'bob@acme.io'])).toEqual(['bob@acme.io']);
		expect(
			identifiersNamedIn('Invalid URL: https://www.linkedin.com/in/ab', ['https://www.linkedin.com/in/a', 'https://www.linkedin.com/in/ab']),
		).toEqual(['https://www.linkedin.com/in/ab']);
	});

	it('leaves a 400 that names nothing to be narrowed down', () => {
		expect(classifyAnswer(answer(400, error('invalid_request', 'Invalid request')), ids, URL_TYPE)).toEqual({
			kind: 'rejectedUnnamed',
			message: 'Invalid request',
		});
	});

	it('stops on a 400 about the fields, naming them', () => {
		const body = error('invalid_request', 'Invalid fields: basic_profile.nope', { available_fields: ['basic_profile'] });
		expect(classifyAnswer(answer(400, body), ids, URL_TYPE)).toMatchObject({
			kind: 'stop',
			failure: { message: expect.stringContaining('basic_profile.nope'), description: expect.stringContaining('Extra Field Paths') },
		});
	});

	it('stops on a 401 with a message about the key, not the key itself', () => {
		expect(classifyAnswer(answer(401, { message: 'Invalid API key in request' }), ids, URL_TYPE)).toMatchObject({
			kind: 'stop',
			failure: { message: 'Crustdata rejected the API key', httpCode: '401', description: expect.stringContaining('API Key') },
		});
	});

	it.each([
		[402, error('insufficient_credits', 'Insufficient credits. Please top up your account.')],
		[403, error('permission_denied', 'Insufficient credits')],
	])('stops on %p as out of credits', (status, body) => {
		expect(classifyAnswer(answer(status, body), ids, URL_TYPE)).toMatchObject({
			kind: 'stop',
			failure: { message: 'The Crustdata account is out of credits' },
		});
	});

	it('names the section a 403 says the plan does not include', () => {
		const body = error('permission_denied', "Access to field 'certifications' is not enabled for your API key");
		expect(classifyAnswer(answer(403, body), ids, URL_TYPE)).toMatchObject({
			kind: 'stop',
			failure: { message: "Your Crustdata plan does not include the field 'certifications'" },
		});
	});

	it('waits the reset on a 429, or Retry-After when the server sends one', () => {
		expect(classifyAnswer(answer(429, {}, { 'x-ratelimit-reset': '2.5' }), ids, URL_TYPE)).toEqual({ kind: 'rateLimited', waitMs: 2500 });
		expect(classifyAnswer(answer(429, {}, { 'x-ratelimit-reset': '30', 'retry-after': '3' }), ids, URL_TYPE)).toEqual({
			kind: 'rateLimited',
			waitMs: 3000,
		});
	});

	it('retries server errors', () => {
		expect(classifyAnswer(answer(503, error('internal_error', 'Down')), ids, URL_TYPE)).toEqual({
			kind: 'transient',
			reason: 'Crustdata answered 503 (Down)',
		});
	});
});

describe('RequestPacer', () => {
	it('never lets more than the limit through in any 60-second window', async () => {
		const clock = virtualClock();
		const pacer = new RequestPacer(15, clock);
		const sentAt: number[] = [];
		for (let i = 0; i < 40; i++) {
			await pacer.waitForSlot();
			sentAt.push(clock.now());
		}
		for (const start of sentAt) {
			expect(sentAt.filter((at) => at >= start && at < start + 60_000).length).toBeLessThanOrEqual(15);
		}
		expect(sentAt[15]).toBe(60_000);
		expect(sentAt[39]).toBe(120_000);
	});

	const left = (remaining: number, resetSeconds: number) => ({
		'x-ratelimit-remaining': String(remaining),
		'x-ratelimit-reset': String(resetSeconds),
	});

	it('waits for the reset when the server says nothing is left', async () => {
		const clock = virtualClock();
		const pacer = new RequestPacer(100, clock);
		const ticket = await pacer.waitForSlot();
		pacer.settle(ticket, left(0, 2));
		const next = await pacer.waitForSlot();
		expect(clock.now()).toBe(2000);
		pacer.settle(next, left(4, 2));
		await pacer.waitForSlot();
		expect(clock.now()).toBe(2000);
	});

	it('counts requests still on their way against what the server said was left', async () => {
		const clock = virtualClock();
		const pacer = new RequestPacer(100, clock);
		const first = await pacer.waitForSlot();
		await pacer.waitForSlot();
		// The answer to the first request: 1 left, but the second request may take it.
		pacer.settle(first, left(1, 3));
		await pacer.waitForSlot();
		expect(clock.now()).toBe(3000);
	});

	it('sends one request when the window resets, and the next only once its answer says there is room', async () => {
		const clock = virtualClock();
		const pacer = new RequestPacer(100, clock);
		pacer.settle(await pacer.waitForSlot(), left(0, 2));
		const grantedAt: number[] = [];
		const waiting = [1, 2].map(async () => {
			const ticket = await pacer.waitForSlot();
			grantedAt.push(clock.now());
			return ticket;
		});
		const probe = await Promise.race(waiting);
		await sleep(0);
		expect(grantedAt).toEqual([2000]);
		// Only the oldest request left the window; the next leaves half a second later.
		pacer.settle(probe, left(0, 0.5));
		await Promise.all(waiting);
		expect(grantedAt).toEqual([2000, 2500]);
	});

	it('lets a request go after the reset when the one sent to probe it got no answer', async () => {
		const clock = virtualClock();
		const pacer = new RequestPacer(100, clock);
		pacer.settle(await pacer.waitForSlot(), left(0, 2));
		const probe = await pacer.waitForSlot();
		const next = pacer.waitForSlot();
		pacer.settle(probe);
		await next;
		expect(clock.now()).toBe(2000);
	});

	it('follows the answer to the latest request, not an older one that comes back after it', async () => {
		const clock = virtualClock();
		const pacer = new RequestPacer(100, clock);
		const older = await pacer.waitForSlot();
		const newer = await pacer.waitForSlot();
		pacer.settle(newer, left(0, 4));
		// The older request reached the server first, before the newer one took the last place.
		pacer.settle(older, left(1, 4));
		await pacer.waitForSlot();
		expect(clock.now()).toBe(4000);
	});
});

describe('runJobs', () => {
	/** A sender that answers from a script, then with every identifier unmatched. */
	function scriptedSender(script: Array<(identifiers: string[]) => HttpAnswer | Error>) {
		const sent: string[][] = [];
		const send = async (identifiers: string[]) => {
			sent.push(identifiers);
			const next = script.shift();
			const result = next ? next(identifiers) : answer(200, entriesFor(identifiers));
			if (result instanceof Error) throw result;
			return result;
		};
		return { sent, send };
	}

	it('drops the identifiers a 400 names and sends the rest again', async () => {
		const { sent, send } = scriptedSender([() => answer(400, error('invalid_request', 'Invalid business emails: b@x.gov'))]);
		const result = await runJobs([['a@acme.io', 'b@x.gov', 'c@acme.io']], pacing(), URL_TYPE, send, virtualClock());
		expect(sent).toEqual([['a@acme.io', 'b@x.gov', 'c@acme.io'], ['a@acme.io', 'c@acme.io']]);
		expect([...result.failures.keys()]).toEqual(['b@x.gov']);
		expect(result.failures.get('b@x.gov')?.message).toBe('Crustdata rejected "b@x.gov": Invalid business emails');
		expect(result.entries.map((entry) => entry.matched_on)).toEqual(['a@acme.io', 'c@acme.io']);
	});

	it('halves a request a 400 refuses without naming anything until the bad identifier stands alone', async () => {
		const bad = 'p5@acme.io';
		const unnamed = (identifiers: string[]) =>
			identifiers.includes(bad) ? answer(400, error('invalid_request', 'Invalid request')) : answer(200, entriesFor(identifiers));
		const ids = Array.from({ length: 8 }, (_, i) => `p${i}@acme.io`);
		const { sent, send } = scriptedSender(Array.from({ length: 20 }, () => unnamed));
		const result = await runJobs([ids], pacing(), URL_TYPE, send, virtualClock());
		expect([...result.failures.keys()]).toEqual([bad]);
		expect(result.entries).toHaveLength(7);
		expect(sent.length).toBeLessThanOrEqual(1 + 2 * Math.log2(ids.length));
	});

	it('sends nothing more after a 401 and fails every identifier with it', async () => {
		const { sent, send } = scriptedSender([() => answer(401, { message: 'Invalid API key in request' })]);
		const result = await runJobs([['a'], ['b'], ['c']], pacing({ concurrency: 1 }), URL_TYPE, send, virtualClock());
		expect(sent).toEqual([['a']]);
		expect([...result.failures.values()].map((failure) => failure.httpCode)).toEqual(['401', '401', '401']);
	});

	it('keeps what was enriched before a 402 and fails the rest as out of credits', async () => {
		const { sent, send } = scriptedSender([
			(identifiers) => answer(200, entriesFor(identifiers)),
			() => answer(402, error('insufficient_credits', 'Insufficient credits')),
		]);
		const result = await runJobs([['a'], ['b'], ['c'], ['d']], pacing(), URL_TYPE, send, virtualClock());
		expect(sent).toEqual([['a'], ['b']]);
		expect(result.entries.map((entry) => entry.matched_on)).toEqual(['a']);
		expect([...result.failures.keys()].sort()).toEqual(['b', 'c', 'd']);
		expect(result.failures.get('d')?.message).toBe('The Crustdata account is out of credits');
	});

	it('retries 500s and dropped connections with growing waits, then succeeds', async () => {
		const clock = virtualClock();
		const { sent, send } = scriptedSender([
			() => answer(500, error('internal_error', 'Internal server error')),
			() => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
		]);
		const result = await runJobs([['a', 'b']], pacing(), URL_TYPE, send, clock);
		expect(sent).toHaveLength(3);
		expect(result.entries).toHaveLength(2);
		expect(result.stats).toMatchObject({ requests: 3, retries: 2 });
		expect(clock.sleeps[0]).toBeGreaterThanOrEqual(750);
		expect(clock.sleeps[1]).toBeGreaterThanOrEqual(1500);
	});

	it('gives up after Max Retries and says what happened and how many tries were made', async () => {
		const down = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
		const { sent, send } = scriptedSender([down, down, down]);
		const result = await runJobs([['a']], pacing({ maxRetries: 2 }), URL_TYPE, send, virtualClock());
		expect(sent).toHaveLength(3);
		expect(result.failures.get('a')?.message).toBe('The request failed after 3 tries: the connection failed (ECONNRESET)');
	});

	it('adds jitter to waits, so clients that were refused together do not retry together', () => {
		const waits = Array.from({ length: 50 }, () => withJitter(1000));
		expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000);
		expect(Math.max(...waits)).toBeLessThanOrEqual(1200);
		expect(new Set(waits).size).toBeGreaterThan(1);
	});

	it('waits out a 429 and resends the same request', async () => {
		const clock = virtualClock();
		const { sent, send } = scriptedSender([() => answer(429, error('rate_limit_exceeded', 'Slow down'), { 'x-ratelimit-reset': '3' })]);
		const result = await runJobs([['a']], pacing(), URL_TYPE, send, clock);
		expect(sent).toEqual([['a'], ['a']]);
		expect(result.stats).toMatchObject({ rateLimited: 1, retries: 1 });
		expect(clock.now()).toBeGreaterThan(3000);
	});

	it('does not resend a request after credits ran out while it waited for its retry', async () => {
		const { sent, send } = scriptedSender([
			() => answer(500, error('internal_error', 'Internal server error')),
			() => answer(402, error('insufficient_credits', 'Insufficient credits')),
		]);
		const result = await runJobs([['a'], ['b']], pacing({ concurrency: 2 }), URL_TYPE, send, virtualClock());
		expect(sent).toHaveLength(2);
		expect([...result.failures.values()].map((failure) => failure.message)).toEqual([
			'The Crustdata account is out of credits',
			'The Crustdata account is out of credits',
		]);
	});

	it('does not resend a success whose body is not a list (it may have been billed)', async () => {
		const { sent, send } = scriptedSender([() => answer(200, { unexpected: true })]);
		const result = await runJobs([['a']], pacing(), URL_TYPE, send, virtualClock());
		expect(sent).toHaveLength(1);
		expect(result.failures.get('a')?.message).toBe('Crustdata answered with something other than a list of results');
	});

	it('gives up narrowing down when every part of the request is refused: the request itself is wrong', async () => {
		const ids = Array.from({ length: 100 }, (_, i) => `id-${i}`);
		const refuse = () => answer(400, error('invalid_request', 'Invalid request body'));
		const { sent, send } = scriptedSender(Array.from({ length: 300 }, () => refuse));
		const result = await runJobs([ids.slice(0, 25), ids.slice(25, 50), ids.slice(50, 75), ids.slice(75)], pacing(), URL_TYPE, send, virtualClock());
		expect(sent).toHaveLength(4);
		expect(result.failures.size).toBe(100);
		expect(result.failures.get('id-99')?.message).toBe('Crustdata refused the request: Invalid request body');
	});

	it('stops sending at the first failed input when the node will stop anyway', async () => {
		const { sent, send } = scriptedSender([() => answer(400, error('invalid_request', 'Invalid business emails: b@x.gov'))]);
		const result = await runJobs([['a', 'b@x.gov'], ['c'], ['d']], pacing({ concurrency: 1 }), URL_TYPE, send, virtualClock(), {
			failFast: true,
		});
		expect(sent).toEqual([['a', 'b@x.gov']]);
		expect(result.failures.get('b@x.gov')?.consequence).toBeUndefined();
		expect(result.failures.get('d')?.consequence).toBe(true);
	});

	it('stops sending at the first answer that fails its input, when asked', async () => {
		const { sent, send } = scriptedSender([]);
		await runJobs([['a'], ['b'], ['c']], pacing({ concurrency: 1 }), URL_TYPE, send, virtualClock(), {
			failFast: true,
			failsInput: (entry) => (entry.matches ?? []).length === 0,
		});
		expect(sent).toEqual([['a']]);
	});

	it('never sends more than Max Requests Per Minute in any minute', async () => {
		const clock = virtualClock();
		const sentAt: number[] = [];
		const send = async (identifiers: string[]) => {
			sentAt.push(clock.now());
			return answer(200, entriesFor(identifiers));
		};
		await runJobs(Array.from({ length: 7 }, (_, i) => [`id-${i}`]), pacing({ maxRequestsPerMinute: 3, concurrency: 1 }), URL_TYPE, send, clock);
		expect(sentAt).toEqual([0, 0, 0, 60_000, 60_000, 60_000, 120_000]);
	});

	it('sums the credits each answer reports', async () => {
		const paid = (identifiers: string[]) => answer(200, entriesFor(identifiers), { 'x-credits-used': '2.5' });
		const { send } = scriptedSender([paid, paid]);
		const result = await runJobs([['a'], ['b']], pacing(), URL_TYPE, send, virtualClock());
		expect(result.stats.creditsUsed).toBe(5);
	});
});

describe('cancellation', () => {
	it('ends a rate-limit wait as soon as the execution is cancelled', async () => {
		const controller = new AbortController();
		const send = async (identifiers: string[]) => answer(200, entriesFor(identifiers));
		const started = Date.now();
		// One request a minute: the second request waits 60 s unless the wait is cancelled.
		const run = runJobs([['a'], ['b']], pacing({ maxRequestsPerMinute: 1 }), URL_TYPE, send, abortableClock(controller.signal));
		void sleep(100).then(() => controller.abort());
		await expect(run).rejects.toThrow(ManualExecutionCancelledError);
		expect(Date.now() - started).toBeLessThan(1_000);
	});
});

describe('runJobs never loses an identifier', () => {
	it.each(Array.from({ length: 200 }, (_, i) => i + 1))('answers or fails each identifier exactly once (seed %i)', async (seed) => {
		const random = mulberry32(seed);
		const ids = Array.from({ length: 1 + Math.floor(random() * 120) }, (_, i) => (random() < 0.1 ? `bad-${i}` : `id-${i}`));
		const batchSize = 1 + Math.floor(random() * 25);
		const batches = Array.from({ length: Math.ceil(ids.length / batchSize) }, (_, i) => ids.slice(i * batchSize, (i + 1) * batchSize));
		const creditsAfter = random() < 0.2 ? Math.floor(random() * batches.length) : Infinity;
		let answered = 0;
		const send = async (identifiers: string[]): Promise<HttpAnswer> => {
			const roll = random();
			if (roll < 0.08) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
			if (roll < 0.16) return answer(500, error('internal_error', 'Internal server error'));
			if (roll < 0.22) return answer(429, error('rate_limit_exceeded', 'Slow down'), { 'x-ratelimit-reset': '1' });
			if (answered >= creditsAfter) return answer(402, error('insufficient_credits', 'Insufficient credits'));
			const bad = identifiers.filter((identifier) => identifier.startsWith('bad'));
			if (bad.length > 0) {
				const message = random() < 0.5 ? `Invalid identifiers: ${bad.join(', ')}` : 'Invalid request';
				return answer(400, error('invalid_request', message));
			}
			answered += 1;
			return answer(200, entriesFor(identifiers));
		};
		const result = await runJobs(batches, pacing({ concurrency: 1 + (seed % 3) }), URL_TYPE, send, virtualClock());
		const entryIds = result.entries.map((entry) => entry.matched_on);
		expect(new Set(entryIds).size).toBe(entryIds.length);
		for (const id of ids) {
			expect([id, entryIds.includes(id), result.failures.has(id)]).toEqual([id, !result.failures.has(id), !entryIds.includes(id)]);
		}
		expect(entryIds.length + result.failures.size).toBe(ids.length);
	});
});

describe('sendEnrichRequests', () => {
	const settings: EnrichSettings = settingsWith({ pacing: { maxRequestsPerMinute: 1, concurrency: 1, maxRetries: 0, timeoutMs: 5_000 } });
	const fakeContext = (signal: AbortSignal, sent: IDataObject[]) =>
		({
			getCredentials: async () => ({ baseUrl: 'https://api.example.test', apiKey: 'k', apiVersion: 'v' }),
			getExecutionCancelSignal: () => signal,
			getNode: () => ({ name: 'Crustdata Person Enrich' }),
			helpers: {
				httpRequestWithAuthentication: async (_type: string, options: IDataObject) => {
					sent.push(options);
					return { statusCode: 200, headers: {}, body: entriesFor((options.body as { professional_network_profile_urls: string[] }).professional_network_profile_urls) };
				},
			},
		}) as unknown as Parameters<typeof sendEnrichRequests>[0];

	it('sends through the credential with the request timeout, and stops waiting when the execution is cancelled', async () => {
		const controller = new AbortController();
		const sent: IDataObject[] = [];
		const started = Date.now();
		const run = sendEnrichRequests(fakeContext(controller.signal, sent), [['a'], ['b']], settings, URL_TYPE, {
			failFast: false,
			failsInput: () => false,
		});
		void sleep(100).then(() => controller.abort());
		await expect(run).rejects.toThrow(ManualExecutionCancelledError);
		expect(Date.now() - started).toBeLessThan(1_000);
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ method: 'POST', url: 'https://api.example.test/person/enrich', timeout: 5_000, ignoreHttpStatusErrors: true });
	});
});
