import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { CrustdataEnrichApi } from '../../credentials/CrustdataEnrichApi.credentials';
import { CrustdataPersonEnrich } from '../../nodes/CrustdataPersonEnrich/CrustdataPersonEnrich.node';
import { callAsTool, captureNodeLogs } from '../harness/n8n';
import type { Sandbox } from '../sandbox/server';
import { profileUrl, runNode, urlItems, useSandbox, type RunOptions } from './runNode';

/**
 * Enrich in Batch Jobs and Get Batch Results through n8n's engine against the sandbox's batch
 * endpoints, whose jobs run on a short, time-scaled schedule.
 */

const currentSandbox = useSandbox({ rateLimit: null });
let sandbox: Sandbox;
beforeEach(() => {
	sandbox = currentSandbox();
});

const SUBMIT = '/batch/person/enrich';
const submits = () => sandbox.requests.filter((request) => request.method === 'POST' && request.path === SUBMIT);
const acceptedIds = () => submits().flatMap((request) => (request.status === 200 ? [(request.answer?.body as IDataObject).batch_id as string] : []));
const statusReads = () => sandbox.requests.filter((request) => request.method === 'GET' && /^\/batch\/[^/]+$/.test(request.path));
const billable = () => sandbox.requests.filter((request) => request.method === 'POST');

const batchRun = (options: RunOptions = {}) =>
	runNode(sandbox, { ...options, parameters: { operation: 'enrichBatch', identifierType: 'profileUrl', profileUrl: '={{ $json.url }}', ...options.parameters } });

const continuing = (urls: string[], options: RunOptions = {}) => batchRun({ items: urlItems(urls), onError: 'continueRegularOutput', ...options });

