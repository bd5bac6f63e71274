import { ManualExecutionCancelledError, sleep } from 'n8n-workflow';

import type { HttpAnswer } from '../../nodes/CrustdataPersonEnrich/transport/answerPolicy';
import { CreditCap } from '../../nodes/CrustdataPersonEnrich/credits/creditCap';
import { MAX_IN_FLIGHT, SlidingWindow } from '../../nodes/CrustdataPersonEnrich/transport/pacer';
import { chunk } from '../../nodes/CrustdataPersonEnrich/planning/requestPlanning';
import { runJobs } from '../../nodes/CrustdataPersonEnrich/transport/sendLoop';
import { abortableClock } from '../../nodes/CrustdataPersonEnrich/transport/client';
import { mulberry32 } from '../sandbox/dataset';
import { answer, entriesFor, error, pacing, URL_TYPE, virtualClock } from './transportFixtures';
import { BatchFeed } from '../../nodes/CrustdataPersonEnrich/transport/batchFeed';
import type { RunStop } from '../../nodes/CrustdataPersonEnrich/transport/passStop';

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

	it('with automatic Concurrency, sends nothing after the first 402 and lets only the requests in flight complete', async () => {
		let inFlight = 0;
		let mostInFlight = 0;
		let answered = 0;
		let firstRefusal: number | undefined;
		const sentAfterRefusal: string[][] = [];
		const completedAfterRefusal: string[][] = [];
		const send = async (identifiers: string[]): Promise<HttpAnswer> => {
			if (firstRefusal !== undefined) sentAfterRefusal.push(identifiers);
			inFlight += 1;
			mostInFlight = Math.max(mostInFlight, inFlight);
			await sleep(20);
			inFlight -= 1;
			answered += 1;
			if (firstRefusal !== undefined) completedAfterRefusal.push(identifiers);
			if (answered < 30) return answer(200, entriesFor(identifiers), { 'x-ratelimit-remaining': '1000' });
			firstRefusal ??= answered;
			return answer(402, error('insufficient_credits', 'Insufficient credits'));
		};
		const batches = Array.from({ length: 60 }, (_, i) => [`id-${i}`]);
		// 1,000 requests a second with answers in 20 ms: the pacer lets the most it ever allows wait at once.
		const result = await runJobs(batches, pacing({ requestsPerMinute: 60_000, concurrency: 0 }), URL_TYPE, send, abortableClock(undefined));
		expect(mostInFlight).toBe(MAX_IN_FLIGHT);
		expect(sentAfterRefusal).toEqual([]);
		expect(completedAfterRefusal.length).toBeLessThanOrEqual(MAX_IN_FLIGHT - 1);
		expect(result.entries.length + result.failures.size).toBe(60);
		expect(result.failures.get('id-59')?.message).toBe('The Crustdata account is out of credits');
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
		await runJobs(Array.from({ length: 7 }, (_, i) => [`id-${i}`]), pacing({ requestsPerMinute: 3, concurrency: 1 }), URL_TYPE, send, clock);
		expect(sentAt).toEqual([0, 0, 0, 60_000, 60_000, 60_000, 120_000]);
	});

	it('sums the credits each answer reports', async () => {
		const paid = (identifiers: string[]) => answer(200, entriesFor(identifiers), { 'x-credits-used': '2.5' });
		const { send } = scriptedSender([paid, paid]);
		const result = await runJobs([['a'], ['b']], pacing(), URL_TYPE, send, virtualClock());
		expect(result.stats.creditsUsed).toBe(5);
	});
});

describe('runJobs and absurd rate-limit headers (security review)', () => {
	it.each([
		['x-ratelimit-reset', '86400'],
		['x-ratelimit-reset', '1e12'],
		['retry-after', '1e12'],
	])('waits a 429 with %s: %s out in at most the 60 s window, plus jitter, and gets the answer', async (header, value) => {
		const clock = virtualClock();
		let calls = 0;
		const send = async (identifiers: string[]) => (calls++ === 0 ? answer(429, error('rate_limit_exceeded', 'Slow down'), { [header]: value }) : answer(200, entriesFor(identifiers)));
		const result = await runJobs([['a']], pacing(), URL_TYPE, send, clock);
		expect(result.entries).toHaveLength(1);
		expect(Math.max(...clock.sleeps)).toBeGreaterThanOrEqual(60_000);
		expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(61_000);
	});

	it('waits the default backoff for a negative reset', async () => {
		const clock = virtualClock();
		let calls = 0;
		const send = async (identifiers: string[]) => (calls++ === 0 ? answer(429, '', { 'x-ratelimit-reset': '-5' }) : answer(200, entriesFor(identifiers)));
		await runJobs([['a']], pacing(), URL_TYPE, send, clock);
		expect(Math.max(...clock.sleeps)).toBeGreaterThanOrEqual(5_000);
		expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(6_000);
	});

	it('answers a tool call past its wait deadline with the clamped wait, not a day', async () => {
		const send = async () => answer(429, '', { 'x-ratelimit-reset': '86400' });
		const result = await runJobs([['a']], pacing({ waitDeadline: 20_000 }), URL_TYPE, send, virtualClock());
		expect(result.failures.get('a')?.message).toMatch(/^Rate limited by Crustdata, retry in 6[01] s$/);
	});
});

