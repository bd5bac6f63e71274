// CPU and memory of the node's own work, without the network: planning (normalise, dedupe,
// batch) and mapping (join, select, output items, pairing) over answers served from memory,
// each with a full person_data (every section). `npm run bench` runs it; alone:
// `npm run build && node --expose-gc test/bench/planning-mapping.js`.
const { MATCH_TYPE, planRequests, normaliseProfileUrl } = require('../../dist/nodes/CrustdataPersonEnrich/planning/requestPlanning');
const { indexAnswers, joinResults, toOutputItems } = require('../../dist/nodes/CrustdataPersonEnrich/results/resultMapping');
const { buildPerson } = require('../sandbox/dataset');

const { readSettings } = require('../../dist/nodes/CrustdataPersonEnrich/settings');

/** The node's own defaults, read as execute() reads them. */
const SETTINGS = readSettings({
	getNode: () => ({ name: 'bench' }),
	getNodeParameter: (name, _item, fallback) =>
		({ operation: 'enrich', identifierType: 'profileUrl', fields: ['basic_profile', 'social_handles'] })[name] ?? fallback,
});
const NODE = { id: 'bench', name: 'Crustdata Person Enrich', type: 'crustdataPersonEnrich', typeVersion: 1, position: [0, 0], parameters: {} };

/** Inputs as a sheet gives them: 10 % repeat an earlier person in another spelling. */
function inputsOf(count) {
	const unique = Math.round(count / 1.1);
	return Array.from({ length: count }, (_, i) =>
		i < unique ? `https://www.linkedin.com/in/person-${i}` : `linkedin.com/in/person-${(i * 7) % unique}/?trk=x`,
	);
}

/** The API's answers for every batch, built before the clock starts. */
function answersFor(batches) {
	return batches.map((batch) =>
		batch.map((matched_on) => ({ matched_on, match_type: MATCH_TYPE.profileUrl, matches: [{ confidence_score: 1, person_data: buildPerson(matched_on) }] })),
	);
}

function runOnce(inputs, answerBatches) {
	const plan = planRequests(inputs, SETTINGS.identifierType, SETTINGS.batchSize);
	const answers = indexAnswers(answerBatches.flat(), normaliseProfileUrl);
	const outcomes = joinResults(plan.inputs, answers, new Map(), SETTINGS, MATCH_TYPE.profileUrl);
	return toOutputItems(outcomes, NODE);
}

function measure(count) {
	const inputs = inputsOf(count);
	const answerBatches = answersFor(planRequests(inputs, SETTINGS.identifierType, SETTINGS.batchSize).batches);
	for (let i = 0; i < 3; i++) runOnce(inputs, answerBatches); // warm-up
	const rounds = Math.max(5, Math.round(50_000 / count));
	const times = [];
	let peakHeap = 0;
	for (let round = 0; round < rounds; round++) {
		global.gc?.();
		const baseline = process.memoryUsage().heapUsed;
		const started = process.hrtime.bigint();
		const items = runOnce(inputs, answerBatches);
		times.push(Number(process.hrtime.bigint() - started) / 1e6);
		peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - baseline);
		if (items.length !== count) throw new Error(`expected ${count} items, got ${items.length}`);
	}
	times.sort((a, b) => a - b);
	const median = times[Math.floor(times.length / 2)];
	return { count, rounds, medianMs: median, msPer1000: (median / count) * 1000, peakHeapMb: peakHeap / 2 ** 20 };
}

const results = [1_000, 10_000].map(measure);
const [small, large] = results;
const rows = results.map(
	(r) => `| ${r.count.toLocaleString('en-US')} | ${r.medianMs.toFixed(2)} | ${r.msPer1000.toFixed(2)} | ${r.peakHeapMb.toFixed(1)} | ${r.rounds} |`,
);
const table = [
	'| inputs | median ms (plan + map) | ms per 1,000 items | heap held after a run (MiB) | rounds |',
	'|---|---|---|---|---|',
	...rows,
].join('\n');
const growth = large.medianMs / small.medianMs;
process.stdout.write(`${table}\n\n`);
process.stdout.write(`time 1,000 -> 10,000: x${growth.toFixed(1)} (linear is x10); heap x${(large.peakHeapMb / small.peakHeapMb).toFixed(1)}\n`);
process.stdout.write(`target: under 25 ms per 1,000 items: ${Math.max(small.msPer1000, large.msPer1000) < 25 ? 'met' : 'MISSED'}\n`);
