// One run against the account: the account check, then the profile pass and, when contact data has its own endpoint, the contact pass.
import type { IExecuteFunctions } from 'n8n-workflow';

import { sharedLimit, type AccountReading, type AccountVerdict } from '../account/accountLimits';
import {
	classifyContactAnswer,
	contactEndpointPass,
	ContactBatches,
	type ContactAnswers,
	type ContactRunSettings,
} from '../contact/contactPass';
import { ContactRouting, type ContactVerdict } from '../contact/contactRoute';
import { CreditCap } from '../credits/creditCap';
import { contactCredits, mostCredits, personCredits } from '../credits/prices';
import { buildRequestBody, identifierCount, normaliseProfileUrl, requestSize } from '../planning/requestPlanning';
import { indexAnswers } from '../results/resultMapping';
import type { AnswerContext } from '../transport/answerPolicy';
import { BatchFeed } from '../transport/batchFeed';
import type { CrustdataClient } from '../transport/client';
import { SlidingWindow } from '../transport/pacer';
import { nothingSent, sendPass, type EndpointPass, type RunOptions, type TransportResult } from '../transport/sendLoop';
import type { EnrichSettings } from '../types';
import { ENDPOINT } from '../vocabulary';
import { checkAccount } from './accountCheck';

/**
 * The two passes run side by side, both within the credit cap. Nothing billable goes out on a run
 * the account would refuse, and nothing at all when there is nothing to send.
 */

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
