// `npm run bench`: this node against what users build today, in the pinned real n8n, on the
// sandbox with 150 ms latency and Crustdata's limit of 15 requests per sliding window. The
// window is scaled down (BENCH_WINDOW_SCALE, default 10: 60 s -> 6 s) to keep the run short.
// Writes BENCHMARKS.md and its charts, docs/bench-*.svg.
//
// The contact case: this node with Contact (business emails + phone numbers) on a generation-2
// account, where /person/enrich has no contact and /person/contact/enrich serves it, each endpoint
// at 15 per (scaled) window, on the same 1,000-URL sheet (plus its 10 % duplicates).
// BENCH_ONLY=contact runs that case alone and prints its figures without writing BENCHMARKS.md
// or the charts (they need every case); without BENCH_ONLY every case runs.
//
// The batch case (test/bench/batch.js): Enrich in Batch Jobs against Enrich on 1,000, 10,000 and
// 50,000 unique URLs, in n8n's engine in a process of its own, with its own sandbox. BENCH_ONLY=batch
// runs it alone and rewrites its section of BENCHMARKS.md and its charts, leaving the rest as it was.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const dataset = require('../sandbox/dataset');
const { startSandbox } = require('../sandbox/server');
const { PINNED_VERSION, createInstance, ensureN8n, executeWorkflow, importFixtures, sandboxCredential, log } = require('../e2e/n8nHost');
const { batchSection, renderBatchCharts, runBatchCase } = require('./batch');
const { accountLimitsChart, contactChart, renderSvg, sizesChart } = require('./chart');
const { CONTACT, VARIANTS } = require('./workflows');

const ROOT = path.resolve(__dirname, '../..');
const SCALE = Number(process.env.BENCH_WINDOW_SCALE ?? 10);
const WINDOW_MS = 60_000 / SCALE;
const LIMIT = 15;
const LATENCY_MS = 150;
const SIZES = { a: [100, 500, 1_000, 5_000], b: [100, 500, 1_000], c: [100, 500, 1_000] };

/** `unique` profile URLs plus 10 % exact duplicates, as a sheet with repeated rows has them. */
function sheet(unique) {
	const urls = Array.from({ length: unique }, (_, i) => `https://www.linkedin.com/in/bench-person-${i}`);
	const duplicates = Array.from({ length: Math.round(unique / 10) }, (_, i) => urls[(i * 7) % unique]);
	return [...urls, ...duplicates].map((linkedin, row) => ({ row, linkedin }));
}

/** Full windows to wait through: ceil(unique / 25) requests, 15 per window. */
const windowsWaited = (unique) => Math.ceil(Math.ceil(unique / 25) / LIMIT) - 1;

/** The ideal: the windows waited, plus one round trip. */
const limitMs = (unique) => windowsWaited(unique) * WINDOW_MS + LATENCY_MS;

/** Accounts on higher plans, in requests a minute of real time; the sandbox scales them with the window. */
const ACCOUNT_LIMITS = [60, 120];
const ACCOUNT_SIZES = [1_000, 5_000];
/** Max Requests Per Minute of a node fixed at Crustdata's default of 15, on the scaled window. */
const FIXED_AT_15 = LIMIT * SCALE;

/** The contact case: one sheet, generation 2, each endpoint's own window at Crustdata's default. */
const PROFILE_PATH = '/person/enrich';
const CONTACT_PATH = '/person/contact/enrich';
const BILLABLE_PATHS = [PROFILE_PATH, CONTACT_PATH];
const CONTACT_CASE = { unique: 1_000, limits: { [PROFILE_PATH]: LIMIT, [CONTACT_PATH]: LIMIT }, id: 'BenchContact0001000' };
/**
 * Prices on generation 2 (sandbox README, "Credits"): a profile with basic_profile and
 * social_handles is 1 credit; on the contact endpoint a tier costs only when returned non-empty.
 */
const PROFILE_CREDITS = 1;
const TIER_CREDITS = { business_emails: 1, phone_numbers: 2 };

const ONLY = process.env.BENCH_ONLY;
if (ONLY !== undefined && ONLY !== 'contact' && ONLY !== 'batch') throw new Error(`BENCH_ONLY=${ONLY}: the filters are BENCH_ONLY=contact and BENCH_ONLY=batch`);
const BATCH_HEADING = '## Batch jobs against Enrich';
const CPU_HEADING = '## CPU and memory of the node itself';

const sheets = new Map();
const sheetOf = (unique) => sheets.get(unique) ?? sheets.set(unique, sheet(unique)).get(unique);

/**
 * Every run: each variant at each of its sizes on the default account (the node with its
 * defaults), then this node on each higher-plan account, with its defaults and fixed at 15.
 */
