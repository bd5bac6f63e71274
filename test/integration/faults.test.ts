import type { Fault, FaultProxy } from '../faults/faultProxy';
import { startFaultProxy } from '../faults/faultProxy';
import type { Sandbox } from '../sandbox/server';
import { enrichRequests, profileUrl, runNode, urlItems, useSandbox } from './runNode';

/**
 * Faults between n8n and Crustdata that the sandbox alone cannot make: an answer cut off
 * half-way, and an answer lost after the request was billed. A proxy (undici) forwards every
 * request to the sandbox, which bills it, and breaks what goes back.
 */

const currentSandbox = useSandbox({ rateLimit: null });
let sandbox: Sandbox;
let proxy: FaultProxy | undefined;
beforeEach(() => {
	sandbox = currentSandbox();
});
afterEach(async () => {
	await proxy?.close();
	proxy = undefined;
});

const urls = Array.from({ length: 60 }, (_, i) => profileUrl(`fault-case-${i}`));

async function runThrough(faultFor: (n: number) => Fault, parameters = {}, onError?: 'continueRegularOutput') {
	proxy = await startFaultProxy(sandbox.url, faultFor);
	return await runNode(sandbox, { items: urlItems(urls), credentials: { baseUrl: proxy.url }, parameters, onError });
}

describe('answers broken on the way back', () => {
	it('retries a truncated answer and a lost one, and every input is enriched once, paired to its row', async () => {
		const run = await runThrough((n) => (n === 0 ? 'truncate' : n === 1 ? 'reset' : 'pass'), { options: { concurrency: 1 } });
		expect(run.status).toBe('success');
		const items = run.outputs[0];
		expect(items.map((item) => [item.pairedItem, item.json.matched_on, item.json.match_status])).toEqual(
			urls.map((url, item) => [{ item }, url, 'matched']),
		);
		expect(proxy?.log.filter((entry) => entry.url === '/person/enrich').map((entry) => entry.fault)).toEqual(['truncate', 'reset', 'pass', 'pass', 'pass']);
		expect(enrichRequests(sandbox)).toHaveLength(5);
		expect(run.hints[0].message).toMatch(/^Enriched 60 of 60 inputs in 5 requests \(2 retries\)/);
	});

	it('counts a billed answer that never arrived as spent under Max Credits, so the cap holds even then', async () => {
		const run = await runThrough((n) => (n === 0 ? 'reset' : 'pass'), { options: { concurrency: 1, maxCredits: 50 } }, 'continueRegularOutput');
		// The lost answer's 25 credits were billed, and counted: its retry and one more request would pass the cap.
		expect(sandbox.creditsUsed).toBe(50);
		const items = run.outputs[0];
		expect(items.filter((item) => item.json.match_status === 'matched')).toHaveLength(25);
		const unsent = items.filter((item) => item.json.error);
		expect(unsent).toHaveLength(35);
		expect(new Set(unsent.map((item) => item.json.error))).toEqual(new Set(['Not sent: the credit cap of 50 would be exceeded']));
	});

	it('waits out a slow answer within Request Timeout, and sends again one that outlasts it', async () => {
		const started = Date.now();
		const waited = await runThrough((n) => (n === 0 ? { delayMs: 400 } : 'pass'), { options: { timeout: 5 } });
		expect(Date.now() - started).toBeGreaterThanOrEqual(400);
		expect(waited.outputs[0]).toHaveLength(60);
		expect(enrichRequests(sandbox)).toHaveLength(3);

		await proxy?.close();
		sandbox.reset();
		const timedOut = await runThrough((n) => (n === 0 ? { delayMs: 1_500 } : 'pass'), { options: { timeout: 1, concurrency: 1 } });
		expect(timedOut.status).toBe('success');
		expect(timedOut.outputs[0].map((item) => item.json.match_status)).toEqual(urls.map(() => 'matched'));
		// The request that timed out reached Crustdata and was sent again: four requests for three batches.
		expect(enrichRequests(sandbox)).toHaveLength(4);
		expect(timedOut.hints[0].message).toMatch(/in 4 requests \(1 retry\)/);
	});
});
