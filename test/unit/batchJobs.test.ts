import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { runBatchJobs } from '../../nodes/CrustdataPersonEnrich/batch/batchJobs';
import { lostSubmitCandidates, pollDelayMs, readJobList, readJobStatus } from '../../nodes/CrustdataPersonEnrich/batch/jobAnswers';
import { jobBody, jobsWithinCap, MAX_JOB_IDENTIFIERS, planJobs } from '../../nodes/CrustdataPersonEnrich/batch/jobPlanning';
import { JobRecords } from '../../nodes/CrustdataPersonEnrich/batch/jobRecords';
import type { ResultsContext } from '../../nodes/CrustdataPersonEnrich/batch/jobResults';
import type { HttpAnswer } from '../../nodes/CrustdataPersonEnrich/transport/answerPolicy';
import { BATCH_CONTACT_PATH } from '../../nodes/CrustdataPersonEnrich/vocabulary';
import type { Download } from '../../nodes/CrustdataPersonEnrich/transport/download';
import { gzipLines } from '../harness/gzip';
import { settingsWith } from './settingsFixture';

const url = (slug: string) => `https://www.linkedin.com/in/${slug}`;
const answer = (statusCode: number, body: unknown = {}): HttpAnswer => ({ statusCode, headers: {}, body });
const person = (slug: string) => ({ crustdata_person_id: slug.length, basic_profile: { name: slug }, social_handles: { x: 1 }, experience: { y: 2 } });
const record = (identifier: string) => ({ original_identifier: identifier, internal_id: 1, data: person(identifier) });

describe('job planning', () => {
	it('sends each unique identifier in exactly one job of at most 10,000', () => {
		const raw = [...Array.from({ length: 10_001 }, (_, index) => url(`p-${index}`)), url('p-0'), ' HTTPS://linkedin.com/in/p-1/ '];
		const plan = planJobs(raw, 'profileUrl');
		expect(plan.batches.map((job) => job.length)).toEqual([MAX_JOB_IDENTIFIERS, 1]);
		expect(new Set(plan.batches.flat()).size).toBe(10_001);
		expect(plan.inputs[10_001]).toEqual({ itemIndex: 10_001, identifier: url('p-0') });
		expect(plan.inputs[10_002].identifier).toBe(url('p-1'));
	});

	it('submits the identifiers under their own key with the fields asked for', () => {
		const settings = settingsWith({ identifierType: 'businessEmail', fields: ['basic_profile'], operation: 'enrichBatch' });
		expect(jobBody(['jane@acme.io'], settings)).toEqual({
			business_emails: ['jane@acme.io'],
			fields: ['basic_profile', 'experience.employment_details.current.company_website_domain'],
		});
	});
});

describe('jobs within the credit cap', () => {
	const ids = Array.from({ length: 25_000 }, (_, index) => url(`p-${index}`));

	it('submits only the lookups the cap affords at the worst-case price, in input order', () => {
		const { jobs, unaffordable } = jobsWithinCap(ids, settingsWith({ operation: 'enrichBatch', maxCredits: 10_001 }));
		expect(jobs.map((job) => job.length)).toEqual([10_000, 1]);
		expect(unaffordable).toEqual(ids.slice(10_001));
	});

	it('prices each lookup as the price table does, developer platform profiles included', () => {
		const { jobs, unaffordable } = jobsWithinCap(ids.slice(0, 10), settingsWith({ operation: 'enrichBatch', maxCredits: 9, fields: ['dev_platform_profiles'] }));
		expect(jobs).toEqual([ids.slice(0, 4)]);
		expect(unaffordable).toHaveLength(6);
	});

	it('sends everything without a cap', () => {
		expect(jobsWithinCap(ids, settingsWith({ operation: 'enrichBatch' })).unaffordable).toEqual([]);
	});
});

