// One Enrich in Batch Jobs run: the account check, the jobs, and every job's entries or failure joined back to the input items.
import type { IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import { runBatchJobs, type BatchJobsResult } from '../batch/batchJobs';
import { batchContactTiers, withWebsitesOf } from '../batch/contactJobs';
import type { JobOutcome, ResultsContext } from '../batch/jobResults';
import { jobFields, jobsWithinCap } from '../batch/jobPlanning';
import { batchEndpointsOn } from '../batch/jobSubmit';
import { classifyContactAnswer, contactEndpointPass, ContactBatches, type ContactAnswers } from '../contact/contactPass';
import { overCapFailure } from '../credits/creditCap';
import { MATCH_TYPE, normaliseProfileUrl, normaliserFor, requestSize, type Normalised, type RequestPlan } from '../planning/requestPlanning';
import { count } from '../quantities';
import { indexAnswers, joinResults, type InputOutcome } from '../results/resultMapping';
import { abortableClock } from '../transport/client';
import { downloadResultFile } from '../transport/download';
import { sendPass, type TransportResult } from '../transport/sendLoop';
import type { ApiEntry, EnrichSettings, ItemFailure } from '../types';
import { checkAccount, WEBSITES_ONLY, type AccountCheck } from './accountCheck';
import { capHint, droppedInputsHint, enrichedInputs } from './runSummary';

export interface BatchRun {
	outcomes: InputOutcome[];
	/** Absent when nothing was submitted: no input to send, or the account refused the run. */
	jobs?: BatchJobsResult;
	/** What contact jobs (and the contact endpoint, for websites) answered, when the profile jobs did not carry contact data. */
	contact?: ContactAnswers;
	/** What the account check has to say: an unreadable listing, a limit assumed. */
	accountHints: NodeExecutionHint[];
}

/** The jobs' entries and failures, keyed by identifier as the join reads them. */
function byIdentifier(jobs: JobOutcome[], normalise: (raw: unknown) => Normalised) {
	const entries: ApiEntry[] = [];
	const failures = new Map<string, ItemFailure>();
	for (const job of jobs) {
		if ('entries' in job) entries.push(...job.entries);
		else for (const identifier of job.identifiers) failures.set(identifier, job.failure);
	}
	return { answers: indexAnswers(entries, normalise), failures };
}

/**
 * What contact jobs found for each profile, with the websites the contact endpoint found added in.
 * A failed websites request never takes away the tiers a contact job delivered: those are paid for.
 */
function contactAnswers(jobs: BatchJobsResult, websites?: { asked: ReadonlySet<string>; result: TransportResult }): ContactAnswers {
	const { answers, failures } = byIdentifier(jobs.contactJobs, normaliseProfileUrl);
	if (!websites) return { asked: jobs.contactAsked, answers, failures };
	for (const [profileUrl, entry] of indexAnswers(websites.result.entries, normaliseProfileUrl)) {
		answers.set(profileUrl, withWebsitesOf(answers.get(profileUrl), entry));
	}
	const paidFor = (profileUrl: string) => jobs.contactAsked.has(profileUrl) && !failures.has(profileUrl);
	for (const [profileUrl, failure] of websites.result.failures) if (!paidFor(profileUrl)) failures.set(profileUrl, failure);
	return { asked: new Set([...jobs.contactAsked, ...websites.asked]), answers, failures };
}

/** The websites part of a run whose contact data comes from contact jobs: the contact endpoint, fed each profile found. */
function websitesPass(context: IExecuteFunctions, check: AccountCheck, settings: EnrichSettings) {
	const { websitesVerdict } = check;
	if (!websitesVerdict) return undefined;
	const profiles = new ContactBatches(requestSize(settings.batchSize));
	const pass = contactEndpointPass(profiles.feed, WEBSITES_ONLY, websitesVerdict.rateLimit);
	const result = sendPass(check.client, pass, settings.pacing, { classify: classifyContactAnswer, answerContext: check.answerContext });
	return { profiles, result };
}

/** Every input's outcome: nothing billable goes out on a run the account would refuse. */
export async function runBatchEnrichment(context: IExecuteFunctions, plan: RequestPlan, requested: EnrichSettings): Promise<BatchRun> {
	const matchType = MATCH_TYPE[requested.identifierType];
	const join = (answers: Map<string, ApiEntry>, failures: Map<string, ItemFailure>, settings = requested) =>
		joinResults(plan.inputs, answers, failures, settings, matchType);
	if (plan.batches.length === 0) return { outcomes: join(new Map(), new Map()), accountHints: [] };
	const check = await checkAccount(context, requested);
	const { settings } = check;
	if (check.refusal) {
		const refused = new Map(plan.batches.flat().map((identifier) => [identifier, check.refusal as ItemFailure]));
		return { outcomes: join(new Map(), refused), accountHints: hintsOf(check) };
	}
	const source = check.contactVerdict?.source;
	const { jobs: affordable, unaffordable } = jobsWithinCap(plan.batches.flat(), settings, source);
	const websites = websitesPass(context, check, settings);
	const fromContactJobs = settings.contact && source === 'contactEndpoint' ? batchContactTiers(settings.contact.tiers) : undefined;
	const running = runBatchJobs(
		jobContext(context, check),
		{ jobs: affordable, fields: jobFields(settings, source) },
		(batchId, identifiers) => context.logger.info(`Crustdata accepted batch job ${batchId} for ${count(identifiers, 'identifier')}`, { batchId }),
		fromContactJobs && { tiers: fromContactJobs, onProfile: websites && ((profileUrl) => websites.profiles.add(profileUrl)) },
	).finally(() => websites?.profiles.close());
	// Both awaited together, so a cancelled run leaves neither rejection unheard.
	const [jobs, websitesResult] = await Promise.all([running, websites?.result]);
	const { answers, failures } = byIdentifier(jobs.jobs, normaliserFor(settings.identifierType));
	for (const identifier of unaffordable) failures.set(identifier, overCapFailure(settings.maxCredits));
	return {
		outcomes: join(answers, failures, settings),
		jobs,
		contact: fromContactJobs && contactAnswers(jobs, websites && websitesResult && { asked: websites.profiles.asked, result: websitesResult }),
		accountHints: hintsOf(check),
	};
}

const hintsOf = ({ account, contactVerdict, websitesVerdict }: AccountCheck) =>
	[account.hint, contactVerdict?.hint, websitesVerdict?.hint].filter((hint) => hint !== undefined);

/** What the jobs need: the batch endpoints, the run's clock and wait limit, and the plain download for result files. */
function jobContext(context: IExecuteFunctions, { client, settings }: AccountCheck): ResultsContext {
	const clock = abortableClock(client.signal);
	const { timeoutMs, maxRetries } = settings.pacing;
	return {
		endpoints: batchEndpointsOn(client, timeoutMs),
		clock,
		deadline: clock.now() + settings.maxWaitMs,
		maxWaitMs: settings.maxWaitMs,
		maxRetries,
		timeoutMs,
		runBatchIds: new Set(),
		slotWait: { ms: 0 },
		settings,
		download: async (url) => await downloadResultFile(context, url, timeoutMs),
	};
}

const durationText = (ms: number) => (ms < 120_000 ? count(Math.round(ms / 1000), 'second') : count(Math.round(ms / 60_000), 'minute'));

/** What the user sees after a batch run: what came back, every batch ID (to fetch a job again for free), and the wait for slots. */
export function summariseBatchRun(plan: RequestPlan, run: BatchRun, settings: EnrichSettings): NodeExecutionHint[] {
	const { outcomes, jobs } = run;
	const failed = outcomes.filter((outcome) => 'failure' in outcome).length;
	const enriched = enrichedInputs(outcomes);
	const batchIds = jobs?.batchIds ?? [];
	const parts = [
		`Enriched ${enriched.toLocaleString('en-US')} of ${count(outcomes.length, 'input')} in ${count(batchIds.length, 'batch job')}` +
			(batchIds.length > 0 ? ` (${batchIds.join(', ')})` : ''),
		`${(outcomes.length - failed - enriched).toLocaleString('en-US')} not found, ${failed.toLocaleString('en-US')} failed`,
		...(jobs && jobs.slotWaitMs > 0 ? [`waited ${durationText(jobs.slotWaitMs)} for a batch job slot`] : []),
	];
	const hints: NodeExecutionHint[] = [{ message: parts.join('; '), type: failed > 0 ? 'warning' : 'info', location: 'outputPane' }];
	for (const hint of [droppedInputsHint(plan), capHint(outcomes, settings), ...run.accountHints]) if (hint) hints.push(hint);
	return hints;
}

/**
 * What the error of a node that stops adds: n8n shows neither its output nor its hints, and the
 * jobs it had accepted are paid for, so it names them to fetch rather than pay for again.
 */
export function batchRunNotes(run: BatchRun): string[] {
	const batchIds = run.jobs?.batchIds ?? [];
	return batchIds.length > 0
		? [
				`The run's batch jobs (${batchIds.join(', ')}) are paid for, and a node that stops outputs nothing: get their results for free with Get Batch Results, or set On Error to Continue`,
			]
		: [];
}