const CASES = [
	...Object.entries(SIZES).flatMap(([variant, sizes]) =>
		sizes.map((unique) => ({ variant, unique, maxRequestsPerMinute: 0, id: `Bench${variant.toUpperCase()}${String(unique).padStart(11, '0')}` })),
	),
	// The node's own window is a real minute, so on a time-scaled window Max Requests Per Minute
	// cannot hold it to 15 per window: the sandbox does, as the node's own window would in real time.
	...[
		...ACCOUNT_SIZES.map((unique) => ({ unique, accountLimit: LIMIT, maxRequestsPerMinute: FIXED_AT_15 })),
		...ACCOUNT_LIMITS.flatMap((accountLimit) => ACCOUNT_SIZES.map((unique) => ({ unique, accountLimit, maxRequestsPerMinute: 0 }))),
	].map((benchCase) => ({
		...benchCase,
		variant: 'a',
		id: `BenchR${String(benchCase.accountLimit).padStart(3, '0')}${benchCase.maxRequestsPerMinute ? 'F' : 'D'}${String(benchCase.unique).padStart(7, '0')}`,
	})),
].map((benchCase) => ({ ...benchCase, rows: sheetOf(benchCase.unique) }));
CONTACT_CASE.rows = sheetOf(CONTACT_CASE.unique);

/** At the account's rate: ceil(unique / 25) requests evenly spaced at the limit, plus one round trip. */
const atRateMs = (unique, accountLimit) => (Math.ceil(unique / 25) - 1) * (WINDOW_MS / accountLimit) + LATENCY_MS;

/** The sliding window's own bound: every request of a window sent at once, plus one round trip. */
const windowBoundMs = (unique, accountLimit) => (Math.ceil(Math.ceil(unique / 25) / accountLimit) - 1) * WINDOW_MS + LATENCY_MS;

/** Input rows that got an enriched record, from each variant's output. */
function enrichedRows(variant, runData, rows) {
	const runs = runData?.[VARIANTS[variant].resultNode] ?? [];
	const items = runs.flatMap((task) => task.data?.main?.[0] ?? []);
	if (variant === 'a') {
		return new Set(items.filter((item) => item.json.match_status === 'matched').map((item) => item.pairedItem.item)).size;
	}
	const matchedUrls = new Set(
		items.filter((item) => (variant === 'b' ? item.json.matches?.length > 0 : item.json.matches)).map((item) => item.json.matched_on),
	);
	return rows.filter((row) => matchedUrls.has(row.linkedin)).length;
}

async function measure(instance, sandbox, { variant, unique, rows, id, accountLimit, maxRequestsPerMinute }) {
	sandbox.configure({ endpointRateLimits: accountLimit ? { '/person/enrich': accountLimit } : {} });
	sandbox.reset();
	const started = Date.now();
	const { code, run } = await executeWorkflow(instance, id);
	const totalMs = Date.now() - started;
	const requests = sandbox.requests.filter((request) => request.path === '/person/enrich');
	const accountChecks = sandbox.requests.filter((request) => request.path === '/account/endpoints');
	const first = requests[0]?.at ?? started;
	const last = requests[requests.length - 1]?.at ?? started;
	const enriched = enrichedRows(variant, run?.data?.resultData?.runData, rows);
	return {
		variant,
		unique,
		inputs: rows.length,
		requests: requests.length,
		rateLimited: requests.filter((request) => request.status === 429).length,
		enriched,
		failedOrLost: rows.length - enriched,
		credits: Math.round(sandbox.creditsUsed * 100) / 100,
		enrichMs: last - first + LATENCY_MS,
		totalMs,
		workflowFailed: code !== 0,
		limitMs: limitMs(unique),
		accountLimit,
		maxRequestsPerMinute,
		accountChecks: accountChecks.length,
		// What asking about the account added before the first billable request.
		accountCheckMs: accountChecks.length > 0 && requests.length > 0 ? requests[0].at - accountChecks[0].at : null,
	};
}

/**
 * The contact case. Wall time from the first billable request (either endpoint) to the last
 * answer, as the other cases (the last request's arrival plus the sandbox's latency). Expected
 * credits come from the node's answers: each unique matched profile at PROFILE_CREDITS plus the
 * price of every contact tier it came back with non-empty; they are checked against the sandbox's
 * request log (`creditsUsed` of each request, per endpoint) and against the dataset (the tiers
 * the sandbox holds for each URL).
 */