describe('runJobs with a wait deadline (a tool call)', () => {
	const tooMany = (resetSeconds: number) => () =>
		answer(429, error('rate_limited', 'Too many requests'), { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetSeconds) });

	it('answers a 429 whose wait would end after the deadline at once, with when to retry, and sends nothing more', async () => {
		const clock = virtualClock();
		const sent: string[][] = [];
		const script = [tooMany(45)];
		const send = async (identifiers: string[]) => {
			sent.push(identifiers);
			return (script.shift() ?? ((ids: string[]) => answer(200, entriesFor(ids))))(identifiers);
		};
		const result = await runJobs([['a'], ['b']], pacing({ waitDeadline: 20_000 }), URL_TYPE, send, clock);
		expect(sent).toEqual([['a']]);
		expect(clock.now()).toBe(0);
		expect(result.failures.get('a')?.message).toMatch(/^Rate limited by Crustdata, retry in 4[56] s$/);
		expect(result.failures.get('b')?.message).toBe(result.failures.get('a')?.message);
	});

	it('waits out a 429 that ends before the deadline and gets the answer', async () => {
		const clock = virtualClock();
		const script = [tooMany(3)];
		const send = async (identifiers: string[]) => (script.shift() ?? ((ids: string[]) => answer(200, entriesFor(ids))))(identifiers);
		const result = await runJobs([['a']], pacing({ waitDeadline: 20_000 }), URL_TYPE, send, clock);
		expect(result.failures.size).toBe(0);
		expect(result.entries.map((entry) => entry.matched_on)).toEqual(['a']);
		expect(clock.now()).toBeGreaterThanOrEqual(3000);
		expect(clock.now()).toBeLessThan(20_000);
	});

	it('sends a request that comes after the deadline when the rate limit does not hold it', async () => {
		const clock = virtualClock();
		const result = await runJobs([['a']], pacing({ waitDeadline: -1 }), URL_TYPE, async (ids) => answer(200, entriesFor(ids)), clock);
		expect(result.failures.size).toBe(0);
		expect(result.entries.map((entry) => entry.matched_on)).toEqual(['a']);
	});

	it('answers a 429 that comes after the deadline with when to retry, not with Max Retries', async () => {
		const clock = virtualClock();
		const result = await runJobs([['a']], pacing({ waitDeadline: -1 }), URL_TYPE, async () => tooMany(2)(), clock);
		expect(result.stats.requests).toBe(1);
		expect(result.failures.get('a')?.message).toMatch(/^Rate limited by Crustdata, retry in [23] s$/);
	});

	it('starts no request after the send deadline: a slow first answer leaves the next one unsent, with why', async () => {
		const clock = virtualClock();
		const sent: string[][] = [];
		const slow = async (ids: string[]) => {
			sent.push(ids);
			await clock.sleep(40_000);
			return answer(200, entriesFor(ids));
		};
		const result = await runJobs([['a'], ['b']], pacing({ concurrency: 1, sendDeadline: 35_000 }), URL_TYPE, slow, clock);
		expect(sent).toEqual([['a']]);
		expect(result.failures.get('b')?.message).toBe('Not sent: Crustdata answered too slowly for this call to finish in time');
	});

	it('gives back what a refused wait had reserved of the credit cap', async () => {
		const cap = new CreditCap(2);
		const refused = await runJobs([['a']], pacing({ waitDeadline: 20_000 }), URL_TYPE, async () => tooMany(45)(), virtualClock(), {
			credits: { cap, each: 2 },
		});
		expect(refused.failures.get('a')?.message).toMatch(/^Rate limited by Crustdata/);
		const sent: string[][] = [];
		const after = await runJobs([['b']], pacing(), URL_TYPE, async (ids) => (sent.push(ids), answer(200, entriesFor(ids))), virtualClock(), {
			credits: { cap, each: 2 },
		});
		expect(sent).toEqual([['b']]);
		expect(after.failures.size).toBe(0);
	});

	it('makes no retry whose backoff would end after the deadline', async () => {
		const clock = virtualClock();
		const send = async () => answer(500, error('server_error', 'Internal error'));
		const result = await runJobs([['a']], pacing({ waitDeadline: 100 }), URL_TYPE, send, clock);
		expect(result.stats.requests).toBe(1);
		expect(clock.sleeps).toEqual([]);
		expect(result.failures.get('a')?.message).toBe('The request failed after 1 try: Crustdata answered 500 (Internal error)');
	});
});

