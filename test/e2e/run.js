// `npm run test:e2e`: the end-to-end suite in every pinned n8n, one version after another,
// installing each on first use. Prints each version's pass/fail counts and a closing total.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { VERSIONS, WORK_DIR, ensureN8n, log } = require('./n8nHost');

const SUITES = ['e2e.test.js', 'examples.test.js', 'queue.test.js', 'mcp.test.js', 'security.test.js', 'browser.test.js', 'demo.test.js'].map((file) => path.join(__dirname, file));
const versions = process.env.N8N_E2E_VERSIONS ? process.env.N8N_E2E_VERSIONS.split(',') : Object.keys(VERSIONS);

const totals = { passed: 0, failed: 0 };
const lines = [];
for (const version of versions) {
	const started = Date.now();
	ensureN8n(version);
	const tapFile = path.join(WORK_DIR, `e2e-${version}.tap`);
	const result = spawnSync(
		process.execPath,
		['--test', '--test-concurrency=1', '--test-timeout=600000', '--test-reporter=spec', '--test-reporter-destination=stdout',
			'--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...SUITES],
		{ stdio: 'inherit', env: { ...process.env, N8N_E2E_VERSION: version } },
	);
	const tap = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
	const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
	const passed = count('pass');
	const failed = count('fail') + (result.status !== 0 && count('fail') === 0 ? 1 : 0);
	totals.passed += passed;
	totals.failed += failed;
	lines.push(`n8n ${version}: ${passed} passed, ${failed} failed (${Math.round((Date.now() - started) / 1000)} s)`);
	log(lines[lines.length - 1]);
}
process.stdout.write(`\n${lines.join('\n')}\ne2e: ${totals.passed} passed, ${totals.failed} failed\n`);
process.exitCode = totals.failed > 0 ? 1 : 0;