async function measureContact(instance, sandbox, { unique, rows, id, limits }) {
	sandbox.configure({ apiGeneration: 2, endpointRateLimits: limits });
	sandbox.reset();
	try {
		const started = Date.now();
		const { code, run } = await executeWorkflow(instance, id);
		const totalMs = Date.now() - started;
		const billable = sandbox.requests.filter((request) => BILLABLE_PATHS.includes(request.path));
		const to = (endpoint) => billable.filter((request) => request.path === endpoint);
		const first = billable[0]?.at ?? started;
		const last = billable[billable.length - 1]?.at ?? started;
		const span = (requests) => (requests.length === 0 ? null : { from: requests[0].at - first, to: requests[requests.length - 1].at - first + LATENCY_MS });
		const creditsOf = (requests) => Math.round(requests.reduce((sum, request) => sum + request.creditsUsed, 0) * 100) / 100;

		const items = (run?.data?.resultData?.runData?.[CONTACT.resultNode] ?? []).flatMap((task) => task.data?.main?.[0] ?? []);
		const matchedItems = items.filter((item) => item.json.match_status === 'matched');
		const matchedRows = new Set(matchedItems.map((item) => item.pairedItem.item));
		const withContact = matchedItems.filter((item) => {
			const contact = item.json.person_data?.contact;
			return contact && CONTACT.contactFields.every((tier) => Array.isArray(contact[tier]));
		});
		const rowsWithContact = new Set(withContact.map((item) => item.pairedItem.item));
		// One entry per matched profile: the duplicates' items carry the same answer, billed once.
		const profiles = new Map(withContact.map((item) => [item.json.matched_on, item.json.person_data.contact]));
		const matchedProfiles = new Set(matchedItems.map((item) => item.json.matched_on)).size;
		const tiersReturned = Object.fromEntries(
			CONTACT.contactFields.map((tier) => [tier, [...profiles.values()].filter((contact) => contact[tier].length > 0).length]),
		);
		const tierCredits = CONTACT.contactFields.reduce((sum, tier) => sum + tiersReturned[tier] * TIER_CREDITS[tier], 0);
		// What the sandbox's dataset holds for the sheet's URLs: the tiers every matched profile should come back with.
		const datasetTiers = Object.fromEntries(
			CONTACT.contactFields.map((tier) => [
				tier,
				[...new Set(rows.map((row) => row.linkedin))].filter((url) => {
					const found = dataset.lookupByProfileUrl(url);
					return found.candidates?.length > 0 && dataset.contactEnrichData(found.candidates[0].person)[tier].length > 0;
				}).length,
			]),
		);

		const profileRequests = to(PROFILE_PATH);
		const contactRequests = to(CONTACT_PATH);
		return {
			unique,
			limits,
			inputs: rows.length,
			workflowFailed: code !== 0,
			requests: { [PROFILE_PATH]: profileRequests.length, [CONTACT_PATH]: contactRequests.length },
			rateLimited: {
				[PROFILE_PATH]: profileRequests.filter((request) => request.status === 429).length,
				[CONTACT_PATH]: contactRequests.filter((request) => request.status === 429).length,
			},
			otherStatuses: billable.filter((request) => request.status !== 200 && request.status !== 429).map((request) => `${request.path} ${request.status}`),
			contactBatchSizes: contactRequests.filter((request) => request.status === 200).map((request) => request.identifierCount),
			accountChecks: sandbox.requests.filter((request) => request.path === '/account/endpoints').length,
			matchedRows: matchedRows.size,
			matchedProfiles,
			rowsWithContact: rowsWithContact.size,
			// Input rows without a matched item carrying both contact tiers (every URL of the sheet matches in the sandbox).
			lost: rows.length - rowsWithContact.size,
			tiersReturned,
			datasetTiers,
			credits: {
				total: Math.round(sandbox.creditsUsed * 100) / 100,
				[PROFILE_PATH]: creditsOf(profileRequests),
				[CONTACT_PATH]: creditsOf(contactRequests),
			},
			expectedCredits: { total: matchedProfiles * PROFILE_CREDITS + tierCredits, [PROFILE_PATH]: matchedProfiles * PROFILE_CREDITS, [CONTACT_PATH]: tierCredits },
			wallMs: last - first + LATENCY_MS,
			profilePassMs: span(profileRequests),
			contactPassMs: span(contactRequests),
			// Arrival of every request, in ms from the first billable one: where the waits are.
			sentAt: { [PROFILE_PATH]: profileRequests.map((request) => request.at - first), [CONTACT_PATH]: contactRequests.map((request) => request.at - first) },
			totalMs,
			...contactIdeal(unique, matchedProfiles, limits),
		};
	} finally {
		sandbox.configure({ apiGeneration: 1, endpointRateLimits: {} });
		sandbox.reset();
	}
}