describe('Enrich in Batch Jobs', () => {
	it('submits each unique identifier once, and maps every record back to every input that asked for it', async () => {
		const inputs = [profileUrl('ada-lovelace'), 'https://uk.linkedin.com/in/Ada-Lovelace/?trk=x', profileUrl('nomatch-ghost'), profileUrl('grace-hopper')];
		const run = await batchRun({ items: urlItems(inputs), parameters: { fields: ['experience'] } });
		expect(run.status).toBe('success');
		expect(submits()).toHaveLength(1);
		expect(submits()[0].body).toEqual({
			professional_network_profile_urls: [profileUrl('ada-lovelace'), profileUrl('nomatch-ghost'), profileUrl('grace-hopper')],
			fields: ['experience'],
		});
		const items = run.outputs[0];
		expect(items.map((item) => [item.pairedItem, item.json.matched_on, item.json.match_status, item.json.confidence_score])).toEqual([
			[{ item: 0 }, profileUrl('ada-lovelace'), 'matched', 1],
			[{ item: 1 }, profileUrl('ada-lovelace'), 'matched', 1],
			[{ item: 2 }, profileUrl('nomatch-ghost'), 'not_found', null],
			[{ item: 3 }, profileUrl('grace-hopper'), 'matched', 1],
		]);
		// Batch jobs add Basic Profile and Social Handles; only Experience was asked for.
		expect(Object.keys(items[0].json.person_data as IDataObject).sort()).toEqual(['crustdata_person_id', 'experience']);
		const [batchId] = acceptedIds();
		expect(run.hints[0].message).toMatch(new RegExp(`^Enriched 3 of 4 inputs in 1 batch job \\(${batchId}\\); 1 not found, 0 failed`));
	});

	it('downloads the results without the API key, from the results host only', async () => {
		const run = await batchRun({ items: urlItems([profileUrl('ada-lovelace')]) });
		expect(run.status).toBe('success');
		expect(sandbox.downloads.length).toBeGreaterThan(0);
		for (const download of sandbox.downloads) {
			expect(download.headers.authorization).toBeUndefined();
			expect(JSON.stringify(download)).not.toContain(sandbox.apiKey);
			expect(download.status).toBe(200);
		}
	});

	it('looks people up by business email, with no score and the employer check', async () => {
		const run = await batchRun({
			items: [{ email: 'Jane.Doe@acme.io ' }, { email: 'nomatch.nobody@acme.io' }],
			parameters: { identifierType: 'businessEmail', businessEmail: '={{ $json.email }}', fields: ['basic_profile'] },
		});
		expect(submits()[0].body).toMatchObject({ business_emails: ['jane.doe@acme.io', 'nomatch.nobody@acme.io'] });
		const [jane, nobody] = run.outputs[0];
		expect(jane.json).toMatchObject({ matched_on: 'jane.doe@acme.io', match_status: 'matched', confidence_score: null, verification: { email_domain_matches_employer: expect.any(Boolean) } });
		// The employer check's own field is taken out again.
		expect(Object.keys(jane.json.person_data as IDataObject).sort()).toEqual(['basic_profile', 'crustdata_person_id']);
		expect(nobody.json.match_status).toBe('not_found');
	});

	it('sends more than 10,000 unique identifiers as several jobs, none in two', async () => {
		const urls = Array.from({ length: 10_001 }, (_, index) => profileUrl(`bulk-person-${index}`));
		const run = await batchRun({ items: urlItems([...urls, urls[0]]), parameters: { fields: ['basic_profile'] } });
		expect(run.status).toBe('success');
		const sent = submits().map((request) => (request.body as IDataObject).professional_network_profile_urls as string[]);
		expect(sent.map((job) => job.length)).toEqual([10_000, 1]);
		expect(new Set(sent.flat()).size).toBe(10_001);
		expect(run.outputs[0]).toHaveLength(10_002);
		expect(run.outputs[0][10_001].pairedItem).toEqual({ item: 10_001 });
		expect(run.outputs[0][10_001].json.matched_on).toBe(urls[0]);
	}, 120_000);

	it('waits for a job slot while other workflows hold all five, and says how long', async () => {
		sandbox.configure({ batchFaults: { otherJobs: Array.from({ length: 5 }, () => ({ identifierCount: 3, runMs: 3_000 })) } });
		const run = await batchRun({ items: urlItems([profileUrl('ada-lovelace')]) });
		expect(run.status).toBe('success');
		expect(submits().map((request) => request.status)).toEqual(expect.arrayContaining([429, 200]));
		expect(submits().at(-1)?.status).toBe(200);
		expect(run.hints[0].message).toMatch(/; waited \d+ seconds for a batch job slot$/);
	}, 30_000);

	it("fails a failed job's inputs with its batch ID and Crustdata's reason", async () => {
		sandbox.configure({ batchFaults: { failJobs: [{ error_message: 'Internal processing error' }] } });
		const run = await continuing([profileUrl('ada-lovelace'), profileUrl('grace-hopper')]);
		const [batchId] = acceptedIds();
		expect(run.outputs[0].map((item) => item.json.error)).toEqual(Array(2).fill(`Crustdata's batch job ${batchId} failed: Internal processing error`));
	});

	it('reads the status again after failed reads', async () => {
		sandbox.configure({ batchFaults: { status: [500, 'drop', 502] } });
		const run = await batchRun({ items: urlItems([profileUrl('ada-lovelace')]) });
		expect(run.status).toBe('success');
		expect(statusReads().length).toBeGreaterThanOrEqual(4);
		expect(run.outputs[0][0].json.match_status).toBe('matched');
	}, 30_000);

	it.each(['dropAfterCreate', 'error502AfterCreate'] as const)('adopts the job a lost submit created (%s) rather than paying for a second', async (fault) => {
		sandbox.configure({ batchFaults: { submit: [fault] } });
		const run = await batchRun({ items: urlItems([profileUrl('ada-lovelace'), profileUrl('grace-hopper')]) });
		expect(run.status).toBe('success');
		expect(submits()).toHaveLength(1);
		expect(run.outputs[0].map((item) => item.json.match_status)).toEqual(['matched', 'matched']);
	}, 30_000);

	it('reads the job list for a while before adopting a job that shows late', async () => {
		sandbox.configure({ batchFaults: { submit: ['dropAfterCreate'], listDelayMs: 4_000 } });
		const run = await batchRun({ items: urlItems([profileUrl('ada-lovelace')]) });
		expect(run.status).toBe('success');
		expect(submits()).toHaveLength(1);
		expect(sandbox.requests.filter((request) => request.path === '/batch').length).toBeGreaterThan(1);
	}, 30_000);

	it('sends a submit again when the list shows no job it created', async () => {
		sandbox.configure({ batchFaults: { submit: ['error500BeforeCreate'] } });
		const run = await batchRun({ items: urlItems([profileUrl('ada-lovelace')]) });
		expect(run.status).toBe('success');
		expect(submits().map((request) => request.status)).toEqual([500, 200]);
	}, 30_000);

	it('names every candidate when several new jobs may be the lost one, and pays for no other', async () => {
		sandbox.configure({ batchFaults: { submit: ['dropAfterCreate'], otherJobs: [{ identifierCount: 1, runMs: 60_000 }] } });
		const run = await continuing([profileUrl('ada-lovelace')]);
		expect(submits()).toHaveLength(1);
		expect(run.outputs[0][0].json.error).toMatch(/^Crustdata's answer to a batch job submit was lost, and any of the batch jobs \S+, \S+ may be this one$/);
	}, 30_000);

	it("fails an unfinished job's inputs at the wait limit, naming its batch ID and Get Batch Results", async () => {
		sandbox.configure({ batch: { processingMs: 60_000 } });
		const started = Date.now();
		const run = await continuing([profileUrl('ada-lovelace')], { parameters: { options: { maxWaitMinutes: 0.05 } } });
		const [batchId] = acceptedIds();
		expect(run.outputs[0][0].json.error).toBe(
			`Batch job ${batchId} didn't finish within 0.05 minutes: its results can be fetched for free with Get Batch Results for 5 days after it finishes`,
		);
		expect(Date.now() - started).toBeLessThan(10_000);
	}, 30_000);

	it('stops waiting at once when the execution is cancelled', async () => {
		sandbox.configure({ batch: { processingMs: 60_000 } });
		const run = await batchRun({ items: urlItems([profileUrl('ada-lovelace')]), cancelAfterMs: 3_000 });
		expect(run.status).toBe('canceled');
		const readsAtCancel = statusReads().length;
		await sleep(4_000);
		expect(statusReads()).toHaveLength(readsAtCancel);
	}, 30_000);

	it('downloads nothing for a job with no records: every input is not_found', async () => {
		const run = await batchRun({ items: urlItems([profileUrl('nomatch-one'), profileUrl('nomatch-two')]) });
		expect(run.outputs[0].map((item) => item.json.match_status)).toEqual(['not_found', 'not_found']);
		expect(sandbox.downloads).toEqual([]);
	});

	it.each(['truncate', 'garbage'] as const)('fails every input of a job whose results file is unreadable (%s), naming the batch ID', async (fault) => {
		sandbox.configure({ batchFaults: { results: fault } });
		const run = await continuing([profileUrl('ada-lovelace'), profileUrl('grace-hopper')]);
		const [batchId] = acceptedIds();
		for (const item of run.outputs[0]) expect(item.json.error).toMatch(new RegExp(`^The results of batch job ${batchId} could not be read: `));
	});

	it.each(['plain', 'contentEncoding'] as const)('reads results the host sent already inflated (%s)', async (fault) => {
		sandbox.configure({ batchFaults: { results: fault } });
		const run = await batchRun({ items: urlItems([profileUrl('ada-lovelace')]) });
		expect(run.outputs[0][0].json.match_status).toBe('matched');
	});

	it('refuses, before anything billable is sent, a plan without batch jobs or a denied field', async () => {
		sandbox.configure({ disabledEndpoints: [SUBMIT] });
		const off = await batchRun({ items: urlItems([profileUrl('ada-lovelace')]) });
		expect(off.error?.message).toBe('Your Crustdata plan does not include Enrich in Batch Jobs (/batch/person/enrich)');
		sandbox.configure({ disabledEndpoints: [], gatedSections: ['education'] });
		const denied = await batchRun({ items: urlItems([profileUrl('ada-lovelace')]), parameters: { fields: ['education'] } });
		expect(denied.error?.message).toBe("Your Crustdata plan does not include the field 'education'");
		expect(billable()).toEqual([]);
	});

	it('refuses a wait of 0, with nothing sent', async () => {
		const zeroWait = await batchRun({ items: urlItems([profileUrl('ada-lovelace')]), parameters: { options: { maxWaitMinutes: 0 } } });
		expect(zeroWait.error?.message).toBe('Max Wait (Minutes) must be more than 0');
		expect(sandbox.requests).toEqual([]);
	});

	it('dry-runs without submitting anything: jobs counted as requests, priced from the price table, no time promised', async () => {
		const urls = [profileUrl('ada-lovelace'), profileUrl('grace-hopper'), profileUrl('nomatch-ghost')];
		const run = await batchRun({ items: urlItems(urls), parameters: { fields: ['basic_profile', 'dev_platform_profiles'], options: { dryRun: true } } });
		expect(run.outputs[0].map((item) => item.json)).toEqual([
			expect.objectContaining({ dry_run: true, unique_identifiers: 3, requests: 1, max_credits: 6, estimated_seconds: null }),
		]);
		expect(run.hints[0].message).toBe('Dry run: nothing billable was sent; the run would send at most 1 batch job and cost at most 6 credits');
		expect(billable()).toEqual([]);
		expect(sandbox.requests.map((request) => request.path)).not.toContain('/batch');
	});

	it('fails a dry run the account would refuse, as the run would fail', async () => {
		sandbox.configure({ disabledEndpoints: [SUBMIT] });
		const run = await batchRun({ items: urlItems([profileUrl('ada-lovelace')]), parameters: { options: { dryRun: true } } });
		expect(run.error?.message).toBe('Your Crustdata plan does not include Enrich in Batch Jobs (/batch/person/enrich)');
		expect(billable()).toEqual([]);
	});

	it('submits only what Max Credits affords at the worst case, and never spends past it', async () => {
		const urls = ['ada-lovelace', 'grace-hopper', 'alan-turing', 'katherine-johnson'].map(profileUrl);
		const run = await continuing(urls, { parameters: { options: { maxCredits: 2 } } });
		expect((submits()[0].body as IDataObject).professional_network_profile_urls).toEqual(urls.slice(0, 2));
		expect(run.outputs[0].map((item) => item.json.match_status ?? item.json.error)).toEqual([
			'matched',
			'matched',
			'Not sent: the credit cap of 2 would be exceeded',
			'Not sent: the credit cap of 2 would be exceeded',
		]);
		expect(sandbox.creditsUsed).toBeLessThanOrEqual(2);
		expect(run.hints.map((hint) => hint.message)).toContain('Stopped at the credit cap of 2 credits: 2 inputs were not sent');
	});

	it('logs each batch ID as Crustdata accepts it, and never the key', async () => {
		const logs = captureNodeLogs();
		try {
			await batchRun({ items: urlItems([profileUrl('ada-lovelace')]) });
		} finally {
			logs.stop();
		}
		const [batchId] = acceptedIds();
		expect(logs.lines).toContainEqual(expect.objectContaining({ level: 'info', message: `Crustdata accepted batch job ${batchId} for 1 identifier` }));
		expect(JSON.stringify(logs.lines)).not.toContain(sandbox.apiKey);
	});

	it('names the paid jobs when a node that stops on errors fails', async () => {
		const run = await batchRun({ items: urlItems([profileUrl('nomatch-ghost')]), parameters: { options: { onNoMatch: 'error' } } });
		const [batchId] = acceptedIds();
		expect(run.error?.message).toBe(`Crustdata found no person for "${profileUrl('nomatch-ghost')}"`);
		expect(run.error?.description).toContain(`The run's batch jobs (${batchId}) are paid for`);
	});

	it('answers a tool call at once, sending nothing', async () => {
		const started = Date.now();
		const call = await callAsTool({
			nodeType: new CrustdataPersonEnrich(),
			credentialType: new CrustdataEnrichApi(),
			credentials: { apiKey: sandbox.apiKey, apiVersion: '2025-11-01', baseUrl: sandbox.url },
			parameters: { operation: 'enrichBatch', identifierType: 'profileUrl', profileUrl: "={{ $fromAI('profile_url', 'The profile URL', 'string') }}" },
			toolArgs: { profile_url: profileUrl('ada-lovelace') },
		});
		expect(call.answer).toEqual([{ error: 'Batch jobs are not available to agents, as they take minutes; use the Enrich operation, which answers within the call' }]);
		expect(Date.now() - started).toBeLessThan(2_000);
		expect(sandbox.requests).toEqual([]);
	});
});

describe('Get Batch Results', () => {
	const getResults = (batchIds: string[], options: RunOptions = {}) =>
		runNode(sandbox, {
			items: batchIds.map((batch_id) => ({ batch_id })),
			onError: 'continueRegularOutput',
			...options,
			parameters: { operation: 'getBatchResults', batchId: '={{ $json.batch_id }}', ...options.parameters },
		});

	it("gives one item per record of a finished job, paired with the item that named it, sending nothing billable", async () => {
		await batchRun({ items: urlItems([profileUrl('ada-lovelace'), profileUrl('nomatch-ghost'), profileUrl('grace-hopper')]) });
		const [batchId] = acceptedIds();
		const mark = sandbox.requests.length;
		const run = await getResults(['', batchId]);
		const [empty, ...records] = run.outputs[0];
		expect(empty.json.error).toBe('Batch ID is empty');
		expect(records.map((item) => [item.pairedItem, item.json.matched_on, item.json.match_status, item.json.batch_id])).toEqual(
			expect.arrayContaining([
				[{ item: 1 }, profileUrl('ada-lovelace'), 'matched', batchId],
				[{ item: 1 }, profileUrl('grace-hopper'), 'matched', batchId],
			]),
		);
		expect(records).toHaveLength(2);
		expect(records[0].json.person_data).toHaveProperty('basic_profile');
		expect(sandbox.requests.slice(mark).filter((request) => request.method === 'POST')).toEqual([]);
	});

	it('gives a finished job with no records one not_found item', async () => {
		await batchRun({ items: urlItems([profileUrl('nomatch-ghost')]) });
		const [batchId] = acceptedIds();
		const run = await getResults([batchId]);
		expect(run.outputs[0].map((item) => item.json)).toEqual([{ batch_id: batchId, matched_on: '', match_status: 'not_found', confidence_score: null, person_data: null }]);
	});

	it('says so for a job still running, a failed job and an unknown ID', async () => {
		sandbox.configure({ batch: { processingMs: 60_000 } });
		await continuing([profileUrl('ada-lovelace')], { parameters: { options: { maxWaitMinutes: 0.02 } } });
		const [running] = acceptedIds();
		sandbox.configure({ batch: { processingMs: 50 }, batchFaults: { failJobs: [{ error_message: 'Out of capacity' }] } });
		await continuing([profileUrl('grace-hopper')]);
		const failed = acceptedIds()[1];
		const run = await getResults([running, failed, 'no-such-batch']);
		expect(run.outputs[0].map((item) => item.json.error)).toEqual([
			expect.stringMatching(new RegExp(`^Batch job ${running} hasn't finished yet \\((pending|processing)\\)$`)),
			`Crustdata's batch job ${failed} failed: Out of capacity`,
			'Crustdata has no batch job no-such-batch on this account',
		]);
	}, 30_000);

	it('works as a tool, answering with the records', async () => {
		await batchRun({ items: urlItems([profileUrl('ada-lovelace')]) });
		const [batchId] = acceptedIds();
		const call = await callAsTool({
			nodeType: new CrustdataPersonEnrich(),
			credentialType: new CrustdataEnrichApi(),
			credentials: { apiKey: sandbox.apiKey, apiVersion: '2025-11-01', baseUrl: sandbox.url },
			parameters: { operation: 'getBatchResults', batchId: "={{ $fromAI('batch_id', 'The batch job ID', 'string') }}" },
			toolArgs: { batch_id: batchId },
		});
		expect(call.answer).toEqual([expect.objectContaining({ matched_on: profileUrl('ada-lovelace'), match_status: 'matched', person: expect.any(Object) })]);
	});
});
