// Batch job planning: the run's unique identifiers cut into jobs, and the body that submits one. Pure.
import type { IDataObject } from 'n8n-workflow';

import { affordableCount } from '../credits/creditCap';
import { personCredits } from '../credits/prices';
import { profileRequestFields } from '../planning/requestFields';
import { chunk, IDENTIFIER_FIELD, planLookups, type RequestPlan } from '../planning/requestPlanning';
import type { EnrichSettings, IdentifierType } from '../types';

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

/** A job's submit body. Batch jobs add Basic Profile and Social Handles to any fields, which the results then drop again. */
export function jobBody(identifiers: string[], settings: EnrichSettings): IDataObject {
	return { [IDENTIFIER_FIELD[settings.identifierType]]: identifiers, fields: profileRequestFields(settings) };
}

/**
 * The jobs Max Credits affords when every lookup finds its person at the worst-case price, and
 * the lookups it leaves unsent. Batch jobs say nothing of what each record cost, so nothing
 * comes back to spend: the cap holds by never submitting more than it affords.
 */
export function jobsWithinCap(identifiers: string[], settings: EnrichSettings): { jobs: string[][]; unaffordable: string[] } {
	const afforded =
		settings.maxCredits > 0 ? affordableCount(identifiers.length, personCredits(settings), settings.maxCredits) : identifiers.length;
	return { jobs: chunk(identifiers.slice(0, afforded), MAX_JOB_IDENTIFIERS), unaffordable: identifiers.slice(afforded) };
}
