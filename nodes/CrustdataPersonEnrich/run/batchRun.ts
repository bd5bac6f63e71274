// One Enrich in Batch Jobs run: the account check, the jobs, and every job's entries or failure joined back to the input items.
import type { IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import { runBatchJobs, type BatchJobsResult } from '../batch/batchJobs';
import type { ResultsContext } from '../batch/jobResults';
import { jobsWithinCap } from '../batch/jobPlanning';
import { batchEndpointsOn } from '../batch/jobSubmit';
import { overCapFailure } from '../credits/creditCap';
import { MATCH_TYPE, normaliserFor, type RequestPlan } from '../planning/requestPlanning';
import { count } from '../quantities';
import { indexAnswers, joinResults, type InputOutcome } from '../results/resultMapping';
import { abortableClock } from '../transport/client';
import { downloadResultFile } from '../transport/download';
import type { ApiEntry, EnrichSettings, ItemFailure } from '../types';
import { checkAccount } from './accountCheck';
import { capHint, droppedInputsHint, enrichedInputs } from './runSummary';

export interface BatchRun {
	outcomes: InputOutcome[];
	/** Absent when nothing was submitted: no input to send, or the account refused the run. */
	jobs?: BatchJobsResult;
	accountHint?: NodeExecutionHint;
}

/** The jobs' entries and failures, keyed by identifier as the join reads them. */
function byIdentifier(jobs: BatchJobsResult, settings: EnrichSettings) {
	const entries: ApiEntry[] = [];
	const failures = new Map<string, ItemFailure>();
	for (const job of jobs.jobs) {
		if ('entries' in job) entries.push(...job.entries);
		else for (const identifier of job.identifiers) failures.set(identifier, job.failure);
	}
	return { answers: indexAnswers(entries, normaliserFor(settings.identifierType)), failures };
}

/** Every input's outcome: nothing billable goes out on a run the account would refuse. */
export async function runBatchEnrichment(context: IExecuteFunctions, plan: RequestPlan, requested: EnrichSettings): Promise<BatchRun> {
	const matchType = MATCH_TYPE[requested.identifierType];
	const join = (answers: Map<string, ApiEntry>, failures: Map<string, ItemFailure>, settings = requested) =>
		joinResults(plan.inputs, answers, failures, settings, matchType);
	if (plan.batches.length === 0) return { outcomes: join(new Map(), new Map()) };
	const check = await checkAccount(context, requested);
	const { client, settings, account } = check;
	if (check.refusal) {
		const refused = new Map(plan.batches.flat().map((identifier) => [identifier, check.refusal as ItemFailure]));
		return { outcomes: join(new Map(), refused), accountHint: account.hint };
	}
	const clock = abortableClock(client.signal);
	const { timeoutMs, maxRetries } = settings.pacing;
	const jobContext: ResultsContext = {
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
	const { jobs: affordable, unaffordable } = jobsWithinCap(plan.batches.flat(), settings);
	const jobs = await runBatchJobs(jobContext, affordable, (batchId, identifiers) =>
		context.logger.info(`Crustdata accepted batch job ${batchId} for ${count(identifiers, 'identifier')}`, { batchId }),
	);
	const { answers, failures } = byIdentifier(jobs, settings);
	for (const identifier of unaffordable) failures.set(identifier, overCapFailure(settings.maxCredits));
	return { outcomes: join(answers, failures, settings), jobs, accountHint: account.hint };
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
	for (const hint of [droppedInputsHint(plan), capHint(outcomes, settings), run.accountHint]) if (hint) hints.push(hint);
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
