// One run of the built node (dist/) in n8n's engine (n8n-core's WorkflowExecute, test/harness/n8n.js),
// alone in this process so that its time and memory are its own: the sandbox runs in the process
// that started this one (test/bench/batch.js). Prints one line of JSON.
//
// `run`: Enrich or Enrich in Batch Jobs on `unique` bench URLs. Timestamps come from wrappers put
// around the node's module exports before the node is loaded (the node's code is not touched):
// submits, status reads, downloads, decompress + parse of each part, the join of records to
// identifiers and to inputs. Memory is sampled (heap + external) every 10 ms and every 500
// records parsed; after the run, with n8n's run data still held, a full GC gives what n8n holds.
//
// `parse`: decompress + parse alone (the node's readJsonLines) over one gzip part of 10,000
// records, for records a second and for the memory held while a part is read; and the same
// part through zlib and JSON.parse with nothing streamed, the floor of this machine.
//
// Run with --expose-gc, as test/bench/batch.js does.
const path = require('node:path');
const zlib = require('node:zlib');

const DIST = path.resolve(__dirname, '../../dist');
const node = (file) => require(path.join(DIST, 'nodes/CrustdataPersonEnrich', file));

const now = () => performance.timeOrigin + performance.now();
const memory = () => {
	const { heapUsed, external } = process.memoryUsage();
	return heapUsed + external;
};

/** A full GC, then again once the finalizers of what it freed (stream and zlib buffers, outside the heap) have run. */
async function settle() {
	global.gc();
	await new Promise((resolve) => setImmediate(resolve));
	global.gc();
}

/** The highest memory seen since `reset`, sampled by a timer and by whoever calls `sample`. */
const peak = {
	value: 0,
	sample() {
		const current = memory();
		if (current > this.value) this.value = current;
	},
	reset() {
		this.value = memory();
	},
};

/** Replaces `exports[name]` with `wrap(original)`; the node's modules call each other through their exports. */
function around(exports, name, wrap) {
	const original = exports[name];
	if (typeof original !== 'function') throw new Error(`The node no longer exports ${name}: the bench's timing needs updating`);
	exports[name] = wrap(original);
}

/** The stages of one run, filled in by the wrappers. */
function instrument() {
	const trace = { submits: [], statusReads: [], downloads: [], parses: [], addMs: 0, allMs: 0, joinMs: 0, indexMs: 0, jobsEnd: null, jobsStart: null };
	around(node('batch/jobSubmit.js'), 'batchEndpointsOn', (original) => (...args) => {
		const endpoints = original(...args);
		return {
			...endpoints,
			submit: async (body) => {
				const started = now();
				const answer = await endpoints.submit(body);
				trace.submits.push({ started, ended: now(), status: answer.statusCode });
				return answer;
			},
			status: async (batchId) => {
				const started = now();
				const answer = await endpoints.status(batchId);
				const body = answer.body ?? {};
				trace.statusReads.push({ batchId, started, ended: now(), status: body.status, completedAt: body.completed_at ? Date.parse(body.completed_at) : null });
				return answer;
			},
		};
	});
	around(node('transport/download.js'), 'downloadResultFile', (original) => async (...args) => {
		const started = now();
		const download = await original(...args);
		trace.downloads.push({ started, ended: now(), bytes: download.bytes?.length ?? 0 });
		peak.sample();
		return download;
	});
	around(node('batch/resultFile.js'), 'readJsonLines', (original) => async (bytes, onValue) => {
		let records = 0;
		const started = now();
		const reading = await original(bytes, (value) => {
			onValue(value);
			if (++records % 500 === 0) peak.sample();
		});
		trace.parses.push({ started, ended: now(), records });
		peak.sample();
		return reading;
	});
	const records = node('batch/jobRecords.js').JobRecords.prototype;
	for (const [method, total] of [
		['add', 'addMs'],
		['all', 'allMs'],
	]) {
		const original = records[method];
		if (typeof original !== 'function') throw new Error(`JobRecords has no ${method} any more: the bench's timing needs updating`);
		records[method] = function (...args) {
			const started = performance.now();
			try {
				return original.apply(this, args);
			} finally {
				trace[total] += performance.now() - started;
			}
		};
	}
	around(node('batch/batchJobs.js'), 'runBatchJobs', (original) => async (...args) => {
		trace.jobsStart = now();
		try {
			return await original(...args);
		} finally {
			trace.jobsEnd = now();
		}
	});
	const mapping = node('results/resultMapping.js');
	for (const [name, total] of [
		['joinResults', 'joinMs'],
		['indexAnswers', 'indexMs'],
	]) {
		around(mapping, name, (original) => (...args) => {
			const started = performance.now();
			try {
				return original(...args);
			} finally {
				trace[total] += performance.now() - started;
			}
		});
	}
	return trace;
}

const urls = (unique) => Array.from({ length: unique }, (_, i) => `https://www.linkedin.com/in/bench-person-${i}`);

