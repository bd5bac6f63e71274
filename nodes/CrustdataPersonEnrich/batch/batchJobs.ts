// The batch jobs of one run: profile jobs, and contact jobs for the people they find, each submitted in turn as a slot allows and all waited for together.
import { contactKey } from '../contact/contactPass';
import { matchedPeople } from '../results/resultMapping';
import type { ApiEntry, ContactTier, ItemFailure } from '../types';
import { BATCH_CONTACT_PATH, ENDPOINT } from '../vocabulary';
import { ContactJobQueue, ContactRecords, contactJobBody } from './contactJobs';
import { jobBody } from './jobPlanning';
import { JobRecords } from './jobRecords';
import { finishJob, type JobOutcome, type RecordReader, type ResultsContext } from './jobResults';
import { submitJob, type JobRequest } from './jobSubmit';

export interface BatchJobsResult {
	jobs: JobOutcome[];
	/** The contact jobs: their identifiers are the profile URLs they were sent. */
	contactJobs: JobOutcome[];
	/** Every profile URL handed to a contact job, each once. */
	contactAsked: ReadonlySet<string>;
	/** Every job Crustdata accepted, in submit order. */
	batchIds: string[];
	slotWaitMs: number;
}

/** What the run wants besides profiles: the tiers contact jobs fetch, and who else hears of each profile found. */
export interface ContactHandOff {
	tiers: ContactTier[];
	onProfile?: (profileUrl: string) => void;
}

type JobStarter = (identifiers: string[], request: JobRequest, records: RecordReader) => Promise<JobOutcome>;

/**
 * Jobs are submitted one at a time, so a lost submit's job can be told from this run's others.
 * Each accepted job is logged at once: a crashed execution can then fetch it rather than pay again.
 * A failure that ends every request (a rejected key, no credits) leaves the later jobs unsent, and
 * a cancelled run stops at its next wait, with n8n's cancellation.
 */
function jobStarter(context: ResultsContext, logAccepted: (batchId: string, identifiers: number) => void): JobStarter {
	let turn: Promise<unknown> = Promise.resolve();
	let stop: ItemFailure | undefined;
	return async (identifiers, request, records) => {
		const submitting = turn.then(async () => (stop ? { failure: { ...stop, consequence: true } } : await submitJob(context, request)));
		turn = submitting.catch(() => undefined);
		const submitted = await submitting;
		if ('failure' in submitted) {
			if (submitted.failure.endsRun) stop ??= submitted.failure;
			return { identifiers, failure: submitted.failure };
		}
		context.runBatchIds.add(submitted.batchId);
		logAccepted(submitted.batchId, identifiers.length);
		return await finishJob(context, identifiers, submitted, records);
	};
}

/** The profile URLs of the people a profile job found, for their contact data. */
function foundProfiles(entries: ApiEntry[], context: ResultsContext): string[] {
	const { settings } = context;
	return entries.flatMap((entry) =>
		matchedPeople(entry, settings).flatMap((match) => contactKey(entry.matched_on, match.person_data, settings.identifierType) ?? []),
	);
}

/** Waits for every job, so a cancelled run leaves no rejection unheard. */
async function allOf(jobs: Array<Promise<JobOutcome>>): Promise<JobOutcome[]> {
	for (const job of jobs) job.catch(() => undefined);
	return await Promise.all(jobs);
}

/**
 * Runs the profile jobs, each asking for `fields`. With `contact`, the people a profile job finds
 * go to contact jobs as soon as its records are read, while later profile jobs still run; each
 * profile once.
 */
export async function runBatchJobs(
	context: ResultsContext,
	{ jobs, fields }: { jobs: string[][]; fields?: string[] },
	logAccepted: (batchId: string, identifiers: number) => void,
	contact?: ContactHandOff,
): Promise<BatchJobsResult> {
	const start = jobStarter(context, logAccepted);
	const contactQueue = new ContactJobQueue((profileUrls) =>
		start(
			profileUrls,
			{ path: BATCH_CONTACT_PATH, body: contactJobBody(profileUrls, contact?.tiers ?? []), identifierCount: profileUrls.length },
			new ContactRecords(profileUrls),
		),
	);
	const handOn = (profileUrl: string) => {
		if (contact?.tiers.length) contactQueue.add(profileUrl);
		contact?.onProfile?.(profileUrl);
	};
	const profileJobs = jobs.map(async (identifiers) => {
		const request = { path: ENDPOINT.enrichBatch, body: jobBody(identifiers, context.settings, fields), identifierCount: identifiers.length };
		const outcome = await start(identifiers, request, new JobRecords(identifiers, context.settings, fields));
		if (contact && 'entries' in outcome) {
			foundProfiles(outcome.entries, context).forEach(handOn);
			contactQueue.flush();
		}
		return outcome;
	});
	const profileOutcomes = await allOf(profileJobs);
	return {
		jobs: profileOutcomes,
		contactJobs: await contactQueue.close(),
		contactAsked: contactQueue.asked,
		batchIds: [...context.runBatchIds],
		slotWaitMs: context.slotWait.ms,
	};
}
