// The account check: what Crustdata says about the account before anything billable is sent, all asked at once and free.
import type { IExecuteFunctions } from 'n8n-workflow';

import { askBalance } from '../account/accountBalance';
import { askAccount, judgeAccount, type AccountReading, type AccountVerdict } from '../account/accountLimits';
import { tierPathsOf } from '../batch/contactJobs';
import { judgeContact, type ContactVerdict } from '../contact/contactRoute';
import { employerCheckOnAccount } from '../results/employerCheck';
import type { AnswerContext } from '../transport/answerPolicy';
import { openCrustdataClient, type CrustdataClient } from '../transport/client';
import type { ContactSettings, EnrichSettings, ItemFailure } from '../types';
import { BATCH_CONTACT_PATH, CONTACT_ENRICH_PATH, ENDPOINT } from '../vocabulary';

/** What the account says before anything billable is sent. */
export interface AccountCheck {
	client: CrustdataClient;
	/** The run's settings, as the account lets the employer check read the employers' domains. */
	settings: EnrichSettings;
	account: AccountVerdict;
	contactVerdict?: ContactVerdict;
	/** With batch jobs whose contact data comes from contact jobs: where websites come from instead. */
	websitesVerdict?: ContactVerdict;
	/** The listings of the endpoints the run uses: the profile endpoint's, then the contact endpoints'. */
	readings: AccountReading[];
	/** The account's credits before the run, when Crustdata says; only the summary needs it, so nothing waits for it. */
	balance: Promise<number | undefined>;
	/** Set when the run must send nothing billable: every input fails with it. */
	refusal?: ItemFailure;
	/** What the listings told the answer policy. */
	answerContext: AnswerContext;
}

/**
 * Batch jobs on an account without contact data on the profile endpoint get it from contact
 * batch jobs, and websites (which those lack) from the contact endpoint. A batch run cannot
 * move mid-run, as its jobs are paid for by then: an account that does not say sends the tiers
 * with the profile, and a refusal costs nothing.
 */
function contactVerdictFor(requested: EnrichSettings, profileReading: AccountReading, contactReading: AccountReading): ContactVerdict | undefined {
	const { contact } = requested;
	if (!contact) return undefined;
	const verdict = judgeContact(contact, profileReading, contactReading, requested.pacing.maxRequestsPerMinute);
	return requested.operation === 'enrichBatch' && verdict.source === 'untold' ? { ...verdict, source: 'profile', mayMove: false } : verdict;
}

/** The contact batch endpoint's listing, its fields named as the tiers are everywhere else. */
function withTierNames(reading: AccountReading): AccountReading {
	if (!('access' in reading)) return reading;
	const { enabledFields, disabledFields } = reading.access;
	return { access: { ...reading.access, enabledFields: enabledFields && tierPathsOf(enabledFields), disabledFields: tierPathsOf(disabledFields) } };
}

/** Asks the account about the endpoints the run would use and its balance, all at once and all free. */
export async function checkAccount(context: IExecuteFunctions, requested: EnrichSettings): Promise<AccountCheck> {
	const client = await openCrustdataClient(context, requested.pacing.timeoutMs);
	const { contact } = requested;
	const inBatchJobs = requested.operation === 'enrichBatch';
	const ask = async (path: string) => await askAccount(client, path, requested);
	const balance = askBalance(client, requested.pacing.timeoutMs);
	const [profileReading, contactReading, websitesReading] = await Promise.all([
		ask(ENDPOINT[requested.operation]),
		contact ? (inBatchJobs ? ask(BATCH_CONTACT_PATH).then(withTierNames) : ask(CONTACT_ENRICH_PATH)) : undefined,
		contact?.tiers.includes('websites') && inBatchJobs ? ask(CONTACT_ENRICH_PATH) : undefined,
	]);
	const employerCheck = employerCheckOnAccount(requested, 'access' in profileReading ? profileReading.access.disabledFields : []);
	const settings = 'settings' in employerCheck ? employerCheck.settings : requested;
	const judged = judgeAccount(profileReading, settings);
	const account = 'refusal' in employerCheck ? { ...judged, refusal: judged.refusal ?? employerCheck.refusal } : judged;
	const contactVerdict = contactReading && contactVerdictFor(settings, profileReading, contactReading);
	const websitesVerdict =
		websitesReading && contactVerdict?.source === 'contactEndpoint'
			? judgeContact(WEBSITES_ONLY, profileReading, websitesReading, settings.pacing.maxRequestsPerMinute)
			: undefined;
	const readings = [profileReading, contactReading, websitesReading].filter((reading) => reading !== undefined);
	return {
		client,
		settings,
		account,
		contactVerdict,
		websitesVerdict,
		readings,
		balance,
		refusal: account.refusal ?? contactVerdict?.refusal ?? websitesVerdict?.refusal,
		answerContext: { listingAnswered404: readings.some((reading) => 'unreadable' in reading && reading.statusCode === 404) },
	};
}

export const WEBSITES_ONLY: ContactSettings = { tiers: ['websites'], verified: false };
