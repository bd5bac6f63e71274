import type { Classified } from '../../nodes/CrustdataPersonEnrich/transport/answerPolicy';
import { retried, retriesExhausted, retryDecision } from '../../nodes/CrustdataPersonEnrich/transport/retryDecision';

const TRANSIENT: Classified = { kind: 'transient', reason: 'Crustdata answered 503' };
const RATE_LIMITED: Classified = { kind: 'rateLimited', waitMs: 5_000 };

describe('retryDecision', () => {
	it('retries a transient failure after a backoff that grows with each attempt, within Max Retries', () => {
		const first = retryDecision(TRANSIENT, 1, 3, 0, Infinity);
		const third = retryDecision(TRANSIENT, 3, 3, 0, Infinity);
		expect(first.retry && third.retry).toBe(true);
		expect(first.backoffMs).toBeGreaterThanOrEqual(750);
		expect(first.backoffMs).toBeLessThanOrEqual(1_250);
		expect(third.backoffMs).toBeGreaterThanOrEqual(3_000);
	});

	it('stops retrying once the attempts pass Max Retries', () => {
		expect(retryDecision(TRANSIENT, 4, 3, 0, Infinity).retry).toBe(false);
		expect(retryDecision(RATE_LIMITED, 4, 3, 0, Infinity).retry).toBe(false);
		expect(retryDecision(TRANSIENT, 1, 0, 0, Infinity).retry).toBe(false);
	});

	it("retries a 429 with no backoff of its own: the server's wait is the pacer's", () => {
		expect(retryDecision(RATE_LIMITED, 1, 3, 0, Infinity)).toEqual({ retry: true, backoffMs: 0 });
	});

	it('makes no retry whose backoff would end after the wait deadline', () => {
		expect(retryDecision(TRANSIENT, 1, 3, 10_000, 10_500).retry).toBe(false);
		expect(retryDecision(TRANSIENT, 1, 3, 10_000, 12_000).retry).toBe(true);
	});

	it.each<Classified>([
		{ kind: 'answered', entries: [] },
		{ kind: 'failed', message: 'm', description: 'd' },
		{ kind: 'rejected', identifiers: ['a'], message: 'm' },
		{ kind: 'rejectedUnnamed', message: 'm' },
		{ kind: 'resend' },
	])('never retries an answer that settles the request: %p', (classified) => {
		expect(retryDecision(classified, 1, 3, 0, Infinity)).toEqual({ retry: false, backoffMs: 0 });
	});
});

describe('retriesExhausted', () => {
	it('says how many tries were made and why the last failed', () => {
		expect(retriesExhausted(TRANSIENT, 4).message).toBe('The request failed after 4 tries: Crustdata answered 503');
		expect(retriesExhausted(RATE_LIMITED, 1).message).toBe('The request failed after 1 try: Crustdata kept answering 429 (rate limited)');
		expect(retriesExhausted(TRANSIENT, 4).description).toMatch(/raise Max Retries/);
	});
});

describe('retried', () => {
	const clock = () => {
		const slept: number[] = [];
		return { slept, now: () => 0, sleep: async (ms: number) => void slept.push(ms) };
	};

	it('tries again after a growing backoff while the result may pass, and stops at the first that does not', async () => {
		const results = ['busy', 'busy', 'done', 'busy'];
		const context = { clock: clock(), maxRetries: 4 };
		const result = await retried(context, async () => results.shift() as string, (read) => read === 'busy');
		expect(result).toBe('done');
		expect(context.clock.slept).toHaveLength(2);
		expect(context.clock.slept[1]).toBeGreaterThan(context.clock.slept[0]);
	});

	it('gives the last result after Max Retries, and tries once when Max Retries is 0', async () => {
		let attempts = 0;
		const busy = async () => `busy ${++attempts}`;
		expect(await retried({ clock: clock(), maxRetries: 2 }, busy, () => true)).toBe('busy 3');
		attempts = 0;
		expect(await retried({ clock: clock(), maxRetries: 0 }, busy, () => true)).toBe('busy 1');
	});
});
