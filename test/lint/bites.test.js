// Proof that the layer and function-length checks of `npm run lint` bite: each runs on a copy of
// the source with one throwaway violation, and must fail there while it passes on the real tree.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const NODE = 'nodes/CrustdataPersonEnrich';
const CHECKS = {
	layers: ['depcruise', 'nodes', 'credentials', '--config', '.dependency-cruiser.cjs'],
	length: ['eslint', '--no-config-lookup', '--config', 'eslint.function-length.config.mjs', 'nodes', 'credentials'],
};

/** A copy of what the checks read, with node_modules linked, changed by `breakIt`. */
function brokenCopy(breakIt) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-bites-'));
	for (const entry of ['nodes', 'credentials', 'tsconfig.json', '.dependency-cruiser.cjs', 'eslint.function-length.config.mjs', 'package.json']) {
		fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
	}
	fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
	breakIt(dir);
	return dir;
}

function check(name, cwd) {
	const [bin, ...args] = CHECKS[name];
	const run = spawnSync(path.join(ROOT, 'node_modules/.bin', bin), args, { cwd, encoding: 'utf8' });
	return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const prepend = (dir, file, line) => {
	const target = path.join(dir, NODE, file);
	fs.writeFileSync(target, `${line}\n${fs.readFileSync(target, 'utf8')}`);
};

test('the layer check passes on the tree as it is', () => {
	const { status, output } = check('layers', ROOT);
	assert.equal(status, 0, output);
});

test('the layer check fails on an import cycle made only of type imports', () => {
	const dir = brokenCopy((copy) => {
		prepend(copy, 'planning/fieldPaths.ts', "import type { Clock } from '../transport/pacer';\nexport type Throwaway = Clock;");
		prepend(copy, 'transport/pacer.ts', "import type { Throwaway } from '../planning/fieldPaths';\nexport type Loop = Throwaway;");
	});
	const { status, output } = check('layers', dir);
	assert.notEqual(status, 0);
	assert.match(output, /no-circular/);
	assert.match(output, /planning-below-transport/);
});

test('the layer check fails when the UI is imported from below', () => {
	const dir = brokenCopy((copy) => prepend(copy, 'transport/client.ts', "import type { nodeProperties } from '../description/nodeProperties';"));
	const { status, output } = check('layers', dir);
	assert.notEqual(status, 0);
	assert.match(output, /transport-below-description/);
});

test('the function-length check passes on the tree as it is', () => {
	const { status, output } = check('length', ROOT);
	assert.equal(status, 0, output);
});

test('the function-length check fails on a function of 81 lines', () => {
	const body = Array.from({ length: 79 }, (_, i) => `\tconst line${i} = ${i};`).join('\n');
	const dir = brokenCopy((copy) => {
		fs.appendFileSync(path.join(copy, NODE, 'quantities.ts'), `\nexport function throwaway() {\n${body}\n}\n`);
	});
	const { status, output } = check('length', dir);
	assert.notEqual(status, 0);
	assert.match(output, /throwaway.*too many lines \(81\)/);
});
