// Batch job planning: the run's unique identifiers cut into jobs, and the body that submits one. Pure.
import type { IDataObject } from 'n8n-workflow';

import { affordableCount } from '../credits/creditCap';
import { personCredits } from '../credits/prices';
import { fieldsTheContactPassNeeds, profileRequestFields, tierPaths } from '../planning/requestFields';
import { chunk, IDENTIFIER_FIELD, planLookups, type RequestPlan } from '../planning/requestPlanning';
import type { ContactSource, EnrichSettings, IdentifierType } from '../types';

/** The most identifiers Crustdata takes in one batch job. */
export const MAX_JOB_IDENTIFIERS = 10_000;

/**
 * Each unique identifier in exactly one job: Crustdata bills a duplicate inside a job twice, and
 * one in two jobs would be bought twice.
 */
export function planJobs(rawIdentifiers: unknown[], identifierType: IdentifierType): RequestPlan {
	const { inputs, unique } = planLookups(rawIdentifiers, identifierType);
	return { inputs, batches: chunk(unique, MAX_JOB_IDENTIFIERS) };
}

/**
 * What a profile job asks for: the user's fields, and the contact tiers when the account serves
 * them with the profile, or else what contact jobs need of the profile (an email's match names
 * its profile URL). Batch jobs add Basic Profile and Social Handles, which the results drop again.
 */
export function jobFields(settings: EnrichSettings, contactSource?: ContactSource): string[] {
	const { contact } = settings;
	if (!contact || contactSource === undefined) return profileRequestFields(settings);
	if (contactSource === 'profile') return [...profileRequestFields(settings), ...tierPaths(contact.tiers)];
	return [...profileRequestFields(settings), ...fieldsTheContactPassNeeds(settings)];
}

/** A profile job's submit body. */
export function jobBody(identifiers: string[], settings: EnrichSettings, fields = profileRequestFields(settings)): IDataObject {
	return { [IDENTIFIER_FIELD[settings.identifierType]]: identifiers, fields };
}

/**
 * The jobs Max Credits affords when every lookup finds its person at the worst-case price, and
 * the lookups it leaves unsent. Batch jobs say nothing of what each record cost, so nothing
 * comes back to spend: the cap holds by never submitting more than it affords, contact data
 * included, as each person found is sent to at most one contact job.
 */
export function jobsWithinCap(
	identifiers: string[],
	settings: EnrichSettings,
	contactSource?: ContactSource,
): { jobs: string[][]; unaffordable: string[] } {
	const each = personCredits(settings, contactSource);
	const afforded = settings.maxCredits > 0 ? affordableCount(identifiers.length, each, settings.maxCredits) : identifiers.length;
	return { jobs: chunk(identifiers.slice(0, afforded), MAX_JOB_IDENTIFIERS), unaffordable: identifiers.slice(afforded) };
}
