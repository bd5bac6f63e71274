import type { IExecuteFunctions } from 'n8n-workflow';

import { askBalance } from './accountBalance';
import type { AnswerContext } from './answerPolicy';
import { askAccount, judgeAccount, sharedLimit, type AccountReading, type AccountVerdict } from './accountLimits';
import {
	classifyContactAnswer,
	CONTACT_ENRICH_PATH,
	contactEndpointPass,
	ContactBatches,
	type ContactAnswers,
	type ContactRunSettings,
} from './contactPass';
import { ContactRouting, judgeContact, type ContactVerdict } from './contactRoute';
import { CreditCap } from './creditCap';
import { employerCheckOnAccount } from './employerCheck';
import { SlidingWindow } from './pacer';
import { contactCredits, mostCredits, personCredits } from './prices';
import { buildRequestBody, ENDPOINT, identifierCount, normaliseProfileUrl, requestSize } from './requestPlanning';
import { indexAnswers } from './resultMapping';
import { BatchFeed, nothingSent, sendPass, type EndpointPass, type RunOptions, type TransportResult } from './sendLoop';
import { openCrustdataClient, type CrustdataClient } from './transport';
import type { EnrichSettings, ItemFailure } from './types';

/**
 * One run against the account: ask what it may do and what it holds (free), then send the
 * profile pass and, where the account serves contact data from its own endpoint, the contact
 * pass beside it, both within the credit cap. Nothing billable goes out on a run the account
 * would refuse, and nothing at all when there is nothing to send.
 */

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
	return {
		client,
		settings,
		account,
		contactVerdict,
		readings: contactReading ? [profileReading, contactReading] : [profileReading],
		balance,
		refusal: account.refusal ?? contactVerdict?.refusal,
		answerContext: { listingAnswered404: [profileReading, contactReading].some((reading) => reading && 'unreadable' in reading && reading.statusCode === 404) },
	};
}

export interface EnrichmentRun {
	profiles: TransportResult;
	/** What the contact endpoint answered, when contact data came from it. */
	contact?: ContactAnswers & { result: TransportResult };
	account?: AccountVerdict;
	contactVerdict?: ContactVerdict;
	/** Why contact data moved to the contact endpoint during the run. */
	contactMoved?: 'refused' | 'dropped';
	/** The account's credits before the run, and the most the run could cost. */
	balance?: number;
	mostCredits?: number;
}

export async function runEnrichment(
	context: IExecuteFunctions,
	batches: string[][],
	requested: EnrichSettings,
	matchType: string,
	options: RunOptions,
): Promise<EnrichmentRun> {
	if (batches.length === 0) return { profiles: nothingSent(batches) };
	const check = await checkAccount(context, requested);
	const { client, settings, account, contactVerdict } = check;
	if (check.refusal) return { profiles: nothingSent(batches, check.refusal), account, contactVerdict };
	const cap = settings.maxCredits > 0 ? new CreditCap(settings.maxCredits) : undefined;
	const { answerContext } = check;
	const sent =
		settings.contact && contactVerdict
			? await sendWithContact(client, {
					batches,
					settings: { ...settings, contact: settings.contact },
					matchType,
					options,
					account,
					contactVerdict,
					readings: check.readings,
					cap,
					answerContext,
				})
			: {
					profiles: await sendPass(client, profilePass(batches, settings, account, matchType), settings.pacing, {
						...options,
						answerContext,
						credits: cap && { cap, each: personCredits(settings) },
					}),
				};
	return {
		...sent,
		account,
		contactVerdict,
		balance: await check.balance,
		mostCredits: mostCredits(identifierCount(batches), settings, contactVerdict?.source),
	};
}

function profilePass(batches: string[][], settings: EnrichSettings, account: AccountVerdict, matchType: string): EndpointPass {
	return {
		path: ENDPOINT[settings.operation],
		body: (identifiers) => buildRequestBody(identifiers, settings),
		batches: BatchFeed.of(batches),
		rateLimit: account.rateLimit,
		matchType,
	};
}

interface ContactRun {
	batches: string[][];
	settings: ContactRunSettings;
	matchType: string;
	options: RunOptions;
	account: AccountVerdict;
	contactVerdict: ContactVerdict;
	readings: AccountReading[];
	cap?: CreditCap;
	answerContext: AnswerContext;
}

/**
 * The profile pass and the contact pass at once: each endpoint at its own limit, both under the
 * key's limit across endpoints, and the contact pass fed the matched profiles as they arrive.
 * Under a credit cap, a profile request reserves its people's contact data too, and what it
 * holds back for the people it found pays for their contact request: no profile is bought
 * whose contact data the cap could not then afford.
 */
async function sendWithContact(
	client: CrustdataClient,
	{ batches, settings, matchType, options, account, contactVerdict, readings, cap, answerContext }: ContactRun,
): Promise<Pick<EnrichmentRun, 'profiles' | 'contact' | 'contactMoved'>> {
	const contactEach = contactCredits(settings.contact);
	const contactBatches = new ContactBatches(requestSize(settings.batchSize));
	const routing = new ContactRouting(contactVerdict, settings, contactBatches);
	const keyLimit = contactVerdict.source === 'profile' ? undefined : sharedLimit(settings.pacing.maxRequestsPerMinute, ...readings);
	const shared = { runStop: {}, sharedWindow: keyLimit === undefined ? undefined : new SlidingWindow(keyLimit), answerContext };
	const profileRun = sendPass(
		client,
		{ ...profilePass(batches, settings, account, matchType), body: (identifiers) => routing.body(identifiers) },
		settings.pacing,
		{
			...options,
			...shared,
			classify: (answer, identifiers, context) => routing.classify(answer, identifiers, matchType, context),
			onAnswered: (entries) => routing.onAnswered(entries),
			credits: cap && {
				cap,
				each: personCredits(settings, contactVerdict.source),
				handedOnEach: contactVerdict.source === 'profile' ? 0 : contactEach,
			},
		},
	).finally(() => contactBatches.close());
	const contactRun = sendPass(
		client,
		contactEndpointPass(contactBatches.feed, settings.contact, contactVerdict.rateLimit),
		settings.pacing,
		{
			...shared,
			failFast: options.failFast,
			classify: classifyContactAnswer,
			credits: cap && { cap, each: contactEach, fromEarmark: true },
		},
	);
	// Both awaited together, so a cancelled run leaves neither pass's rejection unheard.
	const [profiles, result] = await Promise.all([profileRun, contactRun]);
	const contact = routing.usesContactEndpoint
		? { result, asked: contactBatches.asked, answers: indexAnswers(result.entries, normaliseProfileUrl), failures: result.failures }
		: undefined;
	return { profiles, contact, contactMoved: routing.movedBecause };
}
