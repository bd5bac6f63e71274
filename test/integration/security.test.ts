import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { CrustdataEnrichApi } from '../../credentials/CrustdataEnrichApi.credentials';
import { CrustdataPersonEnrich } from '../../nodes/CrustdataPersonEnrich/CrustdataPersonEnrich.node';
import { startKeyTrap, type KeyTrap } from '../faults/keyTrap';
import { callAsTool } from '../harness/n8n';
import type { Sandbox } from '../sandbox/server';
import { enrichRequests, profileUrl, runNode, urlItems, useSandbox } from './runNode';

/**
 * The node against hostile and broken servers, through n8n's engine and real loopback servers:
 * the defects of the security review, each reproduced. A second origin (the key trap) records
 * any key that reaches it.
 */

const currentSandbox = useSandbox({ rateLimit: null });
let sandbox: Sandbox;
let trap: KeyTrap;
beforeAll(async () => {
	trap = await startKeyTrap();
});
afterAll(async () => await trap.close());
beforeEach(() => {
	sandbox = currentSandbox();
	trap.received.length = 0;
});

const TWO = urlItems([profileUrl('ada-lovelace'), profileUrl('grace-hopper')]);
const continuing = { onError: 'continueRegularOutput' as const };

/** Everything a run leaves for users and agents to read: items, the error, the hints. */
const everythingShown = (run: unknown) => JSON.stringify(run);

describe('the API key never follows a redirect', () => {
	const targets = () => [
		['another port', `http://127.0.0.1:${trap.port}`, `http://127.0.0.1:${trap.port}`],
		['another host', `http://localhost:${trap.port}`, `http://localhost:${trap.port}`],
		['a user:pass@ URL', `http://user:pass@127.0.0.1:${trap.port}`, `http://127.0.0.1:${trap.port}`],
	];

	it.each([301, 302, 307, 308])('answered %p, sends nothing to any target, fails the inputs naming the origin, and stops', async (status) => {
		for (const [, redirectTo, origin] of targets()) {
			sandbox.reset();
			sandbox.configure({ hostile: { redirectTo, redirectStatus: status as 301 } });
			const run = await runNode(sandbox, { items: TWO, ...continuing, parameters: { options: { batchSize: 1, concurrency: 1 } } });
			expect(trap.received).toEqual([]);
			expect(run.outputs[0].map((item) => [item.pairedItem, item.json.error])).toEqual([
				[{ item: 0 }, `Crustdata's address redirected the request to ${origin}`],
				[{ item: 1 }, `Crustdata's address redirected the request to ${origin}`],
			]);
			expect(everythingShown(run)).not.toMatch(/Impostor|user:pass/);
			// The first redirect ends the run: the second input's request is not sent.
			expect(enrichRequests(sandbox)).toHaveLength(1);
		}
	});

	it('under Stop, fails the node with the origin and the fix', async () => {
		sandbox.configure({ hostile: { redirectTo: trap.url } });
		const run = await runNode(sandbox, { items: TWO });
		expect(run.error).toMatchObject({ message: `Crustdata's address redirected the request to ${trap.url}` });
		expect(run.error?.description).toContain('Base URL');
		expect(trap.received).toEqual([]);
	});

	it('takes a redirect of the free account checks as no usable answer, and a dry run sends the key nowhere', async () => {
		sandbox.configure({ hostile: { redirectTo: trap.url } });
		const run = await runNode(sandbox, { items: TWO, parameters: { options: { dryRun: true } } });
		expect(trap.received).toEqual([]);
		expect(run.outputs[0]).toHaveLength(1);
		expect(run.outputs[0][0].json).toMatchObject({ dry_run: true, credits_available: null, rate_limit_per_minute: 15 });
		expect(run.hints.map((hint) => hint.message)).toContainEqual(expect.stringContaining('(it answered 307)'));
	});
});

