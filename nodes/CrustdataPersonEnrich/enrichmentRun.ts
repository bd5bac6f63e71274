import type { IExecuteFunctions } from 'n8n-workflow';

import { employerCheckOnAccount } from './employerCheck';
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
import { SlidingWindow } from './pacer';
import { buildRequestBody, ENDPOINT, normaliseProfileUrl } from './requestPlanning';
import { indexAnswers } from './resultMapping';
import { BatchFeed, nothingSent, sendPass, type EndpointPass, type RunOptions, type TransportResult } from './sendLoop';
import { openCrustdataClient, type CrustdataClient } from './transport';
import type { EnrichSettings } from './types';

/**
 * One run against the account: ask what it may do (free), then send the profile pass and, where
 * the account serves contact data from its own endpoint, the contact pass beside it. Nothing
 * billable goes out on a run the account would refuse, and nothing at all when there is nothing
 * to send.
 */

export interface EnrichmentRun {
	profiles: TransportResult;
	/** What the contact endpoint answered, when contact data came from it. */
	contact?: ContactAnswers & { result: TransportResult };
	account?: AccountVerdict;
	contactVerdict?: ContactVerdict;
	/** Why contact data moved to the contact endpoint during the run. */
	contactMoved?: 'refused' | 'dropped';
}

export async function runEnrichment(
	context: IExecuteFunctions,
	batches: string[][],
	requested: EnrichSettings,
	matchType: string,
	options: RunOptions,
): Promise<EnrichmentRun> {
	if (batches.length === 0) return { profiles: nothingSent(batches) };
	const client = await openCrustdataClient(context, requested.pacing.timeoutMs);
	const { contact } = requested;
	const [profileReading, contactReading] = await Promise.all([
		askAccount(client, ENDPOINT[requested.operation], requested),
		contact ? askAccount(client, CONTACT_ENRICH_PATH, requested) : undefined,
	]);
	const employerCheck = employerCheckOnAccount(requested, 'access' in profileReading ? profileReading.access.disabledFields : []);
	const settings = 'settings' in employerCheck ? employerCheck.settings : requested;
	const judged = judgeAccount(profileReading, settings);
	const account = 'refusal' in employerCheck ? { ...judged, refusal: judged.refusal ?? employerCheck.refusal } : judged;
	if (!contact || !contactReading) {
		const profiles = account.refusal
			? nothingSent(batches, account.refusal)
			: await sendPass(client, profilePass(batches, settings, account, matchType), settings.pacing, options);
		return { profiles, account };
	}
	const contactVerdict = judgeContact(contact, profileReading, contactReading, settings.pacing.maxRequestsPerMinute);
	const refusal = account.refusal ?? contactVerdict.refusal;
	if (refusal) return { profiles: nothingSent(batches, refusal), account, contactVerdict };
	const sent = await sendWithContact(client, {
		batches,
		settings: { ...settings, contact },
		matchType,
		options,
		account,
		contactVerdict,
		readings: [profileReading, contactReading],
	});
	return { ...sent, account, contactVerdict };
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
}

/**
 * The profile pass and the contact pass at once: each endpoint at its own limit, both under the
 * key's limit across endpoints, and the contact pass fed the matched profiles as they arrive.
 */
async function sendWithContact(
	client: CrustdataClient,
	{ batches, settings, matchType, options, account, contactVerdict, readings }: ContactRun,
): Promise<Pick<EnrichmentRun, 'profiles' | 'contact' | 'contactMoved'>> {
	const contactBatches = new ContactBatches(settings.batchSize);
	const routing = new ContactRouting(contactVerdict, settings, contactBatches);
	const keyLimit = contactVerdict.source === 'profile' ? undefined : sharedLimit(settings.pacing.maxRequestsPerMinute, ...readings);
	const shared = { runStop: {}, sharedWindow: keyLimit === undefined ? undefined : new SlidingWindow(keyLimit) };
	const profileRun = sendPass(
		client,
		{ ...profilePass(batches, settings, account, matchType), body: (identifiers) => routing.body(identifiers) },
		settings.pacing,
		{
			...options,
			...shared,
			classify: (answer, identifiers) => routing.classify(answer, identifiers, matchType),
			onAnswered: (entries) => routing.onAnswered(entries),
		},
	).finally(() => contactBatches.close());
	const contactRun = sendPass(
		client,
		contactEndpointPass(contactBatches.feed, settings.contact, contactVerdict.rateLimit),
		settings.pacing,
		{ ...shared, failFast: options.failFast, classify: classifyContactAnswer },
	);
	// Both awaited together, so a cancelled run leaves neither pass's rejection unheard.
	const [profiles, result] = await Promise.all([profileRun, contactRun]);
	const contact = routing.usesContactEndpoint
		? { result, asked: contactBatches.asked, answers: indexAnswers(result.entries, normaliseProfileUrl), failures: result.failures }
		: undefined;
	return { profiles, contact, contactMoved: routing.movedBecause };
}
