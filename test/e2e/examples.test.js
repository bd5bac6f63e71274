// The workflows in examples/ import cleanly into a real n8n, and the ones that need no outside
// service run against the sandbox: a CSV in, an enriched CSV out; a CRM export through batch jobs;
// a dry run checked against a budget before enriching; a webhook that enriches one email and responds.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { after, afterEach, before, describe, it } = require('node:test');

const { contractViolations } = require('../contract/crustdataApi');
const { startSandbox } = require('../sandbox/server');
const {
	E2E_VERSION: VERSION,
	createInstance,
	ensureN8n,
	executeWorkflow,
	freePort,
	importFixtures,
	importVariant,
	postWhenRegistered,
	prepareExamples,
	runN8nOrThrow,
	sandboxCredential,
	startN8n,
} = require('./n8nHost');

const EXAMPLES = path.resolve(__dirname, '../../examples');
const SAMPLE_CSV = path.resolve(__dirname, '../demo/sample-profile-urls.csv');

let sandbox;
let instance;
let filesDir;
let n8n;
let port;

before(async () => {
	sandbox = await startSandbox({ rateLimit: null });
	port = await freePort();
	instance = await createInstance(ensureN8n(VERSION), 'examples', { N8N_LISTEN_ADDRESS: '127.0.0.1', N8N_PORT: String(port) });
	const examples = prepareExamples(instance);
	filesDir = examples.filesDir;
	await importFixtures(instance, [sandboxCredential('CrustdataCred001', 'Crustdata sandbox', sandbox.url, sandbox.apiKey)], examples.workflowsDir);
});

// Whatever a test did, the sandbox answered as Crustdata's documented API does.
afterEach(() => assert.deepEqual(contractViolations(sandbox?.requests ?? []), []));

after(async () => {
	await n8n?.stop();
	await sandbox?.close();
});