/**
 * The contact case's yardsticks, from the sliding window's bound (windowBoundMs, as the limit of
 * the other cases): the ideal is the slower endpoint's bound (its requests, its limit) plus one
 * round trip; the sequential time, computed and not measured, is the profile pass at its limit
 * and then the contact pass at its limit, one after the other.
 */
function contactIdeal(unique, matched, limits) {
	const profileMs = windowBoundMs(unique, limits[PROFILE_PATH]);
	const contactMs = windowBoundMs(matched, limits[CONTACT_PATH]);
	return { profileBoundMs: profileMs, contactBoundMs: contactMs, idealMs: Math.max(profileMs, contactMs), sequentialMs: profileMs + contactMs };
}

const seconds = (ms) => (ms / 1000).toFixed(1);

/** (a) against (b) in rows enriched per second: (b) gives up with rows lost, so time alone flatters it. */
function speedup(peer, ours) {
	const rate = (r) => r.enriched / (r.enrichMs / 1000);
	const ratio = rate(peer) === 0 ? Infinity : rate(ours) / rate(peer);
	const shown = Number.isFinite(ratio) ? `${ratio.toFixed(1)} ×` : 'infinitely';
	return (
		`(b) at 500: ${peer.enriched} of ${peer.inputs} rows enriched in ${seconds(peer.enrichMs)} s${peer.workflowFailed ? ' before n8n gave up' : ''}, ` +
		`(a): ${ours.enriched} in ${seconds(ours.enrichMs)} s, so (a) is ${shown} faster in rows per second (target: at least 20 ×)`
	);
}

/** This node on the higher-plan accounts with its defaults, against the same node fixed at 15. */
function accountReport(results) {
	const runs = results.filter((r) => r.accountLimit);
	const fixed = (r) => runs.find((other) => other.unique === r.unique && other.maxRequestsPerMinute > 0);
	const defaults = runs.filter((r) => r.maxRequestsPerMinute === 0);
	const rows = runs.map((r) => {
		const versus = r.maxRequestsPerMinute === 0 ? `${(fixed(r).enrichMs / r.enrichMs).toFixed(1)} ×` : '';
		const setting = r.maxRequestsPerMinute === 0 ? "0 (the account's limit)" : '15 (fixed)';
		return `| ${r.accountLimit} | ${r.unique.toLocaleString('en-US')} | ${setting} | ${r.requests} | ${r.rateLimited} | ${r.enriched} / ${r.inputs} | ${r.credits} | ${seconds(r.enrichMs)} | ${seconds(atRateMs(r.unique, r.accountLimit))} | ${(r.enrichMs / atRateMs(r.unique, r.accountLimit)).toFixed(2)} × | ${seconds(windowBoundMs(r.unique, r.accountLimit))} | ${versus} |`;
	});
	const worst = Math.max(...defaults.map((r) => r.enrichMs / atRateMs(r.unique, r.accountLimit)));
	const targets = [
		`with defaults, at most ${worst.toFixed(2)} × the time at the account's rate (target at most 1.10)`,
		`429s: ${runs.reduce((sum, r) => sum + r.rateLimited, 0)} (target 0); lost or failed items: ${runs.reduce((sum, r) => sum + r.failedOrLost, 0)} (target 0); credits equal unique identifiers: ${runs.every((r) => r.credits === r.unique) ? 'yes' : 'no'}`,
		...ACCOUNT_LIMITS.map(
			(limit) =>
				`at ${limit} a minute: ${defaults
					.filter((r) => r.accountLimit === limit)
					.map((r) => `${(fixed(r).enrichMs / r.enrichMs).toFixed(1)} × faster than fixed at 15 at ${r.unique.toLocaleString('en-US')}`)
					.join(', ')} (target about ${limit / LIMIT} ×)`,
		),
	];
	return { rows, targets };
}

/** What asking the account costs: requests and the time before the first billable request, per run of this node. */
function accountCheckReport(results) {
	const runs = results.filter((r) => r.variant === 'a' && r.accountCheckMs !== null);
	const times = runs.map((r) => r.accountCheckMs).sort((x, y) => x - y);
	const most = Math.max(...runs.map((r) => r.accountChecks));
	return (
		`${runs.length} runs of this node: at most ${most} account check${most === 1 ? '' : 's'} (\`GET /account/endpoints?path=/person/enrich\`) per run; ` +
		`it added ${times[0]}–${times[times.length - 1]} ms (median ${times[Math.floor(times.length / 2)]} ms) before the first enrich request, ` +
		`against an enrich round trip of ${LATENCY_MS} ms (target: one request per endpoint, under one round trip). ` +
		'The sandbox answers the check without the enrich latency, as a small free GET; on the real API it costs its own round trip.'
	);
}