describe('the API key never appears in what users and agents read', () => {
	it.each([
		[403, 'json'],
		[400, 'text'],
		[500, 'json'],
		[418, 'text'],
	] as const)('when a gateway answers %p echoing the request headers as %s', async (status, format) => {
		sandbox.configure({ hostile: { echoHeaders: { status, format } } });
		const continued = await runNode(sandbox, { items: TWO, ...continuing, parameters: { options: { maxRetries: 0 } } });
		expect(continued.outputs[0].every((item) => typeof item.json.error === 'string')).toBe(true);
		const stopped = await runNode(sandbox, { items: TWO, parameters: { options: { maxRetries: 0 } } });
		expect(stopped.error?.message).toBeTruthy();
		expect(everythingShown(continued)).not.toContain(sandbox.apiKey);
		expect(everythingShown(stopped)).not.toContain(sandbox.apiKey);
		// The echo did reach the node: what it quotes is redacted, not missing.
		expect(everythingShown([continued, stopped])).toContain('[redacted]');
	});

	it("quotes an HTML error page's title, not the page", async () => {
		sandbox.configure({ hostile: { echoHeaders: { status: 502, format: 'html' } } });
		const run = await runNode(sandbox, { items: TWO.slice(0, 1), ...continuing, parameters: { options: { maxRetries: 0 } } });
		expect(run.outputs[0][0].json.error).toBe('The request failed after 1 try: Crustdata answered 502 (Request Rejected)');
		expect(everythingShown(run)).not.toMatch(/<pre>|<html|sandbox-key/);
	});

	it('when a tool call gets the echo', async () => {
		sandbox.configure({ hostile: { echoHeaders: { status: 403, format: 'json' } } });
		const { answer } = await callAsTool({
			nodeType: new CrustdataPersonEnrich(),
			credentialType: new CrustdataEnrichApi(),
			credentials: { apiKey: sandbox.apiKey, apiVersion: '2025-11-01', baseUrl: sandbox.url },
			parameters: { operation: 'enrich', identifierType: 'profileUrl', profileUrl: "={{ $fromAI('profile_url', 'The URL', 'string') }}" },
			toolArgs: { profile_url: profileUrl('ada-lovelace') },
		});
		expect(answer[0].error).toMatch(/^Crustdata denied access: Request rejected by gateway; headers received: .*authorization: Bearer \[redacted\], /);
		expect(JSON.stringify(answer)).not.toContain(sandbox.apiKey);
	});

	it('when the account listing echoes the key in a status', async () => {
		sandbox.configure({ hostile: { echoKeyInListing: true } });
		const run = await runNode(sandbox, { items: TWO });
		expect(run.hints.map((hint) => hint.message)).toContainEqual(expect.stringContaining('the unknown status "Bearer [redacted]"'));
		expect(everythingShown(run)).not.toContain(sandbox.apiKey);
	});
});

describe('rate-limit headers cannot hold a run for ever', () => {
	const toolCall = async (slug: string) =>
		await callAsTool({
			nodeType: new CrustdataPersonEnrich(),
			credentialType: new CrustdataEnrichApi(),
			credentials: { apiKey: sandbox.apiKey, apiVersion: '2025-11-01', baseUrl: sandbox.url },
			parameters: { operation: 'enrich', identifierType: 'profileUrl', profileUrl: "={{ $fromAI('profile_url', 'The URL', 'string') }}" },
			toolArgs: { profile_url: profileUrl(slug) },
		});

	it.each([
		['x-ratelimit-reset', { rateLimitReset: '86400' }],
		['x-ratelimit-reset', { rateLimitReset: '1e12' }],
		['Retry-After', { retryAfter: '1e12' }],
	])('answers a tool call held by %s: %j with the 60 s window, at once', async (_header, hostile) => {
		sandbox.configure({ rateLimit: { limit: 1, windowMs: 90_000 }, hostile });
		await toolCall('ada-lovelace');
		const started = Date.now();
		const { answer } = await toolCall('grace-hopper');
		expect(answer).toEqual([{ matched_on: profileUrl('grace-hopper'), error: expect.stringMatching(/^Rate limited by Crustdata, retry in (60|61) s$/) }]);
		expect(Date.now() - started).toBeLessThan(20_000);
	});

	it('finishes a workflow run whose 429 asks to wait 10^12 s, after the 60 s window, instead of spinning on an overflowing timer', async () => {
		sandbox.configure({ forcedResponses: [{ status: 429, body: { error: { type: 'rate_limit_exceeded', message: 'Slow down', metadata: [] } }, headers: { 'retry-after': '1e12' } }] });
		const started = Date.now();
		const run = await runNode(sandbox, { items: TWO.slice(0, 1) });
		expect(run.status).toBe('success');
		expect(run.outputs[0][0].json.match_status).toBe('matched');
		expect(Date.now() - started).toBeGreaterThanOrEqual(59_000);
	}, 120_000);
});