describe(`examples in n8n ${VERSION}`, () => {
	it('every example is imported', async () => {
		const { stdout } = await runN8nOrThrow(instance, ['export:workflow', '--all']);
		for (const file of fs.readdirSync(EXAMPLES)) {
			const { id } = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
			assert.ok(stdout.includes(`"id": "${id}"`) || stdout.includes(`"id":"${id}"`), `${file} (${id}) is in n8n`);
		}
	});

	/** Runs a CSV example on the 100 sample rows: one enriched row per input row, in order, CRM IDs kept. */
	async function enrichSampleCsv(workflowId, input, output) {
		fs.copyFileSync(SAMPLE_CSV, path.join(filesDir, input));
		const { code, stdout, stderr } = await executeWorkflow(instance, workflowId);
		assert.equal(code, 0, stdout + stderr);
		const [header, ...lines] = fs.readFileSync(path.join(filesDir, output), 'utf8').trim().split('\n');
		assert.match(header, /row_id.*linkedin_url.*status.*name.*title.*company/);
		assert.equal(lines.length, 100, 'one row per input row');
		assert.ok(lines.filter((line) => line.includes(',matched,')).length >= 80);
		assert.ok(lines.some((line) => line.startsWith('crm-001,') && line.includes('Ada Lovelace')));
	}

	it('CSV in, enriched CSV out', async () => {
		await enrichSampleCsv('ExampleCsvToCsv1', 'leads.csv', 'leads-enriched.csv');
	});

	it('a CRM export through one batch job, every row mapped back, the key never sent to the results host', async () => {
		sandbox.reset();
		await enrichSampleCsv('ExampleBatchCrm01', 'crm-export.csv', 'crm-export-enriched.csv');
		const submits = sandbox.requests.filter((request) => request.method === 'POST');
		assert.deepEqual(submits.map((request) => request.path), ['/batch/person/enrich']);
		assert.ok(sandbox.downloads.length > 0);
		for (const download of sandbox.downloads) assert.equal(download.headers.authorization, undefined);
	});

	// Before the webhook example: `n8n execute` cannot run beside the `n8n start` that one leaves running.
	it('a dry run within the budget and the balance, then every lead enriched', async (t) => {
		t.after(() => sandbox.configure({ creditBudget: null }));
		sandbox.configure({ creditBudget: 100 });
		sandbox.reset();
		const { code, stdout, stderr, run } = await executeWorkflow(instance, 'ExampleDryRun001');
		assert.equal(code, 0, stdout + stderr);
		const { runData } = run.data.resultData;
		const [estimate] = runData['Estimate credits'][0].data.main[0];
		// Six leads, one of them Ada again under another URL: five people at a credit each.
		assert.deepEqual([estimate.json.max_credits, estimate.json.credits_available], [5, 100]);
		assert.equal(runData['Over budget'], undefined);
		const enriched = runData['Enrich leads'][0].data.main[0].map((item) => item.json);
		assert.deepEqual(
			enriched.map((json) => [json.name, json.match_status, json.person.name]),
			[
				['Ada Lovelace', 'matched', 'Ada Lovelace'],
				['Grace Hopper', 'matched', 'Grace Hopper'],
				['Alan Turing', 'matched', 'Alan Turing'],
				['Katherine Johnson', 'matched', 'Katherine Johnson'],
				['Ada Lovelace', 'matched', 'Ada Lovelace'],
				['Edsger Dijkstra', 'matched', 'Edsger Dijkstra'],
			],
		);
		const billable = sandbox.requests.filter((request) => request.path.startsWith('/person/'));
		assert.deepEqual(billable.map((request) => [request.path, request.status, request.identifierCount]), [['/person/enrich', 200, 5]]);
		assert.equal(sandbox.creditsUsed, 5);
	});

	it('a dry run over the balance stops with why, and nothing billable is sent', async (t) => {
		t.after(() => sandbox.configure({ creditBudget: null }));
		sandbox.configure({ creditBudget: 3 });
		sandbox.reset();
		const { code, run } = await executeWorkflow(instance, 'ExampleDryRun001');
		assert.notEqual(code, 0, 'the execution fails');
		assert.equal(run?.data?.resultData?.error?.message, 'Not enriched: the leads could cost up to 5 credits, and the account has 3 left');
		assert.equal(run.data.resultData.runData['Enrich leads'], undefined);
		assert.deepEqual(sandbox.requests.filter((request) => request.path.startsWith('/person/')), []);
	});

	it('a dry run over the budget stops with why, and nothing billable is sent', async () => {
		sandbox.reset();
		const budgetOf = (node, creditLimit) => {
			const [limit] = node.parameters.assignments.assignments;
			return { ...node, parameters: { ...node.parameters, assignments: { assignments: [{ ...limit, value: creditLimit }] } } };
		};
		await importVariant(instance, path.join(EXAMPLES, 'dry-run-then-enrich.json'), 'ExampleDryRunBudget4', (node) =>
			node.name === 'Budget' ? budgetOf(node, 4) : node,
		);
		const { code, run } = await executeWorkflow(instance, 'ExampleDryRunBudget4');
		assert.notEqual(code, 0, 'the execution fails');
		assert.equal(run?.data?.resultData?.error?.message, 'Not enriched: the leads could cost up to 5 credits, over the budget of 4');
		assert.equal(run.data.resultData.runData['Enrich leads'], undefined);
		assert.deepEqual(sandbox.requests.filter((request) => request.path.startsWith('/person/')), []);
	});

	it('a webhook enriches one email and responds with the person', async () => {
		await runN8nOrThrow(instance, ['publish:workflow', '--id=ExampleWebhook01']);
		n8n = startN8n(instance, ['start']);
		const response = await postWhenRegistered(`http://127.0.0.1:${port}/webhook/enrich-email`, { email: 'Jane.Doe@Acme.io' });
		assert.equal(response.status, 200);
		const text = await response.text();
		const body = (() => {
			try {
				return JSON.parse(text);
			} catch {
				assert.fail(`the webhook answered something other than JSON: ${text.slice(0, 300)}`);
			}
		})();
		assert.equal(body.email, 'jane.doe@acme.io');
		assert.equal(body.status, 'matched');
		assert.equal(body.person.name, 'Jane Doe');
		assert.equal(body.person.current_company, 'Acme');
	});
});