async function run(spec) {
	const trace = instrument();
	// Loaded after the wrappers, though the node reads its imports through the exports either way.
	const { CrustdataPersonEnrich } = node('CrustdataPersonEnrich.node.js');
	const { CrustdataEnrichApi } = require(path.join(DIST, 'credentials/CrustdataEnrichApi.credentials.js'));
	const { runEnrichWorkflow, stopN8nServices } = require('../harness/n8n');
	const nodeType = new CrustdataPersonEnrich();
	const execute = nodeType.execute;
	const span = {};
	nodeType.execute = async function (...args) {
		span.started = now();
		peak.reset();
		try {
			return await execute.apply(this, args);
		} finally {
			span.ended = now();
			peak.sample();
		}
	};
	const items = urls(spec.unique).map((url, row) => ({ row, url }));
	await settle();
	const beforeRun = memory();
	const sampler = setInterval(() => peak.sample(), 10);
	const result = await runEnrichWorkflow({
		nodeType,
		credentialType: new CrustdataEnrichApi(),
		credentials: { apiKey: spec.apiKey, apiVersion: '2025-11-01', baseUrl: spec.url },
		parameters: { operation: spec.operation, identifierType: 'profileUrl', profileUrl: '={{ $json.url }}', fields: spec.fields, options: spec.options ?? {} },
		items,
		onError: 'continueRegularOutput',
	});
	clearInterval(sampler);
	await settle();
	// n8n's run data (the input items and the node's output items), still held by `result`, read below.
	const heldBytes = memory() - beforeRun;
	const output = result.outputs[0] ?? [];
	process.stdout.write(
		`${JSON.stringify({
			status: result.status,
			items: output.length,
			matched: output.filter((item) => item.json.match_status === 'matched').length,
			hints: result.hints.map((hint) => hint.message),
			nodeStarted: span.started,
			nodeEnded: span.ended,
			// Both from before the workflow ran: the input items are n8n's too.
			nodePeakBytes: peak.value - beforeRun,
			heldBytes,
			trace,
		})}\n`,
	);
	stopN8nServices();
}

/** Records as the sandbox writes them: `data` with the sections asked for, Basic Profile and Social Handles always. */
function recordLines(count, sections) {
	const dataset = require('../sandbox/dataset');
	return urls(count).map((url) => {
		const person = dataset.lookupByProfileUrl(url).candidates[0].person;
		const data = Object.fromEntries(['crustdata_person_id', 'updated_at', ...sections].map((key) => [key, person[key]]));
		return `${JSON.stringify({ original_identifier: url, internal_id: person.crustdata_person_id, data })}\n`;
	});
}

/** One gzip part of `records` records, made in its own frame so that its text is garbage once gzipped. */
function gzipPart(spec) {
	const text = recordLines(spec.records, spec.sections).join('');
	return { gzip: new Uint8Array(zlib.gzipSync(text)), textBytes: Buffer.byteLength(text) };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function parse(spec) {
	const { readJsonLines } = node('batch/resultFile.js');
	const { gzip, textBytes } = gzipPart(spec);
	const rounds = [];
	for (let round = 0; round < spec.rounds; round++) {
		const started = performance.now();
		const records = [];
		await readJsonLines(gzip, (value) => records.push(value));
		rounds.push(performance.now() - started);
		if (records.length !== spec.records) throw new Error(`parsed ${records.length} of ${spec.records} records`);
	}
	const medianMs = median(rounds);

	// The part read again with every record kept, as the node keeps them. Sampled as it goes
	// (uncollected garbage included), and live: after a full GC at every 500th record, what the
	// reading holds beyond the records so far is what it would hold twice.
	await settle();
	const baseline = memory();
	const kept = [];
	let liveBeyondRecords = 0;
	peak.reset();
	const sampler = setInterval(() => peak.sample(), 5);
	const onRecord = (value) => {
		kept.push(value);
		if (kept.length % 100 === 0) peak.sample();
	};
	await readJsonLines(gzip, onRecord);
	clearInterval(sampler);
	peak.sample();
	await settle();
	const parsedBytes = memory() - baseline;
	const sampledPeakBytes = peak.value - baseline;
	kept.length = 0;
	await settle();
	const liveBaseline = memory();
	await readJsonLines(gzip, (value) => {
		kept.push(value);
		if (kept.length % 500 === 0) {
			global.gc();
			// The records so far, at the size per record the full part takes.
			liveBeyondRecords = Math.max(liveBeyondRecords, memory() - liveBaseline - (parsedBytes * kept.length) / spec.records);
		}
	});
	// Measured last, so its whole text is in none of the memory figures above. The floor on this
	// machine: zlib's synchronous inflate of the whole part, then JSON.parse of every line, with
	// nothing streamed (which the node may not do: it holds the text whole).
	const floorRounds = [];
	for (let round = 0; round < spec.rounds; round++) {
		const started = performance.now();
		const text = zlib.gunzipSync(gzip).toString('utf8');
		let parsed = 0;
		for (const line of text.split('\n')) if (line) parsed += JSON.parse(line) ? 1 : 0;
		floorRounds.push(performance.now() - started);
		if (parsed !== spec.records) throw new Error(`the floor parsed ${parsed} of ${spec.records} records`);
	}
	const floorMs = median(floorRounds);
	process.stdout.write(
		`${JSON.stringify({
			records: spec.records,
			sections: spec.sections,
			gzipBytes: gzip.length,
			textBytes,
			medianMs,
			recordsPerSecond: spec.records / (medianMs / 1000),
			floorRecordsPerSecond: spec.records / (floorMs / 1000),
			sampledPeakBytes,
			liveBeyondRecords,
			parsedBytes,
			kept: kept.length,
		})}\n`,
	);
}

const spec = JSON.parse(process.argv[2]);
(spec.mode === 'parse' ? parse(spec) : run(spec)).catch((error) => {
	process.stderr.write(`${error.stack}\n`);
	process.exitCode = 1;
});
