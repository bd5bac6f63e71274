// `npm run n8n`: the pinned n8n on http://127.0.0.1:5678 with this package, a running sandbox,
// a sandbox credential, the example workflows and a sample run, so anyone can try the node
// without an API key.
const fs = require('node:fs');
const path = require('node:path');

const { startSandbox } = require('../sandbox/server');
const { PINNED_VERSION, createInstance, ensureN8n, importFixtures, prepareExamples, sandboxCredential, startN8n } = require('./n8nHost');

const PORT = process.env.N8N_PORT ?? '5678';

async function main() {
	const sandbox = await startSandbox({ latencyMs: 150 });
	const instance = await createInstance(ensureN8n(PINNED_VERSION), 'editor', { N8N_LISTEN_ADDRESS: '127.0.0.1', N8N_PORT: PORT }, { keep: true });
	// The examples, plus a workflow with its input rows built in, to run at once.
	const { filesDir, workflowsDir } = prepareExamples(instance);
	fs.copyFileSync(path.join(__dirname, 'workflows', 'profile-urls.json'), path.join(workflowsDir, 'profile-urls.json'));
	fs.copyFileSync(path.join(__dirname, '..', 'demo', 'sample-profile-urls.csv'), path.join(filesDir, 'leads.csv'));
	await importFixtures(instance, [sandboxCredential('CrustdataCred001', 'Crustdata sandbox', sandbox.url, sandbox.apiKey)], workflowsDir);
	const n8n = startN8n(instance, ['start']);
	n8n.child.stdout.pipe(process.stdout);
	n8n.child.stderr.pipe(process.stderr);
	process.stdout.write(
		`\nCrustdata sandbox: ${sandbox.url} (key ${sandbox.apiKey}), credential "Crustdata sandbox"\n` +
			`n8n ${instance.n8n.version}: http://127.0.0.1:${PORT} (first visit: create the owner account). Ctrl-C stops both.\n\n`,
	);
	const shutdown = async () => {
		await n8n.stop();
		await sandbox.close();
		process.exit(0);
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
	n8n.child.on('close', (code) => {
		void sandbox.close().then(() => process.exit(code ?? 1));
	});
}

main().catch((error) => {
	process.stderr.write(`${error.message}\n`);
	process.exitCode = 1;
});
