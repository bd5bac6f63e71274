// Queue mode, n8n's way to scale past one machine: Redis, a main process that receives the
// webhook and a worker that executes it. A published webhook workflow with the node is called
// over HTTP; the worker must run it and the caller must get the enriched items back, in requests
// and in a batch job the worker waits for.
const assert = require('node:assert/strict');
const path = require('node:path');
const { after, afterEach, before, describe, it } = require('node:test');

const { contractViolations } = require('../contract/crustdataApi');
const { startSandbox } = require('../sandbox/server');
const {
	E2E_VERSION: VERSION,
	createInstance,
	ensureN8n,
	freePort,
	importFixtures,
	postWhenRegistered,
	queueModeEnv,
	runN8nOrThrow,
	sandboxCredential,
	startQueueProcesses,
	startRedis,
	waitFor,
	workerExecutions,
} = require('./n8nHost');

let sandbox;
let redis;
let queue;
let webhookUrl;
let batchWebhookUrl;

before(async () => {
	sandbox = await startSandbox({ rateLimit: null });
	redis = await startRedis();
	const httpPort = await freePort();
	const instance = await createInstance(ensureN8n(VERSION), 'queue', queueModeEnv(redis.port, httpPort));
	await importFixtures(
		instance,
		[sandboxCredential('CrustdataCred001', 'Crustdata sandbox', sandbox.url, sandbox.apiKey)],
		path.join(__dirname, 'workflows'),
	);
	await runN8nOrThrow(instance, ['publish:workflow', '--id=E2eWebhookQueue1']);
	await runN8nOrThrow(instance, ['publish:workflow', '--id=E2eWebhookBatch1']);
	queue = await startQueueProcesses(instance, 2);
	webhookUrl = `http://127.0.0.1:${httpPort}/webhook/crustdata-enrich`;
	batchWebhookUrl = `http://127.0.0.1:${httpPort}/webhook/crustdata-enrich-batch`;
	await postWhenRegistered(webhookUrl, { urls: [] });
});

// Whatever a test did, the sandbox answered as Crustdata's documented API does.
afterEach(() => assert.deepEqual(contractViolations(sandbox?.requests ?? []), []));

after(async () => {
	await queue?.stop();
	redis?.stop();
	await sandbox?.close();
});

/** Posts `urls` to a published webhook, which the worker must run, never the main process; answers with each item's match. */
async function enrichOnWorker(url, urls) {
	sandbox.reset();
	const executedBefore = workerExecutions(queue.worker);
	const response = await postWhenRegistered(url, { urls });
	assert.equal(response.status, 200);
	const items = await response.json();
	await waitFor('the worker to log this execution', async () => workerExecutions(queue.worker) > executedBefore);
	assert.equal(workerExecutions(queue.main), 0, 'the main process ran no execution itself');
	return items.map((item) => [item.matched_on, item.match_status]);
}

describe(`n8n ${VERSION} in queue mode`, () => {
	it('a webhook call is executed by the worker and answers with the enriched items', async () => {
		const matches = await enrichOnWorker(webhookUrl, ['linkedin.com/in/ada-lovelace', 'https://www.linkedin.com/in/nomatch-ghost/']);
		assert.deepEqual(matches, [
			['https://www.linkedin.com/in/ada-lovelace', 'matched'],
			['https://www.linkedin.com/in/nomatch-ghost', 'not_found'],
		]);
		assert.equal(sandbox.requests.filter((request) => request.path === '/person/enrich').length, 1);
	});

	it('the worker runs a batch job, waits for it and answers with every record mapped back', async () => {
		const matches = await enrichOnWorker(batchWebhookUrl, [
			'linkedin.com/in/ada-lovelace',
			'https://www.linkedin.com/in/nomatch-ghost/',
			'https://uk.linkedin.com/in/ada-lovelace',
		]);
		assert.deepEqual(matches, [
			['https://www.linkedin.com/in/ada-lovelace', 'matched'],
			['https://www.linkedin.com/in/nomatch-ghost', 'not_found'],
			['https://www.linkedin.com/in/ada-lovelace', 'matched'],
		]);
		const submits = sandbox.requests.filter((request) => request.method === 'POST' && request.path === '/batch/person/enrich');
		assert.equal(submits.length, 1);
		assert.deepEqual(submits[0].body.professional_network_profile_urls, ['https://www.linkedin.com/in/ada-lovelace', 'https://www.linkedin.com/in/nomatch-ghost']);
		assert.ok(sandbox.downloads.length > 0);
		for (const download of sandbox.downloads) assert.equal(download.headers.authorization, undefined);
	});
});
