// n8n's verification scanner (@n8n/scan-community-package), the check n8n runs before it
// verifies a community package: its own build of n8n's lint rules, with inline eslint-disable
// comments ignored, over the source tree and over every .js file the published tarball ships.
// Its command line only takes a published name, so this calls its exported analyzePackage on
// both legs. Then it is fed throwaway copies with one forbidden thing each, to prove it bites.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { after, before, describe, it } = require('node:test');

const { installHost, unpackBuiltPackage } = require('../e2e/n8nHost');

const ROOT = path.resolve(__dirname, '../..');
const SCANNER_HOST = 'scanner';
/** What the scanner lints of a published tarball. */
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

let scanner;
let version;
let scratch;

before(async () => {
	// A dependency's preinstall script refuses npm, and nothing of the scanner needs a build step.
	const hostDir = installHost(SCANNER_HOST, process.env, { ignoreScripts: true });
	const packageDir = path.join(hostDir, 'node_modules', '@n8n', 'scan-community-package');
	version = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version;
	scanner = await import(pathToFileURL(path.join(packageDir, 'scanner', 'scanner.mjs')).href);
	scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'crustdata-scan-'));
});

after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Scans `dir`, prints what the scanner said, and returns its verdict. */
async function scan(what, dir, patterns) {
	const result = await scanner.analyzePackage(dir, patterns);
	process.stderr.write(`[scan] scanner ${version}, ${what}: ${result.passed ? 'passed' : `FAILED: ${result.message}`}\n`);
	if (result.details) process.stderr.write(`${result.details}\n`);
	return result;
}

/** A copy of what the source leg reads (package.json, nodes/, credentials/) and the icons they point at. */
function copyOfSource(name) {
	const copy = path.join(scratch, name);
	for (const entry of ['package.json', 'nodes', 'credentials', 'icons']) fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
	return copy;
}

describe(`n8n's verification scanner`, () => {
	it('passes the source tree', async () => {
		const result = await scan('source tree', ROOT, scanner.SOURCE_FILE_PATTERNS);
		assert.equal(result.passed, true, result.details ?? result.message);
		// A pass without a message means files were linted; "No files found to analyze" would pass too.
		assert.equal(result.message, undefined);
	});

	it('passes the packed tarball', async () => {
		const unpacked = unpackBuiltPackage(path.join(scratch, 'tarball'));
		const result = await scan('packed tarball', unpacked, TARBALL_FILE_PATTERNS);
		assert.equal(result.passed, true, result.details ?? result.message);
		assert.equal(result.message, undefined);
	});

	it('bites: a source copy importing fs fails, naming the rule and the file, whatever eslint-disable says', async () => {
		const copy = copyOfSource('forbidden-import');
		const nodeFile = path.join(copy, 'nodes', 'CrustdataPersonEnrich', 'CrustdataPersonEnrich.node.ts');
		const source = fs.readFileSync(nodeFile, 'utf8');
		fs.writeFileSync(nodeFile, `// eslint-disable-next-line\nimport { readFileSync } from 'fs';\nvoid readFileSync;\n${source}`);
		const result = await scan('a source copy that imports fs (expected to fail)', copy, scanner.SOURCE_FILE_PATTERNS);
		assert.equal(result.passed, false);
		assert.match(result.details, /CrustdataPersonEnrich\.node\.ts\n\s+2:1\s+error\s+Import of 'fs' is not allowed.*@n8n\/community-nodes\/no-restricted-imports/);
		assert.match(result.details, /1 problem \(1 error/, 'the import is the only finding');
	});

	it('bites: a tarball copy shipping a file that spawns processes fails, naming the file', async () => {
		const copy = unpackBuiltPackage(path.join(scratch, 'tarball-with-extra-file'));
		fs.writeFileSync(path.join(copy, 'dist', 'nodes', 'debug.js'), "const { execSync } = require('child_process');\nexecSync('id');\n");
		const result = await scan('a tarball copy that ships child_process (expected to fail)', copy, TARBALL_FILE_PATTERNS);
		assert.equal(result.passed, false);
		assert.match(result.details, /debug\.js\n\s+1:\d+\s+error\s+Require of 'child_process' is not allowed.*@n8n\/community-nodes\/no-restricted-imports/);
	});
});
