// End to end in a real n8n: the built package installed as a community package, a sandbox
// credential and the workflows in ./workflows imported from files, each run with `n8n execute`.
// Asserts on the parsed run and on what the sandbox received. N8N_E2E_VERSION picks the n8n.
const assert = require('node:assert/strict');
const path = require('node:path');
const { after, before, describe, it } = require('node:test');

const { startSandbox, DEFAULT_OPTIONS } = require('../sandbox/server');
const { E2E_VERSION: VERSION, createInstance, ensureN8n, executeWorkflow, importFixtures, sandboxCredential } = require('./n8nHost');

const WRONG_KEY = `wrong-key-${process.pid}-e2e`;
const url = (slug) => `https://www.linkedin.com/in/${slug}`;

let sandbox;
let instance;

before(async () => {
	sandbox = await startSandbox();
	instance = await createInstance(ensureN8n(VERSION), 'execute');
	await importFixtures(
		instance,
		[
			sandboxCredential('CrustdataCred001', 'Crustdata sandbox', sandbox.url, sandbox.apiKey),
			sandboxCredential('CrustdataCredBad', 'Crustdata wrong key', sandbox.url, WRONG_KEY),
		],
		path.join(__dirname, 'workflows'),
	);
});

after(async () => await sandbox?.close());

/** Runs a workflow on a sandbox set up as `options`; returns the run and what the sandbox received. */
async function run(workflowId, options = {}) {
	sandbox.configure({ ...DEFAULT_OPTIONS, rateLimit: null, ...options });
	sandbox.reset();
	const result = await executeWorkflow(instance, workflowId);
	const requests = sandbox.requests.filter((request) => request.path.startsWith('/person/'));
	const accountChecks = sandbox.requests.filter((request) => request.path === '/account/endpoints');
	return { ...result, requests, accountChecks };
}

const outputOf = (runData, node, output = 0) => runData[node][0].data.main[output] ?? [];