describe('batch answers', () => {
	it('reads a status, with the parts of a completed job', () => {
		expect(
			readJobStatus({
				batch_id: 'b1',
				status: 'completed',
				identifier_count: 3,
				result_count: 2,
				created_at: '2026-12-05T10:00:00Z',
				download_url: 'https://s3/one',
				download_urls: ['https://s3/one', 'https://s3/two'],
			}),
		).toEqual({ batchId: 'b1', status: 'completed', identifierCount: 3, resultCount: 2, createdAt: Date.parse('2026-12-05T10:00:00Z'), downloadUrls: ['https://s3/one', 'https://s3/two'], errorMessage: undefined });
		expect(readJobStatus({ batch_id: 'b2', status: 'failed', error_message: 'boom', download_url: 'https://s3/x' })).toMatchObject({ errorMessage: 'boom', downloadUrls: ['https://s3/x'] });
		expect(readJobStatus({ status: 'completed' })).toBeUndefined();
		expect(readJobStatus('<html>')).toBeUndefined();
	});

	it('reads the job list bare or under a key, leaving out entries without a batch ID', () => {
		expect(readJobList([{ batch_id: 'a' }, { nope: 1 }]).map((job) => job.batchId)).toEqual(['a']);
		expect(readJobList({ batches: [{ batch_id: 'b' }] }).map((job) => job.batchId)).toEqual(['b']);
		expect(readJobList({ data: [{ batch_id: 'c' }] }).map((job) => job.batchId)).toEqual(['c']);
		expect(readJobList({ error: 'x' })).toEqual([]);
	});

	it('reads status at most a tenth of the job age apart, between 2 and 30 seconds', () => {
		expect(pollDelayMs(0)).toBe(2_000);
		expect(pollDelayMs(60_000)).toBe(6_000);
		expect(pollDelayMs(3_600_000)).toBe(30_000);
	});

	it('takes as a lost submit only jobs of the same size, created since it, and not already this run', () => {
		const sentAt = Date.parse('2026-12-05T10:00:00Z');
		const job = (batchId: string, identifierCount: number, createdAt: string) => ({ batchId, status: 'pending', identifierCount, createdAt: Date.parse(createdAt), downloadUrls: [] });
		const jobs = [
			job('ours', 5, '2026-12-05T10:00:01Z'),
			job('match', 5, '2026-12-05T09:59:30Z'),
			job('older', 5, '2026-12-05T09:58:00Z'),
			job('other-size', 6, '2026-12-05T10:00:02Z'),
		];
		expect(lostSubmitCandidates(jobs, { identifierCount: 5, sentAt }, new Set(['ours']))).toEqual(['match']);
	});
});

describe('job records', () => {
	const settings = settingsWith({ operation: 'enrichBatch', fields: ['experience'] });

	it('joins records on the identifier as normalised, gives no-matches for the rest, and ignores records never asked for', () => {
		const records = new JobRecords([url('ada'), url('ghost')], settings);
		records.add({ ...record('https://uk.linkedin.com/in/ada/'), original_identifier: 'https://uk.linkedin.com/in/ada/' });
		records.add(record(url('stranger')));
		records.add({ original_identifier: url('ghost'), data: 'not a profile' });
		records.add(null);
		const [ada, ghost] = records.all();
		expect(ada).toMatchObject({ matched_on: url('ada'), match_status: 'matched', matches: [{ confidence_score: 1 }] });
		expect(ghost).toEqual({ matched_on: url('ghost'), match_type: 'professional_network_profile_url', match_status: 'not_found', matches: [] });
		expect(records.all()).toHaveLength(2);
	});

	it('drops the sections batch jobs add that nobody asked for', () => {
		const records = new JobRecords([url('ada')], settings);
		records.add(record(url('ada')));
		expect(records.all()[0].matches?.[0].person_data).toEqual({ crustdata_person_id: person(url('ada')).crustdata_person_id, experience: { y: 2 } });
	});

	it('gives an email match no confidence score', () => {
		const records = new JobRecords(['jane@acme.io'], settingsWith({ operation: 'enrichBatch', identifierType: 'businessEmail' }));
		records.add(record('Jane@Acme.io'));
		expect(records.all()[0].matches?.[0].confidence_score).toBeNull();
	});
});

/** Crustdata's batch endpoints as a script: each call answers from its queue, the last answer repeating. */
function fakeContext(
	script: { submit?: Array<HttpAnswer | 'drop'>; status?: HttpAnswer[]; statusOf?: Record<string, HttpAnswer>; list?: HttpAnswer[]; files?: Record<string, Download> },
	maxWaitMs = 600_000,
) {
	let now = 1_000_000;
	const calls: string[] = [];
	const take = <T>(queue: T[] | undefined, fallback: T): T => (queue && queue.length > 1 ? queue.shift()! : (queue?.[0] ?? fallback));
	const context: ResultsContext = {
		endpoints: {
			submit: async ({ path, body }: { path: string; body: IDataObject }) => {
				calls.push(`${path === BATCH_CONTACT_PATH ? 'contact' : 'submit'} ${JSON.stringify(Object.values(body)[0])}`);
				const next = take(script.submit, answer(200, { batch_id: 'b1' }));
				if (next === 'drop') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
				return next;
			},
			status: async (batchId) => {
				calls.push(`status ${batchId}`);
				if (script.statusOf?.[batchId]) return script.statusOf[batchId];
				return take(script.status, answer(200, { batch_id: batchId, status: 'completed', result_count: 0 }));
			},
			list: async () => {
				calls.push('list');
				return take(script.list, answer(200, { batches: [] }));
			},
		},
		clock: { now: () => now, sleep: async (ms) => void (now += ms) },
		deadline: now + maxWaitMs,
		maxWaitMs,
		maxRetries: 2,
		timeoutMs: 1_000,
		runBatchIds: new Set(),
		slotWait: { ms: 0 },
		settings: settingsWith({ operation: 'enrichBatch' }),
		download: async (link) => {
			calls.push(`download ${link}`);
			return script.files?.[link] ?? { failed: 'its download answered 404', retryable: false };
		},
	};
	return { context, calls, clock: () => now };
}