/** The contact case: its table and its targets, for BENCHMARKS.md and for BENCH_ONLY=contact. */
function contactReport(r) {
	const ratio = r.wallMs / r.idealMs;
	const requests = BILLABLE_PATHS.map((endpoint) => `${r.requests[endpoint]}`).join(' + ');
	const rateLimited = BILLABLE_PATHS.reduce((sum, endpoint) => sum + r.rateLimited[endpoint], 0);
	const tiers = CONTACT.contactFields.map((tier) => `${r.tiersReturned[tier]} ${tier} × ${TIER_CREDITS[tier]}`).join(' + ');
	const creditsMatch = BILLABLE_PATHS.every((endpoint) => r.credits[endpoint] === r.expectedCredits[endpoint]) && r.credits.total === r.expectedCredits.total;
	const datasetMatch = CONTACT.contactFields.every((tier) => r.tiersReturned[tier] === r.datasetTiers[tier]);
	const pass = (p) => (p === null ? 'none' : `${seconds(p.from)}–${seconds(p.to)} s`);
	const table = `| unique | inputs | requests (enrich + contact) | 429s | rows with contact | lost | credits (enrich + contact) | expected credits | wall time (s) | ideal (s) | ratio | sequential, computed (s) |
|---|---|---|---|---|---|---|---|---|---|---|---|
| ${r.unique.toLocaleString('en-US')} | ${r.inputs.toLocaleString('en-US')} | ${requests} | ${rateLimited} | ${r.rowsWithContact} / ${r.inputs} | ${r.lost}${r.workflowFailed ? ' (workflow failed)' : ''} | ${r.credits.total} (${r.credits[PROFILE_PATH]} + ${r.credits[CONTACT_PATH]}) | ${r.expectedCredits.total} (${r.expectedCredits[PROFILE_PATH]} + ${r.expectedCredits[CONTACT_PATH]}) | ${seconds(r.wallMs)} | ${seconds(r.idealMs)} | ${ratio.toFixed(2)} × | ${seconds(r.sequentialMs)} |`;
	const targets = [
		`wall time ${seconds(r.wallMs)} s = ${ratio.toFixed(3)} × the ideal of ${seconds(r.idealMs)} s (target at most 1.15: ${ratio <= 1.15 ? 'met' : 'missed'}); the sequential time, computed: ${seconds(r.sequentialMs)} s (${(r.wallMs / r.sequentialMs).toFixed(2)} × of it measured)`,
		`429s: ${BILLABLE_PATHS.map((endpoint) => `${r.rateLimited[endpoint]} on ${endpoint}`).join(', ')} (target 0)${r.otherStatuses.length > 0 ? `; other failed requests: ${r.otherStatuses.join(', ')}` : ''}`,
		`lost items: ${r.lost} of ${r.inputs} rows without a matched item carrying both ${CONTACT.contactFields.join(' and ')} (target 0)`,
		`credits: ${r.credits.total} billed, expected ${r.expectedCredits.total} = ${r.matchedProfiles} profiles × ${PROFILE_CREDITS} + (${tiers}): ${creditsMatch ? 'equal, per endpoint too' : 'NOT equal'}; tiers returned against the dataset's: ${datasetMatch ? 'the same' : `different (${JSON.stringify(r.datasetTiers)})`}`,
		`where the time went (from the first billable request): profile pass ${pass(r.profilePassMs)} (${r.profilePassMs ? (r.profilePassMs.to / r.profileBoundMs).toFixed(2) : '–'} × its own bound), contact pass ${pass(r.contactPassMs)}, ` +
			`so the contact pass ends ${r.profilePassMs && r.contactPassMs ? Math.round(r.contactPassMs.to - r.profilePassMs.to) : '–'} ms after the last profile answer; contact batches of ${summariseSizes(r.contactBatchSizes)}; ${r.accountChecks} account checks`,
	];
	return { table, targets };
}

/** `[25, 25, 25, 10]` as `3 × 25, 1 × 10`, in order of first appearance. */
function summariseSizes(sizes) {
	const counts = new Map();
	for (const size of sizes) counts.set(size, (counts.get(size) ?? 0) + 1);
	return [...counts].map(([size, count]) => `${count} × ${size}`).join(', ') || 'none';
}

