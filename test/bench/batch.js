// The batch case of `npm run bench`: Enrich in Batch Jobs against Enrich on 1,000, 10,000 and
// 50,000 unique profile URLs. The sandbox runs here; the node runs in n8n's engine in a child
// process of its own (test/bench/batch-node.js), so that what that process measures of time and
// memory is the node's and n8n's, never the sandbox's. Both read the same clock.
//
// The sandbox writes a finished job's results (makes every record, gzips the file) in one go
// before anyone can read the job as completed, which blocks it for seconds at 10,000 records. A
// timer here sees that block, and the job counts as completed when it ends: the sandbox's work is
// the job time, never the node's.
const { execFile } = require('node:child_process');
const path = require('node:path');
const { promisify } = require('node:util');

const { startSandbox } = require('../sandbox/server');
const { batchTimeChart, batchMemoryChart } = require('./chart');

const SIZES = [1_000, 10_000, 50_000];
const JOB_SIZE = 10_000;
/**
 * A job is pending 2.3 s, then processes for 3.1 s + 3 ms a profile: 8.4 s at 1,000, 35.4 s at
 * 10,000. Odd times on purpose: a job that finishes just after a status read shows the poll wait.
 */
const SCHEDULE = { pendingMs: 2_300, processingMs: 3_100, perIdentifierMs: 3, partRecords: 1_000, maxActive: 5 };
const jobMs = (identifiers) => SCHEDULE.pendingMs + SCHEDULE.processingMs + SCHEDULE.perIdentifierMs * identifiers;
const REAL_LIMIT = 15;
/** Enrich's own overhead is measured with the limit out of the way; the real limit's waits are computed. */
const RAISED_LIMIT = 100_000;
const BASIC = ['basic_profile'];
/** Every profile section (contact data comes from jobs of its own on newer accounts); certifications and honors need the sandbox's gate off. */
const EVERY = ['basic_profile', 'certifications', 'dev_platform_profiles', 'education', 'experience', 'honors', 'professional_network', 'skills', 'social_handles'];
const FIELD_SETS = [
	{ key: 'basic', label: 'Basic Profile only', fields: BASIC },
	{ key: 'every', label: 'every section', fields: EVERY },
];
const GOALS = { afterFixedMs: 2_000, afterShare: 0.1, recordsPerSecond: 20_000 };
const PARSE_RECORDS = 10_000;

const MiB = 2 ** 20;
const mib = (bytes) => (bytes / MiB).toFixed(1);
const seconds = (ms) => (ms / 1000).toFixed(1);
const thousands = (n) => n.toLocaleString('en-US');

/** Blocks of this process's event loop over 50 ms, from a 5 ms timer: the sandbox writing results. */
function watchBlocks() {
	const blocks = [];
	let last = Date.now();
	const timer = setInterval(() => {
		const at = Date.now();
		if (at - last > 50) blocks.push({ from: last, to: at });
		last = at;
	}, 5);
	return { blocks, stop: () => clearInterval(timer) };
}

/** Runs batch-node.js with `spec`, the sandbox answering meanwhile; its last line of output is the result. */
async function child(spec) {
	const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--max-old-space-size=8192', path.join(__dirname, 'batch-node.js'), JSON.stringify(spec)], {
		encoding: 'utf8',
		maxBuffer: 64 * MiB,
	});
	const lines = stdout.trim().split('\n');
	return JSON.parse(lines[lines.length - 1]);
}

/** What a sandbox log holds of one run, by route. */
function requestCounts(sandbox) {
	const count = (test) => sandbox.requests.filter(test).length;
	return {
		submits: count((r) => r.method === 'POST' && r.path === '/batch/person/enrich'),
		statusReads: count((r) => r.method === 'GET' && /^\/batch\/[^/]+$/.test(r.path)),
		listReads: count((r) => r.method === 'GET' && r.path === '/batch'),
		enrich: count((r) => r.method === 'POST' && r.path === '/person/enrich'),
		accountChecks: count((r) => r.path === '/account/endpoints'),
		downloads: sandbox.downloads.length,
	};
}

