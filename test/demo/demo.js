// `npm run demo`, the main job end to end: a CRM export of 100 LinkedIn profile URLs (some
// duplicated in other spellings, some unmatched, some malformed) enriched by the built package
// in the pinned real n8n. On the bundled sandbox, or on the real API when CRUSTDATA_API_KEY is set.
const fs = require('node:fs');
const path = require('node:path');

const { rowsSource, to, workflow, workflowNode } = require('../harness/workflowNodes');
const { startSandbox } = require('../sandbox/server');
const { PINNED_VERSION, createInstance, ensureN8n, executeWorkflow, importFixtures, sandboxCredential } = require('../e2e/n8nHost');

const SAMPLE = path.join(__dirname, 'sample-profile-urls.csv');
const OUTPUT_DIR = path.resolve(__dirname, '../../demo-output');
const ENRICH_NODE = 'Crustdata Person Enrich';

function readCsv(file) {
	const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
	const columns = header.split(',');
	return lines.map((line) => {
		const cells = [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].map((match) => match[1]);
		const unquote = (cell = '') => (cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell);
		return Object.fromEntries(columns.map((column, i) => [column, unquote(cells[i])]));
	});
}

const csvCell = (value) => {
	const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
	return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

function demoWorkflow(rows) {
	return workflow(
		'DemoEnrichCrm001',
		'Demo: enrich a CRM export of LinkedIn URLs',
		[
			...rowsSource('CRM Export', rows),
			workflowNode(ENRICH_NODE, 'n8n-nodes-crustdata-enrich.crustdataPersonEnrich', 1, 440, { profileUrl: '={{ $json.linkedin_url }}', options: {} }, {
				credentials: { crustdataEnrichApi: { id: 'CrustdataCred001', name: 'Crustdata' } },
				onError: 'continueRegularOutput',
			}),
		],
		{
			Start: { main: [[to('CRM Export')]] },
			'CRM Export': { main: [[to(ENRICH_NODE)]] },
		},
	);
}

function enrichedRows(items, input) {
	return items.map(({ json, pairedItem }) => {
		const profile = json.person_data?.basic_profile ?? {};
		return {
			row_id: input[pairedItem.item].row_id,
			linkedin_url: input[pairedItem.item].linkedin_url,
			matched_on: json.matched_on,
			match_status: json.match_status ?? 'error',
			confidence_score: json.confidence_score ?? null,
			name: profile.name ?? null,
			headline: profile.headline ?? null,
			current_title: profile.current_title ?? null,
			location: profile.location?.raw ?? null,
			error: json.error ?? null,
		};
	});
}

async function main() {
	const apiKey = process.env.CRUSTDATA_API_KEY;
	const n8n = ensureN8n(PINNED_VERSION);
	const sandbox = apiKey ? undefined : await startSandbox({ latencyMs: 150 });
	try {
		const input = readCsv(SAMPLE);
		const instance = await createInstance(n8n, 'demo');
		const workflowsDir = path.join(instance.userFolder, 'workflows');
		fs.mkdirSync(workflowsDir);
		fs.writeFileSync(path.join(workflowsDir, 'demo.json'), JSON.stringify(demoWorkflow(input)));
		const credential = sandbox
			? sandboxCredential('CrustdataCred001', 'Crustdata', sandbox.url, sandbox.apiKey)
			: sandboxCredential('CrustdataCred001', 'Crustdata', 'https://api.crustdata.com', apiKey);
		await importFixtures(instance, [credential], workflowsDir);

		const started = Date.now();
		const { code, run, stdout, stderr } = await executeWorkflow(instance, 'DemoEnrichCrm001');
		const seconds = (Date.now() - started) / 1000;
		if (code !== 0 || !run) throw new Error(`The workflow failed:\n${stdout}\n${stderr}`);

		const task = run.data.resultData.runData[ENRICH_NODE][0];
		const items = task.data.main[0];
		const rows = enrichedRows(items, input);
		fs.mkdirSync(OUTPUT_DIR, { recursive: true });
		const jsonFile = path.join(OUTPUT_DIR, 'enriched.json');
		const csvFile = path.join(OUTPUT_DIR, 'enriched.csv');
		fs.writeFileSync(jsonFile, `${JSON.stringify(items, null, 2)}\n`);
		const columns = Object.keys(rows[0]);
		fs.writeFileSync(csvFile, `${[columns.join(','), ...rows.map((row) => columns.map((column) => csvCell(row[column])).join(','))].join('\n')}\n`);

		const hints = task.hints ?? [];
		const figures = /in ([\d,]+) requests? \(([\d,]+) retr(?:y|ies)\), ([\d.,]+) credits?/.exec(hints[0]?.message ?? '') ?? [];
		const inputsWith = (status) => new Set(rows.filter((row) => row.match_status === status).map((row) => row.row_id)).size;
		const summary = [
			['n8n', `${n8n.version} (n8n execute)`],
			['target', sandbox ? `Crustdata sandbox ${sandbox.url}, 150 ms latency` : 'Crustdata API (CRUSTDATA_API_KEY)'],
			['inputs', input.length],
			['matched', inputsWith('matched')],
			['not found', inputsWith('not_found') + inputsWith('redacted')],
			['errors', inputsWith('error')],
			['requests', figures[1] ?? '?'],
			['retries', figures[2] ?? '?'],
			['credits', figures[3] ?? '?'],
			['wall time', `${seconds.toFixed(1)} s (n8n start-up included)`],
		];
		process.stdout.write(`\n${summary.map(([label, value]) => `${label.padEnd(10)} ${value}`).join('\n')}\n`);
		for (const hint of hints) process.stdout.write(`hint       ${hint.message}\n`);
		process.stdout.write(`\nEnriched rows: ${csvFile}\n               ${jsonFile}\n`);
	} finally {
		await sandbox?.close();
	}
}

main().catch((error) => {
	process.stderr.write(`${error.message}\n`);
	process.exitCode = 1;
});
