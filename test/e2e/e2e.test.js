// End to end in a real n8n: the built package installed as a community package, a sandbox
// credential and the workflows in ./workflows imported from files, each run with `n8n execute`.
// Asserts on the parsed run and on what the sandbox received. N8N_E2E_VERSION picks the n8n.
const assert = require('node:assert/strict');
const path = require('node:path');
const { after, afterEach, before, describe, it } = require('node:test');

const { contractViolations } = require('../contract/crustdataApi');
const { startSandbox, DEFAULT_OPTIONS } = require('../sandbox/server');
const { E2E_VERSION: VERSION, createInstance, ensureN8n, executeWorkflow, importFixtures, importVariant, sandboxCredential } = require('./n8nHost');

const WRONG_KEY = `wrong-key-${process.pid}-e2e`;
const url = (slug) => `https://www.linkedin.com/in/${slug}`;

let sandbox;
let instance;

before(async () => {
	sandbox = await startSandbox();
	sandbox.onReset(assertContractKept);
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

/** Whatever a test did, the sandbox answered as Crustdata's documented API does. */
const assertContractKept = (requests) => assert.deepEqual(contractViolations(requests), []);

// Checked after each test, and before a reset within one (the dry-run test runs twice).
afterEach(() => assertContractKept(sandbox?.requests ?? []));

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

/**
 * credit-cap.json's 60 inputs under Max Credits 30, continuing on error: unique identifiers go out
 * in input order, so the first 30 are enriched and the cap leaves the rest unsent, each item paired
 * with its input, and the summary says so.
 */
function assertHalfLeftByCap(result) {
	const [taskData] = result.data.resultData.runData['Crustdata Person Enrich'];
	const items = taskData.data.main[0];
	assert.deepEqual(items.map((item) => item.pairedItem), Array.from({ length: 60 }, (_, item) => ({ item })));
	items.slice(0, 30).forEach((item, index) => {
		assert.deepEqual([item.json.matched_on, item.json.match_status], [url(`cap-person-${index}`), 'matched']);
	});
	items.slice(30).forEach((item, index) => {
		assert.deepEqual(item.json, { error: 'Not sent: the credit cap of 30 would be exceeded', matched_on: url(`cap-person-${index + 30}`) });
	});
	assert.ok(
		taskData.hints.some((hint) => hint.message === 'Stopped at the credit cap of 30 credits: 30 inputs were not sent'),
		JSON.stringify(taskData.hints),
	);
}

const isContactField = (field) => field === 'contact' || field.startsWith('contact.');

/**
 * What the sandbox's contact endpoint answers for one profile and these tiers: the contact data
 * a run should have merged for it. Asked after the run, so the run's request log is already read.
 */
async function contactAnswer(profileUrl, fields) {
	const response = await fetch(`${sandbox.url}/person/contact/enrich`, {
		method: 'POST',
		headers: { authorization: `Bearer ${sandbox.apiKey}`, 'x-api-version': '2025-11-01', 'content-type': 'application/json' },
		body: JSON.stringify({ professional_network_profile_urls: [profileUrl], fields }),
	});
	assert.equal(response.status, 200, await response.clone().text());
	const [entry] = await response.json();
	return entry.matches[0].person_data.contact;
}

describe(`n8n ${VERSION}`, () => {
	it('loads the package: profile URLs with duplicates and no-matches, batched, paired, linked downstream', async () => {
		const { code, run: result, requests } = await run('E2eProfileUrls01');
		assert.equal(code, 0, 'n8n execute exits 0');
		assert.equal(result.status, 'success');
		// Both requests are in flight at once, so the sandbox may get either first.
		assert.deepEqual(
			requests.map((request) => request.identifierCount).sort((a, b) => b - a),
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

	it('contact on generation 2: profiles without contact, then the chosen tiers of the matched profiles only, merged into each match', async () => {
		// Generation 2 refuses contact on /person/enrich; shuffled answers on both endpoints mean a
		// merge by position instead of by profile would hand people someone else's contact data.
		const { code, run: result, requests } = await run('E2eContactGen201', { apiGeneration: 2, shuffle: true });
		assert.equal(code, 0, 'n8n execute exits 0');
		assert.equal(result.status, 'success');

		const profileRequests = requests.filter((request) => request.path === '/person/enrich');
		assert.ok(profileRequests.length > 0, 'the profiles were enriched');
		for (const request of profileRequests) {
			assert.equal(request.status, 200, 'no refusal: the account listing said where contact data is before anything was sent');
			assert.ok(request.body.fields.includes('basic_profile'));
			assert.deepEqual(request.body.fields.filter(isContactField), [], '/person/enrich is asked for no contact field');
		}

		const tiers = ['contact.business_emails', 'contact.phone_numbers'];
		const contactRequests = requests.filter((request) => request.path === '/person/contact/enrich');
		assert.ok(contactRequests.length > 0, 'the contact endpoint was asked');
		for (const request of contactRequests) {
			assert.equal(request.status, 200);
			assert.deepEqual(request.body.fields, tiers, 'exactly the chosen tiers: no fields would ask for every tier, the dearest request');
		}
		// Each matched profile once, by its canonical URL (the uk. duplicate of Ada is Ada), and
		// never the no-match or the redacted one: those would be billed for nothing.
		const matchedProfiles = [url('ada-lovelace'), url('fullcontact-grace-hopper'), url('nocontact-nils-berg'), url('alan-turing')];
		const asked = contactRequests.flatMap((request) => request.body.professional_network_profile_urls);
		assert.deepEqual([...asked].sort(), [...matchedProfiles].sort());

		const items = outputOf(result.data.resultData.runData, 'Crustdata Person Enrich');
		assert.deepEqual(
			items.map((item) => [item.pairedItem.item, item.json.match_status]),
			[[0, 'matched'], [1, 'not_found'], [2, 'matched'], [3, 'matched'], [4, 'redacted'], [5, 'matched'], [6, 'matched']],
		);
		assert.equal(items[1].json.person_data, null);
		assert.equal(items[4].json.person_data, null);
		const matched = items.filter((item) => item.json.match_status === 'matched');
		assert.deepEqual([...new Set(matched.map((item) => item.json.matched_on))].sort(), [...asked].sort(), 'contact data was asked for exactly the profiles that matched');
		for (const { json } of matched) {
			assert.equal(json.contact_error, undefined, `${json.matched_on}: the contact request succeeded`);
			assert.ok(json.person_data.basic_profile, `${json.matched_on} keeps its profile`);
			assert.deepEqual(Object.keys(json.person_data.contact).sort(), ['business_emails', 'phone_numbers'], `${json.matched_on}: every chosen tier, and only those`);
			assert.deepEqual(json.person_data.contact, await contactAnswer(json.matched_on, tiers), `${json.matched_on} got its own contact data`);
		}
		const contactOf = (slug) => matched.find((item) => item.json.matched_on === url(slug)).json.person_data.contact;
		assert.deepEqual(contactOf('nocontact-nils-berg'), { business_emails: [], phone_numbers: [] }, 'a tier with nothing found is an empty list, not a missing key');
		const grace = contactOf('fullcontact-grace-hopper');
		assert.ok(grace.business_emails.length > 0 && grace.phone_numbers.length > 0, 'someone got real contact data, so the comparisons above are not all between empty lists');
	});

	it('contact on generation 2 with batch jobs: profile jobs without contact, then contact jobs for the matched profiles only, merged into each match', async () => {
		const inBatchJobs = (node) =>
			node.type.endsWith('.crustdataPersonEnrich') ? { ...node, parameters: { ...node.parameters, operation: 'enrichBatch' } } : node;
		await importVariant(instance, path.join(__dirname, 'workflows', 'contact-generation-2.json'), 'E2eContactGen2Bt', inBatchJobs);
		const { code, stdout, stderr, run: result } = await run('E2eContactGen2Bt', { apiGeneration: 2 });
		assert.equal(code, 0, stdout + stderr);
		assert.equal(result.status, 'success');
		const posts = (path) => sandbox.requests.filter((request) => request.method === 'POST' && request.path === path);
		const profileJobs = posts('/batch/person/enrich');
		assert.equal(profileJobs.length, 1);
		assert.deepEqual(profileJobs[0].body.fields.filter(isContactField), [], 'the profile job asks for no contact field');
		const contactJobs = posts('/batch/person/contact/enrich');
		assert.ok(contactJobs.length > 0, 'contact jobs were submitted');
		for (const job of contactJobs) {
			assert.equal(job.status, 200);
			assert.deepEqual(job.body.fields, ['business_email', 'personal_contact_info.phone_numbers'], "exactly the chosen tiers, in the contact jobs' own names");
		}
		const matchedProfiles = [url('ada-lovelace'), url('fullcontact-grace-hopper'), url('nocontact-nils-berg'), url('alan-turing')];
		const asked = contactJobs.flatMap((job) => job.body.professional_network_profile_urls);
		assert.deepEqual([...asked].sort(), [...matchedProfiles].sort(), 'each matched profile once, and never a no-match');

		const items = outputOf(result.data.resultData.runData, 'Crustdata Person Enrich');
		// Batch jobs leave out unknown and redacted people alike: both are not_found.
		assert.deepEqual(
			items.map((item) => [item.pairedItem.item, item.json.match_status]),
			[[0, 'matched'], [1, 'not_found'], [2, 'matched'], [3, 'matched'], [4, 'not_found'], [5, 'matched'], [6, 'matched']],
		);
		const tiers = ['contact.business_emails', 'contact.phone_numbers'];
		const emailsAsBatchGivesThem = (contact) => ({ ...contact, business_emails: contact.business_emails.map(({ email, status }) => ({ email, status })) });
		for (const { json } of items.filter((item) => item.json.match_status === 'matched')) {
			assert.equal(json.contact_error, undefined, `${json.matched_on}: the contact job succeeded`);
			assert.ok(json.person_data.basic_profile, `${json.matched_on} keeps its profile`);
			assert.deepEqual(json.person_data.contact, emailsAsBatchGivesThem(await contactAnswer(json.matched_on, tiers)), `${json.matched_on} got its own contact data`);
		}
		const grace = items.find((item) => item.json.matched_on === url('fullcontact-grace-hopper')).json.person_data.contact;
		assert.ok(grace.business_emails.length > 0 && grace.phone_numbers.length > 0, 'someone got real contact data');
	});

	it('a dry run sends nothing billable and says what the run would send and cost; the run for real then sends and costs that', async () => {
		// The account reports 2 requests a minute, so 3 requests would take a minute: an estimate that is not 0.
		const dry = await run('E2eDryRunEstim01', { creditBudget: 500, rateLimit: { limit: 2, windowMs: 60_000 } });
		assert.equal(dry.code, 0, dry.stdout + dry.stderr);
		assert.equal(dry.run.status, 'success');
		assert.deepEqual(dry.requests, [], 'nothing billable was sent');
		assert.deepEqual(sandbox.requests.map((request) => request.path).sort(), ['/account/credits', '/account/endpoints'], 'only the free account routes');
		const [taskData] = dry.run.data.resultData.runData['Crustdata Person Enrich'];
		const [report, ...more] = taskData.data.main[0];
		assert.equal(more.length, 0, 'one item for the whole run');
		assert.deepEqual(report.pairedItem, Array.from({ length: 13 }, (_, item) => ({ item })), 'paired with every input');
		const retool = 'https://www.linkedin.com/company/retool';
		// 13 inputs: the trailing-slash Ada and the upper-case Grace reuse a lookup, the company page is no profile.
		assert.deepEqual(report.json, {
			dry_run: true,
			inputs: 13,
			unique_identifiers: 10,
			duplicates: 2,
			rejected: [{ item: 4, identifier: retool, reason: `"${retool}" is not a LinkedIn profile URL` }],
			requests: 3,
			max_credits: 10,
			credits_available: 500,
			rate_limit_per_minute: 2,
			estimated_seconds: 60,
		});
		assert.equal(taskData.hints[0].message, 'Dry run: nothing billable was sent; the run would send at most 3 requests and cost at most 10 credits');

		// The same inputs and settings without Dry Run.
		const real = await run('E2eDryRunReal001', { creditBudget: 500 });
		assert.equal(real.code, 0, real.stdout + real.stderr);
		assert.deepEqual(
			real.requests.map((request) => [request.path, request.status, request.identifierCount]).sort((a, b) => b[2] - a[2]),
			[['/person/enrich', 200, 4], ['/person/enrich', 200, 4], ['/person/enrich', 200, 2]],
		);
		assert.equal(real.requests.length, report.json.requests, 'as many requests as the dry run said');
		assert.equal(sandbox.creditsUsed, 9, 'a credit for each profile found: all but the no-match');
		assert.ok(sandbox.creditsUsed <= report.json.max_credits, 'no more than the dry run said');
		const items = outputOf(real.run.data.resultData.runData, 'Crustdata Person Enrich');
		assert.deepEqual(items.map((item) => item.pairedItem), Array.from({ length: 13 }, (_, item) => ({ item })));
		assert.deepEqual(items[4].json, { error: `"${retool}" is not a LinkedIn profile URL`, matched_on: '' });
	});

	it('Max Credits 30: the 30 profiles it can afford are enriched, the other 30 fail unsent, each paired to its input', async () => {
		const { code, stdout, stderr, run: result, requests } = await run('E2eCreditCap0001');
		assert.equal(code, 0, stdout + stderr);
		assert.equal(result.status, 'success');
		assert.ok(requests.every((request) => request.status === 200), 'none refused or failed');
		assert.equal(requests.reduce((total, request) => total + request.identifierCount, 0), 30, 'only the 30 profiles the cap affords were sent');
		assert.equal(sandbox.creditsUsed, 30, 'a credit for each of them');
		assertHalfLeftByCap(result);
	});

	it('Max Credits 30 under On Error: Stop fails after the affordable part, and the error says what was left and what was paid for', async () => {
		const stopsOnError = (node) => {
			const { onError, ...rest } = node;
			return rest;
		};
		await importVariant(instance, path.join(__dirname, 'workflows', 'credit-cap.json'), 'E2eCreditCapStop', stopsOnError);
		const { code, run: result, requests } = await run('E2eCreditCapStop');
		assert.notEqual(code, 0, 'the execution fails');
		assert.equal(sandbox.creditsUsed, 30);
		assert.equal(requests.reduce((total, request) => total + request.identifierCount, 0), 30);
		const { error } = result.data.resultData;
		assert.equal(error.message, 'Not sent: the credit cap of 30 would be exceeded');
		assert.equal(
			error.description,
			'30 inputs were left unsent. Raise Max Credits in the node options, or run these items again in another execution. ' +
				'The run had spent 30 credits and enriched 30 inputs; a node that stops outputs nothing, so set On Error to Continue to keep what it enriches.',
		);
	});

	it('Max Credits 30 with batch jobs: one job of the 30 profiles the cap affords, the rest unsent, never more spent', async () => {
		const inBatchJobs = (node) =>
			node.type.endsWith('.crustdataPersonEnrich') ? { ...node, parameters: { ...node.parameters, operation: 'enrichBatch' } } : node;
		await importVariant(instance, path.join(__dirname, 'workflows', 'credit-cap.json'), 'E2eCreditCapBatch', inBatchJobs);
		const { code, stdout, stderr, run: result } = await run('E2eCreditCapBatch');
		assert.equal(code, 0, stdout + stderr);
		const submits = sandbox.requests.filter((request) => request.method === 'POST');
		assert.deepEqual(submits.map((request) => [request.path, request.status, request.identifierCount]), [['/batch/person/enrich', 200, 30]]);
		assert.equal(sandbox.creditsUsed, 30, 'a credit for each profile the cap affords, and no more');
		assertHalfLeftByCap(result);
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
