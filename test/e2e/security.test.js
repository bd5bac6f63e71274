// The security review's promises in a real n8n, with the built package: a redirect never carries
// the key to another origin (nor from an https Base URL to plain http), and Request Timeout
// bounds an answer that drips in, on every n8n version (n8n replaces a request's own abort
// signal, so the deadline must hold through the credential). N8N_E2E_VERSION picks the n8n.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { after, before, describe, it } = require('node:test');

const { startKeyTrap } = require('../faults/keyTrap');
const { selfSignedCert } = require('../faults/selfSignedCert');
const { startSandbox, DEFAULT_OPTIONS } = require('../sandbox/server');
const { E2E_VERSION: VERSION, createInstance, ensureN8n, executeWorkflow, importFixtures, importVariant, sandboxCredential } = require('./n8nHost');

const WORKFLOW = path.join(__dirname, 'workflows', 'wrong-key.json');
const ENRICH_NODE = 'Crustdata Person Enrich';

let sandbox;
let secure;
let trap;
let instance;

/** The two-row fixture, sent with `credentialId` and `options`, continuing on error so every input shows its outcome. */
const variant = (id, credentialId, options = {}) =>
	importVariant(instance, WORKFLOW, id, (node) =>
		node.name === ENRICH_NODE
			? {
					...node,
					onError: 'continueRegularOutput',
					parameters: { ...node.parameters, options: { concurrency: 1, ...options } },
					credentials: { crustdataEnrichApi: { id: credentialId, name: credentialId } },
				}
			: node,
	);

before(async () => {
	const tls = await selfSignedCert();
	const caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crustdata-e2e-ca-')), 'sandbox-ca.pem');
	fs.writeFileSync(caFile, tls.cert);
	[sandbox, secure, trap] = await Promise.all([startSandbox(), startSandbox({ tls }), startKeyTrap()]);
	// n8n trusts the self-signed https sandbox the way a user adds a private CA.
	instance = await createInstance(ensureN8n(VERSION), 'security', { NODE_EXTRA_CA_CERTS: caFile });
	await importFixtures(
		instance,
		[
			sandboxCredential('CrustdataCredHttp', 'CrustdataCredHttp', sandbox.url, sandbox.apiKey),
			sandboxCredential('CrustdataCredTls1', 'CrustdataCredTls1', secure.url, secure.apiKey),
		],
		path.join(__dirname, 'workflows'),
	);
	await variant('E2eRedirectHttp1', 'CrustdataCredHttp');
	await variant('E2eRedirectTls01', 'CrustdataCredTls1');
	await variant('E2eDripTimeout1', 'CrustdataCredHttp', { timeout: 2, maxRetries: 0 });
});

after(async () => await Promise.all([sandbox?.close(), secure?.close(), trap?.close()]));

/** Runs a workflow with `server` set up as `options`; returns the enrich node's items. */
async function run(workflowId, server, options) {
	for (const each of [sandbox, secure]) {
		each.configure({ ...DEFAULT_OPTIONS, rateLimit: null });
		each.reset();
	}
	server.configure(options);
	trap.received.length = 0;
	const started = Date.now();
	const { code, run: result } = await executeWorkflow(instance, workflowId);
	assert.equal(code, 0, 'n8n execute exits 0');
	return { items: result.data.resultData.runData[ENRICH_NODE][0].data.main[0], tookMs: Date.now() - started };
}

describe(`n8n ${VERSION}: security`, () => {
	it('never sends the key on a redirect to another origin', async () => {
		const { items } = await run('E2eRedirectHttp1', sandbox, { hostile: { redirectTo: trap.url } });
		assert.deepEqual(trap.received, [], 'the other origin got no request at all');
		assert.ok(sandbox.requests.some((request) => request.path === '/person/enrich'), 'the run did reach the Base URL');
		assert.deepEqual(
			items.map((item) => item.json.error),
			[`Crustdata's address redirected the request to ${trap.url}`, `Crustdata's address redirected the request to ${trap.url}`],
		);
		assert.doesNotMatch(JSON.stringify(items), /Impostor|sandbox-key/);
	});

	it('never sends the key from an https Base URL to the plain http address it redirects to', async () => {
		const { items } = await run('E2eRedirectTls01', secure, { hostile: { redirectTo: trap.url, redirectStatus: 308 } });
		assert.match(secure.url, /^https:/);
		assert.ok(secure.requests.some((request) => request.path === '/person/enrich'), 'the https sandbox was reached');
		assert.deepEqual(trap.received, []);
		assert.equal(items[0].json.error, `Crustdata's address redirected the request to ${trap.url}`);
	});

	it('cuts off an answer that drips in at Request Timeout, as a timeout', async () => {
		const { items, tookMs } = await run('E2eDripTimeout1', sandbox, { hostile: { dripMs: 50 } });
		assert.deepEqual(
			items.map((item) => item.json.error),
			['The request failed after 1 try: no answer within 2 s (timed out)', 'The request failed after 1 try: no answer within 2 s (timed out)'],
		);
		// Each answer would take minutes to drip in whole; n8n itself takes a few seconds to start.
		assert.ok(tookMs < 60_000, `${tookMs} ms`);
	});
});
