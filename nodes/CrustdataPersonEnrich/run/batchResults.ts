// Get Batch Results: the records of finished batch jobs named by the input items, each paired with the item that named it. Sends nothing billable.
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { jobFailed, jobStillRunning } from '../batch/batchFailures';
import { readResultFiles, readStatus, type FilesContext } from '../batch/jobResults';
import { batchEndpointsOn } from '../batch/jobSubmit';
import { MATCH_TYPE } from '../planning/requestPlanning';
import { isRecord, type ItemFailure } from '../types';
import type { InputOutcome } from '../results/resultMapping';
import { abortableClock, openCrustdataClient } from '../transport/client';
import { downloadResultFile } from '../transport/download';
import { retried } from '../transport/retryDecision';

export interface BatchResultsSettings {
	timeoutMs: number;
	maxRetries: number;
}

const NO_BATCH_ID: ItemFailure = {
	source: 'input',
	message: 'Batch ID is empty',
	description: 'Map the batch ID from the input item, e.g. {{ $json.batch_id }}',
};

/** A record as an output result: the identifier it was sent as, and its person data as the job returned it. */
function resultOf(record: unknown, batchId: string): IDataObject | undefined {
	if (!isRecord(record) || typeof record.original_identifier !== 'string' || !isRecord(record.data)) return undefined;
	const byEmail = record.original_identifier.includes('@') && !/linkedin\./i.test(record.original_identifier);
	return {
		matched_on: record.original_identifier,
		match_type: MATCH_TYPE[byEmail ? 'businessEmail' : 'profileUrl'],
		match_status: 'matched',
		confidence_score: byEmail ? null : 1,
		person_data: record.data,
		batch_id: batchId,
	};
}

type JobReading = { results: IDataObject[] } | { failure: ItemFailure };

/** One job's records; a job without any gives one not_found result, so the input that named it is not dropped. */
async function readJob(context: FilesContext & Parameters<typeof readStatus>[0], batchId: string): Promise<JobReading> {
	const status = await retried(context, async () => await readStatus(context, batchId), (read) => read === undefined);
	if (status === undefined) return { failure: jobStillRunning(batchId, 'its status could not be read') };
	if ('failure' in status) return status;
	if (status.status === 'failed') return { failure: jobFailed(batchId, status.errorMessage) };
	if (status.status !== 'completed') return { failure: jobStillRunning(batchId, status.status) };
	const results: IDataObject[] = [];
	const failure = await readResultFiles(context, status, (record) => {
		const result = resultOf(record, batchId);
		if (result) results.push(result);
	});
	if (failure) return { failure };
	return {
		results: results.length > 0 ? results : [{ batch_id: batchId, matched_on: '', match_status: 'not_found', confidence_score: null, person_data: null }],
	};
}

/** Every input's batch ID read; a job named by several inputs is read once. */
export async function batchResultOutcomes(context: IExecuteFunctions, batchIds: string[], settings: BatchResultsSettings): Promise<InputOutcome[]> {
	const { timeoutMs, maxRetries } = settings;
	const client = await openCrustdataClient(context, timeoutMs);
	const jobContext = {
		endpoints: batchEndpointsOn(client, timeoutMs),
		clock: abortableClock(client.signal),
		maxRetries,
		download: async (url: string) => await downloadResultFile(context, url, timeoutMs),
	};
	const readings = new Map<string, JobReading>();
	for (const batchId of new Set(batchIds.filter(Boolean))) readings.set(batchId, await readJob(jobContext, batchId));
	return batchIds.map((batchId, itemIndex): InputOutcome => {
		const reading = readings.get(batchId) ?? { failure: NO_BATCH_ID };
		return { itemIndex, identifier: batchId, ...reading };
	});
}
