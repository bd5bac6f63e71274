import { printFigures } from '../harness/report';
import type { Sandbox, SandboxOptions } from '../sandbox/server';
import { enrichRequests, profileUrl, runNode, urlItems, useSandbox } from './runNode';

// What the node asks Crustdata about the account before it spends anything, and what it does
// with the answer: through n8n's engine and real HTTP to the sandbox.

const currentSandbox = useSandbox();
let sandbox: Sandbox;
beforeEach(() => {
	sandbox = currentSandbox();
});

const ENRICH = '/person/enrich';
const LIVE = '/person/professional_network/enrich/live';
const uniqueUrls = (count: number, prefix = 'account') => Array.from({ length: count }, (_, i) => profileUrl(`${prefix}-${i}`));
const discoveryRequests = () => sandbox.requests.filter((request) => request.path === '/account/endpoints');
const summary = (run: { hints: Array<{ message: string }> }) => run.hints[0]?.message;

/** A listing as Crustdata's permissions page shows it, for one endpoint. */
const listing = (endpoint: Record<string, unknown>, tokenLimit: number | null = null) => ({
	status: 200,
	body: {
		api_version: '2025-11-01',
		token_limit_rpm: tokenLimit,
		endpoints: [{ path: ENRICH, category: 'Person', status: 'enabled', fields: { enabled: ['basic_profile'], disabled: [] }, ...endpoint }],
	},
});

