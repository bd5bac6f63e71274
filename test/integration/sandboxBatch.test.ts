import { sleep } from 'n8n-workflow';

import { batchContactRecordViolations, batchContactSubmitRequest, batchRecordViolations, contractViolations } from '../contract/crustdataApi';
import { startKeyTrap } from '../faults/keyTrap';
import { gunzipText } from '../harness/gzip';
import {
	DEFAULT_OPTIONS,
	startSandbox,
	type Sandbox,
	type SandboxAccountEndpoints,
	type SandboxBatchContactData,
	type SandboxBatchContactRecord,
	type SandboxBatchList,
	type SandboxBatchRecord,
	type SandboxBatchStatus,
	type SandboxBatchSubmitAnswer,
	type SandboxRequestLogEntry,
} from '../sandbox/server';

/**
 * The sandbox's async batch jobs against the API notes ("Async batch jobs"): the submit's
 * checks, the five-job cap, the schedule, the records (left out, duplicated, billed as the
 * synchronous endpoint bills them), the results origin that imitates S3's pre-signed links, and
 * every fault a client of the batch API must survive. Every exchange is held to the contract.
 */

let sandbox: Sandbox;
/** Exchanges already held to the contract: one that breaks it fails its own test only. */
const checked = new WeakSet<SandboxRequestLogEntry>();
function expectContractKept(exchanges: readonly SandboxRequestLogEntry[]): void {
	const fresh = exchanges.filter((exchange) => !checked.has(exchange));
	for (const exchange of fresh) checked.add(exchange);
	expect(contractViolations(fresh)).toEqual([]);
}
beforeAll(async () => {
	sandbox = await startSandbox();
	// a test that resets the sandbox part-way has its earlier exchanges checked first
	sandbox.onReset(expectContractKept);
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => {
	sandbox.configure({ ...DEFAULT_OPTIONS, rateLimit: null });
	sandbox.reset();
});
afterEach(() => expectContractKept(sandbox.requests));

const SUBMIT = '/batch/person/enrich';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const profileUrl = (slug: string) => `https://www.linkedin.com/in/${slug}`;
const ADA = profileUrl('ada-lovelace');
const GRACE = profileUrl('grace-hopper');
const ALAN = profileUrl('alan-turing');
const authOnly = () => ({ authorization: `Bearer ${sandbox.apiKey}` });
const submitHeaders = () => ({ ...authOnly(), 'x-api-version': '2025-11-01', 'content-type': 'application/json' });

/** The body parsed in this realm (a Response's json() builds objects jest's equality may tell apart). */
const readJson = async <T>(response: Response): Promise<T> => JSON.parse(await response.text()) as T;

async function submit(body: unknown, headers: Record<string, string> = submitHeaders(), path = SUBMIT) {
	const response = await fetch(`${sandbox.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
	const text = await response.text();
	return { status: response.status, headers: response.headers, text, json: (text.startsWith('{') ? JSON.parse(text) : null) as SandboxBatchSubmitAnswer & ErrorBody };
}

type ErrorBody = { error: { type: string; message: string; metadata: unknown } };

/** A submit the test expects accepted: its batch_id. */
async function accepted(body: unknown, path = SUBMIT): Promise<string> {
	const answer = await submit(body, submitHeaders(), path);
	expect(answer.status).toBe(200);
	return answer.json.batch_id;
}

async function read(path: string, headers: Record<string, string> = authOnly()) {
	const response = await fetch(`${sandbox.url}${path}`, { headers });
	return { status: response.status, headers: response.headers, json: await readJson<unknown>(response) };
}

async function statusOf(batchId: string): Promise<SandboxBatchStatus> {
	const answer = await read(`/batch/${batchId}`);
	expect(answer.status).toBe(200);
	return answer.json as SandboxBatchStatus;
}

async function listed(query = ''): Promise<SandboxBatchList> {
	const answer = await read(`/batch${query}`);
	expect(answer.status).toBe(200);
	return answer.json as SandboxBatchList;
}

/** Reads the status until the job has finished (every read is logged, and held to the contract). */
async function finished(batchId: string, timeoutMs = 5_000): Promise<SandboxBatchStatus> {
	const started = Date.now();
	for (;;) {
		const status = await statusOf(batchId);
		if (status.status === 'completed' || status.status === 'failed') return status;
		if (Date.now() - started > timeoutMs) throw new Error(`batch ${batchId} is still ${status.status}`);
		await sleep(10);
	}
}

async function download(url: string, headers: Record<string, string> = {}) {
	const response = await fetch(url, { headers });
	return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** A result file's records: gunzipped with node:zlib, one JSON value per `\n`-ended line. */
function recordsOf(bytes: Buffer): SandboxBatchRecord[] {
	const text = gunzipText(bytes);
	expect(text.endsWith('\n')).toBe(true);
	return text
		.slice(0, -1)
		.split('\n')
		.map((line) => JSON.parse(line) as SandboxBatchRecord);
}

/** The synchronous /person/enrich answer for the same identifiers and fields, to compare records and prices with. */
async function enrichNow(key: 'professional_network_profile_urls' | 'business_emails', ids: string[], fields: string[]) {
	const response = await fetch(`${sandbox.url}/person/enrich`, { method: 'POST', headers: submitHeaders(), body: JSON.stringify({ [key]: ids, fields }) });
	expect(response.status).toBe(200);
	type Entry = { matched_on: string; matches: Array<{ confidence_score: number; person_data: Record<string, unknown> }> };
	return { credits: Number(response.headers.get('x-credits-used')), entries: await readJson<Entry[]>(response) };
}

const submits = () => sandbox.requests.filter((request) => request.path === SUBMIT);
const lastRequest = (): SandboxRequestLogEntry => sandbox.requests[sandbox.requests.length - 1];

describe('POST /batch/person/enrich', () => {
	it('takes one identifier type, as a list or one comma-separated string, and answers pending with the job', async () => {
		sandbox.configure({ batch: { maxActive: 100 } });
		const byUrl = await submit({ professional_network_profile_urls: [ADA, GRACE], fields: ['experience'] });
		expect(byUrl.status).toBe(200);
		expect(byUrl.json).toEqual({
			batch_id: expect.stringMatching(UUID),
			status: 'pending',
			entity: 'person',
			action: 'enrich',
			identifier_count: 2,
			entities_requested: 2,
			status_url: `/batch/${byUrl.json.batch_id}`,
		});
		const byEmail = await submit({ business_emails: ['jane.doe@acme.io'] });
		expect(byEmail.json).toMatchObject({ status: 'pending', identifier_count: 1 });
		const commas = await submit({ professional_network_profile_urls: `${ADA}, ${GRACE},${ALAN}`, fields: 'experience, education' });
		expect(commas.json).toMatchObject({ identifier_count: 3, entities_requested: 3 });
		expect(submits().map((request) => request.identifierCount)).toEqual([2, 1, 3]);
		expect(new Set([byUrl, byEmail, commas].map((answer) => answer.json.batch_id)).size).toBe(3);
		// 10,000 is the most a job takes
		const bulk = await submit({ professional_network_profile_urls: Array.from({ length: 10_000 }, (_, i) => profileUrl(`nomatch-${i}`)) });
		expect(bulk.json.identifier_count).toBe(10_000);
		expect((await listed()).jobs).toHaveLength(4);
	});

	it('refuses no identifiers, both types, 10,001, a chunk_size outside 10..1000 and the synchronous endpoint’s own keys, creating nothing', async () => {
		sandbox.configure({ batch: { maxActive: 100 } });
		const refused = async (body: unknown) => {
			const answer = await submit(body);
			expect(answer.status).toBe(400);
			expect(answer.json.error.type).toBe('invalid_request');
			return answer.json.error.message;
		};
		for (const none of [[], '', ' , ', null, 42, [ADA, 7]]) {
			expect(await refused({ professional_network_profile_urls: none })).toBe('Exactly one identifier type must be provided.');
		}
		expect(await refused({})).toBe('Exactly one identifier type must be provided.');
		expect(await refused({ professional_network_profile_urls: [ADA], business_emails: ['jane.doe@acme.io'] })).toBe('Exactly one identifier type must be provided.');
		const tooMany = Array.from({ length: 10_001 }, (_, i) => profileUrl(`person-${i}`));
		expect(await refused({ professional_network_profile_urls: tooMany })).toBe('At most 10,000 identifiers per batch job');
		expect(await refused({ professional_network_profile_urls: tooMany.join(',') })).toBe('At most 10,000 identifiers per batch job');
		for (const chunk of [9, 1001, 5, 50.5, '100']) {
			expect(await refused({ professional_network_profile_urls: [ADA], chunk_size: chunk })).toBe('chunk_size must be between 10 and 1000');
		}
		expect(await refused({ professional_network_profile_urls: [ADA], min_similarity_score: 0.5 })).toBe('Unsupported parameters for batch jobs: min_similarity_score');
		expect(await refused({ business_emails: ['jane.doe@acme.io'], preview: true, verified: true })).toBe('Unsupported parameters for batch jobs: preview, verified');
		expect(await refused({ professional_network_profile_urls: [ADA], webhook_url: 'not a url' })).toBe('webhook_url must be an absolute http or https URL');
		expect(await refused({ professional_network_profile_urls: [ADA], fields: [7] })).toBe('fields must be an array of strings');
		expect(await refused('not an object')).toBe('Request body must be a JSON object');
		expect((await listed()).jobs).toEqual([]);
		for (const chunk of [10, 1000]) await accepted({ professional_network_profile_urls: [ADA], chunk_size: chunk });
		expect((await listed()).jobs).toHaveLength(2);
	});

	it('checks fields as /person/enrich does for the generation: unknown 400 with available_fields, denied 403', async () => {
		const unknown = await submit({ professional_network_profile_urls: [ADA], fields: ['basic_profile', 'no_such_section'] });
		expect(unknown.status).toBe(400);
		expect(unknown.json.error.message).toBe('Invalid fields: no_such_section');
		expect(unknown.json.error.metadata).toEqual({ available_fields: expect.arrayContaining(['basic_profile', 'contact', 'experience.employment_details.current.name']) });
		const gated = await submit({ professional_network_profile_urls: [ADA], fields: ['certifications.name'] });
		expect(gated.status).toBe(403);
		expect(gated.json.error).toEqual({ type: 'permission_error', message: "Access to field 'certifications.name' is not enabled for your API key", metadata: [] });
		sandbox.configure({ apiGeneration: 2 });
		expect((await submit({ professional_network_profile_urls: [ADA], fields: ['contact'] })).json.error.message).toBe('Invalid fields: contact');
		expect((await submit({ professional_network_profile_urls: [ADA], fields: ['assessment'] })).status).toBe(403);
		sandbox.configure({ grantedSections: ['assessment'] });
		expect((await submit({ professional_network_profile_urls: [ADA], fields: ['assessment'] })).status).toBe(200);
	});

	it('needs the key and the version header; refuses an account out of credits (402) or without the endpoint (403)', async () => {
		const body = { professional_network_profile_urls: [ADA] };
		expect(await submit(body, { ...submitHeaders(), authorization: 'Bearer wrong' })).toMatchObject({ status: 401, json: { message: 'Invalid API key in request' } });
		const { 'x-api-version': _version, ...unversioned } = submitHeaders();
		expect(_version).toBe('2025-11-01');
		expect((await submit(body, unversioned)).json.error.message).toBe('Missing required header: x-api-version');
		sandbox.configure({ creditBudget: 0 });
		const broke = await submit(body);
		expect([broke.status, broke.json.error.type]).toEqual([402, 'insufficient_credits']);
		sandbox.configure({ creditBudget: null, disabledEndpoints: [SUBMIT] });
		const disabled = await submit(body);
		expect([disabled.status, disabled.json.error.type, disabled.json.error.message]).toEqual([
			403,
			'permission_error',
			`Your plan does not include ${SUBMIT}. Contact Crustdata to upgrade.`,
		]);
		expect((await listed()).jobs).toEqual([]);
	});

	it('takes at most five active jobs per account: a sixth is a 429 until one finishes', async () => {
		// the schedule is fixed at submit: the first job ends soon, the other four hold their slots
		sandbox.configure({ batch: { pendingMs: 0, processingMs: 300 } });
		const ids = [await accepted({ professional_network_profile_urls: [ADA] })];
		sandbox.configure({ batch: { processingMs: 10_000 } });
		for (let i = 0; i < 4; i++) ids.push(await accepted({ professional_network_profile_urls: [ADA] }));
		const sixth = await submit({ professional_network_profile_urls: [GRACE] });
		expect(sixth.status).toBe(429);
		expect(sixth.json.error).toEqual({ type: 'rate_limit_exceeded', message: 'Too many active batch jobs: at most 5 may be pending or processing at a time', metadata: [] });
		expect((await listed()).jobs).toHaveLength(5);
		expect((await finished(ids[0])).status).toBe('completed');
		await accepted({ professional_network_profile_urls: [GRACE] });
		expect((await submit({ professional_network_profile_urls: [GRACE] })).status).toBe(429);
		sandbox.configure({ batch: { maxActive: 7 } });
		await accepted({ professional_network_profile_urls: [GRACE] });
	});
});

describe('GET /batch/{batch_id}', () => {
	it('goes pending → processing → completed on the configured schedule, with links and completed_at only at the end', async () => {
		sandbox.configure({ batch: { pendingMs: 150, processingMs: 150, perIdentifierMs: 50 } });
		const started = Date.now();
		const batchId = await accepted({ professional_network_profile_urls: [ADA, GRACE] });
		const seen: Array<[string, number]> = [];
		let last: SandboxBatchStatus;
		do {
			last = await statusOf(batchId);
			seen.push([last.status, Date.now() - started]);
			if (last.status !== 'completed') {
				expect(last).toEqual({
					batch_id: batchId,
					status: last.status,
					entity: 'person',
					action: 'enrich',
					identifier_count: 2,
					result_count: 0,
					entities_requested: 2,
					entities_fulfilled: 0,
					created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
				});
			}
			await sleep(10);
		} while (last.status !== 'completed');
		expect([...new Set(seen.map(([status]) => status))]).toEqual(['pending', 'processing', 'completed']);
		// pending for 150 ms, processing for 150 + 2 × 50 ms
		expect(seen.find(([status]) => status === 'processing')?.[1]).toBeGreaterThanOrEqual(145);
		expect(seen.find(([status]) => status === 'completed')?.[1]).toBeGreaterThanOrEqual(395);
		expect(last).toMatchObject({ result_count: 2, entities_fulfilled: 2, completed_at: expect.any(String), download_url: expect.stringContaining(sandbox.resultsUrl) });
		expect(Date.parse(last.completed_at ?? '') - Date.parse(last.created_at)).toBeGreaterThanOrEqual(395);
		expect(last.download_urls).toHaveLength(1);
		expect(last.error_message).toBeUndefined();
	});

	it('needs the key but not the version header; an unknown ID is a 404 not_found', async () => {
		const batchId = await accepted({ professional_network_profile_urls: [ADA] });
		expect((await read(`/batch/${batchId}`, authOnly())).status).toBe(200);
		expect((await read(`/batch/${batchId}`, { authorization: 'Bearer wrong' })).status).toBe(401);
		const unknown = await read('/batch/no-such-batch');
		expect(unknown).toMatchObject({ status: 404, json: { error: { type: 'not_found', message: 'Batch job no-such-batch not found' } } });
		expect(lastRequest()).toMatchObject({ method: 'GET', path: '/batch/no-such-batch', status: 404 });
	});

	it('fails the next jobs failJobs names, with their message, no links and nothing billed', async () => {
		sandbox.configure({ batchFaults: { failJobs: [{ error_message: 'Internal processing error' }] } });
		const failing = await accepted({ professional_network_profile_urls: [ADA] });
		expect(sandbox.options.batchFaults.failJobs).toEqual([]);
		const fine = await accepted({ professional_network_profile_urls: [ADA] });
		const failed = await finished(failing);
		expect(failed).toEqual({
			batch_id: failing,
			status: 'failed',
			entity: 'person',
			action: 'enrich',
			identifier_count: 1,
			result_count: 0,
			entities_requested: 1,
			entities_fulfilled: 0,
			created_at: expect.any(String),
			completed_at: expect.any(String),
			error_message: 'Internal processing error',
		});
		expect((await finished(fine)).status).toBe('completed');
		const { credits } = await enrichNow('professional_network_profile_urls', [ADA], ['basic_profile', 'social_handles']);
		expect(sandbox.creditsUsed).toBe(credits * 2); // the fine job, and the synchronous request just made
		expect(submits().map((request) => request.creditsUsed)).toEqual([0, credits]);
	});
});

describe('results', () => {
	it('holds one record per matched identifier, duplicates twice, as the synchronous person_data, billed at its price when the job completes', async () => {
		const fields = ['contact', 'dev_platform_profiles', 'experience.employment_details.current.name'];
		const sent = [ADA, ADA, profileUrl('nomatch-ghost'), profileUrl('redacted-someone'), `${GRACE}?trk=public_profile`, GRACE, ALAN];
		const batchId = await accepted({ professional_network_profile_urls: sent, fields });
		expect(sandbox.creditsUsed).toBe(0);
		const status = await finished(batchId);
		expect(status).toMatchObject({ identifier_count: 7, entities_requested: 7, result_count: 4, entities_fulfilled: 4 });
		const records = recordsOf((await download(status.download_url ?? '')).bytes);
		expect(records.map((record) => record.original_identifier)).toEqual([ADA, ADA, GRACE, ALAN]);
		expect(batchRecordViolations(records, { identifiers: sent })).toEqual([]);
		// the synchronous answer for the same people and fields (basic_profile and social_handles always come)
		const now = await enrichNow('professional_network_profile_urls', [ADA, ADA, GRACE, ALAN], ['basic_profile', 'social_handles', ...fields]);
		expect(records.map((record) => record.data)).toEqual(now.entries.map((entry) => entry.matches[0].person_data));
		for (const record of records) {
			expect(record.internal_id).toBe(record.data.crustdata_person_id);
			expect(Object.keys(record).sort()).toEqual(['data', 'internal_id', 'original_identifier']);
		}
		expect(Object.keys(records[0].data).sort()).toEqual(['basic_profile', 'contact', 'crustdata_person_id', 'dev_platform_profiles', 'experience', 'social_handles']);
		// the job cost what the synchronous request cost, the duplicate included
		expect(now.credits).toBeGreaterThan(4);
		expect(sandbox.creditsUsed).toBe(now.credits * 2);
		expect(submits()[0].creditsUsed).toBe(now.credits);
	});

	it('gives an email the best of its candidates, without a score; generation 2 data and prices', async () => {
		const multi = 'multi.jane.doe@acme.io';
		const batchId = await accepted({ business_emails: [multi, 'nomatch.nobody@acme.io', 'jane.doe@gmail.com'] });
		const status = await finished(batchId);
		expect(status.result_count).toBe(1);
		const [record] = recordsOf((await download(status.download_urls?.[0] ?? '')).bytes);
		const now = await enrichNow('business_emails', [multi], ['basic_profile', 'social_handles']);
		const best = now.entries[0].matches.reduce((a, b) => (b.confidence_score > a.confidence_score ? b : a));
		expect(now.entries[0].matches.length).toBe(3);
		expect(record).toEqual({ original_identifier: multi, internal_id: best.person_data.crustdata_person_id, data: best.person_data });

		sandbox.reset();
		sandbox.configure({ apiGeneration: 2, grantedSections: ['social_posts'] });
		const second = await finished(await accepted({ professional_network_profile_urls: [ADA, GRACE], fields: ['social_posts', 'dev_platform_profiles'] }));
		const records = recordsOf((await download(second.download_url ?? '')).bytes);
		expect(batchRecordViolations(records, { generation: 2 })).toEqual([]);
		expect(batchRecordViolations(records, { generation: 1 })).not.toEqual([]);
		const gen2 = await enrichNow('professional_network_profile_urls', [ADA, GRACE], ['basic_profile', 'social_handles', 'social_posts', 'dev_platform_profiles']);
		expect(records.map((r) => r.data)).toEqual(gen2.entries.map((entry) => entry.matches[0].person_data));
		expect(gen2.credits).toBeGreaterThanOrEqual(12); // 1 + 5 social posts each, + developer platform
		expect(sandbox.creditsUsed).toBe(gen2.credits * 2);
	});

	it('completes a job where nothing matched with result_count 0, nothing billed, and links that 404', async () => {
		const status = await finished(
			await accepted({ professional_network_profile_urls: [profileUrl('nomatch-one'), profileUrl('redacted-two'), 'https://www.linkedin.com/company/acme'] }),
		);
		expect(status).toMatchObject({ status: 'completed', result_count: 0, entities_requested: 3, entities_fulfilled: 0 });
		expect(status.download_url).toEqual(expect.stringContaining(`${sandbox.resultsUrl}/results/${status.batch_id}/`));
		for (const url of [status.download_url ?? '', ...(status.download_urls ?? [])]) {
			const missing = await download(url);
			expect(missing.status).toBe(404);
			expect(missing.bytes.toString()).toContain('<Error><Code>NoSuchKey</Code>');
		}
		expect(sandbox.creditsUsed).toBe(0);
	});

	it('splits the records into gzip parts of partRecords, served without Content-Encoding, the whole in download_url', async () => {
		sandbox.configure({ batch: { partRecords: 2 } });
		const sent = ['ada-lovelace', 'grace-hopper', 'alan-turing', 'nomatch-x', 'katherine-johnson', 'edsger-dijkstra'].map(profileUrl);
		const status = await finished(await accepted({ professional_network_profile_urls: sent }));
		expect(status.result_count).toBe(5);
		const urls = status.download_urls ?? [];
		expect(urls.map((url) => new URL(url).pathname.split('/').pop())).toEqual(['part-0001.jsonl.gz', 'part-0002.jsonl.gz', 'part-0003.jsonl.gz']);
		const parts = await Promise.all(urls.map((url) => download(url)));
		for (const part of parts) {
			expect(part.status).toBe(200);
			expect(part.headers.get('content-encoding')).toBeNull();
			expect(part.headers.get('content-type')).toBe('application/octet-stream');
			expect([part.bytes[0], part.bytes[1]]).toEqual([0x1f, 0x8b]);
			expect(Number(part.headers.get('content-length'))).toBe(part.bytes.length);
			expect(batchRecordViolations(gunzipText(part.bytes), { identifiers: sent })).toEqual([]);
		}
		const partRecords = parts.map((part) => recordsOf(part.bytes));
		expect(partRecords.map((records) => records.length)).toEqual([2, 2, 1]);
		const whole = recordsOf((await download(status.download_url ?? '')).bytes);
		expect(partRecords.flat()).toEqual(whole);
		expect(whole.map((record) => record.original_identifier)).toEqual(sent.filter((url) => !url.includes('nomatch')));
		// the links point at the results origin, another port than the API's, pre-signed for 5 days
		const link = new URL(urls[0]);
		expect(link.origin).toBe(sandbox.resultsUrl);
		expect(link.origin).not.toBe(new URL(sandbox.url).origin);
		expect(link.searchParams.get('X-Amz-Expires')).toBe('432000');
		expect(link.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
	});

	it('refuses a download carrying an Authorization header (400, S3’s two-mechanisms error) and a bad or missing signature (403), and logs every request', async () => {
		const status = await finished(await accepted({ professional_network_profile_urls: [ADA] }));
		const url = status.download_urls?.[0] ?? '';
		const withKey = await download(url, authOnly());
		expect(withKey.status).toBe(400);
		expect(withKey.headers.get('content-type')).toBe('application/xml');
		expect(withKey.bytes.toString()).toContain(
			'<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified</Message>',
		);
		const link = new URL(url);
		const signature = link.searchParams.get('X-Amz-Signature') ?? '';
		link.searchParams.set('X-Amz-Signature', signature.replace(/^./, signature[0] === '0' ? '1' : '0'));
		const forged = await download(link.toString());
		expect(forged.status).toBe(403);
		expect(forged.bytes.toString()).toContain('<Code>SignatureDoesNotMatch</Code>');
		// a link of another job's path with this job's signature does not verify either
		const moved = await download(url.replace('part-0001', 'part-0002'));
		expect(moved.status).toBe(403);
		link.searchParams.delete('X-Amz-Signature');
		expect((await download(link.toString())).status).toBe(403);
		expect((await download(url)).status).toBe(200);
		expect(sandbox.downloads.map((entry) => [entry.method, entry.status, entry.headers.authorization])).toEqual([
			['GET', 400, `Bearer ${sandbox.apiKey}`],
			['GET', 403, undefined],
			['GET', 403, undefined],
			['GET', 403, undefined],
			['GET', 200, undefined],
		]);
		expect(sandbox.downloads[4]).toEqual({ at: expect.any(Number), method: 'GET', url: url.slice(sandbox.resultsUrl.length), headers: expect.any(Object), status: 200 });
		const remote = await readJson<unknown[]>(await fetch(`${sandbox.url}/__sandbox/downloads`));
		expect(remote).toHaveLength(5);
		// nothing about downloads lands in the API's request log
		expect(sandbox.requests.every((request) => request.path.startsWith('/batch'))).toBe(true);
	});
});

describe('faults', () => {
	it.each([
		['dropAfterCreate', 'dropped'],
		['error502AfterCreate', 502],
		['hangAfterCreate', null],
	] as const)('%s: the job is created, counts towards the cap and is billed, but the answer is lost', async (fault, logged) => {
		// processing outlasts the hang's 500 ms, so the job still holds the one slot after it
		sandbox.configure({ batch: { maxActive: 1, processingMs: 800 }, batchFaults: { submit: [fault] } });
		const body = JSON.stringify({ professional_network_profile_urls: [ADA, GRACE] });
		const answer = await fetch(`${sandbox.url}${SUBMIT}`, { method: 'POST', headers: submitHeaders(), body, signal: AbortSignal.timeout(500) }).then(
			async (response) => ({ status: response.status, type: response.headers.get('content-type'), text: await response.text() }),
			(error: Error) => error.name,
		);
		if (fault === 'dropAfterCreate') expect(answer).toBe('TypeError');
		if (fault === 'hangAfterCreate') expect(answer).toBe('TimeoutError');
		if (fault === 'error502AfterCreate') expect(answer).toEqual({ status: 502, type: 'text/html', text: expect.stringContaining('<title>502 Bad Gateway</title>') });
		expect(submits().map((request) => request.status)).toEqual([logged]);
		const { jobs } = await listed();
		expect(jobs.map((job) => [job.identifier_count, job.entity, job.action])).toEqual([[2, 'person', 'enrich']]);
		expect((await submit({ professional_network_profile_urls: [ADA] })).status).toBe(429);
		expect((await finished(jobs[0].batch_id)).result_count).toBe(2);
		expect(sandbox.creditsUsed).toBeGreaterThan(0);
		expect(sandbox.options.batchFaults.submit).toEqual([]);
		await accepted({ professional_network_profile_urls: [ADA] });
	});

	it('error500BeforeCreate: a 500 and no job; the next submit is answered', async () => {
		sandbox.configure({ batchFaults: { submit: ['error500BeforeCreate'] } });
		const lost = await submit({ professional_network_profile_urls: [ADA] });
		expect([lost.status, lost.json.error.type]).toEqual([500, 'internal_error']);
		expect((await listed()).jobs).toEqual([]);
		const batchId = await accepted({ professional_network_profile_urls: [ADA] });
		expect((await listed()).jobs.map((job) => job.batch_id)).toEqual([batchId]);
	});

	it('a fault waits for a submit that would be accepted: a refused one does not consume it', async () => {
		sandbox.configure({ batchFaults: { submit: ['error500BeforeCreate'] } });
		expect((await submit({ professional_network_profile_urls: [ADA], chunk_size: 1 })).status).toBe(400);
		expect(sandbox.options.batchFaults.submit).toEqual(['error500BeforeCreate']);
		expect((await submit({ professional_network_profile_urls: [ADA] })).status).toBe(500);
	});

	it('listDelayMs: a job whose submit answer was lost shows in the list only after the delay; others at once', async () => {
		sandbox.configure({ batchFaults: { submit: ['dropAfterCreate'], listDelayMs: 300 } });
		await expect(
			fetch(`${sandbox.url}${SUBMIT}`, { method: 'POST', headers: submitHeaders(), body: JSON.stringify({ professional_network_profile_urls: [ADA] }) }),
		).rejects.toThrow();
		const shown = await accepted({ professional_network_profile_urls: [GRACE] });
		expect((await listed()).jobs.map((job) => job.batch_id)).toEqual([shown]);
		await sleep(320);
		const { jobs } = await listed();
		expect(jobs).toHaveLength(2);
		expect(jobs[1].batch_id).not.toBe(shown);
		expect(jobs[1].identifier_count).toBe(1);
	});

	it('status faults: the next reads fail with a 500, a gateway 502, a dropped socket and no answer, then read normally', async () => {
		const batchId = await accepted({ professional_network_profile_urls: [ADA] });
		sandbox.configure({ batchFaults: { status: [500, 502, 'drop', 'hang'] } });
		const attempt = () =>
			fetch(`${sandbox.url}/batch/${batchId}`, { headers: authOnly(), signal: AbortSignal.timeout(400) }).then(
				(response) => response.status,
				(error: Error) => error.name,
			);
		expect(await attempt()).toBe(500);
		expect(await attempt()).toBe(502);
		expect(await attempt()).toBe('TypeError');
		expect(await attempt()).toBe('TimeoutError');
		expect(await attempt()).toBe(200);
		expect(sandbox.requests.filter((request) => request.path === `/batch/${batchId}`).map((request) => [request.status, request.scripted])).toEqual([
			[500, false],
			[502, true],
			['dropped', false],
			[null, false],
			[200, false],
		]);
	});

	it.each(['truncate', 'garbage', 'plain', 'contentEncoding'] as const)('results fault %s changes how every file is served', async (fault) => {
		const sent = ['ada-lovelace', 'grace-hopper', 'alan-turing', 'katherine-johnson'].map(profileUrl);
		const status = await finished(await accepted({ professional_network_profile_urls: sent, fields: ['experience', 'education'] }));
		const url = status.download_urls?.[0] ?? '';
		const normal = await download(url);
		const lines = gunzipText(normal.bytes);
		sandbox.configure({ batchFaults: { results: fault } });
		for (const target of [url, status.download_url ?? '']) {
			const served = await fetch(target);
			expect(served.status).toBe(200);
			if (fault === 'contentEncoding') {
				expect(served.headers.get('content-encoding')).toBe('gzip');
				expect(await served.text()).toBe(lines); // a client that honours the header gets the lines
				continue;
			}
			expect(served.headers.get('content-encoding')).toBeNull();
			const bytes = Buffer.from(await served.arrayBuffer());
			expect(Number(served.headers.get('content-length'))).toBe(bytes.length);
			if (fault === 'truncate') {
				expect(bytes.length).toBeLessThan(normal.bytes.length);
				expect(normal.bytes.subarray(0, bytes.length).equals(bytes)).toBe(true);
				expect(() => gunzipText(bytes)).toThrow();
			}
			if (fault === 'garbage') {
				expect([bytes[0], bytes[1]]).not.toEqual([0x1f, 0x8b]);
				expect(() => gunzipText(bytes)).toThrow();
				expect(batchRecordViolations(bytes.toString('utf8'))).not.toEqual([]);
			}
			if (fault === 'plain') {
				expect(bytes.toString('utf8')).toBe(lines);
				expect(batchRecordViolations(bytes.toString('utf8'), { identifiers: sent })).toEqual([]);
			}
		}
		// a switch, not a queue: reset() keeps it, configure() turns it off
		sandbox.reset();
		expect(sandbox.options.batchFaults.results).toBe(fault);
		sandbox.configure({ batchFaults: null });
		expect(sandbox.options.batchFaults.results).toBeNull();
	});

	it('otherJobs: another workflow’s jobs hold slots for runMs and show in the list, without results', async () => {
		sandbox.configure({
			batch: { pendingMs: 100, processingMs: 2_000 },
			batchFaults: {
				otherJobs: [
					{ identifierCount: 3, runMs: 400 },
					{ identifierCount: 7, runMs: 400, createdAgoMs: 60_000 },
				],
			},
		});
		expect(sandbox.options.batchFaults.otherJobs).toEqual([]);
		const before = await listed();
		expect(before.jobs.map((job) => [job.identifier_count, job.status])).toEqual([
			[3, 'pending'],
			[7, 'pending'],
		]);
		expect(Date.now() - Date.parse(before.jobs[1].created_at)).toBeGreaterThanOrEqual(60_000);
		const mine: string[] = [];
		for (let i = 0; i < 3; i++) mine.push(await accepted({ professional_network_profile_urls: [ADA] }));
		expect((await submit({ professional_network_profile_urls: [ADA] })).status).toBe(429);
		expect((await listed()).jobs.map((job) => job.batch_id).slice(0, 3)).toEqual(mine.reverse());
		const other = await finished(before.jobs[0].batch_id);
		expect(other).toMatchObject({ status: 'completed', identifier_count: 3, result_count: 0, entities_fulfilled: 0 });
		expect((await download(other.download_url ?? '')).status).toBe(404);
		await finished(before.jobs[1].batch_id);
		expect((await statusOf(mine[0])).status).toBe('processing');
		await accepted({ professional_network_profile_urls: [ADA] });
		expect(sandbox.creditsUsed).toBe(0); // another workflow's jobs bill nothing here
	});
});

describe('GET /batch', () => {
	it('lists the account’s jobs newest first, a page at a time, filtered by status', async () => {
		sandbox.configure({ batch: { pendingMs: 0, processingMs: 0 } });
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) ids.push(await accepted({ professional_network_profile_urls: [ADA] }));
		const newest = ids.slice().reverse();
		for (const id of ids) await finished(id);
		const first = await listed('?limit=2');
		expect(first.jobs.map((job) => job.batch_id)).toEqual(newest.slice(0, 2));
		expect([first.next_cursor, first.has_more]).toEqual([newest[1], true]);
		const second = await listed(`?limit=2&cursor=${first.next_cursor}`);
		expect(second.jobs.map((job) => job.batch_id)).toEqual(newest.slice(2, 4));
		const third = await listed(`?limit=2&cursor=${second.next_cursor}`);
		expect(third).toMatchObject({ jobs: [expect.objectContaining({ batch_id: newest[4] })], next_cursor: null, has_more: false });
		// the documented jobs carry no links; the status read has them
		expect(Object.keys(third.jobs[0]).sort()).toEqual(
			['action', 'batch_id', 'completed_at', 'created_at', 'entities_fulfilled', 'entities_requested', 'entity', 'identifier_count', 'result_count', 'status'].sort(),
		);
		expect((await listed()).jobs).toHaveLength(5);
		expect((await listed('?limit=0')).jobs).toHaveLength(1);
		expect((await listed('?limit=500')).jobs).toHaveLength(5);
		expect((await listed('?status=completed')).jobs).toHaveLength(5);
		expect((await listed('?status=pending')).jobs).toEqual([]);
		for (const query of ['?status=done', '?limit=two', `?cursor=${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`]) {
			const refused = await read(`/batch${query}`);
			expect([refused.status, (refused.json as ErrorBody).error.type]).toEqual([400, 'invalid_request']);
		}
		expect((await read('/batch', { authorization: 'Bearer wrong' })).status).toBe(401);
		expect(sandbox.requests.filter((request) => request.path === '/batch').every((request) => request.headers['x-api-version'] === undefined)).toBe(true);
	});
});

describe('webhook_url', () => {
	it('gets a POST of { batch_id, status } when the job completes or fails, without the key; an unreachable one is ignored', async () => {
		const trap = await startKeyTrap();
		try {
			sandbox.configure({ batch: { processingMs: 200 }, batchFaults: { failJobs: [{ error_message: 'Out of capacity' }] } });
			const failing = await accepted({ professional_network_profile_urls: [ADA], webhook_url: `${trap.url}/hooks/failed` });
			const done = await accepted({ professional_network_profile_urls: [GRACE], webhook_url: `${trap.url}/hooks/done?run=7` });
			const unreachable = await accepted({ professional_network_profile_urls: [ALAN], webhook_url: 'http://127.0.0.1:9/hooks' });
			expect(trap.received).toEqual([]);
			await Promise.all([failing, done, unreachable].map((id) => finished(id)));
			for (let i = 0; i < 100 && sandbox.webhooks.some((hook) => hook.status === null); i++) await sleep(10);
			expect(sandbox.webhooks.map((hook) => [hook.url, hook.body, hook.status])).toEqual([
				[`${trap.url}/hooks/failed`, { batch_id: failing, status: 'failed' }, 200],
				[`${trap.url}/hooks/done?run=7`, { batch_id: done, status: 'completed' }, 200],
				['http://127.0.0.1:9/hooks', { batch_id: unreachable, status: 'completed' }, 'error'],
			]);
			const received = trap.received.map((request) => [request.method, request.path, request.authorization, request.headers['content-type']]);
			expect(received.sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
				['POST', '/hooks/done', undefined, 'application/json'],
				['POST', '/hooks/failed', undefined, 'application/json'],
			]);
			expect(JSON.stringify(trap.received)).not.toContain(sandbox.apiKey);
			expect(await readJson<unknown[]>(await fetch(`${sandbox.url}/__sandbox/webhooks`))).toHaveLength(3);
		} finally {
			await trap.close();
		}
	});
});

describe('options, account endpoints, reset and close', () => {
	it('lists /batch/person/enrich with the person fields of the generation, not_enabled when disabled, at its own rpm', async () => {
		const entry = async (path: string) => {
			const answer = await read(`/account/endpoints?path=${path}`, submitHeaders());
			return (answer.json as SandboxAccountEndpoints).endpoints[0];
		};
		for (const generation of [1, 2] as const) {
			sandbox.configure({ apiGeneration: generation, gatedSections: ['honors'] });
			const [batch, person] = [await entry(SUBMIT), await entry('/person/enrich')];
			expect(batch).toMatchObject({ category: 'Batch', status: 'enabled', effective_rate_limit_rpm: 10 });
			expect(batch.fields).toEqual(person.fields);
			expect(batch.fields.disabled).toEqual(generation === 1 ? ['honors'] : ['honors', 'assessment', 'social_posts']);
			expect(batch.fields.enabled.includes('contact')).toBe(generation === 1);
		}
		sandbox.configure({ disabledEndpoints: [SUBMIT] });
		expect((await entry(SUBMIT)).status).toBe('not_enabled');
		expect((await entry('/person/enrich')).status).toBe('enabled');
	});

	it('takes batch and batchFaults through POST /__sandbox/configure as JSON, refuses nonsense, and shows resultsUrl in the state', async () => {
		const configure = (body: unknown) => fetch(`${sandbox.url}/__sandbox/configure`, { method: 'POST', body: JSON.stringify(body) });
		const ok = await configure({ batch: { processingMs: 30, partRecords: 3 }, batchFaults: { status: [502], submit: ['hangAfterCreate'], results: 'plain', listDelayMs: 5 } });
		expect(ok.status).toBe(200);
		expect(sandbox.options.batch).toEqual({ ...DEFAULT_OPTIONS.batch, processingMs: 30, partRecords: 3 });
		expect(sandbox.options.batchFaults).toEqual({ failJobs: [], submit: ['hangAfterCreate'], listDelayMs: 5, status: [502], results: 'plain', otherJobs: [] });
		for (const nonsense of [
			{ batch: { partRecords: 0 } },
			{ batch: { pending: 5 } },
			{ batchFaults: { submit: ['explode'] } },
			{ batchFaults: { results: 'zip' } },
			{ batchFaults: { otherJobs: [{ runMs: 5 }] } },
			{ batchFaults: { failJobs: ['boom'] } },
		]) {
			const refused = await configure(nonsense);
			expect(refused.status).toBe(400);
		}
		expect(() => sandbox.configure({ batchFaults: { status: [404 as 500] } })).toThrow(TypeError);
		expect(sandbox.options.batchFaults.status).toEqual([502]);
		const state = await readJson<{ resultsUrl: string; options: { batch: unknown } }>(await fetch(`${sandbox.url}/__sandbox/state`));
		expect(state.resultsUrl).toBe(sandbox.resultsUrl);
		expect(sandbox.resultsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(state.options.batch).toEqual(sandbox.options.batch);
		sandbox.configure({ batch: { processingMs: null } });
		expect(sandbox.options.batch.processingMs).toBe(DEFAULT_OPTIONS.batch.processingMs);
	});

	it('reset() clears every job, the downloads log and the fault queues; close() stops both origins and every timer', async () => {
		const own = await startSandbox({ batch: { processingMs: 60_000 }, batchFaults: { otherJobs: [{ identifierCount: 2, runMs: 60_000 }] } });
		try {
			const headers = { authorization: `Bearer ${own.apiKey}`, 'x-api-version': '2025-11-01', 'content-type': 'application/json' };
			const post = (body: unknown) => fetch(`${own.url}${SUBMIT}`, { method: 'POST', headers, body: JSON.stringify(body) });
			const list = async () => readJson<SandboxBatchList>(await fetch(`${own.url}/batch`, { headers }));
			expect((await list()).jobs).toHaveLength(1);
			own.configure({ batch: { processingMs: 0, pendingMs: 0 } });
			const { batch_id: batchId } = await readJson<SandboxBatchSubmitAnswer>(await post({ professional_network_profile_urls: [ADA] }));
			let status: SandboxBatchStatus;
			do status = await readJson<SandboxBatchStatus>(await fetch(`${own.url}/batch/${batchId}`, { headers }));
			while (status.status !== 'completed');
			await fetch(status.download_url ?? '');
			expect(own.downloads).toHaveLength(1);
			own.configure({ batchFaults: { submit: ['dropAfterCreate'], failJobs: [{ error_message: 'x' }], status: ['hang'], results: 'garbage' } });
			own.reset();
			expect(own.downloads).toEqual([]);
			expect(own.options.batchFaults).toEqual({ failJobs: [], submit: [], listDelayMs: 0, status: [], results: 'garbage', otherJobs: [] });
			expect((await list()).jobs).toEqual([]);
			expect((await fetch(status.download_url ?? '')).status).toBe(404);
			// a job in progress, a hanging submit: close() ends them all at once
			own.configure({ batch: { processingMs: 60_000 }, batchFaults: { submit: ['hangAfterCreate'] } });
			const hanging = post({ professional_network_profile_urls: [ADA] }).then(
				() => 'answered',
				() => 'cut off',
			);
			await sleep(50);
			const started = Date.now();
			await own.close();
			expect(Date.now() - started).toBeLessThan(1_000);
			expect(await hanging).toBe('cut off');
			await expect(fetch(own.resultsUrl)).rejects.toThrow();
			await expect(fetch(own.url)).rejects.toThrow();
		} finally {
			await own.close();
		}
	});
});

describe('POST /batch/person/contact/enrich (generation 2)', () => {
	const CONTACT_SUBMIT = '/batch/person/contact/enrich';
	const FULL = profileUrl('fullcontact-ada-lovelace'); // a business email, a personal email and a phone
	const NONE = profileUrl('nocontact-grace-hopper'); // nothing at all
	const KATHERINE = profileUrl('katherine-johnson'); // two business emails, a personal email, a phone
	const contactSubmit = (body: unknown, headers: Record<string, string> = submitHeaders()) => submit(body, headers, CONTACT_SUBMIT);
	const contactAccepted = (body: unknown) => accepted(body, CONTACT_SUBMIT);
	const dataOf = (record: SandboxBatchContactRecord): SandboxBatchContactData => ('data' in record ? record.data : record);

	/** A completed contact job's records, every line held to the contract (and to the fields it asked for). */
	async function contactRecords(batchId: string, sent: string[], fields: string[]): Promise<SandboxBatchContactRecord[]> {
		const status = await finished(batchId);
		expect(status).toMatchObject({ status: 'completed', entity: 'person', action: 'contact_enrich' });
		const text = gunzipText((await download(status.download_url ?? '')).bytes);
		expect(batchContactRecordViolations(text, { identifiers: sent, fields })).toEqual([]);
		return text
			.slice(0, -1)
			.split('\n')
			.map((line) => JSON.parse(line) as SandboxBatchContactRecord);
	}

	/** What the synchronous /person/contact/enrich answers for the same people: its contact sections, in order. */
	async function contactNow(urls: string[]) {
		const response = await fetch(`${sandbox.url}/person/contact/enrich`, {
			method: 'POST',
			headers: submitHeaders(),
			body: JSON.stringify({ professional_network_profile_urls: urls, fields: ['contact.business_emails', 'contact.personal_emails', 'contact.phone_numbers'] }),
		});
		expect(response.status).toBe(200);
		type Email = { email: string; status: string };
		type Entry = { matches: Array<{ person_data: { crustdata_person_id: number; contact: { business_emails: Email[]; personal_emails: Email[]; phone_numbers: string[] } } }> };
		return (await readJson<Entry[]>(response)).map((entry) => entry.matches[0].person_data);
	}

	/** Credits for the contact values a record delivers: business email 1, personal emails 2, phones 2. */
	const delivered = (data: SandboxBatchContactData) =>
		(data.business_email?.length ? 1 : 0) + (data.personal_contact_info?.personal_emails?.length ? 2 : 0) + (data.personal_contact_info?.phone_numbers?.length ? 2 : 0);

	beforeEach(() => sandbox.configure({ apiGeneration: 2 }));

	it('writes one envelope per matched profile with the person’s contact data, and the bare data with contactRecords bare', async () => {
		const fields = ['business_email', 'personal_contact_info'];
		const sent = [FULL, `${KATHERINE}/`, profileUrl('nomatch-ghost'), profileUrl('redacted-someone'), `${ALAN}?trk=public_profile`, NONE];
		const batchId = await contactAccepted({ professional_network_profile_urls: sent, fields });
		// the shape is fixed at submit: a job submitted after the switch is bare, the one before is not
		sandbox.configure({ batch: { contactRecords: 'bare' } });
		const bareId = await contactAccepted({ professional_network_profile_urls: sent.join(', '), fields: fields.join(',') });
		const status = await finished(batchId);
		expect(status).toMatchObject({ identifier_count: 6, entities_requested: 6, result_count: 3, entities_fulfilled: 3 });
		const records = await contactRecords(batchId, sent, fields);
		const now = await contactNow([FULL, KATHERINE, NONE]);
		expect(records).toEqual(
			now.map((person, i) => ({
				original_identifier: [FULL, `${KATHERINE}/`, NONE][i],
				internal_id: person.crustdata_person_id,
				data: {
					professional_network_url: [FULL, KATHERINE, NONE][i],
					person_id: person.crustdata_person_id,
					business_email: person.contact.business_emails.map(({ email, status: verdict }) => ({ email, status: verdict })),
					personal_contact_info: {
						personal_emails: person.contact.personal_emails.map(({ email, status: verdict }) => ({ email, status: verdict })),
						phone_numbers: person.contact.phone_numbers,
					},
				},
			})),
		);
		expect(dataOf(records[1]).business_email).toHaveLength(2);
		const bare = await contactRecords(bareId, sent, fields);
		expect(bare).toEqual(records.map(dataOf));
		expect(Object.keys(bare[0]).sort()).toEqual(['business_email', 'person_id', 'personal_contact_info', 'professional_network_url']);
		sandbox.configure({ batch: { contactRecords: null } });
		expect(sandbox.options.batch.contactRecords).toBe('envelope');
		expect(() => sandbox.configure({ batch: { contactRecords: 'flat' as 'bare' } })).toThrow(TypeError);
	});

	it('carries only the requested parts: a tier with nothing found is an empty list', async () => {
		const cases: Array<[string[], string[]]> = [
			[['business_email'], ['business_email']],
			[['personal_contact_info.phone_numbers'], ['personal_contact_info']],
			[['personal_contact_info.personal_emails', 'business_email'], ['business_email', 'personal_contact_info']],
		];
		const jobs = await Promise.all(cases.map(([fields]) => contactAccepted({ professional_network_profile_urls: [FULL, NONE], fields })));
		const people: SandboxBatchContactData[][] = [];
		for (const [i, [fields, keys]] of cases.entries()) {
			people.push((await contactRecords(jobs[i], [FULL, NONE], fields)).map(dataOf));
			for (const data of people[i]) expect(Object.keys(data).sort()).toEqual(['person_id', 'professional_network_url', ...keys].sort());
		}
		expect(people.map(([full, none]) => [full.business_email?.length, none.business_email])).toEqual([
			[1, []],
			[undefined, undefined],
			[1, []],
		]);
		expect(people[1].map((data) => data.personal_contact_info)).toEqual([{ phone_numbers: [expect.any(String)] }, { phone_numbers: [] }]);
		expect(people[2].map((data) => data.personal_contact_info)).toEqual([{ personal_emails: [expect.objectContaining({ status: 'deliverable' })] }, { personal_emails: [] }]);
	});

	it('bills only the contact values delivered (business 1, personal 2, phones 2, per person), nothing for a person with none', async () => {
		const fields = ['business_email', 'personal_contact_info'];
		const sent = [FULL, KATHERINE, ALAN, GRACE, NONE, FULL];
		const batchId = await contactAccepted({ professional_network_profile_urls: sent, fields });
		const records = await contactRecords(batchId, sent, fields);
		const credits = records.map((record) => delivered(dataOf(record)));
		expect(credits[0]).toBe(5);
		expect(credits[4]).toBe(0);
		expect(sandbox.creditsUsed).toBe(credits.reduce((a, b) => a + b, 0));
		const logged = sandbox.requests.filter((request) => request.path === CONTACT_SUBMIT);
		expect(logged.map((request) => request.creditsUsed)).toEqual([sandbox.creditsUsed]);
		// phones only: 2 for the one person who has one
		sandbox.reset();
		const phones = await contactAccepted({ professional_network_profile_urls: [FULL, ALAN], fields: ['personal_contact_info.phone_numbers'] });
		await contactRecords(phones, [FULL, ALAN], ['personal_contact_info.phone_numbers']);
		expect(sandbox.creditsUsed).toBe(2);
		// a person with no contact data at all: a record of empty lists, 0 credits
		sandbox.reset();
		const nothing = await contactAccepted({ professional_network_profile_urls: [NONE], fields });
		expect(dataOf((await contactRecords(nothing, [NONE], fields))[0])).toMatchObject({ business_email: [], personal_contact_info: { personal_emails: [], phone_numbers: [] } });
		expect(sandbox.creditsUsed).toBe(0);
		expect(sandbox.requests.find((request) => request.path === CONTACT_SUBMIT)?.creditsUsed).toBe(0);
	});

	it('refuses more than 300 URLs, fields outside its vocabulary or none, emails as identifiers and chunk_size, creating nothing', async () => {
		const refused = async (body: unknown) => {
			const answer = await contactSubmit(body);
			expect([answer.status, answer.json.error.type]).toEqual([400, 'invalid_request']);
			return answer.json.error;
		};
		const urls = (count: number) => Array.from({ length: count }, (_, i) => profileUrl(`person-${i}`));
		expect((await refused({ professional_network_profile_urls: urls(301), fields: ['business_email'] })).message).toBe('At most 300 identifiers per batch job');
		expect((await refused({ professional_network_profile_urls: urls(301).join(','), fields: ['business_email'] })).message).toBe('At most 300 identifiers per batch job');
		const vocabulary = ['business_email', 'personal_contact_info', 'personal_contact_info.personal_emails', 'personal_contact_info.phone_numbers'];
		for (const wrong of [['contact.business_emails'], ['business_email', 'websites'], ['basic_profile']]) {
			const error = await refused({ professional_network_profile_urls: [FULL], fields: wrong });
			expect(error.message).toBe(`Invalid fields: ${wrong.filter((f) => !vocabulary.includes(f)).join(', ')}`);
			expect(error.metadata).toEqual({ available_fields: vocabulary });
		}
		for (const none of [undefined, null, [], '']) {
			const error = await refused({ professional_network_profile_urls: [FULL], fields: none });
			expect(error.message).toBe(`fields is required: one or more of ${vocabulary.join(', ')}`);
		}
		expect((await refused({ business_emails: ['jane.doe@acme.io'], fields: ['business_email'] })).message).toBe(
			'/batch/person/contact/enrich takes professional_network_profile_urls only, not business_emails',
		);
		expect((await refused({ professional_network_profile_urls: [FULL], business_emails: ['jane.doe@acme.io'], fields: ['business_email'] })).message).toMatch(/only, not business_emails$/);
		expect((await refused({ professional_network_profile_urls: [FULL], fields: ['business_email'], chunk_size: 100 })).message).toBe('Unsupported parameters for batch jobs: chunk_size');
		expect((await refused({ professional_network_profile_urls: [FULL], fields: ['business_email'], verified: true })).message).toBe('Unsupported parameters for batch jobs: verified');
		expect((await refused({ professional_network_profile_urls: [], fields: ['business_email'] })).message).toBe('Exactly one identifier type must be provided.');
		expect((await refused({ professional_network_profile_urls: [FULL], fields: ['business_email'], webhook_url: 'nope' })).message).toBe('webhook_url must be an absolute http or https URL');
		expect((await listed()).jobs).toEqual([]);
		const most = await contactSubmit({ professional_network_profile_urls: urls(300), fields: ['business_email'], webhook_url: 'http://127.0.0.1:9/hook' });
		expect(most.json).toMatchObject({ status: 'pending', entity: 'person', action: 'contact_enrich', identifier_count: 300, entities_requested: 300 });
	});

	it('generation 1 refuses it as it refuses /person/contact/enrich (403, listed not_enabled); generation 2 lists it enabled; disabledEndpoints and the budget apply', async () => {
		const body = { professional_network_profile_urls: [FULL], fields: ['business_email'] };
		const entry = async (path: string) => (await read(`/account/endpoints?path=${path}`, submitHeaders())).json as SandboxAccountEndpoints;
		const vocabulary = ['business_email', 'personal_contact_info', 'personal_contact_info.personal_emails', 'personal_contact_info.phone_numbers'];
		sandbox.configure({ apiGeneration: 1 });
		const refused = await contactSubmit(body);
		expect([refused.status, refused.json.error]).toEqual([403, { type: 'permission_error', message: `Your plan does not include ${CONTACT_SUBMIT}. Contact Crustdata to upgrade.`, metadata: [] }]);
		const contactSync = await fetch(`${sandbox.url}/person/contact/enrich`, { method: 'POST', headers: submitHeaders(), body: JSON.stringify({ professional_network_profile_urls: [FULL] }) });
		expect([contactSync.status, (await readJson<ErrorBody>(contactSync)).error.type]).toEqual([403, 'permission_error']);
		expect((await entry(CONTACT_SUBMIT)).endpoints).toEqual([
			{ path: CONTACT_SUBMIT, category: 'Batch', status: 'not_enabled', effective_rate_limit_rpm: 10, fields: { enabled: [], disabled: vocabulary } },
		]);
		expect((await listed()).jobs).toEqual([]);
		sandbox.configure({ apiGeneration: 2 });
		expect((await entry(CONTACT_SUBMIT)).endpoints).toEqual([
			{ path: CONTACT_SUBMIT, category: 'Batch', status: 'enabled', effective_rate_limit_rpm: 10, fields: { enabled: vocabulary, disabled: [] } },
		]);
		const unversioned = { ...authOnly(), 'content-type': 'application/json' };
		expect((await contactSubmit(body, unversioned)).json.error.message).toBe('Missing required header: x-api-version');
		expect((await contactSubmit(body, { ...submitHeaders(), authorization: 'Bearer wrong' })).status).toBe(401);
		sandbox.configure({ disabledEndpoints: [CONTACT_SUBMIT] });
		expect([(await contactSubmit(body)).status, (await entry(CONTACT_SUBMIT)).endpoints[0].status]).toEqual([403, 'not_enabled']);
		expect((await entry(SUBMIT)).endpoints[0].status).toBe('enabled');
		sandbox.configure({ disabledEndpoints: [], creditBudget: 0 });
		const broke = await contactSubmit(body);
		expect([broke.status, broke.json.error.type]).toEqual([402, 'insufficient_credits']);
		expect((await listed()).jobs).toEqual([]);
	});

	it('shares the five-active-jobs cap with the enrich jobs, and the status, list and fault machinery', async () => {
		sandbox.configure({ batch: { processingMs: 10_000 } });
		const body = { professional_network_profile_urls: [FULL], fields: ['business_email'] };
		const ids = [await contactAccepted(body), await contactAccepted(body)];
		for (let i = 0; i < 3; i++) ids.push(await accepted({ professional_network_profile_urls: [ADA] }));
		for (const sixth of [await contactSubmit(body), await submit({ professional_network_profile_urls: [ADA] })]) {
			expect([sixth.status, sixth.json.error.message]).toEqual([429, 'Too many active batch jobs: at most 5 may be pending or processing at a time']);
		}
		const { jobs } = await listed();
		expect(jobs.map((job) => job.action)).toEqual(['enrich', 'enrich', 'enrich', 'contact_enrich', 'contact_enrich']);
		expect(await statusOf(ids[0])).toMatchObject({ batch_id: ids[0], entity: 'person', action: 'contact_enrich', identifier_count: 1 });
		sandbox.reset();
		// a null entry lets the first job through: only the second fails
		sandbox.configure({ batch: { processingMs: 20 }, batchFaults: { failJobs: [null, { error_message: 'Contact provider unavailable' }], results: 'plain' } });
		expect(sandbox.options.batchFaults.failJobs).toEqual([null, { error_message: 'Contact provider unavailable' }]);
		const served = await contactAccepted(body);
		const failing = await contactAccepted(body);
		expect(await finished(failing)).toMatchObject({ status: 'failed', action: 'contact_enrich', result_count: 0, error_message: 'Contact provider unavailable' });
		const status = await finished(served);
		const plain = await download(status.download_url ?? '');
		expect(batchContactRecordViolations(plain.bytes.toString('utf8'), { identifiers: [FULL], fields: ['business_email'] })).toEqual([]);
		expect(sandbox.creditsUsed).toBe(1); // the failed job bills nothing
	});

	it('holds to the contract: the exchanges and records parse, a wrong body or shape does not', async () => {
		const body = { professional_network_profile_urls: [FULL, NONE], fields: ['personal_contact_info'] };
		const batchId = await contactAccepted(body);
		const records = await contactRecords(batchId, body.professional_network_profile_urls, body.fields);
		const [exchange] = sandbox.requests.filter((request) => request.path === CONTACT_SUBMIT);
		expect(contractViolations([exchange])).toEqual([]);
		expect(batchContactSubmitRequest.safeParse(exchange.body).success).toBe(true);
		const where = `POST ${CONTACT_SUBMIT} → 200`;
		expect(contractViolations([{ ...exchange, body: { ...body, fields: ['contact.phone_numbers'] } }])).toEqual([
			expect.stringMatching(new RegExp(`^${where}: accepted a request the API refuses: fields`)),
		]);
		expect(contractViolations([{ ...exchange, body: { business_emails: ['jane.doe@acme.io'], fields: ['business_email'] } }])).toEqual([
			expect.stringMatching(new RegExp(`^${where}: accepted a request the API refuses: `)),
			`${where}: identifier_count 2 for 1 identifiers sent`,
		]);
		expect(contractViolations([{ ...exchange, apiGeneration: 1 }])).toEqual([`${where}: accepted a contact batch on generation 1 (generation-2 accounts only)`]);
		// the records asked for personal_contact_info: a business_email, or a missing part, breaks it
		const data = dataOf(records[0]);
		expect(batchContactRecordViolations([{ ...data, business_email: [] }], { fields: body.fields })).toEqual([
			'record 1: carries business_email, personal_contact_info.personal_emails, personal_contact_info.phone_numbers, not the personal_contact_info.personal_emails, personal_contact_info.phone_numbers asked for',
		]);
		expect(batchContactRecordViolations([{ ...data, personal_contact_info: {} }], { fields: body.fields })).toHaveLength(1);
		expect(batchContactRecordViolations([{ ...records[0], internal_id: 1 }])).toHaveLength(1);
	});
});