/** Length of the parts of [from, to] that `intervals` cover. */
function covered(intervals, from, to) {
	const clipped = intervals
		.map((i) => [Math.max(from, i.started), Math.min(to, i.ended)])
		.filter(([a, b]) => b > a)
		.sort((x, y) => x[0] - y[0]);
	let total = 0;
	let end = -Infinity;
	for (const [a, b] of clipped) {
		if (b <= end) continue;
		total += b - Math.max(a, end);
		end = b;
	}
	return total;
}

/**
 * A batch run's wall time, split: before the first submit (planning, the account check); the job
 * time, the sandbox's, from the first submit to the last job readable as completed (its schedule,
 * then writing its results); and the node's own time after that, until the node returns.
 */
function splitBatch(run, blocks) {
	const { trace } = run;
	const completedReads = new Map();
	for (const read of trace.statusReads) if (read.status === 'completed' && !completedReads.has(read.batchId)) completedReads.set(read.batchId, read);
	const jobs = [...completedReads.values()].map((read) => {
		const block = blocks.find((b) => read.completedAt >= b.from && read.completedAt <= b.to);
		return { completedAt: read.completedAt, readableAt: block ? block.to : read.completedAt, seenAt: read.ended };
	});
	const firstSubmit = trace.submits[0].started;
	const scheduleEnd = Math.max(...jobs.map((job) => job.completedAt));
	const readable = Math.max(...jobs.map((job) => job.readableAt));
	const seen = Math.max(...jobs.map((job) => job.seenAt));
	const parseIntervals = trace.parses;
	// Disjoint, so that they add up: one job's download can run while another's parts are read, and counts as reading then.
	const parse = covered(parseIntervals, seen, trace.jobsEnd);
	const after = {
		pollWait: seen - readable,
		download: covered([...trace.downloads, ...parseIntervals], seen, trace.jobsEnd) - parse,
		parse,
		joinAndOutput: run.nodeEnded - trace.jobsEnd,
	};
	after.total = run.nodeEnded - readable;
	after.other = after.total - after.pollWait - after.download - after.parse - after.joinAndOutput;
	const parsed = trace.parses.reduce((sum, p) => sum + p.records, 0);
	// Jobs that finish together read their parts side by side: the time some part was being read, counted once.
	const parseMs = covered(trace.parses, -Infinity, Infinity);
	return {
		wallMs: run.nodeEnded - run.nodeStarted,
		beforeSubmitMs: firstSubmit - run.nodeStarted,
		jobMs: readable - firstSubmit,
		scheduleMs: scheduleEnd - firstSubmit,
		sandboxWriteMs: readable - scheduleEnd,
		after,
		totals: {
			submitMs: trace.submits.reduce((sum, s) => sum + s.ended - s.started, 0),
			downloadMs: trace.downloads.reduce((sum, d) => sum + d.ended - d.started, 0),
			downloadBytes: trace.downloads.reduce((sum, d) => sum + d.bytes, 0),
			parseMs: parseMs - trace.addMs,
			joinMs: trace.addMs + trace.allMs + trace.joinMs + trace.indexMs,
		},
		parsed,
		// Decompress and parse only: matching each record to its identifier runs inside the reading and is taken out.
		recordsPerSecond: parsed / ((parseMs - trace.addMs) / 1000),
	};
}

async function measureBatch(sandbox, watch, unique, fieldSet) {
	sandbox.configure({ gatedSections: [], endpointRateLimits: {} });
	sandbox.reset();
	watch.blocks.length = 0;
	const run = await child({ mode: 'run', operation: 'enrichBatch', unique, fields: fieldSet.fields, url: sandbox.url, apiKey: sandbox.apiKey, options: { maxWaitMinutes: 30 } });
	return { operation: 'enrichBatch', unique, fieldSet: fieldSet.key, status: run.status, items: run.items, matched: run.matched, requests: requestCounts(sandbox), credits: sandbox.creditsUsed, nodePeakBytes: run.nodePeakBytes, heldBytes: run.heldBytes, ...splitBatch(run, watch.blocks) };
}