describe(`n8n ${VERSION}`, () => {
	it('loads the package: profile URLs with duplicates and no-matches, batched, paired, linked downstream', async () => {
		const { code, run: result, requests } = await run('E2eProfileUrls01');
		assert.equal(code, 0, 'n8n execute exits 0');
		assert.equal(result.status, 'success');
		assert.deepEqual(
			requests.map((request) => request.identifierCount),
			[20, 14],
			'34 unique URLs in requests of Batch Size 20',
		);
		assert.equal(requests[0].headers['x-api-version'], '2025-11-01');
		const { runData } = result.data.resultData;
		const items = outputOf(runData, 'Crustdata Person Enrich');
		assert.equal(items.length, 35);
		assert.deepEqual(items.map((item) => item.pairedItem), items.map((_, index) => ({ item: index })));
		assert.deepEqual(
			items.slice(0, 5).map((item) => [item.json.matched_on, item.json.match_status]),
			[
				[url('ada-lovelace'), 'matched'],
				[url('ada-lovelace'), 'matched'],
				[url('nomatch-ghost'), 'not_found'],
				[url('grace-hopper'), 'matched'],
				[url('redacted-rita'), 'redacted'],
			],
		);
		const linked = outputOf(runData, 'Linked Row').map((item) => item.json);
		assert.equal(linked.length, 35);
		linked.forEach((row, index) => {
			assert.equal(row.crm_id, `c-${index + 1}`, 'the Set node reads the input row of each output item');
			assert.equal(row.matched_on, items[index].json.matched_on, 'and the enriched item it came from');
		});
		assert.match(linked[3].name, /Grace Hopper/i);
	});

	it('business emails: the threshold keeps candidates above it, best match keeps one', async () => {
		const { code, run: result, requests } = await run('E2eBusinessMail1');
		assert.equal(code, 0);
		const bodies = requests.map((request) => request.body);
		assert.ok(bodies.some((body) => body.min_similarity_score === 0.5 && body.business_emails.includes('multi.candidate@acme.io')));
		const { runData } = result.data.resultData;
		const all = outputOf(runData, 'Enrich All Matches');
		assert.deepEqual(
			all.filter((item) => item.pairedItem.item === 0).map((item) => item.json.confidence_score),
			[0.62, 0.97],
		);
		assert.equal(all.find((item) => item.pairedItem.item === 2).json.match_status, 'not_found');
		const best = outputOf(runData, 'Enrich Best Match');
		assert.deepEqual(
			best.filter((item) => item.pairedItem.item === 0).map((item) => item.json.confidence_score),
			[0.97],
		);
	});

	it('live enrich posts to the live endpoint', async () => {
		const { code, run: result, requests } = await run('E2eLiveEnrich001');
		assert.equal(code, 0);
		assert.deepEqual(requests.map((request) => request.path), ['/person/professional_network/enrich/live']);
		const items = outputOf(result.data.resultData.runData, 'Crustdata Person Enrich');
		assert.deepEqual(items.map((item) => item.json.match_status), ['matched', 'matched']);
		assert.ok(items[0].json.person_data.experience, 'the requested section is there');
	});

	it('Continue (using error output): bad identifiers on the second output, good ones on the first', async () => {
		const { code, run: result } = await run('E2eErrorOutput01');
		assert.equal(code, 0);
		const { runData } = result.data.resultData;
		assert.deepEqual(
			outputOf(runData, 'Enriched').map((item) => item.json.matched_on),
			[url('ada-lovelace'), url('grace-hopper')],
		);
		const failed = outputOf(runData, 'Failed').map((item) => item.json);
		assert.deepEqual(
			failed.map((json) => [json.crm_id, json.error]),
			[
				['e-2', '"https://www.linkedin.com/company/retool" is not a LinkedIn profile URL'],
				['e-3', 'The profile URL is empty'],
			],
		);
	});

	it('a rate-limited run completes with no error items', async () => {
		const window = { limit: 2, windowMs: 1_500 };
		const { code, run: result, requests } = await run('E2eRateLimited01', { rateLimit: window });
		assert.equal(code, 0);
		const accepted = requests.filter((request) => request.status === 200);
		assert.ok(accepted[2].at - accepted[0].at >= window.windowMs - 50, 'the third request waited for the window');
		const items = outputOf(result.data.resultData.runData, 'Crustdata Person Enrich');
		assert.equal(items.length, 100);
		assert.ok(items.every((item) => item.json.match_status === 'matched'));
		assert.equal(requests.filter((request) => request.status === 200).length, 4);
	});

	it('paced at the limit the account reports, checked once before the first billable request', async () => {
		// 10 requests a second is 600 a minute: at the old fixed 15 a minute the 16th request would wait a minute.
		const { code, run: result, requests, accountChecks } = await run('E2eAccountLimit1', { rateLimit: { limit: 10, windowMs: 1_000 }, latencyMs: 50 });
		assert.equal(code, 0);
		assert.deepEqual(accountChecks.map((request) => [request.query, request.status]), [[{ path: '/person/enrich' }, 200]]);
		assert.ok(accountChecks[0].at <= requests[0].at, 'the account is checked before anything billable');
		assert.equal(requests.length, 20);
		assert.equal(requests.filter((request) => request.status === 429).length, 0);
		assert.ok(requests[19].at - requests[0].at < 10_000, `20 requests in ${requests[19].at - requests[0].at} ms`);
		const [taskData] = result.data.resultData.runData['Crustdata Person Enrich'];
		assert.equal(taskData.data.main[0].length, 500);
		assert.match(taskData.hints[0].message, /; paced at 600 requests a minute, the account's limit for \/person\/enrich$/);
	});

	it('a field the account is denied fails with its message, and nothing billable is sent', async () => {
		const { code, stdout, stderr, run: result, requests } = await run('E2eDeniedField01');
		assert.notEqual(code, 0, 'the execution fails');
		assert.equal(requests.length, 0);
		assert.equal(result?.data?.resultData?.error?.message, "Your Crustdata plan does not include the field 'certifications'");
		assert.match(stdout + stderr, /Your Crustdata plan does not include the field 'certifications'/);
	});

	it('a wrong key fails with a clear message and the key appears nowhere', async () => {
		const { code, stdout, stderr, run: result, requests, accountChecks } = await run('E2eWrongKey00001');
		assert.notEqual(code, 0, 'the execution fails');
		assert.deepEqual(accountChecks.map((request) => request.status), [401], 'the account check got the 401');
		assert.equal(requests.length, 0, 'nothing billable was sent');
		assert.match(stdout + stderr, /Crustdata rejected the API key/);
		assert.equal(result?.data?.resultData?.error?.message, 'Crustdata rejected the API key');
		assert.ok(!(stdout + stderr).includes(WRONG_KEY), 'the key is not in the output');
	});
});