const logged: string[] = [];
const run = (context: ResultsContext, jobs: string[][]) => runBatchJobs(context, { jobs }, (batchId) => logged.push(batchId));

describe('batch jobs', () => {
	it('waits for a job slot while Crustdata answers 429, and counts the wait', async () => {
		const { context, calls } = fakeContext({ submit: [answer(429), answer(429), answer(200, { batch_id: 'b1' })] });
		const result = await run(context, [[url('ada')]]);
		expect(result.batchIds).toEqual(['b1']);
		expect(calls.filter((call) => call.startsWith('submit'))).toHaveLength(3);
		expect(result.slotWaitMs).toBe(4_000);
		expect(result.jobs[0]).toMatchObject({ batchId: 'b1', entries: [{ matched_on: url('ada'), match_status: 'not_found' }] });
	});

	it('fails a job whose slot never came free within the wait limit, with nothing sent', async () => {
		const { context } = fakeContext({ submit: [answer(429)] }, 60_000);
		const result = await run(context, [[url('ada')]]);
		expect(result.batchIds).toEqual([]);
		expect(result.jobs[0]).toMatchObject({ failure: { message: 'No batch job slot came free within 1 minute, so nothing was spent on this item' } });
	});

	it('adopts the one job a lost submit created, and never submits it again', async () => {
		const created = new Date(1_000_000).toISOString();
		const { context, calls } = fakeContext({
			submit: ['drop'],
			list: [answer(200, { batches: [] }), answer(200, { batches: [{ batch_id: 'lost', identifier_count: 1, created_at: created, status: 'pending' }] })],
		});
		const result = await run(context, [[url('ada')]]);
		expect(calls.filter((call) => call.startsWith('submit'))).toHaveLength(1);
		expect(calls.filter((call) => call === 'list')).toHaveLength(2);
		expect(result.batchIds).toEqual(['lost']);
	});

	it('names every candidate when several jobs may be the lost one, and submits nothing more', async () => {
		const created = new Date(1_000_000).toISOString();
		const job = (batchId: string) => ({ batch_id: batchId, identifier_count: 1, created_at: created });
		const { context, calls } = fakeContext({ submit: [answer(502)], list: [answer(200, [job('x'), job('y')])] });
		const result = await run(context, [[url('ada')]]);
		expect(calls.filter((call) => call.startsWith('submit'))).toHaveLength(1);
		expect(result.jobs[0]).toMatchObject({ failure: { message: expect.stringContaining('x, y') } });
	});

	it('sends a lost submit again only after the list has shown no new job for about 10 seconds', async () => {
		const { context, calls, clock } = fakeContext({ submit: ['drop', answer(200, { batch_id: 'b2' })] });
		const started = clock();
		const result = await run(context, [[url('ada')]]);
		expect(calls.slice(0, 7)).toEqual([`submit ["${url('ada')}"]`, 'list', 'list', 'list', 'list', 'list', `submit ["${url('ada')}"]`]);
		expect(result.batchIds).toEqual(['b2']);
		expect(clock() - started).toBeGreaterThanOrEqual(10_000);
	});

	it('stops looking for a lost submit at the wait limit, sends nothing again, and says the job may be paid for', async () => {
		const { context, calls, clock } = fakeContext({ submit: ['drop', answer(200, { batch_id: 'b2' })] }, 6_000);
		const started = clock();
		const result = await run(context, [[url('ada')]]);
		expect(calls.filter((call) => call.startsWith('submit'))).toHaveLength(1);
		expect(calls.filter((call) => call === 'list')).toHaveLength(4);
		expect(clock() - started).toBe(6_000);
		expect(result.batchIds).toEqual([]);
		expect(result.jobs[0]).toMatchObject({ failure: { description: expect.stringMatching(/^Max Wait \(0.1 minutes\) ran out .* may be paid for/) } });
	});

	it("fails a failed job's inputs with its batch ID and Crustdata's reason, and leaves the other job's alone", async () => {
		const { context } = fakeContext({
			submit: [answer(200, { batch_id: 'bad' }), answer(200, { batch_id: 'good' })],
			status: [answer(200, { batch_id: 'bad', status: 'failed', error_message: 'Internal processing error' }), answer(200, { batch_id: 'good', status: 'completed', result_count: 0 })],
		});
		const result = await run(context, [[url('a')], [url('b')]]);
		expect(result.jobs[0]).toMatchObject({ identifiers: [url('a')], failure: { message: "Crustdata's batch job bad failed: Internal processing error" } });
		expect(result.jobs[1]).toMatchObject({ identifiers: [url('b')], entries: [{ match_status: 'not_found' }] });
	});

	it('reads status again after a 5xx or a failed read, until the job finishes', async () => {
		const { context, calls } = fakeContext({ status: [answer(503), answer(200, { batch_id: 'b1', status: 'processing' }), answer(200, { batch_id: 'b1', status: 'completed', result_count: 0 })] });
		const result = await run(context, [[url('ada')]]);
		expect(calls.filter((call) => call.startsWith('status'))).toHaveLength(3);
		expect(result.jobs[0]).toHaveProperty('entries');
	});

	it("fails an unfinished job's inputs at the wait limit, naming the batch ID and Get Batch Results", async () => {
		const { context, clock } = fakeContext({ status: [answer(200, { batch_id: 'b1', status: 'processing' })] }, 90_000);
		const started = clock();
		const result = await run(context, [[url('ada')]]);
		expect(result.jobs[0]).toMatchObject({ failure: { message: expect.stringMatching(/^Batch job b1 didn't finish within 1.5 minutes: .*Get Batch Results/) } });
		expect(clock() - started).toBe(90_000);
	});

	it('downloads nothing for a job with no records', async () => {
		const { context, calls } = fakeContext({ status: [answer(200, { batch_id: 'b1', status: 'completed', result_count: 0, download_url: 'https://s3/empty' })] });
		const result = await run(context, [[url('ada')]]);
		expect(calls.some((call) => call.startsWith('download'))).toBe(false);
		expect(result.jobs[0]).toMatchObject({ entries: [{ match_status: 'not_found' }] });
	});

	it('reads every part, and fails the job when the parts hold fewer records than it says', async () => {
		const part = (...slugs: string[]) => ({ bytes: gzipLines(slugs.map((slug) => record(url(slug)))) });
		const completed = (count: number) => answer(200, { batch_id: 'b1', status: 'completed', result_count: count, download_urls: ['https://s3/1', 'https://s3/2'] });
		const files = { 'https://s3/1': part('a'), 'https://s3/2': part('b') };
		const whole = await run(fakeContext({ status: [completed(2)], files }).context, [[url('a'), url('b'), url('c')]]);
		expect(whole.jobs[0]).toMatchObject({ entries: [{ match_status: 'matched' }, { match_status: 'matched' }, { match_status: 'not_found' }] });
		const short = await run(fakeContext({ status: [completed(3)], files }).context, [[url('a'), url('b'), url('c')]]);
		expect(short.jobs[0]).toMatchObject({ failure: { message: "The results of batch job b1 could not be read: they hold 2 of the job's 3 records" } });
	});

	it('tries a failed download again, then fails the job naming its batch ID', async () => {
		const { context, calls } = fakeContext({ status: [answer(200, { batch_id: 'b1', status: 'completed', result_count: 1, download_url: 'https://s3/gone' })], files: { 'https://s3/gone': { failed: 'its download answered 503', retryable: true } } });
		const result = await run(context, [[url('ada')]]);
		expect(calls.filter((call) => call.startsWith('download'))).toHaveLength(3);
		expect(result.jobs[0]).toMatchObject({ failure: { message: 'The results of batch job b1 could not be read: its download answered 503' } });
	});

	it('leaves later jobs unsent once a submit ends the run', async () => {
		const { context, calls } = fakeContext({ submit: [answer(401, { message: 'Invalid API key' })] });
		const result = await run(context, [[url('a')], [url('b')]]);
		expect(calls.filter((call) => call.startsWith('submit'))).toHaveLength(1);
		expect(result.jobs.map((job) => 'failure' in job && job.failure.message)).toEqual(['Crustdata rejected the API key', 'Crustdata rejected the API key']);
	});

	it('sends each person a profile job found to one contact job, as soon as that job is read, and no one it did not find', async () => {
		const found = (email: string, slug: string) => ({
			original_identifier: email,
			internal_id: 1,
			data: { basic_profile: { name: slug }, social_handles: { professional_network_identifier: { profile_url: url(slug) } } },
		});
		const completed = (batchId: string, count: number) =>
			answer(200, { batch_id: batchId, status: 'completed', result_count: count, download_urls: [`https://s3/${batchId}`] });
		const { context, calls } = fakeContext({
			submit: [answer(200, { batch_id: 'b1' }), answer(200, { batch_id: 'b2' }), answer(200, { batch_id: 'c1' }), answer(200, { batch_id: 'c2' })],
			statusOf: { b1: completed('b1', 2), c1: completed('c1', 0), c2: completed('c2', 0) },
			files: {
				'https://s3/b1': { bytes: gzipLines([found('ada@acme.io', 'ada'), found('ada@ada.dev', 'ada')]) },
				'https://s3/b2': { bytes: gzipLines([found('bob@acme.io', 'bob')]) },
			},
		});
		// The second profile job finishes only once a contact job was submitted: the run must not wait for it first.
		const { status } = context.endpoints;
		context.endpoints.status = async (batchId) => {
			if (batchId !== 'b2') return await status(batchId);
			// Real time passes between reads, as the first job's file inflates in real time.
			await sleep(5);
			return calls.some((call) => call.startsWith('contact')) ? completed('b2', 1) : answer(200, { batch_id: 'b2', status: 'processing' });
		};
		context.settings = settingsWith({ operation: 'enrichBatch', identifierType: 'businessEmail', contact: { tiers: ['business_emails'], verified: false } });
		const result = await runBatchJobs(context, { jobs: [['ada@acme.io', 'ada@ada.dev', 'ghost@acme.io'], ['bob@acme.io']] }, () => undefined, {
			tiers: ['business_emails'],
		});
		const contactSubmits = calls.filter((call) => call.startsWith('contact'));
		expect(contactSubmits).toEqual([`contact ["${url('ada')}"]`, `contact ["${url('bob')}"]`]);
		expect([...result.contactAsked]).toEqual([url('ada'), url('bob')]);
		expect(result.contactJobs.map((job) => job.identifiers)).toEqual([[url('ada')], [url('bob')]]);
		expect(result.batchIds).toEqual(['b1', 'b2', 'c1', 'c2']);
	});

	it('submits no contact job past a failure that ends the run, and fails its profiles with it', async () => {
		const completed = answer(200, { batch_id: 'b1', status: 'completed', result_count: 1, download_urls: ['https://s3/b1'] });
		const { context, calls } = fakeContext({
			submit: [answer(200, { batch_id: 'b1' }), answer(402, { error: { type: 'insufficient_credits', message: 'Insufficient credits' } })],
			statusOf: { b1: completed },
			files: { 'https://s3/b1': { bytes: gzipLines([record(url('ada'))]) } },
		});
		const result = await runBatchJobs(context, { jobs: [[url('ada')], [url('bob')]] }, () => undefined, { tiers: ['phone_numbers'] });
		expect(calls.filter((call) => call.startsWith('contact') || call.startsWith('submit'))).toEqual([`submit ["${url('ada')}"]`, `submit ["${url('bob')}"]`]);
		expect(result.contactJobs).toEqual([{ identifiers: [url('ada')], failure: expect.objectContaining({ endsRun: true, consequence: true }) }]);
	});

	it('submits nothing once Max Wait has run out, as a job sent then could not be waited for', async () => {
		const { context, calls } = fakeContext({}, 0);
		const result = await run(context, [[url('ada')]]);
		expect(calls).toEqual([]);
		expect(result.jobs[0]).toMatchObject({ failure: { message: 'Max Wait (0 minutes) ran out before this batch job was submitted, so it was not bought' } });
	});

	it('submits no further job, profile or contact, once the run is cancelled', async () => {
		const { context, calls } = fakeContext({ submit: [answer(200, { batch_id: 'b1' }), answer(200, { batch_id: 'b2' })] });
		const { sleep: advance } = context.clock;
		let cancelled = false;
		context.clock.sleep = async (ms) => {
			if (cancelled) throw new Error('The execution was cancelled');
			await advance(ms);
		};
		const { submit } = context.endpoints;
		context.endpoints.submit = async (request) => {
			cancelled = true;
			return await submit(request);
		};
		await expect(runBatchJobs(context, { jobs: [[url('a')], [url('b')]] }, () => undefined, { tiers: ['phone_numbers'] })).rejects.toThrow('cancelled');
		expect(calls.filter((call) => call.startsWith('submit') || call.startsWith('contact'))).toEqual([`submit ["${url('a')}"]`]);
	});
});