function contactSection(r) {
	const { table, targets } = contactReport(r);
	return `## Contact on a generation-2 account

The ${r.unique.toLocaleString('en-US')}-URL sheet (${r.inputs.toLocaleString('en-US')} rows with its duplicates) through this node with its defaults and Contact
(${CONTACT.contactFields.map((tier) => `\`${tier}\``).join(' + ')}), on a sandbox account of API generation 2: \`${PROFILE_PATH}\` has no
contact, \`${CONTACT_PATH}\` serves it, each with its own window (${BILLABLE_PATHS.map((endpoint) => `${r.limits[endpoint]}`).join(' and ')} requests per ${WINDOW_MS / 1000} s), time-scaled like the
others. The node enriches the profiles without contact and asks the contact endpoint for the matched ones,
25 a request, while later profiles are still being enriched.

- **wall time**: from the first billable request (either endpoint) to the last answer.
- **ideal**: the slower endpoint's window bound plus one round trip: ${r.requests[PROFILE_PATH]} requests to the enrich endpoint
  (${seconds(r.profileBoundMs)} s) and ceil(${r.matchedProfiles} matched / 25) to the contact endpoint (${seconds(r.contactBoundMs)} s), the larger of the two.
- **sequential, computed** (not measured): the enrich pass at its limit, then the contact pass at its limit: the sum of the two.
- **expected credits**: from the node's answers, each unique matched profile at ${PROFILE_CREDITS} credit plus each contact tier it
  came back with non-empty (${Object.entries(TIER_CREDITS).map(([tier, credits]) => `${tier} ${credits}`).join(', ')}), against what the sandbox billed (\`creditsUsed\` of each request, per endpoint).

${table}

${targets.map((line) => `- ${line}`).join('\n')}
`;
}

function report(results, cpuTable, contact, batch) {
	const at = (variant, unique) => results.find((r) => r.variant === variant && r.unique === unique && !r.accountLimit);
	const aRuns = results.filter((r) => r.variant === 'a' && !r.accountLimit);
	const accounts = accountReport(results);
	const rows = results.filter((r) => !r.accountLimit).map((r) => {
		const versus =
			r.variant === 'a'
				? `${(r.enrichMs / r.limitMs).toFixed(2)} × limit`
				: r.failedOrLost > 0
					? 'never finishes'
					: `${(r.enrichMs / at('a', r.unique).enrichMs).toFixed(1)} × ours`;
		return `| (${r.variant}) ${VARIANTS[r.variant].label} | ${r.unique.toLocaleString('en-US')} | ${r.requests} | ${r.rateLimited} | ${r.enriched} / ${r.inputs} | ${r.failedOrLost}${r.workflowFailed ? ' (workflow failed)' : ''} | ${r.credits} | ${seconds(r.enrichMs)} | ${seconds(r.totalMs)} | ${seconds(r.limitMs)} | ${versus} |`;
	});
	const a1000 = at('a', 1_000);
	const a500 = at('a', 500);
	const targets = [
		`(a) lost or failed items: ${aRuns.reduce((sum, r) => sum + r.failedOrLost, 0)} (target 0)`,
		`(a) 429s: ${aRuns.reduce((sum, r) => sum + r.rateLimited, 0)} (target 0)`,
		`(a) at 1,000: ${(a1000.enrichMs / a1000.limitMs).toFixed(2)} × the limit (target at most 1.10)`,
		`(a) credits equal unique matched identifiers: ${aRuns.every((r) => r.credits === r.unique) ? 'yes' : 'no'} (duplicates never billed twice)`,
		speedup(at('b', 500), a500),
		`(c) at 500: ${at('c', 500).requests} requests against (a)'s ${a500.requests} (target: (a) fewer)`,
	];
	// Scaling the window scales every wait; the ratio to the limit carries over to a 60 s window.
	const inRealTime = (r) => {
		const realSeconds = (r.enrichMs / r.limitMs) * (windowsWaited(r.unique) * 60 + LATENCY_MS / 1000);
		return realSeconds < 60 ? `${realSeconds.toFixed(1)} s` : `${(realSeconds / 60).toFixed(1)} min`;
	};
	return `# Benchmarks

Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${os.cpus().length} cores, Node ${process.version}), in real n8n ${PINNED_VERSION}
(\`n8n execute\`), against the bundled sandbox: 150 ms latency, Crustdata's sliding window of
${LIMIT} requests, **time-scaled ${SCALE}×: the window is ${WINDOW_MS / 1000} s instead of 60 s**. Inputs are
unique LinkedIn URLs plus 10 % exact duplicates. (a) runs with its defaults: it asks the sandbox for the
account's limit, which reports the scaled window as ${LIMIT * SCALE} requests a minute.

- **requests** and **429s**: what the sandbox received. **credits**: the sum of \`x-credits-used\`.
- **enriched**: input rows that got a matched record; **failed or lost**: the rest (every URL exists in the sandbox).
- **enrich time**: from the first request to the last answer; **n8n time**: the whole \`n8n execute\`, start-up included.
- **limit**: ceil(unique / 25) requests paced ${LIMIT} per window, plus one round trip. In real minutes (60 s window)
  the limit is ${SIZES.a.map((u) => `${windowsWaited(u)} min at ${u.toLocaleString('en-US')}`).join(', ')}, plus a round trip.
- **(a) in real time** (its ratio to the limit applied to the real limit): ${aRuns.map((r) => `${inRealTime(r)} at ${r.unique.toLocaleString('en-US')}`).join(', ')}.

| workflow | unique | requests | 429s | enriched | failed or lost | credits | enrich time (s) | n8n time (s) | limit (s) | ratio |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

![Enrich time against input size, per workflow, with the limit](docs/bench-sizes.svg)

What limits (a): at most two requests are in flight (more could send extra requests after credits
run out), so the 4 requests of 100 identifiers take two round trips where the limit counts one,
and the last window's requests go out in pairs; and each wait for the server's window lasts until
\`x-ratelimit-reset\`, which the sandbox rounds up to a sixtieth of the window (a whole second on
Crustdata's real 60 s window), as the real header is rounded, counted from when the answer
arrives (the server may have counted it a round trip earlier). After that wait one request goes
alone, since the reset only promises that the oldest request has left, and its answer says
whether the next may follow.

## Targets

${targets.map((line) => `- ${line}`).join('\n')}

## Accounts with a higher limit

The same sandbox and sheets, with the account's limit for \`/person/enrich\` raised to 60 and to 120
requests a minute, time-scaled like the window (${ACCOUNT_LIMITS.map((limit) => `${limit} requests per ${WINDOW_MS / 1000} s window, which \`GET /account/endpoints\` reports as ${limit * SCALE} a minute`).join('; ')}),
and answers in ${LATENCY_MS} ms (a realistic 1.5 s, scaled). This node with its defaults (Max Requests Per Minute 0:
the account's limit; Concurrency 0: as many in flight as the limit and the answer times need) against
the same node fixed at 15 a minute. The node's own window is a real minute, so on the scaled window
Max Requests Per Minute = ${FIXED_AT_15} cannot hold it to 15 per window by itself; for the fixed runs the
sandbox's account is at 15 per window, which paces exactly as the node's own window does at 15 in real time.

- **at the account's rate**: ceil(unique / 25) requests evenly spaced at the account's limit, plus one
  round trip: the goal's measure. A sliding window lets a client run ahead of an even spacing while the
  window fills, so a ratio under 1 is possible.
- **window bound**: the sliding window's own floor, every request of a window sent at once (which would
  need up to a whole window of requests in flight, and as many completing after a 402).

