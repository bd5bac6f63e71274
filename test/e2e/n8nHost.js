// A real, pinned n8n for the end-to-end tests, the demo and `npm run n8n`: installed from the
// committed manifests in test/e2e/hosts/ into the git-ignored .e2e/ (reused while the lockfile is
// unchanged), with this package installed the way the Community Nodes screen installs it.
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const net = require('node:net');
const os = require('node:os');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const HOSTS_DIR = path.join(__dirname, 'hosts');
const WORK_DIR = path.join(ROOT, '.e2e');
const PACKAGE_NAME = require(path.join(ROOT, 'package.json')).name;
/**
 * n8n user folders live outside the repository, so the installed package finds n8n-workflow where
 * it does for users (n8n's own copy, through the NODE_PATH n8n sets), never the repository's dev
 * copy; one folder per checkout, so two checkouts can run their suites at once.
 */
const INSTANCES_DIR = path.join(os.tmpdir(), `${PACKAGE_NAME}-e2e-${crypto.createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}`);
const EXAMPLES_DIR = path.join(ROOT, 'examples');
// Where the CSV example reads and writes: n8n's files folder in its Docker image.
const EXAMPLE_FILES_DIR = '/home/node/.n8n-files';

/** The n8n the demo, the editor and the benchmark use; the e2e suite runs every version. */
const PINNED_VERSION = '2.8.4';
/** The version an e2e suite file runs against (run.js sets it per version). */
const E2E_VERSION = process.env.N8N_E2E_VERSION ?? PINNED_VERSION;

/** Each n8n version and the Node.js it runs on (n8n 2.36 and later need Node 24). */
const VERSIONS = {
	'2.8.4': { host: 'n8n-2.8.4' },
	'2.41.1': { host: 'n8n-2.41.1', nodeHost: 'node-24' },
};

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function log(message) {
	process.stderr.write(`[e2e] ${message}\n`);
}

/**
 * Under `npm test`, npm hands its settings to child processes as npm_config_* variables,
 * among them this package's `ignore-scripts`. n8n's sqlite3 and the Node 24 package need their
 * install scripts, so a host install must not inherit them.
 */
function withoutOuterNpmConfig(env) {
	return Object.fromEntries(Object.entries(env).filter(([name]) => !/^npm_config_/i.test(name)));
}

const NPM_CI_ATTEMPTS = 3;

/**
 * A registry hiccup (a reset connection, a truncated tarball) fails `npm ci` part-way through
 * n8n's 1,900 packages; the lockfile pins every byte, so trying again is safe and is what a person
 * would do.
 */
function npmCiWithRetries(cwd, env, extraArgs) {
	for (let attempt = 1; ; attempt++) {
		try {
			execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error', ...extraArgs], { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
			return;
		} catch (error) {
			if (attempt === NPM_CI_ATTEMPTS) throw new Error(`npm ci in ${cwd} failed ${attempt} times; npm's log above says why`, { cause: error });
			log(`npm ci in ${cwd} failed (attempt ${attempt} of ${NPM_CI_ATTEMPTS}); trying again in 10 s`);
			fs.rmSync(path.join(cwd, 'node_modules'), { recursive: true, force: true });
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
		}
	}
}

/**
 * npm ci of one committed host manifest into .e2e/<name>, skipped when already done for this
 * lockfile. `ignoreScripts` for a host whose dependencies' install scripts must not run.
 */
function installHost(name, env = process.env, { ignoreScripts = false } = {}) {
	const source = path.join(HOSTS_DIR, name);
	const target = path.join(WORK_DIR, name);
	const stamp = path.join(target, '.installed');
	const lock = sha256(path.join(source, 'package-lock.json'));
	if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === lock) return target;
	log(`installing ${name} (first run only; n8n takes a few minutes)`);
	fs.mkdirSync(target, { recursive: true });
	for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(source, file), path.join(target, file));
	const started = Date.now();
	npmCiWithRetries(target, withoutOuterNpmConfig(env), ignoreScripts ? ['--ignore-scripts'] : []);
	fs.writeFileSync(stamp, lock);
	log(`installed ${name} in ${Math.round((Date.now() - started) / 1000)} s`);
	return target;
}

