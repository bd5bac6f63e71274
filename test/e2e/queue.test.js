// Queue mode, n8n's way to scale past one machine: Redis, a main process that receives the
// webhook and a worker that executes it. A published webhook workflow with the node is called
// over HTTP; the worker must run it and the caller must get the enriched items back.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const { after, before, describe, it } = require('node:test');

const { startSandbox } = require('../sandbox/server');
const {
	E2E_VERSION: VERSION,
	createInstance,
	debianProgram,
	ensureN8n,
	freePort,
	importFixtures,
	postWhenRegistered,
	runN8nOrThrow,
	sandboxCredential,
	startN8n,
	waitFor,
} = require('./n8nHost');

/** Whether something listens on the loopback port. */
function accepts(port) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1', () => {
			socket.end();
			resolve(true);
		});
		socket.on('error', () => resolve(false));
	});
}

/** Executions the worker has logged so far. */
const workerExecutions = () => (worker.output.text.match(/Worker (?:started|finished) execution/gi) ?? []).length;

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
	await waitFor('Redis to accept connections', () => accepts(redisPort), 30_000);
	const httpPort = await freePort();
	const queueEnv = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redisPort),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(httpPort),
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	};
	const instance = await createInstance(ensureN8n(VERSION), 'queue', queueEnv);
	await importFixtures(
		instance,
		[sandboxCredential('CrustdataCred001', 'Crustdata sandbox', sandbox.url, sandbox.apiKey)],
		path.join(__dirname, 'workflows'),
	);
	await runN8nOrThrow(instance, ['publish:workflow', '--id=E2eWebhookQueue1']);
	main = startN8n(instance, ['start']);
	worker = startN8n(instance, ['worker', '--concurrency=2'], {
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		QUEUE_HEALTH_CHECK_ACTIVE: 'false',
	});
	webhookUrl = `http://127.0.0.1:${httpPort}/webhook/crustdata-enrich`;
	await postWhenRegistered(webhookUrl, { urls: [] });
});

after(async () => {
	await Promise.all([main?.stop(), worker?.stop()]);
	redis?.kill('SIGTERM');
	await sandbox?.close();
});

describe(`n8n ${VERSION} in queue mode`, () => {
	it('a webhook call is executed by the worker and answers with the enriched items', async () => {
		sandbox.reset();
		const executedBefore = workerExecutions();
		const response = await postWhenRegistered(webhookUrl, {
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
		await waitFor('the worker to log this execution', async () => workerExecutions() > executedBefore);
		assert.doesNotMatch(main.output.text, /Worker (?:started|finished) execution/i);
	});
});