| account limit (a minute) | unique | Max Requests Per Minute | requests | 429s | enriched | credits | enrich time (s) | at the account's rate (s) | ratio | window bound (s) | defaults against fixed at 15 |
|---|---|---|---|---|---|---|---|---|---|---|---|
${accounts.rows.join('\n')}

${accounts.targets.map((line) => `- ${line}`).join('\n')}

![Enrich time per account limit and size, each bar with a tick at the account's rate](docs/bench-account-limits.svg)

## The cost of the account check

${accountCheckReport(results)}

${contactSection(contact)}
![The contact case: measured wall time against the ideal and the two passes one after the other](docs/bench-contact.svg)

${batchSection(batch)}
${CPU_HEADING}

Planning and mapping only, answers served from memory with a full \`person_data\` (every section),
\`node --expose-gc test/bench/planning-mapping.js\`:

${cpuTable}
`;
}

/** The three charts of BENCHMARKS.md, from the same results as its tables. */
async function renderCharts(results, contact) {
	const docs = path.join(ROOT, 'docs');
	fs.mkdirSync(docs, { recursive: true });
	const sizeRuns = results.filter((r) => !r.accountLimit);
	await renderSvg(
		sizesChart({
			title: `Enrich time for N profile URLs (sandbox, ${LIMIT} requests per window, window scaled 1/${SCALE})`,
			series: Object.keys(SIZES).map((variant) => ({
				name: `(${variant}) ${VARIANTS[variant].label}${sizeRuns.some((r) => r.variant === variant && r.failedOrLost > 0) ? ': items lost' : ''}`,
				points: sizeRuns.filter((r) => r.variant === variant).map((r) => [r.unique, r.enrichMs / 1000]),
			})),
			limit: { name: 'limit', points: SIZES.a.map((unique) => [unique, limitMs(unique) / 1000]) },
		}),
		path.join(docs, 'bench-sizes.svg'),
	);
	const accountRuns = results.filter((r) => r.accountLimit);
	await renderSvg(
		accountLimitsChart({
			title: "This node on higher-plan accounts, against the same node fixed at 15 a minute (ticks: the account's rate)",
			runs: accountRuns.map((r) => ({
				setting: `${r.accountLimit} a minute, ${r.maxRequestsPerMinute > 0 ? 'fixed' : 'defaults'}`,
				unique: r.unique,
				seconds: r.enrichMs / 1000,
				atRateSeconds: atRateMs(r.unique, r.accountLimit) / 1000,
			})),
		}),
		path.join(docs, 'bench-account-limits.svg'),
	);
	await renderSvg(
		contactChart({
			title: `Contact on a generation-2 account: ${contact.unique.toLocaleString('en-US')} URLs, profiles and contact data from two endpoints`,
			bars: [
				{ what: 'measured wall time', kind: 'measured', seconds: contact.wallMs / 1000 },
				{ what: 'ideal: the slower endpoint at its limit', kind: 'bound', seconds: contact.idealMs / 1000 },
				{ what: 'the two passes one after the other (computed)', kind: 'bound', seconds: contact.sequentialMs / 1000 },
			],
		}),
		path.join(docs, 'bench-contact.svg'),
	);
}