async function measureEnrich(sandbox, unique) {
	sandbox.configure({ gatedSections: [], endpointRateLimits: { '/person/enrich': RAISED_LIMIT } });
	sandbox.reset();
	const run = await child({ mode: 'run', operation: 'enrich', unique, fields: BASIC, url: sandbox.url, apiKey: sandbox.apiKey });
	const requests = requestCounts(sandbox);
	return {
		operation: 'enrich',
		unique,
		fieldSet: 'basic',
		status: run.status,
		items: run.items,
		matched: run.matched,
		requests,
		credits: sandbox.creditsUsed,
		wallMs: run.nodeEnded - run.nodeStarted,
		nodePeakBytes: run.nodePeakBytes,
		heldBytes: run.heldBytes,
		// At 15 a minute: every full minute the limit makes it wait, computed, plus what the run took, measured.
		atRealLimitMs: (Math.ceil(requests.enrich / REAL_LIMIT) - 1) * 60_000 + (run.nodeEnded - run.nodeStarted),
	};
}

/** Runs the whole case; `log` hears each result as it comes. */
async function runBatchCase(log) {
	const sandbox = await startSandbox({ latencyMs: 0, rateLimit: { limit: REAL_LIMIT, windowMs: 60_000 }, batch: SCHEDULE });
	const watch = watchBlocks();
	const results = { batch: [], enrich: [], parse: [] };
	try {
		for (const fieldSet of FIELD_SETS) {
			for (const unique of SIZES) {
				const result = await measureBatch(sandbox, watch, unique, fieldSet);
				log(`(batch) enrichBatch ${unique} ${fieldSet.key}: ${JSON.stringify(result)}`);
				results.batch.push(result);
			}
		}
		for (const unique of SIZES) {
			const result = await measureEnrich(sandbox, unique);
			log(`(batch) enrich ${unique}: ${JSON.stringify(result)}`);
			results.enrich.push(result);
		}
	} finally {
		watch.stop();
		await sandbox.close();
	}
	for (const fieldSet of FIELD_SETS) {
		const result = { fieldSet: fieldSet.key, ...(await child({ mode: 'parse', records: PARSE_RECORDS, sections: [...new Set(['basic_profile', 'social_handles', ...fieldSet.fields])], rounds: 7 })) };
		log(`(batch) parse ${fieldSet.key}: ${JSON.stringify(result)}`);
		results.parse.push(result);
	}
	return results;
}

const labelOf = (key) => FIELD_SETS.find((set) => set.key === key).label;

function goals(results) {
	const { batch, parse } = results;
	const submitsOk = batch.every((r) => r.requests.submits === Math.ceil(r.unique / JOB_SIZE));
	const at10k = batch.filter((r) => r.unique === 10_000);
	const afterLines = at10k.map((r) => {
		const allowed = GOALS.afterFixedMs + GOALS.afterShare * r.jobMs;
		return `${labelOf(r.fieldSet)}: ${seconds(r.after.total)} s after a job time of ${seconds(r.jobMs)} s, against at most ${seconds(allowed)} s: ${r.after.total <= allowed ? 'met' : 'not met'}`;
	});
	const parseAlone = parse
		.map((p) => `${thousands(Math.round(p.recordsPerSecond))} (${labelOf(p.fieldSet)}; this machine's floor, zlib and JSON.parse of the whole text: ${thousands(Math.round(p.floorRecordsPerSecond))})`)
		.join(', ');
	const inRuns = batch.filter((r) => r.parsed >= 10_000).map((r) => r.recordsPerSecond);
	const aloneOk = parse.every((p) => p.recordsPerSecond >= GOALS.recordsPerSecond);
	const inRunsOk = inRuns.every((rate) => rate >= GOALS.recordsPerSecond);
	const twice = parse.map(
		(p) =>
			`${labelOf(p.fieldSet)}: reading a part of ${thousands(p.records)} records held at most ${mib(p.liveBeyondRecords)} MiB beyond the records parsed so far (live, after a full GC at every 500th record), where holding its text beside them would take ${mib(p.textBytes)} MiB more (the peak sampled as it ran, uncollected garbage included: ${mib(p.sampledPeakBytes)} MiB, against ${mib(p.textBytes + p.parsedBytes)} MiB for the text and the records together): ${p.liveBeyondRecords < p.textBytes ? 'met' : 'not met'}`,
	);
	return [
		`\`ceil(unique / 10,000)\` submits: ${batch.map((r) => r.requests.submits).join(', ')} for ${batch.map((r) => thousands(r.unique)).join(', ')} (both field sets): ${submitsOk ? 'met' : 'not met'}`,
		`the node's own time after the last job completes, at 10,000, at most 2 s + 10 % of the job time: ${afterLines.join('; ')}`,
		`at least 20,000 records a second parsed: a part read alone, records kept, ${parseAlone} a second: ${aloneOk ? 'met' : 'not met'}; inside the runs at 10,000 and 50,000, from ${thousands(Math.round(Math.min(...inRuns)))} to ${thousands(Math.round(Math.max(...inRuns)))} a second: ${inRunsOk ? 'met' : 'not met'}`,
		`the results never held twice (raw text and parsed objects): ${twice.join('; ')}`,
	];
}

