// Build step after `n8n-node build` (tsc + static images): places each node's codex file
// (`*.node.json`, which tsc does not emit) next to the compiled node, then checks that every
// file package.json announces and every icon the descriptions reference exists in dist/.
const { src, dest, series } = require('gulp');
const fs = require('node:fs');
const path = require('node:path');

function copyCodex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

function iconPathsIn(compiledFile) {
	const text = fs.readFileSync(compiledFile, 'utf8');
	return [...text.matchAll(/['"]file:([^'"]+)['"]/g)].map((match) =>
		path.join(path.dirname(compiledFile), match[1]),
	);
}

async function verifyDist() {
	const { n8n } = require('./package.json');
	const announced = [...n8n.nodes, ...n8n.credentials];
	const expected = announced.flatMap((file) => [
		file,
		...(file.endsWith('.node.js') ? [file.replace(/\.js$/, '.json')] : []),
		...iconPathsIn(file),
	]);
	const missing = expected.filter((file) => !fs.existsSync(file));
	if (missing.length > 0) throw new Error(`dist/ is missing: ${missing.join(', ')}`);
}

exports.default = series(copyCodex, verifyDist);
