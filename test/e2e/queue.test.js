// Queue mode, n8n's way to scale past one machine: Redis, a main process that receives the
// webhook and a worker that executes it. A published webhook workflow with the node is called
// over HTTP; the worker must run it and the caller must get the enriched items back.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { after, before, describe, it } = require('node:test');

const { startSandbox } = require('../sandbox/server');
const { callWebhook, createInstance, debianProgram, ensureN8n, freePort, importFixtures, runN8n, sandboxCredential, startN8n } = require('./n8nHost');

const VERSION = process.env.N8N_E2E_VERSION ?? '2.8.4';

async function waitFor(description, check, timeoutMs = 90_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const result = await check().catch(() => undefined);
		if (result) return result;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${description}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

let sandbox;
let redis;
let main;
let worker;
let webhookUrl;

before(async () => {
	sandbox = await startSandbox({ rateLimit: null });
	const redisPort = await freePort();
	redis = spawn(debianProgram('redis-server', 'redis-server'), ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
		stdio: 'ignore',
	});
	const httpPort = await freePort();
	const queueEnv = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redisPort),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(httpPort),
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	};
	const instance = createInstance(ensureN8n(VERSION), 'queue', queueEnv);
	await importFixtures(
		instance,
		[sandboxCredential('CrustdataCred001', 'Crustdata sandbox', sandbox.url, sandbox.apiKey)],
		path.join(__dirname, 'workflows'),
	);
	const published = await runN8n(instance, ['publish:workflow', '--id=E2eWebhookQueue1']);
	if (published.code !== 0) {
		// n8n before 2.x publish: activate the workflow the older way.
		const activated = await runN8n(instance, ['update:workflow', '--id=E2eWebhookQueue1', '--active=true']);
		assert.equal(activated.code, 0, activated.stdout + activated.stderr);
	}
	main = startN8n(instance, ['start']);
	worker = startN8n(instance, ['worker', '--concurrency=2'], {
		N8N_RUNNERS_BROKER_PORT: String(Number(instance.env.N8N_RUNNERS_BROKER_PORT) + 1),
		QUEUE_HEALTH_CHECK_ACTIVE: 'false',
	});
	webhookUrl = `http://127.0.0.1:${httpPort}/webhook/crustdata-enrich`;
	await callWebhook(webhookUrl, { urls: [] });
});

after(async () => {
	await Promise.all([main?.stop(), worker?.stop()]);
	redis?.kill('SIGTERM');
	await sandbox?.close();
});

describe(`n8n ${VERSION} in queue mode`, () => {
	it('a webhook call is executed by the worker and answers with the enriched items', async () => {
		sandbox.reset();
		const response = await callWebhook(webhookUrl, {
			urls: ['linkedin.com/in/ada-lovelace', 'https://www.linkedin.com/in/nomatch-ghost/'],
		});
		assert.equal(response.status, 200);
		const items = await response.json();
		assert.deepEqual(
			items.map((item) => [item.matched_on, item.match_status]),
			[
				['https://www.linkedin.com/in/ada-lovelace', 'matched'],
				['https://www.linkedin.com/in/nomatch-ghost', 'not_found'],
			],
		);
		assert.equal(sandbox.requests.filter((request) => request.path === '/person/enrich').length, 1);
		await waitFor('the worker to log the execution', async () => /Worker (started|finished) execution/i.test(worker.output.text));
		assert.doesNotMatch(main.output.text, /Worker started execution/i);
	});
});