/** What 50,000 rows cost at 15 a minute, both ways, from the runs; the same statement goes in the README. */
function costStatement(results) {
	const enrich = results.enrich.find((r) => r.unique === 50_000);
	const batch = results.batch.find((r) => r.unique === 50_000 && r.fieldSet === 'basic');
	const minutes = Math.round(enrich.atRealLimitMs / 60_000);
	const own = batch.wallMs - batch.jobMs;
	return (
		`On an account at the default 15 requests a minute, 50,000 profile URLs take Enrich ${thousands(enrich.requests.enrich)} requests and about ${minutes} minutes (${Math.ceil(enrich.requests.enrich / REAL_LIMIT) - 1} minutes of waiting for the rate limit, computed, and ${seconds(enrich.wallMs)} s of the node's own work, measured on the sandbox). ` +
		`Enrich in Batch Jobs sends the same 50,000 as ${batch.requests.submits} batch jobs, all running at once, and takes Crustdata's processing time for a 10,000-profile job plus about ${Math.ceil(own / 1000)} seconds of the node's own work (measured on the sandbox: ${seconds(batch.wallMs)} s in all, of which ${seconds(batch.jobMs)} s were the sandbox's jobs). ` +
		`Crustdata publishes no processing time for batch jobs, so the real total depends on how busy it is; the rate limit does not enter it.`
	);
}