/** The Node.js binary a version runs on, and an environment with it first on PATH. */
function runtimeFor(version) {
	const { nodeHost } = VERSIONS[version];
	if (!nodeHost) return { nodeBinary: process.execPath, env: process.env };
	const binDir = path.join(installHost(nodeHost), 'node_modules', 'node', 'bin');
	return { nodeBinary: path.join(binDir, 'node'), env: { ...process.env, PATH: `${binDir}:${process.env.PATH}` } };
}

/** Installs the n8n of `version` (and its Node.js) if needed; returns how to start it. */
function ensureN8n(version) {
	if (!VERSIONS[version]) throw new Error(`No pinned n8n ${version}; known: ${Object.keys(VERSIONS).join(', ')}`);
	const runtime = runtimeFor(version);
	const hostDir = installHost(VERSIONS[version].host, runtime.env);
	return { version, ...runtime, n8nScript: path.join(hostDir, 'node_modules', 'n8n', 'bin', 'n8n') };
}

/**
 * A `require` for the MCP client package (`@modelcontextprotocol/sdk`), installed from its own
 * host manifest, away from n8n's dependencies.
 */
function mcpClientRequire() {
	return createRequire(path.join(installHost('mcp-client'), 'package.json'));
}

/** The built package, packed as npm would publish it, unpacked into `target` (emptied first). */
function unpackBuiltPackage(target) {
	if (!fs.existsSync(path.join(ROOT, 'dist', 'nodes'))) throw new Error('Build the package first: npm run build');
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	fs.mkdirSync(WORK_DIR, { recursive: true });
	const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', WORK_DIR], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop();
	execFileSync('tar', ['xzf', path.join(WORK_DIR, tarball), '-C', target, '--strip-components=1']);
	return target;
}

/** The built package, packed as npm would publish it, unpacked where n8n keeps community nodes. */
function installPackageInto(userFolder) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = unpackBuiltPackage(path.join(nodesDir, 'node_modules', PACKAGE_NAME));
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: `file:${target}` } }),
	);
}

/**
 * An n8n user folder with this package freshly installed, and the environment n8n needs for it.
 * The folder starts empty unless `keep` is set (the editor keeps its owner account and runs).
 */
async function createInstance(n8n, name, extraEnv = {}, { keep = false } = {}) {
	const userFolder = path.join(INSTANCES_DIR, `${n8n.version}-${name}`);
	if (!keep) fs.rmSync(userFolder, { recursive: true, force: true });
	fs.mkdirSync(userFolder, { recursive: true });
	installPackageInto(userFolder);
	const env = {
		...n8n.env,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'e2e-encryption-key-not-secret',
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		// This package is not verified by n8n (yet); n8n 2.41 warns that the default turns false.
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		...extraEnv,
	};
	return { n8n, userFolder, env };
}

let nextOutputFile = 0;

/**
 * Runs an n8n CLI command to completion; resolves with its exit code and output. Its stdout goes
 * to a file, not a pipe: n8n exits as soon as it has written the run, and a pipe would lose
 * whatever had not drained yet (megabytes of run data are cut off).
 */
function runN8n(instance, args, { timeoutMs = 180_000 } = {}) {
	return new Promise((resolve, reject) => {
		const outputFile = path.join(instance.userFolder, `n8n-stdout-${nextOutputFile++}.txt`);
		const stdoutFd = fs.openSync(outputFile, 'w');
		const child = spawn(instance.n8n.nodeBinary, [instance.n8n.n8nScript, ...args], {
			env: instance.env,
			cwd: instance.userFolder,
			stdio: ['ignore', stdoutFd, 'pipe'],
			detached: true,
		});
		fs.closeSync(stdoutFd);
		let stderr = '';
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('error', reject);
		const timer = setTimeout(() => {
			killGroup(child, 'SIGKILL');
			reject(new Error(`n8n ${args.join(' ')} did not finish in ${timeoutMs / 1000} s\n${fs.readFileSync(outputFile, 'utf8')}\n${stderr}`));
		}, timeoutMs);
		child.on('close', (code) => {
			clearTimeout(timer);
			killGroup(child, 'SIGKILL');
			const stdout = fs.readFileSync(outputFile, 'utf8');
			fs.rmSync(outputFile, { force: true });
			resolve({ code, stdout, stderr });
		});
	});
}