describe('the account check before a run', () => {
	it('asks once per run, filtered by the endpoint, whatever the number of items', async () => {
		for (const count of [1, 300]) {
			sandbox.reset();
			const run = await runNode(sandbox, { items: urlItems(uniqueUrls(count)) });
			expect(run.status).toBe('success');
			expect(discoveryRequests().map((request) => request.query)).toEqual([{ path: ENRICH }]);
			// Only free questions come before the first billable request: the limits, and the balance beside them.
			const firstBillable = sandbox.requests.findIndex((request) => request.path.startsWith('/person/'));
			const before = sandbox.requests.slice(0, firstBillable).map((request) => request.path);
			expect(before).toContain('/account/endpoints');
			expect(before.every((path) => path.startsWith('/account/'))).toBe(true);
		}
	});

	it('asks about the live endpoint for a live run', async () => {
		await runNode(sandbox, { items: urlItems(uniqueUrls(2)), parameters: { operation: 'enrichLive' } });
		expect(discoveryRequests().map((request) => request.query)).toEqual([{ path: LIVE }]);
		expect(enrichRequests(sandbox).map((request) => request.path)).toEqual([LIVE]);
	});

	it('follows an account limit above 15 a minute, with no 429', async () => {
		// 10 requests a second is 600 a minute: at 15 a minute the 16th request would wait a minute.
		sandbox.configure({ rateLimit: { limit: 10, windowMs: 1_000 }, latencyMs: 50 });
		const started = Date.now();
		const run = await runNode(sandbox, { items: urlItems(uniqueUrls(500)) });
		const elapsed = Date.now() - started;
		const statuses = enrichRequests(sandbox).map((request) => request.status);
		printFigures('Account limit 600 a minute (10 per 1 s window), 500 URLs', { 'wall time (ms)': elapsed, requests: statuses.length });
		expect(run.status).toBe('success');
		expect(run.outputs[0]).toHaveLength(500);
		expect(statuses.filter((status) => status === 429)).toEqual([]);
		expect(statuses).toHaveLength(20);
		expect(elapsed).toBeLessThan(15_000);
		expect(summary(run)).toMatch(/; paced at 600 requests a minute, the account's limit for \/person\/enrich$/);
	});

	it('keeps to a key-wide limit lower than the endpoint limit', async () => {
		sandbox.configure({ rateLimit: { limit: 10, windowMs: 1_000 }, tokenRateLimit: 5 });
		const run = await runNode(sandbox, { items: urlItems(uniqueUrls(300)) });
		expect(run.status).toBe('success');
		expect(enrichRequests(sandbox).filter((request) => request.status === 429)).toEqual([]);
		expect(summary(run)).toMatch(/; paced at 300 requests a minute, the account's limit across all endpoints$/);
	});

	it(
		'follows an account limit below 15 a minute, the lower of the endpoint and the key limit, even when the answers would let it go faster',
		async () => {
			// The window the answers report is unlimited: only the key's limit of 2 a minute holds the third request.
			sandbox.configure({ rateLimit: null, accountEndpointsAnswer: listing({ effective_rate_limit_rpm: 100 }, 2) });
			const run = await runNode(sandbox, { items: urlItems(uniqueUrls(75)) });
			const arrivals = enrichRequests(sandbox).map((request) => request.at);
			expect(run.status).toBe('success');
			expect(arrivals).toHaveLength(3);
			expect(arrivals[1] - arrivals[0]).toBeLessThan(1_000);
			expect(arrivals[2] - arrivals[0]).toBeGreaterThanOrEqual(60_000 - 50);
			expect(summary(run)).toMatch(/; paced at 2 requests a minute, the account's limit across all endpoints$/);
		},
		90_000,
	);

	it('paces at 15 a minute when the account reports no limit, and says so', async () => {
		sandbox.configure({ reportRateLimits: false });
		const run = await runNode(sandbox, { items: urlItems(uniqueUrls(30)) });
		expect(run.status).toBe('success');
		expect(run.hints.some((hint) => /Could not read/.test(hint.message))).toBe(false);
		expect(summary(run)).toMatch(/; paced at 15 requests a minute, Crustdata's default, as the account reports no limit$/);
	});

	it('lets a Max Requests Per Minute below the account limit cap the run', async () => {
		sandbox.configure({ rateLimit: { limit: 10, windowMs: 1_000 } });
		const run = await runNode(sandbox, { items: urlItems(uniqueUrls(50)), parameters: { options: { maxRequestsPerMinute: 40 } } });
		expect(summary(run)).toMatch(/; paced at 40 requests a minute, the node's Max Requests Per Minute$/);
	});

	it('lets more requests wait for an answer at once when the limit is high and answers are slow', async () => {
		sandbox.configure({ rateLimit: { limit: 100, windowMs: 1_000 }, latencyMs: 300 });
		await runNode(sandbox, { items: urlItems(uniqueUrls(500)) });
		const arrivals = enrichRequests(sandbox).map((request) => request.at);
		const mostAtOnce = Math.max(...arrivals.map((at) => arrivals.filter((other) => other >= at && other < at + 300).length));
		// 100 a second with answers in 300 ms needs about 30 waiting at once; the node allows 10.
		expect(mostAtOnce).toBeGreaterThan(2);
		expect(mostAtOnce).toBeLessThanOrEqual(10);
	});
});

describe('what the account may not do stops the run before it spends', () => {
	it('a denied section: fails with the fields and the fix, no billable request sent', async () => {
		const run = await runNode(sandbox, {
			items: urlItems(uniqueUrls(3)),
			parameters: { fields: ['basic_profile', 'certifications'], options: { fieldPaths: 'honors.title' } },
		});
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe("Your Crustdata plan does not include the fields 'certifications', 'honors.title'");
		expect(run.error?.description).toBe('Remove them from Fields or Extra Field Paths, or ask Crustdata to enable them for your account');
		expect(enrichRequests(sandbox)).toEqual([]);
		expect(sandbox.creditsUsed).toBe(0);
	});

	it('a denied section under Continue: every input gets the message, nothing is sent', async () => {
		const run = await runNode(sandbox, {
			items: urlItems(uniqueUrls(2)),
			parameters: { fields: ['certifications'] },
			onError: 'continueRegularOutput',
		});
		expect(run.outputs[0].map((item) => [item.pairedItem, item.json.error])).toEqual([
			[{ item: 0 }, "Your Crustdata plan does not include the field 'certifications'"],
			[{ item: 1 }, "Your Crustdata plan does not include the field 'certifications'"],
		]);
		expect(enrichRequests(sandbox)).toEqual([]);
	});

	it('an endpoint the plan does not include: fails naming it and the fix, no billable request sent', async () => {
		sandbox.configure({ liveEnabled: false });
		const run = await runNode(sandbox, { items: urlItems(uniqueUrls(3)), parameters: { operation: 'enrichLive' } });
		expect(run.error?.message).toBe(`Your Crustdata plan does not include Enrich Live (${LIVE})`);
		expect(run.error?.description).toMatch(/Ask Crustdata to upgrade your plan, or use the Enrich operation/);
		expect(enrichRequests(sandbox)).toEqual([]);
	});

	it('an enrich endpoint the plan does not include: the same, for Enrich', async () => {
		sandbox.configure({ disabledEndpoints: [ENRICH] });
		const run = await runNode(sandbox, { items: urlItems(uniqueUrls(3)) });
		expect(run.error?.message).toBe(`Your Crustdata plan does not include Enrich (${ENRICH})`);
		expect(enrichRequests(sandbox)).toEqual([]);
	});

	it('a wrong key: stops at the check with no billable request, and the key appears nowhere', async () => {
		const wrongKey = `wrong-key-${Date.now()}-account`;
		const run = await runNode(sandbox, { items: urlItems(uniqueUrls(60)), credentials: { apiKey: wrongKey } });
		expect(run.error).toMatchObject({ message: 'Crustdata rejected the API key' });
		expect(discoveryRequests().map((request) => request.status)).toEqual([401]);
		expect(enrichRequests(sandbox)).toEqual([]);
		expect(JSON.stringify(run)).not.toContain(wrongKey);
	});

	it('fields the account lists that the node does not know break nothing', async () => {
		sandbox.configure({
			accountEndpointsAnswer: listing({
				effective_rate_limit_rpm: 60,
				fields: { enabled: ['basic_profile', 'assessment', 'assessment.score', 'social_posts'], disabled: ['social_posts', 'assessment.score'] },
			}),
		});
		const run = await runNode(sandbox, { items: urlItems(uniqueUrls(2)) });
		expect(run.status).toBe('success');
		expect(run.outputs[0].map((item) => item.json.match_status)).toEqual(['matched', 'matched']);
	});
});

describe('a check that cannot tell never blocks the run', () => {
	const failures: Array<[string, SandboxOptions['accountEndpointsAnswer'], RegExp]> = [
		['404', { status: 404, body: { error: { type: 'not_found', message: 'Not found', metadata: [] } } }, /it answered 404/],
		['403', { status: 403, body: { error: { type: 'permission_error', message: 'Forbidden', metadata: [] } } }, /it answered 403/],
		['500', { status: 500, body: { error: { type: 'internal_error', message: 'Internal server error', metadata: [] } } }, /it answered 500/],
		['a dropped connection', 'drop', /the connection failed/],
		['a timeout', 'hang', /no answer within 1 s \(timed out\)/],
		['an answer of another shape', { status: 200, body: { permissions: ['person'] } }, /unexpected shape/],
	];

	it.each(failures)('%s: the run completes at the default with one hint that says so', async (_, accountEndpointsAnswer, why) => {
		sandbox.configure({ accountEndpointsAnswer });
		const run = await runNode(sandbox, {
			items: urlItems(uniqueUrls(30)),
			parameters: { options: { timeout: 1 } },
		});
		expect(run.status).toBe('success');
		expect(run.outputs[0].filter((item) => item.json.match_status === 'matched')).toHaveLength(30);
		expect(discoveryRequests()).toHaveLength(1);
		expect(enrichRequests(sandbox).map((request) => request.status)).toEqual([200, 200]);
		const notes = run.hints.filter((hint) => /Could not read this account's limits/.test(hint.message));
		expect(notes).toHaveLength(1);
		expect(notes[0].message).toMatch(why);
		expect(notes[0].message).toMatch(/paced at 15 requests a minute$/);
		expect(summary(run)).toMatch(/; paced at 15 requests a minute, Crustdata's default$/);
		expect(JSON.stringify(run)).not.toContain(sandbox.apiKey);
	});
});