function batchSection(results) {
	const row = (r) => {
		const a = r.after;
		return `| ${thousands(r.unique)} | ${labelOf(r.fieldSet)} | ${r.requests.submits} | ${r.requests.statusReads} | ${r.requests.downloads} | ${r.matched} / ${r.items} | ${seconds(r.wallMs)} | ${seconds(r.beforeSubmitMs)} | ${seconds(r.jobMs)} (${seconds(r.sandboxWriteMs)}) | ${seconds(a.total)} | ${seconds(a.pollWait)} | ${seconds(a.download)} | ${seconds(a.parse)} | ${seconds(a.joinAndOutput)} | ${thousands(Math.round(r.recordsPerSecond))} |`;
	};
	const totalsRow = (r) =>
		`| ${thousands(r.unique)} | ${labelOf(r.fieldSet)} | ${r.totals.submitMs.toFixed(0)} | ${r.totals.downloadMs.toFixed(0)} (${mib(r.totals.downloadBytes)} MiB) | ${r.totals.parseMs.toFixed(0)} | ${r.totals.joinMs.toFixed(0)} | ${r.after.joinAndOutput.toFixed(0)} |`;
	const enrichRow = (r) =>
		`| ${thousands(r.unique)} | ${r.requests.enrich} | ${r.matched} / ${r.items} | ${seconds(r.wallMs)} | ${(r.atRealLimitMs / 60_000).toFixed(1)} min | ${results.batch.find((b) => b.unique === r.unique && b.fieldSet === 'basic').requests.submits} | ${seconds(results.batch.find((b) => b.unique === r.unique && b.fieldSet === 'basic').wallMs)} s |`;
	const memoryRow = (r) => `| ${thousands(r.unique)} | ${r.operation === 'enrich' ? 'Enrich' : 'Enrich in Batch Jobs'} | ${labelOf(r.fieldSet)} | ${mib(r.heldBytes)} | ${mib(r.nodePeakBytes)} | ${mib(r.nodePeakBytes - r.heldBytes)} | ${(r.nodePeakBytes / r.heldBytes).toFixed(2)} × |`;
	const parseRow = (p) =>
		`| ${labelOf(p.fieldSet)} | ${thousands(p.records)} | ${mib(p.gzipBytes)} | ${mib(p.textBytes)} | ${mib(p.parsedBytes)} | ${thousands(Math.round(p.recordsPerSecond))} | ${thousands(Math.round(p.floorRecordsPerSecond))} | ${mib(p.sampledPeakBytes)} | ${mib(p.liveBeyondRecords)} |`;
	return `## Batch jobs against Enrich: 1,000 to 50,000 profiles

Enrich in Batch Jobs (\`enrichBatch\`) and Enrich (\`enrich\`) on ${SIZES.map(thousands).join(', ')} unique profile URLs, the built node run by
n8n's engine (n8n-core's \`WorkflowExecute\`, as \`test/harness/n8n.js\` runs it) in a process of its own, against the bundled
sandbox in the bench's process, which answers at once (no latency). A sandbox job is pending ${SCHEDULE.pendingMs / 1000} s, then processes for
${SCHEDULE.processingMs / 1000} s + ${SCHEDULE.perIdentifierMs} ms a profile (${seconds(jobMs(1_000))} s for 1,000, ${seconds(jobMs(JOB_SIZE))} s for 10,000; Crustdata publishes no figure), up to ${SCHEDULE.maxActive} jobs at a time, results in
gzip parts of ${thousands(SCHEDULE.partRecords)} records. The node's time comes from wrappers the bench puts around the node's module exports
(the node's code is unchanged): submits, status reads, downloads, decompress + parse of each part, the join. The job schedule
is the sandbox's: only the job time depends on it, and the node's poll wait on the job's age (at most a tenth of it apart).

- **wall time**: the node's \`execute()\`, from its start to its output. It is **before submit** (planning, the account check) +
  **job time** + **after the last job**.
- **job time** (the sandbox's): from the first submit to the last job readable as completed; in brackets the part of it the
  sandbox spent writing results (making and gzipping every record, which blocks it before the job reads as completed).
- **after the last job** (the node's own): **poll wait** until a status read sees it, then **download** (while no part is
  being read), **decompress + parse** (while some part is) and **join + output** (records to inputs, output items); the
  rest of it (the event loop between them) is in the total only.
- **records a second**: records decompressed and parsed a second, over every part of the run (matching each record to its
  identifier, which runs as it is parsed, taken out).

| unique | fields | submits | status reads | downloads | matched | wall time (s) | before submit (s) | job time (s) (sandbox writing) | after the last job (s) | poll wait (s) | download (s) | decompress + parse (s) | join + output (s) | records a second |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
${results.batch.map(row).join('\n')}

![Enrich in Batch Jobs: wall time split into the sandbox's job time and the node's own time](docs/bench-batch-time.svg)

The node's own work over the whole run, every job (ms):

| unique | fields | submits | downloads | decompress + parse | join (records to identifiers and to inputs) | output (after the jobs) |
|---|---|---|---|---|---|---|
${results.batch.map(totalsRow).join('\n')}

### Against Enrich

Enrich on the same URLs, Basic Profile only, with the account's limit raised to ${thousands(RAISED_LIMIT)} requests a minute so that
only the node's own work and the sandbox's answers remain (measured); **at 15 a minute** adds the full minutes Crustdata's
default limit makes it wait, ceil(requests / 15) − 1 (computed, not measured: ${thousands(results.enrich[results.enrich.length - 1].requests.enrich)} requests take more than two hours).
Enrich in Batch Jobs sends ceil(unique / 10,000) submits whatever the limit, plus free status reads and downloads.

| unique | Enrich requests | matched | Enrich, measured at a raised limit (s) | Enrich at 15 a minute (computed) | batch submits | Enrich in Batch Jobs, measured |
|---|---|---|---|---|---|---|
${results.enrich.map(enrichRow).join('\n')}

${costStatement(results)}

### Memory

In the node's process, heap + external (\`process.memoryUsage()\`). **n8n holds**: what n8n's run data (the input items and the
output items) holds after the run, after a full GC: what any node that output the same items would leave. **node's peak**: the
highest sampled (every 10 ms and every 500th record parsed) while the node ran, garbage included, from the same starting point.

| unique | operation | fields | n8n holds (MiB) | node's peak (MiB) | peak above what n8n holds (MiB) | peak / held |
|---|---|---|---|---|---|---|
${[...results.batch, ...results.enrich].map(memoryRow).join('\n')}

![Memory: the node's peak beside what n8n holds for the same items](docs/bench-batch-memory.svg)

**One part read alone** (\`readJsonLines\` from \`dist/\`, ${thousands(PARSE_RECORDS)} records in one gzip part, every record kept as the node keeps
them, the median of 7 reads): the text is
never whole in memory, as the gzip bytes are inflated and parsed a chunk at a time. **held beyond the records** is the most the
reading held, live, beyond the records parsed so far (after a full GC at every 500th record): the gzip bytes and the
stream's buffers. **floor**: the same part inflated whole by zlib and every line given to JSON.parse, nothing streamed
(which the node may not do: it would hold the text and the records at once), what this machine's CPU allows at best.

| fields | records | gzip (MiB) | text (MiB) | parsed records (MiB) | records a second | floor: zlib + JSON.parse, whole text (records a second) | peak sampled (MiB) | held beyond the records (MiB) |
|---|---|---|---|---|---|---|---|---|
${results.parse.map(parseRow).join('\n')}

### Goals

${goals(results)
	.map((line) => `- ${line}`)
	.join('\n')}

\`BENCH_ONLY=batch npm run bench\` runs this case alone and rewrites this section and its two charts; \`npm run bench\` runs it with the others.
`;
}