async function runN8nOrThrow(instance, args) {
	const result = await runN8n(instance, args);
	if (result.code !== 0) throw new Error(`n8n ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
	return result;
}

/** Signals n8n and the task runner it starts, which it leaves behind when killed alone. */
function killGroup(child, signal) {
	try {
		process.kill(-child.pid, signal);
	} catch {
		// The group is already gone.
	}
}

/** Starts a long-running n8n process (start, worker); the caller stops it. */
function startN8n(instance, args, extraEnv = {}) {
	const child = spawn(instance.n8n.nodeBinary, [instance.n8n.n8nScript, ...args], {
		env: { ...instance.env, ...extraEnv },
		cwd: instance.userFolder,
		detached: true,
	});
	const output = { text: '' };
	child.stdout.on('data', (chunk) => (output.text += chunk));
	child.stderr.on('data', (chunk) => (output.text += chunk));
	const stopOnExit = () => killGroup(child, 'SIGKILL');
	process.once('exit', stopOnExit);
	const stop = () =>
		new Promise((resolve) => {
			process.off('exit', stopOnExit);
			// Killed by a signal, it has `signalCode` set and `exitCode` null; either way it is gone.
			if (child.exitCode !== null || child.signalCode !== null) {
				killGroup(child, 'SIGKILL');
				return resolve();
			}
			child.once('close', () => {
				killGroup(child, 'SIGKILL');
				resolve();
			});
			killGroup(child, 'SIGTERM');
			setTimeout(() => killGroup(child, 'SIGKILL'), 10_000).unref();
		});
	return { child, output, stop };
}

/** The run `n8n execute --rawOutput` prints after its log lines: from the first `{` line to the last `}` line. */
function parseRun(stdout) {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	const end = lines.lastIndexOf('}');
	if (start === -1 || end < start) return undefined;
	return JSON.parse(lines.slice(start, end + 1).join('\n'));
}

/** Imports the credentials (a JSON array) and every workflow file of a folder. */
async function importFixtures(instance, credentials, workflowsDir) {
	const credentialsFile = path.join(instance.userFolder, 'credentials.json');
	fs.writeFileSync(credentialsFile, JSON.stringify(credentials));
	await runN8nOrThrow(instance, ['import:credentials', `--input=${credentialsFile}`]);
	await runN8nOrThrow(instance, ['import:workflow', '--separate', `--input=${workflowsDir}`]);
}

/**
 * Imports a copy of the workflow in `file` under the id `id`, with `change` applied to each of
 * its nodes: one setting of a fixture or an example tried otherwise, without a second file.
 */
async function importVariant(instance, file, id, change) {
	const workflow = JSON.parse(fs.readFileSync(file, 'utf8'));
	const variant = { ...workflow, id, name: `${workflow.name} (${id})`, nodes: workflow.nodes.map(change) };
	const variantFile = path.join(instance.userFolder, `${id}.json`);
	fs.writeFileSync(variantFile, JSON.stringify(variant));
	await runN8nOrThrow(instance, ['import:workflow', `--input=${variantFile}`]);
}

/** Runs one imported workflow with `n8n execute`; returns the exit code, the parsed run and the raw output. */
async function executeWorkflow(instance, workflowId) {
	const result = await runN8n(instance, ['execute', `--id=${workflowId}`, '--rawOutput']);
	return { ...result, run: parseRun(result.stdout) };
}

/** A port nothing listens on yet, on loopback. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Polls `check` every 500 ms until it returns something truthy, which it then returns. */
async function waitFor(description, check, timeoutMs = 90_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const result = await check().catch(() => undefined);
		if (result) return result;
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${description}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

// What n8n answers to every route with a 200 while it migrates its database, before any route runs.
const STARTING_UP = 'n8n is starting up. Please wait';

/**
 * POSTs `body` to an n8n route or webhook until n8n has registered it and returns that first
 * real answer. Until then n8n handles nothing: it answers the starting-up text while it migrates
 * its database, then 404 until its routes and webhooks are registered.
 */
async function postWhenRegistered(url, body) {
	return await waitFor(`${url} to be registered`, async () => {
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		if (response.status === 404) return undefined;
		return (await response.clone().text()) === STARTING_UP ? undefined : response;
	});
}

/**
 * The workflows of examples/, ready to import into `instance`: the CSV example's files folder
 * (n8n's Docker default) becomes this instance's, which n8n is allowed to read and write.
 */
function prepareExamples(instance) {
	const filesDir = path.join(instance.userFolder, 'n8n-files');
	const workflowsDir = path.join(instance.userFolder, 'examples');
	fs.mkdirSync(filesDir, { recursive: true });
	fs.mkdirSync(workflowsDir, { recursive: true });
	instance.env.N8N_RESTRICT_FILE_ACCESS_TO = filesDir;
	for (const file of fs.readdirSync(EXAMPLES_DIR)) {
		const text = fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8').replaceAll(EXAMPLE_FILES_DIR, filesDir);
		fs.writeFileSync(path.join(workflowsDir, file), text);
	}
	return { filesDir, workflowsDir };
}

/** The path of a program from a Debian package, installing the package on first use (CI starts without it). */
function debianProgram(program, debianPackage) {
	const find = () => execFileSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).trim();
	try {
		return find();
	} catch {
		log(`installing ${debianPackage} from Debian packages`);
		const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
		execFileSync('sh', ['-c', `${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${debianPackage}`], {
			stdio: ['ignore', 'ignore', 'inherit'],
		});
		return find();
	}
}

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

/** A throwaway Redis on loopback for queue mode (from Debian, installed on first use); resolves once it accepts connections. */
async function startRedis() {
	const port = await freePort();
	const redis = spawn(debianProgram('redis-server', 'redis-server'), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
		stdio: 'ignore',
	});
	await waitFor('Redis to accept connections', () => accepts(port), 30_000);
	return { port, stop: () => redis.kill('SIGTERM') };
}

/** What a main process and its workers share in queue mode: the Redis, and the main's HTTP port. */
function queueModeEnv(redisPort, httpPort) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redisPort),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(httpPort),
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	};
}

/** `n8n start` and one `n8n worker` (with its own ports) of a queue-mode instance; `stop` ends both. */
async function startQueueProcesses(instance, workerConcurrency) {
	const main = startN8n(instance, ['start']);
	const worker = startN8n(instance, ['worker', `--concurrency=${workerConcurrency}`], {
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		QUEUE_HEALTH_CHECK_ACTIVE: 'false',
	});
	return { main, worker, stop: async () => void (await Promise.all([main.stop(), worker.stop()])) };
}

/** Executions an n8n process has logged running as a worker so far (none for a main process). */
const workerExecutions = (worker) => (worker.output.text.match(/Worker (?:started|finished) execution/gi) ?? []).length;

/** A sandbox credential as n8n imports it. */
function sandboxCredential(id, name, baseUrl, apiKey) {
	return { id, name, type: 'crustdataEnrichApi', data: { apiKey, apiVersion: '2025-11-01', baseUrl } };
}

module.exports = {
	VERSIONS,
	PINNED_VERSION,
	E2E_VERSION,
	WORK_DIR,
	ensureN8n,
	installHost,
	unpackBuiltPackage,
	mcpClientRequire,
	createInstance,
	runN8n,
	runN8nOrThrow,
	startN8n,
	importFixtures,
	importVariant,
	executeWorkflow,
	sandboxCredential,
	freePort,
	postWhenRegistered,
	waitFor,
	prepareExamples,
	debianProgram,
	startRedis,
	queueModeEnv,
	startQueueProcesses,
	workerExecutions,
	log,
};
