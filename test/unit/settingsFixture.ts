import type { EnrichSettings } from '../../nodes/CrustdataPersonEnrich/types';

/** Settings as the node's defaults would give them, with the test's changes on top. */
export function settingsWith(overrides: Partial<EnrichSettings>): EnrichSettings {
	return {
		operation: 'enrich',
		identifierType: 'profileUrl',
		fields: ['basic_profile', 'social_handles'],
		minSimilarityScore: 0,
		preview: false,
		onNoMatch: 'emitItem',
		returnMatches: 'all',
		requireEmployerDomainMatch: false,
		simplify: false,
		includePersonData: false,
		includeInputFields: false,
		batchSize: 25,
		pacing: { maxRequestsPerMinute: 0, concurrency: 0, maxRetries: 4, timeoutMs: 60_000 },
		maxCredits: 0,
		dryRun: false,
		maxWaitMs: 3_600_000,
		...overrides,
	};
}

/** Every subset of `values`, for tests that try every choice of sections or contact tiers. */
export const subsets = <T>(values: readonly T[]): T[][] =>
	values.reduce<T[][]>((all, value) => [...all, ...all.map((subset) => [...subset, value])], [[]]);
