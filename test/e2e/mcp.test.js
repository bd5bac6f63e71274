// The node as an AI agent's tool, the way an outside assistant reaches it: n8n serves the tools of
// the MCP example (examples/mcp-people-lookup.json) through its MCP Server Trigger, and a real MCP
// client (@modelcontextprotocol/sdk, from its own folder) lists them and calls them, in regular
// mode and in queue mode, where a worker runs each call.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { after, afterEach, before, describe, it } = require('node:test');

const { TOOL_WAIT_LIMIT_MS } = require('../../dist/nodes/CrustdataPersonEnrich/agentTool');
const { TOOL_DESCRIPTION } = require('../../dist/nodes/CrustdataPersonEnrich/description/toolProperties');
const { contractViolations } = require('../contract/crustdataApi');
const { DEFAULT_OPTIONS, startSandbox } = require('../sandbox/server');
const {
	E2E_VERSION: VERSION,
	createInstance,
	ensureN8n,
	freePort,
	importFixtures,
	log,
	mcpClientRequire,
	queueModeEnv,
	runN8nOrThrow,
	sandboxCredential,
	startN8n,
	startQueueProcesses,
	startRedis,
	waitFor,
	workerExecutions,
} = require('./n8nHost');

const EXAMPLE = path.resolve(__dirname, '../../examples/mcp-people-lookup.json');
const { id: WORKFLOW_ID, nodes } = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
const MCP_PATH = nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.mcpTrigger').parameters.path;
// n8n names a tool after its node, with every character other than a letter, digit, _ or - as _.
const BY_URL = 'Enrich_person_by_LinkedIn_URL';
const BY_EMAIL = 'Enrich_person_by_work_email';