describe('Request Timeout bounds the whole answer', () => {
	it('cuts off an answer that drips in a byte at a time, as a timeout, and retries it', async () => {
		sandbox.configure({ hostile: { dripMs: 50 } });
		const run = await runNode(sandbox, { items: TWO.slice(0, 1), ...continuing, parameters: { options: { timeout: 1, maxRetries: 1 } } });
		expect(run.outputs[0][0].json.error).toBe('The request failed after 2 tries: no answer within 1 s (timed out)');
		expect(enrichRequests(sandbox)).toHaveLength(2);
	});

	it('answers a tool call against a drip well within 50 s', async () => {
		sandbox.configure({ hostile: { dripMs: 50 } });
		const started = Date.now();
		const { answer } = await callAsTool({
			nodeType: new CrustdataPersonEnrich(),
			credentialType: new CrustdataEnrichApi(),
			credentials: { apiKey: sandbox.apiKey, apiVersion: '2025-11-01', baseUrl: sandbox.url },
			parameters: {
				operation: 'enrich',
				identifierType: 'profileUrl',
				profileUrl: "={{ $fromAI('profile_url', 'The URL', 'string') }}",
				options: { timeout: 2, maxRetries: 1 },
			},
			toolArgs: { profile_url: profileUrl('ada-lovelace') },
		});
		expect(answer[0].error).toBe('The request failed after 2 tries: no answer within 2 s (timed out); run the node again for these items later, or raise Max Retries in the node options');
		expect(Date.now() - started).toBeLessThan(50_000);
	});
});

describe('a malformed or foreign answer entry cannot crash or mislead a run', () => {
	it.each(['nullEntry', 'matchesNotList', 'nullMatch'] as const)(
		'fails only the input of a %s entry, keeps every other answer, under Continue and under Stop',
		async (fault) => {
			sandbox.configure({ hostile: { entryFaults: [fault] } });
			const continued = await runNode(sandbox, { items: TWO, ...continuing });
			expect(continued.outputs[0].map((item) => [item.pairedItem, item.json.error ?? item.json.match_status])).toEqual([
				[{ item: 0 }, 'Crustdata answered the request without an entry for this identifier'],
				[{ item: 1 }, 'matched'],
			]);
			const stopped = await runNode(sandbox, { items: TWO });
			expect(stopped.error).toMatchObject({ message: 'Crustdata answered the request without an entry for this identifier', context: { itemIndex: 0 } });
		},
	);

	it("ignores an entry for an identifier the request did not carry, and never asks the paid contact endpoint about it", async () => {
		sandbox.configure({ apiGeneration: 2, hostile: { entryFaults: ['foreignEntry'] } });
		const run = await runNode(sandbox, {
			items: TWO.slice(0, 1),
			parameters: { fields: ['basic_profile', 'contact'], contactFields: ['business_emails'] },
		});
		expect(run.outputs[0].map((item) => item.json.matched_on)).toEqual([profileUrl('ada-lovelace')]);
		expect(everythingShown(run.outputs)).not.toContain('foreign-person');
		const contactAsked = sandbox.requests
			.filter((request) => request.path === '/person/contact/enrich')
			.flatMap((request) => (request.body as IDataObject).professional_network_profile_urls as string[]);
		expect(contactAsked).toEqual([profileUrl('ada-lovelace')]);
	});
});

describe('an identifier expression that throws for one item', () => {
	const parameters: INodeParameters = { profileUrl: "={{ $json.url ? $json.url : $('No Such Node').item.json.url }}" };
	const items = [{ url: profileUrl('ada-lovelace') }, { row: 'broken' }, { url: profileUrl('grace-hopper') }];

	it('under Continue, fails that input with the expression error and enriches the others', async () => {
		const run = await runNode(sandbox, { items, parameters, ...continuing });
		const rows = run.outputs[0].map((item) => [item.pairedItem, item.json.error ?? item.json.match_status]);
		expect(rows).toEqual([
			[{ item: 0 }, 'matched'],
			[{ item: 1 }, "Referenced node doesn't exist"],
			[{ item: 2 }, 'matched'],
		]);
		expect(enrichRequests(sandbox)).toHaveLength(1);
	});

	it('under Stop, fails the node with it before sending anything', async () => {
		const run = await runNode(sandbox, { items, parameters });
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe("Referenced node doesn't exist");
		expect(enrichRequests(sandbox)).toEqual([]);
	});
});