describe('cancellation', () => {
	it('ends a rate-limit wait as soon as the execution is cancelled', async () => {
		const controller = new AbortController();
		const send = async (identifiers: string[]) => answer(200, entriesFor(identifiers));
		const started = Date.now();
		// One request a minute: the second request waits 60 s unless the wait is cancelled.
		const run = runJobs([['a'], ['b']], pacing({ requestsPerMinute: 1 }), URL_TYPE, send, abortableClock(controller.signal));
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

	it('sends the batches of a feed as they arrive, and ends once the feed is closed and sent', async () => {
		const feed = new BatchFeed();
		const sent: string[][] = [];
		const run = runJobs(feed, pacing({ concurrency: 2 }), URL_TYPE, async (identifiers) => {
			sent.push(identifiers);
			return answer(200, entriesFor(identifiers));
		}, virtualClock());
		feed.push(['a']);
		await sleep(10);
		expect(sent).toEqual([['a']]);
		feed.push(['b', 'c']);
		feed.close();
		const result = await run;
		expect(sent).toEqual([['a'], ['b', 'c']]);
		expect(result.entries.map((entry) => entry.matched_on)).toEqual(['a', 'b', 'c']);
	});

	it('tells of each answer as it arrives, so another pass can start on it', async () => {
		const told: string[][] = [];
		const onAnswered = (entries: Array<{ matched_on: string }>) => told.push(entries.map((entry) => entry.matched_on));
		await runJobs([['a'], ['b']], pacing(), URL_TYPE, async (identifiers) => answer(200, entriesFor(identifiers)), virtualClock(), { onAnswered });
		expect(told).toEqual([['a'], ['b']]);
	});

	it('sends a request again, not counted as a retry, when the classifier says it can now be answered', async () => {
		let refusals = 1;
		const sent: string[][] = [];
		const result = await runJobs(
			[['a', 'b']],
			pacing({ maxRetries: 0 }),
			URL_TYPE,
			async (identifiers) => {
				sent.push(identifiers);
				return answer(200, entriesFor(identifiers));
			},
			virtualClock(),
			{ classify: (reply) => (refusals-- > 0 ? { kind: 'resend' } : { kind: 'answered', entries: reply.body as [] }) },
		);
		expect(sent).toEqual([['a', 'b'], ['a', 'b']]);
		expect(result.stats).toMatchObject({ requests: 2, retries: 0 });
		expect(result.entries).toHaveLength(2);
	});

	it('ends every pass of the run at what ends the run, and only at that', async () => {
		const noCredits = async () => answer(402, error('insufficient_credits', 'Insufficient credits'));
		const runStop: RunStop = {};
		await runJobs([['a']], pacing(), URL_TYPE, noCredits, virtualClock(), { runStop });
		expect(runStop.failure?.message).toBe('The Crustdata account is out of credits');
		const sent: string[][] = [];
		const other = await runJobs([['b'], ['c']], pacing(), URL_TYPE, async (identifiers) => {
			sent.push(identifiers);
			return answer(200, entriesFor(identifiers));
		}, virtualClock(), { runStop });
		expect(sent).toEqual([]);
		expect(other.failures.get('c')?.message).toBe('The Crustdata account is out of credits');

		const denied = async () => answer(403, error('permission_error', 'Your plan does not include /person/contact/enrich'));
		const unshared: RunStop = {};
		await runJobs([['a']], pacing(), URL_TYPE, denied, virtualClock(), { runStop: unshared });
		expect(unshared.failure).toBeUndefined();
	});

	it('stops the other passes with a consequence when the node stops at the first failure', async () => {
		const runStop: RunStop = {};
		const denied = async () => answer(403, error('permission_error', 'Denied'));
		await runJobs([['a']], pacing(), URL_TYPE, denied, virtualClock(), { runStop, failFast: true });
		expect(runStop.failure).toMatchObject({ message: 'Not sent: the run stopped at an earlier failed item', consequence: true });
	});

	it('keeps two passes together under the window they share', async () => {
		const clock = virtualClock();
		const shared = new SlidingWindow(4);
		const sentAt: number[] = [];
		const send = async (identifiers: string[]) => {
			sentAt.push(clock.now());
			return answer(200, entriesFor(identifiers));
		};
		const batches = (prefix: string) => Array.from({ length: 4 }, (_, i) => [`${prefix}${i}`]);
		await Promise.all([
			runJobs(batches('p'), pacing({ requestsPerMinute: 4 }), URL_TYPE, send, clock, { sharedWindow: shared }),
			runJobs(batches('c'), pacing({ requestsPerMinute: 4 }), URL_TYPE, send, clock, { sharedWindow: shared }),
		]);
		for (const start of sentAt) expect(sentAt.filter((at) => at >= start && at < start + 60_000).length).toBeLessThanOrEqual(4);
		expect(sentAt).toHaveLength(8);
	});
});

describe('runJobs under a credit cap', () => {
	/** Answers every identifier matched, billed `each` credits apiece, as `x-credits-used` says. */
	const billed =
		(each: number, sent: string[][] = []) =>
		async (identifiers: string[]) => {
			sent.push(identifiers);
			const entries = identifiers.map((matched_on) => ({ matched_on, matches: [{ confidence_score: 1, person_data: {} }] }));
			return answer(200, entries, { 'x-credits-used': String(identifiers.length * each) });
		};
	const ids = (count: number, prefix = 'p') => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

	it('shrinks the last request to fit the cap and fails the rest with the cap message', async () => {
		const cap = new CreditCap(30);
		const sent: string[][] = [];
		const all = ids(100);
		const result = await runJobs(chunk(all, 25), pacing({ concurrency: 2 }), URL_TYPE, billed(1, sent), virtualClock(), {
			credits: { cap, each: 1 },
		});
		expect(sent.map((request) => request.length)).toEqual([25, 5]);
		expect(cap.spentCredits).toBe(30);
		expect(result.entries).toHaveLength(30);
		expect(result.failures.size).toBe(70);
		expect(new Set(result.failures.values())).toEqual(new Set([cap.failure]));
	});

	it('sends what the answers leave room for when they cost less than reserved', async () => {
		const cap = new CreditCap(30);
		const sent: string[][] = [];
		// Every other person is not found, and no match is billed.
		const halfFound = async (identifiers: string[]) => {
			sent.push(identifiers);
			const entries = identifiers.map((matched_on, i) => ({ matched_on, matches: i % 2 ? [] : [{ confidence_score: 1, person_data: {} }] }));
			return answer(200, entries, { 'x-credits-used': String(Math.ceil(identifiers.length / 2)) });
		};
		const result = await runJobs(chunk(ids(60), 25), pacing(), URL_TYPE, halfFound, virtualClock(), { credits: { cap, each: 1 } });
		// Each answer gives back what its no-matches did not cost, and the next request grows into it.
		expect(sent.map((request) => request.length)).toEqual([25, 17, 8, 4, 2, 1]);
		expect(cap.spentCredits).toBe(30);
		expect(result.entries).toHaveLength(57);
	});

	it('does not stop a run that stops at the first failure: the affordable part is sent', async () => {
		const cap = new CreditCap(30);
		const sent: string[][] = [];
		const result = await runJobs(chunk(ids(60), 25), pacing(), URL_TYPE, billed(1, sent), virtualClock(), {
			credits: { cap, each: 1 },
			failFast: true,
		});
		expect(result.entries).toHaveLength(30);
		expect([...result.failures.values()].every((failure) => failure === cap.failure)).toBe(true);
	});

	it('counts a request whose answer never came as spent in full: it may have been billed', async () => {
		const cap = new CreditCap(30);
		let calls = 0;
		const dropsFirst = async (identifiers: string[]) => {
			calls += 1;
			if (calls === 1) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
			return await billed(1)(identifiers);
		};
		const result = await runJobs([ids(20)], pacing(), URL_TYPE, dropsFirst, virtualClock(), { credits: { cap, each: 1 } });
		expect(cap.spentCredits).toBe(30);
		expect(result.entries).toHaveLength(10);
		expect(result.failures.size).toBe(10);
	});

	it('earmarks what each person handed on to a later pass will cost there', async () => {
		const cap = new CreditCap(20);
		const result = await runJobs([ids(20)], pacing(), URL_TYPE, billed(1), virtualClock(), {
			credits: { cap, each: 2, handedOnEach: 1 },
			onAnswered: (entries) => entries.length,
		});
		// 10 people at 1 credit, each with 1 credit held back for its contact data: the cap is full.
		expect(result.entries).toHaveLength(10);
		expect((await cap.reserve(10, 1)).count).toBe(0);
		expect((await cap.reserve(10, 1, true)).count).toBe(10);
	});
});

describe('runJobs under a credit cap, with two passes and faults', () => {
	const billedEach = (each: number) => async (identifiers: string[]) =>
		answer(
			200,
			identifiers.map((matched_on) => ({ matched_on, matches: [{ confidence_score: 1, person_data: {} }] })),
			{ 'x-credits-used': String(identifiers.length * each) },
		);
	const ids = (count: number) => Array.from({ length: count }, (_, i) => `p${i}`);

	/** A profile pass that hands every person it finds to a contact pass, both under one cap. */
	async function twoPasses(cap: CreditCap, contactSend: (identifiers: string[]) => Promise<HttpAnswer>) {
		const clock = virtualClock();
		const feed = new BatchFeed();
		const profiles = runJobs(chunk(ids(12), 5), pacing(), URL_TYPE, billedEach(1), clock, {
			credits: { cap, each: 2, handedOnEach: 1 },
			onAnswered: (entries) => {
				feed.push(entries.map((entry) => entry.matched_on));
				return entries.length;
			},
		}).finally(() => feed.close());
		const contact = runJobs(feed, pacing(), URL_TYPE, contactSend, clock, { credits: { cap, each: 1, fromEarmark: true } });
		const [profileResult, contactResult] = await Promise.all([profiles, contact]);
		return { profileResult, contactResult };
	}

	it('a contact request retried after a server error keeps its earmark: every profile bought gets its contact data', async () => {
		const cap = new CreditCap(20);
		let calls = 0;
		const failsFirst = async (identifiers: string[]) => (++calls === 1 ? answer(500, {}) : await billedEach(1)(identifiers));
		const { profileResult, contactResult } = await twoPasses(cap, failsFirst);
		expect(profileResult.entries).toHaveLength(10);
		expect(contactResult.entries).toHaveLength(10);
		expect(contactResult.failures.size).toBe(0);
		expect(cap.spentCredits).toBe(20);
	});

	it('learns from an answer that costs more than the price table says, and reserves that from then on', async () => {
		const cap = new CreditCap(25);
		const sent: string[][] = [];
		const dearer = async (identifiers: string[]) => {
			sent.push(identifiers);
			return await billedEach(2)(identifiers);
		};
		await runJobs(chunk(ids(40), 5), pacing(), URL_TYPE, dearer, virtualClock(), { credits: { cap, each: 1 } });
		// The first request of 5 cost 10, not 5: the next ones are sized at 2 a person, so the last shrinks to 2.
		expect(sent.map((request) => request.length)).toEqual([5, 5, 2]);
		expect(cap.spentCredits).toBe(24);
	});

	it('gives back what a cancelled wait held, so the other pass does not wait for it', async () => {
		const cap = new CreditCap(2);
		let cancel: (error: Error) => void = () => undefined;
		const clock = { now: () => 0, sleep: async () => await new Promise<void>((_, reject) => (cancel = reject)) };
		// One request a minute: the second waits for the window, and that wait is cancelled.
		const first = runJobs([['a'], ['b']], pacing({ requestsPerMinute: 1 }), URL_TYPE, billedEach(1), clock, { credits: { cap, each: 1 } });
		for (let turn = 0; turn < 20; turn++) await Promise.resolve();
		const other = runJobs([['c']], pacing(), URL_TYPE, billedEach(1), virtualClock(), { credits: { cap, each: 1 } });
		cancel(new ManualExecutionCancelledError('test'));
		await expect(first).rejects.toThrow();
		expect((await other).entries.map((entry) => entry.matched_on)).toEqual(['c']);
	});

	it('gives back the earmark of contact requests a stopped run will not send', async () => {
		const cap = new CreditCap(10);
		const profiles = await cap.reserve(5, 2);
		cap.settle(profiles, 5, 5);
		const stopped = { failure: { source: 'api' as const, message: 'out of credits', description: '', endsRun: true } };
		await runJobs([ids(5)], pacing(), URL_TYPE, billedEach(1), virtualClock(), { credits: { cap, each: 1, fromEarmark: true }, runStop: stopped });
		expect(await cap.reserve(5, 1)).toMatchObject({ count: 5 });
	});
});