const requireMcp = mcpClientRequire();
const { Client } = requireMcp('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = requireMcp('@modelcontextprotocol/sdk/client/streamableHttp.js');

const url = (slug) => `https://www.linkedin.com/in/${slug}`;

/** An MCP client connected to the trigger, retried while n8n registers the endpoint after start-up. */
async function connect(endpoint) {
	return await waitFor(`the MCP endpoint ${endpoint}`, async () => {
		const client = new Client({ name: 'crustdata-e2e', version: '1.0.0' });
		await client.connect(new StreamableHTTPClientTransport(new URL(endpoint)));
		return client;
	}, 120_000);
}

/** A tool call's answer: the text the agent reads, and that text as JSON. */
async function callTool(client, name, args) {
	const result = await client.callTool({ name, arguments: args });
	const text = result.content.map((part) => part.text ?? '').join('');
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { result, text, json };
}

/** The instance serving the example: its credential pointed at the sandbox, the workflow published. */
async function serveExample(sandbox, instanceName, env) {
	const instance = await createInstance(ensureN8n(VERSION), instanceName, env);
	const workflowsDir = path.join(instance.userFolder, 'mcp-example');
	fs.mkdirSync(workflowsDir, { recursive: true });
	fs.copyFileSync(EXAMPLE, path.join(workflowsDir, path.basename(EXAMPLE)));
	await importFixtures(instance, [sandboxCredential('CrustdataCred001', 'Crustdata sandbox', sandbox.url, sandbox.apiKey)], workflowsDir);
	await runN8nOrThrow(instance, ['publish:workflow', `--id=${WORKFLOW_ID}`]);
	return instance;
}

/** The checks every mode must pass; `context()` gives the sandbox and the connected client. */
function toolChecks(context) {
	// Whatever a call did, the sandbox answered as Crustdata's documented API does.
	afterEach(() => assert.deepEqual(contractViolations(context().sandbox?.requests ?? []), []));

	const configured = (options) => {
		const { sandbox } = context();
		sandbox.configure({ ...DEFAULT_OPTIONS, rateLimit: null, ...options });
		sandbox.reset();
		return sandbox;
	};

	it('lists both tools with the description written for a model and a required identifier', async () => {
		const { tools } = await context().client.listTools();
		const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
		assert.deepEqual(Object.keys(byName).sort(), [BY_URL, BY_EMAIL].sort());
		for (const tool of tools) assert.equal(tool.description, TOOL_DESCRIPTION, tool.name);
		assert.equal(byName[BY_URL].inputSchema.properties.profile_url.type, 'string');
		assert.match(byName[BY_URL].inputSchema.properties.profile_url.description, /LinkedIn profile URL/);
		assert.deepEqual(byName[BY_URL].inputSchema.required, ['profile_url']);
		assert.deepEqual(byName[BY_EMAIL].inputSchema.required, ['email']);
	});

	it('calls it with a messy URL and gets the right person, compact', async () => {
		const sandbox = configured({});
		const { result, text, json } = await callTool(context().client, BY_URL, { profile_url: ' HTTPS://LinkedIn.com/in/Ada-Lovelace/?trk=chat ' });
		assert.notEqual(result.isError, true, text);
		assert.equal(json.length, 1, text);
		assert.equal(json[0].matched_on, url('ada-lovelace'));
		assert.equal(json[0].match_status, 'matched');
		assert.match(json[0].person.name, /Ada/);
		assert.equal(json[0].person_data, undefined, 'no person_data unless the workflow asks for it');
		log(`tool answer for one profile over MCP (${VERSION}): ${text.length} characters, about ${Math.ceil(text.length / 4)} tokens`);
		assert.ok(text.length < 4_000, `${text.length} characters`);
		assert.equal(sandbox.requests.filter((request) => request.path === '/person/enrich').length, 1);
	});

	it('calls the email tool and gets the candidate whose employer is the email domain', async () => {
		configured({});
		const { text, json } = await callTool(context().client, BY_EMAIL, { email: 'Jane.Doe@Acme.io' });
		assert.equal(json.length, 1, text);
		assert.equal(json[0].matched_on, 'jane.doe@acme.io');
		assert.equal(json[0].verification.email_domain_matches_employer, true, text);
	});

	it('calls it with a bad identifier and gets one clean sentence, nothing sent', async () => {
		const sandbox = configured({});
		const { text, json } = await callTool(context().client, BY_URL, { profile_url: 'linkedin.com/company/retool' });
		const sentence = '"linkedin.com/company/retool" is not a LinkedIn profile URL; use a URL of the form https://www.linkedin.com/in/<name>';
		assert.deepEqual(json, [{ matched_on: '', error: sentence }], text);
		assert.doesNotMatch(text, /NodeOperationError|NodeApiError|Details:|\n\s+at /);
		assert.equal(text.split('is not a LinkedIn profile URL').length, 2, 'the message appears once');
		assert.equal(sandbox.requests.filter((request) => request.path.startsWith('/person/')).length, 0);
	});

	it('calls it five times at once against a tight limit and gets all five answered', async () => {
		const sandbox = configured({ rateLimit: { limit: 2, windowMs: 3_000 } });
		const slugs = ['ada-lovelace', 'grace-hopper', 'alan-turing', 'katherine-johnson', 'edsger-dijkstra'];
		const answers = await Promise.all(slugs.map((slug) => callTool(context().client, BY_URL, { profile_url: url(slug) })));
		assert.deepEqual(
			answers.map(({ json, text }) => [json?.[0]?.matched_on ?? text, json?.[0]?.match_status]),
			slugs.map((slug) => [url(slug), 'matched']),
		);
		const enriched = sandbox.requests.filter((request) => request.path === '/person/enrich');
		assert.equal(enriched.filter((request) => request.status === 200).length, 5);
	});

	it(`answers at once with when to retry when the window would hold the call past ${TOOL_WAIT_LIMIT_MS / 1000} s`, async () => {
		configured({ rateLimit: { limit: 1, windowMs: 90_000 } });
		await callTool(context().client, BY_URL, { profile_url: url('ada-lovelace') });
		const started = Date.now();
		const { text, json } = await callTool(context().client, BY_URL, { profile_url: url('grace-hopper') });
		const tookMs = Date.now() - started;
		log(`rate-limited tool call over MCP (${VERSION}) answered in ${tookMs} ms: ${text}`);
		assert.match(json?.[0]?.error ?? text, /^Rate limited by Crustdata, retry in (59|60|61) s$/);
		assert.ok(tookMs < TOOL_WAIT_LIMIT_MS, `${tookMs} ms`);
	});
}

describe(`the MCP example in n8n ${VERSION}`, () => {
	let sandbox;
	let n8n;
	let client;
	before(async () => {
		sandbox = await startSandbox({ rateLimit: null });
		const port = await freePort();
		const instance = await serveExample(sandbox, 'mcp', { N8N_LISTEN_ADDRESS: '127.0.0.1', N8N_PORT: String(port) });
		n8n = startN8n(instance, ['start']);
		client = await connect(`http://127.0.0.1:${port}/mcp/${MCP_PATH}`);
	});
	after(async () => {
		await client?.close();
		await n8n?.stop();
		await sandbox?.close();
	});

	toolChecks(() => ({ sandbox, client }));

	it('loads the package with unverified packages allowed explicitly, so no default can turn it off', () => {
		assert.doesNotMatch(n8n.output.text, /N8N_UNVERIFIED_PACKAGES_ENABLED/);
	});
});

describe(`the MCP example in n8n ${VERSION}, queue mode`, () => {
	let sandbox;
	let redis;
	let queue;
	let client;
	before(async () => {
		sandbox = await startSandbox({ rateLimit: null });
		redis = await startRedis();
		const port = await freePort();
		const instance = await serveExample(sandbox, 'mcp-queue', queueModeEnv(redis.port, port));
		queue = await startQueueProcesses(instance, 5);
		client = await connect(`http://127.0.0.1:${port}/mcp/${MCP_PATH}`);
	});
	after(async () => {
		await client?.close();
		await queue?.stop();
		redis?.stop();
		await sandbox?.close();
	});

	toolChecks(() => ({ sandbox, client }));

	it('runs the tool calls on the worker, not the main process', async () => {
		assert.ok(workerExecutions(queue.worker) > 0, queue.worker.output.text.slice(-2_000));
		assert.equal(workerExecutions(queue.main), 0, 'the main process ran no execution itself');
	});
});