describe('a Base URL that does not reach Crustdata is not read as "not found"', () => {
	it('fails every input when a stray path makes Crustdata answer "No route", and never reports success', async () => {
		const run = await runNode(sandbox, { items: TWO, ...continuing, credentials: { baseUrl: `${sandbox.url}/v1` } });
		expect(run.outputs[0].map((item) => item.json.error)).toEqual([
			'Crustdata answered 404 for /person/enrich: check Base URL',
			'Crustdata answered 404 for /person/enrich: check Base URL',
		]);
		expect(run.outputs[0].some((item) => item.json.match_status === 'not_found')).toBe(false);
	});

	it("fails the inputs of Crustdata's own 404 \"no data\" when the account listing answered 404 too", async () => {
		sandbox.configure({ notFoundAs404: true, accountEndpointsAnswer: { status: 404, body: { error: { type: 'not_found', message: 'Not found', metadata: [] } } } });
		const run = await runNode(sandbox, { items: urlItems([profileUrl('nomatch-ghost')]), ...continuing });
		expect(run.outputs[0][0].json.error).toBe('Crustdata answered 404 for /person/enrich: check Base URL');
		sandbox.configure({ accountEndpointsAnswer: null });
	});

	it('still reads a 404 "no data" as a no-match, and goes ahead when only the listing answers 404', async () => {
		sandbox.configure({ notFoundAs404: true });
		const noData = await runNode(sandbox, { items: urlItems([profileUrl('nomatch-ghost')]) });
		expect(noData.outputs[0][0].json.match_status).toBe('not_found');
		sandbox.configure({ notFoundAs404: false, accountEndpointsAnswer: { status: 404, body: { error: { type: 'not_found', message: 'Not found', metadata: [] } } } });
		const listing404 = await runNode(sandbox, { items: TWO });
		expect(listing404.outputs[0].map((item) => item.json.match_status)).toEqual(['matched', 'matched']);
		sandbox.configure({ accountEndpointsAnswer: null });
	});

	it.each([
		['?debug=1', 'a query string (?…)'],
		['#v1', 'a fragment (#…)'],
	])('refuses a Base URL ending in %p before sending anything', async (suffix, what) => {
		const run = await runNode(sandbox, { items: TWO, credentials: { baseUrl: `${sandbox.url}${suffix}` } });
		expect(run.error?.message).toBe(`The credential's Base URL can't be used: it contains ${what}`);
		expect(sandbox.requests).toEqual([]);
	});
});

describe('inputs that are huge, invisible or in Unicode', () => {
	it('quotes at most about 100 characters of a 100 KB input', async () => {
		const huge = `linkedin.com/company/${'x'.repeat(100_000)}`;
		const run = await runNode(sandbox, { items: urlItems([huge]), ...continuing });
		expect(String(run.outputs[0][0].json.error).length).toBeLessThan(200);
		const dry = await runNode(sandbox, { items: urlItems([huge, huge]), parameters: { options: { dryRun: true } } });
		expect(JSON.stringify(dry.outputs[0][0].json).length).toBeLessThan(1_000);
	});

	it('looks up a URL with a zero-width space, and a Unicode email domain with its punycode, once', async () => {
		await runNode(sandbox, { items: urlItems([profileUrl('ada-lovelace'), `\u200B${profileUrl('ada-lovelace')}\u200D`]) });
		expect(enrichRequests(sandbox).map((request) => request.identifierCount)).toEqual([1]);
		sandbox.reset();
		await runNode(sandbox, {
			items: [{ email: 'jane.doe@bücher.de' }, { email: 'jane.doe@xn--bcher-kva.de' }],
			parameters: { identifierType: 'businessEmail', businessEmail: '={{ $json.email }}' },
			...continuing,
		});
		expect(enrichRequests(sandbox).map((request) => (request.body as IDataObject).business_emails)).toEqual([['jane.doe@xn--bcher-kva.de']]);
	});
});
