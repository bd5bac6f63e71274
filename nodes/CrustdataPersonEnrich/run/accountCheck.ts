// The account check: what Crustdata says about the account before anything billable is sent, all asked at once and free.
import type { IExecuteFunctions } from 'n8n-workflow';

import { askBalance } from '../account/accountBalance';
import { askAccount, judgeAccount, type AccountReading, type AccountVerdict } from '../account/accountLimits';
import { judgeContact, type ContactVerdict } from '../contact/contactRoute';
import { employerCheckOnAccount } from '../results/employerCheck';
import type { AnswerContext } from '../transport/answerPolicy';
import { openCrustdataClient, type CrustdataClient } from '../transport/client';
import type { EnrichSettings, ItemFailure } from '../types';
import { CONTACT_ENRICH_PATH, ENDPOINT } from '../vocabulary';

/** What the account says before anything billable is sent. */
export interface AccountCheck {
	client: CrustdataClient;
	/** The run's settings, as the account lets the employer check read the employers' domains. */
	settings: EnrichSettings;
	account: AccountVerdict;
	contactVerdict?: ContactVerdict;
	/** The listings of the endpoints the run uses: the profile endpoint's, then the contact endpoint's. */
	readings: AccountReading[];
	/** The account's credits before the run, when Crustdata says; only the summary needs it, so nothing waits for it. */
	balance: Promise<number | undefined>;
	/** Set when the run must send nothing billable: every input fails with it. */
	refusal?: ItemFailure;
	/** What the listings told the answer policy. */
	answerContext: AnswerContext;
}

/** Asks the account about the endpoints the run would use and its balance, all at once and all free. */
export async function checkAccount(context: IExecuteFunctions, requested: EnrichSettings): Promise<AccountCheck> {
	const client = await openCrustdataClient(context, requested.pacing.timeoutMs);
	const { contact } = requested;
	const balance = askBalance(client, requested.pacing.timeoutMs);
	const [profileReading, contactReading] = await Promise.all([
		askAccount(client, ENDPOINT[requested.operation], requested),
		contact ? askAccount(client, CONTACT_ENRICH_PATH, requested) : undefined,
	]);
	const employerCheck = employerCheckOnAccount(requested, 'access' in profileReading ? profileReading.access.disabledFields : []);
	const settings = 'settings' in employerCheck ? employerCheck.settings : requested;
	const judged = judgeAccount(profileReading, settings);
	const account = 'refusal' in employerCheck ? { ...judged, refusal: judged.refusal ?? employerCheck.refusal } : judged;
	const contactVerdict =
		contact && contactReading ? judgeContact(contact, profileReading, contactReading, settings.pacing.maxRequestsPerMinute) : undefined;
	const readings = contactReading ? [profileReading, contactReading] : [profileReading];
	return {
		client,
		settings,
		account,
		contactVerdict,
		readings,
		balance,
		refusal: account.refusal ?? contactVerdict?.refusal,
		answerContext: { listingAnswered404: readings.some((reading) => 'unreadable' in reading && reading.statusCode === 404) },
	};
}
