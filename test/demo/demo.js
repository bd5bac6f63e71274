// The main job, end to end: a CRM export of 100 LinkedIn profile URLs (some duplicated in other
// spellings, some unmatched, some malformed) enriched by the built node in n8n's own execution
// engine. On the bundled sandbox by default; on the real API when CRUSTDATA_API_KEY is set.
const fs = require('node:fs');
const path = require('node:path');

const { startSandbox } = require('../sandbox/server');
const { runEnrichWorkflow, stopN8nServices } = require('../harness/n8n');
const { CrustdataPersonEnrich } = require('../../dist/nodes/CrustdataPersonEnrich/CrustdataPersonEnrich.node');
const { CrustdataEnrichApi } = require('../../dist/credentials/CrustdataEnrichApi.credentials');

const SAMPLE = path.join(__dirname, 'sample-profile-urls.csv');
const OUTPUT_DIR = path.resolve(__dirname, '../../demo-output');

function readCsv(file) {
	const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
	const columns = header.split(',');
	return lines.map((line) => {
		const values = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((cell) => cell.replace(/,$/, ''));
		return Object.fromEntries(columns.map((column, i) => [column, JSON.parse(values[i].startsWith('"') ? values[i] : JSON.stringify(values[i]))]));
	});
}

const csvCell = (value) => {
	const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
	return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

function enrichedRows(items, input) {
	return items.map(({ json, pairedItem }) => {
		const person = json.person_data ?? {};
		const profile = person.basic_profile ?? {};
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
	const sandbox = apiKey ? undefined : await startSandbox({ latencyMs: 150 });
	const credentials = sandbox
		? { apiKey: sandbox.apiKey, apiVersion: '2025-11-01', baseUrl: sandbox.url }
		: { apiKey, apiVersion: '2025-11-01', baseUrl: 'https://api.crustdata.com' };
	const input = readCsv(SAMPLE);
	const started = Date.now();
	try {
		const run = await runEnrichWorkflow({
			nodeType: new CrustdataPersonEnrich(),
			credentialType: new CrustdataEnrichApi(),
			credentials,
			parameters: { operation: 'enrich', identifierType: 'profileUrl', profileUrl: '={{ $json.linkedin_url }}' },
			items: input,
			onError: 'continueRegularOutput',
		});
		const seconds = (Date.now() - started) / 1000;
		if (run.status !== 'success') throw new Error(`The workflow failed: ${run.error?.message}`);
		const rows = enrichedRows(run.outputs[0], input);
		fs.mkdirSync(OUTPUT_DIR, { recursive: true });
		const jsonFile = path.join(OUTPUT_DIR, 'enriched.json');
		const csvFile = path.join(OUTPUT_DIR, 'enriched.csv');
		fs.writeFileSync(jsonFile, JSON.stringify(run.outputs[0], null, 2));
		const columns = Object.keys(rows[0]);
		fs.writeFileSync(csvFile, [columns.join(','), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(','))].join('\n') + '\n');

		const [, requests, retries, credits] = /in ([\d,]+) requests? \(([\d,]+) retried\), ([\d.,]+) credits?/.exec(run.hints[0].message);
		const byStatus = (status) => new Set(rows.filter((row) => row.match_status === status).map((row) => row.row_id)).size;
		const summary = [
			['target', sandbox ? `Crustdata sandbox ${sandbox.url} (150 ms latency)` : 'Crustdata API (CRUSTDATA_API_KEY)'],
			['inputs', input.length],
			['matched', byStatus('matched')],
			['not found', byStatus('not_found') + byStatus('redacted')],
			['errors', byStatus('error')],
			['requests', requests],
			['retries', retries],
			['credits', credits],
			['wall time', `${seconds.toFixed(2)} s`],
		];
		for (const [label, value] of summary) console.log(`${label.padEnd(10)} ${value}`);
		for (const hint of run.hints) console.log(`hint       ${hint.message}`);
		console.log(`\nEnriched rows: ${csvFile}\n               ${jsonFile}`);
	} finally {
		await sandbox?.close();
		stopN8nServices();
	}
}

main().catch((error) => {
	console.error(error.message);
	process.exitCode = 1;
});