/** BENCHMARKS.md with its batch section replaced by `section`, or put before the CPU section if it has none. */
function withBatchSection(markdown, section) {
	const start = markdown.indexOf(BATCH_HEADING);
	if (start === -1) {
		const cpu = markdown.indexOf(CPU_HEADING);
		return cpu === -1 ? `${markdown.trimEnd()}\n\n${section}` : `${markdown.slice(0, cpu)}${section}\n${markdown.slice(cpu)}`;
	}
	const next = markdown.indexOf('\n## ', start + BATCH_HEADING.length);
	return `${markdown.slice(0, start)}${section}${next === -1 ? '' : `\n${markdown.slice(next + 1)}`}`;
}

async function batchOnly() {
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
	const batch = await runBatchCase(log);
	await renderBatchCharts(batch, renderSvg, path.join(ROOT, 'docs'));
	const section = batchSection(batch);
	const file = path.join(ROOT, 'BENCHMARKS.md');
	fs.writeFileSync(file, withBatchSection(fs.readFileSync(file, 'utf8'), section));
	process.stdout.write(`${section}\nRewrote its section of BENCHMARKS.md and docs/bench-batch-time.svg, docs/bench-batch-memory.svg\n`);
}

async function main() {
	if (ONLY === 'batch') return await batchOnly();
	const n8n = ensureN8n(PINNED_VERSION);
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
	const sandbox = await startSandbox({ latencyMs: LATENCY_MS, rateLimit: { limit: LIMIT, windowMs: WINDOW_MS } });
	const results = [];
	const cases = ONLY === 'contact' ? [] : CASES;
	let contact;
	try {
		const instance = await createInstance(n8n, 'bench');
		const workflowsDir = path.join(instance.userFolder, 'workflows');
		fs.mkdirSync(workflowsDir);
		for (const { variant, rows, id, maxRequestsPerMinute } of cases) {
			const workflow = VARIANTS[variant].build(id, rows, sandbox, maxRequestsPerMinute);
			fs.writeFileSync(path.join(workflowsDir, `${id}.json`), JSON.stringify(workflow));
		}
		fs.writeFileSync(path.join(workflowsDir, `${CONTACT_CASE.id}.json`), JSON.stringify(CONTACT.build(CONTACT_CASE.id, CONTACT_CASE.rows)));
		await importFixtures(instance, [sandboxCredential('CrustdataCred001', 'Crustdata sandbox', sandbox.url, sandbox.apiKey)], workflowsDir);
		for (const benchCase of cases) {
			const result = await measure(instance, sandbox, benchCase);
			log(`(${benchCase.variant}) ${benchCase.unique}: ${JSON.stringify(result)}`);
			results.push(result);
		}
		contact = await measureContact(instance, sandbox, CONTACT_CASE);
		log(`(contact) ${CONTACT_CASE.unique}: ${JSON.stringify(contact)}`);
	} finally {
		await sandbox.close();
	}
	if (ONLY === 'contact') {
		process.stdout.write(`${contactSection(contact)}\n(BENCH_ONLY=contact: BENCHMARKS.md and its charts left as they were)\n`);
		return;
	}

	const batch = await runBatchCase(log);
	const cpuTable = execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, 'planning-mapping.js')], { encoding: 'utf8' }).trim();
	await renderCharts(results, contact);
	await renderBatchCharts(batch, renderSvg, path.join(ROOT, 'docs'));
	const markdown = report(results, cpuTable, contact, batch);
	fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), markdown);
	process.stdout.write(`${markdown}\nWrote BENCHMARKS.md and docs/bench-sizes.svg, docs/bench-account-limits.svg, docs/bench-contact.svg, docs/bench-batch-time.svg, docs/bench-batch-memory.svg\n`);
}

main().catch((error) => {
	process.stderr.write(`${error.stack}\n`);
	process.exitCode = 1;
});