/** The two charts of the batch section. */
async function renderBatchCharts(results, renderSvg, docs) {
	const segments = (r) => [
		{ stage: 'before submit (node)', seconds: r.beforeSubmitMs / 1000 },
		{ stage: 'job time: schedule (sandbox)', seconds: r.scheduleMs / 1000 },
		{ stage: 'job time: writing results (sandbox)', seconds: r.sandboxWriteMs / 1000 },
		{ stage: 'after the last job (node)', seconds: r.after.total / 1000 },
	];
	await renderSvg(
		batchTimeChart({
			title: 'Enrich in Batch Jobs: wall time, the sandbox\'s job time and the node\'s own',
			runs: results.batch.map((r) => ({ run: `${thousands(r.unique)}, ${labelOf(r.fieldSet)}`, segments: segments(r) })),
		}),
		path.join(docs, 'bench-batch-time.svg'),
	);
	await renderSvg(
		batchMemoryChart({
			title: "Memory: the node's peak beside what n8n holds for the same items",
			runs: [...results.batch, ...results.enrich].map((r) => ({
				run: `${r.operation === 'enrich' ? 'Enrich' : 'Batch Jobs'}, ${thousands(r.unique)}, ${labelOf(r.fieldSet)}`,
				held: r.heldBytes / MiB,
				peak: r.nodePeakBytes / MiB,
			})),
		}),
		path.join(docs, 'bench-batch-memory.svg'),
	);
}

module.exports = { runBatchCase, batchSection, renderBatchCharts, costStatement };
