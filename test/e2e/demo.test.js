// `npm run demo`, the README's first command, on the pinned n8n: the summary it prints and the
// files it writes.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { describe, it } = require('node:test');

const { E2E_VERSION, PINNED_VERSION } = require('./n8nHost');

const ROOT = path.resolve(__dirname, '../..');

describe('npm run demo', { skip: E2E_VERSION !== PINNED_VERSION && 'the demo runs on the pinned n8n only' }, () => {
	it('enriches the 100 sample URLs and writes the CSV and JSON it names', () => {
		const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'CRUSTDATA_API_KEY'));
		const output = execFileSync(process.execPath, [path.join(ROOT, 'test/demo/demo.js')], { cwd: ROOT, env, encoding: 'utf8' });
		const figure = (label) => new RegExp(`^${label}\\s+(.+)$`, 'm').exec(output)?.[1];
		assert.deepEqual(
			['inputs', 'matched', 'not found', 'errors', 'requests', 'retries', 'credits'].map(figure),
			['100', '86', '6', '8', '4', '0', '74'],
		);
		const csv = /Enriched rows: (\S+)/.exec(output)[1];
		const json = /^\s+(\S+\.json)$/m.exec(output)[1];
		assert.equal(fs.readFileSync(csv, 'utf8').trim().split('\n').length, 1 + 100);
		assert.equal(JSON.parse(fs.readFileSync(json, 'utf8')).length, 100);
	});
});
